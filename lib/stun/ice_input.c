/* SPDX-License-Identifier: BSD-3-Clause
 * What the ICE agent receives: binding requests (checks of the peer) and
 * responses to ours.
 *
 * A request is answered after, in this order: FINGERPRINT (a wrong one is
 * dropped: it may not be STUN at all, RFC 7983), USERNAME and
 * MESSAGE-INTEGRITY present (else 400), USERNAME ours and the HMAC with
 * our password right (else 401 without MESSAGE-INTEGRITY, RFC 8489
 * 9.1.3), no unknown comprehension-required attribute (else 420, RFC 8489
 * 6.3.1), PRIORITY present (else 400, RFC 8445 7.1.1), no role conflict
 * (else 487, RFC 8445 7.3.1.1). Then the success response (7.3.1.2), the
 * peer-reflexive candidate (7.3.1.3), the triggered check (7.3.1.4) and
 * the nomination (7.3.1.5).
 *
 * A response must match a transaction of ours and authenticate with the
 * peer's password (else dropped, RFC 8489 9.1.4: over UDP an
 * unauthenticated response is as if never received), and come from the
 * address the request went to (else the pair fails, RFC 8445 7.2.5.2.1).
 */
#include <errno.h>
#include <string.h>

#include "ice_priv.h"

struct ice_rx {                    /* one request in hand */
	const struct mbl_stun_msg *m;
	const struct mbl_stun_addr *src;
	unsigned li;                   /* our candidate it arrived at */
	uint64_t now_ns;
};

static const uint8_t *pwd_key(const char *pwd)
{
	return (const uint8_t *)pwd;
}

static void reply_error(struct mbl_ice_agent *a, const struct ice_rx *rx, uint16_t code,
			bool with_mi)
{
	struct mbl_stun_resp r = {
		.tid = rx->m->tid, .code = code, .unknown = rx->m->unknown,
		.n_unknown = rx->m->n_unknown, .key = with_mi ? pwd_key(a->pwd) : NULL,
		.key_len = strlen(a->pwd),
	};
	uint8_t buf[ICE_MSG_MAX];

	mbl_ice_emit(a, rx->li, rx->src, buf, mbl_stun_build_error(buf, sizeof(buf), &r));
	a->c.errors_sent++;
}

/* RFC 8445 7.3.1.2: XOR-MAPPED-ADDRESS is the source of the request. */
static void reply_success(struct mbl_ice_agent *a, const struct ice_rx *rx)
{
	struct mbl_stun_resp r = { .tid = rx->m->tid, .mapped = *rx->src,
				   .key = pwd_key(a->pwd), .key_len = strlen(a->pwd) };
	uint8_t buf[ICE_MSG_MAX];

	mbl_ice_emit(a, rx->li, rx->src, buf, mbl_stun_build_success(buf, sizeof(buf), &r));
	a->c.checks_answered++;
}

/* RFC 8445 7.3: USERNAME is "our ufrag:their ufrag". */
static bool username_ours(const struct mbl_ice_agent *a, const struct mbl_stun_msg *m)
{
	size_t n = strlen(a->ufrag);

	return m->username.len > n && memcmp(m->username.p, a->ufrag, n) == 0 &&
	       m->username.p[n] == ':';
}

/* Authentication and the checks before any role logic. 0 or -errno, the
 * error response (if any) sent. */
static int request_valid(struct mbl_ice_agent *a, const struct ice_rx *rx)
{
	const struct mbl_stun_msg *m = rx->m;

	if (!mbl_stun_has(m, MBL_STUN_A_USERNAME) || !mbl_stun_has(m, MBL_STUN_A_MESSAGE_INTEGRITY)) {
		a->c.bad_integrity += !mbl_stun_has(m, MBL_STUN_A_MESSAGE_INTEGRITY);
		reply_error(a, rx, 400, false);
		return -EACCES;
	}
	if (!username_ours(a, m)) {
		a->c.bad_username++;
		reply_error(a, rx, 401, false);
		return -EACCES;
	}
	if (mbl_stun_check_integrity(m, pwd_key(a->pwd), strlen(a->pwd), NULL)) {
		a->c.bad_integrity++;
		reply_error(a, rx, 401, false);
		return -EACCES;
	}
	if (m->n_unknown || !mbl_stun_has(m, MBL_STUN_A_PRIORITY)) {
		reply_error(a, rx, m->n_unknown ? 420 : 400, true);
		return -EPROTO;
	}
	return 0;
}

