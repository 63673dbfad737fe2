/* SPDX-License-Identifier: BSD-3-Clause
 * lib/net tests: neighbor cache state machine driven by a fake clock.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mbl_common.h"
#include "mbl_net.h"

#define S_NS 1000000000ull

static const uint8_t mac1[6] = { 0x02, 0, 0, 0, 0, 1 };
static const uint8_t mac2[6] = { 0x02, 0, 0, 0, 0, 2 };

struct sent {
	unsigned n;
	uint8_t last[16];
	int fail;
};

static int send_req(void *arg, const uint8_t ip[16])
{
	struct sent *s = arg;

	if (s->fail)
		return -ENOBUFS;
	s->n++;
	memcpy(s->last, ip, 16);
	return 0;
}

static void ip_of(const char *s, uint8_t ip[16])
{
	assert_true(mbl_parse_ip(s, ip) > 0);
}

static void test_create_errors(void **state)
{
	struct mbl_neigh_params p = MBL_NEIGH_PARAMS_DEFAULT;
	struct mbl_neigh_table *t;

	(void)state;
	errno = 0;
	assert_null(mbl_neigh_create(0));
	assert_int_equal(errno, EINVAL);
	assert_null(mbl_neigh_create((1u << 20) + 1));
	t = mbl_neigh_create(4);
	assert_non_null(t);
	p.max_tries = 0;
	assert_int_equal(mbl_neigh_set_params(t, &p), -EINVAL);
	mbl_neigh_free(t);
	mbl_neigh_free(NULL);
}

/* Unknown -> INCOMPLETE, 3 requests 1 s apart, FAILED, retried after 20 s,
 * then answered: REACHABLE. */
static void test_resolve_fail_retry(void **state)
{
	struct mbl_neigh_table *t = mbl_neigh_create(16);
	struct sent s = { 0 };
	uint8_t ip[16];
	uint64_t now = 1000 * S_NS;

	(void)state;
	ip_of("198.18.0.9", ip);
	assert_null(mbl_neigh_lookup(t, ip));
	assert_int_equal(mbl_neigh_resolve(t, ip, now), -EAGAIN);
	assert_int_equal(mbl_neigh_get(t, ip)->state, MBL_NEIGH_INCOMPLETE);
	assert_int_equal(mbl_neigh_poll(t, now, send_req, &s), 1);
	assert_memory_equal(s.last, ip, 16);
	assert_int_equal(mbl_neigh_poll(t, now + S_NS / 2, send_req, &s), 0);
	assert_int_equal(mbl_neigh_poll(t, now + S_NS, send_req, &s), 1);
	assert_int_equal(mbl_neigh_poll(t, now + 2 * S_NS, send_req, &s), 1);
	assert_int_equal(s.n, 3);
	assert_int_equal(mbl_neigh_resolve(t, ip, now + 2 * S_NS), -EAGAIN);
	assert_int_equal(mbl_neigh_poll(t, now + 3 * S_NS, send_req, &s), 0);
	assert_int_equal(mbl_neigh_get(t, ip)->state, MBL_NEIGH_FAILED);
	assert_int_equal(mbl_neigh_resolve(t, ip, now + 3 * S_NS), -EHOSTUNREACH);
	assert_null(mbl_neigh_lookup(t, ip));
	/* held for 20 s */
	assert_int_equal(mbl_neigh_poll(t, now + 22 * S_NS, send_req, &s), 0);
	assert_int_equal(mbl_neigh_poll(t, now + 23 * S_NS, send_req, &s), 1);
	assert_int_equal(mbl_neigh_get(t, ip)->state, MBL_NEIGH_INCOMPLETE);
	mbl_neigh_learn(t, ip, mac1, now + 23 * S_NS + 5);
	assert_int_equal(mbl_neigh_resolve(t, ip, now + 24 * S_NS), 0);
	assert_memory_equal(mbl_neigh_lookup(t, ip), mac1, 6);
	assert_int_equal(mbl_neigh_count(t), 1);
	mbl_neigh_free(t);
}

/* REACHABLE for 300 s, then STALE (still usable) with a refresh request;
 * an answer makes it REACHABLE again, silence makes it FAILED. */
