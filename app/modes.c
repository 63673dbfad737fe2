/* SPDX-License-Identifier: BSD-3-Clause
 * Runs of runs. run.modes: the same scenario once per media security mode;
 * run.search: once per load level, up a ladder to the first failing
 * verdict. Each is this program run again with the user's own arguments
 * plus the mode's or level's (one run path: the child is an ordinary run),
 * one after the other, each writing its own report; then the modes side
 * by side, or the search's summary. The parent never starts EAL: it only
 * waits. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "app.h"
#include "mbl_compare.h"

#define MODES_MAX 4

static volatile sig_atomic_t modes_stop;
static volatile pid_t modes_child;

/* A signal for the parent is the run's: the child gets it too (it may
 * not share our process group), and no later mode starts. */
static void modes_signal(int sig)
{
	modes_stop = 1;
	if (modes_child > 0)
		kill(modes_child, sig);
}

/* REPORT without its .json, then -MODE.EXT */
static void mode_path(char *out, size_t len, const char *base, const char *mode, const char *ext)
{
	size_t n = strlen(base);
	const char *dot = strrchr(base, '.');

	if (dot != NULL && strchr(dot, '/') == NULL)
		n = (size_t)(dot - base);
	snprintf(out, len, "%.*s-%s%s", (int)n, base, mode, ext);
}

/* This program again with argv plus extra (after a "--" when argv has
 * none), waited for: its exit status (3 when a signal ended it). */
static int run_child(int argc, char **argv, char **extra, int n_extra)
{
	char **nv = calloc((size_t)argc + (size_t)n_extra + 2, sizeof(*nv));
	char dashes[] = "--";
	bool has_dashes = false;
	int n = 0, st;
	pid_t pid;

	if (nv == NULL)
		return MBL_EXIT_RUNTIME;
	for (int i = 0; i < argc; i++) {
		has_dashes |= strcmp(argv[i], "--") == 0;
		nv[n++] = argv[i];
	}
	if (!has_dashes)
		nv[n++] = dashes;
	for (int i = 0; i < n_extra; i++)
		nv[n++] = extra[i];
	nv[n] = NULL;
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		free(nv);
		return MBL_EXIT_RUNTIME;
	}
	if (pid == 0) {
		execv("/proc/self/exe", nv);
		fprintf(stderr, "mediablast: cannot run myself again: %s\n", strerror(errno));
		_exit(MBL_EXIT_RUNTIME);
	}
	modes_child = pid;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	modes_child = 0;
	free(nv);
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return WTERMSIG(st) == SIGINT || WTERMSIG(st) == SIGTERM ? MBL_VERDICT_EXIT_INTERRUPTED
								 : MBL_EXIT_RUNTIME;
}

static int run_one(int argc, char **argv, const char *mode, const char *report, const char *cdr)
{
	char enc[64], mux[] = "media.rtcp_mux=true", nomodes[] = "run.modes=", set[] = "--set";
	char rep[] = "--report", cdrk[] = "--cdr", nohtml[] = "run.html=";
	char *x[14];
	int n = 0;

	snprintf(enc, sizeof(enc), "media.encryption=%s", mode);
	x[n++] = set;
	x[n++] = nomodes;
	x[n++] = set; /* the parent draws one page of every mode */
	x[n++] = nohtml;
	x[n++] = set;
	x[n++] = enc;
	if (strcmp(mode, "dtls") == 0 || strcmp(mode, "dual") == 0) {
		x[n++] = set; /* our DTLS-SRTP needs RTCP muxed */
		x[n++] = mux;
	}
	x[n++] = rep;
	x[n++] = (char *)report;
	if (cdr != NULL) {
		x[n++] = cdrk;
		x[n++] = (char *)cdr;
	}
	return run_child(argc, argv, x, n);
}

