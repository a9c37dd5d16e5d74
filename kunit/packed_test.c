// SPDX-License-Identifier: GPL-2.0
/* Packed rings: good and malformed chains, wrap counters, used marking. */
#include <linux/virtio_config.h>

#include "vring_test.h"

#define N	VRING_DESC_F_NEXT
#define W	VRING_DESC_F_WRITE
#define I	VRING_DESC_F_INDIRECT
/* Available in the first lap (wrap counter 1), and in the second. */
#define A1	BIT(VRING_PACKED_DESC_F_AVAIL)
#define A0	BIT(VRING_PACKED_DESC_F_USED)
#define USED1	(BIT(VRING_PACKED_DESC_F_AVAIL) | BIT(VRING_PACKED_DESC_F_USED))
#define PK	(BIT_ULL(VIRTIO_F_VERSION_1) | BIT_ULL(VIRTIO_F_RING_PACKED))
#define IND	BIT_ULL(VIRTIO_RING_F_INDIRECT_DESC)
#define TBL	G(VT_IND)

struct pd {
	u64 addr;
	u32 len;
	u16 id;
	u16 flags;
};

struct packed_case {
	const char *name;
	u64 features;
	unsigned int nd, nind;
	struct pd d[4];
	struct pd ind[4];
	int ret;
	u16 id, ndesc;
	unsigned int out, in;
	u32 out_len, in_len;
};

static const struct packed_case packed_cases[] = {
	/* Good chains, and an empty ring. */
	{ "one readable buffer", PK, 1, 0, { { G(VT_DATA), 100, 7, A1 } }, {},
	  1, 7, 1, 1, 0, 100, 0 },
	{ "readable then writable, id from the last", PK, 2, 0,
	  { { G(VT_DATA), 10, 1, A1 | N }, { G(0x5000), 20, 9, A1 | W } }, {},
	  1, 9, 2, 1, 1, 10, 20 },
	{ "indirect table", PK | IND, 1, 3, { { TBL, 48, 4, A1 | I } },
	  { { G(VT_DATA), 10 }, { G(0x4100), 20, 0, N }, { G(0x5000), 30, 0, W } },
	  1, 4, 1, 2, 1, 30, 30 },
	{ "buffer spanning two regions", PK, 1, 0, { { G(0x7ff0), 0x20, 2, A1 | W } },
	  {}, 1, 2, 1, 0, 2, 0, 0x20 },
	{ "nothing available", PK, 1, 0, { { G(VT_DATA), 10, 1, 0 } }, {}, 0 },
	{ "descriptor already used", PK, 1, 0, { { G(VT_DATA), 10, 1, USED1 } }, {},
	  0 },
	{ "second-lap descriptor in the first lap", PK, 1, 0,
	  { { G(VT_DATA), 10, 1, A0 } }, {}, 0 },

	/* Malformed chains: each breaks the vq. */
	{ "chain runs into an unavailable descriptor", PK, 2, 0,
	  { { G(VT_DATA), 10, 1, A1 | N }, { G(VT_DATA), 10, 1, 0 } }, {}, -EINVAL },
	{ "readable after writable", PK, 2, 0,
	  { { G(VT_DATA), 10, 1, A1 | N | W }, { G(VT_DATA), 10, 1, A1 } }, {},
	  -EINVAL },
	{ "buffer outside guest memory", PK, 1, 0, { { 0x1000, 10, 1, A1 } }, {},
	  -EFAULT },
	{ "buffer address wraps", PK, 1, 0, { { U64_MAX - 15, 32, 1, A1 } }, {},
	  -EFAULT },
	{ "chain longer than 4 GiB", PK, 2, 0,
	  { { VT_HUGE_GPA, U32_MAX, 1, A1 | N }, { VT_HUGE_GPA, 1, 1, A1 } }, {},
	  -EINVAL },
	{ "indirect not negotiated", PK, 1, 1, { { TBL, 16, 1, A1 | I } },
	  { { G(VT_DATA), 10 } }, -EINVAL },
	{ "indirect with next", PK | IND, 2, 1,
	  { { TBL, 16, 1, A1 | I | N }, { G(VT_DATA), 10, 1, A1 } },
	  { { G(VT_DATA), 10 } }, -EINVAL },
	{ "indirect length not whole descriptors", PK | IND, 1, 1,
	  { { TBL, 24, 1, A1 | I } }, { { G(VT_DATA), 10 } }, -EINVAL },
	{ "nested indirect", PK | IND, 1, 1, { { TBL, 16, 1, A1 | I } },
	  { { TBL, 16, 0, I } }, -EINVAL },
	{ "indirect table outside guest memory", PK | IND, 1, 0,
	  { { 0x2000, 16, 1, A1 | I } }, {}, -EFAULT },
	{ "indirect readable after writable", PK | IND, 1, 2,
	  { { TBL, 32, 1, A1 | I } }, { { G(VT_DATA), 10, 0, W }, { G(VT_DATA), 10 } },
	  -EINVAL },
};

