/* SPDX-License-Identifier: BSD-3-Clause
 * SDP from real peers, written by hand in the style each one produces:
 * baresip offers (mediaenc dtls_srtp, srtp-mand, and best-effort srtp
 * which puts a=crypto in RTP/AVP) answered by us, and rtpengine's SDES
 * offer (a dozen suites, F8 and NULL among them, a=rtcp, session and media
 * c=) and its DTLS (ICE, rtcp-fb, passive) and SDES (lifetime, MKI)
 * answers accepted by us.
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

#define FP_PEER_LC                                                             \
	"4a:ad:b9:b1:3f:82:18:3b:54:02:12:df:3e:5d:49:6b:19:e5:7c:ab:3c:2a:5f:8c:" \
	"9b:42:5e:0a:32:1c:7d:e0"
#define FP_PEER_UC                                                             \
	"4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:3C:2A:5F:8C:" \
	"9B:42:5E:0A:32:1C:7D:E0"
#define KEY_BAR1 "uLm6u7y9vr/AwcLDxMXGx8jJysvMzc7P0NHS09TV" /* 0xb8.. */
#define KEY_BAR2 "ycrLzM3Oz9DR0tPU1dbX2Nna29zd3t/g4eLj5OXm" /* 0xc9.. */

/* ---- baresip ---------------------------------------------------------------------- */

#define BARESIP_HEAD                                                           \
	"v=0\r\n"                                                              \
	"o=- 2890844526 2890844527 IN IP4 198.18.10.5\r\n"                     \
	"s=-\r\n"                                                              \
	"c=IN IP4 198.18.10.5\r\n"                                             \
	"t=0 0\r\n"                                                            \
	"a=tool:baresip 3.10.1\r\n"

#define BARESIP_CODECS                                                         \
	"b=AS:96\r\n"                                                          \
	"a=rtpmap:96 opus/48000/2\r\n"                                         \
	"a=fmtp:96 stereo=1;sprop-stereo=1\r\n"                                \
	"a=rtpmap:9 G722/8000\r\n"                                             \
	"a=rtpmap:0 PCMU/8000\r\n"                                             \
	"a=rtpmap:8 PCMA/8000\r\n"                                             \
	"a=rtpmap:101 telephone-event/8000\r\n"                                \
	"a=fmtp:101 0-15\r\n"                                                  \
	"a=rtcp-rsize\r\n"                                                     \
	"a=sendrecv\r\n"                                                       \
	"a=label:1\r\n"                                                        \
	"a=ssrc:2891044115 cname:a5c8f9e4-0d1e-4f39-9a7c-2cfd1e2b7a10\r\n"      \
	"a=ptime:20\r\n"

static void check_baresip_codecs(const struct mbl_sdp_remote *r)
{
	assert_int_equal(r->n_codecs, 4);
	assert_string_equal(r->codecs[0].name, "opus");
	assert_int_equal(r->codecs[0].pt, 96);
	assert_int_equal(r->codecs[0].clock, 48000);
	assert_int_equal(r->codecs[0].channels, 2);
	assert_string_equal(r->codecs[0].fmtp, "stereo=1;sprop-stereo=1");
	assert_string_equal(r->codecs[1].name, "G722");
	assert_int_equal(r->codecs[1].clock, 8000);
	assert_int_equal(r->codecs[2].pt, 0);
	assert_int_equal(r->codecs[3].pt, 8);
	assert_int_equal(r->dtmf_pt, 101);
	assert_int_equal(r->dtmf_clock, 8000);
	assert_int_equal(r->ptime, 20);
	assert_int_equal(r->n_codecs_unknown, 0);
}

