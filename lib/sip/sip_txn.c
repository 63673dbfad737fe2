/* SPDX-License-Identifier: BSD-3-Clause
 * Transactions on osip2's four state machines, without osip's O(n) lists.
 *
 * osip 5.3 keeps every transaction in a linked list per kind; matching
 * (osip_find_transaction) and timers (osip_timers_*_execute) walk those
 * lists, so both cost O(live transactions) per message and per tick. Here a
 * transaction is created with osip_transaction_init() and at once taken out
 * of the list again with osip_remove_transaction() (the list holds only that
 * one entry then, so the removal is O(1)). Messages are matched by our own
 * hash (ua_match.c), osip's callbacks (ua_osip.c) note what happened and
 * send our bytes, events are handed to osip_transaction_execute()
 * directly, and timers run on our wheel: after every event the transaction's
 * context (osip_ict_t timer_a_start etc., public in osip.h) tells which of
 * its timers osip armed or re-armed; we schedule that timer with the
 * RFC 3261 interval from our own T1/T2/T4 and, when due, deliver the
 * TIMEOUT_x event ourselves. osip's timer helpers
 * (__osip_*_need_timer_*_event) compare against gettimeofday(), which the
 * tests' simulated clock could not drive, so they are not used.
 *
 * Reliability: osip 5.3 has no per-transaction "reliable" flag; it derives
 * it from the top Via's transport (TCP/TLS/SCTP), which our Via carries,
 * and stops retransmitting once our send callback returns 0.
 *
 * Linger records: an osip_transaction_t is 15 KB (its SRV/NAPTR buffers).
 * At 9,000 calls/s a NIST for BYE lingers 64*T1 = 32 s, i.e. ~290,000 of
 * them, or 4.4 GB. Once a transaction reaches a state whose only duty is to
 * absorb retransmissions (ICT Completed, NICT Completed, IST Confirmed, NIST
 * Completed), we free the osip object and keep our record with the bytes to
 * repeat, until the same timer (D, K, I, J) ends it; conf.osip_linger keeps
 * the osip objects instead. The same record type gives the IST the RFC 6026
 * "Accepted" state after a 2xx, which osip 5.3 lacks (its IST terminates).
 */
#include <arpa/inet.h>
#include <errno.h>

#include "ua_priv.h"

#define UA_SNAP_NONE (-1)   /* timer not running: the next start is a first arm */
#define UA_SNAP_FIRED (-2)  /* it fired: the next start is a re-arm */

/* ---- pool -------------------------------------------------------------------- */
/* Freed entries first, then never used ones: the pool's pages are touched
 * only as the load grows into them. */
static struct ua_txn *txn_alloc(struct mbl_sip_ua *ua)
{
	struct ua_txn *t = ua->txn_free;
	unsigned i;

	if (t)
		ua->txn_free = t->hnext;
	else if (ua->txn_unused < ua->txn_cap)
		t = &ua->txn_pool[ua->txn_unused++];
	else
		return NULL;
	memset(t, 0, offsetof(struct ua_txn, key_buf));
	for (i = 0; i < 3; i++) {
		t->tm[i].owner = t;
		t->tm[i].kind = UA_TM_TXN;
		t->snap[i].tv_sec = UA_SNAP_NONE;
	}
	t->reliable = ua->reliable;
	t->live = true;
	ua->st.txn_live++;
	return t;
}

void mbl_ua_txn_detach(struct ua_txn *t)
{
	struct ua_call *c = t ? t->call : NULL;

	if (!c)
		return;
	if (c->inv == t)
		c->inv = NULL;
	if (c->bye == t)
		c->bye = NULL;
	t->call = NULL;
}

static void txn_free_osip(struct ua_txn *t)
{
	if (t->tr) {
		t->tr->your_instance = NULL;
		osip_transaction_free2(t->tr);
		t->tr = NULL;
	}
	t->note_msg = NULL;
}

