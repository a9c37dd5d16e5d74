// SPDX-License-Identifier: GPL-2.0
/*
 * The ring fuzzer: rounds of one device each, split or packed, with a
 * guest that posts TX and RX chains, mostly sound and some hostile
 * (addresses outside memory, odd lengths and flags, bad next indices,
 * loops, indirect tables with anything in them, chains longer than the
 * ring, avail index jumps, event index garbage), frames arriving from the
 * tap, and in some rounds a thread scribbling over the rings while the
 * device reads them. A round is a fixed number of operations drawn from
 * the seed, so each thread's actions replay; the races do not.
 */
#include <sched.h>
#include <sys/socket.h>

#include "fuzz.h"

#define CHAIN_SLOTS	4	/* split: descriptors reserved per head */

/* The guest's view of one vq. */
struct gring {
	struct fz_dev *d;
	struct fz_vq *q;
	bool tx;
	/* split */
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint16_t avail_idx, last_used;
	bool busy[FZ_MAX_RING];		/* heads in flight */
	/* packed */
	struct vring_packed_desc *pdesc;
	uint16_t next, last;		/* slots: next to fill, next to reap */
	bool avail_wrap, used_wrap;
	unsigned int inflight;
	uint16_t clen[FZ_MAX_RING];	/* chain length by head slot */
};

struct round {
	struct rng rng;
	struct fz_dev dev;
	struct gring g[2];
	unsigned int mut;		/* one chain in mut is hostile; 0: none */
	volatile bool running;
	uint64_t seed_stream;
};

static const uint64_t odd_addrs[] = {
	0, 1, FZ_MEM_SIZE - 1, FZ_MEM_SIZE - 16, FZ_MEM_SIZE, FZ_MEM_SIZE + FZ_PAGE,
	FZ_MEM_SIZE / 2 - 8, 0x7fffffffffffULL, 0x800000000000ULL,
	0xffffffffffffffffULL, 0xfffffffffffff000ULL, 1ULL << 63, 0xffffffffULL,
};
static const uint64_t odd_lens[] = {
	0, 1, 11, 12, 13, 15, 16, 17, FZ_BUF_SIZE, FZ_BUF_SIZE + 1, 65535, 65536,
	FZ_MEM_SIZE, 0x7fffffff, 0x80000000, 0xffffffff,
};

static uint64_t hostile_addr(struct rng *r)
{
	return rng_chance(r, 3) ? rng_u64(r) : rng_pick64(r, odd_addrs, ARRAY_SIZE(odd_addrs));
}

static uint32_t hostile_len(struct rng *r)
{
	return rng_chance(r, 3) ? (uint32_t)rng_u64(r) : rng_pick64(r, odd_lens, ARRAY_SIZE(odd_lens));
}

/* A buffer of the guest's: inside memory, one of FZ_NBUFS. */
static uint64_t buf_gpa(struct rng *r)
{
	return FZ_BUFS + (uint64_t)rng_below(r, FZ_NBUFS) * FZ_BUF_SIZE;
}

/* Write a TX frame (header, then an Ethernet frame) at @gpa. */
static uint32_t tx_payload(struct round *rd, uint64_t gpa, bool with_hdr)
{
	uint8_t *p = fz_gpa(&rd->dev, gpa);
	uint32_t len = 60 + rng_below(&rd->rng, FZ_BUF_SIZE - 60 - FZ_HDR_LEN);
	static const uint8_t eth[14] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x88, 0xb5 };

	/* The header stays zero: tun would act on its offload fields. */
	memset(p, 0, FZ_HDR_LEN);
	if (!with_hdr)
		return FZ_HDR_LEN;
	memcpy(p + FZ_HDR_LEN, eth, sizeof(eth));
	return FZ_HDR_LEN + len;
}

