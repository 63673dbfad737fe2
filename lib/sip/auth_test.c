/* SPDX-License-Identifier: BSD-3-Clause
 * Digest authentication tests: the RFC 2617 3.5 and RFC 7616 3.9.1 answers
 * byte for byte (cnonce preset), nc counting, the RFC 2069 and -sess forms
 * and SHA-512-256 against values computed with the openssl command line,
 * challenge syntax in many spellings and every parse error by its text, the
 * RFC 4475 regaut01 unknown scheme, and the server: challenge format,
 * client -> server round trips for every algorithm, wrong password,
 * unknown user, stale, tampered / foreign / downgraded nonces, malformed
 * credentials - and that no error text ever quotes a password.
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

/* RFC 2617 3.5, as printed there (line breaks and all). */
static const char rfc2617_challenge[] =
	"Digest\r\n"
	"                 realm=\"testrealm@host.com\",\r\n"
	"                 qop=\"auth,auth-int\",\r\n"
	"                 nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\",\r\n"
	"                 opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";

/* RFC 7616 3.9.1; %s is the algorithm. */
static const char rfc7616_challenge[] =
	"Digest\n    realm=\"http-auth@example.org\",\n    qop=\"auth, auth-int\",\n"
	"    algorithm=%s,\n    nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\",\n"
	"    opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";
#define RFC7616_CNONCE "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"

static void parse_ok(const char *value, struct mbl_sip_auth_challenge *c)
{
	char err[160] = "";
	int rc = mbl_sip_auth_parse_challenge(value, c, err, sizeof(err));

	if (rc != 0)
		fail_msg("parse failed: %d %s", rc, err);
}

/* The response="..." value inside an answer. */
static const char *response_of(const char *answer, char *buf, size_t len)
{
	const char *p = strstr(answer, "response=\"");

	assert_non_null(p);
	p += 10;
	assert_true(strcspn(p, "\"") < len);
	snprintf(buf, len, "%.*s", (int)strcspn(p, "\""), p);
	return buf;
}

/* ---- client known answers ------------------------------------------------- */

static void test_rfc2617_answer(void **state)
{
	struct mbl_sip_auth_challenge c;
	char out[512], r[80];
	int n;

	(void)state;
	parse_ok(rfc2617_challenge, &c);
	assert_int_equal(c.alg, MBL_SIP_AUTH_MD5);
	assert_true(c.qop_auth);
	assert_false(c.stale);
	assert_int_equal(c.nc, 0);
	strcpy(c.cnonce, "0a4f113b");
	n = mbl_sip_auth_answer(&c, "Mufasa", "Circle Of Life", "GET", "/dir/index.html", out,
				sizeof(out));
	assert_string_equal(out,
			    "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", "
			    "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"/dir/index.html\", "
			    "response=\"6629fae49393a05397450978507c4ef1\", algorithm=MD5, "
			    "cnonce=\"0a4f113b\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\", "
			    "qop=auth, nc=00000001");
	assert_int_equal(n, (int)strlen(out));
	assert_int_equal(c.nc, 1);
	/* the same nonce again: nc 2, same cnonce (openssl dgst -md5) */
	n = mbl_sip_auth_answer(&c, "Mufasa", "Circle Of Life", "GET", "/dir/index.html", out,
				sizeof(out));
	assert_true(n > 0);
	assert_string_equal(response_of(out, r, sizeof(r)), "15b6bb427e3fecd23a43cb702ce447d5");
	assert_non_null(strstr(out, "nc=00000002"));
	assert_non_null(strstr(out, "cnonce=\"0a4f113b\""));
	assert_int_equal(c.nc, 2);
}

static void answer_7616(const char *alg, const char *response)
{
	struct mbl_sip_auth_challenge c;
	char chal[512], out[512], want[640];

	snprintf(chal, sizeof(chal), rfc7616_challenge, alg);
	parse_ok(chal, &c);
	strcpy(c.cnonce, RFC7616_CNONCE);
	assert_true(mbl_sip_auth_answer(&c, "Mufasa", "Circle of Life", "GET", "/dir/index.html",
					out, sizeof(out)) > 0);
	snprintf(want, sizeof(want),
		 "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", "
		 "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", uri=\"/dir/index.html\", "
		 "response=\"%s\", algorithm=%s, cnonce=\"" RFC7616_CNONCE "\", "
		 "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\", qop=auth, nc=00000001",
		 response, alg);
	assert_string_equal(out, want);
}

