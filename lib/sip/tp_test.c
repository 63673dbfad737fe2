/* SPDX-License-Identifier: BSD-3-Clause
 * SIP transport over UDP and TCP on 127.0.0.1: round trips with the
 * addresses reported, framing over real sockets (1-byte writes, three
 * messages in one write, bad Content-Length closing with framing),
 * keepalive pong, connection reuse, responses on the request's
 * connection, every close reason, idle and connect timeouts, the output
 * queue bound, and a large message through partial writes.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tp_test_util.h"

static const char REQ[] = "OPTIONS sip:b@127.0.0.1 SIP/2.0\r\n"
			  "Via: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKtp1\r\n"
			  "Content-Length: 5\r\n\r\nhello";

/* ---- UDP ---------------------------------------------------------------------- */

static void test_udp_round_trip(void **state)
{
	struct rec ra = {0}, rb = {0};
	struct mbl_sip_tp *a = tp_new(&ra, NULL), *b = tp_new(&rb, NULL);
	int lb;
	uint16_t pa = tp_listen_lo(a, MBL_SIP_UDP, NULL), pb = tp_listen_lo(b, MBL_SIP_UDP, &lb);
	struct sockaddr_in to = lo4(pb);
	struct mbl_sip_tp_stats st;

	(void)state;
	rb.echo = b;
	assert_int_equal(mbl_sip_tp_send(a, MBL_SIP_UDP, (struct sockaddr *)&to, sizeof(to), NULL, 0,
					 NULL, REQ, strlen(REQ)),
			 0);
	PUMP_UNTIL(a, b, ra.n_msg == 1, 2000);
	assert_int_equal(rb.n_msg, 1);
	assert_string_equal(rb.msg[0], REQ);
	assert_int_equal(rb.src[0].proto, MBL_SIP_UDP);
	assert_int_equal(rb.src[0].conn_id, 0);
	assert_int_equal(rb.src[0].listener, lb);
	assert_true(sa_is_lo4(&rb.src[0].peer, pa)); /* sent from a's listener */
	assert_true(sa_is_lo4(&rb.src[0].local, pb));
	/* The echo went back from b's listener to a's. */
	assert_int_equal(ra.n_msg, 1);
	assert_int_equal(ra.len[0], strlen(REQ) + 5);
	assert_memory_equal(ra.msg[0], "ECHO OPTIONS", 12);
	assert_true(sa_is_lo4(&ra.src[0].peer, pb));
	assert_true(sa_is_lo4(&ra.src[0].local, pa));
	mbl_sip_tp_stats(a, &st);
	assert_int_equal(st.dgrams_out, 1);
	assert_int_equal(st.dgrams_in, 1);
	assert_int_equal(st.bytes_out, strlen(REQ));
	mbl_sip_tp_free(a);
	mbl_sip_tp_free(b);
	rec_clear(&ra);
	rec_clear(&rb);
}

/* A wildcard listener reports the datagram's real destination, and a
 * transport without listeners sends from (and hears replies on) its own
 * unbound socket. */
static void test_udp_wildcard_and_unbound(void **state)
{
	struct rec ra = {0}, rb = {0};
	struct mbl_sip_tp *a = tp_new(&ra, NULL), *b = tp_new(&rb, NULL);
	struct sockaddr_in any = {.sin_family = AF_INET}, to, from;
	struct sockaddr_storage ss;
	socklen_t sl;
	char err[128];
	int lb;

	(void)state;
	lb = mbl_sip_tp_listen(b, MBL_SIP_UDP, (struct sockaddr *)&any, sizeof(any), err,
			       sizeof(err));
	assert_true(lb >= 0);
	assert_int_equal(mbl_sip_tp_local_addr(b, lb, &ss, &sl), 0);
	to = lo4(sa_port(&ss));
	rb.echo = b;
	/* a has no UDP listener: from_local 127.0.0.1 cannot be honoured. */
	from = lo4(0);
	assert_int_equal(mbl_sip_tp_send(a, MBL_SIP_UDP, (struct sockaddr *)&to, sizeof(to),
					 (struct sockaddr *)&from, 0, NULL, REQ, strlen(REQ)),
			 -EADDRNOTAVAIL);
	assert_int_equal(mbl_sip_tp_send(a, MBL_SIP_UDP, (struct sockaddr *)&to, sizeof(to), NULL, 0,
					 NULL, REQ, strlen(REQ)),
			 0);
	PUMP_UNTIL(a, b, ra.n_msg == 1, 2000);
	assert_int_equal(rb.n_msg, 1);
	assert_true(sa_is_lo4(&rb.src[0].local, sa_port(&ss))); /* IP_PKTINFO, not 0.0.0.0 */
	assert_int_equal(ra.n_msg, 1);
	assert_int_equal(ra.src[0].listener, -1);
	assert_true(sa_is_lo4(&ra.src[0].local, 0));
	assert_int_equal(sa_port(&ra.src[0].local), sa_port(&rb.src[0].peer));
	mbl_sip_tp_free(a);
	mbl_sip_tp_free(b);
	rec_clear(&ra);
	rec_clear(&rb);
}