/* Split or packed indirect table at a table slot: returns its length. */
static uint32_t fill_table(struct round *rd, struct gring *g, uint64_t gpa, bool hostile)
{
	struct rng *r = &rd->rng;
	unsigned int n = 1 + rng_below(r, 16), i;
	uint8_t *t = fz_gpa(&rd->dev, gpa);

	for (i = 0; i < n; i++) {
		uint64_t addr = buf_gpa(r);
		uint32_t len = i ? 64 + rng_below(r, FZ_BUF_SIZE - 64) : FZ_HDR_LEN;
		uint16_t flags = g->tx ? 0 : VRING_DESC_F_WRITE;

		if (g->tx && !i)
			tx_payload(rd, addr, false);
		if (hostile && rng_chance(r, 3)) {
			switch (rng_below(r, 5)) {
			case 0: addr = hostile_addr(r); break;
			case 1: len = hostile_len(r); break;
			case 2: flags = rng_u64(r); break;
			case 3: flags |= VRING_DESC_F_INDIRECT; addr = gpa; len = n * 16; break;
			default: flags ^= VRING_DESC_F_WRITE; break;
			}
		}
		if (rd->dev.packed) {
			struct vring_packed_desc *d = (void *)(t + 16 * i);

			d->addr = addr;
			d->len = len;
			d->id = hostile && rng_chance(r, 4) ? rng_u64(r) : 0;
			d->flags = flags;
		} else {
			struct vring_desc *d = (void *)(t + 16 * i);

			d->addr = addr;
			d->len = len;
			d->flags = flags | (i + 1 < n ? VRING_DESC_F_NEXT : 0);
			d->next = hostile && rng_chance(r, 4) ? rng_below(r, 20) : i + 1;
		}
	}
	stat_add("descriptors", n);
	if (hostile && rng_chance(r, 4))
		return hostile_len(r);
	return n * 16;
}

/* One descriptor of a chain being built: buffer, or an indirect table. */
struct dsc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

static unsigned int build_chain(struct round *rd, struct gring *g, struct dsc *c,
				unsigned int max, unsigned int head, bool hostile)
{
	struct rng *r = &rd->rng;
	unsigned int n = 1 + rng_below(r, max < 4 ? max : 4), i;

	if (!rng_chance(r, 4) || !g->tx)
		n = n < 2 && max >= 2 && g->tx ? 2 : n;
	for (i = 0; i < n; i++) {
		c[i].addr = buf_gpa(r);
		c[i].len = g->tx ? (i ? 64 + rng_below(r, FZ_BUF_SIZE - 64) : FZ_HDR_LEN) :
			   rng_below(r, FZ_BUF_SIZE) + 1;
		c[i].flags = g->tx ? 0 : VRING_DESC_F_WRITE;
		c[i].next = 0;
		if (g->tx && !i)
			tx_payload(rd, c[i].addr, false);
		else if (g->tx && i == 1)
			memcpy(fz_gpa(&rd->dev, c[i].addr),
			       "\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02\x88\xb5", 14);
	}
	/* A sound indirect chain now and then, when negotiated. */
	if (rd->dev.features & 1ULL << VIRTIO_RING_F_INDIRECT_DESC && rng_chance(r, 4)) {
		uint64_t t = FZ_TABLES + (uint64_t)(head % FZ_NTABLES) * 256;

		c[0].len = fill_table(rd, g, t, hostile);
		c[0].addr = t;
		c[0].flags = VRING_DESC_F_INDIRECT;
		n = 1;
	}
	if (!hostile)
		return n;
	stat_add("hostile chains", 1);
	i = rng_below(r, n);
	switch (rng_below(r, 8)) {
	case 0: c[i].addr = hostile_addr(r); break;
	case 1: c[i].len = hostile_len(r); break;
	case 2: c[i].flags = rng_u64(r); break;
	case 3: c[i].flags ^= VRING_DESC_F_WRITE; break;
	case 4: c[i].flags |= VRING_DESC_F_INDIRECT;
		c[i].addr = FZ_TABLES + (uint64_t)rng_below(r, FZ_NTABLES) * 256;
		c[i].len = rng_chance(r, 2) ? 16 * (1 + rng_below(r, 16)) : hostile_len(r);
		fill_table(rd, g, c[i].addr, true);
		break;
	case 5: c[i].flags |= VRING_DESC_F_NEXT; break;	/* runs on */
	case 6: c[i].addr = FZ_MEM_SIZE / 2 - rng_below(r, 64);	/* spans the regions */
		c[i].len = 64 + rng_below(r, 4096);
		break;
	default: c[i].next = 1 + rng_below(r, 0xffff); break;	/* marks "bad next" */
	}
	return n;
}

