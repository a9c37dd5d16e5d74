// SPDX-License-Identifier: GPL-2.0
/*
 * The vDPA config ops: how virtio_vdpa and vhost_vdpa set up, start, stop
 * and reset a viox_blk device. Everything but kick_vq runs in process
 * context and is serialized by blk->lock; a vq runs when the driver made
 * it ready, set DRIVER_OK and has not suspended the device.
 */
#include <linux/cpumask.h>
#include <linux/slab.h>
#include <linux/vhost_types.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <uapi/linux/vdpa.h>
#include <viox/blk_nl.h>

#include "blk.h"

static struct viox_blk *to_blk(struct vdpa_device *vdpa)
{
	return container_of(vdpa, struct viox_blk, vdpa);
}

static bool vq_should_run(struct viox_blk *blk, struct viox_blk_vq *bvq)
{
	u8 need = VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK;

	return bvq->ready && (blk->status & need) == need && !blk->suspended;
}

/*
 * The identity map is for virtio_vdpa, whose addresses are the host's own.
 * A VMM driving the device through vhost_vdpa reaches only what it mapped
 * with set_map: until then, nothing.
 */
static struct vhost_iotlb *blk_iotlb(struct viox_blk *blk)
{
	struct device_driver *drv = blk->vdpa.dev.driver;

	if (blk->iotlb_pt && (!drv || strcmp(drv->name, "virtio_vdpa")))
		return NULL;
	return &blk->iotlb;
}

static void vq_start(struct viox_blk *blk, struct viox_blk_vq *bvq)
{
	struct viox_vq *vq = &bvq->vq;
	int r;

	mutex_lock(&vq->mutex);
	/* Running, or broken by its driver: only a reset or new base undoes that. */
	if (vq->private_data || vq->broken) {
		mutex_unlock(&vq->mutex);
		return;
	}
	vq->umem = blk_iotlb(blk);
	bvq->throttled = false;
	bvq->qos_since = 0;
	r = viox_vq_map_rings(vq);
	if (r) {
		/* Not (yet) mapped: it starts when a map has its rings. */
		dev_warn_ratelimited(&blk->vdpa.dev, "vq %td: %s\n", bvq - blk->vqs,
				     vq->umem ? "rings not mapped whole, not started" :
				     "no address map set by the VMM, not started");
		mutex_unlock(&vq->mutex);
		return;
	}
	r = viox_vq_start(vq);
	if (r) {
		viox_vq_unmap_rings(vq);
		viox_vq_break(vq, "ring state invalid at start");
	} else {
		vq->private_data = bvq;
	}
	mutex_unlock(&vq->mutex);
	/* Kicks that came while it was stopped were not kept. */
	if (!r)
		viox_vq_kick(vq);
}

/*
 * Stop taking requests and return every one in flight to the ring, so
 * the ring state read after this accounts for all of them.
 */
static void vq_stop(struct viox_blk *blk, struct viox_blk_vq *bvq)
{
	struct viox_vq *vq = &bvq->vq;

	mutex_lock(&vq->mutex);
	vq->private_data = NULL;
	mutex_unlock(&vq->mutex);
	/* Stopped, the vq cannot arm it again. */
	hrtimer_cancel(&bvq->qos_timer);
	wait_var_event(&bvq->inflight, !atomic_read(&bvq->inflight));
	/* The last completions' calls to the driver, if deferred. */
	irq_work_sync(&bvq->call_work);
	viox_vq_flush(vq);
	mutex_lock(&vq->mutex);
	viox_blk_drain(bvq);
	viox_vq_unmap_rings(vq);
	mutex_unlock(&vq->mutex);
}

static void vq_update(struct viox_blk *blk, struct viox_blk_vq *bvq)
{
	if (vq_should_run(blk, bvq))
		vq_start(blk, bvq);
	else if (READ_ONCE(bvq->vq.private_data))
		vq_stop(blk, bvq);
}

static void vqs_update(struct viox_blk *blk)
{
	unsigned int i;

	for (i = 0; i < blk->nvqs; i++)
		vq_update(blk, &blk->vqs[i]);
}

