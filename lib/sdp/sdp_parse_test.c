/* SPDX-License-Identifier: BSD-3-Clause
 * Parsing details of each attribute and of the body: other m= lines
 * rejected with port 0; session-level defaults; IPv6; a=rtcp; static and
 * dynamic payload types and the fmtp cut; fingerprint hashes, setup and
 * rtcp-fb values; line ends and malformed bodies; unknown profiles;
 * re-offer versions; the name helpers. Real peers: sdp_peers_test.c.
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

#include "mbl_sdp.h"
#include "sdp_test_util.h"

#define FP_PEER_LC                                                             \
	"4a:ad:b9:b1:3f:82:18:3b:54:02:12:df:3e:5d:49:6b:19:e5:7c:ab:3c:2a:5f:8c:" \
	"9b:42:5e:0a:32:1c:7d:e0"
#define FP_PEER_UC                                                             \
	"4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:3C:2A:5F:8C:" \
	"9B:42:5E:0A:32:1C:7D:E0"

/* ---- structure ------------------------------------------------------------------------ */

static void test_other_media_rejected(void **state)
{
	static const char sdp[] = "v=0\r\n"
				  "o=- 1 1 IN IP4 198.18.10.5\r\n"
				  "s=-\r\n"
				  "c=IN IP4 198.18.10.5\r\n"
				  "t=0 0\r\n"
				  "m=video 5002 RTP/AVP 97 98\r\n"
				  "a=rtpmap:97 H264/90000\r\n"
				  "m=audio 5000 RTP/AVP 0\r\n"
				  "m=audio 5004 RTP/AVP 8\r\n"
				  "m=application 5006 UDP/BFCP *\r\n";
	struct mbl_sdp_local lb;
	struct mbl_sdp_remote r;
	struct mbl_sdp_result res;
	char buf[2048], why[200] = "", err[128] = "";

	(void)state;
	assert_int_equal(tparse(sdp, &r, err, sizeof(err)), 0);
	assert_int_equal(r.n_media, 4);
	assert_int_equal(r.audio_idx, 1);
	assert_int_equal(r.port, 5000);
	local_b(&lb, MBL_SDP_ENC_NONE, MBL_SDP_POLICY_OPTIONAL, false);
	assert_true(mbl_sdp_answer(&lb, &r, &res, buf, sizeof(buf), why, sizeof(why)) > 0);
	assert_non_null(strstr(buf, "t=0 0\r\nm=video 0 RTP/AVP 97\r\nm=audio 6000 RTP/AVP 0\r\n"));
	assert_non_null(strstr(buf, "a=sendrecv\r\nm=audio 0 RTP/AVP 8\r\n"
				    "m=application 0 UDP/BFCP *\r\n"));
	assert_int_equal(count_prefix(buf, "m="), 4);
	assert_false(res.fell_back); /* mode none: nothing to fall back from */
}

