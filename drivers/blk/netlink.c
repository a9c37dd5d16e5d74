// SPDX-License-Identifier: GPL-2.0
/*
 * The blk commands of the viox netlink family (include/viox/blk_nl.h):
 * backing stores by vDPA device name. The policy (admin-perm) has already
 * asked for CAP_NET_ADMIN.
 */
#include <linux/slab.h>
#include <net/genetlink.h>
#include <viox/blk_nl.h>

#include <uapi/linux/viox.h>
#include "blk.h"

static const u16 blk_stat_attr[VIOX_BLK_NR_STATS] = {
	[VIOX_BLK_READS] = VIOX_A_BLK_STATS_READS,
	[VIOX_BLK_WRITES] = VIOX_A_BLK_STATS_WRITES,
	[VIOX_BLK_FLUSHES] = VIOX_A_BLK_STATS_FLUSHES,
	[VIOX_BLK_DISCARDS] = VIOX_A_BLK_STATS_DISCARDS,
	[VIOX_BLK_WRITE_ZEROES] = VIOX_A_BLK_STATS_WRITE_ZEROES,
	[VIOX_BLK_GET_IDS] = VIOX_A_BLK_STATS_GET_IDS,
	[VIOX_BLK_READ_BYTES] = VIOX_A_BLK_STATS_READ_BYTES,
	[VIOX_BLK_WRITE_BYTES] = VIOX_A_BLK_STATS_WRITE_BYTES,
	[VIOX_BLK_IOERR] = VIOX_A_BLK_STATS_IOERR,
	[VIOX_BLK_UNSUPP] = VIOX_A_BLK_STATS_UNSUPP,
	[VIOX_BLK_THROTTLED] = VIOX_A_BLK_STATS_THROTTLED,
	[VIOX_BLK_THROTTLED_NS] = VIOX_A_BLK_STATS_THROTTLED_NS,
};

/* One nest of counters: a queue's (@index >= 0) or the sum (-1). */
static int stats_fill(struct sk_buff *skb, int type, int index,
		      const u64 v[VIOX_BLK_NR_STATS],
		      const u64 lat[VIOX_BLK_LAT_BUCKETS], u64 inflight,
		      u64 broken)
{
	struct nlattr *nest = nla_nest_start(skb, type);
	unsigned int i;

	if (!nest)
		return -EMSGSIZE;
	if (index >= 0 && nla_put_u32(skb, VIOX_A_BLK_STATS_INDEX, index))
		goto cancel;
	for (i = 0; i < VIOX_BLK_NR_STATS; i++)
		if (nla_put_uint(skb, blk_stat_attr[i], v[i]))
			goto cancel;
	if (nla_put_uint(skb, VIOX_A_BLK_STATS_IN_FLIGHT, inflight) ||
	    nla_put_uint(skb, VIOX_A_BLK_STATS_BROKEN, broken))
		goto cancel;
	for (i = 0; i < VIOX_BLK_LAT_BUCKETS; i++)
		if (nla_put_uint(skb, VIOX_A_BLK_STATS_LATENCY_HIST, lat[i]))
			goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* Bytes of one nest of counters. */
#define BLK_STATS_SIZE	(nla_total_size(0) + nla_total_size(sizeof(u32)) + \
			 (VIOX_BLK_NR_STATS + 2 + VIOX_BLK_LAT_BUCKETS) * \
			 nla_total_size(sizeof(u64)))

/*
 * A device's counters per queue if @per_queue (a dump has the sums only,
 * so that any entry fits a dump message), then summed, each queue read
 * once so that the sum is theirs; viox_blk_lock held.
 */
static int blk_stats_fill(struct sk_buff *skb, struct viox_blk *blk,
			  bool per_queue)
{
	u64 sum[VIOX_BLK_NR_STATS] = {}, v[VIOX_BLK_NR_STATS];
	u64 lsum[VIOX_BLK_LAT_BUCKETS] = {}, lat[VIOX_BLK_LAT_BUCKETS];
	u64 inflight = 0, broken = 0, qin, qbroken;
	unsigned int q, i;

	for (q = 0; q < blk->nvqs; q++) {
		viox_blk_stats_read(&blk->vqs[q], v, lat);
		qin = atomic_read(&blk->vqs[q].inflight);
		qbroken = READ_ONCE(blk->vqs[q].vq.broken);
		if (per_queue &&
		    stats_fill(skb, VIOX_A_BLK_QUEUE, q, v, lat, qin, qbroken))
			return -EMSGSIZE;
		for (i = 0; i < VIOX_BLK_NR_STATS; i++)
			sum[i] += v[i];
		for (i = 0; i < VIOX_BLK_LAT_BUCKETS; i++)
			lsum[i] += lat[i];
		inflight += qin;
		broken += qbroken;
	}
	return stats_fill(skb, VIOX_A_BLK_STATS, -1, sum, lsum, inflight, broken);
}

