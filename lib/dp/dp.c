/* SPDX-License-Identifier: BSD-3-Clause
 * Data-plane life cycle: build streams and workers, the poll loop, stop. */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "dp_priv.h"
#include "mbl_port.h"

#define DP_DROP_NAME_(n, d) #n,
const char *const mbl_dp_drop_names[MBL_DP_DROP_MAX] = {MBL_DP_DROP_LIST(DP_DROP_NAME_)};
#undef DP_DROP_NAME_

/* Wheel geometry: 2^12-cycle ticks (about 1.4 us at 3 GHz) and enough slots
 * that one tick-level revolution covers the longest ptime. */
#define DP_WHEEL_SHIFT 12

uint64_t mbl_dp_tsc_hz(void)
{
	return mbl_tsc_hz;
}

static uint32_t wheel_slots(uint64_t span_tsc)
{
	uint32_t n = DP_WHEEL_MIN_SLOTS;

	while (((uint64_t)n << DP_WHEEL_SHIFT) < span_tsc * 2 && n < DP_WHEEL_MAX_SLOTS)
		n <<= 1;
	return n;
}

static uint32_t ssrc_of(uint32_t seed, uint32_t i)
{
	/* a mixing function: distinct, unpredictable-looking SSRCs per stream
	 * (RFC 3550 8.1 asks for random ones), reproducible from the seed */
	uint64_t z = ((uint64_t)seed << 32 | i) + 0x9e3779b97f4a7c15ull;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (uint32_t)(z ^ (z >> 31));
}

static int build_stream(struct mbl_dp *dp, uint32_t i, char *err, size_t errlen)
{
	const struct mbl_dp_conf *c = &dp->conf;
	struct dp_stream *s = &dp->s[i];
	uint8_t lip[16], rip[16], zero_mac[6] = {0};
	const uint8_t *dmac = c->has_remote_mac ? c->remote_mac : zero_mac;
	uint16_t lport, rport;
	int rc;

	dp_stream_local(c, i, lip, &lport);
	dp_stream_remote(c, i, rip, &rport);
	rc = mbl_net_udp_tmpl_build(&s->tmpl, dp->mac, dmac, c->vlan, c->local.family, lip, rip,
				    lport, rport, c->dscp, 64);
	if (rc == 0 && dp->rtcp_tmpl != NULL)
		rc = mbl_net_udp_tmpl_build(&dp->rtcp_tmpl[i], dp->mac, dmac, c->vlan,
					    c->local.family, lip, rip, (uint16_t)(lport + 1),
					    (uint16_t)(rport + 1), c->dscp, 64);
	if (rc < 0) {
		snprintf(err, errlen, "stream %u: cannot build its headers", i);
		return rc;
	}
	s->ssrc = ssrc_of(c->ssrc_seed, i);
	s->pt = c->pt;
	mbl_rx_seq_init(&dp->r[i].seq);
	mbl_rx_jitter_init(&dp->r[i].jit);
	dp->r[i].nack = c->nack;
	dp->r[i].fb_allow_early = true;
	if (c->dynamic) {
		s->state = DP_S_STOPPED; /* until the call engine starts it */
		return 0;
	}
	if (c->srtp_tx &&
	    (s->srtp = mbl_srtp_ctx_create(c->srtp_engine, &c->tx_key, s->ssrc, true, err,
					   errlen)) == NULL)
		return -ENOTSUP;
	/* the peer's SSRC is not known before its first packet: an inbound
	 * context for any SSRC (0), bound to the first one it accepts */
	if (c->srtp_rx) {
		unsigned fl = c->srtp_rx_auth_only ? MBL_SRTP_F_AUTH_ONLY : 0;

		dp->r[i].srtp = mbl_srtp_ctx_create_opts(c->srtp_engine, &c->rx_key, 0, false, fl,
							 err, errlen);
		if (dp->r[i].srtp == NULL)
			return -ENOTSUP;
		if (c->srtp_rx_next &&
		    (dp->r[i].srtp_next = mbl_srtp_ctx_create_opts(c->srtp_engine, &c->rx_key_next,
								   0, false, fl, err,
								   errlen)) == NULL)
			return -ENOTSUP;
	}
	s->seq = (uint16_t)ssrc_of(c->ssrc_seed ^ 0x5eed, i); /* RFC 3550 5.1: random start */
	dp->r[i].tx_seq0 = s->seq;
	s->ts = ssrc_of(c->ssrc_seed ^ 0x7135, i);
	s->state = c->has_remote_mac ? DP_S_RUN : DP_S_WAIT_NEIGH;
	s->marker_next = true; /* RFC 3550 5.1: first packet of the stream */
	/* stagger digits across streams so DTMF does not come in waves */
	s->dtmf_countdown = dp->dtmf_ticks ? i % dp->dtmf_ticks : 0;
	return 0;
}

