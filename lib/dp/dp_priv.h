/* SPDX-License-Identifier: BSD-3-Clause
 * Internal structures of the data plane (lib/dp only). */
#ifndef DP_PRIV_H
#define DP_PRIV_H

#include <stdatomic.h>

#include <rte_common.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "dp_wheel.h"
#include "mbl_dp.h"
#include "mbl_rtcp.h"

#define DP_BURST_MAX 256
#define DP_TX_ROUNDS 8          /* TX bursts per loop turn before polling RX */
#define DP_HOUSEKEEP_TURNS 1024 /* loop turns between housekeeping runs */
#define DP_HS_WAIT 32            /* DTLS datagrams held for a next hop */
#define DP_HS_WAIT_NS 500000000ull
#define DP_HS_EARLY 64           /* DTLS datagrams held before their handshake */
#define DP_HS_EARLY_PER 4        /* ... of one stream at most */
#define DP_HS_EARLY_NS 2000000000ull /* held at most this long, then dropped */
#define DP_DISPATCH_RING 16384 /* absorbs an owner descheduled for ms */
#define DP_NOTIFY_RING 1024
#define DP_RTCP_MAX 384         /* bytes of one RTCP compound we send (SR, SDES, XR, NACK, SRTCP) */
#define DP_NACK_Q 32            /* missing SEQs a stream holds until a NACK names them */
#define DP_FB_EARLY 256         /* streams per worker waiting for early feedback */
#define DP_MAX_RXQ 64           /* RX queues one worker may poll */
/* Room dp_build_rtp/dp_build_rtcp may use at buf: headers, the largest
 * payload, and the SRTP/SRTCP trailer (index, MKI, tag). An mbuf's data room
 * (2048 - 128 headroom) and the unit tests' buffers are larger. */
#define DP_FRAME_CAP (MBL_NET_TMPL_MAX + MBL_PAYLOAD_MAX_FRAME + 64)

enum dp_stream_state {
	DP_S_WAIT_NEIGH = 0, /* next hop unresolved: schedule runs, nothing sent */
	DP_S_RUN,
	DP_S_STOPPED,
};

/* TX half of a stream: written only by the owning worker after launch. */
struct __rte_cache_aligned dp_stream {
	struct mbl_net_udp_tmpl tmpl;   /* RTP; built by ctlplane, MAC patched by owner */
	uint64_t frame;                 /* packets built: the probe sequence */
	uint32_t frame_idx;             /* next payload frame, < frames->n_frames */
	bool marker_next;               /* RFC 3550/4733: first packet of a talkspurt */
	uint64_t tx_packets, tx_bytes;
	uint32_t ssrc;
	uint32_t ts;                    /* RTP timestamp of the next audio frame */
	uint32_t dtmf_countdown;        /* ticks until the next digit starts */
	uint16_t seq;
	uint8_t state;                  /* enum dp_stream_state */
	uint8_t pt;                     /* call mode: negotiated PT */
	uint8_t dtmf_next;              /* index into conf.dtmf */
	bool keys_wait;                 /* DTLS-SRTP: no media until DP_MSG_KEYS */
	bool dtls;                      /* DTLS-SRTP stream: DTLS goes to the service */
	bool held;                      /* call mode: RTP withheld (SDP hold, RFC 3264 5.1) */
	bool ice;                       /* STUN goes to the service's ICE agent */
	bool ice_wait;                  /* ICE: no pair selected (or consent lost) */
	struct mbl_dtmf_tx dtmf;
	/* RTCP sender state */
	uint32_t rtcp_octets;           /* SR sender octet count (mod 2^32) */
	uint32_t tx_rtcp;               /* RTCP compound packets sent */
	struct mbl_srtp_ctx *srtp;      /* outbound SRTP, NULL for plain RTP */
	uint32_t last_sr_ntp_mid;       /* middle 32 bits of our last SR's NTP time */
};

/* The worker clock: TSC cycles as ns (mbl_tsc_to_ns). Everything a worker
 * schedules (pacer, neighbour table and its ARP/ND retries, handshake
 * datagrams waiting for a next hop) runs on it. The handshake service and
 * the control plane run on mbl_time_ns (CLOCK_MONOTONIC): the two drift
 * apart with uptime (tens of seconds after hours), so a time of one must
 * never reach a deadline of the other. */
static inline uint64_t dp_now_ns(void)
{
	return mbl_tsc_to_ns(mbl_tsc());
}

