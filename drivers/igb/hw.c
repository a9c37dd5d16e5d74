// SPDX-License-Identifier: GPL-2.0
/* viox_igb: device reset, address filters, PHY, link and counters. */
#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/iopoll.h>
#include <uapi/linux/mii.h>

#include "igb.h"

/* Quiesce DMA and interrupts, then reset the MAC. */
int vigb_hw_reset(struct vigb_adapter *ad)
{
	u32 ctrl;
	int err;

	vigb_wr32(ad, VIGB_IMC, ~0u);
	vigb_wr32(ad, VIGB_EIMC, ~0u);
	vigb_wr32(ad, VIGB_RCTL, 0);
	vigb_wr32(ad, VIGB_TCTL, VIGB_TCTL_PSP);
	vigb_flush(ad);
	usleep_range(10000, 20000);

	vigb_wr32(ad, VIGB_CTRL, vigb_rd32(ad, VIGB_CTRL) | VIGB_CTRL_RST);
	err = readl_poll_timeout(ad->hw + VIGB_CTRL, ctrl,
				 !(ctrl & VIGB_CTRL_RST), 1000, 100000);
	if (err) {
		pci_err(ad->pdev, "device reset did not complete\n");
		return -EIO;
	}
	if (ctrl == ~0u) {
		pci_err(ad->pdev, "device is gone (reads all ones)\n");
		return -ENODEV;
	}
	vigb_wr32(ad, VIGB_IMC, ~0u);
	vigb_wr32(ad, VIGB_EIMC, ~0u);
	vigb_rd32(ad, VIGB_ICR);
	vigb_wr32(ad, VIGB_CTRL_EXT,
		  vigb_rd32(ad, VIGB_CTRL_EXT) | VIGB_CTRL_EXT_DRV_LOAD);
	return 0;
}

/* The permanent address: receive address 0 as the EEPROM loaded it. */
void vigb_hw_read_mac(struct vigb_adapter *ad, u8 *mac)
{
	u32 lo = vigb_rd32(ad, VIGB_RAL(0));
	u32 hi = vigb_rd32(ad, VIGB_RAH(0));

	put_unaligned_le32(lo, mac);
	put_unaligned_le16(hi & 0xffff, mac + 4);
}

void vigb_hw_set_rar(struct vigb_adapter *ad, unsigned int idx, const u8 *mac,
		     u32 pools)
{
	u32 lo = get_unaligned_le32(mac);
	u32 hi = get_unaligned_le16(mac + 4);

	hi |= (pools << VIGB_RAH_POOL_SHIFT) & VIGB_RAH_POOL_MASK;
	/* Write the address before it becomes valid. */
	vigb_wr32(ad, VIGB_RAL(idx), lo);
	vigb_wr32(ad, VIGB_RAH(idx), hi);
	vigb_flush(ad);
	vigb_wr32(ad, VIGB_RAH(idx), hi | VIGB_RAH_AV);
	vigb_flush(ad);
}

/*
 * An entry that holds @mac already moves to other pools without being
 * invalid in between (the low half is rewritten as it is, in case a
 * device reset cleared it).
 */
void vigb_hw_set_rar_pools(struct vigb_adapter *ad, unsigned int idx,
			   const u8 *mac, u32 pools)
{
	u32 hi = get_unaligned_le16(mac + 4);

	hi |= (pools << VIGB_RAH_POOL_SHIFT) & VIGB_RAH_POOL_MASK;
	vigb_wr32(ad, VIGB_RAL(idx), get_unaligned_le32(mac));
	vigb_wr32(ad, VIGB_RAH(idx), hi | VIGB_RAH_AV);
	vigb_flush(ad);
}

void vigb_hw_clear_rar(struct vigb_adapter *ad, unsigned int idx)
{
	vigb_wr32(ad, VIGB_RAH(idx), 0);
	vigb_wr32(ad, VIGB_RAL(idx), 0);
	vigb_flush(ad);
}

