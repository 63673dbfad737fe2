/* SPDX-License-Identifier: BSD-3-Clause
 * DTLS-SRTP in memory: identities and fingerprints, context and connection
 * argument checks, a full handshake for each use_srtp profile (keys agree,
 * differ per direction and carry SRTP through libsrtp), profile choice
 * (the server's preference among the client's offers), no common profile,
 * fingerprint mismatches on either side and with every hash, one datagram
 * per output with -ENOSPC keeping it, and a rough handshake rate.
 */
#include <ctype.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "dtls_priv.h"
#include "dtls_test_util.h"

static const enum mbl_srtp_suite all4[] = {
	MBL_SRTP_AES_CM_128_HMAC_SHA1_80,
	MBL_SRTP_AES_CM_128_HMAC_SHA1_32,
	MBL_SRTP_AEAD_AES_128_GCM,
	MBL_SRTP_AEAD_AES_256_GCM,
};

/* "AB:CD:.." of n bytes: upper-case hex pairs joined by ':'. */
static void assert_fp_form(const char *fp, unsigned n)
{
	assert_int_equal(strlen(fp), 3 * n - 1);
	for (unsigned i = 0; i < 3 * n - 1; i++) {
		if (i % 3 == 2)
			assert_int_equal(fp[i], ':');
		else
			assert_true(isxdigit((unsigned char)fp[i]) && !islower((unsigned char)fp[i]));
	}
}

/* ---- identity ---------------------------------------------------------------------- */

static void test_ident(void **state)
{
	static const struct {
		const char *alg;
		unsigned n;
	} algs[] = { { "sha-1", 20 }, { "sha-224", 28 }, { "sha-256", 32 },
		     { "SHA-384", 48 }, { "Sha-512", 64 } };
	char err[160] = "", fp[MBL_DTLS_FP_LEN], fp2[MBL_DTLS_FP_LEN];
	struct mbl_dtls_ident *a = mbl_dtls_ident_create(err, sizeof(err));
	struct mbl_dtls_ident *b = mbl_dtls_ident_create(err, sizeof(err));

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_fp_form(mbl_dtls_ident_fingerprint(a), 32);
	/* a fresh key each time */
	assert_string_not_equal(mbl_dtls_ident_fingerprint(a), mbl_dtls_ident_fingerprint(b));
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		int n = mbl_dtls_ident_fingerprint_alg(a, algs[i].alg, fp, sizeof(fp));

		assert_int_equal(n, 3 * algs[i].n - 1);
		assert_fp_form(fp, algs[i].n);
		/* only as long as it must be: exactly 3n bytes with the NUL */
		assert_int_equal(mbl_dtls_ident_fingerprint_alg(a, algs[i].alg, fp2, 3 * algs[i].n),
				 n);
		assert_string_equal(fp, fp2);
		assert_int_equal(mbl_dtls_ident_fingerprint_alg(a, algs[i].alg, fp2,
								3 * algs[i].n - 1),
				 -ENOSPC);
	}
	assert_int_equal(mbl_dtls_ident_fingerprint_alg(a, "sha-256", fp, sizeof(fp)), 95);
	assert_string_equal(fp, mbl_dtls_ident_fingerprint(a));
	assert_int_equal(mbl_dtls_ident_fingerprint_alg(a, "md5", fp, sizeof(fp)), -EINVAL);
	assert_int_equal(mbl_dtls_ident_fingerprint_alg(a, "sha256", fp, sizeof(fp)), -EINVAL);
	assert_int_equal(mbl_dtls_ident_fingerprint_alg(a, NULL, fp, sizeof(fp)), -EINVAL);
	mbl_dtls_ident_free(a);
	mbl_dtls_ident_free(b);
	mbl_dtls_ident_free(NULL);
}

/* ---- context and connection arguments ------------------------------------------------ */

