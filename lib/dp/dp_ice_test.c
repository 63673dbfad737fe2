/* SPDX-License-Identifier: BSD-3-Clause
 * ICE on the handshake service (dp_ice.c, dp_hs.c) with real rings and
 * mbufs (EAL on --no-huge, no port), against a second lib/stun agent
 * playing the gateway, on a scripted clock. The service's STUN leaves on
 * the owner's hs_tx ring with its destination prepended; the test hands
 * it to the gateway and puts the gateway's datagrams on hs_rx with their
 * source, as a worker would. Checked: checks both ways until a pair is
 * selected, the owner told that media may flow (an ICE control message)
 * and the call told through the ICE callback; checks the gateway sends
 * before our agent exists held and answered once it does; consent lost
 * 30 s after the gateway goes silent (RFC 7675 5.1), media stopped and the
 * call failed with ice_consent_lost. The scripted clock starts at the real
 * one (agents open at mbl_time_ns()) and then runs ahead of it. */
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

#define STREAMS 4
#define MS 1000000ull
#define GW_IP "198.18.7.2"
#define GW_PORT 40000
#define GW_UFRAG "gwUf"
#define GW_PWD "gatewayPassword0123456789"

struct fix {
	struct mbl_dp dp;
	struct dp_worker w[1];
	struct mbl_ice_agent gw;       /* the gateway */
	bool gw_silent;                /* drop what the gateway sends */
	struct mbl_dp_ice_result res[8];
	unsigned n_res;
	uint64_t now;
};

static struct fix *cur; /* the gateway's send callback reaches the rings */

static void det_random(void *user, uint8_t *buf, size_t n)
{
	static uint32_t x = 12345;

	(void)user;
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (uint8_t)(x >> 16);
	}
}

/* The gateway's datagram arrives at our stream 1's port: onto hs_rx with
 * its source, as dp_stun_rx leaves it. */
static int gw_send(void *user, const struct mbl_stun_addr *from, const struct mbl_stun_addr *to,
		   const uint8_t *buf, size_t len)
{
	struct dp_hs_addr src = {.family = 4, .port = from->port};
	struct rte_mbuf *m;
	char *p;

	(void)user;
	(void)to;
	if (cur->gw_silent)
		return 0;
	m = rte_pktmbuf_alloc(cur->dp.pool);
	assert_non_null(m);
	src.ip[10] = src.ip[11] = 0xff;
	memcpy(src.ip + 12, from->ip, 4);
	p = rte_pktmbuf_append(m, (uint16_t)(sizeof(src) + len));
	memcpy(p, &src, sizeof(src));
	memcpy(p + sizeof(src), buf, len);
	m->hash.usr = 1;
	m->packet_type = DP_HS_STUN;
	assert_int_equal(rte_ring_sp_enqueue(cur->w[0].hs_rx, m), 0);
	return 0;
}

static void on_ice(void *arg, const struct mbl_dp_ice_result *r)
{
	struct fix *f = arg;

	assert_true(f->n_res < 8);
	f->res[f->n_res++] = *r;
}

/* What the service sent: to the gateway's address, into its agent. */
static unsigned move_to_gw(struct fix *f)
{
	struct rte_mbuf *m;
	unsigned n = 0;

	while (rte_ring_sc_dequeue(f->w[0].hs_tx, (void **)&m) == 0) {
		struct dp_hs_addr dst;
		struct mbl_stun_addr src;
		uint8_t ip[16];
		uint16_t port;

		assert_int_equal(m->packet_type, DP_HS_STUN);
		memcpy(&dst, rte_pktmbuf_mtod(m, void *), sizeof(dst));
		assert_int_equal(dst.port, GW_PORT);
		assert_int_equal(dst.ip[12], 198);
		assert_int_equal(dst.ip[15], 2);
		dp_stream_local(&f->dp.conf, (uint32_t)m->hash.usr, ip, &port);
		memset(&src, 0, sizeof(src));
		src.family = 4;
		src.port = port;
		memcpy(src.ip, ip + 12, 4);
		if (!f->gw_silent)
			mbl_ice_input(&f->gw, f->now, &src,
				      rte_pktmbuf_mtod_offset(m, uint8_t *, sizeof(dst)),
				      m->data_len - sizeof(dst));
		rte_pktmbuf_free(m);
		n++;
	}
	return n;
}

