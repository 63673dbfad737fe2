/* SPDX-License-Identifier: BSD-3-Clause
 * SVG charts (mbl_html.h): a frame of axes, ticks, labels and a title,
 * a legend below it, and lines, steps or bars inside. Output is plain
 * SVG 1.1 (well-formed XML) meant to sit inline in the HTML page; sizes
 * in px, every colour and stroke an attribute, so the chart looks the
 * same without the page's style sheet.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mbl_html.h"

#define DEF_W 940
#define DEF_H 280
#define M_LEFT 72
#define M_RIGHT 20
#define M_TOP 30
#define M_BOTTOM 46
#define LEG_ROW 18
#define LEG_CHAR 6.4     /* px per character of 11 px sans-serif, about */
#define VMAX 1e300       /* beyond: not drawable, taken as absent */

struct frame {
	unsigned w, h;               /* the whole svg */
	double x0, y0, pw, ph;       /* the plot box */
	struct mbl_svg_scale xs, ys;
	unsigned leg_rows;
};

struct leg_item {
	const char *name;
	unsigned colour;
	enum mbl_svg_dash dash;
};

static bool ok(double v)
{
	return isfinite(v) && fabs(v) <= VMAX;
}

static const char *dash_attr(enum mbl_svg_dash d)
{
	return d == MBL_SVG_DASHED ? " stroke-dasharray=\"7 4\""
	       : d == MBL_SVG_DOTTED ? " stroke-dasharray=\"2 3\"" : "";
}

static double leg_width(const char *name)
{
	double w = 30 + LEG_CHAR * (double)strlen(name != NULL ? name : "");

	return w > 320 ? 320 : w;
}

/* Rows the legend takes at width w. */
static unsigned leg_rows(const struct leg_item *it, unsigned n, double w)
{
	double x = 0;
	unsigned rows = n > 0;

	for (unsigned i = 0; i < n; i++) {
		double iw = leg_width(it[i].name);

		if (x > 0 && x + iw > w) {
			rows++;
			x = 0;
		}
		x += iw;
	}
	return rows;
}

static void frame_init(struct frame *fr, const struct mbl_svg_chart *c, const struct leg_item *it,
		       unsigned n)
{
	fr->w = c->width ? c->width : DEF_W;
	fr->h = c->height ? c->height : DEF_H;
	fr->w = fr->w < 240 ? 240 : fr->w;
	fr->h = fr->h < 140 ? 140 : fr->h;
	fr->x0 = M_LEFT;
	fr->y0 = M_TOP;
	fr->pw = fr->w - M_LEFT - M_RIGHT;
	fr->ph = fr->h - M_TOP - M_BOTTOM;
	fr->leg_rows = leg_rows(it, n, fr->pw);
}

static double px(const struct frame *fr, double x)
{
	return fr->x0 + mbl_svg_pos(&fr->xs, x) * fr->pw;
}

static double py(const struct frame *fr, double y)
{
	return fr->y0 + fr->ph - mbl_svg_pos(&fr->ys, y) * fr->ph;
}

/* "label (unit)", both escaped */
static void axis_text(FILE *f, const char *label, const char *unit)
{
	mbl_html_esc(f, label != NULL ? label : "");
	if (unit != NULL && *unit != '\0') {
		fputs(" (", f);
		mbl_html_esc(f, unit);
		fputc(')', f);
	}
}

static void svg_open(FILE *f, const struct mbl_svg_chart *c, const struct frame *fr)
{
	unsigned h = fr->h + fr->leg_rows * LEG_ROW + (fr->leg_rows ? 4 : 0);

	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"%u\" "
		"height=\"%u\" viewBox=\"0 0 %u %u\" font-family=\"sans-serif\" font-size=\"11\" "
		"role=\"img\"", fr->w, h, fr->w, h);
	if (c->id != NULL) {
		fputs(" id=\"", f);
		mbl_html_esc(f, c->id);
		fputc('"', f);
	}
	fputs(">\n<title>", f);
	mbl_html_esc(f, c->title);
	fprintf(f, "</title>\n<text class=\"chart-title\" x=\"%d\" y=\"18\" font-size=\"13\" "
		"font-weight=\"bold\" fill=\"#222\">", M_LEFT);
	mbl_html_esc(f, c->title);
	fputs("</text>\n", f);
}

/* Plot box, grid, ticks with labels, axis titles. x_ticks false: the
 * caller labels x itself (bars). */
