/* SPDX-License-Identifier: BSD-3-Clause
 * mediablast WebSocket (RFC 6455) for SIP over WebSocket (RFC 7118): the
 * opening handshake of both roles and the frame codec, as pure functions on
 * byte buffers plus one small decoder state per connection. No sockets, no
 * allocation, no logging: the SIP stream transport (TCP or TLS) feeds what
 * it read and sends what these functions write (docs/websocket.md).
 *
 * Scope: version 13 only, the "sip" subprotocol (RFC 7118 4.1), no
 * extensions (so every RSV bit must be zero), text and binary messages up
 * to a cap the caller sets, Ping / Pong / Close.
 *
 * Threads: no globals and no hidden state; a struct below belongs to the
 * thread that owns its connection (the control plane). Every function may
 * run on any thread for structs it owns. OpenSSL (libcrypto: SHA-1 and
 * base64) is used inside ws_handshake.c only; no OpenSSL type appears here.
 */
#ifndef MBL_WS_H
#define MBL_WS_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define MBL_WS_VERSION 13             /* Sec-WebSocket-Version (RFC 6455 4.1) */
#define MBL_WS_SUBPROTOCOL "sip"      /* RFC 7118 4.1, case-sensitive */
#define MBL_WS_HS_MAX 8192            /* opening handshake cap, CRLFCRLF included */
#define MBL_WS_KEY_RAW 16             /* random bytes of a Sec-WebSocket-Key */
#define MBL_WS_KEY_LEN 24             /* their base64 */
#define MBL_WS_ACCEPT_LEN 28          /* base64 of a SHA-1 digest */
#define MBL_WS_HDR_MAX 14             /* longest frame header: 2 + 8 + 4 */
#define MBL_WS_CTL_MAX 125            /* control frame payload (RFC 6455 5.5) */
#define MBL_WS_REASON_MAX 123         /* Close reason: 125 minus the code */

/* ==== opening handshake (RFC 6455 4) ========================================= */

/* Why a handshake was refused: X(name, -errno, HTTP status the server
 * answers with (0: a client-side check of the server's response), why). */
#define MBL_WS_HS_ERR_LIST(X)                                                               \
	X(too_big, -EMSGSIZE, 400, "no end of headers within 8 KiB")                       \
	X(request_line, -EPROTO, 400, "malformed request line (RFC 7230 3.1.1)")          \
	X(not_get, -EPROTO, 400, "method is not GET (RFC 6455 4.2.1 item 1)")             \
	X(http_version, -EPROTO, 400, "not HTTP/1.1 (RFC 6455 4.2.1 item 1)")             \
	X(header, -EPROTO, 400, "malformed header line or obs-fold (RFC 7230 3.2, 3.2.4)") \
	X(host, -EPROTO, 400, "Host missing or repeated (RFC 6455 4.2.1 item 2)")         \
	X(upgrade, -EPROTO, 426, "no Upgrade: websocket (RFC 6455 4.2.1 item 3)")         \
	X(connection, -EPROTO, 400, "Connection does not list Upgrade (RFC 6455 4.2.1 item 4)") \
	X(no_key, -EPROTO, 400, "Sec-WebSocket-Key missing or repeated (RFC 6455 11.3.1)") \
	X(bad_key, -EPROTO, 400, "Sec-WebSocket-Key is not base64 of 16 bytes (RFC 6455 4.2.1 item 5)") \
	X(version, -EPROTO, 426, "Sec-WebSocket-Version is not 13 (RFC 6455 4.2.2, 4.4)") \
	X(no_sip, -EPROTO, 400, "Sec-WebSocket-Protocol does not offer sip (RFC 7118 4.1)") \
	X(status_line, -EPROTO, 0, "malformed status line (RFC 7230 3.1.2)")              \
	X(status, -EPROTO, 0, "response status is not 101 (RFC 6455 4.1)")                \
	X(resp_upgrade, -EPROTO, 0, "response lacks Upgrade: websocket (RFC 6455 4.1)")   \
	X(resp_connection, -EPROTO, 0, "response Connection lacks Upgrade (RFC 6455 4.1)") \
	X(accept, -EPROTO, 0, "Sec-WebSocket-Accept missing, repeated or wrong (RFC 6455 4.1)") \
	X(extension, -EPROTO, 0, "response selects an extension we did not offer (RFC 6455 4.1)") \
	X(resp_protocol, -EPROTO, 0, "response does not select sip (RFC 6455 4.1, RFC 7118 4.1)")

