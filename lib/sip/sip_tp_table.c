/* SPDX-License-Identifier: BSD-3-Clause
 * SIP transport: the tables that find a stream connection. By id: a slot
 * array (id = generation << MBL_SIP_TP_SLOT_BITS | slot + 1, so an id that
 * outlived its connection never finds the slot's next tenant). By peer: a
 * chained hash on protocol + peer address, for connection reuse. And the
 * deadlines kept by the connecting and idle lists.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "mbl_common.h"
#include "sip_tp_priv.h"

#define SLOT_MASK ((1u << MBL_SIP_TP_SLOT_BITS) - 1)
#define GEN_MASK 0x7ffu /* ids stay below 2^31 */

int mbl_sip_tp_tables_init(struct mbl_sip_tp *tp)
{
	tp->n_bucket = 64;
	tp->by_peer = calloc(tp->n_bucket, sizeof(*tp->by_peer));
	TAILQ_INIT(&tp->connecting);
	TAILQ_INIT(&tp->idle);
	TAILQ_INIT(&tp->dead);
	return tp->by_peer ? 0 : -ENOMEM;
}

struct mbl_sip_tp_conn *mbl_sip_tp_conn_get(const struct mbl_sip_tp *tp, uint32_t id)
{
	uint32_t s = (id & SLOT_MASK) - 1;
	struct mbl_sip_tp_conn *c;

	if (id == 0 || s >= tp->n_slot)
		return NULL;
	c = tp->slot[s];
	return c && c->id == id ? c : NULL;
}

static int slot_grow(struct mbl_sip_tp *tp)
{
	uint32_t ncap = tp->cap_slot ? tp->cap_slot * 2 : 64;
	void *a, *b, *f;

	if (ncap > SLOT_MASK)
		return -EMFILE;
	a = realloc(tp->slot, ncap * sizeof(*tp->slot));
	if (a)
		tp->slot = a;
	b = realloc(tp->slot_gen, ncap * sizeof(*tp->slot_gen));
	if (b)
		tp->slot_gen = b;
	f = realloc(tp->free_slot, ncap * sizeof(*tp->free_slot));
	if (f)
		tp->free_slot = f;
	if (!a || !b || !f)
		return -ENOMEM;
	tp->cap_slot = ncap;
	return 0;
}

int mbl_sip_tp_slot_alloc(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c)
{
	uint32_t s;

	if (tp->n_free) {
		s = tp->free_slot[--tp->n_free];
	} else {
		if (tp->n_slot == tp->cap_slot && slot_grow(tp) < 0)
			return -ENOMEM;
		s = tp->n_slot++;
		tp->slot_gen[s] = 0;
	}
	tp->slot[s] = c;
	c->id = ((uint32_t)(tp->slot_gen[s] & GEN_MASK) << MBL_SIP_TP_SLOT_BITS) | (s + 1);
	return 0;
}

void mbl_sip_tp_slot_release(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c)
{
	uint32_t s = (c->id & SLOT_MASK) - 1;

	tp->slot[s] = NULL;
	tp->slot_gen[s]++;
	tp->free_slot[tp->n_free++] = s;
}