/* ICE control messages the owner got: the last one's send_on, or -1. */
static int gate(struct fix *f)
{
	struct dp_msg *m;
	int last = -1;

	while (rte_ring_sc_dequeue(f->w[0].ctl, (void **)&m) == 0) {
		assert_int_equal(m->type, DP_MSG_ICE);
		last = m->send_on;
		free(m);
		f->dp.ctl_inflight--;
	}
	return last;
}

static void run_ms(struct fix *f, unsigned ms, unsigned step)
{
	for (unsigned t = 0; t < ms; t += step) {
		f->now += step * MS;
		mbl_dp_dtls_poll(&f->dp, f->now);
		move_to_gw(f);
		mbl_ice_poll(&f->gw, f->now);
	}
}

/* Our stream 1, UAC (offerer, controlling), full agent, the gateway full. */
static void open_ice(struct fix *f, uint32_t stream)
{
	struct mbl_dp_media m;
	char err[160] = "";

	memset(&m, 0, sizeof(m));
	m.ice = true;
	m.ice_offerer = true;
	snprintf(m.ice_ufrag, sizeof(m.ice_ufrag), "ourU1234");
	snprintf(m.ice_pwd, sizeof(m.ice_pwd), "ourPassword+0123456789ab");
	snprintf(m.ice_rufrag, sizeof(m.ice_rufrag), GW_UFRAG);
	snprintf(m.ice_rpwd, sizeof(m.ice_rpwd), GW_PWD);
	m.n_ice_cand = 1;
	snprintf(m.ice_cand[0].foundation, sizeof(m.ice_cand[0].foundation), "gw1");
	m.ice_cand[0].priority = 2130706431u;
	snprintf(m.ice_cand[0].ip, sizeof(m.ice_cand[0].ip), GW_IP);
	m.ice_cand[0].port = GW_PORT;
	if (dp_hs_open(&f->dp, stream, &m, 0x1234, err, sizeof(err)) != 0)
		fail_msg("open: %s", err);
}

static void gw_agent(struct fix *f, uint32_t stream)
{
	struct mbl_ice_conf c = {.offerer = false, .n_local = 1, .random = det_random,
				 .send = gw_send, .user = f, .ufrag = GW_UFRAG, .pwd = GW_PWD};
	uint8_t ip[16];
	uint16_t port;
	char lip[32];

	assert_int_equal(mbl_stun_addr_set(&c.local[0], GW_IP, GW_PORT), 0);
	assert_int_equal(mbl_ice_init(&f->gw, &c), 0);
	assert_int_equal(mbl_ice_set_remote(&f->gw, "ourU1234", "ourPassword+0123456789ab",
					    false), 0);
	dp_stream_local(&f->dp.conf, stream, ip, &port);
	snprintf(lip, sizeof(lip), "%u.%u.%u.%u", ip[12], ip[13], ip[14], ip[15]);
	assert_int_equal(mbl_ice_add_remote_candidate(&f->gw, "us1", 2130706431u, lip, port,
						      MBL_ICE_CAND_HOST), 0);
	assert_int_equal(mbl_ice_start(&f->gw, f->now), 0);
}

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	cur = f;
	f->now = mbl_time_ns(); /* the service opens agents on this clock */
	f->dp.conf.streams = STREAMS;
	f->dp.conf.ice = true;
	f->dp.conf.local_port = 20000;
	f->dp.conf.port_step = 2;
	if (mbl_ip_range_parse("198.18.7.1", &f->dp.conf.local) != 0)
		return -1;
	f->dp.n_workers = 1;
	f->dp.per_worker = STREAMS;
	f->dp.w = f->w;
	f->w[0].dp = &f->dp;
	f->w[0].n = STREAMS;
	f->w[0].ctl = rte_ring_create("ice_test_ctl", 64, SOCKET_ID_ANY, 0);
	f->dp.pool = rte_pktmbuf_pool_create("ice_test", 1023, 0, 0, 2048, SOCKET_ID_ANY);
	if (f->w[0].ctl == NULL || f->dp.pool == NULL || dp_hs_create(&f->dp) != 0)
		return -1;
	mbl_dp_set_ice_cb(&f->dp, on_ice, f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	gate(f);
	dp_hs_free(&f->dp);
	assert_int_equal(rte_mempool_in_use_count(f->dp.pool), 0); /* nothing leaked */
	rte_mempool_free(f->dp.pool);
	rte_ring_free(f->w[0].ctl);
	free(f);
	return 0;
}

