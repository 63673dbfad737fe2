/* SPDX-License-Identifier: BSD-3-Clause
 * SIP over WebSocket against raw peers built with lib/ws that break the
 * rules on purpose: refused upgrades (400, 426), an unmasked client frame
 * (1002), a fragmented message with a Ping inside, an RFC 5626 keepalive
 * message, a message above max_msg (1009), a handshake that never comes
 * (idle_ms), a server answer with a wrong Sec-WebSocket-Accept and a
 * masked server frame; our request and our masking seen from the wire.
 * 127.0.0.1 only; every wait has a deadline a loaded machine never
 * reaches.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "mbl_ws.h"
#include "tp_test_util.h"

#define WAIT_MS 5000

static const char REQ[] = "OPTIONS sip:b@127.0.0.1 SIP/2.0\r\n"
			  "Via: SIP/2.0/WS abcdef.invalid;branch=z9hG4bKws1\r\n"
			  "Content-Length: 5\r\n\r\nhello";

/* ---- raw peers ------------------------------------------------------------------------ */

struct raw {
	int fd;
	uint8_t buf[16384];
	size_t len;
	bool eof;
};

/* Take whatever the socket has, without waiting. Returns true (for use in
 * PUMP_UNTIL conditions). */
static bool raw_poll(struct raw *r)
{
	for (;;) {
		ssize_t n = recv(r->fd, r->buf + r->len, sizeof(r->buf) - r->len, MSG_DONTWAIT);

		if (n > 0) {
			r->len += (size_t)n;
			continue;
		}
		if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
			r->eof = true;
		return true;
	}
}

static void raw_consume(struct raw *r, size_t n)
{
	memmove(r->buf, r->buf + n, r->len - n);
	r->len -= n;
}

static void raw_write(int fd, const void *p, size_t n)
{
	assert_int_equal(send(fd, p, n, MSG_NOSIGNAL), (ssize_t)n);
}

static const uint8_t MASK[4] = {0x37, 0xfa, 0x21, 0x3d}; /* RFC 6455 5.7 */

/* A masked client frame. */
static void raw_frame(int fd, enum mbl_ws_opcode op, bool fin, const void *p, size_t n,
		      bool masked)
{
	uint8_t out[4096];
	ssize_t len = mbl_ws_frame_encode(out, sizeof(out), op, fin, p, n, masked ? MASK : NULL);

	assert_true(len > 0);
	raw_write(fd, out, (size_t)len);
}

/* Connect to a WS listener of tp and finish the opening handshake. */
static void raw_ws_open(struct mbl_sip_tp *tp, struct raw *r, uint16_t port)
{
	static const uint8_t nonce[MBL_WS_KEY_RAW] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
	struct mbl_ws_hs_client hc;
	char req[1024];
	ssize_t n;

	memset(r, 0, sizeof(*r));
	r->fd = raw_connect(port);
	n = mbl_ws_hs_client_request(&hc, "127.0.0.1", "/", NULL, nonce, req, sizeof(req));
	assert_true(n > 0);
	raw_write(r->fd, req, (size_t)n);
	PUMP_UNTIL(tp, NULL, raw_poll(r) && (r->eof || mbl_ws_hs_client_response(
			     &hc, (char *)r->buf, r->len) != 0), WAIT_MS);
	n = mbl_ws_hs_client_response(&hc, (char *)r->buf, r->len);
	assert_true(n > 0);
	raw_consume(r, (size_t)n);
}

/* The next whole frame from the server, decoded (client role: unmasked). */
static int raw_next_ev(struct mbl_sip_tp *tp, struct raw *r, struct mbl_ws_dec *d,
		       struct mbl_ws_ev *ev)
{
	uint64_t dl = now_ms() + WAIT_MS;
	int rc = MBL_WS_EV_NONE;

