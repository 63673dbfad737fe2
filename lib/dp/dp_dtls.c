/* SPDX-License-Identifier: BSD-3-Clause
 * DTLS-SRTP (RFC 5764) for call-mode streams, off the media workers.
 *
 * A worker never runs a handshake: it classifies a datagram as DTLS by its
 * first byte (RFC 7983), cuts the mbuf to the UDP payload and hands it to
 * the handshake service through its hs_rx ring. The service (whichever
 * thread calls mbl_dp_dtls_poll: the control plane) feeds the stream's
 * lib/dtls connection, puts what the connection answers into fresh mbufs
 * and passes them back on the owner's hs_tx ring; the owner frames them
 * with the stream's headers and sends them on its own TX queue. When a
 * handshake ends, the exported keys become SRTP contexts here (allocation
 * stays on the control plane) and reach the owner as a KEYS control
 * message, after which the stream starts its media. The split keeps the
 * millisecond of public-key work per handshake away from RTP pacing, the
 * way VPP's wireguard plugin keeps handshakes off its data threads.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>

#include "dp_priv.h"

struct dp_hs_conn {
	struct mbl_dtls_conn *c;
	uint64_t deadline;      /* next tick (service clock); 0: now */
	uint32_t ssrc;          /* the stream's outbound SSRC */
	uint32_t apos;          /* index in hs->active + 1; 0: not active */
	bool started;           /* mbl_dtls_conn_start done */
	bool finished;          /* reported (keys posted, or failed) */
	uint64_t expect_until;  /* before it exists: hold datagrams until then */
};

/* A datagram that came before its stream's handshake existed. */
struct dp_hs_early {
	struct rte_mbuf *m;
	uint64_t until;          /* service clock: dropped then */
	uint32_t stream;
};

struct dp_hs {
	struct dp_hs_conn *conn; /* [streams] */
	struct dp_hs_early early[DP_HS_EARLY];
	uint32_t n_early;
	uint32_t *active;        /* streams with a handshake to drive */
	uint32_t n_active;
	mbl_dp_dtls_fn fn;
	void *arg;
	struct mbl_dp_dtls_stats st;
};

/* ---- worker side ------------------------------------------------------------ */

void dp_dtls_rx(struct dp_worker *w, struct rte_mbuf *m, uint16_t off, uint16_t len,
		uint32_t stream)
{
	const struct dp_stream *s = &w->dp->s[stream];

	/* A stream that runs without DTLS drops it here. A stopped one may
	 * be a call whose START is still in the control ring (the peer's
	 * first flight can overtake it): the service knows whether a
	 * handshake waits on this slot and drops the datagram if none does. */
	if ((s->state != DP_S_STOPPED && !s->dtls) || m->nb_segs != 1) {
		w->c.drop_dp[MBL_DP_DROP_dtls_unhandled]++;
		rte_pktmbuf_free(m);
		return;
	}
	rte_pktmbuf_adj(m, off);
	rte_pktmbuf_trim(m, (uint16_t)(m->data_len - len));
	m->hash.usr = stream;
	if (rte_ring_sp_enqueue(w->hs_rx, m) != 0) {
		w->c.drop_dp[MBL_DP_DROP_dtls_ring_full]++;
		rte_pktmbuf_free(m);
		return;
	}
	w->c.dtls_rx++;
}

/* Frame one of the service's datagrams for its stream and queue it.
 * Returns false when the stream's next hop is not known yet. */
static bool dtls_send(struct dp_worker *w, struct rte_mbuf *m, uint64_t now_ns)
{
	uint32_t gi = m->hash.usr;
	struct dp_stream *s = &w->dp->s[gi];

	if (gi < w->first || gi >= w->first + w->n) {
		w->c.drop_dp[MBL_DP_DROP_dtls_tx_failed]++;
		rte_pktmbuf_free(m);
		return true;
	}
	/* The service posts START before any datagram of the call, but this
	 * poll may have read the control ring just before START landed: a
	 * stopped stream waits (bounded by DP_HS_WAIT_NS), it is not dropped. */
	if (s->state == DP_S_STOPPED)
		return false;
	if (!s->dtls) {
		w->c.drop_dp[MBL_DP_DROP_dtls_tx_failed]++;
		rte_pktmbuf_free(m);
		return true;
	}
	if (!dp_stream_ready(w, gi, now_ns))
		return false;
	dp_tx_udp_mbuf(w, m, &s->tmpl);
	w->c.dtls_tx++;
	return true;
}

