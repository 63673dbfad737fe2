/* SPDX-License-Identifier: BSD-3-Clause
 * ITU-T G.722 at 64 kbit/s (mode 1): internal to lib/rtp (payload sources
 * and tests). Control plane only: the data plane never encodes.
 */
#ifndef MBL_RTP_G722_H
#define MBL_RTP_G722_H

#include <stddef.h>
#include <stdint.h>

/* State of one sub-band ADPCM coder (G.722 3.6, block 4 and scale factor
 * adaptation); the encoder and decoder keep identical copies. */
struct mbl_codec_g722_band {
	int s;       /* predictor output: signal estimate */
	int sp;      /* pole section contribution */
	int sz;      /* zero section contribution */
	int r[3];    /* reconstructed signal r(n), r(n-1), r(n-2) */
	int a[3];    /* pole coefficients a1, a2 (index 0 unused) */
	int b[7];    /* zero coefficients b1..b6 */
	int d[7];    /* quantised differences d(n)..d(n-6) */
	int p[3];    /* partial reconstructed signal p(n)..p(n-2) */
	int nb;      /* log scale factor */
	int det;     /* linear scale factor */
};

struct mbl_codec_g722 {
	int x[24];   /* QMF history: encoder input samples, newest last */
	int xd[12];  /* decoder: rL - rH history, newest last */
	int xs[12];  /* decoder: rL + rH history, newest last */
	struct mbl_codec_g722_band band[2]; /* 0: lower, 1: higher */
};

/* Reset to the G.722 initial state (both encoder and decoder). */
void mbl_codec_g722_init(struct mbl_codec_g722 *g);

/* Encode n 16 kHz 16-bit samples (n even) into n/2 bytes, the lower band
 * in the 6 low bits and the higher band in the 2 top bits. Returns the
 * bytes written. */
size_t mbl_codec_g722_encode(struct mbl_codec_g722 *g, const int16_t *pcm,
			     size_t n, uint8_t *out);

/* Decode n bytes into 2n 16 kHz samples. Returns the samples written. */
size_t mbl_codec_g722_decode(struct mbl_codec_g722 *g, const uint8_t *in,
			     size_t n, int16_t *pcm);

#endif /* MBL_RTP_G722_H */