#define MBL_WS_HS_ERR_ENUM_(n, e, s, d) MBL_WS_HS_ERR_##n,
enum mbl_ws_hs_err { MBL_WS_HS_OK = 0, MBL_WS_HS_ERR_LIST(MBL_WS_HS_ERR_ENUM_) MBL_WS_HS_ERR_MAX };
#undef MBL_WS_HS_ERR_ENUM_

/* "too_big", ... and the description ("ok" / "no error" for MBL_WS_HS_OK,
 * "?" out of range: never NULL, always static); the HTTP status (0 for
 * client-side reasons and out of range). For counters and log lines. */
const char *mbl_ws_hs_err_name(enum mbl_ws_hs_err e);
const char *mbl_ws_hs_err_desc(enum mbl_ws_hs_err e);
int mbl_ws_hs_err_status(enum mbl_ws_hs_err e);

/* Sec-WebSocket-Accept for a key as it appears on the wire (RFC 6455 1.3,
 * 4.2.2 item 5.4): base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")).
 * out gets 28 characters and a NUL. Returns 0, -EINVAL (len 0 or above 64)
 * or -EIO (libcrypto failed). */
int mbl_ws_accept(const char *key, size_t len, char out[MBL_WS_ACCEPT_LEN + 1]);

/* ---- server side ------------------------------------------------------------
 * One per accepted connection until its handshake ends. The pointers point
 * into the caller's buffer and stay valid as long as those bytes do. */
struct mbl_ws_hs_req {
	size_t scan;             /* internal: the CRLFCRLF search resumes here */
	enum mbl_ws_hs_err err;  /* why, after a refusal */
	char accept[MBL_WS_ACCEPT_LEN + 1]; /* to answer with; "" until accepted */
	const char *target;      /* request-target ("/", "/ws?x=1", ...) */
	size_t target_len;
	const char *host;        /* Host value (OWS trimmed) */
	size_t host_len;
	const char *origin;      /* Origin value; NULL when absent */
	size_t origin_len;
};

/* Zero r before the first parse of a connection. */
void mbl_ws_hs_req_init(struct mbl_ws_hs_req *r);

/* Parse the client's opening handshake at buf[0, len) (RFC 6455 4.2.1):
 * call again with the whole buffer each time more bytes arrive (the
 * CRLFCRLF search resumes where it stopped, so a request that drips in is
 * scanned once). Accepted: a GET HTTP/1.1 request with exactly one Host,
 * Upgrade listing "websocket" and Connection listing "Upgrade" (token
 * lists, any case), exactly one Sec-WebSocket-Version: 13, exactly one
 * Sec-WebSocket-Key that is the canonical base64 of 16 bytes, and
 * Sec-WebSocket-Protocol offering "sip" (RFC 7118 4.1). Other headers are
 * ignored, and so is Sec-WebSocket-Extensions (we accept none).
 * Returns the length of the request through its CRLFCRLF (> 0) with
 * r->accept and the pointers filled: bytes after it are already WebSocket
 * frames. 0: incomplete, call again with more (len < MBL_WS_HS_MAX).
 * Refused: a negative value from MBL_WS_HS_ERR_LIST (-EMSGSIZE for too_big,
 * else -EPROTO) with r->err set; answer with mbl_ws_hs_server_refuse(r->err)
 * and close. -EINVAL: NULL arguments. */
