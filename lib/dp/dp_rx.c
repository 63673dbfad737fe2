/* SPDX-License-Identifier: BSD-3-Clause
 * Receive path: classify each frame (net layer), answer ARP / ND / ICMP echo
 * for our media addresses, find the stream from the destination, demux the
 * UDP payload by its first byte (RFC 7983) and account RTP / RTCP. */
#include <rte_arp.h>
#include <rte_ethdev.h>

#include "dp_priv.h"

static void learn(struct dp_worker *w, const uint8_t ip[16], const uint8_t mac[6],
		  uint64_t now_ns, bool tell_others)
{
	struct mbl_dp *dp = w->dp;
	struct dp_neigh_msg msg;

	if (mbl_neigh_learn(w->neigh, ip, mac, now_ns) == 0)
		w->c.neigh_learned++;
	if (!tell_others || dp->n_workers < 2)
		return;
	memcpy(msg.ip, ip, 16);
	memcpy(msg.mac, mac, 6);
	for (unsigned i = 0; i < dp->n_workers; i++)
		if (i != w->idx)
			rte_ring_mp_enqueue_elem(dp->w[i].notify, &msg, sizeof(msg));
}

/* Neighbors learnt by other workers (ARP replies land on one RX queue). */
void dp_notify_poll(struct dp_worker *w)
{
	struct dp_neigh_msg msg[16];
	unsigned n = rte_ring_sc_dequeue_burst_elem(w->notify, msg, sizeof(msg[0]), 16, NULL);
	uint64_t now_ns = mbl_tsc_to_ns(mbl_tsc());

	for (unsigned i = 0; i < n; i++)
		learn(w, msg[i].ip, msg[i].mac, now_ns, false);
}

static void rx_arp(struct dp_worker *w, const struct mbl_net_info *ni, uint64_t now_ns)
{
	struct mbl_dp *dp = w->dp;
	uint8_t ip[16], buf[MBL_NET_ARP_FRAME_LEN + 4];
	int len;

	/* RFC 826: learn the sender when the request is for us, and every reply */
	mbl_net_ip4_to16(ni->arp_tpa, ip);
	if (mbl_ip_range_index(&dp->conf.local, ip) < 0)
		return;
	mbl_net_ip4_to16(ni->arp_spa, ip);
	if (ni->arp_spa != 0)
		learn(w, ip, ni->arp_sha, now_ns, true);
	if (ni->arp_op != RTE_ARP_OP_REQUEST)
		return;
	len = mbl_net_arp_reply(buf, sizeof(buf), dp->conf.vlan, dp->mac, ni->arp_tpa,
				ni->arp_sha, ni->arp_spa);
	if (len > 0 && dp_tx_frame(w, buf, (uint16_t)len) == 0)
		w->c.arp_reply_tx++;
}

static void rx_nd(struct dp_worker *w, const struct mbl_net_info *ni, int cls, uint64_t now_ns)
{
	struct mbl_dp *dp = w->dp;
	uint8_t buf[128];
	int len;

	if (mbl_ip_range_index(&dp->conf.local, ni->nd_target) < 0 && cls == MBL_NET_C_ND_NS)
		return;
	if (cls == MBL_NET_C_ND_NA) {
		if (ni->nd_lladdr != NULL)
			learn(w, ni->nd_target, ni->nd_lladdr, now_ns, true);
		return;
	}
	if (ni->nd_lladdr != NULL && ni->src6 != NULL && ni->src6[0] != 0)
		learn(w, ni->src6, ni->nd_lladdr, now_ns, true);
	len = mbl_net_nd_na_reply(buf, sizeof(buf), ni, dp->mac);
	if (len > 0 && dp_tx_frame(w, buf, (uint16_t)len) == 0)
		w->c.nd_tx++;
}

