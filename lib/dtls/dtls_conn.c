/* SPDX-License-Identifier: BSD-3-Clause
 * One DTLS-SRTP handshake (RFC 5764) on the caller's datagrams.
 *
 * Clocks. OpenSSL 3.0 runs its retransmission timer on gettimeofday and
 * offers no way to give it another clock. The caller's now_ns is a
 * monotonic clock that advances at the same rate, so after every call we
 * translate: the next retransmission is due at now_ns + the time OpenSSL
 * says is left (DTLSv1_get_timeout). tick asks OpenSSL to retransmit once
 * that moment has come; should OpenSSL still see time left (the two clocks
 * drifted), the deadline simply moves to the new estimate. The handshake
 * limit is ours alone, in the caller's clock.
 *
 * Timers (RFC 6347 4.2.4.1): DTLS_set_timer_cb gives the first timeout of
 * each flight (the context's, 1 s by default) and doubles it at every
 * retransmission up to 60 s. OpenSSL calls it with 0 for a new flight and
 * with the running value when it retransmits, which is where retransmits
 * are counted (whether the retransmission came from tick or from OpenSSL
 * itself noticing the expired timer while reading input).
 *
 * After DONE the connection keeps reading: a peer whose copy of our last
 * flight was lost retransmits its own, and OpenSSL answers that with ours
 * again (RFC 6347 4.2.4). Anything else then (application data, a
 * close_notify, a late alert) is counted and dropped; the keys stand.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/srtp.h>
#include <openssl/x509.h>

#include "dtls_priv.h"

#define NS_PER_S 1000000000ULL
#define DEFAULT_TIMEOUT_NS (10 * NS_PER_S)
#define RTO_MAX_US 60000000u
#define EXPORT_LABEL "EXTRACTOR-dtls_srtp" /* RFC 5764 4.2 */
/* Largest datagram input takes: a full record (2^14 + expansion, RFC 6347
 * 4.1) and its header. OpenSSL's read buffer is bigger. */
#define MAX_DATAGRAM 18432u

#define FAIL_NAME_(e, s) s,
static const char *const fail_names[] = { MBL_DTLS_FAIL_LIST(FAIL_NAME_) };
#undef FAIL_NAME_

const char *mbl_dtls_fail_name(enum mbl_dtls_fail f)
{
	return (unsigned)f < MBL_DTLS_FAIL_MAX ? fail_names[f] : "?";
}

/* ---- OpenSSL callbacks ------------------------------------------------------------- */

static unsigned timer_cb(SSL *ssl, unsigned timer_us)
{
	struct mbl_dtls_conn *c = SSL_get_app_data(ssl);

	if (timer_us == 0)
		return c->rto_us;
	c->st.retransmits++;
	return timer_us >= RTO_MAX_US / 2 ? RTO_MAX_US : 2 * timer_us;
}

/* RFC 5763 5 / RFC 8122 5: the certificate the peer used must hash to the
 * fingerprint its SDP announced. Only the end-entity certificate counts;
 * no chain is built (there is no CA, self-signed is normal). A mismatch
 * fails the handshake with a bad_certificate alert to the peer. */
int mbl_dtls_verify_peer(X509_STORE_CTX *xs, void *arg)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(xs, SSL_get_ex_data_X509_STORE_CTX_idx());
	struct mbl_dtls_conn *c = ssl ? SSL_get_app_data(ssl) : NULL;
	X509 *peer = X509_STORE_CTX_get0_cert(xs);
	uint8_t dg[EVP_MAX_MD_SIZE];
	unsigned n = 0;

	(void)arg;
	if (c == NULL || peer == NULL)
		return 0;
	if (X509_digest(peer, c->ctx->md[c->md], dg, &n) != 1 || n != c->fp_len ||
	    memcmp(dg, c->fp, n) != 0) {
		c->fp_mismatch = true;
		X509_STORE_CTX_set_error(xs, X509_V_ERR_CERT_REJECTED);
		return 0;
	}
	X509_STORE_CTX_set_error(xs, X509_V_OK);
	return 1;
}

