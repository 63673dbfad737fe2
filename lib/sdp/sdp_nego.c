/* SPDX-License-Identifier: BSD-3-Clause
 * Negotiation helpers shared by both sides, and the offerer's check of an
 * answer (RFC 3264 7): the answer may only choose among what we offered -
 * one a=crypto with a tag and suite of ours (RFC 4568 7.1.3), DTLS with
 * a=setup active or passive (RFC 5763 5), a codec we listed, rtcp-mux only
 * if we offered it (RFC 5761 5.1.1) - and plain RTP only under policy
 * optional.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sdp_priv.h"

/* ---- shared ---------------------------------------------------------------------- */

void mbl_sdp_sanitize(char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		if ((unsigned char)*s < ' ' || *s == 0x7f || *s == '"' || *s == '\\')
			*s = '?';
}

void mbl_sdp_result_wipe_keys(struct mbl_sdp_result *res)
{
	explicit_bzero(&res->tx_key, sizeof(res->tx_key));
	explicit_bzero(&res->rx_key, sizeof(res->rx_key));
}

void mbl_sdp_result_reset(struct mbl_sdp_result *res)
{
	explicit_bzero(res, sizeof(*res));
	res->chosen = MBL_SDP_ENC_NONE;
	res->crypto_tag = -1;
	res->dtmf_pt = -1;
	res->dtls_role = MBL_SDP_SETUP_NONE;
	res->dir = MBL_SDP_DIR_SENDRECV;
}

int mbl_sdp_refuse(struct mbl_sdp_nego *n, int warn, const char *fmt, ...)
{
	va_list ap;

	n->res->status = 488; /* RFC 3261 21.4.26 Not Acceptable Here */
	n->res->warn_code = warn;
	mbl_sdp_result_wipe_keys(n->res);
	if (n->why != NULL && n->whylen > 0) {
		va_start(ap, fmt);
		vsnprintf(n->why, n->whylen, fmt, ap);
		va_end(ap);
		mbl_sdp_sanitize(n->why);
	}
	return -EPROTO;
}

void mbl_sdp_fill_peer(struct mbl_sdp_nego *n)
{
	const struct mbl_sdp_remote *r = n->r;
	struct mbl_sdp_result *res = n->res;

	memcpy(res->addr, r->addr, sizeof(res->addr));
	res->family = r->family;
	res->port = r->port;
	res->rtcp_port = res->rtcp_mux ? r->port : r->rtcp_port;
	/* a=ptime is what the peer wants to receive (RFC 4566 6). */
	res->ptime = r->ptime ? r->ptime : n->l->ptime ? n->l->ptime : 20;
}

void mbl_sdp_codec_list(const struct mbl_sdp_codec *c, unsigned n, char *s, size_t len)
{
	size_t off = 0;
	unsigned i;

	s[0] = '\0';
	for (i = 0; i < n && off < len; i++) {
		int w = c[i].channels > 1
				? snprintf(s + off, len - off, "%s%s/%u/%u", i ? " " : "", c[i].name,
					   c[i].clock, c[i].channels)
				: snprintf(s + off, len - off, "%s%s/%u", i ? " " : "", c[i].name,
					   c[i].clock);
		if (w < 0)
			break;
		off += (size_t)w;
	}
	if (n == 0)
		snprintf(s, len, "none we know");
}

/* ---- the offerer's side ---------------------------------------------------------- */

