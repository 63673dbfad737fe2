/* SPDX-License-Identifier: BSD-3-Clause
 * SDES keying: the a=crypto attribute value of RFC 4568 9.1 with one inline
 * key parameter (6.1): "[tag ]SUITE inline:BASE64(key||salt)[|LIFETIME]
 * [|MKI:LEN]". Base64 is RFC 4648 4, padding optional on input. Error texts say what is
 * wrong and never quote the key parameter; temporary copies of the key are
 * wiped.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "mbl_srtp.h"

#define SDES_KS_MAX (MBL_SRTP_MAX_KEY + MBL_SRTP_MAX_SALT)
#define SDES_B64_MAX (4 * ((SDES_KS_MAX + 2) / 3))
#define SDES_LIFETIME_MAX (UINT64_C(1) << 48) /* SRTP index space (RFC 4568 6.2.1) */
#define SDES_TAG_DIGITS 9                       /* tag = 1*9DIGIT (RFC 4568 9.1) */

static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Parser state: the cursor and where the error goes. */
struct sdes_parser {
	const char *p;
	char *err;
	size_t errlen;
};

static int fail(struct sdes_parser *ps, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct sdes_parser *ps, int rc, const char *fmt, ...)
{
	va_list ap;

	if (ps->err != NULL && ps->errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(ps->err, ps->errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

static bool is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

static void skip_wsp(struct sdes_parser *ps)
{
	while (is_wsp(*ps->p))
		ps->p++;
}

static int b64_value(char c)
{
	const char *q = c != '\0' ? strchr(b64_alphabet, c) : NULL;

	return q != NULL ? (int)(q - b64_alphabet) : -1;
}

/* RFC 4648 4, padded or not: RFC 4568 asks for padding, but SBCs (rtpengine)
 * write keys without it and RFC 4568 readers take both (RFC 4648 3.2 lets a
 * specification drop padding). Unpadded input may end in a 2- or 3-character
 * group; a lone character or '=' anywhere but the end is refused. Returns
 * the decoded length or -1 (bad character, bad padding, too long for out). */
static int b64_decode(const char *in, size_t n, uint8_t *out, size_t cap)
{
	char last[4] = {'=', '=', '=', '='};
	size_t i, o = 0, full;

	if (n == 0 || n % 4 == 1)
		return -1;
	full = n % 4 == 0 ? n - 4 : n - n % 4;
	memcpy(last, in + full, n - full);
	for (i = 0; i <= full; i += 4) {
		const char *g = i < full ? in + i : last;
		int v[4], k, pad = 0;
		uint32_t acc = 0;

		for (k = 0; k < 4; k++) {
			if (g[k] == '=' && i == full && k >= 2) {
				pad++;
				v[k] = 0;
			} else if (pad > 0 || (v[k] = b64_value(g[k])) < 0) {
				return -1;
			}
			acc = acc << 6 | (uint32_t)v[k];
		}
		if (o + 3 - (size_t)pad > cap)
			return -1;
		out[o++] = (uint8_t)(acc >> 16);
		if (pad < 2)
			out[o++] = (uint8_t)(acc >> 8);
		if (pad < 1)
			out[o++] = (uint8_t)acc;
	}
	return (int)o;
}

static size_t b64_encode(const uint8_t *in, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < n; i += 3) {
		uint32_t acc = (uint32_t)in[i] << 16;

		if (i + 1 < n)
			acc |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < n)
			acc |= in[i + 2];
		out[o++] = b64_alphabet[acc >> 18 & 63];
		out[o++] = b64_alphabet[acc >> 12 & 63];
		out[o++] = i + 1 < n ? b64_alphabet[acc >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? b64_alphabet[acc & 63] : '=';
	}
	out[o] = '\0';
	return o;
}

/* Decimal digits up to the first non-digit, at most max. -1 on no digit or
 * overflow. */
static int parse_u64(struct sdes_parser *ps, uint64_t max, uint64_t *v)
{
	const char *s = ps->p;
	uint64_t x = 0;

	if (!isdigit((unsigned char)*s))
		return -1;
	for (; isdigit((unsigned char)*s); s++) {
		unsigned int d = (unsigned int)(*s - '0');

		if (x > (max - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	ps->p = s;
	*v = x;
	return 0;
}

static bool at_field_end(char c)
{
	return c == '\0' || c == '|' || c == ';' || is_wsp(c);
}

/* LIFETIME: a decimal packet count or "2^n" (RFC 4568 6.1). */
static int parse_lifetime(struct sdes_parser *ps, uint64_t *lifetime)
{
	uint64_t v;

	if (ps->p[0] == '2' && ps->p[1] == '^') {
		ps->p += 2;
		if (parse_u64(ps, 48, &v) < 0 || v == 0 || !at_field_end(*ps->p))
			return fail(ps, -EINVAL, "bad key lifetime: want 2^1..2^48");
		*lifetime = UINT64_C(1) << v;
		return 0;
	}
	if (parse_u64(ps, SDES_LIFETIME_MAX, &v) < 0 || v == 0 || !at_field_end(*ps->p))
		return fail(ps, -EINVAL, "bad key lifetime: want 1..2^48 packets");
	*lifetime = v;
	return 0;
}

/* MKI:LEN with LEN 1..4 bytes and the value fitting in LEN bytes. */
static int parse_mki(struct sdes_parser *ps, struct mbl_srtp_key *k)
{
	uint64_t v, len;

	if (parse_u64(ps, UINT32_MAX, &v) < 0 || *ps->p != ':')
		return fail(ps, -EINVAL, "bad MKI: want VALUE:LENGTH");
	ps->p++;
	if (parse_u64(ps, 255, &len) < 0 || !at_field_end(*ps->p))
		return fail(ps, -EINVAL, "bad MKI length");
	if (len < 1 || len > MBL_SRTP_MAX_MKI)
		return fail(ps, -EINVAL, "MKI length %u: want 1..%d bytes", (unsigned int)len,
			    MBL_SRTP_MAX_MKI);
	if (len < 4 && v >> (8 * len) != 0)
		return fail(ps, -EINVAL, "MKI value does not fit in %u bytes", (unsigned int)len);
	k->mki = (uint32_t)v;
	k->mki_len = (uint8_t)len;
	return 0;
}

/* The optional "|LIFETIME" and "|MKI:LEN" fields after key||salt. */
static int parse_key_options(struct sdes_parser *ps, struct mbl_srtp_key *k)
{
	int rc;

	if (*ps->p != '|')
		return 0;
	ps->p++;
	if (strcspn(ps->p, ":|; \t") < strcspn(ps->p, "|; \t")) /* a ':' in this field */
		return parse_mki(ps, k);
	rc = parse_lifetime(ps, &k->lifetime);
	if (rc < 0 || *ps->p != '|')
		return rc;
	ps->p++;
	return parse_mki(ps, k);
}

/* "inline:BASE64" checked against the suite's key and salt lengths. */
static int parse_inline(struct sdes_parser *ps, const struct mbl_srtp_suite_info *s,
			struct mbl_srtp_key *k)
{
	uint8_t ks[SDES_KS_MAX];
	size_t n;
	int got;

	if (strncasecmp(ps->p, "inline:", 7) != 0)
		return fail(ps, -EINVAL, "key method must be inline:");
	ps->p += 7;
	n = strcspn(ps->p, "|; \t");
	if (n > SDES_B64_MAX)
		return fail(ps, -EINVAL, "key||salt too long for %s", s->name);
	got = b64_decode(ps->p, n, ks, sizeof(ks));
	if (got < 0) {
		explicit_bzero(ks, sizeof(ks));
		return fail(ps, -EINVAL, "key||salt is not valid base64");
	}
	if (got != s->key_len + s->salt_len) {
		explicit_bzero(ks, sizeof(ks));
		return fail(ps, -EINVAL, "key||salt is %d bytes, %s needs %d", got, s->name,
			    s->key_len + s->salt_len);
	}
	memcpy(k->key, ks, s->key_len);
	memcpy(k->salt, ks + s->key_len, s->salt_len);
	explicit_bzero(ks, sizeof(ks));
	ps->p += n;
	return parse_key_options(ps, k);
}

/* "[tag ]SUITE " up to the key method. */
static int parse_head(struct sdes_parser *ps, struct mbl_srtp_crypto_attr *a,
		      const struct mbl_srtp_suite_info **s)
{
	char name[32];
	uint64_t tag;
	size_t n;

	skip_wsp(ps);
	if (isdigit((unsigned char)*ps->p)) {
		const char *start = ps->p;

		if (parse_u64(ps, 999999999, &tag) < 0 || ps->p - start > SDES_TAG_DIGITS ||
		    !is_wsp(*ps->p))
			return fail(ps, -EINVAL, "bad tag: want 1 to 9 digits then a space");
		a->tag = (int)tag;
		skip_wsp(ps);
	}
	n = strcspn(ps->p, " \t");
	if (n == 0 || n >= sizeof(name))
		return fail(ps, -EINVAL, "missing or overlong crypto suite name");
	memcpy(name, ps->p, n);
	name[n] = '\0';
	*s = mbl_srtp_suite_find(name);
	if (*s == NULL)
		return fail(ps, -EINVAL, "unknown crypto suite '%s'", name);
	ps->p += n;
	if (!is_wsp(*ps->p))
		return fail(ps, -EINVAL, "missing key parameter after the suite");
	skip_wsp(ps);
	return 0;
}

int mbl_srtp_sdes_parse(const char *value, struct mbl_srtp_crypto_attr *a, char *err,
			size_t errlen)
{
	struct sdes_parser ps = {.p = value, .err = err, .errlen = errlen};
	const struct mbl_srtp_suite_info *s = NULL;
	int rc;

	memset(a, 0, sizeof(*a));
	a->tag = -1;
	if (value == NULL)
		return fail(&ps, -EINVAL, "empty a=crypto value");
	rc = parse_head(&ps, a, &s);
	if (rc == 0)
		rc = parse_inline(&ps, s, &a->key);
	if (rc == 0 && *ps.p == ';')
		rc = fail(&ps, -ENOTSUP, "several key parameters (';') are not supported");
	if (rc == 0 && is_wsp(*ps.p)) {
		skip_wsp(&ps);
		if (*ps.p != '\0')
			rc = fail(&ps, -ENOTSUP, "session parameters are not supported");
	}
	if (rc == 0 && *ps.p != '\0')
		rc = fail(&ps, -EINVAL, "unexpected characters after the key parameter");
	if (rc < 0) {
		explicit_bzero(a, sizeof(*a));
		a->tag = -1;
		return rc;
	}
	a->key.suite = s->id;
	return 0;
}

/* "|2^n" when the lifetime is a power of two from 2 up, "|decimal"
 * otherwise: "2^0" is not a lifetime our parser (or RFC 4568 6.1's
 * 2^1..) takes back, so a lifetime of 1 is written "|1". */
static int format_lifetime(uint64_t lifetime, char *buf, size_t len)
{
	if (lifetime > 1 && (lifetime & (lifetime - 1)) == 0)
		return snprintf(buf, len, "|2^%d", __builtin_ctzll(lifetime));
	return snprintf(buf, len, "|%llu", (unsigned long long)lifetime);
}

int mbl_srtp_sdes_format(const struct mbl_srtp_crypto_attr *a, char *buf, size_t len)
{
	const struct mbl_srtp_suite_info *s = mbl_srtp_suite_get(a->key.suite);
	uint8_t ks[SDES_KS_MAX];
	char b64[SDES_B64_MAX + 1];
	size_t off = 0;
	int n;

	if (s == NULL || a->key.mki_len > MBL_SRTP_MAX_MKI || a->key.lifetime > SDES_LIFETIME_MAX ||
	    (a->key.mki_len > 0 && a->key.mki_len < 4 && a->key.mki >> (8 * a->key.mki_len) != 0))
		return -EINVAL;
	memcpy(ks, a->key.key, s->key_len);
	memcpy(ks + s->key_len, a->key.salt, s->salt_len);
	b64_encode(ks, (size_t)s->key_len + s->salt_len, b64);
	explicit_bzero(ks, sizeof(ks));
	if (a->tag >= 0)
		n = snprintf(buf, len, "%d %s inline:%s", a->tag, s->name, b64);
	else
		n = snprintf(buf, len, "%s inline:%s", s->name, b64);
	explicit_bzero(b64, sizeof(b64));
	if (n >= 0 && (size_t)n < len && a->key.lifetime != 0) {
		off = (size_t)n;
		n = format_lifetime(a->key.lifetime, buf + off, len - off);
		n = n < 0 ? n : (int)off + n;
	}
	if (n >= 0 && (size_t)n < len && a->key.mki_len != 0) {
		off = (size_t)n;
		n = snprintf(buf + off, len - off, "|%u:%u", (unsigned int)a->key.mki,
			     (unsigned int)a->key.mki_len);
		n = n < 0 ? n : (int)off + n;
	}
	if (n < 0 || (size_t)n >= len) {
		if (len > 0)
			explicit_bzero(buf, len);
		return -ENOSPC;
	}
	return n;
}

/* getrandom() until n bytes came, retrying on EINTR. */
static int fill_random(uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t got = getrandom(p, n, 0);

		if (got < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += got;
		n -= (size_t)got;
	}
	return 0;
}

int mbl_srtp_key_random(struct mbl_srtp_key *k, enum mbl_srtp_suite suite)
{
	const struct mbl_srtp_suite_info *s = mbl_srtp_suite_get(suite);
	int rc;

	if (s == NULL)
		return -EINVAL;
	memset(k, 0, sizeof(*k));
	k->suite = suite;
	rc = fill_random(k->key, s->key_len);
	if (rc == 0)
		rc = fill_random(k->salt, s->salt_len);
	if (rc < 0)
		explicit_bzero(k, sizeof(*k));
	return rc;
}
