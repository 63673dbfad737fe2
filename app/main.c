/* SPDX-License-Identifier: BSD-3-Clause
 * mediablast: EAL arguments, "--", then mediablast's own (see --help).
 * The main lcore is the control plane; every worker lcore runs a data-plane
 * poll loop. */
#include <errno.h>
#include <malloc.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>

#include "app.h"

#define DRAIN_IDLE_NS (300ULL * 1000 * 1000) /* receive until this quiet */
#define DRAIN_MAX_NS (10ULL * MBL_NS_PER_S)
/* Keep the port open this long after our own TX stopped, with the workers
 * no longer polling: a peer that is still draining sees us go quiet first
 * and stops polling before we disconnect. (DPDK 22.11's memif PMD reads a
 * torn-down region if the peer disconnects while it polls.) */
#define LINGER_NS (1000ULL * 1000 * 1000)

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mediablast [EAL options] -- [options]\n"
		"       mediablast compare BASE.json RUN.json... [--threshold KEY=LIMIT ...]\n"
		"                  [--junit FILE]   (mediablast compare --help)\n"
		"       mediablast html REPORT.json... [-o FILE]   (mediablast html --help)\n"
		"\n"
		"Kernel-bypass SIP + RTP/SRTP call generator and media measurer: SIP over UDP,\n"
		"TCP and TLS; media plain, SDES-SRTP, DTLS-SRTP or both offered; every packet\n"
		"received measured (loss, jitter, one-way delay, probe integrity).\n"
		"\n"
		"options:\n"
		"  --config FILE        scenario (INI); errors name file, line and key\n"
		"  --set SECTION.KEY=V  override one key (repeatable, applied in order)\n"
		"  --role uac/uas/media instance role (SIP caller, SIP answerer, media only)\n"
		"  --duration SECONDS   how long to send media\n"
		"  --report FILE        write the JSON report there\n"
		"  --cdr FILE           write one CSV row per call there (run.cdr)\n"
		"  --html FILE          write the HTML report there (run.html)\n"
		"  --help               this text and every scenario key\n"
		"  --help-config-md     the scenario keys as Markdown (docs/config.md)\n"
		"  --version\n"
		"\n"
		"A port profile (port.profile = name of a file in drivers-config/) supplies EAL\n"
		"arguments (appended to those given before --) and port defaults.\n"
		"Exit status: 0 every call succeeded and every verdict.* threshold held, 1 a call\n"
		"or a threshold failed (or the run could not be carried out), 2 bad usage or\n"
		"configuration, 3 interrupted (SIGINT/SIGTERM; the report is still written).\n\n");
}

/* Where to look for drivers-config/: the working directory, then beside
 * the binary's parent (build/mediablast -> ./drivers-config). */
static const char *const *profile_dirs(const char *argv0)
{
	static char exe_dir[PATH_MAX];
	static const char *dirs[3];
	char tmp[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", tmp, sizeof(tmp) - 1);

	dirs[0] = "drivers-config";
	dirs[1] = NULL;
	if (n <= 0)
		snprintf(tmp, sizeof(tmp), "%s", argv0);
	else
		tmp[n] = '\0';
	snprintf(exe_dir, sizeof(exe_dir), "%s/../drivers-config", dirname(tmp));
	dirs[1] = exe_dir;
	dirs[2] = NULL;
	return dirs;
}

/* Split argv at the first "--" into EAL and application parts. */
static int split_args(int argc, char **argv, int *app_first)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			*app_first = i + 1;
			return i;
		}
	*app_first = argc; /* no "--": everything is EAL's */
	return argc;
}

/* EAL gives --no-huge only 64 MB unless told (-m / --socket-mem): too
 * little for a port's mbuf pool and the per-worker rings. Ask for 512 MB
 * then, as every example in docs/ does, unless the user said otherwise. */
static void no_huge_memory(int n_user, char **argv, struct app *a)
{
	bool no_huge = strstr(a->cfg.eal_args, "--no-huge") != NULL, sized = false;

	for (int i = 1; i < n_user; i++) {
		no_huge |= strcmp(argv[i], "--no-huge") == 0;
		sized |= strcmp(argv[i], "-m") == 0 || strncmp(argv[i], "--socket-mem", 12) == 0;
	}
	sized |= strstr(a->cfg.eal_args, "-m ") != NULL ||
		 strstr(a->cfg.eal_args, "--socket-mem") != NULL;
	if (no_huge && !sized)
		strncat(a->cfg.eal_args, " -m 512",
			sizeof(a->cfg.eal_args) - strlen(a->cfg.eal_args) - 1);
}

