/* SPDX-License-Identifier: BSD-3-Clause
 * SIP transport (RFC 3261 18) for the control plane: UDP, TCP, TLS 1.2 /
 * 1.3, and WebSocket over TCP or TLS (RFC 7118, framing from lib/ws) on
 * kernel sockets, all non-blocking under one epoll instance that
 * mbl_sip_tp_poll() drives from the control-plane loop.
 *
 * Module-internal header of lib/sip: the UA above it sees whole messages as
 * bytes; no osip2 (and no OpenSSL) type appears here. OpenSSL stays inside
 * sip_tls.c.
 *
 * Threads: a struct mbl_sip_tp and everything reached through it belong to
 * the one thread that created it (the control plane); no function here
 * may be called from another thread, and callbacks run on that thread from
 * inside mbl_sip_tp_poll(). Callbacks may call mbl_sip_tp_send(),
 * mbl_sip_tp_ping() and mbl_sip_tp_close(), never mbl_sip_tp_poll() or
 * mbl_sip_tp_free().
 */
#ifndef MBL_SIP_TP_H
#define MBL_SIP_TP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "mbl_ws.h" /* counter arrays sized by its reason lists */

/* The order matches enum mbl_config_transport (sip.transport). */
enum mbl_sip_proto {
	MBL_SIP_UDP = 0,
	MBL_SIP_TCP,
	MBL_SIP_TLS,
	MBL_SIP_WS,   /* WebSocket over TCP (RFC 7118) */
	MBL_SIP_WSS,  /* WebSocket over our TLS layer */
	MBL_SIP_PROTO_MAX
};

/* "UDP", "TCP", "TLS", "WS", "WSS" (the Via transport tokens, RFC 3261
 * 20.42, RFC 7118 5.2); NULL when p is out of range. */
const char *mbl_sip_proto_name(enum mbl_sip_proto p);
/* TLS or WSS: OpenSSL under the stream. */
bool mbl_sip_proto_tls(enum mbl_sip_proto p);
/* WS or WSS: one SIP message per WebSocket message (RFC 7118 5.1). */
bool mbl_sip_proto_ws(enum mbl_sip_proto p);

/* TLS protocol versions we speak: never below 1.2 (RFC 8996 retired 1.0 and
 * 1.1). MBL_SIP_TLS_VER_ANY as min means 1.2, as max the newest (1.3). */
enum mbl_sip_tls_ver {
	MBL_SIP_TLS_VER_ANY = 0,
	MBL_SIP_TLS_VER_1_2,
	MBL_SIP_TLS_VER_1_3,
};

/* TLS settings, read once by mbl_sip_tp_create (files are loaded then;
 * the strings need not outlive the call). A zeroed struct is the safe
 * default: system CA store, peer verification and host-name checks on. */
struct mbl_sip_tls_conf {
	const char *ca_file;      /* PEM CA bundle; NULL = the system store */
	const char *cert_file;    /* PEM certificate (chain): needed to listen on
				   * TLS; a client presents it when set */
	const char *key_file;     /* PEM private key of cert_file */
	const char *server_name;  /* client: SNI and the name the server's
				   * certificate must carry; NULL = the host
				   * given to mbl_sip_tp_send, else the
				   * target's IP (checked against IP SANs) */
	bool no_verify;           /* true turns every check off (CA, name,
				   * dates, client certificates); logged once
				   * as a warning. Inverted so that zero is
				   * the secure default. */
	bool require_client_cert; /* server: ask for a client certificate,
				   * verify it against ca_file / the store, and
				   * refuse a client that has none */
	enum mbl_sip_tls_ver min_version;
	enum mbl_sip_tls_ver max_version;
};

/* Why a stream connection failed or closed: X(name, description). */
#define MBL_SIP_TP_ERR_LIST(X)                                                             \
	X(connect_refused, "connection refused by the peer")                               \
	X(connect_timeout, "TCP connect did not complete within connect_ms")               \
	X(connect_failed, "connect failed (unreachable, no route, other socket error)")    \
	X(reset, "connection reset by the peer")                                           \
	X(closed, "peer closed the connection")                                            \
	X(idle_timeout, "no complete message or handshake within idle_ms")                 \
	X(framing, "stream framing: Content-Length missing, negative, not a number or "   \
		   "repeated, or message above max_msg")                                  \
	X(tls_unknown_ca, "TLS: peer certificate not signed by a trusted CA")              \
	X(tls_wrong_name, "TLS: peer certificate does not match the expected name or IP") \
	X(tls_expired, "TLS: peer certificate expired or not yet valid")                   \
	X(tls_version, "TLS: no protocol version in common")                               \
	X(tls_no_cert, "TLS: a required client certificate was not sent")                  \
	X(tls_handshake, "TLS: handshake failed (other reason)")                           \
	X(tls_error, "TLS: fatal error after the handshake (bad record, alert)")           \
	X(read_failed, "recv failed (socket error other than reset)")                      \
	X(write_failed, "send failed (socket error other than reset)")                     \
	X(ws_handshake, "WebSocket: opening handshake refused or invalid (RFC 6455 4)")    \
	X(ws_protocol, "WebSocket: frame breaking RFC 6455 5 (closed with 1002 or 1007)") \
	X(ws_too_big, "WebSocket: message above max_msg (closed with 1009)")              \
	X(ws_closed, "WebSocket: the peer sent a Close (RFC 6455 5.5.1)")