/* Bytes of the limits nest. */
#define BLK_LIMITS_SIZE	(nla_total_size(0) + 4 * nla_total_size(sizeof(u64)))

static int limits_fill(struct sk_buff *skb, const struct viox_blk_limits *l)
{
	struct nlattr *nest = nla_nest_start(skb, VIOX_A_BLK_LIMITS);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_uint(skb, VIOX_A_BLK_LIMITS_READ_IOPS, l->iops[0]) ||
	    nla_put_uint(skb, VIOX_A_BLK_LIMITS_WRITE_IOPS, l->iops[1]) ||
	    nla_put_uint(skb, VIOX_A_BLK_LIMITS_READ_BPS, l->bps[0]) ||
	    nla_put_uint(skb, VIOX_A_BLK_LIMITS_WRITE_BPS, l->bps[1])) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * The limits a request gives, over @l: those it leaves out unchanged.
 * The op's policy has checked the nest (viox_blk_limits_nl_policy).
 */
static void limits_parse(const struct nlattr *attr, struct viox_blk_limits *l)
{
	const struct nlattr *a;
	int rem;

	if (!attr)
		return;
	nla_for_each_nested(a, attr, rem) {
		switch (nla_type(a)) {
		case VIOX_A_BLK_LIMITS_READ_IOPS:
			l->iops[0] = nla_get_uint(a);
			break;
		case VIOX_A_BLK_LIMITS_WRITE_IOPS:
			l->iops[1] = nla_get_uint(a);
			break;
		case VIOX_A_BLK_LIMITS_READ_BPS:
			l->bps[0] = nla_get_uint(a);
			break;
		case VIOX_A_BLK_LIMITS_WRITE_BPS:
			l->bps[1] = nla_get_uint(a);
			break;
		}
	}
}

/* The size of blk_fill()'s attributes for @b, all queues included. */
static size_t blk_size(const struct viox_blk_backing *b)
{
	return nla_total_size(sizeof(b->name)) +
	       nla_total_size(strlen(b->path) + 1) +
	       nla_total_size(VIRTIO_BLK_ID_BYTES + 1) +
	       2 * nla_total_size(sizeof(u8)) + 3 * nla_total_size(sizeof(u32)) +
	       2 * nla_total_size(sizeof(u64)) + BLK_LIMITS_SIZE +
	       (1 + VIOX_BLK_MAX_QUEUES) * BLK_STATS_SIZE;
}

static int blk_fill(struct sk_buff *skb, const struct viox_blk_backing *b,
		    bool per_queue)
{
	char serial[VIRTIO_BLK_ID_BYTES + 1] = {};

	memcpy(serial, b->serial, sizeof(b->serial));
	if (nla_put_string(skb, VIOX_A_BLK_NAME, b->name) ||
	    nla_put_string(skb, VIOX_A_BLK_PATH, b->path) ||
	    nla_put_u8(skb, VIOX_A_BLK_READ_ONLY, b->read_only) ||
	    nla_put_u32(skb, VIOX_A_BLK_CACHE, b->writethrough ?
			VIOX_BLK_CACHE_WRITETHROUGH : VIOX_BLK_CACHE_WRITEBACK) ||
	    nla_put_string(skb, VIOX_A_BLK_SERIAL, serial) ||
	    nla_put_u32(skb, VIOX_A_BLK_QUEUES, b->queues) ||
	    nla_put_uint(skb, VIOX_A_BLK_FEATURES, viox_blk_features(b)) ||
	    nla_put_uint(skb, VIOX_A_BLK_CAPACITY, b->capacity) ||
	    nla_put_u32(skb, VIOX_A_BLK_BLOCK_SIZE, b->lbs) ||
	    nla_put_u8(skb, VIOX_A_BLK_VDPA, !!b->blk) ||
	    limits_fill(skb, &b->limits))
		return -EMSGSIZE;
	return b->blk ? blk_stats_fill(skb, b->blk, per_queue) : 0;
}