/* ---- create / free -------------------------------------------------------------------- */

static int conn_fingerprint(struct mbl_dtls_conn *c, const char *fp_alg, const char *fp,
			    char *err, size_t errlen)
{
	int n;

	c->md = mbl_dtls_md_find(fp_alg);
	if (c->md < 0) {
		snprintf(err, errlen, "dtls: unknown fingerprint hash \"%.16s\" (sha-1, sha-224, "
				      "sha-256, sha-384 or sha-512)", fp_alg ? fp_alg : "");
		return -EINVAL;
	}
	n = mbl_dtls_fp_parse(fp, c->fp, sizeof(c->fp));
	if (n < 0 || (unsigned)n != mbl_dtls_md_len(c->md)) {
		snprintf(err, errlen, "dtls: malformed %s fingerprint (want %u hex pairs joined "
				      "by ':')", fp_alg, mbl_dtls_md_len(c->md));
		return -EINVAL;
	}
	c->fp_len = (uint8_t)n;
	return 0;
}

static int conn_ssl(struct mbl_dtls_conn *c, char *err, size_t errlen)
{
	BIO *b;

	c->ssl = SSL_new(c->ctx->ssl_ctx);
	b = c->ssl ? mbl_dtls_bio_new(c) : NULL;
	if (b == NULL) {
		snprintf(err, errlen, "dtls: out of memory for a connection");
		return -ENOMEM;
	}
	SSL_set_bio(c->ssl, b, b); /* one BIO both ways; the SSL owns it */
	SSL_set_app_data(c->ssl, c);
	/* after the BIO: OpenSSL's floor for the MTU asks the BIO for its
	 * overhead */
	if (SSL_set_mtu(c->ssl, MBL_DTLS_MTU) <= 0) { /* it returns the MTU */
		snprintf(err, errlen, "dtls: OpenSSL refused MTU %d", MBL_DTLS_MTU);
		return -EIO;
	}
	DTLS_set_timer_cb(c->ssl, timer_cb);
	if (c->role == MBL_DTLS_CLIENT)
		SSL_set_connect_state(c->ssl);
	else
		SSL_set_accept_state(c->ssl);
	return 0;
}

struct mbl_dtls_conn *mbl_dtls_conn_create(struct mbl_dtls_ctx *ctx, enum mbl_dtls_role role,
					   const char *fp_alg, const char *fp, uint64_t timeout_ns,
					   char *err, size_t errlen)
{
	struct mbl_dtls_conn *c;
	int rc;

	if (ctx == NULL || (role != MBL_DTLS_CLIENT && role != MBL_DTLS_SERVER)) {
		snprintf(err, errlen, "dtls: no context or bad role");
		errno = EINVAL;
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		snprintf(err, errlen, "dtls: out of memory for a connection");
		errno = ENOMEM;
		return NULL;
	}
	c->ctx = ctx;
	c->role = role;
	c->rto_us = ctx->rto_us;
	c->timeout_ns = timeout_ns ? timeout_ns : DEFAULT_TIMEOUT_NS;
	c->rtx_ns = UINT64_MAX;
	rc = conn_fingerprint(c, fp_alg, fp, err, errlen);
	if (rc == 0)
		rc = conn_ssl(c, err, errlen);
	ERR_clear_error();
	if (rc < 0) {
		mbl_dtls_conn_free(c);
		errno = -rc;
		return NULL;
	}
	return c;
}

void mbl_dtls_conn_free(struct mbl_dtls_conn *c)
{
	if (c == NULL)
		return;
	SSL_free(c->ssl);
	ERR_clear_error();
	mbl_dtls_dgq_release(&c->out);
	OPENSSL_cleanse(&c->tx, sizeof(c->tx));
	OPENSSL_cleanse(&c->rx, sizeof(c->rx));
	free(c);
}