static void test_rfc7616_answers(void **state)
{
	(void)state;
	answer_7616("MD5", "8ca523f5e9506fed4657c9700eebdbec");
	answer_7616("SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
	/* not in the RFC: openssl dgst -sha512-256 / -sha256 on the same inputs */
	answer_7616("SHA-512-256",
		    "430d05014cecc49cab6fbe03176d41a1da86cbfe24a16580e22aaad928d960d0");
	answer_7616("SHA-256-sess",
		    "2fd51b3a77ad75bad6afad6003e818d767133c46d9e2749e7f5232ae1ea3efd7");
}

static void test_md5_sess_and_rfc2069(void **state)
{
	struct mbl_sip_auth_challenge c;
	char out[512], r[80];
	int n;

	(void)state;
	parse_ok("Digest realm=\"testrealm@host.com\", qop=auth, algorithm=MD5-sess, "
		 "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\"",
		 &c);
	strcpy(c.cnonce, "0a4f113b");
	assert_true(mbl_sip_auth_answer(&c, "Mufasa", "Circle Of Life", "GET", "/dir/index.html",
					out, sizeof(out)) > 0);
	assert_string_equal(response_of(out, r, sizeof(r)), "8e3825c57e897f5a0dec6c2d4e5059d0");
	assert_non_null(strstr(out, "algorithm=MD5-sess, cnonce=\"0a4f113b\", qop=auth"));

	/* no qop: RFC 2069 response, no cnonce / nc / qop on the wire */
	parse_ok("Digest realm=\"biloxi.com\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\"", &c);
	assert_false(c.qop_auth);
	n = mbl_sip_auth_answer(&c, "bob", "zanzibar", "REGISTER", "sip:biloxi.com", out,
				sizeof(out));
	assert_int_equal(n, (int)strlen(out));
	assert_string_equal(out, "Digest username=\"bob\", realm=\"biloxi.com\", "
				 "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"sip:biloxi.com\", "
				 "response=\"4441045a8075db3ead543693997e2a0e\", algorithm=MD5");
}

/* A cnonce the caller did not preset is 32 random hex digits, kept for the
 * nonce; a new challenge starts over. */
static void test_random_cnonce(void **state)
{
	struct mbl_sip_auth_challenge c;
	char out[512], first[40];

	(void)state;
	parse_ok("Digest realm=\"r\", nonce=\"n\", qop=\"auth\"", &c);
	assert_true(mbl_sip_auth_answer(&c, "u", "p", "INVITE", "sip:x@y", out, sizeof(out)) > 0);
	assert_int_equal(strlen(c.cnonce), 32);
	assert_int_equal(strspn(c.cnonce, "0123456789abcdef"), 32);
	strcpy(first, c.cnonce);
	assert_true(mbl_sip_auth_answer(&c, "u", "p", "INVITE", "sip:x@y", out, sizeof(out)) > 0);
	assert_string_equal(c.cnonce, first);
	parse_ok("Digest realm=\"r\", nonce=\"n\", qop=\"auth\"", &c);
	assert_int_equal(c.nc, 0);
	assert_string_equal(c.cnonce, "");
	assert_true(mbl_sip_auth_answer(&c, "u", "p", "INVITE", "sip:x@y", out, sizeof(out)) > 0);
	assert_string_not_equal(c.cnonce, first);
}

static void test_answer_errors(void **state)
{
	struct mbl_sip_auth_challenge c;
	char out[512];

	(void)state;
	parse_ok(rfc2617_challenge, &c);
	assert_int_equal(mbl_sip_auth_answer(&c, "", "p", "GET", "/", out, sizeof(out)), -EINVAL);
	assert_int_equal(mbl_sip_auth_answer(&c, "a\r\nVia: x", "p", "GET", "/", out, sizeof(out)),
			 -EINVAL);
	assert_int_equal(mbl_sip_auth_answer(&c, "a", NULL, "GET", "/", out, sizeof(out)), -EINVAL);
	assert_int_equal(mbl_sip_auth_answer(&c, "a", "p", "GE T", "/", out, sizeof(out)), -EINVAL);
	assert_int_equal(mbl_sip_auth_answer(&c, "a", "p", "GET", "/\n", out, sizeof(out)), -EINVAL);
	assert_int_equal(mbl_sip_auth_answer(&c, "a", "p", "GET", "", out, sizeof(out)), -EINVAL);
	strcpy(c.cnonce, "x\r\ny");
	assert_int_equal(mbl_sip_auth_answer(&c, "a", "p", "GET", "/", out, sizeof(out)), -EINVAL);
	c.cnonce[0] = '\0';
	/* too small: -ENOSPC, out empty, c untouched */
	assert_int_equal(mbl_sip_auth_answer(&c, "a", "p", "GET", "/", out, 100), -ENOSPC);
	assert_string_equal(out, "");
	assert_int_equal(c.nc, 0);
	assert_string_equal(c.cnonce, "");
	assert_int_equal(mbl_sip_auth_answer(&c, "a", "p", "GET", "/", out, 0), -ENOSPC);
	/* exactly enough room */
	strcpy(c.cnonce, "0a4f113b");
	assert_int_equal(mbl_sip_auth_answer(&c, "a", "p", "GET", "/", out, 245), -ENOSPC);
	assert_int_equal(c.nc, 0);
	assert_int_equal(mbl_sip_auth_answer(&c, "a", "p", "GET", "/", out, 246), 245);
	c.nc = UINT32_MAX;
	assert_int_equal(mbl_sip_auth_answer(&c, "a", "p", "GET", "/", out, sizeof(out)), -ERANGE);
	c.nc = UINT32_MAX - 1;
	assert_true(mbl_sip_auth_answer(&c, "a", "p", "GET", "/", out, sizeof(out)) > 0);
	assert_non_null(strstr(out, "nc=ffffffff"));
}

/* ---- challenge syntax ------------------------------------------------------ */

static void test_challenge_forms(void **state)
{
	struct mbl_sip_auth_challenge c;
	char out[512];

	(void)state;
	/* case, escapes, spaces around '=' and ',', empty elements, unknown
	 * parameters, a token nonce, tab and folded line */
	parse_ok("digest  REALM = \"a\\\"b\\\\c\" ,nonce= abc.1,, ,ALGORITHM=sha-256 ,\t"
		 "Qop=\"auth-int,auth\", stale=TRUE,\r\n opaque=\"\", domain=\"sip:x sip:y\","
		 " x-ext=tok,",
		 &c);
	assert_string_equal(c.realm, "a\"b\\c");
	assert_string_equal(c.nonce, "abc.1");
	assert_int_equal(c.alg, MBL_SIP_AUTH_SHA256);
	assert_true(c.qop_auth);
	assert_true(c.stale);
	assert_true(c.has_opaque);
	assert_string_equal(c.opaque, "");
	/* the realm goes back escaped again */
	strcpy(c.cnonce, "x");
	assert_true(mbl_sip_auth_answer(&c, "u\"s", "p", "REGISTER", "sip:r", out, sizeof(out)) > 0);
	assert_non_null(strstr(out, "Digest username=\"u\\\"s\", realm=\"a\\\"b\\\\c\", "
				    "nonce=\"abc.1\", "));
	assert_non_null(strstr(out, "opaque=\"\""));

	parse_ok("Digest realm=\"r\",nonce=\"n\",stale=false,qop=auth", &c);
	assert_false(c.stale);
	assert_false(c.has_opaque);
	assert_int_equal(c.alg, MBL_SIP_AUTH_MD5);
	parse_ok("DIGEST realm=\"\",nonce=\"n\",stale=yes", &c);
	assert_false(c.stale); /* RFC 7616 3.3: anything but "true" is false */
	assert_string_equal(c.realm, "");
	parse_ok("  Digest\trealm=\"r\"\t,\tnonce=\"n\"  \r\n", &c);
	assert_string_equal(c.nonce, "n");
	assert_false(c.qop_auth);
}

static void parse_err(const char *value, const char *want)
{
	struct mbl_sip_auth_challenge c;
	char err[160] = "";

	memset(&c, 0x5a, sizeof(c));
	assert_int_equal(mbl_sip_auth_parse_challenge(value, &c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, want);
	assert_int_equal(c.nc, 0);
	assert_string_equal(c.nonce, "");
}

/* Authorization value of RFC 4475 3.1.2.7 (regaut01). */
static void regaut01_value(char *out, size_t len)
{
	FILE *f = fopen("tests/corpus/sip-torture/rfc4475/regaut01.dat", "r");
	char line[256];

	assert_non_null(f);
	out[0] = '\0';
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "Authorization: ", 15) == 0)
			snprintf(out, len, "%.*s", (int)strcspn(line + 15, "\r\n"), line + 15);
	fclose(f);
	assert_string_equal(out, "NoOneKnowsThisScheme opaque-data=here");
}

