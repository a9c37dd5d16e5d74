// SPDX-License-Identifier: GPL-2.0
/* Split rings: good and malformed chains, used-ring updates, dirty logging. */
#include <linux/vhost.h>
#include <linux/virtio_config.h>

#include "vring_test.h"

#define N	VRING_DESC_F_NEXT
#define W	VRING_DESC_F_WRITE
#define I	VRING_DESC_F_INDIRECT
#define V1	BIT_ULL(VIRTIO_F_VERSION_1)
#define IND	BIT_ULL(VIRTIO_RING_F_INDIRECT_DESC)
#define TBL	G(VT_IND)

struct sd {
	u64 addr;
	u32 len;
	u16 flags;
	u16 next;
};

struct split_case {
	const char *name;
	u64 features;
	u16 head;
	u16 avail_idx;		/* after publishing; 0 means 1 */
	unsigned int nd, nind;
	struct sd d[4];
	struct sd ind[4];
	int ret;
	unsigned int out, in;
	u32 out_len, in_len;
};

static const struct split_case split_cases[] = {
	/* Good chains. */
	{ "one readable buffer", V1, 0, 0, 1, 0,
	  { { G(VT_DATA), 100 } }, {}, 1, 1, 0, 100, 0 },
	{ "readable then writable", V1, 0, 0, 2, 0,
	  { { G(VT_DATA), 10, N, 1 }, { G(0x5000), 20, W } }, {}, 1, 1, 1, 10, 20 },
	{ "head in the middle of the table", V1, 2, 0, 4, 0,
	  { {}, {}, { G(VT_DATA), 10, N, 3 }, { G(0x5000), 20, W } }, {},
	  1, 1, 1, 10, 20 },
	{ "zero-length descriptor", V1, 0, 0, 2, 0,
	  { { G(VT_DATA), 0, N, 1 }, { G(0x5000), 8, W } }, {}, 1, 0, 1, 0, 8 },
	{ "buffer spanning two regions", V1, 0, 0, 1, 0,
	  { { G(0x7ff0), 0x20, W } }, {}, 1, 0, 2, 0, 0x20 },
	{ "buffer ending at the end of memory", V1, 0, 0, 1, 0,
	  { { G(VT_SIZE - 16), 16 } }, {}, 1, 1, 0, 16, 0 },
	{ "indirect table", V1 | IND, 0, 0, 1, 3,
	  { { TBL, 48, I } },
	  { { G(VT_DATA), 10, N, 1 }, { G(0x4100), 20, N, 2 }, { G(0x5000), 30, W } },
	  1, 2, 1, 30, 30 },
	{ "direct descriptors then an indirect one", V1 | IND, 0, 0, 2, 1,
	  { { G(VT_DATA), 10, N, 1 }, { TBL, 16, I } }, { { G(0x5000), 30, W } },
	  1, 1, 1, 10, 30 },
	{ "indirect entries out of table order", V1 | IND, 0, 0, 1, 3,
	  { { TBL, 48, I } },
	  { { G(VT_DATA), 10, N, 2 }, { G(0x5000), 30, W }, { G(0x4100), 20, N, 1 } },
	  1, 2, 1, 30, 30 },
	{ "4 GiB - 1 in one buffer", V1, 0, 0, 1, 0,
	  { { VT_HUGE_GPA, U32_MAX } }, {}, 1, 1, 0, U32_MAX, 0 },

	/* Malformed chains: each breaks the vq. */
	{ "head index out of range", V1, VT_NUM, 0, 1, 0,
	  { { G(VT_DATA), 10 } }, {}, -EINVAL },
	{ "next index out of range", V1, 0, 0, 1, 0,
	  { { G(VT_DATA), 10, N, VT_NUM } }, {}, -EINVAL },
	{ "loop in the chain", V1, 0, 0, 2, 0,
	  { { G(VT_DATA), 10, N, 1 }, { G(0x5000), 10, N, 0 } }, {}, -EINVAL },
	{ "descriptor pointing at itself", V1, 0, 0, 1, 0,
	  { { G(VT_DATA), 10, N, 0 } }, {}, -EINVAL },
	{ "readable after writable", V1, 0, 0, 2, 0,
	  { { G(VT_DATA), 10, N | W, 1 }, { G(0x5000), 10 } }, {}, -EINVAL },
	{ "buffer outside guest memory", V1, 0, 0, 1, 0,
	  { { 0x1000, 10 } }, {}, -EFAULT },
	{ "buffer running past guest memory", V1, 0, 0, 1, 0,
	  { { G(VT_SIZE - 8), 16 } }, {}, -EFAULT },
	{ "buffer address wraps", V1, 0, 0, 1, 0,
	  { { U64_MAX - 15, 32 } }, {}, -EFAULT },
	{ "chain longer than 4 GiB", V1, 0, 0, 2, 0,
	  { { VT_HUGE_GPA, U32_MAX, N, 1 }, { VT_HUGE_GPA, 1 } }, {}, -EINVAL },
	{ "avail index ahead by more than the ring", V1, 0, VT_NUM + 1, 1, 0,
	  { { G(VT_DATA), 10 } }, {}, -EINVAL },
	{ "indirect not negotiated", V1, 0, 0, 1, 1,
	  { { TBL, 16, I } }, { { G(VT_DATA), 10 } }, -EINVAL },
	{ "indirect with next", V1 | IND, 0, 0, 2, 1,
	  { { TBL, 16, I | N, 1 }, { G(VT_DATA), 10 } }, { { G(VT_DATA), 10 } },
	  -EINVAL },
	{ "indirect length not whole descriptors", V1 | IND, 0, 0, 1, 1,
	  { { TBL, 20, I } }, { { G(VT_DATA), 10 } }, -EINVAL },
	{ "empty indirect table", V1 | IND, 0, 0, 1, 0,
	  { { TBL, 0, I } }, {}, -EINVAL },
	{ "nested indirect", V1 | IND, 0, 0, 1, 1,
	  { { TBL, 16, I } }, { { TBL, 16, I } }, -EINVAL },
	{ "loop in an indirect table", V1 | IND, 0, 0, 1, 2,
	  { { TBL, 32, I } }, { { G(VT_DATA), 10, N, 1 }, { G(VT_DATA), 10, N, 0 } },
	  -EINVAL },
	{ "indirect next out of range", V1 | IND, 0, 0, 1, 2,
	  { { TBL, 32, I } }, { { G(VT_DATA), 10, N, 2 }, { G(VT_DATA), 10 } },
	  -EINVAL },
	{ "indirect table outside guest memory", V1 | IND, 0, 0, 1, 0,
	  { { 0x2000, 16, I } }, {}, -EFAULT },
	{ "indirect entry outside guest memory", V1 | IND, 0, 0, 1, 1,
	  { { TBL, 16, I } }, { { 0x2000, 10 } }, -EFAULT },
};

