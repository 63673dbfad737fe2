/* SPDX-License-Identifier: BSD-3-Clause
 * The digest header grammar both sides share (RFC 3261 25.1, RFC 7616 3.3
 * and 3.4): "Digest" LWS param *(COMMA param), param = name EQUAL (token /
 * quoted-string). The value is copied and cut up in place: names and values
 * become NUL-terminated strings inside the copy, quoted strings lose their
 * quotes and backslash escapes. Also the small string helpers of the module.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mbl_common.h"
#include "sip_auth_priv.h"

struct cursor {
	char *p;
	char *err;
	size_t errlen;
};

int mbl_sip_auth_fail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* RFC 3261 25.1 token characters: alphanum / "-" / "." / "!" / "%" / "*" /
 * "_" / "+" / "`" / "'" / "~". */
static bool is_token_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("-.!%*_+`'~", c) != NULL);
}

/* LWS, with line breaks taken as plain whitespace: a caller may hand over
 * a folded header value unchanged (RFC 3261 7.3.1). */
static bool is_lws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_ctl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

bool mbl_sip_auth_is_token(const char *s)
{
	if (s == NULL || *s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!is_token_char(*s))
			return false;
	return true;
}

bool mbl_sip_auth_printable(const char *s)
{
	if (s == NULL || *s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (is_ctl((unsigned char)*s))
			return false;
	return true;
}

static char *skip_lws(char *p)
{
	while (is_lws(*p))
		p++;
	return p;
}

static char *skip_token(char *p)
{
	while (is_token_char(*p))
		p++;
	return p;
}

/* A quoted string starting at the '"' under the cursor: unescaped in place
 * from the opening quote on (the text only shrinks), so *start is the value
 * and *end where its NUL goes. Line breaks and other control characters
 * are refused even escaped: echoed back they would split the header. */
static int parse_quoted(struct cursor *cu, char **start, char **end)
{
	char *r = cu->p + 1, *w = cu->p;

	*start = w;
	for (;;) {
		unsigned char c = (unsigned char)*r;
		bool escaped = c == '\\';

		if (escaped)
			c = (unsigned char)*++r;
		if (c == '\0')
			return mbl_sip_auth_fail(cu->err, cu->errlen, -EINVAL,
						 "unterminated quoted string");
		if (c == '"' && !escaped)
			break;
		if (is_ctl(c) && c != '\t')
			return mbl_sip_auth_fail(cu->err, cu->errlen, -EINVAL,
						 "control character in a quoted string");
		*w++ = (char)c;
		r++;
	}
	*end = w;
	cu->p = r + 1;
	return 0;
}

static int add_param(struct cursor *cu, struct mbl_sip_auth_params *ap, const char *name,
		     const char *value)
{
	unsigned int i;

	for (i = 0; i < ap->n; i++)
		if (strcasecmp(ap->p[i].name, name) == 0)
			return mbl_sip_auth_fail(cu->err, cu->errlen, -EINVAL,
						 "parameter '%.32s' appears twice", name);
	if (ap->n == MBL_SIP_AUTH_PARAMS_MAX)
		return mbl_sip_auth_fail(cu->err, cu->errlen, -EINVAL,
					 "more than %d parameters", MBL_SIP_AUTH_PARAMS_MAX);
	ap->p[ap->n].name = name;
	ap->p[ap->n].value = value;
	ap->n++;
	return 0;
}

/* name LWS "=" LWS value LWS ("," / end). The NULs go in only after the
 * separator has been read, since a NUL may land on it. */
static int parse_param(struct cursor *cu, struct mbl_sip_auth_params *ap)
{
	char *name = cu->p, *name_end = skip_token(cu->p), *val = NULL, *val_end = NULL;
	int rc;

	if (name_end == name)
		return mbl_sip_auth_fail(cu->err, cu->errlen, -EINVAL,
					 "expected a parameter name at offset %zu",
					 (size_t)(name - ap->buf));
	cu->p = skip_lws(name_end);
	if (*cu->p != '=')
		return mbl_sip_auth_fail(cu->err, cu->errlen, -EINVAL,
					 "expected '=' after parameter '%.*s'",
					 (int)MBL_MIN(name_end - name, 32), name);
	cu->p = skip_lws(cu->p + 1);
	*name_end = '\0';
	if (*cu->p == '"') {
		rc = parse_quoted(cu, &val, &val_end);
		if (rc < 0)
			return rc;
	} else {
		val = cu->p;
		val_end = cu->p = skip_token(cu->p);
		if (val_end == val)
			return mbl_sip_auth_fail(cu->err, cu->errlen, -EINVAL,
						 "parameter '%.32s' has no value (token or quoted string)",
						 name);
	}
	cu->p = skip_lws(cu->p);
	if (*cu->p != ',' && *cu->p != '\0')
		return mbl_sip_auth_fail(cu->err, cu->errlen, -EINVAL,
					 "expected ',' after parameter '%.32s'", name);
	if (*cu->p == ',')
		cu->p++;
	*val_end = '\0';
	return add_param(cu, ap, name, val);
}

/* The scheme token and the LWS after it; only Digest goes on. */
static int parse_scheme(struct cursor *cu)
{
	char *scheme = skip_lws(cu->p), *end = skip_token(scheme);

	if (end == scheme)
		return mbl_sip_auth_fail(cu->err, cu->errlen, -EINVAL, "missing auth scheme");
	if (*end != '\0' && !is_lws(*end))
		return mbl_sip_auth_fail(cu->err, cu->errlen, -EINVAL,
					 "bad character after the auth scheme");
	if (end - scheme != 6 || strncasecmp(scheme, "Digest", 6) != 0)
		return mbl_sip_auth_fail(cu->err, cu->errlen, -EINVAL,
					 "auth scheme '%.*s' is not Digest",
					 (int)MBL_MIN(end - scheme, 32), scheme);
	cu->p = end;
	return 0;
}

int mbl_sip_auth_params_parse(const char *value, struct mbl_sip_auth_params *ap, char *err,
			      size_t errlen)
{
	struct cursor cu = {.p = ap->buf, .err = err, .errlen = errlen};
	size_t n = value != NULL ? strlen(value) : 0;
	int rc;

	ap->n = 0;
	if (n == 0)
		return mbl_sip_auth_fail(err, errlen, -EINVAL, "empty header value");
	if (n > MBL_SIP_AUTH_HEADER_MAX)
		return mbl_sip_auth_fail(err, errlen, -EINVAL, "header value longer than %d bytes",
					 MBL_SIP_AUTH_HEADER_MAX);
	memcpy(ap->buf, value, n + 1);
	rc = parse_scheme(&cu);
	while (rc == 0) {
		/* empty list elements (",,") are allowed, RFC 7230 7 */
		cu.p = skip_lws(cu.p);
		if (*cu.p == ',') {
			cu.p++;
			continue;
		}
		if (*cu.p == '\0')
			break;
		rc = parse_param(&cu, ap);
	}
	if (rc < 0)
		ap->n = 0;
	return rc;
}

const char *mbl_sip_auth_param(const struct mbl_sip_auth_params *ap, const char *name)
{
	unsigned int i;

	for (i = 0; i < ap->n; i++)
		if (strcasecmp(ap->p[i].name, name) == 0)
			return ap->p[i].value;
	return NULL;
}

/* ---- bounded string building ------------------------------------------------ */

static void sb_putc(struct mbl_sip_auth_sb *b, char c)
{
	if (b->over || b->off + 1 >= b->len) {
		b->over = true;
		return;
	}
	b->out[b->off++] = c;
	b->out[b->off] = '\0';
}

void mbl_sip_auth_sb_printf(struct mbl_sip_auth_sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->over || b->off >= b->len) {
		b->over = true;
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(b->out + b->off, b->len - b->off, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->len - b->off)
		b->over = true;
	else
		b->off += (size_t)n;
}

void mbl_sip_auth_sb_quoted(struct mbl_sip_auth_sb *b, const char *name, const char *value)
{
	bool first = b->off == 0 || b->out[b->off - 1] == ' ';

	mbl_sip_auth_sb_printf(b, "%s%s=\"", first ? "" : ", ", name);
	for (; *value != '\0'; value++) {
		if (*value == '"' || *value == '\\')
			sb_putc(b, '\\');
		sb_putc(b, *value);
	}
	sb_putc(b, '"');
}

int mbl_sip_auth_sb_end(struct mbl_sip_auth_sb *b)
{
	if (b->over || b->off >= b->len) {
		if (b->len > 0)
			memset(b->out, 0, b->len);
		return -ENOSPC;
	}
	return (int)b->off;
}
