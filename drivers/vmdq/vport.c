// SPDX-License-Identifier: GPL-2.0
/*
 * A vport's netdev: what it receives from the classifier, what it sends
 * (checked for spoofing, tagged with its VLAN, looped back to the vports
 * of its uplink or sent on the uplink), and its multicast filter.
 */
#include <linux/hash.h>
#include <linux/if_vlan.h>
#include <linux/unaligned.h>

#include "vmdq.h"

/*
 * Frames a tap file's queue holds: a tun tap's 1000 (what ether_setup()
 * leaves it), not macvtap's 500, which overflows sooner while the VM's
 * device worker waits for a CPU.
 */
#define VMDQ_TAP_QUEUE_LEN	1000

/* What a vport offers its stack: the uplink's transmit falls back in software. */
#define VMDQ_VPORT_FEATURES (NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_HIGHDMA | \
			     NETIF_F_FRAGLIST | NETIF_F_GSO_SOFTWARE | \
			     NETIF_F_RXCSUM)

static unsigned int vmdq_mc_hash(const u8 *addr)
{
	return hash_32(get_unaligned((const u32 *)(addr + 2)),
		       VMDQ_MC_FILTER_BITS);
}

bool vmdq_vport_joined(const struct vmdq_vport *vp, const u8 *mc)
{
	return test_bit(vmdq_mc_hash(mc), vp->mc_filter);
}

bool vmdq_vport_wants(const struct vmdq_vport *vp, const u8 *mc)
{
	if (READ_ONCE(vp->dev->flags) & (IFF_ALLMULTI | IFF_PROMISC))
		return true;
	return vmdq_vport_joined(vp, mc);
}

/* A unicast frame the classifier found for @vp, tag still on. */
rx_handler_result_t vmdq_vport_receive(struct vmdq_vport *vp,
				       struct sk_buff *skb)
{
	struct net_device *dev = vp->dev;
	unsigned int len = skb->len + ETH_HLEN;

	if (unlikely(!(dev->flags & IFF_UP))) {
		dev_dstats_rx_dropped(dev);
		vmdq_count(vp, VMDQ_STAT_DROP_DOWN);
		kfree_skb(skb);
		return RX_HANDLER_CONSUMED;
	}
	if (unlikely(!vmdq_limit_skb(&vp->rx_limit, skb, len))) {
		dev_dstats_rx_dropped(dev);
		vmdq_count(vp, VMDQ_STAT_DROP_RATE_RX);
		kfree_skb(skb);
		return RX_HANDLER_CONSUMED;
	}
	__vlan_hwaccel_clear_tag(skb);
	/* Nothing of the host's namespace goes with it into the VM's. */
	if (!net_eq(dev_net(dev), dev_net(skb->dev)))
		skb_scrub_packet(skb, true);
	skb->dev = dev;
	skb->pkt_type = PACKET_HOST;
	vmdq_count(vp, VMDQ_STAT_RX_CLASSIFIED);
	if (vmdq_rxq_enqueue(vp, skb, len))
		return RX_HANDLER_CONSUMED;
	dev_dstats_rx_add(dev, len);
	if (vmdq_tap_deliver(vp, skb))
		return RX_HANDLER_CONSUMED;
	/* The receive loop runs again, as for a frame @dev received. */
	return RX_HANDLER_ANOTHER;
}

/* A frame from one vport to another of the same uplink and VLAN. */
static void vmdq_vport_loopback(struct vmdq_vport *to, struct sk_buff *skb)
{
	struct net_device *dev = to->dev;
	unsigned int len = skb->len;

	if (unlikely(!vmdq_limit_skb(&to->rx_limit, skb, len))) {
		dev_dstats_rx_dropped(dev);
		vmdq_count(to, VMDQ_STAT_DROP_RATE_RX);
		kfree_skb(skb);
		return;
	}
	__vlan_hwaccel_clear_tag(skb);
	/*
	 * Scrubbed, pulled and typed as a received frame; if not, freed and
	 * counted in @dev's rx_dropped by the core, as netif_rx() does below.
	 */
	if (__dev_forward_skb(dev, skb)) {
		if (!(dev->flags & IFF_UP))
			vmdq_count(to, VMDQ_STAT_DROP_DOWN);
		return;
	}
	vmdq_count(to, VMDQ_STAT_RX_LOOPBACK);
	if (vmdq_rxq_enqueue(to, skb, len))
		return;
	if (vmdq_tap_deliver(to, skb)) {
		dev_dstats_rx_add(dev, len);
		return;
	}
	if (netif_rx(skb) == NET_RX_SUCCESS)
		dev_dstats_rx_add(dev, len);
}

