/* SPDX-License-Identifier: GPL-2.0 */
/*
 * viox pool offload: a NIC's VMDq pool reserved for one virtual port.
 *
 * The VMDq classifier steers frames to per-VM ports by destination MAC
 * and VLAN in software. Where the uplink's NIC has pools, it reserves one
 * per port instead: the NIC's filters do the steering, frames arrive on
 * the pool's own receive queue and go straight to the port's netdev, and
 * the port transmits on the pool's own queue.
 *
 * A pool belongs to a "vport" netdev owned by its holder, the caller that
 * reserved it. Frames received in the pool come with their VLAN tag, if
 * any, in the skb's hwaccel tag; the holder's ->rx sees each one first
 * and hands it on or takes it, and the provider passes what it hands on
 * to GRO and the stack with skb->dev set to the vport. The vport's
 * ndo_start_xmit may hand its frames to viox_pool_xmit(), which uses the
 * vport's TX queue 0 for BQL and for stopping and waking, under that
 * queue's lock (unless the holder is VIOX_POOL_RX_ONLY).
 *
 * A pool accepts broadcast, untagged frames to its MAC address, frames to
 * its MAC tagged with a VLAN on its VLAN list, and multicast frames whose
 * hash is in the device's multicast table (->sync_mc adds the vport's
 * multicast list to it). With other pools or VFs on the device, the NIC
 * also loops frames sent by the PF, the VFs and the pools back into it,
 * broadcast included (the emulated 82576 even loops a pool's own
 * broadcast back to it).
 *
 * Lifetime. The reservation is the holder's reference: the provider never
 * frees or reuses a pool before the holder gives it back with
 * viox_pool_release(). When the provider must take it back (the PF goes
 * away, a device reset failed, VFs being created need it) it calls the
 * holder's ->revoke under RTNL, and the holder stops using the pool and
 * releases it before returning: its frames then take the holder's
 * fallback (software) path. A holder that does not is warned about; its
 * pool leaves the device, and releasing it later only frees it. When
 * pools may have become free again (VFs removed, a reset recovered) the
 * provider raises NETDEV_CHANGE on the uplink, where a holder that fell
 * back may try again. Since the first pool and the last one reset the PF
 * (and NETDEV_CHANGE follows its carrier), a holder must not retry after
 * a failed set-up on that alone.
 *
 * Every operation but ->sync_mc and ->xmit sleeps and needs the RTNL.
 *
 * Providers: viox_igb (82576). A consumer finds the provider of an uplink
 * with symbol_get(viox_igb_pool_reserve), so that it loads without it and
 * falls back to software where the uplink has no pools; the module
 * reference it gets is put after the pool's release.
 */
#ifndef _VIOX_POOL_H
#define _VIOX_POOL_H

#include <linux/netdevice.h>
#include <linux/netlink.h>

struct viox_pool;

/* Why a provider takes a pool back. */
enum viox_pool_revoke_reason {
	VIOX_POOL_REVOKE_REMOVE,	/* the PF goes away */
	VIOX_POOL_REVOKE_RESET,		/* a device reset failed for it */
	VIOX_POOL_REVOKE_VFS,		/* VFs being created need it */
};

/*
 * The holder never calls ->xmit: the provider leaves the vport's TX queues
 * alone (a vport that transmits elsewhere must not see them stopped).
 */
#define VIOX_POOL_RX_ONLY	BIT(0)

/* The holder's side of a pool, given at reservation. */
struct viox_pool_holder_ops {
	unsigned int flags;		/* VIOX_POOL_* */
	/*
	 * Optional. Each frame the pool received, in NAPI context, after
	 * eth_type_trans(): return the frame to hand to the stack (the same
	 * skb or another), or NULL once the holder has taken or freed it.
	 */
	struct sk_buff *(*rx)(struct viox_pool *pool, struct sk_buff *skb);
	/*
	 * RTNL held: the provider takes the pool back. The holder stops its
	 * transmits and calls viox_pool_release() before returning.
	 */
	void (*revoke)(struct viox_pool *pool,
		       enum viox_pool_revoke_reason why);
};

struct viox_pool_stats {
	u64 rx_packets, rx_bytes, rx_drops;
	u64 tx_packets, tx_bytes, tx_drops;
};

