/* SPDX-License-Identifier: BSD-3-Clause
 * JSON reader: recursive descent over the text into a tree whose nodes
 * come from chunks owned by the document, and whose strings are decoded
 * into one copy of the text (a decoded string is never longer than its
 * source), so a document is three kinds of allocation however large. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbl_common.h"

#define JV_DEPTH_MAX 64
#define JV_CHUNK 256

struct jv_chunk {
	struct jv_chunk *next;
	unsigned used;
	struct mbl_jv n[JV_CHUNK];
};

struct jv_doc {
	struct mbl_jv root;        /* first: the pointer handed out */
	struct jv_chunk *chunks;
	char *strs;                /* decoded strings (owned) */
	size_t strs_used;
};

struct jv_parser {
	const char *p, *end, *start;
	struct jv_doc *doc;
	char *err;
	size_t errlen;
	bool failed;
};

static void jv_fail(struct jv_parser *ps, const char *what)
{
	unsigned line = 1, col = 1;

	if (ps->failed)
		return;
	ps->failed = true;
	for (const char *q = ps->start; q < ps->p; q++) {
		if (*q == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	if (ps->err != NULL && ps->errlen != 0)
		snprintf(ps->err, ps->errlen, "line %u column %u: %s", line, col, what);
}

static struct mbl_jv *jv_node(struct jv_parser *ps)
{
	struct jv_chunk *c = ps->doc->chunks;

	if (c == NULL || c->used == JV_CHUNK) {
		c = calloc(1, sizeof(*c));
		if (c == NULL) {
			jv_fail(ps, "out of memory");
			return NULL;
		}
		c->next = ps->doc->chunks;
		ps->doc->chunks = c;
	}
	return &c->n[c->used++];
}

static void jv_ws(struct jv_parser *ps)
{
	while (ps->p < ps->end &&
	       (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static bool jv_lit(struct jv_parser *ps, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0) {
		jv_fail(ps, "unknown literal");
		return false;
	}
	ps->p += n;
	return true;
}

static int jv_hex4(const char *s)
{
	int v = 0;

	for (int i = 0; i < 4; i++) {
		char c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

static char *jv_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xc0 | cp >> 6);
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xe0 | cp >> 12);
		*o++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*o++ = (char)(0xf0 | cp >> 18);
		*o++ = (char)(0x80 | (cp >> 12 & 0x3f));
		*o++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	}
	return o;
}

/* One \u escape at ps->p (after the backslash-u), a surrogate pair
 * joined: the code point, or -1. */
static long jv_uescape(struct jv_parser *ps)
{
	int hi, lo;

	if (ps->end - ps->p < 4 || (hi = jv_hex4(ps->p)) < 0)
		return -1;
	ps->p += 4;
	if (hi < 0xd800 || hi > 0xdfff)
		return hi;
	if (hi > 0xdbff || ps->end - ps->p < 6 || ps->p[0] != '\\' || ps->p[1] != 'u' ||
	    (lo = jv_hex4(ps->p + 2)) < 0xdc00 || lo > 0xdfff)
		return -1;
	ps->p += 6;
	return 0x10000 + ((long)(hi - 0xd800) << 10) + (lo - 0xdc00);
}

/* A string at ps->p (on its quote): decoded into the string copy. */
static const char *jv_string(struct jv_parser *ps, uint32_t *len)
{
	char *start = ps->doc->strs + ps->doc->strs_used, *o = start;

	ps->p++;
	while (ps->p < ps->end && *ps->p != '"') {
		unsigned char c = (unsigned char)*ps->p;

		if (c < 0x20) {
			jv_fail(ps, "control character in a string");
			return NULL;
		}
		if (c != '\\') {
			*o++ = (char)c;
			ps->p++;
			continue;
		}
		if (++ps->p == ps->end)
			break;
		c = (unsigned char)*ps->p++;
		switch (c) {
		case '"': case '\\': case '/': *o++ = (char)c; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u': {
			long cp = jv_uescape(ps);

			if (cp < 0) {
				jv_fail(ps, "bad \\u escape");
				return NULL;
			}
			o = jv_utf8(o, (unsigned)cp);
			break;
		}
		default:
			jv_fail(ps, "bad escape in a string");
			return NULL;
		}
	}
	if (ps->p == ps->end) {
		jv_fail(ps, "unterminated string");
		return NULL;
	}
	ps->p++;
	*o++ = '\0';
	*len = (uint32_t)(o - start - 1);
	ps->doc->strs_used += (size_t)(o - start);
	return start;
}

/* RFC 8259 number grammar, checked before strtod sees it. */
static bool jv_number(struct jv_parser *ps, double *out)
{
	const char *q = ps->p;
	char buf[64], *e;

	if (q < ps->end && *q == '-')
		q++;
	if (q < ps->end && *q == '0') {
		q++;
	} else if (q < ps->end && *q >= '1' && *q <= '9') {
		while (q < ps->end && *q >= '0' && *q <= '9')
			q++;
	} else {
		jv_fail(ps, "expected a value");
		return false;
	}
	if (q < ps->end && *q == '.') {
		if (++q == ps->end || *q < '0' || *q > '9') {
			jv_fail(ps, "digit expected after '.'");
			return false;
		}
		while (q < ps->end && *q >= '0' && *q <= '9')
			q++;
	}
	if (q < ps->end && (*q == 'e' || *q == 'E')) {
		q++;
		if (q < ps->end && (*q == '+' || *q == '-'))
			q++;
		if (q == ps->end || *q < '0' || *q > '9') {
			jv_fail(ps, "digit expected in the exponent");
			return false;
		}
		while (q < ps->end && *q >= '0' && *q <= '9')
			q++;
	}
	if ((size_t)(q - ps->p) >= sizeof(buf)) {
		jv_fail(ps, "number too long");
		return false;
	}
	memcpy(buf, ps->p, (size_t)(q - ps->p));
	buf[q - ps->p] = '\0';
	*out = strtod(buf, &e);
	ps->p = q;
	return true;
}

static bool jv_value(struct jv_parser *ps, struct mbl_jv *v, int depth);

/* Members or elements up to close; obj: each one "key": value. */
static bool jv_list(struct jv_parser *ps, struct mbl_jv *v, bool obj, int depth)
{
	char close = obj ? '}' : ']';
	struct mbl_jv *last = NULL;

	if (depth >= JV_DEPTH_MAX) {
		jv_fail(ps, "nested too deep");
		return false;
	}
	ps->p++;
	jv_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		return true;
	}
	for (;;) {
		struct mbl_jv *c = jv_node(ps);
		uint32_t klen;

		if (c == NULL)
			return false;
		jv_ws(ps);
		if (obj) {
			if (ps->p == ps->end || *ps->p != '"') {
				jv_fail(ps, "expected a member name");
				return false;
			}
			if ((c->key = jv_string(ps, &klen)) == NULL)
				return false;
			jv_ws(ps);
			if (ps->p == ps->end || *ps->p != ':') {
				jv_fail(ps, "expected ':'");
				return false;
			}
			ps->p++;
		}
		if (!jv_value(ps, c, depth + 1))
			return false;
		if (last == NULL)
			v->child = c;
		else
			last->next = c;
		last = c;
		v->len++;
		jv_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == close) {
			ps->p++;
			return true;
		}
		jv_fail(ps, obj ? "expected ',' or '}'" : "expected ',' or ']'");
		return false;
	}
}

