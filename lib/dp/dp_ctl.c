/* SPDX-License-Identifier: BSD-3-Clause
 * Control messages: the control plane asks a stream's owning worker to
 * change it (rekey now; start/stop with the call engine) through the
 * worker's ctl ring. Contexts are created and freed on the control plane;
 * the worker only swaps pointers between two packets, so a change never
 * races the stream's own TX or RX. */
#include <errno.h>
#include <stdlib.h>

#include <rte_random.h>

#include "dp_priv.h"

/* ---- worker side ------------------------------------------------------------ */

static int apply_rekey_tx(struct dp_worker *w, struct dp_msg *m)
{
	struct dp_stream *s = &w->dp->s[m->stream];
	int rc;

	if (s->srtp == NULL)
		return -EINVAL;
	rc = mbl_srtp_ctx_inherit(m->ctx, s->srtp);
	if (rc < 0)
		return rc;
	m->old[0] = s->srtp;
	s->srtp = m->ctx;
	w->c.srtp_rekey_tx++;
	return 0;
}

static int apply_rekey_rx(struct dp_worker *w, struct dp_msg *m)
{
	struct dp_rx *r = &w->dp->r[m->stream];

	if (r->srtp == NULL)
		return -EINVAL;
	/* a next key never used, and the key a previous rekey retired */
	m->old[0] = r->srtp_next;
	m->old[1] = r->srtp_retired;
	r->srtp_retired = NULL;
	r->srtp_next = m->ctx;
	return 0;
}

static void apply_start(struct dp_worker *w, struct dp_msg *m)
{
	struct mbl_dp *dp = w->dp;
	struct dp_stream *s = &dp->s[m->stream];
	struct dp_rx *r = &dp->r[m->stream];
	uint32_t li = m->stream - w->first;
	uint64_t now = mbl_tsc();

	m->old[0] = s->srtp;
	m->old[1] = r->srtp;
	m->old[2] = r->srtp_next;
	m->old[3] = r->srtp_retired;
	s->tmpl = m->tmpl;
	if (dp->rtcp_tmpl != NULL)
		dp->rtcp_tmpl[m->stream] = m->rtcp_tmpl;
	memcpy(dp->nexthop[m->stream], m->nexthop, 16);
	s->ssrc = m->ssrc;
	s->pt = m->pt;
	/* RFC 3550 5.1: random initial sequence number and timestamp */
	s->seq = (uint16_t)(m->ssrc * 2654435761u >> 16);
	s->ts = m->ssrc * 0x9e3779b1u;
	s->frame = s->tx_packets = s->tx_bytes = 0;
	s->frame_idx = 0;
	s->marker_next = true;
	s->rtcp_octets = 0;
	s->tx_rtcp = 0;
	s->held = false;
	s->srtp = m->ctx;
	memset(r, 0, sizeof(*r));
	mbl_rx_seq_init(&r->seq);
	mbl_rx_jitter_init(&r->jit);
	r->tx_seq0 = s->seq;
	r->srtp = m->ctx_rx;
	r->nack = m->nack || dp->conf.nack;
	r->fb_allow_early = true;
	s->keys_wait = s->dtls = m->dtls;
	s->ice = s->ice_wait = m->ice;
	s->state = dp->conf.has_remote_mac ? DP_S_RUN : DP_S_WAIT_NEIGH;
	if (!dp_wheel_is_queued(&w->wheel, li))
		dp_wheel_add(&w->wheel, li, now);
	if (dp->conf.rtcp && !dp_wheel_is_queued(&w->rtcp_wheel, li))
		dp_wheel_add(&w->rtcp_wheel, li, now + w->rtcp_tsc / 2);
	w->c.streams_started++;
}

