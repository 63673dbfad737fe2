/* SPDX-License-Identifier: BSD-3-Clause
 * Error responses to rejected requests (RFC 3261 8.2.6): the status line,
 * then Via (all, in order), From, To (with a tag), Call-ID and CSeq copied
 * from the request (8.2.6.2), the verdict's extra header, Content-Length: 0.
 * From osip2's structures when the request parsed, else from the raw bytes.
 * This is the rejection path: osip2's *_to_str allocations are acceptable.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sip_msg_priv.h"

#define FNV_BASIS 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

/* Output that counts what it could not store, so overflow is one check. */
struct out {
	char *b;
	size_t cap;
	size_t n;
};

static void put(struct out *o, const char *s, size_t k)
{
	if (o->n <= o->cap && k <= o->cap - o->n)
		memcpy(o->b + o->n, s, k);
	o->n += k;
}

static void put_str(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static struct sip_span trim(struct sip_span v)
{
	while (v.len > 0 && sip_is_lws(v.p[0])) {
		v.p++;
		v.len--;
	}
	while (v.len > 0 && sip_is_lws(v.p[v.len - 1]))
		v.len--;
	return v;
}

static struct sip_span span_of(const char *s)
{
	return (struct sip_span){s, strlen(s)};
}

/* "Name: value\r\n", folded lines joined with one space. */
static void put_field(struct out *o, const char *name, struct sip_span v, const char *suffix)
{
	const char *p, *e, *s;

	v = trim(v);
	put_str(o, name);
	put_str(o, ": ");
	for (p = v.p, e = v.p + v.len; p < e;) {
		for (s = p; p < e && *p != '\r' && *p != '\n'; p++)
			;
		put(o, s, (size_t)(p - s));
		if (p < e)
			put(o, " ", 1);
		while (p < e && sip_is_lws(*p))
			p++;
	}
	put_str(o, suffix);
	put(o, "\r\n", 2);
}

static uint64_t fnv(uint64_t h, struct sip_span v)
{
	size_t i;

	for (i = 0; i < v.len; i++) {
		h ^= (unsigned char)v.p[i];
		h *= FNV_PRIME;
	}
	return h ^ 0xff; /* field separator */
}

/* To tag for the response (RFC 3261 8.2.6.2, 19.3). An error response makes
 * no dialog; deriving the tag from the request keeps retransmissions alike. */
static void tag_text(uint64_t h, char tag[32])
{
	snprintf(tag, 32, ";tag=%016llx", (unsigned long long)h);
}

static void put_head(struct out *o, const struct mbl_sip_verdict *v)
{
	char line[32];

	snprintf(line, sizeof(line), "SIP/2.0 %d ", v->status);
	put_str(o, line);
	put_str(o, v->reason != NULL ? v->reason : mbl_sip_msg_err_reason(v->err));
	put(o, "\r\n", 2);
}

/* cseq: the raw value, or osip2's number when method is not NULL. */
static void put_tail(struct out *o, const struct mbl_sip_verdict *v, struct sip_span call_id,
		     struct sip_span cseq, const char *method)
{
	put_field(o, "Call-ID", call_id, "");
	if (method == NULL) {
		put_field(o, "CSeq", cseq, "");
	} else {
		put_str(o, "CSeq: ");
		put(o, cseq.p, cseq.len);
		put(o, " ", 1);
		put_str(o, method);
		put(o, "\r\n", 2);
	}
	if (v->hdr[0] != '\0') {
		put_str(o, v->hdr);
		put(o, "\r\n", 2);
	}
	put_str(o, "Content-Length: 0\r\n\r\n");
}

/* ---- from osip2's structures ------------------------------------------------------ */

static int vias_from_msg(struct out *o, const osip_list_t *l, uint64_t *h)
{
	const __node_t *n = l->node;
	char *s;
	int i;

	for (i = 0; i < l->nb_elt && n != NULL; i++, n = n->next) {
		if (osip_via_to_str(n->element, &s) != OSIP_SUCCESS)
			return -EINVAL;
		if (i == 0)
			*h = fnv(*h, span_of(s));
		put_field(o, "Via", span_of(s), "");
		osip_free(s);
	}
	return 0;
}

static int addr_from_msg(struct out *o, const char *name, osip_from_t *f, const char *tag)
{
	osip_generic_param_t *t = NULL;
	char *s;

	if (f == NULL)
		return 0; /* not in the request: not in the answer either */
	if (osip_from_to_str(f, &s) != OSIP_SUCCESS)
		return -EINVAL;
	if (tag != NULL)
		osip_from_get_tag(f, &t);
	put_field(o, name, span_of(s), tag != NULL && t == NULL ? tag : "");
	osip_free(s);
	return 0;
}

static int reply_from_msg(const osip_message_t *m, const struct mbl_sip_verdict *v,
			  struct out *o)
{
	char *cid = NULL, tag[32];
	uint64_t h = FNV_BASIS;
	int rc;

	if (MSG_IS_RESPONSE(m) || m->sip_method == NULL || strcmp(m->sip_method, "ACK") == 0 ||
	    m->vias.nb_elt == 0 || m->call_id == NULL || m->cseq == NULL ||
	    m->cseq->number == NULL || m->cseq->method == NULL)
		return -EINVAL;
	if (osip_call_id_to_str(m->call_id, &cid) != OSIP_SUCCESS)
		return -EINVAL;
	h = fnv(fnv(fnv(h, span_of(cid)), span_of(m->cseq->number)), span_of(m->cseq->method));
	put_head(o, v);
	rc = vias_from_msg(o, &m->vias, &h);
	tag_text(h, tag);
	if (rc == 0)
		rc = addr_from_msg(o, "From", m->from, NULL);
	if (rc == 0)
		rc = addr_from_msg(o, "To", m->to, tag);
	if (rc == 0)
		put_tail(o, v, span_of(cid), span_of(m->cseq->number), m->cseq->method);
	osip_free(cid);
	return rc;
}

/* ---- from the raw bytes --------------------------------------------------------------- */

/* Does a raw To value carry ";tag=" (outside quotes and brackets)? */
static bool raw_has_tag(struct sip_span v)
{
	const char *p = v.p, *e = v.p + v.len;
	bool quoted = false, angle = false;

	for (; p < e; p++) {
		if (quoted) {
			if (*p == '\\' && p + 1 < e)
				p++;
			else if (*p == '"')
				quoted = false;
		} else if (*p == '"' || *p == '<' || *p == '>') {
			quoted = *p == '"';
			angle = *p == '<';
		} else if (*p == ';' && !angle) {
			const char *q = p + 1;

			while (q < e && sip_is_lws(*q))
				q++;
			if (e - q < 3 || strncasecmp(q, "tag", 3) != 0)
				continue;
			for (q += 3; q < e && sip_is_lws(*q); q++)
				;
			if (q < e && *q == '=')
				return true;
		}
	}
	return false;
}

/* The start of the header lines of a request we may answer, or NULL. */
static const char *raw_headers(const char *raw, size_t len)
{
	const char *end = raw + len, *p = mbl_sip_skip_crlf(raw, end), *nl;

	if (end - p < 4 || strncasecmp(p, "SIP/", 4) == 0 || memcmp(p, "ACK ", 4) == 0)
		return NULL;
	nl = memchr(p, '\n', (size_t)(end - p));
	return nl != NULL ? nl + 1 : NULL;
}

static int reply_from_raw(const char *raw, size_t len, const struct mbl_sip_verdict *v,
			  struct out *o)
{
	struct sip_span first[SIP_HK_MAX] = {{NULL, 0}};
	const char *hdrs = raw_headers(raw, len);
	struct sip_hdr_it it;
	struct sip_hdr h;
	char tag[32];
	int rc;

	if (hdrs == NULL)
		return -EINVAL;
	it = (struct sip_hdr_it){hdrs, raw + len};
	while ((rc = mbl_sip_hdr_next(&it, &h)) != SIP_IT_BLANK && rc != SIP_IT_EOF)
		if (rc == SIP_IT_HDR && first[h.kind].p == NULL && trim(h.value).len > 0)
			first[h.kind] = h.value;
	if (first[SIP_HK_VIA].p == NULL || first[SIP_HK_CALL_ID].p == NULL ||
	    first[SIP_HK_CSEQ].p == NULL)
		return -EINVAL;
	tag_text(fnv(fnv(fnv(FNV_BASIS, trim(first[SIP_HK_CALL_ID])), trim(first[SIP_HK_CSEQ])),
		     trim(first[SIP_HK_VIA])),
		 tag);
	put_head(o, v);
	it = (struct sip_hdr_it){hdrs, raw + len};
	while ((rc = mbl_sip_hdr_next(&it, &h)) != SIP_IT_BLANK && rc != SIP_IT_EOF)
		if (rc == SIP_IT_HDR && h.kind == SIP_HK_VIA && trim(h.value).len > 0)
			put_field(o, "Via", h.value, "");
	if (first[SIP_HK_FROM].p != NULL)
		put_field(o, "From", first[SIP_HK_FROM], "");
	if (first[SIP_HK_TO].p != NULL)
		put_field(o, "To", first[SIP_HK_TO], raw_has_tag(first[SIP_HK_TO]) ? "" : tag);
	put_tail(o, v, first[SIP_HK_CALL_ID], first[SIP_HK_CSEQ], NULL);
	return 0;
}

int mbl_sip_msg_error_response(const osip_message_t *req, const char *raw, size_t rawlen,
			       const struct mbl_sip_verdict *v, char *buf, size_t len)
{
	struct out o = {buf, len, 0};
	int rc;

	if (v == NULL || v->kind != MBL_SIP_REJECT || v->status < 300 || v->status > 699 ||
	    buf == NULL || (req == NULL && raw == NULL))
		return -EINVAL;
	rc = req != NULL ? reply_from_msg(req, v, &o) : reply_from_raw(raw, rawlen, v, &o);
	if (rc != 0)
		return rc;
	if (o.n >= o.cap)
		return -ENOSPC;
	buf[o.n] = '\0';
	return (int)o.n;
}
