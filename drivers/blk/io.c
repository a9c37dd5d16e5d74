// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk requests: taken from a ring on the vq's worker, checked,
 * and sent to the backing store without a copy: reads and writes as
 * asynchronous direct kiocbs over the guest's pages, returned to the ring
 * from the store's completion context (its interrupt, for a block device),
 * so a request costs the worker no second wake-up. What blocks (flushes,
 * discards, reads and writes through the page cache) runs on viox_blk_wq,
 * so one slow request never holds up the device's other requests and
 * queues; it, and what fails early, reaches the ring through a list the
 * worker returns in batches.
 */
#include <linux/blkdev.h>
#include <linux/falloc.h>
#include <linux/highmem.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_byteorder.h>

#include "blk.h"

/**
 * struct viox_blk_req - a request taken from a ring, until it is used
 * @iocb: the read or write sent to the backing store
 * @bvq: its vq
 * @node: on the vq's done list
 * @status_page: where the status byte goes (the chain's last byte)
 * @status_off: its offset in the page
 * @id: the chain's id, for the used ring
 * @type: VIRTIO_BLK_T_*, or U32_MAX if its header was refused
 * @ndesc: descriptors it took (packed rings)
 * @in_len: bytes the device may write, reported as used
 * @len: bytes the read or write must move
 * @write: a write, which ends the file's write section when done
 * @start: when it was taken (ns), for the latency histogram
 * @iter: its data: what a read fills, a write or ranges carry
 * @work: on viox_blk_wq, for what blocks
 * @blocking: it went to viox_blk_wq
 * @refs: a read or write's: its completion's and its issuer's, whichever
 *	lets go last returns it (the store may still use @iocb and @iter
 *	after completing it)
 * @status: VIRTIO_BLK_S_*
 * @bvec: the chain's segments, which the I/O may still use
 */
struct viox_blk_req {
	struct kiocb iocb;
	struct viox_blk_vq *bvq;
	struct llist_node node;
	struct page *status_page;
	unsigned int status_off;
	u16 id;
	u16 ndesc;
	u32 type;
	u32 in_len;
	size_t len;
	bool write;
	u64 start;
	struct iov_iter iter;
	struct work_struct work;
	bool blocking;
	refcount_t refs;
	u8 status;
	struct bio_vec bvec[];
};

/*
 * Once on the done list the request may be returned and the device torn
 * down: the RCU read section keeps the device until the worker is told
 * (viox_blk_dev_stop() waits for it).
 */
static void req_done(struct viox_blk_req *req, u8 status)
{
	struct viox_blk_vq *bvq = req->bvq;

	req->status = status;
	rcu_read_lock();
	llist_add(&req->node, &bvq->done);
	viox_vq_work_queue(&bvq->vq, &bvq->done_work);
	rcu_read_unlock();
}

/* What a returned request adds to its queue's counters, at @now. */
static void count(struct viox_blk_stats *st, const struct viox_blk_req *req,
		  u64 now)
{
	bool ok = req->status == VIRTIO_BLK_S_OK;
	u64 us = (now - req->start) / NSEC_PER_USEC;

	u64_stats_inc(&st->lat[us < 2 ? 0 : min(ilog2(us), VIOX_BLK_LAT_BUCKETS - 1)]);

	switch (req->type) {
	case VIRTIO_BLK_T_IN:
		u64_stats_inc(&st->v[VIOX_BLK_READS]);
		if (ok)
			u64_stats_add(&st->v[VIOX_BLK_READ_BYTES], req->len);
		break;
	case VIRTIO_BLK_T_OUT:
		u64_stats_inc(&st->v[VIOX_BLK_WRITES]);
		if (ok)
			u64_stats_add(&st->v[VIOX_BLK_WRITE_BYTES], req->len);
		break;
	case VIRTIO_BLK_T_FLUSH:
		u64_stats_inc(&st->v[VIOX_BLK_FLUSHES]);
		break;
	case VIRTIO_BLK_T_GET_ID:
		u64_stats_inc(&st->v[VIOX_BLK_GET_IDS]);
		break;
	case VIRTIO_BLK_T_DISCARD:
		u64_stats_inc(&st->v[VIOX_BLK_DISCARDS]);
		break;
	case VIRTIO_BLK_T_WRITE_ZEROES:
		u64_stats_inc(&st->v[VIOX_BLK_WRITE_ZEROES]);
		break;
	}
	if (req->status == VIRTIO_BLK_S_IOERR)
		u64_stats_inc(&st->v[VIOX_BLK_IOERR]);
	else if (req->status == VIRTIO_BLK_S_UNSUPP)
		u64_stats_inc(&st->v[VIOX_BLK_UNSUPP]);
}

