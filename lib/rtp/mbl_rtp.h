/* SPDX-License-Identifier: BSD-3-Clause
 * mediablast RTP layer: RTP header parsing (RFC 3550; RTCP is lib/rtcp), first-byte
 * demultiplexing (RFC 7983), codec table and G.711/G.722 encoders,
 * precomputed payload sources, RFC 4733 DTMF events and the probe payload.
 *
 * Threads: everything marked "any thread" is pure (no globals written) and
 * may run on data-plane lcores. Functions that allocate or touch files are
 * control plane only and say so. Nothing here needs rte_eal_init().
 */
#ifndef MBL_RTP_H
#define MBL_RTP_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>

/* ---- RTP fixed header (RFC 3550 5.1) ------------------------------------ */

#define MBL_RTP_VERSION 2
#define MBL_RTP_HDR_LEN 12 /* fixed header, no CSRC */

/* Bit fields are kept in whole bytes so the layout does not depend on the
 * compiler's bit-field order. */
struct mbl_rtp_hdr {
	uint8_t vpxcc;   /* V(2) P(1) X(1) CC(4) */
	uint8_t mpt;     /* M(1) PT(7) */
	rte_be16_t seq;
	rte_be32_t ts;
	rte_be32_t ssrc;
} __attribute__((packed));

/* RFC 3550 5.3.1 header extension preamble. */
struct mbl_rtp_ext_hdr {
	rte_be16_t profile;
	rte_be16_t len_words; /* length in 32-bit words, excluding this header */
} __attribute__((packed));

/* The 12-byte fixed header (V=2, P=0, X=0, CC=0) as a value, so callers
 * can also checksum it from registers. pt is masked to 7 bits. Any thread. */
static inline struct mbl_rtp_hdr mbl_rtp_hdr_make(uint8_t pt, bool marker, uint16_t seq,
						  uint32_t ts, uint32_t ssrc)
{
	struct mbl_rtp_hdr h = {
		.vpxcc = MBL_RTP_VERSION << 6,
		.mpt = (uint8_t)((marker ? 0x80 : 0) | (pt & 0x7f)),
		.seq = rte_cpu_to_be_16(seq),
		.ts = rte_cpu_to_be_32(ts),
		.ssrc = rte_cpu_to_be_32(ssrc),
	};
	return h;
}

/* Write the fixed header at p, which must hold at least MBL_RTP_HDR_LEN
 * bytes. Any thread. */
static inline void mbl_rtp_write_hdr(uint8_t *p, uint8_t pt, bool marker,
				     uint16_t seq, uint32_t ts, uint32_t ssrc)
{
	struct mbl_rtp_hdr h = mbl_rtp_hdr_make(pt, marker, seq, ts, ssrc);

	memcpy(p, &h, sizeof(h));
}

/* Drop reasons of mbl_rtp_parse() and mbl_rtcp_walk() (lib/rtcp): one list so the
 * enum, the names and the data plane's counters stay in step. */
#define MBL_RTP_DROP_LIST(X)                                                   \
	X(none, "accepted")                                                    \
	X(short_packet, "RTP shorter than the 12-byte fixed header")           \
	X(too_long, "longer than any UDP payload (65535 bytes)")              \
	X(bad_version, "RTP version is not 2")                                 \
	X(csrc_overrun, "RTP CSRC list runs past the packet end")              \
	X(extension_overrun, "RTP header extension runs past the packet end")  \
	X(bad_padding, "RTP padding count is 0 or larger than the payload")    \
	X(rtcp_short, "RTCP shorter than one 8-byte common header")            \
	X(rtcp_bad_version, "RTCP version is not 2")                           \
	X(rtcp_bad_first_pt, "first RTCP packet is neither SR, RR nor feedback") \
	X(rtcp_bad_length, "RTCP length fields do not tile the compound")     \
	X(rtcp_bad_padding, "RTCP padding not on the last packet or invalid")

#define MBL_RTP_DROP_ENUM_(name, desc) MBL_RTP_DROP_##name,
enum mbl_rtp_drop {
	MBL_RTP_DROP_LIST(MBL_RTP_DROP_ENUM_)
	MBL_RTP_DROP_MAX
};
#undef MBL_RTP_DROP_ENUM_

/* Short names ("short_packet", ...) indexed by enum mbl_rtp_drop, for
 * counters and telemetry keys; mbl_rtp_drop_descs holds the sentences. */
extern const char *const mbl_rtp_drop_names[MBL_RTP_DROP_MAX];
extern const char *const mbl_rtp_drop_descs[MBL_RTP_DROP_MAX];

