/* SPDX-License-Identifier: BSD-3-Clause
 * Calls, UAS side: a new INVITE becomes a call, the engine answers it with
 * mbl_sip_call_respond(), the UAS core retransmits its 2xx until the ACK
 * (RFC 3261 13.3.1.4: osip 5.3's IST ends on the 2xx and leaves that to the
 * TU), and in-dialog requests (BYE, re-INVITE, OPTIONS, INFO) and CANCEL are
 * answered here.
 */
#include <errno.h>
#include <stdio.h>

#include "ua_priv.h"

static void free3(char *s[3])
{
	free(s[0]), free(s[1]), free(s[2]);
}

static void emit_incoming(struct mbl_sip_ua *ua, struct ua_call *c, osip_message_t *inv,
			  const struct sockaddr *src, socklen_t srclen)
{
	struct mbl_sip_ev ev = {.type = MBL_SIP_EV_INCOMING, .reason = ""};
	char *s[3], *ct = NULL, *authz = mbl_ua_authorization(inv);

	ev.from = s[0] = UA_DUP_STR(osip_from_to_str, inv->from);
	ev.to = s[1] = UA_DUP_STR(osip_to_to_str, inv->to);
	ev.request_uri = s[2] = UA_DUP_STR(osip_uri_to_str, inv->req_uri);
	ev.authorization = authz;
	ev.src = src;
	ev.srclen = srclen;
	mbl_ua_ev_body(&ev, inv, &ct);
	mbl_ua_call_emit(ua, c, &ev);
	free(ct);
	free(authz);
	free3(s);
}

int mbl_ua_call_incoming(struct mbl_sip_ua *ua, struct ua_txn *t, osip_message_t *inv,
			 const struct sockaddr *src, socklen_t srclen, uint32_t conn_id)
{
	struct ua_call *c = mbl_ua_call_alloc(ua);
	char tag[17];

	if (!c || mbl_ua_dialog_uas_init(ua, c, inv, src, srclen, conn_id) != 0) {
		if (c)
			mbl_ua_call_release(ua, c);
		ua->st.no_resources++;
		mbl_ua_rand_hex(ua, tag, 16);
		mbl_ua_txn_respond(ua, t, 503, tag, NULL, NULL, NULL, NULL);
		return -ENOBUFS;
	}
	c->state = UA_CS_EARLY;
	c->inv = t;
	t->call = c;
	mbl_ua_call_hash_add(ua, c);
	/* RFC 3261 17.2.1: a 100 at once keeps the UAC from retransmitting. */
	if (ua->conf.auto_100)
		mbl_ua_txn_respond(ua, t, 100, NULL, NULL, NULL, NULL, NULL);
	emit_incoming(ua, c, inv, src, srclen);
	return 0;
}

/* 2xx sent: retransmit it from T1 doubling up to T2 (unreliable transports
 * only) and give up after 64*T1 without an ACK. */
static void ok_start(struct mbl_sip_ua *ua, struct ua_call *c, char *ok, uint32_t len)
{
	osip_free(c->ok2xx);
	c->ok2xx = ok;
	c->ok2xx_len = len;
	c->ok_cseq = c->inv_cseq;
	c->ok_acked = false;
	if (!ua->reliable) {
		c->ok_rtx_ms = ua->t1;
		c->tm_rtx.timer = MBL_SIP_TIMER_OK2XX;
		mbl_ua_wheel_add(&ua->wheel, &c->tm_rtx, ua->now + (uint64_t)ua->t1 * 1000000ULL);
	}
	c->tm_end.timer = MBL_SIP_TIMER_NOACK;
	mbl_ua_wheel_add(&ua->wheel, &c->tm_end, ua->now + 64ULL * ua->t1 * 1000000ULL);
}

void mbl_ua_uas_ok_rtx(struct mbl_sip_ua *ua, struct ua_call *c)
{
	if (!c->ok2xx)
		return;
	ua->st.rtx_out++;
	mbl_ua_send(ua, c->local, &c->peer, c->peer_len, c->conn_id, c->ok2xx, c->ok2xx_len);
	c->ok_rtx_ms = MBL_MIN(c->ok_rtx_ms * 2, ua->t2);
	mbl_ua_wheel_add(&ua->wheel, &c->tm_rtx, ua->now + (uint64_t)c->ok_rtx_ms * 1000000ULL);
}

static void ok_stop(struct mbl_sip_ua *ua, struct ua_call *c)
{
	osip_free(c->ok2xx);
	c->ok2xx = NULL;
	mbl_ua_wheel_del(&ua->wheel, &c->tm_rtx);
	mbl_ua_wheel_del(&ua->wheel, &c->tm_end);
}

static int respond_final(struct mbl_sip_ua *ua, struct ua_call *c, struct ua_txn *t, int status,
			 const char *sdp, const char *extra)
{
	char *ok = NULL;
	uint32_t len = 0;
	int rc;

	if (status < 300) {
		rc = mbl_ua_txn_respond(ua, t, status, c->local_tag, extra, sdp, &ok, &len);
		if (rc == 0) {
			ok_start(ua, c, ok, len);
			if (!c->reinvite_in)
				c->state = UA_CS_ANSWERED;
			return 0;
		}
		osip_free(ok);
	} else {
		rc = mbl_ua_txn_respond(ua, t, status, c->local_tag, extra, sdp, NULL, NULL);
	}
	if (c->inv == t)  /* t may be gone already (transport error) */
		mbl_ua_txn_detach(t);
	if (c->reinvite_in)
		c->reinvite_in = false;
	else
		mbl_ua_call_end(ua, c);  /* rejected (or the transport failed): the call is over */
	return rc;
}

