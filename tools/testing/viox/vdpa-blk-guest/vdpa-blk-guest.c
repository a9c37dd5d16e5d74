// SPDX-License-Identifier: GPL-2.0
/*
 * vdpa-blk-guest: a virtio-blk driver in userspace on /dev/vhost-vdpa-N,
 * driving a block device as a VMM does (set-up order as QEMU's), and the
 * orders and maps a hostile VMM tries instead. One split ring; requests
 * are three descriptors (header, data, status). Prints one "ok"/"not ok"
 * line per check and exits non-zero if any failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/vhost.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
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
#include <sys/resource.h>
#include <unistd.h>

/* Newer than the distribution's uapi headers (Linux 6.4). */
#ifndef VHOST_BACKEND_F_RESUME
#define VHOST_BACKEND_F_RESUME	0x5
#define VHOST_VDPA_RESUME	_IO(VHOST_VIRTIO, 0x7E)
#endif

#define MEM_SIZE	(16u << 20)
#define IOVA_BASE	0x40000000ull	/* not where the pages really are */
#define AUX_IOVA	0x80000000ull	/* a second, smaller map */
#define AUX_SIZE	(1u << 20)
#define NUM		256u
#define AVAIL_OFF	0x1000u
#define USED_OFF	0x2000u
#define HDR_OFF		0x10000u	/* 32 bytes per request: header, status */
#define DATA_OFF	0x100000u	/* 64 KiB per request */
#define DATA_MAX	0x10000u
#define MAX_REQ		64u
#define QUIET_MS	500

#define wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#define rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)

static const char *dev_path, *file_path, *serial = "";
static uint8_t *mem, *aux;
static int fd = -1, kickfd, callfd, backing = -1, checks, failures;
static uint64_t capacity, features;
static uint16_t avail_idx, last_used;

static struct vring_desc *desc;
static struct vring_avail *avail;
static struct vring_used *used;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("# fatal: ");
	vprintf(fmt, ap);
	printf(": %s\n", strerror(errno));
	va_end(ap);
	exit(2);
}

static bool check(bool ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("%s %d - ", ok ? "ok" : "not ok", ++checks);
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	failures += !ok;
	return ok;
}

static void set_status(uint8_t s)
{
	if (ioctl(fd, VHOST_VDPA_SET_STATUS, &s))
		die("VHOST_VDPA_SET_STATUS %#x", s);
}

static uint8_t get_status(void)
{
	uint8_t s;

	if (ioctl(fd, VHOST_VDPA_GET_STATUS, &s))
		die("VHOST_VDPA_GET_STATUS");
	return s;
}

static int iotlb(uint8_t type, uint64_t iova, uint64_t size, void *uaddr)
{
	struct vhost_msg_v2 m = {
		.type = VHOST_IOTLB_MSG_V2,
		.iotlb = {
			.iova = iova, .size = size, .uaddr = (uintptr_t)uaddr,
			.perm = VHOST_ACCESS_RW, .type = type,
		},
	};

	return write(fd, &m, sizeof(m)) == sizeof(m) ? 0 : -errno;
}

/*
 * Map in one batch, as QEMU does: vhost_vdpa tells the device once, at
 * the end, not once for each run of contiguous pages.
 */
static void map(uint64_t iova, uint64_t size, void *uaddr)
{
	if (iotlb(VHOST_IOTLB_BATCH_BEGIN, 0, 0, NULL) ||
	    iotlb(VHOST_IOTLB_UPDATE, iova, size, uaddr) ||
	    iotlb(VHOST_IOTLB_BATCH_END, 0, 0, NULL))
		die("IOTLB update %#llx", (unsigned long long)iova);
}

static void map_mem(void)
{
	map(IOVA_BASE, MEM_SIZE, mem);
}

static int set_features(uint64_t f)
{
	return ioctl(fd, VHOST_SET_FEATURES, &f) ? -errno : 0;
}

