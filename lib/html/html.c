/* SPDX-License-Identifier: BSD-3-Clause
 * The HTML page (mbl_html.h): head and style, then summary, verdicts,
 * the charts (html_plots.c) and each run's details. Readable without
 * script and printable: the style is inline, the charts inline SVG.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "html_priv.h"
#include "mbl_report.h"

static const char css[] =
	"body{font:14px/1.45 'DejaVu Sans',Verdana,Arial,sans-serif;color:#222;"
	"max-width:1000px;margin:24px auto;padding:0 16px;background:#fff}\n"
	"h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;border-bottom:2px solid #ccc;"
	"padding-bottom:4px;margin:32px 0 12px}h3{font-size:15px;margin:20px 0 6px}\n"
	"p.sub{color:#555;margin:0 0 16px}\n"
	"table{border-collapse:collapse;margin:8px 0 16px}th,td{padding:4px 10px;"
	"border-bottom:1px solid #e3e3e3;text-align:left;vertical-align:top}"
	"th{background:#f4f4f4;font-weight:600}td.num,th.num{text-align:right;"
	"font-variant-numeric:tabular-nums;white-space:nowrap}\n"
	".swatch{display:inline-block;width:12px;height:12px;border-radius:2px;"
	"margin-right:6px;vertical-align:-1px}\n"
	".badge{display:inline-block;padding:1px 9px;border-radius:10px;font-weight:700;"
	"font-size:12px;letter-spacing:.04em}\n"
	".pass{background:#dff2e6;color:#0b6b2e}.fail{background:#fde3df;color:#a1160a}"
	".int{background:#fff1cc;color:#6e4b00}\n"
	".na{color:#777;font-style:italic}.warn{color:#a1160a}.note{color:#555}"
	".better{color:#0b6b2e}.worse{color:#a1160a}.diff{font-size:12px;margin-left:6px}\n"
	".path{color:#666;font-size:12px;overflow-wrap:anywhere}table.runs{font-size:13px}"
	"th small{font-weight:400;color:#555}\n"
	"figure{margin:18px 0;break-inside:avoid;page-break-inside:avoid}"
	"figcaption{font-size:12px;color:#444;margin:2px 0 0 72px}\n"
	"svg.chart{max-width:100%;height:auto;display:block}\n"
	".cfg{columns:3;column-gap:20px;font-size:12px}.cfg div{break-inside:avoid;"
	"overflow-wrap:anywhere}"
	".cfg code{color:#333}\n"
	"footer{margin-top:40px;color:#777;font-size:12px}\n"
	"@media print{body{max-width:none;margin:0;font-size:12px}h2{break-after:avoid}"
	"thead{display:table-header-group}}\n";

double html_num(const struct mbl_jv *root, const char *path)
{
	const struct mbl_jv *v = mbl_jv_get(root, path);

	return v != NULL && v->type == MBL_JV_NUM && isfinite(v->v.n) ? v->v.n : NAN;
}

const char *html_fmt(double v, char *buf, size_t len)
{
	if (!isfinite(v))
		snprintf(buf, len, "-");
	else if (v == floor(v) && fabs(v) < 1e15)
		snprintf(buf, len, "%.0f", v);
	else if (fabs(v) >= 1000 && fabs(v) < 1e15)
		snprintf(buf, len, "%.1f", v);
	else
		snprintf(buf, len, "%.4g", v);
	return buf;
}

void html_run_name(FILE *f, const struct mbl_html_run *r, unsigned i)
{
	fprintf(f, "<span class=\"swatch\" style=\"background:%s\"></span>", mbl_svg_colour(i));
	mbl_html_esc(f, r->label);
}

void html_not_measured(FILE *f, const char *what, const char *const *names, unsigned n)
{
	if (n == 0)
		return;
	fputs("<p class=\"na\">", f);
	mbl_html_esc(f, what);
	fputs(": ", f);
	for (unsigned i = 0; i < n; i++) {
		if (i > 0)
			fputs("; ", f);
		mbl_html_esc(f, names[i]);
	}
	fputs(".</p>\n", f);
}

static void na(FILE *f)
{
	fputs("<span class=\"na\">not measured</span>", f);
}

/* A number with its unit, or "not measured". */
static void num_unit(FILE *f, double v, const char *unit)
{
	char b[32];

	if (!isfinite(v)) {
		na(f);
		return;
	}
	fputs(html_fmt(v, b, sizeof(b)), f);
	if (unit != NULL && *unit != '\0') {
		fputc(' ', f);
		mbl_html_esc(f, unit);
	}
}

