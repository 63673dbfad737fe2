/* SPDX-License-Identifier: BSD-3-Clause
 * re-INVITEs of a call that is up, both ways.
 *
 * The peer's: its offer is answered 200 with our answer (RFC 3264 8: same
 * session id, the version one up when our SDP changed), directions
 * complemented (a=sendonly -> a=recvonly, inactive -> inactive), and our RTP
 * follows the answer: a recvonly or inactive stream sends no RTP, RTCP goes
 * on (RFC 3264 5.1). A re-offer that would move the stream (address, port,
 * codec, security, SDES key) or that we cannot parse is refused with 488 and
 * the call keeps its media (RFC 3261 14.2). A re-INVITE without an offer is
 * refused with 488 too (this engine does not make offers in a 200).
 *
 * Ours (call.hold_after_ms, call.hold_for_ms): a=sendonly hold_after_ms
 * after the answer, a=sendrecv hold_for_ms later (RFC 6337 5.3). A failed
 * step is counted and leaves the media as it was (RFC 3261 14.1), except
 * 408, 481 or a timeout, after which RFC 3261 14.1 / 12.2.1.2 end the
 * dialog: we hang up. Glare (491): the step is retried after RFC 3261
 * 14.1's random delay (2.1-4 s when we own the Call-ID, i.e. placed the
 * call; 0-2 s otherwise, in 10 ms units), up to CP_GLARE_TRIES times. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cp_priv.h"

#define CP_GLARE_TRIES 3
#define CP_BUSY_RETRY_NS 200000000ull /* our dialog not confirmed yet (UAS) */

static uint64_t ms_ns(uint32_t ms)
{
	return (uint64_t)ms * 1000000;
}

/* CP_T_UP at the earlier of the hang-up and the next hold step. */
static void up_arm(struct mbl_cp *cp, struct cp_call *c)
{
	uint64_t t = c->hangup_at;

	if (c->reinv_at != 0 && (t == 0 || c->reinv_at < t))
		t = c->reinv_at;
	if (t != 0)
		cp_timer_set(cp, cp_idx(cp, c), CP_T_UP, t);
	else
		cp_timer_clear(cp, cp_idx(cp, c));
}

void cp_up_start(struct mbl_cp *cp, struct cp_call *c, uint64_t now)
{
	if (cp->conf.hold_after_ms != 0) {
		c->hold_phase = CP_H_WAIT;
		c->reinv_at = now + ms_ns(cp->conf.hold_after_ms);
	}
	up_arm(cp, c);
}

/* Our side of the call's SDP with direction dir, the version one up when
 * it differs from the last SDP we sent (RFC 3264 8). */
static int local_dir(struct mbl_cp *cp, struct cp_call *c, enum mbl_sdp_dir dir,
		     struct mbl_sdp_local *l)
{
	int rc = cp_sdp_local(cp, cp_idx(cp, c), l);

	l->dir = dir;
	if (rc == 0 && dir != c->last_dir)
		l->sess_ver = c->sess_ver + 1;
	return rc;
}

static void sdp_sent(struct cp_call *c, const struct mbl_sdp_local *l)
{
	c->sess_ver = l->sess_ver;
	c->last_dir = (uint8_t)l->dir;
}

/* Retry of the current step after RFC 3261 14.1's glare delay. */
static void glare_later(struct mbl_cp *cp, struct cp_call *c, uint64_t now)
{
	uint32_t r = mbl_xorshift32(&cp->rng);
	uint64_t ms = cp->conf.uac ? 2100 + r % 191 * 10 : r % 201 * 10;

	cp->st.reinv_glare++;
	c->reinv_tries++;
	c->hold_phase = c->hold_phase == CP_H_OFFER_HOLD ? CP_H_WAIT : CP_H_HELD;
	c->reinv_at = now + ms_ns((uint32_t)ms);
}

