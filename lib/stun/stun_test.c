/* SPDX-License-Identifier: BSD-3-Clause
 * The STUN codec against the RFC 5769 test vectors (2.1 request, 2.2 IPv4
 * response, 2.3 IPv6 response, 2.4 long-term credentials), byte for byte
 * both ways, plus the RFC 8489 rules on bad input: integrity, fingerprint,
 * truncation, alignment, unknown comprehension-required attributes,
 * FINGERPRINT last, attributes after MESSAGE-INTEGRITY ignored.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "mbl_stun.h"

#define PASSWORD "VOkJxbRl1RmTxUk/WvJxBt"

/* RFC 5769 2.1: SOFTWARE "STUN test client", USERNAME "evtj:h6vY". */
static const uint8_t req_2_1[] = {
	0x00, 0x01, 0x00, 0x58, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01,
	0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x10,
	0x53, 0x54, 0x55, 0x4e, 0x20, 0x74, 0x65, 0x73, 0x74, 0x20, 0x63, 0x6c,
	0x69, 0x65, 0x6e, 0x74, 0x00, 0x24, 0x00, 0x04, 0x6e, 0x00, 0x01, 0xff,
	0x80, 0x29, 0x00, 0x08, 0x93, 0x2f, 0xf9, 0xb1, 0x51, 0x26, 0x3b, 0x36,
	0x00, 0x06, 0x00, 0x09, 0x65, 0x76, 0x74, 0x6a, 0x3a, 0x68, 0x36, 0x76,
	0x59, 0x20, 0x20, 0x20, 0x00, 0x08, 0x00, 0x14, 0x9a, 0xea, 0xa7, 0x0c,
	0xbf, 0xd8, 0xcb, 0x56, 0x78, 0x1e, 0xf2, 0xb5, 0xb2, 0xd3, 0xf2, 0x49,
	0xc1, 0xb5, 0x71, 0xa2, 0x80, 0x28, 0x00, 0x04, 0xe5, 0x7a, 0x3b, 0xcf,
};

/* RFC 5769 2.2: SOFTWARE "test vector", 192.0.2.1 port 32853. */
static const uint8_t resp_2_2[] = {
	0x01, 0x01, 0x00, 0x3c, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01,
	0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x0b,
	0x74, 0x65, 0x73, 0x74, 0x20, 0x76, 0x65, 0x63, 0x74, 0x6f, 0x72, 0x20,
	0x00, 0x20, 0x00, 0x08, 0x00, 0x01, 0xa1, 0x47, 0xe1, 0x12, 0xa6, 0x43,
	0x00, 0x08, 0x00, 0x14, 0x2b, 0x91, 0xf5, 0x99, 0xfd, 0x9e, 0x90, 0xc3,
	0x8c, 0x74, 0x89, 0xf9, 0x2a, 0xf9, 0xba, 0x53, 0xf0, 0x6b, 0xe7, 0xd7,
	0x80, 0x28, 0x00, 0x04, 0xc0, 0x7d, 0x4c, 0x96,
};

/* RFC 5769 2.3: 2001:db8:1234:5678:11:2233:4455:6677 port 32853. */
static const uint8_t resp_2_3[] = {
	0x01, 0x01, 0x00, 0x48, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01,
	0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x0b,
	0x74, 0x65, 0x73, 0x74, 0x20, 0x76, 0x65, 0x63, 0x74, 0x6f, 0x72, 0x20,
	0x00, 0x20, 0x00, 0x14, 0x00, 0x02, 0xa1, 0x47, 0x01, 0x13, 0xa9, 0xfa,
	0xa5, 0xd3, 0xf1, 0x79, 0xbc, 0x25, 0xf4, 0xb5, 0xbe, 0xd2, 0xb9, 0xd9,
	0x00, 0x08, 0x00, 0x14, 0xa3, 0x82, 0x95, 0x4e, 0x4b, 0xe6, 0x7b, 0xf1,
	0x17, 0x84, 0xc9, 0x7c, 0x82, 0x92, 0xc2, 0x75, 0xbf, 0xe3, 0xed, 0x41,
	0x80, 0x28, 0x00, 0x04, 0xc8, 0xfb, 0x0b, 0x4c,
};

