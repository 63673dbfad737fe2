/* SPDX-License-Identifier: BSD-3-Clause
 * Matching messages to transactions with one hash table, O(1) per message
 * (osip's osip_find_transaction walks a list of every transaction).
 *
 * Keys, RFC 3261 17.1.3 and 17.2.3:
 *  - client: CSeq method + branch of the top Via. Our branches are random
 *    and unique, so the sent-by is implied; CANCEL and INVITE share a branch
 *    and differ by method.
 *  - server, branch with the z9hG4bK cookie: method + branch + sent-by
 *    (host:port, 5060 when absent), where ACK counts as INVITE so that the
 *    ACK to a non-2xx reaches its INVITE server transaction.
 *  - server, RFC 2543 branch (no cookie): method + Call-ID + From tag +
 *    CSeq number + sent-by, a simplification of 17.2.3's backwards rules.
 * The method is one byte of the key ('A' + enum mbl_sip_method).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>

#include "ua_priv.h"

#define UA_COOKIE "z9hG4bK"

static uint64_t key_hash(const char *k, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (n--) {
		h ^= (uint8_t)*k++;
		h *= 0x100000001b3ULL;
	}
	return h ^ (h >> 29);
}

int mbl_ua_match_setup(struct mbl_sip_ua *ua)
{
	uint32_t n = 1024;

	while (n < 2 * ua->txn_cap)
		n <<= 1;
	ua->txn_hash = calloc(n, sizeof(*ua->txn_hash));
	if (!ua->txn_hash)
		return -ENOMEM;
	ua->txn_mask = n - 1;
	return 0;
}

void mbl_ua_match_teardown(struct mbl_sip_ua *ua)
{
	free(ua->txn_hash);
	ua->txn_hash = NULL;
}

void mbl_ua_match_add(struct mbl_sip_ua *ua, struct ua_txn *t)
{
	struct ua_txn **b = &ua->txn_hash[t->hash & ua->txn_mask];

	t->hnext = *b;
	*b = t;
	t->hashed = true;
}

void mbl_ua_match_del(struct mbl_sip_ua *ua, struct ua_txn *t)
{
	struct ua_txn **pp;

	if (!t->hashed)
		return;
	for (pp = &ua->txn_hash[t->hash & ua->txn_mask]; *pp; pp = &(*pp)->hnext) {
		if (*pp == t) {
			*pp = t->hnext;
			break;
		}
	}
	t->hashed = false;
	t->hnext = NULL;
}

static struct ua_txn *find(struct mbl_sip_ua *ua, const char *k, size_t n)
{
	uint64_t h = key_hash(k, n);
	struct ua_txn *t;

	for (t = ua->txn_hash[h & ua->txn_mask]; t; t = t->hnext)
		if (t->hash == h && t->key_len == n && memcmp(t->key, k, n) == 0)
			return t;
	return NULL;
}

static int key_store(struct ua_txn *t, const char *k, int n)
{
	if (n <= 0 || n > UINT16_MAX)
		return -EINVAL;
	if ((size_t)n < sizeof(t->key_buf)) {
		t->key = t->key_buf;
	} else {
		t->key = osip_malloc((size_t)n + 1);
		if (!t->key)
			return -ENOMEM;
	}
	memcpy(t->key, k, (size_t)n + 1);
	t->key_len = (uint16_t)n;
	t->hash = key_hash(k, (size_t)n);
	return 0;
}

int mbl_ua_match_client_key(struct mbl_sip_ua *ua, struct ua_txn *t, enum mbl_sip_method m,
			    const char *branch)
{
	char k[256];
	int n = snprintf(k, sizeof(k), "%c|%s", 'A' + m, branch);

	(void)ua;
	if (n >= (int)sizeof(k) || key_store(t, k, n) != 0)
		return -EINVAL;
	t->branch = t->key + 2;
	return 0;
}

/* Server key of request req into k (cap bytes); length or < 0. */
static int server_key(osip_message_t *req, enum mbl_sip_method m, char *k, size_t cap)
{
	osip_via_t *v = osip_list_get(&req->vias, 0);
	osip_generic_param_t *br = NULL, *tag = NULL;
	const char *port;
	int n;

	if (!v || !v->host || !req->cseq || !req->call_id)
		return -EINVAL;
	if (m == MBL_SIP_M_ACK)
		m = MBL_SIP_M_INVITE;
	port = v->port ? v->port : "5060";
	osip_via_param_get_byname(v, "branch", &br);
	if (br && br->gvalue && strncmp(br->gvalue, UA_COOKIE, 7) == 0) {
		n = snprintf(k, cap, "%c|%s|%s:%s", 'A' + m, br->gvalue, v->host, port);
	} else {
		osip_from_get_tag(req->from, &tag);
		n = snprintf(k, cap, "%c#%s@%s|%s|%s|%s:%s", 'A' + m,
			     req->call_id->number ? req->call_id->number : "",
			     req->call_id->host ? req->call_id->host : "",
			     tag && tag->gvalue ? tag->gvalue : "", req->cseq->number, v->host, port);
	}
	return n < (int)cap ? n : -EINVAL;
}

