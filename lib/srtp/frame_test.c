/* SPDX-License-Identifier: BSD-3-Clause
 * SRTP framing tests: the AES-CM keystream of RFC 3711 B.2 built from our
 * IV and AES helper, the GCM IVs of RFC 7714 16.1 / 17.1, the ROC / index
 * estimate around a SEQ wrap with reordering and at the ends of the ROC
 * range, the replay window (against a naive model too) and the SRTCP
 * trailer in both layouts (RFC 3711 3.4, RFC 7714 9 with its 17.2 packet).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "srtp_frame.h"

static size_t hex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;

	while (s[0] && s[1]) {
		unsigned int b;

		assert_int_equal(sscanf(s, "%2x", &b), 1);
		assert_true(n < cap);
		out[n++] = (uint8_t)b;
		s += 2;
	}
	return n;
}

static void assert_hex(const uint8_t *got, const char *want)
{
	uint8_t w[128];
	size_t n = hex(want, w, sizeof(w));

	assert_memory_equal(got, w, n);
}

/* ---- IVs --------------------------------------------------------------- */

/* RFC 3711 B.2: session key, salt, SSRC 0, index 0; keystream blocks 0, 1,
 * 2 and 0xfeff, 0xff00, 0xff01. */
static void test_cm_keystream_rfc3711(void **state)
{
	static const struct {
		size_t block;
		const char *ks;
	} want[] = {
		{0x0000, "E03EAD0935C95E80E166B16DD92B4EB4"},
		{0x0001, "D23513162B02D0F72A43A2FE4A5F97AB"},
		{0x0002, "41E95B3BB0A2E8DD477901E4FCA894C0"},
		{0xfeff, "EC8CDF7398607CB0F2D21675EA9EA1E4"},
		{0xff00, "362B7C3C6773516318A077D7FC5073AE"},
		{0xff01, "6A2CC3787889374FBEB4C81B17BA6C44"},
	};
	struct mbl_srtp_aes a;
	uint8_t key[16], salt[14], iv[16];
	size_t len = 0xff02 * 16, i;
	uint8_t *ks = calloc(1, len);

	(void)state;
	assert_non_null(ks);
	hex("2B7E151628AED2A6ABF7158809CF4F3C", key, sizeof(key));
	hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD", salt, sizeof(salt));
	mbl_srtp_cm_iv(salt, 0, 0, iv);
	assert_hex(iv, "F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000");
	assert_int_equal(mbl_srtp_aes_init(&a, key, sizeof(key)), 0);
	assert_int_equal(mbl_srtp_aes_cm_xor(&a, iv, ks, len), 0);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_hex(ks + want[i].block * 16, want[i].ks);
	mbl_srtp_aes_wipe(&a);
	free(ks);
}

static void test_cm_iv_layout(void **state)
{
	uint8_t salt[14] = {0}, iv[16];

	(void)state;
	mbl_srtp_cm_iv(salt, 0x01020304, UINT64_C(0x112233445566), iv);
	assert_hex(iv, "00000000010203041122334455660000");
	/* SRTCP: the 31-bit index sits in the same place. */
	mbl_srtp_cm_iv(salt, 0xcafebabe, 0x7fffffff, iv);
	assert_hex(iv, "00000000cafebabe00007fffffff0000");
	/* Bits above the 48-bit index are ignored; the salt is XORed in. */
	memset(salt, 0xff, sizeof(salt));
	mbl_srtp_cm_iv(salt, 0, UINT64_C(0xffff000000000001), iv);
	assert_hex(iv, "fffffffffffffffffffffffffffe0000");
}

