// SPDX-License-Identifier: GPL-2.0
/*
 * A vport's NIC pool (include/viox/pool.h). On an uplink whose NIC has
 * pools (viox_igb), an up vport takes one while one is free: the NIC then
 * steers the vport's MAC and VLAN to the pool's queue and replicates
 * broadcast and multicast to it, and the software classifier leaves it
 * alone. Without a pool, or once the provider takes it back, the vport
 * runs in software. Everything a vport is configured with is the vport's,
 * so it moves between the two whole. Transmission stays on the uplink
 * (its qdisc and queues) either way; frames between vports are delivered
 * in software, and the NIC's loopback copies of them are dropped.
 *
 * A vport keeps its pool while it is down: the first pool and the last
 * one lay the NIC out anew (a PF reset), which a tenant toggling its
 * vport must not cause. It gives it back when it is deleted, when offload
 * is turned off, when another vport takes its MAC on another VLAN (the
 * NIC filters an address for one pool or for the PF, not both) and when
 * the provider revokes it. A vport whose pool could not be set up stays
 * in software until its MAC, VLAN or offload setting changes: retrying
 * would reset the PF each time.
 */
#include <linux/if_vlan.h>
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <uapi/linux/viox.h>

#include "vmdq.h"

static void vmdq_offload_retry(struct work_struct *work);
static DECLARE_WORK(vmdq_offload_work, vmdq_offload_retry);

/* A frame of the vport's pool, in the NIC's NAPI context. */
static struct sk_buff *vmdq_pool_rx(struct viox_pool *pool, struct sk_buff *skb)
{
	struct vmdq_vport *vp = netdev_priv(pool->vport);
	struct net_device *dev = vp->dev;
	const struct ethhdr *eth = eth_hdr(skb);
	bool from_vport;
	u16 vid = 0;

	if (skb_vlan_tag_present(skb))
		vid = skb_vlan_tag_get_id(skb);
	/*
	 * The pool's filters are wider than the vport: untagged frames to an
	 * access port, the multicast groups of everyone on the NIC, and the
	 * vports' broadcast and multicast looped back by the NIC (they had
	 * their copies in software). An allmulti vport has the groups it
	 * joined from here and the others from the uplink (uplink.c). A
	 * pool on its way out delivers nothing: the vport is being moved.
	 * But a standby's MAC went to this pool alone: its unicast still
	 * in the ring is no one else's. A parked standby's VF has broadcast
	 * and multicast (and loops its own back here).
	 */
	if (vid != READ_ONCE(vp->key.vid) ||
	    skb->pkt_type == PACKET_OTHERHOST ||
	    (skb->pkt_type != PACKET_HOST && !vmdq_vport_live(vp)) ||
	    (rcu_access_pointer(vp->pool) != pool &&
	     !(vp->standby && skb->pkt_type == PACKET_HOST)) ||
	    (skb->pkt_type == PACKET_MULTICAST &&
	     !(vmdq_vport_allmulti(vp) ? vmdq_vport_joined(vp, eth->h_dest) :
					 vmdq_vport_wants(vp, eth->h_dest))))
		goto drop;
	rcu_read_lock();
	from_vport = vmdq_table_lookup(&vp->uplink->table, eth->h_source, vid);
	rcu_read_unlock();
	if (from_vport)
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
	vmdq_offload_detach(vp);
}

/* A vport transmits on its uplink: the NIC loops back what is for pools. */
static const struct viox_pool_holder_ops vmdq_pool_holder = {
	.flags	= VIOX_POOL_RX_ONLY,
	.rx	= vmdq_pool_rx,
	.revoke	= vmdq_pool_revoke,
};

/*
 * The uplink has no pool for anyone now (none, all taken, going away,
 * failed): no other vport of it need ask.
 */
static bool vmdq_offload_uplink_err(int err)
{
	return err == -ENOSPC || err == -EOPNOTSUPP || err == -ENODEV ||
	       err == -ENETDOWN;
}

/* Another vport of the uplink has the MAC, on another VLAN. RTNL. */
static bool vmdq_offload_mac_shared(struct vmdq_vport *vp)
{
	return vmdq_table_mac_users(&vp->uplink->table, vp->key.mac) > 1;
}

/*
 * Why @vp may not have a pool now, though it wants one: -EBUSY with the
 * reason, or 0.
 */
static int vmdq_offload_refused(struct vmdq_vport *vp,
				struct netlink_ext_ack *extack)
{
	if (vp->offload_failed) {
		NL_SET_ERR_MSG_MOD(extack,
				   "its pool could not be set up: in software until its MAC, VLAN or offload changes");
		return -EBUSY;
	}
	if (vmdq_offload_mac_shared(vp)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "another vport has its MAC on another VLAN: in software");
		return -EBUSY;
	}
	return 0;
}

