/* SPDX-License-Identifier: BSD-3-Clause
 * Scenario -> call engine configuration (roles uac and uas): addresses
 * resolved, SDP template and SDES suites from [media], hold-time spec,
 * TLS files. Everything is checked before EAL starts; errors name the key. */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"

/* "IP:PORT" / "[IPv6]:PORT" / "host:PORT" into a socket address. */
static int resolve(const char *key, const char *hp, struct sockaddr_storage *ss, socklen_t *len,
		   char *host, size_t hostlen, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM, .ai_flags = AI_NUMERICSERV }, *res;
	char buf[MBL_CONFIG_HOST_LEN];
	char *c, *h = buf;
	int rc;

	snprintf(buf, sizeof(buf), "%s", hp);
	c = buf[0] == '[' ? strstr(buf, "]:") : strrchr(buf, ':');
	if (c == NULL) {
		snprintf(err, errlen, "%s: \"%s\" is not HOST:PORT", key, hp);
		return -EINVAL;
	}
	if (buf[0] == '[') {
		h = buf + 1;
		*c++ = '\0';
	}
	*c = '\0';
	rc = getaddrinfo(h, c + 1, &hints, &res);
	if (rc != 0) {
		snprintf(err, errlen, "%s: cannot resolve \"%s\": %s", key, h, gai_strerror(rc));
		return -EINVAL;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	if (host != NULL)
		snprintf(host, hostlen, "%s", h);
	return 0;
}

/* sip.listen: address 0 into listen, the others (ranges) into more[]. */
static int listen_addrs(const char *v, struct mbl_cp_conf *c, char *err, size_t errlen)
{
	char why[160], ip[64], hp[80];
	int n = mbl_config_listen_count(v, why, sizeof(why));
	uint16_t port;

	if (n < 0 || n > MBL_CP_MAX_LOCAL) {
		snprintf(err, errlen, "sip.listen: %s", n < 0 ? why : "too many addresses");
		return -EINVAL;
	}
	for (int i = 0; i < n; i++) {
		if (mbl_config_listen_nth(v, (uint32_t)i, ip, sizeof(ip), &port) < 0)
			return -EINVAL;
		if (i == 0) {
			snprintf(hp, sizeof(hp), strchr(ip, ':') ? "[%s]:%u" : "%s:%u", ip, port);
			if (resolve("sip.listen", hp, &c->listen, &c->listen_len, NULL, 0, err,
				    errlen) < 0)
				return -EINVAL;
			continue;
		}
		if ((mbl_parse_ip(ip, c->more[i - 1].ip) == 6) !=
		    (c->listen.ss_family == AF_INET6)) {
			snprintf(err, errlen, "sip.listen: IPv4 and IPv6 addresses mixed");
			return -EINVAL;
		}
		c->more[i - 1].port = port;
	}
	c->n_more = (unsigned)n - 1;
	return 0;
}

static int hold_spec(const char *v, struct mbl_cp_conf *c)
{
	unsigned long a = 0, b = 0;

	if (sscanf(v, "fixed:%lu", &a) == 1) {
		c->hold = MBL_CP_HOLD_FIXED;
	} else if (sscanf(v, "uniform:%lu-%lu", &a, &b) == 2) {
		c->hold = MBL_CP_HOLD_UNIFORM;
	} else if (sscanf(v, "exp:%lu", &a) == 1) {
		c->hold = MBL_CP_HOLD_EXP;
	} else {
		return -EINVAL;
	}
	c->hold_a_ms = (uint32_t)a;
	c->hold_b_ms = (uint32_t)b;
	return 0;
}

static int suites(const char *list, struct mbl_cp_conf *c, char *err, size_t errlen)
{
	char buf[MBL_CONFIG_LIST_LEN], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", list);
	c->n_suites = 0;
	for (char *t = strtok_r(buf, ", ", &save); t != NULL; t = strtok_r(NULL, ", ", &save)) {
		const struct mbl_srtp_suite_info *si = mbl_srtp_suite_find(t);

		if (si == NULL || c->n_suites == MBL_SDP_MAX_CRYPTO) {
			snprintf(err, errlen, "media.crypto_suites: %s \"%s\"",
				 si == NULL ? "unknown suite" : "too many suites, at", t);
			return -EINVAL;
		}
		c->suites[c->n_suites++] = si->id;
	}
	return 0;
}

/* The data plane sends media.codec: it is offered first; media.codecs adds
 * more names to the offer (negotiation tests). */
static int codecs(const struct mbl_config_media *m, const struct mbl_codec *dp_codec, uint8_t pt,
		  struct mbl_sdp_local *l, char *err, size_t errlen)
{
	char buf[MBL_CONFIG_LIST_LEN], *save = NULL;

