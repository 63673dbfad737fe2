/* SPDX-License-Identifier: BSD-3-Clause
 * Translate the validated scenario into the data plane's configuration. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_ether.h>

#include "app.h"

static int range(const char *key, const char *val, struct mbl_ip_range *r, char *err,
		 size_t errlen)
{
	if (mbl_ip_range_parse(val, r) < 0) {
		snprintf(err, errlen, "%s: \"%s\" is not an address, range a-b or prefix", key, val);
		return -EINVAL;
	}
	return 0;
}

static int payload(struct app *a, const struct mbl_config_media *m, char *err, size_t errlen)
{
	struct mbl_dp_conf *c = &a->dpc;
	int rc;

	if (m->payload == MBL_CONFIG_PAYLOAD_PROBE) {
		c->payload = MBL_DP_PAYLOAD_PROBE;
		c->probe_len = (uint16_t)mbl_config_media_payload_bytes(&a->cfg);
		if (c->probe_len < MBL_PROBE_HDR_LEN)
			c->probe_len = 160; /* variable-rate codecs: G.711-sized probes */
		return 0;
	}
	c->payload = MBL_DP_PAYLOAD_TONE;
	if (m->payload == MBL_CONFIG_PAYLOAD_FILE)
		rc = mbl_payload_file(&a->frames, c->codec, m->ptime, m->payload_file, err, errlen);
	else if ((rc = mbl_payload_tone(&a->frames, c->codec, m->ptime, m->tone_hz,
					m->tone_level_dbm0)) < 0)
		snprintf(err, errlen, "media.tone_hz: cannot make a %u Hz tone for %s at %u ms",
			 m->tone_hz, c->codec->name, m->ptime);
	c->frames = &a->frames;
	return rc < 0 ? -EINVAL : 0;
}

/* media.tx_crypto / rx_crypto: a=crypto values, validated by lib/srtp. The
 * message names the key but never repeats the value (it holds a key). */
static int crypto(const char *key, const char *val, struct mbl_srtp_key *k, bool *on, char *err,
		  size_t errlen)
{
	struct mbl_srtp_crypto_attr attr;
	char why[160];

	*on = val[0] != '\0';
	if (!*on)
		return 0;
	if (mbl_srtp_sdes_parse(val, &attr, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "%s: %s", key, why);
		return -EINVAL;
	}
	*k = attr.key;
	return 0;
}

/* Rekey and receive-mode keys: each next key must follow a current key of
 * the same suite (a rekey changes keys, not the protection), and
 * auth_only must be something the engine and suite can really do. */
static int rekey_conf(struct app *a, const struct mbl_config_media *m, char *err, size_t errlen)
{
	struct mbl_dp_conf *c = &a->dpc;
	bool on;

	if (crypto("media.tx_crypto_next", m->tx_crypto_next, &a->tx_key_next, &on, err,
		   errlen) < 0 ||
	    crypto("media.rx_crypto_next", m->rx_crypto_next, &c->rx_key_next, &c->srtp_rx_next,
		   err, errlen) < 0)
		return -EINVAL;
	if (on && (!c->srtp_tx || a->tx_key_next.suite != c->tx_key.suite)) {
		snprintf(err, errlen, "media.tx_crypto_next: needs media.tx_crypto with the same "
			 "suite");
		return -EINVAL;
	}
	if (on != (m->rekey_after_ms != 0)) {
		snprintf(err, errlen, "media.rekey_after_ms: give it together with "
			 "media.tx_crypto_next (both or neither)");
		return -EINVAL;
	}
	if (c->srtp_rx_next && (!c->srtp_rx || c->rx_key_next.suite != c->rx_key.suite)) {
		snprintf(err, errlen, "media.rx_crypto_next: needs media.rx_crypto with the same "
			 "suite");
		return -EINVAL;
	}
	a->rekey_tx = on;
	c->srtp_rx_auth_only = m->rx_verify == MBL_CONFIG_RX_AUTH_ONLY;
	if (c->srtp_rx_auth_only &&
	    (!c->srtp_rx || c->srtp_engine != MBL_SRTP_ENGINE_CRYPTODEV ||
	     mbl_srtp_suite_get(c->rx_key.suite)->aead)) {
		snprintf(err, errlen, "media.rx_verify: auth_only needs media.rx_crypto with an "
			 "HMAC-SHA1 suite and media.srtp_engine = cryptodev (libsrtp and AES-GCM "
			 "cannot authenticate without decrypting)");
		return -EINVAL;
	}
	return 0;
}

