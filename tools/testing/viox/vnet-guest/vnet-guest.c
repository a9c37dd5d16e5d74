// SPDX-License-Identifier: GPL-2.0
/*
 * vnet-guest: a virtio-net driver in userspace that drives a vhost-net style
 * device (/dev/viox-net or /dev/vhost-net) the way a VMM and its guest
 * would: guest memory, split or packed rings, a tap backend. It sends
 * frames out through the device and checks every byte at a packet socket
 * on the tap, then the reverse. Prints KTAP; exits 0 only if all passed.
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
#include <unistd.h>

#define MEM_SIZE	(16u << 20)
#define RING_AREA	0x10000u	/* per vq: rings */
#define BUF_BASE	0x100000u	/* buffers from here */
#define BUF_SIZE	2048u
#define RX_BASE		(BUF_BASE + 4 * 1024 * BUF_SIZE)
#define HDR_LEN		12u
#define ETH_TYPE	0x88b5		/* IEEE local experimental */
#define TIMEOUT_MS	10000

#define wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#define rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)

static struct {
	const char *dev, *tap;
	bool packed, mrg, hdr_by_dev, indirect;
	unsigned int count, size, num, rx_buf;
} opt = { "/dev/viox-net", "vioxtap0", false, false, false, false, 256, 1000, 256, BUF_SIZE };

static uint8_t *mem;
static int devfd, tapfd, pktfd, tests, failures;

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
	int kick, call;
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

static struct vq vqs[2];

static void *gpa_ptr(uint64_t gpa)
{
	return mem + gpa;
}

static void vq_setup(struct vq *q, unsigned int idx)
{
	struct vhost_vring_state s = { idx, opt.num };
	struct vhost_vring_addr a = { .index = idx };
	struct vhost_vring_file f = { .index = idx };
	uint64_t gpa = RING_AREA * (idx + 1);

	memset(q, 0, sizeof(*q));
	q->idx = idx;
	q->num = opt.num;
	q->gpa = gpa;
	q->avail_wrap = q->used_wrap = true;
	if (ioctl(devfd, VHOST_SET_VRING_NUM, &s))
		die("VHOST_SET_VRING_NUM");
	s.num = opt.packed ? 1u << 15 | (1u << 15) << 16 : 0;
	if (ioctl(devfd, VHOST_SET_VRING_BASE, &s))
		die("VHOST_SET_VRING_BASE");
	if (opt.packed) {
		q->pdesc = gpa_ptr(gpa);
		a.desc_user_addr = (uintptr_t)q->pdesc;
		a.avail_user_addr = (uintptr_t)gpa_ptr(gpa + 0x8000);
		a.used_user_addr = (uintptr_t)gpa_ptr(gpa + 0x9000);
	} else {
		q->desc = gpa_ptr(gpa);
		q->avail = gpa_ptr(gpa + 0x4000);
		q->used = gpa_ptr(gpa + 0x8000);
		a.desc_user_addr = (uintptr_t)q->desc;
		a.avail_user_addr = (uintptr_t)q->avail;
		a.used_user_addr = (uintptr_t)q->used;
	}
	if (ioctl(devfd, VHOST_SET_VRING_ADDR, &a))
		die("VHOST_SET_VRING_ADDR");
	q->kick = eventfd(0, EFD_NONBLOCK);
	q->call = eventfd(0, EFD_NONBLOCK);
	f.fd = q->kick;
	if (ioctl(devfd, VHOST_SET_VRING_KICK, &f))
		die("VHOST_SET_VRING_KICK");
	f.fd = q->call;
	if (ioctl(devfd, VHOST_SET_VRING_CALL, &f))
		die("VHOST_SET_VRING_CALL");
}

