/* SPDX-License-Identifier: BSD-3-Clause
 * Known-answer tests of the AES-NI block cipher (FIPS-197 Appendix C, all
 * three key sizes) and of the SRTP key derivation: RFC 3711 B.3 (AES-128),
 * RFC 6188 7.2 (AES-256) and 7.4 (AES-192); the GCM suites (RFC 7714 11,
 * erratum 4938) are pinned by their equivalence to the 14-byte-salt KDF,
 * since RFC 7714 gives no KDF vector. Plus the argument checks.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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

/* ---- FIPS-197 Appendix C ------------------------------------------------- */

static void aes_kat(const char *key, const char *want)
{
	struct mbl_srtp_aes a;
	uint8_t k[32], pt[16], ct[16];
	size_t kl = hex(key, k, sizeof(k));

	hex("00112233445566778899aabbccddeeff", pt, sizeof(pt));
	assert_int_equal(mbl_srtp_aes_init(&a, k, kl), 0);
	assert_int_equal(a.rounds, kl / 4 + 6);
	mbl_srtp_aes_encrypt(&a, pt, ct);
	assert_hex(ct, want);
	mbl_srtp_aes_encrypt(&a, pt, pt); /* in place */
	assert_memory_equal(pt, ct, 16);
	mbl_srtp_aes_wipe(&a);
}

static void test_aes_fips197(void **state)
{
	(void)state;
	aes_kat("000102030405060708090a0b0c0d0e0f", "69c4e0d86a7b0430d8cdb78070b4c55a");
	aes_kat("000102030405060708090a0b0c0d0e0f1011121314151617",
		"dda97ca4864cdfe06eaf70a0ec0d7191");
	aes_kat("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
		"8ea2b7ca516745bfeafc49904b496089");
}

static void test_aes_bad_key_len(void **state)
{
	struct mbl_srtp_aes a;
	uint8_t k[33] = {0};

	(void)state;
	assert_int_equal(mbl_srtp_aes_init(&a, k, 0), -EINVAL);
	assert_int_equal(mbl_srtp_aes_init(&a, k, 15), -EINVAL);
	assert_int_equal(mbl_srtp_aes_init(&a, k, 20), -EINVAL);
	assert_int_equal(mbl_srtp_aes_init(&a, k, 33), -EINVAL);
}

static void test_aes_cm_limits(void **state)
{
	struct mbl_srtp_aes a;
	uint8_t k[16] = {0}, iv[16] = {0}, buf[33] = {0}, one[16] = {0};

	(void)state;
	assert_int_equal(mbl_srtp_aes_init(&a, k, 16), 0);
	/* A partial last block uses the head of that block's keystream. */
	assert_int_equal(mbl_srtp_aes_cm_xor(&a, iv, buf, sizeof(buf)), 0);
	iv[15] = 2;
	mbl_srtp_aes_encrypt(&a, iv, one);
	assert_int_equal(buf[32], one[0]);
	assert_int_equal(mbl_srtp_aes_cm_xor(&a, iv, buf, 0), 0);
	assert_int_equal(mbl_srtp_aes_cm_xor(&a, iv, buf, (1u << 16) * 16 + 1), -EINVAL);
}

/* ---- key derivation -------------------------------------------------------- */

struct kdf_vec {
	enum mbl_srtp_suite suite;
	const char *key, *salt, *enc, *salt_out, *auth;
};

static void kdf_check(const struct kdf_vec *v)
{
	const struct mbl_srtp_suite_info *s = mbl_srtp_suite_get(v->suite);
	struct mbl_srtp_key k = {.suite = v->suite};
	uint8_t out[MBL_SRTP_KDF_MAX_OUT];

	assert_int_equal(hex(v->key, k.key, sizeof(k.key)), s->key_len);
	assert_int_equal(hex(v->salt, k.salt, sizeof(k.salt)), s->salt_len);
	assert_int_equal(mbl_srtp_kdf(&k, MBL_SRTP_LABEL_RTP_ENC, out, s->key_len), 0);
	assert_hex(out, v->enc);
	assert_int_equal(mbl_srtp_kdf(&k, MBL_SRTP_LABEL_RTP_SALT, out, s->salt_len), 0);
	assert_hex(out, v->salt_out);
	assert_int_equal(mbl_srtp_kdf(&k, MBL_SRTP_LABEL_RTP_AUTH, out, MBL_SRTP_AUTH_KEY_LEN), 0);
	assert_hex(out, v->auth);
}

/* RFC 3711 B.3. */
static void test_kdf_rfc3711(void **state)
{
	static const struct kdf_vec v = {
		MBL_SRTP_AES_CM_128_HMAC_SHA1_80, "E1F97A0D3E018BE0D64FA32C06DE4139",
		"0EC675AD498AFEEBB6960B3AABE6", "C61E7A93744F39EE10734AFE3FF7A087",
		"30CBBC08863D8C85D49DB34A9AE1", "CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4"};
	struct mbl_srtp_key k = {.suite = MBL_SRTP_AES_CM_128_HMAC_SHA1_80};
	uint8_t out[MBL_SRTP_KDF_MAX_OUT];

	(void)state;
	kdf_check(&v);
	/* B.3 also lists the auth key past 20 bytes: the keystream goes on. */
	hex(v.key, k.key, sizeof(k.key));
	hex(v.salt, k.salt, sizeof(k.salt));
	assert_int_equal(mbl_srtp_kdf(&k, MBL_SRTP_LABEL_RTP_AUTH, out, 32), 0);
	assert_hex(out, "CEBE321F6FF7716B6FD4AB49AF256A156D38BAA48F0A0ACF3C34E2359E6CDBCE");
}

