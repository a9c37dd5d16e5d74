/* SPDX-License-Identifier: GPL-2.0 */
/* What the files of the vring core share and the rest of viox need not see. */
#ifndef _VIOX_VRING_INTERNAL_H
#define _VIOX_VRING_INTERNAL_H

#include <kunit/visibility.h>
#include <viox/vring.h>

struct vhost_memory_region;

/* One ring layout's way of reading and completing chains. */
struct viox_ring_ops {
	const char *name;
	/* Ring addresses and size are usable with the acked features. */
	bool (*rings_ok)(struct viox_vq *vq);
	/* Pick up ring state from the base and the rings as they are now. */
	int (*start)(struct viox_vq *vq);
	int (*get_chain)(struct viox_vq *vq, struct viox_chain *chain);
	void (*unget_chain)(struct viox_vq *vq, const struct viox_chain *chain);
	int (*add_used)(struct viox_vq *vq, const struct viox_used_elem *used,
			unsigned int n);
	/* Whether the driver wants an interrupt for what was just used. */
	bool (*need_signal)(struct viox_vq *vq);
	bool (*enable_notify)(struct viox_vq *vq);
	void (*disable_notify)(struct viox_vq *vq);
	bool (*avail_empty)(struct viox_vq *vq);
	/* VHOST_{SET,GET}_VRING_BASE encodings. */
	int (*set_base)(struct viox_vq *vq, u32 base);
	u32 (*get_base)(const struct viox_vq *vq);
};

extern const struct viox_ring_ops viox_split_ops;
extern const struct viox_ring_ops viox_packed_ops;

extern unsigned short viox_max_mem_regions;

/* memtable.c */
int viox_umem_build(const struct vhost_memory_region *regions,
		    unsigned int nregions, struct vhost_iotlb **umem);
int viox_umem_translate(struct vhost_iotlb *umem, u64 gpa, u64 len,
			struct iovec *iov, unsigned int iov_max);
int viox_umem_uaddr_to_gpa(struct vhost_iotlb *umem, u64 uaddr, u64 len,
			   u64 *gpa);
long viox_dev_set_mem_table(struct viox_dev *dev,
			    struct vhost_memory __user *m);

/* chain.c: descriptor checks common to both layouts */
void viox_chain_reset(struct viox_chain *chain);
int viox_chain_add(struct viox_vq *vq, struct viox_chain *chain,
		   u64 addr, u32 len, bool write);
int viox_read_guest(struct viox_vq *vq, u64 gpa, void *buf, size_t len);
int viox_indirect_count(struct viox_vq *vq, u32 len, unsigned int *count);

/* log.c */
int viox_log_gpa(struct viox_vq *vq, u64 gpa, u64 len);
int viox_log_used(struct viox_vq *vq, u64 offset, u64 len);
bool viox_log_range_ok(void __user *log_base, u64 gpa, u64 len);
bool viox_umem_log_ok(struct vhost_iotlb *umem, void __user *log_base);
bool viox_dev_logging(struct viox_dev *dev);

/* registry.c */
extern struct mutex viox_devs_lock;
struct viox_dev *viox_dev_find(u32 id);
struct viox_dev *viox_dev_next(unsigned long *id);
struct pid *viox_dev_swap_owner(struct viox_dev *dev, struct pid *owner);

/* worker.c; the worker is shown to the KUnit suites, which run batches. */
struct viox_worker {
	struct vhost_task *task;
	struct llist_head list;
	/* Orders queueing against the owner's death. */
	spinlock_t lock;
	bool killed;
	/* Work taken off @list in this batch and not run yet. */
	bool batch_left;
};

int viox_worker_create(struct viox_dev *dev);
#if IS_ENABLED(CONFIG_KUNIT)
bool viox_worker_run(void *data);
#endif
bool viox_worker_has_work(struct viox_dev *dev);
void viox_worker_destroy(struct viox_dev *dev);

/* vq.c */
void viox_vq_init(struct viox_dev *dev, struct viox_vq *vq, unsigned int idx);
void viox_vq_reset(struct viox_vq *vq);
void viox_vq_set_features(struct viox_vq *vq, u64 features);
long viox_vq_set_num(struct viox_vq *vq, unsigned int num);
long viox_vq_set_addr(struct viox_vq *vq, const struct vhost_vring_addr *a);
bool viox_vq_log_used_ok(const struct viox_vq *vq, void __user *log_base);

/* Longest a vq busy-polls, whatever timeout the owner set. */
#define VIOX_BUSYLOOP_MAX_US	1000U

#define vq_err(vq, fmt, ...) do {					\
	const struct viox_vq *__vq = (vq);					\
									\
	pr_warn_ratelimited("%s: vq %u: " fmt "\n", __vq->dev->name,	\
			    __vq->index, ##__VA_ARGS__);			\
} while (0)

#endif /* _VIOX_VRING_INTERNAL_H */
