/* SPDX-License-Identifier: BSD-3-Clause
 * The libsrtp2 engine: the reference every other engine must match.
 *
 * One srtp_t session per context holding one ssrc_specific stream; libsrtp
 * runs the key derivation (RFC 3711 4.3, RFC 7714) from the master key
 * and salt. libsrtp types stay in this file.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <srtp2/srtp.h>

#include "srtp_engine.h"

#define REPLAY_WINDOW 1024

static pthread_once_t lib_once = PTHREAD_ONCE_INIT;
static srtp_err_status_t lib_status = srtp_err_status_init_fail;

static void lib_init(void)
{
	lib_status = srtp_init();
}

struct lsrtp {
	srtp_t session;
	unsigned int use_mki;
	/* the master key again (secret, wiped at free): a rekey's any-SSRC
	 * receiver adds the SSRC's stream itself to carry the ROC */
	uint8_t master[MBL_SRTP_MAX_KEY + MBL_SRTP_MAX_SALT];
	uint8_t mki[MBL_SRTP_MAX_MKI];
	uint8_t mki_len;
	/* late start (lsrtp_first_roc): the SSRC whose stream we added */
	bool probe;
	uint32_t probe_ssrc;
};

/* Suite -> libsrtp crypto policies (RTP, RTCP). The *_32 suites keep the
 * 80-bit tag on SRTCP (RFC 4568 6.2.2, RFC 6188). libsrtp has no preset
 * for NULL_HMAC_SHA1_32: the 80-bit one with a 4-byte RTP tag is exactly it.
 * Returns false if this libsrtp cannot do the suite. */
static bool suite_policy(enum mbl_srtp_suite s, srtp_crypto_policy_t *rtp,
			 srtp_crypto_policy_t *rtcp)
{
	switch (s) {
	case MBL_SRTP_AES_CM_128_HMAC_SHA1_80:
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(rtp);
		srtp_crypto_policy_set_rtcp_default(rtcp);
		return true;
	case MBL_SRTP_AES_CM_128_HMAC_SHA1_32:
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(rtp);
		srtp_crypto_policy_set_rtcp_default(rtcp);
		return true;
	case MBL_SRTP_AES_192_CM_HMAC_SHA1_80:
		srtp_crypto_policy_set_aes_cm_192_hmac_sha1_80(rtp);
		srtp_crypto_policy_set_aes_cm_192_hmac_sha1_80(rtcp);
		return true;
	case MBL_SRTP_AES_192_CM_HMAC_SHA1_32:
		srtp_crypto_policy_set_aes_cm_192_hmac_sha1_32(rtp);
		srtp_crypto_policy_set_aes_cm_192_hmac_sha1_80(rtcp);
		return true;
	case MBL_SRTP_AES_256_CM_HMAC_SHA1_80:
		srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(rtp);
		srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(rtcp);
		return true;
	case MBL_SRTP_AES_256_CM_HMAC_SHA1_32:
		srtp_crypto_policy_set_aes_cm_256_hmac_sha1_32(rtp);
		srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(rtcp);
		return true;
	case MBL_SRTP_AEAD_AES_128_GCM:
		srtp_crypto_policy_set_aes_gcm_128_16_auth(rtp);
		srtp_crypto_policy_set_aes_gcm_128_16_auth(rtcp);
		return true;
	case MBL_SRTP_AEAD_AES_256_GCM:
		srtp_crypto_policy_set_aes_gcm_256_16_auth(rtp);
		srtp_crypto_policy_set_aes_gcm_256_16_auth(rtcp);
		return true;
	case MBL_SRTP_NULL_HMAC_SHA1_80:
		srtp_crypto_policy_set_null_cipher_hmac_sha1_80(rtp);
		srtp_crypto_policy_set_null_cipher_hmac_sha1_80(rtcp);
		return true;
	case MBL_SRTP_NULL_HMAC_SHA1_32:
		srtp_crypto_policy_set_null_cipher_hmac_sha1_80(rtp);
		rtp->auth_tag_len = 4;
		srtp_crypto_policy_set_null_cipher_hmac_sha1_80(rtcp);
		return true;
	case MBL_SRTP_SUITE_MAX:
		break;
	}
	return false;
}

/* libsrtp status -> MBL_SRTP_ERR_LIST values. */
static int map_status(srtp_err_status_t st)
{
	switch (st) {
	case srtp_err_status_ok:
		return 0;
	case srtp_err_status_auth_fail:
		return -EBADMSG;
	case srtp_err_status_replay_fail:
	case srtp_err_status_replay_old:
	case srtp_err_status_pkt_idx_old:
		return -EALREADY;
	case srtp_err_status_no_ctx:
		return -ESRCH;
	case srtp_err_status_key_expired:
		return -EKEYEXPIRED;
	case srtp_err_status_bad_param:
	case srtp_err_status_parse_err:
	case srtp_err_status_bad_mki:
	default:
		return -EINVAL;
	}
}

static void mki_bytes(const struct mbl_srtp_key *k, uint8_t *out)
{
	for (unsigned int i = 0; i < k->mki_len; i++)
		out[i] = (uint8_t)(k->mki >> (8 * (k->mki_len - 1 - i)));
}

