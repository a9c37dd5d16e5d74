// SPDX-License-Identifier: GPL-2.0
/*
 * viox_igb: the VFs' state and the policy on it. Whatever a VF asks
 * through its mailbox (mbx.c) and whatever the admin sets through
 * `ip link set vf` (vf_ndo.c) or devlink (devlink.c) is decided here, and
 * here only, against the same rules; those front ends parse, log and
 * count. What a VF's pool holds in the hardware is programmed from
 * vfs[vf] by vigb_vf_apply().
 *
 * A VF's request is refused with:
 *   -EINVAL      a malformed request (counted as malformed)
 *   -EPERM       one the admin's settings forbid: a spoof attempt
 *   -EADDRINUSE  an address the PF, another VF or a pool holds: a spoof
 *                attempt too
 *   -EACCES      one that needs trust the VF does not have (not counted)
 *   -EAGAIN      the VF must reset first
 *   -ENOSPC      no room left in the VF's quota or in the filters
 * Admin calls return -ENOENT for a VF that does not exist.
 */
#include <linux/etherdevice.h>
#include <linux/if_link.h>

#include "igb.h"

/* VFs as sriov_numvfs creates them: nothing set, spoof checking on. */
struct vigb_vf *vigb_vfs_alloc(unsigned int num_vfs)
{
	struct vigb_vf *vfs = kcalloc(num_vfs, sizeof(*vfs), GFP_KERNEL);
	unsigned int vf;

	if (!vfs)
		return NULL;
	for (vf = 0; vf < num_vfs; vf++) {
		vfs[vf].spoofchk = true;
		vfs[vf].link_state = IFLA_VF_LINK_STATE_AUTO;
		vfs[vf].rlpml = ETH_FRAME_LEN + ETH_FCS_LEN;
		vfs[vf].window = jiffies;
	}
	return vfs;
}

/* The VFs' share of the MTA, from every VF's multicast hashes. */
void vigb_vf_mta_rebuild(struct vigb_adapter *ad)
{
	u32 mta[VIGB_MTA_REGS] = {};
	unsigned long flags;
	unsigned int vf, i;

	lockdep_assert_held(&ad->vf_lock);
	for (vf = 0; vf < ad->num_vfs; vf++)
		for (i = 0; i < ad->vfs[vf].num_mc; i++) {
			u16 h = ad->vfs[vf].mc_hash[i] & 0xfff;

			mta[h >> 5] |= BIT(h & 31);
		}
	spin_lock_irqsave(&ad->mta_lock, flags);
	memcpy(ad->vf_mta, mta, sizeof(mta));
	spin_unlock_irqrestore(&ad->mta_lock, flags);
	vigb_mta_write(ad);
}

static u32 vigb_vf_vmolr(struct vigb_adapter *ad, unsigned int vf)
{
	struct vigb_vf *v = &ad->vfs[vf];
	u32 vmolr = VIGB_VMOLR_BAM | VIGB_VMOLR_STRCRC | VIGB_VMOLR_LPE |
		    (v->rlpml & VIGB_VMOLR_RLPML_MASK);

	/* A port VLAN: the VF sees only its VLAN, untagged. */
	if (v->port_vlan)
		vmolr |= VIGB_VMOLR_STRVLAN;
	else
		vmolr |= VIGB_VMOLR_AUPE;
	if (v->num_mc)
		vmolr |= VIGB_VMOLR_ROMPE;
	if (v->mc_promisc)
		vmolr |= VIGB_VMOLR_MPME;
	return vmolr;
}

/* The VF's transmit limiter; its factors depend on the link speed. */
static void vigb_vf_write_rate(struct vigb_adapter *ad, unsigned int vf)
{
	u32 rate = ad->vfs[vf].max_tx_rate, speed = ad->link_speed, bcnrc = 0;

	if (rate && speed) {
		u32 rf_int = speed / rate;
		u32 rf_dec = ((speed - rf_int * rate) <<
			      VIGB_RTTBCNRC_RF_INT_SHIFT) / rate;

		bcnrc = VIGB_RTTBCNRC_RS_ENA |
			(rf_int << VIGB_RTTBCNRC_RF_INT_SHIFT) |
			(rf_dec & VIGB_RTTBCNRC_RF_DEC_MASK);
	}
	vigb_wr32(ad, VIGB_RTTDQSEL, vf);	/* VF n transmits on queue n */
	vigb_wr32(ad, VIGB_RTTBCNRM, 0x14);	/* compensation for 9.5K frames */
	vigb_wr32(ad, VIGB_RTTBCNRC, bcnrc);
}