/* RFC 6188 7.2 (AES_256_CM_PRF) and 7.4 (AES_192_CM_PRF). */
static void test_kdf_rfc6188(void **state)
{
	static const struct kdf_vec v256 = {
		MBL_SRTP_AES_256_CM_HMAC_SHA1_80,
		"f0f04914b513f2763a1b1fa130f10e2998f6f6e43e4309d1e622a0e332b9f1b6",
		"3b04803de51ee7c96423ab5b78d2",
		"5ba1064e30ec51613cad926c5a28ef731ec7fb397f70a960653caf06554cd8c4",
		"fa31791685ca444a9e07c6c64e93", "fd9c32d39ed5fbb5a9dc96b30818454d1313dc05"};
	static const struct kdf_vec v192 = {
		MBL_SRTP_AES_192_CM_HMAC_SHA1_32, "73edc66c4fa15776fb57f9505c17136550ffda71f3e8e5f1",
		"c8522f3acd4ce86d5add78edbb11", "31874736a8f1143870c26e4857d8a5b2c4a354407faadabb",
		"2372b82d639b6d8503a47adc0a6c", "355b10973cd95b9eacf4061c7e1a7151e7cfbfcb"};

	(void)state;
	kdf_check(&v256);
	kdf_check(&v192);
}

/* RFC 7714 11 + erratum 4938: a GCM master salt is the 14-byte x with two
 * zero bytes at the end, and the 12-byte session salt is the first 12 of
 * the 14 the CM suites would derive. */
static void gcm_equiv(enum mbl_srtp_suite gcm, enum mbl_srtp_suite cm)
{
	struct mbl_srtp_key g = {.suite = gcm}, c = {.suite = cm};
	uint8_t a[MBL_SRTP_KDF_MAX_OUT], b[MBL_SRTP_KDF_MAX_OUT];
	const struct mbl_srtp_suite_info *s = mbl_srtp_suite_get(gcm);
	uint8_t label;
	size_t i;

	for (i = 0; i < sizeof(g.key); i++)
		g.key[i] = c.key[i] = (uint8_t)(0x11 * i + 3);
	for (i = 0; i < 12; i++)
		g.salt[i] = c.salt[i] = (uint8_t)(0xa5 ^ i);
	for (label = 0; label <= MBL_SRTP_LABEL_RTCP_SALT; label++) {
		size_t n = label % 3 == 0 ? s->key_len : label % 3 == 1 ? 20 : s->salt_len;

		assert_int_equal(mbl_srtp_kdf(&g, label, a, n), 0);
		assert_int_equal(mbl_srtp_kdf(&c, label, b, n), 0);
		assert_memory_equal(a, b, n);
	}
}

static void test_kdf_gcm(void **state)
{
	(void)state;
	gcm_equiv(MBL_SRTP_AEAD_AES_128_GCM, MBL_SRTP_AES_CM_128_HMAC_SHA1_80);
	gcm_equiv(MBL_SRTP_AEAD_AES_256_GCM, MBL_SRTP_AES_256_CM_HMAC_SHA1_80);
}

/* The six labels give six different streams; the SRTCP salt label is the
 * SRTP salt computation with label 5 (checked against the AES-CM keystream
 * computed by hand from the RFC 3711 B.3 master key). */
static void test_kdf_labels(void **state)
{
	struct mbl_srtp_key k = {.suite = MBL_SRTP_AES_CM_128_HMAC_SHA1_80};
	uint8_t out[6][16], iv[16] = {0}, blk[16];
	struct mbl_srtp_aes a;
	int i, j;

	(void)state;
	hex("E1F97A0D3E018BE0D64FA32C06DE4139", k.key, sizeof(k.key));
	hex("0EC675AD498AFEEBB6960B3AABE6", k.salt, sizeof(k.salt));
	for (i = 0; i < 6; i++)
		assert_int_equal(mbl_srtp_kdf(&k, (uint8_t)i, out[i], 16), 0);
	for (i = 0; i < 6; i++)
		for (j = i + 1; j < 6; j++)
			assert_memory_not_equal(out[i], out[j], 16);
	memcpy(iv, k.salt, 14);
	iv[7] ^= MBL_SRTP_LABEL_RTCP_SALT;
	assert_int_equal(mbl_srtp_aes_init(&a, k.key, 16), 0);
	mbl_srtp_aes_encrypt(&a, iv, blk);
	assert_memory_equal(blk, out[MBL_SRTP_LABEL_RTCP_SALT], 16);
	mbl_srtp_aes_wipe(&a);
}

static void test_kdf_errors(void **state)
{
	struct mbl_srtp_key k = {.suite = MBL_SRTP_AES_CM_128_HMAC_SHA1_80};
	uint8_t out[MBL_SRTP_KDF_MAX_OUT + 1];

	(void)state;
	assert_int_equal(mbl_srtp_kdf(&k, 6, out, 16), -EINVAL);
	assert_int_equal(mbl_srtp_kdf(&k, 0, out, 0), -EINVAL);
	assert_int_equal(mbl_srtp_kdf(&k, 0, out, sizeof(out)), -EINVAL);
	k.suite = MBL_SRTP_SUITE_MAX;
	assert_int_equal(mbl_srtp_kdf(&k, 0, out, 16), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aes_fips197),   cmocka_unit_test(test_aes_bad_key_len),
		cmocka_unit_test(test_aes_cm_limits), cmocka_unit_test(test_kdf_rfc3711),
		cmocka_unit_test(test_kdf_rfc6188),   cmocka_unit_test(test_kdf_gcm),
		cmocka_unit_test(test_kdf_labels),    cmocka_unit_test(test_kdf_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
