// SPDX-License-Identifier: GPL-2.0
/*
 * viox_blk's I/O limits, on a clock of their own: no limits, the burst a
 * full bucket lets through and the wait after it, the long-run rate of a
 * queue that asks again when told, a request larger than the bucket, the
 * tighter of IOPS and bytes, reads and writes apart, new limits, a clock
 * that runs back, and rates at both ends of the range.
 */
#include <kunit/test.h>

#include "../drivers/blk/blk.h"

#define MS (NSEC_PER_MSEC)
#define T0 (1000 * NSEC_PER_SEC)

static void qos_with(struct viox_blk_qos *q, u64 riops, u64 wiops, u64 rbps,
		     u64 wbps)
{
	struct viox_blk_limits l = {
		.iops = { riops, wiops }, .bps = { rbps, wbps },
	};

	viox_blk_qos_init(q);
	viox_blk_qos_set(q, &l, T0);
}

/*
 * A queue that sends @bytes requests back to back from T0 for @span ns,
 * each as soon as the limits let it (as the driver's timer does): how
 * many pass.
 */
static u64 qos_run(struct viox_blk_qos *q, bool write, u64 bytes, u64 span)
{
	u64 t = T0, wait, passed = 0;

	while (t < T0 + span) {
		wait = viox_blk_qos_charge(q, t, write, bytes);
		if (wait)
			t += wait;
		else
			passed++;
	}
	return passed;
}

static void blk_qos_none(struct kunit *test)
{
	struct viox_blk_qos q;
	unsigned int i;

	qos_with(&q, 0, 0, 0, 0);
	KUNIT_EXPECT_FALSE(test, READ_ONCE(q.on));
	for (i = 0; i < 100000; i++)
		KUNIT_ASSERT_EQ(test, viox_blk_qos_charge(&q, T0, i & 1, SZ_1M), 0);
}

/* 1000 IOPS: 10 ms of credit, 1 ms a request; passes until in debt. */
static void blk_qos_burst(struct kunit *test)
{
	struct viox_blk_qos q;
	unsigned int i;

	qos_with(&q, 1000, 0, 0, 0);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(q.on));
	for (i = 0; i < 11; i++)
		KUNIT_EXPECT_EQ(test, viox_blk_qos_charge(&q, T0, false, 4096), 0);
	/* 1 ms in debt: wait that long, and no charge was taken. */
	KUNIT_EXPECT_EQ(test, viox_blk_qos_charge(&q, T0, false, 4096), 1 * MS);
	KUNIT_EXPECT_EQ(test, viox_blk_qos_charge(&q, T0 + MS / 2, false, 4096),
			MS / 2);
	KUNIT_EXPECT_EQ(test, viox_blk_qos_charge(&q, T0 + MS, false, 4096), 0);
	/* Writes have no limit. */
	KUNIT_EXPECT_EQ(test, viox_blk_qos_charge(&q, T0 + MS, true, 4096), 0);
}

/* Over ten seconds the rate holds to within the one burst. */
static void blk_qos_rate(struct kunit *test)
{
	struct viox_blk_qos q;
	u64 n;

	qos_with(&q, 200, 0, 0, 0);
	n = qos_run(&q, false, 4096, 10 * NSEC_PER_SEC);
	KUNIT_EXPECT_GE(test, n, 2000);
	KUNIT_EXPECT_LE(test, n, 2000 + 3);

	/* 1 MiB/s of 64 KiB writes: 16 a second. */
	qos_with(&q, 0, 0, 0, SZ_1M);
	n = qos_run(&q, true, SZ_64K, 10 * NSEC_PER_SEC);
	KUNIT_EXPECT_GE(test, n, 160);
	KUNIT_EXPECT_LE(test, n, 160 + 2);
}

/* A request worth 100 ms passes on a full bucket and leaves the debt. */
static void blk_qos_large(struct kunit *test)
{
	struct viox_blk_qos q;

	qos_with(&q, 0, 0, 10 * SZ_1M, 0);
	KUNIT_EXPECT_EQ(test, viox_blk_qos_charge(&q, T0, false, SZ_1M), 0);
	/* 10 ms of credit minus 100 ms of cost: 90 ms to wait. */
	KUNIT_EXPECT_EQ(test, viox_blk_qos_charge(&q, T0, false, 512), 90 * MS);
	KUNIT_EXPECT_EQ(test, viox_blk_qos_charge(&q, T0 + 90 * MS, false, 512), 0);
}

