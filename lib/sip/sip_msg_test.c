/* SPDX-License-Identifier: BSD-3-Clause
 * SIP message validation, check by check: each test feeds hand-written
 * messages and asserts the exact verdict (kind, status, reason phrase, extra
 * header line). The base messages are valid; each case breaks one thing.
 * Error responses are in sip_msg_reply_test.c, the RFC 4475 / 5118 corpus
 * and the benchmark in sip_msg_corpus_test.c.
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

#include "sip_msg.h"

/* ---- messages ----------------------------------------------------------------- */

#define RL(method) method " sip:bob@biloxi.example.com SIP/2.0\r\n"
#define H_VIA "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n"
#define H_MF "Max-Forwards: 70\r\n"
#define H_TO "To: Bob <sip:bob@biloxi.example.com>\r\n"
#define H_FROM "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
#define H_CID "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n"
#define H_CSEQ(method) "CSeq: 314159 " method "\r\n"
#define H_L0 "Content-Length: 0\r\n"
#define H_CONTACT "Contact: <sip:alice@192.0.2.10>\r\n"

/* An OPTIONS with extra header lines before Content-Length. */
#define OPTIONS_WITH(extra) RL("OPTIONS") H_VIA H_MF H_TO H_FROM H_CID H_CSEQ("OPTIONS") extra H_L0 "\r\n"

#define SDP                                                                    \
	"v=0\r\n"                                                              \
	"o=alice 2890844526 2890844526 IN IP4 192.0.2.10\r\n"                  \
	"s=-\r\n"                                                              \
	"c=IN IP4 192.0.2.10\r\n"                                              \
	"t=0 0\r\n"                                                            \
	"m=audio 49170 RTP/AVP 0\r\n"                                          \
	"a=rtpmap:0 PCMU/8000\r\n"
#define SDP_LEN "134"
#define MP_BODY "--xyz\r\nContent-Type: application/sdp\r\n\r\n" SDP "--xyz--\r\n"
#define MP_LEN "183"

/* An INVITE with an SDP body, extra header lines, and a Content-Type. */
#define INVITE_CT(extra, ct)                                                   \
	RL("INVITE") H_VIA H_MF H_TO H_FROM H_CID H_CSEQ("INVITE") H_CONTACT extra \
	"Content-Type: " ct "\r\nContent-Length: " SDP_LEN "\r\n\r\n" SDP
#define INVITE_WITH(extra) INVITE_CT(extra, "application/sdp")

/* ---- helpers -------------------------------------------------------------------- */

static void check_len(const char *msg, size_t len, bool stream, enum mbl_sip_verdict_kind kind,
		      int status, const char *reason, const char *hdr)
{
	struct mbl_sip_verdict v;
	osip_message_t *m = (osip_message_t *)&v; /* must be overwritten */

	assert_int_equal(mbl_sip_msg_parse(msg, len, stream, &m, &v), 0);
	if (v.kind != kind || v.status != status || strcmp(v.reason, reason) != 0)
		print_error("verdict %d %d \"%s\" for:\n%.*s\n", v.kind, v.status, v.reason,
			    (int)len, msg);
	assert_int_equal(v.kind, kind);
	assert_int_equal(v.status, status);
	assert_string_equal(v.reason, reason);
	assert_string_equal(v.hdr, hdr != NULL ? hdr : "");
	assert_string_equal(mbl_sip_msg_err_reason(v.err), reason);
	if (kind == MBL_SIP_ACCEPT)
		assert_non_null(m);
	if (kind == MBL_SIP_DROP)
		assert_null(m);
	if (m != NULL)
		osip_message_free(m);
}

#define OK_MSG(msg) check_len(msg, sizeof(msg) - 1, false, MBL_SIP_ACCEPT, 0, "OK", NULL)
#define BAD_MSG(msg, status, reason) \
	check_len(msg, sizeof(msg) - 1, false, MBL_SIP_REJECT, status, reason, NULL)
#define BAD_MSG_HDR(msg, status, reason, hdr) \
	check_len(msg, sizeof(msg) - 1, false, MBL_SIP_REJECT, status, reason, hdr)
#define DROP_MSG(msg, reason) check_len(msg, sizeof(msg) - 1, false, MBL_SIP_DROP, 0, reason, NULL)

/* Parse a valid message and hand it back (the caller frees it). */
static osip_message_t *parse_ok(const char *msg, size_t len)
{
	struct mbl_sip_verdict v;
	osip_message_t *m = NULL;

	assert_int_equal(mbl_sip_msg_parse(msg, len, false, &m, &v), 0);
	assert_int_equal(v.kind, MBL_SIP_ACCEPT);
	assert_non_null(m);
	return m;
}

/* ---- tests ----------------------------------------------------------------------- */