ssize_t mbl_ws_hs_server_parse(struct mbl_ws_hs_req *r, const char *buf, size_t len);

/* The 101 Switching Protocols response for an accepted r (RFC 6455 4.2.2
 * item 5): Upgrade, Connection, Sec-WebSocket-Accept, Sec-WebSocket-Protocol:
 * sip. Written to out with a NUL; returns its length (without the NUL),
 * -EINVAL (r not accepted) or -ENOSPC (cap too small: 160 is enough). */
ssize_t mbl_ws_hs_server_accept(const struct mbl_ws_hs_req *r, char *out, size_t cap);

/* The error response for a server-side reason: 400 Bad Request, or 426
 * Upgrade Required with Upgrade: websocket and Sec-WebSocket-Version: 13
 * (RFC 6455 4.4, RFC 7231 6.5.15), "Connection: close", the description as
 * a text/plain body. Written to out with a NUL; returns its length, -EINVAL
 * (e has no HTTP status) or -ENOSPC (cap too small: 512 is enough). */
ssize_t mbl_ws_hs_server_refuse(enum mbl_ws_hs_err e, char *out, size_t cap);

/* ---- client side --------------------------------------------------------------
 * One per outbound connection until its handshake ends. */
struct mbl_ws_hs_client {
	size_t scan;             /* internal: the CRLFCRLF search resumes here */
	enum mbl_ws_hs_err err;  /* why, after a refusal */
	int status;              /* status code of the response; 0 before */
	char key[MBL_WS_KEY_LEN + 1];       /* the Sec-WebSocket-Key we sent */
	char accept[MBL_WS_ACCEPT_LEN + 1]; /* what the server must answer */
};

/* Start c (it is reset) and write the opening handshake (RFC 6455 4.1):
 * GET path (NULL = "/"), Host: host (with ":port" when not the default,
 * the caller's to add), Upgrade, Connection, Sec-WebSocket-Key from rnd,
 * Sec-WebSocket-Version: 13, Sec-WebSocket-Protocol: sip, and Origin when
 * origin is not NULL. rnd: 16 bytes the caller drew fresh for this
 * connection from a strong source (getrandom; RFC 6455 4.1 wants a nonce
 * that is random per connection). host, path and origin must be non-empty
 * printable ASCII without spaces, and path must start with '/'.
 * Written to out with a NUL; returns its length, -EINVAL (bad arguments),
 * -ENOSPC (cap too small) or -EIO (libcrypto failed). */
ssize_t mbl_ws_hs_client_request(struct mbl_ws_hs_client *c, const char *host, const char *path,
				 const char *origin, const uint8_t rnd[MBL_WS_KEY_RAW], char *out,
				 size_t cap);

/* Parse the server's answer at buf[0, len) the way mbl_ws_hs_server_parse
 * parses a request (call again with the whole buffer as it grows). Accepted:
 * "HTTP/1.1 101", Upgrade listing websocket, Connection listing Upgrade,
 * exactly one Sec-WebSocket-Accept equal to c->accept, no extension chosen
 * (an empty Sec-WebSocket-Extensions is fine), exactly one
 * Sec-WebSocket-Protocol: sip (RFC 6455 4.1, RFC 7118 4.1).
 * Returns the response length (> 0; bytes after it are frames from the
 * server), 0 (incomplete), or a negative MBL_WS_HS_ERR_LIST value with
 * c->err (and c->status once the status line was read): close the
 * connection (RFC 6455 4.1: _Fail the WebSocket Connection_). -EINVAL: NULL
 * arguments. */
ssize_t mbl_ws_hs_client_response(struct mbl_ws_hs_client *c, const char *buf, size_t len);

/* ==== frames (RFC 6455 5) ======================================================= */

