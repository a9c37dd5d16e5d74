// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/viox.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "netlink-gen.h"

#include <uapi/linux/viox.h>

/* Common nested types */
const struct nla_policy viox_blk_limits_nl_policy[VIOX_A_BLK_LIMITS_WRITE_BPS + 1] = {
	[VIOX_A_BLK_LIMITS_READ_IOPS] = { .type = NLA_UINT, },
	[VIOX_A_BLK_LIMITS_WRITE_IOPS] = { .type = NLA_UINT, },
	[VIOX_A_BLK_LIMITS_READ_BPS] = { .type = NLA_UINT, },
	[VIOX_A_BLK_LIMITS_WRITE_BPS] = { .type = NLA_UINT, },
};

/* VIOX_CMD_DEV_GET - do */
static const struct nla_policy viox_dev_get_nl_policy[VIOX_A_DEV_ID + 1] = {
	[VIOX_A_DEV_ID] = { .type = NLA_U32, },
};

/* VIOX_CMD_VPORT_NEW - do */
static const struct nla_policy viox_vport_new_nl_policy[VIOX_A_VPORT_STANDBY_VF + 1] = {
	[VIOX_A_VPORT_UPLINK] = { .type = NLA_U32, },
	[VIOX_A_VPORT_NAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[VIOX_A_VPORT_MAC] = NLA_POLICY_EXACT_LEN(6),
	[VIOX_A_VPORT_VLAN] = NLA_POLICY_MAX(NLA_U16, 4094),
	[VIOX_A_VPORT_MODE] = NLA_POLICY_MAX(NLA_U8, 1),
	[VIOX_A_VPORT_SPOOFCHK] = NLA_POLICY_MAX(NLA_U8, 1),
	[VIOX_A_VPORT_OFFLOAD] = NLA_POLICY_MAX(NLA_U8, 1),
	[VIOX_A_VPORT_RX_CPU] = { .type = NLA_S32, },
	[VIOX_A_VPORT_STANDBY_VF] = { .type = NLA_U32, },
};

/* VIOX_CMD_VPORT_DEL - do */
static const struct nla_policy viox_vport_del_nl_policy[VIOX_A_VPORT_IFINDEX + 1] = {
	[VIOX_A_VPORT_IFINDEX] = { .type = NLA_U32, },
};

/* VIOX_CMD_VPORT_GET - do */
static const struct nla_policy viox_vport_get_nl_policy[VIOX_A_VPORT_IFINDEX + 1] = {
	[VIOX_A_VPORT_IFINDEX] = { .type = NLA_U32, },
};

/* VIOX_CMD_BLK_NEW - do */
static const struct nla_policy viox_blk_new_nl_policy[VIOX_A_BLK_LIMITS + 1] = {
	[VIOX_A_BLK_NAME] = { .type = NLA_NUL_STRING, .len = 31, },
	[VIOX_A_BLK_PATH] = { .type = NLA_NUL_STRING, .len = 1023, },
	[VIOX_A_BLK_READ_ONLY] = NLA_POLICY_MAX(NLA_U8, 1),
	[VIOX_A_BLK_CACHE] = NLA_POLICY_MAX(NLA_U32, 1),
	[VIOX_A_BLK_SERIAL] = { .type = NLA_NUL_STRING, .len = 20, },
	[VIOX_A_BLK_QUEUES] = NLA_POLICY_RANGE(NLA_U32, 1, 16),
	[VIOX_A_BLK_FEATURES] = { .type = NLA_UINT, },
	[VIOX_A_BLK_LIMITS] = NLA_POLICY_NESTED(viox_blk_limits_nl_policy),
};

/* VIOX_CMD_BLK_DEL - do */
static const struct nla_policy viox_blk_del_nl_policy[VIOX_A_BLK_NAME + 1] = {
	[VIOX_A_BLK_NAME] = { .type = NLA_NUL_STRING, .len = 31, },
};

/* VIOX_CMD_BLK_GET - do */
static const struct nla_policy viox_blk_get_nl_policy[VIOX_A_BLK_NAME + 1] = {
	[VIOX_A_BLK_NAME] = { .type = NLA_NUL_STRING, .len = 31, },
};

/* VIOX_CMD_BLK_SET - do */
static const struct nla_policy viox_blk_set_nl_policy[VIOX_A_BLK_LIMITS + 1] = {
	[VIOX_A_BLK_NAME] = { .type = NLA_NUL_STRING, .len = 31, },
	[VIOX_A_BLK_LIMITS] = NLA_POLICY_NESTED(viox_blk_limits_nl_policy),
};

/* Ops table for viox */
static const struct genl_split_ops viox_nl_ops[] = {
	{
		.cmd		= VIOX_CMD_DEV_GET,
		.doit		= viox_nl_dev_get_doit,
		.policy		= viox_dev_get_nl_policy,
		.maxattr	= VIOX_A_DEV_ID,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd	= VIOX_CMD_DEV_GET,
		.dumpit	= viox_nl_dev_get_dumpit,
		.flags	= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= VIOX_CMD_VPORT_NEW,
		.doit		= viox_nl_vport_new_doit,
		.policy		= viox_vport_new_nl_policy,
		.maxattr	= VIOX_A_VPORT_STANDBY_VF,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VIOX_CMD_VPORT_DEL,
		.doit		= viox_nl_vport_del_doit,
		.policy		= viox_vport_del_nl_policy,
		.maxattr	= VIOX_A_VPORT_IFINDEX,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VIOX_CMD_VPORT_GET,
		.doit		= viox_nl_vport_get_doit,
		.policy		= viox_vport_get_nl_policy,
		.maxattr	= VIOX_A_VPORT_IFINDEX,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd	= VIOX_CMD_VPORT_GET,
		.dumpit	= viox_nl_vport_get_dumpit,
		.flags	= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= VIOX_CMD_BLK_NEW,
		.doit		= viox_nl_blk_new_doit,
		.policy		= viox_blk_new_nl_policy,
		.maxattr	= VIOX_A_BLK_LIMITS,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VIOX_CMD_BLK_DEL,
		.doit		= viox_nl_blk_del_doit,
		.policy		= viox_blk_del_nl_policy,
		.maxattr	= VIOX_A_BLK_NAME,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VIOX_CMD_BLK_GET,
		.doit		= viox_nl_blk_get_doit,
		.policy		= viox_blk_get_nl_policy,
		.maxattr	= VIOX_A_BLK_NAME,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd	= VIOX_CMD_BLK_GET,
		.dumpit	= viox_nl_blk_get_dumpit,
		.flags	= GENL_ADMIN_PERM | GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= VIOX_CMD_BLK_SET,
		.doit		= viox_nl_blk_set_doit,
		.policy		= viox_blk_set_nl_policy,
		.maxattr	= VIOX_A_BLK_LIMITS,
		.flags		= GENL_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
};

static const struct genl_multicast_group viox_nl_mcgrps[] = {
	[VIOX_NLGRP_VPORT] = { "vport", },
	[VIOX_NLGRP_BLK] = { "blk", },
};

struct genl_family viox_nl_family __ro_after_init = {
	.name		= VIOX_FAMILY_NAME,
	.version	= VIOX_FAMILY_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.split_ops	= viox_nl_ops,
	.n_split_ops	= ARRAY_SIZE(viox_nl_ops),
	.mcgrps		= viox_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(viox_nl_mcgrps),
};