static void txn_free(struct mbl_sip_ua *ua, struct ua_txn *t)
{
	unsigned i;

	for (i = 0; i < 3; i++)
		mbl_ua_wheel_del(&ua->wheel, &t->tm[i]);
	mbl_ua_match_del(ua, t);
	mbl_ua_txn_detach(t);
	txn_free_osip(t);
	osip_free(t->out);
	osip_free(t->ack);
	osip_free(t->prefix);
	free(t->req_contact);
	if (t->key != t->key_buf)
		osip_free(t->key);
	t->live = false;
	t->hnext = ua->txn_free;
	ua->txn_free = t;
	ua->st.txn_live--;
}

void mbl_ua_txn_drop(struct mbl_sip_ua *ua, struct ua_txn *t)
{
	if (!t->in_exec)
		txn_free(ua, t);
}

/* ---- timers ------------------------------------------------------------------ */
/* Timer i of t as osip armed it: the letter and osip's start value, or false
 * when it is not running in the current state (the same state conditions as
 * osip's own __osip_*_need_timer_*_event). */
static bool ctx_timer(const struct ua_txn *t, unsigned i, uint8_t *which,
		      const struct timeval **tv)
{
	static const uint8_t letters[4][3] = {
		[UA_ICT] = {MBL_SIP_TIMER_A, MBL_SIP_TIMER_B, MBL_SIP_TIMER_D},
		[UA_IST] = {MBL_SIP_TIMER_G, MBL_SIP_TIMER_H, MBL_SIP_TIMER_I},
		[UA_NICT] = {MBL_SIP_TIMER_E, MBL_SIP_TIMER_F, MBL_SIP_TIMER_K},
		[UA_NIST] = {MBL_SIP_TIMER_J, MBL_SIP_TIMER_MAX, MBL_SIP_TIMER_MAX},
	};
	const osip_transaction_t *tr = t->tr;
	state_t st = tr->state;
	bool on = false;

	*which = letters[t->kind][i];
	switch (*which) {
	case MBL_SIP_TIMER_A: *tv = &tr->ict_context->timer_a_start; on = st == ICT_CALLING; break;
	case MBL_SIP_TIMER_B: *tv = &tr->ict_context->timer_b_start; on = st == ICT_CALLING; break;
	case MBL_SIP_TIMER_D: *tv = &tr->ict_context->timer_d_start; on = st == ICT_COMPLETED; break;
	case MBL_SIP_TIMER_E: *tv = &tr->nict_context->timer_e_start;
		on = st == NICT_TRYING || st == NICT_PROCEEDING; break;
	case MBL_SIP_TIMER_F: *tv = &tr->nict_context->timer_f_start;
		on = st == NICT_TRYING || st == NICT_PROCEEDING; break;
	case MBL_SIP_TIMER_K: *tv = &tr->nict_context->timer_k_start; on = st == NICT_COMPLETED; break;
	case MBL_SIP_TIMER_G: *tv = &tr->ist_context->timer_g_start; on = st == IST_COMPLETED; break;
	case MBL_SIP_TIMER_H: *tv = &tr->ist_context->timer_h_start; on = st == IST_COMPLETED; break;
	case MBL_SIP_TIMER_I: *tv = &tr->ist_context->timer_i_start; on = st == IST_CONFIRMED; break;
	case MBL_SIP_TIMER_J: *tv = &tr->nist_context->timer_j_start; on = st == NIST_COMPLETED; break;
	default: return false;
	}
	return on && (*tv)->tv_sec != -1;
}

/* RFC 3261 17.1.1.2, 17.1.2.2, 17.2.1, 17.2.2 intervals in ms; first: the
 * timer was not running before (else osip re-armed it after it fired). */
