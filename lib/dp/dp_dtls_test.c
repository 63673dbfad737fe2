/* SPDX-License-Identifier: BSD-3-Clause
 * The DTLS handshake service (dp_dtls.c) with real rings and mbufs (EAL
 * on --no-huge, no port): a peer in DTLS active role sends its ClientHello
 * before our side knows the call (found through rtpengine, which starts
 * the handshake as soon as it has answered). A slot we offered DTLS on
 * holds it and feeds it to the handshake the moment the answer opens it,
 * so the ServerHello goes out at once rather than after the peer's
 * retransmission timer; a slot nobody offered on drops it as stale; a held
 * datagram whose handshake never comes expires; the hold is bounded per
 * slot. The clock is scripted (the service takes now as an argument). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <rte_eal.h>
#include <rte_mbuf.h>

#include "dp_priv.h"
#include "dp_test_eal.h"
#include "dtls_test_util.h"

#define STREAMS 4
#define SEC 1000000000ull

struct fix {
	struct mbl_dp dp;
	struct dp_worker w[1];
	struct tu_pair p;        /* cli: the peer (active); srv side: our ctx */
};

static void dgram_in(struct fix *f, uint32_t stream, const uint8_t *d, int n)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(f->dp.pool);

	assert_non_null(m);
	memcpy(rte_pktmbuf_append(m, (uint16_t)n), d, (size_t)n);
	m->hash.usr = stream;
	assert_int_equal(rte_ring_sp_enqueue(f->w[0].hs_rx, m), 0);
}

