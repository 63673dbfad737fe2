/* SPDX-License-Identifier: BSD-3-Clause
 * mediablast SIP user-agent core (module-internal to lib/sip): RFC 3261
 * transactions on osip2's four state machines (ICT, NICT, IST, NIST) with
 * timers A..K driven by our own timer wheel, dialogs, and a call API for the
 * call engine. No sockets here: received bytes come in through
 * mbl_sip_ua_input(), bytes to send leave through ops->send. No osip2 type
 * appears in this header.
 *
 * Threads: a UA and everything reached from it (calls, events) belong to the
 * one thread that created it; nothing here locks. Several UAs may run on
 * several threads, but create the first one before the others start (osip's
 * parser tables are initialised once, without a lock).
 *
 * Time: every entry point takes now_ns, a monotonic clock in nanoseconds
 * chosen by the caller (mbl_time_ns() in production, a simulated clock in
 * tests). It must never go backwards.
 *
 * Object lifetime: the UA owns its calls. A call handle stays valid until the
 * event callback of its terminal event (FAILED, ENDED, REMOTE_BYE, CANCELLED)
 * returns, or until mbl_sip_call_respond() with a final non-2xx status to an
 * initial INVITE returns; the UA frees it then. Event fields (strings, body,
 * addresses) are valid only during the callback. The event callback may call
 * any mbl_sip_call_* function, on any call, but not mbl_sip_ua_input(),
 * mbl_sip_ua_timers() or mbl_sip_ua_destroy() (ops->send must not either).
 */
#ifndef MBL_SIP_UA_H
#define MBL_SIP_UA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "sip_tp.h" /* enum mbl_sip_proto: the transport of the UA's Via */

/* Methods the statistics count separately; anything else is OTHER. */
#define MBL_SIP_METHOD_LIST(X)                                                 \
	X(INVITE) X(ACK) X(BYE) X(CANCEL) X(OPTIONS) X(REGISTER) X(INFO)      \
	X(UPDATE) X(PRACK) X(NOTIFY) X(SUBSCRIBE) X(MESSAGE) X(REFER) X(OTHER)
#define MBL_SIP_METHOD_ENUM_(m) MBL_SIP_M_##m,
enum mbl_sip_method { MBL_SIP_METHOD_LIST(MBL_SIP_METHOD_ENUM_) MBL_SIP_M_MAX };
#undef MBL_SIP_METHOD_ENUM_

/* Timers whose firings are counted. A..K as RFC 3261 17 names them; L is the
 * RFC 6026 "Accepted" linger of an INVITE server transaction after its 2xx;
 * OK2XX is the UAS core's 2xx retransmission (RFC 3261 13.3.1.4), NOACK its
 * 64*T1 give-up, CANCEL the 64*T1 wait for a final response after CANCEL
 * (RFC 3261 9.1). */
#define MBL_SIP_TIMER_LIST(X)                                                  \
	X(A) X(B) X(D) X(E) X(F) X(G) X(H) X(I) X(J) X(K) X(L) X(OK2XX)       \
	X(NOACK) X(CANCEL)
#define MBL_SIP_TIMER_ENUM_(t) MBL_SIP_TIMER_##t,
enum mbl_sip_timer { MBL_SIP_TIMER_LIST(MBL_SIP_TIMER_ENUM_) MBL_SIP_TIMER_MAX };
#undef MBL_SIP_TIMER_ENUM_

