// SPDX-License-Identifier: GPL-2.0
/* viox_igb: ethtool: driver info, link, counters, rings and channels. */
#include <linux/ethtool.h>
#include <linux/linkmode.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "igb.h"

struct vigb_stat {
	char name[ETH_GSTRING_LEN];
	size_t offset;
};

#define VIGB_HW_STAT(n, f) { n, offsetof(struct vigb_hw_stats, f) }
static const struct vigb_stat vigb_hw_stat_list[] = {
	VIGB_HW_STAT("rx_packets_hw", gprc),
	VIGB_HW_STAT("rx_bytes_hw", gorc),
	VIGB_HW_STAT("rx_broadcast", bprc),
	VIGB_HW_STAT("rx_multicast", mprc),
	VIGB_HW_STAT("rx_total_packets", tpr),
	VIGB_HW_STAT("rx_missed", mpc),
	VIGB_HW_STAT("rx_no_buffer", rnbc),
	VIGB_HW_STAT("rx_crc_errors", crcerrs),
	VIGB_HW_STAT("rx_errors_hw", rxerrc),
	VIGB_HW_STAT("rx_length_errors", rlec),
	VIGB_HW_STAT("rx_undersize", ruc),
	VIGB_HW_STAT("rx_oversize", roc),
	VIGB_HW_STAT("tx_packets_hw", gptc),
	VIGB_HW_STAT("tx_bytes_hw", gotc),
	VIGB_HW_STAT("tx_broadcast", bptc),
	VIGB_HW_STAT("tx_multicast", mptc),
	VIGB_HW_STAT("tx_total_packets", tpt),
};

#define VIGB_RING_STAT(n, f) { n, offsetof(struct vigb_ring_stats, f) }
static const struct vigb_stat vigb_rx_stat_list[] = {
	VIGB_RING_STAT("packets", packets),
	VIGB_RING_STAT("bytes", bytes),
	VIGB_RING_STAT("drops", drops),
	VIGB_RING_STAT("errors", errors),
	VIGB_RING_STAT("csum_errors", csum_err),
	VIGB_RING_STAT("alloc_failed", alloc_fail),
};

static const struct vigb_stat vigb_tx_stat_list[] = {
	VIGB_RING_STAT("packets", packets),
	VIGB_RING_STAT("bytes", bytes),
	VIGB_RING_STAT("drops", drops),
	VIGB_RING_STAT("busy", errors),
	VIGB_RING_STAT("tso", tso),
};

static void vigb_get_drvinfo(struct net_device *dev,
			     struct ethtool_drvinfo *info)
{
	struct vigb_adapter *ad = netdev_priv(dev);

	strscpy(info->driver, VIGB_DRV_NAME, sizeof(info->driver));
	strscpy(info->version, VIOX_VERSION, sizeof(info->version));
	strscpy(info->bus_info, pci_name(ad->pdev), sizeof(info->bus_info));
}

static int vigb_get_link_ksettings(struct net_device *dev,
				   struct ethtool_link_ksettings *ks)
{
	struct vigb_adapter *ad = netdev_priv(dev);

	static const int modes[] = {
		ETHTOOL_LINK_MODE_10baseT_Full_BIT,
		ETHTOOL_LINK_MODE_100baseT_Full_BIT,
		ETHTOOL_LINK_MODE_1000baseT_Full_BIT,
		ETHTOOL_LINK_MODE_Autoneg_BIT,
		ETHTOOL_LINK_MODE_TP_BIT,
	};

	ethtool_link_ksettings_zero_link_mode(ks, supported);
	linkmode_set_bit_array(modes, ARRAY_SIZE(modes), ks->link_modes.supported);
	bitmap_copy(ks->link_modes.advertising, ks->link_modes.supported,
		    __ETHTOOL_LINK_MODE_MASK_NBITS);
	ks->base.port = PORT_TP;
	ks->base.phy_address = 1;
	ks->base.autoneg = AUTONEG_ENABLE;
	if (netif_carrier_ok(dev)) {
		ks->base.speed = ad->link_speed;
		ks->base.duplex = DUPLEX_FULL;
	} else {
		ks->base.speed = SPEED_UNKNOWN;
		ks->base.duplex = DUPLEX_UNKNOWN;
	}
	return 0;
}

static int vigb_get_sset_count(struct net_device *dev, int sset)
{
	if (sset != ETH_SS_STATS)
		return -EOPNOTSUPP;
	return ARRAY_SIZE(vigb_hw_stat_list) +
	       VIGB_MAX_QUEUE_PAIRS * (ARRAY_SIZE(vigb_rx_stat_list) +
				       ARRAY_SIZE(vigb_tx_stat_list));
}

