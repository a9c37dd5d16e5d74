// SPDX-License-Identifier: GPL-2.0
/*
 * A summary of viox_net in sysfs, on the misc device
 * (/sys/class/misc/viox-net/): open devices and counters added up over
 * them. Per-device and per-vq detail is in the viox netlink family.
 * Host-wide sums tell one tenant of the others' traffic (its own taken
 * away): root only, as netlink shows others' devices to admins only.
 */
#include <linux/device.h>
#include <linux/sysfs.h>

#include "net.h"

static ssize_t devices_show(struct device *d, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%u\n", viox_devs_count(VIOX_DEV_TYPE_NET));
}
static DEVICE_ATTR_ADMIN_RO(devices);

/* Counters of one direction (a mask of enum viox_vq_stat), summed over
 * the open devices.
 */
struct viox_net_stat_attr {
	struct device_attribute attr;
	unsigned int vq;
	u32 stats;
};

static ssize_t stat_show(struct device *d, struct device_attribute *attr,
			 char *buf)
{
	const struct viox_net_stat_attr *a =
		container_of(attr, struct viox_net_stat_attr, attr);
	u64 sums[VIOX_VQ_NR_STATS], total = 0;
	unsigned int broken, i;

	viox_devs_sum(VIOX_DEV_TYPE_NET, a->vq, sums, &broken);
	for (i = 0; i < VIOX_VQ_NR_STATS; i++)
		if (a->stats & BIT(i))
			total += sums[i];
	return sysfs_emit(buf, "%llu\n", total);
}

static ssize_t broken_show(struct device *d, struct device_attribute *attr,
			   char *buf)
{
	u64 sums[VIOX_VQ_NR_STATS];
	unsigned int rx, tx;

	viox_devs_sum(VIOX_DEV_TYPE_NET, VIOX_NET_VQ_RX, sums, &rx);
	viox_devs_sum(VIOX_DEV_TYPE_NET, VIOX_NET_VQ_TX, sums, &tx);
	return sysfs_emit(buf, "%u\n", rx + tx);
}
static DEVICE_ATTR_ADMIN_RO(broken);

#define STAT_ATTR(_name, _vq, _stats)					\
	static struct viox_net_stat_attr stat_##_name = {		\
		.attr = __ATTR(_name, 0400, stat_show, NULL),		\
		.vq = _vq, .stats = _stats,				\
	}
#define DROPS (BIT(VIOX_VQ_DROPS_TOO_BIG) | BIT(VIOX_VQ_DROPS_ERROR))

STAT_ATTR(rx_packets, VIOX_NET_VQ_RX, BIT(VIOX_VQ_PACKETS));
STAT_ATTR(rx_bytes, VIOX_NET_VQ_RX, BIT(VIOX_VQ_BYTES));
STAT_ATTR(rx_dropped, VIOX_NET_VQ_RX, DROPS);
STAT_ATTR(tx_packets, VIOX_NET_VQ_TX, BIT(VIOX_VQ_PACKETS));
STAT_ATTR(tx_bytes, VIOX_NET_VQ_TX, BIT(VIOX_VQ_BYTES));
STAT_ATTR(tx_dropped, VIOX_NET_VQ_TX, DROPS);

static struct attribute *viox_net_attrs[] = {
	&dev_attr_devices.attr,
	&dev_attr_broken.attr,
	&stat_rx_packets.attr.attr,
	&stat_rx_bytes.attr.attr,
	&stat_rx_dropped.attr.attr,
	&stat_tx_packets.attr.attr,
	&stat_tx_bytes.attr.attr,
	&stat_tx_dropped.attr.attr,
	NULL
};

static const struct attribute_group viox_net_group = {
	.attrs = viox_net_attrs,
};

const struct attribute_group *viox_net_groups[] = {
	&viox_net_group,
	NULL
};
