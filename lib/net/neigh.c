/* SPDX-License-Identifier: BSD-3-Clause
 * Neighbor cache: one table per data-plane lcore, open addressing with
 * linear probing at load factor <= 1/2, no deletion (entries only change
 * state), so lookups touch one or two cache lines. Timers are driven by
 * mbl_neigh_poll() with the time passed in.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mbl_net.h"

#define NEIGH_CAP_MAX (1u << 20)

struct mbl_neigh_table {
	struct mbl_neigh_params p;
	uint32_t mask;            /* slots - 1 */
	uint32_t cap;             /* most entries allowed */
	uint32_t count;
	uint64_t next_due_ns;     /* earliest next_ns of any entry */
	struct mbl_neigh_entry slot[];
};

static uint32_t hash_ip(const uint8_t ip[16])
{
	uint64_t a, b;

	memcpy(&a, ip, 8);
	memcpy(&b, ip + 8, 8);
	/* Multiply-shift mixing; the low bits of a v4-mapped address are in
	 * b, so both halves feed the result. */
	b = (b ^ (a * 0x9e3779b97f4a7c15ull)) * 0xbf58476d1ce4e5b9ull;
	return (uint32_t)(b >> 32 ^ b);
}

/* Slot holding ip, or the empty slot where it would go. The table always
 * has an empty slot, so the probe ends. */
static struct mbl_neigh_entry *find_slot(const struct mbl_neigh_table *tbl, const uint8_t ip[16])
{
	uint32_t i = hash_ip(ip) & tbl->mask;

	for (;;) {
		const struct mbl_neigh_entry *e = &tbl->slot[i];

		if (e->state == 0 || memcmp(e->ip, ip, 16) == 0)
			return (struct mbl_neigh_entry *)e;
		i = (i + 1) & tbl->mask;
	}
}

struct mbl_neigh_table *mbl_neigh_create(uint32_t cap)
{
	struct mbl_neigh_table *tbl;
	uint32_t slots = 2;

	if (cap == 0 || cap > NEIGH_CAP_MAX) {
		errno = EINVAL;
		return NULL;
	}
	while (slots < 2 * cap)
		slots <<= 1;
	tbl = calloc(1, sizeof(*tbl) + (size_t)slots * sizeof(tbl->slot[0]));
	if (!tbl) {
		errno = ENOMEM;
		return NULL;
	}
	tbl->p = MBL_NEIGH_PARAMS_DEFAULT;
	tbl->mask = slots - 1;
	tbl->cap = cap;
	tbl->next_due_ns = UINT64_MAX;
	return tbl;
}

void mbl_neigh_free(struct mbl_neigh_table *tbl)
{
	free(tbl);
}

int mbl_neigh_set_params(struct mbl_neigh_table *tbl, const struct mbl_neigh_params *p)
{
	if (!tbl || !p || !p->retry_ns || !p->max_tries || !p->hold_ns || !p->reachable_ns)
		return -EINVAL;
	tbl->p = *p;
	return 0;
}

static void schedule(struct mbl_neigh_table *tbl, struct mbl_neigh_entry *e, uint64_t at)
{
	e->next_ns = at;
	if (at < tbl->next_due_ns)
		tbl->next_due_ns = at;
}

/* Find or insert ip; NULL when the table is full. */
static struct mbl_neigh_entry *get_or_add(struct mbl_neigh_table *tbl, const uint8_t ip[16])
{
	struct mbl_neigh_entry *e = find_slot(tbl, ip);

	if (e->state != 0)
		return e;
	if (tbl->count >= tbl->cap)
		return NULL;
	tbl->count++;
	memset(e, 0, sizeof(*e));
	memcpy(e->ip, ip, 16);
	e->state = MBL_NEIGH_INCOMPLETE;
	return e;
}

const uint8_t *mbl_neigh_lookup(const struct mbl_neigh_table *tbl, const uint8_t ip[16])
{
	const struct mbl_neigh_entry *e = find_slot(tbl, ip);

	if (e->state == MBL_NEIGH_REACHABLE || e->state == MBL_NEIGH_STALE)
		return e->mac;
	return NULL;
}

const struct mbl_neigh_entry *mbl_neigh_get(const struct mbl_neigh_table *tbl,
					    const uint8_t ip[16])
{
	const struct mbl_neigh_entry *e = find_slot(tbl, ip);

	return e->state ? e : NULL;
}

