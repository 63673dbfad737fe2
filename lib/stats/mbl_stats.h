/* SPDX-License-Identifier: BSD-3-Clause
 * mediablast receive statistics: RTP sequence tracking (RFC 3550 A.1),
 * interarrival jitter (RFC 3550 A.8), a fixed-memory log-linear histogram,
 * the ITU-T G.107 E-model (R-factor, MOS) and a JSON summary helper.
 *
 * Threading: every struct here has exactly one writer. The per-packet
 * functions (mbl_rx_seq_update, mbl_rx_jitter_update, mbl_hist_add) are
 * static inline, use no atomics, never allocate, lock, log or call the
 * kernel: call them only on the lcore that owns the stream (or the
 * histogram). Readers on other threads must work on a copy taken through
 * the owner (e.g. a DP->CP message) or accept torn values.
 */
#ifndef MBL_STATS_H
#define MBL_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "mbl_common.h"

/* ------------------------------------------------------------------------
 * RTP sequence tracking, RFC 3550 A.1 without the probation phase: our
 * streams are known from signalling, so the first packet starts the count.
 * ---------------------------------------------------------------------- */

/* A jump of this many sequence numbers or more, forward or backward, is
 * treated as a restart of the sender (RFC 3550 A.1 MAX_DROPOUT and
 * MAX_MISORDER; we use the same bound in both directions). */
#define MBL_RX_MAX_JUMP 3000
/* Duplicates are detected exactly inside this window of extended seqs. */
#define MBL_RX_WIN_BITS 1024
#define MBL_RX_WIN_WORDS (MBL_RX_WIN_BITS / 64)

enum mbl_rx_verdict {
	MBL_RX_NEW = 0,   /* in order (or first): advanced the highest seq */
	MBL_RX_REORDER,   /* older than the highest, not seen before: counted */
	MBL_RX_DUP,       /* already seen within the window: not counted */
	MBL_RX_JUMP,      /* large jump, held until the next one confirms it */
	MBL_RX_RESYNC,    /* second packet of a new sequence: restarted there */
};

struct mbl_rx_seq {
	/* owner lcore: rw; everyone else: copies only */
	int64_t max_ext;     /* highest extended seq (cycles + max_seq) */
	int64_t base_ext;    /* first extended seq of the current sequence */
	uint32_t cycles;     /* RFC 3550 A.1: wraps counted, times 2^16 */
	uint16_t max_seq;
	bool started;
	uint32_t bad_seq;    /* RFC 3550 A.1: seq that would confirm a jump */
	uint64_t received;   /* distinct packets counted (not dups, not jumps) */
	uint64_t expected_prior; /* expected of sequences before the last resync */
	uint64_t duplicates;
	uint64_t reordered;
	uint64_t jumps;      /* unconfirmed jump packets (not in received) */
	uint64_t resyncs;    /* seq_resync: confirmed restarts */
	uint64_t win[MBL_RX_WIN_WORDS]; /* bit (ext % 1024): seen */
};

/* Reset to "no packet yet". Any thread that owns s. */
static inline void mbl_rx_seq_init(struct mbl_rx_seq *s)
{
	memset(s, 0, sizeof(*s));
	s->bad_seq = UINT32_MAX;
}

static inline bool mbl_rx_win_test(const struct mbl_rx_seq *s, int64_t ext)
{
	uint64_t b = (uint64_t)ext % MBL_RX_WIN_BITS;

	return (s->win[b / 64] >> (b % 64)) & 1;
}

static inline void mbl_rx_win_set(struct mbl_rx_seq *s, int64_t ext)
{
	uint64_t b = (uint64_t)ext % MBL_RX_WIN_BITS;

	s->win[b / 64] |= 1ULL << (b % 64);
}

/* Forget the n window positions starting at ext: they now stand for seqs
 * 1024 higher that have not arrived yet. Word at a time, so a gap costs at
 * most 17 iterations. */
static inline void mbl_rx_win_clear(struct mbl_rx_seq *s, int64_t ext,
				    uint64_t n)
{
	uint64_t b = (uint64_t)ext % MBL_RX_WIN_BITS;

	if (n >= MBL_RX_WIN_BITS) {
		memset(s->win, 0, sizeof(s->win));
		return;
	}
	while (n) {
		unsigned off = b % 64;
		uint64_t k = MBL_MIN(64 - off, n);
		uint64_t m = (k == 64 ? ~0ULL : ((1ULL << k) - 1)) << off;

		s->win[(b / 64) % MBL_RX_WIN_WORDS] &= ~m;
		b = (b + k) % MBL_RX_WIN_BITS;
		n -= k;
	}
}

