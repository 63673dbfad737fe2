/* SPDX-License-Identifier: BSD-3-Clause
 * UAC registrations (sip.register, RFC 3261 10.2): before it calls, the UAC
 * registers every user - each row of sip.inject_file with its from_user
 * template, or sip.from_user - with the target as registrar, at
 * sip.register_rate per second. Each binding keeps its Call-ID and counts
 * CSeq up across its requests (10.2); To and From are the address of
 * record, Contact our listen address, Expires sip.register_expires. A
 * 401/407 is answered with the same digest code as the INVITE path, once,
 * and once more when the server says stale=true (RFC 7616 3.3). A bound
 * binding is refreshed at half the expiry the registrar granted (10.2.4:
 * the Contact's expires parameter, else Expires). mbl_cp_stop sends
 * Expires: 0 for every binding still registered (10.2.2).
 *
 * Calls start once every first registration ended, successful or not; a
 * failed one is counted with its status and reason, and the calls are
 * placed as configured all the same (a test of the SBC's refusal of
 * unregistered users is a legitimate one). Control plane only. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp_priv.h"

/* ---- refresh heap (bindings by due_ns) ------------------------------------ */
static void heap_swap(struct mbl_cp *cp, uint32_t a, uint32_t b)
{
	uint32_t t = cp->reg_heap[a];

	cp->reg_heap[a] = cp->reg_heap[b];
	cp->reg_heap[b] = t;
	cp->regs[cp->reg_heap[a]].heap_pos = a + 1;
	cp->regs[cp->reg_heap[b]].heap_pos = b + 1;
}

static uint64_t due_at(const struct mbl_cp *cp, uint32_t pos)
{
	return cp->regs[cp->reg_heap[pos]].due_ns;
}