static void test_base_messages(void **state)
{
	(void)state;
	assert_int_equal(mbl_sip_msg_init(), 0);
	assert_int_equal(mbl_sip_msg_init(), 0); /* idempotent */
	assert_int_equal(strlen(SDP), atoi(SDP_LEN));
	assert_int_equal(strlen(MP_BODY), atoi(MP_LEN));
	OK_MSG(OPTIONS_WITH(""));
	OK_MSG(INVITE_WITH(""));
	OK_MSG("\r\n\r\n" OPTIONS_WITH("")); /* leading CRLFs: RFC 3261 7.5 */
	OK_MSG(RL("OPTIONS") H_VIA H_TO H_FROM H_CID H_CSEQ("OPTIONS") H_L0 "\r\n"); /* no Max-Forwards */
	OK_MSG(RL("OPTIONS") H_VIA "Max-Forwards: 0\r\n" H_TO H_FROM H_CID H_CSEQ("OPTIONS") "\r\n");
	OK_MSG(RL("OPTIONS") H_VIA "Max-Forwards: 0068\r\n" H_TO H_FROM H_CID H_CSEQ("OPTIONS") "\r\n");
	/* Every method we implement. */
	OK_MSG(RL("BYE") H_VIA H_TO H_FROM H_CID H_CSEQ("BYE") "\r\n");
	OK_MSG(RL("CANCEL") H_VIA H_TO H_FROM H_CID H_CSEQ("CANCEL") "\r\n");
	OK_MSG(RL("ACK") H_VIA H_TO H_FROM H_CID H_CSEQ("ACK") "\r\n");
	OK_MSG(RL("REGISTER") H_VIA H_TO H_FROM H_CID H_CSEQ("REGISTER") "Contact: *\r\n\r\n");
	OK_MSG(RL("INFO") H_VIA H_TO H_FROM H_CID H_CSEQ("INFO") "\r\n");
	OK_MSG(RL("UPDATE") H_VIA H_TO H_FROM H_CID H_CSEQ("UPDATE") "\r\n");
	OK_MSG(RL("PRACK") H_VIA H_TO H_FROM H_CID H_CSEQ("PRACK") "RAck: 1 314159 INVITE\r\n\r\n");
}

/* RFC 3261 7.1: SIP-Version; other versions get 505 (21.5.6). */
static void test_version(void **state)
{
	(void)state;
	BAD_MSG("OPTIONS sip:bob@biloxi.example.com SIP/3.0\r\n" H_VIA H_TO H_FROM H_CID
	       H_CSEQ("OPTIONS") "\r\n",
	       505, "Version Not Supported");
	BAD_MSG("OPTIONS sip:bob@biloxi.example.com SIP/2.1\r\n" H_VIA H_TO H_FROM H_CID
	       H_CSEQ("OPTIONS") "\r\n",
	       505, "Version Not Supported");
	OK_MSG("OPTIONS sip:bob@biloxi.example.com sip/2.0\r\n" H_VIA H_TO H_FROM H_CID
	       H_CSEQ("OPTIONS") "\r\n"); /* case-insensitive */
	BAD_MSG("OPTIONS sip:bob@biloxi.example.com SIP/2.0x\r\n" H_VIA H_TO H_FROM H_CID
	       H_CSEQ("OPTIONS") "\r\n",
	       400, "Bad Request-Line");
	BAD_MSG("OPTIONS sip:bob@biloxi.example.com HTTP/1.1\r\n" H_VIA H_TO H_FROM H_CID
	       H_CSEQ("OPTIONS") "\r\n",
	       400, "Bad Request-Line");
}

/* RFC 3261 7.1 / 25.1: Method SP Request-URI SP SIP-Version CRLF. */
static void test_request_line(void **state)
{
	(void)state;
#define TAIL H_VIA H_TO H_FROM H_CID H_CSEQ("OPTIONS") "\r\n"
	BAD_MSG("OPTIONS  sip:bob@biloxi.example.com SIP/2.0\r\n" TAIL, 400, "Bad Request-Line");
	BAD_MSG("OPTIONS sip:bob@biloxi.example.com  SIP/2.0\r\n" TAIL, 400, "Bad Request-Line");
	BAD_MSG("OPTIONS sip:bob@biloxi.example.com SIP/2.0 \r\n" TAIL, 400, "Bad Request-Line");
	BAD_MSG("OPTIONS\tsip:bob@biloxi.example.com SIP/2.0\r\n" TAIL, 400, "Bad Request-Line");
	BAD_MSG("OPTIONS sip:bob@biloxi.example.com\r\n" TAIL, 400, "Bad Request-Line");
	BAD_MSG("OPT{IONS sip:bob@biloxi.example.com SIP/2.0\r\n" TAIL, 400, "Bad Request-Line");
	BAD_MSG("OPTIONS sip:bob@biloxi.example.com; lr SIP/2.0\r\n" TAIL, 400, "Bad Request-Line");
	BAD_MSG(" OPTIONS sip:bob@biloxi.example.com SIP/2.0\r\n" TAIL, 400, "Bad Request-Line");
	BAD_MSG("OPTIONS <sip:bob@biloxi.example.com> SIP/2.0\r\n" TAIL, 400, "Bad Request-URI");
	BAD_MSG("OPTIONS bob@biloxi.example.com SIP/2.0\r\n" TAIL, 400, "Bad Request-URI");
	BAD_MSG("OPTIONS sip:bob@ SIP/2.0\r\n" TAIL, 400, "Bad Request-URI");
	BAD_MSG("OPTIONS sip:bob@biloxi.example.com:99999 SIP/2.0\r\n" TAIL, 400, "Bad Request-URI");
	BAD_MSG("OPTIONS sip:bob@bi/oxi.example.com SIP/2.0\r\n" TAIL, 400, "Bad Request-URI");
	OK_MSG("OPTIONS sip:bob@biloxi.example.com:5060;transport=udp?Subject=x SIP/2.0\r\n" TAIL);
	OK_MSG("OPTIONS SIP:bob@biloxi.example.com SIP/2.0\r\n" TAIL);
	OK_MSG("OPTIONS sips:bob@biloxi.example.com SIP/2.0\r\n" TAIL);
	OK_MSG("OPTIONS tel:+15551234567 SIP/2.0\r\n" TAIL);
	OK_MSG("OPTIONS sip:user;par=u%40example.net@example.com SIP/2.0\r\n" TAIL);
	/* RFC 5118 4.1: IPv6 references only in brackets. */
	BAD_MSG("OPTIONS sip:2001:db8::10 SIP/2.0\r\n" TAIL, 400, "Unbracketed IPv6 Address");
	BAD_MSG("OPTIONS sip:bob@2001:db8::10:5060 SIP/2.0\r\n" TAIL, 400, "Unbracketed IPv6 Address");
	BAD_MSG("OPTIONS sip:bob@[2001:db8:::10] SIP/2.0\r\n" TAIL, 400, "Bad Request-URI");
	BAD_MSG("OPTIONS sip:bob@[2001:db8::10 SIP/2.0\r\n" TAIL, 400, "Bad Request-URI");
	OK_MSG("OPTIONS sip:bob@[2001:db8::10]:5070 SIP/2.0\r\n" TAIL);
	OK_MSG("OPTIONS sip:[::ffff:192.0.2.1] SIP/2.0\r\n" TAIL);
#undef TAIL
}

