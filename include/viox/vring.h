/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The viox vring core: what a backend (viox_net, viox_blk) builds on.
 *
 * A backend embeds a struct viox_dev and an array of struct viox_vq, hands
 * the vhost ioctls it does not handle itself to viox_dev_ioctl() and
 * viox_vring_ioctl(), and moves buffers with viox_vq_get_chain() and
 * viox_vq_add_used() from handlers that run on the vq's worker: the
 * device's vhost_task in the owner's mm, or a vDPA vq's own kthread. All of
 * a vq's handlers run on one worker; a vDPA backend may also return chains
 * from where its I/O completes, under a lock of its own. Split and packed
 * rings look the same from here. Every value read from a guest ring is validated; a malformed ring
 * breaks only its own vq.
 */
#ifndef _VIOX_VRING_H
#define _VIOX_VRING_H

#include <linux/bvec.h>
#include <linux/eventfd.h>
#include <linux/llist.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/u64_stats_sync.h>
#include <linux/uio.h>
#include <linux/vhost_types.h>
#include <uapi/linux/viox.h>

struct vhost_iotlb;
struct viox_dev;
struct viox_vq;
struct viox_work;

/* Most iovecs a single chain may translate into (vhost's limit too). */
#define VIOX_MAX_IOV		UIO_MAXIOV
/* Largest ring the core accepts: the virtio limit for both layouts. */
#define VIOX_MAX_RING_SIZE	32768U
/* Split avail ring entries read in one copy. */
#define VIOX_AVAIL_CACHE	64

typedef void (*viox_work_fn_t)(struct viox_work *work);

struct viox_work {
	struct llist_node node;
	unsigned long flags;
	viox_work_fn_t fn;
};

/* A guest-physical range the device wrote, for dirty-page logging. */
struct viox_log_range {
	u64 addr;
	u64 len;
};

/**
 * struct viox_chain - one available buffer, translated into segments
 * @iov: caller's array; readable (out) segments first, then writable (in):
 *	owner addresses on a vq whose memory is the owner's (vhost)
 * @bvec: the same as pages, on a vq whose memory is pages (vDPA)
 * @iov_max: capacity of @iov or @bvec
 * @log: caller's array for the writable ranges' guest addresses, or NULL
 * @log_max: capacity of @log
 * @id: what viox_vq_add_used() must echo: split head index or packed id
 * @ndesc: ring descriptors the chain occupied (packed rings need it back)
 * @out: readable iovecs
 * @in: writable iovecs
 * @out_len: bytes readable
 * @in_len: bytes writable
 * @nlog: entries filled in @log
 * @nbufs: descriptors with a buffer so far (the core's chain-length check)
 */
struct viox_chain {
	union {
		struct iovec *iov;
		struct bio_vec *bvec;
	};
	unsigned int iov_max;
	struct viox_log_range *log;
	unsigned int log_max;
	u16 id;
	u16 ndesc;
	unsigned int out;
	unsigned int in;
	u32 out_len;
	u32 in_len;
	unsigned int nlog;
	unsigned int nbufs;
};

/* A completed chain: its id, bytes written into it, descriptors it had. */
struct viox_used_elem {
	u32 id;
	u32 len;
	u16 ndesc;
};

/* Queues @work on the worker of @vq whenever a file signals @mask. */
struct viox_poll {
	wait_queue_entry_t wait;
	poll_table table;
	wait_queue_head_t *wqh;
	__poll_t mask;
	struct viox_work work;
	struct viox_vq *vq;
	/* Times the file signalled: counted on the signaller's side. */
	atomic64_t wakeups;
};

/* Per-vq counters; the vq's kicks are its kick poller's wakeups. */
enum viox_vq_stat {
	VIOX_VQ_PACKETS,
	VIOX_VQ_BYTES,
	VIOX_VQ_DROPS_TOO_BIG,
	VIOX_VQ_DROPS_ERROR,
	VIOX_VQ_INTERRUPTS,
	VIOX_VQ_RING_FULL,
	VIOX_VQ_BREAKS,
	VIOX_VQ_NR_STATS
};

/*
 * Read from anywhere. Each counter has one writer at a time: the vq's
 * worker, or for interrupts whoever holds the used side (see
 * viox_vq_add_used()); 64-bit kernels, the only ones viox builds for,
 * need no more than that.
 */
struct viox_vq_stats {
	struct u64_stats_sync syncp;
	u64_stats_t v[VIOX_VQ_NR_STATS];
};

struct viox_ring_ops;

