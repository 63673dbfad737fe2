/* SPDX-License-Identifier: BSD-3-Clause
 * dp_wheel tests: hand-placed cases for each level, then random pacing
 * schedules checked against a brute-force reference. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dp_wheel.h"

/* Small geometry so every level is reached: tick 16 units, 64 slots:
 * level 0 spans 1024 units, level 1 65536, beyond is overflow. */
#define SHIFT 4
#define TICK (1ULL << SHIFT)
#define SLOTS 64

static unsigned drain(struct dp_wheel *w, uint64_t now, uint32_t *out,
		      unsigned cap)
{
	unsigned n = 0, k;

	do {
		k = dp_wheel_poll(w, now, out + n, MBL_MIN(32u, cap - n));
		n += k;
	} while (k == 32 && n < cap);
	return n;
}

static void test_init_errors(void **state)
{
	struct dp_wheel w;

	(void)state;
	assert_int_equal(dp_wheel_init(&w, 0, 64, 4, 0), -EINVAL);
	assert_int_equal(dp_wheel_init(&w, 10, 100, 4, 0), -EINVAL);
	assert_int_equal(dp_wheel_init(&w, 10, 32, 4, 0), -EINVAL);
	assert_int_equal(dp_wheel_init(&w, 10, 64, 41, 0), -EINVAL);
	assert_int_equal(dp_wheel_init(&w, 0x80000000u, 64, 4, 0), -EINVAL);
	assert_int_equal(dp_wheel_init(&w, 10, 64, 4, 0), 0);
	assert_int_equal(dp_wheel_next_due(&w), UINT64_MAX);
	dp_wheel_fini(&w);
	dp_wheel_fini(&w); /* idempotent */
}

/* Entries fire at the first poll whose tick reaches ceil(due / 16). */
static void test_basic_rounding(void **state)
{
	struct dp_wheel w;
	uint32_t out[8];

	(void)state;
	assert_int_equal(dp_wheel_init(&w, 8, SLOTS, SHIFT, 1000), 0);
	dp_wheel_add(&w, 0, 1010); /* ceil tick 64 -> fires at now >= 1024 */
	dp_wheel_add(&w, 1, 1024); /* exactly on tick 64 */
	dp_wheel_add(&w, 2, 1025); /* tick 65 -> now >= 1040 */
	assert_true(dp_wheel_is_queued(&w, 0));
	assert_int_equal(dp_wheel_next_due(&w), 1024);
	assert_int_equal(dp_wheel_poll(&w, 1009, out, 8), 0);
	assert_int_equal(dp_wheel_poll(&w, 1023, out, 8), 0);
	assert_int_equal(dp_wheel_poll(&w, 1024, out, 8), 2);
	assert_true((out[0] == 0 && out[1] == 1) || (out[0] == 1 && out[1] == 0));
	assert_false(dp_wheel_is_queued(&w, 0));
	assert_int_equal(dp_wheel_next_due(&w), 1040);
	assert_int_equal(dp_wheel_poll(&w, 1039, out, 8), 0);
	assert_int_equal(dp_wheel_poll(&w, 1040, out, 8), 1);
	assert_int_equal(out[0], 2);
	assert_int_equal(dp_wheel_due(&w, 2), 1025);
	assert_int_equal(w.n_queued, 0);
	dp_wheel_fini(&w);
}

/* A due time not after the last poll's now fires at the very next poll,
 * even with the same now. */
static void test_past_due(void **state)
{
	struct dp_wheel w;
	uint32_t out[8];

	(void)state;
	assert_int_equal(dp_wheel_init(&w, 8, SLOTS, SHIFT, 0), 0);
	assert_int_equal(dp_wheel_poll(&w, 5000, out, 8), 0);
	dp_wheel_add(&w, 3, 4999);
	dp_wheel_add(&w, 4, 0);
	dp_wheel_add(&w, 5, 5000);
	assert_true(dp_wheel_next_due(&w) <= 5000);
	assert_int_equal(dp_wheel_poll(&w, 5000, out, 8), 3);
	assert_int_equal(dp_wheel_poll(&w, 5000, out, 8), 0);
	dp_wheel_fini(&w);
}

