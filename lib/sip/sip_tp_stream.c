/* SPDX-License-Identifier: BSD-3-Clause
 * Stream framing for SIP over TCP and TLS (RFC 3261 18.3): a message is
 * its headers up to the empty line, then exactly Content-Length body
 * bytes. On a stream the header is mandatory; missing, negative, non-
 * numeric or repeated, or a message above max_msg, is a framing error and
 * the connection cannot be resynchronised, so the caller closes it.
 * CRLFs before a start line are skipped (RFC 3261 7.5); a CRLFCRLF there is
 * an RFC 5626 4.4.1 keepalive ping, reported so the caller can pong.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sip_tp_priv.h"

#define FRAME_INIT_CAP 4096
#define FRAME_MIN_READ 2048

void mbl_sip_tp_frame_init(struct mbl_sip_tp_frame *f, uint32_t max_msg)
{
	memset(f, 0, sizeof(*f));
	f->max_msg = max_msg;
	f->nul_at = SIZE_MAX;
}

void mbl_sip_tp_frame_fini(struct mbl_sip_tp_frame *f)
{
	free(f->buf);
	f->buf = NULL;
	f->cap = 0;
}

static void frame_unterminate(struct mbl_sip_tp_frame *f)
{
	if (f->nul_at != SIZE_MAX) {
		f->buf[f->nul_at] = f->saved;
		f->nul_at = SIZE_MAX;
	}
}

/* Move the unread tail to the front. Costs the size of one partial message
 * at most, once per read that follows handed-out messages. */
static void frame_compact(struct mbl_sip_tp_frame *f)
{
	size_t keep = f->len - f->start;

	if (f->start == 0)
		return;
	if (keep)
		memmove(f->buf, f->buf + f->start, keep);
	f->scan -= f->start;
	f->len = keep;
	f->start = 0;
}

ssize_t mbl_sip_tp_frame_room(struct mbl_sip_tp_frame *f, char **p)
{
	/* Room for max_msg + 1 bytes (so an oversized message is seen as
	 * such) plus the NUL frame_next writes after a message. */
	size_t limit = (size_t)f->max_msg + 2;

	frame_unterminate(f);
	frame_compact(f);
	if (f->len == 0 && f->cap > FRAME_INIT_CAP) {
		/* Idle connections keep a small buffer, not their largest. */
		free(f->buf);
		f->buf = NULL;
		f->cap = 0;
	}
	if (f->cap - f->len < FRAME_MIN_READ + 1 && f->cap < limit) {
		size_t ncap = f->cap ? f->cap * 2 : FRAME_INIT_CAP;
		char *nb;

		if (ncap > limit)
			ncap = limit;
		nb = realloc(f->buf, ncap);
		if (nb == NULL)
			return -ENOMEM;
		f->buf = nb;
		f->cap = ncap;
	}
	/* frame_next reports an error before len can reach cap - 1, as long
	 * as the caller runs it after every commit. */
	if (f->cap - f->len < 2)
		return -EMSGSIZE;
	*p = f->buf + f->len;
	return (ssize_t)(f->cap - f->len - 1);
}

void mbl_sip_tp_frame_commit(struct mbl_sip_tp_frame *f, size_t n)
{
	f->len += n;
}

/* Skip CRLFs at a message boundary. Returns MORE, PING, or MSG meaning "a
 * message starts at f->start". */
static int frame_skip_crlf(struct mbl_sip_tp_frame *f)
{
	while (f->len - f->start >= 1 && f->buf[f->start] == '\r') {
		if (f->len - f->start < 2)
			return MBL_SIP_TP_FR_MORE;
		if (f->buf[f->start + 1] != '\n')
			break; /* not a CRLF: let the header search judge it */
		f->start += 2;
		f->scan = f->start;
		if (++f->crlfs == 2) {
			f->crlfs = 0;
			return MBL_SIP_TP_FR_PING;
		}
	}
	if (f->start == f->len)
		return MBL_SIP_TP_FR_MORE;
	f->crlfs = 0;
	f->in_msg = true;
	return MBL_SIP_TP_FR_MSG;
}

static int frame_err(struct mbl_sip_tp_frame *f, const char *why)
{
	f->why = why;
	return MBL_SIP_TP_FR_ERR;
}

/* Find the end of the headers and the message length. Returns MORE, ERR,
 * or MSG with f->msg_len set. */
