/* SPDX-License-Identifier: BSD-3-Clause
 * mediablast RTCP packets: the compound walk (RFC 3550 6.4, A.2; RFC 5506
 * reduced size), writers and readers of report blocks, SR and SDES, the
 * extended reports of RFC 3611 (statistics summary and VoIP metrics, with
 * the burst/gap loss model of its section 4.7.2) and RFC 4585 feedback
 * (generic NACK built and read, PLI / FIR recognised).
 *
 * Threads: every function is pure (no globals, no allocation, no logging)
 * and may run on data-plane lcores. Writers take a buffer the caller sized
 * with the MBL_RTCP_*_LEN constants and return the bytes written; readers
 * never read past the length they are given. Nothing here needs EAL.
 */
#ifndef MBL_RTCP_H
#define MBL_RTCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mbl_rtp.h" /* the drop reasons (one list for RTP and RTCP) */

/* ---- common header and compound walk (RFC 3550 6.4) --------------------- */

#define MBL_RTCP_SR 200
#define MBL_RTCP_RR 201
#define MBL_RTCP_SDES 202
#define MBL_RTCP_BYE 203
#define MBL_RTCP_APP 204
#define MBL_RTCP_RTPFB 205
#define MBL_RTCP_PSFB 206
#define MBL_RTCP_XR 207
#define MBL_RTCP_HDR_LEN 4
#define MBL_RTCP_MAX_PKTS 8 /* packets recorded per compound */

struct mbl_rtcp_pkt {
	uint16_t off;  /* offset of this packet's common header */
	uint16_t len;  /* whole packet incl. header and padding */
	uint8_t pt;
	uint8_t count; /* RC / SC / FMT field */
};

struct mbl_rtcp_info {
	uint16_t n_pkts;      /* packets in the compound (may exceed MAX) */
	uint16_t pad_len;     /* padding of the last packet, 0 if none */
	struct mbl_rtcp_pkt pkt[MBL_RTCP_MAX_PKTS]; /* first ones */
};

/* Validate a (decrypted) compound RTCP packet the way RFC 3550 A.2 does:
 * every packet version 2, the first one SR or RR or, as RFC 5506 reduced-
 * size RTCP has it, an RTPFB / PSFB feedback message (RFC 4585), padding
 * only on the last one with a count that fits, and the length fields
 * walking exactly to len. Fills *ci with the first MBL_RTCP_MAX_PKTS
 * packets. Returns 0 or -(enum mbl_rtp_drop) (the rtcp_* values). */
int mbl_rtcp_walk(const uint8_t *p, uint32_t len, struct mbl_rtcp_info *ci);

/* ---- SR, report block, SDES (RFC 3550 6.4.1, 6.5) ----------------------- */

#define MBL_RTCP_RB_LEN 24
#define MBL_RTCP_SR_LEN 28 /* without report blocks */

/* One report block: what the reporter received of stream ssrc. */
struct mbl_rtcp_rb {
	uint32_t ssrc;
	uint8_t fraction;   /* lost in the interval, /256 */
	int32_t lost;       /* cumulative, signed 24 bits (clamped on write) */
	uint32_t ext_seq;   /* extended highest sequence number received */
	uint32_t jitter;    /* interarrival jitter, timestamp units */
	uint32_t lsr, dlsr; /* last SR (middle NTP bits), delay since it, 1/65536 s */
};

void mbl_rtcp_rb_put(uint8_t *p, const struct mbl_rtcp_rb *b);
void mbl_rtcp_rb_get(const uint8_t *p, struct mbl_rtcp_rb *b);

struct mbl_rtcp_sr {
	uint32_t ssrc;
	uint64_t ntp;       /* 32.32 fixed point */
	uint32_t rtp_ts, packets, octets;
};

/* An SR with rc (0 or 1) report blocks; MBL_RTCP_SR_LEN + 24 * rc bytes. */
unsigned mbl_rtcp_sr_put(uint8_t *p, const struct mbl_rtcp_sr *sr, const struct mbl_rtcp_rb *rb);

/* SDES with one CNAME item, null-terminated and padded to a word boundary.
 * cname is at most 255 bytes; returns at most 8 + 2 + 255 + 1 + 3 bytes. */
#define MBL_RTCP_SDES_MAX 272
unsigned mbl_rtcp_sdes_cname_put(uint8_t *p, uint32_t ssrc, const char *cname);

/* ---- extended reports (RFC 3611) ----------------------------------------- */

#define MBL_RTCP_XR_BT_SSUM 6  /* statistics summary report block (4.6) */
#define MBL_RTCP_XR_BT_VOIP 7  /* VoIP metrics report block (4.7) */
#define MBL_RTCP_XR_HDR_LEN 8  /* common header + sender SSRC */
#define MBL_RTCP_XR_SSUM_LEN 40
#define MBL_RTCP_XR_VOIP_LEN 36
#define MBL_RTCP_XR_MAX (MBL_RTCP_XR_HDR_LEN + MBL_RTCP_XR_SSUM_LEN + MBL_RTCP_XR_VOIP_LEN)
#define MBL_RTCP_XR_UNAVAILABLE 127 /* signal, noise, RERL, R, MOS "unavailable" */
#define MBL_RTCP_XR_GMIN 16   /* the recommended Gmin (4.7.2) */

