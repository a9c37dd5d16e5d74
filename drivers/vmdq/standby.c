// SPDX-License-Identifier: GPL-2.0
/*
 * A standby vport (include/viox/standby.h): the host half of a VM's
 * failover pair, standing in for a VF of its viox_igb uplink. It has the
 * VF's MAC and port VLAN as its key, and its entry stays in the
 * classifier, but while the VF receives it is parked: lookups,
 * replication and loopback pass it over (frames for the MAC go to the
 * wire, where the NIC gives them to the VF), and its operstate is
 * dormant. The provider unparks it before it steers the MAC to the PF
 * and parks it after it steers it back, so each frame has one receiver.
 *
 * It never adds its MAC to the uplink (the provider's steering brings
 * it). With offload on, once it has had the traffic for a second it takes
 * a NIC pool where one is free, and the provider steers the MAC into it;
 * it gives the pool back when it is parked again (the wait keeps a VF
 * that comes and goes from making it reserve a pool each time). Its MAC
 * and VLAN are the VF's: the admin changes them on the VF, and the vport
 * follows.
 */
#include <linux/if_vlan.h>
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <uapi/linux/viox.h>

#include "vmdq.h"

/* How long a standby has the traffic before it takes a pool. */
#define VMDQ_STANDBY_POOL_DELAY	HZ

static const char *const vmdq_standby_why[] = {
	[VIOX_STANDBY_WHY_NONE]		= "none",
	[VIOX_STANDBY_WHY_VF_BACK]	= "the VF receives again",
	[VIOX_STANDBY_WHY_ADMIN]	= "the VF was deactivated",
	[VIOX_STANDBY_WHY_RESET]	= "the VF was reset",
	[VIOX_STANDBY_WHY_STOPPED]	= "the VF's driver stopped",
	[VIOX_STANDBY_WHY_VFS_REMOVED]	= "the VFs were removed",
};

static struct vmdq_vport *vmdq_standby_vport(struct viox_standby *sb)
{
	return netdev_priv(sb->port);
}

/* Told by the provider, under its VF lock: no RTNL here. */
static void vmdq_standby_switched(struct viox_standby *sb,
				  const struct viox_standby_event *ev)
{
	struct vmdq_vport *vp = vmdq_standby_vport(sb);
	struct net_device *dev = vp->dev;
	bool ready;

	if (ev->to_host)
		WRITE_ONCE(vp->sb_active_since, jiffies);
	/* With the count: a dump showing the new state shows its switch. */
	spin_lock_bh(&vp->sb_lock);
	WRITE_ONCE(vp->parked, !ev->to_host);
	if (ev->why != VIOX_STANDBY_WHY_NONE) {
		vp->sb_switches++;
		vp->sb_why = ev->why;
		vp->sb_gap_ns = ev->gap_ns;
		vp->sb_news = true;
	}
	ready = vp->sb_ready;
	spin_unlock_bh(&vp->sb_lock);
	/* Not registered yet: vmdq_standby_ready() takes the news. */
	if (ready) {
		if (ev->to_host)
			netif_dormant_off(dev);
		else
			netif_dormant_on(dev);
		vmdq_vport_queue_work(vp, vmdq_wq, &vp->sb_work);
	}
}

static void vmdq_standby_readdressed(struct viox_standby *sb, const u8 *mac,
				     u16 vid)
{
	struct vmdq_vport *vp = vmdq_standby_vport(sb);
	bool ready;

	spin_lock_bh(&vp->sb_lock);
	ether_addr_copy(vp->sb_mac, mac);
	vp->sb_vid = vid;
	vp->sb_readdress = true;
	ready = vp->sb_ready;
	spin_unlock_bh(&vp->sb_lock);
	if (ready)
		vmdq_vport_queue_work(vp, vmdq_wq, &vp->sb_work);
}

static const struct viox_standby_holder_ops vmdq_standby_holder = {
	.switched	= vmdq_standby_switched,
	.readdressed	= vmdq_standby_readdressed,
};

