/* SPDX-License-Identifier: BSD-3-Clause
 * Internal: the pieces of the SIP transport shared by sip_tp.c (instance,
 * listeners, UDP, poll loop), sip_tp_conn.c (stream connections),
 * sip_tp_out.c (their output queues), sip_tp_stream.c (stream framing),
 * sip_tp_ws.c (WebSocket) and sip_tls.c (OpenSSL).
 *
 * Every field below belongs to the thread that owns the struct mbl_sip_tp
 * (the control plane); nothing is shared with other threads.
 */
#ifndef MBL_SIP_TP_PRIV_H
#define MBL_SIP_TP_PRIV_H

#include <netinet/in.h>
#include <sys/queue.h>
#include <sys/types.h>

#include "sip_tp.h"

/* ---- stream framing (sip_tp_stream.c) ---------------------------------------
 * One connection's input buffer. Bytes are read straight into it
 * (frame_room / frame_commit); frame_next hands out one message at a time
 * as a pointer into it. State survives between reads, so a message that
 * drips in byte by byte is scanned once: the CRLFCRLF search resumes where
 * it stopped and Content-Length is parsed once per message. */
enum mbl_sip_tp_frame_rc {
	MBL_SIP_TP_FR_MORE = 0, /* need more bytes */
	MBL_SIP_TP_FR_MSG,      /* *msg, *len: one whole message */
	MBL_SIP_TP_FR_PING,     /* a CRLFCRLF keepalive was skipped */
	MBL_SIP_TP_FR_ERR,      /* framing error: f->why says which */
};

struct mbl_sip_tp_frame {
	char *buf;
	size_t cap;        /* allocated; at most max_msg + 2 */
	size_t len;        /* bytes filled */
	size_t start;      /* first byte not yet handed out */
	size_t scan;       /* the CRLFCRLF search resumes here */
	size_t msg_len;    /* headers + body of the message at start, once its
			    * headers are complete; 0 before */
	size_t nul_at;     /* where frame_next wrote the NUL after the last
			    * message (SIZE_MAX: nowhere) */
	char saved;        /* the byte the NUL covers */
	uint8_t crlfs;     /* CRLFs skipped at this message boundary */
	bool in_msg;       /* a message has started at start */
	uint32_t max_msg;
	const char *why;   /* reason of the last MBL_SIP_TP_FR_ERR */
};

void mbl_sip_tp_frame_init(struct mbl_sip_tp_frame *f, uint32_t max_msg);
void mbl_sip_tp_frame_fini(struct mbl_sip_tp_frame *f);
/* Free space to read into: *p and the byte count (>= 1), or -ENOMEM, or
 * -EMSGSIZE if frame_next was not run after the last commit. */
ssize_t mbl_sip_tp_frame_room(struct mbl_sip_tp_frame *f, char **p);
void mbl_sip_tp_frame_commit(struct mbl_sip_tp_frame *f, size_t n);
/* Next event from the buffered bytes (enum mbl_sip_tp_frame_rc). A message
 * is NUL-terminated in place and valid until the next call. */
int mbl_sip_tp_frame_next(struct mbl_sip_tp_frame *f, const char **msg, size_t *len);
/* Content-Length of a header block (start line through the empty line):
 * exactly one Content-Length or "l" header, any case, LWS and folding
 * allowed around a decimal value (RFC 3261 7.3.1, 20.14). Values above max
 * are clamped to max + 1. Returns 0 with *out, or -EINVAL with *why. */
int mbl_sip_tp_content_length(const char *h, size_t n, size_t max, size_t *out,
			      const char **why);

/* ---- TLS (sip_tls.c) --------------------------------------------------------
 * The only file that includes OpenSSL. One struct mbl_sip_tls per
 * transport holds the client and server SSL_CTX and the socket BIO method
 * (send with MSG_NOSIGNAL, so a dead peer never raises SIGPIPE). */
struct ssl_st;
struct mbl_sip_tls;

enum mbl_sip_tls_rc {
	MBL_SIP_TLS_WANT_READ = -1,
	MBL_SIP_TLS_WANT_WRITE = -2,
	MBL_SIP_TLS_FAIL = -3, /* *why says what failed */
};

struct mbl_sip_tls *mbl_sip_tls_create(const struct mbl_sip_tls_conf *c, char *err,
				       size_t errlen);