struct mbl_rtp_info {
	uint32_t ts;
	uint32_t ssrc;
	uint16_t seq;
	uint16_t hdr_len;     /* 12 + 4*CC + extension (preamble included) */
	uint16_t payload_off; /* == hdr_len */
	uint16_t payload_len; /* after removing padding */
	uint16_t pad_len;     /* padding bytes removed (0 if P clear) */
	uint16_t ext_profile; /* valid when has_ext */
	uint8_t pt;
	uint8_t cc;
	bool marker;
	bool has_ext;
};

/* Parse and validate an RTP packet of len bytes (RFC 3550 5.1, 5.3.1, A.1
 * checks that need no stream state). Behind the RFC 7983 demux, whose RTP
 * range (first byte 128..191) already implies version 2, bad_version is
 * defence in depth for callers that skip the demux. Accepts any payload type; the caller
 * matches PT and SSRC against the stream. Returns 0 and fills *ri, or
 * -(enum mbl_rtp_drop) with *ri unspecified. Reads only p[0..len). Any
 * thread; no allocation, no logging. */
int mbl_rtp_parse(const uint8_t *p, uint32_t len, struct mbl_rtp_info *ri);

/* ---- demultiplexing (RFC 7983 section 7, RFC 5761 section 4) ------------ */

#define MBL_RTP_DEMUX_LIST(X)                                                  \
	X(unknown) X(stun) X(zrtp) X(dtls) X(turn) X(rtp) X(rtcp)
#define MBL_RTP_DEMUX_ENUM_(name) MBL_RTP_DEMUX_##name,
enum mbl_rtp_demux {
	MBL_RTP_DEMUX_LIST(MBL_RTP_DEMUX_ENUM_)
	MBL_RTP_DEMUX_MAX
};
#undef MBL_RTP_DEMUX_ENUM_
extern const char *const mbl_rtp_demux_names[MBL_RTP_DEMUX_MAX];

/* Classify a UDP payload by its first byte (RFC 7983 7): 0-3 STUN, 16-19
 * ZRTP, 20-63 DTLS, 64-79 TURN channel, 128-191 RTP or RTCP; RTCP when the
 * second byte is 192..223 (RFC 5761 4: those values are the RTCP packet
 * types that collide with RTP PT 64-95 plus marker, which RTP must not
 * use). Only the first two bytes are looked at; the parsers do the rest.
 * Empty input, 4-15, 80-127, 192-255 and a lone RTP/RTCP byte are
 * UNKNOWN. Any thread. */
static inline enum mbl_rtp_demux mbl_rtp_demux(const uint8_t *p, uint32_t len)
{
	if (len == 0)
		return MBL_RTP_DEMUX_unknown;
	uint8_t b = p[0];
	if (b <= 3)
		return MBL_RTP_DEMUX_stun;
	if (b >= 16 && b <= 19)
		return MBL_RTP_DEMUX_zrtp;
	if (b >= 20 && b <= 63)
		return MBL_RTP_DEMUX_dtls;
	if (b >= 64 && b <= 79)
		return MBL_RTP_DEMUX_turn;
	if (b < 128 || b > 191 || len < 2)
		return MBL_RTP_DEMUX_unknown;
	if (p[1] >= 192 && p[1] <= 223)
		return MBL_RTP_DEMUX_rtcp;
	return MBL_RTP_DEMUX_rtp;
}

/* ---- codecs (RFC 3551 section 4.5, table 4; RFC 7587 for Opus) ---------- */

enum mbl_codec_id {
	MBL_CODEC_PCMU,
	MBL_CODEC_PCMA,
	MBL_CODEC_G722,
	MBL_CODEC_G729,
	MBL_CODEC_OPUS,
	MBL_CODEC_MAX
};

struct mbl_codec {
	const char *name;        /* SDP encoding name as in rtpmap */
	enum mbl_codec_id id;
	uint8_t pt;              /* static PT, or default dynamic PT */
	bool dynamic_pt;         /* pt is only a default (opus) */
	uint8_t channels;        /* rtpmap channels (opus/48000/2) */
	uint32_t clock_rate;     /* RTP timestamp rate */
	uint32_t sample_rate;    /* audio sampling rate fed to the encoder */
	uint16_t bytes_per_10ms; /* CBR frame bytes per 10 ms; 0 = variable */
	uint8_t ptime_mask;      /* bit k set: (k+1)*10 ms allowed, k 0..5 */
};

/* Case-insensitive lookup of "PCMU", "PCMA", "G722", "G729", "opus".
 * Returns a pointer into a static table, or NULL. Any thread. */
