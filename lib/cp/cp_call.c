/* SPDX-License-Identifier: BSD-3-Clause
 * Calls: what the engine does on each SIP event, on its own timers (answer
 * delay, hold time, UAC timeout) and when the data plane gives a slot back.
 * Counting follows RFC 6076: a call is attempted once, and ends either
 * succeeded (answered 2xx) or failed with a status and a reason. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp_priv.h"

static struct cp_call *call_of(struct mbl_cp *cp, void *user)
{
	uintptr_t i = (uintptr_t)user;

	return i == 0 || i > cp->conf.limit ? NULL : &cp->calls[i - 1];
}

static void *user_of(struct mbl_cp *cp, struct cp_call *c)
{
	return (void *)(uintptr_t)(cp_idx(cp, c) + 1);
}

static uint32_t rnd(struct mbl_cp *cp)
{
	return mbl_xorshift32(&cp->rng);
}

static uint64_t hold_ns(struct mbl_cp *cp)
{
	const struct mbl_cp_conf *c = &cp->conf;
	double ms = c->hold_a_ms;

	if (c->hold == MBL_CP_HOLD_UNIFORM)
		ms = c->hold_a_ms + (double)rnd(cp) / 4294967296.0 * (c->hold_b_ms - c->hold_a_ms);
	else if (c->hold == MBL_CP_HOLD_EXP)
		ms = -log1p(-(double)rnd(cp) / 4294967296.0) * c->hold_a_ms;
	return (uint64_t)(ms * 1e6);
}

void cp_count_reason(struct mbl_cp *cp, const char *reason)
{
	struct mbl_cp_stats *st = &cp->st;
	unsigned i;

	for (i = 0; i < MBL_CP_MAX_REASONS && st->reason[i] != NULL; i++)
		if (strncmp(st->reason[i], reason, MBL_CP_REASON_LEN - 1) == 0)
			break;
	if (i == MBL_CP_MAX_REASONS - 1 && st->reason[i] == NULL)
		reason = "other reasons";
	else if (i == MBL_CP_MAX_REASONS)
		i--; /* the table is full: the last slot holds "other reasons" */
	if (st->reason[i] == NULL) {
		snprintf(st->reason_buf[i], MBL_CP_REASON_LEN, "%s", reason);
		st->reason[i] = st->reason_buf[i];
	}
	st->reason_n[i]++;
}

