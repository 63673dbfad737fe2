/* SPDX-License-Identifier: BSD-3-Clause
 * mediablast data plane: poll-mode worker lcores that pace RTP/RTCP for
 * their streams with a timer wheel, answer ARP / ND / ICMP echo for the
 * media addresses, and measure everything they receive.
 *
 * Ownership: every stream belongs to exactly one worker (a contiguous block
 * of stream indices). The control plane builds everything in mbl_dp_create(),
 * launches the workers, then only reads counters (plain loads of values only
 * their worker writes: a console may see a value a few ns old, never a torn
 * one on x86-64) and flips the run state. Final numbers are read after
 * mbl_dp_join(), when no worker runs.
 */
#ifndef MBL_DP_H
#define MBL_DP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mbl_common.h"
#include "mbl_dtls.h"
#include "mbl_net.h"
#include "mbl_rtp.h"
#include "mbl_srtp.h"
#include "mbl_stats.h"
#include "mbl_stun.h"

struct mbl_port;

enum mbl_dp_payload {
	MBL_DP_PAYLOAD_TONE,  /* precomputed frames (tone or file) */
	MBL_DP_PAYLOAD_PROBE, /* stream id, seq, TX ns + checked filler */
};

/* What the data plane needs, translated from the scenario by the app. */
struct mbl_dp_conf {
	struct mbl_ip_range local;   /* media IPs this instance owns */
	struct mbl_ip_range remote;  /* peers' media IPs */
	uint8_t gateway[16];         /* next hop for every remote if has_gateway */
	bool has_gateway;
	uint8_t remote_mac[6];       /* static next hop if has_remote_mac */
	bool has_remote_mac;
	uint16_t vlan;
	uint8_t dscp;
	uint16_t local_port, remote_port, port_step;
	uint32_t streams;
	const struct mbl_codec *codec;
	uint8_t pt;
	uint16_t ptime_ms;
	enum mbl_dp_payload payload;
	const struct mbl_payload *frames; /* TONE: frames (tone or file); owned by caller */
	uint16_t probe_len;          /* PROBE: payload bytes per packet */
	char dtmf[64];               /* digits sent in turn; "" none */
	uint32_t dtmf_interval_ms;
	uint16_t dtmf_duration_ms;
	uint8_t dtmf_pt;
	bool rtcp;
	bool rtcp_mux;
	bool rtcp_xr;                /* RFC 3611 statistics summary + VoIP metrics */
	bool nack;                   /* media-only runs: every stream sends NACKs */
	uint32_t rtcp_interval_ms;
	uint32_t ssrc_seed;
	uint32_t start_spread_ms;    /* 0: spread over one ptime */
	uint32_t rx_timeout_ms;
	uint32_t rx_stall_us;        /* RX poll gap beyond which arrival times are unknown */
	uint16_t burst;
	uint32_t tx_coalesce_us;     /* hold TX up to this long (0: flush each turn) */
	/* SRTP (RFC 3711): the same master key for every stream of a direction */
	bool srtp_tx, srtp_rx;
	enum mbl_srtp_engine srtp_engine;
	struct mbl_srtp_key tx_key, rx_key; /* secret: never logged */
	bool srtp_rx_next;           /* rx_key_next held from the start (rekey) */
	struct mbl_srtp_key rx_key_next;
	bool srtp_rx_auth_only;      /* verify tags, leave payloads encrypted */
	bool idle_sleep;             /* sleep when idle (shared cores) */
	/* Call mode: streams are slots that start idle; the call engine starts
	 * and stops each one with mbl_dp_stream_start/stop (remote address, PT
	 * and keys from SDP). Local addresses/ports are still the formula's
	 * (mbl_dp_stream_local), remote/remote_port are unused. */
	bool dynamic;
	/* Call mode, DTLS-SRTP (RFC 5764): the endpoint context (borrowed; it
	 * must outlive the data plane) or NULL when no call may use DTLS, and
	 * the limit of one handshake (0: 10 s). */
	struct mbl_dtls_ctx *dtls;
	uint64_t dtls_timeout_ns;
	/* Call mode, ICE (RFC 8445): calls may run an agent (the handshake
	 * service then exists even without DTLS) */
	bool ice;
};