/*
 * With spoofchk on, a VM sends from its vport's MAC only, and untagged
 * only: the vport's VLAN is for the vport to put on.
 */
static bool vmdq_vport_spoofed(const struct vmdq_vport *vp,
			       const struct sk_buff *skb)
{
	const struct ethhdr *eth = (const struct ethhdr *)skb->data;

	if (!READ_ONCE(vp->spoofchk))
		return READ_ONCE(vp->key.vid) &&
		       (skb_vlan_tag_present(skb) || eth_type_vlan(eth->h_proto));
	return !ether_addr_equal(eth->h_source, vp->dev->dev_addr) ||
	       skb_vlan_tag_present(skb) || eth_type_vlan(eth->h_proto);
}

static netdev_tx_t vmdq_vport_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct vmdq_vport *vp = netdev_priv(dev);
	struct vmdq_uplink *up = vp->uplink;
	u16 vid = READ_ONCE(vp->key.vid);
	struct vmdq_vport *to;
	unsigned int len;
	const u8 *dest;
	int ret;

	if (unlikely(!pskb_may_pull(skb, ETH_HLEN)))
		goto drop;
	if (unlikely(vmdq_vport_spoofed(vp, skb))) {
		vmdq_count(vp, VMDQ_STAT_DROP_SPOOFED);
		goto drop;
	}
	if (unlikely(!vmdq_limit_skb(&vp->tx_limit, skb, skb->len))) {
		vmdq_count(vp, VMDQ_STAT_DROP_RATE_TX);
		goto drop;
	}
	dest = skb->data;
	len = skb->len;

	rcu_read_lock();
	if (is_multicast_ether_addr(dest)) {
		/*
		 * A parked standby sends as its VF would: the classifier
		 * replicates what the NIC loops back, not a second copy.
		 */
		if (vmdq_vport_live(vp))
			vmdq_replicate(up, skb, vid, vp);
	} else {
		to = vmdq_table_lookup(&up->table, dest, vid);
		if (to && to != vp) {
			vmdq_vport_loopback(to, skb);
			rcu_read_unlock();
			dev_dstats_tx_add(dev, len);
			return NETDEV_TX_OK;
		}
	}
	rcu_read_unlock();

	if (vid)
		__vlan_hwaccel_put_tag(skb, htons(ETH_P_8021Q), vid);
	/* A tenant's marks do not steer the host's egress rules. */
	if (!net_eq(dev_net(dev), dev_net(up->dev))) {
		skb_scrub_packet(skb, true);
		skb->priority = 0;	/* nor pick the host's qdisc class */
	}
	skb->dev = up->dev;
	ret = dev_queue_xmit(skb);
	if (likely(dev_xmit_complete(ret)))
		dev_dstats_tx_add(dev, len);
	else
		dev_dstats_tx_dropped(dev);
	return NETDEV_TX_OK;

drop:
	dev_dstats_tx_dropped(dev);
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

static int vmdq_vport_init(struct net_device *dev)
{
	struct vmdq_vport *vp = netdev_priv(dev);

	/*
	 * Locks of a class of their own, apart from any stacked on it:
	 * no upper link gives lockdep the vport's depth.
	 */
	netdev_lockdep_set_classes(dev);
	vp->stats = netdev_alloc_pcpu_stats(struct vmdq_pcpu_stats);
	return vp->stats ? 0 : -ENOMEM;
}

