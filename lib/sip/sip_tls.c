/* SPDX-License-Identifier: BSD-3-Clause
 * SIP over TLS (RFC 3261 26.3.1, RFC 5922 for the names): OpenSSL 3.0
 * contexts, non-blocking sessions on our own sockets, and failures mapped
 * to reasons an engineer can act on (unknown CA, wrong name, expired,
 * version) instead of "handshake failed".
 *
 * The only file of the transport that includes OpenSSL. Sessions talk to
 * their socket through a small BIO of ours that sends with MSG_NOSIGNAL:
 * OpenSSL's socket BIO uses write(), which raises SIGPIPE on a peer that is
 * gone, and a library must not change the process's signal handling.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "mbl_common.h"
#include "sip_tp_priv.h"

struct mbl_sip_tls {
	SSL_CTX *cli;
	SSL_CTX *srv;          /* NULL without cert_file */
	BIO_METHOD *bio;
	bool no_verify;
	bool warned;           /* the "verification is OFF" line was logged */
};

/* ---- socket BIO ------------------------------------------------------------------ */

static int sock_bio_write(BIO *b, const char *buf, int len)
{
	ssize_t n = send((int)(intptr_t)BIO_get_data(b), buf, (size_t)len, MSG_NOSIGNAL);

	BIO_clear_retry_flags(b);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		BIO_set_retry_write(b);
	return (int)n;
}

static int sock_bio_read(BIO *b, char *buf, int len)
{
	ssize_t n = recv((int)(intptr_t)BIO_get_data(b), buf, (size_t)len, 0);

	BIO_clear_retry_flags(b);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		BIO_set_retry_read(b);
	return (int)n;
}

static long sock_bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	(void)b;
	(void)num;
	(void)ptr;
	return cmd == BIO_CTRL_FLUSH; /* nothing is buffered here */
}

static BIO_METHOD *sock_bio_method(void)
{
	BIO_METHOD *m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "mbl_sip_sock");

	if (m == NULL)
		return NULL;
	if (!BIO_meth_set_write(m, sock_bio_write) || !BIO_meth_set_read(m, sock_bio_read) ||
	    !BIO_meth_set_ctrl(m, sock_bio_ctrl)) {
		BIO_meth_free(m);
		return NULL;
	}
	return m;
}

/* ---- contexts ---------------------------------------------------------------------- */

static void tls_err(char *err, size_t errlen, const char *what, const char *file)
{
	unsigned long e = ERR_get_error();
	char reason[160] = "";

	if (e)
		ERR_error_string_n(e, reason, sizeof(reason));
	snprintf(err, errlen, "tls: %s%s%s: %s", what, file ? " " : "", file ? file : "",
		 reason[0] ? reason : "failed");
	ERR_clear_error();
}

static int tls_ver(enum mbl_sip_tls_ver v, int dflt)
{
	return v == MBL_SIP_TLS_VER_1_2 ? TLS1_2_VERSION
	       : v == MBL_SIP_TLS_VER_1_3 ? TLS1_3_VERSION
					  : dflt;
}

/* Verification is off but the server still asks for a certificate. */
static int accept_any_cert(int ok, X509_STORE_CTX *x)
{
	(void)ok;
	(void)x;
	return 1;
}

static int ctx_load(SSL_CTX *ctx, const struct mbl_sip_tls_conf *c, char *err, size_t errlen)
{
	if (c->ca_file && SSL_CTX_load_verify_locations(ctx, c->ca_file, NULL) != 1) {
		tls_err(err, errlen, "cannot load CA file", c->ca_file);
		return -EIO;
	}
	if (!c->ca_file && SSL_CTX_set_default_verify_paths(ctx) != 1) {
		tls_err(err, errlen, "cannot load the system CA store", NULL);
		return -EIO;
	}
	if (c->cert_file && SSL_CTX_use_certificate_chain_file(ctx, c->cert_file) != 1) {
		tls_err(err, errlen, "cannot load certificate", c->cert_file);
		return -EIO;
	}
	/* Never name the key in a way that could echo its content. */
	if (c->key_file && (SSL_CTX_use_PrivateKey_file(ctx, c->key_file, SSL_FILETYPE_PEM) != 1 ||
			    SSL_CTX_check_private_key(ctx) != 1)) {
		tls_err(err, errlen, "cannot load or match private key", c->key_file);
		return -EIO;
	}
	return 0;
}

