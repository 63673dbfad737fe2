/* SPDX-License-Identifier: BSD-3-Clause
 * The UA's timer wheel (ua_priv.h): every RFC 3261 timer of every
 * transaction and call in O(1) per add, remove and expiry, instead of osip's
 * osip_timers_*_execute() walk over all transactions on every tick.
 */
#include "ua_priv.h"

#define UA_WHEEL_MASK (UA_WHEEL_SLOTS - 1)

/* Tick at which an entry due at due_ns may fire: rounded up, never early. */
static inline uint64_t due_tick(uint64_t due_ns)
{
	return (due_ns + (1ULL << UA_TICK_SHIFT) - 1) >> UA_TICK_SHIFT;
}

void mbl_ua_wheel_init(struct ua_wheel *w, uint64_t now_ns)
{
	memset(w->slot, 0, sizeof(w->slot));
	memset(w->bm, 0, sizeof(w->bm));
	w->cur = now_ns >> UA_TICK_SHIFT;
	w->n = 0;
}

void mbl_ua_wheel_add(struct ua_wheel *w, struct ua_tm *t, uint64_t due_ns)
{
	uint64_t tick = due_tick(due_ns);
	uint32_t s;

	if (ua_tm_queued(t))
		mbl_ua_wheel_del(w, t);
	if (tick < w->cur)
		tick = w->cur;
	s = (uint32_t)tick & UA_WHEEL_MASK;
	t->due_ns = due_ns;
	t->next = w->slot[s];
	if (t->next)
		t->next->pprev = &t->next;
	w->slot[s] = t;
	t->pprev = &w->slot[s];
	w->bm[s >> 6] |= 1ULL << (s & 63);
	w->n++;
}

void mbl_ua_wheel_del(struct ua_wheel *w, struct ua_tm *t)
{
	if (!ua_tm_queued(t))
		return;
	*t->pprev = t->next;
	if (t->next)
		t->next->pprev = t->pprev;
	/* The slot's head pointer lies inside w->slot: find out whether the
	 * list became empty by looking at the head the entry hung from. */
	if (t->pprev >= &w->slot[0] && t->pprev < &w->slot[UA_WHEEL_SLOTS] && !*t->pprev) {
		uint32_t s = (uint32_t)(t->pprev - &w->slot[0]);

		w->bm[s >> 6] &= ~(1ULL << (s & 63));
	}
	t->pprev = NULL;
	t->next = NULL;
	w->n--;
}

/* First due entry of slot s, or NULL. */
static struct ua_tm *slot_due(struct ua_wheel *w, uint32_t s, uint64_t now_ns)
{
	struct ua_tm *t;

	for (t = w->slot[s]; t; t = t->next)
		if (t->due_ns <= now_ns)
			return t;
	return NULL;
}

/* Next non-empty slot from tick `from` up to tick `to` (inclusive), as a
 * tick, or to + 1 when there is none. */
static uint64_t next_busy(const struct ua_wheel *w, uint64_t from, uint64_t to)
{
	while (from <= to) {
		uint32_t s = (uint32_t)from & UA_WHEEL_MASK;
		uint64_t word = w->bm[s >> 6] >> (s & 63);

		if (word)
			return from + (uint64_t)__builtin_ctzll(word);
		from += 64 - (s & 63);
	}
	return to + 1;
}

struct ua_tm *mbl_ua_wheel_pop(struct ua_wheel *w, uint64_t now_ns)
{
	/* Slots up to ceil(now) may hold entries due by now. */
	uint64_t target = due_tick(now_ns);

	if (!w->n)
		goto idle;
	while (w->cur <= target) {
		uint64_t tick = next_busy(w, w->cur, target);
		struct ua_tm *t;

		if (tick > target)
			break;
		w->cur = tick;
		t = slot_due(w, (uint32_t)tick & UA_WHEEL_MASK, now_ns);
		if (t) {
			mbl_ua_wheel_del(w, t);
			return t;
		}
		if (tick == target)
			return NULL;  /* the rest of this tick is not due yet */
		w->cur = tick + 1;
	}
idle:
	if (target > w->cur)
		w->cur = target;
	return NULL;
}

uint64_t mbl_ua_wheel_next(const struct ua_wheel *w)
{
	uint64_t tick = w->cur, end = w->cur + UA_WHEEL_SLOTS - 1, best = UINT64_MAX;
	uint32_t s;
	struct ua_tm *t;

	if (!w->n)
		return UINT64_MAX;
	for (tick = next_busy(w, tick, end); tick <= end; tick = next_busy(w, tick + 1, end)) {
		s = (uint32_t)tick & UA_WHEEL_MASK;
		for (t = w->slot[s]; t; t = t->next)
			if (due_tick(t->due_ns) <= tick && t->due_ns < best)
				best = t->due_ns;
		if (best != UINT64_MAX)
			return best;
	}
	/* Only entries more than one revolution ahead: take the earliest. */
	for (s = 0; s < UA_WHEEL_SLOTS; s++)
		for (t = w->slot[s]; t; t = t->next)
			best = MBL_MIN(best, t->due_ns);
	return best;
}
