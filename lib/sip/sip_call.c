/* SPDX-License-Identifier: BSD-3-Clause
 * Calls, UAC side and the parts both sides share: events, the INVITE / ACK /
 * BYE / CANCEL requests, what the client transactions' outcomes mean for the
 * call, re-INVITE and digest challenges. The UAS side is in sip_uas.c.
 */
#include <errno.h>
#include <stdio.h>

#include "ua_priv.h"

/* ---- events ---------------------------------------------------------------------- */
void mbl_ua_ev_body(struct mbl_sip_ev *ev, osip_message_t *msg, char **ct_buf)
{
	osip_body_t *b = msg ? osip_list_get(&msg->bodies, 0) : NULL;
	osip_header_t *w = NULL;
	char *s = NULL;

	*ct_buf = NULL;
	if (msg && MSG_IS_RESPONSE(msg) && msg->status_code >= 300 &&
	    osip_message_header_get_byname(msg, "warning", 0, &w) >= 0 && w && w->hvalue)
		ev->warning = w->hvalue;
	if (!b || !b->body || !b->length)
		return;
	ev->body = b->body;
	ev->body_len = b->length;
	if (msg->content_type && osip_content_type_to_str(msg->content_type, &s) == 0 && s) {
		*ct_buf = strdup(s);
		osip_free(s);
	}
	ev->content_type = *ct_buf;
}

bool mbl_ua_call_emit(struct mbl_sip_ua *ua, struct ua_call *c, struct mbl_sip_ev *ev)
{
	ev->call = (struct mbl_sip_call *)c;
	ev->user = c ? c->user : NULL;
	if (!ev->reason)
		ev->reason = "";
	if (!c) {
		ua->ops.event(ua->ops.arg, ev);
		return true;
	}
	c->in_cb++;
	ua->ops.event(ua->ops.arg, ev);
	if (--c->in_cb == 0 && c->state == UA_CS_DEAD) {
		mbl_ua_call_release(ua, c);
		return false;
	}
	return c->state != UA_CS_DEAD;
}

void mbl_ua_call_end(struct mbl_sip_ua *ua, struct ua_call *c)
{
	c->state = UA_CS_DEAD;
	if (!c->in_cb)
		mbl_ua_call_release(ua, c);
}

/* Give c's terminal event: the UA frees c once the callback returned. */
void mbl_ua_call_final(struct mbl_sip_ua *ua, struct ua_call *c, enum mbl_sip_ev_type type,
		       int status, const char *reason, osip_message_t *msg)
{
	struct mbl_sip_ev ev = {.type = type, .status = status, .reason = reason};
	char *ct = NULL;

	mbl_ua_ev_body(&ev, msg, &ct);
	c->state = UA_CS_DEAD;
	mbl_ua_call_emit(ua, c, &ev);
	free(ct);
}

/* A non-terminal event with msg's body. Returns false if c is gone. */
bool mbl_ua_call_event(struct mbl_sip_ua *ua, struct ua_call *c, enum mbl_sip_ev_type type,
		       int status, const char *reason, osip_message_t *msg, bool reinvite)
{
	struct mbl_sip_ev ev = {.type = type, .status = status, .reason = reason,
				.reinvite = reinvite};
	char *ct = NULL;
	bool alive;

	mbl_ua_ev_body(&ev, msg, &ct);
	alive = mbl_ua_call_emit(ua, c, &ev);
	free(ct);
	return alive;
}

/* ---- requests ------------------------------------------------------------------------ */
/* Build r and run it through a new client transaction. */
static struct ua_txn *send_req(struct mbl_sip_ua *ua, struct ua_call *c, const struct ua_req *r,
			       int *err)
{
	int n = mbl_ua_build_request(ua, r);
	struct ua_txn *t;

	if (n < 0) {
		*err = n;
		return NULL;
	}
	t = mbl_ua_txn_client(ua, c, r, ua->scratch, (size_t)n);
	*err = t ? 0 : -errno;
	return t;
}

static int send_invite(struct mbl_sip_ua *ua, struct ua_call *c, const char *extra)
{
	char branch[32], from[1024];
	struct ua_req r;
	int err;

	mbl_ua_dialog_req(ua, c, &r, MBL_SIP_M_INVITE, "INVITE", branch, from, sizeof(from));
	r.cseq = c->local_cseq;
	r.extra = extra;
	r.body = c->offer;
	c->inv = send_req(ua, c, &r, &err);
	c->inv_cseq = c->local_cseq;
	return err;
}

/* RFC 3261 13.2.2.4: the UAC core ACKs a 2xx itself, in a new transaction
 * of its own (new branch), and keeps the bytes for repeated 2xx. */
