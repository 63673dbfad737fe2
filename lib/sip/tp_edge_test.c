/* SPDX-License-Identifier: BSD-3-Clause
 * SIP transport edges: connect timeout (a listener whose accept queue is
 * full drops our SYNs), IPv6 on ::1, callbacks that close, send and poll
 * from inside the transport, ids that outlive their connection, RFC 5626
 * pings in both directions, from_local on TCP, and ports in use.
 */
#include <errno.h>
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
			  "Via: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKedge\r\n"
			  "Content-Length: 0\r\n\r\n";

static void test_connect_timeout(void **state)
{
	struct mbl_sip_tp_conf c = {.connect_ms = 200};
	struct sockaddr_in a = lo4(0);
	struct rec r = {0};
	struct mbl_sip_tp *tp = tp_new(&r, &c);
	int lfd = socket(AF_INET, SOCK_STREAM, 0), fill[3], i, id;
	uint64_t t0;

	(void)state;
	assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(lfd, 0), 0); /* never accepted: the queue fills */
	a = lo4(fd_local_port(lfd));
	for (i = 0; i < 3; i++) {
		fill[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		connect(fill[i], (struct sockaddr *)&a, sizeof(a));
	}
	PUMP_FOR(tp, NULL, 50);
	t0 = now_ms();
	id = mbl_sip_tp_send(tp, MBL_SIP_TCP, (struct sockaddr *)&a, sizeof(a), NULL, 0, NULL, REQ,
			     strlen(REQ));
	assert_true(id > 0);
	PUMP_UNTIL(tp, NULL, r.n_err == 1, 3000);
	assert_int_equal(r.n_err, 1);
	assert_int_equal(r.why[0], MBL_SIP_TP_ERR_connect_timeout);
	assert_int_equal(r.err_conn[0], (uint32_t)id);
	assert_true(now_ms() - t0 >= 190);
	assert_true(now_ms() - t0 < 1000);
	for (i = 0; i < 3; i++)
		close(fill[i]);
	close(lfd);
	mbl_sip_tp_free(tp);
	rec_clear(&r);
}

static bool lo6(uint16_t port, struct sockaddr_in6 *a)
{
	int fd = socket(AF_INET6, SOCK_DGRAM, 0);
	bool ok;

	memset(a, 0, sizeof(*a));
	a->sin6_family = AF_INET6;
	a->sin6_addr = in6addr_loopback;
	ok = fd >= 0 && bind(fd, (struct sockaddr *)a, sizeof(*a)) == 0;
	if (fd >= 0)
		close(fd);
	a->sin6_port = htons(port);
	return ok;
}

static void test_ipv6_udp_and_tcp(void **state)
{
	static const enum mbl_sip_proto protos[] = {MBL_SIP_UDP, MBL_SIP_TCP};
	struct rec ra = {0}, rb = {0};
	struct mbl_sip_tp *a, *b;
	struct sockaddr_storage ss;
	struct sockaddr_in6 la;
	char err[128];
	socklen_t sl;
	size_t i;
	int li;

	(void)state;
	if (!lo6(0, &la))
		skip(); /* no ::1 here */
	a = tp_new(&ra, NULL);
	b = tp_new(&rb, NULL);
	rb.echo = b;
	for (i = 0; i < 2; i++) {
		struct sockaddr_in6 to;

		li = mbl_sip_tp_listen(b, protos[i], (struct sockaddr *)&la, sizeof(la), err,
				       sizeof(err));
		assert_true(li >= 0);
		assert_int_equal(mbl_sip_tp_local_addr(b, li, &ss, &sl), 0);
		assert_int_equal(sl, sizeof(struct sockaddr_in6));
		lo6(ntohs(((struct sockaddr_in6 *)&ss)->sin6_port), &to);
		assert_true(mbl_sip_tp_send(a, protos[i], (struct sockaddr *)&to, sizeof(to), NULL, 0,
					    NULL, REQ, strlen(REQ)) >= 0);
		PUMP_UNTIL(a, b, ra.n_msg == (int)i + 1, 2000);
		assert_int_equal(ra.n_msg, i + 1);
		assert_int_equal(rb.src[i].peer.ss_family, AF_INET6);
		assert_int_equal(ra.src[i].proto, protos[i]);
		assert_memory_equal(&((struct sockaddr_in6 *)&ra.src[i].peer)->sin6_addr,
				    &in6addr_loopback, 16);
	}
	mbl_sip_tp_free(a);
	mbl_sip_tp_free(b);
	rec_clear(&ra);
	rec_clear(&rb);
}

