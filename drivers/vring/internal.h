/* SPDX-License-Identifier: GPL-2.0 */
/* What the files of the vring core share and the rest of viox need not see. */
#ifndef _VIOX_VRING_INTERNAL_H
#define _VIOX_VRING_INTERNAL_H

#include <kunit/visibility.h>
#include <linux/uaccess.h>
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
	/* A vhost_task forked from the owner, or a kthread for a vDPA device. */
	struct vhost_task *task;
	struct task_struct *kthread;
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
bool viox_worker_has_work(const struct viox_vq *vq);
void viox_worker_destroy(struct viox_dev *dev);

/*
 * Ring access for both kinds of vq: @off bytes into @area, through the
 * owner's addresses (vhost) or the kernel mapping of the area's pages
 * (vDPA). 16- and 32-bit fields the driver shares are read and written
 * once, as the user accessors do.
 */
static __always_inline void __user *ring_uarea(const struct viox_vq *vq,
					       enum viox_ring_area area)
{
	return area == VIOX_AREA_DESC ? vq->desc :
	       area == VIOX_AREA_DRIVER ? vq->avail : vq->used;
}

static __always_inline void *ring_karea(const struct viox_vq *vq,
					enum viox_ring_area area, size_t off)
{
	return vq->kring.map[area] + off;
}

static __always_inline int ring_read(struct viox_vq *vq,
				     enum viox_ring_area area, size_t off,
				     void *buf, size_t len)
{
	if (vq->kmem) {
		memcpy(buf, ring_karea(vq, area, off), len);
		return 0;
	}
	return copy_from_user(buf, ring_uarea(vq, area) + off, len) ? -EFAULT : 0;
}

static __always_inline int ring_write(struct viox_vq *vq,
				      enum viox_ring_area area, size_t off,
				      const void *buf, size_t len)
{
	if (vq->kmem) {
		memcpy(ring_karea(vq, area, off), buf, len);
		return 0;
	}
	return copy_to_user(ring_uarea(vq, area) + off, buf, len) ? -EFAULT : 0;
}

/* A 16- or 32-bit field (@size) at @off into @area, into @x. */
static __always_inline int ring_get(struct viox_vq *vq,
				    enum viox_ring_area area, size_t off,
				    void *x, size_t size)
{
	void __user *u = ring_uarea(vq, area) + off;
	void *k = ring_karea(vq, area, off);

	BUILD_BUG_ON(size != 2 && size != 4);
	if (vq->kmem) {
		if (size == 2)
			*(u16 *)x = READ_ONCE(*(u16 *)k);
		else
			*(u32 *)x = READ_ONCE(*(u32 *)k);
		return 0;
	}
	if (size == 2)
		return get_user(*(u16 *)x, (u16 __user *)u);
	return get_user(*(u32 *)x, (u32 __user *)u);
}

static __always_inline int ring_put(struct viox_vq *vq,
				    enum viox_ring_area area, size_t off,
				    const void *x, size_t size)
{
	void __user *u = ring_uarea(vq, area) + off;
	void *k = ring_karea(vq, area, off);

	BUILD_BUG_ON(size != 2 && size != 4);
	if (vq->kmem) {
		if (size == 2)
			WRITE_ONCE(*(u16 *)k, *(const u16 *)x);
		else
			WRITE_ONCE(*(u32 *)k, *(const u32 *)x);
		return 0;
	}
	if (size == 2)
		return put_user(*(const u16 *)x, (u16 __user *)u);
	return put_user(*(const u32 *)x, (u32 __user *)u);
}

/* kmem.c */
int viox_kmem_translate(struct vhost_iotlb *iotlb, u64 addr, u32 len,
			bool write, struct bio_vec *bvec, unsigned int max);

/* vq.c */
void viox_vq_init(struct viox_dev *dev, struct viox_vq *vq, unsigned int idx);
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
