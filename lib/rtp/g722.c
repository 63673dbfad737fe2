/* SPDX-License-Identifier: BSD-3-Clause
 * ITU-T G.722 sub-band ADPCM, 64 kbit/s mode, written from the block
 * descriptions of the Recommendation (sections 3 and 4): a 24-tap QMF
 * splits 16 kHz audio into two 8 kHz bands, the lower coded with a 6-bit
 * adaptive quantiser, the higher with a 2-bit one; both share block 4 (an
 * adaptive 2-pole / 6-zero predictor). Not on the data path.
 */
#include <string.h>

#include "rtp_g722.h"

/* QMF coefficients h0..h23 (G.722 table 11, scaled by 2^13); symmetric. */
static const int qmf_h[24] = {
	3, -11, -11, 53, 12, -156, 32, 362, -210, -805, 951, 3876,
	3876, 951, -805, -210, 362, 32, -156, 12, 53, -11, -11, 3,
};

/* Lower band quantiser decision levels (table 6, x 2^-12 of DETL) and the
 * 6-bit codes of each interval for negative / positive differences. */
static const int q6[31] = {
	0, 35, 72, 110, 150, 190, 233, 276, 323, 370, 422, 473, 530, 587,
	650, 714, 786, 858, 940, 1023, 1121, 1219, 1339, 1458, 1612, 1765,
	1980, 2195, 2557, 2919, 0,
};
static const uint8_t iln[31] = {
	0, 63, 62, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18,
	17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4,
};
static const uint8_t ilp[31] = {
	0, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47, 46,
	45, 44, 43, 42, 41, 40, 39, 38, 37, 36, 35, 34, 33, 32,
};
/* Inverse quantisers: 6-bit output (table 7) and the 4-bit one that feeds
 * the predictor (table 8), x 2^-15 of DETL. */
static const int qm6[64] = {
	-136, -136, -136, -136, -24808, -21904, -19008, -16704, -14984,
	-13512, -12280, -11192, -10232, -9360, -8576, -7856, -7192, -6576,
	-6000, -5456, -4944, -4464, -4008, -3576, -3168, -2776, -2400, -2032,
	-1688, -1360, -1040, -728, 24808, 21904, 19008, 16704, 14984, 13512,
	12280, 11192, 10232, 9360, 8576, 7856, 7192, 6576, 6000, 5456, 4944,
	4464, 4008, 3576, 3168, 2776, 2400, 2032, 1688, 1360, 1040, 728, 432,
	136, -432, -136,
};
static const int qm4[16] = {
	0, -20456, -12896, -8968, -6288, -4240, -2584, -1200,
	20456, 12896, 8968, 6288, 4240, 2584, 1200, 0,
};
/* Log scale factor multipliers (table 9) indexed through rl42. */
static const int wl[8] = {-60, -30, 58, 172, 334, 538, 1198, 3042};
static const uint8_t rl42[16] = {0, 7, 6, 5, 4, 3, 2, 1,
				 7, 6, 5, 4, 3, 2, 1, 0};
/* Antilog table for scale factor computation (table 10). */
static const int ilb[32] = {
	2048, 2093, 2139, 2186, 2233, 2282, 2332, 2383, 2435, 2489, 2543,
	2599, 2656, 2714, 2774, 2834, 2896, 2960, 3025, 3091, 3158, 3228,
	3298, 3371, 3444, 3520, 3597, 3676, 3756, 3838, 3922, 4008,
};
/* Higher band: decision level, codes, inverse quantiser, log multipliers
 * (tables 12-15). */
#define Q2 564
static const uint8_t ihn[3] = {0, 1, 0};
static const uint8_t ihp[3] = {0, 3, 2};
static const int qm2[4] = {-7408, -1616, 7408, 1616};
static const int wh[3] = {0, -214, 798};
static const uint8_t rh2[4] = {2, 1, 2, 1};

