// SPDX-License-Identifier: GPL-2.0
/* viox_igb: the PF network interface. */
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/if_vlan.h>
#include <linux/rtnetlink.h>

#include "igb.h"

static u32 vigb_max_frame(unsigned int mtu)
{
	return mtu + ETH_HLEN + VLAN_HLEN + ETH_FCS_LEN;
}

/* RSS over the PF's queue pairs; one pair needs none. */
static void vigb_configure_rss(struct vigb_adapter *ad)
{
	u32 key[10], reta = 0;
	unsigned int i;

	if (ad->num_qp < 2) {
		vigb_wr32(ad, VIGB_MRQC, 0);
		return;
	}
	netdev_rss_key_fill(key, sizeof(key));
	for (i = 0; i < ARRAY_SIZE(key); i++)
		vigb_wr32(ad, VIGB_RSSRK(i), key[i]);
	for (i = 0; i < 128; i++) {
		reta |= (u32)ad->rx_ring[i % ad->num_qp].reg << (8 * (i & 3));
		if ((i & 3) == 3) {
			vigb_wr32(ad, VIGB_RETA(i >> 2), reta);
			reta = 0;
		}
	}
	vigb_wr32(ad, VIGB_MRQC, VIGB_MRQC_RSS | VIGB_MRQC_RSS_IPV4 |
		  VIGB_MRQC_RSS_IPV4_TCP | VIGB_MRQC_RSS_IPV6 |
		  VIGB_MRQC_RSS_IPV6_TCP | VIGB_MRQC_RSS_IPV4_UDP |
		  VIGB_MRQC_RSS_IPV6_UDP);
}

/*
 * RCTL with VLAN filtering as the PF's feature and promiscuity say,
 * except that VFs and reserved pools need it: VLAN filters are what keep
 * them in their VLANs. There a PF that wants every VLAN gets them through
 * the filter tables instead.
 */
static u32 vigb_rctl_vlan_filter(struct vigb_adapter *ad,
				 netdev_features_t features, u32 rctl)
{
	bool all = (ad->netdev->flags & IFF_PROMISC) ||
		   !(features & NETIF_F_HW_VLAN_CTAG_FILTER);

	vigb_vlan_promisc(ad, vigb_vmdq(ad) && all);
	if (vigb_vmdq(ad) || !all)
		return rctl | VIGB_RCTL_VFE;
	return rctl & ~VIGB_RCTL_VFE;
}

/* After pools came or went: VLAN filtering on or off with them. */
void vigb_update_vlan_filtering(struct vigb_adapter *ad)
{
	ASSERT_RTNL();
	vigb_wr32(ad, VIGB_RCTL, vigb_rctl_vlan_filter(ad, ad->netdev->features,
						       vigb_rd32(ad, VIGB_RCTL)));
}

static void vigb_apply_features(struct vigb_adapter *ad,
				netdev_features_t features)
{
	u32 ctrl = vigb_rd32(ad, VIGB_CTRL), rctl = vigb_rd32(ad, VIGB_RCTL);
	u32 rxcsum = VIGB_RXCSUM_CRCOFL;

	/* PCSD: the descriptor carries the RSS hash, not a raw checksum. */
	rxcsum |= BIT(13);
	if (features & NETIF_F_RXCSUM)
		rxcsum |= VIGB_RXCSUM_IPOFL | VIGB_RXCSUM_TUOFL;
	vigb_wr32(ad, VIGB_RXCSUM, rxcsum);

	if (features & NETIF_F_HW_VLAN_CTAG_RX)
		ctrl |= VIGB_CTRL_VME;
	else
		ctrl &= ~VIGB_CTRL_VME;
	vigb_wr32(ad, VIGB_CTRL, ctrl);

	vigb_wr32(ad, VIGB_RCTL, vigb_rctl_vlan_filter(ad, features, rctl));
	vigb_vmdq_vlan_strip(ad, features);
}

