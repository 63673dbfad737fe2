/* SPDX-License-Identifier: BSD-3-Clause
 * Read side of the data plane: totals, the report's media/pacing objects and
 * per-stream views. Control plane; live reads are of values only their
 * worker writes (aligned 64-bit loads: possibly stale, never torn). */
#include <math.h>

#include "dp_priv.h"

static void add_counters(struct mbl_dp_counters *t, const struct mbl_dp_counters *c)
{
	const uint64_t *src = (const uint64_t *)c;
	uint64_t *dst = (uint64_t *)t;

	for (size_t i = 0; i < sizeof(*c) / sizeof(uint64_t); i++)
		dst[i] += __atomic_load_n(&src[i], __ATOMIC_RELAXED);
}

void dp_peer_view(const struct mbl_dp *dp, const struct dp_rx *r, struct mbl_dp_peer_view *v)
{
	memset(v, 0, sizeof(*v));
	v->r_factor = -1;
	if (r->peer_xr != 0) {
		const struct mbl_rtcp_xr_voip *x = &r->peer_voip;

		v->xr_reports = r->peer_xr;
		v->xr_lost = r->peer_xr_lost;
		v->xr_dup = r->peer_xr_dup;
		v->has_voip = r->peer_has_voip;
		if (v->has_voip) {
			v->xr_loss_pct = x->loss_rate * 100.0 / 256.0;
			v->xr_discard_pct = x->discard_rate * 100.0 / 256.0;
			v->xr_burst_density_pct = x->burst_density * 100.0 / 256.0;
			v->xr_gap_density_pct = x->gap_density * 100.0 / 256.0;
			v->r_factor = x->r_factor <= 100 ? x->r_factor : -1;
			v->mos_cq = x->mos_cq >= 10 && x->mos_cq <= 50 ? x->mos_cq / 10.0 : 0;
			v->mos_lq = x->mos_lq >= 10 && x->mos_lq <= 50 ? x->mos_lq / 10.0 : 0;
		}
	}
	if (r->peer_reports == 0)
		return;
	v->reports = r->peer_reports;
	v->lost = r->peer_lost;
	/* our SEQ started at tx_seq0 with cycle 0: the peer's extended highest
	 * counts from there (a peer that missed our first packets started its
	 * own count later, so this is an upper bound of what it expected) */
	v->expected = (uint32_t)(r->peer_ext_seq - r->tx_seq0) + 1u;
	v->fraction_lost_pct = r->peer_fraction * 100.0 / 256.0;
	v->jitter_ms = (double)r->peer_jitter_ts * 1000.0 / dp->conf.codec->clock_rate;
}

void dp_peer_xr_add(struct mbl_dp_peer_xr_sum *s, const struct mbl_dp_peer_view *v)
{
	s->lost += v->xr_lost;
	s->dup += v->xr_dup;
	if (!v->has_voip)
		return;
	s->streams++;
	if (v->mos_cq > 0)
		mbl_hist_add(&s->mos_cq10, (uint64_t)lrint(v->mos_cq * 10));
	if (v->r_factor >= 0)
		mbl_hist_add(&s->r, (uint64_t)v->r_factor);
}

static void add_peer(struct mbl_dp_totals *t, const struct mbl_dp_peer_view *v)
{
	dp_peer_xr_add(&t->peer_xr, v);
	if (v->reports == 0)
		return;
	t->peer_streams++;
	t->peer_lost += v->lost;
	t->peer_expected += v->expected;
	mbl_hist_add(&t->peer_jitter_us, (uint64_t)(v->jitter_ms * 1000.0 + 0.5));
}