static void test_ctx_errors(void **state)
{
	const enum mbl_srtp_suite bad[] = { MBL_SRTP_AES_CM_128_HMAC_SHA1_80,
					    MBL_SRTP_AES_256_CM_HMAC_SHA1_80 };
	const enum mbl_srtp_suite twice[] = { MBL_SRTP_AEAD_AES_128_GCM,
					      MBL_SRTP_AES_CM_128_HMAC_SHA1_80,
					      MBL_SRTP_AEAD_AES_128_GCM };
	char err[160] = "";
	struct mbl_dtls_ident *id = mbl_dtls_ident_create(err, sizeof(err));
	struct mbl_dtls_ctx *ctx;

	(void)state;
	assert_non_null(id);
	for (int s = 0; s < MBL_SRTP_SUITE_MAX; s++)
		assert_int_equal(mbl_dtls_suite_ok((enum mbl_srtp_suite)s),
				 s == MBL_SRTP_AES_CM_128_HMAC_SHA1_80 ||
					 s == MBL_SRTP_AES_CM_128_HMAC_SHA1_32 ||
					 s == MBL_SRTP_AEAD_AES_128_GCM ||
					 s == MBL_SRTP_AEAD_AES_256_GCM);
	assert_false(mbl_dtls_suite_ok(MBL_SRTP_SUITE_MAX));
	assert_null(mbl_dtls_ctx_create(id, all4, 0, err, sizeof(err)));
	assert_string_equal(err, "dtls: no SRTP suite to offer");
	assert_null(mbl_dtls_ctx_create(id, bad, 2, err, sizeof(err)));
	assert_string_equal(err, "dtls: suite AES_256_CM_HMAC_SHA1_80 has no DTLS-SRTP profile");
	assert_int_equal(errno, EINVAL);
	assert_null(mbl_dtls_ctx_create(id, twice, 3, err, sizeof(err)));
	assert_string_equal(err, "dtls: suite AEAD_AES_128_GCM listed twice");
	ctx = mbl_dtls_ctx_create(id, all4, 4, err, sizeof(err));
	assert_non_null(ctx);
	mbl_dtls_ctx_set_rto_ms(ctx, 1); /* clamped, not refused */
	mbl_dtls_ctx_free(ctx);
	mbl_dtls_ctx_free(NULL);
	mbl_dtls_ident_free(id);
}

static void conn_refused(struct mbl_dtls_ctx *ctx, const char *alg, const char *fp,
			 const char *want_err)
{
	char err[160] = "";

	assert_null(mbl_dtls_conn_create(ctx, MBL_DTLS_SERVER, alg, fp, 0, err, sizeof(err)));
	assert_int_equal(errno, EINVAL);
	assert_string_equal(err, want_err);
}

