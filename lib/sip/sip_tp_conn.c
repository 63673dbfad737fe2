/* SPDX-License-Identifier: BSD-3-Clause
 * SIP over TCP, TLS and WebSocket: stream connections (RFC 3261 18.1.1 /
 * 18.2.2, RFC 5626 4.4.1 keepalives; the WebSocket layer is in
 * sip_tp_ws.c). States: CONNECTING (outbound), HANDSHAKE (TLS, WSS),
 * WS_HANDSHAKE (WS, WSS), UP.
 *
 * A connection is addressed by a u32 id (generation | slot) so that
 * callers, epoll events and callbacks never hold a pointer that a close
 * could leave dangling; a hash by peer address finds one to reuse. Two
 * lists ordered by time carry the deadlines: connecting (connect_ms since
 * the connect started) and idle (idle_ms since the last activity). A
 * connection that closes is unlinked at once (so a callback may open a
 * new one to the same peer) and freed at the end of the poll.
 *
 * Failures are reported only from mbl_sip_tp_poll: a send that hits a
 * dead socket leaves its bytes queued and the next poll finds the error,
 * so on_conn_error never runs inside the caller's mbl_sip_tp_send.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mbl_common.h"
#include "sip_tp_priv.h"

#define ACCEPT_BURST 64
#define TCP_READS 16    /* reads per event before letting others run */

/* ---- life cycle -------------------------------------------------------------------- */

/* Activity: restart the idle clock (the list stays ordered by time). */
void mbl_sip_tp_conn_touch(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c)
{
	c->since_ns = mbl_time_ns();
	TAILQ_REMOVE(&tp->idle, c, timer);
	TAILQ_INSERT_TAIL(&tp->idle, c, timer);
}

static struct mbl_sip_tp_conn *conn_new(struct mbl_sip_tp *tp, int fd, enum mbl_sip_proto p,
					int listener, const struct sockaddr *peer, socklen_t plen,
					enum mbl_sip_tp_conn_state st)
{
	struct mbl_sip_tp_conn *c = calloc(1, sizeof(*c));
	struct epoll_event ev;

