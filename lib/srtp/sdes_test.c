/* SPDX-License-Identifier: BSD-3-Clause
 * Suite table and SDES tests: every suite by name and by id, format ->
 * parse round trips for every suite (with and without tag, lifetime, MKI),
 * the RFC 4568 example, each parse error (its code, and that the message
 * never quotes the key), format's -ENOSPC, and random keys.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mbl_srtp.h"

/* ---- suites -------------------------------------------------------------- */

static void test_suite_table(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < MBL_SRTP_SUITE_MAX; i++) {
		const struct mbl_srtp_suite_info *s = mbl_srtp_suite_get((enum mbl_srtp_suite)i);

		assert_non_null(s);
		assert_int_equal(s->id, i);
		assert_ptr_equal(mbl_srtp_suite_find(s->name), s);
		assert_int_equal(s->null_cipher, strncmp(s->name, "NULL_", 5) == 0);
		assert_int_equal(s->aead, strncmp(s->name, "AEAD_", 5) == 0);
		assert_int_equal(s->salt_len, s->aead ? 12 : 14);
		assert_true(s->key_len <= MBL_SRTP_MAX_KEY && s->salt_len <= MBL_SRTP_MAX_SALT);
	}
	assert_int_equal(mbl_srtp_suite_find("AES_192_CM_HMAC_SHA1_32")->key_len, 24);
	assert_int_equal(mbl_srtp_suite_find("AES_CM_128_HMAC_SHA1_32")->srtp_tag_len, 4);
	assert_int_equal(mbl_srtp_suite_find("AES_CM_128_HMAC_SHA1_32")->srtcp_tag_len, 10);
	assert_null(mbl_srtp_suite_find("aes_cm_128_hmac_sha1_80")); /* case-sensitive */
	assert_null(mbl_srtp_suite_find("AES_CM_128_HMAC_SHA1"));
	assert_null(mbl_srtp_suite_find(""));
	assert_null(mbl_srtp_suite_find(NULL));
	assert_null(mbl_srtp_suite_get(MBL_SRTP_SUITE_MAX));
	assert_null(mbl_srtp_suite_get((enum mbl_srtp_suite)-1));
}

/* ---- round trips ------------------------------------------------------------ */

static void assert_key_equal(const struct mbl_srtp_key *a, const struct mbl_srtp_key *b)
{
	const struct mbl_srtp_suite_info *s = mbl_srtp_suite_get(a->suite);

	assert_int_equal(a->suite, b->suite);
	assert_memory_equal(a->key, b->key, s->key_len);
	assert_memory_equal(a->salt, b->salt, s->salt_len);
	assert_int_equal(a->lifetime, b->lifetime);
	assert_int_equal(a->mki_len, b->mki_len);
	assert_int_equal(a->mki, b->mki);
}

static void round_trip(const struct mbl_srtp_crypto_attr *in, const char *tail)
{
	struct mbl_srtp_crypto_attr out;
	char buf[256], err[128] = "";
	int n = mbl_srtp_sdes_format(in, buf, sizeof(buf));

	assert_true(n > 0);
	assert_int_equal((size_t)n, strlen(buf));
	assert_non_null(strstr(buf, mbl_srtp_suite_get(in->key.suite)->name));
	if (tail != NULL)
		assert_string_equal(buf + n - strlen(tail), tail);
	assert_int_equal(mbl_srtp_sdes_parse(buf, &out, err, sizeof(err)), 0);
	assert_int_equal(out.tag, in->tag);
	assert_key_equal(&out.key, &in->key);
}

static void test_round_trip_all_suites(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < MBL_SRTP_SUITE_MAX; i++) {
		struct mbl_srtp_crypto_attr a = {.tag = -1};

		assert_int_equal(mbl_srtp_key_random(&a.key, (enum mbl_srtp_suite)i), 0);
		round_trip(&a, NULL);
		a.tag = (int)i + 1;
		a.key.lifetime = UINT64_C(1) << 31;
		round_trip(&a, "|2^31");
		a.key.mki = 7;
		a.key.mki_len = 2;
		round_trip(&a, "|2^31|7:2");
		a.key.lifetime = 0;
		a.key.mki = 0xffffffffu;
		a.key.mki_len = 4;
		round_trip(&a, "|4294967295:4");
		a.tag = 999999999;
		a.key.lifetime = 1000;
		round_trip(&a, "|1000|4294967295:4");
		/* 1 is a power of two our parser does not take as "2^0" */
		a.key.lifetime = 1;
		round_trip(&a, "|1|4294967295:4");
	}
}

/* rtpengine writes keys without base64 padding: a 28-byte GCM key||salt
 * in 38 characters. Parsed, then written back padded (RFC 4568's form). */
