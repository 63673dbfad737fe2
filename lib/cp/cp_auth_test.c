/* SPDX-License-Identifier: BSD-3-Clause
 * A challenging UAS (cp_auth.c) against a SIP peer written by hand: an
 * INVITE without credentials gets 401 with SHA-256 then MD5 challenges
 * (RFC 8760 2.4), the right answer gets the call, a wrong password 403, an
 * old nonce 401 stale=true; per-user passwords from a CSV file; REGISTER
 * challenged the same way. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>

#include <cmocka.h>

#include "cp_test_peer.h"

static uint64_t fake_now = 1700000000;

static uint64_t fake_clock(void)
{
	return fake_now;
}

struct fix {
	struct mbl_dp dp;
	struct mbl_cp *cp;
	struct peer p;
	uint16_t port;
	char csv[64];
};

static void start(struct fix *f, const char *user, const char *pass, const char *csv)
{
	struct mbl_cp_conf c;
	char err[256];

	f->port = free_port();
	fake_dp(&f->dp, 4);
	cp_conf(&c, false, f->port);
	snprintf(c.auth_realm, sizeof(c.auth_realm), "lab");
	c.auth_algs[0] = MBL_SIP_AUTH_SHA256;
	c.auth_algs[1] = MBL_SIP_AUTH_MD5;
	c.n_auth_algs = 2;
	c.auth_nonce_ttl_s = 30;
	snprintf(c.auth_user, sizeof(c.auth_user), "%s", user);
	snprintf(c.auth_password, sizeof(c.auth_password), "%s", pass);
	c.inject_file = csv;
	f->cp = mbl_cp_create(&c, &f->dp, err, sizeof(err));
	assert_non_null(f->cp);
	f->cp->auth->now_s = fake_clock;
	peer_open(&f->p, f->port);
}

static int setup(void **state)
{
	*state = calloc(1, sizeof(struct fix));
	return *state == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	mbl_cp_free(f->cp);
	close(f->p.fd);
	if (f->csv[0])
		unlink(f->csv);
	free(f);
	return 0;
}

/* method (INVITE / REGISTER / ACK) from user in call cid, optional
 * Authorization value. */
static void req(struct fix *f, const char *method, const char *user, const char *cid,
		unsigned cseq, const char *branch, const char *authz)
{
	char msg[4096], sdp[512] = "", ah[1200] = "", br[96];
	unsigned me = ntohs(f->p.me.sin_port);
	bool inv = strcmp(method, "INVITE") == 0;

	if (inv)
		peer_sdp(sdp, sizeof(sdp), 1, 40000, "sendrecv");
	if (authz)
		snprintf(ah, sizeof(ah), "Authorization: %s\r\n", authz);
	snprintf(br, sizeof(br), "%s-%s", branch, cid); /* unique per call */
	snprintf(msg, sizeof(msg),
		 "%s sip:bob@127.0.0.1:%u SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%u;branch=%s\r\n"
		 "Max-Forwards: 70\r\nFrom: <sip:%s@127.0.0.1>;tag=a1\r\nTo: <sip:bob@127.0.0.1>\r\n"
		 "Call-ID: %s\r\nCSeq: %u %s\r\nContact: <sip:%s@127.0.0.1:%u>\r\n%s"
		 "%sContent-Length: %zu\r\n\r\n%s",
		 method, f->port, me, br, user, cid, cseq, method, user, me, ah,
		 inv ? "Content-Type: application/sdp\r\n" : "", strlen(sdp), sdp);
	peer_send(&f->p, msg);
}

/* The n-th WWW-Authenticate value of the message in p->buf. */
static void www(const struct peer *p, int n, char *out, size_t len)
{
	const char *h = p->buf;

	for (int i = 0; i <= n; i++) {
		h = strstr(h, "\r\nWWW-Authenticate: ");
		assert_non_null(h);
		h += 20;
	}
	snprintf(out, len, "%.*s", (int)(strstr(h, "\r\n") - h), h);
}

/* Answer the first challenge of the 401 in p->buf for (user, pass). */
static void answer(struct fix *f, const char *method, const char *user, const char *pass,
		   char *authz, size_t len)
{
	struct mbl_sip_auth_challenge ch;
	char v[1024], err[128], uri[64];

	www(&f->p, 0, v, sizeof(v));
	assert_int_equal(mbl_sip_auth_parse_challenge(v, &ch, err, sizeof(err)), 0);
	snprintf(uri, sizeof(uri), "sip:bob@127.0.0.1:%u", f->port);
	assert_true(mbl_sip_auth_answer(&ch, user, pass, method, uri, authz, len) > 0);
}

/* INVITE; 401 + ACK; INVITE with the answer for pass. Leaves the final
 * response to the second INVITE in p->buf. */