static void vigb_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	unsigned int i, q;

	if (sset != ETH_SS_STATS)
		return;
	for (i = 0; i < ARRAY_SIZE(vigb_hw_stat_list); i++)
		ethtool_puts(&data, vigb_hw_stat_list[i].name);
	for (q = 0; q < VIGB_MAX_QUEUE_PAIRS; q++) {
		for (i = 0; i < ARRAY_SIZE(vigb_rx_stat_list); i++)
			ethtool_sprintf(&data, "rx_queue_%u_%s", q,
					vigb_rx_stat_list[i].name);
		for (i = 0; i < ARRAY_SIZE(vigb_tx_stat_list); i++)
			ethtool_sprintf(&data, "tx_queue_%u_%s", q,
					vigb_tx_stat_list[i].name);
	}
}

static void vigb_ring_stats(struct vigb_ring_stats *rs,
			    const struct vigb_stat *list, unsigned int n,
			    u64 *data)
{
	struct vigb_ring_stats copy;
	unsigned int i;

	vigb_ring_stats_read(rs, &copy);
	for (i = 0; i < n; i++)
		data[i] = *(u64 *)((u8 *)&copy + list[i].offset);
}

static void vigb_get_ethtool_stats(struct net_device *dev,
				   struct ethtool_stats *stats, u64 *data)
{
	struct vigb_adapter *ad = netdev_priv(dev);
	unsigned int i, q;

	vigb_hw_update_stats(ad);
	mutex_lock(&ad->stats_lock);
	for (i = 0; i < ARRAY_SIZE(vigb_hw_stat_list); i++)
		*data++ = *(u64 *)((u8 *)&ad->hw_stats +
				   vigb_hw_stat_list[i].offset);
	mutex_unlock(&ad->stats_lock);
	for (q = 0; q < VIGB_MAX_QUEUE_PAIRS; q++) {
		vigb_ring_stats(&ad->rx_ring[q].stats, vigb_rx_stat_list,
				ARRAY_SIZE(vigb_rx_stat_list), data);
		data += ARRAY_SIZE(vigb_rx_stat_list);
		vigb_ring_stats(&ad->tx_ring[q].stats, vigb_tx_stat_list,
				ARRAY_SIZE(vigb_tx_stat_list), data);
		data += ARRAY_SIZE(vigb_tx_stat_list);
	}
}

static void vigb_get_ringparam(struct net_device *dev,
			       struct ethtool_ringparam *ring,
			       struct kernel_ethtool_ringparam *kring,
			       struct netlink_ext_ack *extack)
{
	struct vigb_adapter *ad = netdev_priv(dev);

	ring->rx_max_pending = VIGB_RING_MAX;
	ring->tx_max_pending = VIGB_RING_MAX;
	ring->rx_pending = ad->rx_ring_count;
	ring->tx_pending = ad->tx_ring_count;
}

static int vigb_set_ringparam(struct net_device *dev,
			      struct ethtool_ringparam *ring,
			      struct kernel_ethtool_ringparam *kring,
			      struct netlink_ext_ack *extack)
{
	struct vigb_adapter *ad = netdev_priv(dev);
	unsigned int rx = ALIGN(ring->rx_pending, 8);
	unsigned int tx = ALIGN(ring->tx_pending, 8);

	if (rx < VIGB_RING_MIN || tx < VIGB_RING_MIN) {
		NL_SET_ERR_MSG_FMT_MOD(extack, "rings need at least %u descriptors",
				       VIGB_RING_MIN);
		return -EINVAL;
	}
	if (rx == ad->rx_ring_count && tx == ad->tx_ring_count)
		return 0;
	ad->rx_ring_count = rx;
	ad->tx_ring_count = tx;
	return vigb_reinit(ad);
}

static void vigb_get_channels(struct net_device *dev,
			      struct ethtool_channels *ch)
{
	struct vigb_adapter *ad = netdev_priv(dev);

	/* VFs or pools: the model gives the PF's pool one working queue. */
	ch->max_combined = vigb_vmdq(ad) ? 1 : vigb_irq_max_qp(ad);
	ch->combined_count = clamp(ad->req_qp, 1u, ch->max_combined);
	ch->max_other = ad->msix ? 1 : 0;
	ch->other_count = ch->max_other;
}

static int vigb_set_channels(struct net_device *dev,
			     struct ethtool_channels *ch)
{
	struct vigb_adapter *ad = netdev_priv(dev);

