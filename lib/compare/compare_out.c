/* SPDX-License-Identifier: BSD-3-Clause
 * What `mediablast compare` prints (mbl_compare.h): the side-by-side
 * table and the threshold lines on a stream, and the JUnit XML.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mbl_compare.h"

#define CELL MBL_CMP_TEXT_LEN
/* key, figure, unit, BASE; then per RUN: value, diff, diff %, mark */
#define FIXED_COLS 4
#define RUN_COLS 4

struct table {
	unsigned rows, cols;
	char (*cell)[CELL];
	size_t width[FIXED_COLS + RUN_COLS * MBL_CMP_MAX_RUNS];
};

static char *cell(struct table *tb, unsigned r, unsigned c)
{
	return tb->cell[r * tb->cols + c];
}

/* A check on RUN run about metric m failed. */
static bool failed_on(const struct mbl_cmp_check *c, unsigned nc, unsigned run,
		      const struct mbl_report_metric *m)
{
	for (unsigned i = 0; i < nc; i++)
		if (c[i].run == run && c[i].t->m == m && c[i].o.result != MBL_CMP_HELD)
			return true;
	return false;
}

static void header(struct table *tb, const struct mbl_cmp_input *in, unsigned n)
{
	snprintf(cell(tb, 0, 0), CELL, "key");
	snprintf(cell(tb, 0, 1), CELL, "figure");
	snprintf(cell(tb, 0, 2), CELL, "unit");
	snprintf(cell(tb, 0, 3), CELL, "%s", in[0].label);
	for (unsigned k = 1; k < n; k++) {
		unsigned c = FIXED_COLS + (k - 1) * RUN_COLS;

		snprintf(cell(tb, 0, c), CELL, "%s", in[k].label);
		snprintf(cell(tb, 0, c + 1), CELL, "diff");
		snprintf(cell(tb, 0, c + 2), CELL, "diff%%");
	}
}

/* One row for m, or false when no input has the figure. */
static bool row(struct table *tb, unsigned r, const struct mbl_report_metric *m,
		const struct mbl_cmp_input *in, unsigned n, const struct mbl_cmp_check *c,
		unsigned nc)
{
	double v[1 + MBL_CMP_MAX_RUNS], d, rel;
	bool have[1 + MBL_CMP_MAX_RUNS], any = false;
	char num[CELL - 1];

	for (unsigned k = 0; k < n; k++) {
		have[k] = mbl_report_value(m, in[k].root, &v[k]) == 0;
		any |= have[k];
	}
	if (!any)
		return false;
	snprintf(cell(tb, r, 0), CELL, "%s", m->key);
	snprintf(cell(tb, r, 1), CELL, "%s", m->label);
	snprintf(cell(tb, r, 2), CELL, "%s", m->unit);
	mbl_cmp_fmt(have[0] ? v[0] : NAN, cell(tb, r, 3), CELL);
	for (unsigned k = 1; k < n; k++) {
		unsigned col = FIXED_COLS + (k - 1) * RUN_COLS;

		mbl_cmp_fmt(have[k] ? v[k] : NAN, cell(tb, r, col), CELL);
		if (have[0] && have[k]) {
			mbl_cmp_diff(v[0], v[k], &d, &rel);
			snprintf(cell(tb, r, col + 1), CELL, "%s%s", d > 0 ? "+" : "",
				 mbl_cmp_fmt(d, num, sizeof(num)));
			if (isnan(rel))
				snprintf(cell(tb, r, col + 2), CELL, "-");
			else
				snprintf(cell(tb, r, col + 2), CELL, "%+.1f%%", rel);
		} else {
			snprintf(cell(tb, r, col + 1), CELL, "-");
			snprintf(cell(tb, r, col + 2), CELL, "-");
		}
		if (failed_on(c, nc, k, m))
			snprintf(cell(tb, r, col + 3), CELL, "!");
	}
	return true;
}

static void print_table(FILE *f, struct table *tb)
{
	for (unsigned r = 0; r < tb->rows; r++)
		for (unsigned c = 0; c < tb->cols; c++)
			tb->width[c] = MBL_MAX(tb->width[c], strlen(cell(tb, r, c)));
	for (unsigned r = 0; r < tb->rows; r++) {
		char line[(CELL + 1) * (FIXED_COLS + RUN_COLS * MBL_CMP_MAX_RUNS) + 1];
		size_t at = 0;

		for (unsigned c = 0; c < tb->cols; c++) {
			/* text left, figures right */
			bool left = c < 3 || (c >= FIXED_COLS && (c - FIXED_COLS) % RUN_COLS == 3);

			at += (size_t)snprintf(line + at, sizeof(line) - at, left ? "%-*s " : "%*s ",
					       (int)tb->width[c], cell(tb, r, c));
		}
		while (at > 0 && line[at - 1] == ' ')
			at--;
		fprintf(f, "%.*s\n", (int)at, line);
	}
}

