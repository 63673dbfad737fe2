/* SPDX-License-Identifier: BSD-3-Clause
 * Dialogs (RFC 3261 12): the dialog table (Call-ID + local tag), what a
 * dialog learns from the messages that create it, the parts of in-dialog
 * requests, and the dispatch of requests that no transaction matched.
 *
 * Addressing: every request of a call goes to the call's peer address (the
 * INVITE's destination on the UAC, its source on the UAS): the outbound
 * proxy model of a load generator that talks to one SBC. The Request-URI and
 * Route headers still follow the dialog (remote target, route set; loose
 * routing only).
 */
#include <errno.h>
#include <stdio.h>

#include "ua_priv.h"

/* ---- table --------------------------------------------------------------------- */
static uint64_t dlg_hash(const char *call_id, const char *tag)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	const char *p;

	for (p = call_id; *p; p++)
		h = (h ^ (uint8_t)*p) * 0x100000001b3ULL;
	h = (h ^ '\n') * 0x100000001b3ULL;
	for (p = tag; *p; p++)
		h = (h ^ (uint8_t)*p) * 0x100000001b3ULL;
	return h ^ (h >> 31);
}

void mbl_ua_call_hash_add(struct mbl_sip_ua *ua, struct ua_call *c)
{
	struct ua_call **b;

	c->hash = dlg_hash(c->call_id, c->local_tag);
	b = &ua->call_hash[c->hash & ua->call_mask];
	c->hnext = *b;
	*b = c;
	c->hashed = true;
}

static void call_hash_del(struct mbl_sip_ua *ua, struct ua_call *c)
{
	struct ua_call **pp;

	if (!c->hashed)
		return;
	for (pp = &ua->call_hash[c->hash & ua->call_mask]; *pp; pp = &(*pp)->hnext) {
		if (*pp == c) {
			*pp = c->hnext;
			break;
		}
	}
	c->hashed = false;
}

struct ua_call *mbl_ua_call_find(struct mbl_sip_ua *ua, const char *call_id, const char *local_tag)
{
	uint64_t h = dlg_hash(call_id, local_tag);
	struct ua_call *c;

	for (c = ua->call_hash[h & ua->call_mask]; c; c = c->hnext)
		if (c->hash == h && strcmp(c->call_id, call_id) == 0 &&
		    strcmp(c->local_tag, local_tag) == 0)
			return c;
	return NULL;
}

struct ua_call *mbl_ua_call_alloc(struct mbl_sip_ua *ua)
{
	struct ua_call *c = ua->call_free;

	if (c)
		ua->call_free = c->hnext;
	else if (ua->call_unused < ua->call_cap)
		c = &ua->call_pool[ua->call_unused++];
	else
		return NULL;
	memset(c, 0, sizeof(*c));
	c->ua = ua;
	c->tm_rtx.owner = c->tm_end.owner = c;
	c->tm_rtx.kind = c->tm_end.kind = UA_TM_CALL;
	c->local_cseq = 1;
	c->live = true;
	ua->st.call_live++;
	return c;
}

/* An ICT still waiting in Proceeding has no timer left (osip has no Timer C):
 * with nobody to hear its outcome it would live forever, so it goes too. */
static void drop_txn(struct mbl_sip_ua *ua, struct ua_txn *t)
{
	char tag[17];

	if (!t)
		return;
	mbl_ua_txn_detach(t);
	/* An IST without a final response has no timer either: end it. */
	if (!ua->destroying && !t->in_exec && t->kind == UA_IST && t->tr &&
	    t->last_status < 200) {
		mbl_ua_rand_hex(ua, tag, 16);
		mbl_ua_txn_respond(ua, t, 500, tag, NULL, NULL, NULL, NULL);
		return;
	}
	if (!t->in_exec && t->kind == UA_ICT && t->tr && t->tr->state == ICT_PROCEEDING)
		mbl_ua_txn_drop(ua, t);
}

