// SPDX-License-Identifier: GPL-2.0
/*
 * Guest to socket: each TX chain is one packet. Tap and macvtap take up to
 * VIOX_NET_TX_BATCH of them in one sendmsg(); other sockets one at a time.
 */
#include <linux/if_tun.h>
#include <linux/sizes.h>
#include <linux/skbuff.h>
#include <linux/socket.h>
#include <linux/uio.h>
#include <net/sock.h>

#include "net.h"

/* Publish what has been gathered and tell the guest. */
static void tx_flush(struct viox_net_vq *nvq)
{
	if (viox_net_flush_used(nvq))
		viox_vq_signal(&nvq->vq);
}

static void tx_complete(struct viox_net_vq *nvq, const struct viox_chain *c)
{
	nvq->used[nvq->nused++] = (struct viox_used_elem){
		.id = c->id, .len = 0, .ndesc = c->ndesc,
	};
	if (nvq->nused == VIOX_NET_TX_BATCH)
		tx_flush(nvq);
}

/*
 * The batch (TUN_MSG_PTR) hands tap and macvtap ready skb heads and skips
 * the socket's send buffer accounting, so only where that is unlimited,
 * as it is unless the VMM set a limit.
 */
static bool tx_can_batch(struct viox_net_vq *nvq, struct socket *sock)
{
	return (nvq->backend == VIOX_BACKEND_TAP ||
		nvq->backend == VIOX_BACKEND_MACVTAP) &&
	       READ_ONCE(sock->sk->sk_sndbuf) == INT_MAX;
}

/*
 * Memory for batched packets: fragments of one compound page of the vq's,
 * started over whenever every fragment carved from it has been freed.
 *
 * A page_frag_cache only looks for that when its page runs out; when that
 * happens in the middle of a batch, whose fragments are still ours, it
 * takes a new page, which the kernel zeroes (init_on_alloc) - at 64 B that
 * was every 64 packets and a tenth of the TX worker's time. Here the check
 * comes before each fragment, so after a batch the socket has consumed
 * (the usual case: tap hands its packets to the stack synchronously) the
 * same page serves the next one.
 */
#define TX_PAGE_ORDER	get_order(SZ_32K)

static void *tx_frag_alloc(struct viox_net_vq *nvq, unsigned int size)
{
	struct page *page = nvq->tx_page;

	size = ALIGN(size, SMP_CACHE_BYTES);
	if (page) {
		/* Only our own reference left: nothing else can see the page. */
		if (page_ref_count(page) == 1) {
			/* What we write next comes after the last put_page(). */
			smp_mb();
			nvq->tx_off = 0;
		}
		if (nvq->tx_off + size <= page_size(page))
			goto carve;
		put_page(page);
		nvq->tx_page = NULL;
	}
	/* The guest decides how many: charged to the VM's memory cgroup. */
	page = alloc_pages(GFP_KERNEL_ACCOUNT | __GFP_COMP | __GFP_NOWARN |
			   __GFP_NORETRY, TX_PAGE_ORDER);
	/* A batched packet fits in a page, so one page will do. */
	if (!page)
		page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!page)
		return NULL;
	nvq->tx_page = page;
	nvq->tx_off = 0;
carve:
	get_page(page);
	nvq->tx_off += size;
	return page_address(page) + nvq->tx_off - size;
}

/* Give the batch page back (the vq is stopped); fragments keep it alive. */
void viox_net_tx_page_free(struct viox_net_vq *nvq)
{
	if (nvq->tx_page)
		put_page(nvq->tx_page);
	nvq->tx_page = NULL;
}

/*
 * Copy one packet (socket header first) into a page fragment laid out as
 * the socket builds an skb from: struct tun_xdp_hdr, headroom, data, room
 * for skb_shared_info. -ENOSPC when that does not fit in a page.
 *
 * Header and data come over in one copy, the header landing at the end of
 * the headroom; the socket reads it from struct tun_xdp_hdr, so it is
 * moved there with a small memcpy(). Copying into the page rather than to
 * a kernel address skips the hardened-usercopy object lookup, which
 * page_copy_sane()'s bounds check replaces.
 */