/* Statistics summary (4.6): SEQ range [begin_seq, end_seq) of the interval,
 * loss and duplicates in it, and the relative transit time differences
 * |D(i-1, i)| of RFC 3550 6.4.1 (timestamp units): min, max, mean, standard
 * deviation. The flags say which groups are carried (L, D, J); TTL is not. */
struct mbl_rtcp_xr_ssum {
	uint32_t ssrc;
	uint16_t begin_seq, end_seq;
	bool has_lost, has_dup, has_jitter;
	uint32_t lost, dup;
	uint32_t jit_min, jit_max, jit_mean, jit_dev;
};

/* VoIP metrics (4.7), fields as on the wire: rates and densities /256,
 * durations and delays in ms, levels in dB (127: unavailable), R factors
 * 0..100 (127: unavailable), MOS x 10 (127: unavailable). */
struct mbl_rtcp_xr_voip {
	uint32_t ssrc;
	uint8_t loss_rate, discard_rate, burst_density, gap_density;
	uint16_t burst_ms, gap_ms, rtt_ms, end_delay_ms;
	int8_t signal_dbm, noise_dbm;
	uint8_t rerl, gmin, r_factor, ext_r_factor, mos_lq, mos_cq, rx_config;
	uint16_t jb_nominal_ms, jb_max_ms, jb_abs_max_ms;
};

/* An XR packet from sender with the blocks given (either may be NULL);
 * at most MBL_RTCP_XR_MAX bytes. */
unsigned mbl_rtcp_xr_put(uint8_t *p, uint32_t sender, const struct mbl_rtcp_xr_ssum *ss,
			 const struct mbl_rtcp_xr_voip *vm);

/* What one XR packet says about stream `about`. */
struct mbl_rtcp_xr_view {
	bool has_ssum, has_voip;
	struct mbl_rtcp_xr_ssum ssum;
	struct mbl_rtcp_xr_voip voip;
	unsigned blocks;     /* every block in the packet */
	unsigned other;      /* blocks of other types, or about other streams */
};

/* Read the XR packet q[0..len) (len from the compound walk). Returns 0, or
 * -1 when a block length runs past the packet (what came before is kept). */
int mbl_rtcp_xr_parse(const uint8_t *q, uint32_t len, uint32_t about,
		      struct mbl_rtcp_xr_view *v);

/* Burst/gap loss model of RFC 3611 4.7.2, fed one packet at a time in SEQ
 * order. Losses fewer than gmin received packets apart form a burst (with
 * the packets between them); a loss gmin or more packets away from any
 * other is isolated and, like every packet outside bursts, part of a gap. */
struct mbl_rtcp_burst {
	uint32_t pkt;                 /* received since the last loss */
	uint32_t run_lost, run_rcv;   /* the loss run being built: losses, packets between */
	uint32_t bursts, burst_pkts, burst_lost;
	uint32_t gaps, gap_pkts, gap_lost;
	bool gap_open;                /* the last packets classified were a gap's */
};

void mbl_rtcp_burst_packet(struct mbl_rtcp_burst *b, bool lost, unsigned gmin);
/* n packets lost in a row: the same as n calls with lost, in O(1). */
void mbl_rtcp_burst_lost(struct mbl_rtcp_burst *b, uint32_t n, unsigned gmin);

/* Densities (/256: the share of a period's packets that were lost) and
 * mean durations (ms) of bursts and gaps so far, each packet lasting
 * ms_per_pkt; the run in progress counts as what it is so far. Before any
 * loss there is one gap, as long as the time received. gmin as fed. */
void mbl_rtcp_burst_metrics(const struct mbl_rtcp_burst *b, unsigned gmin, double ms_per_pkt,
			    struct mbl_rtcp_xr_voip *out);

/* ---- feedback (RFC 4585 6.1, 6.2.1, 6.3.1; RFC 5104 4.3.1) -------------- */

#define MBL_RTCP_FB_NACK 1     /* RTPFB FMT */
#define MBL_RTCP_FB_PLI 1      /* PSFB FMT */
#define MBL_RTCP_FB_FIR 4      /* PSFB FMT */
#define MBL_RTCP_NACK_MAX_FCI 16 /* PID/BLP pairs in one NACK we write */
#define MBL_RTCP_NACK_MAX (12 + 4 * MBL_RTCP_NACK_MAX_FCI)

/* A generic NACK from sender about media naming the n SEQs seq[] (in
 * ascending order mod 2^16, no repeats): each PID/BLP pair covers a PID and
 * the 16 SEQs after it. Writes at most MBL_RTCP_NACK_MAX bytes; *taken is
 * how many of seq[] fit (all unless they need more than 16 pairs); returns
 * 0 when n is 0. */
unsigned mbl_rtcp_nack_put(uint8_t *p, uint32_t sender, uint32_t media, const uint16_t *seq,
			   unsigned n, unsigned *taken);

/* The SEQs a NACK's FCI (fci[0..len), whole pairs) names, in order, written
 * to out[] up to max; returns how many it names (may exceed max). */
unsigned mbl_rtcp_nack_seqs(const uint8_t *fci, uint32_t len, uint16_t *out, unsigned max);

/* Media SSRC of a feedback message of len bytes (>= 12), else 0. */
uint32_t mbl_rtcp_fb_media(const uint8_t *q, uint32_t len);

#endif /* MBL_RTCP_H */