/* Open and own the device; status ACKNOWLEDGE | DRIVER. */
static void dev_open(void)
{
	uint64_t backend = 1ull << VHOST_BACKEND_F_IOTLB_MSG_V2 |
			   1ull << VHOST_BACKEND_F_IOTLB_BATCH;
	uint64_t offered, bf;
	uint32_t id;

	fd = open(dev_path, O_RDWR);
	if (fd < 0)
		die("open %s", dev_path);
	if (ioctl(fd, VHOST_SET_OWNER))
		die("VHOST_SET_OWNER");
	if (ioctl(fd, VHOST_VDPA_GET_DEVICE_ID, &id) || id != VIRTIO_ID_BLOCK)
		die("device id %u", id);
	if (ioctl(fd, VHOST_GET_BACKEND_FEATURES, &bf))
		die("VHOST_GET_BACKEND_FEATURES");
	backend |= bf & (1ull << VHOST_BACKEND_F_SUSPEND |
			 1ull << VHOST_BACKEND_F_RESUME);
	if (ioctl(fd, VHOST_SET_BACKEND_FEATURES, &backend))
		die("VHOST_SET_BACKEND_FEATURES");
	set_status(0);
	set_status(VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	if (ioctl(fd, VHOST_GET_FEATURES, &offered))
		die("VHOST_GET_FEATURES");
	features = 1ull << VIRTIO_F_VERSION_1 | 1ull << VIRTIO_F_ACCESS_PLATFORM;
	features |= offered & (1ull << VIRTIO_BLK_F_FLUSH |
			       1ull << VIRTIO_BLK_F_DISCARD |
			       1ull << VIRTIO_BLK_F_WRITE_ZEROES);
}

static void get_capacity(void)
{
	struct {
		struct vhost_vdpa_config c;
		uint64_t capacity;
	} cfg = { .c = { .off = 0, .len = 8 } };

	if (ioctl(fd, VHOST_VDPA_GET_CONFIG, &cfg))
		die("VHOST_VDPA_GET_CONFIG");
	capacity = cfg.capacity;
}

/* vq 0 at IOVA_BASE, from ring position 0. */
static void vq_setup(void)
{
	struct vhost_vring_state num = { 0, NUM }, base = { 0, 0 }, on = { 0, 1 };
	struct vhost_vring_addr addr = {
		.index = 0,
		.desc_user_addr = IOVA_BASE,
		.avail_user_addr = IOVA_BASE + AVAIL_OFF,
		.used_user_addr = IOVA_BASE + USED_OFF,
	};
	struct vhost_vring_file kick = { 0, kickfd }, call = { 0, callfd };

	memset(mem, 0, DATA_OFF);
	avail_idx = last_used = 0;
	if (ioctl(fd, VHOST_SET_VRING_NUM, &num) ||
	    ioctl(fd, VHOST_SET_VRING_BASE, &base) ||
	    ioctl(fd, VHOST_SET_VRING_ADDR, &addr) ||
	    ioctl(fd, VHOST_SET_VRING_KICK, &kick) ||
	    ioctl(fd, VHOST_SET_VRING_CALL, &call) ||
	    ioctl(fd, VHOST_VDPA_SET_VRING_ENABLE, &on))
		die("vq set-up");
}

/* What QEMU does: features, FEATURES_OK, memory, vq, DRIVER_OK. */
static void dev_start(void)
{
	dev_open();
	if (set_features(features))
		die("VHOST_SET_FEATURES");
	set_status(get_status() | VIRTIO_CONFIG_S_FEATURES_OK);
	if (!(get_status() & VIRTIO_CONFIG_S_FEATURES_OK))
		die("FEATURES_OK refused");
	map_mem();
	get_capacity();
	vq_setup();
	set_status(get_status() | VIRTIO_CONFIG_S_DRIVER_OK);
}

static void dev_close(void)
{
	set_status(0);
	close(fd);
	fd = -1;
}

static uint8_t *hdr_of(unsigned int id)
{
	return mem + HDR_OFF + id * 32;
}

static uint8_t *data_of(unsigned int id)
{
	return mem + DATA_OFF + id * DATA_MAX;
}

static uint64_t hdr_iova(unsigned int id)
{
	return IOVA_BASE + HDR_OFF + id * 32;
}

static uint64_t data_iova(unsigned int id)
{
	return IOVA_BASE + DATA_OFF + id * DATA_MAX;
}

/* Request @id: @type at @sector, @len bytes at I/O address @data. */
static void post_at(unsigned int id, uint32_t type, uint64_t sector,
		    uint64_t data, uint32_t len)
{
	struct virtio_blk_outhdr *h = (void *)hdr_of(id);
	unsigned int d = id * 3;

	h->type = type;
	h->ioprio = 0;
	h->sector = sector;
	hdr_of(id)[16] = 0xff;		/* status, until the device writes it */
	desc[d] = (struct vring_desc){ hdr_iova(id), 16, VRING_DESC_F_NEXT, d + 1 };
	desc[d + 1] = (struct vring_desc){
		data, len, VRING_DESC_F_NEXT |
		(type == VIRTIO_BLK_T_OUT ? 0 : VRING_DESC_F_WRITE), d + 2 };
	desc[d + 2] = (struct vring_desc){ hdr_iova(id) + 16, 1, VRING_DESC_F_WRITE, 0 };
	/* No data (a flush): header, then status. */
	if (!len)
		desc[d].next = d + 2;
	avail->ring[avail_idx % NUM] = d;
	wmb();
	avail->idx = ++avail_idx;
}

static void post(unsigned int id, uint32_t type, uint64_t sector, uint32_t len)
{
	post_at(id, type, sector, data_iova(id), len);
}

static void kick(void)
{
	uint64_t one = 1;

	if (write(kickfd, &one, sizeof(one)) != sizeof(one))
		die("kick");
}

/* Used entries not seen yet, waiting up to @ms for at least @want. */
static unsigned int reap(unsigned int want, int ms, uint8_t *status_ok)
{
	struct pollfd p = { .fd = callfd, .events = POLLIN };
	unsigned int got = 0;
	uint64_t n;

	*status_ok = 1;
	for (;;) {
		while (last_used != *(volatile uint16_t *)&used->idx) {
			unsigned int id;

			rmb();
			id = used->ring[last_used++ % NUM].id / 3;
			if (hdr_of(id)[16] != VIRTIO_BLK_S_OK)
				*status_ok = 0;
			got++;
		}
		if (got >= want || poll(&p, 1, ms) <= 0)
			return got;
		if (read(callfd, &n, sizeof(n)) < 0)
			die("call eventfd");
	}
}

static void pattern(uint8_t *p, uint32_t len, uint64_t sector)
{
	uint32_t i;

	for (i = 0; i < len; i += 8) {
		uint64_t v = (sector + i / 512) * 0x9e3779b97f4a7c15ull + i;

		memcpy(p + i, &v, 8);
	}
}

/* Write @n requests of @len bytes from @first's sectors, read back, compare. */
static bool round_trip(unsigned int n, uint32_t len, uint64_t first, bool remap)
{
	uint64_t sector;
	unsigned int i, got;
	uint8_t ok;
	bool same = true;

	for (i = 0; i < n; i++) {
		sector = first + i * (len / 512);
		pattern(data_of(i), len, sector);
		post(i, VIRTIO_BLK_T_OUT, sector, len);
	}
	kick();
	if (remap) {
		/* Each message is a set_map: the device stops and restarts. */
		map(AUX_IOVA, AUX_SIZE, aux);
		if (iotlb(VHOST_IOTLB_INVALIDATE, AUX_IOVA, AUX_SIZE, NULL))
			die("IOTLB aux");
	}
	got = reap(n, 5000, &ok);
	if (got != n || !ok) {
		printf("# writes: %u of %u used, status %s\n", got, n, ok ? "ok" : "bad");
		return false;
	}
	for (i = 0; i < n; i++) {
		memset(data_of(i), 0, len);
		post(i, VIRTIO_BLK_T_IN, first + i * (len / 512), len);
	}
	kick();
	got = reap(n, 5000, &ok);
	if (got != n || !ok) {
		printf("# reads: %u of %u used, status %s\n", got, n, ok ? "ok" : "bad");
		return false;
	}
	for (i = 0; i < n; i++) {
		uint8_t want[DATA_MAX];

		sector = first + i * (len / 512);
		pattern(want, len, sector);
		if (memcmp(want, data_of(i), len)) {
			printf("# request %u: read back differs\n", i);
			same = false;
		}
	}
	return same;
}

/* One request, its status (0xff: never used). */
static uint8_t one(uint32_t type, uint64_t sector, uint32_t len, int ms)
{
	uint8_t ok;

	post(0, type, sector, len);
	kick();
	if (!reap(1, ms, &ok))
		return 0xff;
	return hdr_of(0)[16];
}

/*
 * Request @id as the @n descriptors given (at most 3, in its own slot),
 * whatever their shape: @type at @sector in its header.
 */
static void post_chain(unsigned int id, uint32_t type, uint64_t sector,
		       const struct vring_desc *d, unsigned int n)
{
	struct virtio_blk_outhdr *h = (void *)hdr_of(id);
	unsigned int i, first = id * 3;

	h->type = type;
	h->ioprio = 0;
	h->sector = sector;
	hdr_of(id)[16] = 0xff;
	for (i = 0; i < n; i++) {
		desc[first + i] = d[i];
		if (i + 1 < n)
			desc[first + i].flags |= VRING_DESC_F_NEXT;
		desc[first + i].next = first + i + 1;
	}
	avail->ring[avail_idx % NUM] = first;
	wmb();
	avail->idx = ++avail_idx;
}

/* One such request, its status (0xff: never used). */
static uint8_t one_chain(unsigned int id, uint32_t type, uint64_t sector,
			 const struct vring_desc *d, unsigned int n)
{
	uint8_t ok;

	post_chain(id, type, sector, d, n);
	kick();
	if (!reap(1, 5000, &ok))
		return 0xff;
	return hdr_of(id)[16];
}

static bool all_bytes(const uint8_t *p, uint8_t v, size_t len)
{
	size_t i;

	for (i = 0; i < len && p[i] == v; i++)
		;
	return i == len;
}

static bool backing_matches(unsigned int n, uint32_t len, uint64_t first)
{
	uint8_t got[DATA_MAX], want[DATA_MAX];
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint64_t sector = first + i * (len / 512);

		pattern(want, len, sector);
		if (pread(backing, got, len, sector * 512) != len ||
		    memcmp(got, want, len)) {
			printf("# backing differs at sector %llu\n",
			       (unsigned long long)sector);
			return false;
		}
	}
	return true;
}