/* Interrupt the driver as its irq handler expects: bottom halves off. */
static void call_driver(const struct vdpa_callback *cb)
{
	if (!in_task() || irqs_disabled()) {
		cb->callback(cb->private);
		return;
	}
	local_bh_disable();
	cb->callback(cb->private);
	local_bh_enable();
}

/*
 * Under used_lock, after used elements were added: the driver's callback,
 * if it has one and asked to hear of them.
 */
static bool want_call(struct viox_blk_vq *bvq, struct vdpa_callback *cb)
{
	*cb = bvq->cb;
	return cb->callback && viox_vq_need_signal(&bvq->vq);
}

/*
 * Under used_lock: @req's status byte, its used element in @used and its
 * counters at @now; then it is freed.
 */
static void req_finish(struct viox_blk_vq *bvq, struct viox_blk_req *req,
		       struct viox_used_elem *used, u64 now)
{
	memcpy_to_page(req->status_page, req->status_off, &req->status, 1);
	used->id = req->id;
	used->len = req->in_len;
	used->ndesc = req->ndesc;
	count(&bvq->stats, req, now);
	kfree(req);
}

/*
 * The driver's callback for completions that came in hard irq, from an
 * irq_work: the store's handler may hold a lock of the class the driver
 * takes (a virtio_blk disk under viox_blk), and the stack stays short.
 */
void viox_blk_call_work(struct irq_work *work)
{
	struct viox_blk_vq *bvq = container_of(work, struct viox_blk_vq, call_work);
	struct vdpa_callback cb;
	unsigned long flags;

	spin_lock_irqsave(&bvq->used_lock, flags);
	cb = bvq->cb;
	spin_unlock_irqrestore(&bvq->used_lock, flags);
	if (cb.callback)
		call_driver(&cb);
}

/*
 * A direct read or write finished: on the ring now, from the context it
 * finished in, any from task to hard irq, with no worker to wake. vq_stop()
 * waits for the last one to let go of the ring (inflight), and for the
 * irq_work; the RCU read section keeps the device for the wake-up.
 */
static void req_return_now(struct viox_blk_req *req)
{
	struct viox_blk_vq *bvq = req->bvq;
	struct viox_used_elem used;
	struct vdpa_callback cb;
	unsigned long flags;
	bool call;

	rcu_read_lock();
	spin_lock_irqsave(&bvq->used_lock, flags);
	u64_stats_update_begin(&bvq->stats.syncp);
	req_finish(bvq, req, &used, ktime_get_ns());
	u64_stats_update_end(&bvq->stats.syncp);
	viox_vq_add_used(&bvq->vq, &used, 1);
	call = want_call(bvq, &cb);
	spin_unlock_irqrestore(&bvq->used_lock, flags);
	if (call && in_hardirq())
		irq_work_queue(&bvq->call_work);
	else if (call)
		call_driver(&cb);
	if (atomic_dec_and_test(&bvq->inflight))
		wake_up_var(&bvq->inflight);
	rcu_read_unlock();
}

static void rw_put(struct viox_blk_req *req)
{
	if (!refcount_dec_and_test(&req->refs))
		return;
	/* A blocking one is counted under the vq's mutex: the worker's. */
	if (req->blocking)
		req_done(req, req->status);
	else
		req_return_now(req);
}

