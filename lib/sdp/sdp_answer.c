/* SPDX-License-Identifier: BSD-3-Clause
 * The answerer (RFC 3264 6): choose the security mode by policy, the codec
 * (first of the offerer's order that we have, with the offerer's payload
 * type, 6.1), DTMF, rtcp-mux (RFC 5761 5.1.1), the direction (6.1), the
 * DTLS role (RFC 5763 5) or the SDES key (RFC 4568 7.1.2), then write the
 * answer with every other m= line of the offer rejected (port 0).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sdp_priv.h"

/* The offer's a=crypto line and our key for the first offered suite we
 * have a key for. */
static bool sdes_match(struct mbl_sdp_nego *n)
{
	unsigned ri, li;

	for (ri = 0; ri < n->r->n_crypto; ri++)
		for (li = 0; li < n->l->n_crypto; li++)
			if (n->l->crypto[li].suite == n->r->crypto[ri].key.suite) {
				n->local_key = (int)li;
				n->remote_key = (int)ri;
				return true;
			}
	return false;
}

static int answer_sdes(struct mbl_sdp_nego *n)
{
	const struct mbl_sdp_remote *r = n->r;
	const struct mbl_srtp_crypto_attr *c = &r->crypto[n->remote_key];

	n->res->chosen = MBL_SDP_ENC_SDES;
	n->res->tx_key = n->l->crypto[n->local_key];
	n->res->rx_key = c->key;
	n->res->crypto_tag = c->tag;
	/* From a dual UDP/TLS offer we answer as an SDES-only peer would;
	 * a best-effort RTP/AVP offer keeps its profile. */
	n->res->profile = r->secure_proto ? mbl_sdp_profile(MBL_SDP_ENC_SDES, r->avpf)
					  : mbl_sdp_proto_find(r->proto)->name;
	return 0;
}

static int answer_dtls(struct mbl_sdp_nego *n)
{
	const struct mbl_sdp_remote *r = n->r;
	struct mbl_sdp_result *res = n->res;

	switch (r->setup) {
	case MBL_SDP_SETUP_HOLDCONN:
		return mbl_sdp_refuse(n, 306, "a=setup:holdconn: the offer holds the DTLS connection");
	case MBL_SDP_SETUP_ACTIVE:
	case MBL_SDP_SETUP_NONE: /* RFC 4145 4.1: an offer without a=setup is active */
		res->dtls_role = MBL_SDP_SETUP_PASSIVE;
		break;
	default: /* actpass or passive: RFC 5763 5 wants the answerer active */
		res->dtls_role = MBL_SDP_SETUP_ACTIVE;
		break;
	}
	res->chosen = MBL_SDP_ENC_DTLS;
	memcpy(res->fp_alg, r->fp_alg, sizeof(res->fp_alg));
	memcpy(res->fingerprint, r->fingerprint, sizeof(res->fingerprint));
	res->profile = mbl_sdp_proto_find(r->proto)->name;
	return 0;
}

/* Why no secure mode could be agreed, in words. */
static void no_security_why(struct mbl_sdp_nego *n, char *s, size_t len)
{
	const struct mbl_sdp_remote *r = n->r;
	enum mbl_sdp_enc ours = mbl_sdp_local_enc(n->l);

	if (r->enc == MBL_SDP_ENC_NONE && r->n_crypto_skipped > 0)
		snprintf(s, len, "none of the offer's %u a=crypto lines is usable (first: %s)",
			 r->n_crypto_skipped, r->crypto_skip_why);
	else if (r->n_crypto > 0 && (ours == MBL_SDP_ENC_SDES || ours == MBL_SDP_ENC_DUAL))
		snprintf(s, len, "none of the offered crypto suites is enabled here");
	else if (r->enc != MBL_SDP_ENC_NONE)
		snprintf(s, len, "the offer does %s, we do %s", mbl_sdp_enc_name(r->enc),
			 mbl_sdp_enc_name(ours));
	else
		snprintf(s, len, "the offer has no a=crypto or a=fingerprint");
}