enum mbl_ws_opcode {
	MBL_WS_OP_CONT = 0x0,
	MBL_WS_OP_TEXT = 0x1,
	MBL_WS_OP_BINARY = 0x2,
	MBL_WS_OP_CLOSE = 0x8,
	MBL_WS_OP_PING = 0x9,
	MBL_WS_OP_PONG = 0xa,
};

/* Close status codes (RFC 6455 7.4.1; 1012-1014 from the IANA registry). */
enum mbl_ws_close_code {
	MBL_WS_CLOSE_NORMAL = 1000,
	MBL_WS_CLOSE_GOING_AWAY = 1001,
	MBL_WS_CLOSE_PROTOCOL = 1002,
	MBL_WS_CLOSE_UNSUPPORTED = 1003,
	MBL_WS_CLOSE_NO_STATUS = 1005,  /* never sent: "the Close had no code" */
	MBL_WS_CLOSE_ABNORMAL = 1006,   /* never sent: "no Close at all" */
	MBL_WS_CLOSE_BAD_DATA = 1007,
	MBL_WS_CLOSE_POLICY = 1008,
	MBL_WS_CLOSE_TOO_BIG = 1009,
	MBL_WS_CLOSE_EXTENSION = 1010,
	MBL_WS_CLOSE_INTERNAL = 1011,
};

/* Encoders. mask: NULL for frames a server sends; a client passes a fresh
 * 4-byte key per frame from a strong source (RFC 6455 5.1, 5.3: every
 * client frame is masked, no server frame is). out and payload may overlap
 * (the payload is moved, then masked in out), so a caller may build the
 * payload at out + MBL_WS_HDR_MAX and frame it in place. Control frames
 * (close, ping, pong) must have fin and at most 125 bytes (RFC 6455 5.5).
 * No allocation; any thread. */

/* Frame header only (2 to 14 bytes) into hdr, for a payload of len bytes
 * the caller sends after it, masked with mask when not NULL (mbl_ws_mask).
 * Returns the header length or -EINVAL (bad opcode, control frame too long
 * or not fin). */
ssize_t mbl_ws_frame_header(uint8_t hdr[MBL_WS_HDR_MAX], enum mbl_ws_opcode op, bool fin,
			    uint64_t len, const uint8_t *mask);
/* Header and payload into out. fin false with op TEXT / BINARY starts a
 * fragmented message, op CONT continues it (RFC 6455 5.4). Returns the
 * frame length, -EINVAL (as above, or payload NULL with len != 0) or
 * -ENOSPC (cap below header + len; out untouched). */
ssize_t mbl_ws_frame_encode(uint8_t *out, size_t cap, enum mbl_ws_opcode op, bool fin,
			    const uint8_t *payload, size_t len, const uint8_t *mask);
/* XOR p[0, len) with key, p[0] being payload byte number off of its frame
 * (RFC 6455 5.3); masking twice unmasks. */
void mbl_ws_mask(uint8_t *p, size_t len, const uint8_t key[4], uint64_t off);
/* A Close frame (RFC 6455 5.5.1): code 0 sends an empty body, else code
 * (one an endpoint may send: 1000-1003, 1007-1014, 3000-4999) and reason
 * (NULL or UTF-8 of at most 123 bytes). Returns the frame length, -EINVAL
 * or -ENOSPC. */
ssize_t mbl_ws_close_frame(uint8_t *out, size_t cap, uint16_t code, const char *reason,
			   const uint8_t *mask);

/* True when p[0, len) is well-formed UTF-8 (RFC 3629 4: no overlong forms,
 * surrogates or code points above U+10FFFF). Text frames must carry UTF-8
 * (RFC 6455 5.6); a sender picks binary for anything else (RFC 7118 4.2). */
bool mbl_ws_utf8_valid(const uint8_t *p, size_t len);

/* ---- decoder ----------------------------------------------------------------- */

/* Why the decoder failed the connection (RFC 6455 7.1.7): X(name, -errno,
 * close code to send (0: send nothing), why). */