	if (c == NULL || mbl_sip_tp_slot_alloc(tp, c) < 0) {
		free(c);
		return NULL;
	}
	c->fd = fd;
	c->proto = p;
	c->state = st;
	c->listener = listener;
	/* Copy by family, not by the caller's length (which may be a whole
	 * sockaddr_storage around a sockaddr_in). */
	c->peer_len = peer->sa_family == AF_INET ? sizeof(struct sockaddr_in)
						 : sizeof(struct sockaddr_in6);
	memcpy(&c->peer, peer, MBL_MIN(plen, c->peer_len));
	/* WS: the buffer also holds the opening handshake, up to 8 KiB */
	mbl_sip_tp_frame_init(&c->in, mbl_sip_proto_ws(p) ? MBL_MAX(tp->conf.max_msg, MBL_WS_HS_MAX)
							   : tp->conf.max_msg);
	ev.events = c->ev = mbl_sip_tp_conn_want_ev(c);
	ev.data.u64 = MBL_SIP_TP_EV(MBL_SIP_TP_EV_CONN, c->id);
	if (epoll_ctl(tp->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		mbl_sip_tp_slot_release(tp, c);
		free(c);
		return NULL;
	}
	c->since_ns = mbl_time_ns();
	TAILQ_INSERT_TAIL(st == MBL_SIP_TP_CONNECTING ? &tp->connecting : &tp->idle, c, timer);
	tp->n_conn++;
	mbl_sip_tp_peer_insert(tp, c);
	return c;
}

/* Close c now: unlink it everywhere, then (notify) count and report why. */
static void conn_close(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c, enum mbl_sip_tp_err why,
		       bool notify)
{
	/* A TLS session that is still sound says goodbye (close_notify, RFC
	 * 8446 6.1) when we are the ones ending it; a WebSocket first sends
	 * its Close (RFC 6455 7.1.2), unless one went already. */
	bool bye = c->state == MBL_SIP_TP_UP &&
		   (!notify || why == MBL_SIP_TP_ERR_idle_timeout || why == MBL_SIP_TP_ERR_framing);

	if (c->state == MBL_SIP_TP_DEAD)
		return;
	if (bye)
		mbl_sip_tp_ws_goodbye(tp, c, MBL_WS_CLOSE_NORMAL);
	TAILQ_REMOVE(c->state == MBL_SIP_TP_CONNECTING ? &tp->connecting : &tp->idle, c, timer);
	c->state = MBL_SIP_TP_DEAD;
	TAILQ_INSERT_TAIL(&tp->dead, c, timer);
	mbl_sip_tp_peer_remove(tp, c);
	mbl_sip_tp_slot_release(tp, c);
	tp->n_conn--;
	mbl_sip_tls_session_free(c->ssl, bye); /* before the fd it sends on */
	c->ssl = NULL;
	close(c->fd); /* also leaves the epoll set */
	c->fd = -1;
	tp->st.conns_closed++;
	if (!notify)
		return;
	tp->st.err[why]++;
	if (tp->conf.on_conn_error)
		tp->conf.on_conn_error(tp->conf.arg, c->id, (struct sockaddr *)&c->peer, why);
}

static void conn_destroy(struct mbl_sip_tp_conn *c)
{
	mbl_sip_tp_ws_detach(c);
	mbl_sip_tp_frame_fini(&c->in);
	free(c->out);
	free(c->host);
	free(c);
}

void mbl_sip_tp_conn_reap(struct mbl_sip_tp *tp)
{
	struct mbl_sip_tp_conn *c;

	while ((c = TAILQ_FIRST(&tp->dead)) != NULL) {
		TAILQ_REMOVE(&tp->dead, c, timer);
		conn_destroy(c);
	}
}

void mbl_sip_tp_conn_free_all(struct mbl_sip_tp *tp)
{
	uint32_t s;

	for (s = 0; s < tp->n_slot; s++)
		if (tp->slot[s])
			conn_close(tp, tp->slot[s], MBL_SIP_TP_ERR_closed, false);
	mbl_sip_tp_conn_reap(tp);
	mbl_sip_tp_tables_free(tp);
}

void mbl_sip_tp_conn_fail(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c, enum mbl_sip_tp_err why,
			  const char *detail)
{
	char a[64];

	MBL_LOG_RL(MBL_LOG_INFO, "sip %s: connection %u with %s: %s%s%s",
		   mbl_sip_proto_name(c->proto), c->id,
		   mbl_sip_tp_fmt_addr((struct sockaddr *)&c->peer, a, sizeof(a)),
		   mbl_sip_tp_err_name(why), detail ? ": " : "", detail ? detail : "");
	conn_close(tp, c, why, true);
}

/* ---- input ------------------------------------------------------------------------------- */

void mbl_sip_tp_conn_src(const struct mbl_sip_tp_conn *c, struct mbl_sip_tp_src *src)
{
	memset(src, 0, sizeof(*src));
	src->proto = c->proto;
	memcpy(&src->peer, &c->peer, c->peer_len);
	src->peer_len = c->peer_len;
	memcpy(&src->local, &c->local, c->local_len);
	src->local_len = c->local_len;
	src->conn_id = c->id;
	src->listener = c->listener;
}

/* Hand out every complete message in c's buffer. -1: c was closed. */
static int conn_frames(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c)
{
	struct mbl_sip_tp_src src;
	const char *msg;
	size_t len;

	if (c->ws)
		return mbl_sip_tp_ws_input(tp, c);
	for (;;) {
		switch (mbl_sip_tp_frame_next(&c->in, &msg, &len)) {
		case MBL_SIP_TP_FR_MORE:
			return 0;
		case MBL_SIP_TP_FR_MSG:
			tp->st.msgs_in++;
			mbl_sip_tp_conn_touch(tp, c);
			mbl_sip_tp_conn_src(c, &src);
			tp->conf.on_msg(tp->conf.arg, &src, msg, len);
			if (c->state == MBL_SIP_TP_DEAD) /* closed by the callback */
				return -1;
			break;
		case MBL_SIP_TP_FR_PING:
			tp->st.pings_in++;
			mbl_sip_tp_conn_touch(tp, c);
			/* RFC 5626 4.4.1: the flow's server side answers. */
			if (c->listener >= 0 && mbl_sip_tp_conn_queue(tp, c, "\r\n", 2) == 0)
				tp->st.pongs_out++;
			break;
		default:
			mbl_sip_tp_conn_fail(tp, c, MBL_SIP_TP_ERR_framing, c->in.why);
			return -1;
		}
	}
}

/* One read into c's buffer: > 0 bytes, 0 nothing more for now, -1 closed. */
static ssize_t conn_read_once(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c)
{
	enum mbl_sip_tp_err why = MBL_SIP_TP_ERR_read_failed;
	char *p;
	ssize_t room = mbl_sip_tp_frame_room(&c->in, &p), n;

	if (room < 0) {
		mbl_sip_tp_conn_fail(tp, c, MBL_SIP_TP_ERR_read_failed, strerror((int)-room));
		return -1;
	}
	if (c->ssl) {
		n = mbl_sip_tls_read(c->ssl, p, (size_t)room, &why);
		c->tls_wants_write = n == MBL_SIP_TLS_WANT_WRITE;
		if (n == MBL_SIP_TLS_WANT_READ || n == MBL_SIP_TLS_WANT_WRITE)
			return 0;
	} else {
		n = recv(c->fd, p, (size_t)room, MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			return 0;
		if (n < 0)
			why = mbl_sip_tp_errno_why(errno, MBL_SIP_TP_ERR_read_failed);
	}
	if (n <= 0) {
		mbl_sip_tp_conn_fail(tp, c, n == 0 ? MBL_SIP_TP_ERR_closed : why, NULL);
		return -1;
	}
	mbl_sip_tp_frame_commit(&c->in, (size_t)n);
	tp->st.bytes_in += (uint64_t)n;
	return n;
}

/* Read and frame until the socket is drained. TCP stops after TCP_READS
 * (level-triggered epoll calls again); TLS must drain, because records
 * OpenSSL already holds would never wake epoll. */
static void conn_read(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c)
{
	int i;

	for (i = 0; c->ssl || i < TCP_READS; i++) {
		ssize_t n = conn_read_once(tp, c);

		if (n < 0 || (n > 0 && conn_frames(tp, c) < 0))
			return;
		if (n == 0)
			break;
	}
	mbl_sip_tp_conn_update_ev(tp, c);
}

/* ---- connect, handshake, accept ---------------------------------------------------------- */

/* Connected (TCP), TLS handshake done, or (WS) the WebSocket handshake
 * next: send what may go, then read what the handshake brought along. */
static void conn_up(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c)
{
	c->state = c->ws ? MBL_SIP_TP_WS_HANDSHAKE : MBL_SIP_TP_UP;
	c->tls_wants_write = false;
	mbl_sip_tp_conn_touch(tp, c);
	if (mbl_sip_tp_conn_flush(tp, c, true) == 0)
		conn_read(tp, c);
}

/* Called from inside the read path (sip_tp_ws.c): no read here. */
void mbl_sip_tp_conn_ws_up(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c)
{
	c->state = MBL_SIP_TP_UP;
	mbl_sip_tp_conn_touch(tp, c);
	mbl_sip_tp_conn_flush(tp, c, true);
}

static void conn_handshake(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c)
{
	enum mbl_sip_tp_err why = MBL_SIP_TP_ERR_tls_handshake;
	char detail[160] = "";
	int rc = mbl_sip_tls_handshake(c->ssl, &why, detail, sizeof(detail));

	if (rc == 0) {
		tp->st.tls_handshakes++;
		conn_up(tp, c);
	} else if (rc == MBL_SIP_TLS_FAIL) {
		mbl_sip_tp_conn_fail(tp, c, why, detail);
	} else {
		c->tls_wants_write = rc == MBL_SIP_TLS_WANT_WRITE;
		mbl_sip_tp_conn_update_ev(tp, c);
	}
}

/* TCP connected: learn our address, then handshake (TLS, WSS) or go up
 * (TCP; WS to its opening handshake). */
static void conn_connected(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c)
{
	c->local_len = sizeof(c->local);
	getsockname(c->fd, (struct sockaddr *)&c->local, &c->local_len);
	TAILQ_REMOVE(&tp->connecting, c, timer);
	c->since_ns = mbl_time_ns();
	TAILQ_INSERT_TAIL(&tp->idle, c, timer);
	if (!mbl_sip_proto_tls(c->proto)) {
		conn_up(tp, c);
		return;
	}
	c->state = MBL_SIP_TP_HANDSHAKE;
	c->ssl = mbl_sip_tls_session(tp->tls, c->fd, false, c->host);
	if (c->ssl == NULL) {
		mbl_sip_tp_conn_fail(tp, c, MBL_SIP_TP_ERR_tls_handshake, "cannot create TLS session");
		return;
	}
	conn_handshake(tp, c);
}

static void conn_on_connect(struct mbl_sip_tp *tp, struct mbl_sip_tp_conn *c)
{
	int e = 0;
	socklen_t l = sizeof(e);

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &l) < 0)
		e = errno;
	if (e == 0) {
		conn_connected(tp, c);
		return;
	}
	mbl_sip_tp_conn_fail(tp, c,
		  e == ECONNREFUSED ? MBL_SIP_TP_ERR_connect_refused
		  : e == ETIMEDOUT  ? MBL_SIP_TP_ERR_connect_timeout
				    : MBL_SIP_TP_ERR_connect_failed,
		  strerror(e));
}