static inline int sat16(int v)
{
	return v > 32767 ? 32767 : v < -32768 ? -32768 : v;
}

static inline int clamp(int v, int lo, int hi)
{
	return v > hi ? hi : v < lo ? lo : v;
}

/* Sign as 0 / -1, the way the Recommendation compares signs. */
static inline int sgn(int v)
{
	return v < 0 ? -1 : 0;
}

/* UPPOL2 / UPPOL1: pole coefficient update from the signs of p. */
static void update_poles(struct mbl_codec_g722_band *b, int p0)
{
	int wd2 = sat16(b->a[1] * 4);

	if (sgn(p0) == sgn(b->p[1]))
		wd2 = -wd2;
	if (wd2 > 32767)
		wd2 = 32767;
	int a2 = (wd2 >> 7) + (sgn(p0) == sgn(b->p[2]) ? 128 : -128);
	a2 = clamp(a2 + ((b->a[2] * 32512) >> 15), -12288, 12288);

	int a1 = (sgn(p0) == sgn(b->p[1]) ? 192 : -192) +
		 ((b->a[1] * 32640) >> 15);
	int lim = sat16(15360 - a2);
	b->a[1] = clamp(sat16(a1), -lim, lim);
	b->a[2] = a2;
}

/* UPZERO: sign-sign update of the six zero coefficients. */
static void update_zeros(struct mbl_codec_g722_band *b, int d)
{
	int step = d == 0 ? 0 : 128;

	for (int i = 1; i <= 6; i++) {
		int w = sgn(d) == sgn(b->d[i]) ? step : -step;
		b->b[i] = sat16(w + ((b->b[i] * 32640) >> 15));
	}
}

/* Block 4 (G.722 3.6): reconstruct, adapt the predictor, predict. */
static void block4(struct mbl_codec_g722_band *b, int d)
{
	int r = sat16(b->s + d);
	int p = sat16(b->sz + d);

	update_poles(b, p);
	update_zeros(b, d);
	for (int i = 6; i > 1; i--)
		b->d[i] = b->d[i - 1];
	b->d[1] = d;
	b->p[2] = b->p[1];
	b->p[1] = p;
	b->r[2] = b->r[1];
	b->r[1] = r;

	int sp = ((b->a[1] * sat16(b->r[1] * 2)) >> 15) +
		 ((b->a[2] * sat16(b->r[2] * 2)) >> 15);
	b->sp = sat16(sp);
	int sz = 0;
	for (int i = 6; i >= 1; i--)
		sz += (b->b[i] * sat16(b->d[i] * 2)) >> 15;
	b->sz = sat16(sz);
	b->s = sat16(b->sp + b->sz);
}

/* LOGSCL/SCALEL and LOGSCH/SCALEH: nb leaks by 127/128 and moves by the
 * multiplier; det = 2^(nb/2048) via the antilog table, shifted by base. */
static void adapt_scale(struct mbl_codec_g722_band *b, int w, int nb_max,
			int base)
{
	b->nb = clamp(((b->nb * 127) >> 7) + w, 0, nb_max);
	int wd1 = (b->nb >> 6) & 31;
	int wd2 = base - (b->nb >> 11);
	int wd3 = wd2 < 0 ? ilb[wd1] << -wd2 : ilb[wd1] >> wd2;
	b->det = wd3 << 2;
}

static void adapt_low(struct mbl_codec_g722_band *b, int ilow)
{
	int dlt = (b->det * qm4[ilow >> 2]) >> 15;

	adapt_scale(b, wl[rl42[ilow >> 2]], 18432, 8);
	block4(b, dlt);
}

static void adapt_high(struct mbl_codec_g722_band *b, int ih)
{
	int dh = (b->det * qm2[ih]) >> 15;

	adapt_scale(b, wh[rh2[ih]], 22528, 10);
	block4(b, dh);
}

