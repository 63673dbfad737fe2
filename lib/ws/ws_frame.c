/* SPDX-License-Identifier: BSD-3-Clause
 * WebSocket framing (RFC 6455 5): the encoder, the incremental decoder with
 * reassembly into the caller's bounded buffer, and the answers to control
 * frames. Frame layout (RFC 6455 5.2):
 *
 *   byte 0: FIN | RSV1 | RSV2 | RSV3 | opcode (4 bits)
 *   byte 1: MASK | payload length (7 bits: 0-125, 126 = 16-bit length
 *           follows, 127 = 64-bit length follows)
 *   then the extended length (network order), the 4-byte masking key when
 *   MASK is set, and the payload.
 *
 * The decoder is a small state machine: it collects a header (at most 14
 * bytes, kept in the decoder so any split of the stream works), checks it
 * before any payload is read (a 1 GB length costs nothing but the check),
 * then copies the payload to where it belongs, unmasking on the way.
 */
#include <string.h>

#include "mbl_common.h"
#include "mbl_ws.h"

enum dec_state {
	DEC_HDR1 = 0, /* the first two header bytes */
	DEC_HDR2,     /* extended length and masking key */
	DEC_PAYLOAD,
	DEC_CLOSED,   /* the peer's Close was delivered */
	DEC_FAILED,
};

#define WS_FIN 0x80
#define WS_RSV 0x70
#define WS_MASK 0x80
#define WS_LEN7 0x7f

/* ---- errors --------------------------------------------------------------------- */

struct ws_err_row {
	const char *name, *desc;
	int rc;
	uint16_t close_code;
};

#define WS_ERR_ROW_(n, e, c, d) {#n, d, e, c},
static const struct ws_err_row ws_err[] = {
	{"ok", "no error", 0, 0},
	MBL_WS_ERR_LIST(WS_ERR_ROW_)
};
#undef WS_ERR_ROW_

const char *mbl_ws_err_name(enum mbl_ws_err e)
{
	return (unsigned)e < MBL_WS_ERR_MAX ? ws_err[e].name : "?";
}

const char *mbl_ws_err_desc(enum mbl_ws_err e)
{
	return (unsigned)e < MBL_WS_ERR_MAX ? ws_err[e].desc : "?";
}

uint16_t mbl_ws_err_close_code(enum mbl_ws_err e)
{
	return (unsigned)e < MBL_WS_ERR_MAX ? ws_err[e].close_code : 0;
}

/* ---- shared checks ------------------------------------------------------------------ */

static bool op_known(unsigned op)
{
	return op <= MBL_WS_OP_BINARY || (op >= MBL_WS_OP_CLOSE && op <= MBL_WS_OP_PONG);
}

static bool op_control(unsigned op)
{
	return (op & 0x8) != 0; /* RFC 6455 5.5: opcodes 0x8-0xF */
}

/* Codes a Close may carry (RFC 6455 7.4.1, 7.4.2; 1012-1014 registered with
 * IANA since). 1004-1006 and 1015 are reserved or "never on the wire". */
static bool close_code_ok(unsigned c)
{
	if (c >= 3000 && c <= 4999)
		return true;
	return c >= 1000 && c <= 1014 && (c < 1004 || c > 1006);
}

/* Length of the well-formed sequence at p (RFC 3629 4), 0 if there is none. */
static size_t utf8_seq(const uint8_t *p, size_t n)
{
	uint8_t c = p[0], lo = 0x80, hi = 0xbf;
	size_t k, len;

	if (c < 0x80)
		return 1;
	if (c < 0xc2 || c > 0xf4)
		return 0; /* continuation byte, overlong 2-byte lead, or > U+10FFFF */
	len = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	if (c == 0xe0)
		lo = 0xa0; /* overlong 3-byte */
	else if (c == 0xed)
		hi = 0x9f; /* surrogates U+D800-DFFF */
	else if (c == 0xf0)
		lo = 0x90; /* overlong 4-byte */
	else if (c == 0xf4)
		hi = 0x8f; /* above U+10FFFF */
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (k = 2; k < len; k++)
		if ((p[k] & 0xc0) != 0x80)
			return 0;
	return len;
}

bool mbl_ws_utf8_valid(const uint8_t *p, size_t len)
{
	size_t i = 0, n;

	while (i < len) {
		n = utf8_seq(p + i, len - i);
		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

/* ---- encoder ---------------------------------------------------------------------- */

void mbl_ws_mask(uint8_t *p, size_t len, const uint8_t key[4], uint64_t off)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] ^= key[(off + i) & 3]; /* RFC 6455 5.3: j = i MOD 4 */
}

/* RFC 6455 5.2: the minimal length form, network byte order. Returns the
 * header length so far. */