static int answer_plain(struct mbl_sdp_nego *n)
{
	const struct mbl_sdp_local *l = n->l;
	const struct mbl_sdp_remote *r = n->r;
	char s[192];

	no_security_why(n, s, sizeof(s));
	if (r->secure_proto)
		return mbl_sdp_refuse(n, 302, "no acceptable security for %s: %s", r->proto, s);
	if (l->policy == MBL_SDP_POLICY_REQUIRED)
		return mbl_sdp_refuse(n, 302, "the offer is plain RTP (%s) but encryption is "
				      "required: %s", r->proto, s);
	n->res->chosen = MBL_SDP_ENC_NONE;
	n->res->fell_back = l->policy == MBL_SDP_POLICY_OPTIONAL && l->enc != MBL_SDP_ENC_NONE;
	n->res->profile = mbl_sdp_proto_find(r->proto)->name;
	return 0;
}

static int answer_security(struct mbl_sdp_nego *n)
{
	const struct mbl_sdp_remote *r = n->r;
	enum mbl_sdp_enc e = mbl_sdp_local_enc(n->l);
	bool do_sdes = e == MBL_SDP_ENC_SDES || e == MBL_SDP_ENC_DUAL;
	bool do_dtls = e == MBL_SDP_ENC_DTLS || e == MBL_SDP_ENC_DUAL;

	if (n->l->policy == MBL_SDP_POLICY_OFF && r->secure_proto)
		return mbl_sdp_refuse(n, 302, "encryption policy is off but the offer's profile "
				      "%s needs SRTP", r->proto);
	/* DTLS first: an answerer able to do both prefers it (mbl_sdp.h). */
	if (do_dtls && r->secure_proto && r->fp_alg[0] != '\0')
		return answer_dtls(n);
	if (do_sdes && sdes_match(n))
		return answer_sdes(n);
	return answer_plain(n);
}

static int answer_codec(struct mbl_sdp_nego *n)
{
	const struct mbl_sdp_remote *r = n->r;
	char offered[96], ours[96];
	unsigned ri, li;

	for (ri = 0; ri < r->n_codecs; ri++)
		for (li = 0; li < n->l->n_codecs; li++)
			if (mbl_sdp_codec_same(&r->codecs[ri], &n->l->codecs[li])) {
				n->local_codec = (int)li;
				n->res->codec = r->codecs[ri];
				return 0;
			}
	mbl_sdp_codec_list(r->codecs, r->n_codecs, offered, sizeof(offered));
	mbl_sdp_codec_list(n->l->codecs, n->l->n_codecs, ours, sizeof(ours));
	return mbl_sdp_refuse(n, 305, "no common codec: the offer has %s, we have %s", offered,
			      ours);
}

static void answer_fill(struct mbl_sdp_nego *n)
{
	const struct mbl_sdp_local *l = n->l;
	const struct mbl_sdp_remote *r = n->r;
	struct mbl_sdp_result *res = n->res;

	/* RFC 8858 4: an offer that is mux-only gets mux or nothing */
	res->rtcp_mux = r->rtcp_mux && (l->rtcp_mux || r->rtcp_mux_only);
	res->ice = l->ice != MBL_SDP_ICE_OFF && r->ice.present;
	res->ice_peer_lite = res->ice && r->ice.lite;
	if (res->ice)
		res->peer_ice = r->ice;
	/* RFC 5888 / 8843: the answer keeps the offer's mid, and its group */
	memcpy(res->mid, r->mid, sizeof(res->mid));
	res->bundle = r->bundle;
	res->avpf = r->avpf; /* RFC 3264 6: the answer keeps the offer's profile */
	res->rtcp_fb = l->avpf && r->avpf ? r->rtcp_fb & (MBL_SDP_FB_NACK | MBL_SDP_FB_PLI) : 0;
	res->dtmf_pt = l->dtmf_pt >= 0 && r->dtmf_pt >= 0 ? r->dtmf_pt : -1;
	res->dir = mbl_sdp_dir_from_bits(mbl_sdp_dir_bits(mbl_sdp_dir_reverse(r->dir)) &
					 mbl_sdp_dir_bits(l->dir));
	mbl_sdp_fill_peer(n);
}

