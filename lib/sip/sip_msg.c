/* SPDX-License-Identifier: BSD-3-Clause
 * SIP message parse + validation: the raw pass (sip_msg_scan.c), osip2, the
 * checks on osip2's structures (sip_msg_check.c), and the verdict. The first
 * failing check wins, in this order:
 *   start line (400 / 505; a bad status line drops the response),
 *   header lines (names, To / From / Contact / Via shapes, NUL bytes),
 *   duplicated single-instance headers (RFC 3261 7.3.1: To, From, Call-ID,
 *   CSeq, Content-Length, Content-Type, Max-Forwards may appear once),
 *   framing (the empty line, Content-Length against the body: 18.3, 20.14),
 *   missing required headers (8.1.1: To, From, CSeq, Call-ID, Via; a missing
 *   Max-Forwards is tolerated for RFC 2543 peers, RFC 4475 3.4.1),
 *   osip2 itself (a message it cannot parse: 416 when the Request-URI scheme
 *   is one we do not serve, else 400),
 *   then sip_msg_check.c (400s, 501, CSeq method, 416, 420, 415, 406).
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "mbl_common.h"
#include "sip_msg_priv.h"

static const struct {
	int status;
	const char *reason;
} err_info[] = {
#define MBL_SIP_MSG_ERR_INFO_(e, s, r) {s, r},
	MBL_SIP_MSG_ERR_LIST(MBL_SIP_MSG_ERR_INFO_)
#undef MBL_SIP_MSG_ERR_INFO_
};

const char *mbl_sip_msg_err_reason(enum mbl_sip_msg_err err)
{
	return (unsigned int)err < MBL_SIP_MSG_ERR_MAX ? err_info[err].reason : "Unknown";
}

int mbl_sip_msg_err_status(enum mbl_sip_msg_err err)
{
	return (unsigned int)err < MBL_SIP_MSG_ERR_MAX ? err_info[err].status : 0;
}

/* osip2's parser table is process-wide; built once (the only shared state). */
static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_rc;

/* osip2 prints its traces to stdout unless a logger is installed, and its
 * first trace installs that default (re-enabling the levels), so install a
 * sink that drops everything, with every level off: a flood of bad packets
 * must not become a flood of output. */
static void trace_sink(const char *fi, int li, osip_trace_level_t level, const char *fmt,
		       va_list ap)
{
	(void)fi;
	(void)li;
	(void)level;
	(void)fmt;
	(void)ap;
}

static void init_osip(void)
{
	mbl_sip_alloc_install();
	osip_trace_initialize_func(TRACE_LEVEL0, trace_sink);
	init_rc = parser_init() == OSIP_SUCCESS ? 0 : -ENOMEM;
}

int mbl_sip_msg_init(void)
{
	pthread_once(&init_once, init_osip);
	return init_rc;
}

/* ---- verdict ------------------------------------------------------------------ */

static bool is_ack(const struct sip_scan *sc)
{
	return sc->method.len == 3 && memcmp(sc->method.p, "ACK", 3) == 0;
}

static void set_verdict(struct mbl_sip_verdict *v, const struct sip_scan *sc,
			enum mbl_sip_msg_err e)
{
	int status = mbl_sip_msg_err_status(e);

	v->err = e;
	v->reason = mbl_sip_msg_err_reason(e);
	if (e == MBL_SIP_MSG_OK) {
		v->kind = MBL_SIP_ACCEPT;
		v->status = 0;
	} else if (status == 0 || sc == NULL || sc->response || is_ack(sc)) {
		v->kind = MBL_SIP_DROP; /* responses and ACKs get no response */
		v->status = 0;
		v->hdr[0] = '\0';
	} else {
		v->kind = MBL_SIP_REJECT;
		v->status = status;
	}
}

/* ---- framing (RFC 3261 18.3) -------------------------------------------------- */

static bool only_crlf(const char *p, size_t n)
{
	return mbl_sip_skip_crlf(p, p + n) == p + n;
}

/* The body osip2 gets, and any framing error. Returns -EINVAL when a stream
 * frame breaks the contract of mbl_sip_msg_parse. */
static int body_length(const struct sip_scan *sc, bool stream, size_t *body_len,
		       enum mbl_sip_msg_err *err)
{
	uint8_t n_cl = sc->count[SIP_HK_CONTENT_LENGTH];
	long cl = n_cl == 1 ? mbl_sip_cl_value(sc->first[SIP_HK_CONTENT_LENGTH]) : -1;
	size_t avail = sc->msg_len - sc->hdr_len;

