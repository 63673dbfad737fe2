/* SPDX-License-Identifier: BSD-3-Clause
 * The raw pass: one walk over the start line and the header lines before
 * osip2 parses the message. It checks what osip2 cannot see or silently
 * drops: the exact shape of the start line (osip2 trims and guesses); header
 * names; the name-addr / addr-spec shape of To, From and Contact (osip2 keeps
 * the first value of To and drops the rest, and any junk after '>'); the
 * hostport of their sip / sips URIs (osip2 drops the brackets of an IPv6
 * reference, so only here can a missing pair be seen); empty elements and
 * parameters in Via lists; how often each single-instance header occurs;
 * where the header block ends; NUL bytes (osip2 works on C strings).
 * Only the values of To, From, Contact and Via are looked at byte by byte;
 * every other line costs a memchr for its end and a look at its name.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "mbl_common.h"
#include "sip_msg_priv.h"

#define TK (SIP_C_TOKEN | SIP_C_WORD)
#define AN (TK | SIP_C_HOST | SIP_C_SCHEME)

/* Hostnames: RFC 3261 25.1 allows alphanum and "-" only; "_" is accepted too
 * because real equipment uses it and refusing it gains nothing. */
const uint8_t mbl_sip_chr[256] = {
	['0' ... '9'] = AN | SIP_C_DIGIT,
	['A' ... 'Z'] = AN | SIP_C_ALPHA,
	['a' ... 'z'] = AN | SIP_C_ALPHA,
	['-'] = AN,
	['.'] = AN,
	['_'] = TK | SIP_C_HOST,
	['+'] = TK | SIP_C_SCHEME,
	['!'] = TK, ['%'] = TK, ['*'] = TK, ['`'] = TK, ['\''] = TK, ['~'] = TK,
	['('] = SIP_C_WORD, [')'] = SIP_C_WORD, ['<'] = SIP_C_WORD, ['>'] = SIP_C_WORD,
	[':'] = SIP_C_WORD, ['\\'] = SIP_C_WORD, ['"'] = SIP_C_WORD, ['/'] = SIP_C_WORD,
	['['] = SIP_C_WORD, [']'] = SIP_C_WORD, ['?'] = SIP_C_WORD, ['{'] = SIP_C_WORD,
	['}'] = SIP_C_WORD,
};

/* ---- header lines ------------------------------------------------------------ */

const char *mbl_sip_skip_crlf(const char *p, const char *end)
{
	while (p < end && (*p == '\r' || *p == '\n'))
		p++;
	return p;
}

/* Long and compact names (RFC 3261 7.3.3, 20), case-insensitive (7.3.1).
 * Every header line passes here: compare lengths before any bytes. */
static enum sip_hk classify(const char *n, size_t len)
{
	static const struct {
		const char *name;
		uint8_t len;
		char compact;
		enum sip_hk kind;
	} names[] = {
		{"via", 3, 'v', SIP_HK_VIA},
		{"from", 4, 'f', SIP_HK_FROM},
		{"to", 2, 't', SIP_HK_TO},
		{"call-id", 7, 'i', SIP_HK_CALL_ID},
		{"cseq", 4, 0, SIP_HK_CSEQ},
		{"content-length", 14, 'l', SIP_HK_CONTENT_LENGTH},
		{"content-type", 12, 'c', SIP_HK_CONTENT_TYPE},
		{"max-forwards", 12, 0, SIP_HK_MAX_FORWARDS},
		{"contact", 7, 'm', SIP_HK_CONTACT},
	};
	char c0 = (char)(n[0] | 0x20);
	size_t i;

	for (i = 0; i < MBL_ARRAY_SIZE(names); i++) {
		if (len == 1 ? c0 == names[i].compact
			     : len == names[i].len && c0 == names[i].name[0] &&
				       strncasecmp(n, names[i].name, len) == 0)
			return names[i].kind;
	}
	return SIP_HK_OTHER;
}

