/* SPDX-License-Identifier: BSD-3-Clause
 * Pacer and transmit path: due streams come off the timer wheel in bursts,
 * each gets one packet built from its header template, and the burst goes
 * to the worker's TX queue. */
#include <rte_ethdev.h>
#include <rte_memcpy.h>
#include <rte_prefetch.h>

#include "dp_priv.h"

/* Write the RTP header and return its partial checksum, computed from the
 * values in registers: reading the freshly written bytes back would stall
 * on store forwarding (it was the hottest instruction of the TX path). */
static inline uint32_t rtp_hdr_write_sum(uint8_t *p, uint8_t pt, bool marker, uint16_t seq,
					 uint32_t ts, uint32_t ssrc)
{
#if RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN
	/* the header as two words assembled in registers: building it as a
	 * struct on the stack and loading it back wide stalls store forwarding */
	uint64_t w0 = (uint64_t)(MBL_RTP_VERSION << 6) |
		      (uint64_t)((marker ? 0x80 : 0) | (pt & 0x7f)) << 8 |
		      (uint64_t)rte_cpu_to_be_16(seq) << 16 | (uint64_t)rte_cpu_to_be_32(ts) << 32;
	uint32_t w1 = rte_cpu_to_be_32(ssrc);
	uint64_t sum = (w0 & 0xffffffffu) + (w0 >> 32) + w1;

	memcpy(p, &w0, 8);
	memcpy(p + 8, &w1, 4);
	return (uint32_t)((sum & 0xffffffffu) + (sum >> 32));
#else
	mbl_rtp_write_hdr(p, pt, marker, seq, ts, ssrc);
	return mbl_net_cksum_add(0, p, MBL_RTP_HDR_LEN);
#endif
}

/* Next DTMF digit if one is due on this tick; returns true when this tick's
 * packet is an event packet (written at p, 4 bytes). */
static bool dtmf_tick(struct mbl_dp *dp, struct dp_stream *s, uint8_t *p, bool *marker,
		      uint32_t *ts)
{
	const struct mbl_dp_conf *c = &dp->conf;

	if (c->dtmf[0] == '\0')
		return false;
	if (!mbl_dtmf_active(&s->dtmf) && s->dtmf_countdown-- == 0) {
		int ev = mbl_dtmf_event(c->dtmf[s->dtmf_next]);

		s->dtmf_countdown = dp->dtmf_ticks - 1;
		s->dtmf_next = (uint8_t)(c->dtmf[s->dtmf_next + 1] ? s->dtmf_next + 1 : 0);
		if (ev >= 0)
			mbl_dtmf_start(&s->dtmf, (unsigned)ev, MBL_DTMF_DEFAULT_VOLUME, s->ts,
				       c->dtmf_duration_ms * (c->codec->clock_rate / 1000),
				       dp->ts_step);
	}
	return mbl_dtmf_active(&s->dtmf) && mbl_dtmf_next(&s->dtmf, p, marker, ts) > 0;
}

/* Build stream idx's next RTP packet at buf (room for headers + the largest
 * payload); returns the frame length. Advances seq, timestamp and payload
 * position. Owner worker only. */