/* EAL argv: program name, the user's EAL arguments, then the profile's. */
static char **eal_argv(int n_user, char **argv, char *profile_args, int *eal_argc)
{
	char **v = calloc((size_t)n_user + strlen(profile_args) / 2 + 4, sizeof(char *));
	int n = 0;

	if (v == NULL)
		return NULL;
	for (int i = 0; i < n_user; i++)
		v[n++] = argv[i];
	for (char *save = NULL, *tok = strtok_r(profile_args, " \t\n", &save); tok;
	     tok = strtok_r(NULL, " \t\n", &save))
		v[n++] = tok;
	v[n] = NULL;
	*eal_argc = n;
	return v;
}

static int parse_app_args(struct app *a, int argc, char **argv, int app_first)
{
	char err[512];
	char **v = calloc((size_t)(argc - app_first + 2), sizeof(char *));
	int n = 0, rc;

	if (v == NULL)
		return -ENOMEM;
	v[n++] = argv[0];
	for (int i = app_first; i < argc; i++)
		v[n++] = argv[i];
	a->cli.profile_dirs = profile_dirs(argv[0]);
	rc = mbl_config_parse_args(&a->cfg, n, v, &a->cli, err, sizeof(err));
	free(v);
	if (rc == 0 && !a->cli.help && !a->cli.help_md && !a->cli.version)
		rc = mbl_config_validate(&a->cfg, err, sizeof(err));
	if (rc < 0)
		fprintf(stderr, "mediablast: %s\n", err);
	return rc;
}

static int collect_lcores(struct app *a)
{
	unsigned lc;

	a->n_lcores = 0;
	RTE_LCORE_FOREACH_WORKER(lc)
		a->lcores[a->n_lcores++] = lc;
	if (a->n_lcores == 0) {
		fprintf(stderr, "mediablast: no worker lcore: give EAL at least two (e.g. -l 0-1); "
			"the main lcore is the control plane\n");
		return -EINVAL;
	}
	return 0;
}

static int open_port(struct app *a)
{
	const struct mbl_config_port *p = &a->cfg.port;
	struct mbl_port_conf pc = {
		.port_id = p->id,
		.rx_queues = p->rx_queues,
		.tx_queues = (uint16_t)MBL_MAX(p->tx_queues, a->n_lcores),
		.rx_desc = p->rx_desc,
		.tx_desc = p->tx_desc,
		.mbufs = p->mbufs,
		.mtu = p->mtu,
		.rss = p->rss,
		.promisc = p->promisc,
		.cksum = (enum mbl_port_cksum)p->cksum_offload,
		.rx_ts = (enum mbl_port_cksum)p->rx_timestamp,
		.rx_ts_hz = p->rx_timestamp_hz,
	};
	char err[512];
	int rc = mbl_port_open(&pc, &a->port, err, sizeof(err));

	if (rc < 0) {
		fprintf(stderr, "mediablast: %s\n", err);
		return rc;
	}
	if (!mbl_port_wait_link(&a->port, a->cfg.port.link_wait_ms))
		mbl_log(MBL_LOG_WARN, "port %u: link still down after port.link_wait_ms = %u: "
			"starting anyway (a memif peer not started? a cable?)", a->port.id,
			a->cfg.port.link_wait_ms);
	mbl_log(MBL_LOG_INFO, "port %u: %s (%s), %u RX / %u TX queues, checksum offload %s, "
		"receive timestamps %s", a->port.id, a->port.name, a->port.driver,
		a->port.nb_rxq, a->port.nb_txq, a->port.tx_udp_cksum ? "on" : "off (software)",
		a->port.rx_ts_src != MBL_PORT_RX_TS_NONE ? mbl_port_rx_ts_name(a->port.rx_ts_src)
							 : "poll time");
	return 0;
}

static void sleep_ms(unsigned ms)
{
	struct timespec d = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};

	nanosleep(&d, NULL);
}

/* Send for run.duration, then keep receiving until the peer's stream has
 * gone quiet, so counts match what the other side sent. */
/* media.rekey_after_ms: every stream's outbound key changes, as many per
 * turn as the workers' control rings take; applied messages are reaped
 * (their old contexts freed here, on the control plane). */