/* Receive and transmit settings that do not depend on the rings. */
static void vigb_configure_global(struct vigb_adapter *ad)
{
	struct net_device *dev = ad->netdev;
	u32 rctl = VIGB_RCTL_EN | VIGB_RCTL_BAM | VIGB_RCTL_SECRC;

	if (dev->mtu > ETH_DATA_LEN)
		rctl |= VIGB_RCTL_LPE;
	vigb_wr32(ad, VIGB_RLPML, vigb_max_frame(dev->mtu));
	vigb_wr32(ad, VIGB_RCTL, rctl);
	vigb_wr32(ad, VIGB_TCTL, VIGB_TCTL_EN | VIGB_TCTL_PSP | VIGB_TCTL_CT |
		  VIGB_TCTL_COLD | VIGB_TCTL_RTLC);
	vigb_vfta_rebuild(ad);
	vigb_apply_features(ad, dev->features);
	vigb_rar_set(ad, 0, dev->dev_addr, BIT(ad->first_queue));
	/* The address lists are walked under their lock, as the core does. */
	netif_addr_lock_bh(dev);
	vigb_set_rx_mode(dev);
	netif_addr_unlock_bh(dev);
	/* Pools last: they add their VLANs to the table cleared above. */
	vigb_vmdq_configure(ad);
	if (!vigb_vmdq(ad))
		vigb_configure_rss(ad);
}

static void vigb_assign_queues(struct vigb_adapter *ad)
{
	unsigned int i;

	/* In VMDq mode the model gives a pool one working queue. */
	ad->num_qp = vigb_vmdq(ad) ? 1 : clamp(ad->req_qp, 1u, vigb_irq_max_qp(ad));
	for (i = 0; i < VIGB_MAX_QUEUE_PAIRS; i++) {
		ad->tx_ring[i].index = i;
		ad->rx_ring[i].index = i;
		ad->tx_ring[i].reg = ad->first_queue + i;
		ad->rx_ring[i].reg = ad->first_queue + i;
	}
}

int vigb_up(struct vigb_adapter *ad)
{
	struct net_device *dev = ad->netdev;
	unsigned int i;
	int err;

	vigb_assign_queues(ad);
	err = netif_set_real_num_tx_queues(dev, ad->num_qp);
	if (!err)
		err = netif_set_real_num_rx_queues(dev, ad->num_qp);
	if (err)
		return err;
	err = vigb_rings_alloc(ad);
	if (err)
		return err;
	err = vigb_irq_request(ad);
	if (err)
		goto err_rings;

	vigb_configure_global(ad);
	vigb_irq_configure(ad);
	vigb_rings_configure(ad);
	clear_bit(VIGB_DOWN, &ad->state);
	for (i = 0; i < ad->num_qp; i++)
		napi_enable(&ad->qvec[i].napi);
	vigb_irq_enable(ad);
	netif_tx_start_all_queues(dev);
	mod_delayed_work(system_wq, &ad->watchdog, 0);
	return 0;

err_rings:
	vigb_rings_free(ad);
	return err;
}

void vigb_down(struct vigb_adapter *ad)
{
	struct net_device *dev = ad->netdev;
	unsigned int i;

	if (test_and_set_bit(VIGB_DOWN, &ad->state))
		return;
	netif_tx_disable(dev);
	netif_carrier_off(dev);
	vigb_irq_disable(ad);
	for (i = 0; i < ad->num_qp; i++)
		napi_disable(&ad->qvec[i].napi);
	vigb_rings_disable(ad);
	vigb_irq_release(ad);
	vigb_hw_update_stats(ad);
	vigb_rings_free(ad);
}

/* Apply a change that needs fresh rings (MTU, ring sizes, channels). */
int vigb_reinit(struct vigb_adapter *ad)
{
	ASSERT_RTNL();
	if (!netif_running(ad->netdev)) {
		vigb_configure_global(ad);
		return 0;
	}
	vigb_down(ad);
	return vigb_up(ad);
}

static int vigb_open(struct net_device *dev)
{
	struct vigb_adapter *ad = netdev_priv(dev);
	int err;

	netif_carrier_off(dev);
	err = vigb_up(ad);
	if (err)
		netdev_err(dev, "cannot bring the interface up: %d\n", err);
	return err;
}