/* field-name = token (RFC 3261 25.1). */
static bool token_ok(const char *p, const char *e)
{
	if (p == e)
		return false;
	for (; p < e; p++)
		if (!sip_is(*p, SIP_C_TOKEN))
			return false;
	return true;
}

/* A field runs to a line end that is not followed by SP / HT (7.3.1). */
int mbl_sip_hdr_next(struct sip_hdr_it *it, struct sip_hdr *h)
{
	const char *p = it->p, *end = it->end, *nl, *q, *colon, *ne, *ve;

	if (p >= end)
		return SIP_IT_EOF;
	if (*p == '\n' || (*p == '\r' && p + 1 < end && p[1] == '\n')) {
		it->p = p + (*p == '\r' ? 2 : 1);
		return SIP_IT_BLANK;
	}
	nl = memchr(p, '\n', (size_t)(end - p));
	if (nl == NULL)
		return SIP_IT_EOF;
	colon = memchr(p, ':', (size_t)(nl - p));
	for (q = nl; q + 1 < end && (q[1] == ' ' || q[1] == '\t');) {
		q = memchr(q + 1, '\n', (size_t)(end - q - 1));
		if (q == NULL)
			return SIP_IT_EOF;
	}
	it->p = q + 1;
	ve = q > p && q[-1] == '\r' ? q - 1 : q;
	if (colon == NULL)
		return SIP_IT_BAD;
	for (ne = colon; ne > p && (ne[-1] == ' ' || ne[-1] == '\t'); ne--)
		;
	h->name = (struct sip_span){p, (size_t)(ne - p)};
	h->value = (struct sip_span){colon + 1, (size_t)(ve - colon - 1)};
	if (!token_ok(p, ne))
		return SIP_IT_BAD;
	h->kind = classify(p, (size_t)(ne - p));
	return SIP_IT_HDR;
}

long mbl_sip_cl_value(struct sip_span v)
{
	const char *p = v.p, *e = v.p + v.len;
	long n = 0;
	int digits = 0;

	while (p < e && sip_is_lws(*p))
		p++;
	while (e > p && sip_is_lws(e[-1]))
		e--;
	for (; p < e; p++, digits++) {
		if (!sip_is(*p, SIP_C_DIGIT) || digits >= 10)
			return -1;
		n = n * 10 + (*p - '0');
	}
	return digits == 0 || n > INT32_MAX ? -1 : n;
}

/* ---- URIs ---------------------------------------------------------------------- */

/* scheme ":" (RFC 3986 3.1); the rest of the URI is osip2's and sip_msg_check.c's */
static bool has_scheme(const char *p, const char *e)
{
	if (p >= e || !sip_is(*p, SIP_C_ALPHA))
		return false;
	for (p++; p < e && *p != ':'; p++)
		if (!sip_is(*p, SIP_C_SCHEME))
			return false;
	return p < e;
}

static bool port_ok(const char *p, const char *e)
{
	long n = 0;

	if (p >= e || e - p > 5)
		return false;
	for (; p < e; p++) {
		if (!sip_is(*p, SIP_C_DIGIT))
			return false;
		n = n * 10 + (*p - '0');
	}
	return n <= 65535;
}

static bool ipv6_ok(const char *p, const char *e)
{
	char tmp[INET6_ADDRSTRLEN];
	struct in6_addr a;

	if (e - p <= 0 || (size_t)(e - p) >= sizeof(tmp))
		return false;
	memcpy(tmp, p, (size_t)(e - p));
	tmp[e - p] = '\0';
	return inet_pton(AF_INET6, tmp, &a) == 1;
}

/* hostport of a sip/sips URI, p just after "sip:". An IPv6 reference must be
 * in brackets (RFC 3261 25.1 IPv6reference; RFC 5118 4.1): osip2 reads
 * "2001:db8::10" as host "2001:db8:" port 10 and drops the brackets of the
 * good form, so only the raw text can tell. The userinfo cannot hold an
 * unescaped '@', so the first '@' ends it. */
static enum mbl_sip_msg_err hostport_err(const char *p, const char *e)
{
	const char *at = memchr(p, '@', (size_t)(e - p)), *h = at != NULL ? at + 1 : p, *he, *q;