static void verdict_badge(FILE *f, const struct mbl_jv *root)
{
	const char *r = mbl_jv_str(mbl_jv_get(root, "verdict.result"), NULL);

	if (r == NULL)
		fputs("<span class=\"na\">no verdict</span>", f);
	else if (strcmp(r, "pass") == 0)
		fputs("<span class=\"badge pass\">PASS</span>", f);
	else if (strcmp(r, "interrupted") == 0)
		fputs("<span class=\"badge int\">INTERRUPTED</span>", f);
	else if (strcmp(r, "fail") == 0)
		fputs("<span class=\"badge fail\">FAIL</span>", f);
	else {
		fputs("<span class=\"badge\">", f);
		mbl_html_esc(f, r);
		fputs("</span>", f);
	}
}

/* --- summary --------------------------------------------------------------- */

static void cell_text(FILE *f, const struct mbl_jv *root, const char *path)
{
	const char *s = mbl_jv_str(mbl_jv_get(root, path), NULL);

	fputs("<td>", f);
	if (s != NULL)
		mbl_html_esc(f, s);
	else
		fputs("<span class=\"na\">-</span>", f);
	fputs("</td>", f);
}

static void written_utc(FILE *f, const struct mbl_jv *root)
{
	double t = html_num(root, "run.time_unix");
	time_t tt = (time_t)t;
	struct tm tm;
	char b[40];

	if (!isfinite(t) || t < 0 || gmtime_r(&tt, &tm) == NULL ||
	    strftime(b, sizeof(b), "%Y-%m-%d %H:%M:%S", &tm) == 0)
		fputs("<td><span class=\"na\">-</span></td>", f);
	else
		fprintf(f, "<td class=\"num\">%s</td>", b);
}

/* What the run carried: "off" for calls without media, else codec and
 * media security. */
static void media_cell(FILE *f, const struct mbl_jv *root)
{
	const struct mbl_jv *cm = mbl_jv_get(root, "config.call.media");
	bool sip = mbl_jv_get(root, "calls") != NULL;

	fputs("<td>", f);
	if (sip && cm != NULL && cm->type == MBL_JV_BOOL && !cm->v.b) {
		fputs("off", f);
	} else {
		mbl_html_esc(f, mbl_jv_str(mbl_jv_get(root, "media.codec"), "?"));
		fputs(", ", f);
		mbl_html_esc(f, mbl_jv_str(mbl_jv_get(root, "config.media.encryption"), "?"));
	}
	fputs("</td>", f);
}

static void calls_cell(FILE *f, const struct mbl_jv *root)
{
	char a[32], b[32], c[32];

	if (mbl_jv_get(root, "calls") == NULL) {
		fputs("<td><span class=\"na\">no calls (media only)</span></td>", f);
		return;
	}
	fprintf(f, "<td class=\"num\">%s / %s / %s</td>",
		html_fmt(html_num(root, "calls.attempted"), a, sizeof(a)),
		html_fmt(html_num(root, "calls.succeeded"), b, sizeof(b)),
		html_fmt(html_num(root, "calls.failed"), c, sizeof(c)));
}

