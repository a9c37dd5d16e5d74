// SPDX-License-Identifier: GPL-2.0
/*
 * A vport's own receive queue, on a CPU of its own: what the classifier
 * steers to it waits in a bounded ring, and a NAPI instance kicked on
 * that CPU hands it to the vport's stack (or tap device) there, as a NIC
 * queue with its interrupt on the VM's core would. A full queue drops
 * and counts (drop_queue_full) without holding back other vports. With
 * no CPU set, the vport receives inline, on the CPU that classified.
 */
#include <linux/netdevice.h>
#include <linux/ptr_ring.h>
#include <linux/slab.h>

#include "vmdq.h"

/* Frames a vport's queue holds. */
#define VMDQ_RXQ_LEN	1024

struct vmdq_rxq {
	struct ptr_ring ring;		/* skbs ready for the vport's stack */
	struct napi_struct napi;
	call_single_data_t csd;
	unsigned long ipi_pending;	/* bit 0: a kick is on its way */
	int cpu;			/* READ_ONCE: where the NAPI runs */
	struct rcu_head rcu;
};

static int vmdq_rxq_poll(struct napi_struct *napi, int budget)
{
	struct vmdq_rxq *q = container_of(napi, struct vmdq_rxq, napi);
	struct sk_buff *skb;
	int done = 0;

	while (done < budget && (skb = ptr_ring_consume(&q->ring))) {
		netif_receive_skb(skb);
		done++;
	}
	/* A frame queued while it completed finds it unscheduled: go again. */
	if (done < budget && napi_complete_done(napi, done) &&
	    !ptr_ring_empty(&q->ring))
		napi_schedule(napi);
	return done;
}

/* The queue's CPU, in hard interrupt context. */
static void vmdq_rxq_ipi(void *data)
{
	struct vmdq_rxq *q = data;

	napi_schedule(&q->napi);
	/* Last: once clear, the queue may be freed (vmdq_rxq_set). */
	clear_bit_unlock(0, &q->ipi_pending);
}

/* Run the queue's NAPI on its CPU, unless it is scheduled already. */
static void vmdq_rxq_kick(struct vmdq_rxq *q)
{
	int cpu = READ_ONCE(q->cpu);

	/* The frame is in the ring before the NAPI state is read. */
	smp_mb();
	if (napi_is_scheduled(&q->napi))
		return;
	if (cpu == smp_processor_id() || !cpu_online(cpu)) {
		napi_schedule(&q->napi);
		return;
	}
	if (test_and_set_bit(0, &q->ipi_pending))
		return;
	if (smp_call_function_single_async(cpu, &q->csd)) {
		clear_bit(0, &q->ipi_pending);
		napi_schedule(&q->napi);
	}
}

/**
 * vmdq_rxq_enqueue - queue a frame for its vport's CPU
 * @vp: the vport
 * @skb: the frame, ready for the vport's receive path (skb->dev set)
 * @len: its length on the wire, for the vport's counters
 *
 * BH off, RCU held. Return: false when the vport has no queue (the caller
 * delivers inline and counts); true when the queue took the frame, or was
 * full and dropped it, and counted either.
 */
bool vmdq_rxq_enqueue(struct vmdq_vport *vp, struct sk_buff *skb,
		      unsigned int len)
{
	struct vmdq_rxq *q = rcu_dereference(vp->rxq);

	if (!q)
		return false;
	if (unlikely(ptr_ring_produce(&q->ring, skb))) {
		dev_dstats_rx_dropped(vp->dev);
		vmdq_count(vp, VMDQ_STAT_DROP_QUEUE_FULL);
		kfree_skb(skb);
		return true;
	}
	dev_dstats_rx_add(vp->dev, len);
	vmdq_rxq_kick(q);
	return true;
}

/* Whether the vport's queue is on another CPU than this one (RCU held). */
bool vmdq_rxq_elsewhere(const struct vmdq_vport *vp)
{
	const struct vmdq_rxq *q = rcu_dereference(vp->rxq);

	return q && READ_ONCE(q->cpu) != smp_processor_id();
}

static void vmdq_rxq_free(struct vmdq_rxq *q)
{
	struct sk_buff *skb;

	/* The ring's locks are softirq ones: BH off, as the NAPI had it. */
	while ((skb = ptr_ring_consume_bh(&q->ring)))
		kfree_skb(skb);
	ptr_ring_cleanup(&q->ring, NULL);
	kfree(q);
}

/**
 * vmdq_rxq_set - give a vport its own queue on a CPU, move it, or end it
 * @vp: the vport
 * @cpu: the CPU, or -1 for none (inline delivery)
 *
 * RTNL held. Return: 0 or -ENOMEM.
 */
int vmdq_rxq_set(struct vmdq_vport *vp, int cpu)
{
	struct vmdq_rxq *q = rtnl_dereference(vp->rxq);
	int err;

	ASSERT_RTNL();
	if (q && cpu >= 0) {
		WRITE_ONCE(q->cpu, cpu);
		return 0;
	}
	if (q) {
		RCU_INIT_POINTER(vp->rxq, NULL);
		/* No classifier enqueues now; the NAPI drains what it has. */
		synchronize_net();
		napi_disable(&q->napi);
		netif_napi_del(&q->napi);
		/* No IPI is left in flight: it would touch a freed queue. */
		while (test_bit_acquire(0, &q->ipi_pending))
			cpu_relax();
		vmdq_rxq_free(q);
		return 0;
	}
	if (cpu < 0)
		return 0;
	q = kzalloc(sizeof(*q), GFP_KERNEL);
	if (!q)
		return -ENOMEM;
	err = ptr_ring_init(&q->ring, VMDQ_RXQ_LEN, GFP_KERNEL);
	if (err) {
		kfree(q);
		return err;
	}
	q->cpu = cpu;
	INIT_CSD(&q->csd, vmdq_rxq_ipi, q);
	netif_napi_add(vp->dev, &q->napi, vmdq_rxq_poll);
	napi_enable(&q->napi);
	rcu_assign_pointer(vp->rxq, q);
	return 0;
}

/* The vport's queue's CPU, or -1. */
int vmdq_rxq_cpu(const struct vmdq_vport *vp)
{
	const struct vmdq_rxq *q;
	int cpu = -1;

	rcu_read_lock();
	q = rcu_dereference(vp->rxq);
	if (q)
		cpu = READ_ONCE(q->cpu);
	rcu_read_unlock();
	return cpu;
}