/* RX half: written only by the owning worker. */
struct dp_rx {
	struct mbl_srtp_ctx *srtp;      /* inbound SRTP, NULL for plain RTP */
	struct mbl_srtp_ctx *srtp_next; /* rekey: the peer's next key, until used */
	struct mbl_srtp_ctx *srtp_retired; /* the key srtp_next replaced */
	uint32_t srtp_auth_fail, srtp_replay;
	bool srtp_good;                 /* an SRTP packet authenticated */
	struct mbl_rx_seq seq;
	struct mbl_rx_jitter jit;
	uint64_t packets, bytes;
	uint32_t rtcp_packets;          /* RTCP compound packets accepted */
	uint64_t last_ns;               /* arrival of the last RTP packet */
	uint64_t delay_min_ns, delay_max_ns, delay_sum_ns, delay_n;
	uint32_t peer_ssrc;
	bool have_peer;
	/* RTCP receive state (RFC 3550 6.4): the peer's last SR */
	uint32_t peer_sr_mid;           /* middle 32 bits of its NTP timestamp */
	uint64_t peer_sr_arrival_ns;
	uint64_t rr_expected_prior;     /* RFC 3550 A.3 interval accounting */
	uint64_t rr_received_prior;
	uint32_t rtt_us;                /* last RTT from a report block */
	bool have_rtt;
	/* the peer's view of our stream: its last report block about our
	 * SSRC (RFC 3550 6.4.1); tx_seq0 is our first SEQ, set at start */
	uint16_t tx_seq0;
	uint8_t peer_fraction;          /* fraction lost since its previous report, /256 */
	uint32_t peer_reports;          /* report blocks about our SSRC */
	int32_t peer_lost;              /* cumulative number lost (signed 24 bits) */
	uint32_t peer_ext_seq;          /* extended highest sequence number received */
	uint32_t peer_jitter_ts;        /* interarrival jitter, timestamp units */
	/* its RTCP XR about our stream (RFC 3611) */
	uint32_t peer_xr;               /* XR packets with a block about our SSRC */
	uint64_t peer_xr_lost, peer_xr_dup; /* statistics summaries, summed */
	bool peer_has_voip;
	struct mbl_rtcp_xr_voip peer_voip; /* its last VoIP metrics block */
	/* our XR of its stream (conf.rtcp_xr): the interval since our last
	 * report (begin SEQ, duplicates before it, |D| statistics) and the
	 * burst/gap model of the whole stream */
	int64_t xr_begin_ext;
	uint64_t xr_dup_prior;
	uint32_t jd_min, jd_max, jd_n;  /* |D| of RFC 3550 6.4.1, timestamp units */
	uint64_t jd_sum, jd_sq;
	struct mbl_rtcp_burst burst;
	/* generic NACK (RFC 4585 6.2.1) when negotiated: missing SEQs not yet
	 * named, and the early-feedback state of 3.5.2 */
	bool nack;
	bool fb_allow_early;            /* no early packet since the last regular one */
	bool fb_queued;                 /* in the worker's fb_early list */
	uint8_t nack_n;
	uint16_t nack_q[DP_NACK_Q];
};

struct dp_neigh_msg {              /* notify ring element: a learnt neighbor */
	uint8_t ip[16];
	uint8_t mac[6];
	uint8_t pad[2];
};

struct dp_worker {
	/* ctlplane: rw before launch, ro after; dataplane: ro */
	struct mbl_dp *dp;
	unsigned idx, lcore;
	uint16_t txq;
	uint16_t rxq[DP_MAX_RXQ];       /* RX queues this worker polls: q % workers == idx */
	uint16_t nrxq;
	uint32_t first, n;              /* owned streams [first, first + n) */
	struct rte_ring *dispatch;      /* mbufs from other workers (MP/SC) */
	struct rte_ring *notify;        /* dp_neigh_msg from other workers */
	struct rte_ring *ctl;           /* struct dp_msg * from the control plane */
	struct rte_ring *ctl_done;      /* applied dp_msg back to it (SP/SC) */
	struct rte_ring *hs_rx;         /* DTLS datagrams to the handshake service */
	struct rte_ring *hs_tx;         /* DTLS datagrams from it, to be framed */
	/* DTLS datagrams whose next hop is being resolved (ARP / ND): a
	 * call's first flight would otherwise wait a retransmission timeout */
	struct rte_mbuf *hs_wait[DP_HS_WAIT];
	uint64_t hs_wait_until[DP_HS_WAIT]; /* ns: then dropped */
	uint16_t n_hs_wait;

