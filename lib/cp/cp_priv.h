/* SPDX-License-Identifier: BSD-3-Clause
 * Internal structures of the call engine (lib/cp only). */
#ifndef CP_PRIV_H
#define CP_PRIV_H

#include "mbl_cp.h"

enum cp_state {
	CP_FREE = 0,
	CP_INVITING,    /* UAC: INVITE sent, no final answer */
	CP_RINGING,     /* UAS: 180 sent, answering after answer_delay */
	CP_UP,          /* 2xx sent/received */
	CP_ENDING,      /* BYE/CANCEL sent, waiting for its end */
	CP_RELEASING,   /* SIP over, waiting for the data plane to stop the slot */
};

/* CP_T_UP: a call that is up waits for its hang-up (hangup_at) and its
 * next hold step (reinv_at), whichever comes first. */
enum cp_timer { CP_T_NONE = 0, CP_T_TIMEOUT, CP_T_ANSWER, CP_T_UP };

/* Our hold of a call (call.hold_after_ms): re-INVITE a=sendonly, then
 * a=sendrecv hold_for_ms later (RFC 3264 8.4, RFC 6337 5.3). */
enum cp_hold_phase {
	CP_H_NONE = 0,      /* no hold planned, or done */
	CP_H_WAIT,          /* hold re-INVITE due at reinv_at */
	CP_H_OFFER_HOLD,    /* a=sendonly offer sent, no final answer yet */
	CP_H_HELD,          /* held; resume re-INVITE due at reinv_at */
	CP_H_OFFER_RESUME,  /* a=sendrecv offer sent */
};

/* The negotiated media of a call that a re-offer may not change (this
 * engine moves no stream to another address, codec or key mid-call). */
struct cp_media_now {
	char addr[MBL_SDP_ADDR_LEN];
	uint16_t port, rtcp_port;
	uint8_t pt;
	uint8_t chosen;                 /* enum mbl_sdp_enc */
	int crypto_tag;
	struct mbl_srtp_key rx_key;     /* secret: the peer's SDES key */
};

/* What a call's record (cp_cdr.c) needs beyond cp_call's own fields */
struct cp_cdr {
	char call_id[128];              /* truncated past 127 bytes */
	char reason[96];                /* the first failure's (cp_fail) */
	uint16_t status;                /* that failure's SIP status, 0 = none */
	uint16_t answer_status;         /* the 2xx */
	bool media_started, media_result, dtls_done, ice_done;
	uint8_t dtls_suite;             /* enum mbl_srtp_suite, dtls_done */
	uint64_t t_18x, t_end;          /* first 18x; SIP over (monotonic ns) */
	uint64_t dtls_ns, ice_ns;       /* handshake; answer to selected pair */
	uint64_t tx_packets, rx_packets, lost;
	uint32_t tx_rtcp, rx_rtcp;
	double jitter_ms, mos;          /* mos 0: no media received */
	uint32_t srtp_auth_fail;
	struct mbl_dp_peer_view peer;   /* the far end's RTCP view of our stream */
	double rtt_ms;                  /* < 0: none */
	uint64_t tx_bytes, rx_bytes;    /* RTP payload bytes (UDP payload) each way */
	char remote_sip[64];            /* "ip:port" the INVITE went to / came from */
};

