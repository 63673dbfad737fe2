/* SPDX-License-Identifier: BSD-3-Clause
 * The checks on osip2's structures: one walk over each field and list osip2
 * filled, no string is re-parsed. First the 400-class syntax checks osip2
 * does not make (scalars out of range, hosts, ports, parameter lists), then
 * the UAS decisions in the order of RFC 3261 8.2: method (8.2.1), URI scheme
 * (8.2.2.1), Require (8.2.2.3), content (8.2.3), and Accept (406) last.
 * The CSeq method is compared after the method check because an unknown
 * method with a mismatching CSeq is a 501 (RFC 4475 3.1.2.18 mismatch02).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mbl_common.h"
#include "sip_msg_priv.h"

/* The methods the call engine implements (the Allow list of a 501). */
static const char *const methods[] = {
	"INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "REGISTER", "INFO", "UPDATE", "PRACK",
};

/* Methods a UAS recognizes without implementing them (IANA SIP methods):
 * those go on to the UA, which answers 405 with Allow (RFC 3261 8.2.1);
 * a method nobody registered gets 501 here (RFC 3261 21.5.2). */
static const char *const recognized[] = {
	"MESSAGE", "NOTIFY", "SUBSCRIBE", "REFER", "PUBLISH",
};

/* Option tags we honour in Require (RFC 3261 8.2.2.3; 100rel: RFC 3262,
 * PRACK is implemented). Add a tag here only when the engine implements it. */
static const char *const option_tags[] = {"100rel"};

#define UNSUP_MAX 8

struct check {
	const osip_message_t *m;
	bool response;
	size_t body_len;
	const char *unsup[UNSUP_MAX]; /* Require tags we lack (osip2's strings) */
	unsigned int n_unsup;
	char *hdr;
};

/* ---- scalars and names ---------------------------------------------------------- */

static bool all_of(const char *s, uint8_t cls)
{
	if (s == NULL || *s == '\0')
		return false;
	for (; *s; s++)
		if (!sip_is(*s, cls))
			return false;
	return true;
}

/* 1*DIGIT no larger than max <= 2^32 - 1 (leading zeros allowed: "0068"). */
static bool number_le(const char *s, uint64_t max)
{
	uint64_t n = 0;

	if (s == NULL || *s == '\0')
		return false;
	for (; *s; s++) {
		if (!sip_is(*s, SIP_C_DIGIT))
			return false;
		n = n * 10 + (uint64_t)(*s - '0');
		if (n > max)
			return false;
	}
	return true;
}

/* ---- URIs, hosts, parameters ------------------------------------------------------ */

static bool is_sip_scheme(const char *s)
{
	return strcasecmp(s, "sip") == 0 || strcasecmp(s, "sips") == 0;
}

/* osip2 strips the brackets of an IPv6 reference, so a host with a colon
 * must be a whole IPv6 address. Whether the brackets were there only the raw
 * text shows (RFC 5118 4.1): sip_msg_scan.c checks that for the Request-URI,
 * To, From and Contact; in a Via osip2 splits "2001:db8::1" at the first
 * colon, so the port check below catches it. */
static bool host_ok(const char *h)
{
	struct in6_addr a;

	if (h == NULL || *h == '\0')
		return false;
	if (strchr(h, ':') != NULL)
		return inet_pton(AF_INET6, h, &a) == 1;
	return all_of(h, SIP_C_HOST);
}

static bool port_ok(const char *p)
{
	return p == NULL || (strlen(p) <= 5 && number_le(p, 65535));
}

/* Names must be present; ";tag" may appear once (RFC 3261 19.3). */
static bool params_ok(const osip_list_t *l, bool one_tag)
{
	const __node_t *n = l->node;
	int i, tags = 0;

	for (i = 0; i < l->nb_elt && n != NULL; i++, n = n->next) {
		const osip_generic_param_t *gp = n->element;

		if (gp->gname == NULL || gp->gname[0] == '\0')
			return false;
		if (one_tag && strcasecmp(gp->gname, "tag") == 0 && ++tags > 1)
			return false;
	}
	return true;
}

/* sip / sips: host, port, parameter names. Other schemes are opaque here
 * (RFC 4475 3.3.4 unksm2: To, From and Contact may use any scheme). */