static void test_udp_oversize_and_keepalive(void **state)
{
	struct mbl_sip_tp_conf c = {.max_msg = 1000};
	struct rec rb = {0};
	struct mbl_sip_tp *b = tp_new(&rb, &c);
	struct sockaddr_in to = lo4(tp_listen_lo(b, MBL_SIP_UDP, NULL));
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	char big[1500];
	struct mbl_sip_tp_stats st;

	(void)state;
	memset(big, 'x', sizeof(big));
	sendto(fd, big, 1001, 0, (struct sockaddr *)&to, sizeof(to));
	sendto(fd, big, 1500, 0, (struct sockaddr *)&to, sizeof(to));
	sendto(fd, "\r\n\r\n", 4, 0, (struct sockaddr *)&to, sizeof(to));
	sendto(fd, big, 1000, 0, (struct sockaddr *)&to, sizeof(to));
	PUMP_UNTIL(b, NULL, rb.n_msg == 1, 2000);
	PUMP_FOR(b, NULL, 50);
	assert_int_equal(rb.n_msg, 1);
	assert_int_equal(rb.len[0], 1000);
	mbl_sip_tp_stats(b, &st);
	assert_int_equal(st.dgrams_dropped, 2);
	assert_int_equal(st.pings_in, 1);
	assert_int_equal(st.dgrams_in, 1);
	/* Sending above max_msg is refused before any system call. */
	assert_int_equal(mbl_sip_tp_send(b, MBL_SIP_UDP, (struct sockaddr *)&to, sizeof(to), NULL, 0,
					 NULL, big, 1001),
			 -EINVAL);
	close(fd);
	mbl_sip_tp_free(b);
	rec_clear(&rb);
}

/* ---- TCP framing over a raw client ----------------------------------------------------- */

struct srv {
	struct rec r;
	struct mbl_sip_tp *tp;
	uint16_t port;
};

static void srv_up(struct srv *s, uint32_t idle_ms, uint32_t max_msg)
{
	struct mbl_sip_tp_conf c = {.idle_ms = idle_ms, .max_msg = max_msg};

	memset(&s->r, 0, sizeof(s->r));
	s->tp = tp_new(&s->r, &c);
	s->port = tp_listen_lo(s->tp, MBL_SIP_TCP, NULL);
}

static void srv_down(struct srv *s)
{
	mbl_sip_tp_free(s->tp);
	rec_clear(&s->r);
}

static void test_tcp_one_byte_writes(void **state)
{
	struct srv s;
	int fd;
	size_t i;

	(void)state;
	srv_up(&s, 0, 0);
	fd = raw_connect(s.port);
	for (i = 0; i < strlen(REQ); i++) {
		assert_int_equal(write(fd, REQ + i, 1), 1);
		assert_true(mbl_sip_tp_poll(s.tp, 1) >= 0);
		if (i + 1 < strlen(REQ))
			assert_int_equal(s.r.n_msg, 0);
	}
	PUMP_UNTIL(s.tp, NULL, s.r.n_msg == 1, 2000);
	assert_int_equal(s.r.n_msg, 1);
	assert_string_equal(s.r.msg[0], REQ);
	assert_int_equal(s.r.src[0].proto, MBL_SIP_TCP);
	assert_int_equal(s.r.src[0].listener, 0);
	assert_true(s.r.src[0].conn_id != 0);
	assert_true(sa_is_lo4(&s.r.src[0].peer, fd_local_port(fd)));
	assert_true(sa_is_lo4(&s.r.src[0].local, s.port));
	close(fd);
	srv_down(&s);
}

