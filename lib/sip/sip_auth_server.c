/* SPDX-License-Identifier: BSD-3-Clause
 * The server side of SIP digest authentication (RFC 3261 22.2-22.3, RFC
 * 7616 3.3 and 3.5): challenges with stateless HMAC nonces, and the check
 * of the credentials that answer them. Nonce layout: sip_auth.h.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "mbl_common.h"
#include "sip_auth_priv.h"

#define NONCE_TS 8
#define NONCE_SALT 8
#define NONCE_MAC 16 /* HMAC-SHA256 cut to 128 bits: a forger must guess it */
#define NONCE_BYTES (NONCE_TS + NONCE_SALT + NONCE_MAC)

int mbl_sip_auth_server_init(struct mbl_sip_auth_server *s, const char *realm,
			     uint32_t nonce_ttl_s, mbl_sip_auth_password_fn password, void *arg)
{
	size_t n = realm != NULL ? strlen(realm) : 0;

	memset(s, 0, sizeof(*s));
	if (!mbl_sip_auth_printable(realm) || n > MBL_SIP_AUTH_VALUE_MAX || nonce_ttl_s == 0 ||
	    password == NULL)
		return -EINVAL;
	memcpy(s->realm, realm, n + 1);
	s->nonce_ttl_s = nonce_ttl_s;
	s->password = password;
	s->password_arg = arg;
	return mbl_sip_auth_random(s->secret, sizeof(s->secret));
}

static uint64_t now_s(const struct mbl_sip_auth_server *s)
{
	struct timespec ts;

	if (s->now_s != NULL)
		return s->now_s();
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec;
}

/* mac = HMAC-SHA256(secret, ts || salt || algorithm name)[0..16). */
static int nonce_mac(const struct mbl_sip_auth_server *s, const uint8_t *ts_salt,
		     enum mbl_sip_auth_alg alg, uint8_t mac[NONCE_MAC])
{
	const char *name = mbl_sip_auth_alg_name(alg);
	uint8_t msg[NONCE_TS + NONCE_SALT + 32], full[EVP_MAX_MD_SIZE];
	size_t n = strlen(name);
	unsigned int flen = 0;

	memcpy(msg, ts_salt, NONCE_TS + NONCE_SALT);
	memcpy(msg + NONCE_TS + NONCE_SALT, name, n);
	if (HMAC(EVP_sha256(), s->secret, (int)sizeof(s->secret), msg, NONCE_TS + NONCE_SALT + n,
		 full, &flen) == NULL)
		return -EIO;
	memcpy(mac, full, NONCE_MAC);
	return 0;
}

static int nonce_make(const struct mbl_sip_auth_server *s, enum mbl_sip_auth_alg alg,
		      char hex[2 * NONCE_BYTES + 1])
{
	uint8_t b[NONCE_BYTES];
	uint64_t t = now_s(s);
	int i, rc;

	for (i = 0; i < NONCE_TS; i++)
		b[i] = (uint8_t)(t >> (8 * (NONCE_TS - 1 - i)));
	rc = mbl_sip_auth_random(b + NONCE_TS, NONCE_SALT);
	if (rc == 0)
		rc = nonce_mac(s, b, alg, b + NONCE_TS + NONCE_SALT);
	if (rc == 0)
		mbl_sip_auth_hex(b, NONCE_BYTES, hex);
	return rc;
}

static int hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* 0 and the nonce's timestamp when this server made it for alg; -1 when
 * not (wrong length, not hex, MAC differs). */
static int nonce_check(const struct mbl_sip_auth_server *s, const char *nonce,
		       enum mbl_sip_auth_alg alg, uint64_t *ts)
{
	uint8_t b[NONCE_BYTES], mac[NONCE_MAC];
	size_t i;