static size_t put_len(uint8_t *hdr, uint64_t len)
{
	size_t n = 2;
	int i;

	if (len < 126) {
		hdr[1] |= (uint8_t)len;
	} else if (len <= UINT16_MAX) {
		hdr[1] |= 126;
		hdr[n++] = (uint8_t)(len >> 8);
		hdr[n++] = (uint8_t)len;
	} else {
		hdr[1] |= 127;
		for (i = 7; i >= 0; i--)
			hdr[n++] = (uint8_t)(len >> (8 * i));
	}
	return n;
}

ssize_t mbl_ws_frame_header(uint8_t hdr[MBL_WS_HDR_MAX], enum mbl_ws_opcode op, bool fin,
			    uint64_t len, const uint8_t *mask)
{
	size_t n;

	if (!op_known(op) || len > INT64_MAX ||
	    (op_control(op) && (!fin || len > MBL_WS_CTL_MAX)))
		return -EINVAL;
	hdr[0] = (uint8_t)((fin ? WS_FIN : 0) | op);
	hdr[1] = mask ? WS_MASK : 0;
	n = put_len(hdr, len);
	if (mask) {
		memcpy(hdr + n, mask, 4);
		n += 4;
	}
	return (ssize_t)n;
}

ssize_t mbl_ws_frame_encode(uint8_t *out, size_t cap, enum mbl_ws_opcode op, bool fin,
			    const uint8_t *payload, size_t len, const uint8_t *mask)
{
	uint8_t hdr[MBL_WS_HDR_MAX];
	ssize_t h;

	if (out == NULL || (payload == NULL && len != 0))
		return -EINVAL;
	h = mbl_ws_frame_header(hdr, op, fin, len, mask);
	if (h < 0)
		return h;
	if (len > cap || cap - len < (size_t)h)
		return -ENOSPC;
	if (len)
		memmove(out + h, payload, len); /* may overlap: see the header */
	memcpy(out, hdr, (size_t)h);
	if (mask)
		mbl_ws_mask(out + h, len, mask, 0);
	return h + (ssize_t)len;
}

ssize_t mbl_ws_close_frame(uint8_t *out, size_t cap, uint16_t code, const char *reason,
			   const uint8_t *mask)
{
	uint8_t body[MBL_WS_CTL_MAX];
	size_t rlen = reason ? strlen(reason) : 0;

	if (code == 0)
		return mbl_ws_frame_encode(out, cap, MBL_WS_OP_CLOSE, true, NULL, 0, mask);
	if (!close_code_ok(code) || rlen > MBL_WS_REASON_MAX ||
	    !mbl_ws_utf8_valid((const uint8_t *)reason, rlen))
		return -EINVAL;
	body[0] = (uint8_t)(code >> 8); /* RFC 6455 5.5.1: code first, network order */
	body[1] = (uint8_t)code;
	if (rlen)
		memcpy(body + 2, reason, rlen);
	return mbl_ws_frame_encode(out, cap, MBL_WS_OP_CLOSE, true, body, rlen + 2, mask);
}

ssize_t mbl_ws_pong_reply(uint8_t *out, size_t cap, const struct mbl_ws_ev *ping,
			  const uint8_t *mask)
{
	if (ping == NULL || ping->type != MBL_WS_EV_PING)
		return -EINVAL;
	/* RFC 6455 5.5.3: "Application data" of the Ping, as it was. */
	return mbl_ws_frame_encode(out, cap, MBL_WS_OP_PONG, true, ping->data, ping->len, mask);
}

ssize_t mbl_ws_close_reply(uint8_t *out, size_t cap, const struct mbl_ws_ev *close,
			   const uint8_t *mask)
{
	if (close == NULL || close->type != MBL_WS_EV_CLOSE)
		return -EINVAL;
	/* RFC 6455 5.5.1: echo the code; a Close without one gets none. */
	if (close->code == MBL_WS_CLOSE_NO_STATUS)
		return mbl_ws_close_frame(out, cap, 0, NULL, mask);
	return mbl_ws_close_frame(out, cap, close->code, NULL, mask);
}

ssize_t mbl_ws_dec_fail_close(const struct mbl_ws_dec *d, uint8_t *out, size_t cap,
			      const uint8_t *mask)
{
	uint16_t code;

	if (d == NULL || d->err == MBL_WS_OK)
		return -EINVAL;
	code = mbl_ws_err_close_code(d->err);
	if (code == 0)
		return 0;
	return mbl_ws_close_frame(out, cap, code, mbl_ws_err_desc(d->err), mask);
}

/* ---- decoder ----------------------------------------------------------------------- */

