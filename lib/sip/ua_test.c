/* SPDX-License-Identifier: BSD-3-Clause
 * UA core call flows between two UAs in memory (ua_test_pair.h): a full call
 * with its events in order and its messages' key headers, CANCEL, failure
 * codes, OPTIONS, 481 for unknown dialogs, re-INVITE hold/resume, the digest
 * challenge round, symmetric responses and the end of every transaction.
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_call),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