static void rw_complete(struct kiocb *iocb, long ret)
{
	struct viox_blk_req *req = container_of(iocb, struct viox_blk_req, iocb);

	req->status = ret == req->len ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
	if (req->write && S_ISREG(file_inode(iocb->ki_filp)->i_mode))
		kiocb_end_write(iocb);
	rw_put(req);
}

/* Writes must be durable when they complete (write-through, no FLUSH). */
static bool writethrough(struct viox_blk *blk)
{
	return READ_ONCE(blk->writethrough) ||
	       !(blk->features & BIT_ULL(VIRTIO_BLK_F_FLUSH));
}

/*
 * Set up the read or write of @req->iter at @sector: true if it goes
 * direct (asynchronous), false if through the page cache (blocking).
 */
static bool prepare_rw(struct viox_blk *blk, struct viox_blk_req *req,
		       u64 sector)
{
	struct viox_blk_backing *b = blk->backing;
	bool direct;

	init_sync_kiocb(&req->iocb, b->file);
	req->iocb.ki_pos = sector << SECTOR_SHIFT;
	req->len = iov_iter_count(&req->iter);
	/* Direct only for what the store's alignment allows. */
	direct = b->dio_pos_align &&
		 IS_ALIGNED(req->iocb.ki_pos | req->len, b->dio_pos_align) &&
		 iov_iter_is_aligned(&req->iter, b->dio_mem_align - 1,
				     b->dio_pos_align - 1);
	if (direct) {
		req->iocb.ki_flags |= IOCB_DIRECT;
		req->iocb.ki_complete = rw_complete;
	}
	/* A driver that cannot flush gets a write-through cache (virtio 5.2.5). */
	if (req->write && writethrough(blk))
		req->iocb.ki_flags |= IOCB_DSYNC;
	return direct;
}

/* Send a prepared read or write; it finishes through rw_complete(). */
static void issue_rw(struct viox_blk_req *req)
{
	struct file *file = req->iocb.ki_filp;
	ssize_t ret;

	/* The store's read_iter/write_iter may use them after completing. */
	refcount_set(&req->refs, 2);
	if (req->write) {
		if (S_ISREG(file_inode(file)->i_mode))
			kiocb_start_write(&req->iocb);
		ret = file->f_op->write_iter(&req->iocb, &req->iter);
	} else {
		ret = file->f_op->read_iter(&req->iocb, &req->iter);
	}
	if (ret != -EIOCBQUEUED)
		rw_complete(&req->iocb, ret);
	rw_put(req);
}

static int do_flush(struct viox_blk *blk)
{
	return vfs_fsync(blk->backing->file, 0);
}

/* Zeroes without deallocating, for stores with no ZERO_RANGE (tmpfs). */
static int write_zero_pages(struct file *file, loff_t pos, u64 len)
{
	struct bio_vec bv[16];
	struct iov_iter iter;
	struct kiocb iocb;
	unsigned int i;
	ssize_t ret;

	for (i = 0; i < ARRAY_SIZE(bv); i++)
		bvec_set_page(&bv[i], ZERO_PAGE(0), PAGE_SIZE, 0);
	while (len) {
		size_t chunk = min_t(u64, len, ARRAY_SIZE(bv) * PAGE_SIZE);

		iov_iter_bvec(&iter, ITER_SOURCE, bv, ARRAY_SIZE(bv), chunk);
		init_sync_kiocb(&iocb, file);
		iocb.ki_pos = pos;
		kiocb_start_write(&iocb);
		ret = file->f_op->write_iter(&iocb, &iter);
		kiocb_end_write(&iocb);
		if (ret < 0)
			return ret;
		if (ret != chunk)
			return -EIO;
		pos += chunk;
		len -= chunk;
	}
	return 0;
}

