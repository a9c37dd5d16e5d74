// SPDX-License-Identifier: GPL-2.0
/*
 * rtnetlink kind "viox": `ip link add link UPLINK name NAME type viox
 * [mac MAC] [vlan VID] [spoofchk on|off] [mode netdev|tap] [offload on|off]
 * [rates] [standby vf N]`, changes, deletion and what `ip -d link show` prints.
 */
#include <linux/if_arp.h>
#include <linux/if_vlan.h>
#include <net/rtnetlink.h>
#include <uapi/linux/viox.h>
#include <viox/compat.h>

#include "vmdq.h"

static const struct nla_policy vmdq_link_policy[IFLA_VIOX_MAX + 1] = {
	[IFLA_VIOX_MAC]		= NLA_POLICY_ETH_ADDR,
	[IFLA_VIOX_VLAN]	= NLA_POLICY_MAX(NLA_U16, VLAN_N_VID - 2),
	[IFLA_VIOX_SPOOFCHK]	= NLA_POLICY_MAX(NLA_U8, 1),
	[IFLA_VIOX_STATS]	= { .type = NLA_REJECT },
	[IFLA_VIOX_MODE]	= NLA_POLICY_MAX(NLA_U8, VIOX_VPORT_MODE_TAP),
	[IFLA_VIOX_TAP]		= { .type = NLA_REJECT },
	[IFLA_VIOX_TX_RATE]	= { .type = NLA_U64 },
	[IFLA_VIOX_TX_PPS]	= { .type = NLA_U64 },
	[IFLA_VIOX_RX_RATE]	= { .type = NLA_U64 },
	[IFLA_VIOX_RX_PPS]	= { .type = NLA_U64 },
	[IFLA_VIOX_PAD]		= { .type = NLA_REJECT },
	[IFLA_VIOX_OFFLOAD]	= NLA_POLICY_MAX(NLA_U8, 1),
	[IFLA_VIOX_POOL]	= { .type = NLA_REJECT },
	[IFLA_VIOX_RX_CPU]	= NLA_POLICY_MIN(NLA_S32, -1),
	[IFLA_VIOX_STANDBY_VF]	= { .type = NLA_U32 },
	[IFLA_VIOX_STANDBY]	= { .type = NLA_REJECT },
};

/* Rates given (an attribute left out keeps its rate). */
static void vmdq_link_set_limit(struct vmdq_limit *l, struct nlattr *rate,
				struct nlattr *pps)
{
	u64 bits_ps, pkts_ps;

	if (!rate && !pps)
		return;
	vmdq_limit_get(l, &bits_ps, &pkts_ps);
	if (rate)
		bits_ps = nla_get_u64(rate);
	if (pps)
		pkts_ps = nla_get_u64(pps);
	vmdq_limit_set(l, bits_ps, pkts_ps, ktime_get_ns());
}

static void vmdq_link_set_limits(struct vmdq_vport *vp, struct nlattr *data[])
{
	vmdq_link_set_limit(&vp->tx_limit, data[IFLA_VIOX_TX_RATE],
			    data[IFLA_VIOX_TX_PPS]);
	vmdq_link_set_limit(&vp->rx_limit, data[IFLA_VIOX_RX_RATE],
			    data[IFLA_VIOX_RX_PPS]);
}

/*
 * Offload on: into a pool now if one is free (else a warning says why
 * not, and it waits for one); off: out of its pool, which another vport
 * may take.
 */
static void vmdq_link_set_offload(struct vmdq_vport *vp, bool on,
				  struct netlink_ext_ack *extack)
{
	/* Said again, it is a retry after a failed set-up. */
	vp->offload_failed = false;
	WRITE_ONCE(vp->offload, on);
	if (!on)
		vmdq_offload_detach(vp);
	else if (!vmdq_offload_attach(vp, extack) && vmdq_offloaded(vp))
		netdev_state_change(vp->dev);
}

