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
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/if.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <linux/vhost.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>
#include <linux/virtio_ring.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_QP		4
#define MEM_SIZE	(64u << 20)
#define PAGE		4096u
#define RING_AREA	0x10000u	/* per vq: rings */
#define BUF_BASE	0x100000u	/* buffers from here */
#define BUF_SIZE	2048u
#define QP_AREA		(4u << 20)	/* buffers of one queue pair, one way */
#define TX_BASE(qp)	(BUF_BASE + (qp) * QP_AREA)
#define RX_BASE(qp)	(BUF_BASE + (MAX_QP + (qp)) * QP_AREA)
#define HDR_LEN		12u
#define MIN_FRAME	60u
#define UDP_PORT	0x88b5		/* marks the frames of this program */
#define TIMEOUT_MS	10000
#define MAX_COUNT	100000u

#define wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#define rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)

static struct {
	const char *dev, *tap, *bench, *hostile;
	bool packed, mrg, hdr_by_dev, reattach, dirty_log;
	unsigned int count, size, num, rx_buf, seconds, queues, hold, busy_poll;
} opt = {
	.dev = "/dev/viox-net", .tap = "vioxtap0", .count = 256, .size = 1000,
	.num = 256, .rx_buf = BUF_SIZE, .seconds = 5, .queues = 1,
};

static uint8_t *mem;
static unsigned long tx_frames, tx_bytes;	/* handed to the device */
static uint8_t *dirty;		/* the dirty-page bitmap, with --dirty-log */
static uint64_t features;	/* acked */
static int pktfd, ifindex, tests, failures;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("Bail out! ");
	vprintf(fmt, ap);
	printf(": %s\n", strerror(errno));
	va_end(ap);
	exit(2);
}

static void result(bool ok, const char *fmt, ...)
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

#define DIAG(...) (printf("# " __VA_ARGS__), printf("\n"))

struct vq {
	unsigned int idx, num;
	uint64_t gpa;			/* ring area */
	int kick, call, err;
	/* split */
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	/* packed */
	struct vring_packed_desc *pdesc;
	bool avail_wrap, used_wrap;
	/* both */
	uint16_t next_avail, last_used, free_head;
	unsigned int inflight;		/* descriptors */
	uint16_t ndesc[1024];		/* per buffer id: descriptors used */
};

/* One device file: vq 0 receives, vq 1 transmits. */
struct qp {
	unsigned int n;
	int devfd, tapfd;
	struct vq rx, tx;
	/* RX reassembly of a frame spread over mergeable buffers */
	unsigned int want_bufs, have, frames, bufs;
	uint8_t pkt[65536];
};

static struct qp qps[MAX_QP];

static void *gpa_ptr(uint64_t gpa)
{
	return mem + gpa;
}

static uint64_t ring_gpa(const struct qp *p, unsigned int idx)
{
	return RING_AREA * (1 + p->n * 2 + idx);
}

/* The guest's side of a vq: empty rings, nothing in flight. */
static void vq_init(struct vq *q, const struct qp *p, unsigned int idx)
{
	memset(q, 0, sizeof(*q));
	q->idx = idx;
	q->num = opt.num;
	q->gpa = ring_gpa(p, idx);
	q->avail_wrap = q->used_wrap = true;
	if (opt.packed) {
		q->pdesc = gpa_ptr(q->gpa);
	} else {
		q->desc = gpa_ptr(q->gpa);
		q->avail = gpa_ptr(q->gpa + 0x4000);
		q->used = gpa_ptr(q->gpa + 0x8000);
	}
	memset(gpa_ptr(q->gpa), 0, RING_AREA);
	q->kick = eventfd(0, EFD_NONBLOCK);
	q->call = eventfd(0, EFD_NONBLOCK);
	q->err = eventfd(0, EFD_NONBLOCK);
}