/* After the last reader: the vport leaves its uplink. */
static void vmdq_vport_uninit(struct net_device *dev)
{
	struct vmdq_vport *vp = netdev_priv(dev);
	struct vmdq_uplink *up = vp->uplink;

	/* No news from its VF's provider after this. */
	vmdq_standby_detach(vp);
	/* Its pool first: the pool's receive path uses its queue and uplink. */
	vmdq_offload_detach(vp);
	vmdq_rxq_set(vp, -1);
	/*
	 * Only now, closed, its backlog flushed and its last readers gone:
	 * a frame that found it before it left the table goes to its files
	 * (from its queue or its pool's last poll) or is dropped with the
	 * backlog, never to the vport's own stack.
	 */
	vmdq_tap_detach(vp);
	if (!up)
		return;
	vp->uplink = NULL;
	if (vp->key.vid)
		vlan_vid_del(vp->lower, htons(ETH_P_8021Q), vp->key.vid);
	up->nr_vports--;
	vmdq_uplink_put(up);
}

static void vmdq_vport_destruct(struct net_device *dev)
{
	struct vmdq_vport *vp = netdev_priv(dev);

	free_percpu(vp->stats);
}

static int vmdq_vport_open(struct net_device *dev)
{
	struct vmdq_vport *vp = netdev_priv(dev);
	struct net_device *lower = vp->lower;
	int err;

	/*
	 * In a pool (kept while down), its MAC is the pool's filter; a
	 * standby's, its VF's entry, which the provider steers.
	 */
	if (!vmdq_offloaded(vp) && !vp->standby) {
		/* Down, its MAC was nobody's: a VF may have taken it since. */
		if (vmdq_offload_vf_has_mac(lower, dev->dev_addr)) {
			netdev_warn(dev, "%pM is now a VF's of %s: the NIC gives it to the VF alone\n",
				    dev->dev_addr, lower->name);
			return -EADDRINUSE;
		}
		err = dev_uc_add(lower, dev->dev_addr);
		if (err)
			return err;
	}
	if (dev->flags & IFF_ALLMULTI) {
		err = dev_set_allmulti(lower, 1);
		if (err) {
			if (!vmdq_offloaded(vp) && !vp->standby)
				dev_uc_del(lower, dev->dev_addr);
			return err;
		}
	}
	vmdq_vport_operstate(vp);
	return 0;
}

/*
 * The uplink's carrier and operstate, as a stacked device takes them; a
 * parked standby is dormant as well (set once: no flicker).
 */
void vmdq_vport_operstate(struct vmdq_vport *vp)
{
	const struct net_device *lower = vp->lower;
	struct net_device *dev = vp->dev;

	if (READ_ONCE(lower->operstate) == IF_OPER_DORMANT ||
	    (vp->standby && READ_ONCE(vp->parked)))
		netif_dormant_on(dev);
	else
		netif_dormant_off(dev);
	if (READ_ONCE(lower->operstate) == IF_OPER_TESTING)
		netif_testing_on(dev);
	else
		netif_testing_off(dev);
	if (netif_carrier_ok(lower))
		netif_carrier_on(dev);
	else
		netif_carrier_off(dev);
}

/*
 * The vport's groups onto the uplink's list, or (@none) off it. Copied
 * out under the vport's address lock and put on the uplink's without it:
 * the uplink's lock is never taken inside the vport's, or lockdep, which
 * orders stacked devices' address locks by depth and sees none between
 * a vport and its uplink (link.c), would take locks of one class in
 * devices above the vport and under it for one lock taken twice. RTNL.
 */
