/* SPDX-License-Identifier: BSD-3-Clause
 * WebSocket frames at the seam (no sockets): the RFC 6455 5.7 examples
 * byte for byte in both directions, every stream split (one read, one byte
 * per read, an irregular fixed split), each way a peer can break the
 * framing rules and the close code it earns, interleaved control frames,
 * UTF-8, the close handshake, and SIP messages from a client's encoder
 * through a server's decoder after a real opening handshake.
 * Handshake details are in ws_hs_test.c.
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
#include "ws_test_util.h"

static const uint8_t rfc_mask[4] = {0x37, 0xfa, 0x21, 0x3d}; /* RFC 6455 5.7 */
static const enum split splits[] = {SPLIT_WHOLE, SPLIT_BYTE, SPLIT_ODD};

static uint8_t msgbuf[70000];

/* Decode s with a fresh decoder in role, once per split; every split must
 * give the same log, which is returned from the last (caller frees). */
static void decode_all(enum mbl_ws_role role, size_t cap, const uint8_t *s, size_t n,
		       struct evlog *out)
{
	struct mbl_ws_dec d;
	struct evlog log[3];
	size_t i;
	int k;

	memset(log, 0, sizeof(log));
	for (i = 0; i < MBL_ARRAY_SIZE(splits); i++) {
		assert_int_equal(mbl_ws_dec_init(&d, role, msgbuf, cap), 0);
		evlog_feed(&d, s, n, splits[i], &log[i]);
	}
	for (i = 1; i < 3; i++) {
		assert_int_equal(log[i].n, log[0].n);
		assert_int_equal(log[i].rc, log[0].rc);
		assert_int_equal(log[i].err, log[0].err);
		for (k = 0; k < log[0].n; k++) {
			assert_int_equal(log[i].e[k].type, log[0].e[k].type);
			assert_int_equal(log[i].e[k].len, log[0].e[k].len);
			assert_memory_equal(log[i].e[k].data, log[0].e[k].data, log[0].e[k].len);
		}
	}
	evlog_free(&log[0]);
	evlog_free(&log[1]);
	*out = log[2];
}

/* ---- RFC 6455 5.7 ---------------------------------------------------------------- */

static void test_rfc_single_frames(void **state)
{
	static const uint8_t unmasked[] = {0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f};
	static const uint8_t masked[] = {0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d,
					 0x7f, 0x9f, 0x4d, 0x51, 0x58};
	uint8_t out[32];
	struct evlog log;

	(void)state;
	/* A server sends unmasked, a client masked; each decodes the other. */
	assert_int_equal(mbl_ws_frame_encode(out, sizeof(out), MBL_WS_OP_TEXT, true,
					     (const uint8_t *)"Hello", 5, NULL), 7);
	assert_memory_equal(out, unmasked, 7);
	assert_int_equal(mbl_ws_frame_encode(out, sizeof(out), MBL_WS_OP_TEXT, true,
					     (const uint8_t *)"Hello", 5, rfc_mask), 11);
	assert_memory_equal(out, masked, 11);

	decode_all(MBL_WS_CLIENT, 64, unmasked, sizeof(unmasked), &log);
	assert_int_equal(log.n, 1);
	assert_int_equal(log.e[0].type, MBL_WS_EV_MSG);
	assert_false(log.e[0].binary);
	assert_string_equal((char *)log.e[0].data, "Hello");
	evlog_free(&log);
	decode_all(MBL_WS_SERVER, 64, masked, sizeof(masked), &log);
	assert_int_equal(log.n, 1);
	assert_string_equal((char *)log.e[0].data, "Hello");
	evlog_free(&log);
}

static void test_rfc_fragmented(void **state)
{
	static const uint8_t frags[] = {0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f};
	uint8_t out[16];
	struct evlog log;

	(void)state;
	assert_int_equal(mbl_ws_frame_encode(out, sizeof(out), MBL_WS_OP_TEXT, false,
					     (const uint8_t *)"Hel", 3, NULL), 5);
	assert_int_equal(mbl_ws_frame_encode(out + 5, sizeof(out) - 5, MBL_WS_OP_CONT, true,
					     (const uint8_t *)"lo", 2, NULL), 4);
	assert_memory_equal(out, frags, sizeof(frags));
	decode_all(MBL_WS_CLIENT, 64, frags, sizeof(frags), &log);
	assert_int_equal(log.n, 1); /* one message, not two */
	assert_int_equal(log.e[0].type, MBL_WS_EV_MSG);
	assert_string_equal((char *)log.e[0].data, "Hello");
	evlog_free(&log);
}