/* IOPS and bytes both apply; the tighter one sets the pace. */
static void blk_qos_tighter(struct kunit *test)
{
	struct viox_blk_qos q;
	u64 n;

	/* 1000 IOPS but 400 KiB/s: 4 KiB requests go at 100 a second. */
	qos_with(&q, 1000, 0, 400 * SZ_1K, 0);
	n = qos_run(&q, false, SZ_4K, 10 * NSEC_PER_SEC);
	KUNIT_EXPECT_GE(test, n, 1000);
	KUNIT_EXPECT_LE(test, n, 1000 + 2);
	/* At 4 MiB/s they go at 1000 a second: now IOPS is the tighter. */
	qos_with(&q, 1000, 0, 4 * SZ_1M, 0);
	n = qos_run(&q, false, SZ_4K, 10 * NSEC_PER_SEC);
	KUNIT_EXPECT_GE(test, n, 10000);
	KUNIT_EXPECT_LE(test, n, 10000 + 11);
}

/* A read in debt does not hold back writes, nor the other way round. */
static void blk_qos_directions(struct kunit *test)
{
	struct viox_blk_qos q;
	unsigned int i;

	qos_with(&q, 100, 100, 0, 0);
	for (i = 0; i < 2; i++)
		KUNIT_EXPECT_EQ(test, viox_blk_qos_charge(&q, T0, false, 0), 0);
	KUNIT_EXPECT_NE(test, viox_blk_qos_charge(&q, T0, false, 0), 0);
	for (i = 0; i < 2; i++)
		KUNIT_EXPECT_EQ(test, viox_blk_qos_charge(&q, T0, true, 0), 0);
	KUNIT_EXPECT_NE(test, viox_blk_qos_charge(&q, T0, true, 0), 0);
}

/* New limits start from full buckets; none again lets all through. */
static void blk_qos_change(struct kunit *test)
{
	struct viox_blk_limits none = {}, fast = { .iops = { 1000000, 0 } };
	struct viox_blk_qos q;

	qos_with(&q, 1, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, viox_blk_qos_charge(&q, T0, false, 0), 0);
	KUNIT_EXPECT_GT(test, viox_blk_qos_charge(&q, T0, false, 0), 900 * MS);
	viox_blk_qos_set(&q, &fast, T0 + 1);
	KUNIT_EXPECT_EQ(test, viox_blk_qos_charge(&q, T0 + 1, false, 0), 0);
	viox_blk_qos_set(&q, &none, T0 + 2);
	KUNIT_EXPECT_FALSE(test, READ_ONCE(q.on));
}

/* A clock read before another queue's later charge gives no credit. */
static void blk_qos_clock_back(struct kunit *test)
{
	struct viox_blk_qos q;
	unsigned int i;

	qos_with(&q, 100, 0, 0, 0);
	for (i = 0; i < 2; i++)
		KUNIT_EXPECT_EQ(test, viox_blk_qos_charge(&q, T0 + 5 * MS, false, 0), 0);
	/* Earlier than the last: no time passed, still 10 ms in debt. */
	KUNIT_EXPECT_EQ(test, viox_blk_qos_charge(&q, T0, false, 0), 10 * MS);
	KUNIT_EXPECT_EQ(test, viox_blk_qos_charge(&q, T0 + 15 * MS, false, 0), 0);
}

/* 1 byte/s and 2^64-1 bytes/s: no overflow, no division by zero. */
static void blk_qos_extremes(struct kunit *test)
{
	struct viox_blk_qos q;
	u64 wait;

	qos_with(&q, 0, 0, 1, 0);
	KUNIT_EXPECT_EQ(test, viox_blk_qos_charge(&q, T0, false, SZ_1M), 0);
	wait = viox_blk_qos_charge(&q, T0, false, 1);
	/* About 12 days of debt, and a wait of that, not a wrap. */
	KUNIT_EXPECT_GT(test, wait, (u64)SZ_1M * NSEC_PER_SEC - 20 * MS);
	qos_with(&q, U64_MAX, U64_MAX, U64_MAX, U64_MAX);
	for (wait = 0; wait < 1000; wait++)
		KUNIT_ASSERT_EQ(test, viox_blk_qos_charge(&q, T0, true, SZ_1M), 0);
}

static struct kunit_case blk_qos_cases[] = {
	KUNIT_CASE(blk_qos_none),
	KUNIT_CASE(blk_qos_burst),
	KUNIT_CASE(blk_qos_rate),
	KUNIT_CASE(blk_qos_large),
	KUNIT_CASE(blk_qos_tighter),
	KUNIT_CASE(blk_qos_directions),
	KUNIT_CASE(blk_qos_change),
	KUNIT_CASE(blk_qos_clock_back),
	KUNIT_CASE(blk_qos_extremes),
	{}
};

static struct kunit_suite blk_qos_suite = {
	.name = "viox_blk_qos",
	.test_cases = blk_qos_cases,
};

kunit_test_suite(blk_qos_suite);
