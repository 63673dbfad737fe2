/* SPDX-License-Identifier: BSD-3-Clause
 * `mediablast compare BASE.json RUN.json... [--threshold KEY=LIMIT ...]
 * [--junit FILE]` (docs/compare.md): reports side by side, thresholds
 * judged, exit 0 / 1 / 2. Runs before and without EAL.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "mbl_compare.h"

#define MAX_THRESHOLDS 64

struct cmp_args {
	const char *files[1 + MBL_CMP_MAX_RUNS];
	unsigned n_files;
	struct mbl_cmp_threshold t[MAX_THRESHOLDS];
	unsigned n_t;
	const char *junit;
	bool help;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mediablast compare BASE.json RUN.json... [--threshold KEY=LIMIT ...]\n"
		"                          [--junit FILE]\n"
		"\n"
		"Reports of runs side by side: BASE's figures, then each RUN's with its\n"
		"difference (absolute and relative); thresholds judged on every RUN.\n"
		"\n"
		"  --threshold, -t KEY=LIMIT   repeatable; LIMIT is one of\n"
		"      KEY<=V  KEY>=V   the RUN's value at most / at least V\n"
		"      KEY=+N  KEY=-N   RUN worse than BASE by at most N / better by at least N\n"
		"      KEY=+N%% KEY=-N%%  the same, N in %% of BASE\n"
		"      (worse: higher for a figure where lower is better, lower otherwise)\n"
		"  --junit FILE                the checks as JUnit XML\n"
		"  --help                      this text\n"
		"\n"
		"Exit status: 0 every threshold held, 1 one failed (or its figure is missing\n"
		"from a report), 2 bad usage, an unreadable or invalid report, reports of\n"
		"different schemas.\n\nKEYs (better: + higher, - lower):\n");
	for (unsigned i = 0; i < mbl_report_n_metrics(); i++) {
		const struct mbl_report_metric *m = mbl_report_metric(i);

		fprintf(f, "  %-20s %c %-4s %s\n", m->key, m->better == MBL_REPORT_HIGHER ? '+' : '-',
			m->unit, m->help);
	}
}

static void list_keys(FILE *f)
{
	fprintf(f, "mediablast compare: valid keys:");
	for (unsigned i = 0; i < mbl_report_n_metrics(); i++)
		fprintf(f, " %s", mbl_report_metric(i)->key);
	fputc('\n', f);
}

static int add_threshold(struct cmp_args *a, const char *s)
{
	char err[256];
	int rc;

	if (a->n_t == MAX_THRESHOLDS) {
		fprintf(stderr, "mediablast compare: at most %d thresholds\n", MAX_THRESHOLDS);
		return -1;
	}
	rc = mbl_cmp_threshold_parse(s, &a->t[a->n_t], err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "mediablast compare: %s\n", err);
		if (rc == -ENOENT)
			list_keys(stderr);
		return -1;
	}
	a->n_t++;
	return 0;
}

/* argv[0] is "compare". -1 after a message on a bad command line. */
static int parse_args(int argc, char **argv, struct cmp_args *a)
{
	bool opts = true;

	for (int i = 1; i < argc; i++) {
		const char *s = argv[i], *val = NULL;

		if (opts && strcmp(s, "--") == 0) {
			opts = false;
		} else if (opts && (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0)) {
			a->help = true;
		} else if (opts && (strcmp(s, "--threshold") == 0 || strcmp(s, "-t") == 0 ||
				    strcmp(s, "--junit") == 0)) {
			if (i + 1 == argc) {
				fprintf(stderr, "mediablast compare: %s needs a value\n", s);
				return -1;
			}
			val = argv[++i];
		} else if (opts && strncmp(s, "--threshold=", 12) == 0) {
			val = s + 12;
			s = "--threshold";
		} else if (opts && strncmp(s, "--junit=", 8) == 0) {
			val = s + 8;
			s = "--junit";
		} else if (opts && s[0] == '-' && s[1] != '\0') {
			fprintf(stderr, "mediablast compare: unknown option %s (see --help)\n", s);
			return -1;
		} else if (a->n_files == 1 + MBL_CMP_MAX_RUNS) {
			fprintf(stderr, "mediablast compare: at most %d RUN reports\n", MBL_CMP_MAX_RUNS);
			return -1;
		} else {
			a->files[a->n_files++] = s;
		}
		if (val != NULL && strcmp(s, "--junit") == 0)
			a->junit = val;
		else if (val != NULL && add_threshold(a, val) < 0)
			return -1;
	}
	if (!a->help && a->n_files < 2) {
		fprintf(stderr, "mediablast compare: need BASE.json and at least one RUN.json "
			"(see --help)\n");
		return -1;
	}
	return 0;
}

