/* SPDX-License-Identifier: BSD-3-Clause
 * The page's charts: the runs second by second from each report's
 * timeline, and the distributions from its histograms (their buckets when
 * the report has them, else their percentiles). Every run is drawn in its
 * own colour on the same axes. A run lacking a figure is left out of that
 * chart, and a chart no run has data for is listed as not measured.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "html_priv.h"

/* What makes a timeline quantity a measurement in a run, beyond its key
 * being in the samples: the report writes 0 jitter when nothing came. */
enum tl_need {
	NEED_NONE = 0,
	NEED_RX,        /* RTP received */
	NEED_TX,        /* RTP sent */
	NEED_PACED,     /* pacer lateness recorded */
	NEED_DTLS,      /* DTLS handshakes started */
};

struct tl_qty {
	const char *key;        /* sample member */
	const char *what;       /* legend suffix, NULL: the run's name alone */
	enum mbl_svg_dash dash;
	bool per_s;             /* a count in the interval: divided by dt_s */
	enum tl_need need;
};

struct tl_chart {
	const char *id, *title, *y_label, *y_unit;
	double y_min, y_max;
	struct tl_qty q[2];
};

static const struct tl_chart tl_charts[] = {
	{ "tl-calls", "Calls per second", "calls", "1/s", NAN, NAN,
	  { { "calls_answered", "answered", MBL_SVG_SOLID, true, NEED_NONE },
	    { "calls_attempted", "attempted", MBL_SVG_DASHED, true, NEED_NONE } } },
	{ "tl-active", "Calls up", "calls", "", NAN, NAN,
	  { { "calls_active", NULL, MBL_SVG_SOLID, false, NEED_NONE } } },
	{ "tl-failures", "Failures per second", "events", "1/s", NAN, NAN,
	  { { "calls_failed", "calls failed", MBL_SVG_SOLID, true, NEED_NONE },
	    { "sip_timeouts", "SIP timeouts", MBL_SVG_DASHED, true, NEED_NONE } } },
	{ "tl-handshakes", "DTLS-SRTP handshakes per second", "handshakes", "1/s", NAN, NAN,
	  { { "handshakes", NULL, MBL_SVG_SOLID, true, NEED_DTLS } } },
	{ "tl-rtp", "RTP packets per second", "packets", "1/s", NAN, NAN,
	  { { "rx_pps", "received", MBL_SVG_SOLID, false, NEED_RX },
	    { "tx_pps", "sent", MBL_SVG_DASHED, false, NEED_TX } } },
	{ "tl-loss", "RTP loss", "lost", "%", NAN, NAN,
	  { { "loss_pct", NULL, MBL_SVG_SOLID, false, NEED_RX } } },
	{ "tl-jitter", "Jitter (mean over the receiving streams)", "jitter", "ms", NAN, NAN,
	  { { "jitter_ms", NULL, MBL_SVG_SOLID, false, NEED_RX } } },
	{ "tl-mos", "MOS (E-model, ITU-T G.107)", "MOS", "", 1, 5,
	  { { "mos", NULL, MBL_SVG_SOLID, false, NEED_RX } } },
	{ "tl-pacer", "Pacer lateness p99", "lateness", "\xc2\xb5s", NAN, NAN,
	  { { "pacer_late_us_p99", NULL, MBL_SVG_SOLID, false, NEED_PACED } } },
};

static bool need_met(const struct mbl_jv *root, enum tl_need need)
{
	switch (need) {
	case NEED_RX: return html_num(root, "media.rtp.rx_packets") > 0;
	case NEED_TX: return html_num(root, "media.rtp.tx_packets") > 0;
	case NEED_PACED: return html_num(root, "pacing.lateness_us.count") > 0;
	case NEED_DTLS: return html_num(root, "calls.dtls.handshakes") > 0;
	default: return true;
	}
}