static void test_rfc_ping_pong(void **state)
{
	static const uint8_t ping[] = {0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f};
	static const uint8_t pong[] = {0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d,
				       0x7f, 0x9f, 0x4d, 0x51, 0x58};
	struct mbl_ws_dec d;
	struct mbl_ws_ev ev;
	uint8_t out[32];
	struct evlog log;
	size_t used;

	(void)state;
	/* The client reads the server's Ping and answers with the RFC's Pong. */
	assert_int_equal(mbl_ws_dec_init(&d, MBL_WS_CLIENT, msgbuf, 64), 0);
	assert_int_equal(mbl_ws_dec_next(&d, ping, sizeof(ping), &used, &ev), MBL_WS_EV_PING);
	assert_int_equal(used, sizeof(ping));
	assert_memory_equal(ev.data, "Hello", 5);
	assert_int_equal(mbl_ws_pong_reply(out, sizeof(out), &ev, rfc_mask), sizeof(pong));
	assert_memory_equal(out, pong, sizeof(pong));
	assert_int_equal(mbl_ws_pong_reply(out, 10, &ev, rfc_mask), -ENOSPC);
	ev.type = MBL_WS_EV_PONG;
	assert_int_equal(mbl_ws_pong_reply(out, sizeof(out), &ev, rfc_mask), -EINVAL);

	decode_all(MBL_WS_SERVER, 64, pong, sizeof(pong), &log);
	assert_int_equal(log.n, 1);
	assert_int_equal(log.e[0].type, MBL_WS_EV_PONG);
	assert_string_equal((char *)log.e[0].data, "Hello");
	evlog_free(&log);
}

/* 256 bytes (16-bit length) and 64 KiB (64-bit length), binary, unmasked. */
static void test_rfc_length_forms(void **state)
{
	static const uint8_t h256[] = {0x82, 0x7e, 0x01, 0x00};
	static const uint8_t h64k[] = {0x82, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0};
	static uint8_t frame[65536 + 10];
	struct evlog log;
	size_t i, n;

	(void)state;
	for (i = 0; i < 65536; i++)
		frame[10 + i] = (uint8_t)(i * 7);
	assert_int_equal(mbl_ws_frame_encode(frame, sizeof(frame), MBL_WS_OP_BINARY, true,
					     frame + 10, 256, NULL), 260);
	assert_memory_equal(frame, h256, 4);
	for (i = 0; i < 256; i++)
		assert_int_equal(frame[4 + i], (uint8_t)(i * 7)); /* moved down in place */
	decode_all(MBL_WS_CLIENT, 256, frame, 260, &log);
	assert_int_equal(log.n, 1);
	assert_true(log.e[0].binary);
	assert_int_equal(log.e[0].len, 256);
	evlog_free(&log);

	for (i = 0; i < 65536; i++)
		frame[10 + i] = (uint8_t)(i * 7);
	memcpy(frame, h64k, 10);
	n = sizeof(frame);
	decode_all(MBL_WS_CLIENT, 65536, frame, n, &log);
	assert_int_equal(log.n, 1);
	assert_int_equal(log.e[0].len, 65536);
	assert_memory_equal(log.e[0].data, frame + 10, 65536);
	evlog_free(&log);
	assert_int_equal(mbl_ws_frame_encode(frame, sizeof(frame), MBL_WS_OP_BINARY, true,
					     frame + 10, 65536, NULL), (ssize_t)n);
	assert_memory_equal(frame, h64k, 10);
}

/* ---- encoder ------------------------------------------------------------------------ */

