// SPDX-License-Identifier: GPL-2.0
/*
 * The vport commands of the viox generic netlink family: the vports of
 * rtnetlink's kind "viox", made, listed and deleted through viox_vring's
 * family (include/viox/vport_nl.h), and notifications of their coming,
 * going and moves between a NIC pool and software. A request names the
 * uplink in its own namespace; making a vport goes through the same
 * validate, newlink and dellink as `ip link add ... type viox`.
 */
#include <linux/if_link.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/rtnetlink.h>
#include <net/sock.h>
#include <uapi/linux/viox.h>
#include <viox/vport_nl.h>

#include "vmdq.h"

/* The attributes vport-new shares, payload and all, with IFLA_VIOX_*. */
static const struct {
	u16 genl, ifla;
} vmdq_nl_link_attrs[] = {
	{ VIOX_A_VPORT_MAC,		IFLA_VIOX_MAC },
	{ VIOX_A_VPORT_VLAN,		IFLA_VIOX_VLAN },
	{ VIOX_A_VPORT_MODE,		IFLA_VIOX_MODE },
	{ VIOX_A_VPORT_SPOOFCHK,	IFLA_VIOX_SPOOFCHK },
	{ VIOX_A_VPORT_OFFLOAD,		IFLA_VIOX_OFFLOAD },
	{ VIOX_A_VPORT_RX_CPU,		IFLA_VIOX_RX_CPU },
	{ VIOX_A_VPORT_STANDBY_VF,	IFLA_VIOX_STANDBY_VF },
};

/* A vport's attributes as @net sees it; RTNL held. */
static int vmdq_nl_fill(struct sk_buff *skb, struct net_device *dev,
			struct net *net)
{
	struct vmdq_vport *vp = netdev_priv(dev);
	u32 pool = vmdq_offload_pool_id(vp);

	ASSERT_RTNL();
	if (nla_put_u32(skb, VIOX_A_VPORT_IFINDEX, dev->ifindex) ||
	    nla_put_string(skb, VIOX_A_VPORT_NAME, dev->name) ||
	    nla_put_u32(skb, VIOX_A_VPORT_UPLINK, vp->lower->ifindex) ||
	    nla_put(skb, VIOX_A_VPORT_MAC, ETH_ALEN, dev->dev_addr) ||
	    nla_put_u16(skb, VIOX_A_VPORT_VLAN, vp->key.vid) ||
	    nla_put_u8(skb, VIOX_A_VPORT_MODE, vp->mode) ||
	    nla_put_u8(skb, VIOX_A_VPORT_SPOOFCHK, READ_ONCE(vp->spoofchk)) ||
	    nla_put_u8(skb, VIOX_A_VPORT_OFFLOAD, vp->offload) ||
	    (pool != U32_MAX && nla_put_u32(skb, VIOX_A_VPORT_POOL, pool)) ||
	    nla_put_s32(skb, VIOX_A_VPORT_RX_CPU, vmdq_rxq_cpu(vp)))
		return -EMSGSIZE;
	if (!net_eq(dev_net(dev), net) &&
	    nla_put_s32(skb, VIOX_A_VPORT_LINK_NETNSID,
			peernet2id_alloc(net, dev_net(dev), GFP_KERNEL)))
		return -EMSGSIZE;
	if (vp->standby) {
		struct vmdq_standby_info sb;

		vmdq_standby_info(vp, &sb);
		if (nla_put_u32(skb, VIOX_A_VPORT_STANDBY_VF, vp->sb_vf) ||
		    nla_put_u8(skb, VIOX_A_VPORT_STANDBY_ACTIVE, sb.active) ||
		    nla_put_u64_64bit(skb, VIOX_A_VPORT_STANDBY_SWITCHES,
				      sb.switches, VIOX_A_VPORT_PAD) ||
		    nla_put_u8(skb, VIOX_A_VPORT_STANDBY_WHY, sb.why) ||
		    nla_put_u64_64bit(skb, VIOX_A_VPORT_STANDBY_GAP, sb.gap_ns,
				      VIOX_A_VPORT_PAD))
			return -EMSGSIZE;
	}
	return 0;
}

/* One vport as one message answering @info (a request or a dump). */
static int vmdq_nl_put(struct sk_buff *skb, struct net_device *dev,
		       struct net *net, const struct genl_info *info)
{
	void *hdr = genlmsg_iput(skb, info);