struct cp_call {
	struct mbl_sip_call *sc;
	uint8_t state;                  /* enum cp_state */
	uint8_t timer;                  /* enum cp_timer armed */
	bool media_on;                  /* data-plane slot started */
	bool failed_counted;
	bool end_cancel;                /* ended unanswered by the engine's stop */
	bool end_counted;               /* counted as cancelled_at_end */
	bool got_18x;
	bool keys_made;                 /* keys[] hold this call's SDES keys */
	bool answered;                  /* counted in succeeded */
	bool dtls_wait;                 /* DTLS-SRTP handshake not ended yet */
	bool ice_made;                  /* ice_ufrag / ice_pwd hold this call's */
	bool ice_wait;                  /* ICE: no pair selected yet */
	char ice_ufrag[9], ice_pwd[25]; /* our ICE credentials (RFC 8445 5.3) */
	uint32_t ssrc;                  /* our media SSRC */
	char raddr[56];                 /* the peer's media "ip:port" (key log) */
	bool tx_on;                     /* media_on: RTP flowing (not held by SDP) */
	uint8_t hold_phase;             /* enum cp_hold_phase */
	uint8_t last_dir;               /* direction of the last SDP we sent */
	uint8_t offer_dir;              /* direction of our pending re-offer */
	uint8_t reinv_tries;            /* glare (491) retries of this step */
	uint64_t sess_id, sess_ver;     /* our o= line: fixed id, version + 1 per change */
	uint64_t hangup_at, reinv_at;   /* CP_T_UP deadlines, 0 = none */
	struct cp_media_now now;        /* what cp_media_start agreed */
	uint32_t heap_pos;              /* index in cp->heap + 1; 0 = not queued */
	uint64_t deadline;
	uint64_t t_invite, t_answer;
	struct mbl_srtp_key keys[MBL_SDP_MAX_CRYPTO]; /* our SDES keys offered/answered */
	struct cp_answer *ans;          /* UAS: the answer waiting for answer_delay */
	uint64_t csv_row;               /* UAC with sip.inject_file: this call's row */
	uint16_t local;                 /* local signaling address index */
	uint32_t next_free;
	struct cp_cdr cdr;
};

/* One binding of a UAC registration (cp_register.c). */
enum cp_reg_state {
	CP_R_IDLE = 0,  /* not sent yet (the first round is paced) */
	CP_R_PENDING,   /* a REGISTER in flight */
	CP_R_BOUND,     /* registered; refresh due at due_ns */
	CP_R_FAILED,    /* its last REGISTER failed: no more tries */
	CP_R_DONE,      /* unregistered, or stopped before it was sent */
};

struct cp_reg {
	uint64_t row;                   /* CSV row of its user (0 without CSV) */
	uint64_t due_ns;                /* CP_R_BOUND: refresh time */
	uint32_t cseq;                  /* last CSeq sent (RFC 3261 10.2: +1 each) */
	uint32_t expires;               /* asked for in the pending request (0: unREGISTER) */
	uint32_t heap_pos;              /* index in cp->reg_heap + 1; 0 = not queued */
	uint8_t state;                  /* enum cp_reg_state */
	bool first;                     /* the first registration is still pending */
	bool answered;                  /* the pending request carries our credentials */
	bool stale_retried;             /* the one stale=true retry was used */
	char call_id[64];               /* kept across refreshes (RFC 3261 10.2) */
	char tag[20];
};

struct mbl_cp {
	struct mbl_cp_conf conf;
	struct mbl_dp *dp;
	struct mbl_sip_tp *tp;
	struct mbl_sip_ua *ua;
	struct cp_call *calls;          /* [limit] */
	uint32_t free_head, free_tail;  /* FIFO of free calls, UINT32_MAX = none */
	uint32_t *heap;                 /* call indexes by deadline */
	uint32_t heap_n;
	uint64_t live;                  /* calls not CP_FREE */
	uint64_t placed;                /* UAC */
	uint64_t next_call_ns, start_ns;
	unsigned dtls_active;           /* handshakes running on the data plane */
	bool stopping;
	bool no_new;                    /* mbl_cp_hold_new: no more calls placed */
	uint32_t rng;
	char target_uri[400], from_uri[400];
	struct mbl_sip_csv *csv;        /* sip.inject_file, or NULL */
	struct mbl_sip_auth_server *auth; /* UAS challenging (sip.auth_realm), or NULL */
	char auth_pw[160];              /* secret: the password the lookup returned last */
	char reg_hdr[2048];             /* REGISTER reply header lines (ev->reply_hdr) */
	struct cp_reg *regs;            /* UAC with conf.reg: one per user */
	uint32_t n_regs, reg_sent;      /* bindings; first REGISTERs sent so far */
	uint32_t reg_open;              /* bindings whose first registration has not ended */
	uint32_t reg_inflight;          /* REGISTERs waiting for their final answer */
	uint32_t *reg_heap, reg_heap_n; /* bound bindings by refresh time */
	uint64_t reg_next_ns;           /* pacing of the first round */
	bool calls_go;                  /* UAC: the registration phase is over (or none) */
	/* local signaling addresses (cp_local.c): [0] is conf.listen */
	struct sockaddr_storage *loc;   /* [n_loc] */
	socklen_t loc_len;
	unsigned n_loc;
	uint16_t *lis_loc;              /* transport listener index -> local index */
	unsigned n_lis;
	uint64_t *loc_calls;            /* [n_loc] calls attempted per address */
	const char *tp_err;             /* last transport failure toward the target */
	uint64_t tp_err_ns;
	struct mbl_cp_stats st;
};

