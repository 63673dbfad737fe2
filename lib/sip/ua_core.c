/* SPDX-License-Identifier: BSD-3-Clause
 * The UA object: creation with every table sized up front, the input path
 * (parse, validate, transaction match, dialog), timers, statistics.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/random.h>

#include "sip_msg.h"
#include "ua_priv.h"

#define UA_SCRATCH (64 * 1024)
#define UA_MAX_TABLE (1u << 26)

void mbl_sip_ua_conf_defaults(struct mbl_sip_ua_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->symmetric_response = true;
	c->auto_100 = true;
}

/* The one place that turns bytes into an osip message: osip2's parser and
 * our validation layer (sip_msg.c: RFC 3261 8.2 checks osip2 lets through,
 * the RFC 4475 / 5118 torture outcomes). A request it rejects is answered
 * here, statelessly, with the status it chose (400, 415, 416, 420, 501,
 * 505...); a response it rejects is dropped (RFC 3261 18.1.2). */
static osip_message_t *ua_parse(struct mbl_sip_ua *ua, const char *buf, size_t len,
				const struct sockaddr *src, socklen_t srclen, uint32_t conn_id)
{
	struct mbl_sip_verdict v;
	osip_message_t *m = NULL;
	char out[2048];
	int n;

	/* WS / WSS deliver whole messages, as UDP does: no Content-Length
	 * needed (RFC 7118 5.1); on TCP / TLS it frames the stream (18.3) */
	if (mbl_sip_msg_parse(buf, len, conn_id != 0 && ua->stream, &m, &v) < 0)
		return NULL;
	if (v.kind == MBL_SIP_ACCEPT)
		return m;
	if (v.kind == MBL_SIP_REJECT) {
		n = mbl_sip_msg_error_response(m, buf, len, &v, out, sizeof(out));
		if (n > 0 && mbl_ua_send(ua, ua->in_local, (const struct sockaddr_storage *)src,
					 srclen, conn_id, out, (size_t)n) >= 0)
			ua->st.rejected++;
	}
	if (m != NULL)
		osip_message_free(m);
	return NULL;
}

/* RFC 3261 8.1.1: the headers every request and response must carry, and
 * the CSeq method of a request equal to its method (8.2.2 would answer 400;
 * a load generator's peer that breaks this is counted and dropped). */
static bool msg_ok(const osip_message_t *m)
{
	osip_via_t *v = osip_list_get(&m->vias, 0);

	if (!v || !v->host || !m->from || !m->to || !m->call_id || !m->call_id->number ||
	    !m->cseq || !m->cseq->number || !m->cseq->method)
		return false;
	if (MSG_IS_RESPONSE(m))
		return m->status_code >= 100 && m->status_code <= 699;
	return m->sip_method && m->req_uri && strcmp(m->sip_method, m->cseq->method) == 0;
}

void mbl_ua_clock(struct mbl_sip_ua *ua, uint64_t now_ns)
{
	if (!ua->wheel.n && ua->wheel.cur < (now_ns >> UA_TICK_SHIFT))
		ua->wheel.cur = now_ns >> UA_TICK_SHIFT;  /* idle: skip the empty past */
	ua->now = now_ns;
}

int mbl_sip_ua_input(struct mbl_sip_ua *ua, const char *buf, size_t len,
		     const struct sockaddr *src, socklen_t srclen, uint32_t conn_id,
		     uint64_t now_ns)
{
	return mbl_sip_ua_input_local(ua, 0, buf, len, src, srclen, conn_id, now_ns);
}

