/* SPDX-License-Identifier: BSD-3-Clause
 * Call timers: a binary min-heap of call indexes keyed by each call's
 * deadline, with the position kept in the call so that re-arming or
 * cancelling is O(log n) and the heap never holds more than one entry per
 * call (a long timeout that the call outlived costs nothing later). */
#include "cp_priv.h"

static bool before(const struct mbl_cp *cp, uint32_t a, uint32_t b)
{
	return cp->calls[a].deadline < cp->calls[b].deadline;
}

static void place(struct mbl_cp *cp, uint32_t pos, uint32_t idx)
{
	cp->heap[pos] = idx;
	cp->calls[idx].heap_pos = pos + 1;
}

static void sift_up(struct mbl_cp *cp, uint32_t pos)
{
	uint32_t idx = cp->heap[pos];

	while (pos > 0) {
		uint32_t parent = (pos - 1) / 2;

		if (!before(cp, idx, cp->heap[parent]))
			break;
		place(cp, pos, cp->heap[parent]);
		pos = parent;
	}
	place(cp, pos, idx);
}

static void sift_down(struct mbl_cp *cp, uint32_t pos)
{
	uint32_t idx = cp->heap[pos];

	for (;;) {
		uint32_t l = 2 * pos + 1, m = pos;

		if (l < cp->heap_n && before(cp, cp->heap[l], idx))
			m = l;
		if (l + 1 < cp->heap_n &&
		    before(cp, cp->heap[l + 1], m == pos ? idx : cp->heap[m]))
			m = l + 1;
		if (m == pos)
			break;
		place(cp, pos, cp->heap[m]);
		pos = m;
	}
	place(cp, pos, idx);
}

void cp_timer_clear(struct mbl_cp *cp, uint32_t idx)
{
	struct cp_call *c = &cp->calls[idx];
	uint32_t pos;

	c->timer = CP_T_NONE;
	if (c->heap_pos == 0)
		return;
	pos = c->heap_pos - 1;
	c->heap_pos = 0;
	if (--cp->heap_n == pos)
		return;
	place(cp, pos, cp->heap[cp->heap_n]);
	sift_down(cp, pos);
	sift_up(cp, cp->calls[cp->heap[pos]].heap_pos - 1);
}

void cp_timer_set(struct mbl_cp *cp, uint32_t idx, enum cp_timer t, uint64_t deadline)
{
	struct cp_call *c = &cp->calls[idx];

	cp_timer_clear(cp, idx);
	c->timer = (uint8_t)t;
	c->deadline = deadline;
	place(cp, cp->heap_n++, idx);
	sift_up(cp, cp->heap_n - 1);
}

uint32_t cp_timer_due(struct mbl_cp *cp, uint64_t now)
{
	uint32_t idx;

	if (cp->heap_n == 0 || cp->calls[cp->heap[0]].deadline > now)
		return UINT32_MAX;
	idx = cp->heap[0];
	cp->calls[idx].heap_pos = 0;
	if (--cp->heap_n > 0) {
		place(cp, 0, cp->heap[cp->heap_n]);
		sift_down(cp, 0);
	}
	return idx;
}

uint64_t cp_timer_next(const struct mbl_cp *cp)
{
	return cp->heap_n ? cp->calls[cp->heap[0]].deadline : UINT64_MAX;
}
