/* SPDX-License-Identifier: BSD-3-Clause
 * The DTLS context: one SSL_CTX for both roles and every call, made once
 * (an SSL_CTX is costly to build and cheap to share: OpenSSL reference-
 * counts it and only reads it once connections exist).
 *
 * What it pins down:
 * - DTLS 1.2 only (RFC 6347); DTLS 1.0 is refused (RFC 8996).
 * - ECDHE key exchange with ECDSA or RSA peers, AEAD ciphers first; the
 *   CBC ones stay for older SBCs that lack GCM in DTLS.
 * - Both ends present a certificate; trust comes from the SDP fingerprint
 *   alone (RFC 5763 6.7.1), checked by our cert_verify callback instead of
 *   a chain walk: there is no CA and self-signed is the norm.
 * - use_srtp (RFC 5764 4.1.2) with the profiles in the caller's order.
 * - No session cache or tickets (every call is a fresh handshake; a cache
 *   would only grow and lock), no renegotiation, and our own MTU.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/srtp.h>

#include "dtls_priv.h"

#define RTO_DEFAULT_MS 1000u /* RFC 6347 4.2.4.1 */
#define RTO_MIN_MS 20u
#define RTO_MAX_MS 60000u

/* RFC 5764 4.1.2 (the two AES-CM profiles) and RFC 7714 14.2 (GCM). */
static const struct {
	enum mbl_srtp_suite suite;
	const char *name; /* OpenSSL's profile name */
	unsigned long id;
} profiles[] = {
	{ MBL_SRTP_AES_CM_128_HMAC_SHA1_80, "SRTP_AES128_CM_SHA1_80", SRTP_AES128_CM_SHA1_80 },
	{ MBL_SRTP_AES_CM_128_HMAC_SHA1_32, "SRTP_AES128_CM_SHA1_32", SRTP_AES128_CM_SHA1_32 },
	{ MBL_SRTP_AEAD_AES_128_GCM, "SRTP_AEAD_AES_128_GCM", SRTP_AEAD_AES_128_GCM },
	{ MBL_SRTP_AEAD_AES_256_GCM, "SRTP_AEAD_AES_256_GCM", SRTP_AEAD_AES_256_GCM },
};

#define N_PROFILES (sizeof(profiles) / sizeof(profiles[0]))

const char *mbl_dtls_profile_name(enum mbl_srtp_suite s)
{
	for (size_t i = 0; i < N_PROFILES; i++)
		if (profiles[i].suite == s)
			return profiles[i].name;
	return NULL;
}

bool mbl_dtls_suite_ok(enum mbl_srtp_suite suite)
{
	return mbl_dtls_profile_name(suite) != NULL;
}

bool mbl_dtls_profile_suite(unsigned long id, enum mbl_srtp_suite *s)
{
	for (size_t i = 0; i < N_PROFILES; i++) {
		if (profiles[i].id == id) {
			*s = profiles[i].suite;
			return true;
		}
	}
	return false;
}

/* "SRTP_A:SRTP_B" in the caller's order, each suite once. */
static int profile_list(const enum mbl_srtp_suite *suites, unsigned n, char *out, size_t len,
			char *err, size_t errlen)
{
	size_t off = 0;

	if (n == 0) {
		snprintf(err, errlen, "dtls: no SRTP suite to offer");
		return -EINVAL;
	}
	out[0] = '\0';
	for (unsigned i = 0; i < n; i++) {
		const struct mbl_srtp_suite_info *si = mbl_srtp_suite_get(suites[i]);
		const char *p = mbl_dtls_profile_name(suites[i]);

		if (si == NULL || p == NULL) {
			snprintf(err, errlen, "dtls: suite %s has no DTLS-SRTP profile",
				 si ? si->name : "(unknown)");
			return -EINVAL;
		}
		if (strstr(out, p) != NULL) {
			snprintf(err, errlen, "dtls: suite %s listed twice", si->name);
			return -EINVAL;
		}
		off += (size_t)snprintf(out + off, len - off, "%s%s", i ? ":" : "", p);
	}
	return 0;
}

static void ctx_err(char *err, size_t errlen, const char *what)
{
	unsigned long e = ERR_get_error();
	const char *r = e ? ERR_reason_error_string(e) : NULL;

	snprintf(err, errlen, "dtls context: %s failed%s%s", what, r ? ": " : "", r ? r : "");
	ERR_clear_error();
}

/* ECDHE only (forward secrecy; RFC 7525 4.2 recommends these). */
static const char cipher_list[] =
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
	"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
	"ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:"
	"ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES256-SHA";

