/* SPDX-License-Identifier: BSD-3-Clause
 * mediablast DTLS-SRTP endpoints (RFC 5763, RFC 5764) on OpenSSL, with no
 * socket: datagrams go in and come out as byte buffers, so the caller can
 * carry them in mbufs on a data-plane port (memory BIOs).
 *
 * One identity (a self-signed certificate, RFC 5763 5) and one context (the
 * use_srtp profiles we offer) serve every call; one connection per media
 * stream. A connection checks the peer's certificate against the
 * fingerprint its SDP announced (RFC 8122 5: sha-1, sha-224, sha-256,
 * sha-384, sha-512), and on success exports the SRTP master keys and salts
 * (RFC 5764 4.2, label "EXTRACTOR-dtls_srtp").
 *
 * OpenSSL types never leave this module. Threads: a connection belongs to
 * one thread at a time; identity and context are read-only once made.
 * Secrets (exported keys) never reach logs or error strings.
 */
#ifndef MBL_DTLS_H
#define MBL_DTLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mbl_srtp.h"

/* "sha-512" fingerprint: 64 bytes as "AB:" -> 191 characters and a NUL. */
#define MBL_DTLS_FP_LEN 192
/* Largest datagram mbl_dtls_conn_output makes (the MTU given to OpenSSL). */
#define MBL_DTLS_MTU 1200

/* ---- identity ---------------------------------------------------------------
 * A fresh ECDSA P-256 key and a self-signed X.509 certificate for it (random
 * serial, CN "mediablast", valid from an hour ago for 30 days), and its
 * sha-256 fingerprint in the SDP form "AB:CD:..." (upper case). */
struct mbl_dtls_ident;

struct mbl_dtls_ident *mbl_dtls_ident_create(char *err, size_t errlen);
void mbl_dtls_ident_free(struct mbl_dtls_ident *id); /* NULL is fine */
const char *mbl_dtls_ident_fingerprint(const struct mbl_dtls_ident *id);
/* The certificate's fingerprint with any RFC 8122 5 hash: alg "sha-1",
 * "sha-224", "sha-256", "sha-384" or "sha-512" (case-insensitive), in the
 * same upper-case "AB:CD:.." form. Returns its length, -EINVAL (unknown
 * alg), -ENOSPC (len too small; MBL_DTLS_FP_LEN always fits) or -EIO
 * (OpenSSL failed). */
int mbl_dtls_ident_fingerprint_alg(const struct mbl_dtls_ident *id, const char *alg, char *out,
				   size_t len);

/* ---- context -----------------------------------------------------------------
 * DTLS 1.2 (1.0 refused), the identity, and the use_srtp profiles of
 * suites[0..n) in that order of preference (RFC 5764 4.1.2). Suites with
 * a DTLS-SRTP profile: AES_CM_128_HMAC_SHA1_80 / _32, AEAD_AES_128_GCM,
 * AEAD_AES_256_GCM (RFC 7714 14.2). Any other suite: NULL with err naming
 * it, as does n == 0. The identity must outlive the context. */
struct mbl_dtls_ctx;

struct mbl_dtls_ctx *mbl_dtls_ctx_create(const struct mbl_dtls_ident *id,
					 const enum mbl_srtp_suite *suites, unsigned n, char *err,
					 size_t errlen);
void mbl_dtls_ctx_free(struct mbl_dtls_ctx *ctx); /* NULL is fine */
/* The initial retransmission timeout of connections created after this
 * call (default 1000 ms, RFC 6347 4.2.4.1; it doubles at each
 * retransmission, up to 60 s). Clamped to 20 .. 60000 ms: OpenSSL counts
 * a timer within 15 ms of its end as run out. Control plane, before the
 * context is shared. */
void mbl_dtls_ctx_set_rto_ms(struct mbl_dtls_ctx *ctx, unsigned initial_ms);
/* The DTLS-SRTP profile of suite as RFC 5764 4.1.2 / RFC 7714 14.2 name
 * it ("SRTP_AES128_CM_SHA1_80"), NULL when it has none. Any thread. */
const char *mbl_dtls_profile_name(enum mbl_srtp_suite s);
/* Whether suite has a DTLS-SRTP profile (see above). */
bool mbl_dtls_suite_ok(enum mbl_srtp_suite suite);

/* ---- connections --------------------------------------------------------------
 * a=setup:active is the DTLS client, passive the server (RFC 5763 5). */
enum mbl_dtls_role {
	MBL_DTLS_CLIENT = 0,
	MBL_DTLS_SERVER,
};

enum mbl_dtls_state {
	MBL_DTLS_HANDSHAKING = 0,
	MBL_DTLS_DONE,      /* keys exported; keep feeding input (the peer may
			     * retransmit its last flight and must be answered) */
	MBL_DTLS_FAILED,    /* see mbl_dtls_conn_failure */
};

