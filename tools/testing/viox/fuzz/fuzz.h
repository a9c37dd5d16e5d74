/* SPDX-License-Identifier: GPL-2.0 */
/* viox-fuzz: what its files share. */
#ifndef VIOX_FUZZ_H
#define VIOX_FUZZ_H

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/vhost.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>
#include <linux/virtio_ring.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define FZ_PAGE		4096u
#define FZ_MEM_SIZE	(4u << 20)	/* guest memory of one device */
#define FZ_RING_AREA	0x10000u	/* per vq: desc, avail/driver, used/device */
#define FZ_AVAIL_OFF	0x4000u
#define FZ_USED_OFF	0x8000u
#define FZ_PEVENT_OFF	0x8000u		/* packed: driver event area */
#define FZ_PDEV_OFF	0x9000u		/* packed: device event area */
#define FZ_TABLES	0x20000u	/* indirect tables, 256 bytes each */
#define FZ_NTABLES	512u
#define FZ_BUFS		0x100000u	/* buffers, 2 KiB each */
#define FZ_BUF_SIZE	2048u
#define FZ_NBUFS	1024u
#define FZ_HDR_LEN	12u
#define FZ_MAX_RING	1024u

#define fz_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#define fz_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* prng.c: xoshiro256**, one state per thread so each replays from its seed. */
struct rng {
	uint64_t s[4];
};

void rng_seed(struct rng *r, uint64_t seed, uint64_t stream);
uint64_t rng_u64(struct rng *r);
uint32_t rng_below(struct rng *r, uint32_t n);
bool rng_chance(struct rng *r, uint32_t one_in);
uint64_t rng_pick64(struct rng *r, const uint64_t *v, unsigned int n);
void rng_fill(struct rng *r, void *p, size_t n);

/* stats.c: per-name call counts and errnos, printed at the end. */
void stat_call(const char *name, int err);
void stat_add(const char *name, unsigned long n);
unsigned long stat_get(const char *name);
unsigned long stat_total_calls(void);
void stat_print(void);

/* main.c */
struct options {
	uint64_t seed;
	unsigned int seconds, threads, trace;
	const char *dev;
};
extern struct options opt;
double fz_now(void);
bool fz_time_left(void);
void fz_trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fz_die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* guest.c: a device file with guest memory, rings and a tap behind it. */
struct fz_vq {
	unsigned int idx, num;
	uint64_t gpa;
	int kick, call, err;
};

struct fz_dev {
	int fd, tap, pkt;
	uint8_t *mem;
	uint64_t features;
	bool packed;
	struct fz_vq vq[2];	/* 0 RX, 1 TX */
	char tapname[IFNAMSIZ];
};

void *fz_gpa(struct fz_dev *d, uint64_t gpa);
uint64_t fz_offered(int fd);
int fz_set_mem(int fd, uint8_t *mem, unsigned int nregions);
int fz_vq_setup(struct fz_dev *d, struct fz_vq *q);
int fz_tap_open(const char *name, bool vnet_hdr);
int fz_pkt_open(const char *tap);
int fz_dev_open(struct fz_dev *d, uint8_t *mem, uint64_t features, unsigned int num,
		const char *tap);
int fz_set_backend(int fd, unsigned int idx, int backend);
void fz_dev_close(struct fz_dev *d);
void fz_kick(struct fz_vq *q);
bool fz_drain(int efd);
void fz_send_frame(int pkt, struct rng *r);

/*
 * env.c: what the ioctl fuzzer's threads share: device files in slots,
 * guest memory another thread unmaps and write-protects, odd file
 * descriptors to hand the device, and traffic on whatever is attached.
 */
#define NSLOTS		3
#define ENV_RINGS(s, i)	((uint64_t)FZ_RING_AREA * (2 * (s) + (i)))

struct env {
	int slot[NSLOTS];		/* /dev/viox-net files; -1: none */
	uint8_t *mem, *mem2;		/* guest memory, and a second mapping of it */
	uint8_t *log;			/* a dirty-log bitmap */
	uint8_t *guard;			/* a page followed by a PROT_NONE one */
	int kick[NSLOTS][2], call[NSLOTS][2];
	int tap[2], pkt;		/* taps with and without a vnet header */
	int fds[16];			/* odd descriptors for backends and eventfds */
	unsigned int nfds;
	pthread_rwlock_t mem_lock;	/* held for writing while memory is damaged */
	volatile bool running;
};

extern struct env env;
void env_init(void);
void env_fini(void);
int env_fd(struct rng *r);
void *env_mem_thread(void *arg);
void *env_traffic_thread(void *arg);

/* rings.c, ioctl.c: the fuzzers. */
int fuzz_rings(void);
int fuzz_ioctl(void);

#endif
