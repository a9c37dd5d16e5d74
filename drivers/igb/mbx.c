// SPDX-License-Identifier: GPL-2.0
/*
 * viox_igb: the PF side of the PF<->VF mailbox, in the dialect the
 * in-tree igbvf driver speaks. Every message is hostile until checked:
 * a VF gets an ACK only for a request that is well formed, allowed by
 * what the admin set, and within its message rate.
 */
#include <linux/etherdevice.h>
#include <linux/if_link.h>

#include "igb.h"

/*
 * VF requests are served from an unbound queue: a VF driver in this very
 * kernel busy-waits for the reply with preemption off, and a per-CPU
 * worker queued on that CPU could not run until the VF gave up.
 */
struct workqueue_struct *vigb_mbx_wq;

/* How long a VF told to renegotiate is reminded of it. */
#define VIGB_NUDGE_TIME		(30 * HZ)

/*
 * The PF holds the buffer only if the VF does not; a VF holds it briefly
 * (igbvf peeks at it from its watchdog), so wait a little (at most about
 * 10 ms: the callers hold vf_lock, some RTNL) before giving up. A VF that
 * kept it that long is counted once and, for the next ten seconds, not
 * waited for at all, even if it lets go in between: a VF toggling its
 * buffer must not stall every PF access. The PF orders the buffer back
 * with RVFU (QEMU's model clears only the VF's view of it, so there the
 * VF's next message is what frees it).
 */
#define VIGB_MBX_TRIES		20
#define VIGB_MBX_HELD_TIME	(10 * HZ)

static int vigb_mbx_lock(struct vigb_adapter *ad, unsigned int vf)
{
	struct vigb_vf *v = &ad->vfs[vf];
	bool suspect = v->held_until && time_before(jiffies, v->held_until);
	int tries;

	for (tries = suspect ? VIGB_MBX_TRIES - 1 : 0; tries < VIGB_MBX_TRIES; tries++) {
		vigb_wr32(ad, VIGB_P2VMAILBOX(vf), VIGB_P2VMB_PFU);
		if (vigb_rd32(ad, VIGB_P2VMAILBOX(vf)) & VIGB_P2VMB_PFU)
			return 0;
		if (tries < VIGB_MBX_TRIES - 1)
			usleep_range(500, 600);
	}
	v->held_until = jiffies + VIGB_MBX_HELD_TIME;
	if (!suspect) {
		v->mbx.held++;
		dev_warn_ratelimited(&ad->pdev->dev,
				     "VF %u keeps its mailbox buffer: taking it back\n",
				     vf);
		/* The reporter hears of it from the mailbox work. */
		mod_delayed_work(vigb_mbx_wq, &ad->mbx_work, 0);
	}
	vigb_wr32(ad, VIGB_P2VMAILBOX(vf), VIGB_P2VMB_RVFU);
	return -EBUSY;
}

static int vigb_mbx_write(struct vigb_adapter *ad, unsigned int vf,
			  const u32 *msg, unsigned int words)
{
	unsigned int i;

	if (vigb_mbx_lock(ad, vf)) {
		dev_warn_ratelimited(&ad->pdev->dev,
				     "VF %u holds its mailbox: reply dropped\n", vf);
		return -EBUSY;
	}
	/* Stale request and ack bits would be taken for new ones. */
	vigb_wr32(ad, VIGB_MBVFICR, VIGB_MBVFICR_REQ(vf) | VIGB_MBVFICR_ACK(vf));
	for (i = 0; i < words; i++)
		vigb_wr32(ad, VIGB_VMBMEM(vf) + 4 * i, msg[i]);
	/* Tell the VF, releasing the buffer. */
	vigb_wr32(ad, VIGB_P2VMAILBOX(vf), VIGB_P2VMB_STS);
	dev_dbg(&ad->pdev->dev, "VF %u <- 0x%08x\n", vf, msg[0]);
	return 0;
}

static int vigb_mbx_read(struct vigb_adapter *ad, unsigned int vf, u32 *msg)
{
	unsigned int i;

	if (vigb_mbx_lock(ad, vf))
		return -EBUSY;
	/* The VF cannot post again while the PF holds the buffer. */
	vigb_wr32(ad, VIGB_MBVFICR, VIGB_MBVFICR_REQ(vf));
	for (i = 0; i < VIGB_MBX_WORDS; i++)
		msg[i] = vigb_rd32(ad, VIGB_VMBMEM(vf) + 4 * i);
	/* Acknowledge, releasing the buffer. */
	vigb_wr32(ad, VIGB_P2VMAILBOX(vf), VIGB_P2VMB_ACK);
	return 0;
}

