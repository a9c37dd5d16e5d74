// SPDX-License-Identifier: GPL-2.0
/*
 * viox_igb: the VFs' requests, as the in-tree igbvf driver sends them
 * through its mailbox, and the "vf_mbx" devlink health reporter that
 * watches them. Every message is hostile until checked: this front end
 * parses it, holds the VF to its message rate, and has vf.c decide; a VF
 * gets an ACK only for a request that is well formed and allowed by what
 * the admin set. Refusals are counted here by vf.c's error codes.
 */
#include <linux/etherdevice.h>
#include <net/devlink.h>

#include "igb.h"

static void vigb_mbx_reset(struct vigb_adapter *ad, unsigned int vf)
{
	u32 reply[3] = {};

	ad->vfs[vf].mbx.resets++;
	vigb_vf_req_reset(ad, vf, (u8 *)&reply[1]);
	reply[0] = VIGB_VF_RESET | VIGB_MSG_ACK;
	vigb_mbx_write(ad, vf, reply, ARRAY_SIZE(reply));
}

static int vigb_mbx_set_mac(struct vigb_adapter *ad, unsigned int vf,
			    const u32 *msg)
{
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
	return vigb_vf_req_mac(ad, vf, mac);
}

static int vigb_mbx_set_promisc(struct vigb_adapter *ad, unsigned int vf,
				const u32 *msg)
{
	u8 info = VIGB_MSG_INFO(msg[0]);

	/* The model has no per-pool unicast promiscuity to give. */
	if (info & ~VIGB_VF_PROMISC_MULTICAST)
		return -EOPNOTSUPP;
	return vigb_vf_req_mc_promisc(ad, vf, info);
}

/* True while the VF stays under its message rate. */
static bool vigb_mbx_rate_ok(struct vigb_adapter *ad, unsigned int vf)
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

/* A request that does not parse, kept for the reporter's dump. */
static void vigb_mbx_malformed(struct vigb_vf *v, const u32 *msg)
{
	v->mbx.bad++;
	memcpy(v->mbx.last_bad, msg, sizeof(v->mbx.last_bad));
}

/* Serve one request; -EBUSY when the VF held the buffer: try later. */
static int vigb_mbx_msg(struct vigb_adapter *ad, unsigned int vf)
{
	struct vigb_vf *v = &ad->vfs[vf];
	u32 msg[VIGB_MBX_WORDS];
	int err;

	if (vigb_mbx_read(ad, vf, msg))
		return -EBUSY;
	dev_dbg(&ad->pdev->dev, "VF %u -> 0x%08x 0x%08x\n", vf, msg[0], msg[1]);
	v->mbx.msgs++;
	v->last_msg = jiffies;
	/* Configuring itself after its reset: the VF renegotiated. */
	if (v->cts && msg[0] != VIGB_VF_RESET)
		vigb_vf_turn_done(ad, vf);
	/* Replies written back count against the rate like requests. */
	if (!vigb_mbx_rate_ok(ad, vf)) {
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
		vigb_vf_reset_seen(ad, vf);
		vigb_mbx_reset(ad, vf);
		return 0;
	}
	if (!v->cts) {
		err = -EAGAIN;	/* configure only after a reset */
		goto reply;
	}
	switch (VIGB_MSG_ID(msg[0])) {
	case VIGB_VF_SET_MAC_ADDR:
		err = vigb_mbx_set_mac(ad, vf, msg);
		break;
	case VIGB_VF_SET_MULTICAST:
		err = vigb_vf_req_multicast(ad, vf, (const u16 *)&msg[1],
					    VIGB_MSG_INFO(msg[0]));
		break;
	case VIGB_VF_SET_VLAN:
		err = vigb_vf_req_vlan(ad, vf, msg[1], VIGB_MSG_INFO(msg[0]));
		break;
	case VIGB_VF_SET_LPE:
		err = vigb_vf_req_max_frame(ad, vf, msg[1]);
		break;
	case VIGB_VF_SET_PROMISC:
		err = vigb_mbx_set_promisc(ad, vf, msg);
		break;
	default:
		dev_warn_ratelimited(&ad->pdev->dev,
				     "VF %u sent unknown message 0x%08x\n", vf, msg[0]);
		err = -EOPNOTSUPP;
		vigb_mbx_malformed(v, msg);
	}
	if (err == -EINVAL)
		vigb_mbx_malformed(v, msg);
	else if (err == -EPERM || err == -EADDRINUSE)
		v->mbx.spoof++;
reply:
	if (err)
		v->mbx.nacks++;
	msg[0] |= (err ? VIGB_MSG_NACK : VIGB_MSG_ACK) | vigb_vf_cts(ad, vf);
	vigb_mbx_write(ad, vf, msg, 1);
	return 0;
}

