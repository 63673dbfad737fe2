/* SPDX-License-Identifier: BSD-3-Clause
 * One ICE agent fed crafted requests (RFC 8445 7.3, RFC 8489 9.1.3):
 * the success response and its XOR-MAPPED-ADDRESS, 400, 401 (no
 * MESSAGE-INTEGRITY), 420 with UNKNOWN-ATTRIBUTES, a bad fingerprint
 * dropped, indications ignored; then credentials (RFC 8839 5.4), remote
 * candidates, pair priorities (RFC 8445 6.1.2.3) and argument checks.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mbl_stun.h"

struct peer {
	uint64_t rng;
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

struct one {
	struct peer p;                 /* first: the callbacks' user is the struct */
	struct mbl_ice_agent a;
	uint8_t out[700];
	size_t out_len;
	unsigned n_out;
};

static int capture(void *user, const struct mbl_stun_addr *from, const struct mbl_stun_addr *to,
		   const uint8_t *buf, size_t len)
{
	struct one *o = user;

	(void)from;
	(void)to;
	memcpy(o->out, buf, len);
	o->out_len = len;
	o->n_out++;
	return 0;
}

static struct one *one_new(void)
{
	struct one *o = test_calloc(1, sizeof(*o));
	struct mbl_ice_conf c = { .n_local = 1, .random = rnd, .send = capture, .user = o };

	o->p.rng = 42;
	mbl_stun_addr_set(&c.local[0], "198.18.0.1", 5000);
	assert_int_equal(mbl_ice_init(&o->a, &c), 0);
	return o;
}

static const uint8_t tid[12] = "abcdefghijkl";

/* A check from 198.18.0.9:9000 as a peer "PEER" would send it. */
static size_t request(struct one *o, uint8_t *b, const char *pwd, uint16_t extra)
{
	struct mbl_stun_writer w;
	char user[64];

	snprintf(user, sizeof(user), "%s:PEER", o->a.ufrag);
	mbl_stun_w_begin(&w, b, 256, MBL_STUN_BINDING_REQUEST, tid);
	mbl_stun_w_u32(&w, MBL_STUN_ATTR_PRIORITY, 1862270975);
	mbl_stun_w_u64(&w, MBL_STUN_ATTR_ICE_CONTROLLING, 77);
	if (extra)
		mbl_stun_w_attr(&w, extra, NULL, 0);
	mbl_stun_w_str(&w, MBL_STUN_ATTR_USERNAME, user);
	mbl_stun_w_integrity(&w, (const uint8_t *)pwd, strlen(pwd));
	mbl_stun_w_fingerprint(&w);
	return (size_t)mbl_stun_w_end(&w);
}

static void reply_parse(struct one *o, struct mbl_stun_msg *m, uint16_t type)
{
	assert_int_equal(mbl_stun_parse(m, o->out, o->out_len, NULL), 0);
	assert_int_equal(m->type, type);
	assert_memory_equal(m->tid, tid, 12);
	assert_int_equal(mbl_stun_check_fingerprint(m, NULL), 0);
}

static void test_answer_and_errors(void **state)
{
	struct one *o = one_new();
	struct mbl_stun_addr src;
	struct mbl_stun_msg m;
	uint8_t b[256];
	size_t n;

	(void)state;
	mbl_stun_addr_set(&src, "198.18.0.9", 9000);
	n = request(o, b, o->a.pwd, 0);
	assert_int_equal(mbl_ice_input(&o->a, 0, &src, b, n), 0);
	reply_parse(o, &m, MBL_STUN_BINDING_SUCCESS);
	assert_true(mbl_stun_addr_eq(&m.xor_mapped, &src));
	assert_int_equal(mbl_stun_check_integrity(&m, (const uint8_t *)o->a.pwd, 24, NULL), 0);
	assert_int_equal(o->a.c.prflx_learned, 1); /* an address SDP never named */
	assert_int_equal(o->a.c.role_conflicts, 0); /* we are controlled */
	/* wrong password: 401, no MI */
	n = request(o, b, "wrongwrongwrongwrongwr", 0);
	assert_int_equal(mbl_ice_input(&o->a, 0, &src, b, n), -EACCES);
	reply_parse(o, &m, MBL_STUN_BINDING_ERROR);
	assert_int_equal(m.error_code, 401);
	assert_false(mbl_stun_has(&m, MBL_STUN_A_MESSAGE_INTEGRITY));
	assert_int_equal(o->a.c.bad_integrity, 1);
	/* unknown comprehension-required attribute: 420 listing it */
	n = request(o, b, o->a.pwd, 0x7777);
	assert_int_equal(mbl_ice_input(&o->a, 0, &src, b, n), -EPROTO);
	reply_parse(o, &m, MBL_STUN_BINDING_ERROR);
	assert_int_equal(m.error_code, 420);
	assert_int_equal(mbl_stun_check_integrity(&m, (const uint8_t *)o->a.pwd, 24, NULL), 0);
	assert_memory_equal(m.buf + 48, "\x00\x0a\x00\x02\x77\x77", 6);
	/* bad fingerprint: dropped without an answer */
	n = request(o, b, o->a.pwd, 0);
	b[n - 1] ^= 1;
	o->n_out = 0;
	assert_int_equal(mbl_ice_input(&o->a, 0, &src, b, n), -EBADMSG);
	assert_int_equal(o->n_out, 0);
	assert_int_equal(o->a.c.bad_fingerprint, 1);
	assert_int_equal(o->a.c.checks_received, 3);
	assert_int_equal(mbl_ice_input(&o->a, 0, &src, b, 7), -EBADMSG);
	assert_int_equal(o->a.c.malformed, 1);
	test_free(o);
}