static void vmdq_vport_mc_push(struct vmdq_vport *vp, bool none)
{
	u8 want[VMDQ_MC_MAX][ETH_ALEN] __aligned(2);
	struct netdev_hw_addr *ha;
	unsigned int n = 0, i, j;

	ASSERT_RTNL();
	if (!none) {
		netif_addr_lock_bh(vp->dev);
		netdev_for_each_mc_addr(ha, vp->dev) {
			if (n == VMDQ_MC_MAX)
				break;
			ether_addr_copy(want[n++], ha->addr);
		}
		netif_addr_unlock_bh(vp->dev);
	}
	for (i = 0; i < vp->mc_nsynced;) {
		for (j = 0; j < n; j++)
			if (ether_addr_equal(vp->mc_synced[i], want[j]))
				break;
		if (j < n) {
			i++;
			continue;
		}
		dev_mc_del(vp->lower, vp->mc_synced[i]);
		ether_addr_copy(vp->mc_synced[i], vp->mc_synced[--vp->mc_nsynced]);
	}
	for (j = 0; j < n; j++) {
		for (i = 0; i < vp->mc_nsynced; i++)
			if (ether_addr_equal(vp->mc_synced[i], want[j]))
				break;
		if (i == vp->mc_nsynced && !dev_mc_add(vp->lower, want[j]))
			ether_addr_copy(vp->mc_synced[vp->mc_nsynced++], want[j]);
	}
}

/* Its pool, if any, stays: see offload.c. */
static int vmdq_vport_stop(struct net_device *dev)
{
	struct vmdq_vport *vp = netdev_priv(dev);
	struct net_device *lower = vp->lower;

	vmdq_vport_mc_push(vp, true);
	/* Up again, its groups go back on the uplink's list. */
	netif_addr_lock_bh(dev);
	vp->mc_sig = 0;
	netif_addr_unlock_bh(dev);
	if (vp->mc_over) {
		WRITE_ONCE(vp->mc_over, false);
		dev_set_allmulti(lower, -1);
	}
	if (dev->flags & IFF_ALLMULTI)
		dev_set_allmulti(lower, -1);
	if (!vmdq_offloaded(vp) && !vp->standby)
		dev_uc_del(lower, dev->dev_addr);
	netif_carrier_off(dev);
	return 0;
}

/*
 * A vport gets its own MAC's unicast and nothing else, promiscuous or
 * not: the uplink is not made promiscuous for it (a tenant would make the
 * host's NIC take in everything for nothing), nor given its secondary
 * unicast addresses. Multicast it asks for, the uplink must let in.
 */
static void vmdq_vport_change_rx_flags(struct net_device *dev, int change)
{
	struct vmdq_vport *vp = netdev_priv(dev);

	if ((dev->flags & IFF_UP) && (change & IFF_ALLMULTI))
		dev_set_allmulti(vp->lower, dev->flags & IFF_ALLMULTI ? 1 : -1);
}

/*
 * Where its number of groups says the vport should be: over VMDQ_MC_MAX
 * it goes over; it comes back under at VMDQ_MC_MAX * 3 / 4, so a tenant
 * flapping one group at the edge does not move it each time. Under the
 * vport's address lock.
 */
static bool vmdq_vport_mc_misplaced(const struct vmdq_vport *vp)
{
	unsigned int n = netdev_mc_count(vp->dev);

	return READ_ONCE(vp->mc_over) ? n <= VMDQ_MC_MAX * 3 / 4 : n > VMDQ_MC_MAX;
}

/*
 * Its list onto the uplink's, and over the edge, either way: over, the
 * uplink takes all multicast for the vport (an allmulti reference) and
 * drops its list; the vport's own hash filter still picks its groups.
 * Under again: the list back, the reference dropped. One move per run;
 * if the groups changed meanwhile, the work runs again.
 */
static void vmdq_vport_mc_work(struct work_struct *work)
{
	struct vmdq_vport *vp = container_of(work, struct vmdq_vport, mc_work);
	struct net_device *dev = vp->dev, *lower = vp->lower;
	bool misplaced;

	rtnl_lock();
	if (dev->reg_state != NETREG_REGISTERED || !(dev->flags & IFF_UP))
		goto out;
	netif_addr_lock_bh(dev);
	misplaced = vmdq_vport_mc_misplaced(vp);
	netif_addr_unlock_bh(dev);
	if (!misplaced) {
		if (!vp->mc_over)
			vmdq_vport_mc_push(vp, false);
		goto out;
	}
	if (vp->mc_over) {
		/* Its list is on the uplink again. */
		WRITE_ONCE(vp->mc_over, false);
		vmdq_vport_mc_push(vp, false);
		dev_set_allmulti(lower, -1);
	} else if (!dev_set_allmulti(lower, 1)) {
		/* From here its list stays off the uplink's. */
		WRITE_ONCE(vp->mc_over, true);
		vmdq_vport_mc_push(vp, true);
		if (!vp->mc_over_told) {
			vp->mc_over_told = true;
			netdev_info(dev, "over %u multicast groups: %s takes all multicast for it\n",
				    VMDQ_MC_MAX, lower->name);
		}
	} else {
		/* No allmulti to be had: its first groups, rather than none. */
		vmdq_vport_mc_push(vp, false);
		goto out;
	}
	netif_addr_lock_bh(dev);
	if (vmdq_vport_mc_misplaced(vp))
		vmdq_vport_queue_work(vp, vmdq_mc_wq, &vp->mc_work);
	netif_addr_unlock_bh(dev);
out:
	rtnl_unlock();
	dev_put(dev);
}