static uint32_t peer_hash(const struct mbl_sip_tp *tp, enum mbl_sip_proto p,
			  const struct sockaddr *sa)
{
	const uint8_t *ip = sa->sa_family == AF_INET
				    ? (const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr
				    : (const uint8_t *)&((const struct sockaddr_in6 *)sa)->sin6_addr;
	size_t i, n = sa->sa_family == AF_INET ? 4 : 16;
	uint32_t h = 2166136261u ^ (uint32_t)p; /* FNV-1a */

	for (i = 0; i < n; i++)
		h = (h ^ ip[i]) * 16777619u;
	h = (h ^ mbl_sip_tp_sa_port(sa)) * 16777619u;
	return h & (tp->n_bucket - 1);
}

static void hash_insert(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c)
{
	uint32_t b = peer_hash(tp, c->proto, (struct sockaddr *)&c->peer);

	c->hash_next = tp->by_peer[b];
	tp->by_peer[b] = c;
}

/* Double the buckets when the chains average above one; on ENOMEM keep the
 * old table (longer chains, still correct). */
static void hash_maybe_grow(struct mbl_sip_tp *tp)
{
	struct mbl_sip_tp_conn **old = tp->by_peer, *c, *next;
	uint32_t i, n = tp->n_bucket;

	if (tp->n_conn <= n || n >= (1u << 24))
		return;
	tp->by_peer = calloc(n * 2, sizeof(*tp->by_peer));
	if (tp->by_peer == NULL) {
		tp->by_peer = old;
		return;
	}
	tp->n_bucket = n * 2;
	for (i = 0; i < n; i++)
		for (c = old[i]; c; c = next) {
			next = c->hash_next;
			hash_insert(tp, c);
		}
	free(old);
}

void mbl_sip_tp_peer_remove(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c)
{
	struct mbl_sip_tp_conn **pp =
		&tp->by_peer[peer_hash(tp, c->proto, (struct sockaddr *)&c->peer)];

	while (*pp && *pp != c)
		pp = &(*pp)->hash_next;
	if (*pp)
		*pp = c->hash_next;
}

/* A live connection to `to` over p that a new message may reuse. */
struct mbl_sip_tp_conn *mbl_sip_tp_peer_find(struct mbl_sip_tp *tp, enum mbl_sip_proto p,
					     const struct sockaddr *to, const struct sockaddr *from,
					     const char *name)
{
	struct mbl_sip_tp_conn *c = tp->by_peer[peer_hash(tp, p, to)];

	for (; c; c = c->hash_next) {
		if (c->proto != p || !mbl_sip_tp_sa_equal((struct sockaddr *)&c->peer, to))
			continue;
		if (from && !mbl_sip_tp_sa_ip_equal((struct sockaddr *)&c->local, from))
			continue;
		/* RFC 5923 5: a TLS connection serves the identity it verified
		 * (a WebSocket one, the Host it asked for). */
		if (p != MBL_SIP_TCP && (c->host == NULL || strcmp(c->host, name) != 0))
			continue;
		return c;
	}
	return NULL;
}

void mbl_sip_tp_peer_insert(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c)
{
	hash_insert(tp, c);
	hash_maybe_grow(tp);
}

void mbl_sip_tp_tables_free(struct mbl_sip_tp *tp)
{
	free(tp->slot);
	free(tp->slot_gen);
	free(tp->free_slot);
	free(tp->by_peer);
}

int mbl_sip_tp_conn_info(const struct mbl_sip_tp *tp, uint32_t conn_id,
			 struct mbl_sip_tp_conn_info *out)
{
	const struct mbl_sip_tp_conn *c = mbl_sip_tp_conn_get(tp, conn_id);

	if (c == NULL)
		return -ENOTCONN;
	memset(out, 0, sizeof(*out));
	out->proto = c->proto;
	out->outbound = c->listener < 0;
	out->up = c->state == MBL_SIP_TP_UP;
	memcpy(&out->peer, &c->peer, c->peer_len);
	out->peer_len = c->peer_len;
	memcpy(&out->local, &c->local, c->local_len);
	out->local_len = c->local_len;
	out->listener = c->listener;
	out->queued = c->out_len - c->out_off;
	if (c->ssl && out->up)
		mbl_sip_tls_describe(c->ssl, out);
	return 0;
}

/* ---- timeouts ------------------------------------------------------------------------------- */

int mbl_sip_tp_conn_sweep(struct mbl_sip_tp *tp, uint64_t now)
{
	uint64_t conn_ns = (uint64_t)tp->conf.connect_ms * 1000000;
	uint64_t idle_ns = (uint64_t)tp->conf.idle_ms * 1000000;
	struct mbl_sip_tp_conn *c;
	int n = 0;

	/* since + limit <= now, never now - since: a callback below may open
	 * a connection stamped after now. */
	while ((c = TAILQ_FIRST(&tp->connecting)) && c->since_ns + conn_ns <= now) {
		mbl_sip_tp_conn_fail(tp, c, MBL_SIP_TP_ERR_connect_timeout, NULL);
		n++;
	}
	if (tp->conf.idle_ms == UINT32_MAX)
		return n;
	while ((c = TAILQ_FIRST(&tp->idle)) && c->since_ns + idle_ns <= now) {
		mbl_sip_tp_conn_fail(tp, c, MBL_SIP_TP_ERR_idle_timeout, NULL);
		n++;
	}
	return n;
}

static int ms_until(uint64_t since, uint32_t ms, uint64_t now)
{
	uint64_t due = since + (uint64_t)ms * 1000000;

	return due <= now ? 0 : (int)MBL_MIN((due - now + 999999) / 1000000, (uint64_t)INT32_MAX);
}

int mbl_sip_tp_conn_next_ms(const struct mbl_sip_tp *tp, uint64_t now, int cap_ms)
{
	const struct mbl_sip_tp_conn *c = TAILQ_FIRST(&tp->connecting);
	int t = cap_ms;

	if (c) {
		int d = ms_until(c->since_ns, tp->conf.connect_ms, now);

		t = t < 0 ? d : MBL_MIN(t, d);
	}
	c = TAILQ_FIRST(&tp->idle);
	if (c && tp->conf.idle_ms != UINT32_MAX) {
		int d = ms_until(c->since_ns, tp->conf.idle_ms, now);

		t = t < 0 ? d : MBL_MIN(t, d);
	}
	return t;
}
