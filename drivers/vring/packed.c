// SPDX-License-Identifier: GPL-2.0
/*
 * The packed virtqueue: one descriptor ring that the driver makes available
 * and the device marks used in place, with a wrap counter on each side and
 * event-suppression structures in the driver and device areas.
 */
#include <linux/uaccess.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>

#include "internal.h"

#define AVAIL_BIT	BIT(VRING_PACKED_DESC_F_AVAIL)
#define USED_BIT	BIT(VRING_PACKED_DESC_F_USED)
#define WRAP_BIT	BIT(VRING_PACKED_EVENT_F_WRAP_CTR)
/* The driver and device areas carry off_wrap and flags in one dword. */
#define EVENT(off_wrap, flags)	cpu_to_le32((u32)(off_wrap) | (u32)(flags) << 16)

static struct vring_packed_desc __user *ring(const struct viox_vq *vq)
{
	return vq->desc;
}

static bool desc_is_avail(u16 flags, bool wrap)
{
	return !!(flags & AVAIL_BIT) == wrap && !!(flags & USED_BIT) != wrap;
}

/* Where descriptor @i's field @f lies in the ring. */
#define DESC_OFF(i, f)	((size_t)(i) * sizeof(struct vring_packed_desc) + \
			 offsetof(struct vring_packed_desc, f))

static bool packed_access_ok(struct viox_vq *vq)
{
	/* Pages were checked when they were mapped. */
	if (vq->kmem)
		return vq->kring.map[VIOX_AREA_DESC] &&
		       vq->kring.map[VIOX_AREA_DRIVER] &&
		       vq->kring.map[VIOX_AREA_DEVICE];
	return access_ok(vq->desc, vq->num * sizeof(struct vring_packed_desc)) &&
	       IS_ALIGNED((unsigned long)vq->avail, 4) &&
	       access_ok(vq->avail, sizeof(struct vring_packed_desc_event)) &&
	       access_ok(vq->used, sizeof(struct vring_packed_desc_event));
}

/*
 * Used descriptors are written in the ring itself, which QEMU gives by owner
 * address only: log descriptor @idx at the guest address of that owner
 * range. One at a time, since the ring may span memory regions.
 */
static int log_desc(struct viox_vq *vq, unsigned int idx)
{
	u64 uaddr = (unsigned long)(ring(vq) + idx), gpa;

	if (viox_umem_uaddr_to_gpa(vq->umem, uaddr,
				   sizeof(struct vring_packed_desc), &gpa)) {
		viox_vq_break(vq, "descriptor ring outside guest memory");
		return -EFAULT;
	}
	return viox_log_gpa(vq, gpa, sizeof(struct vring_packed_desc));
}

static int write_device_event(struct viox_vq *vq, __le32 ev)
{
	if (ring_put(vq, VIOX_AREA_DEVICE, 0, &ev, sizeof(ev)))
		return -EFAULT;
	return viox_log_used(vq, 0, sizeof(ev));
}

static int packed_start(struct viox_vq *vq)
{
	/* The base may predate the ring size or the layout: check it now. */
	if (vq->last_avail_idx >= vq->num || vq->last_used_idx >= vq->num)
		return -EINVAL;
	vq->used_flags = 0;
	vq->signalled_used_valid = false;
	vq->used_since_signal = 0;
	return write_device_event(vq, EVENT(0, VRING_PACKED_EVENT_FLAG_ENABLE));
}

/*
 * Descriptor @i, field by field with the user access opened once: its
 * flags first, the rest only if it is available in lap @wrap, and only
 * after the flags that hand it over. Returns 1, 0 if not available, or
 * -EFAULT with the vq broken.
 */
static int read_desc(struct viox_vq *vq, unsigned int i, bool wrap,
		     struct vring_packed_desc *d)
{
	struct vring_packed_desc __user *p = ring(vq) + i;

