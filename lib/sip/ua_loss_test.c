/* SPDX-License-Identifier: BSD-3-Clause
 * UA core under UDP loss, with the simulated clock: Timer A retransmission,
 * the UAS core's 2xx retransmission and the UAC core's repeated ACK, Timer
 * B, Timers E and F on a lost BYE, the 64*T1 give-up without ACK, the NIST
 * repeating its final response from a linger record (and from osip's own
 * object with osip_linger), a non-default T1/T2, and reliable transport mode
 * without a single retransmission.
 */
#include "ua_test_pair.h"

/* ---- drop filters ----------------------------------------------------------------- */
static int dropped_so_far;

static bool drop_first_invite(struct pair *p, int from, const char *buf, size_t len)
{
	(void)p;
	return from == 0 && starts(buf, len, "INVITE ") && dropped_so_far++ == 0;
}

static bool drop_first_200_invite(struct pair *p, int from, const char *buf, size_t len)
{
	(void)p;
	return from == 1 && starts(buf, len, "SIP/2.0 200") && memmem(buf, len, "INVITE\r\n", 8) &&
	       dropped_so_far++ == 0;
}

static bool drop_first_ack(struct pair *p, int from, const char *buf, size_t len)
{
	(void)p;
	return from == 0 && starts(buf, len, "ACK ") && dropped_so_far++ == 0;
}

static bool drop_all_from_a(struct pair *p, int from, const char *buf, size_t len)
{
	(void)p, (void)buf, (void)len;
	return from == 0;
}

static bool drop_bye(struct pair *p, int from, const char *buf, size_t len)
{
	(void)p;
	return from == 0 && starts(buf, len, "BYE ");
}

static bool drop_ack(struct pair *p, int from, const char *buf, size_t len)
{
	(void)p;
	return from == 0 && starts(buf, len, "ACK ");
}

static bool drop_first_200_bye(struct pair *p, int from, const char *buf, size_t len)
{
	(void)p;
	return from == 1 && starts(buf, len, "SIP/2.0 200") && memmem(buf, len, " BYE\r\n", 6) &&
	       dropped_so_far++ == 0;
}

/* B answers every INCOMING with 200 at once. */
static void answer(struct pair *p, int side, struct mbl_sip_ev *ev)
{
	if (side == 1 && ev->type == MBL_SIP_EV_INCOMING)
		assert_int_equal(mbl_sip_call_respond(ev->call, 200, SDP_B, NULL, p->now), 0);
}

static void setup_pair(struct pair *p, bool (*drop)(struct pair *, int, const char *, size_t))
{
	pair_init(p);
	p->drop = drop;
	p->on_ev = answer;
	dropped_so_far = 0;
}

/* The sent times (ms after t0) of side's messages starting with pfx. */
static void assert_times(const struct pair *p, int side, const char *pfx, uint64_t t0,
			 const unsigned *ms, unsigned n)
{
	unsigned i;

	assert_int_equal(pair_count(p, side, pfx), n);
	for (i = 0; i < n; i++)
		assert_int_equal((pair_sent(p, side, pfx, (int)i)->at - t0) / 1000000ULL, ms[i]);
}

/* ---- tests --------------------------------------------------------------------------- */
static void test_lost_invite_timer_a(void **state)
{
	static const unsigned at[] = {0, 500};
	struct pair p;
	uint64_t t0;

	(void)state;
	setup_pair(&p, drop_first_invite);
	t0 = p.now;
	pair_call(&p, SDP_A);
	pair_advance(&p, MS(2000));
	assert_times(&p, 0, "INVITE ", t0, at, 2);
	assert_int_equal(st(&p, 0)->timer_fired[MBL_SIP_TIMER_A], 1);
	assert_int_equal(st(&p, 0)->rtx_out, 1);
	assert_int_equal(pair_count_ev(&p, 1, MBL_SIP_EV_INCOMING), 1);
	assert_int_equal(pair_count_ev(&p, 0, MBL_SIP_EV_ANSWERED), 1);
	assert_int_equal(pair_count_ev(&p, 1, MBL_SIP_EV_ACKED), 1);
	/* The retransmission is byte for byte the INVITE. */
	assert_string_equal(pair_sent(&p, 0, "INVITE ", 0)->buf, pair_sent(&p, 0, "INVITE ", 1)->buf);
	pair_fini(&p);
}

