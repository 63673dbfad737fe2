/* SPDX-License-Identifier: BSD-3-Clause
 * Every refusal and its exact reason, on both sides: 488s of the answerer
 * (policy required/optional/off, unknown suites only, suites not enabled,
 * setup holdconn, no common codec, disabled stream), parse errors of
 * a=crypto (duplicate tags, bad base64, key length, no tag), the
 * offerer's checks of an answer (port 0, tags and suites, DTLS vs SDES,
 * setup, profile, rtcp-mux, codec, plain answers under each policy), DTLS
 * roles, hold directions, bad local configs and short buffers. Every error
 * text is checked to hold no key material.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mbl_sdp.h"
#include "sdp_test_util.h"

#define HEAD "v=0\r\no=- 7 7 IN IP4 198.18.30.1\r\ns=-\r\nc=IN IP4 198.18.30.1\r\nt=0 0\r\n"
#define CRYPTO_A128 "AES_CM_128_HMAC_SHA1_80 inline:" KEY_A128_B64
#define CRYPTO_A256 "AES_256_CM_HMAC_SHA1_80 inline:" KEY_A256_B64

/* Answer sdp (an offer) as b and expect a 488 with warn and why. */
static void answer_refused(const struct mbl_sdp_local *b, const char *sdp, int warn,
			   const char *why_want)
{
	struct mbl_sdp_remote r;
	struct mbl_sdp_result res;
	char buf[2048] = "x", why[256] = "", err[160] = "";

	assert_int_equal(tparse(sdp, &r, err, sizeof(err)), 0);
	assert_int_equal(mbl_sdp_answer(b, &r, &res, buf, sizeof(buf), why, sizeof(why)), -EPROTO);
	assert_string_equal(why, why_want);
	assert_int_equal(res.status, 488);
	assert_int_equal(res.warn_code, warn);
	assert_string_equal(buf, "");
	assert_true(key_free(why));
	assert_int_equal(res.tx_key.key[0], 0);
	assert_int_equal(res.rx_key.key[0], 0);
	explicit_bzero(&r, sizeof(r));
}

/* Accept sdp (an answer) for offerer a and expect -EPROTO with why. */
static void answer_rejected(const struct mbl_sdp_local *a, const char *sdp, int warn,
			    const char *why_want)
{
	struct mbl_sdp_remote r;
	struct mbl_sdp_result res;
	char why[256] = "", err[160] = "";

	assert_int_equal(tparse(sdp, &r, err, sizeof(err)), 0);
	assert_int_equal(mbl_sdp_accept_answer(a, &r, &res, why, sizeof(why)), -EPROTO);
	assert_string_equal(why, why_want);
	assert_int_equal(res.status, 488);
	assert_int_equal(res.warn_code, warn);
	assert_true(key_free(why));
	assert_int_equal(res.tx_key.key[0], 0);
	explicit_bzero(&r, sizeof(r));
}

static void parse_refused(const char *sdp, const char *err_want)
{
	struct mbl_sdp_remote r;
	char err[160] = "";

	assert_int_equal(tparse(sdp, &r, err, sizeof(err)), -EPROTO);
	assert_string_equal(err, err_want);
	assert_true(key_free(err));
	assert_int_equal(r.n_crypto, 0);
	assert_int_equal(r.crypto[0].key.key[0], 0);
}

/* ---- the answerer ------------------------------------------------------------------ */