	*body_len = 0;
	*err = MBL_SIP_MSG_OK;
	if (sc->hdr_len == 0) {
		*err = MBL_SIP_MSG_NO_EMPTY_LINE;
		return stream ? -EINVAL : 0;
	}
	if (n_cl > 1)
		*err = MBL_SIP_MSG_DUP_CONTENT_LENGTH;
	else if (n_cl == 1 && cl < 0)
		*err = MBL_SIP_MSG_BAD_CONTENT_LENGTH; /* RFC 4475 3.1.2.3 ncl */
	else if (n_cl == 0 && stream)
		*err = MBL_SIP_MSG_MISSING_CONTENT_LENGTH; /* mandatory on streams */
	if (*err != MBL_SIP_MSG_OK)
		return stream && avail != 0 ? -EINVAL : 0; /* header block only */
	if (n_cl == 0) {
		*body_len = only_crlf(sc->msg + sc->hdr_len, avail) ? 0 : avail;
		return 0;
	}
	if (stream && (size_t)cl != avail)
		return -EINVAL;
	if ((size_t)cl > avail) {
		*err = MBL_SIP_MSG_SHORT_BODY; /* RFC 4475 3.1.2.2 clerr */
		*body_len = avail;
		return 0;
	}
	*body_len = (size_t)cl; /* octets after it are ignored (dblreq) */
	return 0;
}

/* ---- what the raw pass found ---------------------------------------------------- */

static const enum mbl_sip_msg_err dup_err[SIP_HK_MAX] = {
	[SIP_HK_FROM] = MBL_SIP_MSG_DUP_FROM,
	[SIP_HK_TO] = MBL_SIP_MSG_DUP_TO,
	[SIP_HK_CALL_ID] = MBL_SIP_MSG_DUP_CALL_ID,
	[SIP_HK_CSEQ] = MBL_SIP_MSG_DUP_CSEQ,
	[SIP_HK_CONTENT_LENGTH] = MBL_SIP_MSG_DUP_CONTENT_LENGTH,
	[SIP_HK_CONTENT_TYPE] = MBL_SIP_MSG_DUP_CONTENT_TYPE,
	[SIP_HK_MAX_FORWARDS] = MBL_SIP_MSG_DUP_MAX_FORWARDS,
};

static const struct {
	enum sip_hk kind;
	enum mbl_sip_msg_err err;
} required[] = {
	{SIP_HK_TO, MBL_SIP_MSG_MISSING_TO},
	{SIP_HK_FROM, MBL_SIP_MSG_MISSING_FROM},
	{SIP_HK_CALL_ID, MBL_SIP_MSG_MISSING_CALL_ID},
	{SIP_HK_CSEQ, MBL_SIP_MSG_MISSING_CSEQ},
	{SIP_HK_VIA, MBL_SIP_MSG_MISSING_VIA},
};

static enum mbl_sip_msg_err scan_err(const struct sip_scan *sc, enum mbl_sip_msg_err framing)
{
	size_t i;

	if (sc->line_err != MBL_SIP_MSG_OK)
		return sc->line_err;
	if (sc->hdr_err != MBL_SIP_MSG_OK)
		return sc->hdr_err;
	for (i = 0; i < SIP_HK_MAX; i++)
		if (sc->count[i] > 1 && dup_err[i] != MBL_SIP_MSG_OK)
			return dup_err[i];
	if (framing != MBL_SIP_MSG_OK)
		return framing;
	for (i = 0; i < MBL_ARRAY_SIZE(required); i++)
		if (sc->count[required[i].kind] == 0)
			return required[i].err;
	return MBL_SIP_MSG_OK;
}

/* osip2 gave up and the raw pass saw nothing wrong: a Request-URI scheme
 * osip2 cannot parse (RFC 4475 3.3.3 novelsc, "soap.beep:") is still a 416. */
static enum mbl_sip_msg_err diagnose(const struct sip_scan *sc)
{
	const char *colon = sc->ruri.p != NULL ? memchr(sc->ruri.p, ':', sc->ruri.len) : NULL;

