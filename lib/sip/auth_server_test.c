/* SPDX-License-Identifier: BSD-3-Clause
 * Digest server tests: the challenge's exact form and nonce layout, client
 * -> server round trips for every algorithm, then each refusal with its
 * code and text: wrong password, unknown user, other realm, other method,
 * stale nonce (only with the right password), tampered / truncated /
 * foreign / downgraded nonces, malformed credentials, the RFC 4475
 * regaut01 scheme. No error text may quote a password. A fake clock makes
 * nonce ages exact.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sip_auth.h"

static uint64_t fake_now = 1700000000;

static uint64_t fake_clock(void)
{
	return fake_now;
}

static const char *lookup(void *arg, const char *user)
{
	static const char *const table[][2] = {{"alice", "w0nderland"}, {"bob", "zanzibar"}};
	size_t i;

	assert_ptr_equal(arg, &fake_now);
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(table[i][0], user) == 0)
			return table[i][1];
	return NULL;
}

static void server_init(struct mbl_sip_auth_server *s)
{
	assert_int_equal(mbl_sip_auth_server_init(s, "biloxi.com", 30, lookup, &fake_now), 0);
	s->now_s = fake_clock;
}

/* Challenge from s, answered by the client with user/pass. */
static void challenge_answer(const struct mbl_sip_auth_server *s, enum mbl_sip_auth_alg alg,
			     const char *user, const char *pass, const char *method, char *out,
			     size_t len)
{
	struct mbl_sip_auth_challenge c;
	char chal[512], err[160] = "";

	assert_true(mbl_sip_auth_challenge_make(s, alg, false, chal, sizeof(chal)) > 0);
	assert_int_equal(mbl_sip_auth_parse_challenge(chal, &c, err, sizeof(err)), 0);
	assert_int_equal(c.alg, alg);
	assert_true(mbl_sip_auth_answer(&c, user, pass, method, "sip:biloxi.com", out, len) > 0);
}

/* verify() returns rc with err want, and err never holds a password. */
static void verify_is(const struct mbl_sip_auth_server *s, const char *authz,
		      const char *method, int rc, const char *want)
{
	char err[160] = "", user[64];

	assert_int_equal(mbl_sip_auth_verify(s, authz, method, user, sizeof(user), err,
					     sizeof(err)),
			 rc);
	assert_string_equal(err, want);
	assert_null(strstr(err, "w0nderland"));
	assert_null(strstr(err, "zanzibar"));
}

static void test_challenge_format(void **state)
{
	struct mbl_sip_auth_server s;
	char a[256], b[256];
	int n;

	(void)state;
	server_init(&s);
	n = mbl_sip_auth_challenge_make(&s, MBL_SIP_AUTH_SHA256, false, a, sizeof(a));
	assert_int_equal(n, (int)strlen(a));
	/* 'Digest realm="biloxi.com", nonce="<64 hex>", algorithm=SHA-256, qop="auth"' */
	assert_int_equal(n, 35 + 64 + 31);
	assert_memory_equal(a, "Digest realm=\"biloxi.com\", nonce=\"", 34);
	assert_int_equal(strspn(a + 34, "0123456789abcdef"), 64);
	assert_string_equal(a + 98, "\", algorithm=SHA-256, qop=\"auth\"");
	/* the nonce starts with the time, big endian (1700000000 = 0x6553f100) */
	assert_memory_equal(a + 34, "000000006553f100", 16);
	/* a fresh salt: two challenges in the same second differ */
	assert_true(mbl_sip_auth_challenge_make(&s, MBL_SIP_AUTH_SHA256, false, b, sizeof(b)) > 0);
	assert_memory_equal(a, b, 50);
	assert_memory_not_equal(a + 50, b + 50, 16);
	assert_true(mbl_sip_auth_challenge_make(&s, MBL_SIP_AUTH_MD5, true, a, sizeof(a)) > 0);
	assert_string_equal(a + 98, "\", algorithm=MD5, qop=\"auth\", stale=true");
	assert_int_equal(mbl_sip_auth_challenge_make(&s, MBL_SIP_AUTH_MD5, true, a, 138), -ENOSPC);
	assert_string_equal(a, "");
	assert_int_equal(mbl_sip_auth_challenge_make(&s, MBL_SIP_AUTH_MD5, true, a, 139), 138);
	assert_int_equal(mbl_sip_auth_challenge_make(&s, MBL_SIP_AUTH_ALG_MAX, false, a, sizeof(a)),
			 -EINVAL);
}