/* Start a (new) sequence at highest seq `seq` (cycle 0) whose first
 * extended seq is base. */
static inline void mbl_rx_seq_restart(struct mbl_rx_seq *s, uint16_t seq,
				      int64_t base)
{
	s->max_seq = seq;
	s->cycles = 0;
	s->max_ext = seq;
	s->base_ext = base;
	s->bad_seq = UINT32_MAX;
	memset(s->win, 0, sizeof(s->win));
}

/* Slow path of mbl_rx_seq_update for |jump| >= MBL_RX_MAX_JUMP: RFC 3550
 * A.1 "two sequential packets" rule. The first packet of a possible new
 * sequence is not counted (it may be a stray); the next one in that
 * sequence, seq+1, confirms it even if old-sequence packets arrived in
 * between (as in A.1, bad_seq is only cleared by a resync): the totals so
 * far move to expected_prior and both packets count in the new sequence. */
static inline int mbl_rx_seq_jump(struct mbl_rx_seq *s, uint16_t seq)
{
	if (seq != s->bad_seq) {
		s->bad_seq = (uint16_t)(seq + 1);
		s->jumps++;
		return MBL_RX_JUMP;
	}
	s->expected_prior += (uint64_t)(s->max_ext - s->base_ext + 1);
	s->jumps--; /* the held packet now counts as received */
	s->resyncs++;
	/* the new sequence begins at the held packet, seq - 1 (which may be
	 * 65535 when seq is 0: ext -1, below cycle 0) */
	mbl_rx_seq_restart(s, seq, (int64_t)seq - 1);
	mbl_rx_win_set(s, (int64_t)seq - 1);
	mbl_rx_win_set(s, seq);
	s->received += 2;
	return MBL_RX_RESYNC;
}

/* Account one received RTP packet with sequence number seq (host order).
 * Returns enum mbl_rx_verdict. Owner lcore only; O(1), no allocation. */
static inline int mbl_rx_seq_update(struct mbl_rx_seq *s, uint16_t seq)
{
	uint16_t udelta = (uint16_t)(seq - s->max_seq);
	int64_t ext;

	if (mbl_unlikely(!s->started)) {
		s->started = true;
		mbl_rx_seq_restart(s, seq, seq);
		mbl_rx_win_set(s, seq);
		s->received = 1;
		return MBL_RX_NEW;
	}
	if (udelta != 0 && udelta < MBL_RX_MAX_JUMP) {
		/* in order, with a permissible gap (RFC 3550 A.1) */
		if (seq < s->max_seq)
			s->cycles += 1u << 16;
		ext = (int64_t)s->cycles + seq;
		mbl_rx_win_clear(s, s->max_ext + 1, (uint64_t)(ext - s->max_ext));
		mbl_rx_win_set(s, ext);
		s->max_seq = seq;
		s->max_ext = ext;
		s->received++;
		return MBL_RX_NEW;
	}
	if (udelta != 0 && udelta <= 65536 - MBL_RX_MAX_JUMP)
		return mbl_rx_seq_jump(s, seq);
	/* udelta == 0 or a late packet at most MAX_JUMP behind the highest */
	ext = s->max_ext - (int64_t)(uint16_t)(s->max_seq - seq);
	if (s->max_ext - ext < MBL_RX_WIN_BITS) {
		if (mbl_rx_win_test(s, ext)) {
			s->duplicates++;
			return MBL_RX_DUP;
		}
		mbl_rx_win_set(s, ext);
	}
	/* Late packets from before the first one we saw extend the sequence
	 * backwards (as Wireshark does) instead of making loss negative. */
	if (ext < s->base_ext)
		s->base_ext = ext;
	s->received++;
	s->reordered++;
	return MBL_RX_REORDER;
}

/* Extended highest sequence number received, as in an RTCP report block
 * (RFC 3550 6.4.1). Any thread holding a copy. */
static inline uint32_t mbl_rx_seq_ext_max(const struct mbl_rx_seq *s)
{
	return s->cycles + s->max_seq;
}