/* The blk group hears of it (a VMM's reset makes the queue usable again). */
static void blk_vq_broken(struct viox_vq *vq)
{
	struct viox_blk_vq *bvq = container_of(vq, struct viox_blk_vq, vq);
	struct viox_blk *blk = bvq->blk;

	viox_nl_blk_notify(dev_name(&blk->vdpa.dev), true, bvq - blk->vqs);
}

static struct viox_blk_vq *get_vq(struct viox_blk *blk, u16 idx)
{
	if (idx >= blk->nvqs)
		return NULL;
	return &blk->vqs[array_index_nospec(idx, blk->nvqs)];
}

static int blk_set_vq_address(struct vdpa_device *vdpa, u16 idx, u64 desc,
			      u64 driver, u64 device)
{
	struct viox_blk *blk = to_blk(vdpa);
	struct viox_blk_vq *bvq = get_vq(blk, idx);
	int r = -EBUSY;

	/* The strictest alignment of either layout (virtio 1.2, 2.7.2). */
	if (!bvq || desc % 16 || driver % 4 || device % 4)
		return -EINVAL;
	mutex_lock(&bvq->vq.mutex);
	if (!bvq->vq.private_data) {
		bvq->vq.kring.iova[VIOX_AREA_DESC] = desc;
		bvq->vq.kring.iova[VIOX_AREA_DRIVER] = driver;
		bvq->vq.kring.iova[VIOX_AREA_DEVICE] = device;
		r = 0;
	}
	mutex_unlock(&bvq->vq.mutex);
	return r;
}

static void blk_set_vq_num(struct vdpa_device *vdpa, u16 idx, u32 num)
{
	struct viox_blk *blk = to_blk(vdpa);
	struct viox_blk_vq *bvq = get_vq(blk, idx);

	if (!bvq)
		return;
	mutex_lock(&bvq->vq.mutex);
	if (!bvq->vq.private_data && viox_vq_set_num(&bvq->vq, num))
		dev_warn_ratelimited(&vdpa->dev, "vq %u: ring size %u refused\n",
				     idx, num);
	mutex_unlock(&bvq->vq.mutex);
}

/* Any context: virtio_blk kicks from its queue_rq. */
static void blk_kick_vq(struct vdpa_device *vdpa, u16 idx)
{
	struct viox_blk *blk = to_blk(vdpa);
	struct viox_blk_vq *bvq = get_vq(blk, idx);

	if (bvq && READ_ONCE(bvq->vq.private_data))
		viox_vq_kick(&bvq->vq);
}

static void blk_set_vq_cb(struct vdpa_device *vdpa, u16 idx,
			  struct vdpa_callback *cb)
{
	struct viox_blk *blk = to_blk(vdpa);
	struct viox_blk_vq *bvq = get_vq(blk, idx);

	if (!bvq)
		return;
	/* Completions read it under the lock, from any context. */
	spin_lock_irq(&bvq->used_lock);
	bvq->cb = *cb;
	spin_unlock_irq(&bvq->used_lock);
}

static void blk_set_vq_ready(struct vdpa_device *vdpa, u16 idx, bool ready)
{
	struct viox_blk *blk = to_blk(vdpa);
	struct viox_blk_vq *bvq = get_vq(blk, idx);

	if (!bvq)
		return;
	mutex_lock(&blk->lock);
	bvq->ready = ready;
	vq_update(blk, bvq);
	mutex_unlock(&blk->lock);
}

static bool blk_get_vq_ready(struct vdpa_device *vdpa, u16 idx)
{
	struct viox_blk *blk = to_blk(vdpa);
	struct viox_blk_vq *bvq = get_vq(blk, idx);

	return bvq && READ_ONCE(bvq->ready);
}

static bool blk_packed(const struct viox_blk *blk)
{
	return blk->features & BIT_ULL(VIRTIO_F_RING_PACKED);
}