	/* The ethtool core has checked the counts against get_channels. */
	if (ch->combined_count == ad->num_qp)
		return 0;
	ad->req_qp = ch->combined_count;
	return vigb_reinit(ad);
}

/* ethtool -d: the registers that say how queues, pools and filters are set. */
static u32 vigb_dump_regs(struct vigb_adapter *ad, u32 *out)
{
	static const u32 global[] = {
		VIGB_CTRL, VIGB_STATUS, VIGB_CTRL_EXT, VIGB_RCTL, VIGB_TCTL,
		VIGB_RXCSUM, VIGB_RLPML, VIGB_MRQC, VIGB_VT_CTL, VIGB_VFRE,
		VIGB_VFTE, VIGB_DTXSWC, VIGB_GPIE, VIGB_IMS, VIGB_EIMS, VIGB_EIAC,
		VIGB_IVAR_MISC,
	};
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(global); i++)
		out[n++] = vigb_rd32(ad, global[i]);
	for (i = 0; i < 8; i++)
		out[n++] = vigb_rd32(ad, VIGB_IVAR0 + 4 * i);
	for (i = 0; i < VIGB_RAR_ENTRIES; i++) {
		out[n++] = vigb_rd32(ad, VIGB_RAL(i));
		out[n++] = vigb_rd32(ad, VIGB_RAH(i));
	}
	for (i = 0; i < VIGB_POOLS; i++) {
		out[n++] = vigb_rd32(ad, VIGB_VMOLR(i));
		out[n++] = vigb_rd32(ad, VIGB_VMVIR(i));
	}
	for (i = 0; i < VIGB_VLVF_ENTRIES; i++)
		out[n++] = vigb_rd32(ad, VIGB_VLVF(i));
	for (i = 0; i < VIGB_QUEUES; i++) {
		out[n++] = vigb_rd32(ad, VIGB_RXDCTL(i));
		out[n++] = vigb_rd32(ad, VIGB_RDH(i));
		out[n++] = vigb_rd32(ad, VIGB_RDT(i));
		out[n++] = vigb_rd32(ad, VIGB_TXDCTL(i));
		out[n++] = vigb_rd32(ad, VIGB_TDH(i));
		out[n++] = vigb_rd32(ad, VIGB_TDT(i));
	}
	return n;
}

#define VIGB_REGS_WORDS	(17 + 8 + 2 * VIGB_RAR_ENTRIES + 2 * VIGB_POOLS + \
			 VIGB_VLVF_ENTRIES + 6 * VIGB_QUEUES)

static int vigb_get_regs_len(struct net_device *dev)
{
	return VIGB_REGS_WORDS * sizeof(u32);
}

static void vigb_get_regs(struct net_device *dev, struct ethtool_regs *regs,
			  void *p)
{
	struct vigb_adapter *ad = netdev_priv(dev);

	regs->version = 1;
	memset(p, 0, VIGB_REGS_WORDS * sizeof(u32));
	vigb_dump_regs(ad, p);
}

/*
 * ethtool --reset: only the whole device resets, which takes the VFs'
 * queues along (shared components), so anything short of MAC and DMA
 * together is refused, and a done reset clears every flag.
 */
static int vigb_ethtool_reset(struct net_device *dev, u32 *flags)
{
	const u32 need = ETH_RESET_MAC | ETH_RESET_DMA;

	if ((*flags & need) != need) {
		netdev_err(dev, "only a full device reset is supported (ethtool --reset DEV all)\n");
		return -EOPNOTSUPP;
	}
	if (vigb_full_reset(netdev_priv(dev)))
		return -EIO;
	*flags = 0;
	return 0;
}

static const struct ethtool_ops vigb_ethtool_ops = {
	.reset			= vigb_ethtool_reset,
	.get_regs_len		= vigb_get_regs_len,
	.get_regs		= vigb_get_regs,
	.get_drvinfo		= vigb_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_link_ksettings	= vigb_get_link_ksettings,
	.get_sset_count		= vigb_get_sset_count,
	.get_strings		= vigb_get_strings,
	.get_ethtool_stats	= vigb_get_ethtool_stats,
	.get_ringparam		= vigb_get_ringparam,
	.set_ringparam		= vigb_set_ringparam,
	.get_channels		= vigb_get_channels,
	.set_channels		= vigb_set_channels,
};

void vigb_set_ethtool_ops(struct net_device *dev)
{
	dev->ethtool_ops = &vigb_ethtool_ops;
}
