/* SPDX-License-Identifier: BSD-3-Clause
 * Engine dispatch for the public SRTP context API (mbl_srtp.h).
 *
 * Checks every engine would otherwise repeat live here: RTP/RTCP minimum
 * length and version (RFC 3550 5.1, 6.4.1), the context's SSRC, room for
 * the trailer (RFC 3711 3.1 / 3.4: tag and MKI, plus the E|index word for
 * SRTCP) and our key lifetime count (RFC 4568 6.1). The engine behind the
 * ops table does the crypto.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "srtp_engine.h"

#define RTP_HDR_LEN 12
#define RTCP_HDR_LEN 8
#define SRTCP_INDEX_LEN 4 /* E bit + 31-bit SRTCP index, RFC 3711 3.4 */
#define PKT_MAX 65535     /* a UDP payload; also keeps engines' int lengths sane */
#define LATE_COPY_MAX 2048 /* late-start retry: packets up to this long (mbl_srtp.h) */

static const struct mbl_srtp_engine_ops *engine_ops(enum mbl_srtp_engine e, char *err,
						     size_t errlen)
{
	switch (e) {
	case MBL_SRTP_ENGINE_LIBSRTP:
		return &mbl_srtp_libsrtp_ops;
	case MBL_SRTP_ENGINE_CRYPTODEV:
		return &mbl_srtp_cdev_ops;
	}
	snprintf(err, errlen, "unknown SRTP engine %d", (int)e);
	return NULL;
}

static int key_check(const struct mbl_srtp_key *k, const struct mbl_srtp_suite_info **si,
		     char *err, size_t errlen)
{
	*si = mbl_srtp_suite_get(k->suite);
	if (*si == NULL) {
		snprintf(err, errlen, "unknown SRTP suite %d", (int)k->suite);
		return -EINVAL;
	}
	if (k->mki_len > MBL_SRTP_MAX_MKI) {
		snprintf(err, errlen, "MKI length %u out of range 0..%d", k->mki_len,
			 MBL_SRTP_MAX_MKI);
		return -EINVAL;
	}
	return 0;
}

struct mbl_srtp_ctx *mbl_srtp_ctx_create(enum mbl_srtp_engine e, const struct mbl_srtp_key *k,
					 uint32_t ssrc, bool outbound, char *err, size_t errlen)
{
	return mbl_srtp_ctx_create_opts(e, k, ssrc, outbound, 0, err, errlen);
}

struct mbl_srtp_ctx *mbl_srtp_ctx_create_opts(enum mbl_srtp_engine e,
					      const struct mbl_srtp_key *k, uint32_t ssrc,
					      bool outbound, unsigned flags, char *err,
					      size_t errlen)
{
	const struct mbl_srtp_engine_ops *ops;
	const struct mbl_srtp_suite_info *si;
	struct mbl_srtp_ctx *c;
	int rc;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (k == NULL) {
		snprintf(err, errlen, "no SRTP key");
		errno = EINVAL;
		return NULL;
	}
	ops = engine_ops(e, err, errlen);
	if (ops == NULL) {
		errno = ENOTSUP;
		return NULL;
	}
	rc = key_check(k, &si, err, errlen);
	if (rc < 0) {
		errno = -rc;
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		snprintf(err, errlen, "out of memory for an SRTP context");
		errno = ENOMEM;
		return NULL;
	}
	c->ops = ops;
	c->suite = si;
	c->ssrc = ssrc;
	c->any_ssrc = !outbound && ssrc == 0;
	c->outbound = outbound;
	c->mki_len = k->mki_len;
	c->lifetime = k->lifetime;
	c->auth_only = (flags & MBL_SRTP_F_AUTH_ONLY) != 0;
	c->session_keys = (flags & MBL_SRTP_F_SESSION_KEYS) != 0;
	if (c->auth_only && outbound) {
		snprintf(err, errlen, "authenticate-only applies to receiving contexts");
		free(c);
		errno = EINVAL;
		return NULL;
	}
	rc = ops->create(c, k, err, errlen);
	if (rc < 0) {
		free(c);
		errno = -rc;
		return NULL;
	}
	return c;
}

int mbl_srtp_ctx_inherit(struct mbl_srtp_ctx *dst, const struct mbl_srtp_ctx *src)
{
	if (dst == NULL || src == NULL || dst->ops != src->ops ||
	    dst->outbound != src->outbound || dst->any_ssrc != src->any_ssrc ||
	    (!dst->any_ssrc && dst->ssrc != src->ssrc))
		return -EINVAL;
	if (dst->ops->inherit == NULL)
		return -ENOTSUP;
	if (src->any_ssrc && src->bound) {
		dst->ssrc = src->ssrc;
		dst->bound = true;
	}
	dst->rx_started = src->rx_started;
	dst->late_roc = src->late_roc;
	return dst->ops->inherit(dst, src);
}

bool mbl_srtp_ctx_rx_started(const struct mbl_srtp_ctx *c)
{
	return c != NULL && c->rx_started;
}

uint32_t mbl_srtp_ctx_first_roc(const struct mbl_srtp_ctx *c)
{
	return c != NULL ? c->late_roc : 0;
}

bool mbl_srtp_ctx_auth_only(const struct mbl_srtp_ctx *c)
{
	return c != NULL && c->auth_only;
}

