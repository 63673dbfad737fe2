/* SPDX-License-Identifier: BSD-3-Clause
 * SIP over WebSocket (RFC 7118) between two transports on 127.0.0.1: WS
 * and WSS (a CA and a server certificate made here, verified by the
 * client), messages queued before the handshake (RFC 6455 4.1), text and
 * binary frames, a message without Content-Length, one connection reused,
 * Ping / Pong both ways and the close handshake (RFC 6455 5.5.1, 7.1.1).
 * The rule-breaking peers are in tp_ws_peer_test.c. Every wait has a
 * deadline a loaded machine never reaches.
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

#include "mbl_ws.h"
#include "tp_test_util.h"

#define WAIT_MS 5000

static const char REQ[] = "OPTIONS sip:b@127.0.0.1 SIP/2.0\r\n"
			  "Via: SIP/2.0/WS abcdef.invalid;branch=z9hG4bKws1\r\n"
			  "Content-Length: 5\r\n\r\nhello";
/* RFC 7118 5.1: the WebSocket message delimits it, no Content-Length */
static const char REQ_NO_CL[] = "OPTIONS sip:b@127.0.0.1 SIP/2.0\r\n"
				"Via: SIP/2.0/WS abcdef.invalid;branch=z9hG4bKws2\r\n\r\n";
static const char REQ_BIN[] = "MESSAGE sip:b@127.0.0.1 SIP/2.0\r\n"
			      "Content-Length: 2\r\n\r\n\xff\xfe"; /* not UTF-8 */

static char dir[64];

/* ---- a CA and a server certificate for 127.0.0.1 ------------------------------------- */

static X509 *cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *ikey, bool ca)
{
	X509 *x = X509_new();
	X509_NAME *n = X509_get_subject_name(x);
	X509V3_CTX ctx;
	X509_EXTENSION *e;

	assert_int_equal(X509_set_version(x, 2), 1);
	ASN1_INTEGER_set(X509_get_serialNumber(x), ca ? 1 : 2);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 7 * 86400);
	assert_int_equal(X509_set_pubkey(x, key), 1);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : n);
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &ctx, ca ? NID_basic_constraints : NID_subject_alt_name,
				ca ? "critical,CA:TRUE" : "IP:127.0.0.1");
	assert_non_null(e);
	assert_int_equal(X509_add_ext(x, e, -1), 1);
	X509_EXTENSION_free(e);
	assert_true(X509_sign(x, ikey ? ikey : key, EVP_sha256()) > 0);
	return x;
}

static void pem(const char *name, X509 *x, EVP_PKEY *k)
{
	char p[128];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	assert_non_null(f);
	assert_int_equal(PEM_write_X509(f, x), 1);
	if (k)
		assert_int_equal(PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL), 1);
	fclose(f);
}

static int make_pki(void **state)
{
	EVP_PKEY *ca_key = EVP_EC_gen("P-256"), *key = EVP_EC_gen("P-256");
	X509 *ca, *x;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/mbl-ws-test-XXXXXX");
	assert_non_null(mkdtemp(dir));
	ca = cert(ca_key, "ws test CA", NULL, NULL, true);
	x = cert(key, "127.0.0.1", ca, ca_key, false);
	pem("ca.pem", ca, NULL);
	pem("srv.pem", x, key);
	X509_free(ca);
	X509_free(x);
	EVP_PKEY_free(ca_key);
	EVP_PKEY_free(key);
	return 0;
}

