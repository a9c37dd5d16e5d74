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
 * A pool belongs to a "vport" netdev owned by the caller. Frames received
 * in the pool are handed to the stack with skb->dev set to the vport (a
 * VLAN tag, if any, is in the skb's hwaccel tag when the vport has
 * NETIF_F_HW_VLAN_CTAG_RX). The vport's ndo_start_xmit hands its frames
 * to viox_pool_xmit(), which uses the vport's TX queue 0 for BQL and for
 * stopping and waking.
 *
 * A pool accepts broadcast, untagged frames to its MAC address, frames to
 * its MAC tagged with a VLAN on its VLAN list, and multicast frames whose
 * hash is in the device's multicast table (->sync_mc adds the vport's
 * multicast list to it).
 *
 * Every operation but ->sync_mc and ->xmit sleeps and needs the RTNL.
 *
 * Providers: viox_igb (82576). A consumer finds the provider of an uplink
 * with symbol_get(viox_igb_pool_reserve), so that it loads without it and
 * falls back to software where the uplink has no pools.
 */
#ifndef _VIOX_POOL_H
#define _VIOX_POOL_H

#include <linux/netdevice.h>
#include <linux/netlink.h>

struct viox_pool;

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
	netdev_tx_t (*xmit)(struct viox_pool *pool, struct sk_buff *skb);
	void (*get_stats)(struct viox_pool *pool, struct viox_pool_stats *st);
	/* Stop the queues, drop the filters, give the pool back. */
	void (*release)(struct viox_pool *pool);
};

struct viox_pool {
	const struct viox_pool_ops *ops;
	struct net_device *uplink;
	struct net_device *vport;
	unsigned int id;		/* the hardware pool number */
};

/**
 * viox_igb_pool_reserve() - reserve a VMDq pool of a viox_igb uplink
 * @uplink: the PF netdev
 * @vport: the netdev the pool's frames are delivered to
 * @extack: where a refusal is explained
 *
 * The pool starts with no MAC address and no VLAN; its queues run from the
 * moment it is returned. The first pool puts the device into VMDq mode,
 * which takes the PF down to one queue pair (the PF is briefly reset).
 *
 * Return: the pool, or ERR_PTR(-EOPNOTSUPP) when @uplink is not a viox_igb
 * PF or has too few interrupt vectors, ERR_PTR(-ENOSPC) when every pool is
 * in use by VFs, the PF or other ports.
 */
struct viox_pool *viox_igb_pool_reserve(struct net_device *uplink,
					struct net_device *vport,
					struct netlink_ext_ack *extack);

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