static uint32_t interval_ms(const struct mbl_sip_ua *ua, struct ua_txn *t, uint8_t which,
			    bool first)
{
	uint32_t t1 = ua->t1, t2 = ua->t2;

	switch (which) {
	case MBL_SIP_TIMER_A:
		return t->rtx_ms = first ? t1 : t->rtx_ms * 2;
	case MBL_SIP_TIMER_E:
		if (t->tr->state == NICT_PROCEEDING)
			return t->rtx_ms = t2;
		/* fall through */
	case MBL_SIP_TIMER_G:
		return t->rtx_ms = first ? t1 : MBL_MIN(t->rtx_ms * 2, t2);
	case MBL_SIP_TIMER_D:
		return t->reliable ? 0 : MBL_MAX(32000u, 64 * t1);
	case MBL_SIP_TIMER_I:
	case MBL_SIP_TIMER_K:
		return t->reliable ? 0 : ua->t4;
	case MBL_SIP_TIMER_J:
		return t->reliable ? 0 : 64 * t1;
	default: /* B, F, H */
		return 64 * t1;
	}
}

static void txn_sync_timers(struct mbl_sip_ua *ua, struct ua_txn *t)
{
	const struct timeval *tv;
	uint8_t which;
	unsigned i;

	for (i = 0; i < 3; i++) {
		struct ua_tm *tm = &t->tm[i];

		if (!ctx_timer(t, i, &which, &tv)) {
			mbl_ua_wheel_del(&ua->wheel, tm);
			t->snap[i].tv_sec = UA_SNAP_NONE;
			continue;
		}
		if (tv->tv_sec == t->snap[i].tv_sec && tv->tv_usec == t->snap[i].tv_usec)
			continue;  /* unchanged since we scheduled it (or since it fired) */
		tm->timer = which;
		mbl_ua_wheel_add(&ua->wheel, tm, ua->now + (uint64_t)interval_ms(
				 ua, t, which, t->snap[i].tv_sec == UA_SNAP_NONE) * 1000000ULL);
		t->snap[i] = *tv;
	}
}

/* A linger record keeps its key and only the bytes it may re-send: the ACK
 * for a repeated non-2xx final (ICT), the final response for a repeated
 * request (NIST). Everything else goes at once: at high call rates 64*T1 of
 * lingering records is most of a UAS's memory. */
static void txn_trim(struct ua_txn *t)
{
	if (t->linger != UA_LINGER_NIST_COMPLETED) {
		osip_free(t->out);
		t->out = NULL;
		t->out_len = 0;
	}
	if (t->linger != UA_LINGER_ICT_COMPLETED) {
		osip_free(t->ack);
		t->ack = NULL;
		t->ack_len = 0;
	}
	osip_free(t->prefix);
	t->prefix = NULL;
	t->to_val = NULL;
	free(t->req_contact);
	t->req_contact = NULL;
}

/* Swap the osip object of a transaction in a linger state for our record. */
static void txn_maybe_compact(struct mbl_sip_ua *ua, struct ua_txn *t)
{
	static const struct { uint8_t kind; state_t st; uint8_t linger, idx; } ls[] = {
		{UA_ICT, ICT_COMPLETED, UA_LINGER_ICT_COMPLETED, 2},
		{UA_NICT, NICT_COMPLETED, UA_LINGER_NICT_COMPLETED, 2},
		{UA_IST, IST_CONFIRMED, UA_LINGER_IST_CONFIRMED, 2},
		{UA_NIST, NIST_COMPLETED, UA_LINGER_NIST_COMPLETED, 0},
	};
	unsigned i, k;

	if (ua->conf.osip_linger || !t->tr)
		return;
	for (i = 0; i < MBL_ARRAY_SIZE(ls); i++) {
		if (ls[i].kind != t->kind || ls[i].st != t->tr->state)
			continue;
		if (!ua_tm_queued(&t->tm[ls[i].idx]) || t->tm[ls[i].idx].due_ns <= ua->now) {
			t->killed = true;  /* reliable: nothing to absorb */
			return;
		}
		for (k = 0; k < 3; k++)
			if (k != ls[i].idx)
				mbl_ua_wheel_del(&ua->wheel, &t->tm[k]);
		t->linger = ls[i].linger;
		txn_free_osip(t);
		txn_trim(t);
		return;
	}
}