/* RFC 7714 16.1 (SRTP) and 17.1 (SRTCP) IVs. */
static void test_gcm_iv_rfc7714(void **state)
{
	uint8_t salt[12], iv[12];

	(void)state;
	hex("517569642070726f2071756f", salt, sizeof(salt));
	mbl_srtp_gcm_iv(salt, 0x5501a0b2, 0xf17b, iv); /* ROC 0, SEQ 0xf17b */
	assert_hex(iv, "51753c6580c2726f20718414");
	mbl_srtp_gcm_iv(salt, 0x4d617273, 0x5d4, iv); /* SRTCP index 0x5d4 */
	assert_hex(iv, "517524055203726f207170bb");
	memset(salt, 0, sizeof(salt)); /* layout: 0000 | SSRC | index48 */
	mbl_srtp_gcm_iv(salt, 0x01020304, UINT64_C(0xff112233445566), iv);
	assert_hex(iv, "000001020304112233445566");
}

/* ---- index estimate -------------------------------------------------------- */

/* Estimate, check, accept: what an unprotect does around authentication. */
static uint64_t rx(struct mbl_srtp_replay *r, uint16_t seq)
{
	uint64_t idx;

	assert_int_equal(mbl_srtp_rx_index(r, seq, &idx), 0);
	assert_int_equal(mbl_srtp_replay_check(r, idx), MBL_SRTP_REPLAY_OK);
	mbl_srtp_replay_update(r, idx);
	return idx;
}

static void test_roc_wrap_reordered(void **state)
{
	struct mbl_srtp_replay r;
	uint64_t idx;

	(void)state;
	mbl_srtp_replay_init(&r, 0);
	assert_int_equal(rx(&r, 65534), 65534);
	assert_int_equal(rx(&r, 0), 65536);   /* wrapped: v = ROC + 1 */
	assert_int_equal(rx(&r, 2), 65538);
	assert_int_equal(rx(&r, 1), 65537);   /* reordered after the wrap */
	assert_int_equal(rx(&r, 65535), 65535); /* late, before the wrap: v = ROC - 1 */
	assert_int_equal(r.top, 65538);
	assert_int_equal(r.top >> 16, 1); /* ROC */
	/* Every one of them again is a replay. */
	assert_int_equal(mbl_srtp_rx_index(&r, 65534, &idx), 0);
	assert_int_equal(idx, 65534);
	assert_int_equal(mbl_srtp_replay_check(&r, idx), MBL_SRTP_REPLAY_DUP);
	assert_int_equal(mbl_srtp_rx_index(&r, 0, &idx), 0);
	assert_int_equal(mbl_srtp_replay_check(&r, idx), MBL_SRTP_REPLAY_DUP);
	/* 65533 was never seen and is in the window. */
	assert_int_equal(rx(&r, 65533), 65533);
}

static void test_roc_nonzero_start(void **state)
{
	struct mbl_srtp_replay r;
	uint64_t idx;

	(void)state;
	mbl_srtp_replay_init(&r, 5);
	assert_int_equal(mbl_srtp_replay_check(&r, 0), MBL_SRTP_REPLAY_OK);
	assert_int_equal(rx(&r, 100), (UINT64_C(5) << 16) + 100);
	/* s_l < 2^15 and SEQ far ahead: a packet of ROC 4, long gone. */
	assert_int_equal(mbl_srtp_rx_index(&r, 65000, &idx), 0);
	assert_int_equal(idx, (UINT64_C(4) << 16) + 65000);
	assert_int_equal(mbl_srtp_replay_check(&r, idx), MBL_SRTP_REPLAY_TOO_OLD);
	/* Exactly 2^15 ahead stays in this ROC. */
	assert_int_equal(mbl_srtp_rx_index(&r, 100 + 32768, &idx), 0);
	assert_int_equal(idx, (UINT64_C(5) << 16) + 100 + 32768);
	/* More than 2^15 ahead counts as the previous ROC: step there. */
	assert_int_equal(mbl_srtp_rx_index(&r, 40000, &idx), 0);
	assert_int_equal(idx, (UINT64_C(4) << 16) + 40000);
	assert_int_equal(rx(&r, 20000), (UINT64_C(5) << 16) + 20000);
	assert_int_equal(rx(&r, 40000), (UINT64_C(5) << 16) + 40000);
	/* s_l >= 2^15: a small SEQ more than 2^15 behind means the next ROC. */
	assert_int_equal(mbl_srtp_rx_index(&r, 7231, &idx), 0);
	assert_int_equal(idx, (UINT64_C(6) << 16) + 7231);
	assert_int_equal(mbl_srtp_rx_index(&r, 7232, &idx), 0);
	assert_int_equal(idx, (UINT64_C(5) << 16) + 7232);
}