/* The device's side: hand it the vq, starting at @base. */
static void vq_setup(int devfd, struct vq *q, uint32_t base)
{
	struct vhost_vring_state s = { q->idx, q->num };
	struct vhost_vring_addr a = { .index = q->idx };
	struct vhost_vring_file f = { .index = q->idx };

	if (ioctl(devfd, VHOST_SET_VRING_NUM, &s))
		die("VHOST_SET_VRING_NUM");
	s.num = base;
	if (ioctl(devfd, VHOST_SET_VRING_BASE, &s))
		die("VHOST_SET_VRING_BASE");
	a.desc_user_addr = (uintptr_t)gpa_ptr(q->gpa);
	if (opt.packed) {
		a.avail_user_addr = (uintptr_t)gpa_ptr(q->gpa + 0x8000);
		a.used_user_addr = (uintptr_t)gpa_ptr(q->gpa + 0x9000);
		a.log_guest_addr = q->gpa + 0x9000;
	} else {
		a.avail_user_addr = (uintptr_t)q->avail;
		a.used_user_addr = (uintptr_t)q->used;
		a.log_guest_addr = q->gpa + 0x8000;
	}
	if (opt.dirty_log)
		a.flags = 1 << VHOST_VRING_F_LOG;
	if (ioctl(devfd, VHOST_SET_VRING_ADDR, &a))
		die("VHOST_SET_VRING_ADDR");
	f.fd = q->kick;
	if (ioctl(devfd, VHOST_SET_VRING_KICK, &f))
		die("VHOST_SET_VRING_KICK");
	f.fd = q->call;
	if (ioctl(devfd, VHOST_SET_VRING_CALL, &f))
		die("VHOST_SET_VRING_CALL");
	f.fd = q->err;
	if (ioctl(devfd, VHOST_SET_VRING_ERR, &f))
		die("VHOST_SET_VRING_ERR");
	if (opt.busy_poll) {
		s.num = opt.busy_poll;
		if (ioctl(devfd, VHOST_SET_VRING_BUSYLOOP_TIMEOUT, &s))
			die("VHOST_SET_VRING_BUSYLOOP_TIMEOUT");
		s.num = 0;
		if (ioctl(devfd, VHOST_GET_VRING_BUSYLOOP_TIMEOUT, &s))
			die("VHOST_GET_VRING_BUSYLOOP_TIMEOUT");
		if (s.num != opt.busy_poll) {
			errno = EINVAL;
			die("busy-loop timeout reads back as %u, not %u", s.num, opt.busy_poll);
		}
	}
}

static uint32_t initial_base(void)
{
	/* Packed: index 0 with the wrap counters set, for both halves. */
	return opt.packed ? 1u << 15 | (1u << 15) << 16 : 0;
}

/* Make a chain of n buffers available; returns its id. */
static int vq_add_flags(struct vq *q, const uint64_t *addr, const uint32_t *len,
			unsigned int n, const uint16_t *extra)
{
	uint16_t id = q->next_avail % q->num, i, head_flags = 0;
	unsigned int k;

	if (!opt.packed) {
		/* Descriptor slots are taken in order, one chain per ring slot. */
		for (k = 0; k < n; k++) {
			i = (id + k) % q->num;
			q->desc[i].addr = addr[k];
			q->desc[i].len = len[k];
			q->desc[i].flags = extra[k] | (k + 1 < n ? VRING_DESC_F_NEXT : 0);
			q->desc[i].next = (i + 1) % q->num;
		}
		q->ndesc[id] = n;
		q->avail->ring[q->free_head % q->num] = id;
		q->free_head++;
		wmb();
		q->avail->idx = q->free_head;
		q->next_avail += n;
		q->inflight += n;
		return id;
	}
	id = q->next_avail;
	for (k = 0; k < n; k++) {
		uint16_t flags = extra[k] | (k + 1 < n ? VRING_DESC_F_NEXT : 0) |
				 (q->avail_wrap ? 1 << VRING_PACKED_DESC_F_AVAIL
						: 1 << VRING_PACKED_DESC_F_USED);

		i = q->next_avail;
		q->pdesc[i].addr = addr[k];
		q->pdesc[i].len = len[k];
		q->pdesc[i].id = id;
		if (k)
			q->pdesc[i].flags = flags;
		else
			head_flags = flags;
		if (++q->next_avail == q->num) {
			q->next_avail = 0;
			q->avail_wrap = !q->avail_wrap;
		}
	}
	q->ndesc[id] = n;
	q->inflight += n;
	wmb();
	q->pdesc[id].flags = head_flags;
	return id;
}

