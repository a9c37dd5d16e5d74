// SPDX-License-Identifier: GPL-2.0
/*
 * viox_igb: the receive filter tables the PF, its VFs and reserved pools
 * share, and who holds what in them. Every write to them goes through
 * here, so the rules hold whoever asks:
 *
 * - RAR (24 unicast entries): 0-15 are the PF's (0 its own address),
 *   16 + p pool p's (VF p or a reserved pool). An address is held by one
 *   entry only: a VF, a pool or the admin cannot take one the PF or
 *   another pool holds, or the device would copy that traffic to both.
 * - VLVF (32 VLAN filters, each with the pools that receive the VLAN) and
 *   VFTA (the VLANs accepted at all). While VFs or pools exist VLAN
 *   filtering stays on: it is what keeps pools in their VLANs. A PF that
 *   wants every VLAN (promiscuous, or rx-vlan-filter off) gets them by
 *   joining every VLVF entry and setting the whole VFTA, as in-tree igb
 *   does. Entries VFs ask for through the mailbox leave some free for the
 *   admin's port VLANs and the PF's own VLANs; a pool or VF slot that is
 *   freed is scrubbed before anyone gets it next.
 * - MTA: the union of the PF's, the VFs' and the pools' hashes.
 *
 * filt_lock covers the RAR copy, VLVF and VFTA; the PF's rx-mode callback
 * runs in atomic context, so it is a spinlock. mta_lock covers the MTA.
 */
#include <linux/etherdevice.h>

#include "igb.h"

static void vigb_rar_write(struct vigb_adapter *ad, unsigned int idx,
			   const u8 *mac, u32 pools)
{
	lockdep_assert_held(&ad->filt_lock);
	if (is_valid_ether_addr(mac) && ether_addr_equal(ad->rar_mac[idx], mac)) {
		/* The same address to other pools: never invalid in between. */
		vigb_hw_set_rar_pools(ad, idx, mac, pools);
	} else if (is_valid_ether_addr(mac)) {
		ether_addr_copy(ad->rar_mac[idx], mac);
		vigb_hw_set_rar(ad, idx, mac, pools);
	} else {
		eth_zero_addr(ad->rar_mac[idx]);
		vigb_hw_clear_rar(ad, idx);
	}
}

/* Whether an entry in [first, last) other than idx holds mac. */
static bool vigb_rar_held(struct vigb_adapter *ad, const u8 *mac,
			  unsigned int first, unsigned int last,
			  unsigned int idx)
{
	unsigned int i;

	lockdep_assert_held(&ad->filt_lock);
	for (i = first; i < last; i++)
		if (i != idx && ether_addr_equal(ad->rar_mac[i], mac))
			return true;
	return false;
}

/**
 * vigb_rar_set - program receive address entry idx, or clear it
 * @ad: the adapter
 * @idx: RAR entry
 * @mac: the address; not a unicast address (zeroes) clears the entry
 * @pools: the pools that receive it
 *
 * For entries whose address was checked already, or the PF's own.
 */
void vigb_rar_set(struct vigb_adapter *ad, unsigned int idx, const u8 *mac,
		  u32 pools)
{
	spin_lock_bh(&ad->filt_lock);
	vigb_rar_write(ad, idx, mac, pools);
	spin_unlock_bh(&ad->filt_lock);
}

/**
 * vigb_rar_clear - free receive address entry idx
 * @ad: the adapter
 * @idx: RAR entry
 */
void vigb_rar_clear(struct vigb_adapter *ad, unsigned int idx)
{
	static const u8 none[ETH_ALEN];

	vigb_rar_set(ad, idx, none, 0);
}

/**
 * vigb_rar_claim - give pool entry idx an address no other entry holds
 * @ad: the adapter
 * @idx: RAR entry (16 + pool)
 * @mac: the address, or zeroes to clear the entry
 * @pools: the pools that receive it
 *
 * Return: 0, or -EADDRINUSE if the PF or another pool holds @mac.
 */
int vigb_rar_claim(struct vigb_adapter *ad, unsigned int idx, const u8 *mac,
		   u32 pools)
{
	int err = 0;

	spin_lock_bh(&ad->filt_lock);
	if (is_valid_ether_addr(mac) &&
	    vigb_rar_held(ad, mac, 0, VIGB_RAR_ENTRIES, idx))
		err = -EADDRINUSE;
	else
		vigb_rar_write(ad, idx, mac, pools);
	spin_unlock_bh(&ad->filt_lock);
	return err;
}

/**
 * vigb_rar_taken - whether an address is held by an entry other than idx
 * @ad: the adapter
 * @mac: the address
 * @idx: the entry asking (its own address is not "taken"); the PF passes
 *	 %VIGB_RAR_PF for all of its entries 0-15
 */