/* Data-plane counters: one X-macro list gives the struct fields, the report
 * keys and the telemetry keys. */
#define MBL_DP_COUNTER_LIST(X)                                                 \
	X(tx_packets)      /* RTP packets the PMD accepted (audio + DTMF) */   \
	X(tx_bytes)        /* UDP payload bytes of RTP packets built */        \
	X(tx_dtmf)         /* RFC 4733 event packets among them */             \
	X(tx_rtcp)         /* RTCP compounds sent */                           \
	X(tx_refused)      /* packets the PMD did not take (freed) */          \
	X(tx_nombuf)       /* packets not built: mempool empty */              \
	X(tx_wait_neigh)   /* packet times skipped: next hop unresolved */     \
	X(rx_frames)       /* frames received on the port */                   \
	X(rx_rtp)          /* RTP packets accepted for a stream */             \
	X(rx_rtp_bytes)    /* their UDP payload bytes */                       \
	X(rx_dtmf)         /* RFC 4733 event packets among them */             \
	X(rx_rtcp)         /* RTCP compounds accepted */                       \
	X(rx_probe_ok)     /* probe payloads verified intact */                \
	X(rx_timing_skipped) /* RTP kept out of jitter/delay: arrival unknown */ \
	X(rx_timed_port)   /* RTP whose jitter took the port's RX timestamp */ \
	X(rx_timed_poll)   /* RTP whose jitter took the poll time of its burst */ \
	X(rx_nack)         /* RFC 4585 generic NACK messages about our streams */ \
	X(rx_nack_packets) /* sequence numbers those NACKs asked for again */ \
	X(rx_pli)          /* picture loss indications (RFC 4585 6.3.1) */ \
	X(rx_fir)          /* full intra requests (RFC 5104 4.3.1) */ \
	X(rx_xr)           /* RTCP XR packets with a block about our streams */ \
	X(rx_xr_bad)       /* XR packets whose block lengths overran (ignored) */ \
	X(tx_xr)           /* RTCP XR packets sent (RFC 3611, media.rtcp_xr) */ \
	X(tx_nack)         /* generic NACKs sent (RFC 4585 6.2.1) */          \
	X(tx_nack_seqs)    /* sequence numbers they named */                  \
	X(tx_rtcp_early)   /* of tx_rtcp: early feedback compounds (3.5.2) */ \
	X(nack_unsent)     /* missing SEQs never named: queue full or gap too big */ \
	X(rx_ssrc_change)  /* a stream's peer changed SSRC (state reset) */    \
	X(rx_dispatched)   /* handed to the owning worker */                   \
	X(arp_reply_tx)                                                        \
	X(arp_request_tx)                                                      \
	X(nd_tx)                                                               \
	X(icmp_echo_reply)                                                     \
	X(neigh_learned)                                                       \
	X(srtp_protect_fail) /* packets not sent: SRTP protect failed */      \
	X(srtp_rekey_tx)   /* streams switched to a new outbound key */        \
	X(srtp_rekey_rx)   /* streams whose peer's next key took over */       \
	X(srtp_late_start) /* streams whose peer started at ROC 1 (mbl_srtp.h) */ \
	X(ctl_msgs)        /* control messages applied */                     \
	X(streams_started) /* call mode: streams started */                   \
	X(streams_stopped) /* call mode: streams stopped */                   \
	X(dtls_rx)         /* DTLS datagrams handed to the handshake service */ \
	X(dtls_tx)         /* DTLS datagrams sent for it */                    \
	X(dtls_keyed)      /* streams that got their DTLS-SRTP keys */ \
	X(stun_rx)         /* STUN datagrams handed to the stream's ICE agent */ \
	X(stun_tx)         /* STUN datagrams sent for it */                    \
	X(ice_selected)    /* streams whose ICE agent selected a pair */       \
	X(tx_held)         /* call mode: packet times not sent: call on hold */

