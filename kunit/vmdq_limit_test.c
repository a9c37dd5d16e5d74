// SPDX-License-Identifier: GPL-2.0
/*
 * viox_vmdq's rate limiter, on a clock of its own: the burst a full
 * bucket lets through, the refill, the long-run rate, a frame larger than
 * the bucket, the tighter of two limits, a clock that runs back, and
 * rates at both ends of the range.
 */
#include <kunit/test.h>

#include "../drivers/vmdq/vmdq.h"

#define MS (NSEC_PER_MSEC)
#define T0 (1000 * NSEC_PER_SEC)

/* A charge as the driver makes them: in softirq or with BH off. */
static bool vl_charge(struct vmdq_limit *l, u64 now, unsigned int bytes)
{
	bool pass;

	local_bh_disable();
	pass = vmdq_limit_charge(l, now, bytes, 1);
	local_bh_enable();
	return pass;
}

/* Frames of @bytes offered every @gap ns from @t, for @n frames: passed. */
static unsigned int vl_offer(struct vmdq_limit *l, u64 t, u64 gap,
			     unsigned int n, unsigned int bytes)
{
	unsigned int i, passed = 0;

	for (i = 0; i < n; i++)
		passed += vl_charge(l, t + i * gap, bytes);
	return passed;
}

static void vmdq_limit_none(struct kunit *test)
{
	struct vmdq_limit l;

	vmdq_limit_init(&l);
	vmdq_limit_set(&l, 0, 0, T0);
	KUNIT_EXPECT_FALSE(test, l.on);
	KUNIT_EXPECT_EQ(test, vl_offer(&l, T0, 0, 10000, 65535), 10000);
}

/* 100 pps: a full bucket (10 ms) holds one packet; then one per 10 ms. */
static void vmdq_limit_pps(struct kunit *test)
{
	struct vmdq_limit l;

	vmdq_limit_init(&l);
	vmdq_limit_set(&l, 0, 100, T0);
	KUNIT_EXPECT_TRUE(test, l.on);
	KUNIT_EXPECT_EQ(test, vl_offer(&l, T0, 0, 5, 60), 1);
	KUNIT_EXPECT_FALSE(test, vl_charge(&l, T0 + 9 * MS, 60));
	KUNIT_EXPECT_TRUE(test, vl_charge(&l, T0 + 10 * MS, 60));
	/* One a millisecond for a second: 100 of them pass. */
	KUNIT_EXPECT_EQ(test, vl_offer(&l, T0 + 11 * MS, MS, 1000, 60), 100);
}

/* 8 Mbit/s is 1000 bytes a millisecond: the bucket holds ten. */
static void vmdq_limit_bits(struct kunit *test)
{
	struct vmdq_limit l;

	vmdq_limit_init(&l);
	vmdq_limit_set(&l, 8000000, 0, T0);
	KUNIT_EXPECT_EQ(test, vl_offer(&l, T0, 0, 20, 1000), 10);
	KUNIT_EXPECT_EQ(test, vl_offer(&l, T0 + 5 * MS, 0, 20, 1000), 5);
	/*
	 * Twice the rate for 100 ms: the full bucket's ten, then one a
	 * millisecond (99 in the 99.5 ms after the first).
	 */
	KUNIT_EXPECT_EQ(test, vl_offer(&l, T0 + 100 * MS, MS / 2, 200, 1000), 109);
}

/* A frame dearer than a full bucket passes when full, then owes. */
static void vmdq_limit_large_frame(struct kunit *test)
{
	struct vmdq_limit l;

	vmdq_limit_init(&l);
	vmdq_limit_set(&l, 1000000, 0, T0);	/* 125 bytes a millisecond */
	KUNIT_EXPECT_TRUE(test, vl_charge(&l, T0, 65536));
	/* 524 ms of debt less the 10 ms bucket: nothing before it is paid. */
	KUNIT_EXPECT_FALSE(test, vl_charge(&l, T0 + 500 * MS, 1));
	KUNIT_EXPECT_TRUE(test, vl_charge(&l, T0 + 520 * MS, 1));
	/* Not full yet: the next large one waits for a full bucket. */
	KUNIT_EXPECT_FALSE(test, vl_charge(&l, T0 + 521 * MS, 65536));
	KUNIT_EXPECT_TRUE(test, vl_charge(&l, T0 + 540 * MS, 65536));
}

/* Both limits set: the tighter one decides, and a refusal costs nothing. */
static void vmdq_limit_both(struct kunit *test)
{
	struct vmdq_limit l;

	vmdq_limit_init(&l);
	vmdq_limit_set(&l, 8000000, 1000, T0);	/* 1000 B/ms, 1 packet/ms */
	/*
	 * Small frames, two a millisecond for 10 ms: the packet bucket's ten,
	 * then one a millisecond (9); the bytes would allow them all.
	 */
	KUNIT_EXPECT_EQ(test, vl_offer(&l, T0 + 20 * MS, MS / 2, 20, 60), 19);
	/*
	 * 4000-byte frames each millisecond for 40 ms: the byte bucket's two
	 * and a half, then one every 4 ms; the packets would allow them all.
	 */
	KUNIT_EXPECT_EQ(test, vl_offer(&l, T0 + 100 * MS, MS, 40, 4000), 12);
}

/* Charges stamped out of order (other CPUs): time never runs back. */
static void vmdq_limit_clock_back(struct kunit *test)
{
	struct vmdq_limit l;

	vmdq_limit_init(&l);
	vmdq_limit_set(&l, 0, 100, T0);
	KUNIT_EXPECT_TRUE(test, vl_charge(&l, T0 + 10 * MS, 60));
	KUNIT_EXPECT_FALSE(test, vl_charge(&l, T0, 60));
	KUNIT_EXPECT_FALSE(test, vl_charge(&l, T0 + 19 * MS, 60));
	KUNIT_EXPECT_TRUE(test, vl_charge(&l, T0 + 20 * MS, 60));
}

/* The ends of the range: no overflow, no division by zero. */
static void vmdq_limit_extremes(struct kunit *test)
{
	struct vmdq_limit l;

	vmdq_limit_init(&l);
	vmdq_limit_set(&l, U64_MAX, U64_MAX, T0);
	KUNIT_EXPECT_EQ(test, vl_offer(&l, T0, 0, 1000, 65535), 1000);
	vmdq_limit_set(&l, 1, 1, T0);		/* 1 byte/s, 1 packet/s */
	KUNIT_EXPECT_TRUE(test, vl_charge(&l, T0, 65535));
	KUNIT_EXPECT_FALSE(test, vl_charge(&l, T0 + 3600 * NSEC_PER_SEC, 1));
}

static struct kunit_case vmdq_limit_cases[] = {
	KUNIT_CASE(vmdq_limit_none),
	KUNIT_CASE(vmdq_limit_pps),
	KUNIT_CASE(vmdq_limit_bits),
	KUNIT_CASE(vmdq_limit_large_frame),
	KUNIT_CASE(vmdq_limit_both),
	KUNIT_CASE(vmdq_limit_clock_back),
	KUNIT_CASE(vmdq_limit_extremes),
	{}
};

static struct kunit_suite viox_vmdq_limit_suite = {
	.name = "viox_vmdq_limit",
	.test_cases = vmdq_limit_cases,
};

kunit_test_suite(viox_vmdq_limit_suite);