struct mbl_sip_ua_conf {
	const char *local_host;      /* Via sent-by and Contact host (IP or name); required */
	uint16_t local_port;         /* Via / Contact port; 0 = 5060 (5061 TLS, 80 WS, 443 WSS) */
	enum mbl_sip_proto transport; /* TCP/TLS/WS/WSS: reliable, no retransmissions;
				       * WS/WSS: messages need no Content-Length
				       * (RFC 7118 5.1) */
	/* A WebSocket client cannot be reached at an address (RFC 7118 5.2):
	 * set, this host (a random "<token>.invalid") replaces every local
	 * address in Via sent-by and Contact, without a port, and Contact
	 * gets ";ob" (RFC 5626 5.4, as RFC 7118 8 shows); everything the
	 * peer sends comes back over our connection. NULL: local_host:port. */
	const char *via_host;
	const char *user_agent;      /* User-Agent / Server value; NULL = "mediablast" */
	const char *supported;       /* Supported value; NULL or "" = no Supported header */
	uint32_t t1_ms;              /* RFC 3261 T1; 0 = 500 */
	uint32_t t2_ms;              /* T2; 0 = 4000 */
	uint32_t t4_ms;              /* T4; 0 = 5000 */
	/* UDP responses go to the request's source address and port (RFC 3581
	 * symmetric response, "received"/"rport" added to the top Via), not to
	 * the Via sent-by. mbl_sip_ua_conf_defaults() sets it. */
	bool symmetric_response;
	bool auto_100;               /* answer every new INVITE with 100 Trying at once */
	bool register_event;         /* REGISTER raises MBL_SIP_EV_REGISTER (else plain 200) */
	/* Keep osip's transaction objects (about 15 KB each) through the linger
	 * states (ICT Completed/Timer D, IST Confirmed/I, NICT Completed/K, NIST
	 * Completed/J). Default false: the UA keeps a 544-byte record instead
	 * that absorbs retransmissions exactly as osip would (see sip_txn.c). */
	bool osip_linger;
	uint32_t max_calls;          /* live calls; 0 = 65536 */
	uint32_t max_txns;           /* live + lingering transactions; 0 = 8 * max_calls */
	uint64_t seed;               /* tags, branches, Call-IDs; 0 = from getrandom() */
};

/* Fill c with the defaults (symmetric_response and auto_100 true, the rest 0
 * / NULL). The caller sets local_host at least. */
void mbl_sip_ua_conf_defaults(struct mbl_sip_ua_conf *c);

/* ---- events --------------------------------------------------------------- */
#define MBL_SIP_EV_LIST(X)                                                     \
	X(INCOMING)       /* new INVITE: call, from, to, request_uri, body */  \
	X(PROGRESS)       /* 101..199 to our INVITE: status, body */           \
	X(ANSWERED)       /* 2xx to our INVITE (reinvite: to our re-INVITE) */ \
	X(ACKED)          /* ACK for our 2xx (body: late answer, if any) */    \
	X(FAILED)         /* terminal: final >= 300, timer B/H, no ACK, ... */ \
	X(REMOTE_BYE)     /* terminal: the peer sent BYE (answered 200) */     \
	X(ENDED)          /* terminal: our BYE answered (status) or timer F */ \
	X(CANCELLED)      /* terminal: CANCEL done (either side) */            \
	X(REINVITE)       /* in-dialog INVITE: answer with mbl_sip_call_respond */ \
	X(REINVITE_FAILED) /* our re-INVITE got >= 300 or timed out; call goes on */ \
	X(CHALLENGE)      /* 401/407 to our INVITE: call mbl_sip_call_auth() */ \
	X(OPTIONS)        /* informational: OPTIONS answered 200 */            \
	X(REGISTER)       /* REGISTER (register_event): set reply_status */    \
	X(RESPONSE)       /* final answer to mbl_sip_request_send (or timeout) */
#define MBL_SIP_EV_ENUM_(e) MBL_SIP_EV_##e,
enum mbl_sip_ev_type { MBL_SIP_EV_LIST(MBL_SIP_EV_ENUM_) MBL_SIP_EV_MAX };
#undef MBL_SIP_EV_ENUM_

struct mbl_sip_call;