	while (rc == MBL_WS_EV_NONE && now_ms() < dl) {
		size_t used = 0;

		if (r->len == 0) {
			assert_true(mbl_sip_tp_poll(tp, 2) >= 0);
			raw_poll(r);
			if (r->len == 0 && r->eof)
				break;
			continue;
		}
		rc = mbl_ws_dec_next(d, r->buf, r->len, &used, ev);
		raw_consume(r, used);
	}
	return rc;
}

/* Pump until the peer closed the socket. */
static void raw_wait_eof(struct mbl_sip_tp *tp, struct raw *r)
{
	PUMP_UNTIL(tp, NULL, raw_poll(r) && r->eof, WAIT_MS);
	assert_true(r->eof);
}

/* ---- the server's checks, against a raw client -------------------------------------------- */

static void refused(const char *req, const char *status, enum mbl_ws_hs_err why)
{
	struct rec rb = {0};
	struct mbl_sip_tp *b = tp_new(&rb, NULL);
	struct raw r = {0};
	struct mbl_sip_tp_stats st;

	r.fd = raw_connect(tp_listen_lo(b, MBL_SIP_WS, NULL));
	raw_write(r.fd, req, strlen(req));
	raw_wait_eof(b, &r);
	assert_true(r.len > strlen(status));
	assert_memory_equal(r.buf, status, strlen(status));
	mbl_sip_tp_stats(b, &st);
	assert_int_equal(st.ws.hs_refused[why], 1);
	assert_int_equal(st.ws.handshakes, 0);
	assert_int_equal(st.err[MBL_SIP_TP_ERR_ws_handshake], 1);
	assert_int_equal(rb.n_err, 1);
	assert_int_equal(rb.why[0], MBL_SIP_TP_ERR_ws_handshake);
	assert_int_equal(rb.n_msg, 0);
	close(r.fd);
	mbl_sip_tp_free(b);
	rec_clear(&rb);
}

static void test_ws_bad_upgrade(void **state)
{
	(void)state;
	/* RFC 7118 4.1: no "sip" subprotocol, no connection */
	refused("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
		"Sec-WebSocket-Protocol: chat\r\n\r\n",
		"HTTP/1.1 400", MBL_WS_HS_ERR_no_sip);
	/* RFC 6455 4.4: a version we do not speak earns 426 with ours */
	refused("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n"
		"Sec-WebSocket-Protocol: sip\r\n\r\n",
		"HTTP/1.1 426", MBL_WS_HS_ERR_version);
	/* a SIP request on the WebSocket port */
	refused("OPTIONS sip:b@127.0.0.1 SIP/2.0\r\nContent-Length: 0\r\n\r\n", "HTTP/1.1 400",
		MBL_WS_HS_ERR_http_version);
}

/* RFC 6455 5.1: a client frame without a mask fails the connection with
 * 1002; nothing reaches on_msg. */
static void test_ws_unmasked_client_frame(void **state)
{
	struct rec rb = {0};
	struct mbl_sip_tp *b = tp_new(&rb, NULL);
	struct mbl_sip_tp_stats st;
	struct mbl_ws_dec d;
	struct mbl_ws_ev ev;
	uint8_t dbuf[256];
	struct raw r;

	(void)state;
	raw_ws_open(b, &r, tp_listen_lo(b, MBL_SIP_WS, NULL));
	raw_frame(r.fd, MBL_WS_OP_TEXT, true, REQ, strlen(REQ), false);
	assert_int_equal(mbl_ws_dec_init(&d, MBL_WS_CLIENT, dbuf, sizeof(dbuf) - 1), 0);
	assert_int_equal(raw_next_ev(b, &r, &d, &ev), MBL_WS_EV_CLOSE);
	assert_int_equal(ev.code, MBL_WS_CLOSE_PROTOCOL);
	raw_wait_eof(b, &r);
	mbl_sip_tp_stats(b, &st);
	assert_int_equal(st.ws.errors[MBL_WS_ERR_unmasked], 1);
	assert_int_equal(st.ws.closes_out[mbl_sip_tp_ws_close_slot(1002)], 1);
	assert_int_equal(st.err[MBL_SIP_TP_ERR_ws_protocol], 1);
	assert_int_equal(rb.n_msg, 0);
	assert_int_equal(rb.n_err, 1);
	assert_int_equal(rb.why[0], MBL_SIP_TP_ERR_ws_protocol);
	close(r.fd);
	mbl_sip_tp_free(b);
	rec_clear(&rb);
}