bool vigb_rar_taken(struct vigb_adapter *ad, const u8 *mac, unsigned int idx)
{
	bool taken;

	spin_lock_bh(&ad->filt_lock);
	if (idx == VIGB_RAR_PF)
		taken = vigb_rar_held(ad, mac, VIGB_PF_RAR_SLOTS,
				      VIGB_RAR_ENTRIES, idx);
	else
		taken = vigb_rar_held(ad, mac, 0, VIGB_RAR_ENTRIES, idx);
	spin_unlock_bh(&ad->filt_lock);
	return taken;
}

static unsigned int vigb_pf_pool_bit(struct vigb_adapter *ad)
{
	return BIT(ad->first_queue);
}

static void vigb_vfta_rebuild_locked(struct vigb_adapter *ad)
{
	u32 vfta[VIGB_VFTA_REGS] = {};
	unsigned int i, vid;

	lockdep_assert_held(&ad->filt_lock);
	if (ad->vlan_promisc) {
		memset(vfta, 0xff, sizeof(vfta));
	} else {
		for_each_set_bit(vid, ad->active_vlans, VLAN_N_VID)
			vfta[vid >> 5] |= BIT(vid & 31);
		for (i = 0; i < VIGB_VLVF_ENTRIES; i++) {
			u32 v = vigb_rd32(ad, VIGB_VLVF(i));

			vid = v & VIGB_VLVF_VID_MASK;
			if (v & VIGB_VLVF_EN)
				vfta[vid >> 5] |= BIT(vid & 31);
		}
	}
	for (i = 0; i < VIGB_VFTA_REGS; i++)
		vigb_wr32(ad, VIGB_VFTA(i), vfta[i]);
}

/**
 * vigb_vfta_rebuild - write the VLAN table from the PF's VLANs and VLVF
 * @ad: the adapter
 */
void vigb_vfta_rebuild(struct vigb_adapter *ad)
{
	spin_lock_bh(&ad->filt_lock);
	vigb_vfta_rebuild_locked(ad);
	spin_unlock_bh(&ad->filt_lock);
}

/**
 * vigb_vfta_set - the PF's own VLAN in the VLAN table outside VMDq mode
 * @ad: the adapter
 * @vid: VLAN ID
 * @on: whether the PF wants it
 */
void vigb_vfta_set(struct vigb_adapter *ad, u16 vid, bool on)
{
	spin_lock_bh(&ad->filt_lock);
	if (on || !ad->vlan_promisc)
		vigb_hw_set_vfta(ad, vid, on);
	spin_unlock_bh(&ad->filt_lock);
}

/* Free VLVF entries while keep_free stay free; -ENOSPC beyond that. */
static int vigb_vlvf_update(struct vigb_adapter *ad, u16 vid,
			    unsigned int pool, bool on, unsigned int keep_free)
{
	unsigned int pf = vigb_pf_pool_bit(ad), nfree = 0, pools;
	int i, idx = -1, free = -1;
	u32 v = 0;

	spin_lock_bh(&ad->filt_lock);
	for (i = 0; i < VIGB_VLVF_ENTRIES; i++) {
		u32 r = vigb_rd32(ad, VIGB_VLVF(i));

		if (!(r & VIGB_VLVF_EN)) {
			nfree++;
			if (free < 0)
				free = i;
		} else if ((r & VIGB_VLVF_VID_MASK) == vid && idx < 0) {
			idx = i;
			v = r;
		}
	}
	if (idx < 0) {
		if (!on)
			goto out;
		if (nfree <= keep_free) {
			spin_unlock_bh(&ad->filt_lock);
			return -ENOSPC;
		}
		idx = free;
		v = VIGB_VLVF_EN | vid;
	}
	pools = (v & VIGB_VLVF_POOL_MASK) >> VIGB_VLVF_POOL_SHIFT;
	if (on)
		pools |= BIT(pool);
	else
		pools &= ~BIT(pool);
	if (ad->vlan_promisc)
		pools |= pf;
	/* Kept while a pool other than the PF wants it, or the PF does. */
	if (!(pools & ~pf) && !test_bit(vid, ad->active_vlans)) {
		vigb_wr32(ad, VIGB_VLVF(idx), 0);
		if (!ad->vlan_promisc && !test_bit(vid, ad->active_vlans))
			vigb_hw_set_vfta(ad, vid, false);
		goto out;
	}
	vigb_wr32(ad, VIGB_VLVF(idx), VIGB_VLVF_EN | vid |
		  (pools << VIGB_VLVF_POOL_SHIFT));
	vigb_hw_set_vfta(ad, vid, true);
out:
	spin_unlock_bh(&ad->filt_lock);
	return 0;
}

/**
 * vigb_vlvf_set - add a pool to VLAN vid's filter, or take it out
 * @ad: the adapter
 * @vid: VLAN ID
 * @pool: the pool
 * @on: add or remove
 *
 * For the admin's and the PF's VLANs: any free entry may be used.
 * Return: 0, or -ENOSPC when all 32 entries are in use.
 */
int vigb_vlvf_set(struct vigb_adapter *ad, u16 vid, unsigned int pool, bool on)
{
	return vigb_vlvf_update(ad, vid, pool, on, 0);
}

