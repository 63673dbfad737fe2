/* SPDX-License-Identifier: BSD-3-Clause
 * SIP message parse + validation (module-internal: osip2 types are allowed
 * here because this header never leaves lib/sip).
 *
 * osip2 parses far more than RFC 3261 allows and silently drops what it does
 * not understand (a second name-addr after a comma in To, junk after '>',
 * empty list elements). So a message goes through three steps:
 *   1. one raw pass over the start line and the header lines (framing, the
 *      start line, header names, the shape of To/From/Contact/Via values,
 *      how often each single-instance header occurs) - the things osip2 loses;
 *   2. osip_message_parse;
 *   3. one pass over osip2's structures (URIs, hosts, scalars, then the UAS
 *      decisions of RFC 3261 8.2: 501, 416, 420, 415, 406).
 * The first failing check gives the verdict. Every reason phrase is static
 * text (never message bytes), listed once in MBL_SIP_MSG_ERR_LIST.
 *
 * Threads: any thread may parse; nothing is shared except osip2's parser
 * table, built once by mbl_sip_msg_init().
 */
#ifndef MBL_SIP_MSG_H
#define MBL_SIP_MSG_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <osipparser2/osip_parser.h>

/* ---- verdicts ------------------------------------------------------------
 * X(enum tail, status a request gets, reason phrase). Status 0 means the
 * message is never answered (dropped). For a response every error is a drop
 * (a response is never answered; RFC 3261 18.3 discards a malformed one),
 * and so is any error in an ACK (an ACK never gets a response, RFC 3261 17);
 * the err value still says why, for the counters. Order here is documentation only: the check
 * order is in sip_msg.c. */
#define MBL_SIP_MSG_ERR_LIST(X)                                                \
	X(OK, 0, "OK")                                                         \
	X(EMPTY, 0, "Empty Message")                                           \
	X(BAD_STATUS_LINE, 0, "Bad Status-Line")                               \
	X(BAD_REQUEST_LINE, 400, "Bad Request-Line")                           \
	X(BAD_REQUEST_URI, 400, "Bad Request-URI")                             \
	X(UNBRACKETED_IPV6, 400, "Unbracketed IPv6 Address")                   \
	X(BAD_VERSION, 505, "Version Not Supported")                           \
	X(BAD_HEADER_LINE, 400, "Bad Header Line")                             \
	X(NUL_IN_HEADER, 400, "NUL Byte In Header")                            \
	X(NO_EMPTY_LINE, 400, "Missing Empty Line")                            \
	X(BAD_VIA, 400, "Bad Via Header")                                      \
	X(BAD_FROM, 400, "Bad From Header")                                    \
	X(BAD_TO, 400, "Bad To Header")                                        \
	X(BAD_CONTACT, 400, "Bad Contact Header")                              \
	X(BAD_CALL_ID, 400, "Bad Call-ID Header")                              \
	X(BAD_CSEQ, 400, "Bad CSeq Header")                                    \
	X(BAD_CSEQ_NUMBER, 400, "Bad CSeq Number")                             \
	X(CSEQ_MISMATCH, 400, "CSeq Method Mismatch")                          \
	X(DUP_TO, 400, "Duplicate To Header")                                  \
	X(DUP_FROM, 400, "Duplicate From Header")                              \
	X(DUP_CALL_ID, 400, "Duplicate Call-ID Header")                        \
	X(DUP_CSEQ, 400, "Duplicate CSeq Header")                              \
	X(DUP_CONTENT_LENGTH, 400, "Duplicate Content-Length Header")          \
	X(DUP_CONTENT_TYPE, 400, "Duplicate Content-Type Header")              \
	X(DUP_MAX_FORWARDS, 400, "Duplicate Max-Forwards Header")              \
	X(MISSING_TO, 400, "Missing To Header")                                \
	X(MISSING_FROM, 400, "Missing From Header")                            \
	X(MISSING_CALL_ID, 400, "Missing Call-ID Header")                      \
	X(MISSING_CSEQ, 400, "Missing CSeq Header")                            \
	X(MISSING_VIA, 400, "Missing Via Header")                              \
	X(BAD_CONTENT_LENGTH, 400, "Bad Content-Length")                       \
	X(SHORT_BODY, 400, "Body Shorter Than Content-Length")                 \
	X(MISSING_CONTENT_LENGTH, 400, "Missing Content-Length")               \
	X(BAD_MAX_FORWARDS, 400, "Bad Max-Forwards")                           \
	X(BAD_CONTENT_TYPE, 400, "Bad Content-Type")                           \
	X(MISSING_CONTENT_TYPE, 400, "Missing Content-Type")                   \
	X(BAD_RETRY_AFTER, 400, "Bad Retry-After")                             \
	X(BAD_WARNING, 400, "Bad Warning Header")                              \
	X(MALFORMED, 400, "Malformed Message")                                 \
	X(METHOD, 501, "Not Implemented")                                      \
	X(SCHEME, 416, "Unsupported URI Scheme")                               \
	X(EXTENSION, 420, "Bad Extension")                                     \
	X(MEDIA_TYPE, 415, "Unsupported Media Type")                           \
	X(ENCODING, 415, "Unsupported Media Type")                             \
	X(NOT_ACCEPTABLE, 406, "Not Acceptable")                               \
	X(NOMEM, 0, "Out Of Memory")                                           \
	X(BAD_FRAME, 0, "Bad Stream Frame")

