/* SPDX-License-Identifier: GPL-2.0 */
/* vnet-guest: what its files share. */
#ifndef VNET_GUEST_H
#define VNET_GUEST_H

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

struct options {
	const char *dev, *tap, *tap_dev, *peer, *bench, *hostile, *sink;
	bool packed, mrg, hdr_by_dev, reattach, dirty_log, reset_owner;
	unsigned int count, size, num, rx_buf, seconds, queues, hold, busy_poll;
	int sndbuf;	/* the taps' send buffer (TUNSETSNDBUF), as a VMM sets it */
	/* --bench tx: where the frames go, and from which MAC (dst_mac set). */
	uint8_t dst_mac[6], src_mac[6];
	bool dst_mac_set;
	int cpu;	/* --bench: the guest and its workers on this CPU; -1: split */
};

extern struct options opt;
extern uint8_t *mem;
extern unsigned long tx_frames, tx_bytes;	/* handed to the device */
extern uint8_t *dirty;		/* the dirty-page bitmap, with --dirty-log */
extern uint64_t features;	/* acked */
extern int pktfd, ifindex, tests, failures;

void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void result(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
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

extern struct qp qps[MAX_QP];

/* main.c */
double now(void);
bool wait_fd(int fd, int ms);

/* ring.c */
void *gpa_ptr(uint64_t gpa);
void vq_init(struct vq *q, const struct qp *p, unsigned int idx);
void vq_setup(int devfd, struct vq *q, uint32_t base);
uint32_t initial_base(void);
int vq_add_flags(struct vq *q, const uint64_t *addr, const uint32_t *len,
		 unsigned int n, const uint16_t *extra);
int vq_add(struct vq *q, const uint64_t *addr, const uint32_t *len,
	   unsigned int n, bool write);
int vq_used(struct vq *q, uint16_t *id, uint32_t *len);
unsigned int vq_free(struct vq *q);
uint16_t vq_next_id(struct vq *q);
void kick(struct vq *q);

/* frame.c */
void fill_frame(uint8_t *f, unsigned int size, unsigned int seq);
void swap_macs(uint8_t *f);
bool ours(const uint8_t *f, ssize_t n);
unsigned int frame_seq(const uint8_t *f);
unsigned int frame_size(unsigned int seq);
bool frame_ok(const uint8_t *f, unsigned int n, unsigned int seq);

/* device.c */
void setup(void);
void post_rx(struct qp *p);
void sink(void);
void fill_rx(struct qp *p);
void post_tx_buf(struct qp *p, unsigned int size);
void post_tx(struct qp *p, unsigned int seq, unsigned int size);
bool wait_rx_call(int ms);
void reattach(const char *phase);

/* traffic.c */
void test_tx(void);
void rx_buffer(struct qp *p, uint16_t id, uint32_t len, bool *seen,
	       unsigned int *got, unsigned int *bad, unsigned int *dup);
void test_rx(void);

/* dirty_log.c */
void test_dirty_log(void);

/* hostile.c */
void test_hostile(void);

/* bench.c */
void bench_tx(void);
void bench_rx(bool sender);

#endif