int mbl_sip_ua_input_local(struct mbl_sip_ua *ua, unsigned local, const char *buf, size_t len,
			   const struct sockaddr *src, socklen_t srclen, uint32_t conn_id,
			   uint64_t now_ns)
{
	osip_message_t *m;
	enum mbl_sip_method meth;

	if (!ua || !buf || !len || !src || !srclen || srclen > sizeof(struct sockaddr_storage) ||
	    local >= ua->n_local)
		return -EINVAL;
	mbl_ua_clock(ua, now_ns);
	/* read by whatever this input creates: server transactions, the
	 * stateless answers, a new dialog */
	ua->in_local = (uint16_t)local;
	m = ua_parse(ua, buf, len, src, srclen, conn_id);
	if (!m || !msg_ok(m)) {
		if (m)
			osip_message_free(m);
		ua->st.parse_errors++;
		return -EBADMSG;
	}
	if (MSG_IS_RESPONSE(m)) {
		meth = mbl_ua_method(m->cseq->method);
		ua->st.resp_in[meth]++;
		ua->st.status_in[m->status_code - 100]++;
		if (!mbl_ua_txn_input_response(ua, m, meth))
			mbl_ua_dialog_stray_response(ua, m);
		return 0;
	}
	meth = mbl_ua_method(m->sip_method);
	ua->st.req_in[meth]++;
	if (mbl_ua_txn_input_request(ua, m, meth, src, srclen))
		return 0;
	return mbl_ua_dialog_request(ua, m, meth, src, srclen, conn_id);
}

int mbl_sip_ua_timers(struct mbl_sip_ua *ua, uint64_t now_ns)
{
	struct ua_tm *tm;
	int n = 0;

	if (!ua)
		return 0;
	mbl_ua_clock(ua, now_ns);
	while ((tm = mbl_ua_wheel_pop(&ua->wheel, now_ns)) != NULL) {
		n++;
		if (tm->kind == UA_TM_TXN)
			mbl_ua_txn_timer(ua, tm);
		else
			mbl_ua_call_timer(ua, tm);
	}
	return n;
}

/* A client transaction still waiting for its final response over
 * conn_id. */
static bool txn_waits_on(const struct ua_txn *t, uint32_t conn_id)
{
	state_t st;

	if (!t->live || !t->tr || t->killed || t->linger != UA_LIVE ||
	    (t->conn_id != conn_id && t->sent_conn != conn_id))
		return false;
	st = t->tr->state;
	if (t->kind == UA_ICT)
		return st == ICT_CALLING || st == ICT_PROCEEDING;
	return t->kind == UA_NICT && (st == NICT_TRYING || st == NICT_PROCEEDING);
}

/* Two passes: mark, then end. The events of the second may free or
 * create transactions; a new one is never marked (txn_alloc clears the
 * flag). One scan of the pool per lost connection, which is rare. */
int mbl_sip_ua_conn_lost(struct mbl_sip_ua *ua, uint32_t conn_id, uint64_t now_ns)
{
	uint32_t i, end;
	int n = 0;

	if (!ua || !conn_id)
		return 0;
	mbl_ua_clock(ua, now_ns);
	end = ua->txn_unused;
	for (i = 0; i < end; i++)
		ua->txn_pool[i].lost = txn_waits_on(&ua->txn_pool[i], conn_id);
	for (i = 0; i < end; i++) {
		struct ua_txn *t = &ua->txn_pool[i];

		if (t->live && t->lost) {
			t->lost = false;
			mbl_ua_txn_tperr(ua, t);
			n++;
		}
	}
	return n;
}

uint64_t mbl_sip_ua_next_timer_ns(const struct mbl_sip_ua *ua)
{
	return ua ? mbl_ua_wheel_next(&ua->wheel) : UINT64_MAX;
}

const struct mbl_sip_ua_stats *mbl_sip_ua_stats(const struct mbl_sip_ua *ua)
{
	return ua ? &ua->st : NULL;
}

#define UA_NAME_(x) #x,
static const char *const timer_names[] = {MBL_SIP_TIMER_LIST(UA_NAME_)};
static const char *const ev_names[] = {MBL_SIP_EV_LIST(UA_NAME_)};

const char *mbl_sip_timer_name(enum mbl_sip_timer t)
{
	return (unsigned)t < MBL_SIP_TIMER_MAX ? timer_names[t] : "?";
}

const char *mbl_sip_ev_name(enum mbl_sip_ev_type t)
{
	return (unsigned)t < MBL_SIP_EV_MAX ? ev_names[t] : "?";
}