static void test_unpadded_key(void **state)
{
	struct mbl_srtp_crypto_attr a;
	char err[128] = "", out[160];
	int i;

	(void)state;
	assert_int_equal(mbl_srtp_sdes_parse("4 AEAD_AES_128_GCM "
					     "inline:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHA",
					     &a, err, sizeof(err)),
			 0);
	for (i = 0; i < 16; i++)
		assert_int_equal(a.key.key[i], i + 1);
	assert_int_equal(a.key.salt[11], 28);
	assert_true(mbl_srtp_sdes_format(&a, out, sizeof(out)) > 0);
	assert_string_equal(out, "4 AEAD_AES_128_GCM inline:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHA==");
	explicit_bzero(&a, sizeof(a));
}

/* RFC 4568 section 4 / 9.1 example value. */
static void test_rfc4568_example(void **state)
{
	struct mbl_srtp_crypto_attr a;
	char err[128] = "";

	(void)state;
	assert_int_equal(mbl_srtp_sdes_parse("1 AES_CM_128_HMAC_SHA1_80 "
					     "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4",
					     &a, err, sizeof(err)),
			 0);
	assert_int_equal(a.tag, 1);
	assert_int_equal(a.key.suite, MBL_SRTP_AES_CM_128_HMAC_SHA1_80);
	assert_int_equal(a.key.lifetime, 1 << 20);
	assert_int_equal(a.key.mki, 1);
	assert_int_equal(a.key.mki_len, 4);
	assert_int_equal(a.key.key[0], '=');  /* "PS1u" decodes to "=-n" */
	assert_int_equal(a.key.key[1], '-');
	/* Without tag (scenario form), extra blanks, key method in capitals. */
	assert_int_equal(mbl_srtp_sdes_parse("  AES_CM_128_HMAC_SHA1_32\tINLINE:"
					     "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR  ",
					     &a, err, sizeof(err)),
			 0);
	assert_int_equal(a.tag, -1);
	assert_int_equal(a.key.lifetime, 0);
	assert_int_equal(a.key.mki_len, 0);
}

/* ---- errors ------------------------------------------------------------------- */

#define KEY30 "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR" /* 30 bytes */

static void bad(const char *value, int want, const char *msg_part)
{
	struct mbl_srtp_crypto_attr a;
	char err[128] = "";

	assert_int_equal(mbl_srtp_sdes_parse(value, &a, err, sizeof(err)), want);
	assert_non_null(strstr(err, msg_part));
	/* The message never carries the key, nor a piece of it. */
	assert_null(strstr(err, "PS1uQCVe"));
	assert_null(strstr(err, "YD0mXXtx"));
	assert_int_equal(a.tag, -1);
	assert_int_equal(a.key.key[0], 0);
}

static void test_parse_errors(void **state)
{
	(void)state;
	bad("1 AES_CM_129_HMAC_SHA1_80 inline:" KEY30, -EINVAL, "unknown crypto suite");
	bad("1 AES_CM_128_HMAC_SHA1_80", -EINVAL, "missing key");
	bad("", -EINVAL, "suite");
	bad("1234567890 AES_CM_128_HMAC_SHA1_80 inline:" KEY30, -EINVAL, "tag");
	bad("1x AES_CM_128_HMAC_SHA1_80 inline:" KEY30, -EINVAL, "tag");
	bad("AES_CM_128_HMAC_SHA1_80 uri:" KEY30, -EINVAL, "inline");
	bad("AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVB!", -EINVAL,
	    "base64");
	bad("AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVB", -EINVAL,
	    "29 bytes"); /* unpadded, decodes, one byte short */
	bad("AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBRa", -EINVAL,
	    "base64"); /* a lone sixth bit group: no base64 length */
	bad("AEAD_AES_128_GCM inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtx=", -EINVAL,
	    "base64"); /* a stray "=": 37 characters */
	bad("AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXX==aVBR", -EINVAL,
	    "base64"); /* padding in the middle */
	bad("AEAD_AES_128_GCM inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtx", -EINVAL,
	    "27 bytes"); /* 28 needed */
	bad("AES_256_CM_HMAC_SHA1_80 inline:" KEY30, -EINVAL, "30 bytes, AES_256_CM_HMAC_SHA1_80 needs 46");
	bad("AES_CM_128_HMAC_SHA1_80 inline:" KEY30 KEY30 KEY30, -EINVAL, "too long");
	bad("AES_CM_128_HMAC_SHA1_80 inline:" KEY30 "|2^49", -EINVAL, "lifetime");
	bad("AES_CM_128_HMAC_SHA1_80 inline:" KEY30 "|2^0", -EINVAL, "lifetime");
	bad("AES_CM_128_HMAC_SHA1_80 inline:" KEY30 "|1:", -EINVAL, "MKI length");
	bad("AES_CM_128_HMAC_SHA1_80 inline:" KEY30 "|0", -EINVAL, "lifetime");
	bad("AES_CM_128_HMAC_SHA1_80 inline:" KEY30 "|281474976710657", -EINVAL, "lifetime");
	bad("AES_CM_128_HMAC_SHA1_80 inline:" KEY30 "|2^20x", -EINVAL, "lifetime");
	bad("AES_CM_128_HMAC_SHA1_80 inline:" KEY30 "|", -EINVAL, "lifetime");
	bad("AES_CM_128_HMAC_SHA1_80 inline:" KEY30 "|1:5", -EINVAL, "MKI length 5");
	bad("AES_CM_128_HMAC_SHA1_80 inline:" KEY30 "|1:0", -EINVAL, "MKI length 0");
	bad("AES_CM_128_HMAC_SHA1_80 inline:" KEY30 "|256:1", -EINVAL, "does not fit");
	bad("AES_CM_128_HMAC_SHA1_80 inline:" KEY30 "|1:", -EINVAL, "MKI length");
	bad("AES_CM_128_HMAC_SHA1_80 inline:" KEY30 "|:4", -EINVAL, "bad MKI");
	bad("AES_CM_128_HMAC_SHA1_80 inline:" KEY30 "|4294967296:4", -EINVAL, "bad MKI");
	bad("AES_CM_128_HMAC_SHA1_80 inline:" KEY30 "|2^20|x", -EINVAL, "bad MKI");
	bad("AES_CM_128_HMAC_SHA1_80 inline:" KEY30 "|2^20|1:4|junk", -EINVAL, "unexpected");
	bad("AES_CM_128_HMAC_SHA1_80 inline:" KEY30 "|2^20;inline:" KEY30, -ENOTSUP,
	    "several key");
	bad("AES_CM_128_HMAC_SHA1_80 inline:" KEY30 " UNENCRYPTED_SRTCP", -ENOTSUP,
	    "session parameters");
	bad(NULL, -EINVAL, "empty");
}