/*
 * One discard or write-zeroes range, checked by the caller. Through
 * vfs_fallocate() for files and block devices alike, which keeps a block
 * device's page cache coherent; a discard on a block device drops the
 * cached range itself first, as blkdev_fallocate() does for zeroing.
 */
static int do_range(struct viox_blk *blk, u32 type, u64 sector, u32 nr,
		    bool unmap)
{
	struct viox_blk_backing *b = blk->backing;
	loff_t pos = sector << SECTOR_SHIFT, len = (loff_t)nr << SECTOR_SHIFT;
	struct address_space *mapping = b->file->f_mapping;
	int r;

	if (!nr)
		return 0;
	if (type == VIRTIO_BLK_T_DISCARD && b->bdev) {
		filemap_invalidate_lock(mapping);
		truncate_inode_pages_range(mapping, pos, pos + len - 1);
		r = blkdev_issue_discard(b->bdev, sector, nr, GFP_KERNEL);
		filemap_invalidate_unlock(mapping);
		return r;
	}
	if (type == VIRTIO_BLK_T_DISCARD || (unmap && b->discard)) {
		r = vfs_fallocate(b->file, FALLOC_FL_PUNCH_HOLE |
				  FALLOC_FL_KEEP_SIZE, pos, len);
		/* A device that cannot unmap while zeroing still zeroes. */
		if (type == VIRTIO_BLK_T_DISCARD || r != -EOPNOTSUPP)
			return r;
	}
	r = vfs_fallocate(b->file, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE,
			  pos, len);
	if (r != -EOPNOTSUPP)
		return r;
	return write_zero_pages(b->file, pos, len);
}

/*
 * DISCARD and WRITE_ZEROES: the ranges in the data the driver wrote, all
 * checked before any is done, so that a request refused changes nothing.
 */
static u8 do_ranges(struct viox_blk *blk, const struct viox_blk_disk *d,
		    u32 type, struct iov_iter *data)
{
	struct virtio_blk_discard_write_zeroes r[VIOX_BLK_DISCARD_SEG];
	size_t n = iov_iter_count(data) / sizeof(r[0]), i;
	u8 status;

	/* parse.c let through whole ranges, at most VIOX_BLK_DISCARD_SEG. */
	if (n > ARRAY_SIZE(r) ||
	    copy_from_iter(r, n * sizeof(r[0]), data) != n * sizeof(r[0]))
		return VIRTIO_BLK_S_IOERR;
	for (i = 0; i < n; i++) {
		status = viox_blk_range_check(d, type, &r[i]);
		if (status != VIRTIO_BLK_S_OK)
			return status;
	}
	for (i = 0; i < n; i++)
		if (do_range(blk, type, le64_to_cpu(r[i].sector),
			     le32_to_cpu(r[i].num_sectors),
			     le32_to_cpu(r[i].flags) & VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP))
			return VIRTIO_BLK_S_IOERR;
	if (type == VIRTIO_BLK_T_WRITE_ZEROES && writethrough(blk) &&
	    vfs_fsync(blk->backing->file, 1))
		return VIRTIO_BLK_S_IOERR;
	return VIRTIO_BLK_S_OK;
}

static u8 do_get_id(struct viox_blk *blk, struct iov_iter *data, size_t len)
{
	if (copy_to_iter(blk->backing->serial, len, data) != len)
		return VIRTIO_BLK_S_IOERR;
	return VIRTIO_BLK_S_OK;
}

/* What parse.c checks a request of @blk against. */
static struct viox_blk_disk disk_of(const struct viox_blk *blk)
{
	return (struct viox_blk_disk){
		.capacity = blk->backing->capacity,
		.features = blk->features,
		.read_only = blk->backing->read_only,
	};
}

