/* SPDX-License-Identifier: BSD-3-Clause
 * ICE (RFC 8445) for call-mode streams, on the handshake service.
 *
 * Where it runs: the media worker that owns a stream classifies STUN by
 * its first byte (RFC 7983: 0..3), cuts the mbuf to the UDP payload,
 * prepends the source address and hands it to the service on its hs_rx
 * ring, as it does DTLS. The service (dp_hs.c, the control-plane thread)
 * runs the stream's lib/stun agent: it answers checks, sends its own,
 * nominates, keeps consent (RFC 7675). What the agent sends goes back on
 * the owner's hs_tx ring with its destination prepended; the owner frames
 * it with the stream's header template. One agent per call: checks are a
 * few per second per call, far from the RTP path.
 *
 * Gating (RFC 8445 12.1, RFC 7675 5.1): a stream with ICE starts with
 * ice_wait set on its owner: no RTP or RTCP out, and what arrives is
 * dropped (media.dropped.ice_pending). When the agent selects a pair, an
 * ICE control message clears it and the DTLS connection may start
 * (dp_dtls_go); when consent is lost, another sets it again and the call
 * is failed through the ICE callback.
 *
 * One next hop per stream: the header template goes to the SDP's default
 * address. A check for a candidate at another address is not sent
 * (counted as media.dropped.stun_tx_other_addr): its pair fails and the
 * default one is used. Gateways and SBCs offer their one public address.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "dp_priv.h"

/* ---- worker side ------------------------------------------------------------ */

void dp_stun_rx(struct dp_worker *w, struct rte_mbuf *m, const struct mbl_net_info *ni,
		uint32_t stream)
{
	const struct dp_stream *s = &w->dp->s[stream];
	struct dp_hs_addr *a;

	/* a stopped slot may be a call whose START is still in the control
	 * ring (a peer checks as soon as it has our offer): the service holds
	 * it if we offered ICE there */
	if ((s->state != DP_S_STOPPED && !s->ice) || m->nb_segs != 1) {
		w->c.drop_dp[MBL_DP_DROP_stun_unhandled]++;
		rte_pktmbuf_free(m);
		return;
	}
	rte_pktmbuf_adj(m, ni->payload_off);
	rte_pktmbuf_trim(m, (uint16_t)(m->data_len - ni->payload_len));
	a = (struct dp_hs_addr *)rte_pktmbuf_prepend(m, sizeof(*a));
	if (a == NULL) {
		w->c.drop_dp[MBL_DP_DROP_stun_unhandled]++;
		rte_pktmbuf_free(m);
		return;
	}
	mbl_net_info_src16(ni, a->ip);
	a->port = ni->sport;
	a->family = ni->family;
	m->hash.usr = stream;
	m->packet_type = DP_HS_STUN;
	if (rte_ring_sp_enqueue(w->hs_rx, m) != 0) {
		w->c.drop_dp[MBL_DP_DROP_dtls_ring_full]++;
		rte_pktmbuf_free(m);
		return;
	}
	w->c.stun_rx++;
}

/* Whether the stream's template sends to dst (its peer's address, port). */
static bool tmpl_goes_to(const struct mbl_net_udp_tmpl *t, const struct dp_hs_addr *dst)
{
	const uint8_t *ip = t->hdr + t->l3_off + (t->family == 4 ? 16 : 24);
	const uint8_t *udp = t->hdr + t->l4_off;
	uint16_t port = (uint16_t)(udp[2] << 8 | udp[3]);

	if (port != dst->port || t->family != dst->family)
		return false;
	return t->family == 4 ? memcmp(ip, dst->ip + 12, 4) == 0 : memcmp(ip, dst->ip, 16) == 0;
}

bool dp_stun_send(struct dp_worker *w, struct rte_mbuf *m)
{
	uint32_t gi = m->hash.usr;
	struct dp_stream *s = &w->dp->s[gi];
	struct dp_hs_addr dst;

	if (!s->ice) {
		w->c.drop_dp[MBL_DP_DROP_dtls_tx_failed]++;
		rte_pktmbuf_free(m);
		return true;
	}
	memcpy(&dst, rte_pktmbuf_mtod(m, void *), sizeof(dst));
	if (!tmpl_goes_to(&s->tmpl, &dst)) {
		w->c.drop_dp[MBL_DP_DROP_stun_tx_other_addr]++;
		rte_pktmbuf_free(m);
		return true;
	}
	if (!dp_stream_ready(w, gi))
		return false;
	rte_pktmbuf_adj(m, sizeof(dst));
	dp_tx_udp_mbuf(w, m, &s->tmpl);
	w->c.stun_tx++;
	return true;
}

