/* SPDX-License-Identifier: BSD-3-Clause
 * DTLS-SRTP handshakes per second on one core, for `make bench`:
 *   dtls_bench mbl N    lib/dtls: both ends in this thread, datagrams moved
 *                       in memory, keys exported (what the data plane's
 *                       handshake service runs per call)
 *   dtls_bench bare N   the baseline: plain OpenSSL, the same DTLS 1.2
 *                       handshake (self-signed ECDSA P-256 on both ends,
 *                       the client's certificate requested, use_srtp
 *                       SRTP_AES128_CM_SHA1_80, keys exported) over two
 *                       connected UDP sockets on 127.0.0.1, as an
 *                       application written on OpenSSL alone would do it
 * Prints "<handshakes per second>". Both modes make their certificates
 * before the clock starts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "mbl_dtls.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int die(const char *what)
{
	fprintf(stderr, "dtls_bench: %s\n", what);
	return 1;
}

/* ---- lib/dtls ---------------------------------------------------------------- */

static int pump(struct mbl_dtls_conn *from, struct mbl_dtls_conn *to, uint64_t now)
{
	uint8_t buf[MBL_DTLS_MTU + 64];
	int n, moved = 0;

	while ((n = mbl_dtls_conn_output(from, buf, sizeof(buf))) > 0) {
		mbl_dtls_conn_input(to, buf, (size_t)n, now);
		moved++;
	}
	return moved;
}

static int run_mbl(int n)
{
	enum mbl_srtp_suite suite = MBL_SRTP_AES_CM_128_HMAC_SHA1_80;
	struct mbl_dtls_ident *ic = mbl_dtls_ident_create(NULL, 0);
	struct mbl_dtls_ident *is = mbl_dtls_ident_create(NULL, 0);
	struct mbl_dtls_ctx *cc, *cs;
	struct mbl_srtp_key tx, rx;
	double t0;

	if (ic == NULL || is == NULL)
		return die("no identity");
	cc = mbl_dtls_ctx_create(ic, &suite, 1, NULL, 0);
	cs = mbl_dtls_ctx_create(is, &suite, 1, NULL, 0);
	if (cc == NULL || cs == NULL)
		return die("no context");
	t0 = now_s();
	for (int i = 0; i < n; i++) {
		struct mbl_dtls_conn *c = mbl_dtls_conn_create(cc, MBL_DTLS_CLIENT, "sha-256",
					mbl_dtls_ident_fingerprint(is), 0, NULL, 0);
		struct mbl_dtls_conn *s = mbl_dtls_conn_create(cs, MBL_DTLS_SERVER, "sha-256",
					mbl_dtls_ident_fingerprint(ic), 0, NULL, 0);

		if (c == NULL || s == NULL)
			return die("no connection");
		mbl_dtls_conn_start(s, 0);
		mbl_dtls_conn_start(c, 0);
		for (int k = 0; k < 20 && (pump(c, s, 0) + pump(s, c, 0)) != 0; k++)
			;
		if (mbl_dtls_conn_keys(c, &tx, &rx) < 0 || mbl_dtls_conn_keys(s, &tx, &rx) < 0)
			return die("handshake did not complete");
		mbl_dtls_conn_free(c);
		mbl_dtls_conn_free(s);
	}
	printf("%.1f\n", n / (now_s() - t0));
	mbl_dtls_ctx_free(cc);
	mbl_dtls_ctx_free(cs);
	mbl_dtls_ident_free(ic);
	mbl_dtls_ident_free(is);
	return 0;
}

/* ---- bare OpenSSL -------------------------------------------------------------- */

static int accept_any(int ok, X509_STORE_CTX *x)
{
	(void)ok;
	(void)x;
	return 1; /* self-signed: a fingerprint check would follow */
}

static SSL_CTX *bare_ctx(void)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	SSL_CTX *ctx = SSL_CTX_new(DTLS_method());

	if (k == NULL || x == NULL || ctx == NULL)
		return NULL;
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, k);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
				   (const unsigned char *)"bare", -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(x));
	if (X509_sign(x, k, EVP_sha256()) <= 0 || SSL_CTX_use_certificate(ctx, x) != 1 ||
	    SSL_CTX_use_PrivateKey(ctx, k) != 1)
		return NULL;
	SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, accept_any);
	SSL_CTX_set_tlsext_use_srtp(ctx, "SRTP_AES128_CM_SHA1_80");
	SSL_CTX_set_options(ctx, SSL_OP_NO_QUERY_MTU);
	X509_free(x);
	EVP_PKEY_free(k);
	return ctx;
}

