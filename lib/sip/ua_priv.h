/* SPDX-License-Identifier: BSD-3-Clause
 * Internals of the SIP UA core (sip_ua.h). Files:
 *   ua_core.c    the UA object, input path, ua_parse(), timers entry, stats
 *   ua_timer.c   the timer wheel
 *   ua_osip.c    the osip instance and the callbacks osip calls
 *   sip_txn.c    transactions on osip's FSMs: creation, events, timers, linger
 *   ua_match.c   transaction keys and the hash; linger records' absorption
 *   sip_build.c  requests and responses as bytes; osip skeleton messages
 *   sip_dialog.c dialog table and state; requests no transaction matched
 *   sip_call.c   calls: events, UAC side, CANCEL, re-INVITE, challenges
 *   sip_uas.c    calls: UAS side, 2xx retransmission, in-dialog requests
 * osip2 types live here and never leave lib/sip. Everything belongs to the
 * UA's thread.
 */
#ifndef MBL_SIP_UA_PRIV_H
#define MBL_SIP_UA_PRIV_H

#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <osip2/osip.h>

#include "mbl_common.h"
#include "sip_ua.h"

/* ---- timer wheel (ua_timer.c) ---------------------------------------------
 * Hashed wheel of 2^16 slots of 2^20 ns (~1.05 ms): 68.7 s per revolution,
 * more than 64*T1 with the default T1. Entries further out stay in their slot
 * and are skipped until their revolution comes. Entries are embedded in their
 * owner (transaction or call); add and remove are O(1). */
#define UA_TICK_SHIFT 20
#define UA_WHEEL_BITS 16
#define UA_WHEEL_SLOTS (1u << UA_WHEEL_BITS)

struct ua_tm {
	struct ua_tm *next;
	struct ua_tm **pprev;        /* NULL: not queued */
	uint64_t due_ns;
	void *owner;
	uint8_t kind;                /* enum ua_tm_kind */
	uint8_t timer;               /* enum mbl_sip_timer it stands for */
};

enum ua_tm_kind {
	UA_TM_TXN = 0,               /* owner: struct ua_txn (tm[0..2]) */
	UA_TM_CALL,                  /* owner: struct ua_call */
};

struct ua_wheel {
	struct ua_tm *slot[UA_WHEEL_SLOTS];
	uint64_t bm[UA_WHEEL_SLOTS / 64];  /* slot non-empty */
	uint64_t cur;                      /* next tick to scan */
	uint32_t n;
};

void mbl_ua_wheel_init(struct ua_wheel *w, uint64_t now_ns);
void mbl_ua_wheel_add(struct ua_wheel *w, struct ua_tm *t, uint64_t due_ns);
void mbl_ua_wheel_del(struct ua_wheel *w, struct ua_tm *t);
/* Pop one entry due at now_ns, or NULL. Call until NULL. */
struct ua_tm *mbl_ua_wheel_pop(struct ua_wheel *w, uint64_t now_ns);
uint64_t mbl_ua_wheel_next(const struct ua_wheel *w);

static inline bool ua_tm_queued(const struct ua_tm *t)
{
	return t->pprev != NULL;
}

/* ---- transactions (sip_txn.c) ------------------------------------------ */
enum ua_txn_kind { UA_ICT = 0, UA_IST, UA_NICT, UA_NIST };

/* Linger records: the transaction's osip object is gone and only
 * retransmissions are absorbed until the timer ends the record. */
enum ua_linger {
	UA_LIVE = 0,
	UA_LINGER_ICT_COMPLETED,     /* re-send the ACK on a repeated final (Timer D) */
	UA_LINGER_NICT_COMPLETED,    /* absorb repeated responses (Timer K) */
	UA_LINGER_IST_CONFIRMED,     /* absorb ACKs (Timer I) */
	UA_LINGER_NIST_COMPLETED,    /* re-send the final response (Timer J) */
	UA_LINGER_IST_ACCEPTED,      /* RFC 6026: absorb INVITE repeats after 2xx (Timer L) */
};