	for (he = h; he < e && *he != ';' && *he != '?'; he++)
		;
	if (h < he && *h == '[') {
		q = memchr(h, ']', (size_t)(he - h));
		if (q == NULL || !ipv6_ok(h + 1, q))
			return MBL_SIP_MSG_BAD_REQUEST_URI;
		q++;
	} else {
		for (q = h; q < he && sip_is(*q, SIP_C_HOST); q++)
			;
		if (q == h)
			return MBL_SIP_MSG_BAD_REQUEST_URI;
	}
	if (q == he)
		return MBL_SIP_MSG_OK;
	if (*q == ':' && port_ok(q + 1, he))
		return MBL_SIP_MSG_OK;
	if (*q == ':' && *h != '[' && memchr(q + 1, ':', (size_t)(he - q - 1)) != NULL)
		return MBL_SIP_MSG_UNBRACKETED_IPV6;
	return MBL_SIP_MSG_BAD_REQUEST_URI;
}

/* For URIs of the sip and sips schemes, the hostport; others are opaque. */
static enum mbl_sip_msg_err uri_err(const char *p, const char *e)
{
	const char *colon = memchr(p, ':', (size_t)(e - p));

	if (colon == NULL)
		return MBL_SIP_MSG_BAD_REQUEST_URI;
	if ((colon - p == 3 && strncasecmp(p, "sip", 3) == 0) ||
	    (colon - p == 4 && strncasecmp(p, "sips", 4) == 0))
		return hostport_err(colon + 1, e);
	return MBL_SIP_MSG_OK;
}

/* ---- To / From / Contact: name-addr / addr-spec (RFC 3261 20.10, 25.1) ------ */

struct cur {
	const char *p;
	const char *e;
};

static void skip_lws(struct cur *c)
{
	while (c->p < c->e && sip_is_lws(*c->p))
		c->p++;
}

/* quoted-string on '"': qdtext may hold folded LWS; quoted-pair is "\" and
 * any octet but CR and LF (a NUL too: osip2 gets a copy, see sip_msg.c). */
static bool eat_quoted(struct cur *c)
{
	for (c->p++; c->p < c->e;) {
		char ch = *c->p++;

		if (ch == '"')
			return true;
		if (ch == '\\') {
			if (c->p >= c->e || *c->p == '\r' || *c->p == '\n')
				return false;
			c->p++;
		}
	}
	return false;
}

/* LAQUOT addr-spec RAQUOT: the whitespace belongs to LAQUOT / RAQUOT, none
 * inside the brackets (RFC 4475 3.1.2.14 badaspec). */
static bool eat_angle_uri(struct cur *c)
{
	const char *s = ++c->p;
	bool ok;

	while (c->p < c->e && *c->p != '>') {
		if (sip_is_lws(*c->p) || *c->p == '<')
			return false;
		c->p++;
	}
	if (c->p >= c->e)
		return false;
	ok = has_scheme(s, c->p) && uri_err(s, c->p) == MBL_SIP_MSG_OK;
	c->p++;
	return ok;
}

/* addr-spec without brackets: a URI with a comma, '?' or ';' must be in
 * brackets (RFC 3261 20.10; RFC 4475 3.1.2.13 regbadct), so ';' ends it. */
static bool eat_bare_uri(struct cur *c)
{
	const char *s = c->p;

	while (c->p < c->e && !sip_is_lws(*c->p) && *c->p != ';' && *c->p != ',') {
		if (*c->p == '?' || *c->p == '<' || *c->p == '>' || *c->p == '"')
			return false;
		c->p++;
	}
	return has_scheme(s, c->p) && uri_err(s, c->p) == MBL_SIP_MSG_OK;
}

/* display-name = *(token LWS) before '<'; anything else is not a display name
 * (RFC 4475 3.1.2.15 baddn: "Bell, Alexander" must be quoted). */
