/* SPDX-License-Identifier: BSD-3-Clause
 * What the ICE agent sends on its own: connectivity checks, one per Ta
 * (RFC 8445 6.1.4.2, 14.2), triggered ones first (7.3.1.4); their
 * retransmissions (RFC 8489 6.2.1 with the RTO of RFC 8445 14.3);
 * regular nomination (8.1.1); consent checks on the selected pair every
 * 4-6 s and consent expiry after 30 s unanswered (RFC 7675 5.1); and the
 * poll loop that runs all of it on the caller's clock.
 */
#include <errno.h>
#include <string.h>

#include "ice_priv.h"

#define MS(x) ((uint64_t)(x) * ICE_NS_PER_MS)

/* ---- transactions ------------------------------------------------------------------ */

struct mbl_ice_txn *mbl_ice_txn_find(struct mbl_ice_agent *a, const uint8_t *tid)
{
	for (unsigned i = 0; i < MBL_ICE_MAX_TXN; i++)
		if (a->txn[i].active && memcmp(a->txn[i].tid, tid, MBL_STUN_TID_LEN) == 0)
			return &a->txn[i];
	return NULL;
}

/* A free slot; else the cancelled or consent transaction due first (it
 * only waits for a late answer). NULL when every slot holds a live check. */
static struct mbl_ice_txn *txn_alloc(struct mbl_ice_agent *a)
{
	struct mbl_ice_txn *best = NULL;

	for (unsigned i = 0; i < MBL_ICE_MAX_TXN; i++) {
		struct mbl_ice_txn *t = &a->txn[i];

		if (!t->active)
			return t;
		if ((t->cancelled || t->kind == ICE_TXN_CONSENT) && (!best || t->due_ns < best->due_ns))
			best = t;
	}
	return best;
}

void mbl_ice_txn_cancel(struct mbl_ice_agent *a, int pi)
{
	for (unsigned i = 0; i < MBL_ICE_MAX_TXN; i++) {
		struct mbl_ice_txn *t = &a->txn[i];

		if (t->active && !t->cancelled && t->kind != ICE_TXN_CONSENT &&
		    (pi < 0 || t->pair == pi)) {
			t->cancelled = true;
			t->due_ns = t->sent_ns + MS(a->conf.rm) * t->rto0_ms;
		}
	}
}

/* RFC 8445 7.2.2 / 7.1.1: PRIORITY is what a peer-reflexive candidate
 * learned from this check would get. */
static int txn_build(const struct mbl_ice_agent *a, const struct mbl_ice_txn *t, uint8_t *buf)
{
	const struct mbl_ice_pair *p = &a->pairs[t->pair];
	struct mbl_stun_req r = {
		.tid = t->tid, .rufrag = a->rufrag, .lufrag = a->ufrag,
		.priority = ICE_TYPE_PREF_PRFLX << 24 | (a->local[p->local].priority & 0xFFFFFFu),
		.controlling = t->controlling, .use_candidate = t->kind == ICE_TXN_NOMINATE,
		.tiebreaker = a->tiebreaker, .key = (const uint8_t *)a->rpwd,
		.key_len = strlen(a->rpwd),
	};

	return mbl_stun_build_request(buf, ICE_MSG_MAX, &r);
}

/* Send t (again). RFC 8489 6.2.1: the RTO doubles after each transmission;
 * after the last (Rc) one the transaction waits Rm times the first RTO. */
static void txn_transmit(struct mbl_ice_agent *a, struct mbl_ice_txn *t, uint64_t now_ns)
{
	const struct mbl_ice_pair *p = &a->pairs[t->pair];
	uint8_t buf[ICE_MSG_MAX];

	mbl_ice_emit(a, p->local, &a->remote[p->remote].addr, buf, txn_build(a, t, buf));
	t->transmits++;
	t->sent_ns = now_ns;
	if (t->transmits >= a->conf.max_transmits) {
		t->due_ns = now_ns + MS(a->conf.rm) * t->rto0_ms;
	} else {
		t->due_ns = now_ns + MS(t->rto_ms);
		t->rto_ms *= 2;
	}
}