static void case_io(void)
{
	dev_start();
	check(capacity > 1024, "config space: capacity %llu sectors",
	      (unsigned long long)capacity);
	check(round_trip(MAX_REQ, 8192, 0, false),
	      "%u writes of 8 KiB in flight, read back the same", MAX_REQ);
	check(one(VIRTIO_BLK_T_FLUSH, 0, 0, 5000) == VIRTIO_BLK_S_OK ||
	      !(features & 1ull << VIRTIO_BLK_F_FLUSH), "flush");
	check(backing_matches(MAX_REQ, 8192, 0), "the backing store has the bytes");
	memset(data_of(0), 0, 64);
	check(one(VIRTIO_BLK_T_GET_ID, 0, VIRTIO_BLK_ID_BYTES, 5000) ==
	      VIRTIO_BLK_S_OK && !strncmp((char *)data_of(0), serial,
					  VIRTIO_BLK_ID_BYTES),
	      "GET_ID gives the serial '%.20s'", (char *)data_of(0));
	check(one(VIRTIO_BLK_T_IN, capacity, 512, 5000) == VIRTIO_BLK_S_IOERR,
	      "a read past the end is an IOERR");
	check(one(VIRTIO_BLK_T_IN, 0, 100, 5000) == VIRTIO_BLK_S_IOERR,
	      "a read of part of a sector is an IOERR");
	dev_close();
}