static void test_select_then_consent_lost(void **state)
{
	struct fix *f = *state;
	struct mbl_dp_ice_stats st;

	open_ice(f, 1);
	gw_agent(f, 1);
	run_ms(f, 2000, 10);
	assert_int_equal(mbl_ice_state(&f->gw), MBL_ICE_CONNECTED);
	assert_int_equal(f->n_res, 1);
	assert_true(f->res[0].ok);
	assert_int_equal(f->res[0].stream, 1);
	assert_true(f->res[0].select_ns > 0 && f->res[0].select_ns < 2000 * MS);
	assert_int_equal(gate(f), 1); /* media may flow */
	mbl_dp_ice_stats(&f->dp, &st);
	assert_int_equal(st.started, 1);
	assert_int_equal(st.selected, 1);
	assert_true(st.c.checks_sent >= 1 && st.c.checks_answered >= 1);
	assert_int_equal(st.select_us.count, 1);
	/* consent holds while the gateway answers: a minute of clock */
	run_ms(f, 60000, 500);
	assert_int_equal(f->n_res, 1);
	mbl_dp_ice_stats(&f->dp, &st);
	assert_true(st.c.consent_sent >= 9); /* one per 4-6 s */
	/* the gateway goes silent: consent lost within 30 s + one interval */
	f->gw_silent = true;
	run_ms(f, 37000, 500);
	assert_int_equal(f->n_res, 2);
	assert_false(f->res[1].ok);
	assert_int_equal(f->res[1].fail, MBL_ICE_FAIL_CONSENT_LOST);
	assert_int_equal(gate(f), 0); /* media stops */
	mbl_dp_ice_stats(&f->dp, &st);
	assert_int_equal(st.failed[MBL_ICE_FAIL_CONSENT_LOST], 1);
	assert_int_equal(f->dp.hs->n_active, 0); /* nothing left to drive */
	dp_hs_close(&f->dp, 1);
}

/* The gateway checks before our answer is in: held, then answered. */
static void test_early_check_held(void **state)
{
	struct fix *f = *state;
	struct mbl_dp_ice_stats st;

	mbl_dp_dtls_expect(&f->dp, 1, f->now + 32000 * MS);
	gw_agent(f, 1);
	for (int i = 0; i < 20; i++) { /* 200 ms of gateway checks, no agent of ours */
		f->now += 10 * MS;
		mbl_ice_poll(&f->gw, f->now);
		mbl_dp_dtls_poll(&f->dp, f->now);
	}
	mbl_dp_ice_stats(&f->dp, &st);
	assert_true(st.early_held >= 1);
	assert_int_equal(move_to_gw(f), 0); /* nothing answered yet */
	open_ice(f, 1);
	f->now += MS;
	mbl_dp_dtls_poll(&f->dp, f->now);
	mbl_dp_ice_stats(&f->dp, &st);
	assert_int_equal(st.early_fed, st.early_held < DP_HS_EARLY_PER ? st.early_held
								       : DP_HS_EARLY_PER);
	assert_true(st.c.checks_received >= 1);
	assert_true(move_to_gw(f) >= 1); /* responses (and our own checks) */
	run_ms(f, 2000, 10);
	assert_int_equal(f->n_res, 1);
	assert_true(f->res[0].ok);
	dp_hs_close(&f->dp, 1);
}

