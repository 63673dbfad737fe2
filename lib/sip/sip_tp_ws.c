/* SPDX-License-Identifier: BSD-3-Clause
 * SIP over WebSocket (RFC 7118) on a TCP or TLS stream connection: the
 * opening handshake of both roles (RFC 6455 4), then one SIP message per
 * WebSocket message (RFC 7118 5.1), Ping / Pong, the closing handshake and
 * the failures of RFC 6455 7.1.7. lib/ws parses and frames; this file
 * moves its bytes through the connection's input buffer and output queue
 * (sip_tp_conn.c) and counts what happened.
 *
 * The connection's input buffer (struct mbl_sip_tp_frame) holds raw bytes:
 * the handshake head while it grows, then frames, which the decoder copies
 * (unmasked) into its own max_msg + 1 reassembly buffer; after each pass
 * the input buffer is empty again. Output: the handshake (our request, or
 * our 101 / refusal) is the head of the output queue, and nothing behind
 * it leaves before the handshake is done (mbl_sip_tp_ws_hs_pending). A
 * frame is built in place in the queue, masked there on client
 * connections with 4 bytes from the transport's random pool.
 *
 * Everything here runs on the transport's thread, inside mbl_sip_tp_poll
 * or mbl_sip_tp_send.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "mbl_common.h"
#include "mbl_ws.h"
#include "sip_tp_priv.h"

#define WS_REQ_MAX 2048 /* our opening handshake: path and host are bounded */
#define WS_ANSWER_MAX 512 /* a 101 or a refusal (lib/ws: 160 / 512 suffice) */
#define WS_CTL_FRAME (MBL_WS_CTL_MAX + MBL_WS_HDR_MAX)

struct mbl_sip_tp_ws {
	bool close_sent;   /* a Close went out: never a second (RFC 6455 5.5.1) */
	size_t hs_left;    /* handshake bytes at the head of the output queue
			    * not yet sent */
	union {
		struct mbl_ws_hs_req req;    /* accepted connection */
		struct mbl_ws_hs_client cli; /* outbound connection */
	} hs;
	struct mbl_ws_dec dec; /* once the handshake is done */
	uint8_t *buf;          /* its reassembly buffer: max_msg + 1 bytes */
};

static bool ws_client(const struct mbl_sip_tp_conn *c)
{
	return c->listener < 0; /* we connected */
}

/* ---- counters ------------------------------------------------------------------------- */

unsigned mbl_sip_tp_ws_close_slot(uint16_t code)
{
	return code >= 1000 && code < 1000 + MBL_SIP_TP_WS_CLOSE_SLOTS - 1
		       ? code - 1000u
		       : MBL_SIP_TP_WS_CLOSE_SLOTS - 1;
}

uint16_t mbl_sip_tp_ws_slot_code(unsigned slot)
{
	return slot < MBL_SIP_TP_WS_CLOSE_SLOTS - 1 ? (uint16_t)(1000 + slot) : 0;
}

/* ---- randomness ------------------------------------------------------------------------- */

int mbl_sip_tp_rand(struct mbl_sip_tp *tp, uint8_t *out, size_t n)
{
	if (n > sizeof(tp->rnd))
		return -EINVAL;
	if (tp->rnd_pos + n > sizeof(tp->rnd)) {
		ssize_t r = getrandom(tp->rnd, sizeof(tp->rnd), 0);

		if (r != (ssize_t)sizeof(tp->rnd))
			return r < 0 ? -errno : -EIO;
		tp->rnd_pos = 0;
	}
	memcpy(out, tp->rnd + tp->rnd_pos, n);
	tp->rnd_pos = (uint16_t)(tp->rnd_pos + n);
	return 0;
}

/* The masking key of a frame we send: fresh on client connections
 * (RFC 6455 5.3), none on server ones. *mask is NULL or key; -EIO when
 * no random bytes could be had. */
static int ws_mask(struct mbl_sip_tp *tp, const struct mbl_sip_tp_conn *c, uint8_t key[4],
		   const uint8_t **mask)
{
	*mask = NULL;
	if (!ws_client(c))
		return 0;
	if (mbl_sip_tp_rand(tp, key, 4) < 0)
		return -EIO;
	*mask = key;
	return 0;
}