static void axes(FILE *f, const struct mbl_svg_chart *c, const struct frame *fr, bool x_ticks)
{
	char b[48];

	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#fff\" "
		"stroke=\"#888\"/>\n<g class=\"y-ticks\" text-anchor=\"end\" fill=\"#333\">\n",
		fr->x0, fr->y0, fr->pw, fr->ph);
	for (unsigned i = 0; i < fr->ys.n_ticks; i++) {
		double y = py(fr, fr->ys.tick[i]);

		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e3e3e3\"/>"
			"<text x=\"%.1f\" y=\"%.1f\">%s</text>\n", fr->x0, y, fr->x0 + fr->pw, y,
			fr->x0 - 6, y + 4, mbl_svg_label(&fr->ys, fr->ys.tick[i], b, sizeof(b)));
	}
	fputs("</g>\n", f);
	if (x_ticks) {
		fputs("<g class=\"x-ticks\" text-anchor=\"middle\" fill=\"#333\">\n", f);
		for (unsigned i = 0; i < fr->xs.n_ticks; i++) {
			double x = px(fr, fr->xs.tick[i]);

			fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
				"stroke=\"#e3e3e3\"/><text x=\"%.1f\" y=\"%.1f\">%s</text>\n", x,
				fr->y0, x, fr->y0 + fr->ph + 4, x, fr->y0 + fr->ph + 16,
				mbl_svg_label(&fr->xs, fr->xs.tick[i], b, sizeof(b)));
		}
		fputs("</g>\n", f);
	}
	fprintf(f, "<text class=\"x-label\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
		"fill=\"#222\">", fr->x0 + fr->pw / 2, fr->y0 + fr->ph + 36);
	axis_text(f, c->x_label, c->x_unit);
	fprintf(f, "</text>\n<text class=\"y-label\" transform=\"translate(16 %.1f) rotate(-90)\" "
		"text-anchor=\"middle\" fill=\"#222\">", fr->y0 + fr->ph / 2);
	axis_text(f, c->y_label, c->y_unit);
	fputs("</text>\n", f);
}

static void no_data(FILE *f, const struct frame *fr)
{
	fprintf(f, "<text class=\"no-data\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
		"fill=\"#777\" font-size=\"13\">no data</text>\n", fr->x0 + fr->pw / 2,
		fr->y0 + fr->ph / 2);
}

/* The legend under the x axis title; line swatches or filled boxes. */
static void legend(FILE *f, const struct frame *fr, const struct leg_item *it, unsigned n,
		   bool lines)
{
	double x = 0, y = fr->h + 2;

	if (n == 0)
		return;
	fputs("<g class=\"legend\" fill=\"#222\">\n", f);
	for (unsigned i = 0; i < n; i++) {
		double iw = leg_width(it[i].name), lx;
		const char *col = mbl_svg_colour(it[i].colour);

		if (x > 0 && x + iw > fr->pw) {
			x = 0;
			y += LEG_ROW;
		}
		lx = fr->x0 + x;
		fputs("<g class=\"legend-item\">", f);
		if (lines)
			fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
				"stroke-width=\"2.5\"%s/>", lx, y + 8, lx + 22, y + 8, col,
				dash_attr(it[i].dash));
		else
			fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"10\" fill=\"%s\" "
				"fill-opacity=\"0.35\" stroke=\"%s\"/>", lx + 4, y + 3, col, col);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">", lx + 27, y + 12);
		mbl_html_esc(f, it[i].name);
		fputs("</text></g>\n", f);
		x += iw;
	}
	fputs("</g>\n", f);
}

static int svg_close(FILE *f)
{
	fputs("</svg>\n", f);
	return ferror(f) ? -EIO : 0;
}

/* --- lines ----------------------------------------------------------------- */

/* Points of one line through pixel columns: at most the first extreme
 * and the second of each column (in the order they came), so a day of
 * samples costs the width of the plot, not 86,400 points. */
struct col_acc {
	bool any;
	long col;
	double lo_y, hi_y, x;
	size_t lo_i, hi_i;
	size_t pts;             /* written in the current polyline */
};

static void col_flush(FILE *f, struct col_acc *a)
{
	if (!a->any)
		return;
	if (a->lo_i == a->hi_i) {
		fprintf(f, "%s%.1f,%.1f", a->pts++ ? " " : "", a->x, a->lo_y);
	} else {
		double first = a->lo_i < a->hi_i ? a->lo_y : a->hi_y;
		double second = a->lo_i < a->hi_i ? a->hi_y : a->lo_y;

		fprintf(f, "%s%.1f,%.1f %.1f,%.1f", a->pts ? " " : "", a->x, first, a->x, second);
		a->pts += 2;
	}
	a->any = false;
}

static bool present(const struct mbl_svg_series *s, size_t i)
{
	return i < s->n && ok(s->x[i]) && ok(s->y[i]);
}