static void test_encode_forms(void **state)
{
	static const struct {
		uint64_t len;
		bool mask;
		ssize_t hlen;
		uint8_t b1;
	} forms[] = {
		{0, false, 2, 0x00},    {125, false, 2, 0x7d},   {126, false, 4, 0x7e},
		{65535, false, 4, 0x7e}, {65536, false, 10, 0x7f}, {0, true, 6, 0x80},
		{126, true, 8, 0xfe},    {1ULL << 40, true, 14, 0xff},
	};
	uint8_t hdr[MBL_WS_HDR_MAX], out[200];
	size_t i;

	(void)state;
	for (i = 0; i < MBL_ARRAY_SIZE(forms); i++) {
		assert_int_equal(mbl_ws_frame_header(hdr, MBL_WS_OP_BINARY, true, forms[i].len,
						     forms[i].mask ? rfc_mask : NULL),
				 forms[i].hlen);
		assert_int_equal(hdr[0], 0x82);
		assert_int_equal(hdr[1], forms[i].b1);
	}
	assert_int_equal(hdr[2 + 2], 1); /* 2^40 in network order */
	assert_memory_equal(hdr + 10, rfc_mask, 4);
	/* Control frames: FIN and <= 125 bytes (RFC 6455 5.5); opcodes known. */
	assert_int_equal(mbl_ws_frame_header(hdr, MBL_WS_OP_PING, true, 126, NULL), -EINVAL);
	assert_int_equal(mbl_ws_frame_header(hdr, MBL_WS_OP_CLOSE, false, 0, NULL), -EINVAL);
	assert_int_equal(mbl_ws_frame_header(hdr, (enum mbl_ws_opcode)3, true, 0, NULL), -EINVAL);
	assert_int_equal(mbl_ws_frame_header(hdr, MBL_WS_OP_TEXT, true, 1ULL << 63, NULL), -EINVAL);
	assert_int_equal(mbl_ws_frame_header(hdr, MBL_WS_OP_PONG, true, 125, NULL), 2);
	assert_int_equal(mbl_ws_frame_encode(out, sizeof(out), MBL_WS_OP_TEXT, true, NULL, 3, NULL),
			 -EINVAL);
	assert_int_equal(mbl_ws_frame_encode(out, 6, MBL_WS_OP_TEXT, true,
					     (const uint8_t *)"Hello", 5, NULL), -ENOSPC);
	assert_int_equal(mbl_ws_frame_encode(out, 7, MBL_WS_OP_TEXT, true,
					     (const uint8_t *)"Hello", 5, NULL), 7);
}

static void test_close_frames(void **state)
{
	static const uint8_t bye[] = {0x88, 0x05, 0x03, 0xe8, 'b', 'y', 'e'};
	char reason[MBL_WS_REASON_MAX + 2];
	uint8_t out[160];

	(void)state;
	assert_int_equal(mbl_ws_close_frame(out, sizeof(out), 1000, "bye", NULL), 7);
	assert_memory_equal(out, bye, 7);
	assert_int_equal(mbl_ws_close_frame(out, sizeof(out), 0, NULL, NULL), 2);
	assert_int_equal(out[1], 0);
	assert_int_equal(mbl_ws_close_frame(out, sizeof(out), 4999, NULL, NULL), 4);
	assert_int_equal(mbl_ws_close_frame(out, sizeof(out), 3000, "", rfc_mask), 8);
	/* Codes no endpoint may send (RFC 6455 7.4.1, 7.4.2). */
	assert_int_equal(mbl_ws_close_frame(out, sizeof(out), 1005, NULL, NULL), -EINVAL);
	assert_int_equal(mbl_ws_close_frame(out, sizeof(out), 1006, NULL, NULL), -EINVAL);
	assert_int_equal(mbl_ws_close_frame(out, sizeof(out), 1015, NULL, NULL), -EINVAL);
	assert_int_equal(mbl_ws_close_frame(out, sizeof(out), 999, NULL, NULL), -EINVAL);
	assert_int_equal(mbl_ws_close_frame(out, sizeof(out), 2999, NULL, NULL), -EINVAL);
	assert_int_equal(mbl_ws_close_frame(out, sizeof(out), 5000, NULL, NULL), -EINVAL);
	memset(reason, 'r', sizeof(reason));
	reason[MBL_WS_REASON_MAX] = 0;
	assert_int_equal(mbl_ws_close_frame(out, sizeof(out), 1000, reason, NULL), 2 + 125);
	reason[MBL_WS_REASON_MAX] = 'r';
	reason[MBL_WS_REASON_MAX + 1] = 0;
	assert_int_equal(mbl_ws_close_frame(out, sizeof(out), 1000, reason, NULL), -EINVAL);
	assert_int_equal(mbl_ws_close_frame(out, sizeof(out), 1000, "\xff", NULL), -EINVAL);
}