/* Drop reasons owned by the data plane (the net and rtp layers have their
 * own lists; the report merges all three under media.dropped). */
#define MBL_DP_DROP_LIST(X)                                                    \
	X(unknown_stream, "UDP to a local address/port that is no stream")    \
	X(not_local, "IP packet for an address this instance does not own")   \
	X(non_media, "other protocol or ethertype (not an error by itself)")   \
	X(stun_unhandled, "STUN on a media port of a call without ICE")        \
	X(stun_tx_other_addr, "STUN to an address other than the stream's peer") \
	X(ice_pending, "RTP/RTCP before the stream's ICE agent selected a pair") \
	X(dtls_unhandled, "DTLS for a stream that does not run DTLS-SRTP")    \
	X(dtls_ring_full, "DTLS datagram: the handshake service is behind")   \
	X(dtls_tx_failed, "DTLS datagram not sent: no next hop or no mbuf")   \
	X(keys_pending, "RTP/RTCP before the stream's DTLS-SRTP keys")        \
	X(demux_unknown, "UDP payload neither RTP, RTCP, STUN nor DTLS")       \
	X(probe_corrupt, "probe payload failed its integrity check")           \
	X(wrong_pt, "RTP payload type neither the codec's nor DTMF's")          \
	X(dispatch_full, "owning worker's dispatch ring was full")            \
	X(srtp_auth_fail, "SRTP/SRTCP authentication tag did not verify")     \
	X(srtp_replay, "SRTP/SRTCP replayed or too old (RFC 3711 3.3.2)")     \
	X(srtp_malformed, "SRTP/SRTCP too short or unparsable")               \
	X(srtp_other, "SRTP/SRTCP refused for another reason (SSRC, key)")  \
	X(stream_idle, "media for a call slot not (or no longer) in a call")

#define MBL_DP_DROP_ENUM_(n, d) MBL_DP_DROP_##n,
enum mbl_dp_drop { MBL_DP_DROP_LIST(MBL_DP_DROP_ENUM_) MBL_DP_DROP_MAX };
#undef MBL_DP_DROP_ENUM_
extern const char *const mbl_dp_drop_names[MBL_DP_DROP_MAX];

#define MBL_DP_CNT_FIELD_(n) uint64_t n;
struct mbl_dp_counters {
	MBL_DP_COUNTER_LIST(MBL_DP_CNT_FIELD_)
	uint64_t drop_net[MBL_NET_DROP_MAX];
	uint64_t drop_rtp[MBL_RTP_DROP_MAX];
	uint64_t drop_dp[MBL_DP_DROP_MAX];
};
#undef MBL_DP_CNT_FIELD_

/* Aggregates over all workers (and streams, for the receive side). */
/* The far end's RTCP XR about our streams, summed over streams. */
struct mbl_dp_peer_xr_sum {
	uint64_t streams;               /* streams it sent VoIP metrics about */
	uint64_t lost, dup;             /* its statistics summaries */
	struct mbl_hist mos_cq10;       /* per stream, its MOS-CQ x 10 */
	struct mbl_hist r;              /* per stream, its R factor */
};