/* Make a chain of n buffers available; returns its id. */
static int vq_add(struct vq *q, const uint64_t *addr, const uint32_t *len,
		  unsigned int n, bool write)
{
	uint16_t id = q->next_avail % q->num, i, head_flags = 0;
	unsigned int k;

	if (!opt.packed) {
		/* Descriptor slots are taken in order, one chain per ring slot. */
		for (k = 0; k < n; k++) {
			i = (id + k) % q->num;
			q->desc[i].addr = addr[k];
			q->desc[i].len = len[k];
			q->desc[i].flags = (write ? VRING_DESC_F_WRITE : 0) |
					   (k + 1 < n ? VRING_DESC_F_NEXT : 0);
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
		uint16_t flags = (write ? VRING_DESC_F_WRITE : 0) |
				 (k + 1 < n ? VRING_DESC_F_NEXT : 0) |
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

static bool wait_call(struct vq *q)
{
	struct pollfd p = { .fd = q->call, .events = POLLIN };
	uint64_t n;

	if (poll(&p, 1, TIMEOUT_MS) <= 0)
		return false;
	return read(q->call, &n, sizeof(n)) == sizeof(n);
}

static void fill_frame(uint8_t *f, unsigned int size, unsigned int seq)
{
	static const uint8_t dst[6] = { 2, 0, 0, 0, 0, 2 }, src[6] = { 2, 0, 0, 0, 0, 1 };
	unsigned int i;

	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = ETH_TYPE >> 8;
	f[13] = ETH_TYPE & 0xff;
	memcpy(f + 14, &seq, 4);
	for (i = 18; i < size; i++)
		f[i] = (uint8_t)(seq * 7 + i);
}

static bool ours(const uint8_t *f, ssize_t n)
{
	return n >= 18 && f[12] == ETH_TYPE >> 8 && f[13] == (ETH_TYPE & 0xff);
}

static unsigned int frame_size(unsigned int seq)
{
	/* Sizes vary over the run, from the minimum up to opt.size. */
	unsigned int min = 60;

	return opt.size <= min ? opt.size : min + (seq * 131) % (opt.size - min + 1);
}

static void setup_device(void)
{
	struct vhost_memory *m;
	uint64_t features, want;

	devfd = open(opt.dev, O_RDWR);
	if (devfd < 0)
		die("open %s", opt.dev);
	if (ioctl(devfd, VHOST_SET_OWNER))
		die("VHOST_SET_OWNER");
	if (ioctl(devfd, VHOST_GET_FEATURES, &features))
		die("VHOST_GET_FEATURES");
	want = 1ULL << VIRTIO_F_VERSION_1;
	if (opt.packed)
		want |= 1ULL << VIRTIO_F_RING_PACKED;
	if (opt.mrg)
		want |= 1ULL << VIRTIO_NET_F_MRG_RXBUF;
	if (opt.hdr_by_dev)
		want |= 1ULL << VHOST_NET_F_VIRTIO_NET_HDR;
	if ((features & want) != want) {
		printf("1..0 # SKIP %s lacks features %#llx\n", opt.dev,
		       (unsigned long long)(want & ~features));
		exit(0);
	}
	if (ioctl(devfd, VHOST_SET_FEATURES, &want))
		die("VHOST_SET_FEATURES");

	mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (mem == MAP_FAILED)
		die("mmap");
	m = calloc(1, sizeof(*m) + sizeof(m->regions[0]));
	m->nregions = 1;
	m->regions[0].guest_phys_addr = 0;
	m->regions[0].memory_size = MEM_SIZE;
	m->regions[0].userspace_addr = (uintptr_t)mem;
	if (ioctl(devfd, VHOST_SET_MEM_TABLE, m))
		die("VHOST_SET_MEM_TABLE");
	free(m);
	vq_setup(&vqs[0], 0);
	vq_setup(&vqs[1], 1);
}

static void setup_tap(void)
{
	struct ifreq ifr = {};
	struct sockaddr_ll sll = {};
	int hdr = HDR_LEN, s;

	tapfd = open("/dev/net/tun", O_RDWR | O_NONBLOCK);
	if (tapfd < 0)
		die("open /dev/net/tun");
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (opt.hdr_by_dev ? 0 : IFF_VNET_HDR);
	strncpy(ifr.ifr_name, opt.tap, IFNAMSIZ - 1);
	if (ioctl(tapfd, TUNSETIFF, &ifr))
		die("TUNSETIFF %s", opt.tap);
	if (!opt.hdr_by_dev && ioctl(tapfd, TUNSETVNETHDRSZ, &hdr))
		die("TUNSETVNETHDRSZ");
	s = socket(AF_INET, SOCK_DGRAM, 0);
	ifr.ifr_flags = IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr))
		die("SIOCSIFFLAGS");
	if (ioctl(s, SIOCGIFINDEX, &ifr))
		die("SIOCGIFINDEX");
	close(s);

	pktfd = socket(AF_PACKET, SOCK_RAW, htons(ETH_TYPE));
	if (pktfd < 0)
		die("socket AF_PACKET");
	s = 8 << 20;
	if (setsockopt(pktfd, SOL_SOCKET, SO_RCVBUFFORCE, &s, sizeof(s)))
		die("SO_RCVBUFFORCE");
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_TYPE);
	sll.sll_ifindex = ifr.ifr_ifindex;
	if (bind(pktfd, (struct sockaddr *)&sll, sizeof(sll)))
		die("bind AF_PACKET");
}