static void split_case_desc(const struct split_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(split, split_cases, split_case_desc);

static void put_desc(struct vt *t, unsigned long table, unsigned int i,
		     const struct sd *d)
{
	struct vring_desc v = {
		.addr = (__force __virtio64)cpu_to_le64(d->addr),
		.len = (__force __virtio32)cpu_to_le32(d->len),
		.flags = (__force __virtio16)cpu_to_le16(d->flags),
		.next = (__force __virtio16)cpu_to_le16(d->next),
	};

	vt_write(t, table + i * sizeof(v), &v, sizeof(v));
}

/* Put @head in the avail ring at @slot and move the index to @idx. */
static void publish(struct vt *t, u16 slot, u16 head, u16 idx)
{
	__le16 h = cpu_to_le16(head), i = cpu_to_le16(idx);

	vt_write(t, VT_AVAIL + 4 + 2 * (slot % VT_NUM), &h, 2);
	vt_write(t, VT_AVAIL + 2, &i, 2);
}

static void split_chain(struct kunit *test)
{
	const struct split_case *c = test->param_value;
	struct vt *t = vt_create(test, c->features);
	unsigned int i;
	int r;

	for (i = 0; i < c->nd; i++)
		put_desc(t, VT_DESC, i, &c->d[i]);
	for (i = 0; i < c->nind; i++)
		put_desc(t, VT_IND, i, &c->ind[i]);
	publish(t, 0, c->head, c->avail_idx ?: 1);

	r = vt_get(t);
	KUNIT_EXPECT_EQ(test, r, c->ret);
	if (r == 1) {
		KUNIT_EXPECT_EQ(test, t->chain.id, c->head);
		KUNIT_EXPECT_EQ(test, t->chain.out, c->out);
		KUNIT_EXPECT_EQ(test, t->chain.in, c->in);
		KUNIT_EXPECT_EQ(test, t->chain.out_len, c->out_len);
		KUNIT_EXPECT_EQ(test, t->chain.in_len, c->in_len);
		KUNIT_EXPECT_EQ(test, t->vq.last_avail_idx, 1);
		KUNIT_EXPECT_FALSE(test, t->vq.broken);
		/* The ring is empty now. */
		KUNIT_EXPECT_EQ(test, vt_get(t), 0);
	} else {
		KUNIT_EXPECT_TRUE(test, t->vq.broken);
		KUNIT_EXPECT_EQ(test, vt_get(t), -EIO);
		/* Setting the base again is how a VMM recovers the vq. */
		KUNIT_EXPECT_EQ(test, t->vq.ops->set_base(&t->vq, 0), 0);
	}
	vt_destroy(t);
}

/* A direct chain of exactly the ring size is legal; one more is not. */
static void split_ring_sized_chains(struct kunit *test)
{
	struct vt *t = vt_create(test, V1 | IND);
	struct sd d = { G(VT_DATA), 1, N };
	unsigned int i;

	for (i = 0; i < VT_NUM; i++) {
		d.next = i + 1;
		d.flags = i == VT_NUM - 1 ? 0 : N;
		put_desc(t, VT_DESC, i, &d);
	}
	publish(t, 0, 0, 1);
	KUNIT_EXPECT_EQ(test, vt_get(t), 1);
	KUNIT_EXPECT_EQ(test, t->chain.out, VT_NUM);

	/* Indirect tables of ring size entries, and of one more. */
	for (i = 0; i <= VT_NUM; i++) {
		d.next = i + 1;
		d.flags = i >= VT_NUM - 1 ? 0 : N;
		put_desc(t, VT_IND, i, &d);
	}
	d = (struct sd){ TBL, VT_NUM * 16, I };
	put_desc(t, VT_DESC, 0, &d);
	publish(t, 1, 0, 2);
	KUNIT_EXPECT_EQ(test, vt_get(t), 1);
	KUNIT_EXPECT_EQ(test, t->chain.out, VT_NUM);

	d = (struct sd){ G(VT_DATA), 1, N, VT_NUM };
	put_desc(t, VT_IND, VT_NUM - 1, &d);
	d = (struct sd){ TBL, (VT_NUM + 1) * 16, I };
	put_desc(t, VT_DESC, 0, &d);
	publish(t, 2, 0, 3);
	KUNIT_EXPECT_EQ(test, vt_get(t), -EINVAL);
	vt_destroy(t);
}

/* More segments than the caller's iovec array holds breaks the vq. */
static void split_too_many_segments(struct kunit *test)
{
	struct vt *t = vt_create(test, V1);
	struct sd d = { G(0x7ff0), 0x20 };

	put_desc(t, VT_DESC, 0, &d);
	publish(t, 0, 0, 1);
	t->chain.iov_max = 1;
	KUNIT_EXPECT_EQ(test, vt_get(t), -ENOBUFS);
	KUNIT_EXPECT_TRUE(test, t->vq.broken);
	vt_destroy(t);
}

/* Used entries land in ring order and the index follows, across a wrap. */
static void split_add_used(struct kunit *test)
{
	struct vt *t = vt_create(test, V1);
	struct viox_used_elem e[3] = { { 5, 100 }, { 6, 0 }, { 7, 42 } };
	struct vring_used_elem ring[VT_NUM];
	__le16 idx;

	/* Start with the used index at 14 so the batch wraps the ring. */
	t->vq.last_used_idx = 14;
	KUNIT_EXPECT_EQ(test, viox_vq_add_used(&t->vq, e, 3), 0);
	vt_read(t, VT_USED + 2, &idx, 2);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(idx), 17);
	vt_read(t, VT_USED + 4, ring, sizeof(ring));
	KUNIT_EXPECT_EQ(test, le32_to_cpu((__force __le32)ring[14].id), 5);
	KUNIT_EXPECT_EQ(test, le32_to_cpu((__force __le32)ring[14].len), 100);
	KUNIT_EXPECT_EQ(test, le32_to_cpu((__force __le32)ring[15].id), 6);
	KUNIT_EXPECT_EQ(test, le32_to_cpu((__force __le32)ring[0].id), 7);
	KUNIT_EXPECT_EQ(test, le32_to_cpu((__force __le32)ring[0].len), 42);
	KUNIT_EXPECT_EQ(test, t->vq.last_used_idx, 17);
	vt_destroy(t);
}

