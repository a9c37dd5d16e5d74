// SPDX-License-Identifier: GPL-2.0
/*
 * The workers that run a device's handlers: a vhost_task forked from the
 * owner, so it runs in the owner's mm and is charged to the owner's
 * cgroups, and dies with it, for all of the device's vqs; or, for a vDPA
 * device, which has no owner mm, a kthread per vq.
 */
#include <kunit/visibility.h>
#include <linux/kthread.h>
#include <linux/slab.h>
#include <linux/types.h>
#include <linux/sched/vhost_task.h>

#include "internal.h"

enum { VIOX_WORK_QUEUED };

struct viox_flush {
	struct viox_work work;
	struct completion done;
};

/* One batch: everything queued so far, in queueing order. */
VISIBLE_IF_KUNIT bool viox_worker_run(void *data)
{
	struct viox_worker *w = data;
	struct viox_work *work, *next;
	struct llist_node *node;

	node = llist_del_all(&w->list);
	if (!node)
		return false;
	__set_current_state(TASK_RUNNING);
	node = llist_reverse_order(node);
	llist_for_each_entry_safe(work, next, node, node) {
		clear_bit(VIOX_WORK_QUEUED, &work->flags);
		w->batch_left = !!next;
		work->fn(work);
		cond_resched();
	}
	w->batch_left = false;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(viox_worker_run);

/* The owner got SIGKILL: queue nothing more, finish what is queued. */
static void viox_worker_killed(void *data)
{
	struct viox_worker *w = data;
	unsigned long flags;

	spin_lock_irqsave(&w->lock, flags);
	w->killed = true;
	spin_unlock_irqrestore(&w->lock, flags);
	while (viox_worker_run(w))
		;
}

void viox_work_init(struct viox_work *work, viox_work_fn_t fn)
{
	work->flags = 0;
	work->fn = fn;
}
EXPORT_SYMBOL_GPL(viox_work_init);

static bool viox_worker_queue(struct viox_worker *w, struct viox_work *work)
{
	unsigned long flags;
	bool queued = false;

	if (!w)
		return false;
	if (test_and_set_bit(VIOX_WORK_QUEUED, &work->flags))
		return true;
	spin_lock_irqsave(&w->lock, flags);
	if (!w->killed) {
		llist_add(&work->node, &w->list);
		/* Under the lock: a live worker cannot exit under us. */
		if (w->task)
			vhost_task_wake(w->task);
		else
			wake_up_process(w->kthread);
		queued = true;
	}
	spin_unlock_irqrestore(&w->lock, flags);
	if (!queued)
		clear_bit(VIOX_WORK_QUEUED, &work->flags);
	return queued;
}

/* A vq's own worker if it has one (vDPA), else its device's. */
static struct viox_worker *viox_vq_worker(const struct viox_vq *vq)
{
	return READ_ONCE(vq->worker) ?: READ_ONCE(vq->dev->worker);
}

/**
 * viox_vq_work_queue() - run @work on the worker of @vq
 * @vq: the vq the work is for
 * @work: the work; queueing it again before it runs is a no-op
 *
 * May be called from any context, including a wait-queue callback. All of
 * a vq's work runs on one worker, so its handlers never run concurrently.
 *
 * Return: false if there is no worker to run it (no owner, or it died).
 */
bool viox_vq_work_queue(struct viox_vq *vq, struct viox_work *work)
{
	return viox_worker_queue(viox_vq_worker(vq), work);
}
EXPORT_SYMBOL_GPL(viox_vq_work_queue);

/*
 * Other work waits for the vq's worker, queued or already taken in the
 * batch being run: a busy-polling handler, which runs on it, yields. Work
 * of vqs with workers of their own does not wait for it.
 */
bool viox_worker_has_work(const struct viox_vq *vq)
{
	struct viox_worker *w = viox_vq_worker(vq);

	return w && (w->batch_left || !llist_empty(&w->list));
}

static void viox_flush_fn(struct viox_work *work)
{
	complete(&container_of(work, struct viox_flush, work)->done);
}

static void viox_worker_flush(struct viox_worker *w)
{
	struct viox_flush flush;

	init_completion(&flush.done);
	viox_work_init(&flush.work, viox_flush_fn);
	if (viox_worker_queue(w, &flush.work))
		wait_for_completion(&flush.done);
}

/**
 * viox_dev_flush() - wait until all work queued so far has run
 * @dev: the device: its worker and those of its vqs
 */
void viox_dev_flush(struct viox_dev *dev)
{
	unsigned int i;

	viox_worker_flush(READ_ONCE(dev->worker));
	for (i = 0; i < dev->nvqs; i++)
		viox_worker_flush(READ_ONCE(dev->vqs[i]->worker));
}
EXPORT_SYMBOL_GPL(viox_dev_flush);

/**
 * viox_vq_flush() - wait until all work queued so far on @vq's worker has run
 * @vq: the vq; with a worker of its own, other vqs' work is not waited for
 */
void viox_vq_flush(struct viox_vq *vq)
{
	viox_worker_flush(viox_vq_worker(vq));
}
EXPORT_SYMBOL_GPL(viox_vq_flush);

static struct viox_worker *viox_worker_alloc(gfp_t gfp)
{
	struct viox_worker *w = kzalloc(sizeof(*w), gfp);

	if (w) {
		spin_lock_init(&w->lock);
		init_llist_head(&w->list);
	}
	return w;
}

int viox_worker_create(struct viox_dev *dev)
{
	struct viox_worker *w;
	char name[TASK_COMM_LEN];

	w = viox_worker_alloc(GFP_KERNEL_ACCOUNT);
	if (!w)
		return -ENOMEM;
	snprintf(name, sizeof(name), "viox-%d", current->pid);
	w->task = vhost_task_create(viox_worker_run, viox_worker_killed, w, name);
	if (IS_ERR(w->task)) {
		int r = PTR_ERR(w->task);

		kfree(w);
		return r;
	}
	vhost_task_start(w->task);
	WRITE_ONCE(dev->worker, w);
	return 0;
}

static void viox_worker_free(struct viox_worker *w)
{
	if (!w)
		return;
	if (w->task)
		vhost_task_stop(w->task);
	else
		kthread_stop(w->kthread);
	kfree(w);
}

/* Callers have stopped every source of work and flushed. */
void viox_worker_destroy(struct viox_dev *dev)
{
	struct viox_worker *w = dev->worker;
	unsigned int i;

	WRITE_ONCE(dev->worker, NULL);
	viox_worker_free(w);
	for (i = 0; i < dev->nvqs; i++) {
		w = dev->vqs[i]->worker;
		WRITE_ONCE(dev->vqs[i]->worker, NULL);
		viox_worker_free(w);
	}
}

/* A vDPA vq's worker: the same batches, until it is stopped. */
static int viox_kthread_fn(void *data)
{
	struct viox_worker *w = data;

	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop()) {
			__set_current_state(TASK_RUNNING);
			return 0;
		}
		if (!viox_worker_run(w))
			schedule();
	}
}