#define MBL_SIP_TP_ERR_ENUM_(n, d) MBL_SIP_TP_ERR_##n,
enum mbl_sip_tp_err { MBL_SIP_TP_ERR_LIST(MBL_SIP_TP_ERR_ENUM_) MBL_SIP_TP_ERR_MAX };
#undef MBL_SIP_TP_ERR_ENUM_

/* "connect_refused", ... and the description; "?" when out of range. */
const char *mbl_sip_tp_err_name(enum mbl_sip_tp_err e);
const char *mbl_sip_tp_err_desc(enum mbl_sip_tp_err e);

/* Where a received message came from. */
struct mbl_sip_tp_src {
	enum mbl_sip_proto proto;
	struct sockaddr_storage peer;
	socklen_t peer_len;
	struct sockaddr_storage local; /* our address it arrived on; for a
					* wildcard UDP listener the packet's
					* real destination IP (IP_PKTINFO) */
	socklen_t local_len;
	uint32_t conn_id;              /* stream connection; 0 for UDP */
	int listener;                  /* listener index it arrived on; -1 for
					* our own outbound connections and the
					* unbound UDP socket */
};

/* Called once per complete message. buf is NUL-terminated (buf[len] == 0),
 * read-only, and valid only during the call. UDP: the whole datagram as
 * received (RFC 3261 18.3: octets beyond Content-Length are the parser's
 * to discard); TCP/TLS: exactly one framed message, headers + body;
 * WS/WSS: one whole WebSocket message as received (RFC 7118 5.1: it is
 * one SIP message; Content-Length is optional, as on UDP). */
typedef void (*mbl_sip_tp_msg_cb)(void *arg, const struct mbl_sip_tp_src *src, const char *buf,
				  size_t len);
/* Called once per stream connection that fails or closes for any reason
 * other than mbl_sip_tp_close() / mbl_sip_tp_free(); the connection is
 * already gone (its queued output dropped), so a send to peer from here
 * opens a new one. */
typedef void (*mbl_sip_tp_err_cb)(void *arg, uint32_t conn_id, const struct sockaddr *peer,
				  enum mbl_sip_tp_err why);

struct mbl_sip_tp_conf {
	struct mbl_sip_tls_conf tls;
	uint32_t idle_ms;    /* close a stream connection after this long without
			      * a complete message in or out, a finished
			      * handshake or a keepalive (also half-open ones
			      * that never send anything); 0 = 60000,
			      * UINT32_MAX = never */
	uint32_t connect_ms; /* TCP connect limit; 0 = 10000 */
	uint32_t max_msg;    /* largest message in bytes; 0 = 65535 (also the
			      * WebSocket reassembly cap, fragments included) */
	uint32_t max_queue;  /* unsent bytes per connection before send
			      * returns -ENOBUFS; 0 = 1 MiB */
	bool udp_batch;      /* queue UDP sends and flush them with sendmmsg at the
			      * end of each poll (and on mbl_sip_tp_flush) */
	const char *ws_path;   /* WS client: request-target of the opening
				* handshake; NULL = "/" (copied) */
	const char *ws_origin; /* WS client: Origin header; NULL = none (copied) */
	mbl_sip_tp_msg_cb on_msg;       /* required */
	mbl_sip_tp_err_cb on_conn_error; /* optional */
	void *arg;
};

/* Close codes counted one by one: 1000-1015 (RFC 6455 7.4.1 and the IANA
 * registry; 1005 counts a Close without a code), then one slot for every
 * other code (3000-4999: registered or private). */
#define MBL_SIP_TP_WS_CLOSE_SLOTS 17
/* The slot of a close code; its code for a slot (0 for the "other" one). */
unsigned mbl_sip_tp_ws_close_slot(uint16_t code);
uint16_t mbl_sip_tp_ws_slot_code(unsigned slot);