/* ---- failure and success --------------------------------------------------------------- */

/* The OpenSSL error queue after a failed call: keep the first error of
 * the SSL library (the handshake's reason; lower ones come first) and
 * empty the queue so nothing leaks into another connection. */
static unsigned long take_ossl_error(void)
{
	unsigned long e, first = 0, ssl = 0;

	while ((e = ERR_get_error()) != 0) {
		if (first == 0)
			first = e;
		if (ssl == 0 && ERR_GET_LIB(e) == ERR_LIB_SSL)
			ssl = e;
	}
	return ssl ? ssl : first;
}

static enum mbl_dtls_fail classify(const struct mbl_dtls_conn *c, int ssl_err, unsigned long e)
{
	int r = ERR_GET_LIB(e) == ERR_LIB_SSL ? ERR_GET_REASON(e) : 0;

	if (c->fp_mismatch)
		return MBL_DTLS_FAIL_FINGERPRINT;
	if (ssl_err == SSL_ERROR_ZERO_RETURN)
		return MBL_DTLS_FAIL_ALERT; /* close_notify in the middle of it */
	/* a received alert is reported as reason offset + its code */
	if (r >= SSL_AD_REASON_OFFSET && r < SSL_AD_REASON_OFFSET + 256)
		return MBL_DTLS_FAIL_ALERT;
	switch (r) {
	case SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE:
	case SSL_R_NO_CERTIFICATES_RETURNED:
		return MBL_DTLS_FAIL_NO_CERT;
	case SSL_R_NO_SRTP_PROFILES:
	case SSL_R_BAD_SRTP_PROTECTION_PROFILE_LIST:
		return MBL_DTLS_FAIL_NO_PROFILE;
	case SSL_R_READ_TIMEOUT_EXPIRED:
		return MBL_DTLS_FAIL_TIMEOUT;
	default:
		return MBL_DTLS_FAIL_PROTOCOL;
	}
}

static void conn_fail(struct mbl_dtls_conn *c, enum mbl_dtls_fail f, unsigned long ossl_err)
{
	c->state = MBL_DTLS_FAILED;
	c->fail = f;
	c->ossl_err = ossl_err;
	c->rtx_ns = UINT64_MAX;
}

static void conn_fail_ossl(struct mbl_dtls_conn *c, int ssl_err)
{
	unsigned long e = take_ossl_error();

	conn_fail(c, classify(c, ssl_err, e), e);
}

/* RFC 5764 4.2: the exporter gives client_write_SRTP_master_key |
 * server_write_SRTP_master_key | client_write_SRTP_master_salt |
 * server_write_SRTP_master_salt. */
static int export_keys(struct mbl_dtls_conn *c, enum mbl_srtp_suite s)
{
	const struct mbl_srtp_suite_info *si = mbl_srtp_suite_get(s);
	uint8_t km[2 * (MBL_SRTP_MAX_KEY + MBL_SRTP_MAX_SALT)];
	size_t kl = si->key_len, sl = si->salt_len;
	struct mbl_srtp_key *ck = c->role == MBL_DTLS_CLIENT ? &c->tx : &c->rx;
	struct mbl_srtp_key *sk = c->role == MBL_DTLS_CLIENT ? &c->rx : &c->tx;

	if (SSL_export_keying_material(c->ssl, km, 2 * (kl + sl), EXPORT_LABEL,
				       sizeof(EXPORT_LABEL) - 1, NULL, 0, 0) != 1) {
		OPENSSL_cleanse(km, sizeof(km));
		return -EIO;
	}
	memset(ck, 0, sizeof(*ck));
	memset(sk, 0, sizeof(*sk));
	ck->suite = sk->suite = s;
	memcpy(ck->key, km, kl);
	memcpy(sk->key, km + kl, kl);
	memcpy(ck->salt, km + 2 * kl, sl);
	memcpy(sk->salt, km + 2 * kl + sl, sl);
	OPENSSL_cleanse(km, sizeof(km));
	return 0;
}

