// SPDX-License-Identifier: GPL-2.0
/* viox_igb: transmit with checksum offload and VLAN insertion. */
#include <linux/dma-mapping.h>
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <net/netdev_queues.h>

#include "igb.h"

/* Counted by xmit, which runs next to the cleaner: its own sequence. */
static void vigb_tx_count(struct vigb_ring *tx, u64 *field)
{
	u64_stats_update_begin(&tx->stats.xmit_syncp);
	(*field)++;
	u64_stats_update_end(&tx->stats.xmit_syncp);
}

/*
 * TCP segmentation: the device cuts the frame at the MSS and fills in each
 * segment's IP length and checksums, so the headers go to it without the
 * lengths of the whole frame. Returns the header length, or an errno.
 */
static int vigb_tx_tso(struct sk_buff *skb, u32 *tucmd, u32 *olinfo,
		       u32 *mss_l4len)
{
	unsigned int l4_off = skb_transport_offset(skb), l4_len;
	u32 paylen;
	int err;

	err = skb_cow_head(skb, 0);
	if (err < 0)
		return err;
	l4_len = tcp_hdrlen(skb);
	if (vlan_get_protocol(skb) == htons(ETH_P_IP)) {
		ip_hdr(skb)->tot_len = 0;
		ip_hdr(skb)->check = 0;
		*tucmd |= VIGB_TXD_TUCMD_IPV4;
		*olinfo |= VIGB_TXD_POPTS_IXSM;
	} else {
		ipv6_hdr(skb)->payload_len = 0;
	}
	*tucmd |= VIGB_TXD_TUCMD_L4T_TCP;
	*olinfo |= VIGB_TXD_POPTS_TXSM;
	/* The pseudo-header sum without a length: the device adds each one. */
	paylen = skb->len - l4_off;
	csum_replace_by_diff(&tcp_hdr(skb)->check, (__force __wsum)htonl(paylen));
	*mss_l4len = skb_shinfo(skb)->gso_size << VIGB_TXD_MSS_SHIFT |
		     l4_len << VIGB_TXD_L4LEN_SHIFT;
	return l4_off + l4_len;
}

/*
 * A context descriptor when the frame needs segmenting, the L4 checksum
 * inserted or a VLAN tag added. Returns the olinfo bits for the data
 * descriptors (without the payload length), or ~0u to drop the frame;
 * *hdr_len is the header length of a frame to segment, else 0.
 */
static u32 vigb_tx_context(struct vigb_ring *tx, struct sk_buff *skb,
			   u32 *cmd, unsigned int *hdr_len)
{
	struct vigb_tx_ctx_desc *ctx;
	u32 vlan_macip = 0, tucmd = 0, olinfo = 0, mss_l4len = 0;
	bool csum = skb->ip_summed == CHECKSUM_PARTIAL;
	u8 l4 = 0;

	*hdr_len = 0;
	if (skb_vlan_tag_present(skb)) {
		vlan_macip |= skb_vlan_tag_get(skb) << VIGB_TXD_VLAN_SHIFT;
		*cmd |= VIGB_TXD_CMD_VLE;
	}
	if (skb_is_gso(skb)) {
		int len = vigb_tx_tso(skb, &tucmd, &olinfo, &mss_l4len);

		if (len < 0)
			return ~0u;
		*hdr_len = len;
		*cmd |= VIGB_TXD_CMD_TSE;
	} else if (csum) {
		switch (vlan_get_protocol(skb)) {
		case htons(ETH_P_IP):
			tucmd |= VIGB_TXD_TUCMD_IPV4;
			l4 = ip_hdr(skb)->protocol;
			break;
		case htons(ETH_P_IPV6):
			l4 = ipv6_hdr(skb)->nexthdr;
			break;
		}
		switch (l4) {
		case IPPROTO_TCP:
			tucmd |= VIGB_TXD_TUCMD_L4T_TCP;
			break;
		case IPPROTO_UDP:
			break;
		default:
			/* Extension headers and the like: do it in software. */
			if (skb_checksum_help(skb))
				return ~0u;
			csum = false;
		}
	}
	if (!csum && !(*cmd & VIGB_TXD_CMD_VLE))
		return 0;
	if (csum) {
		vlan_macip |= skb_network_offset(skb) << VIGB_TXD_MACLEN_SHIFT;
		vlan_macip |= skb_checksum_start_offset(skb) -
			      skb_network_offset(skb);
		olinfo |= VIGB_TXD_POPTS_TXSM;
	}

	ctx = (struct vigb_tx_ctx_desc *)((union vigb_tx_desc *)tx->desc +
					  tx->next_to_use);
	ctx->vlan_macip_lens = cpu_to_le32(vlan_macip);
	ctx->seqnum_seed = 0;
	ctx->type_tucmd_mlhl = cpu_to_le32(VIGB_TXD_CMD_DEXT |
					   VIGB_TXD_DTYP_CTXT | tucmd);
	ctx->mss_l4len_idx = cpu_to_le32(mss_l4len);
	tx->tx_buf[tx->next_to_use].skb = NULL;
	tx->tx_buf[tx->next_to_use].eop = NULL;
	dma_unmap_len_set(&tx->tx_buf[tx->next_to_use], len, 0);
	if (++tx->next_to_use == tx->count)
		tx->next_to_use = 0;
	return olinfo;
}