static void test_policies(void **state)
{
	static const char plain[] = HEAD "m=audio 5000 RTP/AVP 0\r\n";
	static const char sdes[] = HEAD "m=audio 5000 RTP/SAVP 0\r\na=crypto:1 " CRYPTO_A128 "\r\n";
	static const char dual[] = HEAD "m=audio 5000 RTP/SAVP 0\r\na=crypto:1 " CRYPTO_A128 "\r\n"
				   "a=fingerprint:sha-256 " FP_A "\r\na=setup:actpass\r\n";
	struct mbl_sdp_local b;
	struct mbl_sdp_remote r;
	struct mbl_sdp_result res;
	char buf[2048], why[256] = "", err[160] = "";

	(void)state;
	local_b(&b, MBL_SDP_ENC_SDES, MBL_SDP_POLICY_REQUIRED, false);
	answer_refused(&b, plain, 302, "the offer is plain RTP (RTP/AVP) but encryption is "
				       "required: the offer has no a=crypto or a=fingerprint");
	b.policy = MBL_SDP_POLICY_OPTIONAL;
	assert_int_equal(tparse(plain, &r, err, sizeof(err)), 0);
	assert_true(mbl_sdp_answer(&b, &r, &res, buf, sizeof(buf), why, sizeof(why)) > 0);
	assert_true(res.fell_back);
	assert_true(has_line(buf, "m=audio 6000 RTP/AVP 0"));
	b.policy = MBL_SDP_POLICY_OFF;
	answer_refused(&b, sdes, 302,
		       "encryption policy is off but the offer's profile RTP/SAVP needs SRTP");
	/* An SBC-style dual offer (RTP/SAVP with a=fingerprint) is secure too. */
	answer_refused(&b, dual, 302,
		       "encryption policy is off but the offer's profile RTP/SAVP needs SRTP");
	assert_int_equal(tparse(dual, &r, err, sizeof(err)), 0);
	assert_int_equal(r.enc, MBL_SDP_ENC_DUAL);
	/* ... answered with DTLS in its own profile by a DTLS answerer. */
	local_b(&b, MBL_SDP_ENC_DTLS, MBL_SDP_POLICY_REQUIRED, false);
	assert_true(mbl_sdp_answer(&b, &r, &res, buf, sizeof(buf), why, sizeof(why)) > 0);
	assert_true(has_line(buf, "m=audio 6000 RTP/SAVP 0"));
	assert_true(has_line(buf, "a=setup:active"));
	assert_int_equal(count_prefix(buf, "a=crypto:"), 0);
	assert_int_equal(res.chosen, MBL_SDP_ENC_DTLS);
	/* ... and with SDES by an SDES-only answerer. */
	local_b(&b, MBL_SDP_ENC_SDES, MBL_SDP_POLICY_REQUIRED, false);
	assert_true(mbl_sdp_answer(&b, &r, &res, buf, sizeof(buf), why, sizeof(why)) > 0);
	assert_true(has_line(buf, "m=audio 6000 RTP/SAVP 0"));
	assert_true(has_line(buf, "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_B128_B64));
	assert_int_equal(count_prefix(buf, "a=fingerprint:") + count_prefix(buf, "a=setup:"), 0);
	assert_int_equal(res.chosen, MBL_SDP_ENC_SDES);
	/* Optional cannot fall back from a secure-only profile. */
	local_b(&b, MBL_SDP_ENC_DTLS, MBL_SDP_POLICY_OPTIONAL, false);
	answer_refused(&b, sdes, 302, "no acceptable security for RTP/SAVP: the offer does sdes, "
				      "we do dtls");
	explicit_bzero(&r, sizeof(r));
}

static void test_crypto_suites(void **state)
{
	struct mbl_sdp_local b;

	(void)state;
	local_b(&b, MBL_SDP_ENC_SDES, MBL_SDP_POLICY_REQUIRED, false);
	answer_refused(&b, HEAD "m=audio 5000 RTP/SAVP 0\r\n"
				"a=crypto:1 F8_128_HMAC_SHA1_80 inline:" KEY_A128_B64 "\r\n"
				"a=crypto:2 " CRYPTO_A128 " UNENCRYPTED_SRTP\r\n",
		       302, "no acceptable security for RTP/SAVP: none of the offer's 2 a=crypto "
			    "lines is usable (first: a=crypto tag 1: unknown crypto suite)");
	answer_refused(&b, HEAD "m=audio 5000 RTP/SAVP 0\r\na=crypto:7 " CRYPTO_A256 "\r\n", 302,
		       "no acceptable security for RTP/SAVP: none of the offered crypto suites "
		       "is enabled here");
	answer_refused(&b, HEAD "m=audio 5000 RTP/SAVP 0\r\n", 302,
		       "no acceptable security for RTP/SAVP: the offer has no a=crypto or "
		       "a=fingerprint");
}

/* A line we cannot use is one candidate less, never the whole offer
 * (RFC 4568 7.1.2): each bad line here sits before a good one, which is
 * answered; alone, the offer is refused with the line's reason. */
static void skipped_line(const char *line, const char *why_want)
{
	struct mbl_sdp_local b;
	struct mbl_sdp_remote r;
	struct mbl_sdp_result res;
	char sdp[1024], buf[2048], why[256] = "", err[160] = "", want[256];

	local_b(&b, MBL_SDP_ENC_SDES, MBL_SDP_POLICY_REQUIRED, false);
	snprintf(sdp, sizeof(sdp), HEAD "m=audio 5000 RTP/SAVP 0\r\n%s\r\na=crypto:9 %s\r\n",
		 line, CRYPTO_A128);
	assert_int_equal(tparse(sdp, &r, err, sizeof(err)), 0);
	assert_int_equal(r.n_crypto, 1);
	assert_int_equal(r.n_crypto_skipped, 1);
	assert_string_equal(r.crypto_skip_why, why_want);
	assert_true(key_free(r.crypto_skip_why));
	assert_true(mbl_sdp_answer(&b, &r, &res, buf, sizeof(buf), why, sizeof(why)) > 0);
	assert_int_equal(res.crypto_tag, 9);
	snprintf(sdp, sizeof(sdp), HEAD "m=audio 5000 RTP/SAVP 0\r\n%s\r\n", line);
	snprintf(want, sizeof(want), "no acceptable security for RTP/SAVP: none of the offer's 1 "
		 "a=crypto lines is usable (first: %s)", why_want);
	answer_refused(&b, sdp, 302, want);
	explicit_bzero(&r, sizeof(r));
}

static void test_crypto_parse_errors(void **state)
{
	(void)state;
	parse_refused(HEAD "m=audio 5000 RTP/SAVP 0\r\na=crypto:1 " CRYPTO_A128 "\r\n"
			   "a=crypto:1 " CRYPTO_A256 "\r\n",
		      "duplicate a=crypto tag 1");
	/* A duplicate among lines we would skip is still one. */
	parse_refused(HEAD "m=audio 5000 RTP/SAVP 0\r\na=crypto:3 F8_128_HMAC_SHA1_80 inline:x\r\n"
			   "a=crypto:3 " CRYPTO_A128 "\r\n",
		      "duplicate a=crypto tag 3");
	skipped_line("a=crypto:1 AES_CM_128_HMAC_SHA1_80 "
		     "inline:AQIDBAUGBwgJCgsMDQ4PECAhIiMkJSYnKCkqKyw!",
		     "a=crypto tag 1: key||salt is not valid base64");
	skipped_line("a=crypto:4 AES_256_CM_HMAC_SHA1_80 inline:" KEY_A128_B64,
		     "a=crypto tag 4: key||salt is 30 bytes, AES_256_CM_HMAC_SHA1_80 needs 46");
	skipped_line("a=crypto:1 " CRYPTO_A128 "|2^60",
		     "a=crypto tag 1: bad key lifetime: want 2^1..2^48");
	skipped_line("a=crypto:" CRYPTO_A128, "a=crypto without a valid tag (want 1 to 9 digits)");
	skipped_line("a=crypto:1234567890 " CRYPTO_A128,
		     "a=crypto without a valid tag (want 1 to 9 digits)");
	skipped_line("a=crypto:2 " CRYPTO_A128 " UNENCRYPTED_SRTP",
		     "a=crypto tag 2: session parameters are not supported");
	skipped_line("a=crypto:5 F8_128_HMAC_SHA1_80 inline:" KEY_A128_B64,
		     "a=crypto tag 5: unknown crypto suite");
}

/* rtpengine 10.5's default SDES offer: every suite it knows, keys in
 * base64 without padding (a 38-character inline: for AEAD_AES_128_GCM's
 * 28 bytes). Answered with its first line; the unpadded GCM key decodes. */
static void test_rtpengine_offer(void **state)
{
	static const char offer[] =
		HEAD "m=audio 30000 RTP/SAVP 0\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A128_B64 "\r\n"
		"a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:" KEY_A128_B64 "\r\n"
		"a=crypto:3 AES_192_CM_HMAC_SHA1_80 "
		"inline:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSY\r\n"
		"a=crypto:4 AEAD_AES_128_GCM inline:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHA\r\n"
		"a=crypto:5 AEAD_AES_256_GCM "
		"inline:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKyw\r\n"
		"a=crypto:6 F8_128_HMAC_SHA1_80 inline:" KEY_A128_B64 "\r\n"
		"a=crypto:7 NULL_HMAC_SHA1_80 inline:" KEY_A128_B64 "\r\n";
	struct mbl_sdp_local b;
	struct mbl_sdp_remote r;
	struct mbl_sdp_result res;
	char buf[2048], why[256] = "", err[160] = "";
	unsigned i;

	(void)state;
	local_b(&b, MBL_SDP_ENC_SDES, MBL_SDP_POLICY_REQUIRED, false);
	assert_int_equal(tparse(offer, &r, err, sizeof(err)), 0);
	/* F8 is a suite we do not do: skipped, not fatal */
	assert_int_equal(r.n_crypto, 6);
	assert_int_equal(r.n_crypto_skipped, 1);
	assert_string_equal(r.crypto_skip_why, "a=crypto tag 6: unknown crypto suite");
	for (i = 0; i < 5; i++)
		assert_int_equal(r.crypto[i].tag, (int)i + 1);
	assert_int_equal(r.crypto[3].key.salt[11], 28); /* the unpadded GCM key */
	assert_int_equal(r.crypto[4].key.salt[11], 44);
	assert_true(mbl_sdp_answer(&b, &r, &res, buf, sizeof(buf), why, sizeof(why)) > 0);
	assert_int_equal(res.status, 0);
	assert_int_equal(res.crypto_tag, 1);
	explicit_bzero(&r, sizeof(r));
	explicit_bzero(buf, sizeof(buf));
}

static void test_setup_roles(void **state)
{
	static const struct {
		const char *line;
		const char *answer;
		enum mbl_sdp_setup role;
	} cases[] = {
		{"a=setup:actpass\r\n", "a=setup:active", MBL_SDP_SETUP_ACTIVE},
		{"a=setup:passive\r\n", "a=setup:active", MBL_SDP_SETUP_ACTIVE},
		{"a=setup:active\r\n", "a=setup:passive", MBL_SDP_SETUP_PASSIVE},
		{"", "a=setup:passive", MBL_SDP_SETUP_PASSIVE}, /* RFC 4145 4.1 default */
	};
	struct mbl_sdp_local b;
	struct mbl_sdp_remote r;
	struct mbl_sdp_result res;
	char sdp[512], buf[2048], why[256] = "", err[160] = "";
	unsigned i;

	(void)state;
	local_b(&b, MBL_SDP_ENC_DTLS, MBL_SDP_POLICY_REQUIRED, false);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(sdp, sizeof(sdp), HEAD "m=audio 5000 UDP/TLS/RTP/SAVP 0\r\n"
			 "a=fingerprint:sha-256 " FP_A "\r\n%s", cases[i].line);
		assert_int_equal(tparse(sdp, &r, err, sizeof(err)), 0);
		assert_true(mbl_sdp_answer(&b, &r, &res, buf, sizeof(buf), why, sizeof(why)) > 0);
		assert_true(has_line(buf, cases[i].answer));
		assert_int_equal(res.dtls_role, cases[i].role);
	}
	answer_refused(&b, HEAD "m=audio 5000 UDP/TLS/RTP/SAVP 0\r\na=fingerprint:sha-256 " FP_A
				"\r\na=setup:holdconn\r\n",
		       306, "a=setup:holdconn: the offer holds the DTLS connection");
}

static void test_codec_and_stream(void **state)
{
	struct mbl_sdp_local b;

	(void)state;
	local_b(&b, MBL_SDP_ENC_NONE, MBL_SDP_POLICY_OPTIONAL, false);
	answer_refused(&b, HEAD "m=audio 5000 RTP/AVP 18 3 101\r\na=rtpmap:101 telephone-event/8000\r\n",
		       305, "no common codec: the offer has G729/8000 GSM/8000, we have PCMA/8000 "
			    "PCMU/8000 OPUS/48000/2");
	answer_refused(&b, HEAD "m=audio 5000 RTP/AVP 96\r\n", 305,
		       "no common codec: the offer has none we know, we have PCMA/8000 PCMU/8000 "
		       "OPUS/48000/2");
	/* Same name, other clock or channels: not the same codec. */
	answer_refused(&b, HEAD "m=audio 5000 RTP/AVP 97\r\na=rtpmap:97 opus/48000/1\r\n", 305,
		       "no common codec: the offer has opus/48000, we have PCMA/8000 PCMU/8000 "
		       "OPUS/48000/2");
	answer_refused(&b, HEAD "m=audio 0 RTP/AVP 0\r\n", 304,
		       "the offer disables the audio stream (port 0)");
	/* Peer text in a reason is made safe for a quoted Warning header. */
	answer_refused(&b, HEAD "m=audio 5000 RTP/\"AVP 0\r\n", 302,
		       "unsupported audio profile RTP/?AVP");
}

/* ---- hold (RFC 3264 8.4) ------------------------------------------------------------- */

static void test_hold_directions(void **state)
{
	static const struct {
		enum mbl_sdp_dir offerer, answerer_local, answer, offerer_res;
	} cases[] = {
		{MBL_SDP_DIR_SENDONLY, MBL_SDP_DIR_SENDRECV, MBL_SDP_DIR_RECVONLY, MBL_SDP_DIR_SENDONLY},
		{MBL_SDP_DIR_INACTIVE, MBL_SDP_DIR_SENDRECV, MBL_SDP_DIR_INACTIVE, MBL_SDP_DIR_INACTIVE},
		{MBL_SDP_DIR_RECVONLY, MBL_SDP_DIR_SENDRECV, MBL_SDP_DIR_SENDONLY, MBL_SDP_DIR_RECVONLY},
		{MBL_SDP_DIR_SENDRECV, MBL_SDP_DIR_SENDONLY, MBL_SDP_DIR_SENDONLY, MBL_SDP_DIR_RECVONLY},
		{MBL_SDP_DIR_SENDONLY, MBL_SDP_DIR_SENDONLY, MBL_SDP_DIR_INACTIVE, MBL_SDP_DIR_INACTIVE},
		{MBL_SDP_DIR_SENDRECV, MBL_SDP_DIR_SENDRECV, MBL_SDP_DIR_SENDRECV, MBL_SDP_DIR_SENDRECV},
	};
	struct mbl_sdp_local a, b;
	struct mbl_sdp_remote r;
	struct mbl_sdp_result ra, rb;
	char buf[2048], line[32], why[256] = "", err[160] = "";
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		local_a(&a, MBL_SDP_ENC_SDES, MBL_SDP_POLICY_REQUIRED, false, true);
		local_b(&b, MBL_SDP_ENC_SDES, MBL_SDP_POLICY_REQUIRED, false);
		a.dir = cases[i].offerer;
		b.dir = cases[i].answerer_local;
		assert_true(mbl_sdp_offer(&a, buf, sizeof(buf)) > 0);
		assert_int_equal(tparse(buf, &r, err, sizeof(err)), 0);
		assert_true(mbl_sdp_answer(&b, &r, &rb, buf, sizeof(buf), why, sizeof(why)) > 0);
		snprintf(line, sizeof(line), "a=%s", mbl_sdp_dir_name(cases[i].answer));
		assert_true(has_line(buf, line));
		assert_int_equal(rb.dir, cases[i].answer);
		assert_int_equal(tparse(buf, &r, err, sizeof(err)), 0);
		assert_int_equal(mbl_sdp_accept_answer(&a, &r, &ra, why, sizeof(why)), 0);
		assert_int_equal(ra.dir, cases[i].offerer_res);
	}
}

