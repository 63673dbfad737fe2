/* SPDX-License-Identifier: BSD-3-Clause
 * DTLS on a bad network, in memory, on the real clock (OpenSSL's timer
 * runs on it) with a short retransmission timeout: a lost first flight
 * waits for the deadline and is sent again; a lost final flight of the
 * server is answered by the finished server; a silent peer ends in
 * TIMEOUT with the timer doubling on the way; garbage and duplicates
 * mixed into the exchange are counted and do no harm.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "dtls_test_util.h"

#define MS 1000000ULL

/* Long enough that a loaded machine under ASan finishes the rest of a
 * handshake within one timeout (the exact retransmission counts depend on
 * it), short enough for a quick test. */
#define RTO_MS 200
/* for the silent peer, whose counts are ranges */
#define RTO_SHORT_MS 40
/* for the tests that must see no retransmission at all */
#define RTO_LONG_MS 10000

/* Exact retransmission counts hold when no exchange took longer than a
 * timeout (less OpenSSL's 15 ms early firing); a machine stalled longer
 * makes OpenSSL retransmit on its own, which is right but uncountable. */
static bool timely(const struct tu_pair *p, unsigned rto_ms)
{
	if (p->max_settle_ns < (rto_ms - 16) * MS)
		return true;
	print_message("slow machine (an exchange took %.0f ms): exact counts not checked\n",
		      (double)p->max_settle_ns / 1e6);
	return false;
}

static const enum mbl_srtp_suite s80 = MBL_SRTP_AES_CM_128_HMAC_SHA1_80;

static void pair_up(struct tu_pair *p, uint64_t timeout_ns, unsigned rto_ms)
{
	tu_init(p, &s80, 1, &s80, 1);
	mbl_dtls_ctx_set_rto_ms(p->cctx, rto_ms);
	mbl_dtls_ctx_set_rto_ms(p->sctx, rto_ms);
	tu_conns(p, NULL, NULL, NULL, NULL, timeout_ns);
}

static void stats(struct mbl_dtls_conn *c, struct mbl_dtls_conn_stats *st)
{
	mbl_dtls_conn_stats(c, st);
}

/* drop the datagrams listed in the arg: {from_client, idx} */
struct drop_list {
	unsigned n;
	struct {
		bool from_client;
		unsigned idx;
	} d[4];
};

static bool drop_listed(void *arg, bool from_client, unsigned idx, const uint8_t *d, size_t n)
{
	const struct drop_list *l = arg;

	(void)d;
	(void)n;
	for (unsigned i = 0; i < l->n; i++)
		if (l->d[i].from_client == from_client && l->d[i].idx == idx)
			return true;
	return false;
}

/* ---- the default timer --------------------------------------------------------------- */

/* RFC 6347 4.2.4.1: 1 s unless the context says otherwise. */
static void test_default_rto(void **state)
{
	struct tu_pair p;
	uint64_t t0, d;

	(void)state;
	tu_init(&p, &s80, 1, &s80, 1);
	tu_conns(&p, NULL, NULL, NULL, NULL, 0);
	t0 = mbl_time_ns();
	mbl_dtls_conn_start(p.cli, t0);
	d = mbl_dtls_conn_deadline(p.cli);
	assert_true(d >= t0 + 900 * MS && d <= t0 + 1000 * MS);
	/* the server waits with the 10 s handshake limit only */
	mbl_dtls_conn_start(p.srv, t0);
	assert_int_equal(mbl_dtls_conn_deadline(p.srv), t0 + 10000 * MS);
	tu_fini(&p);
}

/* ---- loss -------------------------------------------------------------------------------- */

