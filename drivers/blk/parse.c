// SPDX-License-Identifier: GPL-2.0
/*
 * What a virtio-blk request asks, decided from its header and the shape
 * of its chain alone: no guest memory, no store. io.c does what this
 * allows; KUnit checks every rule here against good and malformed input.
 */
#include <linux/blkdev.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_byteorder.h>
#include <kunit/visibility.h>

#include "blk.h"

/* A read or write of whole sectors, inside the disk, of a sane size. */
static bool rw_ok(const struct viox_blk_disk *d, u64 sector, size_t len)
{
	return IS_ALIGNED(len, SECTOR_SIZE) &&
	       len <= (size_t)VIOX_BLK_SEG_MAX * VIOX_BLK_SIZE_MAX &&
	       sector <= d->capacity && len >> SECTOR_SHIFT <= d->capacity - sector;
}

static bool has(const struct viox_blk_disk *d, unsigned int bit)
{
	return d->features & BIT_ULL(bit);
}

/**
 * viox_blk_parse() - what a request asks of the store, or why it cannot
 * @d: the disk it is for
 * @hdr: its header as the driver wrote it (valid if @out covers it)
 * @out: bytes the driver wrote, header included
 * @in: bytes the device may write, the status byte excluded
 * @nbufs: descriptors in the chain
 * @op: what to do when the answer is VIRTIO_BLK_S_OK; its type is the
 *	header's whenever there is a header, U32_MAX otherwise
 *
 * Return: VIRTIO_BLK_S_OK, or the status to answer without doing anything.
 */
u8 viox_blk_parse(const struct viox_blk_disk *d,
		  const struct virtio_blk_outhdr *hdr, size_t out, size_t in,
		  unsigned int nbufs, struct viox_blk_op *op)
{
	size_t data;

	op->type = U32_MAX;
	if (out < sizeof(*hdr))
		return VIRTIO_BLK_S_IOERR;
	/* Known from here on, for the counters, whatever the answer. */
	op->type = __virtio32_to_cpu(true, hdr->type);
	op->sector = __virtio64_to_cpu(true, hdr->sector);
	if (nbufs > VIOX_BLK_SEG_MAX + 2)
		return VIRTIO_BLK_S_IOERR;
	data = out - sizeof(*hdr);
	switch (op->type) {
	case VIRTIO_BLK_T_IN:
		op->len = in;
		return !data && rw_ok(d, op->sector, in) ? VIRTIO_BLK_S_OK :
		       VIRTIO_BLK_S_IOERR;
	case VIRTIO_BLK_T_OUT:
		/*
		 * Room for the device to write besides the status byte means
		 * the data is not where the driver thinks: a write that would
		 * succeed with nothing written.
		 */
		op->len = data;
		return !in && !d->read_only && rw_ok(d, op->sector, data) ?
		       VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
	case VIRTIO_BLK_T_FLUSH:
		op->len = 0;
		return op->sector ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_GET_ID:
		op->len = min_t(size_t, in, VIRTIO_BLK_ID_BYTES);
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		if (!has(d, op->type == VIRTIO_BLK_T_DISCARD ?
			 VIRTIO_BLK_F_DISCARD : VIRTIO_BLK_F_WRITE_ZEROES))
			return VIRTIO_BLK_S_UNSUPP;
		op->len = data;
		if (d->read_only || in || !data || data % VIOX_BLK_RANGE_SIZE ||
		    data / VIOX_BLK_RANGE_SIZE > VIOX_BLK_DISCARD_SEG)
			return VIRTIO_BLK_S_IOERR;
		return VIRTIO_BLK_S_OK;
	default:
		return VIRTIO_BLK_S_UNSUPP;
	}
}
EXPORT_SYMBOL_IF_KUNIT(viox_blk_parse);

/**
 * viox_blk_range_check() - one range of a discard or write-zeroes request
 * @d: the disk
 * @type: VIRTIO_BLK_T_DISCARD or VIRTIO_BLK_T_WRITE_ZEROES
 * @r: the range as the driver wrote it
 *
 * Return: VIRTIO_BLK_S_OK, UNSUPP for flags the type does not take, or
 * IOERR for a range too long or past the end.
 */
u8 viox_blk_range_check(const struct viox_blk_disk *d, u32 type,
			const struct virtio_blk_discard_write_zeroes *r)
{
	u64 sector = le64_to_cpu(r->sector);
	u32 nr = le32_to_cpu(r->num_sectors), flags = le32_to_cpu(r->flags);

	if (type == VIRTIO_BLK_T_DISCARD ? flags :
	    flags & ~VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP)
		return VIRTIO_BLK_S_UNSUPP;
	if (nr > VIOX_BLK_DISCARD_MAX || sector > d->capacity ||
	    nr > d->capacity - sector)
		return VIRTIO_BLK_S_IOERR;
	return VIRTIO_BLK_S_OK;
}
EXPORT_SYMBOL_IF_KUNIT(viox_blk_range_check);
