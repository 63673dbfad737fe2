/* SPDX-License-Identifier: BSD-3-Clause
 * dp_wheel: the pacer's timer wheel (internal to lib/dp).
 *
 * One data-plane lcore schedules up to a few hundred thousand streams, each
 * due every ptime. Time is whatever 64-bit unit the caller uses (TSC
 * cycles); a tick is 2^slot_shift units (e.g. 2^15 cycles, ~11 us at 3 GHz).
 *
 * Structure (hierarchical, two levels plus an overflow list):
 *  - level 0: n_slots lists of one tick each, a sliding window over ticks
 *    [cur, cur + n_slots). Steady-state pacing lives only here, so size the
 *    wheel to span more than the longest ptime (n_slots << slot_shift units).
 *  - level 1: n_slots lists of n_slots ticks each ("coarse ticks"); a list
 *    is moved into level 0 when cur enters its coarse tick.
 *  - overflow: one list for anything further, rescanned only when its
 *    earliest coarse tick comes within level 1's reach.
 * Entries are u32 indices with intrusive doubly-linked next/prev arrays
 * (O(1) add and remove, nothing allocated after init). A bitmap of
 * non-empty lists lets poll skip empty slots 64 at a time.
 *
 * Firing rule: an entry fires in the first poll whose tick reaches
 * ceil(due / tick), i.e. never before its due time and at most one tick
 * after it (plus poll latency). An entry added with a due time not after
 * the latest poll's `now` fires at the next poll. Within one tick, order is
 * unspecified; across ticks, earliest first.
 *
 * Threading: everything here belongs to the one lcore that polls the wheel
 * (// dataplane: rw, everyone else: none). Messages from the control plane
 * reach it through that lcore's ring, never by calling these functions.
 */
#ifndef DP_WHEEL_H
#define DP_WHEEL_H

#include <stdint.h>

#include "mbl_common.h"

#define DP_WHEEL_NIL UINT32_MAX    /* end of list; prev[] of an idle entry */
#define DP_WHEEL_HEAD 0x80000000u  /* prev[] of a list head: HEAD | list id */
#define DP_WHEEL_MIN_SLOTS 64u
#define DP_WHEEL_MAX_SLOTS (1u << 24)

struct dp_wheel {
	/* per entry, indexed by the caller's stream index */
	uint32_t *next;     /* next in its list or NIL */
	uint32_t *prev;     /* previous, HEAD | list, or NIL: not queued */
	uint64_t *due;      /* due time as given to dp_wheel_add */
	/* lists: [0, n) level 0, [n, 2n) level 1, 2n overflow */
	uint32_t *head;
	uint64_t *bm;       /* 2n bits: list non-empty; one spare word */
	uint64_t cur;       /* current tick; its level-0 slot is "open" */
	uint64_t last_now;  /* latest now given to poll (or init) */
	uint64_t ovf_min;   /* <= earliest coarse tick in overflow */
	uint32_t n_slots;
	uint32_t mask;      /* n_slots - 1 */
	uint32_t max_entries;
	uint32_t n_queued;
	unsigned shift;     /* log2 of the tick in time units */
	unsigned bits;      /* log2(n_slots) */
};

/* Allocate for indices [0, max_entries) (< 2^31) with n_slots (a power of
 * two in [64, 2^24]) slots per level of 2^slot_shift units (slot_shift <=
 * 40), starting at time now. Call on the owning lcore before it polls
 * (first touch places the memory on its NUMA node).
 * Returns 0, -EINVAL for bad sizes, -ENOMEM. */
int dp_wheel_init(struct dp_wheel *w, uint32_t max_entries, uint32_t n_slots,
		  unsigned slot_shift, uint64_t now);
/* Free the arrays; w may then be initialised again. Safe on a zeroed or
 * already finalised wheel. */
void dp_wheel_fini(struct dp_wheel *w);

/* Poll: pop up to max queued indices whose due time is <= now, earliest
 * tick first, into out; leftovers stay for the next call. now must not go
 * backwards between calls. Work per call is bounded by max entries, a
 * bitmap scan per visited slot and, amortised, the cascade of far entries
 * (each entry moves at most twice). Returns the number written to out. */
unsigned dp_wheel_poll(struct dp_wheel *w, uint64_t now, uint32_t *out,
		       unsigned max);

/* Earliest time at which a poll could return something: exact for entries
 * within the level-0 span, a lower bound (the next cascade) beyond it, a
 * time <= the last poll's now when something is already due, UINT64_MAX
 * when the wheel is empty. For idle decisions. */
uint64_t dp_wheel_next_due(const struct dp_wheel *w);

/* Slow half of dp_wheel_add for entries beyond the level-0 span. */
void dp_wheel_add_far(struct dp_wheel *w, uint32_t idx, uint64_t tick);

static inline int dp_wheel_is_queued(const struct dp_wheel *w, uint32_t idx)
{
	return w->prev[idx] != DP_WHEEL_NIL;
}

static inline uint64_t dp_wheel_due(const struct dp_wheel *w, uint32_t idx)
{
	return w->due[idx];
}

/* Tick of a due time, rounded up so nothing fires early. */
static inline uint64_t dp_wheel_tick(const struct dp_wheel *w, uint64_t due)
{
	return (due >> w->shift) + ((due & ((1ULL << w->shift) - 1)) != 0);
}

/* Link idx at the head of list l and mark l non-empty (the overflow list's
 * bit lands in the spare word, so no branch is needed). */
static inline void dp_wheel_push(struct dp_wheel *w, uint32_t l, uint32_t idx)
{
	uint32_t h = w->head[l];

	w->next[idx] = h;
	w->prev[idx] = DP_WHEEL_HEAD | l;
	if (h != DP_WHEEL_NIL)
		w->prev[h] = idx;
	w->head[l] = idx;
	w->bm[l >> 6] |= 1ULL << (l & 63);
}

/* Unqueue idx; nothing happens if it is not queued. O(1). Owner lcore. */
static inline void dp_wheel_remove(struct dp_wheel *w, uint32_t idx)
{
	uint32_t p = w->prev[idx], n = w->next[idx];

	if (p == DP_WHEEL_NIL)
		return;
	if (p & DP_WHEEL_HEAD) {
		uint32_t l = p & ~DP_WHEEL_HEAD;

		w->head[l] = n;
		if (n == DP_WHEEL_NIL)
			w->bm[l >> 6] &= ~(1ULL << (l & 63));
	} else {
		w->next[p] = n;
	}
	if (n != DP_WHEEL_NIL)
		w->prev[n] = p;
	w->prev[idx] = DP_WHEEL_NIL;
	w->n_queued--;
}

/* Queue idx (< max_entries) to fire at or after due. An idx already queued
 * is moved. due may be in the past (fires at the next poll) or arbitrarily
 * far ahead. O(1), no allocation. Owner lcore. */
static inline void dp_wheel_add(struct dp_wheel *w, uint32_t idx, uint64_t due)
{
	uint64_t t;

	if (mbl_unlikely(w->prev[idx] != DP_WHEEL_NIL))
		dp_wheel_remove(w, idx);
	w->due[idx] = due;
	w->n_queued++;
	t = due <= w->last_now ? w->cur : dp_wheel_tick(w, due);
	if (mbl_likely(t - w->cur < w->n_slots))
		dp_wheel_push(w, (uint32_t)t & w->mask, idx);
	else
		dp_wheel_add_far(w, idx, t);
}

#endif /* DP_WHEEL_H */