/* ---- decoder: close handshake, interleaving, empty frames ------------------------------- */

static void test_close_handshake(void **state)
{
	static const uint8_t bye[] = {0x88, 0x05, 0x03, 0xe8, 'b', 'y', 'e', 0x81, 0x00};
	static const uint8_t empty[] = {0x88, 0x00};
	struct mbl_ws_dec d;
	struct mbl_ws_ev ev;
	uint8_t out[16];
	size_t used;

	(void)state;
	assert_int_equal(mbl_ws_dec_init(&d, MBL_WS_CLIENT, msgbuf, 64), 0);
	assert_int_equal(mbl_ws_dec_next(&d, bye, sizeof(bye), &used, &ev), MBL_WS_EV_CLOSE);
	assert_int_equal(used, 7); /* the frame after the Close is not read */
	assert_int_equal(ev.code, 1000);
	assert_int_equal(ev.len, 3);
	assert_memory_equal(ev.data, "bye", 3);
	assert_int_equal(mbl_ws_close_reply(out, sizeof(out), &ev, rfc_mask), 8);
	assert_memory_equal(out, "\x88\x82\x37\xfa\x21\x3d", 6);
	assert_int_equal(out[6] ^ 0x37, 0x03);
	assert_int_equal(out[7] ^ 0xfa, 0xe8);
	/* Nothing is read after the peer's Close (RFC 6455 5.5.1). */
	assert_int_equal(mbl_ws_dec_next(&d, bye + 7, 2, &used, &ev), -EPIPE);
	assert_int_equal(d.err, MBL_WS_ERR_closed);
	assert_int_equal(mbl_ws_dec_fail_close(&d, out, sizeof(out), NULL), 0);

	/* A Close without a code reports 1005 and is answered without one. */
	assert_int_equal(mbl_ws_dec_init(&d, MBL_WS_CLIENT, msgbuf, 64), 0);
	assert_int_equal(mbl_ws_dec_next(&d, empty, 2, &used, &ev), MBL_WS_EV_CLOSE);
	assert_int_equal(ev.code, MBL_WS_CLOSE_NO_STATUS);
	assert_int_equal(mbl_ws_close_reply(out, sizeof(out), &ev, NULL), 2);
	assert_memory_equal(out, empty, 2);
	ev.type = MBL_WS_EV_MSG;
	assert_int_equal(mbl_ws_close_reply(out, sizeof(out), &ev, NULL), -EINVAL);
}

/* RFC 6455 5.4: control frames may come between the fragments of a message. */
static void test_interleaved_control(void **state)
{
	static const uint8_t s[] = {
		0x01, 0x03, 'H', 'e', 'l',   /* text, not FIN */
		0x89, 0x01, 'x',             /* ping */
		0x00, 0x00,                  /* empty continuation */
		0x8a, 0x00,                  /* pong */
		0x80, 0x02, 'l', 'o',        /* last fragment */
		0x82, 0x00,                  /* an empty binary message */
		0x89, 0x00,                  /* an empty ping */
	};
	struct evlog log;

	(void)state;
	decode_all(MBL_WS_CLIENT, 5, s, sizeof(s), &log);
	assert_int_equal(log.rc, 0);
	assert_int_equal(log.n, 5);
	assert_int_equal(log.e[0].type, MBL_WS_EV_PING);
	assert_string_equal((char *)log.e[0].data, "x");
	assert_int_equal(log.e[1].type, MBL_WS_EV_PONG);
	assert_int_equal(log.e[1].len, 0);
	assert_int_equal(log.e[2].type, MBL_WS_EV_MSG);
	assert_string_equal((char *)log.e[2].data, "Hello"); /* the cap, exactly */
	assert_int_equal(log.e[3].type, MBL_WS_EV_MSG);
	assert_true(log.e[3].binary);
	assert_int_equal(log.e[3].len, 0);
	assert_int_equal(log.e[4].type, MBL_WS_EV_PING);
	evlog_free(&log);
}