struct mbl_sip_ev {
	enum mbl_sip_ev_type type;
	struct mbl_sip_call *call;   /* NULL for OPTIONS and REGISTER */
	void *user;                  /* the call's user pointer */
	int status;                  /* response status, 0 when none */
	/* Static string: the RFC 3261 reason phrase of the status ("Busy
	 * Here"), its class for codes without one ("client error"), or the
	 * cause ("timer B", "timer F", "no ACK", "transport error",
	 * "cancelled", "remote BYE"). Never NULL. */
	const char *reason;
	const char *body;            /* message body or NULL */
	size_t body_len;
	const char *content_type;    /* "application/sdp" etc. or NULL */
	/* A response of 300 or more: the value of its first Warning header
	 * (RFC 3261 20.43, "306 host \"text\""), else NULL. Valid during the
	 * callback only. */
	const char *warning;
	const char *from, *to, *request_uri; /* INCOMING, OPTIONS, REGISTER */
	const char *challenge;       /* CHALLENGE: the WWW-/Proxy-Authenticate value */
	/* INCOMING, REGISTER: the value of the first Authorization header (else
	 * Proxy-Authorization), "Digest username=..."; NULL when none. */
	const char *authorization;
	bool proxy_auth;             /* CHALLENGE: it came in a 407 */
	bool reinvite;               /* ANSWERED / ACKED belong to a re-INVITE */
	const struct sockaddr *src;  /* INCOMING / REGISTER / OPTIONS: the sender */
	socklen_t srclen;
	/* REGISTER only, written by the callback: the status to answer with
	 * (preset to 200) and an optional extra header line without CRLF (e.g.
	 * a WWW-Authenticate challenge); it must stay valid until return. */
	int reply_status;
	const char *reply_hdr;
	/* RESPONSE to a REGISTER, 2xx: the seconds the registrar granted our
	 * binding - the expires parameter of the Contact that names our
	 * address, else the Expires header (RFC 3261 10.2.4); -1 when neither. */
	int expires;
};

struct mbl_sip_ua_ops {
	/* Send len bytes to `to` (the peer) on connection conn_id (0 for UDP, or
	 * for a new TCP/TLS call: the transport picks or opens one). Return 0 or
	 * the id (> 0) of the stream connection that took the bytes (the UA
	 * keeps it, see mbl_sip_ua_conn_lost), < 0 if refused. On UDP a
	 * failure is only counted (retransmissions cover it); on a reliable
	 * transport it ends the transaction with a transport error. Must not
	 * call into the UA. */
	int (*send)(void *arg, const struct sockaddr *to, socklen_t tolen, uint32_t conn_id,
		    const char *buf, size_t len);
	/* Optional; when set it replaces send and also names the local address
	 * (mbl_sip_ua_add_local index, 0 = conf.local_host) the bytes must
	 * leave from: the one the message's Via sent-by and Contact name. */
	int (*send_local)(void *arg, unsigned local, const struct sockaddr *to, socklen_t tolen,
			  uint32_t conn_id, const char *buf, size_t len);
	void (*event)(void *arg, struct mbl_sip_ev *ev);
	void *arg;
};

/* ---- statistics -------------------------------------------------------------
 * Counters since create; *_live are gauges. "out" counts first sends only,
 * retransmissions go to rtx_out (requests and responses, including the UAS
 * core's 2xx and the UAC core's repeated ACK); rtx_in counts received
 * duplicates that a transaction or dialog absorbed. */
struct mbl_sip_ua_stats {
	uint64_t req_in[MBL_SIP_M_MAX], req_out[MBL_SIP_M_MAX];
	uint64_t resp_in[MBL_SIP_M_MAX], resp_out[MBL_SIP_M_MAX]; /* by CSeq method */
	uint64_t status_in[600], status_out[600];                 /* [code - 100] */
	uint64_t rtx_out, rtx_in;
	uint64_t timer_fired[MBL_SIP_TIMER_MAX];
	uint64_t parse_errors;    /* input the validation layer refused (answered or dropped) */
	uint64_t rejected;        /* of those, requests answered with an error status */
	uint64_t unmatched;       /* responses / ACKs that matched nothing (dropped, RFC 3261 18.1.2) */
	uint64_t send_errors;     /* ops->send returned < 0 */
	uint64_t no_resources;    /* requests refused with 503: transaction or call table full */
	uint64_t txn_live, call_live;
};