static void send_ack_2xx(struct mbl_sip_ua *ua, struct ua_call *c)
{
	char branch[32], from[1024];
	struct ua_req r;
	int n;

	mbl_ua_dialog_req(ua, c, &r, MBL_SIP_M_ACK, "ACK", branch, from, sizeof(from));
	r.cseq = c->inv_cseq;
	n = mbl_ua_build_request(ua, &r);
	if (n < 0)
		return;
	osip_free(c->ack);
	c->ack = osip_malloc((size_t)n);
	if (!c->ack)
		return;
	memcpy(c->ack, ua->scratch, (size_t)n);
	c->ack_len = (uint32_t)n;
	c->ack_cseq = c->inv_cseq;
	ua->st.req_out[MBL_SIP_M_ACK]++;
	mbl_ua_send(ua, c->local, &c->peer, c->peer_len, c->conn_id, c->ack, c->ack_len);
}

/* BYE on the dialog. With orphan set nobody waits for its outcome. */
static int send_bye(struct mbl_sip_ua *ua, struct ua_call *c, bool orphan)
{
	char branch[32], from[1024];
	struct ua_req r;
	struct ua_txn *t;
	int err;

	mbl_ua_dialog_req(ua, c, &r, MBL_SIP_M_BYE, "BYE", branch, from, sizeof(from));
	r.cseq = ++c->local_cseq;
	mbl_ua_wheel_del(&ua->wheel, &c->tm_rtx);
	mbl_ua_wheel_del(&ua->wheel, &c->tm_end);
	t = send_req(ua, c, &r, &err);
	if (t && orphan)
		mbl_ua_txn_detach(t);
	else if (t)
		c->bye = t;
	if (!orphan && t)
		c->state = UA_CS_BYE_SENT;
	return err;
}

int mbl_ua_call_send_bye(struct mbl_sip_ua *ua, struct ua_call *c, bool orphan)
{
	return send_bye(ua, c, orphan);
}

/* RFC 3261 9.1: same Request-URI, Call-ID, From, To (without the tag the
 * responses added), CSeq number and branch as the INVITE. */
static int send_cancel(struct mbl_sip_ua *ua, struct ua_call *c)
{
	char to[1024], from[1024], branch[32];
	struct ua_req r;
	struct ua_txn *t;
	int err;

	if (!c->inv || !c->inv->branch)
		return -EPERM;
	mbl_ua_dialog_req(ua, c, &r, MBL_SIP_M_CANCEL, "CANCEL", branch, from, sizeof(from));
	snprintf(to, sizeof(to), "<%s>", c->req_uri);
	r.uri = c->req_uri;
	r.to = to;
	r.route = NULL;
	r.branch = c->inv->branch;
	r.cseq = c->inv_cseq;
	t = send_req(ua, c, &r, &err);
	if (t)
		mbl_ua_txn_detach(t);
	c->cancel_sent = true;
	c->tm_rtx.timer = MBL_SIP_TIMER_CANCEL;
	mbl_ua_wheel_add(&ua->wheel, &c->tm_rtx, ua->now + 64ULL * ua->t1 * 1000000ULL);
	return err;
}

/* ---- outcomes of our INVITE ------------------------------------------------------------ */
static void ict_provisional(struct mbl_sip_ua *ua, struct ua_call *c, osip_message_t *m)
{
	osip_generic_param_t *tag = NULL;

	osip_to_get_tag(m->to, &tag);
	if (tag && !c->reinvite_out)
		mbl_ua_dialog_from_response(c, m, false);
	if (!c->reinvite_out && c->state == UA_CS_CALLING)
		c->state = UA_CS_EARLY;
	if (c->cancel_wanted && !c->cancel_sent)
		send_cancel(ua, c);
	if (m->status_code > 100)
		mbl_ua_call_event(ua, c, MBL_SIP_EV_PROGRESS, m->status_code, mbl_ua_reason(m->status_code),
			   m, c->reinvite_out);
}

static void ict_2xx(struct mbl_sip_ua *ua, struct ua_call *c, osip_message_t *m)
{
	bool re = c->reinvite_out;

	mbl_ua_txn_detach(c->inv);
	if (!re)
		mbl_ua_dialog_from_response(c, m, true);
	send_ack_2xx(ua, c);
	c->reinvite_out = false;
	if (c->cancel_wanted) {
		/* The 2xx crossed our CANCEL: the call exists, end it. */
		send_bye(ua, c, true);
		mbl_ua_call_final(ua, c, MBL_SIP_EV_CANCELLED, m->status_code, "answered before CANCEL", m);
		return;
	}
	c->state = UA_CS_CONFIRMED;
	mbl_ua_call_event(ua, c, MBL_SIP_EV_ANSWERED, m->status_code, mbl_ua_reason(m->status_code), m, re);
}

