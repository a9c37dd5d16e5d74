// SPDX-License-Identifier: GPL-2.0
/*
 * The classifier table of one uplink: (destination MAC, VLAN) to vport in
 * an rhashtable, per VLAN the list of vports that broadcast and multicast
 * are replicated to, and per MAC how many vports have it on any VLAN (a
 * NIC filters an address for one pool). Writers hold RTNL; readers of the
 * first two hold RCU, of the counts RTNL.
 */
#include <kunit/visibility.h>
#include <linux/rhashtable.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "vmdq.h"

static const struct rhashtable_params vmdq_table_params = {
	.key_len = sizeof(struct vmdq_key),
	.key_offset = offsetof(struct vmdq_entry, key),
	.head_offset = offsetof(struct vmdq_entry, node),
	.automatic_shrinking = true,
};

/* The vports of the uplink with one MAC, whatever their VLAN. */
struct vmdq_mac {
	u8 addr[ETH_ALEN];
	unsigned int users;
	struct rhash_head node;
	struct rcu_head rcu;
};

static const struct rhashtable_params vmdq_mac_params = {
	.key_len = ETH_ALEN,
	.key_offset = offsetof(struct vmdq_mac, addr),
	.head_offset = offsetof(struct vmdq_mac, node),
	.automatic_shrinking = true,
};

int vmdq_table_init(struct vmdq_table *t)
{
	int err;

	xa_init(&t->vlans);
	t->count = 0;
	err = rhashtable_init(&t->vports, &vmdq_table_params);
	if (err)
		return err;
	err = rhashtable_init(&t->macs, &vmdq_mac_params);
	if (err)
		rhashtable_destroy(&t->vports);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(vmdq_table_init);

/* Empty by now: every vport removed itself before its uplink went. */
void vmdq_table_destroy(struct vmdq_table *t)
{
	WARN_ON_ONCE(t->count);
	rhashtable_destroy(&t->macs);
	rhashtable_destroy(&t->vports);
	xa_destroy(&t->vlans);
}
EXPORT_SYMBOL_IF_KUNIT(vmdq_table_destroy);

/* The vport with this key, parked or not; RCU or RTNL with RCU. */
static struct vmdq_vport *vmdq_table_find(struct vmdq_table *t,
					  const u8 *mac, u16 vid)
{
	struct vmdq_key key = { .vid = vid };
	struct vmdq_entry *e;

	ether_addr_copy(key.mac, mac);
	e = rhashtable_lookup(&t->vports, &key, vmdq_table_params);
	return e ? e->vport : NULL;
}

/*
 * The vport that receives this key's frames, under RCU (the receive and
 * transmit paths): a parked standby's are its VF's, the NIC's to deliver.
 */
struct vmdq_vport *vmdq_table_lookup(struct vmdq_table *t,
				     const u8 *mac, u16 vid)
{
	struct vmdq_vport *vp = vmdq_table_find(t, mac, vid);

	return vp && vmdq_vport_live(vp) ? vp : NULL;
}
EXPORT_SYMBOL_IF_KUNIT(vmdq_table_lookup);

struct vmdq_vlan *vmdq_table_vlan(struct vmdq_table *t, u16 vid)
{
	return xa_load(&t->vlans, vid);
}
EXPORT_SYMBOL_IF_KUNIT(vmdq_table_vlan);

/* The VLAN's replication list, created empty if it has none. */
static struct vmdq_vlan *vmdq_vlan_get(struct vmdq_table *t, u16 vid)
{
	struct vmdq_vlan *vl = xa_load(&t->vlans, vid);
	int err;

	if (vl)
		return vl;
	vl = kzalloc(sizeof(*vl), GFP_KERNEL);
	if (!vl)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&vl->vports);
	err = xa_insert(&t->vlans, vid, vl, GFP_KERNEL);
	if (err) {
		kfree(vl);
		return ERR_PTR(err);
	}
	return vl;
}

static void vmdq_vlan_put(struct vmdq_table *t, struct vmdq_vlan *vl, u16 vid)
{
	if (vl->count)
		return;
	xa_erase(&t->vlans, vid);
	kfree_rcu(vl, rcu);
}

static void vmdq_vlan_join(struct vmdq_vlan *vl, struct vmdq_vport *vp)
{
	list_add_tail_rcu(&vp->vlan_node, &vl->vports);
	vl->count++;
}

static void vmdq_vlan_leave(struct vmdq_table *t, struct vmdq_vport *vp)
{
	struct vmdq_vlan *vl = xa_load(&t->vlans, vp->key.vid);

	list_del_rcu(&vp->vlan_node);
	vl->count--;
	vmdq_vlan_put(t, vl, vp->key.vid);
}

static int vmdq_mac_get(struct vmdq_table *t, const u8 *addr)
{
	struct vmdq_mac *m;
	int err;

	m = rhashtable_lookup_fast(&t->macs, addr, vmdq_mac_params);
	if (m) {
		m->users++;
		return 0;
	}
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	ether_addr_copy(m->addr, addr);
	m->users = 1;
	err = rhashtable_insert_fast(&t->macs, &m->node, vmdq_mac_params);
	if (err)
		kfree(m);
	return err;
}

static void vmdq_mac_put(struct vmdq_table *t, const u8 *addr)
{
	struct vmdq_mac *m;

	m = rhashtable_lookup_fast(&t->macs, addr, vmdq_mac_params);
	if (WARN_ON_ONCE(!m) || --m->users)
		return;
	rhashtable_remove_fast(&t->macs, &m->node, vmdq_mac_params);
	kfree_rcu(m, rcu);
}

