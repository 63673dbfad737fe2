/* SPDX-License-Identifier: BSD-3-Clause
 * Internal: the engine seam behind mbl_srtp_ctx_create/protect/unprotect.
 *
 * srtp_engine.c does everything engines share (argument, length, version,
 * SSRC, room and key lifetime checks), so an engine's ops only ever see a
 * well-formed packet of the context's SSRC in a buffer with room for the
 * trailer. A new engine (cryptodev) adds one ops table here.
 */
#ifndef MBL_SRTP_ENGINE_H
#define MBL_SRTP_ENGINE_H

#include "mbl_srtp.h"

struct mbl_srtp_ctx;

struct mbl_srtp_engine_ops {
	const char *name;
	/* Set up c->priv from k (c->suite, c->ssrc, c->outbound are already
	 * filled). Returns 0 or -errno with err filled; never logs the key. */
	int (*create)(struct mbl_srtp_ctx *c, const struct mbl_srtp_key *k, char *err,
		      size_t errlen);
	void (*free)(struct mbl_srtp_ctx *c);
	/* Same contracts as the public functions; inputs already checked. */
	int (*protect)(struct mbl_srtp_ctx *c, uint8_t *pkt, uint32_t *len);
	int (*unprotect)(struct mbl_srtp_ctx *c, uint8_t *pkt, uint32_t *len);
	int (*protect_rtcp)(struct mbl_srtp_ctx *c, uint8_t *pkt, uint32_t *len);
	int (*unprotect_rtcp)(struct mbl_srtp_ctx *c, uint8_t *pkt, uint32_t *len);
};

/* One direction of one stream. Written at create on the control plane,
 * then owned by one data-plane lcore (all fields: dataplane rw, ctlplane
 * none until free). */
struct mbl_srtp_ctx {
	const struct mbl_srtp_engine_ops *ops;
	const struct mbl_srtp_suite_info *suite;
	uint32_t ssrc;
	bool outbound;
	bool any_ssrc;     /* inbound, created with SSRC 0: binds to the first */
	bool bound;        /* any_ssrc: ssrc now holds the first accepted SSRC */
	uint8_t mki_len;
	uint64_t lifetime;      /* packets per key and per kind; 0 = no limit of ours */
	uint64_t n_rtp;         /* SRTP packets processed with this key */
	uint64_t n_rtcp;        /* SRTCP packets processed with this key */
	void *priv;             /* engine state */
};

extern const struct mbl_srtp_engine_ops mbl_srtp_libsrtp_ops;

#endif /* MBL_SRTP_ENGINE_H */
