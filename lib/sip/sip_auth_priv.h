/* SPDX-License-Identifier: BSD-3-Clause
 * Internals shared by the digest client (sip_auth.c), server
 * (sip_auth_server.c) and the header parser (sip_auth_parse.c). Not part of
 * the module's interface.
 */
#ifndef MBL_SIP_AUTH_PRIV_H
#define MBL_SIP_AUTH_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip_auth.h"

/* ---- one parsed "Digest a=b, c="d"" header value --------------------------- */
#define MBL_SIP_AUTH_PARAMS_MAX 24

struct mbl_sip_auth_param {
	const char *name;   /* as written; compare case-insensitively */
	const char *value;  /* unquoted and unescaped */
};

struct mbl_sip_auth_params {
	char buf[MBL_SIP_AUTH_HEADER_MAX + 1]; /* the value, cut up in place */
	struct mbl_sip_auth_param p[MBL_SIP_AUTH_PARAMS_MAX];
	unsigned int n;
};

/* Split a challenge or credentials value (RFC 3261 25.1: auth-scheme LWS
 * auth-param *(COMMA auth-param)). The scheme must be Digest (RFC 7235 2.1:
 * case-insensitive). Returns 0 or -EINVAL with err filled; a parameter
 * named twice is an error. */
int mbl_sip_auth_params_parse(const char *value, struct mbl_sip_auth_params *ap, char *err,
			      size_t errlen);
/* The value of parameter name, NULL when absent. */
const char *mbl_sip_auth_param(const struct mbl_sip_auth_params *ap, const char *name);

/* snprintf into err (when it has room) and return rc. */
int mbl_sip_auth_fail(char *err, size_t errlen, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* True when s is non-empty and has no control character (so it can go into
 * a quoted string of a header without breaking the message). */
bool mbl_sip_auth_printable(const char *s);
/* True when s is a non-empty RFC 3261 25.1 token. */
bool mbl_sip_auth_is_token(const char *s);

/* ---- hashing ------------------------------------------------------------------ */
#define MBL_SIP_AUTH_HEX_MAX 64 /* SHA-256 / SHA-512-256 in hex */

/* What goes into a response (RFC 7616 3.4.1-3.4.3). qop NULL: the RFC 2069
 * form H(HA1:nonce:HA2), nc and cnonce unused (except cnonce by -sess). */
struct mbl_sip_auth_input {
	enum mbl_sip_auth_alg alg;
	const char *user, *realm, *pass;
	const char *nonce, *cnonce, *nc, *qop;
	const char *method, *uri;
};

/* The request-digest in lower-case hex into hex (MBL_SIP_AUTH_HEX_MAX + 1
 * bytes). Returns its length, or -EINVAL (alg) / -EIO (OpenSSL). Wipes the
 * HA1 it made. */
int mbl_sip_auth_response(const struct mbl_sip_auth_input *in, char *hex);

/* Whether alg is a -sess variant (false when out of range). */
bool mbl_sip_auth_alg_sess(enum mbl_sip_auth_alg alg);

/* getrandom() until n bytes came. 0 or -EIO. */
int mbl_sip_auth_random(uint8_t *p, size_t n);
void mbl_sip_auth_hex(const uint8_t *in, size_t n, char *out); /* 2n digits + NUL */

/* ---- bounded string building ----------------------------------------------------
 * Appends until out is full; then over is set and nothing more is written. */
struct mbl_sip_auth_sb {
	char *out;
	size_t len, off;
	bool over;
};
void mbl_sip_auth_sb_printf(struct mbl_sip_auth_sb *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* ', name="value"' with '"' and '\' escaped (RFC 3261 25.1 quoted-pair);
 * without the ", " when nothing or "Digest " came before. */
void mbl_sip_auth_sb_quoted(struct mbl_sip_auth_sb *b, const char *name, const char *value);
/* Length written, or -ENOSPC (out wiped to ""). */
int mbl_sip_auth_sb_end(struct mbl_sip_auth_sb *b);

#endif /* MBL_SIP_AUTH_PRIV_H */
