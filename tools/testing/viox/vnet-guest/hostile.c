// SPDX-License-Identifier: GPL-2.0
/*
 * A guest that misbehaves on purpose: only its own ring may suffer.
 */
#include "vnet-guest.h"

/* Frames shorter than an Ethernet header that --hostile runt sends. */
#define RUNTS	16

/* Wait for the device to report @q broken on its error eventfd. */
static void expect_broken(struct qp *p, struct vq *q, const char *what)
{
	uint16_t id;
	uint32_t len;
	bool err = wait_fd(q->err, TIMEOUT_MS);

	result(err, "hostile %s: the device signals the vq broken", what);
	result(!vq_used(q, &id, &len), "hostile %s: the bad chain is not used", what);
	{
		struct vhost_vring_state s = { .index = q->idx };

		result(!ioctl(p->devfd, VHOST_GET_VRING_BASE, &s),
		       "hostile %s: the device still answers VHOST_GET_VRING_BASE", what);
	}
}

/*
 * A misbehaving guest on queue pair 0. Malformed TX chains must break the
 * TX vq alone: RX keeps working. A guest that never refills RX gets
 * backpressure; a kick storm on an empty ring is absorbed.
 */
void test_hostile(void)
{
	struct qp *p = &qps[0];
	struct vq *q = &p->tx;
	const char *h = opt.hostile;
	uint64_t gpa = TX_BASE(0);

	if (!strcmp(h, "loop")) {
		if (opt.packed) {
			/* Packed chains are sequential: make one longer than the ring. */
			uint64_t addr[4] = { gpa, gpa, gpa, gpa };
			uint32_t lens[4] = { 64, 64, 64, 64 };
			uint16_t flags[4] = {};
			unsigned int k;

			for (k = 0; k + 4 <= q->num; k += 4)
				vq_add_flags(q, addr, lens, 4, flags);
			/* Every descriptor now says "next": no chain ends. */
			for (k = 0; k < q->num; k++)
				q->pdesc[k].flags |= VRING_DESC_F_NEXT;
		} else {
			uint64_t addr = gpa;
			uint32_t len = 64;
			int id = vq_add(q, &addr, &len, 1, false);

			q->desc[id].flags = VRING_DESC_F_NEXT;
			q->desc[id].next = id;
		}
		kick(q);
		expect_broken(p, q, "descriptor loop");
	} else if (!strcmp(h, "oob")) {
		uint64_t addr[2] = { gpa, MEM_SIZE + 0x100000 };
		uint32_t lens[2] = { HDR_LEN, 1000 };

		vq_add(q, addr, lens, 2, false);
		kick(q);
		expect_broken(p, q, "descriptor outside guest memory");
	} else if (!strcmp(h, "nested")) {
		uint64_t addr = gpa;
		uint32_t len = 32;
		uint16_t flags = VRING_DESC_F_INDIRECT;

		/* A table whose second entry points at a table again. */
		if (opt.packed) {
			struct vring_packed_desc *t = gpa_ptr(gpa);

			t[0] = (struct vring_packed_desc){ .addr = gpa + 4096, .len = HDR_LEN };
			t[1] = (struct vring_packed_desc){ .addr = gpa, .len = len,
							   .flags = VRING_DESC_F_INDIRECT };
		} else {
			struct vring_desc *t = gpa_ptr(gpa);

			t[0] = (struct vring_desc){ .addr = gpa + 4096, .len = HDR_LEN,
						    .flags = VRING_DESC_F_NEXT, .next = 1 };
			t[1] = (struct vring_desc){ .addr = gpa, .len = len,
						    .flags = VRING_DESC_F_INDIRECT };
		}
		vq_add_flags(q, &addr, &len, 1, &flags);
		kick(q);
		expect_broken(p, q, "nested indirect table");
	} else if (!strcmp(h, "norefill")) {
		static uint8_t frame[65536];
		unsigned int k, got = 0, bad = 0, dup = 0;
		static bool seen[MAX_COUNT];
		uint16_t id;
		uint32_t len;

		/* Flood a guest that has posted no RX buffer. */
		for (k = 0; k < opt.count; k++) {
			fill_frame(frame, frame_size(k), k);
			if (send(pktfd, frame, frame_size(k), MSG_DONTWAIT) < 0 &&
			    errno != EAGAIN && errno != ENOBUFS)
				die("send");
		}
		usleep(500000);
		result(!vq_used(&p->rx, &id, &len),
		       "hostile no-refill: nothing is used while no buffer is posted");
		fill_rx(p);
		while (wait_fd(p->rx.call, 1000)) {
			while (vq_used(&p->rx, &id, &len)) {
				rx_buffer(p, id, len, seen, &got, &bad, &dup);
				post_rx(p);
			}
			kick(&p->rx);
		}
		result(got > 0 && !bad && !dup,
		       "hostile no-refill: once buffers come, queued frames arrive intact (%u)",
		       got);
		return;
	} else if (!strcmp(h, "runt")) {
		unsigned int k, used = 0;
		uint16_t id;
		uint32_t len;

		/* Frames shorter than an Ethernet header: dropped, not broken. */
		for (k = 0; k < RUNTS; k++) {
			gpa = TX_BASE(0) + (uint64_t)vq_next_id(q) * BUF_SIZE;
			memset(gpa_ptr(gpa), 0, HDR_LEN);
			memset(gpa_ptr(gpa + BUF_SIZE), 0xff, 8);
			post_tx_buf(p, 8);
		}
		kick(q);
		while (used < RUNTS && wait_fd(q->call, TIMEOUT_MS))
			while (vq_used(q, &id, &len))
				used++;
		result(used == RUNTS, "hostile runt: %u frames of 8 bytes are used (%u)",
		       RUNTS, used);
		/* What is checked: good frames after them arrive, and only they. */
		opt.count = 64;
		test_tx();
		return;
	} else if (!strcmp(h, "kickstorm")) {
		double end = now() + opt.seconds;
		unsigned long kicks = 0;

		do {
			kick(&p->tx);
			kick(&p->rx);
			kicks += 2;
		} while (now() < end);
		DIAG("hostile kick storm: %lu kicks on empty rings", kicks);
		/* What is checked: the storm left the device working. */
		test_tx();
		return;
	} else {
		die("unknown --hostile %s", h);
	}
	/* Only the TX vq broke: the same device still receives. */
	opt.count = 64;
	test_rx();
}
