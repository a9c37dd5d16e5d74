/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The blk commands of the viox generic netlink family
 * (Documentation/netlink/specs/viox.yaml). viox_vring owns the family;
 * viox_blk owns the backing stores, and is found with symbol_get() (an
 * admin's blk-new loads it), as viox_vmdq is for vports.
 */
#ifndef _VIOX_BLK_NL_H
#define _VIOX_BLK_NL_H

#include <net/genetlink.h>

/* viox_blk's handlers; each runs with a reference on viox_blk. */
struct viox_blk_nl_ops {
	int (*new)(struct sk_buff *skb, struct genl_info *info);
	int (*del)(struct sk_buff *skb, struct genl_info *info);
	int (*get)(struct sk_buff *skb, struct genl_info *info);
	int (*dump)(struct sk_buff *skb, struct netlink_callback *cb);
	int (*set)(struct sk_buff *skb, struct genl_info *info);
};

extern const struct viox_blk_nl_ops viox_blk_nl_ops;

/* viox_vring: the blk-change-ntf notification, to the blk group. */
void viox_nl_blk_notify(const char *name, bool exists, int broken_queue);

#endif /* _VIOX_BLK_NL_H */
