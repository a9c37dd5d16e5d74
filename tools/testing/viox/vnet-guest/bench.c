// SPDX-License-Identifier: GPL-2.0
/*
 * --bench: frames one way as fast as the device moves them.
 */
#include <dirent.h>
#include <sched.h>

#include "vnet-guest.h"

/* The CPUs of the device worker and of the guest driver, with two or more. */
#define WORKER_CPU 0
#define DRIVER_CPU 1

/*
 * Call @fn for each of this process's device workers: the vhost_task
 * threads viox_net ("viox-PID") and vhost-net ("vhost-PID") run in the
 * owner's thread group. Returns how many there were.
 */
static int for_each_worker(void (*fn)(const char *tid, void *arg), void *arg)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char path[300], comm[32] = "";
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
		fn(e->d_name, arg);
		n++;
	}
	closedir(d);
	return n;
}

struct cpu_time {
	double ns;
	bool found;
};

static void add_worker_ns(const char *tid, void *arg)
{
	struct cpu_time *t = arg;
	char path[300];
	unsigned long long ns;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%s/schedstat", tid);
	f = fopen(path, "r");
	if (!f)
		return;
	if (fscanf(f, "%llu", &ns) == 1) {
		t->ns += ns;
		t->found = true;
	}
	fclose(f);
}

/* CPU time, in ns, of this process's device workers; -1 without schedstat. */
static double worker_ns(void)
{
	struct cpu_time t = {};

	for_each_worker(add_worker_ns, &t);
	return t.found ? t.ns : -1;
}

static void pin(pid_t tid, int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(tid, sizeof(set), &set))
		die("sched_setaffinity");
}

static void pin_worker(const char *tid, void *unused __attribute__((unused)))
{
	pin(atoi(tid), opt.cpu >= 0 ? opt.cpu : WORKER_CPU);
}

/*
 * The device's worker (and, for RX, the sender feeding it) on one CPU, the
 * guest driver on another: where the scheduler would put them otherwise
 * changes from run to run, and with it the result. Both devices get the
 * same placement. Nothing to pin on a single CPU. With --cpu, the guest
 * and its workers share that CPU, as a VM with a core of its own would.
 */
static void pin_actors(void)
{
	if (opt.cpu < 0 && sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return;
	pin(0, opt.cpu >= 0 ? opt.cpu : DRIVER_CPU);
	for_each_worker(pin_worker, NULL);
}

/* A measured run: its start, its planned end, the workers' CPU time at start. */
struct run {
	double start, end, ns;
};

static void run_begin(struct run *r)
{
	pin_actors();
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

		uint8_t *f = gpa_ptr(gpa + BUF_SIZE);

		memset(gpa_ptr(gpa), 0, HDR_LEN);
		fill_frame(f, opt.size, 0);
		if (opt.peer)
			swap_macs(f);
		/* To another guest (VM to VM): its MAC, from this one's. */
		if (opt.dst_mac_set) {
			memcpy(f, opt.dst_mac, ETH_ALEN);
			memcpy(f + ETH_ALEN, opt.src_mac, ETH_ALEN);
		}
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

/*
 * A child floods the tap with frames, or (@sender false) a producer outside
 * does (make bench runs pktgen on the wire); the guest counts what it
 * receives.
 */
void bench_rx(bool sender)
{
	struct qp *p = &qps[0];
	unsigned long got = 0;
	struct run run;
	uint16_t id;
	uint32_t len;
	pid_t child = 0;

	fill_rx(p);
	if (!sender)
		close(pktfd);
	else
		child = fork();
	if (sender && !child) {
		static uint8_t frame[BUF_SIZE];
		struct mmsghdr m[64];
		struct iovec iov = { frame, opt.size };
		unsigned int k;

		/* On the worker's CPU: what the worker leaves of it sets the rate. */
		if (sysconf(_SC_NPROCESSORS_ONLN) >= 2)
			pin(0, WORKER_CPU);

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
	if (sender) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
}