static bool eat_token_display_name(struct cur *c)
{
	const char *s = c->p;

	while (c->p < c->e && (sip_is(*c->p, SIP_C_TOKEN) || sip_is_lws(*c->p)))
		c->p++;
	if (c->p < c->e && *c->p == '<')
		return true;
	c->p = s;
	return false;
}

static bool eat_run(struct cur *c, uint8_t cls, const char *extra)
{
	const char *s = c->p;

	while (c->p < c->e && (sip_is(*c->p, cls) || (*c->p != '\0' && strchr(extra, *c->p))))
		c->p++;
	return c->p > s;
}

/* *( SEMI generic-param ), generic-param = token [ EQUAL gen-value ],
 * gen-value = token / host / quoted-string. Stops before ',' or at the end. */
static bool eat_params(struct cur *c)
{
	for (;;) {
		skip_lws(c);
		if (c->p >= c->e || *c->p == ',')
			return true;
		if (*c->p != ';')
			return false;
		c->p++;
		skip_lws(c);
		if (!eat_run(c, SIP_C_TOKEN, ""))
			return false;
		skip_lws(c);
		if (c->p >= c->e || *c->p != '=')
			continue;
		c->p++;
		skip_lws(c);
		if (c->p < c->e && *c->p == '"' ? !eat_quoted(c) : !eat_run(c, SIP_C_TOKEN, ":[]"))
			return false;
	}
}

static bool eat_addr(struct cur *c)
{
	skip_lws(c);
	if (c->p >= c->e)
		return false; /* empty value or empty list element */
	if (*c->p == '"') {
		if (!eat_quoted(c))
			return false;
		skip_lws(c);
		if (c->p >= c->e || *c->p != '<' || !eat_angle_uri(c))
			return false;
	} else if (eat_token_display_name(c)) {
		if (!eat_angle_uri(c))
			return false;
	} else if (!eat_bare_uri(c)) {
		return false;
	}
	return eat_params(c);
}

/* One value (To, From) or a list (Contact, where "*" alone is allowed). */
static bool addr_value_ok(struct sip_span v, bool list)
{
	struct cur c = {v.p, v.p + v.len};

	skip_lws(&c);
	if (list && c.p < c.e && *c.p == '*') {
		c.p++;
		skip_lws(&c);
		return c.p == c.e;
	}
	for (;;) {
		if (!eat_addr(&c))
			return false;
		if (c.p >= c.e)
			return true;
		if (!list)
			return false; /* a second value: RFC 4475 3.3.8 multi01 in one line */
		c.p++;
	}
}

/* Via: osip2 parses each via-parm but skips empty list elements and some
 * empty parameters (RFC 4475 3.1.2.1 badinv01): every element must have
 * content and every ';' a parameter name after it. */
static bool via_value_ok(struct sip_span v)
{
	const char *p = v.p, *e = v.p + v.len, *q;
	bool content = false, quoted = false;

	for (; p < e; p++) {
		if (quoted) {
			if (*p == '\\' && p + 1 < e)
				p++;
			else if (*p == '"')
				quoted = false;
			continue;
		}
		if (*p == ',') {
			if (!content)
				return false;
			content = false;
		} else if (*p == ';') {
			for (q = p + 1; q < e && sip_is_lws(*q); q++)
				;
			if (!content || q >= e || !sip_is(*q, SIP_C_TOKEN))
				return false;
		} else if (!sip_is_lws(*p)) {
			quoted = *p == '"';
			content = true;
		}
	}
	return content && !quoted;
}

static enum mbl_sip_msg_err value_err(const struct sip_hdr *h)
{
	switch (h->kind) {
	case SIP_HK_TO:
		return addr_value_ok(h->value, false) ? MBL_SIP_MSG_OK : MBL_SIP_MSG_BAD_TO;
	case SIP_HK_FROM:
		return addr_value_ok(h->value, false) ? MBL_SIP_MSG_OK : MBL_SIP_MSG_BAD_FROM;
	case SIP_HK_CONTACT:
		return addr_value_ok(h->value, true) ? MBL_SIP_MSG_OK : MBL_SIP_MSG_BAD_CONTACT;
	case SIP_HK_VIA:
		return via_value_ok(h->value) ? MBL_SIP_MSG_OK : MBL_SIP_MSG_BAD_VIA;
	default:
		return MBL_SIP_MSG_OK;
	}
}

