// SPDX-License-Identifier: GPL-2.0
/* viox_net: a vhost-net compatible virtio-net backend on /dev/viox-net. */
#include <linux/module.h>

#include "net.h"

unsigned int viox_net_weight_packets = 256;
module_param_named(weight_packets, viox_net_weight_packets, uint, 0644);
MODULE_PARM_DESC(weight_packets,
		 "Packets one queue moves before yielding to other work (default 256)");

unsigned int viox_net_weight_bytes = 0x80000;
module_param_named(weight_bytes, viox_net_weight_bytes, uint, 0644);
MODULE_PARM_DESC(weight_bytes,
		 "Bytes one queue moves before yielding to other work (default 524288)");

static int __init viox_net_init(void)
{
	return viox_net_register();
}

static void __exit viox_net_exit(void)
{
	viox_net_unregister();
}

module_init(viox_net_init);
module_exit(viox_net_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("viox vhost-net compatible virtio-net backend");
MODULE_VERSION(VIOX_VERSION);
