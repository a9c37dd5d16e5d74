// SPDX-License-Identifier: GPL-2.0
/*
 * viox_igb: the PF<->VF mailbox itself: its buffer handshake, reading a
 * VF's message, writing a reply, and the messages the PF sends on its own
 * (link news, renegotiation), timed for the in-tree igbvf driver. What a
 * message means is mbx.c's business.
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

/*
 * How long a VF told to renegotiate is reminded of it, from the news or
 * from its last reset: one with no driver never resets and drops out, one
 * whose driver keeps trying is helped until it is through, or until
 * VIGB_NUDGE_MAX has passed.
 */
#define VIGB_NUDGE_TIME		(30 * HZ)
/* And at most this long from the news: a VF that only resets holds a turn. */
#define VIGB_NUDGE_MAX		(5 * 60 * HZ)

/*
 * VFs renegotiate one at a time. igbvf waits for each reply of its reset
 * handshake busy, with bottom halves off: VFs driven by the PF's own kernel
 * (containers, tests) that all reset at once occupy every CPU, the mailbox
 * work cannot run until they give up, and they retry in step. So a VF is
 * told to renegotiate only in its turn. A turn ends VIGB_TAIL_TIME after
 * the VF configures itself (the rest of its settings come in that time),
 * or after VIGB_TURN_TIME; turns go round the VFs that wait, and nothing
 * a VF sends extends a turn or takes one, so no VF holds the others back
 * longer than a turn of its own.
 */
#define VIGB_TURN_TIME		(3 * HZ)
#define VIGB_TAIL_TIME		(HZ / 5)

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

int vigb_mbx_write(struct vigb_adapter *ad, unsigned int vf,
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

int vigb_mbx_read(struct vigb_adapter *ad, unsigned int vf, u32 *msg)
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

/* The VF lost its clearance: it must reset, and is reminded to. */
void vigb_vf_renegotiate(struct vigb_adapter *ad, unsigned int vf)
{
	ad->vfs[vf].cts = false;
	ad->vfs[vf].nudge_from = jiffies;
	ad->vfs[vf].nudge_until = jiffies + VIGB_NUDGE_TIME;
}

static bool vigb_vf_turn_taken(struct vigb_adapter *ad)
{
	return ad->turn_until && time_before(jiffies, ad->turn_until);
}

/*
 * True if VF may be told now: its turn runs, or it starts one. The
 * mailbox work looks again when the turn ends, whoever started it: a
 * silent VF raises no interrupt to end it sooner.
 */
static bool vigb_vf_take_turn(struct vigb_adapter *ad, unsigned int vf)
{
	if (vigb_vf_turn_taken(ad))
		return ad->turn_vf == vf;
	ad->turn_vf = vf;
	ad->turn_until = jiffies + VIGB_TURN_TIME;
	queue_delayed_work(vigb_mbx_wq, &ad->mbx_work, VIGB_TURN_TIME);
	return true;
}

/*
 * The VF reset. If it was told to renegotiate, its driver is alive but not
 * through yet (igbvf may still give up on this handshake, if its CPUs are
 * starved): remind it for a while longer.
 */
void vigb_vf_reset_seen(struct vigb_adapter *ad, unsigned int vf)
{
	struct vigb_vf *v = &ad->vfs[vf];
	unsigned long until = jiffies + VIGB_NUDGE_TIME;

	lockdep_assert_held(&ad->vf_lock);
	if (!v->nudge_until)
		return;
	if (time_after(until, v->nudge_from + VIGB_NUDGE_MAX))
		until = v->nudge_from + VIGB_NUDGE_MAX;
	if (time_after(until, v->nudge_until))
		v->nudge_until = until;
}

/* The VF configures itself after its reset: its turn ends soon. */
void vigb_vf_turn_done(struct vigb_adapter *ad, unsigned int vf)
{
	unsigned long tail = jiffies + VIGB_TAIL_TIME;

	lockdep_assert_held(&ad->vf_lock);
	ad->vfs[vf].nudge_until = 0;
	if (ad->turn_vf == vf && vigb_vf_turn_taken(ad) &&
	    time_after(ad->turn_until, tail))
		ad->turn_until = tail;
}

/*
 * Tell a VF the link changed. With renegotiate the VF is told it lost
 * its clearance, which makes igbvf reset and fetch its settings again;
 * that message waits for the VF's turn (vigb_vf_nudge tells it then).
 */
static void vigb_vf_post(struct vigb_adapter *ad, unsigned int vf,
			 bool renegotiate)
{
	u32 msg = VIGB_PF_CONTROL_MSG;

	/* The device resets: vigb_vfs_renegotiate() tells every VF after. */
	if (test_bit(VIGB_RESETTING, &ad->state)) {
		if (renegotiate)
			ad->vfs[vf].rejoin = true;
		return;
	}
	if (renegotiate)
		vigb_vf_renegotiate(ad, vf);
	/*
	 * A VF without clearance is told to reset, whatever the news; one
	 * that waits to renegotiate, only in its turn.
	 */
	if (!ad->vfs[vf].cts && ad->vfs[vf].nudge_until &&
	    !vigb_vf_take_turn(ad, vf))
		return;
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
	if (test_bit(VIGB_RESETTING, &ad->state))
		return;
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
 * told again, in its turn, until it configures itself after its reset,
 * which a working igbvf does at once. Turns go round the VFs, so one
 * that never answers (no driver bound) holds the others back one turn at
 * a time. Only a quiet VF is told: the message would replace a reply the
 * VF is about to read. Returns when to look again, 0 when no VF waits.
 */
unsigned long vigb_vf_nudge(struct vigb_adapter *ad)
{
	unsigned long again = 0, now = jiffies;
	unsigned int i, vf;
	u32 resetting;

	lockdep_assert_held(&ad->vf_lock);
	/* A turn that ended is over, not one to come when jiffies wrap. */
	if (ad->turn_until && !vigb_vf_turn_taken(ad))
		ad->turn_until = 0;
	if (!ad->num_vfs || test_bit(VIGB_RESETTING, &ad->state))
		return 0;
	/* Resets the mailbox work has yet to see. */
	resetting = vigb_rd32(ad, VIGB_VFLRE);
	/* Round the VFs from the one after the last turn. */
	for (i = 1; i <= ad->num_vfs; i++) {
		struct vigb_vf *v;

		vf = (ad->turn_vf + i) % ad->num_vfs;
		v = &ad->vfs[vf];
		if (!v->nudge_until)
			continue;
		if (time_after(jiffies, v->nudge_until)) {
			v->nudge_until = 0;
			continue;
		}
		/* Told once a turn: a turn that runs is left alone. */
		if (vigb_vf_turn_taken(ad))
			return max_t(long, ad->turn_until - now, 1);
		again = VIGB_TAIL_TIME;
		/*
		 * Nor a VF in the middle of its reset: igbvf would take the
		 * message for the reset reply, keep its old address as its
		 * fallback, and stay on it with no traffic.
		 */
		if (time_before(jiffies, v->last_msg + HZ) ||
		    (resetting & BIT(vf)))
			continue;
		vigb_vf_take_turn(ad, vf);
		vigb_vf_post(ad, vf, false);
		vigb_vf_kick(ad);
		return VIGB_TURN_TIME;
	}
	return again;
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