const struct mbl_codec *mbl_codec_find(const char *name);
const struct mbl_codec *mbl_codec_get(enum mbl_codec_id id);

/* True when ptime_ms is an allowed packetisation time for c. */
static inline bool mbl_codec_ptime_ok(const struct mbl_codec *c,
				      unsigned ptime_ms)
{
	if (ptime_ms == 0 || ptime_ms % 10 || ptime_ms > 60)
		return false;
	return c->ptime_mask & (1u << (ptime_ms / 10 - 1));
}

/* RTP timestamp increment per packet of ptime_ms. */
static inline uint32_t mbl_codec_ts_step(const struct mbl_codec *c,
					 unsigned ptime_ms)
{
	return c->clock_rate / 1000 * ptime_ms;
}

/* ITU-T G.711 on 16-bit linear samples (the low 2 / 3 bits are dropped as
 * the 14-bit mu-law and 13-bit A-law encoders of G.711 do). Any thread. */
uint8_t mbl_codec_ulaw_enc(int16_t s);
int16_t mbl_codec_ulaw_dec(uint8_t code);
uint8_t mbl_codec_alaw_enc(int16_t s);
int16_t mbl_codec_alaw_dec(uint8_t code);

/* G.722 64 kbit/s (mode 1) encoder/decoder; see rtp_g722.h. */

/* ---- payload sources ----------------------------------------------------- */

#define MBL_PAYLOAD_TONE_MAX_FRAMES 50
#define MBL_PAYLOAD_MAX_FRAME 1400     /* bytes; fits a 1500-byte MTU */
#define MBL_PAYLOAD_MAX_FILE (64u << 20)

/* Precomputed frames: the data plane copies frame (i % n_frames) into each
 * packet and adds sum[i] into the UDP checksum, so it never encodes.
 * Ownership: built and freed by the control plane; read-only for every
 * data-plane lcore between publication and mbl_payload_free(). */
struct mbl_payload {
	uint8_t *data;     /* frames back to back */
	uint32_t *off;     /* off[i]: frame i starts at data + off[i] */
	uint16_t *len;     /* len[i]: bytes of frame i */
	uint32_t *sum;     /* sum[i]: partial checksum, see below */
	uint32_t n_frames;
	uint16_t max_len;  /* largest len[i] */
	uint16_t ptime_ms;
	uint32_t ts_step;  /* RTP timestamp increment per frame */
	uint32_t tone_milli_hz; /* tone sources: frequency really used */
	const struct mbl_codec *codec;
};

/* sum[i] is the RFC 1071 partial sum of frame i without folding: 32-bit
 * accumulator of the 16-bit words as loaded from memory (native loads of
 * network-order data, the representation DPDK's __rte_raw_cksum() uses), an
 * odd trailing byte padded with a zero byte. It assumes the frame starts at
 * an even offset of the UDP payload, which holds since the RTP header is
 * 12 + 4*CC bytes. Add it to the header's sum, fold, complement. */

/* Fill *pl with a continuous sine of freq_hz at level_dbm0 (-60..3; 0 dBm0
 * is 3.17 dB below full scale as in G.711) for PCMU, PCMA or G722 at an
 * allowed ptime_ms. n_frames is the smallest count whose concatenation
 * holds whole periods; if that exceeds MBL_PAYLOAD_TONE_MAX_FRAMES the
 * loop is cut to at most 1 s and the frequency rounded to fit
 * (tone_milli_hz says what was used). G722 repeats that loop up to the
 * cap and encodes it from a warmed-up ADPCM state, since every wrap is a
 * small ADPCM state mismatch (a decoder converges within ~200 ms; about
 * 47 dB SNR between wraps). Returns 0, -EINVAL (codec, ptime, frequency
 * not below half the sampling rate, level out of range), -ENOMEM.
 * Control plane. */
int mbl_payload_tone(struct mbl_payload *pl, const struct mbl_codec *c,
		     unsigned ptime_ms, unsigned freq_hz, int level_dbm0);

/* Load frames from a file. CBR codecs (bytes_per_10ms != 0): the file is
 * the raw encoded byte stream, cut into bytes_per_10ms * ptime / 10 byte
 * frames; a trailing partial frame is dropped. Variable-rate codecs (opus):
 * the file is a sequence of records, each a 2-byte big-endian length N
 * (1..MBL_PAYLOAD_MAX_FRAME) followed by N bytes of one RTP payload. The
 * frames are trusted to last ptime_ms each (nothing checks the Opus TOC).
 * Files above MBL_PAYLOAD_MAX_FILE are refused. Returns 0, -EINVAL (bad
 * codec/ptime, empty or too short file, malformed record), -errno of
 * open/read, -ENOMEM; on error err gets a message naming path. Control
 * plane only (blocking I/O). */