int mbl_sip_tp_conn_event(struct mbl_sip_tp *tp, uint32_t id, uint32_t events)
{
	struct mbl_sip_tp_conn *c = mbl_sip_tp_conn_get(tp, id);

	if (c == NULL)
		return 0; /* closed earlier in this batch */
	switch (c->state) {
	case MBL_SIP_TP_CONNECTING:
		conn_on_connect(tp, c);
		break;
	case MBL_SIP_TP_HANDSHAKE:
		conn_handshake(tp, c);
		break;
	case MBL_SIP_TP_WS_HANDSHAKE:
	case MBL_SIP_TP_UP:
		/* TLS: either direction may be what OpenSSL waits for. */
		if ((events & EPOLLOUT) || c->ssl)
			if (mbl_sip_tp_conn_flush(tp, c, true) < 0)
				break;
		if ((events & (EPOLLIN | EPOLLERR | EPOLLHUP)) || c->ssl)
			conn_read(tp, c);
		break;
	default:
		break;
	}
	return 1;
}

static int accept_one(struct mbl_sip_tp *tp, int li)
{
	const struct mbl_sip_tp_listener *l = &tp->lis[li];
	struct sockaddr_storage peer;
	socklen_t plen = sizeof(peer);
	struct mbl_sip_tp_conn *c;
	int fd = accept4(l->fd, (struct sockaddr *)&peer, &plen, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return -errno;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){1}, sizeof(int));
	c = conn_new(tp, fd, l->proto, li, (struct sockaddr *)&peer, plen,
		     mbl_sip_proto_tls(l->proto)  ? MBL_SIP_TP_HANDSHAKE
		     : mbl_sip_proto_ws(l->proto) ? MBL_SIP_TP_WS_HANDSHAKE
						  : MBL_SIP_TP_UP);
	if (c == NULL) {
		close(fd);
		return -ENOMEM;
	}
	tp->st.conns_accepted++;
	c->local_len = sizeof(c->local);
	getsockname(fd, (struct sockaddr *)&c->local, &c->local_len);
	if (mbl_sip_proto_ws(l->proto) && mbl_sip_tp_ws_attach(tp, c) < 0) {
		conn_close(tp, c, MBL_SIP_TP_ERR_closed, false);
		return -ENOMEM;
	}
	if (mbl_sip_proto_tls(l->proto)) {
		c->ssl = mbl_sip_tls_session(tp->tls, fd, true, NULL);
		if (c->ssl == NULL)
			mbl_sip_tp_conn_fail(tp, c, MBL_SIP_TP_ERR_tls_handshake, "cannot create TLS session");
	}
	return 0;
}