/* A receive CPU: -1 for none, else one the kernel may ever run. */
static int vmdq_link_set_rx_cpu(struct vmdq_vport *vp, struct nlattr *attr,
				struct netlink_ext_ack *extack)
{
	int cpu = nla_get_s32(attr), err;

	if (cpu >= 0 && (cpu >= nr_cpu_ids || !cpu_possible(cpu))) {
		NL_SET_ERR_MSG_ATTR_FMT(extack, attr, "no CPU %d on this host", cpu);
		return -EINVAL;
	}
	err = vmdq_rxq_set(vp, cpu);
	if (err)
		return err;
	vmdq_offload_set_cpu(vp, cpu);
	return 0;
}

static int vmdq_link_validate(struct nlattr *tb[], struct nlattr *data[],
			      struct netlink_ext_ack *extack)
{
	const u8 *mac = NULL;

	if (tb[IFLA_ADDRESS]) {
		if (nla_len(tb[IFLA_ADDRESS]) != ETH_ALEN) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
					    "an Ethernet address has 6 bytes");
			return -EINVAL;
		}
		mac = nla_data(tb[IFLA_ADDRESS]);
	}
	if (data && data[IFLA_VIOX_MAC]) {
		if (mac && !ether_addr_equal(mac, nla_data(data[IFLA_VIOX_MAC]))) {
			NL_SET_ERR_MSG_ATTR(extack, data[IFLA_VIOX_MAC],
					    "mac and address differ");
			return -EINVAL;
		}
		mac = nla_data(data[IFLA_VIOX_MAC]);
	}
	if (mac && !is_valid_ether_addr(mac)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "a vport's MAC must be unicast and not zero");
		return -EADDRNOTAVAIL;
	}
	if (data && data[IFLA_VIOX_STANDBY_VF]) {
		if (mac || data[IFLA_VIOX_VLAN]) {
			NL_SET_ERR_MSG_ATTR(extack, data[IFLA_VIOX_STANDBY_VF],
					    "a standby vport takes its VF's MAC and VLAN: set them on the VF");
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * The uplink lets VLAN @vid in for the vport. A NIC's VLAN filters run
 * out (viox_igb in VMDq mode has 32, shared with its VFs): say so.
 */
static int vmdq_link_vid_add(struct net_device *lower, u16 vid,
			     const struct nlattr *attr,
			     struct netlink_ext_ack *extack)
{
	int err = vlan_vid_add(lower, htons(ETH_P_8021Q), vid);

	if (err)
		NL_SET_ERR_MSG_ATTR_FMT(extack, attr,
					"%s takes no VLAN %u (%d): its VLAN filters may all be in use",
					lower->name, vid, err);
	return err;
}

/**
 * vmdq_link_rekey() - give a vport a new MAC and VLAN in the uplink's table
 * @vp: the vport, under RTNL
 * @mac: its new MAC
 * @vid: its new VLAN (0: untagged)
 * @attr: what asked for the VLAN, for the extack, or NULL
 * @extack: where to say why not, or NULL
 *
 * The uplink lets the new VLAN in before the table moves the vport and
 * keeps the old one until after: no frame of either falls between them.
 * The caller moves a pool, the device's address and what else follows.
 *
 * Return: 0, or an errno with the vport's key, and the uplink's VLANs, as
 * they were.
 */
int vmdq_link_rekey(struct vmdq_vport *vp, const u8 *mac, u16 vid,
		    const struct nlattr *attr, struct netlink_ext_ack *extack)
{
	struct net_device *lower = vp->lower;
	u16 old_vid = vp->key.vid;
	bool new_vlan = vid != old_vid;
	int err;

	if (new_vlan && vid) {
		err = vmdq_link_vid_add(lower, vid, attr, extack);
		if (err)
			return err;
	}
	err = vmdq_table_rekey(&vp->uplink->table, vp, mac, vid, extack);
	if (err) {
		if (new_vlan && vid)
			vlan_vid_del(lower, htons(ETH_P_8021Q), vid);
		return err;
	}
	if (new_vlan && old_vid)
		vlan_vid_del(lower, htons(ETH_P_8021Q), old_vid);
	return 0;
}

static struct net_device *vmdq_link_lower(struct net *net, struct nlattr *tb[],
					  struct netlink_ext_ack *extack)
{
	struct net_device *lower;

	if (!tb[IFLA_LINK]) {
		NL_SET_ERR_MSG_MOD(extack,
				   "a vport needs an uplink: ip link add link UPLINK ...");
		return ERR_PTR(-EINVAL);
	}
	lower = __dev_get_by_index(net, nla_get_u32(tb[IFLA_LINK]));
	if (!lower) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_LINK], "no such uplink");
		return ERR_PTR(-ENODEV);
	}
	if (vmdq_stacked_on_vport(lower)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_LINK],
				    "a vport cannot be an uplink, nor a device stacked on one");
		return ERR_PTR(-EINVAL);
	}
	if (lower->type != ARPHRD_ETHER || lower->addr_len != ETH_ALEN ||
	    (lower->flags & IFF_LOOPBACK)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_LINK],
				    "the uplink is not an Ethernet device");
		return ERR_PTR(-EINVAL);
	}
	return lower;
}

