// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctl fuzzer: threads issue random /dev/viox-net ioctls with random
 * and half-valid arguments on a few shared device files, while others post
 * traffic on whatever is attached and damage guest memory under the
 * device. Files are closed and reopened under the other threads' feet;
 * children inherit them and try their own calls. Every thread's sequence
 * comes from the seed; how the threads interleave does not.
 */
#include <sys/wait.h>

#include "fuzz.h"

/* Per-vq workers (6.5) are newer than bookworm's uapi headers. */
#ifndef VHOST_NEW_WORKER
struct vhost_worker_state {
	unsigned int worker_id;
};

struct vhost_vring_worker {
	unsigned int index;
	unsigned int worker_id;
};

#define VHOST_NEW_WORKER _IOR(VHOST_VIRTIO, 0x8, struct vhost_worker_state)
#define VHOST_FREE_WORKER _IOW(VHOST_VIRTIO, 0x9, struct vhost_worker_state)
#define VHOST_ATTACH_VRING_WORKER _IOW(VHOST_VIRTIO, 0x15, struct vhost_vring_worker)
#define VHOST_GET_VRING_WORKER _IOWR(VHOST_VIRTIO, 0x16, struct vhost_vring_worker)
#endif

#define KERNEL_PTR	0xffffffff81000000ULL	/* a kernel address: EFAULT */
#define UNMAPPED_PTR	0x10000ULL		/* below mmap_min_addr */

static const unsigned int nums[] = {
	0, 1, 2, 3, 64, 255, 256, 1000, 1024, 1025, 32768, 65535, 0xffffffffu,
};

static unsigned int vq_index(struct rng *r)
{
	return rng_chance(r, 8) ? (rng_chance(r, 2) ? 2 : (uint32_t)rng_u64(r)) : rng_below(r, 2);
}

/* A user pointer that is not good memory. */
static void *bad_ptr(struct rng *r, size_t size)
{
	switch (rng_below(r, 4)) {
	case 0: return NULL;
	case 1: return (void *)UNMAPPED_PTR;
	case 2: return (void *)KERNEL_PTR;
	default: return env.guard + FZ_PAGE - (size > 1 ? size / 2 : 1); /* runs into PROT_NONE */
	}
}

/* Occasionally the argument itself is a bad pointer. */
#define ARG(r, p) (rng_chance(r, 24) ? bad_ptr(r, sizeof(*(p))) : (void *)(p))

static int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? errno : 0;
}

static uint64_t pick_features(struct rng *r, int fd)
{
	uint64_t f = fz_offered(fd);

	if (rng_chance(r, 8))
		return rng_u64(r);
	f &= rng_u64(r) | 1ULL << VIRTIO_F_VERSION_1;
	if (rng_chance(r, 8))
		f |= 1ULL << rng_below(r, 64);		/* perhaps unknown */
	return f;
}

static int op_features(struct rng *r, int fd)
{
	uint64_t f = pick_features(r, fd);

	return xioctl(fd, VHOST_SET_FEATURES, ARG(r, &f));
}

static int op_get_features(struct rng *r, int fd)
{
	uint64_t f;

	return xioctl(fd, rng_chance(r, 2) ? VHOST_GET_FEATURES : VHOST_GET_BACKEND_FEATURES,
		      ARG(r, &f));
}

static int op_backend_features(struct rng *r, int fd)
{
	uint64_t f = rng_chance(r, 2) ? 0 : rng_u64(r);

	return xioctl(fd, VHOST_SET_BACKEND_FEATURES, ARG(r, &f));
}