static void test_stale_refresh(void **state)
{
	struct mbl_neigh_table *t = mbl_neigh_create(16);
	struct sent s = { 0 };
	uint8_t ip[16];
	uint64_t t0 = 5 * S_NS;

	(void)state;
	ip_of("2001:db8::5", ip);
	assert_int_equal(mbl_neigh_learn(t, ip, mac1, t0), 0);
	assert_int_equal(mbl_neigh_poll(t, t0 + 299 * S_NS, send_req, &s), 0);
	assert_int_equal(mbl_neigh_poll(t, t0 + 300 * S_NS, send_req, &s), 1);
	assert_int_equal(mbl_neigh_get(t, ip)->state, MBL_NEIGH_STALE);
	assert_memory_equal(mbl_neigh_lookup(t, ip), mac1, 6);
	assert_int_equal(mbl_neigh_resolve(t, ip, t0 + 300 * S_NS), 0);
	/* the neighbor answers from a new MAC */
	mbl_neigh_learn(t, ip, mac2, t0 + 300 * S_NS + 1);
	assert_int_equal(mbl_neigh_get(t, ip)->state, MBL_NEIGH_REACHABLE);
	assert_memory_equal(mbl_neigh_lookup(t, ip), mac2, 6);
	/* next lapse: nobody answers */
	t0 += 600 * S_NS + 1;
	assert_int_equal(mbl_neigh_poll(t, t0, send_req, &s), 1);
	assert_int_equal(mbl_neigh_poll(t, t0 + S_NS, send_req, &s), 1);
	assert_int_equal(mbl_neigh_poll(t, t0 + 2 * S_NS, send_req, &s), 1);
	assert_non_null(mbl_neigh_lookup(t, ip));
	assert_int_equal(mbl_neigh_poll(t, t0 + 3 * S_NS, send_req, &s), 0);
	assert_int_equal(mbl_neigh_get(t, ip)->state, MBL_NEIGH_FAILED);
	assert_null(mbl_neigh_lookup(t, ip));
	mbl_neigh_free(t);
}

static void test_static_and_send_failure(void **state)
{
	struct mbl_neigh_table *t = mbl_neigh_create(2);
	struct sent s = { .fail = 1 };
	uint8_t a[16], b[16], c[16];

	(void)state;
	ip_of("10.0.0.1", a);
	ip_of("10.0.0.2", b);
	ip_of("10.0.0.3", c);
	assert_int_equal(mbl_neigh_static(t, a, mac1), 0);
	mbl_neigh_learn(t, a, mac2, 0);         /* static entries are kept */
	assert_memory_equal(mbl_neigh_lookup(t, a), mac1, 6);
	assert_int_equal(mbl_neigh_poll(t, UINT64_MAX - 1, send_req, &s), 0);
	assert_int_equal(mbl_neigh_resolve(t, a, UINT64_MAX - 1), 0);
	/* a failed send does not count as a try */
	assert_int_equal(mbl_neigh_resolve(t, b, 0), -EAGAIN);
	assert_int_equal(mbl_neigh_poll(t, 0, send_req, &s), 0);
	assert_int_equal(mbl_neigh_get(t, b)->tries, 0);
	s.fail = 0;
	assert_int_equal(mbl_neigh_poll(t, S_NS, send_req, &s), 1);
	assert_int_equal(mbl_neigh_get(t, b)->tries, 1);
	/* capacity 2 */
	assert_int_equal(mbl_neigh_resolve(t, c, 0), -ENOSPC);
	assert_int_equal(mbl_neigh_learn(t, c, mac1, 0), -ENOSPC);
	assert_int_equal(mbl_neigh_static(t, c, mac1), -ENOSPC);
	assert_null(mbl_neigh_get(t, c));
	mbl_neigh_free(t);
}

/* Many entries: every one findable, no false hits (hash collisions probe). */
static void test_many(void **state)
{
	enum { N = 5000 };
	struct mbl_neigh_table *t = mbl_neigh_create(N);
	struct mbl_neigh_params p = MBL_NEIGH_PARAMS_DEFAULT;
	struct sent s = { 0 };
	uint8_t ip[16], mac[6] = { 2 };
	uint32_t i;

	(void)state;
	p.reachable_ns = 10 * S_NS;
	assert_int_equal(mbl_neigh_set_params(t, &p), 0);
	for (i = 0; i < N; i++) {
		ip_of(i & 1 ? "2001:db8::" : "198.18.0.0", ip);
		ip[12] = (uint8_t)(i >> 8);
		ip[15] = (uint8_t)i;
		memcpy(mac + 2, &i, 4);
		assert_int_equal(mbl_neigh_learn(t, ip, mac, 0), 0);
	}
	assert_int_equal(mbl_neigh_count(t), N);
	for (i = 0; i < N; i++) {
		const uint8_t *m;

		ip_of(i & 1 ? "2001:db8::" : "198.18.0.0", ip);
		ip[12] = (uint8_t)(i >> 8);
		ip[15] = (uint8_t)i;
		m = mbl_neigh_lookup(t, ip);
		assert_non_null(m);
		assert_memory_equal(m + 2, &i, 4);
	}
	ip_of("198.18.200.1", ip);
	assert_null(mbl_neigh_lookup(t, ip));
	assert_int_equal(mbl_neigh_poll(t, 10 * S_NS, send_req, &s), N);
	mbl_neigh_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_errors),
		cmocka_unit_test(test_resolve_fail_retry),
		cmocka_unit_test(test_stale_refresh),
		cmocka_unit_test(test_static_and_send_failure),
		cmocka_unit_test(test_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
