/* SPDX-License-Identifier: BSD-3-Clause
 * The HTML report (docs/html-report.md): `mediablast html A.json [B.json
 * ...]` and a run's `--html FILE` (run.html). Both go through
 * app_html_write, from JSON files: a run writes its JSON report first (to
 * a temporary file when it has no run.report) and the page is drawn from
 * that file, so what a run shows and what `mediablast html` shows of its
 * report cannot differ. Main thread, no EAL.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "mbl_html.h"
#include "mbl_report.h"

#define HTML_LABEL_LEN 96

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mediablast html REPORT.json [REPORT.json...] [-o FILE]\n"
		"\n"
		"One self-contained HTML page of the runs' JSON reports (at most %d): summary\n"
		"and verdicts, the runs over time, distributions, failures and configuration,\n"
		"every run in its own colour. Written to standard output, or to FILE.\n"
		"\n"
		"  -o, --output FILE   write the page to FILE (through FILE.tmp, then renamed)\n"
		"  --help              this text\n"
		"\n"
		"Exit status: 0 written, 1 the page could not be written out, 2 bad usage or a\n"
		"report that cannot be read (missing, not JSON, not a mediablast report, or a\n"
		"newer schema than %d).\n", MBL_HTML_MAX_RUNS, MBL_REPORT_SCHEMA);
}

/* The reports, loaded and checked, in the caller's order. -1 after a
 * message naming the file (and the line and column of a syntax error). */
static int load(const char *who, const char *const *paths, const char *const *labels,
		unsigned n, struct mbl_html_run *runs, char (*lbl)[HTML_LABEL_LEN])
{
	char err[MBL_CONFIG_PATH_LEN + 256];

	for (unsigned i = 0; i < n; i++) {
		const struct mbl_jv *root = mbl_report_load(paths[i], err, sizeof(err));
		int schema;

		if (root == NULL) {
			fprintf(stderr, "%s: %s\n", who, err);
			return -1;
		}
		runs[i].root = root;
		schema = mbl_report_schema(root);
		if (schema > MBL_REPORT_SCHEMA) {
			fprintf(stderr, "%s: %s: schema %d, newer than this mediablast reads (%d)\n",
				who, paths[i], schema, MBL_REPORT_SCHEMA);
			return -1;
		}
		if (labels != NULL && labels[i] != NULL)
			snprintf(lbl[i], HTML_LABEL_LEN, "%s", labels[i]);
		else
			mbl_report_label(root, paths[i], lbl[i], HTML_LABEL_LEN);
		runs[i].label = lbl[i];
		runs[i].path = paths[i];
	}
	return 0;
}

/* The page to out ("-" or NULL: stdout): 0 or an exit status. */
static int render_to(const char *who, const char *out, struct mbl_html_run *runs, unsigned n)
{
	char tmp[MBL_CONFIG_PATH_LEN + 8];
	FILE *f = stdout;
	int rc;

	if (out != NULL && strcmp(out, "-") != 0) {
		if (snprintf(tmp, sizeof(tmp), "%s.tmp", out) >= (int)sizeof(tmp) ||
		    (f = fopen(tmp, "w")) == NULL) {
			fprintf(stderr, "%s: cannot write %s: %s\n", who, out,
				strerror(errno ? errno : ENAMETOOLONG));
			return MBL_EXIT_USAGE;
		}
	}
	rc = mbl_html_render(f, runs, n, "mediablast " MBL_VERSION);
	if (f == stdout) {
		if (fflush(stdout) != 0 || rc < 0) {
			fprintf(stderr, "%s: cannot write the page: %s\n", who,
				strerror(rc < 0 ? -rc : errno));
			return MBL_EXIT_RUNTIME;
		}
		return 0;
	}
	if (fclose(f) != 0 || rc < 0 || rename(tmp, out) != 0) {
		fprintf(stderr, "%s: cannot write %s: %s\n", who, out,
			strerror(rc < 0 ? -rc : errno));
		unlink(tmp);
		return MBL_EXIT_RUNTIME;
	}
	return 0;
}