/* RFC 8445 14.3: RTO = MAX(500 ms, Ta * (Waiting + In-Progress pairs)). */
static uint32_t check_rto(const struct mbl_ice_agent *a)
{
	uint32_t n = 0, rto;

	for (unsigned i = 0; i < a->n_pairs; i++)
		n += a->pairs[i].state == MBL_ICE_PAIR_WAITING ||
		     a->pairs[i].state == MBL_ICE_PAIR_IN_PROGRESS;
	rto = a->conf.ta_ms * n;
	return rto > a->conf.rto_ms ? rto : a->conf.rto_ms;
}

static int send_check(struct mbl_ice_agent *a, unsigned pi, enum ice_txn_kind kind,
		      uint64_t now_ns)
{
	struct mbl_ice_txn *t = txn_alloc(a);

	if (t == NULL)
		return -ENOSPC;
	*t = (struct mbl_ice_txn){ .pair = (uint8_t)pi, .kind = (uint8_t)kind, .active = true,
				   .controlling = a->controlling };
	a->conf.random(a->conf.user, t->tid, MBL_STUN_TID_LEN);
	t->rto0_ms = t->rto_ms = kind == ICE_TXN_CONSENT ? a->conf.rto_ms : check_rto(a);
	if (kind == ICE_TXN_CHECK) /* a nominated pair stays valid meanwhile */
		a->pairs[pi].state = MBL_ICE_PAIR_IN_PROGRESS;
	if (kind != ICE_TXN_CONSENT)
		a->c.checks_sent++;
	else
		a->c.consent_sent++;
	txn_transmit(a, t, now_ns);
	return 0;
}

void mbl_ice_pair_failed(struct mbl_ice_agent *a, unsigned pi)
{
	a->pairs[pi].state = MBL_ICE_PAIR_FAILED;
	a->pairs[pi].use_candidate = false;
	a->c.pairs_failed++;
	if (a->nominating == (int)pi)
		a->nominating = -1; /* another valid pair may be nominated */
}

/* A check that timed out (RFC 8489 6.2.1) fails its pair (RFC 8445
 * 7.2.5.2), as does a nomination; a cancelled or consent check nothing. */
static void txn_expire(struct mbl_ice_agent *a, struct mbl_ice_txn *t)
{
	t->active = false;
	if (t->cancelled || t->kind == ICE_TXN_CONSENT)
		return;
	if (t->kind == ICE_TXN_NOMINATE || a->pairs[t->pair].state == MBL_ICE_PAIR_IN_PROGRESS)
		mbl_ice_pair_failed(a, t->pair);
}

static void run_txns(struct mbl_ice_agent *a, uint64_t now_ns)
{
	for (unsigned i = 0; i < MBL_ICE_MAX_TXN; i++) {
		struct mbl_ice_txn *t = &a->txn[i];

		if (!t->active || now_ns < t->due_ns)
			continue;
		if (t->cancelled || t->transmits >= a->conf.max_transmits) {
			txn_expire(a, t);
		} else {
			a->c.retransmits++;
			txn_transmit(a, t, now_ns);
		}
	}
}

/* ---- paced checks ---------------------------------------------------------------------- */

static bool checking(const struct mbl_ice_agent *a)
{
	return !a->conf.lite && a->started && a->have_remote && a->state == MBL_ICE_CHECKING;
}

static int best_in_state(const struct mbl_ice_agent *a, enum mbl_ice_pair_state s)
{
	int best = -1;

	for (unsigned i = 0; i < a->n_pairs; i++)
		if (a->pairs[i].state == s &&
		    (best < 0 || a->pairs[i].priority > a->pairs[best].priority))
			best = (int)i;
	return best;
}