static u32 vigb_vf_cts(struct vigb_adapter *ad, unsigned int vf)
{
	return ad->vfs[vf].cts && vigb_vf_link_allowed(ad, vf) ? VIGB_MSG_CTS : 0;
}

/* The VF lost its clearance: it must reset, and is reminded to. */
static void vigb_vf_renegotiate(struct vigb_vf *v)
{
	v->cts = false;
	v->nudge_until = jiffies + VIGB_NUDGE_TIME;
}

/*
 * Tell a VF the link changed. With renegotiate the VF is told it lost
 * its clearance, which makes igbvf reset and fetch its settings again.
 */
static void vigb_vf_post(struct vigb_adapter *ad, unsigned int vf,
			 bool renegotiate)
{
	u32 msg = VIGB_PF_CONTROL_MSG;

	if (renegotiate)
		vigb_vf_renegotiate(&ad->vfs[vf]);
	/* A VF without clearance is told to reset, whatever the news. */
	msg |= ad->vfs[vf].cts ? vigb_vf_cts(ad, vf) : VIGB_MSG_NACK;
	vigb_mbx_write(ad, vf, &msg, 1);
}

/*
 * Make VFs look at their mailbox. The message's own interrupt should do,
 * but QEMU's model raises it on the VF's queue vector rather than on the
 * one igbvf listens to for link events; "PF reset done" is seen by every
 * VF's watchdog within two seconds, which then re-reads its mailbox.
 */
static void vigb_vf_kick(struct vigb_adapter *ad)
{
	vigb_wr32(ad, VIGB_CTRL_EXT,
		  vigb_rd32(ad, VIGB_CTRL_EXT) | VIGB_CTRL_EXT_PFRSTD);
}

void vigb_vf_ping(struct vigb_adapter *ad, unsigned int vf, bool renegotiate)
{
	lockdep_assert_held(&ad->vf_lock);
	vigb_vf_post(ad, vf, renegotiate);
	vigb_vf_kick(ad);
}

/*
 * igbvf gives up on a reset whose handshake it did not finish in time
 * ("PF still resetting": the PF's reset-done bit came late, or the reply
 * did) and tries again only when a PF message says it lost its clearance
 * or arrives after its mailbox timed out. So a VF told to renegotiate is
 * told again every watchdog round until it configures itself after its
 * reset, which a working igbvf does at once. Only a quiet VF is told:
 * the message would replace a reply the VF is about to read.
 */
void vigb_vf_nudge(struct vigb_adapter *ad)
{
	bool any = false;
	unsigned int vf;
	u32 resetting;

	lockdep_assert_held(&ad->vf_lock);
	/* Resets the mailbox work has yet to see. */
	resetting = vigb_rd32(ad, VIGB_VFLRE);
	for (vf = 0; vf < ad->num_vfs; vf++) {
		struct vigb_vf *v = &ad->vfs[vf];

		if (!v->nudge_until)
			continue;
		if (time_after(jiffies, v->nudge_until)) {
			v->nudge_until = 0;
			continue;
		}
		/*
		 * Nor a VF in the middle of its reset: igbvf would take the
		 * message for the reset reply, keep its old address as its
		 * fallback, and stay on it with no traffic.
		 */
		if (time_before(jiffies, v->last_msg + HZ) ||
		    (resetting & BIT(vf)))
			continue;
		vigb_vf_post(ad, vf, false);
		any = true;
	}
	if (any)
		vigb_vf_kick(ad);
}

void vigb_vf_ping_all(struct vigb_adapter *ad)
{
	unsigned int vf;

	lockdep_assert_held(&ad->vf_lock);
	for (vf = 0; vf < ad->num_vfs; vf++)
		vigb_vf_post(ad, vf, false);
	if (ad->num_vfs)
		vigb_vf_kick(ad);
}

static void vigb_vf_reset_msg(struct vigb_adapter *ad, unsigned int vf)
{
	struct vigb_vf *v = &ad->vfs[vf];
	u32 reply[3] = {};

	v->mbx.resets++;
	vigb_vf_reset(ad, vf);
	/*
	 * igbvf falls back to the address this reply gives whenever an
	 * address change is refused (one racing a loss of clearance, say);
	 * given none, it falls back to zeros it can never set, and stays
	 * without an address. So a VF without one gets a random one here.
	 */
	if (!is_valid_ether_addr(v->mac))
		eth_random_addr(v->mac);
	while (!v->admin_mac && vigb_rar_taken(ad, v->mac, VIGB_VF_RAR(vf)))
		eth_random_addr(v->mac);
	v->cts = true;
	v->mac_pending = false;
	vigb_vf_apply(ad, vf);
	reply[0] = VIGB_VF_RESET | VIGB_MSG_ACK;
	memcpy(&reply[1], v->mac, ETH_ALEN);
	vigb_mbx_write(ad, vf, reply, ARRAY_SIZE(reply));
}