struct mbl_dp_totals {
	struct mbl_dp_counters c;
	uint64_t rx_lost;            /* sum of per-stream lost (clamped) */
	uint64_t rx_expected;
	uint64_t rx_duplicates;
	uint64_t rx_reordered;
	uint64_t rx_resyncs;
	uint32_t streams;
	uint32_t streams_running;    /* next hop resolved, sending */
	uint32_t streams_receiving;  /* got at least one RTP packet */
	uint32_t streams_silent;     /* nothing within rx_timeout of the end */
	double jitter_mean_ms;       /* mean over receiving streams */
	double rtt_mean_ms;          /* from RTCP, over streams that have one */
	struct mbl_hist lateness_tsc; /* pacer: actual TX minus schedule */
	struct mbl_hist delay_ns;     /* probe one-way delay */
	struct mbl_hist jitter_us;    /* per-stream mean jitter (us) */
	struct mbl_hist rtt_us;       /* per-stream last RTCP RTT */
	/* the far end's view (mbl_dp_peer_view) summed over the streams it
	 * reported on */
	uint32_t peer_streams;
	int64_t peer_lost;
	uint64_t peer_expected;
	struct mbl_hist peer_jitter_us; /* per stream, the jitter it measured */
	struct mbl_dp_peer_xr_sum peer_xr;
};

/* Jitter and one-way delay rest on the packets whose arrival time is
 * known (the port's stamp, or a poll that came without a gap): the share
 * of those among the RTP packets that were jitter samples, in percent (100
 * when there were none). Below MBL_DP_TIMED_FLOOR_PCT the figures are not
 * trusted: the report and console say so and the verdict counts them as
 * not measured (docs/report.md). */
#define MBL_DP_TIMED_FLOOR_PCT 90.0
double mbl_dp_timed_share_pct(const struct mbl_dp_totals *t);

struct mbl_dp;

/* Cross-checks that need no port or lcore (port space, RTCP ports, address
 * families, probe size). Returns 0 or -EINVAL with err naming the key.
 * Control plane, before EAL if wanted. */
int mbl_dp_conf_check(const struct mbl_dp_conf *conf, char *err, size_t errlen);

/* Build the data plane for port p on the given worker lcores (one RX and one
 * TX queue each: queue i for worker i; p must have at least n_lcores TX
 * queues; RX queues beyond p->nb_rxq are simply not polled). Allocates and
 * fills every stream. Control plane, before launch. Returns NULL with err
 * filled (and errno set) on failure. */
struct mbl_dp *mbl_dp_create(const struct mbl_dp_conf *conf, const struct mbl_port *p,
			     const unsigned *lcores, unsigned n_lcores, char *err, size_t errlen);

/* Start every worker's poll loop (rte_eal_remote_launch). Returns 0 or
 * -errno. */
int mbl_dp_launch(struct mbl_dp *dp);

/* Stop generating (RTP and RTCP); receivers keep running. */
void mbl_dp_stop_tx(struct mbl_dp *dp);
/* ns since the last received RTP/RTCP packet on any worker. */
uint64_t mbl_dp_rx_idle_ns(const struct mbl_dp *dp);
/* Stop the poll loops and wait for them. */
void mbl_dp_join(struct mbl_dp *dp);
void mbl_dp_free(struct mbl_dp *dp);

/* Sum everything into *t. Exact after mbl_dp_join(); a live, slightly
 * racy view before (console, telemetry). with_streams false skips the
 * per-stream walk (cheap live view: no loss/jitter fields). */
void mbl_dp_totals(const struct mbl_dp *dp, struct mbl_dp_totals *t, bool with_streams);

/* Write "media" and "pacing" objects of the JSON report. */
void mbl_dp_report_json(const struct mbl_dp *dp, const struct mbl_dp_totals *t,
			struct mbl_json *j);

/* One stream's state as text fields, for telemetry. Returns -ENOENT past
 * the last stream. */
/* ---- control messages (control plane -> owning worker) ------------------ */

/* Rekey stream's outbound (tx) or inbound (!tx) SRTP with k, without losing
 * a packet: outbound switches at the next packet the worker builds and the
 * SRTP index goes on; inbound holds k beside the current key until the
 * peer's first packet under k authenticates. Creates the context here
 * (allocation stays on the control plane) and queues it to the owner.
 * Returns 0, -ENOBUFS (the owner's ring is full: reap, retry), -EINVAL (no
 * such stream, or it has no SRTP that way), or the context error with err
 * filled. Control plane only; keys never reach err. */