int mbl_ws_dec_init(struct mbl_ws_dec *d, enum mbl_ws_role role, uint8_t *buf, size_t max_msg)
{
	if (d == NULL || buf == NULL || max_msg == 0 || max_msg == SIZE_MAX ||
	    (role != MBL_WS_SERVER && role != MBL_WS_CLIENT))
		return -EINVAL;
	memset(d, 0, sizeof(*d));
	d->buf = buf;
	d->max_msg = max_msg;
	d->role = (uint8_t)role;
	d->state = DEC_HDR1;
	d->hdr_need = 2;
	return 0;
}

static int dec_fail(struct mbl_ws_dec *d, enum mbl_ws_err e)
{
	d->err = e;
	d->state = DEC_FAILED;
	return ws_err[e].rc;
}

/* Where a frame may come (RFC 6455 5.4, 5.5): control frames whole and
 * short, anywhere; continuations only inside a message, which nothing but
 * continuations and control frames may interrupt. */
static int dec_sequence(struct mbl_ws_dec *d, unsigned len7)
{
	if (op_control(d->op) && !d->fin)
		return dec_fail(d, MBL_WS_ERR_ctl_frag);
	if (op_control(d->op) && len7 > MBL_WS_CTL_MAX)
		return dec_fail(d, MBL_WS_ERR_ctl_len);
	if (d->op == MBL_WS_OP_CONT && d->msg_op == 0)
		return dec_fail(d, MBL_WS_ERR_cont);
	if (!op_control(d->op) && d->op != MBL_WS_OP_CONT && d->msg_op != 0)
		return dec_fail(d, MBL_WS_ERR_interleave);
	return 0;
}

/* The first two bytes (RFC 6455 5.2), checked before anything else is read. */
static int dec_hdr1(struct mbl_ws_dec *d)
{
	unsigned len7 = d->hdr[1] & WS_LEN7;

	d->fin = (d->hdr[0] & WS_FIN) != 0;
	d->op = d->hdr[0] & 0x0f;
	d->masked = (d->hdr[1] & WS_MASK) != 0;
	if (d->hdr[0] & WS_RSV)
		return dec_fail(d, MBL_WS_ERR_rsv); /* no extension negotiated */
	if (!op_known(d->op))
		return dec_fail(d, MBL_WS_ERR_opcode);
	/* RFC 6455 5.1: client-to-server frames masked, the others not. */
	if (d->role == MBL_WS_SERVER && !d->masked)
		return dec_fail(d, MBL_WS_ERR_unmasked);
	if (d->role == MBL_WS_CLIENT && d->masked)
		return dec_fail(d, MBL_WS_ERR_masked);
	if (dec_sequence(d, len7) < 0)
		return ws_err[d->err].rc;
	d->hdr_need = (uint8_t)(2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + (d->masked ? 4 : 0));
	d->state = DEC_HDR2;
	return 0;
}

/* Extended length and masking key: the frame's size is known from here. */
static int dec_hdr2(struct mbl_ws_dec *d)
{
	unsigned len7 = d->hdr[1] & WS_LEN7, i, n = 2;
	uint64_t len = len7;

	if (len7 >= 126) {
		unsigned bytes = len7 == 126 ? 2 : 8;

		for (len = 0, i = 0; i < bytes; i++)
			len = len << 8 | d->hdr[n++];
		/* RFC 6455 5.2: the most significant bit must be 0, and "the
		 * minimal number of bytes MUST be used". */
		if (len >> 63 || len < (len7 == 126 ? 126u : 65536u))
			return dec_fail(d, MBL_WS_ERR_length);
	}
	if (d->masked)
		memcpy(d->mask, d->hdr + n, 4);
	if (!op_control(d->op) && len > d->max_msg - d->msg_len)
		return dec_fail(d, MBL_WS_ERR_too_big); /* before reading it */
	d->plen = len;
	d->pos = 0;
	d->state = DEC_PAYLOAD;
	return 0;
}

/* A Close payload (RFC 6455 5.5.1): empty, or a code and a UTF-8 reason. */
static int dec_close(struct mbl_ws_dec *d, struct mbl_ws_ev *ev)
{
	size_t n = (size_t)d->plen;
	uint16_t code = MBL_WS_CLOSE_NO_STATUS;

	if (n == 1)
		return dec_fail(d, MBL_WS_ERR_close_len);
	if (n >= 2) {
		code = (uint16_t)(d->ctl[0] << 8 | d->ctl[1]);
		if (!close_code_ok(code))
			return dec_fail(d, MBL_WS_ERR_close_code);
		if (!mbl_ws_utf8_valid(d->ctl + 2, n - 2))
			return dec_fail(d, MBL_WS_ERR_utf8);
	}
	ev->type = MBL_WS_EV_CLOSE;
	ev->code = code;
	ev->data = d->ctl + (n >= 2 ? 2 : 0);
	ev->len = n >= 2 ? n - 2 : 0;
	d->state = DEC_CLOSED;
	return MBL_WS_EV_CLOSE;
}

