// SPDX-License-Identifier: GPL-2.0
/*
 * viox_igb: the VMDq layout. With n VFs the device runs in VMDq mode: VF
 * i owns pool i (queues i and i + 8), the PF owns pool n and keeps one
 * queue pair, reserved pools take pools from 7 down, and unmatched
 * unicast goes to the PF's pool. With neither VFs nor reserved pools it
 * runs plain RSS.
 */
#include <linux/netdevice.h>

#include "igb.h"

static unsigned int vigb_pf_pool(struct vigb_adapter *ad)
{
	return ad->num_vfs;
}

/* VLAN stripping of replicated frames (broadcast, multicast). */
static void vigb_vlan_strip_replicated(struct vigb_adapter *ad,
				       netdev_features_t features)
{
	u32 rplolr = vigb_rd32(ad, VIGB_RPLOLR);

	if (features & NETIF_F_HW_VLAN_CTAG_RX)
		rplolr |= VIGB_RPLOLR_STRVLAN;
	else
		rplolr &= ~VIGB_RPLOLR_STRVLAN;
	vigb_wr32(ad, VIGB_RPLOLR, rplolr);
}

/**
 * vigb_vmdq_vlan_strip - VLAN stripping in VMDq mode, as the PF asks
 * @ad: the adapter
 * @features: the PF's features: stripping follows NETIF_F_HW_VLAN_CTAG_RX
 *
 * CTRL.VME alone does not strip in VMDq mode: the PF's pool and
 * replicated frames have their own switches.
 */
void vigb_vmdq_vlan_strip(struct vigb_adapter *ad, netdev_features_t features)
{
	unsigned int pf = vigb_pf_pool(ad);
	u32 vmolr;

	if (!vigb_vmdq(ad))
		return;
	vmolr = vigb_rd32(ad, VIGB_VMOLR(pf));
	if (features & NETIF_F_HW_VLAN_CTAG_RX)
		vmolr |= VIGB_VMOLR_STRVLAN;
	else
		vmolr &= ~VIGB_VMOLR_STRVLAN;
	vigb_wr32(ad, VIGB_VMOLR(pf), vmolr);
	vigb_vlan_strip_replicated(ad, features);
}

/*
 * VMDq mode for n VFs and any reserved pools, or plain RSS for neither;
 * the PF's pool after the last VF.
 */
void vigb_vmdq_configure(struct vigb_adapter *ad)
{
	unsigned int pf = vigb_pf_pool(ad), vid, p;
	u32 vmolr;

	if (!vigb_vmdq(ad)) {
		vigb_wr32(ad, VIGB_VT_CTL, 0);
		for (p = 0; p < VIGB_POOLS; p++)
			vigb_pool_scrub(ad, p);
		vigb_wr32(ad, VIGB_DTXSWC, 0);
		vigb_vlvf_clear(ad);
		/* Standbys of VFs that are gone keep their addresses. */
		mutex_lock(&ad->vf_lock);
		vigb_standbys_program(ad);
		mutex_unlock(&ad->vf_lock);
		return;
	}
	/* Every pool nobody holds now is left clean for its next holder. */
	for (p = ad->num_vfs + 1; p < VIGB_POOLS; p++)
		if (!test_bit(p, &ad->reserved_pools))
			vigb_pool_scrub(ad, p);

	vigb_wr32(ad, VIGB_MRQC, VIGB_MRQC_VMDQ);
	vigb_wr32(ad, VIGB_VT_CTL, (pf << VIGB_VT_CTL_DEF_POOL_SHIFT) |
		  VIGB_VT_CTL_REPL_EN);
	vmolr = VIGB_VMOLR_AUPE | VIGB_VMOLR_BAM | VIGB_VMOLR_ROMPE |
		VIGB_VMOLR_STRCRC | VIGB_VMOLR_LPE |
		((ad->netdev->mtu + ETH_HLEN + VLAN_HLEN + ETH_FCS_LEN) &
		 VIGB_VMOLR_RLPML_MASK);
	if (ad->netdev->features & NETIF_F_HW_VLAN_CTAG_RX)
		vmolr |= VIGB_VMOLR_STRVLAN;
	vigb_wr32(ad, VIGB_VMOLR(pf), vmolr);
	vigb_vlan_strip_replicated(ad, ad->netdev->features);
	vigb_wr32(ad, VIGB_VMVIR(pf), 0);
	vigb_hw_pool_gates(ad, pf, true);
	vigb_wr32(ad, VIGB_DTXSWC, vigb_rd32(ad, VIGB_DTXSWC) | VIGB_DTXSWC_LOOPBACK);

	mutex_lock(&ad->vf_lock);
	/* The VLAN filters are programmed anew from everyone's state. */
	vigb_vlvf_clear(ad);
	for_each_set_bit(vid, ad->active_vlans, VLAN_N_VID)
		vigb_vlvf_set(ad, vid, pf, true);
	vigb_vfs_program(ad);
	vigb_pools_program(ad);
	mutex_unlock(&ad->vf_lock);

	if (!ad->num_vfs)
		return;
	/* VFs may now talk to the PF (they poll RSTD). */
	vigb_wr32(ad, VIGB_MBVFIMR, 0xff);
	vigb_wr32(ad, VIGB_CTRL_EXT,
		  vigb_rd32(ad, VIGB_CTRL_EXT) | VIGB_CTRL_EXT_PFRSTD);
}