/* A ring's three areas: split desc/avail/used, packed ring/driver/device. */
enum viox_ring_area {
	VIOX_AREA_DESC,
	VIOX_AREA_DRIVER,
	VIOX_AREA_DEVICE,
	VIOX_NR_AREAS
};

/**
 * struct viox_kring - a vq whose rings and buffers are pages (vDPA)
 * @iova: each area's address in the device's I/O address space
 * @map: each area mapped into the kernel, from viox_vq_map_rings()
 * @npages: pages of each area's mapping
 *
 * The pages stay the device's while mapped: its iotlb's owner keeps them
 * (drivers/blk/map.c holds a reference on each page a VMM maps).
 */
struct viox_kring {
	u64 iova[VIOX_NR_AREAS];
	void *map[VIOX_NR_AREAS];
	unsigned int npages[VIOX_NR_AREAS];
};

/**
 * struct viox_vq - one virtqueue
 *
 * Everything below @mutex is protected by it.
 */
struct viox_vq {
	struct viox_dev *dev;
	/*
	 * Its own worker (viox_dev_start_kthreads()), or NULL: the device's.
	 * Set and cleared only while no work of the vq can be queued.
	 */
	struct viox_worker *worker;
	/* Taken by handlers on the worker and by ioctls on the owner. */
	struct mutex mutex;
	unsigned int index;

	/* Set by the backend before viox_dev_init(). */
	viox_work_fn_t handle_kick;

	unsigned int num;
	const struct viox_ring_ops *ops;
	void __user *desc;
	void __user *avail;	/* split avail ring, packed driver area */
	void __user *used;	/* split used ring, packed device area */
	u64 log_guest_addr;	/* guest address of the used/device area */
	bool log_used;
	bool is_le;
	void __user *log_base;
	struct eventfd_ctx *log_ctx;

	/*
	 * Set for a vq whose memory is pages (vDPA): @umem then maps I/O
	 * addresses to physical ones, not guest to owner addresses.
	 */
	bool kmem;
	struct viox_kring kring;

	struct file *kick;
	struct eventfd_ctx *call_ctx;
	struct eventfd_ctx *error_ctx;
	/* A vDPA device's word that the vq broke (process context). */
	void (*break_fn)(struct viox_vq *vq);
	struct viox_poll poll;

	/* Ring position: free-running for split, index+wrap for packed. */
	u16 last_avail_idx;
	u16 avail_idx;
	u16 last_used_idx;
	bool avail_wrap;
	bool used_wrap;
	u16 used_flags;
	u16 signalled_used;	/* split: used index at the last signal */
	u16 used_since_signal;	/* packed: descriptors used since then */
	bool signalled_used_valid;
	bool broken;
	u32 busyloop_timeout;
	/*
	 * Split: avail ring entries already read, for the indexes from
	 * avail_cache_idx on; they cover only published ones, which the
	 * driver may not change until they are used.
	 */
	u16 avail_cache_idx;
	u16 avail_cache_len;
	__virtio16 avail_cache[VIOX_AVAIL_CACHE];

	u64 acked_features;
	struct vhost_iotlb *umem;
	/* The region that translated the last descriptor, tried first. */
	struct vhost_iotlb_map *umem_hit;
	void *private_data;

	/* Kept for the life of the open file, across RESET_OWNER. */
	struct viox_vq_stats stats;
};

struct viox_worker;

/**
 * struct viox_dev_class - what the core asks of a backend's devices
 * @type: reported over netlink
 * @vq_backend: what @vq moves data to (enum viox_backend); called without
 *	the vq's mutex, which a handler may hold across guest memory faults
 */
struct viox_dev_class {
	enum viox_dev_type type;
	u32 (*vq_backend)(struct viox_vq *vq);
};

/**
 * struct viox_dev - state shared by the vqs of one open device file
 * @name: prefix for log lines, set by the backend
 */
struct viox_dev {
	/* Serializes the device-wide ioctls; the backend takes it. */
	struct mutex mutex;
	const char *name;
	struct mm_struct *mm;
	/* The vhost_task of a device with an owner: its vqs' worker. */
	struct viox_worker *worker;
	struct viox_vq **vqs;
	unsigned int nvqs;
	struct vhost_iotlb *umem;
	void __user *log_base;
	struct eventfd_ctx *log_ctx;
	/* The owner's thread group, for netlink; under viox_devs_lock. */
	struct pid *owner;
	/*
	 * From viox_dev_register(): registry id, class, and the opener's
	 * network namespace and effective uid (the owner's once it has one),
	 * which decide who sees the device over netlink.
	 */
	u32 id;
	const struct viox_dev_class *cls;
	struct net *net;
	kuid_t uid;
};