/* Its pool's set-up failed: in software until its MAC, VLAN or offload changes. */
static void vmdq_offload_failed(struct vmdq_vport *vp, int err)
{
	vp->offload_failed = true;
	netdev_warn(vp->dev, "no pool of %s: %d; in software until its MAC, VLAN or offload changes\n",
		    vp->lower->name, err);
}

/**
 * vmdq_offload_attach - put an up vport into a pool of its uplink's NIC
 * @vp: the vport
 * @extack: why it stays in software, if it does
 *
 * RTNL held. Return: 0 in a pool (or not wanting one); -EBUSY, this vport
 * may not have one now (its MAC is shared, or the NIC refused its MAC or
 * VLAN: then it does not try again until its MAC, VLAN or offload setting
 * changes); else the uplink had no pool to give: -EOPNOTSUPP, it has
 * none; -ENOSPC, all taken; -ENODEV or -ENETDOWN, the NIC is going away
 * or failed; another error, the reservation failed (this vport does not
 * try again either).
 */
int vmdq_offload_attach(struct vmdq_vport *vp, struct netlink_ext_ack *extack)
{
	typeof(viox_igb_pool_reserve) *reserve;
	struct net_device *dev = vp->dev, *lower = vp->lower;
	struct viox_pool *pool;
	int err;

	ASSERT_RTNL();
	/* A parked standby's MAC is its VF's: no pool until it takes it. */
	if (!vp->offload || !(dev->flags & IFF_UP) || !vp->uplink ||
	    rtnl_dereference(vp->pool) ||
	    (vp->standby && !vmdq_standby_may_pool(vp)))
		return 0;
	reserve = symbol_get(viox_igb_pool_reserve);
	if (!reserve) {
		NL_SET_ERR_MSG_MOD(extack, "no NIC pool provider is loaded");
		return -EOPNOTSUPP;
	}
	err = vmdq_offload_refused(vp, extack);
	if (err)
		goto put;
	pool = reserve(lower, dev, &vmdq_pool_holder, extack);
	if (IS_ERR(pool)) {
		err = PTR_ERR(pool);
		/* The uplink's state, not this vport's: no mark. */
		if (!vmdq_offload_uplink_err(err))
			vmdq_offload_failed(vp, err);
		goto put;
	}
	/*
	 * The NIC gives an address one filter: the pool's, not the PF's. A
	 * standby's is its VF's entry, which the provider points at the pool.
	 */
	if (!vp->standby) {
		dev_uc_del(lower, dev->dev_addr);
		err = viox_pool_set_mac(pool, dev->dev_addr, extack);
	} else {
		err = 0;
	}
	if (!err && vp->key.vid)
		err = viox_pool_vlan_add(pool, vp->key.vid, extack);
	if (err) {
		viox_pool_release(pool);
		if (!vp->standby && dev_uc_add(lower, dev->dev_addr))
			netdev_warn(dev, "%s does not take its MAC back: it receives no unicast\n",
				    lower->name);
		/* The NIC refused this vport's MAC or VLAN: others may fit. */
		vmdq_offload_failed(vp, err);
		err = -EBUSY;
		goto put;
	}
	rcu_assign_pointer(vp->pool, pool);
	viox_pool_set_cpu(pool, vmdq_rxq_cpu(vp));
	netif_addr_lock_bh(dev);
	viox_pool_sync_mc(pool);
	netif_addr_unlock_bh(dev);
	/* Set up to take the frames: now the VF's MAC may go there. */
	if (vp->standby) {
		err = viox_standby_set_pool(vp->standby, pool);
		if (err) {
			NL_SET_ERR_MSG_MOD(extack,
					   "the NIC would not steer its VF's MAC into the pool");
			vmdq_offload_detach(vp);
			vmdq_offload_failed(vp, err);
			return -EBUSY;
		}
	}
	netdev_info(dev, "in pool %u of %s\n", pool->id, lower->name);
	vmdq_nl_notify(vp, VIOX_CMD_VPORT_CHANGE_NTF);
	return 0;

put:
	symbol_put(viox_igb_pool_reserve);
	return err;
}

/**
 * vmdq_offload_detach - give a vport's pool back; it goes on in software
 * @vp: the vport
 *
 * RTNL held. Another vport may take the pool.
 */