static const struct mbl_jv *tl_samples(const struct mbl_jv *root)
{
	const struct mbl_jv *s = mbl_jv_get(root, "timeline.samples");

	return s != NULL && s->type == MBL_JV_ARR && s->len > 0 ? s : NULL;
}

/* One series of a run: x = t_s, y = the key (per second when asked);
 * false when no sample has the key. x and y hold samples->len each. */
static bool tl_fill(const struct mbl_jv *root, const struct tl_qty *q, double *x, double *y,
		    size_t *n)
{
	const struct mbl_jv *ss = tl_samples(root);
	double interval = html_num(root, "timeline.interval_s");
	bool any = false;
	size_t k = 0;

	if (ss == NULL || !need_met(root, q->need))
		return false;
	for (const struct mbl_jv *s = ss->child; s != NULL; s = s->next, k++) {
		const struct mbl_jv *v = mbl_jv_get(s, q->key);
		double dt = html_num(s, "dt_s");

		dt = dt > 0 ? dt : interval;
		any |= v != NULL;
		x[k] = html_num(s, "t_s");
		y[k] = mbl_jv_num(v, NAN);
		if (q->per_s)
			y[k] = dt > 0 ? y[k] / dt : NAN;
	}
	*n = k;
	return any;
}

struct chart_buf {
	struct mbl_svg_series s[2 * MBL_HTML_MAX_RUNS];
	char names[2 * MBL_HTML_MAX_RUNS][96];
	double *mem[2 * MBL_HTML_MAX_RUNS];
	unsigned n;
};

static void chart_buf_free(struct chart_buf *b)
{
	for (unsigned i = 0; i < b->n; i++)
		free(b->mem[i]);
	b->n = 0;
}

/* The series of chart c over every run; -ENOMEM. */
static int tl_series(const struct tl_chart *c, const struct mbl_html_run *runs, unsigned nr,
		     struct chart_buf *b)
{
	b->n = 0;
	for (unsigned r = 0; r < nr; r++) {
		const struct mbl_jv *ss = tl_samples(runs[r].root);

		for (unsigned q = 0; ss != NULL && q < 2 && c->q[q].key != NULL; q++) {
			struct mbl_svg_series *s = &b->s[b->n];
			double *m = malloc(2 * ss->len * sizeof(double));

			if (m == NULL)
				return -ENOMEM;
			b->mem[b->n] = m;
			if (!tl_fill(runs[r].root, &c->q[q], m, m + ss->len, &s->n)) {
				free(m);
				continue;
			}
			if (c->q[q].what != NULL)
				snprintf(b->names[b->n], sizeof(b->names[0]), "%s: %s", runs[r].label,
					 c->q[q].what);
			else
				snprintf(b->names[b->n], sizeof(b->names[0]), "%s", runs[r].label);
			s->name = b->names[b->n];
			s->colour = r;
			s->dash = c->q[q].dash;
			s->x = m;
			s->y = m + ss->len;
			b->n++;
		}
	}
	return 0;
}

int html_timeline(FILE *f, const struct mbl_html_run *runs, unsigned n)
{
	const char *missing[MBL_ARRAY_SIZE(tl_charts)];
	struct chart_buf *b = calloc(1, sizeof(*b));
	unsigned n_missing = 0, with_tl = 0;
	int rc = 0;

	if (b == NULL)
		return -ENOMEM;
	fputs("<section id=\"timeline\">\n<h2>Over time</h2>\n", f);
	for (unsigned r = 0; r < n; r++)
		with_tl += tl_samples(runs[r].root) != NULL;
	if (with_tl == 0)
		fputs("<p class=\"na\">No run has a timeline (reports before schema 1 have "
		      "none).</p>\n", f);
	else
		fputs("<p>One sample per second of each run; counts are per second of the "
		      "interval.</p>\n", f);
	for (unsigned i = 0; with_tl > 0 && i < MBL_ARRAY_SIZE(tl_charts) && rc == 0; i++) {
		const struct tl_chart *c = &tl_charts[i];
		struct mbl_svg_chart ch = { .id = c->id, .title = c->title, .x_label = "time",
					    .x_unit = "s", .y_label = c->y_label,
					    .y_unit = c->y_unit, .y_min = c->y_min,
					    .y_max = c->y_max };

		rc = tl_series(c, runs, n, b);
		if (rc == 0 && b->n == 0)
			missing[n_missing++] = c->title;
		if (rc == 0 && b->n > 0) {
			fputs("<figure class=\"plot\">\n", f);
			rc = mbl_svg_lines(f, &ch, b->s, b->n);
			fputs("</figure>\n", f);
		}
		chart_buf_free(b);
	}
	html_not_measured(f, "Not measured in these runs", missing, n_missing);
	fputs("</section>\n", f);
	free(b);
	return rc < 0 ? rc : ferror(f) ? -EIO : 0;
}