/* One message in three fragments with a Ping between them (RFC 6455 5.4,
 * 5.5: the Pong comes at once, the message once whole); an RFC 5626 ping
 * as a message of its own gets CRLF back; then a message above max_msg,
 * announced by its fragments, fails with 1009. */
static void test_ws_fragments_ping_too_big(void **state)
{
	struct mbl_sip_tp_conf c = {.max_msg = 1000};
	struct rec rb = {0};
	struct mbl_sip_tp *b = tp_new(&rb, &c);
	size_t n = strlen(REQ), k = n / 3;
	struct mbl_sip_tp_stats st;
	struct mbl_ws_dec d;
	struct mbl_ws_ev ev;
	uint8_t dbuf[256], big[700];
	struct raw r;

	(void)state;
	raw_ws_open(b, &r, tp_listen_lo(b, MBL_SIP_WS, NULL));
	assert_int_equal(mbl_ws_dec_init(&d, MBL_WS_CLIENT, dbuf, sizeof(dbuf) - 1), 0);
	raw_frame(r.fd, MBL_WS_OP_TEXT, false, REQ, k, true);
	raw_frame(r.fd, MBL_WS_OP_PING, true, "are you there", 13, true);
	raw_frame(r.fd, MBL_WS_OP_CONT, false, REQ + k, k, true);
	raw_frame(r.fd, MBL_WS_OP_CONT, true, REQ + 2 * k, n - 2 * k, true);
	assert_int_equal(raw_next_ev(b, &r, &d, &ev), MBL_WS_EV_PONG);
	assert_int_equal(ev.len, 13);
	assert_memory_equal(ev.data, "are you there", 13);
	PUMP_UNTIL(b, NULL, rb.n_msg == 1, WAIT_MS);
	assert_int_equal(rb.n_msg, 1);
	assert_string_equal(rb.msg[0], REQ);
	raw_frame(r.fd, MBL_WS_OP_TEXT, true, "\r\n\r\n", 4, true);
	assert_int_equal(raw_next_ev(b, &r, &d, &ev), MBL_WS_EV_MSG);
	assert_int_equal(ev.len, 2);
	assert_memory_equal(ev.data, "\r\n", 2);
	memset(big, 'x', sizeof(big));
	raw_frame(r.fd, MBL_WS_OP_TEXT, false, big, sizeof(big), true);
	raw_frame(r.fd, MBL_WS_OP_CONT, true, big, sizeof(big), true);
	assert_int_equal(raw_next_ev(b, &r, &d, &ev), MBL_WS_EV_CLOSE);
	assert_int_equal(ev.code, MBL_WS_CLOSE_TOO_BIG);
	raw_wait_eof(b, &r);
	mbl_sip_tp_stats(b, &st);
	assert_int_equal(st.ws.pings_in, 1);
	assert_int_equal(st.ws.pongs_out, 1);
	assert_int_equal(st.pings_in, 1);
	assert_int_equal(st.pongs_out, 1);
	assert_int_equal(st.msgs_in, 1);
	assert_int_equal(st.ws.frames_in, 6); /* the last one failed at its header */
	assert_int_equal(st.ws.errors[MBL_WS_ERR_too_big], 1);
	assert_int_equal(st.err[MBL_SIP_TP_ERR_ws_too_big], 1);
	assert_int_equal(rb.n_msg, 1);
	close(r.fd);
	mbl_sip_tp_free(b);
	rec_clear(&rb);
}