/* ---- start line (RFC 3261 7.1, 7.2) ------------------------------------------- */

bool mbl_sip_scheme_ok(const char *s, size_t len)
{
	return (len == 3 && (strncasecmp(s, "sip", 3) == 0 || strncasecmp(s, "tel", 3) == 0)) ||
	       (len == 4 && strncasecmp(s, "sips", 4) == 0);
}

/* SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT, case-insensitive (7.1);
 * returns 1 for 2.0, 0 for another well-formed version, -1 otherwise. */
static int version(const char *p, const char *e)
{
	const char *d = p + 4, *dot;

	if (e - p < 7 || strncasecmp(p, "SIP/", 4) != 0)
		return -1;
	for (dot = d; dot < e && sip_is(*dot, SIP_C_DIGIT); dot++)
		;
	if (dot == d || dot >= e - 1 || *dot != '.')
		return -1;
	for (p = dot + 1; p < e; p++)
		if (!sip_is(*p, SIP_C_DIGIT))
			return -1;
	return e - d == 3 && d[0] == '2' && d[2] == '0' ? 1 : 0;
}

/* Request-Line = Method SP Request-URI SP SIP-Version CRLF: exactly one SP
 * between the parts, none inside the URI, none at the end (RFC 4475
 * 3.1.2.7-10: ltgtruri, lwsruri, lwsstart, trws). */
static enum mbl_sip_msg_err request_line_err(struct sip_scan *sc)
{
	const char *p = sc->line.p, *e = p + sc->line.len, *q, *uri;
	int ver;

	for (q = p; q < e && sip_is(*q, SIP_C_TOKEN); q++)
		;
	if (q == p || q >= e || *q != ' ')
		return MBL_SIP_MSG_BAD_REQUEST_LINE;
	sc->method = (struct sip_span){p, (size_t)(q - p)};
	for (uri = ++q; q < e && *q > ' ' && *q < 0x7f; q++)
		;
	if (q == uri || q >= e || *q != ' ')
		return MBL_SIP_MSG_BAD_REQUEST_LINE;
	sc->ruri = (struct sip_span){uri, (size_t)(q - uri)};
	ver = version(q + 1, e);
	if (ver < 0)
		return MBL_SIP_MSG_BAD_REQUEST_LINE;
	if (ver == 0)
		return MBL_SIP_MSG_BAD_VERSION; /* 505, RFC 3261 21.5.6 */
	if (!has_scheme(uri, q))
		return MBL_SIP_MSG_BAD_REQUEST_URI; /* e.g. "<sip:...>" */
	return uri_err(uri, q);
}

/* Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF, with a
 * Status-Code of exactly three digits (RFC 4475 3.1.2.19 bigcode). */
static enum mbl_sip_msg_err status_line_err(const struct sip_scan *sc)
{
	const char *p = sc->line.p;
	int code;

	if (sc->line.len < 12 || strncasecmp(p, "SIP/2.0 ", 8) != 0 || p[11] != ' ' ||
	    !sip_is(p[8], SIP_C_DIGIT) || !sip_is(p[9], SIP_C_DIGIT) || !sip_is(p[10], SIP_C_DIGIT))
		return MBL_SIP_MSG_BAD_STATUS_LINE;
	code = (p[8] - '0') * 100 + (p[9] - '0') * 10 + (p[10] - '0');
	return code >= 100 && code <= 699 ? MBL_SIP_MSG_OK : MBL_SIP_MSG_BAD_STATUS_LINE;
}

/* ---- the pass ------------------------------------------------------------------- */

