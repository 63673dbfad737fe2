/* SPDX-License-Identifier: BSD-3-Clause
 * UA core dialogs between two UAs in memory (ua_test_pair.h): re-INVITE
 * hold/resume from either side, the digest challenge round (401 and 407),
 * symmetric responses (RFC 3581) against Via-based ones (RFC 3261 18.2.2),
 * INVITE repeats absorbed, a 200 crossing a CANCEL, BYE during a re-INVITE.
 */
#include "ua_test_pair.h"

/* Hold and resume with re-INVITEs from A; CSeq grows, the answers arrive as
 * ANSWERED(reinvite) and the ACKs as ACKED(reinvite). */
static void reinvite_round(struct pair *p, struct mbl_sip_call *a, struct mbl_sip_call *b,
			   const char *dir_a, const char *dir_b, int nth)
{
	char sdp_a[512], sdp_b[512];
	int n = p->nev, i;
	const char *m;

	snprintf(sdp_a, sizeof(sdp_a), "v=0\r\nm=audio 40000 RTP/AVP 0\r\na=%s\r\n", dir_a);
	snprintf(sdp_b, sizeof(sdp_b), "v=0\r\nm=audio 50000 RTP/AVP 0\r\na=%s\r\n", dir_b);
	assert_int_equal(mbl_sip_call_reinvite(a, sdp_a, p->now), 0);
	assert_int_equal(mbl_sip_call_reinvite(a, sdp_a, p->now), -EBUSY);
	pair_pump(p);
	i = pair_find_ev(p, 1, MBL_SIP_EV_REINVITE, n);
	assert_true(i >= 0);
	assert_string_equal(p->ev[i].body, sdp_a);
	assert_ptr_equal(p->ev[i].call, b);
	assert_int_equal(mbl_sip_call_respond(b, 200, sdp_b, NULL, p->now), 0);
	pair_pump(p);
	i = pair_find_ev(p, 0, MBL_SIP_EV_ANSWERED, n);
	assert_true(i >= 0 && p->ev[i].reinvite);
	assert_string_equal(p->ev[i].body, sdp_b);
	i = pair_find_ev(p, 1, MBL_SIP_EV_ACKED, n);
	assert_true(i >= 0 && p->ev[i].reinvite);
	m = pair_sent(p, 0, "INVITE ", nth)->buf;
	assert_true(starts(m, strlen(m), "INVITE sip:bob@127.0.0.2:5070 SIP/2.0\r\n"));
	assert_int_equal(atoi(hdr(m, "CSeq")), nth + 1);
	assert_non_null(strstr(hdr(m, "To"), ";tag="));
	assert_int_equal(atoi(hdr(pair_sent(p, 0, "ACK ", nth)->buf, "CSeq")), nth + 1);
}

static void test_reinvite_hold_resume(void **state)
{
	struct mbl_sip_call *a, *b;
	struct pair p;

	(void)state;
	pair_init(&p);
	a = pair_call(&p, SDP_A);
	pair_pump(&p);
	b = pair_incoming(&p);
	assert_int_equal(mbl_sip_call_reinvite(a, SDP_A, p.now), -EPERM);  /* not confirmed */
	assert_int_equal(mbl_sip_call_respond(b, 200, SDP_B, NULL, p.now), 0);
	pair_pump(&p);
	reinvite_round(&p, a, b, "sendonly", "recvonly", 1);
	reinvite_round(&p, a, b, "sendrecv", "sendrecv", 2);
	/* B re-INVITEs too (its own CSeq space starts at 1). */
	assert_int_equal(mbl_sip_call_reinvite(b, SDP_B, p.now), 0);
	pair_pump(&p);
	assert_int_equal(pair_count_ev(&p, 0, MBL_SIP_EV_REINVITE), 1);
	assert_int_equal(mbl_sip_call_respond(a, 488, NULL, NULL, p.now), 0);
	pair_pump(&p);
	assert_int_equal(p.ev[pair_find_ev(&p, 1, MBL_SIP_EV_REINVITE_FAILED, 0)].status, 488);
	assert_string_equal(hdr(pair_sent(&p, 1, "INVITE ", 0)->buf, "CSeq"), "2 INVITE");
	assert_int_equal(mbl_sip_call_bye(a, p.now), 0);
	pair_pump(&p);
	assert_int_equal(pair_count_ev(&p, 1, MBL_SIP_EV_REMOTE_BYE), 1);
	assert_int_equal(pair_count_ev(&p, 0, MBL_SIP_EV_ENDED), 1);
	assert_int_equal(st(&p, 0)->call_live + st(&p, 1)->call_live, 0);
	pair_advance(&p, MS(40000));
	assert_int_equal(st(&p, 0)->txn_live + st(&p, 1)->txn_live, 0);
	pair_fini(&p);
}