static SSL_CTX *ctx_new(const struct mbl_sip_tls_conf *c, bool server, char *err, size_t errlen)
{
	static const unsigned char sid_ctx[] = "mediablast-sip";
	SSL_CTX *ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
	int mode = SSL_VERIFY_NONE;

	if (ctx == NULL) {
		tls_err(err, errlen, "SSL_CTX_new", NULL);
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, tls_ver(c->min_version, TLS1_2_VERSION));
	SSL_CTX_set_max_proto_version(ctx, tls_ver(c->max_version, 0));
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
				      SSL_MODE_RELEASE_BUFFERS);
	if (!server && !c->no_verify)
		mode = SSL_VERIFY_PEER;
	if (server && c->require_client_cert)
		mode = SSL_VERIFY_PEER | (c->no_verify ? 0 : SSL_VERIFY_FAIL_IF_NO_PEER_CERT);
	SSL_CTX_set_verify(ctx, mode, server && c->no_verify ? accept_any_cert : NULL);
	/* Resumed sessions of a server that verifies clients need an id
	 * context, or OpenSSL refuses them. */
	SSL_CTX_set_session_id_context(ctx, sid_ctx, sizeof(sid_ctx) - 1);
	if (ctx_load(ctx, c, err, errlen) < 0) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

static int conf_check(const struct mbl_sip_tls_conf *c, char *err, size_t errlen)
{
	int lo = tls_ver(c->min_version, TLS1_2_VERSION), hi = tls_ver(c->max_version, TLS1_3_VERSION);
	const struct {
		const char *what, *path;
	} f[] = {{"CA file", c->ca_file}, {"certificate", c->cert_file}, {"key", c->key_file}};
	size_t i;

	if (!c->cert_file != !c->key_file) {
		snprintf(err, errlen, "tls: cert_file and key_file go together");
		return -EINVAL;
	}
	if ((unsigned)c->min_version > MBL_SIP_TLS_VER_1_3 ||
	    (unsigned)c->max_version > MBL_SIP_TLS_VER_1_3 || lo > hi) {
		snprintf(err, errlen, "tls: bad version range");
		return -EINVAL;
	}
	/* Name a missing file by its errno; content errors come later (EIO). */
	for (i = 0; i < MBL_ARRAY_SIZE(f); i++)
		if (f[i].path && access(f[i].path, R_OK) < 0) {
			int e = errno;

			snprintf(err, errlen, "tls: %s %s: %s", f[i].what, f[i].path, strerror(e));
			return -e;
		}
	return 0;
}

