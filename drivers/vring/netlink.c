// SPDX-License-Identifier: GPL-2.0
/*
 * The viox generic netlink family (Documentation/netlink/specs/viox.yaml):
 * devices and their vq counters, and the vport commands viox_vmdq serves
 * (include/viox/vport_nl.h) and the blk ones viox_blk does
 * (include/viox/blk_nl.h). Policies and op tables are generated into
 * netlink-gen.c; this file fills the replies.
 *
 * Replies are filled under the registry lock from what can be read without
 * the devices' own locks (see registry.c): a tenant stalling its device
 * stalls no one's dump. A caller sees the devices opened in its network
 * namespace by its own effective uid, or all of that namespace's devices
 * with CAP_NET_ADMIN over it.
 */
#include <linux/cred.h>
#include <linux/kmod.h>
#include <linux/pid.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include <viox/blk_nl.h>
#include <viox/vport_nl.h>

#include "internal.h"
#include "netlink-gen.h"

struct viox_nl_dump_ctx {
	unsigned long next_id;
};

static int fill_vq(struct sk_buff *skb, struct viox_vq *vq)
{
	static const int attr[VIOX_VQ_NR_STATS] = {
		[VIOX_VQ_PACKETS] = VIOX_A_VQ_PACKETS,
		[VIOX_VQ_BYTES] = VIOX_A_VQ_BYTES,
		[VIOX_VQ_DROPS_TOO_BIG] = VIOX_A_VQ_DROPS_TOO_BIG,
		[VIOX_VQ_DROPS_ERROR] = VIOX_A_VQ_DROPS_ERROR,
		[VIOX_VQ_INTERRUPTS] = VIOX_A_VQ_INTERRUPTS,
		[VIOX_VQ_RING_FULL] = VIOX_A_VQ_RING_FULL,
		[VIOX_VQ_BREAKS] = VIOX_A_VQ_BREAKS,
	};
	u64 v[VIOX_VQ_NR_STATS];
	struct nlattr *nest;
	unsigned int i;
	u32 backend;

	nest = nla_nest_start(skb, VIOX_A_DEV_VQ);
	if (!nest)
		return -EMSGSIZE;
	/* Each field as last written; together they may be a moment apart. */
	backend = READ_ONCE(vq->private_data) ? vq->dev->cls->vq_backend(vq) :
						VIOX_BACKEND_NONE;
	if (nla_put_u32(skb, VIOX_A_VQ_INDEX, vq->index) ||
	    nla_put_u32(skb, VIOX_A_VQ_LAYOUT,
			READ_ONCE(vq->acked_features) & BIT_ULL(VIRTIO_F_RING_PACKED) ?
			VIOX_RING_LAYOUT_PACKED : VIOX_RING_LAYOUT_SPLIT) ||
	    nla_put_u32(skb, VIOX_A_VQ_SIZE, READ_ONCE(vq->num)) ||
	    nla_put_u8(skb, VIOX_A_VQ_BROKEN, READ_ONCE(vq->broken)) ||
	    nla_put_u32(skb, VIOX_A_VQ_BACKEND, backend))
		goto cancel;
	viox_vq_stats_read(vq, v);
	for (i = 0; i < VIOX_VQ_NR_STATS; i++)
		if (nla_put_uint(skb, attr[i], v[i]))
			goto cancel;
	if (nla_put_uint(skb, VIOX_A_VQ_KICKS, atomic64_read(&vq->poll.wakeups)))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* Whether the requester may see @dev; caller holds viox_devs_lock. */
static bool dev_visible(const struct viox_dev *dev, const struct sk_buff *skb,
			struct net *net)
{
	if (!net_eq(dev->net, net))
		return false;
	return uid_eq(dev->uid, current_euid()) ||
	       netlink_ns_capable(skb, net->user_ns, CAP_NET_ADMIN);
}

/* One device as one message; caller holds viox_devs_lock. */
static int fill_dev(struct sk_buff *skb, struct viox_dev *dev,
		    const struct genl_info *info)
{
	unsigned int i;
	void *hdr;
	pid_t pid;

	lockdep_assert_held(&viox_devs_lock);
	hdr = genlmsg_iput(skb, info);
	if (!hdr)
		return -EMSGSIZE;
	pid = dev->owner ? pid_vnr(dev->owner) : 0;
	if (nla_put_u32(skb, VIOX_A_DEV_ID, dev->id) ||
	    nla_put_u32(skb, VIOX_A_DEV_TYPE, dev->cls->type) ||
	    (pid && nla_put_u32(skb, VIOX_A_DEV_OWNER_PID, pid)) ||
	    nla_put_u64_64bit(skb, VIOX_A_DEV_FEATURES,
			      dev->nvqs ? READ_ONCE(dev->vqs[0]->acked_features) : 0,
			      VIOX_A_DEV_PAD))
		goto cancel;
	for (i = 0; i < dev->nvqs; i++)
		if (fill_vq(skb, dev->vqs[i]))
			goto cancel;
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

int viox_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct viox_dev *dev;
	struct sk_buff *msg;
	int r;

	if (GENL_REQ_ATTR_CHECK(info, VIOX_A_DEV_ID))
		return -EINVAL;
	msg = genlmsg_new(GENLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&viox_devs_lock);
	dev = viox_dev_find(nla_get_u32(info->attrs[VIOX_A_DEV_ID]));
	/* Another user's device is as absent as one that does not exist. */
	if (dev && !dev_visible(dev, skb, genl_info_net(info)))
		dev = NULL;
	if (!dev) {
		NL_SET_BAD_ATTR(info->extack, info->attrs[VIOX_A_DEV_ID]);
		NL_SET_ERR_MSG(info->extack, "no viox device with this id");
		r = -ENOENT;
	} else {
		r = fill_dev(msg, dev, info);
	}
	mutex_unlock(&viox_devs_lock);
	if (r) {
		nlmsg_free(msg);
		return r;
	}
	return genlmsg_reply(msg, info);
}

int viox_nl_dev_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct viox_nl_dump_ctx *ctx = (void *)cb->ctx;
	const struct genl_info *info = genl_info_dump(cb);
	struct viox_dev *dev;
	int r = 0;

	NL_ASSERT_DUMP_CTX_FITS(struct viox_nl_dump_ctx);
	mutex_lock(&viox_devs_lock);
	while ((dev = viox_dev_next(&ctx->next_id))) {
		if (dev_visible(dev, cb->skb, sock_net(skb->sk))) {
			r = fill_dev(skb, dev, info);
			if (r)
				break;
		}
		ctx->next_id++;
	}
	mutex_unlock(&viox_devs_lock);
	/* A full skb ends this part of the dump; the next one resumes. */
	return r == -EMSGSIZE && skb->len ? skb->len : r;
}

