/* SPDX-License-Identifier: BSD-3-Clause
 * SIP over TLS on 127.0.0.1. The test makes its own PKI with OpenSSL (a
 * CA; a server certificate for "sip.test" with SAN DNS:sip.test and
 * IP:127.0.0.1; an expired one; one from a CA nobody trusts; a client
 * certificate) as PEM files in a mkdtemp directory, and checks: a good
 * handshake and a message both ways with TLS 1.3 and with 1.2 forced, each
 * verification failure mapped to its reason (unknown CA, wrong name,
 * expired, version, missing client certificate), no_verify connecting to
 * all of them with one warning line, and the client certificate seen by
 * the server.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "tp_test_util.h"

#define DAY (24 * 3600L)

static char dir[64];

static const char REQ[] = "OPTIONS sip:b@sip.test SIP/2.0\r\n"
			  "Via: SIP/2.0/TLS 127.0.0.1;branch=z9hG4bKtls1\r\n"
			  "Content-Length: 6\r\n\r\nsecret";

/* ---- a small PKI -------------------------------------------------------------- */

static void add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *e;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	assert_non_null(e);
	assert_int_equal(X509_add_ext(x, e, -1), 1);
	X509_EXTENSION_free(e);
}

/* A certificate for key, signed by ikey (issuer NULL: self-signed), valid
 * from now + from_s to now + to_s. */
static X509 *make_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *ikey, bool ca,
		       const char *san, long from_s, long to_s)
{
	static long serial = 1;
	X509 *x = X509_new();
	X509_NAME *n = X509_get_subject_name(x);

	assert_int_equal(X509_set_version(x, 2), 1);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
	X509_gmtime_adj(X509_getm_notBefore(x), from_s);
	X509_gmtime_adj(X509_getm_notAfter(x), to_s);
	assert_int_equal(X509_set_pubkey(x, key), 1);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : n);
	add_ext(x, issuer ? issuer : x, NID_basic_constraints, ca ? "critical,CA:TRUE" : "CA:FALSE");
	if (ca)
		add_ext(x, x, NID_key_usage, "critical,keyCertSign,cRLSign");
	if (san)
		add_ext(x, issuer ? issuer : x, NID_subject_alt_name, san);
	assert_true(X509_sign(x, ikey ? ikey : key, EVP_sha256()) > 0);
	return x;
}

static void path(char *out, size_t len, const char *name)
{
	snprintf(out, len, "%s/%s", dir, name);
}

static void write_pem(const char *name, X509 *x, EVP_PKEY *k)
{
	char p[128];
	FILE *f;

	path(p, sizeof(p), name);
	f = fopen(p, "w");
	assert_non_null(f);
	if (x)
		assert_int_equal(PEM_write_X509(f, x), 1);
	if (k)
		assert_int_equal(PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL), 1);
	fclose(f);
}

static const char *const files[] = {"ca.pem", "good.pem", "expired.pem", "rogue.pem", "client.pem"};

static int make_pki(void **state)
{
	EVP_PKEY *ca_key = EVP_EC_gen("P-256"), *rogue_key = EVP_EC_gen("P-256");
	EVP_PKEY *srv_key = EVP_EC_gen("P-256"), *cli_key = EVP_EC_gen("P-256");
	const char *san = "DNS:sip.test,IP:127.0.0.1";
	X509 *ca, *rogue, *x;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/mbl-tls-test-XXXXXX");
	assert_non_null(mkdtemp(dir));
	ca = make_cert(ca_key, "mediablast test CA", NULL, NULL, true, NULL, -DAY, 30 * DAY);
	rogue = make_cert(rogue_key, "nobody trusts me", NULL, NULL, true, NULL, -DAY, 30 * DAY);
	write_pem("ca.pem", ca, NULL);
	x = make_cert(srv_key, "sip.test", ca, ca_key, false, san, -DAY, 30 * DAY);
	write_pem("good.pem", x, srv_key); /* certificate and key in one file */
	X509_free(x);
	x = make_cert(srv_key, "sip.test", ca, ca_key, false, san, -3 * DAY, -DAY);
	write_pem("expired.pem", x, srv_key);
	X509_free(x);
	x = make_cert(srv_key, "sip.test", rogue, rogue_key, false, san, -DAY, 30 * DAY);
	write_pem("rogue.pem", x, srv_key);
	X509_free(x);
	x = make_cert(cli_key, "client.test", ca, ca_key, false, "DNS:client.test", -DAY, 30 * DAY);
	write_pem("client.pem", x, cli_key);
	X509_free(x);
	X509_free(ca);
	X509_free(rogue);
	EVP_PKEY_free(ca_key);
	EVP_PKEY_free(rogue_key);
	EVP_PKEY_free(srv_key);
	EVP_PKEY_free(cli_key);
	return 0;
}