/* RFC 3261 8.1.1: To, From, CSeq, Call-ID, Via (Max-Forwards tolerated). */
static void test_required_headers(void **state)
{
	(void)state;
	BAD_MSG(RL("OPTIONS") H_VIA H_FROM H_CID H_CSEQ("OPTIONS") "\r\n", 400, "Missing To Header");
	BAD_MSG(RL("OPTIONS") H_VIA H_TO H_CID H_CSEQ("OPTIONS") "\r\n", 400, "Missing From Header");
	BAD_MSG(RL("OPTIONS") H_VIA H_TO H_FROM H_CSEQ("OPTIONS") "\r\n", 400,
	       "Missing Call-ID Header");
	BAD_MSG(RL("OPTIONS") H_VIA H_TO H_FROM H_CID "\r\n", 400, "Missing CSeq Header");
	BAD_MSG(RL("OPTIONS") H_TO H_FROM H_CID H_CSEQ("OPTIONS") "\r\n", 400, "Missing Via Header");
	BAD_MSG(RL("OPTIONS") H_VIA H_TO H_FROM "Call-ID: \r\n" H_CSEQ("OPTIONS") "\r\n", 400,
	       "Missing Call-ID Header");
}

/* RFC 3261 8.1.1.5: CSeq number < 2^31, method equal to the request's. */
static void test_cseq(void **state)
{
	(void)state;
#define OPT_CSEQ(v) RL("OPTIONS") H_VIA H_TO H_FROM H_CID "CSeq: " v "\r\n\r\n"
	OK_MSG(OPT_CSEQ("2147483647 OPTIONS"));
	OK_MSG(OPT_CSEQ("0 OPTIONS"));
	OK_MSG(OPT_CSEQ("0009\r\n  OPTIONS")); /* folded, leading zeros */
	BAD_MSG(OPT_CSEQ("2147483648 OPTIONS"), 400, "Bad CSeq Number");
	BAD_MSG(OPT_CSEQ("36893488147419103232 OPTIONS"), 400, "Bad CSeq Number");
	BAD_MSG(OPT_CSEQ("-1 OPTIONS"), 400, "Bad CSeq Number");
	BAD_MSG(OPT_CSEQ("1 OPTIONS x"), 400, "Bad CSeq Header");
	BAD_MSG(OPT_CSEQ("1 INVITE"), 400, "CSeq Method Mismatch");
	BAD_MSG(OPT_CSEQ("1 options"), 400, "CSeq Method Mismatch"); /* methods are case-sensitive */
#undef OPT_CSEQ
	/* An unknown method is a 501 even when CSeq does not match (mismatch02). */
	BAD_MSG_HDR(RL("NEWMETHOD") H_VIA H_TO H_FROM H_CID H_CSEQ("INVITE") "\r\n", 501,
		   "Not Implemented",
		   "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, REGISTER, INFO, UPDATE, PRACK");
}