int mbl_sip_call_respond(struct mbl_sip_call *call, int status, const char *sdp,
			 const char *extra_hdr, uint64_t now_ns)
{
	struct ua_call *c = (struct ua_call *)call;
	struct ua_txn *t;

	if (!c || status < 100 || status > 699 || (extra_hdr && !mbl_ua_extra_ok(extra_hdr)))
		return -EINVAL;
	mbl_ua_clock(c->ua, now_ns);
	t = c->inv;
	if (c->state == UA_CS_DEAD || !t || t->kind != UA_IST || !t->tr || t->last_status >= 200)
		return -EPERM;
	if (status < 200)
		return mbl_ua_txn_respond(c->ua, t, status, status > 100 ? c->local_tag : NULL,
					  extra_hdr, sdp, NULL, NULL);
	return respond_final(c->ua, c, t, status, sdp, extra_hdr);
}

void mbl_ua_call_ack(struct mbl_sip_ua *ua, struct ua_call *c, osip_message_t *ack)
{
	uint32_t cseq = (uint32_t)strtoul(ack->cseq->number, NULL, 10);
	bool re = c->reinvite_in;

	if (!c->ok2xx || cseq != c->ok_cseq) {
		ua->st.rtx_in++;  /* a repeated ACK */
		return;
	}
	ok_stop(ua, c);
	c->ok_acked = true;
	c->reinvite_in = false;
	if (c->state == UA_CS_ANSWERED)
		c->state = UA_CS_CONFIRMED;
	if (!mbl_ua_call_event(ua, c, MBL_SIP_EV_ACKED, 0, "", ack, re))
		return;
	if (c->bye_wanted) {
		c->bye_wanted = false;
		mbl_ua_call_send_bye(ua, c, false);
	}
}

/* The peer CANCELled the INVITE of transaction ist (RFC 3261 9.2). */
void mbl_ua_call_cancelled(struct mbl_sip_ua *ua, struct ua_txn *ist)
{
	struct ua_call *c = ist->call;
	char tag[17];

	mbl_ua_rand_hex(ua, tag, 16);
	mbl_ua_txn_respond(ua, ist, 487, c ? c->local_tag : tag, NULL, NULL, NULL, NULL);
	if (!c || c->state == UA_CS_DEAD)
		return;
	if (c->reinvite_in) {
		c->reinvite_in = false;
		if (c->inv == ist)
			mbl_ua_txn_detach(ist);
		return;
	}
	mbl_ua_call_final(ua, c, MBL_SIP_EV_CANCELLED, 487, "cancelled", NULL);
}

static void remote_bye(struct mbl_sip_ua *ua, struct ua_call *c, struct ua_txn *t)
{
	struct ua_txn *inv = c->inv;

	mbl_ua_txn_respond(ua, t, 200, NULL, NULL, NULL, NULL, NULL);
	ok_stop(ua, c);
	/* BYE on an early dialog: the INVITE ends with 487 (RFC 3261 15.1.2). */
	if (inv && inv->kind == UA_IST && inv->last_status < 200)
		mbl_ua_txn_respond(ua, inv, 487, c->local_tag, NULL, NULL, NULL, NULL);
	if (c->state == UA_CS_BYE_SENT)
		return;  /* both sent BYE: ENDED comes with our BYE's response */
	mbl_ua_call_final(ua, c, MBL_SIP_EV_REMOTE_BYE, 0, "remote BYE", NULL);
}

/* RFC 3261 14.2: a re-INVITE while an INVITE of ours is pending gets 491,
 * while one of theirs is pending 500 with Retry-After. */
static void reinvite_in(struct mbl_sip_ua *ua, struct ua_call *c, struct ua_txn *t,
			osip_message_t *req)
{
	if (c->state != UA_CS_CONFIRMED || (c->inv && c->inv->kind == UA_ICT)) {
		mbl_ua_txn_respond(ua, t, 491, NULL, NULL, NULL, NULL, NULL);
		return;
	}
	if (c->inv || c->ok2xx) {
		mbl_ua_txn_respond(ua, t, 500, NULL, "Retry-After: 1", NULL, NULL, NULL);
		return;
	}
	c->inv = t;
	t->call = c;
	c->reinvite_in = true;
	c->inv_cseq = (uint32_t)strtoul(req->cseq->number, NULL, 10);
	if (ua->conf.auto_100)
		mbl_ua_txn_respond(ua, t, 100, NULL, NULL, NULL, NULL, NULL);
	mbl_ua_call_event(ua, c, MBL_SIP_EV_REINVITE, 0, "", req, true);
}

void mbl_ua_call_in_dialog(struct mbl_sip_ua *ua, struct ua_call *c, struct ua_txn *t,
			   osip_message_t *req, enum mbl_sip_method m)
{
	switch (m) {
	case MBL_SIP_M_BYE:
		remote_bye(ua, c, t);
		break;
	case MBL_SIP_M_INVITE:
		reinvite_in(ua, c, t, req);
		break;
	case MBL_SIP_M_OPTIONS:
	case MBL_SIP_M_INFO:
	case MBL_SIP_M_NOTIFY:
		mbl_ua_txn_respond(ua, t, 200, NULL, NULL, NULL, NULL, NULL);
		break;
	default:
		mbl_ua_txn_respond(ua, t, 501, NULL, NULL, NULL, NULL, NULL);
		break;
	}
}
