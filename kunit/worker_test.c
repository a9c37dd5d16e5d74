// SPDX-License-Identifier: GPL-2.0
/*
 * The device worker's batches against a busy-polling handler: a vq that
 * spins for its guest must give up at once when other work of the device
 * waits, whether queued after the batch began or taken into the same batch
 * (which is no longer on the worker's list); but not for work of another
 * worker (a vDPA device's other vqs). Batches run here on the test's
 * thread, from workers with no task.
 */
#include <linux/llist.h>

#include "vring_test.h"

struct wt_poll {
	struct viox_work work;
	struct vt *t;
	struct viox_worker *w;
	struct viox_work *queue_while_polling;
	unsigned int looks;
	bool ready;
	bool ran;
};

/* The guest's buffers turn up at the third look. */
static bool wt_ready_third(struct viox_vq *vq, void *arg)
{
	struct wt_poll *p = arg;

	return ++p->looks >= 3;
}

static void wt_add(struct viox_worker *w, struct viox_work *work)
{
	llist_add(&work->node, &w->list);
}

static void wt_poll_fn(struct viox_work *work)
{
	struct wt_poll *p = container_of(work, struct wt_poll, work);

	if (p->queue_while_polling)
		wt_add(p->w, p->queue_while_polling);
	p->ready = viox_vq_busy_poll(&p->t->vq, wt_ready_third, p);
	p->ran = true;
}

static void wt_other_fn(struct viox_work *work)
{
	container_of(work, struct wt_poll, work)->ran = true;
}

struct wt {
	struct vt *t;
	struct viox_worker w;
	/* A worker of the vq's own, when a case gives it one. */
	struct viox_worker own;
	struct wt_poll poll, other;
};

static struct wt *wt_create(struct kunit *test)
{
	struct wt *x = kunit_kzalloc(test, sizeof(*x), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, x);
	x->t = vt_create(test, BIT_ULL(VIRTIO_F_VERSION_1));
	spin_lock_init(&x->w.lock);
	init_llist_head(&x->w.list);
	spin_lock_init(&x->own.lock);
	init_llist_head(&x->own.list);
	x->t->dev.worker = &x->w;
	x->t->vq.busyloop_timeout = VIOX_BUSYLOOP_MAX_US;
	viox_work_init(&x->poll.work, wt_poll_fn);
	x->poll.t = x->t;
	x->poll.w = &x->w;
	viox_work_init(&x->other.work, wt_other_fn);
	return x;
}

static void wt_destroy(struct wt *x)
{
	/* No task to stop: the device must not try. */
	x->t->dev.worker = NULL;
	x->t->vq.worker = NULL;
	vt_destroy(x->t);
}

/*
 * The poll also ends at its timeout (1 ms at most) or when the scheduler
 * wants the CPU, which a stall of the test VM can bring about at any look:
 * a handler that should poll on is given a few tries to show it. Yielding
 * is checked once: a stall can only make a poll shorter.
 */
#define WT_TRIES	10

static bool wt_polls_on(struct wt *x, struct viox_work *first,
			struct viox_work *last)
{
	unsigned int i;

	for (i = 0; i < WT_TRIES; i++) {
		x->poll.looks = 0;
		x->poll.ready = false;
		x->other.ran = false;
		if (first)
			wt_add(&x->w, first);
		wt_add(&x->w, last);
		viox_worker_run(&x->w);
		if (x->poll.ready && x->poll.looks == 3)
			return true;
	}
	return false;
}

/* Alone, the handler polls until the guest's buffers come. */
static void poll_alone_waits(struct kunit *test)
{
	struct wt *x = wt_create(test);

	KUNIT_EXPECT_TRUE(test, wt_polls_on(x, NULL, &x->poll.work));
	wt_destroy(x);
}

/* Work taken into the same batch, after the handler: one look only. */
static void poll_yields_to_batch(struct kunit *test)
{
	struct wt *x = wt_create(test);

	wt_add(&x->w, &x->poll.work);
	wt_add(&x->w, &x->other.work);
	KUNIT_EXPECT_TRUE(test, viox_worker_run(&x->w));
	KUNIT_EXPECT_FALSE(test, x->poll.ready);
	KUNIT_EXPECT_EQ(test, x->poll.looks, 1);
	KUNIT_EXPECT_TRUE(test, x->other.ran);
	/* Nothing is left behind for another batch. */
	KUNIT_EXPECT_FALSE(test, viox_worker_run(&x->w));
	wt_destroy(x);
}

