// SPDX-License-Identifier: GPL-2.0
/* viox_vring_kunit: the vring core's KUnit suites and their fixture. */
#include <linux/mman.h>
#include <linux/vhost.h>
#include <linux/vhost_iotlb.h>
#include <viox/compat.h>

#include "vring_test.h"

/**
 * vt_create() - a started vq of VT_NUM entries with rings in guest memory
 * @test: the test
 * @features: the acked features; they pick the ring layout
 *
 * Return: the fixture; the test fails and aborts if it cannot be made.
 */
struct vt *vt_create(struct kunit *test, u64 features)
{
	struct vhost_memory_region regions[3];
	struct vhost_vring_addr a = {};
	struct vt *t;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	t->test = test;
	t->uaddr = kunit_vm_mmap(test, NULL, 0, VT_SIZE, PROT_READ | PROT_WRITE,
				 MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE_MSG(test, t->uaddr, 0, "no user mapping");

	regions[0] = (struct vhost_memory_region){
		.guest_phys_addr = VT_GPA, .memory_size = VT_SIZE / 2,
		.userspace_addr = t->uaddr,
	};
	regions[1] = (struct vhost_memory_region){
		.guest_phys_addr = VT_GPA + VT_SIZE / 2, .memory_size = VT_SIZE / 2,
		.userspace_addr = t->uaddr + VT_SIZE / 2,
	};
	regions[2] = (struct vhost_memory_region){
		.guest_phys_addr = VT_HUGE_GPA, .memory_size = VT_HUGE_SIZE,
		.userspace_addr = VT_HUGE_UADDR,
	};

	t->vqs[0] = &t->vq;
	viox_dev_init(&t->dev, "kunit", t->vqs, 1);
	KUNIT_ASSERT_EQ(test, viox_umem_build(regions, 3, &t->dev.umem), 0);
	t->vq.umem = t->dev.umem;
	viox_vq_set_features(&t->vq, features);
	KUNIT_ASSERT_EQ(test, viox_vq_set_num(&t->vq, VT_NUM), 0);
	a.desc_user_addr = t->uaddr + VT_DESC;
	a.avail_user_addr = t->uaddr + VT_AVAIL;
	a.used_user_addr = t->uaddr + VT_USED;
	a.log_guest_addr = G(VT_USED);
	KUNIT_ASSERT_EQ(test, viox_vq_set_addr(&t->vq, &a), 0);
	KUNIT_ASSERT_EQ(test, viox_vq_start(&t->vq), 0);

	t->chain.iov = t->iov;
	t->chain.iov_max = ARRAY_SIZE(t->iov);
	t->chain.log = t->log;
	t->chain.log_max = ARRAY_SIZE(t->log);
	return t;
}

void vt_destroy(struct vt *t)
{
	viox_dev_cleanup(&t->dev);
}

void vt_write(struct vt *t, unsigned long off, const void *p, size_t len)
{
	KUNIT_ASSERT_EQ(t->test,
			copy_to_user((void __user *)(t->uaddr + off), p, len), 0);
}

void vt_read(struct vt *t, unsigned long off, void *p, size_t len)
{
	KUNIT_ASSERT_EQ(t->test,
			copy_from_user(p, (void __user *)(t->uaddr + off), len), 0);
}

int vt_get(struct vt *t)
{
	return viox_vq_get_chain(&t->vq, &t->chain);
}

kunit_test_suites(&viox_memtable_suite, &viox_split_suite, &viox_packed_suite,
		  &viox_event_idx_suite, &viox_log_suite, &viox_worker_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suites for the viox vring core");
MODULE_VERSION(VIOX_VERSION);
VIOX_IMPORT_KUNIT_NS();