/* RFC 5769 2.4: long-term credentials (USERNAME, NONCE, REALM, MI). */
static const uint8_t req_2_4[] = {
	0x00, 0x01, 0x00, 0x60, 0x21, 0x12, 0xa4, 0x42, 0x78, 0xad, 0x34, 0x33,
	0xc6, 0xad, 0x72, 0xc0, 0x29, 0xda, 0x41, 0x2e, 0x00, 0x06, 0x00, 0x12,
	0xe3, 0x83, 0x9e, 0xe3, 0x83, 0x88, 0xe3, 0x83, 0xaa, 0xe3, 0x83, 0x83,
	0xe3, 0x82, 0xaf, 0xe3, 0x82, 0xb9, 0x00, 0x00, 0x00, 0x15, 0x00, 0x1c,
	0x66, 0x2f, 0x2f, 0x34, 0x39, 0x39, 0x6b, 0x39, 0x35, 0x34, 0x64, 0x36,
	0x4f, 0x4c, 0x33, 0x34, 0x6f, 0x4c, 0x39, 0x46, 0x53, 0x54, 0x76, 0x79,
	0x36, 0x34, 0x73, 0x41, 0x00, 0x14, 0x00, 0x0b, 0x65, 0x78, 0x61, 0x6d,
	0x70, 0x6c, 0x65, 0x2e, 0x6f, 0x72, 0x67, 0x00, 0x00, 0x08, 0x00, 0x14,
	0xf6, 0x70, 0x24, 0x65, 0x6d, 0xd6, 0x4a, 0x3e, 0x02, 0xb8, 0xe0, 0x71,
	0x2e, 0x85, 0xc9, 0xa2, 0x8c, 0xa8, 0x96, 0x66,
};

static const uint8_t tid_5769[12] = { 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34,
				      0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae };

static const uint8_t *pw(void)
{
	return (const uint8_t *)PASSWORD;
}

static void assert_span(struct mbl_stun_span s, const char *want)
{
	assert_int_equal(s.len, strlen(want));
	assert_memory_equal(s.p, want, s.len);
}

static void parse_ok(struct mbl_stun_msg *m, const uint8_t *b, size_t n)
{
	const char *why = NULL;

	assert_int_equal(mbl_stun_parse(m, b, n, &why), 0);
	assert_null(why);
}

static int parse_why(const uint8_t *b, size_t n, const char **why)
{
	struct mbl_stun_msg m;

	*why = NULL;
	return mbl_stun_parse(&m, b, n, why);
}

/* ---- CRC and the vectors ------------------------------------------------------ */

static void test_crc32(void **state)
{
	(void)state;
	assert_int_equal(mbl_stun_crc32((const uint8_t *)"123456789", 9), 0xCBF43926u);
	assert_int_equal(mbl_stun_crc32(NULL, 0), 0);
}

static void test_5769_request(void **state)
{
	struct mbl_stun_msg m;

	(void)state;
	parse_ok(&m, req_2_1, sizeof(req_2_1));
	assert_int_equal(m.type, MBL_STUN_BINDING_REQUEST);
	assert_int_equal(mbl_stun_class(m.type), MBL_STUN_CLASS_REQUEST);
	assert_int_equal(mbl_stun_method(m.type), MBL_STUN_METHOD_BINDING);
	assert_memory_equal(m.tid, tid_5769, 12);
	assert_span(m.software, "STUN test client");
	assert_span(m.username, "evtj:h6vY");
	assert_int_equal(m.priority, 0x6e0001ffu);
	assert_true(mbl_stun_has(&m, MBL_STUN_A_ICE_CONTROLLED));
	assert_false(mbl_stun_has(&m, MBL_STUN_A_ICE_CONTROLLING));
	assert_false(mbl_stun_has(&m, MBL_STUN_A_USE_CANDIDATE));
	assert_true(m.ice_controlled == 0x932ff9b151263b36ull);
	assert_int_equal(m.n_unknown, 0);
	assert_int_equal(mbl_stun_check_integrity(&m, pw(), strlen(PASSWORD), NULL), 0);
	assert_int_equal(mbl_stun_check_fingerprint(&m, NULL), 0);
}

