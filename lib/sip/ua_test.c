/* SPDX-License-Identifier: BSD-3-Clause
 * UA core call flows between two UAs in memory (ua_test_pair.h): a full call
 * with its events in order and its messages' key headers, CANCEL, failure
 * codes, OPTIONS, 481 / 405 / 420, REGISTER, full tables and the end of every
 * transaction. ua_dialog_test.c has re-INVITE, challenges and the races.
 */
#include "ua_test_pair.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Events of the full call, in order, on both sides. */
static void check_full_call_events(const struct pair *p)
{
	static const struct { int side; enum mbl_sip_ev_type type; int status; } want[] = {
		{1, MBL_SIP_EV_INCOMING, 0}, {0, MBL_SIP_EV_PROGRESS, 180},
		{0, MBL_SIP_EV_ANSWERED, 200}, {1, MBL_SIP_EV_ACKED, 0},
		{1, MBL_SIP_EV_REMOTE_BYE, 0}, {0, MBL_SIP_EV_ENDED, 200},
	};
	unsigned i;

	assert_int_equal(p->nev, ARRAY_LEN(want));
	for (i = 0; i < ARRAY_LEN(want); i++) {
		assert_int_equal(p->ev[i].side, want[i].side);
		assert_int_equal(p->ev[i].type, want[i].type);
		assert_int_equal(p->ev[i].status, want[i].status);
	}
	assert_string_equal(p->ev[0].body, SDP_A);
	assert_true(starts(p->ev[0].from, strlen(p->ev[0].from), "<sip:alice@127.0.0.1>;tag="));
	assert_string_equal(p->ev[2].body, SDP_B);
	assert_string_equal(p->ev[2].reason, "OK");
	assert_string_equal(p->ev[5].reason, "OK");
}

static void check_invite(const char *m, char *callid, char *ftag)
{
	const char *v;

	assert_true(starts(m, strlen(m), "INVITE sip:bob@127.0.0.2:5070 SIP/2.0\r\n"));
	v = hdr(m, "Via");
	assert_true(starts(v, strlen(v), "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK"));
	assert_int_equal(strlen(v), strlen("SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK;rport") + 16);
	assert_non_null(strstr(v, ";rport"));
	assert_string_equal(hdr(m, "Max-Forwards"), "70");
	v = hdr(m, "From");
	assert_true(starts(v, strlen(v), "<sip:alice@127.0.0.1>;tag="));
	strcpy(ftag, v + strlen("<sip:alice@127.0.0.1>;tag="));
	assert_int_equal(strlen(ftag), 16);
	assert_string_equal(hdr(m, "To"), "<sip:bob@127.0.0.2:5070>");
	v = hdr(m, "Call-ID");
	assert_int_equal(strlen(v), 24 + strlen("@127.0.0.1"));
	assert_string_equal(v + 24, "@127.0.0.1");
	strcpy(callid, v);
	assert_string_equal(hdr(m, "CSeq"), "1 INVITE");
	assert_string_equal(hdr(m, "Contact"), "<sip:alice@127.0.0.1:5060>");
	assert_string_equal(hdr(m, "User-Agent"), "mediablast");
	assert_string_equal(hdr(m, "Allow"), "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, NOTIFY");
	assert_string_equal(hdr(m, "Content-Type"), "application/sdp");
	assert_int_equal(atoi(hdr(m, "Content-Length")), strlen(SDP_A));
	assert_string_equal(body_of(m), SDP_A);
}

