// SPDX-License-Identifier: GPL-2.0
/*
 * viox_vmdq's classifier table: keys, collisions, removal, untagged versus
 * VLAN, re-keying that fails without a trace, each MAC's count of vports,
 * the per-VLAN replication lists, and 4096 vports on one uplink.
 */
#include <kunit/test.h>
#include <linux/rtnetlink.h>
#include <net/netlink.h>
#include <viox/compat.h>

#include "../drivers/vmdq/vmdq.h"

#define VT_MAX_VPORTS 4096

struct vt_table {
	struct vmdq_table t;
	struct vmdq_vport *vp;
	unsigned int n;
};

static void vt_mac(u8 *mac, unsigned int i)
{
	static const u8 base[ETH_ALEN] = { 0x02, 0x00, 0x5e, 0x10, 0, 0 };

	ether_addr_copy(mac, base);
	mac[4] = i >> 8;
	mac[5] = i;
}

static void vt_exit(struct kunit *test)
{
	struct vt_table *vt = test->priv;
	unsigned int i;

	rtnl_lock();
	for (i = 0; i < vt->n; i++)
		if (vt->vp[i].entry)
			vmdq_table_remove(&vt->t, &vt->vp[i]);
	vmdq_table_destroy(&vt->t);
	rtnl_unlock();
	rcu_barrier();		/* the entries' kfree_rcu */
	kvfree(vt->vp);
}

static int vt_init(struct kunit *test)
{
	struct vt_table *vt = kunit_kzalloc(test, sizeof(*vt), GFP_KERNEL);

	if (!vt)
		return -ENOMEM;
	vt->vp = kvcalloc(VT_MAX_VPORTS, sizeof(*vt->vp), GFP_KERNEL);
	if (!vt->vp)
		return -ENOMEM;
	vt->n = VT_MAX_VPORTS;
	if (vmdq_table_init(&vt->t)) {
		kvfree(vt->vp);
		return -ENOMEM;
	}
	test->priv = vt;
	return 0;
}

/* Vport @i with MAC number @m on VLAN @vid. */
static int vt_add(struct vt_table *vt, unsigned int i, unsigned int m, u16 vid,
		  struct netlink_ext_ack *extack)
{
	struct vmdq_vport *vp = &vt->vp[i];
	int err;

	vt_mac(vp->key.mac, m);
	vp->key.vid = vid;
	rtnl_lock();
	err = vmdq_table_insert(&vt->t, vp, extack);
	rtnl_unlock();
	return err;
}

static struct vmdq_vport *vt_find(struct vt_table *vt, unsigned int m, u16 vid)
{
	struct vmdq_vport *vp;
	u8 mac[ETH_ALEN];

	vt_mac(mac, m);
	rcu_read_lock();
	vp = vmdq_table_lookup(&vt->t, mac, vid);
	rcu_read_unlock();
	return vp;
}

static void vt_remove(struct vt_table *vt, unsigned int i)
{
	rtnl_lock();
	vmdq_table_remove(&vt->t, &vt->vp[i]);
	rtnl_unlock();
}

/* The vports on VLAN @vid's replication list, in order. */
static unsigned int vt_vlan_members(struct vt_table *vt, u16 vid,
				    struct vmdq_vport **out, unsigned int max)
{
	struct vmdq_vlan *vl = vmdq_table_vlan(&vt->t, vid);
	struct vmdq_vport *vp;
	unsigned int n = 0;

	if (!vl)
		return 0;
	list_for_each_entry(vp, &vl->vports, vlan_node)
		if (n < max)
			out[n++] = vp;
	return n;
}

