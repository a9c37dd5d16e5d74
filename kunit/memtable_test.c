// SPDX-License-Identifier: GPL-2.0
/* The guest memory table: which tables are accepted, how ranges translate. */
#include <linux/vhost.h>
#include <linux/vhost_iotlb.h>

#include "vring_test.h"

/* Owner addresses are only range-checked here, never touched. */
#define UA	0x7f0000000000ULL
#define PG	PAGE_SIZE

struct table_case {
	const char *name;
	unsigned int n;
	struct vhost_memory_region r[3];
	int ret;
};

static const struct table_case table_cases[] = {
	{ "empty table", 0, {}, 0 },
	{ "two disjoint regions", 2,
	  { { 0, 16 * PG, UA }, { 0x100000, 16 * PG, UA + 0x100000 } }, 0 },
	{ "adjacent regions", 2,
	  { { 0, 4 * PG, UA }, { 4 * PG, 4 * PG, UA + 0x10000 } }, 0 },
	{ "same owner memory at two guest addresses", 2,
	  { { 0, 4 * PG, UA }, { 0x100000, 4 * PG, UA } }, 0 },
	{ "zero size", 1, { { 0, 0, UA } }, -EINVAL },
	/* vhost takes sub-page and overlapping regions: QEMU gives them. */
	{ "unaligned guest address", 1, { { 0x800, PG, UA } }, 0 },
	{ "unaligned owner address", 1, { { 0, PG, UA + 8 } }, 0 },
	{ "unaligned size", 1, { { 0, PG + 1, UA } }, 0 },
	{ "guest range wraps", 1, { { 0ULL - PG, 2 * PG, UA } }, -EINVAL },
	{ "owner range wraps", 1, { { 0, 2 * PG, 0ULL - PG } }, -EINVAL },
	{ "owner range in the kernel", 1,
	  { { 0, PG, 0xffff888000000000ULL } }, -EINVAL },
	{ "overlapping regions", 2,
	  { { 0, 8 * PG, UA }, { 4 * PG, 8 * PG, UA + 0x100000 } }, 0 },
	{ "identical regions", 2,
	  { { 0, 8 * PG, UA }, { 0, 8 * PG, UA } }, 0 },
	{ "region inside another", 3,
	  { { 0, 64 * PG, UA }, { 0x100000, PG, UA }, { 8 * PG, PG, UA } }, 0 },
};