static void check_responses(const struct pair *p, const char *callid, const char *ftag,
			    char *ttag)
{
	const char *m180 = pair_sent(p, 1, "SIP/2.0 180 Ringing\r\n", 0)->buf;
	const char *m200 = pair_sent(p, 1, "SIP/2.0 200 OK\r\n", 0)->buf;
	const char *m100 = pair_sent(p, 1, "SIP/2.0 100 Trying\r\n", 0)->buf;
	const char *inv = pair_sent(p, 0, "INVITE ", 0)->buf;
	char via[256], want[512];
	const char *v;

	/* The Via comes back with received and the rport filled (RFC 3581). */
	strcpy(via, hdr(inv, "Via"));
	*strstr(via, ";rport") = '\0';
	snprintf(want, sizeof(want), "%s;rport=5060;received=127.0.0.1", via);
	assert_string_equal(hdr(m180, "Via"), want);
	assert_string_equal(hdr(m100, "To"), "<sip:bob@127.0.0.2:5070>");  /* 100: no tag */
	v = hdr(m180, "To");
	assert_true(starts(v, strlen(v), "<sip:bob@127.0.0.2:5070>;tag="));
	strcpy(ttag, v + strlen("<sip:bob@127.0.0.2:5070>;tag="));
	assert_int_equal(strlen(ttag), 16);
	assert_string_equal(hdr(m200, "To"), v);
	snprintf(want, sizeof(want), "<sip:alice@127.0.0.1>;tag=%s", ftag);
	assert_string_equal(hdr(m200, "From"), want);
	assert_string_equal(hdr(m200, "Call-ID"), callid);
	assert_string_equal(hdr(m200, "CSeq"), "1 INVITE");
	assert_string_equal(hdr(m200, "Contact"), "<sip:bob@127.0.0.2:5070>");
	assert_string_equal(hdr(m200, "Server"), "mediablast");
	assert_string_equal(hdr(m200, "Content-Type"), "application/sdp");
	assert_string_equal(body_of(m200), SDP_B);
	assert_null(hdr(m180, "Content-Type"));
	assert_string_equal(hdr(m180, "Content-Length"), "0");
}

static void check_ack_bye(const struct pair *p, const char *ttag)
{
	const char *inv = pair_sent(p, 0, "INVITE ", 0)->buf;
	const char *ack = pair_sent(p, 0, "ACK ", 0)->buf;
	const char *bye = pair_sent(p, 0, "BYE ", 0)->buf;
	char ibr[128], want[256];

	/* ACK for 2xx: to the Contact, its own branch, CSeq of the INVITE. */
	assert_true(starts(ack, strlen(ack), "ACK sip:bob@127.0.0.2:5070 SIP/2.0\r\n"));
	strcpy(ibr, hdr(inv, "Via"));
	assert_string_not_equal(hdr(ack, "Via"), ibr);
	assert_string_equal(hdr(ack, "CSeq"), "1 ACK");
	snprintf(want, sizeof(want), "<sip:bob@127.0.0.2:5070>;tag=%s", ttag);
	assert_string_equal(hdr(ack, "To"), want);
	assert_string_equal(hdr(ack, "Content-Length"), "0");
	assert_string_equal(hdr(bye, "CSeq"), "2 BYE");
	assert_string_equal(hdr(bye, "To"), want);
	assert_true(starts(bye, strlen(bye), "BYE sip:bob@127.0.0.2:5070 SIP/2.0\r\n"));
	assert_string_equal(hdr(pair_sent(p, 1, "SIP/2.0 200 OK", 1)->buf, "CSeq"), "2 BYE");
}

static void test_full_call(void **state)
{
	char callid[64], ftag[32], ttag[32];
	struct mbl_sip_call *a, *b;
	struct pair p;

	(void)state;
	pair_init(&p);
	a = pair_call(&p, SDP_A);
	pair_pump(&p);
	b = pair_incoming(&p);
	assert_int_equal(mbl_sip_call_respond(b, 180, NULL, NULL, p.now), 0);
	pair_pump(&p);
	assert_int_equal(mbl_sip_call_respond(b, 200, SDP_B, NULL, p.now), 0);
	pair_pump(&p);
	assert_int_equal(mbl_sip_call_bye(a, p.now), 0);
	pair_pump(&p);
	check_full_call_events(&p);
	check_invite(pair_sent(&p, 0, "INVITE ", 0)->buf, callid, ftag);
	check_responses(&p, callid, ftag, ttag);
	check_ack_bye(&p, ttag);
	/* A's order on the wire: INVITE, ACK, BYE; B's: 100, 180, 200, 200. */
	assert_int_equal(p.nsent, 7);
	assert_int_equal(st(&p, 0)->req_out[MBL_SIP_M_INVITE], 1);
	assert_int_equal(st(&p, 0)->req_out[MBL_SIP_M_ACK], 1);
	assert_int_equal(st(&p, 1)->status_out[200 - 100], 2);
	assert_int_equal(st(&p, 0)->status_in[180 - 100], 1);
	assert_int_equal(st(&p, 0)->rtx_out + st(&p, 1)->rtx_out, 0);
	/* Lingering: B's NIST for the BYE for 64*T1 (J), A's NICT for T4 (K). */
	assert_int_equal(st(&p, 0)->call_live + st(&p, 1)->call_live, 0);
	pair_advance(&p, MS(4900));
	assert_int_equal(st(&p, 0)->txn_live, 1);
	pair_advance(&p, MS(200));
	assert_int_equal(st(&p, 0)->txn_live, 0);
	assert_int_equal(st(&p, 0)->timer_fired[MBL_SIP_TIMER_K], 1);
	assert_true(st(&p, 1)->txn_live >= 1);
	pair_advance(&p, MS(27000));
	assert_int_equal(st(&p, 1)->txn_live, 0);
	assert_int_equal(st(&p, 1)->timer_fired[MBL_SIP_TIMER_J], 1);
	assert_int_equal(st(&p, 1)->timer_fired[MBL_SIP_TIMER_L], 1);
	assert_int_equal(mbl_sip_ua_next_timer_ns(p.ua[0]), UINT64_MAX);
	pair_fini(&p);
}

