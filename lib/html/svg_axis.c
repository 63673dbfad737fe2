/* SPDX-License-Identifier: BSD-3-Clause
 * Axes of the SVG charts (mbl_html.h): ranges on "nice" ticks (1, 2 or 5
 * x 10^k, Heckbert's rule), linear or log, and their labels.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mbl_html.h"

/* The nice number nearest x (> 0): 1, 2, 5 or 10 x 10^k. */
static double nice_step(double x)
{
	double e = floor(log10(x)), f = x / pow(10, e);

	if (f < 1.5)
		f = 1;
	else if (f < 3)
		f = 2;
	else if (f < 7)
		f = 5;
	else
		f = 10;
	return f * pow(10, e);
}

/* A range of one value (or as good as one, at double precision) widened
 * around it: 10 % of it each way, or 1 around 0. */
static void widen(double *lo, double *hi)
{
	double pad;

	if (*hi - *lo > fmax(fabs(*lo), fabs(*hi)) * 1e-9)
		return;
	pad = *lo == 0 ? 1 : fabs(*lo) * 0.1;
	*lo -= pad;
	*hi += pad;
}

static void scale_linear(struct mbl_svg_scale *s, double lo, double hi, unsigned target)
{
	double step, t0, t1;
	unsigned n;

	widen(&lo, &hi);
	step = nice_step((hi - lo) / (target - 1));
	for (;;) {
		t0 = floor(lo / step) * step;
		t1 = ceil(hi / step) * step;
		n = (unsigned)llround((t1 - t0) / step) + 1;
		if (n <= MBL_SVG_TICKS_MAX)
			break;
		step = nice_step(step * 2);
	}
	s->log = false;
	s->lo = t0;
	s->hi = t1;
	s->step = step;
	s->n_ticks = n;
	for (unsigned i = 0; i < n; i++) {
		double v = t0 + step * i;

		s->tick[i] = fabs(v) < step * 1e-9 ? 0 : v; /* no "-0" */
	}
}

static void scale_log(struct mbl_svg_scale *s, double lo, double hi)
{
	static const double sub[] = { 1, 2, 5 };
	int d0 = (int)floor(log10(lo)), d1 = (int)ceil(log10(hi)), every;
	unsigned n = 0;

	if (d1 <= d0)
		d1 = d0 + 1;
	s->log = true;
	s->lo = pow(10, d0);
	s->hi = pow(10, d1);
	s->step = 0;
	if (d1 - d0 <= 3) {
		for (int d = d0; d <= d1; d++)
			for (unsigned k = 0; k < 3 && (d < d1 || k == 0); k++)
				s->tick[n++] = sub[k] * pow(10, d);
		s->n_ticks = n;
		return;
	}
	every = (d1 - d0 + MBL_SVG_TICKS_MAX - 2) / (MBL_SVG_TICKS_MAX - 1);
	for (int d = d0; d <= d1 && n < MBL_SVG_TICKS_MAX; d += every)
		s->tick[n++] = pow(10, d);
	s->n_ticks = n;
}

void mbl_svg_scale(struct mbl_svg_scale *s, double lo, double hi, unsigned target, bool log)
{
	memset(s, 0, sizeof(*s));
	if (!isfinite(lo) || !isfinite(hi)) {
		lo = 0;
		hi = 1;
	}
	if (lo > hi) {
		double t = lo;

		lo = hi;
		hi = t;
	}
	target = target < 2 ? 2 : target > 10 ? 10 : target;
	if (log && lo > 0)
		scale_log(s, lo, hi);
	else
		scale_linear(s, lo, hi, target);
}

double mbl_svg_pos(const struct mbl_svg_scale *s, double v)
{
	double p;

	if (s->log)
		p = v > 0 ? (log10(v) - log10(s->lo)) / (log10(s->hi) - log10(s->lo)) : 0;
	else
		p = (v - s->lo) / (s->hi - s->lo);
	return isnan(p) ? 0 : p < 0 ? 0 : p > 1 ? 1 : p;
}

/* The SI suffix (0: none, 1: k ... 6: E) for magnitude mag, or -1 when
 * it needs the exponent form. */
static int si_k(double mag)
{
	int k;

	if (mag >= 1e21 || (mag > 0 && mag < 1e-4))
		return -1;
	if (mag < 1e4)
		return 0;
	k = (int)floor(log10(mag) / 3);
	return k > 6 ? 6 : k;
}

const char *mbl_svg_label(const struct mbl_svg_scale *s, double v, char *buf, size_t len)
{
	static const char *const sfx[] = { "", "k", "M", "G", "T", "P", "E" };
	/* log: each tick its own suffix; linear: the axis' largest end's */
	int k = si_k(s->log ? fabs(v) : fmax(fabs(s->lo), fabs(s->hi))), dec;
	double div, step;

	if (k < 0 || (s->log && v == 0)) {
		snprintf(buf, len, "%.3g", v);
		return buf;
	}
	div = pow(1e3, k);
	if (s->log) {
		snprintf(buf, len, "%g%s", v / div, sfx[k]);
		return buf;
	}
	if (fabs(v) < s->step * 1e-9)
		v = 0; /* no "-0.0" from rounding */
	step = s->step / div;
	dec = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
	dec = dec > 9 ? 9 : dec;
	snprintf(buf, len, "%.*f%s", dec, v / div, sfx[k]);
	return buf;
}

const char *mbl_svg_colour(unsigned i)
{
	/* Okabe and Ito's palette, yellow left out (unreadable on white) */
	static const char *const pal[] = { "#0072b2", "#d55e00", "#009e73", "#cc79a7",
					   "#e69f00", "#56b4e9", "#000000", "#8c564b" };

	return pal[i % MBL_ARRAY_SIZE(pal)];
}