static void test_tcp_three_in_one_write(void **state)
{
	static const char m2[] = "SIP/2.0 200 OK\r\nl :\r\n 0\r\n\r\n";
	static const char m3[] = "MESSAGE sip:x SIP/2.0\r\ncontent-length:  3 \r\n\r\nabc";
	char all[512];
	struct srv s;
	int fd;

	(void)state;
	srv_up(&s, 0, 0);
	fd = raw_connect(s.port);
	snprintf(all, sizeof(all), "%s%s%s", REQ, m2, m3);
	assert_int_equal(write(fd, all, strlen(all)), (ssize_t)strlen(all));
	PUMP_UNTIL(s.tp, NULL, s.r.n_msg == 3, 2000);
	assert_int_equal(s.r.n_msg, 3);
	assert_string_equal(s.r.msg[0], REQ);
	assert_string_equal(s.r.msg[1], m2);
	assert_string_equal(s.r.msg[2], m3);
	assert_int_equal(s.r.src[0].conn_id, s.r.src[2].conn_id);
	close(fd);
	srv_down(&s);
}

/* Read until EOF or reset: the server must have closed on us. */
static bool raw_sees_close(int fd, struct mbl_sip_tp *tp)
{
	uint64_t dl = now_ms() + 2000;
	char b[256];

	fcntl(fd, F_SETFL, O_NONBLOCK);
	while (now_ms() < dl) {
		ssize_t n = read(fd, b, sizeof(b));

		if (n == 0 || (n < 0 && errno == ECONNRESET))
			return true;
		mbl_sip_tp_poll(tp, 5);
	}
	return false;
}

static void test_tcp_bad_content_length(void **state)
{
	static const char *const bad[] = {
		"INVITE sip:x SIP/2.0\r\nVia: a\r\n\r\nbody",             /* missing */
		"INVITE sip:x SIP/2.0\r\nContent-Length: -5\r\n\r\n",      /* negative */
		"INVITE sip:x SIP/2.0\r\nContent-Length: 999999\r\n\r\n",  /* above max_msg */
		"INVITE sip:x SIP/2.0\r\nContent-Length: 12ab\r\n\r\n",    /* garbage */
		"INVITE sip:x SIP/2.0\r\nl: 1\r\nContent-Length: 1\r\n\r\nx", /* twice */
	};
	struct mbl_sip_tp_stats st;
	struct srv s;
	size_t i;

	(void)state;
	srv_up(&s, 0, 4096);
	for (i = 0; i < MBL_ARRAY_SIZE(bad); i++) {
		int fd = raw_connect(s.port);

		assert_int_equal(write(fd, bad[i], strlen(bad[i])), (ssize_t)strlen(bad[i]));
		PUMP_UNTIL(s.tp, NULL, s.r.n_err == (int)i + 1, 2000);
		assert_int_equal(s.r.n_err, i + 1);
		assert_int_equal(s.r.why[i], MBL_SIP_TP_ERR_framing);
		assert_true(sa_is_lo4(&s.r.err_peer[i], fd_local_port(fd)));
		assert_true(raw_sees_close(fd, s.tp));
		close(fd);
	}
	assert_int_equal(s.r.n_msg, 0);
	mbl_sip_tp_stats(s.tp, &st);
	assert_int_equal(st.err[MBL_SIP_TP_ERR_framing], MBL_ARRAY_SIZE(bad));
	assert_int_equal(st.conns_closed, MBL_ARRAY_SIZE(bad));
	srv_down(&s);
}

