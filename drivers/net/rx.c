// SPDX-License-Identifier: GPL-2.0
/*
 * Socket to guest: each packet lands in one RX chain, or with MRG_RXBUF in
 * as many as it needs, headed by a virtio-net header.
 */
#include <linux/if_tap.h>
#include <linux/if_tun.h>
#include <linux/if_vlan.h>
#include <linux/ptr_ring.h>
#include <linux/skb_array.h>
#include <linux/skbuff.h>
#include <linux/socket.h>
#include <linux/uio.h>
#include <net/sock.h>

#include "net.h"

/*
 * Tap and macvtap queue received packets in a ptr_ring: viox takes up to
 * VIOX_NET_RX_BATCH at a time, without the ring's lock per packet, and
 * hands each back to recvmsg() as msg_control, which consumes it.
 */
struct ptr_ring *viox_net_rx_ring(struct socket *sock, u32 backend)
{
	struct ptr_ring *ring = NULL;

	if (backend == VIOX_BACKEND_TAP)
		ring = tun_get_tx_ring(sock->file);
	else if (backend == VIOX_BACKEND_MACVTAP)
		ring = tap_get_ptr_ring(sock->file);
	return IS_ERR(ring) ? NULL : ring;
}

/* Give back what was taken and not passed on (vq mutex held). */
void viox_net_rx_unbatch(struct viox_net_vq *nvq)
{
	if (nvq->rx_ring && nvq->rxq_tail > nvq->rxq_head)
		ptr_ring_unconsume(nvq->rx_ring, nvq->rxq + nvq->rxq_head,
				   nvq->rxq_tail - nvq->rxq_head, tun_ptr_free);
	nvq->rxq_head = 0;
	nvq->rxq_tail = 0;
}

/* The next packet taken from the ring (taking more if none), or NULL. */
static void *rx_batch_head(struct viox_net_vq *nvq)
{
	if (nvq->rxq_head == nvq->rxq_tail) {
		nvq->rxq_head = 0;
		nvq->rxq_tail = ptr_ring_consume_batched(nvq->rx_ring, nvq->rxq,
							 VIOX_NET_RX_BATCH);
		if (!nvq->rxq_tail)
			return NULL;
	}
	return nvq->rxq[nvq->rxq_head];
}

/* Length of the next packet the socket holds, 0 if none. */
static int rx_peek_len(struct viox_net_vq *nvq, struct socket *sock)
{
	struct sock *sk = sock->sk;
	struct sk_buff *head;
	unsigned long flags;
	void *ptr;
	int len = 0;

	if (nvq->rx_ring) {
		ptr = rx_batch_head(nvq);
		if (!ptr)
			return 0;
		if (tun_is_xdp_frame(ptr))
			return tun_ptr_to_xdp(ptr)->len;
		return __skb_array_len_with_tag(ptr);
	}
	if (sock->ops->peek_len)
		return sock->ops->peek_len(sock);
	spin_lock_irqsave(&sk->sk_receive_queue.lock, flags);
	head = skb_peek(&sk->sk_receive_queue);
	if (head)
		len = head->len + (skb_vlan_tag_present(head) ? VLAN_HLEN : 0);
	spin_unlock_irqrestore(&sk->sk_receive_queue.lock, flags);
	return len;
}

/* Pass the next taken packet, if any, to recvmsg() with @msg. */
static void rx_batch_take(struct viox_net_vq *nvq, struct msghdr *msg)
{
	msg->msg_control = nvq->rx_ring ? nvq->rxq[nvq->rxq_head++] : NULL;
}

/* Drop the next packet: the guest cannot take it. */
static void rx_drop(struct viox_net_vq *nvq, struct socket *sock)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT | MSG_TRUNC };

	iov_iter_kvec(&msg.msg_iter, ITER_DEST, NULL, 0, 0);
	rx_batch_take(nvq, &msg);
	sock->ops->recvmsg(sock, &msg, 0, MSG_DONTWAIT | MSG_TRUNC);
}