/* ---- the offerer ---------------------------------------------------------------------- */

#define ANS_SAVP HEAD "m=audio 5000 RTP/SAVP 0\r\n"
#define ANS_DTLS HEAD "m=audio 5000 UDP/TLS/RTP/SAVP 0\r\na=fingerprint:sha-256 " FP_B "\r\n"

static void test_answer_checks(void **state)
{
	struct mbl_sdp_local a;

	(void)state;
	local_a(&a, MBL_SDP_ENC_DUAL, MBL_SDP_POLICY_REQUIRED, false, false);
	answer_rejected(&a, HEAD "m=audio 0 UDP/TLS/RTP/SAVP 0\r\n", 304,
			"the answer rejected the audio stream (port 0)");
	answer_rejected(&a, ANS_SAVP "a=crypto:1 " CRYPTO_A256 "\r\na=crypto:2 " CRYPTO_A128 "\r\n",
			306, "the answer must carry exactly one usable a=crypto (has 2 usable, 0 not)");
	answer_rejected(&a, ANS_SAVP "a=crypto:1 " CRYPTO_A128 "\r\n", 306,
			"a=crypto tag 1: the answer has AES_CM_128_HMAC_SHA1_80, we offered "
			"AES_256_CM_HMAC_SHA1_80");
	answer_rejected(&a, ANS_SAVP "a=crypto:3 " CRYPTO_A128 "\r\n", 306,
			"the answer's a=crypto tag 3 is not one we offered (1..2)");
	answer_rejected(&a, ANS_SAVP "a=crypto:2 F8_128_HMAC_SHA1_80 inline:x\r\n", 306,
			"the answer must carry exactly one usable a=crypto (has 0 usable, 1 not: "
			"a=crypto tag 2: unknown crypto suite)");
	answer_rejected(&a, ANS_DTLS "a=setup:actpass\r\n", 306,
			"a=setup:actpass in the answer (RFC 5763 5: want active or passive)");
	answer_rejected(&a, ANS_DTLS "a=setup:holdconn\r\n", 306,
			"a=setup:holdconn in the answer (RFC 5763 5: want active or passive)");
	answer_rejected(&a, ANS_DTLS "a=crypto:2 " CRYPTO_A128 "\r\n", 306,
			"the answer carries both a=crypto and a=fingerprint; it must pick one");
	answer_rejected(&a, HEAD "m=audio 5000 UDP/TLS/RTP/SAVP 0\r\na=crypto:2 " CRYPTO_A128 "\r\n",
			302, "profile UDP/TLS/RTP/SAVP with a=crypto but no a=fingerprint");
	answer_rejected(&a, HEAD "m=audio 5000 RTP/AVP 0\r\na=fingerprint:sha-256 " FP_B "\r\n", 302,
			"a=fingerprint with the plain profile RTP/AVP");
	answer_rejected(&a, HEAD "m=audio 5000 UDP/TLS/RTP/SAVP 0\r\n", 302,
			"the answer's profile UDP/TLS/RTP/SAVP carries no a=crypto or a=fingerprint");
	answer_rejected(&a, HEAD "m=audio 5000 RTP/AVP 0\r\n", 302,
			"the answer is plain RTP (RTP/AVP) but encryption is required");
	answer_rejected(&a, ANS_DTLS "a=rtcp-mux\r\n", 306,
			"the answer has a=rtcp-mux, which we did not offer");
	answer_rejected(&a, HEAD "m=audio 5000 UDP/TLS/RTP/SAVPF 0\r\na=fingerprint:sha-256 " FP_B
				 "\r\n",
			302, "the answer's profile UDP/TLS/RTP/SAVPF does not match the offered "
			     "UDP/TLS/RTP/SAVP");
}

