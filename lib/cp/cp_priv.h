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

enum cp_timer { CP_T_NONE = 0, CP_T_TIMEOUT, CP_T_ANSWER, CP_T_HOLD };

struct cp_call {
	struct mbl_sip_call *sc;
	uint8_t state;                  /* enum cp_state */
	uint8_t timer;                  /* enum cp_timer armed */
	bool media_on;                  /* data-plane slot started */
	bool failed_counted;
	bool got_18x;
	bool keys_made;                 /* keys[] hold this call's SDES keys */
	bool answered;                  /* counted in succeeded */
	bool dtls_wait;                 /* DTLS-SRTP handshake not ended yet */
	uint32_t ssrc;                  /* our media SSRC */
	char raddr[56];                 /* the peer's media "ip:port" (key log) */
	uint32_t heap_pos;              /* index in cp->heap + 1; 0 = not queued */
	uint64_t deadline;
	uint64_t t_invite, t_answer;
	struct mbl_srtp_key keys[MBL_SDP_MAX_CRYPTO]; /* our SDES keys offered/answered */
	struct cp_answer *ans;          /* UAS: the answer waiting for answer_delay */
	uint64_t csv_row;               /* UAC with sip.inject_file: this call's row */
	uint32_t next_free;
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
	uint32_t rng;
	char target_uri[400], from_uri[400];
	struct mbl_sip_csv *csv;        /* sip.inject_file, or NULL */
	const char *tp_err;             /* last transport failure toward the target */
	uint64_t tp_err_ns;
	struct mbl_cp_stats st;
};

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
void cp_key_log(struct mbl_cp *cp, uint32_t idx, const char *raddr,
		const struct mbl_srtp_key *tx, const struct mbl_srtp_key *rx, uint32_t ssrc);
void cp_fail(struct mbl_cp *cp, struct cp_call *c, int status, const char *reason);
void cp_hangup(struct mbl_cp *cp, uint32_t idx, uint64_t now);

/* UAS answer kept while ringing. */
struct cp_answer {
	struct mbl_sdp_result res;
	char sdp[4096];
};
void cp_uas_answer(struct mbl_cp *cp, struct cp_call *c, uint64_t now);

/* cp_media.c */
/* Our side of call idx's SDP into l: the template, the slot's media address
 * and port, and the call's SDES keys (made once per call). 0 or -errno. */
int cp_sdp_local(struct mbl_cp *cp, uint32_t idx, struct mbl_sdp_local *l);
int cp_media_start(struct mbl_cp *cp, uint32_t idx, const struct mbl_sdp_result *res,
		   char *why, size_t whylen);
void cp_media_stop(struct mbl_cp *cp, uint32_t idx);

static inline uint32_t cp_idx(const struct mbl_cp *cp, const struct cp_call *c)
{
	return (uint32_t)(c - cp->calls);
}

#endif /* CP_PRIV_H */
