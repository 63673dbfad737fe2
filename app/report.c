/* SPDX-License-Identifier: BSD-3-Clause
 * JSON report and the closing summary on stdout. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <unistd.h>

#include <rte_ethdev.h>

#include "app.h"

static void port_json(struct app *a, struct mbl_json *j)
{
	struct rte_eth_stats st;

	mbl_json_obj_open(j, "port");
	mbl_json_u64(j, "id", a->port.id);
	mbl_json_str(j, "name", a->port.name);
	mbl_json_str(j, "driver", a->port.driver);
	mbl_json_u64(j, "rx_queues", a->port.nb_rxq);
	mbl_json_u64(j, "tx_queues", a->port.nb_txq);
	mbl_json_bool(j, "tx_cksum_offload", a->port.tx_udp_cksum);
	mbl_json_bool(j, "rx_cksum_offload", a->port.rx_cksum);
	/* where jitter's arrival times come from: the port's own stamps or
	 * the data plane's poll time (media.rtp.timed_by_port and
	 * timing_skipped count the packets) */
	mbl_json_str(j, "rx_timestamps", mbl_port_rx_ts_name(a->port.rx_ts_src));
	mbl_json_u64(j, "rx_timestamp_hz", a->port.rx_ts_hz);
	if (rte_eth_stats_get(a->port.id, &st) == 0) {
		mbl_json_u64(j, "ipackets", st.ipackets);
		mbl_json_u64(j, "opackets", st.opackets);
		mbl_json_u64(j, "imissed", st.imissed);
		mbl_json_u64(j, "ierrors", st.ierrors);
		mbl_json_u64(j, "oerrors", st.oerrors);
		mbl_json_u64(j, "rx_nombuf", st.rx_nombuf);
	}
	mbl_json_obj_close(j);
}

/* The report is written to path.tmp in the same directory, then renamed
 * over path (a reader never sees half a report): open path.tmp, or say
 * why not. */
static FILE *open_tmp(const char *path, char *tmp, size_t len)
{
	FILE *f;

	snprintf(tmp, len, "%s.tmp", path);
	f = fopen(tmp, "w");
	if (f == NULL) {
		int e = errno;

		fprintf(stderr, "mediablast: run.report: cannot write %s: %s\n", path, strerror(e));
		errno = e; /* for the caller's -errno */
	}
	return f;
}

int app_report_probe(const char *path)
{
	char tmp[MBL_CONFIG_PATH_LEN + 8];
	FILE *f = open_tmp(path, tmp, sizeof(tmp));

	if (f == NULL)
		return -errno;
	fclose(f);
	unlink(tmp);
	return 0;
}

/* user + system CPU of the whole process (every lcore, polling included) */
static double cpu_seconds(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0;
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

int app_report_write(struct app *a, const struct mbl_dp_totals *t, const char *path)
{
	struct mbl_json j;
	char tmp[MBL_CONFIG_PATH_LEN + 8];
	FILE *f = open_tmp(path, tmp, sizeof(tmp));

	if (f == NULL)
		return -errno;
	mbl_json_init(&j, f, true);
	mbl_json_obj_open(&j, NULL);
	mbl_json_u64(&j, "schema", MBL_REPORT_SCHEMA);
	mbl_json_obj_open(&j, "run");
	mbl_json_str(&j, "version", MBL_VERSION);
	mbl_json_str(&j, "role", a->cp == NULL ? "media" : a->cpc.uac ? "uac" : "uas");
	mbl_json_u64(&j, "time_unix", (uint64_t)time(NULL));
	mbl_json_dbl(&j, "tx_seconds", (double)(a->tx_stop_ns - a->start_ns) / 1e9);
	mbl_json_dbl(&j, "total_seconds", (double)(a->end_ns - a->start_ns) / 1e9);
	mbl_json_bool(&j, "interrupted", a->interrupted);
	mbl_json_u64(&j, "worker_lcores", a->n_lcores);
	mbl_json_u64(&j, "tsc_hz", mbl_tsc_hz);
	mbl_json_u64(&j, "duration_s", mbl_config_duration_s(&a->cfg)); /* 0: no bound */
	mbl_json_dbl(&j, "cpu_s", cpu_seconds());
	mbl_json_obj_close(&j);
	mbl_config_dump_json(&a->cfg, &j);
	port_json(a, &j);
	mbl_dp_report_json(a->dp, t, &j);
	if (a->cp != NULL) {
		mbl_cp_report_json(a->cp, (double)(a->tx_stop_ns - a->start_ns) / 1e9, &j);
	}
	app_verdict_json(a, &j);
	app_timeline_json(a, &j);
	mbl_json_obj_close(&j);
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		fprintf(stderr, "mediablast: run.report: cannot write %s: %s\n", path,
			strerror(errno));
		return -EIO;
	}
	return 0;
}

/* One line per agreed SDES suite and DTLS-SRTP profile. */
static void agreed_summary(const struct mbl_cp_stats *st)
{
	for (unsigned i = 0; i < MBL_SRTP_SUITE_MAX; i++) {
		if (st->sdes_by_suite[i] != 0)
			printf("  agreed: %llu x SDES %s\n", (unsigned long long)st->sdes_by_suite[i],
			       mbl_srtp_suite_get((enum mbl_srtp_suite)i)->name);
		if (st->dtls_by_profile[i] != 0)
			printf("  agreed: %llu x DTLS-SRTP %s\n",
			       (unsigned long long)st->dtls_by_profile[i],
			       mbl_dtls_profile_name((enum mbl_srtp_suite)i));
	}
	for (unsigned i = 0; i < MBL_CP_FP_HASHES; i++)
		if (st->dtls_by_fp_hash[i] != 0)
			printf("  agreed: %llu x peer fingerprint %s\n",
			       (unsigned long long)st->dtls_by_fp_hash[i], mbl_cp_fp_hash_names[i]);
}