/* ---- service side --------------------------------------------------------------- */

/* RFC 7675 5.1: transaction ids must be unpredictable. */
static void ice_random(void *user, uint8_t *buf, size_t n)
{
	(void)user;
	while (n > 0) {
		ssize_t k = getrandom(buf, n, 0);

		if (k <= 0)
			continue; /* EINTR; the kernel's pool never runs dry */
		buf += k;
		n -= (size_t)k;
	}
}

static void addr_to_hs(const struct mbl_stun_addr *a, struct dp_hs_addr *h)
{
	memset(h, 0, sizeof(*h));
	h->family = a->family;
	h->port = a->port;
	if (a->family == 4) {
		h->ip[10] = h->ip[11] = 0xff;
		memcpy(h->ip + 12, a->ip, 4);
	} else {
		memcpy(h->ip, a->ip, 16);
	}
}

static void hs_to_addr(const struct dp_hs_addr *h, struct mbl_stun_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->family = h->family;
	a->port = h->port;
	if (h->family == 4)
		memcpy(a->ip, h->ip + 12, 4);
	else
		memcpy(a->ip, h->ip, 16);
}

static int ice_send(void *user, const struct mbl_stun_addr *from, const struct mbl_stun_addr *to,
		    const uint8_t *buf, size_t len)
{
	struct dp_hs_conn *hc = user;
	struct dp_hs_addr dst;

	(void)from; /* one host candidate: the stream's own address */
	addr_to_hs(to, &dst);
	return dp_hs_send(hc->dp, hc->stream, DP_HS_STUN, &dst, buf, len) ? 0 : -ENOBUFS;
}

/* Our host candidate: the stream's own media address and port. */
static void local_candidate(const struct mbl_dp *dp, uint32_t stream, struct mbl_stun_addr *a)
{
	uint8_t ip[16];
	uint16_t port;
	struct dp_hs_addr h = {.family = (uint8_t)dp->conf.local.family};

	dp_stream_local(&dp->conf, stream, ip, &port);
	memcpy(h.ip, ip, 16);
	h.port = port;
	hs_to_addr(&h, a);
}

static int agent_remote(struct mbl_ice_agent *a, const struct mbl_dp_media *m, char *err,
			size_t errlen)
{
	int rc = mbl_ice_set_remote(a, m->ice_rufrag, m->ice_rpwd, m->ice_peer_lite);

	if (rc < 0) {
		snprintf(err, errlen, "ICE: the peer's ufrag or password is unusable");
		return rc;
	}
	for (unsigned i = 0; i < m->n_ice_cand && i < MBL_ICE_MAX_SDP_CANDS; i++) {
		const struct mbl_dp_ice_cand *c = &m->ice_cand[i];

		/* one we cannot pair (another family, a bad line) is skipped:
		 * the agent fails the call only when no pair works */
		(void)mbl_ice_add_remote_candidate(a, c->foundation, c->priority, c->ip, c->port,
						   (enum mbl_ice_cand_type)c->type);
	}
	return 0;
}

int dp_ice_open(struct mbl_dp *dp, uint32_t stream, const struct mbl_dp_media *m, char *err,
		size_t errlen)
{
	struct dp_hs *hs = dp->hs;
	struct dp_hs_conn *hc = &hs->conn[stream];
	struct mbl_ice_conf conf = {
		.lite = m->ice_lite, .offerer = m->ice_offerer, .n_local = 1,
		.random = ice_random, .send = ice_send, .user = hc,
		.ufrag = m->ice_ufrag, .pwd = m->ice_pwd,
	};
	uint64_t now = mbl_time_ns();
	int rc;

	local_candidate(dp, stream, &conf.local[0]);
	hc->ice = calloc(1, sizeof(*hc->ice));
	if (hc->ice == NULL) {
		snprintf(err, errlen, "ICE: out of memory for an agent");
		return -ENOMEM;
	}
	rc = mbl_ice_init(hc->ice, &conf);
	if (rc < 0) {
		snprintf(err, errlen, "ICE: agent not created (%s)", strerror(-rc));
		return rc;
	}
	rc = agent_remote(hc->ice, m, err, errlen);
	if (rc == 0)
		rc = mbl_ice_start(hc->ice, now);
	if (rc < 0) {
		if (err[0] == '\0')
			snprintf(err, errlen, "ICE: agent not started (%s)", strerror(-rc));
		return rc;
	}
	hc->ice_deadline = 0;
	hs->ice_st.started++;
	return 0;
}

