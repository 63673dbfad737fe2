/* SPDX-License-Identifier: BSD-3-Clause
 * dp_wheel: hierarchical timer wheel for the pacer (see dp_wheel.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dp_wheel.h"

static uint32_t ovf_list(const struct dp_wheel *w)
{
	return 2 * w->n_slots;
}

/* Distance from start to the next set bit of the circular bitmap bm of
 * nbits (a multiple of 64) bits, or nbits when every bit is clear. At most
 * nbits / 64 + 1 words are read. */
static uint32_t bm_find(const uint64_t *bm, uint32_t nbits, uint32_t start)
{
	uint32_t nwords = nbits >> 6, wi = start >> 6, k;
	uint64_t word = bm[wi] & (~0ULL << (start & 63));

	for (k = 0; k <= nwords; k++) {
		if (word) {
			uint32_t pos = wi * 64 + (uint32_t)__builtin_ctzll(word);

			return (pos - start) & (nbits - 1);
		}
		wi = (wi + 1) & (nwords - 1);
		word = bm[wi];
	}
	return nbits;
}

/* Next non-empty level-0 tick after cur, or UINT64_MAX. */
static uint64_t l0_next(const struct dp_wheel *w)
{
	uint32_t d = bm_find(w->bm, w->n_slots, (uint32_t)(w->cur + 1) & w->mask);

	/* d == n - 1 would be slot cur itself, which poll has just emptied */
	return d < w->n_slots - 1 ? w->cur + 1 + d : UINT64_MAX;
}

/* First tick after cur at which cur enters a coarse tick with work: a
 * non-empty level-1 list, or overflow entries coming within level 1's
 * reach (coarse tick >= their coarse tick - n + 1). UINT64_MAX if none. */
static uint64_t coarse_next(const struct dp_wheel *w)
{
	uint64_t c = w->cur >> w->bits, best = UINT64_MAX;
	uint32_t d = bm_find(w->bm + (w->n_slots >> 6), w->n_slots,
			     (uint32_t)(c + 1) & w->mask);

	if (d < w->n_slots - 1)
		best = c + 1 + d;
	if (w->head[ovf_list(w)] != DP_WHEEL_NIL) {
		/* ovf_min >= c + n holds after every migration, see place() */
		uint64_t trig = w->ovf_min - w->n_slots + 1;

		best = MBL_MIN(best, MBL_MAX(trig, c + 1));
	}
	return best == UINT64_MAX ? best : best << w->bits;
}

/* Put idx, due at tick t, in the right list for the current cur:
 * level 0 within [cur, cur + n), else level 1 within n coarse ticks,
 * else overflow. */
static void place(struct dp_wheel *w, uint32_t idx, uint64_t t)
{
	uint64_t c;

	if (t < w->cur)
		t = w->cur;
	if (t - w->cur < w->n_slots) {
		dp_wheel_push(w, (uint32_t)t & w->mask, idx);
		return;
	}
	c = t >> w->bits; /* > cur's coarse tick, since t >= cur + n */
	if (c - (w->cur >> w->bits) < w->n_slots) {
		dp_wheel_push(w, w->n_slots + ((uint32_t)c & w->mask), idx);
		return;
	}
	dp_wheel_push(w, ovf_list(w), idx);
	if (c < w->ovf_min)
		w->ovf_min = c;
}

void dp_wheel_add_far(struct dp_wheel *w, uint32_t idx, uint64_t tick)
{
	place(w, idx, tick);
}

/* Detach list l whole and re-place each entry by its due time. */
static void replace_list(struct dp_wheel *w, uint32_t l)
{
	uint32_t i = w->head[l];

	w->head[l] = DP_WHEEL_NIL;
	w->bm[l >> 6] &= ~(1ULL << (l & 63));
	while (i != DP_WHEEL_NIL) {
		uint32_t nx = w->next[i];

		place(w, i, dp_wheel_tick(w, w->due[i]));
		i = nx;
	}
}

/* cur has just entered a new coarse tick c: cascade level-1 list c into
 * level 0 (its ticks are exactly [cur, cur + n) now), then pull overflow
 * entries that level 1 can now hold (this recomputes ovf_min exactly). */
static void coarse_enter(struct dp_wheel *w)
{
	uint64_t c = w->cur >> w->bits;
	uint32_t l1 = w->n_slots + ((uint32_t)c & w->mask);

	if (w->head[l1] != DP_WHEEL_NIL)
		replace_list(w, l1);
	if (w->head[ovf_list(w)] != DP_WHEEL_NIL && w->ovf_min < c + w->n_slots) {
		w->ovf_min = UINT64_MAX;
		replace_list(w, ovf_list(w));
	}
}

