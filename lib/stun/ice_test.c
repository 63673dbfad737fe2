/* SPDX-License-Identifier: BSD-3-Clause
 * The ICE agent on a scripted clock: two agents wired back to back through
 * their send callbacks by a tiny network (fixed latency, drops, a NAT),
 * run as discrete events, so nothing depends on wall-clock time. Pairs:
 * full-full, full-lite, role conflicts both ways (RFC 8445 7.3.1.1 and
 * 7.2.5.1), peer-reflexive learning, a lost first check, consent kept
 * for 120 s and lost after 30 s unanswered (RFC 7675), wrong passwords.
 * ice_input_test.c feeds one agent crafted requests.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mbl_stun.h"

#define MS 1000000ull
#define S (1000 * MS)
#define QMAX 512

struct pkt {
	uint64_t at;
	struct mbl_stun_addr from, to;
	size_t len;
	uint8_t buf[700];
};

struct peer {
	struct net *net;
	int idx;
	uint64_t rng;
};

struct net {
	struct mbl_ice_agent ag[2];
	struct peer p[2];
	struct pkt q[QMAX];
	unsigned nq;
	uint64_t now, latency;
	unsigned drop_next[2];         /* drop the next n datagrams agent i sends */
	bool mute[2];                  /* drop everything agent i sends */
	bool nat[2];                   /* agent i behind a NAT: seen as ext[i] */
	struct mbl_stun_addr ext[2];
	unsigned sent[2];
};

static void rnd(void *user, uint8_t *buf, size_t n)
{
	struct peer *p = user;

	for (size_t i = 0; i < n; i++) { /* xorshift64: reproducible */
		p->rng ^= p->rng << 13;
		p->rng ^= p->rng >> 7;
		p->rng ^= p->rng << 17;
		buf[i] = (uint8_t)p->rng;
	}
}

static int net_send(void *user, const struct mbl_stun_addr *from, const struct mbl_stun_addr *to,
		    const uint8_t *buf, size_t len)
{
	struct peer *p = user;
	struct net *n = p->net;
	struct pkt *k;

	assert_true(len <= sizeof(n->q[0].buf));
	assert_true(mbl_stun_addr_eq(from, &n->ag[p->idx].conf.local[0]));
	n->sent[p->idx]++;
	if (n->mute[p->idx] || (n->drop_next[p->idx] && n->drop_next[p->idx]--))
		return 0;
	assert_true(n->nq < QMAX);
	k = &n->q[n->nq++];
	k->at = n->now + n->latency;
	k->from = n->nat[p->idx] ? n->ext[p->idx] : *from;
	k->to = *to;
	k->len = len;
	memcpy(k->buf, buf, len);
	return 0;
}

/* Which agent a datagram to `to` reaches (a NATed agent only at its
 * external address), or -1. */
static int dest(const struct net *n, const struct mbl_stun_addr *to)
{
	for (int i = 0; i < 2; i++) {
		if (n->nat[i] ? mbl_stun_addr_eq(to, &n->ext[i])
			      : mbl_stun_addr_eq(to, &n->ag[i].conf.local[0]))
			return i;
	}
	return -1;
}

static void deliver_due(struct net *n)
{
	unsigned i = 0;

	while (i < n->nq) {
		if (n->q[i].at > n->now) {
			i++;
			continue;
		}
		struct pkt k = n->q[i];
		int d;

		memmove(&n->q[i], &n->q[i + 1], (n->nq - i - 1) * sizeof(n->q[0]));
		n->nq--;
		d = dest(n, &k.to);
		if (d >= 0)
			(void)mbl_ice_input(&n->ag[d], n->now, &k.from, k.buf, k.len);
	}
}

/* Run both agents up to time end: deliveries and deadlines in order. */
static void run_until(struct net *n, uint64_t end)
{
	for (unsigned spins = 0; spins < 1000000; spins++) {
		uint64_t next = UINT64_MAX;

		deliver_due(n);
		for (int i = 0; i < 2; i++) {
			uint64_t d = mbl_ice_poll(&n->ag[i], n->now);

			assert_true(d > n->now); /* all that was due has run */
			next = d < next ? d : next;
		}
		for (unsigned i = 0; i < n->nq; i++)
			next = n->q[i].at < next ? n->q[i].at : next;
		if (next > end) {
			n->now = end;
			return;
		}
		n->now = next;
	}
	fail_msg("event loop does not settle");
}

static const char *const addrs[2] = { "198.18.0.1", "198.18.0.2" };
static const char *const addrs6[2] = { "2001:db8::1", "2001:db8::2" };
static const char *const *net_ip = addrs;

