/* SPDX-License-Identifier: BSD-3-Clause
 * Tests: codec table, G.711 against ITU-T G.711 table values, G.722
 * round trip quality.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "mbl_rtp.h"
#include "rtp_g722.h"

static void test_table(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		uint8_t pt;
		uint32_t clock;
		uint16_t b10;
	} want[] = {
		{"pcmu", 0, 8000, 80}, {"PCMA", 8, 8000, 80},
		{"g722", 9, 8000, 80}, {"G729", 18, 8000, 10},
		{"OPUS", 111, 48000, 0},
	};
	for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct mbl_codec *c = mbl_codec_find(want[i].name);
		assert_non_null(c);
		assert_int_equal(c->pt, want[i].pt);
		assert_int_equal(c->clock_rate, want[i].clock);
		assert_int_equal(c->bytes_per_10ms, want[i].b10);
		assert_ptr_equal(mbl_codec_get(c->id), c);
	}
	assert_null(mbl_codec_find("GSM"));
	assert_null(mbl_codec_find(""));
	assert_null(mbl_codec_find(NULL));
	assert_null(mbl_codec_get(MBL_CODEC_MAX));

	const struct mbl_codec *u = mbl_codec_find("PCMU");
	const struct mbl_codec *o = mbl_codec_find("opus");
	assert_int_equal(mbl_codec_find("G722")->sample_rate, 16000);
	assert_true(o->dynamic_pt);
	for (unsigned pt = 0; pt <= 70; pt++) {
		assert_int_equal(mbl_codec_ptime_ok(u, pt),
				 pt && pt % 10 == 0 && pt <= 60);
		assert_int_equal(mbl_codec_ptime_ok(o, pt),
				 pt == 10 || pt == 20 || pt == 40 || pt == 60);
	}
	assert_int_equal(mbl_codec_ts_step(u, 20), 160);
	assert_int_equal(mbl_codec_ts_step(mbl_codec_find("G722"), 20), 160);
	assert_int_equal(mbl_codec_ts_step(o, 20), 960);
}

/* G.711 table 2a (mu-law) / 1a (A-law) end points and a few interior
 * values worked from the segment tables; decoded values in 16-bit scale
 * (the 14-bit / 13-bit decision values times 4 / 8). */
static void test_g711_known(void **state)
{
	(void)state;
	static const struct {
		int16_t in;
		uint8_t mu, a;
	} v[] = {
		{0, 0xff, 0xd5},       {-1, 0x7e, 0x55},
		{8, 0xfe, 0xd5},       {16, 0xfd, 0xd4},
		{1000, 0xce, 0xfa},    {-1000, 0x4e, 0x7a},
		{32767, 0x80, 0xaa},   {-32768, 0x00, 0x2a},
		{4096, 0xaf, 0x85},    {-4096, 0x2f, 0x1a},
	};
	for (unsigned i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(mbl_codec_ulaw_enc(v[i].in), v[i].mu);
		assert_int_equal(mbl_codec_alaw_enc(v[i].in), v[i].a);
	}
	assert_int_equal(mbl_codec_ulaw_dec(0xff), 0);
	assert_int_equal(mbl_codec_ulaw_dec(0x7f), 0);
	assert_int_equal(mbl_codec_ulaw_dec(0x80), 32124);
	assert_int_equal(mbl_codec_ulaw_dec(0x00), -32124);
	assert_int_equal(mbl_codec_ulaw_dec(0xce), 988);
	assert_int_equal(mbl_codec_alaw_dec(0xd5), 8);
	assert_int_equal(mbl_codec_alaw_dec(0x55), -8);
	assert_int_equal(mbl_codec_alaw_dec(0xaa), 32256);
	assert_int_equal(mbl_codec_alaw_dec(0x2a), -32256);
	assert_int_equal(mbl_codec_alaw_dec(0xfa), 1008);
}

