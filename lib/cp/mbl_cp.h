/* SPDX-License-Identifier: BSD-3-Clause
 * mediablast call engine (control plane): places calls at a paced rate
 * (UAC) or answers them (UAS) through the SIP user agent, negotiates media
 * and its security in SDP, and starts/stops each call's media on its
 * data-plane slot. Everything here runs on one control-plane thread.
 *
 * A call owns media slot i (its index, < call.limit): the slot's local IP
 * and port go into SDP, the negotiated peer address, payload type and SDES
 * keys go to the owning worker (mbl_dp_stream_start) once the call is
 * answered, and the slot returns only after the worker reported the stream
 * stopped, so a slot is never shared by two calls.
 */
#ifndef MBL_CP_H
#define MBL_CP_H

#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>
#include <sys/socket.h>

#include "mbl_common.h"
#include "mbl_dp.h"
#include "mbl_sdp.h"
#include "mbl_sip.h"
#include "mbl_stats.h"

enum mbl_cp_hold { MBL_CP_HOLD_FIXED, MBL_CP_HOLD_UNIFORM, MBL_CP_HOLD_EXP };

/* Local signaling addresses (sip.listen ranges): SBCs limit per source IP,
 * so tests spread calls over many. */
#define MBL_CP_MAX_LOCAL 1024
struct mbl_cp_local {
	uint8_t ip[16];                    /* IPv4 v4-mapped (mbl_parse_ip) */
	uint16_t port;
};

struct mbl_cp_conf {
	bool uac;                          /* else UAS */
	enum mbl_sip_proto proto;
	struct sockaddr_storage listen;    /* local address 0 */
	socklen_t listen_len;
	/* Local addresses 1..n_more, listen's family. The engine listens on
	 * every one; the UAC places call i (and REGISTERs binding i) from
	 * address i mod (1 + n_more): socket, Via sent-by, Contact and From host
	 * name it; TCP/TLS open one connection per local IP, reused by its
	 * calls. The UAS answers from the address each request came to. */
	struct mbl_cp_local more[MBL_CP_MAX_LOCAL - 1];
	unsigned n_more;
	struct sockaddr_storage target;    /* UAC */
	socklen_t target_len;
	char target_host[256];             /* host as the user wrote it (TLS name) */
	char from_user[64], to_user[64], domain[256], user_agent[64];
	uint32_t t1_ms, t2_ms, t4_ms;
	uint32_t max_txns;                 /* 0 = max(8 * limit, 65536) */
	struct mbl_sip_tls_conf tls;       /* strings owned by the caller */
	char ws_path[256];                 /* WS / WSS UAC: handshake request-target */
	char ws_origin[256];               /* WS / WSS UAC: Origin ("" = none) */
	char auth_user[64], auth_password[128]; /* secret */
	/* UAS: challenge INVITE and REGISTER in this realm ("" = never), one
	 * WWW-Authenticate per algorithm in this order (RFC 8760 2.4); users
	 * and passwords from auth_user / auth_password ([fieldN] of the CSV
	 * rows when inject_file is given) */
	char auth_realm[128];
	enum mbl_sip_auth_alg auth_algs[MBL_SIP_AUTH_ALG_MAX];
	unsigned n_auth_algs;
	uint32_t auth_nonce_ttl_s;
	uint32_t rate, ramp_ms, limit;
	uint64_t total;
	enum mbl_cp_hold hold;
	uint32_t hold_a_ms, hold_b_ms;
	uint32_t answer_delay_ms, fail_pct;
	uint16_t answer_code, fail_code;
	bool uas_hangup;
	/* Hold (either role): re-INVITE a=sendonly hold_after_ms after the
	 * answer, a=sendrecv hold_for_ms later; 0 = never. */
	uint32_t hold_after_ms, hold_for_ms;
	uint32_t timeout_ms;
	bool media;                        /* start data-plane streams per call */
	struct mbl_sdp_local sdp;          /* template: enc, policy, codecs, addr... */
	int media_family;                  /* 4 or 6: the data plane's local addresses */
	enum mbl_srtp_suite suites[MBL_SDP_MAX_CRYPTO];
	unsigned n_suites;
	uint64_t seed;
	FILE *key_log;                     /* run.key_log: one line per call and direction */
	FILE *cdr;                         /* run.cdr: one CSV row per call (cp_cdr.c) */
	const char *inject_file;           /* UAC: SIPp CSV; [fieldN] in users/credentials */
	/* UAC: REGISTER (RFC 3261 10.2) every user - each CSV row's from_user,
	 * or from_user - with sip.target as registrar before calls start,
	 * refresh at half the granted expiry, unREGISTER at mbl_cp_stop. */
	bool reg;
	uint32_t reg_expires;              /* seconds asked for (> 0) */
	uint32_t reg_rate;                 /* REGISTERs/s of the first round; 0 = rate */
};