/* ---- callbacks that call back in --------------------------------------------------------- */

struct reenter {
	struct rec r;
	struct mbl_sip_tp *tp;
	struct sockaddr_in peer;
	int poll_rc, resend_id;
};

/* Close the connection on its first message; the rest must not arrive. */
static void close_on_msg(void *arg, const struct mbl_sip_tp_src *src, const char *buf,
			 size_t len)
{
	struct reenter *x = arg;

	rec_msg(&x->r, src, buf, len);
	x->poll_rc = mbl_sip_tp_poll(x->tp, 0);
	assert_int_equal(mbl_sip_tp_close(x->tp, src->conn_id), 0);
}

/* On a failed connection, send again: a new connection opens. */
static void resend_on_err(void *arg, uint32_t id, const struct sockaddr *peer,
			  enum mbl_sip_tp_err why)
{
	struct reenter *x = arg;

	rec_err(&x->r, id, peer, why);
	if (x->r.n_err == 1)
		x->resend_id = mbl_sip_tp_send(x->tp, MBL_SIP_TCP, peer, sizeof(struct sockaddr_in),
					       NULL, 0, NULL, REQ, strlen(REQ));
}

static void test_callbacks_reenter(void **state)
{
	struct reenter srv = {0}, cli = {0};
	struct mbl_sip_tp_conf c = {.on_msg = close_on_msg, .on_conn_error = rec_err};
	char err[128], three[512];
	int fd, id;

	(void)state;
	c.arg = &srv;
	srv.tp = mbl_sip_tp_create(&c, err, sizeof(err));
	assert_non_null(srv.tp);
	srv.peer = lo4(tp_listen_lo(srv.tp, MBL_SIP_TCP, NULL));
	fd = raw_connect(ntohs(srv.peer.sin_port));
	snprintf(three, sizeof(three), "%s%s%s", REQ, REQ, REQ);
	assert_int_equal(write(fd, three, strlen(three)), (ssize_t)strlen(three));
	PUMP_UNTIL(srv.tp, NULL, srv.r.n_msg == 1, 2000);
	PUMP_FOR(srv.tp, NULL, 30);
	assert_int_equal(srv.r.n_msg, 1);
	assert_int_equal(srv.poll_rc, -EBUSY);
	assert_int_equal(srv.r.n_err, 0);
	close(fd);
	/* The client's first connection is closed by the server (which closes
	 * every connection on its first message); its error callback sends
	 * again, which must open a second connection with a new id. */
	c.on_msg = rec_msg;
	c.on_conn_error = resend_on_err;
	c.arg = &cli;
	cli.tp = mbl_sip_tp_create(&c, err, sizeof(err));
	id = mbl_sip_tp_send(cli.tp, MBL_SIP_TCP, (struct sockaddr *)&srv.peer, sizeof(srv.peer),
			     NULL, 0, NULL, REQ, strlen(REQ));
	PUMP_UNTIL(cli.tp, srv.tp, srv.r.n_msg == 3 && cli.r.n_err == 2, 3000);
	assert_int_equal(cli.r.why[0], MBL_SIP_TP_ERR_closed);
	assert_int_equal(cli.r.err_conn[0], (uint32_t)id);
	assert_true(cli.resend_id > 0 && cli.resend_id != id);
	assert_int_equal(cli.r.err_conn[1], (uint32_t)cli.resend_id);
	/* The old id is dead for good, although its slot is taken again. */
	assert_int_equal(mbl_sip_tp_ping(cli.tp, (uint32_t)id), -ENOTCONN);
	mbl_sip_tp_free(cli.tp);
	mbl_sip_tp_free(srv.tp);
	rec_clear(&cli.r);
	rec_clear(&srv.r);
}

/* ---- keepalives between two transports ------------------------------------------------------ */