uint16_t dp_build_rtp(struct mbl_dp *dp, struct dp_stream *s, uint32_t idx, uint8_t *buf,
		      uint64_t now_ns, bool *is_dtmf)
{
	const struct mbl_dp_conf *c = &dp->conf;
	uint8_t *rtp = buf + s->tmpl.len, *pl = rtp + MBL_RTP_HDR_LEN;
	uint32_t psum, hsum, ts = s->ts, rlen;
	uint16_t plen;
	bool marker = s->marker_next, ev;

	/* fixed-size copy: inlined moves; the RTP header overwrites the tail */
	memcpy(buf, s->tmpl.hdr, MBL_NET_TMPL_MAX);
	ev = dtmf_tick(dp, s, pl, &marker, &ts);
	*is_dtmf = ev;
	if (ev) {
		plen = MBL_DTMF_PAYLOAD_LEN;
		psum = mbl_net_cksum_add(0, pl, plen);
		hsum = rtp_hdr_write_sum(rtp, c->dtmf_pt, marker, s->seq, ts, s->ssrc);
		/* RFC 4733 2.5.1.1: the audio clock keeps running; the next
		 * audio packet after the event gets the marker bit */
		s->marker_next = !mbl_dtmf_active(&s->dtmf);
	} else if (c->payload == MBL_DP_PAYLOAD_PROBE) {
		plen = c->probe_len;
		psum = mbl_probe_write_sum(pl, plen, idx, s->frame, now_ns);
		hsum = rtp_hdr_write_sum(rtp, s->pt, marker, s->seq, ts, s->ssrc);
		s->marker_next = false;
	} else {
		const struct mbl_payload *f = c->frames;
		uint32_t k = s->frame_idx;

		plen = f->len[k];
		psum = f->sum[k];
		rte_memcpy(pl, f->data + f->off[k], plen);
		s->frame_idx = k + 1 == f->n_frames ? 0 : k + 1;
		hsum = rtp_hdr_write_sum(rtp, s->pt, marker, s->seq, ts, s->ssrc);
		s->marker_next = false;
	}
	s->frame++;
	s->seq++;
	s->ts += dp->ts_step;
	s->rtcp_octets += plen;
	rlen = MBL_RTP_HDR_LEN + plen;
	if (s->srtp != NULL && dp->srtp_burst) {
		/* protected with the whole burst; tx_srtp_burst sets lengths and
		 * checksums over the ciphertext, so nothing to finish here */
		s->tx_packets++;
		s->tx_bytes += rlen;
		return (uint16_t)(s->tmpl.len + rlen);
	}
	if (s->srtp == NULL) {
		psum = mbl_net_cksum_add32(psum, hsum);
	} else {
		/* RFC 3711: encrypt and tag in place; the payload changed, so the
		 * UDP checksum is summed afresh over what goes on the wire. A
		 * failure (key lifetime reached) loses this packet: its sequence
		 * number stays used, as on a real sender. */
		if (mbl_unlikely(mbl_srtp_protect(s->srtp, rtp, &rlen,
						  DP_FRAME_CAP - s->tmpl.len) < 0))
			return 0;
		psum = mbl_net_cksum_add(0, rtp, rlen);
	}
	mbl_net_udp_finalize(buf, &s->tmpl, (uint16_t)rlen, psum, dp->csum_mode);
	s->tx_packets++;
	s->tx_bytes += rlen;
	return (uint16_t)(s->tmpl.len + rlen);
}

/* A held stream's packet time passes unsent (RFC 3264 5.1: a recvonly or
 * inactive stream sends no RTP; RTCP goes on). The timestamp follows the
 * clock as if the packet had been sampled (RFC 3550 5.1), the sequence
 * number does not move, so the peer counts no loss and its jitter sees no
 * step when we resume. Owner worker only. */
void dp_tx_held(const struct mbl_dp *dp, struct dp_stream *s)
{
	s->ts += dp->ts_step;
}

/* Mbufs come raw from the pool (no rte_pktmbuf_reset: a freed mbuf
 * already has refcnt 1, one segment and no next), so every field TX reads
 * is set here. */
static inline void set_mbuf(const struct mbl_dp *dp, struct rte_mbuf *m,
			    const struct mbl_net_udp_tmpl *t, uint16_t len)
{
	m->data_off = RTE_PKTMBUF_HEADROOM;
	m->data_len = len;
	m->pkt_len = len;
	dp_tx_offload(dp, m, t);
}

/* Hand everything pending to the PMD; the pacer's lateness is taken here,
 * so TX coalescing is part of what it reports. */
void dp_tx_flush(struct dp_worker *w, uint64_t now)
{
	uint16_t sent;

	if (w->ntx == 0)
		return;
	sent = rte_eth_tx_burst(w->dp->port_id, w->txq, w->txb, w->ntx);
	/* count what the PMD took: a refused packet never reached the wire */
	for (uint16_t i = 0; i < sent; i++)
		if (w->txs[i] != 0) {
			mbl_hist_add(&w->lateness, now > w->txs[i] ? now - w->txs[i] : 0);
			w->c.tx_packets++;
		}
	if (mbl_unlikely(sent < w->ntx)) {
		w->c.tx_refused += w->ntx - sent;
		rte_pktmbuf_free_bulk(&w->txb[sent], w->ntx - sent);
	}
	w->ntx = 0;
}