	l->n_codecs = 0;
	snprintf(l->codecs[0].name, sizeof(l->codecs[0].name), "%s", dp_codec->name);
	l->codecs[0].pt = pt;
	l->codecs[0].clock = dp_codec->clock_rate;
	l->codecs[0].channels = dp_codec->channels;
	l->n_codecs = 1;
	snprintf(buf, sizeof(buf), "%s", m->codecs);
	for (char *t = strtok_r(buf, ", ", &save); t != NULL; t = strtok_r(NULL, ", ", &save)) {
		const struct mbl_codec *k = mbl_codec_find(t);
		struct mbl_sdp_codec *sc = &l->codecs[l->n_codecs];

		if (k == NULL || strcasecmp(k->name, dp_codec->name) == 0)
			continue;
		if (l->n_codecs == MBL_SDP_MAX_CODECS) {
			snprintf(err, errlen, "media.codecs: at most %d codecs", MBL_SDP_MAX_CODECS);
			return -EINVAL;
		}
		snprintf(sc->name, sizeof(sc->name), "%s", k->name);
		sc->pt = k->pt;
		sc->clock = k->clock_rate;
		sc->channels = k->channels;
		l->n_codecs++;
	}
	return 0;
}

/* app_sip_conf casts sip.transport to the transport's enum */
_Static_assert((int)MBL_CONFIG_TP_TCP == (int)MBL_SIP_TCP &&
		       (int)MBL_CONFIG_TP_TLS == (int)MBL_SIP_TLS &&
		       (int)MBL_CONFIG_TP_WS == (int)MBL_SIP_WS &&
		       (int)MBL_CONFIG_TP_WSS == (int)MBL_SIP_WSS,
	       "enum mbl_config_transport and enum mbl_sip_proto disagree");

static int tls(const struct mbl_config_sip *s, struct mbl_cp_conf *c, char *err, size_t errlen)
{
	c->tls.ca_file = s->tls_ca_file[0] ? s->tls_ca_file : NULL;
	c->tls.cert_file = s->tls_cert_file[0] ? s->tls_cert_file : NULL;
	c->tls.key_file = s->tls_key_file[0] ? s->tls_key_file : NULL;
	c->tls.server_name = s->tls_server_name[0] ? s->tls_server_name : NULL;
	c->tls.no_verify = !s->tls_verify;
	if ((s->transport == MBL_CONFIG_TP_TLS || s->transport == MBL_CONFIG_TP_WSS) && !c->uac &&
	    c->tls.cert_file == NULL) {
		snprintf(err, errlen, "sip.tls.cert_file: a %s UAS needs a certificate and key",
			 s->transport == MBL_CONFIG_TP_TLS ? "TLS" : "WSS");
		return -EINVAL;
	}
	snprintf(c->ws_path, sizeof(c->ws_path), "%s", s->ws_path);
	snprintf(c->ws_origin, sizeof(c->ws_origin), "%s", s->ws_origin);
	if ((c->tls.cert_file == NULL) != (c->tls.key_file == NULL)) {
		snprintf(err, errlen, "sip.tls.key_file: give it together with sip.tls.cert_file");
		return -EINVAL;
	}
	return 0;
}

/* UAS digest challenges: a realm needs somebody to check against and
 * algorithms we can do. */
static int auth(const struct mbl_config_sip *s, struct mbl_cp_conf *c, char *err, size_t errlen)
{
	char buf[sizeof(s->auth_algorithms)], *save = NULL;

	snprintf(c->auth_realm, sizeof(c->auth_realm), "%s", s->auth_realm);
	c->auth_nonce_ttl_s = s->auth_nonce_ttl_s;
	if (s->auth_realm[0] == '\0')
		return 0;
	if (c->uac) {
		snprintf(err, errlen, "sip.auth_realm: only a UAS challenges (a UAC answers "
			 "challenges with sip.auth_user and sip.auth_password)");
		return -EINVAL;
	}
	if (s->auth_user[0] == '\0') {
		snprintf(err, errlen, "sip.auth_realm: a challenging UAS needs sip.auth_user and "
			 "sip.auth_password (or [fieldN] of sip.inject_file)");
		return -EINVAL;
	}
	snprintf(buf, sizeof(buf), "%s", s->auth_algorithms);
	c->n_auth_algs = 0;
	for (char *t = strtok_r(buf, ", ", &save); t != NULL; t = strtok_r(NULL, ", ", &save)) {
		enum mbl_sip_auth_alg alg;

		if (mbl_sip_auth_alg_find(t, &alg) < 0 || c->n_auth_algs == MBL_SIP_AUTH_ALG_MAX) {
			snprintf(err, errlen, "sip.auth_algorithms: unknown algorithm \"%s\" (MD5, "
				 "SHA-256, SHA-512-256 and their -sess forms)", t);
			return -EINVAL;
		}
		c->auth_algs[c->n_auth_algs++] = alg;
	}
	if (c->n_auth_algs == 0) {
		snprintf(err, errlen, "sip.auth_algorithms: empty");
		return -EINVAL;
	}
	return 0;
}

