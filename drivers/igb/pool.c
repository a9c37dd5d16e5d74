// SPDX-License-Identifier: GPL-2.0
/*
 * viox_igb: pools reserved through the pool offload interface
 * (include/viox/pool.h). A pool is one VMDq pool no VF uses (pool_hw.c
 * runs it). Pools are taken from pool 7 down; VFs from pool 0 up, with
 * the PF on the pool after the last VF.
 */
#include <linux/etherdevice.h>
#include <linux/interrupt.h>
#include <linux/rtnetlink.h>
#include <viox/pool.h>

#include "igb.h"

static const struct viox_pool_ops vigb_pool_ops;

static struct vigb_pool *to_vigb_pool(struct viox_pool *pool)
{
	return container_of(pool, struct vigb_pool, pub);
}

/*
 * Drop the pool's filters and give its number back; the queues are
 * stopped. The caller frees @pl.
 */
static void vigb_pool_unreserve(struct vigb_adapter *ad, struct vigb_pool *pl)
{
	unsigned int p = pl->pub.id, vid;
	unsigned long flags;

	mutex_lock(&ad->vf_lock);
	vigb_standbys_pool_gone(ad, p);
	vigb_hw_pool_gates(ad, p, false);
	for_each_set_bit(vid, pl->vlans, VLAN_N_VID)
		vigb_vlvf_set(ad, vid, p, false);
	vigb_pool_scrub(ad, p);
	clear_bit(p, &ad->reserved_pools);
	clear_bit(p, &ad->pools_lost);	/* pool p's next holder did not lose it */
	ad->pools[p] = NULL;
	mutex_unlock(&ad->vf_lock);

	spin_lock_irqsave(&ad->mta_lock, flags);
	memset(pl->mta, 0, sizeof(pl->mta));
	spin_unlock_irqrestore(&ad->mta_lock, flags);
	vigb_pools_mta_rebuild(ad);

	netif_napi_del(&pl->qvec.napi);
	/*
	 * The last pool gone and no VFs: back to RSS over several queues,
	 * unless the device is going or lost in a failed reset.
	 */
	if (!ad->num_vfs && !ad->reserved_pools &&
	    !test_bit(VIGB_REMOVING, &ad->state) &&
	    !test_bit(VIGB_RESETTING, &ad->state) &&
	    !test_bit(VIGB_FAILED, &ad->state)) {
		if (vigb_reinit(ad))
			netdev_err(ad->netdev, "did not come back on RSS after its last pool\n");
	} else {
		vigb_update_vlan_filtering(ad);
	}
}

bool viox_igb_vf_has_mac(struct net_device *uplink, const u8 *mac)
{
	struct vigb_adapter *ad;
	unsigned int vf;
	bool held = false;

	if (uplink->netdev_ops != &vigb_netdev_ops)
		return false;
	ad = netdev_priv(uplink);
	mutex_lock(&ad->vf_lock);
	spin_lock_bh(&ad->filt_lock);
	for (vf = 0; vf < ad->num_vfs && !held; vf++)
		held = ether_addr_equal(ad->rar_mac[VIGB_VF_RAR(vf)], mac);
	spin_unlock_bh(&ad->filt_lock);
	mutex_unlock(&ad->vf_lock);
	return held;
}
EXPORT_SYMBOL_GPL(viox_igb_vf_has_mac);

struct viox_pool *viox_igb_pool_reserve(struct net_device *uplink,
					struct net_device *vport,
					const struct viox_pool_holder_ops *holder,
					struct netlink_ext_ack *extack)
{
	struct vigb_adapter *ad;
	struct vigb_pool *pl;
	unsigned int p;
	bool first;
	int err;

