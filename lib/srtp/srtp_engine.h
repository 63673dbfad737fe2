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
	/* Rekey: dst (fresh, same engine and direction) continues src's SRTP
	 * packet index. 0 or -ENOTSUP. */
	int (*inherit)(struct mbl_srtp_ctx *dst, const struct mbl_srtp_ctx *src);
	/* Inbound, no SRTP packet authenticated yet: take ROC roc (0 or 1)
	 * for the next SRTP packet of ssrc (late start, mbl_srtp.h). 0 or
	 * -errno. NULL: the engine cannot (no late-start retry). */
	int (*first_roc)(struct mbl_srtp_ctx *c, uint32_t ssrc, uint32_t roc);
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
	bool auth_only;    /* inbound SRTP: verify the tag, leave the payload */
	bool session_keys; /* MBL_SRTP_F_SESSION_KEYS: key and salt skip the KDF */
	uint8_t mki_len;
	uint64_t lifetime;      /* packets per key and per kind; 0 = no limit of ours */
	uint64_t n_rtp;         /* SRTP packets processed with this key */
	uint64_t n_rtcp;        /* SRTCP packets processed with this key */
	/* inbound late start (mbl_srtp.h): rx_started once an SRTP packet
	 * authenticated; late_roc the ROC the stream started at */
	bool rx_started;
	uint32_t late_roc;
	void *priv;             /* engine state */
};

extern const struct mbl_srtp_engine_ops mbl_srtp_libsrtp_ops;

/* ---- cryptodev engine internals (srtp_cdev.c, srtp_cdev_pkt.c) ----------------
 * srtp_cdev.c: the device (init/fini, queue-pair binding), the sessions of
 * a context and the sync ops (one packet copied into the queue pair's own
 * mbuf); srtp_cdev_pkt.c: one crypto op per packet on an mbuf, and the
 * enqueue / busy-poll dequeue cycle shared by the sync and burst APIs. */
#include "srtp_frame.h"

struct rte_mbuf;

extern const struct mbl_srtp_engine_ops mbl_srtp_cdev_ops;

enum mbl_cdev_kind {
	MBL_CDEV_RTP_PROTECT,
	MBL_CDEV_RTP_UNPROTECT,
	MBL_CDEV_RTCP_PROTECT,
	MBL_CDEV_RTCP_UNPROTECT,
};

#define MBL_CDEV_GCM_SESS 6 /* GCM sessions per context, one per RTP header length */

/* c->priv of a cryptodev context (all fields: owner lcore rw after create). */
struct mbl_cdev_priv {
	void *rtp_sess;           /* HMAC / NULL suites; GCM: the 12-byte-AAD one */
	void *rtcp_sess;
	struct {
		uint16_t aad_len; /* RTP header bytes (RFC 7714 8.2); 0 = free slot */
		void *sess;
	} gcm[MBL_CDEV_GCM_SESS]; /* GCM: the AAD length is per session in DPDK */
	uint8_t rtp_key[MBL_SRTP_MAX_KEY]; /* GCM only: for the lazy sessions */
	uint8_t rtp_salt[MBL_SRTP_MAX_SALT];
	uint8_t rtcp_salt[MBL_SRTP_MAX_SALT];
	struct mbl_srtp_replay rtp;   /* both ways: libsrtp checks on send too */
	struct mbl_srtp_replay est;   /* inbound: rtp as it will be after this burst,
				       * for the index guess of the next packet in it */
	struct mbl_srtp_replay rtcp;  /* inbound */
	uint32_t rtcp_tx_index;       /* outbound: last SRTCP index sent */
	uint32_t mki;
};

/* The session for GCM SRTP with an AAD of aad_len bytes, created on first
 * use (a data-plane allocation from the session pool, once per header
 * length). NULL if the pool is empty or the slots are full. */
void *mbl_cdev_gcm_session(struct mbl_srtp_ctx *c, uint16_t aad_len);
/* Device, queue pair and op pool of the calling lcore. */
uint8_t mbl_cdev_dev_id(void);
uint16_t mbl_cdev_qp(void);
struct rte_mempool *mbl_cdev_op_pool(void);
/* One enqueue/dequeue cycle: packets i with rc[i] == 0 on entry get an op
 * (the RTP/RTCP packet starts off[i] bytes into the single-segment m[i]
 * and runs to its end); rc[i] is the result. Returns the successes. */
uint16_t mbl_cdev_run(enum mbl_cdev_kind kind, struct mbl_srtp_ctx **c, struct rte_mbuf **m,
		      const uint16_t *off, uint16_t n, int *rc);

#endif /* MBL_SRTP_ENGINE_H */
