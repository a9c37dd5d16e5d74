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

#endif /* _VIOX_COMPAT_H */