static void test_baresip_dtls_offer(void **state)
{
	static const char sdp[] = BARESIP_HEAD
		"m=audio 10004 UDP/TLS/RTP/SAVP 96 9 0 8 101\r\n" BARESIP_CODECS
		"a=rtcp-mux\r\n"
		"a=setup:actpass\r\n"
		"a=fingerprint:sha-256 " FP_PEER_LC "\r\n";
	struct mbl_sdp_local lb;
	struct mbl_sdp_remote r;
	struct mbl_sdp_result res;
	char buf[2048], why[200] = "", err[128] = "";

	(void)state;
	assert_int_equal(tparse(sdp, &r, err, sizeof(err)), 0);
	assert_int_equal(r.sess_id, 2890844526u);
	assert_int_equal(r.sess_ver, 2890844527u);
	assert_string_equal(r.proto, "UDP/TLS/RTP/SAVP");
	assert_true(r.proto_known && r.secure_proto && !r.avpf);
	assert_int_equal(r.enc, MBL_SDP_ENC_DTLS);
	assert_string_equal(r.addr, "198.18.10.5");
	assert_int_equal(r.family, 4);
	assert_int_equal(r.port, 10004);
	assert_true(r.rtcp_mux);
	assert_int_equal(r.rtcp_port, 10005);
	check_baresip_codecs(&r);
	assert_int_equal(r.setup, MBL_SDP_SETUP_ACTPASS);
	assert_string_equal(r.fp_alg, "sha-256");
	assert_string_equal(r.fingerprint, FP_PEER_UC);
	assert_int_equal(r.dir, MBL_SDP_DIR_SENDRECV);
	assert_int_equal(r.n_media, 1);

	local_b(&lb, MBL_SDP_ENC_DUAL, MBL_SDP_POLICY_REQUIRED, false);
	assert_true(mbl_sdp_answer(&lb, &r, &res, buf, sizeof(buf), why, sizeof(why)) > 0);
	assert_true(has_line(buf, "m=audio 6000 UDP/TLS/RTP/SAVP 96 101"));
	assert_true(has_line(buf, "a=rtpmap:96 opus/48000/2"));
	assert_true(has_line(buf, "a=setup:active"));
	assert_true(has_line(buf, "a=rtcp-mux"));
	assert_int_equal(res.chosen, MBL_SDP_ENC_DTLS);
	assert_int_equal(res.dtls_role, MBL_SDP_SETUP_ACTIVE);
	assert_string_equal(res.fingerprint, FP_PEER_UC);
	assert_int_equal(res.rtcp_port, 10004);
}