static void test_session_level_defaults(void **state)
{
	static const char sess[] = "v=0\r\n"
				   "o=- 1 1 IN IP4 198.18.10.5\r\n"
				   "s=-\r\n"
				   "c=IN IP4 198.18.10.5\r\n"
				   "t=0 0\r\n"
				   "a=sendonly\r\n"
				   "a=setup:passive\r\n"
				   "a=fingerprint:SHA-256 " FP_PEER_LC "\r\n"
				   "m=audio 5000 UDP/TLS/RTP/SAVP 0\r\n";
	static const char media[] = "v=0\r\n"
				    "o=- 1 1 IN IP4 198.18.10.5\r\n"
				    "s=-\r\n"
				    "c=IN IP4 198.18.10.5\r\n"
				    "t=0 0\r\n"
				    "a=sendonly\r\n"
				    "a=setup:passive\r\n"
				    "a=fingerprint:md5 00:11\r\n"
				    "m=audio 5000 UDP/TLS/RTP/SAVP 0\r\n"
				    "a=inactive\r\n"
				    "a=setup:active\r\n"
				    "a=fingerprint:sha-1 11:f6:ad:8e:c5:2a:29:84:ab:aa:fd:7c:3b:51:65:"
				    "03:78:5c:20:72\r\n";
	struct mbl_sdp_remote r;
	char err[128] = "";

	(void)state;
	assert_int_equal(tparse(sess, &r, err, sizeof(err)), 0);
	assert_int_equal(r.dir, MBL_SDP_DIR_SENDONLY);
	assert_int_equal(r.setup, MBL_SDP_SETUP_PASSIVE);
	assert_string_equal(r.fp_alg, "sha-256");
	assert_string_equal(r.fingerprint, FP_PEER_UC);
	/* The media level wins, and the session's md5 line is never judged. */
	assert_int_equal(tparse(media, &r, err, sizeof(err)), 0);
	assert_int_equal(r.dir, MBL_SDP_DIR_INACTIVE);
	assert_int_equal(r.setup, MBL_SDP_SETUP_ACTIVE);
	assert_string_equal(r.fp_alg, "sha-1");
	assert_string_equal(r.fingerprint,
			    "11:F6:AD:8E:C5:2A:29:84:AB:AA:FD:7C:3B:51:65:03:78:5C:20:72");
}

static void test_ipv6(void **state)
{
	struct mbl_sdp_local la, lb;
	struct mbl_sdp_remote r;
	struct mbl_sdp_result ra, rb;
	char buf[2048], why[200] = "", err[128] = "";

	(void)state;
	local_a(&la, MBL_SDP_ENC_NONE, MBL_SDP_POLICY_OPTIONAL, false, false);
	snprintf(la.addr, sizeof(la.addr), "2001:db8::10");
	assert_true(mbl_sdp_offer(&la, buf, sizeof(buf)) > 0);
	assert_true(has_line(buf, "o=mbl-a 1001 1 IN IP6 2001:db8::10"));
	assert_true(has_line(buf, "c=IN IP6 2001:db8::10"));
	assert_int_equal(tparse(buf, &r, err, sizeof(err)), 0);
	assert_int_equal(r.family, 6);
	assert_string_equal(r.addr, "2001:db8::10");
	local_b(&lb, MBL_SDP_ENC_NONE, MBL_SDP_POLICY_OPTIONAL, false);
	snprintf(lb.addr, sizeof(lb.addr), "2001:db8:0:1::20");
	assert_true(mbl_sdp_answer(&lb, &r, &rb, buf, sizeof(buf), why, sizeof(why)) > 0);
	assert_string_equal(rb.addr, "2001:db8::10");
	assert_int_equal(rb.family, 6);
	assert_true(has_line(buf, "c=IN IP6 2001:db8:0:1::20"));
	assert_int_equal(tparse(buf, &r, err, sizeof(err)), 0);
	assert_int_equal(mbl_sdp_accept_answer(&la, &r, &ra, why, sizeof(why)), 0);
	assert_string_equal(ra.addr, "2001:db8:0:1::20");
	assert_int_equal(ra.family, 6);
}

#define MINI_HEAD "v=0\r\no=- 1 1 IN IP4 198.18.10.5\r\ns=-\r\n"
/* One DTLS audio stream followed by the attribute lines given. */
#define FP_SDP(lines)                                                          \
	MINI_HEAD "c=IN IP4 198.18.0.9\r\nt=0 0\r\nm=audio 5000 UDP/TLS/RTP/SAVP 0\r\n" lines

static void expect_error(const char *sdp, int rc, const char *err_want)
{
	struct mbl_sdp_remote r;
	char err[160] = "";

	assert_int_equal(mbl_sdp_parse(sdp, sdp != NULL ? strlen(sdp) : 0, &r, err, sizeof(err)), rc);
	assert_string_equal(err, err_want);
	assert_int_equal(r.n_media, 0); /* nothing half-filled */
	assert_int_equal(r.dtmf_pt, -1);
}