/* The end of a transaction: an IST that sent a 2xx over UDP turns into the
 * RFC 6026 Accepted record for 64*T1 (Timer L); everything else is freed. */
static void txn_end(struct mbl_sip_ua *ua, struct ua_txn *t)
{
	unsigned i;

	if (t->kind == UA_IST && t->linger == UA_LIVE && t->last_status / 100 == 2 &&
	    !t->reliable && t->note != UA_NOTE_TPERR) {
		for (i = 1; i < 3; i++)
			mbl_ua_wheel_del(&ua->wheel, &t->tm[i]);
		mbl_ua_txn_detach(t);
		txn_free_osip(t);
		t->linger = UA_LINGER_IST_ACCEPTED;
		txn_trim(t);
		t->killed = false;
		t->tm[0].timer = MBL_SIP_TIMER_L;
		mbl_ua_wheel_add(&ua->wheel, &t->tm[0], ua->now + 64ULL * ua->t1 * 1000000ULL);
		return;
	}
	txn_free(ua, t);
}

/* Hand one event to osip, then act on what it reported. quiet: the event is
 * a retransmission whose response the TU already saw (no note). */
static void txn_exec(struct mbl_sip_ua *ua, struct ua_txn *t, type_t type, osip_message_t *msg,
		     bool quiet)
{
	osip_event_t *e = osip_malloc(sizeof(*e));

	if (!e) {
		if (msg)
			osip_message_free(msg);
		return;
	}
	e->type = type;
	e->transactionid = t->tr->transactionid;
	e->sip = msg;
	t->note = UA_NOTE_NONE;
	t->in_exec = true;
	osip_transaction_execute(t->tr, e);
	if (!t->killed)
		txn_sync_timers(ua, t);
	if (quiet && t->note == UA_NOTE_RESPONSE)
		t->note = UA_NOTE_NONE;
	if (t->note && t->call && !t->hold)
		mbl_ua_call_note(ua, t);
	else if (t->note && t->req_out && !t->hold)
		mbl_ua_req_note(ua, t);
	t->in_exec = false;
	if (t->hold)
		return;
	if (!t->killed)
		txn_maybe_compact(ua, t);
	if (t->killed)
		txn_end(ua, t);
}

static const type_t timeout_ev[MBL_SIP_TIMER_MAX] = {
	[MBL_SIP_TIMER_A] = TIMEOUT_A, [MBL_SIP_TIMER_B] = TIMEOUT_B,
	[MBL_SIP_TIMER_D] = TIMEOUT_D, [MBL_SIP_TIMER_E] = TIMEOUT_E,
	[MBL_SIP_TIMER_F] = TIMEOUT_F, [MBL_SIP_TIMER_G] = TIMEOUT_G,
	[MBL_SIP_TIMER_H] = TIMEOUT_H, [MBL_SIP_TIMER_I] = TIMEOUT_I,
	[MBL_SIP_TIMER_J] = TIMEOUT_J, [MBL_SIP_TIMER_K] = TIMEOUT_K,
};

void mbl_ua_txn_timer(struct mbl_sip_ua *ua, struct ua_tm *tm)
{
	struct ua_txn *t = tm->owner;

	ua->st.timer_fired[tm->timer]++;
	if (t->linger != UA_LIVE) {
		txn_free(ua, t);
		return;
	}
	/* Whatever start value osip gives this timer now is a re-arm, even if
	 * gettimeofday() has not moved since (the simulated clock races it). */
	t->snap[tm - t->tm].tv_sec = UA_SNAP_FIRED;
	txn_exec(ua, t, timeout_ev[tm->timer], NULL, false);
}