/* RFC 8445 7.3.1.1. Returns true when a 487 answered the request. A lite
 * agent cannot take the controlling role: it always answers 487 to a peer
 * that thinks itself controlled. */
static bool role_conflict(struct mbl_ice_agent *a, const struct ice_rx *rx)
{
	const struct mbl_stun_msg *m = rx->m;
	bool lose;

	/* lose: the peer keeps the role both claim */
	if (a->controlling && mbl_stun_has(m, MBL_STUN_A_ICE_CONTROLLING))
		lose = a->tiebreaker < m->ice_controlling;
	else if (!a->controlling && mbl_stun_has(m, MBL_STUN_A_ICE_CONTROLLED))
		lose = a->conf.lite || a->tiebreaker < m->ice_controlled;
	else
		return false;
	a->c.role_conflicts++;
	/* the larger tie-breaker controls: the loser switches if it is us,
	 * or is told to by a 487 */
	if (a->controlling == lose) {   /* controlling and lost, or controlled and won */
		mbl_ice_set_role(a, !a->controlling);
		return false;
	}
	reply_error(a, rx, 487, true);
	return true;
}

/* RFC 8445 7.3.1.4: a check of the peer makes us check that pair too. */
static void triggered_check(struct mbl_ice_agent *a, unsigned pi)
{
	struct mbl_ice_pair *p = &a->pairs[pi];

	if (a->state != MBL_ICE_NEW && a->state != MBL_ICE_CHECKING)
		return;                 /* 8.1.2: done checking */
	switch (p->state) {
	case MBL_ICE_PAIR_SUCCEEDED:
		return;
	case MBL_ICE_PAIR_IN_PROGRESS: /* its retransmissions stop; a new check goes */
		mbl_ice_txn_cancel(a, (int)pi);
		/* fall through */
	default:
		p->state = MBL_ICE_PAIR_WAITING;
		mbl_ice_trigger(a, pi);
	}
}

/* RFC 8445 7.3.1.5 (controlled full agent) and 2.5 (lite: a pair a valid
 * request arrived on is valid; USE-CANDIDATE selects it). */
static void request_pair(struct mbl_ice_agent *a, const struct ice_rx *rx)
{
	int ri = mbl_ice_remote_find(a, rx->src), pi;
	bool nominate = mbl_stun_has(rx->m, MBL_STUN_A_USE_CANDIDATE) && !a->controlling;
	struct mbl_ice_pair *p;

	if (ri < 0)
		ri = mbl_ice_remote_learn(a, rx->src, rx->m->priority);
	if (ri < 0 || (pi = mbl_ice_pair_get(a, rx->li, (unsigned)ri)) < 0)
		return;                 /* no room: answered, not remembered */
	p = &a->pairs[pi];
	if (a->conf.lite) {
		p->state = MBL_ICE_PAIR_SUCCEEDED;
		p->ok_sent_ns = rx->now_ns;
	} else {
		triggered_check(a, (unsigned)pi);
	}
	if (!nominate)
		return;
	if (p->state == MBL_ICE_PAIR_SUCCEEDED) {
		p->nominated = true;
		mbl_ice_select(a, (unsigned)pi, rx->now_ns);
	} else {
		p->nominate_on_success = true;
	}
}

static int on_request(struct mbl_ice_agent *a, const struct ice_rx *rx)
{
	int rc;

	a->c.checks_received++;
	rc = request_valid(a, rx);
	if (rc)
		return rc;
	if (role_conflict(a, rx))
		return 0;
	reply_success(a, rx);
	request_pair(a, rx);
	return 0;
}

/* ---- responses ---------------------------------------------------------------------------- */

/* RFC 8445 7.2.5.1: 487 -> take the other role than the request claimed
 * (unless already switched) and check the pair again. Other errors fail
 * the pair (7.2.5.2). Errors to consent checks are no consent. */