int mbl_dp_conf_check(const struct mbl_dp_conf *c, char *err, size_t errlen)
{
	uint64_t lslots = ((uint64_t)c->streams + c->local.count - 1) / c->local.count;
	uint64_t rslots = ((uint64_t)c->streams + c->remote.count - 1) / c->remote.count;

	if (c->local_port + (lslots - 1) * c->port_step + 1 > 65535 ||
	    c->remote_port + (rslots - 1) * c->port_step + 1 > 65535) {
		snprintf(err, errlen, "media.streams: %u streams do not fit the UDP port space "
			 "from media.local_port/remote_port with media.port_step %u: add addresses "
			 "to media.local_ip / media.remote_ip ranges", c->streams, c->port_step);
		return -EINVAL;
	}
	if (c->rtcp && !c->rtcp_mux && c->port_step < 2) {
		snprintf(err, errlen, "media.port_step: must be >= 2 when RTCP is on without "
			 "media.rtcp_mux (RTCP uses RTP port + 1)");
		return -EINVAL;
	}
	if (c->local.family != c->remote.family) {
		snprintf(err, errlen, "media.local_ip and media.remote_ip: address families differ");
		return -EINVAL;
	}
	if (c->payload == MBL_DP_PAYLOAD_PROBE && c->probe_len < MBL_PROBE_HDR_LEN) {
		snprintf(err, errlen, "media.payload: probe needs %u payload bytes per packet",
			 MBL_PROBE_HDR_LEN);
		return -EINVAL;
	}
	return 0;
}

static int check_conf(const struct mbl_dp_conf *c, const struct mbl_port *p, unsigned n,
		      char *err, size_t errlen)
{
	if (n == 0 || n > p->nb_txq) {
		snprintf(err, errlen, "%u worker lcores but port %u has %u TX queues: give EAL "
			 "one worker lcore per queue (-l) or raise port.tx_queues", n, p->id,
			 p->nb_txq);
		return -EINVAL;
	}
	return mbl_dp_conf_check(c, err, errlen);
}