static void test_conn_errors(void **state)
{
	char err[160] = "", low[MBL_DTLS_FP_LEN], fp1[MBL_DTLS_FP_LEN];
	struct mbl_dtls_ident *id = mbl_dtls_ident_create(err, sizeof(err));
	struct mbl_dtls_ctx *ctx = tu_ctx(id, all4, 4);
	const char *fp = mbl_dtls_ident_fingerprint(id);
	const char *bad256 = "dtls: malformed sha-256 fingerprint (want 32 hex pairs joined by ':')";
	struct mbl_dtls_conn *c;
	struct mbl_srtp_key k;
	uint8_t buf[64];

	(void)state;
	conn_refused(ctx, "md5", fp, "dtls: unknown fingerprint hash \"md5\" (sha-1, sha-224, "
				     "sha-256, sha-384 or sha-512)");
	conn_refused(ctx, NULL, fp, "dtls: unknown fingerprint hash \"\" (sha-1, sha-224, "
				    "sha-256, sha-384 or sha-512)");
	conn_refused(ctx, "sha-256", NULL, bad256);
	conn_refused(ctx, "sha-256", "", bad256);
	conn_refused(ctx, "sha-256", "AB:CD", bad256);
	/* a sha-1 value announced as sha-256 */
	assert_int_equal(mbl_dtls_ident_fingerprint_alg(id, "sha-1", fp1, sizeof(fp1)), 59);
	conn_refused(ctx, "sha-256", fp1, bad256);
	strcpy(low, fp);
	low[94] = '\0'; /* half a byte short */
	conn_refused(ctx, "sha-256", low, bad256);
	strcpy(low, fp);
	low[2] = '-';
	conn_refused(ctx, "sha-256", low, bad256);
	strcpy(low, fp);
	low[0] = 'G';
	conn_refused(ctx, "sha-256", low, bad256);
	snprintf(low, sizeof(low), "%s:", fp);
	conn_refused(ctx, "sha-256", low, bad256);
	/* lower case and any case of the name are fine */
	for (char *p = strcpy(low, fp); *p; p++)
		*p = (char)tolower((unsigned char)*p);
	c = mbl_dtls_conn_create(ctx, MBL_DTLS_CLIENT, "SHA-256", low, 0, err, sizeof(err));
	assert_non_null(c);
	/* before start: nothing pending, nothing out, input ignored */
	assert_int_equal(mbl_dtls_conn_state(c), MBL_DTLS_HANDSHAKING);
	assert_int_equal(mbl_dtls_conn_deadline(c), UINT64_MAX);
	assert_int_equal(mbl_dtls_conn_output(c, buf, sizeof(buf)), 0);
	assert_int_equal(mbl_dtls_conn_keys(c, &k, &k), -EAGAIN);
	assert_int_equal(mbl_dtls_conn_tick(c, UINT64_MAX - 1), MBL_DTLS_HANDSHAKING);
	assert_string_equal(mbl_dtls_conn_detail(c), "");
	mbl_dtls_conn_free(c);
	mbl_dtls_conn_free(NULL);
	mbl_dtls_ctx_free(ctx);
	mbl_dtls_ident_free(id);
}

static void test_fail_names(void **state)
{
	(void)state;
	assert_string_equal(mbl_dtls_fail_name(MBL_DTLS_FAIL_NONE), "none");
	assert_string_equal(mbl_dtls_fail_name(MBL_DTLS_FAIL_TIMEOUT), "dtls_timeout");
	assert_string_equal(mbl_dtls_fail_name(MBL_DTLS_FAIL_FINGERPRINT), "dtls_fingerprint");
	assert_string_equal(mbl_dtls_fail_name(MBL_DTLS_FAIL_NO_CERT), "dtls_no_certificate");
	assert_string_equal(mbl_dtls_fail_name(MBL_DTLS_FAIL_NO_PROFILE), "dtls_no_srtp_profile");
	assert_string_equal(mbl_dtls_fail_name(MBL_DTLS_FAIL_ALERT), "dtls_alert");
	assert_string_equal(mbl_dtls_fail_name(MBL_DTLS_FAIL_PROTOCOL), "dtls_protocol");
	assert_string_equal(mbl_dtls_fail_name(MBL_DTLS_FAIL_MAX), "?");
}

/* ---- handshakes -------------------------------------------------------------------------- */

