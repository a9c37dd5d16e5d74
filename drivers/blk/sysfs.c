// SPDX-License-Identifier: GPL-2.0
/*
 * A short summary of a viox_blk device in sysfs, on its vDPA device
 * (/sys/bus/vdpa/devices/NAME/viox/): requests, bytes, errors, what is in
 * flight and how long the limits held it back, all queues together. Per
 * queue, by type and the latency histogram are in the viox netlink
 * family's blk-get. Root only, as blk-get is for admins.
 */
#include <linux/device.h>
#include <linux/sysfs.h>

#include "blk.h"

static struct viox_blk *dev_to_blk(struct device *d)
{
	return container_of(d, struct viox_blk, vdpa.dev);
}

struct viox_blk_stat_attr {
	struct device_attribute attr;
	enum viox_blk_stat stat;
};

static ssize_t stat_show(struct device *d, struct device_attribute *attr,
			 char *buf)
{
	const struct viox_blk_stat_attr *a =
		container_of(attr, struct viox_blk_stat_attr, attr);
	u64 v[VIOX_BLK_NR_STATS], lat[VIOX_BLK_LAT_BUCKETS], total = 0;
	struct viox_blk *blk = dev_to_blk(d);
	unsigned int q;

	for (q = 0; q < blk->nvqs; q++) {
		viox_blk_stats_read(&blk->vqs[q], v, lat);
		total += v[a->stat];
	}
	return sysfs_emit(buf, "%llu\n", total);
}

#define STAT_ATTR(_name, _stat)						\
	static struct viox_blk_stat_attr stat_##_name = {		\
		.attr = __ATTR(_name, 0400, stat_show, NULL),		\
		.stat = _stat,						\
	}

STAT_ATTR(reads, VIOX_BLK_READS);
STAT_ATTR(writes, VIOX_BLK_WRITES);
STAT_ATTR(flushes, VIOX_BLK_FLUSHES);
STAT_ATTR(read_bytes, VIOX_BLK_READ_BYTES);
STAT_ATTR(write_bytes, VIOX_BLK_WRITE_BYTES);
STAT_ATTR(ioerr, VIOX_BLK_IOERR);
STAT_ATTR(throttled_ns, VIOX_BLK_THROTTLED_NS);

static ssize_t in_flight_show(struct device *d, struct device_attribute *attr,
			      char *buf)
{
	struct viox_blk *blk = dev_to_blk(d);
	unsigned int q, n = 0;

	for (q = 0; q < blk->nvqs; q++)
		n += atomic_read(&blk->vqs[q].inflight);
	return sysfs_emit(buf, "%u\n", n);
}
static DEVICE_ATTR_ADMIN_RO(in_flight);

static ssize_t broken_show(struct device *d, struct device_attribute *attr,
			   char *buf)
{
	struct viox_blk *blk = dev_to_blk(d);
	unsigned int q, n = 0;

	for (q = 0; q < blk->nvqs; q++)
		n += READ_ONCE(blk->vqs[q].vq.broken);
	return sysfs_emit(buf, "%u\n", n);
}
static DEVICE_ATTR_ADMIN_RO(broken);

static struct attribute *viox_blk_attrs[] = {
	&stat_reads.attr.attr,
	&stat_writes.attr.attr,
	&stat_flushes.attr.attr,
	&stat_read_bytes.attr.attr,
	&stat_write_bytes.attr.attr,
	&stat_ioerr.attr.attr,
	&stat_throttled_ns.attr.attr,
	&dev_attr_in_flight.attr,
	&dev_attr_broken.attr,
	NULL
};

static const struct attribute_group viox_blk_group = {
	.name = "viox",
	.attrs = viox_blk_attrs,
};

const struct attribute_group *viox_blk_groups[] = {
	&viox_blk_group,
	NULL
};
