/* SPDX-License-Identifier: BSD-3-Clause
 * Known-answer tests of the SRTP engines through the public API: a master
 * key and salt, a plaintext packet and the exact protected packet.
 *
 * The vectors start from a MASTER key (the engines always run the RFC 3711
 * 4.3 key derivation, also used by RFC 7714). The RFC 7714 section 16/17 packet
 * vectors start from SESSION keys (key 000102..0f, salt "Quid pro quo"
 * enter AES-GCM directly): rfc7714_test.c reproduces them on the cryptodev
 * engine through MBL_SRTP_F_SESSION_KEYS.
 *
 * Sources (bytes transcribed, code not copied):
 *  - AES_CM_128_HMAC_SHA1_80 SRTP and SRTCP: libsrtp test/srtp_driver.c,
 *    srtp_validate() (github.com/cisco/libsrtp).
 *  - AES_CM_128_HMAC_SHA1_32: the same packet; RFC 3711 4.2 truncates the
 *    HMAC to its leftmost bytes, so the tag is the first 4 of the 80-bit one
 *    (SRTCP keeps the 80-bit tag, RFC 4568 6.2.2).
 *  - AES_256_CM_HMAC_SHA1_80 SRTP: libsrtp srtp_driver.c,
 *    srtp_validate_aes_256().
 *  - AEAD_AES_128_GCM SRTP and SRTCP: libsrtp srtp_driver.c,
 *    srtp_validate_gcm().
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mbl_srtp.h"

#define SSRC 0xcafebabeu

struct kat {
	enum mbl_srtp_suite suite;
	const uint8_t *key;
	const uint8_t *salt;
	const uint8_t *plain;
	uint32_t plain_len;
	const uint8_t *prot;
	uint32_t prot_len;
};

/* libsrtp srtp_validate(): master key, master salt. */
static const uint8_t cm128_key[16] = {
	0xe1, 0xf9, 0x7a, 0x0d, 0x3e, 0x01, 0x8b, 0xe0,
	0xd6, 0x4f, 0xa3, 0x2c, 0x06, 0xde, 0x41, 0x39,
};
static const uint8_t cm128_salt[14] = {
	0x0e, 0xc6, 0x75, 0xad, 0x49, 0x8a, 0xfe, 0xeb, 0xb6, 0x96, 0x0b, 0x3a, 0xab, 0xe6,
};
/* The plaintext RTP packet shared by all libsrtp vectors: PT 15, seq
 * 0x1234, ts 0xdecafbad, SSRC 0xcafebabe, 16 bytes of 0xab. */
static const uint8_t rtp_plain[28] = {
	0x80, 0x0f, 0x12, 0x34, 0xde, 0xca, 0xfb, 0xad,
	0xca, 0xfe, 0xba, 0xbe, 0xab, 0xab, 0xab, 0xab,
	0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab,
	0xab, 0xab, 0xab, 0xab,
};
/* An SR header (PT 200, length 11) with SSRC 0xcafebabe and 16 bytes of 0xab. */
static const uint8_t rtcp_plain[24] = {
	0x81, 0xc8, 0x00, 0x0b, 0xca, 0xfe, 0xba, 0xbe,
	0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab,
	0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab,
};
static const uint8_t cm128_srtp[38] = {
	0x80, 0x0f, 0x12, 0x34, 0xde, 0xca, 0xfb, 0xad,
	0xca, 0xfe, 0xba, 0xbe, 0x4e, 0x55, 0xdc, 0x4c,
	0xe7, 0x99, 0x78, 0xd8, 0x8c, 0xa4, 0xd2, 0x15,
	0x94, 0x9d, 0x24, 0x02, 0xb7, 0x8d, 0x6a, 0xcc,
	0x99, 0xea, 0x17, 0x9b, 0x8d, 0xbb,
};
/* SRTCP: ciphertext, E=1 index 1, 80-bit tag. */
static const uint8_t cm128_srtcp[38] = {
	0x81, 0xc8, 0x00, 0x0b, 0xca, 0xfe, 0xba, 0xbe,
	0x71, 0x28, 0x03, 0x5b, 0xe4, 0x87, 0xb9, 0xbd,
	0xbe, 0xf8, 0x90, 0x41, 0xf9, 0x77, 0xa5, 0xa8,
	0x80, 0x00, 0x00, 0x01, 0x99, 0x3e, 0x08, 0xcd,
	0x54, 0xd6, 0xc1, 0x23, 0x07, 0x98,
};

