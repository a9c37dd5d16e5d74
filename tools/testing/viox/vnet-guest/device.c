// SPDX-License-Identifier: GPL-2.0
/*
 * Device files, the tap, the packet socket, and moving queue pairs
 * between device files.
 */
#include "vnet-guest.h"

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
	if (opt.reset_owner) {
		/*
		 * Ack the device header, then reset: the next owner that acks
		 * nothing gets no header handling at all, as from vhost-net.
		 */
		uint64_t f = features | 1ULL << VHOST_NET_F_VIRTIO_NET_HDR;

		if (ioctl(p->devfd, VHOST_SET_FEATURES, &f) ||
		    ioctl(p->devfd, VHOST_RESET_OWNER) ||
		    ioctl(p->devfd, VHOST_SET_OWNER))
			die("VHOST_SET_FEATURES, RESET_OWNER, SET_OWNER");
	} else if (ioctl(p->devfd, VHOST_SET_FEATURES, &features)) {
		die("VHOST_SET_FEATURES");
	}
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

/*
 * The send buffer a VMM gives each tap: QEMU sets it unlimited unless
 * told otherwise (-netdev tap,sndbuf=), which lets a backend hand the tap
 * its packets in batches.
 */
static void set_sndbuf(int fd)
{
	if (ioctl(fd, TUNSETSNDBUF, &opt.sndbuf))
		die("TUNSETSNDBUF");
}

static void open_tap(struct qp *p)
{
	struct ifreq ifr = {};
	int hdr = HDR_LEN;

	if (opt.tap_dev) {
		/* A tap character device: each open is one more queue. */
		p->tapfd = open(opt.tap_dev, O_RDWR | O_NONBLOCK);
		if (p->tapfd < 0)
			die("open %s", opt.tap_dev);
		if (opt.hdr_by_dev) {
			ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
			if (ioctl(p->tapfd, TUNSETIFF, &ifr))
				die("TUNSETIFF %s", opt.tap_dev);
		} else if (ioctl(p->tapfd, TUNSETVNETHDRSZ, &hdr)) {
			die("TUNSETVNETHDRSZ");
		}
		set_sndbuf(p->tapfd);
		return;
	}
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
	set_sndbuf(p->tapfd);
}

static void setup_tap(void)
{
	struct ifreq ifr = {};
	struct sockaddr_ll sll = {};
	int s;

	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (opt.tap) {
		strncpy(ifr.ifr_name, opt.tap, IFNAMSIZ - 1);
		ifr.ifr_flags = IFF_UP;
		if (ioctl(s, SIOCSIFFLAGS, &ifr))
			die("SIOCSIFFLAGS");
	}
	/* Frames are exchanged on the tap itself, or on --peer. */
	strncpy(ifr.ifr_name, opt.peer ? opt.peer : opt.tap, IFNAMSIZ - 1);
	if (ioctl(s, SIOCGIFINDEX, &ifr))
		die("SIOCGIFINDEX %s", ifr.ifr_name);
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

void setup(void)
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

void post_rx(struct qp *p)
{
	uint64_t addr = RX_BASE(p->n) + (uint64_t)vq_next_id(&p->rx) * BUF_SIZE;
	uint32_t l = opt.rx_buf;

	vq_add(&p->rx, &addr, &l, 1, true);
}

void fill_rx(struct qp *p)
{
	while (vq_free(&p->rx) >= 1)
		post_rx(p);
	kick(&p->rx);
}

/* Post a TX chain on @p: a header buffer, then a frame of @size bytes. */
void post_tx_buf(struct qp *p, unsigned int size)
{
	uint64_t gpa = TX_BASE(p->n) + (uint64_t)vq_next_id(&p->tx) * BUF_SIZE;
	uint64_t addr[2] = { gpa, gpa + BUF_SIZE };
	uint32_t lens[2] = { HDR_LEN, size };

	/*
	 * With no features acked there is no header: the frame alone, in
	 * its chain's own slot (one-descriptor chains take every id).
	 */
	if (opt.reset_owner)
		vq_add(&p->tx, &addr[0], &lens[1], 1, false);
	else
		vq_add(&p->tx, addr, lens, 2, false);
}

/* Post TX frame @seq on @p, written where its chain will point. */
void post_tx(struct qp *p, unsigned int seq, unsigned int size)
{
	uint64_t gpa = TX_BASE(p->n) + (uint64_t)vq_next_id(&p->tx) * BUF_SIZE;
	uint8_t *f = gpa_ptr(gpa + BUF_SIZE);

	if (opt.reset_owner) {
		f = gpa_ptr(gpa);
	} else {
		memset(gpa_ptr(gpa), 0, HDR_LEN);
	}
	fill_frame(f, size, seq);
	if (opt.peer)
		swap_macs(f);
	post_tx_buf(p, size);
}

/* Wait up to @ms for an RX interrupt on any queue pair. */
bool wait_rx_call(int ms)
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
void reattach(const char *phase)
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