/* RFC 3261 7.3.1 / 20: single-instance headers, once and with one value. */
static void test_single_instance(void **state)
{
	(void)state;
	BAD_MSG(OPTIONS_WITH("To: <sip:carol@example.com>\r\n"), 400, "Duplicate To Header");
	BAD_MSG(OPTIONS_WITH("t: <sip:carol@example.com>\r\n"), 400, "Duplicate To Header");
	BAD_MSG(OPTIONS_WITH("f: <sip:carol@example.com>;tag=2\r\n"), 400, "Duplicate From Header");
	BAD_MSG(OPTIONS_WITH("i: other@example.com\r\n"), 400, "Duplicate Call-ID Header");
	BAD_MSG(OPTIONS_WITH("CSeq: 2 OPTIONS\r\n"), 400, "Duplicate CSeq Header");
	BAD_MSG(OPTIONS_WITH("l: 0\r\n"), 400, "Duplicate Content-Length Header");
	BAD_MSG(OPTIONS_WITH("Max-Forwards: 5\r\n"), 400, "Duplicate Max-Forwards Header");
	BAD_MSG(OPTIONS_WITH("Content-Type: application/sdp\r\nc: text/plain\r\n"), 400,
	       "Duplicate Content-Type Header");
	/* Two values in one line. */
	BAD_MSG(RL("OPTIONS") H_VIA "To: <sip:bob@biloxi.example.com>, <sip:carol@example.com>\r\n"
	       H_FROM H_CID H_CSEQ("OPTIONS") "\r\n",
	       400, "Bad To Header");
	BAD_MSG(RL("OPTIONS") H_VIA H_TO "From: sip:a@example.com;tag=1, sip:b@example.com\r\n" H_CID
	       H_CSEQ("OPTIONS") "\r\n",
	       400, "Bad From Header");
	BAD_MSG(RL("OPTIONS") H_VIA H_TO H_FROM "Call-ID: one@example.com, two@example.com\r\n"
	       H_CSEQ("OPTIONS") "\r\n",
	       400, "Bad Call-ID Header");
	BAD_MSG(RL("OPTIONS") H_VIA H_TO H_FROM "Call-ID: one two\r\n" H_CSEQ("OPTIONS") "\r\n", 400,
	       "Bad Call-ID Header");
	BAD_MSG(RL("OPTIONS") H_VIA H_TO H_FROM H_CID H_CSEQ("OPTIONS") "Content-Length: 0, 0\r\n\r\n",
	       400, "Bad Content-Length");
	BAD_MSG(RL("OPTIONS") H_VIA "Max-Forwards: 70, 5\r\n" H_TO H_FROM H_CID H_CSEQ("OPTIONS") "\r\n",
	       400, "Bad Max-Forwards");
	BAD_MSG(OPTIONS_WITH("Content-Type: application/sdp, text/plain\r\n"), 400,
	       "Bad Content-Type");
	/* Several Vias and Contacts are lists, not duplicates. */
	OK_MSG(OPTIONS_WITH("Via: SIP/2.0/UDP h2.example.com;branch=z9hG4bK2, "
			    "SIP/2.0/TCP h3.example.com;branch=z9hG4bK3\r\n" H_CONTACT
			    "m: <sip:alice@192.0.2.11>;q=0.5, sip:alice@192.0.2.12\r\n"));
}

/* RFC 3261 18.3 / 20.14: Content-Length against the datagram. */
static void test_content_length(void **state)
{
	static const char extra[] = INVITE_WITH("") "INVITE sip:x SIP/2.0\r\n\r\n";
	osip_message_t *m;
	osip_body_t *body;

	(void)state;
	BAD_MSG(RL("INVITE") H_VIA H_TO H_FROM H_CID H_CSEQ("INVITE")
	       "Content-Type: application/sdp\r\nContent-Length: 135\r\n\r\n" SDP,
	       400, "Body Shorter Than Content-Length");
	BAD_MSG(RL("INVITE") H_VIA H_TO H_FROM H_CID H_CSEQ("INVITE")
	       "Content-Type: application/sdp\r\nContent-Length: -999\r\n\r\n" SDP,
	       400, "Bad Content-Length");
	BAD_MSG(RL("INVITE") H_VIA H_TO H_FROM H_CID H_CSEQ("INVITE")
	       "Content-Type: application/sdp\r\nContent-Length: 1x4\r\n\r\n" SDP,
	       400, "Bad Content-Length");
	BAD_MSG(RL("INVITE") H_VIA H_TO H_FROM H_CID H_CSEQ("INVITE")
	       "Content-Type: application/sdp\r\nContent-Length: 99999999999\r\n\r\n" SDP,
	       400, "Bad Content-Length");
	/* Octets after Content-Length are ignored (RFC 4475 3.1.1.8 dblreq). */
	m = parse_ok(extra, sizeof(extra) - 1);
	body = osip_list_get(&m->bodies, 0);
	assert_non_null(body);
	assert_int_equal(body->length, strlen(SDP));
	assert_memory_equal(body->body, SDP, strlen(SDP));
	assert_string_equal(m->call_id->number, "a84b4c76e66710");
	osip_message_free(m);
	/* Without Content-Length a datagram's body runs to its end. */
	m = parse_ok(RL("INVITE") H_VIA H_TO H_FROM H_CID H_CSEQ("INVITE")
		     "Content-Type: application/sdp\r\n\r\n" SDP,
		     sizeof(RL("INVITE") H_VIA H_TO H_FROM H_CID H_CSEQ("INVITE")
			    "Content-Type: application/sdp\r\n\r\n" SDP) - 1);
	body = osip_list_get(&m->bodies, 0);
	assert_int_equal(body->length, strlen(SDP));
	osip_message_free(m);
	/* A Content-Length of 0 with bytes behind it: no body. */
	OK_MSG(OPTIONS_WITH("") "garbage that is not a body");
	/* No empty line at all. */
	BAD_MSG(RL("OPTIONS") H_VIA H_TO H_FROM H_CID H_CSEQ("OPTIONS"), 400, "Missing Empty Line");
	/* A body needs a Content-Type (20.15). */
	BAD_MSG(RL("INVITE") H_VIA H_TO H_FROM H_CID H_CSEQ("INVITE") "Content-Length: " SDP_LEN
	       "\r\n\r\n" SDP,
	       400, "Missing Content-Type");
}

