// SPDX-License-Identifier: GPL-2.0
/*
 * The world the ioctl fuzzer's threads act in: device slots, guest memory
 * that one thread unmaps, write-protects and drops under the device while
 * another posts traffic on it, and file descriptors of every odd kind.
 */
#include <sys/epoll.h>
#include <sys/socket.h>

#include "fuzz.h"

struct env env;

static uint8_t *map(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	if (p == MAP_FAILED)
		fz_die("mmap");
	return p;
}

void env_init(void)
{
	int p[2], memfd, s, i, k;

	pthread_rwlock_init(&env.mem_lock, NULL);
	/* A memfd, so a second mapping aliases the same guest memory. */
	memfd = memfd_create("viox-fuzz-guest", 0);
	if (memfd < 0 || ftruncate(memfd, FZ_MEM_SIZE))
		fz_die("memfd");
	env.mem = mmap(NULL, FZ_MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	env.mem2 = mmap(NULL, FZ_MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	if (env.mem == MAP_FAILED || env.mem2 == MAP_FAILED)
		fz_die("mmap guest memory");
	env.log = map(FZ_PAGE);
	env.guard = map(2 * FZ_PAGE);
	mprotect(env.guard + FZ_PAGE, FZ_PAGE, PROT_NONE);
	for (s = 0; s < NSLOTS; s++) {
		env.slot[s] = -1;
		for (i = 0; i < 2; i++) {
			env.kick[s][i] = eventfd(0, EFD_NONBLOCK);
			env.call[s][i] = eventfd(0, EFD_NONBLOCK);
		}
	}
	env.tap[0] = fz_tap_open("fzi0", true);
	env.tap[1] = fz_tap_open("fzi1", false);
	env.pkt = fz_pkt_open("fzi0");
	if (env.tap[0] < 0 || env.tap[1] < 0)
		fz_die("tap");
	/* What a confused VMM might pass where a tap or an eventfd goes. */
	k = 0;
	env.fds[k++] = eventfd(0, 0);
	env.fds[k++] = eventfd(0, EFD_SEMAPHORE);
	if (pipe(p) == 0) {
		env.fds[k++] = p[0];
		env.fds[k++] = p[1];
	}
	env.fds[k++] = env.tap[0];
	env.fds[k++] = env.tap[1];
	env.fds[k++] = env.pkt;
	env.fds[k++] = socket(AF_PACKET, SOCK_DGRAM, 0);
	env.fds[k++] = socket(AF_INET, SOCK_DGRAM, 0);
	env.fds[k++] = socket(AF_UNIX, SOCK_STREAM, 0);
	env.fds[k++] = open("/dev/null", O_RDWR);
	env.fds[k++] = epoll_create1(0);
	env.fds[k++] = memfd;
	env.nfds = k;
	env.running = true;
}

void env_fini(void)
{
	unsigned int s;

	for (s = 0; s < NSLOTS; s++)
		if (env.slot[s] >= 0)
			close(env.slot[s]);
}

/*
 * A file descriptor to hand the device: one of the odd ones, a device
 * file (itself or another), a closed or never-opened number, or -1.
 */
int env_fd(struct rng *r)
{
	switch (rng_below(r, 8)) {
	case 0: return -1;
	case 1: return env.slot[rng_below(r, NSLOTS)];
	case 2: return 1000 + rng_below(r, 1000);	/* never opened */
	case 3: return rng_chance(r, 2) ? (int)rng_u64(r) : -2;
	case 4: {
		int fd = eventfd(0, 0);		/* closed before use */

		close(fd);
		return fd;
	}
	default: return env.fds[rng_below(r, env.nfds)];
	}
}

/*
 * Damage guest memory under the device, then repair it: unmap and map
 * again (fresh zeroed pages at the same address), write-protect, make
 * inaccessible, or drop the pages. Traffic waits meanwhile; the device,
 * which reads the memory from its worker, does not.
 */
void *env_mem_thread(void *arg)
{
	struct rng r;

	rng_seed(&r, opt.seed, (uintptr_t)arg);
	while (env.running && fz_time_left()) {
		uint8_t *base = rng_chance(&r, 4) ? env.log : env.mem;
		size_t span = base == env.log ? FZ_PAGE : FZ_MEM_SIZE;
		size_t off = base == env.log ? 0 : rng_below(&r, span / FZ_PAGE) * FZ_PAGE;
		size_t len = base == env.log ? FZ_PAGE :
			     FZ_PAGE * (1 + rng_below(&r, (span - off) / FZ_PAGE));
		unsigned int what = rng_below(&r, 4);
		static const char *const names[] = {
			"mem: munmap and map again", "mem: mprotect read-only",
			"mem: mprotect none", "mem: madvise dontneed",
		};

		pthread_rwlock_wrlock(&env.mem_lock);
		switch (what) {
		case 0:
			stat_call(names[what], munmap(base + off, len) ? errno : 0);
			break;
		case 1:
			stat_call(names[what], mprotect(base + off, len, PROT_READ) ? errno : 0);
			break;
		case 2:
			stat_call(names[what], mprotect(base + off, len, PROT_NONE) ? errno : 0);
			break;
		default:
			stat_call(names[what], madvise(base + off, len, MADV_DONTNEED) ? errno : 0);
			break;
		}
		usleep(1000 + rng_below(&r, 20000));
		if (what == 0) {
			/* Anonymous now: the device's translation must not care. */
			if (mmap(base + off, len, PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
				fz_die("mmap again");
		} else {
			mprotect(base + off, len, PROT_READ | PROT_WRITE);
		}
		pthread_rwlock_unlock(&env.mem_lock);
		usleep(rng_below(&r, 50000));
	}
	return NULL;
}

/* Sound split chains and kicks on every slot's rings, frames into the tap. */
void *env_traffic_thread(void *arg)
{
	static uint16_t idx[NSLOTS][2];
	unsigned int s, i;
	struct rng r;

	rng_seed(&r, opt.seed, (uintptr_t)arg);
	while (env.running && fz_time_left()) {
		s = rng_below(&r, NSLOTS);
		i = rng_below(&r, 2);
		pthread_rwlock_rdlock(&env.mem_lock);
		{
			uint8_t *ring = env.mem + ENV_RINGS(s, i);
			struct vring_desc *d = (void *)ring;
			struct vring_avail *a = (void *)(ring + FZ_AVAIL_OFF);
			struct vring_used *u = (void *)(ring + FZ_USED_OFF);
			unsigned int slot = idx[s][i] % 256;

			/* No further ahead than the ring the setup gives. */
			if ((uint16_t)(idx[s][i] - u->idx) >= 256 && !rng_chance(&r, 16)) {
				pthread_rwlock_unlock(&env.mem_lock);
				usleep(1000);
				continue;
			}
			d[slot].addr = FZ_BUFS + (uint64_t)slot * FZ_BUF_SIZE;
			d[slot].len = i ? FZ_HDR_LEN + 60 + rng_below(&r, 1400) : FZ_BUF_SIZE;
			d[slot].flags = i ? 0 : VRING_DESC_F_WRITE;
			a->ring[slot] = slot;
			fz_wmb();
			a->idx = ++idx[s][i];
		}
		pthread_rwlock_unlock(&env.mem_lock);
		stat_add("traffic: chains", 1);
		fz_kick(&(struct fz_vq){ .kick = env.kick[s][i] });
		fz_drain(env.call[s][i]);
		if (rng_chance(&r, 2))
			fz_send_frame(env.pkt, &r);
		usleep(rng_below(&r, 2000));
	}
	return NULL;
}
