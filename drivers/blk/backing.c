// SPDX-License-Identifier: GPL-2.0
/*
 * A disk's backing store: a block device or a raw regular file, and what
 * the driver is told of it (features and config space).
 */
#include <linux/blkdev.h>
#include <linux/file.h>
#include <linux/log2.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/virtio_byteorder.h>
#include <linux/virtio_config.h>
#include <kunit/visibility.h>
#include <net/netlink.h>

#include "blk.h"

/*
 * Direct I/O with the alignment the store reports (a file on a 4Kn disk
 * needs 4 KiB, not its 512-byte sectors); none where it reports none.
 */
static void backing_dio_align(struct viox_blk_backing *b)
{
	struct kstat st;

	if (!(b->file->f_mode & FMODE_CAN_ODIRECT))
		return;
	/* vfs_getattr() answers STATX_DIOALIGN for files only. */
	if (b->bdev) {
		b->dio_pos_align = bdev_logical_block_size(b->bdev);
		b->dio_mem_align = bdev_dma_alignment(b->bdev) + 1;
		return;
	}
	if (vfs_getattr(&b->file->f_path, &st, STATX_DIOALIGN,
			AT_STATX_SYNC_AS_STAT) ||
	    !(st.result_mask & STATX_DIOALIGN) || !st.dio_offset_align ||
	    !is_power_of_2(st.dio_offset_align) || !is_power_of_2(st.dio_mem_align))
		return;
	b->dio_pos_align = st.dio_offset_align;
	b->dio_mem_align = st.dio_mem_align;
}

/**
 * viox_blk_backing_open() - open a backing store and read its properties
 * @name: the vDPA device name it is for
 * @path: a block device or regular file
 * @read_only: open it read-only
 * @extack: why it cannot be used
 *
 * Opened with the caller's credentials: an admin can back a disk only with
 * what the admin may open.
 *
 * Return: the backing, or an ERR_PTR.
 */
struct viox_blk_backing *viox_blk_backing_open(const char *name,
					       const char *path,
					       bool read_only,
					       struct netlink_ext_ack *extack)
{
	struct viox_blk_backing *b;
	struct inode *inode;
	int r;

	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return ERR_PTR(-ENOMEM);
	strscpy(b->name, name, sizeof(b->name));
	b->path = kstrdup(path, GFP_KERNEL);
	if (!b->path) {
		r = -ENOMEM;
		goto err;
	}
	b->read_only = read_only;
	b->file = filp_open(path, (read_only ? O_RDONLY : O_RDWR) | O_LARGEFILE, 0);
	if (IS_ERR(b->file)) {
		r = PTR_ERR(b->file);
		b->file = NULL;
		NL_SET_ERR_MSG(extack, "cannot open the backing path");
		goto err;
	}
	inode = file_inode(b->file);
	if (S_ISBLK(inode->i_mode)) {
		b->bdev = file_bdev(b->file);
		b->capacity = bdev_nr_sectors(b->bdev);
		b->lbs = bdev_logical_block_size(b->bdev);
		b->pbs = bdev_physical_block_size(b->bdev);
		b->discard = bdev_max_discard_sectors(b->bdev) > 0;
	} else if (S_ISREG(inode->i_mode)) {
		b->capacity = i_size_read(inode) >> SECTOR_SHIFT;
		b->lbs = SECTOR_SIZE;
		b->pbs = max_t(u32, SECTOR_SIZE,
			       min_t(u32, i_blocksize(inode), PAGE_SIZE));
		b->discard = !!b->file->f_op->fallocate;
	} else {
		r = -EINVAL;
		NL_SET_ERR_MSG(extack, "backing is neither a block device nor a regular file");
		goto err;
	}
	if (!b->capacity) {
		r = -EINVAL;
		NL_SET_ERR_MSG(extack, "backing is smaller than a sector");
		goto err;
	}
	if (!read_only && !(b->file->f_mode & FMODE_CAN_WRITE)) {
		r = -EACCES;
		NL_SET_ERR_MSG(extack, "backing is not writable");
		goto err;
	}
	backing_dio_align(b);
	b->queues = 1;
	return b;
err:
	viox_blk_backing_free(b);
	return ERR_PTR(r);
}