static void packed_case_desc(const struct packed_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(packed, packed_cases, packed_case_desc);

static void put_pdesc(struct vt *t, unsigned long table, unsigned int i,
		      const struct pd *d)
{
	struct vring_packed_desc v = {
		.addr = cpu_to_le64(d->addr),
		.len = cpu_to_le32(d->len),
		.id = cpu_to_le16(d->id),
		.flags = cpu_to_le16(d->flags),
	};

	vt_write(t, table + i * sizeof(v), &v, sizeof(v));
}

static void get_pdesc(struct vt *t, unsigned int i, struct vring_packed_desc *v)
{
	vt_read(t, VT_DESC + i * sizeof(*v), v, sizeof(*v));
}

static void packed_chain(struct kunit *test)
{
	const struct packed_case *c = test->param_value;
	struct vt *t = vt_create(test, c->features);
	unsigned int i;
	int r;

	for (i = 0; i < c->nd; i++)
		put_pdesc(t, VT_DESC, i, &c->d[i]);
	for (i = 0; i < c->nind; i++)
		put_pdesc(t, VT_IND, i, &c->ind[i]);

	r = vt_get(t);
	KUNIT_EXPECT_EQ(test, r, c->ret);
	if (r == 1) {
		KUNIT_EXPECT_EQ(test, t->chain.id, c->id);
		KUNIT_EXPECT_EQ(test, t->chain.ndesc, c->ndesc);
		KUNIT_EXPECT_EQ(test, t->chain.out, c->out);
		KUNIT_EXPECT_EQ(test, t->chain.in, c->in);
		KUNIT_EXPECT_EQ(test, t->chain.out_len, c->out_len);
		KUNIT_EXPECT_EQ(test, t->chain.in_len, c->in_len);
		KUNIT_EXPECT_EQ(test, t->vq.last_avail_idx, c->ndesc);
		KUNIT_EXPECT_TRUE(test, t->vq.avail_wrap);
	} else if (r == 0) {
		KUNIT_EXPECT_FALSE(test, t->vq.broken);
		KUNIT_EXPECT_EQ(test, t->vq.last_avail_idx, 0);
	} else {
		KUNIT_EXPECT_TRUE(test, t->vq.broken);
		KUNIT_EXPECT_EQ(test, vt_get(t), -EIO);
	}
	vt_destroy(t);
}

/* A chain that crosses the end of the ring continues in the next lap. */
static void packed_wrap(struct kunit *test)
{
	struct vt *t = vt_create(test, PK);
	struct pd d15 = { G(VT_DATA), 10, 0, A1 | N };
	struct pd d0 = { G(0x5000), 20, 3, A0 | W };
	struct viox_used_elem e = { 3, 20, 2 };
	struct vring_packed_desc v;

	KUNIT_ASSERT_EQ(test, t->vq.ops->set_base(&t->vq, (15 | BIT(15)) * 0x10001), 0);
	put_pdesc(t, VT_DESC, 15, &d15);
	put_pdesc(t, VT_DESC, 0, &d0);
	KUNIT_ASSERT_EQ(test, vt_get(t), 1);
	KUNIT_EXPECT_EQ(test, t->chain.id, 3);
	KUNIT_EXPECT_EQ(test, t->chain.ndesc, 2);
	KUNIT_EXPECT_EQ(test, t->vq.last_avail_idx, 1);
	KUNIT_EXPECT_FALSE(test, t->vq.avail_wrap);

	/* Given back, the position and wrap counter are restored. */
	viox_vq_unget_chain(&t->vq, &t->chain);
	KUNIT_EXPECT_EQ(test, t->vq.last_avail_idx, 15);
	KUNIT_EXPECT_TRUE(test, t->vq.avail_wrap);
	KUNIT_ASSERT_EQ(test, vt_get(t), 1);

	/* Used at 15 with the first lap's flags; used index wraps to 1. */
	KUNIT_EXPECT_EQ(test, viox_vq_add_used(&t->vq, &e, 1), 0);
	get_pdesc(t, 15, &v);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(v.flags), USED1 | W);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(v.id), 3);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(v.len), 20);
	KUNIT_EXPECT_EQ(test, t->vq.last_used_idx, 1);
	KUNIT_EXPECT_FALSE(test, t->vq.used_wrap);
	KUNIT_EXPECT_EQ(test, t->vq.ops->get_base(&t->vq), 1 | 1 << 16);
	vt_destroy(t);
}