void viox_dev_init(struct viox_dev *dev, const char *name,
		   struct viox_vq **vqs, unsigned int nvqs);
void viox_dev_cleanup(struct viox_dev *dev);
long viox_dev_check_owner(struct viox_dev *dev);
long viox_dev_reset_owner(struct viox_dev *dev);
long viox_dev_ioctl(struct viox_dev *dev, unsigned int ioctl,
		    void __user *argp);
long viox_vring_ioctl(struct viox_dev *dev, unsigned int ioctl,
		      void __user *argp);
int viox_dev_set_features(struct viox_dev *dev, u64 features);
int viox_dev_register(struct viox_dev *dev, const struct viox_dev_class *cls);
void viox_dev_unregister(struct viox_dev *dev);
unsigned int viox_devs_count(enum viox_dev_type type);
void viox_devs_sum(enum viox_dev_type type, unsigned int vq_index,
		   u64 sums[VIOX_VQ_NR_STATS], unsigned int *broken);
void viox_vq_stats_read(const struct viox_vq *vq, u64 v[VIOX_VQ_NR_STATS]);

bool viox_vq_work_queue(struct viox_vq *vq, struct viox_work *work);
int viox_dev_start_kthreads(struct viox_dev *dev, const char *name);
int viox_vq_worker_affinity(struct viox_vq *vq, const struct cpumask *mask);
void viox_dev_stop_worker(struct viox_dev *dev);
void viox_work_init(struct viox_work *work, viox_work_fn_t fn);
void viox_dev_flush(struct viox_dev *dev);
void viox_vq_flush(struct viox_vq *vq);

int viox_vq_start(struct viox_vq *vq);
void viox_poll_init(struct viox_poll *poll, viox_work_fn_t fn, __poll_t mask,
		    struct viox_vq *vq);
int viox_poll_start(struct viox_poll *poll, struct file *file);
void viox_poll_stop(struct viox_poll *poll);
void viox_poll_queue(struct viox_poll *poll);
int viox_vq_get_chain(struct viox_vq *vq, struct viox_chain *chain);
void viox_vq_unget_chain(struct viox_vq *vq, const struct viox_chain *chain);
int viox_vq_add_used(struct viox_vq *vq, const struct viox_used_elem *used,
		     unsigned int n);
bool viox_vq_need_signal(struct viox_vq *vq);
void viox_vq_signal(struct viox_vq *vq);
bool viox_vq_enable_notify(struct viox_vq *vq);
void viox_vq_disable_notify(struct viox_vq *vq);
bool viox_vq_avail_empty(struct viox_vq *vq);
bool viox_vq_busy_poll(struct viox_vq *vq,
		       bool (*ready)(struct viox_vq *vq, void *arg), void *arg);
void viox_vq_break(struct viox_vq *vq, const char *why);
/* For a vDPA transport, which sets a vq up through config ops. */
void viox_vq_reset(struct viox_vq *vq);
void viox_vq_set_features(struct viox_vq *vq, u64 features);
long viox_vq_set_num(struct viox_vq *vq, unsigned int num);
int viox_vq_set_base(struct viox_vq *vq, u32 base);
u32 viox_vq_get_base(struct viox_vq *vq);
void viox_vq_kick(struct viox_vq *vq);
int viox_vq_map_rings(struct viox_vq *vq);
void viox_vq_unmap_rings(struct viox_vq *vq);
int viox_kmem_read(struct vhost_iotlb *iotlb, u64 addr, void *buf,
		   size_t len);
int viox_vq_log_write(struct viox_vq *vq, const struct viox_log_range *log,
		      unsigned int nlog, u64 len);

/* Count @n of @stat, by its one writer (see struct viox_vq_stats). */
static inline void viox_vq_count(struct viox_vq *vq, enum viox_vq_stat stat,
				 u64 n)
{
	u64_stats_update_begin(&vq->stats.syncp);
	u64_stats_add(&vq->stats.v[stat], n);
	u64_stats_update_end(&vq->stats.syncp);
}

static inline struct viox_vq *viox_work_to_vq(struct viox_work *work)
{
	return container_of(work, struct viox_vq, poll.work);
}

static inline bool viox_vq_has_feature(const struct viox_vq *vq, int bit)
{
	return vq->acked_features & BIT_ULL(bit);
}

static inline bool viox_vq_logging(const struct viox_vq *vq)
{
	return viox_vq_has_feature(vq, VHOST_F_LOG_ALL);
}

#endif /* _VIOX_VRING_H */
