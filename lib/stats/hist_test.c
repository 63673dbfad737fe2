/* SPDX-License-Identifier: BSD-3-Clause
 * Histogram tests: exact small values, 1% percentiles against sorted
 * samples, merge, out-of-range values, the JSON summary. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mbl_stats.h"

#define assert_near(a, b, eps) assert_true(fabs((double)(a) - (double)(b)) <= (eps))

static struct mbl_hist ha, hb, hc;

static void test_hist_empty(void **state)
{
	(void)state;
	memset(&ha, 0, sizeof(ha)); /* zeroed == reset */
	assert_int_equal(mbl_hist_count(&ha), 0);
	assert_int_equal(mbl_hist_min(&ha), 0);
	assert_int_equal(mbl_hist_max(&ha), 0);
	assert_near(mbl_hist_mean(&ha), 0, 0);
	assert_int_equal(mbl_hist_pct(&ha, 50), 0);
	assert_int_equal(mbl_hist_pct(&ha, 100), 0);
	assert_true(sizeof(struct mbl_hist) <= 18 * 1024);
}

/* Below 128 every value has its own bucket: percentiles are exact. */
static void test_hist_small_exact(void **state)
{
	static const uint64_t v[] = { 5, 0, 127, 100, 1 };
	unsigned i;

	(void)state;
	mbl_hist_reset(&ha);
	for (i = 0; i < MBL_ARRAY_SIZE(v); i++)
		mbl_hist_add(&ha, v[i]);
	assert_int_equal(mbl_hist_count(&ha), 5);
	assert_int_equal(mbl_hist_min(&ha), 0);
	assert_int_equal(mbl_hist_max(&ha), 127);
	assert_near(mbl_hist_mean(&ha), 233.0 / 5, 1e-12);
	/* sorted 0 1 5 100 127; rank = ceil(p% * 5) */
	assert_int_equal(mbl_hist_pct(&ha, 0), 0);
	assert_int_equal(mbl_hist_pct(&ha, 20), 0);   /* rank 1 */
	assert_int_equal(mbl_hist_pct(&ha, 20.5), 1); /* rank 2 */
	assert_int_equal(mbl_hist_pct(&ha, 50), 5);   /* rank 3 */
	assert_int_equal(mbl_hist_pct(&ha, 80), 100); /* rank 4 */
	assert_int_equal(mbl_hist_pct(&ha, 99), 127);
	assert_int_equal(mbl_hist_pct(&ha, 100), 127);
	assert_int_equal(mbl_hist_pct(&ha, 150), 127);
	assert_int_equal(mbl_hist_pct(&ha, -3), 0);
}

/* Index: monotonic, contiguous, last bucket for everything >= 2^40;
 * 128 -> 128, 129 -> 128 (width 2 from there), 2^40 - 1 -> last. */
static void test_hist_index(void **state)
{
	uint64_t v;
	unsigned prev = 0, i;

	(void)state;
	assert_int_equal(mbl_hist_index(0), 0);
	assert_int_equal(mbl_hist_index(127), 127);
	assert_int_equal(mbl_hist_index(128), 128);
	assert_int_equal(mbl_hist_index(129), 128);
	assert_int_equal(mbl_hist_index(130), 129);
	assert_int_equal(mbl_hist_index(256), 192);
	assert_int_equal(mbl_hist_index(MBL_HIST_VMAX), MBL_HIST_BUCKETS - 1);
	assert_int_equal(mbl_hist_index(UINT64_MAX), MBL_HIST_BUCKETS - 1);
	for (i = 0; i < 4000; i++) {
		v = (uint64_t)(pow(1.01, i)) + i;
		if (v > MBL_HIST_VMAX)
			break;
		assert_true(mbl_hist_index(v) >= prev);
		assert_true(mbl_hist_index(v) <= prev + 1 || i == 0 ||
			    v - (uint64_t)(pow(1.01, i - 1)) - (i - 1) > 1);
		prev = mbl_hist_index(v);
	}
}

