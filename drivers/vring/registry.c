// SPDX-License-Identifier: GPL-2.0
/*
 * Every open device of every viox backend, by id: what netlink dumps and
 * what the backends' sysfs summaries add up.
 *
 * viox_devs_lock is never held around a device's or a vq's mutex: those
 * are held across guest memory accesses and user copies that a tenant can
 * stall for ever (a FUSE or userfaultfd mapping). What readers of the
 * registry look at is read without them.
 */
#include <linux/cred.h>
#include <linux/mutex.h>
#include <linux/nsproxy.h>
#include <linux/xarray.h>
#include <net/net_namespace.h>

#include "internal.h"

static DEFINE_XARRAY_ALLOC1(viox_devs);
static u32 viox_devs_next = 1;
/* Guards the registry and each device's owner pid. */
DEFINE_MUTEX(viox_devs_lock);

/**
 * viox_dev_register() - make a device visible over netlink
 * @dev: the device, after viox_dev_init()
 * @cls: its backend's class
 *
 * Ids go round rather than being reused at once, so a stale id names no
 * device instead of another one. The caller's network namespace and
 * effective uid become the device's (the uid is the owner's once one sets
 * itself): netlink shows it to its own user and to that namespace's admins
 * only.
 *
 * Return: 0, or -ENOMEM / -EBUSY.
 */
int viox_dev_register(struct viox_dev *dev, const struct viox_dev_class *cls)
{
	int r;

	dev->cls = cls;
	dev->net = get_net(current->nsproxy->net_ns);
	dev->uid = current_euid();
	mutex_lock(&viox_devs_lock);
	r = xa_alloc_cyclic(&viox_devs, &dev->id, dev, xa_limit_31b,
			    &viox_devs_next, GFP_KERNEL_ACCOUNT);
	mutex_unlock(&viox_devs_lock);
	if (r < 0) {
		put_net(dev->net);
		dev->net = NULL;
		return r;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(viox_dev_register);

/**
 * viox_dev_unregister() - hide a device before it is torn down
 * @dev: the device
 *
 * Once this returns no netlink request looks at @dev.
 */
void viox_dev_unregister(struct viox_dev *dev)
{
	mutex_lock(&viox_devs_lock);
	xa_erase(&viox_devs, dev->id);
	mutex_unlock(&viox_devs_lock);
	put_net(dev->net);
	dev->net = NULL;
}
EXPORT_SYMBOL_GPL(viox_dev_unregister);

/*
 * Swap the owner netlink reports; returns the old one for the caller to
 * put. A new owner's effective uid becomes the device's: a VMM that gets
 * the file from a privileged opener (libvirt) sees its own device.
 */
struct pid *viox_dev_swap_owner(struct viox_dev *dev, struct pid *owner)
{
	mutex_lock(&viox_devs_lock);
	swap(dev->owner, owner);
	if (dev->owner)
		dev->uid = current_euid();
	mutex_unlock(&viox_devs_lock);
	return owner;
}

/* Caller holds viox_devs_lock. */
struct viox_dev *viox_dev_find(u32 id)
{
	lockdep_assert_held(&viox_devs_lock);
	return xa_load(&viox_devs, id);
}

/* The first device with an id >= *id; caller holds viox_devs_lock. */
struct viox_dev *viox_dev_next(unsigned long *id)
{
	lockdep_assert_held(&viox_devs_lock);
	return xa_find(&viox_devs, id, ULONG_MAX, XA_PRESENT);
}

/**
 * viox_devs_count() - how many devices of a backend are open
 * @type: the backend
 *
 * Return: the count.
 */
unsigned int viox_devs_count(enum viox_dev_type type)
{
	struct viox_dev *dev;
	unsigned long id;
	unsigned int n = 0;

	mutex_lock(&viox_devs_lock);
	xa_for_each(&viox_devs, id, dev)
		n += dev->cls->type == type;
	mutex_unlock(&viox_devs_lock);
	return n;
}
EXPORT_SYMBOL_GPL(viox_devs_count);

/**
 * viox_devs_sum() - add up one vq's counters over a backend's devices
 * @type: the backend
 * @vq_index: which vq of each device
 * @sums: the sums, by enum viox_vq_stat
 * @broken: how many of those vqs are broken now
 */
void viox_devs_sum(enum viox_dev_type type, unsigned int vq_index,
		   u64 sums[VIOX_VQ_NR_STATS], unsigned int *broken)
{
	u64 v[VIOX_VQ_NR_STATS];
	struct viox_dev *dev;
	unsigned long id;
	unsigned int i;

	memset(sums, 0, sizeof(u64) * VIOX_VQ_NR_STATS);
	*broken = 0;
	mutex_lock(&viox_devs_lock);
	xa_for_each(&viox_devs, id, dev) {
		if (dev->cls->type != type || vq_index >= dev->nvqs)
			continue;
		viox_vq_stats_read(dev->vqs[vq_index], v);
		for (i = 0; i < VIOX_VQ_NR_STATS; i++)
			sums[i] += v[i];
		*broken += READ_ONCE(dev->vqs[vq_index]->broken);
	}
	mutex_unlock(&viox_devs_lock);
}
EXPORT_SYMBOL_GPL(viox_devs_sum);