/* After every session made from t was freed. NULL is fine. */
void mbl_sip_tls_free(struct mbl_sip_tls *t);
bool mbl_sip_tls_can_serve(const struct mbl_sip_tls *t);
/* A session on fd: a server one, or a client one that checks name (DNS
 * name or IP literal; sent as SNI when it is a DNS name). NULL on ENOMEM.
 * Logs the one-time "verification is OFF" warning. */
struct ssl_st *mbl_sip_tls_session(struct mbl_sip_tls *t, int fd, bool server, const char *name);
/* NULL is fine; close_notify: try to send one first (never blocks). */
void mbl_sip_tls_session_free(struct ssl_st *s, bool close_notify);
/* 0 when the handshake is done, or an enum mbl_sip_tls_rc. */
int mbl_sip_tls_handshake(struct ssl_st *s, enum mbl_sip_tp_err *why, char *detail, size_t dlen);
/* Bytes read (> 0), 0 on a clean close (close_notify or EOF), or an enum
 * mbl_sip_tls_rc. */
int mbl_sip_tls_read(struct ssl_st *s, char *buf, size_t len, enum mbl_sip_tp_err *why);
/* Bytes written (> 0) or an enum mbl_sip_tls_rc. */
int mbl_sip_tls_write(struct ssl_st *s, const char *buf, size_t len, enum mbl_sip_tp_err *why);
void mbl_sip_tls_describe(struct ssl_st *s, struct mbl_sip_tp_conn_info *out);

/* ---- the transport ------------------------------------------------------------ */
enum mbl_sip_tp_conn_state {
	MBL_SIP_TP_CONNECTING,    /* non-blocking connect in progress */
	MBL_SIP_TP_HANDSHAKE,     /* TLS handshake in progress */
	MBL_SIP_TP_WS_HANDSHAKE,  /* WebSocket opening handshake (after TLS for wss) */
	MBL_SIP_TP_UP,
	MBL_SIP_TP_DEAD,          /* closed; freed at the end of the poll */
};

struct mbl_sip_tp_ws; /* sip_tp_ws.c: a WS / WSS connection's state */

struct mbl_sip_tp_conn {
	uint32_t id;            /* generation << MBL_SIP_TP_SLOT_BITS | slot + 1 */
	int fd;
	enum mbl_sip_proto proto;
	enum mbl_sip_tp_conn_state state;
	int listener;           /* accepting listener; -1 when outbound */
	uint32_t ev;            /* epoll events currently registered */
	bool tls_wants_write;   /* OpenSSL needs the socket writable */
	struct sockaddr_storage peer, local;
	socklen_t peer_len, local_len;
	char *host;             /* outbound TLS: the name checked (reuse key);
				 * outbound WS: also the handshake's Host */
	struct ssl_st *ssl;
	struct mbl_sip_tp_ws *ws; /* WS / WSS only, else NULL */
	struct mbl_sip_tp_frame in;
	char *out;              /* output queue: out[out_off, out_len) unsent */
	size_t out_off, out_len, out_cap;
	uint64_t since_ns;      /* connect start, then last activity */
	TAILQ_ENTRY(mbl_sip_tp_conn) timer; /* on tp->connecting or tp->idle */
	struct mbl_sip_tp_conn *hash_next;  /* chain in tp->by_peer */
};
TAILQ_HEAD(mbl_sip_tp_conn_list, mbl_sip_tp_conn);

#define MBL_SIP_TP_SLOT_BITS 20 /* up to 2^20 - 1 live connections */

struct mbl_sip_tp_listener {
	int fd;
	enum mbl_sip_proto proto;
	bool wildcard;          /* bound to INADDR_ANY / in6addr_any */
	struct sockaddr_storage addr;
	socklen_t addr_len;
};

struct mbl_sip_tp_udp_rx; /* recvmmsg batch buffers (sip_tp.c) */

#define MBL_SIP_TP_UDPQ 64        /* datagrams queued per flush */
#define MBL_SIP_TP_UDPQ_MSG 4096  /* larger ones go out at once */