static void test_lost_client_hello(void **state)
{
	struct drop_list l = { 1, { { true, 0 } } };
	struct mbl_dtls_conn_stats cs, ss;
	uint8_t buf[MBL_DTLS_MTU];
	struct tu_pair p;
	uint64_t t0, d;

	(void)state;
	pair_up(&p, 0, RTO_MS);
	p.drop = drop_listed;
	p.arg = &l;
	t0 = mbl_time_ns();
	tu_start(&p);
	tu_settle(&p);
	assert_int_equal(p.dropped[1], 1);
	d = mbl_dtls_conn_deadline(p.cli);
	assert_true(d > t0 && d <= t0 + (RTO_MS + 5) * MS);
	/* before the deadline (in the caller's clock) a tick does nothing */
	assert_int_equal(mbl_dtls_conn_tick(p.cli, d - 1), MBL_DTLS_HANDSHAKING);
	assert_int_equal(mbl_dtls_conn_output(p.cli, buf, sizeof(buf)), 0);
	stats(p.cli, &cs);
	assert_int_equal(cs.retransmits, 0);
	/* after it, the ClientHello again. The deadline was taken from
	 * OpenSSL's remaining time at some moment of the start: a loaded
	 * machine that paused inside it makes d early by the pause, so tick
	 * until OpenSSL's own timer has run too (bounded: 1 s) */
	tu_sleep_until(d);
	for (uint64_t until = mbl_time_ns() + 1000 * MS;;) {
		assert_int_equal(mbl_dtls_conn_tick(p.cli, mbl_time_ns()), MBL_DTLS_HANDSHAKING);
		stats(p.cli, &cs);
		if (cs.retransmits != 0 || mbl_time_ns() > until)
			break;
		tu_sleep_until(mbl_time_ns() + MS);
	}
	assert_int_equal(cs.retransmits, 1);
	tu_settle(&p);
	tu_assert_keys(&p, s80);
	stats(p.cli, &cs);
	stats(p.srv, &ss);
	assert_true(cs.handshake_ns >= (RTO_MS - 15) * MS);
	assert_true(cs.retransmits >= 1);
	if (timely(&p, RTO_MS)) {
		assert_int_equal(cs.tx_datagrams, 3);
		assert_int_equal(ss.rx_datagrams, 2);
		assert_int_equal(cs.retransmits, 1);
		assert_int_equal(ss.retransmits, 0);
	}
	tu_fini(&p);
}

/* The server is DONE after sending its last flight; when that is lost the
 * client sends its flight again at its deadline, and the finished server
 * answers it with the same keys. */
static void test_lost_server_last_flight(void **state)
{
	struct drop_list l = { 1, { { false, 1 } } };
	struct mbl_srtp_key stx0, srx0, stx, srx;
	struct mbl_dtls_conn_stats cs, ss;
	struct tu_pair p;

	(void)state;
	pair_up(&p, 0, RTO_MS);
	p.drop = drop_listed;
	p.arg = &l;
	tu_start(&p);
	tu_settle(&p);
	assert_int_equal(p.dropped[0], 1);
	assert_int_equal(mbl_dtls_conn_state(p.srv), MBL_DTLS_DONE);
	assert_int_equal(mbl_dtls_conn_state(p.cli), MBL_DTLS_HANDSHAKING);
	assert_int_equal(mbl_dtls_conn_deadline(p.srv), UINT64_MAX);
	assert_int_equal(mbl_dtls_conn_keys(p.srv, &stx0, &srx0), 0);
	tu_run(&p, 4);
	tu_assert_keys(&p, s80);
	assert_int_equal(mbl_dtls_conn_keys(p.srv, &stx, &srx), 0);
	assert_memory_equal(&stx, &stx0, sizeof(stx));
	assert_memory_equal(&srx, &srx0, sizeof(srx));
	stats(p.cli, &cs);
	stats(p.srv, &ss);
	assert_true(cs.retransmits >= 1 && ss.retransmits >= 1); /* the answer */
	assert_int_equal(cs.rx_ignored + ss.rx_ignored, 0);
	if (timely(&p, RTO_MS)) {
		assert_int_equal(cs.retransmits, 1);
		assert_int_equal(ss.retransmits, 1);
		/* OpenSSL 3.0 sends a flight again one message per datagram:
		 * the client's five (Certificate, ClientKeyExchange,
		 * CertificateVerify, ChangeCipherSpec, Finished), the
		 * server's two */
		assert_int_equal(cs.tx_datagrams, 2 + 5);
		assert_int_equal(ss.tx_datagrams, 2 + 2);
	}
	tu_fini(&p);
}

/* The server's first flight lost: someone's timer runs out first (the
 * client's ClientHello or the server's own flight), the handshake ends. */
static void test_lost_server_first_flight(void **state)
{
	struct drop_list l = { 1, { { false, 0 } } };
	struct mbl_dtls_conn_stats cs, ss;
	struct tu_pair p;

	(void)state;
	pair_up(&p, 0, RTO_MS);
	p.drop = drop_listed;
	p.arg = &l;
	tu_start(&p);
	tu_run(&p, 6);
	tu_assert_keys(&p, s80);
	stats(p.cli, &cs);
	stats(p.srv, &ss);
	assert_true(cs.retransmits + ss.retransmits >= 1);
	tu_fini(&p);
}

/* ---- silence ----------------------------------------------------------------------------- */

/* Nobody answers: ClientHello at 0, again at ~40, ~120, ~280 ms (the timer
 * doubles), TIMEOUT at 300 ms; nothing is due afterwards. Every tick at a
 * retransmission deadline sends the flight once more. */