static void test_baresip_srtp_mand_offer(void **state)
{
	static const char sdp[] = BARESIP_HEAD
		"m=audio 10004 RTP/SAVP 96 9 0 8 101\r\n" BARESIP_CODECS
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_BAR1 "\r\n"
		"a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:" KEY_BAR2 "\r\n";
	struct mbl_sdp_local lb;
	struct mbl_sdp_remote r;
	struct mbl_sdp_result res;
	char buf[2048], why[200] = "", err[128] = "";

	(void)state;
	assert_int_equal(tparse(sdp, &r, err, sizeof(err)), 0);
	assert_int_equal(r.enc, MBL_SDP_ENC_SDES);
	assert_false(r.rtcp_mux);
	assert_int_equal(r.n_crypto, 2);
	assert_int_equal(r.crypto[1].tag, 2);
	assert_int_equal(r.crypto[1].key.suite, MBL_SRTP_AES_CM_128_HMAC_SHA1_32);
	check_baresip_codecs(&r);

	local_b(&lb, MBL_SDP_ENC_SDES, MBL_SDP_POLICY_REQUIRED, false);
	assert_true(mbl_sdp_answer(&lb, &r, &res, buf, sizeof(buf), why, sizeof(why)) > 0);
	assert_true(has_line(buf, "m=audio 6000 RTP/SAVP 96 101"));
	assert_true(has_line(buf, "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_B128_B64));
	assert_false(has_line(buf, "a=rtcp-mux")); /* not offered */
	assert_int_equal(res.crypto_tag, 1);
	assert_int_equal(res.rx_key.key[0], 0xb8);
	assert_int_equal(res.rx_key.salt[13], 0xb8 + 29);
	assert_int_equal(res.tx_key.key[0], 0xa0);
	assert_false(res.rtcp_mux);
	assert_int_equal(res.rtcp_port, 10005);
	explicit_bzero(&res, sizeof(res));
	explicit_bzero(&r, sizeof(r));
}

/* baresip's mediaenc=srtp: RTP/AVP carrying a=crypto (best effort). */
static void test_baresip_best_effort_offer(void **state)
{
	static const char sdp[] = BARESIP_HEAD
		"m=audio 10004 RTP/AVP 96 9 0 8 101\r\n" BARESIP_CODECS
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_BAR1 "\r\n";
	struct mbl_sdp_local lb;
	struct mbl_sdp_remote r;
	struct mbl_sdp_result res;
	char buf[2048], why[200] = "", err[128] = "";

	(void)state;
	assert_int_equal(tparse(sdp, &r, err, sizeof(err)), 0);
	assert_false(r.secure_proto);
	assert_int_equal(r.enc, MBL_SDP_ENC_SDES);
	local_b(&lb, MBL_SDP_ENC_SDES, MBL_SDP_POLICY_REQUIRED, false);
	assert_true(mbl_sdp_answer(&lb, &r, &res, buf, sizeof(buf), why, sizeof(why)) > 0);
	assert_true(has_line(buf, "m=audio 6000 RTP/AVP 96 101"));
	assert_true(has_line(buf, "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_B128_B64));
	assert_int_equal(res.chosen, MBL_SDP_ENC_SDES);
	assert_string_equal(res.profile, "RTP/AVP");

	/* A DTLS-only answerer may fall back (optional) or must refuse. */
	local_b(&lb, MBL_SDP_ENC_DTLS, MBL_SDP_POLICY_OPTIONAL, false);
	assert_true(mbl_sdp_answer(&lb, &r, &res, buf, sizeof(buf), why, sizeof(why)) > 0);
	assert_int_equal(count_prefix(buf, "a=crypto:") + count_prefix(buf, "a=fingerprint:"), 0);
	assert_int_equal(res.chosen, MBL_SDP_ENC_NONE);
	assert_true(res.fell_back);
	lb.policy = MBL_SDP_POLICY_REQUIRED;
	assert_int_equal(mbl_sdp_answer(&lb, &r, &res, buf, sizeof(buf), why, sizeof(why)),
			 -EPROTO);
	assert_string_equal(why, "the offer is plain RTP (RTP/AVP) but encryption is required: "
				 "the offer does sdes, we do dtls");
	/* Policy off ignores the optional keys and answers plainly. */
	local_b(&lb, MBL_SDP_ENC_SDES, MBL_SDP_POLICY_OFF, false);
	assert_true(mbl_sdp_answer(&lb, &r, &res, buf, sizeof(buf), why, sizeof(why)) > 0);
	assert_int_equal(count_prefix(buf, "a=crypto:"), 0);
	assert_false(res.fell_back);
	explicit_bzero(&r, sizeof(r));
}

/* ---- rtpengine ---------------------------------------------------------------------- */

static void test_rtpengine_sdes_offer(void **state)
{
	static const char sdp[] =
		"v=0\r\n"
		"o=- 1545997027 2 IN IP4 198.18.20.1\r\n"
		"s=rtpengine\r\n"
		"c=IN IP4 198.18.9.9\r\n"
		"t=0 0\r\n"
		"m=audio 30000 RTP/SAVP 0 8 101\r\n"
		"c=IN IP4 198.18.20.1\r\n"
		"a=rtpmap:0 PCMU/8000\r\n"
		"a=rtpmap:8 PCMA/8000\r\n"
		"a=rtpmap:101 telephone-event/8000\r\n"
		"a=fmtp:101 0-16\r\n"
		"a=sendrecv\r\n"
		"a=rtcp:30001\r\n"
		"a=crypto:1 AEAD_AES_256_GCM inline:"
		"MTIzNDU2Nzg5Ojs8PT4/QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1w=\r\n"
		"a=crypto:2 AEAD_AES_128_GCM inline:UlNUVVZXWFlaW1xdXl9gYWJjZGVmZ2hpamtsbQ==\r\n"
		"a=crypto:3 AES_256_CM_HMAC_SHA1_80 inline:"
		"Y2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn+AgYKDhIWGh4iJiouMjY6PkA==\r\n"
		"a=crypto:4 AES_256_CM_HMAC_SHA1_32 inline:"
		"Y2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn+AgYKDhIWGh4iJiouMjY6PkA==\r\n"
		"a=crypto:5 AES_192_CM_HMAC_SHA1_80 inline:"
		"dHV2d3h5ent8fX5/gIGCg4SFhoeIiYqLjI2Oj5CRkpOUlZaXmJk=\r\n"
		"a=crypto:6 AES_192_CM_HMAC_SHA1_32 inline:"
		"dHV2d3h5ent8fX5/gIGCg4SFhoeIiYqLjI2Oj5CRkpOUlZaXmJk=\r\n"
		"a=crypto:7 AES_CM_128_HMAC_SHA1_80 inline:hYaHiImKi4yNjo+QkZKTlJWWl5iZmpucnZ6foKGi\r\n"
		"a=crypto:8 AES_CM_128_HMAC_SHA1_32 inline:hYaHiImKi4yNjo+QkZKTlJWWl5iZmpucnZ6foKGi\r\n"
		"a=crypto:9 F8_128_HMAC_SHA1_80 inline:p6ipqqusra6vsLGys7S1tre4ubq7vL2+v8DBwsPE\r\n"
		"a=crypto:10 F8_128_HMAC_SHA1_32 inline:p6ipqqusra6vsLGys7S1tre4ubq7vL2+v8DBwsPE\r\n"
		"a=crypto:11 NULL_HMAC_SHA1_80 inline:lpeYmZqbnJ2en6ChoqOkpaanqKmqq6ytrq+wsbKz\r\n"
		"a=crypto:12 NULL_HMAC_SHA1_32 inline:lpeYmZqbnJ2en6ChoqOkpaanqKmqq6ytrq+wsbKz\r\n"
		"a=ptime:20\r\n";
	struct mbl_sdp_local lb;
	struct mbl_sdp_remote r;
	struct mbl_sdp_result res;
	char buf[2048], why[200] = "", err[128] = "";

	(void)state;
	assert_int_equal(tparse(sdp, &r, err, sizeof(err)), 0);
	assert_string_equal(r.addr, "198.18.20.1"); /* media-level c= wins */
	assert_int_equal(r.rtcp_port, 30001);
	assert_int_equal(r.n_crypto, MBL_SDP_MAX_CRYPTO);
	assert_int_equal(r.n_crypto_skipped, 4); /* two F8 (unknown), two beyond the array */
	assert_int_equal(r.crypto[6].tag, 7);
	assert_int_equal(r.crypto[4].key.suite, MBL_SRTP_AES_192_CM_HMAC_SHA1_80);

	/* Our keys: AES_CM_128_HMAC_SHA1_80 and AEAD_AES_128_GCM; the offer
	 * lists GCM-128 first (tag 2). */
	local_b(&lb, MBL_SDP_ENC_SDES, MBL_SDP_POLICY_REQUIRED, false);
	assert_true(mbl_sdp_answer(&lb, &r, &res, buf, sizeof(buf), why, sizeof(why)) > 0);
	assert_true(has_line(buf, "m=audio 6000 RTP/SAVP 0 101"));
	assert_true(has_line(buf, "a=crypto:2 AEAD_AES_128_GCM inline:" KEY_BGCM_B64));
	assert_int_equal(count_prefix(buf, "a=crypto:"), 1);
	assert_int_equal(res.rx_key.suite, MBL_SRTP_AEAD_AES_128_GCM);
	assert_int_equal(res.rx_key.key[0], 0x52);
	assert_int_equal(res.rtcp_port, 30001); /* no rtcp-mux offered */
	assert_int_equal(res.ptime, 20);
	assert_string_equal(res.codec.name, "PCMU"); /* the offerer's order, not ours */
	explicit_bzero(&r, sizeof(r));
	explicit_bzero(&res, sizeof(res));
}

/* rtpengine's answer to our dual offer from its WebRTC side. */
static void test_rtpengine_dtls_answer(void **state)
{
	static const char sdp[] =
		"v=0\r\n"
		"o=- 1545997027 3 IN IP4 198.18.20.1\r\n"
		"s=rtpengine\r\n"
		"t=0 0\r\n"
		"a=ice-lite\r\n"
		"m=audio 30010 UDP/TLS/RTP/SAVPF 111 101\r\n"
		"c=IN IP4 198.18.20.1\r\n"
		"a=mid:0\r\n"
		"a=rtpmap:111 opus/48000/2\r\n"
		"a=fmtp:111 minptime=10;useinbandfec=1\r\n"
		"a=rtcp-fb:111 transport-cc\r\n"
		"a=rtcp-fb:111 nack\r\n"
		"a=rtpmap:101 telephone-event/8000\r\n"
		"a=fmtp:101 0-16\r\n"
		"a=sendrecv\r\n"
		"a=rtcp:30010\r\n"
		"a=rtcp-mux\r\n"
		"a=setup:passive\r\n"
		"a=fingerprint:sha-256 " FP_PEER_LC "\r\n"
		"a=ice-ufrag:Wb3kFQ7a\r\n"
		"a=ice-pwd:kM1lWmyUbx2yZaD0OjDjAnXhYp\r\n"
		"a=candidate:0cYt3S1xZ8mxg6Ni 1 UDP 2130706431 198.18.20.1 30010 typ host\r\n"
		"a=end-of-candidates\r\n";
	struct mbl_sdp_local la;
	struct mbl_sdp_remote r;
	struct mbl_sdp_result res;
	char why[200] = "", err[128] = "";

	(void)state;
	assert_int_equal(tparse(sdp, &r, err, sizeof(err)), 0);
	assert_int_equal(r.rtcp_fb, MBL_SDP_FB_NACK | MBL_SDP_FB_OTHER);
	local_a(&la, MBL_SDP_ENC_DUAL, MBL_SDP_POLICY_REQUIRED, true, true);
	assert_int_equal(mbl_sdp_accept_answer(&la, &r, &res, why, sizeof(why)), 0);
	assert_int_equal(res.chosen, MBL_SDP_ENC_DTLS);
	assert_int_equal(res.dtls_role, MBL_SDP_SETUP_ACTIVE); /* the answer is passive */
	assert_string_equal(res.fingerprint, FP_PEER_UC);
	assert_string_equal(res.profile, "UDP/TLS/RTP/SAVPF");
	assert_true(res.rtcp_mux);
	assert_int_equal(res.rtcp_port, 30010);
	assert_int_equal(res.rtcp_fb, MBL_SDP_FB_NACK);
	assert_int_equal(res.codec.pt, 111);
	assert_string_equal(res.codec.fmtp, "minptime=10;useinbandfec=1");
	assert_int_equal(res.dtmf_pt, 101);
	assert_int_equal(res.ptime, 20); /* none in the answer: ours */
}

/* rtpengine answering our SDES offer with lifetime and MKI. */
static void test_rtpengine_sdes_answer(void **state)
{
	static const char sdp[] =
		"v=0\r\n"
		"o=- 1545997027 4 IN IP4 198.18.20.1\r\n"
		"s=rtpengine\r\n"
		"c=IN IP4 198.18.20.1\r\n"
		"t=0 0\r\n"
		"m=audio 30020 RTP/SAVP 0\r\n"
		"a=rtpmap:0 PCMU/8000\r\n"
		"a=sendrecv\r\n"
		"a=rtcp:30021\r\n"
		"a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:" KEY_BAR1 "|2^31|1:4\r\n"
		"a=ptime:20\r\n";
	struct mbl_sdp_local la;
	struct mbl_sdp_remote r;
	struct mbl_sdp_result res;
	char why[200] = "", err[128] = "";

	(void)state;
	assert_int_equal(tparse(sdp, &r, err, sizeof(err)), 0);
	local_a(&la, MBL_SDP_ENC_SDES, MBL_SDP_POLICY_REQUIRED, false, false);
	assert_int_equal(mbl_sdp_accept_answer(&la, &r, &res, why, sizeof(why)), 0);
	assert_int_equal(res.chosen, MBL_SDP_ENC_SDES);
	assert_int_equal(res.crypto_tag, 2);
	assert_true(key_equal(&res.tx_key, &la.crypto[1]));
	assert_int_equal(res.rx_key.lifetime, UINT64_C(1) << 31);
	assert_int_equal(res.rx_key.mki, 1);
	assert_int_equal(res.rx_key.mki_len, 4);
	assert_int_equal(res.dtmf_pt, -1); /* not in the answer */
	assert_string_equal(res.codec.name, "PCMU");
	assert_int_equal(res.rtcp_port, 30021);
	explicit_bzero(&r, sizeof(r));
	explicit_bzero(&res, sizeof(res));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_baresip_dtls_offer),
		cmocka_unit_test(test_baresip_srtp_mand_offer),
		cmocka_unit_test(test_baresip_best_effort_offer),
		cmocka_unit_test(test_rtpengine_sdes_offer),
		cmocka_unit_test(test_rtpengine_dtls_answer),
		cmocka_unit_test(test_rtpengine_sdes_answer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
