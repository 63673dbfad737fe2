/* SPDX-License-Identifier: BSD-3-Clause
 * The WebSocket opening handshake (RFC 6455 4) for the "sip" subprotocol
 * (RFC 7118 4.1), both roles, on byte buffers.
 *
 * The HTTP/1.1 head (RFC 7230 3) is parsed strictly and only as far as the
 * handshake needs: a start line, then header lines "name: value" with CRLF
 * endings, then an empty line, all within MBL_WS_HS_MAX bytes. Line folding
 * (obs-fold) and whitespace before the colon are refused, as RFC 7230 3.2.4
 * tells a server to. Only headers the handshake reads are interpreted; a
 * table per role maps each name (any case) to its handler.
 *
 * The only file of lib/ws that includes OpenSSL: libcrypto's SHA-1 and
 * base64 (already linked by the project).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "mbl_common.h"
#include "mbl_ws.h"

#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11" /* RFC 6455 1.3 */
#define WS_KEY_IN_MAX 64

/* ---- errors ------------------------------------------------------------------------ */

struct hs_err_row {
	const char *name, *desc;
	int rc, status;
};

#define HS_ERR_ROW_(n, e, s, d) {#n, d, e, s},
static const struct hs_err_row hs_err[] = {
	{"ok", "no error", 0, 0},
	MBL_WS_HS_ERR_LIST(HS_ERR_ROW_)
};
#undef HS_ERR_ROW_

const char *mbl_ws_hs_err_name(enum mbl_ws_hs_err e)
{
	return (unsigned)e < MBL_WS_HS_ERR_MAX ? hs_err[e].name : "?";
}

const char *mbl_ws_hs_err_desc(enum mbl_ws_hs_err e)
{
	return (unsigned)e < MBL_WS_HS_ERR_MAX ? hs_err[e].desc : "?";
}

int mbl_ws_hs_err_status(enum mbl_ws_hs_err e)
{
	return (unsigned)e < MBL_WS_HS_ERR_MAX ? hs_err[e].status : 0;
}

static ssize_t hs_fail(enum mbl_ws_hs_err *where, enum mbl_ws_hs_err e)
{
	*where = e;
	return hs_err[e].rc;
}

/* ---- key and accept (RFC 6455 1.3, 4.2.2) --------------------------------------------- */

int mbl_ws_accept(const char *key, size_t len, char out[MBL_WS_ACCEPT_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char in[WS_KEY_IN_MAX + sizeof(WS_GUID)];

	if (key == NULL || out == NULL || len == 0 || len > WS_KEY_IN_MAX)
		return -EINVAL;
	memcpy(in, key, len);
	memcpy(in + len, WS_GUID, sizeof(WS_GUID) - 1);
	if (!EVP_Digest(in, len + sizeof(WS_GUID) - 1, md, &mdlen, EVP_sha1(), NULL) ||
	    mdlen != 20)
		return -EIO;
	EVP_EncodeBlock((unsigned char *)out, md, 20); /* 28 characters and a NUL */
	return 0;
}

/* RFC 6455 4.2.1 item 5: "a base64-encoded value that, when decoded, is
 * 16 bytes in length". Decoding and encoding again catches wrong lengths,
 * bad characters, misplaced padding and non-zero trailing bits at once. */
static bool key_valid(const char *v, size_t n)
{
	unsigned char raw[MBL_WS_KEY_LEN], again[MBL_WS_KEY_LEN + 1];

	if (n != MBL_WS_KEY_LEN || v[n - 1] != '=' || v[n - 2] != '=')
		return false;
	if (EVP_DecodeBlock(raw, (const unsigned char *)v, (int)n) != 18)
		return false;
	EVP_EncodeBlock(again, raw, MBL_WS_KEY_RAW);
	return memcmp(again, v, n) == 0;
}

/* ---- the HTTP head ------------------------------------------------------------------ */

/* Length of the head through its CRLFCRLF; 0 while incomplete, -EMSGSIZE
 * when MBL_WS_HS_MAX bytes hold none. *scan: where the search resumes (3
 * bytes back, since the CRLFCRLF may straddle two reads). */
static ssize_t hs_head_len(size_t *scan, const char *buf, size_t len)
{
	size_t lim = MBL_MIN(len, (size_t)MBL_WS_HS_MAX);
	const char *p;

	if (lim < 4)
		return 0;
	if (*scan > lim)
		*scan = 0; /* the caller's buffer shrank: search it all */
	p = memmem(buf + *scan, lim - *scan, "\r\n\r\n", 4);
	if (p)
		return p + 4 - buf;
	if (len >= MBL_WS_HS_MAX)
		return -EMSGSIZE;
	*scan = lim >= 3 ? lim - 3 : 0;
	return 0;
}

/* The line at *pos (without its CRLF); *pos moves past the CRLF. The head
 * ends in CRLFCRLF, so every line within it has one. */
static size_t hs_line(const char *b, size_t end, size_t *pos, const char **line)
{
	const char *crlf = memmem(b + *pos, end - *pos, "\r\n", 2);
	size_t n = crlf ? (size_t)(crlf - b) - *pos : end - *pos;

	*line = b + *pos;
	*pos += n + 2;
	return n;
}

static bool is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* tchar (RFC 7230 3.2.6) */
static bool is_tchar(unsigned char c)
{
	return c > 0x20 && c < 0x7f && strchr("\"(),/:;<=>?@[\\]{}", c) == NULL;
}

/* field-content: VCHAR, obs-text, SP, HTAB (RFC 7230 3.2) */
static bool is_fchar(unsigned char c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7f);
}