/* A peer that connects and never sends its handshake: the handshake
 * counts against idle_ms like a TLS one. */
static void test_ws_handshake_idle(void **state)
{
	struct mbl_sip_tp_conf c = {.idle_ms = 200};
	struct rec rb = {0};
	struct mbl_sip_tp *b = tp_new(&rb, &c);
	struct raw r = {0};

	(void)state;
	r.fd = raw_connect(tp_listen_lo(b, MBL_SIP_WS, NULL));
	raw_wait_eof(b, &r);
	assert_int_equal(rb.n_err, 1);
	assert_int_equal(rb.why[0], MBL_SIP_TP_ERR_idle_timeout);
	close(r.fd);
	mbl_sip_tp_free(b);
	rec_clear(&rb);
}

/* ---- the client's checks, against a raw server --------------------------------------------- */

struct raw_srv {
	int lfd;
	struct raw r;
	struct mbl_ws_hs_req req;
	size_t req_len;
};

/* Let tp connect to a raw listener and read its whole opening handshake. */
static void raw_srv_accept(struct mbl_sip_tp *tp, struct raw_srv *s)
{
	uint64_t dl = now_ms() + WAIT_MS;
	ssize_t n = 0;

	memset(&s->r, 0, sizeof(s->r));
	s->r.fd = -1;
	while (s->r.fd < 0 && now_ms() < dl) {
		assert_true(mbl_sip_tp_poll(tp, 2) >= 0);
		s->r.fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK);
	}
	assert_true(s->r.fd >= 0);
	mbl_ws_hs_req_init(&s->req);
	PUMP_UNTIL(tp, NULL, raw_poll(&s->r) && (s->r.eof || (n = mbl_ws_hs_server_parse(
			     &s->req, (char *)s->r.buf, s->r.len)) != 0), WAIT_MS);
	assert_true(n > 0);
	s->req_len = (size_t)n;
}