static void test_ping_pong(void **state)
{
	struct rec ra = {0}, rb = {0};
	struct mbl_sip_tp *a = tp_new(&ra, NULL), *b = tp_new(&rb, NULL);
	struct sockaddr_in to = lo4(tp_listen_lo(b, MBL_SIP_TCP, NULL));
	struct mbl_sip_tp_stats sa, sb;
	int id;

	(void)state;
	id = mbl_sip_tp_send(a, MBL_SIP_TCP, (struct sockaddr *)&to, sizeof(to), NULL, 0, NULL, REQ,
			     strlen(REQ));
	PUMP_UNTIL(a, b, rb.n_msg == 1, 2000);
	assert_int_equal(mbl_sip_tp_ping(a, (uint32_t)id), 0);
	PUMP_UNTIL(a, b, false, 100);
	mbl_sip_tp_stats(a, &sa);
	mbl_sip_tp_stats(b, &sb);
	assert_int_equal(sa.pings_out, 1);
	assert_int_equal(sb.pings_in, 1);
	assert_int_equal(sb.pongs_out, 1);
	/* The flow's client does not answer pings (RFC 5626 4.4.1). */
	assert_int_equal(mbl_sip_tp_ping(b, rb.src[0].conn_id), 0);
	PUMP_UNTIL(a, b, false, 100);
	mbl_sip_tp_stats(a, &sa);
	mbl_sip_tp_stats(b, &sb);
	assert_int_equal(sa.pings_in, 1);
	assert_int_equal(sa.pongs_out, 0);
	assert_int_equal(ra.n_msg + ra.n_err + rb.n_err, 0); /* the pong was skipped */
	assert_int_equal(rb.n_msg, 1);
	mbl_sip_tp_free(a);
	mbl_sip_tp_free(b);
	rec_clear(&ra);
	rec_clear(&rb);
}

/* from_local on TCP: the connection binds to it, and later sends that
 * name the same local IP (or none) reuse the connection. */
static void test_tcp_from_local(void **state)
{
	struct rec ra = {0}, rb = {0};
	struct mbl_sip_tp *a = tp_new(&ra, NULL), *b = tp_new(&rb, NULL);
	struct sockaddr_in to = lo4(tp_listen_lo(b, MBL_SIP_TCP, NULL)), from = lo4(0);
	struct mbl_sip_tp_conn_info ci;
	struct mbl_sip_tp_stats st;
	int id;

	(void)state;
	id = mbl_sip_tp_send(a, MBL_SIP_TCP, (struct sockaddr *)&to, sizeof(to),
			     (struct sockaddr *)&from, 0, NULL, REQ, strlen(REQ));
	assert_true(id > 0);
	assert_int_equal(mbl_sip_tp_send(a, MBL_SIP_TCP, (struct sockaddr *)&to, sizeof(to),
					 (struct sockaddr *)&from, 0, NULL, REQ, strlen(REQ)),
			 id);
	PUMP_UNTIL(a, b, rb.n_msg == 2, 2000);
	assert_int_equal(mbl_sip_tp_send(a, MBL_SIP_TCP, (struct sockaddr *)&to, sizeof(to), NULL, 0,
					 NULL, REQ, strlen(REQ)),
			 id);
	assert_int_equal(mbl_sip_tp_conn_info(a, (uint32_t)id, &ci), 0);
	assert_true(sa_is_lo4(&ci.local, 0));
	assert_int_equal(sa_port(&ci.local), sa_port(&rb.src[0].peer));
	PUMP_UNTIL(a, b, rb.n_msg == 3, 2000);
	mbl_sip_tp_stats(b, &st);
	assert_int_equal(st.conns_accepted, 1);
	mbl_sip_tp_free(a);
	mbl_sip_tp_free(b);
	rec_clear(&ra);
	rec_clear(&rb);
}

/* A port in use is refused with its errno and a message that names it;
 * UDP too (no SO_REUSEADDR there: two sockets would split one port). */
