// SPDX-License-Identifier: GPL-2.0
/*
 * viox_igb: a reserved pool in the device: its filters and gates, its
 * queue pair and its interrupt, started and stopped with the PF's own
 * around resets and new layouts. Pool p is queue pair p, MSI-X vector
 * 1 + p, RAR slot 16 + p (the slot VF p would use), its VLANs in VLVF.
 * pool.c hands pools out.
 */
#include <linux/etherdevice.h>
#include <linux/interrupt.h>
#include <linux/rtnetlink.h>
#include <viox/pool.h>

#include "igb.h"

/* The pool's unicast filter: its address in RAR 16 + p, or none. */
static void vigb_pool_write_mac(struct vigb_adapter *ad, struct vigb_pool *pl)
{
	unsigned int p = pl->pub.id;

	vigb_rar_set(ad, VIGB_VF_RAR(p), pl->mac, BIT(p));
}

/* The filters and gates of pool p, from its state (vf_lock held). */
void vigb_pool_program(struct vigb_adapter *ad, struct vigb_pool *pl)
{
	unsigned int p = pl->pub.id, vid;
	/* Tags are stripped: the holder gets them in the hwaccel tag. */
	u32 vmolr = VIGB_VMOLR_AUPE | VIGB_VMOLR_BAM | VIGB_VMOLR_ROMPE |
		    VIGB_VMOLR_STRCRC | VIGB_VMOLR_LPE | VIGB_VMOLR_STRVLAN |
		    (VIGB_MAX_FRAME & VIGB_VMOLR_RLPML_MASK);

	lockdep_assert_held(&ad->vf_lock);
	vigb_wr32(ad, VIGB_VMOLR(p), vmolr);
	vigb_wr32(ad, VIGB_VMVIR(p), 0);
	vigb_pool_write_mac(ad, pl);
	for_each_set_bit(vid, pl->vlans, VLAN_N_VID)
		vigb_vlvf_set(ad, vid, p, true);
	vigb_hw_pool_gates(ad, p, true);
}

/* Part of (re)programming VMDq mode: every reserved pool's filters. */
void vigb_pools_program(struct vigb_adapter *ad)
{
	unsigned int p;

	lockdep_assert_held(&ad->vf_lock);
	for_each_set_bit(p, &ad->reserved_pools, VIGB_POOLS)
		vigb_pool_program(ad, ad->pools[p]);
}

int vigb_pool_poll(struct napi_struct *napi, int budget)
{
	struct vigb_qvec *qv = container_of(napi, struct vigb_qvec, napi);
	int work;

	if (!vigb_qvec_clean(qv, budget, &work))
		return work;
	vigb_wr32(qv->ad, VIGB_EIMS, qv->eims);
	return work;
}

/* The pool's interrupt where its holder asked (pool.c sets pl->cpu). */
void vigb_pool_irq_cpu(struct vigb_pool *pl)
{
	const struct cpumask *mask = cpu_online_mask;
	int cpu = READ_ONCE(pl->cpu);

	if (cpu >= 0 && cpu_online(cpu))
		mask = cpumask_of(cpu);
	if (irq_set_affinity(pl->qvec.irq, mask))
		netdev_warn(pl->ad->netdev, "pool %u: interrupt not moved to CPU %d\n",
			    pl->pub.id, cpu);
}

/* A holder that never transmits through the pool: its queues are its own. */
static bool vigb_pool_rx_only(const struct vigb_pool *pl)
{
	return pl->pub.holder->flags & VIOX_POOL_RX_ONLY;
}

/* Rings, vector and queues; the filters are programmed separately. */
int vigb_pool_start(struct vigb_adapter *ad, struct vigb_pool *pl)
{
	struct netdev_queue *txq = netdev_get_tx_queue(pl->pub.vport, 0);
	unsigned int p = pl->pub.id;
	int err;

	pl->tx.count = ad->tx_ring_count;
	pl->rx.count = ad->rx_ring_count;
	err = vigb_ring_pair_alloc(&pl->tx, &pl->rx);
	if (err)
		return err;
	snprintf(pl->qvec.name, sizeof(pl->qvec.name), "%s-pool%u",
		 ad->netdev->name, p);
	err = request_irq(pl->qvec.irq, vigb_irq_queue, 0, pl->qvec.name,
			  &pl->qvec);
	if (err) {
		vigb_ring_pair_free(&pl->tx, &pl->rx);
		return err;
	}
	vigb_pool_irq_cpu(pl);
	vigb_irq_route_queue(ad, p, 1 + p);
	vigb_ring_pair_configure(ad, &pl->tx, &pl->rx);
	napi_enable(&pl->qvec.napi);
	vigb_irq_unmask(ad, pl->qvec.eims);

	if (vigb_pool_rx_only(pl)) {
		WRITE_ONCE(pl->running, true);
		return 0;
	}
	__netif_tx_lock_bh(txq);
	pl->running = true;
	__netif_tx_unlock_bh(txq);
	netif_tx_wake_queue(txq);
	return 0;
}