static int trig_pop(struct mbl_ice_agent *a)
{
	unsigned pi;

	if (a->trig_n == 0)
		return -1;
	pi = a->trig[a->trig_head];
	a->trig_head = (a->trig_head + 1) % MBL_ICE_MAX_PAIRS;
	a->trig_n--;
	a->pairs[pi].triggered = false;
	return (int)pi;
}

/* RFC 8445 6.1.4.2: the triggered queue first, then the best Waiting pair,
 * then (none Waiting) the best Frozen one. */
static int next_pair(struct mbl_ice_agent *a, bool *nominate)
{
	int pi;

	while ((pi = trig_pop(a)) >= 0) {
		struct mbl_ice_pair *p = &a->pairs[pi];

		*nominate = p->use_candidate && a->controlling;
		if (*nominate || p->state != MBL_ICE_PAIR_SUCCEEDED)
			return pi;
	}
	*nominate = false;
	pi = best_in_state(a, MBL_ICE_PAIR_WAITING);
	return pi >= 0 ? pi : best_in_state(a, MBL_ICE_PAIR_FROZEN);
}

static void pace(struct mbl_ice_agent *a, uint64_t now_ns)
{
	bool nominate;
	int pi;

	if (!checking(a) || now_ns < a->next_check_ns)
		return;
	pi = next_pair(a, &nominate);
	if (pi < 0)
		return;
	a->pairs[pi].use_candidate = false;
	if (send_check(a, (unsigned)pi, nominate ? ICE_TXN_NOMINATE : ICE_TXN_CHECK, now_ns)) {
		/* every slot busy: try again in Ta */
		a->pairs[pi].use_candidate = nominate;
		mbl_ice_trigger(a, (unsigned)pi);
	}
	a->next_check_ns = now_ns + MS(a->conf.ta_ms);
}

static bool pending_work(const struct mbl_ice_agent *a)
{
	if (a->trig_n)
		return true;
	return best_in_state(a, MBL_ICE_PAIR_WAITING) >= 0 ||
	       best_in_state(a, MBL_ICE_PAIR_FROZEN) >= 0;
}

/* ---- nomination (controlling, RFC 8445 8.1.1) --------------------------------------------- */

static bool better_pending(const struct mbl_ice_agent *a, uint64_t prio)
{
	for (unsigned i = 0; i < a->n_pairs; i++)
		if (a->pairs[i].priority > prio && a->pairs[i].state <= MBL_ICE_PAIR_IN_PROGRESS)
			return true;
	return false;
}

/* Nominate the best valid pair once no better pair can still succeed, or
 * nominate_wait_ms after the first valid pair, whichever comes first. */
static void maybe_nominate(struct mbl_ice_agent *a, uint64_t now_ns)
{
	int pi;

	if (!checking(a) || !a->controlling || a->nominating >= 0 || a->first_valid_ns == 0)
		return;
	pi = best_in_state(a, MBL_ICE_PAIR_SUCCEEDED);
	if (pi < 0)
		return;
	if (better_pending(a, a->pairs[pi].priority) &&
	    now_ns < a->first_valid_ns + MS(a->conf.nominate_wait_ms))
		return;
	a->nominating = pi;
	a->pairs[pi].use_candidate = true;
	mbl_ice_trigger(a, (unsigned)pi);
}

/* ---- consent (RFC 7675 5.1) ------------------------------------------------------------- */

void mbl_ice_consent_ok(struct mbl_ice_agent *a, unsigned pi, uint64_t sent_ns)
{
	uint64_t until = sent_ns + MS(a->conf.consent_timeout_ms);

	if (a->selected == (int)pi && until > a->consent_until_ns)
		a->consent_until_ns = until;
}

/* A new consent check makes the older ones stop retransmitting; a late
 * answer to any of them still counts. */
