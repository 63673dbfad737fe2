/* SPDX-License-Identifier: BSD-3-Clause
 * Tests of RTP receive statistics: RFC 3550 A.1 sequence tracking and
 * A.8 jitter, with hand-computed expectations. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mbl_stats.h"

/* cmocka 1.1 has no assert_double_equal */
#define assert_near(a, b, eps) assert_true(fabs((double)(a) - (double)(b)) <= (eps))

static void feed(struct mbl_rx_seq *s, uint32_t from, uint32_t to)
{
	uint32_t i;

	for (i = from; i <= to; i++)
		assert_int_equal(mbl_rx_seq_update(s, (uint16_t)i), MBL_RX_NEW);
}

static void test_seq_in_order_and_wrap(void **state)
{
	struct mbl_rx_seq s;

	(void)state;
	mbl_rx_seq_init(&s);
	assert_int_equal(mbl_rx_seq_expected(&s), 0);
	feed(&s, 65530, 65535 + 10); /* 65530..65535, 0..9 */
	assert_int_equal(s.received, 16);
	assert_int_equal(mbl_rx_seq_expected(&s), 16);
	assert_int_equal(mbl_rx_seq_lost(&s), 0);
	assert_int_equal(s.cycles, 65536);
	/* RFC 3550 6.4.1: cycles in the high 16 bits, highest seq below */
	assert_int_equal(mbl_rx_seq_ext_max(&s), 65536 + 9);
	assert_int_equal(s.duplicates + s.reordered + s.resyncs, 0);
}

static void test_seq_loss_reorder_dup(void **state)
{
	/* 0 1 3 2 4 6 6 5 1 9: lost 7 and 8; 2 and 5 reordered; 6 and 1
	 * duplicated */
	static const uint16_t seqs[] = { 0, 1, 3, 2, 4, 6, 6, 5, 1, 9 };
	static const int want[] = {
		MBL_RX_NEW, MBL_RX_NEW, MBL_RX_NEW, MBL_RX_REORDER, MBL_RX_NEW,
		MBL_RX_NEW, MBL_RX_DUP, MBL_RX_REORDER, MBL_RX_DUP, MBL_RX_NEW,
	};
	struct mbl_rx_seq s;
	unsigned i;

	(void)state;
	mbl_rx_seq_init(&s);
	for (i = 0; i < MBL_ARRAY_SIZE(seqs); i++)
		assert_int_equal(mbl_rx_seq_update(&s, seqs[i]), want[i]);
	assert_int_equal(s.received, 8);
	assert_int_equal(mbl_rx_seq_expected(&s), 10);
	assert_int_equal(mbl_rx_seq_lost(&s), 2);
	assert_int_equal(s.reordered, 2);
	assert_int_equal(s.duplicates, 2);
}

static void test_seq_dup_across_wrap(void **state)
{
	struct mbl_rx_seq s;

	(void)state;
	mbl_rx_seq_init(&s);
	feed(&s, 65534, 65536); /* 65534 65535 0 */
	assert_int_equal(mbl_rx_seq_update(&s, 65535), MBL_RX_DUP);
	assert_int_equal(mbl_rx_seq_update(&s, 0), MBL_RX_DUP);
	assert_int_equal(s.received, 3);
	assert_int_equal(mbl_rx_seq_lost_signed(&s), 0);
}

/* A late packet from before the first one extends the sequence down. */
static void test_seq_before_first(void **state)
{
	struct mbl_rx_seq s;

	(void)state;
	mbl_rx_seq_init(&s);
	assert_int_equal(mbl_rx_seq_update(&s, 1), MBL_RX_NEW);
	assert_int_equal(mbl_rx_seq_update(&s, 0), MBL_RX_REORDER);
	assert_int_equal(mbl_rx_seq_update(&s, 65535), MBL_RX_REORDER);
	assert_int_equal(mbl_rx_seq_update(&s, 65535), MBL_RX_DUP);
	assert_int_equal(mbl_rx_seq_expected(&s), 3);
	assert_int_equal(mbl_rx_seq_lost_signed(&s), 0);
	assert_int_equal(mbl_rx_seq_update(&s, 2), MBL_RX_NEW);
	assert_int_equal(mbl_rx_seq_expected(&s), 4);
}

/* The 1024-entry window: a seq 1023 behind is still known, 1024 behind
 * is not (counted as reordered, so lost can go negative). */