/* ---- creation ---------------------------------------------------------------------- */
/* An IPv6 literal goes in brackets (RFC 3261 25.1 hostport). */
static void fmt_hostport(char *out, size_t cap, const char *h, uint16_t port)
{
	snprintf(out, cap, strchr(h, ':') && h[0] != '[' ? "[%s]:%u" : "%s:%u", h, port);
}

static bool host_ok(const char *h)
{
	return h && *h && strlen(h) < 256 && !strpbrk(h, " \r\n;<>");
}

static int local_grow(struct mbl_sip_ua *ua)
{
	uint16_t cap = ua->local_cap ? (uint16_t)MBL_MIN(2u * ua->local_cap,
						       (unsigned)MBL_SIP_UA_MAX_LOCAL) : 8;
	char **n = realloc(ua->local_hp, cap * sizeof(*n));

	if (!n)
		return -ENOMEM;
	ua->local_hp = n;
	ua->local_cap = cap;
	return 0;
}

int mbl_sip_ua_add_local(struct mbl_sip_ua *ua, const char *host, uint16_t port)
{
	char hp[300];

	if (!ua || !host_ok(host))
		return -EINVAL;
	if (ua->n_local >= MBL_SIP_UA_MAX_LOCAL)
		return -ENOSPC;
	if (ua->n_local == ua->local_cap && local_grow(ua) < 0)
		return -ENOMEM;
	if (!port)
		port = mbl_ua_default_port(ua->conf.transport);
	if (ua->conf.via_host)
		snprintf(hp, sizeof(hp), "%s", ua->conf.via_host);
	else
		fmt_hostport(hp, sizeof(hp), host, port);
	ua->local_hp[ua->n_local] = strdup(hp);
	if (!ua->local_hp[ua->n_local])
		return -ENOMEM;
	return ua->n_local++;
}

unsigned mbl_sip_ua_n_local(const struct mbl_sip_ua *ua)
{
	return ua ? ua->n_local : 0;
}

const char *mbl_sip_ua_local_hostport(const struct mbl_sip_ua *ua, unsigned i)
{
	return ua && i < ua->n_local ? ua->local_hp[i] : NULL;
}

uint16_t mbl_ua_default_port(enum mbl_sip_proto p)
{
	switch (p) {
	case MBL_SIP_TLS:
		return 5061; /* RFC 3261 19.1.2 */
	case MBL_SIP_WS:
		return 80;   /* RFC 7118 5.2: the HTTP ports */
	case MBL_SIP_WSS:
		return 443;
	default:
		return 5060;
	}
}

static int conf_copy(struct mbl_sip_ua *ua, const struct mbl_sip_ua_conf *c)
{
	uint16_t port = c->local_port ? c->local_port : mbl_ua_default_port(c->transport);
	const char *h = c->local_host;

	ua->conf = *c;
	ua->conf.local_host = strdup(h);
	ua->conf.user_agent = strdup(c->user_agent ? c->user_agent : "mediablast");
	ua->conf.supported = c->supported && *c->supported ? strdup(c->supported) : NULL;
	ua->conf.via_host = c->via_host ? strdup(c->via_host) : NULL;
	if (!ua->conf.local_host || !ua->conf.user_agent || (c->supported && *c->supported &&
							     !ua->conf.supported) ||
	    (c->via_host && !ua->conf.via_host))
		return -ENOMEM;
	ua->conf.local_port = port;
	ua->t1 = c->t1_ms ? c->t1_ms : 500;
	ua->t2 = c->t2_ms ? c->t2_ms : 4000;
	ua->t4 = c->t4_ms ? c->t4_ms : 5000;
	ua->reliable = c->transport != MBL_SIP_UDP;
	ua->stream = c->transport == MBL_SIP_TCP || c->transport == MBL_SIP_TLS;
	ua->proto = mbl_sip_proto_name(c->transport);
	if (c->via_host)
		snprintf(ua->hostport, sizeof(ua->hostport), "%s", c->via_host);
	else
		fmt_hostport(ua->hostport, sizeof(ua->hostport), h, port);
	ua->call_cap = c->max_calls ? c->max_calls : 65536;
	ua->txn_cap = c->max_txns ? c->max_txns : 8 * ua->call_cap;
	return 0;
}