static void rekey_step(struct app *a, uint64_t now)
{
	char err[256];

	mbl_dp_ctl_reap(a->dp, NULL);
	if (!a->rekey_tx || now < (uint64_t)a->cfg.media.rekey_after_ms * 1000000ULL)
		return;
	while (a->rekey_next < a->dpc.streams) {
		int rc = mbl_dp_rekey(a->dp, a->rekey_next, true, &a->tx_key_next, err,
				      sizeof(err));

		if (rc == -ENOBUFS)
			return;
		if (rc < 0 && a->rekey_failed++ == 0)
			fprintf(stderr, "mediablast: rekey of stream %u failed: %s\n",
				a->rekey_next, err);
		a->rekey_next++;
	}
}

/* run.duration resolved (auto, 0) as a bound on the run loop */
static uint64_t run_ns(const struct app *a)
{
	uint32_t s = mbl_config_duration_s(&a->cfg);

	return s == 0 ? UINT64_MAX : (uint64_t)s * MBL_NS_PER_S;
}

static void run_loop(struct app *a)
{
	uint64_t dur_ns = run_ns(a);
	uint64_t next_console = a->cfg.run.stats_interval_ms * 1000000ULL;
	uint64_t now;

	a->start_ns = mbl_time_ns();
	while (!stop_requested && (now = mbl_time_ns() - a->start_ns) < dur_ns) {
		sleep_ms(MBL_MIN(20u, a->cfg.run.stats_interval_ms));
		now = mbl_time_ns() - a->start_ns;
		rekey_step(a, now);
		app_timeline_tick(a);
		if (now >= next_console) {
			if (a->cfg.run.console)
				app_console_line(a, (double)now / 1e9);
			next_console += a->cfg.run.stats_interval_ms * 1000000ULL;
		}
	}
	a->interrupted = stop_requested;
	mbl_dp_stop_tx(a->dp);
	a->tx_stop_ns = mbl_time_ns();
	while (!stop_requested && mbl_time_ns() - a->tx_stop_ns < DRAIN_MAX_NS &&
	       mbl_dp_rx_idle_ns(a->dp) < DRAIN_IDLE_NS) {
		sleep_ms(20);
		app_timeline_tick(a);
	}
	a->end_ns = mbl_time_ns();
	mbl_dp_join(a->dp);
	app_timeline_end(a);
	while (!stop_requested && mbl_time_ns() - a->tx_stop_ns < LINGER_NS)
		sleep_ms(20);
}

static bool uses_cryptodev(const struct app *a)
{
	bool srtp = a->cfg.run.role == MBL_CONFIG_ROLE_MEDIA
			    ? a->dpc.srtp_tx || a->dpc.srtp_rx
			    : a->cpc.media && a->cpc.sdp.enc != MBL_SDP_ENC_NONE;

	return srtp && a->dpc.srtp_engine == MBL_SRTP_ENGINE_CRYPTODEV;
}

static int cdev_up(struct app *a, unsigned n_sessions)
{
	const char *dev = a->cfg.media.srtp_device[0] ? a->cfg.media.srtp_device
						       : "crypto_aesni_mb0";
	char err[512];

	if (mbl_srtp_cdev_init(dev, a->n_lcores, n_sessions, err, sizeof(err)) < 0) {
		fprintf(stderr, "mediablast: media.srtp_device: %s\n", err);
		return -ENODEV;
	}
	a->cdev_up = true;
	return 0;
}

static void sip_console(struct app *a, double elapsed_s)
{
	static uint64_t prev_ok;
	static double prev_s;
	const struct mbl_cp_stats *st = mbl_cp_stats(a->cp);
	double dt = elapsed_s - prev_s > 0 ? elapsed_s - prev_s : 1;
	uint64_t rtx, timeouts;

	mbl_cp_sip_counts(a->cp, &rtx, &timeouts);
	printf("[%7.1fs] calls %llu attempted, %llu ok, %llu failed, %llu up | %.0f cps | "
	       "sip rtx %llu timeouts %llu | media %llu ok %llu missing\n", elapsed_s,
	       (unsigned long long)st->attempted, (unsigned long long)st->succeeded,
	       (unsigned long long)st->failed, (unsigned long long)mbl_cp_live(a->cp),
	       (double)(st->succeeded - prev_ok) / dt, (unsigned long long)rtx,
	       (unsigned long long)timeouts, (unsigned long long)st->media_ok,
	       (unsigned long long)st->media_missing);
	fflush(stdout);
	prev_ok = st->succeeded;
	prev_s = elapsed_s;
}

/* Calls for run.duration (or until call.total are done), then hang up what
 * is still up and wait (bounded) for every call to end, its media included. */
