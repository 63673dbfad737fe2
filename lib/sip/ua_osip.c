/* SPDX-License-Identifier: BSD-3-Clause
 * The UA's osip instance: the callbacks osip calls during
 * osip_transaction_execute() (send, message, kill, transport error), and its
 * creation. See sip_txn.c for how transactions use it.
 */
#include <errno.h>

#include "ua_priv.h"

/* ---- sending ----------------------------------------------------------------- */
int mbl_ua_send(struct mbl_sip_ua *ua, uint16_t local, const struct sockaddr_storage *to,
		socklen_t tolen, uint32_t conn_id, const char *buf, size_t len)
{
	const struct sockaddr *sa = (const struct sockaddr *)to;
	int rc = ua->ops.send_local ? ua->ops.send_local(ua->ops.arg, local, sa, tolen, conn_id,
							 buf, len)
				    : ua->ops.send(ua->ops.arg, sa, tolen, conn_id, buf, len);

	if (rc < 0)
		ua->st.send_errors++;
	return rc;
}

static void count_first(struct mbl_sip_ua *ua, struct ua_txn *t, osip_message_t *msg)
{
	if (MSG_IS_REQUEST(msg)) {
		ua->st.req_out[MSG_IS_ACK(msg) ? MBL_SIP_M_ACK : t->method]++;
		return;
	}
	ua->st.resp_out[t->method]++;
	if (msg->status_code >= 100 && msg->status_code < 700)
		ua->st.status_out[msg->status_code - 100]++;
}

/* The ACK osip built for a non-2xx final (RFC 3261 17.1.1.3), as bytes,
 * with the Max-Forwards and User-Agent every request of ours carries. */
static int ict_ack_bytes(struct mbl_sip_ua *ua, struct ua_txn *t, osip_message_t *ack)
{
	char *s = NULL;
	size_t n = 0;

	osip_message_set_max_forwards(ack, "70");
	osip_message_set_user_agent(ack, ua->conf.user_agent);
	if (osip_message_to_str(ack, &s, &n) != 0 || !s)
		return -ENOMEM;
	t->ack = osip_malloc(n);
	if (!t->ack) {
		osip_free(s);
		return -ENOMEM;
	}
	memcpy(t->ack, s, n);
	t->ack_len = (uint32_t)n;
	osip_free(s);
	return 0;
}

/* osip's cb_send_message: osip names the message, we send our bytes for it.
 * Returning -1 makes osip end the transaction with a transport error, which
 * only a reliable transport warrants. */
static int cb_send(osip_transaction_t *tr, osip_message_t *msg, char *host, int port, int sock)
{
	struct ua_txn *t = tr->your_instance;
	struct mbl_sip_ua *ua = osip_get_application_context(tr->config);
	const char *buf;
	size_t len;
	int rc;

	(void)host, (void)port, (void)sock;
	if (!t)
		return -1;
	if (t->kind == UA_ICT && msg == tr->ack) {
		if (!t->ack && ict_ack_bytes(ua, t, msg) != 0)
			return -1;
		buf = t->ack;
		len = t->ack_len;
	} else {
		buf = t->out;
		len = t->out_len;
	}
	if (msg == t->sent_msg) {
		ua->st.rtx_out++;
	} else {
		t->sent_msg = msg;
		count_first(ua, t, msg);
	}
	rc = mbl_ua_send(ua, t->local, &t->peer, t->peer_len, t->conn_id, buf, len);
	if (rc < 0 && t->reliable)
		return -1;
	if (rc > 0)
		t->sent_conn = (uint32_t)rc; /* its response can only come back there */
	return 0;
}

static void cb_message(int type, osip_transaction_t *tr, osip_message_t *msg)
{
	struct ua_txn *t = tr->your_instance;
	struct mbl_sip_ua *ua = osip_get_application_context(tr->config);

	if (!t)
		return;
	switch (type) {
	case OSIP_ICT_STATUS_1XX_RECEIVED ... OSIP_ICT_STATUS_6XX_RECEIVED:
	case OSIP_NICT_STATUS_1XX_RECEIVED ... OSIP_NICT_STATUS_6XX_RECEIVED:
		t->note = UA_NOTE_RESPONSE;
		t->note_msg = msg;
		break;
	case OSIP_ICT_STATUS_TIMEOUT:
	case OSIP_NICT_STATUS_TIMEOUT:
		t->note = UA_NOTE_TIMEOUT;
		break;
	case OSIP_IST_INVITE_RECEIVED_AGAIN:
	case OSIP_IST_ACK_RECEIVED_AGAIN:
	case OSIP_NIST_REQUEST_RECEIVED_AGAIN:
		ua->st.rtx_in++;
		break;
	default:
		break;
	}
}

static void cb_kill(int type, osip_transaction_t *tr)
{
	struct ua_txn *t = tr->your_instance;

	(void)type;
	if (t)
		t->killed = true;
}

static void cb_tperr(int type, osip_transaction_t *tr, int error)
{
	struct ua_txn *t = tr->your_instance;

	(void)type, (void)error;
	if (t)
		t->note = UA_NOTE_TPERR;
}

/* ---- setup --------------------------------------------------------------------- */
int mbl_ua_txn_setup(struct mbl_sip_ua *ua)
{
	static const int kinds[] = {OSIP_ICT_KILL_TRANSACTION, OSIP_IST_KILL_TRANSACTION,
				    OSIP_NICT_KILL_TRANSACTION, OSIP_NIST_KILL_TRANSACTION};
	static const int errs[] = {OSIP_ICT_TRANSPORT_ERROR, OSIP_IST_TRANSPORT_ERROR,
				   OSIP_NICT_TRANSPORT_ERROR, OSIP_NIST_TRANSPORT_ERROR};
	uint32_t i;

	if (osip_init(&ua->osip) != 0)
		return -ENOMEM;
	osip_set_application_context(ua->osip, ua);
	osip_set_cb_send_message(ua->osip, cb_send);
	for (i = 0; i < OSIP_MESSAGE_CALLBACK_COUNT; i++)
		osip_set_message_callback(ua->osip, (int)i, cb_message);
	for (i = 0; i < MBL_ARRAY_SIZE(kinds); i++) {
		osip_set_kill_transaction_callback(ua->osip, kinds[i], cb_kill);
		osip_set_transport_error_callback(ua->osip, errs[i], cb_tperr);
	}
	ua->txn_pool = mbl_pool_alloc((size_t)ua->txn_cap * sizeof(*ua->txn_pool), true);
	if (!ua->txn_pool)
		return -ENOMEM;
	return mbl_ua_match_setup(ua);
}

void mbl_ua_txn_teardown(struct mbl_sip_ua *ua)
{
	uint32_t i;

	for (i = 0; ua->txn_pool && i < ua->txn_unused; i++) {
		struct ua_txn *t = &ua->txn_pool[i];

		if (t->live) {
			t->call = NULL;
			t->in_exec = false;
			mbl_ua_txn_drop(ua, t);
		}
	}
	mbl_pool_free(ua->txn_pool, (size_t)ua->txn_cap * sizeof(*ua->txn_pool));
	mbl_ua_match_teardown(ua);
	if (ua->osip)
		osip_release(ua->osip);
}