/* The service's datagrams: framed with the stream's headers. One whose
 * stream is not started yet or whose next hop is still being resolved waits (up to DP_HS_WAIT_NS, DP_HS_WAIT
 * of them) instead of costing the handshake a retransmission timeout. */
void dp_dtls_tx_poll(struct dp_worker *w)
{
	struct rte_mbuf *m[32];
	uint64_t now_ns;
	uint16_t keep = 0;
	unsigned n;

	/* every DP_CTL_TURNS loop turns: between handshakes, no clock read */
	if (w->n_hs_wait == 0 && rte_ring_empty(w->hs_tx))
		return;
	now_ns = mbl_time_ns();
	for (uint16_t i = 0; i < w->n_hs_wait; i++) {
		if (dtls_send(w, w->hs_wait[i], now_ns))
			continue;
		if (now_ns >= w->hs_wait_until[i]) {
			w->c.drop_dp[MBL_DP_DROP_dtls_tx_failed]++;
			rte_pktmbuf_free(w->hs_wait[i]);
			continue;
		}
		w->hs_wait_until[keep] = w->hs_wait_until[i];
		w->hs_wait[keep++] = w->hs_wait[i];
	}
	w->n_hs_wait = keep;
	n = rte_ring_sc_dequeue_burst(w->hs_tx, (void **)m, RTE_DIM(m), NULL);
	for (unsigned i = 0; i < n; i++) {
		if (dtls_send(w, m[i], now_ns))
			continue;
		if (w->n_hs_wait == DP_HS_WAIT) {
			w->c.drop_dp[MBL_DP_DROP_dtls_tx_failed]++;
			rte_pktmbuf_free(m[i]);
			continue;
		}
		w->hs_wait_until[w->n_hs_wait] = now_ns + DP_HS_WAIT_NS;
		w->hs_wait[w->n_hs_wait++] = m[i];
	}
}

/* ---- service: set-up ----------------------------------------------------------- */