/* A reply of one backing; viox_blk_lock held. */
static int blk_reply(const struct viox_blk_backing *b, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(blk_size(b), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_iput(msg, info);
	if (!hdr || blk_fill(msg, b, true)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int blk_nl_new(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct viox_blk_backing *b;
	char name[32];
	int r;

	if (GENL_REQ_ATTR_CHECK(info, VIOX_A_BLK_NAME) ||
	    GENL_REQ_ATTR_CHECK(info, VIOX_A_BLK_PATH))
		return -EINVAL;
	nla_strscpy(name, a[VIOX_A_BLK_NAME], sizeof(name));
	if (!name[0]) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[VIOX_A_BLK_NAME], "empty name");
		return -EINVAL;
	}
	mutex_lock(&viox_blk_lock);
	if (viox_blk_backing_find(name)) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[VIOX_A_BLK_NAME],
				    "a backing of this name exists");
		r = -EEXIST;
		goto out;
	}
	b = viox_blk_backing_open(name, nla_data(a[VIOX_A_BLK_PATH]),
				  a[VIOX_A_BLK_READ_ONLY] &&
				  nla_get_u8(a[VIOX_A_BLK_READ_ONLY]),
				  info->extack);
	if (IS_ERR(b)) {
		r = PTR_ERR(b);
		goto out;
	}
	if (a[VIOX_A_BLK_CACHE])
		b->writethrough = nla_get_u32(a[VIOX_A_BLK_CACHE]) ==
				  VIOX_BLK_CACHE_WRITETHROUGH;
	if (a[VIOX_A_BLK_SERIAL]) {
		char serial[VIRTIO_BLK_ID_BYTES + 1];

		nla_strscpy(serial, a[VIOX_A_BLK_SERIAL], sizeof(serial));
		memcpy(b->serial, serial, strlen(serial));
	}
	if (a[VIOX_A_BLK_QUEUES])
		b->queues = nla_get_u32(a[VIOX_A_BLK_QUEUES]);
	if (a[VIOX_A_BLK_FEATURES])
		b->features = nla_get_uint(a[VIOX_A_BLK_FEATURES]);
	limits_parse(a[VIOX_A_BLK_LIMITS], &b->limits);
	list_add_tail(&b->node, &viox_blk_backings);
	r = blk_reply(b, info);
out:
	mutex_unlock(&viox_blk_lock);
	return r;
}

static struct viox_blk_backing *blk_nl_find(struct genl_info *info)
{
	struct viox_blk_backing *b;
	char name[32];

	if (GENL_REQ_ATTR_CHECK(info, VIOX_A_BLK_NAME))
		return ERR_PTR(-EINVAL);
	nla_strscpy(name, info->attrs[VIOX_A_BLK_NAME], sizeof(name));
	b = viox_blk_backing_find(name);
	if (!b) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VIOX_A_BLK_NAME],
				    "no viox_blk backing of this name");
		return ERR_PTR(-ENOENT);
	}
	return b;
}

static int blk_nl_del(struct sk_buff *skb, struct genl_info *info)
{
	struct viox_blk_backing *b;
	int r = 0;

	mutex_lock(&viox_blk_lock);
	b = blk_nl_find(info);
	if (IS_ERR(b)) {
		r = PTR_ERR(b);
	} else if (b->blk) {
		NL_SET_ERR_MSG(info->extack,
			       "its vDPA device exists: vdpa dev del it first");
		r = -EBUSY;
	} else {
		list_del(&b->node);
		viox_blk_backing_free(b);
	}
	mutex_unlock(&viox_blk_lock);
	return r;
}

static int blk_nl_get(struct sk_buff *skb, struct genl_info *info)
{
	struct viox_blk_backing *b;
	int r;

	mutex_lock(&viox_blk_lock);
	b = blk_nl_find(info);
	r = IS_ERR(b) ? PTR_ERR(b) : blk_reply(b, info);
	mutex_unlock(&viox_blk_lock);
	return r;
}

static int blk_nl_set(struct sk_buff *skb, struct genl_info *info)
{
	struct viox_blk_backing *b;
	int r;

	if (GENL_REQ_ATTR_CHECK(info, VIOX_A_BLK_LIMITS))
		return -EINVAL;
	mutex_lock(&viox_blk_lock);
	b = blk_nl_find(info);
	if (IS_ERR(b)) {
		r = PTR_ERR(b);
		goto out;
	}
	limits_parse(info->attrs[VIOX_A_BLK_LIMITS], &b->limits);
	if (b->blk)
		viox_blk_set_limits(b->blk, &b->limits);
	r = blk_reply(b, info);
out:
	mutex_unlock(&viox_blk_lock);
	return r;
}

struct blk_nl_dump_ctx {
	unsigned long done;
};

static int blk_nl_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct blk_nl_dump_ctx *ctx = (void *)cb->ctx;
	const struct genl_info *info = genl_info_dump(cb);
	struct viox_blk_backing *b;
	unsigned long seen = 0;
	void *hdr;
	int r = 0;

	mutex_lock(&viox_blk_lock);
	list_for_each_entry(b, &viox_blk_backings, node) {
		if (seen++ < ctx->done)
			continue;
		hdr = genlmsg_iput(skb, info);
		if (!hdr) {
			r = -EMSGSIZE;
			break;
		}
		if (blk_fill(skb, b, false)) {
			genlmsg_cancel(skb, hdr);
			r = -EMSGSIZE;
			break;
		}
		genlmsg_end(skb, hdr);
		ctx->done++;
	}
	mutex_unlock(&viox_blk_lock);
	return r == -EMSGSIZE && skb->len ? skb->len : r;
}

const struct viox_blk_nl_ops viox_blk_nl_ops = {
	.new = blk_nl_new,
	.del = blk_nl_del,
	.get = blk_nl_get,
	.dump = blk_nl_dump,
	.set = blk_nl_set,
};
EXPORT_SYMBOL_GPL(viox_blk_nl_ops);