static void test_server_init(void **state)
{
	struct mbl_sip_auth_server s, t;
	char big[300];

	(void)state;
	memset(big, 'r', 256);
	big[256] = '\0';
	assert_int_equal(mbl_sip_auth_server_init(&s, big, 30, lookup, NULL), -EINVAL);
	big[255] = '\0';
	assert_int_equal(mbl_sip_auth_server_init(&s, big, 30, lookup, NULL), 0);
	assert_int_equal(mbl_sip_auth_server_init(&s, "", 30, lookup, NULL), -EINVAL);
	assert_int_equal(mbl_sip_auth_server_init(&s, "a\nb", 30, lookup, NULL), -EINVAL);
	assert_int_equal(mbl_sip_auth_server_init(&s, "r", 0, lookup, NULL), -EINVAL);
	assert_int_equal(mbl_sip_auth_server_init(&s, "r", 30, NULL, NULL), -EINVAL);
	assert_int_equal(mbl_sip_auth_server_init(&s, "r", 30, lookup, NULL), 0);
	assert_int_equal(mbl_sip_auth_server_init(&t, "r", 30, lookup, NULL), 0);
	assert_memory_not_equal(s.secret, t.secret, sizeof(s.secret));
	assert_null(s.now_s);
}

static void test_round_trips(void **state)
{
	struct mbl_sip_auth_server s;
	char authz[600], err[160], user[64];
	unsigned int a;

	(void)state;
	server_init(&s);
	for (a = 0; a < MBL_SIP_AUTH_ALG_MAX; a++) {
		challenge_answer(&s, a, "alice", "w0nderland", "REGISTER", authz, sizeof(authz));
		strcpy(err, "untouched");
		assert_int_equal(mbl_sip_auth_verify(&s, authz, "REGISTER", user, sizeof(user), err,
						     sizeof(err)),
				 0);
		assert_string_equal(user, "alice");
		assert_string_equal(err, "untouched");
	}
	/* the real clock (now_s NULL) works too; user may be NULL */
	s.now_s = NULL;
	challenge_answer(&s, MBL_SIP_AUTH_MD5, "bob", "zanzibar", "INVITE", authz, sizeof(authz));
	assert_int_equal(mbl_sip_auth_verify(&s, authz, "INVITE", NULL, 0, NULL, 0), 0);
	/* a truncated user copy */
	s.now_s = fake_clock;
	challenge_answer(&s, MBL_SIP_AUTH_MD5, "alice", "w0nderland", "INVITE", authz,
			 sizeof(authz));
	assert_int_equal(mbl_sip_auth_verify(&s, authz, "INVITE", user, 4, NULL, 0), 0);
	assert_string_equal(user, "ali");
}

/* Replace the first occurrence of from in buf with to. */
static void replace(char *buf, const char *from, const char *to)
{
	char *p = strstr(buf, from), tail[600];

	assert_non_null(p);
	snprintf(tail, sizeof(tail), "%s", p + strlen(from));
	sprintf(p, "%s%s", to, tail);
}

static void test_wrong_credentials(void **state)
{
	struct mbl_sip_auth_server s, other;
	char authz[600];

	(void)state;
	server_init(&s);
	challenge_answer(&s, MBL_SIP_AUTH_SHA256, "alice", "zanzibar", "REGISTER", authz,
			 sizeof(authz));
	verify_is(&s, authz, "REGISTER", -EACCES, "wrong response (bad password?)");
	challenge_answer(&s, MBL_SIP_AUTH_MD5, "carol", "w0nderland", "REGISTER", authz,
			 sizeof(authz));
	verify_is(&s, authz, "REGISTER", -EACCES, "unknown user");
	challenge_answer(&s, MBL_SIP_AUTH_MD5, "alice", "w0nderland", "REGISTER", authz,
			 sizeof(authz));
	verify_is(&s, authz, "INVITE", -EACCES, "wrong response (bad password?)");
	/* another server (another secret, same realm) did not issue this nonce */
	server_init(&other);
	verify_is(&other, authz, "REGISTER", -EACCES, "nonce was not issued here for MD5");
	/* realm of someone else */
	replace(authz, "realm=\"biloxi.com\"", "realm=\"atlanta.com\"");
	verify_is(&s, authz, "REGISTER", -EACCES, "realm is not ours");
	/* upper-case hex in the response is still the same response */
	challenge_answer(&s, MBL_SIP_AUTH_MD5, "alice", "w0nderland", "REGISTER", authz,
			 sizeof(authz));
	for (char *p = strstr(authz, "response=\"") + 10; *p != '"'; p++)
		*p = (char)(*p >= 'a' && *p <= 'f' ? *p - 32 : *p);
	verify_is(&s, authz, "REGISTER", 0, "");
	replace(authz, "response=\"", "response=\"0");
	verify_is(&s, authz, "REGISTER", -EACCES, "response has the wrong length");
}