static void test_bad_connection(void **state)
{
	(void)state;
	expect_error(MINI_HEAD "t=0 0\r\nm=audio 5000 RTP/AVP 0\r\n", -EINVAL,
		     "no c= line for the audio stream");
	expect_error(MINI_HEAD "c=IN IP4 2001:db8::1\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n",
		     -EINVAL, "bad c= line (want IN IP4 <IPv4> or IN IP6 <IPv6>)");
	expect_error(MINI_HEAD "c=IN IP6 198.18.0.1\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n",
		     -EINVAL, "bad c= line (want IN IP4 <IPv4> or IN IP6 <IPv6>)");
	expect_error(MINI_HEAD "c=IN IP4 198.18.0.256\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n",
		     -EINVAL, "bad c= line (want IN IP4 <IPv4> or IN IP6 <IPv6>)");
	expect_error(MINI_HEAD "c=ATM NSAP 47.0091\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n",
		     -EINVAL, "bad c= line (want IN IP4 <IPv4> or IN IP6 <IPv6>)");
}

/* A rejected stream (an answer's port 0) needs no c= line. */
static void test_port0_without_c(void **state)
{
	struct mbl_sdp_remote r;
	char err[128] = "";

	(void)state;
	assert_int_equal(tparse(MINI_HEAD "t=0 0\r\nm=audio 0 RTP/AVP 0\r\n", &r, err, sizeof(err)),
			 0);
	assert_int_equal(r.port, 0);
	assert_int_equal(r.rtcp_port, 0);
	assert_string_equal(r.addr, "");
}

static void test_rtcp_attr(void **state)
{
	struct mbl_sdp_local lb;
	struct mbl_sdp_remote r;
	struct mbl_sdp_result res;
	char buf[2048], why[200] = "", err[128] = "";

	(void)state;
	local_b(&lb, MBL_SDP_ENC_NONE, MBL_SDP_POLICY_OPTIONAL, false);
	assert_int_equal(tparse(MINI_HEAD "c=IN IP4 198.18.0.9\r\nt=0 0\r\n"
					  "m=audio 5000 RTP/AVP 0\r\na=rtcp:5007 IN IP4 198.18.0.9\r\n",
				&r, err, sizeof(err)),
			 0);
	assert_int_equal(r.rtcp_port, 5007);
	assert_true(mbl_sdp_answer(&lb, &r, &res, buf, sizeof(buf), why, sizeof(why)) > 0);
	assert_int_equal(res.rtcp_port, 5007);
	/* Muxed on both sides: RTCP goes to the RTP port whatever a=rtcp says. */
	assert_int_equal(tparse(MINI_HEAD "c=IN IP4 198.18.0.9\r\nt=0 0\r\n"
					  "m=audio 5000 RTP/AVP 0\r\na=rtcp:5007\r\na=rtcp-mux\r\n",
				&r, err, sizeof(err)),
			 0);
	assert_true(mbl_sdp_answer(&lb, &r, &res, buf, sizeof(buf), why, sizeof(why)) > 0);
	assert_true(res.rtcp_mux);
	assert_int_equal(res.rtcp_port, 5000);
	/* Not muxed, no a=rtcp: the next port. */
	lb.rtcp_mux = false;
	assert_true(mbl_sdp_answer(&lb, &r, &res, buf, sizeof(buf), why, sizeof(why)) > 0);
	assert_false(has_line(buf, "a=rtcp-mux"));
	assert_int_equal(res.rtcp_port, 5007);
	expect_error(MINI_HEAD "c=IN IP4 198.18.0.9\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n"
			       "a=rtcp:0\r\n",
		     -EINVAL, "bad a=rtcp (want a port 1..65535)");
	expect_error(MINI_HEAD "c=IN IP4 198.18.0.9\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n"
			       "a=rtcp:70000\r\n",
		     -EINVAL, "bad a=rtcp (want a port 1..65535)");
}