static void step_failed(struct mbl_cp *cp, struct cp_call *c)
{
	cp->st.reinv_failed++;
	/* a failed hold leaves the call sending: nothing to resume. A failed
	 * resume leaves it held (RFC 3261 14.1: the old session stays). */
	c->hold_phase = CP_H_NONE;
	c->reinv_tries = 0;
}

static void send_offer(struct mbl_cp *cp, struct cp_call *c, uint64_t now)
{
	bool hold = c->hold_phase == CP_H_WAIT;
	enum mbl_sdp_dir dir = hold ? MBL_SDP_DIR_SENDONLY : MBL_SDP_DIR_SENDRECV;
	struct mbl_sdp_local l;
	char sdp[4096];
	int rc;

	if (c->state != CP_UP || c->sc == NULL)
		return;
	if (local_dir(cp, c, dir, &l) < 0 || mbl_sdp_offer(&l, sdp, sizeof(sdp)) < 0) {
		explicit_bzero(sdp, sizeof(sdp));
		step_failed(cp, c);
		return;
	}
	rc = mbl_sip_call_reinvite(c->sc, sdp, now);
	explicit_bzero(sdp, sizeof(sdp));
	if (rc == -EBUSY || rc == -EPERM) {
		/* the peer's re-INVITE is pending, or (UAS) its ACK is still
		 * on the way: try again shortly, as glare */
		if (c->reinv_tries++ < CP_GLARE_TRIES * 4) {
			c->reinv_at = now + CP_BUSY_RETRY_NS;
			return;
		}
	}
	if (rc < 0) {
		step_failed(cp, c);
		return;
	}
	sdp_sent(c, &l);
	if (c->reinv_tries == 0)
		cp->st.reinv_sent++;
	c->offer_dir = (uint8_t)dir;
	c->hold_phase = hold ? CP_H_OFFER_HOLD : CP_H_OFFER_RESUME;
}

void cp_up_timer(struct mbl_cp *cp, uint32_t idx, uint64_t now)
{
	struct cp_call *c = &cp->calls[idx];

	if (c->hangup_at != 0 && c->hangup_at <= now) {
		c->hangup_at = c->reinv_at = 0;
		cp_hangup(cp, idx, now);
		return;
	}
	if (c->reinv_at != 0 && c->reinv_at <= now) {
		c->reinv_at = 0;
		if (c->hold_phase == CP_H_WAIT || c->hold_phase == CP_H_HELD)
			send_offer(cp, c, now);
	}
	up_arm(cp, c);
}

void cp_reinvite_answered(struct mbl_cp *cp, struct cp_call *c, const struct mbl_sip_ev *ev,
			  uint64_t now)
{
	struct mbl_sdp_local l;
	struct mbl_sdp_remote r;
	struct mbl_sdp_result res;
	char why[200];
	bool hold = c->hold_phase == CP_H_OFFER_HOLD;

	if (c->hold_phase != CP_H_OFFER_HOLD && c->hold_phase != CP_H_OFFER_RESUME)
		return;
	if (ev->body == NULL || mbl_sdp_parse(ev->body, ev->body_len, &r, why, sizeof(why)) < 0 ||
	    local_dir(cp, c, (enum mbl_sdp_dir)c->offer_dir, &l) < 0 ||
	    mbl_sdp_accept_answer(&l, &r, &res, why, sizeof(why)) < 0 || !cp_media_same(c, &res)) {
		MBL_LOG_RL(MBL_LOG_WARN, "call %s: answer to our re-INVITE not usable",
			   mbl_sip_call_id(c->sc));
		step_failed(cp, c);
		explicit_bzero(&r, sizeof(r));
		explicit_bzero(&res, sizeof(res));
		return;
	}
	cp->st.reinv_ok++;
	cp->st.held_by_us += hold;
	cp_media_dir(cp, cp_idx(cp, c), res.dir);
	c->reinv_tries = 0;
	if (hold) {
		c->hold_phase = CP_H_HELD;
		c->reinv_at = now + ms_ns(cp->conf.hold_for_ms);
		up_arm(cp, c);
	} else {
		c->hold_phase = CP_H_NONE;
	}
	explicit_bzero(&r, sizeof(r));
	explicit_bzero(&res, sizeof(res));
}