static int dec_control(struct mbl_ws_dec *d, struct mbl_ws_ev *ev)
{
	if (d->op == MBL_WS_OP_CLOSE)
		return dec_close(d, ev);
	ev->type = d->op == MBL_WS_OP_PING ? MBL_WS_EV_PING : MBL_WS_EV_PONG;
	ev->data = d->ctl;
	ev->len = (size_t)d->plen;
	return ev->type;
}

/* A data frame ended: a message when it had FIN (RFC 6455 5.4). */
static int dec_data(struct mbl_ws_dec *d, struct mbl_ws_ev *ev)
{
	d->msg_len += (size_t)d->plen;
	if (d->op != MBL_WS_OP_CONT)
		d->msg_op = d->op;
	if (!d->fin)
		return MBL_WS_EV_NONE;
	/* RFC 6455 8.1: a text message that is not UTF-8 fails the connection. */
	if (d->msg_op == MBL_WS_OP_TEXT && !mbl_ws_utf8_valid(d->buf, d->msg_len))
		return dec_fail(d, MBL_WS_ERR_utf8);
	d->buf[d->msg_len] = 0;
	ev->type = MBL_WS_EV_MSG;
	ev->binary = d->msg_op == MBL_WS_OP_BINARY;
	ev->data = d->buf;
	ev->len = d->msg_len;
	d->msg_len = 0;
	d->msg_op = 0;
	return MBL_WS_EV_MSG;
}

static int dec_frame_end(struct mbl_ws_dec *d, struct mbl_ws_ev *ev)
{
	d->state = DEC_HDR1;
	d->hdr_len = 0;
	d->hdr_need = 2;
	d->frames++;
	return op_control(d->op) ? dec_control(d, ev) : dec_data(d, ev);
}

/* Collect header bytes; check each part as soon as it is whole. */
static int dec_header(struct mbl_ws_dec *d, const uint8_t *in, size_t len, size_t *n,
		      struct mbl_ws_ev *ev)
{
	size_t take = MBL_MIN(len, (size_t)(d->hdr_need - d->hdr_len));
	int rc;

	memcpy(d->hdr + d->hdr_len, in, take);
	d->hdr_len = (uint8_t)(d->hdr_len + take);
	*n = take;
	if (d->hdr_len < d->hdr_need)
		return MBL_WS_EV_NONE;
	if (d->state == DEC_HDR1) {
		rc = dec_hdr1(d);
		/* A 2-byte header (unmasked, short) is whole already. */
		if (rc < 0 || d->hdr_len < d->hdr_need)
			return rc;
	}
	rc = dec_hdr2(d);
	if (rc < 0)
		return rc;
	return d->plen == 0 ? dec_frame_end(d, ev) : MBL_WS_EV_NONE;
}

/* Copy payload bytes where they belong (control frames to d->ctl, data to
 * the message being assembled), unmasking them (RFC 6455 5.3). */
static int dec_payload(struct mbl_ws_dec *d, const uint8_t *in, size_t len, size_t *n,
		       struct mbl_ws_ev *ev)
{
	uint8_t *dst = (op_control(d->op) ? d->ctl : d->buf + d->msg_len) + d->pos;
	size_t take = (size_t)MBL_MIN((uint64_t)len, d->plen - d->pos);

	memcpy(dst, in, take);
	if (d->masked)
		mbl_ws_mask(dst, take, d->mask, d->pos);
	d->pos += take;
	*n = take;
	return d->pos == d->plen ? dec_frame_end(d, ev) : MBL_WS_EV_NONE;
}

int mbl_ws_dec_next(struct mbl_ws_dec *d, const uint8_t *in, size_t len, size_t *used,
		    struct mbl_ws_ev *ev)
{
	size_t off = 0, n;
	int rc = MBL_WS_EV_NONE;

	if (d == NULL || used == NULL || ev == NULL || (in == NULL && len != 0))
		return -EINVAL;
	*used = 0;
	memset(ev, 0, sizeof(*ev));
	if (d->state == DEC_FAILED)
		return ws_err[d->err].rc; /* sticky: the stream cannot resync */
	if (d->state == DEC_CLOSED)
		return dec_fail(d, MBL_WS_ERR_closed);
	while (rc == MBL_WS_EV_NONE && off < len) {
		if (d->state == DEC_PAYLOAD)
			rc = dec_payload(d, in + off, len - off, &n, ev);
		else
			rc = dec_header(d, in + off, len - off, &n, ev);
		off += n;
	}
	*used = off;
	return rc;
}
