/* SPDX-License-Identifier: BSD-3-Clause
 * The HTML report (docs/html-report.md): one self-contained page drawn
 * from one or more parsed JSON reports, and the inline SVG charts it is
 * made of.
 *
 * The page needs nothing but itself: no script, no style sheet, font or
 * image from elsewhere; its Content-Security-Policy says so, so a browser
 * that was asked to load anything would refuse and say why. Every string
 * taken from a report (Call-IDs, failure reasons, configuration values,
 * file names) goes through mbl_html_esc.
 *
 * Pure functions that write to the caller's FILE *: no EAL, any thread,
 * nothing kept between calls (temporary arrays are freed before return).
 * A figure a report lacks is "not measured", never drawn as 0.
 */
#ifndef MBL_HTML_H
#define MBL_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "mbl_common.h"

/* --- escaping ------------------------------------------------------------ */

/* Write s as HTML (and XML) text or as a quoted attribute's value: & < > "
 * ' as entities, control characters other than tab and newline and bytes
 * that are not UTF-8 as U+FFFD, so the result is well-formed XML whatever
 * the report held. s NULL writes nothing. */
void mbl_html_esc(FILE *f, const char *s);

/* --- scales and ticks ---------------------------------------------------- */

#define MBL_SVG_TICKS_MAX 12

struct mbl_svg_scale {
	double lo, hi;                  /* the axis' range; lo < hi always */
	bool log;                       /* log10 (then lo > 0) */
	unsigned n_ticks;               /* 2..MBL_SVG_TICKS_MAX */
	double tick[MBL_SVG_TICKS_MAX]; /* ascending, inside [lo, hi] */
	double step;                    /* linear: between ticks (label decimals) */
};

/* A scale over the data range [lo, hi] with about target ticks (clamped to
 * 2..10) at 1, 2 or 5 x 10^k, its ends on ticks. A range of one value is
 * widened around it; NaN or infinite ends give [0, 1]; lo > hi are
 * swapped. log: decades (with 2 and 5 inside when there are few), used
 * only when lo > 0, else the scale is linear. */
void mbl_svg_scale(struct mbl_svg_scale *s, double lo, double hi, unsigned target, bool log);

/* Where v falls on s, from 0 (lo) to 1 (hi), clamped to [0, 1]. */
double mbl_svg_pos(const struct mbl_svg_scale *s, double v);

/* A tick label for v on s: as many decimals as the step needs, values of
 * 10,000 and more with k, M, G, T, P or E (one suffix for the whole
 * axis), very small ones in exponent form. Returns buf. */
const char *mbl_svg_label(const struct mbl_svg_scale *s, double v, char *buf, size_t len);

/* --- charts -------------------------------------------------------------- */

/* A run's colour (colour-blind safe palette of 8, then again). */
const char *mbl_svg_colour(unsigned i);

enum mbl_svg_dash {
	MBL_SVG_SOLID = 0,
	MBL_SVG_DASHED,
	MBL_SVG_DOTTED,
};

/* One line: n points (x ascending). A point whose x or y is not finite,
 * or beyond +-1e300, is absent: the line breaks there. */
struct mbl_svg_series {
	const char *name;               /* legend text */
	unsigned colour;                /* mbl_svg_colour index */
	enum mbl_svg_dash dash;
	const double *x, *y;
	size_t n;
};

/* Bins of a distribution: n bins between edges[0] < ... < edges[n];
 * v[i] is bin i's height (not finite: empty). */
struct mbl_svg_bins {
	const char *name;
	unsigned colour;
	const double *edges, *v;
	size_t n;
};

struct mbl_svg_chart {
	const char *id;                 /* the svg's id attribute, or NULL */
	const char *title;
	const char *x_label, *x_unit;   /* "time", "s": "time (s)"; unit "" or NULL: none */
	const char *y_label, *y_unit;
	bool x_log;                     /* steps: a log x axis */
	double y_min, y_max;            /* NaN: from the data, else fixed (MOS 1..5) */
	unsigned width, height;         /* the chart in px, legend aside; 0: 940 x 280 */
};

/* A line chart: axes with ticks and labels, a title, a legend entry per
 * series. y from 0 when no value is negative (counts, rates). Series
 * without a single point leave the chart empty with "no data" written
 * in it. Returns 0, -EINVAL (NULL chart, n > 0 with NULL s), -EIO (f
 * failed). */
int mbl_svg_lines(FILE *f, const struct mbl_svg_chart *c, const struct mbl_svg_series *s,
		  unsigned n);

/* A step chart of distributions, one outline (lightly filled) per series,
 * overlaid on one x axis spanning every series' edges. Same returns. */
int mbl_svg_steps(FILE *f, const struct mbl_svg_chart *c, const struct mbl_svg_bins *b,
		  unsigned n);

/* Grouped bars: n_cat groups labelled cats[i], a bar per series in each
 * (series y[i] for group i, its n == n_cat; not finite: no bar). Same
 * returns. */
int mbl_svg_bars(FILE *f, const struct mbl_svg_chart *c, const char *const *cats,
		 unsigned n_cat, const struct mbl_svg_series *s, unsigned n);

/* --- the page ------------------------------------------------------------ */

#define MBL_HTML_MAX_RUNS 16

struct mbl_html_run {
	const struct mbl_jv *root;      /* a report (mbl_report_load); the caller's */
	const char *label;              /* its name in legends and tables */
	const char *path;               /* the file it came from, shown; may be NULL */
};

/* The whole page for runs[0..n), in order: summary (what was run, the
 * catalogue's figures side by side) and verdicts first, then the
 * timelines, the distributions, failure reasons and each run's
 * configuration. generator names the program ("mediablast 0.1.0").
 * Returns 0, -EINVAL (n is 0 or over MBL_HTML_MAX_RUNS, a NULL root),
 * -ENOMEM, -EIO (f failed). */
int mbl_html_render(FILE *f, const struct mbl_html_run *runs, unsigned n,
		    const char *generator);

#endif /* MBL_HTML_H */
