/* SPDX-License-Identifier: BSD-3-Clause
 * Capacity search ladder: against a system that passes up to a known
 * capacity, the search visits the ladder then bisects, and its answer is
 * that capacity when the halvings allow, the nearest ladder bracket
 * otherwise; degenerate ladders (nothing passes, everything passes, a
 * start above max, step 0) end cleanly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "mbl_verdict.h"

/* Run a search against capacity cap; returns the levels tried. */
static unsigned search(struct mbl_search *s, uint32_t start, uint32_t step, uint32_t max,
		       uint32_t bisect, uint32_t cap, uint32_t *tried, unsigned n)
{
	unsigned k = 0;

	for (uint32_t l = mbl_search_begin(s, start, step, max, bisect); l != 0;
	     l = mbl_search_result(s, l <= cap)) {
		assert_true(k < n);
		tried[k++] = l;
	}
	return k;
}

static void test_ladder_then_bisect(void **state)
{
	struct mbl_search s;
	uint32_t t[32];
	unsigned n;
	(void)state;

	/* 10 20 30 40 pass, 50 fails; bisect 40..50: 45 f, 42 p, 43 p, 44 f */
	n = search(&s, 10, 10, 100, 8, 43, t, 32);
	assert_int_equal(n, 9);
	assert_int_equal(t[4], 50);
	assert_int_equal(t[5], 45);
	assert_int_equal(t[6], 42);
	assert_int_equal(t[7], 43);
	assert_int_equal(t[8], 44);
	assert_int_equal(s.best, 43);
	assert_int_equal(s.fail, 44);
	/* no bisection: the ladder's bracket */
	n = search(&s, 10, 10, 100, 0, 43, t, 32);
	assert_int_equal(n, 5);
	assert_int_equal(s.best, 40);
	assert_int_equal(s.fail, 50);
	/* two halvings only: 45 f, 42 p -> best 42, fail 45 */
	search(&s, 10, 10, 100, 2, 43, t, 32);
	assert_int_equal(s.best, 42);
	assert_int_equal(s.fail, 45);
}

static void test_edges(void **state)
{
	struct mbl_search s;
	uint32_t t[32];
	(void)state;

	/* nothing passes: bisect below the first step */
	search(&s, 10, 10, 100, 8, 3, t, 32);
	assert_int_equal(s.best, 3);
	assert_int_equal(s.fail, 4);
	search(&s, 10, 10, 100, 8, 0, t, 32);
	assert_int_equal(s.best, 0);
	assert_int_equal(s.fail, 1);
	/* everything passes: max is the answer, nothing failed */
	assert_int_equal(search(&s, 10, 10, 100, 8, 1000, t, 32), 10);
	assert_int_equal(s.best, 100);
	assert_int_equal(s.fail, 0);
	/* a ladder that does not land on max stops below it */
	assert_int_equal(search(&s, 10, 40, 100, 8, 1000, t, 32), 3); /* 10 50 90 */
	assert_int_equal(s.best, 90);
	assert_int_equal(mbl_search_begin(&s, 200, 10, 100, 1), 0);
	assert_int_equal(mbl_search_begin(&s, 10, 0, 100, 1), 0);
	assert_int_equal(mbl_search_begin(&s, 0, 10, 100, 1), 0);
	/* no overflow near the top */
	search(&s, UINT32_MAX - 1, 10, UINT32_MAX, 0, UINT32_MAX, t, 32);
	assert_int_equal(s.best, UINT32_MAX - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ladder_then_bisect),
		cmocka_unit_test(test_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