struct mbl_sip_ua;

/* Create a UA. conf and ops are copied (strings too). Returns NULL with errno
 * EINVAL (no local_host, no send/event callback, T1 > T2, too large tables)
 * or ENOMEM. All tables are sized here; nothing on the call path grows. */
struct mbl_sip_ua *mbl_sip_ua_create(const struct mbl_sip_ua_conf *conf,
				     const struct mbl_sip_ua_ops *ops);
/* Free the UA, its calls and transactions, without events or messages.
 * NULL is fine. */
void mbl_sip_ua_destroy(struct mbl_sip_ua *ua);

/* ---- local addresses -------------------------------------------------------
 * A UA may speak from many local addresses (SBCs limit per source IP, so
 * load tests spread calls over address ranges). Index 0 is conf.local_host
 * and local_port; each added one gets the next index. A call keeps the
 * address it was placed from (mbl_sip_call_invite_from) or its INVITE
 * arrived on (mbl_sip_ua_input_local): the Via sent-by and Contact of every
 * message of its dialog name it, and ops->send_local is told to send from
 * it. The "host:port" text is made once here, never per message. */
#define MBL_SIP_UA_MAX_LOCAL 4096

/* Add host (IP or name, as local_host) and port (0 = the default port of
 * the transport). Call before the first call or input. Returns the index
 * (>= 1), -EINVAL (bad host), -ENOSPC (MBL_SIP_UA_MAX_LOCAL reached) or
 * -ENOMEM. */
int mbl_sip_ua_add_local(struct mbl_sip_ua *ua, const char *host, uint16_t port);
/* Number of local addresses (1 + those added). */
unsigned mbl_sip_ua_n_local(const struct mbl_sip_ua *ua);
/* "host:port" of local address i, as Via and Contact carry it; NULL when i
 * is out of range. */
const char *mbl_sip_ua_local_hostport(const struct mbl_sip_ua *ua, unsigned i);

/* One received SIP message (a UDP datagram, or one framed message from a
 * TCP/TLS stream) from src on connection conn_id (0 for UDP). Matches it to a
 * transaction (RFC 3261 17.1.3 / 17.2.3: branch + sent-by + method, ACK and
 * CANCEL rules) or a dialog and acts on it; events are delivered before it
 * returns. Returns 0 when handled (including duplicates absorbed and stray
 * responses dropped), -EBADMSG if it does not parse or lacks Via, From, To,
 * Call-ID or CSeq, -EINVAL for bad arguments, -ENOBUFS if a new request was
 * refused with 503 because a table is full. */
int mbl_sip_ua_input(struct mbl_sip_ua *ua, const char *buf, size_t len,
		     const struct sockaddr *src, socklen_t srclen, uint32_t conn_id,
		     uint64_t now_ns);
/* The same for a message that arrived on local address `local` (an index
 * of mbl_sip_ua_add_local; 0 for mbl_sip_ua_input): responses to it, and a
 * dialog it creates, use that address. -EINVAL when local is out of range. */
int mbl_sip_ua_input_local(struct mbl_sip_ua *ua, unsigned local, const char *buf, size_t len,
			   const struct sockaddr *src, socklen_t srclen, uint32_t conn_id,
			   uint64_t now_ns);

/* Stream connection conn_id failed or closed (the transport's
 * on_conn_error). Every client transaction still waiting for its final
 * response that went out on it (or was sent with conn_id) ends now as a
 * transport error (503 "transport error": FAILED / ENDED / RESPONSE, as
 * when a send is refused) instead of waiting 64*T1 for timer B or F:
 * RFC 3261 18.4 hands transport failures to the transaction, and a
 * response can only come back on the connection the request left on
 * (RFC 3261 18.2.2; RFC 7118 for WebSocket). Events are delivered before
 * it returns. Returns how many transactions ended. */
