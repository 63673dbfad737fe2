/* SPDX-License-Identifier: BSD-3-Clause
 * Soak: 20,000 calls (INVITE, 100, 200, ACK, BYE, 200) through the in-memory
 * UA pair on a simulated clock, then every lingering transaction runs out:
 * all calls end with the right events, nothing is retransmitted, every call
 * and transaction is freed (ASan checks the rest). Then 5,000 calls with 2%
 * random loss of every message, where every call must still reach exactly
 * one terminal event on each side and everything must be freed. Prints (does
 * not assert) the calls/s the pair achieved on this one thread.
 */
#include <time.h>

#include "ua_test_pair.h"

struct soak {
	unsigned ended, remote_bye, failed_a, failed_b, other_a, other_b;
	uint32_t lcg;
	unsigned loss_pct;
};

static void soak_ev(struct pair *p, int side, struct mbl_sip_ev *ev)
{
	struct soak *s = p->user;

	if (side == 1) {
		switch (ev->type) {
		case MBL_SIP_EV_INCOMING:
			assert_int_equal(mbl_sip_call_respond(ev->call, 200, SDP_B, NULL, p->now), 0);
			break;
		case MBL_SIP_EV_REMOTE_BYE: s->remote_bye++; break;
		case MBL_SIP_EV_FAILED: s->failed_b++; break;
		case MBL_SIP_EV_ACKED: break;
		default: s->other_b++; break;
		}
		return;
	}
	switch (ev->type) {
	case MBL_SIP_EV_ANSWERED:
		assert_int_equal(mbl_sip_call_bye(ev->call, p->now), 0);
		break;
	case MBL_SIP_EV_ENDED: s->ended++; break;
	case MBL_SIP_EV_FAILED: s->failed_a++; break;
	case MBL_SIP_EV_PROGRESS: break;
	default: s->other_a++; break;
	}
}

static bool soak_drop(struct pair *p, int from, const char *buf, size_t len)
{
	struct soak *s = p->user;

	(void)from, (void)buf, (void)len;
	s->lcg = s->lcg * 1103515245u + 12345u;
	return (s->lcg >> 16) % 100 < s->loss_pct;
}

static double wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* n calls, `per_ms` started per simulated millisecond. Returns the wall
 * seconds until the last call ended. */
static double soak_run(struct pair *p, unsigned n, unsigned per_ms)
{
	struct soak *s = p->user;
	double t0 = wall();
	unsigned i;

	for (i = 0; i < n; i++) {
		pair_call(p, SDP_A);
		if (i % per_ms == per_ms - 1)
			pair_advance(p, MS(1));
	}
	pair_pump(p);
	while (s->ended + s->failed_a + s->other_a < n)
		pair_advance(p, MS(100));
	return wall() - t0;
}

static void soak_pair(struct pair *p, struct soak *s, uint32_t max_calls)
{
	struct mbl_sip_ua_conf c;

	mbl_sip_ua_conf_defaults(&c);
	c.max_calls = max_calls;
	c.max_txns = 131072;
	pair_init_conf(p, &c, NULL);
	p->log = false;
	p->user = s;
	p->on_ev = soak_ev;
}

static void test_soak_20000(void **state)
{
	struct soak s = {0};
	struct pair p;
	double secs;
	int i;

	(void)state;
	soak_pair(&p, &s, 16384);
	secs = soak_run(&p, 20000, 10);
	printf("soak: 20000 calls (INVITE/100/200/ACK/BYE/200, both UAs on one thread) "
	       "in %.3f s: %.0f calls/s, %.0f messages/s\n", secs, 20000 / secs, 120000 / secs);
	assert_int_equal(s.ended, 20000);
	assert_int_equal(s.remote_bye, 20000);
	assert_int_equal(s.failed_a + s.failed_b + s.other_a + s.other_b, 0);
	printf("soak: live transactions after the last call: A %lu, B %lu (lingering J/K/L)\n",
	       (unsigned long)st(&p, 0)->txn_live, (unsigned long)st(&p, 1)->txn_live);
	pair_advance(&p, MS(40000));
	for (i = 0; i < 2; i++) {
		assert_int_equal(st(&p, i)->txn_live, 0);
		assert_int_equal(st(&p, i)->call_live, 0);
		assert_int_equal(st(&p, i)->rtx_out, 0);
		assert_int_equal(st(&p, i)->send_errors + st(&p, i)->unmatched, 0);
		assert_int_equal(mbl_sip_ua_next_timer_ns(p.ua[i]), UINT64_MAX);
	}
	assert_int_equal(st(&p, 0)->req_out[MBL_SIP_M_INVITE], 20000);
	assert_int_equal(st(&p, 1)->status_out[100 - 100], 20000);
	assert_int_equal(st(&p, 1)->status_out[200 - 100], 40000);
	assert_int_equal(st(&p, 1)->timer_fired[MBL_SIP_TIMER_J], 20000);
	assert_int_equal(st(&p, 1)->timer_fired[MBL_SIP_TIMER_L], 20000);
	assert_int_equal(st(&p, 0)->timer_fired[MBL_SIP_TIMER_K], 20000);
	pair_fini(&p);
}

static void test_soak_loss(void **state)
{
	struct soak s = {.lcg = 7, .loss_pct = 2};
	struct pair p;
	int i;

	(void)state;
	soak_pair(&p, &s, 8192);
	p.drop = soak_drop;
	soak_run(&p, 5000, 5);
	pair_advance(&p, MS(70000));
	printf("soak with 2%% loss: 5000 calls, %d messages dropped, A: %u ended %u failed, "
	       "B: %u remote BYE %u failed, retransmissions A %lu B %lu\n", p.drop_count, s.ended,
	       s.failed_a, s.remote_bye, s.failed_b, (unsigned long)st(&p, 0)->rtx_out,
	       (unsigned long)st(&p, 1)->rtx_out);
	assert_true(p.drop_count > 500);
	assert_int_equal(s.ended + s.failed_a, 5000);
	assert_int_equal(s.other_a + s.other_b, 0);
	assert_true(s.ended > 4900);
	/* B hears each call end once: BYE, or FAILED (no ACK, or the peer gave up). */
	assert_true(s.remote_bye + s.failed_b <= 5000 && s.remote_bye > 4900);
	assert_true(st(&p, 0)->rtx_out > 0 && st(&p, 1)->rtx_out > 0);
	for (i = 0; i < 2; i++) {
		assert_int_equal(st(&p, i)->txn_live, 0);
		assert_int_equal(st(&p, i)->call_live, 0);
	}
	pair_fini(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_soak_20000),
		cmocka_unit_test(test_soak_loss),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