static void test_tcp_keepalive_pong(void **state)
{
	struct mbl_sip_tp_stats st;
	struct srv s;
	char b[16];
	int fd;

	(void)state;
	srv_up(&s, 0, 0);
	fd = raw_connect(s.port);
	assert_int_equal(write(fd, "\r\n\r\n", 4), 4);
	PUMP_UNTIL(s.tp, NULL, recv(fd, b, sizeof(b), MSG_DONTWAIT | MSG_PEEK) > 0, 2000);
	assert_int_equal(recv(fd, b, sizeof(b), MSG_DONTWAIT), 2);
	assert_memory_equal(b, "\r\n", 2);
	/* A lone CRLF before a message is skipped without a pong. */
	assert_int_equal(write(fd, "\r\n", 2), 2);
	assert_int_equal(write(fd, REQ, strlen(REQ)), (ssize_t)strlen(REQ));
	PUMP_UNTIL(s.tp, NULL, s.r.n_msg == 1, 2000);
	assert_string_equal(s.r.msg[0], REQ);
	PUMP_FOR(s.tp, NULL, 30);
	assert_int_equal(recv(fd, b, sizeof(b), MSG_DONTWAIT), -1);
	assert_int_equal(errno, EAGAIN);
	mbl_sip_tp_stats(s.tp, &st);
	assert_int_equal(st.pings_in, 1);
	assert_int_equal(st.pongs_out, 1);
	assert_int_equal(s.r.n_err, 0);
	close(fd);
	srv_down(&s);
}

/* ---- TCP between two transports ------------------------------------------------------------ */

/* Ten requests reuse one connection; every response comes back on it. */
static void test_tcp_reuse_and_responses(void **state)
{
	struct rec rc = {0};
	struct mbl_sip_tp *cli = tp_new(&rc, NULL);
	struct mbl_sip_tp_stats sc, ss;
	struct mbl_sip_tp_conn_info ci;
	struct sockaddr_in to;
	struct srv s;
	int i, id = 0;

	(void)state;
	srv_up(&s, 0, 0);
	s.r.echo = s.tp;
	to = lo4(s.port);
	for (i = 0; i < 10; i++) {
		int r = mbl_sip_tp_send(cli, MBL_SIP_TCP, (struct sockaddr *)&to, sizeof(to), NULL, 0,
					NULL, REQ, strlen(REQ));

		assert_true(r > 0);
		assert_true(i == 0 || r == id);
		id = r;
		if (i == 4) /* half before the connect completes, half after */
			PUMP_UNTIL(cli, s.tp, s.r.n_msg == 5, 2000);
	}
	PUMP_UNTIL(cli, s.tp, rc.n_msg == 10, 2000);
	assert_int_equal(s.r.n_msg, 10);
	assert_int_equal(rc.n_msg, 10);
	for (i = 0; i < 10; i++) {
		assert_string_equal(s.r.msg[i], REQ);
		assert_int_equal(s.r.src[i].conn_id, s.r.src[0].conn_id);
		assert_int_equal(rc.src[i].conn_id, (uint32_t)id);
		assert_int_equal(rc.src[i].listener, -1);
		assert_true(sa_is_lo4(&rc.src[i].peer, s.port));
		assert_int_equal(rc.len[i], strlen(REQ) + 5);
	}
	mbl_sip_tp_stats(cli, &sc);
	mbl_sip_tp_stats(s.tp, &ss);
	assert_int_equal(sc.conns_opened, 1);
	assert_int_equal(ss.conns_accepted, 1);
	assert_int_equal(sc.msgs_out, 10);
	assert_int_equal(ss.msgs_in, 10);
	assert_int_equal(ss.msgs_out, 10);
	assert_int_equal(mbl_sip_tp_conn_info(cli, (uint32_t)id, &ci), 0);
	assert_true(ci.outbound && ci.up && ci.proto == MBL_SIP_TCP && ci.queued == 0);
	assert_string_equal(ci.tls_version, "");
	/* A response on a connection id of the wrong protocol, or gone. */
	assert_int_equal(mbl_sip_tp_send(cli, MBL_SIP_TLS, NULL, 0, NULL, (uint32_t)id, NULL, REQ, 3),
			 -EINVAL);
	assert_int_equal(mbl_sip_tp_send(cli, MBL_SIP_TCP, NULL, 0, NULL, (uint32_t)id + 1, NULL, REQ,
					 3),
			 -ENOTCONN);
	mbl_sip_tp_free(cli);
	rec_clear(&rc);
	srv_down(&s);
}