static void add_stream(const struct mbl_dp *dp, uint32_t i, struct mbl_dp_totals *t,
		       uint64_t end_ns)
{
	const struct dp_stream *s = &dp->s[i];
	const struct dp_rx *r = &dp->r[i];
	uint32_t cr = dp->conf.codec->clock_rate;
	struct mbl_dp_peer_view pv;

	if (dp->conf.dynamic && s->state == DP_S_STOPPED)
		return; /* an idle call slot: its last call is in the worker's ended */
	t->streams_running += s->state == DP_S_RUN;
	dp_peer_view(dp, r, &pv);
	add_peer(t, &pv);
	if (!r->have_peer) {
		t->streams_silent++;
		return;
	}
	t->streams_receiving++;
	if (end_ns > r->last_ns + (uint64_t)dp->conf.rx_timeout_ms * 1000000)
		t->streams_silent++;
	t->rx_lost += mbl_rx_seq_lost(&r->seq);
	t->rx_expected += mbl_rx_seq_expected(&r->seq);
	t->rx_duplicates += r->seq.duplicates;
	t->rx_reordered += r->seq.reordered;
	t->rx_resyncs += r->seq.resyncs;
	mbl_hist_add(&t->jitter_us, (uint64_t)(mbl_rx_jitter_mean_ms(&r->jit, cr) * 1000.0 + 0.5));
	t->jitter_mean_ms += mbl_rx_jitter_mean_ms(&r->jit, cr);
	if (r->have_rtt) {
		mbl_hist_add(&t->rtt_us, r->rtt_us);
		t->rtt_mean_ms += r->rtt_us / 1000.0;
	}
}

void mbl_dp_totals(const struct mbl_dp *dp, struct mbl_dp_totals *t, bool with_streams)
{
	uint64_t end_ns = 0;

	memset(t, 0, sizeof(*t));
	t->streams = dp->conf.streams;
	for (unsigned i = 0; i < dp->n_workers; i++) {
		const struct dp_worker *w = &dp->w[i];

		add_counters(&t->c, &w->c);
		mbl_hist_merge(&t->lateness_tsc, &w->lateness);
		mbl_hist_merge(&t->delay_ns, &w->delay);
		end_ns = MBL_MAX(end_ns, w->last_rx_ns);
	}
	if (!with_streams)
		return;
	for (uint32_t i = 0; i < dp->conf.streams; i++)
		add_stream(dp, i, t, end_ns);
	for (unsigned i = 0; dp->conf.dynamic && i < dp->n_workers; i++) {
		const struct dp_ended *e = &dp->w[i].ended;

		t->rx_lost += e->lost;
		t->rx_expected += e->expected;
		t->rx_duplicates += e->duplicates;
		t->rx_reordered += e->reordered;
		t->rx_resyncs += e->resyncs;
		t->streams_receiving += (uint32_t)e->receiving;
		t->jitter_mean_ms += e->jitter_sum_ms;
		mbl_hist_merge(&t->jitter_us, &e->jitter_us);
		t->peer_streams += (uint32_t)e->peer_streams;
		t->peer_lost += e->peer_lost;
		t->peer_expected += e->peer_expected;
		mbl_hist_merge(&t->peer_jitter_us, &e->peer_jitter_us);
		t->peer_xr.streams += e->peer_xr.streams;
		t->peer_xr.lost += e->peer_xr.lost;
		t->peer_xr.dup += e->peer_xr.dup;
		mbl_hist_merge(&t->peer_xr.mos_cq10, &e->peer_xr.mos_cq10);
		mbl_hist_merge(&t->peer_xr.r, &e->peer_xr.r);
		mbl_hist_merge(&t->rtt_us, &e->rtt_us);
		t->rtt_mean_ms += mbl_hist_mean(&e->rtt_us) / 1e3 * (double)mbl_hist_count(&e->rtt_us);
	}
	if (t->streams_receiving)
		t->jitter_mean_ms /= t->streams_receiving;
	if (mbl_hist_count(&t->rtt_us))
		t->rtt_mean_ms /= (double)mbl_hist_count(&t->rtt_us);
}

double mbl_dp_timed_share_pct(const struct mbl_dp_totals *t)
{
	uint64_t timed = t->c.rx_timed_port + t->c.rx_timed_poll;
	uint64_t all = timed + t->c.rx_timing_skipped;

	return all ? 100.0 * (double)timed / (double)all : 100.0;
}