static void rx_icmp(struct dp_worker *w, struct rte_mbuf *m, const struct mbl_net_info *ni,
		    int cls)
{
	uint8_t dst[16], *f = rte_pktmbuf_mtod(m, uint8_t *);
	int len;

	mbl_net_info_dst16(ni, dst);
	if (mbl_ip_range_index(&w->dp->conf.local, dst) < 0)
		return;
	len = cls == MBL_NET_C_ICMP4_ECHO_REQ ? mbl_net_icmp4_echo_reply(f, ni)
					      : mbl_net_icmp6_echo_reply(f, ni);
	if (len > 0 && dp_tx_frame(w, f, (uint16_t)len) == 0)
		w->c.icmp_echo_reply++;
}

/* ARP request / NS for a next hop; called from mbl_neigh_poll. */
int dp_neigh_send_req(void *arg, const uint8_t ip[16])
{
	struct dp_worker *w = arg;
	struct mbl_dp *dp = w->dp;
	uint8_t buf[128], src[16];
	uint32_t sip, tip;
	int len;

	mbl_ip_range_nth(&dp->conf.local, 0, src);
	if (dp->conf.local.family == 4) {
		memcpy(&sip, src + 12, 4);
		memcpy(&tip, ip + 12, 4);
		len = mbl_net_arp_request(buf, sizeof(buf), dp->conf.vlan, dp->mac, sip, tip, NULL);
		if (len > 0)
			w->c.arp_request_tx++;
	} else {
		len = mbl_net_nd_ns_build(buf, sizeof(buf), dp->conf.vlan, dp->mac, src, ip, NULL);
		if (len > 0)
			w->c.nd_tx++;
	}
	if (len < 0)
		return len;
	return dp_tx_frame(w, buf, (uint16_t)len);
}

static void rx_delay(struct dp_worker *w, struct dp_rx *r, const uint8_t *pl, uint32_t len,
		     uint32_t stream, uint64_t now_ns)
{
	struct mbl_probe_info pi;
	int rc = mbl_probe_read(pl, len, &pi);
	uint64_t d;

	if (rc == -ENOMSG)
		return;
	/* call mode: the peer numbers its slots its own way; the payload's
	 * own integrity check still holds */
	if (rc < 0 || (pi.stream_id != stream && !w->dp->conf.dynamic)) {
		w->c.drop_dp[MBL_DP_DROP_probe_corrupt]++;
		return;
	}
	w->c.rx_probe_ok++;
	if (mbl_unlikely(w->rx_uncertain))
		return;
	d = now_ns > pi.tx_ns ? now_ns - pi.tx_ns : 0;
	mbl_hist_add(&w->delay, d);
	if (r->delay_n == 0 || d < r->delay_min_ns)
		r->delay_min_ns = d;
	if (d > r->delay_max_ns)
		r->delay_max_ns = d;
	r->delay_sum_ns += d;
	r->delay_n++;
}

static inline int srtp_run(struct mbl_srtp_ctx *c, uint8_t *p, uint32_t *len, bool rtcp)
{
	return rtcp ? mbl_srtp_unprotect_rtcp(c, p, len) : mbl_srtp_unprotect(c, p, len);
}

/* Rekey (RFC 4568 7.1.4 style: the peer switches at a packet of its
 * choosing): while a next key is held, a packet the current key refuses is
 * tried with it, on a copy (a failed AEAD may leave the buffer changed);
 * the next key takes over at its first success and the old one retires
 * (freed by the control plane at the next rekey or at the end). The next
 * context takes the current index state just before each try, so a ROC
 * wrap between install and switch is carried. */
static int srtp_try_next(struct dp_worker *w, struct dp_rx *r, uint8_t *p, uint32_t *len,
			 bool rtcp, const uint8_t *orig, uint32_t olen)
{
	int rc;

	memcpy(p, orig, olen);
	*len = olen;
	(void)mbl_srtp_ctx_inherit(r->srtp_next, r->srtp);
	rc = srtp_run(r->srtp_next, p, len, rtcp);
	if (rc != 0)
		return rc;
	if (r->srtp_retired == NULL) {
		r->srtp_retired = r->srtp;
	} else {
		/* two rekeys before the control plane collected the first
		 * retiree: keep the newer one, the oldest goes now */
		mbl_srtp_ctx_free(r->srtp_retired);
		r->srtp_retired = r->srtp;
	}
	r->srtp = r->srtp_next;
	r->srtp_next = NULL;
	w->c.srtp_rekey_rx++;
	return 0;
}