	/* dataplane: rw; ctlplane: ro (live views may be slightly stale) */
	struct mbl_dp_counters c __rte_cache_aligned;
	struct mbl_hist lateness;       /* TSC cycles */
	struct mbl_hist delay;          /* ns */
	struct dp_ended {               /* call mode: receive figures of stopped streams */
		uint64_t lost, expected, duplicates, reordered, resyncs, receiving;
		double jitter_sum_ms;
		struct mbl_hist jitter_us;
		/* the peer's view (report blocks), RTT */
		uint64_t peer_streams, peer_expected;
		int64_t peer_lost;
		struct mbl_hist peer_jitter_us, rtt_us;
		struct mbl_dp_peer_xr_sum peer_xr;
	} ended;
	uint64_t last_rx_ns;            /* last RTP/RTCP arrival */
	uint64_t rx_last_poll;          /* TSC of the previous RX poll */
	uint64_t rx_stall_tsc;          /* conf.rx_stall_us in TSC; 0 = off */
	bool rx_uncertain;              /* this burst's poll time is no arrival time */
	bool arr_port;                  /* the frame in hand has the port's stamp: */
	uint64_t arr_ns;                /* its arrival, ns in the port's clock */
	bool rx_prev_full;              /* the previous poll returned a full burst */
	struct dp_wheel wheel;          /* RTP schedule, local indices */
	struct dp_wheel rtcp_wheel;     /* RTCP schedule, local indices */
	uint32_t fb_early[DP_FB_EARLY]; /* streams (global) with a NACK to send early */
	uint16_t n_fb_early;
	struct mbl_neigh_table *neigh;
	uint64_t ptime_tsc, rtcp_tsc;
	uint32_t rng;                   /* RTCP interval randomisation */
	struct rte_mbuf *txb[DP_BURST_MAX]; /* built, not yet handed to the PMD */
	/* cryptodev RX: SRTP packets of this RX burst, unprotected together */
	struct rte_mbuf *srx_m[DP_BURST_MAX];
	uint32_t srx_stream[DP_BURST_MAX];
	uint16_t srx_off[DP_BURST_MAX];
	uint16_t nsrx;
	uint64_t txs[DP_BURST_MAX];     /* their scheduled TSC; 0 = control frame */
	uint16_t ntx;
	uint64_t tx_first;              /* TSC when txb[0] was queued */
	uint64_t coalesce_tsc;
	struct rte_mempool_cache *mp_cache; /* this lcore's pool cache, looked up once */

	/* ctlplane: rw; dataplane: ro (C11 atomics) */
	atomic_int tx_on __rte_cache_aligned;
	atomic_int run;
};

struct mbl_dp {
	/* ctlplane: rw before launch; everyone: ro after */
	struct mbl_dp_conf conf;
	uint16_t port_id;
	struct rte_mempool *pool;
	uint8_t mac[6];
	int csum_mode;                  /* enum mbl_net_csum_mode */
	bool srtp_burst;                /* TX SRTP through the cryptodev burst API */
	bool srtp_rx_burst;             /* RX SRTP likewise (cryptodev engine) */
	bool rx_cksum_hw;
	/* the port's receive timestamps (mbl_port rx_ts_*): dynfield offset,
	 * or -1 when jitter takes the poll time; ns = (ticks * mult) >> 32 */
	int rx_ts_off;
	uint64_t rx_ts_flag;
	uint64_t rx_ts_mult;
	uint32_t dtmf_ticks;            /* ticks between digit starts */
	uint32_t ts_step;
	struct dp_stream *s;            /* [streams]: TX half */
	struct dp_rx *r;                /* [streams]: RX half */
	struct mbl_net_udp_tmpl *rtcp_tmpl; /* [streams] when RTCP is not muxed */
	unsigned n_workers;
	uint32_t per_worker;            /* streams per worker block (last may be short) */
	struct dp_worker *w;            /* [n_workers], cache aligned */
	bool launched;
	unsigned ctl_inflight;          /* ctlplane only: messages not reaped */
	uint8_t *busy;                  /* ctlplane only, call mode: slot in a call */
	uint8_t (*nexthop)[16];         /* call mode: [streams]; owner rw after START */
	struct dp_hs *hs;               /* DTLS-SRTP handshake service, or NULL */
	mbl_dp_result_fn result_fn;     /* ctlplane */
	void *result_arg;
	/* call mode: figures of ended calls, owner-written per worker below */
};

