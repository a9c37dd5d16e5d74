// SPDX-License-Identifier: GPL-2.0
/*
 * Dirty-page logging for live migration: one bit per 4 KiB guest page in a
 * bitmap in the owner's memory, set atomically since the VMM clears it
 * concurrently.
 */
#include <kunit/static_stub.h>
#include <linux/bitops.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/vhost_iotlb.h>

#include "internal.h"

/* Bitmap bytes covering the guest pages of [gpa, gpa + len). */
static void log_span(u64 gpa, u64 len, u64 *first, u64 *last)
{
	*first = gpa / VHOST_PAGE_SIZE;
	*last = (gpa + len - 1) / VHOST_PAGE_SIZE;
}

bool viox_log_range_ok(void __user *log_base, u64 gpa, u64 len)
{
	u64 first, last;

	if (!len)
		return true;
	if (gpa + len - 1 < gpa)
		return false;
	log_span(gpa, len, &first, &last);
	return access_ok(log_base + first / 8, last / 8 - first / 8 + 1);
}

/* Every page of the table can be logged in a bitmap at @log_base. */
bool viox_umem_log_ok(struct vhost_iotlb *umem, void __user *log_base)
{
	struct vhost_iotlb_map *map;

	if (!umem)
		return true;
	for (map = vhost_iotlb_itree_first(umem, 0, U64_MAX); map;
	     map = vhost_iotlb_itree_next(map, 0, U64_MAX))
		if (!viox_log_range_ok(log_base, map->start, map->size))
			return false;
	return true;
}

bool viox_dev_logging(struct viox_dev *dev)
{
	return dev->nvqs && viox_vq_logging(dev->vqs[0]);
}

static int set_bits(void __user *base, u64 bit, u64 nbits)
{
	while (nbits) {
		unsigned long uaddr = (unsigned long)base + bit / 8;
		unsigned long offset = uaddr & ~PAGE_MASK;
		unsigned long n, b0;
		struct page *page;
		void *kaddr;

		if (pin_user_pages_fast(uaddr & PAGE_MASK, 1, FOLL_WRITE, &page) != 1)
			return -EFAULT;
		b0 = offset * 8 + bit % 8;
		n = min_t(u64, nbits, PAGE_SIZE * 8 - b0);
		kaddr = kmap_local_page(page);
		for (bit += n, nbits -= n; n; n--, b0++)
			set_bit_le(b0, kaddr);
		kunmap_local(kaddr);
		unpin_user_pages_dirty_lock(&page, 1, true);
	}
	return 0;
}

/**
 * viox_log_gpa() - mark the guest pages of a range the device wrote
 * @vq: the vq that wrote it (its log base and log eventfd are used)
 * @gpa: guest-physical start
 * @len: bytes
 *
 * The write being logged must be complete before its bit is seen: the VMM
 * copies a page once its bit is set and not again unless set anew.
 *
 * Return: 0, or -EFAULT if the bitmap is not writable; the vq is then
 * broken, since a page left out of the log is lost at migration.
 */
int viox_log_gpa(struct viox_vq *vq, u64 gpa, u64 len)
{
	u64 first, last;

	KUNIT_STATIC_STUB_REDIRECT(viox_log_gpa, vq, gpa, len);
	if (!len)
		return 0;
	log_span(gpa, len, &first, &last);
	/* What the device wrote before the bit that tells of it. */
	smp_wmb();
	if (set_bits(vq->log_base, first, last - first + 1)) {
		viox_vq_break(vq, "cannot write the dirty log");
		return -EFAULT;
	}
	if (vq->log_ctx)
		eventfd_signal(vq->log_ctx);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(viox_log_gpa);

/* Log a write at @offset into the used ring (split) or device area (packed). */
int viox_log_used(struct viox_vq *vq, u64 offset, u64 len)
{
	if (!vq->log_used || !viox_vq_logging(vq))
		return 0;
	return viox_log_gpa(vq, vq->log_guest_addr + offset, len);
}

/**
 * viox_vq_log_write() - log what the device wrote into a chain's buffers
 * @vq: the vq, with logging negotiated
 * @log: the chain's writable ranges, from viox_vq_get_chain()
 * @nlog: how many
 * @len: bytes actually written, from the start of the first range
 *
 * Return: 0, or -EFAULT if the bitmap is not writable (the vq is then
 * broken).
 */
int viox_vq_log_write(struct viox_vq *vq, const struct viox_log_range *log,
		      unsigned int nlog, u64 len)
{
	unsigned int i;
	int r;

	if (!viox_vq_logging(vq))
		return 0;
	for (i = 0; i < nlog && len; i++) {
		u64 n = min(log[i].len, len);

		r = viox_log_gpa(vq, log[i].addr, n);
		if (r)
			return r;
		len -= n;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(viox_vq_log_write);