static void test_stale(void **state)
{
	struct mbl_sip_auth_server s;
	struct mbl_sip_auth_challenge c;
	char authz[600], chal[256], err[160];

	(void)state;
	server_init(&s);
	fake_now = 1700000000;
	challenge_answer(&s, MBL_SIP_AUTH_SHA256, "alice", "w0nderland", "REGISTER", authz,
			 sizeof(authz));
	fake_now += 30; /* exactly the TTL: still fresh */
	verify_is(&s, authz, "REGISTER", 0, "");
	fake_now += 1;
	verify_is(&s, authz, "REGISTER", -ESTALE, "nonce is 31 s old (limit 30 s)");
	/* stale only once the password is right */
	challenge_answer(&s, MBL_SIP_AUTH_SHA256, "alice", "wrong", "REGISTER", authz,
			 sizeof(authz));
	fake_now += 100;
	verify_is(&s, authz, "REGISTER", -EACCES, "wrong response (bad password?)");
	/* the clock went back further than the TTL */
	fake_now -= 200;
	challenge_answer(&s, MBL_SIP_AUTH_SHA256, "alice", "w0nderland", "REGISTER", authz,
			 sizeof(authz));
	fake_now -= 10;
	verify_is(&s, authz, "REGISTER", 0, "");
	fake_now -= 21;
	verify_is(&s, authz, "REGISTER", -ESTALE, "nonce is from the future");
	/* the answer to stale: a challenge with stale=true the client reads */
	assert_true(mbl_sip_auth_challenge_make(&s, MBL_SIP_AUTH_SHA256, true, chal,
						sizeof(chal)) > 0);
	assert_int_equal(mbl_sip_auth_parse_challenge(chal, &c, err, sizeof(err)), 0);
	assert_true(c.stale);
	fake_now = 1700000000;
}

static void test_tampered_nonce(void **state)
{
	struct mbl_sip_auth_server s;
	struct mbl_sip_auth_challenge c;
	char authz[600], chal[256], err[160], *p;

	(void)state;
	server_init(&s);
	/* one flipped nonce digit, in the timestamp (an attempt to renew it), the
	 * salt and the MAC; client and server agree on the digest, so only the
	 * MAC can catch it */
	for (int at = 0; at < 64; at += 21) {
		assert_true(mbl_sip_auth_challenge_make(&s, MBL_SIP_AUTH_MD5, false, chal,
							sizeof(chal)) > 0);
		p = chal + 34 + at;
		*p = *p == '0' ? '1' : '0';
		assert_int_equal(mbl_sip_auth_parse_challenge(chal, &c, err, sizeof(err)), 0);
		assert_true(mbl_sip_auth_answer(&c, "alice", "w0nderland", "REGISTER", "sip:x",
						authz, sizeof(authz)) > 0);
		verify_is(&s, authz, "REGISTER", -EACCES, "nonce was not issued here for MD5");
	}
	/* cut short, not hex, empty */
	challenge_answer(&s, MBL_SIP_AUTH_MD5, "alice", "w0nderland", "REGISTER", authz,
			 sizeof(authz));
	replace(authz, "\", uri=", "0\", uri=");
	verify_is(&s, authz, "REGISTER", -EACCES, "nonce was not issued here for MD5");
	replace(authz, "nonce=\"", "nonce=\"xyz");
	verify_is(&s, authz, "REGISTER", -EACCES, "nonce was not issued here for MD5");
	/* downgrade: a SHA-256 challenge answered with MD5 */
	assert_true(mbl_sip_auth_challenge_make(&s, MBL_SIP_AUTH_SHA256, false, chal,
						sizeof(chal)) > 0);
	assert_int_equal(mbl_sip_auth_parse_challenge(chal, &c, err, sizeof(err)), 0);
	c.alg = MBL_SIP_AUTH_MD5;
	assert_true(mbl_sip_auth_answer(&c, "alice", "w0nderland", "REGISTER", "sip:x", authz,
					sizeof(authz)) > 0);
	verify_is(&s, authz, "REGISTER", -EACCES, "nonce was not issued here for MD5");
}

