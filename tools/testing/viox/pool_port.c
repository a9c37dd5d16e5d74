// SPDX-License-Identifier: GPL-2.0
/*
 * vioxtest_pool: a test consumer of the pool offload interface
 * (include/viox/pool.h), standing in for the VMDq classifier's ports.
 *
 *   ip link add vp0 link eth1 address 02:00:00:00:70:01 type vioxpt
 *
 * makes a netdev whose traffic runs through a pool of eth1's NIC while it
 * is up: the pool receives the port's MAC and the VLANs registered on the
 * port (a VLAN device on top registers one), and the port transmits on the
 * pool's queue. Its counters are the pool's. Not installed by DKMS.
 */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <net/rtnetlink.h>
#include <viox/pool.h>

struct vpt_port {
	struct net_device *dev;
	struct net_device *uplink;
	netdevice_tracker uplink_tracker;
	struct viox_pool *pool;
	spinlock_t stats_lock;		/* pool and base, for get_stats64 */
	struct viox_pool_stats base;	/* what released pools counted */
	unsigned long vlans[BITS_TO_LONGS(VLAN_N_VID)];
	struct list_head node;		/* vpt_ports, under RTNL */
};

static LIST_HEAD(vpt_ports);

static void vpt_stats_add(struct viox_pool_stats *to,
			  const struct viox_pool_stats *s)
{
	to->rx_packets += s->rx_packets;
	to->rx_bytes += s->rx_bytes;
	to->rx_drops += s->rx_drops;
	to->tx_packets += s->tx_packets;
	to->tx_bytes += s->tx_bytes;
	to->tx_drops += s->tx_drops;
}

static void vpt_release(struct net_device *dev)
{
	struct vpt_port *port = netdev_priv(dev);
	struct viox_pool_stats st;

	struct viox_pool *pool = port->pool;

	if (!pool)
		return;
	spin_lock_bh(&port->stats_lock);
	viox_pool_get_stats(pool, &st);
	vpt_stats_add(&port->base, &st);
	port->pool = NULL;
	spin_unlock_bh(&port->stats_lock);
	/* ndo_stop runs after the stack quiesced xmit: nothing uses it now. */
	viox_pool_release(pool);
	symbol_put(viox_igb_pool_reserve);
}

/* The provider takes the pool back: the port stops until it is opened again. */
static void vpt_revoke(struct viox_pool *pool, enum viox_pool_revoke_reason why)
{
	struct net_device *dev = pool->vport;

	netdev_warn(dev, "pool %u taken back (reason %d): no traffic until reopened\n",
		    pool->id, why);
	netif_carrier_off(dev);
	vpt_release(dev);
}

static const struct viox_pool_holder_ops vpt_holder_ops = {
	.revoke	= vpt_revoke,
};

static int vpt_open(struct net_device *dev)
{
	struct vpt_port *port = netdev_priv(dev);
	typeof(viox_igb_pool_reserve) *reserve;
	struct netlink_ext_ack extack = {};
	struct viox_pool *pool;
	unsigned int vid;
	int err;

	reserve = symbol_get(viox_igb_pool_reserve);
	if (!reserve) {
		netdev_err(dev, "no pool provider: viox_igb is not loaded\n");
		return -EOPNOTSUPP;
	}
	pool = reserve(port->uplink, dev, &vpt_holder_ops, &extack);
	if (IS_ERR(pool)) {
		symbol_put(viox_igb_pool_reserve);
		netdev_err(dev, "no pool on %s: %s\n", port->uplink->name,
			   extack._msg ?: "reserve failed");
		return PTR_ERR(pool);
	}
	spin_lock_bh(&port->stats_lock);
	port->pool = pool;
	spin_unlock_bh(&port->stats_lock);
	err = viox_pool_set_mac(pool, dev->dev_addr, &extack);
	for_each_set_bit(vid, port->vlans, VLAN_N_VID) {
		if (err)
			break;
		err = viox_pool_vlan_add(pool, vid, &extack);
	}
	if (err) {
		netdev_err(dev, "pool %u refused a filter: %s\n", pool->id,
			   extack._msg ?: "");
		vpt_release(dev);
		return err;
	}
	netif_stacked_transfer_operstate(port->uplink, dev);
	return 0;
}

static int vpt_stop(struct net_device *dev)
{
	vpt_release(dev);
	return 0;
}

static netdev_tx_t vpt_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct vpt_port *port = netdev_priv(dev);

	if (unlikely(!port->pool)) {
		dev_kfree_skb_any(skb);
		dev->stats.tx_dropped++;
		return NETDEV_TX_OK;
	}
	return viox_pool_xmit(port->pool, skb);
}

static int vpt_set_mac(struct net_device *dev, void *p)
{
	struct vpt_port *port = netdev_priv(dev);
	struct sockaddr *sa = p;
	int err;

	if (!is_valid_ether_addr(sa->sa_data))
		return -EADDRNOTAVAIL;
	if (port->pool) {
		err = viox_pool_set_mac(port->pool, sa->sa_data, NULL);
		if (err)
			return err;
	}
	eth_hw_addr_set(dev, sa->sa_data);
	return 0;
}

static int vpt_vlan_add(struct net_device *dev, __be16 proto, u16 vid)
{
	struct vpt_port *port = netdev_priv(dev);
	int err;

	if (port->pool) {
		err = viox_pool_vlan_add(port->pool, vid, NULL);
		if (err)
			return err;
	}
	set_bit(vid, port->vlans);
	return 0;
}