static void apply_stop(struct dp_worker *w, struct dp_msg *m)
{
	struct mbl_dp *dp = w->dp;
	struct dp_stream *s = &dp->s[m->stream];
	struct dp_rx *r = &dp->r[m->stream];
	uint32_t cr = dp->conf.codec->clock_rate;
	struct dp_ended *e = &w->ended;

	m->res.stream = m->stream;
	m->res.tx_packets = s->tx_packets;
	m->res.rx_packets = r->packets;
	m->res.tx_bytes = s->tx_bytes;
	m->res.rx_bytes = r->bytes;
	m->res.tx_rtcp = s->tx_rtcp;
	m->res.rx_rtcp = r->rtcp_packets;
	m->res.srtp_auth_fail = r->srtp_auth_fail;
	m->res.delay_mean_ms = r->delay_n ? (double)r->delay_sum_ns / (double)r->delay_n / 1e6 : 0;
	dp_peer_view(dp, r, &m->res.peer);
	m->res.rtt_ms = r->have_rtt ? r->rtt_us / 1000.0 : -1;
	if (m->res.peer.reports != 0) {
		e->peer_streams++;
		e->peer_lost += m->res.peer.lost;
		e->peer_expected += m->res.peer.expected;
		mbl_hist_add(&e->peer_jitter_us, (uint64_t)(m->res.peer.jitter_ms * 1000.0 + 0.5));
	}
	dp_peer_xr_add(&e->peer_xr, &m->res.peer);
	if (r->have_rtt)
		mbl_hist_add(&e->rtt_us, r->rtt_us);
	if (r->have_peer) {
		double jm = mbl_rx_jitter_mean_ms(&r->jit, cr);

		m->res.lost = mbl_rx_seq_lost(&r->seq);
		m->res.jitter_mean_ms = jm;
		e->lost += m->res.lost;
		e->expected += mbl_rx_seq_expected(&r->seq);
		e->duplicates += r->seq.duplicates;
		e->reordered += r->seq.reordered;
		e->resyncs += r->seq.resyncs;
		e->receiving++;
		e->jitter_sum_ms += jm;
		mbl_hist_add(&e->jitter_us, (uint64_t)(jm * 1000.0 + 0.5));
	}
	m->old[0] = s->srtp;
	m->old[1] = r->srtp;
	m->old[2] = r->srtp_next;
	m->old[3] = r->srtp_retired;
	s->srtp = NULL;
	r->srtp = r->srtp_next = r->srtp_retired = NULL;
	r->have_peer = false;
	s->state = DP_S_STOPPED; /* its wheel entries lapse when they come due */
	w->c.streams_stopped++;
}

/* DTLS-SRTP: the handshake service's keys; media starts with the next
 * tick (RFC 5764 4.1: none before the handshake completes). */
static int apply_keys(struct dp_worker *w, struct dp_msg *m)
{
	struct dp_stream *s = &w->dp->s[m->stream];
	struct dp_rx *r = &w->dp->r[m->stream];

	if (!s->keys_wait || s->state == DP_S_STOPPED)
		return -EINVAL; /* stale: the call ended meanwhile */
	s->srtp = m->ctx;
	r->srtp = m->ctx_rx;
	s->keys_wait = false;
	w->c.dtls_keyed++;
	return 0;
}

/* ICE selected a pair (media may flow) or lost consent (it stops). */
static int apply_ice(struct dp_worker *w, struct dp_msg *m)
{
	struct dp_stream *s = &w->dp->s[m->stream];

	if (s->state == DP_S_STOPPED || !s->ice)
		return -EINVAL; /* stale: the call ended meanwhile */
	if (m->send_on && s->ice_wait) {
		s->marker_next = true; /* the first RTP after the wait starts a talkspurt */
		w->c.ice_selected++;
	}
	s->ice_wait = !m->send_on;
	return 0;
}

/* Hold / resume: only the RTP pacer looks at held (dp_tx.c); a resumed
 * stream starts a new talkspurt. */
