/* SPDX-License-Identifier: BSD-3-Clause
 * mediablast application glue (control plane, main lcore). */
#ifndef MBL_APP_H
#define MBL_APP_H

#include "mbl_config.h"
#include "mbl_cp.h"
#include "mbl_dp.h"
#include "mbl_port.h"
#include "mbl_verdict.h"

#define MBL_VERSION "0.1.0"
/* The report's "schema": raised when a key changes meaning or goes away
 * (adding keys keeps it); compare refuses reports of different schemas. */
#define MBL_REPORT_SCHEMA 1
/* Exit status (docs/report.md): 0 pass, 1 a call or a verdict threshold
 * failed (or the run could not be carried out), 2 bad command line or
 * configuration, 3 interrupted (SIGINT / SIGTERM; the report is written) */
#define MBL_EXIT_USAGE MBL_VERDICT_EXIT_USAGE
#define MBL_EXIT_RUNTIME MBL_VERDICT_EXIT_FAIL

struct app {
	struct mbl_config cfg;
	struct mbl_config_cli cli;
	const char *config_origin;      /* for messages */
	struct mbl_port port;
	struct mbl_dp_conf dpc;
	struct mbl_payload frames;
	struct mbl_dp *dp;
	struct mbl_cp_conf cpc;         /* roles uac / uas */
	struct mbl_cp *cp;
	unsigned lcores[RTE_MAX_LCORE];
	unsigned n_lcores;
	uint64_t start_ns, tx_stop_ns, end_ns;
	bool interrupted;
	bool cdev_up;                   /* mbl_srtp_cdev_init done */
	bool rekey_tx;                  /* media.tx_crypto_next at rekey_after_ms */
	struct mbl_srtp_key tx_key_next; /* secret */
	uint32_t rekey_next;            /* next stream to rekey; == streams: done */
	unsigned rekey_failed;
	struct mbl_dtls_ident *dtls_id; /* DTLS-SRTP: our certificate, */
	struct mbl_dtls_ctx *dtls_ctx;  /* and the endpoint context */
	struct mbl_verdict_limits limits; /* verdict.* */
	struct mbl_verdict_values values; /* what the run measured */
	struct mbl_verdict verdict;
	struct app_timeline *tl;        /* timeline.c */
};

/* media_conf.c: scenario -> data-plane configuration. Returns 0 or -EINVAL
 * with err naming the key. */
int app_media_conf(struct app *a, char *err, size_t errlen);

/* sip_conf.c: scenario -> call engine (roles uac/uas); switches the data
 * plane to call mode. 0 or -EINVAL with err naming the key. */
int app_sip_conf(struct app *a, char *err, size_t errlen);
/* Mean call hold (ms) of the configured distribution. */
double app_hold_mean_ms(const struct mbl_cp_conf *c);

/* keylog.c: run.key_log, written once the streams exist. 0 or -errno. */
int app_key_log(struct app *a);
/* The key log file, created 0600 (NULL with a message on failure). */
FILE *app_key_log_open(struct app *a);

/* console.c: one line of live figures (main lcore, every stats interval). */
void app_console_line(struct app *a, double elapsed_s);

/* timeline.c: the report's per-second samples. init before the run (-1:
 * out of memory), tick as often as the run loop turns (samples once a
 * second of a->start_ns), end once a->end_ns is set (the last partial
 * second), json writes "timeline". Main lcore. */
int app_timeline_init(struct app *a);
void app_timeline_tick(struct app *a);
void app_timeline_end(struct app *a);
void app_timeline_json(const struct app *a, struct mbl_json *j);
void app_timeline_free(struct app *a);

/* modes.c: run.modes. check: -EINVAL with err when the scenario cannot
 * run modes (not a UAC, no run.report); run: each mode as a child run of
 * this program with argv plus the mode's keys, then the table; returns
 * the worst exit status (3 when interrupted). Before EAL. */
int app_modes_check(const struct app *a, char *err, size_t errlen);
int app_modes_run(struct app *a, int argc, char **argv);
/* run.search: one child run per level (lib/verdict's ladder), each judged
 * by its exit status; the summary to run.report. Returns 0 when a level
 * passed, 1 when none did, 2 or 3 as the child that ended it. */
int app_search_run(struct app *a, int argc, char **argv);

/* telemetry.c: /mediablast/stats and /mediablast/streams. */
void app_telemetry_register(struct app *a);
void app_telemetry_detach(void);

/* report.c: the JSON report (run.report) and the closing summary. */
int app_report_write(struct app *a, const struct mbl_dp_totals *t, const char *path);
/* At start: path (and its .tmp) can be written, else a message; -errno */
int app_report_probe(const char *path);
void app_summary(struct app *a, const struct mbl_dp_totals *t);

/* verdict.c: the thresholds from the config (-1 with err naming the key),
 * the verdict of the run (after its totals), its console lines and its
 * report object. a->verdict.exit_status is the program's exit status. */
int app_verdict_limits(struct app *a, char *err, size_t errlen);
void app_verdict(struct app *a, const struct mbl_dp_totals *t);
void app_verdict_print(const struct app *a);
void app_verdict_json(const struct app *a, struct mbl_json *j);

/* Subcommands that read reports and need no EAL: argv[0] is the
 * subcommand's name; the return value is the exit status.
 * compare.c: `mediablast compare` (docs/compare.md), 0 / 1 / 2. */
int app_compare_main(int argc, char **argv);

/* html.c: the HTML report (docs/html-report.md).
 * `mediablast html REPORT.json... [-o FILE]`: 0, 1 (the page could not be
 * written out), 2 (bad usage, a report unreadable or invalid, named). */
int app_html_main(int argc, char **argv);
/* The page of the JSON reports paths[0..n) (labels[i] NULL or labels
 * NULL: named after the file) to out (NULL or "-": stdout), through
 * out.tmp; who prefixes messages. Returns the exit status as above. */
int app_html_write(const char *who, const char *const *paths, const char *const *labels,
		   unsigned n, const char *out);
/* run.html with a configuration that cannot have it: -EINVAL with err. */
int app_html_check(const struct app *a, char *err, size_t errlen);
/* At start: run.html (and its .tmp) can be written, else a message; -errno */
int app_html_probe(const char *path);
/* At the end of a run: the JSON report (run.report, or a temporary file
 * when only run.html is set), then the page from that file. 0 or -EIO
 * after a message. */
int app_run_outputs(struct app *a, const struct mbl_dp_totals *t);

#endif /* MBL_APP_H */
