/* SPDX-License-Identifier: BSD-3-Clause
 * The WebSocket opening handshake at the seam (no sockets): RFC 6455 1.3's
 * key and accept, the RFC 6455 1.2 request (with "sip" as its subprotocol)
 * parsed whole and byte by byte, header spellings that must pass, every
 * refusal with its reason and HTTP status, the error responses, and the
 * client's checks of the server's answer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mbl_common.h"
#include "mbl_ws.h"

#define RFC_KEY "dGhlIHNhbXBsZSBub25jZQ=="       /* RFC 6455 1.3 */
#define RFC_ACCEPT "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" /* its accept value */

/* The RFC 6455 1.2 request, one header per entry, "sip" instead of chat. */
static const char *const base_req[] = {
	"Host: server.example.com",
	"Upgrade: websocket",
	"Connection: Upgrade",
	"Sec-WebSocket-Key: " RFC_KEY,
	"Origin: http://example.com",
	"Sec-WebSocket-Protocol: sip",
	"Sec-WebSocket-Version: 13",
};

/* start line, then base_req minus lines starting with drop (NULL: none),
 * then add (CRLF-separated lines, NULL: none), then the empty line. */
static size_t build(char *out, size_t cap, const char *start, const char *drop, const char *add)
{
	size_t i, n = (size_t)snprintf(out, cap, "%s\r\n", start);

	for (i = 0; i < MBL_ARRAY_SIZE(base_req); i++)
		if (drop == NULL || strncmp(base_req[i], drop, strlen(drop)) != 0)
			n += (size_t)snprintf(out + n, cap - n, "%s\r\n", base_req[i]);
	if (add)
		n += (size_t)snprintf(out + n, cap - n, "%s\r\n", add);
	n += (size_t)snprintf(out + n, cap - n, "\r\n");
	assert_true(n < cap);
	return n;
}

#define GET "GET /chat HTTP/1.1"

static void test_accept_rfc(void **state)
{
	char out[MBL_WS_ACCEPT_LEN + 1];

	(void)state;
	assert_int_equal(mbl_ws_accept(RFC_KEY, strlen(RFC_KEY), out), 0);
	assert_string_equal(out, RFC_ACCEPT);
	assert_int_equal(mbl_ws_accept(RFC_KEY, 0, out), -EINVAL);
	assert_int_equal(mbl_ws_accept(RFC_KEY, 65, out), -EINVAL);
}

static void test_server_rfc_request(void **state)
{
	static const char want[] = "HTTP/1.1 101 Switching Protocols\r\n"
				   "Upgrade: websocket\r\n"
				   "Connection: Upgrade\r\n"
				   "Sec-WebSocket-Accept: " RFC_ACCEPT "\r\n"
				   "Sec-WebSocket-Protocol: sip\r\n"
				   "\r\n";
	struct mbl_ws_hs_req r;
	char buf[1024], out[256];
	size_t n;

	(void)state;
	n = build(buf, sizeof(buf), GET, NULL, NULL);
	memcpy(buf + n, "\x81\x85", 2); /* a frame already behind the request */
	mbl_ws_hs_req_init(&r);
	assert_int_equal(mbl_ws_hs_server_parse(&r, buf, n + 2), (ssize_t)n);
	assert_string_equal(r.accept, RFC_ACCEPT);
	assert_int_equal(r.target_len, 5);
	assert_memory_equal(r.target, "/chat", 5);
	assert_int_equal(r.host_len, strlen("server.example.com"));
	assert_memory_equal(r.host, "server.example.com", r.host_len);
	assert_int_equal(r.origin_len, strlen("http://example.com"));
	assert_int_equal(mbl_ws_hs_server_accept(&r, out, sizeof(out)), (ssize_t)strlen(want));
	assert_string_equal(out, want);
	assert_int_equal(mbl_ws_hs_server_accept(&r, out, strlen(want)), -ENOSPC);
	assert_true(mbl_ws_hs_server_accept(&r, out, 160) > 0); /* as the header promises */
	mbl_ws_hs_req_init(&r);
	assert_int_equal(mbl_ws_hs_server_accept(&r, out, sizeof(out)), -EINVAL);
}