/* Rings and DRIVER_OK before any map: nothing of the host is reachable. */
static void case_no_map(void)
{
	dev_open();
	if (set_features(features))
		die("VHOST_SET_FEATURES");
	set_status(get_status() | VIRTIO_CONFIG_S_FEATURES_OK);
	get_capacity();
	vq_setup();
	set_status(get_status() | VIRTIO_CONFIG_S_DRIVER_OK);
	pattern(data_of(0), 4096, 8);
	check(one(VIRTIO_BLK_T_OUT, 8, 4096, QUIET_MS) == 0xff,
	      "no map yet: the vq does not run (identity map not offered)");
	map_mem();
	{
		uint8_t ok;

		check(reap(1, 5000, &ok) == 1 && ok,
		      "the map arrives: the waiting request completes");
	}
	check(backing_matches(1, 4096, 8), "and its bytes are in the store");
	dev_close();
}

/* DRIVER_OK without FEATURES_OK, then a layout change under the vq. */
static void case_late_features(void)
{
	uint64_t packed = features | 1ull << VIRTIO_F_RING_PACKED;
	int r;

	dev_open();
	set_status(get_status() | VIRTIO_CONFIG_S_FEATURES_OK);
	check(!(get_status() & VIRTIO_CONFIG_S_FEATURES_OK),
	      "FEATURES_OK with no features set is not accepted");
	dev_close();

	dev_open();
	if (set_features(features))
		die("VHOST_SET_FEATURES");
	map_mem();
	get_capacity();
	vq_setup();
	set_status(get_status() | VIRTIO_CONFIG_S_DRIVER_OK);
	check(one(VIRTIO_BLK_T_IN, 0, 4096, QUIET_MS) == 0xff,
	      "DRIVER_OK without FEATURES_OK: the vq does not run");
	r = set_features(packed);
	check(r == -EINVAL, "features changed after DRIVER_OK are refused (%s)",
	      strerror(-r));
	dev_close();
}

