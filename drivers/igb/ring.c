// SPDX-License-Identifier: GPL-2.0
/* viox_igb: descriptor ring memory and its programming into the queues. */
#include <linux/dma-mapping.h>
#include <linux/iopoll.h>
#include <net/page_pool/helpers.h>

#include "igb.h"

static int vigb_ring_alloc_desc(struct vigb_ring *r, size_t desc_size)
{
	/* The hardware wants 128-byte multiples for RDLEN/TDLEN. */
	size_t sz = ALIGN(r->count * desc_size, 4096);

	r->desc = dma_alloc_coherent(r->dev, sz, &r->desc_dma, GFP_KERNEL);
	return r->desc ? 0 : -ENOMEM;
}

static void vigb_ring_free_desc(struct vigb_ring *r, size_t desc_size)
{
	if (!r->desc)
		return;
	dma_free_coherent(r->dev, ALIGN(r->count * desc_size, 4096), r->desc,
			  r->desc_dma);
	r->desc = NULL;
}

static int vigb_rx_ring_alloc(struct vigb_ring *rx)
{
	struct page_pool_params pp = {
		.flags = PP_FLAG_DMA_MAP | PP_FLAG_DMA_SYNC_DEV,
		.order = 0,
		.pool_size = rx->count,
		.nid = dev_to_node(rx->dev),
		.dev = rx->dev,
		.napi = &rx->qvec->napi,
		.netdev = rx->qvec->ad->netdev,	/* a pool's vport may go first */
		.dma_dir = DMA_FROM_DEVICE,
		.offset = VIGB_RX_HEADROOM,
		.max_len = VIGB_RX_BUF_LEN,
	};
	int err;

	rx->rx_page = kcalloc(rx->count, sizeof(*rx->rx_page), GFP_KERNEL);
	if (!rx->rx_page)
		return -ENOMEM;
	err = vigb_ring_alloc_desc(rx, sizeof(union vigb_rx_desc));
	if (err)
		goto err_buf;
	rx->pp = page_pool_create(&pp);
	if (IS_ERR(rx->pp)) {
		err = PTR_ERR(rx->pp);
		rx->pp = NULL;
		goto err_desc;
	}
	return 0;

err_desc:
	vigb_ring_free_desc(rx, sizeof(union vigb_rx_desc));
err_buf:
	kfree(rx->rx_page);
	rx->rx_page = NULL;
	return err;
}

static void vigb_rx_ring_free(struct vigb_ring *rx)
{
	unsigned int i;

	if (!rx->rx_page)
		return;
	if (!IS_ERR_OR_NULL(rx->rx_skb))
		dev_kfree_skb(rx->rx_skb);
	rx->rx_skb = NULL;
	for (i = 0; i < rx->count; i++)
		if (rx->rx_page[i])
			page_pool_put_full_page(rx->pp, rx->rx_page[i], false);
	page_pool_destroy(rx->pp);
	rx->pp = NULL;
	vigb_ring_free_desc(rx, sizeof(union vigb_rx_desc));
	kfree(rx->rx_page);
	rx->rx_page = NULL;
}

static int vigb_tx_ring_alloc(struct vigb_ring *tx)
{
	tx->tx_buf = kcalloc(tx->count, sizeof(*tx->tx_buf), GFP_KERNEL);
	if (!tx->tx_buf)
		return -ENOMEM;
	if (vigb_ring_alloc_desc(tx, sizeof(union vigb_tx_desc))) {
		kfree(tx->tx_buf);
		tx->tx_buf = NULL;
		return -ENOMEM;
	}
	return 0;
}

static void vigb_tx_ring_free(struct vigb_ring *tx)
{
	if (!tx->tx_buf)
		return;
	vigb_tx_clean_all(tx);
	vigb_ring_free_desc(tx, sizeof(union vigb_tx_desc));
	kfree(tx->tx_buf);
	tx->tx_buf = NULL;
}

