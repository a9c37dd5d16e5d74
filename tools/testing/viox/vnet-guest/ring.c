// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's side of split and packed rings, and handing them to a device.
 */
#include "vnet-guest.h"

void *gpa_ptr(uint64_t gpa)
{
	return mem + gpa;
}

static uint64_t ring_gpa(const struct qp *p, unsigned int idx)
{
	return RING_AREA * (1 + p->n * 2 + idx);
}

/* The guest's side of a vq: empty rings, nothing in flight. */
void vq_init(struct vq *q, const struct qp *p, unsigned int idx)
{
	memset(q, 0, sizeof(*q));
	q->idx = idx;
	q->num = opt.num;
	q->gpa = ring_gpa(p, idx);
	q->avail_wrap = q->used_wrap = true;
	if (opt.packed) {
		q->pdesc = gpa_ptr(q->gpa);
	} else {
		q->desc = gpa_ptr(q->gpa);
		q->avail = gpa_ptr(q->gpa + 0x4000);
		q->used = gpa_ptr(q->gpa + 0x8000);
	}
	memset(gpa_ptr(q->gpa), 0, RING_AREA);
	q->kick = eventfd(0, EFD_NONBLOCK);
	q->call = eventfd(0, EFD_NONBLOCK);
	q->err = eventfd(0, EFD_NONBLOCK);
}

/* The device's side: hand it the vq, starting at @base. */
void vq_setup(int devfd, struct vq *q, uint32_t base)
{
	struct vhost_vring_state s = { q->idx, q->num };
	struct vhost_vring_addr a = { .index = q->idx };
	struct vhost_vring_file f = { .index = q->idx };

	if (ioctl(devfd, VHOST_SET_VRING_NUM, &s))
		die("VHOST_SET_VRING_NUM");
	s.num = base;
	if (ioctl(devfd, VHOST_SET_VRING_BASE, &s))
		die("VHOST_SET_VRING_BASE");
	a.desc_user_addr = (uintptr_t)gpa_ptr(q->gpa);
	if (opt.packed) {
		a.avail_user_addr = (uintptr_t)gpa_ptr(q->gpa + 0x8000);
		a.used_user_addr = (uintptr_t)gpa_ptr(q->gpa + 0x9000);
		a.log_guest_addr = q->gpa + 0x9000;
	} else {
		a.avail_user_addr = (uintptr_t)q->avail;
		a.used_user_addr = (uintptr_t)q->used;
		a.log_guest_addr = q->gpa + 0x8000;
	}
	if (opt.dirty_log)
		a.flags = 1 << VHOST_VRING_F_LOG;
	if (ioctl(devfd, VHOST_SET_VRING_ADDR, &a))
		die("VHOST_SET_VRING_ADDR");
	f.fd = q->kick;
	if (ioctl(devfd, VHOST_SET_VRING_KICK, &f))
		die("VHOST_SET_VRING_KICK");
	f.fd = q->call;
	if (ioctl(devfd, VHOST_SET_VRING_CALL, &f))
		die("VHOST_SET_VRING_CALL");
	f.fd = q->err;
	if (ioctl(devfd, VHOST_SET_VRING_ERR, &f))
		die("VHOST_SET_VRING_ERR");
	if (opt.busy_poll) {
		s.num = opt.busy_poll;
		if (ioctl(devfd, VHOST_SET_VRING_BUSYLOOP_TIMEOUT, &s))
			die("VHOST_SET_VRING_BUSYLOOP_TIMEOUT");
		s.num = 0;
		if (ioctl(devfd, VHOST_GET_VRING_BUSYLOOP_TIMEOUT, &s))
			die("VHOST_GET_VRING_BUSYLOOP_TIMEOUT");
		if (s.num != opt.busy_poll) {
			errno = EINVAL;
			die("busy-loop timeout reads back as %u, not %u", s.num, opt.busy_poll);
		}
	}
}