/* A batch is marked used in ring order, each at its first descriptor. */
static void packed_add_used_batch(struct kunit *test)
{
	struct vt *t = vt_create(test, PK);
	struct viox_used_elem e[3] = { { 1, 0, 2 }, { 2, 64, 1 }, { 3, 8, 3 } };
	struct vring_packed_desc v;

	KUNIT_EXPECT_EQ(test, viox_vq_add_used(&t->vq, e, 3), 0);
	get_pdesc(t, 0, &v);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(v.flags), USED1);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(v.id), 1);
	get_pdesc(t, 2, &v);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(v.flags), USED1 | W);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(v.id), 2);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(v.len), 64);
	get_pdesc(t, 3, &v);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(v.id), 3);
	/* Descriptors inside a chain are left alone. */
	get_pdesc(t, 1, &v);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(v.flags), 0);
	KUNIT_EXPECT_EQ(test, t->vq.last_used_idx, 6);
	KUNIT_EXPECT_TRUE(test, t->vq.used_wrap);
	vt_destroy(t);
}

/* A chain longer than the ring: the whole ring marked available with NEXT. */
static void packed_ring_sized_chains(struct kunit *test)
{
	struct vt *t = vt_create(test, PK | IND);
	struct pd d = { G(VT_DATA), 1, 0, A1 | N };
	unsigned int i;

	for (i = 0; i < VT_NUM; i++)
		put_pdesc(t, VT_DESC, i, &d);
	KUNIT_EXPECT_EQ(test, vt_get(t), -EINVAL);
	KUNIT_EXPECT_TRUE(test, t->vq.broken);
	vt_destroy(t);

	t = vt_create(test, PK | IND);
	for (i = 0; i <= VT_NUM; i++)
		put_pdesc(t, VT_IND, i, &(struct pd){ G(VT_DATA), 1 });
	put_pdesc(t, VT_DESC, 0, &(struct pd){ TBL, (VT_NUM + 1) * 16, 0, A1 | I });
	KUNIT_EXPECT_EQ(test, vt_get(t), -EINVAL);
	vt_destroy(t);

	t = vt_create(test, PK | IND);
	for (i = 0; i < VT_NUM; i++)
		put_pdesc(t, VT_IND, i, &(struct pd){ G(VT_DATA), 1 });
	put_pdesc(t, VT_DESC, 0, &(struct pd){ TBL, VT_NUM * 16, 0, A1 | I });
	KUNIT_EXPECT_EQ(test, vt_get(t), 1);
	KUNIT_EXPECT_EQ(test, t->chain.out, VT_NUM);
	vt_destroy(t);
}