static int vq_add(struct vq *q, const uint64_t *addr, const uint32_t *len,
		  unsigned int n, bool write)
{
	uint16_t flags[4] = {};
	unsigned int k;

	for (k = 0; k < n; k++)
		flags[k] = write ? VRING_DESC_F_WRITE : 0;
	return vq_add_flags(q, addr, len, n, flags);
}

/* Next used buffer: 1 with id and len, 0 if none yet. */
static int vq_used(struct vq *q, uint16_t *id, uint32_t *len)
{
	if (!opt.packed) {
		if (q->last_used == *(volatile uint16_t *)&q->used->idx)
			return 0;
		rmb();
		*id = q->used->ring[q->last_used % q->num].id;
		*len = q->used->ring[q->last_used % q->num].len;
		q->last_used++;
		q->inflight -= q->ndesc[*id];
		return 1;
	}
	{
		uint16_t f = *(volatile uint16_t *)&q->pdesc[q->last_used].flags;
		bool avail = f & 1 << VRING_PACKED_DESC_F_AVAIL;
		bool used = f & 1 << VRING_PACKED_DESC_F_USED;

		if (avail != q->used_wrap || used != q->used_wrap)
			return 0;
		rmb();
		*id = q->pdesc[q->last_used].id;
		*len = q->pdesc[q->last_used].len;
		q->last_used += q->ndesc[*id];
		q->inflight -= q->ndesc[*id];
		if (q->last_used >= q->num) {
			q->last_used -= q->num;
			q->used_wrap = !q->used_wrap;
		}
		return 1;
	}
}

static unsigned int vq_free(struct vq *q)
{
	return q->num - q->inflight;
}

/* The id the next chain gets: buffers can be placed by it. */
static uint16_t vq_next_id(struct vq *q)
{
	return q->next_avail % q->num;
}