static void vmdq_insert_lookup(struct kunit *test)
{
	struct vt_table *vt = test->priv;

	KUNIT_ASSERT_EQ(test, vt_add(vt, 0, 1, 0, NULL), 0);
	KUNIT_ASSERT_EQ(test, vt_add(vt, 1, 2, 10, NULL), 0);
	KUNIT_EXPECT_PTR_EQ(test, vt_find(vt, 1, 0), &vt->vp[0]);
	KUNIT_EXPECT_PTR_EQ(test, vt_find(vt, 2, 10), &vt->vp[1]);
	KUNIT_EXPECT_NULL(test, vt_find(vt, 3, 0));
	KUNIT_EXPECT_EQ(test, vt->t.count, 2);
}

/* One MAC per VLAN: the second claimant is refused and says why. */
static void vmdq_collide(struct kunit *test)
{
	struct vt_table *vt = test->priv;
	struct netlink_ext_ack extack = {};
	struct vmdq_vport *list[2];

	KUNIT_ASSERT_EQ(test, vt_add(vt, 0, 1, 10, NULL), 0);
	KUNIT_EXPECT_EQ(test, vt_add(vt, 1, 1, 10, &extack), -EEXIST);
	KUNIT_ASSERT_NOT_NULL(test, extack._msg);
	KUNIT_EXPECT_NOT_NULL(test, strstr(extack._msg, "VLAN 10"));
	KUNIT_EXPECT_NULL(test, vt->vp[1].entry);
	/* The refused vport is on no replication list. */
	KUNIT_EXPECT_EQ(test, vt_vlan_members(vt, 10, list, 2), 1);
	KUNIT_EXPECT_PTR_EQ(test, list[0], &vt->vp[0]);
	/* The same MAC on another VLAN, or untagged, is another key. */
	KUNIT_EXPECT_EQ(test, vt_add(vt, 2, 1, 11, NULL), 0);
	KUNIT_EXPECT_EQ(test, vt_add(vt, 3, 1, 0, NULL), 0);
	KUNIT_EXPECT_PTR_EQ(test, vt_find(vt, 1, 10), &vt->vp[0]);
	KUNIT_EXPECT_PTR_EQ(test, vt_find(vt, 1, 11), &vt->vp[2]);
	KUNIT_EXPECT_PTR_EQ(test, vt_find(vt, 1, 0), &vt->vp[3]);
	KUNIT_EXPECT_EQ(test, vt_add(vt, 4, 1, 0, NULL), -EEXIST);
	KUNIT_EXPECT_EQ(test, vt->t.count, 3);
}

static void vmdq_remove(struct kunit *test)
{
	struct vt_table *vt = test->priv;

	KUNIT_ASSERT_EQ(test, vt_add(vt, 0, 1, 20, NULL), 0);
	KUNIT_ASSERT_EQ(test, vt_add(vt, 1, 2, 20, NULL), 0);
	vt_remove(vt, 0);
	KUNIT_EXPECT_NULL(test, vt_find(vt, 1, 20));
	KUNIT_EXPECT_PTR_EQ(test, vt_find(vt, 2, 20), &vt->vp[1]);
	KUNIT_EXPECT_NOT_NULL(test, vmdq_table_vlan(&vt->t, 20));
	vt_remove(vt, 1);
	KUNIT_EXPECT_NULL(test, vmdq_table_vlan(&vt->t, 20));
	KUNIT_EXPECT_EQ(test, vt->t.count, 0);
	/* Its key is free again. */
	KUNIT_EXPECT_EQ(test, vt_add(vt, 2, 1, 20, NULL), 0);
}

/*
 * Untagged and priority-tagged frames are VLAN 0; a vport on VLAN 5 is
 * not found there, and an untagged vport is not found on VLAN 5.
 */
static void vmdq_vlan0_untagged(struct kunit *test)
{
	struct vt_table *vt = test->priv;

	KUNIT_ASSERT_EQ(test, vt_add(vt, 0, 1, 5, NULL), 0);
	KUNIT_ASSERT_EQ(test, vt_add(vt, 1, 2, 0, NULL), 0);
	KUNIT_EXPECT_NULL(test, vt_find(vt, 1, 0));
	KUNIT_EXPECT_NULL(test, vt_find(vt, 2, 5));
	KUNIT_EXPECT_PTR_EQ(test, vt_find(vt, 2, 0), &vt->vp[1]);
}