/* label + "#k", the label cut short to fit (k <= MBL_CMP_MAX_RUNS) */
static void relabel(char *label, size_t len, unsigned k)
{
	char suf[8];
	size_t n = strlen(label), sl;

	snprintf(suf, sizeof(suf), "#%u", (unsigned char)k);
	sl = strlen(suf);
	if (n + sl >= len)
		n = len - 1 - sl;
	memcpy(label + n, suf, sl + 1);
}

/* Every report loaded and of BASE's schema; -1 after a message. */
static int load_all(const struct cmp_args *a, struct mbl_cmp_input *in)
{
	char err[512];

	for (unsigned k = 0; k < a->n_files; k++) {
		in[k].path = a->files[k];
		in[k].root = mbl_report_load(a->files[k], err, sizeof(err));
		if (in[k].root == NULL) {
			fprintf(stderr, "mediablast compare: %s\n", err);
			return -1;
		}
		mbl_report_label(in[k].root, in[k].path, in[k].label, sizeof(in[k].label));
		/* the same report twice, or two dirs/run.json: columns told apart */
		for (unsigned i = 0; i < k; i++)
			if (strcmp(in[i].label, in[k].label) == 0) {
				relabel(in[k].label, sizeof(in[k].label), k);
				break;
			}
	}
	for (unsigned k = 1; k < a->n_files; k++) {
		int sb = mbl_report_schema(in[0].root), sr = mbl_report_schema(in[k].root);

		if (sb != sr) {
			fprintf(stderr, "mediablast compare: different report schemas: %s is schema "
				"%d, %s is schema %d\n", in[0].path, sb, in[k].path, sr);
			return -1;
		}
		if (strcmp(mbl_report_role(in[0].root), mbl_report_role(in[k].root)) != 0)
			fprintf(stderr, "mediablast compare: note: %s is a %s run, %s a %s run\n",
				in[0].path, mbl_report_role(in[0].root), in[k].path,
				mbl_report_role(in[k].root));
	}
	return 0;
}

/* The JUnit file, written whole to FILE.tmp and renamed over FILE. */
static int write_junit(const char *path, const struct mbl_cmp_input *in, unsigned n,
		       const struct mbl_cmp_check *c, unsigned nc)
{
	char tmp[4096];
	FILE *f;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		fprintf(stderr, "mediablast compare: --junit: path too long\n");
		return -1;
	}
	f = fopen(tmp, "we");
	if (f == NULL) {
		fprintf(stderr, "mediablast compare: --junit: cannot write %s: %s\n", tmp,
			strerror(errno));
		return -1;
	}
	if (mbl_cmp_junit(f, in, n, c, nc) < 0 || fclose(f) != 0 || rename(tmp, path) != 0) {
		fprintf(stderr, "mediablast compare: --junit: cannot write %s: %s\n", path,
			strerror(errno ? errno : EIO));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int app_compare_main(int argc, char **argv)
{
	static struct cmp_args a;
	struct mbl_cmp_input in[1 + MBL_CMP_MAX_RUNS] = { 0 };
	struct mbl_cmp_check *c = NULL;
	unsigned nc = 0, failed = 0;
	int rc = MBL_EXIT_USAGE;

	if (parse_args(argc, argv, &a) < 0)
		return MBL_EXIT_USAGE;
	if (a.help) {
		usage(stdout);
		return 0;
	}
	if (load_all(&a, in) < 0)
		goto out;
	c = calloc((size_t)a.n_t * (a.n_files - 1) + 1, sizeof(*c));
	if (c == NULL) {
		fprintf(stderr, "mediablast compare: out of memory\n");
		goto out;
	}
	for (unsigned k = 1; k < a.n_files; k++)
		for (unsigned i = 0; i < a.n_t; i++, nc++) {
			c[nc].t = &a.t[i];
			c[nc].run = k;
			failed += !mbl_cmp_eval(&a.t[i], in[0].root, in[0].label, in[k].root,
						in[k].label, &c[nc].o);
		}
	if (mbl_cmp_print(stdout, in, a.n_files, c, nc) < 0 ||
	    (a.junit != NULL && write_junit(a.junit, in, a.n_files, c, nc) < 0))
		goto out;
	if (nc > 0)
		printf("compare: %u of %u checks failed\n", failed, nc);
	rc = failed ? MBL_EXIT_RUNTIME : 0;
out:
	fflush(stdout);
	free(c);
	for (unsigned k = 0; k < a.n_files; k++)
		mbl_jv_free(in[k].root);
	return rc;
}