static void drops_json(const struct mbl_dp_totals *t, struct mbl_json *j)
{
	uint64_t total = 0;

	mbl_json_obj_open(j, "dropped");
	for (unsigned i = 1; i < MBL_NET_DROP_MAX; i++) {
		mbl_json_u64(j, mbl_net_drop_names[i], t->c.drop_net[i]);
		total += t->c.drop_net[i];
	}
	for (unsigned i = 1; i < MBL_RTP_DROP_MAX; i++) {
		mbl_json_u64(j, mbl_rtp_drop_names[i], t->c.drop_rtp[i]);
		total += t->c.drop_rtp[i];
	}
	for (unsigned i = 0; i < MBL_DP_DROP_MAX; i++) {
		mbl_json_u64(j, mbl_dp_drop_names[i], t->c.drop_dp[i]);
		total += t->c.drop_dp[i];
	}
	mbl_json_u64(j, "total", total);
	mbl_json_obj_close(j);
}

double dp_emodel_r(const struct mbl_dp *dp, double loss_pct, double delay_ms, double jitter_ms)
{
	static const enum mbl_emodel_codec map[MBL_CODEC_MAX] = {
		[MBL_CODEC_PCMU] = MBL_EMODEL_G711, [MBL_CODEC_PCMA] = MBL_EMODEL_G711,
		[MBL_CODEC_G722] = MBL_EMODEL_G722, [MBL_CODEC_G729] = MBL_EMODEL_G729A,
		[MBL_CODEC_OPUS] = MBL_EMODEL_OPUS,
	};
	struct mbl_emodel_in in = {
		.codec = map[dp->conf.codec->id],
		.loss_pct = loss_pct,
		.delay_ms = delay_ms,
		.jitter_ms = jitter_ms,
		.ptime_ms = dp->conf.ptime_ms,
	};

	return mbl_emodel_r(&in);
}

double mbl_dp_mos(const struct mbl_dp *dp, double loss_pct, double delay_ms, double jitter_ms)
{
	return mbl_emodel_mos(dp_emodel_r(dp, loss_pct, delay_ms, jitter_ms));
}

static double mos_of(const struct mbl_dp *dp, const struct mbl_dp_totals *t)
{
	return mbl_dp_mos(dp, t->rx_expected ? 100.0 * (double)t->rx_lost / (double)t->rx_expected : 0,
			  mbl_hist_mean(&t->delay_ns) / 1e6, t->jitter_mean_ms);
}

void mbl_dp_report_json(const struct mbl_dp *dp, const struct mbl_dp_totals *t,
			struct mbl_json *j)
{
	double tsc_per_us = (double)mbl_tsc_hz / 1e6;