static void ict_challenge(struct mbl_sip_ua *ua, struct ua_call *c, osip_message_t *m)
{
	struct mbl_sip_ev ev = {.type = MBL_SIP_EV_CHALLENGE, .status = m->status_code,
				.reason = mbl_ua_reason(m->status_code)};
	void *h = m->status_code == 407 ? osip_list_get(&m->proxy_authenticates, 0)
					 : osip_list_get(&m->www_authenticates, 0);
	char *s = NULL;

	c->state = UA_CS_CHALLENGED;
	c->proxy_auth = m->status_code == 407;
	ev.proxy_auth = c->proxy_auth;
	if (h)
		osip_www_authenticate_to_str(h, &s);
	ev.challenge = s ? s : "";
	mbl_ua_call_emit(ua, c, &ev);
	if (s)
		osip_free(s);
}

static void ict_final(struct mbl_sip_ua *ua, struct ua_call *c, osip_message_t *m)
{
	int st = m->status_code;

	mbl_ua_txn_detach(c->inv);
	if (c->reinvite_out) {
		c->reinvite_out = false;
		mbl_ua_call_event(ua, c, MBL_SIP_EV_REINVITE_FAILED, st, mbl_ua_reason(st), m, true);
	} else if ((st == 401 || st == 407) && !c->cancel_wanted) {
		ict_challenge(ua, c, m);
	} else if (c->cancel_sent && st == 487) {
		mbl_ua_call_final(ua, c, MBL_SIP_EV_CANCELLED, st, "cancelled", m);
	} else {
		mbl_ua_call_final(ua, c, MBL_SIP_EV_FAILED, st, mbl_ua_reason(st), m);
	}
}

static void ict_failed(struct mbl_sip_ua *ua, struct ua_call *c, int status, const char *why)
{
	mbl_ua_txn_detach(c->inv);
	if (c->reinvite_out) {
		c->reinvite_out = false;
		mbl_ua_call_event(ua, c, MBL_SIP_EV_REINVITE_FAILED, status, why, NULL, true);
	} else if (c->cancel_sent) {
		mbl_ua_call_final(ua, c, MBL_SIP_EV_CANCELLED, status, why, NULL);
	} else {
		mbl_ua_call_final(ua, c, MBL_SIP_EV_FAILED, status, why, NULL);
	}
}

void mbl_ua_call_note(struct mbl_sip_ua *ua, struct ua_txn *t)
{
	struct ua_call *c = t->call;
	osip_message_t *m = t->note_msg;

	if (!c || c->state == UA_CS_DEAD)
		return;
	if (t->kind == UA_ICT && c->inv == t) {
		if (t->note == UA_NOTE_TIMEOUT)
			ict_failed(ua, c, 408, "timer B");
		else if (t->note == UA_NOTE_TPERR)
			ict_failed(ua, c, 503, "transport error");
		else if (m->status_code < 200)
			ict_provisional(ua, c, m);
		else if (m->status_code < 300)
			ict_2xx(ua, c, m);
		else
			ict_final(ua, c, m);
	} else if (t->kind == UA_NICT && c->bye == t) {
		if (t->note == UA_NOTE_TIMEOUT)
			mbl_ua_call_final(ua, c, MBL_SIP_EV_ENDED, 408, "timer F", NULL);
		else if (t->note == UA_NOTE_TPERR)
			mbl_ua_call_final(ua, c, MBL_SIP_EV_ENDED, 503, "transport error", NULL);
		else if (m->status_code >= 200)
			mbl_ua_call_final(ua, c, MBL_SIP_EV_ENDED, m->status_code,
				   mbl_ua_reason(m->status_code), NULL);
	}
}

/* ---- API -------------------------------------------------------------------------------- */
/* A SIP URI we can put into a Request-URI and a name-addr as it is: no
 * blank, control character, quote or angle bracket (header injection). */
static bool uri_ok(const char *u)
{
	const unsigned char *p;

	if (!u || (strncmp(u, "sip:", 4) != 0 && strncmp(u, "sips:", 5) != 0) || !strchr(u, ':')[1])
		return false;
	for (p = (const unsigned char *)u; *p; p++)
		if (*p <= ' ' || *p == 0x7f || *p == '<' || *p == '>' || *p == '"')
			return false;
	return true;
}