static void test_5769_request_rebuild(void **state)
{
	struct mbl_stun_req r = {
		.tid = tid_5769, .rufrag = "evtj", .lufrag = "h6vY", .priority = 0x6e0001ff,
		.controlling = false, .tiebreaker = 0x932ff9b151263b36ull, .key = pw(),
		.key_len = strlen(PASSWORD), .software = "STUN test client", .pad = ' ',
	};
	uint8_t out[256];

	(void)state;
	assert_int_equal(mbl_stun_build_request(out, sizeof(out), &r), sizeof(req_2_1));
	assert_memory_equal(out, req_2_1, sizeof(req_2_1));
	/* every smaller buffer: -ENOSPC, never a write past cap (ASan) */
	for (size_t cap = 0; cap < sizeof(req_2_1); cap++) {
		uint8_t *b = test_malloc(cap ? cap : 1);

		assert_int_equal(mbl_stun_build_request(b, cap, &r), -ENOSPC);
		test_free(b);
	}
}

static void check_response(const uint8_t *v, size_t n, const char *ip)
{
	struct mbl_stun_msg m;
	struct mbl_stun_addr want;
	struct mbl_stun_resp r = { .tid = tid_5769, .key = pw(), .key_len = strlen(PASSWORD),
				   .software = "test vector", .pad = ' ' };
	uint8_t out[256];

	parse_ok(&m, v, n);
	assert_int_equal(m.type, MBL_STUN_BINDING_SUCCESS);
	assert_span(m.software, "test vector");
	assert_int_equal(mbl_stun_addr_set(&want, ip, 32853), 0);
	assert_true(mbl_stun_has(&m, MBL_STUN_A_XOR_MAPPED_ADDRESS));
	assert_true(mbl_stun_addr_eq(&m.xor_mapped, &want));
	assert_int_equal(mbl_stun_check_integrity(&m, pw(), strlen(PASSWORD), NULL), 0);
	assert_int_equal(mbl_stun_check_fingerprint(&m, NULL), 0);
	r.mapped = m.xor_mapped;
	assert_int_equal(mbl_stun_build_success(out, sizeof(out), &r), (int)n);
	assert_memory_equal(out, v, n);
}

static void test_5769_ipv4_response(void **state)
{
	(void)state;
	check_response(resp_2_2, sizeof(resp_2_2), "192.0.2.1");
}

static void test_5769_ipv6_response(void **state)
{
	(void)state;
	check_response(resp_2_3, sizeof(resp_2_3), "2001:db8:1234:5678:11:2233:4455:6677");
}

/* RFC 5769 2.4 / RFC 8489 9.2.2: key = MD5(username ":" realm ":" password),
 * the password after SASLprep being "TheMatrIX". */
static void test_5769_long_term(void **state)
{
	static const char user[] = "\xe3\x83\x9e\xe3\x83\x88\xe3\x83\xaa\xe3\x83\x83"
				   "\xe3\x82\xaf\xe3\x82\xb9";
	char in[128];
	uint8_t key[16];
	unsigned klen = 0;
	struct mbl_stun_msg m;

	(void)state;
	parse_ok(&m, req_2_4, sizeof(req_2_4));
	assert_span(m.username, user);
	assert_span(m.nonce, "f//499k954d6OL34oL9FSTvy64sA");
	assert_span(m.realm, "example.org");
	assert_int_equal(m.n_unknown, 0);
	assert_int_equal(mbl_stun_check_fingerprint(&m, NULL), -ENOENT);
	snprintf(in, sizeof(in), "%s:example.org:TheMatrIX", user);
	assert_int_equal(EVP_Digest(in, strlen(in), key, &klen, EVP_md5(), NULL), 1);
	assert_int_equal(mbl_stun_check_integrity(&m, key, klen, NULL), 0);
	assert_int_equal(mbl_stun_check_integrity(&m, pw(), strlen(PASSWORD), NULL), -EACCES);
}

/* ---- bad input --------------------------------------------------------------------- */