static void rx_unget(struct viox_net_vq *nvq, unsigned int n,
		     const struct viox_used_elem *heads)
{
	struct viox_chain c = {};

	while (n--) {
		c.ndesc = heads[n].ndesc;
		viox_vq_unget_chain(&nvq->vq, &c);
	}
}

/*
 * Take buffers for @need bytes: one chain, or with MRG_RXBUF as many as it
 * takes. Returns the number taken (heads in nvq->used after the nused
 * gathered for earlier packets, segments in nvq->iov, log ranges in
 * nvq->log), 0 if the guest has too few for now, -EMSGSIZE if the packet
 * can never fit (a buffer too small without MRG_RXBUF), or another
 * negative errno if the ring broke.
 */
static int rx_get_bufs(struct viox_net_vq *nvq, u32 need, bool mergeable,
		       unsigned int *niov, unsigned int *nlog)
{
	struct viox_used_elem *used = nvq->used + nvq->nused;
	unsigned int max_heads = VIOX_MAX_IOV - nvq->nused;
	struct viox_vq *vq = &nvq->vq;
	unsigned int heads = 0;
	u64 room = 0;
	int r;

	*niov = 0;
	*nlog = 0;
	while (room < need) {
		struct viox_chain c = {
			.iov = nvq->iov + *niov,
			.iov_max = VIOX_MAX_IOV - *niov,
			.log = viox_vq_logging(vq) ? nvq->log + *nlog : NULL,
			.log_max = VIOX_MAX_IOV - *nlog,
		};

		if (heads == max_heads || *niov == VIOX_MAX_IOV) {
			r = -EMSGSIZE;
			goto err;
		}
		r = viox_vq_get_chain(vq, &c);
		if (r <= 0)
			goto err;
		if (c.out) {
			viox_vq_break(vq, "RX buffer with readable descriptors");
			r = -EINVAL;
			goto err;
		}
		used[heads++] = (struct viox_used_elem){
			.id = c.id, .len = c.in_len, .ndesc = c.ndesc,
		};
		*niov += c.in;
		*nlog += c.nlog;
		room += c.in_len;
		if (!mergeable)
			break;
	}
	if (room < need) {
		r = -EMSGSIZE;
		goto err;
	}
	return heads;
err:
	if (!vq->broken)
		rx_unget(nvq, heads, used);
	return r;
}

/* Write num_buffers (and the whole header when viox supplies it). */
static int rx_put_hdr(struct viox_net_vq *nvq, unsigned int niov,
		      unsigned int heads, bool mergeable)
{
	struct virtio_net_hdr_mrg_rxbuf hdr = {};
	size_t off = 0, len = nvq->vhost_hlen;
	struct iov_iter it;

	if (mergeable) {
		hdr.num_buffers = __cpu_to_virtio16(nvq->vq.is_le, heads);
		if (!len) {
			/* The socket wrote the header; fix up its count. */
			off = offsetof(struct virtio_net_hdr_mrg_rxbuf, num_buffers);
			len = sizeof(hdr.num_buffers);
		}
	}
	if (!len)
		return 0;
	iov_iter_init(&it, ITER_DEST, nvq->iov, niov, off + len);
	iov_iter_advance(&it, off);
	if (copy_to_iter((void *)&hdr + off, len, &it) != len)
		return -EFAULT;
	return 0;
}

static bool rx_pending(struct viox_vq *vq, void *sock)
{
	return rx_peek_len(to_nvq(vq), sock) > 0;
}

