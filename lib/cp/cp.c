/* SPDX-License-Identifier: BSD-3-Clause
 * Call engine life cycle and its loop: transport I/O, SIP timers, calls due
 * by the pacer, call timers and data-plane replies, in that order. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <arpa/inet.h>

#include "cp_priv.h"

/* "IP" text and port of a socket address. */
static void addr_fmt(const struct sockaddr *sa, char *host, size_t len, uint16_t *port)
{
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

		inet_ntop(AF_INET6, &s6->sin6_addr, host, (socklen_t)len);
		*port = ntohs(s6->sin6_port);
	} else {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;

		inet_ntop(AF_INET, &s4->sin_addr, host, (socklen_t)len);
		*port = ntohs(s4->sin_port);
	}
}

void cp_addr_fmt(const struct sockaddr *sa, char *out, size_t len)
{
	char host[INET6_ADDRSTRLEN];
	uint16_t port;

	addr_fmt(sa, host, sizeof(host), &port);
	snprintf(out, len, sa->sa_family == AF_INET6 ? "[%s]:%u" : "%s:%u", host, port);
}

static void tp_msg(void *arg, const struct mbl_sip_tp_src *src, const char *buf, size_t len)
{
	struct mbl_cp *cp = arg;

	mbl_sip_ua_input_local(cp->ua, cp_local_of(cp, src), buf, len,
			       (const struct sockaddr *)&src->peer, src->peer_len, src->conn_id,
			       mbl_time_ns());
}

/* A failed connection toward our target names the reason later failures of
 * calls on it get (TLS: unknown CA, wrong name, expired are distinct). */
static void tp_err(void *arg, uint32_t conn_id, const struct sockaddr *peer,
		   enum mbl_sip_tp_err why)
{
	struct mbl_cp *cp = arg;

	(void)peer;
	cp->tp_err = mbl_sip_tp_err_name(why);
	cp->tp_err_ns = mbl_time_ns();
	MBL_LOG_RL(MBL_LOG_WARN, "sip: connection failed: %s", mbl_sip_tp_err_desc(why));
	/* what was sent on it gets no answer: fail it now, not at timer B */
	mbl_sip_ua_conn_lost(cp->ua, conn_id, cp->tp_err_ns);
}

/* From the message's local address: the socket (UDP), the connection's
 * source IP (TCP/TLS: one connection per local IP and peer, reused). */
static int ua_send(void *arg, unsigned local, const struct sockaddr *to, socklen_t tolen,
		   uint32_t conn_id, const char *buf, size_t len)
{
	struct mbl_cp *cp = arg;
	/* streams answer with the connection id, which the UA keeps (a
	 * transaction on a connection that fails ends at once) */
	return mbl_sip_tp_send(cp->tp, cp->conf.proto, to, tolen, cp_local_sa(cp, local), conn_id,
			       cp->conf.uac ? cp->conf.target_host : NULL, buf, len);
}

static int make_transport(struct mbl_cp *cp, char *err, size_t errlen)
{
	struct mbl_sip_tp_conf tc = {
		.tls = cp->conf.tls,
		.udp_batch = true,
		.on_msg = tp_msg,
		.on_conn_error = tp_err,
		.arg = cp,
		.ws_path = cp->conf.ws_path[0] ? cp->conf.ws_path : NULL,
		.ws_origin = cp->conf.ws_origin[0] ? cp->conf.ws_origin : NULL,
	};

	cp->tp = mbl_sip_tp_create(&tc, err, errlen);
	if (cp->tp == NULL)
		return -errno;
	/* a TLS UAC without a certificate only connects out: requests of its
	 * dialogs come back on the connections it opened (RFC 3261 18); a
	 * WebSocket client never listens (RFC 7118 5.2) */
	if (cp->conf.uac && ((cp->conf.proto == MBL_SIP_TLS && cp->conf.tls.cert_file == NULL) ||
			     mbl_sip_proto_ws(cp->conf.proto)))
		return 0;
	if (cp_local_listen(cp, err, errlen) < 0)
		return -EADDRNOTAVAIL;
	return 0;
}

