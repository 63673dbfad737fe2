/* SPDX-License-Identifier: BSD-3-Clause
 * Requests outside a dialog (REGISTER, RFC 3261 10.2): one non-INVITE
 * client transaction each, answered by one RESPONSE event. The caller (the
 * call engine's registrations) keeps Call-ID, From tag and CSeq across
 * requests; this file only builds, sends and reports. It also reads the
 * expiry a registrar granted from its 2xx (RFC 3261 10.2.4).
 */
#include <errno.h>
#include <stdio.h>

#include "ua_priv.h"

/* Characters that may not appear in a Request-URI, To/From URI, tag or
 * Call-ID we write verbatim (header injection, broken framing). */
static bool plain(const char *s, bool allow_empty)
{
	if (!s || (!*s && !allow_empty))
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= ' ' || *p == 0x7f || *p == '<' || *p == '>' || *p == '"')
			return false;
	return true;
}

static bool request_ok(const struct mbl_sip_request *r)
{
	enum mbl_sip_method m;

	if (!r || !plain(r->method, false) || !plain(r->uri, false) || !plain(r->to_uri, false) ||
	    !plain(r->from_uri, false) || !plain(r->from_tag, false) ||
	    !plain(r->call_id, false) || (r->contact_user && !plain(r->contact_user, true)) ||
	    (r->extra_hdr && !mbl_ua_extra_ok(r->extra_hdr)))
		return false;
	m = mbl_ua_method(r->method);
	return m != MBL_SIP_M_INVITE && m != MBL_SIP_M_ACK && m != MBL_SIP_M_CANCEL;
}

int mbl_sip_request_send(struct mbl_sip_ua *ua, const struct mbl_sip_request *r,
			 const struct sockaddr *dest, socklen_t destlen, void *user,
			 uint64_t now_ns)
{
	struct sockaddr_storage peer;
	char branch[32], from[1024], to[1024];
	struct ua_req q;
	struct ua_txn *t;
	int n;

	if (!ua || !request_ok(r) || !dest || !destlen || destlen > sizeof(peer) ||
	    r->local >= ua->n_local)
		return -EINVAL;
	mbl_ua_clock(ua, now_ns);
	memcpy(branch, "z9hG4bK", 7);
	mbl_ua_rand_hex(ua, branch + 7, 16);
	if (snprintf(from, sizeof(from), "<%s>;tag=%s", r->from_uri, r->from_tag) >=
		    (int)sizeof(from) ||
	    snprintf(to, sizeof(to), "<%s>", r->to_uri) >= (int)sizeof(to))
		return -EINVAL;
	memset(&q, 0, sizeof(q));
	q.method = mbl_ua_method(r->method);
	q.method_name = r->method;
	q.uri = r->uri;
	q.branch = branch;
	q.from = from;
	q.to = to;
	q.call_id = r->call_id;
	q.cseq = r->cseq;
	q.contact_user = r->contact_user;
	q.extra = r->extra_hdr;
	q.local = (uint16_t)r->local;
	n = mbl_ua_build_request(ua, &q);
	if (n < 0)
		return n;
	memset(&peer, 0, sizeof(peer));
	memcpy(&peer, dest, destlen);
	t = mbl_ua_txn_client_to(ua, &q, ua->scratch, (size_t)n, &peer, destlen);
	if (!t)
		return -errno;
	t->req_contact = strdup(r->contact_user ? r->contact_user : "");
	if (!t->req_contact) {
		/* the request is on its way: its response will find no owner */
		return -ENOMEM;
	}
	t->req_user = user;
	t->req_out = true;
	return 0;
}

/* Our binding among the Contacts of a 2xx: same user, host and port as
 * the Contact we sent (RFC 3261 10.2.4: the registrar lists all bindings
 * of the address of record, ours among them). */
static bool contact_is_ours(const struct mbl_sip_ua *ua, const struct ua_txn *t,
			    const osip_contact_t *c)
{
	const osip_uri_t *u = c ? c->url : NULL;
	unsigned port = ua->conf.local_port ? ua->conf.local_port
			: mbl_ua_default_port(ua->conf.transport);
	const char *host = ua->conf.via_host ? ua->conf.via_host : ua->conf.local_host;

	if (!u || !u->host || strcmp(u->host, host) != 0)
		return false;
	/* a .invalid Contact has no port (RFC 7118 5.2) */
	if (!ua->conf.via_host &&
	    (u->port ? (unsigned)strtoul(u->port, NULL, 10) : 5060) != port)
		return false;
	return strcmp(u->username ? u->username : "", t->req_contact) == 0;
}

/* Seconds granted to our binding: its Contact's expires parameter, else
 * the Expires header (RFC 3261 10.2.4); -1 when neither says. */
static int granted(const struct mbl_sip_ua *ua, const struct ua_txn *t, osip_message_t *m)
{
	osip_header_t *h = NULL;
	osip_contact_t *c;

	for (int i = 0; (c = osip_list_get(&m->contacts, i)) != NULL; i++) {
		osip_generic_param_t *p = NULL;

		if (!contact_is_ours(ua, t, c))
			continue;
		if (osip_contact_param_get_byname(c, "expires", &p) == 0 && p && p->gvalue)
			return (int)MBL_MIN(strtoul(p->gvalue, NULL, 10), (unsigned long)INT32_MAX);
		break;
	}
	if (osip_message_get_expires(m, 0, &h) >= 0 && h && h->hvalue)
		return (int)MBL_MIN(strtoul(h->hvalue, NULL, 10), (unsigned long)INT32_MAX);
	return -1;
}

void mbl_ua_req_note(struct mbl_sip_ua *ua, struct ua_txn *t)
{
	struct mbl_sip_ev ev = {.type = MBL_SIP_EV_RESPONSE, .user = t->req_user, .expires = -1};
	osip_message_t *m = t->note_msg;
	char *ch = NULL;

	if (t->note == UA_NOTE_RESPONSE && (!m || m->status_code < 200))
		return; /* provisional: the final one follows */
	t->req_out = false;
	if (t->note == UA_NOTE_TIMEOUT) {
		ev.status = 408;
		ev.reason = "timer F";
	} else if (t->note == UA_NOTE_TPERR) {
		ev.status = 503;
		ev.reason = "transport error";
	} else {
		void *h = m->status_code == 407 ? osip_list_get(&m->proxy_authenticates, 0)
				: osip_list_get(&m->www_authenticates, 0);

		ev.status = m->status_code;
		ev.reason = mbl_ua_reason(m->status_code);
		ev.proxy_auth = m->status_code == 407;
		if ((m->status_code == 401 || m->status_code == 407) && h)
			osip_www_authenticate_to_str(h, &ch);
		ev.challenge = ch;
		if (m->status_code / 100 == 2)
			ev.expires = granted(ua, t, m);
	}
	ua->ops.event(ua->ops.arg, &ev);
	if (ch)
		osip_free(ch);
}
