/* SPDX-License-Identifier: BSD-3-Clause
 * The ICE agent's set-up and state: credentials (RFC 8839 5.4), host
 * candidates and their priorities (RFC 8445 5.1.2), remote candidates from
 * SDP and peer-reflexive ones (7.3.1.3), the candidate pairs with their
 * priorities (6.1.2.3) and initial states (6.1.2.6), roles (6.1.1), and
 * selection. The checks themselves are in ice_check.c, what arrives in
 * ice_input.c.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "ice_priv.h"

/* RFC 8839 5.4: ice-char = ALPHA / DIGIT / "+" / "/" (64 characters, so
 * one random byte masked to 6 bits picks one uniformly) */
static const char ice_chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

#define FAIL_NAME_(e, s) s,
static const char *const fail_names[] = { MBL_ICE_FAIL_LIST(FAIL_NAME_) };
#undef FAIL_NAME_
#define COUNTER_NAME_(f, d) #f,
const char *const mbl_ice_counter_names[] = { MBL_ICE_COUNTER_LIST(COUNTER_NAME_) };
#undef COUNTER_NAME_
const unsigned mbl_ice_n_counters =
	sizeof(mbl_ice_counter_names) / sizeof(mbl_ice_counter_names[0]);

const char *mbl_ice_fail_name(enum mbl_ice_fail f)
{
	return (unsigned)f < MBL_ICE_FAIL_MAX ? fail_names[f] : "?";
}

#define COUNTER_OFF_(f, d) offsetof(struct mbl_ice_counters, f),
static const size_t counter_off[] = { MBL_ICE_COUNTER_LIST(COUNTER_OFF_) };
#undef COUNTER_OFF_

uint64_t mbl_ice_counter(const struct mbl_ice_counters *c, unsigned i)
{
	uint64_t v = 0;

	if (i < mbl_ice_n_counters)
		memcpy(&v, (const char *)c + counter_off[i], sizeof(v));
	return v;
}