/* --- distributions --------------------------------------------------------- */

struct dist {
	const char *id, *title, *path, *what, *unit;
};

static const struct dist dists[] = {
	{ "d-setup", "Call setup time (INVITE to 2xx, RFC 6076 4.2)", "sip.setup_ms", "setup",
	  "ms" },
	{ "d-pdd", "Post-dial delay (RFC 6076 4.1)", "sip.pdd_ms", "post-dial delay", "ms" },
	{ "d-handshake", "DTLS-SRTP handshake time", "calls.dtls.handshake_ms", "handshake",
	  "ms" },
	{ "d-ice", "ICE: time to the selected pair", "calls.ice.select_ms", "selection", "ms" },
	{ "d-jitter", "Jitter per stream (RFC 3550 A.8)", "media.jitter_ms", "jitter", "ms" },
	{ "d-peer-jitter", "Jitter of our streams at the far end (its RTCP)",
	  "media.peer.jitter_ms", "jitter", "ms" },
	{ "d-delay", "One-way delay (probe payloads)", "media.one_way_delay_us", "delay",
	  "\xc2\xb5s" },
	{ "d-rtt", "Round-trip time (RTCP)", "media.rtt_ms", "round trip", "ms" },
	{ "d-mos", "MOS per call (E-model, ITU-T G.107)", "calls.mos", "MOS", "" },
	{ "d-pacer", "Pacer lateness (RTP sent after its time)", "pacing.lateness_us",
	  "lateness", "\xc2\xb5s" },
};

#define DIST_BINS 40

static const struct mbl_jv *hist_of(const struct mbl_jv *root, const char *path)
{
	const struct mbl_jv *h = mbl_jv_get(root, path);

	return h != NULL && h->type == MBL_JV_OBJ && html_num(h, "count") > 0 ? h : NULL;
}

static bool has_buckets(const struct mbl_jv *h)
{
	const struct mbl_jv *b = mbl_jv_get(h, "buckets");

	return b != NULL && b->type == MBL_JV_ARR && b->len > 0;
}

/* A bucket [lo, hi, count], or false. */
static bool bucket(const struct mbl_jv *b, double *lo, double *hi, double *cnt)
{
	if (b->type != MBL_JV_ARR || b->len != 3)
		return false;
	*lo = html_num(b, "0");
	*hi = html_num(b, "1");
	*cnt = html_num(b, "2");
	return isfinite(*lo) && isfinite(*hi) && *cnt >= 0;
}

/* The display range of every run's histogram h[r] (NULL: none). */
static void dist_range(const struct mbl_jv *const *h, unsigned n, double *lo, double *hi)
{
	*lo = NAN;
	*hi = NAN;
	for (unsigned r = 0; r < n; r++) {
		double a, b;

		if (h[r] == NULL)
			continue;
		a = html_num(h[r], "min");
		b = html_num(h[r], "max");
		*lo = isnan(*lo) || a < *lo ? a : *lo;
		*hi = isnan(*hi) || b > *hi ? b : *hi;
	}
	if (!(*hi > *lo)) { /* one value: a bin around it */
		double pad = *lo != 0 ? fabs(*lo) * 0.05 : 0.5;

		*lo -= pad;
		*hi += pad;
	}
}

