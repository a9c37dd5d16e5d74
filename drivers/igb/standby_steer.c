// SPDX-License-Identifier: GPL-2.0
/*
 * viox_igb: where a VF's MAC is received. A VF with a standby
 * (standby.c, include/viox/standby.h) has its MAC's receive address entry
 * point at the VF's pool while the VF is in use and at the PF's pool
 * otherwise, where the standby's holder classifies it in software.
 * vigb_vf_apply() calls vigb_standby_sync() before it reprograms a VF (to
 * steer to the host before the VF stops) and after (to steer back once
 * the VF receives again); the mailbox work polls the VFs' receive queues,
 * which no interrupt reports.
 *
 * A standby whose VF was removed keeps the VF's entry, steered to the PF:
 * a pool reservation leaves that pool number alone, and VFs created again
 * get the standby's address as their admin MAC.
 */
#include <linux/etherdevice.h>
#include <viox/standby.h>

#include "igb.h"

/* The VF has its driver running and may receive. */
static bool vigb_vf_in_use(struct vigb_adapter *ad, unsigned int vf)
{
	if (vf >= ad->num_vfs || !ad->vfs[vf].cts ||
	    !vigb_vf_link_allowed(ad, vf))
		return false;
	/* igbvf's one receive queue is queue vf of the PF's. */
	return vigb_rd32(ad, VIGB_RXDCTL(vf)) & VIGB_XDCTL_ENABLE;
}

/*
 * In use, and its ring has buffers: igbvf turns its queue on before it
 * fills the ring, and frames steered to it meanwhile would be dropped.
 * (An empty ring of a VF in use is no reason to leave: it is busy.)
 */
static bool vigb_vf_ready(struct vigb_adapter *ad, unsigned int vf)
{
	return vigb_vf_in_use(ad, vf) &&
	       vigb_rd32(ad, VIGB_RDH(vf)) != vigb_rd32(ad, VIGB_RDT(vf));
}

static u8 vigb_standby_why(struct vigb_adapter *ad, unsigned int vf)
{
	if (vf >= ad->num_vfs)
		return VIOX_STANDBY_WHY_VFS_REMOVED;
	if (!vigb_vf_link_allowed(ad, vf))
		return VIOX_STANDBY_WHY_ADMIN;
	if (!ad->vfs[vf].cts)
		return VIOX_STANDBY_WHY_RESET;
	return VIOX_STANDBY_WHY_STOPPED;
}

/* The pools that receive VF @vf's MAC. */
u32 vigb_vf_rx_pools(struct vigb_adapter *ad, unsigned int vf)
{
	struct vigb_standby *sb = ad->standbys[vf];

	lockdep_assert_held(&ad->vf_lock);
	if (!sb || !sb->to_host)
		return BIT(vf);
	return sb->pool >= 0 ? BIT(sb->pool) : BIT(ad->first_queue);
}

static void vigb_standby_steer(struct vigb_adapter *ad,
			       struct vigb_standby *sb)
{
	unsigned int vf = sb->pub.vf;
	const u8 *mac = vf < ad->num_vfs ? ad->vfs[vf].mac : sb->mac;

	vigb_rar_set(ad, VIGB_VF_RAR(vf), mac, vigb_vf_rx_pools(ad, vf));
}

/**
 * vigb_standby_sync - steer a VF's MAC to where it is received
 * @ad: the adapter
 * @vf: the VF
 * @may_return: back to the VF if it is in use (else only away from it)
 *
 * vf_lock held. Away from a VF the admin stops, the gap is nil: the VF
 * receives until its pool is closed after this. A VF that stopped on its
 * own (or whose VFs were removed) stopped at most this long ago: since
 * it was last seen in use.
 */
void vigb_standby_sync(struct vigb_adapter *ad, unsigned int vf,
		       bool may_return)
{
	struct vigb_standby *sb = ad->standbys[vf];
	struct viox_standby_event ev = {};
	u64 now = ktime_get_ns();
	bool in_use;

	lockdep_assert_held(&ad->vf_lock);
	if (!sb)
		return;
	in_use = vigb_vf_in_use(ad, vf);
	if (in_use && !sb->to_host) {
		sb->seen_ns = now;
	} else if (!in_use && !sb->to_host) {
		ev.to_host = true;
		ev.why = vigb_standby_why(ad, vf);
		/* The admin's stop comes after this; any other came before. */
		if (ev.why != VIOX_STANDBY_WHY_ADMIN)
			ev.gap_ns = now - sb->seen_ns;
		/* The holder takes the MAC before the PF may see it. */
		sb->pub.holder->switched(&sb->pub, &ev);
		sb->to_host = true;
		vigb_standby_steer(ad, sb);
		dev_info_ratelimited(&ad->pdev->dev, "VF %u's MAC to its standby %s\n",
				     vf, sb->pub.port->name);
	} else if (in_use && sb->to_host && may_return &&
		   vigb_vf_ready(ad, vf)) {
		sb->to_host = false;
		sb->seen_ns = now;
		vigb_standby_steer(ad, sb);
		ev.why = VIOX_STANDBY_WHY_VF_BACK;
		sb->pub.holder->switched(&sb->pub, &ev);
		dev_info_ratelimited(&ad->pdev->dev, "VF %u's MAC back to the VF\n",
				     vf);
	}
	if (vf < ad->num_vfs &&
	    (!ether_addr_equal(sb->mac, ad->vfs[vf].mac) ||
	     sb->vid != ad->vfs[vf].port_vlan) &&
	    is_valid_ether_addr(ad->vfs[vf].mac)) {
		ether_addr_copy(sb->mac, ad->vfs[vf].mac);
		/* The holder's pool filters the old VLAN: the PF's until it follows. */
		if (sb->vid != ad->vfs[vf].port_vlan && sb->pool >= 0)
			vigb_standby_set_pool(ad, sb, -1);
		sb->vid = ad->vfs[vf].port_vlan;
		sb->pub.holder->readdressed(&sb->pub, sb->mac, sb->vid);
	}
}

