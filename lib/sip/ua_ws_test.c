/* SPDX-License-Identifier: BSD-3-Clause
 * The UA on WebSocket (RFC 7118) and on a connection that fails: Via
 * SIP/2.0/WS with the client's .invalid host and no port, Contact with
 * transport=ws and ;ob (RFC 7118 5.2, 8), messages without Content-Length
 * accepted on WS only (RFC 7118 5.1), and mbl_sip_ua_conn_lost ending the
 * INVITE, BYE and REGISTER that went out on a lost connection at once
 * (503 "transport error") instead of at timer B / F. Two UAs in memory on
 * a simulated clock (ua_test_pair.h).
 */
#include "ua_test_pair.h"

#define INVALID "q7x2k9d0a1bc.invalid"

static const char OPTIONS_NO_CL[] = "OPTIONS sip:bob@127.0.0.2:5070 SIP/2.0\r\n"
				    "Via: SIP/2.0/WS " INVALID ";branch=z9hG4bKnocl1\r\n"
				    "Max-Forwards: 70\r\n"
				    "From: <sip:alice@example.com>;tag=f1\r\n"
				    "To: <sip:bob@127.0.0.2>\r\n"
				    "Call-ID: nocl1@" INVALID "\r\n"
				    "CSeq: 1 OPTIONS\r\n\r\n";

static void ws_pair(struct pair *p, enum mbl_sip_proto tp)
{
	struct mbl_sip_ua_conf a, b;

	mbl_sip_ua_conf_defaults(&a);
	a.max_calls = 64;
	a.transport = tp;
	b = a;
	a.via_host = INVALID;
	pair_init_conf(p, &a, &b);
}

/* RFC 7118 5.2 and 8.2: the WebSocket client's Via and Contact. */
static void test_ws_via_contact(void **state)
{
	struct pair p;
	const char *inv, *ok;
	struct mbl_sip_call *b;

	(void)state;
	ws_pair(&p, MBL_SIP_WSS);
	pair_call(&p, SDP_A);
	inv = pair_sent(&p, 0, "INVITE ", 0)->buf;
	assert_non_null(strstr(hdr(inv, "Via"), "SIP/2.0/WSS " INVALID ";branch=z9hG4bK"));
	assert_null(strstr(hdr(inv, "Via"), "rport")); /* reliable: no rport */
	assert_string_equal(hdr(inv, "Contact"), "<sip:alice@" INVALID ";transport=ws;ob>");
	pair_pump(&p);
	b = pair_incoming(&p);
	assert_int_equal(mbl_sip_call_respond(b, 200, SDP_B, NULL, p.now), 0);
	pair_pump(&p);
	assert_int_equal(pair_count_ev(&p, 0, MBL_SIP_EV_ANSWERED), 1);
	ok = pair_sent(&p, 1, "SIP/2.0 200", 0)->buf;
	/* the server side names its real address, transport=ws for WSS too */
	assert_non_null(strstr(hdr(ok, "Contact"), "@127.0.0.2:5070;transport=ws>"));
	assert_non_null(strstr(hdr(ok, "Via"), "SIP/2.0/WSS " INVALID));
	pair_fini(&p);
}

/* RFC 7118 5.1: on WS the message is delimited by its WebSocket message,
 * so a missing Content-Length is fine; on TCP it is a 400 (RFC 3261 18.3). */
static void test_ws_no_content_length(void **state)
{
	struct sockaddr_in src;
	struct pair p;

	(void)state;
	addr_set(&src, "127.0.0.1", 40000);
	ws_pair(&p, MBL_SIP_WS);
	assert_int_equal(mbl_sip_ua_input(p.ua[1], OPTIONS_NO_CL, strlen(OPTIONS_NO_CL),
					  (struct sockaddr *)&src, sizeof(src), 9, p.now),
			 0);
	assert_non_null(pair_sent(&p, 1, "SIP/2.0 200 OK", 0));
	assert_int_equal(pair_sent(&p, 1, "SIP/2.0 200 OK", 0)->conn, 9); /* same connection */
	assert_int_equal(st(&p, 1)->parse_errors, 0);
	pair_fini(&p);

	ws_pair(&p, MBL_SIP_TCP);
	assert_int_equal(mbl_sip_ua_input(p.ua[1], OPTIONS_NO_CL, strlen(OPTIONS_NO_CL),
					  (struct sockaddr *)&src, sizeof(src), 9, p.now),
			 -EBADMSG);
	assert_non_null(pair_sent(&p, 1, "SIP/2.0 400 Missing Content-Length", 0));
	pair_fini(&p);
}