/* libsrtp srtp_validate_aes_256(). */
static const uint8_t cm256_key[32] = {
	0xf0, 0xf0, 0x49, 0x14, 0xb5, 0x13, 0xf2, 0x76,
	0x3a, 0x1b, 0x1f, 0xa1, 0x30, 0xf1, 0x0e, 0x29,
	0x98, 0xf6, 0xf6, 0xe4, 0x3e, 0x43, 0x09, 0xd1,
	0xe6, 0x22, 0xa0, 0xe3, 0x32, 0xb9, 0xf1, 0xb6,
};
static const uint8_t cm256_salt[14] = {
	0x3b, 0x04, 0x80, 0x3d, 0xe5, 0x1e, 0xe7, 0xc9, 0x64, 0x23, 0xab, 0x5b, 0x78, 0xd2,
};
static const uint8_t cm256_srtp[38] = {
	0x80, 0x0f, 0x12, 0x34, 0xde, 0xca, 0xfb, 0xad,
	0xca, 0xfe, 0xba, 0xbe, 0xf1, 0xd9, 0xde, 0x17,
	0xff, 0x25, 0x1f, 0xf1, 0xaa, 0x00, 0x77, 0x74,
	0xb0, 0xb4, 0xb4, 0x0d, 0xa0, 0x8d, 0x9d, 0x9a,
	0x5b, 0x3a, 0x55, 0xd8, 0x87, 0x3b,
};

/* libsrtp srtp_validate_gcm(): 16-byte master key, 12-byte master salt. */
static const uint8_t gcm128_key[16] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
};
static const uint8_t gcm128_salt[12] = {
	0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab,
};
static const uint8_t gcm128_srtp[44] = {
	0x80, 0x0f, 0x12, 0x34, 0xde, 0xca, 0xfb, 0xad,
	0xca, 0xfe, 0xba, 0xbe, 0xc5, 0x00, 0x2e, 0xde,
	0x04, 0xcf, 0xdd, 0x2e, 0xb9, 0x11, 0x59, 0xe0,
	0x88, 0x0a, 0xa0, 0x6e, 0xd2, 0x97, 0x68, 0x26,
	0xf7, 0x96, 0xb2, 0x01, 0xdf, 0x31, 0x31, 0xa1,
	0x27, 0xe8, 0xa3, 0x92,
};
/* SRTCP AEAD (RFC 7714): ciphertext, 16-byte tag, then E=1 index 1. */
static const uint8_t gcm128_srtcp[44] = {
	0x81, 0xc8, 0x00, 0x0b, 0xca, 0xfe, 0xba, 0xbe,
	0xc9, 0x8b, 0x8b, 0x5d, 0xf0, 0x39, 0x2a, 0x55,
	0x85, 0x2b, 0x6c, 0x21, 0xac, 0x8e, 0x70, 0x25,
	0xc5, 0x2c, 0x6f, 0xbe, 0xa2, 0xb3, 0xb4, 0x46,
	0xea, 0x31, 0x12, 0x3b, 0xa8, 0x8c, 0xe6, 0x1e,
	0x80, 0x00, 0x00, 0x01,
};

static struct mbl_srtp_ctx *ctx(const struct kat *v, bool outbound)
{
	const struct mbl_srtp_suite_info *si = mbl_srtp_suite_get(v->suite);
	struct mbl_srtp_key k;
	struct mbl_srtp_ctx *c;
	char err[160];

	assert_non_null(si);
	memset(&k, 0, sizeof(k));
	k.suite = v->suite;
	memcpy(k.key, v->key, si->key_len);
	memcpy(k.salt, v->salt, si->salt_len);
	c = mbl_srtp_ctx_create(MBL_SRTP_ENGINE_LIBSRTP, &k, SSRC, outbound, err, sizeof(err));
	if (c == NULL)
		fail_msg("create %s: %s", si->name, err);
	return c;
}

/* Protect in a heap buffer of exactly the protected size (ASan sees any
 * write past it), compare, then unprotect the reference bytes. */