static int answer_write(struct mbl_sdp_nego *n, char *buf, size_t len)
{
	const struct mbl_sdp_local *l = n->l;
	const struct mbl_sdp_remote *r = n->r;
	const struct mbl_sdp_result *res = n->res;
	struct mbl_sdp_buf b = {.p = buf, .len = len};
	struct mbl_sdp_codec c = l->codecs[n->local_codec];
	struct mbl_sdp_msec m = {
		.port = l->port, .proto = res->profile, .codecs = &c, .n_codecs = 1,
		.dtmf_pt = res->dtmf_pt, .dtmf_clock = r->dtmf_clock, .ptime = l->ptime,
		.rtcp_mux = res->rtcp_mux, .rtcp_fb = l->avpf && r->avpf, .dir = res->dir,
		.mid = res->mid[0] != '\0' ? res->mid : NULL, .ice = res->ice ? l : NULL,
	};
	unsigned i;

	/* The offerer's number (RFC 3264 6.1) and spelling; our fmtp. */
	c.pt = res->codec.pt;
	memcpy(c.name, res->codec.name, sizeof(c.name));
	if (res->chosen == MBL_SDP_ENC_SDES) {
		m.keys = &l->crypto[n->local_key];
		m.n_keys = 1;
		m.first_tag = res->crypto_tag;
	} else if (res->chosen == MBL_SDP_ENC_DTLS) {
		m.fingerprint = l->fingerprint;
		m.setup = res->dtls_role;
	}
	mbl_sdp_put_session(&b, l);
	mbl_sdp_put_session_ice(&b, res->ice && l->ice == MBL_SDP_ICE_LITE,
				res->bundle ? res->mid : NULL);
	for (i = 0; i < r->n_media; i++) {
		const struct mbl_sdp_media_line *ml = &r->media[i];

		if (i == r->audio_idx)
			mbl_sdp_put_media(&b, &m);
		else
			mbl_sdp_put(&b, "m=%s 0 %s %s\r\n", ml->media, ml->proto, ml->fmt);
	}
	return mbl_sdp_buf_end(&b);
}

static int answer_check_offer(struct mbl_sdp_nego *n)
{
	const struct mbl_sdp_remote *r = n->r;

	if (r->n_media == 0)
		return mbl_sdp_refuse(n, 304, "the offer was not parsed");
	if (r->port == 0)
		return mbl_sdp_refuse(n, 304, "the offer disables the audio stream (port 0)");
	if (!r->proto_known)
		return mbl_sdp_refuse(n, 302, "unsupported audio profile %s", r->proto);
	return 0;
}

int mbl_sdp_answer(const struct mbl_sdp_local *l, const struct mbl_sdp_remote *offer,
		   struct mbl_sdp_result *res, char *buf, size_t len, char *why, size_t whylen)
{
	struct mbl_sdp_nego n = {.l = l, .r = offer, .res = res, .why = why, .whylen = whylen};
	int rc;

	mbl_sdp_result_reset(res);
	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (buf == NULL || len == 0)
		return -ENOSPC;
	buf[0] = '\0';
	rc = mbl_sdp_local_check(l, why, whylen);
	if (rc == 0)
		rc = answer_check_offer(&n);
	if (rc == 0)
		rc = answer_security(&n);
	if (rc == 0)
		rc = answer_codec(&n);
	if (rc < 0) {
		mbl_sdp_result_wipe_keys(res);
		return rc;
	}
	answer_fill(&n);
	rc = answer_write(&n, buf, len);
	if (rc < 0)
		mbl_sdp_result_wipe_keys(res);
	return rc;
}
