// SPDX-License-Identifier: GPL-2.0
/*
 * The device worker: a vhost_task forked from the owner, so it runs in the
 * owner's mm and is charged to the owner's cgroups, and dies with it; or,
 * for a vDPA device, which has no owner mm, a kthread.
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

/**
 * viox_work_queue() - run @work on the device's worker
 * @dev: the device
 * @work: the work; queueing it again before it runs is a no-op
 *
 * May be called from any context, including a wait-queue callback.
 *
 * Return: false if there is no worker to run it (no owner, or it died).
 */
bool viox_work_queue(struct viox_dev *dev, struct viox_work *work)
{
	struct viox_worker *w = READ_ONCE(dev->worker);
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
EXPORT_SYMBOL_GPL(viox_work_queue);

/*
 * Other work waits for the worker, queued or already taken in the batch
 * being run: a busy-polling handler, which runs on the worker, yields.
 */
bool viox_worker_has_work(struct viox_dev *dev)
{
	struct viox_worker *w = READ_ONCE(dev->worker);

	return w && (w->batch_left || !llist_empty(&w->list));
}

static void viox_flush_fn(struct viox_work *work)
{
	complete(&container_of(work, struct viox_flush, work)->done);
}

/**
 * viox_dev_flush() - wait until all work queued so far has run
 * @dev: the device
 */
void viox_dev_flush(struct viox_dev *dev)
{
	struct viox_flush flush;

	init_completion(&flush.done);
	viox_work_init(&flush.work, viox_flush_fn);
	if (viox_work_queue(dev, &flush.work))
		wait_for_completion(&flush.done);
}
EXPORT_SYMBOL_GPL(viox_dev_flush);

int viox_worker_create(struct viox_dev *dev)
{
	struct viox_worker *w;
	char name[TASK_COMM_LEN];

	w = kzalloc(sizeof(*w), GFP_KERNEL_ACCOUNT);
	if (!w)
		return -ENOMEM;
	spin_lock_init(&w->lock);
	init_llist_head(&w->list);
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

/* Callers have stopped every source of work and flushed. */
void viox_worker_destroy(struct viox_dev *dev)
{
	struct viox_worker *w = dev->worker;

	if (!w)
		return;
	WRITE_ONCE(dev->worker, NULL);
	if (w->task)
		vhost_task_stop(w->task);
	else
		kthread_stop(w->kthread);
	kfree(w);
}

/* A vDPA device's worker: the same batches, until it is stopped. */
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
 * viox_dev_start_kthread() - give a device with no owner (vDPA) a worker
 * @dev: the device, without a worker
 * @name: the worker's name
 *
 * vDPA devices are driven from the kernel (virtio_vdpa) or through pages a
 * VMM pinned (vhost_vdpa): the worker needs no user mm.
 *
 * Return: 0 or a negative errno.
 */
int viox_dev_start_kthread(struct viox_dev *dev, const char *name)
{
	struct viox_worker *w;

	if (dev->worker)
		return -EBUSY;
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	spin_lock_init(&w->lock);
	init_llist_head(&w->list);
	w->kthread = kthread_create(viox_kthread_fn, w, "%s", name);
	if (IS_ERR(w->kthread)) {
		int r = PTR_ERR(w->kthread);

		kfree(w);
		return r;
	}
	wake_up_process(w->kthread);
	WRITE_ONCE(dev->worker, w);
	return 0;
}
EXPORT_SYMBOL_GPL(viox_dev_start_kthread);

/**
 * viox_dev_stop_worker() - run what is queued, then stop the worker
 * @dev: the device; every source of work (kicks, completions) has stopped
 */
void viox_dev_stop_worker(struct viox_dev *dev)
{
	viox_dev_flush(dev);
	viox_worker_destroy(dev);
}
EXPORT_SYMBOL_GPL(viox_dev_stop_worker);
