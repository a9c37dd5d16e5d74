// SPDX-License-Identifier: GPL-2.0
/*
 * Turning guest descriptors into iovecs (pages, for vDPA), with the checks
 * both ring layouts share: every address inside the memory table (mapped
 * for the device's access, for vDPA), readable before writable, no total
 * length past 4 GiB.
 */
#include <linux/uaccess.h>
#include <linux/vhost_iotlb.h>
#include <linux/virtio_ring.h>

#include "internal.h"

void viox_chain_reset(struct viox_chain *chain)
{
	chain->out = 0;
	chain->in = 0;
	chain->out_len = 0;
	chain->in_len = 0;
	chain->nlog = 0;
	chain->ndesc = 0;
	chain->nbufs = 0;
}

/*
 * Descriptors mostly fall in the region of the one before: try it before
 * the memory table's tree.
 */
static int chain_translate(struct viox_vq *vq, u64 addr, u32 len,
			   struct iovec *iov, unsigned int iov_max)
{
	struct vhost_iotlb_map *map = vq->umem_hit;

	if (!len || !iov_max || !vq->umem)
		return viox_umem_translate(vq->umem, addr, len, iov, iov_max);
	if (!map || addr < map->start || addr > map->last) {
		map = vhost_iotlb_itree_first(vq->umem, addr, addr);
		if (!map)
			return -EFAULT;
		vq->umem_hit = map;
	}
	/* Past the region's end: the table splits it into segments. */
	if (len - 1 > map->last - addr)
		return viox_umem_translate(vq->umem, addr, len, iov, iov_max);
	iov->iov_base = (void __user *)(unsigned long)(map->addr + addr - map->start);
	iov->iov_len = len;
	return 1;
}

/**
 * viox_chain_add() - append one descriptor's buffer to a chain
 * @vq: the vq the descriptor came from
 * @chain: the chain being built
 * @addr: guest-physical address from the descriptor
 * @len: its length
 * @write: the device writes this buffer (VRING_DESC_F_WRITE)
 *
 * Breaks @vq on a bad descriptor, or if the chain would hold more buffers
 * than the ring has entries (indirect ones included).
 *
 * Return: 0, or -EINVAL / -EFAULT / -ENOBUFS.
 */
int viox_chain_add(struct viox_vq *vq, struct viox_chain *chain,
		   u64 addr, u32 len, bool write)
{
	unsigned int used = chain->out + chain->in;
	int n;

	if (++chain->nbufs > vq->num) {
		viox_vq_break(vq, "chain longer than the ring");
		return -EINVAL;
	}
	if (!write && chain->in) {
		viox_vq_break(vq, "readable descriptor after a writable one");
		return -EINVAL;
	}
	if ((u64)(write ? chain->in_len : chain->out_len) + len > U32_MAX) {
		viox_vq_break(vq, "chain longer than 4 GiB");
		return -EINVAL;
	}
	if (vq->kmem)
		n = viox_kmem_translate(vq->umem, addr, len, write,
					chain->bvec + used, chain->iov_max - used);
	else
		n = chain_translate(vq, addr, len, chain->iov + used,
				    chain->iov_max - used);
	if (n == -ENOBUFS) {
		viox_vq_break(vq, "chain needs too many segments");
		return n;
	}
	if (n < 0) {
		vq_err(vq, "descriptor %#llx+%u is outside guest memory",
		       addr, len);
		viox_vq_break(vq, "descriptor outside guest memory");
		return n;
	}
	if (write) {
		chain->in += n;
		chain->in_len += len;
		if (chain->log && len) {
			if (chain->nlog == chain->log_max) {
				viox_vq_break(vq, "chain needs too many log entries");
				return -ENOBUFS;
			}
			chain->log[chain->nlog].addr = addr;
			chain->log[chain->nlog].len = len;
			chain->nlog++;
		}
	} else {
		chain->out += n;
		chain->out_len += len;
	}
	return 0;
}

/* Copy from guest-physical memory, which may span regions. */
int viox_read_guest(struct viox_vq *vq, u64 gpa, void *buf, size_t len)
{
	struct iovec iov[4];
	int i, n;

	if (vq->kmem)
		return viox_kmem_read(vq->umem, gpa, buf, len);
	n = viox_umem_translate(vq->umem, gpa, len, iov, ARRAY_SIZE(iov));
	if (n < 0)
		return -EFAULT;
	for (i = 0; i < n; i++) {
		if (copy_from_user(buf, iov[i].iov_base, iov[i].iov_len))
			return -EFAULT;
		buf += iov[i].iov_len;
	}
	return 0;
}

/*
 * The entries of an indirect table, checked the same way for both
 * layouts: a whole number of descriptors, at least one.
 */
int viox_indirect_count(struct viox_vq *vq, u32 len, unsigned int *count)
{
	if (!viox_vq_has_feature(vq, VIRTIO_RING_F_INDIRECT_DESC)) {
		viox_vq_break(vq, "indirect descriptor not negotiated");
		return -EINVAL;
	}
	if (!len || len % sizeof(struct vring_desc)) {
		viox_vq_break(vq, "indirect table length not a whole number of descriptors");
		return -EINVAL;
	}
	*count = len / sizeof(struct vring_desc);
	return 0;
}