struct mbl_sip_tp_udpq_ent {
	int fd;
	struct sockaddr_storage to;
	socklen_t tolen;
	union {
		char b[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} ctl;
	size_t ctllen;
	uint32_t len;
};

struct mbl_sip_tp_udpq {
	unsigned n;
	struct mbl_sip_tp_udpq_ent e[MBL_SIP_TP_UDPQ];
	char buf[MBL_SIP_TP_UDPQ][MBL_SIP_TP_UDPQ_MSG];
};

/* sip_tp_udpq.c */
struct mbl_sip_tp;
int mbl_sip_tp_udpq_init(struct mbl_sip_tp *tp);
void mbl_sip_tp_udpq_free(struct mbl_sip_tp *tp);
int mbl_sip_tp_udpq_add(struct mbl_sip_tp *tp, int fd, const struct msghdr *mh, const char *buf,
			size_t len);

struct mbl_sip_tp {
	struct mbl_sip_tp_conf conf;  /* copy; conf.tls strings not kept */
	char *server_name;            /* copy of conf.tls.server_name */
	int epfd;
	bool in_poll;
	struct mbl_sip_tls *tls;
	struct mbl_sip_tp_listener *lis;
	int n_lis, cap_lis;
	struct mbl_sip_tp_listener udp_any[2]; /* our unbound UDP sockets (fd
						* -1 until needed): [0] IPv4,
						* [1] IPv6 */
	struct mbl_sip_tp_udp_rx *rx;
	/* connections: slots addressed by id, a hash by peer for reuse */
	struct mbl_sip_tp_conn **slot;  /* [n_slot]; NULL = free */
	uint16_t *slot_gen;             /* bumped when a slot is freed */
	uint32_t *free_slot;            /* stack of free slot indexes */
	uint32_t n_slot, cap_slot, n_free, n_conn;
	struct mbl_sip_tp_conn **by_peer;
	uint32_t n_bucket;            /* power of two */
	struct mbl_sip_tp_conn_list connecting; /* by since_ns: connect_ms */
	struct mbl_sip_tp_conn_list idle;       /* by since_ns: idle_ms */
	struct mbl_sip_tp_conn_list dead;       /* to free after the poll */
	struct mbl_sip_tp_stats st;
	struct mbl_sip_tp_udpq *udpq;   /* conf.udp_batch: sends of this turn */
	char *ws_path, *ws_origin;      /* copies of conf.ws_path / ws_origin */
	/* getrandom() output handed out a few bytes at a time: a WS client's
	 * masking keys (4 per frame) and handshake nonces (16), without a
	 * system call per frame. rnd_pos == sizeof(rnd): empty. */
	uint8_t rnd[256];   /* getrandom never cuts a read of 256 short */
	uint16_t rnd_pos;
};

/* epoll_event.data.u64: kind in the top byte, listener index / conn id below. */
#define MBL_SIP_TP_EV_LISTENER 1ULL
#define MBL_SIP_TP_EV_UDP_ANY 2ULL
#define MBL_SIP_TP_EV_CONN 3ULL
#define MBL_SIP_TP_EV(kind, v) (((kind) << 56) | (uint64_t)(v))

/* sip_tp_table.c: id slots and the peer hash. */
int mbl_sip_tp_tables_init(struct mbl_sip_tp *tp); /* also the lists; 0 or -ENOMEM */
void mbl_sip_tp_tables_free(struct mbl_sip_tp *tp);
struct mbl_sip_tp_conn *mbl_sip_tp_conn_get(const struct mbl_sip_tp *tp, uint32_t id);
int mbl_sip_tp_slot_alloc(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c); /* sets c->id */
void mbl_sip_tp_slot_release(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c);
void mbl_sip_tp_peer_insert(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c);
void mbl_sip_tp_peer_remove(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c);
/* A connection to `to` over p that a new message may reuse: from (if not
 * NULL) must be its local IP, and a TLS one must have checked name. */
struct mbl_sip_tp_conn *mbl_sip_tp_peer_find(struct mbl_sip_tp *tp, enum mbl_sip_proto p,
					     const struct sockaddr *to, const struct sockaddr *from,
					     const char *name);

/* sip_tp_conn.c: stream connections. */
/* Log, close c and report why through on_conn_error (poll only). */
void mbl_sip_tp_conn_fail(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c, enum mbl_sip_tp_err why,
			  const char *detail);
void mbl_sip_tp_conn_free_all(struct mbl_sip_tp *tp);
void mbl_sip_tp_conn_reap(struct mbl_sip_tp *tp);
int mbl_sip_tp_accept(struct mbl_sip_tp *tp, int listener);
int mbl_sip_tp_conn_event(struct mbl_sip_tp *tp, uint32_t id, uint32_t events);
int mbl_sip_tp_stream_send(struct mbl_sip_tp *tp, enum mbl_sip_proto p, const struct sockaddr *to,
			   socklen_t tolen, const struct sockaddr *from_local, uint32_t conn_id,
			   const char *host, const char *buf, size_t len);
int mbl_sip_tp_conn_sweep(struct mbl_sip_tp *tp, uint64_t now);
/* ms until the next connect / idle deadline (capped at cap_ms; -1 = none
 * and cap_ms is -1). */
int mbl_sip_tp_conn_next_ms(const struct mbl_sip_tp *tp, uint64_t now, int cap_ms);

/* sip_tp_out.c: the epoll events c needs now, and registering them; the
 * reason for a socket errno (reset, else dflt). */
uint32_t mbl_sip_tp_conn_want_ev(const struct mbl_sip_tp_conn *c);
void mbl_sip_tp_conn_update_ev(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c);
enum mbl_sip_tp_err mbl_sip_tp_errno_why(int e, enum mbl_sip_tp_err dflt);

/* For sip_tp_ws.c. Restart the idle clock (sip_tp_conn.c). */
void mbl_sip_tp_conn_touch(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c);
/* sip_tp_out.c: append to the output queue whole or not at all (0,
 * -ENOBUFS past max_queue, -ENOMEM) and send what may go now. */
int mbl_sip_tp_conn_queue(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c, const void *buf,
			  size_t len);
/* The same in two steps, for bytes built in place: n bytes of room at the
 * end of the queue (NULL with *rc -ENOBUFS / -ENOMEM), then commit them. */
uint8_t *mbl_sip_tp_conn_reserve(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c, size_t n,
				 int *rc);
void mbl_sip_tp_conn_commit(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c, size_t n);
/* Send what the socket takes; may_close: a hard error closes c (poll
 * only), and -1 says so. */
int mbl_sip_tp_conn_flush(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c, bool may_close);
/* sip_tp_conn.c: where a message received on c came from; the WebSocket
 * handshake is done: state UP, and the queued output goes. */
void mbl_sip_tp_conn_src(const struct mbl_sip_tp_conn *c, struct mbl_sip_tp_src *src);
void mbl_sip_tp_conn_ws_up(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c);

/* sip_tp_ws.c: WebSocket on a stream connection (RFC 6455, RFC 7118),
 * with lib/ws doing the parsing and framing. */
/* n fresh random bytes from tp's pool (refilled by getrandom in batches).
 * 0 or -errno (getrandom failed). */
int mbl_sip_tp_rand(struct mbl_sip_tp *tp, uint8_t *out, size_t n);
/* Attach WS state to a new connection; outbound (c->host set): queue the
 * opening handshake, the first bytes the connection will send. 0, -ENOMEM
 * or -EINVAL (a name the request cannot carry). */
int mbl_sip_tp_ws_attach(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c);
void mbl_sip_tp_ws_detach(struct mbl_sip_tp_conn *c);
/* Handshake bytes of the output queue not yet sent: nothing after them
 * may leave before the 101 (RFC 6455 4.1). */
size_t mbl_sip_tp_ws_hs_pending(const struct mbl_sip_tp_conn *c);
void mbl_sip_tp_ws_hs_sent(struct mbl_sip_tp_conn *c, size_t n);
/* Handle what c->in holds: the opening handshake, then frames. Messages
 * go to on_msg, Pings get Pongs, a Close or an error closes c. Returns 0,
 * or -1 when c was closed. */
int mbl_sip_tp_ws_input(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c);
/* One SIP message as one frame (text, or binary when not UTF-8). 0,
 * -ENOBUFS, -ENOMEM or -EIO (no random bytes for the mask). */
int mbl_sip_tp_ws_send(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c, const char *buf,
		       size_t len);
/* A Ping with no payload (RFC 6455 5.5.2). 0, -ENOTCONN (not up), -ENOBUFS... */
int mbl_sip_tp_ws_ping(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c);
/* We end an up connection: one try at a Close with code (RFC 6455 5.5.1),
 * unless a Close was already sent. */
void mbl_sip_tp_ws_goodbye(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c, uint16_t code);

/* sip_tp.c: socket address helpers. */
const char *mbl_sip_tp_fmt_addr(const struct sockaddr *sa, char *buf, size_t len); /* "ip:port" */
int mbl_sip_tp_sa_check(const struct sockaddr *sa, socklen_t len); /* 0 or -EINVAL */
bool mbl_sip_tp_sa_ip_equal(const struct sockaddr *a, const struct sockaddr *b);
bool mbl_sip_tp_sa_equal(const struct sockaddr *a, const struct sockaddr *b); /* IP and port */
uint16_t mbl_sip_tp_sa_port(const struct sockaddr *sa);                          /* host order */

#endif /* MBL_SIP_TP_PRIV_H */