static int vigb_stop(struct net_device *dev)
{
	vigb_down(netdev_priv(dev));
	return 0;
}

/* Unicast addresses beyond the first take RAR slots, else promiscuity. */
void vigb_set_rx_mode(struct net_device *dev)
{
	struct vigb_adapter *ad = netdev_priv(dev);
	u32 rctl = vigb_rd32(ad, VIGB_RCTL) & ~(VIGB_RCTL_UPE | VIGB_RCTL_MPE);
	struct netdev_hw_addr *ha;
	unsigned int slot = 1, i;

	if (dev->flags & IFF_PROMISC)
		rctl |= VIGB_RCTL_UPE | VIGB_RCTL_MPE;
	else if (dev->flags & IFF_ALLMULTI)
		rctl |= VIGB_RCTL_MPE;

	if (netdev_uc_count(dev) > VIGB_PF_RAR_SLOTS - 1) {
		rctl |= VIGB_RCTL_UPE;
	} else {
		netdev_for_each_uc_addr(ha, dev) {
			/* A VF's or a pool's: the device would copy it to both. */
			if (vigb_rar_taken(ad, ha->addr, VIGB_RAR_PF)) {
				netdev_warn_once(dev, "%pM is a VF's or pool's address: not received\n",
						 ha->addr);
				continue;
			}
			vigb_rar_set(ad, slot++, ha->addr, BIT(ad->first_queue));
		}
	}
	for (i = slot; i < ad->pf_rar_count; i++)
		vigb_rar_clear(ad, i);
	ad->pf_rar_count = slot;

	spin_lock(&ad->mta_lock);
	memset(ad->pf_mta, 0, sizeof(ad->pf_mta));
	netdev_for_each_mc_addr(ha, dev) {
		u32 h = vigb_hw_mta_hash(ha->addr);

		ad->pf_mta[h >> 5] |= BIT(h & 31);
	}
	spin_unlock(&ad->mta_lock);
	vigb_mta_write(ad);

	vigb_wr32(ad, VIGB_RCTL, vigb_rctl_vlan_filter(ad, dev->features, rctl));
}

static int vigb_set_mac(struct net_device *dev, void *p)
{
	struct vigb_adapter *ad = netdev_priv(dev);
	struct sockaddr *sa = p;

	if (!is_valid_ether_addr(sa->sa_data))
		return -EADDRNOTAVAIL;
	if (vigb_rar_taken(ad, sa->sa_data, VIGB_RAR_PF)) {
		netdev_err(dev, "%pM is a VF's or pool's address\n", sa->sa_data);
		return -EADDRINUSE;
	}
	eth_hw_addr_set(dev, sa->sa_data);
	vigb_rar_set(ad, 0, dev->dev_addr, BIT(ad->first_queue));
	return 0;
}

static int vigb_change_mtu(struct net_device *dev, int mtu)
{
	struct vigb_adapter *ad = netdev_priv(dev);

	netdev_dbg(dev, "MTU %u -> %d\n", dev->mtu, mtu);
	WRITE_ONCE(dev->mtu, mtu);
	return vigb_reinit(ad);
}

static int vigb_vlan_add(struct net_device *dev, __be16 proto, u16 vid)
{
	struct vigb_adapter *ad = netdev_priv(dev);

	int err = 0;

	set_bit(vid, ad->active_vlans);
	vigb_vfta_set(ad, vid, true);
	if (vigb_vmdq(ad)) {
		mutex_lock(&ad->vf_lock);
		err = vigb_vlvf_set(ad, vid, ad->first_queue, true);
		mutex_unlock(&ad->vf_lock);
	}
	if (err) {
		netdev_err(dev, "no free VLAN pool filter for VLAN %u\n", vid);
		clear_bit(vid, ad->active_vlans);
	}
	return err;
}