int mbl_payload_file(struct mbl_payload *pl, const struct mbl_codec *c,
		     unsigned ptime_ms, const char *path, char *err,
		     size_t errlen);

/* Release what mbl_payload_tone/file allocated; safe on a zeroed or freed
 * struct. Control plane, after every data-plane reader is done. */
void mbl_payload_free(struct mbl_payload *pl);

/* Frame i modulo n_frames: returns its bytes, sets *len and *sum. */
static inline const uint8_t *mbl_payload_frame(const struct mbl_payload *pl,
					       uint64_t i, uint16_t *len,
					       uint32_t *sum)
{
	uint32_t k = (uint32_t)(i % pl->n_frames);
	*len = pl->len[k];
	*sum = pl->sum[k];
	return pl->data + pl->off[k];
}

/* ---- DTMF events (RFC 4733 section 2.3) ----------------------------------- */

#define MBL_DTMF_PAYLOAD_LEN 4
#define MBL_DTMF_END_PACKETS 3
#define MBL_DTMF_DEFAULT_VOLUME 10 /* -dBm0 */

/* Write the 4-byte event payload: event, E bit, R=0, volume (0..63, in
 * -dBm0, masked to 6 bits), duration in timestamp units. Any thread. */
static inline void mbl_dtmf_write(uint8_t *p, uint8_t event, bool end,
				  uint8_t volume, uint16_t duration)
{
	p[0] = event;
	p[1] = (uint8_t)((end ? 0x80 : 0) | (volume & 0x3f));
	p[2] = (uint8_t)(duration >> 8);
	p[3] = (uint8_t)duration;
}

/* Map '0'-'9', '*', '#', 'A'-'D' (either case) to RFC 4733 3.2 event codes
 * 0..15. Returns the code or -EINVAL. Any thread. */
int mbl_dtmf_event(char c);

/* Sending one event (RFC 4733 2.5.1), one packet per ptime tick, all with
 * the RTP timestamp of the event start and consecutive sequence numbers:
 *   tick 0      : marker set, duration = ts_step
 *   tick 1..n-2 : duration grows by ts_step each tick
 *   tick n-1    : E set, duration = whole event (n = duration / ts_step)
 *   2 more ticks: the same E packet again (3 end packets in total)
 * so a 100 ms digit at 20 ms / 8 kHz is 160(M) 320 480 640 800(E) 800(E)
 * 800(E). After it the audio timestamp continues as if audio had been sent
 * all along (it advanced by ts_step per tick). Owned by one data-plane
 * lcore. */
enum mbl_dtmf_state { MBL_DTMF_IDLE, MBL_DTMF_ACTIVE, MBL_DTMF_ENDING };

struct mbl_dtmf_tx {
	uint32_t ts;         /* RTP timestamp of the event start */
	uint32_t ts_step;    /* timestamp units per tick */
	uint32_t total;      /* event duration in timestamp units */
	uint32_t elapsed;    /* duration sent so far */
	uint8_t event;
	uint8_t volume;
	uint8_t ends_left;   /* E packets still to send */
	uint8_t state;       /* enum mbl_dtmf_state */
};

/* Arm t for one event starting at RTP timestamp ts. duration_ts is rounded
 * up to a whole number of ticks. Returns 0, -EINVAL (event > 255, volume >
 * 63, ts_step 0, duration 0), -ERANGE (duration above 0xffff: RFC 4733
 * 2.5.1.3 segments are not implemented). Any thread. */
int mbl_dtmf_start(struct mbl_dtmf_tx *t, unsigned event, unsigned volume,
		   uint32_t ts, uint32_t duration_ts, uint32_t ts_step);

/* Produce the packet of this tick into out (4 bytes): returns
 * MBL_DTMF_PAYLOAD_LEN with *marker and *ts (the timestamp to put in the
 * RTP header) set, or 0 when no event is active. Any thread. */
int mbl_dtmf_next(struct mbl_dtmf_tx *t, uint8_t *out, bool *marker,
		  uint32_t *ts);

static inline bool mbl_dtmf_active(const struct mbl_dtmf_tx *t)
{
	return t->state != MBL_DTMF_IDLE;
}

/* ---- probe payload --------------------------------------------------------- */

