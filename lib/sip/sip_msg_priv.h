/* SPDX-License-Identifier: BSD-3-Clause
 * Internals shared by sip_msg*.c: character classes, the raw header-line
 * scanner (one pass over the start line and the header block, before osip2
 * sees the message) and the checks on osip2's structures.
 */
#ifndef MBL_SIP_MSG_PRIV_H
#define MBL_SIP_MSG_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip_msg.h"

/* ---- character classes (RFC 3261 25.1) ------------------------------------ */
#define SIP_C_TOKEN 0x01  /* token: alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" */
#define SIP_C_WORD 0x02   /* word (Call-ID): token chars plus ( ) < > : \ " / [ ] ? { } */
#define SIP_C_HOST 0x04   /* hostname: alphanum / "-" / "." (and "_", see sip_msg_scan.c) */
#define SIP_C_DIGIT 0x08
#define SIP_C_ALPHA 0x10
#define SIP_C_SCHEME 0x20 /* scheme after its first letter: alphanum / "+" / "-" / "." */

extern const uint8_t mbl_sip_chr[256];

static inline bool sip_is(char c, uint8_t cls)
{
	return (mbl_sip_chr[(unsigned char)c] & cls) != 0;
}

static inline bool sip_is_lws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* ---- header lines --------------------------------------------------------- */
enum sip_hk {
	SIP_HK_OTHER,
	SIP_HK_VIA,
	SIP_HK_FROM,
	SIP_HK_TO,
	SIP_HK_CALL_ID,
	SIP_HK_CSEQ,
	SIP_HK_CONTENT_LENGTH,
	SIP_HK_CONTENT_TYPE,
	SIP_HK_MAX_FORWARDS,
	SIP_HK_CONTACT,
	SIP_HK_MAX
};

struct sip_span {
	const char *p;
	size_t len;
};

/* One header field as received: the value may span folded lines (it keeps
 * their CRLF + whitespace; the checkers treat CR and LF as whitespace). */
struct sip_hdr {
	enum sip_hk kind;
	struct sip_span name;   /* trimmed */
	struct sip_span value;  /* after the colon, untrimmed, without the final CRLF */
};

struct sip_hdr_it {
	const char *p;
	const char *end;
};

enum {
	SIP_IT_HDR = 1,   /* *h holds the next field */
	SIP_IT_BLANK = 0, /* the empty line: it->p is the first body byte */
	SIP_IT_EOF = -1,  /* the bytes ended before the empty line */
	SIP_IT_BAD = -2,  /* a line with no colon or a name that is not a token; skipped */
};

/* Next header field at it->p (it starts just after the start line). */
int mbl_sip_hdr_next(struct sip_hdr_it *it, struct sip_hdr *h);

/* Content-Length value: 1*DIGIT with surrounding LWS, at most 2^31 - 1;
 * -1 when it is anything else (negative, empty, "13, 5", too large). */
long mbl_sip_cl_value(struct sip_span v);

/* Skip leading CR / LF (RFC 3261 7.5); returns the first other byte. */
const char *mbl_sip_skip_crlf(const char *p, const char *end);

/* ---- the raw pass ---------------------------------------------------------- */
struct sip_scan {
	const char *msg;        /* first byte after leading CRLFs */
	size_t msg_len;         /* bytes from msg to the end of the buffer */
	struct sip_span line;   /* start line without its line end */
	struct sip_span method; /* request: method and Request-URI when the */
	struct sip_span ruri;   /* request line had the right shape */
	size_t hdr_len;         /* msg .. first body byte; 0: no empty line */
	bool response;
	bool nul_in_qp;         /* some header has a quoted-pair NUL (osip2 needs a copy) */
	enum mbl_sip_msg_err line_err; /* start line verdict */
	enum mbl_sip_msg_err hdr_err;  /* first problem in the header lines */
	uint8_t count[SIP_HK_MAX];     /* occurrences (saturates at 255) */
	struct sip_span first[SIP_HK_MAX]; /* value of the first occurrence */
};

/* One pass over buf[len]: start line, header lines, NUL bytes. */
void mbl_sip_scan(struct sip_scan *sc, const char *buf, size_t len);

/* Is the Request-URI scheme one we serve (sip, sips, tel: RFC 3261 8.2.2.1)? */
bool mbl_sip_scheme_ok(const char *s, size_t len);

/* ---- checks on osip2's structures ------------------------------------------ */
/* One pass over the parsed message. body_len is the body osip2 was given.
 * Returns the first problem (MBL_SIP_MSG_OK if none) and, for 501, 420, 415
 * and 406, writes the extra header line into hdr[MBL_SIP_VERDICT_HDR_MAX]. */
enum mbl_sip_msg_err mbl_sip_check(const osip_message_t *m, bool response, size_t body_len,
				   char *hdr);

#endif /* MBL_SIP_MSG_PRIV_H */
