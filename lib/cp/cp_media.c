/* SPDX-License-Identifier: BSD-3-Clause
 * A call's media: our SDP side (the slot's address and port, fresh SDES
 * keys per call and suite) and the negotiated result handed to the data
 * plane (mbl_dp_stream_start) or taken back (mbl_dp_stream_stop). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "cp_priv.h"

/* RFC 8445 5.3: a ufrag of at least 24 random bits and a password of at
 * least 128, per call: 8 and 24 ice-chars of 6 bits each (48 / 144 bits). */
static int ice_credentials(struct cp_call *c)
{
	static const char ice_chars[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint8_t r[32];

	if (c->ice_made)
		return 0;
	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return -EIO;
	for (unsigned i = 0; i < 8; i++)
		c->ice_ufrag[i] = ice_chars[r[i] & 63];
	for (unsigned i = 0; i < 24; i++)
		c->ice_pwd[i] = ice_chars[r[8 + i] & 63];
	c->ice_ufrag[8] = c->ice_pwd[24] = '\0';
	c->ice_made = true;
	return 0;
}

/* RFC 8445 5.1.2.1: host type preference 126, one local preference (65535),
 * component 1. */
#define CP_ICE_HOST_PRIORITY ((126u << 24) | (65535u << 8) | (256u - 1u))

int cp_sdp_local(struct mbl_cp *cp, uint32_t idx, struct mbl_sdp_local *l)
{
	struct cp_call *c = &cp->calls[idx];
	uint8_t ip[16];
	uint16_t port;
	int rc;

	*l = cp->conf.sdp;
	mbl_dp_stream_local(cp->dp, idx, ip, &port);
	mbl_fmt_ip(cp->conf.media_family, ip, l->addr, sizeof(l->addr));
	l->port = port;
	/* RFC 3264 8: one o= session id for the whole call; the version goes
	 * up by one with each changed SDP (cp_hold.c) */
	if (c->sess_id == 0) {
		c->sess_id = (((uint64_t)cp->rng << 20) ^ idx) | 1;
		c->sess_ver = 1;
	}
	l->sess_id = c->sess_id;
	l->sess_ver = c->sess_ver;
	if (l->ice != MBL_SDP_ICE_OFF) {
		if (ice_credentials(c) < 0)
			return -EIO;
		memcpy(l->ice_ufrag, c->ice_ufrag, sizeof(c->ice_ufrag));
		memcpy(l->ice_pwd, c->ice_pwd, sizeof(c->ice_pwd));
		l->ice_priority = CP_ICE_HOST_PRIORITY;
	}
	/* keys are made once per call (the offer's, or the answer's): the
	 * offerer rebuilds its side to check the answer against it. Only SDES
	 * carries them: a call that cannot use SDES draws no key material
	 * (a getrandom() call each, about 1 % of a UAC at 13,000 calls/s). */
	if (l->enc != MBL_SDP_ENC_SDES && l->enc != MBL_SDP_ENC_DUAL) {
		l->n_crypto = 0;
		return 0;
	}
	for (unsigned i = 0; !c->keys_made && i < cp->conf.n_suites; i++) {
		rc = mbl_srtp_key_random(&c->keys[i], cp->conf.suites[i]);
		if (rc < 0)
			return rc;
	}
	c->keys_made = true;
	l->n_crypto = cp->conf.n_suites;
	memcpy(l->crypto, c->keys, sizeof(l->crypto[0]) * cp->conf.n_suites);
	return 0;
}

/* run.key_log, asked for by the user: the one place keys leave (0600 file,
 * same line format as the media role's). raddr is the peer's "ip:port". */
void cp_key_log(struct mbl_cp *cp, uint32_t idx, const char *raddr,
		const struct mbl_srtp_key *tx, const struct mbl_srtp_key *rx, uint32_t ssrc)
{
	struct mbl_srtp_crypto_attr a = {.tag = -1};
	char val[160], lip[64];
	uint8_t ip[16];
	uint16_t lport;

	mbl_dp_stream_local(cp->dp, idx, ip, &lport);
	mbl_fmt_ip(cp->conf.media_family, ip, lip, sizeof(lip));
	a.key = *tx;
	if (mbl_srtp_sdes_format(&a, val, sizeof(val)) > 0)
		fprintf(cp->conf.key_log, "SRTP tx %s:%u %s %08x %s\n", lip, lport, raddr, ssrc,
			val);
	a.key = *rx;
	if (mbl_srtp_sdes_format(&a, val, sizeof(val)) > 0)
		fprintf(cp->conf.key_log, "SRTP rx %s:%u %s any %s\n", lip, lport, raddr, val);
	explicit_bzero(val, sizeof(val));
	explicit_bzero(&a, sizeof(a));
	fflush(cp->conf.key_log);
}

static void remember(struct cp_call *c, const struct mbl_sdp_result *res);

const char *const mbl_cp_fp_hash_names[MBL_CP_FP_HASHES] = {"sha-1", "sha-224", "sha-256",
							   "sha-384", "sha-512"};

/* The SDES suite and the peer's fingerprint hash, by call (the DTLS
 * profile is known when the handshake ends: cp_dtls_result). */
static void count_agreed(struct mbl_cp *cp, const struct mbl_sdp_result *res)
{
	if (res->chosen == MBL_SDP_ENC_SDES && res->tx_key.suite < MBL_SRTP_SUITE_MAX)
		cp->st.sdes_by_suite[res->tx_key.suite]++;
	if (res->chosen != MBL_SDP_ENC_DTLS)
		return;
	for (unsigned i = 0; i < MBL_CP_FP_HASHES; i++)
		if (strcasecmp(res->fp_alg, mbl_cp_fp_hash_names[i]) == 0)
			cp->st.dtls_by_fp_hash[i]++;
}

/* ICE for the stream: our credentials (as in our SDP), the peer's and its
 * candidates; roles follow who offered (RFC 8445 6.1.1). */
static void ice_media(struct mbl_cp *cp, const struct cp_call *c,
		      const struct mbl_sdp_result *res, struct mbl_dp_media *m)
{
	const struct mbl_sdp_ice_remote *p = &res->peer_ice;

	m->ice = true;
	m->ice_lite = cp->conf.sdp.ice == MBL_SDP_ICE_LITE;
	m->ice_offerer = cp->conf.uac;
	m->ice_peer_lite = res->ice_peer_lite;
	snprintf(m->ice_ufrag, sizeof(m->ice_ufrag), "%s", c->ice_ufrag);
	snprintf(m->ice_pwd, sizeof(m->ice_pwd), "%s", c->ice_pwd);
	snprintf(m->ice_rufrag, sizeof(m->ice_rufrag), "%s", p->ufrag);
	snprintf(m->ice_rpwd, sizeof(m->ice_rpwd), "%s", p->pwd);
	for (unsigned i = 0; i < p->n_cand && m->n_ice_cand < MBL_ICE_MAX_SDP_CANDS; i++) {
		struct mbl_dp_ice_cand *d = &m->ice_cand[m->n_ice_cand++];

		snprintf(d->foundation, sizeof(d->foundation), "%s", p->cand[i].foundation);
		d->priority = p->cand[i].priority;
		snprintf(d->ip, sizeof(d->ip), "%s", p->cand[i].addr);
		d->port = p->cand[i].port;
		d->type = (uint8_t)p->cand[i].type; /* same order as enum mbl_ice_cand_type */
	}
}

int cp_media_start(struct mbl_cp *cp, uint32_t idx, const struct mbl_sdp_result *res,
		   char *why, size_t whylen)
{
	struct cp_call *c = &cp->calls[idx];
	struct mbl_dp_media m;
	bool dtls, ice;
	int rc;

	if ((res->chosen == MBL_SDP_ENC_DTLS || res->ice) && !res->rtcp_mux) {
		snprintf(why, whylen, "%s without rtcp-mux (one per component) is not supported",
			 res->ice ? "ICE" : "DTLS-SRTP");
		return -ENOTSUP;
	}
	if (res->chosen == MBL_SDP_ENC_DTLS && !res->rtcp_mux) {
		snprintf(why, whylen, "DTLS-SRTP without rtcp-mux (a handshake per component) "
			 "is not supported");
		return -ENOTSUP;
	}
	if (strcasecmp(res->codec.name, cp->conf.sdp.codecs[0].name) != 0) {
		snprintf(why, whylen, "codec %s negotiated, but the data plane sends %s",
			 res->codec.name, cp->conf.sdp.codecs[0].name);
		return -ENOTSUP;
	}
	cp->st.media_sdes += res->chosen == MBL_SDP_ENC_SDES;
	cp->st.media_dtls += res->chosen == MBL_SDP_ENC_DTLS;
	cp->st.media_plain += res->chosen == MBL_SDP_ENC_NONE;
	count_agreed(cp, res);
	cp->st.media_fell_back += res->fell_back;
	remember(c, res);
	if (!cp->conf.media)
		return 0;
	memset(&m, 0, sizeof(m));
	if (mbl_parse_ip(res->addr, m.remote_ip) < 0) {
		snprintf(why, whylen, "peer media address %s unusable", res->addr);
		return -EINVAL;
	}
	m.remote_port = res->port;
	m.remote_rtcp_port = res->rtcp_port;
	m.pt = res->codec.pt;
	m.nack = (res->rtcp_fb & MBL_SDP_FB_NACK) != 0;
	if (res->chosen == MBL_SDP_ENC_SDES) {
		m.srtp_tx = m.srtp_rx = true;
		m.tx_key = res->tx_key;
		m.rx_key = res->rx_key;
	} else if (res->chosen == MBL_SDP_ENC_DTLS) {
		/* keys come from the handshake on the media port (cp_dtls_result) */
		m.dtls = true;
		m.dtls_role = res->dtls_role == MBL_SDP_SETUP_ACTIVE ? MBL_DTLS_CLIENT
								     : MBL_DTLS_SERVER;
		snprintf(m.fp_alg, sizeof(m.fp_alg), "%s", res->fp_alg);
		snprintf(m.fp, sizeof(m.fp), "%s", res->fingerprint);
	}
	if (res->ice)
		ice_media(cp, c, res, &m);
	while (m.ssrc == 0) /* chosen here so the key log can name it */
		m.ssrc = mbl_xorshift32(&cp->rng);
	c->ssrc = m.ssrc;
	snprintf(c->raddr, sizeof(c->raddr), "%s:%u", res->addr, res->port);
	if (cp->conf.key_log != NULL && res->chosen == MBL_SDP_ENC_SDES)
		cp_key_log(cp, idx, c->raddr, &res->tx_key, &res->rx_key, m.ssrc);
	rc = mbl_dp_stream_start(cp->dp, idx, &m, why, whylen);
	dtls = m.dtls;
	ice = m.ice;
	explicit_bzero(&m, sizeof(m));
	if (rc == -ENOBUFS || rc == -EBUSY)
		snprintf(why, whylen, "data plane busy (%s)", strerror(-rc));
	if (rc < 0)
		return rc;
	c->media_on = true;
	c->cdr.media_started = true;
	c->dtls_wait = dtls;
	c->ice_wait = ice;
	c->tx_on = true;
	cp->st.media_started++;
	cp_media_dir(cp, idx, res->dir); /* an initial offer may hold already */
	return 0;
}

/* ---- re-INVITEs: what a re-offer may change ------------------------------------ */

static void remember(struct cp_call *c, const struct mbl_sdp_result *res)
{
	struct cp_media_now *n = &c->now;

	snprintf(n->addr, sizeof(n->addr), "%s", res->addr);
	n->port = res->port;
	n->rtcp_port = res->rtcp_port;
	n->pt = res->codec.pt;
	n->chosen = (uint8_t)res->chosen;
	n->crypto_tag = res->crypto_tag;
	n->rx_key = res->rx_key;
	c->last_dir = (uint8_t)res->dir;
}

bool cp_media_same(const struct cp_call *c, const struct mbl_sdp_result *res)
{
	const struct cp_media_now *n = &c->now;

	if (strcmp(n->addr, res->addr) != 0 || n->port != res->port ||
	    n->rtcp_port != res->rtcp_port || n->pt != res->codec.pt || n->chosen != res->chosen)
		return false;
	if (res->chosen != MBL_SDP_ENC_SDES)
		return true;
	/* RFC 4568 7.1.4 lets a re-offer keep its keys; new ones would need a
	 * rekey of both directions, which a call slot does not do */
	return n->crypto_tag == res->crypto_tag &&
	       memcmp(&n->rx_key, &res->rx_key, sizeof(n->rx_key)) == 0;
}

void cp_media_dir(struct mbl_cp *cp, uint32_t idx, enum mbl_sdp_dir dir)
{
	struct cp_call *c = &cp->calls[idx];
	bool on = dir == MBL_SDP_DIR_SENDRECV || dir == MBL_SDP_DIR_SENDONLY;

	if (!c->media_on || c->tx_on == on)
		return;
	for (int tries = 0; tries < 100000; tries++) {
		int rc = mbl_dp_stream_send(cp->dp, idx, on);

		if (rc == 0)
			c->tx_on = on;
		if (rc != -ENOBUFS)
			return;
		mbl_dp_ctl_reap(cp->dp, NULL);
	}
	mbl_log(MBL_LOG_ERR, "call slot %u: data plane did not take the hold", idx);
}

void cp_media_stop(struct mbl_cp *cp, uint32_t idx)
{
	void *user = (void *)(uintptr_t)(idx + 1);

	/* the ring may be full for a moment: the worker drains it within a
	 * few microseconds, so wait for room rather than leak the slot */
	for (int tries = 0; tries < 100000; tries++) {
		if (mbl_dp_stream_stop(cp->dp, idx, user) != -ENOBUFS)
			return;
		mbl_dp_ctl_reap(cp->dp, NULL);
	}
	mbl_log(MBL_LOG_ERR, "call slot %u: data plane did not take the stop", idx);
}