/* The 200 is lost: the UAS core repeats it after T1 and A answers that. */
static void test_lost_200_retransmitted(void **state)
{
	static const unsigned at[] = {0, 500};
	struct pair p;
	uint64_t t0;

	(void)state;
	setup_pair(&p, drop_first_200_invite);
	t0 = p.now;
	pair_call(&p, SDP_A);
	pair_advance(&p, MS(700));
	assert_times(&p, 1, "SIP/2.0 200", t0, at, 2);
	assert_int_equal(st(&p, 1)->timer_fired[MBL_SIP_TIMER_OK2XX], 1);
	assert_int_equal(pair_count_ev(&p, 0, MBL_SIP_EV_ANSWERED), 1);
	assert_int_equal(pair_count_ev(&p, 1, MBL_SIP_EV_ACKED), 1);
	/* The 100 Trying put A in Proceeding: no Timer A. */
	assert_int_equal(st(&p, 0)->timer_fired[MBL_SIP_TIMER_A], 0);
	pair_advance(&p, MS(40000));
	assert_int_equal(pair_count(&p, 1, "SIP/2.0 200"), 2);  /* stopped by the ACK */
	assert_int_equal(st(&p, 1)->txn_live + st(&p, 0)->txn_live, 0);
	pair_fini(&p);
}

/* The ACK is lost: the repeated 200 makes the UAC core send it again. */
static void test_lost_ack_resent(void **state)
{
	struct pair p;
	const char *a1, *a2;

	(void)state;
	setup_pair(&p, drop_first_ack);
	pair_call(&p, SDP_A);
	pair_advance(&p, MS(600));
	assert_int_equal(pair_count(&p, 0, "ACK "), 2);
	a1 = pair_sent(&p, 0, "ACK ", 0)->buf;
	a2 = pair_sent(&p, 0, "ACK ", 1)->buf;
	assert_string_equal(a1, a2);
	assert_int_equal(st(&p, 0)->rtx_in, 1);
	assert_int_equal(st(&p, 0)->rtx_out, 1);
	assert_int_equal(pair_count_ev(&p, 0, MBL_SIP_EV_ANSWERED), 1);
	assert_int_equal(pair_count_ev(&p, 1, MBL_SIP_EV_ACKED), 1);
	pair_fini(&p);
}

/* Nothing from A arrives: A at T1, 3T1, 7T1 ... 63T1, then Timer B at 64T1. */
static void test_timer_b(void **state)
{
	static const unsigned at[] = {0, 500, 1500, 3500, 7500, 15500, 31500};
	struct pair p;
	uint64_t t0;
	int i;

	(void)state;
	setup_pair(&p, drop_all_from_a);
	t0 = p.now;
	pair_call(&p, SDP_A);
	pair_advance(&p, MS(31999));
	assert_int_equal(pair_count_ev(&p, 0, MBL_SIP_EV_FAILED), 0);
	pair_advance(&p, MS(1));
	assert_times(&p, 0, "INVITE ", t0, at, 7);
	i = pair_find_ev(&p, 0, MBL_SIP_EV_FAILED, 0);
	assert_true(i >= 0);
	assert_int_equal(p.ev[i].status, 408);
	assert_string_equal(p.ev[i].reason, "timer B");
	assert_int_equal(st(&p, 0)->timer_fired[MBL_SIP_TIMER_A], 6);
	assert_int_equal(st(&p, 0)->timer_fired[MBL_SIP_TIMER_B], 1);
	assert_int_equal(st(&p, 0)->txn_live + st(&p, 0)->call_live, 0);
	assert_int_equal(mbl_sip_ua_next_timer_ns(p.ua[0]), UINT64_MAX);
	pair_fini(&p);
}

/* A's BYE never arrives: E at T1 doubling to T2, F at 64*T1. */
static void test_lost_bye_timer_e_f(void **state)
{
	static const unsigned at[] = {0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500,
				      27500, 31500};
	struct mbl_sip_call *a;
	struct pair p;
	uint64_t t0;
	int i;

	(void)state;
	setup_pair(&p, drop_bye);
	a = pair_call(&p, SDP_A);
	pair_pump(&p);
	t0 = p.now;
	assert_int_equal(mbl_sip_call_bye(a, p.now), 0);
	assert_int_equal(mbl_sip_call_bye(a, p.now), -EPERM);
	pair_advance(&p, MS(32000));
	assert_times(&p, 0, "BYE ", t0, at, 11);
	i = pair_find_ev(&p, 0, MBL_SIP_EV_ENDED, 0);
	assert_true(i >= 0);
	assert_int_equal(p.ev[i].status, 408);
	assert_string_equal(p.ev[i].reason, "timer F");
	assert_int_equal(st(&p, 0)->timer_fired[MBL_SIP_TIMER_E], 10);
	assert_int_equal(st(&p, 0)->timer_fired[MBL_SIP_TIMER_F], 1);
	assert_int_equal(pair_count_ev(&p, 1, MBL_SIP_EV_REMOTE_BYE), 0);
	pair_fini(&p);
}

