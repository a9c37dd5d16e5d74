// SPDX-License-Identifier: GPL-2.0
/*
 * The guest side a fuzzer starts from: one device file with its memory
 * table, both vqs and a tap behind it, set up as a VMM would. The fuzzers
 * then break what this builds.
 */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <sys/socket.h>

#include "fuzz.h"

void *fz_gpa(struct fz_dev *d, uint64_t gpa)
{
	return d->mem + gpa;
}

uint64_t fz_offered(int fd)
{
	uint64_t f = 0;

	if (ioctl(fd, VHOST_GET_FEATURES, &f))
		return 0;
	return f;
}

/*
 * Guest memory [0, FZ_MEM_SIZE) at @mem as @nregions adjacent regions, so
 * buffers may span two of them.
 */
int fz_set_mem(int fd, uint8_t *mem, unsigned int nregions)
{
	struct {
		struct vhost_memory m;
		struct vhost_memory_region r[4];
	} t = {};
	uint64_t step = FZ_MEM_SIZE / nregions;
	unsigned int i;

	t.m.nregions = nregions;
	for (i = 0; i < nregions; i++) {
		t.r[i].guest_phys_addr = i * step;
		t.r[i].memory_size = step;
		t.r[i].userspace_addr = (uintptr_t)mem + i * step;
	}
	return ioctl(fd, VHOST_SET_MEM_TABLE, &t.m) ? -errno : 0;
}

static uint32_t initial_base(bool packed)
{
	/* Packed: index 0 with both wrap counters set. */
	return packed ? 1u << 15 | (1u << 15) << 16 : 0;
}

int fz_vq_setup(struct fz_dev *d, struct fz_vq *q)
{
	struct vhost_vring_state s = { q->idx, q->num };
	struct vhost_vring_addr a = { .index = q->idx };
	struct vhost_vring_file f = { .index = q->idx };

	if (ioctl(d->fd, VHOST_SET_VRING_NUM, &s))
		return -errno;
	s.num = initial_base(d->packed);
	if (ioctl(d->fd, VHOST_SET_VRING_BASE, &s))
		return -errno;
	a.desc_user_addr = (uintptr_t)fz_gpa(d, q->gpa);
	a.avail_user_addr = (uintptr_t)fz_gpa(d, q->gpa + (d->packed ? FZ_PEVENT_OFF : FZ_AVAIL_OFF));
	a.used_user_addr = (uintptr_t)fz_gpa(d, q->gpa + (d->packed ? FZ_PDEV_OFF : FZ_USED_OFF));
	if (ioctl(d->fd, VHOST_SET_VRING_ADDR, &a))
		return -errno;
	f.fd = q->kick;
	if (ioctl(d->fd, VHOST_SET_VRING_KICK, &f))
		return -errno;
	f.fd = q->call;
	if (ioctl(d->fd, VHOST_SET_VRING_CALL, &f))
		return -errno;
	f.fd = q->err;
	if (ioctl(d->fd, VHOST_SET_VRING_ERR, &f))
		return -errno;
	return 0;
}

/* A tap whose frames carry a virtio-net header if @vnet_hdr. */
int fz_tap_open(const char *name, bool vnet_hdr)
{
	struct ifreq ifr = {};
	int fd, hdr = FZ_HDR_LEN, s;

	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (vnet_hdr ? IFF_VNET_HDR : 0);
	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	if (ioctl(fd, TUNSETIFF, &ifr) ||
	    (vnet_hdr && ioctl(fd, TUNSETVNETHDRSZ, &hdr))) {
		s = -errno;
		close(fd);
		return s;
	}
	s = socket(AF_INET, SOCK_DGRAM, 0);
	ifr.ifr_flags = IFF_UP;
	ioctl(s, SIOCSIFFLAGS, &ifr);
	close(s);
	return fd;
}