static void kick(struct vq *q)
{
	uint64_t one = 1;

	if (write(q->kick, &one, sizeof(one)) != sizeof(one))
		die("kick");
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static bool wait_fd(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t n;

	if (poll(&p, 1, ms) <= 0)
		return false;
	return read(fd, &n, sizeof(n)) == sizeof(n);
}

static uint16_t csum16(const uint8_t *p, unsigned int len)
{
	uint32_t s = 0;

	for (; len > 1; p += 2, len -= 2)
		s += p[0] << 8 | p[1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return ~s;
}

/*
 * Frame @seq: IPv4/UDP between loopback addresses (a martian anywhere but
 * here), the UDP source port varying so a multiqueue tap spreads frames
 * over its queues, then the sequence number and a pattern.
 */
static void fill_frame(uint8_t *f, unsigned int size, unsigned int seq)
{
	static const uint8_t hdr[42] = {
		2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00,
		0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 17, 0, 0,
		127, 0, 0, 1, 127, 0, 0, 2,
		0, 0, UDP_PORT >> 8, UDP_PORT & 0xff, 0, 0, 0, 0,
	};
	unsigned int i, sport = 1024 + seq % 4096;
	uint16_t c;

	memcpy(f, hdr, sizeof(hdr));
	f[16] = (size - 14) >> 8;
	f[17] = (size - 14) & 0xff;
	c = csum16(f + 14, 20);
	f[24] = c >> 8;
	f[25] = c & 0xff;
	f[34] = sport >> 8;
	f[35] = sport & 0xff;
	f[38] = (size - 34) >> 8;
	f[39] = (size - 34) & 0xff;
	memcpy(f + 42, &seq, 4);
	for (i = 46; i < size; i++)
		f[i] = (uint8_t)(seq * 7 + i);
}

static bool ours(const uint8_t *f, ssize_t n)
{
	return n >= 46 && f[12] == 0x08 && f[13] == 0 && f[23] == 17 &&
	       f[36] == UDP_PORT >> 8 && f[37] == (UDP_PORT & 0xff);
}

static unsigned int frame_seq(const uint8_t *f)
{
	unsigned int seq;

	memcpy(&seq, f + 42, 4);
	return seq;
}

static unsigned int frame_size(unsigned int seq)
{
	/* Sizes vary over the run, from the minimum up to opt.size. */
	return opt.size <= MIN_FRAME ? opt.size :
	       MIN_FRAME + (seq * 131) % (opt.size - MIN_FRAME + 1);
}

/* Whether frame @f of @n bytes is exactly what @seq should be. */
static bool frame_ok(const uint8_t *f, unsigned int n, unsigned int seq)
{
	static uint8_t want[65536];

	if (seq >= opt.count || n != frame_size(seq))
		return false;
	fill_frame(want, n, seq);
	return !memcmp(want, f, n);
}

static uint64_t wanted_features(void)
{
	uint64_t want = 1ULL << VIRTIO_F_VERSION_1;

	if (opt.packed)
		want |= 1ULL << VIRTIO_F_RING_PACKED;
	if (opt.mrg)
		want |= 1ULL << VIRTIO_NET_F_MRG_RXBUF;
	if (opt.hdr_by_dev)
		want |= 1ULL << VHOST_NET_F_VIRTIO_NET_HDR;
	if (opt.hostile && !strcmp(opt.hostile, "nested"))
		want |= 1ULL << VIRTIO_RING_F_INDIRECT_DESC;
	return want;
}

/* Open a device file for queue pair @p and hand it memory and rings. */
static void dev_open(struct qp *p, const uint32_t *base)
{
	struct vhost_memory *m;
	uint64_t offered;

	p->devfd = open(opt.dev, O_RDWR);
	if (p->devfd < 0)
		die("open %s", opt.dev);
	if (ioctl(p->devfd, VHOST_SET_OWNER))
		die("VHOST_SET_OWNER");
	if (ioctl(p->devfd, VHOST_GET_FEATURES, &offered))
		die("VHOST_GET_FEATURES");
	if ((offered & features) != features) {
		printf("1..0 # SKIP %s lacks features %#llx\n", opt.dev,
		       (unsigned long long)(features & ~offered));
		exit(opt.bench ? 3 : 0);
	}
	if (ioctl(p->devfd, VHOST_SET_FEATURES, &features))
		die("VHOST_SET_FEATURES");
	m = calloc(1, sizeof(*m) + sizeof(m->regions[0]));
	m->nregions = 1;
	m->regions[0].guest_phys_addr = 0;
	m->regions[0].memory_size = MEM_SIZE;
	m->regions[0].userspace_addr = (uintptr_t)mem;
	if (ioctl(p->devfd, VHOST_SET_MEM_TABLE, m))
		die("VHOST_SET_MEM_TABLE");
	free(m);
	vq_setup(p->devfd, &p->rx, base ? base[0] : initial_base());
	vq_setup(p->devfd, &p->tx, base ? base[1] : initial_base());
}

static void open_tap(struct qp *p)
{
	struct ifreq ifr = {};
	int hdr = HDR_LEN;

	p->tapfd = open("/dev/net/tun", O_RDWR | O_NONBLOCK);
	if (p->tapfd < 0)
		die("open /dev/net/tun");
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (opt.hdr_by_dev ? 0 : IFF_VNET_HDR) |
			(opt.queues > 1 ? IFF_MULTI_QUEUE : 0);
	strncpy(ifr.ifr_name, opt.tap, IFNAMSIZ - 1);
	if (ioctl(p->tapfd, TUNSETIFF, &ifr))
		die("TUNSETIFF %s", opt.tap);
	if (!opt.hdr_by_dev && ioctl(p->tapfd, TUNSETVNETHDRSZ, &hdr))
		die("TUNSETVNETHDRSZ");
}

static void setup_tap(void)
{
	struct ifreq ifr = {};
	struct sockaddr_ll sll = {};
	int s;

	strncpy(ifr.ifr_name, opt.tap, IFNAMSIZ - 1);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	ifr.ifr_flags = IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr))
		die("SIOCSIFFLAGS");
	if (ioctl(s, SIOCGIFINDEX, &ifr))
		die("SIOCGIFINDEX");
	close(s);
	ifindex = ifr.ifr_ifindex;

	/* Protocol 0 until bound: it would see every interface's frames. */
	pktfd = socket(AF_PACKET, SOCK_RAW, 0);
	if (pktfd < 0)
		die("socket AF_PACKET");
	s = 8 << 20;
	if (setsockopt(pktfd, SOL_SOCKET, SO_RCVBUFFORCE, &s, sizeof(s)))
		die("SO_RCVBUFFORCE");
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_IP);
	sll.sll_ifindex = ifindex;
	if (bind(pktfd, (struct sockaddr *)&sll, sizeof(sll)))
		die("bind AF_PACKET");
}