/* One polyline per stretch of present points, then a dot on each point
 * that has no neighbour (or on every point: dots). */
static void series_draw(FILE *f, const struct frame *fr, const struct mbl_svg_series *s,
			const char *col, bool dots)
{
	struct col_acc a = { 0 };
	bool open = false;

	for (size_t i = 0; i <= s->n; i++) {
		double x, y;
		long c;

		if (!present(s, i)) {
			col_flush(f, &a);
			if (open)
				fputs("\"/>\n", f);
			open = false;
			a.pts = 0;
			continue;
		}
		x = px(fr, s->x[i]);
		y = py(fr, s->y[i]);
		if (!open) {
			fprintf(f, "<polyline class=\"series\" fill=\"none\" stroke=\"%s\" "
				"stroke-width=\"1.8\" stroke-linejoin=\"round\"%s points=\"", col,
				dash_attr(s->dash));
			open = true;
		}
		c = lround(x);
		if (a.any && c != a.col)
			col_flush(f, &a);
		if (!a.any) {
			a = (struct col_acc){ .any = true, .col = c, .lo_y = y, .hi_y = y, .x = x,
					      .lo_i = i, .hi_i = i, .pts = a.pts };
		} else if (y < a.lo_y) {
			a.lo_y = y;
			a.lo_i = i;
		} else if (y > a.hi_y) {
			a.hi_y = y;
			a.hi_i = i;
		}
	}
	for (size_t i = 0; i < s->n; i++)
		if (present(s, i) &&
		    (dots || (!present(s, i + 1) && (i == 0 || !present(s, i - 1)))))
			fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>\n",
				px(fr, s->x[i]), py(fr, s->y[i]), col);
}

static void range_add(double v, double *lo, double *hi)
{
	if (!ok(v))
		return;
	*lo = isnan(*lo) || v < *lo ? v : *lo;
	*hi = isnan(*hi) || v > *hi ? v : *hi;
}

/* The y scale from [lo, hi] of the data, from 0 when nothing is negative,
 * the chart's fixed ends where it has them. */
static void y_scale(struct frame *fr, const struct mbl_svg_chart *c, double lo, double hi)
{
	if (!isnan(lo) && lo > 0)
		lo = 0;
	if (isfinite(c->y_min))
		lo = c->y_min;
	if (isfinite(c->y_max))
		hi = c->y_max;
	if (isnan(lo) || isnan(hi)) {
		lo = isnan(lo) ? (isnan(hi) ? 0 : fmin(0, hi)) : lo;
		hi = isnan(hi) ? lo + 1 : hi;
	}
	if (lo == 0 && hi == 0)
		hi = 1; /* all zero: the axis from 0 up, not around 0 */
	mbl_svg_scale(&fr->ys, lo, hi, 6, false);
}

#define LEG_MAX 64

static unsigned leg_from_series(struct leg_item *it, const struct mbl_svg_series *s, unsigned n)
{
	n = n > LEG_MAX ? LEG_MAX : n;
	for (unsigned i = 0; i < n; i++)
		it[i] = (struct leg_item){ s[i].name, s[i].colour, s[i].dash };
	return n;
}

int mbl_svg_lines(FILE *f, const struct mbl_svg_chart *c, const struct mbl_svg_series *s,
		  unsigned n)
{
	double xlo = NAN, xhi = NAN, ylo = NAN, yhi = NAN;
	struct leg_item it[LEG_MAX] = { { 0 } };
	struct frame fr;
	unsigned ni;

	if (f == NULL || c == NULL || (n > 0 && s == NULL))
		return -EINVAL;
	ni = leg_from_series(it, s, n);
	frame_init(&fr, c, it, ni);
	for (unsigned k = 0; k < n; k++)
		for (size_t i = 0; i < s[k].n; i++)
			if (ok(s[k].x[i]) && ok(s[k].y[i])) {
				range_add(s[k].x[i], &xlo, &xhi);
				range_add(s[k].y[i], &ylo, &yhi);
			}
	if (!isnan(xlo) && xlo > 0)
		xlo = 0; /* time from the start */
	mbl_svg_scale(&fr.xs, xlo, xhi, 8, false);
	y_scale(&fr, c, ylo, yhi);
	svg_open(f, c, &fr);
	axes(f, c, &fr, true);
	if (isnan(xlo))
		no_data(f, &fr);
	for (unsigned k = 0; k < n; k++)
		series_draw(f, &fr, &s[k], mbl_svg_colour(s[k].colour), s[k].n <= 40);
	legend(f, &fr, it, ni, true);
	return svg_close(f);
}