static void test_tcp_peer_close_and_reset(void **state)
{
	struct rec rc = {0};
	struct mbl_sip_tp *cli = tp_new(&rc, NULL);
	struct linger lg = {.l_onoff = 1, .l_linger = 0};
	struct sockaddr_in to;
	struct srv s;
	int id, fd;

	(void)state;
	srv_up(&s, 0, 0);
	to = lo4(s.port);
	id = mbl_sip_tp_send(cli, MBL_SIP_TCP, (struct sockaddr *)&to, sizeof(to), NULL, 0, NULL, REQ,
			     strlen(REQ));
	PUMP_UNTIL(cli, s.tp, s.r.n_msg == 1, 2000);
	/* The server closes: the client hears "closed" for its connection. */
	assert_int_equal(mbl_sip_tp_close(s.tp, s.r.src[0].conn_id), 0);
	assert_int_equal(mbl_sip_tp_close(s.tp, s.r.src[0].conn_id), -ENOTCONN);
	PUMP_UNTIL(cli, s.tp, rc.n_err == 1, 2000);
	assert_int_equal(rc.n_err, 1);
	assert_int_equal(rc.err_conn[0], (uint32_t)id);
	assert_int_equal(rc.why[0], MBL_SIP_TP_ERR_closed);
	assert_true(sa_is_lo4(&rc.err_peer[0], s.port));
	assert_int_equal(s.r.n_err, 0); /* a local close is not reported */
	/* A raw peer that closes cleanly, then one that resets. */
	fd = raw_connect(s.port);
	PUMP_FOR(s.tp, NULL, 20);
	close(fd);
	PUMP_UNTIL(s.tp, NULL, s.r.n_err == 1, 2000);
	assert_int_equal(s.r.why[0], MBL_SIP_TP_ERR_closed);
	fd = raw_connect(s.port);
	PUMP_FOR(s.tp, NULL, 20);
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
	PUMP_UNTIL(s.tp, NULL, s.r.n_err == 2, 2000);
	assert_int_equal(s.r.why[1], MBL_SIP_TP_ERR_reset);
	mbl_sip_tp_free(cli);
	rec_clear(&rc);
	srv_down(&s);
}

/* Half-open (connects, sends nothing) and clerr.dat (RFC 4475 3.1.2.2:
 * Content-Length 9999 over a shorter body) both end at idle_ms. */
static void test_tcp_idle_timeouts(void **state)
{
	FILE *f = fopen("tests/corpus/sip-torture/rfc4475/clerr.dat", "rb");
	char clerr[1024];
	size_t n = fread(clerr, 1, sizeof(clerr), f);
	uint64_t t0;
	struct srv s;
	int fd1, fd2;

	(void)state;
	fclose(f);
	srv_up(&s, 150, 0);
	t0 = now_ms();
	fd1 = raw_connect(s.port);
	fd2 = raw_connect(s.port);
	assert_int_equal(write(fd2, clerr, n), (ssize_t)n);
	PUMP_UNTIL(s.tp, NULL, s.r.n_err == 2, 3000);
	assert_int_equal(s.r.n_err, 2);
	assert_true(now_ms() - t0 >= 140);
	assert_int_equal(s.r.why[0], MBL_SIP_TP_ERR_idle_timeout);
	assert_int_equal(s.r.why[1], MBL_SIP_TP_ERR_idle_timeout);
	assert_int_equal(s.r.n_msg, 0);
	assert_true(raw_sees_close(fd1, s.tp));
	assert_true(raw_sees_close(fd2, s.tp));
	close(fd1);
	close(fd2);
	srv_down(&s);
}

/* Traffic keeps a connection alive past idle_ms; silence then ends it. */
static void test_tcp_activity_defers_idle(void **state)
{
	struct srv s;
	uint64_t t0;
	int fd;

	(void)state;
	/* 25 requests 50 ms apart outlive the 1 s idle limit; a stall between
	 * two writes would have to last most of that second to end it early */
	srv_up(&s, 1000, 0);
	fd = raw_connect(s.port);
	t0 = now_ms();
	for (unsigned k = 0; k < 25; k++) {
		assert_int_equal(write(fd, REQ, strlen(REQ)), (ssize_t)strlen(REQ));
		PUMP_FOR(s.tp, NULL, 50);
	}
	PUMP_UNTIL(s.tp, NULL, s.r.n_msg == 25 || s.r.n_err, 2000);
	assert_true(now_ms() - t0 >= 1200);
	assert_int_equal(s.r.n_err, 0);
	assert_int_equal(s.r.n_msg, 25);
	PUMP_UNTIL(s.tp, NULL, s.r.n_err == 1, 4000);
	assert_int_equal(s.r.why[0], MBL_SIP_TP_ERR_idle_timeout);
	close(fd);
	srv_down(&s);
}

