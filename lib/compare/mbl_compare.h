/* SPDX-License-Identifier: BSD-3-Clause
 * Comparing runs (`mediablast compare`, docs/compare.md): a BASE report
 * and one or more RUN reports side by side over the figures of the
 * report catalogue (mbl_report.h), and thresholds judged on each RUN.
 *
 * Threshold grammar, KEY a catalogue key (mbl_report_metric_find):
 *   KEY<=V     the RUN's value is at most V       (absolute bound)
 *   KEY>=V     the RUN's value is at least V
 *   KEY=+N     the RUN may be worse than BASE by at most N (report units)
 *   KEY=-N     the RUN must be better than BASE by at least N
 *   KEY=+N%    as +N, N a percentage of |BASE|
 *   KEY=-N%    as -N, N a percentage of |BASE|
 * "Worse" is the metric's worse direction: up for a LOWER-is-better
 * figure (setup_ms.p99=+20%: RUN <= 1.2 x BASE), down for a HIGHER one
 * (cps=+10%: RUN >= 0.9 x BASE). With BASE 0 a relative change is 0 when
 * RUN equals it and infinitely worse or better otherwise. Every limit
 * holds at equality. A figure missing from a report the threshold needs
 * (RUN always, BASE for the changes) fails the threshold: never a pass.
 *
 * Pure functions over parsed reports; no EAL, any thread; the caller
 * owns every report and output stream.
 */
#ifndef MBL_COMPARE_H
#define MBL_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "mbl_report.h"

#define MBL_CMP_MAX_RUNS 16           /* RUN reports in one comparison */
#define MBL_CMP_TEXT_LEN 64

enum mbl_cmp_op {
	MBL_CMP_LE = 0,    /* KEY<=V */
	MBL_CMP_GE,        /* KEY>=V */
	MBL_CMP_DELTA,     /* KEY=+N / KEY=-N: allowed worsening */
	MBL_CMP_REL,       /* KEY=+N% / KEY=-N%: allowed worsening, % of |BASE| */
};

struct mbl_cmp_threshold {
	const struct mbl_report_metric *m;
	enum mbl_cmp_op op;
	double limit;                     /* V, or the signed N */
	char text[MBL_CMP_TEXT_LEN];      /* as given: "setup_ms.p99=+20%" */
};

/* Parse one threshold (grammar above). Returns 0; -ENOENT when KEY is
 * not in the catalogue; -EINVAL for anything else (too long, no
 * operator, a change without its sign, not a finite number, trailing
 * text). err says why and names the text. */
int mbl_cmp_threshold_parse(const char *s, struct mbl_cmp_threshold *t, char *err,
			    size_t errlen);

enum mbl_cmp_result {
	MBL_CMP_HELD = 0,
	MBL_CMP_BROKEN,        /* measured beyond the limit */
	MBL_CMP_MISSING,       /* a report needed lacks the figure: fails */
};

struct mbl_cmp_outcome {
	enum mbl_cmp_result result;
	double base, run;      /* the figures (when present) */
	double measured;       /* what the limit is held against: the RUN's value,
				* or its worsening (absolute, or % of |BASE|) */
	char text[256];        /* "measured vs limit", e.g. "25.0 % worse (10 -> 12.5 ms)
				* vs at most 20 % worse", or "not measured in NAME" */
};

/* Judge t on run against base (base may be NULL for <= and >=; then a
 * change fails as missing). base_name / run_name name the reports in
 * the text. Returns true when the threshold held. */
bool mbl_cmp_eval(const struct mbl_cmp_threshold *t, const struct mbl_jv *base,
		  const char *base_name, const struct mbl_jv *run, const char *run_name,
		  struct mbl_cmp_outcome *o);

/* The difference run - base, absolute and relative to |base| (in %; NAN
 * when base is 0). */
void mbl_cmp_diff(double base, double run, double *abs, double *rel_pct);

/* A figure for a table: integers whole, else 4 significant digits (one
 * decimal from 100 up). Returns buf. */
const char *mbl_cmp_fmt(double v, char *buf, size_t len);

/* --- output ------------------------------------------------------------ */

/* One report of a comparison: [0] is BASE. */
struct mbl_cmp_input {
	const char *path;
	const struct mbl_jv *root;
	char label[MBL_CMP_TEXT_LEN];
};

/* One threshold judged on one RUN. */
struct mbl_cmp_check {
	const struct mbl_cmp_threshold *t;
	unsigned run;                 /* index into the inputs, >= 1 */
	struct mbl_cmp_outcome o;
};

/* The side-by-side table: a row per catalogue figure present in any of
 * the n inputs (n >= 2, at most 1 + MBL_CMP_MAX_RUNS), BASE's value then
 * each RUN's with its absolute and relative difference, "!" beside a
 * RUN's figure when one of the checks on it failed. Then one line per
 * check: "PASS|FAIL TEXT (RUN): measured vs limit". -ENOMEM or 0. */
int mbl_cmp_print(FILE *f, const struct mbl_cmp_input *in, unsigned n,
		  const struct mbl_cmp_check *c, unsigned nc);

/* JUnit XML: testsuites > testsuite name="mediablast compare" > one
 * testcase per check (name the threshold, classname the RUN's label),
 * a <failure message=...> for each that failed; every text escaped and
 * non-UTF-8 bytes replaced, so any XML parser reads it. Returns 0, or
 * -EIO when f reported a write error. */
int mbl_cmp_junit(FILE *f, const struct mbl_cmp_input *in, unsigned n,
		  const struct mbl_cmp_check *c, unsigned nc);

#endif /* MBL_COMPARE_H */