/* RFC 3261 8.2.1 (501), 8.2.2.1 (416). */
static void test_method_and_scheme(void **state)
{
	(void)state;
	BAD_MSG_HDR(RL("FOOBAR") H_VIA H_TO H_FROM H_CID H_CSEQ("FOOBAR") "\r\n", 501,
		   "Not Implemented",
		   "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, REGISTER, INFO, UPDATE, PRACK");
	BAD_MSG_HDR(RL("invite") H_VIA H_TO H_FROM H_CID H_CSEQ("invite") "\r\n", 501,
		   "Not Implemented",
		   "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, REGISTER, INFO, UPDATE, PRACK");
	BAD_MSG("OPTIONS mailto:bob@biloxi.example.com SIP/2.0\r\n" H_VIA H_TO H_FROM H_CID
	       H_CSEQ("OPTIONS") "\r\n",
	       416, "Unsupported URI Scheme");
	BAD_MSG("OPTIONS urn:service:sos SIP/2.0\r\n" H_VIA H_TO H_FROM H_CID H_CSEQ("OPTIONS") "\r\n",
	       416, "Unsupported URI Scheme");
	BAD_MSG("OPTIONS soap.beep://192.0.2.103:3002 SIP/2.0\r\n" H_VIA H_TO H_FROM H_CID
	       H_CSEQ("OPTIONS") "\r\n",
	       416, "Unsupported URI Scheme"); /* osip2 cannot parse this URI at all */
	/* To, From and Contact may use any scheme (RFC 4475 3.3.4). */
	OK_MSG(RL("OPTIONS") H_VIA "To: isbn:2983792873\r\nFrom: <http://www.example.com>;tag=1\r\n"
	       H_CID H_CSEQ("OPTIONS") "Contact: <name:John_Smith>\r\n\r\n");
}

/* RFC 3261 8.2.2.3: Require with tags we lack -> 420 + Unsupported. */
static void test_require(void **state)
{
	(void)state;
	OK_MSG(OPTIONS_WITH("Require: 100rel\r\n"));
	OK_MSG(OPTIONS_WITH("Proxy-Require: foo\r\n")); /* for proxies only */
	/* Ignored in CANCEL and ACK (RFC 3261 8.2.2.3). */
	OK_MSG(RL("CANCEL") H_VIA H_TO H_FROM H_CID H_CSEQ("CANCEL") "Require: foo\r\n\r\n");
	OK_MSG(RL("ACK") H_VIA H_TO H_FROM H_CID H_CSEQ("ACK") "Require: foo\r\n\r\n");
	BAD_MSG_HDR(RL("BYE") H_VIA H_TO H_FROM H_CID H_CSEQ("BYE") "Require: foo\r\n\r\n", 420,
		    "Bad Extension", "Unsupported: foo");
	BAD_MSG_HDR(OPTIONS_WITH("Require: foo, 100rel\r\nRequire: bar\r\n"), 420, "Bad Extension",
		   "Unsupported: foo, bar");
	/* As many tags as fit the 128-byte line. */
	BAD_MSG_HDR(OPTIONS_WITH("Require: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, "
				"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb, "
				"cccccccccccccccccccccccccccccccccccccccc, d\r\n"),
		   420, "Bad Extension",
		   "Unsupported: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, "
		   "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb, d");
}

/* RFC 3261 8.2.3 (415) and the Accept check (406, RFC 4475 3.3.15). */
static void test_content_type_and_accept(void **state)
{
	(void)state;
	OK_MSG(INVITE_CT("", "Application/SDP"));
	OK_MSG(RL("INVITE") H_VIA H_TO H_FROM H_CID H_CSEQ("INVITE")
	       "Content-Type: multipart/mixed;boundary=xyz\r\nContent-Length: " MP_LEN "\r\n\r\n" MP_BODY);
	BAD_MSG_HDR(INVITE_CT("", "text/plain"), 415, "Unsupported Media Type",
		   "Accept: application/sdp");
	BAD_MSG_HDR(INVITE_CT("", "application/unknownformat"), 415, "Unsupported Media Type",
		   "Accept: application/sdp");
	BAD_MSG_HDR(INVITE_WITH("Content-Encoding: gzip\r\n"), 415, "Unsupported Media Type",
		   "Accept-Encoding: identity");
	OK_MSG(INVITE_WITH("Content-Encoding: identity\r\n"));
	OK_MSG(OPTIONS_WITH("Content-Type: text/plain\r\n")); /* no body, nothing to refuse */
	BAD_MSG_HDR(INVITE_WITH("Accept: text/nobodyKnowsThis\r\n"), 406, "Not Acceptable",
		   "Accept: application/sdp");
	BAD_MSG_HDR(INVITE_WITH("Accept:\r\n"), 406, "Not Acceptable", "Accept: application/sdp");
	OK_MSG(INVITE_WITH("Accept: text/html, application/sdp\r\n"));
	OK_MSG(INVITE_WITH("Accept: application/*\r\n"));
	OK_MSG(INVITE_WITH("Accept: */*\r\n"));
	OK_MSG(OPTIONS_WITH("Accept: text/html\r\n")); /* no SDP body */
}

