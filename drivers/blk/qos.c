// SPDX-License-Identifier: GPL-2.0
/*
 * A device's I/O limits: IOPS and bytes/s, reads and writes apart, each a
 * token bucket of time credit. A request passes while its buckets are not
 * in debt and takes its cost from them, which may leave them in debt: a
 * request larger than a bucket is not starved, and the long-run rate
 * holds whatever the sizes. A request that may not pass is not refused:
 * its queue stops taking requests for as long as the debt lasts.
 */
#include <kunit/visibility.h>
#include <linux/math64.h>

#include "blk.h"

/* What a bucket holds when full: 10 ms at its rate, as vports' limits. */
#define VIOX_BLK_QOS_BURST_NS	(10 * NSEC_PER_MSEC)

void viox_blk_qos_init(struct viox_blk_qos *q)
{
	memset(q, 0, sizeof(*q));
	spin_lock_init(&q->lock);
}
EXPORT_SYMBOL_IF_KUNIT(viox_blk_qos_init);

/* New limits (0: none), every bucket full from @now. */
void viox_blk_qos_set(struct viox_blk_qos *q, const struct viox_blk_limits *l,
		      u64 now)
{
	unsigned int i;

	spin_lock(&q->lock);
	q->limits = *l;
	for (i = 0; i < ARRAY_SIZE(q->credit); i++)
		q->credit[i] = VIOX_BLK_QOS_BURST_NS;
	q->last = now;
	WRITE_ONCE(q->on, l->iops[0] || l->iops[1] || l->bps[0] || l->bps[1]);
	spin_unlock(&q->lock);
}
EXPORT_SYMBOL_IF_KUNIT(viox_blk_qos_set);

/* Nanoseconds of @rate per second that @units take. */
static s64 cost_ns(u64 units, u64 rate)
{
	return min_t(u64, mul_u64_u64_div_u64(units, NSEC_PER_SEC, rate), S64_MAX / 2);
}

/**
 * viox_blk_qos_charge() - may a request pass now?
 * @q: the device's limits
 * @now: the time, ns (a clock read before another queue's later charge
 *	counts as no time passed)
 * @write: a write (or discard, write-zeroes); else a read
 * @bytes: data it moves
 *
 * Return: 0 if it passes (its cost taken), else the ns to wait before
 * asking again.
 */
u64 viox_blk_qos_charge(struct viox_blk_qos *q, u64 now, bool write, u64 bytes)
{
	u64 iops, bps, wait = 0;
	s64 elapsed, *c;
	unsigned int i;

	spin_lock(&q->lock);
	elapsed = now > q->last ? now - q->last : 0;
	q->last = max(q->last, now);
	for (i = 0; i < ARRAY_SIZE(q->credit); i++)
		q->credit[i] = min_t(s64, q->credit[i] + elapsed,
				     VIOX_BLK_QOS_BURST_NS);
	iops = q->limits.iops[write];
	bps = q->limits.bps[write];
	c = &q->credit[2 * write];
	if (iops && c[0] < 0)
		wait = -c[0];
	if (bps && c[1] < 0)
		wait = max_t(u64, wait, -c[1]);
	if (!wait) {
		if (iops)
			c[0] -= cost_ns(1, iops);
		if (bps)
			c[1] -= cost_ns(bytes, bps);
	}
	spin_unlock(&q->lock);
	return wait;
}
EXPORT_SYMBOL_IF_KUNIT(viox_blk_qos_charge);