/* Packets expected since the first one (RFC 3550 A.3), across resyncs. */
static inline uint64_t mbl_rx_seq_expected(const struct mbl_rx_seq *s)
{
	if (!s->started)
		return 0;
	return s->expected_prior + (uint64_t)(s->max_ext - s->base_ext + 1);
}

/* expected - received: negative when duplicates beyond the window or
 * late pre-resync packets were counted. Report with mbl_rx_seq_lost(). */
static inline int64_t mbl_rx_seq_lost_signed(const struct mbl_rx_seq *s)
{
	return (int64_t)mbl_rx_seq_expected(s) - (int64_t)s->received;
}

/* Lost packets clamped at 0, for reports. */
static inline uint64_t mbl_rx_seq_lost(const struct mbl_rx_seq *s)
{
	int64_t l = mbl_rx_seq_lost_signed(s);

	return l > 0 ? (uint64_t)l : 0;
}

/* ------------------------------------------------------------------------
 * Interarrival jitter, RFC 3550 6.4.1 and A.8.
 * ---------------------------------------------------------------------- */

/* Arrival times are kept in RTP timestamp units with this many fraction
 * bits, so a 1 us arrival offset is not rounded to a whole 125 us tick at
 * 8 kHz (Wireshark computes in floating point; we want to agree with it). */
#define MBL_RX_JIT_FRAC 8
/* Above this gap (ns) the 64-bit conversion could overflow: use 128 bits.
 * 2^39 ns is about 9 minutes. */
#define MBL_RX_JIT_BIG_GAP (1ULL << 39)

struct mbl_rx_jitter {
	/* owner lcore: rw */
	uint64_t jit;        /* 16 * J in timestamp units << FRAC (A.8 form) */
	uint64_t jit_sum;    /* sum of jit after each difference, for the mean */
	uint64_t n_diff;     /* differences seen (packets - 1) */
	uint64_t last_ns;    /* arrival of the previous packet */
	uint64_t rem;        /* remainder of the ns -> units conversion */
	uint32_t arr;        /* arrival in timestamp units << FRAC, mod 2^32 */
	uint32_t transit;    /* arr - (rtp_ts << FRAC) of the previous packet */
	bool started;
};

static inline void mbl_rx_jitter_init(struct mbl_rx_jitter *j)
{
	memset(j, 0, sizeof(*j));
}

/* Advance j->arr to arrival_ns. Exact over any run time: the remainder of
 * every division is carried to the next packet, so nothing drifts. */
static inline void mbl_rx_jitter_clock(struct mbl_rx_jitter *j,
				       uint64_t arrival_ns, uint32_t clock_rate)
{
	uint64_t dns = arrival_ns > j->last_ns ? arrival_ns - j->last_ns : 0;
	uint64_t scale = (uint64_t)clock_rate << MBL_RX_JIT_FRAC;

	if (mbl_likely(dns < MBL_RX_JIT_BIG_GAP)) {
		uint64_t num = dns * scale + j->rem;

		j->arr += (uint32_t)(num / MBL_NS_PER_S);
		j->rem = num % MBL_NS_PER_S;
	} else {
		unsigned __int128 num = (unsigned __int128)dns * scale + j->rem;

		j->arr += (uint32_t)(num / MBL_NS_PER_S);
		j->rem = (uint64_t)(num % MBL_NS_PER_S);
	}
	if (dns)
		j->last_ns = arrival_ns;
}

/* Account one packet with RTP timestamp rtp_ts that arrived at arrival_ns
 * (any monotonic ns clock; a clock going backwards counts as no time).
 * clock_rate (Hz) must be constant for the stream. Feed every packet in
 * arrival order (RFC 3550 A.8), late ones and duplicates too: Wireshark's
 * RTP analysis does, so the two agree. Returns |D| of this packet against
 * the previous one in timestamp units << MBL_RX_JIT_FRAC (0 for the first,
 * which n_diff does not count). Owner lcore only. */