#define AUTH_HDR "Digest realm=\"lab\", nonce=\"n0nce\", algorithm=MD5, qop=\"auth\""
#define AUTH_VAL "Digest username=\"alice\", realm=\"lab\", nonce=\"n0nce\", " \
		 "uri=\"sip:bob@127.0.0.2:5070\", response=\"0123456789abcdef0123456789abcdef\""

static void test_digest_challenge(void **state)
{
	struct mbl_sip_call *a, *b;
	const char *inv1, *inv2;
	struct pair p;
	char cid[128], ftag[256];
	int i;

	(void)state;
	pair_init(&p);
	a = pair_call(&p, SDP_A);
	pair_pump(&p);
	b = pair_incoming(&p);
	assert_int_equal(mbl_sip_call_auth(a, AUTH_VAL, p.now), -EPERM);
	assert_int_equal(mbl_sip_call_respond(b, 401, NULL, "WWW-Authenticate: " AUTH_HDR, p.now), 0);
	pair_pump(&p);
	i = pair_find_ev(&p, 0, MBL_SIP_EV_CHALLENGE, 0);
	assert_true(i >= 0);
	assert_int_equal(p.ev[i].status, 401);
	assert_false(p.ev[i].proxy_auth);
	assert_string_equal(p.ev[i].challenge, AUTH_HDR);
	assert_int_equal(pair_count(&p, 0, "ACK "), 1);
	assert_int_equal(mbl_sip_call_auth(a, AUTH_VAL, p.now), 0);
	pair_pump(&p);
	inv1 = pair_sent(&p, 0, "INVITE ", 0)->buf;
	inv2 = pair_sent(&p, 0, "INVITE ", 1)->buf;
	strcpy(cid, hdr(inv1, "Call-ID"));
	strcpy(ftag, hdr(inv1, "From"));
	assert_string_equal(hdr(inv2, "CSeq"), "2 INVITE");
	assert_string_equal(hdr(inv2, "Call-ID"), cid);
	assert_string_equal(hdr(inv2, "From"), ftag);
	assert_string_equal(hdr(inv2, "To"), "<sip:bob@127.0.0.2:5070>");
	assert_string_equal(hdr(inv2, "Authorization"), AUTH_VAL);
	assert_string_not_equal(strstr(inv1, "branch="), strstr(inv2, "branch="));
	assert_string_equal(body_of(inv2), SDP_A);
	/* The server accepts the second INVITE as a new call. */
	assert_int_equal(mbl_sip_call_respond(pair_incoming(&p), 200, SDP_B, NULL, p.now), 0);
	pair_pump(&p);
	assert_int_equal(pair_count_ev(&p, 0, MBL_SIP_EV_ANSWERED), 1);
	assert_string_equal(hdr(pair_sent(&p, 0, "ACK ", 1)->buf, "CSeq"), "2 ACK");
	/* 407 gives Proxy-Authorization. */
	a = pair_call(&p, SDP_A);
	pair_pump(&p);
	assert_int_equal(mbl_sip_call_respond(pair_incoming(&p), 407, NULL,
					      "Proxy-Authenticate: " AUTH_HDR, p.now), 0);
	pair_pump(&p);
	i = pair_find_ev(&p, 0, MBL_SIP_EV_CHALLENGE, i + 1);
	assert_true(i >= 0 && p.ev[i].proxy_auth);
	assert_int_equal(mbl_sip_call_auth(a, AUTH_VAL, p.now), 0);
	pair_pump(&p);
	assert_string_equal(hdr(pair_sent(&p, 0, "INVITE ", 3)->buf, "Proxy-Authorization"), AUTH_VAL);
	/* An unanswered challenge ends with cancel. */
	assert_int_equal(mbl_sip_call_respond(pair_incoming(&p), 407, NULL,
					      "Proxy-Authenticate: " AUTH_HDR, p.now), 0);
	pair_pump(&p);
	assert_int_equal(mbl_sip_call_cancel(a, p.now), 0);
	assert_int_equal(p.ev[p.nev - 1].type, MBL_SIP_EV_CANCELLED);
	assert_int_equal(st(&p, 0)->call_live, 1);  /* the answered first call */
	(void)b;
	pair_fini(&p);
}

#define SYM_INVITE                                                               \
	"INVITE sip:bob@127.0.0.2:5070 SIP/2.0\r\n"                               \
	"Via: SIP/2.0/UDP 192.0.2.99:5999;branch=z9hG4bKsym%d%s\r\n"              \
	"Max-Forwards: 70\r\nFrom: <sip:carrier@192.0.2.99>;tag=s%d\r\n"          \
	"To: <sip:bob@127.0.0.2>\r\nCall-ID: sym%d@192.0.2.99\r\n"                \
	"CSeq: 1 INVITE\r\nContact: <sip:carrier@192.0.2.99:5999>\r\n"          \
	"Content-Length: 0\r\n\r\n"