int mbl_cmp_print(FILE *f, const struct mbl_cmp_input *in, unsigned n,
		  const struct mbl_cmp_check *c, unsigned nc)
{
	struct table tb = { .cols = FIXED_COLS + RUN_COLS * (n - 1) };
	unsigned rows = 1;

	if (n < 2 || n > 1 + MBL_CMP_MAX_RUNS)
		return -EINVAL;
	tb.cell = calloc((size_t)(1 + mbl_report_n_metrics()) * tb.cols, CELL);
	if (tb.cell == NULL)
		return -ENOMEM;
	for (unsigned k = 0; k < n; k++)
		fprintf(f, "%-6s %s: %s, schema %d, %s\n", k == 0 ? "base" : "run", in[k].label,
			mbl_report_role(in[k].root), mbl_report_schema(in[k].root), in[k].path);
	fputc('\n', f);
	header(&tb, in, n);
	for (unsigned i = 0; i < mbl_report_n_metrics(); i++)
		rows += row(&tb, rows, mbl_report_metric(i), in, n, c, nc);
	tb.rows = rows;
	if (rows == 1)
		fprintf(f, "(no figure in any report)\n");
	else
		print_table(f, &tb);
	free(tb.cell);
	if (nc > 0)
		fputc('\n', f);
	for (unsigned i = 0; i < nc; i++)
		fprintf(f, "%s %s (%s): %s\n", c[i].o.result == MBL_CMP_HELD ? "PASS" : "FAIL",
			c[i].t->text, in[c[i].run].label, c[i].o.text);
	return 0;
}

/* Length of a valid UTF-8 sequence at s (RFC 3629), 0 when invalid. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
	uint32_t cp;

	if (n == 0 || s[0] > 0xf4)
		return 0;
	cp = s[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff) || cp >= 0xfffe)) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

/* s escaped for XML 1.0 text and attributes: the five specials as
 * entities; control characters XML cannot carry (all below 0x20 but tab,
 * newline, return) and bytes that are not UTF-8 as '?'. */
static void xml_puts(FILE *f, const char *str)
{
	for (const unsigned char *s = (const unsigned char *)str; *s != '\0'; s++) {
		size_t n;

		switch (*s) {
		case '&': fputs("&amp;", f); continue;
		case '<': fputs("&lt;", f); continue;
		case '>': fputs("&gt;", f); continue;
		case '"': fputs("&quot;", f); continue;
		case '\'': fputs("&apos;", f); continue;
		case '\t': case '\n': case '\r': fputc(*s, f); continue;
		default: break;
		}
		if (*s < 0x20 || *s == 0x7f) {
			fputc('?', f);
		} else if (*s < 0x80) {
			fputc(*s, f);
		} else if ((n = utf8_len(s)) == 0) {
			fputc('?', f);
		} else {
			fwrite(s, 1, n, f);
			s += n - 1;
		}
	}
}

int mbl_cmp_junit(FILE *f, const struct mbl_cmp_input *in, unsigned n,
		  const struct mbl_cmp_check *c, unsigned nc)
{
	unsigned failed = 0;

	(void)n;
	for (unsigned i = 0; i < nc; i++)
		failed += c[i].o.result != MBL_CMP_HELD;
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f, "<testsuites name=\"mediablast compare\" tests=\"%u\" failures=\"%u\" "
		"errors=\"0\">\n", nc, failed);
	fprintf(f, "  <testsuite name=\"mediablast compare\" tests=\"%u\" failures=\"%u\" "
		"errors=\"0\" skipped=\"0\">\n    <properties>\n"
		"      <property name=\"base\" value=\"", nc, failed);
	xml_puts(f, in[0].path);
	fprintf(f, "\"/>\n    </properties>\n");
	for (unsigned i = 0; i < nc; i++) {
		const struct mbl_cmp_input *r = &in[c[i].run];

		fprintf(f, "    <testcase name=\"");
		xml_puts(f, c[i].t->text);
		fprintf(f, "\" classname=\"");
		xml_puts(f, r->label);
		fprintf(f, "\" file=\"");
		xml_puts(f, r->path);
		if (c[i].o.result == MBL_CMP_HELD) {
			fprintf(f, "\" time=\"0\"/>\n");
			continue;
		}
		fprintf(f, "\" time=\"0\">\n      <failure type=\"%s\" message=\"",
			c[i].o.result == MBL_CMP_MISSING ? "not measured" : "threshold");
		xml_puts(f, c[i].o.text);
		fprintf(f, "\">");
		xml_puts(f, c[i].t->text);
		fprintf(f, ": ");
		xml_puts(f, c[i].o.text);
		fprintf(f, "</failure>\n    </testcase>\n");
	}
	fprintf(f, "  </testsuite>\n</testsuites>\n");
	return ferror(f) ? -EIO : 0;
}