	if (!hdr)
		return -EMSGSIZE;
	if (vmdq_nl_fill(skb, dev, net)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* The vport @info names, in the requester's namespace; RTNL held. */
static struct vmdq_vport *vmdq_nl_vport(const struct genl_info *info)
{
	struct nlattr *attr = info->attrs[VIOX_A_VPORT_IFINDEX];
	struct net_device *dev;

	if (GENL_REQ_ATTR_CHECK(info, VIOX_A_VPORT_IFINDEX))
		return ERR_PTR(-EINVAL);
	dev = __dev_get_by_index(genl_info_net(info), nla_get_u32(attr));
	if (!dev || !vmdq_is_vport(dev)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "no vport with this ifindex");
		return ERR_PTR(-ENODEV);
	}
	return netdev_priv(dev);
}

/* Made as rtnetlink makes a link of kind "viox" (rtnl_newlink_create). */
static int vmdq_nl_new(struct sk_buff *skb, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct net *net = genl_info_net(info);
	unsigned char assign = NET_NAME_ENUM;
	char name[IFNAMSIZ] = VIOX_LINK_KIND "%d";
	struct nlattr **tb, **data;
	struct net_device *dev;
	struct sk_buff *msg;
	unsigned int i;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, VIOX_A_VPORT_UPLINK))
		return -EINVAL;
	if (info->attrs[VIOX_A_VPORT_NAME]) {
		nla_strscpy(name, info->attrs[VIOX_A_VPORT_NAME], IFNAMSIZ);
		assign = NET_NAME_USER;
	}
	tb = kcalloc(IFLA_MAX + 1 + IFLA_VIOX_MAX + 1, sizeof(*tb), GFP_KERNEL);
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!tb || !msg) {
		err = -ENOMEM;
		goto free;
	}
	data = tb + IFLA_MAX + 1;
	tb[IFLA_LINK] = info->attrs[VIOX_A_VPORT_UPLINK];
	for (i = 0; i < ARRAY_SIZE(vmdq_nl_link_attrs); i++)
		data[vmdq_nl_link_attrs[i].ifla] =
			info->attrs[vmdq_nl_link_attrs[i].genl];

	rtnl_lock();
	err = vmdq_link_ops.validate(tb, data, extack);
	if (err)
		goto unlock;
	dev = rtnl_create_link(net, name, assign, &vmdq_link_ops, tb, extack);
	if (IS_ERR(dev)) {
		err = PTR_ERR(dev);
		goto unlock;
	}
	err = vmdq_link_ops.newlink(net, dev, tb, data, extack);
	if (err) {
		if (dev->reg_state == NETREG_UNINITIALIZED)
			free_netdev(dev);
		goto unlock;
	}
	err = rtnl_configure_link(dev, NULL, 0, NULL);
	if (err) {
		LIST_HEAD(kill);

		vmdq_link_ops.dellink(dev, &kill);
		unregister_netdevice_many(&kill);
		goto unlock;
	}
	err = vmdq_nl_put(msg, dev, net, info);
	rtnl_unlock();
	kfree(tb);
	if (err) {
		/* Made: only the answer is lost. */
		nlmsg_free(msg);
		return 0;
	}
	return genlmsg_reply(msg, info);

unlock:
	rtnl_unlock();
free:
	nlmsg_free(msg);
	kfree(tb);
	return err;
}

static int vmdq_nl_del(struct sk_buff *skb, struct genl_info *info)
{
	struct vmdq_vport *vp;
	int err;

	rtnl_lock();
	vp = vmdq_nl_vport(info);
	if (IS_ERR(vp)) {
		err = PTR_ERR(vp);
	} else if (!netlink_ns_capable(skb, dev_net(vp->lower)->user_ns,
				       CAP_NET_ADMIN)) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "only the uplink's admin deletes a vport");
		err = -EPERM;
	} else {
		err = rtnl_delete_link(vp->dev, info->snd_portid, info->nlhdr);
	}
	rtnl_unlock();
	return err;
}

static int vmdq_nl_get(struct sk_buff *skb, struct genl_info *info)
{
	struct vmdq_vport *vp;
	struct sk_buff *msg;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	rtnl_lock();
	vp = vmdq_nl_vport(info);
	err = IS_ERR(vp) ? PTR_ERR(vp) :
			   vmdq_nl_put(msg, vp->dev, genl_info_net(info), info);
	rtnl_unlock();
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

struct vmdq_nl_dump_ctx {
	unsigned long done;	/* vports of this namespace already sent */
};

/*
 * The vports of every uplink in the requester's namespace; those moved
 * into another namespace (a tenant's) for its admins only.
 */
static int vmdq_nl_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vmdq_nl_dump_ctx *ctx = (void *)cb->ctx;
	const struct genl_info *info = genl_info_dump(cb);
	struct net *net = sock_net(skb->sk);
	bool admin = netlink_ns_capable(cb->skb, net->user_ns, CAP_NET_ADMIN);
	unsigned long seen = 0;
	struct vmdq_uplink *up;
	struct vmdq_vport *vp;
	int err = 0;

	NL_ASSERT_DUMP_CTX_FITS(struct vmdq_nl_dump_ctx);
	rtnl_lock();
	list_for_each_entry(up, &vmdq_uplinks, node) {
		if (!net_eq(dev_net(up->dev), net))
			continue;
		list_for_each_entry(vp, &up->vports, uplink_node) {
			if (!admin && !net_eq(dev_net(vp->dev), net))
				continue;
			if (seen++ < ctx->done)
				continue;
			err = vmdq_nl_put(skb, vp->dev, net, info);
			if (err)
				goto out;
			ctx->done = seen;
		}
	}
out:
	rtnl_unlock();
	/* A full skb ends this part of the dump; the next one resumes. */
	return err == -EMSGSIZE && skb->len ? skb->len : err;
}

const struct viox_vport_nl_ops viox_vmdq_nl_ops = {
	.new	= vmdq_nl_new,
	.del	= vmdq_nl_del,
	.get	= vmdq_nl_get,
	.dump	= vmdq_nl_dump,
};
EXPORT_SYMBOL_GPL(viox_vmdq_nl_ops);

/*
 * Tell the uplink's namespace (the admin's) about @vp, where viox_vring is
 * loaded and someone listens. RTNL held.
 */
void vmdq_nl_notify(struct vmdq_vport *vp, u8 cmd)
{
	typeof(viox_nl_vport_notify) *notify = symbol_get(viox_nl_vport_notify);

	if (!notify)
		return;
	notify(dev_net(vp->lower), vp->dev, cmd, vmdq_nl_fill);
	symbol_put(viox_nl_vport_notify);
}