static bool drop_from_a(struct pair *p, int from, const char *buf, size_t len)
{
	(void)buf, (void)len;
	return from == 0 && p->user != NULL;
}

/* An INVITE that went out on connection 7, which then fails: FAILED 503
 * at once, nothing at timer B; another connection's loss ends nothing. */
static void test_conn_lost_invite(void **state)
{
	struct pair p;
	int i;

	(void)state;
	ws_pair(&p, MBL_SIP_WS);
	p.send_conn[0] = 7;
	p.drop = drop_from_a;
	p.user = &p;
	pair_call(&p, SDP_A);
	assert_int_equal(mbl_sip_ua_conn_lost(p.ua[0], 8, p.now), 0);
	assert_int_equal(pair_count_ev(&p, 0, MBL_SIP_EV_FAILED), 0);
	assert_int_equal(mbl_sip_ua_conn_lost(p.ua[0], 7, p.now), 1);
	i = pair_find_ev(&p, 0, MBL_SIP_EV_FAILED, 0);
	assert_true(i >= 0);
	assert_int_equal(p.ev[i].status, 503);
	assert_string_equal(p.ev[i].reason, "transport error");
	pair_advance(&p, MS(40000));
	assert_int_equal(pair_count_ev(&p, 0, MBL_SIP_EV_FAILED), 1);
	assert_int_equal(st(&p, 0)->timer_fired[MBL_SIP_TIMER_B], 0);
	assert_int_equal(st(&p, 0)->txn_live, 0);
	pair_fini(&p);
}

/* A BYE and a REGISTER waiting on the lost connection end too (ENDED
 * 503, RESPONSE 503); the confirmed call had no transaction left. */
static void test_conn_lost_bye_register(void **state)
{
	struct mbl_sip_request r = {
		.method = "REGISTER", .uri = "sip:127.0.0.2", .to_uri = "sip:alice@127.0.0.2",
		.from_uri = "sip:alice@127.0.0.2", .from_tag = "rt1", .call_id = "reg1@x",
		.cseq = 1, .contact_user = "alice",
	};
	struct mbl_sip_call *a;
	struct pair p;
	int i;

	(void)state;
	ws_pair(&p, MBL_SIP_WS);
	p.send_conn[0] = 3;
	a = pair_call(&p, SDP_A);
	pair_pump(&p);
	assert_int_equal(mbl_sip_call_respond(pair_incoming(&p), 200, SDP_B, NULL, p.now), 0);
	pair_pump(&p);
	assert_int_equal(pair_count_ev(&p, 0, MBL_SIP_EV_ANSWERED), 1);
	assert_int_equal(mbl_sip_ua_conn_lost(p.ua[0], 3, p.now), 0); /* nothing pending */
	p.drop = drop_from_a;
	p.user = &p;
	assert_int_equal(mbl_sip_call_bye(a, p.now), 0);
	assert_int_equal(mbl_sip_request_send(p.ua[0], &r, (struct sockaddr *)&p.addr[1],
					      sizeof(p.addr[1]), &p, p.now),
			 0);
	assert_int_equal(mbl_sip_ua_conn_lost(p.ua[0], 3, p.now), 2);
	i = pair_find_ev(&p, 0, MBL_SIP_EV_ENDED, 0);
	assert_true(i >= 0);
	assert_int_equal(p.ev[i].status, 503);
	i = pair_find_ev(&p, 0, MBL_SIP_EV_RESPONSE, 0);
	assert_true(i >= 0);
	assert_int_equal(p.ev[i].status, 503);
	assert_string_equal(p.ev[i].reason, "transport error");
	pair_advance(&p, MS(40000));
	assert_int_equal(st(&p, 0)->timer_fired[MBL_SIP_TIMER_F], 0);
	assert_int_equal(pair_count_ev(&p, 0, MBL_SIP_EV_RESPONSE), 1);
	pair_fini(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ws_via_contact),
		cmocka_unit_test(test_ws_no_content_length),
		cmocka_unit_test(test_conn_lost_invite),
		cmocka_unit_test(test_conn_lost_bye_register),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