/* Address map changes while requests are in flight lose none. */
static void case_remap(void)
{
	unsigned int i;
	bool ok = true;

	dev_start();
	for (i = 0; i < 8 && ok; i++)
		ok = round_trip(32, 16384, 4096 + i * 1024, true);
	check(ok, "8 rounds of 32 writes and reads, the map changed under each");
	check(backing_matches(32, 16384, 4096 + 7 * 1024),
	      "the backing store has the last round's bytes");
	dev_close();
}

/* The rings' map taken away while running, then given back. */
static void case_unmap_ring(void)
{
	uint8_t ok;

	dev_start();
	check(one(VIRTIO_BLK_T_IN, 0, 4096, 5000) == VIRTIO_BLK_S_OK,
	      "a read before the unmap");
	if (iotlb(VHOST_IOTLB_INVALIDATE, IOVA_BASE, MEM_SIZE, NULL))
		die("IOTLB invalidate");
	post(1, VIRTIO_BLK_T_IN, 0, 4096);
	kick();
	check(reap(1, QUIET_MS, &ok) == 0, "rings unmapped: nothing is used");
	map_mem();
	check(reap(1, 5000, &ok) == 1 && ok, "mapped again: the request completes");
	dev_close();
}

/* A request into memory the VMM unmapped: refused, nothing written. */
static void case_unmap_data(void)
{
	unsigned int i;
	uint8_t ok;

	dev_start();
	map(AUX_IOVA, AUX_SIZE, aux);
	pattern(data_of(0), 4096, 16);
	check(one(VIRTIO_BLK_T_OUT, 16, 4096, 5000) == VIRTIO_BLK_S_OK,
	      "a write to read back");
	post_at(1, VIRTIO_BLK_T_IN, 16, AUX_IOVA, 4096);
	kick();
	check(reap(1, 5000, &ok) == 1 && ok && !memcmp(aux, data_of(0), 4096),
	      "a read into a second map");
	if (iotlb(VHOST_IOTLB_INVALIDATE, AUX_IOVA, AUX_SIZE, NULL))
		die("IOTLB invalidate aux");
	memset(aux, 0xaa, AUX_SIZE);
	post_at(2, VIRTIO_BLK_T_IN, 16, AUX_IOVA, 4096);
	kick();
	check(reap(1, QUIET_MS, &ok) == 0, "a read into it once unmapped is not used");
	for (i = 0; i < AUX_SIZE && aux[i] == 0xaa; i++)
		;
	check(i == AUX_SIZE, "and nothing was written there");
	dev_close();
	dev_start();
	check(round_trip(8, 4096, 64, false), "after a reset the device works again");
	dev_close();
}