/* One more byte per call, the whole buffer each time, as a socket gives it. */
static void test_server_drip(void **state)
{
	struct mbl_ws_hs_req r;
	char buf[1024];
	size_t i, n;

	(void)state;
	n = build(buf, sizeof(buf), GET, NULL, NULL);
	mbl_ws_hs_req_init(&r);
	for (i = 0; i < n; i++)
		assert_int_equal(mbl_ws_hs_server_parse(&r, buf, i), 0);
	assert_int_equal(mbl_ws_hs_server_parse(&r, buf, n), (ssize_t)n);
	assert_string_equal(r.accept, RFC_ACCEPT);
}

/* Spellings RFC 6455 and RFC 7230 allow. */
static void test_server_spellings(void **state)
{
	static const char *const ok[] = {
		"host: a\r\nupgrade: WebSocket\r\nconnection: keep-alive, upgrade\r\n"
		"sec-websocket-key:" RFC_KEY "\r\nsec-websocket-version:  13 \r\n"
		"SEC-WEBSOCKET-PROTOCOL: chat\r\nSec-WebSocket-Protocol: foo ,sip\t",
		"Host: a\r\nUpgrade: h2c, websocket\r\nConnection: Upgrade,close\r\n"
		"Sec-WebSocket-Key: \t" RFC_KEY "\t\r\nSec-WebSocket-Version: 13\r\n"
		"Sec-WebSocket-Extensions: permessage-deflate\r\nX-Junk: \x80\xff ok\r\n"
		"Sec-WebSocket-Protocol: sip",
	};
	struct mbl_ws_hs_req r;
	char buf[1024];
	size_t i;
	int n;

	(void)state;
	for (i = 0; i < MBL_ARRAY_SIZE(ok); i++) {
		n = snprintf(buf, sizeof(buf), "GET ws://a/x?y=1 HTTP/1.1\r\n%s\r\n\r\n", ok[i]);
		mbl_ws_hs_req_init(&r);
		if (mbl_ws_hs_server_parse(&r, buf, (size_t)n) != n)
			fail_msg("ok[%zu]: %s", i, mbl_ws_hs_err_name(r.err));
		assert_string_equal(r.accept, RFC_ACCEPT);
		assert_null(r.origin);
	}
}

static void test_server_refusals(void **state)
{
	static const struct {
		const char *start, *drop, *add;
		enum mbl_ws_hs_err err;
	} bad[] = {
		{GET, "Sec-WebSocket-Key", NULL, MBL_WS_HS_ERR_no_key},
		{GET, NULL, "Sec-WebSocket-Key: " RFC_KEY, MBL_WS_HS_ERR_no_key},
		{GET, "Sec-WebSocket-Key", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ",
		 MBL_WS_HS_ERR_bad_key}, /* no padding */
		{GET, "Sec-WebSocket-Key", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZXM=",
		 MBL_WS_HS_ERR_bad_key}, /* 17 bytes */
		{GET, "Sec-WebSocket-Key", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZR==",
		 MBL_WS_HS_ERR_bad_key}, /* trailing bits set */
		{GET, "Sec-WebSocket-Key", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25j*Q==",
		 MBL_WS_HS_ERR_bad_key},
		{GET, "Sec-WebSocket-Version", "Sec-WebSocket-Version: 8", MBL_WS_HS_ERR_version},
		{GET, "Sec-WebSocket-Version", NULL, MBL_WS_HS_ERR_version},
		{GET, "Sec-WebSocket-Version", "Sec-WebSocket-Version: 13, 8", MBL_WS_HS_ERR_version},
		{GET, NULL, "Sec-WebSocket-Version: 13", MBL_WS_HS_ERR_version},
		{GET, "Sec-WebSocket-Protocol", NULL, MBL_WS_HS_ERR_no_sip},
		{GET, "Sec-WebSocket-Protocol", "Sec-WebSocket-Protocol: chat, superchat",
		 MBL_WS_HS_ERR_no_sip},
		{GET, "Sec-WebSocket-Protocol", "Sec-WebSocket-Protocol: SIP", MBL_WS_HS_ERR_no_sip},
		{GET, "Sec-WebSocket-Protocol", "Sec-WebSocket-Protocol: sips", MBL_WS_HS_ERR_no_sip},
		{"POST /chat HTTP/1.1", NULL, NULL, MBL_WS_HS_ERR_not_get},
		{"get /chat HTTP/1.1", NULL, NULL, MBL_WS_HS_ERR_not_get},
		{"GET /chat HTTP/1.0", NULL, NULL, MBL_WS_HS_ERR_http_version},
		{"GET /chat HTTP/2", NULL, NULL, MBL_WS_HS_ERR_http_version},
		{"GET  HTTP/1.1", NULL, NULL, MBL_WS_HS_ERR_request_line},
		{"GET /chat", NULL, NULL, MBL_WS_HS_ERR_request_line},
		{"", NULL, NULL, MBL_WS_HS_ERR_request_line},
		{GET, "Host", NULL, MBL_WS_HS_ERR_host},
		{GET, NULL, "Host: other.example.com", MBL_WS_HS_ERR_host},
		{GET, "Upgrade", NULL, MBL_WS_HS_ERR_upgrade},
		{GET, "Upgrade", "Upgrade: websocket2", MBL_WS_HS_ERR_upgrade},
		{GET, "Connection", "Connection: keep-alive", MBL_WS_HS_ERR_connection},
		{GET, NULL, "X-Folded: a\r\n b", MBL_WS_HS_ERR_header},
		{GET, NULL, "Host : a", MBL_WS_HS_ERR_header},
		{GET, NULL, "no colon here", MBL_WS_HS_ERR_header},
		{GET, NULL, "X-Bare: a\nb", MBL_WS_HS_ERR_header},
		{GET, NULL, "X-Ctl: a\x01", MBL_WS_HS_ERR_header},
	};
	struct mbl_ws_hs_req r;
	char buf[2048];
	size_t i, n;

	(void)state;
	for (i = 0; i < MBL_ARRAY_SIZE(bad); i++) {
		n = build(buf, sizeof(buf), bad[i].start, bad[i].drop, bad[i].add);
		mbl_ws_hs_req_init(&r);
		if (mbl_ws_hs_server_parse(&r, buf, n) != -EPROTO || r.err != bad[i].err)
			fail_msg("bad[%zu]: %s, want %s", i, mbl_ws_hs_err_name(r.err),
				 mbl_ws_hs_err_name(bad[i].err));
	}
	/* A NUL inside a value (explicit length). */
	n = build(buf, sizeof(buf), GET, NULL, "X-Nul: a#b");
	*strchr(buf, '#') = '\0';
	mbl_ws_hs_req_init(&r);
	assert_int_equal(mbl_ws_hs_server_parse(&r, buf, n), -EPROTO);
	assert_int_equal(r.err, MBL_WS_HS_ERR_header);
}