/* ---- creation --------------------------------------------------------------- */
static int txn_osip(struct mbl_sip_ua *ua, struct ua_txn *t, osip_fsm_type_t type,
		    osip_message_t *msg)
{
	osip_transaction_t *tr = NULL;

	if (osip_transaction_init(&tr, type, ua->osip, msg) != 0 || !tr)
		return -ENOMEM;
	osip_remove_transaction(ua->osip, tr);
	tr->your_instance = t;
	t->tr = tr;
	return 0;
}

/* from osip's allocator (sip_alloc.c): a lingering transaction keeps its
 * bytes for 32 s, and those size-class lists sit on huge pages */
static char *memdup(const char *s, size_t n)
{
	char *d = osip_malloc(n ? n : 1);

	if (d && n)
		memcpy(d, s, n);
	return d;
}

static struct ua_txn *txn_client(struct mbl_sip_ua *ua, struct ua_call *c, const struct ua_req *r,
				 const char *bytes, size_t len,
				 const struct sockaddr_storage *peer, socklen_t peer_len,
				 uint32_t conn_id)
{
	bool inv = r->method == MBL_SIP_M_INVITE;
	struct ua_txn *t = txn_alloc(ua);
	osip_message_t *skel;

	if (!t) {
		errno = ENOBUFS;
		return NULL;
	}
	t->kind = inv ? UA_ICT : UA_NICT;
	t->method = (uint8_t)r->method;
	t->out = memdup(bytes, len);
	t->out_len = (uint32_t)len;
	skel = mbl_ua_skeleton_request(ua, r);
	if (!t->out || !skel || mbl_ua_match_client_key(ua, t, r->method, r->branch) != 0 ||
	    txn_osip(ua, t, inv ? ICT : NICT, skel) != 0) {
		if (skel)
			osip_message_free(skel);
		txn_free(ua, t);
		errno = ENOMEM;
		return NULL;
	}
	memcpy(&t->peer, peer, sizeof(t->peer));
	t->peer_len = peer_len;
	t->conn_id = conn_id;
	t->local = r->local;
	t->call = c;
	mbl_ua_match_add(ua, t);
	t->hold = true;
	txn_exec(ua, t, inv ? SND_REQINVITE : SND_REQUEST, skel, false);
	t->hold = false;
	if (t->killed) {
		t->call = NULL;
		txn_free(ua, t);
		errno = EIO;
		return NULL;
	}
	return t;
}

struct ua_txn *mbl_ua_txn_client(struct mbl_sip_ua *ua, struct ua_call *c, const struct ua_req *r,
				 const char *bytes, size_t len)
{
	return txn_client(ua, c, r, bytes, len, &c->peer, c->peer_len, c->conn_id);
}

struct ua_txn *mbl_ua_txn_client_to(struct mbl_sip_ua *ua, const struct ua_req *r,
				    const char *bytes, size_t len,
				    const struct sockaddr_storage *peer, socklen_t peer_len)
{
	return txn_client(ua, NULL, r, bytes, len, peer, peer_len, 0);
}

/* Where responses go: the source for reliable transports and symmetric
 * response (RFC 3581); else the top Via (received/rport, RFC 3261 18.2.2),
 * when it is a numeric address; else the source all the same. */
static void server_peer(struct mbl_sip_ua *ua, struct ua_txn *t, osip_message_t *req,
			const struct sockaddr *src, socklen_t srclen)
{
	memcpy(&t->peer, src, srclen);
	t->peer_len = srclen;
	if (!ua->reliable && !ua->conf.symmetric_response)
		mbl_ua_match_via_dest(req, &t->peer, &t->peer_len);
}