/* What osip's callbacks reported during one osip_transaction_execute(); the
 * call layer acts on it once osip has returned. */
enum ua_note { UA_NOTE_NONE = 0, UA_NOTE_RESPONSE, UA_NOTE_TIMEOUT, UA_NOTE_TPERR };

#define UA_KEY_INLINE 96

struct ua_call;

struct ua_txn {
	struct ua_txn *hnext;        /* hash chain / free list */
	uint64_t hash;
	char *key;                   /* key_buf or malloc'ed when longer */
	uint16_t key_len;
	uint8_t kind;                /* enum ua_txn_kind */
	uint8_t method;              /* enum mbl_sip_method of the request */
	uint8_t linger;              /* enum ua_linger */
	uint8_t note;                /* enum ua_note */
	bool killed;                 /* osip reported the end (kill callback) */
	bool hashed;
	bool reliable;
	bool in_exec;                /* inside txn_exec() */
	bool hold;                   /* creator/responder ends it, not txn_exec() */
	bool live;                   /* allocated (not on the free list) */
	osip_transaction_t *tr;      /* NULL for linger records */
	struct ua_call *call;        /* weak: cleared when the call is freed */
	void *req_user;              /* mbl_sip_request_send: the caller's user */
	char *req_contact;           /* its Contact user ("" none), for the 2xx's expires */
	bool req_out;                /* a RESPONSE event is still owed */
	osip_message_t *note_msg;    /* response that raised the note (owned by tr) */
	const void *sent_msg;        /* last osip message sent: same again = retransmission */
	struct ua_tm tm[3];          /* osip timers by position: ICT A,B,D; NICT E,F,K; IST G,H,I; NIST J */
	struct timeval snap[3];      /* osip's start value when we last scheduled tm[i] */
	uint32_t rtx_ms;             /* current retransmission interval (A/E/G) */
	int last_status;             /* server: last response sent */
	char *out;                   /* client: request bytes; server: last response bytes */
	uint32_t out_len;
	uint32_t ack_len;
	char *ack;                   /* ICT: the ACK to a non-2xx final */
	/* server: one buffer holding the Via and From lines, then the Call-ID
	 * and CSeq lines, then the To value (NUL-terminated) of the request */
	char *prefix;
	uint32_t prefix_len;         /* Via + From lines */
	uint32_t suffix_len;         /* Call-ID + CSeq lines after them */
	char *to_val;                /* server: To value as received (in prefix) */
	bool to_has_tag;
	char *branch;                /* client: our branch (points into key) */
	struct sockaddr_storage peer;
	socklen_t peer_len;
	uint32_t conn_id;
	uint32_t sent_conn;          /* client: the stream connection ops->send
				      * reported (0: none / UDP) */
	bool lost;                   /* mbl_sip_ua_conn_lost is ending it */
	uint16_t local;              /* local address index (mbl_sip_ua_add_local):
				      * client: it sends from it; server: the
				      * request arrived on it */
	char key_buf[UA_KEY_INLINE];
};

/* ---- calls and dialogs (sip_dialog.c, sip_call.c) ------------------------ */
enum ua_call_state {
	UA_CS_CALLING = 0,           /* UAC: INVITE sent, nothing back yet */
	UA_CS_EARLY,                 /* UAC: 1xx received / UAS: INVITE received */
	UA_CS_CHALLENGED,            /* UAC: 401/407, waiting for mbl_sip_call_auth */
	UA_CS_ANSWERED,              /* UAS: 2xx sent, waiting for the ACK */
	UA_CS_CONFIRMED,             /* dialog confirmed */
	UA_CS_BYE_SENT,              /* our BYE pending */
	UA_CS_DEAD,                  /* terminal event given; freed when safe */
};