static void srtp_count(struct dp_worker *w, struct dp_rx *r, int rc)
{
	switch (rc) {
	case -EBADMSG:
		w->c.drop_dp[MBL_DP_DROP_srtp_auth_fail]++;
		r->srtp_auth_fail++;
		break;
	case -EALREADY:
		w->c.drop_dp[MBL_DP_DROP_srtp_replay]++;
		r->srtp_replay++;
		break;
	case -EINVAL:
		w->c.drop_dp[MBL_DP_DROP_srtp_malformed]++;
		break;
	default:
		w->c.drop_dp[MBL_DP_DROP_srtp_other]++;
		break;
	}
}

/* The stream's first authenticated SRTP packet: a peer that started at
 * ROC 1 (a late start, mbl_srtp.h) is counted */
static void srtp_first(struct dp_worker *w, struct dp_rx *r)
{
	r->srtp_good = true;
	if (mbl_srtp_ctx_first_roc(r->srtp) != 0)
		w->c.srtp_late_start++;
}

/* SRTP/SRTCP in place (RFC 3711 3.3, 3.4); 0 or a counted drop. */
static int srtp_in(struct dp_worker *w, struct dp_rx *r, uint8_t *p, uint32_t *len, bool rtcp)
{
	uint8_t orig[DP_FRAME_CAP];
	uint32_t olen = *len;
	bool alt = r->srtp_next != NULL && olen <= sizeof(orig);
	int rc;

	if (mbl_unlikely(alt))
		memcpy(orig, p, olen);
	rc = srtp_run(r->srtp, p, len, rtcp);
	if (mbl_likely(rc == 0)) {
		if (mbl_unlikely(!r->srtp_good) && !rtcp)
			srtp_first(w, r);
		return 0;
	}
	/* SRTCP restarts its index under a new key, so the old key's window
	 * calls the first new packets replays (RFC 3711 3.3.2 checks the
	 * index before the tag): those get the next key's try too */
	if (alt && (rc == -EBADMSG || rc == -ESRCH || rc == -EALREADY) &&
	    srtp_try_next(w, r, p, len, rtcp, orig, olen) == 0) {
		if (!r->srtp_good && !rtcp)
			srtp_first(w, r);
		return 0;
	}
	srtp_count(w, r, rc);
	return rc;
}

/* Arrival of m from the port's own receive timestamp (ns, in the port's
 * clock), when the port stamps and this mbuf carries a stamp. */
static inline void rx_stamp(struct dp_worker *w, const struct rte_mbuf *m)
{
	const struct mbl_dp *dp = w->dp;
	uint64_t t;

	w->arr_port = dp->rx_ts_off >= 0 && (m->ol_flags & dp->rx_ts_flag) != 0;
	if (!w->arr_port)
		return;
	t = *RTE_MBUF_DYNFIELD(m, dp->rx_ts_off, const uint64_t *);
	w->arr_ns = (uint64_t)(((unsigned __int128)t * dp->rx_ts_mult) >> 32);
}

/* One jitter sample. The port's stamp is the packet's arrival; without
 * one, the poll time of its burst is, unless the poll came after a gap
 * (rx_uncertain): an arrival time we do not know must not read as jitter.
 * Event packets (DTMF) repeat one timestamp and are never samples. */
/* |D| statistics of the XR statistics summary's interval (RFC 3611 4.6),
 * in whole timestamp units */
static inline void xr_transit(struct dp_rx *r, uint32_t ad)
{
	uint32_t d = ad >> MBL_RX_JIT_FRAC;

	if (r->jd_n == 0 || d < r->jd_min)
		r->jd_min = d;
	if (d > r->jd_max)
		r->jd_max = d;
	r->jd_sum += d;
	r->jd_sq += (uint64_t)d * d;
	r->jd_n++;
}