/* CANCEL after the 180: B answers 200 to the CANCEL and 487 to the INVITE,
 * A acknowledges the 487 (same branch: hop-by-hop ACK, RFC 3261 17.1.1.3). */
static void test_cancel(void **state)
{
	struct mbl_sip_call *a, *b;
	const char *inv, *can, *ack;
	struct pair p;
	char br[256];

	(void)state;
	pair_init(&p);
	a = pair_call(&p, SDP_A);
	pair_pump(&p);
	b = pair_incoming(&p);
	assert_int_equal(mbl_sip_call_cancel(b, p.now), -EPERM);  /* UAS cannot */
	assert_int_equal(mbl_sip_call_respond(b, 180, NULL, NULL, p.now), 0);
	pair_pump(&p);
	assert_int_equal(mbl_sip_call_cancel(a, p.now), 0);
	assert_int_equal(mbl_sip_call_cancel(a, p.now), -EPERM);
	pair_pump(&p);
	assert_int_equal(pair_count_ev(&p, 1, MBL_SIP_EV_CANCELLED), 1);
	assert_int_equal(pair_count_ev(&p, 0, MBL_SIP_EV_CANCELLED), 1);
	assert_int_equal(p.ev[pair_find_ev(&p, 0, MBL_SIP_EV_CANCELLED, 0)].status, 487);
	assert_int_equal(p.ev[pair_find_ev(&p, 1, MBL_SIP_EV_CANCELLED, 0)].status, 487);
	inv = pair_sent(&p, 0, "INVITE ", 0)->buf;
	strcpy(br, hdr(inv, "Via"));
	can = pair_sent(&p, 0, "CANCEL ", 0)->buf;
	assert_true(starts(can, strlen(can), "CANCEL sip:bob@127.0.0.2:5070 SIP/2.0\r\n"));
	assert_string_equal(hdr(can, "Via"), br);
	assert_string_equal(hdr(can, "CSeq"), "1 CANCEL");
	assert_string_equal(hdr(can, "To"), "<sip:bob@127.0.0.2:5070>");
	ack = pair_sent(&p, 0, "ACK ", 0)->buf;
	assert_string_equal(hdr(ack, "Via"), br);
	assert_string_equal(hdr(ack, "CSeq"), "1 ACK");
	assert_string_equal(hdr(ack, "Max-Forwards"), "70");
	assert_string_equal(hdr(pair_sent(&p, 1, "SIP/2.0 200 OK", 0)->buf, "CSeq"), "1 CANCEL");
	assert_int_equal(st(&p, 1)->status_out[487 - 100], 1);
	assert_int_equal(st(&p, 1)->status_out[200 - 100], 1);
	assert_int_equal(st(&p, 0)->status_in[487 - 100], 1);
	assert_int_equal(st(&p, 0)->call_live + st(&p, 1)->call_live, 0);
	pair_advance(&p, MS(40000));
	assert_int_equal(st(&p, 0)->txn_live + st(&p, 1)->txn_live, 0);
	assert_int_equal(st(&p, 0)->rtx_out + st(&p, 1)->rtx_out, 0);
	pair_fini(&p);
}