static int sdp_template(struct app *a, struct mbl_cp_conf *c, char *err, size_t errlen)
{
	const struct mbl_config_media *m = &a->cfg.media;
	struct mbl_sdp_local *l = &c->sdp;

	static const enum mbl_sdp_enc enc[] = {
		[MBL_CONFIG_ENC_NONE] = MBL_SDP_ENC_NONE, [MBL_CONFIG_ENC_SDES] = MBL_SDP_ENC_SDES,
		[MBL_CONFIG_ENC_DTLS] = MBL_SDP_ENC_DTLS, [MBL_CONFIG_ENC_DUAL] = MBL_SDP_ENC_DUAL,
	};

	l->enc = enc[m->encryption];
	/* no security offered: nothing to require (media.policy speaks of
	 * security only) */
	l->policy = l->enc == MBL_SDP_ENC_NONE ? MBL_SDP_POLICY_OFF : (enum mbl_sdp_policy)m->policy;
	l->avpf = m->feedback == MBL_CONFIG_FB_AVPF;
	l->rtcp_mux = m->rtcp_mux;
	l->bundle = m->bundle;
	l->ice = m->ice == MBL_CONFIG_ICE_FULL ? MBL_SDP_ICE_FULL
		 : m->ice == MBL_CONFIG_ICE_LITE ? MBL_SDP_ICE_LITE : MBL_SDP_ICE_OFF;
	l->ptime = m->ptime;
	l->dtmf_pt = m->dtmf_pt;
	l->dir = MBL_SDP_DIR_SENDRECV;
	snprintf(l->user, sizeof(l->user), "mediablast");
	c->media_family = a->dpc.local.family;
	if (codecs(m, a->dpc.codec, a->dpc.pt, l, err, errlen) < 0)
		return -EINVAL;
	return suites(m->crypto_suites, c, err, errlen);
}

/* DTLS-SRTP (dtls, dual): our certificate (its fingerprint goes in every
 * SDP) and the endpoint context with the use_srtp profiles of
 * media.crypto_suites, shared by every call. */
static int dtls_setup(struct app *a, char *err, size_t errlen)
{
	const struct mbl_config_media *m = &a->cfg.media;
	struct mbl_cp_conf *c = &a->cpc;
	enum mbl_srtp_suite prof[MBL_SDP_MAX_CRYPTO];
	unsigned n = 0;

	if (c->sdp.enc != MBL_SDP_ENC_DTLS && c->sdp.enc != MBL_SDP_ENC_DUAL)
		return 0;
	if (m->rtcp && !m->rtcp_mux) {
		snprintf(err, errlen, "media.rtcp_mux: DTLS-SRTP here runs one handshake per "
			 "call on the RTP port: set media.rtcp_mux = true (RFC 5761, RFC 8843)");
		return -EINVAL;
	}
	for (unsigned i = 0; i < c->n_suites; i++)
		if (mbl_dtls_suite_ok(c->suites[i]))
			prof[n++] = c->suites[i];
	if (n == 0) {
		snprintf(err, errlen, "media.crypto_suites: none has a DTLS-SRTP profile "
			 "(AES_CM_128_HMAC_SHA1_80/_32, AEAD_AES_128_GCM, AEAD_AES_256_GCM)");
		return -EINVAL;
	}
	a->dtls_id = mbl_dtls_ident_create(err, errlen);
	if (a->dtls_id == NULL)
		return -EINVAL;
	a->dtls_ctx = mbl_dtls_ctx_create(a->dtls_id, prof, n, err, errlen);
	if (a->dtls_ctx == NULL)
		return -EINVAL;
	mbl_dtls_ctx_set_rto_ms(a->dtls_ctx, m->dtls_rto_ms);
	snprintf(c->sdp.fingerprint, sizeof(c->sdp.fingerprint), "%s",
		 mbl_dtls_ident_fingerprint(a->dtls_id));
	a->dpc.dtls = a->dtls_ctx;
	a->dpc.dtls_timeout_ns = (uint64_t)m->dtls_timeout_ms * 1000000;
	return 0;
}

double app_hold_mean_ms(const struct mbl_cp_conf *c)
{
	if (c->hold == MBL_CP_HOLD_UNIFORM)
		return (c->hold_a_ms + c->hold_b_ms) / 2.0;
	return c->hold_a_ms; /* fixed:MS, exp:MEAN */
}