/* The master key buffer libsrtp wants is key || salt (salt 12 bytes for
 * GCM, RFC 7714; 14 otherwise). */
/* One libsrtp policy from l's key: the suite's crypto (pol->rtp/rtcp
 * already filled), SSRC kind and value, MKI. */
static void fill_policy(struct lsrtp *l, srtp_policy_t *pol, srtp_master_key_t *mk,
			srtp_master_key_t **mks, srtp_ssrc_type_t type, uint32_t ssrc)
{
	srtp_crypto_policy_t rtp = pol->rtp, rtcp = pol->rtcp;

	memset(pol, 0, sizeof(*pol));
	pol->rtp = rtp;
	pol->rtcp = rtcp;
	pol->ssrc.type = type;
	pol->ssrc.value = ssrc;
	if (l->mki_len != 0) {
		mk->key = l->master;
		mk->mki_id = l->mki;
		mk->mki_size = l->mki_len;
		pol->keys = mks;
		pol->num_master_keys = 1;
	} else {
		pol->key = l->master;
	}
	pol->window_size = REPLAY_WINDOW;
	pol->allow_repeat_tx = 0;
}

static int lsrtp_create(struct mbl_srtp_ctx *c, const struct mbl_srtp_key *k, char *err,
			size_t errlen)
{
	const struct mbl_srtp_suite_info *si = c->suite;
	srtp_master_key_t mk, *mks[1] = { &mk };
	srtp_policy_t pol;
	srtp_err_status_t st;
	struct lsrtp *l;

	if (c->auth_only) {
		snprintf(err, errlen, "the libsrtp engine cannot authenticate without decrypting: "
				      "use media.srtp_engine=cryptodev for authenticate-only");
		return -ENOTSUP;
	}
	if (c->session_keys) {
		snprintf(err, errlen, "the libsrtp engine takes master keys only (it always runs "
				      "the RFC 3711 key derivation): session keys need the "
				      "cryptodev engine");
		return -ENOTSUP;
	}
	pthread_once(&lib_once, lib_init);
	if (lib_status != srtp_err_status_ok) {
		snprintf(err, errlen, "libsrtp: srtp_init failed (status %d)", (int)lib_status);
		return -EIO;
	}
	if (!suite_policy(si->id, &pol.rtp, &pol.rtcp)) {
		snprintf(err, errlen, "libsrtp engine cannot do suite %s", si->name);
		return -ENOTSUP;
	}
	if (si->key_len > MBL_SRTP_MAX_KEY || si->salt_len > MBL_SRTP_MAX_SALT) {
		snprintf(err, errlen, "suite %s: key/salt sizes out of range", si->name);
		return -EINVAL;
	}
	l = calloc(1, sizeof(*l));
	if (l == NULL) {
		snprintf(err, errlen, "out of memory for a libsrtp context");
		return -ENOMEM;
	}
	memcpy(l->master, k->key, si->key_len);
	memcpy(l->master + si->key_len, k->salt, si->salt_len);
	mki_bytes(k, l->mki);
	l->mki_len = k->mki_len;
	l->use_mki = k->mki_len != 0;
	/* an any-SSRC context: libsrtp adds the stream at the first packet,
	 * and the engine layer lets only that one SSRC through afterwards */
	fill_policy(l, &pol, &mk, mks, c->any_ssrc ? ssrc_any_inbound : ssrc_specific, c->ssrc);
	st = srtp_create(&l->session, &pol);
	if (st != srtp_err_status_ok) {
		snprintf(err, errlen, "libsrtp cannot create a session for suite %s "
				      "(srtp_create status %d)", si->name, (int)st);
		explicit_bzero(l, sizeof(*l));
		free(l);
		return st == srtp_err_status_alloc_fail ? -ENOMEM : -ENOTSUP;
	}
	c->priv = l;
	return 0;
}

static void lsrtp_free(struct mbl_srtp_ctx *c)
{
	struct lsrtp *l = c->priv;

	if (l == NULL)
		return;
	srtp_dealloc(l->session);
	explicit_bzero(l, sizeof(*l));
	free(l);
	c->priv = NULL;
}

/* libsrtp lengths are int; the dispatch layer has bounded len and cap. */
static int lsrtp_protect(struct mbl_srtp_ctx *c, uint8_t *pkt, uint32_t *len)
{
	struct lsrtp *l = c->priv;
	int n = (int)*len;
	srtp_err_status_t st;

	st = srtp_protect_mki(l->session, pkt, &n, l->use_mki, 0);
	if (st == srtp_err_status_ok)
		*len = (uint32_t)n;
	return map_status(st);
}

static int lsrtp_unprotect(struct mbl_srtp_ctx *c, uint8_t *pkt, uint32_t *len)
{
	struct lsrtp *l = c->priv;
	int n = (int)*len;
	srtp_err_status_t st;

	st = srtp_unprotect_mki(l->session, pkt, &n, l->use_mki);
	if (st == srtp_err_status_ok)
		*len = (uint32_t)n;
	return map_status(st);
}