static void run_kat(const struct kat *v, bool rtcp)
{
	struct mbl_srtp_ctx *tx = ctx(v, true), *rx = ctx(v, false);
	uint8_t *buf = malloc(v->prot_len);
	uint32_t len = v->plain_len;

	assert_non_null(buf);
	memcpy(buf, v->plain, v->plain_len);
	if (rtcp)
		assert_int_equal(mbl_srtp_protect_rtcp(tx, buf, &len, v->prot_len), 0);
	else
		assert_int_equal(mbl_srtp_protect(tx, buf, &len, v->prot_len), 0);
	assert_int_equal(len, v->prot_len);
	assert_memory_equal(buf, v->prot, v->prot_len);

	memcpy(buf, v->prot, v->prot_len);
	len = v->prot_len;
	if (rtcp)
		assert_int_equal(mbl_srtp_unprotect_rtcp(rx, buf, &len), 0);
	else
		assert_int_equal(mbl_srtp_unprotect(rx, buf, &len), 0);
	assert_int_equal(len, v->plain_len);
	assert_memory_equal(buf, v->plain, v->plain_len);
	free(buf);
	mbl_srtp_ctx_free(tx);
	mbl_srtp_ctx_free(rx);
}

static void test_cm128_80_srtp(void **state)
{
	struct kat v = { MBL_SRTP_AES_CM_128_HMAC_SHA1_80, cm128_key, cm128_salt,
			 rtp_plain, sizeof(rtp_plain), cm128_srtp, sizeof(cm128_srtp) };
	(void)state;
	run_kat(&v, false);
}

static void test_cm128_80_srtcp(void **state)
{
	struct kat v = { MBL_SRTP_AES_CM_128_HMAC_SHA1_80, cm128_key, cm128_salt,
			 rtcp_plain, sizeof(rtcp_plain), cm128_srtcp, sizeof(cm128_srtcp) };
	(void)state;
	run_kat(&v, true);
}

static void test_cm128_32_srtp(void **state)
{
	/* 28 bytes + the first 4 bytes of the 80-bit tag. */
	struct kat v = { MBL_SRTP_AES_CM_128_HMAC_SHA1_32, cm128_key, cm128_salt,
			 rtp_plain, sizeof(rtp_plain), cm128_srtp, 32 };
	(void)state;
	run_kat(&v, false);
}

static void test_cm128_32_srtcp(void **state)
{
	struct kat v = { MBL_SRTP_AES_CM_128_HMAC_SHA1_32, cm128_key, cm128_salt,
			 rtcp_plain, sizeof(rtcp_plain), cm128_srtcp, sizeof(cm128_srtcp) };
	(void)state;
	run_kat(&v, true);
}

static void test_cm256_80_srtp(void **state)
{
	struct kat v = { MBL_SRTP_AES_256_CM_HMAC_SHA1_80, cm256_key, cm256_salt,
			 rtp_plain, sizeof(rtp_plain), cm256_srtp, sizeof(cm256_srtp) };
	(void)state;
	run_kat(&v, false);
}

static void test_cm256_32_srtp(void **state)
{
	struct kat v = { MBL_SRTP_AES_256_CM_HMAC_SHA1_32, cm256_key, cm256_salt,
			 rtp_plain, sizeof(rtp_plain), cm256_srtp, 32 };
	(void)state;
	run_kat(&v, false);
}

static void test_gcm128_srtp(void **state)
{
	struct kat v = { MBL_SRTP_AEAD_AES_128_GCM, gcm128_key, gcm128_salt,
			 rtp_plain, sizeof(rtp_plain), gcm128_srtp, sizeof(gcm128_srtp) };
	(void)state;
	run_kat(&v, false);
}

static void test_gcm128_srtcp(void **state)
{
	struct kat v = { MBL_SRTP_AEAD_AES_128_GCM, gcm128_key, gcm128_salt,
			 rtcp_plain, sizeof(rtcp_plain), gcm128_srtcp, sizeof(gcm128_srtcp) };
	(void)state;
	run_kat(&v, true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cm128_80_srtp),  cmocka_unit_test(test_cm128_80_srtcp),
		cmocka_unit_test(test_cm128_32_srtp),  cmocka_unit_test(test_cm128_32_srtcp),
		cmocka_unit_test(test_cm256_80_srtp),  cmocka_unit_test(test_cm256_32_srtp),
		cmocka_unit_test(test_gcm128_srtp),    cmocka_unit_test(test_gcm128_srtcp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
