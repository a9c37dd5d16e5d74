/* SPDX-License-Identifier: GPL-2.0 */
/*
 * viox VF standby: a host port that stands in for an SR-IOV VF while the
 * VF cannot receive.
 *
 * A VM with a VF (its primary) and a paravirtual NIC on the host (its
 * standby, net_failover in the guest) has one MAC on both. While the VF
 * is in use the NIC delivers that MAC's unicast to the VF; when it stops
 * being in use (the admin deactivates it, a function level reset, its
 * driver stopped or unbound, the VFs are removed) the provider steers the
 * MAC to the PF instead, where the holder's port receives it in software,
 * and back when the VF is in use again. "In use": the VF exists, its link
 * state is not disabled, it went through its reset handshake and its
 * receive queue is enabled.
 *
 * The provider calls ->switched(to_host = true) before the NIC steers the
 * MAC to the host, and ->switched(to_host = false) after it steers it
 * back: the holder's port takes the MAC's frames from the first moment
 * the host may see them to the last. Where the provider learns of the
 * change first (the admin's), the VF still receives until the switch is
 * done; where the VF stopped on its own (a reset, its driver), the gap
 * is the time the provider took to notice, reported in the event.
 *
 * While the MAC goes to the host it goes to the PF's own queues, or to a
 * pool the holder reserved (include/viox/pool.h) and named with
 * ->set_pool(): the NIC then delivers it straight into the port. Moving
 * the MAC between the PF and a pool is one register write: no frame is
 * lost or doubled by it.
 *
 * The VF keeps its MAC and port VLAN while the standby is attached, and
 * the holder follows them: ->readdressed() tells it of a change. While the
 * VFs are removed the MAC stays steered to the PF; VFs created again get
 * it as their admin MAC, so the VM's address survives numvfs changes.
 *
 * Callbacks run in process context under the provider's VF lock: they
 * may not sleep on RTNL or call back into the provider. The first
 * ->switched() comes from within attach (why VIOX_STANDBY_WHY_NONE): where
 * the traffic goes at the start. Attach and detach are called with RTNL
 * held.
 *
 * Providers: viox_igb (82576); consumers find it with
 * symbol_get(viox_igb_standby_attach).
 */
#ifndef _VIOX_STANDBY_H
#define _VIOX_STANDBY_H

#include <linux/netdevice.h>
#include <linux/netlink.h>
#include <uapi/linux/viox_link.h>

struct viox_pool;
struct viox_standby;

/* What the holder is told at each switch. */
struct viox_standby_event {
	bool to_host;		/* the MAC now goes to the holder's port */
	u8 why;			/* VIOX_STANDBY_WHY_* (uapi/linux/viox_link.h) */
	u64 gap_ns;		/* how long the MAC had no receiver, at most */
};

struct viox_standby_holder_ops {
	void (*switched)(struct viox_standby *sb,
			 const struct viox_standby_event *ev);
	/* The VF's MAC or port VLAN changed. */
	void (*readdressed)(struct viox_standby *sb, const u8 *mac, u16 vid);
};

struct viox_standby_ops {
	/* Stop steering for the holder; the VF keeps its address. RTNL. */
	void (*detach)(struct viox_standby *sb);
	/*
	 * RTNL: while the MAC goes to the host, into @pool (the holder's,
	 * of the same PF, set up with the VF's VLAN) rather than the PF's
	 * queues; NULL goes back to those. Before it releases @pool, the
	 * holder calls this with NULL. -EINVAL: not a pool of this PF.
	 */
	int (*set_pool)(struct viox_standby *sb, struct viox_pool *pool);
};

struct viox_standby {
	const struct viox_standby_ops *ops;
	const struct viox_standby_holder_ops *holder;
	struct net_device *uplink;
	struct net_device *port;	/* the holder's */
	unsigned int vf;
};

/* What a standby starts with. */
struct viox_standby_state {
	u8 mac[ETH_ALEN];
	u16 vid;
	bool to_host;
};

/**
 * viox_igb_standby_attach() - stand in for a VF of a viox_igb PF
 * @uplink: the PF netdev
 * @vf: the VF's number
 * @port: the holder's port, for messages
 * @holder: the holder's callbacks, both required
 * @state: filled with the VF's address and where its traffic goes now
 * @extack: where a refusal is explained
 *
 * RTNL held. Return: the standby, or ERR_PTR(-EOPNOTSUPP) when @uplink is
 * not a viox_igb PF, -ENOENT when it has no VF @vf, -EADDRNOTAVAIL when
 * the VF has no MAC yet, -EBUSY when the VF has a standby already.
 */
struct viox_standby *
viox_igb_standby_attach(struct net_device *uplink, unsigned int vf,
			struct net_device *port,
			const struct viox_standby_holder_ops *holder,
			struct viox_standby_state *state,
			struct netlink_ext_ack *extack);

static inline void viox_standby_detach(struct viox_standby *sb)
{
	sb->ops->detach(sb);
}

static inline int viox_standby_set_pool(struct viox_standby *sb,
					struct viox_pool *pool)
{
	return sb->ops->set_pool(sb, pool);
}

#endif /* _VIOX_STANDBY_H */