struct ua_call {
	struct ua_call *hnext;       /* dialog hash chain / free list */
	uint64_t hash;
	struct mbl_sip_ua *ua;
	void *user;
	uint8_t uac;                 /* we sent the initial INVITE */
	uint8_t state;               /* enum ua_call_state */
	bool hashed;
	bool cancel_wanted;          /* CANCEL asked for, not sent yet (no 1xx yet) */
	bool cancel_sent;
	bool bye_wanted;             /* UAS asked for BYE before the ACK came */
	bool reinvite_out;           /* inv is our re-INVITE */
	bool reinvite_in;            /* inv is the peer's re-INVITE */
	bool proxy_auth;             /* the challenge came in a 407 */
	bool ok_acked;               /* the ACK for our last 2xx arrived */
	bool live;                   /* allocated (not on the free list) */
	uint16_t in_cb;              /* event callbacks running for this call */
	char *call_id, *local_tag, *remote_tag;
	char *local_hdr;             /* our name-addr, no tag (From on UAC, To on UAS) */
	char *remote_hdr;            /* peer's name-addr, with its tag once known */
	char *req_uri;               /* Request-URI of the initial INVITE */
	char *remote_target;         /* Contact URI of the peer: in-dialog Request-URI */
	char *route;                 /* "Route: ...\r\n" from the route set, or NULL */
	char *rr_echo;               /* UAS: Record-Route lines to copy into 18x/2xx */
	char *contact_user;          /* user part for our Contact */
	char *offer;                 /* UAC: SDP of the pending INVITE (re-sent after a challenge) */
	uint32_t local_cseq, remote_cseq, inv_cseq;
	struct ua_txn *inv;          /* pending INVITE transaction (ICT or IST) */
	struct ua_txn *bye;          /* our BYE */
	/* UAS core 2xx retransmission (RFC 3261 13.3.1.4) */
	char *ok2xx;
	uint32_t ok2xx_len, ok_rtx_ms, ok_cseq;
	struct ua_tm tm_rtx;         /* OK2XX retransmission, or CANCEL wait */
	struct ua_tm tm_end;         /* NOACK give-up */
	/* UAC core ACK for the last 2xx, re-sent when the 2xx repeats */
	char *ack;
	uint32_t ack_len, ack_cseq;
	struct sockaddr_storage peer;
	socklen_t peer_len;
	uint32_t conn_id;
	uint16_t local;              /* local address of the dialog: every request
				      * and Contact of ours names it */
};

/* ---- the UA -------------------------------------------------------------- */
struct mbl_sip_ua {
	struct mbl_sip_ua_conf conf; /* strings below are our copies */
	struct mbl_sip_ua_ops ops;
	osip_t *osip;
	uint64_t now;                /* now_ns of the current entry point */
	uint64_t rng[2];             /* xorshift128+ */
	uint32_t t1, t2, t4;         /* ms */
	const char *proto;           /* "UDP", "TCP", "TLS", "WS", "WSS" */
	bool reliable;
	bool stream;                 /* TCP / TLS: Content-Length frames messages */
	bool destroying;             /* mbl_sip_ua_destroy(): send nothing */
	char hostport[300];          /* "host:port" for Via and Contact: local 0 */
	/* Local addresses by index, "host:port" formatted once (Via sent-by and
	 * Contact of every message sent from them); [0] is hostport. */
	char **local_hp;
	uint16_t n_local, local_cap;
	uint16_t in_local;           /* local address of the message being input */
	struct ua_txn **txn_hash;
	uint32_t txn_mask;
	struct ua_txn *txn_pool, *txn_free;
	uint32_t txn_cap, txn_unused;    /* pool[txn_unused..] never handed out */
	struct ua_call **call_hash;
	uint32_t call_mask;
	struct ua_call *call_pool, *call_free;
	uint32_t call_cap, call_unused;
	char *scratch;               /* message writer buffer */
	size_t scratch_cap;
	struct mbl_sip_ua_stats st;
	struct ua_wheel wheel;       /* last: large */
};

/* ---- message writer (sip_build.c) ---------------------------------------- */
struct ua_wr {
	char *p, *end, *start;
	bool over;
};