static void rx_jitter(struct dp_worker *w, struct dp_rx *r, uint32_t rtp_ts, uint64_t now_ns)
{
	uint32_t cr = w->dp->conf.codec->clock_rate, ad;
	uint64_t n = r->jit.n_diff;

	if (w->arr_port) {
		ad = mbl_rx_jitter_update(&r->jit, rtp_ts, w->arr_ns, cr);
		w->c.rx_timed_port++;
	} else if (mbl_unlikely(w->rx_uncertain)) {
		w->c.rx_timing_skipped++;
		return;
	} else {
		ad = mbl_rx_jitter_update(&r->jit, rtp_ts, now_ns, cr);
		w->c.rx_timed_poll++;
	}
	if (w->dp->conf.rtcp_xr && r->jit.n_diff != n)
		xr_transit(r, ad);
}

/* Packets gap SEQs ahead of the highest so far went missing: the XR loss
 * model sees them, and with NACK negotiated they wait in the stream's queue
 * for the next feedback, early when RFC 4585 3.5.2 allows it. */
static void rx_gap(struct dp_worker *w, uint32_t stream, struct dp_rx *r, uint16_t first,
		   uint32_t gap)
{
	uint32_t room, n;

	if (w->dp->conf.rtcp_xr)
		mbl_rtcp_burst_lost(&r->burst, gap, MBL_RTCP_XR_GMIN);
	if (!r->nack)
		return;
	room = DP_NACK_Q - r->nack_n;
	n = MBL_MIN(gap, room);
	for (uint32_t i = 0; i < n; i++)
		r->nack_q[r->nack_n++] = (uint16_t)(first + i);
	w->c.nack_unsent += gap - n;
	if (n != 0 && r->fb_allow_early && !r->fb_queued && w->n_fb_early < DP_FB_EARLY) {
		w->fb_early[w->n_fb_early++] = stream;
		r->fb_queued = true;
	}
}

/* Plain RTP (SRTP already removed). Returns true when the packet was
 * accepted as this stream's media. */
static bool rx_rtp_clear(struct dp_worker *w, uint32_t stream, uint8_t *p, uint32_t len,
			 uint64_t now_ns)
{
	struct mbl_dp *dp = w->dp;
	struct dp_rx *r = &dp->r[stream];
	struct mbl_rtp_info ri;
	int rc, v;
	bool dtmf;

	rc = mbl_rtp_parse(p, len, &ri);
	if (rc < 0) {
		w->c.drop_rtp[-rc]++;
		return false;
	}
	dtmf = dp->conf.dtmf_pt != 0 && ri.pt == dp->conf.dtmf_pt;
	if (!dtmf && ri.pt != dp->s[stream].pt) {
		w->c.drop_dp[MBL_DP_DROP_wrong_pt]++;
		return false;
	}
	if (mbl_unlikely(!r->have_peer || r->peer_ssrc != ri.ssrc)) {
		/* a new SSRC is a new source (RFC 3550 8.2): restart its state */
		if (r->have_peer)
			w->c.rx_ssrc_change++;
		mbl_rx_seq_init(&r->seq);
		mbl_rx_jitter_init(&r->jit);
		r->peer_ssrc = ri.ssrc;
		r->have_peer = true;
	}
	bool started = r->seq.started;
	int64_t prev_max = r->seq.max_ext;
	v = mbl_rx_seq_update(&r->seq, ri.seq);
	if (v == MBL_RX_JUMP)
		return true;
	if (v == MBL_RX_NEW && started && r->seq.max_ext > prev_max + 1)
		rx_gap(w, stream, r, (uint16_t)(prev_max + 1), (uint32_t)(r->seq.max_ext - prev_max - 1));
	if (v == MBL_RX_NEW && dp->conf.rtcp_xr)
		mbl_rtcp_burst_packet(&r->burst, false, MBL_RTCP_XR_GMIN);
	if (v == MBL_RX_RESYNC) /* the sender restarted: new timestamp base too */
		mbl_rx_jitter_rebase(&r->jit);
	/* a duplicate is not counted again, but it arrived: it is a sample of
	 * interarrival jitter (RFC 3550 A.8 "each data packet"), as in
	 * Wireshark's RTP analysis */
	if (dtmf)
		w->c.rx_dtmf += v != MBL_RX_DUP;
	else
		rx_jitter(w, r, ri.ts, now_ns);
	if (v == MBL_RX_DUP)
		return true;
	r->packets++;
	r->bytes += len;
	r->last_ns = now_ns;
	w->c.rx_rtp++;
	w->c.rx_rtp_bytes += len;
	/* an authenticate-only receiver has the payload still encrypted */
	if (dp->conf.payload == MBL_DP_PAYLOAD_PROBE && !dtmf && !dp->conf.srtp_rx_auth_only)
		rx_delay(w, r, p + ri.payload_off, ri.payload_len, stream, now_ns);
	return true;
}