void mbl_ua_call_release(struct mbl_sip_ua *ua, struct ua_call *c)
{
	mbl_ua_wheel_del(&ua->wheel, &c->tm_rtx);
	mbl_ua_wheel_del(&ua->wheel, &c->tm_end);
	drop_txn(ua, c->inv);
	drop_txn(ua, c->bye);
	call_hash_del(ua, c);
	free(c->call_id), free(c->local_tag), free(c->remote_tag);
	free(c->local_hdr), free(c->remote_hdr), free(c->req_uri), free(c->remote_target);
	free(c->route), free(c->rr_echo), free(c->contact_user), free(c->offer);
	osip_free(c->ok2xx);
	osip_free(c->ack);
	c->live = false;
	c->hnext = ua->call_free;
	ua->call_free = c;
	ua->st.call_live--;
}

/* ---- learning ------------------------------------------------------------------- */
static char *call_id_str(const osip_call_id_t *id)
{
	char *s = NULL;

	osip_call_id_to_str(id, &s);
	if (!s)
		return NULL;
	char *d = strdup(s);

	osip_free(s);
	return d;
}

static void set_str(char **dst, char *v)
{
	free(*dst);
	*dst = v;
}

/* Route lines from the Record-Route headers, in order or reversed. */
static char *route_lines(osip_message_t *m, const char *name, bool reverse)
{
	int n = osip_list_size(&m->record_routes), i;
	struct ua_wr w;
	char buf[4096];

	if (n <= 0)
		return NULL;
	mbl_ua_wr_init(&w, buf, sizeof(buf));
	for (i = 0; i < n; i++) {
		osip_record_route_t *rr = osip_list_get(&m->record_routes, reverse ? n - 1 - i : i);
		char *s = UA_DUP_STR(osip_record_route_to_str, rr);

		if (!s)
			return NULL;
		mbl_ua_wr_fmt(&w, "%s: %s\r\n", name, s);
		free(s);
	}
	if (w.over)
		return NULL;
	mbl_ua_wr_mem(&w, "", 1);
	return strdup(buf);
}

static char *contact_uri(osip_message_t *m)
{
	osip_contact_t *ct = osip_list_get(&m->contacts, 0);

	return ct && ct->url ? UA_DUP_STR(osip_uri_to_str, ct->url) : NULL;
}

int mbl_ua_dialog_from_response(struct ua_call *c, osip_message_t *resp, bool final2xx)
{
	osip_generic_param_t *tag = NULL;
	char *s;

	osip_to_get_tag(resp->to, &tag);
	if (tag && tag->gvalue) {
		set_str(&c->remote_tag, strdup(tag->gvalue));
		set_str(&c->remote_hdr, UA_DUP_STR(osip_to_to_str, resp->to));
	}
	if ((s = contact_uri(resp)) != NULL)
		set_str(&c->remote_target, s);
	/* RFC 3261 12.1.2: the UAC's route set is the Record-Route reversed. */
	if (final2xx || tag)
		set_str(&c->route, route_lines(resp, "Route", true));
	return c->remote_hdr && c->remote_tag ? 0 : -ENOMEM;
}

int mbl_ua_dialog_uas_init(struct mbl_sip_ua *ua, struct ua_call *c, osip_message_t *inv,
			   const struct sockaddr *src, socklen_t srclen, uint32_t conn_id)
{
	osip_generic_param_t *tag = NULL;
	char lt[17];

	mbl_ua_rand_hex(ua, lt, 16);
	osip_from_get_tag(inv->from, &tag);
	c->call_id = call_id_str(inv->call_id);
	c->local_tag = strdup(lt);
	c->remote_tag = tag && tag->gvalue ? strdup(tag->gvalue) : strdup("");
	c->local_hdr = UA_DUP_STR(osip_to_to_str, inv->to);
	c->remote_hdr = UA_DUP_STR(osip_from_to_str, inv->from);
	c->remote_target = contact_uri(inv);
	if (!c->remote_target)
		c->remote_target = UA_DUP_STR(osip_uri_to_str, inv->from->url);
	c->contact_user = ua_strdup(inv->to->url ? inv->to->url->username : NULL);
	/* RFC 3261 12.1.1: the UAS's route set is the Record-Route in order,
	 * and its 18x/2xx responses copy the Record-Route headers. */
	c->rr_echo = route_lines(inv, "Record-Route", false);
	c->route = route_lines(inv, "Route", false);
	c->remote_cseq = (uint32_t)strtoul(inv->cseq->number, NULL, 10);
	c->inv_cseq = c->remote_cseq;
	memcpy(&c->peer, src, srclen);
	c->peer_len = srclen;
	c->conn_id = conn_id;
	c->local = ua->in_local;
	return c->call_id && c->local_tag && c->remote_tag && c->local_hdr && c->remote_hdr &&
	       c->remote_target ? 0 : -ENOMEM;
}

