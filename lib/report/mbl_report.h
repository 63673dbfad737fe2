/* SPDX-License-Identifier: BSD-3-Clause
 * Reading a run's JSON report back (docs/report.md): what run it was, and
 * the catalogue of figures that can be compared between runs, each with
 * its command-line key, label, unit, the direction that is better, and
 * how to get it out of a report.
 *
 * Owner: whoever loaded the report (mbl_report_load or mbl_jv_load); the
 * catalogue is a constant table. Pure functions over a parsed tree, no
 * EAL, any thread. Used by `mediablast compare` and `mediablast html`.
 *
 * A figure a report does not have is "not present", never 0: a media-only
 * run has no calls section, a run without DTLS no handshake times, a
 * report from an older version lacks newer keys, a histogram with no
 * samples (count 0) measured nothing, and jitter, delay and MOS resting on
 * too few timed arrivals (media.timing.trusted false) are, as for the
 * run's own verdict, not measured.
 */
#ifndef MBL_REPORT_H
#define MBL_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "mbl_common.h"

/* Which way a figure improves. */
enum mbl_report_better {
	MBL_REPORT_LOWER = 0,  /* latencies, loss, errors, CPU */
	MBL_REPORT_HIGHER,     /* calls/s, ASR, MOS */
};

struct mbl_report_metric;

/* A figure's value from a report root: 0 with *out set, -ENOENT when the
 * report does not have it. */
typedef int (*mbl_report_get_fn)(const struct mbl_report_metric *m, const struct mbl_jv *root,
				 double *out);

struct mbl_report_metric {
	const char *key;              /* command line: "setup_ms.p99" */
	const char *label;            /* table row: "call setup p99" */
	const char *unit;             /* "ms", "%", "1/s", "" */
	enum mbl_report_better better;
	const char *path;             /* report path read (a histogram's, for HIST) */
	const char *field;            /* histogram field ("p99"), else NULL */
	mbl_report_get_fn get;        /* how: plain number, histogram field, computed */
	const char *help;             /* one line for docs and --help */
};

/* The catalogue, in table order (the order compare prints rows). */
unsigned mbl_report_n_metrics(void);
/* i < mbl_report_n_metrics(), else NULL */
const struct mbl_report_metric *mbl_report_metric(unsigned i);
/* By key, NULL when there is none. */
const struct mbl_report_metric *mbl_report_metric_find(const char *key);
/* The figure of m in a report: 0 with *out, -ENOENT not present. */
int mbl_report_value(const struct mbl_report_metric *m, const struct mbl_jv *root, double *out);

/* A percentile (0 < p < 100) of a report histogram {count, min, max,
 * buckets: [[lo, hi, count], ...]}: the midpoint of the bucket holding
 * rank ceil(p% of count), clamped to [min, max] (what the run's own
 * mbl_hist_pct does). 0 with *out; -ENOENT when count is 0 or there are
 * no buckets (reports before schema 1); -EINVAL when the buckets do not
 * add up to count. */
int mbl_report_hist_pct(const struct mbl_jv *hist, double p, double *out);

/* --- identity ----------------------------------------------------------- */

/* Load and check a report: a JSON object with a "run" object and, when
 * present, an integer "schema" >= 0. NULL with err naming the file (and
 * the line and column of a syntax error); free with mbl_jv_free. */
const struct mbl_jv *mbl_report_load(const char *path, char *err, size_t errlen);
/* The report's format version: "schema", 0 for reports written before it
 * existed; -EINVAL when it is there but not a non-negative integer. */
int mbl_report_schema(const struct mbl_jv *root);
/* run.role: "uac", "uas", "media", or "?" */
const char *mbl_report_role(const struct mbl_jv *root);
/* A short name for the run: run.label or config.run.label when the
 * report has one, else the file name without directory and ".json".
 * Writes at most len bytes (NUL included) into buf; returns buf. */
const char *mbl_report_label(const struct mbl_jv *root, const char *path, char *buf, size_t len);

#endif /* MBL_REPORT_H */