static bool rx_rtp(struct dp_worker *w, uint32_t stream, uint8_t *p, uint32_t len,
		   uint64_t now_ns)
{
	struct dp_rx *r = &w->dp->r[stream];

	if (r->srtp != NULL && srtp_in(w, r, p, &len, false) < 0)
		return false;
	return rx_rtp_clear(w, stream, p, len, now_ns);
}

/* An RTCP feedback message (RFC 4585 6.1: header, sender SSRC, media
 * SSRC, FCI) about our stream `ours`: counted. A generic NACK's FCI is
 * PID + BLP pairs, each asking for PID and every set bit's PID + i + 1. */
static void rx_feedback(struct dp_worker *w, const struct mbl_rtcp_pkt *k,
			const uint8_t *q, uint32_t ours)
{
	uint32_t media = mbl_rtcp_fb_media(q, k->len);

	if (k->len < 12) /* no media SSRC: not a feedback message (6.1) */
		return;
	if (media != ours && !(k->pt == MBL_RTCP_PSFB && k->count == MBL_RTCP_FB_FIR))
		return;
	if (k->pt == MBL_RTCP_RTPFB && k->count == MBL_RTCP_FB_NACK) {
		w->c.rx_nack++;
		w->c.rx_nack_packets += mbl_rtcp_nack_seqs(q + 12, k->len - 12u, NULL, 0);
	} else if (k->pt == MBL_RTCP_PSFB && k->count == MBL_RTCP_FB_PLI) {
		w->c.rx_pli++;
	} else if (k->pt == MBL_RTCP_PSFB && k->count == MBL_RTCP_FB_FIR) {
		w->c.rx_fir++; /* media SSRC 0: the FCI names the targets */
	}
}

/* The peer's extended report (RFC 3611): its statistics summary and VoIP
 * metrics about our stream are kept beside its report blocks. */
static void rx_xr(struct dp_worker *w, struct dp_rx *r, const struct mbl_rtcp_pkt *k,
		  const uint8_t *q, uint32_t ours)
{
	struct mbl_rtcp_xr_view v;

	if (mbl_rtcp_xr_parse(q, k->len, ours, &v) < 0)
		w->c.rx_xr_bad++;
	if (!v.has_ssum && !v.has_voip)
		return;
	w->c.rx_xr++;
	r->peer_xr++;
	if (v.has_ssum) {
		r->peer_xr_lost += v.ssum.lost;
		r->peer_xr_dup += v.ssum.dup;
	}
	if (v.has_voip) {
		r->peer_voip = v.voip;
		r->peer_has_voip = true;
	}
}

/* RTCP (RFC 3550 6.4): remember the peer's SR time for our report blocks,
 * and take RTT = A - LSR - DLSR (6.4.1) from blocks about our SSRC. */
