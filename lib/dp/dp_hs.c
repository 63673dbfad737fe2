/* SPDX-License-Identifier: BSD-3-Clause
 * The handshake service: what call-mode streams need besides RTP, run off
 * the media workers by whichever thread calls mbl_dp_dtls_poll (the control
 * plane). Workers classify datagrams by their first byte (RFC 7983) and
 * hand DTLS and STUN to it on their hs_rx rings; it drives each slot's
 * DTLS-SRTP connection (dp_dtls.c) and ICE agent (dp_ice.c) and hands what
 * they send back on the owner's hs_tx ring. This file is the service's
 * core: rings, the list of slots with something to drive, datagrams that
 * come before their slot is open, and the poll loop.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dp_priv.h"

/* ---- set-up ------------------------------------------------------------------- */

int dp_hs_create(struct mbl_dp *dp)
{
	struct dp_hs *hs;
	char name[RTE_RING_NAMESIZE];

	if (dp->conf.dtls == NULL && !dp->conf.ice)
		return 0;
	hs = calloc(1, sizeof(*hs));
	if (hs == NULL)
		return -ENOMEM;
	dp->hs = hs;
	hs->conn = calloc(dp->conf.streams, sizeof(*hs->conn));
	hs->active = calloc(dp->conf.streams, sizeof(*hs->active));
	if (hs->conn == NULL || hs->active == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i < dp->conf.streams; i++) {
		hs->conn[i].dp = dp;
		hs->conn[i].stream = i;
	}
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
		dp_hs_close(dp, i);
	free(hs->conn);
	free(hs->active);
	free(hs);
	dp->hs = NULL;
}

/* ---- slots ------------------------------------------------------------------ */

void dp_hs_active_add(struct dp_hs *hs, uint32_t s)
{
	if (hs->conn[s].apos != 0)
		return;
	hs->active[hs->n_active++] = s;
	hs->conn[s].apos = hs->n_active;
}

void dp_hs_active_del(struct dp_hs *hs, uint32_t s)
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
	int rc = 0;

	if (dp->hs == NULL || (m->dtls && dp->conf.dtls == NULL) || (m->ice && !dp->conf.ice)) {
		snprintf(err, errlen, "stream %u: %s is not enabled on this data plane", stream,
			 m->dtls ? "DTLS-SRTP" : "ICE");
		return -ENOTSUP;
	}
	if (dp->conf.rtcp && !dp->conf.rtcp_mux) {
		snprintf(err, errlen, "stream %u: DTLS-SRTP and ICE here need RTCP muxed on the "
			 "RTP port (RFC 5761)", stream);
		return -ENOTSUP;
	}
	dp_hs_close(dp, stream);
	if (m->ice)
		rc = dp_ice_open(dp, stream, m, err, errlen);
	if (rc == 0 && m->dtls)
		rc = dp_dtls_open(dp, stream, m, ssrc, err, errlen);
	if (rc < 0) {
		dp_hs_close(dp, stream);
		return rc;
	}
	dp_hs_active_add(dp->hs, stream);
	return 0;
}

void dp_hs_close(struct mbl_dp *dp, uint32_t stream)
{
	struct dp_hs *hs = dp->hs;
	struct dp_hs_conn *hc;

	if (hs == NULL)
		return;
	hc = &hs->conn[stream];
	if (hc->c == NULL && hc->ice == NULL)
		return;
	dp_hs_active_del(hs, stream);
	dp_ice_close(dp, stream);
	mbl_dtls_conn_free(hc->c);
	memset(hc, 0, sizeof(*hc));
	hc->dp = dp;
	hc->stream = stream;
}

bool dp_hs_send(struct mbl_dp *dp, uint32_t s, enum dp_hs_kind kind,
		const struct dp_hs_addr *dst, const uint8_t *d, size_t len)
{
	size_t hdr = kind == DP_HS_STUN ? sizeof(*dst) : 0;
	struct rte_mbuf *m = rte_pktmbuf_alloc(dp->pool);
	char *p = m != NULL ? rte_pktmbuf_append(m, (uint16_t)(hdr + len)) : NULL;

	if (p == NULL || hdr + len > UINT16_MAX) {
		rte_pktmbuf_free(m);
		return false;
	}
	if (hdr != 0)
		memcpy(p, dst, hdr);
	memcpy(p + hdr, d, len);
	m->hash.usr = s;
	m->packet_type = kind;
	if (rte_ring_sp_enqueue(dp_owner(dp, s)->hs_tx, m) != 0) {
		rte_pktmbuf_free(m);
		return false;
	}
	return true;
}

/* ---- datagrams before their slot is open -------------------------------------------- */