static void heap_push(struct mbl_cp *cp, uint32_t idx)
{
	uint32_t i = cp->reg_heap_n++;

	cp->reg_heap[i] = idx;
	cp->regs[idx].heap_pos = i + 1;
	while (i > 0 && due_at(cp, (i - 1) / 2) > due_at(cp, i)) {
		heap_swap(cp, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static uint32_t heap_pop(struct mbl_cp *cp)
{
	uint32_t top = cp->reg_heap[0], i = 0;

	cp->regs[top].heap_pos = 0;
	if (--cp->reg_heap_n == 0)
		return top;
	cp->reg_heap[0] = cp->reg_heap[cp->reg_heap_n];
	cp->regs[cp->reg_heap[0]].heap_pos = 1;
	for (;;) {
		uint32_t l = 2 * i + 1, m = i;

		if (l < cp->reg_heap_n && due_at(cp, l) < due_at(cp, m))
			m = l;
		if (l + 1 < cp->reg_heap_n && due_at(cp, l + 1) < due_at(cp, m))
			m = l + 1;
		if (m == i)
			return top;
		heap_swap(cp, i, m);
		i = m;
	}
}

/* ---- life cycle ------------------------------------------------------------ */
static void hex(struct mbl_cp *cp, char *out, unsigned n)
{
	static const char digits[] = "0123456789abcdef";

	for (unsigned i = 0; i < n; i++)
		out[i] = digits[mbl_xorshift32(&cp->rng) & 15];
	out[n] = '\0';
}

int cp_reg_init(struct mbl_cp *cp, char *err, size_t errlen)
{
	size_t n = cp->csv != NULL ? mbl_sip_csv_rows(cp->csv) : 1;
	char id[25];

	cp->calls_go = !cp->conf.uac || !cp->conf.reg;
	if (cp->calls_go)
		return 0;
	if (n > UINT32_MAX / 2) {
		snprintf(err, errlen, "sip.register: too many users (%zu)", n);
		return -E2BIG;
	}
	cp->regs = calloc(n, sizeof(*cp->regs));
	cp->reg_heap = calloc(n, sizeof(*cp->reg_heap));
	if (cp->regs == NULL || cp->reg_heap == NULL) {
		snprintf(err, errlen, "out of memory for %zu registrations", n);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		struct cp_reg *r = &cp->regs[i];

		r->row = i;
		r->first = true;
		hex(cp, id, 24);
		snprintf(r->call_id, sizeof(r->call_id), "reg-%s", id);
		hex(cp, r->tag, 16);
	}
	cp->n_regs = cp->reg_open = (uint32_t)n;
	cp->reg_next_ns = mbl_time_ns();
	return 0;
}

void cp_reg_free(struct mbl_cp *cp)
{
	free(cp->regs);
	free(cp->reg_heap);
	cp->regs = NULL;
	cp->reg_heap = NULL;
}

/* ---- requests ---------------------------------------------------------------- */
/* [fieldN] of the binding's row in tmpl, or tmpl. */
static int row_text(const struct mbl_cp *cp, const struct cp_reg *r, const char *tmpl, char *out,
		    size_t len)
{
	if (cp->csv == NULL)
		return snprintf(out, len, "%s", tmpl) < (int)len ? 0 : -ENOSPC;
	return mbl_sip_csv_subst(cp->csv, r->row, tmpl, out, len) < 0 ? -EINVAL : 0;
}

/* Request-URI (the registrar's domain, RFC 3261 10.2: no user part) and the
 * address of record of r. */
static int reg_uris(const struct mbl_cp *cp, const struct cp_reg *r, char *user, size_t ulen,
		    char *ruri, size_t rlen, char *aor, size_t alen)
{
	const struct mbl_cp_conf *c = &cp->conf;
	const char *scheme = cp_uri_scheme(c->proto);
	const char *dom = c->domain[0] ? c->domain : c->target_host;

	if (row_text(cp, r, c->from_user, user, ulen) < 0 || user[0] == '\0')
		return -EINVAL;
	snprintf(ruri, rlen, "%s:%s%s", scheme, dom, cp_uri_transport(c->proto));
	return snprintf(aor, alen, "%s:%s@%s", scheme, user, dom) < (int)alen ? 0 : -ENOSPC;
}

static void count_reason(const char **reason, uint64_t *n, const char *why)
{
	unsigned i;

	for (i = 0; i < MBL_CP_MAX_REASONS - 1 && reason[i] != NULL; i++)
		if (strcmp(reason[i], why) == 0)
			break;
	if (reason[i] == NULL)
		reason[i] = why; /* static strings only */
	n[i]++;
}

/* The binding's request failed with status (0: never sent) and why. */
static void reg_failed(struct mbl_cp *cp, struct cp_reg *r, int status, const char *why)
{
	struct mbl_cp_stats *st = &cp->st;
	char user[128] = "?", ruri[300], aor[400];

	reg_uris(cp, r, user, sizeof(user), ruri, sizeof(ruri), aor, sizeof(aor));
	MBL_LOG_RL(MBL_LOG_WARN, "sip: REGISTER of \"%.64s\"%s failed: %d %s", user,
		   r->expires == 0 ? " (Expires: 0)" : "", status, why);
	if (r->first) {
		r->first = false;
		st->reg_failed++;
		cp->reg_open--;
	} else if (r->expires == 0) {
		st->reg_unreg_failed++;
	} else {
		st->reg_refresh_failed++;
	}
	st->reg_by_status[status >= 100 && status < 700 ? status : 0]++;
	count_reason(st->reg_reason, st->reg_reason_n, why);
	r->state = CP_R_FAILED;
}

static void *reg_user(const struct mbl_cp *cp, const struct cp_reg *r)
{
	return (void *)(uintptr_t)(r - cp->regs + 1);
}

/* Send r's next REGISTER (CSeq + 1) asking for expires seconds, with the
 * Authorization / Proxy-Authorization value authz when not NULL. */
static void reg_send(struct mbl_cp *cp, struct cp_reg *r, uint32_t expires, const char *authz,
		     bool proxy, uint64_t now)
{
	char user[128], ruri[300], aor[400], extra[1200];
	struct mbl_sip_request q = { .method = "REGISTER", .uri = ruri, .to_uri = aor,
				     .from_uri = aor, .from_tag = r->tag, .call_id = r->call_id,
				     .contact_user = user, .extra_hdr = extra };
	int rc;

	r->expires = expires;
	r->answered = authz != NULL;
	if (reg_uris(cp, r, user, sizeof(user), ruri, sizeof(ruri), aor, sizeof(aor)) < 0) {
		reg_failed(cp, r, 0, "sip.inject_file: a [field] of this row is missing");
		return;
	}
	rc = snprintf(extra, sizeof(extra), "Expires: %u%s%s", expires,
		      authz ? (proxy ? "\r\nProxy-Authorization: " : "\r\nAuthorization: ") : "",
		      authz ? authz : "");
	q.cseq = ++r->cseq;
	q.local = (unsigned)(r - cp->regs) % cp->n_loc; /* a binding per address in turn */
	if (rc >= (int)sizeof(extra) ||
	    (rc = mbl_sip_request_send(cp->ua, &q, (const struct sockaddr *)&cp->conf.target,
				       cp->conf.target_len, reg_user(cp, r), now)) < 0) {
		explicit_bzero(extra, sizeof(extra));
		reg_failed(cp, r, 0, rc == -ENOBUFS ? "sip table full" : "cannot send REGISTER");
		return;
	}
	explicit_bzero(extra, sizeof(extra));
	r->state = CP_R_PENDING;
	cp->reg_inflight++;
}

/* Answer a 401/407 for r's user (RFC 3261 22.2, RFC 8760); digest-uri =
 * the Request-URI. 0, or -1 when impossible (no credentials, a challenge
 * we cannot answer). */
static int reg_answer(struct mbl_cp *cp, struct cp_reg *r, const struct mbl_sip_ev *ev,
		      uint64_t now)
{
	struct mbl_sip_auth_challenge ch;
	char authz[1024], err[160], user[128], pass[160], aor_user[128], ruri[300], aor[400];
	int rc = -1;

	memset(&ch, 0, sizeof(ch));
	if (cp->conf.auth_user[0] != '\0' && ev->challenge != NULL &&
	    row_text(cp, r, cp->conf.auth_user, user, sizeof(user)) == 0 &&
	    row_text(cp, r, cp->conf.auth_password, pass, sizeof(pass)) == 0 &&
	    reg_uris(cp, r, aor_user, sizeof(aor_user), ruri, sizeof(ruri), aor, sizeof(aor)) == 0 &&
	    mbl_sip_auth_parse_challenge(ev->challenge, &ch, err, sizeof(err)) == 0 &&
	    mbl_sip_auth_answer(&ch, user, pass, "REGISTER", ruri, authz, sizeof(authz)) > 0) {
		cp->st.reg_challenged++;
		cp->st.reg_stale += ch.stale;
		reg_send(cp, r, r->expires, authz, ev->proxy_auth, now);
		rc = 0;
	}
	explicit_bzero(authz, sizeof(authz));
	explicit_bzero(pass, sizeof(pass));
	explicit_bzero(&ch, sizeof(ch));
	return rc;
}

/* A 2xx: bound (first registration or refresh) or unbound (Expires: 0). */
static void reg_ok(struct mbl_cp *cp, struct cp_reg *r, int granted, uint64_t now)
{
	if (r->expires == 0) {
		cp->st.reg_unregistered++;
		r->state = CP_R_DONE;
		return;
	}
	if (granted < 0) /* the registrar said nothing: what we asked for */
		granted = (int)r->expires;
	if (granted == 0) {
		reg_failed(cp, r, 200, "registrar granted no time (expires=0)");
		return;
	}
	if (r->first) {
		r->first = false;
		cp->st.reg_succeeded++;
		cp->reg_open--;
	} else {
		cp->st.reg_refreshed++;
	}
	r->state = CP_R_BOUND;
	if (cp->stopping) { /* bound after the stop: take it back at once */
		reg_send(cp, r, 0, NULL, false, now);
		return;
	}
	/* refresh at half the granted time: ample for a retransmitted
	 * REGISTER (64*T1 = 32 s) once expiries are realistic */
	r->due_ns = now + (uint64_t)granted * 500000000ull;
	heap_push(cp, (uint32_t)(r - cp->regs));
}

void cp_reg_response(struct mbl_cp *cp, const struct mbl_sip_ev *ev, uint64_t now)
{
	uintptr_t u = (uintptr_t)ev->user;
	struct cp_reg *r;
	bool retry;

	if (u == 0 || u > cp->n_regs)
		return;
	r = &cp->regs[u - 1];
	if (r->state != CP_R_PENDING)
		return;
	cp->reg_inflight--;
	if (ev->status / 100 == 2) {
		r->stale_retried = false;
		reg_ok(cp, r, ev->expires, now);
		return;
	}
	if (ev->status == 401 || ev->status == 407) {
		/* a fresh challenge is answered once; a stale one after our
		 * answer once more (RFC 7616 3.3); anything else means the
		 * credentials are wrong: no loop */
		retry = !r->answered || (!r->stale_retried && ev->challenge != NULL &&
					 strstr(ev->challenge, "stale=true") != NULL);
		if (r->answered)
			r->stale_retried = true;
		if (retry && reg_answer(cp, r, ev, now) == 0)
			return;
		reg_failed(cp, r, ev->status, r->answered ? "credentials refused"
					     : "authentication impossible (no sip.auth_user)");
		return;
	}
	reg_failed(cp, r, ev->status, ev->reason);
}

/* ---- pacing, refreshes, stop ---------------------------------------------------- */
void cp_reg_poll(struct mbl_cp *cp, uint64_t now)
{
	uint32_t rate = cp->conf.reg_rate ? cp->conf.reg_rate : MBL_MAX(cp->conf.rate, 1u);
	unsigned n = 0;

	if (cp->regs == NULL || cp->stopping)
		return;
	while (cp->reg_sent < cp->n_regs && now >= cp->reg_next_ns && n++ < 256) {
		struct cp_reg *r = &cp->regs[cp->reg_sent++];

		cp->st.reg_attempted++;
		reg_send(cp, r, cp->conf.reg_expires, NULL, false, now);
		cp->reg_next_ns += 1000000000ull / rate;
	}
	if (now > cp->reg_next_ns + 100000000ull) /* a stall: no burst to catch up */
		cp->reg_next_ns = now;
	while (cp->reg_heap_n > 0 && due_at(cp, 0) <= now) {
		struct cp_reg *r = &cp->regs[heap_pop(cp)];

		r->stale_retried = false;
		reg_send(cp, r, cp->conf.reg_expires, NULL, false, now);
	}
	if (!cp->calls_go && cp->reg_open == 0) {
		cp->calls_go = true;
		cp->start_ns = cp->next_call_ns = now; /* the ramp starts now */
		mbl_log(MBL_LOG_INFO, "sip: registrations done: %llu registered, %llu failed",
			(unsigned long long)cp->st.reg_succeeded,
			(unsigned long long)cp->st.reg_failed);
	}
}

uint64_t cp_reg_next(const struct mbl_cp *cp)
{
	uint64_t t = UINT64_MAX;

	if (cp->regs == NULL || cp->stopping)
		return t;
	if (cp->reg_sent < cp->n_regs)
		t = cp->reg_next_ns;
	if (cp->reg_heap_n > 0)
		t = MBL_MIN(t, due_at(cp, 0));
	return t;
}

void cp_reg_stop(struct mbl_cp *cp, uint64_t now)
{
	if (cp->regs == NULL)
		return;
	cp->reg_heap_n = 0;
	for (uint32_t i = 0; i < cp->n_regs; i++) {
		struct cp_reg *r = &cp->regs[i];

		r->heap_pos = 0;
		if (r->state == CP_R_BOUND)
			reg_send(cp, r, 0, NULL, false, now);
		else if (r->state == CP_R_IDLE)
			r->state = CP_R_DONE;
		/* CP_R_PENDING: unregistered when its 2xx comes (reg_ok) */
	}
}