/* Control-plane -> worker messages (DESIGN.md: one ring per lcore). The
 * control plane allocates a message, the owning worker applies it between
 * packets and hands it back on ctl_done with whatever it replaced, and the
 * control plane frees both (mbl_dp_ctl_reap): the worker never allocates
 * or frees. */
#define DP_MSG_LIST(X)                                                         \
	X(REKEY_TX, "switch the stream's outbound key at the next packet")    \
	X(REKEY_RX, "hold the peer's next key beside the current one")       \
	X(START, "call mode: start a slot with a call's addresses and keys")   \
	X(STOP, "call mode: stop a slot and report what it did")              \
	X(KEYS, "DTLS-SRTP: install the keys a stream's handshake exported") \
	X(SEND, "call mode: stop or resume a slot's RTP (hold), RTCP goes on") \
	X(ICE, "ICE: the agent selected a pair (media may flow) or lost it")

#define DP_MSG_ENUM_(n, d) DP_MSG_##n,
enum dp_msg_type { DP_MSG_LIST(DP_MSG_ENUM_) DP_MSG_MAX };
#undef DP_MSG_ENUM_

struct dp_msg {
	enum dp_msg_type type;
	uint32_t stream;
	struct mbl_srtp_ctx *ctx;       /* new context (the worker takes it) */
	struct mbl_srtp_ctx *ctx_rx;    /* START: the inbound one */
	struct mbl_srtp_ctx *old[4];    /* replaced contexts (the ctlplane frees) */
	int rc;                         /* 0, or -errno: ctx not taken */
	/* START */
	struct mbl_net_udp_tmpl tmpl, rtcp_tmpl;
	uint8_t nexthop[16];
	uint32_t ssrc;
	uint8_t pt;
	bool nack;                      /* START: send generic NACKs */
	bool dtls;                      /* no media until KEYS */
	bool send_on;                   /* SEND; ICE: a pair is selected */
	bool ice;                       /* START: no media before ICE selects */
	/* STOP: filled by the worker */
	struct mbl_dp_stream_result res;
};

#define DP_CTL_RING 16384
#define DP_CTL_TURNS 64 /* loop turns between control-ring polls */

/* dp_ctl.c */
void dp_ctl_poll(struct dp_worker *w);
/* Apply one message (the worker side of dp_ctl_poll; tests call it). */
void dp_ctl_apply(struct dp_worker *w, struct dp_msg *m);
void dp_ctl_drain(struct mbl_dp *dp); /* workers stopped: free queued messages */

/* dp_dtls.c: the worker side of the handshake service (hs_rx / hs_tx), and
 * the control-plane side's per-stream connections; dp_ice.c: ICE on it */
#define DP_HS_RING 4096

/* What an mbuf on hs_rx / hs_tx carries (mbuf packet_type, ours there). */
enum dp_hs_kind { DP_HS_DTLS = 0, DP_HS_STUN = 1 };

/* Prepended to a STUN datagram on the rings: its source (hs_rx) or
 * destination (hs_tx). */
struct dp_hs_addr {
	uint8_t ip[16];                 /* v4-mapped for IPv4 */
	uint16_t port;
	uint8_t family;                 /* 4 or 6 */
	uint8_t pad;
};

/* One call slot's handshake-service state. Control plane only. */
struct dp_hs_conn {
	struct mbl_dtls_conn *c;        /* DTLS-SRTP, or NULL */
	struct mbl_ice_agent *ice;      /* ICE, or NULL */
	struct mbl_dp *dp;              /* for the agent's send callback */
	uint64_t deadline;              /* DTLS: next tick (service clock); 0: now */
	uint64_t ice_deadline;          /* ICE: next mbl_ice_poll */
	uint64_t expect_until;          /* before it opens: hold datagrams until then */
	uint32_t stream;
	uint32_t ssrc;                  /* the stream's outbound SSRC */
	uint32_t apos;                  /* index in hs->active + 1; 0: not active */
	bool started;                   /* mbl_dtls_conn_start done */
	bool finished;                  /* DTLS reported (keys posted, or failed) */
	bool ice_up;                    /* ICE selected a pair: DTLS may start */
	bool ice_done;                  /* ICE failed and was reported */
	bool dtls_client;               /* our DTLS role is client (a=setup:active) */
};