static inline void tx_queue(struct dp_worker *w, struct rte_mbuf *m, uint64_t sched,
			    uint64_t now)
{
	if (w->ntx == DP_BURST_MAX)
		dp_tx_flush(w, now);
	if (w->ntx == 0)
		w->tx_first = now;
	w->txs[w->ntx] = sched;
	w->txb[w->ntx++] = m;
}

/* Queue one control frame (ARP, ND, ICMP, RTCP) for transmission. */
int dp_tx_frame(struct dp_worker *w, const uint8_t *frame, uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(w->dp->pool);

	if (m == NULL) {
		w->c.tx_nombuf++;
		return -ENOMEM;
	}
	memcpy(rte_pktmbuf_mtod(m, uint8_t *), frame, len);
	m->data_len = m->pkt_len = len;
	tx_queue(w, m, 0, mbl_tsc());
	return 0;
}

/* A datagram of the DTLS handshake service: its payload sits at data_off;
 * the stream's headers go in front (the pool's headroom holds them). */
void dp_tx_udp_mbuf(struct dp_worker *w, struct rte_mbuf *m, const struct mbl_net_udp_tmpl *t)
{
	uint16_t plen = m->data_len;
	uint8_t *f;

	f = (uint8_t *)rte_pktmbuf_prepend(m, t->len);
	if (f == NULL) {
		w->c.drop_dp[MBL_DP_DROP_dtls_tx_failed]++;
		rte_pktmbuf_free(m);
		return;
	}
	memcpy(f, t->hdr, t->len);
	mbl_net_udp_finalize(f, t, plen, mbl_net_cksum_add(0, f + t->len, plen), w->dp->csum_mode);
	dp_tx_offload(w->dp, m, t);
	tx_queue(w, m, 0, mbl_tsc());
}

/* A stream waiting for its next hop checks the neighbor cache on each of
 * its ticks; once resolved, the MAC goes into its template for good. */
static bool stream_ready(struct dp_worker *w, struct dp_stream *s, uint32_t gi, uint64_t now_ns)
{
	uint8_t nh[16];
	const uint8_t *mac;

	if (mbl_likely(s->state == DP_S_RUN))
		return true;
	if (s->state == DP_S_STOPPED)
		return false;
	if (w->dp->nexthop != NULL && !w->dp->conf.has_gateway)
		memcpy(nh, w->dp->nexthop[gi], 16);
	else
		dp_stream_nexthop(&w->dp->conf, gi, nh);
	mac = mbl_neigh_lookup(w->neigh, nh);
	if (mac == NULL) {
		mbl_neigh_resolve(w->neigh, nh, now_ns);
		w->c.tx_wait_neigh++;
		return false;
	}
	memcpy(s->tmpl.hdr, mac, 6);
	if (w->dp->rtcp_tmpl != NULL)
		memcpy(w->dp->rtcp_tmpl[gi].hdr, mac, 6);
	s->state = DP_S_RUN;
	return true;
}

/* For the handshake datagrams' paths: the worker clock read here, so no
 * caller can hand the neighbour table another clock's time (a DTLS or
 * STUN datagram that was a stream's first to need the next hop once got
 * its ARP request scheduled on CLOCK_MONOTONIC, tens of seconds after the
 * run: the call's handshake never went out). */
bool dp_stream_ready(struct dp_worker *w, uint32_t gi)
{
	struct dp_stream *s = &w->dp->s[gi];

	return mbl_likely(s->state == DP_S_RUN) || stream_ready(w, s, gi, dp_now_ns());
}

/* Cryptodev engine: protect a whole burst of plain RTP in one enqueue /
 * dequeue cycle, then finish lengths and checksums over the ciphertext. */