/* ---- output ------------------------------------------------------------------------------ */

/* One whole frame of len payload bytes, built and masked in place at the
 * end of the output queue. */
static int ws_frame(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c, enum mbl_ws_opcode op,
		    const void *payload, size_t len)
{
	uint8_t hdr[MBL_WS_HDR_MAX], key[4], *p;
	const uint8_t *mask;
	ssize_t hl;
	int rc = ws_mask(tp, c, key, &mask);

	if (rc < 0)
		return rc;
	hl = mbl_ws_frame_header(hdr, op, true, len, mask);
	if (hl < 0)
		return (int)hl;
	p = mbl_sip_tp_conn_reserve(tp, c, (size_t)hl + len, &rc);
	if (p == NULL)
		return rc;
	memcpy(p, hdr, (size_t)hl);
	if (len)
		memcpy(p + hl, payload, len);
	if (mask)
		mbl_ws_mask(p + hl, len, mask, 0);
	mbl_sip_tp_conn_commit(tp, c, (size_t)hl + len);
	tp->st.ws.frames_out++;
	return 0;
}

int mbl_sip_tp_ws_send(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c, const char *buf,
		       size_t len)
{
	/* RFC 7118 4.2 / RFC 6455 5.6: text frames carry UTF-8 only. */
	enum mbl_ws_opcode op = mbl_ws_utf8_valid((const uint8_t *)buf, len) ? MBL_WS_OP_TEXT
									       : MBL_WS_OP_BINARY;

	return ws_frame(tp, c, op, buf, len);
}

int mbl_sip_tp_ws_ping(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c)
{
	int rc;

	if (c->state != MBL_SIP_TP_UP)
		return -ENOTCONN;
	rc = ws_frame(tp, c, MBL_WS_OP_PING, NULL, 0);
	if (rc == 0)
		tp->st.ws.pings_out++;
	return rc;
}

/* A control frame lib/ws built (Pong, Close) into out: queue and count. */
static int ws_queue_ctl(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c, const uint8_t *out,
			ssize_t n)
{
	int rc = n > 0 ? mbl_sip_tp_conn_queue(tp, c, out, (size_t)n) : n < 0 ? (int)n : -EINVAL;

	if (rc == 0)
		tp->st.ws.frames_out++;
	return rc;
}

/* Our Close went into the queue: count it, never send another, and give
 * it one try at the socket (c closes right after). */
static void ws_close_queued(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c, uint16_t code)
{
	c->ws->close_sent = true;
	tp->st.ws.closes_out[mbl_sip_tp_ws_close_slot(code)]++;
	mbl_sip_tp_conn_flush(tp, c, false);
}

void mbl_sip_tp_ws_goodbye(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c, uint16_t code)
{
	uint8_t out[WS_CTL_FRAME], key[4];
	const uint8_t *mask;

	if (c->ws == NULL || c->ws->close_sent || c->state != MBL_SIP_TP_UP ||
	    ws_mask(tp, c, key, &mask) < 0)
		return;
	if (ws_queue_ctl(tp, c, out, mbl_ws_close_frame(out, sizeof(out), code, NULL, mask)) == 0)
		ws_close_queued(tp, c, code);
}

/* ---- life cycle -------------------------------------------------------------------------- */

/* Handshake bytes (request, 101 or refusal) that must leave first. */
static int ws_queue_hs(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c, const char *buf,
		       size_t n)
{
	int rc;

	c->ws->hs_left += n; /* before the queue flushes them */
	rc = mbl_sip_tp_conn_queue(tp, c, buf, n);
	if (rc < 0)
		c->ws->hs_left -= n;
	return rc;
}

size_t mbl_sip_tp_ws_hs_pending(const struct mbl_sip_tp_conn *c)
{
	return c->ws ? c->ws->hs_left : 0;
}

void mbl_sip_tp_ws_hs_sent(struct mbl_sip_tp_conn *c, size_t n)
{
	if (c->ws)
		c->ws->hs_left -= MBL_MIN(n, c->ws->hs_left);
}