static bool rx_rtcp(struct dp_worker *w, uint32_t stream, uint8_t *p, uint32_t len,
		    uint64_t now_ns)
{
	struct mbl_dp *dp = w->dp;
	struct dp_rx *r = &dp->r[stream];
	struct mbl_rtcp_info ci;
	int rc;

	if (r->srtp != NULL && srtp_in(w, r, p, &len, true) < 0)
		return false;
	rc = mbl_rtcp_walk(p, len, &ci);
	if (rc < 0) {
		w->c.drop_rtp[-rc]++;
		return false;
	}
	w->c.rx_rtcp++;
	r->rtcp_packets++;
	for (unsigned k = 0; k < MBL_MIN(ci.n_pkts, MBL_RTCP_MAX_PKTS); k++) {
		const uint8_t *q = p + ci.pkt[k].off;
		uint32_t rb_off, ntp_mid;

		if (ci.pkt[k].pt == MBL_RTCP_RTPFB || ci.pkt[k].pt == MBL_RTCP_PSFB) {
			rx_feedback(w, &ci.pkt[k], q, dp->s[stream].ssrc);
			continue;
		}
		if (ci.pkt[k].pt == MBL_RTCP_XR) {
			rx_xr(w, r, &ci.pkt[k], q, dp->s[stream].ssrc);
			continue;
		}
		if (ci.pkt[k].pt == MBL_RTCP_SR && ci.pkt[k].len >= 28) {
			memcpy(&ntp_mid, q + 10, 4);
			r->peer_sr_mid = rte_be_to_cpu_32(ntp_mid);
			r->peer_sr_arrival_ns = now_ns;
			rb_off = 28;
		} else if (ci.pkt[k].pt == MBL_RTCP_RR) {
			rb_off = 8;
		} else {
			continue;
		}
		for (unsigned b = 0; b < ci.pkt[k].count && rb_off + 24 <= ci.pkt[k].len;
		     b++, rb_off += 24) {
			uint32_t a = (uint32_t)(dp_ns_to_ntp(now_ns) >> 16);
			struct mbl_rtcp_rb rb;

			mbl_rtcp_rb_get(q + rb_off, &rb);
			if (rb.ssrc != dp->s[stream].ssrc)
				continue;
			/* the peer's view of our stream (6.4.1): fraction lost,
			 * cumulative lost (signed 24 bits), highest SEQ, jitter */
			r->peer_fraction = rb.fraction;
			r->peer_lost = rb.lost;
			r->peer_ext_seq = rb.ext_seq;
			r->peer_jitter_ts = rb.jitter;
			r->peer_reports++;
			if (rb.lsr == 0)
				continue;
			/* units of 1/65536 s, mod 2^32; a negative result means a
			 * bogus DLSR from the peer: no RTT from this block */
			if ((int32_t)(a - rb.lsr - rb.dlsr) < 0)
				continue;
			r->rtt_us = (uint32_t)(((uint64_t)(uint32_t)(a - rb.lsr - rb.dlsr) * 1000000) >> 16);
			r->have_rtt = true;
		}
	}
	return true;
}

void dp_rx_udp_payload(struct dp_worker *w, uint32_t stream, bool rtcp, uint8_t *p,
		       uint32_t len, uint64_t now_ns)
{
	bool ok;

	if (mbl_unlikely(w->dp->s[stream].state == DP_S_STOPPED)) {
		w->c.drop_dp[MBL_DP_DROP_stream_idle]++;
		return;
	}
	if (mbl_unlikely(w->dp->s[stream].ice_wait | w->dp->s[stream].keys_wait)) {
		/* nothing is media before ICE selects a pair (RFC 8445 12.1) and
		 * the DTLS handshake ends (RFC 5764 4.1): one test on the fast path */
		w->c.drop_dp[mbl_rtp_demux(p, len) == MBL_RTP_DEMUX_dtls ? MBL_DP_DROP_dtls_unhandled
			     : w->dp->s[stream].ice_wait ? MBL_DP_DROP_ice_pending
							  : MBL_DP_DROP_keys_pending]++;
		return;
	}
	switch (mbl_rtp_demux(p, len)) {
	case MBL_RTP_DEMUX_rtp:
		/* RTP on the RTCP port goes to the RTCP parser, which drops it */
		ok = !rtcp ? rx_rtp(w, stream, p, len, now_ns) : rx_rtcp(w, stream, p, len, now_ns);
		break;
	case MBL_RTP_DEMUX_rtcp:
		ok = rx_rtcp(w, stream, p, len, now_ns);
		break;
	case MBL_RTP_DEMUX_stun:
		w->c.drop_dp[MBL_DP_DROP_stun_unhandled]++;
		return;
	case MBL_RTP_DEMUX_dtls:
		w->c.drop_dp[MBL_DP_DROP_dtls_unhandled]++;
		return;
	default:
		w->c.drop_dp[MBL_DP_DROP_demux_unknown]++;
		return;
	}
	/* only accepted media keeps the drain loop waiting */
	if (ok)
		w->last_rx_ns = now_ns;
}

