/* SPDX-License-Identifier: BSD-3-Clause
 * ICE, BUNDLE and mid in SDP (sdp_ice.c): a WebRTC gateway's offer (the
 * shape rtpengine with ICE=force and browsers write: trickle option, TCP,
 * component 2 and mDNS candidates beside a usable UDP host one, BUNDLE,
 * rtcp-mux-only) read and answered; our own offers as a full and as a lite
 * agent, read back; answers with and without ICE accepted; credentials
 * outside RFC 8839's grammar refused. */
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

#define GW_OFFER                                                                       \
	"v=0\r\no=- 1545997027 1 IN IP4 198.18.5.2\r\ns=tester\r\nt=0 0\r\n"           \
	"a=group:BUNDLE 0\r\na=ice-options:trickle\r\n"                                \
	"m=audio 30000 UDP/TLS/RTP/SAVPF 0\r\nc=IN IP4 198.18.5.2\r\n"                 \
	"a=mid:0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\na=rtcp-mux\r\n"              \
	"a=rtcp-mux-only\r\na=setup:actpass\r\na=fingerprint:sha-256 " FP_A "\r\n"     \
	"a=ice-ufrag:Hj3kQ7mZ\r\na=ice-pwd:a7Ty8pQw2Zx9Lm3Nb5Vc1Kd4\r\n"               \
	"a=candidate:Ts8AbM9pQ 1 UDP 2130706431 198.18.5.2 30000 typ host\r\n"         \
	"a=candidate:Ts8AbM9pQ 2 UDP 2130706430 198.18.5.2 30001 typ host\r\n"         \
	"a=candidate:Kx1 1 TCP 1518280447 198.18.5.2 9 typ host tcptype active\r\n"    \
	"a=candidate:3c 1 udp 2122260223 5e2b5f4d-1d2b.local 54400 typ host\r\n"       \
	"a=candidate:Rr9 1 udp 1686052607 198.18.5.9 40000 typ srflx raddr "           \
	"198.18.5.2 rport 30000\r\n"                                                   \
	"a=end-of-candidates\r\n"

static void local_ice(struct mbl_sdp_local *l, enum mbl_sdp_ice mode)
{
	local_b(l, MBL_SDP_ENC_DTLS, MBL_SDP_POLICY_REQUIRED, true);
	l->ice = mode;
	snprintf(l->ice_ufrag, sizeof(l->ice_ufrag), "mblU1234");
	snprintf(l->ice_pwd, sizeof(l->ice_pwd), "mblPwd+0123456789abcdef/");
	l->ice_priority = 2130706431u;
}

static void test_gateway_offer(void **state)
{
	struct mbl_sdp_remote r;
	char err[160] = "";

	(void)state;
	assert_int_equal(tparse(GW_OFFER, &r, err, sizeof(err)), 0);
	assert_true(r.ice.present);
	assert_false(r.ice.lite);
	assert_true(r.ice.trickle);
	assert_true(r.ice.end_of_candidates);
	assert_string_equal(r.ice.ufrag, "Hj3kQ7mZ");
	assert_string_equal(r.ice.pwd, "a7Ty8pQw2Zx9Lm3Nb5Vc1Kd4");
	/* UDP host and srflx on component 1; RTCP's, TCP and mDNS skipped */
	assert_int_equal(r.ice.n_cand, 2);
	assert_int_equal(r.ice.n_cand_skipped, 3);
	assert_string_equal(r.ice.cand[0].foundation, "Ts8AbM9pQ");
	assert_int_equal(r.ice.cand[0].priority, 2130706431u);
	assert_string_equal(r.ice.cand[0].addr, "198.18.5.2");
	assert_int_equal(r.ice.cand[0].port, 30000);
	assert_int_equal(r.ice.cand[0].type, MBL_SDP_CAND_HOST);
	assert_int_equal(r.ice.cand[1].type, MBL_SDP_CAND_SRFLX);
	assert_int_equal(r.ice.cand[1].port, 40000);
	assert_string_equal(r.mid, "0");
	assert_true(r.bundle);
	assert_true(r.rtcp_mux_only);
	assert_true(r.rtcp_mux);
}

/* Answered by a full agent without rtcp-mux of its own: mux anyway (the
 * offer is mux-only), mid and group echoed, our ICE lines, no ice-lite. */
