/* SPDX-License-Identifier: BSD-3-Clause
 * Test harness for the UA tests: two UAs wired together in memory (no
 * sockets). Each UA's send callback appends to one FIFO that pair_pump()
 * feeds into the other UA's mbl_sip_ua_input(); a simulated clock drives
 * both, so 64*T1 timeouts take no real time. Every sent message is logged
 * (dropped ones too) and every event recorded for the assertions.
 */
#ifndef UA_TEST_PAIR_H
#define UA_TEST_PAIR_H

#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sip_ua.h"

#define PAIR_FN static __attribute__((unused))
#define PAIR_LOG 512
#define PAIR_EVS 256
#define PAIR_T0 (1000ULL * 1000000000ULL)  /* the clock starts at 1000 s */
#define MS(x) ((uint64_t)(x) * 1000000ULL)

struct pmsg {
	int from;                    /* 0 = A, 1 = B, 2 = injected by the test */
	struct sockaddr_storage to;
	socklen_t tolen;
	uint32_t conn;
	size_t len;
	char *buf;
	bool dropped;
	uint64_t at;
};

struct pev {
	int side;
	enum mbl_sip_ev_type type;
	int status;
	bool reinvite, proxy_auth;
	struct mbl_sip_call *call;
	char reason[64];
	char body[512];
	char challenge[256];
	char from[128];
};

struct pair;
struct pside {
	struct pair *p;
	int side;
};

struct pair {
	struct mbl_sip_ua *ua[2];
	struct pside ctx[2];
	struct sockaddr_in addr[2];  /* A 127.0.0.1:5060, B 127.0.0.2:5070 */
	uint64_t now;
	/* FIFO of messages in flight */
	struct pmsg *q;
	size_t qhead, qtail, qcap;
	/* log of sent messages (not in the soak: log = false) */
	bool log;
	struct pmsg sent[PAIR_LOG];
	int nsent;
	struct pev ev[PAIR_EVS];
	int nev;
	/* return true to drop a message sent by side `from` */
	bool (*drop)(struct pair *p, int from, const char *buf, size_t len);
	int drop_count;
	bool drop_fails;             /* a dropped message is a failed send */
	uint32_t send_conn[2];       /* what a side's send returns (a stream
				      * connection id; 0 = none) */
	/* optional reaction to events, after recording */
	void (*on_ev)(struct pair *p, int side, struct mbl_sip_ev *ev);
	void *user;
};

static inline bool starts(const char *buf, size_t len, const char *pfx)
{
	size_t n = strlen(pfx);

	return len >= n && memcmp(buf, pfx, n) == 0;
}

PAIR_FN int pair_send(void *arg, const struct sockaddr *to, socklen_t tolen, uint32_t conn_id,
		     const char *buf, size_t len)
{
	struct pside *s = arg;
	struct pair *p = s->p;
	bool drop = p->drop && p->drop(p, s->side, buf, len);
	struct pmsg *m;

	if (p->log && p->nsent < PAIR_LOG) {
		m = &p->sent[p->nsent++];
		m->from = s->side;
		memcpy(&m->to, to, tolen);
		m->tolen = tolen;
		m->conn = conn_id;
		m->buf = strndup(buf, len);
		m->len = len;
		m->dropped = drop;
		m->at = p->now;
	}
	if (drop) {
		p->drop_count++;
		return p->drop_fails ? -ECONNRESET : (int)p->send_conn[s->side];
	}
	if (p->qtail - p->qhead == p->qcap) {
		size_t i, n = p->qtail - p->qhead;
		struct pmsg *q = calloc(p->qcap * 2, sizeof(*q));

		assert_non_null(q);
		for (i = 0; i < n; i++)
			q[i] = p->q[(p->qhead + i) % p->qcap];
		free(p->q);
		p->q = q;
		p->qhead = 0;
		p->qtail = n;
		p->qcap *= 2;
	}
	m = &p->q[p->qtail++ % p->qcap];
	m->from = s->side;
	memcpy(&m->to, to, tolen);
	m->tolen = tolen;
	m->conn = conn_id;
	m->buf = malloc(len);
	assert_non_null(m->buf);
	memcpy(m->buf, buf, len);
	m->len = len;
	return (int)p->send_conn[s->side];
}