struct mbl_sip_tls *mbl_sip_tls_create(const struct mbl_sip_tls_conf *c, char *err,
				       size_t errlen)
{
	struct mbl_sip_tls *t;
	int rc = conf_check(c, err, errlen);

	if (rc < 0) {
		errno = -rc;
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (t == NULL) {
		snprintf(err, errlen, "tls: out of memory");
		errno = ENOMEM;
		return NULL;
	}
	t->no_verify = c->no_verify;
	t->bio = sock_bio_method();
	t->cli = t->bio ? ctx_new(c, false, err, errlen) : NULL;
	t->srv = t->cli && c->cert_file ? ctx_new(c, true, err, errlen) : NULL;
	if (t->bio == NULL || t->cli == NULL || (c->cert_file && t->srv == NULL)) {
		if (t->bio == NULL)
			snprintf(err, errlen, "tls: out of memory");
		mbl_sip_tls_free(t);
		errno = EIO;
		return NULL;
	}
	return t;
}

void mbl_sip_tls_free(struct mbl_sip_tls *t)
{
	if (t == NULL)
		return;
	SSL_CTX_free(t->cli);
	SSL_CTX_free(t->srv);
	BIO_meth_free(t->bio);
	free(t);
}

bool mbl_sip_tls_can_serve(const struct mbl_sip_tls *t)
{
	return t->srv != NULL;
}

/* ---- sessions ------------------------------------------------------------------------ */

/* RFC 5922 7.2: match the name against the certificate (SAN dNSName, no
 * partial wildcards); an IP literal against an iPAddress SAN. SNI (RFC
 * 6066 3) carries DNS names only. */
static int session_name(struct mbl_sip_tls *t, SSL *s, const char *name)
{
	unsigned char ip[16];
	bool is_ip = inet_pton(AF_INET, name, ip) == 1 || inet_pton(AF_INET6, name, ip) == 1;

	if (is_ip) {
		if (!t->no_verify && X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(s), name) != 1)
			return -EINVAL;
		return 0;
	}
	if (SSL_set_tlsext_host_name(s, name) != 1)
		return -EINVAL;
	if (!t->no_verify) {
		SSL_set_hostflags(s, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
		if (SSL_set1_host(s, name) != 1)
			return -EINVAL;
	}
	return 0;
}

struct ssl_st *mbl_sip_tls_session(struct mbl_sip_tls *t, int fd, bool server, const char *name)
{
	SSL *s = SSL_new(server ? t->srv : t->cli);
	BIO *b = BIO_new(t->bio);

	if (s == NULL || b == NULL) {
		BIO_free(b);
		SSL_free(s);
		ERR_clear_error();
		return NULL;
	}
	BIO_set_data(b, (void *)(intptr_t)fd);
	BIO_set_init(b, 1);
	SSL_set_bio(s, b, b); /* s owns b now */
	SSL_set_app_data(s, t);
	if (server) {
		SSL_set_accept_state(s);
	} else {
		SSL_set_connect_state(s);
		if (name && session_name(t, s, name) < 0) {
			SSL_free(s);
			ERR_clear_error();
			return NULL;
		}
	}
	if (t->no_verify && !t->warned) {
		t->warned = true;
		mbl_log(MBL_LOG_WARN, "sip tls: certificate verification is OFF (tls no_verify): "
				      "peers are not authenticated");
	}
	return s;
}

void mbl_sip_tls_session_free(struct ssl_st *s, bool close_notify)
{
	if (s && close_notify) {
		ERR_clear_error();
		SSL_shutdown(s); /* one try: the socket closes right after */
		ERR_clear_error();
	}
	SSL_free(s);
}

/* ---- failure reasons ------------------------------------------------------------------ */

static enum mbl_sip_tp_err x509_why(long v)
{
	switch (v) {
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
	case X509_V_ERR_CERT_UNTRUSTED:
		return MBL_SIP_TP_ERR_tls_unknown_ca;
	case X509_V_ERR_HOSTNAME_MISMATCH:
	case X509_V_ERR_IP_ADDRESS_MISMATCH:
		return MBL_SIP_TP_ERR_tls_wrong_name;
	case X509_V_ERR_CERT_HAS_EXPIRED:
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return MBL_SIP_TP_ERR_tls_expired;
	default:
		return MBL_SIP_TP_ERR_tls_handshake;
	}
}

/* The alert a peer sent us (or our own refusal) names the reason too. */
static enum mbl_sip_tp_err ssl_reason_why(int r, enum mbl_sip_tp_err dflt)
{
	switch (r) {
	case SSL_R_UNSUPPORTED_PROTOCOL:
	case SSL_R_NO_PROTOCOLS_AVAILABLE:
	case SSL_R_TLSV1_ALERT_PROTOCOL_VERSION:
	case SSL_R_VERSION_TOO_LOW:
	case SSL_R_VERSION_TOO_HIGH:
		return MBL_SIP_TP_ERR_tls_version;
	case SSL_R_TLSV1_ALERT_UNKNOWN_CA:
		return MBL_SIP_TP_ERR_tls_unknown_ca;
	case SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED:
		return MBL_SIP_TP_ERR_tls_expired;
	case SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE:
	case SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED:
		return MBL_SIP_TP_ERR_tls_no_cert;
	case SSL_R_UNEXPECTED_EOF_WHILE_READING:
		return MBL_SIP_TP_ERR_closed; /* no close_notify: usual for SIP peers */
	default:
		return dflt;
	}
}

/* Map a failed SSL call (ssl_err from SSL_get_error, sys_errno the errno
 * right after it) to a reason, and say why in detail. Clears the queue. */
static enum mbl_sip_tp_err tls_why(SSL *s, int ssl_err, int sys_errno, bool handshake,
				   char *detail, size_t dlen)
{
	const struct mbl_sip_tls *t = SSL_get_app_data(s);
	unsigned long e = ERR_peek_error();
	long v = SSL_get_verify_result(s);
	enum mbl_sip_tp_err why;

	if (ssl_err == SSL_ERROR_SYSCALL && e == 0) {
		snprintf(detail, dlen, "%s", sys_errno ? strerror(sys_errno) : "peer closed");
		why = sys_errno == ECONNRESET || sys_errno == EPIPE ? MBL_SIP_TP_ERR_reset
		      : sys_errno				   ? MBL_SIP_TP_ERR_read_failed
								   : MBL_SIP_TP_ERR_closed;
	} else if (!t->no_verify && v != X509_V_OK) {
		snprintf(detail, dlen, "certificate: %s", X509_verify_cert_error_string(v));
		why = x509_why(v);
	} else {
		const char *r = ERR_reason_error_string(e);

		snprintf(detail, dlen, "%s", r ? r : "unknown TLS error");
		why = ERR_GET_LIB(e) == ERR_LIB_SSL
			      ? ssl_reason_why(ERR_GET_REASON(e), handshake ? MBL_SIP_TP_ERR_tls_handshake
									    : MBL_SIP_TP_ERR_tls_error)
		      : handshake ? MBL_SIP_TP_ERR_tls_handshake
				  : MBL_SIP_TP_ERR_tls_error;
	}
	ERR_clear_error();
	return why;
}

static int tls_want(int ssl_err)
{
	return ssl_err == SSL_ERROR_WANT_READ    ? MBL_SIP_TLS_WANT_READ
	       : ssl_err == SSL_ERROR_WANT_WRITE ? MBL_SIP_TLS_WANT_WRITE
						 : 0;
}

int mbl_sip_tls_handshake(struct ssl_st *s, enum mbl_sip_tp_err *why, char *detail, size_t dlen)
{
	int rc, e, w;

	ERR_clear_error();
	errno = 0;
	rc = SSL_do_handshake(s);
	if (rc == 1)
		return 0;
	e = SSL_get_error(s, rc);
	w = tls_want(e);
	if (w)
		return w;
	*why = tls_why(s, e, errno, true, detail, dlen);
	return MBL_SIP_TLS_FAIL;
}

int mbl_sip_tls_read(struct ssl_st *s, char *buf, size_t len, enum mbl_sip_tp_err *why)
{
	char detail[160];
	size_t n = 0;
	int e, w;

	ERR_clear_error();
	errno = 0;
	if (SSL_read_ex(s, buf, len, &n) == 1)
		return (int)n;
	e = SSL_get_error(s, 0);
	w = tls_want(e);
	if (w)
		return w;
	if (e == SSL_ERROR_ZERO_RETURN) /* close_notify */
		return 0;
	*why = tls_why(s, e, errno, false, detail, sizeof(detail));
	if (*why == MBL_SIP_TP_ERR_closed)
		return 0;
	MBL_LOG_RL(MBL_LOG_INFO, "sip tls: read: %s", detail);
	return MBL_SIP_TLS_FAIL;
}

int mbl_sip_tls_write(struct ssl_st *s, const char *buf, size_t len, enum mbl_sip_tp_err *why)
{
	char detail[160];
	size_t n = 0;
	int e, w;

	ERR_clear_error();
	errno = 0;
	if (SSL_write_ex(s, buf, len, &n) == 1)
		return (int)n;
	e = SSL_get_error(s, 0);
	w = tls_want(e);
	if (w)
		return w;
	*why = tls_why(s, e, errno, false, detail, sizeof(detail));
	if (*why == MBL_SIP_TP_ERR_read_failed)
		*why = MBL_SIP_TP_ERR_write_failed;
	MBL_LOG_RL(MBL_LOG_INFO, "sip tls: write: %s", detail);
	return MBL_SIP_TLS_FAIL;
}

void mbl_sip_tls_describe(struct ssl_st *s, struct mbl_sip_tp_conn_info *out)
{
	X509 *peer = SSL_get0_peer_certificate(s);
	const char *c = SSL_get_cipher_name(s);

	snprintf(out->tls_version, sizeof(out->tls_version), "%s", SSL_get_version(s));
	snprintf(out->tls_cipher, sizeof(out->tls_cipher), "%s", c ? c : "");
	out->peer_cn[0] = '\0';
	if (peer && X509_NAME_get_text_by_NID(X509_get_subject_name(peer), NID_commonName,
					      out->peer_cn, (int)sizeof(out->peer_cn)) < 0)
		out->peer_cn[0] = '\0';
}