static void test_wrong_integrity(void **state)
{
	struct mbl_stun_msg m;
	uint8_t b[sizeof(req_2_1)];
	const char *why = NULL;

	(void)state;
	parse_ok(&m, req_2_1, sizeof(req_2_1));
	assert_int_equal(mbl_stun_check_integrity(&m, (const uint8_t *)"VOkJxbRl1RmTxUk/WvJxBT",
						  22, &why), -EACCES);
	assert_string_equal(why, "MESSAGE-INTEGRITY mismatch");
	/* a changed PRIORITY (with a fingerprint made to match again) */
	memcpy(b, req_2_1, sizeof(b));
	b[47] ^= 1;
	parse_ok(&m, b, sizeof(b));
	assert_int_equal(mbl_stun_check_integrity(&m, pw(), strlen(PASSWORD), NULL), -EACCES);
}

static void test_no_integrity(void **state)
{
	struct mbl_stun_msg m;
	const char *why = NULL;
	uint8_t b[64];
	struct mbl_stun_writer w;

	(void)state;
	mbl_stun_w_begin(&w, b, sizeof(b), MBL_STUN_BINDING_REQUEST, tid_5769);
	mbl_stun_w_fingerprint(&w);
	parse_ok(&m, b, (size_t)mbl_stun_w_end(&w));
	assert_int_equal(mbl_stun_check_integrity(&m, pw(), 22, &why), -ENOENT);
	assert_string_equal(why, "no MESSAGE-INTEGRITY");
	assert_int_equal(mbl_stun_check_fingerprint(&m, NULL), 0);
}

static void test_bad_fingerprint(void **state)
{
	struct mbl_stun_msg m;
	uint8_t b[sizeof(resp_2_2)];
	const char *why = NULL;

	(void)state;
	memcpy(b, resp_2_2, sizeof(b));
	b[sizeof(b) - 1] ^= 0x80;
	parse_ok(&m, b, sizeof(b));
	assert_int_equal(mbl_stun_check_fingerprint(&m, &why), -EBADMSG);
	assert_string_equal(why, "FINGERPRINT mismatch");
	assert_int_equal(mbl_stun_check_integrity(&m, pw(), strlen(PASSWORD), NULL), 0);
	/* a flipped bit in the software name breaks both */
	memcpy(b, resp_2_2, sizeof(b));
	b[25] ^= 0x01;
	parse_ok(&m, b, sizeof(b));
	assert_int_equal(mbl_stun_check_fingerprint(&m, NULL), -EBADMSG);
	assert_int_equal(mbl_stun_check_integrity(&m, pw(), strlen(PASSWORD), NULL), -EACCES);
}

static void test_header_errors(void **state)
{
	uint8_t b[sizeof(req_2_1)];
	const char *why;

	(void)state;
	assert_int_equal(parse_why(req_2_1, 19, &why), -EBADMSG);
	assert_string_equal(why, "shorter than a STUN header");
	memcpy(b, req_2_1, sizeof(b));
	b[0] |= 0x80;
	assert_int_equal(parse_why(b, sizeof(b), &why), -EBADMSG);
	assert_string_equal(why, "first two bits not zero");
	memcpy(b, req_2_1, sizeof(b));
	b[5] ^= 1;
	assert_int_equal(parse_why(b, sizeof(b), &why), -EBADMSG);
	assert_string_equal(why, "no magic cookie");
	memcpy(b, req_2_1, sizeof(b));
	b[3] = 0x56; /* 86: not a multiple of 4 */
	assert_int_equal(parse_why(b, sizeof(b), &why), -EBADMSG);
	assert_string_equal(why, "length not a multiple of 4");
	assert_int_equal(parse_why(req_2_1, sizeof(req_2_1) - 4, &why), -EBADMSG);
	assert_string_equal(why, "length does not match the datagram");
	assert_int_equal(parse_why(NULL, 0, &why), -EBADMSG);
}