/* Host of our request (RFC 6455 4.1 item 4, RFC 7230 5.4): the name we
 * connect to, bracketed when an IPv6 literal, with the port unless it is
 * the scheme's default (80 ws, 443 wss). */
static int ws_host(const struct mbl_sip_tp_conn *c, char *out, size_t len)
{
	uint16_t port = mbl_sip_tp_sa_port((const struct sockaddr *)&c->peer);
	bool v6 = strchr(c->host, ':') != NULL;
	char pbuf[8] = "";
	int n;

	if (port != (c->proto == MBL_SIP_WSS ? 443 : 80))
		snprintf(pbuf, sizeof(pbuf), ":%u", port);
	n = snprintf(out, len, "%s%s%s%s", v6 ? "[" : "", c->host, v6 ? "]" : "", pbuf);
	return n > 0 && (size_t)n < len ? 0 : -EINVAL;
}

static int ws_client_request(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c)
{
	uint8_t nonce[MBL_WS_KEY_RAW];
	char host[300], req[WS_REQ_MAX];
	ssize_t n;

	if (ws_host(c, host, sizeof(host)) < 0)
		return -EINVAL;
	/* RFC 6455 4.1 item 7: a nonce randomly selected per connection */
	if (mbl_sip_tp_rand(tp, nonce, sizeof(nonce)) < 0)
		return -EIO;
	n = mbl_ws_hs_client_request(&c->ws->hs.cli, host, tp->ws_path, tp->ws_origin, nonce, req,
				     sizeof(req));
	if (n < 0)
		return n == -ENOSPC ? -EINVAL : (int)n;
	return ws_queue_hs(tp, c, req, (size_t)n);
}

int mbl_sip_tp_ws_attach(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c)
{
	int rc;

	c->ws = calloc(1, sizeof(*c->ws));
	if (c->ws == NULL)
		return -ENOMEM;
	if (!ws_client(c)) {
		mbl_ws_hs_req_init(&c->ws->hs.req);
		return 0;
	}
	rc = ws_client_request(tp, c);
	if (rc < 0)
		mbl_sip_tp_ws_detach(c);
	return rc;
}

void mbl_sip_tp_ws_detach(struct mbl_sip_tp_conn *c)
{
	if (c->ws == NULL)
		return;
	free(c->ws->buf);
	free(c->ws);
	c->ws = NULL;
}

/* ---- opening handshake ------------------------------------------------------------------ */

/* The handshake is done: the decoder and its buffer, allocated only now
 * (a connection that never gets this far costs no max_msg buffer). */
static int ws_open(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c)
{
	struct mbl_sip_tp_ws *ws = c->ws;

	ws->buf = malloc((size_t)tp->conf.max_msg + 1);
	if (ws->buf == NULL)
		return -ENOMEM;
	tp->st.ws.handshakes++;
	return mbl_ws_dec_init(&ws->dec, ws_client(c) ? MBL_WS_CLIENT : MBL_WS_SERVER, ws->buf,
			       tp->conf.max_msg);
}

static int ws_hs_fail(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c, enum mbl_ws_hs_err e,
		      int status)
{
	char detail[200];

	tp->st.ws.hs_refused[e]++;
	snprintf(detail, sizeof(detail), "%s: %s (HTTP %d)", mbl_ws_hs_err_name(e),
		 mbl_ws_hs_err_desc(e), status);
	mbl_sip_tp_conn_fail(tp, c, MBL_SIP_TP_ERR_ws_handshake, detail);
	return -1;
}

/* Server: refuse with 400 or 426 (RFC 6455 4.2.1, 4.4), then close. */
static int ws_refuse(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c, enum mbl_ws_hs_err e)
{
	char out[WS_ANSWER_MAX];
	ssize_t n = mbl_ws_hs_server_refuse(e, out, sizeof(out));

	if (n > 0 && ws_queue_hs(tp, c, out, (size_t)n) == 0)
		mbl_sip_tp_conn_flush(tp, c, false); /* one try: we close now */
	return ws_hs_fail(tp, c, e, mbl_ws_hs_err_status(e));
}

/* Returns 1 when up (frames may follow in the buffer), 0 for more, -1
 * when c was closed. */
