// SPDX-License-Identifier: GPL-2.0
/*
 * Device-wide state and ioctls: ownership, the memory table, the dirty log,
 * and the acked features shared by every vq of one open file.
 */
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/sched/mm.h>
#include <linux/uaccess.h>
#include <linux/vhost.h>
#include <linux/vhost_iotlb.h>

#include "internal.h"

/**
 * viox_dev_init() - set up a device and its vqs for a new open file
 * @dev: the device
 * @name: prefix for its log lines
 * @vqs: its vqs, with handle_kick set
 * @nvqs: how many
 */
void viox_dev_init(struct viox_dev *dev, const char *name,
		   struct viox_vq **vqs, unsigned int nvqs)
{
	unsigned int i;

	mutex_init(&dev->mutex);
	dev->name = name;
	dev->mm = NULL;
	dev->worker = NULL;
	dev->vqs = vqs;
	dev->nvqs = nvqs;
	dev->umem = NULL;
	dev->log_base = NULL;
	dev->log_ctx = NULL;
	dev->owner = NULL;
	dev->id = 0;
	dev->cls = NULL;
	dev->net = NULL;
	for (i = 0; i < nvqs; i++)
		viox_vq_init(dev, vqs[i], i);
}
EXPORT_SYMBOL_GPL(viox_dev_init);

/**
 * viox_dev_check_owner() - whether the caller owns the device
 * @dev: the device
 *
 * Return: 0, or -EPERM.
 */
long viox_dev_check_owner(struct viox_dev *dev)
{
	return dev->mm && dev->mm == current->mm ? 0 : -EPERM;
}
EXPORT_SYMBOL_GPL(viox_dev_check_owner);

static long viox_dev_set_owner(struct viox_dev *dev)
{
	int r;

	if (dev->mm)
		return -EBUSY;
	dev->mm = get_task_mm(current);
	if (!dev->mm)
		return -EINVAL;
	r = viox_worker_create(dev);
	if (r) {
		mmput(dev->mm);
		dev->mm = NULL;
		return r;
	}
	viox_dev_swap_owner(dev, get_task_pid(current, PIDTYPE_TGID));
	return 0;
}

/**
 * viox_dev_cleanup() - release everything the owner set up
 * @dev: the device; the backend has detached and no handler runs
 *
 * Leaves the device as viox_dev_init() made it.
 */
void viox_dev_cleanup(struct viox_dev *dev)
{
	unsigned int i;

	for (i = 0; i < dev->nvqs; i++)
		viox_poll_stop(&dev->vqs[i]->poll);
	viox_dev_flush(dev);
	viox_worker_destroy(dev);
	for (i = 0; i < dev->nvqs; i++) {
		struct viox_vq *vq = dev->vqs[i];

		if (vq->kick)
			fput(vq->kick);
		if (vq->call_ctx)
			eventfd_ctx_put(vq->call_ctx);
		if (vq->error_ctx)
			eventfd_ctx_put(vq->error_ctx);
		vq->kick = NULL;
		vq->call_ctx = NULL;
		vq->error_ctx = NULL;
		vq->log_ctx = NULL;
		viox_vq_reset(vq);
	}
	if (dev->log_ctx)
		eventfd_ctx_put(dev->log_ctx);
	dev->log_ctx = NULL;
	dev->log_base = NULL;
	if (dev->umem)
		vhost_iotlb_free(dev->umem);
	dev->umem = NULL;
	if (dev->mm)
		mmput(dev->mm);
	dev->mm = NULL;
	put_pid(viox_dev_swap_owner(dev, NULL));
}
EXPORT_SYMBOL_GPL(viox_dev_cleanup);

/**
 * viox_dev_reset_owner() - VHOST_RESET_OWNER: forget the owner
 * @dev: the device; the backend has detached
 *
 * Return: 0, or -EPERM if the caller is not the owner.
 */
long viox_dev_reset_owner(struct viox_dev *dev)
{
	long r = viox_dev_check_owner(dev);

	if (!r)
		viox_dev_cleanup(dev);
	return r;
}
EXPORT_SYMBOL_GPL(viox_dev_reset_owner);