static void test_challenge_errors(void **state)
{
	char v[MBL_SIP_AUTH_HEADER_MAX + 64], big[300];
	size_t i;

	(void)state;
	regaut01_value(v, sizeof(v));
	parse_err(v, "auth scheme 'NoOneKnowsThisScheme' is not Digest");
	parse_err("Basic realm=\"x\"", "auth scheme 'Basic' is not Digest");
	parse_err("Digestion realm=\"x\"", "auth scheme 'Digestion' is not Digest");
	parse_err("Digest,realm=\"x\"", "bad character after the auth scheme");
	parse_err("", "empty header value");
	parse_err(NULL, "empty header value");
	parse_err("   ", "missing auth scheme");
	parse_err("Digest", "challenge has no realm");
	parse_err("Digest realm=r", "challenge has no nonce");
	parse_err("Digest realm=r, nonce=\"\"", "challenge has no nonce");
	parse_err("Digest realm=r, nonce=n, Realm=s", "parameter 'Realm' appears twice");
	parse_err("Digest realm=r, nonce=n, algorithm=SHA-1", "unsupported algorithm 'SHA-1'");
	parse_err("Digest realm=r, nonce=n, algorithm=\"\"", "unsupported algorithm ''");
	parse_err("Digest realm=r, nonce=n, qop=\"auth-int\"",
		  "qop auth-int (body integrity) is not supported");
	parse_err("Digest realm=r, nonce=n, qop=\"x-auth, authx\"",
		  "no supported qop in \"x-auth, authx\"");
	parse_err("Digest realm=r, nonce=n, algorithm=MD5-sess", "MD5-sess without qop=auth");
	parse_err("Digest realm=\"r, nonce=n", "unterminated quoted string");
	parse_err("Digest realm=\"r\\", "unterminated quoted string");
	parse_err("Digest realm=\"r\r\n\", nonce=n", "control character in a quoted string");
	parse_err("Digest realm=\"r\\\x01\", nonce=n", "control character in a quoted string");
	parse_err("Digest realm \"r\"", "expected '=' after parameter 'realm'");
	parse_err("Digest realm=, nonce=n", "parameter 'realm' has no value (token or quoted string)");
	parse_err("Digest realm=r nonce=n", "expected ',' after parameter 'realm'");
	parse_err("Digest realm=\"r\"x, nonce=n", "expected ',' after parameter 'realm'");
	parse_err("Digest realm=a/b, nonce=n", "expected ',' after parameter 'realm'");
	parse_err("Digest =r", "expected a parameter name at offset 7");
	memset(big, 'n', 256);
	snprintf(big + 256, sizeof(big) - 256, "\"");
	snprintf(v, sizeof(v), "Digest realm=r, nonce=\"%s", big);
	parse_err(v, "nonce longer than 255 bytes");
	snprintf(v, sizeof(v), "Digest realm=r");
	for (i = 0; i < 24; i++)
		snprintf(v + strlen(v), sizeof(v) - strlen(v), ", p%zu=x", i);
	parse_err(v, "more than 24 parameters");
	memset(v, ' ', MBL_SIP_AUTH_HEADER_MAX + 1);
	memcpy(v, "Digest", 6);
	v[MBL_SIP_AUTH_HEADER_MAX + 1] = '\0';
	parse_err(v, "header value longer than 4096 bytes");
	v[MBL_SIP_AUTH_HEADER_MAX] = '\0'; /* the longest allowed goes on parsing */
	parse_err(v, "challenge has no realm");
}

