// SPDX-License-Identifier: GPL-2.0
/*
 * A tap-mode vport's character device, /dev/vioxtapMINOR, made with the
 * kernel's tap library as macvtap's and ipvtap's are: QEMU (-netdev
 * tap,fd=N), vhost-net and viox_net use it unchanged. What the vport
 * receives goes to its files' queues, never to its own stack (with no file
 * open it is dropped), and what a file writes leaves through the vport's
 * transmit path (spoof check, VLAN tag, loopback).
 *
 * The name is the minor, unique on the host, not the ifindex as macvtap's
 * /dev/tapIFINDEX: /dev is one for all namespaces, ifindexes are per
 * namespace, and a macvtap made in any user's namespace would take the
 * /dev/tapN a vport expects (QEMU would open the other's device). But
 * libvirt opens a device by that name only (tap_ifindex_names).
 */
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/if_tap.h>
#include <net/net_namespace.h>
#include <net/netdev_rx_queue.h>

#include "vmdq.h"

/* What a file may ask for with TUNSETOFFLOAD: the tap segments the rest. */
#define VMDQ_TAP_OFFLOADS (NETIF_F_HW_CSUM | NETIF_F_TSO_ECN | NETIF_F_TSO | \
			   NETIF_F_TSO6)

/*
 * libvirt takes an existing device for <interface type='ethernet'> with
 * managed='no' only if /dev/tapIFINDEX exists, and opens that: the host's
 * admin who runs libvirt, and accepts what macvtap's users accept, names
 * the devices of vports made from then on in the host's namespace so.
 */
static bool tap_ifindex_names;
module_param(tap_ifindex_names, bool, 0644);
MODULE_PARM_DESC(tap_ifindex_names,
		 "name tap-mode vports' devices /dev/tapIFINDEX, as macvtap's, for libvirt (not the default: a device of that name made first in another namespace holds it)");

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
 * or a host socket, would stall once its send buffer is full. With no
 * file open (the VM stopped, restarting, migrated away) the frame is
 * dropped: it is the VM's, not the host stack's.
 */
static rx_handler_result_t vmdq_tap_frame(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	struct tap_dev *tap = rcu_dereference(skb->dev->rx_handler_data);
	struct vmdq_vport *vp = container_of(tap, struct vmdq_vport, tap);

	skb_orphan(skb);
	if (tap_handle_frame(pskb) == RX_HANDLER_CONSUMED)
		return RX_HANDLER_CONSUMED;
	dev_dstats_rx_dropped(vp->dev);
	vmdq_count(vp, VMDQ_STAT_DROP_NO_READER);
	kfree_skb(skb);
	return RX_HANDLER_CONSUMED;
}

/*
 * Whether anything but the tap's handler would see a frame on @dev's
 * receive path, or would have it received on another CPU: a packet
 * socket (in any namespace: the kernel keeps one list of those that hear
 * every device), generic XDP, tc or netfilter ingress, a VLAN device,
 * RPS or RFS (RCU held).
 */
static bool vmdq_tap_hooked(struct net_device *dev)
{
#ifdef CONFIG_RPS
	unsigned int i;

	for (i = 0; i < dev->real_num_rx_queues; i++)
		if (rcu_access_pointer(dev->_rx[i].rps_map) ||
		    rcu_access_pointer(dev->_rx[i].rps_flow_table))
			return true;
#endif
	if (dev_nit_active(dev) || rcu_access_pointer(dev->xdp_prog))
		return true;
#ifdef CONFIG_NET_XGRESS
	if (rcu_access_pointer(dev->tcx_ingress))
		return true;
#endif
#ifdef CONFIG_NETFILTER_INGRESS
	if (rcu_access_pointer(dev->nf_hooks_ingress))
		return true;
#endif
#if IS_ENABLED(CONFIG_VLAN_8021Q)
	if (rcu_access_pointer(dev->vlan_info))
		return true;
#endif
	return false;
}

/**
 * vmdq_tap_deliver - a frame for the vport, straight to its files' queues
 * @vp: the receiving vport
 * @skb: the frame, received (skb->dev the vport, ETH_HLEN pulled)
 *
 * What the vport's receive path would do with it when only the tap's
 * handler is on that path, without a second pass of the receive loop (a
 * frame from the uplink) or the backlog (one another vport sent). Nothing
 * of that path runs inside a sender's transmit, where an XDP redirect or
 * a VLAN device's socket could recurse or take a lock twice. BH off, RCU
 * held. Return: false when something else would see the frame there (the
 * caller sends it along the receive path), true when the tap took it, or
 * dropped it and counted.
 */
bool vmdq_tap_deliver(struct vmdq_vport *vp, struct sk_buff *skb)
{
	struct net_device *dev = vp->dev;

	/* The handler is on until the vport's uninit, after its last reader. */
	if (rcu_access_pointer(dev->rx_handler) != vmdq_tap_frame ||
	    vmdq_tap_hooked(dev))
		return false;
	skb->skb_iif = dev->ifindex;
	skb_reset_network_header(skb);
	if (!skb_transport_header_was_set(skb))
		skb_reset_transport_header(skb);
	skb_reset_mac_len(skb);
	vmdq_tap_frame(&skb);
	return true;
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

/*
 * The vport goes (its uninit, RTNL held). Its files stay open but carry
 * nothing: writes are dropped, reads find nothing, as with a deleted
 * macvtap. Once only: a failed register may have run the uninit already.
 */
void vmdq_tap_detach(struct vmdq_vport *vp)
{
	if (vp->mode != VIOX_VPORT_MODE_TAP ||
	    rtnl_dereference(vp->dev->rx_handler) != vmdq_tap_frame)
		return;
	netdev_rx_handler_unregister(vp->dev);
	tap_del_queues(&vp->tap);
}

/* The device's name in /dev, or -ENODEV if it has none. */
int vmdq_tap_name(const struct vmdq_vport *vp, char *name, size_t size)
{
	if (!vp->tap.minor)
		return -ENODEV;
	if (vp->tap_by_ifindex)
		snprintf(name, size, "tap%d", vp->dev->ifindex);
	else
		snprintf(name, size, "vioxtap%d", vp->tap.minor);
	return 0;
}

/* The device node, made when the vport is registered. RTNL held. */
int vmdq_tap_register(struct vmdq_vport *vp)
{
	struct net_device *dev = vp->dev;
	struct device *classdev;
	char name[IFNAMSIZ];
	int err;

	err = tap_get_minor(vmdq_tap_major, &vp->tap);
	if (err)
		return err;
	/*
	 * Kept for the vport's life: its ifindex is fixed (no netns moves).
	 * The host's namespace only: ifindexes are unique there, and it is
	 * where libvirt looks the name up.
	 */
	vp->tap_by_ifindex = READ_ONCE(tap_ifindex_names) &&
			     net_eq(dev_net(dev), &init_net);
	vmdq_tap_name(vp, name, sizeof(name));
	classdev = device_create(&vmdq_tap_class, &dev->dev,
				 MKDEV(MAJOR(vmdq_tap_major), vp->tap.minor),
				 dev, "%s", name);
	if (IS_ERR(classdev)) {
		err = PTR_ERR(classdev);
		goto free_minor;
	}
	/* /sys/class/net/NAME/vioxtapN (or tapN), next to ip -d link's "tap". */
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

	if (vmdq_tap_name(vp, name, sizeof(name)))
		return;
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