#define MBL_WS_ERR_LIST(X)                                                                   \
	X(unmasked, -EPROTO, 1002, "client frame not masked (RFC 6455 5.1)")                 \
	X(masked, -EPROTO, 1002, "server frame masked (RFC 6455 5.1)")                       \
	X(rsv, -EPROTO, 1002, "RSV bit set, no extension negotiated (RFC 6455 5.2)")        \
	X(opcode, -EPROTO, 1002, "reserved opcode (RFC 6455 5.2)")                           \
	X(ctl_len, -EPROTO, 1002, "control frame above 125 bytes (RFC 6455 5.5)")           \
	X(ctl_frag, -EPROTO, 1002, "fragmented control frame (RFC 6455 5.5)")               \
	X(cont, -EPROTO, 1002, "continuation frame with no message open (RFC 6455 5.4)")    \
	X(interleave, -EPROTO, 1002, "new data frame inside a fragmented message (RFC 6455 5.4)") \
	X(length, -EPROTO, 1002, "payload length not minimal or above 2^63 (RFC 6455 5.2)") \
	X(too_big, -EMSGSIZE, 1009, "message above the reassembly cap (RFC 6455 7.4.1)")    \
	X(close_len, -EPROTO, 1002, "Close payload of one byte (RFC 6455 5.5.1)")           \
	X(close_code, -EPROTO, 1002, "Close code that may not be sent (RFC 6455 7.4)")      \
	X(utf8, -EILSEQ, 1007, "text message or Close reason not UTF-8 (RFC 6455 8.1)")     \
	X(closed, -EPIPE, 0, "input after the peer's Close (RFC 6455 5.5.1)")

#define MBL_WS_ERR_ENUM_(n, e, c, d) MBL_WS_ERR_##n,
enum mbl_ws_err { MBL_WS_OK = 0, MBL_WS_ERR_LIST(MBL_WS_ERR_ENUM_) MBL_WS_ERR_MAX };
#undef MBL_WS_ERR_ENUM_

/* Name and description ("ok" / "no error" for MBL_WS_OK, "?" out of
 * range; static) and the close code to send (0: none). */
const char *mbl_ws_err_name(enum mbl_ws_err e);
const char *mbl_ws_err_desc(enum mbl_ws_err e);
uint16_t mbl_ws_err_close_code(enum mbl_ws_err e);

enum mbl_ws_role {
	MBL_WS_SERVER = 0, /* we accepted: every frame we read must be masked */
	MBL_WS_CLIENT,     /* we connected: no frame we read may be masked */
};

enum mbl_ws_ev_type {
	MBL_WS_EV_NONE = 0, /* all input consumed, no event yet: read more */
	MBL_WS_EV_MSG,      /* one whole message: one SIP message (RFC 7118 5.1) */
	MBL_WS_EV_PING,     /* answer with mbl_ws_pong_reply (RFC 6455 5.5.2) */
	MBL_WS_EV_PONG,     /* a keepalive answer (or unsolicited); nothing to send */
	MBL_WS_EV_CLOSE,    /* the peer closes: mbl_ws_close_reply, then close TCP */
};

struct mbl_ws_ev {
	enum mbl_ws_ev_type type;
	bool binary;         /* MSG: it came as binary (true) or text (false) */
	const uint8_t *data; /* MSG: the message, in the decoder's buffer and
			      * NUL-terminated (data[len] == 0); PING / PONG: the
			      * payload; CLOSE: the reason (UTF-8, not terminated) */
	size_t len;
	uint16_t code;       /* CLOSE: the status code, MBL_WS_CLOSE_NO_STATUS when
			      * the frame had none */
};

/* One direction of one connection: what we read. Fields are internal; use
 * the functions. About 200 bytes plus the caller's buffer. */