/*
 * A layout programmed anew: VFs that came back get their standby's
 * address; the entries of VFs that are gone stay steered to the PF.
 */
void vigb_standbys_program(struct vigb_adapter *ad)
{
	unsigned int vf;

	lockdep_assert_held(&ad->vf_lock);
	for (vf = 0; vf < VIGB_MAX_VFS; vf++) {
		struct vigb_standby *sb = ad->standbys[vf];

		if (!sb)
			continue;
		if (vf < ad->num_vfs) {
			struct vigb_vf *v = &ad->vfs[vf];

			if (!is_valid_ether_addr(v->mac)) {
				ether_addr_copy(v->mac, sb->mac);
				ether_addr_copy(v->admin_addr, sb->mac);
				v->admin_mac = true;
				v->port_vlan = sb->vid;
			}
			continue;
		}
		if (sb->to_host)
			vigb_standby_steer(ad, sb);	/* after a scrub */
		else
			vigb_standby_sync(ad, vf, false);
	}
}

/* Whether pool @p's address entry is a standby's, its VF gone. */
bool vigb_standby_holds_pool(struct vigb_adapter *ad, unsigned int p)
{
	lockdep_assert_held(&ad->vf_lock);
	return p < VIGB_MAX_VFS && p >= ad->num_vfs && ad->standbys[p];
}

/* The mailbox work's look at the VFs: jiffies till the next, 0 for none. */
unsigned long vigb_standbys_poll(struct vigb_adapter *ad)
{
	unsigned long again = 0;
	unsigned int vf;

	lockdep_assert_held(&ad->vf_lock);
	for (vf = 0; vf < ad->num_vfs; vf++) {
		if (!ad->standbys[vf])
			continue;
		vigb_standby_sync(ad, vf, true);
		again = VIGB_STANDBY_POLL;
	}
	return again;
}

/* The holder's pool for the MAC while it is the host's; -1: the PF's. */
void vigb_standby_set_pool(struct vigb_adapter *ad, struct vigb_standby *sb,
			   int pool)
{
	lockdep_assert_held(&ad->vf_lock);
	sb->pool = pool;
	if (sb->to_host)
		vigb_standby_steer(ad, sb);
}

/* Pool @pool leaves its holder: no standby's MAC may still go there. */
void vigb_standbys_pool_gone(struct vigb_adapter *ad, unsigned int pool)
{
	unsigned int vf;

	lockdep_assert_held(&ad->vf_lock);
	for (vf = 0; vf < VIGB_MAX_VFS; vf++) {
		struct vigb_standby *sb = ad->standbys[vf];

		if (sb && sb->pool == pool) {
			dev_warn(&ad->pdev->dev, "VF %u's standby let pool %u go while its MAC went there\n",
				 vf, pool);
			vigb_standby_set_pool(ad, sb, -1);
		}
	}
}

/**
 * vigb_standby_set - give VF @vf a standby, or none
 * @ad: the adapter
 * @vf: the VF, whether it exists or not
 * @sb: the standby, or NULL to take it away
 *
 * vf_lock held. The MAC's entry follows: to the PF's pool while the VF is
 * not in use and has a standby, else to the VF's (or gone with the VF).
 */
void vigb_standby_set(struct vigb_adapter *ad, unsigned int vf,
		      struct vigb_standby *sb)
{
	lockdep_assert_held(&ad->vf_lock);
	ad->standbys[vf] = sb;
	if (sb) {
		struct viox_standby_event ev = { .why = VIOX_STANDBY_WHY_NONE };

		sb->seen_ns = ktime_get_ns();
		sb->to_host = !vigb_vf_in_use(ad, vf);
		/* Where it starts, told as any switch is: under vf_lock. */
		ev.to_host = sb->to_host;
		sb->pub.holder->switched(&sb->pub, &ev);
		vigb_standby_steer(ad, sb);
	} else if (vf < ad->num_vfs) {
		vigb_rar_set(ad, VIGB_VF_RAR(vf), ad->vfs[vf].mac, BIT(vf));
	} else {
		vigb_rar_clear(ad, VIGB_VF_RAR(vf));
	}
}