/* A datagram that came before its stream's handshake or agent existed. */
struct dp_hs_early {
	struct rte_mbuf *m;
	uint64_t until;                 /* service clock: dropped then */
	uint32_t stream;
};

struct dp_hs {
	struct dp_hs_conn *conn;        /* [streams] */
	struct dp_hs_early early[DP_HS_EARLY];
	uint32_t n_early;
	uint32_t *active;               /* streams with a handshake or agent to drive */
	uint32_t n_active;
	mbl_dp_dtls_fn fn;
	void *arg;
	mbl_dp_ice_fn ice_fn;
	void *ice_arg;
	struct mbl_dp_dtls_stats st;
	struct mbl_dp_ice_stats ice_st; /* counters of closed agents */
};

void dp_hs_active_add(struct dp_hs *hs, uint32_t s);
void dp_hs_active_del(struct dp_hs *hs, uint32_t s);
/* Hand one datagram to the owner's hs_tx ring (kind, dst for STUN);
 * false when no mbuf or the ring is full. */
bool dp_hs_send(struct mbl_dp *dp, uint32_t s, enum dp_hs_kind kind,
		const struct dp_hs_addr *dst, const uint8_t *d, size_t len);
/* Leave the active list when nothing is left to drive on slot s. */
void dp_hs_settled(struct mbl_dp *dp, uint32_t s);

/* dp_dtls.c, service side: the slot's connection */
int dp_dtls_open(struct mbl_dp *dp, uint32_t stream, const struct mbl_dp_media *m,
		 uint32_t ssrc, char *err, size_t errlen);
void dp_dtls_input(struct mbl_dp *dp, uint32_t s, struct rte_mbuf *m, uint64_t now);
void dp_dtls_tick(struct mbl_dp *dp, uint32_t s, uint64_t now);
/* ICE selected a pair: the connection may start (see dp_dtls_open). */
void dp_dtls_go(struct mbl_dp *dp, uint32_t s, uint64_t now);

/* dp_ice.c */
void dp_stun_rx(struct dp_worker *w, struct rte_mbuf *m, const struct mbl_net_info *ni,
		uint32_t stream);
/* The owner: a STUN datagram of the service to frame; false to wait. */
bool dp_stun_send(struct dp_worker *w, struct rte_mbuf *m);
int dp_ice_open(struct mbl_dp *dp, uint32_t stream, const struct mbl_dp_media *m, char *err,
		size_t errlen);
void dp_ice_close(struct mbl_dp *dp, uint32_t stream);
void dp_ice_input(struct mbl_dp *dp, uint32_t stream, struct rte_mbuf *m, uint64_t now);
void dp_ice_tick(struct mbl_dp *dp, uint32_t stream, uint64_t now);
void dp_dtls_rx(struct dp_worker *w, struct rte_mbuf *m, uint16_t off, uint16_t len,
		uint32_t stream);
void dp_dtls_tx_poll(struct dp_worker *w);
int dp_hs_create(struct mbl_dp *dp);
void dp_hs_free(struct mbl_dp *dp);
int dp_hs_open(struct mbl_dp *dp, uint32_t stream, const struct mbl_dp_media *m, uint32_t ssrc,
	       char *err, size_t errlen);
void dp_hs_close(struct mbl_dp *dp, uint32_t stream);
int dp_ctl_post(struct mbl_dp *dp, struct dp_msg *m);

/* Checksum offload fields of an mbuf framed with t (csum_mode OFFLOAD). */
static inline void dp_tx_offload(const struct mbl_dp *dp, struct rte_mbuf *m,
				 const struct mbl_net_udp_tmpl *t)
{
	m->ol_flags = 0;
	if (dp->csum_mode != MBL_NET_CSUM_OFFLOAD)
		return;
	m->l2_len = t->l3_off;
	m->l3_len = (uint16_t)(t->l4_off - t->l3_off);
	m->ol_flags = RTE_MBUF_F_TX_UDP_CKSUM |
		      (t->family == 4 ? RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM
				      : RTE_MBUF_F_TX_IPV6);
}

/* dp_tx.c: whether stream gi may send now (next hop known: its MAC goes
 * into the template; else resolution starts, on the worker clock) */