static int ws_server_hs(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c)
{
	struct mbl_sip_tp_frame *f = &c->in;
	struct mbl_sip_tp_ws *ws = c->ws;
	ssize_t n = mbl_ws_hs_server_parse(&ws->hs.req, f->buf + f->start, f->len - f->start);
	char out[WS_ANSWER_MAX];
	ssize_t a;

	if (n == 0)
		return 0;
	if (n < 0)
		return ws_refuse(tp, c, ws->hs.req.err);
	f->start += (size_t)n;
	a = mbl_ws_hs_server_accept(&ws->hs.req, out, sizeof(out));
	if (a < 0 || ws_queue_hs(tp, c, out, (size_t)a) < 0 || ws_open(tp, c) < 0) {
		mbl_sip_tp_conn_fail(tp, c, MBL_SIP_TP_ERR_ws_handshake, "out of memory");
		return -1;
	}
	mbl_sip_tp_conn_ws_up(tp, c);
	return c->state == MBL_SIP_TP_UP ? 1 : -1;
}

static int ws_client_hs(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c)
{
	struct mbl_sip_tp_frame *f = &c->in;
	struct mbl_sip_tp_ws *ws = c->ws;
	ssize_t n = mbl_ws_hs_client_response(&ws->hs.cli, f->buf + f->start, f->len - f->start);

	if (n == 0)
		return 0;
	if (n < 0) /* RFC 6455 4.1: _Fail the WebSocket Connection_ */
		return ws_hs_fail(tp, c, ws->hs.cli.err, ws->hs.cli.status);
	f->start += (size_t)n;
	if (ws_open(tp, c) < 0) {
		mbl_sip_tp_conn_fail(tp, c, MBL_SIP_TP_ERR_ws_handshake, "out of memory");
		return -1;
	}
	mbl_sip_tp_conn_ws_up(tp, c);
	return c->state == MBL_SIP_TP_UP ? 1 : -1;
}

/* ---- frames in ----------------------------------------------------------------------------- */

static bool only_crlf(const uint8_t *p, size_t n)
{
	while (n && (p[n - 1] == '\r' || p[n - 1] == '\n'))
		n--;
	return n == 0;
}

/* One SIP message (RFC 7118 5.1), or an RFC 5626 keepalive carried as a
 * message of its own (RFC 7118 6): CRLFCRLF is a ping the server side
 * answers with CRLF; a CRLF alone is the answer. */
static int ws_msg(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c, const struct mbl_ws_ev *ev)
{
	struct mbl_sip_tp_src src;

	mbl_sip_tp_conn_touch(tp, c);
	if (only_crlf(ev->data, ev->len)) {
		if (ev->len >= 4) {
			tp->st.pings_in++;
			if (!ws_client(c) && ws_frame(tp, c, MBL_WS_OP_TEXT, "\r\n", 2) == 0)
				tp->st.pongs_out++;
		}
		return 0;
	}
	tp->st.msgs_in++;
	mbl_sip_tp_conn_src(c, &src);
	tp->conf.on_msg(tp->conf.arg, &src, (const char *)ev->data, ev->len);
	return c->state == MBL_SIP_TP_DEAD ? -1 : 0; /* closed by the callback */
}

static int ws_pong(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c, const struct mbl_ws_ev *ev)
{
	uint8_t out[WS_CTL_FRAME], key[4];
	const uint8_t *mask;

	tp->st.ws.pings_in++;
	mbl_sip_tp_conn_touch(tp, c);
	/* RFC 6455 5.5.2: answer with a Pong of the same payload */
	if (ws_mask(tp, c, key, &mask) == 0 &&
	    ws_queue_ctl(tp, c, out, mbl_ws_pong_reply(out, sizeof(out), ev, mask)) == 0)
		tp->st.ws.pongs_out++;
	return 0;
}

/* A Close reason for the log: printable ASCII, the rest as '?'. */
static void ws_reason(const struct mbl_ws_ev *ev, char *out, size_t len)
{
	size_t i, n = MBL_MIN(ev->len, len - 1);

	for (i = 0; i < n; i++)
		out[i] = ev->data[i] >= 0x20 && ev->data[i] < 0x7f ? (char)ev->data[i] : '?';
	out[n] = '\0';
}