static void vmdq_vport_set_rx_mode(struct net_device *dev)
{
	struct vmdq_vport *vp = netdev_priv(dev);
	DECLARE_BITMAP(filter, VMDQ_MC_FILTER_SIZE);
	struct netdev_hw_addr *ha;
	u64 sig = netdev_mc_count(dev);

	bitmap_zero(filter, VMDQ_MC_FILTER_SIZE);
	netdev_for_each_mc_addr(ha, dev) {
		__set_bit(vmdq_mc_hash(ha->addr), filter);
		sig += hash_64(ether_addr_to_u64(ha->addr), 64);
	}
	/* Readers may see a mix of old and new bits: a superset either way. */
	bitmap_copy(vp->mc_filter, filter, VMDQ_MC_FILTER_SIZE);
	/*
	 * The uplink's list follows from the work (RTNL), and only when the
	 * groups changed: a call for anything else (unicast, flags) takes
	 * no RTNL for a tenant.
	 */
	if (sig != vp->mc_sig) {
		vp->mc_sig = sig;
		vmdq_vport_queue_work(vp, vmdq_mc_wq, &vp->mc_work);
	}
	vmdq_offload_sync_mc(vp);
}

/*
 * A vport's MAC and VLAN are the host's to set: not a tenant's that has
 * the vport in its own namespace, but not the uplink's.
 */
bool vmdq_vport_admin(const struct vmdq_vport *vp)
{
	return ns_capable(dev_net(vp->lower)->user_ns, CAP_NET_ADMIN);
}

static int vmdq_vport_set_mac(struct net_device *dev, void *p)
{
	struct vmdq_vport *vp = netdev_priv(dev);
	struct net_device *lower = vp->lower;
	struct sockaddr *sa = p;
	bool in_sw;
	int err;

	if (!vmdq_vport_admin(vp))
		return -EPERM;
	/* Its VF's: the admin sets that one, and the vport follows. */
	if (vp->standby)
		return -EBUSY;
	err = eth_prepare_mac_addr_change(dev, p);
	if (err)
		return err;
	if (vmdq_offload_vf_has_mac(lower, sa->sa_data)) {
		netdev_info(dev, "%pM is a VF's of %s: the NIC gives it to the VF alone\n",
			    sa->sa_data, lower->name);
		return -EADDRINUSE;
	}
	/* Up in software, the uplink takes the new MAC first: nothing to undo. */
	in_sw = (dev->flags & IFF_UP) && !vmdq_offloaded(vp);
	if (in_sw) {
		err = dev_uc_add(lower, sa->sa_data);
		if (err)
			return err;
	}
	err = vmdq_table_rekey(&vp->uplink->table, vp, sa->sa_data,
			       vp->key.vid, NULL);
	if (err) {
		if (in_sw)
			dev_uc_del(lower, sa->sa_data);
		if (err == -EEXIST)
			net_info_ratelimited("%s: %pM is another vport's on %s\n",
					     dev->name, sa->sa_data, lower->name);
		return err;
	}
	/* In a pool, the pool's filter moves (or the vport leaves it). */
	vmdq_offload_set_mac(vp, sa->sa_data);
	if (!in_sw && (dev->flags & IFF_UP) && !vmdq_offloaded(vp) &&
	    dev_uc_add(lower, sa->sa_data))
		netdev_warn(dev, "%s does not take its new MAC: it receives no unicast\n",
			    lower->name);
	/*
	 * Its old MAC off the uplink: open put it there, or leaving its pool
	 * just now did.
	 */
	if ((dev->flags & IFF_UP) && !vmdq_offloaded(vp))
		dev_uc_del(lower, dev->dev_addr);
	eth_commit_mac_addr_change(dev, p);
	vmdq_offload_rekeyed(vp, true);
	return 0;
}