int mbl_dp_rekey(struct mbl_dp *dp, uint32_t stream, bool tx, const struct mbl_srtp_key *k,
		 char *err, size_t errlen);
/* Call mode (conf.dynamic). What one call's media needs, from SDP. */
struct mbl_dp_media {
	uint8_t remote_ip[16];       /* family of conf.local */
	uint16_t remote_port;
	uint16_t remote_rtcp_port;   /* 0: remote_port + 1 (ignored when muxed) */
	uint8_t pt;                  /* negotiated audio payload type */
	bool nack;                   /* a=rtcp-fb nack agreed (AVPF): send NACKs */
	bool srtp_tx, srtp_rx;       /* SDES (or DTLS-exported) keys below */
	struct mbl_srtp_key tx_key, rx_key; /* secret */
	uint32_t ssrc;               /* 0: one derived from the slot and seed */
	/* DTLS-SRTP instead of SDES: no media until the handshake on this
	 * stream's port exports the keys (conf.dtls must be set, RTCP muxed). */
	bool dtls;
	enum mbl_dtls_role dtls_role; /* a=setup:active is the client */
	char fp_alg[8];              /* the peer's SDP fingerprint */
	char fp[MBL_DTLS_FP_LEN];
	/* ICE instead of sending at once (conf.ice must be set): the stream's
	 * agent runs on the handshake service; no DTLS and no RTP before it
	 * selects a pair, and media stops when consent is lost (RFC 7675). */
	bool ice;
	bool ice_lite;               /* our agent is lite (answers checks only) */
	bool ice_offerer;            /* we sent the offer (RFC 8445 6.1.1 roles) */
	bool ice_peer_lite;          /* the peer wrote a=ice-lite */
	char ice_ufrag[MBL_ICE_UFRAG_LEN + 1], ice_pwd[MBL_ICE_PWD_LEN + 1]; /* ours */
	char ice_rufrag[MBL_ICE_CRED_MAX + 1], ice_rpwd[MBL_ICE_CRED_MAX + 1];
	struct mbl_dp_ice_cand {     /* the peer's a=candidate lines, component 1 */
		char foundation[MBL_ICE_FOUNDATION_MAX + 1];
		uint32_t priority;
		char ip[48];             /* text, IPv4 or IPv6 */
		uint16_t port;
		uint8_t type;            /* enum mbl_ice_cand_type */
	} ice_cand[MBL_ICE_MAX_SDP_CANDS];
	unsigned n_ice_cand;
};

/* What a stopped stream did during its call (handed back on reap). */
/* The far end's view of one of our streams: the last RTCP report block it
 * sent about our SSRC (RFC 3550 6.4.1). reports == 0: it sent none. */
struct mbl_dp_peer_view {
	uint32_t reports;            /* report blocks received about our SSRC */
	int64_t lost;                /* its cumulative number of packets lost */
	uint64_t expected;           /* its extended highest SEQ - our first SEQ + 1 */
	double fraction_lost_pct;    /* its loss in the interval before that report */
	double jitter_ms;            /* the interarrival jitter it measured */
	/* its RTCP XR (RFC 3611) about our stream, when it sends them */
	uint32_t xr_reports;         /* XR packets with a block about us */
	uint64_t xr_lost, xr_dup;    /* statistics summaries, summed over intervals */
	bool has_voip;               /* a VoIP metrics block came; its last: */
	double xr_loss_pct, xr_discard_pct, xr_burst_density_pct, xr_gap_density_pct;
	int r_factor;                /* 0..100, -1 unavailable */
	double mos_cq, mos_lq;       /* 1..5, 0 unavailable */
};