static int vpt_vlan_kill(struct net_device *dev, __be16 proto, u16 vid)
{
	struct vpt_port *port = netdev_priv(dev);

	clear_bit(vid, port->vlans);
	if (port->pool)
		viox_pool_vlan_del(port->pool, vid);
	return 0;
}

static void vpt_set_rx_mode(struct net_device *dev)
{
	struct vpt_port *port = netdev_priv(dev);

	if (port->pool)
		viox_pool_sync_mc(port->pool);
}

static void vpt_get_stats64(struct net_device *dev,
			    struct rtnl_link_stats64 *s)
{
	struct vpt_port *port = netdev_priv(dev);
	struct viox_pool_stats st, now;

	spin_lock_bh(&port->stats_lock);
	st = port->base;
	if (port->pool) {
		viox_pool_get_stats(port->pool, &now);
		vpt_stats_add(&st, &now);
	}
	spin_unlock_bh(&port->stats_lock);
	s->rx_packets = st.rx_packets;
	s->rx_bytes = st.rx_bytes;
	s->rx_dropped = st.rx_drops;
	s->tx_packets = st.tx_packets;
	s->tx_bytes = st.tx_bytes;
	s->tx_dropped = st.tx_drops + dev->stats.tx_dropped;
}

static const struct net_device_ops vpt_netdev_ops = {
	.ndo_open		= vpt_open,
	.ndo_stop		= vpt_stop,
	.ndo_start_xmit		= vpt_xmit,
	.ndo_set_mac_address	= vpt_set_mac,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_vlan_rx_add_vid	= vpt_vlan_add,
	.ndo_vlan_rx_kill_vid	= vpt_vlan_kill,
	.ndo_set_rx_mode	= vpt_set_rx_mode,
	.ndo_get_stats64	= vpt_get_stats64,
};

static void vpt_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->netdev_ops = &vpt_netdev_ops;
	dev->needs_free_netdev = true;
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	dev->hw_features = NETIF_F_SG | NETIF_F_IP_CSUM | NETIF_F_IPV6_CSUM |
			   NETIF_F_RXCSUM;
	dev->features = dev->hw_features | NETIF_F_HW_VLAN_CTAG_FILTER |
			NETIF_F_HW_VLAN_CTAG_RX | NETIF_F_HW_VLAN_CTAG_TX;
	dev->max_mtu = ETH_DATA_LEN;
}

static int vpt_newlink(struct net *net, struct net_device *dev,
		       struct nlattr *tb[], struct nlattr *data[],
		       struct netlink_ext_ack *extack)
{
	struct vpt_port *port = netdev_priv(dev);
	struct net_device *uplink;
	int err;

	if (!tb[IFLA_LINK]) {
		NL_SET_ERR_MSG(extack, "vioxpt needs a link (the uplink)");
		return -EINVAL;
	}
	uplink = __dev_get_by_index(net, nla_get_u32(tb[IFLA_LINK]));
	if (!uplink) {
		NL_SET_ERR_MSG(extack, "no such uplink");
		return -ENODEV;
	}
	if (!tb[IFLA_ADDRESS])
		eth_hw_addr_random(dev);
	port->dev = dev;
	port->uplink = uplink;
	spin_lock_init(&port->stats_lock);
	err = register_netdevice(dev);
	if (err)
		return err;
	netdev_hold(uplink, &port->uplink_tracker, GFP_KERNEL);
	list_add(&port->node, &vpt_ports);
	return 0;
}

static void vpt_dellink(struct net_device *dev, struct list_head *head)
{
	struct vpt_port *port = netdev_priv(dev);

	list_del(&port->node);
	netdev_put(port->uplink, &port->uplink_tracker);
	unregister_netdevice_queue(dev, head);
}

static struct rtnl_link_ops vpt_link_ops __read_mostly = {
	.kind		= "vioxpt",
	.priv_size	= sizeof(struct vpt_port),
	.setup		= vpt_setup,
	.newlink	= vpt_newlink,
	.dellink	= vpt_dellink,
};

/* Ports follow their uplink's carrier and go away with it. */
static int vpt_notify(struct notifier_block *nb, unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct vpt_port *port, *tmp;
	LIST_HEAD(kill);

	list_for_each_entry_safe(port, tmp, &vpt_ports, node) {
		if (port->uplink != dev)
			continue;
		if (event == NETDEV_UNREGISTER)
			vpt_dellink(port->dev, &kill);
		else if (event == NETDEV_CHANGE || event == NETDEV_UP ||
			 event == NETDEV_DOWN)
			netif_stacked_transfer_operstate(dev, port->dev);
	}
	unregister_netdevice_many(&kill);
	return NOTIFY_DONE;
}

static struct notifier_block vpt_notifier = {
	.notifier_call = vpt_notify,
};

static int __init vpt_init(void)
{
	int err = register_netdevice_notifier(&vpt_notifier);

	if (err)
		return err;
	err = rtnl_link_register(&vpt_link_ops);
	if (err)
		unregister_netdevice_notifier(&vpt_notifier);
	return err;
}

static void __exit vpt_exit(void)
{
	rtnl_link_unregister(&vpt_link_ops);
	unregister_netdevice_notifier(&vpt_notifier);
}

module_init(vpt_init);
module_exit(vpt_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("viox test consumer of the pool offload interface");
MODULE_ALIAS_RTNL_LINK("vioxpt");