/* Program everything the hardware holds for one VF from vfs[vf]. */
void vigb_vf_apply(struct vigb_adapter *ad, unsigned int vf)
{
	struct vigb_vf *v = &ad->vfs[vf];
	u32 dtxswc = vigb_rd32(ad, VIGB_DTXSWC);

	lockdep_assert_held(&ad->vf_lock);
	/* Its standby takes the MAC before the VF may stop receiving... */
	vigb_standby_sync(ad, vf, false);
	vigb_rar_set(ad, VIGB_VF_RAR(vf), v->mac, vigb_vf_rx_pools(ad, vf));
	vigb_wr32(ad, VIGB_VMOLR(vf), vigb_vf_vmolr(ad, vf));
	vigb_wr32(ad, VIGB_VMVIR(vf), v->port_vlan ?
		  VIGB_VMVIR_DEFAULT | v->port_vlan | (v->port_qos << 13) : 0);
	if (v->spoofchk)
		dtxswc |= VIGB_DTXSWC_MAC_SPOOF(vf) | VIGB_DTXSWC_VLAN_SPOOF(vf);
	else
		dtxswc &= ~(VIGB_DTXSWC_MAC_SPOOF(vf) | VIGB_DTXSWC_VLAN_SPOOF(vf));
	vigb_wr32(ad, VIGB_DTXSWC, dtxswc);
	vigb_vf_write_rate(ad, vf);
	vigb_hw_pool_gates(ad, vf, v->cts && vigb_vf_link_allowed(ad, vf));
	/* ...and gives it back once the VF receives again. */
	vigb_standby_sync(ad, vf, true);
}

/* Every VF's VLAN filters and pool, on a VMDq layout programmed anew. */
void vigb_vfs_program(struct vigb_adapter *ad)
{
	unsigned int vf, vid;

	lockdep_assert_held(&ad->vf_lock);
	vigb_standbys_program(ad);
	for (vf = 0; vf < ad->num_vfs; vf++) {
		struct vigb_vf *v = &ad->vfs[vf];

		if (v->port_vlan)
			vigb_vlvf_set(ad, v->port_vlan, vf, true);
		for_each_set_bit(vid, v->vlans, VLAN_N_VID)
			vigb_vlvf_set(ad, vid, vf, true);
		vigb_vf_apply(ad, vf);
	}
	vigb_vf_mta_rebuild(ad);
}

/* The VLANs a VF asked for go; its port VLAN, the admin's, stays. */
static void vigb_vf_drop_vlans(struct vigb_adapter *ad, unsigned int vf)
{
	struct vigb_vf *v = &ad->vfs[vf];
	unsigned int vid;

	for_each_set_bit(vid, v->vlans, VLAN_N_VID)
		vigb_vlvf_set(ad, vid, vf, vid == v->port_vlan);
	bitmap_zero(v->vlans, VLAN_N_VID);
}

/*
 * What a function level reset clears: the VF's own filters and its right
 * to send requests. What the admin set, and the VF's address, stay.
 */
void vigb_vf_reset(struct vigb_adapter *ad, unsigned int vf)
{
	struct vigb_vf *v = &ad->vfs[vf];

	lockdep_assert_held(&ad->vf_lock);
	v->cts = false;
	vigb_hw_pool_gates(ad, vf, false);
	vigb_vf_drop_vlans(ad, vf);
	v->num_mc = 0;
	v->mc_promisc = false;
	v->rlpml = ETH_FRAME_LEN + ETH_FCS_LEN;
	/* The address stays: a reloaded VF driver gets the same one back. */
	vigb_vf_mta_rebuild(ad);
	vigb_vf_apply(ad, vf);
}

/* VF 0's counters in struct vigb_vf_stats order; VF n's are 0x100 * n further. */
static const u32 vigb_vf_stat_regs[5] = {
	VIGB_PVFGPRC(0), VIGB_PVFGPTC(0), VIGB_PVFGORC(0),
	VIGB_PVFGOTC(0), VIGB_PVFMPRC(0),
};