static const struct sockaddr_in *sent_to(const struct pmsg *m)
{
	return (const struct sockaddr_in *)&m->to;
}

/* The response goes to the datagram's source even when the Via names
 * another address and port; with symmetric_response off it follows RFC 3261
 * 18.2.2 (received address, sent-by port) unless the Via asks for rport. */
static void test_symmetric_response(void **state)
{
	struct mbl_sip_ua_conf c;
	const struct pmsg *m;
	char req[1024];
	struct pair p;

	(void)state;
	pair_init(&p);
	snprintf(req, sizeof(req), SYM_INVITE, 1, "", 1, 1);
	assert_int_equal(pair_inject(&p, 1, req, "127.0.0.9", 5077), 0);
	m = pair_sent(&p, 1, "SIP/2.0 100 Trying", 0);
	assert_int_equal(ntohs(sent_to(m)->sin_port), 5077);
	assert_int_equal(sent_to(m)->sin_addr.s_addr, htonl(0x7f000009));
	assert_string_equal(hdr(m->buf, "Via"),
			    "SIP/2.0/UDP 192.0.2.99:5999;branch=z9hG4bKsym1;received=127.0.0.9");
	assert_int_equal(mbl_sip_call_respond(pair_incoming(&p), 200, SDP_B, NULL, p.now), 0);
	m = pair_sent(&p, 1, "SIP/2.0 200 OK", 0);
	assert_int_equal(ntohs(sent_to(m)->sin_port), 5077);
	pair_fini(&p);

	mbl_sip_ua_conf_defaults(&c);
	c.symmetric_response = false;
	pair_init_conf(&p, &c, NULL);
	snprintf(req, sizeof(req), SYM_INVITE, 2, "", 2, 2);
	assert_int_equal(pair_inject(&p, 1, req, "127.0.0.9", 5077), 0);
	/* RFC 3261 18.2.2: the "received" address, the sent-by port. */
	m = pair_sent(&p, 1, "SIP/2.0 100 Trying", 0);
	assert_int_equal(ntohs(sent_to(m)->sin_port), 5999);
	assert_int_equal(sent_to(m)->sin_addr.s_addr, htonl(0x7f000009));
	/* rport in the Via (RFC 3581) sends it back to the source port. */
	snprintf(req, sizeof(req), SYM_INVITE, 3, ";rport", 3, 3);
	assert_int_equal(pair_inject(&p, 1, req, "127.0.0.9", 5077), 0);
	m = pair_sent(&p, 1, "SIP/2.0 100 Trying", 1);
	assert_int_equal(ntohs(sent_to(m)->sin_port), 5077);
	assert_int_equal(sent_to(m)->sin_addr.s_addr, htonl(0x7f000009));
	pair_fini(&p);
}

/* A retransmitted INVITE (100 lost) is absorbed by the IST: one INCOMING. */
static void test_invite_retransmission_absorbed(void **state)
{
	struct mbl_sip_ua_conf c;
	struct pair p;

	(void)state;
	mbl_sip_ua_conf_defaults(&c);
	c.auto_100 = false;
	pair_init_conf(&p, &c, NULL);
	pair_call(&p, SDP_A);
	pair_advance(&p, MS(1600));  /* Timer A at 0.5 s and 1.5 s */
	assert_int_equal(pair_count(&p, 0, "INVITE "), 3);
	assert_int_equal(pair_count_ev(&p, 1, MBL_SIP_EV_INCOMING), 1);
	assert_int_equal(st(&p, 1)->rtx_in, 2);
	assert_int_equal(st(&p, 0)->timer_fired[MBL_SIP_TIMER_A], 2);
	assert_int_equal(mbl_sip_call_respond(pair_incoming(&p), 180, NULL, NULL, p.now), 0);
	pair_pump(&p);
	pair_advance(&p, MS(10000));  /* Proceeding: no more A */
	assert_int_equal(pair_count(&p, 0, "INVITE "), 3);
	pair_fini(&p);
}

/* The 200 crosses the CANCEL: B answers the CANCEL 200 without effect, A
 * ACKs the 2xx, sends BYE and reports CANCELLED 200. */