int app_html_write(const char *who, const char *const *paths, const char *const *labels,
		   unsigned n, const char *out)
{
	static char lbl[MBL_HTML_MAX_RUNS][HTML_LABEL_LEN];
	struct mbl_html_run runs[MBL_HTML_MAX_RUNS] = { 0 };
	int rc = MBL_EXIT_USAGE;

	if (n == 0 || n > MBL_HTML_MAX_RUNS) {
		fprintf(stderr, "%s: between 1 and %d reports, not %u\n", who, MBL_HTML_MAX_RUNS, n);
		return MBL_EXIT_USAGE;
	}
	if (load(who, paths, labels, n, runs, lbl) == 0)
		rc = render_to(who, out, runs, n);
	for (unsigned i = 0; i < n; i++)
		mbl_jv_free(runs[i].root);
	return rc;
}

int app_html_main(int argc, char **argv)
{
	const char *files[MBL_HTML_MAX_RUNS], *out = NULL;
	unsigned n = 0;
	bool opts = true;

	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];

		if (opts && strcmp(s, "--") == 0) {
			opts = false;
		} else if (opts && (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0)) {
			usage(stdout);
			return 0;
		} else if (opts && (strcmp(s, "-o") == 0 || strcmp(s, "--output") == 0)) {
			if (i + 1 == argc) {
				fprintf(stderr, "mediablast html: %s needs a file name\n", s);
				return MBL_EXIT_USAGE;
			}
			out = argv[++i];
		} else if (opts && strncmp(s, "--output=", 9) == 0) {
			out = s + 9;
		} else if (opts && s[0] == '-' && s[1] != '\0') {
			fprintf(stderr, "mediablast html: unknown option %s (see --help)\n", s);
			return MBL_EXIT_USAGE;
		} else if (n == MBL_HTML_MAX_RUNS) {
			fprintf(stderr, "mediablast html: at most %d reports\n", MBL_HTML_MAX_RUNS);
			return MBL_EXIT_USAGE;
		} else {
			files[n++] = s;
		}
	}
	if (n == 0) {
		fprintf(stderr, "mediablast html: no report given (see --help)\n");
		return MBL_EXIT_USAGE;
	}
	return app_html_write("mediablast html", files, NULL, n, out);
}

int app_html_check(const struct app *a, char *err, size_t errlen)
{
	if (a->cfg.run.html[0] != '\0' && a->cfg.run.search != MBL_CONFIG_SEARCH_OFF) {
		snprintf(err, errlen, "run.html and run.search: a search writes a report per "
			 "level; draw the ones to see with mediablast html");
		return -EINVAL;
	}
	return 0;
}

int app_html_probe(const char *path)
{
	char tmp[MBL_CONFIG_PATH_LEN + 8];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL) {
		int e = errno;

		fprintf(stderr, "mediablast: run.html: cannot write %s: %s\n", path, strerror(e));
		return -e;
	}
	fclose(f);
	unlink(tmp);
	return 0;
}

/* A temporary file for the JSON of a run with run.html but no
 * run.report: 0 with its name in path (the file exists, empty), or -1. */
static int tmp_json(char *path, size_t len)
{
	const char *dir = getenv("TMPDIR");
	int fd;

	snprintf(path, len, "%s/mediablast-XXXXXX.json", dir != NULL && *dir ? dir : "/tmp");
	fd = mkstemps(path, 5);
	if (fd < 0) {
		fprintf(stderr, "mediablast: run.html: cannot make a temporary report %s: %s\n",
			path, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

int app_run_outputs(struct app *a, const struct mbl_dp_totals *t)
{
	const char *html = a->cfg.run.html, *json = a->cfg.run.report;
	char tmp[MBL_CONFIG_PATH_LEN], label[HTML_LABEL_LEN];
	const char *labels[1] = { NULL };
	int rc = 0;

	if (json[0] == '\0' && html[0] == '\0')
		return 0;
	if (json[0] == '\0') {
		size_t n;

		if (tmp_json(tmp, sizeof(tmp)) < 0)
			return -EIO;
		json = tmp;
		/* the page names the run after itself, not the temporary file */
		mbl_report_label(NULL, html, label, sizeof(label));
		n = strlen(label);
		if (n > 5 && strcmp(label + n - 5, ".html") == 0)
			label[n - 5] = '\0';
		labels[0] = label;
	}
	if (app_report_write(a, t, json) < 0)
		rc = -EIO;
	else if (html[0] != '\0' && app_html_write("mediablast: run.html", &json, labels, 1, html) != 0)
		rc = -EIO;
	if (json == tmp)
		unlink(tmp);
	return rc;
}