static int tx_batch_add(struct viox_net_vq *nvq, struct socket *sock,
			struct iov_iter *from)
{
	unsigned int headroom = sock_flag(sock->sk, SOCK_XDP) ?
				XDP_PACKET_HEADROOM : 0;
	unsigned int pad = SKB_DATA_ALIGN(NET_SKB_PAD + NET_IP_ALIGN + headroom +
					  nvq->sock_hlen);
	unsigned int buflen = SKB_DATA_ALIGN(sizeof(struct skb_shared_info));
	size_t len = iov_iter_count(from) - nvq->sock_hlen;
	struct xdp_buff *xdp = &nvq->xdp[nvq->nxdp];
	struct tun_xdp_hdr *hdr;
	void *buf, *dst;

	if (SKB_DATA_ALIGN(len + pad) + buflen > PAGE_SIZE)
		return -ENOSPC;
	buflen += SKB_DATA_ALIGN(len + pad);
	buf = tx_frag_alloc(nvq, buflen);
	if (!buf)
		return -ENOMEM;
	hdr = buf;
	dst = buf + pad - nvq->sock_hlen;
	if (copy_page_from_iter(virt_to_page(dst), offset_in_page(dst),
				nvq->sock_hlen + len, from) != nvq->sock_hlen + len) {
		put_page(virt_to_head_page(buf));
		return -EFAULT;
	}
	/* The socket reads its header there; the headroom stays unread. */
	if (nvq->sock_hlen)
		memcpy(&hdr->gso, dst, sizeof(hdr->gso));
	else
		memset(&hdr->gso, 0, sizeof(hdr->gso));
	hdr->buflen = buflen;
	xdp_init_buff(xdp, buflen, NULL);
	xdp_prepare_buff(xdp, buf, pad, len, true);
	nvq->nxdp++;
	nvq->xdp_bytes += len;
	return 0;
}

/* Hand the batch to the socket; it owns the pages from here. */
static void tx_batch_flush(struct viox_net_vq *nvq, struct socket *sock)
{
	struct tun_msg_ctl ctl = {
		.type = TUN_MSG_PTR, .num = nvq->nxdp, .ptr = nvq->xdp,
	};
	struct msghdr msg = {
		.msg_control = &ctl, .msg_controllen = sizeof(ctl),
		.msg_flags = MSG_DONTWAIT,
	};
	unsigned int i;

	if (!nvq->nxdp)
		return;
	if (sock->ops->sendmsg(sock, &msg, 0) < 0) {
		/* Not taken: the pages are still ours. */
		for (i = 0; i < nvq->nxdp; i++)
			put_page(virt_to_head_page(nvq->xdp[i].data));
		viox_vq_count(&nvq->vq, VIOX_VQ_DROPS_ERROR, nvq->nxdp);
	} else {
		viox_vq_count(&nvq->vq, VIOX_VQ_PACKETS, nvq->nxdp);
		viox_vq_count(&nvq->vq, VIOX_VQ_BYTES, nvq->xdp_bytes);
	}
	nvq->nxdp = 0;
	nvq->xdp_bytes = 0;
}

static bool tx_avail(struct viox_vq *vq, void *unused)
{
	return !viox_vq_avail_empty(vq);
}