	ASSERT_RTNL();
	if (uplink->netdev_ops != &vigb_netdev_ops) {
		NL_SET_ERR_MSG_MOD(extack, "uplink is not a viox_igb PF");
		return ERR_PTR(-EOPNOTSUPP);
	}
	if (!holder || !holder->revoke) {
		NL_SET_ERR_MSG_MOD(extack, "a pool's holder must take revocations");
		return ERR_PTR(-EINVAL);
	}
	ad = netdev_priv(uplink);
	if (test_bit(VIGB_REMOVING, &ad->state)) {
		NL_SET_ERR_MSG_MOD(extack, "the PF is going away");
		return ERR_PTR(-ENODEV);
	}
	if (test_bit(VIGB_FAILED, &ad->state)) {
		NL_SET_ERR_MSG_MOD(extack, "the device failed its last reset");
		return ERR_PTR(-ENETDOWN);
	}
	/*
	 * Pool p needs vector 1 + p; pools are handed out from the top. A
	 * standby of a VF that is gone keeps that VF's address entry.
	 */
	mutex_lock(&ad->vf_lock);
	for (p = VIGB_POOLS - 1; p > ad->num_vfs; p--)
		if (!test_bit(p, &ad->reserved_pools) &&
		    !vigb_standby_holds_pool(ad, p))
			break;
	mutex_unlock(&ad->vf_lock);
	if (p <= ad->num_vfs) {
		NL_SET_ERR_MSG_FMT_MOD(extack,
				       "no free pool: %u VFs, the PF and %u ports hold all 8",
				       ad->num_vfs, (unsigned int)hweight_long(ad->reserved_pools));
		return ERR_PTR(-ENOSPC);
	}
	if (!ad->msix || 1 + p >= ad->num_vectors) {
		NL_SET_ERR_MSG_MOD(extack, "pools need MSI-X vectors the device did not get");
		return ERR_PTR(-EOPNOTSUPP);
	}

	pl = kzalloc(sizeof(*pl), GFP_KERNEL);
	if (!pl)
		return ERR_PTR(-ENOMEM);
	pl->pub.ops = &vigb_pool_ops;
	pl->pub.holder = holder;
	pl->cpu = -1;
	pl->pub.uplink = uplink;
	pl->pub.vport = vport;
	pl->pub.id = p;
	pl->ad = ad;
	pl->qvec.ad = ad;
	pl->qvec.tx = &pl->tx;
	pl->qvec.rx = &pl->rx;
	pl->qvec.eims = BIT(1 + p);
	pl->qvec.irq = pci_irq_vector(ad->pdev, 1 + p);
	vigb_pool_init_ring(ad, pl, &pl->tx);
	vigb_pool_init_ring(ad, pl, &pl->rx);
	netif_napi_add(uplink, &pl->qvec.napi, vigb_pool_poll);

	first = !ad->num_vfs && !ad->reserved_pools;
	mutex_lock(&ad->vf_lock);
	ad->pools[p] = pl;
	set_bit(p, &ad->reserved_pools);
	if (!first)
		vigb_pool_program(ad, pl);
	mutex_unlock(&ad->vf_lock);
	if (!first)
		vigb_update_vlan_filtering(ad);
	/* Leaving RSS for VMDq: the PF's queues are laid out anew. */
	if (first) {
		err = vigb_reinit(ad);
		if (err) {
			NL_SET_ERR_MSG_MOD(extack, "the PF did not come back in VMDq mode");
			goto err_unreserve;
		}
	}
	err = vigb_pool_start(ad, pl);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "cannot set up the pool's queues");
		goto err_unreserve;
	}
	netdev_info(uplink, "pool %u reserved for %s\n", p, vport->name);
	return &pl->pub;

err_unreserve:
	vigb_pool_unreserve(ad, pl);
	kfree(pl);
	return ERR_PTR(err);
}
EXPORT_SYMBOL_GPL(viox_igb_pool_reserve);

static void vigb_pool_release(struct viox_pool *pool)
{
	struct vigb_pool *pl = to_vigb_pool(pool);
	struct vigb_adapter *ad = pl->ad;

	ASSERT_RTNL();
	/* Off the device already, which may itself be gone. */
	if (pl->orphan) {
		kfree(pl);
		return;
	}
	netdev_info(ad->netdev, "pool %u released by %s\n", pool->id,
		    pool->vport->name);
	vigb_pool_stop(ad, pl);
	vigb_pool_unreserve(ad, pl);
	kfree(pl);
}