static void test_g711_roundtrip(void **state)
{
	(void)state;
	/* every code decodes and re-encodes to itself (mu-law's two zeros
	 * collapse onto 0xff) and decoding is monotonic in magnitude */
	for (int c = 0; c < 256; c++) {
		int16_t u = mbl_codec_ulaw_dec((uint8_t)c);
		assert_int_equal(mbl_codec_ulaw_enc(u), c == 0x7f ? 0xff : c);
		assert_int_equal(mbl_codec_alaw_enc(mbl_codec_alaw_dec((uint8_t)c)),
				 c);
	}
	for (int c = 0x80; c < 0xff; c++)
		assert_true(mbl_codec_ulaw_dec((uint8_t)c) >
			    mbl_codec_ulaw_dec((uint8_t)(c + 1)));
	/* error within half a step: steps are 1/16 of the segment base */
	for (int s = -32768; s <= 32767; s++) {
		int eu = abs(mbl_codec_ulaw_dec(mbl_codec_ulaw_enc((int16_t)s)) - s);
		int ea = abs(mbl_codec_alaw_dec(mbl_codec_alaw_enc((int16_t)s)) - s);
		int lim = abs(s) / 32 + 16;
		if (abs(s) > 32124) /* mu-law clips at its largest level */
			lim += abs(s) - 32124;
		assert_true(eu <= lim);
		assert_true(ea <= abs(s) / 32 + 16);
	}
}

static double snr_aligned(const int16_t *x, const int16_t *y, size_t n,
			  size_t skip, int *lag_out)
{
	double best = -1e9;

	for (int lag = 0; lag < 64; lag++) {
		double sig = 0, err = 0;
		for (size_t i = skip; i + lag < n; i++) {
			double d = y[i + lag] - x[i];
			sig += (double)x[i] * x[i];
			err += d * d;
		}
		double snr = 10 * log10(sig / (err + 1e-9));
		if (snr > best) {
			best = snr;
			*lag_out = lag;
		}
	}
	return best;
}

static void g722_tone_snr(unsigned freq, double amp, double min_snr,
			  int want_lag)
{
	enum { N = 16000 };
	int16_t *x = malloc(N * sizeof(*x)), *y = malloc(N * sizeof(*y));
	uint8_t *code = malloc(N / 2);
	struct mbl_codec_g722 enc, dec;
	int lag = -1;

	assert_true(x && y && code);
	for (int i = 0; i < N; i++)
		x[i] = (int16_t)lrint(amp * sin(2 * M_PI * freq * i / 16000.0));
	mbl_codec_g722_init(&enc);
	mbl_codec_g722_init(&dec);
	assert_int_equal(mbl_codec_g722_encode(&enc, x, N, code), N / 2);
	assert_int_equal(mbl_codec_g722_decode(&dec, code, N / 2, y), N);
	double snr = snr_aligned(x, y, N, 1600, &lag);
	print_message("G.722 %u Hz amp %.0f: SNR %.1f dB at lag %d\n", freq,
		      amp, snr, lag);
	assert_true(snr > min_snr);
	/* the two 24-tap QMFs delay by 23 samples; the decoder emits its pair
	 * one sample early relative to the encoder's input pair */
	if (want_lag >= 0)
		assert_int_equal(lag, want_lag);
	free(x);
	free(y);
	free(code);
}

static void test_g722_tone(void **state)
{
	(void)state;
	/* lag is only unambiguous when the period exceeds the search */
	g722_tone_snr(1000, 10000, 20, 22 % 16);
	g722_tone_snr(1000, 1000, 20, 22 % 16);
	g722_tone_snr(300, 20000, 20, 22);
	g722_tone_snr(3000, 8000, 20, -1);
	g722_tone_snr(6000, 8000, 10, -1); /* upper band: 2 bits only */
}

static void test_g722_silence(void **state)
{
	(void)state;
	enum { N = 16000 };
	int16_t *x = calloc(N, sizeof(*x)), *y = malloc(N * sizeof(*y));
	uint8_t *code = malloc(N / 2);
	struct mbl_codec_g722 enc, dec;

	assert_true(x && y && code);
	mbl_codec_g722_init(&enc);
	mbl_codec_g722_init(&dec);
	mbl_codec_g722_encode(&enc, x, N, code);
	mbl_codec_g722_decode(&dec, code, N / 2, y);
	/* zero input sits in the innermost positive interval of both
	 * quantisers (low 58 = 0x3a, high 3) with the scales at their floor;
	 * the tiny d = +1 it feeds back later drifts the predictor into short
	 * idle bursts, which decode to a few LSBs only */
	for (int i = 0; i < 32; i++)
		assert_int_equal(code[i], 0xfa);
	for (int i = 0; i < N; i++)
		assert_true(abs(y[i]) <= 8);
	free(x);
	free(y);
	free(code);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_g711_known),
		cmocka_unit_test(test_g711_roundtrip),
		cmocka_unit_test(test_g722_tone),
		cmocka_unit_test(test_g722_silence),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