/* The 8 KiB cap: no end of headers within it, whether or not one follows. */
static void test_server_too_big(void **state)
{
	static char buf[MBL_WS_HS_MAX + 1024];
	struct mbl_ws_hs_req r;
	size_t n;

	(void)state;
	n = build(buf, sizeof(buf), GET, NULL, NULL);
	memset(buf + n - 2, 'x', sizeof(buf) - n + 2); /* headers run on and on */
	mbl_ws_hs_req_init(&r);
	assert_int_equal(mbl_ws_hs_server_parse(&r, buf, MBL_WS_HS_MAX - 1), 0);
	assert_int_equal(mbl_ws_hs_server_parse(&r, buf, MBL_WS_HS_MAX), -EMSGSIZE);
	assert_int_equal(r.err, MBL_WS_HS_ERR_too_big);
	assert_int_equal(mbl_ws_hs_err_status(r.err), 400);
	memcpy(buf + MBL_WS_HS_MAX + 10, "\r\n\r\n", 4);
	mbl_ws_hs_req_init(&r);
	assert_int_equal(mbl_ws_hs_server_parse(&r, buf, sizeof(buf)), -EMSGSIZE);
	/* Ending exactly at the cap is fine. */
	n = build(buf, sizeof(buf), GET, NULL, NULL);
	memset(buf + n - 2, 'x', MBL_WS_HS_MAX - n);
	memcpy(buf + n - 2, "X:", 2);
	memcpy(buf + MBL_WS_HS_MAX - 4, "\r\n\r\n", 4);
	mbl_ws_hs_req_init(&r);
	assert_int_equal(mbl_ws_hs_server_parse(&r, buf, sizeof(buf)), MBL_WS_HS_MAX);
}