/* One datagram from the gateway's address onto stream 1's hs_rx. */
static void inject(struct fix *f, const uint8_t *buf, size_t len)
{
	struct mbl_stun_addr from;

	assert_int_equal(mbl_stun_addr_set(&from, GW_IP, GW_PORT), 0);
	gw_send(f, &from, NULL, buf, len);
}

/* A check built for our agent: USERNAME ourU1234:gwUf, our password (or
 * a wrong one), optionally an extra attribute before MESSAGE-INTEGRITY. */
static int check_msg(uint8_t *buf, size_t cap, const char *pwd, uint16_t extra)
{
	static const uint8_t tid[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
	struct mbl_stun_writer w;
	uint8_t v[4] = {0};

	mbl_stun_w_begin(&w, buf, cap, MBL_STUN_BINDING_REQUEST, tid);
	mbl_stun_w_u32(&w, MBL_STUN_ATTR_PRIORITY, 1853824767u);
	mbl_stun_w_u64(&w, MBL_STUN_ATTR_ICE_CONTROLLED, 42);
	mbl_stun_w_str(&w, MBL_STUN_ATTR_USERNAME, "ourU1234:" GW_UFRAG);
	if (extra != 0)
		mbl_stun_w_attr(&w, extra, v, sizeof(v));
	mbl_stun_w_integrity(&w, (const uint8_t *)pwd, strlen(pwd));
	mbl_stun_w_fingerprint(&w);
	return mbl_stun_w_end(&w);
}

/* Bad STUN from outside reaches a live agent: each kind is answered or
 * dropped as the RFCs say, counted, and nothing else changes (ASan runs
 * this too). */
static void test_bad_stun_counted(void **state)
{
	struct fix *f = *state;
	struct mbl_dp_ice_stats st;
	uint8_t buf[512];
	int n;

	open_ice(f, 1);
	n = check_msg(buf, sizeof(buf), "wrongPassword0123456789", 0);
	assert_true(n > 0);
	inject(f, buf, (size_t)n);                        /* integrity: 401 */
	buf[n - 1] ^= 0xff;
	inject(f, buf, (size_t)n);                        /* fingerprint: dropped */
	n = check_msg(buf, sizeof(buf), "ourPassword+0123456789ab", 0x7ff0);
	inject(f, buf, (size_t)n);                        /* unknown required: 420 */
	inject(f, buf, 27);                               /* truncated attribute */
	buf[3] = (uint8_t)(buf[3] + 1);                   /* length not a multiple of 4 */
	inject(f, buf, (size_t)n);
	memset(buf, 0, 64);
	inject(f, buf, 3);                                /* shorter than a header */
	f->now += MS;
	mbl_dp_dtls_poll(&f->dp, f->now);
	mbl_dp_ice_stats(&f->dp, &st);
	assert_int_equal(st.c.bad_integrity, 1);
	assert_int_equal(st.c.bad_fingerprint, 1);
	assert_true(st.c.malformed >= 3);
	assert_true(st.c.errors_sent >= 2);              /* the 401 and the 420 */
	assert_int_equal(st.c.checks_answered, 0);
	assert_int_equal(st.selected, 0);
	assert_int_equal(f->n_res, 0);
	f->gw_silent = true; /* no gateway agent here: what went out is dropped */
	while (move_to_gw(f) != 0)
		;
	dp_hs_close(&f->dp, 1);
}

/* A slot with no ICE and no expectation drops STUN as stale. */
static void test_stun_without_agent(void **state)
{
	struct fix *f = *state;
	struct mbl_dp_dtls_stats st;

	gw_agent(f, 1);
	f->now += 100 * MS;
	mbl_ice_poll(&f->gw, f->now);
	mbl_dp_dtls_poll(&f->dp, f->now);
	mbl_dp_dtls_stats(&f->dp, &st);
	assert_true(st.rx_stale >= 1);
	assert_int_equal(st.rx_early, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_select_then_consent_lost, setup, teardown),
		cmocka_unit_test_setup_teardown(test_early_check_held, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stun_without_agent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_stun_counted, setup, teardown),
	};

	return dp_test_eal_run("dp_ice_test", tests);
}