/* A memory table: sound, shrunk, swapped to the alias, or nonsense. */
static int op_mem_table(struct rng *r, int fd)
{
	static __thread struct {
		struct vhost_memory m;
		struct vhost_memory_region reg[80];
	} t;
	unsigned int i, n;
	uint8_t *base = rng_chance(r, 4) ? env.mem2 : env.mem;

	memset(&t, 0, sizeof(t));
	switch (rng_below(r, 8)) {
	case 0:		/* sound, one or two regions */
		return -fz_set_mem(fd, base, 1 + rng_below(r, 2));
	case 1:		/* shrunk: rings only, or half */
		t.m.nregions = 1;
		t.reg[0].memory_size = rng_chance(r, 2) ? FZ_BUFS : FZ_MEM_SIZE / 2;
		t.reg[0].userspace_addr = (uintptr_t)base;
		break;
	case 2:		/* many small regions, up to past the limit */
		n = 60 + rng_below(r, 10);
		t.m.nregions = n;
		for (i = 0; i < n; i++) {
			t.reg[i].guest_phys_addr = (uint64_t)i * FZ_PAGE * 16;
			t.reg[i].memory_size = FZ_PAGE * 16;
			t.reg[i].userspace_addr = (uintptr_t)base + i * FZ_PAGE * 16;
		}
		break;
	case 3:		/* an absurd count with a short table */
		t.m.nregions = rng_chance(r, 2) ? 0xffffffffu : 1u << rng_below(r, 32);
		break;
	case 4:		/* overlapping */
		t.m.nregions = 2;
		t.reg[0].memory_size = t.reg[1].memory_size = FZ_MEM_SIZE;
		t.reg[0].userspace_addr = t.reg[1].userspace_addr = (uintptr_t)base;
		t.reg[1].guest_phys_addr = FZ_PAGE * rng_below(r, 16);
		break;
	default:	/* half-valid: one field of a sound table goes wrong */
		n = 1 + rng_below(r, 4);
		t.m.nregions = n;
		for (i = 0; i < n; i++) {
			t.reg[i].guest_phys_addr = (uint64_t)i * (FZ_MEM_SIZE / n);
			t.reg[i].memory_size = FZ_MEM_SIZE / n;
			t.reg[i].userspace_addr = (uintptr_t)base + i * (FZ_MEM_SIZE / n);
		}
		i = rng_below(r, n);
		switch (rng_below(r, 5)) {
		case 0: t.reg[i].guest_phys_addr = rng_u64(r) & ~0xfffULL; break;
		case 1: t.reg[i].memory_size = rng_chance(r, 2) ? rng_u64(r) : rng_below(r, 8192); break;
		case 2: t.reg[i].userspace_addr = rng_chance(r, 2) ? KERNEL_PTR : rng_u64(r); break;
		case 3: t.reg[i].userspace_addr += 1 + rng_below(r, 4095); break;
		default: t.reg[i].flags_padding = rng_u64(r); break;
		}
		break;
	}
	return xioctl(fd, VHOST_SET_MEM_TABLE, ARG(r, &t.m));
}

static int op_log_base(struct rng *r, int fd)
{
	uint64_t b;

	switch (rng_below(r, 5)) {
	case 0: b = (uintptr_t)env.log; break;
	case 1: b = (uintptr_t)env.log + 1 + rng_below(r, 7); break;
	case 2: b = 0; break;
	case 3: b = rng_chance(r, 2) ? KERNEL_PTR : (uintptr_t)env.guard + FZ_PAGE; break;
	default: b = rng_u64(r); break;
	}
	return xioctl(fd, VHOST_SET_LOG_BASE, ARG(r, &b));
}

static int op_log_fd(struct rng *r, int fd)
{
	int f = env_fd(r);

	return xioctl(fd, VHOST_SET_LOG_FD, ARG(r, &f));
}

static int op_num(struct rng *r, int fd)
{
	struct vhost_vring_state s = { vq_index(r), nums[rng_below(r, ARRAY_SIZE(nums))] };

	return xioctl(fd, VHOST_SET_VRING_NUM, ARG(r, &s));
}

static int op_base(struct rng *r, int fd)
{
	struct vhost_vring_state s = { .index = vq_index(r) };

	switch (rng_below(r, 3)) {
	case 0: s.num = 0; break;
	case 1: s.num = 1u << 15 | (1u << 15) << 16 | rng_below(r, 1024); break;
	default: s.num = rng_u64(r); break;
	}
	return xioctl(fd, VHOST_SET_VRING_BASE, ARG(r, &s));
}