/* URI scheme of our Request-URI, To and From: sips only for TLS. A WSS
 * hop is secure, but the next hop behind a WebSocket server (kamailio
 * relaying to UDP) is not, and sips would demand TLS there (RFC 5630). */
static inline const char *cp_uri_scheme(enum mbl_sip_proto p)
{
	return p == MBL_SIP_TLS ? "sips" : "sip";
}

/* Its transport parameter: tcp, and ws for both WS and WSS (RFC 7118 5.2). */
static inline const char *cp_uri_transport(enum mbl_sip_proto p)
{
	return p == MBL_SIP_TCP ? ";transport=tcp" : mbl_sip_proto_ws(p) ? ";transport=ws" : "";
}

/* cp_heap.c: calls by deadline (one entry per call at most) */
void cp_timer_set(struct mbl_cp *cp, uint32_t idx, enum cp_timer t, uint64_t deadline);
void cp_timer_clear(struct mbl_cp *cp, uint32_t idx);
/* Pop the first call due at now; UINT32_MAX when none. */
uint32_t cp_timer_due(struct mbl_cp *cp, uint64_t now);
uint64_t cp_timer_next(const struct mbl_cp *cp);

/* cp_call.c */
void cp_event(void *arg, struct mbl_sip_ev *ev);
int cp_place_call(struct mbl_cp *cp, uint64_t now);
void cp_timer_fire(struct mbl_cp *cp, uint32_t idx, uint64_t now);
void cp_media_result(void *arg, const struct mbl_dp_stream_result *r);
void cp_dtls_result(void *arg, const struct mbl_dp_dtls_result *r);
void cp_ice_result(void *arg, const struct mbl_dp_ice_result *r);
void cp_key_log(struct mbl_cp *cp, uint32_t idx, const char *raddr,
		const struct mbl_srtp_key *tx, const struct mbl_srtp_key *rx, uint32_t ssrc);
void cp_fail(struct mbl_cp *cp, struct cp_call *c, int status, const char *reason);
/* Count one failure under reason (copied: any string); cp_count_reasonf
 * formats it first. Control plane. */
