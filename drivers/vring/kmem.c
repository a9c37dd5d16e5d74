// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory as pages, for vqs a vDPA device runs: the device's iotlb
 * maps I/O addresses to physical ones (identity for virtio_vdpa, the pages
 * vhost_vdpa pinned for a VMM). Rings are mapped into the kernel once per
 * start; buffers become bio_vecs, which block I/O takes without a copy.
 */
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/vhost_iotlb.h>
#include <linux/virtio_ring.h>
#include <linux/vmalloc.h>

#include "internal.h"

/* A physical range the kernel has struct pages for. */
static bool kmem_pages_ok(u64 pa, u64 len)
{
	return pfn_valid(PHYS_PFN(pa)) && pfn_valid(PHYS_PFN(pa + len - 1));
}

static bool kmem_perm_ok(const struct vhost_iotlb_map *map, bool write)
{
	return map->perm & (write ? VHOST_MAP_WO : VHOST_MAP_RO);
}

/**
 * viox_kmem_translate() - the pages behind an I/O address range
 * @iotlb: the device's address space
 * @addr: I/O address
 * @len: bytes
 * @write: the device will write the range
 * @bvec: where to put the segments, one per mapping it crosses
 * @max: capacity of @bvec
 *
 * Return: segments used, -EFAULT if part of the range is unmapped, not
 * mapped for that direction or not memory, -ENOBUFS if @bvec is too short.
 */
int viox_kmem_translate(struct vhost_iotlb *iotlb, u64 addr, u32 len,
			bool write, struct bio_vec *bvec, unsigned int max)
{
	struct vhost_iotlb_map *map;
	unsigned int n = 0;
	u64 last, seg, pa;

	if (!len)
		return 0;
	if (!iotlb || check_add_overflow(addr, (u64)len - 1, &last))
		return -EFAULT;
	while (len) {
		map = vhost_iotlb_itree_first(iotlb, addr, addr);
		if (!map || !kmem_perm_ok(map, write))
			return -EFAULT;
		if (n == max)
			return -ENOBUFS;
		seg = min_t(u64, len, map->last - addr + 1);
		pa = map->addr + addr - map->start;
		if (!kmem_pages_ok(pa, seg))
			return -EFAULT;
		bvec_set_page(&bvec[n++], pfn_to_page(PHYS_PFN(pa)), seg,
			      offset_in_page(pa));
		len -= seg;
		addr += seg;
	}
	return n;
}

/**
 * viox_kmem_read() - copy from I/O addresses (an indirect table)
 * @iotlb: the device's address space
 * @addr: where to read
 * @buf: where to put it
 * @len: bytes
 *
 * Return: 0 or -EFAULT.
 */
int viox_kmem_read(struct vhost_iotlb *iotlb, u64 addr, void *buf, size_t len)
{
	struct vhost_iotlb_map *map;
	size_t off, c;
	u64 pa;

	if (!iotlb)
		return -EFAULT;
	while (len) {
		map = vhost_iotlb_itree_first(iotlb, addr, addr);
		if (!map || !kmem_perm_ok(map, false))
			return -EFAULT;
		pa = map->addr + addr - map->start;
		off = offset_in_page(pa);
		c = min3(len, PAGE_SIZE - off, (size_t)(map->last - addr) + 1);
		if (!kmem_pages_ok(pa, c))
			return -EFAULT;
		memcpy_from_page(buf, pfn_to_page(PHYS_PFN(pa)), off, c);
		buf += c;
		addr += c;
		len -= c;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(viox_kmem_read);

/* Bytes of each ring area, and whether the device writes it. */
static size_t kring_size(const struct viox_vq *vq, enum viox_ring_area area,
			 bool *write)
{
	bool packed = viox_vq_has_feature(vq, VIRTIO_F_RING_PACKED);
	size_t n = vq->num;

	switch (area) {
	case VIOX_AREA_DESC:
		*write = packed;
		return n * sizeof(struct vring_desc);
	case VIOX_AREA_DRIVER:
		*write = false;
		return packed ? sizeof(struct vring_packed_desc_event) :
		       struct_size_t(struct vring_avail, ring, n + 1);
	default:
		*write = true;
		return packed ? sizeof(struct vring_packed_desc_event) :
		       struct_size_t(struct vring_used, ring, n) + sizeof(__virtio16);
	}
}

static void kring_unmap_area(struct viox_vq *vq, enum viox_ring_area area)
{
	void *base = (void *)PAGE_ALIGN_DOWN((unsigned long)vq->kring.map[area]);

	if (!vq->kring.map[area])
		return;
	vunmap(base);
	vq->kring.map[area] = NULL;
	vq->kring.npages[area] = 0;
}

static int kring_map_area(struct viox_vq *vq, enum viox_ring_area area)
{
	u64 iova = vq->kring.iova[area], page_iova, pa;
	struct vhost_iotlb_map *map;
	unsigned int i, npages;
	struct page **pages;
	size_t size;
	bool write;
	void *base;

	size = kring_size(vq, area, &write);
	npages = DIV_ROUND_UP(offset_in_page(iova) + size, PAGE_SIZE);
	pages = kcalloc(npages, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	for (i = 0; i < npages; i++) {
		page_iova = PAGE_ALIGN_DOWN(iova) + (u64)i * PAGE_SIZE;
		map = vhost_iotlb_itree_first(vq->umem, page_iova,
					      page_iova + PAGE_SIZE - 1);
		/* The whole page, mapped page to page, for every access. */
		if (!map || map->start > page_iova ||
		    map->last < page_iova + PAGE_SIZE - 1 ||
		    offset_in_page(map->addr - map->start) ||
		    !kmem_perm_ok(map, false) || (write && !kmem_perm_ok(map, true)))
			goto fault;
		pa = map->addr + page_iova - map->start;
		if (!pfn_valid(PHYS_PFN(pa)))
			goto fault;
		pages[i] = pfn_to_page(PHYS_PFN(pa));
	}
	base = vmap(pages, npages, VM_MAP, PAGE_KERNEL);
	kfree(pages);
	if (!base)
		return -ENOMEM;
	vq->kring.map[area] = base + offset_in_page(iova);
	vq->kring.npages[area] = npages;
	return 0;
fault:
	kfree(pages);
	return -EFAULT;
}

/**
 * viox_vq_map_rings() - map a vDPA vq's rings into the kernel
 * @vq: the vq, mutex held, kmem set, with its size, features, area
 *	addresses and iotlb (umem) in place
 *
 * Replaces an earlier mapping: called again whenever the iotlb changes.
 *
 * Return: 0, -EFAULT if an area is not mapped whole for the access the
 * device needs, or -ENOMEM.
 */
int viox_vq_map_rings(struct viox_vq *vq)
{
	enum viox_ring_area a;
	int r;

	viox_vq_unmap_rings(vq);
	if (!vq->num || !vq->umem)
		return -EINVAL;
	for (a = 0; a < VIOX_NR_AREAS; a++) {
		r = kring_map_area(vq, a);
		if (r) {
			viox_vq_unmap_rings(vq);
			return r;
		}
	}
	return 0;
}
EXPORT_SYMBOL_GPL(viox_vq_map_rings);

/**
 * viox_vq_unmap_rings() - undo viox_vq_map_rings()
 * @vq: the vq, mutex held; nothing reads its rings any more
 */
void viox_vq_unmap_rings(struct viox_vq *vq)
{
	enum viox_ring_area a;

	for (a = 0; a < VIOX_NR_AREAS; a++)
		kring_unmap_area(vq, a);
}
EXPORT_SYMBOL_GPL(viox_vq_unmap_rings);