/* A packet socket on @tap: what it sends, the device receives. */
int fz_pkt_open(const char *tap)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK, 0);
	struct ifreq ifr = {};

	if (fd < 0)
		return -errno;

	strncpy(ifr.ifr_name, tap, IFNAMSIZ - 1);
	if (ioctl(fd, SIOCGIFINDEX, &ifr)) {
		close(fd);
		return -errno;
	}
	sll.sll_ifindex = ifr.ifr_ifindex;
	/* Protocol 0: bound for sending only, it receives nothing. */
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		close(fd);
		return -errno;
	}
	return fd;
}

int fz_set_backend(int fd, unsigned int idx, int backend)
{
	struct vhost_vring_file b = { .index = idx, .fd = backend };

	return ioctl(fd, VHOST_NET_SET_BACKEND, &b) ? -errno : 0;
}

/*
 * Open /dev/viox-net as a VMM does, on guest memory @mem, with @features
 * (those the device offers) and rings of @num, attached to a new tap named
 * @tap. Returns 0 or a negative errno (the device is then closed).
 */
int fz_dev_open(struct fz_dev *d, uint8_t *mem, uint64_t features, unsigned int num,
		const char *tap)
{
	unsigned int i;
	int r;

	memset(d, 0, sizeof(*d));
	d->fd = d->tap = d->pkt = -1;
	d->mem = mem;
	for (i = 0; i < 2; i++) {
		struct fz_vq *q = &d->vq[i];

		q->idx = i;
		q->num = num;
		q->gpa = FZ_RING_AREA * i;
		q->kick = eventfd(0, EFD_NONBLOCK);
		q->call = eventfd(0, EFD_NONBLOCK);
		q->err = eventfd(0, EFD_NONBLOCK);
	}
	d->fd = open(opt.dev, O_RDWR);
	if (d->fd < 0)
		fz_die("open %s", opt.dev);
	if (ioctl(d->fd, VHOST_SET_OWNER))
		fz_die("VHOST_SET_OWNER");
	d->features = features & fz_offered(d->fd);
	d->packed = d->features & 1ULL << VIRTIO_F_RING_PACKED;
	r = ioctl(d->fd, VHOST_SET_FEATURES, &d->features) ? -errno : 0;
	if (!r)
		r = fz_set_mem(d->fd, mem, 2);
	for (i = 0; !r && i < 2; i++)
		r = fz_vq_setup(d, &d->vq[i]);
	strncpy(d->tapname, tap, IFNAMSIZ - 1);
	if (!r) {
		d->tap = fz_tap_open(tap, !(d->features & 1ULL << VHOST_NET_F_VIRTIO_NET_HDR));
		if (d->tap < 0)
			r = d->tap;
		else
			d->pkt = fz_pkt_open(tap);
	}
	for (i = 0; !r && i < 2; i++)
		r = fz_set_backend(d->fd, i, d->tap);
	if (r)
		fz_dev_close(d);
	return r;
}

void fz_dev_close(struct fz_dev *d)
{
	unsigned int i;

	if (d->fd >= 0)
		close(d->fd);
	if (d->tap >= 0)
		close(d->tap);
	if (d->pkt >= 0)
		close(d->pkt);
	for (i = 0; i < 2; i++) {
		close(d->vq[i].kick);
		close(d->vq[i].call);
		close(d->vq[i].err);
	}
	d->fd = d->tap = d->pkt = -1;
}

void fz_kick(struct fz_vq *q)
{
	uint64_t one = 1;

	if (write(q->kick, &one, sizeof(one)) < 0)
		stat_call("kick", errno);
}

/* Whether eventfd @efd had been signalled; clears it. */
bool fz_drain(int efd)
{
	uint64_t n;

	return read(efd, &n, sizeof(n)) == sizeof(n);
}

/* A frame of random size and content into the tap: device RX. */
void fz_send_frame(int pkt, struct rng *r)
{
	static const uint8_t eth[14] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x88, 0xb5 };
	uint8_t f[1514];
	unsigned int len = 14 + rng_below(r, sizeof(f) - 13);

	if (pkt < 0)
		return;
	rng_fill(r, f, len);
	memcpy(f, eth, sizeof(eth));
	if (send(pkt, f, len, MSG_DONTWAIT) < 0)
		stat_call("rx frame sent", errno);
	else
		stat_call("rx frame sent", 0);
}
