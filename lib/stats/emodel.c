/* SPDX-License-Identifier: BSD-3-Clause
 * ITU-T G.107 E-model reduced to delay, loss and codec (see mbl_stats.h).
 * Equation numbers refer to G.107 (06/2015). */
#include <errno.h>
#include <math.h>

#include "mbl_stats.h"

/* Ro - Is with every G.107 default (Table 3): the basic signal-to-noise
 * ratio minus simultaneous impairments, "R = 93.2" of G.107 7.1. */
#define EMODEL_R0 93.2

/* G.113 Appendix I, Tables I.1 / I.3 (random loss, with PLC). */
static const struct {
	double ie;
	double bpl;
} codec_tab[MBL_EMODEL_CODEC_COUNT] = {
	[MBL_EMODEL_G711] = { 0.0, 25.1 },
	[MBL_EMODEL_G729A] = { 11.0, 19.0 },
	[MBL_EMODEL_G722] = { 0.0, 25.1 },
	[MBL_EMODEL_OPUS] = { 0.0, 20.0 },
};

int mbl_emodel_codec_params(enum mbl_emodel_codec c, double *ie, double *bpl)
{
	if ((unsigned)c >= MBL_EMODEL_CODEC_COUNT)
		return -EINVAL;
	*ie = codec_tab[c].ie;
	*bpl = codec_tab[c].bpl;
	return 0;
}

/* Delay impairment from absolute delay Ta (ms), G.107 7.4 (7-27, 7-28)
 * with the defaults mT = 100 ms, sT = 1: 0 up to 100 ms, then
 * 25 * ((1 + X^6)^(1/6) - 3 (1 + (X/3)^6)^(1/6) + 2), X = log2(Ta / 100). */
static double emodel_idd(double ta)
{
	double x;

	if (ta <= 100.0)
		return 0;
	x = log2(ta / 100.0);
	return 25.0 * (pow(1.0 + pow(x, 6), 1.0 / 6) -
		       3.0 * pow(1.0 + pow(x / 3.0, 6), 1.0 / 6) + 2.0);
}

/* Effective equipment impairment, G.107 7.5 (7-29):
 * Ie,eff = Ie + (95 - Ie) * Ppl / (Ppl / BurstR + Bpl). */
static double emodel_ie_eff(double ie, double bpl, double ppl, double burst_r)
{
	if (!(burst_r > 0))
		burst_r = 1;
	if (!(ppl > 0))
		return ie;
	if (ppl > 100)
		ppl = 100;
	return ie + (95.0 - ie) * ppl / (ppl / burst_r + bpl);
}

double mbl_emodel_r(const struct mbl_emodel_in *in)
{
	double ie, bpl, ta, r;

	if (mbl_emodel_codec_params(in->codec, &ie, &bpl) < 0)
		mbl_emodel_codec_params(MBL_EMODEL_G711, &ie, &bpl);
	/* Mouth-to-ear delay approximated: network delay, a jitter buffer
	 * of twice the jitter, one packet of packetisation. Codec
	 * look-ahead and device delays are left out. */
	ta = MBL_MAX(in->delay_ms, 0.0) + 2.0 * MBL_MAX(in->jitter_ms, 0.0) +
	     MBL_MAX(in->ptime_ms, 0.0);
	r = EMODEL_R0 - emodel_idd(ta) -
	    emodel_ie_eff(ie, bpl, in->loss_pct, in->burst_r);
	return MBL_MAX(0.0, MBL_MIN(100.0, r));
}

/* G.107 Annex B (B-4): MOS = 1 + 0.035 R + R (R - 60) (100 - R) 7e-6. */
double mbl_emodel_mos(double r)
{
	if (!(r > 0))
		return 1.0;
	if (r >= 100)
		return 4.5;
	/* the cubic dips just under 1 for R below about 6.5: clamp */
	return MBL_MAX(1.0, 1.0 + 0.035 * r + r * (r - 60.0) * (100.0 - r) * 7e-6);
}