static void table_case_desc(const struct table_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(table, table_cases, table_case_desc);

static void memtable_build(struct kunit *test)
{
	const struct table_case *c = test->param_value;
	struct vhost_iotlb *umem = NULL;
	int r;

	r = viox_umem_build(c->r, c->n, &umem);
	KUNIT_EXPECT_EQ(test, r, c->ret);
	if (!r) {
		KUNIT_EXPECT_EQ(test, umem->nmaps, c->n);
		vhost_iotlb_free(umem);
	}
}

static struct vhost_iotlb *two_regions_with_hole(struct kunit *test)
{
	/* [0, 64K) and [64K, 128K) adjacent, [256K, 320K) after a hole. */
	static const struct vhost_memory_region r[] = {
		{ 0, 0x10000, UA },
		{ 0x10000, 0x10000, UA + 0x100000 },
		{ 0x40000, 0x10000, UA + 0x200000 },
	};
	struct vhost_iotlb *umem;

	KUNIT_ASSERT_EQ(test, viox_umem_build(r, ARRAY_SIZE(r), &umem), 0);
	return umem;
}

static void memtable_translate(struct kunit *test)
{
	struct vhost_iotlb *umem = two_regions_with_hole(test);
	struct iovec iov[4];

	/* Inside one region. */
	KUNIT_EXPECT_EQ(test, viox_umem_translate(umem, 0x1234, 100, iov, 4), 1);
	KUNIT_EXPECT_EQ(test, (u64)(unsigned long)iov[0].iov_base, UA + 0x1234);
	KUNIT_EXPECT_EQ(test, iov[0].iov_len, 100);

	/* Across the boundary of adjacent regions: two segments. */
	KUNIT_EXPECT_EQ(test, viox_umem_translate(umem, 0xfff0, 0x20, iov, 4), 2);
	KUNIT_EXPECT_EQ(test, (u64)(unsigned long)iov[0].iov_base, UA + 0xfff0);
	KUNIT_EXPECT_EQ(test, iov[0].iov_len, 0x10);
	KUNIT_EXPECT_EQ(test, (u64)(unsigned long)iov[1].iov_base, UA + 0x100000);
	KUNIT_EXPECT_EQ(test, iov[1].iov_len, 0x10);

	/* The last byte of a region, and one past it into the hole. */
	KUNIT_EXPECT_EQ(test, viox_umem_translate(umem, 0x1ffff, 1, iov, 4), 1);
	KUNIT_EXPECT_EQ(test, viox_umem_translate(umem, 0x1ffff, 2, iov, 4), -EFAULT);
	KUNIT_EXPECT_EQ(test, viox_umem_translate(umem, 0x20000, 1, iov, 4), -EFAULT);
	KUNIT_EXPECT_EQ(test, viox_umem_translate(umem, 0x3ffff, 2, iov, 4), -EFAULT);
	KUNIT_EXPECT_EQ(test, viox_umem_translate(umem, 0x4ffff, 1, iov, 4), 1);
	KUNIT_EXPECT_EQ(test, viox_umem_translate(umem, 0x50000, 1, iov, 4), -EFAULT);

	/* Zero length needs no memory; a wrapping range is refused. */
	KUNIT_EXPECT_EQ(test, viox_umem_translate(umem, 0xdead0000, 0, iov, 4), 0);
	KUNIT_EXPECT_EQ(test, viox_umem_translate(umem, U64_MAX - 4, 16, iov, 4),
			-EFAULT);

	/* Too few iovecs for the segments needed. */
	KUNIT_EXPECT_EQ(test, viox_umem_translate(umem, 0xfff0, 0x20, iov, 1),
			-ENOBUFS);
	vhost_iotlb_free(umem);
}

static void memtable_reverse(struct kunit *test)
{
	struct vhost_iotlb *umem = two_regions_with_hole(test);
	u64 gpa = 0;

	KUNIT_EXPECT_EQ(test, viox_umem_uaddr_to_gpa(umem, UA + 0x100010, 16, &gpa), 0);
	KUNIT_EXPECT_EQ(test, gpa, 0x10010);
	KUNIT_EXPECT_EQ(test, viox_umem_uaddr_to_gpa(umem, UA + 0x200000 + 0xfff8,
						     8, &gpa), 0);
	KUNIT_EXPECT_EQ(test, gpa, 0x4fff8);
	/* Running off the end of the owner range is not a guest address. */
	KUNIT_EXPECT_EQ(test, viox_umem_uaddr_to_gpa(umem, UA + 0x200000 + 0xfff8,
						     16, &gpa), -EFAULT);
	KUNIT_EXPECT_EQ(test, viox_umem_uaddr_to_gpa(umem, UA + 0x300000, 1, &gpa),
			-EFAULT);
	vhost_iotlb_free(umem);
}

/* VHOST_SET_MEM_TABLE as the owner sends it, from the owner's memory. */
static void memtable_ioctl(struct kunit *test)
{
	struct vt *t = vt_create(test, 0);
	struct vhost_memory *m;
	size_t size = struct_size(m, regions, 2);
	void __user *um = (void __user *)(t->uaddr + VT_DATA);

	m = kunit_kzalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m);
	m->nregions = 2;
	m->regions[0] = (struct vhost_memory_region){ 0, 4 * PG, t->uaddr };
	m->regions[1] = (struct vhost_memory_region){ 8 * PG, 4 * PG, t->uaddr };
	vt_write(t, VT_DATA, m, size);
	KUNIT_EXPECT_EQ(test, viox_dev_set_mem_table(&t->dev, um), 0);
	KUNIT_EXPECT_PTR_EQ(test, t->vq.umem, t->dev.umem);
	KUNIT_EXPECT_EQ(test, t->dev.umem->nmaps, 2);

	/* A refused table leaves the old one in place. */
	m->regions[1].memory_size = 0;
	vt_write(t, VT_DATA, m, size);
	KUNIT_EXPECT_EQ(test, viox_dev_set_mem_table(&t->dev, um), -EINVAL);
	KUNIT_EXPECT_EQ(test, t->dev.umem->nmaps, 2);
	m->regions[1].memory_size = 4 * PG;

	m->nregions = viox_max_mem_regions + 1;
	vt_write(t, VT_DATA, m, sizeof(*m));
	KUNIT_EXPECT_EQ(test, viox_dev_set_mem_table(&t->dev, um), -E2BIG);

	m->nregions = 1;
	m->padding = 1;
	vt_write(t, VT_DATA, m, sizeof(*m));
	KUNIT_EXPECT_EQ(test, viox_dev_set_mem_table(&t->dev, um), -EOPNOTSUPP);

	/* A count that runs past the owner's memory faults cleanly. */
	m->padding = 0;
	m->nregions = 2;
	um = (void __user *)(t->uaddr + VT_SIZE - sizeof(*m));
	vt_write(t, VT_SIZE - sizeof(*m), m, sizeof(*m));
	KUNIT_EXPECT_EQ(test, viox_dev_set_mem_table(&t->dev, um), -EFAULT);
	vt_destroy(t);
}

static struct kunit_case memtable_cases[] = {
	KUNIT_CASE_PARAM(memtable_build, table_gen_params),
	KUNIT_CASE(memtable_translate),
	KUNIT_CASE(memtable_reverse),
	KUNIT_CASE(memtable_ioctl),
	{}
};

struct kunit_suite viox_memtable_suite = {
	.name = "viox_memtable",
	.test_cases = memtable_cases,
};