void mbl_codec_g722_init(struct mbl_codec_g722 *g)
{
	memset(g, 0, sizeof(*g));
	g->band[0].det = 32;
	g->band[1].det = 8;
}

/* QUANTL: 6-bit code of the lower band difference. */
static int quant_low(int el, int det)
{
	int wd = el >= 0 ? el : -(el + 1);
	int i;

	for (i = 1; i < 30; i++)
		if (wd < ((q6[i] * det) >> 12))
			break;
	return el < 0 ? iln[i] : ilp[i];
}

/* QUANTH: 2-bit code of the higher band difference. */
static int quant_high(int eh, int det)
{
	int wd = eh >= 0 ? eh : -(eh + 1);
	int mih = wd >= ((Q2 * det) >> 12) ? 2 : 1;

	return eh < 0 ? ihn[mih] : ihp[mih];
}

/* Transmit QMF: even taps act on even delays; low = A + B, high = A - B. */
static void qmf_split(struct mbl_codec_g722 *g, int s0, int s1, int *xl,
		      int *xh)
{
	memmove(g->x, g->x + 2, 22 * sizeof(g->x[0]));
	g->x[22] = s0;
	g->x[23] = s1;
	int ev = 0, od = 0;
	for (int k = 0; k < 24; k += 2) {
		ev += qmf_h[k] * g->x[23 - k];
		od += qmf_h[k + 1] * g->x[22 - k];
	}
	*xl = sat16((ev + od) >> 14);
	*xh = sat16((ev - od) >> 14);
}

size_t mbl_codec_g722_encode(struct mbl_codec_g722 *g, const int16_t *pcm,
			     size_t n, uint8_t *out)
{
	struct mbl_codec_g722_band *lo = &g->band[0], *hi = &g->band[1];
	size_t j = 0;

	for (size_t i = 0; i + 1 < n; i += 2) {
		int xl, xh;
		qmf_split(g, pcm[i], pcm[i + 1], &xl, &xh);
		int il = quant_low(sat16(xl - lo->s), lo->det);
		int ih = quant_high(sat16(xh - hi->s), hi->det);
		adapt_low(lo, il);
		adapt_high(hi, ih);
		out[j++] = (uint8_t)(ih << 6 | il);
	}
	return j;
}

/* Receive QMF: the even output sample filters rL - rH with the even taps,
 * the odd one rL + rH with the odd taps (the synthesis pair of the
 * transmit QMF). */
static void qmf_merge(struct mbl_codec_g722 *g, int rl, int rh, int16_t *out)
{
	memmove(g->xd, g->xd + 1, 11 * sizeof(g->xd[0]));
	memmove(g->xs, g->xs + 1, 11 * sizeof(g->xs[0]));
	g->xd[11] = rl - rh;
	g->xs[11] = rl + rh;
	int o1 = 0, o2 = 0;
	for (int k = 0; k < 12; k++) {
		o1 += qmf_h[2 * k] * g->xd[11 - k];
		o2 += qmf_h[2 * k + 1] * g->xs[11 - k];
	}
	out[0] = (int16_t)sat16(o1 >> 11);
	out[1] = (int16_t)sat16(o2 >> 11);
}

size_t mbl_codec_g722_decode(struct mbl_codec_g722 *g, const uint8_t *in,
			     size_t n, int16_t *pcm)
{
	struct mbl_codec_g722_band *lo = &g->band[0], *hi = &g->band[1];

	for (size_t i = 0; i < n; i++) {
		int il = in[i] & 0x3f, ih = in[i] >> 6;
		int rl = clamp(lo->s + ((lo->det * qm6[il]) >> 15), -16384,
			       16383);
		int rh = clamp(hi->s + ((hi->det * qm2[ih]) >> 15), -16384,
			       16383);
		adapt_low(lo, il);
		adapt_high(hi, ih);
		qmf_merge(g, rl, rh, pcm + 2 * i);
	}
	return 2 * n;
}
