// SPDX-License-Identifier: GPL-2.0
/*
 * Per-vq ioctls (VHOST_{SET,GET}_VRING_*), kick polling, and the entry
 * points backends call to move buffers, which dispatch to the ring layout.
 */
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/nospec.h>
#include <linux/sched/clock.h>
#include <linux/sched/signal.h>
#include <linux/uaccess.h>
#include <linux/vhost.h>
#include <linux/virtio_config.h>

#include "internal.h"

static int viox_poll_wakeup(wait_queue_entry_t *wait, unsigned int mode,
			    int sync, void *key)
{
	struct viox_poll *poll = container_of(wait, struct viox_poll, wait);

	if (key_to_poll(key) & poll->mask) {
		atomic64_inc(&poll->wakeups);
		viox_vq_work_queue(poll->vq, &poll->work);
	}
	return 0;
}

static void viox_poll_queue_proc(struct file *file, wait_queue_head_t *wqh,
				 poll_table *pt)
{
	struct viox_poll *poll = container_of(pt, struct viox_poll, table);

	poll->wqh = wqh;
	add_wait_queue(wqh, &poll->wait);
}

/**
 * viox_poll_init() - prepare a poller
 * @poll: the poller
 * @fn: the work to queue on @vq's worker
 * @mask: the events that queue it
 * @vq: the vq the work is for
 */
void viox_poll_init(struct viox_poll *poll, viox_work_fn_t fn, __poll_t mask,
		    struct viox_vq *vq)
{
	init_waitqueue_func_entry(&poll->wait, viox_poll_wakeup);
	init_poll_funcptr(&poll->table, viox_poll_queue_proc);
	poll->wqh = NULL;
	poll->mask = mask;
	poll->vq = vq;
	atomic64_set(&poll->wakeups, 0);
	viox_work_init(&poll->work, fn);
}
EXPORT_SYMBOL_GPL(viox_poll_init);

/**
 * viox_poll_start() - queue the poller's work whenever @file signals
 * @poll: the poller, not started
 * @file: what to poll
 *
 * Queues the work at once if @file already signals.
 *
 * Return: 0, or -EINVAL if @file reports an error.
 */
