// SPDX-License-Identifier: GPL-2.0
/* viox_igb: receive into page_pool pages, frames of one or more buffers. */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <net/page_pool/helpers.h>

#include "igb.h"

static void vigb_rx_checksum(struct vigb_ring *rx, struct sk_buff *skb,
			     u32 staterr)
{
	skb_checksum_none_assert(skb);
	if (!(rx->netdev->features & NETIF_F_RXCSUM) ||
	    (staterr & VIGB_RXD_STAT_IXSM))
		return;
	if (staterr & (VIGB_RXD_ERR_TCPE | VIGB_RXD_ERR_IPE)) {
		u64_stats_update_begin(&rx->stats.syncp);
		rx->stats.csum_err++;
		u64_stats_update_end(&rx->stats.syncp);
		return;
	}
	if (staterr & (VIGB_RXD_STAT_TCPCS | VIGB_RXD_STAT_UDPCS))
		skb->ip_summed = CHECKSUM_UNNECESSARY;
}

/* Attach one written buffer to the frame being assembled. */
static struct sk_buff *vigb_rx_add(struct vigb_ring *rx, struct sk_buff *skb,
				   struct page *page, unsigned int len)
{
	/* The helper adds the pool's offset (the headroom) itself. */
	page_pool_dma_sync_for_cpu(rx->pp, page, 0, len);
	if (!skb) {
		skb = napi_build_skb(page_address(page), PAGE_SIZE);
		if (!skb)
			return NULL;
		skb_mark_for_recycle(skb);
		skb_reserve(skb, VIGB_RX_HEADROOM);
		__skb_put(skb, len);
		return skb;
	}
	if (skb_shinfo(skb)->nr_frags >= MAX_SKB_FRAGS) {
		page_pool_put_full_page(rx->pp, page, true);
		return ERR_PTR(-EMSGSIZE);
	}
	skb_add_rx_frag(skb, skb_shinfo(skb)->nr_frags, page, VIGB_RX_HEADROOM,
			len, PAGE_SIZE);
	return skb;
}

int vigb_rx_clean(struct vigb_ring *rx, int budget)
{
	struct sk_buff *skb = rx->rx_skb;
	unsigned int pkts = 0, bytes = 0, used = 0;
	u64 drops = 0, errors = 0;
	u16 i = rx->next_to_clean;

	while (pkts < budget && used < rx->count) {
		union vigb_rx_desc *d = (union vigb_rx_desc *)rx->desc + i;
		u32 staterr = le32_to_cpu(d->wb.status_error);
		struct page *page;
		unsigned int len;

		if (!(staterr & VIGB_RXD_STAT_DD))
			break;
		/* Nothing else in the descriptor before DD. */
		dma_rmb();
		len = le16_to_cpu(d->wb.length);
		page = rx->rx_page[i];
		rx->rx_page[i] = NULL;
		if (++i == rx->count)
			i = 0;
		used++;

		if (unlikely(!page || len > VIGB_RX_BUF_LEN)) {
			/* Only a misbehaving device gets here. */
			if (page)
				page_pool_put_full_page(rx->pp, page, true);
			if (!IS_ERR_OR_NULL(skb))
				dev_kfree_skb(skb);
			skb = ERR_PTR(-EIO);
		} else if (IS_ERR(skb)) {
			/* The rest of a frame already dropped. */
			page_pool_put_full_page(rx->pp, page, true);
		} else {
			struct sk_buff *n = vigb_rx_add(rx, skb, page, len);

			if (!n) {
				page_pool_put_full_page(rx->pp, page, true);
				if (skb)
					dev_kfree_skb(skb);
				n = ERR_PTR(-ENOMEM);
			} else if (IS_ERR(n)) {
				dev_kfree_skb(skb);
			}
			skb = n;
		}
		if (!(staterr & VIGB_RXD_STAT_EOP))
			continue;

		if (IS_ERR(skb)) {
			if (PTR_ERR(skb) == -ENOMEM)
				drops++;
			else
				errors++;
			skb = NULL;
			continue;
		}
		if (unlikely(staterr & VIGB_RXD_ERR_FRAME)) {
			errors++;
			dev_kfree_skb(skb);
			skb = NULL;
			continue;
		}
		vigb_rx_checksum(rx, skb, staterr);
		/* A pool's holder gets the tag its pool stripped, always. */
		if ((staterr & VIGB_RXD_STAT_VP) &&
		    (rx->pool || (rx->netdev->features & NETIF_F_HW_VLAN_CTAG_RX)))
			__vlan_hwaccel_put_tag(skb, htons(ETH_P_8021Q),
					       le16_to_cpu(d->wb.vlan) & VLAN_VID_MASK);
		if (rx->netdev->features & NETIF_F_RXHASH)
			skb_set_hash(skb, le32_to_cpu(d->wb.rss), PKT_HASH_TYPE_L3);
		skb_record_rx_queue(skb, rx->index);
		skb->protocol = eth_type_trans(skb, rx->netdev);
		pkts++;
		bytes += skb->len + ETH_HLEN;
		if (rx->pool && rx->pool->holder->rx) {
			skb = rx->pool->holder->rx(rx->pool, skb);
			if (!skb)
				continue;
		}
		napi_gro_receive(&rx->qvec->napi, skb);
		skb = NULL;
	}
	rx->next_to_clean = i;
	rx->rx_skb = skb;

	u64_stats_update_begin(&rx->stats.syncp);
	rx->stats.packets += pkts;
	rx->stats.bytes += bytes;
	rx->stats.drops += drops;
	rx->stats.errors += errors;
	u64_stats_update_end(&rx->stats.syncp);

	/* Also after nothing arrived: buffers a failed refill left out. */
	if (vigb_unused(rx))
		vigb_rx_refill(rx, vigb_unused(rx));
	return pkts;
}