/* One poll of the end of a run, with the console going on (draining) */
static void drain_poll(struct app *a)
{
	static uint64_t next;
	uint64_t now;

	mbl_cp_poll(a->cp, 5);
	app_timeline_tick(a);
	now = mbl_time_ns();
	if (a->cfg.run.console && now >= next) {
		printf("[draining] %llu calls in setup, %llu alive\n",
		       (unsigned long long)mbl_cp_in_setup(a->cp),
		       (unsigned long long)mbl_cp_live(a->cp));
		next = now + a->cfg.run.stats_interval_ms * 1000000ULL;
	}
}

static void sip_loop(struct app *a)
{
	uint64_t dur_ns = run_ns(a), t0, drain;
	uint64_t next_console = a->cfg.run.stats_interval_ms * 1000000ULL;

	a->start_ns = mbl_time_ns();
	while (!stop_requested && mbl_time_ns() - a->start_ns < dur_ns && !mbl_cp_done(a->cp)) {
		uint64_t now;

		mbl_cp_poll(a->cp, 5);
		app_timeline_tick(a);
		now = mbl_time_ns() - a->start_ns;
		if (now >= next_console) {
			if (a->cfg.run.console)
				sip_console(a, (double)now / 1e9);
			next_console += a->cfg.run.stats_interval_ms * 1000000ULL;
		}
	}
	/* the end, within run.drain_ms: calls in setup may be answered for
	 * the first half; then every call is hung up and the rest waits for
	 * those to end. A signal (now or during it) ends it at once. */
	t0 = mbl_time_ns();
	drain = (uint64_t)a->cfg.run.drain_ms * 1000000;
	mbl_cp_hold_new(a->cp);
	while (!stop_requested && mbl_time_ns() - t0 < drain / 2 && mbl_cp_in_setup(a->cp) != 0)
		drain_poll(a);
	mbl_cp_stop(a->cp);
	while (!stop_requested && mbl_cp_live(a->cp) != 0 && mbl_time_ns() - t0 < drain)
		drain_poll(a);
	a->interrupted = stop_requested;
	mbl_dp_stop_tx(a->dp);
	a->tx_stop_ns = mbl_time_ns();
	for (int i = 0; i < 20; i++) /* late replies from the peer, counted */
		mbl_cp_poll(a->cp, 5);
	a->end_ns = mbl_time_ns();
	mbl_dp_join(a->dp);
	mbl_dp_ctl_reap(a->dp, NULL);
	app_timeline_end(a);
}

static int run_sip(struct app *a)
{
	struct mbl_dp_totals *t;
	char err[512];
	int rc = 0;

	/* osip2 allocates and frees many small blocks per message: keep freed
	 * memory in the process instead of handing it back to the kernel and
	 * faulting fresh zeroed pages in again a moment later */
	mallopt(M_TRIM_THRESHOLD, 512 << 20);
	mallopt(M_TOP_PAD, 64 << 20);
	mallopt(M_MMAP_THRESHOLD, 4 << 20);

	if (collect_lcores(a) < 0)
		return MBL_EXIT_USAGE;
	if (open_port(a) < 0)
		return MBL_EXIT_RUNTIME;
	/* a call's contexts: SRTP + SRTCP sessions each way, plus GCM spares */
	if (uses_cryptodev(a) && cdev_up(a, a->dpc.streams * 2 * 3 + 64) < 0)
		return MBL_EXIT_RUNTIME;
	a->dp = mbl_dp_create(&a->dpc, &a->port, a->lcores, a->n_lcores, err, sizeof(err));
	if (a->dp == NULL) {
		fprintf(stderr, "mediablast: %s\n", err);
		return errno == EINVAL ? MBL_EXIT_USAGE : MBL_EXIT_RUNTIME;
	}
	if (a->cfg.run.key_log[0] != '\0' && (a->cpc.key_log = app_key_log_open(a)) == NULL)
		return MBL_EXIT_RUNTIME;
	a->cp = mbl_cp_create(&a->cpc, a->dp, err, sizeof(err));
	if (a->cp == NULL) {
		fprintf(stderr, "mediablast: sip: %s\n", err);
		return MBL_EXIT_RUNTIME;
	}
	if (mbl_dp_launch(a->dp) < 0) {
		fprintf(stderr, "mediablast: cannot launch the worker lcores\n");
		return MBL_EXIT_RUNTIME;
	}
	mbl_log(MBL_LOG_INFO, "%s on %s %s, up to %u calls, media %s (%s)",
		a->cpc.uac ? "uac" : "uas", mbl_sip_proto_name(a->cpc.proto), a->cfg.sip.listen,
		a->cpc.limit, a->cpc.media ? "on" : "off", mbl_sdp_enc_name(a->cpc.sdp.enc));
	app_telemetry_register(a);
	if (app_timeline_init(a) < 0)
		return MBL_EXIT_RUNTIME;
	sip_loop(a);
	app_telemetry_detach();
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return MBL_EXIT_RUNTIME;
	mbl_dp_totals(a->dp, t, true);
	app_verdict(a, t);
	rc = a->verdict.exit_status;
	app_summary(a, t);
	if (app_run_outputs(a, t) < 0 && rc == MBL_VERDICT_EXIT_PASS)
		rc = MBL_EXIT_RUNTIME;
	free(t);
	return rc;
}