static void test_username_checks(void **state)
{
	struct one *o = one_new();
	struct mbl_stun_addr src;
	struct mbl_stun_msg m;
	struct mbl_stun_req r = { .tid = tid, .rufrag = "XXXXXXXX", .lufrag = "PEER",
				  .priority = 1, .key = (const uint8_t *)o->a.pwd, .key_len = 24 };
	uint8_t b[256];
	struct mbl_stun_writer w;
	int n;

	(void)state;
	mbl_stun_addr_set(&src, "198.18.0.9", 9000);
	n = mbl_stun_build_request(b, sizeof(b), &r);
	assert_int_equal(mbl_ice_input(&o->a, 0, &src, b, (size_t)n), -EACCES);
	reply_parse(o, &m, MBL_STUN_BINDING_ERROR);
	assert_int_equal(m.error_code, 401);
	assert_int_equal(o->a.c.bad_username, 1);
	mbl_stun_w_begin(&w, b, sizeof(b), MBL_STUN_BINDING_REQUEST, tid); /* no USERNAME */
	mbl_stun_w_fingerprint(&w);
	assert_int_equal(mbl_ice_input(&o->a, 0, &src, b, (size_t)mbl_stun_w_end(&w)), -EACCES);
	reply_parse(o, &m, MBL_STUN_BINDING_ERROR);
	assert_int_equal(m.error_code, 400);
	mbl_stun_w_begin(&w, b, sizeof(b), MBL_STUN_BINDING_INDICATION, tid);
	assert_int_equal(mbl_ice_input(&o->a, 0, &src, b, (size_t)mbl_stun_w_end(&w)), -EPROTO);
	assert_int_equal(o->a.c.ignored, 1);
	test_free(o);
}