	if (vq->kmem) {
		struct vring_packed_desc *k = ring_karea(vq, VIOX_AREA_DESC,
							 DESC_OFF(i, addr));

		d->flags = READ_ONCE(k->flags);
		if (!desc_is_avail(le16_to_cpu(d->flags), wrap))
			return 0;
		/* Flags before the fields they hand over. */
		smp_rmb();
		d->addr = READ_ONCE(k->addr);
		d->len = READ_ONCE(k->len);
		d->id = READ_ONCE(k->id);
		return 1;
	}
	if (!user_read_access_begin(p, sizeof(*p)))
		goto fault;
	unsafe_get_user(d->flags, &p->flags, efault);
	if (!desc_is_avail(le16_to_cpu(d->flags), wrap)) {
		user_read_access_end();
		return 0;
	}
	/* Flags before the fields they hand over. */
	smp_rmb();
	unsafe_get_user(d->addr, &p->addr, efault);
	unsafe_get_user(d->len, &p->len, efault);
	unsafe_get_user(d->id, &p->id, efault);
	user_read_access_end();
	return 1;
efault:
	user_read_access_end();
fault:
	viox_vq_break(vq, "cannot read the descriptor ring");
	return -EFAULT;
}

static int packed_indirect(struct viox_vq *vq, struct viox_chain *chain,
			   const struct vring_packed_desc *ind)
{
	u64 table = le64_to_cpu(ind->addr);
	struct vring_packed_desc d;
	unsigned int n, i;
	u16 flags;
	int r;

	r = viox_indirect_count(vq, le32_to_cpu(ind->len), &n);
	if (r)
		return r;
	/* Entries are consecutive; their NEXT flags mean nothing. */
	for (i = 0; i < n; i++) {
		if (viox_read_guest(vq, table + (u64)i * sizeof(d), &d, sizeof(d))) {
			viox_vq_break(vq, "indirect table outside guest memory");
			return -EFAULT;
		}
		flags = le16_to_cpu(d.flags);
		if (flags & VRING_DESC_F_INDIRECT) {
			viox_vq_break(vq, "nested indirect descriptor");
			return -EINVAL;
		}
		r = viox_chain_add(vq, chain, le64_to_cpu(d.addr),
				   le32_to_cpu(d.len), flags & VRING_DESC_F_WRITE);
		if (r)
			return r;
	}
	return 0;
}

static int packed_get_chain(struct viox_vq *vq, struct viox_chain *chain)
{
	unsigned int i = vq->last_avail_idx, count = 0;
	bool wrap = vq->avail_wrap;
	struct vring_packed_desc d;
	u16 flags;
	int r;

	viox_chain_reset(chain);
	for (;;) {
		if (++count > vq->num) {
			viox_vq_break(vq, "chain longer than the ring");
			return -EINVAL;
		}
		/* The rest of the chain is read only after the head's flags. */
		r = read_desc(vq, i, wrap, &d);
		if (r < 0)
			return r;
		if (!r && count == 1)
			return 0;
		if (!r) {
			viox_vq_break(vq, "chain runs into a descriptor that is not available");
			return -EINVAL;
		}
		flags = le16_to_cpu(d.flags);
		if (flags & VRING_DESC_F_INDIRECT) {
			if (flags & VRING_DESC_F_NEXT) {
				viox_vq_break(vq, "indirect descriptor with next");
				return -EINVAL;
			}
			r = packed_indirect(vq, chain, &d);
		} else {
			r = viox_chain_add(vq, chain, le64_to_cpu(d.addr),
					   le32_to_cpu(d.len),
					   flags & VRING_DESC_F_WRITE);
		}
		if (r)
			return r;
		if (++i == vq->num) {
			i = 0;
			wrap = !wrap;
		}
		if (!(flags & VRING_DESC_F_NEXT))
			break;
	}
	/* The buffer id is the one in the chain's last descriptor. */
	chain->id = le16_to_cpu(d.id);
	chain->ndesc = count;
	vq->last_avail_idx = i;
	vq->avail_wrap = wrap;
	return 1;
}