static void test_listen_in_use(void **state)
{
	static const enum mbl_sip_proto protos[] = {MBL_SIP_UDP, MBL_SIP_TCP};
	struct rec r = {0};
	struct mbl_sip_tp *a = tp_new(&r, NULL), *b = tp_new(&r, NULL);
	char err[128], want[64];
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		struct sockaddr_in at = lo4(tp_listen_lo(a, protos[i], NULL));

		assert_int_equal(mbl_sip_tp_listen(b, protos[i], (struct sockaddr *)&at, sizeof(at),
						   err, sizeof(err)),
				 -EADDRINUSE);
		snprintf(want, sizeof(want), "127.0.0.1:%u", ntohs(at.sin_port));
		assert_non_null(strstr(err, want));
	}
	mbl_sip_tp_free(a);
	mbl_sip_tp_free(b);
}

/* conf.udp_batch: datagrams wait for the end of the poll turn (or a flush)
 * and then all leave, in order, with sendmmsg; a datagram larger than a
 * queue slot goes at once. */
static void test_udp_batch(void **state)
{
	struct mbl_sip_tp_conf bc = {.udp_batch = true};
	struct rec ra = {0}, rb = {0};
	struct mbl_sip_tp *a = tp_new(&ra, &bc), *b = tp_new(&rb, NULL);
	uint16_t pb = tp_listen_lo(b, MBL_SIP_UDP, NULL);
	struct sockaddr_in to = lo4(pb);
	struct mbl_sip_tp_stats st;
	char msg[64], *big = malloc(5001);
	uint64_t end;

	(void)state;
	(void)tp_listen_lo(a, MBL_SIP_UDP, NULL);
	for (int i = 0; i < 100; i++) {
		snprintf(msg, sizeof(msg), "MSG %03d\r\n\r\n", i);
		assert_int_equal(mbl_sip_tp_send(a, MBL_SIP_UDP, (struct sockaddr *)&to, sizeof(to),
						 NULL, 0, NULL, msg, strlen(msg)), 0);
	}
	/* 64 went when the queue filled; the other 36 wait for a flush */
	for (end = now_ms() + 100; now_ms() < end;)
		mbl_sip_tp_poll(b, 10);
	assert_int_equal(rb.n_msg, 64);
	mbl_sip_tp_flush(a);
	mbl_sip_tp_stats(a, &st);
	assert_int_equal(st.dgrams_out, 100);
	for (end = now_ms() + 2000; rb.n_msg < 100 && now_ms() < end;)
		mbl_sip_tp_poll(b, 10);
	assert_int_equal(rb.n_msg, 100);
	for (int i = 0; i < 100; i++) { /* in order */
		snprintf(msg, sizeof(msg), "MSG %03d\r\n\r\n", i);
		assert_string_equal(rb.msg[i], msg);
	}
	/* larger than a slot: sent at once, no flush needed */
	memset(big, 'x', 5000);
	big[5000] = '\0';
	memcpy(big, "BIG ", 4);
	assert_int_equal(mbl_sip_tp_send(a, MBL_SIP_UDP, (struct sockaddr *)&to, sizeof(to), NULL,
					 0, NULL, big, 5000), 0);
	for (end = now_ms() + 2000; rb.n_msg < 101 && now_ms() < end;)
		mbl_sip_tp_poll(b, 10);
	assert_int_equal(rb.n_msg, 101);
	assert_int_equal(rb.len[100], 5000);
	/* the end of a's own poll turn flushes too */
	assert_int_equal(mbl_sip_tp_send(a, MBL_SIP_UDP, (struct sockaddr *)&to, sizeof(to), NULL,
					 0, NULL, "LAST\r\n\r\n", 8), 0);
	mbl_sip_tp_poll(a, 0);
	for (end = now_ms() + 2000; rb.n_msg < 102 && now_ms() < end;)
		mbl_sip_tp_poll(b, 10);
	assert_int_equal(rb.n_msg, 102);
	free(big);
	mbl_sip_tp_free(a);
	mbl_sip_tp_free(b);
	rec_clear(&ra);
	rec_clear(&rb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_connect_timeout),
		cmocka_unit_test(test_ipv6_udp_and_tcp),
		cmocka_unit_test(test_callbacks_reenter),
		cmocka_unit_test(test_ping_pong),
		cmocka_unit_test(test_tcp_from_local),
		cmocka_unit_test(test_listen_in_use),
		cmocka_unit_test(test_udp_batch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
