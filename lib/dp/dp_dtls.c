/* SPDX-License-Identifier: BSD-3-Clause
 * DTLS-SRTP (RFC 5764) for call-mode streams, off the media workers.
 *
 * A worker never runs a handshake: it classifies a datagram as DTLS by its
 * first byte (RFC 7983), cuts the mbuf to the UDP payload and hands it to
 * the handshake service (dp_hs.c) through its hs_rx ring. The service
 * (whichever thread calls mbl_dp_dtls_poll: the control plane) feeds the stream's
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
	m->packet_type = DP_HS_DTLS;
	if (rte_ring_sp_enqueue(w->hs_rx, m) != 0) {
		w->c.drop_dp[MBL_DP_DROP_dtls_ring_full]++;
		rte_pktmbuf_free(m);
		return;
	}
	w->c.dtls_rx++;
}

/* Frame one of the service's datagrams (DTLS, or STUN: dp_ice.c) for its
 * stream and queue it. Returns false when the stream's next hop is not
 * known yet. */
static bool dtls_send(struct dp_worker *w, struct rte_mbuf *m)
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
	if (m->packet_type == DP_HS_STUN)
		return dp_stun_send(w, m);
	if (!s->dtls) {
		w->c.drop_dp[MBL_DP_DROP_dtls_tx_failed]++;
		rte_pktmbuf_free(m);
		return true;
	}
	if (!dp_stream_ready(w, gi))
		return false;
	dp_tx_udp_mbuf(w, m, &s->tmpl);
	w->c.dtls_tx++;
	return true;
}

/* The service's datagrams: framed with the stream's headers. One whose
 * stream is not started yet or whose next hop is still being resolved
 * waits (up to DP_HS_WAIT_NS, DP_HS_WAIT of them) instead of costing the
 * handshake a retransmission timeout. */
void dp_dtls_tx_poll(struct dp_worker *w)
{
	struct rte_mbuf *m[32];
	uint64_t now_ns;
	uint16_t keep = 0;
	unsigned n;

	/* every DP_CTL_TURNS loop turns: between handshakes, no clock read */
	if (w->n_hs_wait == 0 && rte_ring_empty(w->hs_tx))
		return;
	now_ns = dp_now_ns();
	for (uint16_t i = 0; i < w->n_hs_wait; i++) {
		if (dtls_send(w, w->hs_wait[i]))
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
		if (dtls_send(w, m[i]))
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

/* ---- service: the slot's connection --------------------------------------------- */

int dp_dtls_open(struct mbl_dp *dp, uint32_t stream, const struct mbl_dp_media *m,
		 uint32_t ssrc, char *err, size_t errlen)
{
	struct dp_hs *hs = dp->hs;
	struct dp_hs_conn *hc = &hs->conn[stream];

	hc->c = mbl_dtls_conn_create(dp->conf.dtls, m->dtls_role, m->fp_alg, m->fp,
				     dp->conf.dtls_timeout_ns, err, errlen);
	if (hc->c == NULL)
		return -EINVAL;
	hc->ssrc = ssrc;
	hc->deadline = 0;
	hc->dtls_client = m->dtls_role == MBL_DTLS_CLIENT;
	hs->st.started++;
	/* With ICE, nothing before the agent selects a pair (dp_dtls_go). A
	 * server takes the peer's first flight at once; a client speaks
	 * first, at the next poll, after the owner has the START message. */
	if (m->ice)
		hc->deadline = UINT64_MAX;
	else if (m->dtls_role == MBL_DTLS_SERVER)
		dp_dtls_go(dp, stream, mbl_time_ns());
	return 0;
}

void dp_dtls_go(struct mbl_dp *dp, uint32_t s, uint64_t now)
{
	struct dp_hs_conn *hc = &dp->hs->conn[s];

	if (hc->c == NULL || hc->started)
		return;
	hc->started = true;
	mbl_dtls_conn_start(hc->c, now);
	hc->deadline = 0; /* a client's first flight goes out at the next step */
}

static void send_dgram(struct mbl_dp *dp, uint32_t s, const uint8_t *d, int len)
{
	if (dp_hs_send(dp, s, DP_HS_DTLS, NULL, d, (size_t)len))
		dp->hs->st.tx++;
	else
		dp->hs->st.tx_dropped++;
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
	dp_hs_settled(dp, s);
}

void dp_dtls_input(struct mbl_dp *dp, uint32_t s, struct rte_mbuf *m, uint64_t now)
{
	mbl_dtls_conn_input(dp->hs->conn[s].c, rte_pktmbuf_mtod(m, uint8_t *), m->data_len, now);
	settle(dp, s, now);
}

/* Its deadline came: start a client that may speak, or run the timers. */
void dp_dtls_tick(struct mbl_dp *dp, uint32_t s, uint64_t now)
{
	struct dp_hs_conn *hc = &dp->hs->conn[s];

	if (!hc->started) {
		if (hc->ice != NULL && !hc->ice_up) {
			hc->deadline = UINT64_MAX; /* dp_dtls_go, once a pair is selected */
			return;
		}
		hc->started = true;
		mbl_dtls_conn_start(hc->c, now);
	} else {
		mbl_dtls_conn_tick(hc->c, now);
	}
	settle(dp, s, now);
}