static int apply_send(struct dp_worker *w, struct dp_msg *m)
{
	struct dp_stream *s = &w->dp->s[m->stream];

	if (s->state == DP_S_STOPPED)
		return -EINVAL;
	if (s->held && m->send_on)
		s->marker_next = true;
	s->held = !m->send_on;
	return 0;
}

void dp_ctl_apply(struct dp_worker *w, struct dp_msg *m)
{
	if (m->stream < w->first || m->stream >= w->first + w->n) {
		m->rc = -EINVAL; /* not ours: the control plane routed it wrong */
		return;
	}
	switch (m->type) {
	case DP_MSG_REKEY_TX:
		m->rc = apply_rekey_tx(w, m);
		break;
	case DP_MSG_REKEY_RX:
		m->rc = apply_rekey_rx(w, m);
		break;
	case DP_MSG_START:
		apply_start(w, m);
		m->rc = 0;
		break;
	case DP_MSG_STOP:
		apply_stop(w, m);
		m->rc = 0;
		break;
	case DP_MSG_ICE:
		m->rc = apply_ice(w, m);
		break;
	case DP_MSG_KEYS:
		m->rc = apply_keys(w, m);
		break;
	case DP_MSG_SEND:
		m->rc = apply_send(w, m);
		break;
	default:
		m->rc = -ENOTSUP;
		break;
	}
}

void dp_ctl_poll(struct dp_worker *w)
{
	struct dp_msg *m[32];
	unsigned n = rte_ring_sc_dequeue_burst(w->ctl, (void **)m, RTE_DIM(m), NULL);

	for (unsigned i = 0; i < n; i++) {
		dp_ctl_apply(w, m[i]);
		w->c.ctl_msgs++;
	}
	/* the done ring is as large as the ctl ring: it always has room for
	 * what came off the ctl ring */
	if (n != 0)
		rte_ring_sp_enqueue_bulk(w->ctl_done, (void **)m, n, NULL);
	/* after the messages: a handshake's first datagram follows its START */
	if (w->hs_tx != NULL)
		dp_dtls_tx_poll(w);
}

/* ---- control-plane side ----------------------------------------------------- */

int mbl_dp_rekey(struct mbl_dp *dp, uint32_t stream, bool tx, const struct mbl_srtp_key *k,
		 char *err, size_t errlen)
{
	struct dp_worker *w;
	struct dp_msg *m;
	bool has = tx ? dp->conf.srtp_tx : dp->conf.srtp_rx;

	if (stream >= dp->conf.streams || !has || k == NULL) {
		snprintf(err, errlen, "stream %u: no %s SRTP to rekey", stream, tx ? "outbound" :
			 "inbound");
		return -EINVAL;
	}
	w = dp_owner(dp, stream);
	if (rte_ring_free_count(w->ctl) == 0)
		return -ENOBUFS;
	m = calloc(1, sizeof(*m));
	if (m == NULL) {
		snprintf(err, errlen, "out of memory for a control message");
		return -ENOMEM;
	}
	m->type = tx ? DP_MSG_REKEY_TX : DP_MSG_REKEY_RX;
	m->stream = stream;
	m->ctx = mbl_srtp_ctx_create_opts(dp->conf.srtp_engine, k, tx ? dp->s[stream].ssrc : 0, tx,
					  !tx && dp->conf.srtp_rx_auth_only ? MBL_SRTP_F_AUTH_ONLY
									    : 0,
					  err, errlen);
	if (m->ctx == NULL) {
		int rc = -errno;

		free(m);
		return rc;
	}
	if (rte_ring_mp_enqueue(w->ctl, m) != 0) {
		mbl_srtp_ctx_free(m->ctx);
		free(m);
		return -ENOBUFS;
	}
	dp->ctl_inflight++;
	return 0;
}

