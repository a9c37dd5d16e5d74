// SPDX-License-Identifier: GPL-2.0
/* viox_vring: the vring core shared by the viox vhost-style backends. */
#include <linux/module.h>

#include "internal.h"
#include "netlink-gen.h"

unsigned short viox_max_mem_regions = 64;
EXPORT_SYMBOL_IF_KUNIT(viox_max_mem_regions);
module_param_named(max_mem_regions, viox_max_mem_regions, ushort, 0444);
MODULE_PARM_DESC(max_mem_regions,
		 "Most memory regions in one guest memory table (1-1024, default 64)");

static int __init viox_vring_init(void)
{
	/* A vq's counters have writers in more than one context. */
	BUILD_BUG_ON(BITS_PER_LONG != 64);
	if (!viox_max_mem_regions || viox_max_mem_regions > 1024) {
		pr_err("viox_vring: max_mem_regions must be 1 to 1024, not %u\n",
		       viox_max_mem_regions);
		return -EINVAL;
	}
	return genl_register_family(&viox_nl_family);
}

static void __exit viox_vring_exit(void)
{
	genl_unregister_family(&viox_nl_family);
}

module_init(viox_vring_init);
module_exit(viox_vring_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("viox shared vring core for vhost-style backends");
MODULE_VERSION(VIOX_VERSION);
MODULE_ALIAS_GENL_FAMILY(VIOX_FAMILY_NAME);