struct mbl_ws_dec {
	uint8_t *buf;            /* reassembly buffer: max_msg + 1 bytes */
	size_t max_msg;
	size_t msg_len;          /* bytes of the message being assembled */
	uint64_t plen, pos;      /* frame payload length, bytes of it read */
	uint8_t state;
	uint8_t role;            /* enum mbl_ws_role */
	uint8_t op;              /* opcode of the frame being read */
	uint8_t msg_op;          /* TEXT / BINARY while a message is open, else 0 */
	bool fin, masked;
	uint8_t hdr_len, hdr_need;
	uint8_t hdr[MBL_WS_HDR_MAX];
	uint8_t mask[4];
	uint8_t ctl[MBL_WS_CTL_MAX]; /* control payload: a Ping in the middle of a
				      * fragmented message leaves buf alone */
	enum mbl_ws_err err;
	uint64_t frames;         /* frames read whole (for statistics; the
				  * caller may read it, nothing else uses it) */
};

/* Set d up for a connection in role. buf holds max_msg + 1 bytes (a message
 * is NUL-terminated in it) and belongs to the caller, who must keep it
 * while d is used; max_msg is the largest message accepted, fragments
 * included (above it the connection fails with 1009). Returns 0 or -EINVAL
 * (d or buf NULL, max_msg 0 or SIZE_MAX, bad role). */
int mbl_ws_dec_init(struct mbl_ws_dec *d, enum mbl_ws_role role, uint8_t *buf, size_t max_msg);

/* Consume bytes of in[0, len) up to the end of the next event: partial
 * headers and payloads are kept in d, so any split of the stream (one byte
 * per call included) gives the same events. *used is set to the bytes
 * consumed; call again with the rest. Returns an enum mbl_ws_ev_type with
 * *ev filled (MBL_WS_EV_NONE: all of in was consumed, read more), valid
 * until the next call on d. Checks (RFC 6455 5.1-5.6): masking by role, RSV
 * bits zero, known opcodes, control frames fin and <= 125 bytes (they may
 * come between the fragments of a message), continuations only inside a
 * message, minimal length forms, messages within max_msg (checked from
 * each frame header, before its payload is read), text and Close reasons
 * UTF-8, Close codes. Fails with a negative MBL_WS_ERR_LIST value and
 * d->err set; every later call returns the same value. Send
 * mbl_ws_dec_fail_close, then close TCP (RFC 6455 7.1.7). After a CLOSE
 * event the next call returns -EPIPE (closed): stop reading. */
int mbl_ws_dec_next(struct mbl_ws_dec *d, const uint8_t *in, size_t len, size_t *used,
		    struct mbl_ws_ev *ev);

/* The Pong for a PING event, same payload (RFC 6455 5.5.3). Returns the
 * frame length, -EINVAL (ev is not a PING) or -ENOSPC. */
ssize_t mbl_ws_pong_reply(uint8_t *out, size_t cap, const struct mbl_ws_ev *ping,
			  const uint8_t *mask);
/* The Close that answers a CLOSE event: the same code, or an empty body
 * when the peer sent none (RFC 6455 5.5.1). Send it only if we had not sent
 * a Close first (then the peer's was the answer), then close TCP (the server
 * closes first, RFC 6455 7.1.1). Returns the length, -EINVAL or -ENOSPC. */
ssize_t mbl_ws_close_reply(uint8_t *out, size_t cap, const struct mbl_ws_ev *close,
			   const uint8_t *mask);
/* After a failure: the Close carrying d->err's code and description (0 for
 * closed, which needs nothing sent). Returns the length, 0, -EINVAL (d has
 * not failed) or -ENOSPC (MBL_WS_CTL_MAX + MBL_WS_HDR_MAX is enough). */
ssize_t mbl_ws_dec_fail_close(const struct mbl_ws_dec *d, uint8_t *out, size_t cap,
			      const uint8_t *mask);

#endif /* MBL_WS_H */