static void handshake_one(enum mbl_srtp_suite s)
{
	struct mbl_dtls_conn_stats cs, ss;
	struct tu_pair p;

	tu_init(&p, &s, 1, &s, 1);
	tu_conns(&p, NULL, NULL, NULL, NULL, 0);
	tu_start(&p);
	/* the client's ClientHello is out, the server waits for it with only
	 * the handshake limit (10 s) pending */
	assert_true(mbl_dtls_conn_deadline(p.cli) <= mbl_time_ns() + 1000000000ULL);
	assert_true(mbl_dtls_conn_deadline(p.srv) > mbl_time_ns() + 9000000000ULL);
	tu_settle(&p);
	tu_assert_keys(&p, s);
	assert_int_equal(mbl_dtls_conn_deadline(p.cli), UINT64_MAX);
	assert_int_equal(mbl_dtls_conn_deadline(p.srv), UINT64_MAX);
	assert_int_equal(mbl_dtls_conn_failure(p.cli), MBL_DTLS_FAIL_NONE);
	mbl_dtls_conn_stats(p.cli, &cs);
	mbl_dtls_conn_stats(p.srv, &ss);
	/* four flights, each in one datagram: ClientHello | ServerHello ..
	 * ServerHelloDone | Certificate .. Finished | ChangeCipherSpec, Finished */
	assert_int_equal(cs.tx_datagrams, 2);
	assert_int_equal(ss.tx_datagrams, 2);
	assert_int_equal(cs.rx_datagrams, 2);
	assert_int_equal(ss.rx_datagrams, 2);
	assert_int_equal(cs.rx_ignored + ss.rx_ignored + cs.retransmits + ss.retransmits, 0);
	assert_true(cs.handshake_ns > 0 && ss.handshake_ns > 0);
	/* started again: nothing changes */
	assert_int_equal(mbl_dtls_conn_start(p.cli, mbl_time_ns()), MBL_DTLS_DONE);
	tu_fini(&p);
}

static void test_handshake_each_profile(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(all4) / sizeof(all4[0]); i++)
		handshake_one(all4[i]);
}

/* RFC 5764 4.1.1: the server chooses one of the client's profiles (the
 * client lists them by preference); OpenSSL's server takes the first of
 * its own list that the client offered: its preference, not the
 * client's. */
static void pick(const enum mbl_srtp_suite *cs, const enum mbl_srtp_suite *ss,
		 enum mbl_srtp_suite want)
{
	struct tu_pair p;

	tu_init(&p, cs, 2, ss, 2);
	tu_conns(&p, NULL, NULL, NULL, NULL, 0);
	tu_start(&p);
	tu_settle(&p);
	tu_assert_keys(&p, want);
	tu_fini(&p);
}

static void test_server_preference(void **state)
{
	const enum mbl_srtp_suite gcm80[] = { MBL_SRTP_AEAD_AES_128_GCM,
					      MBL_SRTP_AES_CM_128_HMAC_SHA1_80 };
	const enum mbl_srtp_suite g80gcm[] = { MBL_SRTP_AES_CM_128_HMAC_SHA1_80,
					       MBL_SRTP_AEAD_AES_128_GCM };

	(void)state;
	pick(gcm80, g80gcm, MBL_SRTP_AES_CM_128_HMAC_SHA1_80);
	pick(g80gcm, gcm80, MBL_SRTP_AEAD_AES_128_GCM);
	pick(gcm80, gcm80, MBL_SRTP_AEAD_AES_128_GCM);
}

/* No profile in common: the server leaves use_srtp out of its hello
 * (RFC 5764 4.1.1) and OpenSSL completes the handshake anyway; both ends
 * then find no profile selected, fail with NO_PROFILE and have no keys. */
static void test_no_common_profile(void **state)
{
	const enum mbl_srtp_suite c80 = MBL_SRTP_AES_CM_128_HMAC_SHA1_80;
	const enum mbl_srtp_suite sgcm[] = { MBL_SRTP_AEAD_AES_128_GCM,
					     MBL_SRTP_AEAD_AES_256_GCM };
	struct mbl_srtp_key k;
	struct tu_pair p;

	(void)state;
	tu_init(&p, &c80, 1, sgcm, 2);
	tu_conns(&p, NULL, NULL, NULL, NULL, 0);
	tu_start(&p);
	tu_settle(&p);
	assert_int_equal(mbl_dtls_conn_state(p.cli), MBL_DTLS_FAILED);
	assert_int_equal(mbl_dtls_conn_state(p.srv), MBL_DTLS_FAILED);
	assert_int_equal(mbl_dtls_conn_failure(p.cli), MBL_DTLS_FAIL_NO_PROFILE);
	assert_int_equal(mbl_dtls_conn_failure(p.srv), MBL_DTLS_FAIL_NO_PROFILE);
	assert_int_equal(mbl_dtls_conn_keys(p.cli, &k, &k), -EAGAIN);
	assert_int_equal(mbl_dtls_conn_keys(p.srv, &k, &k), -EAGAIN);
	assert_int_equal(mbl_dtls_conn_deadline(p.cli), UINT64_MAX);
	assert_int_equal(mbl_dtls_conn_deadline(p.srv), UINT64_MAX);
	tu_fini(&p);
}