static void test_peer_never_answers(void **state)
{
	const uint64_t limit = 300 * MS;
	struct mbl_dtls_conn_stats st;
	uint64_t t0, prev, d, gap = RTO_SHORT_MS * MS;
	uint8_t buf[MBL_DTLS_MTU];
	unsigned sent = 0, rtx_ticks = 0;
	struct tu_pair p;

	(void)state;
	pair_up(&p, limit, RTO_SHORT_MS);
	t0 = prev = mbl_time_ns();
	mbl_dtls_conn_start(p.cli, t0);
	while (mbl_dtls_conn_state(p.cli) == MBL_DTLS_HANDSHAKING) {
		while (mbl_dtls_conn_output(p.cli, buf, sizeof(buf)) > 0)
			sent++;
		d = mbl_dtls_conn_deadline(p.cli);
		assert_true(d <= t0 + limit);
		/* OpenSSL may call a timer within 15 ms of its end run out */
		assert_true(d == t0 + limit || d + 16 * MS >= prev + gap);
		tu_sleep_until(d);
		prev = mbl_time_ns();
		if (mbl_dtls_conn_tick(p.cli, prev) != MBL_DTLS_HANDSHAKING)
			break;
		stats(p.cli, &st);
		assert_int_equal(st.retransmits, ++rtx_ticks);
		gap *= 2;
		assert_true(rtx_ticks < 8);
	}
	assert_int_equal(mbl_dtls_conn_failure(p.cli), MBL_DTLS_FAIL_TIMEOUT);
	assert_string_equal(mbl_dtls_conn_detail(p.cli), "");
	assert_int_equal(mbl_dtls_conn_deadline(p.cli), UINT64_MAX);
	assert_true(prev >= t0 + limit);
	stats(p.cli, &st);
	assert_true(st.retransmits >= 1 && st.retransmits <= 3);
	assert_int_equal(st.retransmits, rtx_ticks);
	while (mbl_dtls_conn_output(p.cli, buf, sizeof(buf)) > 0)
		sent++;
	assert_int_equal(sent, 1 + st.retransmits);
	assert_int_equal(st.tx_datagrams, sent);
	/* failed for good */
	assert_int_equal(mbl_dtls_conn_tick(p.cli, UINT64_MAX - 1), MBL_DTLS_FAILED);
	assert_int_equal(mbl_dtls_conn_input(p.cli, buf, 20, mbl_time_ns()), MBL_DTLS_FAILED);
	stats(p.cli, &st);
	assert_int_equal(st.rx_ignored, 1);
	tu_fini(&p);
}

/* The limit is the caller's clock alone: a server that never hears a
 * ClientHello fails exactly at start + timeout. */
static void test_server_limit_exact(void **state)
{
	const uint64_t t0 = 5000 * MS, limit = 2000 * MS;
	struct tu_pair p;

	(void)state;
	pair_up(&p, limit, RTO_SHORT_MS);
	mbl_dtls_conn_start(p.srv, t0);
	assert_int_equal(mbl_dtls_conn_deadline(p.srv), t0 + limit);
	assert_int_equal(mbl_dtls_conn_tick(p.srv, t0 + limit - 1), MBL_DTLS_HANDSHAKING);
	assert_int_equal(mbl_dtls_conn_tick(p.srv, t0 + limit), MBL_DTLS_FAILED);
	assert_int_equal(mbl_dtls_conn_failure(p.srv), MBL_DTLS_FAIL_TIMEOUT);
	assert_int_equal(mbl_dtls_conn_deadline(p.srv), UINT64_MAX);
	/* a limit past the end of the clock saturates instead of wrapping */
	tu_conns_free(&p);
	tu_conns(&p, NULL, NULL, NULL, NULL, UINT64_MAX);
	mbl_dtls_conn_start(p.srv, t0);
	assert_int_equal(mbl_dtls_conn_deadline(p.srv), UINT64_MAX - 1);
	assert_int_equal(mbl_dtls_conn_tick(p.srv, UINT64_MAX - 2), MBL_DTLS_HANDSHAKING);
	tu_fini(&p);
}

/* ---- garbage and duplicates --------------------------------------------------------------- */

#define N_JUNK 7

/* Datagrams that are not (whole, usable) DTLS records, around a real one. */
static void junk_into(struct mbl_dtls_conn *dst, const uint8_t *real, size_t n, uint64_t now)
{
	static const uint8_t stun[20] = { 0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42 };
	uint8_t rtp[172], rnd[300], bad[MBL_DTLS_MTU];
	uint32_t seed = 0x1234567u;

	tu_rtp(rtp, 0x11223344u, 9);
	for (size_t i = 0; i < sizeof(rnd); i++)
		rnd[i] = (uint8_t)mbl_xorshift32(&seed);
	mbl_dtls_conn_input(dst, rtp, sizeof(rtp), now);
	mbl_dtls_conn_input(dst, stun, sizeof(stun), now);
	mbl_dtls_conn_input(dst, rnd, sizeof(rnd), now);
	mbl_dtls_conn_input(dst, real, n - 1, now);   /* truncated record */
	mbl_dtls_conn_input(dst, real, 12, now);      /* not even a header */
	mbl_dtls_conn_input(dst, NULL, 0, now);       /* empty */
	memcpy(bad, real, n);
	bad[0] = 25;                                  /* a content type DTLS 1.2 lacks */
	mbl_dtls_conn_input(dst, bad, n, now);
}