/* User part of a SIP URI, or "". */
static char *uri_user(const char *u)
{
	const char *s = strchr(u, ':') + 1, *at = strchr(s, '@');

	return at ? strndup(s, (size_t)(at - s)) : strdup("");
}

#define ua_clock mbl_ua_clock

static int uac_init(struct mbl_sip_ua *ua, struct ua_call *c, const char *target,
		    const char *from_uri, const char *sdp)
{
	char id[64], tag[17];
	size_t n = strlen(target) + 3;

	mbl_ua_rand_hex(ua, id, 24);
	mbl_ua_rand_hex(ua, tag, 16);
	c->call_id = malloc(strlen(id) + strlen(ua->conf.local_host) + 2);
	if (c->call_id)
		sprintf(c->call_id, "%s@%s", id, ua->conf.local_host);
	c->local_tag = strdup(tag);
	c->local_hdr = malloc(strlen(from_uri) + 3);
	if (c->local_hdr)
		sprintf(c->local_hdr, "<%s>", from_uri);
	c->remote_hdr = malloc(n);
	if (c->remote_hdr)
		snprintf(c->remote_hdr, n, "<%s>", target);
	c->req_uri = strdup(target);
	c->contact_user = uri_user(from_uri);
	c->offer = ua_strdup(sdp);
	if (!c->call_id || !c->local_tag || !c->local_hdr || !c->remote_hdr || !c->req_uri ||
	    !c->contact_user || (sdp && !c->offer))
		return -ENOMEM;
	return 0;
}

struct mbl_sip_call *mbl_sip_call_invite(struct mbl_sip_ua *ua, const char *target_uri,
					 const char *from_uri, const struct sockaddr *dest,
					 socklen_t destlen, const char *sdp, void *user,
					 uint64_t now_ns)
{
	return mbl_sip_call_invite_from(ua, 0, target_uri, from_uri, dest, destlen, sdp, user,
					now_ns);
}

struct mbl_sip_call *mbl_sip_call_invite_from(struct mbl_sip_ua *ua, unsigned local,
					      const char *target_uri, const char *from_uri,
					      const struct sockaddr *dest, socklen_t destlen,
					      const char *sdp, void *user, uint64_t now_ns)
{
	struct ua_call *c;
	int rc;

	if (!ua || local >= ua->n_local || !uri_ok(target_uri) || !uri_ok(from_uri) || !dest ||
	    !destlen || destlen > sizeof(struct sockaddr_storage)) {
		errno = EINVAL;
		return NULL;
	}
	ua_clock(ua, now_ns);
	c = mbl_ua_call_alloc(ua);
	if (!c) {
		errno = ENOBUFS;
		return NULL;
	}
	c->uac = 1;
	c->local = (uint16_t)local;
	c->user = user;
	c->state = UA_CS_CALLING;
	memcpy(&c->peer, dest, destlen);
	c->peer_len = destlen;
	rc = uac_init(ua, c, target_uri, from_uri, sdp);
	if (rc == 0) {
		mbl_ua_call_hash_add(ua, c);
		rc = send_invite(ua, c, NULL);
	}
	if (rc != 0) {
		mbl_ua_call_release(ua, c);
		errno = -rc;
		return NULL;
	}
	return (struct mbl_sip_call *)c;
}

int mbl_sip_call_bye(struct mbl_sip_call *call, uint64_t now_ns)
{
	struct ua_call *c = (struct ua_call *)call;
	int rc;

	if (!c)
		return -EINVAL;
	ua_clock(c->ua, now_ns);
	if (c->state == UA_CS_ANSWERED && !c->uac) {
		c->bye_wanted = true;  /* RFC 3261 15: not before the ACK */
		return 0;
	}
	if (c->state != UA_CS_CONFIRMED)
		return -EPERM;
	rc = send_bye(c->ua, c, false);
	if (rc == -EIO)  /* the connection is gone: so is the call */
		mbl_ua_call_final(c->ua, c, MBL_SIP_EV_ENDED, 503, "transport error", NULL);
	return rc;
}

int mbl_sip_call_cancel(struct mbl_sip_call *call, uint64_t now_ns)
{
	struct ua_call *c = (struct ua_call *)call;

	if (!c)
		return -EINVAL;
	ua_clock(c->ua, now_ns);
	if (c->state == UA_CS_CHALLENGED) {
		mbl_ua_call_final(c->ua, c, MBL_SIP_EV_CANCELLED, 0, "cancelled", NULL);
		return 0;
	}
	if (!c->uac || c->reinvite_out || c->cancel_wanted || !c->inv ||
	    (c->state != UA_CS_CALLING && c->state != UA_CS_EARLY))
		return -EPERM;
	c->cancel_wanted = true;
	/* RFC 3261 9.1: not before a provisional response arrived. */
	return c->state == UA_CS_EARLY ? send_cancel(c->ua, c) : 0;
}