static void set_backend(int fd)
{
	struct vhost_vring_file b;

	for (b.index = 0; b.index < 2; b.index++) {
		b.fd = fd;
		if (ioctl(devfd, VHOST_NET_SET_BACKEND, &b))
			die("VHOST_NET_SET_BACKEND %d", fd);
	}
}

/* Guest -> device -> tap -> packet socket. */
static void test_tx(void)
{
	struct vq *q = &vqs[1];
	unsigned int sent = 0, done = 0, got = 0, bad = 0, seq, idle = 0;
	static uint8_t frame[65536], want[65536];
	uint16_t id;
	uint32_t len;

	while (got < opt.count && idle < TIMEOUT_MS / 100) {
		struct pollfd p = { .fd = pktfd, .events = POLLIN };
		bool posted = false;
		ssize_t n;

		/* Bounded in flight: the host stack's backlog is finite. */
		while (sent < opt.count && vq_free(q) >= 2 && sent - got < 64) {
			uint64_t gpa = BUF_BASE + (uint64_t)vq_next_id(q) * BUF_SIZE;
			uint64_t addr[2] = { gpa, gpa + BUF_SIZE };
			uint32_t lens[2] = { HDR_LEN, frame_size(sent) };

			memset(gpa_ptr(gpa), 0, HDR_LEN);
			fill_frame(gpa_ptr(gpa + BUF_SIZE), lens[1], sent);
			vq_add(q, addr, lens, 2, false);
			sent++;
			posted = true;
		}
		if (posted)
			kick(q);
		while (vq_used(q, &id, &len))
			done++;
		if (poll(&p, 1, 100) <= 0) {
			idle++;
			continue;
		}
		idle = 0;
		while ((n = recv(pktfd, frame, sizeof(frame), MSG_DONTWAIT)) > 0) {
			if (!ours(frame, n))
				continue;
			memcpy(&seq, frame + 14, 4);
			fill_frame(want, frame_size(got), got);
			if ((seq != got || n != frame_size(got) || memcmp(want, frame, n)) &&
			    !bad++)
				DIAG("TX frame %u: got seq %u len %zd, want len %u",
				     got, seq, n, frame_size(got));
			got++;
		}
	}
	usleep(100000);
	while (vq_used(q, &id, &len))
		done++;
	result(got == opt.count && !bad, "TX %u frames reach the tap intact (%u received, %u bad)",
	       opt.count, got, bad);
	result(done == sent, "TX buffers all returned used (%u of %u)", done, sent);
}