static void test_cancel_crosses_200(void **state)
{
	struct mbl_sip_call *a, *b;
	struct pair p;
	int i;

	(void)state;
	pair_init(&p);
	a = pair_call(&p, SDP_A);
	pair_pump(&p);
	b = pair_incoming(&p);
	assert_int_equal(mbl_sip_call_respond(b, 180, NULL, NULL, p.now), 0);
	pair_pump(&p);
	assert_int_equal(mbl_sip_call_respond(b, 200, SDP_B, NULL, p.now), 0);
	assert_int_equal(mbl_sip_call_cancel(a, p.now), 0);  /* the 200 is in flight */
	pair_pump(&p);
	i = pair_find_ev(&p, 0, MBL_SIP_EV_CANCELLED, 0);
	assert_true(i >= 0);
	assert_int_equal(p.ev[i].status, 200);
	assert_string_equal(p.ev[i].reason, "answered before CANCEL");
	assert_string_equal(hdr(pair_sent(&p, 1, "SIP/2.0 200 OK", 1)->buf, "CSeq"), "1 CANCEL");
	assert_int_equal(pair_count(&p, 0, "ACK "), 1);
	assert_int_equal(pair_count(&p, 0, "BYE "), 1);
	assert_int_equal(pair_count_ev(&p, 1, MBL_SIP_EV_ACKED), 1);
	assert_int_equal(pair_count_ev(&p, 1, MBL_SIP_EV_REMOTE_BYE), 1);
	assert_int_equal(pair_count_ev(&p, 1, MBL_SIP_EV_CANCELLED), 0);
	pair_advance(&p, MS(40000));
	assert_int_equal(st(&p, 0)->txn_live + st(&p, 1)->txn_live, 0);
	assert_int_equal(st(&p, 0)->call_live + st(&p, 1)->call_live, 0);
	pair_fini(&p);
}

/* BYE while the peer has not answered our re-INVITE: the peer closes the
 * pending INVITE with 487, nothing lingers. */
static void test_bye_during_reinvite(void **state)
{
	struct mbl_sip_call *a, *b;
	struct pair p;

	(void)state;
	pair_init(&p);
	a = pair_call(&p, SDP_A);
	pair_pump(&p);
	assert_int_equal(mbl_sip_call_respond(pair_incoming(&p), 200, SDP_B, NULL, p.now), 0);
	pair_pump(&p);
	assert_int_equal(mbl_sip_call_reinvite(a, SDP_A, p.now), 0);
	pair_pump(&p);
	assert_int_equal(pair_count_ev(&p, 1, MBL_SIP_EV_REINVITE), 1);
	assert_int_equal(mbl_sip_call_bye(a, p.now), 0);
	pair_pump(&p);
	assert_int_equal(pair_count_ev(&p, 1, MBL_SIP_EV_REMOTE_BYE), 1);
	/* RFC 3261 15.1.2: pending requests get 487; A's call ended first. */
	assert_int_equal(st(&p, 1)->status_out[487 - 100], 1);
	assert_int_equal(st(&p, 0)->status_in[487 - 100], 1);
	assert_int_equal(pair_count_ev(&p, 0, MBL_SIP_EV_ENDED), 1);
	assert_int_equal(pair_count_ev(&p, 0, MBL_SIP_EV_REINVITE_FAILED), 0);
	pair_advance(&p, MS(40000));
	assert_int_equal(st(&p, 0)->txn_live + st(&p, 1)->txn_live, 0);
	assert_int_equal(st(&p, 0)->call_live + st(&p, 1)->call_live, 0);
	pair_fini(&p);

	/* B hangs up while A's re-INVITE waits at B: B's call ends with its
	 * BYE, and the re-INVITE it never answered gets 500 then. */
	pair_init(&p);
	a = pair_call(&p, SDP_A);
	pair_pump(&p);
	b = pair_incoming(&p);
	assert_int_equal(mbl_sip_call_respond(b, 200, SDP_B, NULL, p.now), 0);
	pair_pump(&p);
	assert_int_equal(mbl_sip_call_reinvite(a, SDP_A, p.now), 0);
	pair_pump(&p);
	assert_int_equal(mbl_sip_call_bye(b, p.now), 0);
	pair_pump(&p);
	assert_int_equal(pair_count_ev(&p, 0, MBL_SIP_EV_REMOTE_BYE), 1);
	assert_int_equal(pair_count_ev(&p, 1, MBL_SIP_EV_ENDED), 1);
	assert_int_equal(st(&p, 1)->status_out[500 - 100], 1);
	pair_advance(&p, MS(40000));
	assert_int_equal(st(&p, 0)->txn_live + st(&p, 1)->txn_live, 0);
	assert_int_equal(st(&p, 0)->call_live + st(&p, 1)->call_live, 0);
	pair_fini(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reinvite_hold_resume),
		cmocka_unit_test(test_digest_challenge),
		cmocka_unit_test(test_symmetric_response),
		cmocka_unit_test(test_invite_retransmission_absorbed),
		cmocka_unit_test(test_cancel_crosses_200),
		cmocka_unit_test(test_bye_during_reinvite),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