/* Reasons a call failed, counted by text: the UA's, ours, and a peer's
 * (a 488's Warning, our SDP parser's why). Each text is copied into
 * reason_buf (at most MBL_CP_REASON_LEN - 1 bytes); past the table's
 * size the rest count under the last slot, "other reasons". */
#define MBL_CP_MAX_REASONS 32
/* RFC 8122 5 hashes of a=fingerprint we accept, in this order */
#define MBL_CP_FP_HASHES 5
extern const char *const mbl_cp_fp_hash_names[MBL_CP_FP_HASHES];
#define MBL_CP_REASON_LEN 192

struct mbl_cp_stats {
	uint64_t attempted, succeeded, failed;   /* UAC: placed; UAS: received */
	/* unanswered calls we ended because the run ended (UAC: CANCEL at the
	 * end of the duration; UAS: 480 when it stops): neither succeeded nor
	 * failed, and out of the ASR's attempts */
	uint64_t cancelled_at_end;
	uint64_t answered_busy;                  /* RFC 6076 SEER numerator extras */
	uint64_t by_status[700];                 /* final status of failed calls */
	const char *reason[MBL_CP_MAX_REASONS];  /* NULL-terminated; -> reason_buf */
	uint64_t reason_n[MBL_CP_MAX_REASONS];
	char reason_buf[MBL_CP_MAX_REASONS][MBL_CP_REASON_LEN];
	uint64_t concurrent, concurrent_max;
	uint64_t media_started, media_ok, media_missing;
	uint64_t media_sdes, media_plain, media_fell_back, media_dtls;
	/* what was agreed: the SDES crypto suite, the DTLS-SRTP profile (a
	 * completed handshake) and the hash of the peer's a=fingerprint, per
	 * call that started media (index: enum mbl_srtp_suite / MBL_CP_FP_*) */
	uint64_t sdes_by_suite[MBL_SRTP_SUITE_MAX];
	uint64_t dtls_by_profile[MBL_SRTP_SUITE_MAX];
	uint64_t dtls_by_fp_hash[MBL_CP_FP_HASHES];
	uint64_t dtls_failed;                    /* calls failed by their handshake */
	uint64_t ice_failed;                     /* calls failed by ICE (checks, consent) */
	uint64_t bye_failed;
	/* re-INVITEs: ours (sent = first sends of each step, glare retries
	 * not included) and the peer's */
	uint64_t reinv_sent, reinv_ok, reinv_failed, reinv_glare, reinv_ended_call;
	uint64_t reinv_received, reinv_accepted, reinv_refused;
	uint64_t held_by_us, held_by_peer;       /* hold answers agreed */
	/* UAS digest: requests answered 401 (stale ones included), requests
	 * whose credentials verified, requests refused 403 */
	uint64_t auth_challenged, auth_stale, auth_accepted, auth_refused;
	uint64_t register_ok;                    /* UAS: REGISTERs answered 200 */
	uint64_t register_received;              /* UAS: REGISTERs received */
	/* UAC registrations: attempted / succeeded / failed count bindings
	 * (their first registration); refreshed and refresh_failed count the
	 * refreshes, unregistered the Expires: 0 answered 2xx, challenged every
	 * 401/407 answered with credentials (stale ones included). Failures of
	 * any of them by final status (0: no response sent / local error). */
	uint64_t reg_attempted, reg_succeeded, reg_failed, reg_refreshed, reg_refresh_failed;
	uint64_t reg_unregistered, reg_unreg_failed, reg_challenged, reg_stale;
	uint64_t reg_by_status[700];
	const char *reg_reason[MBL_CP_MAX_REASONS];
	uint64_t reg_reason_n[MBL_CP_MAX_REASONS];
	struct mbl_hist pdd_us, setup_us;        /* INVITE -> 18x (or final), -> 2xx */
	struct mbl_hist mos_x100;                /* per call that received media: MOS x 100 */
	uint64_t first_ns, last_ns;              /* first INVITE, last call end */
	uint64_t first_answer_ns, last_answer_ns; /* 2xx of the first / last answered call */
};