/* ---- decoder: failures ---------------------------------------------------------------- */

static void test_refused_frames(void **state)
{
	static const struct {
		const char *what;
		enum mbl_ws_role role;
		size_t cap;
		const char *bytes;
		size_t n;
		enum mbl_ws_err err;
	} bad[] = {
#define B(s) s, sizeof(s) - 1
		{"unmasked to server", MBL_WS_SERVER, 64, B("\x81\x05Hello"), MBL_WS_ERR_unmasked},
		{"masked to client", MBL_WS_CLIENT, 64, B("\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58"),
		 MBL_WS_ERR_masked},
		{"RSV1", MBL_WS_CLIENT, 64, B("\xc1\x05Hello"), MBL_WS_ERR_rsv},
		{"RSV3", MBL_WS_CLIENT, 64, B("\x91\x00"), MBL_WS_ERR_rsv},
		{"opcode 3", MBL_WS_CLIENT, 64, B("\x83\x00"), MBL_WS_ERR_opcode},
		{"opcode 0xb", MBL_WS_CLIENT, 64, B("\x8b\x00"), MBL_WS_ERR_opcode},
		{"ping of 126", MBL_WS_CLIENT, 64, B("\x89\x7e\x00\x7e"), MBL_WS_ERR_ctl_len},
		{"close of 2^16", MBL_WS_CLIENT, 64, B("\x88\x7f\0\0\0\0\0\1\0\0"), MBL_WS_ERR_ctl_len},
		{"fragmented ping", MBL_WS_CLIENT, 64, B("\x09\x00"), MBL_WS_ERR_ctl_frag},
		{"fragmented close", MBL_WS_SERVER, 64, B("\x08\x80\1\2\3\4"), MBL_WS_ERR_ctl_frag},
		{"orphan continuation", MBL_WS_CLIENT, 64, B("\x80\x02lo"), MBL_WS_ERR_cont},
		{"text inside a message", MBL_WS_CLIENT, 64, B("\x01\x01" "a\x81\x01" "b"),
		 MBL_WS_ERR_interleave},
		{"5 as 16 bits", MBL_WS_CLIENT, 64, B("\x81\x7e\x00\x05Hello"), MBL_WS_ERR_length},
		{"65535 as 64 bits", MBL_WS_CLIENT, 65536, B("\x82\x7f\0\0\0\0\0\0\xff\xff"),
		 MBL_WS_ERR_length},
		{"2^63", MBL_WS_CLIENT, 64, B("\x82\x7f\x80\0\0\0\0\0\0\0"), MBL_WS_ERR_length},
		{"17 bytes, cap 16", MBL_WS_CLIENT, 16, B("\x82\x11"), MBL_WS_ERR_too_big},
		{"10 + 10, cap 16", MBL_WS_CLIENT, 16, B("\x02\x0a" "0123456789\x80\x0a"),
		 MBL_WS_ERR_too_big},
		{"1 GiB", MBL_WS_SERVER, 64, B("\x82\xff\0\0\0\0\x40\0\0\0\1\2\3\4"), MBL_WS_ERR_too_big},
		{"close of 1 byte", MBL_WS_CLIENT, 64, B("\x88\x01\x03"), MBL_WS_ERR_close_len},
		{"close 1005", MBL_WS_CLIENT, 64, B("\x88\x02\x03\xed"), MBL_WS_ERR_close_code},
		{"close 999", MBL_WS_CLIENT, 64, B("\x88\x02\x03\xe7"), MBL_WS_ERR_close_code},
		{"close 2000", MBL_WS_CLIENT, 64, B("\x88\x02\x07\xd0"), MBL_WS_ERR_close_code},
		{"close 5000", MBL_WS_CLIENT, 64, B("\x88\x02\x13\x88"), MBL_WS_ERR_close_code},
		{"close reason", MBL_WS_CLIENT, 64, B("\x88\x04\x03\xe8\xff\xfe"), MBL_WS_ERR_utf8},
		{"overlong text", MBL_WS_CLIENT, 64, B("\x81\x02\xc0\x80"), MBL_WS_ERR_utf8},
		{"split bad text", MBL_WS_CLIENT, 64, B("\x01\x01\xe2\x80\x01\x28"), MBL_WS_ERR_utf8},
#undef B
	};
	uint8_t out[MBL_WS_HDR_MAX + MBL_WS_CTL_MAX];
	struct mbl_ws_dec d;
	struct mbl_ws_ev ev;
	struct evlog log;
	size_t i, used;
	ssize_t n;

	(void)state;
	for (i = 0; i < MBL_ARRAY_SIZE(bad); i++) {
		decode_all(bad[i].role, bad[i].cap, (const uint8_t *)bad[i].bytes, bad[i].n, &log);
		if (log.err != bad[i].err || log.n != 0)
			fail_msg("%s: err %s, %d events", bad[i].what, mbl_ws_err_name(log.err),
				 log.n);
		assert_int_equal(log.rc, bad[i].err == MBL_WS_ERR_too_big ? -EMSGSIZE
					 : bad[i].err == MBL_WS_ERR_utf8  ? -EILSEQ
									  : -EPROTO);
		evlog_free(&log);
	}
	/* Sticky, and the Close to send carries the code and the reason. */
	assert_int_equal(mbl_ws_dec_init(&d, MBL_WS_SERVER, msgbuf, 64), 0);
	assert_int_equal(mbl_ws_dec_next(&d, (const uint8_t *)"\x81\x05", 2, &used, &ev), -EPROTO);
	assert_int_equal(mbl_ws_dec_next(&d, (const uint8_t *)"\x81", 1, &used, &ev), -EPROTO);
	assert_int_equal(used, 0);
	assert_int_equal(mbl_ws_err_close_code(d.err), MBL_WS_CLOSE_PROTOCOL);
	n = mbl_ws_dec_fail_close(&d, out, sizeof(out), NULL);
	assert_int_equal(n, 4 + strlen(mbl_ws_err_desc(MBL_WS_ERR_unmasked)));
	assert_int_equal(out[2] << 8 | out[3], 1002);
	assert_memory_equal(out + 4, mbl_ws_err_desc(d.err), (size_t)n - 4);
	assert_int_equal(mbl_ws_dec_init(&d, MBL_WS_SERVER, msgbuf, 64), 0);
	assert_int_equal(mbl_ws_dec_fail_close(&d, out, sizeof(out), NULL), -EINVAL);
}