/* Move cur (< now_t) to the next tick that needs a visit, at most now_t,
 * without stepping over a coarse tick that has work. */
static void advance(struct dp_wheel *w, uint64_t now_t)
{
	uint64_t old_c = w->cur >> w->bits;
	uint64_t next = MBL_MIN(now_t, l0_next(w));

	/* the level-1 scan is only needed when leaving the coarse tick */
	if ((next >> w->bits) != old_c)
		next = MBL_MIN(next, coarse_next(w));
	w->cur = next;
	if ((next >> w->bits) != old_c)
		coarse_enter(w);
}

/* Pop up to max entries of level-0 slot s into out. */
static unsigned pop_slot(struct dp_wheel *w, uint32_t s, uint32_t *out,
			 unsigned max)
{
	uint32_t i = w->head[s];
	unsigned n = 0;

	while (n < max && i != DP_WHEEL_NIL) {
		out[n++] = i;
		w->prev[i] = DP_WHEEL_NIL;
		i = w->next[i];
	}
	w->head[s] = i;
	if (i == DP_WHEEL_NIL)
		w->bm[s >> 6] &= ~(1ULL << (s & 63));
	else
		w->prev[i] = DP_WHEEL_HEAD | s;
	w->n_queued -= n;
	return n;
}

unsigned dp_wheel_poll(struct dp_wheel *w, uint64_t now, uint32_t *out,
		       unsigned max)
{
	uint64_t now_t = now >> w->shift;
	unsigned n = 0;

	if (now > w->last_now)
		w->last_now = now;
	if (now_t < w->cur)
		return 0;
	while (n < max) {
		n += pop_slot(w, (uint32_t)w->cur & w->mask, out + n, max - n);
		if (n == max || w->cur >= now_t)
			break;
		if (!w->n_queued) {
			/* nothing anywhere: jump straight to now */
			w->cur = now_t;
			break;
		}
		advance(w, now_t);
	}
	return n;
}

uint64_t dp_wheel_next_due(const struct dp_wheel *w)
{
	uint64_t t;

	if (!w->n_queued)
		return UINT64_MAX;
	if (w->head[w->cur & w->mask] != DP_WHEEL_NIL)
		return w->cur << w->shift;
	t = MBL_MIN(l0_next(w), coarse_next(w));
	if (t == UINT64_MAX)
		return t;
	return t << w->shift;
}

void dp_wheel_fini(struct dp_wheel *w)
{
	free(w->next);
	free(w->prev);
	free(w->due);
	free(w->head);
	free(w->bm);
	memset(w, 0, sizeof(*w));
}

int dp_wheel_init(struct dp_wheel *w, uint32_t max_entries, uint32_t n_slots,
		  unsigned slot_shift, uint64_t now)
{
	uint32_t n_lists = 2 * n_slots + 1;

	memset(w, 0, sizeof(*w));
	if (!max_entries || max_entries >= DP_WHEEL_HEAD ||
	    n_slots < DP_WHEEL_MIN_SLOTS || n_slots > DP_WHEEL_MAX_SLOTS ||
	    (n_slots & (n_slots - 1)) || slot_shift > 40)
		return -EINVAL;
	w->next = malloc(sizeof(*w->next) * max_entries);
	w->prev = malloc(sizeof(*w->prev) * max_entries);
	w->due = calloc(max_entries, sizeof(*w->due));
	w->head = malloc(sizeof(*w->head) * n_lists);
	w->bm = calloc(2 * n_slots / 64 + 1, sizeof(*w->bm));
	if (!w->next || !w->prev || !w->due || !w->head || !w->bm) {
		dp_wheel_fini(w);
		return -ENOMEM;
	}
	memset(w->next, 0xff, sizeof(*w->next) * max_entries);
	memset(w->prev, 0xff, sizeof(*w->prev) * max_entries);
	memset(w->head, 0xff, sizeof(*w->head) * n_lists);
	w->n_slots = n_slots;
	w->mask = n_slots - 1;
	w->bits = (unsigned)__builtin_ctz(n_slots);
	w->max_entries = max_entries;
	w->shift = slot_shift;
	w->cur = now >> slot_shift;
	w->last_now = now;
	w->ovf_min = UINT64_MAX;
	return 0;
}