	if (strlen(nonce) != 2 * NONCE_BYTES)
		return -1;
	for (i = 0; i < NONCE_BYTES; i++) {
		int hi = hex_nibble(nonce[2 * i]), lo = hex_nibble(nonce[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		b[i] = (uint8_t)(hi << 4 | lo);
	}
	if (nonce_mac(s, b, alg, mac) < 0 ||
	    CRYPTO_memcmp(mac, b + NONCE_TS + NONCE_SALT, NONCE_MAC) != 0)
		return -1;
	*ts = 0;
	for (i = 0; i < NONCE_TS; i++)
		*ts = *ts << 8 | b[i];
	return 0;
}

int mbl_sip_auth_challenge_make(const struct mbl_sip_auth_server *s, enum mbl_sip_auth_alg alg,
				bool stale, char *out, size_t len)
{
	struct mbl_sip_auth_sb b = {.out = out, .len = len};
	char nonce[2 * NONCE_BYTES + 1];
	int rc;

	if (mbl_sip_auth_alg_name(alg) == NULL)
		return -EINVAL;
	rc = nonce_make(s, alg, nonce);
	if (rc < 0)
		return rc;
	mbl_sip_auth_sb_printf(&b, "Digest ");
	mbl_sip_auth_sb_quoted(&b, "realm", s->realm);
	mbl_sip_auth_sb_quoted(&b, "nonce", nonce);
	mbl_sip_auth_sb_printf(&b, ", algorithm=%s, qop=\"auth\"%s", mbl_sip_auth_alg_name(alg),
			       stale ? ", stale=true" : "");
	return mbl_sip_auth_sb_end(&b);
}

/* ---- verify ------------------------------------------------------------------ */

/* The credentials' parameters, all present and well-formed. */
struct creds {
	struct mbl_sip_auth_input in;
	const char *response;
};

static bool is_nc(const char *nc)
{
	size_t i;

	for (i = 0; i < 8; i++)
		if (hex_nibble(nc[i]) < 0)
			return false;
	return nc[8] == '\0';
}

/* RFC 7616 3.4: username, realm, nonce, uri, response always; with qop=auth
 * (which our challenges demand) also cnonce and nc. */
static int creds_fields(const struct mbl_sip_auth_params *ap, struct creds *cr, char *err,
			size_t errlen)
{
	static const char *const required[] = {"username", "realm", "nonce", "uri",
					       "response", "qop", "cnonce", "nc"};
	const char *alg = mbl_sip_auth_param(ap, "algorithm");
	size_t i;

	for (i = 0; i < MBL_ARRAY_SIZE(required); i++)
		if (mbl_sip_auth_param(ap, required[i]) == NULL)
			return mbl_sip_auth_fail(err, errlen, -EINVAL, "credentials have no %s",
						 required[i]);
	cr->in.user = mbl_sip_auth_param(ap, "username");
	cr->in.realm = mbl_sip_auth_param(ap, "realm");
	cr->in.nonce = mbl_sip_auth_param(ap, "nonce");
	cr->in.uri = mbl_sip_auth_param(ap, "uri");
	cr->in.qop = mbl_sip_auth_param(ap, "qop");
	cr->in.cnonce = mbl_sip_auth_param(ap, "cnonce");
	cr->in.nc = mbl_sip_auth_param(ap, "nc");
	cr->response = mbl_sip_auth_param(ap, "response");
	cr->in.alg = MBL_SIP_AUTH_MD5;
	if (alg != NULL && mbl_sip_auth_alg_find(alg, &cr->in.alg) < 0)
		return mbl_sip_auth_fail(err, errlen, -EINVAL, "unsupported algorithm '%.32s'", alg);
	if (strcasecmp(cr->in.qop, "auth-int") == 0)
		return mbl_sip_auth_fail(err, errlen, -EINVAL,
					 "qop auth-int (body integrity) is not supported");
	if (strcasecmp(cr->in.qop, "auth") != 0)
		return mbl_sip_auth_fail(err, errlen, -EINVAL, "qop is not auth");
	if (!is_nc(cr->in.nc))
		return mbl_sip_auth_fail(err, errlen, -EINVAL, "nc is not 8 hex digits");
	if (cr->in.cnonce[0] == '\0' || cr->in.user[0] == '\0')
		return mbl_sip_auth_fail(err, errlen, -EINVAL, "empty username or cnonce");
	return 0;
}

/* Response right? Compared in constant time, hex digits in either case. */
static int check_response(const struct creds *cr, const char *pass, char *err, size_t errlen)
{
	char want[MBL_SIP_AUTH_HEX_MAX + 1], got[MBL_SIP_AUTH_HEX_MAX + 1];
	struct mbl_sip_auth_input in = cr->in;
	size_t i, n = strlen(cr->response);
	int rc;

	in.pass = pass;
	rc = mbl_sip_auth_response(&in, want);
	if (rc < 0)
		return mbl_sip_auth_fail(err, errlen, rc, "digest computation failed");
	if (n != (size_t)rc)
		return mbl_sip_auth_fail(err, errlen, -EACCES, "response has the wrong length");
	for (i = 0; i <= n; i++)
		got[i] = (char)tolower((unsigned char)cr->response[i]);
	rc = CRYPTO_memcmp(want, got, n) == 0 ? 0 : -EACCES;
	OPENSSL_cleanse(want, sizeof(want));
	if (rc < 0)
		return mbl_sip_auth_fail(err, errlen, rc, "wrong response (bad password?)");
	return 0;
}

/* Realm, nonce, password, response, age - in the order that makes stale
 * mean "right password, old nonce" (RFC 7616 3.3). */
static int check_creds(const struct mbl_sip_auth_server *s, const struct creds *cr, char *err,
		       size_t errlen)
{
	const char *pass;
	uint64_t ts, now;
	int rc;

	if (strcmp(cr->in.realm, s->realm) != 0)
		return mbl_sip_auth_fail(err, errlen, -EACCES, "realm is not ours");
	if (nonce_check(s, cr->in.nonce, cr->in.alg, &ts) < 0)
		return mbl_sip_auth_fail(err, errlen, -EACCES, "nonce was not issued here for %s",
					 mbl_sip_auth_alg_name(cr->in.alg));
	pass = s->password(s->password_arg, cr->in.user);
	if (pass == NULL)
		return mbl_sip_auth_fail(err, errlen, -EACCES, "unknown user");
	rc = check_response(cr, pass, err, errlen);
	if (rc < 0)
		return rc;
	now = now_s(s);
	if (now > ts && now - ts > s->nonce_ttl_s)
		return mbl_sip_auth_fail(err, errlen, -ESTALE, "nonce is %llu s old (limit %u s)",
					 (unsigned long long)(now - ts), s->nonce_ttl_s);
	if (ts > now && ts - now > s->nonce_ttl_s) /* the clock stepped back */
		return mbl_sip_auth_fail(err, errlen, -ESTALE, "nonce is from the future");
	return 0;
}

int mbl_sip_auth_verify(const struct mbl_sip_auth_server *s, const char *authz_value,
			const char *method, char *user, size_t userlen, char *err, size_t errlen)
{
	struct mbl_sip_auth_params ap;
	struct creds cr = {0};
	int rc;

	if (user != NULL && userlen > 0)
		user[0] = '\0';
	if (!mbl_sip_auth_is_token(method))
		return mbl_sip_auth_fail(err, errlen, -EINVAL, "bad request method");
	rc = mbl_sip_auth_params_parse(authz_value, &ap, err, errlen);
	if (rc == 0)
		rc = creds_fields(&ap, &cr, err, errlen);
	if (rc < 0)
		return rc;
	if (user != NULL && userlen > 0)
		snprintf(user, userlen, "%s", cr.in.user);
	cr.in.method = method;
	return check_creds(s, &cr, err, errlen);
}
