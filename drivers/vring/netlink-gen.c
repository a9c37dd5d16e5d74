// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/viox.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "netlink-gen.h"

#include <uapi/linux/viox.h>

/* VIOX_CMD_DEV_GET - do */
static const struct nla_policy viox_dev_get_nl_policy[VIOX_A_DEV_ID + 1] = {
	[VIOX_A_DEV_ID] = { .type = NLA_U32, },
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
};

struct genl_family viox_nl_family __ro_after_init = {
	.name		= VIOX_FAMILY_NAME,
	.version	= VIOX_FAMILY_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.split_ops	= viox_nl_ops,
	.n_split_ops	= ARRAY_SIZE(viox_nl_ops),
};