static bool jv_value(struct jv_parser *ps, struct mbl_jv *v, int depth)
{
	jv_ws(ps);
	if (ps->p == ps->end) {
		jv_fail(ps, "unexpected end");
		return false;
	}
	switch (*ps->p) {
	case '{':
		v->type = MBL_JV_OBJ;
		return jv_list(ps, v, true, depth);
	case '[':
		v->type = MBL_JV_ARR;
		return jv_list(ps, v, false, depth);
	case '"':
		v->type = MBL_JV_STR;
		return (v->v.s = jv_string(ps, &v->len)) != NULL;
	case 't':
		v->type = MBL_JV_BOOL;
		v->v.b = true;
		return jv_lit(ps, "true");
	case 'f':
		v->type = MBL_JV_BOOL;
		return jv_lit(ps, "false");
	case 'n':
		v->type = MBL_JV_NULL;
		return jv_lit(ps, "null");
	default:
		v->type = MBL_JV_NUM;
		return jv_number(ps, &v->v.n);
	}
}

void mbl_jv_free(const struct mbl_jv *root)
{
	struct jv_doc *d = (struct jv_doc *)(uintptr_t)root; /* root is the doc's first field */
	struct jv_chunk *c, *n;

	if (d == NULL)
		return;
	for (c = d->chunks; c != NULL; c = n) {
		n = c->next;
		free(c);
	}
	free(d->strs);
	free(d);
}

