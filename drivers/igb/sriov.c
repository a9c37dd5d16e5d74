// SPDX-License-Identifier: GPL-2.0
/*
 * viox_igb: SR-IOV. With n VFs the device runs in VMDq mode: VF i owns
 * pool i (queues i and i + 8), the PF owns pool n and keeps one queue
 * pair, and unmatched unicast goes to the PF's pool.
 */
#include <linux/etherdevice.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "igb.h"

static unsigned int vigb_pf_pool(struct vigb_adapter *ad)
{
	return ad->num_vfs;
}

bool vigb_vf_link_allowed(struct vigb_adapter *ad, unsigned int vf)
{
	return ad->vfs[vf].link_state != IFLA_VF_LINK_STATE_DISABLE;
}

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

void vigb_vf_set_rate(struct vigb_adapter *ad, unsigned int vf)
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

/* Open or close a pool's receive and transmit gates (VFRE/VFTE). */
void vigb_pool_set_gates(struct vigb_adapter *ad, unsigned int pool, bool on)
{
	u32 re = vigb_rd32(ad, VIGB_VFRE), te = vigb_rd32(ad, VIGB_VFTE);

	if (on) {
		re |= BIT(pool);
		te |= BIT(pool);
	} else {
		re &= ~BIT(pool);
		te &= ~BIT(pool);
	}
	vigb_wr32(ad, VIGB_VFRE, re);
	vigb_wr32(ad, VIGB_VFTE, te);
}

/* Program everything the hardware holds for one VF from vfs[vf]. */
void vigb_vf_apply(struct vigb_adapter *ad, unsigned int vf)
{
	struct vigb_vf *v = &ad->vfs[vf];
	u32 dtxswc = vigb_rd32(ad, VIGB_DTXSWC);

	lockdep_assert_held(&ad->vf_lock);
	vigb_rar_set(ad, VIGB_VF_RAR(vf), v->mac, BIT(vf));
	vigb_wr32(ad, VIGB_VMOLR(vf), vigb_vf_vmolr(ad, vf));
	vigb_wr32(ad, VIGB_VMVIR(vf), v->port_vlan ?
		  VIGB_VMVIR_DEFAULT | v->port_vlan | (v->port_qos << 13) : 0);
	if (v->spoofchk)
		dtxswc |= VIGB_DTXSWC_MAC_SPOOF(vf) | VIGB_DTXSWC_VLAN_SPOOF(vf);
	else
		dtxswc &= ~(VIGB_DTXSWC_MAC_SPOOF(vf) | VIGB_DTXSWC_VLAN_SPOOF(vf));
	vigb_wr32(ad, VIGB_DTXSWC, dtxswc);
	vigb_vf_set_rate(ad, vf);
	vigb_pool_set_gates(ad, vf, v->cts && vigb_vf_link_allowed(ad, vf));
}

/*
 * What a function level reset clears: the VF's own filters and its right
 * to send requests. What the admin set, and the VF's address, stay.
 */