/*
 * Rounds of looking at the VFs' events in one run of the work. A VF that
 * resets or writes while another VF is served may raise no interrupt of
 * its own (QEMU's model folds it into the one being served), and igbvf
 * waits for its reset reply one second only: look again until nothing is
 * new, a few rounds at most.
 */
#define VIGB_MBX_ROUNDS		8

/* Handle everything the VFs raised; resets first, then requests. */
void vigb_mbx_work(struct work_struct *work)
{
	struct vigb_adapter *ad = container_of(to_delayed_work(work),
					       struct vigb_adapter, mbx_work);
	unsigned long offenders = 0, busy = 0, nudge = 0, poll;
	unsigned int vf, round;
	u32 flr, icr;

	mutex_lock(&ad->vf_lock);
	/* After a device reset, vigb_vfs_renegotiate() queues it again. */
	if (!ad->num_vfs || test_bit(VIGB_RESETTING, &ad->state))
		goto out;
	for (round = 0; round < VIGB_MBX_ROUNDS; round++) {
		flr = vigb_rd32(ad, VIGB_VFLRE);
		vigb_wr32(ad, VIGB_VFLRE, flr);
		icr = vigb_rd32(ad, VIGB_MBVFICR);
		/* Acks need no action; requests are cleared as they are read. */
		vigb_wr32(ad, VIGB_MBVFICR, icr & GENMASK(23, 16));
		/* A request behind a held buffer waits for the retry below. */
		icr &= ~busy;
		if (!(flr & GENMASK(ad->num_vfs - 1, 0)) &&
		    !(icr & GENMASK(ad->num_vfs - 1, 0)))
			break;
		for (vf = 0; vf < ad->num_vfs; vf++) {
			if (flr & BIT(vf)) {
				dev_dbg(&ad->pdev->dev, "VF %u function reset\n", vf);
				ad->vfs[vf].mbx.flrs++;
				/* Its VF_RESET follows: no nudge in between. */
				ad->vfs[vf].last_msg = jiffies;
				vigb_vf_reset(ad, vf);
			}
			if ((icr & VIGB_MBVFICR_REQ(vf)) &&
			    vigb_mbx_msg(ad, vf) == -EBUSY)
				busy |= VIGB_MBVFICR_REQ(vf);
		}
	}
	/* Offenses since the last report, here or on the PF's own sends. */
	for (vf = 0; vf < ad->num_vfs; vf++) {
		struct vigb_vf_mbx_stats *mb = &ad->vfs[vf].mbx;

		if (vigb_vf_offenses(mb) != mb->offenses_reported) {
			mb->offenses_reported = vigb_vf_offenses(mb);
			__set_bit(vf, &offenders);
		}
	}
	/* The next VF's turn to renegotiate, if one waits. */
	nudge = vigb_vf_nudge(ad);
	/* VFs with standbys: whether they still receive, or again. */
	poll = vigb_standbys_poll(ad);
	if (poll && (!nudge || poll < nudge))
		nudge = poll;
out:
	mutex_unlock(&ad->vf_lock);
	/* The reporter may recover at once, which takes vf_lock. */
	for_each_set_bit(vf, &offenders, VIGB_MAX_VFS) {
		char what[80];

		snprintf(what, sizeof(what),
			 "VF %u: malformed or flooding messages, or a buffer held", vf);
		devlink_health_report(ad->mbx_reporter, what,
				      (void *)(uintptr_t)(vf + 1));
	}
	/*
	 * A request behind a held buffer: look again soon, even if a turn
	 * queued the work for its end (which the next run sees again).
	 */
	if (busy)
		mod_delayed_work(vigb_mbx_wq, &ad->mbx_work,
				 nudge ? min(nudge, HZ / 10) : HZ / 10);
	else if (nudge)
		queue_delayed_work(vigb_mbx_wq, &ad->mbx_work, nudge);
}