static int blk_set_vq_state(struct vdpa_device *vdpa, u16 idx,
			    const struct vdpa_vq_state *state)
{
	struct viox_blk *blk = to_blk(vdpa);
	struct viox_blk_vq *bvq = get_vq(blk, idx);
	struct viox_vq *vq;
	u32 base;
	int r = -EBUSY;

	if (!bvq)
		return -EINVAL;
	vq = &bvq->vq;
	if (blk_packed(blk)) {
		const struct vdpa_vq_state_packed *p = &state->packed;

		base = (p->last_avail_idx & 0x7fff) |
		       (u32)p->last_avail_counter << 15 |
		       (u32)(p->last_used_idx & 0x7fff) << 16 |
		       (u32)p->last_used_counter << 31;
	} else {
		base = state->split.avail_index;
	}
	mutex_lock(&vq->mutex);
	/* The used side too: completions still in flight would race it. */
	spin_lock_irq(&bvq->used_lock);
	if (!vq->private_data && !atomic_read(&bvq->inflight))
		r = viox_vq_set_base(vq, base);
	spin_unlock_irq(&bvq->used_lock);
	mutex_unlock(&vq->mutex);
	return r;
}

static int blk_get_vq_state(struct vdpa_device *vdpa, u16 idx,
			    struct vdpa_vq_state *state)
{
	struct viox_blk *blk = to_blk(vdpa);
	struct viox_blk_vq *bvq = get_vq(blk, idx);
	struct viox_vq *vq;
	u32 base;

	if (!bvq)
		return -EINVAL;
	vq = &bvq->vq;
	/* A running vq's used position moves under the used side's lock. */
	mutex_lock(&vq->mutex);
	spin_lock_irq(&bvq->used_lock);
	base = viox_vq_get_base(vq);
	spin_unlock_irq(&bvq->used_lock);
	mutex_unlock(&vq->mutex);
	if (blk_packed(blk)) {
		state->packed.last_avail_idx = base & 0x7fff;
		state->packed.last_avail_counter = !!(base & BIT(15));
		state->packed.last_used_idx = (base >> 16) & 0x7fff;
		state->packed.last_used_counter = !!(base & BIT(31));
	} else {
		state->split.avail_index = base;
	}
	return 0;
}

static u32 blk_get_vq_align(struct vdpa_device *vdpa)
{
	return PAGE_SIZE;
}

static u64 blk_get_device_features(struct vdpa_device *vdpa)
{
	return to_blk(vdpa)->offered;
}

static int blk_set_driver_features(struct vdpa_device *vdpa, u64 features)
{
	struct viox_blk *blk = to_blk(vdpa);
	unsigned int i;
	int r = 0;

	/* Only modern drivers: config space and rings are little-endian. */
	if (features & ~blk->offered ||
	    !(features & BIT_ULL(VIRTIO_F_VERSION_1)) ||
	    !(features & BIT_ULL(VIRTIO_F_ACCESS_PLATFORM)))
		return -EINVAL;
	mutex_lock(&blk->lock);
	/* The ring layout is fixed once a vq may run. */
	if (blk->status & (VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK)) {
		r = blk->features == features ? 0 : -EBUSY;
		goto out;
	}
	blk->features = features;
	for (i = 0; i < blk->nvqs; i++) {
		mutex_lock(&blk->vqs[i].vq.mutex);
		viox_vq_set_features(&blk->vqs[i].vq, features);
		mutex_unlock(&blk->vqs[i].vq.mutex);
	}
out:
	mutex_unlock(&blk->lock);
	return r;
}

static u64 blk_get_driver_features(struct vdpa_device *vdpa)
{
	return to_blk(vdpa)->features;
}

static void blk_set_config_cb(struct vdpa_device *vdpa,
			      struct vdpa_callback *cb)
{
	/* The config never changes under a driver: nothing to tell it. */
}

static u16 blk_get_vq_num_max(struct vdpa_device *vdpa)
{
	return VIOX_BLK_RING_MAX;
}

static u16 blk_get_vq_num_min(struct vdpa_device *vdpa)
{
	return 1;
}

static u32 blk_get_device_id(struct vdpa_device *vdpa)
{
	return VIRTIO_ID_BLOCK;
}

static u32 blk_get_vendor_id(struct vdpa_device *vdpa)
{
	return 0;
}

static u8 blk_get_status(struct vdpa_device *vdpa)
{
	return READ_ONCE(to_blk(vdpa)->status);
}