static void tx_srtp_burst(struct dp_worker *w, struct rte_mbuf **m, struct dp_stream **s,
			  const uint64_t *sched, unsigned n, uint64_t now)
{
	struct mbl_srtp_ctx *ctx[DP_BURST_MAX];
	uint16_t off[DP_BURST_MAX];
	int rc[DP_BURST_MAX];

	for (unsigned i = 0; i < n; i++) {
		ctx[i] = s[i]->srtp;
		off[i] = s[i]->tmpl.len;
	}
	mbl_srtp_cdev_protect_burst(ctx, m, off, (uint16_t)n, rc);
	for (unsigned i = 0; i < n; i++) {
		uint8_t *f = rte_pktmbuf_mtod(m[i], uint8_t *);
		uint32_t rlen = m[i]->pkt_len - off[i];

		if (mbl_unlikely(rc[i] != 0)) {
			w->c.srtp_protect_fail++;
			rte_pktmbuf_free(m[i]);
			continue;
		}
		mbl_net_udp_finalize(f, &s[i]->tmpl, (uint16_t)rlen,
				     mbl_net_cksum_add(0, f + off[i], rlen), w->dp->csum_mode);
		tx_queue(w, m[i], sched[i], now);
	}
}

/* Send every stream that is due, up to DP_TX_ROUNDS bursts. */
void dp_tx_poll(struct dp_worker *w, uint64_t now)
{
	struct mbl_dp *dp = w->dp;
	uint32_t due[DP_BURST_MAX];
	struct rte_mbuf *mb[DP_BURST_MAX];
	unsigned burst = dp->conf.burst, n, rounds = 0, k = 0;
	uint64_t now_ns = mbl_tsc_to_ns(now), bsched[DP_BURST_MAX];
	struct rte_mbuf *bm[DP_BURST_MAX];
	struct dp_stream *bs[DP_BURST_MAX];

	do {
		n = dp_wheel_poll(&w->wheel, now, due, burst);
		if (n == 0)
			break;
		if (rte_mempool_generic_get(dp->pool, (void **)mb, n, w->mp_cache) != 0) {
			/* keep the schedule; these packet times are lost */
			w->c.tx_nombuf += n;
			for (unsigned i = 0; i < n; i++)
				dp_wheel_add(&w->wheel, due[i], dp_wheel_due(&w->wheel, due[i]) + w->ptime_tsc);
			break;
		}
		/* streams come off the wheel in schedule order, not memory
		 * order: fetch the whole burst's stream state (3 lines) at once */
		for (unsigned i = 0; i < n; i++) {
			const char *p = (const char *)&dp->s[w->first + due[i]];

			rte_prefetch0(p);
			rte_prefetch0(p + 64);
			rte_prefetch0(p + 128);
		}
		for (unsigned i = 0; i < n; i++) {
			uint32_t li = due[i], gi = w->first + li;
			struct dp_stream *s = &dp->s[gi];
			uint64_t sched = dp_wheel_due(&w->wheel, li);
			struct rte_mbuf *m = mb[i];
			bool dtmf;
			uint16_t len;

			/* a stopped call's slot leaves the schedule */
			if (mbl_likely(s->state != DP_S_STOPPED))
				dp_wheel_add(&w->wheel, li, sched + w->ptime_tsc);
			if (!stream_ready(w, s, gi, now_ns) ||
			    mbl_unlikely(s->keys_wait || s->ice_wait)) {
				rte_mempool_put(dp->pool, m);
				continue;
			}
			if (mbl_unlikely(s->held)) {
				dp_tx_held(dp, s);
				w->c.tx_held++;
				rte_mempool_put(dp->pool, m);
				continue;
			}
			len = dp_build_rtp(dp, s, gi, (uint8_t *)m->buf_addr + RTE_PKTMBUF_HEADROOM,
					   now_ns, &dtmf);
			if (mbl_unlikely(len == 0)) {
				w->c.srtp_protect_fail++;
				rte_mempool_put(dp->pool, m);
				continue;
			}
			set_mbuf(dp, m, &s->tmpl, len);
			w->c.tx_bytes += len - s->tmpl.len;
			w->c.tx_dtmf += dtmf;
			if (dp->srtp_burst) {
				bm[k] = m;
				bs[k] = s;
				bsched[k++] = sched ? sched : 1;
				continue;
			}
			tx_queue(w, m, sched ? sched : 1, now);
		}
		if (k != 0)
			tx_srtp_burst(w, bm, bs, bsched, k, now);
		k = 0;
		if (w->ntx >= burst)
			dp_tx_flush(w, now);
	} while (n == burst && ++rounds < DP_TX_ROUNDS);
}