int mbl_sip_tp_accept(struct mbl_sip_tp *tp, int li)
{
	int i, rc = 0;

	for (i = 0; i < ACCEPT_BURST; i++) {
		rc = accept_one(tp, li);
		if (rc == -EINTR || rc == -ECONNABORTED || rc == -ENOMEM)
			continue;
		if (rc < 0)
			break;
	}
	if (rc < 0 && rc != -EAGAIN && rc != -EWOULDBLOCK)
		MBL_LOG_RL(MBL_LOG_WARN, "sip %s: accept: %s", mbl_sip_proto_name(tp->lis[li].proto),
			   strerror(-rc));
	return i;
}

/* A new non-blocking connection to `to`; name: the TLS name to check and
 * the WebSocket Host. A WS one queues its opening handshake now, so that
 * it leads whatever is sent before the connection is up. */
static int conn_connect(struct mbl_sip_tp *tp, enum mbl_sip_proto p, const struct sockaddr *to,
			socklen_t tolen, const struct sockaddr *from, const char *name,
			struct mbl_sip_tp_conn **out)
{
	int fd = socket(to->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	socklen_t alen = to->sa_family == AF_INET ? sizeof(struct sockaddr_in)
						  : sizeof(struct sockaddr_in6);
	struct sockaddr_storage local;
	struct mbl_sip_tp_conn *c;
	int rc = 0;

	if (fd < 0)
		return -errno;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){1}, sizeof(int));
	if (from) {
		/* Our IP, any port: the kernel picks the port at connect time
		 * (IP_BIND_ADDRESS_NO_PORT), so many connections share an IP. */
		memcpy(&local, from, alen);
		((struct sockaddr_in *)&local)->sin_port = 0; /* same offset in sin6 */
		setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &(int){1}, sizeof(int));
		if (bind(fd, (struct sockaddr *)&local, alen) < 0)
			rc = -errno;
	}
	if (rc == 0 && connect(fd, to, tolen) < 0 && errno != EINPROGRESS)
		rc = -errno;
	if (rc < 0) {
		close(fd);
		return rc;
	}
	c = conn_new(tp, fd, p, -1, to, tolen, MBL_SIP_TP_CONNECTING);
	rc = c == NULL ? -ENOMEM : 0;
	if (rc == 0 && p != MBL_SIP_TCP && (c->host = strdup(name)) == NULL)
		rc = -ENOMEM;
	if (rc == 0 && mbl_sip_proto_ws(p))
		rc = mbl_sip_tp_ws_attach(tp, c);
	if (rc < 0) {
		if (c)
			conn_close(tp, c, MBL_SIP_TP_ERR_closed, false);
		else
			close(fd);
		return rc;
	}
	if (from) {
		memcpy(&c->local, &local, alen);
		c->local_len = alen;
	}
	tp->st.conns_opened++;
	*out = c;
	return 0;
}