static uint64_t rnd_state = 0x2545f4914f6cdd1dULL;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * 2685821657736338717ULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Log-uniform samples over [1, 2^40): every percentile within 1% of the
 * ceil(p% n)-th smallest sample; p100 exact; merge of halves == whole. */
static void test_hist_pct_vs_sorted(void **state)
{
	static const double ps[] = { 0.1, 1, 10, 25, 50, 75, 90, 99, 99.9,
				     99.99, 99.999 };
	enum { N = 200001 };
	uint64_t *s = malloc(N * sizeof(*s));
	long double sum = 0;
	unsigned i;

	(void)state;
	assert_non_null(s);
	mbl_hist_reset(&ha);
	mbl_hist_reset(&hb);
	mbl_hist_reset(&hc);
	for (i = 0; i < N; i++) {
		unsigned e = (unsigned)(rnd() % 40);

		s[i] = (1ULL << e) + rnd() % (1ULL << e);
		if (s[i] > MBL_HIST_VMAX)
			s[i] = MBL_HIST_VMAX;
		sum += s[i];
		mbl_hist_add(&ha, s[i]);
		mbl_hist_add(i % 2 ? &hb : &hc, s[i]);
	}
	qsort(s, N, sizeof(*s), cmp_u64);
	for (i = 0; i < MBL_ARRAY_SIZE(ps); i++) {
		uint64_t rank = (uint64_t)ceil(ps[i] / 100 * N);
		double want = (double)s[rank - 1];
		double got = (double)mbl_hist_pct(&ha, ps[i]);

		assert_true(fabs(got - want) <= want * 0.01);
	}
	assert_int_equal(mbl_hist_pct(&ha, 100), s[N - 1]);
	assert_int_equal(mbl_hist_pct(&ha, 0), s[0]);
	assert_int_equal(mbl_hist_min(&ha), s[0]);
	assert_int_equal(mbl_hist_max(&ha), s[N - 1]);
	assert_near(mbl_hist_mean(&ha), (double)(sum / N), 1e-6 * (double)(sum / N));
	mbl_hist_merge(&hb, &hc);
	assert_memory_equal(&hb, &ha, sizeof(ha));
	/* merging an empty one changes nothing, into an empty one copies */
	mbl_hist_reset(&hc);
	mbl_hist_merge(&hb, &hc);
	mbl_hist_merge(&hc, &ha);
	assert_memory_equal(&hc, &ha, sizeof(ha));
	free(s);
}

/* Beyond 2^40: counted in the last bucket, min/max/mean still exact. */
static void test_hist_out_of_range(void **state)
{
	(void)state;
	mbl_hist_reset(&ha);
	mbl_hist_add(&ha, 1ULL << 50);
	mbl_hist_add(&ha, 1ULL << 45);
	mbl_hist_add(&ha, UINT64_MAX);
	mbl_hist_add(&ha, UINT64_MAX);
	assert_int_equal(mbl_hist_max(&ha), UINT64_MAX);
	assert_int_equal(mbl_hist_min(&ha), 1ULL << 45);
	assert_int_equal(mbl_hist_pct(&ha, 100), UINT64_MAX);
	/* clamped into [min, max] even though the bucket is lower */
	assert_int_equal(mbl_hist_pct(&ha, 10), 1ULL << 45);
	assert_near(mbl_hist_mean(&ha),
		    ((double)(1ULL << 50) + (double)(1ULL << 45) +
		     2 * (double)UINT64_MAX) / 4, 1e3);
	assert_int_equal(ha.bucket[MBL_HIST_BUCKETS - 1], 4);
}

