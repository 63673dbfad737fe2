/* SPDX-License-Identifier: BSD-3-Clause
 * UAC registrations (cp_register.c) against a registrar written by hand on
 * loopback UDP: the REGISTER's fields (RFC 3261 10.2), calls only after
 * the registration phase, refresh at half the granted expiry with the same
 * Call-ID and CSeq + 1, Expires: 0 at stop; digest answered once per user
 * with the user's CSV password, 403 counted as failed, stale=true retried
 * once. */
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

struct fix {
	struct mbl_dp dp;
	struct mbl_cp *cp;
	struct peer p;
	uint16_t port;
	char csv[64];
	struct mbl_sip_auth_server reg;     /* the peer's registrar side */
};

static const char *peer_password(void *arg, const char *user)
{
	(void)arg;
	if (strcmp(user, "u1") == 0)
		return "pw1";
	if (strcmp(user, "u2") == 0)
		return "pw2";
	return strcmp(user, "alice") == 0 ? "s3cret" : NULL;
}

static void write_csv(struct fix *f)
{
	int fd;

	snprintf(f->csv, sizeof(f->csv), "/tmp/cp_register_test_%d.csv", (int)getpid());
	fd = open(f->csv, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "SEQUENTIAL\nu1;pw1\nu2;pw2\n", 25), 25);
	close(fd);
}