/* Drop every packet still queued on a stopped TX ring. */
void vigb_tx_clean_all(struct vigb_ring *tx)
{
	unsigned int i;

	for (i = 0; i < tx->count; i++) {
		struct vigb_tx_buf *b = &tx->tx_buf[i];

		vigb_tx_unmap(tx, b);
		dev_kfree_skb_any(b->skb);
		memset(b, 0, sizeof(*b));
	}
	tx->next_to_use = 0;
	tx->next_to_clean = 0;
	netdev_tx_reset_queue(netdev_get_tx_queue(tx->netdev, tx->index));
}

/* One TX and one RX ring, empty; on failure neither is left allocated. */
int vigb_ring_pair_alloc(struct vigb_ring *tx, struct vigb_ring *rx)
{
	int err;

	tx->next_to_use = 0;
	tx->next_to_clean = 0;
	rx->next_to_use = 0;
	rx->next_to_clean = 0;
	err = vigb_tx_ring_alloc(tx);
	if (err)
		return err;
	err = vigb_rx_ring_alloc(rx);
	if (err)
		vigb_tx_ring_free(tx);
	return err;
}

void vigb_ring_pair_free(struct vigb_ring *tx, struct vigb_ring *rx)
{
	vigb_tx_ring_free(tx);
	vigb_rx_ring_free(rx);
}

int vigb_rings_alloc(struct vigb_adapter *ad)
{
	unsigned int i;
	int err;

	for (i = 0; i < ad->num_qp; i++) {
		ad->tx_ring[i].count = ad->tx_ring_count;
		ad->rx_ring[i].count = ad->rx_ring_count;
		err = vigb_ring_pair_alloc(&ad->tx_ring[i], &ad->rx_ring[i]);
		if (err) {
			netdev_err(ad->netdev, "cannot allocate rings: %d\n", err);
			vigb_rings_free(ad);
			return err;
		}
	}
	return 0;
}

void vigb_rings_free(struct vigb_adapter *ad)
{
	unsigned int i;

	for (i = 0; i < VIGB_MAX_QUEUE_PAIRS; i++)
		vigb_ring_pair_free(&ad->tx_ring[i], &ad->rx_ring[i]);
}

/* Post up to n fresh buffers; the tail moves once at the end. */
void vigb_rx_refill(struct vigb_ring *rx, unsigned int n)
{
	u16 i = rx->next_to_use;
	bool posted = false;

	while (n--) {
		union vigb_rx_desc *d = (union vigb_rx_desc *)rx->desc + i;
		struct page *page = rx->rx_page[i];

		if (!page) {
			page = page_pool_dev_alloc_pages(rx->pp);
			if (!page) {
				u64_stats_update_begin(&rx->stats.syncp);
				rx->stats.alloc_fail++;
				u64_stats_update_end(&rx->stats.syncp);
				break;
			}
			rx->rx_page[i] = page;
		}
		d->read.pkt_addr = cpu_to_le64(page_pool_get_dma_addr(page) +
					       VIGB_RX_HEADROOM);
		d->read.hdr_addr = 0;
		if (++i == rx->count)
			i = 0;
		posted = true;
	}
	if (!posted)
		return;
	rx->next_to_use = i;
	/* Descriptors must be visible before the tail says so. */
	wmb();
	writel(i, rx->tail);
}

static void vigb_queue_wait(struct vigb_adapter *ad, u32 reg, bool on)
{
	u32 v;

	if (readl_poll_timeout(ad->hw + reg, v,
			       !!(v & VIGB_XDCTL_ENABLE) == on, 10, 10000))
		netdev_warn(ad->netdev, "queue control 0x%x did not turn %s\n",
			    reg, on ? "on" : "off");
}