static void blk_set_status(struct vdpa_device *vdpa, u8 status)
{
	struct viox_blk *blk = to_blk(vdpa);

	mutex_lock(&blk->lock);
	/* No FEATURES_OK for features never set: the driver reads it back. */
	if (!(blk->features & BIT_ULL(VIRTIO_F_VERSION_1)))
		status &= ~VIRTIO_CONFIG_S_FEATURES_OK;
	WRITE_ONCE(blk->status, status);
	vqs_update(blk);
	mutex_unlock(&blk->lock);
}

static int blk_reset(struct vdpa_device *vdpa)
{
	struct viox_blk *blk = to_blk(vdpa);
	unsigned int i;

	mutex_lock(&blk->lock);
	WRITE_ONCE(blk->status, 0);
	blk->suspended = false;
	for (i = 0; i < blk->nvqs; i++) {
		struct viox_blk_vq *bvq = &blk->vqs[i];

		bvq->ready = false;
		vq_update(blk, bvq);
		mutex_lock(&bvq->vq.mutex);
		viox_vq_reset(&bvq->vq);
		mutex_unlock(&bvq->vq.mutex);
		spin_lock_irq(&bvq->used_lock);
		bvq->cb.callback = NULL;
		bvq->cb.private = NULL;
		spin_unlock_irq(&bvq->used_lock);
		if (!cpumask_empty(bvq->affinity)) {
			cpumask_clear(bvq->affinity);
			viox_vq_worker_affinity(&bvq->vq, cpu_possible_mask);
		}
	}
	blk->features = 0;
	WRITE_ONCE(blk->writethrough, blk->backing->writethrough);
	viox_blk_fill_config(blk->backing, blk->writethrough, &blk->config);
	blk->generation++;
	mutex_unlock(&blk->lock);
	return 0;
}

static void set_suspended(struct viox_blk *blk, bool suspended)
{
	mutex_lock(&blk->lock);
	blk->suspended = suspended;
	vqs_update(blk);
	mutex_unlock(&blk->lock);
}

static int blk_suspend(struct vdpa_device *vdpa)
{
	set_suspended(to_blk(vdpa), true);
	return 0;
}

static int blk_resume(struct vdpa_device *vdpa)
{
	set_suspended(to_blk(vdpa), false);
	return 0;
}

static size_t blk_get_config_size(struct vdpa_device *vdpa)
{
	return sizeof(struct virtio_blk_config);
}

static void blk_get_config(struct vdpa_device *vdpa, unsigned int offset,
			   void *buf, unsigned int len)
{
	struct viox_blk *blk = to_blk(vdpa);

	if (offset > sizeof(blk->config) || len > sizeof(blk->config) - offset) {
		memset(buf, 0, len);
		return;
	}
	mutex_lock(&blk->lock);
	memcpy(buf, (u8 *)&blk->config + offset, len);
	mutex_unlock(&blk->lock);
}

/* Only the cache mode is writable (VIRTIO_BLK_F_CONFIG_WCE). */
static void blk_set_config(struct vdpa_device *vdpa, unsigned int offset,
			   const void *buf, unsigned int len)
{
	struct viox_blk *blk = to_blk(vdpa);
	const unsigned int wce = offsetof(struct virtio_blk_config, wce);

	if (offset > wce || len > sizeof(blk->config) - offset ||
	    offset + len <= wce)
		return;
	mutex_lock(&blk->lock);
	if (blk->features & BIT_ULL(VIRTIO_BLK_F_CONFIG_WCE)) {
		blk->config.wce = !!((const u8 *)buf)[wce - offset];
		WRITE_ONCE(blk->writethrough, !blk->config.wce);
		blk->generation++;
	}
	mutex_unlock(&blk->lock);
}

static u32 blk_get_generation(struct vdpa_device *vdpa)
{
	return READ_ONCE(to_blk(vdpa)->generation);
}

/*
 * A new address map: every running vq is stopped first, its requests in
 * flight finished (their pages may be the ones going away), then started
 * again on the new map, from where it stood.
 */
static int remap(struct viox_blk *blk, struct vhost_iotlb *from)
{
	unsigned int i;
	int r;

	for (i = 0; i < blk->nvqs; i++)
		if (READ_ONCE(blk->vqs[i].vq.private_data))
			vq_stop(blk, &blk->vqs[i]);
	r = from ? viox_blk_map_copy(blk, from) : viox_blk_map_identity(blk);
	vqs_update(blk);
	return r;
}

