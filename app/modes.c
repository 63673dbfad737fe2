/* SPDX-License-Identifier: BSD-3-Clause
 * run.modes: the same scenario once per media security mode. Each mode is
 * this program run again with the user's own arguments plus the mode's
 * (one run path: the child is an ordinary run), one after the other, each
 * writing REPORT-MODE.json; then the reports side by side. The parent
 * never starts EAL: it only waits. */
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
#define MODE_ARGS 12

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

static int run_one(struct app *a, int argc, char **argv, const char *mode, const char *report,
		   const char *cdr)
{
	char **nv = calloc((size_t)argc + MODE_ARGS + 1, sizeof(*nv));
	char enc[64], mux[] = "media.rtcp_mux=true", nomodes[] = "run.modes=", set[] = "--set";
	char rep[] = "--report", cdrk[] = "--cdr", dashes[] = "--";
	int n = 0, st;
	bool has_dashes = false;
	pid_t pid;

	if (nv == NULL)
		return MBL_EXIT_RUNTIME;
	for (int i = 0; i < argc; i++) {
		has_dashes |= strcmp(argv[i], "--") == 0;
		nv[n++] = argv[i];
	}
	if (!has_dashes)
		nv[n++] = dashes;
	snprintf(enc, sizeof(enc), "media.encryption=%s", mode);
	nv[n++] = set;
	nv[n++] = nomodes;
	nv[n++] = set;
	nv[n++] = enc;
	if (strcmp(mode, "dtls") == 0 || strcmp(mode, "dual") == 0) {
		nv[n++] = set; /* our DTLS-SRTP needs RTCP muxed */
		nv[n++] = mux;
	}
	nv[n++] = rep;
	nv[n++] = (char *)report;
	if (cdr != NULL) {
		nv[n++] = cdrk;
		nv[n++] = (char *)cdr;
	}
	nv[n] = NULL;
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		free(nv);
		return MBL_EXIT_RUNTIME;
	}
	if (pid == 0) {
		execv("/proc/self/exe", nv);
		fprintf(stderr, "mediablast: run.modes: cannot run myself again: %s\n",
			strerror(errno));
		_exit(MBL_EXIT_RUNTIME);
	}
	modes_child = pid;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	modes_child = 0;
	free(nv);
	(void)a;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return WTERMSIG(st) == SIGINT || WTERMSIG(st) == SIGTERM ? MBL_VERDICT_EXIT_INTERRUPTED
								 : MBL_EXIT_RUNTIME;
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
		status[n] = run_one(a, argc, argv, m, reports[n],
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
	return rc;
}