static void test_error_tables(void **state)
{
	uint8_t out[MBL_WS_HDR_MAX + MBL_WS_CTL_MAX];
	struct mbl_ws_dec d = {0};
	int e;

	(void)state;
	/* Every reason fits a Close frame, so fail_close can always send it. */
	for (e = 1; e < MBL_WS_ERR_MAX; e++) {
		assert_true(strlen(mbl_ws_err_desc((enum mbl_ws_err)e)) <= MBL_WS_REASON_MAX);
		d.err = (enum mbl_ws_err)e;
		assert_true(mbl_ws_dec_fail_close(&d, out, sizeof(out), rfc_mask) >= 0);
	}
	assert_string_equal(mbl_ws_err_name(MBL_WS_ERR_too_big), "too_big");
	assert_int_equal(mbl_ws_err_close_code(MBL_WS_ERR_too_big), 1009);
	assert_int_equal(mbl_ws_err_close_code(MBL_WS_ERR_utf8), 1007);
	assert_string_equal(mbl_ws_err_name(MBL_WS_ERR_MAX), "?");
	assert_int_equal(mbl_ws_dec_init(&d, MBL_WS_SERVER, NULL, 64), -EINVAL);
	assert_int_equal(mbl_ws_dec_init(&d, MBL_WS_SERVER, msgbuf, 0), -EINVAL);
	assert_int_equal(mbl_ws_dec_init(&d, (enum mbl_ws_role)7, msgbuf, 64), -EINVAL);
}