/* The vring base: vhost's two halves, DPDK's new ring, and bad indices. */
static void packed_base(struct kunit *test)
{
	struct vt *t = vt_create(test, PK);
	const struct viox_ring_ops *ops = t->vq.ops;

	KUNIT_EXPECT_EQ(test, ops->set_base(&t->vq, 0x8003 | 0x0001 << 16), 0);
	KUNIT_EXPECT_EQ(test, t->vq.last_avail_idx, 3);
	KUNIT_EXPECT_TRUE(test, t->vq.avail_wrap);
	KUNIT_EXPECT_EQ(test, t->vq.last_used_idx, 1);
	KUNIT_EXPECT_FALSE(test, t->vq.used_wrap);
	KUNIT_EXPECT_EQ(test, ops->get_base(&t->vq), 0x8003 | 0x0001 << 16);

	/* Used at 0 in an odd lap is read as such, not as avail. */
	KUNIT_EXPECT_EQ(test, ops->set_base(&t->vq, 0x8005), 0);
	KUNIT_EXPECT_EQ(test, t->vq.last_used_idx, 0);
	KUNIT_EXPECT_FALSE(test, t->vq.used_wrap);
	KUNIT_EXPECT_EQ(test, ops->get_base(&t->vq), 0x8005);

	/* DPDK's new ring. */
	KUNIT_EXPECT_EQ(test, ops->set_base(&t->vq, 0x8000), 0);
	KUNIT_EXPECT_EQ(test, ops->get_base(&t->vq), 0x8000 | 0x8000 << 16);

	/* Indices past the ring are refused when the vq starts. */
	KUNIT_EXPECT_EQ(test, ops->set_base(&t->vq, VT_NUM | 0x8000 << 16), 0);
	KUNIT_EXPECT_EQ(test, viox_vq_start(&t->vq), -EINVAL);
	KUNIT_EXPECT_EQ(test, ops->set_base(&t->vq, 1 | (VT_NUM | 0x8000) << 16), 0);
	KUNIT_EXPECT_EQ(test, viox_vq_start(&t->vq), -EINVAL);
	KUNIT_EXPECT_EQ(test, ops->set_base(&t->vq, 0x8000 | 0x8000 << 16), 0);
	KUNIT_EXPECT_EQ(test, viox_vq_start(&t->vq), 0);
	vt_destroy(t);
}

/* A ring shrunk after its base was set must not start past its end. */
static void packed_shrink_after_base(struct kunit *test)
{
	struct vt *t = vt_create(test, PK);

	KUNIT_ASSERT_EQ(test, t->vq.ops->set_base(&t->vq, (VT_NUM - 1) | 0x8000 |
				(VT_NUM - 1) << 16), 0);
	KUNIT_EXPECT_EQ(test, viox_vq_start(&t->vq), 0);
	KUNIT_ASSERT_EQ(test, viox_vq_set_num(&t->vq, VT_NUM / 2), 0);
	KUNIT_EXPECT_EQ(test, viox_vq_start(&t->vq), -EINVAL);
	/* So must a split base read as packed after a layout change. */
	viox_vq_set_features(&t->vq, BIT_ULL(VIRTIO_F_VERSION_1));
	KUNIT_ASSERT_EQ(test, viox_vq_set_num(&t->vq, VT_NUM), 0);
	KUNIT_ASSERT_EQ(test, t->vq.ops->set_base(&t->vq, 0x1234), 0);
	KUNIT_EXPECT_EQ(test, viox_vq_start(&t->vq), 0);
	viox_vq_set_features(&t->vq, PK);
	KUNIT_EXPECT_EQ(test, viox_vq_start(&t->vq), -EINVAL);
	vt_destroy(t);
}

static struct kunit_case packed_test_cases[] = {
	KUNIT_CASE_PARAM(packed_chain, packed_gen_params),
	KUNIT_CASE(packed_wrap),
	KUNIT_CASE(packed_add_used_batch),
	KUNIT_CASE(packed_ring_sized_chains),
	KUNIT_CASE(packed_base),
	KUNIT_CASE(packed_shrink_after_base),
	{}
};

struct kunit_suite viox_packed_suite = {
	.name = "viox_packed_ring",
	.test_cases = packed_test_cases,
};