static void test_answer_gateway(void **state)
{
	struct mbl_sdp_local b;
	struct mbl_sdp_remote r;
	struct mbl_sdp_result res;
	char buf[4096], why[256] = "", err[160] = "";

	(void)state;
	local_ice(&b, MBL_SDP_ICE_FULL);
	b.rtcp_mux = false;
	assert_int_equal(tparse(GW_OFFER, &r, err, sizeof(err)), 0);
	assert_true(mbl_sdp_answer(&b, &r, &res, buf, sizeof(buf), why, sizeof(why)) > 0);
	assert_true(res.ice);
	assert_false(res.ice_peer_lite);
	assert_true(res.rtcp_mux);
	assert_string_equal(res.mid, "0");
	assert_true(res.bundle);
	assert_true(has_line(buf, "a=group:BUNDLE 0"));
	assert_true(has_line(buf, "a=mid:0"));
	assert_true(has_line(buf, "a=ice-ufrag:mblU1234"));
	assert_true(has_line(buf, "a=ice-pwd:mblPwd+0123456789abcdef/"));
	assert_true(has_line(buf, "a=candidate:1 1 UDP 2130706431 198.18.0.2 6000 typ host"));
	assert_true(has_line(buf, "a=end-of-candidates"));
	assert_true(has_line(buf, "a=rtcp-mux"));
	assert_true(has_line(buf, "a=setup:active"));
	assert_int_equal(count_prefix(buf, "a=ice-lite"), 0);
	/* session attributes come before the m= line (RFC 4566 5) */
	assert_true(strstr(buf, "a=group:BUNDLE 0") < strstr(buf, "m=audio"));
}

/* An offer without ICE is answered without it, whatever our mode. */
static void test_answer_plain_offer(void **state)
{
	struct mbl_sdp_local b;
	struct mbl_sdp_remote r;
	struct mbl_sdp_result res;
	char buf[4096], why[256] = "", err[160] = "";

	(void)state;
	local_ice(&b, MBL_SDP_ICE_LITE);
	assert_int_equal(tparse("v=0\r\no=- 1 1 IN IP4 198.18.5.2\r\ns=-\r\nc=IN IP4 198.18.5.2\r\n"
				"t=0 0\r\nm=audio 30000 UDP/TLS/RTP/SAVPF 0\r\na=setup:actpass\r\n"
				"a=fingerprint:sha-256 " FP_A "\r\n",
				&r, err, sizeof(err)),
			 0);
	assert_false(r.ice.present);
	assert_true(mbl_sdp_answer(&b, &r, &res, buf, sizeof(buf), why, sizeof(why)) > 0);
	assert_false(res.ice);
	assert_int_equal(count_prefix(buf, "a=ice-"), 0);
	assert_int_equal(count_prefix(buf, "a=candidate"), 0);
	assert_int_equal(count_prefix(buf, "a=mid"), 0);
}

/* Our offer as a lite agent with BUNDLE, read back by our own parser; the
 * answers we accept with and without ICE. */