/* ---- fingerprints ------------------------------------------------------------------------ */

/* The other end's fingerprint with alg, and one with its last digit changed. */
static void fps(struct mbl_dtls_ident *id, const char *alg, char *good, char *bad)
{
	int n = mbl_dtls_ident_fingerprint_alg(id, alg, good, MBL_DTLS_FP_LEN);

	assert_true(n > 0);
	strcpy(bad, good);
	bad[n - 1] = bad[n - 1] == '0' ? '1' : '0';
}

static void test_fingerprint_every_hash(void **state)
{
	static const char *const algs[] = { "sha-1", "sha-224", "sha-256", "sha-384", "sha-512" };
	char cgood[MBL_DTLS_FP_LEN], cbad[MBL_DTLS_FP_LEN];
	char sgood[MBL_DTLS_FP_LEN], sbad[MBL_DTLS_FP_LEN];
	struct tu_pair p;

	(void)state;
	tu_init(&p, all4, 4, all4, 4);
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		fps(p.sid, algs[i], sgood, sbad); /* what the client expects */
		fps(p.cid, algs[i], cgood, cbad); /* what the server expects */
		tu_conns(&p, algs[i], sgood, algs[i], cgood, 0);
		tu_start(&p);
		tu_settle(&p);
		tu_assert_keys(&p, MBL_SRTP_AES_CM_128_HMAC_SHA1_80);
		tu_conns_free(&p);
	}
	tu_fini(&p);
}

static void mismatch(struct tu_pair *p, const char *alg, bool server_wrong)
{
	char cgood[MBL_DTLS_FP_LEN], cbad[MBL_DTLS_FP_LEN];
	char sgood[MBL_DTLS_FP_LEN], sbad[MBL_DTLS_FP_LEN];
	struct mbl_dtls_conn *verifier, *other;
	struct mbl_srtp_key k;

	fps(p->sid, alg, sgood, sbad);
	fps(p->cid, alg, cgood, cbad);
	tu_conns(p, alg, server_wrong ? sgood : sbad, alg, server_wrong ? cbad : cgood, 0);
	tu_start(p);
	tu_settle(p);
	verifier = server_wrong ? p->srv : p->cli;
	other = server_wrong ? p->cli : p->srv;
	assert_int_equal(mbl_dtls_conn_state(verifier), MBL_DTLS_FAILED);
	assert_int_equal(mbl_dtls_conn_failure(verifier), MBL_DTLS_FAIL_FINGERPRINT);
	assert_string_equal(mbl_dtls_conn_detail(verifier), "certificate verify failed");
	/* the bad_certificate alert reached the other end */
	assert_int_equal(mbl_dtls_conn_state(other), MBL_DTLS_FAILED);
	assert_int_equal(mbl_dtls_conn_failure(other), MBL_DTLS_FAIL_ALERT);
	assert_string_equal(mbl_dtls_conn_detail(other), "sslv3 alert bad certificate");
	assert_int_equal(mbl_dtls_conn_keys(verifier, &k, &k), -EAGAIN);
	assert_int_equal(mbl_dtls_conn_keys(other, &k, &k), -EAGAIN);
	assert_int_equal(mbl_dtls_conn_deadline(verifier), UINT64_MAX);
	assert_int_equal(mbl_dtls_conn_deadline(other), UINT64_MAX);
	tu_conns_free(p);
}