/**
 * vigb_vlvf_join - add a VF to VLAN vid's filter at its own request
 * @ad: the adapter
 * @vid: VLAN ID
 * @pool: the VF's pool
 *
 * Return: 0, or -ENOSPC when a new entry would eat into those kept for
 * the admin's port VLANs and the PF's VLANs.
 */
int vigb_vlvf_join(struct vigb_adapter *ad, u16 vid, unsigned int pool)
{
	return vigb_vlvf_update(ad, vid, pool, true, VIGB_VLVF_ADMIN_RESERVE);
}

/**
 * vigb_vlvf_clear - empty every VLAN filter
 * @ad: the adapter
 *
 * Before the whole VMDq setup is programmed again from the VFs', pools'
 * and PF's state: a pool number that changed hands keeps nothing.
 */
void vigb_vlvf_clear(struct vigb_adapter *ad)
{
	unsigned int i;

	spin_lock_bh(&ad->filt_lock);
	for (i = 0; i < VIGB_VLVF_ENTRIES; i++)
		vigb_wr32(ad, VIGB_VLVF(i), 0);
	vigb_vfta_rebuild_locked(ad);
	spin_unlock_bh(&ad->filt_lock);
}

/**
 * vigb_vlan_promisc - let the PF's pool receive every VLAN, or not
 * @ad: the adapter
 * @on: the PF is promiscuous or does not filter VLANs, in VMDq mode
 *
 * VLAN filtering stays on; the PF joins every VLAN filter and the VLAN
 * table accepts every VLAN, so VFs and pools keep to their VLANs.
 */
void vigb_vlan_promisc(struct vigb_adapter *ad, bool on)
{
	u32 pf = vigb_pf_pool_bit(ad) << VIGB_VLVF_POOL_SHIFT;
	unsigned int i;

	spin_lock_bh(&ad->filt_lock);
	if (on == ad->vlan_promisc)
		goto out;
	ad->vlan_promisc = on;
	for (i = 0; i < VIGB_VLVF_ENTRIES; i++) {
		u32 v = vigb_rd32(ad, VIGB_VLVF(i));

		if (!(v & VIGB_VLVF_EN))
			continue;
		if (on) {
			v |= pf;
		} else if (!test_bit(v & VIGB_VLVF_VID_MASK, ad->active_vlans)) {
			v &= ~pf;
			if (!(v & VIGB_VLVF_POOL_MASK))
				v = 0;
		}
		vigb_wr32(ad, VIGB_VLVF(i), v);
	}
	vigb_vfta_rebuild_locked(ad);
out:
	spin_unlock_bh(&ad->filt_lock);
}

/* The MTA is shared: the PF's hashes or'd with every VF's and pool's. */
void vigb_mta_write(struct vigb_adapter *ad)
{
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&ad->mta_lock, flags);
	for (i = 0; i < VIGB_MTA_REGS; i++)
		vigb_wr32(ad, VIGB_MTA(i),
			  ad->pf_mta[i] | ad->vf_mta[i] | ad->pool_mta[i]);
	spin_unlock_irqrestore(&ad->mta_lock, flags);
}

/**
 * vigb_pool_scrub - leave nothing of a pool's last holder in the device
 * @ad: the adapter
 * @pool: a pool no VF, reserved pool or PF uses now
 *
 * Its address, VLAN filters, offload and insertion settings, spoof
 * checks, rate and gates, before anyone gets the pool next.
 */
void vigb_pool_scrub(struct vigb_adapter *ad, unsigned int pool)
{
	u32 dtxswc = vigb_rd32(ad, VIGB_DTXSWC);
	unsigned int i;

	vigb_rar_clear(ad, VIGB_VF_RAR(pool));
	spin_lock_bh(&ad->filt_lock);
	for (i = 0; i < VIGB_VLVF_ENTRIES; i++) {
		u32 v = vigb_rd32(ad, VIGB_VLVF(i));

		if (!(v & BIT(VIGB_VLVF_POOL_SHIFT + pool)))
			continue;
		v &= ~BIT(VIGB_VLVF_POOL_SHIFT + pool);
		if (!(v & VIGB_VLVF_POOL_MASK))
			v = 0;
		vigb_wr32(ad, VIGB_VLVF(i), v);
	}
	vigb_vfta_rebuild_locked(ad);
	spin_unlock_bh(&ad->filt_lock);
	vigb_wr32(ad, VIGB_VMOLR(pool), 0);
	vigb_wr32(ad, VIGB_VMVIR(pool), 0);
	dtxswc &= ~(VIGB_DTXSWC_MAC_SPOOF(pool) | VIGB_DTXSWC_VLAN_SPOOF(pool));
	vigb_wr32(ad, VIGB_DTXSWC, dtxswc);
	vigb_wr32(ad, VIGB_RTTDQSEL, pool);
	vigb_wr32(ad, VIGB_RTTBCNRC, 0);
	vigb_hw_pool_gates(ad, pool, false);
}