static void vigb_vf_update_stats(struct vigb_adapter *ad, unsigned int vf)
{
	struct vigb_vf_stats *s = &ad->vfs[vf].stats;
	u64 *acc[5] = { &s->rx_packets, &s->tx_packets, &s->rx_bytes,
			&s->tx_bytes, &s->rx_multicast };
	unsigned int i;

	lockdep_assert_held(&ad->vf_lock);
	for (i = 0; i < 5; i++) {
		u32 now = vigb_rd32(ad, vigb_vf_stat_regs[i] + 0x100 * vf);

		*acc[i] += (u32)(now - s->last[i]);
		s->last[i] = now;
	}
}

/* Every VF's counters folded in, often enough that none wraps twice. */
void vigb_vfs_update_stats(struct vigb_adapter *ad)
{
	unsigned int vf;

	mutex_lock(&ad->vf_lock);
	for (vf = 0; vf < ad->num_vfs; vf++)
		vigb_vf_update_stats(ad, vf);
	mutex_unlock(&ad->vf_lock);
}

/*
 * The device is about to be reset: the VFs lose their queues and their
 * clearance, and their counters are folded in first, as it clears them.
 * The mailbox is left alone until vigb_vfs_renegotiate(): a VF answered
 * from a device half programmed would keep what it got. Renegotiation
 * turns restart then, for the VFs that had a driver (clearance) only: one
 * with none would hold the others back a turn for nothing.
 */
void vigb_vfs_reset_prepare(struct vigb_adapter *ad)
{
	unsigned int vf;

	mutex_lock(&ad->vf_lock);
	set_bit(VIGB_RESETTING, &ad->state);
	ad->turn_until = 0;
	for (vf = 0; vf < ad->num_vfs; vf++) {
		struct vigb_vf *v = &ad->vfs[vf];

		vigb_vf_update_stats(ad, vf);
		/* Configured, or still told to after an earlier reset. */
		v->rejoin = v->cts || v->nudge_until;
		v->cts = false;
		v->nudge_until = 0;
	}
	mutex_unlock(&ad->vf_lock);
}

/* The counters start again from what the device holds now. */
void vigb_vfs_stats_baseline(struct vigb_adapter *ad)
{
	unsigned int vf, i;

	mutex_lock(&ad->vf_lock);
	for (vf = 0; vf < ad->num_vfs; vf++)
		for (i = 0; i < 5; i++)
			ad->vfs[vf].stats.last[i] =
				vigb_rd32(ad, vigb_vf_stat_regs[i] + 0x100 * vf);
	mutex_unlock(&ad->vf_lock);
}

/*
 * After a device reset: every VF must reset and fetch its settings. Each
 * is told so once; the ones that had clearance are reminded in turns until
 * they do. A VF that already asked (a request or a function reset the
 * mailbox work has yet to see) is not told: the message would overwrite
 * its request. The mailbox work serves it.
 */
void vigb_vfs_renegotiate(struct vigb_adapter *ad)
{
	unsigned int vf;
	u32 flr, req;

	mutex_lock(&ad->vf_lock);
	clear_bit(VIGB_RESETTING, &ad->state);
	flr = vigb_rd32(ad, VIGB_VFLRE);
	req = vigb_rd32(ad, VIGB_MBVFICR);
	for (vf = 0; vf < ad->num_vfs; vf++) {
		struct vigb_vf *v = &ad->vfs[vf];

		if ((flr & BIT(vf)) || (req & VIGB_MBVFICR_REQ(vf))) {
			if (v->rejoin)
				vigb_vf_renegotiate(ad, vf);
		} else {
			vigb_vf_ping(ad, vf, v->rejoin);
		}
		v->rejoin = false;
	}
	if (ad->num_vfs)
		mod_delayed_work(vigb_mbx_wq, &ad->mbx_work, 0);
	mutex_unlock(&ad->vf_lock);
}

/* The link changed: rate factors follow its speed, and VFs want to know. */
void vigb_vfs_link_changed(struct vigb_adapter *ad)
{
	unsigned int vf;

	mutex_lock(&ad->vf_lock);
	for (vf = 0; vf < ad->num_vfs; vf++)
		vigb_vf_write_rate(ad, vf);
	vigb_vf_ping_all(ad);
	mutex_unlock(&ad->vf_lock);
}

/* The watchdog's round: counters, and VFs slow to renegotiate. */
void vigb_vfs_watchdog(struct vigb_adapter *ad)
{
	unsigned int vf;

	mutex_lock(&ad->vf_lock);
	for (vf = 0; vf < ad->num_vfs; vf++)
		vigb_vf_update_stats(ad, vf);
	vigb_vf_nudge(ad);
	mutex_unlock(&ad->vf_lock);
}