static void challenged_call(struct fix *f, const char *user, const char *pass, const char *cid,
			    const char *want)
{
	char authz[1024];

	req(f, "INVITE", user, cid, 1, "z9hG4bK-1", NULL);
	peer_expect(&f->p, f->cp, "SIP/2.0 401 Unauthorized", 1000);
	req(f, "ACK", user, cid, 1, "z9hG4bK-1", NULL);
	answer(f, "INVITE", user, pass, authz, sizeof(authz));
	req(f, "INVITE", user, cid, 2, "z9hG4bK-2", authz);
	peer_expect(&f->p, f->cp, want, 1000);
}

static void test_challenge_accept_refuse(void **state)
{
	struct fix *f = *state;
	const struct mbl_cp_stats *st;
	char v[1024];

	start(f, "alice", "s3cret", NULL);
	st = mbl_cp_stats(f->cp);
	req(f, "INVITE", "alice", "c1@test", 1, "z9hG4bK-1", NULL);
	peer_expect(&f->p, f->cp, "SIP/2.0 401 Unauthorized", 1000);
	/* RFC 8760 2.4: one challenge per algorithm, preferred first */
	www(&f->p, 0, v, sizeof(v));
	assert_true(strncmp(v, "Digest realm=\"lab\", nonce=\"", 27) == 0);
	assert_non_null(strstr(v, "algorithm=SHA-256"));
	assert_non_null(strstr(v, "qop=\"auth\""));
	www(&f->p, 1, v, sizeof(v));
	assert_non_null(strstr(v, "algorithm=MD5"));
	assert_null(strstr(f->p.buf, "s3cret"));
	req(f, "ACK", "alice", "c1@test", 1, "z9hG4bK-1", NULL);
	assert_int_equal(st->attempted, 0); /* a challenge is no call attempt yet */

	challenged_call(f, "alice", "s3cret", "c2@test", "SIP/2.0 200 OK");
	assert_int_equal(st->succeeded, 1);
	challenged_call(f, "alice", "wrong", "c3@test", "SIP/2.0 403 Forbidden");
	challenged_call(f, "mallory", "s3cret", "c4@test", "SIP/2.0 403 Forbidden");
	assert_int_equal(st->auth_challenged, 4);
	assert_int_equal(st->auth_accepted, 1);
	assert_int_equal(st->auth_refused, 2);
	assert_int_equal(st->failed, 2);
	assert_int_equal(st->by_status[403], 2);
	assert_string_equal(st->reason[0], "digest credentials refused (403)");
}

static void test_stale_nonce(void **state)
{
	struct fix *f = *state;
	char authz[1024], v[1024];

	start(f, "alice", "s3cret", NULL);
	req(f, "INVITE", "alice", "s1@test", 1, "z9hG4bK-1", NULL);
	peer_expect(&f->p, f->cp, "SIP/2.0 401 Unauthorized", 1000);
	req(f, "ACK", "alice", "s1@test", 1, "z9hG4bK-1", NULL);
	answer(f, "INVITE", "alice", "s3cret", authz, sizeof(authz));
	fake_now += 31; /* past auth_nonce_ttl_s */
	req(f, "INVITE", "alice", "s1@test", 2, "z9hG4bK-2", authz);
	peer_expect(&f->p, f->cp, "SIP/2.0 401 Unauthorized", 1000);
	www(&f->p, 0, v, sizeof(v));
	assert_non_null(strstr(v, "stale=true"));
	assert_int_equal(mbl_cp_stats(f->cp)->auth_stale, 1);
	assert_int_equal(mbl_cp_stats(f->cp)->auth_refused, 0);
}

/* Per-user passwords from the CSV rows; REGISTER challenged too. */
static void test_csv_users_and_register(void **state)
{
	struct fix *f = *state;
	char authz[1024];
	int fd;

	snprintf(f->csv, sizeof(f->csv), "/tmp/cp_auth_test_%d.csv", (int)getpid());
	fd = open(f->csv, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "SEQUENTIAL\nu1;pw1\nu2;pw2\n", 25), 25);
	close(fd);
	start(f, "[field0]", "[field1]", f->csv);
	challenged_call(f, "u2", "pw2", "v1@test", "SIP/2.0 200 OK");
	challenged_call(f, "u1", "pw2", "v2@test", "SIP/2.0 403 Forbidden");
	req(f, "REGISTER", "u1", "r1@test", 1, "z9hG4bK-r1", NULL);
	peer_expect(&f->p, f->cp, "SIP/2.0 401 Unauthorized", 1000);
	answer(f, "REGISTER", "u1", "pw1", authz, sizeof(authz));
	req(f, "REGISTER", "u1", "r1@test", 2, "z9hG4bK-r2", authz);
	peer_expect(&f->p, f->cp, "SIP/2.0 200 OK", 1000);
	assert_non_null(strstr(f->p.buf, "\r\nContact: <sip:u1@127.0.0.1:"));
	assert_int_equal(mbl_cp_stats(f->cp)->register_ok, 1);
	assert_int_equal(mbl_cp_stats(f->cp)->auth_accepted, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_challenge_accept_refuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_nonce, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv_users_and_register, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
