// SPDX-License-Identifier: GPL-2.0
/* The split virtqueue: descriptor table, avail ring, used ring. */
#include <linux/uaccess.h>
#include <linux/virtio_byteorder.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>

#include "internal.h"

static u16 to_u16(const struct viox_vq *vq, __virtio16 v)
{
	return __virtio16_to_cpu(vq->is_le, v);
}

static __virtio16 from_u16(const struct viox_vq *vq, u16 v)
{
	return __cpu_to_virtio16(vq->is_le, v);
}

/* Offsets into the driver (avail) and device (used) areas. */
#define AVAIL_IDX		offsetof(struct vring_avail, idx)
#define AVAIL_FLAGS		offsetof(struct vring_avail, flags)
#define AVAIL_SLOT(i)		offsetof(struct vring_avail, ring[i])
#define USED_IDX		offsetof(struct vring_used, idx)
#define USED_FLAGS		offsetof(struct vring_used, flags)
#define USED_SLOT(i)		offsetof(struct vring_used, ring[i])
/* used_event lives after the avail ring, avail_event after the used ring. */
#define USED_EVENT(vq)		AVAIL_SLOT((vq)->num)
#define AVAIL_EVENT(vq)		USED_SLOT((vq)->num)

static bool split_access_ok(struct viox_vq *vq)
{
	size_t n = vq->num;

	/* Pages were checked when they were mapped. */
	if (vq->kmem)
		return vq->kring.map[VIOX_AREA_DESC] &&
		       vq->kring.map[VIOX_AREA_DRIVER] &&
		       vq->kring.map[VIOX_AREA_DEVICE];
	return access_ok(vq->desc, n * sizeof(struct vring_desc)) &&
	       access_ok(vq->avail, struct_size_t(struct vring_avail, ring, n + 1)) &&
	       access_ok(vq->used, struct_size_t(struct vring_used, ring, n) +
			 sizeof(__virtio16));
}

static int put_used_u16(struct viox_vq *vq, size_t off, u16 v)
{
	__virtio16 x = from_u16(vq, v);

	if (ring_put(vq, VIOX_AREA_DEVICE, off, &x, sizeof(x)))
		return -EFAULT;
	return viox_log_used(vq, off, sizeof(__virtio16));
}

static int update_used_flags(struct viox_vq *vq)
{
	return put_used_u16(vq, USED_FLAGS, vq->used_flags);
}

static int split_start(struct viox_vq *vq)
{
	__virtio16 idx;
	int r;

	r = update_used_flags(vq);
	if (r)
		return r;
	if (ring_get(vq, VIOX_AREA_DEVICE, USED_IDX, &idx, sizeof(idx)))
		return -EFAULT;
	vq->last_used_idx = to_u16(vq, idx);
	vq->signalled_used_valid = false;
	vq->avail_cache_len = 0;
	return 0;
}

/* Refresh the cached avail index; fails if it moved further than possible. */
static int fetch_avail_idx(struct viox_vq *vq)
{
	__virtio16 idx;
	u16 n;

	if (ring_get(vq, VIOX_AREA_DRIVER, AVAIL_IDX, &idx, sizeof(idx))) {
		viox_vq_break(vq, "cannot read the avail index");
		return -EFAULT;
	}
	n = to_u16(vq, idx);
	if ((u16)(n - vq->last_avail_idx) > vq->num) {
		viox_vq_break(vq, "avail index moved by more than the ring size");
		return -EINVAL;
	}
	vq->avail_idx = n;
	/* Ring entries are read only after the index that covers them. */
	smp_rmb();
	return 0;
}

static int split_indirect(struct viox_vq *vq, struct viox_chain *chain,
			  const struct vring_desc *ind)
{
	u64 table = __virtio64_to_cpu(vq->is_le, ind->addr);
	unsigned int n, seen = 0, i = 0;
	struct vring_desc d;
	u16 flags;
	int r;

	r = viox_indirect_count(vq, __virtio32_to_cpu(vq->is_le, ind->len), &n);
	if (r)
		return r;
	for (;;) {
		if (++seen > n) {
			viox_vq_break(vq, "loop in an indirect table");
			return -EINVAL;
		}
		if (viox_read_guest(vq, table + (u64)i * sizeof(d), &d, sizeof(d))) {
			viox_vq_break(vq, "indirect table outside guest memory");
			return -EFAULT;
		}
		flags = to_u16(vq, d.flags);
		if (flags & VRING_DESC_F_INDIRECT) {
			viox_vq_break(vq, "nested indirect descriptor");
			return -EINVAL;
		}
		r = viox_chain_add(vq, chain, __virtio64_to_cpu(vq->is_le, d.addr),
				   __virtio32_to_cpu(vq->is_le, d.len),
				   flags & VRING_DESC_F_WRITE);
		if (r)
			return r;
		if (!(flags & VRING_DESC_F_NEXT))
			return 0;
		i = to_u16(vq, d.next);
		if (i >= n) {
			viox_vq_break(vq, "indirect next index out of range");
			return -EINVAL;
		}
	}
}

