// SPDX-License-Identifier: GPL-2.0
/* Notification suppression: event indices across 16-bit and ring wraps. */
#include <linux/virtio_config.h>

#include "vring_test.h"

#define SPLIT_EV	(BIT_ULL(VIRTIO_F_VERSION_1) | BIT_ULL(VIRTIO_RING_F_EVENT_IDX))
#define PACKED_EV	(SPLIT_EV | BIT_ULL(VIRTIO_F_RING_PACKED))

struct need_case {
	const char *name;
	u16 event, new, old;
	bool need;
};

/*
 * vring_need_event(): the driver waits for the entry at index event to be
 * used, so signal iff old <= event < new, modulo 2^16.
 */
static const struct need_case need_cases[] = {
	{ "awaited entry is the last used", 9, 10, 6, true },
	{ "awaited entry is the first used", 6, 10, 6, true },
	{ "awaited entry not used yet", 10, 10, 6, false },
	{ "awaited entry far ahead", 100, 10, 6, false },
	{ "one used, the awaited one", 6, 7, 6, true },
	{ "awaited entry used before", 5, 7, 6, false },
	{ "awaited 0xffff, used across the wrap", 0xffff, 0x0002, 0xfffd, true },
	{ "awaited 0x0000, used across the wrap", 0x0000, 0x0002, 0xfffd, true },
	{ "awaited 0x0002, used up to it", 0x0002, 0x0002, 0xfffd, false },
	{ "awaited long before the wrap", 0xfff0, 0x0002, 0xfffd, false },
	{ "nothing new", 5, 7, 7, false },
};

static void need_case_desc(const struct need_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(need, need_cases, need_case_desc);

static void need_event(struct kunit *test)
{
	const struct need_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, vring_need_event(c->event, c->new, c->old), c->need);
}

static void put16(struct vt *t, unsigned long off, u16 v)
{
	__le16 x = cpu_to_le16(v);

	vt_write(t, off, &x, sizeof(x));
}

static u16 get16(struct vt *t, unsigned long off)
{
	__le16 x;

	vt_read(t, off, &x, sizeof(x));
	return le16_to_cpu(x);
}

/* used_event follows the avail ring: ring[VT_NUM]. */
#define USED_EVENT	(VT_AVAIL + 4 + 2 * VT_NUM)
/* avail_event follows the used ring. */
#define AVAIL_EVENT	(VT_USED + 4 + 8 * VT_NUM)

/* Split: the driver's used_event decides, across the 16-bit index wrap. */
static void split_signal_across_wrap(struct kunit *test)
{
	struct vt *t = vt_create(test, SPLIT_EV);
	struct viox_used_elem e[3] = { { 0, 1 }, { 1, 1 }, { 2, 1 } };
	bool (*need)(struct viox_vq *vq) = t->vq.ops->need_signal;

	t->vq.last_used_idx = 0xfffd;
	/* The first completion is always signalled: nothing to compare with. */
	KUNIT_EXPECT_TRUE(test, need(&t->vq));

	/* Three more used: 0xfffd -> 0x0000; the driver waits for 0xfffe. */
	put16(t, USED_EVENT, 0xfffe);
	KUNIT_ASSERT_EQ(test, viox_vq_add_used(&t->vq, e, 3), 0);
	KUNIT_EXPECT_EQ(test, t->vq.last_used_idx, 0x0000);
	KUNIT_EXPECT_TRUE(test, need(&t->vq));

	/* Waiting for entry 0x0004: two more (to index 0x0002) do not use it. */
	put16(t, USED_EVENT, 0x0004);
	KUNIT_ASSERT_EQ(test, viox_vq_add_used(&t->vq, e, 2), 0);
	KUNIT_EXPECT_FALSE(test, need(&t->vq));
	/* Two more (to index 0x0004) stop just short of it; one more uses it. */
	KUNIT_ASSERT_EQ(test, viox_vq_add_used(&t->vq, e, 2), 0);
	KUNIT_EXPECT_FALSE(test, need(&t->vq));
	KUNIT_ASSERT_EQ(test, viox_vq_add_used(&t->vq, e, 1), 0);
	KUNIT_EXPECT_TRUE(test, need(&t->vq));
	vt_destroy(t);
}

/* Split without event index: the avail ring's NO_INTERRUPT flag decides. */
static void split_signal_flags(struct kunit *test)
{
	struct vt *t = vt_create(test, BIT_ULL(VIRTIO_F_VERSION_1));

	put16(t, VT_AVAIL, VRING_AVAIL_F_NO_INTERRUPT);
	KUNIT_EXPECT_FALSE(test, t->vq.ops->need_signal(&t->vq));
	put16(t, VT_AVAIL, 0);
	KUNIT_EXPECT_TRUE(test, t->vq.ops->need_signal(&t->vq));

	/* Notify-on-empty overrides suppression once the ring is drained. */
	viox_vq_set_features(&t->vq, BIT_ULL(VIRTIO_F_VERSION_1) |
			     BIT_ULL(VIRTIO_F_NOTIFY_ON_EMPTY));
	put16(t, VT_AVAIL, VRING_AVAIL_F_NO_INTERRUPT);
	KUNIT_EXPECT_TRUE(test, t->vq.ops->need_signal(&t->vq));
	vt_destroy(t);
}