/* The handshake is over: without an agreed use_srtp profile (RFC 5764
 * 4.1.1: the server leaves the extension out when it has none in common
 * with the client, and the handshake goes on) there are no SRTP keys.
 * Both ends see that by themselves, so no alert is sent. */
static void conn_done(struct mbl_dtls_conn *c, uint64_t now_ns)
{
	const SRTP_PROTECTION_PROFILE *p = SSL_get_selected_srtp_profile(c->ssl);
	enum mbl_srtp_suite s;

	if (p == NULL || !mbl_dtls_profile_suite(p->id, &s)) {
		conn_fail(c, MBL_DTLS_FAIL_NO_PROFILE, 0);
		return;
	}
	if (export_keys(c, s) < 0) {
		conn_fail(c, MBL_DTLS_FAIL_PROTOCOL, take_ossl_error());
		return;
	}
	c->state = MBL_DTLS_DONE;
	c->rtx_ns = UINT64_MAX;
	c->st.handshake_ns = now_ns - c->start_ns;
}

/* ---- driving OpenSSL ------------------------------------------------------------------- */

static void handshake_step(struct mbl_dtls_conn *c, uint64_t now_ns)
{
	int r, e;

	ERR_clear_error();
	r = SSL_do_handshake(c->ssl);
	if (r == 1) {
		conn_done(c, now_ns);
		return;
	}
	e = SSL_get_error(c->ssl, r);
	if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
		conn_fail_ossl(c, e);
}

/* DONE: read on so OpenSSL sees a retransmitted final flight and answers
 * it; whatever it answers is a flight sent again. Application data, a
 * close_notify or a refused record: counted as ignored, state stays. */
static void done_input(struct mbl_dtls_conn *c)
{
	uint32_t before = c->out.pushed;
	bool ignored = false;
	char scratch[512];
	int r;

	ERR_clear_error();
	while ((r = SSL_read(c->ssl, scratch, sizeof(scratch))) > 0)
		ignored = true; /* media goes to SRTP, not in DTLS records */
	if (SSL_get_error(c->ssl, r) != SSL_ERROR_WANT_READ)
		ignored = true;
	if (ignored)
		c->st.rx_ignored++;
	if (c->out.pushed != before)
		c->st.retransmits++;
}

static void timer_sync(struct mbl_dtls_conn *c, uint64_t now_ns)
{
	struct timeval tv;

	c->rtx_ns = UINT64_MAX;
	if (c->state == MBL_DTLS_HANDSHAKING && DTLSv1_get_timeout(c->ssl, &tv) == 1)
		c->rtx_ns = now_ns + (uint64_t)tv.tv_sec * NS_PER_S + (uint64_t)tv.tv_usec * 1000;
	ERR_clear_error();
}

enum mbl_dtls_state mbl_dtls_conn_start(struct mbl_dtls_conn *c, uint64_t now_ns)
{
	if (c->started)
		return c->state;
	c->started = true;
	c->start_ns = now_ns;
	/* saturated: a huge timeout must not wrap into the past */
	c->limit_ns = UINT64_MAX - 1;
	if (now_ns < c->limit_ns && c->timeout_ns < c->limit_ns - now_ns)
		c->limit_ns = now_ns + c->timeout_ns;
	if (c->role == MBL_DTLS_CLIENT)
		handshake_step(c, now_ns); /* the ClientHello */
	timer_sync(c, now_ns);
	return c->state;
}

/* RFC 7983 7: a first byte of 20..63 is DTLS. Then every record must be
 * whole (RFC 6347 4.1: type, version, epoch, sequence number, length) and
 * of a content type DTLS 1.2 uses here (change_cipher_spec, alert,
 * handshake, application_data): anything else would either be dropped by
 * OpenSSL anyway or (an unknown type at the current epoch) make it abort,
 * and garbage must not fail a connection. */
