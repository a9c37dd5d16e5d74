// SPDX-License-Identifier: GPL-2.0
/*
 * Dirty logging: the device must mark exactly the pages it wrote.
 */
#include "vnet-guest.h"

static bool log_bit(uint64_t gpa)
{
	uint64_t pg = gpa / PAGE;

	return dirty[pg / 8] & (1u << (pg % 8));
}

static void mark(uint8_t *map, uint64_t gpa, uint64_t len)
{
	uint64_t pg;

	for (pg = gpa / PAGE; len && pg <= (gpa + len - 1) / PAGE; pg++)
		map[pg / 8] |= 1u << (pg % 8);
}

/*
 * Dirty logging, as a migration turns it on mid-run: every page the device
 * wrote (received frames, used rings) must be marked, and no other page
 * (the frames it only read, buffers it never touched).
 */
void test_dirty_log(void)
{
	static uint8_t must[MEM_SIZE / PAGE / 8], may[MEM_SIZE / PAGE / 8];
	uint64_t logfeat = features | 1ULL << VHOST_F_LOG_ALL;
	uint64_t base, pg;
	unsigned int i, sent = 0, got = 0, missing = 0, extra = 0;
	static uint8_t frame[65536];

	dirty = mmap(NULL, MEM_SIZE / PAGE / 8, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (dirty == MAP_FAILED)
		die("mmap log");
	base = (uintptr_t)dirty;
	for (i = 0; i < opt.queues; i++) {
		struct qp *p = &qps[i];

		if (ioctl(p->devfd, VHOST_SET_LOG_BASE, &base))
			die("VHOST_SET_LOG_BASE");
		if (ioctl(p->devfd, VHOST_SET_FEATURES, &logfeat))
			die("VHOST_SET_FEATURES with VHOST_F_LOG_ALL");
		/* The rings the device writes may be marked whenever it runs. */
		if (opt.packed) {
			mark(may, p->rx.gpa, opt.num * 16);
			mark(may, p->tx.gpa, opt.num * 16);
			mark(may, p->rx.gpa + 0x9000, 4);
			mark(may, p->tx.gpa + 0x9000, 4);
		} else {
			mark(may, p->rx.gpa + 0x8000, 6 + opt.num * 8);
			mark(may, p->tx.gpa + 0x8000, 6 + opt.num * 8);
		}
	}

	/* TX: the device reads the frames and writes only the used ring. */
	for (i = 0; i < 16; i++) {
		struct qp *p = &qps[i % opt.queues];

		post_tx(p, i, frame_size(i));
	}
	for (i = 0; i < opt.queues; i++)
		kick(&qps[i].tx);
	for (i = 0; i < opt.queues; i++) {
		struct qp *p = &qps[i];
		unsigned int done = 0, want = (16 - i + opt.queues - 1) / opt.queues;
		uint16_t id;
		uint32_t len;

		while (done < want && wait_fd(p->tx.call, TIMEOUT_MS))
			while (vq_used(&p->tx, &id, &len))
				done++;
		if (done)
			mark(must, opt.packed ? p->tx.gpa : p->tx.gpa + 0x8000, 1);
	}

	/* RX: the frames land in the buffers the device marks. */
	for (i = 0; i < opt.queues; i++)
		fill_rx(&qps[i]);
	for (sent = 0; sent < 32; sent++) {
		unsigned int size = frame_size(sent);

		fill_frame(frame, size, sent);
		if (send(pktfd, frame, size, 0) != size)
			die("send");
	}
	while (got < sent) {
		bool any = false;

		for (i = 0; i < opt.queues; i++) {
			struct qp *p = &qps[i];
			uint16_t id;
			uint32_t len;

			while (vq_used(&p->rx, &id, &len)) {
				uint64_t gpa = RX_BASE(p->n) + (uint64_t)id * BUF_SIZE;
				uint8_t *b = gpa_ptr(gpa);

				mark(must, gpa, len);
				mark(must, opt.packed ? p->rx.gpa : p->rx.gpa + 0x8000, 1);
				if (len > HDR_LEN && ours(b + HDR_LEN, len - HDR_LEN))
					got++;
				post_rx(p);
				any = true;
			}
			kick(&p->rx);
		}
		if (!any && !wait_rx_call(2000))
			break;
	}
	/*
	 * The host's own frames (IPv6 neighbour discovery on the tap) may
	 * land in any posted RX buffer at any time: written, not only read.
	 */
	for (i = 0; i < opt.queues; i++)
		mark(may, RX_BASE(qps[i].n), (uint64_t)qps[i].rx.num * BUF_SIZE);
	for (pg = 0; pg < MEM_SIZE / PAGE; pg++) {
		bool m = must[pg / 8] & (1u << (pg % 8));
		bool ok = m || (may[pg / 8] & (1u << (pg % 8)));
		bool d = log_bit(pg * PAGE);

		if (m && !d && !missing++)
			DIAG("dirty log: page %#llx written but not marked",
			     (unsigned long long)pg * PAGE);
		if (d && !ok && !extra++)
			DIAG("dirty log: page %#llx marked but never written",
			     (unsigned long long)pg * PAGE);
	}
	result(got == sent, "dirty log: %u frames received while logging", sent);
	result(!missing, "dirty log: every page the device wrote is marked (%u missing)",
	       missing);
	result(!extra, "dirty log: no page the device only read is marked (%u extra)", extra);
}