/* Split: enabling kicks publishes avail_event and sees racing buffers. */
static void split_enable_notify(struct kunit *test)
{
	struct vt *t = vt_create(test, SPLIT_EV);

	t->vq.last_avail_idx = 0xfffe;
	t->vq.avail_idx = 0xfffe;
	put16(t, VT_AVAIL + 2, 0xfffe);
	viox_vq_disable_notify(&t->vq);
	KUNIT_EXPECT_FALSE(test, viox_vq_enable_notify(&t->vq));
	KUNIT_EXPECT_EQ(test, get16(t, AVAIL_EVENT), 0xfffe);

	/* A buffer published while kicks were off is reported. */
	viox_vq_disable_notify(&t->vq);
	put16(t, VT_AVAIL + 2, 0xffff);
	KUNIT_EXPECT_TRUE(test, viox_vq_enable_notify(&t->vq));

	/* Without event index the used ring's NO_NOTIFY flag is the switch. */
	viox_vq_set_features(&t->vq, BIT_ULL(VIRTIO_F_VERSION_1));
	viox_vq_disable_notify(&t->vq);
	KUNIT_EXPECT_EQ(test, get16(t, VT_USED), VRING_USED_F_NO_NOTIFY);
	viox_vq_enable_notify(&t->vq);
	KUNIT_EXPECT_EQ(test, get16(t, VT_USED), 0);
	vt_destroy(t);
}

static void put_driver_event(struct vt *t, u16 off_wrap, u16 flags)
{
	put16(t, VT_AVAIL, off_wrap);
	put16(t, VT_AVAIL + 2, flags);
}

/* Packed: an event index from the previous lap lies a ring behind. */
static void packed_signal_across_wrap(struct kunit *test)
{
	struct vt *t = vt_create(test, PACKED_EV);
	struct viox_used_elem e = { 1, 1, 4 };
	bool (*need)(struct viox_vq *vq) = t->vq.ops->need_signal;

	/* Used index 14 in lap 1; four descriptors used take it to 2, lap 0. */
	t->vq.last_used_idx = 14;
	KUNIT_ASSERT_EQ(test, viox_vq_add_used(&t->vq, &e, 1), 0);
	KUNIT_EXPECT_EQ(test, t->vq.last_used_idx, 2);
	KUNIT_EXPECT_FALSE(test, t->vq.used_wrap);
	/* Driver waits for 15 of lap 1: passed. */
	put_driver_event(t, 15 | BIT(15), VRING_PACKED_EVENT_FLAG_DESC);
	KUNIT_EXPECT_TRUE(test, need(&t->vq));

	/* Driver waits for 3 of lap 0: two more (to 4) pass it, one does not. */
	put_driver_event(t, 3, VRING_PACKED_EVENT_FLAG_DESC);
	e.ndesc = 1;
	KUNIT_ASSERT_EQ(test, viox_vq_add_used(&t->vq, &e, 1), 0);
	KUNIT_EXPECT_FALSE(test, need(&t->vq));
	KUNIT_ASSERT_EQ(test, viox_vq_add_used(&t->vq, &e, 1), 0);
	KUNIT_EXPECT_TRUE(test, need(&t->vq));

	/* Flags override the index. */
	KUNIT_ASSERT_EQ(test, viox_vq_add_used(&t->vq, &e, 1), 0);
	put_driver_event(t, 100, VRING_PACKED_EVENT_FLAG_DISABLE);
	KUNIT_EXPECT_FALSE(test, need(&t->vq));
	put_driver_event(t, 100, VRING_PACKED_EVENT_FLAG_ENABLE);
	KUNIT_EXPECT_TRUE(test, need(&t->vq));
	vt_destroy(t);
}

/* Packed: the device area carries our next index and wrap counter. */
static void packed_enable_notify(struct kunit *test)
{
	struct vt *t = vt_create(test, PACKED_EV);
	struct vring_packed_desc d = {
		.flags = cpu_to_le16(BIT(VRING_PACKED_DESC_F_USED)),
	};

	t->vq.last_avail_idx = 5;
	t->vq.avail_wrap = false;
	viox_vq_disable_notify(&t->vq);
	KUNIT_EXPECT_EQ(test, get16(t, VT_USED + 2), VRING_PACKED_EVENT_FLAG_DISABLE);
	KUNIT_EXPECT_FALSE(test, viox_vq_enable_notify(&t->vq));
	KUNIT_EXPECT_EQ(test, get16(t, VT_USED), 5);
	KUNIT_EXPECT_EQ(test, get16(t, VT_USED + 2), VRING_PACKED_EVENT_FLAG_DESC);

	/* Descriptor 5 made available in lap 0 meanwhile is reported. */
	viox_vq_disable_notify(&t->vq);
	vt_write(t, VT_DESC + 5 * sizeof(d), &d, sizeof(d));
	KUNIT_EXPECT_TRUE(test, viox_vq_enable_notify(&t->vq));
	vt_destroy(t);
}

static struct kunit_case event_idx_cases[] = {
	KUNIT_CASE_PARAM(need_event, need_gen_params),
	KUNIT_CASE(split_signal_across_wrap),
	KUNIT_CASE(split_signal_flags),
	KUNIT_CASE(split_enable_notify),
	KUNIT_CASE(packed_signal_across_wrap),
	KUNIT_CASE(packed_enable_notify),
	{}
};

struct kunit_suite viox_event_idx_suite = {
	.name = "viox_event_idx",
	.test_cases = event_idx_cases,
};