static int accept_sdes(struct mbl_sdp_nego *n)
{
	const struct mbl_sdp_local *l = n->l;
	const struct mbl_sdp_remote *a = n->r;
	const struct mbl_srtp_crypto_attr *c = &a->crypto[0];
	struct mbl_sdp_result *res = n->res;

	if (a->n_crypto + a->n_crypto_skipped != 1 || a->n_crypto != 1)
		return mbl_sdp_refuse(n, 306, "the answer must carry exactly one usable a=crypto "
				      "(has %u usable, %u not%s%s)", a->n_crypto,
				      a->n_crypto_skipped, a->n_crypto_skipped ? ": " : "",
				      a->crypto_skip_why);
	if (c->tag < 1 || (unsigned)c->tag > l->n_crypto)
		return mbl_sdp_refuse(n, 306, "the answer's a=crypto tag %d is not one we offered "
				      "(1..%u)", c->tag, l->n_crypto);
	if (c->key.suite != l->crypto[c->tag - 1].suite)
		return mbl_sdp_refuse(n, 306, "a=crypto tag %d: the answer has %s, we offered %s",
				      c->tag, mbl_srtp_suite_get(c->key.suite)->name,
				      mbl_srtp_suite_get(l->crypto[c->tag - 1].suite)->name);
	res->chosen = MBL_SDP_ENC_SDES;
	res->crypto_tag = c->tag;
	res->tx_key = l->crypto[c->tag - 1];
	res->rx_key = c->key;
	return 0;
}

static int accept_dtls(struct mbl_sdp_nego *n)
{
	const struct mbl_sdp_remote *a = n->r;
	struct mbl_sdp_result *res = n->res;

	switch (a->setup) {
	case MBL_SDP_SETUP_ACTIVE:
		res->dtls_role = MBL_SDP_SETUP_PASSIVE;
		break;
	case MBL_SDP_SETUP_PASSIVE:
	case MBL_SDP_SETUP_NONE: /* RFC 4145 4.1: an answer without it is passive */
		res->dtls_role = MBL_SDP_SETUP_ACTIVE;
		break;
	default:
		return mbl_sdp_refuse(n, 306, "a=setup:%s in the answer (RFC 5763 5: want active "
				      "or passive)", mbl_sdp_setup_name(a->setup));
	}
	res->chosen = MBL_SDP_ENC_DTLS;
	memcpy(res->fp_alg, a->fp_alg, sizeof(res->fp_alg));
	memcpy(res->fingerprint, a->fingerprint, sizeof(res->fingerprint));
	return 0;
}

static int accept_plain(struct mbl_sdp_nego *n)
{
	const struct mbl_sdp_local *l = n->l;
	const struct mbl_sdp_remote *a = n->r;

	if (a->secure_proto)
		return mbl_sdp_refuse(n, 302, "the answer's profile %s carries no a=crypto or "
				      "a=fingerprint", a->proto);
	n->res->chosen = MBL_SDP_ENC_NONE;
	if (mbl_sdp_local_enc(l) == MBL_SDP_ENC_NONE)
		return 0;
	if (l->policy == MBL_SDP_POLICY_REQUIRED)
		return mbl_sdp_refuse(n, 302, "the answer is plain RTP (%s) but encryption is "
				      "required", a->proto);
	n->res->fell_back = true;
	return 0;
}

static int accept_security(struct mbl_sdp_nego *n)
{
	const struct mbl_sdp_remote *a = n->r;
	enum mbl_sdp_enc e = mbl_sdp_local_enc(n->l);
	bool has_fp = a->fp_alg[0] != '\0';
	bool has_crypto = a->n_crypto + a->n_crypto_skipped > 0;

	if (has_fp && has_crypto)
		return mbl_sdp_refuse(n, 306, "the answer carries both a=crypto and a=fingerprint; "
				      "it must pick one");
	if (has_fp) {
		if (e != MBL_SDP_ENC_DTLS && e != MBL_SDP_ENC_DUAL)
			return mbl_sdp_refuse(n, 302, "the answer uses DTLS-SRTP, which we did "
					      "not offer");
		if (!a->secure_proto)
			return mbl_sdp_refuse(n, 302, "a=fingerprint with the plain profile %s",
					      a->proto);
		return accept_dtls(n);
	}
	if (has_crypto) {
		if (e != MBL_SDP_ENC_SDES && e != MBL_SDP_ENC_DUAL)
			return mbl_sdp_refuse(n, 302, "the answer uses SDES (a=crypto), which we "
					      "did not offer");
		if (mbl_sdp_proto_find(a->proto)->dtls)
			return mbl_sdp_refuse(n, 302, "profile %s with a=crypto but no "
					      "a=fingerprint", a->proto);
		return accept_sdes(n);
	}
	return accept_plain(n);
}