static void test_credentials(void **state)
{
	struct one *o = one_new();
	static const char ice[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char longpwd[300];

	(void)state;
	assert_true(strlen(mbl_ice_local_ufrag(&o->a)) >= 4);
	assert_true(strlen(mbl_ice_local_pwd(&o->a)) >= 22);
	assert_int_equal(strspn(o->a.ufrag, ice), strlen(o->a.ufrag));
	assert_int_equal(strspn(o->a.pwd, ice), strlen(o->a.pwd));
	assert_int_equal(mbl_ice_start(&o->a, 0), -EAGAIN); /* full, no remote yet */
	assert_int_equal(mbl_ice_set_remote(&o->a, "abc", "0123456789012345678901", false), -EINVAL);
	assert_int_equal(mbl_ice_set_remote(&o->a, "abcd", "012345678901234567890", false), -EINVAL);
	assert_int_equal(mbl_ice_set_remote(&o->a, "ab-d", "0123456789012345678901", false), -EINVAL);
	memset(longpwd, 'p', sizeof(longpwd) - 1);
	longpwd[sizeof(longpwd) - 1] = 0;
	assert_int_equal(mbl_ice_set_remote(&o->a, "abcd", longpwd, false), -ENAMETOOLONG);
	assert_int_equal(mbl_ice_set_remote(&o->a, "abcd", "0123456789012345678901", false), 0);
	assert_int_equal(mbl_ice_set_remote(&o->a, "abcd", "0123456789012345678901", false), -EALREADY);
	assert_int_equal(mbl_ice_start(&o->a, 0), 0);
	assert_int_equal(mbl_ice_start(&o->a, 0), -EALREADY);
	test_free(o);
}

static void test_candidates_and_priority(void **state)
{
	struct one *o = one_new();
	const struct mbl_ice_pair *p;
	uint64_t g, d;
	char f[16];

	(void)state;
	assert_int_equal(o->a.local[0].priority, (126u << 24) | (65535u << 8) | 255u);
	assert_int_equal(mbl_ice_add_remote_candidate(&o->a, "x", 1, "198.18.0.", 1, 0), -EINVAL);
	assert_int_equal(mbl_ice_add_remote_candidate(&o->a, "a b", 1, "198.18.0.2", 1, 0), -EINVAL);
	assert_int_equal(mbl_ice_add_remote_candidate(&o->a, "x", 1, "198.18.0.2", 0, 0), -EINVAL);
	assert_int_equal(mbl_ice_add_remote_candidate(&o->a, "x", 1, "2001:db8::1", 1, 0),
			 -EAFNOSUPPORT);
	assert_int_equal(mbl_ice_set_remote(&o->a, "abcd", "0123456789012345678901", false), 0);
	assert_false(mbl_ice_controlling(&o->a)); /* answerer, both full */
	for (int i = 0; i < MBL_ICE_MAX_SDP_CANDS; i++) {
		snprintf(f, sizeof(f), "f%u", (unsigned)i & 7);
		assert_int_equal(mbl_ice_add_remote_candidate(&o->a, f, 1000u + (unsigned)i,
							      "198.18.1.1", (uint16_t)(100 + i),
							      MBL_ICE_CAND_SRFLX), 0);
	}
	assert_int_equal(mbl_ice_add_remote_candidate(&o->a, "z", 5, "198.18.1.2", 1, 0), -ENOSPC);
	/* the same address again: one candidate, the higher priority */
	assert_int_equal(mbl_ice_add_remote_candidate(&o->a, "f0", 5000, "198.18.1.1", 100, 0), 0);
	assert_int_equal(o->a.n_remote, MBL_ICE_MAX_SDP_CANDS);
	assert_int_equal(o->a.remote[0].priority, 5000);
	/* RFC 8445 6.1.2.3, controlled: G is the remote priority */
	p = &o->a.pairs[0];
	g = 5000;
	d = o->a.local[0].priority;
	assert_true(p->priority == (g << 32) + 2 * d + 0);
	assert_int_equal(mbl_ice_start(&o->a, 0), 0);
	test_free(o);
}

static int refuse(void *user, const struct mbl_stun_addr *from, const struct mbl_stun_addr *to,
		  const uint8_t *buf, size_t len)
{
	(void)user;
	(void)from;
	(void)to;
	(void)buf;
	(void)len;
	return -ENOBUFS;
}

static void test_init_errors(void **state)
{
	struct mbl_ice_agent a;
	struct peer p = { .rng = 1 };
	struct mbl_ice_conf c = { .n_local = 1, .random = rnd, .send = refuse, .user = &p };
	struct mbl_stun_addr v6;
	struct one o;
	uint8_t b[256];
	size_t n;

	(void)state;
	mbl_stun_addr_set(&c.local[0], "198.18.0.1", 5000);
	mbl_stun_addr_set(&c.local[1], "198.18.0.2", 5000);
	c.n_local = 2; /* two of one family */
	assert_int_equal(mbl_ice_init(&a, &c), -EINVAL);
	mbl_stun_addr_set(&c.local[1], "2001:db8::2", 5000);
	assert_int_equal(mbl_ice_init(&a, &c), 0);
	/* a check to the IPv6 candidate, answer refused by the send callback */
	o.a = a;
	n = request(&o, b, a.pwd, 0);
	mbl_stun_addr_set(&v6, "2001:db8::9", 9000);
	assert_int_equal(mbl_ice_input(&o.a, 0, &v6, b, n), 0);
	assert_int_equal(o.a.c.send_errors, 1);
	assert_int_equal(o.a.c.checks_answered, 1);
	c.consent_min_ms = 7000;
	assert_int_equal(mbl_ice_init(&a, &c), -EINVAL);
	c.consent_min_ms = 0;
	/* credentials the SDP already announced */
	c.ufrag = "mblU1234";
	c.pwd = "mblPwd+0123456789abcdef/";
	assert_int_equal(mbl_ice_init(&a, &c), 0);
	assert_string_equal(mbl_ice_local_ufrag(&a), "mblU1234");
	assert_string_equal(mbl_ice_local_pwd(&a), "mblPwd+0123456789abcdef/");
	assert_null(a.conf.ufrag);
	c.ufrag = "abc";
	assert_int_equal(mbl_ice_init(&a, &c), -EINVAL);
	c.ufrag = NULL;
	c.pwd = "short+/";
	assert_int_equal(mbl_ice_init(&a, &c), -EINVAL);
	c.pwd = NULL;
	c.send = NULL;
	assert_int_equal(mbl_ice_init(&a, &c), -EINVAL);
	assert_int_equal(mbl_ice_n_counters, 19);
	assert_true(sizeof(struct mbl_ice_agent) < 4096);
	assert_string_equal(mbl_ice_counter_names[0], "checks_sent");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answer_and_errors),
		cmocka_unit_test(test_username_checks),
		cmocka_unit_test(test_credentials),
		cmocka_unit_test(test_candidates_and_priority),
		cmocka_unit_test(test_init_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