int viox_poll_start(struct viox_poll *poll, struct file *file)
{
	__poll_t mask;

	if (poll->wqh)
		return 0;
	mask = vfs_poll(file, &poll->table);
	if (mask & poll->mask) {
		atomic64_inc(&poll->wakeups);
		viox_vq_work_queue(poll->vq, &poll->work);
	}
	if (mask & EPOLLERR) {
		viox_poll_stop(poll);
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(viox_poll_start);

/**
 * viox_poll_stop() - stop polling
 * @poll: the poller
 *
 * After this returns no new work is queued by it; queued work may still run.
 */
void viox_poll_stop(struct viox_poll *poll)
{
	if (poll->wqh) {
		remove_wait_queue(poll->wqh, &poll->wait);
		poll->wqh = NULL;
	}
}
EXPORT_SYMBOL_GPL(viox_poll_stop);

/**
 * viox_poll_queue() - run the poller's work as if its file had signalled
 * @poll: the poller
 */
void viox_poll_queue(struct viox_poll *poll)
{
	viox_vq_work_queue(poll->vq, &poll->work);
}
EXPORT_SYMBOL_GPL(viox_poll_queue);

/* Kicks run the backend's handler; without one there is nothing to do. */
static int viox_vq_poll_start(struct viox_vq *vq)
{
	if (!vq->kick || !vq->handle_kick)
		return 0;
	return viox_poll_start(&vq->poll, vq->kick);
}

void viox_vq_init(struct viox_dev *dev, struct viox_vq *vq, unsigned int idx)
{
	vq->dev = dev;
	vq->index = idx;
	mutex_init(&vq->mutex);
	vq->kick = NULL;
	vq->call_ctx = NULL;
	vq->error_ctx = NULL;
	vq->log_ctx = NULL;
	vq->worker = NULL;
	viox_poll_init(&vq->poll, vq->handle_kick, EPOLLIN, vq);
	u64_stats_init(&vq->stats.syncp);
	memset(vq->stats.v, 0, sizeof(vq->stats.v));
	viox_vq_reset(vq);
}

/*
 * Back to the state of a freshly opened device; files are released first.
 * Whether the vq's memory is pages (kmem) is the backend's and stays.
 */
void viox_vq_reset(struct viox_vq *vq)
{
	vq->num = 0;
	vq->desc = NULL;
	vq->avail = NULL;
	vq->used = NULL;
	vq->log_guest_addr = 0;
	vq->log_used = false;
	vq->log_base = NULL;
	vq->last_avail_idx = 0;
	vq->avail_idx = 0;
	vq->last_used_idx = 0;
	vq->avail_wrap = true;
	vq->used_wrap = true;
	vq->used_flags = 0;
	vq->signalled_used = 0;
	vq->used_since_signal = 0;
	vq->signalled_used_valid = false;
	vq->broken = false;
	vq->busyloop_timeout = 0;
	vq->avail_cache_len = 0;
	vq->umem = NULL;
	vq->umem_hit = NULL;
	vq->private_data = NULL;
	viox_vq_unmap_rings(vq);
	memset(vq->kring.iova, 0, sizeof(vq->kring.iova));
	viox_vq_set_features(vq, 0);
}
EXPORT_SYMBOL_GPL(viox_vq_reset);

/* Features fix the ring layout and, for legacy devices, the byte order. */
void viox_vq_set_features(struct viox_vq *vq, u64 features)
{
	vq->acked_features = features;
	vq->ops = features & BIT_ULL(VIRTIO_F_RING_PACKED) ?
		  &viox_packed_ops : &viox_split_ops;
	vq->is_le = features & BIT_ULL(VIRTIO_F_VERSION_1) ||
		    virtio_legacy_is_little_endian();
}
EXPORT_SYMBOL_GPL(viox_vq_set_features);

/*
 * The bitmap covers the used ring's guest pages if @vq logs its used ring
 * at all: checked wherever the log base, the ring or LOG_ALL change.
 */
bool viox_vq_log_used_ok(const struct viox_vq *vq, void __user *log_base)
{
	return !vq->log_used ||
	       viox_log_range_ok(log_base, vq->log_guest_addr,
				 (u64)vq->num * 8 + 6);
}

long viox_vq_set_num(struct viox_vq *vq, unsigned int num)
{
	if (!num || num > VIOX_MAX_RING_SIZE || (num & (num - 1)))
		return -EINVAL;
	vq->num = num;
	vq->avail_cache_len = 0;
	return 0;
}
EXPORT_SYMBOL_GPL(viox_vq_set_num);

/**
 * viox_vq_set_base() - where a stopped vq resumes (VHOST_SET_VRING_BASE's
 * encoding for the negotiated layout)
 * @vq: the vq, mutex held, not running
 * @base: the position
 *
 * Return: 0 or -EINVAL.
 */
int viox_vq_set_base(struct viox_vq *vq, u32 base)
{
	int r = vq->ops->set_base(vq, base);

	if (!r)
		vq->broken = false;
	return r;
}
EXPORT_SYMBOL_GPL(viox_vq_set_base);

/**
 * viox_vq_get_base() - where a vq stands, in the same encoding
 * @vq: the vq, mutex held
 *
 * Return: the position.
 */
u32 viox_vq_get_base(struct viox_vq *vq)
{
	return vq->ops->get_base(vq);
}
EXPORT_SYMBOL_GPL(viox_vq_get_base);

long viox_vq_set_addr(struct viox_vq *vq, const struct vhost_vring_addr *a)
{
	struct viox_vq next;

	if (a->flags & ~(u32)BIT(VHOST_VRING_F_LOG))
		return -EOPNOTSUPP;
	if ((u64)(unsigned long)a->desc_user_addr != a->desc_user_addr ||
	    (u64)(unsigned long)a->avail_user_addr != a->avail_user_addr ||
	    (u64)(unsigned long)a->used_user_addr != a->used_user_addr)
		return -EFAULT;
	/* The strictest alignment either layout asks of each area. */
	if (!IS_ALIGNED(a->desc_user_addr, 16) ||
	    !IS_ALIGNED(a->avail_user_addr, 2) ||
	    !IS_ALIGNED(a->used_user_addr, 4) ||
	    !IS_ALIGNED(a->log_guest_addr, 4))
		return -EINVAL;

	next.desc = (void __user *)(unsigned long)a->desc_user_addr;
	next.avail = (void __user *)(unsigned long)a->avail_user_addr;
	next.used = (void __user *)(unsigned long)a->used_user_addr;
	next.num = vq->num;
	next.log_used = a->flags & BIT(VHOST_VRING_F_LOG);
	next.log_guest_addr = a->log_guest_addr;
	/* A running vq (QEMU turns logging on mid-flight) is checked now. */
	if (vq->private_data) {
		if (!vq->ops->rings_ok(&next))
			return -EINVAL;
		if (viox_vq_logging(vq) &&
		    !viox_vq_log_used_ok(&next, vq->log_base))
			return -EINVAL;
	}
	vq->desc = next.desc;
	vq->avail = next.avail;
	vq->used = next.used;
	vq->log_used = next.log_used;
	vq->log_guest_addr = next.log_guest_addr;
	/* Entries read from a ring that moved are not this ring's. */
	vq->avail_cache_len = 0;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(viox_vq_set_addr);

/* Swap an eventfd context; -1 clears it. */
static long set_eventfd(struct eventfd_ctx **slot, int fd)
{
	struct eventfd_ctx *ctx = NULL;

	if (fd != -1) {
		ctx = eventfd_ctx_fdget(fd);
		if (IS_ERR(ctx))
			return PTR_ERR(ctx);
	}
	swap(*slot, ctx);
	if (ctx)
		eventfd_ctx_put(ctx);
	return 0;
}

static long set_kick(struct viox_vq *vq, int fd)
{
	struct file *file = NULL;

	if (fd != -1) {
		file = eventfd_fget(fd);
		if (IS_ERR(file))
			return PTR_ERR(file);
	}
	viox_poll_stop(&vq->poll);
	swap(vq->kick, file);
	if (file)
		fput(file);
	return viox_vq_poll_start(vq);
}

/**
 * viox_vring_ioctl() - handle the VHOST_*_VRING_* ioctls
 * @dev: the device; the caller holds dev->mutex and is its owner
 * @ioctl: the command
 * @argp: its argument, in the owner's memory
 *
 * Return: 0, a negative errno, or -ENOIOCTLCMD if @ioctl is not a vring one.
 */
long viox_vring_ioctl(struct viox_dev *dev, unsigned int ioctl,
		      void __user *argp)
{
	struct vhost_vring_state s;
	struct vhost_vring_file f;
	struct vhost_vring_addr a;
	struct viox_vq *vq;
	u32 idx;
	long r;

	switch (ioctl) {
	case VHOST_SET_VRING_NUM:
	case VHOST_SET_VRING_BASE:
	case VHOST_GET_VRING_BASE:
	case VHOST_SET_VRING_ADDR:
	case VHOST_SET_VRING_KICK:
	case VHOST_SET_VRING_CALL:
	case VHOST_SET_VRING_ERR:
	case VHOST_SET_VRING_BUSYLOOP_TIMEOUT:
	case VHOST_GET_VRING_BUSYLOOP_TIMEOUT:
		break;
	default:
		return -ENOIOCTLCMD;
	}
	/* Every vring argument starts with the vq index. */
	if (get_user(idx, (u32 __user *)argp))
		return -EFAULT;
	if (idx >= dev->nvqs)
		return -ENOBUFS;
	vq = dev->vqs[array_index_nospec(idx, dev->nvqs)];

	mutex_lock(&vq->mutex);
	switch (ioctl) {
	case VHOST_SET_VRING_NUM:
	case VHOST_SET_VRING_BASE:
		/* Size and position are fixed while a backend runs the vq. */
		r = -EBUSY;
		if (vq->private_data)
			break;
		r = -EFAULT;
		if (copy_from_user(&s, argp, sizeof(s)))
			break;
		if (ioctl == VHOST_SET_VRING_NUM) {
			r = viox_vq_set_num(vq, s.num);
			break;
		}
		r = vq->ops->set_base(vq, s.num);
		if (!r)
			vq->broken = false;
		break;
	case VHOST_GET_VRING_BASE:
		s.index = idx;
		s.num = vq->ops->get_base(vq);
		r = copy_to_user(argp, &s, sizeof(s)) ? -EFAULT : 0;
		break;
	case VHOST_SET_VRING_ADDR:
		r = copy_from_user(&a, argp, sizeof(a)) ? -EFAULT :
		    viox_vq_set_addr(vq, &a);
		break;
	case VHOST_SET_VRING_KICK:
	case VHOST_SET_VRING_CALL:
	case VHOST_SET_VRING_ERR:
		if (copy_from_user(&f, argp, sizeof(f))) {
			r = -EFAULT;
			break;
		}
		if (ioctl == VHOST_SET_VRING_KICK)
			r = set_kick(vq, f.fd);
		else
			r = set_eventfd(ioctl == VHOST_SET_VRING_CALL ?
					&vq->call_ctx : &vq->error_ctx, f.fd);
		break;
	case VHOST_SET_VRING_BUSYLOOP_TIMEOUT:
		if (copy_from_user(&s, argp, sizeof(s))) {
			r = -EFAULT;
			break;
		}
		vq->busyloop_timeout = s.num;
		r = 0;
		break;
	default: /* VHOST_GET_VRING_BUSYLOOP_TIMEOUT */
		s.index = idx;
		s.num = vq->busyloop_timeout;
		r = copy_to_user(argp, &s, sizeof(s)) ? -EFAULT : 0;
		break;
	}
	mutex_unlock(&vq->mutex);
	return r;
}
EXPORT_SYMBOL_GPL(viox_vring_ioctl);

/**
 * viox_vq_start() - check a configured vq and read its ring state
 * @vq: the vq, mutex held, before the backend sets private_data
 *
 * Return: 0, -EINVAL if the vq is not configured, -EFAULT if its rings or
 * log are not accessible.
 */
int viox_vq_start(struct viox_vq *vq)
{
	if (!vq->num || (!vq->kmem && (!vq->desc || !vq->avail || !vq->used)))
		return -EINVAL;
	if (!vq->ops->rings_ok(vq))
		return -EFAULT;
	if (viox_vq_logging(vq) && !viox_vq_log_used_ok(vq, vq->log_base))
		return -EFAULT;
	vq->broken = false;
	return vq->ops->start(vq);
}
EXPORT_SYMBOL_GPL(viox_vq_start);

/**
 * viox_vq_break() - stop using a vq the guest made invalid
 * @vq: the vq, mutex held
 * @why: what was wrong, for the log
 *
 * The vq returns -EIO until its base is set again; the VMM hears of it on
 * the vq's error eventfd.
 */
void viox_vq_break(struct viox_vq *vq, const char *why)
{
	if (vq->broken)
		return;
	/* Read without the mutex where a kmem vq's used side is returned. */
	WRITE_ONCE(vq->broken, true);
	viox_vq_count(vq, VIOX_VQ_BREAKS, 1);
	vq_err(vq, "broken: %s", why);
	if (vq->error_ctx)
		eventfd_signal(vq->error_ctx);
	if (vq->break_fn)
		vq->break_fn(vq);
}
EXPORT_SYMBOL_GPL(viox_vq_break);

/**
 * viox_vq_get_chain() - take the next available buffer
 * @vq: the vq, mutex held, in the owner's mm
 * @chain: where to put it; the caller sets iov (bvec on a kmem vq),
 *	iov_max, log and log_max
 *
 * Return: 1 with @chain filled, 0 if the ring is empty, or a negative errno
 * if the ring is invalid (the vq is then broken).
 */
int viox_vq_get_chain(struct viox_vq *vq, struct viox_chain *chain)
{
	if (vq->broken)
		return -EIO;
	return vq->ops->get_chain(vq, chain);
}
EXPORT_SYMBOL_GPL(viox_vq_get_chain);

/**
 * viox_vq_unget_chain() - give back the chain taken last, unused
 * @vq: the vq, mutex held
 * @chain: that chain
 */
void viox_vq_unget_chain(struct viox_vq *vq, const struct viox_chain *chain)
{
	vq->ops->unget_chain(vq, chain);
}
EXPORT_SYMBOL_GPL(viox_vq_unget_chain);

/**
 * viox_vq_add_used() - return completed chains to the driver
 * @vq: the vq, its used side held: the mutex, in the owner's mm; or, on a
 *	kmem vq, whatever lock its backend returns chains under from any
 *	context: a kmem ring is written through its kernel mapping, which
 *	cannot fault, and has no dirty log, so nothing there breaks the vq
 * @used: the chains, in the order they complete
 * @n: how many
 *
 * Return: 0, or -EFAULT if the ring is not writable (the vq is then broken).
 */
int viox_vq_add_used(struct viox_vq *vq, const struct viox_used_elem *used,
		     unsigned int n)
{
	if (READ_ONCE(vq->broken))
		return -EIO;
	return vq->ops->add_used(vq, used, n);
}
EXPORT_SYMBOL_GPL(viox_vq_add_used);

/**
 * viox_vq_need_signal() - whether the driver asked to hear of the used
 * buffers added since it was last asked (event index, interrupt
 * suppression, notify-on-empty); if so, counted as an interrupt
 * @vq: the vq, its used side held as for viox_vq_add_used()
 *
 * For a backend that interrupts its driver itself (vDPA), after it lets
 * go of the used side.
 */
bool viox_vq_need_signal(struct viox_vq *vq)
{
	if (READ_ONCE(vq->broken) || !vq->ops->need_signal(vq))
		return false;
	viox_vq_count(vq, VIOX_VQ_INTERRUPTS, 1);
	return true;
}
EXPORT_SYMBOL_GPL(viox_vq_need_signal);

/**
 * viox_vq_signal() - signal the call eventfd if the driver asked to hear of
 * new used buffers
 * @vq: the vq, mutex held
 */
void viox_vq_signal(struct viox_vq *vq)
{
	if (vq->call_ctx && viox_vq_need_signal(vq))
		eventfd_signal(vq->call_ctx);
}
EXPORT_SYMBOL_GPL(viox_vq_signal);

/**
 * viox_vq_kick() - the driver made buffers available (a vDPA kick)
 * @vq: the vq; any context
 *
 * Counted as the vq's kicks, like an eventfd kick.
 */
void viox_vq_kick(struct viox_vq *vq)
{
	atomic64_inc(&vq->poll.wakeups);
	viox_vq_work_queue(vq, &vq->poll.work);
}
EXPORT_SYMBOL_GPL(viox_vq_kick);

/**
 * viox_vq_busy_poll() - spin for new work before sleeping on notifications
 * @vq: the vq, mutex held, on its worker
 * @ready: whether there is work now
 * @arg: passed to @ready
 *
 * Spins up to the vq's busy-loop timeout (VHOST_SET_VRING_BUSYLOOP_TIMEOUT,
 * microseconds; 0 turns it off), at most VIOX_BUSYLOOP_MAX_US, giving up
 * at once when the scheduler wants the CPU, the owner has a signal pending
 * or other work waits for the vq's worker: the vq's spin must not hold up
 * the other vqs that share it.
 *
 * Return: true if @ready became true.
 */
bool viox_vq_busy_poll(struct viox_vq *vq,
		       bool (*ready)(struct viox_vq *vq, void *arg), void *arg)
{
	u64 end;

	if (!vq->busyloop_timeout)
		return false;
	end = local_clock() +
	      (u64)min(vq->busyloop_timeout, VIOX_BUSYLOOP_MAX_US) * NSEC_PER_USEC;
	do {
		if (ready(vq, arg))
			return true;
		cpu_relax();
	} while (local_clock() < end && !need_resched() &&
		 !signal_pending(current) && !viox_worker_has_work(vq));
	return false;
}
EXPORT_SYMBOL_GPL(viox_vq_busy_poll);

/**
 * viox_vq_stats_read() - a consistent snapshot of a vq's counters
 * @vq: the vq; no lock needed
 * @v: where to put them
 */
void viox_vq_stats_read(const struct viox_vq *vq, u64 v[VIOX_VQ_NR_STATS])
{
	unsigned int start, i;

	do {
		start = u64_stats_fetch_begin(&vq->stats.syncp);
		for (i = 0; i < VIOX_VQ_NR_STATS; i++)
			v[i] = u64_stats_read(&vq->stats.v[i]);
	} while (u64_stats_fetch_retry(&vq->stats.syncp, start));
}
EXPORT_SYMBOL_GPL(viox_vq_stats_read);

/**
 * viox_vq_enable_notify() - ask the driver to kick for new buffers
 * @vq: the vq, mutex held
 *
 * Return: true if buffers arrived meanwhile: the caller should poll again.
 */
bool viox_vq_enable_notify(struct viox_vq *vq)
{
	return !vq->broken && vq->ops->enable_notify(vq);
}
EXPORT_SYMBOL_GPL(viox_vq_enable_notify);

/**
 * viox_vq_disable_notify() - tell the driver kicks are not needed now
 * @vq: the vq, mutex held
 */
void viox_vq_disable_notify(struct viox_vq *vq)
{
	if (!vq->broken)
		vq->ops->disable_notify(vq);
}
EXPORT_SYMBOL_GPL(viox_vq_disable_notify);

/**
 * viox_vq_avail_empty() - whether the driver has no buffer available
 * @vq: the vq, mutex held
 *
 * Return: true if empty (or broken).
 */
bool viox_vq_avail_empty(struct viox_vq *vq)
{
	return vq->broken || vq->ops->avail_empty(vq);
}
EXPORT_SYMBOL_GPL(viox_vq_avail_empty);