/* The admin's calls: vf_lock taken, and the VF looked up, under it. */
static struct vigb_vf *vigb_vf_lock(struct vigb_adapter *ad, unsigned int vf)
{
	mutex_lock(&ad->vf_lock);
	if (vf < ad->num_vfs)
		return &ad->vfs[vf];
	mutex_unlock(&ad->vf_lock);
	return NULL;
}

/**
 * vigb_vf_set_admin_mac - the admin gives a VF its address
 * @ad: the adapter
 * @vf: the VF
 * @mac: the address; all zeroes makes it the VF's own choice again
 *
 * Return: 0, -EINVAL for an address that is not unicast, -EADDRINUSE for
 * one the PF, another VF or a pool has, -ENOENT for no such VF.
 */
int vigb_vf_set_admin_mac(struct vigb_adapter *ad, unsigned int vf, const u8 *mac)
{
	struct vigb_vf *v;
	int err;

	if (!is_zero_ether_addr(mac) && !is_valid_ether_addr(mac))
		return -EINVAL;
	v = vigb_vf_lock(ad, vf);
	if (!v)
		return -ENOENT;
	err = vigb_rar_claim(ad, VIGB_VF_RAR(vf), mac,
			     vigb_vf_rx_pools(ad, vf));
	if (err)
		goto out;
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
out:
	mutex_unlock(&ad->vf_lock);
	if (!err)
		netdev_info(ad->netdev, "VF %u address %pM%s\n", vf, mac,
			    is_zero_ether_addr(mac) ? " (the VF's choice)" : " (admin-set)");
	return err;
}

/**
 * vigb_vf_set_port_vlan - the admin puts a VF in a VLAN, or takes it out
 * @ad: the adapter
 * @vf: the VF
 * @vlan: the VLAN its frames are tagged with on the wire, 0 for none
 * @qos: their priority
 *
 * Return: 0, -ENOSPC when no VLAN filter is free, -ENOENT for no such VF.
 */