static bool uri_ok(const osip_uri_t *u)
{
	if (u == NULL || u->scheme == NULL)
		return false;
	if (!is_sip_scheme(u->scheme))
		return true;
	return host_ok(u->host) && port_ok(u->port) && params_ok(&u->url_params, false);
}

static bool name_addr_ok(const osip_from_t *f)
{
	return uri_ok(f->url) && params_ok(&f->gen_params, true);
}

/* ---- headers ------------------------------------------------------------------------ */

static enum mbl_sip_msg_err required(const osip_message_t *m)
{
	if (m->to == NULL)
		return MBL_SIP_MSG_MISSING_TO;
	if (m->from == NULL)
		return MBL_SIP_MSG_MISSING_FROM;
	if (m->call_id == NULL)
		return MBL_SIP_MSG_MISSING_CALL_ID;
	if (m->cseq == NULL)
		return MBL_SIP_MSG_MISSING_CSEQ;
	if (m->vias.nb_elt == 0)
		return MBL_SIP_MSG_MISSING_VIA;
	return MBL_SIP_MSG_OK;
}

/* CSeq = 1*DIGIT LWS Method, the number below 2^31 (RFC 3261 8.1.1.5;
 * RFC 4475 3.1.2.4 scalar02, 3.1.2.5 scalarlg). Call-ID = word ["@" word]
 * (25.1): a space or comma means several values or garbage. */
static enum mbl_sip_msg_err ids(const osip_message_t *m)
{
	if (!all_of(m->cseq->method, SIP_C_TOKEN))
		return MBL_SIP_MSG_BAD_CSEQ;
	if (!number_le(m->cseq->number, INT32_MAX))
		return MBL_SIP_MSG_BAD_CSEQ_NUMBER;
	if (!all_of(m->call_id->number, SIP_C_WORD) ||
	    (m->call_id->host != NULL && !all_of(m->call_id->host, SIP_C_WORD)))
		return MBL_SIP_MSG_BAD_CALL_ID;
	return MBL_SIP_MSG_OK;
}

/* sent-protocol "SIP/2.0/transport" and sent-by (RFC 3261 20.42). */
static bool vias_ok(const osip_list_t *l)
{
	const __node_t *n = l->node;
	int i;

	for (i = 0; i < l->nb_elt && n != NULL; i++, n = n->next) {
		const osip_via_t *via = n->element;

		if (via->version == NULL || strcmp(via->version, "2.0") != 0 ||
		    !all_of(via->protocol, SIP_C_TOKEN) || !host_ok(via->host) ||
		    !port_ok(via->port) || !params_ok(&via->via_params, false))
			return false;
	}
	return true;
}

static bool contacts_ok(const osip_list_t *l)
{
	const __node_t *n = l->node;
	int i;

	for (i = 0; i < l->nb_elt && n != NULL; i++, n = n->next) {
		const osip_contact_t *c = n->element;

		if (c->url == NULL && c->displayname != NULL && strcmp(c->displayname, "*") == 0)
			continue; /* "Contact: *" (REGISTER, RFC 3261 10.2.2) */
		if (!name_addr_ok(c))
			return false;
	}
	return true;
}

static bool option_tag_known(const char *tag)
{
	size_t i;

	for (i = 0; i < MBL_ARRAY_SIZE(option_tags); i++)
		if (strcasecmp(tag, option_tags[i]) == 0)
			return true;
	return false;
}

/* Retry-After = delta-seconds [comment] *(SEMI retry-param) (RFC 3261 20.33):
 * a delta that does not fit 32 bits is garbage (RFC 4475 3.1.2.5). */
static bool retry_after_ok(const char *v)
{
	char num[11];
	size_t n = v != NULL ? strspn(v, "0123456789") : 0;

	if (n == 0 || n > 10 || (v[n] != '\0' && v[n] != ' ' && v[n] != '(' && v[n] != ';'))
		return false;
	memcpy(num, v, n);
	num[n] = '\0';
	return number_le(num, UINT32_MAX);
}

/* warning-value = warn-code SP warn-agent SP warn-text, warn-code = 3DIGIT. */
static bool warning_ok(const char *v)
{
	return v != NULL && strspn(v, "0123456789") == 3 && v[3] == ' ';
}