static void test_seq_window_edges(void **state)
{
	struct mbl_rx_seq s;

	(void)state;
	mbl_rx_seq_init(&s);
	feed(&s, 0, 2000);
	assert_int_equal(mbl_rx_seq_update(&s, 2000 - 1023), MBL_RX_DUP);
	assert_int_equal(mbl_rx_seq_update(&s, 2000 - 1024), MBL_RX_REORDER);
	assert_int_equal(mbl_rx_seq_lost_signed(&s), -1);
	assert_int_equal(mbl_rx_seq_lost(&s), 0);
	/* a gap of 1899 clears the whole window: seqs in it are new */
	mbl_rx_seq_init(&s);
	feed(&s, 0, 100);
	assert_int_equal(mbl_rx_seq_update(&s, 2000), MBL_RX_NEW);
	assert_int_equal(mbl_rx_seq_update(&s, 1500), MBL_RX_REORDER);
	assert_int_equal(mbl_rx_seq_update(&s, 1500), MBL_RX_DUP);
	assert_int_equal(mbl_rx_seq_update(&s, 980), MBL_RX_REORDER);
	assert_int_equal(mbl_rx_seq_update(&s, 977), MBL_RX_REORDER);
	assert_int_equal(mbl_rx_seq_expected(&s), 2001);
	assert_int_equal(s.received, 105);
	assert_int_equal(mbl_rx_seq_lost(&s), 2001 - 105);
}

/* RFC 3550 A.1: gaps below MAX_DROPOUT are loss, from it on a restart
 * that needs two sequential packets. */
static void test_seq_jumps(void **state)
{
	struct mbl_rx_seq s;

	(void)state;
	mbl_rx_seq_init(&s);
	feed(&s, 0, 0);
	assert_int_equal(mbl_rx_seq_update(&s, 2999), MBL_RX_NEW);
	assert_int_equal(mbl_rx_seq_lost(&s), 2998);

	/* forward jump confirmed: 0..9, 20000, 20001 */
	mbl_rx_seq_init(&s);
	feed(&s, 0, 9);
	assert_int_equal(mbl_rx_seq_update(&s, 9 + 3000), MBL_RX_JUMP);
	assert_int_equal(mbl_rx_seq_update(&s, 20000), MBL_RX_JUMP);
	assert_int_equal(mbl_rx_seq_update(&s, 20001), MBL_RX_RESYNC);
	assert_int_equal(mbl_rx_seq_update(&s, 20002), MBL_RX_NEW);
	assert_int_equal(s.resyncs, 1);
	assert_int_equal(s.jumps, 1);     /* the unconfirmed 3009 */
	assert_int_equal(s.received, 13);
	assert_int_equal(mbl_rx_seq_expected(&s), 13);
	assert_int_equal(mbl_rx_seq_ext_max(&s), 20002);
	assert_int_equal(mbl_rx_seq_update(&s, 20000), MBL_RX_DUP);

	/* a stray is not counted and does not break the stream */
	mbl_rx_seq_init(&s);
	feed(&s, 0, 9);
	assert_int_equal(mbl_rx_seq_update(&s, 30000), MBL_RX_JUMP);
	feed(&s, 10, 11);
	assert_int_equal(mbl_rx_seq_update(&s, 40000), MBL_RX_JUMP);
	assert_int_equal(s.received, 12);
	assert_int_equal(s.jumps, 2);
	assert_int_equal(mbl_rx_seq_lost_signed(&s), 0);
	/* old-sequence stragglers between the two do not prevent a resync */
	assert_int_equal(mbl_rx_seq_update(&s, 40001), MBL_RX_RESYNC);
	assert_int_equal(mbl_rx_seq_update(&s, 11), MBL_RX_JUMP);
	assert_int_equal(mbl_rx_seq_update(&s, 40002), MBL_RX_NEW);
	assert_int_equal(s.received, 15);
	assert_int_equal(mbl_rx_seq_expected(&s), 12 + 3);

	/* backward jump of 5000 */
	mbl_rx_seq_init(&s);
	feed(&s, 10000, 10004);
	assert_int_equal(mbl_rx_seq_update(&s, 5000), MBL_RX_JUMP);
	assert_int_equal(mbl_rx_seq_update(&s, 5001), MBL_RX_RESYNC);
	assert_int_equal(mbl_rx_seq_expected(&s), 7);

	/* resync whose held packet is 65535 and confirming one 0 */
	mbl_rx_seq_init(&s);
	feed(&s, 30000, 30001);
	assert_int_equal(mbl_rx_seq_update(&s, 65535), MBL_RX_JUMP);
	assert_int_equal(mbl_rx_seq_update(&s, 0), MBL_RX_RESYNC);
	assert_int_equal(mbl_rx_seq_update(&s, 65535), MBL_RX_DUP);
	assert_int_equal(mbl_rx_seq_update(&s, 1), MBL_RX_NEW);
	assert_int_equal(mbl_rx_seq_expected(&s), 5);
	assert_int_equal(s.received, 5);
}