static struct net *net_new(bool lite0, bool off0, bool lite1, bool off1)
{
	struct net *n = test_calloc(1, sizeof(*n));
	bool lite[2] = { lite0, lite1 }, off[2] = { off0, off1 };

	n->latency = 5 * MS;
	for (int i = 0; i < 2; i++) {
		struct mbl_ice_conf c = { .lite = lite[i], .offerer = off[i], .n_local = 1,
					  .random = rnd, .send = net_send, .user = &n->p[i] };

		n->p[i] = (struct peer){ .net = n, .idx = i, .rng = 0x9E3779B97F4A7C15ull * (i + 1) };
		assert_int_equal(mbl_stun_addr_set(&c.local[0], net_ip[i], (uint16_t)(5000 + i)), 0);
		assert_int_equal(mbl_ice_init(&n->ag[i], &c), 0);
	}
	return n;
}

/* What SDP would carry from agent f to agent t. */
static void signal_to(struct net *n, int f, int t)
{
	struct mbl_ice_agent *from = &n->ag[f];
	const struct mbl_ice_cand *c = mbl_ice_local_candidate(from, 0);
	char ip[64];

	assert_int_equal(mbl_ice_set_remote(&n->ag[t], mbl_ice_local_ufrag(from),
					    mbl_ice_local_pwd(from), from->conf.lite), 0);
	mbl_stun_addr_str(&c->addr, ip, sizeof(ip));
	*strrchr(ip, ':') = 0;
	if (ip[0] == '[') { /* "[v6]" */
		memmove(ip, ip + 1, strlen(ip));
		ip[strlen(ip) - 1] = 0;
	}
	assert_int_equal(mbl_ice_add_remote_candidate(&n->ag[t], c->foundation, c->priority, ip,
						      c->addr.port, MBL_ICE_CAND_HOST), 0);
}

static void start_both(struct net *n)
{
	signal_to(n, 0, 1);
	signal_to(n, 1, 0);
	assert_int_equal(mbl_ice_start(&n->ag[0], n->now), 0);
	assert_int_equal(mbl_ice_start(&n->ag[1], n->now), 0);
}

static void assert_connected_pair(struct net *n)
{
	struct mbl_stun_addr l[2], r[2];

	for (int i = 0; i < 2; i++) {
		assert_int_equal(mbl_ice_state(&n->ag[i]), MBL_ICE_CONNECTED);
		assert_int_equal(mbl_ice_selected(&n->ag[i], &l[i], &r[i]), 0);
		assert_true(mbl_ice_may_send_media(&n->ag[i], n->now));
	}
	assert_true(mbl_stun_addr_eq(&l[0], &n->ag[0].conf.local[0]));
	assert_true(mbl_stun_addr_eq(&l[1], &n->ag[1].conf.local[0]));
	if (!n->nat[1])
		assert_true(mbl_stun_addr_eq(&r[0], &l[1]));
	assert_true(mbl_stun_addr_eq(&r[1], &l[0]));
	assert_true(mbl_ice_controlling(&n->ag[0]) != mbl_ice_controlling(&n->ag[1]));
}

static const struct mbl_ice_counters *cnt(struct net *n, int i)
{
	return mbl_ice_counters(&n->ag[i]);
}

/* ---- two agents ------------------------------------------------------------------------ */

static void test_full_full(void **state)
{
	struct net *n = net_new(false, true, false, false);

	(void)state;
	start_both(n);
	assert_true(mbl_ice_controlling(&n->ag[0]));
	assert_false(mbl_ice_controlling(&n->ag[1]));
	assert_false(mbl_ice_may_send_media(&n->ag[0], 0));
	assert_int_equal(mbl_ice_selected(&n->ag[0], NULL, NULL), -EAGAIN);
	mbl_ice_note_early(&n->ag[0]);
	run_until(n, 2 * S);
	assert_connected_pair(n);
	assert_int_equal(cnt(n, 0)->early_datagrams, 1);
	assert_int_equal(mbl_ice_counter(cnt(n, 0), 0), cnt(n, 0)->checks_sent);
	assert_int_equal(mbl_ice_counter(cnt(n, 0), 17), 1); /* early_datagrams */
	for (int i = 0; i < 2; i++) {
		assert_true(cnt(n, i)->checks_sent >= 1);
		assert_true(cnt(n, i)->checks_answered >= 1);
		assert_true(cnt(n, i)->responses_received >= 1);
		assert_int_equal(cnt(n, i)->bad_integrity, 0);
		assert_int_equal(cnt(n, i)->role_conflicts, 0);
		assert_true(cnt(n, i)->select_ns > 0 && cnt(n, i)->select_ns < 500 * MS);
	}
	assert_true(n->ag[0].pairs[n->ag[0].selected].nominated);
	test_free(n);
}