static int vigb_vf_set_mac(struct vigb_adapter *ad, unsigned int vf,
			   const u32 *msg)
{
	struct vigb_vf *v = &ad->vfs[vf];
	u8 mac[ETH_ALEN];

	switch (VIGB_MSG_INFO(msg[0])) {
	case VIGB_VF_MAC_PRIMARY:
		break;
	case VIGB_VF_MAC_FILTER_CLR:
		/* No extra filters are ever granted: nothing to clear. */
		return 0;
	default:
		/* Extra unicast filters would eat the PF's RAR entries. */
		return -ENOSPC;
	}
	memcpy(mac, &msg[1], ETH_ALEN);
	if (!is_valid_ether_addr(mac)) {
		v->mbx.bad++;
		dev_warn_ratelimited(&ad->pdev->dev,
				     "VF %u asked for invalid address %pM\n", vf, mac);
		return -EINVAL;
	}
	if (v->admin_mac && !v->trusted && !ether_addr_equal(mac, v->mac)) {
		/*
		 * The address it had before the admin's: the VF never
		 * learnt the new one (igbvf learns it only from a reset
		 * reply). Tell it to reset rather than count a spoof.
		 */
		if (ether_addr_equal(mac, v->old_mac)) {
			/* Right after that reply igbvf tries its old one once. */
			if (!v->mac_pending)
				return -EPERM;
			dev_info_ratelimited(&ad->pdev->dev,
					     "VF %u still uses %pM, not its admin-set %pM: told to reset\n",
					     vf, mac, v->mac);
			vigb_vf_renegotiate(v);
			return -EAGAIN;
		}
		v->mbx.spoof++;
		dev_warn_ratelimited(&ad->pdev->dev,
				     "VF %u may not change its admin-set address %pM to %pM (not trusted)\n",
				     vf, v->mac, mac);
		return -EPERM;
	}
	if (vigb_rar_claim(ad, VIGB_VF_RAR(vf), mac, BIT(vf))) {
		v->mbx.spoof++;
		dev_warn_ratelimited(&ad->pdev->dev,
				     "VF %u may not take %pM: the PF, another VF or a pool has it\n",
				     vf, mac);
		return -EADDRINUSE;
	}
	ether_addr_copy(v->mac, mac);
	vigb_vf_apply(ad, vf);
	return 0;
}

static int vigb_vf_set_multicast(struct vigb_adapter *ad, unsigned int vf,
				 const u32 *msg)
{
	struct vigb_vf *v = &ad->vfs[vf];
	const u16 *hash = (const u16 *)&msg[1];
	unsigned int n = VIGB_MSG_INFO(msg[0]), i;

	if (n > VIGB_VF_MC_HASHES) {
		v->mbx.bad++;
		dev_warn_ratelimited(&ad->pdev->dev,
				     "VF %u sent %u multicast hashes, at most %u fit\n",
				     vf, n, VIGB_VF_MC_HASHES);
		return -EINVAL;
	}
	for (i = 0; i < n; i++)
		v->mc_hash[i] = hash[i] & 0xfff;
	v->num_mc = n;
	vigb_vf_mta_rebuild(ad);
	vigb_vf_apply(ad, vf);
	return 0;
}

/* Whether vid is the port VLAN of a VF other than vf. */
static bool vigb_vlan_is_port_vlan(struct vigb_adapter *ad, u16 vid,
				   unsigned int vf)
{
	unsigned int i;

	for (i = 0; i < ad->num_vfs; i++)
		if (i != vf && ad->vfs[i].port_vlan == vid)
			return true;
	return false;
}