void mbl_srtp_ctx_free(struct mbl_srtp_ctx *c)
{
	if (c == NULL)
		return;
	c->ops->free(c);
	free(c);
}

static uint32_t be32_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Trailer bytes protect adds: RFC 3711 3.1 (SRTP: MKI, tag), 3.4 (SRTCP:
 * E|index, MKI, tag); RFC 7714 (AEAD: the tag, then E|index). */
static uint32_t trailer_len(const struct mbl_srtp_ctx *c, bool rtcp)
{
	if (rtcp)
		return SRTCP_INDEX_LEN + c->mki_len + c->suite->srtcp_tag_len;
	return (uint32_t)c->mki_len + c->suite->srtp_tag_len;
}

/* Checks shared by all four calls; protect: the call protects. */
static int pkt_check(const struct mbl_srtp_ctx *c, const uint8_t *pkt, const uint32_t *len,
		     bool rtcp, bool protect)
{
	uint32_t min = rtcp ? RTCP_HDR_LEN : RTP_HDR_LEN;

	if (c == NULL || pkt == NULL || len == NULL)
		return -EINVAL;
	if (!protect)
		min += trailer_len(c, rtcp);
	if (protect != c->outbound)
		return -EPERM; /* a protect context never unprotects, and back */
	if (*len < min || *len > PKT_MAX || (pkt[0] >> 6) != 2)
		return -EINVAL;
	if (be32_at(pkt + (rtcp ? 4 : 8)) != c->ssrc && !(c->any_ssrc && !c->bound))
		return -ESRCH;
	if (c->lifetime != 0 && c->n_rtp + c->n_rtcp >= c->lifetime)
		return -EKEYEXPIRED;
	return 0;
}

static int room_check(const struct mbl_srtp_ctx *c, uint32_t len, uint32_t cap, bool rtcp)
{
	/* Never let an engine write past cap: libsrtp assumes room. */
	if (cap < len || cap - len < trailer_len(c, rtcp))
		return -ENOSPC;
	return 0;
}

int mbl_srtp_protect(struct mbl_srtp_ctx *c, uint8_t *pkt, uint32_t *len, uint32_t cap)
{
	int rc = pkt_check(c, pkt, len, false, true);

	if (rc == 0)
		rc = room_check(c, *len, cap, false);
	if (rc == 0)
		rc = c->ops->protect(c, pkt, len);
	if (rc == 0)
		c->n_rtp++;
	return rc;
}

/* An any-SSRC inbound context belongs to the first SSRC that authenticates:
 * later packets from other SSRCs are refused (-ESRCH) as for a specific one. */
static void bind_ssrc(struct mbl_srtp_ctx *c, uint32_t ssrc)
{
	if (c->any_ssrc && !c->bound) {
		c->ssrc = ssrc;
		c->bound = true;
	}
}

/* Late start (mbl_srtp.h): the packet that failed at ROC 0, once more at
 * ROC 1 from its original bytes; back to ROC 0 if that fails too. */
static int late_retry(struct mbl_srtp_ctx *c, uint8_t *pkt, uint32_t *len,
		      const uint8_t *orig, uint32_t olen)
{
	uint32_t ssrc = be32_at(orig + 8);

	if (c->ops->first_roc(c, ssrc, 1) != 0)
		return -EBADMSG;
	memcpy(pkt, orig, olen);
	*len = olen;
	if (c->ops->unprotect(c, pkt, len) == 0) {
		c->late_roc = 1;
		return 0;
	}
	(void)c->ops->first_roc(c, ssrc, 0);
	return -EBADMSG;
}

int mbl_srtp_unprotect(struct mbl_srtp_ctx *c, uint8_t *pkt, uint32_t *len)
{
	int rc = pkt_check(c, pkt, len, false, false);
	uint8_t orig[LATE_COPY_MAX];
	uint32_t olen;
	bool late;

	if (rc != 0)
		return rc;
	olen = *len;
	late = !c->rx_started && c->ops->first_roc != NULL && olen <= sizeof(orig) &&
	       (uint32_t)(pkt[2] << 8 | pkt[3]) < MBL_SRTP_LATE_SEQ_MAX;
	if (late)
		memcpy(orig, pkt, olen);
	rc = c->ops->unprotect(c, pkt, len);
	if (rc == -EBADMSG && late)
		rc = late_retry(c, pkt, len, orig, olen);
	if (rc == 0) {
		c->n_rtp++;
		c->rx_started = true;
		bind_ssrc(c, be32_at(pkt + 8));
	}
	return rc;
}

int mbl_srtp_protect_rtcp(struct mbl_srtp_ctx *c, uint8_t *pkt, uint32_t *len, uint32_t cap)
{
	int rc = pkt_check(c, pkt, len, true, true);

	if (rc == 0)
		rc = room_check(c, *len, cap, true);
	if (rc == 0)
		rc = c->ops->protect_rtcp(c, pkt, len);
	if (rc == 0)
		c->n_rtcp++;
	return rc;
}

int mbl_srtp_unprotect_rtcp(struct mbl_srtp_ctx *c, uint8_t *pkt, uint32_t *len)
{
	int rc = pkt_check(c, pkt, len, true, false);

	if (rc == 0)
		rc = c->ops->unprotect_rtcp(c, pkt, len);
	if (rc == 0) {
		c->n_rtcp++;
		bind_ssrc(c, be32_at(pkt + 4));
	}
	return rc;
}