/* The columns of run.cdr, its first line (docs/report.md) */
#define MBL_CP_CDR_HEADER                                                        \
	"call_id,role,outcome,sip_status,reason,transport,start_unix_ms,ringing_ms," \
	"answer_ms,end_ms,pdd_ms,setup_ms,remote_media,security,srtp_suite,"         \
	"dtls_handshake_ms,ice_select_ms,tx_packets,rx_packets,tx_rtcp,rx_rtcp,"    \
	"rx_lost,jitter_ms,srtp_auth_fail,mos,peer_reports,peer_lost,peer_loss_pct,"  \
	"peer_jitter_ms,rtt_ms,local_sip,remote_sip,local_media,tx_bytes,rx_bytes,"  \
	"peer_xr_mos_cq,peer_xr_r_factor"

struct mbl_cp;

/* Build the engine: transport listening on conf->listen, the user agent,
 * call table and timers. dp may be NULL when conf->media is false. Returns
 * NULL with err filled (errno set). Control plane. */
struct mbl_cp *mbl_cp_create(const struct mbl_cp_conf *conf, struct mbl_dp *dp, char *err,
			     size_t errlen);
void mbl_cp_free(struct mbl_cp *cp);

/* One turn: network I/O (waits at most max_wait_ms), SIP timers, new calls
 * due, call timers, data-plane replies. Returns 0 or -errno. */
int mbl_cp_poll(struct mbl_cp *cp, int max_wait_ms);
/* Stop placing calls and hang up every call still up (BYE / CANCEL). */
void mbl_cp_stop(struct mbl_cp *cp);
/* The end of a run, before mbl_cp_stop: place no more calls (those in
 * setup go on) */
void mbl_cp_hold_new(struct mbl_cp *cp);
/* Calls in setup: INVITE sent and no final answer yet (UAC), or ringing
 * before our answer (UAS) */
uint64_t mbl_cp_in_setup(const struct mbl_cp *cp);
/* Calls alive (signaling or media not yet released). */
uint64_t mbl_cp_live(const struct mbl_cp *cp);
/* UAC: every call of call.total placed and ended. */
bool mbl_cp_done(const struct mbl_cp *cp);

const struct mbl_cp_stats *mbl_cp_stats(const struct mbl_cp *cp);
/* SIP retransmissions we sent, and transactions that timed out (RFC 3261
 * timers B, F and H, a 2xx never ACKed, a CANCEL never answered): running
 * totals for the live console and the timeline. */
void mbl_cp_sip_counts(const struct mbl_cp *cp, uint64_t *rtx_out, uint64_t *timeouts);
/* Local signaling addresses (1 + conf.n_more) and the calls attempted on
 * address i (UAC: placed from it; UAS: INVITEs that came to it); 0 when i
 * is out of range. */
unsigned mbl_cp_n_local(const struct mbl_cp *cp);
uint64_t mbl_cp_local_calls(const struct mbl_cp *cp, unsigned i);
/* "calls" and "sip" objects of the report. */
void mbl_cp_report_json(const struct mbl_cp *cp, double duration_s, struct mbl_json *j);
/* The SIP transport's counters (cp_ws_report.c). */
void mbl_cp_tp_stats(const struct mbl_cp *cp, struct mbl_sip_tp_stats *out);
/* WS / WSS runs: object `key` with the WebSocket counters (handshakes,
 * refusals by reason, frames, pings, closes by code, protocol errors);
 * nothing on other transports. Meant for sip.transport_stats.websocket. */
void mbl_cp_ws_report_json(const struct mbl_cp *cp, const char *key, struct mbl_json *j);

#endif /* MBL_CP_H */
