// SPDX-License-Identifier: GPL-2.0
/*
 * The uplink's side: its receive hook classifies each frame to a vport,
 * replicates broadcast and multicast, and passes the rest to the host.
 */
#include <linux/if_vlan.h>
#include <linux/slab.h>

#include "vmdq.h"

static rx_handler_result_t vmdq_handle_frame(struct sk_buff **pskb);

/* Every uplink with vports, for the offload retries. RTNL. */
LIST_HEAD(vmdq_uplinks);

struct vmdq_uplink *vmdq_uplink_of(const struct net_device *dev)
{
	if (rcu_access_pointer(dev->rx_handler) != vmdq_handle_frame)
		return NULL;
	return rtnl_dereference(dev->rx_handler_data);
}

/*
 * A vport is no upper device of its uplink (link.c), so the kernel's
 * checks for loops and nesting do not see that edge. No vport is let
 * below any vport's uplink instead: then no loop runs through a vport
 * (one would if a vport joined the bridge that is its uplink), and a
 * stack holds one vport at most. RTNL held.
 */
static int vmdq_vport_walk(struct net_device *dev,
			   struct netdev_nested_priv *priv)
{
	return vmdq_is_vport(dev);
}

/* Whether @dev is a vport, or stacked on one. */
bool vmdq_stacked_on_vport(struct net_device *dev)
{
	struct netdev_nested_priv priv = {};

	return vmdq_is_vport(dev) ||
	       netdev_walk_all_lower_dev(dev, vmdq_vport_walk, &priv);
}

static int vmdq_uplink_walk(struct net_device *dev,
			    struct netdev_nested_priv *priv)
{
	return rcu_access_pointer(dev->rx_handler) == vmdq_handle_frame;
}

/* Whether @dev is an uplink with vports, or below one. */
static bool vmdq_below_uplink(struct net_device *dev)
{
	struct netdev_nested_priv priv = {};
	bool below;

	if (vmdq_uplink_of(dev))
		return true;
	rcu_read_lock();
	below = netdev_walk_all_upper_dev_rcu(dev, vmdq_uplink_walk, &priv);
	rcu_read_unlock();
	return below;
}

/* A device is about to be stacked on another (NETDEV_PRECHANGEUPPER). */
int vmdq_uplink_pre_changeupper(struct netdev_notifier_changeupper_info *info)
{
	struct netlink_ext_ack *extack = info->info.extack;

	if (!info->linking || !vmdq_stacked_on_vport(info->info.dev))
		return NOTIFY_DONE;
	if (!vmdq_below_uplink(info->upper_dev))
		return NOTIFY_DONE;
	NL_SET_ERR_MSG_MOD(extack,
			   "that would put a vport below a vport's uplink");
	return notifier_from_errno(-EBUSY);
}

/* The uplink's classifier, set up with its first vport. RTNL held. */
struct vmdq_uplink *vmdq_uplink_get(struct net_device *dev,
				    struct netlink_ext_ack *extack)
{
	struct vmdq_uplink *up = vmdq_uplink_of(dev);
	int err;

	if (up)
		return up;
	up = kzalloc(sizeof(*up), GFP_KERNEL);
	if (!up)
		return ERR_PTR(-ENOMEM);
	up->dev = dev;
	INIT_LIST_HEAD(&up->vports);
	err = vmdq_table_init(&up->table);
	if (err)
		goto free;
	err = netdev_rx_handler_register(dev, vmdq_handle_frame, up);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the uplink already has a receive handler (bridge, bond, macvlan or OVS port?)");
		goto destroy;
	}
	/*
	 * LRO merges frames past undoing them exactly, which is why the
	 * kernel turns it off for forwarding: vports pass frames on to VMs
	 * and to each other, so it goes off with the first vport and stays
	 * off while there are any (main.c), as below a macvlan.
	 */
	dev_disable_lro(dev);
	list_add_tail(&up->node, &vmdq_uplinks);
	return up;

destroy:
	vmdq_table_destroy(&up->table);
free:
	kfree(up);
	return ERR_PTR(err);
}

/*
 * Once it has no vport (counted until their uninit, after they are off
 * the list): no reader can see @up once the hook is gone.
 */
void vmdq_uplink_put(struct vmdq_uplink *up)
{
	ASSERT_RTNL();
	if (up->nr_vports)
		return;
	list_del(&up->node);
	netdev_rx_handler_unregister(up->dev);	/* waits for readers */
	vmdq_table_destroy(&up->table);
	kfree(up);
}

/*
 * One copy per vport of the frame's VLAN that wants it, except the one it
 * came from. A copy that finds no room (no memory; from a vport, the
 * per-CPU backlog full) is counted on the vport that lost it; the others
 * are not held back by it. @skb is left to the caller.
 * @from_vport: the frame comes from a vport's transmit path, with its
 * Ethernet header not yet pulled.
 */