/* --- steps ----------------------------------------------------------------- */

int mbl_svg_steps(FILE *f, const struct mbl_svg_chart *c, const struct mbl_svg_bins *b,
		  unsigned n)
{
	double xlo = NAN, xhi = NAN, ylo = NAN, yhi = NAN;
	struct leg_item it[LEG_MAX] = { { 0 } };
	struct frame fr;
	unsigned ni = n > LEG_MAX ? LEG_MAX : n;

	if (f == NULL || c == NULL || (n > 0 && b == NULL))
		return -EINVAL;
	for (unsigned k = 0; k < ni; k++)
		it[k] = (struct leg_item){ b[k].name, b[k].colour, MBL_SVG_SOLID };
	frame_init(&fr, c, it, ni);
	for (unsigned k = 0; k < n; k++) {
		if (b[k].n == 0)
			continue;
		range_add(b[k].edges[0], &xlo, &xhi);
		range_add(b[k].edges[b[k].n], &xlo, &xhi);
		for (size_t i = 0; i < b[k].n; i++)
			range_add(b[k].v[i], &ylo, &yhi);
	}
	mbl_svg_scale(&fr.xs, xlo, xhi, 8, c->x_log);
	y_scale(&fr, c, ylo, yhi);
	svg_open(f, c, &fr);
	axes(f, c, &fr, true);
	if (isnan(xlo) || isnan(ylo))
		no_data(f, &fr);
	for (unsigned k = 0; k < n; k++) {
		const char *col = mbl_svg_colour(b[k].colour);
		double base = py(&fr, 0);

		if (b[k].n == 0)
			continue;
		fprintf(f, "<path class=\"series\" fill=\"%s\" fill-opacity=\"0.12\" stroke=\"%s\" "
			"stroke-width=\"1.6\" d=\"M%.1f %.1f", col, col, px(&fr, b[k].edges[0]), base);
		for (size_t i = 0; i < b[k].n; i++)
			fprintf(f, "V%.1fH%.1f", ok(b[k].v[i]) ? py(&fr, b[k].v[i]) : base,
				px(&fr, b[k].edges[i + 1]));
		fprintf(f, "V%.1fZ\"/>\n", base);
	}
	legend(f, &fr, it, ni, false);
	return svg_close(f);
}

/* --- bars ------------------------------------------------------------------ */

int mbl_svg_bars(FILE *f, const struct mbl_svg_chart *c, const char *const *cats,
		 unsigned n_cat, const struct mbl_svg_series *s, unsigned n)
{
	double ylo = NAN, yhi = NAN, slot, bw;
	struct leg_item it[LEG_MAX] = { { 0 } };
	struct frame fr;
	unsigned ni;

	if (f == NULL || c == NULL || (n > 0 && s == NULL) || (n_cat > 0 && cats == NULL))
		return -EINVAL;
	ni = leg_from_series(it, s, n);
	frame_init(&fr, c, it, ni);
	for (unsigned k = 0; k < n; k++)
		for (size_t i = 0; i < s[k].n && i < n_cat; i++)
			range_add(s[k].y[i], &ylo, &yhi);
	y_scale(&fr, c, ylo, yhi);
	svg_open(f, c, &fr);
	axes(f, c, &fr, false);
	if (isnan(ylo) || n_cat == 0)
		no_data(f, &fr);
	slot = n_cat ? fr.pw / n_cat : fr.pw;
	bw = n ? slot * 0.8 / n : 0;
	fputs("<g class=\"x-ticks\" text-anchor=\"middle\" fill=\"#333\">\n", f);
	for (unsigned i = 0; i < n_cat; i++) {
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">", fr.x0 + slot * (i + 0.5),
			fr.y0 + fr.ph + 16);
		mbl_html_esc(f, cats[i]);
		fputs("</text>\n", f);
	}
	fputs("</g>\n", f);
	for (unsigned k = 0; k < n; k++) {
		const char *col = mbl_svg_colour(s[k].colour);

		for (size_t i = 0; i < s[k].n && i < n_cat; i++) {
			double y0 = py(&fr, fmax(fr.ys.lo, fmin(0, fr.ys.hi))), y1;

			if (!ok(s[k].y[i]))
				continue;
			y1 = py(&fr, s[k].y[i]);
			fprintf(f, "<rect class=\"series\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
				"height=\"%.1f\" fill=\"%s\" fill-opacity=\"0.8\"/>\n",
				fr.x0 + slot * i + slot * 0.1 + bw * k, fmin(y0, y1), bw,
				fabs(y1 - y0), col);
		}
	}
	legend(f, &fr, it, ni, false);
	return svg_close(f);
}