static int remove_pki(void **state)
{
	char p[128];
	size_t i;

	(void)state;
	for (i = 0; i < MBL_ARRAY_SIZE(files); i++) {
		path(p, sizeof(p), files[i]);
		unlink(p);
	}
	return rmdir(dir);
}

/* ---- transports ------------------------------------------------------------------- */

struct end {
	struct rec r;
	struct mbl_sip_tp *tp;
	uint16_t port;
	char cert[128], ca[128];
};

/* A TLS server presenting certfile (its key in the same file). */
static void server_up(struct end *e, const char *certfile, enum mbl_sip_tls_ver max,
		      bool require_client_cert)
{
	struct mbl_sip_tp_conf c = {0};

	memset(&e->r, 0, sizeof(e->r));
	path(e->cert, sizeof(e->cert), certfile);
	path(e->ca, sizeof(e->ca), "ca.pem");
	c.tls.cert_file = c.tls.key_file = e->cert;
	c.tls.ca_file = e->ca;
	c.tls.max_version = max;
	c.tls.require_client_cert = require_client_cert;
	e->tp = tp_new(&e->r, &c);
	e->port = tp_listen_lo(e->tp, MBL_SIP_TLS, NULL);
	e->r.echo = e->tp;
}

/* A client trusting ca.pem (unless no_verify); certfile: its own. */
static void client_up(struct end *e, const char *server_name, const char *certfile,
		      enum mbl_sip_tls_ver min, bool no_verify)
{
	struct mbl_sip_tp_conf c = {0};

	memset(&e->r, 0, sizeof(e->r));
	path(e->ca, sizeof(e->ca), "ca.pem");
	c.tls.ca_file = e->ca;
	c.tls.server_name = server_name;
	c.tls.min_version = min;
	c.tls.no_verify = no_verify;
	if (certfile) {
		path(e->cert, sizeof(e->cert), certfile);
		c.tls.cert_file = c.tls.key_file = e->cert;
	}
	e->tp = tp_new(&e->r, &c);
}

static void end_down(struct end *e)
{
	mbl_sip_tp_free(e->tp);
	rec_clear(&e->r);
}

static int tls_send(struct end *cli, const struct end *srv, const char *host)
{
	struct sockaddr_in to = lo4(srv->port);

	return mbl_sip_tp_send(cli->tp, MBL_SIP_TLS, (struct sockaddr *)&to, sizeof(to), NULL, 0,
			       host, REQ, strlen(REQ));
}

/* ---- good handshakes ------------------------------------------------------------------ */

static void round_trip(enum mbl_sip_tls_ver cli_min, enum mbl_sip_tls_ver srv_max, const char *host,
		       const char *want_ver)
{
	struct end s, c;
	struct mbl_sip_tp_conn_info ci;
	struct mbl_sip_tp_stats st;
	int id;

	server_up(&s, "good.pem", srv_max, false);
	client_up(&c, NULL, NULL, cli_min, false);
	id = tls_send(&c, &s, host);
	assert_true(id > 0);
	PUMP_UNTIL(c.tp, s.tp, c.r.n_msg == 1 || c.r.n_err || s.r.n_err, 3000);
	assert_int_equal(c.r.n_err + s.r.n_err, 0);
	assert_int_equal(s.r.n_msg, 1);
	assert_string_equal(s.r.msg[0], REQ);
	assert_int_equal(s.r.src[0].proto, MBL_SIP_TLS);
	assert_int_equal(c.r.n_msg, 1); /* the echo came back on the connection */
	assert_int_equal(c.r.src[0].conn_id, (uint32_t)id);
	assert_int_equal(c.r.len[0], strlen(REQ) + 5);
	assert_int_equal(mbl_sip_tp_conn_info(c.tp, (uint32_t)id, &ci), 0);
	assert_string_equal(ci.tls_version, want_ver);
	assert_string_equal(ci.peer_cn, "sip.test");
	assert_true(ci.tls_cipher[0] != '\0');
	assert_int_equal(mbl_sip_tp_conn_info(s.tp, s.r.src[0].conn_id, &ci), 0);
	assert_string_equal(ci.tls_version, want_ver);
	assert_string_equal(ci.peer_cn, ""); /* no client certificate */
	mbl_sip_tp_stats(s.tp, &st);
	assert_int_equal(st.tls_handshakes, 1);
	assert_int_equal(st.bytes_in, strlen(REQ)); /* plaintext bytes */
	end_down(&c);
	end_down(&s);
}