struct viox_pool_ops {
	/* The unicast address the pool receives; a zero address clears it. */
	int (*set_mac)(struct viox_pool *pool, const u8 *mac,
		       struct netlink_ext_ack *extack);
	/* Add or remove a VLAN from the pool's VLAN filter. */
	int (*vlan_add)(struct viox_pool *pool, u16 vid,
			struct netlink_ext_ack *extack);
	void (*vlan_del)(struct viox_pool *pool, u16 vid);
	/*
	 * Take the vport's multicast list into the device's multicast table;
	 * call it from the vport's ndo_set_rx_mode (the list is locked).
	 */
	void (*sync_mc)(struct viox_pool *pool);
	/* Steer the pool's interrupt (and so its NAPI) to @cpu; -1: any. */
	void (*set_cpu)(struct viox_pool *pool, int cpu);
	netdev_tx_t (*xmit)(struct viox_pool *pool, struct sk_buff *skb);
	void (*get_stats)(struct viox_pool *pool, struct viox_pool_stats *st);
	/* Stop the queues, drop the filters, give the pool back. */
	void (*release)(struct viox_pool *pool);
};

struct viox_pool {
	const struct viox_pool_ops *ops;
	const struct viox_pool_holder_ops *holder;
	struct net_device *uplink;
	struct net_device *vport;
	unsigned int id;		/* the hardware pool number */
};

/**
 * viox_igb_pool_reserve() - reserve a VMDq pool of a viox_igb uplink
 * @uplink: the PF netdev
 * @vport: the netdev the pool's frames are delivered to
 * @holder: the holder's callbacks; ->revoke is required
 * @extack: where a refusal is explained
 *
 * The pool starts with no MAC address and no VLAN; its queues run from the
 * moment it is returned. The first pool puts the device into VMDq mode,
 * which takes the PF down to one queue pair (the PF is briefly reset).
 *
 * Return: the pool, or ERR_PTR(-EOPNOTSUPP) when @uplink is not a viox_igb
 * PF or has too few interrupt vectors, ERR_PTR(-ENOSPC) when every pool is
 * in use by VFs, the PF or other ports, ERR_PTR(-ENODEV) when the PF is
 * going away, ERR_PTR(-ENETDOWN) when its last reset failed (until one
 * succeeds). Other errors are the pool's set-up failing.
 */
struct viox_pool *viox_igb_pool_reserve(struct net_device *uplink,
					struct net_device *vport,
					const struct viox_pool_holder_ops *holder,
					struct netlink_ext_ack *extack);

/**
 * viox_igb_vf_has_mac() - whether a VF of a viox_igb PF has an address
 * @uplink: the PF netdev
 * @mac: the address
 *
 * The NIC gives a VF's address to the VF alone: a port of the PF with it
 * would receive nothing, in a pool or through the PF's queues.
 *
 * Return: false also when @uplink is not a viox_igb PF.
 */
bool viox_igb_vf_has_mac(struct net_device *uplink, const u8 *mac);

static inline int viox_pool_set_mac(struct viox_pool *pool, const u8 *mac,
				    struct netlink_ext_ack *extack)
{
	return pool->ops->set_mac(pool, mac, extack);
}

static inline int viox_pool_vlan_add(struct viox_pool *pool, u16 vid,
				     struct netlink_ext_ack *extack)
{
	return pool->ops->vlan_add(pool, vid, extack);
}

static inline void viox_pool_vlan_del(struct viox_pool *pool, u16 vid)
{
	pool->ops->vlan_del(pool, vid);
}

static inline void viox_pool_sync_mc(struct viox_pool *pool)
{
	pool->ops->sync_mc(pool);
}

static inline void viox_pool_set_cpu(struct viox_pool *pool, int cpu)
{
	pool->ops->set_cpu(pool, cpu);
}

static inline netdev_tx_t viox_pool_xmit(struct viox_pool *pool,
					 struct sk_buff *skb)
{
	return pool->ops->xmit(pool, skb);
}

static inline void viox_pool_get_stats(struct viox_pool *pool,
				       struct viox_pool_stats *st)
{
	pool->ops->get_stats(pool, st);
}

static inline void viox_pool_release(struct viox_pool *pool)
{
	pool->ops->release(pool);
}

#endif /* _VIOX_POOL_H */