/*
 * viox_vmdq's vport handlers, with a reference on it; NULL while it is not
 * loaded. Only an admin's vport-new loads it: no vport exists without it.
 */
static const struct viox_vport_nl_ops *vport_ops_get(bool load)
{
	const struct viox_vport_nl_ops *ops = symbol_get(viox_vmdq_nl_ops);

	if (!ops && load && !request_module("viox_vmdq"))
		ops = symbol_get(viox_vmdq_nl_ops);
	return ops;
}

static void vport_ops_put(void)
{
	symbol_put(viox_vmdq_nl_ops);
}

int viox_nl_vport_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	const struct viox_vport_nl_ops *ops;
	int r;

	if (!netlink_ns_capable(skb, genl_info_net(info)->user_ns, CAP_NET_ADMIN))
		return -EPERM;
	ops = vport_ops_get(true);
	if (!ops) {
		NL_SET_ERR_MSG(info->extack, "viox_vmdq cannot be loaded");
		return -EOPNOTSUPP;
	}
	r = ops->new(skb, info);
	vport_ops_put();
	return r;
}

int viox_nl_vport_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	const struct viox_vport_nl_ops *ops = vport_ops_get(false);
	int r;

	if (!ops) {
		NL_SET_ERR_MSG(info->extack, "no vport with this ifindex");
		return -ENODEV;
	}
	r = ops->del(skb, info);
	vport_ops_put();
	return r;
}

int viox_nl_vport_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	const struct viox_vport_nl_ops *ops = vport_ops_get(false);
	int r;

	if (!ops) {
		NL_SET_ERR_MSG(info->extack, "no vport with this ifindex");
		return -ENODEV;
	}
	r = ops->get(skb, info);
	vport_ops_put();
	return r;
}