/* A registering UAC toward the peer: expires s, reg_rate r/s. */
static void start(struct fix *f, uint32_t expires, uint32_t rate, bool csv)
{
	struct mbl_cp_conf c;
	char err[256];

	f->port = free_port();
	peer_open(&f->p, f->port);
	fake_dp(&f->dp, 4);
	cp_conf(&c, true, f->port);
	memcpy(&c.target, &f->p.me, sizeof(f->p.me));
	c.target_len = sizeof(f->p.me);
	snprintf(c.target_host, sizeof(c.target_host), "127.0.0.1");
	c.reg = true;
	c.reg_expires = expires;
	c.reg_rate = rate;
	if (csv) {
		write_csv(f);
		c.inject_file = f->csv;
		snprintf(c.from_user, sizeof(c.from_user), "[field0]");
		snprintf(c.auth_user, sizeof(c.auth_user), "[field0]");
		snprintf(c.auth_password, sizeof(c.auth_password), "[field1]");
	} else {
		snprintf(c.auth_user, sizeof(c.auth_user), "alice");
		snprintf(c.auth_password, sizeof(c.auth_password), "s3cret");
	}
	f->cp = mbl_cp_create(&c, &f->dp, err, sizeof(err));
	assert_non_null(f->cp);
	assert_int_equal(mbl_sip_auth_server_init(&f->reg, "lab", 30, peer_password, NULL), 0);
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

/* A response to the request in p->buf with extra header lines (each
 * ending in CRLF). */
static void reply(struct fix *f, int status, const char *reason, const char *extra)
{
	char via[512], from[256], to[256], cid[128], cseq[64], msg[4096];

	hdr(f->p.buf, "Via", via, sizeof(via));
	hdr(f->p.buf, "From", from, sizeof(from));
	hdr(f->p.buf, "To", to, sizeof(to));
	hdr(f->p.buf, "Call-ID", cid, sizeof(cid));
	hdr(f->p.buf, "CSeq", cseq, sizeof(cseq));
	snprintf(msg, sizeof(msg),
		 "SIP/2.0 %d %s\r\nVia: %s\r\nFrom: %s\r\nTo: %s;tag=reg1\r\nCall-ID: %s\r\n"
		 "CSeq: %s\r\n%sContent-Length: 0\r\n\r\n", status, reason, via, from, to, cid,
		 cseq, extra);
	peer_send(&f->p, msg);
}

/* The INVITE in p->buf refused 486; its ACK taken. */
static void busy(struct fix *f)
{
	reply(f, 486, "Busy Here", "");
	peer_expect(&f->p, f->cp, "ACK ", 1000);
}

/* 401 with a challenge of the peer's registrar (stale or not). */
static void challenge(struct fix *f, bool stale)
{
	char v[1024], line[1100];

	assert_true(mbl_sip_auth_challenge_make(&f->reg, MBL_SIP_AUTH_SHA256, stale, v,
						sizeof(v)) > 0);
	snprintf(line, sizeof(line), "WWW-Authenticate: %s\r\n", v);
	reply(f, 401, "Unauthorized", line);
}

/* The REGISTER in p->buf carries a digest answer that verifies for user. */
static void verify_user(struct fix *f, const char *user)
{
	char a[2048], who[64], err[160];

	hdr(f->p.buf, "Authorization", a, sizeof(a));
	assert_int_equal(mbl_sip_auth_verify(&f->reg, a, "REGISTER", who, sizeof(who), err,
					     sizeof(err)), 0);
	assert_string_equal(who, user);
	assert_non_null(strstr(a, "uri=\"sip:127.0.0.1\""));
}

static void expect_register(struct fix *f, const char *user, unsigned cseq, const char *expires)
{
	char v[512], want[256];

	peer_expect(&f->p, f->cp, "REGISTER sip:127.0.0.1 SIP/2.0\r\n", 3000);
	snprintf(want, sizeof(want), "<sip:%s@127.0.0.1>", user);
	assert_string_equal(hdr(f->p.buf, "To", v, sizeof(v)), want);
	assert_true(strncmp(hdr(f->p.buf, "From", v, sizeof(v)), want, strlen(want)) == 0);
	assert_non_null(strstr(v, ";tag="));
	snprintf(want, sizeof(want), "<sip:%s@127.0.0.1:%u>", user, f->port);
	assert_string_equal(hdr(f->p.buf, "Contact", v, sizeof(v)), want);
	assert_string_equal(hdr(f->p.buf, "Expires", v, sizeof(v)), expires);
	snprintf(want, sizeof(want), "%u REGISTER", cseq);
	assert_string_equal(hdr(f->p.buf, "CSeq", v, sizeof(v)), want);
}

/* Fields, calls after the phase, refresh timing, same Call-ID, CSeq + 1,
 * Expires: 0 at stop. */
static void test_fields_refresh_unregister(void **state)
{
	struct fix *f = *state;
	const struct mbl_cp_stats *st;
	char cid[128], from[256], v[256], ok[256];
	uint64_t t0, dt;

	start(f, 2, 10, false);
	st = mbl_cp_stats(f->cp);
	expect_register(f, "alice", 1, "2");
	assert_null(strstr(f->p.buf, "Authorization"));
	hdr(f->p.buf, "Call-ID", cid, sizeof(cid));
	hdr(f->p.buf, "From", from, sizeof(from));
	peer_quiet(&f->p, f->cp, 100); /* no INVITE before the phase ended */
	assert_int_equal(mbl_cp_stats(f->cp)->attempted, 0);
	snprintf(ok, sizeof(ok), "Contact: <sip:alice@127.0.0.1:%u>;expires=2\r\n", f->port);
	reply(f, 200, "OK", ok);
	t0 = mbl_time_ns();
	peer_expect(&f->p, f->cp, "INVITE ", 1000);
	busy(f);
	assert_int_equal(st->reg_succeeded, 1);

	/* refresh at half the granted 2 s: same Call-ID and From, CSeq 2 */
	expect_register(f, "alice", 2, "2");
	dt = (mbl_time_ns() - t0) / 1000000;
	/* due at 1 s; late by a loaded machine's stall is fine, as long as it
	 * comes before the 2 s binding lapses */
	assert_true(dt >= 900 && dt < 1900);
	assert_string_equal(hdr(f->p.buf, "Call-ID", v, sizeof(v)), cid);
	assert_string_equal(hdr(f->p.buf, "From", v, sizeof(v)), from);
	reply(f, 200, "OK", "Expires: 60\r\n"); /* no Contact: the header's value */
	peer_quiet(&f->p, f->cp, 1500);           /* 30 s to the next refresh */
	assert_int_equal(st->reg_refreshed, 1);

	mbl_cp_stop(f->cp);
	expect_register(f, "alice", 3, "0");
	assert_string_equal(hdr(f->p.buf, "Call-ID", v, sizeof(v)), cid);
	assert_int_equal(mbl_cp_live(f->cp), 1); /* the unREGISTER is waited for */
	reply(f, 200, "OK", "");
	for (int i = 0; i < 100 && mbl_cp_live(f->cp) != 0; i++)
		mbl_cp_poll(f->cp, 1);
	assert_int_equal(mbl_cp_live(f->cp), 0);
	assert_int_equal(st->reg_attempted, 1);
	assert_int_equal(st->reg_unregistered, 1);
	assert_int_equal(st->reg_failed, 0);
	assert_int_equal(st->reg_challenged, 0);
}

/* Per-user digest from the CSV rows: u1 answers the 401 with pw1 and is
 * bound; u2's answer is refused 403: failed, counted by status, not
 * retried; calls go once both ended. */
static void test_csv_digest_and_403(void **state)
{
	struct fix *f = *state;
	const struct mbl_cp_stats *st;

	start(f, 3600, 5, true);
	st = mbl_cp_stats(f->cp);
	expect_register(f, "u1", 1, "3600");
	challenge(f, false);
	expect_register(f, "u1", 2, "3600");
	verify_user(f, "u1");
	assert_null(strstr(f->p.buf, "pw1"));
	reply(f, 200, "OK", "");

	expect_register(f, "u2", 1, "3600");
	challenge(f, false);
	expect_register(f, "u2", 2, "3600");
	verify_user(f, "u2");
	peer_quiet(&f->p, f->cp, 50);
	assert_int_equal(st->attempted, 0);
	reply(f, 403, "Forbidden", "");
	peer_expect(&f->p, f->cp, "INVITE sip:bob@127.0.0.1", 1000);
	busy(f);
	assert_int_equal(st->reg_attempted, 2);
	assert_int_equal(st->reg_succeeded, 1);
	assert_int_equal(st->reg_failed, 1);
	assert_int_equal(st->reg_by_status[403], 1);
	assert_string_equal(st->reg_reason[0], "Forbidden");
	assert_int_equal(st->reg_challenged, 2);

	/* only u1 is bound: one Expires: 0 */
	mbl_cp_stop(f->cp);
	expect_register(f, "u1", 3, "0");
	reply(f, 200, "OK", "");
	peer_quiet(&f->p, f->cp, 100);
	assert_int_equal(st->reg_unregistered, 1);
}

/* stale=true after our answer: answered once more (CSeq 3); a second
 * stale after that, or a plain 401 after an answer, is a failure. */
static void test_stale_retried_once(void **state)
{
	struct fix *f = *state;
	const struct mbl_cp_stats *st;

	start(f, 3600, 10, false);
	st = mbl_cp_stats(f->cp);
	expect_register(f, "alice", 1, "3600");
	challenge(f, false);
	expect_register(f, "alice", 2, "3600");
	verify_user(f, "alice");
	challenge(f, true);
	expect_register(f, "alice", 3, "3600");
	verify_user(f, "alice");
	challenge(f, true);
	peer_expect(&f->p, f->cp, "INVITE ", 1000); /* the phase ended: failed */
	busy(f);
	assert_int_equal(st->reg_challenged, 2);
	assert_int_equal(st->reg_stale, 1);
	assert_int_equal(st->reg_failed, 1);
	assert_int_equal(st->reg_by_status[401], 1);
	assert_string_equal(st->reg_reason[0], "credentials refused");
	mbl_cp_stop(f->cp);
	peer_quiet(&f->p, f->cp, 100); /* nothing bound: no Expires: 0 */
	assert_int_equal(mbl_cp_live(f->cp), 0);
}

/* stale=true, then 200: bound after two answers. */
static void test_stale_then_ok(void **state)
{
	struct fix *f = *state;
	const struct mbl_cp_stats *st;

	start(f, 3600, 10, false);
	st = mbl_cp_stats(f->cp);
	expect_register(f, "alice", 1, "3600");
	challenge(f, false);
	expect_register(f, "alice", 2, "3600");
	challenge(f, true);
	expect_register(f, "alice", 3, "3600");
	verify_user(f, "alice");
	reply(f, 200, "OK", "");
	peer_expect(&f->p, f->cp, "INVITE ", 1000);
	busy(f);
	assert_int_equal(st->reg_succeeded, 1);
	assert_int_equal(st->reg_failed, 0);
	assert_int_equal(st->reg_stale, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fields_refresh_unregister, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv_digest_and_403, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_retried_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_then_ok, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