/* WS / WSS runs: one line of WebSocket counters. */
static void ws_summary(struct app *a)
{
	struct mbl_sip_tp_stats ts;
	uint64_t refused = 0, errors = 0, closes = 0;

	if (!mbl_sip_proto_ws(a->cpc.proto))
		return;
	mbl_cp_tp_stats(a->cp, &ts);
	for (unsigned e = 0; e < MBL_WS_HS_ERR_MAX; e++)
		refused += ts.ws.hs_refused[e];
	for (unsigned e = 0; e < MBL_WS_ERR_MAX; e++)
		errors += ts.ws.errors[e];
	for (unsigned s = 0; s < MBL_SIP_TP_WS_CLOSE_SLOTS; s++)
		closes += ts.ws.closes_in[s] + ts.ws.closes_out[s];
	printf("  sip %s: %llu handshakes, %llu refused, frames in %llu out %llu, %llu protocol "
	       "errors, %llu close frames\n", mbl_sip_proto_name(a->cpc.proto),
	       (unsigned long long)ts.ws.handshakes, (unsigned long long)refused,
	       (unsigned long long)ts.ws.frames_in, (unsigned long long)ts.ws.frames_out,
	       (unsigned long long)errors, (unsigned long long)closes);
}

static void calls_summary(struct app *a)
{
	const struct mbl_cp_stats *st = mbl_cp_stats(a->cp);

	printf("  calls attempted %llu  succeeded %llu  failed %llu  cancelled at end %llu  "
	       "max concurrent %llu  setup p50 %.1f ms p99 %.1f ms\n",
	       (unsigned long long)st->attempted, (unsigned long long)st->succeeded,
	       (unsigned long long)st->failed, (unsigned long long)st->cancelled_at_end,
	       (unsigned long long)st->concurrent_max,
	       (double)mbl_hist_pct(&st->setup_us, 50) / 1e3,
	       (double)mbl_hist_pct(&st->setup_us, 99) / 1e3);
	for (unsigned i = 0; i < MBL_CP_MAX_REASONS && st->reason[i] != NULL; i++)
		printf("  failed: %llu x %s\n", (unsigned long long)st->reason_n[i], st->reason[i]);
	printf("  media: %llu calls started, %llu flowed both ways, %llu missing (%llu SDES, "
	       "%llu DTLS, %llu plain)\n", (unsigned long long)st->media_started,
	       (unsigned long long)st->media_ok, (unsigned long long)st->media_missing,
	       (unsigned long long)st->media_sdes, (unsigned long long)st->media_dtls,
	       (unsigned long long)st->media_plain);
	agreed_summary(st);
	ws_summary(a);
}

void app_summary(struct app *a, const struct mbl_dp_totals *t)
{
	double s = (double)(a->tx_stop_ns - a->start_ns) / 1e9, hz_us = (double)mbl_tsc_hz / 1e6;

	printf("mediablast: %s after %.1f s: %u streams (%u sending, %u receiving, %u silent)\n",
	       a->interrupted ? "interrupted" : "done", s, t->streams, t->streams_running,
	       t->streams_receiving, t->streams_silent);
	printf("  rtp tx %llu (%.0f pps)  rx %llu  lost %llu  dup %llu  reordered %llu\n",
	       (unsigned long long)t->c.tx_packets, s > 0 ? (double)t->c.tx_packets / s : 0,
	       (unsigned long long)t->c.rx_rtp, (unsigned long long)t->rx_lost,
	       (unsigned long long)t->rx_duplicates, (unsigned long long)t->rx_reordered);
	printf("  jitter mean %.4f ms  one-way delay p50 %.1f us p99 %.1f us  "
	       "pacer lateness p50 %.2f us p99 %.2f us max %.2f us\n",
	       t->jitter_mean_ms, (double)mbl_hist_pct(&t->delay_ns, 50) / 1e3,
	       (double)mbl_hist_pct(&t->delay_ns, 99) / 1e3,
	       (double)mbl_hist_pct(&t->lateness_tsc, 50) / hz_us,
	       (double)mbl_hist_pct(&t->lateness_tsc, 99) / hz_us,
	       (double)mbl_hist_max(&t->lateness_tsc) / hz_us);
	if (mbl_dp_timed_share_pct(t) < MBL_DP_TIMED_FLOOR_PCT)
		printf("  WARNING: jitter, delay and MOS rest on %.1f %% of arrivals (floor %.0f %%): "
		       "the rest came after a gap in polling (media.rx_stall_us, port.idle_sleep); "
		       "the verdict counts them as not measured\n",
		       mbl_dp_timed_share_pct(t), MBL_DP_TIMED_FLOOR_PCT);
	if (t->c.tx_refused || t->c.tx_nombuf)
		printf("  WARNING: %llu packets refused by the PMD, %llu not built (no mbuf)\n",
		       (unsigned long long)t->c.tx_refused, (unsigned long long)t->c.tx_nombuf);
	if (a->cp == NULL && t->streams_running < t->streams)
		printf("  WARNING: %u streams never resolved their next hop (ARP/ND): check "
		       "media.remote_ip / media.gateway or set media.remote_mac\n",
		       t->streams - t->streams_running);
	if (a->cp != NULL)
		calls_summary(a);
	app_verdict_print(a);
	fflush(stdout);
}
