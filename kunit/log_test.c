// SPDX-License-Identifier: GPL-2.0
/*
 * Dirty-page logging: what is logged is final when its bit is set, a log
 * that cannot be written breaks the vq, and logging is refused where the
 * bitmap cannot cover a used ring.
 */
#include <kunit/static_stub.h>
#include <linux/vhost.h>
#include <linux/virtio_config.h>

#include "vring_test.h"

#define V1	BIT_ULL(VIRTIO_F_VERSION_1)
#define PK	(V1 | BIT_ULL(VIRTIO_F_RING_PACKED))
#define LOG	BIT_ULL(VHOST_F_LOG_ALL)
#define USED1	(BIT(VRING_PACKED_DESC_F_AVAIL) | BIT(VRING_PACKED_DESC_F_USED))
#define A1	BIT(VRING_PACKED_DESC_F_AVAIL)

/* A vq logging its used ring into a bitmap at @log_off in guest memory. */
static struct vt *vt_logging(struct kunit *test, u64 features,
			     unsigned long log_off)
{
	struct vt *t = vt_create(test, features | LOG);

	t->vq.log_base = (void __user *)(t->uaddr + log_off);
	t->dev.log_base = t->vq.log_base;
	t->vq.log_used = true;
	test->priv = t;
	return t;
}

/* What each descriptor's flags were when a page of the ring was logged. */
static u16 flags_when_logged[VT_NUM];
static unsigned int ring_logs;

static int log_gpa_spy(struct viox_vq *vq, u64 gpa, u64 len)
{
	struct vt *t = kunit_get_current_test()->priv;
	struct vring_packed_desc d;
	unsigned int i;

	if (gpa < G(VT_DESC) + VT_NUM * sizeof(d) && gpa + len > G(VT_DESC)) {
		ring_logs++;
		for (i = 0; i < VT_NUM; i++) {
			vt_read(t, VT_DESC + i * sizeof(d), &d, sizeof(d));
			flags_when_logged[i] = le16_to_cpu(d.flags);
		}
	}
	return 0;
}

static void put_avail(struct vt *t, unsigned int i, u16 id)
{
	struct vring_packed_desc d = {
		.addr = cpu_to_le64(G(VT_DATA)), .len = cpu_to_le32(64),
		.id = cpu_to_le16(id), .flags = cpu_to_le16(A1),
	};

	vt_write(t, VT_DESC + i * sizeof(d), &d, sizeof(d));
}

/*
 * The VMM copies a logged page once and again only if logged anew: the
 * ring's page is logged only once every used descriptor in it, the first
 * of the batch too, is final.
 */
static void log_packed_after_flags(struct kunit *test)
{
	struct vt *t = vt_logging(test, PK, VT_LOG);
	struct viox_used_elem e[3];
	unsigned int i;

	for (i = 0; i < 3; i++) {
		put_avail(t, i, 10 + i);
		KUNIT_ASSERT_EQ(test, vt_get(t), 1);
		e[i] = (struct viox_used_elem){ .id = 10 + i, .ndesc = 1 };
	}
	ring_logs = 0;
	memset(flags_when_logged, 0, sizeof(flags_when_logged));
	kunit_activate_static_stub(test, viox_log_gpa, log_gpa_spy);
	KUNIT_EXPECT_EQ(test, viox_vq_add_used(&t->vq, e, 3), 0);
	kunit_deactivate_static_stub(test, viox_log_gpa);
	KUNIT_EXPECT_GT(test, ring_logs, 0);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ_MSG(test, flags_when_logged[i], USED1,
				    "descriptor %u logged before it was used", i);
	vt_destroy(t);
}

/* A bitmap the device cannot write: the used entries would be lost. */
static void log_fault_breaks(struct kunit *test, u64 features)
{
	struct vt *t = vt_logging(test, features, VT_LOG);
	struct viox_used_elem e = { .id = 0, .ndesc = 1 };

	/* A user address below mmap_min_addr: never mapped. */
	t->vq.log_base = (void __user *)PAGE_SIZE;
	t->dev.log_base = t->vq.log_base;

	if (features & BIT_ULL(VIRTIO_F_RING_PACKED)) {
		put_avail(t, 0, 0);
		KUNIT_ASSERT_EQ(test, vt_get(t), 1);
	}
	KUNIT_EXPECT_EQ(test, viox_vq_add_used(&t->vq, &e, 1), -EFAULT);
	KUNIT_EXPECT_TRUE(test, t->vq.broken);
	vt_destroy(t);
}

static void log_fault_breaks_split(struct kunit *test)
{
	log_fault_breaks(test, V1);
}

static void log_fault_breaks_packed(struct kunit *test)
{
	log_fault_breaks(test, PK);
}

/* LOG_ALL, a log base or a ring address the bitmap cannot cover: refused. */
static void log_used_range_checked(struct kunit *test)
{
	struct vt *t = vt_create(test, V1);
	struct vhost_vring_addr a = {
		.desc_user_addr = t->uaddr + VT_DESC,
		.avail_user_addr = t->uaddr + VT_AVAIL,
		.used_user_addr = t->uaddr + VT_USED,
		.flags = BIT(VHOST_VRING_F_LOG),
		/* Its bits lie past the end of user space. */
		.log_guest_addr = BIT_ULL(62),
	};

	t->dev.log_base = (void __user *)(t->uaddr + VT_LOG);
	t->vq.log_base = t->dev.log_base;
	KUNIT_ASSERT_EQ(test, viox_vq_set_addr(&t->vq, &a), 0);
	KUNIT_EXPECT_EQ(test, viox_dev_set_features(&t->dev, V1 | LOG), -EFAULT);
	KUNIT_EXPECT_FALSE(test, viox_vq_logging(&t->vq));

	a.log_guest_addr = G(VT_USED);
	KUNIT_ASSERT_EQ(test, viox_vq_set_addr(&t->vq, &a), 0);
	KUNIT_EXPECT_EQ(test, viox_dev_set_features(&t->dev, V1 | LOG), 0);

	/* The used ring's guest address is aligned as the ring is. */
	a.log_guest_addr = G(VT_USED) + 2;
	KUNIT_EXPECT_EQ(test, viox_vq_set_addr(&t->vq, &a), -EINVAL);
	vt_destroy(t);
}

static struct kunit_case log_cases[] = {
	KUNIT_CASE(log_packed_after_flags),
	KUNIT_CASE(log_fault_breaks_split),
	KUNIT_CASE(log_fault_breaks_packed),
	KUNIT_CASE(log_used_range_checked),
	{}
};

struct kunit_suite viox_log_suite = {
	.name = "viox_dirty_log",
	.test_cases = log_cases,
};