/* fd is a connected UDP socket; peer its peer (BIO_dgram sends to it) */
static SSL *bare_ssl(SSL_CTX *ctx, int fd, const struct sockaddr_in *peer)
{
	SSL *s = SSL_new(ctx);
	BIO *b = BIO_new_dgram(fd, BIO_NOCLOSE);
	BIO_ADDR *a = BIO_ADDR_new();

	BIO_ADDR_rawmake(a, AF_INET, &peer->sin_addr, sizeof(peer->sin_addr), peer->sin_port);
	BIO_ctrl(b, BIO_CTRL_DGRAM_SET_CONNECTED, 0, a);
	BIO_ADDR_free(a);
	SSL_set_bio(s, b, b);
	SSL_set_mtu(s, 1200);
	return s;
}

/* Two non-blocking UDP sockets on 127.0.0.1 connected to each other. */
static int udp_pair(int fd[2], struct sockaddr_in sa[2])
{
	socklen_t l = sizeof(sa[0]);

	for (int i = 0; i < 2; i++) {
		memset(&sa[i], 0, sizeof(sa[i]));
		sa[i].sin_family = AF_INET;
		sa[i].sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		fd[i] = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
		if (fd[i] < 0 || bind(fd[i], (struct sockaddr *)&sa[i], sizeof(sa[i])) < 0 ||
		    getsockname(fd[i], (struct sockaddr *)&sa[i], &l) < 0)
			return -1;
	}
	if (connect(fd[0], (struct sockaddr *)&sa[1], sizeof(sa[1])) < 0 ||
	    connect(fd[1], (struct sockaddr *)&sa[0], sizeof(sa[0])) < 0)
		return -1;
	return 0;
}

static int run_bare(int n)
{
	SSL_CTX *cc = bare_ctx(), *cs = bare_ctx();
	unsigned char km[60];
	double t0;

	if (cc == NULL || cs == NULL)
		return die("no OpenSSL context");
	t0 = now_s();
	for (int i = 0; i < n; i++) {
		int sv[2], rc, rs, k;
		struct sockaddr_in sa[2];
		SSL *c, *s;

		if (udp_pair(sv, sa) < 0)
			return die("UDP sockets on 127.0.0.1");
		c = bare_ssl(cc, sv[0], &sa[1]);
		s = bare_ssl(cs, sv[1], &sa[0]);
		SSL_set_connect_state(c);
		SSL_set_accept_state(s);
		for (k = 0, rc = rs = 0; k < 100 && (rc != 1 || rs != 1); k++) {
			if (rc != 1)
				rc = SSL_do_handshake(c);
			if (rs != 1)
				rs = SSL_do_handshake(s);
		}
		if (rc != 1 || rs != 1 || SSL_get_selected_srtp_profile(c) == NULL ||
		    SSL_export_keying_material(c, km, sizeof(km), "EXTRACTOR-dtls_srtp", 19, NULL,
					       0, 0) != 1 ||
		    SSL_export_keying_material(s, km, sizeof(km), "EXTRACTOR-dtls_srtp", 19, NULL,
					       0, 0) != 1)
		{
			fprintf(stderr, "rc %d/%d err %d/%d k %d\n", rc, rs, SSL_get_error(c, rc),
				SSL_get_error(s, rs), k);
			ERR_print_errors_fp(stderr);
			return die("bare handshake did not complete");
		}
		SSL_free(c);
		SSL_free(s);
		close(sv[0]);
		close(sv[1]);
	}
	printf("%.1f\n", n / (now_s() - t0));
	SSL_CTX_free(cc);
	SSL_CTX_free(cs);
	return 0;
}

int main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[2]) : 300;

	if (argc < 2 || n <= 0)
		return die("usage: dtls_bench mbl|bare N");
	return strcmp(argv[1], "bare") == 0 ? run_bare(n) : run_mbl(n);
}