/* What blocks, on viox_blk_wq; the request ends through req_done(). */
static void blocking_work(struct work_struct *work)
{
	struct viox_blk_req *req = container_of(work, struct viox_blk_req, work);
	struct viox_blk *blk = req->bvq->blk;
	const struct viox_blk_disk d = disk_of(blk);
	unsigned int noio = memalloc_noio_save();

	switch (req->type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
		issue_rw(req);
		break;
	case VIRTIO_BLK_T_FLUSH:
		req_done(req, do_flush(blk) ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK);
		break;
	default:	/* DISCARD, WRITE_ZEROES */
		req_done(req, do_ranges(blk, &d, req->type, &req->iter));
		break;
	}
	memalloc_noio_restore(noio);
}

enum submit_result {
	SUBMIT_TAKEN,
	SUBMIT_NOMEM,		/* given back: try again on the next pass */
	SUBMIT_FULL,		/* given back: the vq waits for a blocking one */
	SUBMIT_THROTTLED,	/* given back: the vq waits for its limits */
};

/* The limits' wait is over: take requests again. */
enum hrtimer_restart viox_blk_qos_timer(struct hrtimer *timer)
{
	struct viox_blk_vq *bvq = container_of(timer, struct viox_blk_vq, qos_timer);

	viox_vq_work_queue(&bvq->vq, &bvq->vq.poll.work);
	return HRTIMER_NORESTART;
}

/*
 * Whether @op may start under the device's limits. If not, the vq is
 * held back and looks again when the debt is paid; the time it waits is
 * counted when a request passes again.
 */
static bool qos_pass(struct viox_blk_vq *bvq, const struct viox_blk_op *op)
{
	struct viox_blk_qos *q = &bvq->blk->qos;
	u64 now = 0, wait = 0, bytes = 0;
	unsigned long flags;
	bool limited = true;

	switch (op->type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
		bytes = op->len;
		break;
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		break;
	default:	/* FLUSH, GET_ID: not limited */
		limited = false;
	}
	if (limited && READ_ONCE(q->on)) {
		now = ktime_get_ns();
		wait = viox_blk_qos_charge(q, now, op->type != VIRTIO_BLK_T_IN,
					   bytes);
	}
	if (!wait && !bvq->qos_since)
		return true;
	if (!now)
		now = ktime_get_ns();
	spin_lock_irqsave(&bvq->used_lock, flags);
	u64_stats_update_begin(&bvq->stats.syncp);
	if (!wait) {
		/* Requests are taken in order: the one held back went. */
		u64_stats_add(&bvq->stats.v[VIOX_BLK_THROTTLED_NS],
			      now - bvq->qos_since);
		bvq->qos_since = 0;
	} else if (!bvq->qos_since) {
		bvq->qos_since = now;
		u64_stats_inc(&bvq->stats.v[VIOX_BLK_THROTTLED]);
	}
	u64_stats_update_end(&bvq->stats.syncp);
	spin_unlock_irqrestore(&bvq->used_lock, flags);
	if (wait)
		hrtimer_start(&bvq->qos_timer, ns_to_ktime(wait), HRTIMER_MODE_REL);
	return !wait;
}

/* Give back a chain taken for @req, which is freed. */
static void give_back(struct viox_blk_vq *bvq, struct viox_blk_req *req,
		      const struct viox_chain *c)
{
	atomic_dec(&bvq->inflight);
	kfree(req);
	viox_vq_unget_chain(&bvq->vq, c);
}

/*
 * Start one request; its status reaches the ring through the done list,
 * whether it finishes now or later.
 */
