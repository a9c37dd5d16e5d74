/* SPDX-License-Identifier: GPL-2.0 */
/*
 * viox_blk: a virtio-blk device on the vring core, offered as a vDPA
 * management device. virtio_vdpa makes it a host disk for the in-tree
 * virtio_blk, vhost_vdpa hands it to an unmodified QEMU.
 */
#ifndef _VIOX_BLK_H
#define _VIOX_BLK_H

#include <linux/fs.h>
#include <linux/llist.h>
#include <linux/hrtimer.h>
#include <linux/mutex.h>
#include <linux/u64_stats_sync.h>
#include <linux/irq_work.h>
#include <linux/vdpa.h>
#include <linux/vhost_iotlb.h>
#include <uapi/linux/virtio_blk.h>
#include <viox/vring.h>

#define VIOX_BLK_MAX_QUEUES	16
/* Largest ring offered; the driver may pick a smaller power of two. */
#define VIOX_BLK_RING_MAX	1024
/* Data segments per request (seg_max) and bytes per segment (size_max). */
#define VIOX_BLK_SEG_MAX	254
#define VIOX_BLK_SIZE_MAX	BIT(20)
/* Ranges per discard or write-zeroes request, and sectors per range. */
#define VIOX_BLK_DISCARD_SEG	16
#define VIOX_BLK_DISCARD_MAX	BIT(22)
/* Bytes of one discard or write-zeroes range. */
#define VIOX_BLK_RANGE_SIZE	sizeof(struct virtio_blk_discard_write_zeroes)
/* Requests of a vq on viox_blk_wq at once (flushes, the page cache). */
#define VIOX_BLK_BLOCKING_MAX	16
/* Chains taken from a ring per pass before the worker moves on. */
#define VIOX_BLK_BUDGET		64

/* I/O limits, [0] reads, [1] writes; 0: none. */
struct viox_blk_limits {
	u64 iops[2];
	u64 bps[2];
};

/* A device's limits and their buckets (qos.c), shared by its queues. */
struct viox_blk_qos {
	/* Charged from the vqs' workers, set from netlink. */
	spinlock_t lock;
	struct viox_blk_limits limits;
	bool on;
	u64 last;
	/* Time credit, ns: read IOPS, read bytes, write IOPS, write bytes. */
	s64 credit[4];
};

/**
 * struct viox_blk_backing - a backing store, set over netlink by name
 * @node: on viox_blk_backings
 * @name: the vDPA device name it is for
 * @path: as given
 * @file: opened by blk-new with the requester's credentials
 * @bdev: the block device, if @file is one
 * @read_only: the disk refuses writes (VIRTIO_BLK_F_RO)
 * @writethrough: the cache mode the disk starts in
 * @dio_pos_align: offsets and lengths of direct I/O (IOCB_DIRECT) are
 *	multiples of it; 0: no direct I/O (the page cache)
 * @dio_mem_align: and so are its memory addresses
 * @serial: GET_ID's answer, NUL-padded
 * @queues: request queues
 * @features: the virtio features the device may offer (0: all)
 * @capacity: 512-byte sectors
 * @lbs: logical block size
 * @pbs: physical block size
 * @discard: the store can deallocate (discard, write-zeroes with unmap)
 * @limits: the device's I/O limits
 * @blk: the device made of it, or NULL; under viox_blk_lock
 */
struct viox_blk_backing {
	struct list_head node;
	char name[32];
	char *path;
	struct file *file;
	struct block_device *bdev;
	bool read_only;
	bool writethrough;
	u32 dio_pos_align;
	u32 dio_mem_align;
	char serial[VIRTIO_BLK_ID_BYTES];
	u32 queues;
	u64 features;
	u64 capacity;
	u32 lbs;
	u32 pbs;
	bool discard;
	struct viox_blk_limits limits;
	struct viox_blk *blk;
};

/* A queue's requests, as the blk-stats netlink attributes count them. */
enum viox_blk_stat {
	VIOX_BLK_READS,
	VIOX_BLK_WRITES,
	VIOX_BLK_FLUSHES,
	VIOX_BLK_DISCARDS,
	VIOX_BLK_WRITE_ZEROES,
	VIOX_BLK_GET_IDS,
	VIOX_BLK_READ_BYTES,
	VIOX_BLK_WRITE_BYTES,
	VIOX_BLK_IOERR,
	VIOX_BLK_UNSUPP,
	VIOX_BLK_THROTTLED,
	VIOX_BLK_THROTTLED_NS,
	VIOX_BLK_NR_STATS
};

/*
 * Latency, taken to returned: bucket 0 under 2 us, bucket i from 2^i us,
 * the last from 2^19 us (half a second) up.
 */
#define VIOX_BLK_LAT_BUCKETS	20

/* Written under the queue's used_lock, read from anywhere. */
struct viox_blk_stats {
	struct u64_stats_sync syncp;
	u64_stats_t v[VIOX_BLK_NR_STATS];
	u64_stats_t lat[VIOX_BLK_LAT_BUCKETS];
};