/* The modes side by side, the first as BASE (mediablast compare's table). */
static void app_modes_table(char reports[][MBL_CONFIG_PATH_LEN + 16], const char *const *names,
			    int n)
{
	struct mbl_cmp_input in[MODES_MAX];
	char err[MBL_CONFIG_PATH_LEN + 200];
	int k = 0;

	for (int i = 0; i < n; i++) {
		const struct mbl_jv *r = mbl_jv_load(reports[i], err, sizeof(err));

		if (r == NULL) {
			fprintf(stderr, "mediablast: run.modes: %s\n", err);
			continue;
		}
		in[k].path = reports[i];
		in[k].root = r;
		snprintf(in[k].label, sizeof(in[k].label), "%s", names[i]);
		k++;
	}
	if (k > 1) {
		printf("\n");
		mbl_cmp_print(stdout, in, (unsigned)k, NULL, 0);
	}
	for (int i = 0; i < k; i++)
		mbl_jv_free(in[i].root);
}

int app_modes_check(const struct app *a, char *err, size_t errlen)
{
	if (a->cfg.run.modes[0] != '\0' && a->cfg.run.search != MBL_CONFIG_SEARCH_OFF) {
		snprintf(err, errlen, "run.modes and run.search: one at a time (search each mode "
			 "with its own run)");
		return -EINVAL;
	}
	if (a->cfg.run.search != MBL_CONFIG_SEARCH_OFF &&
	    (a->cfg.run.role != MBL_CONFIG_ROLE_UAC || a->cfg.run.report[0] == '\0')) {
		snprintf(err, errlen, "run.search: needs a UAC (--role uac) and run.report "
			 "(--report): each level's report is named after it");
		return -EINVAL;
	}
	if (a->cfg.run.modes[0] == '\0')
		return 0;
	if (a->cfg.run.role != MBL_CONFIG_ROLE_UAC) {
		snprintf(err, errlen, "run.modes: only a UAC runs modes (the UAS accepts them "
			 "all with media.encryption = dual, media.policy = optional)");
		return -EINVAL;
	}
	if (a->cfg.run.report[0] == '\0') {
		snprintf(err, errlen, "run.modes: needs run.report (--report): each mode's report "
			 "is named after it");
		return -EINVAL;
	}
	return 0;
}

int app_modes_run(struct app *a, int argc, char **argv)
{
	char modes[sizeof(a->cfg.run.modes)], *save = NULL, *m;
	char reports[MODES_MAX][MBL_CONFIG_PATH_LEN + 16], cdr[MBL_CONFIG_PATH_LEN + 16];
	const char *names[MODES_MAX];
	int status[MODES_MAX], n = 0, rc = MBL_VERDICT_EXIT_PASS;

	snprintf(modes, sizeof(modes), "%s", a->cfg.run.modes);
	signal(SIGINT, modes_signal);
	signal(SIGTERM, modes_signal);
	for (m = strtok_r(modes, ",", &save); m != NULL && n < MODES_MAX && !modes_stop;
	     m = strtok_r(NULL, ",", &save)) {
		names[n] = m;
		mode_path(reports[n], sizeof(reports[n]), a->cfg.run.report, m, ".json");
		if (a->cfg.run.cdr[0] != '\0')
			mode_path(cdr, sizeof(cdr), a->cfg.run.cdr, m, ".csv");
		printf("mediablast: run.modes: %s (report %s)\n", m, reports[n]);
		status[n] = run_one(argc, argv, m, reports[n],
				    a->cfg.run.cdr[0] != '\0' ? cdr : NULL);
		if (status[n] == MBL_VERDICT_EXIT_INTERRUPTED)
			modes_stop = 1;
		n++;
	}
	printf("\nmediablast: run.modes: %d mode(s)\n", n);
	for (int i = 0; i < n; i++) {
		printf("  %-5s exit %d  %s\n", names[i], status[i], reports[i]);
		/* the worst: interrupted (3), usage (2), failed (1), pass (0) */
		rc = status[i] > rc ? status[i] : rc;
	}
	if (modes_stop)
		rc = MBL_VERDICT_EXIT_INTERRUPTED;
	if (n > 1)
		app_modes_table(reports, names, n);
	if (a->cfg.run.html[0] != '\0') {
		const char *paths[MODES_MAX], *labels[MODES_MAX];
		unsigned k = 0;

		for (int i = 0; i < n; i++)
			if (access(reports[i], R_OK) == 0) { /* a mode refused has none */
				paths[k] = reports[i];
				labels[k++] = names[i];
			}
		if (k > 0 && app_html_write("mediablast: run.html", paths, labels, k,
					    a->cfg.run.html) != 0 && rc == MBL_VERDICT_EXIT_PASS)
			rc = MBL_EXIT_RUNTIME;
	}
	return rc;
}

