// SPDX-License-Identifier: GPL-2.0
/*
 * The device's address map: identity for virtio_vdpa, or a copy of the
 * map vhost_vdpa keeps for a VMM. vhost_vdpa unpins a VMM's pages before
 * it calls set_map, and within a batch not until the batch ends, so the
 * copy holds a reference on every page it maps: a page the device can
 * still reach is never freed and given to someone else, whatever the VMM
 * unmaps and when.
 */
#include <linux/mm.h>
#include <linux/sched.h>

#include "blk.h"

/* Take or drop a reference on each page behind @map. */
static void map_refs(const struct vhost_iotlb_map *map, bool get)
{
	unsigned long pfn, first = PHYS_PFN(map->addr);
	unsigned long last = PHYS_PFN(map->addr + map->size - 1);

	for (pfn = first; pfn <= last; pfn++) {
		/* vhost_vdpa pins only pages with a struct page. */
		if (!pfn_valid(pfn))
			continue;
		if (get)
			get_page(pfn_to_page(pfn));
		else
			put_page(pfn_to_page(pfn));
		if (!((pfn - first + 1) % 4096))
			cond_resched();
	}
}

/**
 * viox_blk_map_clear() - empty the device's map, releasing its pages
 * @blk: the device, nothing translating through its map
 */
void viox_blk_map_clear(struct viox_blk *blk)
{
	struct vhost_iotlb_map *map;

	if (!blk->iotlb_pt)
		for (map = vhost_iotlb_itree_first(&blk->iotlb, 0, U64_MAX); map;
		     map = vhost_iotlb_itree_next(map, 0, U64_MAX))
			map_refs(map, false);
	vhost_iotlb_reset(&blk->iotlb);
	blk->iotlb_pt = false;
}

/**
 * viox_blk_map_identity() - the map virtio_vdpa's addresses need
 * @blk: the device, nothing translating through its map
 *
 * Return: 0 or -ENOMEM.
 */
int viox_blk_map_identity(struct viox_blk *blk)
{
	viox_blk_map_clear(blk);
	blk->iotlb_pt = true;
	return vhost_iotlb_add_range(&blk->iotlb, 0, ULONG_MAX, 0, VHOST_MAP_RW);
}

/**
 * viox_blk_map_copy() - make the device's map a copy of a VMM's
 * @blk: the device, nothing translating through its map
 * @from: vhost_vdpa's map, every page of which it has pinned now
 *
 * Return: 0, or -ENOMEM with the device's map left empty.
 */
int viox_blk_map_copy(struct viox_blk *blk, struct vhost_iotlb *from)
{
	struct vhost_iotlb_map *map;
	int r;

	viox_blk_map_clear(blk);
	for (map = vhost_iotlb_itree_first(from, 0, U64_MAX); map;
	     map = vhost_iotlb_itree_next(map, 0, U64_MAX)) {
		r = vhost_iotlb_add_range(&blk->iotlb, map->start, map->last,
					  map->addr, map->perm);
		if (r) {
			viox_blk_map_clear(blk);
			return r;
		}
		map_refs(map, true);
	}
	return 0;
}
