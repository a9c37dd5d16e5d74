// SPDX-License-Identifier: GPL-2.0
/*
 * --bench: frames one way as fast as the device moves them.
 */
#include "vnet-guest.h"

/* Transmit opt.size frames as fast as the device takes them. */
void bench_tx(void)
{
	struct qp *p = &qps[0];
	unsigned long done = 0;
	double start, end;
	uint16_t id;
	uint32_t len;

	/* Every chain (header slot, frame slot) holds the same frame, written once. */
	for (id = 0; id < opt.num; id += 2) {
		uint64_t gpa = TX_BASE(p->n) + (uint64_t)id * BUF_SIZE;

		memset(gpa_ptr(gpa), 0, HDR_LEN);
		fill_frame(gpa_ptr(gpa + BUF_SIZE), opt.size, 0);
	}
	start = now();
	end = start + opt.seconds;
	while (now() < end) {
		unsigned int k;

		for (k = 0; k < 64 && vq_free(&p->tx) >= 2; k++)
			post_tx_buf(p, opt.size);
		if (k)
			kick(&p->tx);
		while (vq_used(&p->tx, &id, &len))
			done++;
	}
	end = now();
	printf("{\"pps\": %.0f, \"bps\": %.0f}\n", done / (end - start),
	       done * opt.size * 8.0 / (end - start));
}

/* A child floods the tap with frames; the guest counts what it receives. */
void bench_rx(void)
{
	struct qp *p = &qps[0];
	unsigned long got = 0;
	double start, end;
	uint16_t id;
	uint32_t len;
	pid_t child;

	fill_rx(p);
	child = fork();
	if (!child) {
		static uint8_t frame[BUF_SIZE];
		struct mmsghdr m[64];
		struct iovec iov = { frame, opt.size };
		unsigned int k;

		fill_frame(frame, opt.size, 0);
		for (k = 0; k < 64; k++)
			m[k] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &iov, .msg_iovlen = 1 } };
		for (;;)
			sendmmsg(pktfd, m, 64, 0);
	}
	start = now();
	end = start + opt.seconds;
	while (now() < end) {
		unsigned int k = 0;

		while (vq_used(&p->rx, &id, &len)) {
			post_rx(p);
			got++;
			k++;
		}
		if (k)
			kick(&p->rx);
	}
	end = now();
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	printf("{\"pps\": %.0f, \"bps\": %.0f}\n", got / (end - start),
	       got * opt.size * 8.0 / (end - start));
}