/* No ACK ever: the 2xx at T1 doubling to T2 until 64*T1, then FAILED "no
 * ACK" and a BYE (RFC 3261 13.3.1.4). */
static void test_no_ack_gives_up(void **state)
{
	static const unsigned at[] = {0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500,
				      27500, 31500};
	struct pair p;
	uint64_t t0;
	int i;

	(void)state;
	setup_pair(&p, drop_ack);
	t0 = p.now;
	pair_call(&p, SDP_A);
	pair_advance(&p, MS(32000));
	assert_times(&p, 1, "SIP/2.0 200 OK", t0, at, 11);
	i = pair_find_ev(&p, 1, MBL_SIP_EV_FAILED, 0);
	assert_true(i >= 0);
	assert_int_equal(p.ev[i].status, 408);
	assert_string_equal(p.ev[i].reason, "no ACK");
	assert_int_equal(st(&p, 1)->timer_fired[MBL_SIP_TIMER_OK2XX], 10);
	assert_int_equal(st(&p, 1)->timer_fired[MBL_SIP_TIMER_NOACK], 1);
	assert_int_equal(pair_count(&p, 1, "BYE "), 1);
	assert_int_equal(pair_count(&p, 0, "ACK "), 11);  /* one per 2xx */
	assert_int_equal(pair_count_ev(&p, 0, MBL_SIP_EV_REMOTE_BYE), 1);
	assert_int_equal(st(&p, 0)->call_live + st(&p, 1)->call_live, 0);
	pair_fini(&p);
}

/* The 200 to BYE is lost: A repeats the BYE (Timer E), B's lingering NIST
 * repeats its 200 byte for byte; same with osip keeping its own object. */
static void lost_bye_200(bool osip_linger)
{
	struct mbl_sip_ua_conf c;
	struct mbl_sip_call *a;
	struct pair p;

	mbl_sip_ua_conf_defaults(&c);
	c.osip_linger = osip_linger;
	pair_init_conf(&p, &c, NULL);
	p.on_ev = answer;
	p.drop = drop_first_200_bye;
	dropped_so_far = 0;
	a = pair_call(&p, SDP_A);
	pair_pump(&p);
	assert_int_equal(mbl_sip_call_bye(a, p.now), 0);
	pair_advance(&p, MS(600));
	assert_int_equal(pair_count(&p, 0, "BYE "), 2);
	assert_int_equal(pair_count(&p, 1, "SIP/2.0 200 OK"), 3);
	assert_string_equal(pair_sent(&p, 1, "SIP/2.0 200 OK", 1)->buf,
			    pair_sent(&p, 1, "SIP/2.0 200 OK", 2)->buf);
	assert_int_equal(pair_count_ev(&p, 0, MBL_SIP_EV_ENDED), 1);
	assert_int_equal(pair_count_ev(&p, 1, MBL_SIP_EV_REMOTE_BYE), 1);
	assert_int_equal(st(&p, 1)->rtx_in, 1);
	assert_int_equal(st(&p, 1)->rtx_out, 1);
	pair_advance(&p, MS(40000));
	assert_int_equal(st(&p, 0)->txn_live + st(&p, 1)->txn_live, 0);
	assert_int_equal(st(&p, 1)->timer_fired[MBL_SIP_TIMER_J], 1);
	pair_fini(&p);
}

static void test_lost_bye_200_linger_record(void **state)
{
	(void)state;
	lost_bye_200(false);
}

static void test_lost_bye_200_osip_linger(void **state)
{
	(void)state;
	lost_bye_200(true);
}