/* A VMM's memory from vhost_vdpa: copied, never kept. */
static int blk_set_map(struct vdpa_device *vdpa, unsigned int asid,
		       struct vhost_iotlb *iotlb)
{
	struct viox_blk *blk = to_blk(vdpa);
	int r;

	if (asid)
		return -EINVAL;
	mutex_lock(&blk->lock);
	r = remap(blk, iotlb);
	mutex_unlock(&blk->lock);
	return r;
}

/* Back to the identity map, when the VMM is gone. */
static int blk_reset_map(struct vdpa_device *vdpa, unsigned int asid)
{
	struct viox_blk *blk = to_blk(vdpa);
	int r = 0;

	if (asid)
		return -EINVAL;
	mutex_lock(&blk->lock);
	if (!blk->iotlb_pt)
		r = remap(blk, NULL);
	mutex_unlock(&blk->lock);
	return r;
}

/*
 * virtio_vdpa spreads the vqs over the CPUs as it would a device's
 * interrupts, and virtio_blk maps each CPU's requests to the vq that has
 * it: the vq's worker runs there too, so that a request is taken,
 * submitted and (for direct I/O) returned on the CPU that sent it. A
 * reset lets it run anywhere again (vhost_vdpa's VMM sets none).
 */
static int blk_set_vq_affinity(struct vdpa_device *vdpa, u16 idx,
			       const struct cpumask *mask)
{
	struct viox_blk_vq *bvq = get_vq(to_blk(vdpa), idx);

	if (!bvq)
		return -EINVAL;
	cpumask_copy(bvq->affinity, mask);
	return viox_vq_worker_affinity(&bvq->vq, mask);
}

static const struct cpumask *blk_get_vq_affinity(struct vdpa_device *vdpa,
						 u16 idx)
{
	struct viox_blk_vq *bvq = get_vq(to_blk(vdpa), idx);

	return bvq && !cpumask_empty(bvq->affinity) ? bvq->affinity : NULL;
}

static void blk_free(struct vdpa_device *vdpa)
{
	struct viox_blk *blk = to_blk(vdpa);
	unsigned int i;

	/* Stopped already unless set-up failed half-way. */
	viox_dev_stop_worker(&blk->dev);
	for (i = 0; i < VIOX_BLK_MAX_QUEUES; i++) {
		kvfree(blk->vqs[i].bvec);
		free_cpumask_var(blk->vqs[i].affinity);
	}
	viox_blk_map_clear(blk);
}

const struct vdpa_config_ops viox_blk_vdpa_ops = {
	.set_vq_address		= blk_set_vq_address,
	.set_vq_num		= blk_set_vq_num,
	.kick_vq		= blk_kick_vq,
	.set_vq_affinity	= blk_set_vq_affinity,
	.get_vq_affinity	= blk_get_vq_affinity,
	.set_vq_cb		= blk_set_vq_cb,
	.set_vq_ready		= blk_set_vq_ready,
	.get_vq_ready		= blk_get_vq_ready,
	.set_vq_state		= blk_set_vq_state,
	.get_vq_state		= blk_get_vq_state,
	.get_vq_align		= blk_get_vq_align,
	.get_device_features	= blk_get_device_features,
	.set_driver_features	= blk_set_driver_features,
	.get_driver_features	= blk_get_driver_features,
	.set_config_cb		= blk_set_config_cb,
	.get_vq_num_max		= blk_get_vq_num_max,
	.get_vq_num_min		= blk_get_vq_num_min,
	.get_device_id		= blk_get_device_id,
	.get_vendor_id		= blk_get_vendor_id,
	.get_status		= blk_get_status,
	.set_status		= blk_set_status,
	.reset			= blk_reset,
	.suspend		= blk_suspend,
	.resume			= blk_resume,
	.get_config_size	= blk_get_config_size,
	.get_config		= blk_get_config,
	.set_config		= blk_set_config,
	.get_generation		= blk_get_generation,
	.set_map		= blk_set_map,
	.reset_map		= blk_reset_map,
	.free			= blk_free,
};

/**
 * viox_blk_dev_init() - set up a device allocated by vdpa_alloc_device()
 * @blk: the device
 * @b: its backing store
 *
 * Return: 0 or a negative errno; the caller puts the device on error.
 */
