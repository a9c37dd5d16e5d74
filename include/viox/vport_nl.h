/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vport commands of the viox generic netlink family
 * (Documentation/netlink/specs/viox.yaml). viox_vring owns the family;
 * viox_vmdq owns the vports. Neither module needs the other loaded: the
 * family finds viox_vmdq's handlers with symbol_get() (loading viox_vmdq
 * on demand, as rtnetlink loads a link kind), and viox_vmdq finds the
 * family's notifier the same way (no family, no listener to tell).
 */
#ifndef _VIOX_VPORT_NL_H
#define _VIOX_VPORT_NL_H

#include <net/genetlink.h>

/* viox_vmdq's handlers; each runs with a reference on viox_vmdq. */
struct viox_vport_nl_ops {
	int (*new)(struct sk_buff *skb, struct genl_info *info);
	int (*del)(struct sk_buff *skb, struct genl_info *info);
	int (*get)(struct sk_buff *skb, struct genl_info *info);
	int (*dump)(struct sk_buff *skb, struct netlink_callback *cb);
};

extern const struct viox_vport_nl_ops viox_vmdq_nl_ops;

/* Puts a vport's attributes, as @net sees them, into a message. */
typedef int (*viox_vport_nl_fill_t)(struct sk_buff *skb,
				    struct net_device *vport, struct net *net);

/**
 * viox_nl_vport_notify - tell the vport group of @net about @vport
 * @net: the listeners' namespace
 * @vport: the vport
 * @cmd: VIOX_CMD_VPORT_*_NTF
 * @fill: what the message says of it
 *
 * RTNL held, so that the vport holds still; from viox_vmdq only.
 */
void viox_nl_vport_notify(struct net *net, struct net_device *vport, u8 cmd,
			  viox_vport_nl_fill_t fill);

#endif /* _VIOX_VPORT_NL_H */
