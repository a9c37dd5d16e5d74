// SPDX-License-Identifier: GPL-2.0
/*
 * A vport's tap character device, /dev/tapIFINDEX, made with the kernel's
 * tap library as macvtap's and ipvtap's are: QEMU (-netdev tap,fd=N),
 * vhost-net and viox_net use it unchanged. While a file has it open, what
 * the vport receives goes to the file's queue instead of the vport's own
 * stack, and what the file writes leaves through the vport's transmit path
 * (spoof check, VLAN tag, loopback). Closed, the vport is a plain netdev.
 */
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/if_tap.h>

#include "vmdq.h"

/* What a file may ask for with TUNSETOFFLOAD: the tap segments the rest. */
#define VMDQ_TAP_OFFLOADS (NETIF_F_HW_CSUM | NETIF_F_TSO_ECN | NETIF_F_TSO | \
			   NETIF_F_TSO6)

static dev_t vmdq_tap_major;
static struct cdev vmdq_tap_cdev;

static const void *vmdq_tap_net_namespace(const struct device *d)
{
	const struct net_device *dev = to_net_dev(d->parent);

	return dev_net(dev);
}

static struct class vmdq_tap_class = {
	.name = "vioxtap",
	.ns_type = &net_ns_type_operations,
	.namespace = vmdq_tap_net_namespace,
};

static void vmdq_tap_count_tx_dropped(struct tap_dev *tap)
{
	dev_dstats_tx_dropped(tap->dev);
}

static void vmdq_tap_count_rx_dropped(struct tap_dev *tap)
{
	dev_dstats_rx_dropped(tap->dev);
}

/*
 * What the vport receives, for its files' queues. A VM may leave its queue
 * unread for as long as it likes: the frame stops counting against its
 * sender's socket first (as tun does), or another VM sending to this one,
 * or a host socket, would stall once its send buffer is full.
 */
static rx_handler_result_t vmdq_tap_frame(struct sk_buff **pskb)
{
	skb_orphan(*pskb);
	return tap_handle_frame(pskb);
}

/* Before the vport is registered: frames it receives look for a file. */
int vmdq_tap_attach(struct vmdq_vport *vp)
{
	struct tap_dev *tap = &vp->tap;

	tap->dev = vp->dev;
	INIT_LIST_HEAD(&tap->queue_list);
	tap->tap_features = VMDQ_TAP_OFFLOADS;
	tap->count_tx_dropped = vmdq_tap_count_tx_dropped;
	tap->count_rx_dropped = vmdq_tap_count_rx_dropped;
	return netdev_rx_handler_register(vp->dev, vmdq_tap_frame, tap);
}

/* The vport goes: its files see it gone (reads end, writes fail). */
void vmdq_tap_detach(struct vmdq_vport *vp)
{
	netdev_rx_handler_unregister(vp->dev);
	tap_del_queues(&vp->tap);
}

static void vmdq_tap_name(const struct net_device *dev, char *name)
{
	snprintf(name, IFNAMSIZ, "tap%d", dev->ifindex);
}

/*
 * The device node, named after the vport's ifindex in its namespace: made
 * at each registration (creation, and arrival in another namespace).
 */
int vmdq_tap_register(struct vmdq_vport *vp)
{
	struct net_device *dev = vp->dev;
	struct device *classdev;
	char name[IFNAMSIZ];
	int err;

	err = tap_get_minor(vmdq_tap_major, &vp->tap);
	if (err)
		return err;
	vmdq_tap_name(dev, name);
	classdev = device_create(&vmdq_tap_class, &dev->dev,
				 MKDEV(MAJOR(vmdq_tap_major), vp->tap.minor),
				 dev, "%s", name);
	if (IS_ERR(classdev)) {
		err = PTR_ERR(classdev);
		goto free_minor;
	}
	/* /sys/class/net/NAME/tapN, where tools look for it. */
	err = sysfs_create_link(&dev->dev.kobj, &classdev->kobj, name);
	if (err)
		goto destroy;
	return 0;

destroy:
	device_destroy(&vmdq_tap_class,
		       MKDEV(MAJOR(vmdq_tap_major), vp->tap.minor));
free_minor:
	tap_free_minor(vmdq_tap_major, &vp->tap);
	vp->tap.minor = 0;
	netdev_warn(dev, "no tap device: %d\n", err);
	return err;
}

void vmdq_tap_unregister(struct vmdq_vport *vp)
{
	struct net_device *dev = vp->dev;
	char name[IFNAMSIZ];

	if (!vp->tap.minor)
		return;
	vmdq_tap_name(dev, name);
	sysfs_remove_link(&dev->dev.kobj, name);
	device_destroy(&vmdq_tap_class,
		       MKDEV(MAJOR(vmdq_tap_major), vp->tap.minor));
	tap_free_minor(vmdq_tap_major, &vp->tap);
	vp->tap.minor = 0;
}

/* The files' queues follow the vport's tx_queue_len. */
int vmdq_tap_resize(struct vmdq_vport *vp)
{
	return tap_queue_resize(&vp->tap);
}

int vmdq_tap_init(void)
{
	int err;

	err = tap_create_cdev(&vmdq_tap_cdev, &vmdq_tap_major, "vioxtap",
			      THIS_MODULE);
	if (err)
		return err;
	err = class_register(&vmdq_tap_class);
	if (err)
		tap_destroy_cdev(vmdq_tap_major, &vmdq_tap_cdev);
	return err;
}

void vmdq_tap_exit(void)
{
	class_unregister(&vmdq_tap_class);
	tap_destroy_cdev(vmdq_tap_major, &vmdq_tap_cdev);
}