/* The 12-bit multicast table index: bits 36..47 of the address. */
u32 vigb_hw_mta_hash(const u8 *mac)
{
	return ((mac[4] >> 4) | ((u32)mac[5] << 4)) & 0xfff;
}

int vigb_hw_phy_write(struct vigb_adapter *ad, u32 reg, u16 val)
{
	u32 mdic;
	int err;

	vigb_wr32(ad, VIGB_MDIC, val | (reg << VIGB_MDIC_REG_SHIFT) |
		  VIGB_MDIC_PHY_ADDR | VIGB_MDIC_OP_WRITE);
	err = readl_poll_timeout(ad->hw + VIGB_MDIC, mdic,
				 mdic & VIGB_MDIC_READY, 50, 10000);
	if (err || (mdic & VIGB_MDIC_ERROR)) {
		pci_err(ad->pdev, "PHY register %u write failed\n", reg);
		return -EIO;
	}
	return 0;
}

/* Autonegotiate; link-up arrives later as an LSC interrupt. */
void vigb_hw_start_link(struct vigb_adapter *ad)
{
	vigb_wr32(ad, VIGB_CTRL, vigb_rd32(ad, VIGB_CTRL) | VIGB_CTRL_SLU);
	vigb_hw_phy_write(ad, MII_BMCR, BMCR_ANENABLE | BMCR_ANRESTART |
			  BMCR_FULLDPLX | BMCR_SPEED1000);
}

void vigb_hw_set_vfta(struct vigb_adapter *ad, u16 vid, bool on)
{
	u32 reg = VIGB_VFTA(vid >> 5);
	u32 v = vigb_rd32(ad, reg);

	if (on)
		v |= BIT(vid & 31);
	else
		v &= ~BIT(vid & 31);
	vigb_wr32(ad, reg, v);
}

static void vigb_acc(struct vigb_adapter *ad, u64 *acc, u32 reg)
{
	*acc += vigb_rd32(ad, reg);
}

/* Fold the clear-on-read counters into 64-bit totals. */
void vigb_hw_update_stats(struct vigb_adapter *ad)
{
	struct vigb_hw_stats *s = &ad->hw_stats;

	if (test_bit(VIGB_RESETTING, &ad->state) ||
	    pci_channel_offline(ad->pdev))
		return;
	mutex_lock(&ad->stats_lock);
	vigb_acc(ad, &s->crcerrs, VIGB_CRCERRS);
	vigb_acc(ad, &s->rxerrc, VIGB_RXERRC);
	vigb_acc(ad, &s->mpc, VIGB_MPC);
	vigb_acc(ad, &s->rlec, VIGB_RLEC);
	vigb_acc(ad, &s->gprc, VIGB_GPRC);
	vigb_acc(ad, &s->bprc, VIGB_BPRC);
	vigb_acc(ad, &s->mprc, VIGB_MPRC);
	vigb_acc(ad, &s->gptc, VIGB_GPTC);
	/* Reading the low half latches the high half. */
	vigb_acc(ad, &s->gorc, VIGB_GORCL);
	s->gorc += (u64)vigb_rd32(ad, VIGB_GORCH) << 32;
	vigb_acc(ad, &s->gotc, VIGB_GOTCL);
	s->gotc += (u64)vigb_rd32(ad, VIGB_GOTCH) << 32;
	vigb_acc(ad, &s->rnbc, VIGB_RNBC);
	vigb_acc(ad, &s->ruc, VIGB_RUC);
	vigb_acc(ad, &s->roc, VIGB_ROC);
	vigb_acc(ad, &s->tpr, VIGB_TPR);
	vigb_acc(ad, &s->tpt, VIGB_TPT);
	vigb_acc(ad, &s->mptc, VIGB_MPTC);
	vigb_acc(ad, &s->bptc, VIGB_BPTC);
	mutex_unlock(&ad->stats_lock);
}

/* Open or close a pool's receive and transmit gates (VFRE/VFTE). */
void vigb_hw_pool_gates(struct vigb_adapter *ad, unsigned int pool, bool on)
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
