// SPDX-License-Identifier: GPL-2.0
/*
 * A vport's NIC pool (include/viox/pool.h). On an uplink whose NIC has
 * pools (viox_igb), an up vport takes one while one is free: the NIC then
 * steers the vport's MAC and VLAN to the pool's queue and replicates
 * broadcast and multicast to it, and the software classifier leaves it
 * alone. Without a pool, or once the provider takes it back, the vport
 * runs in software. Everything a vport is configured with is the vport's,
 * so it moves between the two whole. Transmission stays on the uplink
 * (its qdisc and queues) either way; the NIC loops frames for pools back.
 */
#include <linux/if_vlan.h>
#include <linux/module.h>
#include <linux/rtnetlink.h>

#include "vmdq.h"

static void vmdq_offload_retry(struct work_struct *work);
static DECLARE_WORK(vmdq_offload_work, vmdq_offload_retry);

/* A frame of the vport's pool, in the NIC's NAPI context. */
static struct sk_buff *vmdq_pool_rx(struct viox_pool *pool, struct sk_buff *skb)
{
	struct vmdq_vport *vp = netdev_priv(pool->vport);
	struct net_device *dev = vp->dev;
	const struct ethhdr *eth = eth_hdr(skb);
	u16 vid = 0;

	if (skb_vlan_tag_present(skb))
		vid = skb_vlan_tag_get_id(skb);
	/*
	 * The pool's filters are wider than the vport: untagged frames to an
	 * access port, the multicast groups of everyone on the NIC, and the
	 * vport's own broadcast looped back by the NIC.
	 */
	if (vid != READ_ONCE(vp->key.vid) ||
	    skb->pkt_type == PACKET_OTHERHOST ||
	    ether_addr_equal(eth->h_source, dev->dev_addr) ||
	    (skb->pkt_type == PACKET_MULTICAST &&
	     !vmdq_vport_wants(vp, eth->h_dest)))
		goto drop;
	if (unlikely(!(dev->flags & IFF_UP))) {
		vmdq_count(vp, VMDQ_STAT_DROP_DOWN);
		goto drop_counted;
	}
	if (unlikely(!vmdq_limit_skb(&vp->rx_limit, skb, skb->len + ETH_HLEN))) {
		vmdq_count(vp, VMDQ_STAT_DROP_RATE_RX);
		goto drop_counted;
	}
	__vlan_hwaccel_clear_tag(skb);
	vmdq_count(vp, VMDQ_STAT_RX_POOL);
	/* Its queue's CPU, if the pool's interrupt came elsewhere. */
	rcu_read_lock();
	if (vmdq_rxq_elsewhere(vp)) {
		vmdq_rxq_enqueue(vp, skb, skb->len + ETH_HLEN);
		skb = NULL;
	}
	rcu_read_unlock();
	if (skb)
		dev_dstats_rx_add(dev, skb->len + ETH_HLEN);
	return skb;

drop_counted:
	dev_dstats_rx_dropped(dev);
drop:
	kfree_skb(skb);
	return NULL;
}

static const char *const vmdq_revoke_why[] = {
	[VIOX_POOL_REVOKE_REMOVE]	= "the NIC is going away",
	[VIOX_POOL_REVOKE_RESET]	= "the NIC's reset failed",
	[VIOX_POOL_REVOKE_VFS]		= "VFs took it",
};

/* RTNL: the provider takes the pool back; the vport goes on in software. */
static void vmdq_pool_revoke(struct viox_pool *pool,
			     enum viox_pool_revoke_reason why)
{
	struct vmdq_vport *vp = netdev_priv(pool->vport);

	netdev_info(vp->dev, "pool %u taken back (%s)\n", pool->id,
		    vmdq_revoke_why[why]);
	vmdq_offload_detach(vp, false);
	/* Fewer VFs than pools: one may still be free. */
	if (why == VIOX_POOL_REVOKE_VFS)
		vmdq_offload_kick();
}

/* A vport transmits on its uplink: the NIC loops back what is for pools. */
static const struct viox_pool_holder_ops vmdq_pool_holder = {
	.flags	= VIOX_POOL_RX_ONLY,
	.rx	= vmdq_pool_rx,
	.revoke	= vmdq_pool_revoke,
};

/**
 * vmdq_offload_attach - put an up vport into a pool of its uplink's NIC
 * @vp: the vport
 * @extack: why it stays in software, if it does
 *
 * RTNL held. Return: 0 in a pool (or not wanting one), else why it stays
 * in software (-EOPNOTSUPP: the uplink has no pools; -ENOSPC: all taken).
 */
