// SPDX-License-Identifier: GPL-2.0
/*
 * viox_blk: the vDPA management device "viox_blk". `vdpa dev add mgmtdev
 * viox_blk name NAME` makes a virtio-blk device of the backing store an
 * admin set for NAME over the viox netlink family (blk-new): the vdpa
 * tool's own attributes carry no path.
 */
#include <linux/device.h>
#include <linux/module.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/workqueue.h>
#include <uapi/linux/vdpa.h>
#include <viox/blk_nl.h>

#include "blk.h"

/* Guards the backing list and each backing's device pointer. */
DEFINE_MUTEX(viox_blk_lock);
LIST_HEAD(viox_blk_backings);
/* Unbound: a flush or a page-cache read may sleep long; in reclaim's path. */
struct workqueue_struct *viox_blk_wq;

static struct device *viox_blk_parent;

/* The backing set for @name; viox_blk_lock held. */
struct viox_blk_backing *viox_blk_backing_find(const char *name)
{
	struct viox_blk_backing *b;

	list_for_each_entry(b, &viox_blk_backings, node)
		if (!strcmp(b->name, name))
			return b;
	return NULL;
}

static int viox_blk_dev_add(struct vdpa_mgmt_dev *mdev, const char *name,
			    const struct vdpa_dev_set_config *config)
{
	struct viox_blk_backing *b;
	struct viox_blk *blk;
	int r;

	mutex_lock(&viox_blk_lock);
	b = viox_blk_backing_find(name);
	if (!b) {
		pr_warn("viox_blk: no backing for %s: set one with the viox netlink family's blk-new\n",
			name);
		r = -ENOENT;
		goto out;
	}
	if (b->blk) {
		r = -EEXIST;
		goto out;
	}
	blk = vdpa_alloc_device(struct viox_blk, vdpa, NULL, &viox_blk_vdpa_ops,
				1, 1, name, false);
	if (IS_ERR(blk)) {
		r = PTR_ERR(blk);
		goto out;
	}
	r = viox_blk_dev_init(blk, b);
	if (r)
		goto put;
	/* `vdpa dev add ... device_features F`: offer only those. */
	if (config->mask & BIT_ULL(VDPA_ATTR_DEV_FEATURES)) {
		u64 must = BIT_ULL(VIRTIO_F_VERSION_1) |
			   BIT_ULL(VIRTIO_F_ACCESS_PLATFORM);

		if ((config->device_features & must) != must) {
			pr_warn("viox_blk: %s: device_features must keep VERSION_1 and ACCESS_PLATFORM\n",
				name);
			r = -EINVAL;
			goto put;
		}
		blk->offered &= config->device_features;
	}
	blk->vdpa.mdev = mdev;
	r = _vdpa_register_device(&blk->vdpa, blk->nvqs);
	if (r)
		goto put;
	b->blk = blk;
	mutex_unlock(&viox_blk_lock);
	viox_nl_blk_notify(name, true, -1);
	return 0;
put:
	put_device(&blk->vdpa.dev);
out:
	mutex_unlock(&viox_blk_lock);
	return r;
}

static void viox_blk_dev_del(struct vdpa_mgmt_dev *mdev,
			     struct vdpa_device *vdpa)
{
	struct viox_blk *blk = container_of(vdpa, struct viox_blk, vdpa);

	get_device(&vdpa->dev);
	/* Removes the driver, which resets the device. */
	_vdpa_unregister_device(vdpa);
	viox_blk_dev_stop(blk);
	mutex_lock(&viox_blk_lock);
	blk->backing->blk = NULL;
	mutex_unlock(&viox_blk_lock);
	viox_nl_blk_notify(dev_name(&vdpa->dev), false, -1);
	put_device(&vdpa->dev);
}

static const struct vdpa_mgmtdev_ops viox_blk_mgmt_ops = {
	.dev_add = viox_blk_dev_add,
	.dev_del = viox_blk_dev_del,
};

static struct virtio_device_id viox_blk_id_table[] = {
	{ VIRTIO_ID_BLOCK, VIRTIO_DEV_ANY_ID },
	{ 0 },
};

static struct vdpa_mgmt_dev viox_blk_mgmt = {
	.ops = &viox_blk_mgmt_ops,
	.id_table = viox_blk_id_table,
	.max_supported_vqs = VIOX_BLK_MAX_QUEUES,
	.config_attr_mask = BIT_ULL(VDPA_ATTR_DEV_FEATURES),
};

static int __init viox_blk_init(void)
{
	int r;

	viox_blk_wq = alloc_workqueue("viox_blk", WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
	if (!viox_blk_wq)
		return -ENOMEM;
	viox_blk_parent = root_device_register("viox_blk");
	if (IS_ERR(viox_blk_parent)) {
		destroy_workqueue(viox_blk_wq);
		return PTR_ERR(viox_blk_parent);
	}
	viox_blk_mgmt.device = viox_blk_parent;
	/* Every feature a backing can give; each device offers its own. */
	viox_blk_mgmt.supported_features =
		viox_blk_features(&(struct viox_blk_backing){ .discard = true }) |
		BIT_ULL(VIRTIO_BLK_F_RO);
	r = vdpa_mgmtdev_register(&viox_blk_mgmt);
	if (r) {
		root_device_unregister(viox_blk_parent);
		destroy_workqueue(viox_blk_wq);
	}
	return r;
}

static void __exit viox_blk_exit(void)
{
	struct viox_blk_backing *b, *next;

	vdpa_mgmtdev_unregister(&viox_blk_mgmt);
	root_device_unregister(viox_blk_parent);
	list_for_each_entry_safe(b, next, &viox_blk_backings, node) {
		list_del(&b->node);
		viox_blk_backing_free(b);
	}
	/* Every device is gone, so is every request on it. */
	destroy_workqueue(viox_blk_wq);
}

module_init(viox_blk_init);
module_exit(viox_blk_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("viox virtio-blk backend, a vDPA management device");
MODULE_VERSION(VIOX_VERSION);
