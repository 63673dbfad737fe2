/* SPDX-License-Identifier: BSD-3-Clause
 * RTCP sender: one compound per stream and interval (RFC 3550 6.1): an SR
 * with a report block about the peer's stream once we hear it, SDES CNAME,
 * with media.rtcp_xr the RFC 3611 statistics summary and VoIP metrics of
 * that stream, and with NACK negotiated (AVPF) a generic NACK of the SEQs
 * found missing since the last one. Intervals are randomised to [0.5, 1.5]
 * x the configured interval (RFC 3550 6.3.1) so 100,000 streams do not
 * report in lockstep.
 *
 * Early feedback (RFC 4585 3.5.2, point to point, so T_dither_max = 0):
 * a gap found on receive sends a compound at once when allow_early holds;
 * that clears it and the next regular compound sets it again, so there is
 * at most one early compound per regular interval. Unlike 3.5.2 the next
 * regular compound keeps its time instead of being put off (documented in
 * docs/report.md); SEQs missing while allow_early is clear wait for it.
 * The packets go through lib/rtcp's writers; SRTCP protects the whole. */
#include <math.h>

#include <rte_ethdev.h>

#include "dp_priv.h"

/* RFC 3550 6.4.1 report block about the peer's stream, and the interval
 * since the previous one (A.3), which the XR summary covers too. */
struct rx_interval {
	uint64_t expected;              /* since the first packet */
	uint64_t exp_int, rcv_int;
	int64_t lost_int;
};

static void interval_take(struct dp_rx *r, struct rx_interval *iv)
{
	iv->expected = mbl_rx_seq_expected(&r->seq);
	iv->exp_int = iv->expected - r->rr_expected_prior;
	iv->rcv_int = r->seq.received - r->rr_received_prior;
	iv->lost_int = (int64_t)iv->exp_int - (int64_t)iv->rcv_int;
	r->rr_expected_prior = iv->expected;
	r->rr_received_prior = r->seq.received;
}

static void report_block(const struct dp_rx *r, const struct rx_interval *iv, uint64_t now_ns,
			 struct mbl_rtcp_rb *b)
{
	int64_t lost = mbl_rx_seq_lost_signed(&r->seq);

	b->ssrc = r->peer_ssrc;
	b->fraction = iv->exp_int != 0 && iv->lost_int > 0
			      ? (uint8_t)MBL_MIN(255, ((uint64_t)iv->lost_int << 8) / iv->exp_int)
			      : 0;
	b->lost = lost > INT32_MAX ? INT32_MAX : lost < INT32_MIN ? INT32_MIN : (int32_t)lost;
	b->ext_seq = mbl_rx_seq_ext_max(&r->seq);
	b->jitter = mbl_rx_jitter_rtcp(&r->jit);
	b->lsr = r->peer_sr_arrival_ns ? r->peer_sr_mid : 0;
	b->dlsr = r->peer_sr_arrival_ns
			  ? (uint32_t)(((now_ns - r->peer_sr_arrival_ns) << 16) / MBL_NS_PER_S)
			  : 0;
}

/* RFC 3611 4.6 over the same interval as the report block: SEQs
 * [begin, highest + 1), its losses and duplicates, |D| statistics. */
static void xr_summary(struct dp_rx *r, const struct rx_interval *iv, struct mbl_rtcp_xr_ssum *ss)
{
	memset(ss, 0, sizeof(*ss));
	ss->ssrc = r->peer_ssrc;
	ss->begin_seq = (uint16_t)(r->xr_begin_ext ? r->xr_begin_ext : r->seq.base_ext);
	ss->end_seq = (uint16_t)(r->seq.max_ext + 1);
	ss->has_lost = ss->has_dup = true;
	ss->lost = iv->lost_int > 0 ? (uint32_t)iv->lost_int : 0;
	ss->dup = (uint32_t)(r->seq.duplicates - r->xr_dup_prior);
	if (r->jd_n != 0) {
		double mean = (double)r->jd_sum / r->jd_n;
		double var = (double)r->jd_sq / r->jd_n - mean * mean;

		ss->has_jitter = true;
		ss->jit_min = r->jd_min;
		ss->jit_max = r->jd_max;
		ss->jit_mean = (uint32_t)lrint(mean);
		ss->jit_dev = (uint32_t)lrint(var > 0 ? sqrt(var) : 0);
	}
	r->xr_begin_ext = r->seq.max_ext + 1;
	r->xr_dup_prior = r->seq.duplicates;
	r->jd_min = r->jd_max = r->jd_n = 0;
	r->jd_sum = r->jd_sq = 0;
}

