/* SPDX-License-Identifier: BSD-3-Clause
 * Digest algorithms and the client side: parse a challenge, answer it.
 * The request-digest is RFC 7616 3.4.1 (RFC 2617 3.2.2.1 for MD5):
 *   HA1 = H(user ":" realm ":" password)
 *   -sess: HA1 = H(HA1 ":" nonce ":" cnonce)                (3.4.2)
 *   HA2 = H(method ":" digest-uri)                           (3.4.3, qop=auth)
 *   response = H(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" HA2)
 *   without qop (RFC 2069, RFC 2617 3.2.2.1): H(HA1 ":" nonce ":" HA2)
 * with every H() in lower-case hex. SIP uses it unchanged (RFC 3261 22.4,
 * RFC 8760 2).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "sip_auth_priv.h"

struct alg_info {
	const char *name;
	bool sess;
};

#define ALG_INFO_(s, e, sess) [MBL_SIP_AUTH_##e] = {s, sess},
static const struct alg_info alg_table[MBL_SIP_AUTH_ALG_MAX] = {
	MBL_SIP_AUTH_ALG_LIST(ALG_INFO_)};
#undef ALG_INFO_

const char *mbl_sip_auth_alg_name(enum mbl_sip_auth_alg alg)
{
	return (unsigned int)alg < MBL_SIP_AUTH_ALG_MAX ? alg_table[alg].name : NULL;
}

bool mbl_sip_auth_alg_sess(enum mbl_sip_auth_alg alg)
{
	return (unsigned int)alg < MBL_SIP_AUTH_ALG_MAX && alg_table[alg].sess;
}

int mbl_sip_auth_alg_find(const char *name, enum mbl_sip_auth_alg *alg)
{
	unsigned int i;

	for (i = 0; name != NULL && i < MBL_SIP_AUTH_ALG_MAX; i++) {
		if (strcasecmp(alg_table[i].name, name) == 0) {
			*alg = (enum mbl_sip_auth_alg)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* The hash behind an algorithm, -sess or not. */
static const EVP_MD *alg_md(enum mbl_sip_auth_alg alg)
{
	switch (alg) {
	case MBL_SIP_AUTH_MD5:
	case MBL_SIP_AUTH_MD5_SESS:
		return EVP_md5();
	case MBL_SIP_AUTH_SHA256:
	case MBL_SIP_AUTH_SHA256_SESS:
		return EVP_sha256();
	case MBL_SIP_AUTH_SHA512_256:
	case MBL_SIP_AUTH_SHA512_256_SESS:
		return EVP_sha512_256();
	default:
		return NULL;
	}
}

int mbl_sip_auth_random(uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t got = getrandom(p, n, 0);

		if (got < 0) {
			if (errno == EINTR)
				continue;
			return -EIO;
		}
		p += got;
		n -= (size_t)got;
	}
	return 0;
}