void mbl_ua_wr_init(struct ua_wr *w, char *buf, size_t cap);
void mbl_ua_wr_str(struct ua_wr *w, const char *s);
void mbl_ua_wr_mem(struct ua_wr *w, const char *s, size_t n);
void mbl_ua_wr_fmt(struct ua_wr *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline size_t ua_wr_len(const struct ua_wr *w)
{
	return (size_t)(w->p - w->start);
}

/* Parts of an outgoing request that sip_build.c turns into bytes and into
 * the skeleton osip message a client transaction needs. */
struct ua_req {
	enum mbl_sip_method method;
	const char *method_name;
	const char *uri;             /* Request-URI */
	const char *branch;          /* Via branch (with the z9hG4bK cookie) */
	const char *from;            /* From value with tag */
	const char *to;              /* To value (with tag in a dialog) */
	const char *call_id;
	uint32_t cseq;
	const char *route;           /* "Route: ...\r\n" lines or NULL */
	const char *contact_user;    /* Contact user part, or NULL: no Contact */
	const char *extra;           /* extra header line without CRLF, or NULL */
	const char *body;            /* SDP or NULL */
	uint16_t local;              /* local address index: Via sent-by, Contact */
};

/* 5060, 5061 (TLS), 80 (WS), 443 (WSS): a port left out of a URI. */
uint16_t mbl_ua_default_port(enum mbl_sip_proto p);
/* A transport failure ends client transaction t (sip_txn.c). */
void mbl_ua_txn_tperr(struct mbl_sip_ua *ua, struct ua_txn *t);
const char *mbl_ua_reason(int status);
const char *mbl_ua_reason_class(int status);
enum mbl_sip_method mbl_ua_method(const char *name);
void mbl_ua_rand_hex(struct mbl_sip_ua *ua, char *out, unsigned nhex);
/* Request bytes into ua->scratch; returns the length or -ENOSPC. */
int mbl_ua_build_request(struct mbl_sip_ua *ua, const struct ua_req *r);
/* The osip message a client transaction is created from (no body). */
osip_message_t *mbl_ua_skeleton_request(struct mbl_sip_ua *ua, const struct ua_req *r);
/* Response bytes for server transaction t into ua->scratch. to_tag is added
 * to the To value unless it already has one or is NULL. */
int mbl_ua_build_response(struct mbl_sip_ua *ua, const struct ua_txn *t, int status,
			  const char *to_tag, const struct ua_call *c, const char *extra,
			  const char *body);
/* Via..CSeq prefix and To value of a request, for its server transaction. */
int mbl_ua_response_prefix(struct mbl_sip_ua *ua, struct ua_txn *t, osip_message_t *req,
			   const struct sockaddr *src, socklen_t srclen);

/* ---- transactions (sip_txn.c) -------------------------------------------- */
int mbl_ua_txn_setup(struct mbl_sip_ua *ua);
void mbl_ua_txn_teardown(struct mbl_sip_ua *ua);
/* Client transaction: send bytes (copied) through a new ICT/NICT. Returns
 * the transaction or NULL with errno. */
struct ua_txn *mbl_ua_txn_client(struct mbl_sip_ua *ua, struct ua_call *c, const struct ua_req *r,
				 const char *bytes, size_t len);
/* The same without a call: sent to peer (sip_req.c's requests). */
struct ua_txn *mbl_ua_txn_client_to(struct mbl_sip_ua *ua, const struct ua_req *r,
				    const char *bytes, size_t len,
				    const struct sockaddr_storage *peer, socklen_t peer_len);
/* A request of sip_req.c reported t->note (sip_req.c). */
void mbl_ua_req_note(struct mbl_sip_ua *ua, struct ua_txn *t);
/* Server transaction for a new request (msg is consumed in every case). */
struct ua_txn *mbl_ua_txn_server(struct mbl_sip_ua *ua, osip_message_t *msg,
				 enum mbl_sip_method m, const struct sockaddr *src,
				 socklen_t srclen, uint32_t conn_id);
/* Send a response on server transaction t. */
int mbl_ua_txn_respond(struct mbl_sip_ua *ua, struct ua_txn *t, int status, const char *to_tag,
		       const char *extra, const char *body, char **copy, uint32_t *copy_len);
/* Deliver an incoming message to a matched transaction's osip FSM. */
void mbl_ua_txn_exec_input(struct mbl_sip_ua *ua, struct ua_txn *t, osip_message_t *msg,
			   type_t type, bool quiet);

/* ---- transaction matching (ua_match.c) ------------------------------------ */
int mbl_ua_match_setup(struct mbl_sip_ua *ua);
void mbl_ua_match_teardown(struct mbl_sip_ua *ua);
void mbl_ua_match_add(struct mbl_sip_ua *ua, struct ua_txn *t);
void mbl_ua_match_del(struct mbl_sip_ua *ua, struct ua_txn *t);
/* Keys (RFC 3261 17.1.3 client, 17.2.3 server); 0 or -ENOMEM / -EINVAL. */
int mbl_ua_match_client_key(struct mbl_sip_ua *ua, struct ua_txn *t, enum mbl_sip_method m,
			    const char *branch);
int mbl_ua_match_server_key(struct mbl_sip_ua *ua, struct ua_txn *t, osip_message_t *req,
			    enum mbl_sip_method m);
/* Response address from the top Via (RFC 3261 18.2.2), if numeric. */
void mbl_ua_match_via_dest(osip_message_t *req, struct sockaddr_storage *ss, socklen_t *len);
/* Answer req without a transaction (table full). */
void mbl_ua_match_stateless(struct mbl_sip_ua *ua, osip_message_t *req, enum mbl_sip_method m,
			    const struct sockaddr *src, socklen_t srclen, uint32_t conn_id,
			    int status);
/* Matching: returns 1 when msg was consumed by a transaction (msg freed or
 * owned by osip), 0 when no transaction matched (caller keeps msg). */
int mbl_ua_txn_input_response(struct mbl_sip_ua *ua, osip_message_t *msg, enum mbl_sip_method m);
int mbl_ua_txn_input_request(struct mbl_sip_ua *ua, osip_message_t *msg, enum mbl_sip_method m,
			     const struct sockaddr *src, socklen_t srclen);
/* The IST an incoming CANCEL targets (RFC 3261 9.2), or NULL. */
struct ua_txn *mbl_ua_txn_find_invite(struct mbl_sip_ua *ua, osip_message_t *cancel);
/* A transaction's timer fired. */
void mbl_ua_txn_timer(struct mbl_sip_ua *ua, struct ua_tm *tm);
/* Send raw bytes to a peer, counting errors. */
int mbl_ua_send(struct mbl_sip_ua *ua, uint16_t local, const struct sockaddr_storage *to,
		socklen_t tolen, uint32_t conn_id, const char *buf, size_t len);
void mbl_ua_txn_detach(struct ua_txn *t);
/* Free a transaction nobody will hear from again (not while it executes). */
void mbl_ua_txn_drop(struct mbl_sip_ua *ua, struct ua_txn *t);

/* ---- calls (sip_call.c, sip_dialog.c) -------------------------------------- */
struct ua_call *mbl_ua_call_alloc(struct mbl_sip_ua *ua);
void mbl_ua_call_hash_add(struct mbl_sip_ua *ua, struct ua_call *c);
struct ua_call *mbl_ua_call_find(struct mbl_sip_ua *ua, const char *call_id, const char *local_tag);
void mbl_ua_call_release(struct mbl_sip_ua *ua, struct ua_call *c);
void mbl_ua_call_end(struct mbl_sip_ua *ua, struct ua_call *c);
void mbl_ua_call_timer(struct mbl_sip_ua *ua, struct ua_tm *tm);
/* Deliver ev for call c (NULL: no call). Returns false when c is dead
 * afterwards (terminal event, or ended from inside the callback): the caller
 * must not touch c again. */
bool mbl_ua_call_emit(struct mbl_sip_ua *ua, struct ua_call *c, struct mbl_sip_ev *ev);
/* A client transaction of call c reported t->note. */
void mbl_ua_call_note(struct mbl_sip_ua *ua, struct ua_txn *t);
/* Dialog learning from messages (sip_dialog.c). */
int mbl_ua_dialog_from_response(struct ua_call *c, osip_message_t *resp, bool final2xx);
int mbl_ua_dialog_uas_init(struct mbl_sip_ua *ua, struct ua_call *c, osip_message_t *inv,
			   const struct sockaddr *src, socklen_t srclen, uint32_t conn_id);
/* Fill the dialog parts of an in-dialog request of call c. */
void mbl_ua_dialog_req(struct mbl_sip_ua *ua, struct ua_call *c, struct ua_req *r,
		       enum mbl_sip_method m, const char *name, char *branch, char *from,
		       size_t from_cap);
/* Incoming requests past transaction matching (sip_dialog.c). */
int mbl_ua_dialog_request(struct mbl_sip_ua *ua, osip_message_t *msg, enum mbl_sip_method m,
			  const struct sockaddr *src, socklen_t srclen, uint32_t conn_id);
/* Responses that matched no transaction: 2xx repeats to our INVITE. */
void mbl_ua_dialog_stray_response(struct mbl_sip_ua *ua, osip_message_t *msg);
/* Incoming requests for a call (sip_call.c). */
int mbl_ua_call_incoming(struct mbl_sip_ua *ua, struct ua_txn *t, osip_message_t *inv,
			 const struct sockaddr *src, socklen_t srclen, uint32_t conn_id);
void mbl_ua_call_in_dialog(struct mbl_sip_ua *ua, struct ua_call *c, struct ua_txn *t,
			   osip_message_t *req, enum mbl_sip_method m);
void mbl_ua_call_ack(struct mbl_sip_ua *ua, struct ua_call *c, osip_message_t *ack);
void mbl_ua_call_cancelled(struct mbl_sip_ua *ua, struct ua_txn *ist);
/* Set ua->now (and start the wheel's clock at the first call). */
void mbl_ua_clock(struct mbl_sip_ua *ua, uint64_t now_ns);
/* BYE on c's dialog; orphan: nobody waits for its outcome. */
int mbl_ua_call_send_bye(struct mbl_sip_ua *ua, struct ua_call *c, bool orphan);
/* The UAS core's 2xx retransmission timer fired (sip_uas.c). */
void mbl_ua_uas_ok_rtx(struct mbl_sip_ua *ua, struct ua_call *c);
/* Events with msg's body: the terminal one (the UA frees c afterwards) and
 * the others (false: c is gone). */
void mbl_ua_call_final(struct mbl_sip_ua *ua, struct ua_call *c, enum mbl_sip_ev_type type,
		       int status, const char *reason, osip_message_t *msg);
bool mbl_ua_call_event(struct mbl_sip_ua *ua, struct ua_call *c, enum mbl_sip_ev_type type,
		       int status, const char *reason, osip_message_t *msg, bool reinvite);
/* Body of msg for an event. */
void mbl_ua_ev_body(struct mbl_sip_ev *ev, osip_message_t *msg, char **ct_buf);

/* to_str of an osip header into malloc'ed memory (osip may use its own
 * allocator). */
/* sip_dialog.c: the first Authorization (else Proxy-Authorization) value
 * of req, malloc'd, or NULL; extra header lines well formed (CRLF only
 * between lines, none empty). */
char *mbl_ua_authorization(osip_message_t *req);
bool mbl_ua_extra_ok(const char *x);

#define UA_DUP_STR(fn, hdr)                                                     \
	({                                                                     \
		char *s_ = NULL, *d_ = NULL;                                   \
		if ((hdr) && fn((hdr), &s_) == 0 && s_) {                      \
			d_ = strdup(s_);                                       \
			osip_free(s_);                                         \
		}                                                              \
		d_;                                                            \
	})

static inline char *ua_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

#endif /* MBL_SIP_UA_PRIV_H */