static enum submit_result submit(struct viox_blk_vq *bvq,
				 const struct viox_chain *c)
{
	struct viox_blk *blk = bvq->blk;
	const struct viox_blk_disk d = disk_of(blk);
	unsigned int nseg = c->out + c->in;
	struct virtio_blk_outhdr hdr;
	struct viox_blk_req *req;
	const struct bio_vec *last;
	struct iov_iter out, in;
	struct viox_blk_op op;
	bool direct;
	size_t end;
	u8 status;

	req = kmalloc(struct_size(req, bvec, nseg), GFP_KERNEL);
	if (!req) {
		/* Give it back: a later pass retries it. */
		viox_vq_unget_chain(&bvq->vq, c);
		return SUBMIT_NOMEM;
	}
	memcpy(req->bvec, c->bvec, nseg * sizeof(req->bvec[0]));
	req->bvq = bvq;
	req->id = c->id;
	req->ndesc = c->ndesc;
	req->in_len = c->in_len;
	req->len = 0;
	req->write = false;
	req->type = U32_MAX;
	req->blocking = false;
	req->start = ktime_get_ns();
	last = &req->bvec[nseg - 1];
	end = (size_t)last->bv_offset + last->bv_len - 1;
	req->status_page = nth_page(last->bv_page, end / PAGE_SIZE);
	req->status_off = end % PAGE_SIZE;
	atomic_inc(&bvq->inflight);

	iov_iter_bvec(&out, ITER_SOURCE, req->bvec, c->out, c->out_len);
	iov_iter_bvec(&in, ITER_DEST, req->bvec + c->out, c->in, c->in_len);
	iov_iter_truncate(&in, c->in_len - 1);
	if (copy_from_iter(&hdr, sizeof(hdr), &out) != sizeof(hdr)) {
		req_done(req, VIRTIO_BLK_S_IOERR);
		return SUBMIT_TAKEN;
	}
	status = viox_blk_parse(&d, &hdr, c->out_len, c->in_len - 1, c->nbufs, &op);
	req->type = op.type;
	if (status != VIRTIO_BLK_S_OK) {
		req_done(req, status);
		return SUBMIT_TAKEN;
	}
	switch (op.type) {
	case VIRTIO_BLK_T_GET_ID:
		req_done(req, do_get_id(blk, &in, op.len));
		return SUBMIT_TAKEN;
	case VIRTIO_BLK_T_IN:
		req->iter = in;
		direct = prepare_rw(blk, req, op.sector);
		break;
	case VIRTIO_BLK_T_OUT:
		req->iter = out;
		req->write = true;
		direct = prepare_rw(blk, req, op.sector);
		break;
	default:	/* FLUSH, DISCARD, WRITE_ZEROES */
		req->iter = out;
		direct = false;
		break;
	}
	/*
	 * A vq's share of the blocking work is bounded: others get theirs.
	 * Checked before the limits, which would charge it twice.
	 */
	if (!direct && bvq->blocking >= VIOX_BLK_BLOCKING_MAX) {
		give_back(bvq, req, c);
		bvq->throttled = true;
		return SUBMIT_FULL;
	}
	if (!qos_pass(bvq, &op)) {
		give_back(bvq, req, c);
		return SUBMIT_THROTTLED;
	}
	if (direct) {
		issue_rw(req);
		return SUBMIT_TAKEN;
	}
	bvq->blocking++;
	req->blocking = true;
	INIT_WORK(&req->work, blocking_work);
	queue_work(viox_blk_wq, &req->work);
	return SUBMIT_TAKEN;
}

/**
 * viox_blk_drain() - return finished requests to the ring
 * @bvq: the vq, mutex held
 */
void viox_blk_drain(struct viox_blk_vq *bvq)
{
	struct viox_used_elem used[VIOX_BLK_BUDGET];
	unsigned int n = 0, done = 0, blocking = 0;
	struct viox_blk_req *req, *next;
	struct llist_node *list;
	struct vdpa_callback cb;
	unsigned long flags;
	bool call;
	u64 now;

	list = llist_reverse_order(llist_del_all(&bvq->done));
	if (!list)
		return;
	now = ktime_get_ns();
	spin_lock_irqsave(&bvq->used_lock, flags);
	u64_stats_update_begin(&bvq->stats.syncp);
	llist_for_each_entry_safe(req, next, list, node) {
		blocking += req->blocking;
		req_finish(bvq, req, &used[n], now);
		done++;
		if (++n == ARRAY_SIZE(used)) {
			viox_vq_add_used(&bvq->vq, used, n);
			n = 0;
		}
	}
	u64_stats_update_end(&bvq->stats.syncp);
	if (n)
		viox_vq_add_used(&bvq->vq, used, n);
	call = want_call(bvq, &cb);
	spin_unlock_irqrestore(&bvq->used_lock, flags);
	bvq->blocking -= blocking;
	/* Room for blocking work again: take the chain that waited. */
	if (bvq->throttled && bvq->blocking < VIOX_BLK_BLOCKING_MAX) {
		bvq->throttled = false;
		viox_vq_kick(&bvq->vq);
	}
	if (call)
		call_driver(&cb);
	if (atomic_sub_and_test(done, &bvq->inflight))
		wake_up_var(&bvq->inflight);
}