static void set_backend(struct qp *p, int fd)
{
	struct vhost_vring_file b;

	for (b.index = 0; b.index < 2; b.index++) {
		b.fd = fd;
		if (ioctl(p->devfd, VHOST_NET_SET_BACKEND, &b))
			die("VHOST_NET_SET_BACKEND %d", fd);
	}
}

static void setup(void)
{
	unsigned int i;

	features = wanted_features();
	mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (mem == MAP_FAILED)
		die("mmap");
	for (i = 0; i < opt.queues; i++) {
		struct qp *p = &qps[i];

		p->n = i;
		vq_init(&p->rx, p, 0);
		vq_init(&p->tx, p, 1);
		dev_open(p, NULL);
		open_tap(p);
	}
	setup_tap();
	for (i = 0; i < opt.queues; i++)
		set_backend(&qps[i], qps[i].tapfd);
}

static void post_rx(struct qp *p)
{
	uint64_t addr = RX_BASE(p->n) + (uint64_t)vq_next_id(&p->rx) * BUF_SIZE;
	uint32_t l = opt.rx_buf;

	vq_add(&p->rx, &addr, &l, 1, true);
}

static void fill_rx(struct qp *p)
{
	while (vq_free(&p->rx) >= 1)
		post_rx(p);
	kick(&p->rx);
}

/* Post a TX chain on @p: a header buffer, then a frame of @size bytes. */
static void post_tx_buf(struct qp *p, unsigned int size)
{
	uint64_t gpa = TX_BASE(p->n) + (uint64_t)vq_next_id(&p->tx) * BUF_SIZE;
	uint64_t addr[2] = { gpa, gpa + BUF_SIZE };
	uint32_t lens[2] = { HDR_LEN, size };

	vq_add(&p->tx, addr, lens, 2, false);
}

/* Post TX frame @seq on @p, written where its chain will point. */
static void post_tx(struct qp *p, unsigned int seq, unsigned int size)
{
	uint64_t gpa = TX_BASE(p->n) + (uint64_t)vq_next_id(&p->tx) * BUF_SIZE;

	memset(gpa_ptr(gpa), 0, HDR_LEN);
	fill_frame(gpa_ptr(gpa + BUF_SIZE), size, seq);
	post_tx_buf(p, size);
}

/* Wait up to @ms for an RX interrupt on any queue pair. */
static bool wait_rx_call(int ms)
{
	struct pollfd pfd[MAX_QP];
	unsigned int i;
	bool any = false;

	for (i = 0; i < opt.queues; i++)
		pfd[i] = (struct pollfd){ .fd = qps[i].rx.call, .events = POLLIN };
	if (poll(pfd, opt.queues, ms) <= 0)
		return false;
	for (i = 0; i < opt.queues; i++) {
		uint64_t n;

		if (pfd[i].revents && read(pfd[i].fd, &n, sizeof(n)) == sizeof(n))
			any = true;
	}
	return any;
}

static void get_base(struct qp *p, struct vq *q, uint32_t *base)
{
	struct vhost_vring_state s = { .index = q->idx };

	if (ioctl(p->devfd, VHOST_GET_VRING_BASE, &s))
		die("VHOST_GET_VRING_BASE");
	*base = s.num;
}

/*
 * Move every queue pair to a new device file, as a migration does: detach,
 * read where each ring stands, close, and continue from there on a fresh
 * file. Whatever the device took must have been used or given back.
 */
