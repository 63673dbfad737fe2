/* SPDX-License-Identifier: BSD-3-Clause
 * Receive statistics: the non-inline halves of jitter and the histogram
 * (reporting runs on the control plane, recording stays inline). */
#include <math.h>
#include <string.h>

#include "mbl_stats.h"

/* jit holds 16 * J with MBL_RX_JIT_FRAC fraction bits (RFC 3550 A.8). */
#define JIT_SCALE ((double)(16u << MBL_RX_JIT_FRAC))

double mbl_rx_jitter_ms(const struct mbl_rx_jitter *j, uint32_t clock_rate)
{
	if (!clock_rate)
		return 0;
	return (double)j->jit / JIT_SCALE * 1e3 / clock_rate;
}

double mbl_rx_jitter_mean_ms(const struct mbl_rx_jitter *j,
			     uint32_t clock_rate)
{
	if (!clock_rate || !j->n_diff)
		return 0;
	return (double)j->jit_sum / (double)j->n_diff / JIT_SCALE * 1e3 /
	       clock_rate;
}

void mbl_hist_reset(struct mbl_hist *h)
{
	memset(h, 0, sizeof(*h));
}

void mbl_hist_merge(struct mbl_hist *dst, const struct mbl_hist *src)
{
	unsigned i;

	if (!src->count)
		return;
	if (!dst->count || src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
	dst->count += src->count;
	dst->sum += src->sum;
	for (i = 0; i < MBL_HIST_BUCKETS; i++)
		dst->bucket[i] += src->bucket[i];
}

uint64_t mbl_hist_count(const struct mbl_hist *h)
{
	return h->count;
}

uint64_t mbl_hist_min(const struct mbl_hist *h)
{
	return h->count ? h->min : 0;
}

uint64_t mbl_hist_max(const struct mbl_hist *h)
{
	return h->count ? h->max : 0;
}

double mbl_hist_mean(const struct mbl_hist *h)
{
	return h->count ? (double)h->sum / (double)h->count : 0;
}

/* Inverse of mbl_hist_index: the midpoint of bucket i. */
static uint64_t bucket_mid(unsigned i)
{
	unsigned g;
	uint64_t lo;

	if (i < 2 * MBL_HIST_SUB)
		return i;
	g = i / MBL_HIST_SUB - 1;
	lo = (uint64_t)(i - g * MBL_HIST_SUB) << g;
	return lo + ((1ULL << g) >> 1);
}

/* 1-based rank of percentile p: ceil(p% of count), guarded against
 * 50% of 100 landing on 50.000000001. */
static uint64_t pct_rank(uint64_t count, double p)
{
	double x = p / 100.0 * (double)count;
	uint64_t r = (uint64_t)x;

	if ((double)r < x - x * 1e-12)
		r++;
	return r < 1 ? 1 : (r > count ? count : r);
}

void mbl_hist_bucket_bounds(unsigned i, uint64_t *lo, uint64_t *hi)
{
	unsigned g;

	if (i < 2 * MBL_HIST_SUB) {
		*lo = i;
		*hi = (uint64_t)i + 1;
		return;
	}
	g = i / MBL_HIST_SUB - 1;
	*lo = (uint64_t)(i - g * MBL_HIST_SUB) << g;
	*hi = *lo + (1ULL << g);
}

void mbl_hist_since(struct mbl_hist *h, const struct mbl_hist *then)
{
	uint64_t lo, hi;
	int first = -1, last = -1;

	h->count = h->count >= then->count ? h->count - then->count : 0;
	h->sum = h->sum >= then->sum ? h->sum - then->sum : 0;
	for (unsigned i = 0; i < MBL_HIST_BUCKETS; i++) {
		h->bucket[i] = h->bucket[i] >= then->bucket[i] ? h->bucket[i] - then->bucket[i] : 0;
		if (h->bucket[i] != 0) {
			if (first < 0)
				first = (int)i;
			last = (int)i;
		}
	}
	if (first < 0) {
		mbl_hist_reset(h);
		return;
	}
	mbl_hist_bucket_bounds((unsigned)first, &lo, &hi);
	h->min = lo;
	mbl_hist_bucket_bounds((unsigned)last, &lo, &hi);
	h->max = hi - 1;
}

uint64_t mbl_hist_pct(const struct mbl_hist *h, double p)
{
	uint64_t rank, cum = 0;
	unsigned i;

	if (!h->count)
		return 0;
	if (!(p > 0))
		return h->min;
	if (p >= 100)
		return h->max;
	rank = pct_rank(h->count, p);
	if (rank == h->count)
		return h->max;
	for (i = 0; i < MBL_HIST_BUCKETS; i++) {
		cum += h->bucket[i];
		if (cum >= rank)
			break;
	}
	if (i == MBL_HIST_BUCKETS)
		return h->max; /* counts inconsistent: a torn copy */
	return MBL_MAX(h->min, MBL_MIN(h->max, bucket_mid(i)));
}

void mbl_hist_json(struct mbl_json *j, const char *key,
		   const struct mbl_hist *h, double div)
{
	if (!(div > 0))
		div = 1;
	mbl_json_obj_open(j, key);
	mbl_json_u64(j, "count", h->count);
	mbl_json_dbl(j, "min", (double)mbl_hist_min(h) / div);
	mbl_json_dbl(j, "mean", mbl_hist_mean(h) / div);
	mbl_json_dbl(j, "p50", (double)mbl_hist_pct(h, 50) / div);
	mbl_json_dbl(j, "p90", (double)mbl_hist_pct(h, 90) / div);
	mbl_json_dbl(j, "p99", (double)mbl_hist_pct(h, 99) / div);
	mbl_json_dbl(j, "p999", (double)mbl_hist_pct(h, 99.9) / div);
	mbl_json_dbl(j, "max", (double)mbl_hist_max(h) / div);
	mbl_json_arr_open(j, "buckets");
	for (unsigned i = 0; h->count != 0 && i < MBL_HIST_BUCKETS; i++) {
		uint64_t lo, hi;

		if (h->bucket[i] == 0)
			continue;
		mbl_hist_bucket_bounds(i, &lo, &hi);
		mbl_json_arr_open(j, NULL);
		j->flat++; /* one line per bucket */
		mbl_json_dbl(j, NULL, (double)lo / div);
		mbl_json_dbl(j, NULL, (double)hi / div);
		mbl_json_u64(j, NULL, h->bucket[i]);
		mbl_json_arr_close(j);
		j->flat--;
	}
	mbl_json_arr_close(j);
	mbl_json_obj_close(j);
}
