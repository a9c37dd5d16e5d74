// SPDX-License-Identifier: GPL-2.0
/*
 * viox_vmdq: per-VM vports on an Ethernet uplink, steered by MAC and VLAN.
 * Module set-up, and what the vports follow of their uplink.
 */
#include <linux/module.h>
#include <net/rtnetlink.h>

#include "vmdq.h"

struct workqueue_struct *vmdq_wq, *vmdq_mc_wq;

/*
 * The uplink's MAC is the host's, on every VLAN: no vport takes it, and the
 * uplink does not take a vport's (either would steal the other's unicast).
 */
static int vmdq_pre_changeaddr(struct net_device *dev, struct vmdq_uplink *up,
			       struct netdev_notifier_pre_changeaddr_info *info)
{
	struct netlink_ext_ack *extack = info->info.extack;
	struct vmdq_vport *vp;

	if (vmdq_is_vport(dev)) {
		vp = netdev_priv(dev);
		if (!ether_addr_equal(info->dev_addr, vp->lower->dev_addr))
			return NOTIFY_DONE;
		NL_SET_ERR_MSG_MOD(extack, "the MAC is the uplink's own");
		return notifier_from_errno(-EADDRINUSE);
	}
	if (!up)
		return NOTIFY_DONE;
	list_for_each_entry(vp, &up->vports, uplink_node) {
		if (ether_addr_equal(info->dev_addr, vp->dev->dev_addr)) {
			NL_SET_ERR_MSG_FMT_MOD(extack, "the MAC is vport %s's",
					       vp->dev->name);
			return notifier_from_errno(-EADDRINUSE);
		}
	}
	return NOTIFY_DONE;
}

/* A tap-mode vport's device comes and goes with its registration. */
static int vmdq_vport_event(struct vmdq_vport *vp, unsigned long event)
{
	switch (event) {
	case NETDEV_REGISTER:
		return notifier_from_errno(vmdq_tap_register(vp));
	case NETDEV_UNREGISTER:
		vmdq_tap_unregister(vp);
		break;
	case NETDEV_CHANGE_TX_QUEUE_LEN:
		return notifier_from_errno(vmdq_tap_resize(vp));
	}
	return NOTIFY_DONE;
}

static int vmdq_netdev_event(struct notifier_block *nb, unsigned long event,
			     void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct vmdq_uplink *up = vmdq_uplink_of(dev);
	struct vmdq_vport *vp;

	if (event == NETDEV_PRE_CHANGEADDR)
		return vmdq_pre_changeaddr(dev, up, ptr);
	if (event == NETDEV_PRECHANGEUPPER)
		return vmdq_uplink_pre_changeupper(ptr);
	if (vmdq_is_vport(dev)) {
		vp = netdev_priv(dev);
		/*
		 * Up: into a NIC pool if one is free (open runs before IFF_UP),
		 * and a notification that says which.
		 */
		if (event == NETDEV_UP && !vmdq_offload_attach(vp, NULL) &&
		    vmdq_offloaded(vp))
			netdev_state_change(dev);
		if (vp->mode != VIOX_VPORT_MODE_TAP)
			return NOTIFY_DONE;
		return vmdq_vport_event(vp, event);
	}
	if (!up)
		return NOTIFY_DONE;
	switch (event) {
	case NETDEV_UP:
	case NETDEV_DOWN:
	case NETDEV_CHANGE:
		list_for_each_entry(vp, &up->vports, uplink_node)
			vmdq_vport_operstate(vp);
		/* A pool provider's sign that pools may be free (viox/pool.h). */
		if (event == NETDEV_CHANGE)
			vmdq_offload_kick();
		break;
	case NETDEV_FEAT_CHANGE:
		/*
		 * Turned back on: off again while it has vports (uplink.c).
		 * Once: a driver that fails to turn it off tells of a change
		 * all the same.
		 */
		if ((dev->features & NETIF_F_LRO) && !up->lro_busy) {
			up->lro_busy = true;
			dev_disable_lro(dev);
			up->lro_busy = false;
		}
		list_for_each_entry(vp, &up->vports, uplink_node)
			netif_inherit_tso_max(vp->dev, dev);
		break;
	case NETDEV_CHANGEMTU:
		list_for_each_entry(vp, &up->vports, uplink_node)
			if (vp->dev->mtu > dev->mtu)
				dev_set_mtu(vp->dev, dev->mtu);
		break;
	case NETDEV_UNREGISTER:
		/* Gone, or moved to another netns: its vports go. */
		vmdq_uplink_gone(dev);
		break;
	case NETDEV_PRE_TYPE_CHANGE:
		/* A vport is Ethernet: so must its uplink stay. */
		return NOTIFY_BAD;
	}
	return NOTIFY_DONE;
}

static struct notifier_block vmdq_notifier = {
	.notifier_call = vmdq_netdev_event,
};

static int __init vmdq_init(void)
{
	int err;

	err = vmdq_tap_init();
	if (err)
		return err;
	/* The standbys' news in the order they came; multicast apart. */
	vmdq_wq = alloc_ordered_workqueue("viox_vmdq", 0);
	vmdq_mc_wq = alloc_workqueue("viox_vmdq_mc", WQ_UNBOUND, 0);
	if (!vmdq_wq || !vmdq_mc_wq) {
		err = -ENOMEM;
		goto destroy_wq;
	}
	err = register_netdevice_notifier(&vmdq_notifier);
	if (err)
		goto destroy_wq;
	err = vmdq_link_register();
	if (err)
		goto unregister_notifier;
	return 0;

unregister_notifier:
	unregister_netdevice_notifier(&vmdq_notifier);
destroy_wq:
	if (vmdq_mc_wq)
		destroy_workqueue(vmdq_mc_wq);
	if (vmdq_wq)
		destroy_workqueue(vmdq_wq);
	vmdq_tap_exit();
	return err;
}

static void __exit vmdq_exit(void)
{
	vmdq_link_unregister();
	unregister_netdevice_notifier(&vmdq_notifier);
	vmdq_offload_exit();
	/* After the last vport: their works ran. */
	destroy_workqueue(vmdq_mc_wq);
	destroy_workqueue(vmdq_wq);
	vmdq_tap_exit();
}

module_init(vmdq_init);
module_exit(vmdq_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("viox per-VM vports on an uplink, steered by MAC and VLAN");
MODULE_VERSION(VIOX_VERSION);
MODULE_ALIAS_RTNL_LINK(VIOX_LINK_KIND);