	if (!sc->response && colon != NULL &&
	    !mbl_sip_scheme_ok(sc->ruri.p, (size_t)(colon - sc->ruri.p)))
		return MBL_SIP_MSG_SCHEME;
	return MBL_SIP_MSG_MALFORMED;
}

/* ---- osip2 ------------------------------------------------------------------------ */

/* osip2 copies the message into a C string, so a quoted-pair NUL (RFC 4475
 * 3.1.1.2 intmeth) would end it early. It gets a copy where that NUL reads
 * "\0" instead: display names take no part in matching (RFC 3261 12.2.1.1,
 * 19.3), so only the text changes. NULs elsewhere were a 400 already. */
static char *copy_without_nul(const struct sip_scan *sc, size_t n)
{
	size_t hdr = sc->hdr_len != 0 ? sc->hdr_len : n, i;
	char *copy = malloc(n);

	if (copy == NULL)
		return NULL;
	memcpy(copy, sc->msg, n);
	for (i = 1; i < hdr; i++)
		if (copy[i] == '\0' && copy[i - 1] == '\\')
			copy[i] = '0';
	return copy;
}

/* *mp = the parsed message, or NULL when osip2 could not parse it.
 * Returns 0 or -ENOMEM. */
static int osip_parse(const struct sip_scan *sc, size_t body_len, osip_message_t **mp)
{
	size_t n = sc->hdr_len != 0 ? sc->hdr_len + body_len : sc->msg_len;
	char *copy = NULL;
	osip_message_t *m;
	int rc;

	*mp = NULL;
	if (sc->nul_in_qp && (copy = copy_without_nul(sc, n)) == NULL)
		return -ENOMEM;
	if (osip_message_init(&m) != OSIP_SUCCESS) {
		free(copy);
		return -ENOMEM;
	}
	rc = osip_message_parse(m, copy != NULL ? copy : sc->msg, n);
	free(copy);
	if (rc != OSIP_SUCCESS) {
		osip_message_free(m);
		return rc == OSIP_NOMEM ? -ENOMEM : 0;
	}
	*mp = m;
	return 0;
}

/* ---- parse --------------------------------------------------------------------------- */

/* The verdict on a scanned message (see the order at the top of the file). */
static int judge(const struct sip_scan *sc, bool stream, osip_message_t **out,
		 struct mbl_sip_verdict *v)
{
	enum mbl_sip_msg_err e, framing;
	osip_message_t *m = NULL;
	size_t body_len;

	if (sc->line_err == MBL_SIP_MSG_EMPTY) {
		set_verdict(v, sc, MBL_SIP_MSG_EMPTY);
		return 0;
	}
	if (body_length(sc, stream, &body_len, &framing) != 0) {
		set_verdict(v, NULL, MBL_SIP_MSG_BAD_FRAME);
		return -EINVAL;
	}
	e = scan_err(sc, framing);
	/* A rejected request still gets parsed: the answer is built from it. */
	if ((e == MBL_SIP_MSG_OK || (!sc->response && !is_ack(sc))) &&
	    osip_parse(sc, body_len, &m) != 0) {
		set_verdict(v, NULL, MBL_SIP_MSG_NOMEM);
		return -ENOMEM;
	}
	if (e == MBL_SIP_MSG_OK)
		e = m != NULL ? mbl_sip_check(m, sc->response, body_len, v->hdr) : diagnose(sc);
	set_verdict(v, sc, e);
	if (v->kind == MBL_SIP_DROP && m != NULL) {
		osip_message_free(m);
		m = NULL;
	}
	*out = m;
	return 0;
}

int mbl_sip_msg_parse(const char *buf, size_t len, bool stream, osip_message_t **out,
		      struct mbl_sip_verdict *v)
{
	struct sip_scan sc;
	int rc;

	if (v == NULL)
		return -EINVAL;
	v->hdr[0] = '\0';
	if (out == NULL || (buf == NULL && len > 0)) {
		set_verdict(v, NULL, MBL_SIP_MSG_BAD_FRAME);
		return -EINVAL;
	}
	*out = NULL;
	if ((rc = mbl_sip_msg_init()) != 0) {
		set_verdict(v, NULL, MBL_SIP_MSG_NOMEM);
		return rc;
	}
	if (len == 0) {
		set_verdict(v, NULL, MBL_SIP_MSG_EMPTY);
		return 0;
	}
	mbl_sip_scan(&sc, buf, len);
	return judge(&sc, stream, out, v);
}