/* Split: post one chain at a free head; hostile ones may do worse. */
static void split_post(struct round *rd, struct gring *g, bool hostile)
{
	struct rng *r = &rd->rng;
	unsigned int num = g->q->num, heads = num >= CHAIN_SLOTS ? num / CHAIN_SLOTS : 1;
	unsigned int max = num < CHAIN_SLOTS ? num : CHAIN_SLOTS, h, n, i, slot;
	struct dsc c[CHAIN_SLOTS];

	for (h = rng_below(r, heads), i = 0; i < heads && g->busy[h]; i++)
		h = (h + 1) % heads;
	if (i == heads && !hostile)
		return;
	slot = h * (num / heads);
	n = build_chain(rd, g, c, max, slot, hostile);
	for (i = 0; i < n; i++) {
		struct vring_desc *d = &g->desc[slot + i];

		d->addr = c[i].addr;
		d->len = c[i].len;
		d->flags = c[i].flags | (i + 1 < n ? VRING_DESC_F_NEXT : 0);
		d->next = c[i].next ? c[i].next : slot + i + 1;
	}
	stat_add("descriptors", n);
	g->busy[h] = true;
	if (hostile && rng_chance(r, 4)) {
		switch (rng_below(r, 4)) {
		case 0:		/* a loop through the whole ring */
			for (i = 0; i < num; i++) {
				g->desc[i].flags |= VRING_DESC_F_NEXT;
				g->desc[i].next = (i + 1) % num;
			}
			break;
		case 1:		/* the head points at itself */
			g->desc[slot].flags |= VRING_DESC_F_NEXT;
			g->desc[slot].next = slot;
			break;
		case 2:		/* the avail index runs far ahead */
			g->avail_idx += num + rng_below(r, 0xffff);
			break;
		default:	/* an avail entry naming any head */
			slot = rng_u64(r);
			break;
		}
	}
	g->avail->ring[g->avail_idx % num] = slot;
	fz_wmb();
	g->avail_idx++;
	__atomic_store_n(&g->avail->idx, g->avail_idx, __ATOMIC_RELEASE);
	stat_add(g->tx ? "chains tx" : "chains rx", 1);
}

static void split_reap(struct gring *g)
{
	unsigned int num = g->q->num, heads = num >= CHAIN_SLOTS ? num / CHAIN_SLOTS : 1;
	uint16_t idx = __atomic_load_n(&g->used->idx, __ATOMIC_ACQUIRE), k = 0;

	/* Bounded: the scribbler may have made the used index anything. */
	while (g->last_used != idx && k++ < num) {
		uint32_t id = g->used->ring[g->last_used % num].id;

		if (id < num && id % (num / heads) == 0)
			g->busy[id / (num / heads)] = false;
		g->last_used++;
		stat_add("used entries", 1);
	}
	g->last_used = idx;
}

static uint16_t pflags(bool wrap)
{
	return wrap ? 1 << VRING_PACKED_DESC_F_AVAIL : 1 << VRING_PACKED_DESC_F_USED;
}

/* Packed: chains go in ring order; the head's flags are written last. */
static void packed_post(struct round *rd, struct gring *g, bool hostile)
{
	struct rng *r = &rd->rng;
	unsigned int num = g->q->num, n, i, head = g->next;
	uint16_t head_flags = 0;
	struct dsc c[CHAIN_SLOTS];

	if (g->inflight + CHAIN_SLOTS > num && !hostile)
		return;
	n = build_chain(rd, g, c, num < CHAIN_SLOTS ? num : CHAIN_SLOTS, head, hostile);
	if (hostile && rng_chance(r, 6))
		n = num + 1 + rng_below(r, 4);	/* longer than the ring */
	for (i = 0; i < n; i++) {
		struct dsc *s = &c[i < CHAIN_SLOTS ? i : CHAIN_SLOTS - 1];
		struct vring_packed_desc *d = &g->pdesc[g->next];
		uint16_t f = (s->flags & ~(VRING_DESC_F_NEXT)) | pflags(g->avail_wrap) |
			     (i + 1 < n ? VRING_DESC_F_NEXT : 0);

		if (s->next)		/* hostile: wrong lap or raw flags */
			f = rng_chance(r, 2) ? (uint16_t)rng_u64(r) : f ^ (1 << VRING_PACKED_DESC_F_AVAIL | 1 << VRING_PACKED_DESC_F_USED);
		d->addr = s->addr;
		d->len = s->len;
		d->id = hostile && rng_chance(r, 5) ? (uint16_t)rng_u64(r) : head;
		if (i)
			d->flags = f;
		else
			head_flags = f;
		if (++g->next == num) {
			g->next = 0;
			g->avail_wrap = !g->avail_wrap;
		}
	}
	stat_add("descriptors", n);
	g->clen[head] = n;
	g->inflight += n;
	fz_wmb();
	__atomic_store_n(&g->pdesc[head].flags, head_flags, __ATOMIC_RELEASE);
	stat_add(g->tx ? "chains tx" : "chains rx", 1);
}