static inline uint32_t mbl_rx_jitter_update(struct mbl_rx_jitter *j,
					uint32_t rtp_ts, uint64_t arrival_ns,
					uint32_t clock_rate)
{
	uint32_t transit, ad;
	int32_t d;

	if (mbl_unlikely(!j->started)) {
		j->started = true;
		j->last_ns = arrival_ns;
		j->transit = j->arr - (rtp_ts << MBL_RX_JIT_FRAC);
		return 0;
	}
	mbl_rx_jitter_clock(j, arrival_ns, clock_rate);
	/* mod 2^32 differences stay exact while |D| < 2^23 units */
	transit = j->arr - (rtp_ts << MBL_RX_JIT_FRAC);
	d = (int32_t)(transit - j->transit);
	ad = d < 0 ? 0u - (uint32_t)d : (uint32_t)d;
	j->transit = transit;
	/* RFC 3550 A.8: jitter += |D| - ((jitter + 8) >> 4), jitter = 16 J;
	 * unsigned wrap of the difference is intended, the sum stays >= 0 */
	j->jit += (uint64_t)ad - ((j->jit + 8) >> 4);
	j->jit_sum += j->jit;
	j->n_diff++;
	return ad;
}

/* The sender's timestamps jumped (e.g. MBL_RX_RESYNC): take the next
 * packet as a new reference instead of feeding one huge |D| into J.
 * J and the mean are kept. Owner lcore. */
static inline void mbl_rx_jitter_rebase(struct mbl_rx_jitter *j)
{
	j->started = false;
}

/* Current J in whole timestamp units, as carried in an RTCP report block
 * (RFC 3550 6.4.1 "interarrival jitter"). */
static inline uint32_t mbl_rx_jitter_rtcp(const struct mbl_rx_jitter *j)
{
	return (uint32_t)(j->jit >> (4 + MBL_RX_JIT_FRAC));
}

/* Current J in milliseconds. Any thread holding a copy. */
double mbl_rx_jitter_ms(const struct mbl_rx_jitter *j, uint32_t clock_rate);

/* Mean of the running J over all differences (packets - 1), in ms: the
 * definition of Wireshark's RTP stream analysis "Mean Jitter". 0 before
 * the second packet. */
double mbl_rx_jitter_mean_ms(const struct mbl_rx_jitter *j,
			     uint32_t clock_rate);

/* ------------------------------------------------------------------------
 * Log-linear histogram (HdrHistogram-like) for u64 values.
 *
 * Values below 128 have their own bucket; above, each power of two is cut
 * into 64 buckets, so a bucket is at most 1/64 of its lower bound wide and
 * its midpoint is within 0.8% of any value in it. Values of 2^40 and more
 * share the last bucket (min, max, mean stay exact).
 * ---------------------------------------------------------------------- */
#define MBL_HIST_SUB_BITS 6
#define MBL_HIST_SUB (1u << MBL_HIST_SUB_BITS)
#define MBL_HIST_MAX_BITS 40
#define MBL_HIST_GROUPS (MBL_HIST_MAX_BITS - MBL_HIST_SUB_BITS)
#define MBL_HIST_BUCKETS ((MBL_HIST_GROUPS + 1) * MBL_HIST_SUB)
#define MBL_HIST_VMAX ((1ULL << MBL_HIST_MAX_BITS) - 1)

/* No pointers: lives in per-lcore arrays, copied and merged by value.
 * About 17.5 KiB (2240 u64 buckets; 16 KiB would mean stopping at 2^36 or
 * u32 buckets that a busy lcore overflows in minutes). Owner: one writer
 * (usually a data-plane lcore). */
struct mbl_hist {
	uint64_t count;
	uint64_t min;
	uint64_t max;
	unsigned __int128 sum; /* exact even for 2^40 x 2^40 */
	uint64_t bucket[MBL_HIST_BUCKETS];
};

/* Bucket of v: g = max(msb(v) - 6, 0), index = g * 64 + (v >> g). */
static inline unsigned mbl_hist_index(uint64_t v)
{
	unsigned g;

	v = v > MBL_HIST_VMAX ? MBL_HIST_VMAX : v;
	g = (unsigned)(63 - __builtin_clzll(v | MBL_HIST_SUB)) - MBL_HIST_SUB_BITS;
	return g * MBL_HIST_SUB + (unsigned)(v >> g);
}

/* Record one value. Owner thread only; a few instructions, no branches
 * besides min/max. A zeroed struct is a valid empty histogram. */
