/* SPDX-License-Identifier: BSD-3-Clause
 * Writing SDP: our local config checked, the session lines and the audio
 * media section (shared by offers and answers), and mbl_sdp_offer. Lines
 * end in CRLF (RFC 4566 5). The text is built with bounded appends; when
 * anything does not fit the whole buffer is wiped, because it may already
 * hold a=crypto keys.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sdp_priv.h"

/* ---- bounded text ------------------------------------------------------------- */

void mbl_sdp_put(struct mbl_sdp_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->over)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->off, b->len - b->off, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->len - b->off)
		b->over = true;
	else
		b->off += (size_t)n;
}

int mbl_sdp_buf_end(struct mbl_sdp_buf *b)
{
	if (!b->over && b->off <= INT32_MAX)
		return (int)b->off;
	if (b->p != NULL && b->len > 0)
		explicit_bzero(b->p, b->len);
	return -ENOSPC;
}

/* ---- local config -------------------------------------------------------------- */

static int bad(char *why, size_t whylen, const char *what)
{
	if (why != NULL && whylen > 0)
		snprintf(why, whylen, "local SDP config: %s", what);
	return -EINVAL;
}

/* NUL-terminated within cap, non-empty when need, and no blank, control
 * character or '/' that would break or inject SDP lines. */
static bool clean_token(const char *s, size_t cap, bool need)
{
	size_t n = strnlen(s, cap), i;

	if (n == cap || (need && n == 0))
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= ' ' || c == 0x7f || c == '/')
			return false;
	}
	return true;
}

static int check_codecs(const struct mbl_sdp_local *l, char *why, size_t whylen)
{
	bool used[128] = {false};
	unsigned i;

	if (l->n_codecs == 0 || l->n_codecs > MBL_SDP_MAX_CODECS)
		return bad(why, whylen, "want 1 to 8 codecs");
	for (i = 0; i < l->n_codecs; i++) {
		const struct mbl_sdp_codec *c = &l->codecs[i];

		if (!clean_token(c->name, sizeof(c->name), true) || c->clock == 0)
			return bad(why, whylen, "a codec needs a name and a clock rate");
		if (c->pt > 127 || used[c->pt])
			return bad(why, whylen, "codec payload types must be distinct, 0..127");
		/* fmtp may hold blanks (";" lists), but never a line end. */
		if (strnlen(c->fmtp, sizeof(c->fmtp)) == sizeof(c->fmtp) ||
		    strpbrk(c->fmtp, "\r\n") != NULL)
			return bad(why, whylen, "codec fmtp is not one line");
		used[c->pt] = true;
	}
	if (l->dtmf_pt != -1 && (l->dtmf_pt < 0 || l->dtmf_pt > 127 || used[l->dtmf_pt]))
		return bad(why, whylen, "dtmf_pt must be -1 or a free payload type 0..127");
	return 0;
}

static int check_keys(const struct mbl_sdp_local *l, char *why, size_t whylen)
{
	unsigned i, j;

	if (l->n_crypto == 0 || l->n_crypto > MBL_SDP_MAX_CRYPTO)
		return bad(why, whylen, "sdes and dual need 1 to 8 SRTP keys");
	for (i = 0; i < l->n_crypto; i++) {
		if (mbl_srtp_suite_get(l->crypto[i].suite) == NULL)
			return bad(why, whylen, "an SRTP key has no valid suite");
		for (j = 0; j < i; j++)
			if (l->crypto[j].suite == l->crypto[i].suite)
				return bad(why, whylen, "one SRTP key per suite");
	}
	return 0;
}

static int check_fingerprint(const struct mbl_sdp_local *l, char *why, size_t whylen)
{
	char v[8 + MBL_SDP_FP_LEN], alg[8], fp[MBL_SDP_FP_LEN], e[96];

	if (strnlen(l->fingerprint, sizeof(l->fingerprint)) == sizeof(l->fingerprint))
		return bad(why, whylen, "fingerprint is not terminated");
	snprintf(v, sizeof(v), "sha-256 %s", l->fingerprint);
	if (mbl_sdp_attr_fingerprint(v, alg, fp, e, sizeof(e)) != 0)
		return bad(why, whylen, "dtls and dual need our sha-256 fingerprint 'AB:CD:..'");
	return 0;
}