static void test_tcp_connect_refused(void **state)
{
	struct rec rc = {0};
	struct mbl_sip_tp *cli = tp_new(&rc, NULL);
	struct sockaddr_in to = lo4(dead_port());
	struct mbl_sip_tp_stats st;
	int id;

	(void)state;
	id = mbl_sip_tp_send(cli, MBL_SIP_TCP, (struct sockaddr *)&to, sizeof(to), NULL, 0, NULL, REQ,
			     strlen(REQ));
	assert_true(id > 0);
	PUMP_UNTIL(cli, NULL, rc.n_err == 1, 2000);
	assert_int_equal(rc.n_err, 1);
	assert_int_equal(rc.err_conn[0], (uint32_t)id);
	assert_int_equal(rc.why[0], MBL_SIP_TP_ERR_connect_refused);
	mbl_sip_tp_stats(cli, &st);
	assert_int_equal(st.err[MBL_SIP_TP_ERR_connect_refused], 1);
	assert_string_equal(mbl_sip_tp_err_name(MBL_SIP_TP_ERR_connect_refused), "connect_refused");
	assert_string_equal(mbl_sip_tp_err_name(MBL_SIP_TP_ERR_MAX), "?");
	mbl_sip_tp_free(cli);
	rec_clear(&rc);
}

/* A listener that never accepts: bytes queue until max_queue, whole
 * messages only; then the connection completes and all of it arrives. */
static void test_tcp_queue_bound(void **state)
{
	struct mbl_sip_tp_conf c = {.max_queue = 2 * sizeof(REQ)};
	struct rec rc = {0};
	struct mbl_sip_tp *cli = tp_new(&rc, &c);
	struct mbl_sip_tp_conn_info ci;
	struct sockaddr_in to;
	struct srv s;
	int id;

	(void)state;
	srv_up(&s, 0, 0);
	to = lo4(s.port);
	id = mbl_sip_tp_send(cli, MBL_SIP_TCP, (struct sockaddr *)&to, sizeof(to), NULL, 0, NULL, REQ,
			     strlen(REQ));
	assert_true(id > 0);
	assert_int_equal(mbl_sip_tp_send(cli, MBL_SIP_TCP, (struct sockaddr *)&to, sizeof(to), NULL,
					 0, NULL, REQ, strlen(REQ)),
			 id);
	assert_int_equal(mbl_sip_tp_send(cli, MBL_SIP_TCP, (struct sockaddr *)&to, sizeof(to), NULL,
					 0, NULL, REQ, strlen(REQ)),
			 -ENOBUFS);
	assert_int_equal(mbl_sip_tp_conn_info(cli, (uint32_t)id, &ci), 0);
	assert_false(ci.up);
	assert_int_equal(ci.queued, 2 * strlen(REQ));
	PUMP_UNTIL(cli, s.tp, s.r.n_msg == 2, 2000);
	assert_int_equal(s.r.n_msg, 2);
	mbl_sip_tp_free(cli);
	rec_clear(&rc);
	srv_down(&s);
}

/* 60 KB messages into a server that does not read until the kernel
 * buffers are full: send() takes part of a message (the rest waits in the
 * output queue for EPOLLOUT), and the framer reassembles every message
 * over many reads once the server polls. */
