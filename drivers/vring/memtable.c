// SPDX-License-Identifier: GPL-2.0
/*
 * The guest memory table: guest-physical ranges to owner virtual addresses,
 * kept in the kernel's vhost_iotlb interval tree.
 */
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vhost.h>
#include <linux/vhost_iotlb.h>

#include "internal.h"

/*
 * What vhost accepts: any non-empty range that wraps neither in guest nor
 * in owner addresses, in the owner's half of the address space. QEMU hands
 * over sub-page and overlapping sections; translation takes the first
 * region that holds an address.
 */
static bool region_ok(const struct vhost_memory_region *r)
{
	if (!r->memory_size)
		return false;
	if (r->guest_phys_addr + r->memory_size - 1 < r->guest_phys_addr ||
	    r->userspace_addr + r->memory_size - 1 < r->userspace_addr)
		return false;
	return access_ok((void __user *)(unsigned long)r->userspace_addr,
			 r->memory_size);
}

/**
 * viox_umem_build() - validate regions and build a memory table from them
 * @regions: the regions, already copied from userspace
 * @nregions: how many
 * @umem: the new table on success
 *
 * Return: 0, or -EINVAL for an empty, wrapping or inaccessible region, or
 * -ENOMEM.
 */
int viox_umem_build(const struct vhost_memory_region *regions,
		    unsigned int nregions, struct vhost_iotlb **umem)
{
	struct vhost_iotlb *t;
	unsigned int i;
	int r;

	t = vhost_iotlb_alloc(nregions, 0);
	if (!t)
		return -ENOMEM;
	for (i = 0; i < nregions; i++) {
		const struct vhost_memory_region *m = &regions[i];
		u64 last = m->guest_phys_addr + m->memory_size - 1;

		if (!region_ok(m)) {
			r = -EINVAL;
			goto err;
		}
		r = vhost_iotlb_add_range(t, m->guest_phys_addr, last,
					  m->userspace_addr, VHOST_MAP_RW);
		if (r)
			goto err;
	}
	*umem = t;
	return 0;
err:
	vhost_iotlb_free(t);
	return r;
}
EXPORT_SYMBOL_IF_KUNIT(viox_umem_build);

/**
 * viox_umem_translate() - map a guest-physical range to owner iovecs
 * @umem: the memory table
 * @gpa: start of the range
 * @len: its length; 0 yields no iovec
 * @iov: where to put the segments, one per region crossed
 * @iov_max: capacity of @iov
 *
 * Return: the number of iovecs, -EFAULT if any byte is outside the table
 * (or the range wraps), -ENOBUFS if @iov is too small.
 */
int viox_umem_translate(struct vhost_iotlb *umem, u64 gpa, u64 len,
			struct iovec *iov, unsigned int iov_max)
{
	unsigned int n = 0;

	if (len && gpa + len - 1 < gpa)
		return -EFAULT;
	while (len) {
		struct vhost_iotlb_map *map;
		u64 seg;

		map = umem ? vhost_iotlb_itree_first(umem, gpa, gpa) : NULL;
		if (!map)
			return -EFAULT;
		if (n == iov_max)
			return -ENOBUFS;
		seg = min(len, map->last - gpa + 1);
		iov[n].iov_base = (void __user *)(unsigned long)
				  (map->addr + gpa - map->start);
		iov[n].iov_len = seg;
		n++;
		len -= seg;
		gpa += seg;
	}
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(viox_umem_translate);

/*
 * Rings are given by owner address, but dirty logging counts guest pages:
 * find the guest address of an owner range that lies in one region.
 */
int viox_umem_uaddr_to_gpa(struct vhost_iotlb *umem, u64 uaddr, u64 len,
			   u64 *gpa)
{
	struct vhost_iotlb_map *map;

	if (!umem)
		return -EFAULT;
	for (map = vhost_iotlb_itree_first(umem, 0, U64_MAX); map;
	     map = vhost_iotlb_itree_next(map, 0, U64_MAX)) {
		if (uaddr >= map->addr && uaddr - map->addr + len <= map->size) {
			*gpa = map->start + uaddr - map->addr;
			return 0;
		}
	}
	return -EFAULT;
}
EXPORT_SYMBOL_IF_KUNIT(viox_umem_uaddr_to_gpa);

/* VHOST_SET_MEM_TABLE: a new table replaces the old one atomically per vq. */
long viox_dev_set_mem_table(struct viox_dev *dev,
			    struct vhost_memory __user *m)
{
	struct vhost_memory_region *regions;
	struct vhost_memory mem;
	struct vhost_iotlb *umem, *old;
	unsigned int i;
	int r;

	if (copy_from_user(&mem, m, sizeof(mem)))
		return -EFAULT;
	if (mem.padding)
		return -EOPNOTSUPP;
	if (mem.nregions > viox_max_mem_regions)
		return -E2BIG;
	regions = memdup_array_user(m->regions, mem.nregions, sizeof(*regions));
	if (IS_ERR(regions))
		return PTR_ERR(regions);
	r = viox_umem_build(regions, mem.nregions, &umem);
	kfree(regions);
	if (r) {
		pr_warn_ratelimited("%s: rejected memory table of %u regions\n",
				    dev->name, mem.nregions);
		return r;
	}
	if (viox_dev_logging(dev) && !viox_umem_log_ok(umem, dev->log_base)) {
		vhost_iotlb_free(umem);
		return -EFAULT;
	}

	old = dev->umem;
	dev->umem = umem;
	for (i = 0; i < dev->nvqs; i++) {
		mutex_lock(&dev->vqs[i]->mutex);
		dev->vqs[i]->umem = umem;
		dev->vqs[i]->umem_hit = NULL;
		mutex_unlock(&dev->vqs[i]->mutex);
	}
	if (old)
		vhost_iotlb_free(old);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(viox_dev_set_mem_table);