/* A chain given back is handed out again; the base survives a restart. */
static void split_unget_and_base(struct kunit *test)
{
	struct vt *t = vt_create(test, V1);
	struct sd d = { G(VT_DATA), 10 };

	put_desc(t, VT_DESC, 3, &d);
	publish(t, 0, 3, 1);
	KUNIT_ASSERT_EQ(test, vt_get(t), 1);
	viox_vq_unget_chain(&t->vq, &t->chain);
	KUNIT_EXPECT_EQ(test, t->vq.ops->get_base(&t->vq), 0);
	KUNIT_ASSERT_EQ(test, vt_get(t), 1);
	KUNIT_EXPECT_EQ(test, t->chain.id, 3);
	KUNIT_EXPECT_EQ(test, t->vq.ops->get_base(&t->vq), 1);
	KUNIT_EXPECT_EQ(test, t->vq.ops->set_base(&t->vq, 0x10000), -EINVAL);
	KUNIT_EXPECT_EQ(test, t->vq.ops->set_base(&t->vq, 0xfff0), 0);
	KUNIT_EXPECT_EQ(test, t->vq.ops->get_base(&t->vq), 0xfff0);
	vt_destroy(t);
}

/* An avail entry is read only once the index covers it. */
static void split_avail_published_only(struct kunit *test)
{
	struct vt *t = vt_create(test, V1);
	struct sd d = { G(VT_DATA), 10 };
	__le16 stale = cpu_to_le16(9);
	unsigned int i;

	for (i = 0; i < VT_NUM; i++)
		put_desc(t, VT_DESC, i, &d);
	/* Slot 1 holds an old head while only slot 0 is published. */
	vt_write(t, VT_AVAIL + 4 + 2, &stale, 2);
	publish(t, 0, 2, 1);
	KUNIT_ASSERT_EQ(test, vt_get(t), 1);
	KUNIT_EXPECT_EQ(test, t->chain.id, 2);
	publish(t, 1, 4, 2);
	KUNIT_ASSERT_EQ(test, vt_get(t), 1);
	KUNIT_EXPECT_EQ(test, t->chain.id, 4);
	KUNIT_EXPECT_EQ(test, vt_get(t), 0);
	vt_destroy(t);
}