/* The other headers, in one walk: osip2 keeps them as name/value pairs with
 * the names in lower case and comma lists split into one entry each. */
static enum mbl_sip_msg_err other_headers(struct check *ck)
{
	const osip_list_t *l = &ck->m->headers;
	const __node_t *n = l->node;
	int i;

	for (i = 0; i < l->nb_elt && n != NULL; i++, n = n->next) {
		const osip_header_t *h = n->element;

		if (strcmp(h->hname, "max-forwards") == 0) {
			if (!number_le(h->hvalue, 255)) /* RFC 3261 20.22: 0-255 */
				return MBL_SIP_MSG_BAD_MAX_FORWARDS;
		} else if (strcmp(h->hname, "retry-after") == 0) {
			if (!retry_after_ok(h->hvalue))
				return MBL_SIP_MSG_BAD_RETRY_AFTER;
		} else if (strcmp(h->hname, "warning") == 0) {
			if (!warning_ok(h->hvalue))
				return MBL_SIP_MSG_BAD_WARNING;
		} else if (!ck->response && strcmp(h->hname, "require") == 0 && h->hvalue != NULL &&
			   !option_tag_known(h->hvalue) && ck->n_unsup < UNSUP_MAX) {
			ck->unsup[ck->n_unsup++] = h->hvalue;
		}
	}
	return MBL_SIP_MSG_OK;
}

/* media-type = m-type SLASH m-subtype, both tokens (RFC 3261 20.15); a body
 * needs one (20.15: "MUST be present if the body is not empty"). */
static enum mbl_sip_msg_err content_type(const struct check *ck)
{
	const osip_content_type_t *ct = ck->m->content_type;

	if (ct == NULL)
		return ck->body_len > 0 ? MBL_SIP_MSG_MISSING_CONTENT_TYPE : MBL_SIP_MSG_OK;
	if (!all_of(ct->type, SIP_C_TOKEN) || !all_of(ct->subtype, SIP_C_TOKEN))
		return MBL_SIP_MSG_BAD_CONTENT_TYPE;
	return MBL_SIP_MSG_OK;
}

static enum mbl_sip_msg_err syntax(struct check *ck)
{
	const osip_message_t *m = ck->m;
	enum mbl_sip_msg_err e;

	if ((e = required(m)) != MBL_SIP_MSG_OK || (e = ids(m)) != MBL_SIP_MSG_OK)
		return e;
	if (!name_addr_ok(m->from))
		return MBL_SIP_MSG_BAD_FROM;
	if (!name_addr_ok(m->to))
		return MBL_SIP_MSG_BAD_TO;
	if (!vias_ok(&m->vias))
		return MBL_SIP_MSG_BAD_VIA;
	if (!contacts_ok(&m->contacts))
		return MBL_SIP_MSG_BAD_CONTACT;
	if ((e = other_headers(ck)) != MBL_SIP_MSG_OK)
		return e;
	return content_type(ck);
}

/* ---- UAS decisions (RFC 3261 8.2) ---------------------------------------------------- */

static bool method_known(const char *method)
{
	size_t i;

	for (i = 0; i < MBL_ARRAY_SIZE(methods); i++)
		if (strcmp(method, methods[i]) == 0) /* case-sensitive (7.1) */
			return true;
	for (i = 0; i < MBL_ARRAY_SIZE(recognized); i++)
		if (strcmp(method, recognized[i]) == 0)
			return true;
	return false;
}

/* Append ", item" (or "item" first) to the header line if it still fits. */
static void hdr_add(char *hdr, const char *item)
{
	size_t n = strlen(hdr), k = strlen(item);
	bool first = hdr[n - 1] == ' ' && hdr[n - 2] == ':';

	if (n + (first ? 0 : 2) + k < MBL_SIP_VERDICT_HDR_MAX)
		snprintf(hdr + n, MBL_SIP_VERDICT_HDR_MAX - n, "%s%s", first ? "" : ", ", item);
}

static enum mbl_sip_msg_err unsupported(const struct check *ck)
{
	unsigned int i;

	/* 420 lists what we lack in Unsupported (8.2.2.3); as many as fit. */
	snprintf(ck->hdr, MBL_SIP_VERDICT_HDR_MAX, "Unsupported: ");
	for (i = 0; i < ck->n_unsup; i++)
		hdr_add(ck->hdr, ck->unsup[i]);
	return MBL_SIP_MSG_EXTENSION;
}