void cp_count_reasonf(struct mbl_cp *cp, const char *fmt, ...)
{
	char text[MBL_CP_REASON_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	cp_count_reason(cp, text);
}

static void count_answer(struct mbl_cp *cp, struct cp_call *c, uint64_t now)
{
	c->answered = true;
	cp->st.succeeded++;
	if (cp->st.first_answer_ns == 0)
		cp->st.first_answer_ns = now;
	cp->st.last_answer_ns = now;
}

void cp_fail(struct mbl_cp *cp, struct cp_call *c, int status, const char *reason)
{
	if (c->failed_counted || c->end_counted)
		return;
	if (c->end_cancel && !c->answered) { /* the run ended, not the call */
		c->end_counted = true;
		cp->st.cancelled_at_end++;
		return;
	}
	c->failed_counted = true;
	cp_cdr_fail(c, status, reason);
	cp->st.failed++;
	if (status >= 100 && status < 700)
		cp->st.by_status[status]++;
	cp_count_reason(cp, reason);
}

static struct cp_call *call_alloc(struct mbl_cp *cp)
{
	struct cp_call *c;

	if (cp->free_head == UINT32_MAX)
		return NULL;
	c = &cp->calls[cp->free_head];
	cp->free_head = c->next_free;
	if (cp->free_head == UINT32_MAX)
		cp->free_tail = UINT32_MAX;
	memset(c, 0, sizeof(*c));
	cp->live++;
	cp->st.concurrent = cp->live;
	cp->st.concurrent_max = MBL_MAX(cp->st.concurrent_max, cp->live);
	return c;
}

static void call_free(struct mbl_cp *cp, struct cp_call *c)
{
	uint32_t idx = cp_idx(cp, c);

	cp_timer_clear(cp, idx);
	if (c->cdr.t_end == 0)
		c->cdr.t_end = mbl_time_ns();
	cp_cdr_write(cp, c);
	explicit_bzero(c->keys, sizeof(c->keys));
	explicit_bzero(&c->now, sizeof(c->now));
	if (c->ans != NULL) {
		explicit_bzero(c->ans, sizeof(*c->ans));
		free(c->ans);
		c->ans = NULL;
	}
	c->state = CP_FREE;
	c->sc = NULL;
	/* FIFO: a slot rests as long as possible before its next call, so
	 * the last packets of the previous call have drained (they would be
	 * refused by the new call's keys) */
	c->next_free = UINT32_MAX;
	if (cp->free_tail == UINT32_MAX)
		cp->free_head = idx;
	else
		cp->calls[cp->free_tail].next_free = idx;
	cp->free_tail = idx;
	cp->live--;
	cp->st.concurrent = cp->live;
	cp->st.last_ns = mbl_time_ns();
}

/* SIP is over for this call: give the media slot back (the data plane
 * answers through cp_media_result), or free the call now. */
static void dtls_failed(struct mbl_cp *cp, struct cp_call *c, const char *reason)
{
	c->dtls_wait = false;
	if (c->answered) {
		c->answered = false;
		cp->st.succeeded--;
	}
	cp->st.dtls_failed++;
	cp_fail(cp, c, 0, reason);
}

/* A call whose ICE failed (or never selected a pair) never had media. */
static void ice_failed(struct mbl_cp *cp, struct cp_call *c, const char *reason)
{
	c->ice_wait = c->dtls_wait = false; /* DTLS never began: not its failure */
	if (c->answered) {
		c->answered = false;
		cp->st.succeeded--;
	}
	cp->st.ice_failed++;
	cp_fail(cp, c, 0, reason);
}

static void release(struct mbl_cp *cp, struct cp_call *c)
{
	/* ICE, DTLS-SRTP: a call that ends before its pair was selected or
	 * its handshake done never had (secure) media, whoever hung up */
	if (c->ice_wait)
		ice_failed(cp, c, "ice_unfinished");
	if (c->dtls_wait)
		dtls_failed(cp, c, "dtls_unfinished");
	c->cdr.t_end = mbl_time_ns();
	c->sc = NULL;
	cp_timer_clear(cp, cp_idx(cp, c));
	if (c->media_on) {
		c->state = CP_RELEASING;
		cp_media_stop(cp, cp_idx(cp, c));
		return;
	}
	call_free(cp, c);
}

void cp_media_result(void *arg, const struct mbl_dp_stream_result *r)
{
	struct mbl_cp *cp = arg;
	struct cp_call *c = call_of(cp, r->user);

	if (c == NULL)
		return;
	c->cdr.media_result = true;
	c->cdr.tx_packets = r->tx_packets;
	c->cdr.rx_packets = r->rx_packets;
	c->cdr.lost = r->lost;
	c->cdr.tx_rtcp = r->tx_rtcp;
	c->cdr.rx_rtcp = r->rx_rtcp;
	c->cdr.jitter_ms = r->jitter_mean_ms;
	c->cdr.srtp_auth_fail = r->srtp_auth_fail;
	c->cdr.peer = r->peer;
	c->cdr.rtt_ms = r->rtt_ms;
	c->cdr.tx_bytes = r->tx_bytes;
	c->cdr.rx_bytes = r->rx_bytes;
	if (r->rx_packets > 0 && cp->dp != NULL) {
		double loss = 100.0 * (double)r->lost / (double)(r->rx_packets + r->lost);

		c->cdr.mos = mbl_dp_mos(cp->dp, loss, r->delay_mean_ms, r->jitter_mean_ms);
		mbl_hist_add(&cp->st.mos_x100, (uint64_t)(c->cdr.mos * 100 + 0.5));
	}
	if (r->rx_packets > 0 && r->tx_packets > 0)
		cp->st.media_ok++;
	else
		cp->st.media_missing++;
	c->media_on = false;
	if (c->state == CP_RELEASING)
		call_free(cp, c);
}

/* The call's DTLS-SRTP handshake ended. A failed one fails the call, even
 * one already counted as answered: its media never could flow. */
void cp_dtls_result(void *arg, const struct mbl_dp_dtls_result *r)
{
	struct mbl_cp *cp = arg;
	struct cp_call *c;

	if (r->stream >= cp->conf.limit)
		return;
	c = &cp->calls[r->stream];
	if (!c->media_on || !c->dtls_wait)
		return; /* not this call's handshake */
	c->dtls_wait = false;
	c->cdr.dtls_ns = r->handshake_ns;
	if (r->ok) {
		c->cdr.dtls_done = true;
		c->cdr.dtls_suite = (uint8_t)r->suite;
		if (r->suite < MBL_SRTP_SUITE_MAX)
			cp->st.dtls_by_profile[r->suite]++;
		if (cp->conf.key_log != NULL)
			cp_key_log(cp, r->stream, c->raddr, r->tx_key, r->rx_key, c->ssrc);
		return;
	}
	MBL_LOG_RL(MBL_LOG_WARN, "call %s: DTLS-SRTP handshake failed: %s",
		   c->sc != NULL ? mbl_sip_call_id(c->sc) : "?", mbl_dtls_fail_name(r->fail));
	dtls_failed(cp, c, mbl_dtls_fail_name(r->fail));
	if (c->state == CP_UP)
		cp_hangup(cp, r->stream, mbl_time_ns());
}

/* The call's ICE agent selected a pair, or failed (no pair worked, or
 * consent lost, RFC 7675 5.1): then the call fails, even one counted as
 * answered, and is hung up. */
void cp_ice_result(void *arg, const struct mbl_dp_ice_result *r)
{
	struct mbl_cp *cp = arg;
	struct cp_call *c;

	if (r->stream >= cp->conf.limit)
		return;
	c = &cp->calls[r->stream];
	if (!c->media_on || c->state == CP_RELEASING || c->state == CP_FREE)
		return; /* not this call's agent */
	if (r->ok) {
		c->ice_wait = false;
		c->cdr.ice_done = true;
		c->cdr.ice_ns = r->select_ns;
		return;
	}
	MBL_LOG_RL(MBL_LOG_WARN, "call %s: ICE failed: %s",
		   c->sc != NULL ? mbl_sip_call_id(c->sc) : "?", mbl_ice_fail_name(r->fail));
	ice_failed(cp, c, mbl_ice_fail_name(r->fail));
	if (c->state == CP_UP)
		cp_hangup(cp, r->stream, mbl_time_ns());
}

/* [fieldN] of the call's CSV row (sip.inject_file) in tmpl, or tmpl. */
static int csv_text(const struct mbl_cp *cp, const struct cp_call *c, const char *tmpl,
		    char *out, size_t len)
{
	if (cp->csv == NULL)
		return snprintf(out, len, "%s", tmpl) < (int)len ? 0 : -ENOSPC;
	return mbl_sip_csv_subst(cp->csv, c->csv_row, tmpl, out, len) < 0 ? -EINVAL : 0;
}

/* The call's Request-URI and From: the engine's own, or with the users of
 * its CSV row. */
static int call_uris(struct mbl_cp *cp, const struct cp_call *c, char *to, size_t tolen,
		     char *from, size_t fromlen)
{
	const char *scheme = cp_uri_scheme(cp->conf.proto);
	char tu[128], fu[128];
	const char *at;

	if (cp->csv == NULL) {
		snprintf(to, tolen, "%s", cp->target_uri);
		/* From names the call's own local address (as it names the one
		 * listen address with a single one) */
		if (cp->n_loc > 1)
			snprintf(from, fromlen, "%s:%s@%s", scheme, cp->conf.from_user,
				 mbl_sip_ua_local_hostport(cp->ua, c->local));
		else
			snprintf(from, fromlen, "%s", cp->from_uri);
		return 0;
	}
	if (csv_text(cp, c, cp->conf.to_user, tu, sizeof(tu)) < 0 ||
	    csv_text(cp, c, cp->conf.from_user, fu, sizeof(fu)) < 0)
		return -EINVAL;
	/* the engine's URIs with the user parts replaced */
	at = strchr(cp->target_uri, '@');
	snprintf(to, tolen, "%s:%s%s", scheme, tu, at != NULL ? at : "");
	snprintf(from, fromlen, "%s:%s@%s", scheme, fu, mbl_sip_ua_local_hostport(cp->ua, c->local));
	return 0;
}

int cp_place_call(struct mbl_cp *cp, uint64_t now)
{
	struct cp_call *c = call_alloc(cp);
	struct mbl_sdp_local l;
	char sdp[4096], to[512], from[512];
	int n;

	if (c == NULL)
		return -EBUSY;
	if ((n = cp_sdp_local(cp, cp_idx(cp, c), &l)) < 0 ||
	    (n = mbl_sdp_offer(&l, sdp, sizeof(sdp))) < 0) {
		char why[200];

		if (mbl_sdp_local_check(&l, why, sizeof(why)) == 0)
			snprintf(why, sizeof(why), "%s", strerror(-n));
		MBL_LOG_RL(MBL_LOG_ERR, "cannot make an SDP offer: %s", why);
		call_free(cp, c);
		return n;
	}
	c->csv_row = cp->csv != NULL ? mbl_sip_csv_pick(cp->csv, cp->placed) : 0;
	c->local = (uint16_t)(cp->placed % cp->n_loc); /* round-robin over sip.listen */
	if (call_uris(cp, c, to, sizeof(to), from, sizeof(from)) < 0) {
		cp_fail(cp, c, 0, "sip.inject_file: a [field] of this row is missing");
		cp->placed++;
		cp->st.attempted++;
		call_free(cp, c);
		return 0;
	}
	cp->placed++;
	cp->st.attempted++;
	if (cp->st.first_ns == 0)
		cp->st.first_ns = now;
	c->t_invite = now;
	c->state = CP_INVITING;
	cp_local_count(cp, c->local);
	c->sc = mbl_sip_call_invite_from(cp->ua, c->local, to, from,
					 (const struct sockaddr *)&cp->conf.target,
					 cp->conf.target_len, sdp, user_of(cp, c), now);
	cp_cdr_begin(c);
	cp_addr_fmt((const struct sockaddr *)&cp->conf.target, c->cdr.remote_sip,
		    sizeof(c->cdr.remote_sip));
	if (c->sc == NULL) {
		cp_fail(cp, c, 0, errno == ENOBUFS ? "sip table full" : "cannot send INVITE");
		call_free(cp, c);
		return 0;
	}
	cp_timer_set(cp, cp_idx(cp, c), CP_T_TIMEOUT, now + (uint64_t)cp->conf.timeout_ms * 1000000);
	/* the answerer may check (ICE) or start DTLS before its answer
	 * reaches us */
	if (cp->conf.media && (l.enc == MBL_SDP_ENC_DTLS || l.enc == MBL_SDP_ENC_DUAL ||
			       l.ice != MBL_SDP_ICE_OFF))
		mbl_dp_dtls_expect(cp->dp, cp_idx(cp, c),
				   now + (uint64_t)cp->conf.timeout_ms * 1000000);
	return 0;
}

void cp_hangup(struct mbl_cp *cp, uint32_t idx, uint64_t now)
{
	struct cp_call *c = &cp->calls[idx];

	switch (c->state) {
	case CP_INVITING:
		if (c->sc == NULL || mbl_sip_call_cancel(c->sc, now) < 0)
			break;
		c->state = CP_ENDING;
		break;
	case CP_RINGING:
		/* the engine stops: a UAS refuses what it had not answered */
		cp_fail(cp, c, 480, "stopped before answer");
		if (c->sc != NULL)
			mbl_sip_call_respond(c->sc, 480, NULL, NULL, now);
		release(cp, c);
		break;
	case CP_UP:
		if (c->sc != NULL && mbl_sip_call_bye(c->sc, now) == 0)
			c->state = CP_ENDING;
		break;
	default:
		break;
	}
}

void cp_timer_fire(struct mbl_cp *cp, uint32_t idx, uint64_t now)
{
	struct cp_call *c = &cp->calls[idx];
	enum cp_timer t = c->timer;

	c->timer = CP_T_NONE;
	switch (t) {
	case CP_T_TIMEOUT: /* UAC: no final answer in time: CANCEL */
		cp_fail(cp, c, 408, "no answer (call.timeout_ms)");
		cp_hangup(cp, idx, now);
		break;
	case CP_T_UP:
		cp_up_timer(cp, idx, now);
		break;
	case CP_T_ANSWER:
		if (c->state == CP_RINGING)
			cp_uas_answer(cp, c, now);
		break;
	default:
		break;
	}
}

/* ---- UAC events --------------------------------------------------------------- */

static void uac_answered(struct mbl_cp *cp, struct cp_call *c, const struct mbl_sip_ev *ev,
			 uint64_t now)
{
	struct mbl_sdp_local l;
	struct mbl_sdp_remote r;
	struct mbl_sdp_result res;
	char why[200];

	c->t_answer = now;
	c->cdr.answer_status = (uint16_t)ev->status;
	mbl_hist_add(&cp->st.setup_us, (now - c->t_invite) / 1000);
	if (!c->got_18x) /* RFC 6076 4.1: PDD ends at the first 18x or the final */
		mbl_hist_add(&cp->st.pdd_us, (now - c->t_invite) / 1000);
	cp_timer_clear(cp, cp_idx(cp, c));
	c->state = CP_UP;
	if (ev->body == NULL || mbl_sdp_parse(ev->body, ev->body_len, &r, why, sizeof(why)) < 0 ||
	    cp_sdp_local(cp, cp_idx(cp, c), &l) < 0 ||
	    mbl_sdp_accept_answer(&l, &r, &res, why, sizeof(why)) < 0 ||
	    cp_media_start(cp, cp_idx(cp, c), &res, why, sizeof(why)) < 0) {
		MBL_LOG_RL(MBL_LOG_WARN, "call %s: answer not acceptable: %s",
			   mbl_sip_call_id(c->sc), ev->body == NULL ? "no SDP" : why);
		cp_fail(cp, c, ev->status, "answer SDP not acceptable");
		cp_hangup(cp, cp_idx(cp, c), now);
		return;
	}
	count_answer(cp, c, now);
	c->hangup_at = now + hold_ns(cp);
	cp_up_start(cp, c, now);
}

static void uac_challenge(struct mbl_cp *cp, struct cp_call *c, const struct mbl_sip_ev *ev,
			  uint64_t now)
{
	struct mbl_sip_auth_challenge ch;
	char authz[1024], err[160], user[128], pass[160], to[512], from[512];

	memset(&ch, 0, sizeof(ch));
	if (cp->conf.auth_user[0] == '\0' ||
	    csv_text(cp, c, cp->conf.auth_user, user, sizeof(user)) < 0 ||
	    csv_text(cp, c, cp->conf.auth_password, pass, sizeof(pass)) < 0 ||
	    call_uris(cp, c, to, sizeof(to), from, sizeof(from)) < 0 ||
	    mbl_sip_auth_parse_challenge(ev->challenge, &ch, err, sizeof(err)) < 0 ||
	    mbl_sip_auth_answer(&ch, user, pass, "INVITE", to, authz, sizeof(authz)) < 0 ||
	    mbl_sip_call_auth(c->sc, authz, now) < 0) {
		cp_fail(cp, c, ev->proxy_auth ? 407 : 401, "authentication refused or impossible");
		mbl_sip_call_cancel(c->sc, now);
	}
	explicit_bzero(authz, sizeof(authz));
	explicit_bzero(pass, sizeof(pass));
}

/* ---- UAS ------------------------------------------------------------------------- */

void cp_uas_answer(struct mbl_cp *cp, struct cp_call *c, uint64_t now)
{
	char why[200];

	if (mbl_sip_call_respond(c->sc, cp->conf.answer_code, c->ans->sdp, NULL, now) < 0) {
		cp_fail(cp, c, 500, "cannot send the answer");
		release(cp, c);
		return;
	}
	if (cp->conf.answer_code >= 300) { /* a configured failure answer */
		cp_fail(cp, c, cp->conf.answer_code, "answered with call.answer_code");
		c->sc = NULL; /* the UA frees a call it answered with a failure */
		release(cp, c);
		return;
	}
	c->state = CP_UP;
	c->t_answer = now;
	c->cdr.answer_status = (uint16_t)cp->conf.answer_code;
	count_answer(cp, c, now);
	if (cp_media_start(cp, cp_idx(cp, c), &c->ans->res, why, sizeof(why)) < 0)
		MBL_LOG_RL(MBL_LOG_WARN, "call %s: media not started: %s", mbl_sip_call_id(c->sc),
			   why);
	explicit_bzero(c->ans, sizeof(*c->ans));
	free(c->ans);
	c->ans = NULL;
	if (cp->conf.uas_hangup)
		c->hangup_at = now + hold_ns(cp);
	cp_up_start(cp, c, now);
}

static void uas_refuse(struct mbl_cp *cp, struct cp_call *c, struct mbl_sip_call *sc,
		       int status, const char *reason, uint64_t now)
{
	mbl_sip_call_respond(sc, status, NULL, NULL, now);
	cp_fail(cp, c, status, reason);
	c->sc = NULL;
	release(cp, c);
}

/* A warn-text is a quoted-string (RFC 3261 25.1): no '"', '\\' or
 * control characters inside; our parser's texts never quote keys. */
static void warn_text(char *dst, size_t len, const char *why)
{
	size_t i;

	for (i = 0; i + 1 < len && why[i] != '\0'; i++)
		dst[i] = why[i] == '"' || why[i] == '\\' ? '\'' : (unsigned char)why[i] < 0x20 ?
			' ' : why[i];
	dst[i] = '\0';
}

/* 488 with the reason for the peer (a Warning header, RFC 3261 20.43:
 * 306 attribute, 302 profile/security, 304 stream, 305 codec), the log
 * and the report: an engineer learns why without a capture. */
static void uas_refuse_sdp(struct mbl_cp *cp, struct cp_call *c, struct mbl_sip_call *sc,
			   int warn_code, const char *what, const char *why, uint64_t now)
{
	char hdr[MBL_CP_REASON_LEN + 40], text[MBL_CP_REASON_LEN];

	warn_text(text, sizeof(text), why);
	snprintf(hdr, sizeof(hdr), "Warning: %d mediablast \"%s\"", warn_code, text);
	mbl_sip_call_respond(sc, 488, NULL, hdr, now);
	MBL_LOG_RL(MBL_LOG_WARN, "call %s: 488 %s: %s", mbl_sip_call_id(sc), what, text);
	snprintf(hdr, sizeof(hdr), "488 %s: %s", what, text);
	cp_fail(cp, c, 488, hdr);
	c->sc = NULL;
	release(cp, c);
}

static void uas_incoming(struct mbl_cp *cp, const struct mbl_sip_ev *ev, uint64_t now)
{
	struct cp_call *c;
	struct mbl_sdp_local l;
	struct mbl_sdp_remote r;
	char why[200];

	if (cp_auth_invite(cp, ev, now) != 0)
		return; /* challenged or refused */
	c = call_alloc(cp);
	if (c == NULL) { /* at call.limit */
		mbl_sip_call_respond(ev->call, 503, NULL, "Retry-After: 1", now);
		cp->st.attempted++;
		cp->st.failed++;
		cp->st.by_status[503]++;
		cp_count_reason(cp, "over call.limit (503)");
		cp_cdr_refused(cp, mbl_sip_call_id(ev->call), 503, "over call.limit (503)");
		return;
	}
	cp->st.attempted++;
	if (cp->st.first_ns == 0)
		cp->st.first_ns = now;
	c->sc = ev->call;
	cp_cdr_begin(c);
	if (ev->src != NULL)
		cp_addr_fmt(ev->src, c->cdr.remote_sip, sizeof(c->cdr.remote_sip));
	c->local = (uint16_t)mbl_sip_call_local(ev->call);
	cp_local_count(cp, c->local);
	c->t_invite = now;
	mbl_sip_call_set_user(ev->call, user_of(cp, c));
	if (cp->conf.fail_pct != 0 && rnd(cp) % 100 < cp->conf.fail_pct) {
		uas_refuse(cp, c, ev->call, cp->conf.fail_code, "answered with call.fail_code", now);
		return;
	}
	c->ans = calloc(1, sizeof(*c->ans));
	if (c->ans == NULL) {
		uas_refuse(cp, c, ev->call, 500, "out of memory", now);
		return;
	}
	if (ev->body == NULL) {
		uas_refuse_sdp(cp, c, ev->call, 304, "no offer", "the INVITE has no SDP body", now);
		return;
	}
	if (mbl_sdp_parse(ev->body, ev->body_len, &r, why, sizeof(why)) < 0) {
		uas_refuse_sdp(cp, c, ev->call, 399, "offer SDP unusable", why, now);
		return;
	}
	if (cp_sdp_local(cp, cp_idx(cp, c), &l) < 0) {
		uas_refuse(cp, c, ev->call, 500, "cannot make SRTP keys", now);
		return;
	}
	if (mbl_sdp_answer(&l, &r, &c->ans->res, c->ans->sdp, sizeof(c->ans->sdp), why,
			   sizeof(why)) < 0) {
		uas_refuse_sdp(cp, c, ev->call, c->ans->res.warn_code ? c->ans->res.warn_code : 399,
			       "no acceptable media", why, now);
		explicit_bzero(&r, sizeof(r));
		return;
	}
	if (cp->conf.answer_delay_ms == 0) {
		cp_uas_answer(cp, c, now);
		return;
	}
	c->state = CP_RINGING;
	mbl_sip_call_respond(ev->call, 180, NULL, NULL, now);
	cp_timer_set(cp, cp_idx(cp, c), CP_T_ANSWER,
		     now + (uint64_t)cp->conf.answer_delay_ms * 1000000);
}

/* ---- the UA's events ----------------------------------------------------------- */

static void fail_warned(struct mbl_cp *cp, struct cp_call *c, const struct mbl_sip_ev *ev)
{
	char text[MBL_CP_REASON_LEN];

	snprintf(text, sizeof(text), "%d %s; Warning: %s", ev->status, ev->reason, ev->warning);
	MBL_LOG_RL(MBL_LOG_WARN, "call %s: %s", mbl_sip_call_id(ev->call), text);
	cp_fail(cp, c, ev->status, text);
}

static void terminal(struct mbl_cp *cp, struct cp_call *c, const struct mbl_sip_ev *ev)
{
	switch (ev->type) {
	case MBL_SIP_EV_FAILED: {
		const char *reason = ev->reason;

		/* a transport failure toward the target names the cause */
		if (cp->tp_err != NULL && mbl_time_ns() - cp->tp_err_ns < 64ull * cp->conf.t1_ms *
									   1000000 * 2)
			reason = cp->tp_err;
		if (ev->warning != NULL) /* the peer said why: keep it (RFC 3261 20.43) */
			fail_warned(cp, c, ev);
		else
			cp_fail(cp, c, ev->status, reason);
		break;
	}
	case MBL_SIP_EV_CANCELLED:
		cp_fail(cp, c, ev->status ? ev->status : 487, cp->conf.uac ?
			"cancelled (no answer)" : "cancelled by the caller");
		break;
	case MBL_SIP_EV_ENDED:
		if (ev->status >= 300 || ev->status == 0)
			cp->st.bye_failed++;
		break;
	default:
		break;
	}
	release(cp, c);
}

void cp_event(void *arg, struct mbl_sip_ev *ev)
{
	struct mbl_cp *cp = arg;
	struct cp_call *c = call_of(cp, ev->user);
	uint64_t now = mbl_time_ns();

	if (ev->type == MBL_SIP_EV_INCOMING) {
		uas_incoming(cp, ev, now);
		return;
	}
	if (ev->type == MBL_SIP_EV_REGISTER) {
		cp_auth_register(cp, ev);
		return;
	}
	if (ev->type == MBL_SIP_EV_RESPONSE) {
		cp_reg_response(cp, ev, now);
		return;
	}
	if (c == NULL || c->state == CP_FREE)
		return;
	switch (ev->type) {
	case MBL_SIP_EV_PROGRESS:
		if (!c->got_18x && ev->status >= 180) {
			c->got_18x = true;
			c->cdr.t_18x = now;
			mbl_hist_add(&cp->st.pdd_us, (now - c->t_invite) / 1000);
		}
		break;
	case MBL_SIP_EV_ANSWERED:
		if (ev->reinvite)
			cp_reinvite_answered(cp, c, ev, now);
		else if (c->state == CP_INVITING)
			uac_answered(cp, c, ev, now);
		break;
	case MBL_SIP_EV_REINVITE_FAILED:
		cp_reinvite_failed(cp, c, ev, now);
		break;
	case MBL_SIP_EV_CHALLENGE:
		uac_challenge(cp, c, ev, now);
		break;
	case MBL_SIP_EV_REINVITE:
		cp_reinvite_in(cp, c, ev, now);
		break;
	case MBL_SIP_EV_FAILED:
	case MBL_SIP_EV_REMOTE_BYE:
	case MBL_SIP_EV_ENDED:
	case MBL_SIP_EV_CANCELLED:
		terminal(cp, c, ev);
		break;
	default:
		break;
	}
}