static void test_payload_types(void **state)
{
	static const char sdp[] =
		MINI_HEAD "c=IN IP4 198.18.0.9\r\nt=0 0\r\n"
		"m=audio 5000 RTP/AVP 0 8 9 18 13 96 97 98\r\n"
		"a=fmtp:98 mode=20;a-rather-long-parameter-name=1;another-quite-long-parameter-name=2\r\n"
		"a=rtpmap:97 telephone-event/8000\r\n"
		"a=rtpmap:98 iLBC/8000\r\n"
		"a=rtpmap:9 G722/16000\r\n"
		"a=rtpmap:99 speex/16000\r\n"
		"a=fmtp:18 annexb=no\r\n";
	struct mbl_sdp_remote r;
	char err[128] = "";

	(void)state;
	assert_int_equal(tparse(sdp, &r, err, sizeof(err)), 0);
	assert_int_equal(r.n_codecs, 6);
	assert_string_equal(r.codecs[0].name, "PCMU");
	assert_string_equal(r.codecs[1].name, "PCMA");
	assert_string_equal(r.codecs[2].name, "G722");
	assert_int_equal(r.codecs[2].clock, 8000); /* RFC 3551 4.5.2 */
	assert_string_equal(r.codecs[3].name, "G729");
	assert_string_equal(r.codecs[3].fmtp, "annexb=no");
	assert_string_equal(r.codecs[4].name, "CN");
	assert_string_equal(r.codecs[5].name, "iLBC");
	/* Cut at the last whole parameter that fits in 63 characters. */
	assert_string_equal(r.codecs[5].fmtp, "mode=20;a-rather-long-parameter-name=1");
	assert_int_equal(r.n_codecs_unknown, 1); /* 96 has no a=rtpmap */
	assert_int_equal(r.dtmf_pt, 97);
}

static void test_fingerprints(void **state)
{
	static const char *const good[][3] = {
		{"sha-1", "11:f6:ad:8e:c5:2a:29:84:ab:aa:fd:7c:3b:51:65:03:78:5c:20:72", "sha-1"},
		{"SHA-256", FP_PEER_LC, "sha-256"},
		{"sha-224", "0a:1b:2c:3d:4e:5f:60:71:82:93:a4:b5:c6:d7:e8:f9:00:11:22:33:44:55:66:"
			    "77:88:99:aa:bb", "sha-224"},
		{"sha-384", "d7:52:c2:c5:1f:ba:0e:29:aa:19:05:70:a9:d4:25:3e:44:07:7a:05:8d:32:97:"
			    "fa:3a:56:30:d5:bd:01:26:22:f9:7c:28:ac:ae:d3:13:b5:c8:3b:b9:90:ca:a7:"
			    "da:85", "sha-384"},
		{"sha-512", "A4:AB:D4:44:8C:49:56:2D:82:81:15:D1:3A:1F:CC:EA:92:7F:52:B4:D5:45:92:"
			    "97:F8:B4:3E:42:DA:89:23:8B:C1:36:26:E4:3D:CB:38:DD:B0:82:48:89:27:EC:"
			    "90:4F:B4:20:57:44:39:83:E8:85:85:17:9D:50:55:1A:FE:62", "sha-512"},
	};
	struct mbl_sdp_remote r;
	char sdp[1024], err[160] = "";
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(sdp, sizeof(sdp), MINI_HEAD "c=IN IP4 198.18.0.9\r\nt=0 0\r\n"
			 "m=audio 5000 UDP/TLS/RTP/SAVP 0\r\na=fingerprint:%s %s\r\n", good[i][0],
			 good[i][1]);
		assert_int_equal(tparse(sdp, &r, err, sizeof(err)), 0);
		assert_string_equal(r.fp_alg, good[i][2]);
		assert_int_equal(strlen(r.fingerprint), strlen(good[i][1]));
		assert_int_equal(strcasecmp(r.fingerprint, good[i][1]), 0);
		assert_null(strpbrk(r.fingerprint, "abcdef")); /* upper case */
	}
	expect_error(FP_SDP("a=fingerprint:md5 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF\r\n"),
		     -EPROTO, "a=fingerprint hash 'md5' is not accepted (sha-1, sha-224, sha-256, "
			      "sha-384, sha-512)");
	expect_error(FP_SDP("a=fingerprint:sha-224 00:11\r\n"), -EPROTO,
		     "a=fingerprint sha-224: want 28 colon-separated hex bytes");
	expect_error(FP_SDP("a=fingerprint:sha-1 " FP_PEER_LC "\r\n"), -EPROTO,
		     "a=fingerprint sha-1: want 20 colon-separated hex bytes");
	expect_error(FP_SDP("a=fingerprint:sha-256 ZZ" FP_PEER_LC "\r\n"), -EPROTO,
		     "a=fingerprint sha-256: want 32 colon-separated hex bytes");
	expect_error(FP_SDP("a=fingerprint:sha-256 4aadb9b13f82183b540212df3e5d496b19e57cab3c2a5f8c"
			    "9b425e0a321c7de0\r\n"),
		     -EPROTO, "a=fingerprint sha-256: want 32 colon-separated hex bytes");
	expect_error(FP_SDP("a=fingerprint:sha-256\r\n"), -EPROTO,
		     "a=fingerprint: want '<hash> <hex>'");
	/* md5 next to sha-256: the one we accept is used. */
	assert_int_equal(tparse(FP_SDP("a=fingerprint:md5 00:11\r\na=fingerprint:sha-256 " FP_PEER_LC
				       "\r\n"),
				&r, err, sizeof(err)),
			 0);
	assert_string_equal(r.fingerprint, FP_PEER_UC);
}