/* 1.3 forced by the client (min_version), the name given with the send. */
static void test_tls13_by_name(void **state)
{
	(void)state;
	round_trip(MBL_SIP_TLS_VER_1_3, MBL_SIP_TLS_VER_ANY, "sip.test", "TLSv1.3");
}

/* 1.2 forced by the server (max_version); no name at all: the client
 * checks the target IP against the certificate's IP SAN. */
static void test_tls12_forced_by_ip(void **state)
{
	(void)state;
	round_trip(MBL_SIP_TLS_VER_ANY, MBL_SIP_TLS_VER_1_2, NULL, "TLSv1.2");
}

/* After the handshake, 60 KB messages into a server that does not read:
 * SSL_write takes part of the queue, then wants the socket writable, and
 * is retried from the moved, grown queue (partial-write and moving-buffer
 * modes) until every byte arrives in order. */
static void test_tls_partial_writes(void **state)
{
	size_t body = 60000, n;
	char *m = malloc(body + 128);
	struct mbl_sip_tp_conn_info ci = {0};
	struct sockaddr_in to;
	struct end s, c;
	int i, id, sent = 0;

	(void)state;
	server_up(&s, "good.pem", MBL_SIP_TLS_VER_ANY, false);
	s.r.echo = NULL;
	client_up(&c, NULL, NULL, MBL_SIP_TLS_VER_ANY, false);
	to = lo4(s.port);
	id = tls_send(&c, &s, "sip.test");
	PUMP_UNTIL(c.tp, s.tp, s.r.n_msg == 1, 3000);
	assert_int_equal(s.r.n_msg, 1);
	n = (size_t)sprintf(m, "MESSAGE sip:x SIP/2.0\r\nContent-Length: %zu\r\n\r\n", body);
	for (i = 0; i < (int)body; i++)
		m[n + (size_t)i] = (char)('A' + i % 26);
	n += body;
	while (sent < REC_MAX - 8 && ci.queued == 0) {
		assert_int_equal(mbl_sip_tp_send(c.tp, MBL_SIP_TLS, (struct sockaddr *)&to,
						 sizeof(to), NULL, 0, "sip.test", m, n),
				 id);
		sent++;
		assert_true(mbl_sip_tp_poll(c.tp, 0) >= 0);
		assert_int_equal(mbl_sip_tp_conn_info(c.tp, (uint32_t)id, &ci), 0);
	}
	assert_true(ci.queued > 0);
	for (i = 0; i < 4; i++, sent++)
		assert_int_equal(mbl_sip_tp_send(c.tp, MBL_SIP_TLS, NULL, 0, NULL, (uint32_t)id, NULL,
						 m, n),
				 id);
	PUMP_UNTIL(c.tp, s.tp, s.r.n_msg == sent + 1, 10000);
	assert_int_equal(s.r.n_msg, sent + 1);
	for (i = 1; i <= sent; i++) {
		assert_int_equal(s.r.len[i], n);
		assert_memory_equal(s.r.msg[i], m, n);
	}
	assert_int_equal(c.r.n_err + s.r.n_err, 0);
	free(m);
	end_down(&c);
	end_down(&s);
}

/* ---- failures ---------------------------------------------------------------------------- */

/* The client's reason; the server's is returned (-1: none). */
static int expect_fail(struct end *s, struct end *c, const char *host, enum mbl_sip_tp_err want)
{
	int id = tls_send(c, s, host);

	assert_true(id > 0);
	PUMP_UNTIL(c->tp, s->tp, c->r.n_err == 1, 3000);
	PUMP_FOR(c->tp, s->tp, 30);
	if (c->r.n_err != 1 || c->r.why[0] != want)
		fail_msg("client: %d errors, first %s, want %s", c->r.n_err,
			 c->r.n_err ? mbl_sip_tp_err_name(c->r.why[0]) : "-",
			 mbl_sip_tp_err_name(want));
	assert_int_equal(c->r.err_conn[0], (uint32_t)id);
	assert_int_equal(s->r.n_msg, 0);
	return s->r.n_err ? (int)s->r.why[0] : -1;
}