static void on_error(struct mbl_ice_agent *a, const struct mbl_ice_txn *t,
		     const struct mbl_stun_msg *m)
{
	struct mbl_ice_pair *p = &a->pairs[t->pair];

	if (t->kind == ICE_TXN_CONSENT)
		return;
	if (m->error_code != 487) {
		mbl_ice_pair_failed(a, t->pair);
		return;
	}
	a->c.role_conflicts++;
	if (t->controlling == a->controlling)
		mbl_ice_set_role(a, !t->controlling);
	if (a->state == MBL_ICE_CHECKING || a->state == MBL_ICE_NEW) {
		p->state = MBL_ICE_PAIR_WAITING;
		mbl_ice_trigger(a, t->pair);
	}
}

/* RFC 8445 7.2.5.3: the pair is valid (the mapped address is not used: we
 * send from the host candidate, our base), its foundation unfrozen; a
 * nomination that succeeded selects it (8.1.1). */
static void on_success(struct mbl_ice_agent *a, const struct mbl_ice_txn *t, uint64_t now_ns)
{
	struct mbl_ice_pair *p = &a->pairs[t->pair];

	if (t->kind != ICE_TXN_CONSENT) {
		p->state = MBL_ICE_PAIR_SUCCEEDED;
		if (p->ok_sent_ns < t->sent_ns)
			p->ok_sent_ns = t->sent_ns;
		if (a->first_valid_ns == 0)
			a->first_valid_ns = now_ns;
		mbl_ice_unfreeze(a, t->pair);
		if (t->kind == ICE_TXN_NOMINATE || (p->nominate_on_success && !a->controlling)) {
			p->nominated = true;
			mbl_ice_select(a, t->pair, now_ns);
		}
	}
	mbl_ice_consent_ok(a, t->pair, t->sent_ns);
}

static int on_response(struct mbl_ice_agent *a, const struct mbl_stun_msg *m,
		       const struct mbl_stun_addr *src, uint64_t now_ns)
{
	struct mbl_ice_txn *slot = mbl_ice_txn_find(a, m->tid), t;

	if (slot == NULL) {
		a->c.responses_unmatched++;
		return -ENOENT;
	}
	if (mbl_stun_check_integrity(m, pwd_key(a->rpwd), strlen(a->rpwd), NULL)) {
		a->c.bad_integrity++;
		return -EACCES;         /* the transaction goes on */
	}
	a->c.responses_received++;
	t = *slot;
	slot->active = false;
	if (!mbl_stun_addr_eq(src, &a->remote[a->pairs[t.pair].remote].addr)) {
		if (t.kind != ICE_TXN_CONSENT) /* 7.2.5.2.1: not symmetric */
			mbl_ice_pair_failed(a, t.pair);
		return 0;
	}
	if (mbl_stun_class(m->type) == MBL_STUN_CLASS_ERROR)
		on_error(a, &t, m);
	else
		on_success(a, &t, now_ns);
	return 0;
}

/* Parse and FINGERPRINT: 0 or the drop reason, counted. */
static int screen(struct mbl_ice_agent *a, struct mbl_stun_msg *m, const uint8_t *buf, size_t len)
{
	if (mbl_stun_parse(m, buf, len, NULL)) {
		a->c.malformed++;
		return -EBADMSG;
	}
	if (mbl_stun_check_fingerprint(m, NULL) == -EBADMSG) {
		a->c.bad_fingerprint++;
		return -EBADMSG;
	}
	if (mbl_stun_method(m->type) != MBL_STUN_METHOD_BINDING ||
	    mbl_stun_class(m->type) == MBL_STUN_CLASS_INDICATION) {
		a->c.ignored++;         /* keepalives (RFC 8445 11) among them */
		return -EPROTO;
	}
	return 0;
}

int mbl_ice_input(struct mbl_ice_agent *a, uint64_t now_ns, const struct mbl_stun_addr *src,
		  const uint8_t *buf, size_t len)
{
	struct mbl_stun_msg m;
	struct ice_rx rx = { .m = &m, .src = src, .now_ns = now_ns };
	int li = mbl_ice_local_for(a, src->family), rc;

	if (a->state == MBL_ICE_FAILED || li < 0) {
		a->c.ignored++;
		return -EPERM;
	}
	rc = screen(a, &m, buf, len);
	if (rc)
		return rc;
	rx.li = (unsigned)li;
	if (mbl_stun_class(m.type) == MBL_STUN_CLASS_REQUEST)
		return on_request(a, &rx);
	return on_response(a, &m, src, now_ns);
}