static void test_ipv6(void **state)
{
	struct net *n;

	(void)state;
	net_ip = addrs6;
	n = net_new(false, true, false, false);
	net_ip = addrs;
	start_both(n);
	run_until(n, 2 * S);
	assert_connected_pair(n);
	assert_int_equal(n->ag[0].local[0].addr.family, 6);
	test_free(n);
}

static void test_full_lite(void **state)
{
	struct net *n = net_new(false, false, true, true); /* the lite side offers */

	(void)state;
	start_both(n);
	assert_true(mbl_ice_controlling(&n->ag[0])); /* RFC 8445 6.1.1: full controls */
	assert_false(mbl_ice_controlling(&n->ag[1]));
	run_until(n, 60 * S);
	assert_connected_pair(n);
	assert_int_equal(n->ag[1].c.checks_sent, 0); /* lite sends no checks */
	assert_int_equal(cnt(n, 1)->consent_sent, 0);
	assert_true(cnt(n, 0)->consent_sent >= 9);
	test_free(n);
}

/* Both offered (a glare, or a peer that thinks it offered): both controlling. */
static void conflict(uint64_t tb0, uint64_t tb1, bool controlling, bool delay_b)
{
	struct net *n = net_new(false, controlling, false, controlling);

	n->ag[0].tiebreaker = tb0;
	n->ag[1].tiebreaker = tb1;
	signal_to(n, 0, 1);
	signal_to(n, 1, 0);
	assert_int_equal(mbl_ice_start(&n->ag[0], 0), 0);
	if (delay_b) /* B only answers A's first check: that decides */
		run_until(n, 100 * MS);
	assert_int_equal(mbl_ice_start(&n->ag[1], n->now), 0);
	run_until(n, n->now + 5 * S);
	assert_connected_pair(n);
	assert_true(mbl_ice_controlling(&n->ag[tb0 > tb1 ? 0 : 1])); /* the larger wins */
	assert_true(cnt(n, 0)->role_conflicts + cnt(n, 1)->role_conflicts >= 1);
	if (delay_b) {
		/* B answers 487 when it keeps its role, else it switches itself */
		bool b_keeps = controlling ? tb1 >= tb0 : tb1 < tb0;

		assert_int_equal(cnt(n, 1)->errors_sent > 0, b_keeps);
		assert_int_equal(cnt(n, 0)->role_conflicts > 0, b_keeps);
		assert_true(cnt(n, 1)->role_conflicts >= 1);
	}
	test_free(n);
}

static void test_conflict_controlling_487(void **state)
{
	(void)state;
	conflict(1000, 2000, true, true); /* B answers 487, A switches (7.2.5.1) */
}

static void test_conflict_controlling_switch(void **state)
{
	(void)state;
	conflict(2000, 1000, true, true); /* B switches on A's check (7.3.1.1) */
}

static void test_conflict_controlled(void **state)
{
	(void)state;
	conflict(1000, 2000, false, true);
	conflict(2000, 1000, false, true);
	conflict(5, 7, true, false);
	conflict(7, 5, false, false);
}

static void test_prflx(void **state)
{
	struct net *n = net_new(false, true, false, false);
	struct mbl_stun_addr r;

	(void)state;
	/* B sits behind a NAT: it announces 198.18.0.2:5001, is seen as :7000 */
	n->nat[1] = true;
	assert_int_equal(mbl_stun_addr_set(&n->ext[1], "198.18.0.2", 7000), 0);
	start_both(n);
	run_until(n, 5 * S);
	assert_connected_pair(n);
	assert_int_equal(cnt(n, 0)->prflx_learned, 1);
	assert_int_equal(mbl_ice_selected(&n->ag[0], NULL, &r), 0);
	assert_true(mbl_stun_addr_eq(&r, &n->ext[1]));
	assert_int_equal(n->ag[0].remote[n->ag[0].pairs[n->ag[0].selected].remote].type,
			 MBL_ICE_CAND_PRFLX);
	test_free(n);
}

static void test_retransmit_first_check(void **state)
{
	struct net *n = net_new(false, true, true, false);

	(void)state;
	n->drop_next[0] = 1; /* A's first check is lost: only A checks (B is lite) */
	start_both(n);
	run_until(n, 400 * MS);
	assert_int_equal(mbl_ice_state(&n->ag[0]), MBL_ICE_CHECKING);
	run_until(n, 3 * S);
	assert_connected_pair(n);
	assert_true(cnt(n, 0)->retransmits >= 1);
	assert_true(cnt(n, 0)->select_ns >= 500 * MS); /* the first RTO */
	test_free(n);
}