static int vigb_vlan_kill(struct net_device *dev, __be16 proto, u16 vid)
{
	struct vigb_adapter *ad = netdev_priv(dev);

	clear_bit(vid, ad->active_vlans);
	if (vigb_vmdq(ad)) {
		mutex_lock(&ad->vf_lock);
		vigb_vlvf_set(ad, vid, ad->first_queue, false);
		mutex_unlock(&ad->vf_lock);
	} else {
		vigb_vfta_set(ad, vid, false);
	}
	return 0;
}

static int vigb_set_features(struct net_device *dev, netdev_features_t features)
{
	vigb_apply_features(netdev_priv(dev), features);
	return 0;
}

static void vigb_get_stats64(struct net_device *dev,
			     struct rtnl_link_stats64 *s)
{
	struct vigb_adapter *ad = netdev_priv(dev);
	unsigned int i;

	for (i = 0; i < VIGB_MAX_QUEUE_PAIRS; i++) {
		struct vigb_ring_stats rs, ts;

		vigb_ring_stats_read(&ad->rx_ring[i].stats, &rs);
		vigb_ring_stats_read(&ad->tx_ring[i].stats, &ts);
		s->rx_packets += rs.packets;
		s->rx_bytes += rs.bytes;
		s->rx_dropped += rs.drops + rs.alloc_fail;
		s->rx_errors += rs.errors;
		s->rx_crc_errors += rs.csum_err;
		s->tx_packets += ts.packets;
		s->tx_bytes += ts.bytes;
		s->tx_dropped += ts.drops;
	}
	/* Frame-level errors only the hardware sees. */
	s->rx_missed_errors = READ_ONCE(ad->hw_stats.mpc);
	s->rx_length_errors = READ_ONCE(ad->hw_stats.rlec) +
			      READ_ONCE(ad->hw_stats.ruc) +
			      READ_ONCE(ad->hw_stats.roc);
	s->multicast = READ_ONCE(ad->hw_stats.mprc);
}

static void vigb_tx_timeout(struct net_device *dev, unsigned int q)
{
	struct vigb_adapter *ad = netdev_priv(dev);

	ad->tx_timeouts++;
	netdev_warn(dev, "TX queue %u timed out: resetting\n", q);
	schedule_work(&ad->reset_task);
}

void vigb_check_link(struct vigb_adapter *ad)
{
	struct net_device *dev = ad->netdev;
	u32 status = vigb_rd32(ad, VIGB_STATUS);
	bool up = status != ~0u && (status & VIGB_STATUS_LU);

	ad->link_speed = status & VIGB_STATUS_SPEED_1000 ? SPEED_1000 :
			 status & VIGB_STATUS_SPEED_100 ? SPEED_100 : SPEED_10;
	if (up != ad->link_up) {
		ad->link_up = up;
		if (up)
			netdev_info(dev, "link up, %u Mbps, %s duplex\n",
				    ad->link_speed,
				    status & VIGB_STATUS_FD ? "full" : "half");
		else
			netdev_info(dev, "link down\n");
		vigb_vfs_link_changed(ad);
	}
	if (up && netif_running(dev) && !test_bit(VIGB_DOWN, &ad->state))
		netif_carrier_on(dev);
	else
		netif_carrier_off(dev);
}

/*
 * An RX ring a failed allocation left without buffers raises no more
 * interrupts: poll every ring that is short now and then, so it refills
 * whether or not anything is transmitted on its vector.
 */
static void vigb_rx_kick(struct vigb_adapter *ad)
{
	unsigned int i;

	if (test_bit(VIGB_DOWN, &ad->state))
		return;
	local_bh_disable();
	for (i = 0; i < ad->num_qp; i++)
		if (vigb_unused(&ad->rx_ring[i]))
			napi_schedule(&ad->qvec[i].napi);
	local_bh_enable();
}

void vigb_watchdog(struct work_struct *work)
{
	struct vigb_adapter *ad = container_of(to_delayed_work(work),
					       struct vigb_adapter, watchdog);

	if (test_bit(VIGB_REMOVING, &ad->state))
		return;
	vigb_check_link(ad);
	vigb_hw_update_stats(ad);
	vigb_vfs_watchdog(ad);
	vigb_rx_kick(ad);
	schedule_delayed_work(&ad->watchdog, 2 * HZ);
}