static int setup_worker(struct mbl_dp *dp, unsigned i, unsigned lcore, char *err, size_t errlen)
{
	struct dp_worker *w = &dp->w[i];
	char name[RTE_RING_NAMESIZE];
	uint64_t now = mbl_tsc();
	int socket = (int)rte_lcore_to_socket_id(lcore);

	w->dp = dp;
	w->idx = i;
	w->lcore = lcore;
	w->txq = (uint16_t)i;
	w->first = i * dp->per_worker;
	w->n = MBL_MIN(dp->per_worker, dp->conf.streams - MBL_MIN(w->first, dp->conf.streams));
	w->ptime_tsc = mbl_ns_to_tsc((uint64_t)dp->conf.ptime_ms * 1000000);
	w->coalesce_tsc = mbl_ns_to_tsc((uint64_t)dp->conf.tx_coalesce_us * 1000);
	w->rx_stall_tsc = mbl_ns_to_tsc((uint64_t)dp->conf.rx_stall_us * 1000);
	w->rtcp_tsc = mbl_ns_to_tsc((uint64_t)dp->conf.rtcp_interval_ms * 1000000);
	w->rng = 0x9e3779b9u ^ (i * 0x85ebca6bu) ^ dp->conf.ssrc_seed;
	if (w->rng == 0)
		w->rng = 1;
	snprintf(name, sizeof(name), "mbl_disp_%u", i);
	w->dispatch = rte_ring_create(name, DP_DISPATCH_RING, socket, RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "mbl_ntfy_%u", i);
	w->notify = rte_ring_create_elem(name, sizeof(struct dp_neigh_msg), DP_NOTIFY_RING, socket,
					 RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "mbl_ctl_%u", i);
	w->ctl = rte_ring_create(name, DP_CTL_RING, socket, RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "mbl_ctld_%u", i);
	w->ctl_done = rte_ring_create(name, DP_CTL_RING, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
	w->neigh = mbl_neigh_create(4096);
	/* a test tool wants its peer found fast and retried soon: ask every
	 * 200 ms, and after 10 silent tries wait only 1 s before asking again
	 * (a host's 1 s / 3 tries / 20 s hold would cost a late peer 20 s) */
	if (w->neigh != NULL)
		mbl_neigh_set_params(w->neigh, &(struct mbl_neigh_params){
			.retry_ns = 200000000ull, .max_tries = 10, .hold_ns = 1000000000ull,
			.reachable_ns = 300000000000ull});
	if (w->dispatch == NULL || w->notify == NULL || w->neigh == NULL || w->ctl == NULL ||
	    w->ctl_done == NULL ||
	    dp_wheel_init(&w->wheel, MBL_MAX(w->n, 1), wheel_slots(w->ptime_tsc), DP_WHEEL_SHIFT,
			  now) < 0 ||
	    dp_wheel_init(&w->rtcp_wheel, MBL_MAX(w->n, 1), wheel_slots(w->rtcp_tsc * 2),
			  DP_WHEEL_SHIFT + 8, now) < 0) {
		snprintf(err, errlen, "worker %u: out of memory for rings, wheel or neighbor table",
			 i);
		return -ENOMEM;
	}
	if (dp->conf.has_remote_mac && !dp->conf.dynamic)
		for (uint32_t k = 0; k < w->n; k++) {
			uint8_t nh[16];

			dp_stream_nexthop(&dp->conf, w->first + k, nh);
			mbl_neigh_static(w->neigh, nh, dp->conf.remote_mac);
		}
	atomic_store(&w->tx_on, 1);
	atomic_store(&w->run, 1);
	return 0;
}

struct mbl_dp *mbl_dp_create(const struct mbl_dp_conf *conf, const struct mbl_port *p,
			     const unsigned *lcores, unsigned n, char *err, size_t errlen)
{
	struct mbl_dp *dp;

	if (check_conf(conf, p, n, err, errlen) < 0) {
		errno = EINVAL;
		return NULL;
	}
	dp = calloc(1, sizeof(*dp));
	if (dp == NULL)
		goto nomem;
	dp->conf = *conf;
	dp->port_id = p->id;
	dp->pool = p->pool;
	memcpy(dp->mac, p->mac.addr_bytes, 6);
	dp->csum_mode = p->tx_udp_cksum && p->tx_ip_cksum ? MBL_NET_CSUM_OFFLOAD : MBL_NET_CSUM_SW;
	dp->rx_cksum_hw = p->rx_cksum;
	dp->rx_ts_off = -1;
	if (p->rx_ts_src != MBL_PORT_RX_TS_NONE && p->rx_ts_off >= 0 && p->rx_ts_hz != 0) {
		dp->rx_ts_off = p->rx_ts_off;
		dp->rx_ts_flag = p->rx_ts_flag;
		dp->rx_ts_mult = (uint64_t)(((unsigned __int128)MBL_NS_PER_S << 32) / p->rx_ts_hz);
	}
	dp->srtp_burst = conf->srtp_tx && conf->srtp_engine == MBL_SRTP_ENGINE_CRYPTODEV;
	/* call mode decides per call, so any cryptodev context may come */
	dp->srtp_rx_burst = (conf->srtp_rx || conf->dynamic) &&
			    conf->srtp_engine == MBL_SRTP_ENGINE_CRYPTODEV;
	dp->ts_step = mbl_codec_ts_step(conf->codec, conf->ptime_ms);
	dp->dtmf_ticks = conf->dtmf[0] ? MBL_MAX(conf->dtmf_interval_ms / conf->ptime_ms, 1) : 0;
	dp->n_workers = n;
	dp->per_worker = (conf->streams + n - 1) / n;
	dp->s = rte_zmalloc("mbl_streams", sizeof(*dp->s) * conf->streams, RTE_CACHE_LINE_SIZE);
	dp->r = rte_zmalloc("mbl_rx", sizeof(*dp->r) * conf->streams, RTE_CACHE_LINE_SIZE);
	dp->w = rte_zmalloc("mbl_workers", sizeof(*dp->w) * n, RTE_CACHE_LINE_SIZE);
	if (conf->rtcp && !conf->rtcp_mux)
		dp->rtcp_tmpl = rte_zmalloc("mbl_rtcp", sizeof(*dp->rtcp_tmpl) * conf->streams, 64);
	if (conf->dynamic) {
		dp->busy = calloc(conf->streams, 1);
		dp->nexthop = rte_zmalloc("mbl_nh", 16 * (size_t)conf->streams, 64);
		if (dp->busy == NULL || dp->nexthop == NULL)
			goto nomem;
	}
	if (dp->s == NULL || dp->r == NULL || dp->w == NULL ||
	    (conf->rtcp && !conf->rtcp_mux && dp->rtcp_tmpl == NULL))
		goto nomem;
	for (uint32_t i = 0; i < conf->streams; i++)
		if (build_stream(dp, i, err, errlen) < 0) {
			mbl_dp_free(dp);
			errno = EINVAL;
			return NULL;
		}
	for (unsigned i = 0; i < n; i++)
		if (setup_worker(dp, i, lcores[i], err, errlen) < 0)
			goto fail;
	if (dp_hs_create(dp) < 0)
		goto nomem;
	/* every RX queue is polled by exactly one worker, even when there are
	 * more queues than workers (q mod workers); a packet for a stream
	 * another worker owns is dispatched to it */
	for (uint16_t q = 0; q < p->nb_rxq && q < DP_MAX_RXQ * n; q++) {
		struct dp_worker *w = &dp->w[q % n];

		w->rxq[w->nrxq++] = q;
	}
	return dp;
nomem:
	snprintf(err, errlen, "out of memory for %u streams (give EAL more memory: -m, or "
		 "hugepages)", conf->streams);
fail:
	mbl_dp_free(dp);
	errno = ENOMEM;
	return NULL;
}

static void housekeeping(struct dp_worker *w, uint64_t now)
{
	mbl_neigh_poll(w->neigh, mbl_tsc_to_ns(now), dp_neigh_send_req, w);
	if (w->dp->n_workers > 1)
		dp_notify_poll(w);
}

static void rx_poll(struct dp_worker *w)
{
	struct mbl_dp *dp = w->dp;
	struct rte_mbuf *m[DP_BURST_MAX];
	uint16_t n = 0;
	uint64_t now_ns, now;
	bool full;

	for (uint16_t k = 0; k < w->nrxq && n < DP_BURST_MAX; k++)
		n = (uint16_t)(n + rte_eth_rx_burst(dp->port_id, w->rxq[k], &m[n],
						    MBL_MIN(dp->conf.burst, DP_BURST_MAX - n)));
	if (dp->n_workers > 1)
		n = (uint16_t)(n + rte_ring_sc_dequeue_burst(w->dispatch, (void **)&m[n],
							     DP_BURST_MAX - n, NULL));
	/* A gap since the previous poll (descheduled, or in a system call)
	 * means what we find now arrived at some unknown time in that gap;
	 * a full burst means more may be waiting from it. */
	now = mbl_tsc();
	full = n >= dp->conf.burst;
	w->rx_uncertain = (w->rx_stall_tsc != 0 && now - w->rx_last_poll > w->rx_stall_tsc) ||
			  (w->rx_uncertain && w->rx_prev_full);
	w->rx_prev_full = full;
	w->rx_last_poll = now;
	if (n == 0)
		return;
	/* one timestamp per burst: all of it arrived by now */
	now_ns = mbl_tsc_to_ns(now);
	w->c.rx_frames += n;
	for (uint16_t i = 0; i < n; i++) {
		if (i + 1 < n)
			rte_prefetch0(rte_pktmbuf_mtod(m[i + 1], void *));
		dp_rx_frame(w, m[i], now_ns);
	}
	if (w->nsrx != 0)
		dp_rx_srtp_flush(w, now_ns);
}

/* First packets spread evenly over one ptime (or start_spread_ms) from the
 * moment the worker starts, so the pacer never faces every stream in one
 * tick and nothing is late because of set-up time. */
static void schedule_streams(struct dp_worker *w)
{
	struct mbl_dp *dp = w->dp;
	uint64_t now = mbl_tsc(), n = MBL_MAX(w->n, 1), spread;

	spread = dp->conf.start_spread_ms
			 ? mbl_ns_to_tsc((uint64_t)dp->conf.start_spread_ms * 1000000)
			 : w->ptime_tsc;
	if (dp->conf.dynamic)
		return; /* call mode: each stream is scheduled when its call starts */
	for (uint32_t k = 0; k < w->n; k++) {
		dp_wheel_add(&w->wheel, k, now + spread * k / n);
		if (dp->conf.rtcp)
			dp_wheel_add(&w->rtcp_wheel, k,
				     now + w->rtcp_tsc / 2 + w->rtcp_tsc * k / n);
	}
}

/* Optional idle policy for shared cores: after many empty turns, sleep
 * until shortly before the next packet is due (at most 200 us, so RX
 * waits little; 1 ms when nothing at all is scheduled). Not for
 * measurements: RX timestamps get coarser. */
static void idle(struct dp_worker *w, unsigned *idle_turns, uint64_t rx_before,
		 uint64_t tx_before)
{
	uint64_t now, next, gap_ns;
	struct timespec d = {0};

	if (w->c.rx_frames != rx_before || w->c.tx_packets != tx_before || w->ntx != 0) {
		*idle_turns = 0;
		return;
	}
	if (++*idle_turns < 64)
		return;
	now = mbl_tsc();
	next = dp_wheel_next_due(&w->wheel);
	gap_ns = next > now ? mbl_tsc_to_ns(next - now) : 0;
	if (gap_ns < 80000)
		return;
	/* nothing scheduled at all (call mode between calls, or signaling
	 * only): a longer nap; START messages wait at most that long */
	d.tv_nsec = next == UINT64_MAX ? 1000000 : (long)MBL_MIN(gap_ns - 60000, 200000);
	nanosleep(&d, NULL);
}

static int worker_main(void *arg)
{
	struct dp_worker *w = arg;
	unsigned turns = 0, idle_turns = 0;

	schedule_streams(w);
	w->rx_last_poll = mbl_tsc();
	/* the cryptodev engine: this worker's own queue pair */
	if ((w->dp->conf.srtp_tx || w->dp->conf.srtp_rx || w->dp->conf.dynamic) &&
	    w->dp->conf.srtp_engine == MBL_SRTP_ENGINE_CRYPTODEV)
		mbl_srtp_cdev_bind_qp(w->idx);
	/* rte_lcore_id() is a dynamic-TLS lookup in a shared DPDK: once */
	w->mp_cache = rte_mempool_default_cache(w->dp->pool, rte_lcore_id());

	while (atomic_load_explicit(&w->run, memory_order_relaxed)) {
		uint64_t now = mbl_tsc(), rx_before = w->c.rx_frames, tx_before = w->c.tx_packets;

		if (atomic_load_explicit(&w->tx_on, memory_order_relaxed)) {
			dp_tx_poll(w, now);
			if (w->dp->conf.rtcp)
				dp_rtcp_poll(w, now);
		}
		rx_poll(w);
		if (mbl_unlikely((turns & (DP_CTL_TURNS - 1)) == 0))
			dp_ctl_poll(w);
		if (mbl_unlikely(++turns == DP_HOUSEKEEP_TURNS)) {
			turns = 0;
			housekeeping(w, now);
		}
		if (w->ntx != 0 && (w->ntx >= w->dp->conf.burst ||
				    now - w->tx_first >= w->coalesce_tsc))
			dp_tx_flush(w, mbl_tsc());
		if (w->dp->conf.idle_sleep)
			idle(w, &idle_turns, rx_before, tx_before);
	}
	dp_tx_flush(w, mbl_tsc());
	return 0;
}

int mbl_dp_launch(struct mbl_dp *dp)
{
	for (unsigned i = 0; i < dp->n_workers; i++) {
		int rc = rte_eal_remote_launch(worker_main, &dp->w[i], dp->w[i].lcore);

		if (rc < 0) {
			mbl_dp_join(dp);
			return rc;
		}
	}
	dp->launched = true;
	return 0;
}

void mbl_dp_stop_tx(struct mbl_dp *dp)
{
	for (unsigned i = 0; i < dp->n_workers; i++)
		atomic_store(&dp->w[i].tx_on, 0);
}

uint64_t mbl_dp_rx_idle_ns(const struct mbl_dp *dp)
{
	uint64_t now = mbl_tsc_to_ns(mbl_tsc()), last = 0;

	for (unsigned i = 0; i < dp->n_workers; i++)
		last = MBL_MAX(last, __atomic_load_n(&dp->w[i].last_rx_ns, __ATOMIC_RELAXED));
	return last == 0 || now < last ? now : now - last;
}

void mbl_dp_join(struct mbl_dp *dp)
{
	for (unsigned i = 0; i < dp->n_workers; i++)
		atomic_store(&dp->w[i].run, 0);
	for (unsigned i = 0; i < dp->n_workers; i++)
		rte_eal_wait_lcore(dp->w[i].lcore);
	dp->launched = false;
}

void mbl_dp_free(struct mbl_dp *dp)
{
	if (dp == NULL)
		return;
	if (dp->launched)
		mbl_dp_join(dp);
	dp_ctl_drain(dp);
	dp_hs_free(dp);
	for (unsigned i = 0; dp->w != NULL && i < dp->n_workers; i++) {
		struct dp_worker *w = &dp->w[i];

		if (w->dispatch != NULL) {
			struct rte_mbuf *m;

			while (rte_ring_dequeue(w->dispatch, (void **)&m) == 0)
				rte_pktmbuf_free(m);
		}
		rte_ring_free(w->dispatch);
		rte_ring_free(w->ctl);
		rte_ring_free(w->ctl_done);
		rte_ring_free(w->notify);
		mbl_neigh_free(w->neigh);
		dp_wheel_fini(&w->wheel);
		dp_wheel_fini(&w->rtcp_wheel);
	}
	for (uint32_t i = 0; dp->s != NULL && i < dp->conf.streams; i++)
		mbl_srtp_ctx_free(dp->s[i].srtp);
	for (uint32_t i = 0; dp->r != NULL && i < dp->conf.streams; i++) {
		mbl_srtp_ctx_free(dp->r[i].srtp);
		mbl_srtp_ctx_free(dp->r[i].srtp_next);
		mbl_srtp_ctx_free(dp->r[i].srtp_retired);
	}
	rte_free(dp->w);
	rte_free(dp->s);
	rte_free(dp->r);
	rte_free(dp->rtcp_tmpl);
	rte_free(dp->nexthop);
	free(dp->busy);
	free(dp);
}