static void test_roc_range_ends(void **state)
{
	struct mbl_srtp_replay r;
	uint64_t idx = 42;

	(void)state;
	mbl_srtp_replay_init(&r, 0);
	rx(&r, 10);
	/* ROC 0: a SEQ that looks like the previous ROC cannot exist. */
	assert_int_equal(mbl_srtp_rx_index(&r, 60000, &idx), -ERANGE);
	assert_int_equal(idx, 42);
	mbl_srtp_replay_init(&r, UINT32_MAX);
	assert_int_equal(rx(&r, 40000), MBL_SRTP_INDEX_MAX - 65535 + 40000);
	assert_int_equal(mbl_srtp_rx_index(&r, 5, &idx), -ERANGE); /* ROC 2^32 */
	assert_int_equal(rx(&r, 65535), MBL_SRTP_INDEX_MAX);
}

/* ---- replay window ------------------------------------------------------- */

static void test_replay_window(void **state)
{
	struct mbl_srtp_replay r;
	const uint64_t w = MBL_SRTP_REPLAY_WINDOW;

	(void)state;
	assert_true(w >= 64); /* RFC 3711 3.3.2 minimum */
	mbl_srtp_replay_init(&r, 0);
	mbl_srtp_replay_update(&r, 1000);
	assert_int_equal(mbl_srtp_replay_check(&r, 1000), MBL_SRTP_REPLAY_DUP);
	assert_int_equal(mbl_srtp_replay_check(&r, 999), MBL_SRTP_REPLAY_OK);
	assert_int_equal(mbl_srtp_replay_check(&r, 1000 - w + 1), MBL_SRTP_REPLAY_OK);
	assert_int_equal(mbl_srtp_replay_check(&r, 1000 - w), MBL_SRTP_REPLAY_TOO_OLD);
	/* Slide by one word exactly: 1000 moves to bit 64. */
	mbl_srtp_replay_update(&r, 1064);
	assert_int_equal(mbl_srtp_replay_check(&r, 1000), MBL_SRTP_REPLAY_DUP);
	assert_int_equal(mbl_srtp_replay_check(&r, 1001), MBL_SRTP_REPLAY_OK);
	/* Reordered inside the window: accepted once, then a replay. */
	mbl_srtp_replay_update(&r, 1010);
	assert_int_equal(mbl_srtp_replay_check(&r, 1010), MBL_SRTP_REPLAY_DUP);
	/* Slide by 65 (crosses words with a bit shift): 1000 at 129 -> gone. */
	mbl_srtp_replay_update(&r, 1129);
	assert_int_equal(mbl_srtp_replay_check(&r, 1010), MBL_SRTP_REPLAY_DUP);
	assert_int_equal(mbl_srtp_replay_check(&r, 1064), MBL_SRTP_REPLAY_DUP);
	assert_int_equal(mbl_srtp_replay_check(&r, 1000), MBL_SRTP_REPLAY_TOO_OLD);
	/* A jump past the whole window forgets everything behind. */
	mbl_srtp_replay_update(&r, 1129 + w);
	assert_int_equal(mbl_srtp_replay_check(&r, 1129), MBL_SRTP_REPLAY_TOO_OLD);
	assert_int_equal(mbl_srtp_replay_check(&r, 1130), MBL_SRTP_REPLAY_OK);
	/* An update behind the window changes nothing. */
	mbl_srtp_replay_update(&r, 5);
	assert_int_equal(r.top, 1129 + w);
}