/* The VF's new MAC and VLAN become the vport's key. RTNL. */
static void vmdq_standby_rekey(struct vmdq_vport *vp, const u8 *mac, u16 vid)
{
	struct net_device *dev = vp->dev;
	int err;

	if (ether_addr_equal(mac, vp->key.mac) && vid == vp->key.vid)
		return;
	/* A pool filters the old VLAN: out of it, and worth another try. */
	if (vid != vp->key.vid)
		vmdq_offload_detach(vp);
	vp->offload_failed = false;
	err = vmdq_link_rekey(vp, mac, vid, NULL, NULL);
	if (err)
		goto fail;
	if (!ether_addr_equal(mac, dev->dev_addr)) {
		eth_hw_addr_set(dev, mac);
		call_netdevice_notifiers(NETDEV_CHANGEADDR, dev);
	}
	netdev_info(dev, "follows VF %u: %pM, VLAN %u\n", vp->sb_vf, mac, vid);
	vmdq_offload_kick();
	return;
fail:
	netdev_warn(dev, "cannot follow VF %u to %pM VLAN %u (%d): another vport has it or the uplink takes no more VLANs; keeps %pM VLAN %u until the VF's changes again\n",
		    vp->sb_vf, mac, vid, err, vp->key.mac, vp->key.vid);
}

static void vmdq_standby_work(struct work_struct *work)
{
	struct vmdq_vport *vp = container_of(work, struct vmdq_vport, sb_work);
	struct net_device *dev = vp->dev;
	bool news, readdress;
	u64 gap_ns;
	u16 vid;
	u8 mac[ETH_ALEN], why;

	rtnl_lock();
	spin_lock_bh(&vp->sb_lock);
	news = vp->sb_news;
	readdress = vp->sb_readdress;
	vp->sb_news = false;
	vp->sb_readdress = false;
	ether_addr_copy(mac, vp->sb_mac);
	vid = vp->sb_vid;
	why = vp->sb_why;
	gap_ns = vp->sb_gap_ns;
	spin_unlock_bh(&vp->sb_lock);
	/* Deleted meanwhile: its uninit detached it from the VF. */
	if (!vp->standby || dev->reg_state != NETREG_REGISTERED)
		goto out;
	if (readdress)
		vmdq_standby_rekey(vp, mac, vid);
	if (news) {
		/* Whatever the uplink's news did to it meanwhile. */
		vmdq_vport_operstate(vp);
		if (!vmdq_vport_live(vp)) {
			vmdq_offload_detach(vp);
		} else if (vp->offload && !vmdq_offloaded(vp)) {
			dev_hold(dev);
			if (!queue_delayed_work(vmdq_wq, &vp->sb_pool_work,
						VMDQ_STANDBY_POOL_DELAY))
				dev_put(dev);
		}
		net_info_ratelimited("%s: %s VF %u's traffic (%s, gap at most %llu us)\n",
				     dev->name,
				     READ_ONCE(vp->parked) ? "gave back" : "took",
				     vp->sb_vf, vmdq_standby_why[why],
				     div_u64(gap_ns, NSEC_PER_USEC));
		vmdq_nl_notify(vp, VIOX_CMD_VPORT_CHANGE_NTF);
	}
out:
	rtnl_unlock();
	dev_put(dev);
}

/*
 * Whether a standby may take a pool now: it has had the traffic for a
 * while (a VF that comes and goes must not make it reserve and release
 * one each time, under RTNL), and the VFs exist (with none and no other
 * pool, the first reservation would lay the PF out anew).
 */
bool vmdq_standby_may_pool(const struct vmdq_vport *vp)
{
	return vmdq_vport_live(vp) &&
	       READ_ONCE(vp->sb_why) != VIOX_STANDBY_WHY_VFS_REMOVED &&
	       time_after_eq(jiffies, READ_ONCE(vp->sb_active_since) +
				      VMDQ_STANDBY_POOL_DELAY);
}

/* Active for a while: into a pool, if one is free. */
static void vmdq_standby_pool_work(struct work_struct *work)
{
	struct vmdq_vport *vp = container_of(to_delayed_work(work),
					     struct vmdq_vport, sb_pool_work);
	struct net_device *dev = vp->dev;
	unsigned long due;

	rtnl_lock();
	if (!vp->standby || dev->reg_state != NETREG_REGISTERED ||
	    !vmdq_vport_live(vp))
		goto out;
	/* Parked and active again meanwhile: the wait starts over. */
	due = READ_ONCE(vp->sb_active_since) + VMDQ_STANDBY_POOL_DELAY;
	if (time_before(jiffies, due)) {
		rtnl_unlock();
		queue_delayed_work(vmdq_wq, &vp->sb_pool_work,
				   due - jiffies);
		return;		/* the work keeps its hold */
	}
	if (!vmdq_offload_attach(vp, NULL) && vmdq_offloaded(vp))
		netdev_state_change(dev);
out:
	rtnl_unlock();
	dev_put(dev);
}