static void test_setup_and_feedback_values(void **state)
{
	static const char *const names[] = {"actpass", "ACTIVE", "passive", "holdconn"};
	struct mbl_sdp_remote r;
	char sdp[512], err[160] = "";
	unsigned i;

	(void)state;
	for (i = 0; i < 4; i++) {
		snprintf(sdp, sizeof(sdp), FP_SDP("a=setup:%s\r\n"), names[i]);
		assert_int_equal(tparse(sdp, &r, err, sizeof(err)), 0);
		assert_int_equal(r.setup, MBL_SDP_SETUP_ACTPASS + i);
	}
	expect_error(FP_SDP("a=setup:both\r\n"), -EPROTO,
		     "bad a=setup (want actpass, active, passive or holdconn)");
	assert_int_equal(tparse(FP_SDP("a=rtcp-fb:* nack\r\n"), &r, err, sizeof(err)), 0);
	assert_int_equal(r.rtcp_fb, MBL_SDP_FB_NACK);
	assert_int_equal(tparse(FP_SDP("a=rtcp-fb:0 nack pli\r\na=rtcp-fb:0 ccm fir\r\n"
				       "a=rtcp-fb:0 goog-remb\r\na=rtcp-fb:0\r\n"),
				&r, err, sizeof(err)),
			 0);
	assert_int_equal(r.rtcp_fb, MBL_SDP_FB_PLI | MBL_SDP_FB_FIR | MBL_SDP_FB_OTHER);
}