/* Against a naive model: a seen[] array and the highest index. */
static void test_replay_model(void **state)
{
	enum { N = 4096 };
	static bool seen[N + 256];
	struct mbl_srtp_replay r;
	uint64_t top = 0, base = 0;
	uint32_t lcg = 12345;
	bool started = false;
	int i;

	(void)state;
	memset(seen, 0, sizeof(seen));
	mbl_srtp_replay_init(&r, 0);
	for (i = 0; i < 20000; i++) {
		enum mbl_srtp_replay_verdict want;
		uint64_t idx;

		lcg = lcg * 1103515245u + 12345u;
		base += (lcg >> 16) % 3 == 0;
		idx = base + (lcg >> 8) % 200; /* jitter up to 200 > window */
		if (idx >= N)
			break;
		if (!started || idx > top)
			want = MBL_SRTP_REPLAY_OK;
		else if (top - idx >= MBL_SRTP_REPLAY_WINDOW)
			want = MBL_SRTP_REPLAY_TOO_OLD;
		else
			want = seen[idx] ? MBL_SRTP_REPLAY_DUP : MBL_SRTP_REPLAY_OK;
		assert_int_equal(mbl_srtp_replay_check(&r, idx), want);
		if (want == MBL_SRTP_REPLAY_OK) {
			mbl_srtp_replay_update(&r, idx);
			seen[idx] = true;
			top = !started || idx > top ? idx : top;
			started = true;
		}
	}
	assert_int_equal(r.top, top);
}

/* ---- SRTCP trailer --------------------------------------------------------- */

static void test_srtcp_trailer_cm(void **state)
{
	uint8_t pkt[64] = {0};
	struct mbl_srtcp_layout l, g;
	uint32_t index, mki;
	bool e;

	(void)state;
	assert_int_equal(mbl_srtcp_trailer_put(pkt, 20, sizeof(pkt), false, true, 0x5d4, 0x0102, 2,
					       10, &l),
			 0);
	assert_int_equal(l.index_off, 20);
	assert_int_equal(l.mki_off, 24);
	assert_int_equal(l.tag_off, 26);
	assert_int_equal(l.auth_len, 24); /* RTCP || E|index, not the MKI */
	assert_int_equal(l.total, 36);
	assert_hex(pkt + 20, "800005d40102");
	assert_int_equal(mbl_srtcp_trailer_get(pkt, l.total, false, 2, 10, &e, &index, &mki, &g),
			 0);
	assert_true(e);
	assert_int_equal(index, 0x5d4);
	assert_int_equal(mki, 0x0102);
	assert_memory_equal(&g, &l, sizeof(l));
	/* NULL cipher: E clear. */
	assert_int_equal(mbl_srtcp_trailer_put(pkt, 8, sizeof(pkt), false, false, 0x7fffffff, 0, 0,
					       4, &l),
			 0);
	assert_hex(pkt + 8, "7fffffff");
	assert_int_equal(mbl_srtcp_trailer_get(pkt, l.total, false, 0, 4, &e, &index, &mki, &g),
			 0);
	assert_false(e);
	assert_int_equal(index, 0x7fffffff);
}