struct mbl_dp_stream_result {
	uint32_t stream;
	uint64_t tx_packets, rx_packets, lost;
	uint64_t tx_bytes, rx_bytes; /* their UDP payload bytes */
	uint32_t tx_rtcp, rx_rtcp;   /* RTCP compound packets sent, accepted */
	uint32_t srtp_auth_fail;
	double jitter_mean_ms;
	double delay_mean_ms;        /* one-way (probe payloads), 0 = none measured */
	struct mbl_dp_peer_view peer;
	double rtt_ms;               /* last RTT from RTCP; < 0 = none */
	void *user;                  /* as given to mbl_dp_stream_stop */
};

/* Start slot stream (idle) with m: contexts and headers are made here, the
 * owner starts sending within one ptime. Returns 0, -EBUSY (slot in use),
 * -ENOBUFS (owner's ring full: reap and retry), -EINVAL (not call mode, bad
 * slot) or a context error with err filled. Control plane. */
int mbl_dp_stream_start(struct mbl_dp *dp, uint32_t stream, const struct mbl_dp_media *m,
			char *err, size_t errlen);
/* Stop slot stream; its result comes back through mbl_dp_ctl_reap's
 * callback with user. Returns 0, -ENOBUFS or -EINVAL. Control plane. */
int mbl_dp_stream_stop(struct mbl_dp *dp, uint32_t stream, void *user);
/* Stop (on false) or resume (on true) sending RTP on slot stream, as an
 * SDP direction without "send" asks (RFC 3264 5.1, 8.4: hold). RTCP goes
 * on, SRTP contexts and the schedule stay: while held the RTP timestamp
 * keeps advancing with the clock and the sequence number does not, so
 * the peer sees neither loss nor a jitter step; the first packet after
 * the resume carries the marker bit (a new talkspurt, RFC 3551 4.1).
 * Returns 0, -ENOBUFS (owner's ring full: reap and retry), -ENOMEM or
 * -EINVAL (not call mode, slot not started). Control plane. */
int mbl_dp_stream_send(struct mbl_dp *dp, uint32_t stream, bool on);
/* Local address and port of slot stream (for SDP c= and m=). */
void mbl_dp_stream_local(const struct mbl_dp *dp, uint32_t stream, uint8_t ip[16],
			 uint16_t *port);
typedef void (*mbl_dp_result_fn)(void *arg, const struct mbl_dp_stream_result *r);
/* MOS (E-model, ITU-T G.107) of the run's codec and ptime at this loss
 * (percent), one-way delay and jitter (ms): the report's media.mos from
 * the totals, a call's from its own stream result. */
double mbl_dp_mos(const struct mbl_dp *dp, double loss_pct, double delay_ms, double jitter_ms);
void mbl_dp_set_result_cb(struct mbl_dp *dp, mbl_dp_result_fn fn, void *arg);

/* ---- DTLS-SRTP handshake service ---------------------------------------------
 * Handshakes run off the media workers (DESIGN.md: about 1 ms of CPU each):
 * a worker hands every DTLS datagram (RFC 7983: first byte 20..63) of a
 * DTLS stream to the service through a ring, the service answers with
 * datagrams the worker frames with the stream's headers and sends, and
 * hands the exported keys to the owner as a control message. The service
 * runs on whichever thread calls mbl_dp_dtls_poll (the control plane). */
struct mbl_dp_dtls_result {
	uint32_t stream;
	bool ok;                     /* keys exported and sent to the owner */
	enum mbl_dtls_fail fail;     /* !ok: why */
	enum mbl_srtp_suite suite;   /* ok: the agreed profile */
	uint64_t handshake_ns;
	uint32_t retransmits;
	/* ok: the keys, valid during the callback only (run.key_log) */
	const struct mbl_srtp_key *tx_key, *rx_key;
};
typedef void (*mbl_dp_dtls_fn)(void *arg, const struct mbl_dp_dtls_result *r);
/* We offered DTLS-SRTP or ICE on stream and await the answer until until_ns
 * (service clock): DTLS datagrams that reach the slot before its handshake
 * is opened (and STUN before its ICE agent exists) are held
 * (DP_HS_EARLY_NS each, bounded in number) and fed once mbl_dp_stream_start
 * opens them. Without this, a peer that starts
 * the handshake as soon as it sent its answer loses its first flight and
 * waits for its retransmission timer. Control plane; no-op without DTLS. */