static unsigned move_with_junk(struct tu_pair *p, bool from_client)
{
	struct mbl_dtls_conn *src = from_client ? p->cli : p->srv;
	struct mbl_dtls_conn *dst = from_client ? p->srv : p->cli;
	uint8_t buf[MBL_DTLS_MTU];
	unsigned moved = 0;
	int n;

	while ((n = mbl_dtls_conn_output(src, buf, sizeof(buf))) > 0) {
		junk_into(dst, buf, (size_t)n, mbl_time_ns());
		mbl_dtls_conn_input(dst, buf, (size_t)n, mbl_time_ns());
		moved++;
	}
	return moved;
}

static void test_garbage_mixed_in(void **state)
{
	struct mbl_dtls_conn_stats cs, ss;
	unsigned moved[2] = { 0, 0 };
	struct tu_pair p;

	(void)state;
	pair_up(&p, 0, RTO_LONG_MS);
	tu_start(&p);
	/* junk before the server even heard from the client too */
	junk_into(p.srv, (const uint8_t *)"\x16\xfe\xfd\0\0\0\0\0\0\0\0\0\x05hello", 18,
		  mbl_time_ns());
	for (int i = 0; i < 4; i++) { /* two rounds do it; the others move nothing */
		moved[1] += move_with_junk(&p, true);
		moved[0] += move_with_junk(&p, false);
	}
	tu_assert_keys(&p, s80);
	stats(p.cli, &cs);
	stats(p.srv, &ss);
	assert_int_equal(moved[1], 2);
	assert_int_equal(moved[0], 2);
	assert_int_equal(cs.rx_ignored, 2 * N_JUNK);
	assert_int_equal(ss.rx_ignored, 3 * N_JUNK);
	assert_int_equal(cs.rx_datagrams, 2 * N_JUNK + 2);
	assert_int_equal(ss.rx_datagrams, 3 * N_JUNK + 2);
	assert_int_equal(cs.retransmits + ss.retransmits, 0);
	/* and after DONE: still ignored, still DONE, nothing sent */
	junk_into(p.cli, (const uint8_t *)"\x17\xfe\xfd\0\x01\0\0\0\0\0\0\0\x02hi", 15,
		  mbl_time_ns());
	stats(p.cli, &cs);
	assert_int_equal(cs.rx_ignored, 3 * N_JUNK);
	assert_int_equal(mbl_dtls_conn_state(p.cli), MBL_DTLS_DONE);
	assert_int_equal(move_with_junk(&p, true), 0);
	tu_fini(&p);
}

/* Every datagram arrives twice: DTLS drops the copies (replay detection,
 * old message sequence numbers) and nobody sends anything again. */
static bool deliver_twice(void *arg, bool from_client, unsigned idx, const uint8_t *d, size_t n)
{
	struct tu_pair *p = arg;

	(void)idx;
	mbl_dtls_conn_input(from_client ? p->srv : p->cli, d, n, mbl_time_ns());
	return false;
}

static void test_duplicates(void **state)
{
	struct mbl_dtls_conn_stats cs, ss;
	struct tu_pair p;

	(void)state;
	pair_up(&p, 0, RTO_LONG_MS);
	p.drop = deliver_twice;
	p.arg = &p;
	tu_start(&p);
	tu_settle(&p);
	tu_assert_keys(&p, s80);
	stats(p.cli, &cs);
	stats(p.srv, &ss);
	assert_int_equal(cs.rx_datagrams, 4);
	assert_int_equal(ss.rx_datagrams, 4);
	assert_int_equal(cs.tx_datagrams, 2);
	assert_int_equal(ss.tx_datagrams, 2);
	assert_int_equal(cs.retransmits + ss.retransmits, 0);
	tu_fini(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_rto),
		cmocka_unit_test(test_lost_client_hello),
		cmocka_unit_test(test_lost_server_last_flight),
		cmocka_unit_test(test_lost_server_first_flight),
		cmocka_unit_test(test_peer_never_answers),
		cmocka_unit_test(test_server_limit_exact),
		cmocka_unit_test(test_garbage_mixed_in),
		cmocka_unit_test(test_duplicates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