static bool conf_valid(const struct mbl_sip_ua_conf *c, const struct mbl_sip_ua_ops *ops)
{
	return c && ops && (ops->send || ops->send_local) && ops->event && host_ok(c->local_host) &&
	       (unsigned)c->transport < MBL_SIP_PROTO_MAX && c->t1_ms <= 60000 &&
	       (!c->via_host || host_ok(c->via_host)) &&
	       (!c->t2_ms || !c->t1_ms || c->t1_ms <= c->t2_ms) && c->max_calls <= UA_MAX_TABLE &&
	       c->max_txns <= UA_MAX_TABLE && (c->max_txns || c->max_calls <= UA_MAX_TABLE / 8) &&
	       (!c->user_agent || !strpbrk(c->user_agent, "\r\n")) &&
	       (!c->supported || !strpbrk(c->supported, "\r\n"));
}

static void rng_seed(struct mbl_sip_ua *ua, uint64_t seed)
{
	uint64_t z;
	int i;

	if (!seed && getrandom(&seed, sizeof(seed), 0) != (ssize_t)sizeof(seed))
		seed = mbl_time_ns();
	for (i = 0; i < 2; i++) {  /* splitmix64 */
		z = (seed += 0x9e3779b97f4a7c15ULL);
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		ua->rng[i] = z ^ (z >> 31);
	}
}

static int calls_setup(struct mbl_sip_ua *ua)
{
	uint32_t n = 1024;

	while (n < 2 * ua->call_cap)
		n <<= 1;
	ua->call_hash = calloc(n, sizeof(*ua->call_hash));
	ua->call_pool = mbl_pool_alloc((size_t)ua->call_cap * sizeof(*ua->call_pool), true);
	if (!ua->call_hash || !ua->call_pool)
		return -ENOMEM;
	ua->call_mask = n - 1;
	return 0;
}

struct mbl_sip_ua *mbl_sip_ua_create(const struct mbl_sip_ua_conf *conf,
				     const struct mbl_sip_ua_ops *ops)
{
	struct mbl_sip_ua *ua;
	int rc;

	if (!conf_valid(conf, ops)) {
		errno = EINVAL;
		return NULL;
	}
	ua = calloc(1, sizeof(*ua));
	if (!ua) {
		errno = ENOMEM;
		return NULL;
	}
	ua->ops = *ops;
	rng_seed(ua, conf->seed);
	mbl_ua_wheel_init(&ua->wheel, 0);
	ua->scratch_cap = UA_SCRATCH;
	ua->scratch = malloc(UA_SCRATCH);
	rc = ua->scratch ? conf_copy(ua, conf) : -ENOMEM;
	if (rc == 0)
		rc = local_grow(ua);
	if (rc == 0) {
		ua->local_hp[0] = ua->hostport;
		ua->n_local = 1;
	}
	if (rc == 0)
		rc = calls_setup(ua);
	if (rc == 0)
		rc = mbl_ua_txn_setup(ua);
	if (rc != 0) {
		mbl_sip_ua_destroy(ua);
		errno = -rc;
		return NULL;
	}
	return ua;
}

void mbl_sip_ua_destroy(struct mbl_sip_ua *ua)
{
	uint32_t i;

	if (!ua)
		return;
	ua->destroying = true;
	for (i = 0; ua->call_pool && i < ua->call_unused; i++)
		if (ua->call_pool[i].live)
			mbl_ua_call_release(ua, &ua->call_pool[i]);
	mbl_ua_txn_teardown(ua);
	mbl_pool_free(ua->call_pool, (size_t)ua->call_cap * sizeof(*ua->call_pool));
	free(ua->call_hash);
	free(ua->scratch);
	for (i = 1; i < ua->n_local; i++)
		free(ua->local_hp[i]);
	free(ua->local_hp);
	free((char *)ua->conf.local_host);
	free((char *)ua->conf.user_agent);
	free((char *)ua->conf.supported);
	free((char *)ua->conf.via_host);
	free(ua);
}