static void test_truncated_attribute(void **state)
{
	uint8_t b[sizeof(req_2_1)];
	const char *why;

	(void)state;
	/* the USERNAME value claims more than the message holds */
	memcpy(b, req_2_1, sizeof(b));
	b[62] = 0x00;
	b[63] = 0x80;
	assert_int_equal(parse_why(b, sizeof(b), &why), -EBADMSG);
	assert_string_equal(why, "truncated attribute");
	/* the message length cut inside the last attribute: 84 bytes of it */
	memcpy(b, req_2_1, sizeof(b));
	b[3] = 0x54;
	assert_int_equal(parse_why(b, 104, &why), -EBADMSG);
	assert_string_equal(why, "truncated attribute");
	/* a PRIORITY of the wrong size */
	memcpy(b, req_2_1, sizeof(b));
	b[43] = 0x03;
	assert_int_equal(parse_why(b, sizeof(b), &why), -EBADMSG);
	assert_string_equal(why, "bad PRIORITY length");
}

/* Every prefix of every vector, with its length field made to match, and
 * every single-byte change: errors or a parse, never a stray read. */
static void test_no_stray_reads(void **state)
{
	const uint8_t *v[] = { req_2_1, resp_2_2, resp_2_3, req_2_4 };
	size_t n[] = { sizeof(req_2_1), sizeof(resp_2_2), sizeof(resp_2_3), sizeof(req_2_4) };
	struct mbl_stun_msg m;

	(void)state;
	for (unsigned k = 0; k < 4; k++) {
		for (size_t len = 0; len <= n[k]; len++) {
			uint8_t *b = test_malloc(len ? len : 1);

			memcpy(b, v[k], len);
			if (len >= 4) {
				b[2] = (uint8_t)((len - 20) >> 8);
				b[3] = (uint8_t)(len - 20);
			}
			(void)mbl_stun_parse(&m, b, len, NULL);
			for (size_t i = 20; i < len; i++) {
				b[i] ^= 0xff;
				if (mbl_stun_parse(&m, b, len, NULL) == 0) {
					(void)mbl_stun_check_fingerprint(&m, NULL);
					(void)mbl_stun_check_integrity(&m, pw(), 22, NULL);
				}
				b[i] ^= 0xff;
			}
			test_free(b);
		}
	}
}

static void test_unknown_required(void **state)
{
	uint8_t b[128];
	struct mbl_stun_writer w;
	struct mbl_stun_msg m;

	(void)state;
	mbl_stun_w_begin(&w, b, sizeof(b), MBL_STUN_BINDING_REQUEST, tid_5769);
	mbl_stun_w_attr(&w, 0x7777, "abc", 3);      /* comprehension-required */
	mbl_stun_w_attr(&w, 0xC001, "optional", 8); /* comprehension-optional */
	mbl_stun_w_attr(&w, 0x0031, NULL, 0);
	mbl_stun_w_attr(&w, 0x7777, "again", 5);    /* listed once */
	mbl_stun_w_u32(&w, MBL_STUN_ATTR_PRIORITY, 7);
	mbl_stun_w_integrity(&w, pw(), 22);
	mbl_stun_w_attr(&w, 0x7778, NULL, 0);       /* after MI: ignored */
	mbl_stun_w_fingerprint(&w);
	parse_ok(&m, b, (size_t)mbl_stun_w_end(&w));
	assert_int_equal(m.n_unknown, 2);
	assert_int_equal(m.unknown[0], 0x7777);
	assert_int_equal(m.unknown[1], 0x0031);
	assert_int_equal(m.priority, 7);
	assert_int_equal(mbl_stun_check_integrity(&m, pw(), 22, NULL), 0);
	assert_int_equal(mbl_stun_check_fingerprint(&m, NULL), 0);
}

static void test_fingerprint_not_last(void **state)
{
	uint8_t b[sizeof(resp_2_2) + 8];
	const char *why;

	(void)state;
	memcpy(b, resp_2_2, sizeof(resp_2_2));
	memcpy(b + sizeof(resp_2_2), "\x00\x24\x00\x04\x00\x00\x00\x01", 8);
	b[3] += 8;
	assert_int_equal(parse_why(b, sizeof(b), &why), -EBADMSG);
	assert_string_equal(why, "FINGERPRINT not last");
}

/* RFC 8489 14.5: what follows MESSAGE-INTEGRITY, FINGERPRINT aside, is
 * ignored: neither decoded nor covered by the HMAC check. */