static int op_get_base(struct rng *r, int fd)
{
	struct vhost_vring_state s = { .index = vq_index(r) };

	return xioctl(fd, VHOST_GET_VRING_BASE, ARG(r, &s));
}

/* Ring addresses of slot @s's vq, then maybe one field made wrong. */
static int op_addr(struct rng *r, int fd)
{
	unsigned int s = rng_below(r, NSLOTS), i = vq_index(r);
	uint8_t *ring = env.mem + ENV_RINGS(s, i % 2);
	struct vhost_vring_addr a = {
		.index = i,
		.desc_user_addr = (uintptr_t)ring,
		.avail_user_addr = (uintptr_t)ring + FZ_AVAIL_OFF,
		.used_user_addr = (uintptr_t)ring + FZ_USED_OFF,
		.log_guest_addr = ENV_RINGS(s, i % 2) + FZ_USED_OFF,
	};
	__u64 *f[] = { &a.desc_user_addr, &a.avail_user_addr, &a.used_user_addr,
			  &a.log_guest_addr };

	if (rng_chance(r, 3))
		a.flags = 1 << VHOST_VRING_F_LOG;
	if (rng_chance(r, 2)) {
		__u64 *p = f[rng_below(r, ARRAY_SIZE(f))];
		static const uint64_t odd[] = { 0, 1, 2, 4, KERNEL_PTR, UNMAPPED_PTR,
						0x7ffffffff000ULL, ~0ULL };

		switch (rng_below(r, 4)) {
		case 0: *p += 1 + rng_below(r, 7); break;		/* unaligned */
		case 1: *p = rng_pick64(r, odd, ARRAY_SIZE(odd)); break;
		case 2: a.flags = rng_u64(r); break;
		default: *p = rng_u64(r); break;
		}
	}
	return xioctl(fd, VHOST_SET_VRING_ADDR, ARG(r, &a));
}

/* KICK, CALL or ERR: mostly the eventfds traffic uses, else anything. */
static int op_vring_file(struct rng *r, int fd)
{
	static const unsigned long cmds[] = {
		VHOST_SET_VRING_KICK, VHOST_SET_VRING_CALL, VHOST_SET_VRING_ERR,
	};
	unsigned int c = rng_below(r, 3), s = rng_below(r, NSLOTS);
	struct vhost_vring_file f = { .index = vq_index(r) };

	f.fd = rng_chance(r, 2) ? (c == 0 ? env.kick : env.call)[s][f.index % 2] : env_fd(r);
	return xioctl(fd, cmds[c], ARG(r, &f));
}

static int op_backend(struct rng *r, int fd)
{
	struct vhost_vring_file f = { .index = vq_index(r) };

	f.fd = rng_chance(r, 2) ? env.tap[rng_below(r, 2)] : env_fd(r);
	return xioctl(fd, VHOST_NET_SET_BACKEND, ARG(r, &f));
}

static int op_busyloop(struct rng *r, int fd)
{
	struct vhost_vring_state s = { vq_index(r), rng_chance(r, 2) ? rng_below(r, 200) : rng_u64(r) };

	return xioctl(fd, rng_chance(r, 2) ? VHOST_SET_VRING_BUSYLOOP_TIMEOUT :
		      VHOST_GET_VRING_BUSYLOOP_TIMEOUT, ARG(r, &s));
}

static int op_endian(struct rng *r, int fd)
{
	struct vhost_vring_state s = { vq_index(r), rng_below(r, 3) };

	return xioctl(fd, rng_chance(r, 2) ? VHOST_SET_VRING_ENDIAN : VHOST_GET_VRING_ENDIAN,
		      ARG(r, &s));
}