static int run_media(struct app *a)
{
	struct mbl_dp_totals *t;
	char err[512];
	int rc = 0;

	if (collect_lcores(a) < 0)
		return MBL_EXIT_USAGE;
	if (a->dpc.ssrc_seed == 0 && getrandom(&a->dpc.ssrc_seed, sizeof(a->dpc.ssrc_seed), 0) < 0)
		a->dpc.ssrc_seed = (uint32_t)mbl_time_ns();
	if (open_port(a) < 0)
		return MBL_EXIT_RUNTIME;
	if ((a->dpc.srtp_tx || a->dpc.srtp_rx) &&
	    a->dpc.srtp_engine == MBL_SRTP_ENGINE_CRYPTODEV) {
		/* per context an SRTP and an SRTCP session, and a spare for GCM
		 * header lengths other than 12 bytes */
		unsigned dirs = (unsigned)a->dpc.srtp_tx * (1u + a->rekey_tx) +
				(unsigned)a->dpc.srtp_rx * (1u + a->dpc.srtp_rx_next);

		if (cdev_up(a, a->dpc.streams * dirs * 3 + 64) < 0)
			return MBL_EXIT_RUNTIME;
	}
	a->dp = mbl_dp_create(&a->dpc, &a->port, a->lcores, a->n_lcores, err, sizeof(err));
	if (a->dp == NULL) {
		fprintf(stderr, "mediablast: %s\n", err);
		return errno == EINVAL ? MBL_EXIT_USAGE : MBL_EXIT_RUNTIME;
	}
	if (app_key_log(a) < 0)
		return MBL_EXIT_RUNTIME;
	if (a->cfg.run.telemetry)
		app_telemetry_register(a);
	if (mbl_config_duration_s(&a->cfg) == 0)
		mbl_log(MBL_LOG_INFO, "media: %u streams of %s/%u ms on %u worker lcore(s) until "
			"interrupted", a->dpc.streams, a->dpc.codec->name, a->dpc.ptime_ms,
			a->n_lcores);
	else
		mbl_log(MBL_LOG_INFO, "media: %u streams of %s/%u ms on %u worker lcore(s) for %u s",
			a->dpc.streams, a->dpc.codec->name, a->dpc.ptime_ms, a->n_lcores,
			mbl_config_duration_s(&a->cfg));
	if (mbl_dp_launch(a->dp) < 0) {
		fprintf(stderr, "mediablast: cannot launch the worker lcores\n");
		return MBL_EXIT_RUNTIME;
	}
	if (app_timeline_init(a) < 0)
		return MBL_EXIT_RUNTIME;
	run_loop(a);
	app_telemetry_detach();
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return MBL_EXIT_RUNTIME;
	mbl_dp_totals(a->dp, t, true);
	app_verdict(a, t);
	rc = a->verdict.exit_status;
	app_summary(a, t);
	if (app_run_outputs(a, t) < 0 && rc == MBL_VERDICT_EXIT_PASS)
		rc = MBL_EXIT_RUNTIME;
	free(t);
	return rc;
}

/* `mediablast SUBCOMMAND ...`: tools over reports, run before (and
 * without) EAL; a first argument that is none of these is EAL's. */
static const struct {
	const char *name;
	int (*main)(int argc, char **argv);
} subcommands[] = {
	{ "compare", app_compare_main },
	{ "html", app_html_main },
};