static void vmdq_rekey(struct kunit *test)
{
	struct vt_table *vt = test->priv;
	struct netlink_ext_ack extack = {};
	struct vmdq_vport *list[2];
	u8 mac[ETH_ALEN];
	int err;

	KUNIT_ASSERT_EQ(test, vt_add(vt, 0, 1, 0, NULL), 0);
	KUNIT_ASSERT_EQ(test, vt_add(vt, 1, 2, 7, NULL), 0);

	/* Onto another vport's key: refused, nothing moved. */
	vt_mac(mac, 2);
	rtnl_lock();
	err = vmdq_table_rekey(&vt->t, &vt->vp[0], mac, 7, &extack);
	rtnl_unlock();
	KUNIT_EXPECT_EQ(test, err, -EEXIST);
	KUNIT_EXPECT_NOT_NULL(test, extack._msg);
	KUNIT_EXPECT_PTR_EQ(test, vt_find(vt, 1, 0), &vt->vp[0]);
	KUNIT_EXPECT_PTR_EQ(test, vt_find(vt, 2, 7), &vt->vp[1]);
	KUNIT_EXPECT_NOT_NULL(test, vmdq_table_vlan(&vt->t, 7));

	/* Onto a free key on VLAN 7: found there only, on 7's list. */
	vt_mac(mac, 3);
	rtnl_lock();
	err = vmdq_table_rekey(&vt->t, &vt->vp[0], mac, 7, NULL);
	rtnl_unlock();
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_NULL(test, vt_find(vt, 1, 0));
	KUNIT_EXPECT_PTR_EQ(test, vt_find(vt, 3, 7), &vt->vp[0]);
	KUNIT_EXPECT_EQ(test, vt->vp[0].key.vid, 7);
	KUNIT_EXPECT_EQ(test, vt_vlan_members(vt, 7, list, 2), 2);
	KUNIT_EXPECT_NULL(test, vmdq_table_vlan(&vt->t, 0));
	KUNIT_EXPECT_EQ(test, vt->t.count, 2);
}

/* Each MAC's count of vports, whatever their VLAN, through every change. */
static void vmdq_mac_users(struct kunit *test)
{
	struct vt_table *vt = test->priv;
	u8 mac1[ETH_ALEN], mac2[ETH_ALEN], mac3[ETH_ALEN];
	int err;

	vt_mac(mac1, 1);
	vt_mac(mac2, 2);
	vt_mac(mac3, 3);
	KUNIT_ASSERT_EQ(test, vt_add(vt, 0, 1, 0, NULL), 0);
	KUNIT_ASSERT_EQ(test, vt_add(vt, 1, 1, 7, NULL), 0);
	KUNIT_ASSERT_EQ(test, vt_add(vt, 2, 2, 7, NULL), 0);
	/* A collision counts nothing. */
	KUNIT_EXPECT_EQ(test, vt_add(vt, 3, 1, 7, NULL), -EEXIST);
	rtnl_lock();
	KUNIT_EXPECT_EQ(test, vmdq_table_mac_users(&vt->t, mac1), 2);
	KUNIT_EXPECT_EQ(test, vmdq_table_mac_users(&vt->t, mac2), 1);
	KUNIT_EXPECT_EQ(test, vmdq_table_mac_users(&vt->t, mac3), 0);

	/* A refused re-key changes no count; a VLAN move keeps them. */
	err = vmdq_table_rekey(&vt->t, &vt->vp[0], mac2, 7, NULL);
	KUNIT_EXPECT_EQ(test, err, -EEXIST);
	KUNIT_EXPECT_EQ(test, vmdq_table_mac_users(&vt->t, mac1), 2);
	KUNIT_EXPECT_EQ(test, vmdq_table_mac_users(&vt->t, mac2), 1);
	err = vmdq_table_rekey(&vt->t, &vt->vp[0], mac1, 9, NULL);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, vmdq_table_mac_users(&vt->t, mac1), 2);

	/* A new MAC moves the count; removal drops it. */
	err = vmdq_table_rekey(&vt->t, &vt->vp[0], mac2, 9, NULL);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, vmdq_table_mac_users(&vt->t, mac1), 1);
	KUNIT_EXPECT_EQ(test, vmdq_table_mac_users(&vt->t, mac2), 2);
	vmdq_table_remove(&vt->t, &vt->vp[1]);
	KUNIT_EXPECT_EQ(test, vmdq_table_mac_users(&vt->t, mac1), 0);
	rtnl_unlock();
}

