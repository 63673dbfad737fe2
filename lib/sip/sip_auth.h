/* SPDX-License-Identifier: BSD-3-Clause
 * SIP digest authentication (RFC 3261 22, RFC 2617 3, RFC 7616 3, RFC 8760):
 * the client answers a WWW-Authenticate / Proxy-Authenticate challenge, the
 * server makes challenges and checks Authorization / Proxy-Authorization.
 *
 * Everything works on header field VALUES as plain strings ("Digest
 * realm=..., nonce=..."), so this part needs no osip2 type: the SIP layer
 * hands the value over and puts the answer back. Hashes come from OpenSSL 3
 * EVP, nonces and cnonces from getrandom().
 *
 * Supported: algorithms MD5, SHA-256, SHA-512-256 and their -sess forms;
 * qop "auth" and the RFC 2069 form without qop (older registrars still send
 * it). Not supported, refused with a reason: qop "auth-int" alone, other
 * schemes (Basic, ...), other algorithms, RFC 7616 userhash / username*.
 * Passwords and HA1 values never appear in error texts or logs, and
 * temporary copies of them are wiped.
 */
#ifndef MBL_SIP_AUTH_H
#define MBL_SIP_AUTH_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* X(name as on the wire, enum tail, session variant)
 * RFC 7616 3.3 / 6.1 and RFC 8760 2.1 (SIP reuses the HTTP registry). The
 * order is the server's order of preference when it offers several. */
#define MBL_SIP_AUTH_ALG_LIST(X)                                               \
	X("SHA-256", SHA256, false)                                            \
	X("SHA-512-256", SHA512_256, false)                                    \
	X("MD5", MD5, false)                                                   \
	X("SHA-256-sess", SHA256_SESS, true)                                   \
	X("SHA-512-256-sess", SHA512_256_SESS, true)                           \
	X("MD5-sess", MD5_SESS, true)

#define MBL_SIP_AUTH_ALG_ENUM_(s, e, sess) MBL_SIP_AUTH_##e,
enum mbl_sip_auth_alg { MBL_SIP_AUTH_ALG_LIST(MBL_SIP_AUTH_ALG_ENUM_) MBL_SIP_AUTH_ALG_MAX };
#undef MBL_SIP_AUTH_ALG_ENUM_

/* Wire name of an algorithm ("MD5", "SHA-256", ...), NULL when out of range. */
const char *mbl_sip_auth_alg_name(enum mbl_sip_auth_alg alg);
/* Case-insensitive lookup of a wire name. Returns 0 and sets *alg, or
 * -EINVAL. */
int mbl_sip_auth_alg_find(const char *name, enum mbl_sip_auth_alg *alg);

/* Longest realm, nonce, opaque or cnonce kept (bytes, without the NUL). */
#define MBL_SIP_AUTH_VALUE_MAX 255
/* Longest header value either side accepts (longer ones: -EINVAL). */
#define MBL_SIP_AUTH_HEADER_MAX 4096

/* ---- client (UAC) ----------------------------------------------------------
 * One parsed challenge. Keep it with the registration or dialog that got
 * it: each answer counts nc up (RFC 7616 3.4: the nonce count), so several
 * requests can reuse one nonce until the server says stale=true. Owned by
 * one control-plane thread. */
struct mbl_sip_auth_challenge {
	enum mbl_sip_auth_alg alg;   /* MD5 when the challenge names none */
	bool qop_auth;               /* answer with qop=auth, nc, cnonce;
	                              * false: RFC 2069 form (no qop offered) */
	bool stale;                  /* the previous answer had the right password
	                              * but an old nonce: retry, do not re-prompt */
	bool has_opaque;             /* echo opaque (RFC 7616 3.3: MUST) */
	uint32_t nc;                 /* answers given for this nonce */
	char realm[MBL_SIP_AUTH_VALUE_MAX + 1];
	char nonce[MBL_SIP_AUTH_VALUE_MAX + 1];
	char opaque[MBL_SIP_AUTH_VALUE_MAX + 1];
	/* Client nonce. Empty: the first answer fills it with 32 random hex
	 * digits and later answers to this nonce reuse it with a higher nc (what
	 * -sess needs, RFC 7616 3.4.2). A caller may preset it after parsing,
	 * e.g. to reproduce the RFC examples. */
	char cnonce[MBL_SIP_AUTH_VALUE_MAX + 1];
};

/* Parse the value of one WWW-Authenticate or Proxy-Authenticate header
 * (RFC 3261 25.1 challenge: one challenge per header field). Scheme and
 * parameter names are case-insensitive; values are tokens or quoted strings
 * with backslash escapes; whitespace (also line breaks) around '=' and ','
 * and empty list elements are fine; unknown parameters are ignored. Resets
 * *c (nc 0, cnonce empty). Returns 0, or -EINVAL with err filled: not the
 * Digest scheme, missing realm or nonce, a parameter twice, an algorithm or
 * qop we cannot do, a value over MBL_SIP_AUTH_VALUE_MAX, bad syntax.
 * Control plane, any thread. */