/* Level 1 and overflow: fire at the right poll, not a tick early. */
static void test_far_future(void **state)
{
	static const uint64_t dues[] = {
		1100, 5000, 65519, 65536, 70000, 1000000, 123456789,
		(1ULL << 40) + 7,
	};
	struct dp_wheel w;
	uint32_t out[8], i;

	(void)state;
	assert_int_equal(dp_wheel_init(&w, 8, SLOTS, SHIFT, 0), 0);
	for (i = 0; i < MBL_ARRAY_SIZE(dues); i++)
		dp_wheel_add(&w, i, dues[i]);
	for (i = 0; i < MBL_ARRAY_SIZE(dues); i++) {
		uint64_t fire = (dues[i] + TICK - 1) & ~(TICK - 1);

		assert_true(dp_wheel_next_due(&w) <= fire);
		assert_int_equal(dp_wheel_poll(&w, fire - 1, out, 8), 0);
		assert_int_equal(dp_wheel_poll(&w, fire, out, 8), 1);
		assert_int_equal(out[0], i);
	}
	assert_int_equal(dp_wheel_next_due(&w), UINT64_MAX);
	dp_wheel_fini(&w);
}

/* now jumping far ahead fires everything, earliest tick first, and
 * jumps over an empty wheel without walking it. */
static void test_jump_ahead(void **state)
{
	struct dp_wheel w;
	uint32_t out[64], i;
	unsigned n;

	(void)state;
	assert_int_equal(dp_wheel_init(&w, 64, SLOTS, SHIFT, 0), 0);
	for (i = 0; i < 40; i++) /* spread over all three levels */
		dp_wheel_add(&w, i, (uint64_t)(40 - i) * 9000 + 3);
	n = drain(&w, 1ULL << 30, out, 64);
	assert_int_equal(n, 40);
	for (i = 0; i < 40; i++)
		assert_int_equal(out[i], 39 - i);
	/* empty wheel, a jump of 2^40 ticks costs one step */
	assert_int_equal(dp_wheel_poll(&w, 1ULL << 50, out, 64), 0);
	assert_int_equal(w.cur, (1ULL << 50) >> SHIFT);
	dp_wheel_add(&w, 7, (1ULL << 50) + 1);
	assert_int_equal(dp_wheel_poll(&w, (1ULL << 50) + 16, out, 64), 1);
	dp_wheel_fini(&w);
}

/* More entries in one tick than a burst: served 32 at a time, none lost. */
static void test_burst(void **state)
{
	struct dp_wheel w;
	uint32_t out[32], seen[100] = { 0 }, i, k;
	unsigned n, total = 0;

	(void)state;
	assert_int_equal(dp_wheel_init(&w, 100, SLOTS, SHIFT, 0), 0);
	for (i = 0; i < 100; i++)
		dp_wheel_add(&w, i, 500);
	for (k = 0; k < 4; k++) {
		n = dp_wheel_poll(&w, 600, out, 32);
		assert_int_equal(n, k < 3 ? 32 : 4);
		for (i = 0; i < n; i++)
			seen[out[i]]++;
		total += n;
	}
	assert_int_equal(total, 100);
	for (i = 0; i < 100; i++)
		assert_int_equal(seen[i], 1);
	assert_int_equal(dp_wheel_poll(&w, 600, out, 0), 0);
	dp_wheel_fini(&w);
}

/* Removal from head, middle and tail of a slot, from level 1 and
 * overflow; removing an idle entry is a no-op; adding again moves. */