/* Whether a datagram of kind for slot hc, which cannot take it now, is
 * worth holding: we offered DTLS or ICE on it and await the answer; or its
 * DTLS connection exists but has not started (it speaks first at the next
 * poll, or waits for ICE to select a pair). */
static bool expected(const struct dp_hs_conn *hc, enum dp_hs_kind kind, uint64_t now)
{
	if (hc->c == NULL && hc->ice == NULL)
		return now < hc->expect_until;
	return kind == DP_HS_DTLS && hc->c != NULL && !hc->started;
}

/* Keep m (kind) for slot s. Returns false when it cannot be held: the hold
 * is full, or the slot already has DP_HS_EARLY_PER waiting. */
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
	hs->ice_st.early_held += m->packet_type == DP_HS_STUN;
	if (hs->conn[s].ice != NULL)
		mbl_ice_note_early(hs->conn[s].ice); /* DTLS before the pair */
	return true;
}

/* A DTLS ClientHello (RFC 6347 4.1: handshake record, type 1). */
static bool client_hello(const struct rte_mbuf *m)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);

	return m->data_len > 13 && p[0] == 22 && p[13] == 1;
}

/* Give m to what handles its kind on slot s, if it can take it now.
 * Returns false when it cannot (the caller holds or drops it). The
 * callee never keeps m. */
static bool deliver(struct mbl_dp *dp, uint32_t s, struct rte_mbuf *m, uint64_t now)
{
	struct dp_hs_conn *hc = &dp->hs->conn[s];

	if (m->packet_type == DP_HS_STUN) {
		if (hc->ice == NULL)
			return false;
		dp_ice_input(dp, s, m, now);
		return true;
	}
	if (hc->c == NULL || !hc->started)
		return false;
	if (hc->dtls_client && client_hello(m)) {
		dp->hs->st.rx_wrong_role++; /* dropped: we speak first, it must answer */
		return true;
	}
	dp->hs->st.rx++;
	dp_dtls_input(dp, s, m, now);
	return true;
}

/* Held datagrams whose slot can take them now go to it, in arrival order;
 * those held too long are dropped. Runs before the rings, so a held first
 * flight reaches the connection before what came after it. */
static void early_poll(struct mbl_dp *dp, uint64_t now)
{
	struct dp_hs *hs = dp->hs;
	uint32_t keep = 0;

	for (uint32_t i = 0; i < hs->n_early; i++) {
		struct dp_hs_early e = hs->early[i];

		if (deliver(dp, e.stream, e.m, now)) {
			hs->st.early_fed++;
			hs->ice_st.early_fed += e.m->packet_type == DP_HS_STUN;
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

			if (hc == NULL) {
				hs->st.rx_stale++;
			} else if (deliver(dp, s, m[i], now)) {
				/* used */
			} else if (expected(hc, (enum dp_hs_kind)m[i]->packet_type, now) &&
				   early_hold(hs, m[i], s, now)) {
				continue; /* its handshake or agent may begin soon */
			} else {
				hs->st.rx_stale++; /* its call ended, or the hold is full */
			}
			rte_pktmbuf_free(m[i]);
		}
	}
}

/* ---- the loop ------------------------------------------------------------------ */

static void step(struct mbl_dp *dp, uint32_t s, uint64_t now)
{
	struct dp_hs_conn *hc = &dp->hs->conn[s];

	if (hc->ice != NULL && !hc->ice_done && now >= hc->ice_deadline)
		dp_ice_tick(dp, s, now);
	if (hc->c != NULL && !hc->finished && now >= hc->deadline)
		dp_dtls_tick(dp, s, now);
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

		step(dp, s, now_ns);
		if (i < hs->n_active && hs->active[i] == s)
			i++; /* else it left the list and another took its place */
	}
	return hs->n_active;
}

/* A slot leaves the active list once nothing is left to drive: its DTLS
 * handshake ended (or it has none) and its ICE agent failed (or it has
 * none: a connected agent keeps checking consent until the call ends). */
void dp_hs_settled(struct mbl_dp *dp, uint32_t s)
{
	struct dp_hs_conn *hc = &dp->hs->conn[s];

	if ((hc->c == NULL || hc->finished) && (hc->ice == NULL || hc->ice_done))
		dp_hs_active_del(dp->hs, s);
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

void mbl_dp_set_ice_cb(struct mbl_dp *dp, mbl_dp_ice_fn fn, void *arg)
{
	if (dp->hs == NULL)
		return;
	dp->hs->ice_fn = fn;
	dp->hs->ice_arg = arg;
}

void mbl_dp_dtls_stats(const struct mbl_dp *dp, struct mbl_dp_dtls_stats *st)
{
	if (dp->hs == NULL) {
		memset(st, 0, sizeof(*st));
		return;
	}
	*st = dp->hs->st;
}
