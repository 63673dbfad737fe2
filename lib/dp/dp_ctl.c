/* SPDX-License-Identifier: BSD-3-Clause
 * Control messages: the control plane asks a stream's owning worker to
 * change it (rekey now; start/stop with the call engine) through the
 * worker's ctl ring. Contexts are created and freed on the control plane;
 * the worker only swaps pointers between two packets, so a change never
 * races the stream's own TX or RX. */
#include <errno.h>
#include <stdlib.h>

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

static void apply(struct dp_worker *w, struct dp_msg *m)
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
		apply(w, m[i]);
		w->c.ctl_msgs++;
	}
	/* the done ring is as large as the ctl ring: it always has room for
	 * what came off the ctl ring */
	if (n != 0)
		rte_ring_sp_enqueue_bulk(w->ctl_done, (void **)m, n, NULL);
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

unsigned mbl_dp_ctl_reap(struct mbl_dp *dp, unsigned *failed)
{
	unsigned total = 0, bad = 0;

	for (unsigned i = 0; i < dp->n_workers; i++) {
		struct dp_msg *m[64];
		unsigned n;

		while ((n = rte_ring_sc_dequeue_burst(dp->w[i].ctl_done, (void **)m, RTE_DIM(m),
						      NULL)) != 0) {
			for (unsigned k = 0; k < n; k++) {
				if (m[k]->rc != 0) {
					bad++;
					mbl_srtp_ctx_free(m[k]->ctx); /* not taken */
				}
				mbl_srtp_ctx_free(m[k]->old[0]);
				mbl_srtp_ctx_free(m[k]->old[1]);
				free(m[k]);
			}
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
			free(m);
		}
	}
	if (dp->w != NULL)
		mbl_dp_ctl_reap(dp, NULL);
}
