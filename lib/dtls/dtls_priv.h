/* SPDX-License-Identifier: BSD-3-Clause
 * Internal: the objects behind mbl_dtls.h and what the files of the module
 * share. dtls_ident.c: the certificate and fingerprints; dtls_ctx.c: the
 * SSL_CTX and the use_srtp profiles; dtls_bio.c: the datagram BIO and its
 * queue; dtls_conn.c: one handshake.
 *
 * The only header of mediablast that names OpenSSL types (with the sources
 * of this folder).
 */
#ifndef MBL_DTLS_PRIV_H
#define MBL_DTLS_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "mbl_dtls.h"

/* ---- hashes of a=fingerprint (RFC 8122 5) --------------------------------------
 * X(SDP name, OpenSSL fetch name, digest bytes). md2 and md5 are refused:
 * RFC 8122 5 forbids them for new fingerprints. */
#define MBL_DTLS_MD_LIST(X)                  \
	X("sha-1", "SHA1", 20)               \
	X("sha-224", "SHA2-224", 28)         \
	X("sha-256", "SHA2-256", 32)         \
	X("sha-384", "SHA2-384", 48)         \
	X("sha-512", "SHA2-512", 64)

enum { MBL_DTLS_MD_SHA256 = 2, MBL_DTLS_MD_N = 5, MBL_DTLS_MD_MAX = 64 };

/* Index of an SDP hash name (case-insensitive) in MBL_DTLS_MD_LIST, or -1. */
int mbl_dtls_md_find(const char *alg);
unsigned mbl_dtls_md_len(int md);
const char *mbl_dtls_md_ossl_name(int md);
/* "AB:CD:.." from n digest bytes. Returns the length or -ENOSPC. */
int mbl_dtls_fp_format(const uint8_t *md, unsigned n, char *out, size_t len);
/* The bytes of "ab:CD:..." (case-insensitive, exactly two hex digits per
 * byte, ':' between bytes). Returns their count, or -EINVAL. */
int mbl_dtls_fp_parse(const char *fp, uint8_t *out, size_t cap);

/* Read-only once made; shared by every thread. */
struct mbl_dtls_ident {
	EVP_PKEY *key;
	X509 *cert;
	char fp[MBL_DTLS_FP_LEN]; /* sha-256, upper case */
};

/* Read-only once shared (set_rto_ms runs before). */
struct mbl_dtls_ctx {
	SSL_CTX *ssl_ctx;
	/* fetched once: a digest per handshake without a provider lookup */
	EVP_MD *md[MBL_DTLS_MD_N];
	unsigned rto_us;             /* initial retransmission timeout */
};

/* Maps a selected use_srtp profile id (RFC 5764 4.1.2, RFC 7714 14.2) to
 * its suite; false for any other id. */
bool mbl_dtls_profile_suite(unsigned long id, enum mbl_srtp_suite *s);

/* ---- datagram queue ------------------------------------------------------------
 * What OpenSSL wrote, one datagram per entry ([2-byte length][bytes] in
 * one buffer), waiting for mbl_dtls_conn_output. Bounded: past
 * MBL_DTLS_DGQ_MAX bytes a datagram is dropped, as a full link would drop
 * it (DTLS retransmits), so a caller that never drains cannot grow it. */
#define MBL_DTLS_DGQ_MAX 65536u

struct mbl_dtls_dgq {
	uint8_t *buf;
	uint32_t cap, head, tail;   /* entries live in buf[head, tail) */
	uint32_t pushed;            /* datagrams ever queued */
};

/* 0, or -ENOBUFS (queue full, dropped) / -ENOMEM (dropped). */
int mbl_dtls_dgq_push(struct mbl_dtls_dgq *q, const void *d, size_t n);
/* The next datagram's length (removed), 0 if none, -ENOSPC if cap < it (kept). */
int mbl_dtls_dgq_pop(struct mbl_dtls_dgq *q, uint8_t *out, size_t cap);
bool mbl_dtls_dgq_empty(const struct mbl_dtls_dgq *q);
/* Give the buffer back (the queue stays usable). */
void mbl_dtls_dgq_release(struct mbl_dtls_dgq *q);

/* ---- connection (owned by one thread at a time) ------------------------------- */
struct mbl_dtls_conn {
	SSL *ssl;
	const struct mbl_dtls_ctx *ctx;
	const uint8_t *in;           /* the datagram being fed, during input only */
	size_t in_len;
	struct mbl_dtls_dgq out;
	uint64_t timeout_ns;
	uint64_t start_ns;
	uint64_t limit_ns;           /* start + timeout: the handshake's end */
	uint64_t rtx_ns;             /* OpenSSL's timer in the caller's clock */
	unsigned long ossl_err;      /* the OpenSSL error that failed it */
	unsigned rto_us;
	enum mbl_dtls_role role;
	enum mbl_dtls_state state;
	enum mbl_dtls_fail fail;
	bool started;
	bool fp_mismatch;            /* the verify callback refused the peer */
	int md;                      /* MBL_DTLS_MD_LIST index of the fingerprint */
	uint8_t fp_len;
	uint8_t fp[MBL_DTLS_MD_MAX]; /* the peer's SDP fingerprint */
	struct mbl_dtls_conn_stats st;
	struct mbl_srtp_key tx, rx;  /* secret: wiped at free */
};

/* A BIO of ours for c: reads hand OpenSSL c->in once, writes queue on
 * c->out. NULL on allocation failure. */
BIO *mbl_dtls_bio_new(struct mbl_dtls_conn *c);

/* SSL_CTX_set_cert_verify_callback: the peer's certificate against the
 * connection's SDP fingerprint (dtls_conn.c). */
int mbl_dtls_verify_peer(X509_STORE_CTX *xs, void *arg);

#endif /* MBL_DTLS_PRIV_H */