void mbl_ua_dialog_req(struct mbl_sip_ua *ua, struct ua_call *c, struct ua_req *r,
		       enum mbl_sip_method m, const char *name, char *branch, char *from,
		       size_t from_cap)
{
	memcpy(branch, "z9hG4bK", 7);
	mbl_ua_rand_hex(ua, branch + 7, 16);
	snprintf(from, from_cap, "%s;tag=%s", c->local_hdr, c->local_tag);
	memset(r, 0, sizeof(*r));
	r->method = m;
	r->method_name = name;
	r->uri = c->remote_target ? c->remote_target : c->req_uri;
	r->branch = branch;
	r->from = from;
	r->to = c->remote_hdr;
	r->call_id = c->call_id;
	r->route = c->route;
	r->local = c->local;
	if (m == MBL_SIP_M_INVITE)
		r->contact_user = c->contact_user ? c->contact_user : "";
}

/* ---- requests no transaction matched --------------------------------------------- */
static const char *tag_of(osip_generic_param_t *p)
{
	return p && p->gvalue ? p->gvalue : NULL;
}

static int respond_new(struct mbl_sip_ua *ua, osip_message_t *msg, enum mbl_sip_method m,
		       const struct sockaddr *src, socklen_t srclen, uint32_t conn_id, int status,
		       const char *extra)
{
	struct ua_txn *t = mbl_ua_txn_server(ua, msg, m, src, srclen, conn_id);
	char tag[17];

	if (!t)
		return errno == ENOBUFS ? -ENOBUFS : 0;
	mbl_ua_rand_hex(ua, tag, 16);
	mbl_ua_txn_respond(ua, t, status, tag, extra, NULL, NULL, NULL);
	return 0;
}

/* RFC 3261 9.2: 200 to the CANCEL; 487 to the INVITE if it has no final
 * response yet; 481 when there is no such INVITE. */
static int incoming_cancel(struct mbl_sip_ua *ua, osip_message_t *msg, const struct sockaddr *src,
			   socklen_t srclen, uint32_t conn_id)
{
	struct ua_txn *ist = mbl_ua_txn_find_invite(ua, msg);
	bool pending = ist && ist->linger == UA_LIVE && ist->last_status < 200;

	if (!ist)
		return respond_new(ua, msg, MBL_SIP_M_CANCEL, src, srclen, conn_id, 481, NULL);
	respond_new(ua, msg, MBL_SIP_M_CANCEL, src, srclen, conn_id, 200, NULL);
	if (pending)
		mbl_ua_call_cancelled(ua, ist);
	return 0;
}

static int in_dialog(struct mbl_sip_ua *ua, osip_message_t *msg, enum mbl_sip_method m,
		     const char *to_tag, const struct sockaddr *src, socklen_t srclen,
		     uint32_t conn_id)
{
	osip_generic_param_t *ft = NULL;
	char *cid = call_id_str(msg->call_id);
	struct ua_call *c = cid ? mbl_ua_call_find(ua, cid, to_tag) : NULL;
	uint32_t cseq = (uint32_t)strtoul(msg->cseq->number, NULL, 10);
	struct ua_txn *t;

	free(cid);
	osip_from_get_tag(msg->from, &ft);
	if (!c || c->state == UA_CS_DEAD ||
	    (c->remote_tag && *c->remote_tag && (!tag_of(ft) || strcmp(c->remote_tag, tag_of(ft)))))
		return respond_new(ua, msg, m, src, srclen, conn_id, 481, NULL);
	/* RFC 3261 12.2.2: a lower CSeq than the last one is out of order. */
	if (c->remote_cseq && cseq < c->remote_cseq)
		return respond_new(ua, msg, m, src, srclen, conn_id, 500, "Retry-After: 1");
	c->remote_cseq = cseq;
	t = mbl_ua_txn_server(ua, msg, m, src, srclen, conn_id);
	if (!t)
		return errno == ENOBUFS ? -ENOBUFS : 0;
	mbl_ua_call_in_dialog(ua, c, t, t->tr->orig_request, m);
	return 0;
}