/* The head was mapped with dma_map_single, fragments as pages. */
void vigb_tx_unmap(struct vigb_ring *tx, struct vigb_tx_buf *b)
{
	if (!dma_unmap_len(b, len))
		return;
	if (b->skb)
		dma_unmap_single(tx->dev, dma_unmap_addr(b, dma),
				 dma_unmap_len(b, len), DMA_TO_DEVICE);
	else
		dma_unmap_page(tx->dev, dma_unmap_addr(b, dma),
			       dma_unmap_len(b, len), DMA_TO_DEVICE);
	dma_unmap_len_set(b, len, 0);
}

static int vigb_tx_get_desc(struct vigb_ring *tx)
{
	return vigb_unused(tx);
}

static void vigb_tx_unwind(struct vigb_ring *tx, u16 first, u16 end)
{
	while (first != end) {
		struct vigb_tx_buf *b = &tx->tx_buf[first];

		vigb_tx_unmap(tx, b);
		b->skb = NULL;
		if (++first == tx->count)
			first = 0;
	}
}

/* Post one frame; the ring's netdev queue does BQL, stop and wake. */
netdev_tx_t vigb_xmit_ring(struct vigb_ring *tx, struct sk_buff *skb)
{
	struct netdev_queue *txq = netdev_get_tx_queue(tx->netdev, tx->index);
	unsigned int nfrags = skb_shinfo(skb)->nr_frags, f, len;
	union vigb_tx_desc *d = NULL;
	u32 cmd = VIGB_TXD_DTYP_DATA | VIGB_TXD_CMD_DEXT | VIGB_TXD_CMD_IFCS;
	u16 start = tx->next_to_use, i;
	unsigned int bytes, hdr_len, segs = 1;
	u32 olinfo;
	dma_addr_t dma;

	if (eth_skb_pad(skb)) {
		vigb_tx_count(tx, &tx->stats.drops);
		return NETDEV_TX_OK;
	}
	if (unlikely(vigb_unused(tx) < nfrags + 4)) {
		/* The queue should have been stopped: a bug, not a drop. */
		netif_tx_stop_queue(txq);
		vigb_tx_count(tx, &tx->stats.errors);
		return NETDEV_TX_BUSY;
	}

	olinfo = vigb_tx_context(tx, skb, &cmd, &hdr_len);
	if (olinfo == ~0u)
		goto drop;
	len = skb_headlen(skb);
	olinfo |= (skb->len - hdr_len) << VIGB_TXD_PAYLEN_SHIFT;
	bytes = max_t(unsigned int, skb->len, ETH_ZLEN);
	if (hdr_len) {
		/* Every segment after the first repeats the headers. */
		segs = skb_shinfo(skb)->gso_segs;
		bytes += (segs - 1) * hdr_len;
	}

	dma = dma_map_single(tx->dev, skb->data, len, DMA_TO_DEVICE);
	for (f = 0;; f++) {
		struct vigb_tx_buf *b;

		if (dma_mapping_error(tx->dev, dma))
			goto unmap;
		i = tx->next_to_use;
		b = &tx->tx_buf[i];
		b->skb = f == 0 ? skb : NULL;
		b->eop = NULL;
		dma_unmap_addr_set(b, dma, dma);
		dma_unmap_len_set(b, len, len);
		d = (union vigb_tx_desc *)tx->desc + i;
		d->read.addr = cpu_to_le64(dma);
		d->read.cmd_type_len = cpu_to_le32(cmd | len);
		d->read.olinfo_status = cpu_to_le32(olinfo);
		if (++tx->next_to_use == tx->count)
			tx->next_to_use = 0;
		if (f == nfrags)
			break;
		len = skb_frag_size(&skb_shinfo(skb)->frags[f]);
		dma = skb_frag_dma_map(tx->dev, &skb_shinfo(skb)->frags[f], 0,
				       len, DMA_TO_DEVICE);
	}
	d->read.cmd_type_len |= cpu_to_le32(VIGB_TXD_CMD_EOP | VIGB_TXD_CMD_RS);
	/* The packet's first slot (context or data) carries its totals. */
	tx->tx_buf[start].bytes = bytes;
	tx->tx_buf[start].segs = segs;
	if (hdr_len)
		vigb_tx_count(tx, &tx->stats.tso);
	skb_tx_timestamp(skb);
	/* The cleaner reads eop only once every descriptor is written. */
	smp_wmb();
	tx->tx_buf[start].eop = d;

	netif_txq_maybe_stop(txq, vigb_tx_get_desc(tx), VIGB_TX_DESC_NEEDED,
			     VIGB_TX_WAKE);
	if (__netdev_tx_sent_queue(txq, bytes, netdev_xmit_more())) {
		/* Descriptors before the doorbell. */
		wmb();
		writel(tx->next_to_use, tx->tail);
	}
	return NETDEV_TX_OK;

unmap:
	vigb_tx_unwind(tx, start, tx->next_to_use);
	tx->next_to_use = start;
drop:
	vigb_tx_count(tx, &tx->stats.drops);
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

netdev_tx_t vigb_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct vigb_adapter *ad = netdev_priv(dev);

	return vigb_xmit_ring(&ad->tx_ring[skb_get_queue_mapping(skb)], skb);
}

