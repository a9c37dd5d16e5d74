// SPDX-License-Identifier: GPL-2.0
/* viox_igb: `ip link set DEV vf N ...` and the per-VF view of `ip link`. */
#include <linux/etherdevice.h>
#include <linux/if_link.h>

#include "igb.h"

static struct vigb_adapter *vigb_vf_lock(struct net_device *dev, int vf)
{
	struct vigb_adapter *ad = netdev_priv(dev);

	mutex_lock(&ad->vf_lock);
	if (vf < 0 || vf >= ad->num_vfs) {
		mutex_unlock(&ad->vf_lock);
		netdev_err(dev, "VF %d does not exist (%u VFs)\n", vf, ad->num_vfs);
		return NULL;
	}
	return ad;
}

/*
 * An admin address (all zeroes: the VF's own choice again): -EINVAL for
 * one that is not unicast, -EADDRINUSE for one the PF, another VF or a
 * pool has.
 */
int vigb_vf_set_admin_mac(struct vigb_adapter *ad, unsigned int vf, const u8 *mac)
{
	struct vigb_vf *v;
	int err;

	if (!is_zero_ether_addr(mac) && !is_valid_ether_addr(mac))
		return -EINVAL;
	mutex_lock(&ad->vf_lock);
	if (vf >= ad->num_vfs) {
		mutex_unlock(&ad->vf_lock);
		return -EINVAL;
	}
	v = &ad->vfs[vf];
	err = vigb_rar_claim(ad, VIGB_VF_RAR(vf), mac, BIT(vf));
	if (err) {
		mutex_unlock(&ad->vf_lock);
		return err;
	}
	v->admin_mac = !is_zero_ether_addr(mac);
	if (!ether_addr_equal(v->mac, mac)) {
		ether_addr_copy(v->old_mac, v->mac);
		v->mac_pending = true;
	}
	ether_addr_copy(v->admin_addr, mac);
	ether_addr_copy(v->mac, mac);
	vigb_vf_apply(ad, vf);
	/* igbvf learns its address at reset: make it renegotiate now. */
	vigb_vf_ping(ad, vf, true);
	mutex_unlock(&ad->vf_lock);
	netdev_info(ad->netdev, "VF %u address %pM%s\n", vf, mac,
		    is_zero_ether_addr(mac) ? " (the VF's choice)" : " (admin-set)");
	return 0;
}

int vigb_ndo_set_vf_mac(struct net_device *dev, int vf, u8 *mac)
{
	struct vigb_adapter *ad = netdev_priv(dev);
	int err;

	if (vf < 0 || vf >= ad->num_vfs) {
		netdev_err(dev, "VF %d does not exist (%u VFs)\n", vf, ad->num_vfs);
		return -EINVAL;
	}
	err = vigb_vf_set_admin_mac(ad, vf, mac);
	if (err == -EADDRINUSE)
		netdev_err(dev, "VF %d: %pM is the PF's, another VF's or a pool's address\n",
			   vf, mac);
	else if (err)
		netdev_err(dev, "VF %d: %pM is not a unicast address\n", vf, mac);
	return err;
}

int vigb_ndo_set_vf_vlan(struct net_device *dev, int vf, u16 vlan, u8 qos,
			 __be16 proto)
{
	struct vigb_adapter *ad;
	struct vigb_vf *v;
	int err = 0;

	if (proto != htons(ETH_P_8021Q))
		return -EPROTONOSUPPORT;
	if (vlan > VLAN_VID_MASK || qos > 7)
		return -EINVAL;
	ad = vigb_vf_lock(dev, vf);
	if (!ad)
		return -EINVAL;
	v = &ad->vfs[vf];
	if (vlan == v->port_vlan && qos == v->port_qos)
		goto out;
	if (vlan) {
		err = vigb_vlvf_set(ad, vlan, vf, true);
		if (err) {
			netdev_err(dev, "VF %d: no free VLAN filter for VLAN %u\n",
				   vf, vlan);
			goto out;
		}
	}
	if (v->port_vlan && v->port_vlan != vlan &&
	    !test_bit(v->port_vlan, v->vlans))
		vigb_vlvf_set(ad, v->port_vlan, vf, false);
	v->port_vlan = vlan;
	v->port_qos = vlan ? qos : 0;
	vigb_vf_apply(ad, vf);
out:
	mutex_unlock(&ad->vf_lock);
	return err;
}

int vigb_ndo_set_vf_rate(struct net_device *dev, int vf, int min, int max)
{
	struct vigb_adapter *ad = netdev_priv(dev);

	if (min) {
		netdev_err(dev, "VF %d: a minimum rate is not supported\n", vf);
		return -EOPNOTSUPP;
	}
	if (max < 0 || (ad->link_speed && max > ad->link_speed)) {
		netdev_err(dev, "VF %d: rate %d Mbit/s is above the link's %u\n",
			   vf, max, ad->link_speed);
		return -EINVAL;
	}
	ad = vigb_vf_lock(dev, vf);
	if (!ad)
		return -EINVAL;
	ad->vfs[vf].max_tx_rate = max;
	vigb_vf_set_rate(ad, vf);
	vigb_devlink_rate_sync(ad, vf);
	mutex_unlock(&ad->vf_lock);
	return 0;
}