/* Suspend with requests in flight: all used, the ring state exact. */
static void case_suspend(void)
{
	struct vhost_vring_state st = { .index = 0 };
	unsigned int i, got;
	uint8_t ok, all_ok;

	dev_start();
	for (i = 0; i < 32; i++) {
		pattern(data_of(i), 16384, 8192 + i * 32);
		post(i, VIRTIO_BLK_T_OUT, 8192 + i * 32, 16384);
	}
	kick();
	if (ioctl(fd, VHOST_VDPA_SUSPEND))
		die("VHOST_VDPA_SUSPEND");
	got = reap(32, 0, &ok);
	all_ok = ok;
	if (ioctl(fd, VHOST_GET_VRING_BASE, &st))
		die("VHOST_GET_VRING_BASE");
	check(st.num == last_used, "suspended: the ring base (%u) is what was used (%u)",
	      st.num, last_used);
	post(32, VIRTIO_BLK_T_IN, 0, 4096);
	kick();
	check(reap(1, QUIET_MS, &ok) == 0, "suspended: a new request waits");
	if (ioctl(fd, VHOST_VDPA_RESUME))
		die("VHOST_VDPA_RESUME");
	got += reap(33 - got, 5000, &ok);
	check(got == 33 && ok && all_ok, "resumed: every request used (%u of 33)", got);
	check(backing_matches(32, 16384, 8192), "the writes are in the store");
	dev_close();
}

/*
 * Pages the VMM unmapped and freed while the device was not told yet (in
 * a batch) are not given to anyone else while the device can reach them.
 */