static int vmdq_link_newlink(struct net *src_net, struct net_device *dev,
			     struct nlattr *tb[], struct nlattr *data[],
			     struct netlink_ext_ack *extack)
{
	struct vmdq_vport *vp = netdev_priv(dev);
	struct vmdq_uplink *up;
	struct net_device *lower;
	int err;

	lower = vmdq_link_lower(src_net, tb, extack);
	if (IS_ERR(lower))
		return PTR_ERR(lower);

	vp->dev = dev;
	vp->lower = lower;
	vp->spoofchk = true;
	vp->offload = true;
	if (data && data[IFLA_VIOX_OFFLOAD])
		vp->offload = nla_get_u8(data[IFLA_VIOX_OFFLOAD]);
	if (data && data[IFLA_VIOX_SPOOFCHK])
		vp->spoofchk = nla_get_u8(data[IFLA_VIOX_SPOOFCHK]);
	if (data && data[IFLA_VIOX_VLAN])
		vp->key.vid = nla_get_u16(data[IFLA_VIOX_VLAN]);
	if (data && data[IFLA_VIOX_MODE])
		vp->mode = nla_get_u8(data[IFLA_VIOX_MODE]);
	if (data)
		vmdq_link_set_limits(vp, data);
	if (vp->mode == VIOX_VPORT_MODE_TAP) {
		/* The VM's port: no host addresses of its own, and it stays. */
		dev->priv_flags |= IFF_NO_ADDRCONF;
		viox_set_netns_immutable(dev);
	}
	if (data && data[IFLA_VIOX_MAC])
		eth_hw_addr_set(dev, nla_data(data[IFLA_VIOX_MAC]));
	else if (!tb[IFLA_ADDRESS])
		eth_hw_addr_random(dev);
	ether_addr_copy(vp->key.mac, dev->dev_addr);
	/* A standby's MAC and VLAN are its VF's. */
	if (data && data[IFLA_VIOX_STANDBY_VF]) {
		err = vmdq_standby_attach(vp, nla_get_u32(data[IFLA_VIOX_STANDBY_VF]),
					  extack);
		if (err)
			return err;
	}
	err = -EADDRINUSE;
	if (ether_addr_equal(vp->key.mac, lower->dev_addr)) {
		NL_SET_ERR_MSG_MOD(extack, "the MAC is the uplink's own");
		goto detach_standby;
	}
	if (!vp->standby && vmdq_offload_vf_has_mac(lower, vp->key.mac)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the MAC is a VF's of the uplink: the NIC gives it to the VF alone");
		goto detach_standby;
	}