/* A bitmap at @log_base covers guest memory and every vq's used ring. */
static bool viox_dev_log_ok(struct viox_dev *dev, void __user *log_base)
{
	unsigned int i;
	bool ok;

	if (!viox_umem_log_ok(dev->umem, log_base))
		return false;
	for (i = 0; i < dev->nvqs; i++) {
		mutex_lock(&dev->vqs[i]->mutex);
		ok = viox_vq_log_used_ok(dev->vqs[i], log_base);
		mutex_unlock(&dev->vqs[i]->mutex);
		if (!ok)
			return false;
	}
	return true;
}

/**
 * viox_dev_set_features() - apply acknowledged features to every vq
 * @dev: the device, mutex held; the backend has checked @features
 * @features: the virtio and vhost feature bits
 *
 * Return: 0, or -EFAULT if logging is asked for but the log base cannot
 * cover guest memory and every vq's used ring.
 */
int viox_dev_set_features(struct viox_dev *dev, u64 features)
{
	unsigned int i;

	if (features & BIT_ULL(VHOST_F_LOG_ALL) &&
	    !viox_dev_log_ok(dev, dev->log_base))
		return -EFAULT;
	for (i = 0; i < dev->nvqs; i++) {
		mutex_lock(&dev->vqs[i]->mutex);
		viox_vq_set_features(dev->vqs[i], features);
		mutex_unlock(&dev->vqs[i]->mutex);
	}
	return 0;
}
EXPORT_SYMBOL_GPL(viox_dev_set_features);

static long viox_dev_set_log_base(struct viox_dev *dev, u64 __user *argp)
{
	void __user *base;
	unsigned int i;
	u64 p;

	if (copy_from_user(&p, argp, sizeof(p)))
		return -EFAULT;
	if ((u64)(unsigned long)p != p)
		return -EFAULT;
	base = (void __user *)(unsigned long)p;
	if (viox_dev_logging(dev) && !viox_dev_log_ok(dev, base))
		return -EFAULT;
	dev->log_base = base;
	for (i = 0; i < dev->nvqs; i++) {
		mutex_lock(&dev->vqs[i]->mutex);
		dev->vqs[i]->log_base = base;
		mutex_unlock(&dev->vqs[i]->mutex);
	}
	return 0;
}

static long viox_dev_set_log_fd(struct viox_dev *dev, int __user *argp)
{
	struct eventfd_ctx *ctx = NULL, *old;
	unsigned int i;
	int fd;

	if (get_user(fd, argp))
		return -EFAULT;
	if (fd != -1) {
		ctx = eventfd_ctx_fdget(fd);
		if (IS_ERR(ctx))
			return PTR_ERR(ctx);
	}
	old = dev->log_ctx;
	dev->log_ctx = ctx;
	for (i = 0; i < dev->nvqs; i++) {
		mutex_lock(&dev->vqs[i]->mutex);
		dev->vqs[i]->log_ctx = ctx;
		mutex_unlock(&dev->vqs[i]->mutex);
	}
	if (old)
		eventfd_ctx_put(old);
	return 0;
}

/**
 * viox_dev_ioctl() - handle the device-wide vhost ioctls
 * @dev: the device; the caller holds dev->mutex
 * @ioctl: VHOST_SET_OWNER, VHOST_SET_MEM_TABLE, VHOST_SET_LOG_BASE or
 *         VHOST_SET_LOG_FD
 * @argp: its argument, in the caller's memory
 *
 * Return: 0, a negative errno, or -ENOIOCTLCMD for any other command.
 */
long viox_dev_ioctl(struct viox_dev *dev, unsigned int ioctl,
		    void __user *argp)
{
	long r;

	if (ioctl == VHOST_SET_OWNER)
		return viox_dev_set_owner(dev);
	switch (ioctl) {
	case VHOST_SET_MEM_TABLE:
	case VHOST_SET_LOG_BASE:
	case VHOST_SET_LOG_FD:
		break;
	default:
		return -ENOIOCTLCMD;
	}
	r = viox_dev_check_owner(dev);
	if (r)
		return r;
	switch (ioctl) {
	case VHOST_SET_MEM_TABLE:
		return viox_dev_set_mem_table(dev, argp);
	case VHOST_SET_LOG_BASE:
		return viox_dev_set_log_base(dev, argp);
	default:
		return viox_dev_set_log_fd(dev, argp);
	}
}
EXPORT_SYMBOL_GPL(viox_dev_ioctl);