static void test_after_integrity_ignored(void **state)
{
	uint8_t b[128];
	struct mbl_stun_writer w;
	struct mbl_stun_msg m;

	(void)state;
	mbl_stun_w_begin(&w, b, sizeof(b), MBL_STUN_BINDING_REQUEST, tid_5769);
	mbl_stun_w_str(&w, MBL_STUN_ATTR_USERNAME, "a:b");
	mbl_stun_w_integrity(&w, pw(), 22);
	mbl_stun_w_u32(&w, MBL_STUN_ATTR_PRIORITY, 99);
	mbl_stun_w_attr(&w, MBL_STUN_ATTR_USE_CANDIDATE, NULL, 0);
	mbl_stun_w_str(&w, MBL_STUN_ATTR_USERNAME, "evil:x");
	mbl_stun_w_fingerprint(&w);
	parse_ok(&m, b, (size_t)mbl_stun_w_end(&w));
	assert_false(mbl_stun_has(&m, MBL_STUN_A_PRIORITY));
	assert_false(mbl_stun_has(&m, MBL_STUN_A_USE_CANDIDATE));
	assert_span(m.username, "a:b");
	assert_int_equal(mbl_stun_check_integrity(&m, pw(), 22, NULL), 0);
	assert_int_equal(mbl_stun_check_fingerprint(&m, NULL), 0);
}

static void test_duplicate_first_counts(void **state)
{
	uint8_t b[64];
	struct mbl_stun_writer w;
	struct mbl_stun_msg m;

	(void)state;
	mbl_stun_w_begin(&w, b, sizeof(b), MBL_STUN_BINDING_REQUEST, tid_5769);
	mbl_stun_w_u32(&w, MBL_STUN_ATTR_PRIORITY, 1);
	mbl_stun_w_u32(&w, MBL_STUN_ATTR_PRIORITY, 2);
	parse_ok(&m, b, (size_t)mbl_stun_w_end(&w));
	assert_int_equal(m.priority, 1);
}

/* ---- error responses ------------------------------------------------------------------ */

static void test_error_420(void **state)
{
	static const uint16_t unk[] = { 0x7777, 0x0031, 0x0032 };
	struct mbl_stun_resp r = { .tid = tid_5769, .code = 420, .unknown = unk,
				   .n_unknown = 3, .key = pw(), .key_len = 22 };
	uint8_t b[128];
	struct mbl_stun_msg m;
	int n;

	(void)state;
	n = mbl_stun_build_error(b, sizeof(b), &r);
	assert_true(n > 0);
	parse_ok(&m, b, (size_t)n);
	assert_int_equal(m.type, MBL_STUN_BINDING_ERROR);
	assert_int_equal(m.error_code, 420);
	assert_span(m.reason, "Unknown Attribute");
	assert_true(mbl_stun_has(&m, MBL_STUN_A_UNKNOWN_ATTRIBUTES));
	/* three types: 6 bytes and 2 of padding */
	assert_memory_equal(b + 48, "\x00\x0a\x00\x06\x77\x77\x00\x31\x00\x32\x00\x00", 12);
	assert_int_equal(mbl_stun_check_integrity(&m, pw(), 22, NULL), 0);
	assert_int_equal(mbl_stun_check_fingerprint(&m, NULL), 0);
}

static void test_error_codes(void **state)
{
	static const unsigned codes[] = { 400, 401, 487 };
	struct mbl_stun_resp r = { .tid = tid_5769 };
	uint8_t b[128];
	struct mbl_stun_msg m;

	(void)state;
	for (unsigned i = 0; i < 3; i++) {
		int n;

		r.code = (uint16_t)codes[i];
		r.key = codes[i] == 487 ? pw() : NULL; /* 400/401: no MI (RFC 8489 9.1.3) */
		r.key_len = 22;
		n = mbl_stun_build_error(b, sizeof(b), &r);
		assert_true(n > 0);
		parse_ok(&m, b, (size_t)n);
		assert_int_equal(m.error_code, codes[i]);
		assert_span(m.reason, mbl_stun_reason(codes[i]));
		assert_int_equal(mbl_stun_check_integrity(&m, pw(), 22, NULL),
				 codes[i] == 487 ? 0 : -ENOENT);
		assert_int_equal(mbl_stun_check_fingerprint(&m, NULL), 0);
	}
	r.code = 403;
	assert_int_equal(mbl_stun_build_error(b, sizeof(b), &r), -EINVAL);
	r.code = 487;
	assert_int_equal(mbl_stun_build_error(b, 40, &r), -ENOSPC);
}