static void runs_table(FILE *f, const struct mbl_html_run *runs, unsigned n)
{
	fputs("<table class=\"runs\">\n<thead><tr><th>run</th><th>role</th>"
	      "<th>report written<br><small>UTC</small></th><th class=\"num\">duration</th>"
	      "<th>SIP</th><th>media</th><th class=\"num\">calls<br><small>attempted / "
	      "succeeded / failed</small></th><th class=\"num\">CPU</th><th>verdict</th></tr>"
	      "</thead>\n<tbody>\n", f);
	for (unsigned r = 0; r < n; r++) {
		const struct mbl_jv *root = runs[r].root;

		fputs("<tr class=\"run\"><td>", f);
		html_run_name(f, &runs[r], r);
		if (runs[r].path != NULL) {
			fputs("<br><span class=\"path\">", f);
			mbl_html_esc(f, runs[r].path);
			fputs("</span>", f);
		}
		fputs("</td>", f);
		cell_text(f, root, "run.role");
		written_utc(f, root);
		fputs("<td class=\"num\">", f);
		num_unit(f, html_num(root, "run.total_seconds"), "s");
		fputs("</td>", f);
		cell_text(f, root, "sip.transport");
		media_cell(f, root);
		calls_cell(f, root);
		fputs("<td class=\"num\">", f);
		num_unit(f, html_num(root, "run.cpu_s"), "s");
		fputs("</td><td>", f);
		verdict_badge(f, root);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
}

/* The change from the first run, coloured by the figure's better way. */
static void diff_note(FILE *f, const struct mbl_report_metric *m, double base, double v)
{
	double d = v - base;
	bool better = m->better == MBL_REPORT_HIGHER ? d > 0 : d < 0;
	char b[32];

	if (d == 0) {
		fputs("<span class=\"diff note\">=</span>", f);
		return;
	}
	if (base != 0)
		snprintf(b, sizeof(b), "%+.1f %%", 100 * d / fabs(base));
	else
		snprintf(b, sizeof(b), "%+.4g", d);
	/* under 0.05 %: a change of no colour */
	fprintf(f, "<span class=\"diff %s\">%s</span>",
		base != 0 && fabs(d / base) < 5e-4 ? "note" : better ? "better" : "worse", b);
}

/* The catalogue's figures (mbl_report.h) side by side: a row per figure
 * some run has, the rest named below. */
static void metrics_table(FILE *f, const struct mbl_html_run *runs, unsigned n)
{
	const char *missing[64];
	unsigned n_missing = 0, nm = mbl_report_n_metrics();

	fputs("<table class=\"metrics\">\n<thead><tr><th>figure</th><th>better</th>", f);
	for (unsigned r = 0; r < n; r++) {
		fputs("<th class=\"num\">", f);
		html_run_name(f, &runs[r], r);
		fputs("</th>", f);
	}
	fputs("</tr></thead>\n<tbody>\n", f);
	for (unsigned i = 0; i < nm; i++) {
		const struct mbl_report_metric *m = mbl_report_metric(i);
		double v[MBL_HTML_MAX_RUNS];
		unsigned have = 0;

		for (unsigned r = 0; r < n; r++) {
			if (mbl_report_value(m, runs[r].root, &v[r]) < 0)
				v[r] = NAN;
			have += isfinite(v[r]);
		}
		if (have == 0) {
			if (n_missing < MBL_ARRAY_SIZE(missing))
				missing[n_missing++] = m->label;
			continue;
		}
		fputs("<tr><td>", f);
		mbl_html_esc(f, m->label);
		fprintf(f, "</td><td>%s</td>", m->better == MBL_REPORT_HIGHER ? "higher" : "lower");
		for (unsigned r = 0; r < n; r++) {
			fputs("<td class=\"num\">", f);
			num_unit(f, v[r], m->unit);
			if (r > 0 && isfinite(v[r]) && isfinite(v[0]))
				diff_note(f, m, v[0], v[r]);
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
	if (n > 1)
		fputs("<p class=\"note\">Changes are against the first run.</p>\n", f);
	html_not_measured(f, "Not measured in any run", missing, n_missing);
}

static void summary(FILE *f, const struct mbl_html_run *runs, unsigned n)
{
	fputs("<section id=\"summary\">\n<h2>Summary</h2>\n", f);
	runs_table(f, runs, n);
	metrics_table(f, runs, n);
	fputs("</section>\n", f);
}

/* --- verdict --------------------------------------------------------------- */

static void threshold_row(FILE *f, const struct mbl_jv *t)
{
	size_t kl = strlen(t->key);
	const char *unit = mbl_jv_str(mbl_jv_get(t, "unit"), "");
	bool measured = mbl_jv_bool(mbl_jv_get(t, "measured"), false);
	bool pass = mbl_jv_bool(mbl_jv_get(t, "pass"), false);
	const char *op = kl > 4 && strcmp(t->key + kl - 4, "_min") == 0 ? "&ge;"
			 : kl > 4 && strcmp(t->key + kl - 4, "_max") == 0 ? "&le;" : "";

	fputs("<tr><td><code>verdict.", f);
	mbl_html_esc(f, t->key);
	fprintf(f, "</code></td><td class=\"num\">%s ", op);
	num_unit(f, html_num(t, "limit"), unit);
	fputs("</td><td class=\"num\">", f);
	if (measured)
		num_unit(f, html_num(t, "value"), unit);
	else
		na(f);
	fprintf(f, "</td><td>%s</td></tr>\n",
		pass ? "<span class=\"badge pass\">held</span>"
		: measured ? "<span class=\"badge fail\">FAILED</span>"
			   : "<span class=\"badge fail\">FAILED: not measured</span>");
}

static void verdict_run(FILE *f, const struct mbl_html_run *run, unsigned i)
{
	const struct mbl_jv *v = mbl_jv_get(run->root, "verdict");
	const struct mbl_jv *th = mbl_jv_get(v, "thresholds");
	char b[32];

	fputs("<h3>", f);
	html_run_name(f, run, i);
	fputs(" ", f);
	verdict_badge(f, run->root);
	if (isfinite(html_num(v, "exit_status")))
		fprintf(f, " <span class=\"note\">exit status %s</span>",
			html_fmt(html_num(v, "exit_status"), b, sizeof(b)));
	fputs("</h3>\n", f);
	if (v == NULL) {
		fputs("<p class=\"na\">The report has no verdict.</p>\n", f);
		return;
	}
	if (mbl_jv_bool(mbl_jv_get(v, "no_call_succeeded"), false))
		fputs("<p class=\"warn\">No call was set up.</p>\n", f);
	else if (!mbl_jv_bool(mbl_jv_get(v, "calls_ok"), true))
		fputs("<p class=\"warn\">Calls failed.</p>\n", f);
	else if (mbl_jv_get(v, "calls_ok") != NULL)
		fputs("<p>Every call succeeded.</p>\n", f);
	if (th == NULL || th->type != MBL_JV_OBJ || th->len == 0) {
		fputs("<p class=\"note\">No threshold was set (<code>verdict.*</code>).</p>\n", f);
		return;
	}
	fputs("<table class=\"thresholds\">\n<thead><tr><th>threshold</th><th class=\"num\">"
	      "limit</th><th class=\"num\">measured</th><th>result</th></tr></thead>\n<tbody>\n",
	      f);
	for (const struct mbl_jv *t = th->child; t != NULL; t = t->next)
		threshold_row(f, t);
	fputs("</tbody></table>\n", f);
}

static void verdicts(FILE *f, const struct mbl_html_run *runs, unsigned n)
{
	fputs("<section id=\"verdict\">\n<h2>Verdict</h2>\n", f);
	for (unsigned r = 0; r < n; r++)
		verdict_run(f, &runs[r], r);
	fputs("</section>\n", f);
}

/* --- details --------------------------------------------------------------- */

/* A table of an object's members {name: count}, only the non-zero ones;
 * false when there was none. */
static bool counts_table(FILE *f, const struct mbl_jv *root, const char *path, const char *what)
{
	const struct mbl_jv *o = mbl_jv_get(root, path);
	bool any = false;
	char b[32];

	for (const struct mbl_jv *c = o != NULL && o->type == MBL_JV_OBJ ? o->child : NULL;
	     c != NULL; c = c->next) {
		if (!(mbl_jv_num(c, 0) > 0) || strcmp(c->key, "total") == 0)
			continue;
		if (!any) {
			fputs("<table class=\"counts\">\n<thead><tr><th>", f);
			mbl_html_esc(f, what);
			fputs("</th><th class=\"num\">count</th></tr></thead>\n<tbody>\n", f);
		}
		any = true;
		fputs("<tr><td>", f);
		mbl_html_esc(f, c->key);
		fprintf(f, "</td><td class=\"num\">%s</td></tr>\n",
			html_fmt(mbl_jv_num(c, 0), b, sizeof(b)));
	}
	if (any)
		fputs("</tbody></table>\n", f);
	return any;
}

static void config_value(FILE *f, const struct mbl_jv *v)
{
	char b[32];

	switch (v->type) {
	case MBL_JV_STR:
		if (v->len == 0)
			fputs("<span class=\"na\">\"\"</span>", f);
		else
			mbl_html_esc(f, v->v.s);
		break;
	case MBL_JV_NUM: fputs(html_fmt(v->v.n, b, sizeof(b)), f); break;
	case MBL_JV_BOOL: fputs(v->v.b ? "true" : "false", f); break;
	case MBL_JV_NULL: fputs("null", f); break;
	default: fputs("&hellip;", f); break;
	}
}

static void config_list(FILE *f, const struct mbl_jv *root)
{
	const struct mbl_jv *cfg = mbl_jv_get(root, "config");

	if (cfg == NULL || cfg->type != MBL_JV_OBJ) {
		fputs("<p class=\"na\">The report holds no configuration.</p>\n", f);
		return;
	}
	fputs("<div class=\"cfg\">\n", f);
	for (const struct mbl_jv *s = cfg->child; s != NULL; s = s->next)
		for (const struct mbl_jv *k = s->type == MBL_JV_OBJ ? s->child : NULL; k != NULL;
		     k = k->next) {
			fputs("<div><code>", f);
			mbl_html_esc(f, s->key);
			fputc('.', f);
			mbl_html_esc(f, k->key);
			fputs("</code> = ", f);
			config_value(f, k);
			fputs("</div>\n", f);
		}
	fputs("</div>\n", f);
}

static void details(FILE *f, const struct mbl_html_run *runs, unsigned n)
{
	fputs("<section id=\"details\">\n<h2>Run details</h2>\n", f);
	for (unsigned r = 0; r < n; r++) {
		const struct mbl_jv *root = runs[r].root;
		bool any = false;

		fputs("<h3>", f);
		html_run_name(f, &runs[r], r);
		fputs("</h3>\n", f);
		any |= counts_table(f, root, "calls.failed_by_reason", "calls failed, by reason");
		any |= counts_table(f, root, "calls.failed_by_status", "calls failed, by SIP status");
		any |= counts_table(f, root, "calls.dtls.failed_by_reason",
				    "DTLS handshakes failed, by reason");
		any |= counts_table(f, root, "calls.ice.failed_by_reason", "ICE failures, by reason");
		any |= counts_table(f, root, "sip.register.failed_by_reason",
				    "registrations failed, by reason");
		any |= counts_table(f, root, "media.dropped", "packets dropped, by reason");
		if (!any)
			fputs("<p>No call failed and no packet was dropped.</p>\n", f);
		fputs("<p><b>Configuration</b></p>\n", f);
		config_list(f, root);
	}
	fputs("</section>\n", f);
}

/* --- the page -------------------------------------------------------------- */

static void head(FILE *f, const struct mbl_html_run *runs, unsigned n, const char *generator)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta name=\"generator\" content=\"", f);
	mbl_html_esc(f, generator);
	fputs("\">\n<title>Test report: ", f);
	for (unsigned r = 0; r < n; r++) {
		fputs(r ? ", " : "", f);
		mbl_html_esc(f, runs[r].label);
	}
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n"
		"<h1>Test report</h1>\n<p class=\"sub\">", css);
	fprintf(f, "%u run%s: ", n, n == 1 ? "" : "s");
	for (unsigned r = 0; r < n; r++) {
		fputs(r ? ", " : "", f);
		html_run_name(f, &runs[r], r);
	}
	fputs("</p>\n</header>\n", f);
}

int mbl_html_render(FILE *f, const struct mbl_html_run *runs, unsigned n, const char *generator)
{
	int rc;

	if (f == NULL || runs == NULL || n == 0 || n > MBL_HTML_MAX_RUNS)
		return -EINVAL;
	for (unsigned r = 0; r < n; r++)
		if (runs[r].root == NULL || runs[r].label == NULL)
			return -EINVAL;
	head(f, runs, n, generator != NULL ? generator : "mediablast");
	summary(f, runs, n);
	verdicts(f, runs, n);
	rc = html_timeline(f, runs, n);
	if (rc == 0)
		rc = html_distributions(f, runs, n);
	if (rc < 0)
		return rc;
	details(f, runs, n);
	fputs("<footer>Generated by ", f);
	mbl_html_esc(f, generator != NULL ? generator : "mediablast");
	fputs(" from the runs' JSON reports. Figures a report lacks are shown as not "
	      "measured, never as 0.</footer>\n</body>\n</html>\n", f);
	return ferror(f) ? -EIO : 0;
}