static void test_fingerprint_mismatch(void **state)
{
	struct tu_pair p;

	(void)state;
	tu_init(&p, all4, 4, all4, 4);
	mismatch(&p, "sha-256", true);
	mismatch(&p, "sha-256", false);
	mismatch(&p, "sha-1", true);
	mismatch(&p, "sha-384", false);
	mismatch(&p, "sha-512", true);
	mismatch(&p, "sha-512", false);
	tu_fini(&p);
}

/* The fingerprint of someone else's (valid, self-signed) certificate. */
static void test_fingerprint_of_another_cert(void **state)
{
	char err[160] = "";
	struct mbl_dtls_ident *third = mbl_dtls_ident_create(err, sizeof(err));
	struct tu_pair p;

	(void)state;
	assert_non_null(third);
	tu_init(&p, all4, 4, all4, 4);
	tu_conns(&p, NULL, mbl_dtls_ident_fingerprint(third), NULL, NULL, 0);
	tu_start(&p);
	tu_settle(&p);
	assert_int_equal(mbl_dtls_conn_failure(p.cli), MBL_DTLS_FAIL_FINGERPRINT);
	assert_int_equal(mbl_dtls_conn_failure(p.srv), MBL_DTLS_FAIL_ALERT);
	tu_fini(&p);
	mbl_dtls_ident_free(third);
}

/* ---- output ---------------------------------------------------------------------------- */

static void test_output_enospc(void **state)
{
	uint8_t small[16], big[MBL_DTLS_MTU];
	struct mbl_dtls_conn_stats st;
	struct tu_pair p;
	int n;

	(void)state;
	tu_init(&p, all4, 4, all4, 4);
	tu_conns(&p, NULL, NULL, NULL, NULL, 0);
	tu_start(&p);
	assert_int_equal(mbl_dtls_conn_output(p.cli, small, sizeof(small)), -ENOSPC);
	assert_int_equal(mbl_dtls_conn_output(p.cli, small, 0), -ENOSPC);
	mbl_dtls_conn_stats(p.cli, &st);
	assert_int_equal(st.tx_datagrams, 0);
	n = mbl_dtls_conn_output(p.cli, big, sizeof(big));
	assert_true(n > (int)sizeof(small) && n <= MBL_DTLS_MTU);
	assert_int_equal(big[0], 22); /* handshake record: the ClientHello */
	assert_int_equal(big[13], 1);
	/* exactly that one datagram was waiting, and it was the kept one */
	assert_int_equal(mbl_dtls_conn_output(p.cli, big + n, sizeof(big) - (size_t)n), 0);
	assert_int_equal(mbl_dtls_conn_output(p.cli, small, sizeof(small)), 0);
	mbl_dtls_conn_stats(p.cli, &st);
	assert_int_equal(st.tx_datagrams, 1);
	/* a fresh ClientHello of a known size: one byte short is -ENOSPC,
	 * the exact size is enough */
	tu_conns_free(&p);
	tu_conns(&p, NULL, NULL, NULL, NULL, 0);
	tu_start(&p);
	assert_int_equal(mbl_dtls_conn_output(p.cli, big, (size_t)n - 1), -ENOSPC);
	assert_int_equal(mbl_dtls_conn_output(p.cli, big, (size_t)n), n);
	tu_fini(&p);
}