static void test_bad_error_code_value(void **state)
{
	uint8_t b[64];
	struct mbl_stun_writer w;
	const char *why;

	(void)state;
	mbl_stun_w_begin(&w, b, sizeof(b), MBL_STUN_BINDING_ERROR, tid_5769);
	mbl_stun_w_attr(&w, MBL_STUN_ATTR_ERROR_CODE, "\x00\x00\x02\x01", 4); /* class 2 */
	assert_int_equal(parse_why(b, (size_t)mbl_stun_w_end(&w), &why), -EBADMSG);
	assert_string_equal(why, "bad ERROR-CODE value");
}

static void test_writer_rules(void **state)
{
	uint8_t b[2048];
	char longname[800];
	struct mbl_stun_writer w;
	struct mbl_stun_addr a = { .family = 5 };

	(void)state;
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	mbl_stun_w_begin(&w, b, sizeof(b), MBL_STUN_BINDING_REQUEST, tid_5769);
	mbl_stun_w_str(&w, MBL_STUN_ATTR_SOFTWARE, longname); /* above 763 bytes */
	assert_int_equal(mbl_stun_w_end(&w), -EINVAL);
	mbl_stun_w_begin(&w, b, sizeof(b), MBL_STUN_BINDING_REQUEST, tid_5769);
	mbl_stun_w_xor_addr(&w, &a);
	assert_int_equal(mbl_stun_w_end(&w), -EINVAL);
	mbl_stun_w_begin(&w, b, sizeof(b), 0xC001, tid_5769);
	assert_int_equal(mbl_stun_w_end(&w), -EINVAL);
	mbl_stun_w_begin(&w, b, 19, MBL_STUN_BINDING_REQUEST, tid_5769);
	assert_int_equal(mbl_stun_w_end(&w), -ENOSPC);
}

static void test_addr_helpers(void **state)
{
	struct mbl_stun_addr a, b;
	char s[64];

	(void)state;
	assert_int_equal(mbl_stun_addr_set(&a, "198.18.0.1", 5000), 0);
	assert_string_equal(mbl_stun_addr_str(&a, s, sizeof(s)), "198.18.0.1:5000");
	assert_int_equal(mbl_stun_addr_set(&b, "2001:db8::1", 5000), 0);
	assert_string_equal(mbl_stun_addr_str(&b, s, sizeof(s)), "[2001:db8::1]:5000");
	assert_false(mbl_stun_addr_eq(&a, &b));
	assert_int_equal(mbl_stun_addr_set(&b, "198.18.0.1", 5001), 0);
	assert_false(mbl_stun_addr_eq(&a, &b));
	b.port = 5000;
	assert_true(mbl_stun_addr_eq(&a, &b));
	assert_int_equal(mbl_stun_addr_set(&a, "198.18.0", 1), -EINVAL);
	assert_int_equal(mbl_stun_addr_set(&a, NULL, 1), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32),
		cmocka_unit_test(test_5769_request),
		cmocka_unit_test(test_5769_request_rebuild),
		cmocka_unit_test(test_5769_ipv4_response),
		cmocka_unit_test(test_5769_ipv6_response),
		cmocka_unit_test(test_5769_long_term),
		cmocka_unit_test(test_wrong_integrity),
		cmocka_unit_test(test_no_integrity),
		cmocka_unit_test(test_bad_fingerprint),
		cmocka_unit_test(test_header_errors),
		cmocka_unit_test(test_truncated_attribute),
		cmocka_unit_test(test_no_stray_reads),
		cmocka_unit_test(test_unknown_required),
		cmocka_unit_test(test_fingerprint_not_last),
		cmocka_unit_test(test_after_integrity_ignored),
		cmocka_unit_test(test_duplicate_first_counts),
		cmocka_unit_test(test_error_420),
		cmocka_unit_test(test_error_codes),
		cmocka_unit_test(test_bad_error_code_value),
		cmocka_unit_test(test_writer_rules),
		cmocka_unit_test(test_addr_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