static void scan_headers(struct sip_scan *sc, struct sip_hdr_it *it)
{
	struct sip_hdr h;
	enum mbl_sip_msg_err e;
	int rc;

	while ((rc = mbl_sip_hdr_next(it, &h)) != SIP_IT_EOF) {
		if (rc == SIP_IT_BLANK) {
			sc->hdr_len = (size_t)(it->p - sc->msg);
			return;
		}
		if (rc == SIP_IT_BAD) {
			if (sc->hdr_err == MBL_SIP_MSG_OK)
				sc->hdr_err = MBL_SIP_MSG_BAD_HEADER_LINE;
			continue;
		}
		if (sc->count[h.kind]++ == 0)
			sc->first[h.kind] = h.value;
		else if (sc->count[h.kind] == 0)
			sc->count[h.kind] = 255;
		if (sc->hdr_err == MBL_SIP_MSG_OK && (e = value_err(&h)) != MBL_SIP_MSG_OK)
			sc->hdr_err = e;
	}
}

/* NUL is only legal as a quoted-pair (RFC 3261 25.1 "\" %x00); osip2 stops
 * at it, so parse hands osip2 a copy (sip_msg.c). Elsewhere it is a 400.
 * A backslash before it counts as a quoted-pair; quotes are not tracked. */
static void scan_nul(struct sip_scan *sc)
{
	const char *p = sc->msg, *e = sc->msg + (sc->hdr_len ? sc->hdr_len : sc->msg_len);

	while ((p = memchr(p, '\0', (size_t)(e - p))) != NULL) {
		if (p > sc->msg && p[-1] == '\\')
			sc->nul_in_qp = true;
		else if (sc->hdr_err == MBL_SIP_MSG_OK)
			sc->hdr_err = MBL_SIP_MSG_NUL_IN_HEADER;
		p++;
	}
}

void mbl_sip_scan(struct sip_scan *sc, const char *buf, size_t len)
{
	const char *end = buf + len, *nl;
	struct sip_hdr_it it;

	memset(sc, 0, sizeof(*sc));
	sc->msg = mbl_sip_skip_crlf(buf, end);
	sc->msg_len = (size_t)(end - sc->msg);
	if (sc->msg_len == 0) {
		sc->line_err = MBL_SIP_MSG_EMPTY;
		return;
	}
	nl = memchr(sc->msg, '\n', sc->msg_len);
	it.p = nl != NULL ? nl + 1 : end;
	it.end = end;
	if (nl == NULL)
		nl = end;
	sc->line = (struct sip_span){sc->msg, (size_t)(nl - sc->msg)};
	if (sc->line.len > 0 && sc->line.p[sc->line.len - 1] == '\r')
		sc->line.len--;
	sc->response = sc->line.len >= 4 && strncasecmp(sc->msg, "SIP/", 4) == 0;
	sc->line_err = sc->response ? status_line_err(sc) : request_line_err(sc);
	scan_headers(sc, &it);
	scan_nul(sc);
}

/* ---- stream framing -------------------------------------------------------------- */

int mbl_sip_msg_frame(const char *buf, size_t len, size_t *frame_len)
{
	const char *end = buf + len, *p, *nl;
	struct sip_hdr_it it;
	struct sip_span cl = {NULL, 0};
	struct sip_hdr h;
	int n_cl = 0, rc;
	size_t hdr;
	long body;

	if (buf == NULL || frame_len == NULL)
		return -EINVAL;
	p = mbl_sip_skip_crlf(buf, end);
	nl = memchr(p, '\n', (size_t)(end - p));
	if (nl == NULL)
		return 0;
	it = (struct sip_hdr_it){nl + 1, end};
	while ((rc = mbl_sip_hdr_next(&it, &h)) != SIP_IT_BLANK) {
		if (rc == SIP_IT_EOF)
			return 0;
		if (rc == SIP_IT_HDR && h.kind == SIP_HK_CONTENT_LENGTH && n_cl++ == 0)
			cl = h.value;
	}
	hdr = (size_t)(it.p - buf);
	body = n_cl == 1 ? mbl_sip_cl_value(cl) : -1;
	if (body < 0) {
		*frame_len = hdr;
		return -EBADMSG;
	}
	if (len - hdr < (size_t)body)
		return 0;
	*frame_len = hdr + (size_t)body;
	return 1;
}