uint32_t mbl_neigh_count(const struct mbl_neigh_table *tbl)
{
	return tbl->count;
}

int mbl_neigh_resolve(struct mbl_neigh_table *tbl, const uint8_t ip[16], uint64_t now_ns)
{
	struct mbl_neigh_entry *e = find_slot(tbl, ip);

	if (e->state == 0) {
		e = get_or_add(tbl, ip);
		if (!e)
			return -ENOSPC;
		schedule(tbl, e, now_ns); /* first request at the next poll */
		return -EAGAIN;
	}
	switch (e->state) {
	case MBL_NEIGH_REACHABLE:
	case MBL_NEIGH_STALE:
		return 0;
	case MBL_NEIGH_FAILED:
		return -EHOSTUNREACH;
	default:
		return -EAGAIN;
	}
}

static void set_reachable(struct mbl_neigh_table *tbl, struct mbl_neigh_entry *e,
			  const uint8_t mac[6], uint64_t now_ns)
{
	memcpy(e->mac, mac, 6);
	e->state = MBL_NEIGH_REACHABLE;
	e->tries = 0;
	e->expire_ns = now_ns + tbl->p.reachable_ns;
	schedule(tbl, e, e->expire_ns);
}

int mbl_neigh_learn(struct mbl_neigh_table *tbl, const uint8_t ip[16],
		    const uint8_t mac[6], uint64_t now_ns)
{
	struct mbl_neigh_entry *e = get_or_add(tbl, ip);

	if (!e)
		return -ENOSPC;
	if (!e->is_static)
		set_reachable(tbl, e, mac, now_ns);
	return 0;
}

int mbl_neigh_static(struct mbl_neigh_table *tbl, const uint8_t ip[16], const uint8_t mac[6])
{
	struct mbl_neigh_entry *e = get_or_add(tbl, ip);

	if (!e)
		return -ENOSPC;
	memcpy(e->mac, mac, 6);
	e->state = MBL_NEIGH_REACHABLE;
	e->is_static = 1;
	e->tries = 0;
	e->next_ns = UINT64_MAX;
	e->expire_ns = UINT64_MAX;
	return 0;
}

/* Send one request for e; a failed send is retried without counting. */
static unsigned request(struct mbl_neigh_table *tbl, struct mbl_neigh_entry *e, uint64_t now,
			int (*send_req)(void *, const uint8_t *), void *arg)
{
	int rc = send_req(arg, e->ip);

	schedule(tbl, e, now + tbl->p.retry_ns);
	if (rc < 0)
		return 0;
	e->tries++;
	return 1;
}

static unsigned run_entry(struct mbl_neigh_table *tbl, struct mbl_neigh_entry *e, uint64_t now,
			  int (*send_req)(void *, const uint8_t *), void *arg)
{
	switch (e->state) {
	case MBL_NEIGH_REACHABLE:
		/* RFC 4861 7.3.3: reachability lapses; keep using the address
		 * while a refresh is under way. */
		e->state = MBL_NEIGH_STALE;
		e->tries = 0;
		return request(tbl, e, now, send_req, arg);
	case MBL_NEIGH_FAILED:
		e->state = MBL_NEIGH_INCOMPLETE;
		e->tries = 0;
		return request(tbl, e, now, send_req, arg);
	default: /* INCOMPLETE, STALE */
		if (e->tries < tbl->p.max_tries)
			return request(tbl, e, now, send_req, arg);
		e->state = MBL_NEIGH_FAILED;
		schedule(tbl, e, now + tbl->p.hold_ns);
		return 0;
	}
}

unsigned mbl_neigh_poll(struct mbl_neigh_table *tbl, uint64_t now_ns,
			int (*send_req)(void *arg, const uint8_t ip[16]), void *arg)
{
	unsigned sent = 0;
	uint32_t i;

	if (now_ns < tbl->next_due_ns)
		return 0;
	tbl->next_due_ns = UINT64_MAX;
	for (i = 0; i <= tbl->mask; i++) {
		struct mbl_neigh_entry *e = &tbl->slot[i];

		if (e->state == 0 || e->is_static)
			continue;
		if (e->next_ns <= now_ns)
			sent += run_entry(tbl, e, now_ns, send_req, arg);
		else if (e->next_ns < tbl->next_due_ns)
			tbl->next_due_ns = e->next_ns;
	}
	return sent;
}