/* Why a connection failed: X(enum tail, reason as reports print it). */
#define MBL_DTLS_FAIL_LIST(X)                                                  \
	X(NONE, "none")                                                        \
	X(TIMEOUT, "dtls_timeout")             /* no answer within the limit */ \
	X(FINGERPRINT, "dtls_fingerprint")     /* peer cert != SDP fingerprint */ \
	X(NO_CERT, "dtls_no_certificate")      /* peer sent no certificate */  \
	X(NO_PROFILE, "dtls_no_srtp_profile")  /* no use_srtp profile agreed */ \
	X(ALERT, "dtls_alert")                 /* the peer sent a fatal alert */ \
	X(PROTOCOL, "dtls_protocol")           /* anything else OpenSSL refused */

#define MBL_DTLS_FAIL_ENUM_(e, s) MBL_DTLS_FAIL_##e,
enum mbl_dtls_fail { MBL_DTLS_FAIL_LIST(MBL_DTLS_FAIL_ENUM_) MBL_DTLS_FAIL_MAX };
#undef MBL_DTLS_FAIL_ENUM_

const char *mbl_dtls_fail_name(enum mbl_dtls_fail f);

struct mbl_dtls_conn;

/* A connection for one stream. fp_alg ("sha-256", case-insensitive) and fp
 * ("AB:CD:..", case-insensitive) are the peer's SDP fingerprint; an unknown
 * algorithm or a malformed value: NULL with err. timeout_ns bounds the
 * whole handshake from mbl_dtls_conn_start (0: 10 s). */
struct mbl_dtls_conn *mbl_dtls_conn_create(struct mbl_dtls_ctx *ctx, enum mbl_dtls_role role,
					   const char *fp_alg, const char *fp, uint64_t timeout_ns,
					   char *err, size_t errlen);
void mbl_dtls_conn_free(struct mbl_dtls_conn *c); /* NULL is fine */
/* (every connection is freed before its context) */

/* Start at now_ns (monotonic, the caller's clock): a client makes its
 * first flight (ClientHello, read it with mbl_dtls_conn_output); a server
 * waits for one. Returns the state. */
enum mbl_dtls_state mbl_dtls_conn_start(struct mbl_dtls_conn *c, uint64_t now_ns);

/* One received datagram (it may hold several records). Garbage does not
 * fail a connection by itself (DTLS drops what does not authenticate);
 * what OpenSSL refuses as fatal does. Returns the state. */
enum mbl_dtls_state mbl_dtls_conn_input(struct mbl_dtls_conn *c, const uint8_t *d, size_t len,
					uint64_t now_ns);
/* Input details: before start and once FAILED a datagram is only counted
 * (rx_ignored), as is one that is not whole DTLS 1.2 records (RFC 7983
 * first byte 20..63, record types 20..23, lengths that fit). After DONE,
 * still call mbl_dtls_conn_output after input: a peer's retransmitted
 * last flight gets our last flight again (counted in retransmits). */

/* Take the next datagram to send into buf: its length, 0 when nothing is
 * waiting, -ENOSPC when cap < the datagram (it stays queued). */
int mbl_dtls_conn_output(struct mbl_dtls_conn *c, uint8_t *buf, size_t cap);

/* Retransmission and the handshake limit: when (now_ns clock) the next
 * call to mbl_dtls_conn_tick is due; UINT64_MAX when nothing is pending
 * (DONE, FAILED). tick retransmits the last flight when its timer ran out
 * (RFC 6347 4.2.4) and fails the connection with TIMEOUT past the limit.
 * Returns the state. */
uint64_t mbl_dtls_conn_deadline(const struct mbl_dtls_conn *c);
enum mbl_dtls_state mbl_dtls_conn_tick(struct mbl_dtls_conn *c, uint64_t now_ns);

enum mbl_dtls_state mbl_dtls_conn_state(const struct mbl_dtls_conn *c);
enum mbl_dtls_fail mbl_dtls_conn_failure(const struct mbl_dtls_conn *c);
/* FAILED: OpenSSL's reason text when it gave one ("no shared cipher",
 * "sslv3 alert bad certificate", ...), else "". A static string, never
 * secret; for reports and logs next to the mbl_dtls_fail_name. */
const char *mbl_dtls_conn_detail(const struct mbl_dtls_conn *c);

/* DONE: the agreed suite and the keys (RFC 5764 4.2: client_write key and
 * salt, server_write key and salt). tx is what this end protects with,
 * rx what it unprotects with (a client sends with the client keys).
 * lifetime 0, no MKI. Returns 0 or -EAGAIN (not DONE). The keys are
 * secret. */
int mbl_dtls_conn_keys(const struct mbl_dtls_conn *c, struct mbl_srtp_key *tx,
		       struct mbl_srtp_key *rx);

/* Figures of one connection. */
struct mbl_dtls_conn_stats {
	uint64_t handshake_ns;     /* start to DONE (0 until then) */
	uint32_t retransmits;      /* flights we sent again */
	uint32_t rx_datagrams, tx_datagrams;
	uint32_t rx_ignored;       /* datagrams dropped as not DTLS / stale */
};
void mbl_dtls_conn_stats(const struct mbl_dtls_conn *c, struct mbl_dtls_conn_stats *st);

#endif /* MBL_DTLS_H */