int mbl_sip_auth_parse_challenge(const char *value, struct mbl_sip_auth_challenge *c, char *err,
				 size_t errlen);

/* Build the Authorization / Proxy-Authorization header VALUE that answers c
 * for one request: method as in the request line ("REGISTER"), uri as in the
 * request line (the digest-uri, RFC 3261 22.4). Counts c->nc up by one (and
 * fills c->cnonce when empty) on success only. Returns the length written to
 * out (NUL-terminated), or -EINVAL (user, method or uri empty or holding
 * control characters, a preset cnonce with them; c inconsistent), -ENOSPC
 * (out too small, c unchanged), -ERANGE (nc would pass 0xffffffff: get a new nonce), -EIO (OpenSSL or
 * getrandom failed). The value holds no password, but whoever sees it can
 * guess passwords offline: do not log it wholesale. Thread of c. */
int mbl_sip_auth_answer(struct mbl_sip_auth_challenge *c, const char *user, const char *pass,
			const char *method, const char *uri, char *out, size_t outlen);

/* ---- server (UAS / registrar) ------------------------------------------------
 * Stateless nonces: nonce = hex(timestamp (8 bytes, seconds, big endian) ||
 * salt (8 random bytes) || the first 16 bytes of HMAC-SHA256(secret,
 * timestamp || salt || algorithm name)). verify() recomputes the HMAC, so it
 * needs no table of issued nonces; the timestamp ages it; the algorithm in
 * the HMAC stops a client answering a SHA-256 challenge with MD5. The price
 * of being stateless: a captured Authorization can be replayed until its
 * nonce goes stale (nc is not tracked) - acceptable for a test tool's UAS,
 * keep nonce_ttl_s short.
 *
 * Look up a user's clear-text password for realm. Return NULL for an
 * unknown user. Called from verify(), on verify()'s thread. */
typedef const char *(*mbl_sip_auth_password_fn)(void *arg, const char *user);

struct mbl_sip_auth_server {
	char realm[MBL_SIP_AUTH_VALUE_MAX + 1];
	uint8_t secret[32];           /* HMAC key of the nonces; random from init */
	uint32_t nonce_ttl_s;         /* nonces older than this are stale */
	mbl_sip_auth_password_fn password;
	void *password_arg;
	/* Seconds on the clock the nonces carry. NULL: CLOCK_REALTIME (several
	 * processes sharing a secret agree on it). Tests put a fake clock here. */
	uint64_t (*now_s)(void);
};

/* Fill s: realm (1..MBL_SIP_AUTH_VALUE_MAX bytes, no control characters), a
 * fresh random secret, nonce_ttl_s (> 0), the password lookup. Returns 0,
 * -EINVAL, or -EIO (getrandom failed). Read-only afterwards: verify and
 * challenge_make may then run on any thread. */
int mbl_sip_auth_server_init(struct mbl_sip_auth_server *s, const char *realm,
			     uint32_t nonce_ttl_s, mbl_sip_auth_password_fn password, void *arg);

/* Write the WWW-Authenticate / Proxy-Authenticate VALUE of a 401/407:
 * 'Digest realm="..", nonce="..", algorithm=.., qop="auth"' plus
 * ', stale=true' when stale (RFC 7616 3.3: the client then retries with the
 * new nonce without asking the user again). A server offering several
 * algorithms calls this once per algorithm, preferred first (RFC 8760 2.4).
 * Returns the length, or -EINVAL (alg out of range), -ENOSPC, -EIO. */
int mbl_sip_auth_challenge_make(const struct mbl_sip_auth_server *s, enum mbl_sip_auth_alg alg,
				bool stale, char *out, size_t len);

/* Check the Authorization / Proxy-Authorization VALUE of a request against
 * method (from its request line). The digest-uri is taken from the header
 * as is (comparing it with the Request-URI is the caller's business). When
 * user is not NULL the claimed username is copied there (truncated to
 * userlen) as soon as it is known, for logs and for picking a binding.
 * Returns
 *   0        right password, fresh nonce;
 *   -ESTALE  right password, nonce older than nonce_ttl_s: answer 401/407 with
 *            a new challenge made with stale=true;
 *   -EACCES  unknown user, wrong response, other realm, or a nonce this
 *            server did not issue (tampered, foreign, other algorithm);
 *   -EINVAL  malformed: not Digest, missing username/realm/nonce/uri/response,
 *            qop missing or not "auth", cnonce or nc missing, nc not 8 hex
 *            digits, unknown algorithm, bad syntax.
 * err says which, never quoting a password, an HA1 or the response. Any
 * thread (s is read-only). */
int mbl_sip_auth_verify(const struct mbl_sip_auth_server *s, const char *authz_value,
			const char *method, char *user, size_t userlen, char *err, size_t errlen);

#endif /* MBL_SIP_AUTH_H */