/* Content-Type, exactly (subtype NULL: any). */
static bool ct_is(const osip_content_type_t *t, const char *type, const char *subtype)
{
	return strcasecmp(t->type, type) == 0 && (subtype == NULL || strcasecmp(t->subtype, subtype) == 0);
}

/* An Accept entry, with its wildcards (RFC 3261 20.1). */
static bool accept_sdp(const osip_accept_t *a)
{
	return a->type != NULL && a->subtype != NULL &&
	       (strcmp(a->type, "*") == 0 || strcasecmp(a->type, "application") == 0) &&
	       (strcmp(a->subtype, "*") == 0 || strcasecmp(a->subtype, "sdp") == 0);
}

/* No Accept means application/sdp (RFC 3261 20.1); an empty one means none. */
static bool accepts_sdp(const osip_list_t *l)
{
	const __node_t *n = l->node;
	int i;

	if (l->nb_elt == 0)
		return true;
	for (i = 0; i < l->nb_elt && n != NULL; i++, n = n->next)
		if (accept_sdp(n->element))
			return true;
	return false;
}

/* 8.2.3: a body we cannot process is a 415 naming what we take; a response
 * body (an SDP answer) the request's Accept excludes is a 406 (RFC 4475
 * 3.3.15 sdp01). */
static enum mbl_sip_msg_err content(const struct check *ck)
{
	const osip_message_t *m = ck->m;
	const osip_content_encoding_t *ce = osip_list_get(&m->content_encodings, 0);
	const osip_content_type_t *ct = m->content_type;

	if (ck->body_len == 0)
		return MBL_SIP_MSG_OK;
	if (!ct_is(ct, "application", "sdp") && !ct_is(ct, "multipart", NULL)) {
		snprintf(ck->hdr, MBL_SIP_VERDICT_HDR_MAX, "Accept: application/sdp");
		return MBL_SIP_MSG_MEDIA_TYPE;
	}
	if (ce != NULL && (m->content_encodings.nb_elt > 1 || ce->value == NULL ||
			   strcasecmp(ce->value, "identity") != 0)) {
		snprintf(ck->hdr, MBL_SIP_VERDICT_HDR_MAX, "Accept-Encoding: identity");
		return MBL_SIP_MSG_ENCODING;
	}
	if (ct_is(ct, "application", "sdp") && !accepts_sdp(&m->accepts)) {
		snprintf(ck->hdr, MBL_SIP_VERDICT_HDR_MAX, "Accept: application/sdp");
		return MBL_SIP_MSG_NOT_ACCEPTABLE;
	}
	return MBL_SIP_MSG_OK;
}

static enum mbl_sip_msg_err uas(struct check *ck)
{
	const osip_message_t *m = ck->m;
	size_t i;

	if (!method_known(m->sip_method)) {
		snprintf(ck->hdr, MBL_SIP_VERDICT_HDR_MAX, "Allow: ");
		for (i = 0; i < MBL_ARRAY_SIZE(methods); i++)
			hdr_add(ck->hdr, methods[i]);
		return MBL_SIP_MSG_METHOD;
	}
	if (strcmp(m->cseq->method, m->sip_method) != 0)
		return MBL_SIP_MSG_CSEQ_MISMATCH;
	if (m->req_uri == NULL || m->req_uri->scheme == NULL ||
	    !mbl_sip_scheme_ok(m->req_uri->scheme, strlen(m->req_uri->scheme)))
		return MBL_SIP_MSG_SCHEME;
	/* Require is ignored in CANCEL and ACK (8.2.2.3): neither gets a 420. */
	if (ck->n_unsup > 0 && strcmp(m->sip_method, "CANCEL") != 0 &&
	    strcmp(m->sip_method, "ACK") != 0)
		return unsupported(ck);
	return content(ck);
}

enum mbl_sip_msg_err mbl_sip_check(const osip_message_t *m, bool response, size_t body_len,
				   char *hdr)
{
	struct check ck = {.m = m, .response = response, .body_len = body_len, .hdr = hdr};
	enum mbl_sip_msg_err e = syntax(&ck);

	if (e != MBL_SIP_MSG_OK || response)
		return e;
	return uas(&ck);
}