struct viox_blk_vq {
	struct viox_vq vq;
	struct viox_blk *blk;
	/* Chains are translated here, then copied into their request. */
	struct bio_vec *bvec;
	bool ready;
	/* The CPUs virtio_vdpa's driver sends this vq's requests from. */
	cpumask_var_t affinity;
	/*
	 * The used side: what viox_vq_add_used() and viox_vq_need_signal()
	 * change, @cb and @stats. Direct reads and writes are returned from
	 * wherever they finish, hard irq included; the rest by the worker.
	 */
	spinlock_t used_lock;
	struct vdpa_callback cb;
	/* Calls @cb for completions in hard irq (see req_return_now()). */
	struct irq_work call_work;
	/* Requests the worker returns: blocking ones, and ones never sent. */
	struct llist_head done;
	struct viox_work done_work;
	atomic_t inflight;
	/* Under the vq mutex: requests on viox_blk_wq, and a chain waiting. */
	unsigned int blocking;
	bool throttled;
	/* Under the vq mutex: held back by the limits since (ns), or 0. */
	u64 qos_since;
	struct hrtimer qos_timer;
	struct viox_blk_stats stats;
};

/**
 * struct viox_blk - one vDPA block device
 * @vdpa: first, as vdpa_alloc_device() requires
 * @dev: the vring core's device: vqs and their workers
 * @iotlb: I/O addresses to physical ones; identity unless vhost_vdpa
 *	maps a VMM's memory (@iotlb_pt false)
 */
struct viox_blk {
	struct vdpa_device vdpa;
	struct viox_dev dev;
	struct viox_blk_backing *backing;
	/* Serializes the config ops; taken before any vq's mutex. */
	struct mutex lock;
	struct vhost_iotlb iotlb;
	bool iotlb_pt;
	u8 status;
	bool suspended;
	bool writethrough;
	struct viox_blk_qos qos;
	u64 offered;
	u64 features;
	u32 generation;
	unsigned int nvqs;
	struct virtio_blk_config config;
	struct viox_blk_vq vqs[VIOX_BLK_MAX_QUEUES];
	struct viox_vq *vq_ptrs[VIOX_BLK_MAX_QUEUES];
};

/* What requests are checked against (parse.c). */
struct viox_blk_disk {
	u64 capacity;
	u64 features;
	bool read_only;
};

/* What a request asks (parse.c): its type, first sector, data bytes. */
struct viox_blk_op {
	u32 type;
	u64 sector;
	size_t len;
};

/* main.c: the backing stores, by name; the queue for what blocks */
extern struct mutex viox_blk_lock;
extern struct workqueue_struct *viox_blk_wq;
extern struct list_head viox_blk_backings;
struct viox_blk_backing *viox_blk_backing_find(const char *name);

/* backing.c */
struct viox_blk_backing *viox_blk_backing_open(const char *name,
					       const char *path,
					       bool read_only,
					       struct netlink_ext_ack *extack);
void viox_blk_backing_free(struct viox_blk_backing *b);
u64 viox_blk_features(const struct viox_blk_backing *b);
void viox_blk_fill_config(const struct viox_blk_backing *b, bool writethrough,
			  struct virtio_blk_config *config);

/* map.c */
void viox_blk_map_clear(struct viox_blk *blk);
int viox_blk_map_identity(struct viox_blk *blk);
int viox_blk_map_copy(struct viox_blk *blk, struct vhost_iotlb *from);

/* vdpa.c */
extern const struct vdpa_config_ops viox_blk_vdpa_ops;
int viox_blk_dev_init(struct viox_blk *blk, struct viox_blk_backing *b);
void viox_blk_dev_stop(struct viox_blk *blk);
void viox_blk_set_limits(struct viox_blk *blk, const struct viox_blk_limits *l);

/* parse.c */
u8 viox_blk_parse(const struct viox_blk_disk *d,
		  const struct virtio_blk_outhdr *hdr, size_t out, size_t in,
		  unsigned int nbufs, struct viox_blk_op *op);
u8 viox_blk_range_check(const struct viox_blk_disk *d, u32 type,
			const struct virtio_blk_discard_write_zeroes *r);

/* qos.c */
void viox_blk_qos_init(struct viox_blk_qos *q);
void viox_blk_qos_set(struct viox_blk_qos *q, const struct viox_blk_limits *l,
		      u64 now);
u64 viox_blk_qos_charge(struct viox_blk_qos *q, u64 now, bool write, u64 bytes);

/* sysfs.c */
extern const struct attribute_group *viox_blk_groups[];

/* io.c */
void viox_blk_handle_kick(struct viox_work *work);
void viox_blk_handle_done(struct viox_work *work);
void viox_blk_drain(struct viox_blk_vq *bvq);
void viox_blk_call_work(struct irq_work *work);
void viox_blk_stats_read(struct viox_blk_vq *bvq, u64 v[VIOX_BLK_NR_STATS],
			 u64 lat[VIOX_BLK_LAT_BUCKETS]);
enum hrtimer_restart viox_blk_qos_timer(struct hrtimer *timer);

#endif /* _VIOX_BLK_H */