static void case_freed_pages(void)
{
	unsigned int i, n = AUX_SIZE / DATA_MAX;
	uint8_t *fresh, ok;

	dev_start();
	map(AUX_IOVA, AUX_SIZE, aux);
	check(round_trip(n, DATA_MAX, 2048, false), "1 MiB written to read back");
	if (munmap(aux, AUX_SIZE) ||
	    iotlb(VHOST_IOTLB_BATCH_BEGIN, 0, 0, NULL) ||
	    iotlb(VHOST_IOTLB_INVALIDATE, AUX_IOVA, AUX_SIZE, NULL))
		die("munmap, invalidate in a batch");
	/* Most likely the pages just freed, if they were. */
	fresh = mmap(NULL, AUX_SIZE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (fresh == MAP_FAILED)
		die("mmap");
	memset(fresh, 0x55, AUX_SIZE);
	for (i = 0; i < n; i++)
		post_at(i, VIRTIO_BLK_T_IN, 2048 + i * (DATA_MAX / 512),
			AUX_IOVA + i * DATA_MAX, DATA_MAX);
	kick();
	reap(n, 5000, &ok);
	if (iotlb(VHOST_IOTLB_BATCH_END, 0, 0, NULL))
		die("batch end");
	for (i = 0; i < AUX_SIZE && fresh[i] == 0x55; i++)
		;
	check(i == AUX_SIZE, "reads into the old map never reach memory given out again%s",
	      i == AUX_SIZE ? "" : " (they did)");
	check(round_trip(8, 4096, 64, false), "the device goes on with the new map");
	dev_close();
	aux = fresh;
}

/*
 * Malformed requests a hostile driver sends: each answered on its own
 * (IOERR or UNSUPP), nothing of the store or of the driver's memory
 * touched that the request did not rightly name; then a kick storm and
 * completions never read. A second device (the shell's) serves beside.
 */
static void case_hostile(void)
{
	struct virtio_blk_discard_write_zeroes *r = (void *)data_of(4);
	uint64_t one_kick = 1;
	unsigned int i, n;
	uint8_t ok, st;

	dev_start();
	pattern(data_of(0), 4096, 32);
	check(one(VIRTIO_BLK_T_OUT, 32, 4096, 5000) == VIRTIO_BLK_S_OK,
	      "a write of known bytes at sector 32");

	st = one_chain(1, VIRTIO_BLK_T_IN, 0, (struct vring_desc[]){
		{ hdr_iova(1), 8, 0, 0 },
		{ data_iova(1), 4096, VRING_DESC_F_WRITE, 0 },
		{ hdr_iova(1) + 16, 1, VRING_DESC_F_WRITE, 0 } }, 3);
	check(st == VIRTIO_BLK_S_IOERR, "a header of 8 bytes: IOERR (%#x)", st);

	memset(data_of(2), 0x77, 4096);
	st = one_chain(2, VIRTIO_BLK_T_OUT, 32, (struct vring_desc[]){
		{ hdr_iova(2), 16, 0, 0 },
		{ data_iova(2), 4096, VRING_DESC_F_WRITE, 0 },
		{ hdr_iova(2) + 16, 1, VRING_DESC_F_WRITE, 0 } }, 3);
	check(st == VIRTIO_BLK_S_IOERR && backing_matches(1, 4096, 32) &&
	      all_bytes(data_of(2), 0x77, 4096),
	      "a write whose data the device may write: IOERR (%#x), store and buffer untouched", st);

	memset(data_of(3), 0x77, 4096);
	st = one_chain(3, VIRTIO_BLK_T_IN, 32, (struct vring_desc[]){
		{ hdr_iova(3), 16, 0, 0 },
		{ data_iova(3), 4096, 0, 0 },
		{ hdr_iova(3) + 16, 1, VRING_DESC_F_WRITE, 0 } }, 3);
	check(st == VIRTIO_BLK_S_IOERR && all_bytes(data_of(3), 0x77, 4096),
	      "a read into data the device may not write: IOERR (%#x), nothing written", st);

	st = one(VIRTIO_BLK_T_IN, UINT64_MAX - 3, 4096, 5000);
	check(st == VIRTIO_BLK_S_IOERR, "a read whose sectors wrap past 2^64: IOERR (%#x)", st);
	st = one(VIRTIO_BLK_T_OUT, capacity - 4, 4096, 5000);
	check(st == VIRTIO_BLK_S_IOERR, "a write that runs past the end: IOERR (%#x)", st);
	st = one(42, 0, 0, 5000);
	check(st == VIRTIO_BLK_S_UNSUPP, "an unknown request type: UNSUPP (%#x)", st);

	if (features & 1ull << VIRTIO_BLK_F_DISCARD) {
		/* A good range, then one past the end: neither is done. */
		r[0] = (struct virtio_blk_discard_write_zeroes){ 32, 8, 0 };
		r[1] = (struct virtio_blk_discard_write_zeroes){ capacity - 8, 16, 0 };
		st = one_chain(4, VIRTIO_BLK_T_DISCARD, 0, (struct vring_desc[]){
			{ hdr_iova(4), 16, 0, 0 },
			{ data_iova(4), 2 * sizeof(*r), 0, 0 },
			{ hdr_iova(4) + 16, 1, VRING_DESC_F_WRITE, 0 } }, 3);
		check(st == VIRTIO_BLK_S_IOERR && backing_matches(1, 4096, 32),
		      "a discard with a range past the end: IOERR (%#x), no range done", st);
		for (i = 0; i < 17; i++)
			r[i] = (struct virtio_blk_discard_write_zeroes){ 32 + i * 8, 8, 0 };
		st = one_chain(4, VIRTIO_BLK_T_DISCARD, 0, (struct vring_desc[]){
			{ hdr_iova(4), 16, 0, 0 },
			{ data_iova(4), 17 * sizeof(*r), 0, 0 },
			{ hdr_iova(4) + 16, 1, VRING_DESC_F_WRITE, 0 } }, 3);
		check(st == VIRTIO_BLK_S_IOERR && backing_matches(1, 4096, 32),
		      "a discard of 17 ranges (max_discard_seg 16): IOERR (%#x)", st);
	} else {
		printf("# discard not offered: its ranges not tried\n");
	}

	/* A kick storm, requests going on through it. */
	for (i = 0, n = 0; i < 200000; i++) {
		if (write(kickfd, &one_kick, sizeof(one_kick)) != sizeof(one_kick))
			die("kick");
		if (i % 20000 == 0) {
			post(5, VIRTIO_BLK_T_IN, 32, 4096);
			kick();
			n += reap(1, 5000, &ok) == 1 && ok;
		}
	}
	check(n == 10 && round_trip(8, 4096, 64, false),
	      "200000 kicks: requests among them served (%u of 10), and after", n);

	/* Completions never read: the ring fills, then a reset. */
	for (i = 0; i < MAX_REQ; i++) {
		pattern(data_of(i), 4096, 4096 + i * 8);
		post(i, VIRTIO_BLK_T_OUT, 4096 + i * 8, 4096);
	}
	kick();
	usleep(QUIET_MS * 1000);
	dev_close();
	dev_start();
	check(round_trip(8, 4096, 64, false),
	      "%u completions never read, then a reset: the device serves again", MAX_REQ);
	dev_close();
}

/*
 * A request with nowhere to put its status breaks the vq (a reset mends
 * it): the status byte read-only, missing, or read-only after writable
 * data. Nothing is used, and a good request after it waits.
 */
static void case_bad_status(void)
{
	static const char *const what[] = {
		"a write with a read-only status byte",
		"a write with no status descriptor",
		"a read with its status read-only after its data",
	};
	struct vring_desc chains[3][3] = {
		{ { hdr_iova(0), 16, 0, 0 }, { data_iova(0), 4096, 0, 0 },
		  { hdr_iova(0) + 16, 1, 0, 0 } },
		{ { hdr_iova(0), 16, 0, 0 }, { data_iova(0), 4096, 0, 0 } },
		{ { hdr_iova(0), 16, 0, 0 }, { data_iova(0), 4096, VRING_DESC_F_WRITE, 0 },
		  { hdr_iova(0) + 16, 1, 0, 0 } },
	};
	static const unsigned int len[] = { 3, 2, 3 };
	static const uint32_t type[] = { VIRTIO_BLK_T_OUT, VIRTIO_BLK_T_OUT,
					 VIRTIO_BLK_T_IN };
	unsigned int i;
	uint8_t ok;

	for (i = 0; i < 3; i++) {
		dev_start();
		memset(data_of(0), 0x77, 4096);
		post_chain(0, type[i], 0, chains[i], len[i]);
		kick();
		check(reap(1, QUIET_MS, &ok) == 0 && all_bytes(data_of(0), 0x77, 4096),
		      "%s: not used, nothing written", what[i]);
		check(one(VIRTIO_BLK_T_IN, 0, 4096, QUIET_MS) == 0xff,
		      "the vq is broken: a good request after it waits");
		dev_close();
	}
	dev_start();
	check(round_trip(8, 4096, 64, false), "after a reset the device works again");
	dev_close();
}

static const struct {
	const char *name;
	void (*run)(void);
} cases[] = {
	{ "io", case_io },
	{ "no-map", case_no_map },
	{ "late-features", case_late_features },
	{ "remap", case_remap },
	{ "unmap-ring", case_unmap_ring },
	{ "unmap-data", case_unmap_data },
	{ "suspend", case_suspend },
	{ "freed-pages", case_freed_pages },
	{ "hostile", case_hostile },
	{ "bad-status", case_bad_status },
};

static void usage(void)
{
	unsigned int i;

	printf("usage: vdpa-blk-guest --dev /dev/vhost-vdpa-N --file BACKING\n"
	       "                      [--serial S] --case NAME\n"
	       "Drives a virtio-blk vDPA device as a VMM would; NAME is one of:");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		printf(" %s", cases[i].name);
	printf("\n");
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "file", required_argument, NULL, 'f' },
		{ "serial", required_argument, NULL, 's' },
		{ "case", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *name = NULL;
	unsigned int i;
	int c;

	while ((c = getopt_long(argc, argv, "d:f:s:c:h", lo, NULL)) != -1) {
		switch (c) {
		case 'd': dev_path = optarg; break;
		case 'f': file_path = optarg; break;
		case 's': serial = optarg; break;
		case 'c': name = optarg; break;
		case 'h': usage(); return 0;
		default: usage(); return 2;
		}
	}
	if (!dev_path || !file_path || !name) {
		usage();
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* vhost_vdpa pins what is mapped, against RLIMIT_MEMLOCK (as QEMU's). */
	if (setrlimit(RLIMIT_MEMLOCK, &(struct rlimit){ RLIM_INFINITY, RLIM_INFINITY }))
		die("RLIMIT_MEMLOCK");
	mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	aux = mmap(NULL, AUX_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (mem == MAP_FAILED || aux == MAP_FAILED)
		die("mmap");
	desc = (void *)mem;
	avail = (void *)(mem + AVAIL_OFF);
	used = (void *)(mem + USED_OFF);
	kickfd = eventfd(0, EFD_NONBLOCK);
	callfd = eventfd(0, EFD_NONBLOCK);
	backing = open(file_path, O_RDONLY);
	if (kickfd < 0 || callfd < 0 || backing < 0)
		die("eventfd or %s", file_path);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (!strcmp(cases[i].name, name))
			break;
	if (i == sizeof(cases) / sizeof(cases[0])) {
		usage();
		return 2;
	}
	cases[i].run();
	printf("# %d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