#define MBL_SIP_MSG_ERR_ENUM_(e, s, r) MBL_SIP_MSG_##e,
enum mbl_sip_msg_err { MBL_SIP_MSG_ERR_LIST(MBL_SIP_MSG_ERR_ENUM_) MBL_SIP_MSG_ERR_MAX };
#undef MBL_SIP_MSG_ERR_ENUM_

enum mbl_sip_verdict_kind { MBL_SIP_ACCEPT, MBL_SIP_REJECT, MBL_SIP_DROP };

#define MBL_SIP_VERDICT_HDR_MAX 128

struct mbl_sip_verdict {
	enum mbl_sip_verdict_kind kind;
	int status;             /* REJECT: 400..599; ACCEPT and DROP: 0 */
	const char *reason;     /* static reason phrase ("OK" on ACCEPT) */
	enum mbl_sip_msg_err err; /* why, for counters (MBL_SIP_MSG_OK on ACCEPT) */
	/* One extra header line for the error response, without CRLF, or "":
	 * "Unsupported: a, b" (420), "Accept: application/sdp" (415, 406),
	 * "Accept-Encoding: identity" (415 for an encoding), "Allow: ..." (501). */
	char hdr[MBL_SIP_VERDICT_HDR_MAX];
};

/* Reason phrase / status of an err value ("Unknown" / 0 when out of range). */
const char *mbl_sip_msg_err_reason(enum mbl_sip_msg_err err);
int mbl_sip_msg_err_status(enum mbl_sip_msg_err err);

/* Build osip2's parser table (parser_init) exactly once per process and
 * switch osip2's traces off (by default they go to stdout; a flood of bad
 * packets must not become a flood of output; this is process-wide, so it
 * also silences the traces of osip2's SDP parser). Idempotent and thread-safe (pthread_once); parse calls
 * it too, so calling it first is only a way to see the error early.
 * Returns 0, or -ENOMEM when osip2 could not build its table. */
int mbl_sip_msg_init(void);
/* sip_alloc.c: osip2's blocks from per-thread size-class free lists
 * (called by mbl_sip_msg_init before osip allocates; not in sanitizer
 * builds). */
void mbl_sip_alloc_install(void);