int viox_nl_vport_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct viox_vport_nl_ops *ops = vport_ops_get(false);
	int r;

	/* Its state is in cb->ctx, so it may resume with the module reloaded. */
	if (!ops)
		return 0;
	r = ops->dump(skb, cb);
	vport_ops_put();
	return r;
}

/* viox_blk's handlers, with a reference on it; only blk-new loads it. */
static const struct viox_blk_nl_ops *blk_ops_get(bool load)
{
	const struct viox_blk_nl_ops *ops = symbol_get(viox_blk_nl_ops);

	if (!ops && load && !request_module("viox_blk"))
		ops = symbol_get(viox_blk_nl_ops);
	return ops;
}

static void blk_ops_put(void)
{
	symbol_put(viox_blk_nl_ops);
}

/* The generated policy asks blk ops for CAP_NET_ADMIN (admin-perm). */
int viox_nl_blk_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	const struct viox_blk_nl_ops *ops = blk_ops_get(true);
	int r;

	if (!ops) {
		NL_SET_ERR_MSG(info->extack, "viox_blk cannot be loaded");
		return -EOPNOTSUPP;
	}
	r = ops->new(skb, info);
	blk_ops_put();
	return r;
}

int viox_nl_blk_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	const struct viox_blk_nl_ops *ops = blk_ops_get(false);
	int r;

	if (!ops) {
		NL_SET_ERR_MSG(info->extack, "no viox_blk backing of this name");
		return -ENOENT;
	}
	r = ops->del(skb, info);
	blk_ops_put();
	return r;
}

int viox_nl_blk_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	const struct viox_blk_nl_ops *ops = blk_ops_get(false);
	int r;

	if (!ops) {
		NL_SET_ERR_MSG(info->extack, "no viox_blk backing of this name");
		return -ENOENT;
	}
	r = ops->get(skb, info);
	blk_ops_put();
	return r;
}

int viox_nl_blk_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	const struct viox_blk_nl_ops *ops = blk_ops_get(false);
	int r;

	if (!ops) {
		NL_SET_ERR_MSG(info->extack, "no viox_blk backing of this name");
		return -ENOENT;
	}
	r = ops->set(skb, info);
	blk_ops_put();
	return r;
}

int viox_nl_blk_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct viox_blk_nl_ops *ops = blk_ops_get(false);
	int r;

	if (!ops)
		return 0;
	r = ops->dump(skb, cb);
	blk_ops_put();
	return r;
}

void viox_nl_vport_notify(struct net *net, struct net_device *vport, u8 cmd,
			  viox_vport_nl_fill_t fill)
{
	struct sk_buff *msg;
	void *hdr;

	ASSERT_RTNL();
	if (!genl_has_listeners(&viox_nl_family, net, VIOX_NLGRP_VPORT))
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &viox_nl_family, 0, cmd);
	if (!hdr || fill(msg, vport, net)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&viox_nl_family, net, msg, 0, VIOX_NLGRP_VPORT,
				GFP_KERNEL);
}
EXPORT_SYMBOL_GPL(viox_nl_vport_notify);

/**
 * viox_nl_blk_notify() - tell the blk group of a viox_blk device
 * @name: the device
 * @exists: it exists (made, or a queue broke) or was deleted
 * @broken_queue: the queue that broke, or -1
 *
 * Process context. The group is open to any listener: only the name.
 */
void viox_nl_blk_notify(const char *name, bool exists, int broken_queue)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &viox_nl_family, 0, VIOX_CMD_BLK_CHANGE_NTF);
	if (!hdr || nla_put_string(msg, VIOX_A_BLK_NAME, name) ||
	    nla_put_u8(msg, VIOX_A_BLK_VDPA, exists) ||
	    (broken_queue >= 0 &&
	     nla_put_u32(msg, VIOX_A_BLK_BROKEN_QUEUE, broken_queue))) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	/* vDPA devices belong to no namespace: every namespace hears. */
	rcu_read_lock();
	genlmsg_multicast_allns(&viox_nl_family, msg, 0, VIOX_NLGRP_BLK);
	rcu_read_unlock();
}
EXPORT_SYMBOL_GPL(viox_nl_blk_notify);