static int vmdq_vport_change_mtu(struct net_device *dev, int mtu)
{
	struct vmdq_vport *vp = netdev_priv(dev);

	if (mtu > READ_ONCE(vp->lower->mtu))
		return -EINVAL;
	WRITE_ONCE(dev->mtu, mtu);
	return 0;
}

static int vmdq_vport_get_iflink(const struct net_device *dev)
{
	const struct vmdq_vport *vp = netdev_priv(dev);

	return READ_ONCE(vp->lower->ifindex);
}

const struct net_device_ops vmdq_vport_ops = {
	.ndo_init		= vmdq_vport_init,
	.ndo_uninit		= vmdq_vport_uninit,
	.ndo_open		= vmdq_vport_open,
	.ndo_stop		= vmdq_vport_stop,
	.ndo_start_xmit		= vmdq_vport_xmit,
	.ndo_change_rx_flags	= vmdq_vport_change_rx_flags,
	.ndo_set_rx_mode	= vmdq_vport_set_rx_mode,
	.ndo_set_mac_address	= vmdq_vport_set_mac,
	.ndo_change_mtu		= vmdq_vport_change_mtu,
	.ndo_get_iflink		= vmdq_vport_get_iflink,
	.ndo_validate_addr	= eth_validate_addr,
};

bool vmdq_is_vport(const struct net_device *dev)
{
	return dev->netdev_ops == &vmdq_vport_ops;
}

void vmdq_vport_setup(struct net_device *dev)
{
	struct vmdq_vport *vp = netdev_priv(dev);

	vmdq_limit_init(&vp->tx_limit);
	vmdq_limit_init(&vp->rx_limit);
	INIT_WORK(&vp->mc_work, vmdq_vport_mc_work);
	ether_setup(dev);
	dev->netdev_ops = &vmdq_vport_ops;
	dev->needs_free_netdev = true;
	dev->priv_destructor = vmdq_vport_destruct;
	/* No qdisc and no transmit lock: the uplink has its own. */
	dev->priv_flags |= IFF_NO_QUEUE | IFF_UNICAST_FLT | IFF_LIVE_ADDR_CHANGE;
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	/*
	 * No netconsole: its hard-irq transmit would take the rate limiter's
	 * and the receive queues' softirq locks. A VM's port is no console.
	 */
	dev->priv_flags |= IFF_DISABLE_NETPOLL;
	dev->lltx = true;
	netif_keep_dst(dev);
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_DSTATS;
	dev->features |= VMDQ_VPORT_FEATURES;
	dev->hw_features |= VMDQ_VPORT_FEATURES;
	dev->vlan_features |= VMDQ_VPORT_FEATURES;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = ETH_MAX_MTU;
	dev->tx_queue_len = VMDQ_TAP_QUEUE_LEN;
}

void vmdq_vport_stats(const struct vmdq_vport *vp, u64 *count)
{
	int cpu, i;

	memset(count, 0, sizeof(u64) * VMDQ_STAT_NUM);
	for_each_possible_cpu(cpu) {
		const struct vmdq_pcpu_stats *p = per_cpu_ptr(vp->stats, cpu);
		u64 c[VMDQ_STAT_NUM];
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&p->syncp);
			for (i = 0; i < VMDQ_STAT_NUM; i++)
				c[i] = u64_stats_read(&p->count[i]);
		} while (u64_stats_fetch_retry(&p->syncp, start));
		for (i = 0; i < VMDQ_STAT_NUM; i++)
			count[i] += c[i];
	}
}