static const char *const vigb_revoke_why[] = {
	[VIOX_POOL_REVOKE_REMOVE]	= "the PF is going away",
	[VIOX_POOL_REVOKE_RESET]	= "the device reset failed for it",
	[VIOX_POOL_REVOKE_VFS]		= "VFs need it",
};

/**
 * vigb_pools_revoke - take reserved pools back from their holders
 * @ad: the adapter
 * @mask: the pools (bits of reserved_pools) to take back
 * @why: what the holders are told
 *
 * Each holder is told under RTNL and releases its pool; one that does not
 * has it released from under it, with a warning.
 */
void vigb_pools_revoke(struct vigb_adapter *ad, unsigned long mask,
		       enum viox_pool_revoke_reason why)
{
	unsigned int p;

	ASSERT_RTNL();
	for_each_set_bit(p, &mask, VIGB_POOLS) {
		struct vigb_pool *pl;

		if (!test_bit(p, &ad->reserved_pools))
			continue;
		pl = ad->pools[p];
		netdev_info(ad->netdev, "pool %u taken back from %s: %s\n", p,
			    pl->pub.vport->name, vigb_revoke_why[why]);
		pl->pub.holder->revoke(&pl->pub, why);
		if (!test_bit(p, &ad->reserved_pools))
			continue;
		/*
		 * A holder that breaks the contract still holds the pool:
		 * freeing it would leave that a dangling pointer. It comes
		 * off the device, and its memory waits for the release.
		 */
		WARN(1, "%s: pool %u: %s kept it when revoked\n",
		     netdev_name(ad->netdev), p, pl->pub.vport->name);
		vigb_pool_stop(ad, pl);
		vigb_pool_unreserve(ad, pl);
		pl->orphan = true;
	}
}

/* The pools a reset could not bring back (netdev.c), revoked. */
void vigb_pools_lost_work(struct work_struct *work)
{
	struct vigb_adapter *ad = container_of(work, struct vigb_adapter,
					       pools_lost_work);

	rtnl_lock();
	if (!test_bit(VIGB_REMOVING, &ad->state))
		vigb_pools_revoke(ad, ad->pools_lost, VIOX_POOL_REVOKE_RESET);
	ad->pools_lost = 0;
	rtnl_unlock();
}

static int vigb_pool_set_mac(struct viox_pool *pool, const u8 *mac,
			     struct netlink_ext_ack *extack)
{
	struct vigb_pool *pl = to_vigb_pool(pool);
	struct vigb_adapter *ad = pl->ad;
	int err;

	ASSERT_RTNL();
	if (!is_zero_ether_addr(mac) && !is_valid_ether_addr(mac)) {
		NL_SET_ERR_MSG_MOD(extack, "a pool's address must be a unicast address");
		return -EADDRNOTAVAIL;
	}
	mutex_lock(&ad->vf_lock);
	err = vigb_rar_claim(ad, VIGB_VF_RAR(pool->id), mac, BIT(pool->id));
	if (!err)
		ether_addr_copy(pl->mac, mac);
	mutex_unlock(&ad->vf_lock);
	if (err)
		NL_SET_ERR_MSG_MOD(extack, "the PF, a VF or another pool has this address");
	return err;
}

static int vigb_pool_vlan_add(struct viox_pool *pool, u16 vid,
			      struct netlink_ext_ack *extack)
{
	struct vigb_pool *pl = to_vigb_pool(pool);
	struct vigb_adapter *ad = pl->ad;
	int err;