/* Caller holds the vq mutex and a backend socket is attached. */
static void tx_run(struct viox_net *n, struct viox_net_vq *nvq,
		   struct socket *sock)
{
	struct viox_vq *vq = &nvq->vq;
	struct viox_chain c = {
		.iov = nvq->iov, .iov_max = VIOX_MAX_IOV,
	};
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT };
	bool batch = tx_can_batch(nvq, sock);
	unsigned int packets = 0;
	size_t bytes = 0;
	int r;

	/* Wanted again only when sendmsg() runs out of room. */
	viox_poll_stop(&nvq->sock_poll);
	viox_vq_disable_notify(vq);
	for (;;) {
		size_t len;

		r = viox_vq_get_chain(vq, &c);
		if (r < 0)
			break;
		if (!r) {
			/* Ring empty: what is batched goes before any wait. */
			tx_batch_flush(nvq, sock);
			/* With a busy-loop timeout, wait here first. */
			if (viox_vq_busy_poll(vq, tx_avail, NULL))
				continue;
			if (viox_vq_enable_notify(vq)) {
				viox_vq_disable_notify(vq);
				continue;
			}
			break;
		}
		if (c.in) {
			viox_vq_break(vq, "TX chain with writable buffers");
			break;
		}
		len = c.out_len;
		iov_iter_init(&msg.msg_iter, ITER_SOURCE, nvq->iov, c.out, len);
		if (len < nvq->vhost_hlen + nvq->sock_hlen) {
			viox_vq_break(vq, "TX packet shorter than its header");
			break;
		}
		/* A header the socket does not take is dropped here. */
		iov_iter_advance(&msg.msg_iter, nvq->vhost_hlen);
		len -= nvq->vhost_hlen;

		if (len < nvq->sock_hlen + ETH_HLEN)
			r = -EINVAL;	/* no Ethernet header: dropped */
		else if (batch)
			r = tx_batch_add(nvq, sock, &msg.msg_iter);
		else
			r = -ENOSPC;
		if (r == -ENOMEM) {
			/* No memory for the copy: try again later. */
			tx_batch_flush(nvq, sock);
			viox_vq_unget_chain(vq, &c);
			viox_poll_queue(&vq->poll);
			break;
		}
		if (r == -ENOSPC) {
			/* Larger than a page: alone, after what is batched. */
			tx_batch_flush(nvq, sock);
			r = sock->ops->sendmsg(sock, &msg, len);
			if (r == -EAGAIN || r == -ENOMEM || r == -ENOBUFS) {
				/* Full: keep the packet and wait for room. */
				viox_vq_unget_chain(vq, &c);
				viox_poll_start(&nvq->sock_poll, sock->file);
				break;
			}
			if (r >= 0) {
				viox_vq_count(vq, VIOX_VQ_PACKETS, 1);
				viox_vq_count(vq, VIOX_VQ_BYTES, len - nvq->sock_hlen);
			}
		}
		/* Any other failure drops the packet, as a NIC would. */
		if (r < 0)
			viox_vq_count(vq, VIOX_VQ_DROPS_ERROR, 1);
		if (nvq->nxdp == VIOX_NET_TX_BATCH)
			tx_batch_flush(nvq, sock);
		tx_complete(nvq, &c);
		bytes += len;
		if (++packets >= viox_net_weight_packets ||
		    bytes >= viox_net_weight_bytes) {
			/* Fair share used: let other devices' work run. */
			viox_poll_queue(&vq->poll);
			break;
		}
	}
	tx_batch_flush(nvq, sock);
	tx_flush(nvq);
}

void viox_net_handle_tx(struct viox_net *n)
{
	struct viox_net_vq *nvq = &n->vqs[VIOX_NET_VQ_TX];
	struct socket *sock;

	mutex_lock(&nvq->vq.mutex);
	sock = nvq->vq.private_data;
	if (sock)
		tx_run(n, nvq, sock);
	mutex_unlock(&nvq->vq.mutex);
}

void viox_net_tx_kick(struct viox_work *work)
{
	struct viox_vq *vq = viox_work_to_vq(work);

	viox_net_handle_tx(container_of(vq->dev, struct viox_net, dev));
}

void viox_net_tx_sock(struct viox_work *work)
{
	struct viox_net_vq *nvq = container_of(work, struct viox_net_vq,
					       sock_poll.work);

	viox_net_handle_tx(container_of(nvq->vq.dev, struct viox_net, dev));
}
