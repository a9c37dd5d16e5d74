// SPDX-License-Identifier: GPL-2.0
/*
 * vnet-guest: a virtio-net driver in userspace that drives vhost-net style
 * devices (/dev/viox-net or /dev/vhost-net) the way a VMM and its guest
 * would: guest memory, split or packed rings, one device file per queue
 * pair on one (multiqueue) tap. It sends frames out through the devices and
 * checks every byte at a packet socket on the tap, then the reverse.
 *
 * Scenarios beyond plain traffic: --reattach moves every queue pair to a
 * new device file mid-stream, as a migration does, and checks that no
 * frame is lost or repeated; --dirty-log checks the pages the device marks
 * dirty; --hostile makes the guest misbehave and checks that only its own
 * ring suffers. Prints KTAP; exits 0 only if every check passed.
 */
#include <limits.h>

#include "vnet-guest.h"

struct options opt = {
	.dev = "/dev/viox-net", .tap = "vioxtap0", .count = 256, .size = 1000,
	.num = 256, .rx_buf = BUF_SIZE, .seconds = 5, .queues = 1, .cpu = -1,
	.sndbuf = INT_MAX,
};

uint8_t *mem;
unsigned long tx_frames, tx_bytes;	/* handed to the device */
uint8_t *dirty;		/* the dirty-page bitmap, with --dirty-log */
uint64_t features;	/* acked */
int pktfd, ifindex, tests, failures;

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("Bail out! ");
	vprintf(fmt, ap);
	printf(": %s\n", strerror(errno));
	va_end(ap);
	exit(2);
}

void result(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d ", ok ? "" : "not ", ++tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	failures += !ok;
}

struct qp qps[MAX_QP];

double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

bool wait_fd(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t n;

	if (poll(&p, 1, ms) <= 0)
		return false;
	return read(fd, &n, sizeof(n)) == sizeof(n);
}

static bool parse_macs(const char *s, struct options *o)
{
	unsigned int d[6], s6[6], i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x,%x:%x:%x:%x:%x:%x", &d[0], &d[1], &d[2],
		   &d[3], &d[4], &d[5], &s6[0], &s6[1], &s6[2], &s6[3], &s6[4],
		   &s6[5]) != 12)
		return false;
	for (i = 0; i < 6; i++) {
		if (d[i] > 255 || s6[i] > 255)
			return false;
		o->dst_mac[i] = d[i];
		o->src_mac[i] = s6[i];
	}
	o->dst_mac_set = true;
	return true;
}