/**
 * vmdq_standby_attach - make a new vport the standby of a VF of its uplink
 * @vp: the vport, not yet registered; its key is set from the VF
 * @vf: the VF
 * @extack: why not
 *
 * RTNL held. Return: 0, or the provider's refusal.
 */
int vmdq_standby_attach(struct vmdq_vport *vp, u32 vf,
			struct netlink_ext_ack *extack)
{
	typeof(viox_igb_standby_attach) *attach;
	struct viox_standby_state state;
	struct viox_standby *sb;

	ASSERT_RTNL();
	attach = symbol_get(viox_igb_standby_attach);
	if (!attach) {
		NL_SET_ERR_MSG_MOD(extack, "no VF provider (viox_igb) is loaded");
		return -EOPNOTSUPP;
	}
	spin_lock_init(&vp->sb_lock);
	INIT_WORK(&vp->sb_work, vmdq_standby_work);
	INIT_DELAYED_WORK(&vp->sb_pool_work, vmdq_standby_pool_work);
	sb = attach(vp->lower, vf, vp->dev, &vmdq_standby_holder, &state,
		    extack);
	if (IS_ERR(sb)) {
		symbol_put(viox_igb_standby_attach);
		return PTR_ERR(sb);
	}
	/* ->switched() set parked, under the provider's lock. */
	vp->standby = sb;
	vp->sb_vf = vf;
	eth_hw_addr_set(vp->dev, state.mac);
	ether_addr_copy(vp->key.mac, state.mac);
	vp->key.vid = state.vid;
	return 0;
}

/* Registered and in the table: its state shows, and news come. RTNL. */
void vmdq_standby_ready(struct vmdq_vport *vp)
{
	bool news;

	if (!vp->standby)
		return;
	spin_lock_bh(&vp->sb_lock);
	vp->sb_ready = true;
	news = vp->sb_news || vp->sb_readdress;
	spin_unlock_bh(&vp->sb_lock);
	/* What came while it was being made. */
	if (news)
		vmdq_vport_queue_work(vp, vmdq_wq, &vp->sb_work);
	netdev_info(vp->dev, "standby of VF %u of %s, %s\n", vp->sb_vf,
		    vp->lower->name, READ_ONCE(vp->parked) ?
		    "parked: the VF receives" : "receiving: the VF does not");
}

/* RTNL held: no callback comes after this. */
void vmdq_standby_detach(struct vmdq_vport *vp)
{
	struct viox_standby *sb = vp->standby;

	ASSERT_RTNL();
	if (!sb)
		return;
	spin_lock_bh(&vp->sb_lock);
	vp->sb_ready = false;
	spin_unlock_bh(&vp->sb_lock);
	viox_standby_detach(sb);
	/* Its wait for a pool, if one runs, holds the vport. */
	if (cancel_delayed_work(&vp->sb_pool_work))
		dev_put(vp->dev);
	vp->standby = NULL;
	symbol_put(viox_igb_standby_attach);
}

void vmdq_standby_info(struct vmdq_vport *vp, struct vmdq_standby_info *info)
{
	spin_lock_bh(&vp->sb_lock);
	info->active = !READ_ONCE(vp->parked);
	info->switches = vp->sb_switches;
	info->why = vp->sb_why;
	info->gap_ns = vp->sb_gap_ns;
	spin_unlock_bh(&vp->sb_lock);
}

int vmdq_standby_fill(struct sk_buff *skb, struct vmdq_vport *vp)
{
	struct vmdq_standby_info sb;
	struct nlattr *nest;

	if (!vp->standby)
		return 0;
	vmdq_standby_info(vp, &sb);
	if (nla_put_u32(skb, IFLA_VIOX_STANDBY_VF, vp->sb_vf))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, IFLA_VIOX_STANDBY);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, IFLA_VIOX_STANDBY_ACTIVE, sb.active) ||
	    nla_put_u64_64bit(skb, IFLA_VIOX_STANDBY_SWITCHES, sb.switches,
			      IFLA_VIOX_STANDBY_PAD) ||
	    nla_put_u8(skb, IFLA_VIOX_STANDBY_WHY, sb.why) ||
	    nla_put_u64_64bit(skb, IFLA_VIOX_STANDBY_GAP_NS, sb.gap_ns,
			      IFLA_VIOX_STANDBY_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

size_t vmdq_standby_size(void)
{
	return nla_total_size(sizeof(u32)) +		/* IFLA_VIOX_STANDBY_VF */
	       nla_total_size(0) +			/* IFLA_VIOX_STANDBY */
	       2 * nla_total_size(sizeof(u8)) +
	       2 * nla_total_size_64bit(sizeof(u64));
}