static void packed_reap(struct gring *g)
{
	unsigned int num = g->q->num, k;

	for (k = 0; k < num; k++) {
		uint16_t f = __atomic_load_n(&g->pdesc[g->last].flags, __ATOMIC_ACQUIRE);
		bool a = f & 1 << VRING_PACKED_DESC_F_AVAIL, u = f & 1 << VRING_PACKED_DESC_F_USED;
		unsigned int n = g->clen[g->last] ? g->clen[g->last] : 1;

		if (a != g->used_wrap || u != g->used_wrap)
			return;
		stat_add("used entries", 1);
		g->inflight = g->inflight > n ? g->inflight - n : 0;
		g->last += n;
		while (g->last >= num) {
			g->last -= num;
			g->used_wrap = !g->used_wrap;
		}
	}
}

static void gring_init(struct round *rd, struct gring *g, unsigned int idx)
{
	struct fz_vq *q = &rd->dev.vq[idx];
	uint8_t *base = fz_gpa(&rd->dev, q->gpa);

	memset(g, 0, sizeof(*g));
	memset(base, 0, FZ_RING_AREA);
	g->d = &rd->dev;
	g->q = q;
	g->tx = idx == 1;
	g->desc = (void *)base;
	g->pdesc = (void *)base;
	g->avail = (void *)(base + FZ_AVAIL_OFF);
	g->used = (void *)(base + FZ_USED_OFF);
	g->avail_wrap = g->used_wrap = true;
}

/* After a break: detach, reset the rings and the base, attach again. */
static void restart(struct round *rd, unsigned int idx)
{
	struct vhost_vring_state s = { .index = idx };
	int r = fz_set_backend(rd->dev.fd, idx, -1);

	stat_call("restart: detach", -r);
	gring_init(rd, &rd->g[idx], idx);
	s.num = rd->dev.packed ? 1u << 15 | (1u << 15) << 16 : 0;
	stat_call("restart: VHOST_SET_VRING_BASE",
		  ioctl(rd->dev.fd, VHOST_SET_VRING_BASE, &s) ? errno : 0);
	stat_call("restart: attach", -fz_set_backend(rd->dev.fd, idx, rd->dev.tap));
}

static void *sender(void *arg)
{
	struct round *rd = arg;
	struct rng r;

	rng_seed(&r, opt.seed, rd->seed_stream + 1);
	while (rd->running) {
		fz_send_frame(rd->dev.pkt, &r);
		usleep(rng_below(&r, 2000));
	}
	return NULL;
}

/* Random writes over every ring area while the device reads them. */
static void *scribbler(void *arg)
{
	struct round *rd = arg;
	struct rng r;

	rng_seed(&r, opt.seed, rd->seed_stream + 2);
	while (rd->running) {
		struct fz_vq *q = &rd->dev.vq[rng_below(&r, 2)];
		uint32_t off = rng_below(&r, 3) * FZ_AVAIL_OFF +
			       rng_below(&r, q->num * 16 + 8) / 8 * 8;
		uint64_t v = rng_u64(&r);

		if (rd->dev.packed && rng_chance(&r, 4))	/* the event areas */
			off = FZ_PEVENT_OFF + rng_below(&r, 2) * 0x1000;
		/* Mostly one field, as a buggy driver would; sometimes 8 bytes. */
		if (rng_chance(&r, 3))
			__atomic_store_n((uint64_t *)fz_gpa(&rd->dev, q->gpa + off), v, __ATOMIC_RELAXED);
		else
			__atomic_store_n((uint16_t *)fz_gpa(&rd->dev, q->gpa + off + rng_below(&r, 4) * 2),
					 (uint16_t)v, __ATOMIC_RELAXED);
		stat_add("scribbles", 1);
		if (rng_chance(&r, 2))
			fz_kick(q);
		usleep(rng_below(&r, 500));
	}
	return NULL;
}

static const unsigned int sizes[] = { 1, 2, 4, 8, 16, 64, 256, 1024, 3, 100, 1000 };