static void test_remove(void **state)
{
	struct dp_wheel w;
	uint32_t out[16], i;
	unsigned n;

	(void)state;
	assert_int_equal(dp_wheel_init(&w, 16, SLOTS, SHIFT, 0), 0);
	for (i = 0; i < 5; i++)
		dp_wheel_add(&w, i, 100); /* list: 4 3 2 1 0 */
	dp_wheel_add(&w, 5, 20000);      /* level 1 */
	dp_wheel_add(&w, 6, 900000);     /* overflow */
	dp_wheel_remove(&w, 4);          /* head */
	dp_wheel_remove(&w, 2);          /* middle */
	dp_wheel_remove(&w, 0);          /* tail */
	dp_wheel_remove(&w, 0);          /* idle: no-op */
	dp_wheel_remove(&w, 5);
	dp_wheel_remove(&w, 6);
	assert_int_equal(w.n_queued, 2);
	dp_wheel_add(&w, 1, 300);        /* move */
	n = drain(&w, 112, out, 16);
	assert_int_equal(n, 1);
	assert_int_equal(out[0], 3);
	n = drain(&w, 1000000, out, 16);
	assert_int_equal(n, 1);
	assert_int_equal(out[0], 1);
	assert_int_equal(w.n_queued, 0);
	assert_int_equal(dp_wheel_next_due(&w), UINT64_MAX);
	dp_wheel_fini(&w);
}

/* ---- random schedules against a brute-force reference ---------------- */

#define R_N 3000

struct ref {
	uint64_t due[R_N];
	uint8_t queued[R_N];
	uint8_t past[R_N]; /* added with due <= last now: exempt from order */
	uint64_t fired;
};

static uint64_t rnd_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	/* xorshift64*: reproducible across runs */
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * 2685821657736338717ULL;
}

static void ref_add(struct dp_wheel *w, struct ref *r, uint32_t i,
		    uint64_t due, uint64_t last_now)
{
	dp_wheel_add(w, i, due);
	r->due[i] = due;
	r->queued[i] = 1;
	r->past[i] = due <= last_now;
}

/* Check one poll's output: each entry queued, due <= now, ticks
 * non-decreasing (past entries aside). */
static void ref_check_fired(struct ref *r, const uint32_t *out, unsigned n,
			    uint64_t now, uint64_t *last_tick)
{
	unsigned k;

	for (k = 0; k < n; k++) {
		uint32_t i = out[k];
		uint64_t t = (r->due[i] + TICK - 1) >> SHIFT;

		assert_true(i < R_N);
		assert_int_equal(r->queued[i], 1);
		assert_true(r->due[i] <= now);
		if (!r->past[i]) {
			assert_true(t >= *last_tick);
			*last_tick = t;
		}
		r->queued[i] = 0;
		r->fired++;
	}
}

/* After a full drain nothing whose tick has come may remain. */
static void ref_check_drained(const struct ref *r, uint64_t now)
{
	uint32_t i;

	for (i = 0; i < R_N; i++)
		if (r->queued[i] && !r->past[i])
			assert_true(((r->due[i] + TICK - 1) >> SHIFT) > (now >> SHIFT));
		else
			assert_false(r->queued[i] && r->past[i]);
}

static uint64_t pick_due(uint64_t now)
{
	uint64_t x = rnd() % 100;

	if (x < 70) /* pacing: within level 0 */
		return now + rnd() % 1000;
	if (x < 85) /* level 1 */
		return now + 1000 + rnd() % 60000;
	if (x < 92) /* overflow */
		return now + rnd() % 2000000;
	return now - MBL_MIN(now, rnd() % 500); /* past */
}

static void random_round(struct dp_wheel *w, struct ref *r, uint64_t *now)
{
	uint32_t out[64];
	uint64_t last_tick = 0, step = rnd() % 100;
	unsigned n, burst = 1 + (unsigned)(rnd() % 64);
	uint32_t i, k;

	if (step > 97) /* occasionally far ahead */
		*now += rnd() % 3000000;
	else
		*now += rnd() % 40;
	do {
		n = dp_wheel_poll(w, *now, out, burst);
		ref_check_fired(r, out, n, *now, &last_tick);
		/* pacer: re-add most of what fired, ptime-like period */
		for (k = 0; k < n; k++)
			if (rnd() % 10)
				ref_add(w, r, out[k], r->due[out[k]] + 200 +
					rnd() % 800, *now);
	} while (n == burst);
	/* after the re-adds, entries just added as "past" are still queued */
	for (i = 0; i < R_N; i++)
		if (r->queued[i] && r->past[i] && r->due[i] > *now)
			r->past[i] = 0;
	/* random removes and adds of idle or queued entries */
	for (k = 0; k < 5; k++) {
		i = (uint32_t)(rnd() % R_N);
		if (rnd() % 3 == 0) {
			dp_wheel_remove(w, i);
			r->queued[i] = 0;
		} else {
			ref_add(w, r, i, pick_due(*now), *now);
		}
	}
}