/* Layout (big-endian): magic "MBLP" (4), stream id (4), probe seq (8),
 * tx timestamp ns (8), then filler to the payload length. The filler is
 * the big-endian xorshift64* stream seeded from (stream id, seq, tx ns), so
 * the receiver regenerates and compares it: any corrupted byte, in the
 * filler or in the header fields that seed it, is caught (with 8 or more
 * filler bytes; a 24-byte probe only has its magic checked). */
#define MBL_PROBE_MAGIC 0x4d424c50u /* "MBLP" */
#define MBL_PROBE_HDR_LEN 24

struct mbl_probe_hdr {
	rte_be32_t magic;
	rte_be32_t stream_id;
	rte_be64_t seq;
	rte_be64_t tx_ns;
} __attribute__((packed));

struct mbl_probe_info {
	uint32_t stream_id;
	uint64_t seq;
	uint64_t tx_ns;
};

static inline uint64_t mbl_probe_seed_(uint32_t stream_id, uint64_t seq,
				       uint64_t tx_ns)
{
	/* splitmix64 finaliser: neighbouring seqs give unrelated streams */
	uint64_t z = ((uint64_t)stream_id << 32 | stream_id) ^ seq ^
		     (tx_ns << 17 | tx_ns >> 47);
	z += 0x9e3779b97f4a7c15ull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return z ? z : 0x9e3779b97f4a7c15ull; /* xorshift state must be != 0 */
}

static inline uint64_t mbl_probe_rand_(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dull;
}

/* Add a 64-bit word to a ones-complement accumulator (end-around carry). */
static inline uint64_t mbl_probe_add_(uint64_t acc, uint64_t w)
{
	acc += w;
	return acc + (acc < w);
}

/* Write a probe of len bytes (len >= MBL_PROBE_HDR_LEN, which the caller
 * guarantees; shorter buffers are left untouched) and return its partial
 * checksum in the mbl_payload sum representation, so the caller can finish
 * the UDP checksum without reading the payload again. p needs no
 * alignment. Any thread; one xorshift step per 8 bytes. */
static inline uint32_t mbl_probe_write_sum(uint8_t *p, uint32_t len,
					   uint32_t stream_id, uint64_t seq,
					   uint64_t tx_ns)
{
	if (len < MBL_PROBE_HDR_LEN)
		return 0;
	struct mbl_probe_hdr h = {
		.magic = rte_cpu_to_be_32(MBL_PROBE_MAGIC),
		.stream_id = rte_cpu_to_be_32(stream_id),
		.seq = rte_cpu_to_be_64(seq),
		.tx_ns = rte_cpu_to_be_64(tx_ns),
	};
	uint64_t w[3], acc = 0, st = mbl_probe_seed_(stream_id, seq, tx_ns);
	memcpy(p, &h, sizeof(h));
	memcpy(w, &h, sizeof(h));
	acc = mbl_probe_add_(mbl_probe_add_(mbl_probe_add_(0, w[0]), w[1]),
			     w[2]);
	uint32_t off = MBL_PROBE_HDR_LEN;
	for (; off + 8 <= len; off += 8) {
		uint64_t v = rte_cpu_to_be_64(mbl_probe_rand_(&st));
		memcpy(p + off, &v, 8);
		acc = mbl_probe_add_(acc, v);
	}
	if (off < len) {
		uint64_t v = rte_cpu_to_be_64(mbl_probe_rand_(&st)), t = 0;
		memcpy(p + off, &v, len - off);
		memcpy(&t, &v, len - off); /* zero-padded like RFC 1071 */
		acc = mbl_probe_add_(acc, t);
	}
	/* fold to 16 bits; the 16-bit words of a native 64-bit load sum to
	 * the same ones-complement value (RFC 1071 2(C)) */
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffff) + (acc >> 16);
	acc = (acc & 0xffff) + (acc >> 16);
	return (uint32_t)acc; /* <= 0xffff: adding it cannot overflow */
}

static inline void mbl_probe_write(uint8_t *p, uint32_t len,
				   uint32_t stream_id, uint64_t seq,
				   uint64_t tx_ns)
{
	(void)mbl_probe_write_sum(p, len, stream_id, seq, tx_ns);
}

/* Check a received probe payload of len bytes. Returns 0 with *pi filled,
 * -ENOMSG when it is not a probe (shorter than 24 bytes or no magic),
 * -EBADMSG when the filler does not match (payload corrupted). Any
 * thread. */
int mbl_probe_read(const uint8_t *p, uint32_t len, struct mbl_probe_info *pi);

#endif /* MBL_RTP_H */