static void packed_unget_chain(struct viox_vq *vq, const struct viox_chain *chain)
{
	if (vq->last_avail_idx < chain->ndesc) {
		vq->last_avail_idx += vq->num;
		vq->avail_wrap = !vq->avail_wrap;
	}
	vq->last_avail_idx -= chain->ndesc;
}

/*
 * Mark descriptor @i used for @e: id and len, then @flags if @set_flags
 * (not for the batch's first, whose flags the caller writes last).
 */
static int put_used_desc(struct viox_vq *vq, unsigned int i,
			 const struct viox_used_elem *e, __le16 flags,
			 bool set_flags)
{
	struct vring_packed_desc __user *d = ring(vq) + i;

	if (vq->kmem) {
		struct vring_packed_desc *k = ring_karea(vq, VIOX_AREA_DESC,
							 DESC_OFF(i, addr));

		WRITE_ONCE(k->id, cpu_to_le16(e->id));
		WRITE_ONCE(k->len, cpu_to_le32(e->len));
		if (set_flags) {
			/* id and len before the flags that hand them over. */
			smp_wmb();
			WRITE_ONCE(k->flags, flags);
		}
		return 0;
	}
	if (!user_write_access_begin(d, sizeof(*d)))
		return -EFAULT;
	unsafe_put_user(cpu_to_le16(e->id), &d->id, efault);
	unsafe_put_user(cpu_to_le32(e->len), &d->len, efault);
	if (set_flags) {
		/* id and len before the flags that hand them over. */
		smp_wmb();
		unsafe_put_user(flags, &d->flags, efault);
	}
	user_write_access_end();
	return 0;
efault:
	user_write_access_end();
	return -EFAULT;
}

static int packed_add_used(struct viox_vq *vq, const struct viox_used_elem *used,
			   unsigned int n)
{
	unsigned int k, i = vq->last_used_idx, first = i, added = 0;
	bool wrap = vq->used_wrap;
	__le16 first_flags = 0;

	for (k = 0; k < n; k++) {
		u16 flags = wrap ? AVAIL_BIT | USED_BIT : 0;

		if (used[k].len)
			flags |= VRING_DESC_F_WRITE;
		/*
		 * The first element's flags go last: the driver reads nothing
		 * past it until they flip, so the batch appears at once.
		 */
		if (!k)
			first_flags = cpu_to_le16(flags);
		if (put_used_desc(vq, i, &used[k], cpu_to_le16(flags), k))
			goto fault;
		added += used[k].ndesc;
		i += used[k].ndesc;
		if (i >= vq->num) {
			i -= vq->num;
			wrap = !wrap;
		}
	}
	if (n) {
		/* The whole batch before the flags that expose it. */
		smp_wmb();
		if (ring_put(vq, VIOX_AREA_DESC, DESC_OFF(first, flags),
			     &first_flags, sizeof(first_flags)))
			goto fault;
	}
	vq->used_since_signal += added;
	vq->last_used_idx = i;
	vq->used_wrap = wrap;
	if (!vq->log_used || !viox_vq_logging(vq))
		return 0;
	/* Logged once final: a page the VMM copied early is not copied again. */
	for (k = 0, i = first; k < n; k++) {
		if (log_desc(vq, i))
			return -EFAULT;
		i += used[k].ndesc;
		if (i >= vq->num)
			i -= vq->num;
	}
	return 0;
fault:
	viox_vq_break(vq, "cannot write the descriptor ring");
	return -EFAULT;
}