int mbl_ice_cand_type_parse(const char *name, enum mbl_ice_cand_type *t)
{
	static const char *const names[] = { "host", "srflx", "prflx", "relay" };

	for (unsigned i = 0; name && i < 4; i++) {
		if (strcmp(name, names[i]) == 0) {
			*t = (enum mbl_ice_cand_type)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* ---- set-up ------------------------------------------------------------------------- */

static uint32_t or_default(uint32_t v, uint32_t def)
{
	return v ? v : def;
}

static int conf_check(const struct mbl_ice_conf *c)
{
	if (c == NULL || c->random == NULL || c->send == NULL || c->n_local == 0 ||
	    c->n_local > MBL_ICE_MAX_LOCAL)
		return -EINVAL;
	for (unsigned i = 0; i < c->n_local; i++) {
		if ((c->local[i].family != 4 && c->local[i].family != 6) || c->local[i].port == 0)
			return -EINVAL;
		if (i > 0 && c->local[i].family == c->local[0].family)
			return -EINVAL;
	}
	return 0;
}

static void conf_defaults(struct mbl_ice_conf *c)
{
	c->ta_ms = or_default(c->ta_ms, 50);
	c->rto_ms = or_default(c->rto_ms, 500);
	c->max_transmits = or_default(c->max_transmits, 7);
	c->rm = or_default(c->rm, 16);
	c->nominate_wait_ms = or_default(c->nominate_wait_ms, 1000);
	c->consent_min_ms = or_default(c->consent_min_ms, 4000);
	c->consent_max_ms = or_default(c->consent_max_ms, 6000);
	c->consent_timeout_ms = or_default(c->consent_timeout_ms, 30000);
}

/* RFC 8839 5.4: lo..hi ice-chars. */
static int cred_check(const char *s, size_t lo, size_t hi)
{
	size_t n = s ? strlen(s) : 0;

	if (n > hi)
		return -ENAMETOOLONG;
	if (n < lo || strspn(s, ice_chars) != n)
		return -EINVAL;
	return 0;
}

static void random_chars(struct mbl_ice_agent *a, char *out, size_t n)
{
	uint8_t r[MBL_ICE_PWD_LEN];

	a->conf.random(a->conf.user, r, n);
	for (size_t i = 0; i < n; i++)
		out[i] = ice_chars[r[i] & 63];
	out[n] = 0;
}

/* Ours: given (the SDP already carries them) or random. The pointers in
 * the copied conf are not kept. */
static int local_creds(struct mbl_ice_agent *a)
{
	const char *u = a->conf.ufrag, *p = a->conf.pwd;

	a->conf.ufrag = a->conf.pwd = NULL;
	if (u && cred_check(u, 4, MBL_ICE_LOCAL_UFRAG_MAX))
		return -EINVAL;
	if (p && cred_check(p, 22, MBL_ICE_LOCAL_PWD_MAX))
		return -EINVAL;
	if (u)
		strcpy(a->ufrag, u);
	else
		random_chars(a, a->ufrag, MBL_ICE_UFRAG_LEN);
	if (p)
		strcpy(a->pwd, p);
	else
		random_chars(a, a->pwd, MBL_ICE_PWD_LEN);
	return 0;
}

/* RFC 8445 5.1.2.1: (2^24) type preference + (2^8) local preference +
 * (256 - component id); component 1, the first candidate preferred. */
static uint32_t cand_priority(uint32_t type_pref, unsigned li)
{
	return type_pref << 24 | (65535u - li) << 8 | 255u;
}

static void local_cands(struct mbl_ice_agent *a)
{
	for (unsigned i = 0; i < a->conf.n_local; i++) {
		struct mbl_ice_cand *c = &a->local[i];

		c->addr = a->conf.local[i];
		c->type = MBL_ICE_CAND_HOST;
		c->priority = cand_priority(ICE_TYPE_PREF_HOST, i);
		snprintf(c->foundation, sizeof(c->foundation), "%u", i + 1); /* one per base */
	}
}

int mbl_ice_init(struct mbl_ice_agent *a, const struct mbl_ice_conf *conf)
{
	uint8_t tb[8];

	if (a == NULL || conf_check(conf))
		return -EINVAL;
	memset(a, 0, sizeof(*a));
	a->conf = *conf;
	conf_defaults(&a->conf);
	if (a->conf.consent_min_ms > a->conf.consent_max_ms)
		return -EINVAL;
	if (local_creds(a))
		return -EINVAL;
	a->conf.random(a->conf.user, tb, sizeof(tb));
	for (unsigned i = 0; i < 8; i++)
		a->tiebreaker = a->tiebreaker << 8 | tb[i];
	local_cands(a);
	a->selected = -1;
	a->nominating = -1;
	a->controlling = a->conf.offerer && !a->conf.lite;
	return 0;
}

const char *mbl_ice_local_ufrag(const struct mbl_ice_agent *a)
{
	return a->ufrag;
}

const char *mbl_ice_local_pwd(const struct mbl_ice_agent *a)
{
	return a->pwd;
}

const struct mbl_ice_cand *mbl_ice_local_candidate(const struct mbl_ice_agent *a, unsigned i)
{
	return i < a->conf.n_local ? &a->local[i] : NULL;
}

int mbl_ice_set_remote(struct mbl_ice_agent *a, const char *ufrag, const char *pwd, bool lite)
{
	int rc = cred_check(ufrag, 4, MBL_ICE_CRED_MAX);

	if (rc == 0)
		rc = cred_check(pwd, 22, MBL_ICE_CRED_MAX);
	if (rc)
		return rc;
	if (a->have_remote)
		return -EALREADY;
	strcpy(a->rufrag, ufrag);
	strcpy(a->rpwd, pwd);
	a->remote_lite = lite;
	a->have_remote = true;
	/* RFC 8445 6.1.1: lite is controlled, full facing lite controls, and
	 * otherwise (or both lite) the offerer controls */
	if (a->conf.lite != lite)
		mbl_ice_set_role(a, !a->conf.lite);
	else
		mbl_ice_set_role(a, a->conf.offerer);
	return 0;
}

/* ---- candidates and pairs ------------------------------------------------------------ */

int mbl_ice_local_for(const struct mbl_ice_agent *a, uint8_t family)
{
	for (unsigned i = 0; i < a->conf.n_local; i++)
		if (a->local[i].addr.family == family)
			return (int)i;
	return -1;
}

int mbl_ice_remote_find(const struct mbl_ice_agent *a, const struct mbl_stun_addr *addr)
{
	for (unsigned i = 0; i < a->n_remote; i++)
		if (mbl_stun_addr_eq(&a->remote[i].addr, addr))
			return (int)i;
	return -1;
}

/* RFC 8445 6.1.2.3: 2^32 MIN(G,D) + 2 MAX(G,D) + (G > D), G being the
 * controlling agent's candidate priority, D the controlled agent's. */
static uint64_t pair_priority(const struct mbl_ice_agent *a, const struct mbl_ice_pair *p)
{
	uint64_t l = a->local[p->local].priority, r = a->remote[p->remote].priority;
	uint64_t g = a->controlling ? l : r, d = a->controlling ? r : l;

	return ((g < d ? g : d) << 32) + 2 * (g > d ? g : d) + (g > d);
}

static void reprioritize(struct mbl_ice_agent *a)
{
	for (unsigned i = 0; i < a->n_pairs; i++)
		a->pairs[i].priority = pair_priority(a, &a->pairs[i]);
}

void mbl_ice_set_role(struct mbl_ice_agent *a, bool controlling)
{
	if (a->conf.lite && !a->remote_lite)
		controlling = false; /* RFC 8445 6.1.1: lite never controls a full agent */
	a->controlling = controlling;
	if (!controlling) {
		a->nominating = -1;
		for (unsigned i = 0; i < a->n_pairs; i++)
			a->pairs[i].use_candidate = false;
	}
	reprioritize(a);
}

static bool same_foundation(const struct mbl_ice_agent *a, const struct mbl_ice_pair *p,
			    const struct mbl_ice_pair *q)
{
	return p->local == q->local &&
	       strcmp(a->remote[p->remote].foundation, a->remote[q->remote].foundation) == 0;
}

void mbl_ice_pair_init_state(struct mbl_ice_agent *a, unsigned pi)
{
	struct mbl_ice_pair *p = &a->pairs[pi];

	p->state = MBL_ICE_PAIR_WAITING;
	for (unsigned i = 0; i < a->n_pairs; i++) {
		const struct mbl_ice_pair *q = &a->pairs[i];

		if (i != pi && same_foundation(a, p, q) &&
		    (q->state == MBL_ICE_PAIR_WAITING || q->state == MBL_ICE_PAIR_IN_PROGRESS))
			p->state = MBL_ICE_PAIR_FROZEN;
	}
}

void mbl_ice_unfreeze(struct mbl_ice_agent *a, unsigned pi)
{
	for (unsigned i = 0; i < a->n_pairs; i++)
		if (a->pairs[i].state == MBL_ICE_PAIR_FROZEN &&
		    same_foundation(a, &a->pairs[i], &a->pairs[pi]))
			a->pairs[i].state = MBL_ICE_PAIR_WAITING;
}

int mbl_ice_pair_get(struct mbl_ice_agent *a, unsigned local, unsigned remote)
{
	struct mbl_ice_pair *p;

	for (unsigned i = 0; i < a->n_pairs; i++)
		if (a->pairs[i].local == local && a->pairs[i].remote == remote)
			return (int)i;
	if (a->n_pairs >= MBL_ICE_MAX_PAIRS)
		return -ENOSPC;
	p = &a->pairs[a->n_pairs];
	*p = (struct mbl_ice_pair){ .local = (uint8_t)local, .remote = (uint8_t)remote };
	p->priority = pair_priority(a, p);
	if (a->started)
		mbl_ice_pair_init_state(a, a->n_pairs);
	return (int)a->n_pairs++;
}

static int remote_add(struct mbl_ice_agent *a, const struct mbl_ice_cand *c)
{
	int li = mbl_ice_local_for(a, c->addr.family), rc;

	if (li < 0)
		return -EAFNOSUPPORT;
	if (a->n_remote >= MBL_ICE_MAX_REMOTE)
		return -ENOSPC;
	a->remote[a->n_remote] = *c;
	rc = mbl_ice_pair_get(a, (unsigned)li, a->n_remote);
	if (rc < 0)
		return rc;
	return (int)a->n_remote++;
}

int mbl_ice_remote_learn(struct mbl_ice_agent *a, const struct mbl_stun_addr *addr,
			 uint32_t priority)
{
	struct mbl_ice_cand c = { .addr = *addr, .priority = priority,
				  .type = MBL_ICE_CAND_PRFLX };
	int ri;

	/* RFC 8445 7.3.1.3: any foundation unique among the candidates */
	snprintf(c.foundation, sizeof(c.foundation), "prflx%u", a->prflx_seq);
	ri = remote_add(a, &c);
	if (ri >= 0) {
		a->prflx_seq++;
		a->c.prflx_learned++;
	}
	return ri;
}

static bool foundation_ok(const char *f)
{
	size_t n = f ? strlen(f) : 0;

	return n >= 1 && n <= MBL_ICE_FOUNDATION_MAX && strspn(f, ice_chars) == n;
}

/* The same address twice (or learned as prflx before the SDP came): keep
 * one candidate, with the SDP's data and the higher priority. */
static void remote_update(struct mbl_ice_agent *a, unsigned ri, const struct mbl_ice_cand *c)
{
	struct mbl_ice_cand *o = &a->remote[ri];

	if (o->type == MBL_ICE_CAND_PRFLX || c->priority > o->priority) {
		o->priority = c->priority > o->priority ? c->priority : o->priority;
		o->type = c->type;
		memcpy(o->foundation, c->foundation, sizeof(o->foundation));
		reprioritize(a);
	}
}

int mbl_ice_add_remote_candidate(struct mbl_ice_agent *a, const char *foundation,
				 uint32_t priority, const char *ip, uint16_t port,
				 enum mbl_ice_cand_type type)
{
	struct mbl_ice_cand c = { .priority = priority, .type = (uint8_t)type };
	int ri;

	if (!foundation_ok(foundation) || (unsigned)type > MBL_ICE_CAND_RELAY || port == 0 ||
	    priority == 0 || mbl_stun_addr_set(&c.addr, ip, port))
		return -EINVAL;
	strcpy(c.foundation, foundation);
	ri = mbl_ice_remote_find(a, &c.addr);
	if (ri >= 0) {
		remote_update(a, (unsigned)ri, &c);
		return 0;
	}
	if (mbl_ice_local_for(a, c.addr.family) < 0)
		return -EAFNOSUPPORT;
	if (a->n_sdp_remote >= MBL_ICE_MAX_SDP_CANDS)
		return -ENOSPC;
	ri = remote_add(a, &c);
	if (ri < 0)
		return ri;
	a->n_sdp_remote++;
	return 0;
}

/* ---- start, selection, failure ---------------------------------------------------------- */

/* RFC 8445 6.1.2.6: in priority order, the first pair of each foundation
 * Waiting, the others Frozen. */
static void initial_states(struct mbl_ice_agent *a)
{
	bool done[MBL_ICE_MAX_PAIRS] = { false };

	for (unsigned n = 0; n < a->n_pairs; n++) {
		int best = -1;

		for (unsigned i = 0; i < a->n_pairs; i++)
			if (!done[i] && (best < 0 || a->pairs[i].priority > a->pairs[best].priority))
				best = (int)i;
		done[best] = true;
		if (a->pairs[best].state == MBL_ICE_PAIR_FROZEN)
			mbl_ice_pair_init_state(a, (unsigned)best);
	}
}

int mbl_ice_start(struct mbl_ice_agent *a, uint64_t now_ns)
{
	if (a->started)
		return -EALREADY;
	if (!a->conf.lite && !a->have_remote)
		return -EAGAIN;
	a->started = true;
	a->start_ns = now_ns;
	a->next_check_ns = now_ns;
	if (a->state == MBL_ICE_NEW)
		a->state = MBL_ICE_CHECKING;
	initial_states(a);
	return 0;
}

uint64_t mbl_ice_rand_ms(struct mbl_ice_agent *a, uint32_t lo_ms, uint32_t hi_ms)
{
	uint8_t b[4];
	uint32_t r;

	a->conf.random(a->conf.user, b, sizeof(b));
	r = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	return (lo_ms + (uint64_t)r % (hi_ms - lo_ms + 1)) * ICE_NS_PER_MS;
}

static void trig_clear(struct mbl_ice_agent *a)
{
	for (unsigned i = 0; i < a->n_pairs; i++)
		a->pairs[i].triggered = false;
	a->trig_n = 0;
}

/* A controlled agent may see several pairs nominated (a peer nominating
 * aggressively): the highest-priority one wins (RFC 8445 8.1.1). */
void mbl_ice_select(struct mbl_ice_agent *a, unsigned pi, uint64_t now_ns)
{
	struct mbl_ice_pair *p = &a->pairs[pi];

	if (a->state == MBL_ICE_FAILED)
		return;
	if (a->selected >= 0 && a->pairs[a->selected].priority >= p->priority)
		return;
	a->selected = (int)pi;
	if (a->state != MBL_ICE_CONNECTED) {
		a->state = MBL_ICE_CONNECTED;
		a->c.select_ns = a->started ? now_ns - a->start_ns : 0;
		/* RFC 8445 8.1.2: no more checks but consent; replies still count */
		mbl_ice_txn_cancel(a, -1);
		trig_clear(a);
	}
	if (!a->conf.lite) { /* RFC 7675 5.1: consent from the check that succeeded */
		a->consent_until_ns = 0;
		mbl_ice_consent_ok(a, pi, p->ok_sent_ns);
		a->next_consent_ns = now_ns + mbl_ice_rand_ms(a, a->conf.consent_min_ms,
							      a->conf.consent_max_ms);
	}
}

void mbl_ice_fail(struct mbl_ice_agent *a, enum mbl_ice_fail why)
{
	a->state = MBL_ICE_FAILED;
	a->failure = (uint8_t)why;
	for (unsigned i = 0; i < MBL_ICE_MAX_TXN; i++)
		a->txn[i].active = false;
	trig_clear(a);
}

void mbl_ice_trigger(struct mbl_ice_agent *a, unsigned pi)
{
	if (a->pairs[pi].triggered || a->trig_n >= MBL_ICE_MAX_PAIRS)
		return;
	a->pairs[pi].triggered = true;
	a->trig[(a->trig_head + a->trig_n++) % MBL_ICE_MAX_PAIRS] = (uint8_t)pi;
}

void mbl_ice_emit(struct mbl_ice_agent *a, unsigned li, const struct mbl_stun_addr *to,
		  const uint8_t *buf, int len)
{
	if (len <= 0 || a->conf.send(a->conf.user, &a->local[li].addr, to, buf, (size_t)len) < 0)
		a->c.send_errors++;
}

/* ---- queries ------------------------------------------------------------------------------ */

enum mbl_ice_state mbl_ice_state(const struct mbl_ice_agent *a)
{
	return (enum mbl_ice_state)a->state;
}

enum mbl_ice_fail mbl_ice_failure(const struct mbl_ice_agent *a)
{
	return (enum mbl_ice_fail)a->failure;
}

bool mbl_ice_controlling(const struct mbl_ice_agent *a)
{
	return a->controlling;
}

int mbl_ice_selected(const struct mbl_ice_agent *a, struct mbl_stun_addr *local,
		     struct mbl_stun_addr *remote)
{
	const struct mbl_ice_pair *p;

	if (a->state != MBL_ICE_CONNECTED || a->selected < 0)
		return -EAGAIN;
	p = &a->pairs[a->selected];
	if (local)
		*local = a->local[p->local].addr;
	if (remote)
		*remote = a->remote[p->remote].addr;
	return 0;
}

bool mbl_ice_may_send_media(const struct mbl_ice_agent *a, uint64_t now_ns)
{
	if (a->state != MBL_ICE_CONNECTED)
		return false;
	return a->conf.lite || now_ns < a->consent_until_ns;
}

void mbl_ice_note_early(struct mbl_ice_agent *a)
{
	a->c.early_datagrams++;
}

const struct mbl_ice_counters *mbl_ice_counters(const struct mbl_ice_agent *a)
{
	return &a->c;
}