struct ua_txn *mbl_ua_txn_server(struct mbl_sip_ua *ua, osip_message_t *msg,
				 enum mbl_sip_method m, const struct sockaddr *src,
				 socklen_t srclen, uint32_t conn_id)
{
	bool inv = m == MBL_SIP_M_INVITE;
	struct ua_txn *t = txn_alloc(ua);

	if (!t) {
		ua->st.no_resources++;
		mbl_ua_match_stateless(ua, msg, m, src, srclen, conn_id, 503);
		osip_message_free(msg);
		errno = ENOBUFS;
		return NULL;
	}
	t->kind = inv ? UA_IST : UA_NIST;
	t->method = (uint8_t)m;
	t->conn_id = conn_id;
	t->local = ua->in_local;
	if (mbl_ua_match_server_key(ua, t, msg, m) != 0 ||
	    mbl_ua_response_prefix(ua, t, msg, src, srclen) != 0 ||
	    txn_osip(ua, t, inv ? IST : NIST, msg) != 0) {
		osip_message_free(msg);
		txn_free(ua, t);
		errno = ENOMEM;
		return NULL;
	}
	server_peer(ua, t, msg, src, srclen);
	mbl_ua_match_add(ua, t);
	txn_exec(ua, t, inv ? RCV_REQINVITE : RCV_REQUEST, msg, false);
	return t;
}

int mbl_ua_txn_respond(struct mbl_sip_ua *ua, struct ua_txn *t, int status, const char *to_tag,
		       const char *extra, const char *body, char **copy, uint32_t *copy_len)
{
	osip_message_t *r;
	osip_via_t *v = NULL;
	int n;

	if (!t->tr || t->killed)
		return -EPERM;
	n = mbl_ua_build_response(ua, t, status, to_tag, t->call, extra, body);
	if (n < 0)
		return n;
	osip_free(t->out);
	t->out = memdup(ua->scratch, (size_t)n);
	t->out_len = (uint32_t)n;
	if (copy)
		*copy = memdup(ua->scratch, (size_t)n), *copy_len = (uint32_t)n;
	if (!t->out || (copy && !*copy) || osip_message_init(&r) != 0)
		return -ENOMEM;
	r->status_code = status;
	if (osip_via_clone(osip_list_get(&t->tr->orig_request->vias, 0), &v) != 0 ||
	    osip_cseq_clone(t->tr->orig_request->cseq, &r->cseq) != 0) {
		osip_message_free(r);
		return -ENOMEM;
	}
	osip_list_add(&r->vias, v, -1);
	t->last_status = status;
	t->hold = true;
	txn_exec(ua, t, status < 200 ? SND_STATUS_1XX : status < 300 ? SND_STATUS_2XX
		 : SND_STATUS_3456XX, r, false);
	t->hold = false;
	n = t->note == UA_NOTE_TPERR ? -EIO : 0;
	if (!t->killed)
		txn_maybe_compact(ua, t);
	if (t->killed)
		txn_end(ua, t);
	return n;
}

/* ---- transport failures -------------------------------------------------------- */
/* What osip's transport-error callback would have reported had the send
 * failed (RFC 3261 17.1.1.2 / 17.1.2.2: a transport error ends a client
 * transaction at once): the note goes to the call or request, then the
 * transaction is freed; nothing more can come over its connection. */
void mbl_ua_txn_tperr(struct mbl_sip_ua *ua, struct ua_txn *t)
{
	t->note = UA_NOTE_TPERR;
	t->note_msg = NULL;
	t->in_exec = true; /* the callbacks may drop it: not under our feet */
	if (t->call)
		mbl_ua_call_note(ua, t);
	else if (t->req_out)
		mbl_ua_req_note(ua, t);
	t->in_exec = false;
	txn_free(ua, t);
}

/* ---- input on matched transactions ------------------------------------------- */
void mbl_ua_txn_exec_input(struct mbl_sip_ua *ua, struct ua_txn *t, osip_message_t *msg,
			   type_t type, bool quiet)
{
	txn_exec(ua, t, type, msg, quiet);
}