static void test_hist_json(void **state)
{
	struct mbl_json j;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	const struct mbl_jv *root, *b;
	double prev_hi = 0;
	uint64_t sum = 0;
	unsigned i;

	(void)state;
	assert_non_null(f);
	mbl_hist_reset(&ha);
	for (i = 1; i <= 100; i++)
		mbl_hist_add(&ha, i * 1000); /* 1..100 us in ns */
	mbl_json_init(&j, f, false);
	mbl_json_obj_open(&j, NULL);
	mbl_hist_json(&j, "lat_us", &ha, 1000);
	mbl_hist_reset(&hb);
	mbl_hist_json(&j, "empty", &hb, 0);
	mbl_json_obj_close(&j);
	fclose(f);
	/* p50 = 50000 ns: bucket [49664, 50176) midpoint 49920 -> 49.92 us;
	 * p90 90000 in [89088, 90112) -> 89600; p99 99000 in [98304, 99328)
	 * -> 98816; p99.9 = rank 100 = max */
	assert_non_null(strstr(buf,
		"{\"lat_us\":{\"count\":100,\"min\":1,\"mean\":50.5,"
		"\"p50\":49.92,\"p90\":89.6,\"p99\":98.816,\"p999\":100,"
		"\"max\":100,\"buckets\":[[1,1.008,1],[2,2.016,1],"));
	assert_non_null(strstr(buf, "\"empty\":{\"count\":0,\"min\":0,\"mean\":0,"
		"\"p50\":0,\"p90\":0,\"p99\":0,\"p999\":0,\"max\":0,\"buckets\":[]}}"));
	/* the buckets read back: ascending, each sample in exactly one */
	root = mbl_jv_parse(buf, len, NULL, 0);
	assert_non_null(root);
	b = mbl_jv_get(root, "lat_us.buckets");
	assert_int_equal(b->type, MBL_JV_ARR);
	for (const struct mbl_jv *e = b->child; e != NULL; e = e->next) {
		double lo = mbl_jv_num(mbl_jv_get(e, "0"), -1), hi = mbl_jv_num(mbl_jv_get(e, "1"), -1);

		assert_true(lo >= prev_hi && hi > lo);
		prev_hi = hi;
		sum += (uint64_t)mbl_jv_num(mbl_jv_get(e, "2"), 0);
	}
	assert_int_equal(sum, 100);
	mbl_jv_free(root);
	free(buf);
}

/* what was added between two copies: counts and buckets exact, min/max
 * the bounds of the outer buckets, percentiles of the new samples only */
static void test_hist_since(void **state)
{
	uint64_t lo, hi;

	(void)state;
	mbl_hist_reset(&ha);
	for (unsigned i = 0; i < 1000; i++)
		mbl_hist_add(&ha, 5);
	hb = ha;
	for (unsigned i = 0; i < 10; i++)
		mbl_hist_add(&ha, 1000 + i);
	mbl_hist_since(&ha, &hb);
	assert_int_equal(mbl_hist_count(&ha), 10);
	assert_int_equal(ha.bucket[mbl_hist_index(5)], 0);
	mbl_hist_bucket_bounds(mbl_hist_index(1000), &lo, &hi);
	assert_true(lo <= 1000 && hi > 1000);
	assert_int_equal(mbl_hist_min(&ha), lo);
	assert_true(mbl_hist_max(&ha) >= 1009);
	assert_true(mbl_hist_pct(&ha, 50) >= 1000 && mbl_hist_pct(&ha, 50) <= 1010);
	assert_true(mbl_hist_mean(&ha) == 1004.5);
	/* nothing new: empty */
	hb = ha;
	mbl_hist_since(&ha, &hb);
	assert_int_equal(mbl_hist_count(&ha), 0);
	assert_int_equal(mbl_hist_max(&ha), 0);
	/* bounds tile the range */
	for (unsigned i = 0; i + 1 < MBL_HIST_BUCKETS; i++) {
		uint64_t lo2, hi2;

		mbl_hist_bucket_bounds(i, &lo, &hi);
		mbl_hist_bucket_bounds(i + 1, &lo2, &hi2);
		assert_int_equal(hi, lo2);
		assert_int_equal(mbl_hist_index(lo), i);
		assert_int_equal(mbl_hist_index(hi - 1), i);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hist_empty),
		cmocka_unit_test(test_hist_small_exact),
		cmocka_unit_test(test_hist_index),
		cmocka_unit_test(test_hist_pct_vs_sorted),
		cmocka_unit_test(test_hist_out_of_range),
		cmocka_unit_test(test_hist_json),
		cmocka_unit_test(test_hist_since),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