int mbl_ua_match_server_key(struct mbl_sip_ua *ua, struct ua_txn *t, osip_message_t *req,
			    enum mbl_sip_method m)
{
	char k[1024];
	int n = server_key(req, m, k, sizeof(k));

	(void)ua;
	return n < 0 ? n : key_store(t, k, n);
}

static const char *top_branch(osip_message_t *msg)
{
	osip_via_t *v = osip_list_get(&msg->vias, 0);
	osip_generic_param_t *br = NULL;

	if (v)
		osip_via_param_get_byname(v, "branch", &br);
	return br ? br->gvalue : NULL;
}

/* ---- responses ------------------------------------------------------------------ */
static type_t resp_event(int status)
{
	return status < 200 ? RCV_STATUS_1XX : status < 300 ? RCV_STATUS_2XX : RCV_STATUS_3456XX;
}

/* A linger record absorbs the repeat; the ICT one re-sends its ACK (RFC 3261
 * 17.1.1.2: every retransmitted final response gets the ACK again). */
static void linger_response(struct mbl_sip_ua *ua, struct ua_txn *t, int status)
{
	ua->st.rtx_in++;
	if (t->linger == UA_LINGER_ICT_COMPLETED && status >= 300 && t->ack) {
		ua->st.rtx_out++;
		mbl_ua_send(ua, t->local, &t->peer, t->peer_len, t->conn_id, t->ack, t->ack_len);
	}
}

int mbl_ua_txn_input_response(struct mbl_sip_ua *ua, osip_message_t *msg, enum mbl_sip_method m)
{
	const char *branch = top_branch(msg);
	struct ua_txn *t;
	char k[256];
	bool done;
	int n;

	if (!branch)
		return 0;
	n = snprintf(k, sizeof(k), "%c|%s", 'A' + m, branch);
	if (n >= (int)sizeof(k) || !(t = find(ua, k, (size_t)n)) ||
	    (t->kind != UA_ICT && t->kind != UA_NICT))
		return 0;
	if (t->linger != UA_LIVE) {
		linger_response(ua, t, msg->status_code);
		osip_message_free(msg);
		return 1;
	}
	/* A final response again in Completed: osip repeats the ACK (ICT) or
	 * absorbs it; the TU heard it the first time. */
	done = t->tr->state == ICT_COMPLETED || t->tr->state == NICT_COMPLETED;
	if (done)
		ua->st.rtx_in++;
	mbl_ua_txn_exec_input(ua, t, msg, resp_event(msg->status_code), done);
	return 1;
}

/* ---- requests --------------------------------------------------------------------- */
static int linger_request(struct mbl_sip_ua *ua, struct ua_txn *t, osip_message_t *msg,
			  enum mbl_sip_method m)
{
	if (t->linger == UA_LINGER_IST_ACCEPTED && m == MBL_SIP_M_ACK)
		return 0;  /* RFC 2543 keys: the ACK to the 2xx belongs to the dialog */
	ua->st.rtx_in++;
	if (t->linger == UA_LINGER_NIST_COMPLETED && t->out) {
		ua->st.rtx_out++;
		mbl_ua_send(ua, t->local, &t->peer, t->peer_len, t->conn_id, t->out, t->out_len);
	}
	osip_message_free(msg);
	return 1;
}