void vigb_pool_stop(struct vigb_adapter *ad, struct vigb_pool *pl)
{
	struct netdev_queue *txq = netdev_get_tx_queue(pl->pub.vport, 0);

	if (!pl->running)
		return;
	if (vigb_pool_rx_only(pl)) {
		WRITE_ONCE(pl->running, false);
	} else {
		/* No xmit after this: the vport's queue is stopped under its lock. */
		__netif_tx_lock_bh(txq);
		pl->running = false;
		netif_tx_stop_queue(txq);
		__netif_tx_unlock_bh(txq);
	}

	/*
	 * What the NIC wrote into the ring before it stopped goes to the
	 * holder in a last poll, not out with the ring: a standby's MAC was
	 * just steered back to its VF, and its frames still in this ring are
	 * no one else's.
	 */
	vigb_rx_ring_stop(ad, &pl->rx);
	local_bh_disable();
	napi_schedule(&pl->qvec.napi);
	local_bh_enable();
	napi_disable(&pl->qvec.napi);
	vigb_wr32(ad, VIGB_EIMC, pl->qvec.eims);
	vigb_flush(ad);
	synchronize_irq(pl->qvec.irq);
	vigb_tx_ring_stop(ad, &pl->tx);
	free_irq(pl->qvec.irq, &pl->qvec);
	vigb_ring_pair_free(&pl->tx, &pl->rx);
}

/* Around a device reset or a new pool layout (rtnl held). */
void vigb_pools_stop(struct vigb_adapter *ad)
{
	unsigned int p;

	ASSERT_RTNL();
	for_each_set_bit(p, &ad->reserved_pools, VIGB_POOLS)
		vigb_pool_stop(ad, ad->pools[p]);
}

/*
 * After vigb_pools_stop() and the filters were programmed again. Returns
 * the pools that did not start, for the caller to revoke once the device
 * is up.
 */
unsigned long vigb_pools_start(struct vigb_adapter *ad)
{
	unsigned long failed = 0;
	unsigned int p;
	int err;

	ASSERT_RTNL();
	for_each_set_bit(p, &ad->reserved_pools, VIGB_POOLS) {
		err = vigb_pool_start(ad, ad->pools[p]);
		if (err) {
			netdev_err(ad->netdev, "pool %u did not start: %d\n", p, err);
			__set_bit(p, &failed);
		}
	}
	return failed;
}

void vigb_pool_init_ring(struct vigb_adapter *ad, struct vigb_pool *pl,
			 struct vigb_ring *r)
{
	r->qvec = &pl->qvec;
	r->netdev = pl->pub.vport;
	r->dev = &ad->pdev->dev;
	r->index = 0;
	r->reg = pl->pub.id;
	r->pool = &pl->pub;
	u64_stats_init(&r->stats.syncp);
	u64_stats_init(&r->stats.xmit_syncp);
}

/* The pools' share of the MTA: every pool's hashes or'd together. */
void vigb_pools_mta_rebuild(struct vigb_adapter *ad)
{
	unsigned long flags;
	unsigned int p, i;

	spin_lock_irqsave(&ad->mta_lock, flags);
	memset(ad->pool_mta, 0, sizeof(ad->pool_mta));
	for_each_set_bit(p, &ad->reserved_pools, VIGB_POOLS)
		for (i = 0; i < VIGB_MTA_REGS; i++)
			ad->pool_mta[i] |= ad->pools[p]->mta[i];
	spin_unlock_irqrestore(&ad->mta_lock, flags);
	vigb_mta_write(ad);
}