static void test_tcp_large_messages_partial_writes(void **state)
{
	size_t body = 60000, n;
	char *m = malloc(body + 128);
	struct mbl_sip_tp_conf c = {.max_queue = 4u << 20};
	struct rec rc = {0};
	struct mbl_sip_tp *cli = tp_new(&rc, &c);
	struct mbl_sip_tp_conn_info ci = {0};
	struct sockaddr_in to;
	struct srv s;
	int i, sent = 0, id = 0;

	(void)state;
	srv_up(&s, 0, 0);
	to = lo4(s.port);
	n = (size_t)sprintf(m, "MESSAGE sip:x SIP/2.0\r\nContent-Length: %zu\r\n\r\n", body);
	for (i = 0; i < (int)body; i++)
		m[n + (size_t)i] = (char)('a' + i % 26);
	n += body;
	m[n] = '\0';
	while (sent < REC_MAX - 4 && ci.queued == 0) {
		id = mbl_sip_tp_send(cli, MBL_SIP_TCP, (struct sockaddr *)&to, sizeof(to), NULL, 0,
				     NULL, m, n);
		assert_true(id > 0);
		sent++;
		assert_true(mbl_sip_tp_poll(cli, 0) >= 0); /* connect, flush */
		assert_int_equal(mbl_sip_tp_conn_info(cli, (uint32_t)id, &ci), 0);
		if (!ci.up)
			ci.queued = 0;
	}
	assert_true(ci.queued > 0 && ci.queued % n != 0); /* a message cut in two */
	for (i = 0; i < 3; i++, sent++)
		assert_int_equal(mbl_sip_tp_send(cli, MBL_SIP_TCP, (struct sockaddr *)&to, sizeof(to),
						 NULL, 0, NULL, m, n),
				 id);
	PUMP_UNTIL(cli, s.tp, s.r.n_msg == sent, 10000);
	assert_int_equal(s.r.n_msg, sent);
	for (i = 0; i < sent; i++) {
		assert_int_equal(s.r.len[i], n);
		assert_memory_equal(s.r.msg[i], m, n);
	}
	assert_int_equal(mbl_sip_tp_conn_info(cli, (uint32_t)id, &ci), 0);
	assert_int_equal(ci.queued, 0);
	free(m);
	mbl_sip_tp_free(cli);
	rec_clear(&rc);
	srv_down(&s);
}

static void test_bad_arguments(void **state)
{
	struct mbl_sip_tp_conf c = {0};
	struct sockaddr_in to = lo4(5060);
	struct rec r = {0};
	struct mbl_sip_tp *tp;
	char err[128] = "";

	(void)state;
	errno = 0;
	assert_null(mbl_sip_tp_create(&c, err, sizeof(err))); /* no on_msg */
	assert_int_equal(errno, EINVAL);
	tp = tp_new(&r, NULL);
	assert_int_equal(mbl_sip_tp_listen(tp, MBL_SIP_TCP, (struct sockaddr *)&to, 3, err,
					   sizeof(err)),
			 -EINVAL);
	assert_int_equal(mbl_sip_tp_listen(tp, MBL_SIP_TLS, (struct sockaddr *)&to, sizeof(to), err,
					   sizeof(err)),
			 -EINVAL); /* no certificate */
	assert_int_equal(mbl_sip_tp_send(tp, MBL_SIP_UDP, (struct sockaddr *)&to, sizeof(to), NULL, 0,
					 NULL, REQ, 0),
			 -EINVAL);
	assert_int_equal(mbl_sip_tp_send(tp, MBL_SIP_TCP, NULL, 0, NULL, 0, NULL, REQ, 3), -EINVAL);
	assert_int_equal(mbl_sip_tp_ping(tp, 12345), -ENOTCONN);
	assert_int_equal(mbl_sip_tp_local_addr(tp, 0, NULL, NULL), -EINVAL);
	assert_string_equal(mbl_sip_proto_name(MBL_SIP_TLS), "TLS");
	assert_null(mbl_sip_proto_name(MBL_SIP_PROTO_MAX));
	mbl_sip_tp_free(tp);
	mbl_sip_tp_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_udp_round_trip),
		cmocka_unit_test(test_udp_wildcard_and_unbound),
		cmocka_unit_test(test_udp_oversize_and_keepalive),
		cmocka_unit_test(test_tcp_one_byte_writes),
		cmocka_unit_test(test_tcp_three_in_one_write),
		cmocka_unit_test(test_tcp_bad_content_length),
		cmocka_unit_test(test_tcp_keepalive_pong),
		cmocka_unit_test(test_tcp_reuse_and_responses),
		cmocka_unit_test(test_tcp_peer_close_and_reset),
		cmocka_unit_test(test_tcp_idle_timeouts),
		cmocka_unit_test(test_tcp_activity_defers_idle),
		cmocka_unit_test(test_tcp_connect_refused),
		cmocka_unit_test(test_tcp_queue_bound),
		cmocka_unit_test(test_tcp_large_messages_partial_writes),
		cmocka_unit_test(test_bad_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