/* RFC 3261 20.10 / 25.1: name-addr and addr-spec shapes osip2 lets through. */
static void test_addresses(void **state)
{
	(void)state;
#define OPT_TO(to) RL("OPTIONS") H_VIA "To: " to "\r\n" H_FROM H_CID H_CSEQ("OPTIONS") "\r\n"
	OK_MSG(OPT_TO("\"Mr. \\\"J\\\" User\" <sip:j.user@example.com>"));
	OK_MSG(OPT_TO("J User<sip:j.user@example.com>"));
	OK_MSG(OPT_TO("sip:j.user@example.com ; tag = 12"));
	OK_MSG(OPT_TO("<sip:j.user@[2001:db8::1]:5060>"));
	BAD_MSG(OPT_TO("\"Mr. J. User <sip:j.user@example.com>"), 400, "Bad To Header");
	BAD_MSG(OPT_TO("< sip:j.user@example.com >"), 400, "Bad To Header");
	BAD_MSG(OPT_TO("<sip:j.user@exa mple.com>"), 400, "Bad To Header");
	BAD_MSG(OPT_TO("sip:j.user@example.com junk"), 400, "Bad To Header");
	BAD_MSG(OPT_TO("<sip:j.user@example.com> junk"), 400, "Bad To Header");
	BAD_MSG(OPT_TO("J@User <sip:j.user@example.com>"), 400, "Bad To Header");
	BAD_MSG(OPT_TO("User, J <sip:j.user@example.com>"), 400, "Bad To Header");
	BAD_MSG(OPT_TO("Us\"er <sip:j.user@example.com>"), 400, "Bad To Header");
	BAD_MSG(OPT_TO("<sip:j.user@example.com>;;tag=1"), 400, "Bad To Header");
	BAD_MSG(OPT_TO("<sip:j.user@example.com>;tag=1;"), 400, "Bad To Header");
	BAD_MSG(OPT_TO("<sip:j.user@example.com>;tag="), 400, "Bad To Header");
	BAD_MSG(OPT_TO("<sip:j.user@example.com>;tag=1;tag=2"), 400, "Bad To Header");
	BAD_MSG(OPT_TO("<sip:j.user@2001:db8::1>"), 400, "Bad To Header"); /* unbracketed IPv6 */
	/* osip2 would read host 2001:db8::10 port 5060 and drop the brackets of
	 * the right form: only the raw pass sees the difference (RFC 5118 4.1). */
	BAD_MSG(OPT_TO("<sip:j.user@2001:db8::10:5060>"), 400, "Bad To Header");
	BAD_MSG(OPT_TO("sip:j.user@2001:db8::10:5060;tag=1"), 400, "Bad To Header");
	OK_MSG(OPT_TO("sip:j.user@[2001:db8::10]:5060;tag=1"));
	OK_MSG(OPT_TO("<sips:[2001:db8::10]>"));
	BAD_MSG(OPT_TO("<sip:j.user@example.com:50x0>"), 400, "Bad To Header");
	BAD_MSG(OPT_TO("<j.user@example.com>"), 400, "Bad To Header"); /* no scheme */
#undef OPT_TO
	BAD_MSG(RL("OPTIONS") H_VIA H_TO "From: Bell, Alexander <sip:a.g.bell@example.com>;tag=43\r\n"
	       H_CID H_CSEQ("OPTIONS") "\r\n",
	       400, "Bad From Header");
	OK_MSG(OPTIONS_WITH("Contact: <sip:user@example.com?Route=%3Csip:sip.example.com%3E>\r\n"));
	BAD_MSG(OPTIONS_WITH("Contact: sip:user@example.com?Route=%3Csip:sip.example.com%3E\r\n"), 400,
	       "Bad Contact Header"); /* RFC 4475 3.1.2.13 */
	BAD_MSG(OPTIONS_WITH("Contact: <sip:a@example.com>,,<sip:b@example.com>\r\n"), 400,
	       "Bad Contact Header");
	BAD_MSG(OPTIONS_WITH("Contact: <sip:a@example.com>,\r\n"), 400, "Bad Contact Header");
	BAD_MSG(OPTIONS_WITH("Contact: \"Joe\" <sip:joe@example.org>;;;;\r\n"), 400,
	       "Bad Contact Header");
	BAD_MSG(OPTIONS_WITH("Contact: <sip:a@example.com>;expires=\r\n"), 400, "Bad Contact Header");
	BAD_MSG(OPTIONS_WITH("Contact: *, <sip:a@example.com>\r\n"), 400, "Bad Contact Header");
	BAD_MSG(OPTIONS_WITH("Contact: <sip:a@[2001:db8::1]>, sip:b@2001:db8::2\r\n"), 400,
		"Bad Contact Header");
	BAD_MSG(RL("OPTIONS") H_VIA H_TO "From: <sip:alice@2001:db8::1:5060>;tag=1\r\n" H_CID
		H_CSEQ("OPTIONS") "\r\n",
		400, "Bad From Header");
}