static int vigb_vf_set_vlan(struct vigb_adapter *ad, unsigned int vf,
			    const u32 *msg)
{
	struct vigb_vf *v = &ad->vfs[vf];
	bool add = VIGB_MSG_INFO(msg[0]);
	u16 vid = msg[1] & VLAN_VID_MASK;
	int err;

	/* VLAN 0 is priority tagging: untagged filters cover it. */
	if (!vid && msg[1] <= VLAN_VID_MASK)
		return 0;
	if (v->port_vlan && !v->trusted) {
		v->mbx.spoof++;
		dev_warn_ratelimited(&ad->pdev->dev,
				     "VF %u may not change VLANs under admin VLAN %u\n",
				     vf, v->port_vlan);
		return -EPERM;
	}
	if (msg[1] > VLAN_VID_MASK) {
		v->mbx.bad++;
		return -EINVAL;
	}
	if (add == test_bit(vid, v->vlans))
		return 0;
	if (!add) {
		clear_bit(vid, v->vlans);
		/* Its port VLAN is the admin's: it stays. */
		return vigb_vlvf_set(ad, vid, vf, vid == v->port_vlan);
	}
	if (vigb_vlan_is_port_vlan(ad, vid, vf)) {
		v->mbx.spoof++;
		dev_warn_ratelimited(&ad->pdev->dev,
				     "VF %u may not join VLAN %u, another VF's port VLAN\n",
				     vf, vid);
		return -EPERM;
	}
	if (bitmap_weight(v->vlans, VLAN_N_VID) >= VIGB_VF_VLANS) {
		dev_warn_ratelimited(&ad->pdev->dev,
				     "VF %u asked for more than %u VLANs\n",
				     vf, VIGB_VF_VLANS);
		return -ENOSPC;
	}
	err = vigb_vlvf_join(ad, vid, vf);
	if (err) {
		dev_warn_ratelimited(&ad->pdev->dev,
				     "VF %u: no free VLAN filter for VLAN %u\n", vf, vid);
		return err;
	}
	set_bit(vid, v->vlans);
	return 0;
}

static int vigb_vf_set_lpe(struct vigb_adapter *ad, unsigned int vf,
			   const u32 *msg)
{
	struct vigb_vf *v = &ad->vfs[vf];

	if (msg[1] < ETH_ZLEN || msg[1] > VIGB_MAX_FRAME) {
		v->mbx.bad++;
		dev_warn_ratelimited(&ad->pdev->dev,
				     "VF %u asked for frames of %u bytes (64-%u allowed)\n",
				     vf, msg[1], VIGB_MAX_FRAME);
		return -EINVAL;
	}
	v->rlpml = msg[1];
	vigb_vf_apply(ad, vf);
	return 0;
}

static int vigb_vf_set_promisc(struct vigb_adapter *ad, unsigned int vf,
			       const u32 *msg)
{
	struct vigb_vf *v = &ad->vfs[vf];
	u8 info = VIGB_MSG_INFO(msg[0]);

	/* The model has no per-pool unicast promiscuity to give. */
	if (info & ~VIGB_VF_PROMISC_MULTICAST)
		return -EOPNOTSUPP;
	if (info && !v->trusted)
		return -EPERM;
	v->mc_promisc = info;
	vigb_vf_apply(ad, vf);
	return 0;
}

/* True while the VF stays under its message rate. */
static bool vigb_vf_rate_ok(struct vigb_adapter *ad, unsigned int vf)
{
	struct vigb_vf *v = &ad->vfs[vf];

	if (time_after(jiffies, v->window + HZ)) {
		v->window = jiffies;
		v->window_msgs = 0;
	}
	if (++v->window_msgs <= READ_ONCE(ad->vf_msg_rate))
		return true;
	if (v->window_msgs == READ_ONCE(ad->vf_msg_rate) + 1) {
		v->mbx.floods++;
		dev_warn_ratelimited(&ad->pdev->dev,
				     "VF %u floods its mailbox: refusing requests for the rest of this second\n",
				     vf);
	}
	return false;
}