	ASSERT_RTNL();
	if (vid >= VLAN_N_VID) {
		NL_SET_ERR_MSG_MOD(extack, "VLAN ID out of range");
		return -EINVAL;
	}
	mutex_lock(&ad->vf_lock);
	err = vigb_vlvf_set(ad, vid, pool->id, true);
	if (!err)
		set_bit(vid, pl->vlans);
	mutex_unlock(&ad->vf_lock);
	if (err)
		NL_SET_ERR_MSG_FMT_MOD(extack, "all %u VLAN pool filters are in use",
				       VIGB_VLVF_ENTRIES);
	return err;
}

static void vigb_pool_vlan_del(struct viox_pool *pool, u16 vid)
{
	struct vigb_pool *pl = to_vigb_pool(pool);
	struct vigb_adapter *ad = pl->ad;

	ASSERT_RTNL();
	if (vid >= VLAN_N_VID)
		return;
	mutex_lock(&ad->vf_lock);
	if (test_and_clear_bit(vid, pl->vlans))
		vigb_vlvf_set(ad, vid, pool->id, false);
	mutex_unlock(&ad->vf_lock);
}

static void vigb_pool_sync_mc(struct viox_pool *pool)
{
	struct vigb_pool *pl = to_vigb_pool(pool);
	struct vigb_adapter *ad = pl->ad;
	struct netdev_hw_addr *ha;
	unsigned long flags;

	spin_lock_irqsave(&ad->mta_lock, flags);
	memset(pl->mta, 0, sizeof(pl->mta));
	netdev_for_each_mc_addr(ha, pool->vport) {
		u32 h = vigb_hw_mta_hash(ha->addr);

		pl->mta[h >> 5] |= BIT(h & 31);
	}
	spin_unlock_irqrestore(&ad->mta_lock, flags);
	vigb_pools_mta_rebuild(ad);
}

static void vigb_pool_set_cpu(struct viox_pool *pool, int cpu)
{
	struct vigb_pool *pl = to_vigb_pool(pool);

	ASSERT_RTNL();
	WRITE_ONCE(pl->cpu, cpu);
	if (pl->running)
		vigb_pool_irq_cpu(pl);
}

static netdev_tx_t vigb_pool_xmit(struct viox_pool *pool, struct sk_buff *skb)
{
	struct vigb_pool *pl = to_vigb_pool(pool);

	/* Not for a holder that said it would not: no queue lock serializes it. */
	if (WARN_ON_ONCE(pool->holder->flags & VIOX_POOL_RX_ONLY)) {
		dev_kfree_skb_any(skb);
		return NETDEV_TX_OK;
	}
	if (unlikely(!pl->running)) {
		u64_stats_update_begin(&pl->tx.stats.xmit_syncp);
		pl->tx.stats.drops++;
		u64_stats_update_end(&pl->tx.stats.xmit_syncp);
		dev_kfree_skb_any(skb);
		return NETDEV_TX_OK;
	}
	return vigb_xmit_ring(&pl->tx, skb);
}

static void vigb_pool_get_stats(struct viox_pool *pool,
				struct viox_pool_stats *st)
{
	struct vigb_pool *pl = to_vigb_pool(pool);
	struct vigb_ring_stats rs, ts;

	vigb_ring_stats_read(&pl->rx.stats, &rs);
	vigb_ring_stats_read(&pl->tx.stats, &ts);
	st->rx_packets = rs.packets;
	st->rx_bytes = rs.bytes;
	st->rx_drops = rs.drops + rs.alloc_fail + rs.errors;
	st->tx_packets = ts.packets;
	st->tx_bytes = ts.bytes;
	st->tx_drops = ts.drops;
}

static const struct viox_pool_ops vigb_pool_ops = {
	.set_mac	= vigb_pool_set_mac,
	.vlan_add	= vigb_pool_vlan_add,
	.vlan_del	= vigb_pool_vlan_del,
	.sync_mc	= vigb_pool_sync_mc,
	.set_cpu	= vigb_pool_set_cpu,
	.xmit		= vigb_pool_xmit,
	.get_stats	= vigb_pool_get_stats,
	.release	= vigb_pool_release,
};