/* The peer's first flight (its ClientHello) onto stream's RX ring. */
static void client_hello(struct fix *f, uint32_t stream, uint64_t now)
{
	uint8_t buf[MBL_DTLS_MTU + 64];
	char err[160] = "";
	int n;

	/* a fresh peer connection each time: one ClientHello each */
	mbl_dtls_conn_free(f->p.cli);
	f->p.cli = mbl_dtls_conn_create(f->p.cctx, MBL_DTLS_CLIENT, "sha-256",
					mbl_dtls_ident_fingerprint(f->p.sid), 10 * SEC, err,
					sizeof(err));
	assert_non_null(f->p.cli);
	mbl_dtls_conn_start(f->p.cli, now);
	n = mbl_dtls_conn_output(f->p.cli, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(buf[0], 22); /* handshake record (RFC 7983: 20..63) */
	dgram_in(f, stream, buf, n);
}

/* Datagrams the service put on the owner's TX ring. */
static unsigned tx_count(struct fix *f)
{
	struct rte_mbuf *m;
	unsigned n = 0;

	while (rte_ring_sc_dequeue(f->w[0].hs_tx, (void **)&m) == 0) {
		n++;
		rte_pktmbuf_free(m);
	}
	return n;
}

static void open_role(struct fix *f, uint32_t stream, enum mbl_dtls_role role)
{
	struct mbl_dp_media m;
	char err[160] = "";

	memset(&m, 0, sizeof(m));
	m.dtls = true;
	m.dtls_role = role;
	snprintf(m.fp_alg, sizeof(m.fp_alg), "sha-256");
	snprintf(m.fp, sizeof(m.fp), "%s", mbl_dtls_ident_fingerprint(f->p.cid));
	if (dp_hs_open(&f->dp, stream, &m, 0x1234, err, sizeof(err)) != 0)
		fail_msg("open: %s", err);
}

static void open_server(struct fix *f, uint32_t stream)
{
	open_role(f, stream, MBL_DTLS_SERVER); /* the peer answered a=setup:active */
}

static int setup(void **state)
{
	static const enum mbl_srtp_suite s[] = {MBL_SRTP_AES_CM_128_HMAC_SHA1_80};
	struct fix *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	tu_init(&f->p, s, 1, s, 1);
	tu_conns(&f->p, NULL, NULL, NULL, NULL, 10 * SEC);
	f->dp.conf.streams = STREAMS;
	f->dp.conf.dtls = f->p.sctx;
	f->dp.conf.dtls_timeout_ns = 10 * SEC;
	f->dp.conf.rtcp_mux = true;
	f->dp.n_workers = 1;
	f->dp.per_worker = STREAMS;
	f->dp.w = f->w;
	f->w[0].dp = &f->dp;
	f->w[0].n = STREAMS;
	f->dp.pool = rte_pktmbuf_pool_create("dtls_test", 1023, 0, 0, 2048, SOCKET_ID_ANY);
	if (f->dp.pool == NULL || dp_hs_create(&f->dp) != 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	dp_hs_free(&f->dp);
	assert_int_equal(rte_mempool_in_use_count(f->dp.pool), 0); /* nothing leaked */
	rte_mempool_free(f->dp.pool);
	tu_fini(&f->p);
	free(f);
	return 0;
}

/* Offered on slot 2, ClientHello first, answer later: held, then fed. */
static void test_early_client_hello_fed(void **state)
{
	struct fix *f = *state;
	struct mbl_dp_dtls_stats st;
	uint64_t now = mbl_time_ns();

	mbl_dp_dtls_expect(&f->dp, 2, now + 32 * SEC);
	client_hello(f, 2, now);
	mbl_dp_dtls_poll(&f->dp, now);
	mbl_dp_dtls_stats(&f->dp, &st);
	assert_int_equal(st.rx_early, 1);
	assert_int_equal(st.rx_stale, 0);
	assert_int_equal(tx_count(f), 0);
	/* the 200 OK arrives 300 ms later: the stream starts, so does the
	 * handshake, and the held ClientHello is answered on that same poll */
	now += 300000000ull;
	open_server(f, 2);
	mbl_dp_dtls_poll(&f->dp, now);
	mbl_dp_dtls_stats(&f->dp, &st);
	assert_int_equal(st.early_fed, 1);
	assert_int_equal(st.rx, 1);
	assert_true(tx_count(f) >= 1); /* ServerHello .. ServerHelloDone */
	assert_int_equal(st.retransmits, 0);
	dp_hs_close(&f->dp, 2);
}

/* Nobody offered on slot 1: stale, as before. A held datagram whose
 * answer never comes expires after DP_HS_EARLY_NS. */
static void test_stale_and_expired(void **state)
{
	struct fix *f = *state;
	struct mbl_dp_dtls_stats st;
	uint64_t now = mbl_time_ns();

	client_hello(f, 1, now);
	mbl_dp_dtls_poll(&f->dp, now);
	mbl_dp_dtls_stats(&f->dp, &st);
	assert_int_equal(st.rx_stale, 1);
	assert_int_equal(st.rx_early, 0);

	mbl_dp_dtls_expect(&f->dp, 3, now + 32 * SEC);
	client_hello(f, 3, now);
	mbl_dp_dtls_poll(&f->dp, now);
	mbl_dp_dtls_poll(&f->dp, now + DP_HS_EARLY_NS - 1);
	mbl_dp_dtls_stats(&f->dp, &st);
	assert_int_equal(st.rx_early, 1);
	assert_int_equal(st.early_expired, 0);
	mbl_dp_dtls_poll(&f->dp, now + DP_HS_EARLY_NS);
	mbl_dp_dtls_stats(&f->dp, &st);
	assert_int_equal(st.early_expired, 1);
	/* the answer after that: nothing left to feed */
	open_server(f, 3);
	mbl_dp_dtls_poll(&f->dp, now + DP_HS_EARLY_NS + 1);
	mbl_dp_dtls_stats(&f->dp, &st);
	assert_int_equal(st.early_fed, 0);
	assert_int_equal(tx_count(f), 0);
	dp_hs_close(&f->dp, 3);
	/* past the expectation (the call timed out): stale again */
	client_hello(f, 0, now);
	mbl_dp_dtls_expect(&f->dp, 0, now);
	mbl_dp_dtls_poll(&f->dp, now);
	mbl_dp_dtls_stats(&f->dp, &st);
	assert_int_equal(st.rx_stale, 2);
}

/* One slot holds at most DP_HS_EARLY_PER: a flood costs the rest nothing. */
static void test_hold_bounded(void **state)
{
	struct fix *f = *state;
	struct mbl_dp_dtls_stats st;
	uint8_t junk[64] = {22};
	uint64_t now = mbl_time_ns();

	mbl_dp_dtls_expect(&f->dp, 1, now + 32 * SEC);
	for (int i = 0; i < DP_HS_EARLY_PER + 5; i++)
		dgram_in(f, 1, junk, sizeof(junk));
	mbl_dp_dtls_poll(&f->dp, now);
	mbl_dp_dtls_stats(&f->dp, &st);
	assert_int_equal(st.rx_early, DP_HS_EARLY_PER);
	assert_int_equal(st.rx_stale, 5);
	/* freed on dp_hs_free (teardown checks the pool) */
}

/* We are the client (the peer answered a=setup:passive) but the peer
 * sends a ClientHello anyway (rtpengine with DTLS=passive): dropped and
 * counted, held or not, and our own ClientHello goes out. */
static void test_client_hello_to_client(void **state)
{
	struct fix *f = *state;
	struct mbl_dp_dtls_stats st;
	uint64_t now = mbl_time_ns();

	mbl_dp_dtls_expect(&f->dp, 1, now + 32ull * SEC);
	client_hello(f, 1, now);
	mbl_dp_dtls_poll(&f->dp, now);
	open_role(f, 1, MBL_DTLS_CLIENT);
	mbl_dp_dtls_poll(&f->dp, now + 1000);
	client_hello(f, 1, now + 2000);
	mbl_dp_dtls_poll(&f->dp, now + 3000);
	mbl_dp_dtls_stats(&f->dp, &st);
	assert_int_equal(st.rx_early, 1);
	assert_int_equal(st.rx_wrong_role, 2);
	assert_int_equal(st.rx, 0);
	assert_true(tx_count(f) >= 1); /* our ClientHello */
	dp_hs_close(&f->dp, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_early_client_hello_fed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_and_expired, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hold_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_hello_to_client, setup, teardown),
	};

	return dp_test_eal_run("dp_dtls_test", tests);
}