/* Packet socket -> tap -> device -> guest. */
static void test_rx(void)
{
	struct vq *q = &vqs[0];
	unsigned int posted = 0, sent = 0, got = 0, bad = 0, bufs = 0;
	static uint8_t frame[65536], pkt[65536];
	unsigned int want_bufs = 0, have = 0;
	uint16_t id;
	uint32_t len;

	/* Fill the RX ring; buffer id i lives at a fixed address. */
	while (vq_free(q) >= 1) {
		uint64_t addr = RX_BASE + (uint64_t)vq_next_id(q) * BUF_SIZE;
		uint32_t l = opt.rx_buf;

		vq_add(q, &addr, &l, 1, true);
		posted++;
	}
	kick(q);
	while (got < opt.count) {
		/* Keep a bounded number in flight: the guest is slower than the host. */
		while (sent < opt.count && sent - got < q->num / 4) {
			unsigned int size = frame_size(sent);

			fill_frame(frame, size, sent);
			if (send(pktfd, frame, size, 0) != size)
				die("send");
			sent++;
		}
		if (!vq_used(q, &id, &len)) {
			if (!wait_call(q)) {
				DIAG("RX: no interrupt for %d ms", TIMEOUT_MS);
				break;
			}
			continue;
		}
		{
			uint8_t *b = gpa_ptr(RX_BASE + (uint64_t)id * BUF_SIZE);
			struct virtio_net_hdr_mrg_rxbuf *h = (void *)b;

			if (!want_bufs) {
				want_bufs = opt.mrg ? h->num_buffers : 1;
				have = 0;
				if (!want_bufs) {
					if (!bad++)
						DIAG("RX frame %u: num_buffers 0", got);
					want_bufs = 1;
				}
				memcpy(pkt, b + HDR_LEN, len - HDR_LEN);
				have = len - HDR_LEN;
			} else {
				memcpy(pkt + have, b, len);
				have += len;
			}
			bufs++;
			/* Give the buffer back at once. */
			{
				uint64_t addr = RX_BASE + (uint64_t)vq_next_id(q) * BUF_SIZE;
				uint32_t l = opt.rx_buf;

				vq_add(q, &addr, &l, 1, true);
				kick(q);
			}
			if (--want_bufs)
				continue;
		}
		/* The tap also carries the host stack's own frames (IPv6). */
		if (!ours(pkt, have))
			continue;
		fill_frame(frame, frame_size(got), got);
		if (have != frame_size(got) || memcmp(frame, pkt, have)) {
			if (!bad++)
				DIAG("RX frame %u: got %u bytes, want %u", got, have, frame_size(got));
		}
		got++;
	}
	result(got == opt.count && !bad, "RX %u frames reach the guest intact (%u received, %u bad)",
	       opt.count, got, bad);
	if (opt.mrg && opt.size > opt.rx_buf)
		result(bufs > got, "RX mergeable buffers used: %u for %u frames", bufs, got);
}

static void usage(void)
{
	printf("usage: vnet-guest [--dev PATH] [--tap NAME] [--packed] [--mrg]\n"
	       "                  [--hdr-by-dev] [--count N] [--size BYTES]\n"
	       "                  [--rx-buf BYTES] [--ring N]\n"
	       "Drives a vhost-net style device as a guest would, through a tap,\n"
	       "and checks every byte both ways. Prints KTAP.\n");
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "dev", 1, 0, 'd' }, { "tap", 1, 0, 't' }, { "packed", 0, 0, 'p' },
		{ "mrg", 0, 0, 'm' }, { "hdr-by-dev", 0, 0, 'H' },
		{ "count", 1, 0, 'c' }, { "size", 1, 0, 's' }, { "rx-buf", 1, 0, 'r' },
		{ "ring", 1, 0, 'n' }, { "help", 0, 0, 'h' }, {}
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
		case 'h': usage(); return 0;
		default: usage(); return 2;
		}
	}
	if (opt.size < 18 || opt.size > BUF_SIZE || opt.rx_buf > BUF_SIZE ||
	    (!opt.mrg && opt.rx_buf < opt.size + HDR_LEN) || !opt.num ||
	    opt.num > 1024 || (opt.num & (opt.num - 1))) {
		usage();
		return 2;
	}
	printf("KTAP version 1\n");
	setup_device();
	setup_tap();
	set_backend(tapfd);
	test_tx();
	test_rx();
	set_backend(-1);
	printf("1..%d\n", tests);
	return failures ? 1 : 0;
}