int viox_blk_dev_init(struct viox_blk *blk, struct viox_blk_backing *b)
{
	struct device *dev = &blk->vdpa.dev;
	char name[TASK_COMM_LEN];
	unsigned int i;
	int r;

	mutex_init(&blk->lock);
	/*
	 * No limit of its own (0 would refuse every entry): it mirrors
	 * vhost_vdpa's map, whose limit is vhost_vdpa's max_iotlb_entries
	 * (a fragmented guest takes one entry per page).
	 */
	vhost_iotlb_init(&blk->iotlb, UINT_MAX, 0);
	r = viox_blk_map_identity(blk);
	if (r)
		return r;
	/* virtio_vdpa maps through the DMA API onto this device: direct. */
	dev->dma_mask = &dev->coherent_dma_mask;
	r = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64));
	if (r)
		return r;
	blk->vdpa.dma_dev = dev;
	dev->groups = viox_blk_groups;
	blk->backing = b;
	blk->nvqs = b->queues;
	blk->offered = viox_blk_features(b);
	blk->writethrough = b->writethrough;
	viox_blk_fill_config(b, blk->writethrough, &blk->config);
	viox_blk_qos_init(&blk->qos);
	viox_blk_qos_set(&blk->qos, &b->limits, ktime_get_ns());
	for (i = 0; i < blk->nvqs; i++) {
		struct viox_blk_vq *bvq = &blk->vqs[i];

		bvq->blk = blk;
		bvq->vq.handle_kick = viox_blk_handle_kick;
		bvq->vq.break_fn = blk_vq_broken;
		bvq->vq.kmem = true;
		bvq->bvec = kvmalloc_array(VIOX_MAX_IOV, sizeof(*bvq->bvec),
					   GFP_KERNEL);
		if (!bvq->bvec || !zalloc_cpumask_var(&bvq->affinity, GFP_KERNEL))
			return -ENOMEM;
		init_llist_head(&bvq->done);
		viox_work_init(&bvq->done_work, viox_blk_handle_done);
		atomic_set(&bvq->inflight, 0);
		spin_lock_init(&bvq->used_lock);
		init_irq_work(&bvq->call_work, viox_blk_call_work);
		hrtimer_init(&bvq->qos_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
		bvq->qos_timer.function = viox_blk_qos_timer;
		u64_stats_init(&bvq->stats.syncp);
		blk->vq_ptrs[i] = &bvq->vq;
	}
	viox_dev_init(&blk->dev, dev_name(dev), blk->vq_ptrs, blk->nvqs);
	snprintf(name, sizeof(name), "viox-%s", dev_name(dev));
	return viox_dev_start_kthreads(&blk->dev, name);
}

/**
 * viox_blk_set_limits() - new I/O limits for a device, at once
 * @blk: the device
 * @l: its limits
 */
void viox_blk_set_limits(struct viox_blk *blk, const struct viox_blk_limits *l)
{
	unsigned int i;

	viox_blk_qos_set(&blk->qos, l, ktime_get_ns());
	/*
	 * A queue held back looks again now, not when its old wait ends.
	 * Running queues only, under the lock viox_blk_dev_stop() takes to
	 * stop them before the workers go.
	 */
	mutex_lock(&blk->lock);
	for (i = 0; i < blk->nvqs; i++)
		if (READ_ONCE(blk->vqs[i].vq.private_data))
			viox_vq_work_queue(&blk->vqs[i].vq, &blk->vqs[i].vq.poll.work);
	mutex_unlock(&blk->lock);
}

/**
 * viox_blk_dev_stop() - before unregistering: nothing runs afterwards
 * @blk: the device, whose driver has been removed (which resets it)
 */
void viox_blk_dev_stop(struct viox_blk *blk)
{
	unsigned int i;

	mutex_lock(&blk->lock);
	for (i = 0; i < blk->nvqs; i++) {
		blk->vqs[i].ready = false;
		vq_update(blk, &blk->vqs[i]);
	}
	mutex_unlock(&blk->lock);
	/* Completions still queueing a worker (req_done()) are done. */
	synchronize_rcu();
	viox_dev_stop_worker(&blk->dev);
}
