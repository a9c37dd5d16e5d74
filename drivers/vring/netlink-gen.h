/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/viox.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_VIOX_GEN_H
#define _LINUX_VIOX_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/viox.h>

/* Common nested types */
extern const struct nla_policy viox_blk_limits_nl_policy[VIOX_A_BLK_LIMITS_WRITE_BPS + 1];

int viox_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info);
int viox_nl_dev_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int viox_nl_vport_new_doit(struct sk_buff *skb, struct genl_info *info);
int viox_nl_vport_del_doit(struct sk_buff *skb, struct genl_info *info);
int viox_nl_vport_get_doit(struct sk_buff *skb, struct genl_info *info);
int viox_nl_vport_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int viox_nl_blk_new_doit(struct sk_buff *skb, struct genl_info *info);
int viox_nl_blk_del_doit(struct sk_buff *skb, struct genl_info *info);
int viox_nl_blk_get_doit(struct sk_buff *skb, struct genl_info *info);
int viox_nl_blk_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int viox_nl_blk_set_doit(struct sk_buff *skb, struct genl_info *info);

enum {
	VIOX_NLGRP_VPORT,
	VIOX_NLGRP_BLK,
};

extern struct genl_family viox_nl_family;

#endif /* _LINUX_VIOX_GEN_H */