static int drop_pki(void **state)
{
	char p[128];

	(void)state;
	snprintf(p, sizeof(p), "%s/ca.pem", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/srv.pem", dir);
	unlink(p);
	rmdir(dir);
	return 0;
}

static char ca_path[128], srv_path[128];

static void tls_conf(struct mbl_sip_tp_conf *c, bool server)
{
	snprintf(ca_path, sizeof(ca_path), "%s/ca.pem", dir);
	snprintf(srv_path, sizeof(srv_path), "%s/srv.pem", dir);
	c->tls.ca_file = ca_path;
	if (server)
		c->tls.cert_file = c->tls.key_file = srv_path;
}

/* ---- two transports ---------------------------------------------------------------------- */

struct pair {
	struct rec ra, rb;
	struct mbl_sip_tp *a, *b; /* a: client only; b: WS / WSS listener */
	struct sockaddr_in to;
};

static void pair_up(struct pair *p, enum mbl_sip_proto proto, const struct mbl_sip_tp_conf *ca,
		    const struct mbl_sip_tp_conf *cb)
{
	memset(p, 0, sizeof(*p));
	p->a = tp_new(&p->ra, ca);
	p->b = tp_new(&p->rb, cb);
	p->to = lo4(tp_listen_lo(p->b, proto, NULL));
}

static void pair_down(struct pair *p)
{
	mbl_sip_tp_free(p->a);
	mbl_sip_tp_free(p->b);
	rec_clear(&p->ra);
	rec_clear(&p->rb);
}

static int send_to(struct pair *p, enum mbl_sip_proto proto, const char *m, size_t len)
{
	return mbl_sip_tp_send(p->a, proto, (struct sockaddr *)&p->to, sizeof(p->to), NULL, 0, NULL,
			       m, len);
}

/* Three messages sent before the connection exists (they wait behind the
 * handshake, RFC 6455 4.1), echoed back on the accepted connection. */
static void round_trip(enum mbl_sip_proto proto, const struct mbl_sip_tp_conf *ca,
		       const struct mbl_sip_tp_conf *cb)
{
	const char *m[3] = {REQ, REQ_NO_CL, REQ_BIN};
	struct mbl_sip_tp_conn_info ci;
	struct mbl_sip_tp_stats sa, sb;
	struct pair p;
	int id = 0, i;

	pair_up(&p, proto, ca, cb);
	p.rb.echo = p.b;
	for (i = 0; i < 3; i++) {
		int rc = send_to(&p, proto, m[i], strlen(m[i]));

		assert_true(rc > 0);
		assert_true(id == 0 || rc == id); /* one connection, reused */
		id = rc;
	}
	PUMP_UNTIL(p.a, p.b, p.ra.n_msg == 3, WAIT_MS);
	assert_int_equal(p.rb.n_msg, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(p.rb.len[i], strlen(m[i]));
		assert_memory_equal(p.rb.msg[i], m[i], strlen(m[i]));
		assert_int_equal(p.rb.src[i].proto, proto);
		assert_int_equal(p.ra.len[i], strlen(m[i]) + 5);
		assert_memory_equal(p.ra.msg[i] + 5, m[i], strlen(m[i]));
		assert_int_equal(p.ra.src[i].conn_id, id);
	}
	assert_int_equal(mbl_sip_tp_conn_info(p.a, (uint32_t)id, &ci), 0);
	assert_true(ci.up && ci.outbound);
	assert_int_equal(ci.proto, proto);
	mbl_sip_tp_stats(p.a, &sa);
	mbl_sip_tp_stats(p.b, &sb);
	assert_int_equal(sa.ws.handshakes, 1);
	assert_int_equal(sb.ws.handshakes, 1);
	assert_int_equal(sa.ws.frames_out, 3);
	assert_int_equal(sb.ws.frames_in, 3);
	assert_int_equal(sb.ws.frames_out, 3);
	assert_int_equal(sa.ws.frames_in, 3);
	assert_int_equal(sa.msgs_in, 3);
	assert_int_equal(sb.msgs_in, 3);
	assert_int_equal(sa.tls_handshakes, proto == MBL_SIP_WSS);
	assert_int_equal(p.ra.n_err + p.rb.n_err, 0);
	pair_down(&p);
}

static void test_ws_round_trip(void **state)
{
	(void)state;
	round_trip(MBL_SIP_WS, NULL, NULL);
}

static void test_wss_round_trip(void **state)
{
	struct mbl_sip_tp_conf ca = {0}, cb = {0};

	(void)state;
	tls_conf(&ca, false); /* verified: the CA, and IP:127.0.0.1 in the SAN */
	tls_conf(&cb, true);
	round_trip(MBL_SIP_WSS, &ca, &cb);
}

/* Ping and Pong both ways, then the server side closes: Close 1000, the
 * client answers it and reports ws_closed (RFC 6455 5.5.1, 7.1.1). */
static void test_ws_ping_and_close(void **state)
{
	struct mbl_sip_tp_stats sa, sb;
	struct pair p;
	uint32_t id, bid;

	(void)state;
	pair_up(&p, MBL_SIP_WS, NULL, NULL);
	id = (uint32_t)send_to(&p, MBL_SIP_WS, REQ, strlen(REQ));
	/* no Ping before the handshake is done (a message waits instead) */
	assert_int_equal(mbl_sip_tp_ping(p.a, id), -ENOTCONN);
	PUMP_UNTIL(p.a, p.b, p.rb.n_msg == 1, WAIT_MS);
	assert_int_equal(p.rb.n_msg, 1);
	assert_int_equal(mbl_sip_tp_ping(p.a, id), 0);
	PUMP_UNTIL(p.a, p.b, (mbl_sip_tp_stats(p.a, &sa), sa.ws.pongs_in == 1), WAIT_MS);
	assert_int_equal(sa.ws.pings_out, 1);
	assert_int_equal(sa.ws.pongs_in, 1);
	bid = p.rb.src[0].conn_id;
	assert_int_equal(mbl_sip_tp_ping(p.b, bid), 0);
	PUMP_UNTIL(p.a, p.b, (mbl_sip_tp_stats(p.b, &sb), sb.ws.pongs_in == 1), WAIT_MS);
	assert_int_equal(sb.ws.pongs_in, 1);
	assert_int_equal(mbl_sip_tp_close(p.b, bid), 0);
	PUMP_UNTIL(p.a, p.b, p.ra.n_err == 1, WAIT_MS);
	assert_int_equal(p.ra.n_err, 1);
	assert_int_equal(p.ra.why[0], MBL_SIP_TP_ERR_ws_closed);
	assert_int_equal(p.ra.err_conn[0], id);
	mbl_sip_tp_stats(p.a, &sa);
	mbl_sip_tp_stats(p.b, &sb);
	assert_int_equal(sb.ws.closes_out[mbl_sip_tp_ws_close_slot(1000)], 1);
	assert_int_equal(sa.ws.closes_in[mbl_sip_tp_ws_close_slot(1000)], 1);
	assert_int_equal(sa.ws.closes_out[mbl_sip_tp_ws_close_slot(1000)], 1); /* the answer */
	assert_int_equal(sa.err[MBL_SIP_TP_ERR_ws_closed], 1);
	assert_int_equal(p.rb.n_err, 0); /* mbl_sip_tp_close reports nothing */
	pair_down(&p);
}

static void test_ws_listen_needs_cert(void **state)
{
	struct rec r = {0};
	struct mbl_sip_tp *tp = tp_new(&r, NULL);
	struct sockaddr_in a = lo4(0);
	char err[128];

	(void)state;
	assert_int_equal(mbl_sip_tp_listen(tp, MBL_SIP_WSS, (struct sockaddr *)&a, sizeof(a), err,
					   sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "WSS"));
	assert_string_equal(mbl_sip_proto_name(MBL_SIP_WS), "WS");
	assert_string_equal(mbl_sip_proto_name(MBL_SIP_WSS), "WSS");
	assert_int_equal(mbl_sip_tp_ws_close_slot(1000), 0);
	assert_int_equal(mbl_sip_tp_ws_close_slot(1015), 15);
	assert_int_equal(mbl_sip_tp_ws_close_slot(4000), MBL_SIP_TP_WS_CLOSE_SLOTS - 1);
	assert_int_equal(mbl_sip_tp_ws_slot_code(2), 1002);
	mbl_sip_tp_free(tp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ws_round_trip),
		cmocka_unit_test(test_wss_round_trip),
		cmocka_unit_test(test_ws_ping_and_close),
		cmocka_unit_test(test_ws_listen_needs_cert),
	};

	return cmocka_run_group_tests(tests, make_pki, drop_pki);
}