/* A CANCEL asked for before any provisional response waits for one (RFC
 * 3261 9.1); without auto 100 the 180 releases it. */
static void test_cancel_waits_for_1xx(void **state)
{
	struct mbl_sip_ua_conf c;
	struct mbl_sip_call *a;
	struct pair p;

	(void)state;
	mbl_sip_ua_conf_defaults(&c);
	c.auto_100 = false;
	pair_init_conf(&p, &c, NULL);
	a = pair_call(&p, SDP_A);
	assert_int_equal(mbl_sip_call_cancel(a, p.now), 0);
	pair_pump(&p);
	assert_int_equal(pair_count(&p, 0, "CANCEL "), 0);
	assert_int_equal(mbl_sip_call_respond(pair_incoming(&p), 180, NULL, NULL, p.now), 0);
	pair_pump(&p);
	assert_int_equal(pair_count(&p, 0, "CANCEL "), 1);
	assert_int_equal(p.ev[pair_find_ev(&p, 0, MBL_SIP_EV_CANCELLED, 0)].status, 487);
	pair_fini(&p);
}

static void test_failures(void **state)
{
	static const struct { int code; const char *reason; } codes[] = {
		{486, "Busy Here"}, {503, "Service Unavailable"}, {604, "Does Not Exist Anywhere"},
	};
	struct pair p;
	unsigned i;

	(void)state;
	pair_init(&p);
	for (i = 0; i < ARRAY_LEN(codes); i++) {
		int n = p.nev;

		pair_call(&p, SDP_A);
		pair_pump(&p);
		assert_int_equal(mbl_sip_call_respond(pair_incoming(&p), codes[i].code, NULL, NULL,
						      p.now), 0);
		pair_pump(&p);
		n = pair_find_ev(&p, 0, MBL_SIP_EV_FAILED, n);
		assert_true(n >= 0);
		assert_int_equal(p.ev[n].status, codes[i].code);
		assert_string_equal(p.ev[n].reason, codes[i].reason);
		assert_int_equal(st(&p, 0)->status_in[codes[i].code - 100], 1);
		assert_int_equal(st(&p, 1)->status_out[codes[i].code - 100], 1);
	}
	assert_int_equal(pair_count(&p, 0, "ACK "), 3);
	assert_int_equal(pair_count_ev(&p, 0, MBL_SIP_EV_FAILED), 3);
	assert_int_equal(st(&p, 0)->call_live + st(&p, 1)->call_live, 0);
	/* ICT Completed (Timer D, 32 s) and IST Confirmed (Timer I, T4). */
	pair_advance(&p, MS(5100));
	assert_int_equal(st(&p, 1)->txn_live, 0);
	assert_int_equal(st(&p, 1)->timer_fired[MBL_SIP_TIMER_I], 3);
	assert_int_equal(st(&p, 0)->txn_live, 3);
	pair_advance(&p, MS(27000));
	assert_int_equal(st(&p, 0)->txn_live, 0);
	assert_int_equal(st(&p, 0)->timer_fired[MBL_SIP_TIMER_D], 3);
	pair_fini(&p);
}

#define OPTIONS_REQ                                                             \
	"OPTIONS sip:127.0.0.2:5070 SIP/2.0\r\n"                                \
	"Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bKopt1\r\n"             \
	"Max-Forwards: 70\r\nFrom: <sip:probe@198.51.100.7>;tag=p1\r\n"         \
	"To: <sip:127.0.0.2:5070>\r\nCall-ID: opt1@198.51.100.7\r\n"           \
	"CSeq: 7 OPTIONS\r\nContent-Length: 0\r\n\r\n"

