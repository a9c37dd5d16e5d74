// SPDX-License-Identifier: GPL-2.0
/* viox_net rules: header sizes and placement, features, mergeable RX. */
#include <kunit/test.h>
#include <linux/vhost.h>
#include <viox/compat.h>

#include "../drivers/net/net.h"

#define V1	BIT_ULL(VIRTIO_F_VERSION_1)
#define MRG	BIT_ULL(VIRTIO_NET_F_MRG_RXBUF)
#define BYDEV	BIT_ULL(VHOST_NET_F_VIRTIO_NET_HDR)

struct hdr_case {
	const char *name;
	u64 features;
	size_t vhost_hlen, sock_hlen;
};

static const struct hdr_case hdr_cases[] = {
	{ "legacy, socket header", 0, 0, 10 },
	{ "legacy, device header", BYDEV, 10, 0 },
	{ "legacy mergeable, socket header", MRG, 0, 12 },
	{ "legacy mergeable, device header", MRG | BYDEV, 12, 0 },
	{ "version 1, socket header", V1, 0, 12 },
	{ "version 1, device header", V1 | BYDEV, 12, 0 },
	{ "version 1 mergeable, device header", V1 | MRG | BYDEV, 12, 0 },
};

static void hdr_case_desc(const struct hdr_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(hdr, hdr_cases, hdr_case_desc);

/* Who adds and strips the header, and how long it is. */
static void net_hdr_split(struct kunit *test)
{
	const struct hdr_case *c = test->param_value;
	size_t vhost_hlen = 99, sock_hlen = 99;

	viox_net_hdr_split(c->features, &vhost_hlen, &sock_hlen);
	KUNIT_EXPECT_EQ(test, vhost_hlen, c->vhost_hlen);
	KUNIT_EXPECT_EQ(test, sock_hlen, c->sock_hlen);
	KUNIT_EXPECT_EQ(test, viox_net_hdr_len(c->features),
			c->vhost_hlen + c->sock_hlen);
}

static void net_features(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, viox_net_check_features(0), 0);
	KUNIT_EXPECT_EQ(test, viox_net_check_features(VIOX_NET_FEATURES), 0);
	KUNIT_EXPECT_EQ(test, viox_net_check_features(V1 | MRG | BYDEV), 0);
	/* What is not implemented is refused, never silently dropped. */
	KUNIT_EXPECT_EQ(test, viox_net_check_features(BIT_ULL(63)), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, viox_net_check_features(BIT_ULL(VIRTIO_F_ACCESS_PLATFORM)),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, viox_net_check_features(BIT_ULL(VIRTIO_NET_F_CSUM)),
			-EOPNOTSUPP);
	/* A packed ring needs VERSION_1. */
	KUNIT_EXPECT_EQ(test, viox_net_check_features(BIT_ULL(VIRTIO_F_RING_PACKED)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, viox_net_check_features(BIT_ULL(VIRTIO_F_RING_PACKED) | V1),
			0);
	/* GET_FEATURES promises exactly these. */
	KUNIT_EXPECT_EQ(test, VIOX_NET_FEATURES,
			V1 | MRG | BYDEV | BIT_ULL(VIRTIO_F_RING_PACKED) |
			BIT_ULL(VIRTIO_F_NOTIFY_ON_EMPTY) |
			BIT_ULL(VIRTIO_RING_F_INDIRECT_DESC) |
			BIT_ULL(VIRTIO_RING_F_EVENT_IDX) | BIT_ULL(VHOST_F_LOG_ALL) |
			BIT_ULL(VIRTIO_F_ANY_LAYOUT));
}

struct fill_case {
	const char *name;
	unsigned int n;
	u32 cap[4];
	u32 len;
	unsigned int used;
	u32 want[4];
};

static const struct fill_case fill_cases[] = {
	{ "fits one buffer", 1, { 1526 }, 1000, 1, { 1000 } },
	{ "fills one buffer exactly", 1, { 1526 }, 1526, 1, { 1526 } },
	{ "spreads over three", 4, { 256, 256, 256, 256 }, 600, 3, { 256, 256, 88 } },
	{ "ends on a buffer boundary", 4, { 256, 256, 256, 256 }, 512, 2, { 256, 256 } },
	{ "uneven buffers", 3, { 100, 1000, 50 }, 1120, 3, { 100, 1000, 20 } },
	{ "empty packet", 1, { 256 }, 0, 1, { 0 } },
	{ "does not fit", 2, { 256, 256 }, 513, 0, {} },
	{ "no buffers", 0, {}, 1, 0, {} },
};

static void fill_case_desc(const struct fill_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(fill, fill_cases, fill_case_desc);

/* Mergeable RX: bytes per buffer and the num_buffers count. */
static void net_rx_fill(struct kunit *test)
{
	const struct fill_case *c = test->param_value;
	struct viox_used_elem heads[4] = {};
	unsigned int i, used;

	for (i = 0; i < c->n; i++)
		heads[i].len = c->cap[i];
	used = viox_net_rx_fill(heads, c->n, c->len);
	KUNIT_ASSERT_EQ(test, used, c->used);
	for (i = 0; i < used; i++)
		KUNIT_EXPECT_EQ_MSG(test, heads[i].len, c->want[i], "buffer %u", i);
}

static struct kunit_case net_cases[] = {
	KUNIT_CASE_PARAM(net_hdr_split, hdr_gen_params),
	KUNIT_CASE(net_features),
	KUNIT_CASE_PARAM(net_rx_fill, fill_gen_params),
	{}
};

static struct kunit_suite viox_net_suite = {
	.name = "viox_net",
	.test_cases = net_cases,
};

kunit_test_suite(viox_net_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suite for viox_net");
MODULE_VERSION(VIOX_VERSION);
VIOX_IMPORT_KUNIT_NS();