static uint16_t raw_srv_listen(struct raw_srv *s)
{
	struct sockaddr_in a = lo4(0);

	s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_true(s->lfd >= 0);
	assert_int_equal(bind(s->lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(s->lfd, 4), 0);
	return fd_local_port(s->lfd);
}

static bool has_line(const struct raw_srv *s, const char *line)
{
	return memmem(s->r.buf, s->req_len, line, strlen(line)) != NULL;
}

/* RFC 6455 4.1: the client checks Sec-WebSocket-Accept; a wrong one fails
 * the connection, and the message queued behind the handshake never
 * leaves. Our request carries the path, Host with the port, the
 * subprotocol and the Origin. */
static void test_ws_client_bad_accept(void **state)
{
	static const char bad[] = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
				  "Connection: Upgrade\r\n"
				  "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
				  "Sec-WebSocket-Protocol: sip\r\n\r\n";
	struct mbl_sip_tp_conf c = {.ws_path = "/sip-ws", .ws_origin = "https://app.test"};
	struct rec ra = {0};
	struct mbl_sip_tp *a = tp_new(&ra, &c);
	struct raw_srv s;
	struct sockaddr_in to = lo4(raw_srv_listen(&s));
	struct mbl_sip_tp_stats st;
	char host[64];

	(void)state;
	assert_true(mbl_sip_tp_send(a, MBL_SIP_WS, (struct sockaddr *)&to, sizeof(to), NULL, 0,
				    NULL, REQ, strlen(REQ)) > 0);
	raw_srv_accept(a, &s);
	snprintf(host, sizeof(host), "\r\nHost: 127.0.0.1:%u\r\n", ntohs(to.sin_port));
	assert_true(has_line(&s, "GET /sip-ws HTTP/1.1\r\n"));
	assert_true(has_line(&s, host));
	assert_true(has_line(&s, "\r\nSec-WebSocket-Protocol: sip\r\n"));
	assert_true(has_line(&s, "\r\nOrigin: https://app.test\r\n"));
	raw_write(s.r.fd, bad, strlen(bad));
	PUMP_UNTIL(a, NULL, ra.n_err == 1, WAIT_MS);
	assert_int_equal(ra.n_err, 1);
	assert_int_equal(ra.why[0], MBL_SIP_TP_ERR_ws_handshake);
	raw_wait_eof(a, &s.r);
	assert_int_equal(s.r.len, s.req_len); /* the request, nothing after it */
	mbl_sip_tp_stats(a, &st);
	assert_int_equal(st.ws.hs_refused[MBL_WS_HS_ERR_accept], 1);
	assert_int_equal(st.ws.handshakes, 0);
	close(s.r.fd);
	close(s.lfd);
	mbl_sip_tp_free(a);
	rec_clear(&ra);
}

/* The client's frames are masked (RFC 6455 5.3) and a masked frame from
 * the server fails the connection with 1002 (5.1). */
static void test_ws_client_masks_and_refuses_masked(void **state)
{
	struct rec ra = {0};
	struct mbl_sip_tp *a = tp_new(&ra, NULL);
	struct raw_srv s;
	struct sockaddr_in to = lo4(raw_srv_listen(&s));
	struct mbl_sip_tp_stats st;
	struct mbl_ws_dec d;
	struct mbl_ws_ev ev;
	uint8_t dbuf[1024];
	char ok[512];
	size_t used;
	ssize_t n;

	(void)state;
	assert_true(mbl_sip_tp_send(a, MBL_SIP_WS, (struct sockaddr *)&to, sizeof(to), NULL, 0,
				    NULL, REQ, strlen(REQ)) > 0);
	raw_srv_accept(a, &s);
	raw_consume(&s.r, s.req_len);
	n = mbl_ws_hs_server_accept(&s.req, ok, sizeof(ok));
	assert_true(n > 0);
	raw_write(s.r.fd, ok, (size_t)n);
	/* the queued message follows the 101 as one masked text frame */
	PUMP_UNTIL(a, NULL, raw_poll(&s.r) && s.r.len >= 2 + 4 + strlen(REQ), WAIT_MS);
	assert_int_equal(s.r.buf[0], 0x81);
	assert_true(s.r.buf[1] & 0x80);
	assert_int_equal(mbl_ws_dec_init(&d, MBL_WS_SERVER, dbuf, sizeof(dbuf) - 1), 0);
	assert_int_equal(mbl_ws_dec_next(&d, s.r.buf, s.r.len, &used, &ev), MBL_WS_EV_MSG);
	assert_int_equal(ev.len, strlen(REQ));
	assert_memory_equal(ev.data, REQ, strlen(REQ));
	raw_consume(&s.r, used);
	raw_frame(s.r.fd, MBL_WS_OP_TEXT, true, REQ, strlen(REQ), true);
	PUMP_UNTIL(a, NULL, ra.n_err == 1, WAIT_MS);
	assert_int_equal(ra.n_err, 1);
	assert_int_equal(ra.why[0], MBL_SIP_TP_ERR_ws_protocol);
	assert_int_equal(ra.n_msg, 0);
	mbl_sip_tp_stats(a, &st);
	assert_int_equal(st.ws.handshakes, 1);
	assert_int_equal(st.ws.errors[MBL_WS_ERR_masked], 1);
	assert_int_equal(st.ws.closes_out[mbl_sip_tp_ws_close_slot(1002)], 1);
	close(s.r.fd);
	close(s.lfd);
	mbl_sip_tp_free(a);
	rec_clear(&ra);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ws_bad_upgrade),
		cmocka_unit_test(test_ws_unmasked_client_frame),
		cmocka_unit_test(test_ws_fragments_ping_too_big),
		cmocka_unit_test(test_ws_handshake_idle),
		cmocka_unit_test(test_ws_client_bad_accept),
		cmocka_unit_test(test_ws_client_masks_and_refuses_masked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