static int frame_headers(struct mbl_sip_tp_frame *f)
{
	const char *p, *h = f->buf + f->start;
	size_t cl, hlen;

	p = memmem(f->buf + f->scan, f->len - f->scan, "\r\n\r\n", 4);
	if (p == NULL) {
		/* Resume 3 bytes back: the CRLFCRLF may straddle reads. */
		f->scan = f->len - f->start >= 3 ? f->len - 3 : f->start;
		if (f->len - f->start > f->max_msg)
			return frame_err(f, "headers above max_msg");
		return MBL_SIP_TP_FR_MORE;
	}
	hlen = (size_t)(p + 4 - h);
	if (mbl_sip_tp_content_length(h, hlen, f->max_msg, &cl, &f->why) < 0)
		return MBL_SIP_TP_FR_ERR;
	if (hlen + cl > f->max_msg)
		return frame_err(f, "message above max_msg");
	f->msg_len = hlen + cl;
	return MBL_SIP_TP_FR_MSG;
}

int mbl_sip_tp_frame_next(struct mbl_sip_tp_frame *f, const char **msg, size_t *len)
{
	int rc;

	frame_unterminate(f);
	if (!f->in_msg) {
		rc = frame_skip_crlf(f);
		if (rc != MBL_SIP_TP_FR_MSG)
			return rc;
	}
	if (f->msg_len == 0) {
		rc = frame_headers(f);
		if (rc != MBL_SIP_TP_FR_MSG)
			return rc;
	}
	if (f->len - f->start < f->msg_len)
		return MBL_SIP_TP_FR_MORE;
	*msg = f->buf + f->start;
	*len = f->msg_len;
	f->start += f->msg_len;
	f->nul_at = f->start; /* < cap: room() always keeps one spare byte */
	f->saved = f->buf[f->nul_at];
	f->buf[f->nul_at] = '\0';
	f->scan = f->start;
	f->msg_len = 0;
	f->in_msg = false;
	return MBL_SIP_TP_FR_MSG;
}

/* ---- Content-Length ------------------------------------------------------------ */

static bool is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* LWS = [*WSP CRLF] 1*WSP (RFC 3261 25.1); inside one logical header line
 * CR and LF only ever appear as part of a fold, so skipping them is safe. */
static size_t skip_lws(const char *s, size_t i, size_t end)
{
	while (i < end && (is_wsp(s[i]) || s[i] == '\r' || s[i] == '\n'))
		i++;
	return i;
}

/* Parse the value s[i, end) of one Content-Length header. */
static int cl_value(const char *s, size_t i, size_t end, size_t max, size_t *out,
		    const char **why)
{
	size_t v = 0;

	i = skip_lws(s, i, end);
	if (i < end && s[i] == '-') {
		*why = "negative Content-Length";
		return -EINVAL;
	}
	if (i == end || s[i] < '0' || s[i] > '9') {
		*why = "Content-Length is not a number";
		return -EINVAL;
	}
	for (; i < end && s[i] >= '0' && s[i] <= '9'; i++)
		v = v > max ? max + 1 : v * 10 + (size_t)(s[i] - '0');
	if (skip_lws(s, i, end) != end) {
		*why = "Content-Length is not a number";
		return -EINVAL;
	}
	*out = v > max ? max + 1 : v;
	return 0;
}

/* End of the logical header line starting at i: through its CRLF and every
 * continuation line (one that starts with SP or HT, RFC 3261 7.3.1). */
static size_t line_end(const char *s, size_t i, size_t n, size_t *content_end)
{
	for (;;) {
		const char *nl = memchr(s + i, '\n', n - i);

		if (nl == NULL) {
			*content_end = n;
			return n;
		}
		i = (size_t)(nl - s) + 1;
		if (i >= n || !is_wsp(s[i])) {
			*content_end = i;
			return i;
		}
	}
}

static bool is_cl_name(const char *s, size_t len)
{
	while (len && is_wsp(s[len - 1]))
		len--;
	return (len == 14 && strncasecmp(s, "Content-Length", 14) == 0) ||
	       (len == 1 && (s[0] == 'l' || s[0] == 'L'));
}

int mbl_sip_tp_content_length(const char *h, size_t n, size_t max, size_t *out,
			      const char **why)
{
	const char *nl = memchr(h, '\n', n);
	size_t i = nl ? (size_t)(nl - h) + 1 : n; /* skip the start line */
	bool found = false;

	while (i < n && h[i] != '\r' && h[i] != '\n') {
		size_t end, next = line_end(h, i, n, &end);
		const char *colon = memchr(h + i, ':', end - i);

		/* A line without a colon is the parser's problem, not ours. */
		if (colon && is_cl_name(h + i, (size_t)(colon - h - i))) {
			if (found) {
				*why = "several Content-Length headers";
				return -EINVAL;
			}
			if (cl_value(h, (size_t)(colon - h) + 1, end, max, out, why) < 0)
				return -EINVAL;
			found = true;
		}
		i = next;
	}
	if (!found) {
		*why = "no Content-Length (mandatory on streams, RFC 3261 18.3)";
		return -EINVAL;
	}
	return 0;
}
