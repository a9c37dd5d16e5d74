/* SPDX-License-Identifier: GPL-2.0 */
/* viox_net: what its files share. */
#ifndef _VIOX_NET_H
#define _VIOX_NET_H

#include <linux/mm_types.h>
#include <linux/net.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>
#include <net/xdp.h>
#include <viox/vring.h>

enum {
	VIOX_NET_VQ_RX = 0,
	VIOX_NET_VQ_TX = 1,
	VIOX_NET_VQ_MAX = 2,
};

/* Exactly what viox_net implements; GET_FEATURES reports this. */
#define VIOX_NET_FEATURES (BIT_ULL(VIRTIO_F_NOTIFY_ON_EMPTY) |		\
			   BIT_ULL(VIRTIO_RING_F_INDIRECT_DESC) |	\
			   BIT_ULL(VIRTIO_RING_F_EVENT_IDX) |		\
			   BIT_ULL(VHOST_F_LOG_ALL) |			\
			   BIT_ULL(VIRTIO_F_ANY_LAYOUT) |		\
			   BIT_ULL(VIRTIO_F_VERSION_1) |		\
			   BIT_ULL(VIRTIO_F_RING_PACKED) |		\
			   BIT_ULL(VHOST_NET_F_VIRTIO_NET_HDR) |	\
			   BIT_ULL(VIRTIO_NET_F_MRG_RXBUF))

/* Used entries gathered before they are published; packets per sendmsg(). */
#define VIOX_NET_TX_BATCH 64
/* Packets taken from a tap's or macvtap's ring at once. */
#define VIOX_NET_RX_BATCH 64

struct viox_net_vq {
	struct viox_vq vq;
	/* The backend socket's readiness: EPOLLIN for RX, EPOLLOUT for TX. */
	struct viox_poll sock_poll;
	/* Header bytes viox adds or strips, and the socket's own. */
	size_t vhost_hlen;
	size_t sock_hlen;
	/* enum viox_backend of the attached socket */
	u32 backend;
	/* Completed chains (used[0..nused)) not yet published to the guest. */
	unsigned int nused;
	struct viox_used_elem used[VIOX_MAX_IOV];
	/*
	 * RX from tap and macvtap: their ring of packets, and packets taken
	 * from it (rxq[rxq_head..rxq_tail)) not yet passed to the guest.
	 */
	struct ptr_ring *rx_ring;
	unsigned int rxq_head, rxq_tail;
	void *rxq[VIOX_NET_RX_BATCH];
	/* TX to tap and macvtap: packets copied, waiting for one sendmsg(). */
	unsigned int nxdp;
	size_t xdp_bytes;
	struct xdp_buff xdp[VIOX_NET_TX_BATCH];
	/* Where batched packets are copied to: tx_page from tx_off on. */
	struct page *tx_page;
	unsigned int tx_off;
	struct iovec iov[VIOX_MAX_IOV];
	struct viox_log_range log[VIOX_MAX_IOV];
};

struct viox_net {
	struct viox_dev dev;
	struct viox_net_vq vqs[VIOX_NET_VQ_MAX];
	struct viox_vq *vq_ptrs[VIOX_NET_VQ_MAX];
};

static inline struct viox_net_vq *to_nvq(struct viox_vq *vq)
{
	return container_of(vq, struct viox_net_vq, vq);
}

/* Publish the gathered used entries; false if there were none. */
static inline bool viox_net_flush_used(struct viox_net_vq *nvq)
{
	if (!nvq->nused)
		return false;
	viox_vq_add_used(&nvq->vq, nvq->used, nvq->nused);
	nvq->nused = 0;
	return true;
}

extern unsigned int viox_net_weight_packets;
extern unsigned int viox_net_weight_bytes;

/* hdr.c: pure rules, covered by KUnit */
size_t viox_net_hdr_len(u64 features);
void viox_net_hdr_split(u64 features, size_t *vhost_hlen, size_t *sock_hlen);
int viox_net_check_features(u64 features);
unsigned int viox_net_rx_fill(struct viox_used_elem *heads, unsigned int n,
			      u32 len);

/* tx.c, rx.c: the two directions, run on the device worker */
void viox_net_handle_tx(struct viox_net *n);
void viox_net_handle_rx(struct viox_net *n);
void viox_net_tx_kick(struct viox_work *work);
void viox_net_tx_sock(struct viox_work *work);
void viox_net_rx_kick(struct viox_work *work);
void viox_net_rx_sock(struct viox_work *work);
struct ptr_ring *viox_net_rx_ring(struct socket *sock, u32 backend);
void viox_net_rx_unbatch(struct viox_net_vq *nvq);
void viox_net_tx_page_free(struct viox_net_vq *nvq);

/* device.c */
extern const struct attribute_group *viox_net_groups[];
int viox_net_register(void);
void viox_net_unregister(void);

#endif /* _VIOX_NET_H */