/* ---- API ----------------------------------------------------------------------------------- */

static const char *tls_name(struct mbl_sip_tp *tp, const struct sockaddr *to, const char *host,
			    char *buf, size_t len)
{
	char *colon;

	if (tp->server_name)
		return tp->server_name;
	if (host)
		return host;
	mbl_sip_tp_fmt_addr(to, buf, len); /* "ip:port" or "[ip6]:port" */
	if (buf[0] == '[') {
		memmove(buf, buf + 1, strlen(buf));
		colon = strrchr(buf, ']');
	} else {
		colon = strrchr(buf, ':');
	}
	if (colon)
		*colon = '\0';
	return buf;
}

int mbl_sip_tp_stream_send(struct mbl_sip_tp *tp, enum mbl_sip_proto p, const struct sockaddr *to,
			   socklen_t tolen, const struct sockaddr *from_local, uint32_t conn_id,
			   const char *host, const char *buf, size_t len)
{
	struct mbl_sip_tp_conn *c;
	char nbuf[64];
	int rc;

	if (conn_id) {
		c = mbl_sip_tp_conn_get(tp, conn_id);
		if (c == NULL)
			return -ENOTCONN;
		if (c->proto != p)
			return -EINVAL;
	} else {
		const char *name;

		if (mbl_sip_tp_sa_check(to, tolen) < 0 ||
		    (from_local && from_local->sa_family != to->sa_family))
			return -EINVAL;
		name = tls_name(tp, to, host, nbuf, sizeof(nbuf));
		c = mbl_sip_tp_peer_find(tp, p, to, from_local, name);
		if (c == NULL && (rc = conn_connect(tp, p, to, tolen, from_local, name, &c)) < 0)
			return rc;
	}
	/* an accepted WS connection: nothing before our 101 */
	if (c->ws && c->listener >= 0 && c->state != MBL_SIP_TP_UP)
		return -ENOTCONN;
	rc = c->ws ? mbl_sip_tp_ws_send(tp, c, buf, len) : mbl_sip_tp_conn_queue(tp, c, buf, len);
	if (rc < 0)
		return rc;
	tp->st.msgs_out++;
	if (c->state == MBL_SIP_TP_UP)
		mbl_sip_tp_conn_touch(tp, c);
	return (int)c->id;
}

int mbl_sip_tp_ping(struct mbl_sip_tp *tp, uint32_t conn_id)
{
	struct mbl_sip_tp_conn *c = mbl_sip_tp_conn_get(tp, conn_id);
	int rc;

	if (c == NULL)
		return -ENOTCONN;
	if (c->ws)
		return mbl_sip_tp_ws_ping(tp, c);
	rc = mbl_sip_tp_conn_queue(tp, c, "\r\n\r\n", 4);
	if (rc == 0)
		tp->st.pings_out++;
	return rc;
}

int mbl_sip_tp_close(struct mbl_sip_tp *tp, uint32_t conn_id)
{
	struct mbl_sip_tp_conn *c = mbl_sip_tp_conn_get(tp, conn_id);

	if (c == NULL)
		return -ENOTCONN;
	conn_close(tp, c, MBL_SIP_TP_ERR_closed, false);
	if (!tp->in_poll)
		mbl_sip_tp_conn_reap(tp);
	return 0;
}