/*
 * Heads published together across the ring's end come out in order; one
 * given back comes out again; a new base reads the ring afresh, as after
 * a VMM restores a vq.
 */
static void split_avail_across_the_end(struct kunit *test)
{
	static const u16 heads[] = { 5, 7, 1, 3 };
	struct vt *t = vt_create(test, V1);
	struct sd d = { G(VT_DATA), 10 };
	unsigned int i;

	for (i = 0; i < VT_NUM; i++)
		put_desc(t, VT_DESC, i, &d);
	KUNIT_ASSERT_EQ(test, t->vq.ops->set_base(&t->vq, 14), 0);
	for (i = 0; i < ARRAY_SIZE(heads); i++)
		publish(t, 14 + i, heads[i], 15 + i);
	for (i = 0; i < ARRAY_SIZE(heads); i++) {
		KUNIT_ASSERT_EQ(test, vt_get(t), 1);
		KUNIT_EXPECT_EQ(test, t->chain.id, heads[i]);
	}
	KUNIT_EXPECT_EQ(test, vt_get(t), 0);
	viox_vq_unget_chain(&t->vq, &t->chain);
	KUNIT_ASSERT_EQ(test, vt_get(t), 1);
	KUNIT_EXPECT_EQ(test, t->chain.id, 3);

	publish(t, 14, 6, 18);
	KUNIT_ASSERT_EQ(test, t->vq.ops->set_base(&t->vq, 14), 0);
	KUNIT_ASSERT_EQ(test, vt_get(t), 1);
	KUNIT_EXPECT_EQ(test, t->chain.id, 6);
	vt_destroy(t);
}

/*
 * Buffers in one region, across both, in the other and back: each maps
 * to exactly its owner addresses, and one past the end still faults.
 */