static void consent_check(struct mbl_ice_agent *a, uint64_t now_ns)
{
	for (unsigned i = 0; i < MBL_ICE_MAX_TXN; i++) {
		struct mbl_ice_txn *t = &a->txn[i];

		if (t->active && t->kind == ICE_TXN_CONSENT && !t->cancelled) {
			t->cancelled = true;
			t->due_ns = t->sent_ns + MS(a->conf.rm) * t->rto0_ms;
		}
	}
	(void)send_check(a, (unsigned)a->selected, ICE_TXN_CONSENT, now_ns);
	a->next_consent_ns = now_ns + mbl_ice_rand_ms(a, a->conf.consent_min_ms,
						      a->conf.consent_max_ms);
}

static void consent(struct mbl_ice_agent *a, uint64_t now_ns)
{
	if (a->conf.lite || a->state != MBL_ICE_CONNECTED)
		return;
	if (now_ns >= a->consent_until_ns) {
		a->c.consent_lost++;
		mbl_ice_fail(a, MBL_ICE_FAIL_CONSENT_LOST);
		return;
	}
	if (now_ns >= a->next_consent_ns)
		consent_check(a, now_ns);
}

/* ---- failure ---------------------------------------------------------------------------------- */

static bool live_checks(const struct mbl_ice_agent *a)
{
	for (unsigned i = 0; i < MBL_ICE_MAX_TXN; i++)
		if (a->txn[i].active && a->txn[i].kind != ICE_TXN_CONSENT)
			return true;
	return false;
}

static void check_failure(struct mbl_ice_agent *a, uint64_t now_ns)
{
	uint64_t limit = MS(a->conf.select_timeout_ms);

	if (a->state != MBL_ICE_CHECKING)
		return;
	if (limit && now_ns >= a->start_ns + limit) {
		mbl_ice_fail(a, MBL_ICE_FAIL_TIMEOUT);
		return;
	}
	/* RFC 8445 8.1.2: every pair failed and nothing is left to try */
	if (!checking(a) || a->n_pairs == 0 || pending_work(a) || live_checks(a))
		return;
	for (unsigned i = 0; i < a->n_pairs; i++)
		if (a->pairs[i].state != MBL_ICE_PAIR_FAILED)
			return;
	mbl_ice_fail(a, MBL_ICE_FAIL_CHECKS_FAILED);
}

/* ---- the loop ------------------------------------------------------------------------------------ */

static uint64_t min64(uint64_t x, uint64_t y)
{
	return x < y ? x : y;
}

static uint64_t next_deadline(const struct mbl_ice_agent *a)
{
	uint64_t next = UINT64_MAX;

	if (a->state == MBL_ICE_FAILED)
		return next;
	for (unsigned i = 0; i < MBL_ICE_MAX_TXN; i++)
		if (a->txn[i].active)
			next = min64(next, a->txn[i].due_ns);
	if (checking(a) && pending_work(a))
		next = min64(next, a->next_check_ns);
	if (checking(a) && a->controlling && a->nominating < 0 && a->first_valid_ns &&
	    best_in_state(a, MBL_ICE_PAIR_SUCCEEDED) >= 0)
		next = min64(next, a->first_valid_ns + MS(a->conf.nominate_wait_ms));
	if (a->state == MBL_ICE_CONNECTED && !a->conf.lite)
		next = min64(next, min64(a->next_consent_ns, a->consent_until_ns));
	if (a->state == MBL_ICE_CHECKING && a->conf.select_timeout_ms)
		next = min64(next, a->start_ns + MS(a->conf.select_timeout_ms));
	return next;
}

uint64_t mbl_ice_poll(struct mbl_ice_agent *a, uint64_t now_ns)
{
	if (a->state == MBL_ICE_FAILED)
		return UINT64_MAX;
	run_txns(a, now_ns);
	consent(a, now_ns);
	maybe_nominate(a, now_ns);
	pace(a, now_ns);
	check_failure(a, now_ns);
	return next_deadline(a);
}