/* Via (RFC 3261 20.42): what osip2 skips or keeps as it found it. */
static void test_via(void **state)
{
	(void)state;
#define OPT_VIA(via) RL("OPTIONS") "Via: " via "\r\n" H_TO H_FROM H_CID H_CSEQ("OPTIONS") "\r\n"
	OK_MSG(OPT_VIA("SIP  /   2.0\r\n /UDP\r\n    192.0.2.2;branch=390skdjuw"));
	OK_MSG(OPT_VIA("SIP/2.0/UDP [2001:db8::9:1]:5060;branch=z9hG4bK1;received=2001:db8::9:255"));
	OK_MSG(OPT_VIA("SIP/2.0/UNKNOWN t4.example.com;branch=z9hG4bKasd0f3en"));
	OK_MSG(OPT_VIA("SIP/2.0/UDP iftgw.example.com")); /* RFC 2543: no branch */
	OK_MSG(OPT_VIA("SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK")); /* may-reject: we accept */
	BAD_MSG(OPT_VIA("SIP/2.0/UDP 192.0.2.15;;,;,,"), 400, "Bad Via Header");
	BAD_MSG(OPT_VIA("SIP/2.0/UDP h.example.com;branch=z9hG4bK1,"), 400, "Bad Via Header");
	BAD_MSG(OPT_VIA(", SIP/2.0/UDP h.example.com;branch=z9hG4bK1"), 400, "Bad Via Header");
	BAD_MSG(OPT_VIA("SIP/2.0/UDP h.example.com;branch=z9hG4bK1;"), 400, "Bad Via Header");
	BAD_MSG(OPT_VIA("SIP/2.0/UDP h2 junk;branch=z9hG4bK1"), 400, "Bad Via Header");
	BAD_MSG(OPT_VIA("SIP/2.0/UDP h2:abc;branch=z9hG4bK1"), 400, "Bad Via Header");
	BAD_MSG(OPT_VIA("SIP/2.0/UDP 2001:db8::9:1;branch=z9hG4bK1"), 400, "Bad Via Header");
	BAD_MSG(OPT_VIA("SIP/2.0/UDP h.example.com:70000;branch=z9hG4bK1"), 400, "Bad Via Header");
#undef OPT_VIA
}

/* Header lines, NUL bytes, scalars, compact forms. */
static void test_header_lines(void **state)
{
	static const char nul_qp[] = RL("OPTIONS") H_VIA "To: \"a\\\0b\" <sip:bob@biloxi.example.com>\r\n"
		H_FROM H_CID H_CSEQ("OPTIONS") "\r\n";
	static const char nul_bad[] = OPTIONS_WITH("X-Nul: a\0b\r\n");
	osip_message_t *m;

	(void)state;
	BAD_MSG(OPTIONS_WITH("NoColonHere\r\n"), 400, "Bad Header Line");
	BAD_MSG(OPTIONS_WITH("Bad Header: x\r\n"), 400, "Bad Header Line");
	BAD_MSG(OPTIONS_WITH(": x\r\n"), 400, "Bad Header Line");
	OK_MSG(OPTIONS_WITH("extensionHeader-!.%*+_`'~: \xef\xbb\xbf\r\n"));
	OK_MSG(OPTIONS_WITH("Via  : SIP/2.0/TCP h9.example.com\r\n"));
	OK_MSG(OPTIONS_WITH("Date: Fri, 01 Jan 2010 16:00:00 EST\r\n")); /* may-reject: we accept */
	check_len(nul_bad, sizeof(nul_bad) - 1, false, MBL_SIP_REJECT, 400, "NUL Byte In Header", NULL);
	/* A quoted-pair NUL is legal (RFC 4475 3.1.1.2); osip2 sees it as "\0". */
	m = parse_ok(nul_qp, sizeof(nul_qp) - 1);
	assert_string_equal(m->to->displayname, "\"a\\0b\"");
	osip_message_free(m);
	/* Scalars (RFC 4475 3.1.2.4 / 3.1.2.5). */
	BAD_MSG(RL("OPTIONS") H_VIA "Max-Forwards: 256\r\n" H_TO H_FROM H_CID H_CSEQ("OPTIONS") "\r\n",
	       400, "Bad Max-Forwards");
	BAD_MSG(OPTIONS_WITH("Retry-After: 4294967296\r\n"), 400, "Bad Retry-After");
	OK_MSG(OPTIONS_WITH("Retry-After: 4294967295 (lunch);duration=60\r\n"));
	BAD_MSG(OPTIONS_WITH("Warning: 1812 overture \"In Progress\"\r\n"), 400, "Bad Warning Header");
	OK_MSG(OPTIONS_WITH("Warning: 399 overture \"In Progress\"\r\n"));
	/* Compact forms (RFC 3261 7.3.3): v f t i l c m, any case. */
	m = parse_ok("INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
		     "v: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n"
		     "V: SIP/2.0/UDP proxy.example.com;branch=z9hG4bK2\r\n"
		     "f: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
		     "t: Bob <sip:bob@biloxi.example.com>\r\n"
		     "I: compact@example.com\r\n"
		     "CSeq: 1 INVITE\r\n"
		     "m: <sip:alice@192.0.2.10>\r\n"
		     "c: application/sdp\r\n"
		     "L: " SDP_LEN "\r\n\r\n" SDP,
		     sizeof("INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
			    "v: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n"
			    "V: SIP/2.0/UDP proxy.example.com;branch=z9hG4bK2\r\n"
			    "f: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
			    "t: Bob <sip:bob@biloxi.example.com>\r\n"
			    "I: compact@example.com\r\n"
			    "CSeq: 1 INVITE\r\n"
			    "m: <sip:alice@192.0.2.10>\r\n"
			    "c: application/sdp\r\n"
			    "L: " SDP_LEN "\r\n\r\n" SDP) - 1);
	assert_int_equal(osip_list_size(&m->vias), 2);
	assert_string_equal(((osip_via_t *)osip_list_get(&m->vias, 1))->host, "proxy.example.com");
	assert_string_equal(m->from->displayname, "Alice");
	assert_string_equal(m->to->url->username, "bob");
	assert_string_equal(m->call_id->number, "compact");
	assert_string_equal(m->content_type->subtype, "sdp");
	assert_string_equal(m->content_length->value, SDP_LEN);
	assert_int_equal(osip_list_size(&m->contacts), 1);
	osip_message_free(m);
	BAD_MSG(OPTIONS_WITH("T: <sip:carol@example.com>\r\n"), 400, "Duplicate To Header");
}

