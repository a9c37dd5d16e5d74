// SPDX-License-Identifier: GPL-2.0
/*
 * --bench: frames one way as fast as the device moves them.
 */
#include <dirent.h>

#include "vnet-guest.h"

/*
 * CPU time, in ns, of this process's device workers: the vhost_task
 * threads viox_net ("viox-PID") and vhost-net ("vhost-PID") run in the
 * owner's thread group. -1 without schedstat.
 */
static double worker_ns(void)
{
	DIR *d = opendir("/proc/self/task");
	double sum = 0;
	struct dirent *e;
	bool found = false;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char path[300], comm[32] = "";
		unsigned long long ns;
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (!fgets(comm, sizeof(comm), f))
			comm[0] = 0;
		fclose(f);
		if (strncmp(comm, "viox-", 5) && strncmp(comm, "vhost-", 6))
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/schedstat", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fscanf(f, "%llu", &ns) == 1) {
			sum += ns;
			found = true;
		}
		fclose(f);
	}
	closedir(d);
	return found ? sum : -1;
}

/* A measured run: its start, its planned end, the workers' CPU time at start. */
struct run {
	double start, end, ns;
};

static void run_begin(struct run *r)
{
	r->ns = worker_ns();
	r->start = now();
	r->end = r->start + opt.seconds;
}

/* Print what the run moved, and what it cost the worker per packet. */
static void run_end(const struct run *r, unsigned long pkts)
{
	double secs = now() - r->start, ns = r->ns < 0 ? -1 : worker_ns() - r->ns;

	printf("{\"pps\": %.0f, \"bps\": %.0f, \"worker_ns_per_packet\": %.0f}\n",
	       pkts / secs, pkts * opt.size * 8.0 / secs,
	       ns >= 0 && pkts ? ns / pkts : -1);
}

/* Transmit opt.size frames as fast as the device takes them. */
void bench_tx(void)
{
	struct qp *p = &qps[0];
	unsigned long done = 0;
	struct run run;
	uint16_t id;
	uint32_t len;

	/* Every chain (header slot, frame slot) holds the same frame, written once. */
	for (id = 0; id < opt.num; id += 2) {
		uint64_t gpa = TX_BASE(p->n) + (uint64_t)id * BUF_SIZE;

		memset(gpa_ptr(gpa), 0, HDR_LEN);
		fill_frame(gpa_ptr(gpa + BUF_SIZE), opt.size, 0);
	}
	run_begin(&run);
	while (now() < run.end) {
		unsigned int k;

		for (k = 0; k < 64 && vq_free(&p->tx) >= 2; k++)
			post_tx_buf(p, opt.size);
		if (k)
			kick(&p->tx);
		while (vq_used(&p->tx, &id, &len))
			done++;
	}
	run_end(&run, done);
}

/* A child floods the tap with frames; the guest counts what it receives. */
void bench_rx(void)
{
	struct qp *p = &qps[0];
	unsigned long got = 0;
	struct run run;
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
	run_begin(&run);
	while (now() < run.end) {
		unsigned int k = 0;

		while (vq_used(&p->rx, &id, &len)) {
			post_rx(p);
			got++;
			k++;
		}
		if (k)
			kick(&p->rx);
	}
	run_end(&run, got);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
}