static int accept_codec(struct mbl_sdp_nego *n)
{
	const struct mbl_sdp_remote *a = n->r;
	unsigned ai, li;

	/* The answer keeps our payload type numbers (RFC 3264 6.1). */
	for (ai = 0; ai < a->n_codecs; ai++)
		for (li = 0; li < n->l->n_codecs; li++)
			if (a->codecs[ai].pt == n->l->codecs[li].pt &&
			    mbl_sdp_codec_same(&a->codecs[ai], &n->l->codecs[li])) {
				n->local_codec = (int)li;
				n->res->codec = a->codecs[ai];
				return 0;
			}
	return mbl_sdp_refuse(n, 305, "the answer has none of the offered codecs");
}

static int accept_check_answer(struct mbl_sdp_nego *n)
{
	const struct mbl_sdp_local *l = n->l;
	const struct mbl_sdp_remote *a = n->r;
	const char *ours = mbl_sdp_profile(mbl_sdp_local_enc(l), l->avpf);

	if (a->n_media == 0)
		return mbl_sdp_refuse(n, 304, "the answer was not parsed");
	if (a->port == 0)
		return mbl_sdp_refuse(n, 304, "the answer rejected the audio stream (port 0)");
	if (!a->proto_known)
		return mbl_sdp_refuse(n, 302, "unsupported audio profile %s in the answer",
				      a->proto);
	if (a->avpf != l->avpf)
		return mbl_sdp_refuse(n, 302, "the answer's profile %s does not match the offered "
				      "%s", a->proto, ours);
	if (a->rtcp_mux && !l->rtcp_mux)
		return mbl_sdp_refuse(n, 306, "the answer has a=rtcp-mux, which we did not offer");
	return 0;
}

static void accept_fill(struct mbl_sdp_nego *n)
{
	const struct mbl_sdp_local *l = n->l;
	const struct mbl_sdp_remote *a = n->r;
	struct mbl_sdp_result *res = n->res;

	res->profile = mbl_sdp_proto_find(a->proto)->name;
	res->avpf = l->avpf;
	res->rtcp_mux = l->rtcp_mux && a->rtcp_mux;
	res->rtcp_fb = l->avpf ? a->rtcp_fb & (MBL_SDP_FB_NACK | MBL_SDP_FB_PLI) : 0;
	res->dtmf_pt = l->dtmf_pt >= 0 && a->dtmf_pt == l->dtmf_pt ? l->dtmf_pt : -1;
	res->dir = mbl_sdp_dir_from_bits(mbl_sdp_dir_bits(l->dir) &
					 mbl_sdp_dir_bits(mbl_sdp_dir_reverse(a->dir)));
	/* ICE runs when the answer has it too (else plain offer/answer) */
	res->ice = l->ice != MBL_SDP_ICE_OFF && a->ice.present;
	res->ice_peer_lite = res->ice && a->ice.lite;
	if (res->ice)
		res->peer_ice = a->ice;
	if (l->bundle && a->mid[0] != '\0')
		snprintf(res->mid, sizeof(res->mid), "%s", a->mid);
	res->bundle = l->bundle && a->bundle;
	mbl_sdp_fill_peer(n);
}

int mbl_sdp_accept_answer(const struct mbl_sdp_local *offer, const struct mbl_sdp_remote *answer,
			  struct mbl_sdp_result *res, char *why, size_t whylen)
{
	struct mbl_sdp_nego n = {.l = offer, .r = answer, .res = res, .why = why, .whylen = whylen};
	int rc;

	mbl_sdp_result_reset(res);
	if (why != NULL && whylen > 0)
		why[0] = '\0';
	rc = mbl_sdp_local_check(offer, why, whylen);
	if (rc == 0)
		rc = accept_check_answer(&n);
	if (rc == 0)
		rc = accept_security(&n);
	if (rc == 0)
		rc = accept_codec(&n);
	if (rc < 0) {
		mbl_sdp_result_wipe_keys(res);
		return rc;
	}
	accept_fill(&n);
	return 0;
}