static int check_scalars(const struct mbl_sdp_local *l, char *why, size_t whylen)
{
	uint8_t ip[16];

	if ((unsigned)l->enc >= MBL_SDP_ENC_MAX || (unsigned)l->policy >= MBL_SDP_POLICY_MAX ||
	    (unsigned)l->dir >= MBL_SDP_DIR_MAX)
		return bad(why, whylen, "mode, policy or direction out of range");
	if (l->policy == MBL_SDP_POLICY_REQUIRED && l->enc == MBL_SDP_ENC_NONE)
		return bad(why, whylen, "policy required needs mode sdes, dtls or dual");
	if (l->port == 0)
		return bad(why, whylen, "media port 0");
	if (strnlen(l->addr, sizeof(l->addr)) == sizeof(l->addr) ||
	    (inet_pton(AF_INET, l->addr, ip) != 1 && inet_pton(AF_INET6, l->addr, ip) != 1))
		return bad(why, whylen, "media address is not IPv4 or IPv6 text");
	if (!clean_token(l->user, sizeof(l->user), false))
		return bad(why, whylen, "o= user must have no blanks");
	if (l->ptime > 1000)
		return bad(why, whylen, "ptime above 1000 ms");
	return 0;
}

int mbl_sdp_local_check(const struct mbl_sdp_local *l, char *why, size_t whylen)
{
	enum mbl_sdp_enc e;
	int rc;

	if (l == NULL)
		return bad(why, whylen, "missing");
	rc = check_scalars(l, why, whylen);
	if (rc == 0)
		rc = check_codecs(l, why, whylen);
	e = mbl_sdp_local_enc(l);
	if (rc == 0 && (e == MBL_SDP_ENC_SDES || e == MBL_SDP_ENC_DUAL))
		rc = check_keys(l, why, whylen);
	if (rc == 0 && (e == MBL_SDP_ENC_DTLS || e == MBL_SDP_ENC_DUAL))
		rc = check_fingerprint(l, why, whylen);
	if (rc == 0)
		rc = mbl_sdp_local_check_ice(l, why, whylen);
	return rc;
}

enum mbl_sdp_enc mbl_sdp_local_enc(const struct mbl_sdp_local *l)
{
	return l->policy == MBL_SDP_POLICY_OFF ? MBL_SDP_ENC_NONE : l->enc;
}

/* ---- text ----------------------------------------------------------------------- */

static const char *addr_type(const char *addr)
{
	return strchr(addr, ':') != NULL ? "IP6" : "IP4";
}

void mbl_sdp_put_session(struct mbl_sdp_buf *b, const struct mbl_sdp_local *l)
{
	const char *at = addr_type(l->addr);

	mbl_sdp_put(b, "v=0\r\n");
	mbl_sdp_put(b, "o=%s %" PRIu64 " %" PRIu64 " IN %s %s\r\n", l->user[0] ? l->user : "-",
		    l->sess_id, l->sess_ver, at, l->addr);
	mbl_sdp_put(b, "s=mediablast\r\n");
	mbl_sdp_put(b, "c=IN %s %s\r\n", at, l->addr);
	mbl_sdp_put(b, "t=0 0\r\n");
}

static void put_codecs(struct mbl_sdp_buf *b, const struct mbl_sdp_msec *m)
{
	unsigned i;

	for (i = 0; i < m->n_codecs; i++) {
		const struct mbl_sdp_codec *c = &m->codecs[i];

		if (c->channels > 1)
			mbl_sdp_put(b, "a=rtpmap:%u %s/%u/%u\r\n", c->pt, c->name, c->clock,
				    c->channels);
		else
			mbl_sdp_put(b, "a=rtpmap:%u %s/%u\r\n", c->pt, c->name, c->clock);
		if (c->fmtp[0] != '\0')
			mbl_sdp_put(b, "a=fmtp:%u %s\r\n", c->pt, c->fmtp);
	}
	if (m->dtmf_pt >= 0) {
		/* RFC 4733 7.1.1: events 0-16 are the DTMF digits and flash. */
		mbl_sdp_put(b, "a=rtpmap:%d telephone-event/%u\r\n", m->dtmf_pt, m->dtmf_clock);
		mbl_sdp_put(b, "a=fmtp:%d 0-16\r\n", m->dtmf_pt);
	}
}