void vmdq_replicate(struct vmdq_uplink *up, struct sk_buff *skb, u16 vid,
		    const struct vmdq_vport *from)
{
	const u8 *dest = from ? skb->data : eth_hdr(skb)->h_dest;
	bool bcast = is_broadcast_ether_addr(dest);
	struct vmdq_vport *vp;
	struct vmdq_vlan *vl;
	bool nic_delivers;

	rcu_read_lock();
	vl = vmdq_table_vlan(&up->table, vid);
	if (!vl)
		goto out;
	/*
	 * What pools get from the NIC: the wire's frames, and looped back
	 * from the uplink's transmit, a vport's sent with a source MAC that
	 * is no vport's (spoofchk off). Those of vports' own MACs the pools
	 * drop: they have them from here.
	 */
	nic_delivers = !from ||
		       !vmdq_table_lookup(&up->table, skb->data + ETH_ALEN, vid);
	list_for_each_entry_rcu(vp, &vl->vports, vlan_node) {
		struct net_device *dev = vp->dev;
		struct sk_buff *nskb;
		unsigned int len;

		/*
		 * A pooled vport has broadcast and the groups it joined from
		 * the NIC, where the NIC delivers; an allmulti one the other
		 * groups from here.
		 */
		if (vp == from || !(dev->flags & IFF_UP) || !vmdq_vport_live(vp))
			continue;
		if (nic_delivers && vmdq_offloaded(vp) &&
		    (bcast || !vmdq_vport_allmulti(vp) ||
		     vmdq_vport_joined(vp, dest)))
			continue;
		if (!bcast && !vmdq_vport_wants(vp, dest))
			continue;
		if (!vmdq_limit_skb(&vp->rx_limit, skb,
				    from ? skb->len : skb->len + ETH_HLEN)) {
			dev_dstats_rx_dropped(dev);
			vmdq_count(vp, VMDQ_STAT_DROP_RATE_RX);
			continue;
		}
		nskb = skb_clone(skb, GFP_ATOMIC);
		if (!nskb) {
			dev_dstats_rx_dropped(dev);
			goto no_room;
		}
		__vlan_hwaccel_clear_tag(nskb);
		if (from) {
			/*
			 * Scrubbed, pulled and typed as a received frame; or
			 * over @dev's MTU, dropped and counted in its
			 * rx_dropped by the core, as netif_rx() counts its own.
			 */
			if (__dev_forward_skb(dev, nskb))
				goto no_room;
		} else {
			if (!net_eq(dev_net(dev), dev_net(nskb->dev)))
				skb_scrub_packet(nskb, true);
			nskb->dev = dev;
			nskb->pkt_type = bcast ? PACKET_BROADCAST :
						 PACKET_MULTICAST;
		}
		len = nskb->len + ETH_HLEN;
		/* On the vport's own queue and CPU, where it has one. */
		if (!vmdq_rxq_enqueue(vp, nskb, len)) {
			if (!from) {
				/*
				 * Received now, in the uplink's softirq, as a
				 * bridge delivers locally: no shared backlog.
				 */
				netif_receive_skb(nskb);
			} else if (!vmdq_tap_deliver(vp, nskb) &&
				   netif_rx(nskb) != NET_RX_SUCCESS) {
				goto no_room;
			}
			dev_dstats_rx_add(dev, len);
		}
		if (bcast)
			vmdq_count(vp, VMDQ_STAT_RX_BROADCAST);
		else
			vmdq_count(vp, VMDQ_STAT_RX_MULTICAST);
		continue;
no_room:
		vmdq_count(vp, VMDQ_STAT_DROP_REPLICATION);
	}
out:
	rcu_read_unlock();
}

static rx_handler_result_t vmdq_handle_frame(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	const u8 *dest = eth_hdr(skb)->h_dest;
	struct vmdq_uplink *up;
	struct vmdq_vport *vp;
	u16 vid;

	/* Our own multicast, looped back by the stack. */
	if (unlikely(skb->pkt_type == PACKET_LOOPBACK))
		return RX_HANDLER_PASS;
	up = rcu_dereference(skb->dev->rx_handler_data);
	vid = 0;
	if (skb_vlan_tag_present(skb)) {
		/* An 802.1ad S-tag is no access VLAN: the host's to handle. */
		if (skb->vlan_proto != htons(ETH_P_8021Q))
			return RX_HANDLER_PASS;
		vid = skb_vlan_tag_get_id(skb);
	}

	if (is_multicast_ether_addr(dest)) {
		/*
		 * The host has its copy: the frame itself goes on. A vport's
		 * own frame, looped back by a NIC that switches between its
		 * pools, was replicated when it was sent.
		 */
		if (!vmdq_table_lookup(&up->table, eth_hdr(skb)->h_source, vid))
			vmdq_replicate(up, skb, vid, NULL);
		return RX_HANDLER_PASS;
	}

	vp = vmdq_table_lookup(&up->table, dest, vid);
	/*
	 * In a pool, the NIC delivers its unicast: this is no second copy.
	 * A standby's MAC is steered to one place, the PF or its pool: what
	 * reaches the PF is its own around a move (unless the uplink is
	 * promiscuous, when the PF has a copy of everything).
	 */
	if (!vp || (vmdq_offloaded(vp) &&
		    (!vp->standby || (READ_ONCE(up->dev->flags) & IFF_PROMISC))))
		return RX_HANDLER_PASS;
	skb = skb_share_check(skb, GFP_ATOMIC);
	*pskb = skb;
	if (!skb) {
		dev_dstats_rx_dropped(vp->dev);
		return RX_HANDLER_CONSUMED;
	}
	return vmdq_vport_receive(vp, skb);
}