/* RFC 6455 5.5.1: answer a Close with a Close (unless ours went first),
 * then close TCP (7.1.1: the server does so at once; a client may). */
static int ws_peer_close(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c,
			 const struct mbl_ws_ev *ev)
{
	uint8_t out[WS_CTL_FRAME], key[4];
	const uint8_t *mask;
	char reason[64], detail[96];

	tp->st.ws.closes_in[mbl_sip_tp_ws_close_slot(ev->code)]++;
	if (!c->ws->close_sent && ws_mask(tp, c, key, &mask) == 0 &&
	    ws_queue_ctl(tp, c, out, mbl_ws_close_reply(out, sizeof(out), ev, mask)) == 0)
		ws_close_queued(tp, c, ev->code);
	ws_reason(ev, reason, sizeof(reason));
	snprintf(detail, sizeof(detail), "code %u%s%s", ev->code, reason[0] ? " " : "", reason);
	mbl_sip_tp_conn_fail(tp, c, MBL_SIP_TP_ERR_ws_closed, detail);
	return -1;
}

/* The decoder failed the connection (RFC 6455 7.1.7): send the Close its
 * error earns (1002, 1007, 1009), then close. */
static int ws_dec_failed(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c)
{
	enum mbl_ws_err e = c->ws->dec.err;
	uint8_t out[WS_CTL_FRAME], key[4];
	const uint8_t *mask;
	ssize_t n;

	tp->st.ws.errors[e]++;
	if (ws_mask(tp, c, key, &mask) == 0) {
		n = mbl_ws_dec_fail_close(&c->ws->dec, out, sizeof(out), mask);
		if (n > 0 && ws_queue_ctl(tp, c, out, n) == 0)
			ws_close_queued(tp, c, mbl_ws_err_close_code(e));
	}
	mbl_sip_tp_conn_fail(tp, c,
			     e == MBL_WS_ERR_too_big ? MBL_SIP_TP_ERR_ws_too_big
			     : e == MBL_WS_ERR_closed ? MBL_SIP_TP_ERR_ws_closed
						      : MBL_SIP_TP_ERR_ws_protocol,
			     mbl_ws_err_desc(e));
	return -1;
}

static int ws_event(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c, const struct mbl_ws_ev *ev)
{
	switch (ev->type) {
	case MBL_WS_EV_MSG:
		return ws_msg(tp, c, ev);
	case MBL_WS_EV_PING:
		return ws_pong(tp, c, ev);
	case MBL_WS_EV_PONG:
		tp->st.ws.pongs_in++;
		mbl_sip_tp_conn_touch(tp, c);
		return 0;
	case MBL_WS_EV_CLOSE:
		return ws_peer_close(tp, c, ev);
	default:
		return 0;
	}
}

/* Feed every buffered byte to the decoder; it copies what it keeps, so
 * the input buffer is empty afterwards. */
static int ws_frames(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c)
{
	struct mbl_sip_tp_frame *f = &c->in;
	struct mbl_ws_dec *d = &c->ws->dec;
	int rc = 0;

	while (rc == 0 && f->start < f->len) {
		uint64_t frames = d->frames;
		struct mbl_ws_ev ev;
		size_t used = 0;
		int e = mbl_ws_dec_next(d, (const uint8_t *)f->buf + f->start, f->len - f->start,
					&used, &ev);

		f->start += used;
		tp->st.ws.frames_in += d->frames - frames;
		if (e < 0)
			rc = ws_dec_failed(tp, c);
		else if (e != MBL_WS_EV_NONE)
			rc = ws_event(tp, c, &ev);
	}
	if (rc == 0)
		f->start = f->len = f->scan = 0;
	return rc;
}

int mbl_sip_tp_ws_input(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c)
{
	if (c->state == MBL_SIP_TP_WS_HANDSHAKE) {
		int rc = ws_client(c) ? ws_client_hs(tp, c) : ws_server_hs(tp, c);

		if (rc <= 0)
			return rc;
	}
	return ws_frames(tp, c);
}