static int op_worker(struct rng *r, int fd)
{
	struct vhost_worker_state w = { .worker_id = rng_below(r, 4) };
	struct vhost_vring_worker vw = { .index = vq_index(r), .worker_id = rng_below(r, 4) };

	switch (rng_below(r, 4)) {
	case 0: return xioctl(fd, VHOST_NEW_WORKER, ARG(r, &w));
	case 1: return xioctl(fd, VHOST_FREE_WORKER, ARG(r, &w));
	case 2: return xioctl(fd, VHOST_ATTACH_VRING_WORKER, ARG(r, &vw));
	default: return xioctl(fd, VHOST_GET_VRING_WORKER, ARG(r, &vw));
	}
}

static int op_owner(struct rng *r, int fd)
{
	return xioctl(fd, rng_chance(r, 2) ? VHOST_SET_OWNER : VHOST_RESET_OWNER, NULL);
}

/* Any command number of the vhost type, any direction and size. */
static int op_unknown(struct rng *r, int fd)
{
	static __thread uint8_t buf[256];
	unsigned long cmd = _IOC(rng_below(r, 4), VHOST_VIRTIO, rng_below(r, 0x80),
				 rng_below(r, 256));

	rng_fill(r, buf, sizeof(buf));
	return xioctl(fd, cmd, ARG(r, buf));
}

/* A whole sound setup, so that the device runs and the rest has a target. */
static int op_setup(struct rng *r, int fd)
{
	struct fz_dev d = { .fd = fd, .mem = env.mem };
	unsigned int s = rng_below(r, NSLOTS), i;
	uint64_t f = 1ULL << VIRTIO_F_VERSION_1;
	int err;

	if (rng_chance(r, 2))
		f |= 1ULL << VIRTIO_NET_F_MRG_RXBUF;
	err = xioctl(fd, VHOST_SET_OWNER, NULL);
	if (err && err != EBUSY)
		return err;
	err = xioctl(fd, VHOST_SET_FEATURES, &f);
	if (!err)
		err = -fz_set_mem(fd, env.mem, 2);
	for (i = 0; !err && i < 2; i++) {
		struct fz_vq q = { .idx = i, .num = 256, .gpa = ENV_RINGS(s, i),
				   .kick = env.kick[s][i], .call = env.call[s][i], .err = -1 };

		err = -fz_vq_setup(&d, &q);
		if (!err)
			err = -fz_set_backend(fd, i, env.tap[0]);
	}
	return err;
}

/* Close a slot's file (others may be using it) and open a new one. */
static int op_reopen(struct rng *r, int fd)
{
	unsigned int s = rng_below(r, NSLOTS);
	int old = __atomic_exchange_n(&env.slot[s], -1, __ATOMIC_SEQ_CST), err = 0;

	(void)fd;
	if (old >= 0)
		close(old);
	if (rng_chance(r, 8))
		return 0;		/* left empty for a while */
	fd = open(opt.dev, O_RDWR | (rng_chance(r, 2) ? O_NONBLOCK : 0));
	if (fd < 0)
		err = errno;
	old = __atomic_exchange_n(&env.slot[s], fd, __ATOMIC_SEQ_CST);
	if (old >= 0)
		close(old);
	return err;
}

struct op {
	const char *name;
	int (*fn)(struct rng *r, int fd);
	unsigned int weight;
};

static int op_fork(struct rng *r, int fd);