int mbl_sip_ua_conn_lost(struct mbl_sip_ua *ua, uint32_t conn_id, uint64_t now_ns);

/* Fire every timer due at now_ns (retransmissions, timeouts, lingering
 * transactions ending). Returns how many fired. */
int mbl_sip_ua_timers(struct mbl_sip_ua *ua, uint64_t now_ns);
/* Earliest time a timer is due (possibly already past), for poll timeouts;
 * UINT64_MAX when none. */
uint64_t mbl_sip_ua_next_timer_ns(const struct mbl_sip_ua *ua);

const struct mbl_sip_ua_stats *mbl_sip_ua_stats(const struct mbl_sip_ua *ua);
/* "A".."K", "L", "OK2XX", ... or "?" */
const char *mbl_sip_timer_name(enum mbl_sip_timer t);
const char *mbl_sip_method_name(enum mbl_sip_method m);
const char *mbl_sip_ev_name(enum mbl_sip_ev_type t);

/* ---- calls -------------------------------------------------------------------
 * All return 0 or a negative errno:
 *   -EINVAL   bad argument (NULL, status out of range, malformed URI)
 *   -EPERM    the call is not in a state that allows it (answered, ended...)
 *   -EBUSY    another INVITE transaction of this call is still pending
 *   -ENOBUFS  the transaction table is full
 *   -ENOMEM   out of memory
 *   -EIO      a reliable transport refused the message: the call failed
 *             (details per function) */

/* Place a call: INVITE target_uri ("sip:bob@host[:port]") from from_uri
 * (used for From and the Contact user), sent to dest, with sdp as body
 * (NULL: no body). user is returned in every event. Returns the call, or
 * NULL with errno set to one of the values above. */
struct mbl_sip_call *mbl_sip_call_invite(struct mbl_sip_ua *ua, const char *target_uri,
					 const char *from_uri, const struct sockaddr *dest,
					 socklen_t destlen, const char *sdp, void *user,
					 uint64_t now_ns);
/* The same from local address `local` (mbl_sip_ua_add_local index; 0 is
 * what mbl_sip_call_invite uses): the INVITE and every later request of the
 * dialog (ACK, CANCEL, BYE, re-INVITE) go out from it and name it in Via
 * and Contact. EINVAL when local is out of range. */
struct mbl_sip_call *mbl_sip_call_invite_from(struct mbl_sip_ua *ua, unsigned local,
					      const char *target_uri, const char *from_uri,
					      const struct sockaddr *dest, socklen_t destlen,
					      const char *sdp, void *user, uint64_t now_ns);
/* Answer the pending incoming INVITE or re-INVITE: 101..199 provisional (the
 * To tag is set, an early dialog exists), 200..299 with sdp (the UAS core
 * retransmits it until ACK, RFC 3261 13.3.1.4), 300..699 failure (ends an
 * initial call: the handle is invalid after return; a re-INVITE's call goes
 * on). extra_hdr: NULL, or header lines joined by CRLF without a final one
 * (several WWW-Authenticate challenges, RFC 8760 2.4); a lone CR or LF, an
 * empty line or a leading / trailing CRLF is -EINVAL. REGISTER's
 * reply_hdr follows the same rule. -EPERM when no
 * incoming INVITE is pending or a final answer was already sent; -EIO when
 * the transport refused a final answer to an initial INVITE: the call is
 * gone (no event), the handle invalid. */
int mbl_sip_call_respond(struct mbl_sip_call *call, int status, const char *sdp,
			 const char *extra_hdr, uint64_t now_ns);
/* Send BYE on a confirmed dialog. ENDED follows (the response's status, or
 * 408 "timer F"). A UAS that has not yet received the ACK for its 2xx sends
 * the BYE when the ACK arrives (RFC 3261 15). -EPERM before the dialog is
 * confirmed (use cancel) or after the call ended. -EIO: the transport
 * refused the BYE; ENDED (503, "transport error") was given before return. */