/**
 * viox_dev_start_kthreads() - give each vq of a device with no owner a worker
 * @dev: the device (vDPA), without workers
 * @name: the workers' name, to which each adds its vq's index (the name
 *	is cut short first where the index would not fit a task's name)
 *
 * vDPA devices are driven from the kernel (virtio_vdpa) or through pages a
 * VMM pinned (vhost_vdpa): the workers need no user mm. One per vq, as a
 * driver gives each of its CPUs a queue of its own: a vq's requests are
 * taken and returned on its worker, beside the others'.
 *
 * Return: 0 or a negative errno; viox_dev_stop_worker() stops those made.
 */
int viox_dev_start_kthreads(struct viox_dev *dev, const char *name)
{
	unsigned int i;

	if (dev->worker)
		return -EBUSY;
	for (i = 0; i < dev->nvqs; i++) {
		struct viox_vq *vq = dev->vqs[i];
		struct viox_worker *w;
		/* "-i" must fit a task's name: the name gives way. */
		int room = TASK_COMM_LEN - 1 - snprintf(NULL, 0, "-%u", i);

		if (vq->worker)
			return -EBUSY;
		w = viox_worker_alloc(GFP_KERNEL);
		if (!w)
			return -ENOMEM;
		w->kthread = kthread_create(viox_kthread_fn, w, "%.*s-%u",
					    room, name, i);
		if (IS_ERR(w->kthread)) {
			int r = PTR_ERR(w->kthread);

			kfree(w);
			return r;
		}
		wake_up_process(w->kthread);
		WRITE_ONCE(vq->worker, w);
	}
	return 0;
}
EXPORT_SYMBOL_GPL(viox_dev_start_kthreads);

/**
 * viox_vq_worker_affinity() - the CPUs a vq's own worker runs on
 * @vq: a vq with a worker of its own (viox_dev_start_kthreads())
 * @mask: the CPUs whose requests the driver puts on this vq
 *
 * Return: 0, -EINVAL for a vq without a worker of its own or a mask with
 * no online CPU.
 */
int viox_vq_worker_affinity(struct viox_vq *vq, const struct cpumask *mask)
{
	struct viox_worker *w = vq->worker;

	if (!w || !w->kthread)
		return -EINVAL;
	return set_cpus_allowed_ptr(w->kthread, mask);
}
EXPORT_SYMBOL_GPL(viox_vq_worker_affinity);

/**
 * viox_dev_stop_worker() - run what is queued, then stop the workers
 * @dev: the device; every source of work (kicks, completions) has stopped
 */
void viox_dev_stop_worker(struct viox_dev *dev)
{
	viox_dev_flush(dev);
	viox_worker_destroy(dev);
}
EXPORT_SYMBOL_GPL(viox_dev_stop_worker);