static void add_counters(struct mbl_ice_counters *sum, const struct mbl_ice_counters *c)
{
#define DP_ICE_ADD_(f, d) sum->f += c->f;
	MBL_ICE_COUNTER_LIST(DP_ICE_ADD_)
#undef DP_ICE_ADD_
}

void dp_ice_close(struct mbl_dp *dp, uint32_t stream)
{
	struct dp_hs_conn *hc = &dp->hs->conn[stream];

	if (hc->ice == NULL)
		return;
	add_counters(&dp->hs->ice_st.c, mbl_ice_counters(hc->ice));
	free(hc->ice);
	hc->ice = NULL;
}

void dp_ice_input(struct mbl_dp *dp, uint32_t stream, struct rte_mbuf *m, uint64_t now)
{
	struct dp_hs_conn *hc = &dp->hs->conn[stream];
	struct dp_hs_addr h;
	struct mbl_stun_addr src;

	if (m->data_len < sizeof(h))
		return;
	memcpy(&h, rte_pktmbuf_mtod(m, void *), sizeof(h));
	hs_to_addr(&h, &src);
	(void)mbl_ice_input(hc->ice, now, &src, rte_pktmbuf_mtod_offset(m, uint8_t *, sizeof(h)),
			    m->data_len - sizeof(h)); /* every drop is counted by the agent */
	hc->ice_deadline = 0; /* the next deadline may have moved closer */
}

/* Tell the owner whether media may flow. */
static void post_gate(struct mbl_dp *dp, uint32_t stream, bool up)
{
	struct dp_msg *msg = calloc(1, sizeof(*msg));

	if (msg == NULL)
		return;
	msg->type = DP_MSG_ICE;
	msg->stream = stream;
	msg->send_on = up;
	if (dp_ctl_post(dp, msg) < 0)
		free(msg);
}

static void report(struct mbl_dp *dp, uint32_t stream, bool ok, uint64_t now)
{
	struct dp_hs *hs = dp->hs;
	struct dp_hs_conn *hc = &hs->conn[stream];
	struct mbl_dp_ice_result r = {.stream = stream, .ok = ok,
				      .fail = mbl_ice_failure(hc->ice)};

	(void)now;
	r.select_ns = mbl_ice_counters(hc->ice)->select_ns;
	if (ok) {
		hs->ice_st.selected++;
		mbl_hist_add(&hs->ice_st.select_us, r.select_ns / 1000);
	} else {
		hs->ice_st.failed[r.fail < MBL_ICE_FAIL_MAX ? r.fail : MBL_ICE_FAIL_CHECKS_FAILED]++;
	}
	if (hs->ice_fn != NULL)
		hs->ice_fn(hs->ice_arg, &r);
}

void dp_ice_tick(struct mbl_dp *dp, uint32_t stream, uint64_t now)
{
	struct dp_hs_conn *hc = &dp->hs->conn[stream];

	hc->ice_deadline = mbl_ice_poll(hc->ice, now);
	switch (mbl_ice_state(hc->ice)) {
	case MBL_ICE_CONNECTED:
		if (hc->ice_up)
			return;
		hc->ice_up = true;
		post_gate(dp, stream, true);
		report(dp, stream, true, now);
		dp_dtls_go(dp, stream, now);
		return;
	case MBL_ICE_FAILED:
		hc->ice_done = true;
		if (hc->ice_up)
			post_gate(dp, stream, false); /* consent lost: media stops */
		report(dp, stream, false, now);
		dp_hs_settled(dp, stream);
		return;
	default:
		return;
	}
}

void mbl_dp_ice_stats(const struct mbl_dp *dp, struct mbl_dp_ice_stats *st)
{
	const struct dp_hs *hs = dp->hs;

	if (hs == NULL) {
		memset(st, 0, sizeof(*st));
		return;
	}
	*st = hs->ice_st;
	for (uint32_t i = 0; i < dp->conf.streams; i++)
		if (hs->conn[i].ice != NULL)
			add_counters(&st->c, mbl_ice_counters(hs->conn[i].ice));
}