/* Work queued while the handler polls: one look, and it runs next batch. */
static void poll_yields_to_queued(struct kunit *test)
{
	struct wt *x = wt_create(test);

	x->poll.queue_while_polling = &x->other.work;
	wt_add(&x->w, &x->poll.work);
	KUNIT_EXPECT_TRUE(test, viox_worker_run(&x->w));
	KUNIT_EXPECT_FALSE(test, x->poll.ready);
	KUNIT_EXPECT_EQ(test, x->poll.looks, 1);
	KUNIT_EXPECT_FALSE(test, x->other.ran);
	KUNIT_EXPECT_TRUE(test, viox_worker_run(&x->w));
	KUNIT_EXPECT_TRUE(test, x->other.ran);
	wt_destroy(x);
}

/* The last handler of a batch is alone again. */
static void poll_last_in_batch_waits(struct kunit *test)
{
	struct wt *x = wt_create(test);

	KUNIT_EXPECT_TRUE(test, wt_polls_on(x, &x->other.work, &x->poll.work));
	KUNIT_EXPECT_TRUE(test, x->other.ran);
	wt_destroy(x);
}

/*
 * A vq with a worker of its own polls on while the device's worker has
 * work: that is another vq's, which does not wait for this one. Work on
 * its own worker still ends the poll.
 */
static void poll_own_worker(struct kunit *test)
{
	struct wt *x = wt_create(test);
	unsigned int i;
	bool polled_on = false;

	x->t->vq.worker = &x->own;
	for (i = 0; i < WT_TRIES && !polled_on; i++) {
		x->poll.looks = 0;
		x->poll.ready = false;
		x->other.ran = false;
		wt_add(&x->w, &x->other.work);
		wt_add(&x->own, &x->poll.work);
		viox_worker_run(&x->own);
		polled_on = x->poll.ready && x->poll.looks == 3;
		/* The device's worker kept its work for its own batch. */
		KUNIT_EXPECT_FALSE(test, x->other.ran);
		KUNIT_EXPECT_TRUE(test, viox_worker_run(&x->w));
		KUNIT_EXPECT_TRUE(test, x->other.ran);
	}
	KUNIT_EXPECT_TRUE(test, polled_on);

	x->poll.looks = 0;
	wt_add(&x->own, &x->poll.work);
	wt_add(&x->own, &x->other.work);
	KUNIT_EXPECT_TRUE(test, viox_worker_run(&x->own));
	KUNIT_EXPECT_EQ(test, x->poll.looks, 1);
	wt_destroy(x);
}

/* A vq's kicks go to its own worker; with none, to the device's. */
static void kick_on_vq_worker(struct kunit *test)
{
	struct wt *x = wt_create(test);
	struct viox_vq *vq = &x->t->vq;

	/* Waking the test's own thread, which runs, is harmless. */
	x->w.kthread = current;
	x->own.kthread = current;
	vq->worker = &x->own;
	viox_vq_kick(vq);
	KUNIT_EXPECT_FALSE(test, llist_empty(&x->own.list));
	KUNIT_EXPECT_TRUE(test, llist_empty(&x->w.list));
	/* Taken off unrun: it may be queued again. */
	llist_del_all(&x->own.list);
	vq->poll.work.flags = 0;

	vq->worker = NULL;
	viox_vq_kick(vq);
	KUNIT_EXPECT_TRUE(test, llist_empty(&x->own.list));
	KUNIT_EXPECT_FALSE(test, llist_empty(&x->w.list));
	llist_del_all(&x->w.list);
	vq->poll.work.flags = 0;
	x->w.kthread = NULL;
	x->own.kthread = NULL;
	wt_destroy(x);
}

static struct kunit_case viox_worker_cases[] = {
	KUNIT_CASE(poll_alone_waits),
	KUNIT_CASE(poll_yields_to_batch),
	KUNIT_CASE(poll_yields_to_queued),
	KUNIT_CASE(poll_last_in_batch_waits),
	KUNIT_CASE(poll_own_worker),
	KUNIT_CASE(kick_on_vq_worker),
	{}
};

struct kunit_suite viox_worker_suite = {
	.name = "viox_worker",
	.test_cases = viox_worker_cases,
};
