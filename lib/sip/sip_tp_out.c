/* SPDX-License-Identifier: BSD-3-Clause
 * SIP stream connections: the output queue (whole messages or nothing,
 * bounded by max_queue), writes through the socket or OpenSSL, and the
 * epoll interest that follows from what waits. During a WebSocket opening
 * handshake only the handshake itself may leave (RFC 6455 4.1).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "mbl_common.h"
#include "sip_tp_priv.h"

#define OUT_KEEP 65536  /* an empty output queue keeps at most this */

/* ---- epoll interest ------------------------------------------------------------------ */

/* Queued bytes that may leave now: during the WebSocket handshake only the
 * handshake itself (RFC 6455 4.1: no frame before the 101). */
static size_t conn_sendable(const struct mbl_sip_tp_conn *c)
{
	size_t n = c->out_len - c->out_off;

	if (c->state == MBL_SIP_TP_WS_HANDSHAKE)
		n = MBL_MIN(n, mbl_sip_tp_ws_hs_pending(c));
	return n;
}

uint32_t mbl_sip_tp_conn_want_ev(const struct mbl_sip_tp_conn *c)
{
	bool out = c->tls_wants_write || conn_sendable(c) > 0;

	if (c->state == MBL_SIP_TP_CONNECTING)
		return EPOLLOUT;
	if (c->state == MBL_SIP_TP_HANDSHAKE)
		return EPOLLIN | (c->tls_wants_write ? EPOLLOUT : 0);
	return EPOLLIN | (out ? EPOLLOUT : 0);
}

void mbl_sip_tp_conn_update_ev(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c)
{
	struct epoll_event ev = {.events = mbl_sip_tp_conn_want_ev(c),
				 .data.u64 = MBL_SIP_TP_EV(MBL_SIP_TP_EV_CONN, c->id)};

	if (c->state == MBL_SIP_TP_DEAD || ev.events == c->ev)
		return;
	if (epoll_ctl(tp->epfd, EPOLL_CTL_MOD, c->fd, &ev) == 0)
		c->ev = ev.events;
}

enum mbl_sip_tp_err mbl_sip_tp_errno_why(int e, enum mbl_sip_tp_err dflt)
{
	return e == ECONNRESET || e == EPIPE ? MBL_SIP_TP_ERR_reset : dflt;
}

/* ---- output -------------------------------------------------------------------------- */

/* One write from the output queue: > 0 bytes taken, 0 the socket (or
 * OpenSSL) wants to wait, -1 a hard error (*why says which). */
static ssize_t conn_write_once(struct mbl_sip_tp_conn *c, enum mbl_sip_tp_err *why)
{
	const char *p = c->out + c->out_off;
	size_t n = conn_sendable(c);
	ssize_t w;

	if (c->ssl) {
		w = mbl_sip_tls_write(c->ssl, p, n, why);
		c->tls_wants_write = w == MBL_SIP_TLS_WANT_WRITE;
		if (w == MBL_SIP_TLS_WANT_WRITE || w == MBL_SIP_TLS_WANT_READ)
			return 0;
		return w < 0 ? -1 : w;
	}
	w = send(c->fd, p, n, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return 0;
	if (w < 0)
		*why = mbl_sip_tp_errno_why(errno, MBL_SIP_TP_ERR_write_failed);
	return w;
}

/* Send what the socket takes. may_close: a hard error closes c (poll
 * only); otherwise the bytes stay queued and the next poll meets the
 * error. Returns -1 if c was closed. */
int mbl_sip_tp_conn_flush(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c, bool may_close)
{
	enum mbl_sip_tp_err why = MBL_SIP_TP_ERR_write_failed;

	while (conn_sendable(c) > 0) {
		ssize_t w = conn_write_once(c, &why);

		if (w < 0 && may_close) {
			mbl_sip_tp_conn_fail(tp, c, why, NULL);
			return -1;
		}
		if (w <= 0)
			break;
		c->out_off += (size_t)w;
		mbl_sip_tp_ws_hs_sent(c, (size_t)w);
		tp->st.bytes_out += (uint64_t)w;
	}
	if (c->out_off == c->out_len) {
		c->out_off = c->out_len = 0;
		if (c->out_cap > OUT_KEEP) { /* give a burst's memory back */
			free(c->out);
			c->out = NULL;
			c->out_cap = 0;
		}
	}
	mbl_sip_tp_conn_update_ev(tp, c);
	return 0;
}

uint8_t *mbl_sip_tp_conn_reserve(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c, size_t len,
				 int *rc)
{
	size_t pending = c->out_len - c->out_off;

	*rc = -ENOBUFS;
	if (pending + len > tp->conf.max_queue)
		return NULL;
	if (c->out_off && c->out_len + len > c->out_cap) {
		memmove(c->out, c->out + c->out_off, pending);
		c->out_off = 0;
		c->out_len = pending;
	}
	if (c->out_len + len > c->out_cap) {
		size_t ncap = c->out_cap ? c->out_cap : 4096;
		char *nb;

		while (ncap < c->out_len + len)
			ncap *= 2;
		nb = realloc(c->out, ncap);
		*rc = -ENOMEM;
		if (nb == NULL)
			return NULL;
		c->out = nb;
		c->out_cap = ncap;
	}
	*rc = 0;
	return (uint8_t *)c->out + c->out_len;
}

/* The bytes are in: send what may go now. */
void mbl_sip_tp_conn_commit(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c, size_t len)
{
	c->out_len += len;
	if (c->state == MBL_SIP_TP_UP || c->state == MBL_SIP_TP_WS_HANDSHAKE)
		mbl_sip_tp_conn_flush(tp, c, false);
	else
		mbl_sip_tp_conn_update_ev(tp, c);
}

/* Append to the output queue (whole or not at all), then flush if up. */
int mbl_sip_tp_conn_queue(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c, const void *buf,
			  size_t len)
{
	int rc;
	uint8_t *p = mbl_sip_tp_conn_reserve(tp, c, len, &rc);

	if (p == NULL)
		return rc;
	memcpy(p, buf, len);
	mbl_sip_tp_conn_commit(tp, c, len);
	return 0;
}