static bool srtp_defer(struct dp_worker *w, struct rte_mbuf *m, const struct mbl_net_info *ni,
		       uint32_t stream, bool rtcp);

static void rx_udp(struct dp_worker *w, struct rte_mbuf *m, const struct mbl_net_info *ni,
		   uint64_t now_ns)
{
	struct mbl_dp *dp = w->dp;
	struct dp_worker *o;
	uint8_t dst[16];
	bool rtcp;
	int64_t s;

	mbl_net_info_dst16(ni, dst);
	s = dp_stream_lookup(&dp->conf, dst, ni->dport, &rtcp);
	if (s < 0) {
		w->c.drop_dp[mbl_ip_range_index(&dp->conf.local, dst) < 0
				     ? MBL_DP_DROP_not_local : MBL_DP_DROP_unknown_stream]++;
		rte_pktmbuf_free(m);
		return;
	}
	o = dp_owner(dp, (uint32_t)s);
	if (o != w) {
		/* software dispatch: the owner keeps all stream state */
		if (rte_ring_mp_enqueue(o->dispatch, m) != 0) {
			w->c.drop_dp[MBL_DP_DROP_dispatch_full]++;
			rte_pktmbuf_free(m);
		} else {
			w->c.rx_dispatched++;
		}
		return;
	}
	if (mbl_unlikely(dp->hs != NULL) && !rtcp && ni->payload_len != 0) {
		const uint8_t *p = rte_pktmbuf_mtod_offset(m, const uint8_t *, ni->payload_off);

		enum mbl_rtp_demux d = mbl_rtp_demux(p, ni->payload_len);

		if (d == MBL_RTP_DEMUX_dtls) {
			dp_dtls_rx(w, m, ni->payload_off, ni->payload_len, (uint32_t)s);
			return;
		}
		if (d == MBL_RTP_DEMUX_stun) {
			dp_stun_rx(w, m, ni, (uint32_t)s);
			return;
		}
	}
	if (dp->srtp_rx_burst && srtp_defer(w, m, ni, (uint32_t)s, rtcp))
		return;
	dp_rx_udp_payload(w, (uint32_t)s, rtcp, rte_pktmbuf_mtod_offset(m, uint8_t *,
				ni->payload_off), ni->payload_len, now_ns);
	rte_pktmbuf_free(m);
}

/* Cryptodev engine: SRTP of a running stream waits for the end of the RX
 * burst and is unprotected with the others in one enqueue / dequeue cycle
 * (dp_rx_srtp_flush). SRTCP, streams in a rekey (two keys to try) and
 * streams before their first authenticated packet (the late-start retry
 * of mbl_srtp.h) take the per-packet path. The mbuf is cut to the UDP payload's end (the
 * burst API runs to the mbuf's end: no Ethernet padding may follow). */