/* RFC 7714 17.2 protected SRTCP packet: RTCP | tag | E|index. */
static void test_srtcp_trailer_aead(void **state)
{
	uint8_t pkt[128];
	struct mbl_srtcp_layout l, p;
	uint32_t index, mki;
	size_t n;
	bool e;

	(void)state;
	n = hex("81c8000d4d617273d50ae4d1f5ce5d304ba297e47d470c28"
		"2c3ece5dbffe0a50a2eaa5c1110555be8415f658c61de047"
		"6f1b6fad1d1eb30c4446839f57ff6f6cb26ac3be800005d4",
		pkt, sizeof(pkt));
	assert_int_equal(n, 72);
	assert_int_equal(mbl_srtcp_trailer_get(pkt, n, true, 0, 16, &e, &index, &mki, &l), 0);
	assert_true(e);
	assert_int_equal(index, 0x5d4);
	assert_int_equal(l.rtcp_len, 52);
	assert_int_equal(l.tag_off, 52);
	assert_int_equal(l.index_off, 68);
	/* Writing it back gives the same bytes and offsets, MKI last. */
	assert_int_equal(mbl_srtcp_trailer_put(pkt, 52, 72, true, true, 0x5d4, 0, 0, 16, &p), 0);
	assert_memory_equal(&p, &l, sizeof(l));
	assert_hex(pkt + 68, "800005d4");
	assert_int_equal(mbl_srtcp_trailer_put(pkt, 52, sizeof(pkt), true, true, 1, 0xab, 1, 16,
					       &p),
			 0);
	assert_int_equal(p.mki_off, 72);
	assert_int_equal(pkt[72], 0xab);
	assert_int_equal(p.total, 73);
}

static void test_srtcp_trailer_errors(void **state)
{
	uint8_t pkt[40] = {0};
	struct mbl_srtcp_layout l;
	uint32_t index, mki;
	bool e;

	(void)state;
	assert_int_equal(mbl_srtcp_trailer_put(pkt, 7, 40, false, true, 1, 0, 0, 10, &l), -EINVAL);
	assert_int_equal(mbl_srtcp_trailer_put(pkt, 8, 40, false, true, 0x80000000u, 0, 0, 10, &l),
			 -EINVAL);
	assert_int_equal(mbl_srtcp_trailer_put(pkt, 8, 40, false, true, 1, 0x100, 1, 10, &l),
			 -EINVAL);
	assert_int_equal(mbl_srtcp_trailer_put(pkt, 8, 40, false, true, 1, 0, 5, 10, &l), -EINVAL);
	assert_int_equal(mbl_srtcp_trailer_put(pkt, 28, 40, false, true, 1, 0, 0, 10, &l), -ENOSPC);
	assert_int_equal(mbl_srtcp_trailer_put(pkt, 26, 40, false, true, 1, 0, 0, 10, &l), 0);
	assert_int_equal(mbl_srtcp_trailer_get(pkt, 8 + 4 + 10 - 1, false, 0, 10, &e, &index, &mki,
					       &l),
			 -EINVAL);
	assert_int_equal(mbl_srtcp_trailer_get(pkt, 8 + 4 + 10, false, 0, 10, &e, &index, &mki, &l),
			 0);
	assert_int_equal(mbl_srtcp_trailer_get(pkt, 40, false, 5, 10, &e, &index, &mki, &l),
			 -EINVAL);
}

static void test_mki(void **state)
{
	uint8_t b[4];

	(void)state;
	mbl_srtp_mki_put(b, 0xdeadbeef, 4);
	assert_hex(b, "deadbeef");
	assert_int_equal(mbl_srtp_mki_get(b, 4), 0xdeadbeef);
	mbl_srtp_mki_put(b, 0x0a0b0c, 3);
	assert_hex(b, "0a0b0c");
	assert_int_equal(mbl_srtp_mki_get(b, 3), 0x0a0b0c);
	assert_int_equal(mbl_srtp_mki_get(b, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cm_keystream_rfc3711),
		cmocka_unit_test(test_cm_iv_layout),
		cmocka_unit_test(test_gcm_iv_rfc7714),
		cmocka_unit_test(test_roc_wrap_reordered),
		cmocka_unit_test(test_roc_nonzero_start),
		cmocka_unit_test(test_roc_range_ends),
		cmocka_unit_test(test_replay_window),
		cmocka_unit_test(test_replay_model),
		cmocka_unit_test(test_srtcp_trailer_cm),
		cmocka_unit_test(test_srtcp_trailer_aead),
		cmocka_unit_test(test_srtcp_trailer_errors),
		cmocka_unit_test(test_mki),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