uint32_t initial_base(void)
{
	/* Packed: index 0 with the wrap counters set, for both halves. */
	return opt.packed ? 1u << 15 | (1u << 15) << 16 : 0;
}

/* Make a chain of n buffers available; returns its id. */
int vq_add_flags(struct vq *q, const uint64_t *addr, const uint32_t *len,
		 unsigned int n, const uint16_t *extra)
{
	uint16_t id = q->next_avail % q->num, i, head_flags = 0;
	unsigned int k;

	if (!opt.packed) {
		/* Descriptor slots are taken in order, one chain per ring slot. */
		for (k = 0; k < n; k++) {
			i = (id + k) % q->num;
			q->desc[i].addr = addr[k];
			q->desc[i].len = len[k];
			q->desc[i].flags = extra[k] | (k + 1 < n ? VRING_DESC_F_NEXT : 0);
			q->desc[i].next = (i + 1) % q->num;
		}
		q->ndesc[id] = n;
		q->avail->ring[q->free_head % q->num] = id;
		q->free_head++;
		wmb();
		q->avail->idx = q->free_head;
		q->next_avail += n;
		q->inflight += n;
		return id;
	}
	id = q->next_avail;
	for (k = 0; k < n; k++) {
		uint16_t flags = extra[k] | (k + 1 < n ? VRING_DESC_F_NEXT : 0) |
				 (q->avail_wrap ? 1 << VRING_PACKED_DESC_F_AVAIL
						: 1 << VRING_PACKED_DESC_F_USED);

		i = q->next_avail;
		q->pdesc[i].addr = addr[k];
		q->pdesc[i].len = len[k];
		q->pdesc[i].id = id;
		if (k)
			q->pdesc[i].flags = flags;
		else
			head_flags = flags;
		if (++q->next_avail == q->num) {
			q->next_avail = 0;
			q->avail_wrap = !q->avail_wrap;
		}
	}
	q->ndesc[id] = n;
	q->inflight += n;
	wmb();
	q->pdesc[id].flags = head_flags;
	return id;
}

int vq_add(struct vq *q, const uint64_t *addr, const uint32_t *len,
	   unsigned int n, bool write)
{
	uint16_t flags[4] = {};
	unsigned int k;

	for (k = 0; k < n; k++)
		flags[k] = write ? VRING_DESC_F_WRITE : 0;
	return vq_add_flags(q, addr, len, n, flags);
}

/* Next used buffer: 1 with id and len, 0 if none yet. */
int vq_used(struct vq *q, uint16_t *id, uint32_t *len)
{
	if (!opt.packed) {
		if (q->last_used == *(volatile uint16_t *)&q->used->idx)
			return 0;
		rmb();
		*id = q->used->ring[q->last_used % q->num].id;
		*len = q->used->ring[q->last_used % q->num].len;
		q->last_used++;
		q->inflight -= q->ndesc[*id];
		return 1;
	}
	{
		uint16_t f = *(volatile uint16_t *)&q->pdesc[q->last_used].flags;
		bool avail = f & 1 << VRING_PACKED_DESC_F_AVAIL;
		bool used = f & 1 << VRING_PACKED_DESC_F_USED;

		if (avail != q->used_wrap || used != q->used_wrap)
			return 0;
		rmb();
		*id = q->pdesc[q->last_used].id;
		*len = q->pdesc[q->last_used].len;
		q->last_used += q->ndesc[*id];
		q->inflight -= q->ndesc[*id];
		if (q->last_used >= q->num) {
			q->last_used -= q->num;
			q->used_wrap = !q->used_wrap;
		}
		return 1;
	}
}

unsigned int vq_free(struct vq *q)
{
	return q->num - q->inflight;
}

/* The id the next chain gets: buffers can be placed by it. */
uint16_t vq_next_id(struct vq *q)
{
	return q->next_avail % q->num;
}

void kick(struct vq *q)
{
	uint64_t one = 1;

	if (write(q->kick, &one, sizeof(one)) != sizeof(one))
		die("kick");
}