static const struct op ops[] = {
	{ "VHOST_SET_OWNER/RESET_OWNER", op_owner, 4 },
	{ "VHOST_SET_FEATURES", op_features, 6 },
	{ "VHOST_GET_FEATURES/BACKEND_FEATURES", op_get_features, 2 },
	{ "VHOST_SET_BACKEND_FEATURES", op_backend_features, 1 },
	{ "VHOST_SET_MEM_TABLE", op_mem_table, 8 },
	{ "VHOST_SET_LOG_BASE", op_log_base, 3 },
	{ "VHOST_SET_LOG_FD", op_log_fd, 2 },
	{ "VHOST_SET_VRING_NUM", op_num, 4 },
	{ "VHOST_SET_VRING_BASE", op_base, 4 },
	{ "VHOST_GET_VRING_BASE", op_get_base, 3 },
	{ "VHOST_SET_VRING_ADDR", op_addr, 6 },
	{ "VHOST_SET_VRING_KICK/CALL/ERR", op_vring_file, 6 },
	{ "VHOST_NET_SET_BACKEND", op_backend, 8 },
	{ "VHOST_{SET,GET}_VRING_BUSYLOOP_TIMEOUT", op_busyloop, 2 },
	{ "VHOST_{SET,GET}_VRING_ENDIAN", op_endian, 1 },
	{ "VHOST_*_WORKER", op_worker, 2 },
	{ "unknown vhost ioctl", op_unknown, 2 },
	{ "setup: owner, features, memory, rings, backend", op_setup, 6 },
	{ "close and reopen", op_reopen, 3 },
	{ "fork: a child uses the files", op_fork, 1 },
};

static const struct op *pick_op(struct rng *r)
{
	unsigned int total = 0, i, x;

	for (i = 0; i < ARRAY_SIZE(ops); i++)
		total += ops[i].weight;
	x = rng_below(r, total);
	for (i = 0; x >= ops[i].weight; i++)
		x -= ops[i].weight;
	return &ops[i];
}

static int slot_fd(struct rng *r)
{
	return __atomic_load_n(&env.slot[rng_below(r, NSLOTS)], __ATOMIC_RELAXED);
}

/*
 * A child that inherits every file: its calls come from another mm (so
 * mostly EPERM), it may become the owner of an unowned file, and it may
 * close files the parent still uses, or outlive the parent's copy.
 */
static int op_fork(struct rng *r, int fd)
{
	uint64_t seed = rng_u64(r);
	pid_t pid;

	(void)fd;
	pid = fork();
	if (pid < 0)
		return errno;
	if (pid == 0) {
		struct rng c;
		unsigned int i, n;

		rng_seed(&c, seed, 0);
		n = 1 + rng_below(&c, 20);
		for (i = 0; i < n; i++) {
			const struct op *o = pick_op(&c);

			if (o->fn != op_fork && o->fn != op_reopen && o->fn != op_setup)
				o->fn(&c, slot_fd(&c));
		}
		if (rng_chance(&c, 2))
			usleep(rng_below(&c, 200000));
		_exit(0);
	}
	return 0;
}

static void *ioctl_thread(void *arg)
{
	unsigned long n = 0;
	struct rng r;

	rng_seed(&r, opt.seed, (uintptr_t)arg);
	while (fz_time_left()) {
		const struct op *o = pick_op(&r);
		int fd = slot_fd(&r), err = o->fn(&r, fd);

		fz_trace("thread %lu op %lu: %s on fd %d: %s", (unsigned long)(uintptr_t)arg, n,
			 o->name, fd, err ? strerrorname_np(err) : "ok");
		stat_call(o->name, err);
		n++;
		if (rng_chance(&r, 4))
			usleep(rng_below(&r, 1000));
		while (waitpid(-1, NULL, WNOHANG) > 0)
			stat_add("children reaped", 1);
	}
	return NULL;
}

int fuzz_ioctl(void)
{
	pthread_t t[16], mem, traffic;
	unsigned int i, n = opt.threads ? opt.threads : 2;
	struct rng r;

	if (n > ARRAY_SIZE(t))
		n = ARRAY_SIZE(t);
	env_init();
	rng_seed(&r, opt.seed, 0);
	for (i = 0; i < NSLOTS; i++)
		op_reopen(&r, -1);
	pthread_create(&mem, NULL, env_mem_thread, (void *)100);
	pthread_create(&traffic, NULL, env_traffic_thread, (void *)101);
	for (i = 0; i < n; i++)
		pthread_create(&t[i], NULL, ioctl_thread, (void *)(uintptr_t)(i + 1));
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	env.running = false;
	pthread_join(mem, NULL);
	pthread_join(traffic, NULL);
	env_fini();
	while (wait(NULL) > 0)
		stat_add("children reaped", 1);
	return 0;
}