static uint8_t per256(double share)
{
	double v = 256 * share;

	return v <= 0 ? 0 : v >= 255 ? 255 : (uint8_t)lrint(v);
}

/* RFC 3611 4.7 for the whole stream so far: loss rate, the burst/gap
 * model, RTT, and the E-model's R and MOS of this stream (MOS-CQ with the
 * delay we know: probe one-way delay, else half the RTT; MOS-LQ without
 * delay). No jitter buffer, no signal or echo measure: 0 or 127. */
static void xr_voip(const struct mbl_dp *dp, const struct dp_rx *r, const struct rx_interval *iv,
		    struct mbl_rtcp_xr_voip *vm)
{
	uint64_t lost = mbl_rx_seq_lost(&r->seq);
	double loss_pct = iv->expected ? 100.0 * (double)lost / (double)iv->expected : 0;
	double jit = mbl_rx_jitter_ms(&r->jit, dp->conf.codec->clock_rate);
	double delay = r->delay_n ? (double)r->delay_sum_ns / (double)r->delay_n / 1e6
		       : r->have_rtt ? r->rtt_us / 2000.0 : 0;
	double rcq = dp_emodel_r(dp, loss_pct, delay, jit);
	double rlq = dp_emodel_r(dp, loss_pct, 0, 0);

	memset(vm, 0, sizeof(*vm));
	vm->ssrc = r->peer_ssrc;
	vm->loss_rate = per256(loss_pct / 100.0);
	mbl_rtcp_burst_metrics(&r->burst, MBL_RTCP_XR_GMIN, dp->conf.ptime_ms, vm);
	vm->rtt_ms = r->have_rtt ? (uint16_t)MBL_MIN(65535u, (r->rtt_us + 500) / 1000) : 0;
	vm->signal_dbm = vm->noise_dbm = MBL_RTCP_XR_UNAVAILABLE;
	vm->rerl = MBL_RTCP_XR_UNAVAILABLE;
	vm->gmin = MBL_RTCP_XR_GMIN;
	vm->r_factor = (uint8_t)lrint(rcq);
	vm->ext_r_factor = MBL_RTCP_XR_UNAVAILABLE;
	vm->mos_cq = (uint8_t)lrint(10 * mbl_emodel_mos(rcq));
	vm->mos_lq = (uint8_t)lrint(10 * mbl_emodel_mos(rlq));
}

/* The queued SEQs still missing (a late arrival is no longer asked for),
 * in the order found; the queue is emptied. */
static unsigned nack_take(struct dp_rx *r, uint16_t *out)
{
	unsigned n = 0;

	for (unsigned i = 0; i < r->nack_n; i++) {
		uint16_t seq = r->nack_q[i];
		int64_t ext = r->seq.max_ext - (int64_t)(uint16_t)(r->seq.max_seq - seq);

		if (r->seq.max_ext - ext < MBL_RX_WIN_BITS && mbl_rx_win_test(&r->seq, ext))
			continue;
		out[n++] = seq;
	}
	r->nack_n = 0;
	return n;
}

uint16_t dp_build_rtcp(struct mbl_dp *dp, uint32_t idx, uint8_t *buf, uint64_t now_ns,
		       struct dp_rtcp_sent *sent)
{
	struct dp_stream *s = &dp->s[idx];
	struct dp_rx *r = &dp->r[idx];
	const struct mbl_net_udp_tmpl *t = dp->rtcp_tmpl ? &dp->rtcp_tmpl[idx] : &s->tmpl;
	uint8_t *p = buf + t->len;
	uint64_t ntp = dp_ns_to_ntp(now_ns);
	struct mbl_rtcp_sr sr = {
		.ssrc = s->ssrc, .ntp = ntp, .rtp_ts = s->ts,
		.packets = (uint32_t)s->tx_packets, .octets = s->rtcp_octets,
	};
	struct mbl_rtcp_rb rb;
	struct rx_interval iv = {0};
	uint32_t len;
	char cname[32];