static void test_answer_checks_by_mode(void **state)
{
	struct mbl_sdp_local a;

	(void)state;
	local_a(&a, MBL_SDP_ENC_SDES, MBL_SDP_POLICY_REQUIRED, false, false);
	answer_rejected(&a, ANS_DTLS "a=setup:active\r\n", 302,
			"the answer uses DTLS-SRTP, which we did not offer");
	local_a(&a, MBL_SDP_ENC_DTLS, MBL_SDP_POLICY_REQUIRED, false, false);
	answer_rejected(&a, ANS_SAVP "a=crypto:1 " CRYPTO_A256 "\r\n", 302,
			"the answer uses SDES (a=crypto), which we did not offer");
	local_a(&a, MBL_SDP_ENC_NONE, MBL_SDP_POLICY_OPTIONAL, false, false);
	answer_rejected(&a, ANS_SAVP "a=crypto:1 " CRYPTO_A256 "\r\n", 302,
			"the answer uses SDES (a=crypto), which we did not offer");
	answer_rejected(&a, HEAD "m=audio 5000 RTP/SAVP 0\r\n", 302,
			"the answer's profile RTP/SAVP carries no a=crypto or a=fingerprint");
	answer_rejected(&a, HEAD "m=audio 5000 RTP/AVP 18\r\n", 305,
			"the answer has none of the offered codecs");
	answer_rejected(&a, HEAD "m=audio 5000 RTP/AVP 111\r\na=rtpmap:111 opus/48000/1\r\n", 305,
			"the answer has none of the offered codecs");
}