static void test_options(void **state)
{
	const struct pmsg *r;
	struct pair p;
	const char *to;

	(void)state;
	pair_init(&p);
	assert_int_equal(pair_inject(&p, 1, OPTIONS_REQ, "127.0.0.9", 5060), 0);
	r = pair_sent(&p, 1, "SIP/2.0 200 OK\r\n", 0);
	assert_non_null(r);
	assert_string_equal(hdr(r->buf, "CSeq"), "7 OPTIONS");
	assert_string_equal(hdr(r->buf, "Call-ID"), "opt1@198.51.100.7");
	assert_string_equal(hdr(r->buf, "Allow"), "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, NOTIFY");
	to = hdr(r->buf, "To");
	assert_true(starts(to, strlen(to), "<sip:127.0.0.2:5070>;tag="));
	assert_int_equal(pair_count_ev(&p, 1, MBL_SIP_EV_OPTIONS), 1);
	/* Repeated: the NIST answers again, no second event. */
	assert_int_equal(pair_inject(&p, 1, OPTIONS_REQ, "127.0.0.9", 5060), 0);
	assert_int_equal(pair_count(&p, 1, "SIP/2.0 200 OK\r\n"), 2);
	assert_string_equal(pair_sent(&p, 1, "SIP/2.0 200 OK\r\n", 1)->buf, r->buf);
	assert_int_equal(pair_count_ev(&p, 1, MBL_SIP_EV_OPTIONS), 1);
	assert_int_equal(st(&p, 1)->rtx_in, 1);
	assert_int_equal(st(&p, 1)->rtx_out, 1);
	assert_int_equal(st(&p, 1)->req_in[MBL_SIP_M_OPTIONS], 2);
	pair_fini(&p);
}

#define REQUIRE_INVITE                                                           \
	"INVITE sip:bob@127.0.0.2:5070 SIP/2.0\r\n"                               \
	"Via: SIP/2.0/UDP 127.0.0.9:5060;branch=z9hG4bKreq1\r\n"                   \
	"Max-Forwards: 70\r\nFrom: <sip:x@127.0.0.9>;tag=f9\r\n"                  \
	"To: <sip:bob@127.0.0.2>\r\nCall-ID: req1@127.0.0.9\r\nRequire: 100rel\r\n" \
	"CSeq: 1 INVITE\r\nContact: <sip:x@127.0.0.9>\r\nContent-Length: 0\r\n\r\n"

static void test_unknown_dialog_481(void **state)
{
	static const char bye[] =
		"BYE sip:bob@127.0.0.2:5070 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 127.0.0.9:5060;branch=z9hG4bKbye1;rport\r\n"
		"Max-Forwards: 70\r\nFrom: <sip:x@127.0.0.9>;tag=f1\r\n"
		"To: <sip:bob@127.0.0.2>;tag=nosuch\r\nCall-ID: nosuchcall@127.0.0.9\r\n"
		"CSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n";
	static const char info[] =
		"MESSAGE sip:bob@127.0.0.2:5070 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 127.0.0.9:5060;branch=z9hG4bKmsg1\r\n"
		"Max-Forwards: 70\r\nFrom: <sip:x@127.0.0.9>;tag=f1\r\n"
		"To: <sip:bob@127.0.0.2>\r\nCall-ID: msg1@127.0.0.9\r\n"
		"CSeq: 1 MESSAGE\r\nContent-Length: 0\r\n\r\n";
	struct pair p;
	const char *r;

	(void)state;
	pair_init(&p);
	assert_int_equal(pair_inject(&p, 1, bye, "127.0.0.9", 5060), 0);
	r = pair_sent(&p, 1, "SIP/2.0 481 Call/Transaction Does Not Exist\r\n", 0)->buf;
	assert_string_equal(hdr(r, "To"), "<sip:bob@127.0.0.2>;tag=nosuch");
	/* RFC 3581 4: with rport, "received" is added even when equal. */
	assert_string_equal(hdr(r, "Via"), "SIP/2.0/UDP 127.0.0.9:5060;branch=z9hG4bKbye1;"
			    "rport=5060;received=127.0.0.9");
	assert_int_equal(st(&p, 1)->status_out[481 - 100], 1);
	/* Out of dialog and not ours to handle: 405 with Allow. */
	assert_int_equal(pair_inject(&p, 1, info, "127.0.0.9", 5060), 0);
	r = pair_sent(&p, 1, "SIP/2.0 405 Method Not Allowed\r\n", 0)->buf;
	assert_non_null(hdr(r, "Allow"));
	assert_int_equal(p.nev, 0);
	/* An extension we do not have: 420 with Unsupported (RFC 3261 8.2.2.3). */
	assert_int_equal(pair_inject(&p, 1, REQUIRE_INVITE, "127.0.0.9", 5060), 0);
	r = pair_sent(&p, 1, "SIP/2.0 420 Bad Extension\r\n", 0)->buf;
	assert_string_equal(hdr(r, "Unsupported"), "100rel");
	assert_int_equal(p.nev, 0);
	/* A method nobody registered: the validation layer answers 501 itself
	 * (RFC 3261 21.5.2), with the methods we implement in Allow. */
	assert_int_equal(pair_inject(&p, 1, "FOOBAR sip:bob@127.0.0.2:5070 SIP/2.0\r\n"
				     "Via: SIP/2.0/UDP 127.0.0.9:5060;branch=z9hG4bKfoo1\r\n"
				     "Max-Forwards: 70\r\nFrom: <sip:x@127.0.0.9>;tag=f2\r\n"
				     "To: <sip:bob@127.0.0.2>\r\nCall-ID: foo1@127.0.0.9\r\n"
				     "CSeq: 1 FOOBAR\r\nContent-Length: 0\r\n\r\n",
				     "127.0.0.9", 5060), -EBADMSG);
	r = pair_sent(&p, 1, "SIP/2.0 501 Not Implemented\r\n", 0)->buf;
	assert_non_null(hdr(r, "Allow"));
	assert_int_equal(st(&p, 1)->rejected, 1);
	/* Garbage: nothing to answer. */
	assert_int_equal(pair_inject(&p, 1, "hello\r\n\r\n", "127.0.0.9", 5060), -EBADMSG);
	assert_int_equal(st(&p, 1)->parse_errors, 2);
	assert_int_equal(st(&p, 1)->rejected, 1);
	pair_fini(&p);
}