static int lsrtp_protect_rtcp(struct mbl_srtp_ctx *c, uint8_t *pkt, uint32_t *len)
{
	struct lsrtp *l = c->priv;
	int n = (int)*len;
	srtp_err_status_t st;

	st = srtp_protect_rtcp_mki(l->session, pkt, &n, l->use_mki, 0);
	if (st == srtp_err_status_ok)
		*len = (uint32_t)n;
	return map_status(st);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int lsrtp_unprotect_rtcp(struct mbl_srtp_ctx *c, uint8_t *pkt, uint32_t *len)
{
	struct lsrtp *l = c->priv;
	int n = (int)*len;
	srtp_err_status_t st;

	/* libsrtp makes the stream of an any-SSRC session from whichever packet
	 * comes first; made from SRTCP, its RTP index starts at 0 and an RTP
	 * SEQ above 32767 is then guessed a ROC of -1 and fails forever. So
	 * SRTCP waits for the stream's first SRTP packet (refused as
	 * wrong-SSRC until then). Asked of libsrtp itself, not of c->bound:
	 * a rekey's next context is marked bound by inheritance before its
	 * session has seen a packet of that SSRC. */
	if (c->any_ssrc) {
		uint32_t roc;

		if (*len < 8 || srtp_get_stream_roc(l->session, rd32(pkt + 4), &roc) !=
					srtp_err_status_ok)
			return -ESRCH;
	}

	st = srtp_unprotect_rtcp_mki(l->session, pkt, &n, l->use_mki);
	if (st == srtp_err_status_ok)
		*len = (uint32_t)n;
	return map_status(st);
}

/* Rekey: libsrtp keeps the index per stream; carry the ROC over when the
 * stream exists in both sessions (a known SSRC). An unbound receiver has
 * no stream yet: fine at ROC 0 (its first packet starts the index), not
 * past it. */
static int lsrtp_inherit(struct mbl_srtp_ctx *dst, const struct mbl_srtp_ctx *src)
{
	const struct lsrtp *s = src->priv;
	struct lsrtp *d = dst->priv;
	srtp_master_key_t mk, *mks[1] = { &mk };
	srtp_policy_t pol;
	uint32_t roc = 0;

	if (srtp_get_stream_roc(s->session, src->ssrc, &roc) != srtp_err_status_ok)
		return 0; /* src never saw a packet: nothing to carry */
	/* an any-SSRC receiver has no stream of the SSRC yet: made from its
	 * first packet, it would start at ROC 0 (wrong after a wrap) or, from
	 * SRTCP, at RTP index 0. Add it now, then set its ROC. */
	if (dst->any_ssrc && srtp_get_stream_roc(d->session, src->ssrc, &(uint32_t){0}) !=
				     srtp_err_status_ok) {
		if (!suite_policy(dst->suite->id, &pol.rtp, &pol.rtcp))
			return -ENOTSUP;
		fill_policy(d, &pol, &mk, mks, ssrc_specific, src->ssrc);
		if (srtp_add_stream(d->session, &pol) != srtp_err_status_ok)
			return -ENOMEM;
	}
	if (roc != 0 && srtp_set_stream_roc(d->session, src->ssrc, roc) != srtp_err_status_ok)
		return -ENOTSUP;
	return 0;
}

/* Late start: libsrtp makes an any-SSRC session's stream at the first
 * packet that authenticates, always at ROC 0. So the stream of ssrc is
 * added now (one such stream per context: another SSRC's replaces it) and
 * told the ROC for its first packet (libsrtp's pending ROC; 0 clears it). */
static int lsrtp_first_roc(struct mbl_srtp_ctx *c, uint32_t ssrc, uint32_t roc)
{
	struct lsrtp *l = c->priv;
	srtp_master_key_t mk, *mks[1] = { &mk };
	srtp_policy_t pol;

	if (c->any_ssrc && (!l->probe || l->probe_ssrc != ssrc)) {
		if (l->probe)
			(void)srtp_remove_stream(l->session, htonl(l->probe_ssrc));
		l->probe = false;
		if (!suite_policy(c->suite->id, &pol.rtp, &pol.rtcp))
			return -ENOTSUP;
		fill_policy(l, &pol, &mk, mks, ssrc_specific, ssrc);
		if (srtp_add_stream(l->session, &pol) != srtp_err_status_ok)
			return -ENOMEM;
		l->probe = true;
		l->probe_ssrc = ssrc;
	}
	return srtp_set_stream_roc(l->session, ssrc, roc) == srtp_err_status_ok ? 0 : -ENOTSUP;
}

const struct mbl_srtp_engine_ops mbl_srtp_libsrtp_ops = {
	.first_roc = lsrtp_first_roc,
	.inherit = lsrtp_inherit,
	.name = "libsrtp",
	.create = lsrtp_create,
	.free = lsrtp_free,
	.protect = lsrtp_protect,
	.unprotect = lsrtp_unprotect,
	.protect_rtcp = lsrtp_protect_rtcp,
	.unprotect_rtcp = lsrtp_unprotect_rtcp,
};