static void test_plain_answer_policies(void **state)
{
	static const char plain[] = HEAD "m=audio 5000 RTP/AVP 0\r\n";
	struct mbl_sdp_local a;
	struct mbl_sdp_remote r;
	struct mbl_sdp_result res;
	char why[256] = "x", err[160] = "";
	unsigned e;

	(void)state;
	assert_int_equal(tparse(plain, &r, err, sizeof(err)), 0);
	for (e = MBL_SDP_ENC_SDES; e < MBL_SDP_ENC_MAX; e++) {
		local_a(&a, e, MBL_SDP_POLICY_REQUIRED, false, false);
		answer_rejected(&a, plain, 302,
				"the answer is plain RTP (RTP/AVP) but encryption is required");
		a.policy = MBL_SDP_POLICY_OPTIONAL;
		assert_int_equal(mbl_sdp_accept_answer(&a, &r, &res, why, sizeof(why)), 0);
		assert_string_equal(why, "");
		assert_int_equal(res.chosen, MBL_SDP_ENC_NONE);
		assert_true(res.fell_back);
		assert_string_equal(res.profile, "RTP/AVP");
		assert_int_equal(res.status, 0);
		a.policy = MBL_SDP_POLICY_OFF;
		assert_int_equal(mbl_sdp_accept_answer(&a, &r, &res, why, sizeof(why)), 0);
		assert_false(res.fell_back);
	}
}