static void test_malformed(void **state)
{
	static const char *const drop[] = {"username", "realm", "nonce", "uri", "response",
					   "cnonce"};
	struct mbl_sip_auth_server s;
	char authz[600], base[600], v[256], name[32];
	size_t i;

	(void)state;
	server_init(&s);
	challenge_answer(&s, MBL_SIP_AUTH_MD5, "alice", "w0nderland", "REGISTER", base,
			 sizeof(base));
	for (i = 0; i < sizeof(drop) / sizeof(drop[0]); i++) {
		snprintf(authz, sizeof(authz), "%s", base);
		snprintf(name, sizeof(name), "%s=", drop[i]);
		replace(authz, name, "x-gone=");
		snprintf(v, sizeof(v), "credentials have no %s", drop[i]);
		verify_is(&s, authz, "REGISTER", -EINVAL, v);
	}
	snprintf(authz, sizeof(authz), "%s", base);
	replace(authz, "qop=auth, nc=", "nc=");
	verify_is(&s, authz, "REGISTER", -EINVAL, "credentials have no qop");
	snprintf(authz, sizeof(authz), "%s", base);
	replace(authz, ", nc=00000001", "");
	verify_is(&s, authz, "REGISTER", -EINVAL, "credentials have no nc");
	snprintf(authz, sizeof(authz), "%s", base);
	replace(authz, "qop=auth", "qop=auth-int");
	verify_is(&s, authz, "REGISTER", -EINVAL,
		  "qop auth-int (body integrity) is not supported");
	snprintf(authz, sizeof(authz), "%s", base);
	replace(authz, "qop=auth", "qop=\"auth,auth-int\"");
	verify_is(&s, authz, "REGISTER", -EINVAL, "qop is not auth");
	snprintf(authz, sizeof(authz), "%s", base);
	replace(authz, "nc=00000001", "nc=1");
	verify_is(&s, authz, "REGISTER", -EINVAL, "nc is not 8 hex digits");
	snprintf(authz, sizeof(authz), "%s", base);
	replace(authz, "nc=00000001", "nc=0000000g");
	verify_is(&s, authz, "REGISTER", -EINVAL, "nc is not 8 hex digits");
	snprintf(authz, sizeof(authz), "%s", base);
	replace(authz, "algorithm=MD5", "algorithm=SHA-1");
	verify_is(&s, authz, "REGISTER", -EINVAL, "unsupported algorithm 'SHA-1'");
	snprintf(authz, sizeof(authz), "%s", base);
	replace(authz, "cnonce=\"", "cnonce=\"\", x=\"");
	verify_is(&s, authz, "REGISTER", -EINVAL, "empty username or cnonce");
	snprintf(authz, sizeof(authz), "%s", base);
	replace(authz, "Digest ", "Basic ");
	verify_is(&s, authz, "REGISTER", -EINVAL, "auth scheme 'Basic' is not Digest");
	verify_is(&s, "NoOneKnowsThisScheme opaque-data=here", "REGISTER", -EINVAL,
		  "auth scheme 'NoOneKnowsThisScheme' is not Digest");
	verify_is(&s, "Digest username=\"alice", "REGISTER", -EINVAL,
		  "unterminated quoted string");
	verify_is(&s, base, "REGISTER x", -EINVAL, "bad request method");
	verify_is(&s, NULL, "REGISTER", -EINVAL, "empty header value");
	/* the untouched base still passes: the cases above changed one thing each */
	verify_is(&s, base, "REGISTER", 0, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_challenge_format), cmocka_unit_test(test_server_init),
		cmocka_unit_test(test_round_trips),      cmocka_unit_test(test_wrong_credentials),
		cmocka_unit_test(test_stale),            cmocka_unit_test(test_tampered_nonce),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