static void vigb_configure_tx(struct vigb_adapter *ad, struct vigb_ring *tx)
{
	u8 q = tx->reg;

	vigb_wr32(ad, VIGB_TXDCTL(q), 0);
	vigb_flush(ad);
	vigb_wr32(ad, VIGB_TDBAL(q), lower_32_bits(tx->desc_dma));
	vigb_wr32(ad, VIGB_TDBAH(q), upper_32_bits(tx->desc_dma));
	vigb_wr32(ad, VIGB_TDLEN(q), tx->count * sizeof(union vigb_tx_desc));
	vigb_wr32(ad, VIGB_TDH(q), 0);
	vigb_wr32(ad, VIGB_TDT(q), 0);
	tx->tail = ad->hw + VIGB_TDT(q);
	vigb_wr32(ad, VIGB_TXDCTL(q), VIGB_XDCTL_THRESH | VIGB_XDCTL_ENABLE);
	vigb_queue_wait(ad, VIGB_TXDCTL(q), true);
}

static void vigb_configure_rx(struct vigb_adapter *ad, struct vigb_ring *rx)
{
	u8 q = rx->reg;

	vigb_wr32(ad, VIGB_RXDCTL(q), 0);
	vigb_flush(ad);
	vigb_wr32(ad, VIGB_RDBAL(q), lower_32_bits(rx->desc_dma));
	vigb_wr32(ad, VIGB_RDBAH(q), upper_32_bits(rx->desc_dma));
	vigb_wr32(ad, VIGB_RDLEN(q), rx->count * sizeof(union vigb_rx_desc));
	/* One buffer per descriptor; the size field is in KiB. */
	vigb_wr32(ad, VIGB_SRRCTL(q), VIGB_SRRCTL_ONEBUF | VIGB_SRRCTL_DROP_EN |
		  (VIGB_RX_BUF_LEN >> VIGB_SRRCTL_BSIZEPKT_SHIFT));
	vigb_wr32(ad, VIGB_RDH(q), 0);
	vigb_wr32(ad, VIGB_RDT(q), 0);
	rx->tail = ad->hw + VIGB_RDT(q);
	vigb_wr32(ad, VIGB_RXDCTL(q), VIGB_XDCTL_THRESH | VIGB_XDCTL_ENABLE);
	vigb_queue_wait(ad, VIGB_RXDCTL(q), true);
	vigb_rx_refill(rx, vigb_unused(rx));
}

void vigb_ring_pair_configure(struct vigb_adapter *ad, struct vigb_ring *tx,
			      struct vigb_ring *rx)
{
	vigb_configure_tx(ad, tx);
	vigb_configure_rx(ad, rx);
}

/* Program every queue pair and enable the queues. */
void vigb_rings_configure(struct vigb_adapter *ad)
{
	unsigned int i;

	for (i = 0; i < ad->num_qp; i++)
		vigb_ring_pair_configure(ad, &ad->tx_ring[i], &ad->rx_ring[i]);
}

/* Turn a queue off and wait: the NIC first ends the descriptor it is on. */
static void vigb_queue_stop(struct vigb_adapter *ad, u32 reg)
{
	vigb_wr32(ad, reg, 0);
	vigb_flush(ad);
	vigb_queue_wait(ad, reg, false);
}

/* The NIC writes no more frames into @rx; those it wrote stay. */
void vigb_rx_ring_stop(struct vigb_adapter *ad, struct vigb_ring *rx)
{
	vigb_queue_stop(ad, VIGB_RXDCTL(rx->reg));
}

/* The NIC reads no more descriptors from @tx. */
void vigb_tx_ring_stop(struct vigb_adapter *ad, struct vigb_ring *tx)
{
	vigb_queue_stop(ad, VIGB_TXDCTL(tx->reg));
}

void vigb_ring_pair_disable(struct vigb_adapter *ad, struct vigb_ring *tx,
			    struct vigb_ring *rx)
{
	vigb_rx_ring_stop(ad, rx);
	vigb_tx_ring_stop(ad, tx);
}

void vigb_rings_disable(struct vigb_adapter *ad)
{
	unsigned int i;

	for (i = 0; i < ad->num_qp; i++)
		vigb_ring_pair_disable(ad, &ad->tx_ring[i], &ad->rx_ring[i]);
}