bool dp_stream_ready(struct dp_worker *w, uint32_t gi);
/* dp_tx.c: frame payload m (data at its data_off) with t and queue it */
void dp_tx_udp_mbuf(struct dp_worker *w, struct rte_mbuf *m, const struct mbl_net_udp_tmpl *t);

/* dp_map.c: stream <-> addresses */
void dp_stream_local(const struct mbl_dp_conf *c, uint32_t i, uint8_t ip[16], uint16_t *port);
void dp_stream_remote(const struct mbl_dp_conf *c, uint32_t i, uint8_t ip[16], uint16_t *port);
/* Stream index for a packet to (local ip, local port); -1 none. *rtcp set
 * when the port is the stream's RTCP port (rtcp_mux off). */
int64_t dp_stream_lookup(const struct mbl_dp_conf *c, const uint8_t ip[16], uint16_t port,
			 bool *rtcp);
void dp_stream_nexthop(const struct mbl_dp_conf *c, uint32_t i, uint8_t ip[16]);

static inline struct dp_worker *dp_owner(const struct mbl_dp *dp, uint32_t stream)
{
	return &dp->w[stream / dp->per_worker];
}

/* dp_tx.c */
/* Returns the frame length, or 0 when SRTP protect failed (nothing to send). */
uint16_t dp_build_rtp(struct mbl_dp *dp, struct dp_stream *s, uint32_t idx, uint8_t *buf,
		      uint64_t now_ns, bool *is_dtmf);
void dp_tx_poll(struct dp_worker *w, uint64_t now);
/* One packet time of a held stream (call on hold): timestamp only. */
void dp_tx_held(const struct mbl_dp *dp, struct dp_stream *s);
void dp_tx_flush(struct dp_worker *w, uint64_t now);
int dp_tx_frame(struct dp_worker *w, const uint8_t *frame, uint16_t len);
void dp_rtcp_poll(struct dp_worker *w, uint64_t now);
/* What one compound carried besides SR and SDES (for the counters). */
struct dp_rtcp_sent {
	bool xr;
	unsigned nack_seqs;             /* SEQs its NACK named, 0: no NACK */
};
/* Stream idx's RTCP compound after its template at buf, built at now_ns:
 * SR (with a report block once the peer is heard), SDES CNAME, XR when
 * conf.rtcp_xr, a NACK of the missing SEQs queued when negotiated. Returns
 * the frame length, 0 when SRTCP failed. sent may be NULL. Owner worker. */
uint16_t dp_build_rtcp(struct mbl_dp *dp, uint32_t idx, uint8_t *buf, uint64_t now_ns,
		       struct dp_rtcp_sent *sent);

/* dp_rx.c */
void dp_rx_frame(struct dp_worker *w, struct rte_mbuf *m, uint64_t now_ns);
/* Takes p writable: SRTP is unprotected in place. */
void dp_rx_udp_payload(struct dp_worker *w, uint32_t stream, bool rtcp, uint8_t *p,
		       uint32_t len, uint64_t now_ns);
int dp_neigh_send_req(void *arg, const uint8_t ip[16]);
void dp_notify_poll(struct dp_worker *w);
/* Unprotect and account the SRTP packets rx_udp set aside this burst. */
void dp_rx_srtp_flush(struct dp_worker *w, uint64_t now_ns);

/* NTP timestamp (RFC 3550 4) of a monotonic ns time: the data plane's own
 * clock, good for RTT (both ends of the subtraction are ours). */
/* dp_view.c: r's peer view (zeroed when the peer sent no report on it) */
void dp_peer_view(const struct mbl_dp *dp, const struct dp_rx *r, struct mbl_dp_peer_view *v);
/* Add one stream's XR view to a sum (live totals and ended streams alike). */
void dp_peer_xr_add(struct mbl_dp_peer_xr_sum *s, const struct mbl_dp_peer_view *v);
/* G.107 R of the run's codec for these figures (mbl_dp_mos is its MOS). */
double dp_emodel_r(const struct mbl_dp *dp, double loss_pct, double delay_ms, double jitter_ms);

static inline uint64_t dp_ns_to_ntp(uint64_t ns)
{
	uint64_t sec = ns / MBL_NS_PER_S, frac = ns % MBL_NS_PER_S;

	return (sec << 32) | ((frac << 32) / MBL_NS_PER_S);
}

#endif /* DP_PRIV_H */