	if (!tb[IFLA_MTU]) {
		dev->mtu = lower->mtu;
	} else if (dev->mtu > lower->mtu) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_MTU],
				    "the MTU is above the uplink's");
		err = -EINVAL;
		goto detach_standby;
	}
	netif_inherit_tso_max(dev, lower);

	up = vmdq_uplink_get(lower, extack);
	if (IS_ERR(up)) {
		err = PTR_ERR(up);
		goto detach_standby;
	}
	/* Refused before anything is registered; RTNL keeps it so. */
	err = vmdq_table_check(&up->table, vp->key.mac, vp->key.vid, extack);
	if (err)
		goto put_uplink;
	if (vp->key.vid) {
		err = vmdq_link_vid_add(lower, vp->key.vid,
					data ? data[IFLA_VIOX_VLAN] : NULL, extack);
		if (err)
			goto put_uplink;
	}

	if (vp->mode == VIOX_VPORT_MODE_TAP) {
		err = vmdq_tap_attach(vp);
		if (err)
			goto del_vid;
	}
	err = register_netdevice(dev);
	if (err)
		goto detach;
	if (data && data[IFLA_VIOX_RX_CPU]) {
		err = vmdq_link_set_rx_cpu(vp, data[IFLA_VIOX_RX_CPU], extack);
		if (err)
			goto unregister;
	}
	/*
	 * No upper-device link to the uplink: the kernel walks the uplink's
	 * whole adjacency list on each link and unlink, which made the
	 * 4096th vport cost twice the first. IFLA_LINK names the uplink;
	 * uplink.c keeps stacks free of loops.
	 */
	err = vmdq_table_insert(&up->table, vp, extack);
	if (err)
		goto unregister;
	/* From here the vport's uninit takes it off its uplink. */
	vp->uplink = up;
	up->nr_vports++;
	list_add_tail(&vp->uplink_node, &up->vports);
	vmdq_offload_added(vp);
	vmdq_standby_ready(vp);
	vmdq_vport_operstate(vp);
	linkwatch_fire_event(dev);
	vmdq_nl_notify(vp, VIOX_CMD_VPORT_ADD_NTF);
	return 0;

unregister:
	/* Its uninit detaches the tap. */
	unregister_netdevice(dev);
	goto del_vid;
detach:
	vmdq_tap_detach(vp);
del_vid:
	if (vp->key.vid)
		vlan_vid_del(lower, htons(ETH_P_8021Q), vp->key.vid);
put_uplink:
	vmdq_uplink_put(up);
detach_standby:
	/* Registered, its uninit did. */
	vmdq_standby_detach(vp);
	return err;
}

static void vmdq_link_dellink(struct net_device *dev, struct list_head *head)
{
	struct vmdq_vport *vp = netdev_priv(dev);

	vmdq_nl_notify(vp, VIOX_CMD_VPORT_DEL_NTF);
	/*
	 * No new frame finds it; the ones in flight are flushed or waited
	 * for before its uninit detaches the tap.
	 */
	vmdq_table_remove(&vp->uplink->table, vp);
	list_del(&vp->uplink_node);
	unregister_netdevice_queue(dev, head);
	/* A vport that shared its MAC may have it alone now. */
	if (vmdq_table_mac_users(&vp->uplink->table, vp->key.mac) == 1)
		vmdq_offload_kick();
}

static int vmdq_link_changelink(struct net_device *dev, struct nlattr *tb[],
				struct nlattr *data[],
				struct netlink_ext_ack *extack)
{
	struct vmdq_vport *vp = netdev_priv(dev);
	u16 old_vid = vp->key.vid, vid;
	int err;