int main(int argc, char **argv)
{
	static struct app a;
	int app_first, n_user, eal_argc, rc;
	char err[512], **ev;

	for (unsigned i = 0; argc > 1 && i < MBL_ARRAY_SIZE(subcommands); i++)
		if (strcmp(argv[1], subcommands[i].name) == 0)
			return subcommands[i].main(argc - 1, argv + 1);
	n_user = split_args(argc, argv, &app_first);
	mbl_config_defaults(&a.cfg);
	if (parse_app_args(&a, argc, argv, app_first) < 0)
		return MBL_EXIT_USAGE;
	a.config_origin = a.cli.config_path;
	if (a.cli.help) {
		usage(stdout);
		mbl_config_print_help(stdout);
		return 0;
	}
	if (a.cli.help_md) {
		mbl_config_print_md(stdout);
		return 0;
	}
	if (a.cli.version) {
		printf("mediablast %s\n", MBL_VERSION);
		return 0;
	}
	/* everything the scenario can get wrong is checked before EAL starts */
	if (app_media_conf(&a, err, sizeof(err)) < 0 ||
	    (a.cfg.run.role != MBL_CONFIG_ROLE_MEDIA &&
	     (app_sip_conf(&a, err, sizeof(err)) < 0 ||
	      mbl_dp_conf_check(&a.dpc, err, sizeof(err)) < 0))) {
		fprintf(stderr, "mediablast: %s\n", err);
		return MBL_EXIT_USAGE;
	}
	if (app_verdict_limits(&a, err, sizeof(err)) < 0 ||
	    app_modes_check(&a, err, sizeof(err)) < 0 || app_html_check(&a, err, sizeof(err)) < 0) {
		fprintf(stderr, "mediablast: %s\n", err);
		return MBL_EXIT_USAGE;
	}
	/* this process writes run.html (of every mode's report for run.modes) */
	if (a.cfg.run.html[0] != '\0' && app_html_probe(a.cfg.run.html) < 0)
		return MBL_EXIT_USAGE;
	if (a.cfg.run.modes[0] != '\0')
		return app_modes_run(&a, argc, argv);
	if (a.cfg.run.search != MBL_CONFIG_SEARCH_OFF)
		return app_search_run(&a, argc, argv);
	/* an output file we cannot write is found now, not after the run */
	if (a.cfg.run.report[0] != '\0' && app_report_probe(a.cfg.run.report) < 0)
		return MBL_EXIT_USAGE;
	if (a.cfg.run.cdr[0] != '\0' && a.cfg.run.role != MBL_CONFIG_ROLE_MEDIA &&
	    (a.cpc.cdr = fopen(a.cfg.run.cdr, "we")) == NULL) {
		fprintf(stderr, "mediablast: run.cdr: cannot write %s: %s\n", a.cfg.run.cdr,
			strerror(errno));
		return MBL_EXIT_USAGE;
	}
	/* the cryptodev engine's default device is ours to create */
	if (uses_cryptodev(&a) && a.cfg.media.srtp_device[0] == '\0')
		strncat(a.cfg.eal_args, " --vdev crypto_aesni_mb0",
			sizeof(a.cfg.eal_args) - strlen(a.cfg.eal_args) - 1);
	no_huge_memory(n_user, argv, &a);
	ev = eal_argv(n_user, argv, a.cfg.eal_args, &eal_argc);
	if (ev == NULL || (rc = rte_eal_init(eal_argc, ev)) < 0) {
		fprintf(stderr, "mediablast: EAL initialisation failed: %s\n",
			rte_strerror(rte_errno));
		return MBL_EXIT_USAGE;
	}
	mbl_tsc_set_hz(rte_get_tsc_hz());
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	rc = a.cfg.run.role == MBL_CONFIG_ROLE_MEDIA ? run_media(&a) : run_sip(&a);
	mbl_cp_free(a.cp);
	if (a.cpc.key_log != NULL)
		fclose(a.cpc.key_log);
	if (a.cpc.cdr != NULL && fclose(a.cpc.cdr) != 0) {
		fprintf(stderr, "mediablast: run.cdr: could not write %s: %s\n", a.cfg.run.cdr,
			strerror(errno));
		rc = rc == 0 ? MBL_EXIT_RUNTIME : rc;
	}
	app_timeline_free(&a);
	mbl_dp_free(a.dp);
	mbl_dtls_ctx_free(a.dtls_ctx);
	mbl_dtls_ident_free(a.dtls_id);
	if (a.cdev_up)
		mbl_srtp_cdev_fini();
	mbl_port_close(&a.port);
	mbl_payload_free(&a.frames);
	mbl_port_eal_cleanup();
	free(ev);
	return rc;
}