/* Random loss, reordering (< 64 deep) and duplication over several wraps,
 * against counts taken directly from the generated stream. */
static void test_seq_random_vs_truth(void **state)
{
	enum { N = 300000 };
	struct pkt {
		uint32_t key, ext;
	};
	struct pkt *p = calloc(2 * N, sizeof(*p));
	uint8_t *seen = calloc(N, 1);
	uint64_t distinct = 0, dups = 0, reord = 0, lo = UINT64_MAX, hi = 0;
	uint32_t n = 0, i, j, x = 12345;
	int64_t maxext = -1;
	struct mbl_rx_seq s;

	(void)state;
	assert_non_null(p);
	assert_non_null(seen);
	for (i = 0; i < N; i++) {
		x = x * 1103515245 + 12345;
		if ((x >> 16) % 100 < 3)
			continue; /* lost */
		p[n].ext = i;
		p[n++].key = i * 64 + ((x >> 8) % 100 < 5 ? (x >> 20) % 4000 : 0);
		if ((x >> 4) % 100 < 1) {
			p[n].ext = i;
			p[n++].key = i * 64 + 63 * 64;
		}
	}
	/* insertion sort by arrival key: keys are nearly sorted */
	for (i = 1; i < n; i++) {
		struct pkt t = p[i];

		for (j = i; j > 0 && p[j - 1].key > t.key; j--)
			p[j] = p[j - 1];
		p[j] = t;
	}
	mbl_rx_seq_init(&s);
	for (i = 0; i < n; i++) {
		uint32_t e = p[i].ext;

		if (seen[e]) {
			dups++;
		} else {
			seen[e] = 1;
			distinct++;
			reord += (int64_t)e < maxext;
		}
		maxext = MBL_MAX(maxext, (int64_t)e);
		lo = MBL_MIN(lo, e);
		hi = MBL_MAX(hi, e);
		mbl_rx_seq_update(&s, (uint16_t)(e + 40000));
	}
	assert_int_equal(s.received, distinct);
	assert_int_equal(s.duplicates, dups);
	assert_int_equal(s.reordered, reord);
	assert_int_equal(mbl_rx_seq_expected(&s), hi - lo + 1);
	assert_int_equal(s.resyncs + s.jumps, 0);
	assert_true(dups > 1000 && reord > 1000);
	free(p);
	free(seen);
}

/* ---- jitter, RFC 3550 A.8 ------------------------------------------- */

#define MS 1000000ULL
#define T0 1000000000000ULL /* arrival clock far from zero */

/* 8 kHz, 20 ms packets (160 ticks). Arrival offsets 0, 2, 0, 1, 1, 5 ms
 * give transit differences |D| of 16, 16, 8, 0, 32 ticks (1 ms = 8).
 * Integer A.8 form jit += |D| - ((jit + 8) >> 4) with |D| in 1/256 tick
 * and jit = 16 J, so J = jit / 4096 ticks:
 *   jit1 = 0     + 16*256 - ((0    + 8) >> 4) = 4096    (J = 1)
 *   jit2 = 4096  + 16*256 - ((4104) >> 4)     = 7936    (J = 1.9375)
 *   jit3 = 7936  +  8*256 - ((7944) >> 4)     = 9488    (J = 2.31640625)
 *   jit4 = 9488  +  0     - ((9496) >> 4)     = 8895    (J = 2.17163...)
 *   jit5 = 8895  + 32*256 - ((8903) >> 4)     = 16531   (J = 4.03588...)
 * Real-valued J (Wireshark) is 1, 1.9375, 2.31640625, 2.171630859375,
 * 4.0359039306640625 ticks; in ms divide by 8. */