PAIR_FN void cpy(char *dst, size_t cap, const char *src, size_t n)
{
	if (!src)
		src = "", n = 0;
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

PAIR_FN void pair_event(void *arg, struct mbl_sip_ev *ev)
{
	struct pside *s = arg;
	struct pair *p = s->p;

	if (p->nev < PAIR_EVS) {
		struct pev *e = &p->ev[p->nev++];

		e->side = s->side;
		e->type = ev->type;
		e->status = ev->status;
		e->reinvite = ev->reinvite;
		e->proxy_auth = ev->proxy_auth;
		e->call = ev->call;
		assert_non_null(ev->reason);
		cpy(e->reason, sizeof(e->reason), ev->reason, strlen(ev->reason));
		cpy(e->body, sizeof(e->body), ev->body, ev->body_len);
		cpy(e->challenge, sizeof(e->challenge), ev->challenge,
		    ev->challenge ? strlen(ev->challenge) : 0);
		cpy(e->from, sizeof(e->from), ev->from, ev->from ? strlen(ev->from) : 0);
	}
	if (p->on_ev)
		p->on_ev(p, s->side, ev);
}

PAIR_FN void addr_set(struct sockaddr_in *a, const char *ip, uint16_t port)
{
	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_port = htons(port);
	inet_pton(AF_INET, ip, &a->sin_addr);
}

/* conf_b may be NULL (same as A but B's address). */
PAIR_FN void pair_init_conf(struct pair *p, const struct mbl_sip_ua_conf *conf_a,
			   const struct mbl_sip_ua_conf *conf_b)
{
	struct mbl_sip_ua_conf c[2];
	int i;

	memset(p, 0, sizeof(*p));
	p->log = true;
	p->now = PAIR_T0;
	p->qcap = 1024;
	p->q = calloc(p->qcap, sizeof(*p->q));
	assert_non_null(p->q);
	addr_set(&p->addr[0], "127.0.0.1", 5060);
	addr_set(&p->addr[1], "127.0.0.2", 5070);
	c[0] = *conf_a;
	c[1] = conf_b ? *conf_b : *conf_a;
	c[0].local_host = "127.0.0.1";
	c[0].local_port = 5060;
	c[1].local_host = "127.0.0.2";
	c[1].local_port = 5070;
	c[0].seed = 1;
	c[1].seed = 2;
	for (i = 0; i < 2; i++) {
		struct mbl_sip_ua_ops ops = {.send = pair_send, .event = pair_event,
					     .arg = &p->ctx[i]};

		p->ctx[i].p = p;
		p->ctx[i].side = i;
		p->ua[i] = mbl_sip_ua_create(&c[i], &ops);
		assert_non_null(p->ua[i]);
	}
}

PAIR_FN void pair_init(struct pair *p)
{
	struct mbl_sip_ua_conf c;

	mbl_sip_ua_conf_defaults(&c);
	c.max_calls = 64;
	pair_init_conf(p, &c, NULL);
}

PAIR_FN void pair_fini(struct pair *p)
{
	int i;

	for (i = 0; i < 2; i++)
		mbl_sip_ua_destroy(p->ua[i]);
	for (; p->qhead < p->qtail; p->qhead++)
		free(p->q[p->qhead % p->qcap].buf);
	free(p->q);
	for (i = 0; i < p->nsent; i++)
		free(p->sent[i].buf);
}

/* Deliver everything in flight (and what that triggers). Returns the count. */
PAIR_FN int pair_pump(struct pair *p)
{
	int n = 0;

	while (p->qhead < p->qtail) {
		struct pmsg m = p->q[p->qhead++ % p->qcap];
		int to = m.from == 0 ? 1 : 0;

		mbl_sip_ua_input(p->ua[to], m.buf, m.len, (const struct sockaddr *)&p->addr[m.from],
				 sizeof(p->addr[m.from]), m.conn, p->now);
		free(m.buf);
		n++;
	}
	return n;
}

PAIR_FN uint64_t pair_next(struct pair *p)
{
	uint64_t a = mbl_sip_ua_next_timer_ns(p->ua[0]), b = mbl_sip_ua_next_timer_ns(p->ua[1]);

	return a < b ? a : b;
}

/* Run both UAs until the clock reaches `until`, timer by timer. */
PAIR_FN void pair_run_until(struct pair *p, uint64_t until)
{
	pair_pump(p);
	for (;;) {
		uint64_t next = pair_next(p);

		if (next > until)
			break;
		if (next > p->now)
			p->now = next;
		mbl_sip_ua_timers(p->ua[0], p->now);
		mbl_sip_ua_timers(p->ua[1], p->now);
		pair_pump(p);
	}
	p->now = until;
	mbl_sip_ua_timers(p->ua[0], p->now);
	mbl_sip_ua_timers(p->ua[1], p->now);
	pair_pump(p);
}

PAIR_FN void pair_advance(struct pair *p, uint64_t ns)
{
	pair_run_until(p, p->now + ns);
}

/* Inject raw text into side `to` as if sent from ip:port. */
PAIR_FN int pair_inject(struct pair *p, int to, const char *text, const char *ip, uint16_t port)
{
	struct sockaddr_in src;

	addr_set(&src, ip, port);
	return mbl_sip_ua_input(p->ua[to], text, strlen(text), (const struct sockaddr *)&src,
				sizeof(src), 0, p->now);
}

/* The nth (0-based) logged message from side `from` starting with pfx. */
PAIR_FN const struct pmsg *pair_sent(const struct pair *p, int from, const char *pfx, int nth)
{
	int i;

	for (i = 0; i < p->nsent; i++)
		if (p->sent[i].from == from && starts(p->sent[i].buf, p->sent[i].len, pfx) &&
		    nth-- == 0)
			return &p->sent[i];
	return NULL;
}

PAIR_FN int pair_count(const struct pair *p, int from, const char *pfx)
{
	int i, n = 0;

	for (i = 0; i < p->nsent; i++)
		n += p->sent[i].from == from && starts(p->sent[i].buf, p->sent[i].len, pfx);
	return n;
}

/* Value of header `name` (first occurrence) in a message, in a static
 * buffer; NULL when absent. */
PAIR_FN const char *hdr(const char *msg, const char *name)
{
	static char val[1024];
	size_t n = strlen(name);
	const char *p = strstr(msg, "\r\n");

	while (p && p[2] != '\r') {
		p += 2;
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			const char *v = p + n + 1, *e = strstr(v, "\r\n");

			while (*v == ' ')
				v++;
			cpy(val, sizeof(val), v, (size_t)(e - v));
			return val;
		}
		p = strstr(p, "\r\n");
	}
	return NULL;
}