static bool srtp_defer(struct dp_worker *w, struct rte_mbuf *m, const struct mbl_net_info *ni,
		       uint32_t stream, bool rtcp)
{
	const struct dp_rx *r = &w->dp->r[stream];
	const uint8_t *p = rte_pktmbuf_mtod_offset(m, const uint8_t *, ni->payload_off);

	if (rtcp || r->srtp == NULL || r->srtp_next != NULL || !r->srtp_good ||
	    w->nsrx == DP_BURST_MAX ||
	    w->dp->s[stream].state == DP_S_STOPPED ||
	    mbl_rtp_demux(p, ni->payload_len) != MBL_RTP_DEMUX_rtp)
		return false;
	rte_pktmbuf_trim(m, (uint16_t)(m->data_len - ni->payload_off - ni->payload_len));
	w->srx_m[w->nsrx] = m;
	w->srx_stream[w->nsrx] = stream;
	w->srx_off[w->nsrx++] = ni->payload_off;
	return true;
}

void dp_rx_srtp_flush(struct dp_worker *w, uint64_t now_ns)
{
	struct mbl_srtp_ctx *ctx[DP_BURST_MAX];
	int rc[DP_BURST_MAX];
	uint16_t n = w->nsrx;

	for (uint16_t i = 0; i < n; i++)
		ctx[i] = w->dp->r[w->srx_stream[i]].srtp;
	mbl_srtp_cdev_unprotect_burst(ctx, w->srx_m, w->srx_off, n, rc);
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = w->srx_m[i];
		uint32_t s = w->srx_stream[i];

		rx_stamp(w, m);
		if (rc[i] != 0)
			srtp_count(w, &w->dp->r[s], rc[i]);
		else if (rx_rtp_clear(w, s, rte_pktmbuf_mtod_offset(m, uint8_t *, w->srx_off[i]),
				      m->data_len - w->srx_off[i], now_ns))
			w->last_rx_ns = now_ns;
		rte_pktmbuf_free(m);
	}
	w->nsrx = 0;
}

/* A frame for an address we do not own is not ours to judge: on a port the
 * kernel shares (af_packet), its own traffic often carries a checksum left
 * for offload (veth), which must not read as a corrupt packet of ours. */
static void count_net_drop(struct dp_worker *w, const struct mbl_net_info *ni)
{
	uint8_t dst[16];

	if (ni->drop == MBL_NET_DROP_bad_udp_csum && ni->family != 0) {
		mbl_net_info_dst16(ni, dst);
		if (mbl_ip_range_index(&w->dp->conf.local, dst) < 0) {
			w->c.drop_dp[MBL_DP_DROP_not_local]++;
			return;
		}
	}
	w->c.drop_net[ni->drop]++;
}

/* Handle one received frame; takes ownership of m. */
void dp_rx_frame(struct dp_worker *w, struct rte_mbuf *m, uint64_t now_ns)
{
	struct mbl_net_info ni;
	unsigned flags = 0;
	int cls;

	if (w->dp->rx_cksum_hw) {
		if ((m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) == RTE_MBUF_F_RX_IP_CKSUM_GOOD)
			flags |= MBL_NET_PARSE_L3_OK;
		if ((m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) == RTE_MBUF_F_RX_L4_CKSUM_GOOD)
			flags |= MBL_NET_PARSE_L4_OK;
	}
	rx_stamp(w, m);
	if (mbl_unlikely(m->nb_segs != 1)) {
		w->c.drop_net[MBL_NET_DROP_short_frame]++;
		rte_pktmbuf_free(m);
		return;
	}
	cls = mbl_net_parse(rte_pktmbuf_mtod(m, uint8_t *), m->data_len, flags, &ni);
	switch (cls) {
	case MBL_NET_C_UDP:
		rx_udp(w, m, &ni, now_ns);
		return;
	case MBL_NET_C_DROP:
		count_net_drop(w, &ni);
		break;
	case MBL_NET_C_ARP:
		rx_arp(w, &ni, now_ns);
		break;
	case MBL_NET_C_ICMP4_ECHO_REQ:
	case MBL_NET_C_ICMP6_ECHO_REQ:
		rx_icmp(w, m, &ni, cls);
		break;
	case MBL_NET_C_ND_NS:
	case MBL_NET_C_ND_NA:
		rx_nd(w, &ni, cls, now_ns);
		break;
	default:
		w->c.drop_dp[MBL_DP_DROP_non_media]++;
		break;
	}
	rte_pktmbuf_free(m);
}