/* How many vports of the uplink have @addr, on any VLAN. RTNL. */
unsigned int vmdq_table_mac_users(struct vmdq_table *t, const u8 *addr)
{
	struct vmdq_mac *m;

	ASSERT_RTNL();
	m = rhashtable_lookup_fast(&t->macs, addr, vmdq_mac_params);
	return m ? m->users : 0;
}
EXPORT_SYMBOL_IF_KUNIT(vmdq_table_mac_users);

static void vmdq_collision(struct netlink_ext_ack *extack, const u8 *mac,
			   u16 vid)
{
	if (vid)
		NL_SET_ERR_MSG_FMT_MOD(extack,
				       "%pM on VLAN %u belongs to another vport of this uplink",
				       mac, vid);
	else
		NL_SET_ERR_MSG_FMT_MOD(extack,
				       "%pM (untagged) belongs to another vport of this uplink",
				       mac);
}

/* -EEXIST, with why, if a vport of this uplink has MAC + VID. */
int vmdq_table_check(struct vmdq_table *t, const u8 *mac, u16 vid,
		     struct netlink_ext_ack *extack)
{
	bool taken;

	rcu_read_lock();
	taken = vmdq_table_find(t, mac, vid);
	rcu_read_unlock();
	if (!taken)
		return 0;
	vmdq_collision(extack, mac, vid);
	return -EEXIST;
}
EXPORT_SYMBOL_IF_KUNIT(vmdq_table_check);

/* Points MAC + VID at @vp; -EEXIST if another vport has them. */
static struct vmdq_entry *vmdq_entry_add(struct vmdq_table *t,
					 struct vmdq_vport *vp,
					 const u8 *mac, u16 vid,
					 struct netlink_ext_ack *extack)
{
	struct vmdq_entry *e;
	int err;

	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return ERR_PTR(-ENOMEM);
	ether_addr_copy(e->key.mac, mac);
	e->key.vid = vid;
	e->vport = vp;
	err = rhashtable_lookup_insert_fast(&t->vports, &e->node,
					    vmdq_table_params);
	if (err) {
		if (err == -EEXIST)
			vmdq_collision(extack, mac, vid);
		kfree(e);
		return ERR_PTR(err);
	}
	return e;
}

static void vmdq_entry_del(struct vmdq_table *t, struct vmdq_entry *e)
{
	rhashtable_remove_fast(&t->vports, &e->node, vmdq_table_params);
	kfree_rcu(e, rcu);
}

/* vp->key set by the caller. -EEXIST if another vport has the key. */
int vmdq_table_insert(struct vmdq_table *t, struct vmdq_vport *vp,
		      struct netlink_ext_ack *extack)
{
	struct vmdq_entry *e;
	struct vmdq_vlan *vl;
	int err;

	ASSERT_RTNL();
	vl = vmdq_vlan_get(t, vp->key.vid);
	if (IS_ERR(vl))
		return PTR_ERR(vl);
	err = vmdq_mac_get(t, vp->key.mac);
	if (err)
		goto put_vlan;
	e = vmdq_entry_add(t, vp, vp->key.mac, vp->key.vid, extack);
	if (IS_ERR(e)) {
		err = PTR_ERR(e);
		goto put_mac;
	}
	vp->entry = e;
	vmdq_vlan_join(vl, vp);
	t->count++;
	return 0;

put_mac:
	vmdq_mac_put(t, vp->key.mac);
put_vlan:
	vmdq_vlan_put(t, vl, vp->key.vid);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(vmdq_table_insert);

void vmdq_table_remove(struct vmdq_table *t, struct vmdq_vport *vp)
{
	ASSERT_RTNL();
	vmdq_entry_del(t, vp->entry);
	vp->entry = NULL;
	vmdq_mac_put(t, vp->key.mac);
	vmdq_vlan_leave(t, vp);
	t->count--;
}
EXPORT_SYMBOL_IF_KUNIT(vmdq_table_remove);

/*
 * A vport changes its MAC or VLAN: the new entry goes in before the old
 * one goes, so a failure leaves the vport as it was.
 */
int vmdq_table_rekey(struct vmdq_table *t, struct vmdq_vport *vp,
		     const u8 *mac, u16 vid, struct netlink_ext_ack *extack)
{
	bool new_mac = !ether_addr_equal(mac, vp->key.mac);
	u16 old_vid = vp->key.vid;
	struct vmdq_entry *e;
	struct vmdq_vlan *vl;
	int err;

	ASSERT_RTNL();
	if (!new_mac && vid == old_vid)
		return 0;
	vl = vmdq_vlan_get(t, vid);
	if (IS_ERR(vl))
		return PTR_ERR(vl);
	if (new_mac) {
		err = vmdq_mac_get(t, mac);
		if (err)
			goto put_vlan;
	}
	e = vmdq_entry_add(t, vp, mac, vid, extack);
	if (IS_ERR(e)) {
		err = PTR_ERR(e);
		if (new_mac)
			vmdq_mac_put(t, mac);
		goto put_vlan;
	}
	vmdq_entry_del(t, vp->entry);
	vp->entry = e;
	if (new_mac)
		vmdq_mac_put(t, vp->key.mac);
	ether_addr_copy(vp->key.mac, mac);
	if (vid == old_vid)
		return 0;
	vmdq_vlan_leave(t, vp);
	/*
	 * A reader of the old VLAN's list may stand on this vport: it must
	 * have left before the vport is linked into another list, or it
	 * would walk that list and never meet its own head.
	 */
	synchronize_net();
	WRITE_ONCE(vp->key.vid, vid);
	vmdq_vlan_join(vl, vp);
	return 0;

put_vlan:
	vmdq_vlan_put(t, vl, vid);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(vmdq_table_rekey);