int vigb_ndo_set_vf_spoofchk(struct net_device *dev, int vf, bool on)
{
	struct vigb_adapter *ad = vigb_vf_lock(dev, vf);

	if (!ad)
		return -EINVAL;
	ad->vfs[vf].spoofchk = on;
	vigb_vf_apply(ad, vf);
	mutex_unlock(&ad->vf_lock);
	return 0;
}

/*
 * Trust revoked: what only trust allowed goes. The admin's address comes
 * back (the VF is told to renegotiate to learn it), VLANs it added under
 * a port VLAN and multicast promiscuity are dropped.
 */
static void vigb_vf_untrust(struct vigb_adapter *ad, unsigned int vf)
{
	struct vigb_vf *v = &ad->vfs[vf];
	bool renegotiate = false;
	unsigned int vid;

	lockdep_assert_held(&ad->vf_lock);
	if (v->admin_mac && !ether_addr_equal(v->mac, v->admin_addr)) {
		ether_addr_copy(v->old_mac, v->mac);
		ether_addr_copy(v->mac, v->admin_addr);
		v->mac_pending = true;
		renegotiate = true;
	}
	if (v->port_vlan) {
		for_each_set_bit(vid, v->vlans, VLAN_N_VID)
			vigb_vlvf_set(ad, vid, vf, vid == v->port_vlan);
		bitmap_zero(v->vlans, VLAN_N_VID);
	}
	v->mc_promisc = false;
	vigb_vf_apply(ad, vf);
	if (renegotiate)
		vigb_vf_ping(ad, vf, true);
}

int vigb_ndo_set_vf_trust(struct net_device *dev, int vf, bool on)
{
	struct vigb_adapter *ad = vigb_vf_lock(dev, vf);
	struct vigb_vf *v;

	if (!ad)
		return -EINVAL;
	v = &ad->vfs[vf];
	if (v->trusted && !on)
		vigb_vf_untrust(ad, vf);
	v->trusted = on;
	mutex_unlock(&ad->vf_lock);
	return 0;
}

int vigb_vf_set_link_state(struct vigb_adapter *ad, unsigned int vf, int state)
{
	mutex_lock(&ad->vf_lock);
	if (vf >= ad->num_vfs) {
		mutex_unlock(&ad->vf_lock);
		return -EINVAL;
	}
	ad->vfs[vf].link_state = state;
	/* Disabled: the pool's queues stop and the VF loses carrier. */
	vigb_vf_apply(ad, vf);
	vigb_vf_ping(ad, vf, false);
	mutex_unlock(&ad->vf_lock);
	return 0;
}

int vigb_ndo_set_vf_link_state(struct net_device *dev, int vf, int state)
{
	struct vigb_adapter *ad = netdev_priv(dev);

	if (state != IFLA_VF_LINK_STATE_AUTO &&
	    state != IFLA_VF_LINK_STATE_ENABLE &&
	    state != IFLA_VF_LINK_STATE_DISABLE)
		return -EINVAL;
	if (vf < 0 || vigb_vf_set_link_state(ad, vf, state)) {
		netdev_err(dev, "VF %d does not exist (%u VFs)\n", vf, ad->num_vfs);
		return -EINVAL;
	}
	return 0;
}

int vigb_ndo_get_vf_config(struct net_device *dev, int vf,
			   struct ifla_vf_info *ivi)
{
	struct vigb_adapter *ad = vigb_vf_lock(dev, vf);
	struct vigb_vf *v;

	if (!ad)
		return -EINVAL;
	v = &ad->vfs[vf];
	ivi->vf = vf;
	ether_addr_copy(ivi->mac, v->mac);
	ivi->vlan = v->port_vlan;
	ivi->qos = v->port_qos;
	ivi->vlan_proto = htons(ETH_P_8021Q);
	ivi->max_tx_rate = v->max_tx_rate;
	ivi->min_tx_rate = 0;
	ivi->spoofchk = v->spoofchk;
	ivi->trusted = v->trusted;
	ivi->linkstate = v->link_state;
	mutex_unlock(&ad->vf_lock);
	return 0;
}

int vigb_ndo_get_vf_stats(struct net_device *dev, int vf,
			  struct ifla_vf_stats *st)
{
	struct vigb_adapter *ad = vigb_vf_lock(dev, vf);
	struct vigb_vf_stats *s;

	if (!ad)
		return -EINVAL;
	vigb_vf_update_stats(ad, vf);
	s = &ad->vfs[vf].stats;
	st->rx_packets = s->rx_packets;
	st->tx_packets = s->tx_packets;
	st->rx_bytes = s->rx_bytes;
	st->tx_bytes = s->tx_bytes;
	st->multicast = s->rx_multicast;
	mutex_unlock(&ad->vf_lock);
	return 0;
}