/* Said at start, never found after the run: a call.limit below what the
 * rate and hold keep up (Little's law: rate x mean hold calls at once),
 * and a call.total the duration cuts short. */
static void warn_capacity(const struct app *a, const struct mbl_cp_conf *c)
{
	double rate = c->rate, hold_s = app_hold_mean_ms(c) / 1e3, need = rate * hold_s;
	double span_s = rate > 0 ? (double)c->total / rate + hold_s : 0;
	uint32_t dur = mbl_config_duration_s(&a->cfg);

	if (!c->uac || c->rate == 0)
		return;
	if (need > c->limit)
		mbl_log(MBL_LOG_WARN, "call.limit %u is below call.rate x mean hold (%.0f/s x %.1f s "
			"= %.0f calls at once): calls beyond it will fail; raise call.limit",
			c->limit, rate, hold_s, need);
	if (c->total != 0 && dur != 0 && span_s > dur)
		mbl_log(MBL_LOG_WARN, "call.total %llu at %.0f/s with a %.1f s hold needs %.0f s; "
			"run.duration %u s places about %.0f of them: raise run.duration",
			(unsigned long long)c->total, rate, hold_s, span_s, dur,
			rate * dur < (double)c->total ? rate * dur : (double)c->total);
}

int app_sip_conf(struct app *a, char *err, size_t errlen)
{
	const struct mbl_config_sip *s = &a->cfg.sip;
	const struct mbl_config_call *k = &a->cfg.call;
	struct mbl_cp_conf *c = &a->cpc;

	memset(c, 0, sizeof(*c));
	c->uac = a->cfg.run.role == MBL_CONFIG_ROLE_UAC;
	c->proto = (enum mbl_sip_proto)s->transport;
	if (listen_addrs(s->listen, c, err, errlen) < 0)
		return -EINVAL;
	if (c->uac && s->target[0] == '\0') {
		snprintf(err, errlen, "sip.target: a UAC needs a target (HOST:PORT)");
		return -EINVAL;
	}
	if (c->uac && resolve("sip.target", s->target, &c->target, &c->target_len,
			      c->target_host, sizeof(c->target_host), err, errlen) < 0)
		return -EINVAL;
	snprintf(c->from_user, sizeof(c->from_user), "%s", s->from_user);
	snprintf(c->to_user, sizeof(c->to_user), "%s", s->to_user);
	snprintf(c->domain, sizeof(c->domain), "%s", s->domain);
	snprintf(c->user_agent, sizeof(c->user_agent), "%s", s->user_agent);
	snprintf(c->auth_user, sizeof(c->auth_user), "%s", s->auth_user);
	snprintf(c->auth_password, sizeof(c->auth_password), "%s", s->auth_password);
	c->t1_ms = s->t1_ms;
	c->t2_ms = s->t2_ms;
	c->t4_ms = s->t4_ms;
	c->max_txns = s->max_transactions;
	c->inject_file = s->inject_file[0] ? s->inject_file : NULL;
	if (s->reg && !c->uac) {
		snprintf(err, errlen, "sip.register: only a UAC registers (a UAS answers "
			 "REGISTER, challenging with sip.auth_realm)");
		return -EINVAL;
	}
	c->reg = s->reg;
	c->reg_expires = s->reg_expires;
	c->reg_rate = s->reg_rate;
	c->rate = k->rate;
	c->ramp_ms = k->ramp_ms;
	c->limit = k->limit;
	c->total = k->total;
	c->answer_delay_ms = k->answer_delay_ms;
	c->answer_code = k->answer_code;
	c->fail_code = k->fail_code;
	c->fail_pct = k->fail_pct;
	c->uas_hangup = k->uas_hangup;
	c->hold_after_ms = k->hold_after_ms;
	c->hold_for_ms = k->hold_for_ms;
	c->timeout_ms = k->timeout_ms;
	c->media = k->media;
	if (hold_spec(k->hold, c) < 0) {
		snprintf(err, errlen, "call.hold: \"%s\" is not fixed:MS, uniform:MIN-MAX or exp:MEAN",
			 k->hold);
		return -EINVAL;
	}
	if (tls(s, c, err, errlen) < 0 || auth(s, c, err, errlen) < 0 ||
	    sdp_template(a, c, err, errlen) < 0 || dtls_setup(a, err, errlen) < 0)
		return -EINVAL;
	warn_capacity(a, c);
	/* call mode: one data-plane slot per concurrent call */
	a->dpc.ice = c->sdp.ice != MBL_SDP_ICE_OFF;
	a->dpc.dynamic = true;
	a->dpc.nack = false; /* per call: a=rtcp-fb nack in the answer */
	a->dpc.streams = k->limit;
	a->dpc.srtp_tx = a->dpc.srtp_rx = false;
	return 0;
}