/* The run's buckets re-binned into DIST_BINS equal bins (equal in log
 * when log), as % of its samples; each bucket goes where its middle is. */
static void rebin(const struct mbl_jv *h, const double *edges, bool log, double *pct)
{
	const struct mbl_jv *bs = mbl_jv_get(h, "buckets");
	double lo = edges[0], hi = edges[DIST_BINS], total = 0;

	memset(pct, 0, DIST_BINS * sizeof(*pct));
	for (const struct mbl_jv *b = bs->child; b != NULL; b = b->next) {
		double blo, bhi, cnt, mid, p;
		long i;

		if (!bucket(b, &blo, &bhi, &cnt))
			continue;
		mid = fmin(fmax((blo + bhi) / 2, lo), hi);
		p = log ? (log10(mid) - log10(lo)) / (log10(hi) - log10(lo))
			: (mid - lo) / (hi - lo);
		i = (long)(p * DIST_BINS);
		i = i < 0 ? 0 : i >= DIST_BINS ? DIST_BINS - 1 : i;
		pct[i] += cnt;
		total += cnt;
	}
	for (unsigned i = 0; i < DIST_BINS; i++)
		pct[i] = total > 0 ? 100 * pct[i] / total : NAN;
}

static int dist_steps(FILE *f, const struct dist *d, const struct mbl_html_run *runs,
		      const struct mbl_jv *const *h, unsigned n)
{
	double lo, hi, edges[DIST_BINS + 1], (*pct)[DIST_BINS] = calloc(n, sizeof(*pct));
	struct mbl_svg_bins bins[MBL_HTML_MAX_RUNS];
	struct mbl_svg_chart ch = { .id = d->id, .title = d->title, .x_label = d->what,
				    .x_unit = d->unit, .y_label = "share of samples",
				    .y_unit = "%", .y_min = NAN, .y_max = NAN };
	unsigned nb = 0;
	int rc;

	if (pct == NULL)
		return -ENOMEM;
	dist_range(h, n, &lo, &hi);
	/* latencies with a long tail: a log axis shows both ends */
	ch.x_log = lo > 0 && hi / lo >= 30;
	for (unsigned i = 0; i <= DIST_BINS; i++)
		edges[i] = ch.x_log ? lo * pow(hi / lo, (double)i / DIST_BINS)
				    : lo + (hi - lo) * i / DIST_BINS;
	for (unsigned r = 0; r < n; r++) {
		if (h[r] == NULL)
			continue;
		rebin(h[r], edges, ch.x_log, pct[r]);
		bins[nb++] = (struct mbl_svg_bins){ .name = runs[r].label, .colour = r,
						    .edges = edges, .v = pct[r],
						    .n = DIST_BINS };
	}
	rc = mbl_svg_steps(f, &ch, bins, nb);
	free(pct);
	return rc;
}

static const char *const pct_names[] = { "min", "p50", "p90", "p99", "p99.9", "max" };
static const char *const pct_keys[] = { "min", "p50", "p90", "p99", "p999", "max" };
#define N_PCT MBL_ARRAY_SIZE(pct_keys)

static int dist_bars(FILE *f, const struct dist *d, const struct mbl_html_run *runs,
		     const struct mbl_jv *const *h, unsigned n)
{
	double y[MBL_HTML_MAX_RUNS][N_PCT], x[N_PCT];
	struct mbl_svg_series s[MBL_HTML_MAX_RUNS];
	struct mbl_svg_chart ch = { .id = d->id, .title = d->title, .x_label = "percentile",
				    .y_label = d->what, .y_unit = d->unit, .y_min = NAN,
				    .y_max = NAN };
	unsigned ns = 0;

	for (unsigned i = 0; i < N_PCT; i++)
		x[i] = i;
	for (unsigned r = 0; r < n; r++) {
		if (h[r] == NULL)
			continue;
		for (unsigned i = 0; i < N_PCT; i++)
			y[r][i] = html_num(h[r], pct_keys[i]);
		s[ns++] = (struct mbl_svg_series){ .name = runs[r].label, .colour = r,
						   .x = x, .y = y[r], .n = N_PCT };
	}
	return mbl_svg_bars(f, &ch, pct_names, N_PCT, s, ns);
}