static void test_body_forms(void **state)
{
	static const char lf[] = "v=0\no=- 5 6 IN IP4 198.18.0.9\ns=-\nc=IN IP4 198.18.0.9\n"
				 "t=0 0\nm=audio 5000 RTP/AVP 8\na=ptime:40";
	struct mbl_sdp_remote r;
	char err[160] = "", *big;

	(void)state;
	/* LF line ends, no final line end. */
	assert_int_equal(tparse(lf, &r, err, sizeof(err)), 0);
	assert_int_equal(r.ptime, 40);
	assert_int_equal(r.sess_id, 5);
	/* Not NUL-terminated: only len bytes count (the ptime line is cut off). */
	assert_int_equal(mbl_sdp_parse(lf, strlen(lf) - 11, &r, err, sizeof(err)), 0);
	assert_int_equal(r.ptime, 0);
	assert_int_equal(mbl_sdp_parse(lf, sizeof(lf), &r, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "NUL byte in the SDP body");
	big = calloc(1, MBL_SDP_MAX_BODY + 2);
	assert_non_null(big);
	assert_int_equal(mbl_sdp_parse(big, MBL_SDP_MAX_BODY + 1, &r, err, sizeof(err)),
			 -EMSGSIZE);
	free(big);
	expect_error("INVITE sip:a@b SIP/2.0\r\n", -EINVAL,
		     "not SDP osip2 can read (line types and order, t= line)");
	expect_error(MINI_HEAD "c=IN IP4 198.18.0.9\r\nt=0 0\r\nm=video 5000 RTP/AVP 96\r\n",
		     -EPROTO, "no audio m= line");
	expect_error(MINI_HEAD "c=IN IP4 198.18.0.9\r\nt=0 0\r\nm=audio 70000 RTP/AVP 0\r\n",
		     -EINVAL, "bad port in the audio m= line");
	expect_error(MINI_HEAD "c=IN IP4 198.18.0.9\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0 200\r\n",
		     -EINVAL, "bad payload type in the audio m= line");
	expect_error("v=0\r\no=- x 1 IN IP4 198.18.10.5\r\ns=-\r\nc=IN IP4 198.18.0.9\r\nt=0 0\r\n"
		     "m=audio 5000 RTP/AVP 0\r\n",
		     -EINVAL, "bad o= line (session id and version must be numbers)");
	expect_error(MINI_HEAD "c=IN IP4 198.18.0.9\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n"
			       "a=ptime:0\r\n",
		     -EINVAL, "bad a=ptime (want 1..1000 ms)");
	expect_error(MINI_HEAD "c=IN IP4 198.18.0.9\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n"
			       "a=rtpmap:0 PCMU\r\n",
		     -EINVAL, "bad a=rtpmap (want '<pt> <name>/<clock>[/<channels>]')");
	expect_error(MINI_HEAD "c=IN IP4 198.18.0.9\r\nt=0 0\r\nm=audio 1 RTP/AVP 0\r\n"
			       "m=audio 2 RTP/AVP 0\r\nm=audio 3 RTP/AVP 0\r\nm=audio 4 RTP/AVP 0\r\n"
			       "m=audio 5 RTP/AVP 0\r\nm=audio 6 RTP/AVP 0\r\nm=audio 7 RTP/AVP 0\r\n"
			       "m=audio 8 RTP/AVP 0\r\nm=audio 9 RTP/AVP 0\r\n",
		     -EPROTO, "9 m= lines, at most 8");
	expect_error(NULL, -EINVAL, "no SDP body");
}

static void test_unknown_profile(void **state)
{
	struct mbl_sdp_local lb;
	struct mbl_sdp_remote r;
	struct mbl_sdp_result res;
	char buf[1024], why[200] = "", err[128] = "";

	(void)state;
	assert_int_equal(tparse(MINI_HEAD "c=IN IP4 198.18.0.9\r\nt=0 0\r\n"
					  "m=audio 5000 RTP/AVP/TCP 0\r\n",
				&r, err, sizeof(err)),
			 0);
	assert_false(r.proto_known);
	local_b(&lb, MBL_SDP_ENC_NONE, MBL_SDP_POLICY_OPTIONAL, false);
	assert_int_equal(mbl_sdp_answer(&lb, &r, &res, buf, sizeof(buf), why, sizeof(why)),
			 -EPROTO);
	assert_int_equal(res.status, 488);
	assert_int_equal(res.warn_code, 302);
	assert_string_equal(why, "unsupported audio profile RTP/AVP/TCP");
}

static void test_reoffer_version(void **state)
{
	struct mbl_sdp_local la;
	struct mbl_sdp_remote r;
	char buf[2048], err[128] = "";

	(void)state;
	local_a(&la, MBL_SDP_ENC_NONE, MBL_SDP_POLICY_OPTIONAL, false, false);
	la.sess_id = UINT64_C(18446744073709551615);
	la.sess_ver = 1;
	assert_true(mbl_sdp_offer(&la, buf, sizeof(buf)) > 0);
	assert_true(has_line(buf, "o=mbl-a 18446744073709551615 1 IN IP4 198.18.0.1"));
	assert_int_equal(tparse(buf, &r, err, sizeof(err)), 0);
	assert_int_equal(r.sess_ver, 1);
	la.sess_ver++; /* re-offer (hold) */
	la.dir = MBL_SDP_DIR_SENDONLY;
	la.user[0] = '\0';
	assert_true(mbl_sdp_offer(&la, buf, sizeof(buf)) > 0);
	assert_true(has_line(buf, "o=- 18446744073709551615 2 IN IP4 198.18.0.1"));
	assert_true(has_line(buf, "a=sendonly"));
	assert_int_equal(tparse(buf, &r, err, sizeof(err)), 0);
	assert_int_equal(r.sess_id, UINT64_C(18446744073709551615));
	assert_int_equal(r.sess_ver, 2);
	assert_int_equal(r.dir, MBL_SDP_DIR_SENDONLY);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(mbl_sdp_enc_name(MBL_SDP_ENC_DUAL), "dual");
	assert_string_equal(mbl_sdp_enc_name(MBL_SDP_ENC_MAX), "?");
	assert_string_equal(mbl_sdp_policy_name(MBL_SDP_POLICY_OPTIONAL), "optional");
	assert_string_equal(mbl_sdp_setup_name(MBL_SDP_SETUP_HOLDCONN), "holdconn");
	assert_string_equal(mbl_sdp_dir_name(MBL_SDP_DIR_RECVONLY), "recvonly");
	assert_int_equal(mbl_sdp_enc_parse("SDES"), MBL_SDP_ENC_SDES);
	assert_int_equal(mbl_sdp_enc_parse("none"), MBL_SDP_ENC_NONE);
	assert_int_equal(mbl_sdp_enc_parse("zrtp"), -EINVAL);
	assert_int_equal(mbl_sdp_enc_parse(""), -EINVAL);
	assert_int_equal(mbl_sdp_enc_parse(NULL), -EINVAL);
	assert_int_equal(mbl_sdp_policy_parse("off"), MBL_SDP_POLICY_OFF);
	assert_int_equal(mbl_sdp_policy_parse("Required"), MBL_SDP_POLICY_REQUIRED);
	assert_int_equal(mbl_sdp_policy_parse("maybe"), -EINVAL);
	assert_string_equal(mbl_sdp_profile(MBL_SDP_ENC_NONE, false), "RTP/AVP");
	assert_string_equal(mbl_sdp_profile(MBL_SDP_ENC_NONE, true), "RTP/AVPF");
	assert_string_equal(mbl_sdp_profile(MBL_SDP_ENC_SDES, false), "RTP/SAVP");
	assert_string_equal(mbl_sdp_profile(MBL_SDP_ENC_SDES, true), "RTP/SAVPF");
	assert_string_equal(mbl_sdp_profile(MBL_SDP_ENC_DTLS, false), "UDP/TLS/RTP/SAVP");
	assert_string_equal(mbl_sdp_profile(MBL_SDP_ENC_DTLS, true), "UDP/TLS/RTP/SAVPF");
	assert_string_equal(mbl_sdp_profile(MBL_SDP_ENC_DUAL, true), "UDP/TLS/RTP/SAVPF");
	assert_null(mbl_sdp_profile(MBL_SDP_ENC_MAX, false));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_other_media_rejected),
		cmocka_unit_test(test_session_level_defaults),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_bad_connection),
		cmocka_unit_test(test_port0_without_c),
		cmocka_unit_test(test_rtcp_attr),
		cmocka_unit_test(test_payload_types),
		cmocka_unit_test(test_fingerprints),
		cmocka_unit_test(test_setup_and_feedback_values),
		cmocka_unit_test(test_body_forms),
		cmocka_unit_test(test_unknown_profile),
		cmocka_unit_test(test_reoffer_version),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