static void test_utf8(void **state)
{
	static const char *good[] = {
		"", "abc", "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5", /* kosme */
		"\xed\x9f\xbf", "\xee\x80\x80", "\xef\xbf\xbf", "\xf0\x90\x80\x80", "\xf4\x8f\xbf\xbf",
	};
	static const char *bad[] = {
		"\x80", "\xbf", "\xc0\x80", "\xc1\xbf", "\xe0\x80\x80", "\xe0\x9f\xbf",
		"\xed\xa0\x80", "\xed\xbf\xbf", "\xf0\x80\x80\x80", "\xf0\x8f\xbf\xbf",
		"\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xff", "\xe2\x82", "\xce", "a\xe2\x28\xa1",
	};
	size_t i;

	(void)state;
	for (i = 0; i < MBL_ARRAY_SIZE(good); i++)
		assert_true(mbl_ws_utf8_valid((const uint8_t *)good[i], strlen(good[i])));
	for (i = 0; i < MBL_ARRAY_SIZE(bad); i++)
		if (mbl_ws_utf8_valid((const uint8_t *)bad[i], strlen(bad[i])))
			fail_msg("bad[%zu] accepted", i);
}

/* ---- SIP over WebSocket end to end ------------------------------------------------------ */

static const char invite[] =
	"INVITE sip:bob@example.com SIP/2.0\r\n"
	"Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK56sdasks\r\n"
	"Route: <sip:proxy.example.com;transport=ws;lr>\r\n"
	"Max-Forwards: 70\r\n"
	"To: <sip:bob@example.com>\r\n"
	"From: \"Alice\" <sip:alice@example.com>;tag=asdyka899\r\n"
	"Call-ID: asidkj3ss\r\n"
	"CSeq: 1 INVITE\r\n"
	"Contact: <sip:alice@df7jal23ls0d.invalid;transport=ws;ob>\r\n"
	"Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, INFO\r\n"
	"Supported: path, outbound, gruu, timer\r\n"
	"User-Agent: mediablast\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: 406\r\n"
	"\r\n"
	"v=0\r\no=- 4858 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n"
	"m=audio 40000 RTP/SAVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
	"a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\n"
	"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:4\r\n"
	"a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj|2^20|1:4\r\n"
	"a=sendrecv\r\n";
#define INVITE_LEN (sizeof(invite) - 1)
#define THIRD (INVITE_LEN / 3)

/* The client side of the handshake, the server's answer with its first
 * frame in the same read, then a SIP message each way and a close. */