	if (!data)
		return 0;
	if (data[IFLA_VIOX_MODE] &&
	    nla_get_u8(data[IFLA_VIOX_MODE]) != vp->mode) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_VIOX_MODE],
				    "a vport's mode is set when it is made");
		return -EOPNOTSUPP;
	}
	if (!vmdq_vport_admin(vp)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "only the uplink's admin changes a vport");
		return -EPERM;
	}
	if (data[IFLA_VIOX_STANDBY_VF] &&
	    (!vp->standby || nla_get_u32(data[IFLA_VIOX_STANDBY_VF]) != vp->sb_vf)) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_VIOX_STANDBY_VF],
				    "a vport's VF is set when it is made");
		return -EOPNOTSUPP;
	}
	if (vp->standby && (data[IFLA_VIOX_MAC] || data[IFLA_VIOX_VLAN])) {
		NL_SET_ERR_MSG_MOD(extack,
				   "a standby vport has its VF's MAC and VLAN: set them on the VF");
		return -EBUSY;
	}
	if (data[IFLA_VIOX_MAC]) {
		struct sockaddr sa = { .sa_family = dev->type };

		memcpy(sa.sa_data, nla_data(data[IFLA_VIOX_MAC]), ETH_ALEN);
		/* Refused by set_mac too; said here, where there is an extack. */
		if (vmdq_offload_vf_has_mac(vp->lower, sa.sa_data)) {
			NL_SET_ERR_MSG_ATTR(extack, data[IFLA_VIOX_MAC],
					    "the MAC is a VF's of the uplink: the NIC gives it to the VF alone");
			return -EADDRINUSE;
		}
		err = dev_set_mac_address(dev, &sa, extack);
		if (err) {
			if (err == -EEXIST)
				NL_SET_ERR_MSG_ATTR(extack, data[IFLA_VIOX_MAC],
						    "the MAC is another vport's on this uplink");
			return err;
		}
	}
	if (data[IFLA_VIOX_VLAN]) {
		vid = nla_get_u16(data[IFLA_VIOX_VLAN]);
		if (vid != old_vid) {
			err = vmdq_link_rekey(vp, vp->key.mac, vid,
					      data[IFLA_VIOX_VLAN], extack);
			if (err)
				return err;
			vmdq_offload_set_vid(vp, old_vid, vid);
			vmdq_offload_rekeyed(vp, false);
		}
	}
	if (data[IFLA_VIOX_SPOOFCHK])
		WRITE_ONCE(vp->spoofchk, nla_get_u8(data[IFLA_VIOX_SPOOFCHK]));
	vmdq_link_set_limits(vp, data);
	if (data[IFLA_VIOX_RX_CPU]) {
		err = vmdq_link_set_rx_cpu(vp, data[IFLA_VIOX_RX_CPU], extack);
		if (err)
			return err;
	}
	if (data[IFLA_VIOX_OFFLOAD])
		vmdq_link_set_offload(vp, nla_get_u8(data[IFLA_VIOX_OFFLOAD]),
				      extack);
	return 0;
}

static size_t vmdq_link_get_size(const struct net_device *dev)
{
	return nla_total_size(ETH_ALEN) +		/* IFLA_VIOX_MAC */
	       nla_total_size(sizeof(u16)) +		/* IFLA_VIOX_VLAN */
	       nla_total_size(sizeof(u8)) +		/* IFLA_VIOX_SPOOFCHK */
	       nla_total_size(sizeof(u8)) +		/* IFLA_VIOX_MODE */
	       nla_total_size(sizeof(u8)) +		/* IFLA_VIOX_OFFLOAD */
	       nla_total_size(sizeof(u32)) +		/* IFLA_VIOX_POOL */
	       nla_total_size(sizeof(s32)) +		/* IFLA_VIOX_RX_CPU */
	       nla_total_size(IFNAMSIZ) +		/* IFLA_VIOX_TAP */
	       4 * nla_total_size_64bit(sizeof(u64)) +	/* the rates */
	       vmdq_standby_size() +
	       nla_total_size(0) +			/* IFLA_VIOX_STATS */
	       VMDQ_STAT_NUM * nla_total_size_64bit(sizeof(u64));
}