int app_media_conf(struct app *a, char *err, size_t errlen)
{
	const struct mbl_config_media *m = &a->cfg.media;
	struct mbl_dp_conf *c = &a->dpc;
	uint8_t gw[16];

	memset(c, 0, sizeof(*c));
	if (range("media.local_ip", m->local_ip, &c->local, err, errlen) < 0 ||
	    range("media.remote_ip", m->remote_ip, &c->remote, err, errlen) < 0)
		return -EINVAL;
	if (m->gateway[0] != '\0') {
		if (mbl_parse_ip(m->gateway, gw) < 0) {
			snprintf(err, errlen, "media.gateway: \"%s\" is not an address", m->gateway);
			return -EINVAL;
		}
		memcpy(c->gateway, gw, 16);
		c->has_gateway = true;
	}
	if (m->remote_mac[0] != '\0') {
		struct rte_ether_addr ea;

		if (rte_ether_unformat_addr(m->remote_mac, &ea) < 0) {
			snprintf(err, errlen, "media.remote_mac: \"%s\" is not a MAC address",
				 m->remote_mac);
			return -EINVAL;
		}
		memcpy(c->remote_mac, ea.addr_bytes, 6);
		c->has_remote_mac = true;
	}
	c->vlan = m->vlan;
	c->dscp = m->dscp;
	c->local_port = m->local_port;
	c->remote_port = m->remote_port;
	c->port_step = m->port_step;
	c->streams = m->streams;
	c->codec = mbl_codec_get((enum mbl_codec_id)m->codec);
	c->pt = (uint8_t)mbl_config_media_pt(&a->cfg);
	c->ptime_ms = m->ptime;
	snprintf(c->dtmf, sizeof(c->dtmf), "%s", m->dtmf);
	c->dtmf_interval_ms = m->dtmf_interval_ms;
	c->dtmf_duration_ms = m->dtmf_duration_ms;
	c->dtmf_pt = (uint8_t)m->dtmf_pt;
	c->rtcp = m->rtcp;
	c->rtcp_mux = m->rtcp_mux;
	c->rtcp_xr = m->rtcp_xr;
	/* no SDP in a media run: avpf means every stream sends NACKs (on
	 * calls app_sip_conf clears it: the answer decides, per call) */
	c->nack = m->feedback == MBL_CONFIG_FB_AVPF;
	c->rtcp_interval_ms = m->rtcp_interval_ms;
	c->ssrc_seed = m->ssrc_seed;
	c->start_spread_ms = m->start_spread_ms;
	c->rx_timeout_ms = m->rx_timeout_ms;
	c->rx_stall_us = m->rx_stall_us;
	c->burst = a->cfg.port.burst;
	c->tx_coalesce_us = a->cfg.port.tx_coalesce_us;
	c->idle_sleep = a->cfg.port.idle_sleep;
	if (c->codec == NULL) {
		snprintf(err, errlen, "media.codec: unknown codec");
		return -EINVAL;
	}
	if (crypto("media.tx_crypto", m->tx_crypto, &c->tx_key, &c->srtp_tx, err, errlen) < 0 ||
	    crypto("media.rx_crypto", m->rx_crypto, &c->rx_key, &c->srtp_rx, err, errlen) < 0)
		return -EINVAL;
	c->srtp_engine = m->srtp_engine == MBL_CONFIG_SRTP_CRYPTODEV ? MBL_SRTP_ENGINE_CRYPTODEV
								      : MBL_SRTP_ENGINE_LIBSRTP;
	if (rekey_conf(a, m, err, errlen) < 0)
		return -EINVAL;
	if (mbl_dp_conf_check(c, err, errlen) < 0)
		return -EINVAL;
	return payload(a, m, err, errlen);
}
