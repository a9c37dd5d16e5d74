// SPDX-License-Identifier: GPL-2.0
/* Guest to socket: each TX chain is one packet handed to sendmsg(). */
#include <linux/socket.h>
#include <linux/uio.h>

#include "net.h"

/* Publish what has been gathered and tell the guest. */
static void tx_flush(struct viox_net_vq *nvq)
{
	if (!nvq->nused)
		return;
	viox_vq_add_used(&nvq->vq, nvq->used, nvq->nused);
	nvq->nused = 0;
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
			/* Ring empty: with a busy-loop timeout, wait here first. */
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

		r = sock->ops->sendmsg(sock, &msg, len);
		if (r == -EAGAIN || r == -ENOMEM || r == -ENOBUFS) {
			/* Full: keep the packet and wait for room. */
			viox_vq_unget_chain(vq, &c);
			viox_poll_start(&nvq->sock_poll, sock->file);
			break;
		}
		/* Any other failure drops the packet, as a NIC would. */
		if (r < 0) {
			viox_vq_count(vq, VIOX_VQ_DROPS_ERROR, 1);
		} else {
			viox_vq_count(vq, VIOX_VQ_PACKETS, 1);
			viox_vq_count(vq, VIOX_VQ_BYTES, len - nvq->sock_hlen);
		}
		tx_complete(nvq, &c);
		bytes += len;
		if (++packets >= viox_net_weight_packets ||
		    bytes >= viox_net_weight_bytes) {
			/* Fair share used: let other devices' work run. */
			viox_poll_queue(&vq->poll);
			break;
		}
	}
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