/* T1 = 100 ms, T2 = 400 ms: A at 100, 300, 700 ..., E capped at 400. */
static void test_custom_t1_t2(void **state)
{
	static const unsigned inv_at[] = {0, 100, 300, 700, 1500, 3100, 6300};
	static const unsigned bye_at[] = {0, 100, 300, 700, 1100};
	struct mbl_sip_ua_conf c;
	struct mbl_sip_call *a;
	struct pair p;
	uint64_t t0;

	(void)state;
	mbl_sip_ua_conf_defaults(&c);
	c.t1_ms = 100;
	c.t2_ms = 400;
	pair_init_conf(&p, &c, NULL);
	p.drop = drop_all_from_a;
	t0 = p.now;
	pair_call(&p, SDP_A);
	pair_advance(&p, MS(6400));
	assert_times(&p, 0, "INVITE ", t0, inv_at, 7);
	assert_string_equal(p.ev[0].reason, "timer B");
	pair_fini(&p);

	pair_init_conf(&p, &c, NULL);
	p.on_ev = answer;
	a = pair_call(&p, SDP_A);
	pair_pump(&p);
	p.drop = drop_bye;
	t0 = p.now;
	assert_int_equal(mbl_sip_call_bye(a, p.now), 0);
	pair_advance(&p, MS(1200));
	assert_times(&p, 0, "BYE ", t0, bye_at, 5);
	pair_fini(&p);
}

/* TCP: no Timer A/E/G, no 2xx retransmission, Via with TCP and no rport;
 * a missing ACK still ends the call after 64*T1. */
static void test_reliable_no_retransmissions(void **state)
{
	struct mbl_sip_ua_conf c;
	struct mbl_sip_call *a;
	const char *inv;
	struct pair p;
	int i;

	(void)state;
	mbl_sip_ua_conf_defaults(&c);
	c.transport = MBL_SIP_TCP;
	pair_init_conf(&p, &c, NULL);
	p.on_ev = answer;
	a = pair_call(&p, SDP_A);
	pair_pump(&p);
	inv = pair_sent(&p, 0, "INVITE ", 0)->buf;
	assert_true(starts(hdr(inv, "Via"), 41, "SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK"));
	assert_null(strstr(hdr(inv, "Via"), "rport"));
	assert_string_equal(hdr(inv, "Contact"), "<sip:alice@127.0.0.1:5060;transport=tcp>");
	assert_int_equal(mbl_sip_call_bye(a, p.now), 0);
	pair_pump(&p);
	assert_int_equal(pair_count_ev(&p, 0, MBL_SIP_EV_ENDED), 1);
	pair_advance(&p, MS(1));  /* Timers D/I/J/K are 0 on reliable transports */
	assert_int_equal(st(&p, 0)->txn_live + st(&p, 1)->txn_live, 0);
	/* No ACK: no retransmitted 2xx, FAILED after 64*T1. */
	p.drop = drop_ack;
	pair_call(&p, SDP_A);
	pair_advance(&p, MS(40000));
	i = pair_find_ev(&p, 1, MBL_SIP_EV_FAILED, 0);
	assert_true(i >= 0);
	assert_string_equal(p.ev[i].reason, "no ACK");
	for (i = 0; i < 2; i++) {
		assert_int_equal(st(&p, i)->rtx_out, 0);
		assert_int_equal(st(&p, i)->timer_fired[MBL_SIP_TIMER_A], 0);
		assert_int_equal(st(&p, i)->timer_fired[MBL_SIP_TIMER_E], 0);
		assert_int_equal(st(&p, i)->timer_fired[MBL_SIP_TIMER_G], 0);
		assert_int_equal(st(&p, i)->timer_fired[MBL_SIP_TIMER_OK2XX], 0);
	}
	assert_int_equal(pair_count(&p, 1, "SIP/2.0 200 OK"), 3);  /* 2 INVITEs + BYE */
	pair_fini(&p);
}

/* A non-2xx final lost: the IST repeats it on Timer G; A acks each. */
static bool drop_first_486(struct pair *p, int from, const char *buf, size_t len)
{
	(void)p;
	return from == 1 && starts(buf, len, "SIP/2.0 486") && dropped_so_far++ == 0;
}

static void test_lost_486_timer_g(void **state)
{
	static const unsigned at[] = {0, 500};
	struct pair p;
	uint64_t t0;

	(void)state;
	pair_init(&p);
	p.drop = drop_first_486;
	dropped_so_far = 0;
	t0 = p.now;
	pair_call(&p, SDP_A);
	pair_pump(&p);
	assert_int_equal(mbl_sip_call_respond(pair_incoming(&p), 486, NULL, NULL, p.now), 0);
	pair_advance(&p, MS(1000));
	assert_times(&p, 1, "SIP/2.0 486", t0, at, 2);
	assert_int_equal(st(&p, 1)->timer_fired[MBL_SIP_TIMER_G], 1);
	assert_int_equal(pair_count(&p, 0, "ACK "), 1);
	assert_int_equal(pair_count_ev(&p, 0, MBL_SIP_EV_FAILED), 1);
	pair_advance(&p, MS(40000));
	assert_int_equal(st(&p, 0)->txn_live + st(&p, 1)->txn_live, 0);
	assert_int_equal(st(&p, 1)->timer_fired[MBL_SIP_TIMER_G], 1);
	pair_fini(&p);
}