/*
 * One descriptor of the table, field by field with the user access
 * opened once: the hot read of every chain. Index i is below vq->num.
 */
static int read_desc(struct viox_vq *vq, unsigned int i, struct vring_desc *d)
{
	struct vring_desc __user *p = (struct vring_desc __user *)vq->desc + i;

	if (vq->kmem) {
		memcpy(d, ring_karea(vq, VIOX_AREA_DESC, i * sizeof(*d)), sizeof(*d));
		return 0;
	}
	if (!user_read_access_begin(p, sizeof(*p)))
		return -EFAULT;
	unsafe_get_user(d->addr, &p->addr, efault);
	unsafe_get_user(d->len, &p->len, efault);
	unsafe_get_user(d->flags, &p->flags, efault);
	unsafe_get_user(d->next, &p->next, efault);
	user_read_access_end();
	return 0;
efault:
	user_read_access_end();
	return -EFAULT;
}

/*
 * The head of the next chain, from a run of avail entries read together:
 * up to VIOX_AVAIL_CACHE, no further than the avail index covers nor past
 * the ring's end.
 */
static int read_avail_head(struct viox_vq *vq, u16 *head)
{
	u16 off = vq->last_avail_idx - vq->avail_cache_idx;
	unsigned int slot, n;

	if (off >= vq->avail_cache_len) {
		slot = vq->last_avail_idx & (vq->num - 1);
		n = min3((unsigned int)(u16)(vq->avail_idx - vq->last_avail_idx),
			 vq->num - slot, (unsigned int)VIOX_AVAIL_CACHE);
		vq->avail_cache_len = 0;
		if (ring_read(vq, VIOX_AREA_DRIVER, AVAIL_SLOT(slot),
			      vq->avail_cache, n * sizeof(vq->avail_cache[0])))
			return -EFAULT;
		vq->avail_cache_idx = vq->last_avail_idx;
		vq->avail_cache_len = n;
		off = 0;
	}
	*head = to_u16(vq, vq->avail_cache[off]);
	return 0;
}

static int split_get_chain(struct viox_vq *vq, struct viox_chain *chain)
{
	unsigned int count = 0, i;
	struct vring_desc d;
	u16 flags, head;
	int r;

	if (vq->last_avail_idx == vq->avail_idx) {
		r = fetch_avail_idx(vq);
		if (r)
			return r;
		if (vq->last_avail_idx == vq->avail_idx)
			return 0;
	}
	if (read_avail_head(vq, &head)) {
		viox_vq_break(vq, "cannot read the avail ring");
		return -EFAULT;
	}
	i = head;
	if (i >= vq->num) {
		viox_vq_break(vq, "head index out of range");
		return -EINVAL;
	}
	chain->id = i;
	viox_chain_reset(chain);
	for (;;) {
		if (++count > vq->num) {
			viox_vq_break(vq, "loop in the descriptor chain");
			return -EINVAL;
		}
		if (read_desc(vq, i, &d)) {
			viox_vq_break(vq, "cannot read the descriptor table");
			return -EFAULT;
		}
		flags = to_u16(vq, d.flags);
		if (flags & VRING_DESC_F_INDIRECT) {
			if (flags & VRING_DESC_F_NEXT) {
				viox_vq_break(vq, "indirect descriptor with next");
				return -EINVAL;
			}
			r = split_indirect(vq, chain, &d);
			if (r)
				return r;
			break;
		}
		r = viox_chain_add(vq, chain, __virtio64_to_cpu(vq->is_le, d.addr),
				   __virtio32_to_cpu(vq->is_le, d.len),
				   flags & VRING_DESC_F_WRITE);
		if (r)
			return r;
		if (!(flags & VRING_DESC_F_NEXT))
			break;
		i = to_u16(vq, d.next);
		if (i >= vq->num) {
			viox_vq_break(vq, "next index out of range");
			return -EINVAL;
		}
	}
	chain->ndesc = 1;
	vq->last_avail_idx++;
	return 1;
}

static void split_unget_chain(struct viox_vq *vq, const struct viox_chain *chain)
{
	vq->last_avail_idx--;
}

/* Entries staged on the stack per copy to the used ring. */
#define SPLIT_USED_CHUNK 16