int vmdq_offload_attach(struct vmdq_vport *vp, struct netlink_ext_ack *extack)
{
	typeof(viox_igb_pool_reserve) *reserve;
	struct net_device *dev = vp->dev, *lower = vp->lower;
	struct viox_pool *pool;
	int err;

	ASSERT_RTNL();
	if (!vp->offload || !(dev->flags & IFF_UP) || !vp->uplink ||
	    rtnl_dereference(vp->pool))
		return 0;
	reserve = symbol_get(viox_igb_pool_reserve);
	if (!reserve) {
		NL_SET_ERR_MSG_MOD(extack, "no NIC pool provider is loaded");
		return -EOPNOTSUPP;
	}
	pool = reserve(lower, dev, &vmdq_pool_holder, extack);
	if (IS_ERR(pool)) {
		symbol_put(viox_igb_pool_reserve);
		return PTR_ERR(pool);
	}
	/* The NIC gives an address one filter: the pool's, not the PF's. */
	dev_uc_del(lower, dev->dev_addr);
	err = viox_pool_set_mac(pool, dev->dev_addr, extack);
	if (!err && vp->key.vid)
		err = viox_pool_vlan_add(pool, vp->key.vid, extack);
	if (err) {
		viox_pool_release(pool);
		symbol_put(viox_igb_pool_reserve);
		if (dev_uc_add(lower, dev->dev_addr))
			netdev_warn(dev, "%s does not take its MAC back: it receives no unicast\n",
				    lower->name);
		return err;
	}
	rcu_assign_pointer(vp->pool, pool);
	viox_pool_set_cpu(pool, vmdq_rxq_cpu(vp));
	netif_addr_lock_bh(dev);
	viox_pool_sync_mc(pool);
	netif_addr_unlock_bh(dev);
	netdev_info(dev, "in pool %u of %s\n", pool->id, lower->name);
	return 0;
}

/**
 * vmdq_offload_detach - give a vport's pool back; it goes on in software
 * @vp: the vport
 * @stopping: from its ndo_stop: it leaves the uplink's unicast list alone
 *
 * RTNL held.
 */
void vmdq_offload_detach(struct vmdq_vport *vp, bool stopping)
{
	struct viox_pool *pool = rtnl_dereference(vp->pool);
	struct net_device *dev = vp->dev;
	unsigned int id;

	if (!pool)
		return;
	RCU_INIT_POINTER(vp->pool, NULL);
	/* No set_rx_mode may still sync into it. */
	synchronize_net();
	id = pool->id;
	viox_pool_release(pool);
	symbol_put(viox_igb_pool_reserve);
	netdev_info(dev, "left pool %u: in software\n", id);
	if (stopping)
		return;
	if (dev_uc_add(vp->lower, dev->dev_addr))
		netdev_warn(dev, "%s does not take its MAC back: it receives no unicast\n",
			    vp->lower->name);
	netdev_state_change(dev);
}

/* A new MAC for the pool's filter; where the NIC refuses it, no pool. */
void vmdq_offload_set_mac(struct vmdq_vport *vp, const u8 *mac)
{
	struct viox_pool *pool = rtnl_dereference(vp->pool);

	if (pool && viox_pool_set_mac(pool, mac, NULL))
		vmdq_offload_detach(vp, false);
}

/* A new access VLAN for the pool's filter; where the NIC has no room, no pool. */
void vmdq_offload_set_vid(struct vmdq_vport *vp, u16 old_vid, u16 vid)
{
	struct viox_pool *pool = rtnl_dereference(vp->pool);

	if (!pool)
		return;
	if (vid && viox_pool_vlan_add(pool, vid, NULL)) {
		vmdq_offload_detach(vp, false);
		return;
	}
	if (old_vid)
		viox_pool_vlan_del(pool, old_vid);
}

/* The pool's interrupt follows the vport's receive CPU (-1: anywhere). */
void vmdq_offload_set_cpu(struct vmdq_vport *vp, int cpu)
{
	struct viox_pool *pool = rtnl_dereference(vp->pool);

	if (pool)
		viox_pool_set_cpu(pool, cpu);
}

/* From the vport's ndo_set_rx_mode: its groups into the NIC's table. */
void vmdq_offload_sync_mc(struct vmdq_vport *vp)
{
	struct viox_pool *pool;

	rcu_read_lock();
	pool = rcu_dereference(vp->pool);
	if (pool)
		viox_pool_sync_mc(pool);
	rcu_read_unlock();
}

/* The pool the vport is in, or U32_MAX. */
u32 vmdq_offload_pool_id(const struct vmdq_vport *vp)
{
	struct viox_pool *pool;
	u32 id = U32_MAX;

	rcu_read_lock();
	pool = rcu_dereference(vp->pool);
	if (pool)
		id = pool->id;
	rcu_read_unlock();
	return id;
}

/*
 * Up vports left in software try again, in the order they were made,
 * until their uplink has no pool to give.
 */
static void vmdq_offload_retry(struct work_struct *work)
{
	struct vmdq_uplink *up;
	struct vmdq_vport *vp;

	rtnl_lock();
	list_for_each_entry(up, &vmdq_uplinks, node) {
		list_for_each_entry(vp, &up->vports, uplink_node) {
			if (!vp->offload || vmdq_offloaded(vp) ||
			    !(vp->dev->flags & IFF_UP))
				continue;
			if (vmdq_offload_attach(vp, NULL))
				break;
			netdev_state_change(vp->dev);
		}
	}
	rtnl_unlock();
}

/* A pool may have come free: a vport left, or the NIC said so. */
void vmdq_offload_kick(void)
{
	schedule_work(&vmdq_offload_work);
}

void vmdq_offload_exit(void)
{
	cancel_work_sync(&vmdq_offload_work);
}