static void rx_run(struct viox_net *n, struct viox_net_vq *nvq,
		   struct socket *sock)
{
	struct viox_vq *vq = &nvq->vq;
	bool mergeable = viox_vq_has_feature(vq, VIRTIO_NET_F_MRG_RXBUF);
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT };
	unsigned int packets = 0, added = 0, niov, nlog;
	struct viox_used_elem *used;
	size_t bytes = 0;
	int heads, len, r;
	u32 sock_len, total;

	/*
	 * Packets arriving during the run need no wakeup: the loop takes
	 * them. The socket is polled again only once found empty; a full
	 * ring waits for the guest's kick, a spent budget is requeued.
	 */
	viox_poll_stop(&nvq->sock_poll);
	viox_vq_disable_notify(vq);
	for (;;) {
		len = rx_peek_len(nvq, sock);
		if (len <= 0) {
			/* Socket empty: with a busy-loop timeout, wait here first. */
			viox_net_flush_used(nvq);
			if (added)
				viox_vq_signal(vq);
			added = 0;
			if (viox_vq_busy_poll(vq, rx_pending, sock))
				continue;
			/* A socket in error (tap gone) has nothing to wait for. */
			viox_poll_start(&nvq->sock_poll, sock->file);
			break;
		}
		sock_len = len + nvq->sock_hlen;
		total = sock_len + nvq->vhost_hlen;

		/* Dropped packets count too; the first always goes through. */
		if (packets++ && (packets > viox_net_weight_packets ||
				  bytes >= viox_net_weight_bytes)) {
			viox_poll_queue(&vq->poll);
			break;
		}

		heads = rx_get_bufs(nvq, total, mergeable, &niov, &nlog);
		if (heads == -EMSGSIZE) {
			rx_drop(nvq, sock);
			viox_vq_count(vq, VIOX_VQ_DROPS_TOO_BIG, 1);
			continue;
		}
		if (heads < 0)
			break;
		if (!heads) {
			/* Out of buffers: the packet waits for the guest. */
			viox_net_flush_used(nvq);
			if (viox_vq_enable_notify(vq)) {
				viox_vq_disable_notify(vq);
				continue;
			}
			viox_vq_count(vq, VIOX_VQ_RING_FULL, 1);
			goto out;
		}
		used = nvq->used + nvq->nused;
		iov_iter_init(&msg.msg_iter, ITER_DEST, nvq->iov, niov, total);
		iov_iter_advance(&msg.msg_iter, nvq->vhost_hlen);
		rx_batch_take(nvq, &msg);
		r = sock->ops->recvmsg(sock, &msg, sock_len, MSG_DONTWAIT | MSG_TRUNC);
		if (r != sock_len) {
			/* Changed or gone since the peek: the buffers stay free. */
			rx_unget(nvq, heads, used);
			if (r >= 0)
				viox_vq_count(vq, VIOX_VQ_DROPS_ERROR, 1);
			continue;
		}
		if (rx_put_hdr(nvq, niov, heads, mergeable)) {
			viox_vq_break(vq, "cannot write the RX header");
			break;
		}
		/*
		 * One used-index write per batch rather than per packet; the
		 * batch also goes out before the worker waits or leaves.
		 */
		nvq->nused += viox_net_rx_fill(used, heads, total);
		if (nvq->nused >= VIOX_NET_RX_BATCH)
			viox_net_flush_used(nvq);
		viox_vq_log_write(vq, nvq->log, nlog, total);
		viox_vq_count(vq, VIOX_VQ_PACKETS, 1);
		viox_vq_count(vq, VIOX_VQ_BYTES, len);
		bytes += total;
		added++;
	}
out:
	viox_net_flush_used(nvq);
	if (added)
		viox_vq_signal(vq);
}

void viox_net_handle_rx(struct viox_net *n)
{
	struct viox_net_vq *nvq = &n->vqs[VIOX_NET_VQ_RX];
	struct socket *sock;

	mutex_lock(&nvq->vq.mutex);
	sock = nvq->vq.private_data;
	if (sock)
		rx_run(n, nvq, sock);
	mutex_unlock(&nvq->vq.mutex);
}

void viox_net_rx_kick(struct viox_work *work)
{
	struct viox_vq *vq = viox_work_to_vq(work);

	viox_net_handle_rx(container_of(vq->dev, struct viox_net, dev));
}

void viox_net_rx_sock(struct viox_work *work)
{
	struct viox_net_vq *nvq = container_of(work, struct viox_net_vq,
					       sock_poll.work);

	viox_net_handle_rx(container_of(nvq->vq.dev, struct viox_net, dev));
}