void viox_blk_backing_free(struct viox_blk_backing *b)
{
	if (b->file)
		fput(b->file);
	kfree(b->path);
	kfree(b);
}

/*
 * What the device offers: the rings the core runs and the store allows,
 * less what the admin left out.
 */
u64 viox_blk_features(const struct viox_blk_backing *b)
{
	u64 f = BIT_ULL(VIRTIO_F_VERSION_1) | BIT_ULL(VIRTIO_F_ACCESS_PLATFORM) |
		BIT_ULL(VIRTIO_F_RING_PACKED) | BIT_ULL(VIRTIO_RING_F_EVENT_IDX) |
		BIT_ULL(VIRTIO_RING_F_INDIRECT_DESC) |
		BIT_ULL(VIRTIO_BLK_F_SEG_MAX) | BIT_ULL(VIRTIO_BLK_F_SIZE_MAX) |
		BIT_ULL(VIRTIO_BLK_F_BLK_SIZE) | BIT_ULL(VIRTIO_BLK_F_TOPOLOGY) |
		BIT_ULL(VIRTIO_BLK_F_FLUSH) | BIT_ULL(VIRTIO_BLK_F_CONFIG_WCE) |
		BIT_ULL(VIRTIO_BLK_F_MQ);

	if (b->read_only)
		f |= BIT_ULL(VIRTIO_BLK_F_RO);
	else
		f |= BIT_ULL(VIRTIO_BLK_F_WRITE_ZEROES);
	if (b->discard && !b->read_only)
		f |= BIT_ULL(VIRTIO_BLK_F_DISCARD);
	if (b->features)
		f &= b->features | BIT_ULL(VIRTIO_F_VERSION_1) |
		     BIT_ULL(VIRTIO_F_ACCESS_PLATFORM);
	return f;
}
EXPORT_SYMBOL_IF_KUNIT(viox_blk_features);

/* Config space, little-endian as VERSION_1 has it (true: little-endian). */
void viox_blk_fill_config(const struct viox_blk_backing *b, bool writethrough,
			  struct virtio_blk_config *c)
{
	memset(c, 0, sizeof(*c));
	c->capacity = __cpu_to_virtio64(true, b->capacity);
	c->size_max = __cpu_to_virtio32(true, VIOX_BLK_SIZE_MAX);
	c->seg_max = __cpu_to_virtio32(true, VIOX_BLK_SEG_MAX);
	c->blk_size = __cpu_to_virtio32(true, b->lbs);
	c->physical_block_exp = ilog2(b->pbs / b->lbs);
	c->min_io_size = __cpu_to_virtio16(true, 1);
	c->opt_io_size = __cpu_to_virtio32(true, b->pbs / b->lbs);
	c->wce = !writethrough;
	c->num_queues = __cpu_to_virtio16(true, b->queues);
	c->max_discard_sectors = __cpu_to_virtio32(true, VIOX_BLK_DISCARD_MAX);
	c->max_discard_seg = __cpu_to_virtio32(true, VIOX_BLK_DISCARD_SEG);
	c->discard_sector_alignment = __cpu_to_virtio32(true, b->lbs >> SECTOR_SHIFT);
	c->max_write_zeroes_sectors = __cpu_to_virtio32(true, VIOX_BLK_DISCARD_MAX);
	c->max_write_zeroes_seg = __cpu_to_virtio32(true, VIOX_BLK_DISCARD_SEG);
	c->write_zeroes_may_unmap = b->discard;
}
EXPORT_SYMBOL_IF_KUNIT(viox_blk_fill_config);