/* ---- config and buffers ------------------------------------------------------------------ */

static void bad_config(struct mbl_sdp_local *l, const char *why_want)
{
	struct mbl_sdp_remote r;
	struct mbl_sdp_result res;
	char buf[2048] = "x", why[256] = "";

	assert_int_equal(mbl_sdp_local_check(l, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, why_want);
	assert_int_equal(mbl_sdp_offer(l, buf, sizeof(buf)), -EINVAL);
	assert_string_equal(buf, "");
	memset(&r, 0, sizeof(r));
	assert_int_equal(mbl_sdp_accept_answer(l, &r, &res, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, why_want);
	assert_int_equal(res.status, 0);
}

static void test_local_config(void **state)
{
	struct mbl_sdp_local l;

	(void)state;
#define RESET() local_a(&l, MBL_SDP_ENC_DUAL, MBL_SDP_POLICY_REQUIRED, true, true)
	RESET();
	assert_int_equal(mbl_sdp_local_check(&l, NULL, 0), 0);
	l.enc = MBL_SDP_ENC_MAX;
	bad_config(&l, "local SDP config: mode, policy or direction out of range");
	RESET();
	l.enc = MBL_SDP_ENC_NONE;
	bad_config(&l, "local SDP config: policy required needs mode sdes, dtls or dual");
	RESET();
	l.port = 0;
	bad_config(&l, "local SDP config: media port 0");
	RESET();
	snprintf(l.addr, sizeof(l.addr), "media.example");
	bad_config(&l, "local SDP config: media address is not IPv4 or IPv6 text");
	RESET();
	snprintf(l.user, sizeof(l.user), "a b");
	bad_config(&l, "local SDP config: o= user must have no blanks");
	RESET();
	l.n_codecs = 0;
	bad_config(&l, "local SDP config: want 1 to 8 codecs");
	RESET();
	l.codecs[1].clock = 0;
	bad_config(&l, "local SDP config: a codec needs a name and a clock rate");
	RESET();
	l.codecs[2].pt = 111;
	bad_config(&l, "local SDP config: codec payload types must be distinct, 0..127");
	RESET();
	snprintf(l.codecs[0].fmtp, sizeof(l.codecs[0].fmtp), "a=1\r\na=crypto:1 x");
	bad_config(&l, "local SDP config: codec fmtp is not one line");
	RESET();
	l.dtmf_pt = 0;
	bad_config(&l, "local SDP config: dtmf_pt must be -1 or a free payload type 0..127");
	RESET();
	l.n_crypto = 0;
	bad_config(&l, "local SDP config: sdes and dual need 1 to 8 SRTP keys");
	RESET();
	l.crypto[1].suite = l.crypto[0].suite;
	bad_config(&l, "local SDP config: one SRTP key per suite");
	RESET();
	l.fingerprint[5] = 'x';
	bad_config(&l, "local SDP config: dtls and dual need our sha-256 fingerprint 'AB:CD:..'");
	RESET();
	l.ptime = 1001;
	bad_config(&l, "local SDP config: ptime above 1000 ms");
}

static void test_short_buffers(void **state)
{
	struct mbl_sdp_local a, b;
	struct mbl_sdp_remote r;
	struct mbl_sdp_result res;
	char buf[2048], small[300], why[256] = "", err[160] = "";
	int n;
	size_t i;

	(void)state;
	local_a(&a, MBL_SDP_ENC_SDES, MBL_SDP_POLICY_REQUIRED, false, false);
	n = mbl_sdp_offer(&a, buf, sizeof(buf));
	assert_true(n > (int)sizeof(small));
	assert_int_equal(mbl_sdp_offer(&a, buf, (size_t)n + 1), n); /* exactly enough */
	assert_int_equal(mbl_sdp_offer(&a, buf, (size_t)n), -ENOSPC);
	for (i = 0; i < (size_t)n; i++) /* wiped: it held the keys */
		assert_int_equal(buf[i], 0);
	assert_int_equal(mbl_sdp_offer(&a, buf, 0), -ENOSPC);
	assert_true(mbl_sdp_offer(&a, buf, sizeof(buf)) > 0);
	assert_int_equal(tparse(buf, &r, err, sizeof(err)), 0);
	local_b(&b, MBL_SDP_ENC_SDES, MBL_SDP_POLICY_REQUIRED, false);
	assert_int_equal(mbl_sdp_answer(&b, &r, &res, small, 230, why, sizeof(why)), -ENOSPC);
	for (i = 0; i < 230; i++)
		assert_int_equal(small[i], 0);
	assert_int_equal(res.tx_key.key[0], 0);
	explicit_bzero(&r, sizeof(r));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policies),
		cmocka_unit_test(test_crypto_suites),
		cmocka_unit_test(test_rtpengine_offer),
		cmocka_unit_test(test_crypto_parse_errors),
		cmocka_unit_test(test_setup_roles),
		cmocka_unit_test(test_codec_and_stream),
		cmocka_unit_test(test_hold_directions),
		cmocka_unit_test(test_answer_checks),
		cmocka_unit_test(test_answer_checks_by_mode),
		cmocka_unit_test(test_plain_answer_policies),
		cmocka_unit_test(test_local_config),
		cmocka_unit_test(test_short_buffers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