void vmdq_offload_detach(struct vmdq_vport *vp)
{
	struct viox_pool *pool = rtnl_dereference(vp->pool);
	struct net_device *dev = vp->dev;
	unsigned int id;

	if (!pool)
		return;
	/* Its VF's MAC back to the PF's queues before the pool goes. */
	if (vp->standby)
		viox_standby_set_pool(vp->standby, NULL);
	RCU_INIT_POINTER(vp->pool, NULL);
	/*
	 * No set_rx_mode may still sync into it; its NAPI delivers a
	 * standby's unicast only (vmdq_pool_rx), the last of it at release.
	 */
	synchronize_net();
	id = pool->id;
	viox_pool_release(pool);
	symbol_put(viox_igb_pool_reserve);
	netdev_info(dev, "left pool %u: in software\n", id);
	vmdq_offload_kick();
	/*
	 * Up, its MAC is the uplink's to receive again (open adds it else);
	 * a standby's comes through its VF's entry.
	 */
	if ((dev->flags & IFF_UP) && !vp->standby &&
	    dev_uc_add(vp->lower, dev->dev_addr))
		netdev_warn(dev, "%s does not take its MAC back: it receives no unicast\n",
			    vp->lower->name);
	if (dev->reg_state == NETREG_REGISTERED) {
		netdev_state_change(dev);
		vmdq_nl_notify(vp, VIOX_CMD_VPORT_CHANGE_NTF);
	}
}

/*
 * The vport has a MAC another vport has too: the NIC cannot filter it for
 * a pool, so the pooled ones among them give their pools up.
 */
static void vmdq_offload_unshare(struct vmdq_vport *vp)
{
	struct vmdq_vport *other;

	if (!vmdq_offload_mac_shared(vp))
		return;
	list_for_each_entry(other, &vp->uplink->vports, uplink_node)
		if (other != vp && vmdq_offloaded(other) &&
		    ether_addr_equal(other->key.mac, vp->key.mac))
			vmdq_offload_detach(other);
	vmdq_offload_detach(vp);
}

/* A vport made (down, so in no pool). RTNL. */
void vmdq_offload_added(struct vmdq_vport *vp)
{
	ASSERT_RTNL();
	vmdq_offload_unshare(vp);
}

/*
 * The vport's key changed (@mac_changed: its MAC): a pooled vport whose
 * MAC it now shares gives its pool up, and vports waiting may try for a
 * pool again.
 */
void vmdq_offload_rekeyed(struct vmdq_vport *vp, bool mac_changed)
{
	ASSERT_RTNL();
	if (mac_changed)
		vmdq_offload_unshare(vp);
	/* Its old MAC may be another's alone now; it may fit a pool. */
	vmdq_offload_kick();
}

/* Whether the uplink's NIC gives @mac to one of its VFs alone. */
bool vmdq_offload_vf_has_mac(struct net_device *lower, const u8 *mac)
{
	typeof(viox_igb_vf_has_mac) *has = symbol_get(viox_igb_vf_has_mac);
	bool held;

	if (!has)
		return false;
	held = has(lower, mac);
	symbol_put(viox_igb_vf_has_mac);
	return held;
}

/* A new MAC for the pool's filter; where the NIC refuses it, no pool. */
void vmdq_offload_set_mac(struct vmdq_vport *vp, const u8 *mac)
{
	struct viox_pool *pool = rtnl_dereference(vp->pool);

	vp->offload_failed = false;	/* a new MAC: worth another try */
	if (pool && viox_pool_set_mac(pool, mac, NULL)) {
		vmdq_offload_detach(vp);
		vp->offload_failed = true;
	}
}

/* A new access VLAN for the pool's filter; where the NIC has no room, no pool. */
void vmdq_offload_set_vid(struct vmdq_vport *vp, u16 old_vid, u16 vid)
{
	struct viox_pool *pool = rtnl_dereference(vp->pool);

	vp->offload_failed = false;	/* a new VLAN: worth another try */
	if (!pool)
		return;
	if (vid && viox_pool_vlan_add(pool, vid, NULL)) {
		vmdq_offload_detach(vp);
		vp->offload_failed = true;
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
 * until their uplink has no pool to give. One that may not have a pool
 * (its set-up failed, its MAC is shared) is passed over.
 */
static void vmdq_offload_retry(struct work_struct *work)
{
	struct vmdq_uplink *up;
	struct vmdq_vport *vp;
	int err;

	rtnl_lock();
	list_for_each_entry(up, &vmdq_uplinks, node) {
		list_for_each_entry(vp, &up->vports, uplink_node) {
			if (!vp->offload || vp->offload_failed ||
			    vmdq_offloaded(vp) || !(vp->dev->flags & IFF_UP) ||
			    (vp->standby && !vmdq_standby_may_pool(vp)))
				continue;
			err = vmdq_offload_attach(vp, NULL);
			if (!err)
				netdev_state_change(vp->dev);
			/* Each reservation may reset the PF: one failure stops the pass. */
			else if (err != -EBUSY)
				break;
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