static void usage(void)
{
	printf("usage: vnet-guest [--dev PATH] [--tap NAME | --tap-dev PATH]\n"
	       "                  [--peer NAME] [--queues N] [--packed]\n"
	       "                  [--mrg] [--hdr-by-dev] [--count N] [--size BYTES]\n"
	       "                  [--rx-buf BYTES] [--ring N] [--reattach] [--dirty-log]\n"
	       "                  [--hostile loop|oob|nested|norefill|kickstorm|runt]\n"
	       "                  [--busy-poll US] [--bench tx|rx|count] [--seconds S]\n"
	       "                  [--hold S] [--reset-owner] [--sink LOG]\n"
	       "                  [--macs DST,SRC] [--cpu N] [--sndbuf BYTES]\n"
	       "Drives vhost-net style devices as a guest would, one device file per\n"
	       "queue pair (N at most %u) on one tap, and checks every byte both ways,\n"
	       "printing KTAP. --tap-dev opens a tap character device (a macvtap's\n"
	       "/dev/tapN or a viox vport's /dev/vioxtapN, once per queue pair)\n"
	       "instead of a tun\n"
	       "tap; --peer exchanges the frames on another interface than the tap\n"
	       "(the wire of a bridge, a macvtap or a vport). --reattach moves to new device files mid-stream;\n"
	       "--dirty-log checks the pages the device marks; --hostile misbehaves\n"
	       "on purpose (kickstorm lasts S seconds); --hold keeps the devices open\n"
	       "S seconds after the checks; --busy-poll sets each vq's busy-loop\n"
	       "timeout and reads it back; --reset-owner acks the device header,\n"
	       "resets the owner and goes on without acking features again: with\n"
	       "no header at all then, it sends frames alone (TX only). --sink logs\n"
	       "the numbered frames of failover-stream.py it receives for S seconds.\n"
	       "With --bench it moves --size\n"
	       "frames one way for S seconds (count: counts what another producer\n"
	       "sends to the guest's MAC) and prints {\"pps\": N, \"bps\": N,\n"
	       "\"worker_ns_per_packet\": N} (bits of frame data per second; the\n"
	       "device worker's CPU time per packet, -1 if unknown); with two or\n"
	       "more CPUs it pins the device worker (and the RX sender) to CPU 0\n"
	       "and itself to CPU 1, or with --cpu N both to CPU N (a VM with a\n"
	       "core of its own, beside another). --macs gives --bench tx frames\n"
	       "these destination and source MACs (another guest's, and its own).\n"
	       "--sndbuf sets each tap's send buffer (TUNSETSNDBUF) as a VMM does;\n"
	       "QEMU's default, and this one, is unlimited (%d).\n",
	       MAX_QP, INT_MAX);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "dev", 1, 0, 'd' }, { "tap", 1, 0, 't' }, { "packed", 0, 0, 'p' },
		{ "tap-dev", 1, 0, 'T' }, { "peer", 1, 0, 'P' },
		{ "mrg", 0, 0, 'm' }, { "hdr-by-dev", 0, 0, 'H' },
		{ "count", 1, 0, 'c' }, { "size", 1, 0, 's' }, { "rx-buf", 1, 0, 'r' },
		{ "ring", 1, 0, 'n' }, { "bench", 1, 0, 'b' }, { "seconds", 1, 0, 'S' },
		{ "queues", 1, 0, 'q' }, { "reattach", 0, 0, 'R' },
		{ "dirty-log", 0, 0, 'L' }, { "hostile", 1, 0, 'X' }, { "hold", 1, 0, 'o' },
		{ "busy-poll", 1, 0, 'B' }, { "reset-owner", 0, 0, 'O' },
		{ "sink", 1, 0, 'K' }, { "macs", 1, 0, 'M' }, { "cpu", 1, 0, 'C' },
		{ "sndbuf", 1, 0, 'F' },
		{ "help", 0, 0, 'h' }, {}
	};
	int c;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'd': opt.dev = optarg; break;
		case 't': opt.tap = optarg; break;
		case 'T': opt.tap_dev = optarg; opt.tap = NULL; break;
		case 'P': opt.peer = optarg; break;
		case 'p': opt.packed = true; break;
		case 'm': opt.mrg = true; break;
		case 'H': opt.hdr_by_dev = true; break;
		case 'c': opt.count = atoi(optarg); break;
		case 's': opt.size = atoi(optarg); break;
		case 'r': opt.rx_buf = atoi(optarg); break;
		case 'n': opt.num = atoi(optarg); break;
		case 'b': opt.bench = optarg; break;
		case 'S': opt.seconds = atoi(optarg); break;
		case 'q': opt.queues = atoi(optarg); break;
		case 'R': opt.reattach = true; break;
		case 'L': opt.dirty_log = true; break;
		case 'X': opt.hostile = optarg; break;
		case 'o': opt.hold = atoi(optarg); break;
		case 'B': opt.busy_poll = atoi(optarg); break;
		case 'O': opt.reset_owner = true; break;
		case 'K': opt.sink = optarg; break;
		case 'C': opt.cpu = atoi(optarg); break;
		case 'F': opt.sndbuf = atoi(optarg); break;
		case 'M':
			if (!parse_macs(optarg, &opt)) {
				usage();
				return 2;
			}
			break;
		case 'h': usage(); return 0;
		default: usage(); return 2;
		}
	}
	if (opt.size < MIN_FRAME || opt.size > BUF_SIZE || opt.rx_buf > BUF_SIZE ||
	    (!opt.mrg && opt.rx_buf < opt.size + HDR_LEN) || !opt.num ||
	    opt.num > 1024 || (opt.num & (opt.num - 1)) || !opt.queues ||
	    opt.queues > MAX_QP || opt.count > MAX_COUNT ||
	    (opt.reset_owner && (opt.packed || opt.mrg || opt.hdr_by_dev)) ||
	    (opt.tap_dev && !opt.peer) || opt.sndbuf <= 0 ||
	    (opt.cpu >= 0 && (!opt.bench || opt.cpu >= sysconf(_SC_NPROCESSORS_ONLN))) ||
	    (opt.bench && strcmp(opt.bench, "tx") && strcmp(opt.bench, "rx") &&
	     strcmp(opt.bench, "count"))) {
		usage();
		return 2;
	}
	if (!opt.bench && !opt.sink)
		printf("KTAP version 1\n");
	setup();
	if (opt.sink) {
		sink();
		return 0;
	}
	if (opt.bench) {
		if (!strcmp(opt.bench, "tx"))
			bench_tx();
		else
			bench_rx(!strcmp(opt.bench, "rx"));
		return 0;
	}
	if (opt.hostile) {
		test_hostile();
	} else if (opt.dirty_log) {
		test_dirty_log();
	} else if (opt.reset_owner) {
		/* Without a header a vnet-header tap cannot receive into it. */
		test_tx();
	} else {
		test_tx();
		test_rx();
	}
	DIAG("tx_frames %lu tx_bytes %lu", tx_frames, tx_bytes);
	printf("1..%d\n", tests);
	if (opt.hold) {
		/* Keep the devices open for inspection; a signal ends it early. */
		fflush(stdout);
		sleep(opt.hold);
	}
	return failures ? 1 : 0;
}