/* Counters since create; mbl_sip_tp_stats() copies them. */
struct mbl_sip_tp_stats {
	uint64_t dgrams_in, dgrams_out;  /* UDP messages */
	uint64_t msgs_in, msgs_out;      /* stream messages (framed in; accepted
					  * by send out) */
	uint64_t bytes_in, bytes_out;    /* payload bytes, both kinds (TLS:
					  * plaintext) */
	uint64_t dgrams_dropped;         /* UDP: above max_msg (a datagram of
					  * CRLFs only counts as pings_in) */
	uint64_t conns_opened;           /* outbound connects started */
	uint64_t conns_accepted;
	uint64_t conns_closed;           /* every way, including close/free */
	uint64_t tls_handshakes;         /* completed, both roles */
	uint64_t pings_in, pongs_out, pings_out; /* RFC 5626 4.4.1 CRLF keepalives */
	uint64_t send_refused;           /* send returned an error */
	struct mbl_sip_tp_ws_stats {     /* WS / WSS connections */
		uint64_t handshakes;     /* opening handshakes done, both roles */
		/* handshakes that failed, by reason: refusals we answered
		 * (400/426) and server answers our client refused */
		uint64_t hs_refused[MBL_WS_HS_ERR_MAX];
		uint64_t frames_in, frames_out;   /* every frame, control too */
		uint64_t pings_in, pongs_out;     /* WebSocket Ping / Pong (RFC 6455 5.5.2) */
		uint64_t pings_out, pongs_in;
		/* Close frames by code (mbl_sip_tp_ws_close_slot) */
		uint64_t closes_in[MBL_SIP_TP_WS_CLOSE_SLOTS];
		uint64_t closes_out[MBL_SIP_TP_WS_CLOSE_SLOTS];
		uint64_t errors[MBL_WS_ERR_MAX];  /* frame errors that failed a connection */
	} ws;
	uint64_t err[MBL_SIP_TP_ERR_MAX]; /* connection failures by reason;
					   * err[MBL_SIP_TP_ERR_framing] is the
					   * framing error count */
};

struct mbl_sip_tp;

/* Create a transport from c (copied; the TLS files are loaded now). Returns
 * NULL with errno (EINVAL: no on_msg, cert without key or the reverse, bad
 * TLS versions; ENOENT/EIO: a TLS file could not be loaded; ENOMEM; or the
 * epoll_create1 errno) and err filled. */
struct mbl_sip_tp *mbl_sip_tp_create(const struct mbl_sip_tp_conf *c, char *err, size_t errlen);
/* Close every socket and connection (no callbacks) and free all memory and
 * OpenSSL objects. NULL is fine. */
void mbl_sip_tp_free(struct mbl_sip_tp *tp);

/* Listen on addr (IPv4 or IPv6; port 0 = ephemeral, see
 * mbl_sip_tp_local_addr). Call once per local address / port / protocol:
 * many local IPs are normal. Stream listeners use SO_REUSEADDR (restart
 * despite TIME_WAIT); UDP ones do not, because on UDP it would let two
 * sockets share a port and split its traffic silently. IPv6 listeners are
 * V6ONLY. Returns the listener index (>= 0), or -EINVAL (bad family or
 * length, TLS or WSS without cert_file), -ENOMEM, or the socket /
 * bind / listen errno (-EADDRINUSE ...), with err filled. */
int mbl_sip_tp_listen(struct mbl_sip_tp *tp, enum mbl_sip_proto p, const struct sockaddr *addr,
		      socklen_t len, char *err, size_t errlen);
/* The bound address of a listener. Returns 0 or -EINVAL (no such index). */
int mbl_sip_tp_local_addr(const struct mbl_sip_tp *tp, int listener, struct sockaddr_storage *out,
			  socklen_t *len);

