/* SPDX-License-Identifier: BSD-3-Clause
 * Tests: tone and file payload sources, their checksums.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "mbl_rtp.h"
#include "rtp_g722.h"

/* RFC 1071 from scratch: big-endian 16-bit words, folded. */
static uint16_t ref_fold_be(const uint8_t *p, uint32_t len)
{
	uint32_t s = 0;
	for (uint32_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* The payload's native-order sum, folded and read as a network value. */
static uint16_t fold_native(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return rte_be_to_cpu_16((uint16_t)s);
}

static void check_sums(const struct mbl_payload *pl)
{
	uint16_t max = 0;

	for (uint32_t i = 0; i < pl->n_frames; i++) {
		const uint8_t *f = pl->data + pl->off[i];
		assert_int_equal(fold_native(pl->sum[i]),
				 ref_fold_be(f, pl->len[i]));
		max = pl->len[i] > max ? pl->len[i] : max;
	}
	assert_int_equal(pl->max_len, max);
}

/* Decode the loop `loops` times back to back through the frame API. */
static int16_t *decode_loops(const struct mbl_payload *pl, unsigned loops,
			     size_t *n_out)
{
	const struct mbl_codec *c = pl->codec;
	size_t spf = c->sample_rate / 1000 * pl->ptime_ms;
	size_t n = spf * pl->n_frames * loops, k = 0;
	int16_t *y = malloc(n * sizeof(*y));
	struct mbl_codec_g722 g;

	assert_non_null(y);
	mbl_codec_g722_init(&g);
	for (uint64_t i = 0; i < (uint64_t)pl->n_frames * loops; i++) {
		uint16_t len;
		uint32_t sum;
		const uint8_t *f = mbl_payload_frame(pl, i, &len, &sum);
		assert_int_equal(sum, pl->sum[i % pl->n_frames]);
		if (c->id == MBL_CODEC_G722) {
			k += mbl_codec_g722_decode(&g, f, len, y + k);
			continue;
		}
		for (uint16_t j = 0; j < len; j++)
			y[k++] = c->id == MBL_CODEC_PCMU
					 ? mbl_codec_ulaw_dec(f[j])
					 : mbl_codec_alaw_dec(f[j]);
	}
	assert_int_equal(k, n);
	*n_out = n;
	return y;
}

static void g711_tone(const char *codec, unsigned ptime, unsigned freq,
		      uint32_t want_frames)
{
	struct mbl_payload pl;
	const struct mbl_codec *c = mbl_codec_find(codec);
	size_t n;

	assert_int_equal(mbl_payload_tone(&pl, c, ptime, freq, 0), 0);
	assert_int_equal(pl.n_frames, want_frames);
	assert_int_equal(pl.ts_step, 8 * ptime);
	assert_int_equal(pl.len[0], 8 * ptime);
	check_sums(&pl);
	int16_t *y = decode_loops(&pl, 2, &n);
	/* the loop is one continuous sine at 0 dBm0 (peak 3.17 dB below
	 * full scale), across the wrap too */
	double amp = 32767 * pow(10, -3.17 / 20);
	size_t loop = n / 2;
	double periods = round(pl.tone_milli_hz * (double)loop / 8e6);
	for (size_t k = 0; k < n; k++) {
		double want = amp * sin(2 * M_PI * periods * (double)(k % loop) /
					(double)loop);
		assert_true(fabs(y[k] - want) <= fabs(want) / 32 + 24);
	}
	free(y);
	mbl_payload_free(&pl);
	assert_null(pl.data);
}

static void test_tone_g711(void **state)
{
	(void)state;
	g711_tone("PCMU", 20, 1000, 1); /* 20 whole periods per frame */
	g711_tone("PCMA", 20, 440, 5);  /* 44 periods in 100 ms */
	g711_tone("PCMU", 10, 1004, 25);
	g711_tone("PCMA", 60, 400, 1);
	/* 441 Hz at 30 ms needs 100 frames: cut to 33 and rounded */
	g711_tone("PCMU", 30, 441, 33);
	struct mbl_payload pl;
	assert_int_equal(mbl_payload_tone(&pl, mbl_codec_find("PCMU"), 30, 441,
					  -10),
			 0);
	assert_int_equal(pl.tone_milli_hz, 437u * 1000000 / 990);
	mbl_payload_free(&pl);
}

static void test_tone_g722(void **state)
{
	(void)state;
	struct mbl_payload pl;
	size_t n;

	assert_int_equal(mbl_payload_tone(&pl, mbl_codec_find("G722"), 20, 1000,
					  -10),
			 0);
	assert_int_equal(pl.n_frames, 50); /* G.722 loops as long as allowed */
	assert_int_equal(pl.len[0], 160);
	assert_int_equal(pl.ts_step, 160);
	check_sums(&pl);
	int16_t *y = decode_loops(&pl, 4, &n);
	/* skip the first loop (decoder warm-up: the loop was encoded from a
	 * warmed-up state), compare with the sine delayed by the codec's 22
	 * samples, across three wraps */
	double amp = 32767 * pow(10, -13.17 / 20), sig = 0, err = 0;
	for (size_t k = n / 4; k < n; k++) {
		double want = amp * sin(2 * M_PI * 1000.0 * (double)(k - 22) /
					16000);
		sig += want * want;
		err += (y[k] - want) * (y[k] - want);
	}
	double snr = 10 * log10(sig / err);
	print_message("G.722 tone payload SNR over wraps: %.1f dB\n", snr);
	assert_true(snr > 30);
	free(y);
	mbl_payload_free(&pl);
}

static void test_tone_errors(void **state)
{
	(void)state;
	struct mbl_payload pl;
	const struct mbl_codec *u = mbl_codec_find("PCMU");

	assert_int_equal(mbl_payload_tone(&pl, NULL, 20, 1000, 0), -EINVAL);
	assert_int_equal(mbl_payload_tone(&pl, mbl_codec_find("opus"), 20, 1000,
					  0),
			 -EINVAL);
	assert_int_equal(mbl_payload_tone(&pl, mbl_codec_find("G729"), 20, 1000,
					  0),
			 -EINVAL);
	assert_int_equal(mbl_payload_tone(&pl, u, 25, 1000, 0), -EINVAL);
	assert_int_equal(mbl_payload_tone(&pl, u, 20, 0, 0), -EINVAL);
	assert_int_equal(mbl_payload_tone(&pl, u, 20, 4000, 0), -EINVAL);
	assert_int_equal(mbl_payload_tone(&pl, u, 20, 1000, 4), -EINVAL);
	assert_int_equal(mbl_payload_tone(&pl, u, 20, 1000, -61), -EINVAL);
	/* G.722 samples at 16 kHz: 6 kHz is fine */
	assert_int_equal(mbl_payload_tone(&pl, mbl_codec_find("G722"), 20, 6000,
					  -20),
			 0);
	mbl_payload_free(&pl);
	mbl_payload_free(&pl); /* twice is harmless */
}

static char tmp_path[64];

static void write_tmp(const uint8_t *p, size_t len)
{
	strcpy(tmp_path, "/tmp/mbl_rtp_payload_XXXXXX");
	int fd = mkstemp(tmp_path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, p, len), (ssize_t)len);
	close(fd);
}

static int load(const char *codec, unsigned ptime, const uint8_t *p,
		size_t len, struct mbl_payload *pl, char *err)
{
	write_tmp(p, len);
	int rc = mbl_payload_file(pl, mbl_codec_find(codec), ptime, tmp_path,
				  err, 128);
	unlink(tmp_path);
	return rc;
}

static void test_file_cbr(void **state)
{
	(void)state;
	uint8_t buf[3 * 160 + 50];
	struct mbl_payload pl;
	char err[128];

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7 + 3);
	assert_int_equal(load("PCMA", 20, buf, sizeof(buf), &pl, err), 0);
	assert_int_equal(pl.n_frames, 3); /* partial 50 bytes dropped */
	for (uint32_t i = 0; i < 3; i++) {
		assert_int_equal(pl.len[i], 160);
		assert_memory_equal(pl.data + pl.off[i], buf + 160 * i, 160);
	}
	check_sums(&pl);
	mbl_payload_free(&pl);

	assert_int_equal(load("G729", 20, buf, 45, &pl, err), 0);
	assert_int_equal(pl.n_frames, 2);
	assert_int_equal(pl.len[1], 20);
	mbl_payload_free(&pl);

	assert_int_equal(load("PCMU", 20, buf, 0, &pl, err), -EINVAL);
	assert_non_null(strstr(err, "/tmp/mbl_rtp_payload_"));
	assert_non_null(strstr(err, "empty"));
	assert_int_equal(load("PCMU", 20, buf, 159, &pl, err), -EINVAL);
	assert_non_null(strstr(err, tmp_path));
	assert_int_equal(load("PCMU", 15, buf, 160, &pl, err), -EINVAL);
	assert_int_equal(mbl_payload_file(&pl, mbl_codec_find("PCMU"), 20,
					  "/nonexistent/x.ul", err,
					  sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/x.ul"));
}

static void test_file_records(void **state)
{
	(void)state;
	uint8_t buf[2 + 3 + 2 + 1 + 2 + 101];
	struct mbl_payload pl;
	char err[128];
	size_t k = 0;
	static const uint16_t lens[] = {3, 1, 101};

	for (int f = 0; f < 3; f++) {
		buf[k++] = (uint8_t)(lens[f] >> 8);
		buf[k++] = (uint8_t)lens[f];
		for (int i = 0; i < lens[f]; i++)
			buf[k++] = (uint8_t)(0xf0 + f + i);
	}
	assert_int_equal(load("opus", 20, buf, sizeof(buf), &pl, err), 0);
	assert_int_equal(pl.n_frames, 3);
	assert_int_equal(pl.ts_step, 960);
	assert_int_equal(pl.max_len, 101);
	assert_int_equal(pl.off[1], 3);
	assert_int_equal(pl.off[2], 4);
	assert_memory_equal(pl.data + pl.off[2], buf + 10, 101);
	check_sums(&pl); /* odd lengths: trailing byte padded */
	uint16_t len;
	uint32_t sum;
	mbl_payload_frame(&pl, 4, &len, &sum); /* wraps to frame 1 */
	assert_int_equal(len, 1);
	mbl_payload_free(&pl);

	/* truncated length prefix, overlong record, zero length */
	assert_int_equal(load("opus", 20, buf, 9, &pl, err), -EINVAL);
	assert_non_null(strstr(err, "truncated length"));
	assert_int_equal(load("opus", 20, buf, sizeof(buf) - 1, &pl, err),
			 -EINVAL);
	assert_non_null(strstr(err, "bad frame length"));
	uint8_t zero[4] = {0, 0, 0, 1};
	assert_int_equal(load("opus", 20, zero, 4, &pl, err), -EINVAL);
	uint8_t huge[2] = {0x05, 0x79}; /* 1401 > MBL_PAYLOAD_MAX_FRAME */
	assert_int_equal(load("opus", 20, huge, 2, &pl, err), -EINVAL);
	assert_int_equal(load("opus", 20, buf, 0, &pl, err), -EINVAL);
	assert_int_equal(load("opus", 30, buf, sizeof(buf), &pl, err),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tone_g711),
		cmocka_unit_test(test_tone_g722),
		cmocka_unit_test(test_tone_errors),
		cmocka_unit_test(test_file_cbr),
		cmocka_unit_test(test_file_records),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