/* Responses are never answered: every problem drops them. */
static void test_responses(void **state)
{
	(void)state;
#define H_TO_TAG "To: Bob <sip:bob@biloxi.example.com>;tag=9\r\n"
#define RESP(line, extra) line "\r\n" H_VIA H_TO_TAG H_FROM H_CID H_CSEQ("INVITE") extra "\r\n"
	OK_MSG(RESP("SIP/2.0 200 OK", ""));
	OK_MSG(RESP("SIP/2.0 100 ", ""));
	OK_MSG(RESP("SIP/2.0 699 \xd0\xbd\xd0\xbe", ""));
	DROP_MSG(RESP("SIP/2.0 4294967301 better not break the receiver", ""), "Bad Status-Line");
	DROP_MSG(RESP("SIP/2.0 1000 x", ""), "Bad Status-Line");
	DROP_MSG(RESP("SIP/2.0 099 x", ""), "Bad Status-Line");
	DROP_MSG(RESP("SIP/2.0 700 x", ""), "Bad Status-Line");
	DROP_MSG(RESP("SIP/2.0 20 OK", ""), "Bad Status-Line");
	DROP_MSG(RESP("SIP/2.0 2x0 OK", ""), "Bad Status-Line");
	DROP_MSG(RESP("SIP/2.0 200", ""), "Bad Status-Line");
	DROP_MSG(RESP("SIP/3.0 200 OK", ""), "Bad Status-Line");
	DROP_MSG("SIP/2.0 503 Service Unavailable\r\n" H_VIA H_TO_TAG H_FROM H_CID
	     "CSeq: 9292394834772304023312 OPTIONS\r\n\r\n",
	     "Bad CSeq Number");
	DROP_MSG(RESP("SIP/2.0 503 Service Unavailable", "Retry-After: 949302838503028349304023988\r\n"),
	     "Bad Retry-After");
	DROP_MSG("SIP/2.0 200 OK\r\n" H_VIA H_TO_TAG H_FROM H_CSEQ("INVITE") "\r\n",
		 "Missing Call-ID Header");
	DROP_MSG(RESP("SIP/2.0 200 OK", "To: <sip:x@example.com>\r\n"), "Duplicate To Header");
	DROP_MSG(RESP("SIP/2.0 200 OK", "Content-Length: 10\r\n"), "Body Shorter Than Content-Length");
	/* Response content is the UAC's business: no 415 / 406 here. */
	OK_MSG("SIP/2.0 200 OK\r\n" H_VIA H_TO_TAG H_FROM H_CID H_CSEQ("INVITE")
	       "Content-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi");
#undef RESP
#undef H_TO_TAG
}

/* Nothing to answer: empty input, an ACK (never answered). */
static void test_drops(void **state)
{
	struct mbl_sip_verdict v;
	osip_message_t *m;

	(void)state;
	DROP_MSG("\r\n\r\n", "Empty Message");
	check_len("", 0, false, MBL_SIP_DROP, 0, "Empty Message", NULL);
	DROP_MSG(RL("ACK") H_VIA H_TO H_FROM H_CSEQ("ACK") "\r\n", "Missing Call-ID Header");
	DROP_MSG(RL("ACK") H_VIA H_TO H_FROM H_CID H_CSEQ("INVITE") "\r\n", "CSeq Method Mismatch");
	/* Garbage is a "request" osip2 cannot parse: 400, and no Via to answer. */
	BAD_MSG("hello world\r\n\r\n", 400, "Bad Request-Line");
	/* Bad arguments. */
	assert_int_equal(mbl_sip_msg_parse("x", 1, false, NULL, &v), -EINVAL);
	assert_int_equal(v.kind, MBL_SIP_DROP);
	assert_int_equal(mbl_sip_msg_parse(NULL, 1, false, &m, &v), -EINVAL);
	assert_int_equal(mbl_sip_msg_parse("x", 1, false, &m, NULL), -EINVAL);
	assert_string_equal(mbl_sip_msg_err_reason(MBL_SIP_MSG_ERR_MAX), "Unknown");
	assert_int_equal(mbl_sip_msg_err_status(MBL_SIP_MSG_METHOD), 501);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base_messages),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_request_line),
		cmocka_unit_test(test_required_headers),
		cmocka_unit_test(test_cseq),
		cmocka_unit_test(test_single_instance),
		cmocka_unit_test(test_content_length),
		cmocka_unit_test(test_method_and_scheme),
		cmocka_unit_test(test_require),
		cmocka_unit_test(test_content_type_and_accept),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_via),
		cmocka_unit_test(test_header_lines),
		cmocka_unit_test(test_responses),
		cmocka_unit_test(test_drops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