	mbl_json_obj_open(j, "media");
	mbl_json_u64(j, "streams", t->streams);
	mbl_json_u64(j, "streams_running", t->streams_running);
	mbl_json_u64(j, "streams_receiving", t->streams_receiving);
	mbl_json_u64(j, "streams_silent", t->streams_silent);
	mbl_json_str(j, "codec", dp->conf.codec->name);
	mbl_json_u64(j, "ptime_ms", dp->conf.ptime_ms);
	mbl_json_obj_open(j, "rtp");
	mbl_json_u64(j, "tx_packets", t->c.tx_packets);
	mbl_json_u64(j, "tx_bytes", t->c.tx_bytes);
	mbl_json_u64(j, "tx_dtmf", t->c.tx_dtmf);
	mbl_json_u64(j, "rx_packets", t->c.rx_rtp);
	mbl_json_u64(j, "rx_bytes", t->c.rx_rtp_bytes);
	mbl_json_u64(j, "rx_dtmf", t->c.rx_dtmf);
	mbl_json_u64(j, "expected", t->rx_expected);
	mbl_json_u64(j, "lost", t->rx_lost);
	mbl_json_u64(j, "duplicates", t->rx_duplicates);
	mbl_json_u64(j, "reordered", t->rx_reordered);
	mbl_json_u64(j, "seq_resyncs", t->rx_resyncs);
	mbl_json_u64(j, "ssrc_changes", t->c.rx_ssrc_change);
	mbl_json_u64(j, "probe_ok", t->c.rx_probe_ok);
	mbl_json_u64(j, "timing_skipped", t->c.rx_timing_skipped);
	mbl_json_u64(j, "timed_by_port", t->c.rx_timed_port);
	mbl_json_u64(j, "timed_by_poll", t->c.rx_timed_poll);
	mbl_json_obj_close(j);
	/* what jitter and delay rest on (docs/report.md) */
	mbl_json_obj_open(j, "timing");
	mbl_json_dbl(j, "timed_share_pct", mbl_dp_timed_share_pct(t));
	mbl_json_dbl(j, "floor_pct", MBL_DP_TIMED_FLOOR_PCT);
	mbl_json_bool(j, "trusted", mbl_dp_timed_share_pct(t) >= MBL_DP_TIMED_FLOOR_PCT);
	mbl_json_str(j, "source", t->c.rx_timed_port && t->c.rx_timed_poll ? "port+poll"
				  : t->c.rx_timed_port ? "port" : t->c.rx_timed_poll ? "poll" : "none");
	mbl_json_obj_close(j);
	mbl_json_obj_open(j, "rtcp");
	mbl_json_u64(j, "tx_packets", t->c.tx_rtcp);
	mbl_json_u64(j, "rx_packets", t->c.rx_rtcp);
	mbl_json_u64(j, "streams_with_rtt", mbl_hist_count(&t->rtt_us));
	/* AVPF feedback received (RFC 4585; reduced-size RFC 5506 accepted) */
	mbl_json_u64(j, "rx_nack", t->c.rx_nack);
	mbl_json_u64(j, "rx_nack_packets", t->c.rx_nack_packets);
	mbl_json_u64(j, "rx_pli", t->c.rx_pli);
	mbl_json_u64(j, "rx_fir", t->c.rx_fir);
	/* what we sent: XR (media.rtcp_xr) and NACKs (AVPF, RFC 4585) */
	mbl_json_u64(j, "tx_xr", t->c.tx_xr);
	mbl_json_u64(j, "rx_xr_bad", t->c.rx_xr_bad);
	mbl_json_u64(j, "tx_nack", t->c.tx_nack);
	mbl_json_u64(j, "tx_nack_seqs", t->c.tx_nack_seqs);
	mbl_json_u64(j, "tx_early", t->c.tx_rtcp_early);
	mbl_json_u64(j, "nack_unsent", t->c.nack_unsent);
	mbl_json_obj_close(j);
	mbl_hist_json(j, "jitter_ms", &t->jitter_us, 1e3);
	mbl_json_dbl(j, "jitter_mean_ms", t->jitter_mean_ms);
	mbl_hist_json(j, "one_way_delay_us", &t->delay_ns, 1e3);
	mbl_hist_json(j, "rtt_ms", &t->rtt_us, 1e3);
	mbl_json_dbl(j, "mos", mos_of(dp, t));
	/* what the far end says of our streams, beside our view of its */
	mbl_json_obj_open(j, "peer");
	mbl_json_u64(j, "streams_with_reports", t->peer_streams);
	mbl_json_i64(j, "lost", t->peer_lost);
	mbl_json_u64(j, "expected", t->peer_expected);
	mbl_json_dbl(j, "loss_pct", t->peer_expected ? 100.0 * (double)t->peer_lost /
							   (double)t->peer_expected : 0);
	mbl_hist_json(j, "jitter_ms", &t->peer_jitter_us, 1e3);
	/* its RTCP XR (RFC 3611), when it sends them */
	mbl_json_obj_open(j, "xr");
	mbl_json_u64(j, "rx_packets", t->c.rx_xr);
	mbl_json_u64(j, "streams_with_voip_metrics", t->peer_xr.streams);
	mbl_json_u64(j, "summary_lost", t->peer_xr.lost);
	mbl_json_u64(j, "summary_duplicates", t->peer_xr.dup);
	mbl_hist_json(j, "mos_cq", &t->peer_xr.mos_cq10, 10);
	mbl_hist_json(j, "r_factor", &t->peer_xr.r, 1);
	mbl_json_obj_close(j);
	mbl_json_obj_close(j);
	drops_json(t, j);
	if (dp->conf.srtp_tx || dp->conf.srtp_rx || dp->hs != NULL) {
		mbl_json_obj_open(j, "srtp");
		mbl_json_str(j, "rx_verify", dp->conf.srtp_rx_auth_only ? "auth_only" : "decrypt");
		mbl_json_u64(j, "rekeyed_tx", t->c.srtp_rekey_tx);
		mbl_json_u64(j, "rekeyed_rx", t->c.srtp_rekey_rx);
		mbl_json_u64(j, "late_starts", t->c.srtp_late_start);
		mbl_json_u64(j, "protect_fail", t->c.srtp_protect_fail);
		mbl_json_obj_close(j);
	}
	if (dp->hs != NULL) {
		mbl_json_obj_open(j, "dtls");
		mbl_json_u64(j, "datagrams_rx", t->c.dtls_rx);
		mbl_json_u64(j, "datagrams_tx", t->c.dtls_tx);
		mbl_json_u64(j, "streams_keyed", t->c.dtls_keyed);
		mbl_json_obj_close(j);
	}
	mbl_json_obj_open(j, "tx");
	mbl_json_u64(j, "refused", t->c.tx_refused);
	mbl_json_u64(j, "nombuf", t->c.tx_nombuf);
	mbl_json_u64(j, "wait_neigh", t->c.tx_wait_neigh);
	mbl_json_obj_close(j);
	mbl_json_obj_open(j, "l2");
	mbl_json_u64(j, "rx_frames", t->c.rx_frames);
	mbl_json_u64(j, "rx_dispatched", t->c.rx_dispatched);
	mbl_json_u64(j, "arp_reply_tx", t->c.arp_reply_tx);
	mbl_json_u64(j, "arp_request_tx", t->c.arp_request_tx);
	mbl_json_u64(j, "nd_tx", t->c.nd_tx);
	mbl_json_u64(j, "icmp_echo_reply", t->c.icmp_echo_reply);
	mbl_json_u64(j, "neigh_learned", t->c.neigh_learned);
	mbl_json_obj_close(j);
	mbl_json_obj_close(j);
	mbl_json_obj_open(j, "pacing");
	mbl_hist_json(j, "lateness_us", &t->lateness_tsc, tsc_per_us);
	mbl_json_obj_close(j);
}

