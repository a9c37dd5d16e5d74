/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where viox absorbs API drift between Linux 6.12, which it
 * targets, and newer kernels it is also built against.
 */
#ifndef _VIOX_COMPAT_H
#define _VIOX_COMPAT_H

#include <linux/version.h>
#include <linux/module.h>

/* 6.13 turned symbol namespaces into string literals. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define VIOX_IMPORT_KUNIT_NS() MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING")
#else
#define VIOX_IMPORT_KUNIT_NS() MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING)
#endif

/*
 * A netdev that may not leave its namespace: dev->netns_local, which a
 * 6.12 point release renamed netns_immutable as newer kernels call it
 * (Kbuild looks which one the headers have).
 */
#ifdef VIOX_HAVE_NETNS_IMMUTABLE
#define viox_set_netns_immutable(dev) ((dev)->netns_immutable = true)
#else
#define viox_set_netns_immutable(dev) ((dev)->netns_local = true)
#endif

#endif /* _VIOX_COMPAT_H */