static void test_consent_kept(void **state)
{
	struct net *n = net_new(false, true, false, false);

	(void)state;
	start_both(n);
	run_until(n, 120 * S);
	assert_connected_pair(n);
	for (int i = 0; i < 2; i++) {
		/* one every 4-6 s over about 120 s */
		assert_in_range(cnt(n, i)->consent_sent, 120 / 6 - 1, 120 / 4 + 1);
		assert_int_equal(cnt(n, i)->consent_lost, 0);
	}
	test_free(n);
}

static void test_consent_lost(void **state)
{
	struct net *n = net_new(false, true, false, false);
	uint64_t t0;

	(void)state;
	start_both(n);
	run_until(n, 10 * S);
	assert_connected_pair(n);
	n->mute[1] = true; /* B stops answering */
	t0 = n->now;
	run_until(n, t0 + 23 * S);
	assert_int_equal(mbl_ice_state(&n->ag[0]), MBL_ICE_CONNECTED);
	run_until(n, t0 + 31 * S);
	assert_int_equal(mbl_ice_state(&n->ag[0]), MBL_ICE_FAILED);
	assert_int_equal(mbl_ice_failure(&n->ag[0]), MBL_ICE_FAIL_CONSENT_LOST);
	assert_string_equal(mbl_ice_fail_name(mbl_ice_failure(&n->ag[0])), "ice_consent_lost");
	assert_int_equal(cnt(n, 0)->consent_lost, 1);
	assert_false(mbl_ice_may_send_media(&n->ag[0], n->now));
	assert_int_equal(mbl_ice_poll(&n->ag[0], n->now), UINT64_MAX);
	test_free(n);
}

static void test_wrong_password(void **state)
{
	struct net *n = net_new(false, true, true, false);

	(void)state;
	signal_to(n, 0, 1);
	/* A learns a wrong password for B */
	assert_int_equal(mbl_ice_set_remote(&n->ag[0], mbl_ice_local_ufrag(&n->ag[1]),
					    "wrongwrongwrongwrongwr", true), 0);
	assert_int_equal(mbl_ice_add_remote_candidate(&n->ag[0], "1", 2130706431, addrs[1], 5001,
						      MBL_ICE_CAND_HOST), 0);
	assert_int_equal(mbl_ice_start(&n->ag[0], 0), 0);
	assert_int_equal(mbl_ice_start(&n->ag[1], 0), 0);
	run_until(n, 60 * S);
	assert_int_equal(mbl_ice_state(&n->ag[0]), MBL_ICE_FAILED);
	assert_int_equal(mbl_ice_failure(&n->ag[0]), MBL_ICE_FAIL_CHECKS_FAILED);
	assert_string_equal(mbl_ice_fail_name(MBL_ICE_FAIL_CHECKS_FAILED), "ice_checks_failed");
	assert_int_equal(cnt(n, 1)->bad_integrity, 7);   /* each of Rc transmissions */
	assert_int_equal(cnt(n, 1)->errors_sent, 7);     /* 401 */
	assert_int_equal(cnt(n, 1)->checks_answered, 0);
	assert_int_equal(cnt(n, 0)->bad_integrity, 7);   /* a 401 carries no MI */
	assert_int_equal(cnt(n, 0)->retransmits, 6);
	assert_int_equal(mbl_ice_state(&n->ag[1]), MBL_ICE_CHECKING);
	assert_false(mbl_ice_may_send_media(&n->ag[1], n->now));
	test_free(n);
}

static void test_unreachable_and_timeout(void **state)
{
	struct net *n = net_new(false, true, false, false);

	(void)state;
	n->mute[1] = true;
	n->ag[1].conf.select_timeout_ms = 10000;
	start_both(n);
	run_until(n, 11 * S);
	assert_int_equal(mbl_ice_failure(&n->ag[1]), MBL_ICE_FAIL_TIMEOUT);
	assert_int_equal(mbl_ice_state(&n->ag[0]), MBL_ICE_CHECKING);
	run_until(n, 40 * S); /* 0, .5, 1.5, 3.5, 7.5, 15.5, 31.5 s + 8 s */
	assert_int_equal(mbl_ice_failure(&n->ag[0]), MBL_ICE_FAIL_CHECKS_FAILED);
	assert_int_equal(cnt(n, 0)->pairs_failed, 1);
	test_free(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_full),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_full_lite),
		cmocka_unit_test(test_conflict_controlling_487),
		cmocka_unit_test(test_conflict_controlling_switch),
		cmocka_unit_test(test_conflict_controlled),
		cmocka_unit_test(test_prflx),
		cmocka_unit_test(test_retransmit_first_check),
		cmocka_unit_test(test_consent_kept),
		cmocka_unit_test(test_consent_lost),
		cmocka_unit_test(test_wrong_password),
		cmocka_unit_test(test_unreachable_and_timeout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