/* The queue behind output: order kept across -ENOSPC, bounded, reusable. */
static void test_datagram_queue(void **state)
{
	static uint8_t d[1100], out[1000];
	struct mbl_dtls_dgq q = { 0 };
	unsigned n = 0;

	(void)state;
	for (int i = 0; i < 1100; i++)
		d[i] = (uint8_t)(i * 7 + 1);
	assert_int_equal(mbl_dtls_dgq_pop(&q, out, sizeof(out)), 0);
	assert_int_equal(mbl_dtls_dgq_push(&q, d, 0), -ENOBUFS);
	assert_int_equal(mbl_dtls_dgq_push(&q, d, 300), 0);
	assert_int_equal(mbl_dtls_dgq_push(&q, d + 1, 20), 0);
	assert_int_equal(mbl_dtls_dgq_push(&q, d + 2, 999), 0);
	assert_int_equal(mbl_dtls_dgq_pop(&q, out, 299), -ENOSPC);
	assert_int_equal(mbl_dtls_dgq_pop(&q, out, 300), 300);
	assert_memory_equal(out, d, 300);
	assert_int_equal(mbl_dtls_dgq_pop(&q, out, sizeof(out)), 20);
	assert_memory_equal(out, d + 1, 20);
	/* room made at the front while one is still queued */
	for (int i = 0; i < 3; i++)
		assert_int_equal(mbl_dtls_dgq_push(&q, d + 3 + i, 900), 0);
	assert_int_equal(mbl_dtls_dgq_pop(&q, out, sizeof(out)), 999);
	assert_memory_equal(out, d + 2, 999);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(mbl_dtls_dgq_pop(&q, out, sizeof(out)), 900);
		assert_memory_equal(out, d + 3 + i, 900);
	}
	assert_true(mbl_dtls_dgq_empty(&q));
	/* bounded: 2 + 998 bytes per entry, 65 fit in 64 KiB */
	while (mbl_dtls_dgq_push(&q, d, 998) == 0)
		n++;
	assert_int_equal(n, MBL_DTLS_DGQ_MAX / 1000);
	assert_int_equal(mbl_dtls_dgq_push(&q, d, 998), -ENOBUFS);
	assert_int_equal(q.pushed, 6 + n);
	mbl_dtls_dgq_release(&q);
	assert_int_equal(mbl_dtls_dgq_pop(&q, out, sizeof(out)), 0);
	assert_int_equal(mbl_dtls_dgq_push(&q, d, 5), 0);
	assert_int_equal(mbl_dtls_dgq_pop(&q, out, sizeof(out)), 5);
	mbl_dtls_dgq_release(&q);
}

/* ---- cost ------------------------------------------------------------------------------ */

#define BENCH_N 200

static void test_handshake_rate(void **state)
{
	struct tu_pair p;
	uint64_t t0, dt;

	(void)state;
	tu_init(&p, all4, 4, all4, 4);
	t0 = mbl_time_ns();
	for (int i = 0; i < BENCH_N; i++) {
		tu_conns(&p, NULL, NULL, NULL, NULL, 0);
		tu_start(&p);
		tu_settle(&p);
		assert_int_equal(mbl_dtls_conn_state(p.cli), MBL_DTLS_DONE);
		assert_int_equal(mbl_dtls_conn_state(p.srv), MBL_DTLS_DONE);
		tu_conns_free(&p);
	}
	dt = mbl_time_ns() - t0;
	printf("BENCH dtls: %d in-memory handshakes (both ends, create to keys) in %.3f s: "
	       "%.0f handshakes/s\n", BENCH_N, (double)dt / 1e9, BENCH_N * 1e9 / (double)dt);
	tu_fini(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ident),
		cmocka_unit_test(test_ctx_errors),
		cmocka_unit_test(test_conn_errors),
		cmocka_unit_test(test_fail_names),
		cmocka_unit_test(test_handshake_each_profile),
		cmocka_unit_test(test_server_preference),
		cmocka_unit_test(test_no_common_profile),
		cmocka_unit_test(test_fingerprint_every_hash),
		cmocka_unit_test(test_fingerprint_mismatch),
		cmocka_unit_test(test_fingerprint_of_another_cert),
		cmocka_unit_test(test_output_enospc),
		cmocka_unit_test(test_datagram_queue),
		cmocka_unit_test(test_handshake_rate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