int mbl_sip_call_bye(struct mbl_sip_call *call, uint64_t now_ns);
/* CANCEL our pending INVITE (sent once a provisional response arrived, RFC
 * 3261 9.1). CANCELLED follows with 487 (or with 408 "timer CANCEL" after
 * 64*T1 without a final response). If a 2xx crosses the CANCEL, the UA sends
 * ACK and BYE itself and reports CANCELLED with status 200. On a CHALLENGE
 * call, ends it at once with CANCELLED. -EPERM otherwise. */
int mbl_sip_call_cancel(struct mbl_sip_call *call, uint64_t now_ns);
/* Send a re-INVITE with sdp (hold: a=sendonly, resume: a=sendrecv) on a
 * confirmed dialog; ANSWERED with reinvite=true (or REINVITE_FAILED) follows.
 * -EBUSY while an INVITE transaction of either side is pending. */
int mbl_sip_call_reinvite(struct mbl_sip_call *call, const char *sdp, uint64_t now_ns);
/* Answer a CHALLENGE: re-send the INVITE with CSeq+1, a new branch and the
 * header "Authorization: <value>" (401) or "Proxy-Authorization: <value>"
 * (407). -EPERM unless the call's last event was CHALLENGE. */
int mbl_sip_call_auth(struct mbl_sip_call *call, const char *authorization, uint64_t now_ns);

/* ---- requests outside a dialog (REGISTER) -----------------------------------
 * One non-INVITE client transaction (RFC 3261 17.1.2) outside any dialog.
 * The caller keeps what RFC 3261 10.2 asks a registration to keep (Call-ID,
 * CSeq, From tag) and passes it on each request; the UA adds Via (new
 * branch), Max-Forwards, User-Agent and Content-Length 0. Provisional
 * responses are absorbed; the final one (or timer F: 408 "timer F", a
 * transport failure: 503 "transport error") comes back as one RESPONSE
 * event carrying user, with challenge / proxy_auth set for 401 / 407 and
 * expires for a 2xx. */
struct mbl_sip_request {
	const char *method;          /* "REGISTER" (a token; not INVITE/ACK/CANCEL) */
	const char *uri;             /* Request-URI, "sip:example.com" */
	const char *to_uri;          /* To (the address of record), no tag */
	const char *from_uri;        /* From */
	const char *from_tag;        /* required, token characters */
	const char *call_id;         /* required, no blanks */
	uint32_t cseq;
	/* Contact <sip:contact_user@local_host:port> (NULL: no Contact) */
	const char *contact_user;
	/* header lines joined by CRLF, none final (Expires, Authorization), or
	 * NULL; the same rule as mbl_sip_call_respond's extra_hdr */
	const char *extra_hdr;
	unsigned local;              /* local address to send from (Via, Contact) */
};

/* Send r to dest. Returns 0 (RESPONSE follows, also after a later
 * transport failure), -EINVAL (a field missing or malformed, an INVITE,
 * ACK or CANCEL), -ENOBUFS (transaction table full), -ENOMEM, -EIO (a
 * reliable transport refused it at once: no event). May be called from
 * the event callback. */
int mbl_sip_request_send(struct mbl_sip_ua *ua, const struct mbl_sip_request *r,
			 const struct sockaddr *dest, socklen_t destlen, void *user,
			 uint64_t now_ns);

void *mbl_sip_call_user(const struct mbl_sip_call *call);
void mbl_sip_call_set_user(struct mbl_sip_call *call, void *user);
const char *mbl_sip_call_id(const struct mbl_sip_call *call);
/* The call's local address index (see mbl_sip_ua_add_local). */
unsigned mbl_sip_call_local(const struct mbl_sip_call *call);

#endif /* MBL_SIP_UA_H */