static int ctx_protocol(SSL_CTX *s, char *err, size_t errlen)
{
	if (SSL_CTX_set_min_proto_version(s, DTLS1_2_VERSION) != 1 ||
	    SSL_CTX_set_max_proto_version(s, DTLS1_2_VERSION) != 1) {
		ctx_err(err, errlen, "DTLS 1.2 only");
		return -EIO;
	}
	/* NO_QUERY_MTU: the MTU is ours (SSL_set_mtu), a memory BIO has none */
	SSL_CTX_set_options(s, SSL_OP_NO_QUERY_MTU | SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION |
				       SSL_OP_NO_COMPRESSION);
	SSL_CTX_set_session_cache_mode(s, SSL_SESS_CACHE_OFF);
	/* idle connections (DONE, kept to answer retransmissions) hold no
	 * record buffers */
	SSL_CTX_set_mode(s, SSL_MODE_RELEASE_BUFFERS);
	if (SSL_CTX_set_cipher_list(s, cipher_list) != 1) {
		ctx_err(err, errlen, "cipher list");
		return -EIO;
	}
	if (SSL_CTX_set1_groups_list(s, "X25519:P-256:P-384") != 1) {
		ctx_err(err, errlen, "ECDHE groups");
		return -EIO;
	}
	return 0;
}

static int ctx_identity(SSL_CTX *s, const struct mbl_dtls_ident *id, char *err, size_t errlen)
{
	if (SSL_CTX_use_certificate(s, id->cert) != 1 ||
	    SSL_CTX_use_PrivateKey(s, id->key) != 1 || SSL_CTX_check_private_key(s) != 1) {
		ctx_err(err, errlen, "identity");
		return -EIO;
	}
	/* the server asks for the client's certificate and refuses a client
	 * without one (RFC 5763 5: both ends authenticate) */
	SSL_CTX_set_verify(s, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	SSL_CTX_set_cert_verify_callback(s, mbl_dtls_verify_peer, NULL);
	return 0;
}

static int ctx_digests(struct mbl_dtls_ctx *ctx, char *err, size_t errlen)
{
	for (int i = 0; i < MBL_DTLS_MD_N; i++) {
		ctx->md[i] = EVP_MD_fetch(NULL, mbl_dtls_md_ossl_name(i), NULL);
		if (ctx->md[i] == NULL) {
			ctx_err(err, errlen, mbl_dtls_md_ossl_name(i));
			return -EIO;
		}
	}
	return 0;
}

struct mbl_dtls_ctx *mbl_dtls_ctx_create(const struct mbl_dtls_ident *id,
					 const enum mbl_srtp_suite *suites, unsigned n, char *err,
					 size_t errlen)
{
	char plist[128];
	struct mbl_dtls_ctx *ctx;

	ERR_clear_error();
	if (id == NULL || (n && suites == NULL)) {
		snprintf(err, errlen, "dtls context: no identity or suites");
		errno = EINVAL;
		return NULL;
	}
	if (profile_list(suites, n, plist, sizeof(plist), err, errlen) < 0) {
		errno = EINVAL;
		return NULL;
	}
	ctx = calloc(1, sizeof(*ctx));
	if (ctx == NULL || (ctx->ssl_ctx = SSL_CTX_new(DTLS_method())) == NULL) {
		ctx_err(err, errlen, "SSL_CTX_new");
		goto fail;
	}
	ctx->rto_us = RTO_DEFAULT_MS * 1000;
	if (ctx_protocol(ctx->ssl_ctx, err, errlen) < 0 ||
	    ctx_identity(ctx->ssl_ctx, id, err, errlen) < 0 || ctx_digests(ctx, err, errlen) < 0)
		goto fail;
	/* 0 on success: OpenSSL's odd convention for this one */
	if (SSL_CTX_set_tlsext_use_srtp(ctx->ssl_ctx, plist) != 0) {
		ctx_err(err, errlen, "use_srtp profiles");
		goto fail;
	}
	ERR_clear_error();
	return ctx;
fail:
	mbl_dtls_ctx_free(ctx);
	errno = ctx ? EIO : ENOMEM;
	return NULL;
}

void mbl_dtls_ctx_free(struct mbl_dtls_ctx *ctx)
{
	if (ctx == NULL)
		return;
	for (int i = 0; i < MBL_DTLS_MD_N; i++)
		EVP_MD_free(ctx->md[i]);
	SSL_CTX_free(ctx->ssl_ctx);
	free(ctx);
}

void mbl_dtls_ctx_set_rto_ms(struct mbl_dtls_ctx *ctx, unsigned initial_ms)
{
	if (initial_ms < RTO_MIN_MS)
		initial_ms = RTO_MIN_MS;
	if (initial_ms > RTO_MAX_MS)
		initial_ms = RTO_MAX_MS;
	ctx->rto_us = initial_ms * 1000;
}