static void test_alg_table(void **state)
{
	enum mbl_sip_auth_alg a;
	unsigned int i;

	(void)state;
	for (i = 0; i < MBL_SIP_AUTH_ALG_MAX; i++) {
		assert_int_equal(mbl_sip_auth_alg_find(mbl_sip_auth_alg_name(i), &a), 0);
		assert_int_equal(a, i);
	}
	assert_int_equal(mbl_sip_auth_alg_find("md5-SESS", &a), 0);
	assert_int_equal(a, MBL_SIP_AUTH_MD5_SESS);
	assert_int_equal(mbl_sip_auth_alg_find("SHA256", &a), -EINVAL);
	assert_int_equal(mbl_sip_auth_alg_find(NULL, &a), -EINVAL);
	assert_null(mbl_sip_auth_alg_name(MBL_SIP_AUTH_ALG_MAX));
}

/* The server half lives in auth_server_test.c. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc2617_answer),   cmocka_unit_test(test_rfc7616_answers),
		cmocka_unit_test(test_md5_sess_and_rfc2069), cmocka_unit_test(test_random_cnonce),
		cmocka_unit_test(test_answer_errors),    cmocka_unit_test(test_challenge_forms),
		cmocka_unit_test(test_challenge_errors), cmocka_unit_test(test_alg_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