/* The ACK to a 486 never arrives: Timer G repeats the 486 (T1 doubling to
 * T2) until Timer H (64*T1); A's lingering ICT acknowledges every repeat. */
static void test_timer_h(void **state)
{
	static const unsigned at[] = {0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500,
				      27500, 31500};
	struct pair p;
	uint64_t t0;

	(void)state;
	pair_init(&p);
	p.drop = drop_ack;
	pair_call(&p, SDP_A);
	pair_pump(&p);
	t0 = p.now;
	assert_int_equal(mbl_sip_call_respond(pair_incoming(&p), 486, NULL, NULL, p.now), 0);
	pair_advance(&p, MS(32000));
	assert_times(&p, 1, "SIP/2.0 486", t0, at, 11);
	assert_int_equal(st(&p, 1)->timer_fired[MBL_SIP_TIMER_G], 10);
	assert_int_equal(st(&p, 1)->timer_fired[MBL_SIP_TIMER_H], 1);
	assert_int_equal(st(&p, 1)->txn_live, 0);
	assert_int_equal(pair_count(&p, 0, "ACK "), 11);
	assert_int_equal(st(&p, 0)->rtx_in, 10);
	assert_int_equal(pair_count_ev(&p, 0, MBL_SIP_EV_FAILED), 1);
	pair_fini(&p);
}

static bool drop_b_200(struct pair *p, int from, const char *buf, size_t len)
{
	(void)p;
	return from == 1 && starts(buf, len, "SIP/2.0 200");
}

/* TCP connection refused: the INVITE cannot leave (no call), a 2xx cannot
 * leave (respond says -EIO and the call is gone), a BYE ends with 503. */
static void test_reliable_send_failure(void **state)
{
	struct mbl_sip_ua_conf c;
	struct mbl_sip_call *a;
	struct pair p;
	int i;

	(void)state;
	mbl_sip_ua_conf_defaults(&c);
	c.transport = MBL_SIP_TCP;
	pair_init_conf(&p, &c, NULL);
	p.drop_fails = true;
	p.drop = drop_all_from_a;
	assert_null(mbl_sip_call_invite(p.ua[0], "sip:bob@127.0.0.2:5070", "sip:alice@127.0.0.1",
					(const struct sockaddr *)&p.addr[1], sizeof(p.addr[1]),
					SDP_A, NULL, p.now));
	assert_int_equal(errno, EIO);
	assert_int_equal(st(&p, 0)->send_errors, 1);
	assert_int_equal(st(&p, 0)->call_live + st(&p, 0)->txn_live, 0);
	p.drop = drop_b_200;
	pair_call(&p, SDP_A);
	pair_pump(&p);
	assert_int_equal(mbl_sip_call_respond(pair_incoming(&p), 200, SDP_B, NULL, p.now), -EIO);
	assert_int_equal(st(&p, 1)->call_live, 0);
	pair_fini(&p);

	pair_init_conf(&p, &c, NULL);
	p.drop_fails = true;
	p.on_ev = answer;
	a = pair_call(&p, SDP_A);
	pair_pump(&p);
	p.drop = drop_bye;
	assert_int_equal(mbl_sip_call_bye(a, p.now), -EIO);
	i = pair_find_ev(&p, 0, MBL_SIP_EV_ENDED, 0);
	assert_true(i >= 0);
	assert_int_equal(p.ev[i].status, 503);
	assert_string_equal(p.ev[i].reason, "transport error");
	assert_int_equal(st(&p, 0)->call_live, 0);
	pair_fini(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lost_invite_timer_a),
		cmocka_unit_test(test_lost_200_retransmitted),
		cmocka_unit_test(test_lost_ack_resent),
		cmocka_unit_test(test_timer_b),
		cmocka_unit_test(test_lost_bye_timer_e_f),
		cmocka_unit_test(test_no_ack_gives_up),
		cmocka_unit_test(test_lost_bye_200_linger_record),
		cmocka_unit_test(test_lost_bye_200_osip_linger),
		cmocka_unit_test(test_custom_t1_t2),
		cmocka_unit_test(test_reliable_no_retransmissions),
		cmocka_unit_test(test_lost_486_timer_g),
		cmocka_unit_test(test_timer_h),
		cmocka_unit_test(test_reliable_send_failure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