static bool str_eq(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

static bool str_ieq(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && strncasecmp(s, lit, n) == 0;
}

/* A comma-separated list (RFC 7230 7: "#token") holding tok; icase for
 * Connection and Upgrade, exact for subprotocols (RFC 6455 4.1). */
static bool list_has(const char *v, size_t n, const char *tok, bool icase)
{
	size_t i = 0, s, e;

	while (i < n) {
		for (s = i; s < n && is_ows(v[s]); s++)
			;
		for (e = s; e < n && v[e] != ','; e++)
			;
		i = e + 1;
		while (e > s && is_ows(v[e - 1]))
			e--;
		if (icase ? str_ieq(v + s, e - s, tok) : str_eq(v + s, e - s, tok))
			return true;
	}
	return false;
}

/* What the header lines said; filled by the field handlers. */
struct hs_state {
	unsigned n_host, n_key, n_version, n_accept, n_proto;
	bool upgrade, connection, version13, sip, extension;
	const char *key, *host, *origin, *accept;
	size_t key_len, host_len, origin_len, accept_len;
};

typedef void (*hs_field_fn)(struct hs_state *s, const char *v, size_t n);

struct hs_field {
	const char *name;
	hs_field_fn fn;
};

static void f_upgrade(struct hs_state *s, const char *v, size_t n)
{
	s->upgrade |= list_has(v, n, "websocket", true);
}

static void f_connection(struct hs_state *s, const char *v, size_t n)
{
	s->connection |= list_has(v, n, "Upgrade", true);
}

static void f_host(struct hs_state *s, const char *v, size_t n)
{
	s->n_host++;
	s->host = v;
	s->host_len = n;
}

static void f_origin(struct hs_state *s, const char *v, size_t n)
{
	s->origin = v;
	s->origin_len = n;
}

static void f_key(struct hs_state *s, const char *v, size_t n)
{
	s->n_key++;
	s->key = v;
	s->key_len = n;
}

static void f_version(struct hs_state *s, const char *v, size_t n)
{
	s->n_version++;
	s->version13 = str_eq(v, n, "13");
}

/* Request: a list, and the header may repeat (RFC 6455 11.3.4). */
static void f_proto_offer(struct hs_state *s, const char *v, size_t n)
{
	s->sip |= list_has(v, n, MBL_WS_SUBPROTOCOL, false);
}

/* Response: exactly one value, the one chosen (RFC 6455 4.2.2 item 5.5). */
static void f_proto_chosen(struct hs_state *s, const char *v, size_t n)
{
	s->n_proto++;
	s->sip = str_eq(v, n, MBL_WS_SUBPROTOCOL);
}

static void f_accept(struct hs_state *s, const char *v, size_t n)
{
	s->n_accept++;
	s->accept = v;
	s->accept_len = n;
}

static void f_extensions(struct hs_state *s, const char *v, size_t n)
{
	(void)v;
	s->extension |= n != 0; /* we offered none (RFC 6455 4.1, 9.1) */
}

static const struct hs_field srv_fields[] = {
	{"Host", f_host},
	{"Upgrade", f_upgrade},
	{"Connection", f_connection},
	{"Sec-WebSocket-Key", f_key},
	{"Sec-WebSocket-Version", f_version},
	{"Sec-WebSocket-Protocol", f_proto_offer},
	{"Origin", f_origin},
};

static const struct hs_field cli_fields[] = {
	{"Upgrade", f_upgrade},
	{"Connection", f_connection},
	{"Sec-WebSocket-Accept", f_accept},
	{"Sec-WebSocket-Extensions", f_extensions},
	{"Sec-WebSocket-Protocol", f_proto_chosen},
};

/* One header line: field-name ":" OWS field-value OWS (RFC 7230 3.2). A
 * line starting with whitespace (obs-fold) fails the name check. */
static bool hs_field_line(const char *l, size_t n, const struct hs_field *f, size_t nf,
			  struct hs_state *s)
{
	size_t i = 0, v, j;

	while (i < n && is_tchar((unsigned char)l[i]))
		i++;
	if (i == 0 || i == n || l[i] != ':')
		return false;
	for (v = i + 1; v < n && is_ows(l[v]); v++)
		;
	while (n > v && is_ows(l[n - 1]))
		n--;
	for (j = v; j < n; j++)
		if (!is_fchar((unsigned char)l[j]))
			return false;
	for (j = 0; j < nf; j++)
		if (str_ieq(l, i, f[j].name))
			f[j].fn(s, l + v, n - v);
	return true;
}

/* Every header line from pos to the empty line at end. */
static bool hs_fields(const char *b, size_t pos, size_t end, const struct hs_field *f,
		      size_t nf, struct hs_state *s)
{
	const char *l;
	size_t n;

	while (pos < end) {
		n = hs_line(b, end, &pos, &l);
		if (!hs_field_line(l, n, f, nf, s))
			return false;
	}
	return true;
}

/* ---- server ------------------------------------------------------------------------- */

void mbl_ws_hs_req_init(struct mbl_ws_hs_req *r)
{
	memset(r, 0, sizeof(*r));
}

/* request-line = method SP request-target SP HTTP-version (RFC 7230 3.1.1) */
static enum mbl_ws_hs_err hs_request_line(const char *l, size_t n, struct mbl_ws_hs_req *r)
{
	const char *sp1 = memchr(l, ' ', n), *sp2, *ver;
	size_t i;

	if (sp1 == NULL || sp1 == l)
		return MBL_WS_HS_ERR_request_line;
	sp2 = memchr(sp1 + 1, ' ', n - (size_t)(sp1 + 1 - l));
	if (sp2 == NULL || sp2 == sp1 + 1)
		return MBL_WS_HS_ERR_request_line;
	for (i = 0; l + i < sp1; i++)
		if (!is_tchar((unsigned char)l[i]))
			return MBL_WS_HS_ERR_request_line;
	for (i = 1; sp1 + i < sp2; i++)
		if (sp1[i] <= 0x20 || sp1[i] >= 0x7f)
			return MBL_WS_HS_ERR_request_line;
	ver = sp2 + 1;
	if (!str_eq(ver, n - (size_t)(ver - l), "HTTP/1.1"))
		return MBL_WS_HS_ERR_http_version;
	if (!str_eq(l, (size_t)(sp1 - l), "GET")) /* methods are case-sensitive */
		return MBL_WS_HS_ERR_not_get;
	r->target = sp1 + 1;
	r->target_len = (size_t)(sp2 - sp1 - 1);
	return MBL_WS_HS_OK;
}

/* RFC 6455 4.2.1 items 2-6 and RFC 7118 4.1, in that order. */
static enum mbl_ws_hs_err srv_verdict(const struct hs_state *s)
{
	if (s->n_host != 1)
		return MBL_WS_HS_ERR_host;
	if (!s->upgrade)
		return MBL_WS_HS_ERR_upgrade;
	if (!s->connection)
		return MBL_WS_HS_ERR_connection;
	if (s->n_key != 1)
		return MBL_WS_HS_ERR_no_key;
	if (!key_valid(s->key, s->key_len))
		return MBL_WS_HS_ERR_bad_key;
	if (s->n_version != 1 || !s->version13)
		return MBL_WS_HS_ERR_version;
	if (!s->sip)
		return MBL_WS_HS_ERR_no_sip;
	return MBL_WS_HS_OK;
}

/* Request line, header lines, verdict; the accept value when it passes. */
static enum mbl_ws_hs_err srv_check(struct mbl_ws_hs_req *r, const char *buf, size_t hl,
				    struct hs_state *s)
{
	enum mbl_ws_hs_err e;
	size_t pos = 0, n;
	const char *l;

	n = hs_line(buf, hl - 2, &pos, &l);
	e = hs_request_line(l, n, r);
	if (e != MBL_WS_HS_OK)
		return e;
	if (!hs_fields(buf, pos, hl - 2, srv_fields, MBL_ARRAY_SIZE(srv_fields), s))
		return MBL_WS_HS_ERR_header;
	return srv_verdict(s);
}

ssize_t mbl_ws_hs_server_parse(struct mbl_ws_hs_req *r, const char *buf, size_t len)
{
	struct hs_state s = {0};
	enum mbl_ws_hs_err e;
	ssize_t hl;

	if (r == NULL || (buf == NULL && len != 0))
		return -EINVAL;
	hl = hs_head_len(&r->scan, buf, len);
	if (hl <= 0)
		return hl == 0 ? 0 : hs_fail(&r->err, MBL_WS_HS_ERR_too_big);
	e = srv_check(r, buf, (size_t)hl, &s);
	if (e != MBL_WS_HS_OK)
		return hs_fail(&r->err, e);
	if (mbl_ws_accept(s.key, s.key_len, r->accept) < 0)
		return -EIO;
	r->host = s.host;
	r->host_len = s.host_len;
	r->origin = s.origin;
	r->origin_len = s.origin_len;
	return hl;
}

static ssize_t hs_print(char *out, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static ssize_t hs_print(char *out, size_t cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (out == NULL || cap == 0)
		return -ENOSPC;
	va_start(ap, fmt);
	n = vsnprintf(out, cap, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= cap)
		return -ENOSPC;
	return n;
}

ssize_t mbl_ws_hs_server_accept(const struct mbl_ws_hs_req *r, char *out, size_t cap)
{
	if (r == NULL || r->err != MBL_WS_HS_OK || strlen(r->accept) != MBL_WS_ACCEPT_LEN)
		return -EINVAL;
	/* RFC 6455 4.2.2 item 5; the subprotocol chosen (RFC 7118 4.1). */
	return hs_print(out, cap,
			"HTTP/1.1 101 Switching Protocols\r\n"
			"Upgrade: websocket\r\n"
			"Connection: Upgrade\r\n"
			"Sec-WebSocket-Accept: %s\r\n"
			"Sec-WebSocket-Protocol: " MBL_WS_SUBPROTOCOL "\r\n"
			"\r\n",
			r->accept);
}

ssize_t mbl_ws_hs_server_refuse(enum mbl_ws_hs_err e, char *out, size_t cap)
{
	int status = mbl_ws_hs_err_status(e);
	const char *desc = mbl_ws_hs_err_desc(e);

	if (status == 0)
		return -EINVAL;
	/* A 426 names the protocol to upgrade to (RFC 7231 6.5.15) and the
	 * versions we speak (RFC 6455 4.4); Upgrade needs Connection: upgrade
	 * beside it (RFC 7230 6.7). */
	return hs_print(out, cap,
			"HTTP/1.1 %d %s\r\n"
			"%s"
			"Content-Type: text/plain\r\n"
			"Content-Length: %zu\r\n"
			"\r\n"
			"%s\n",
			status, status == 426 ? "Upgrade Required" : "Bad Request",
			status == 426 ? "Upgrade: websocket\r\n"
					"Connection: Upgrade, close\r\n"
					"Sec-WebSocket-Version: 13\r\n"
				      : "Connection: close\r\n",
			strlen(desc) + 1, desc);
}

/* ---- client --------------------------------------------------------------------------- */

/* Non-empty printable ASCII without spaces: nothing that could end a header
 * line or inject one. */
static bool hs_word(const char *s)
{
	if (s == NULL || *s == '\0')
		return false;
	for (; *s; s++)
		if (*s <= 0x20 || *s >= 0x7f)
			return false;
	return true;
}

ssize_t mbl_ws_hs_client_request(struct mbl_ws_hs_client *c, const char *host, const char *path,
				 const char *origin, const uint8_t rnd[MBL_WS_KEY_RAW], char *out,
				 size_t cap)
{
	if (c == NULL || rnd == NULL || !hs_word(host) ||
	    (path && (path[0] != '/' || !hs_word(path))) || (origin && !hs_word(origin)))
		return -EINVAL;
	memset(c, 0, sizeof(*c));
	EVP_EncodeBlock((unsigned char *)c->key, rnd, MBL_WS_KEY_RAW);
	if (mbl_ws_accept(c->key, MBL_WS_KEY_LEN, c->accept) < 0)
		return -EIO;
	/* RFC 6455 4.1 items 1-9; "sip" per RFC 7118 4.1. */
	return hs_print(out, cap,
			"GET %s HTTP/1.1\r\n"
			"Host: %s\r\n"
			"Upgrade: websocket\r\n"
			"Connection: Upgrade\r\n"
			"Sec-WebSocket-Key: %s\r\n"
			"Sec-WebSocket-Version: 13\r\n"
			"Sec-WebSocket-Protocol: " MBL_WS_SUBPROTOCOL "\r\n"
			"%s%s%s"
			"\r\n",
			path ? path : "/", host, c->key, origin ? "Origin: " : "",
			origin ? origin : "", origin ? "\r\n" : "");
}

/* status-line = HTTP-version SP status-code SP reason-phrase (RFC 7230
 * 3.1.2); a missing reason (and its SP) is tolerated. */
static enum mbl_ws_hs_err hs_status_line(const char *l, size_t n, int *status)
{
	size_t i;

	if (n < 12 || memcmp(l, "HTTP/1.1 ", 9) != 0)
		return MBL_WS_HS_ERR_status_line;
	for (i = 9; i < 12; i++)
		if (l[i] < '0' || l[i] > '9')
			return MBL_WS_HS_ERR_status_line;
	if (n > 12 && l[12] != ' ')
		return MBL_WS_HS_ERR_status_line;
	for (i = 13; i < n; i++)
		if (!is_fchar((unsigned char)l[i]))
			return MBL_WS_HS_ERR_status_line;
	*status = (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
	return *status == 101 ? MBL_WS_HS_OK : MBL_WS_HS_ERR_status;
}

/* RFC 6455 4.1, the client's checks of the response, items 1-6. */
static enum mbl_ws_hs_err cli_verdict(const struct mbl_ws_hs_client *c, const struct hs_state *s)
{
	if (!s->upgrade)
		return MBL_WS_HS_ERR_resp_upgrade;
	if (!s->connection)
		return MBL_WS_HS_ERR_resp_connection;
	if (s->n_accept != 1 || !str_eq(s->accept, s->accept_len, c->accept))
		return MBL_WS_HS_ERR_accept;
	if (s->extension)
		return MBL_WS_HS_ERR_extension;
	if (s->n_proto != 1 || !s->sip)
		return MBL_WS_HS_ERR_resp_protocol; /* RFC 7118 4.1 */
	return MBL_WS_HS_OK;
}

ssize_t mbl_ws_hs_client_response(struct mbl_ws_hs_client *c, const char *buf, size_t len)
{
	struct hs_state s = {0};
	enum mbl_ws_hs_err e;
	size_t pos = 0, n;
	const char *l;
	ssize_t hl;

	if (c == NULL || (buf == NULL && len != 0))
		return -EINVAL;
	hl = hs_head_len(&c->scan, buf, len);
	if (hl <= 0)
		return hl == 0 ? 0 : hs_fail(&c->err, MBL_WS_HS_ERR_too_big);
	n = hs_line(buf, (size_t)hl - 2, &pos, &l);
	e = hs_status_line(l, n, &c->status);
	if (e == MBL_WS_HS_OK && !hs_fields(buf, pos, (size_t)hl - 2, cli_fields,
					    MBL_ARRAY_SIZE(cli_fields), &s))
		e = MBL_WS_HS_ERR_header;
	if (e == MBL_WS_HS_OK)
		e = cli_verdict(c, &s);
	return e == MBL_WS_HS_OK ? hl : hs_fail(&c->err, e);
}