static void test_tls_unknown_ca(void **state)
{
	struct end s, c;

	(void)state;
	server_up(&s, "rogue.pem", MBL_SIP_TLS_VER_ANY, false);
	client_up(&c, NULL, NULL, MBL_SIP_TLS_VER_ANY, false);
	/* The server hears the client's unknown_ca alert (RFC 8446 6.2). */
	assert_int_equal(expect_fail(&s, &c, "sip.test", MBL_SIP_TP_ERR_tls_unknown_ca),
			 MBL_SIP_TP_ERR_tls_unknown_ca);
	end_down(&c);
	end_down(&s);
}

static void test_tls_wrong_name(void **state)
{
	struct end s, c;

	(void)state;
	server_up(&s, "good.pem", MBL_SIP_TLS_VER_ANY, false);
	client_up(&c, "other.test", NULL, MBL_SIP_TLS_VER_ANY, false);
	expect_fail(&s, &c, "sip.test", MBL_SIP_TP_ERR_tls_wrong_name); /* server_name wins */
	end_down(&c);
	client_up(&c, NULL, NULL, MBL_SIP_TLS_VER_ANY, false);
	expect_fail(&s, &c, "other.test", MBL_SIP_TP_ERR_tls_wrong_name);
	end_down(&c);
	end_down(&s);
}

static void test_tls_expired(void **state)
{
	struct end s, c;

	(void)state;
	server_up(&s, "expired.pem", MBL_SIP_TLS_VER_ANY, false);
	client_up(&c, NULL, NULL, MBL_SIP_TLS_VER_ANY, false);
	assert_int_equal(expect_fail(&s, &c, "sip.test", MBL_SIP_TP_ERR_tls_expired),
			 MBL_SIP_TP_ERR_tls_expired);
	end_down(&c);
	end_down(&s);
}

static void test_tls_version(void **state)
{
	struct end s, c;

	(void)state;
	server_up(&s, "good.pem", MBL_SIP_TLS_VER_1_2, false);
	client_up(&c, NULL, NULL, MBL_SIP_TLS_VER_1_3, false);
	assert_int_equal(expect_fail(&s, &c, "sip.test", MBL_SIP_TP_ERR_tls_version),
			 MBL_SIP_TP_ERR_tls_version);
	end_down(&c);
	end_down(&s);
}

/* ---- no_verify ------------------------------------------------------------------------------ */