static uint64_t round_features(struct rng *r, bool packed)
{
	static const unsigned int bits[] = {
		VIRTIO_RING_F_INDIRECT_DESC, VIRTIO_RING_F_EVENT_IDX, VIRTIO_NET_F_MRG_RXBUF,
		VHOST_NET_F_VIRTIO_NET_HDR, VIRTIO_F_ANY_LAYOUT, VIRTIO_F_NOTIFY_ON_EMPTY,
	};
	uint64_t f = 1ULL << VIRTIO_F_VERSION_1;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bits); i++)
		if (rng_chance(r, 2))
			f |= 1ULL << bits[i];
	if (packed)
		f |= 1ULL << VIRTIO_F_RING_PACKED;
	return f;
}

static void one_round(struct round *rd, uint8_t *mem, unsigned int n)
{
	struct rng *r = &rd->rng;
	bool packed = rng_chance(r, 2), scribble = rng_chance(r, 3);
	unsigned int num = sizes[rng_below(r, packed ? 11 : 8)];
	unsigned int ops = 50 + rng_below(r, 400), i, k;
	static const unsigned int muts[] = { 0, 0, 64, 16, 4 };
	pthread_t snd, scr;
	char tap[IFNAMSIZ];
	int err;

	rd->mut = muts[rng_below(r, ARRAY_SIZE(muts))];
	snprintf(tap, sizeof(tap), "fzr%u", n % 4);
	err = fz_dev_open(&rd->dev, mem, round_features(r, packed), num, tap);
	fz_trace("round %u: %s ring of %u, features %#llx, hostile 1/%u, scribbler %d: %s",
		 n, packed ? "packed" : "split", num, (unsigned long long)rd->dev.features,
		 rd->mut, scribble, err ? strerror(-err) : "set up");
	stat_call(packed ? "round packed" : "round split", -err);
	if (err)
		return;
	for (k = 0; k < 2; k++)
		gring_init(rd, &rd->g[k], k);
	rd->running = true;
	pthread_create(&snd, NULL, sender, rd);
	if (scribble)
		pthread_create(&scr, NULL, scribbler, rd);
	for (i = 0; i < ops; i++) {
		struct gring *g = &rd->g[rng_below(r, 2)];
		bool hostile = rd->mut && rng_chance(r, rd->mut);
		unsigned int what = rng_below(r, 10);

		if (what < 5) {
			if (packed)
				packed_post(rd, g, hostile);
			else
				split_post(rd, g, hostile);
		} else if (what < 7) {
			fz_kick(g->q);
			stat_add("kicks", 1);
		} else {
			if (packed)
				packed_reap(g);
			else
				split_reap(g);
		}
		for (k = 0; k < 2; k++) {
			if (!fz_drain(rd->dev.vq[k].err))
				continue;
			stat_add("vq breaks", 1);
			if (rng_chance(r, 2))
				restart(rd, k);
		}
		fz_drain(rd->dev.vq[0].call);
		fz_drain(rd->dev.vq[1].call);
		if (rng_chance(r, 8))
			usleep(rng_below(r, 300));
	}
	rd->running = false;
	pthread_join(snd, NULL);
	if (scribble)
		pthread_join(scr, NULL);
	/* How the round ends: as QEMU stops a device, or a crash, or RESET_OWNER. */
	switch (rng_below(r, 3)) {
	case 0:
		for (k = 0; k < 2; k++) {
			struct vhost_vring_state s = { .index = k };

			stat_call("end: detach", -fz_set_backend(rd->dev.fd, k, -1));
			stat_call("end: VHOST_GET_VRING_BASE",
				  ioctl(rd->dev.fd, VHOST_GET_VRING_BASE, &s) ? errno : 0);
		}
		break;
	case 1:
		stat_call("end: VHOST_RESET_OWNER",
			  ioctl(rd->dev.fd, VHOST_RESET_OWNER) ? errno : 0);
		break;
	default:
		break;
	}
	fz_dev_close(&rd->dev);
}

int fuzz_rings(void)
{
	static struct round rd;
	uint8_t *mem;
	unsigned int n;

	mem = mmap(NULL, FZ_MEM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (mem == MAP_FAILED)
		fz_die("mmap");
	rng_seed(&rd.rng, opt.seed, 0);
	for (n = 0; fz_time_left(); n++) {
		rd.seed_stream = 16 * (n + 1);
		one_round(&rd, mem, n);
	}
	stat_add("rounds", n);
	return 0;
}