char *mbl_ua_authorization(osip_message_t *req)
{
	osip_authorization_t *a = osip_list_get(&req->authorizations, 0);

	if (a == NULL)
		a = osip_list_get(&req->proxy_authorizations, 0);
	return a != NULL ? UA_DUP_STR(osip_authorization_to_str, a) : NULL;
}

bool mbl_ua_extra_ok(const char *x)
{
	size_t n = strlen(x);

	if (n >= 2 && (strncmp(x, "\r\n", 2) == 0 || strcmp(x + n - 2, "\r\n") == 0))
		return false;
	for (const char *p = x; *p; p++) {
		if (*p == '\r' && (p[1] != '\n' || p[2] == '\r' || p[2] == '\n'))
			return false; /* lone CR, or an empty line */
		if (*p == '\n' && (p == x || p[-1] != '\r'))
			return false;
	}
	return true;
}

static void strs_free(char **s, unsigned n)
{
	while (n--)
		free(s[n]);
}

/* RFC 3261 10.3 steps 7-8: the 200 to a REGISTER lists the binding with
 * the expiry granted - the Contact's expires parameter, else the request's
 * Expires header, else an hour (the RFC's suggested default). A binding
 * removed (0) or "Contact: *" is not listed. */
static void register_contact(osip_message_t *req, char *out, size_t len)
{
	osip_contact_t *c = osip_list_get(&req->contacts, 0);
	osip_generic_param_t *p = NULL;
	osip_header_t *h = NULL;
	unsigned long exp = 3600;
	char *uri = NULL;

	*out = '\0';
	if (!c || !c->url)
		return;
	if (osip_contact_param_get_byname(c, "expires", &p) == 0 && p && p->gvalue)
		exp = strtoul(p->gvalue, NULL, 10);
	else if (osip_message_get_expires(req, 0, &h) >= 0 && h && h->hvalue)
		exp = strtoul(h->hvalue, NULL, 10);
	if (exp == 0 || osip_uri_to_str(c->url, &uri) != 0 || !uri)
		return;
	snprintf(out, len, "Contact: <%s>;expires=%lu", uri, MBL_MIN(exp, 0xffffffffUL));
	osip_free(uri);
}

/* OPTIONS and REGISTER outside a dialog: answered here. */
static int options_register(struct mbl_sip_ua *ua, osip_message_t *msg, enum mbl_sip_method m,
			    const struct sockaddr *src, socklen_t srclen, uint32_t conn_id)
{
	struct mbl_sip_ev ev = {.type = m == MBL_SIP_M_OPTIONS ? MBL_SIP_EV_OPTIONS
					: MBL_SIP_EV_REGISTER, .reason = "", .reply_status = 200};
	struct ua_txn *t = mbl_ua_txn_server(ua, msg, m, src, srclen, conn_id);
	char *s[4] = {NULL}, tag[17], extra[2048] = "";
	osip_message_t *req;

	if (!t)
		return errno == ENOBUFS ? -ENOBUFS : 0;
	req = t->tr->orig_request;
	ev.from = s[0] = UA_DUP_STR(osip_from_to_str, req->from);
	ev.to = s[1] = UA_DUP_STR(osip_to_to_str, req->to);
	ev.request_uri = s[2] = UA_DUP_STR(osip_uri_to_str, req->req_uri);
	ev.src = src;
	ev.srclen = srclen;
	ev.authorization = s[3] = mbl_ua_authorization(req);
	if (m == MBL_SIP_M_REGISTER)
		register_contact(req, extra, sizeof(extra));
	if (m == MBL_SIP_M_OPTIONS || ua->conf.register_event) {
		mbl_ua_call_emit(ua, NULL, &ev);
		if (ev.reply_status / 100 != 2)
			extra[0] = '\0'; /* no binding was made */
		if (ev.reply_hdr && mbl_ua_extra_ok(ev.reply_hdr))
			snprintf(extra, sizeof(extra), "%s", ev.reply_hdr);
	}
	if (ev.reply_status < 200 || ev.reply_status > 699)
		ev.reply_status = 500;
	mbl_ua_rand_hex(ua, tag, 16);
	mbl_ua_txn_respond(ua, t, m == MBL_SIP_M_OPTIONS ? 200 : ev.reply_status, tag,
			   *extra ? extra : NULL, NULL, NULL, NULL);
	strs_free(s, 4);
	return 0;
}