/* ---- run.search ---------------------------------------------------------- */

struct search_step {
	uint32_t level, rate, limit;
	int status;
	char report[MBL_CONFIG_PATH_LEN + 24];
	double asr, setup_p99;           /* < 0: not in the report */
	char failed[160];                /* the thresholds that failed, or why */
};

/* The evidence of one step, from its report. */
static void step_read(struct search_step *st)
{
	char err[MBL_CONFIG_PATH_LEN + 200];
	const struct mbl_jv *r = mbl_jv_load(st->report, err, sizeof(err)), *t;
	size_t n = 0;

	st->asr = st->setup_p99 = -1;
	st->failed[0] = '\0';
	if (r == NULL) {
		snprintf(st->failed, sizeof(st->failed), "no report: %.120s", err);
		return;
	}
	st->asr = mbl_jv_num(mbl_jv_get(r, "calls.asr_pct"), -1);
	st->setup_p99 = mbl_jv_num(mbl_jv_get(r, "sip.setup_ms.p99"), -1);
	if (mbl_jv_num(mbl_jv_get(r, "calls.failed"), 0) > 0)
		n += (size_t)snprintf(st->failed, sizeof(st->failed), "%.0f calls failed",
				      mbl_jv_num(mbl_jv_get(r, "calls.failed"), 0));
	t = mbl_jv_get(r, "verdict.thresholds");
	for (const struct mbl_jv *c = t != NULL ? t->child : NULL; c != NULL; c = c->next) {
		if (mbl_jv_bool(mbl_jv_get(c, "pass"), true) || n >= sizeof(st->failed))
			continue;
		if (mbl_jv_bool(mbl_jv_get(c, "measured"), false))
			n += (size_t)snprintf(st->failed + n, sizeof(st->failed) - n,
					      "%s%s %.4g (limit %.4g)", n ? ", " : "", c->key,
					      mbl_jv_num(mbl_jv_get(c, "value"), 0),
					      mbl_jv_num(mbl_jv_get(c, "limit"), 0));
		else
			n += (size_t)snprintf(st->failed + n, sizeof(st->failed) - n,
					      "%s%s not measured", n ? ", " : "", c->key);
	}
	mbl_jv_free(r);
}

static int search_summary(const struct app *a, const struct mbl_search *s,
			  const struct search_step *st, unsigned n)
{
	char tmp[MBL_CONFIG_PATH_LEN + 8];
	struct mbl_json j;
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", a->cfg.run.report);
	if ((f = fopen(tmp, "w")) == NULL)
		return -errno;
	mbl_json_init(&j, f, true);
	mbl_json_obj_open(&j, NULL);
	mbl_json_u64(&j, "schema", MBL_REPORT_SCHEMA);
	mbl_json_obj_open(&j, "search");
	mbl_json_str(&j, "by", a->cfg.run.search == MBL_CONFIG_SEARCH_CPS ? "cps" : "calls");
	mbl_json_u64(&j, "start", s->start);
	mbl_json_u64(&j, "step", s->step);
	mbl_json_u64(&j, "max", s->max);
	mbl_json_u64(&j, "bisect", s->bisect);
	mbl_json_u64(&j, "highest_pass", s->best);
	mbl_json_u64(&j, "lowest_fail", s->fail);
	mbl_json_arr_open(&j, "steps");
	for (unsigned i = 0; i < n; i++) {
		mbl_json_obj_open(&j, NULL);
		mbl_json_u64(&j, "level", st[i].level);
		mbl_json_u64(&j, "call_rate", st[i].rate);
		mbl_json_u64(&j, "call_limit", st[i].limit);
		mbl_json_i64(&j, "exit_status", st[i].status);
		mbl_json_bool(&j, "pass", st[i].status == MBL_VERDICT_EXIT_PASS);
		mbl_json_str(&j, "report", st[i].report);
		if (st[i].asr >= 0)
			mbl_json_dbl(&j, "asr_pct", st[i].asr);
		if (st[i].setup_p99 >= 0)
			mbl_json_dbl(&j, "setup_ms_p99", st[i].setup_p99);
		mbl_json_str(&j, "failed", st[i].failed);
		mbl_json_obj_close(&j);
	}
	mbl_json_arr_close(&j);
	mbl_json_obj_close(&j);
	mbl_json_obj_close(&j);
	if (fclose(f) != 0 || rename(tmp, a->cfg.run.report) != 0)
		return -EIO;
	return 0;
}