/* Pools the device lost go back to their holders, from pool.c's work. */
static void vigb_pools_lose(struct vigb_adapter *ad, unsigned long pools)
{
	ASSERT_RTNL();
	/* Going away: the removal revokes them, and cancels the work after. */
	if (!pools || test_bit(VIGB_REMOVING, &ad->state))
		return;
	ad->pools_lost |= pools;
	schedule_work(&ad->pools_lost_work);
}

/*
 * Reset the whole device and program it again (rtnl held). VFs lose their
 * queues and clearance with it: they are told to renegotiate, and their
 * counters are folded in first, as the device clears them.
 */
int vigb_full_reset(struct vigb_adapter *ad)
{
	bool running = netif_running(ad->netdev);
	unsigned long failed;
	int err;

	ASSERT_RTNL();
	if (test_bit(VIGB_REMOVING, &ad->state))
		return -ENODEV;
	if (running)
		vigb_down(ad);
	vigb_pools_stop(ad);
	vigb_hw_update_stats(ad);
	vigb_vfs_reset_prepare(ad);

	err = vigb_hw_reset(ad);
	if (err) {
		/*
		 * The device is in no known state, its interrupts off: the
		 * VFs hear nothing until it is reset again or unbound, and
		 * the pools go back to their holders' software paths.
		 */
		set_bit(VIGB_FAILED, &ad->state);
		vigb_pools_lose(ad, ad->reserved_pools);
		clear_bit(VIGB_RESETTING, &ad->state);
		return err;
	}
	clear_bit(VIGB_FAILED, &ad->state);
	ad->link_up = false;
	vigb_irq_enable_misc(ad);
	vigb_vfs_stats_baseline(ad);
	vigb_configure_global(ad);
	failed = vigb_pools_start(ad);
	vigb_vfs_renegotiate(ad);
	vigb_hw_start_link(ad);
	netdev_info(ad->netdev, "device reset%s\n",
		    ad->num_vfs ? ": VFs told to renegotiate" : "");
	vigb_pools_lose(ad, failed);
	return running ? vigb_up(ad) : 0;
}

/* After a hang. */
void vigb_reset_task(struct work_struct *work)
{
	struct vigb_adapter *ad = container_of(work, struct vigb_adapter,
					       reset_task);

	rtnl_lock();
	if (!test_bit(VIGB_REMOVING, &ad->state) && vigb_full_reset(ad))
		dev_close(ad->netdev);
	rtnl_unlock();
}

const struct net_device_ops vigb_netdev_ops = {
	.ndo_open		= vigb_open,
	.ndo_stop		= vigb_stop,
	.ndo_start_xmit		= vigb_xmit,
	.ndo_set_rx_mode	= vigb_set_rx_mode,
	.ndo_set_mac_address	= vigb_set_mac,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_change_mtu		= vigb_change_mtu,
	.ndo_vlan_rx_add_vid	= vigb_vlan_add,
	.ndo_vlan_rx_kill_vid	= vigb_vlan_kill,
	.ndo_set_features	= vigb_set_features,
	.ndo_get_stats64	= vigb_get_stats64,
	.ndo_tx_timeout		= vigb_tx_timeout,
	.ndo_features_check	= passthru_features_check,
	.ndo_set_vf_mac		= vigb_ndo_set_vf_mac,
	.ndo_set_vf_vlan	= vigb_ndo_set_vf_vlan,
	.ndo_set_vf_rate	= vigb_ndo_set_vf_rate,
	.ndo_set_vf_spoofchk	= vigb_ndo_set_vf_spoofchk,
	.ndo_set_vf_trust	= vigb_ndo_set_vf_trust,
	.ndo_set_vf_link_state	= vigb_ndo_set_vf_link_state,
	.ndo_get_vf_config	= vigb_ndo_get_vf_config,
	.ndo_get_vf_stats	= vigb_ndo_get_vf_stats,
};
