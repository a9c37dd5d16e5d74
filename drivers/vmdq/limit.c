// SPDX-License-Identifier: GPL-2.0
/*
 * A vport's rate limits, one per direction: bits/s and packets/s, each a
 * token bucket of time credit (tc's psched arithmetic, as its police
 * action). A frame passes if both buckets hold its cost, and is dropped
 * otherwise. A frame that costs more than a whole bucket (a large GSO
 * frame under a low limit) passes when the bucket is full and leaves it
 * in debt, so the long-run rate holds and no frame size starves.
 */
#include <kunit/visibility.h>

#include "vmdq.h"

/* What a bucket holds when full: 10 ms of traffic at its rate. */
#define VMDQ_LIMIT_BURST_NS	(10 * NSEC_PER_MSEC)

void vmdq_limit_init(struct vmdq_limit *l)
{
	memset(l, 0, sizeof(*l));
	spin_lock_init(&l->lock);
}
EXPORT_SYMBOL_IF_KUNIT(vmdq_limit_init);

/* New rates (0: none), buckets full from @now. */
void vmdq_limit_set(struct vmdq_limit *l, u64 bits_ps, u64 pkts_ps, u64 now)
{
	struct tc_ratespec conf = {};

	spin_lock_bh(&l->lock);
	l->bits_ps = bits_ps;
	l->pkts_ps = pkts_ps;
	/* A rate below 8 bit/s is 1 byte/s, not none. */
	psched_ratecfg_precompute(&l->bytes, &conf,
				  bits_ps ? max_t(u64, bits_ps / 8, 1) : 0);
	psched_ppscfg_precompute(&l->pkts, pkts_ps);
	l->byte_credit = VMDQ_LIMIT_BURST_NS;
	l->pkt_credit = VMDQ_LIMIT_BURST_NS;
	l->last = now;
	WRITE_ONCE(l->on, bits_ps || pkts_ps);
	spin_unlock_bh(&l->lock);
}
EXPORT_SYMBOL_IF_KUNIT(vmdq_limit_set);

void vmdq_limit_get(struct vmdq_limit *l, u64 *bits_ps, u64 *pkts_ps)
{
	spin_lock_bh(&l->lock);
	*bits_ps = l->bits_ps;
	*pkts_ps = l->pkts_ps;
	spin_unlock_bh(&l->lock);
}

static bool vmdq_bucket_holds(s64 credit, s64 cost)
{
	return credit >= cost || credit >= VMDQ_LIMIT_BURST_NS;
}

/*
 * Whether a frame of @bytes (@pkts packets, more for GSO) may pass at
 * @now (ns); if so, its cost is taken from both buckets. Called with BH
 * off (the receive softirq, a transmit), which the lock relies on.
 */
bool vmdq_limit_charge(struct vmdq_limit *l, u64 now, unsigned int bytes,
		       unsigned int pkts)
{
	s64 byte_cost = 0, pkt_cost = 0, elapsed;
	bool pass;

	spin_lock(&l->lock);
	/* A clock read before another CPU's later charge: no time passed. */
	elapsed = now > l->last ? now - l->last : 0;
	l->last = max(l->last, now);
	l->byte_credit = min_t(s64, l->byte_credit + elapsed, VMDQ_LIMIT_BURST_NS);
	l->pkt_credit = min_t(s64, l->pkt_credit + elapsed, VMDQ_LIMIT_BURST_NS);
	if (l->bits_ps)
		byte_cost = psched_l2t_ns(&l->bytes, bytes);
	if (l->pkts_ps)
		pkt_cost = psched_pkt2t_ns(&l->pkts, pkts);
	pass = vmdq_bucket_holds(l->byte_credit, byte_cost) &&
	       vmdq_bucket_holds(l->pkt_credit, pkt_cost);
	if (pass) {
		l->byte_credit -= byte_cost;
		l->pkt_credit -= pkt_cost;
	}
	spin_unlock(&l->lock);
	return pass;
}
EXPORT_SYMBOL_IF_KUNIT(vmdq_limit_charge);

/* An skb's packets for the pps limit: its segments once sent. */
bool vmdq_limit_skb(struct vmdq_limit *l, const struct sk_buff *skb,
		    unsigned int len)
{
	unsigned int pkts = 1;

	if (!READ_ONCE(l->on))
		return true;
	if (skb_is_gso(skb) && skb_shinfo(skb)->gso_size)
		pkts = DIV_ROUND_UP(skb->len, skb_shinfo(skb)->gso_size);
	return vmdq_limit_charge(l, ktime_get_ns(), len, pkts);
}