const struct mbl_jv *mbl_jv_parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct jv_doc *d = calloc(1, sizeof(*d));
	struct jv_parser ps = { .p = text, .end = text + len, .start = text, .doc = d,
				.err = err, .errlen = errlen };

	if (d == NULL || (d->strs = malloc(len + 1)) == NULL) {
		free(d);
		if (err != NULL && errlen != 0)
			snprintf(err, errlen, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	if (jv_value(&ps, &d->root, 0)) {
		jv_ws(&ps);
		if (ps.p != ps.end)
			jv_fail(&ps, "text after the value");
	}
	if (ps.failed) {
		mbl_jv_free(&d->root);
		errno = EINVAL;
		return NULL;
	}
	return &d->root;
}

const struct mbl_jv *mbl_jv_load(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	const struct mbl_jv *root = NULL;
	char *buf = NULL, why[160];
	long n;

	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
	    (buf = malloc((size_t)n + 1)) == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno ? errno : EIO));
		goto out;
	}
	root = mbl_jv_parse(buf, (size_t)n, why, sizeof(why));
	if (root == NULL)
		snprintf(err, errlen, "%s: %s", path, why);
out:
	free(buf);
	fclose(f);
	return root;
}

/* One path segment: a member of an object, or an element by index. */
static const struct mbl_jv *jv_step(const struct mbl_jv *v, const char *seg, size_t n)
{
	if (v->type == MBL_JV_OBJ) {
		for (const struct mbl_jv *c = v->child; c != NULL; c = c->next)
			if (strlen(c->key) == n && memcmp(c->key, seg, n) == 0)
				return c;
		return NULL;
	}
	if (v->type == MBL_JV_ARR && n > 0 && n < 10 && strspn(seg, "0123456789") >= n) {
		unsigned long i = strtoul(seg, NULL, 10);
		const struct mbl_jv *c = v->child;

		while (c != NULL && i-- > 0)
			c = c->next;
		return c;
	}
	return NULL;
}

const struct mbl_jv *mbl_jv_get(const struct mbl_jv *v, const char *path)
{
	while (v != NULL && *path != '\0') {
		size_t n = strcspn(path, ".");

		v = jv_step(v, path, n);
		path += n;
		if (*path == '.')
			path++;
	}
	return v;
}

double mbl_jv_num(const struct mbl_jv *v, double dflt)
{
	return v != NULL && v->type == MBL_JV_NUM ? v->v.n : dflt;
}

const char *mbl_jv_str(const struct mbl_jv *v, const char *dflt)
{
	return v != NULL && v->type == MBL_JV_STR ? v->v.s : dflt;
}

bool mbl_jv_bool(const struct mbl_jv *v, bool dflt)
{
	return v != NULL && v->type == MBL_JV_BOOL ? v->v.b : dflt;
}