/* Replication lists hold exactly the vports of their VLAN. */
static void vmdq_replication_sets(struct kunit *test)
{
	struct vt_table *vt = test->priv;
	struct vmdq_vport *list[8];
	unsigned int i, n;

	for (i = 0; i < 6; i++)
		KUNIT_ASSERT_EQ(test, vt_add(vt, i, i, i % 2 ? 30 : 0, NULL), 0);
	n = vt_vlan_members(vt, 30, list, 8);
	KUNIT_ASSERT_EQ(test, n, 3);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, list[i]->key.vid, 30);
	vt_remove(vt, 3);
	n = vt_vlan_members(vt, 30, list, 8);
	KUNIT_ASSERT_EQ(test, n, 2);
	KUNIT_EXPECT_PTR_EQ(test, list[0], &vt->vp[1]);
	KUNIT_EXPECT_PTR_EQ(test, list[1], &vt->vp[5]);
	KUNIT_EXPECT_EQ(test, vt_vlan_members(vt, 0, list, 8), 3);
	KUNIT_EXPECT_EQ(test, vt_vlan_members(vt, 31, list, 8), 0);
}

/* 4096 vports on one uplink, over 64 VLANs: each found, each removed. */
static void vmdq_scale(struct kunit *test)
{
	struct vt_table *vt = test->priv;
	unsigned int i, missing = 0;

	for (i = 0; i < VT_MAX_VPORTS; i++)
		KUNIT_ASSERT_EQ(test, vt_add(vt, i, i, i % 64, NULL), 0);
	KUNIT_EXPECT_EQ(test, vt->t.count, VT_MAX_VPORTS);
	for (i = 0; i < VT_MAX_VPORTS; i++)
		missing += vt_find(vt, i, i % 64) != &vt->vp[i];
	KUNIT_EXPECT_EQ(test, missing, 0);
	for (i = 0; i < VT_MAX_VPORTS; i += 2)
		vt_remove(vt, i);
	for (i = 0; i < VT_MAX_VPORTS; i++)
		missing += vt_find(vt, i, i % 64) != (i % 2 ? &vt->vp[i] : NULL);
	KUNIT_EXPECT_EQ(test, missing, 0);
	KUNIT_EXPECT_EQ(test, vt->t.count, VT_MAX_VPORTS / 2);
}

static struct kunit_case vmdq_table_cases[] = {
	KUNIT_CASE(vmdq_insert_lookup),
	KUNIT_CASE(vmdq_collide),
	KUNIT_CASE(vmdq_remove),
	KUNIT_CASE(vmdq_vlan0_untagged),
	KUNIT_CASE(vmdq_rekey),
	KUNIT_CASE(vmdq_mac_users),
	KUNIT_CASE(vmdq_replication_sets),
	KUNIT_CASE(vmdq_scale),
	{}
};

static struct kunit_suite viox_vmdq_table_suite = {
	.name = "viox_vmdq_table",
	.init = vt_init,
	.exit = vt_exit,
	.test_cases = vmdq_table_cases,
};

kunit_test_suite(viox_vmdq_table_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suite for viox_vmdq");
MODULE_VERSION(VIOX_VERSION);
VIOX_IMPORT_KUNIT_NS();