int vigb_vf_set_port_vlan(struct vigb_adapter *ad, unsigned int vf, u16 vlan,
			  u8 qos)
{
	struct vigb_vf *v = vigb_vf_lock(ad, vf);
	int err = 0;

	if (!v)
		return -ENOENT;
	if (vlan == v->port_vlan && qos == v->port_qos)
		goto out;
	if (vlan) {
		err = vigb_vlvf_set(ad, vlan, vf, true);
		if (err)
			goto out;
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

/**
 * vigb_vf_set_max_rate - limit what a VF transmits
 * @ad: the adapter
 * @vf: the VF
 * @mbps: Mbit/s, 0 for no limit
 *
 * Return: 0, -ERANGE above the link's speed, -ENOENT for no such VF.
 */
int vigb_vf_set_max_rate(struct vigb_adapter *ad, unsigned int vf, u32 mbps)
{
	struct vigb_vf *v;

	if (ad->link_speed && mbps > ad->link_speed)
		return -ERANGE;
	v = vigb_vf_lock(ad, vf);
	if (!v)
		return -ENOENT;
	v->max_tx_rate = mbps;
	vigb_vf_write_rate(ad, vf);
	mutex_unlock(&ad->vf_lock);
	return 0;
}

int vigb_vf_set_spoofchk(struct vigb_adapter *ad, unsigned int vf, bool on)
{
	struct vigb_vf *v = vigb_vf_lock(ad, vf);

	if (!v)
		return -ENOENT;
	v->spoofchk = on;
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

	lockdep_assert_held(&ad->vf_lock);
	if (v->admin_mac && !ether_addr_equal(v->mac, v->admin_addr)) {
		ether_addr_copy(v->old_mac, v->mac);
		ether_addr_copy(v->mac, v->admin_addr);
		v->mac_pending = true;
		renegotiate = true;
	}
	if (v->port_vlan)
		vigb_vf_drop_vlans(ad, vf);
	v->mc_promisc = false;
	vigb_vf_apply(ad, vf);
	if (renegotiate)
		vigb_vf_ping(ad, vf, true);
}

int vigb_vf_set_trust(struct vigb_adapter *ad, unsigned int vf, bool on)
{
	struct vigb_vf *v = vigb_vf_lock(ad, vf);

	if (!v)
		return -ENOENT;
	if (v->trusted && !on)
		vigb_vf_untrust(ad, vf);
	v->trusted = on;
	mutex_unlock(&ad->vf_lock);
	return 0;
}

/* IFLA_VF_LINK_STATE_*: disabled, the pool stops and the VF loses carrier. */
int vigb_vf_set_link_state(struct vigb_adapter *ad, unsigned int vf, int state)
{
	struct vigb_vf *v = vigb_vf_lock(ad, vf);

	if (!v)
		return -ENOENT;
	v->link_state = state;
	vigb_vf_apply(ad, vf);
	vigb_vf_ping(ad, vf, false);
	mutex_unlock(&ad->vf_lock);
	return 0;
}

/* What the admin sees of a VF. */
int vigb_vf_get_info(struct vigb_adapter *ad, unsigned int vf,
		     struct vigb_vf_info *info)
{
	struct vigb_vf *v = vigb_vf_lock(ad, vf);

	if (!v)
		return -ENOENT;
	ether_addr_copy(info->mac, v->mac);
	info->port_vlan = v->port_vlan;
	info->port_qos = v->port_qos;
	info->max_tx_rate = v->max_tx_rate;
	info->spoofchk = v->spoofchk;
	info->trusted = v->trusted;
	info->link_state = v->link_state;
	info->attached = v->cts;
	mutex_unlock(&ad->vf_lock);
	return 0;
}

int vigb_vf_get_stats(struct vigb_adapter *ad, unsigned int vf,
		      struct vigb_vf_stats *stats)
{
	struct vigb_vf *v = vigb_vf_lock(ad, vf);

	if (!v)
		return -ENOENT;
	vigb_vf_update_stats(ad, vf);
	*stats = v->stats;
	mutex_unlock(&ad->vf_lock);
	return 0;
}

/*
 * The VF's own requests, from its mailbox; vf_lock is held.
 *
 * VF_RESET: the VF's filters go, it gets its clearance and an address.
 * igbvf falls back to the address the reply gives whenever an address
 * change is refused (one racing a loss of clearance, say); given none, it
 * falls back to zeros it can never set, and stays without an address. So
 * a VF without one gets a random one nobody else holds.
 */
void vigb_vf_req_reset(struct vigb_adapter *ad, unsigned int vf, u8 *mac)
{
	struct vigb_vf *v = &ad->vfs[vf];

	lockdep_assert_held(&ad->vf_lock);
	vigb_vf_reset(ad, vf);
	if (!is_valid_ether_addr(v->mac))
		eth_random_addr(v->mac);
	while (!v->admin_mac && vigb_rar_taken(ad, v->mac, VIGB_VF_RAR(vf)))
		eth_random_addr(v->mac);
	v->cts = true;
	v->mac_pending = false;
	vigb_vf_apply(ad, vf);
	ether_addr_copy(mac, v->mac);
}

int vigb_vf_req_mac(struct vigb_adapter *ad, unsigned int vf, const u8 *mac)
{
	struct vigb_vf *v = &ad->vfs[vf];

	lockdep_assert_held(&ad->vf_lock);
	if (!is_valid_ether_addr(mac)) {
		dev_warn_ratelimited(&ad->pdev->dev,
				     "VF %u asked for invalid address %pM\n", vf, mac);
		return -EINVAL;
	}
	if (v->admin_mac && !v->trusted && !ether_addr_equal(mac, v->mac)) {
		/*
		 * The address it had before the admin's: the VF never
		 * learnt the new one (igbvf learns it only from a reset
		 * reply). Tell it to reset rather than count a spoof.
		 */
		if (ether_addr_equal(mac, v->old_mac)) {
			/* Right after that reply igbvf tries its old one once. */
			if (!v->mac_pending)
				return -EACCES;
			dev_info_ratelimited(&ad->pdev->dev,
					     "VF %u still uses %pM, not its admin-set %pM: told to reset\n",
					     vf, mac, v->mac);
			vigb_vf_renegotiate(ad, vf);
			return -EAGAIN;
		}
		dev_warn_ratelimited(&ad->pdev->dev,
				     "VF %u may not change its admin-set address %pM to %pM (not trusted)\n",
				     vf, v->mac, mac);
		return -EPERM;
	}
	if (vigb_rar_claim(ad, VIGB_VF_RAR(vf), mac,
			   vigb_vf_rx_pools(ad, vf))) {
		dev_warn_ratelimited(&ad->pdev->dev,
				     "VF %u may not take %pM: the PF, another VF or a pool has it\n",
				     vf, mac);
		return -EADDRINUSE;
	}
	ether_addr_copy(v->mac, mac);
	vigb_vf_apply(ad, vf);
	return 0;
}

int vigb_vf_req_multicast(struct vigb_adapter *ad, unsigned int vf,
			  const u16 *hash, unsigned int n)
{
	struct vigb_vf *v = &ad->vfs[vf];
	unsigned int i;

	lockdep_assert_held(&ad->vf_lock);
	if (n > VIGB_VF_MC_HASHES) {
		dev_warn_ratelimited(&ad->pdev->dev,
				     "VF %u sent %u multicast hashes, at most %u fit\n",
				     vf, n, VIGB_VF_MC_HASHES);
		return -EINVAL;
	}
	for (i = 0; i < n; i++)
		v->mc_hash[i] = hash[i] & 0xfff;
	v->num_mc = n;
	vigb_vf_mta_rebuild(ad);
	vigb_vf_apply(ad, vf);
	return 0;
}

/* Whether vid is the port VLAN of a VF other than vf. */
static bool vigb_vlan_is_port_vlan(struct vigb_adapter *ad, u16 vid,
				   unsigned int vf)
{
	unsigned int i;

	for (i = 0; i < ad->num_vfs; i++)
		if (i != vf && ad->vfs[i].port_vlan == vid)
			return true;
	return false;
}

/* @vid as the VF sent it: a VLAN ID, or a value out of range. */
int vigb_vf_req_vlan(struct vigb_adapter *ad, unsigned int vf, u32 vid,
		     bool add)
{
	struct vigb_vf *v = &ad->vfs[vf];
	int err;

	lockdep_assert_held(&ad->vf_lock);
	/* VLAN 0 is priority tagging: untagged filters cover it. */
	if (!vid)
		return 0;
	if (v->port_vlan && !v->trusted) {
		dev_warn_ratelimited(&ad->pdev->dev,
				     "VF %u may not change VLANs under admin VLAN %u\n",
				     vf, v->port_vlan);
		return -EPERM;
	}
	if (vid > VLAN_VID_MASK)
		return -EINVAL;
	if (add == test_bit(vid, v->vlans))
		return 0;
	if (!add) {
		clear_bit(vid, v->vlans);
		/* Its port VLAN is the admin's: it stays. */
		return vigb_vlvf_set(ad, vid, vf, vid == v->port_vlan);
	}
	if (vigb_vlan_is_port_vlan(ad, vid, vf)) {
		dev_warn_ratelimited(&ad->pdev->dev,
				     "VF %u may not join VLAN %u, another VF's port VLAN\n",
				     vf, vid);
		return -EPERM;
	}
	if (bitmap_weight(v->vlans, VLAN_N_VID) >= VIGB_VF_VLANS) {
		dev_warn_ratelimited(&ad->pdev->dev,
				     "VF %u asked for more than %u VLANs\n",
				     vf, VIGB_VF_VLANS);
		return -ENOSPC;
	}
	err = vigb_vlvf_join(ad, vid, vf);
	if (err) {
		dev_warn_ratelimited(&ad->pdev->dev,
				     "VF %u: no free VLAN filter for VLAN %u\n", vf, vid);
		return err;
	}
	set_bit(vid, v->vlans);
	return 0;
}

/* The largest frame the VF takes, FCS included. */
int vigb_vf_req_max_frame(struct vigb_adapter *ad, unsigned int vf, u32 len)
{
	lockdep_assert_held(&ad->vf_lock);
	if (len < ETH_ZLEN || len > VIGB_MAX_FRAME) {
		dev_warn_ratelimited(&ad->pdev->dev,
				     "VF %u asked for frames of %u bytes (64-%u allowed)\n",
				     vf, len, VIGB_MAX_FRAME);
		return -EINVAL;
	}
	ad->vfs[vf].rlpml = len;
	vigb_vf_apply(ad, vf);
	return 0;
}

int vigb_vf_req_mc_promisc(struct vigb_adapter *ad, unsigned int vf, bool on)
{
	struct vigb_vf *v = &ad->vfs[vf];

	lockdep_assert_held(&ad->vf_lock);
	if (on && !v->trusted)
		return -EACCES;
	v->mc_promisc = on;
	vigb_vf_apply(ad, vf);
	return 0;
}
