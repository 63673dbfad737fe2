/* SPDX-License-Identifier: BSD-3-Clause
 * Internal: what the three files of the ICE agent share.
 * ice_agent.c: set-up, credentials, candidates, pairs, roles, selection;
 * ice_check.c: transactions, paced and triggered checks, nomination,
 * consent, the poll loop; ice_input.c: requests and responses received.
 * Every function here runs on the agent's owner thread.
 */
#ifndef MBL_ICE_PRIV_H
#define MBL_ICE_PRIV_H

#include "mbl_stun.h"

#define ICE_NS_PER_MS 1000000ull
#define ICE_TYPE_PREF_HOST 126u   /* RFC 8445 5.1.2.2 */
#define ICE_TYPE_PREF_PRFLX 110u
#define ICE_MSG_MAX 640           /* our largest message: USERNAME of 265 bytes */

enum ice_txn_kind {
	ICE_TXN_CHECK = 0,        /* ordinary or triggered check */
	ICE_TXN_NOMINATE,         /* check with USE-CANDIDATE (RFC 8445 8.1.1) */
	ICE_TXN_CONSENT,          /* RFC 7675 consent check on the selected pair */
};

/* ---- ice_agent.c --------------------------------------------------------------- */

/* Index of our candidate of family (4/6), or -1. */
int mbl_ice_local_for(const struct mbl_ice_agent *a, uint8_t family);
/* Index of the remote candidate at addr, or -1. */
int mbl_ice_remote_find(const struct mbl_ice_agent *a, const struct mbl_stun_addr *addr);
/* RFC 8445 7.3.1.3: a peer-reflexive remote candidate for a request from
 * an unknown address, with the request's PRIORITY. Its index or -ENOSPC. */
int mbl_ice_remote_learn(struct mbl_ice_agent *a, const struct mbl_stun_addr *addr,
			 uint32_t priority);
/* The pair (local, remote): found, or made (Frozen before start, else in
 * its initial state). Its index, or -ENOSPC. */
int mbl_ice_pair_get(struct mbl_ice_agent *a, unsigned local, unsigned remote);
/* RFC 8445 7.2.5.3.3: Frozen pairs of pi's foundation become Waiting. */
void mbl_ice_unfreeze(struct mbl_ice_agent *a, unsigned pi);
/* RFC 8445 6.1.2.6: Waiting unless a pair of its foundation is already
 * Waiting or In-Progress. */
void mbl_ice_pair_init_state(struct mbl_ice_agent *a, unsigned pi);
/* Take role controlling (priorities recomputed, RFC 8445 6.1.2.3). */
void mbl_ice_set_role(struct mbl_ice_agent *a, bool controlling);
/* Pair pi is selected (RFC 8445 8.1.1 / 7.3.1.5): CONNECTED; a full
 * agent's consent clock starts (RFC 7675 5.1). */
void mbl_ice_select(struct mbl_ice_agent *a, unsigned pi, uint64_t now_ns);
void mbl_ice_fail(struct mbl_ice_agent *a, enum mbl_ice_fail why);
/* Send bytes from our candidate li to `to`, counting a refusal. */
void mbl_ice_emit(struct mbl_ice_agent *a, unsigned li, const struct mbl_stun_addr *to,
		  const uint8_t *buf, int len);
/* A random delay in [lo_ms, hi_ms], in ns. */
uint64_t mbl_ice_rand_ms(struct mbl_ice_agent *a, uint32_t lo_ms, uint32_t hi_ms);
/* Put pi in the triggered-check queue (once). */
void mbl_ice_trigger(struct mbl_ice_agent *a, unsigned pi);

/* ---- ice_check.c --------------------------------------------------------------------- */

/* The transaction with this id, or NULL. */
struct mbl_ice_txn *mbl_ice_txn_find(struct mbl_ice_agent *a, const uint8_t *tid);
/* Stop retransmitting the checks of pair pi (or of every pair when pi is
 * negative), consent aside; their responses still count (RFC 8445 7.3.1.4). */
void mbl_ice_txn_cancel(struct mbl_ice_agent *a, int pi);
/* Pair pi failed: its check timed out or was refused. */
void mbl_ice_pair_failed(struct mbl_ice_agent *a, unsigned pi);
/* A success response to a request sent at sent_ns on the selected pair:
 * consent lasts until sent_ns + consent_timeout (RFC 7675 5.1). */
void mbl_ice_consent_ok(struct mbl_ice_agent *a, unsigned pi, uint64_t sent_ns);

#endif /* MBL_ICE_PRIV_H */