/* RFC 7118 5.2: a WebSocket client names a random "<token>.invalid" host
 * in Via and Contact, as browser stacks do (12 letters and digits). */
static void invalid_host(struct mbl_cp *cp, char *out, size_t len)
{
	static const char abc[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	char tok[13];

	for (unsigned i = 0; i < 12; i++) {
		cp->rng ^= cp->rng << 13, cp->rng ^= cp->rng >> 17, cp->rng ^= cp->rng << 5;
		tok[i] = abc[cp->rng % (sizeof(abc) - 1)];
	}
	tok[12] = '\0';
	snprintf(out, len, "%s.invalid", tok);
}

static int make_ua(struct mbl_cp *cp, char *err, size_t errlen)
{
	struct mbl_sip_ua_conf uc;
	struct mbl_sip_ua_ops ops = { .send_local = ua_send, .event = cp_event, .arg = cp };
	char host[64], via[32];
	uint16_t port;

	mbl_sip_ua_conf_defaults(&uc);
	if (cp->conf.uac && mbl_sip_proto_ws(cp->conf.proto)) {
		invalid_host(cp, via, sizeof(via));
		uc.via_host = via;
	}
	addr_fmt((const struct sockaddr *)&cp->conf.listen, host, sizeof(host), &port);
	uc.local_host = host;
	uc.local_port = port;
	uc.transport = cp->conf.proto;
	uc.user_agent = cp->conf.user_agent;
	uc.t1_ms = cp->conf.t1_ms;
	uc.t2_ms = cp->conf.t2_ms;
	uc.t4_ms = cp->conf.t4_ms;
	uc.max_calls = cp->conf.limit + 64;
	uc.max_txns = cp->conf.max_txns ? cp->conf.max_txns : MBL_MAX(8 * uc.max_calls, 65536u);
	/* a UAS that answers at once needs no 100 Trying (RFC 3261 8.2.6.1:
	 * only when the final answer takes longer than 200 ms) */
	uc.auto_100 = cp->conf.uac || cp->conf.answer_delay_ms > 0;
	uc.seed = cp->conf.seed;
	uc.register_event = !cp->conf.uac; /* a UAS registrar may challenge */
	cp->ua = mbl_sip_ua_create(&uc, &ops);
	if (cp->ua == NULL) {
		snprintf(err, errlen, "cannot create the SIP user agent (%s)", strerror(errno));
		return -errno;
	}
	return cp_local_ua(cp, err, errlen);
}

static void uris(struct mbl_cp *cp)
{
	const struct mbl_cp_conf *c = &cp->conf;
	char host[64];
	uint16_t port;
	const char *scheme = cp_uri_scheme(c->proto);
	const char *tp = cp_uri_transport(c->proto);

	snprintf(cp->target_uri, sizeof(cp->target_uri), "%s:%s@%s%s", scheme, c->to_user,
		 c->domain[0] ? c->domain : c->target_host, tp);
	addr_fmt((const struct sockaddr *)&c->listen, host, sizeof(host), &port);
	snprintf(cp->from_uri, sizeof(cp->from_uri), "%s:%s@%s:%u", scheme, c->from_user, host,
		 port);
}

struct mbl_cp *mbl_cp_create(const struct mbl_cp_conf *conf, struct mbl_dp *dp, char *err,
			     size_t errlen)
{
	struct mbl_cp *cp = calloc(1, sizeof(*cp));
	int rc;

	if (cp == NULL || conf->limit == 0 || (conf->media && dp == NULL)) {
		snprintf(err, errlen, "call engine: bad configuration or out of memory");
		free(cp);
		errno = EINVAL;
		return NULL;
	}
	cp->conf = *conf;
	cp->dp = dp;
	if (conf->cdr != NULL)
		cp_cdr_header(conf->cdr);
	cp->calls = calloc(conf->limit, sizeof(*cp->calls));
	cp->heap = calloc(conf->limit, sizeof(*cp->heap));
	if (cp->calls == NULL || cp->heap == NULL) {
		snprintf(err, errlen, "out of memory for %u calls", conf->limit);
		rc = -ENOMEM;
		goto fail;
	}
	for (uint32_t i = 0; i < conf->limit; i++)
		cp->calls[i].next_free = i + 1 < conf->limit ? i + 1 : UINT32_MAX;
	cp->free_head = 0;
	cp->free_tail = conf->limit - 1;
	if (getrandom(&cp->rng, sizeof(cp->rng), 0) < 0 || cp->rng == 0)
		cp->rng = 0x2545f491u;
	if ((rc = cp_local_init(cp, err, errlen)) < 0 || (rc = make_transport(cp, err, errlen)) < 0 ||
	    (rc = make_ua(cp, err, errlen)) < 0)
		goto fail;
	uris(cp);
	if (conf->inject_file != NULL && conf->inject_file[0] != '\0' &&
	    (cp->csv = mbl_sip_csv_load(conf->inject_file, err, errlen)) == NULL) {
		rc = -EINVAL;
		goto fail;
	}
	if ((rc = cp_auth_init(cp, err, errlen)) < 0 || (rc = cp_reg_init(cp, err, errlen)) < 0)
		goto fail;
	if (dp != NULL) {
		mbl_dp_set_result_cb(dp, cp_media_result, cp);
		mbl_dp_set_dtls_cb(dp, cp_dtls_result, cp);
		mbl_dp_set_ice_cb(dp, cp_ice_result, cp);
	}
	cp->start_ns = mbl_time_ns();
	cp->next_call_ns = cp->start_ns;
	return cp;
fail:
	mbl_cp_free(cp);
	errno = -rc;
	return NULL;
}

void mbl_cp_free(struct mbl_cp *cp)
{
	if (cp == NULL)
		return;
	/* calls still alive at the end get their record too (unfinished) */
	for (uint32_t i = 0; cp->conf.cdr != NULL && cp->calls != NULL && i < cp->conf.limit; i++)
		if (cp->calls[i].state != CP_FREE)
			cp_cdr_write(cp, &cp->calls[i]);
	if (cp->conf.cdr != NULL)
		fflush(cp->conf.cdr);
	mbl_sip_ua_destroy(cp->ua);
	mbl_sip_csv_free(cp->csv);
	cp_auth_free(cp);
	cp_reg_free(cp);
	mbl_sip_tp_free(cp->tp);
	cp_local_free(cp);
	if (cp->dp != NULL)
		mbl_dp_set_result_cb(cp->dp, NULL, NULL);
	free(cp->calls);
	free(cp->heap);
	explicit_bzero(&cp->conf, sizeof(cp->conf));
	free(cp);
}

/* Calls per second now, ramping from 0 to rate over ramp_ms. */
static double rate_now(const struct mbl_cp *cp, uint64_t now)
{
	double r = cp->conf.rate, t_ms = (double)(now - cp->start_ns) / 1e6;

	if (cp->conf.ramp_ms != 0 && t_ms < cp->conf.ramp_ms)
		r = MBL_MAX(r * t_ms / cp->conf.ramp_ms, 1.0);
	return r;
}

/* UAC pacing: calls go out on a fixed grid (1/rate apart), never in bursts
 * to catch up beyond one poll's worth; the concurrency limit and the total
 * hold the grid back without skipping calls. */
static void pace(struct mbl_cp *cp, uint64_t now)
{
	unsigned n = 0;

	if (!cp->conf.uac || cp->stopping || cp->no_new || !cp->calls_go)
		return;
	while (now >= cp->next_call_ns && n++ < 256) {
		if (cp->conf.total != 0 && cp->placed >= cp->conf.total)
			return;
		if (cp->free_head == UINT32_MAX)
			return; /* at call.limit: wait */
		if (cp_place_call(cp, now) < 0)
			return;
		cp->next_call_ns += (uint64_t)(1e9 / rate_now(cp, now));
	}
	/* far behind (a stall): do not burst to catch up */
	if (now > cp->next_call_ns + 100000000ull)
		cp->next_call_ns = now;
}

static uint64_t next_wake(const struct mbl_cp *cp)
{
	uint64_t t = MBL_MIN(cp_timer_next(cp), mbl_sip_ua_next_timer_ns(cp->ua));

	t = MBL_MIN(t, cp_reg_next(cp));
	if (cp->conf.uac && !cp->stopping && !cp->no_new && cp->calls_go &&
	    cp->free_head != UINT32_MAX &&
	    (cp->conf.total == 0 || cp->placed < cp->conf.total))
		t = MBL_MIN(t, cp->next_call_ns);
	return t;
}

int mbl_cp_poll(struct mbl_cp *cp, int max_wait_ms)
{
	uint64_t now = mbl_time_ns(), wake = next_wake(cp);
	int wait = 0;
	uint32_t idx;

	if (wake > now)
		wait = (int)MBL_MIN((wake - now + 999999) / 1000000, (uint64_t)max_wait_ms);
	/* running handshakes and unreaped messages: the data plane answers
	 * within microseconds, look again soon */
	if (cp->dp != NULL && (mbl_dp_ctl_inflight(cp->dp) != 0 || cp->dtls_active != 0))
		wait = MBL_MIN(wait, 1);
	mbl_sip_tp_poll(cp->tp, wait);
	now = mbl_time_ns();
	if (cp->dp != NULL)
		cp->dtls_active = mbl_dp_dtls_poll(cp->dp, now);
	mbl_sip_ua_timers(cp->ua, now);
	cp_reg_poll(cp, now);
	pace(cp, now);
	while ((idx = cp_timer_due(cp, now)) != UINT32_MAX)
		cp_timer_fire(cp, idx, now);
	if (cp->dp != NULL)
		mbl_dp_ctl_reap(cp->dp, NULL);
	mbl_sip_tp_flush(cp->tp); /* what pacing and timers sent this turn */
	return 0;
}

void mbl_cp_stop(struct mbl_cp *cp)
{
	uint64_t now = mbl_time_ns();

	if (!cp->stopping) {
		cp->stopping = true;
		cp_reg_stop(cp, now);
	}
	for (uint32_t i = 0; i < cp->conf.limit; i++) {
		struct cp_call *c = &cp->calls[i];

		if (c->state == CP_FREE)
			continue;
		/* unanswered now: whatever ends it is the run's end */
		if ((c->state == CP_INVITING || c->state == CP_RINGING) && !c->answered &&
		    !c->failed_counted)
			c->end_cancel = true;
		cp_hangup(cp, i, now);
	}
	mbl_sip_tp_flush(cp->tp);
}

void mbl_cp_hold_new(struct mbl_cp *cp)
{
	cp->no_new = true;
}

uint64_t mbl_cp_in_setup(const struct mbl_cp *cp)
{
	uint64_t n = 0;

	for (uint32_t i = 0; i < cp->conf.limit; i++)
		n += cp->calls[i].state == CP_INVITING || cp->calls[i].state == CP_RINGING;
	return n;
}

/* After mbl_cp_stop, REGISTERs in flight (the Expires: 0 ones) keep the
 * engine alive too: the caller's bounded wait lets them end. */
uint64_t mbl_cp_live(const struct mbl_cp *cp)
{
	return cp->live + (cp->stopping ? cp->reg_inflight : 0);
}

bool mbl_cp_done(const struct mbl_cp *cp)
{
	return cp->conf.uac && cp->conf.total != 0 && cp->placed >= cp->conf.total &&
	       cp->live == 0;
}

const struct mbl_cp_stats *mbl_cp_stats(const struct mbl_cp *cp)
{
	return &cp->st;
}

void mbl_cp_sip_counts(const struct mbl_cp *cp, uint64_t *rtx_out, uint64_t *timeouts)
{
	const struct mbl_sip_ua_stats *us = mbl_sip_ua_stats(cp->ua);

	*rtx_out = us->rtx_out;
	*timeouts = us->timer_fired[MBL_SIP_TIMER_B] + us->timer_fired[MBL_SIP_TIMER_F] +
		    us->timer_fired[MBL_SIP_TIMER_H] + us->timer_fired[MBL_SIP_TIMER_NOACK] +
		    us->timer_fired[MBL_SIP_TIMER_CANCEL];
}