	memcpy(buf, t->hdr, t->len);
	if (r->have_peer) {
		interval_take(r, &iv);
		report_block(r, &iv, now_ns, &rb);
	}
	len = mbl_rtcp_sr_put(p, &sr, r->have_peer ? &rb : NULL);
	s->last_sr_ntp_mid = (uint32_t)(ntp >> 16);
	snprintf(cname, sizeof(cname), "mbl-%08x@mediablast", s->ssrc);
	len += mbl_rtcp_sdes_cname_put(p + len, s->ssrc, cname);
	if (dp->conf.rtcp_xr && r->have_peer) {
		struct mbl_rtcp_xr_ssum ss;
		struct mbl_rtcp_xr_voip vm;

		xr_summary(r, &iv, &ss);
		xr_voip(dp, r, &iv, &vm);
		len += mbl_rtcp_xr_put(p + len, s->ssrc, &ss, &vm);
		if (sent != NULL)
			sent->xr = true;
	}
	if (r->nack_n != 0 && r->have_peer) {
		uint16_t seqs[DP_NACK_Q];
		unsigned n = nack_take(r, seqs), taken = 0;

		len += mbl_rtcp_nack_put(p + len, s->ssrc, r->peer_ssrc, seqs, n, &taken);
		/* what did not fit in one NACK waits for the next compound */
		for (unsigned i = taken; i < n; i++)
			r->nack_q[r->nack_n++] = seqs[i];
		if (sent != NULL)
			sent->nack_seqs = taken;
	}
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

/* Build and queue stream gi's compound; counts what it carried. */
static void rtcp_send(struct dp_worker *w, uint32_t gi, uint64_t now_ns)
{
	struct mbl_dp *dp = w->dp;
	struct dp_rtcp_sent sent = {0};
	uint8_t buf[DP_FRAME_CAP];
	uint16_t len = dp_build_rtcp(dp, gi, buf, now_ns, &sent);

	if (len == 0) {
		w->c.srtp_protect_fail++;
		return;
	}
	if (dp_tx_frame(w, buf, len) == 0) {
		struct rte_mbuf *m = w->txb[w->ntx - 1];
		const struct mbl_net_udp_tmpl *t =
			dp->rtcp_tmpl ? &dp->rtcp_tmpl[gi] : &dp->s[gi].tmpl;

		dp_tx_offload(dp, m, t);
		w->c.tx_rtcp++;
		dp->s[gi].tx_rtcp++;
		w->c.tx_xr += sent.xr;
		if (sent.nack_seqs != 0) {
			w->c.tx_nack++;
			w->c.tx_nack_seqs += sent.nack_seqs;
		}
	}
}

static inline bool rtcp_may_send(const struct dp_stream *s)
{
	return s->state == DP_S_RUN && !s->keys_wait && !s->ice_wait;
}

void dp_rtcp_poll(struct dp_worker *w, uint64_t now)
{
	struct mbl_dp *dp = w->dp;
	uint32_t due[64];
	uint64_t now_ns = mbl_tsc_to_ns(now);
	unsigned n = dp_wheel_poll(&w->rtcp_wheel, now, due, 64);

	for (unsigned i = 0; i < n; i++) {
		uint32_t gi = w->first + due[i];

		if (dp->s[gi].state == DP_S_STOPPED)
			continue; /* leaves the schedule */
		dp_wheel_add(&w->rtcp_wheel, due[i], now + rtcp_interval(w));
		if (!rtcp_may_send(&dp->s[gi]))
			continue;
		rtcp_send(w, gi, now_ns);
		dp->r[gi].fb_allow_early = true; /* 3.5.2: a regular one went */
	}
	/* early feedback found on receive since the last turn */
	for (unsigned i = 0; i < w->n_fb_early; i++) {
		uint32_t gi = w->fb_early[i];
		struct dp_rx *r = &dp->r[gi];

		r->fb_queued = false;
		if (!r->fb_allow_early || r->nack_n == 0 || !rtcp_may_send(&dp->s[gi]))
			continue;
		r->fb_allow_early = false;
		rtcp_send(w, gi, now_ns);
		w->c.tx_rtcp_early++;
	}
	w->n_fb_early = 0;
}