static void test_random_vs_reference(void **state)
{
	static struct ref r;
	struct dp_wheel w;
	uint64_t now = 123456, queued;
	uint32_t out[64], i;
	unsigned round;

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(dp_wheel_init(&w, R_N, SLOTS, SHIFT, now), 0);
	for (i = 0; i < R_N; i++)
		ref_add(&w, &r, i, pick_due(now), now);
	for (round = 0; round < 20000; round++) {
		random_round(&w, &r, &now);
		/* a full drain at the same now must leave nothing due */
		if (round % 16 == 0) {
			uint64_t lt = 0;
			unsigned n;

			do {
				n = dp_wheel_poll(&w, now, out, 64);
				ref_check_fired(&r, out, n, now, &lt);
			} while (n == 64);
			ref_check_drained(&r, now);
		}
		for (queued = 0, i = 0; i < R_N; i++)
			queued += r.queued[i];
		assert_int_equal(w.n_queued, queued);
	}
	assert_true(r.fired > 100000);
	/* finally everything fires exactly once */
	now += 1ULL << 32;
	{
		uint64_t lt = 0;
		unsigned n;

		do {
			n = dp_wheel_poll(&w, now, out, 64);
			ref_check_fired(&r, out, n, now, &lt);
		} while (n == 64);
	}
	for (i = 0; i < R_N; i++)
		assert_int_equal(r.queued[i], 0);
	assert_int_equal(w.n_queued, 0);
	dp_wheel_fini(&w);
}

/* Production-like geometry: 3 GHz TSC, tick 2^15 cycles (~11 us), 8192
 * slots (89 ms span), 50,000 streams with ptime 10..60 ms re-added at
 * due + ptime, polled every 5 us with bursts of 64, for 2 s. Every fire
 * is at or after due and later by less than a tick plus a poll step, and
 * no stream falls behind. */
static void test_pacer_geometry(void **state)
{
	enum { NS = 50000 };
	const uint64_t ms = 3000000, step = 15000, tick = 1ULL << 15;
	static uint64_t ptime[NS];
	struct dp_wheel w;
	uint64_t now = 1ULL << 40, end = now + 2000 * ms, fired = 0;
	uint32_t out[64], i;
	unsigned n, k;

	(void)state;
	assert_int_equal(dp_wheel_init(&w, NS, 8192, 15, now), 0);
	for (i = 0; i < NS; i++) {
		ptime[i] = (10 + 10 * (rnd() % 6)) * ms;
		dp_wheel_add(&w, i, now + rnd() % ptime[i]);
	}
	for (; now < end; now += step) {
		do {
			n = dp_wheel_poll(&w, now, out, 64);
			for (k = 0; k < n; k++) {
				uint64_t due = dp_wheel_due(&w, out[k]);

				assert_true(due <= now);
				assert_true(now - due < tick + step);
				dp_wheel_add(&w, out[k], due + ptime[out[k]]);
			}
			fired += n;
		} while (n == 64);
	}
	assert_int_equal(w.n_queued, NS);
	for (i = 0; i < NS; i++)
		assert_true(dp_wheel_due(&w, i) + tick + step > now - step);
	assert_true(fired > NS * 2000ULL / 60);
	dp_wheel_fini(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_errors),
		cmocka_unit_test(test_basic_rounding),
		cmocka_unit_test(test_past_due),
		cmocka_unit_test(test_far_future),
		cmocka_unit_test(test_jump_ahead),
		cmocka_unit_test(test_burst),
		cmocka_unit_test(test_remove),
		cmocka_unit_test(test_random_vs_reference),
		cmocka_unit_test(test_pacer_geometry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