static int vmdq_link_fill_stats(struct sk_buff *skb, const struct vmdq_vport *vp)
{
	u64 count[VMDQ_STAT_NUM];
	struct nlattr *nest;
	int i;

	BUILD_BUG_ON(VMDQ_STAT_ATTR(VMDQ_STAT_NUM - 1) != IFLA_VIOX_STAT_MAX);
	vmdq_vport_stats(vp, count);
	nest = nla_nest_start(skb, IFLA_VIOX_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < VMDQ_STAT_NUM; i++) {
		if (nla_put_u64_64bit(skb, VMDQ_STAT_ATTR(i), count[i],
				      IFLA_VIOX_STAT_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int vmdq_link_fill_info(struct sk_buff *skb, const struct net_device *dev)
{
	struct vmdq_vport *vp = netdev_priv(dev);
	u64 tx_bits, tx_pkts, rx_bits, rx_pkts;
	char tap[IFNAMSIZ];
	u32 pool;

	if (nla_put(skb, IFLA_VIOX_MAC, ETH_ALEN, dev->dev_addr) ||
	    nla_put_u16(skb, IFLA_VIOX_VLAN, READ_ONCE(vp->key.vid)) ||
	    nla_put_u8(skb, IFLA_VIOX_SPOOFCHK, READ_ONCE(vp->spoofchk)) ||
	    nla_put_u8(skb, IFLA_VIOX_MODE, vp->mode) ||
	    nla_put_u8(skb, IFLA_VIOX_OFFLOAD, READ_ONCE(vp->offload)))
		return -EMSGSIZE;
	pool = vmdq_offload_pool_id(vp);
	if (pool != U32_MAX && nla_put_u32(skb, IFLA_VIOX_POOL, pool))
		return -EMSGSIZE;
	if (nla_put_s32(skb, IFLA_VIOX_RX_CPU, vmdq_rxq_cpu(vp)))
		return -EMSGSIZE;
	if (!vmdq_tap_name(vp, tap, sizeof(tap)) &&
	    nla_put_string(skb, IFLA_VIOX_TAP, tap))
		return -EMSGSIZE;
	vmdq_limit_get(&vp->tx_limit, &tx_bits, &tx_pkts);
	vmdq_limit_get(&vp->rx_limit, &rx_bits, &rx_pkts);
	if (nla_put_u64_64bit(skb, IFLA_VIOX_TX_RATE, tx_bits, IFLA_VIOX_PAD) ||
	    nla_put_u64_64bit(skb, IFLA_VIOX_TX_PPS, tx_pkts, IFLA_VIOX_PAD) ||
	    nla_put_u64_64bit(skb, IFLA_VIOX_RX_RATE, rx_bits, IFLA_VIOX_PAD) ||
	    nla_put_u64_64bit(skb, IFLA_VIOX_RX_PPS, rx_pkts, IFLA_VIOX_PAD))
		return -EMSGSIZE;
	if (vmdq_standby_fill(skb, vp))
		return -EMSGSIZE;
	return vmdq_link_fill_stats(skb, vp);
}

static struct net *vmdq_link_get_link_net(const struct net_device *dev)
{
	const struct vmdq_vport *vp = netdev_priv(dev);

	return dev_net(vp->lower);
}

struct rtnl_link_ops vmdq_link_ops = {
	.kind		= VIOX_LINK_KIND,
	.priv_size	= sizeof(struct vmdq_vport),
	.setup		= vmdq_vport_setup,
	.maxtype	= IFLA_VIOX_MAX,
	.policy		= vmdq_link_policy,
	.validate	= vmdq_link_validate,
	.newlink	= vmdq_link_newlink,
	.changelink	= vmdq_link_changelink,
	.dellink	= vmdq_link_dellink,
	.get_size	= vmdq_link_get_size,
	.fill_info	= vmdq_link_fill_info,
	.get_link_net	= vmdq_link_get_link_net,
};

/* The uplink goes away: so do its vports. RTNL held. */
void vmdq_uplink_gone(struct net_device *lower)
{
	struct vmdq_uplink *up = vmdq_uplink_of(lower);
	struct vmdq_vport *vp, *tmp;
	LIST_HEAD(kill);

	if (!up)
		return;
	list_for_each_entry_safe(vp, tmp, &up->vports, uplink_node)
		vmdq_link_dellink(vp->dev, &kill);
	unregister_netdevice_many(&kill);
}

int vmdq_link_register(void)
{
	return rtnl_link_register(&vmdq_link_ops);
}

void vmdq_link_unregister(void)
{
	rtnl_link_unregister(&vmdq_link_ops);
}