void cp_count_reason(struct mbl_cp *cp, const char *reason);
void cp_count_reasonf(struct mbl_cp *cp, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void cp_hangup(struct mbl_cp *cp, uint32_t idx, uint64_t now);

/* cp_cdr.c: per-call records (conf.cdr). begin copies the Call-ID (c->sc
 * set); fail keeps the first failure; write puts the call's row (at
 * call_free); refused a row for an INVITE that got no call slot. */
void cp_cdr_header(FILE *f);
void cp_cdr_begin(struct cp_call *c);
void cp_cdr_fail(struct cp_call *c, int status, const char *reason);
void cp_cdr_write(struct mbl_cp *cp, const struct cp_call *c);
void cp_cdr_refused(struct mbl_cp *cp, const char *call_id, int status, const char *reason);

/* UAS answer kept while ringing. */
struct cp_answer {
	struct mbl_sdp_result res;
	char sdp[4096];
};
void cp_uas_answer(struct mbl_cp *cp, struct cp_call *c, uint64_t now);

/* cp_hold.c: re-INVITEs both ways (hold / resume) */
void cp_up_start(struct mbl_cp *cp, struct cp_call *c, uint64_t now); /* call is up */
void cp_up_timer(struct mbl_cp *cp, uint32_t idx, uint64_t now);
void cp_reinvite_in(struct mbl_cp *cp, struct cp_call *c, const struct mbl_sip_ev *ev,
		    uint64_t now);
void cp_reinvite_answered(struct mbl_cp *cp, struct cp_call *c, const struct mbl_sip_ev *ev,
			  uint64_t now);
void cp_reinvite_failed(struct mbl_cp *cp, struct cp_call *c, const struct mbl_sip_ev *ev,
			uint64_t now);

/* cp_auth.c: UAS digest (RFC 3261 22, RFC 8760) */
int cp_auth_init(struct mbl_cp *cp, char *err, size_t errlen);
void cp_auth_free(struct mbl_cp *cp);
/* INCOMING: 0 when the INVITE may go on (no realm, or credentials good);
 * 1 when it was answered here (401 challenge or 403), the call gone. */
int cp_auth_invite(struct mbl_cp *cp, const struct mbl_sip_ev *ev, uint64_t now);
/* REGISTER event: sets ev->reply_status / reply_hdr. */
void cp_auth_register(struct mbl_cp *cp, struct mbl_sip_ev *ev);

/* cp_register.c: UAC registrations (RFC 3261 10.2) */
int cp_reg_init(struct mbl_cp *cp, char *err, size_t errlen);
void cp_reg_free(struct mbl_cp *cp);
/* First round (paced), refreshes due, the end of the phase. */
void cp_reg_poll(struct mbl_cp *cp, uint64_t now);
uint64_t cp_reg_next(const struct mbl_cp *cp);
void cp_reg_response(struct mbl_cp *cp, const struct mbl_sip_ev *ev, uint64_t now);
/* unREGISTER (Expires: 0) every binding. */
void cp_reg_stop(struct mbl_cp *cp, uint64_t now);

/* cp_local.c: local signaling addresses (sip.listen ranges) */
int cp_local_init(struct mbl_cp *cp, char *err, size_t errlen);
/* Listen on every address (transport made); 0 or -errno with err. */
int cp_local_listen(struct mbl_cp *cp, char *err, size_t errlen);
/* Register addresses 1.. with the UA (made). 0 or -errno with err. */
int cp_local_ua(struct mbl_cp *cp, char *err, size_t errlen);
void cp_local_free(struct mbl_cp *cp);
/* The local address index a received message arrived on. */
unsigned cp_local_of(const struct mbl_cp *cp, const struct mbl_sip_tp_src *src);
/* The socket address to send from for local index i (NULL with one
 * address: the transport's default, the one listener). */
static inline const struct sockaddr *cp_local_sa(const struct mbl_cp *cp, unsigned i)
{
	return cp->n_loc > 1 && i < cp->n_loc ? (const struct sockaddr *)&cp->loc[i] : NULL;
}
/* Count a call attempted on local address i. */
void cp_local_count(struct mbl_cp *cp, unsigned i);

/* cp_media.c */
/* Our side of call idx's SDP into l: the template, the slot's media address
 * and port, and the call's SDES keys (made once per call). 0 or -errno. */
int cp_sdp_local(struct mbl_cp *cp, uint32_t idx, struct mbl_sdp_local *l);
int cp_media_start(struct mbl_cp *cp, uint32_t idx, const struct mbl_sdp_result *res,
		   char *why, size_t whylen);
void cp_media_stop(struct mbl_cp *cp, uint32_t idx);
/* RTP on or off as the agreed direction dir says (RFC 3264 5.1: only
 * sendrecv and sendonly send); RTCP goes on. */
void cp_media_dir(struct mbl_cp *cp, uint32_t idx, enum mbl_sdp_dir dir);
/* res keeps the call's address, ports, codec, security and keys. */
bool cp_media_same(const struct cp_call *c, const struct mbl_sdp_result *res);

/* "ip:port" ("[ip]:port" for IPv6) of a socket address. */
void cp_addr_fmt(const struct sockaddr *sa, char *out, size_t len);

static inline uint32_t cp_idx(const struct mbl_cp *cp, const struct cp_call *c)
{
	return (uint32_t)(c - cp->calls);
}

#endif /* CP_PRIV_H */