static unsigned reap_one(struct mbl_dp *dp, struct dp_msg *m)
{
	unsigned bad = m->rc != 0;

	if (bad) { /* not taken */
		mbl_srtp_ctx_free(m->ctx);
		mbl_srtp_ctx_free(m->ctx_rx);
	}
	for (unsigned i = 0; i < RTE_DIM(m->old); i++)
		mbl_srtp_ctx_free(m->old[i]);
	if (m->type == DP_MSG_STOP) {
		dp->busy[m->stream] = 0;
		if (dp->result_fn != NULL)
			dp->result_fn(dp->result_arg, &m->res);
	}
	free(m);
	return bad;
}

unsigned mbl_dp_ctl_reap(struct mbl_dp *dp, unsigned *failed)
{
	unsigned total = 0, bad = 0;

	for (unsigned i = 0; i < dp->n_workers; i++) {
		struct dp_msg *m[64];
		unsigned n;

		while ((n = rte_ring_sc_dequeue_burst(dp->w[i].ctl_done, (void **)m, RTE_DIM(m),
						      NULL)) != 0) {
			for (unsigned k = 0; k < n; k++)
				bad += reap_one(dp, m[k]);
			total += n;
		}
	}
	dp->ctl_inflight -= total;
	if (failed != NULL)
		*failed = bad;
	return total;
}

unsigned mbl_dp_ctl_inflight(const struct mbl_dp *dp)
{
	return dp->ctl_inflight;
}

/* After the workers stopped: apply nothing more, free what is queued. */
void dp_ctl_drain(struct mbl_dp *dp)
{
	for (unsigned i = 0; dp->w != NULL && i < dp->n_workers; i++) {
		struct dp_msg *m;

		while (dp->w[i].ctl != NULL && rte_ring_dequeue(dp->w[i].ctl, (void **)&m) == 0) {
			mbl_srtp_ctx_free(m->ctx);
			mbl_srtp_ctx_free(m->ctx_rx);
			free(m);
		}
	}
	if (dp->w != NULL)
		mbl_dp_ctl_reap(dp, NULL);
}

/* ---- call mode (conf.dynamic) ------------------------------------------------ */

void mbl_dp_set_result_cb(struct mbl_dp *dp, mbl_dp_result_fn fn, void *arg)
{
	dp->result_fn = fn;
	dp->result_arg = arg;
}

void mbl_dp_stream_local(const struct mbl_dp *dp, uint32_t stream, uint8_t ip[16],
			 uint16_t *port)
{
	dp_stream_local(&dp->conf, stream, ip, port);
}

int dp_ctl_post(struct mbl_dp *dp, struct dp_msg *m)
{
	if (rte_ring_mp_enqueue(dp_owner(dp, m->stream)->ctl, m) != 0)
		return -ENOBUFS;
	dp->ctl_inflight++;
	return 0;
}

static int start_templates(const struct mbl_dp *dp, struct dp_msg *msg,
			   const struct mbl_dp_media *m)
{
	const struct mbl_dp_conf *c = &dp->conf;
	static const uint8_t zero_mac[6];
	const uint8_t *dmac = c->has_remote_mac ? c->remote_mac : zero_mac;
	uint8_t lip[16];
	uint16_t lport, rtcp = m->remote_rtcp_port ? m->remote_rtcp_port
						   : (uint16_t)(m->remote_port + 1);
	int rc;

	dp_stream_local(c, msg->stream, lip, &lport);
	rc = mbl_net_udp_tmpl_build(&msg->tmpl, dp->mac, dmac, c->vlan, c->local.family, lip,
				    m->remote_ip, lport, m->remote_port, c->dscp, 64);
	if (rc == 0 && dp->rtcp_tmpl != NULL)
		rc = mbl_net_udp_tmpl_build(&msg->rtcp_tmpl, dp->mac, dmac, c->vlan,
					    c->local.family, lip, m->remote_ip,
					    (uint16_t)(lport + 1), rtcp, c->dscp, 64);
	memcpy(msg->nexthop, m->remote_ip, 16);
	return rc;
}

