/* SPDX-License-Identifier: BSD-3-Clause
 * RTCP sender: one compound per stream and interval (RFC 3550 6.1): an SR
 * with a report block about the peer's stream once we hear it, then SDES
 * CNAME. Intervals are randomised to [0.5, 1.5] x the configured interval
 * (RFC 3550 6.3.1) so 100,000 streams do not report in lockstep. */
#include <rte_ethdev.h>

#include "dp_priv.h"

static inline void put32(uint8_t *p, uint32_t v)
{
	v = rte_cpu_to_be_32(v);
	memcpy(p, &v, 4);
}

/* RFC 3550 6.4.1 report block about the peer's stream, at p (24 bytes). */
static void report_block(const struct mbl_dp *dp, struct dp_rx *r, uint8_t *p, uint64_t now_ns)
{
	uint64_t expected = mbl_rx_seq_expected(&r->seq);
	uint64_t exp_int = expected - r->rr_expected_prior;
	uint64_t rcv_int = r->seq.received - r->rr_received_prior;
	int64_t lost_int = (int64_t)exp_int - (int64_t)rcv_int;
	int64_t lost = mbl_rx_seq_lost_signed(&r->seq);
	uint32_t fraction = 0, dlsr = 0;

	(void)dp;
	r->rr_expected_prior = expected;
	r->rr_received_prior = r->seq.received;
	if (exp_int != 0 && lost_int > 0)
		fraction = (uint32_t)(((uint64_t)lost_int << 8) / exp_int);
	/* cumulative lost is a signed 24-bit value, clamped (A.3) */
	lost = lost > 0x7fffff ? 0x7fffff : lost < -0x800000 ? -0x800000 : lost;
	put32(p, r->peer_ssrc);
	put32(p + 4, (fraction << 24) | ((uint32_t)lost & 0xffffff));
	put32(p + 8, mbl_rx_seq_ext_max(&r->seq));
	put32(p + 12, mbl_rx_jitter_rtcp(&r->jit));
	if (r->peer_sr_arrival_ns != 0)
		dlsr = (uint32_t)(((now_ns - r->peer_sr_arrival_ns) << 16) / MBL_NS_PER_S);
	put32(p + 16, r->peer_sr_arrival_ns ? r->peer_sr_mid : 0);
	put32(p + 20, dlsr);
}

/* Build stream idx's RTCP compound after its template at buf; returns the
 * frame length. Owner worker only. */
uint16_t dp_build_rtcp(struct mbl_dp *dp, uint32_t idx, uint8_t *buf, uint64_t now_ns)
{
	struct dp_stream *s = &dp->s[idx];
	struct dp_rx *r = &dp->r[idx];
	const struct mbl_net_udp_tmpl *t = dp->rtcp_tmpl ? &dp->rtcp_tmpl[idx] : &s->tmpl;
	uint8_t *p = buf + t->len, *q;
	uint64_t ntp = dp_ns_to_ntp(now_ns);
	unsigned rc = r->have_peer ? 1 : 0, sr_len = 28 + 24 * rc, cname_len, sdes_len;
	uint32_t len;
	char cname[32];

	memcpy(buf, t->hdr, t->len);
	p[0] = (uint8_t)(0x80 | rc);
	p[1] = MBL_RTP_RTCP_SR;
	p[2] = 0;
	p[3] = (uint8_t)(sr_len / 4 - 1);
	put32(p + 4, s->ssrc);
	put32(p + 8, (uint32_t)(ntp >> 32));
	put32(p + 12, (uint32_t)ntp);
	put32(p + 16, s->ts);
	put32(p + 20, (uint32_t)s->tx_packets);
	put32(p + 24, s->rtcp_octets);
	s->last_sr_ntp_mid = (uint32_t)(ntp >> 16);
	if (rc)
		report_block(dp, r, p + 28, now_ns);
	/* SDES with one CNAME item (RFC 3550 6.5.1), null-terminated and
	 * padded to a 32-bit boundary */
	q = p + sr_len;
	cname_len = (unsigned)snprintf(cname, sizeof(cname), "mbl-%08x@mediablast", s->ssrc);
	sdes_len = (8 + 2 + cname_len + 1 + 3) & ~3u;
	memset(q, 0, sdes_len);
	q[0] = 0x81;
	q[1] = MBL_RTP_RTCP_SDES;
	q[3] = (uint8_t)(sdes_len / 4 - 1);
	put32(q + 4, s->ssrc);
	q[8] = 1; /* CNAME */
	q[9] = (uint8_t)cname_len;
	memcpy(q + 10, cname, cname_len);
	len = sr_len + sdes_len;
	/* SRTCP (RFC 3711 3.4): encrypted from the first SSRC on, E|index and
	 * tag appended */
	if (s->srtp != NULL &&
	    mbl_srtp_protect_rtcp(s->srtp, p, &len, DP_FRAME_CAP - t->len) < 0)
		return 0;
	mbl_net_udp_finalize(buf, t, (uint16_t)len, mbl_net_cksum_add(0, p, len), dp->csum_mode);
	return (uint16_t)(t->len + len);
}

static inline uint64_t rtcp_interval(struct dp_worker *w)
{
	/* per worker, only spreads report times */
	return w->rtcp_tsc / 2 + (w->rtcp_tsc * (mbl_xorshift32(&w->rng) & 0xffff) >> 16);
}

void dp_rtcp_poll(struct dp_worker *w, uint64_t now)
{
	struct mbl_dp *dp = w->dp;
	uint32_t due[64];
	uint8_t buf[DP_FRAME_CAP];
	uint64_t now_ns = mbl_tsc_to_ns(now);
	unsigned n = dp_wheel_poll(&w->rtcp_wheel, now, due, 64);

	for (unsigned i = 0; i < n; i++) {
		uint32_t gi = w->first + due[i];
		uint16_t len;

		if (dp->s[gi].state == DP_S_STOPPED)
			continue; /* leaves the schedule */
		dp_wheel_add(&w->rtcp_wheel, due[i], now + rtcp_interval(w));
		if (dp->s[gi].state != DP_S_RUN || dp->s[gi].keys_wait || dp->s[gi].ice_wait)
			continue;
		len = dp_build_rtcp(dp, gi, buf, now_ns);
		if (len == 0) {
			w->c.srtp_protect_fail++;
			continue;
		}
		if (dp_tx_frame(w, buf, len) == 0) {
			struct rte_mbuf *m = w->txb[w->ntx - 1];
			const struct mbl_net_udp_tmpl *t =
				dp->rtcp_tmpl ? &dp->rtcp_tmpl[gi] : &dp->s[gi].tmpl;

			dp_tx_offload(dp, m, t);
			w->c.tx_rtcp++;
			dp->s[gi].tx_rtcp++;
		}
	}
}