static void reattach(const char *phase)
{
	unsigned int i, k, bad = 0;

	for (i = 0; i < opt.queues; i++) {
		struct qp *p = &qps[i];
		struct vq *q[2] = { &p->rx, &p->tx };
		uint32_t base[2];

		set_backend(p, -1);
		for (k = 0; k < 2; k++) {
			uint16_t dev_used, dev_avail;

			get_base(p, q[k], &base[k]);
			dev_avail = base[k] & 0xffff;
			/* Split: the used index the device wrote, read or not. */
			dev_used = opt.packed ? base[k] >> 16 :
				   *(volatile uint16_t *)&q[k]->used->idx;
			if (dev_avail != dev_used && !bad++)
				DIAG("%s: qp %u vq %u stopped at avail %#x, used %#x",
				     phase, i, k, dev_avail, dev_used);
		}
		close(p->devfd);
		dev_open(p, base);
		set_backend(p, p->tapfd);
		/* A guest kicks after a migration: the notify may be lost. */
		kick(&p->rx);
		kick(&p->tx);
	}
	result(!bad, "%s: every queue pair moved to a new device file, ring positions exact",
	       phase);
}

/* Guest -> device -> tap -> packet socket. */
static void test_tx(void)
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
static void rx_buffer(struct qp *p, uint16_t id, uint32_t len, bool *seen,
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
static void test_rx(void)
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
static void test_dirty_log(void)
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
static void test_hostile(void)
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

/* Transmit opt.size frames as fast as the device takes them. */
static void bench_tx(void)
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
static void bench_rx(void)
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

static void usage(void)
{
	printf("usage: vnet-guest [--dev PATH] [--tap NAME] [--queues N] [--packed]\n"
	       "                  [--mrg] [--hdr-by-dev] [--count N] [--size BYTES]\n"
	       "                  [--rx-buf BYTES] [--ring N] [--reattach] [--dirty-log]\n"
	       "                  [--hostile loop|oob|nested|norefill|kickstorm]\n"
	       "                  [--busy-poll US] [--bench tx|rx] [--seconds S]\n"
	       "                  [--hold S]\n"
	       "Drives vhost-net style devices as a guest would, one device file per\n"
	       "queue pair (N at most %u) on one tap, and checks every byte both ways,\n"
	       "printing KTAP. --reattach moves to new device files mid-stream;\n"
	       "--dirty-log checks the pages the device marks; --hostile misbehaves\n"
	       "on purpose (kickstorm lasts S seconds); --hold keeps the devices open\n"
	       "S seconds after the checks; --busy-poll sets each vq's busy-loop\n"
	       "timeout and reads it back. With --bench it moves --size\n"
	       "frames one way for S seconds and prints {\"pps\": N, \"bps\": N}\n"
	       "(bits of frame data per second).\n", MAX_QP);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "dev", 1, 0, 'd' }, { "tap", 1, 0, 't' }, { "packed", 0, 0, 'p' },
		{ "mrg", 0, 0, 'm' }, { "hdr-by-dev", 0, 0, 'H' },
		{ "count", 1, 0, 'c' }, { "size", 1, 0, 's' }, { "rx-buf", 1, 0, 'r' },
		{ "ring", 1, 0, 'n' }, { "bench", 1, 0, 'b' }, { "seconds", 1, 0, 'S' },
		{ "queues", 1, 0, 'q' }, { "reattach", 0, 0, 'R' },
		{ "dirty-log", 0, 0, 'L' }, { "hostile", 1, 0, 'X' }, { "hold", 1, 0, 'o' },
		{ "busy-poll", 1, 0, 'B' },
		{ "help", 0, 0, 'h' }, {}
	};
	int c;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'd': opt.dev = optarg; break;
		case 't': opt.tap = optarg; break;
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
		case 'h': usage(); return 0;
		default: usage(); return 2;
		}
	}
	if (opt.size < MIN_FRAME || opt.size > BUF_SIZE || opt.rx_buf > BUF_SIZE ||
	    (!opt.mrg && opt.rx_buf < opt.size + HDR_LEN) || !opt.num ||
	    opt.num > 1024 || (opt.num & (opt.num - 1)) || !opt.queues ||
	    opt.queues > MAX_QP || opt.count > MAX_COUNT ||
	    (opt.bench && strcmp(opt.bench, "tx") && strcmp(opt.bench, "rx"))) {
		usage();
		return 2;
	}
	if (!opt.bench)
		printf("KTAP version 1\n");
	setup();
	if (opt.bench) {
		if (!strcmp(opt.bench, "tx"))
			bench_tx();
		else
			bench_rx();
		return 0;
	}
	if (opt.hostile) {
		test_hostile();
	} else if (opt.dirty_log) {
		test_dirty_log();
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