static void test_server_refuse_text(void **state)
{
	char out[512];
	const char *body;
	ssize_t n;
	int e;

	(void)state;
	n = mbl_ws_hs_server_refuse(MBL_WS_HS_ERR_no_sip, out, sizeof(out));
	assert_true(n > 0 && (size_t)n == strlen(out));
	assert_memory_equal(out, "HTTP/1.1 400 Bad Request\r\n", 26);
	assert_non_null(strstr(out, "\r\nConnection: close\r\n"));
	body = strstr(out, "\r\n\r\n") + 4;
	assert_string_equal(body, "Sec-WebSocket-Protocol does not offer sip (RFC 7118 4.1)\n");
	assert_non_null(strstr(out, "Content-Length: 57\r\n"));
	assert_int_equal(strlen(body), 57);

	n = mbl_ws_hs_server_refuse(MBL_WS_HS_ERR_version, out, sizeof(out));
	assert_true(n > 0);
	assert_memory_equal(out, "HTTP/1.1 426 Upgrade Required\r\n", 31);
	assert_non_null(strstr(out, "\r\nSec-WebSocket-Version: 13\r\n"));
	assert_non_null(strstr(out, "\r\nUpgrade: websocket\r\n"));
	assert_int_equal(mbl_ws_hs_err_status(MBL_WS_HS_ERR_upgrade), 426);
	for (e = 1; e < MBL_WS_HS_ERR_MAX; e++) /* 512 is enough for every reason */
		assert_true((mbl_ws_hs_server_refuse((enum mbl_ws_hs_err)e, out, sizeof(out)) > 0) ==
			    (mbl_ws_hs_err_status((enum mbl_ws_hs_err)e) != 0));
	assert_int_equal(mbl_ws_hs_server_refuse(MBL_WS_HS_ERR_accept, out, sizeof(out)), -EINVAL);
	assert_int_equal(mbl_ws_hs_server_refuse(MBL_WS_HS_OK, out, sizeof(out)), -EINVAL);
	assert_int_equal(mbl_ws_hs_server_refuse(MBL_WS_HS_ERR_version, out, 40), -ENOSPC);
	assert_string_equal(mbl_ws_hs_err_name(MBL_WS_HS_ERR_no_sip), "no_sip");
	assert_string_equal(mbl_ws_hs_err_name(MBL_WS_HS_ERR_MAX), "?");
}

/* ---- client -------------------------------------------------------------------------- */

static void test_client_request(void **state)
{
	static const char want[] = "GET /ws HTTP/1.1\r\n"
				   "Host: proxy.example.com:8443\r\n"
				   "Upgrade: websocket\r\n"
				   "Connection: Upgrade\r\n"
				   "Sec-WebSocket-Key: " RFC_KEY "\r\n"
				   "Sec-WebSocket-Version: 13\r\n"
				   "Sec-WebSocket-Protocol: sip\r\n"
				   "Origin: https://example.com\r\n"
				   "\r\n";
	const uint8_t *nonce = (const uint8_t *)"the sample nonce"; /* RFC 6455 1.3 */
	struct mbl_ws_hs_client c;
	char out[512];

	(void)state;
	assert_int_equal(mbl_ws_hs_client_request(&c, "proxy.example.com:8443", "/ws",
						  "https://example.com", nonce, out, sizeof(out)),
			 (ssize_t)strlen(want));
	assert_string_equal(out, want);
	assert_string_equal(c.key, RFC_KEY);
	assert_string_equal(c.accept, RFC_ACCEPT);
	assert_true(mbl_ws_hs_client_request(&c, "h", NULL, NULL, nonce, out, sizeof(out)) > 0);
	assert_memory_equal(out, "GET / HTTP/1.1\r\nHost: h\r\n", 25);
	assert_null(strstr(out, "Origin"));
	assert_int_equal(mbl_ws_hs_client_request(&c, NULL, NULL, NULL, nonce, out, sizeof(out)),
			 -EINVAL);
	assert_int_equal(mbl_ws_hs_client_request(&c, "a b", NULL, NULL, nonce, out, sizeof(out)),
			 -EINVAL);
	assert_int_equal(mbl_ws_hs_client_request(&c, "h", "ws", NULL, nonce, out, sizeof(out)),
			 -EINVAL);
	assert_int_equal(mbl_ws_hs_client_request(&c, "h", "/", "o\r\nX: y", nonce, out,
						  sizeof(out)), -EINVAL);
	assert_int_equal(mbl_ws_hs_client_request(&c, "h", "/", NULL, NULL, out, sizeof(out)),
			 -EINVAL);
	assert_int_equal(mbl_ws_hs_client_request(&c, "h", "/", NULL, nonce, out, 100), -ENOSPC);
}