/* Under the chart: each run's count and percentiles; the runs without
 * the figure; for jitter, what the arrival times rested on. */
static void dist_caption(FILE *f, const struct dist *d, const struct mbl_html_run *runs,
			 const struct mbl_jv *const *h, unsigned n, bool steps)
{
	char a[32], b[32], c[32], e[32];
	bool none = false;

	fputs("<figcaption>", f);
	for (unsigned r = 0; r < n; r++) {
		if (h[r] == NULL)
			continue;
		html_run_name(f, &runs[r], r);
		fprintf(f, ": n = %s, p50 %s, p99 %s, max %s ",
			html_fmt(html_num(h[r], "count"), a, sizeof(a)),
			html_fmt(html_num(h[r], "p50"), b, sizeof(b)),
			html_fmt(html_num(h[r], "p99"), c, sizeof(c)),
			html_fmt(html_num(h[r], "max"), e, sizeof(e)));
		mbl_html_esc(f, d->unit);
		if (strcmp(d->path, "media.jitter_ms") == 0 &&
		    isfinite(html_num(runs[r].root, "media.timing.timed_share_pct"))) {
			bool trusted = mbl_jv_bool(mbl_jv_get(runs[r].root, "media.timing.trusted"),
						   false);

			fprintf(f, " <span class=\"%s\">(arrival times known for %s %% of packets%s)"
				"</span>", trusted ? "note" : "warn",
				html_fmt(html_num(runs[r].root, "media.timing.timed_share_pct"), a,
					 sizeof(a)), trusted ? "" : ": below the floor, not trusted");
		}
		fputs("<br>\n", f);
	}
	if (!steps)
		fputs("Drawn from the percentiles: the reports have no buckets.<br>\n", f);
	for (unsigned r = 0; r < n; r++) {
		if (h[r] != NULL)
			continue;
		fputs(none ? ", " : "<span class=\"na\">Not measured in: ", f);
		mbl_html_esc(f, runs[r].label);
		none = true;
	}
	if (none)
		fputs("</span>", f);
	fputs("</figcaption>\n", f);
}

int html_distributions(FILE *f, const struct mbl_html_run *runs, unsigned n)
{
	const char *missing[MBL_ARRAY_SIZE(dists)];
	unsigned n_missing = 0;
	int rc = 0;

	fputs("<section id=\"distributions\">\n<h2>Distributions</h2>\n", f);
	for (unsigned i = 0; i < MBL_ARRAY_SIZE(dists) && rc == 0; i++) {
		const struct mbl_jv *h[MBL_HTML_MAX_RUNS];
		unsigned have = 0, buckets = 0;

		for (unsigned r = 0; r < n; r++) {
			h[r] = hist_of(runs[r].root, dists[i].path);
			have += h[r] != NULL;
			buckets += h[r] != NULL && has_buckets(h[r]);
		}
		if (have == 0) {
			missing[n_missing++] = dists[i].title;
			continue;
		}
		fputs("<figure class=\"plot\">\n", f);
		rc = buckets == have ? dist_steps(f, &dists[i], runs, h, n)
				     : dist_bars(f, &dists[i], runs, h, n);
		dist_caption(f, &dists[i], runs, h, n, buckets == have);
		fputs("</figure>\n", f);
	}
	html_not_measured(f, "Not measured in these runs", missing, n_missing);
	fputs("</section>\n", f);
	return rc < 0 ? rc : ferror(f) ? -EIO : 0;
}
