/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fixture for the vring core suites: a vq over "guest memory" that is a
 * real user mapping of the test thread, so the core's user accessors run
 * exactly as they do on a VMM's memory.
 */
#ifndef _VIOX_VRING_TEST_H
#define _VIOX_VRING_TEST_H

#include <kunit/test.h>
#include <linux/virtio_ring.h>

#include "../drivers/vring/internal.h"

/* Guest memory: two adjacent 32 KiB regions backed by one 64 KiB mapping. */
#define VT_GPA		0x100000ULL
#define VT_SIZE		0x10000UL
#define G(off)		(VT_GPA + (off))
/* Ring areas and buffers, as offsets into guest memory. */
#define VT_DESC		0x0000
#define VT_AVAIL	0x1000
#define VT_USED		0x2000
#define VT_LOG		0x3000	/* the dirty bitmap lives here too */
#define VT_IND		0x8800	/* indirect tables */
#define VT_DATA		0x4000
/* A 4 GiB region that is mapped but never touched, to test lengths. */
#define VT_HUGE_GPA	BIT_ULL(40)
#define VT_HUGE_SIZE	(4ULL << 30)
#define VT_HUGE_UADDR	(4ULL << 30)
#define VT_NUM		16

struct vt {
	struct kunit *test;
	struct viox_dev dev;
	struct viox_vq vq;
	struct viox_vq *vqs[1];
	unsigned long uaddr;
	struct iovec iov[64];
	struct viox_log_range log[64];
	struct viox_chain chain;
};

struct vt *vt_create(struct kunit *test, u64 features);
void vt_destroy(struct vt *t);
void vt_write(struct vt *t, unsigned long off, const void *p, size_t len);
void vt_read(struct vt *t, unsigned long off, void *p, size_t len);
int vt_get(struct vt *t);

extern struct kunit_suite viox_memtable_suite;
extern struct kunit_suite viox_split_suite;
extern struct kunit_suite viox_packed_suite;
extern struct kunit_suite viox_event_idx_suite;
extern struct kunit_suite viox_log_suite;
extern struct kunit_suite viox_worker_suite;

#endif /* _VIOX_VRING_TEST_H */