static void test_offer_lite_and_answers(void **state)
{
	struct mbl_sdp_local a;
	struct mbl_sdp_remote r;
	struct mbl_sdp_result res;
	char buf[4096], why[256] = "", err[160] = "";

	(void)state;
	local_ice(&a, MBL_SDP_ICE_LITE);
	a.bundle = true;
	assert_true(mbl_sdp_offer(&a, buf, sizeof(buf)) > 0);
	assert_true(has_line(buf, "a=ice-lite"));
	assert_true(strstr(buf, "a=ice-lite") < strstr(buf, "m=audio"));
	assert_true(has_line(buf, "a=group:BUNDLE 0"));
	assert_true(has_line(buf, "a=mid:0"));
	assert_int_equal(tparse(buf, &r, err, sizeof(err)), 0);
	assert_true(r.ice.present && r.ice.lite && r.bundle);
	assert_int_equal(r.ice.n_cand, 1);
	assert_string_equal(r.ice.cand[0].addr, "198.18.0.2");
	assert_int_equal(r.ice.cand[0].port, 6000);

	/* a full gateway's answer: ICE on, the peer is not lite */
	assert_int_equal(tparse("v=0\r\no=- 2 2 IN IP4 198.18.5.2\r\ns=-\r\nt=0 0\r\n"
				"a=group:BUNDLE 0\r\nm=audio 30000 UDP/TLS/RTP/SAVPF 8\r\n"
				"c=IN IP4 198.18.5.2\r\na=mid:0\r\na=rtpmap:8 PCMA/8000\r\n"
				"a=rtcp-mux\r\na=setup:active\r\na=fingerprint:sha-256 " FP_A "\r\n"
				"a=ice-ufrag:Gw12\r\na=ice-pwd:0123456789012345678901\r\n"
				"a=candidate:1 1 UDP 2130706431 198.18.5.2 30000 typ host\r\n",
				&r, err, sizeof(err)),
			 0);
	assert_int_equal(mbl_sdp_accept_answer(&a, &r, &res, why, sizeof(why)), 0);
	assert_true(res.ice);
	assert_false(res.ice_peer_lite);
	assert_string_equal(res.mid, "0");
	assert_true(res.bundle);
	/* the same answer without ICE: the call goes on without it */
	assert_int_equal(tparse("v=0\r\no=- 2 2 IN IP4 198.18.5.2\r\ns=-\r\nt=0 0\r\n"
				"m=audio 30000 UDP/TLS/RTP/SAVPF 8\r\nc=IN IP4 198.18.5.2\r\n"
				"a=rtpmap:8 PCMA/8000\r\na=rtcp-mux\r\na=setup:active\r\n"
				"a=fingerprint:sha-256 " FP_A "\r\n",
				&r, err, sizeof(err)),
			 0);
	assert_int_equal(mbl_sdp_accept_answer(&a, &r, &res, why, sizeof(why)), 0);
	assert_false(res.ice);
	assert_false(res.bundle);
}

static void refused(const char *media_lines, const char *want)
{
	char sdp[1024], err[160] = "";
	struct mbl_sdp_remote r;

	snprintf(sdp, sizeof(sdp), "v=0\r\no=- 1 1 IN IP4 198.18.5.2\r\ns=-\r\n"
		 "c=IN IP4 198.18.5.2\r\nt=0 0\r\nm=audio 30000 RTP/AVP 0\r\n%s", media_lines);
	assert_int_equal(tparse(sdp, &r, err, sizeof(err)), -EPROTO);
	assert_string_equal(err, want);
}

static void test_bad_credentials(void **state)
{
	(void)state;
	refused("a=ice-ufrag:abc\r\na=ice-pwd:0123456789012345678901\r\n",
		"bad a=ice-ufrag (RFC 8839 5.4: 4 to 256 ice-chars)");
	refused("a=ice-ufrag:ab-cd\r\na=ice-pwd:0123456789012345678901\r\n",
		"bad a=ice-ufrag (RFC 8839 5.4: 4 to 256 ice-chars)");
	refused("a=ice-ufrag:abcd\r\na=ice-pwd:short\r\n",
		"bad a=ice-pwd (RFC 8839 5.4: 22 to 256 ice-chars)");
	refused("a=ice-ufrag:abcd\r\n", "a=ice-ufrag and a=ice-pwd come together (RFC 8839 5.4)");
	refused("a=mid:a b\r\n", "bad a=mid (one token of at most 32 characters)");
}

/* Our own config: ICE needs credentials in RFC 8839's alphabet. */
static void test_local_check(void **state)
{
	struct mbl_sdp_local l;
	char why[160] = "", buf[4096];

	(void)state;
	local_ice(&l, MBL_SDP_ICE_FULL);
	assert_int_equal(mbl_sdp_local_check(&l, why, sizeof(why)), 0);
	snprintf(l.ice_pwd, sizeof(l.ice_pwd), "too-short");
	assert_int_equal(mbl_sdp_local_check(&l, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "ICE needs a ufrag"));
	assert_int_equal(mbl_sdp_offer(&l, buf, sizeof(buf)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gateway_offer),
		cmocka_unit_test(test_answer_gateway),
		cmocka_unit_test(test_answer_plain_offer),
		cmocka_unit_test(test_offer_lite_and_answers),
		cmocka_unit_test(test_bad_credentials),
		cmocka_unit_test(test_local_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