void vigb_vf_reset(struct vigb_adapter *ad, unsigned int vf)
{
	struct vigb_vf *v = &ad->vfs[vf];
	unsigned int vid;

	lockdep_assert_held(&ad->vf_lock);
	v->cts = false;
	vigb_pool_set_gates(ad, vf, false);
	/* The VF's own VLANs go; its port VLAN, the admin's, stays. */
	for_each_set_bit(vid, v->vlans, VLAN_N_VID)
		vigb_vlvf_set(ad, vid, vf, vid == v->port_vlan);
	bitmap_zero(v->vlans, VLAN_N_VID);
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

void vigb_vf_update_stats(struct vigb_adapter *ad, unsigned int vf)
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

void vigb_vf_stats_baseline(struct vigb_adapter *ad, unsigned int vf)
{
	unsigned int i;

	for (i = 0; i < 5; i++)
		ad->vfs[vf].stats.last[i] = vigb_rd32(ad, vigb_vf_stat_regs[i] + 0x100 * vf);
}

/*
 * VMDq mode for n VFs and any reserved pools, or plain RSS for neither;
 * the PF's pool after the last VF.
 */
void vigb_vmdq_configure(struct vigb_adapter *ad)
{
	unsigned int pf = vigb_pf_pool(ad), vf, vid, p;
	u32 vmolr;

	if (!vigb_vmdq(ad)) {
		vigb_wr32(ad, VIGB_VT_CTL, 0);
		for (p = 0; p < VIGB_POOLS; p++)
			vigb_pool_scrub(ad, p);
		vigb_wr32(ad, VIGB_DTXSWC, 0);
		vigb_vlvf_clear(ad);
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
	vigb_pool_set_gates(ad, pf, true);
	vigb_wr32(ad, VIGB_DTXSWC, vigb_rd32(ad, VIGB_DTXSWC) | VIGB_DTXSWC_LOOPBACK);

	mutex_lock(&ad->vf_lock);
	/* The VLAN filters are programmed anew from everyone's state. */
	vigb_vlvf_clear(ad);
	for_each_set_bit(vid, ad->active_vlans, VLAN_N_VID)
		vigb_vlvf_set(ad, vid, pf, true);
	for (vf = 0; vf < ad->num_vfs; vf++) {
		struct vigb_vf *v = &ad->vfs[vf];

		if (v->port_vlan)
			vigb_vlvf_set(ad, v->port_vlan, vf, true);
		for_each_set_bit(vid, v->vlans, VLAN_N_VID)
			vigb_vlvf_set(ad, vid, vf, true);
		vigb_vf_apply(ad, vf);
	}
	vigb_vf_mta_rebuild(ad);
	vigb_pools_program(ad);
	mutex_unlock(&ad->vf_lock);

	if (!ad->num_vfs)
		return;
	/* VFs may now talk to the PF (they poll RSTD). */
	vigb_wr32(ad, VIGB_MBVFIMR, 0xff);
	vigb_wr32(ad, VIGB_CTRL_EXT,
		  vigb_rd32(ad, VIGB_CTRL_EXT) | VIGB_CTRL_EXT_PFRSTD);
}

static bool vigb_vfs_assigned(struct pci_dev *pdev)
{
	struct pci_dev *vfdev = NULL;

	while ((vfdev = pci_get_device(pdev->vendor, PCI_ANY_ID, vfdev)))
		if (vfdev->is_virtfn && vfdev->physfn == pdev &&
		    (vfdev->dev.driver || pci_is_dev_assigned(vfdev))) {
			pci_dev_put(vfdev);
			return true;
		}
	return false;
}

/* Rebuild the PF around a new pool layout (rtnl held). */
static int vigb_sriov_relayout(struct vigb_adapter *ad, unsigned int num_vfs,
			       struct vigb_vf *vfs)
{
	bool running = netif_running(ad->netdev);
	unsigned int i;
	int err = 0;

	if (running)
		vigb_down(ad);
	vigb_pools_stop(ad);
	/* Forget queue vector routes the old layout left behind. */
	for (i = 0; i < 8; i++)
		vigb_wr32(ad, VIGB_IVAR0 + 4 * i, 0);
	mutex_lock(&ad->vf_lock);
	ad->num_vfs = num_vfs;
	ad->vfs = vfs;
	mutex_unlock(&ad->vf_lock);
	ad->first_queue = num_vfs;
	vigb_rar_clear(ad, 0);
	vigb_wr32(ad, VIGB_VFRE, 0);
	vigb_wr32(ad, VIGB_VFTE, 0);
	if (running)
		err = vigb_up(ad);
	else
		err = vigb_reinit(ad);
	vigb_pools_start(ad);
	return err;
}

static int vigb_sriov_enable(struct vigb_adapter *ad, int num_vfs)
{
	struct pci_dev *pdev = ad->pdev;
	struct vigb_vf *vfs;
	unsigned int vf;
	int err;

	if (ad->num_vfs) {
		pci_err(pdev, "%u VFs exist: write 0 to sriov_numvfs first\n",
			ad->num_vfs);
		return -EBUSY;
	}
	if (num_vfs > VIGB_MAX_VFS) {
		pci_err(pdev, "at most %u VFs: the PF keeps one of the 8 pools\n",
			VIGB_MAX_VFS);
		return -ERANGE;
	}
	if (ad->reserved_pools & GENMASK(num_vfs, 0)) {
		pci_err(pdev, "pools 0-%d are needed but some are reserved for offload\n",
			num_vfs);
		return -EBUSY;
	}
	vfs = kcalloc(num_vfs, sizeof(*vfs), GFP_KERNEL);
	if (!vfs)
		return -ENOMEM;
	for (vf = 0; vf < num_vfs; vf++) {
		vfs[vf].spoofchk = true;
		vfs[vf].link_state = IFLA_VF_LINK_STATE_AUTO;
		vfs[vf].rlpml = ETH_FRAME_LEN + ETH_FCS_LEN;
		vfs[vf].window = jiffies;
	}

	rtnl_lock();
	err = vigb_sriov_relayout(ad, num_vfs, vfs);
	if (!err) {
		mutex_lock(&ad->vf_lock);
		for (vf = 0; vf < num_vfs; vf++)
			vigb_vf_stats_baseline(ad, vf);
		mutex_unlock(&ad->vf_lock);
	}
	rtnl_unlock();
	if (err)
		goto err_layout;

	err = vigb_devlink_vfs_add(ad, num_vfs);
	if (err) {
		pci_err(pdev, "cannot add devlink ports for the VFs: %d\n", err);
		goto err_layout;
	}
	err = pci_enable_sriov(pdev, num_vfs);
	if (err) {
		pci_err(pdev, "enabling %d VFs failed: %d\n", num_vfs, err);
		vigb_devlink_vfs_del(ad);
		goto err_layout;
	}
	pci_info(pdev, "%d VFs enabled, PF on pool %d\n", num_vfs, num_vfs);
	return num_vfs;

err_layout:
	rtnl_lock();
	vigb_sriov_relayout(ad, 0, NULL);
	rtnl_unlock();
	kfree(vfs);
	return err;
}

/* Without disable_vfs (remove, VFs assigned) the VFs stay enabled. */
void vigb_sriov_disable(struct vigb_adapter *ad, bool disable_vfs)
{
	struct vigb_vf *vfs = ad->vfs;

	if (!ad->num_vfs)
		return;
	if (disable_vfs)
		pci_disable_sriov(ad->pdev);
	else
		pci_warn(ad->pdev, "VFs are assigned to guests: left enabled\n");
	vigb_devlink_vfs_del(ad);
	cancel_delayed_work_sync(&ad->mbx_work);
	/* VFs must see a PF reset again before they may run. */
	vigb_wr32(ad, VIGB_CTRL_EXT,
		  vigb_rd32(ad, VIGB_CTRL_EXT) & ~VIGB_CTRL_EXT_PFRSTD);
	rtnl_lock();
	vigb_sriov_relayout(ad, 0, NULL);
	rtnl_unlock();
	kfree(vfs);
	pci_info(ad->pdev, "VFs disabled\n");
}

int vigb_sriov_configure(struct pci_dev *pdev, int num_vfs)
{
	struct vigb_adapter *ad = netdev_priv(pci_get_drvdata(pdev));

	if (num_vfs == 0) {
		if (vigb_vfs_assigned(pdev)) {
			pci_err(pdev, "VFs are in use (bound to a driver or assigned): unbind them first\n");
			return -EBUSY;
		}
		vigb_sriov_disable(ad, true);
		return 0;
	}
	return vigb_sriov_enable(ad, num_vfs);
}