static bool looks_like_dtls(const uint8_t *d, size_t len)
{
	size_t off = 0;

	if (d == NULL || len < 13 || len > MAX_DATAGRAM || d[0] < 20 || d[0] > 63)
		return false;
	while (off < len) {
		size_t rlen;

		if (len - off < 13 || d[off] < 20 || d[off] > 23 || d[off + 1] != 0xfe)
			return false;
		rlen = (size_t)d[off + 11] << 8 | d[off + 12];
		if (rlen > len - off - 13)
			return false;
		off += 13 + rlen;
	}
	return true;
}

enum mbl_dtls_state mbl_dtls_conn_input(struct mbl_dtls_conn *c, const uint8_t *d, size_t len,
					uint64_t now_ns)
{
	c->st.rx_datagrams++;
	if (!c->started || c->state == MBL_DTLS_FAILED || !looks_like_dtls(d, len)) {
		c->st.rx_ignored++;
		return c->state;
	}
	c->in = d;
	c->in_len = len;
	if (c->state == MBL_DTLS_HANDSHAKING)
		handshake_step(c, now_ns);
	else
		done_input(c);
	c->in = NULL;
	c->in_len = 0;
	ERR_clear_error();
	timer_sync(c, now_ns);
	return c->state;
}

int mbl_dtls_conn_output(struct mbl_dtls_conn *c, uint8_t *buf, size_t cap)
{
	int n = mbl_dtls_dgq_pop(&c->out, buf, cap);

	if (n > 0)
		c->st.tx_datagrams++;
	/* an idle finished connection keeps no queue memory */
	if (c->state != MBL_DTLS_HANDSHAKING && mbl_dtls_dgq_empty(&c->out))
		mbl_dtls_dgq_release(&c->out);
	return n;
}

uint64_t mbl_dtls_conn_deadline(const struct mbl_dtls_conn *c)
{
	if (!c->started || c->state != MBL_DTLS_HANDSHAKING)
		return UINT64_MAX;
	return c->rtx_ns < c->limit_ns ? c->rtx_ns : c->limit_ns;
}

enum mbl_dtls_state mbl_dtls_conn_tick(struct mbl_dtls_conn *c, uint64_t now_ns)
{
	if (!c->started || c->state != MBL_DTLS_HANDSHAKING)
		return c->state;
	if (now_ns >= c->limit_ns) {
		conn_fail(c, MBL_DTLS_FAIL_TIMEOUT, 0);
		return c->state;
	}
	if (now_ns < c->rtx_ns)
		return c->state;
	ERR_clear_error();
	/* RFC 6347 4.2.4: the timer ran out, send the last flight again */
	if (DTLSv1_handle_timeout(c->ssl) < 0)
		conn_fail_ossl(c, SSL_ERROR_SSL);
	ERR_clear_error();
	timer_sync(c, now_ns);
	return c->state;
}

/* ---- results ---------------------------------------------------------------------------- */

enum mbl_dtls_state mbl_dtls_conn_state(const struct mbl_dtls_conn *c)
{
	return c->state;
}

enum mbl_dtls_fail mbl_dtls_conn_failure(const struct mbl_dtls_conn *c)
{
	return c->fail;
}

const char *mbl_dtls_conn_detail(const struct mbl_dtls_conn *c)
{
	const char *r;

	if (c->state != MBL_DTLS_FAILED || c->ossl_err == 0)
		return "";
	r = ERR_reason_error_string(c->ossl_err);
	return r ? r : "";
}

int mbl_dtls_conn_keys(const struct mbl_dtls_conn *c, struct mbl_srtp_key *tx,
		       struct mbl_srtp_key *rx)
{
	if (c->state != MBL_DTLS_DONE)
		return -EAGAIN;
	if (tx)
		*tx = c->tx;
	if (rx)
		*rx = c->rx;
	return 0;
}

void mbl_dtls_conn_stats(const struct mbl_dtls_conn *c, struct mbl_dtls_conn_stats *st)
{
	*st = c->st;
}