static void test_parse_no_err_buffer(void **state)
{
	struct mbl_srtp_crypto_attr a;

	(void)state;
	assert_int_equal(mbl_srtp_sdes_parse("NOPE inline:" KEY30, &a, NULL, 0), -EINVAL);
}

static void test_format_errors(void **state)
{
	struct mbl_srtp_crypto_attr a = {.tag = 1};
	char buf[128];
	int n, i;

	(void)state;
	assert_int_equal(mbl_srtp_key_random(&a.key, MBL_SRTP_AES_256_CM_HMAC_SHA1_80), 0);
	a.key.lifetime = UINT64_C(1) << 48;
	a.key.mki = 3;
	a.key.mki_len = 1;
	n = mbl_srtp_sdes_format(&a, buf, sizeof(buf));
	assert_true(n > 0);
	/* Every shorter buffer is refused and left without key bytes. */
	for (i = 0; i <= n; i++) {
		memset(buf, 'x', sizeof(buf));
		assert_int_equal(mbl_srtp_sdes_format(&a, buf, (size_t)i), -ENOSPC);
		assert_true(i == 0 || buf[0] == '\0');
	}
	assert_int_equal(mbl_srtp_sdes_format(&a, buf, (size_t)n + 1), n);
	a.key.mki = 256; /* does not fit one byte */
	assert_int_equal(mbl_srtp_sdes_format(&a, buf, sizeof(buf)), -EINVAL);
	a.key.mki_len = 5;
	assert_int_equal(mbl_srtp_sdes_format(&a, buf, sizeof(buf)), -EINVAL);
	a.key.mki_len = 0;
	a.key.suite = MBL_SRTP_SUITE_MAX;
	assert_int_equal(mbl_srtp_sdes_format(&a, buf, sizeof(buf)), -EINVAL);
}

static void test_key_random(void **state)
{
	struct mbl_srtp_key a, b;
	static const uint8_t zero[MBL_SRTP_MAX_KEY] = {0};

	(void)state;
	assert_int_equal(mbl_srtp_key_random(&a, MBL_SRTP_AEAD_AES_128_GCM), 0);
	assert_int_equal(mbl_srtp_key_random(&b, MBL_SRTP_AEAD_AES_128_GCM), 0);
	assert_int_equal(a.suite, MBL_SRTP_AEAD_AES_128_GCM);
	assert_memory_not_equal(a.key, b.key, 16);
	assert_memory_not_equal(a.salt, b.salt, 12);
	assert_memory_equal(a.key + 16, zero, MBL_SRTP_MAX_KEY - 16); /* unused bytes */
	assert_memory_equal(a.salt + 12, zero, MBL_SRTP_MAX_SALT - 12);
	assert_int_equal(a.lifetime, 0);
	assert_int_equal(a.mki_len, 0);
	assert_int_equal(mbl_srtp_key_random(&a, MBL_SRTP_SUITE_MAX), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_suite_table),
		cmocka_unit_test(test_round_trip_all_suites),
		cmocka_unit_test(test_rfc4568_example),
		cmocka_unit_test(test_unpadded_key),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_no_err_buffer),
		cmocka_unit_test(test_format_errors),
		cmocka_unit_test(test_key_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