/**
 * viox_blk_stats_read() - a consistent copy of a queue's counters
 * @bvq: the queue
 * @v: where to put them
 * @lat: and its latency histogram
 */
void viox_blk_stats_read(struct viox_blk_vq *bvq, u64 v[VIOX_BLK_NR_STATS],
			 u64 lat[VIOX_BLK_LAT_BUCKETS])
{
	unsigned int start, i;

	do {
		start = u64_stats_fetch_begin(&bvq->stats.syncp);
		for (i = 0; i < VIOX_BLK_NR_STATS; i++)
			v[i] = u64_stats_read(&bvq->stats.v[i]);
		for (i = 0; i < VIOX_BLK_LAT_BUCKETS; i++)
			lat[i] = u64_stats_read(&bvq->stats.lat[i]);
	} while (u64_stats_fetch_retry(&bvq->stats.syncp, start));
}

/* Finished requests, queued by their completion. */
void viox_blk_handle_done(struct viox_work *work)
{
	struct viox_blk_vq *bvq = container_of(work, struct viox_blk_vq, done_work);

	mutex_lock(&bvq->vq.mutex);
	viox_blk_drain(bvq);
	mutex_unlock(&bvq->vq.mutex);
}

/* The driver kicked: take what it made available, a budget per pass. */
void viox_blk_handle_kick(struct viox_work *work)
{
	struct viox_vq *vq = viox_work_to_vq(work);
	struct viox_blk_vq *bvq = container_of(vq, struct viox_blk_vq, vq);
	struct viox_chain c = {
		.bvec = bvq->bvec, .iov_max = VIOX_MAX_IOV,
	};
	struct blk_plug plug;
	unsigned int n = 0, noio;
	int r;

	/* The store's reclaim must not wait on this very disk (as loop). */
	noio = memalloc_noio_save();
	mutex_lock(&vq->mutex);
	if (!vq->private_data)
		goto out;
	blk_start_plug(&plug);
	viox_vq_disable_notify(vq);
	for (;;) {
		r = viox_vq_get_chain(vq, &c);
		if (r < 0)
			break;
		if (!r) {
			if (viox_vq_enable_notify(vq)) {
				viox_vq_disable_notify(vq);
				continue;
			}
			break;
		}
		/* Nowhere to put a status: the driver broke the ring's rules. */
		if (!c.in_len) {
			viox_vq_break(vq, "request without a writable status byte");
			break;
		}
		r = submit(bvq, &c);
		if (r == SUBMIT_NOMEM) {
			/* Out of memory: the chain waits for the next pass. */
			viox_vq_work_queue(vq, work);
			break;
		}
		/*
		 * It waits for a blocking request to finish (viox_blk_drain())
		 * or for the limits (viox_blk_qos_timer()).
		 */
		if (r == SUBMIT_FULL || r == SUBMIT_THROTTLED)
			break;
		if (++n == VIOX_BLK_BUDGET) {
			/* Let the vq's completions have the worker. */
			viox_vq_work_queue(vq, work);
			break;
		}
	}
	blk_finish_plug(&plug);
	viox_blk_drain(bvq);
out:
	mutex_unlock(&vq->mutex);
	memalloc_noio_restore(noio);
}