PAIR_FN const char *body_of(const char *msg)
{
	const char *b = strstr(msg, "\r\n\r\n");

	return b ? b + 4 : NULL;
}

/* Index of the first event from `from` on with the type and side, or -1. */
PAIR_FN int pair_find_ev(const struct pair *p, int side, enum mbl_sip_ev_type type, int from)
{
	int i;

	for (i = from; i < p->nev; i++)
		if (p->ev[i].side == side && p->ev[i].type == type)
			return i;
	return -1;
}

PAIR_FN int pair_count_ev(const struct pair *p, int side, enum mbl_sip_ev_type type)
{
	int i, n = 0;

	for (i = 0; i < p->nev; i++)
		n += p->ev[i].side == side && p->ev[i].type == type;
	return n;
}

PAIR_FN const struct mbl_sip_ua_stats *st(const struct pair *p, int side)
{
	return mbl_sip_ua_stats(p->ua[side]);
}

#define SDP_A "v=0\r\no=a 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" \
	      "m=audio 40000 RTP/AVP 0\r\na=sendrecv\r\n"
#define SDP_B "v=0\r\no=b 1 1 IN IP4 127.0.0.2\r\ns=-\r\nc=IN IP4 127.0.0.2\r\nt=0 0\r\n" \
	      "m=audio 50000 RTP/AVP 0\r\na=sendrecv\r\n"

/* Place a call from A to B; returns A's call handle. */
PAIR_FN struct mbl_sip_call *pair_call(struct pair *p, const char *sdp)
{
	struct mbl_sip_call *c = mbl_sip_call_invite(p->ua[0], "sip:bob@127.0.0.2:5070",
						     "sip:alice@127.0.0.1", (const struct sockaddr *)
						     &p->addr[1], sizeof(p->addr[1]), sdp, p, p->now);

	assert_non_null(c);
	return c;
}

/* B's call handle from its latest INCOMING event. */
PAIR_FN struct mbl_sip_call *pair_incoming(const struct pair *p)
{
	int i;

	for (i = p->nev - 1; i >= 0; i--)
		if (p->ev[i].side == 1 && p->ev[i].type == MBL_SIP_EV_INCOMING)
			return p->ev[i].call;
	fail_msg("no INCOMING event");
	return NULL;
}

#endif /* UA_TEST_PAIR_H */
