// SPDX-License-Identifier: GPL-2.0
/*
 * --sink LOG: the receiving end of the failover tests. The frames that
 * tools/testing/viox/failover-stream.py sends (ethertype 0x88b5, "VXFO",
 * a big-endian sequence number) are logged as "seq monotonic-time" lines,
 * as its own receivers log them, for --seconds or until SIGTERM;
 * LOG.ready says when the ring is filled.
 */
#include "vnet-guest.h"

static volatile sig_atomic_t sink_stop;

static void sink_term(int sig __attribute__((unused)))
{
	sink_stop = 1;
}

void sink(void)
{
	struct qp *p = &qps[0];
	double end = now() + opt.seconds;
	char ready[4096];
	unsigned long got = 0;
	FILE *log, *f;

	log = fopen(opt.sink, "w");
	snprintf(ready, sizeof(ready), "%s.ready", opt.sink);
	if (!log)
		die("open %s", opt.sink);
	signal(SIGTERM, sink_term);
	fill_rx(p);
	f = fopen(ready, "w");
	if (!f)
		die("open %s", ready);
	fclose(f);
	while (!sink_stop && now() < end) {
		unsigned int k = 0;
		uint16_t id;
		uint32_t len;

		while (vq_used(&p->rx, &id, &len)) {
			const uint8_t *frame = gpa_ptr(RX_BASE(p->n) +
						       (uint64_t)id * BUF_SIZE) + HDR_LEN;
			uint32_t seq;

			if (len >= HDR_LEN + 22 && frame[12] == 0x88 &&
			    frame[13] == 0xb5 && !memcmp(frame + 14, "VXFO", 4)) {
				memcpy(&seq, frame + 18, 4);
				fprintf(log, "%u %.6f\n", ntohl(seq), now());
				got++;
			}
			post_rx(p);
			k++;
		}
		if (k) {
			kick(&p->rx);
			continue;
		}
		wait_rx_call(10);
	}
	fclose(log);
	DIAG("sink: %lu frames", got);
}