int dp_hs_create(struct mbl_dp *dp)
{
	struct dp_hs *hs;
	char name[RTE_RING_NAMESIZE];

	if (dp->conf.dtls == NULL)
		return 0;
	hs = calloc(1, sizeof(*hs));
	if (hs == NULL)
		return -ENOMEM;
	dp->hs = hs;
	hs->conn = calloc(dp->conf.streams, sizeof(*hs->conn));
	hs->active = calloc(dp->conf.streams, sizeof(*hs->active));
	if (hs->conn == NULL || hs->active == NULL)
		return -ENOMEM;
	for (unsigned i = 0; i < dp->n_workers; i++) {
		struct dp_worker *w = &dp->w[i];

		snprintf(name, sizeof(name), "mbl_hsrx_%u", i);
		w->hs_rx = rte_ring_create(name, DP_HS_RING, SOCKET_ID_ANY,
					   RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "mbl_hstx_%u", i);
		w->hs_tx = rte_ring_create(name, DP_HS_RING, SOCKET_ID_ANY,
					   RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (w->hs_rx == NULL || w->hs_tx == NULL)
			return -ENOMEM;
	}
	return 0;
}

static void ring_free(struct rte_ring *r)
{
	struct rte_mbuf *m;

	if (r == NULL)
		return;
	while (rte_ring_dequeue(r, (void **)&m) == 0)
		rte_pktmbuf_free(m);
	rte_ring_free(r);
}

void dp_hs_free(struct mbl_dp *dp)
{
	struct dp_hs *hs = dp->hs;

	for (unsigned i = 0; dp->w != NULL && i < dp->n_workers; i++) {
		for (uint16_t k = 0; k < dp->w[i].n_hs_wait; k++)
			rte_pktmbuf_free(dp->w[i].hs_wait[k]);
		dp->w[i].n_hs_wait = 0;
		ring_free(dp->w[i].hs_rx);
		ring_free(dp->w[i].hs_tx);
		dp->w[i].hs_rx = dp->w[i].hs_tx = NULL;
	}
	if (hs == NULL)
		return;
	for (uint32_t i = 0; i < hs->n_early; i++)
		rte_pktmbuf_free(hs->early[i].m);
	for (uint32_t i = 0; hs->conn != NULL && i < dp->conf.streams; i++)
		mbl_dtls_conn_free(hs->conn[i].c);
	free(hs->conn);
	free(hs->active);
	free(hs);
	dp->hs = NULL;
}

/* ---- service: connections -------------------------------------------------------- */

static void active_add(struct dp_hs *hs, uint32_t s)
{
	if (hs->conn[s].apos != 0)
		return;
	hs->active[hs->n_active++] = s;
	hs->conn[s].apos = hs->n_active;
}

static void active_del(struct dp_hs *hs, uint32_t s)
{
	uint32_t pos = hs->conn[s].apos, last;

	if (pos == 0)
		return;
	last = hs->active[--hs->n_active];
	hs->active[pos - 1] = last;
	hs->conn[last].apos = pos;
	hs->conn[s].apos = 0;
}

int dp_hs_open(struct mbl_dp *dp, uint32_t stream, const struct mbl_dp_media *m, uint32_t ssrc,
	       char *err, size_t errlen)
{
	struct dp_hs *hs = dp->hs;
	struct dp_hs_conn *hc;

	if (hs == NULL) {
		snprintf(err, errlen, "stream %u: DTLS-SRTP is not enabled on this data plane",
			 stream);
		return -ENOTSUP;
	}
	if (dp->conf.rtcp && !dp->conf.rtcp_mux) {
		snprintf(err, errlen, "stream %u: DTLS-SRTP here needs RTCP muxed on the RTP "
			 "port (RFC 5761)", stream);
		return -ENOTSUP;
	}
	dp_hs_close(dp, stream);
	hc = &hs->conn[stream];
	hc->c = mbl_dtls_conn_create(dp->conf.dtls, m->dtls_role, m->fp_alg, m->fp,
				     dp->conf.dtls_timeout_ns, err, errlen);
	if (hc->c == NULL)
		return -EINVAL;
	hc->ssrc = ssrc;
	hc->deadline = 0;
	/* a server takes the peer's first flight at once; a client speaks
	 * first, at the next poll, after the owner has the START message */
	if (m->dtls_role == MBL_DTLS_SERVER) {
		hc->started = true;
		mbl_dtls_conn_start(hc->c, mbl_time_ns());
	}
	active_add(hs, stream);
	hs->st.started++;
	return 0;
}

void dp_hs_close(struct mbl_dp *dp, uint32_t stream)
{
	struct dp_hs *hs = dp->hs;

	if (hs == NULL || hs->conn[stream].c == NULL)
		return;
	active_del(hs, stream);
	mbl_dtls_conn_free(hs->conn[stream].c);
	memset(&hs->conn[stream], 0, sizeof(hs->conn[stream]));
}

static void send_dgram(struct mbl_dp *dp, uint32_t s, const uint8_t *d, int len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(dp->pool);
	char *p = m != NULL ? rte_pktmbuf_append(m, (uint16_t)len) : NULL;

	if (p == NULL) {
		rte_pktmbuf_free(m);
		dp->hs->st.tx_dropped++;
		return;
	}
	memcpy(p, d, (size_t)len);
	m->hash.usr = s;
	if (rte_ring_sp_enqueue(dp_owner(dp, s)->hs_tx, m) != 0) {
		rte_pktmbuf_free(m);
		dp->hs->st.tx_dropped++;
		return;
	}
	dp->hs->st.tx++;
}

static void report(struct mbl_dp *dp, uint32_t s, enum mbl_dtls_fail fail,
		   const struct mbl_srtp_key *tx, const struct mbl_srtp_key *rx)
{
	struct dp_hs *hs = dp->hs;
	struct mbl_dtls_conn_stats cs;
	struct mbl_dp_dtls_result r = {
		.stream = s, .ok = fail == MBL_DTLS_FAIL_NONE, .fail = fail,
		.tx_key = tx, .rx_key = rx,
	};

	mbl_dtls_conn_stats(hs->conn[s].c, &cs);
	r.handshake_ns = cs.handshake_ns;
	r.retransmits = cs.retransmits;
	hs->st.retransmits += cs.retransmits;
	if (r.ok) {
		r.suite = tx->suite;
		hs->st.completed++;
		mbl_hist_add(&hs->st.handshake_us, cs.handshake_ns / 1000);
	} else {
		hs->st.failed[fail < MBL_DTLS_FAIL_MAX ? fail : MBL_DTLS_FAIL_PROTOCOL]++;
	}
	hs->conn[s].finished = true;
	if (hs->fn != NULL)
		hs->fn(hs->arg, &r);
}

/* DONE: the keys become contexts here and go to the owner. -ENOBUFS: its
 * ring is full, try again on the next poll. */
static int post_keys(struct mbl_dp *dp, uint32_t s)
{
	struct dp_hs_conn *hc = &dp->hs->conn[s];
	unsigned fl = dp->conf.srtp_rx_auth_only ? MBL_SRTP_F_AUTH_ONLY : 0;
	struct mbl_srtp_key tx, rx;
	struct dp_msg *msg;
	char err[160];
	int rc = -EINVAL;

	if (rte_ring_free_count(dp_owner(dp, s)->ctl) == 0)
		return -ENOBUFS;
	msg = calloc(1, sizeof(*msg));
	if (msg == NULL || mbl_dtls_conn_keys(hc->c, &tx, &rx) < 0)
		goto out;
	msg->type = DP_MSG_KEYS;
	msg->stream = s;
	msg->ctx = mbl_srtp_ctx_create(dp->conf.srtp_engine, &tx, hc->ssrc, true, err,
				       sizeof(err));
	msg->ctx_rx = msg->ctx == NULL ? NULL
				       : mbl_srtp_ctx_create_opts(dp->conf.srtp_engine, &rx, 0,
								  false, fl, err, sizeof(err));
	if (msg->ctx_rx == NULL) {
		mbl_log(MBL_LOG_ERR, "stream %u: DTLS-SRTP keys unusable: %s", s, err);
		goto out;
	}
	rc = dp_ctl_post(dp, msg);
	if (rc == 0) {
		report(dp, s, MBL_DTLS_FAIL_NONE, &tx, &rx);
		msg = NULL;
	}
out:
	if (msg != NULL) {
		mbl_srtp_ctx_free(msg->ctx);
		mbl_srtp_ctx_free(msg->ctx_rx);
		free(msg);
	}
	explicit_bzero(&tx, sizeof(tx));
	explicit_bzero(&rx, sizeof(rx));
	return rc;
}

/* After input or a tick: send what the connection made, then act on its
 * state. A finished connection stays (not active) to answer the peer's
 * retransmitted last flight until the stream stops. */
static void settle(struct mbl_dp *dp, uint32_t s, uint64_t now)
{
	struct dp_hs_conn *hc = &dp->hs->conn[s];
	uint8_t buf[MBL_DTLS_MTU + 64];
	int n, rc;

	while ((n = mbl_dtls_conn_output(hc->c, buf, sizeof(buf))) > 0)
		send_dgram(dp, s, buf, n);
	if (hc->finished)
		return;
	switch (mbl_dtls_conn_state(hc->c)) {
	case MBL_DTLS_HANDSHAKING:
		hc->deadline = mbl_dtls_conn_deadline(hc->c);
		return;
	case MBL_DTLS_DONE:
		rc = post_keys(dp, s);
		if (rc == -ENOBUFS) {
			hc->deadline = now; /* the owner's ring is full: next poll */
			return;
		}
		if (rc < 0)
			report(dp, s, MBL_DTLS_FAIL_PROTOCOL, NULL, NULL);
		break;
	case MBL_DTLS_FAILED:
		report(dp, s, mbl_dtls_conn_failure(hc->c), NULL, NULL);
		break;
	}
	active_del(dp->hs, s);
}

/* Keep a datagram for a slot whose handshake does not exist yet (or has
 * not started). Returns false when it cannot be held: the hold is full,
 * or the slot already has DP_HS_EARLY_PER waiting. */
static bool early_hold(struct dp_hs *hs, struct rte_mbuf *m, uint32_t s, uint64_t now)
{
	unsigned same = 0;

	if (hs->n_early == DP_HS_EARLY)
		return false;
	for (uint32_t i = 0; i < hs->n_early; i++)
		same += hs->early[i].stream == s;
	if (same >= DP_HS_EARLY_PER)
		return false;
	hs->early[hs->n_early++] = (struct dp_hs_early){.m = m, .until = now + DP_HS_EARLY_NS,
							 .stream = s};
	hs->st.rx_early++;
	return true;
}

/* A datagram for a slot without a started handshake is worth holding when
 * we offered DTLS on it and await the answer, or its connection exists but
 * speaks first and has not yet (client role, next poll). */
static bool expected(const struct dp_hs_conn *hc, uint64_t now)
{
	return hc->c != NULL ? !hc->started : now < hc->expect_until;
}

static void feed(struct mbl_dp *dp, uint32_t s, struct rte_mbuf *m, uint64_t now)
{
	dp->hs->st.rx++;
	mbl_dtls_conn_input(dp->hs->conn[s].c, rte_pktmbuf_mtod(m, uint8_t *), m->data_len, now);
	settle(dp, s, now);
}

/* Held datagrams whose handshake has begun go to it, in arrival order;
 * those held too long are dropped. Runs before the rings, so a held first
 * flight reaches the connection before what came after it. */
static void early_poll(struct mbl_dp *dp, uint64_t now)
{
	struct dp_hs *hs = dp->hs;
	uint32_t keep = 0;

	for (uint32_t i = 0; i < hs->n_early; i++) {
		struct dp_hs_early e = hs->early[i];
		struct dp_hs_conn *hc = &hs->conn[e.stream];

		if (hc->c != NULL && hc->started) {
			hs->st.early_fed++;
			feed(dp, e.stream, e.m, now);
		} else if (now >= e.until) {
			hs->st.early_expired++;
		} else {
			hs->early[keep++] = e;
			continue;
		}
		rte_pktmbuf_free(e.m);
	}
	hs->n_early = keep;
}

static void rx_ring(struct mbl_dp *dp, struct dp_worker *w, uint64_t now)
{
	struct dp_hs *hs = dp->hs;
	struct rte_mbuf *m[32];
	unsigned n;

	while ((n = rte_ring_sc_dequeue_burst(w->hs_rx, (void **)m, RTE_DIM(m), NULL)) != 0) {
		for (unsigned i = 0; i < n; i++) {
			uint32_t s = m[i]->hash.usr;
			struct dp_hs_conn *hc = s < dp->conf.streams ? &hs->conn[s] : NULL;

			if (hc != NULL && hc->c != NULL && hc->started) {
				feed(dp, s, m[i], now);
			} else if (hc != NULL && expected(hc, now) && early_hold(hs, m[i], s, now)) {
				continue; /* its handshake may begin soon */
			} else {
				hs->st.rx_stale++; /* its call ended, or the hold is full */
			}
			rte_pktmbuf_free(m[i]);
		}
	}
}

unsigned mbl_dp_dtls_poll(struct mbl_dp *dp, uint64_t now_ns)
{
	struct dp_hs *hs = dp->hs;

	if (hs == NULL)
		return 0;
	if (hs->n_early != 0)
		early_poll(dp, now_ns);
	for (unsigned i = 0; i < dp->n_workers; i++)
		rx_ring(dp, &dp->w[i], now_ns);
	for (uint32_t i = 0; i < hs->n_active;) {
		uint32_t s = hs->active[i];
		struct dp_hs_conn *hc = &hs->conn[s];

		if (now_ns >= hc->deadline) {
			if (!hc->started) {
				hc->started = true;
				mbl_dtls_conn_start(hc->c, now_ns);
			} else if (!hc->finished) {
				mbl_dtls_conn_tick(hc->c, now_ns);
			}
			settle(dp, s, now_ns);
		}
		if (i < hs->n_active && hs->active[i] == s)
			i++; /* else settle removed it and another took its place */
	}
	return hs->n_active;
}

void mbl_dp_dtls_expect(struct mbl_dp *dp, uint32_t stream, uint64_t until_ns)
{
	if (dp == NULL || dp->hs == NULL || stream >= dp->conf.streams)
		return;
	dp->hs->conn[stream].expect_until = until_ns;
}

void mbl_dp_set_dtls_cb(struct mbl_dp *dp, mbl_dp_dtls_fn fn, void *arg)
{
	if (dp->hs == NULL)
		return;
	dp->hs->fn = fn;
	dp->hs->arg = arg;
}

void mbl_dp_dtls_stats(const struct mbl_dp *dp, struct mbl_dp_dtls_stats *st)
{
	if (dp->hs == NULL) {
		memset(st, 0, sizeof(*st));
		return;
	}
	*st = dp->hs->st;
}
