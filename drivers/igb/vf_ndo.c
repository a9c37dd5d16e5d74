// SPDX-License-Identifier: GPL-2.0
/*
 * viox_igb: `ip link set DEV vf N ...` and the per-VF view of `ip link`,
 * over the VF policy in vf.c: arguments are checked and refusals logged
 * here, decided there.
 */
#include <linux/etherdevice.h>
#include <linux/if_link.h>

#include "igb.h"

/* No such VF: -EINVAL, as ip link expects, with a line saying why. */
static int vigb_ndo_err(struct net_device *dev, int vf, int err)
{
	struct vigb_adapter *ad = netdev_priv(dev);

	if (err != -ENOENT)
		return err;
	netdev_err(dev, "VF %d does not exist (%u VFs)\n", vf, READ_ONCE(ad->num_vfs));
	return -EINVAL;
}

int vigb_ndo_set_vf_mac(struct net_device *dev, int vf, u8 *mac)
{
	int err;

	if (vf < 0)
		return vigb_ndo_err(dev, vf, -ENOENT);
	err = vigb_vf_set_admin_mac(netdev_priv(dev), vf, mac);
	if (err == -EADDRINUSE)
		netdev_err(dev, "VF %d: %pM is the PF's, another VF's or a pool's address\n",
			   vf, mac);
	else if (err == -EINVAL)
		netdev_err(dev, "VF %d: %pM is not a unicast address\n", vf, mac);
	return vigb_ndo_err(dev, vf, err);
}

int vigb_ndo_set_vf_vlan(struct net_device *dev, int vf, u16 vlan, u8 qos,
			 __be16 proto)
{
	int err;

	if (proto != htons(ETH_P_8021Q))
		return -EPROTONOSUPPORT;
	if (vlan > VLAN_VID_MASK || qos > 7)
		return -EINVAL;
	if (vf < 0)
		return vigb_ndo_err(dev, vf, -ENOENT);
	err = vigb_vf_set_port_vlan(netdev_priv(dev), vf, vlan, qos);
	if (err == -ENOSPC)
		netdev_err(dev, "VF %d: no free VLAN filter for VLAN %u\n", vf, vlan);
	return vigb_ndo_err(dev, vf, err);
}

int vigb_ndo_set_vf_rate(struct net_device *dev, int vf, int min, int max)
{
	struct vigb_adapter *ad = netdev_priv(dev);
	int err;

	if (min) {
		netdev_err(dev, "VF %d: a minimum rate is not supported\n", vf);
		return -EOPNOTSUPP;
	}
	if (vf < 0)
		return vigb_ndo_err(dev, vf, -ENOENT);
	err = max < 0 ? -ERANGE : vigb_vf_set_max_rate(ad, vf, max);
	if (err == -ERANGE) {
		netdev_err(dev, "VF %d: rate %d Mbit/s is above the link's %u\n",
			   vf, max, ad->link_speed);
		return -EINVAL;
	}
	if (!err)
		vigb_devlink_rate_sync(ad, vf);
	return vigb_ndo_err(dev, vf, err);
}

int vigb_ndo_set_vf_spoofchk(struct net_device *dev, int vf, bool on)
{
	if (vf < 0)
		return vigb_ndo_err(dev, vf, -ENOENT);
	return vigb_ndo_err(dev, vf, vigb_vf_set_spoofchk(netdev_priv(dev), vf, on));
}

int vigb_ndo_set_vf_trust(struct net_device *dev, int vf, bool on)
{
	if (vf < 0)
		return vigb_ndo_err(dev, vf, -ENOENT);
	return vigb_ndo_err(dev, vf, vigb_vf_set_trust(netdev_priv(dev), vf, on));
}

int vigb_ndo_set_vf_link_state(struct net_device *dev, int vf, int state)
{
	if (state != IFLA_VF_LINK_STATE_AUTO &&
	    state != IFLA_VF_LINK_STATE_ENABLE &&
	    state != IFLA_VF_LINK_STATE_DISABLE)
		return -EINVAL;
	if (vf < 0)
		return vigb_ndo_err(dev, vf, -ENOENT);
	return vigb_ndo_err(dev, vf,
			    vigb_vf_set_link_state(netdev_priv(dev), vf, state));
}

int vigb_ndo_get_vf_config(struct net_device *dev, int vf,
			   struct ifla_vf_info *ivi)
{
	struct vigb_vf_info info;
	int err;

	if (vf < 0)
		return vigb_ndo_err(dev, vf, -ENOENT);
	err = vigb_vf_get_info(netdev_priv(dev), vf, &info);
	if (err)
		return vigb_ndo_err(dev, vf, err);
	ivi->vf = vf;
	ether_addr_copy(ivi->mac, info.mac);
	ivi->vlan = info.port_vlan;
	ivi->qos = info.port_qos;
	ivi->vlan_proto = htons(ETH_P_8021Q);
	ivi->max_tx_rate = info.max_tx_rate;
	ivi->min_tx_rate = 0;
	ivi->spoofchk = info.spoofchk;
	ivi->trusted = info.trusted;
	ivi->linkstate = info.link_state;
	return 0;
}

int vigb_ndo_get_vf_stats(struct net_device *dev, int vf,
			  struct ifla_vf_stats *st)
{
	struct vigb_vf_stats s;
	int err;

	if (vf < 0)
		return vigb_ndo_err(dev, vf, -ENOENT);
	err = vigb_vf_get_stats(netdev_priv(dev), vf, &s);
	if (err)
		return vigb_ndo_err(dev, vf, err);
	st->rx_packets = s.rx_packets;
	st->tx_packets = s.tx_packets;
	st->rx_bytes = s.rx_bytes;
	st->tx_bytes = s.tx_bytes;
	st->multicast = s.rx_multicast;
	return 0;
}