static bool packed_need_signal(struct viox_vq *vq)
{
	u16 new = vq->last_used_idx, old = new - vq->used_since_signal;
	u16 off_wrap, flags, event;
	__le32 ev;

	vq->used_since_signal = 0;
	/* The used flags are published before the driver's wishes are read. */
	smp_mb();
	if (ring_get(vq, VIOX_AREA_DRIVER, 0, &ev, sizeof(ev)))
		return true;
	off_wrap = le32_to_cpu(ev) & 0xffff;
	flags = le32_to_cpu(ev) >> 16;
	if (flags == VRING_PACKED_EVENT_FLAG_DISABLE)
		return false;
	if (flags != VRING_PACKED_EVENT_FLAG_DESC ||
	    !viox_vq_has_feature(vq, VIRTIO_RING_F_EVENT_IDX))
		return true;
	event = off_wrap & ~WRAP_BIT;
	/* An event index from the previous lap lies num entries back. */
	if (!!(off_wrap & WRAP_BIT) != vq->used_wrap)
		event -= vq->num;
	return vring_need_event(event, new, old);
}

static bool packed_avail_empty(struct viox_vq *vq)
{
	__le16 flags;

	if (ring_get(vq, VIOX_AREA_DESC, DESC_OFF(vq->last_avail_idx, flags),
		     &flags, sizeof(flags)))
		return false;
	return !desc_is_avail(le16_to_cpu(flags), vq->avail_wrap);
}

static bool packed_enable_notify(struct viox_vq *vq)
{
	__le32 ev;

	if (!(vq->used_flags & VRING_USED_F_NO_NOTIFY))
		return false;
	vq->used_flags &= ~VRING_USED_F_NO_NOTIFY;
	if (viox_vq_has_feature(vq, VIRTIO_RING_F_EVENT_IDX))
		ev = EVENT(vq->last_avail_idx | (vq->avail_wrap ? WRAP_BIT : 0),
			   VRING_PACKED_EVENT_FLAG_DESC);
	else
		ev = EVENT(0, VRING_PACKED_EVENT_FLAG_ENABLE);
	if (write_device_event(vq, ev)) {
		viox_vq_break(vq, "cannot write the device area");
		return false;
	}
	/* Publish the wish before looking for buffers that raced with it. */
	smp_mb();
	return !packed_avail_empty(vq);
}

static void packed_disable_notify(struct viox_vq *vq)
{
	if (vq->used_flags & VRING_USED_F_NO_NOTIFY)
		return;
	vq->used_flags |= VRING_USED_F_NO_NOTIFY;
	if (write_device_event(vq, EVENT(0, VRING_PACKED_EVENT_FLAG_DISABLE)))
		viox_vq_break(vq, "cannot write the device area");
}

/*
 * The base is the avail index with its wrap counter in bit 15 in the low
 * half and the same for used in the high half, as vhost encodes it and
 * QEMU saves it. DPDK's virtio_user gives 0x8000 for a new ring, the low
 * half only: read literally that is a whole lap in flight on a ring that
 * has not started, so it is taken as the new ring it is. Ring sizes are
 * checked when the vq starts, as the size may come after the base.
 */
static int packed_set_base(struct viox_vq *vq, u32 base)
{
	u16 avail = base & 0xffff, used = base >> 16;

	if (base == WRAP_BIT)
		used = WRAP_BIT;
	vq->last_avail_idx = avail & ~WRAP_BIT;
	vq->avail_wrap = avail & WRAP_BIT;
	vq->last_used_idx = used & ~WRAP_BIT;
	vq->used_wrap = used & WRAP_BIT;
	return 0;
}

static u32 packed_get_base(const struct viox_vq *vq)
{
	u32 avail = vq->last_avail_idx | (vq->avail_wrap ? WRAP_BIT : 0);
	u32 used = vq->last_used_idx | (vq->used_wrap ? WRAP_BIT : 0);

	return avail | used << 16;
}

const struct viox_ring_ops viox_packed_ops = {
	.name = "packed",
	.rings_ok = packed_access_ok,
	.start = packed_start,
	.get_chain = packed_get_chain,
	.unget_chain = packed_unget_chain,
	.add_used = packed_add_used,
	.need_signal = packed_need_signal,
	.enable_notify = packed_enable_notify,
	.disable_notify = packed_disable_notify,
	.avail_empty = packed_avail_empty,
	.set_base = packed_set_base,
	.get_base = packed_get_base,
};