#define SYM_INVITE                                                               \
	"INVITE sip:bob@127.0.0.2:5070 SIP/2.0\r\n"                               \
	"Via: SIP/2.0/UDP 192.0.2.99:5999;branch=z9hG4bKsym%d%s\r\n"              \
	"Max-Forwards: 70\r\nFrom: <sip:carrier@192.0.2.99>;tag=s%d\r\n"          \
	"To: <sip:bob@127.0.0.2>\r\nCall-ID: sym%d@192.0.2.99\r\n"                \
	"CSeq: 1 INVITE\r\nContact: <sip:carrier@192.0.2.99:5999>\r\n"          \
	"Content-Length: 0\r\n\r\n"

#define AUTH_HDR "Digest realm=\"lab\", nonce=\"n0nce\", algorithm=MD5, qop=\"auth\""
#define AUTH_VAL "Digest username=\"alice\", realm=\"lab\", nonce=\"n0nce\", " \
		 "uri=\"sip:bob@127.0.0.2:5070\", response=\"0123456789abcdef0123456789abcdef\""

#define REGISTER_REQ                                                            \
	"REGISTER sip:127.0.0.2:5070 SIP/2.0\r\n"                               \
	"Via: SIP/2.0/UDP 127.0.0.9:5080;branch=z9hG4bKreg%d;rport\r\n"         \
	"Max-Forwards: 70\r\nFrom: <sip:u1@lab>;tag=r%d\r\nTo: <sip:u1@lab>\r\n" \
	"Call-ID: reg%d@127.0.0.9\r\nCSeq: %d REGISTER\r\n"                     \
	"Contact: <sip:u1@127.0.0.9:5080>\r\nExpires: 600\r\nContent-Length: 0\r\n\r\n"

static void challenge_register(struct pair *p, int side, struct mbl_sip_ev *ev)
{
	(void)p;
	if (side == 1 && ev->type == MBL_SIP_EV_REGISTER) {
		assert_string_equal(ev->request_uri, "sip:127.0.0.2:5070");
		ev->reply_status = 401;
		ev->reply_hdr = "WWW-Authenticate: " AUTH_HDR;
	}
}

/* REGISTER: a plain 200 that echoes the Contact, or (register_event) the
 * engine's answer. */