int mbl_sip_call_reinvite(struct mbl_sip_call *call, const char *sdp, uint64_t now_ns)
{
	struct ua_call *c = (struct ua_call *)call;
	char *offer;
	int rc;

	if (!c)
		return -EINVAL;
	ua_clock(c->ua, now_ns);
	if (c->state != UA_CS_CONFIRMED)
		return -EPERM;
	if (c->inv || c->ok2xx)
		return -EBUSY;
	offer = ua_strdup(sdp);
	if (sdp && !offer)
		return -ENOMEM;
	free(c->offer);
	c->offer = offer;
	c->local_cseq++;
	c->reinvite_out = true;
	rc = send_invite(c->ua, c, NULL);
	if (rc)
		c->reinvite_out = false;
	return rc;
}

int mbl_sip_call_auth(struct mbl_sip_call *call, const char *authorization, uint64_t now_ns)
{
	struct ua_call *c = (struct ua_call *)call;
	char extra[4096];
	int rc;

	if (!c || !authorization || strpbrk(authorization, "\r\n"))
		return -EINVAL;
	ua_clock(c->ua, now_ns);
	if (c->state != UA_CS_CHALLENGED)
		return -EPERM;
	if (snprintf(extra, sizeof(extra), "%s: %s", c->proxy_auth ? "Proxy-Authorization"
		     : "Authorization", authorization) >= (int)sizeof(extra))
		return -EINVAL;
	/* A new initial request (RFC 3261 22.2): no To tag, same Call-ID and
	 * From tag, CSeq + 1. */
	free(c->remote_tag), c->remote_tag = NULL;
	free(c->remote_target), c->remote_target = NULL;
	free(c->route), c->route = NULL;
	free(c->remote_hdr);
	c->remote_hdr = malloc(strlen(c->req_uri) + 3);
	if (!c->remote_hdr)
		return -ENOMEM;
	sprintf(c->remote_hdr, "<%s>", c->req_uri);
	c->local_cseq++;
	c->state = UA_CS_CALLING;
	rc = send_invite(c->ua, c, extra);
	if (rc)
		c->state = UA_CS_CHALLENGED;
	return rc;
}

void *mbl_sip_call_user(const struct mbl_sip_call *call)
{
	return call ? ((const struct ua_call *)call)->user : NULL;
}

void mbl_sip_call_set_user(struct mbl_sip_call *call, void *user)
{
	if (call)
		((struct ua_call *)call)->user = user;
}

const char *mbl_sip_call_id(const struct mbl_sip_call *call)
{
	return call ? ((const struct ua_call *)call)->call_id : NULL;
}

unsigned mbl_sip_call_local(const struct mbl_sip_call *call)
{
	return call ? ((const struct ua_call *)call)->local : 0;
}

static void drop_ict(struct mbl_sip_ua *ua, struct ua_call *c)
{
	struct ua_txn *t = c->inv;

	mbl_ua_txn_detach(t);
	mbl_ua_txn_drop(ua, t);
}

/* ---- call timers ------------------------------------------------------------------------ */
void mbl_ua_call_timer(struct mbl_sip_ua *ua, struct ua_tm *tm)
{
	struct ua_call *c = tm->owner;

	ua->st.timer_fired[tm->timer]++;
	switch (tm->timer) {
	case MBL_SIP_TIMER_OK2XX:
		mbl_ua_uas_ok_rtx(ua, c);
		break;
	case MBL_SIP_TIMER_NOACK:
		/* RFC 3261 13.3.1.4: no ACK within 64*T1: end the session. */
		osip_free(c->ok2xx);
		c->ok2xx = NULL;
		mbl_ua_wheel_del(&ua->wheel, &c->tm_rtx);
		c->state = UA_CS_CONFIRMED;
		send_bye(ua, c, true);
		mbl_ua_call_final(ua, c, MBL_SIP_EV_FAILED, 408, "no ACK", NULL);
		break;
	case MBL_SIP_TIMER_CANCEL:
		/* RFC 3261 9.1: no final response 64*T1 after the CANCEL. */
		if (c->inv)
			drop_ict(ua, c);
		mbl_ua_call_final(ua, c, MBL_SIP_EV_CANCELLED, 408, "timer CANCEL", NULL);
		break;
	default:
		break;
	}
}