static int split_add_used(struct viox_vq *vq, const struct viox_used_elem *used,
			  unsigned int n)
{
	struct vring_used_elem e[SPLIT_USED_CHUNK];
	u16 old = vq->last_used_idx, next = old + n;
	unsigned int k = 0, i, run, slot;
	int r;

	/* One copy per run of slots that neither wraps nor overflows e[]. */
	while (k < n) {
		slot = (u16)(old + k) & (vq->num - 1);
		run = min3(n - k, vq->num - slot, (unsigned int)SPLIT_USED_CHUNK);
		for (i = 0; i < run; i++) {
			e[i].id = __cpu_to_virtio32(vq->is_le, used[k + i].id);
			e[i].len = __cpu_to_virtio32(vq->is_le, used[k + i].len);
		}
		if (ring_write(vq, VIOX_AREA_DEVICE, USED_SLOT(slot), e,
			       run * sizeof(e[0]))) {
			viox_vq_break(vq, "cannot write the used ring");
			return -EFAULT;
		}
		r = viox_log_used(vq, USED_SLOT(slot),
				  run * sizeof(e[0]));
		if (r)
			return r;
		k += run;
	}
	/* The entries must be visible before the index that publishes them. */
	smp_wmb();
	r = put_used_u16(vq, USED_IDX, next);
	if (r) {
		viox_vq_break(vq, "cannot write the used index");
		return r;
	}
	vq->last_used_idx = next;
	/* After a long silence the used index may lap the one last signalled. */
	if ((u16)(next - vq->signalled_used) < (u16)(next - old))
		vq->signalled_used_valid = false;
	return 0;
}

static bool split_need_signal(struct viox_vq *vq)
{
	__virtio16 flags, event;
	u16 old, new;
	bool valid;

	/* The used index is published before the driver's wishes are read. */
	smp_mb();
	if (viox_vq_has_feature(vq, VIRTIO_F_NOTIFY_ON_EMPTY) &&
	    vq->avail_idx == vq->last_avail_idx)
		return true;
	if (!viox_vq_has_feature(vq, VIRTIO_RING_F_EVENT_IDX)) {
		if (ring_get(vq, VIOX_AREA_DRIVER, AVAIL_FLAGS, &flags, sizeof(flags)))
			return true;
		return !(to_u16(vq, flags) & VRING_AVAIL_F_NO_INTERRUPT);
	}
	old = vq->signalled_used;
	valid = vq->signalled_used_valid;
	new = vq->last_used_idx;
	vq->signalled_used = new;
	vq->signalled_used_valid = true;
	if (!valid)
		return true;
	if (ring_get(vq, VIOX_AREA_DRIVER, USED_EVENT(vq), &event, sizeof(event)))
		return true;
	return vring_need_event(to_u16(vq, event), new, old);
}

static bool split_avail_empty(struct viox_vq *vq)
{
	if (vq->avail_idx != vq->last_avail_idx)
		return false;
	if (fetch_avail_idx(vq))
		return false;
	return vq->avail_idx == vq->last_avail_idx;
}

static bool split_enable_notify(struct viox_vq *vq)
{
	int r;

	if (!(vq->used_flags & VRING_USED_F_NO_NOTIFY))
		return false;
	vq->used_flags &= ~VRING_USED_F_NO_NOTIFY;
	if (viox_vq_has_feature(vq, VIRTIO_RING_F_EVENT_IDX))
		r = put_used_u16(vq, AVAIL_EVENT(vq), vq->avail_idx);
	else
		r = update_used_flags(vq);
	if (r) {
		viox_vq_break(vq, "cannot write the used ring");
		return false;
	}
	/* Publish the wish before looking for buffers that raced with it. */
	smp_mb();
	return !split_avail_empty(vq);
}

static void split_disable_notify(struct viox_vq *vq)
{
	if (vq->used_flags & VRING_USED_F_NO_NOTIFY)
		return;
	vq->used_flags |= VRING_USED_F_NO_NOTIFY;
	if (!viox_vq_has_feature(vq, VIRTIO_RING_F_EVENT_IDX) &&
	    update_used_flags(vq))
		viox_vq_break(vq, "cannot write the used ring");
}

static int split_set_base(struct viox_vq *vq, u32 base)
{
	if (base > U16_MAX)
		return -EINVAL;
	vq->last_avail_idx = base;
	vq->avail_idx = base;
	vq->avail_cache_len = 0;
	return 0;
}

static u32 split_get_base(const struct viox_vq *vq)
{
	return vq->last_avail_idx;
}

const struct viox_ring_ops viox_split_ops = {
	.name = "split",
	.rings_ok = split_access_ok,
	.start = split_start,
	.get_chain = split_get_chain,
	.unget_chain = split_unget_chain,
	.add_used = split_add_used,
	.need_signal = split_need_signal,
	.enable_notify = split_enable_notify,
	.disable_notify = split_disable_notify,
	.avail_empty = split_avail_empty,
	.set_base = split_set_base,
	.get_base = split_get_base,
};