/* Run fn with stderr going to a file; returns what was written. */
static char *capture_stderr_begin(int *saved)
{
	char *p = malloc(128);
	int fd;

	path(p, 128, "stderr.txt");
	fd = open(p, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	assert_true(fd >= 0);
	fflush(stderr);
	*saved = dup(2);
	dup2(fd, 2);
	close(fd);
	return p;
}

static int capture_stderr_count(char *p, int saved, const char *needle)
{
	char line[512];
	FILE *f;
	int n = 0;

	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	f = fopen(p, "r");
	while (f && fgets(line, sizeof(line), f))
		n += strstr(line, needle) != NULL;
	if (f)
		fclose(f);
	unlink(p);
	free(p);
	return n;
}

static void test_tls_no_verify_connects_to_all(void **state)
{
	static const char *const certs[] = {"good.pem", "rogue.pem", "expired.pem"};
	struct end s[3], c;
	int i, saved;
	char *cap;

	(void)state;
	for (i = 0; i < 3; i++)
		server_up(&s[i], certs[i], MBL_SIP_TLS_VER_ANY, false);
	cap = capture_stderr_begin(&saved);
	client_up(&c, NULL, NULL, MBL_SIP_TLS_VER_ANY, true);
	for (i = 0; i < 3; i++) {
		assert_true(tls_send(&c, &s[i], "other.test") > 0); /* wrong name too */
		PUMP_UNTIL(c.tp, s[i].tp, c.r.n_msg == i + 1 || c.r.n_err, 3000);
		assert_int_equal(s[i].r.n_msg, 1);
		assert_string_equal(s[i].r.msg[0], REQ);
	}
	assert_int_equal(capture_stderr_count(cap, saved, "certificate verification is OFF"), 1);
	assert_int_equal(c.r.n_msg, 3);
	assert_int_equal(c.r.n_err, 0);
	end_down(&c);
	for (i = 0; i < 3; i++)
		end_down(&s[i]);
}

/* ---- client certificates ------------------------------------------------------------------- */

static void test_tls_client_cert(void **state)
{
	struct mbl_sip_tp_conn_info ci;
	struct end s, c;
	int why;

	(void)state;
	server_up(&s, "good.pem", MBL_SIP_TLS_VER_ANY, true);
	client_up(&c, NULL, "client.pem", MBL_SIP_TLS_VER_ANY, false);
	assert_true(tls_send(&c, &s, "sip.test") > 0);
	PUMP_UNTIL(c.tp, s.tp, c.r.n_msg == 1 || c.r.n_err || s.r.n_err, 3000);
	assert_int_equal(s.r.n_msg, 1);
	assert_int_equal(mbl_sip_tp_conn_info(s.tp, s.r.src[0].conn_id, &ci), 0);
	assert_string_equal(ci.peer_cn, "client.test");
	assert_false(ci.outbound);
	end_down(&c);
	PUMP_UNTIL(s.tp, NULL, s.r.n_err == 1, 3000); /* the client went away */
	assert_int_equal(s.r.why[0], MBL_SIP_TP_ERR_closed);
	rec_clear(&s.r);
	s.r.echo = s.tp;
	/* Without one, the server refuses; in TLS 1.3 the client learns it
	 * from the alert after its side of the handshake is done. */
	client_up(&c, NULL, NULL, MBL_SIP_TLS_VER_ANY, false);
	why = expect_fail(&s, &c, "sip.test", MBL_SIP_TP_ERR_tls_no_cert);
	assert_int_equal(why, MBL_SIP_TP_ERR_tls_no_cert);
	end_down(&c);
	end_down(&s);
}

/* ---- odd peers and bad configuration -------------------------------------------------------- */

/* A plain-text SIP client on the TLS port is a handshake failure. */
static void test_tls_plaintext_peer(void **state)
{
	struct end s;
	int fd;

	(void)state;
	server_up(&s, "good.pem", MBL_SIP_TLS_VER_ANY, false);
	fd = raw_connect(s.port);
	assert_int_equal(write(fd, REQ, strlen(REQ)), (ssize_t)strlen(REQ));
	PUMP_UNTIL(s.tp, NULL, s.r.n_err == 1, 3000);
	assert_int_equal(s.r.why[0], MBL_SIP_TP_ERR_tls_handshake);
	assert_int_equal(s.r.n_msg, 0);
	close(fd);
	end_down(&s);
}

static void test_tls_bad_conf(void **state)
{
	struct mbl_sip_tp_conf c = {.on_msg = rec_msg};
	char p[128], err[256];

	(void)state;
	path(p, sizeof(p), "good.pem");
	c.tls.cert_file = p; /* no key_file */
	errno = 0;
	assert_null(mbl_sip_tp_create(&c, err, sizeof(err)));
	assert_int_equal(errno, EINVAL);
	c.tls.cert_file = NULL;
	c.tls.ca_file = "/nonexistent/ca.pem";
	assert_null(mbl_sip_tp_create(&c, err, sizeof(err)));
	assert_int_equal(errno, ENOENT);
	assert_non_null(strstr(err, "/nonexistent/ca.pem"));
	c.tls.ca_file = NULL;
	path(p, sizeof(p), "ca.pem"); /* a certificate without its key */
	c.tls.cert_file = c.tls.key_file = p;
	assert_null(mbl_sip_tp_create(&c, err, sizeof(err)));
	assert_int_equal(errno, EIO);
	assert_non_null(strstr(err, "private key"));
	c.tls.cert_file = c.tls.key_file = NULL;
	c.tls.min_version = MBL_SIP_TLS_VER_1_3;
	c.tls.max_version = MBL_SIP_TLS_VER_1_2;
	assert_null(mbl_sip_tp_create(&c, err, sizeof(err)));
	assert_int_equal(errno, EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tls13_by_name),
		cmocka_unit_test(test_tls12_forced_by_ip),
		cmocka_unit_test(test_tls_partial_writes),
		cmocka_unit_test(test_tls_unknown_ca),
		cmocka_unit_test(test_tls_wrong_name),
		cmocka_unit_test(test_tls_expired),
		cmocka_unit_test(test_tls_version),
		cmocka_unit_test(test_tls_no_verify_connects_to_all),
		cmocka_unit_test(test_tls_client_cert),
		cmocka_unit_test(test_tls_plaintext_peer),
		cmocka_unit_test(test_tls_bad_conf),
	};

	return cmocka_run_group_tests(tests, make_pki, remove_pki);
}