void vigb_mbx_irq(struct vigb_adapter *ad)
{
	if (ad->num_vfs)
		mod_delayed_work(vigb_mbx_wq, &ad->mbx_work, 0);
}

static void vigb_fmsg_vf(struct devlink_fmsg *fmsg, struct vigb_adapter *ad,
			 unsigned int vf, bool dump)
{
	struct vigb_vf_mbx_stats *m = &ad->vfs[vf].mbx;

	devlink_fmsg_obj_nest_start(fmsg);
	devlink_fmsg_u32_pair_put(fmsg, "vf", vf);
	devlink_fmsg_u64_pair_put(fmsg, "messages", m->msgs);
	devlink_fmsg_u64_pair_put(fmsg, "refused", m->nacks);
	devlink_fmsg_u64_pair_put(fmsg, "malformed", m->bad);
	devlink_fmsg_u64_pair_put(fmsg, "spoof_attempts", m->spoof);
	devlink_fmsg_u64_pair_put(fmsg, "floods", m->floods);
	devlink_fmsg_u64_pair_put(fmsg, "buffer_held", m->held);
	devlink_fmsg_u64_pair_put(fmsg, "resets", m->resets);
	devlink_fmsg_u64_pair_put(fmsg, "flrs", m->flrs);
	devlink_fmsg_u64_pair_put(fmsg, "recoveries", m->recoveries);
	if (dump && m->bad)
		devlink_fmsg_binary_pair_put(fmsg, "last_malformed",
					     m->last_bad, sizeof(m->last_bad));
	devlink_fmsg_obj_nest_end(fmsg);
}

static void vigb_fmsg_vfs(struct devlink_fmsg *fmsg, struct vigb_adapter *ad,
			  bool dump)
{
	unsigned int vf;

	mutex_lock(&ad->vf_lock);
	devlink_fmsg_u32_pair_put(fmsg, "num_vfs", ad->num_vfs);
	devlink_fmsg_arr_pair_nest_start(fmsg, "vfs");
	for (vf = 0; vf < ad->num_vfs; vf++)
		vigb_fmsg_vf(fmsg, ad, vf, dump);
	devlink_fmsg_arr_pair_nest_end(fmsg);
	mutex_unlock(&ad->vf_lock);
}

static int vigb_mbx_diagnose(struct devlink_health_reporter *reporter,
			     struct devlink_fmsg *fmsg,
			     struct netlink_ext_ack *extack)
{
	vigb_fmsg_vfs(fmsg, devlink_health_reporter_priv(reporter), false);
	return 0;
}

static int vigb_mbx_dump(struct devlink_health_reporter *reporter,
			 struct devlink_fmsg *fmsg, void *priv_ctx,
			 struct netlink_ext_ack *extack)
{
	vigb_fmsg_vfs(fmsg, devlink_health_reporter_priv(reporter), true);
	return 0;
}

/*
 * Reset the offending VF (the one reported, or every VF that misbehaved
 * since its last recovery): its filters go and it loses its clearance, so
 * it must reset before it is served again.
 */
static int vigb_mbx_recover(struct devlink_health_reporter *reporter,
			    void *priv_ctx, struct netlink_ext_ack *extack)
{
	struct vigb_adapter *ad = devlink_health_reporter_priv(reporter);
	unsigned int vf;

	mutex_lock(&ad->vf_lock);
	for (vf = 0; vf < ad->num_vfs; vf++) {
		struct vigb_vf_mbx_stats *m = &ad->vfs[vf].mbx;
		u64 offenses = vigb_vf_offenses(m);

		if (priv_ctx ? (uintptr_t)priv_ctx != vf + 1 :
			       offenses == m->offenses_seen)
			continue;
		m->offenses_seen = offenses;
		m->recoveries++;
		/* Wait for the buffer again: the reset may have freed it. */
		ad->vfs[vf].held_until = 0;
		/*
		 * No message: it could overwrite a reply the VF has yet to
		 * read. Its next request is refused without clearance, which
		 * makes igbvf reset.
		 */
		vigb_vf_reset(ad, vf);
	}
	mutex_unlock(&ad->vf_lock);
	return 0;
}

const struct devlink_health_reporter_ops vigb_mbx_reporter_ops = {
	.name		= "vf_mbx",
	.diagnose	= vigb_mbx_diagnose,
	.dump		= vigb_mbx_dump,
	.recover	= vigb_mbx_recover,
};