void mbl_dp_dtls_expect(struct mbl_dp *dp, uint32_t stream, uint64_t until_ns);
void mbl_dp_set_dtls_cb(struct mbl_dp *dp, mbl_dp_dtls_fn fn, void *arg);
/* Move datagrams, run timers, finish handshakes. Returns the number of
 * handshakes still running. */
unsigned mbl_dp_dtls_poll(struct mbl_dp *dp, uint64_t now_ns);

/* rx_stale: datagrams for a slot with no handshake that were not held
 * (its call ended, or the hold was full). rx_early: held because they came
 * before the call's handshake existed (an SBC in DTLS active role sends
 * its ClientHello as soon as it has our offer answered, often before the
 * 200 OK reaches us); early_fed of them went to the handshake once it
 * began, early_expired were dropped after DP_HS_EARLY_NS. */
struct mbl_dp_dtls_stats {
	uint64_t started, completed, failed[MBL_DTLS_FAIL_MAX];
	uint64_t rx, tx, tx_dropped, rx_stale, retransmits;
	uint64_t rx_early, early_fed, early_expired;
	/* a ClientHello for a slot where we are the DTLS client (the peer
	 * answered a=setup:passive yet started a handshake: rtpengine with
	 * DTLS=passive does), dropped so our own ClientHello is answered */
	uint64_t rx_wrong_role;
	struct mbl_hist handshake_us;
};
void mbl_dp_dtls_stats(const struct mbl_dp *dp, struct mbl_dp_dtls_stats *st);

/* ICE outcomes: ok when the agent selected a pair (select_ns after it
 * started), or a failure (checks failed, consent lost) that should fail
 * the call. Called from mbl_dp_dtls_poll, control plane. */
struct mbl_dp_ice_result {
	uint32_t stream;
	bool ok;
	enum mbl_ice_fail fail;
	uint64_t select_ns;
};
typedef void (*mbl_dp_ice_fn)(void *arg, const struct mbl_dp_ice_result *r);
void mbl_dp_set_ice_cb(struct mbl_dp *dp, mbl_dp_ice_fn fn, void *arg);

/* Agents over the run: started, selected, failed by reason; their
 * counters summed (live ones included); time from start to selection;
 * STUN datagrams held before their agent existed (see mbl_dp_dtls_expect)
 * and fed to it. */
struct mbl_dp_ice_stats {
	uint64_t started, selected, failed[MBL_ICE_FAIL_MAX];
	uint64_t early_held, early_fed;
	struct mbl_ice_counters c;
	struct mbl_hist select_us;
};
void mbl_dp_ice_stats(const struct mbl_dp *dp, struct mbl_dp_ice_stats *st);

/* Collect applied messages and free what they replaced. Returns how many;
 * *failed (may be NULL) gets those the worker refused. Control plane. */
unsigned mbl_dp_ctl_reap(struct mbl_dp *dp, unsigned *failed);
/* Messages queued and not yet reaped. */
unsigned mbl_dp_ctl_inflight(const struct mbl_dp *dp);

struct mbl_dp_stream_view {
	uint32_t index;
	char local[48], remote[48];
	uint32_t ssrc, peer_ssrc;
	uint64_t tx_packets, rx_packets, lost, duplicates, reordered;
	double jitter_ms, jitter_mean_ms, rtt_ms;
	uint64_t delay_min_ns, delay_max_ns;
	bool running;
};
int mbl_dp_stream_view(const struct mbl_dp *dp, uint32_t i, struct mbl_dp_stream_view *v);
uint32_t mbl_dp_stream_count(const struct mbl_dp *dp);
uint64_t mbl_dp_tsc_hz(void);

#endif /* MBL_DP_H */