static void split_regions_in_turn(struct kunit *test)
{
	static const struct {
		u64 off;
		u32 len;
		unsigned int nseg;
	} bufs[] = {
		{ VT_DATA, 0x100, 1 }, { 0x7f00, 0x200, 2 }, { 0x9000, 0x100, 1 },
		{ VT_DATA + 0x100, 0x100, 1 }, { VT_SIZE - 0x10, 0x10, 1 },
	};
	struct vt *t = vt_create(test, V1);
	struct sd d;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bufs); i++) {
		d = (struct sd){ G(bufs[i].off), bufs[i].len };
		put_desc(t, VT_DESC, i, &d);
		publish(t, i, i, i + 1);
		KUNIT_ASSERT_EQ(test, vt_get(t), 1);
		KUNIT_ASSERT_EQ(test, t->chain.out, bufs[i].nseg);
		KUNIT_EXPECT_EQ(test, (unsigned long)t->iov[0].iov_base,
				t->uaddr + bufs[i].off);
		if (bufs[i].nseg == 1) {
			KUNIT_EXPECT_EQ(test, t->iov[0].iov_len, bufs[i].len);
			continue;
		}
		KUNIT_EXPECT_EQ(test, t->iov[0].iov_len, VT_SIZE / 2 - bufs[i].off);
		KUNIT_EXPECT_EQ(test, (unsigned long)t->iov[1].iov_base,
				t->uaddr + VT_SIZE / 2);
		KUNIT_EXPECT_EQ(test, t->iov[0].iov_len + t->iov[1].iov_len,
				bufs[i].len);
	}
	d = (struct sd){ G(VT_SIZE - 0x10), 0x11 };
	put_desc(t, VT_DESC, i, &d);
	publish(t, i, i, i + 1);
	KUNIT_EXPECT_EQ(test, vt_get(t), -EFAULT);
	KUNIT_EXPECT_TRUE(test, t->vq.broken);
	vt_destroy(t);
}

static bool log_bit(struct vt *t, u64 gpa)
{
	u64 page = gpa / VHOST_PAGE_SIZE;
	u8 byte;

	vt_read(t, VT_LOG + page / 8, &byte, 1);
	return byte & BIT(page % 8);
}

/* Exactly the pages written are logged: data and used ring alike. */
static void split_dirty_log(struct kunit *test)
{
	struct vt *t = vt_create(test, V1 | BIT_ULL(VHOST_F_LOG_ALL));
	struct sd d[2] = { { G(0x5ff0), 0x20, W | N, 1 }, { G(0x9000), 0x100, W } };
	struct viox_used_elem e = { 0, 0x30 };
	u64 page;

	t->vq.log_base = (void __user *)(t->uaddr + VT_LOG);
	t->vq.log_used = true;
	put_desc(t, VT_DESC, 0, &d[0]);
	put_desc(t, VT_DESC, 1, &d[1]);
	publish(t, 0, 0, 1);
	KUNIT_ASSERT_EQ(test, vt_get(t), 1);
	KUNIT_EXPECT_EQ(test, t->chain.nlog, 2);

	/* 0x30 bytes: all of the first buffer (two pages), 0x10 of the second. */
	KUNIT_EXPECT_EQ(test, viox_vq_log_write(&t->vq, t->log, t->chain.nlog, 0x30), 0);
	KUNIT_EXPECT_EQ(test, viox_vq_add_used(&t->vq, &e, 1), 0);
	for (page = 0; page < VT_SIZE / VHOST_PAGE_SIZE; page++) {
		u64 gpa = G(page * VHOST_PAGE_SIZE);
		bool want = gpa == G(0x5000) || gpa == G(0x6000) ||
			    gpa == G(0x9000) || gpa == G(VT_USED);

		KUNIT_EXPECT_EQ_MSG(test, log_bit(t, gpa), want, "page %#llx", gpa);
	}
	vt_destroy(t);
}

static struct kunit_case split_test_cases[] = {
	KUNIT_CASE_PARAM(split_chain, split_gen_params),
	KUNIT_CASE(split_ring_sized_chains),
	KUNIT_CASE(split_too_many_segments),
	KUNIT_CASE(split_add_used),
	KUNIT_CASE(split_unget_and_base),
	KUNIT_CASE(split_avail_published_only),
	KUNIT_CASE(split_avail_across_the_end),
	KUNIT_CASE(split_regions_in_turn),
	KUNIT_CASE(split_dirty_log),
	{}
};

struct kunit_suite viox_split_suite = {
	.name = "viox_split_ring",
	.test_cases = split_test_cases,
};