/* Send one whole message.
 * UDP: sendto from the UDP listener bound to from_local (same IP, and same
 * port unless from_local's port is 0; a wildcard listener on that port
 * sends with the IP chosen through IP_PKTINFO), or with from_local NULL the
 * first UDP listener of to's family, or else an unbound socket of ours
 * (replies to it arrive with listener -1). Returns 0.
 * TCP/TLS: conn_id != 0 sends on that connection (responses, RFC 3261
 * 18.2.2; to, from_local and host are ignored). Otherwise an established
 * or pending connection to `to` of the same protocol (and from from_local's
 * IP if given; for TLS, checked for the same name) is reused, or a new one
 * is opened (non-blocking, bound to from_local's IP, port 0). Bytes are
 * queued until the connection is up (and the handshake done) and whatever
 * the socket does not take at once waits in the connection's output
 * queue. host names the TLS server when tls.server_name is NULL (SNI and
 * certificate check; NULL = to's IP); WS/WSS also send it as the Host of
 * the opening handshake. WS/WSS: a new outbound connection sends its
 * opening handshake first and holds every message until the 101 arrives
 * (RFC 6455 4.1); each message then leaves as one frame, text, or binary
 * when it is not UTF-8 (RFC 7118 4.2 / 5.1), masked with fresh random
 * bytes on our client connections (RFC 6455 5.3). A WS connection we
 * accepted takes messages only once its handshake is done (-ENOTCONN
 * before). Returns the connection id (> 0).
 * Errors: -EINVAL (bad arguments, proto mismatch with conn_id, len 0 or
 * above max_msg), -ENOTCONN (conn_id unknown or closed), -EADDRNOTAVAIL
 * (no UDP listener matches from_local), -ENOBUFS (the connection's queue
 * would exceed max_queue; nothing is queued), -ENOMEM, -EAGAIN (UDP send
 * buffer full: let the SIP timers retransmit), or the socket / connect /
 * sendto errno (-ECONNREFUSED, -ENETUNREACH, ...). A failure after return
 * (the connect is refused later, the handshake fails) comes through
 * on_conn_error. */
int mbl_sip_tp_send(struct mbl_sip_tp *tp, enum mbl_sip_proto p, const struct sockaddr *to,
		    socklen_t tolen, const struct sockaddr *from_local, uint32_t conn_id,
		    const char *host, const char *buf, size_t len);

/* Send an RFC 5626 4.4.1 keepalive ping (CRLFCRLF) on a stream connection.
 * The peer answers with a single CRLF, which this layer skips. Returns 0,
 * -ENOTCONN, -ENOBUFS or -ENOMEM. (Pings we receive are answered on accepted
 * connections only: the flow's server side pongs.) On WS/WSS it sends a
 * WebSocket Ping instead (RFC 7118 6 allows both); -ENOTCONN until the
 * opening handshake is done. A Ping we receive is answered with a Pong in
 * either role; a WebSocket message of CRLFCRLF is answered with one of
 * CRLF by the server side, as on TCP. */
int mbl_sip_tp_ping(struct mbl_sip_tp *tp, uint32_t conn_id);

/* Close a stream connection now, dropping its queued output (no callback).
 * A WebSocket connection that is up gets one try at sending a Close (1000)
 * first, a TLS one a close_notify. Returns 0 or -ENOTCONN. */
int mbl_sip_tp_close(struct mbl_sip_tp *tp, uint32_t conn_id);

/* Wait up to timeout_ms (0 = don't wait, -1 = until something happens; the
 * wait is cut short by the next connect / idle deadline) and handle what is
 * ready: accepts, connects, TLS handshakes, reads (UDP in recvmmsg batches
 * of up to 32), framing, keepalives, output flushes and timeouts. Calls
 * on_msg once per complete message and on_conn_error once per failed or
 * closed connection. Returns the number of events handled (>= 0), -EBUSY
 * when called from a callback, or the epoll_wait errno. */
int mbl_sip_tp_poll(struct mbl_sip_tp *tp, int timeout_ms);

/* conf.udp_batch: send the queued datagrams now (the owner calls it after
 * sending outside a poll, before waiting). No-op otherwise. */
void mbl_sip_tp_flush(struct mbl_sip_tp *tp);

/* What a stream connection is (for logs, reports and tests). */
struct mbl_sip_tp_conn_info {
	enum mbl_sip_proto proto;
	bool outbound;          /* we connected; false: accepted */
	bool up;                /* connected and, for TLS and WS, handshakes done */
	struct sockaddr_storage peer, local;
	socklen_t peer_len, local_len;
	int listener;           /* accepting listener; -1 when outbound */
	size_t queued;          /* output bytes not yet taken by the socket */
	char tls_version[16];   /* "TLSv1.3"; "" before the handshake / not TLS */
	char tls_cipher[64];
	char peer_cn[128];      /* peer certificate's subject CN; "" if none */
};

/* Fill *out for conn_id. Returns 0 or -ENOTCONN. */
int mbl_sip_tp_conn_info(const struct mbl_sip_tp *tp, uint32_t conn_id,
			 struct mbl_sip_tp_conn_info *out);

/* Copy the counters. */
void mbl_sip_tp_stats(const struct mbl_sip_tp *tp, struct mbl_sip_tp_stats *out);

#endif /* MBL_SIP_TP_H */