/* RFC 3261 8.2.2.3: we support no extension, so any Require gets 420 with
 * the option tags echoed in Unsupported. */
static bool requires_extension(osip_message_t *msg, char *extra, size_t cap)
{
	osip_header_t *h = NULL;

	if (osip_message_header_get_byname(msg, "require", 0, &h) < 0 || !h || !h->hvalue)
		return false;
	snprintf(extra, cap, "Unsupported: %s", h->hvalue);
	return true;
}

int mbl_ua_dialog_request(struct mbl_sip_ua *ua, osip_message_t *msg, enum mbl_sip_method m,
			  const struct sockaddr *src, socklen_t srclen, uint32_t conn_id)
{
	osip_generic_param_t *tt = NULL;
	char extra[512];
	const char *to_tag;
	struct ua_txn *t;

	osip_to_get_tag(msg->to, &tt);
	to_tag = tag_of(tt);
	if (m == MBL_SIP_M_ACK) {
		char *cid = to_tag ? call_id_str(msg->call_id) : NULL;
		struct ua_call *c = cid ? mbl_ua_call_find(ua, cid, to_tag) : NULL;

		free(cid);
		if (c && c->state != UA_CS_DEAD)
			mbl_ua_call_ack(ua, c, msg);
		else
			ua->st.unmatched++;
		osip_message_free(msg);
		return 0;
	}
	if (m == MBL_SIP_M_CANCEL)
		return incoming_cancel(ua, msg, src, srclen, conn_id);
	if (requires_extension(msg, extra, sizeof(extra)))
		return respond_new(ua, msg, m, src, srclen, conn_id, 420, extra);
	if (to_tag)
		return in_dialog(ua, msg, m, to_tag, src, srclen, conn_id);
	switch (m) {
	case MBL_SIP_M_INVITE:
		t = mbl_ua_txn_server(ua, msg, m, src, srclen, conn_id);
		if (!t)
			return errno == ENOBUFS ? -ENOBUFS : 0;
		return mbl_ua_call_incoming(ua, t, t->tr->orig_request, src, srclen, conn_id);
	case MBL_SIP_M_OPTIONS:
	case MBL_SIP_M_REGISTER:
		return options_register(ua, msg, m, src, srclen, conn_id);
	case MBL_SIP_M_BYE:
		return respond_new(ua, msg, m, src, srclen, conn_id, 481, NULL);
	default:
		return respond_new(ua, msg, m, src, srclen, conn_id, 405,
				   NULL);
	}
}

/* RFC 3261 13.2.2.4: a 2xx repeated after the ICT ended is the dialog's
 * business: the UAC core sends its ACK again. */
void mbl_ua_dialog_stray_response(struct mbl_sip_ua *ua, osip_message_t *msg)
{
	osip_generic_param_t *ft = NULL;
	struct ua_call *c = NULL;
	char *cid;

	osip_from_get_tag(msg->from, &ft);
	if (msg->status_code / 100 == 2 && strcmp(msg->cseq->method, "INVITE") == 0 && tag_of(ft) &&
	    (cid = call_id_str(msg->call_id)) != NULL) {
		c = mbl_ua_call_find(ua, cid, tag_of(ft));
		free(cid);
	}
	if (c && c->ack && strtoul(msg->cseq->number, NULL, 10) == c->ack_cseq) {
		ua->st.rtx_in++;
		ua->st.rtx_out++;
		mbl_ua_send(ua, c->local, &c->peer, c->peer_len, c->conn_id, c->ack, c->ack_len);
	} else {
		ua->st.unmatched++;
	}
	osip_message_free(msg);
}