static inline void mbl_hist_add(struct mbl_hist *h, uint64_t v)
{
	h->bucket[mbl_hist_index(v)]++;
	h->sum += v;
	if (v < h->min || h->count == 0)
		h->min = v;
	if (v > h->max)
		h->max = v;
	h->count++;
}

/* Empty h (same as zeroing it). Owner thread. */
void mbl_hist_reset(struct mbl_hist *h);
/* dst += src. Any thread owning dst and holding a stable copy of src. */
void mbl_hist_merge(struct mbl_hist *dst, const struct mbl_hist *src);
/* h -= then, where then is an earlier copy of the same histogram (every
 * bucket of then <= h's): what was added since. min and max become the
 * bounds of the outermost non-empty buckets (the exact ones are lost), sum
 * stays exact. Control plane. */
void mbl_hist_since(struct mbl_hist *h, const struct mbl_hist *then);
/* Bounds [lo, hi) of bucket i, in recorded units. */
void mbl_hist_bucket_bounds(unsigned i, uint64_t *lo, uint64_t *hi);
uint64_t mbl_hist_count(const struct mbl_hist *h);
uint64_t mbl_hist_min(const struct mbl_hist *h);  /* exact; 0 if empty */
uint64_t mbl_hist_max(const struct mbl_hist *h);  /* exact; 0 if empty */
double mbl_hist_mean(const struct mbl_hist *h);   /* exact; 0 if empty */
/* The value at percentile p (0..100, clamped): the ceil(p% * count)-th
 * smallest sample, reported as its bucket's midpoint clamped to
 * [min, max], so within 0.8% of the true sample (values < 2^40). p = 0
 * returns min and p = 100 the exact max. 0 if empty. Control plane. */
uint64_t mbl_hist_pct(const struct mbl_hist *h, double p);

/* Write {"count","min","mean","p50","p90","p99","p999","max","buckets"}
 * under key, every value but the counts divided by div (e.g. 1e3 for ns ->
 * us; div <= 0 means 1). buckets: [[lo, hi, count], ...] for each
 * non-empty bucket in ascending order, enough to merge reports exactly
 * and draw the distribution. Control plane. */
void mbl_hist_json(struct mbl_json *j, const char *key,
		   const struct mbl_hist *h, double div);

/* ------------------------------------------------------------------------
 * ITU-T G.107 E-model, reduced to the factors a media tester measures.
 * R = R0 - Idd(Ta) - Ie,eff(Ppl), A = 0, every other G.107 parameter at
 * its default (R0 - Is = 93.2 with default values, G.107 7.1). Talker
 * echo (Idte) and listener echo (Idle) are taken as fully controlled.
 * ---------------------------------------------------------------------- */
enum mbl_emodel_codec {
	MBL_EMODEL_G711 = 0, /* G.113 App. I: Ie 0, Bpl 25.1 (with PLC) */
	MBL_EMODEL_G729A,    /* Ie 11, Bpl 19 */
	MBL_EMODEL_G722,     /* wideband out of scope: scored as G.711 */
	MBL_EMODEL_OPUS,     /* Ie 0, Bpl 20 (narrowband-equivalent guess) */
	MBL_EMODEL_CODEC_COUNT,
};

struct mbl_emodel_in {
	enum mbl_emodel_codec codec;
	double loss_pct;   /* packet loss 0..100 (Ppl) */
	double burst_r;    /* G.107 BurstR; 0 means 1 (random loss) */
	double delay_ms;   /* one-way network delay (mouth-to-ear without the
			    * jitter buffer and packetisation below) */
	double jitter_ms;  /* interarrival jitter J (RFC 3550) */
	double ptime_ms;   /* packetisation interval */
};

/* Codec constants of G.113 Appendix I; -EINVAL for an unknown codec. */
int mbl_emodel_codec_params(enum mbl_emodel_codec c, double *ie, double *bpl);
/* R-factor in 0..100 (clamped). Mouth-to-ear delay Ta is approximated as
 * delay_ms + 2 * jitter_ms (a jitter buffer sized at twice the jitter) +
 * ptime_ms (packetisation). Any thread; pure. */
double mbl_emodel_r(const struct mbl_emodel_in *in);
/* MOS-CQE from R, G.107 Annex B (B-4): 1 for R <= 0 (and never below 1),
 * 4.5 for R >= 100. Any thread; pure. */
double mbl_emodel_mos(double r);

#endif /* MBL_STATS_H */