static void test_register(void **state)
{
	struct mbl_sip_ua_conf c;
	const char *r;
	struct pair p;
	char req[1024];

	(void)state;
	pair_init(&p);
	snprintf(req, sizeof(req), REGISTER_REQ, 1, 1, 1, 1);
	assert_int_equal(pair_inject(&p, 1, req, "127.0.0.9", 5080), 0);
	r = pair_sent(&p, 1, "SIP/2.0 200 OK\r\n", 0)->buf;
	/* RFC 3261 10.3 step 8: the binding with the expiry granted */
	assert_string_equal(hdr(r, "Contact"), "<sip:u1@127.0.0.9:5080>;expires=600");
	assert_string_equal(hdr(r, "CSeq"), "1 REGISTER");
	assert_int_equal(p.nev, 0);
	pair_fini(&p);

	mbl_sip_ua_conf_defaults(&c);
	c.register_event = true;
	pair_init_conf(&p, &c, NULL);
	p.on_ev = challenge_register;
	snprintf(req, sizeof(req), REGISTER_REQ, 2, 2, 2, 2);
	assert_int_equal(pair_inject(&p, 1, req, "127.0.0.9", 5080), 0);
	assert_int_equal(pair_count_ev(&p, 1, MBL_SIP_EV_REGISTER), 1);
	assert_string_equal(p.ev[0].from, "<sip:u1@lab>;tag=r2");
	r = pair_sent(&p, 1, "SIP/2.0 401 Unauthorized\r\n", 0)->buf;
	assert_string_equal(hdr(r, "WWW-Authenticate"), AUTH_HDR);
	assert_int_equal(st(&p, 1)->status_out[401 - 100], 1);
	pair_fini(&p);
}

/* One call slot: the second INVITE gets 503 and the input says -ENOBUFS. */
static void test_table_full(void **state)
{
	struct mbl_sip_ua_conf c;
	struct pair p;
	char req[1024];

	(void)state;
	mbl_sip_ua_conf_defaults(&c);
	c.max_calls = 1;
	pair_init_conf(&p, &c, NULL);
	snprintf(req, sizeof(req), SYM_INVITE, 1, "", 1, 1);
	assert_int_equal(pair_inject(&p, 1, req, "127.0.0.9", 5077), 0);
	snprintf(req, sizeof(req), SYM_INVITE, 2, "", 2, 2);
	assert_int_equal(pair_inject(&p, 1, req, "127.0.0.9", 5077), -ENOBUFS);
	assert_non_null(pair_sent(&p, 1, "SIP/2.0 503 Service Unavailable\r\n", 0));
	assert_int_equal(st(&p, 1)->no_resources, 1);
	assert_int_equal(pair_count_ev(&p, 1, MBL_SIP_EV_INCOMING), 1);
	/* The caller side: no call slot, no INVITE. */
	assert_non_null(pair_call(&p, SDP_A));
	assert_null(mbl_sip_call_invite(p.ua[0], "sip:b@127.0.0.2", "sip:a@127.0.0.1",
					(const struct sockaddr *)&p.addr[1], sizeof(p.addr[1]),
					NULL, NULL, p.now));
	assert_int_equal(errno, ENOBUFS);
	assert_null(mbl_sip_call_invite(p.ua[0], "bob@127.0.0.2", "sip:a@127.0.0.1",
					(const struct sockaddr *)&p.addr[1], sizeof(p.addr[1]),
					NULL, NULL, p.now));
	assert_int_equal(errno, EINVAL);
	assert_null(mbl_sip_call_invite(p.ua[0], "sip:b@127.0.0.2\r\nX: y", "sip:a@127.0.0.1",
					(const struct sockaddr *)&p.addr[1], sizeof(p.addr[1]),
					NULL, NULL, p.now));
	assert_null(mbl_sip_call_invite(p.ua[0], "sip:b@127.0.0.2", "sip:a@1>;x",
					(const struct sockaddr *)&p.addr[1], sizeof(p.addr[1]),
					NULL, NULL, p.now));
	assert_int_equal(errno, EINVAL);
	pair_fini(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_call),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_cancel_waits_for_1xx),
		cmocka_unit_test(test_failures),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_unknown_dialog_481),
		cmocka_unit_test(test_register),
		cmocka_unit_test(test_table_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