static void test_client_response(void **state)
{
	static const struct {
		const char *resp;
		enum mbl_ws_hs_err err;
		int status;
	} cases[] = {
#define OK_101 "HTTP/1.1 101 Switching Protocols\r\n"
#define UC "Upgrade: websocket\r\nConnection: Upgrade\r\n"
#define ACC "Sec-WebSocket-Accept: " RFC_ACCEPT "\r\n"
#define SIP "Sec-WebSocket-Protocol: sip\r\n"
		{OK_101 UC ACC SIP, MBL_WS_HS_OK, 101},
		{"HTTP/1.1 101\r\nupgrade: WEBSOCKET\r\nconnection: upgrade\r\n"
		 "sec-websocket-accept:" RFC_ACCEPT "\r\nSec-WebSocket-Extensions:\r\n" SIP,
		 MBL_WS_HS_OK, 101},
		{"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n", MBL_WS_HS_ERR_status, 403},
		{"HTTP/1.1 200 OK\r\n" UC ACC SIP, MBL_WS_HS_ERR_status, 200},
		{"HTTP/1.0 101 Switching Protocols\r\n" UC ACC SIP, MBL_WS_HS_ERR_status_line, 0},
		{"HTTP/1.1 1O1 x\r\n" UC ACC SIP, MBL_WS_HS_ERR_status_line, 0},
		{"HTTP/1.1 101x\r\n" UC ACC SIP, MBL_WS_HS_ERR_status_line, 0},
		{OK_101 "Connection: Upgrade\r\n" ACC SIP, MBL_WS_HS_ERR_resp_upgrade, 101},
		{OK_101 "Upgrade: websocket\r\n" ACC SIP, MBL_WS_HS_ERR_resp_connection, 101},
		{OK_101 UC SIP, MBL_WS_HS_ERR_accept, 101},
		{OK_101 UC ACC ACC SIP, MBL_WS_HS_ERR_accept, 101},
		{OK_101 UC "Sec-WebSocket-Accept: " RFC_KEY "\r\n" SIP, MBL_WS_HS_ERR_accept, 101},
		{OK_101 UC ACC "Sec-WebSocket-Extensions: permessage-deflate\r\n" SIP,
		 MBL_WS_HS_ERR_extension, 101},
		{OK_101 UC ACC, MBL_WS_HS_ERR_resp_protocol, 101},
		{OK_101 UC ACC "Sec-WebSocket-Protocol: chat\r\n", MBL_WS_HS_ERR_resp_protocol, 101},
		{OK_101 UC ACC SIP SIP, MBL_WS_HS_ERR_resp_protocol, 101},
		{OK_101 UC ACC "Sec-WebSocket-Protocol: sip, chat\r\n", MBL_WS_HS_ERR_resp_protocol,
		 101},
		{OK_101 UC ACC SIP " folded\r\n", MBL_WS_HS_ERR_header, 101},
#undef OK_101
#undef UC
#undef ACC
#undef SIP
	};
	const uint8_t *nonce = (const uint8_t *)"the sample nonce";
	struct mbl_ws_hs_client c;
	char buf[1024];
	size_t i, k;
	ssize_t rc;
	int n;

	(void)state;
	for (i = 0; i < MBL_ARRAY_SIZE(cases); i++) {
		assert_true(mbl_ws_hs_client_request(&c, "h", NULL, NULL, nonce, buf, sizeof(buf)) > 0);
		n = snprintf(buf, sizeof(buf), "%s\r\n", cases[i].resp);
		/* Byte by byte for the first case, whole for the others. */
		for (k = i == 0 ? 0 : (size_t)n; k < (size_t)n; k++)
			assert_int_equal(mbl_ws_hs_client_response(&c, buf, k), 0);
		rc = mbl_ws_hs_client_response(&c, buf, (size_t)n);
		if (c.err != cases[i].err || c.status != cases[i].status ||
		    rc != (cases[i].err == MBL_WS_HS_OK ? n : -EPROTO))
			fail_msg("cases[%zu]: rc %zd, %s, status %d", i, rc,
				 mbl_ws_hs_err_name(c.err), c.status);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accept_rfc),
		cmocka_unit_test(test_server_rfc_request),
		cmocka_unit_test(test_server_drip),
		cmocka_unit_test(test_server_spellings),
		cmocka_unit_test(test_server_refusals),
		cmocka_unit_test(test_server_too_big),
		cmocka_unit_test(test_server_refuse_text),
		cmocka_unit_test(test_client_request),
		cmocka_unit_test(test_client_response),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