#define SEARCH_STEPS_MAX 256

int app_search_run(struct app *a, int argc, char **argv)
{
	const struct mbl_config_run *c = &a->cfg.run;
	bool calls = c->search == MBL_CONFIG_SEARCH_CALLS;
	double hold_s = app_hold_mean_ms(&a->cpc) / 1e3;
	struct search_step *st = calloc(SEARCH_STEPS_MAX, sizeof(*st));
	struct mbl_search s;
	unsigned n = 0;
	int rc;

	if (st == NULL)
		return MBL_EXIT_RUNTIME;
	signal(SIGINT, modes_signal);
	signal(SIGTERM, modes_signal);
	for (uint32_t lvl = mbl_search_begin(&s, c->search_start, c->search_step, c->search_max,
					     c->search_bisect);
	     lvl != 0 && n < SEARCH_STEPS_MAX && !modes_stop; n++) {
		struct search_step *p = &st[n];
		char rate[48], limit[48], what[24], set[] = "--set", off[] = "run.search=off";
		char rep[] = "--report";
		char *x[] = { set, off, set, rate, set, limit, rep, p->report };

		p->level = lvl;
		/* calls: Little's law, level calls held at once need level / hold calls/s */
		p->rate = calls ? (uint32_t)(lvl / (hold_s > 0 ? hold_s : 1) + 0.999) : lvl;
		p->rate = p->rate ? p->rate : 1;
		p->limit = calls ? lvl + lvl / 5 + 16 : MBL_MAX(a->cpc.limit, (uint32_t)(lvl * hold_s * 1.2) + 16);
		snprintf(rate, sizeof(rate), "call.rate=%u", p->rate);
		snprintf(limit, sizeof(limit), "call.limit=%u", p->limit);
		snprintf(what, sizeof(what), "%s%u", calls ? "calls" : "cps", lvl);
		mode_path(p->report, sizeof(p->report), c->report, what, ".json");
		printf("[search] %s %u (call.rate %u, call.limit %u) ...\n", calls ? "calls" : "cps",
		       lvl, p->rate, p->limit);
		p->status = run_child(argc, argv, x, (int)MBL_ARRAY_SIZE(x));
		step_read(p);
		printf("[search] %s %u: %s", calls ? "calls" : "cps", lvl,
		       p->status == 0 ? "PASS" : p->status == 1 ? "FAIL" : "ABORTED");
		if (p->asr >= 0)
			printf(" (ASR %.1f %%, setup p99 %.2f ms)", p->asr, p->setup_p99);
		printf("%s%s  %s\n", p->failed[0] ? ": " : "", p->failed, p->report);
		if (p->status > MBL_VERDICT_EXIT_FAIL) { /* bad config, interrupted: no answer */
			rc = p->status;
			n++;
			goto out;
		}
		lvl = mbl_search_result(&s, p->status == MBL_VERDICT_EXIT_PASS);
	}
	rc = modes_stop ? MBL_VERDICT_EXIT_INTERRUPTED
	     : s.best != 0 ? MBL_VERDICT_EXIT_PASS : MBL_VERDICT_EXIT_FAIL;
	if (s.best != 0)
		printf("mediablast: search: highest passing %s level %u", calls ? "calls" : "cps",
		       s.best);
	else
		printf("mediablast: search: no %s level passed", calls ? "calls" : "cps");
	if (s.fail != 0)
		printf(" (%u failed)\n", s.fail);
	else
		printf(" (none failed up to run.search_max %u)\n", s.max);
out:
	if (search_summary(a, &s, st, n) < 0) {
		fprintf(stderr, "mediablast: run.report: cannot write %s\n", c->report);
		rc = rc == 0 ? MBL_EXIT_RUNTIME : rc;
	}
	free(st);
	return rc;
}