int mbl_dp_stream_start(struct mbl_dp *dp, uint32_t stream, const struct mbl_dp_media *m,
			char *err, size_t errlen)
{
	struct dp_msg *msg;
	unsigned fl = dp->conf.srtp_rx_auth_only ? MBL_SRTP_F_AUTH_ONLY : 0;
	int rc = -ENOMEM;

	if (!dp->conf.dynamic || stream >= dp->conf.streams || m == NULL) {
		snprintf(err, errlen, "stream %u: not a call slot", stream);
		return -EINVAL;
	}
	if (dp->busy[stream])
		return -EBUSY;
	if (rte_ring_free_count(dp_owner(dp, stream)->ctl) == 0)
		return -ENOBUFS;
	msg = calloc(1, sizeof(*msg));
	if (msg == NULL) {
		snprintf(err, errlen, "out of memory for a control message");
		return -ENOMEM;
	}
	msg->type = DP_MSG_START;
	msg->stream = stream;
	msg->pt = m->pt;
	msg->nack = m->nack;
	msg->ssrc = m->ssrc;
	while (msg->ssrc == 0)
		msg->ssrc = (uint32_t)rte_rand(); /* RFC 3550 8.1: random */
	if (start_templates(dp, msg, m) < 0) {
		snprintf(err, errlen, "stream %u: cannot build headers for the peer", stream);
		rc = -EINVAL;
		goto fail;
	}
	if (m->srtp_tx && (msg->ctx = mbl_srtp_ctx_create(dp->conf.srtp_engine, &m->tx_key,
							   msg->ssrc, true, err, errlen)) == NULL)
		goto fail_errno;
	if (m->srtp_rx && (msg->ctx_rx = mbl_srtp_ctx_create_opts(dp->conf.srtp_engine,
								   &m->rx_key, 0, false, fl, err,
								   errlen)) == NULL)
		goto fail_errno;
	if ((m->dtls || m->ice) && (rc = dp_hs_open(dp, stream, m, msg->ssrc, err, errlen)) < 0)
		goto fail;
	msg->dtls = m->dtls;
	msg->ice = m->ice;
	if (dp_ctl_post(dp, msg) < 0) {
		if (m->dtls || m->ice)
			dp_hs_close(dp, stream);
		rc = -ENOBUFS;
		goto fail;
	}
	dp->busy[stream] = 1;
	return 0;
fail_errno:
	rc = -errno;
fail:
	mbl_srtp_ctx_free(msg->ctx);
	mbl_srtp_ctx_free(msg->ctx_rx);
	free(msg);
	return rc;
}

int mbl_dp_stream_send(struct mbl_dp *dp, uint32_t stream, bool on)
{
	struct dp_msg *msg;

	if (!dp->conf.dynamic || stream >= dp->conf.streams || !dp->busy[stream])
		return -EINVAL;
	msg = calloc(1, sizeof(*msg));
	if (msg == NULL)
		return -ENOMEM;
	msg->type = DP_MSG_SEND;
	msg->stream = stream;
	msg->send_on = on;
	if (dp_ctl_post(dp, msg) < 0) {
		free(msg);
		return -ENOBUFS;
	}
	return 0;
}

int mbl_dp_stream_stop(struct mbl_dp *dp, uint32_t stream, void *user)
{
	struct dp_msg *msg;

	if (!dp->conf.dynamic || stream >= dp->conf.streams || !dp->busy[stream])
		return -EINVAL;
	msg = calloc(1, sizeof(*msg));
	if (msg == NULL)
		return -ENOMEM;
	msg->type = DP_MSG_STOP;
	msg->stream = stream;
	msg->res.user = user;
	if (dp_ctl_post(dp, msg) < 0) {
		free(msg);
		return -ENOBUFS;
	}
	if (dp->hs != NULL)
		dp_hs_close(dp, stream);
	return 0;
}