uint32_t mbl_dp_stream_count(const struct mbl_dp *dp)
{
	return dp->conf.streams;
}

int mbl_dp_stream_view(const struct mbl_dp *dp, uint32_t i, struct mbl_dp_stream_view *v)
{
	const struct dp_stream *s;
	const struct dp_rx *r;
	uint8_t ip[16];
	uint16_t port;
	char a[40];
	uint32_t cr;

	if (i >= dp->conf.streams)
		return -ENOENT;
	s = &dp->s[i];
	r = &dp->r[i];
	cr = dp->conf.codec->clock_rate;
	memset(v, 0, sizeof(*v));
	v->index = i;
	dp_stream_local(&dp->conf, i, ip, &port);
	snprintf(v->local, sizeof(v->local), "%s:%u", mbl_fmt_ip(dp->conf.local.family, ip, a,
								  sizeof(a)), port);
	dp_stream_remote(&dp->conf, i, ip, &port);
	snprintf(v->remote, sizeof(v->remote), "%s:%u", mbl_fmt_ip(dp->conf.remote.family, ip, a,
								    sizeof(a)), port);
	v->ssrc = s->ssrc;
	v->peer_ssrc = r->peer_ssrc;
	v->tx_packets = s->tx_packets;
	v->rx_packets = r->packets;
	v->lost = mbl_rx_seq_lost(&r->seq);
	v->duplicates = r->seq.duplicates;
	v->reordered = r->seq.reordered;
	v->jitter_ms = mbl_rx_jitter_ms(&r->jit, cr);
	v->jitter_mean_ms = mbl_rx_jitter_mean_ms(&r->jit, cr);
	v->rtt_ms = r->have_rtt ? r->rtt_us / 1000.0 : -1;
	v->delay_min_ns = r->delay_min_ns;
	v->delay_max_ns = r->delay_max_ns;
	v->running = s->state == DP_S_RUN;
	return 0;
}