void mbl_sip_auth_hex(const uint8_t *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

/* hex = H(parts[0] ":" parts[1] ":" ...). Returns the hex length or -EIO. */
static int hash_join(const EVP_MD *md, const char *const *parts, size_t n, char *hex)
{
	uint8_t d[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = ctx != NULL && EVP_DigestInit_ex(ctx, md, NULL);
	size_t i;

	for (i = 0; ok && i < n; i++)
		ok = (i == 0 || EVP_DigestUpdate(ctx, ":", 1)) &&
		     EVP_DigestUpdate(ctx, parts[i], strlen(parts[i]));
	ok = ok && EVP_DigestFinal_ex(ctx, d, &dlen) && dlen * 2 <= MBL_SIP_AUTH_HEX_MAX;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return -EIO;
	mbl_sip_auth_hex(d, dlen, hex);
	OPENSSL_cleanse(d, sizeof(d));
	return (int)(2 * dlen);
}

int mbl_sip_auth_response(const struct mbl_sip_auth_input *in, char *hex)
{
	const EVP_MD *md = alg_md(in->alg);
	char ha1[MBL_SIP_AUTH_HEX_MAX + 1], ha2[MBL_SIP_AUTH_HEX_MAX + 1];
	int rc;

	if (md == NULL)
		return -EINVAL;
	rc = hash_join(md, (const char *const[]){in->user, in->realm, in->pass}, 3, ha1);
	if (rc > 0 && mbl_sip_auth_alg_sess(in->alg))
		rc = hash_join(md, (const char *const[]){ha1, in->nonce, in->cnonce}, 3, ha1);
	if (rc > 0)
		rc = hash_join(md, (const char *const[]){in->method, in->uri}, 2, ha2);
	if (rc > 0 && in->qop != NULL)
		rc = hash_join(md,
			       (const char *const[]){ha1, in->nonce, in->nc, in->cnonce, in->qop,
						     ha2},
			       6, hex);
	else if (rc > 0)
		rc = hash_join(md, (const char *const[]){ha1, in->nonce, ha2}, 3, hex);
	OPENSSL_cleanse(ha1, sizeof(ha1));
	return rc;
}

/* ---- client ------------------------------------------------------------------ */

/* Copy parameter name into dst (MBL_SIP_AUTH_VALUE_MAX + 1 bytes). 1 when
 * copied, 0 when absent, -EINVAL when too long. */
static int copy_param(const struct mbl_sip_auth_params *ap, const char *name, char *dst,
		      char *err, size_t errlen)
{
	const char *v = mbl_sip_auth_param(ap, name);
	size_t n = v != NULL ? strlen(v) : 0;

	if (v == NULL)
		return 0;
	if (n > MBL_SIP_AUTH_VALUE_MAX)
		return mbl_sip_auth_fail(err, errlen, -EINVAL, "%s longer than %d bytes", name,
					 MBL_SIP_AUTH_VALUE_MAX);
	memcpy(dst, v, n + 1);
	return 1;
}

/* qop-options (RFC 7616 3.3): a quoted, comma-separated list of tokens.
 * "auth" anywhere in it is what we answer with. */
static int parse_qop_options(const char *qop, bool *auth, char *err, size_t errlen)
{
	bool auth_int = false;
	const char *p = qop;

	*auth = false;
	while (*p != '\0') {
		size_t n;

		p += strspn(p, " \t\r\n,");
		n = strcspn(p, " \t\r\n,");
		if (n == 4 && strncasecmp(p, "auth", 4) == 0)
			*auth = true;
		else if (n == 8 && strncasecmp(p, "auth-int", 8) == 0)
			auth_int = true;
		p += n;
	}
	if (*auth)
		return 0;
	if (auth_int)
		return mbl_sip_auth_fail(err, errlen, -EINVAL,
					 "qop auth-int (body integrity) is not supported");
	return mbl_sip_auth_fail(err, errlen, -EINVAL, "no supported qop in \"%.32s\"", qop);
}

static int challenge_fields(const struct mbl_sip_auth_params *ap,
			    struct mbl_sip_auth_challenge *c, char *err, size_t errlen)
{
	const char *alg = mbl_sip_auth_param(ap, "algorithm");
	const char *qop = mbl_sip_auth_param(ap, "qop");
	const char *stale = mbl_sip_auth_param(ap, "stale");
	int rc;

	rc = copy_param(ap, "realm", c->realm, err, errlen);
	if (rc == 0)
		return mbl_sip_auth_fail(err, errlen, -EINVAL, "challenge has no realm");
	if (rc > 0)
		rc = copy_param(ap, "nonce", c->nonce, err, errlen);
	if (rc == 0 || (rc > 0 && c->nonce[0] == '\0'))
		return mbl_sip_auth_fail(err, errlen, -EINVAL, "challenge has no nonce");
	if (rc > 0)
		rc = copy_param(ap, "opaque", c->opaque, err, errlen);
	if (rc < 0)
		return rc;
	c->has_opaque = rc > 0;
	if (alg != NULL && mbl_sip_auth_alg_find(alg, &c->alg) < 0)
		return mbl_sip_auth_fail(err, errlen, -EINVAL, "unsupported algorithm '%.32s'", alg);
	if (qop != NULL && (rc = parse_qop_options(qop, &c->qop_auth, err, errlen)) < 0)
		return rc;
	/* the cnonce of -sess only exists with qop (RFC 7616 3.4.2 needs it) */
	if (mbl_sip_auth_alg_sess(c->alg) && !c->qop_auth)
		return mbl_sip_auth_fail(err, errlen, -EINVAL, "%s without qop=auth",
					 mbl_sip_auth_alg_name(c->alg));
	/* RFC 7616 3.3: "true" case-insensitively; anything else is false */
	c->stale = stale != NULL && strcasecmp(stale, "true") == 0;
	return 0;
}

int mbl_sip_auth_parse_challenge(const char *value, struct mbl_sip_auth_challenge *c, char *err,
				 size_t errlen)
{
	struct mbl_sip_auth_params ap;
	int rc;

	memset(c, 0, sizeof(*c));
	c->alg = MBL_SIP_AUTH_MD5; /* RFC 7616 3.3: absent means MD5 */
	rc = mbl_sip_auth_params_parse(value, &ap, err, errlen);
	if (rc == 0)
		rc = challenge_fields(&ap, c, err, errlen);
	if (rc < 0) {
		memset(c, 0, sizeof(*c));
		c->alg = MBL_SIP_AUTH_MD5;
	}
	return rc;
}

/* The header value: RFC 3261 22.4 / RFC 7616 3.4 dig-resp parameters. */
static int format_answer(const struct mbl_sip_auth_challenge *c, const struct mbl_sip_auth_input *in,
			 const char *response, char *out, size_t outlen)
{
	struct mbl_sip_auth_sb b = {.out = out, .len = outlen};

	mbl_sip_auth_sb_printf(&b, "Digest ");
	mbl_sip_auth_sb_quoted(&b, "username", in->user);
	mbl_sip_auth_sb_quoted(&b, "realm", in->realm);
	mbl_sip_auth_sb_quoted(&b, "nonce", in->nonce);
	mbl_sip_auth_sb_quoted(&b, "uri", in->uri);
	mbl_sip_auth_sb_quoted(&b, "response", response);
	mbl_sip_auth_sb_printf(&b, ", algorithm=%s", mbl_sip_auth_alg_name(in->alg));
	if (in->qop != NULL)
		mbl_sip_auth_sb_quoted(&b, "cnonce", in->cnonce);
	if (c->has_opaque)
		mbl_sip_auth_sb_quoted(&b, "opaque", c->opaque);
	if (in->qop != NULL)
		mbl_sip_auth_sb_printf(&b, ", qop=%s, nc=%s", in->qop, in->nc);
	return mbl_sip_auth_sb_end(&b);
}

int mbl_sip_auth_answer(struct mbl_sip_auth_challenge *c, const char *user, const char *pass,
			const char *method, const char *uri, char *out, size_t outlen)
{
	char cnonce[MBL_SIP_AUTH_VALUE_MAX + 1], nc[9], response[MBL_SIP_AUTH_HEX_MAX + 1];
	struct mbl_sip_auth_input in = {.alg = c->alg, .user = user, .realm = c->realm,
					.pass = pass, .nonce = c->nonce, .cnonce = cnonce,
					.nc = nc, .qop = c->qop_auth ? "auth" : NULL,
					.method = method, .uri = uri};
	uint8_t rnd[16];
	int rc, n;

	if (!mbl_sip_auth_printable(user) || pass == NULL || !mbl_sip_auth_is_token(method) ||
	    !mbl_sip_auth_printable(uri) || c->nonce[0] == '\0' ||
	    (c->cnonce[0] != '\0' && !mbl_sip_auth_printable(c->cnonce)) ||
	    mbl_sip_auth_alg_name(c->alg) == NULL)
		return -EINVAL;
	if (c->nc == UINT32_MAX)
		return -ERANGE;
	snprintf(nc, sizeof(nc), "%08x", c->nc + 1);
	/* 128 random bits: a cnonce only has to be unpredictable to the server */
	if (c->cnonce[0] != '\0')
		snprintf(cnonce, sizeof(cnonce), "%s", c->cnonce);
	else if (mbl_sip_auth_random(rnd, sizeof(rnd)) == 0)
		mbl_sip_auth_hex(rnd, sizeof(rnd), cnonce);
	else
		return -EIO;
	rc = mbl_sip_auth_response(&in, response);
	if (rc < 0)
		return rc;
	n = format_answer(c, &in, response, out, outlen);
	if (n < 0)
		return n;
	c->nc++;
	memcpy(c->cnonce, cnonce, sizeof(cnonce));
	return n;
}