int mbl_ua_txn_input_request(struct mbl_sip_ua *ua, osip_message_t *msg, enum mbl_sip_method m,
			     const struct sockaddr *src, socklen_t srclen)
{
	struct ua_txn *t;
	char k[1024];
	int n = server_key(msg, m, k, sizeof(k));

	(void)src, (void)srclen;
	if (n < 0 || !(t = find(ua, k, (size_t)n)) || (t->kind != UA_IST && t->kind != UA_NIST))
		return 0;
	if (t->linger != UA_LIVE)
		return linger_request(ua, t, msg, m);
	if (m == MBL_SIP_M_ACK) {
		if (t->tr->state != IST_COMPLETED && t->tr->state != IST_CONFIRMED) {
			osip_message_free(msg);  /* ACK before any final: nothing to do */
			return 1;
		}
		mbl_ua_txn_exec_input(ua, t, msg, RCV_REQACK, false);
		return 1;
	}
	mbl_ua_txn_exec_input(ua, t, msg, m == MBL_SIP_M_INVITE ? RCV_REQINVITE : RCV_REQUEST, false);
	return 1;
}

/* RFC 3261 9.2: the INVITE transaction a CANCEL is for has the CANCEL's
 * branch and sent-by. It may be a linger record already (final sent). */
struct ua_txn *mbl_ua_txn_find_invite(struct mbl_sip_ua *ua, osip_message_t *cancel)
{
	struct ua_txn *t;
	char k[1024];
	int n = server_key(cancel, MBL_SIP_M_INVITE, k, sizeof(k));

	if (n < 0 || !(t = find(ua, k, (size_t)n)))
		return NULL;
	return t->kind == UA_IST ? t : NULL;
}

/* ---- addresses ---------------------------------------------------------------------- */
void mbl_ua_match_via_dest(osip_message_t *req, struct sockaddr_storage *ss, socklen_t *len)
{
	osip_via_t *v = osip_list_get(&req->vias, 0);
	osip_generic_param_t *rcv = NULL, *rport = NULL;
	const char *host;
	int port;

	if (!v || !v->host)
		return;
	osip_via_param_get_byname(v, "received", &rcv);
	osip_via_param_get_byname(v, "rport", &rport);
	host = rcv && rcv->gvalue ? rcv->gvalue : v->host;
	port = rport && rport->gvalue ? atoi(rport->gvalue) : v->port ? atoi(v->port) : 5060;
	if (port <= 0 || port > 65535)
		return;
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)ss)->sin_addr) == 1) {
		((struct sockaddr_in *)ss)->sin_family = AF_INET;
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
		*len = sizeof(struct sockaddr_in);
	} else if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)ss)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
		*len = sizeof(struct sockaddr_in6);
	}
}

void mbl_ua_match_stateless(struct mbl_sip_ua *ua, osip_message_t *req, enum mbl_sip_method m,
			    const struct sockaddr *src, socklen_t srclen, uint32_t conn_id,
			    int status)
{
	struct ua_txn t;
	char tag[17];
	int n;

	memset(&t, 0, offsetof(struct ua_txn, key_buf));
	t.method = (uint8_t)m;
	t.local = ua->in_local;
	if (m == MBL_SIP_M_ACK || mbl_ua_response_prefix(ua, &t, req, src, srclen) != 0)
		goto out;
	memcpy(&t.peer, src, srclen);
	t.peer_len = srclen;
	if (!ua->reliable && !ua->conf.symmetric_response)
		mbl_ua_match_via_dest(req, &t.peer, &t.peer_len);
	mbl_ua_rand_hex(ua, tag, 16);
	n = mbl_ua_build_response(ua, &t, status, tag, NULL, NULL, NULL);
	if (n > 0) {
		ua->st.resp_out[m]++;
		ua->st.status_out[status - 100]++;
		mbl_ua_send(ua, t.local, &t.peer, t.peer_len, conn_id, ua->scratch, (size_t)n);
	}
out:
	free(t.prefix);
}