/* a=crypto lines; the formatted key is wiped from the stack afterwards. */
static void put_keys(struct mbl_sdp_buf *b, const struct mbl_sdp_msec *m)
{
	char v[160];
	unsigned i;

	for (i = 0; i < m->n_keys; i++) {
		struct mbl_srtp_crypto_attr a = {.tag = m->first_tag + (int)i, .key = m->keys[i]};

		if (mbl_srtp_sdes_format(&a, v, sizeof(v)) < 0)
			b->over = true;
		else
			mbl_sdp_put(b, "a=crypto:%s\r\n", v);
		explicit_bzero(&a, sizeof(a));
	}
	explicit_bzero(v, sizeof(v));
}

void mbl_sdp_put_media(struct mbl_sdp_buf *b, const struct mbl_sdp_msec *m)
{
	unsigned i;

	mbl_sdp_put(b, "m=audio %u %s", m->port, m->proto);
	for (i = 0; i < m->n_codecs; i++)
		mbl_sdp_put(b, " %u", m->codecs[i].pt);
	if (m->dtmf_pt >= 0)
		mbl_sdp_put(b, " %d", m->dtmf_pt);
	mbl_sdp_put(b, "\r\n");
	put_codecs(b, m);
	if (m->ptime > 0)
		mbl_sdp_put(b, "a=ptime:%u\r\n", m->ptime);
	if (m->rtcp_mux)
		mbl_sdp_put(b, "a=rtcp-mux\r\n");
	if (m->rtcp_fb) /* RFC 4585 4.2: generic NACK, and PLI */
		mbl_sdp_put(b, "a=rtcp-fb:* nack\r\na=rtcp-fb:* nack pli\r\n");
	if (m->mid != NULL)
		mbl_sdp_put(b, "a=mid:%s\r\n", m->mid);
	if (m->ice != NULL)
		mbl_sdp_put_media_ice(b, m->ice);
	put_keys(b, m);
	if (m->fingerprint != NULL) {
		mbl_sdp_put(b, "a=fingerprint:sha-256 %s\r\n", m->fingerprint);
		mbl_sdp_put(b, "a=setup:%s\r\n", mbl_sdp_setup_name(m->setup));
	}
	mbl_sdp_put(b, "a=%s\r\n", mbl_sdp_dir_name(m->dir));
}

/* ---- the offer -------------------------------------------------------------------- */

int mbl_sdp_offer(const struct mbl_sdp_local *l, char *buf, size_t len)
{
	struct mbl_sdp_buf b = {.p = buf, .len = len};
	enum mbl_sdp_enc e;
	struct mbl_sdp_msec m;

	if (buf == NULL || len == 0)
		return -ENOSPC;
	buf[0] = '\0';
	if (mbl_sdp_local_check(l, NULL, 0) < 0)
		return -EINVAL;
	e = mbl_sdp_local_enc(l);
	m = (struct mbl_sdp_msec){
		.port = l->port,
		.proto = mbl_sdp_profile(e, l->avpf),
		.codecs = l->codecs,
		.n_codecs = l->n_codecs,
		.dtmf_pt = l->dtmf_pt,
		.dtmf_clock = 8000,
		.ptime = l->ptime,
		.rtcp_mux = l->rtcp_mux,
		.rtcp_fb = l->avpf,
		.first_tag = 1,
		.dir = l->dir,
		.mid = l->bundle ? "0" : NULL,
		.ice = l->ice != MBL_SDP_ICE_OFF ? l : NULL,
	};
	if (e == MBL_SDP_ENC_SDES || e == MBL_SDP_ENC_DUAL) {
		m.keys = l->crypto;
		m.n_keys = l->n_crypto;
	}
	if (e == MBL_SDP_ENC_DTLS || e == MBL_SDP_ENC_DUAL) {
		m.fingerprint = l->fingerprint; /* RFC 5763 5: the offerer says actpass */
		m.setup = MBL_SDP_SETUP_ACTPASS;
	}
	mbl_sdp_put_session(&b, l);
	mbl_sdp_put_session_ice(&b, l->ice == MBL_SDP_ICE_LITE, m.mid);
	mbl_sdp_put_media(&b, &m);
	return mbl_sdp_buf_end(&b);
}