/* Reclaim completed packets; true when the ring was cleaned fully. */
bool vigb_tx_clean(struct vigb_ring *tx, int budget)
{
	struct netdev_queue *txq = netdev_get_tx_queue(tx->netdev, tx->index);
	unsigned int pkts = 0, bytes = 0;
	u16 i = tx->next_to_clean;
	int work = tx->count;

	while (work--) {
		struct vigb_tx_buf *b = &tx->tx_buf[i];
		union vigb_tx_desc *eop = READ_ONCE(b->eop);

		if (!eop)
			break;
		/* Read the descriptor only after eop was seen set. */
		smp_rmb();
		if (!(eop->wb.status & cpu_to_le32(VIGB_TXD_STAT_DD)))
			break;
		b->eop = NULL;
		pkts += b->segs;
		bytes += b->bytes;
		for (;;) {
			b = &tx->tx_buf[i];
			vigb_tx_unmap(tx, b);
			if (b->skb)
				napi_consume_skb(b->skb, budget);
			b->skb = NULL;
			if ((union vigb_tx_desc *)tx->desc + i == eop) {
				if (++i == tx->count)
					i = 0;
				break;
			}
			if (++i == tx->count)
				i = 0;
		}
	}
	tx->next_to_clean = i;

	u64_stats_update_begin(&tx->stats.syncp);
	tx->stats.packets += pkts;
	tx->stats.bytes += bytes;
	u64_stats_update_end(&tx->stats.syncp);

	netif_txq_completed_wake(txq, pkts, bytes, vigb_tx_get_desc(tx),
				 VIGB_TX_WAKE);
	return work >= 0;
}