static void test_sip_end_to_end(void **state)
{
	static const uint8_t rnd[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
	static uint8_t wire[4096], cli_buf[2048], srv_buf[2048];
	struct mbl_ws_hs_client hc;
	struct mbl_ws_hs_req hr;
	struct mbl_ws_dec cli, srv;
	struct mbl_ws_ev ev = {0};
	struct evlog log = {0};
	uint8_t mask[4] = {0xa5, 0x5a, 0x0f, 0xf0};
	char req[512], resp[256];
	ssize_t n, r, f;

	(void)state;
	assert_int_equal(strstr(invite, "\r\n\r\n") + 4 + 406 - invite, INVITE_LEN);
	n = mbl_ws_hs_client_request(&hc, "sip-ws.example.com", "/", NULL, rnd, req, sizeof(req));
	assert_true(n > 0);
	mbl_ws_hs_req_init(&hr);
	assert_int_equal(mbl_ws_hs_server_parse(&hr, req, (size_t)n), n);
	r = mbl_ws_hs_server_accept(&hr, resp, sizeof(resp));
	assert_true(r > 0);
	/* The server may send frames right after its 101 (here: a Ping). */
	memcpy(wire, resp, (size_t)r);
	f = mbl_ws_frame_encode(wire + r, sizeof(wire) - (size_t)r, MBL_WS_OP_PING, true,
				(const uint8_t *)"ka", 2, NULL);
	assert_int_equal(mbl_ws_hs_client_response(&hc, (char *)wire, (size_t)r - 1), 0);
	assert_int_equal(mbl_ws_hs_client_response(&hc, (char *)wire, (size_t)(r + f)), r);
	assert_int_equal(mbl_ws_dec_init(&cli, MBL_WS_CLIENT, cli_buf, sizeof(cli_buf) - 1), 0);
	assert_int_equal(mbl_ws_dec_init(&srv, MBL_WS_SERVER, srv_buf, INVITE_LEN), 0);
	assert_true(evlog_read(&cli, wire + r, (size_t)f, &log));
	assert_int_equal(log.e[0].type, MBL_WS_EV_PING);

	/* Client -> server: the INVITE, masked, in one text message whose size
	 * is exactly the server's cap. */
	n = mbl_ws_frame_encode(wire, sizeof(wire), MBL_WS_OP_TEXT, true, (const uint8_t *)invite,
				INVITE_LEN, mask);
	assert_int_equal(n, 4 + 4 + INVITE_LEN);
	evlog_free(&log);
	evlog_feed(&srv, wire, (size_t)n, SPLIT_ODD, &log);
	assert_int_equal(log.n, 1);
	assert_int_equal(log.e[0].type, MBL_WS_EV_MSG);
	assert_string_equal((char *)log.e[0].data, invite);

	/* The same INVITE in three fragments with a fresh mask each; a cap one
	 * byte short refuses it with 1009 at the last fragment's header. */
	n = mbl_ws_frame_encode(wire, sizeof(wire), MBL_WS_OP_TEXT, false,
				(const uint8_t *)invite, THIRD, mask);
	mask[0]++;
	n += mbl_ws_frame_encode(wire + n, sizeof(wire) - (size_t)n, MBL_WS_OP_CONT, false,
				 (const uint8_t *)invite + THIRD, THIRD, mask);
	mask[1]++;
	n += mbl_ws_frame_encode(wire + n, sizeof(wire) - (size_t)n, MBL_WS_OP_CONT, true,
				 (const uint8_t *)invite + 2 * THIRD, INVITE_LEN - 2 * THIRD, mask);
	evlog_free(&log);
	evlog_feed(&srv, wire, (size_t)n, SPLIT_BYTE, &log);
	assert_int_equal(log.n, 1);
	assert_string_equal((char *)log.e[0].data, invite);
	evlog_free(&log);
	assert_int_equal(mbl_ws_dec_init(&srv, MBL_WS_SERVER, srv_buf, INVITE_LEN - 1), 0);
	evlog_feed(&srv, wire, (size_t)n, SPLIT_WHOLE, &log);
	assert_int_equal(log.err, MBL_WS_ERR_too_big);
	assert_int_equal(mbl_ws_err_close_code(log.err), MBL_WS_CLOSE_TOO_BIG);
	evlog_free(&log);

	/* Server -> client: a 200 OK, unmasked, as binary. */
	n = mbl_ws_frame_encode(wire, sizeof(wire), MBL_WS_OP_BINARY, true,
				(const uint8_t *)"SIP/2.0 200 OK\r\n\r\n", 18, NULL);
	evlog_feed(&cli, wire, (size_t)n, SPLIT_WHOLE, &log);
	assert_true(log.e[0].binary);
	assert_string_equal((char *)log.e[0].data, "SIP/2.0 200 OK\r\n\r\n");
	evlog_free(&log);

	/* The client closes; the server echoes; the client sees 1000. */
	n = mbl_ws_close_frame(wire, sizeof(wire), MBL_WS_CLOSE_NORMAL, "done", mask);
	assert_int_equal(mbl_ws_dec_init(&srv, MBL_WS_SERVER, srv_buf, 64), 0);
	evlog_feed(&srv, wire, (size_t)n, SPLIT_BYTE, &log);
	assert_int_equal(log.e[0].type, MBL_WS_EV_CLOSE);
	assert_string_equal((char *)log.e[0].data, "done");
	ev.type = MBL_WS_EV_CLOSE;
	ev.code = log.e[0].code;
	n = mbl_ws_close_reply(wire, sizeof(wire), &ev, NULL);
	evlog_free(&log);
	evlog_feed(&cli, wire, (size_t)n, SPLIT_WHOLE, &log);
	assert_int_equal(log.e[0].type, MBL_WS_EV_CLOSE);
	assert_int_equal(log.e[0].code, MBL_WS_CLOSE_NORMAL);
	evlog_free(&log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc_single_frames),
		cmocka_unit_test(test_rfc_fragmented),
		cmocka_unit_test(test_rfc_ping_pong),
		cmocka_unit_test(test_rfc_length_forms),
		cmocka_unit_test(test_encode_forms),
		cmocka_unit_test(test_close_frames),
		cmocka_unit_test(test_close_handshake),
		cmocka_unit_test(test_interleaved_control),
		cmocka_unit_test(test_refused_frames),
		cmocka_unit_test(test_error_tables),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_sip_end_to_end),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