/* Serve one request; -EBUSY when the VF held the buffer: try later. */
static int vigb_vf_msg(struct vigb_adapter *ad, unsigned int vf)
{
	struct vigb_vf *v = &ad->vfs[vf];
	u32 msg[VIGB_MBX_WORDS];
	u64 bad_before = v->mbx.bad;
	int err;

	if (vigb_mbx_read(ad, vf, msg))
		return -EBUSY;
	dev_dbg(&ad->pdev->dev, "VF %u -> 0x%08x 0x%08x\n", vf, msg[0], msg[1]);
	v->mbx.msgs++;
	v->last_msg = jiffies;
	/* Configuring itself after its reset: the VF renegotiated. */
	if (v->cts && msg[0] != VIGB_VF_RESET)
		v->nudge_until = 0;
	/* Replies written back count against the rate like requests. */
	if (!vigb_vf_rate_ok(ad, vf)) {
		if (msg[0] & (VIGB_MSG_ACK | VIGB_MSG_NACK))
			return 0;
		err = -EBUSY;
		goto reply;
	}
	/* A reply of ours the VF wrote back: nothing to do. */
	if (msg[0] & (VIGB_MSG_ACK | VIGB_MSG_NACK)) {
		v->mbx.bad++;
		return 0;
	}
	if (msg[0] == VIGB_VF_RESET) {
		vigb_vf_reset_msg(ad, vf);
		return 0;
	}
	if (!v->cts) {
		err = -EAGAIN;	/* configure only after a reset */
		goto reply;
	}
	switch (VIGB_MSG_ID(msg[0])) {
	case VIGB_VF_SET_MAC_ADDR:
		err = vigb_vf_set_mac(ad, vf, msg);
		break;
	case VIGB_VF_SET_MULTICAST:
		err = vigb_vf_set_multicast(ad, vf, msg);
		break;
	case VIGB_VF_SET_VLAN:
		err = vigb_vf_set_vlan(ad, vf, msg);
		break;
	case VIGB_VF_SET_LPE:
		err = vigb_vf_set_lpe(ad, vf, msg);
		break;
	case VIGB_VF_SET_PROMISC:
		err = vigb_vf_set_promisc(ad, vf, msg);
		break;
	default:
		v->mbx.bad++;
		dev_warn_ratelimited(&ad->pdev->dev,
				     "VF %u sent unknown message 0x%08x\n", vf, msg[0]);
		err = -EOPNOTSUPP;
	}
	if (v->mbx.bad != bad_before)
		memcpy(v->mbx.last_bad, msg, sizeof(msg));
reply:
	if (err)
		v->mbx.nacks++;
	msg[0] |= (err ? VIGB_MSG_NACK : VIGB_MSG_ACK) | vigb_vf_cts(ad, vf);
	vigb_mbx_write(ad, vf, msg, 1);
	return 0;
}

/* Handle everything the VFs raised; resets first, then requests. */
void vigb_mbx_work(struct work_struct *work)
{
	struct vigb_adapter *ad = container_of(to_delayed_work(work),
					       struct vigb_adapter, mbx_work);
	unsigned long offenders = 0;
	bool again = false;
	unsigned int vf;
	u32 flr, icr;

	mutex_lock(&ad->vf_lock);
	if (!ad->num_vfs)
		goto out;
	flr = vigb_rd32(ad, VIGB_VFLRE);
	vigb_wr32(ad, VIGB_VFLRE, flr);
	icr = vigb_rd32(ad, VIGB_MBVFICR);
	/* Acks need no action; requests are cleared as they are read. */
	vigb_wr32(ad, VIGB_MBVFICR, icr & GENMASK(23, 16));
	for (vf = 0; vf < ad->num_vfs; vf++) {
		if (flr & BIT(vf)) {
			dev_dbg(&ad->pdev->dev, "VF %u function reset\n", vf);
			ad->vfs[vf].mbx.flrs++;
			/* Its VF_RESET follows: no nudge in between. */
			ad->vfs[vf].last_msg = jiffies;
			vigb_vf_reset(ad, vf);
		}
		if ((icr & VIGB_MBVFICR_REQ(vf)) && vigb_vf_msg(ad, vf) == -EBUSY)
			again = true;
	}
	/* Offenses since the last report, here or on the PF's own sends. */
	for (vf = 0; vf < ad->num_vfs; vf++) {
		struct vigb_vf_mbx_stats *mb = &ad->vfs[vf].mbx;

		if (vigb_vf_offenses(mb) != mb->offenses_reported) {
			mb->offenses_reported = vigb_vf_offenses(mb);
			__set_bit(vf, &offenders);
		}
	}
out:
	mutex_unlock(&ad->vf_lock);
	/* The reporter may recover at once, which takes vf_lock. */
	for_each_set_bit(vf, &offenders, VIGB_MAX_VFS)
		vigb_devlink_report_vf(ad, vf, "malformed or flooding messages, or a buffer held");
	/* A request behind a held buffer: look again in a while. */
	if (again)
		queue_delayed_work(vigb_mbx_wq, &ad->mbx_work, HZ / 10);
}

void vigb_mbx_irq(struct vigb_adapter *ad)
{
	if (ad->num_vfs)
		mod_delayed_work(vigb_mbx_wq, &ad->mbx_work, 0);
}