void cp_reinvite_failed(struct mbl_cp *cp, struct cp_call *c, const struct mbl_sip_ev *ev,
			uint64_t now)
{
	if (c->hold_phase != CP_H_OFFER_HOLD && c->hold_phase != CP_H_OFFER_RESUME)
		return;
	if (ev->status == 491 && c->reinv_tries < CP_GLARE_TRIES) {
		glare_later(cp, c, now);
		up_arm(cp, c);
		return;
	}
	step_failed(cp, c);
	if (ev->status == 408 || ev->status == 481 || ev->status == 0) {
		cp->st.reinv_ended_call++;
		cp_hangup(cp, cp_idx(cp, c), now);
	}
}

/* ---- the peer's re-INVITE ------------------------------------------------------- */

static void refuse(struct mbl_cp *cp, struct cp_call *c, const char *why, uint64_t now)
{
	MBL_LOG_RL(MBL_LOG_WARN, "call %s: re-INVITE refused (488): %s", mbl_sip_call_id(c->sc),
		   why);
	cp->st.reinv_refused++;
	mbl_sip_call_respond(c->sc, 488, NULL, NULL, now);
}

void cp_reinvite_in(struct mbl_cp *cp, struct cp_call *c, const struct mbl_sip_ev *ev,
		    uint64_t now)
{
	struct mbl_sdp_local l;
	struct mbl_sdp_remote r;
	struct mbl_sdp_result res;
	char why[200], sdp[4096];
	enum mbl_sdp_dir want = c->hold_phase == CP_H_HELD ? MBL_SDP_DIR_SENDONLY
							   : MBL_SDP_DIR_SENDRECV;

	cp->st.reinv_received++;
	if (c->state != CP_UP) {
		refuse(cp, c, "call not up", now);
		return;
	}
	if (ev->body == NULL) {
		refuse(cp, c, "no offer (offers in a 200 are not made here)", now);
		return;
	}
	/* our answer's direction intersects what we want (sendonly while we
	 * hold) with the complement of the offer's */
	if (mbl_sdp_parse(ev->body, ev->body_len, &r, why, sizeof(why)) < 0 ||
	    local_dir(cp, c, want, &l) < 0 ||
	    mbl_sdp_answer(&l, &r, &res, sdp, sizeof(sdp), why, sizeof(why)) < 0) {
		refuse(cp, c, why, now);
	} else if (!cp_media_same(c, &res)) {
		refuse(cp, c, "the re-offer moves the stream (address, codec or keys)", now);
	} else {
		/* the version goes up only if the answer differs from our last SDP */
		uint64_t used = l.sess_ver;

		l.dir = res.dir;
		l.sess_ver = res.dir != c->last_dir ? c->sess_ver + 1 : c->sess_ver;
		if (l.sess_ver != used) {
			explicit_bzero(sdp, sizeof(sdp));
			mbl_sdp_answer(&l, &r, &res, sdp, sizeof(sdp), why, sizeof(why));
		}
		if (mbl_sip_call_respond(c->sc, 200, sdp, NULL, now) == 0) {
			sdp_sent(c, &l);
			cp->st.reinv_accepted++;
			cp->st.held_by_peer += r.dir == MBL_SDP_DIR_SENDONLY ||
					       r.dir == MBL_SDP_DIR_INACTIVE;
			cp_media_dir(cp, cp_idx(cp, c), res.dir);
		}
	}
	explicit_bzero(sdp, sizeof(sdp));
	explicit_bzero(&r, sizeof(r));
	explicit_bzero(&res, sizeof(res));
}