static void test_jitter_worked_example(void **state)
{
	static const uint64_t off_ms[] = { 0, 2, 0, 1, 1, 5 };
	static const double ws_j[] = { 1, 1.9375, 2.31640625, 2.171630859375,
				       4.0359039306640625 };
	struct mbl_rx_jitter j;
	double ws_mean = 0;
	unsigned i;

	(void)state;
	mbl_rx_jitter_init(&j);
	for (i = 0; i < 6; i++)
		mbl_rx_jitter_update(&j, 1000 + 160 * i,
				     T0 + (20 * i + off_ms[i]) * MS, 8000);
	assert_int_equal(j.jit, 16531);
	assert_int_equal(j.n_diff, 5);
	assert_int_equal(j.jit_sum, 4096 + 7936 + 9488 + 8895 + 16531);
	assert_int_equal(mbl_rx_jitter_rtcp(&j), 4);
	assert_near(mbl_rx_jitter_ms(&j, 8000), 16531.0 / 4096 / 8,
			    1e-12);
	for (i = 0; i < 5; i++)
		ws_mean += ws_j[i] / 8 / 5;
	assert_near(mbl_rx_jitter_mean_ms(&j, 8000),
			    46946.0 / 4096 / 8 / 5, 1e-12);
	assert_near(mbl_rx_jitter_mean_ms(&j, 8000), ws_mean, 1e-4);
}

/* A perfectly paced stream stays at zero for 10 hours, at a clock rate
 * whose tick is not a whole number of ns (48 kHz: 20833.3 ns), including
 * an hour-long silence (the 128-bit path) and RTP timestamp wrap. */
static void test_jitter_zero_no_drift(void **state)
{
	struct mbl_rx_jitter j;
	uint32_t ts = 0xfff00000u;
	uint64_t t = T0, i;

	(void)state;
	mbl_rx_jitter_init(&j);
	assert_near(mbl_rx_jitter_mean_ms(&j, 48000), 0, 0);
	for (i = 0; i < 10 * 3600 * 50; i++) {
		mbl_rx_jitter_update(&j, ts, t, 48000);
		ts += 960;
		t += 20 * MS;
		if (i == 1000) { /* 1 h silence, timestamps keep running */
			ts += 3600 * 48000;
			t += 3600 * 1000 * MS;
		}
	}
	assert_int_equal(j.jit, 0);
	assert_int_equal(j.jit_sum, 0);
	assert_near(mbl_rx_jitter_ms(&j, 48000), 0, 0);

	/* one packet 3 ticks (62.5 us) late: |D| = 3 * 256, J = 3/16 tick */
	mbl_rx_jitter_update(&j, ts, t + 62500, 48000);
	assert_int_equal(j.jit, 3 * 256);
	/* 1 us at 8 kHz (0.008 tick) is not rounded away: floor(2.048) */
	mbl_rx_jitter_init(&j);
	mbl_rx_jitter_update(&j, 0, T0, 8000);
	mbl_rx_jitter_update(&j, 160, T0 + 20 * MS + 1000, 8000);
	assert_int_equal(j.jit, 2);
	/* rebase: a timestamp jump of 10^6 ticks is not a jitter sample */
	mbl_rx_jitter_rebase(&j);
	mbl_rx_jitter_update(&j, 1000000, T0 + 40 * MS, 8000);
	mbl_rx_jitter_update(&j, 1000160, T0 + 60 * MS, 8000);
	assert_int_equal(j.jit, 2 - ((2 + 8) >> 4));
	assert_int_equal(j.n_diff, 2);
}

/* Arrival conversion carries remainders: after 10 hours of irregular
 * ns-granular gaps the running value equals a direct 128-bit conversion. */
static void test_jitter_clock_exact(void **state)
{
	struct mbl_rx_jitter j;
	uint64_t t = T0, i, x = 88172645463325252ULL;
	unsigned __int128 want;

	(void)state;
	mbl_rx_jitter_init(&j);
	for (i = 0; i < 10 * 3600 * 50; i++) {
		mbl_rx_jitter_update(&j, (uint32_t)i * 960, t, 48000);
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		t += 19900000 + x % 200000; /* 19.9 .. 20.1 ms */
	}
	t -= 19900000; /* one more packet, then compare */
	mbl_rx_jitter_update(&j, 0, t, 48000);
	want = (unsigned __int128)(t - T0) * (48000u << MBL_RX_JIT_FRAC) /
	       MBL_NS_PER_S;
	assert_int_equal(j.arr, (uint32_t)want);
	assert_true(mbl_rx_jitter_ms(&j, 48000) > 0.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seq_in_order_and_wrap),
		cmocka_unit_test(test_seq_loss_reorder_dup),
		cmocka_unit_test(test_seq_dup_across_wrap),
		cmocka_unit_test(test_seq_before_first),
		cmocka_unit_test(test_seq_window_edges),
		cmocka_unit_test(test_seq_jumps),
		cmocka_unit_test(test_seq_random_vs_truth),
		cmocka_unit_test(test_jitter_worked_example),
		cmocka_unit_test(test_jitter_zero_no_drift),
		cmocka_unit_test(test_jitter_clock_exact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