/* Parse and validate one SIP message as a UAS receives it.
 *
 * buf[len] is a UDP datagram (stream false) or one frame of a stream
 * transport (stream true). A WebSocket message is parsed as a datagram
 * (stream false): it delimits the SIP message, so Content-Length is
 * optional there (RFC 7118 5.1). Leading CRLFs are skipped in both (RFC
 * 3261 7.5).
 *  - datagram: with a Content-Length the body is that many octets: more
 *    octets after it are ignored (RFC 3261 18.3), fewer is a 400. Without
 *    one, the body runs to the end of the datagram (CRLFs alone count as no
 *    body).
 *  - stream: the caller frames (mbl_sip_msg_frame below) and passes exactly
 *    one frame: the header block plus exactly Content-Length octets. When the
 *    frame could not be delimited (Content-Length missing, duplicated, not a
 *    number or negative: RFC 3261 18.3 makes it mandatory on streams) the
 *    caller passes just the header block; the verdict is then a 400 (for a
 *    request) that the transport sends before it closes the connection.
 *    Anything else (no empty line, a body that is not exactly Content-Length
 *    long, e.g. a partial clerr.dat) breaks the contract: -EINVAL.
 *
 * On return *v always holds a verdict and *out is:
 *  - ACCEPT: the parsed message; the caller frees it with osip_message_free.
 *  - REJECT: the parsed message when osip2 could parse it (good enough for
 *    mbl_sip_msg_error_response), else NULL (answer from the raw bytes).
 *  - DROP: NULL.
 * A request whose method osip2 keeps but we do not implement gets 501 after
 * every syntax check has passed, so a 501 also says "well formed".
 *
 * Returns 0 when *v holds the verdict, -EINVAL for NULL arguments or a stream
 * frame that breaks the contract above (*v: DROP, BAD_FRAME), -ENOMEM when
 * osip2 ran out of memory (*v: DROP, NOMEM). Any thread; allocates (osip2). */
int mbl_sip_msg_parse(const char *buf, size_t len, bool stream, osip_message_t **out,
		      struct mbl_sip_verdict *v);

/* Build the complete error response for a request that got REJECT:
 * "SIP/2.0 <status> <reason>", every Via in order, From, To (with a ;tag=
 * added when it has none: RFC 3261 8.2.6.2), Call-ID, CSeq, v->hdr when not
 * empty, "Content-Length: 0", the empty line.
 *
 * From req when it is not NULL (re-serialized by osip2), else from raw[rawlen]
 * by a tolerant line scan: values are copied as received, folded lines joined
 * with one space, compact names written in full; the first From/To/Call-ID/
 * CSeq is used when one is duplicated. A missing From or To is left out.
 * The added tag is derived from Call-ID, CSeq and the top Via (16 hex digits
 * of a 64-bit FNV-1a), so a retransmitted request gets the same response.
 *
 * buf gets the text plus a terminating NUL; returns the length without the
 * NUL (use it: a quoted-pair NUL of the request, RFC 3261 25.1, is copied),
 * -ENOSPC when buf is too small, -EINVAL when v is not a REJECT, the request
 * is an ACK, the message is a response, or no Via, Call-ID or CSeq can be
 * found (the caller then drops the request and counts it). */
int mbl_sip_msg_error_response(const osip_message_t *req, const char *raw, size_t rawlen,
			       const struct mbl_sip_verdict *v, char *buf, size_t len);

/* Stream framing helper for transports (RFC 3261 18.3: Content-Length frames
 * messages on a stream). Looks at buf[len], the unread bytes of a stream:
 *  1        a whole frame is there: *frame_len = its length (leading CRLFs,
 *           header block, Content-Length octets);
 *  0        not yet (no empty line yet, or the body is not complete);
 *  -EBADMSG the frame cannot be delimited (Content-Length missing, duplicated,
 *           not a number, negative, or above 2^31): *frame_len = length of the
 *           header block, which the transport passes to mbl_sip_msg_parse for
 *           a 400 before it closes the connection.
 * Keepalive CRLFs alone (RFC 5626 3.5.1) are "not yet": the transport answers
 * them itself. A transport must also cap how long it waits and how large a
 * header block may grow. */
int mbl_sip_msg_frame(const char *buf, size_t len, size_t *frame_len);

#endif /* MBL_SIP_MSG_H */
