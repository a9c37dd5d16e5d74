// SPDX-License-Identifier: GPL-2.0
/*
 * Frames both ways through the devices, every byte checked.
 */
#include "vnet-guest.h"

/* Guest -> device -> tap -> packet socket. */
void test_tx(void)
{
	unsigned int sent = 0, done = 0, got = 0, bad = 0, dup = 0, order = 0;
	unsigned int last[MAX_QP], idle = 0, i;
	static uint8_t frame[65536];
	static bool seen[MAX_COUNT];
	bool moved = !opt.reattach;
	uint16_t id;
	uint32_t len;

	memset(last, 0xff, sizeof(last));
	while (got < opt.count && idle < TIMEOUT_MS / 100) {
		struct pollfd pfd = { .fd = pktfd, .events = POLLIN };
		bool posted[MAX_QP] = {};
		ssize_t n;

		if (!moved && got >= opt.count / 2) {
			reattach("TX");
			moved = true;
		}
		/* Bounded in flight: the host stack's backlog is finite. */
		while (sent < opt.count && sent - got < 64) {
			struct qp *p = &qps[sent % opt.queues];

			if (vq_free(&p->tx) < 2)
				break;
			post_tx(p, sent, frame_size(sent));
			posted[p->n] = true;
			tx_frames++;
			tx_bytes += frame_size(sent);
			sent++;
		}
		for (i = 0; i < opt.queues; i++) {
			if (posted[i])
				kick(&qps[i].tx);
			while (vq_used(&qps[i].tx, &id, &len))
				done++;
		}
		if (poll(&pfd, 1, 100) <= 0) {
			idle++;
			continue;
		}
		idle = 0;
		while ((n = recv(pktfd, frame, sizeof(frame), MSG_DONTWAIT)) > 0) {
			unsigned int seq, qn;

			if (!ours(frame, n))
				continue;
			if (opt.peer)
				swap_macs(frame);
			seq = frame_seq(frame);
			if (!frame_ok(frame, n, seq)) {
				if (!bad++)
					DIAG("TX frame %u: seq %u, %zd bytes, not as sent",
					     got, seq, n);
			} else if (seen[seq]) {
				if (!dup++)
					DIAG("TX frame %u arrived twice", seq);
			} else {
				seen[seq] = true;
				/* A queue keeps its frames in order. */
				qn = seq % opt.queues;
				if (last[qn] != ~0u && seq < last[qn] && !order++)
					DIAG("TX frame %u after %u on queue %u", seq, last[qn], qn);
				last[qn] = seq;
			}
			got++;
		}
	}
	usleep(100000);
	for (i = 0; i < opt.queues; i++)
		while (vq_used(&qps[i].tx, &id, &len))
			done++;
	result(got == opt.count && !bad && !dup,
	       "TX %u frames reach the tap intact, once each (%u received, %u bad, %u repeated)",
	       opt.count, got, bad, dup);
	result(!order, "TX frames of each queue arrive in order");
	result(done == sent, "TX buffers all returned used (%u of %u)", done, sent);
}

/* One used RX buffer of @p: a frame, or a piece of one. */
void rx_buffer(struct qp *p, uint16_t id, uint32_t len, bool *seen,
	       unsigned int *got, unsigned int *bad, unsigned int *dup)
{
	uint8_t *b = gpa_ptr(RX_BASE(p->n) + (uint64_t)id * BUF_SIZE);
	struct virtio_net_hdr_mrg_rxbuf *h = (void *)b;
	unsigned int seq;

	if (len > opt.rx_buf || (!p->want_bufs && len < HDR_LEN)) {
		if (!(*bad)++)
			DIAG("RX qp %u: used length %u of a %u-byte buffer", p->n, len,
			     opt.rx_buf);
		p->want_bufs = 0;
		return;
	}
	p->bufs++;
	if (!p->want_bufs) {
		p->want_bufs = opt.mrg ? h->num_buffers : 1;
		if (!p->want_bufs) {
			if (!(*bad)++)
				DIAG("RX qp %u: num_buffers 0", p->n);
			p->want_bufs = 1;
		}
		memcpy(p->pkt, b + HDR_LEN, len - HDR_LEN);
		p->have = len - HDR_LEN;
	} else {
		memcpy(p->pkt + p->have, b, len);
		p->have += len;
	}
	if (--p->want_bufs)
		return;
	/* The tap also carries the host stack's own frames. */
	if (!ours(p->pkt, p->have))
		return;
	seq = frame_seq(p->pkt);
	if (!frame_ok(p->pkt, p->have, seq)) {
		if (!(*bad)++)
			DIAG("RX qp %u: frame seq %u, %u bytes, not as sent", p->n, seq, p->have);
	} else if (seen[seq]) {
		if (!(*dup)++)
			DIAG("RX frame %u arrived twice", seq);
	} else {
		seen[seq] = true;
	}
	p->frames++;
	(*got)++;
}

/* Packet socket -> tap -> device -> guest. */
void test_rx(void)
{
	unsigned int sent = 0, got = 0, bad = 0, dup = 0, i, used_qps = 0, bufs = 0;
	static uint8_t frame[65536];
	static bool seen[MAX_COUNT];
	bool moved = !opt.reattach;
	unsigned int window = 0;

	for (i = 0; i < opt.queues; i++) {
		fill_rx(&qps[i]);
		window += opt.num / 4;
	}
	while (got < opt.count) {
		bool any = false;

		if (!moved && got >= opt.count / 2) {
			reattach("RX");
			moved = true;
		}
		/* A bounded number in flight: the guest is slower than the host. */
		while (sent < opt.count && sent - got < window) {
			unsigned int size = frame_size(sent);

			fill_frame(frame, size, sent);
			if (send(pktfd, frame, size, 0) != size)
				die("send");
			sent++;
		}
		for (i = 0; i < opt.queues; i++) {
			struct qp *p = &qps[i];
			unsigned int k = 0;
			uint16_t id;
			uint32_t len;

			while (vq_used(&p->rx, &id, &len)) {
				rx_buffer(p, id, len, seen, &got, &bad, &dup);
				post_rx(p);	/* the buffer goes straight back */
				k++;
			}
			if (k) {
				kick(&p->rx);
				any = true;
			}
		}
		if (!any && !wait_rx_call(TIMEOUT_MS)) {
			DIAG("RX: no interrupt for %d ms (%u of %u frames)", TIMEOUT_MS,
			     got, opt.count);
			break;
		}
	}
	for (i = 0; i < opt.queues; i++) {
		used_qps += qps[i].frames > 0;
		bufs += qps[i].bufs;
	}
	result(got == opt.count && !bad && !dup,
	       "RX %u frames reach the guest intact, once each (%u received, %u bad, %u repeated)",
	       opt.count, got, bad, dup);
	if (opt.queues > 1)
		result(used_qps == opt.queues, "RX frames arrive on all %u queue pairs (%u did)",
		       opt.queues, used_qps);
	if (opt.mrg && opt.size > opt.rx_buf)
		result(bufs > got, "RX mergeable buffers used: %u for %u frames", bufs, got);
}
