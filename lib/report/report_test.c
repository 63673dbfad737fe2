/* SPDX-License-Identifier: BSD-3-Clause
 * Report catalogue tests over hand-written reports: a SIP run with DTLS
 * and media, a media-only run, an old report (no schema, no cpu_s, no
 * calls.mos); figures read, computed (loss, CPU) and "not present" where
 * the report has no such figure (never 0); percentiles from buckets;
 * untrusted timing; identity: schema, role, label; loading refuses what
 * is no report. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "mbl_report.h"

/* A schema-1 UAC report: calls with DTLS and per-call MOS, media, CPU. */
static const char sip_run[] =
	"{\"schema\": 1,"
	" \"run\": {\"role\": \"uac\", \"cpu_s\": 2.0, \"tx_seconds\": 10},"
	" \"config\": {\"run\": {\"role\": \"uac\"}},"
	" \"media\": {\"streams\": 20, \"ptime_ms\": 20,"
	"   \"rtp\": {\"tx_packets\": 10000, \"expected\": 8000, \"lost\": 40},"
	"   \"jitter_ms\": {\"count\": 20, \"min\": 0.1, \"mean\": 0.5, \"p50\": 0.4,"
	"     \"p90\": 0.9, \"p99\": 1.5, \"p999\": 1.5, \"max\": 1.5},"
	"   \"rtt_ms\": {\"count\": 0, \"min\": 0, \"mean\": 0, \"p50\": 0, \"p90\": 0,"
	"     \"p99\": 0, \"p999\": 0, \"max\": 0},"
	"   \"mos\": 4.3, \"srtp\": {\"rx_verify\": \"decrypt\"},"
	"   \"timing\": {\"timed_share_pct\": 99.5, \"trusted\": true},"
	"   \"peer\": {\"streams_with_reports\": 20, \"lost\": 10, \"expected\": 10000,"
	"     \"jitter_ms\": {\"count\": 20, \"min\": 0, \"mean\": 0.25, \"p50\": 0,"
	"       \"p90\": 0, \"p99\": 0, \"p999\": 0, \"max\": 1}},"
	"   \"dropped\": {\"srtp_auth_fail\": 3}},"
	" \"pacing\": {\"lateness_us\": {\"count\": 100, \"min\": 1, \"mean\": 2, \"p50\": 2,"
	"   \"p90\": 3, \"p99\": 7.5, \"p999\": 9, \"max\": 9}},"
	" \"calls\": {\"role\": \"uac\", \"attempted\": 100, \"succeeded\": 90, \"failed\": 5,"
	"   \"cancelled_at_end\": 10, \"cps_achieved\": 9.5, \"asr_pct\": 94.7368,"
	"   \"media\": {\"sdes\": 0, \"dtls\": 90},"
	"   \"dtls\": {\"handshakes\": 90, \"failed\": 2, \"handshake_ms\": {\"count\": 88,"
	"     \"min\": 3, \"mean\": 5, \"p50\": 4, \"p90\": 8, \"p99\": 12, \"p999\": 12, \"max\": 12}},"
	"   \"mos\": {\"count\": 10, \"min\": 3.5, \"mean\": 4.2, \"p50\": 4.3, \"p90\": 4.4,"
	"     \"p99\": 4.4, \"p999\": 4.4, \"max\": 4.4,"
	"     \"buckets\": [[3.4, 3.6, 1], [4.0, 4.2, 2], [4.2, 4.4, 7]]}},"
	" \"sip\": {\"retransmissions\": 1,"
	"   \"pdd_ms\": {\"count\": 90, \"min\": 1, \"mean\": 2, \"p50\": 2, \"p90\": 3, \"p99\": 9,"
	"     \"p999\": 9, \"max\": 9},"
	"   \"setup_ms\": {\"count\": 90, \"min\": 1, \"mean\": 3, \"p50\": 2.5, \"p90\": 4,"
	"     \"p99\": 11, \"p999\": 11, \"max\": 11}},"
	" \"verdict\": {\"result\": \"pass\"}}";

/* A media-only run: no calls, no sip, no SRTP; nothing received. */
static const char media_run[] =
	"{\"schema\": 1, \"run\": {\"role\": \"media\", \"label\": \"bench-a\", \"cpu_s\": 1},"
	" \"media\": {\"ptime_ms\": 20, \"rtp\": {\"tx_packets\": 0, \"expected\": 0, \"lost\": 0},"
	"   \"mos\": 4.41, \"dropped\": {\"srtp_auth_fail\": 0}}}";

/* A report from before "schema": no cpu_s, no calls.mos, a measured
 * mos_p5 threshold. */
static const char old_run[] =
	"{\"run\": {\"role\": \"uas\"},"
	" \"media\": {\"ptime_ms\": 20, \"rtp\": {\"tx_packets\": 50, \"expected\": 50, \"lost\": 0},"
	"   \"mos\": 4.4},"
	" \"calls\": {\"attempted\": 4, \"cancelled_at_end\": 4, \"asr_pct\": 0, \"failed\": 0,"
	"   \"cps_achieved\": 0},"
	" \"verdict\": {\"thresholds\": {\"mos_p5_min\": {\"limit\": 4, \"value\": 4.25,"
	"   \"measured\": true}}}}";

static const struct mbl_jv *parse(const char *s)
{
	char err[160] = "";
	const struct mbl_jv *r = mbl_jv_parse(s, strlen(s), err, sizeof(err));

	if (r == NULL)
		fail_msg("fixture refused: %s", err);
	return r;
}

/* The value of key in r, or NAN when not present. */
static double val(const struct mbl_jv *r, const char *key)
{
	const struct mbl_report_metric *m = mbl_report_metric_find(key);
	double v = -1;

	if (m == NULL)
		fail_msg("no metric %s", key);
	return mbl_report_value(m, r, &v) == 0 ? v : NAN;
}

#define assert_val(r, key, want) assert_float_equal(val(r, key), want, 1e-9)
#define assert_absent(r, key) assert_true(isnan(val(r, key)))

static void test_table(void **state)
{
	(void)state;
	assert_true(mbl_report_n_metrics() > 20);
	assert_null(mbl_report_metric(mbl_report_n_metrics()));
	assert_null(mbl_report_metric_find("no_such"));
	for (unsigned i = 0; i < mbl_report_n_metrics(); i++) {
		const struct mbl_report_metric *m = mbl_report_metric(i);

		assert_non_null(m->key);
		assert_non_null(m->label);
		assert_non_null(m->unit);
		assert_non_null(m->get);
		assert_non_null(m->help);
		/* keys are unique and what metric_find finds */
		assert_ptr_equal(mbl_report_metric_find(m->key), m);
	}
	assert_int_equal(mbl_report_metric_find("mos")->better, MBL_REPORT_HIGHER);
	assert_int_equal(mbl_report_metric_find("setup_ms.p99")->better, MBL_REPORT_LOWER);
}

static void test_sip_run(void **state)
{
	const struct mbl_jv *r = parse(sip_run);
	(void)state;

	assert_val(r, "cps", 9.5);
	assert_val(r, "asr", 94.7368);
	assert_val(r, "calls_failed", 5);
	assert_val(r, "pdd_ms.p50", 2);
	assert_val(r, "pdd_ms.p99", 9);
	assert_val(r, "setup_ms.p50", 2.5);
	assert_val(r, "setup_ms.p99", 11);
	assert_val(r, "sip_retransmissions", 1);
	assert_val(r, "handshake_ms.p50", 4);
	assert_val(r, "handshake_ms.p99", 12);
	assert_val(r, "dtls_failures", 2);
	assert_val(r, "loss_pct", 0.5);          /* 40 / 8000 */
	assert_val(r, "jitter_ms", 0.5);
	assert_val(r, "jitter_ms.p99", 1.5);
	assert_val(r, "pacer_late_us.p99", 7.5);
	assert_val(r, "mos", 4.2);               /* the calls' mean, not media.mos */
	assert_val(r, "mos.p5", 3.5);            /* rank 1 of 10: bucket 3.4..3.6, min 3.5 */
	assert_val(r, "cpu_ms_per_call", 20);    /* 2 s / 100 calls */
	assert_val(r, "cpu_us_per_stream_s", 10000); /* 2 s / (10000 x 20 ms) */
	assert_val(r, "srtp_auth_failures", 3);
	assert_val(r, "peer_loss_pct", 0.1);
	assert_val(r, "peer_jitter_ms", 0.25);
	/* a histogram without samples measured nothing */
	assert_absent(r, "rtt_ms.p50");
	assert_absent(r, "rtt_ms.p99");
	assert_absent(r, "delay_us.p99");
	mbl_jv_free(r);
}

static void test_media_run(void **state)
{
	const struct mbl_jv *r = parse(media_run);
	(void)state;

	/* no calls section: no call figure, and no zeros for them */
	assert_absent(r, "cps");
	assert_absent(r, "asr");
	assert_absent(r, "calls_failed");
	assert_absent(r, "setup_ms.p99");
	assert_absent(r, "handshake_ms.p99");
	assert_absent(r, "cpu_ms_per_call");
	/* nothing received or sent: no loss, no MOS (the report's 4.41 is
	 * of nothing), no CPU per stream; no SRTP in use */
	assert_absent(r, "loss_pct");
	assert_absent(r, "mos");
	assert_absent(r, "mos.p5");
	assert_absent(r, "cpu_us_per_stream_s");
	assert_absent(r, "srtp_auth_failures");
	assert_absent(r, "pacer_late_us.p99");
	mbl_jv_free(r);
}

static void test_old_run(void **state)
{
	const struct mbl_jv *r = parse(old_run);
	(void)state;

	assert_int_equal(mbl_report_schema(r), 0);
	assert_absent(r, "asr");                 /* every call cancelled at the end */
	assert_val(r, "cps", 0);                 /* measured: no call answered */
	assert_val(r, "loss_pct", 0);
	assert_val(r, "mos", 4.4);               /* no per-call MOS: media.mos */
	assert_val(r, "mos.p5", 4.25);           /* from the verdict */
	assert_absent(r, "cpu_ms_per_call");     /* no run.cpu_s */
	assert_absent(r, "cpu_us_per_stream_s");
	mbl_jv_free(r);
}

/* Too few arrivals timed: jitter and MOS are missing, the rest stays. */
static void test_untrusted_timing(void **state)
{
	char *txt = strdup(sip_run), *p = strstr(txt, "\"trusted\": true");
	const struct mbl_jv *r;
	(void)state;

	assert_non_null(p);
	memcpy(p, "\"trusted\":false", 15);
	r = parse(txt);
	assert_absent(r, "jitter_ms");
	assert_absent(r, "jitter_ms.p99");
	assert_absent(r, "mos");
	assert_absent(r, "mos.p5");
	assert_val(r, "loss_pct", 0.5);
	assert_val(r, "setup_ms.p99", 11);
	mbl_jv_free(r);
	free(txt);
}

static void test_hist_pct(void **state)
{
	const struct mbl_jv *r = parse(
		"{\"h\": {\"count\": 10, \"min\": 1, \"max\": 30,"
		"  \"buckets\": [[0, 2, 5], [2, 4, 4], [28, 32, 1]]},"
		" \"short\": {\"count\": 11, \"min\": 1, \"max\": 30, \"buckets\": [[0, 2, 5]]},"
		" \"bad\": {\"count\": 1, \"min\": 1, \"max\": 1, \"buckets\": [[0, 2]]},"
		" \"empty\": {\"count\": 0, \"min\": 0, \"max\": 0, \"buckets\": []},"
		" \"old\": {\"count\": 3, \"min\": 0, \"max\": 0}}");
	const struct mbl_jv *h = mbl_jv_get(r, "h");
	double v = 0;
	(void)state;

	assert_int_equal(mbl_report_hist_pct(h, 50, &v), 0);   /* rank 5: first bucket */
	assert_float_equal(v, 1, 1e-9);
	assert_int_equal(mbl_report_hist_pct(h, 51, &v), 0);   /* rank 6: second */
	assert_float_equal(v, 3, 1e-9);
	assert_int_equal(mbl_report_hist_pct(h, 99, &v), 0);   /* rank 10: clamped to max */
	assert_float_equal(v, 30, 1e-9);
	assert_int_equal(mbl_report_hist_pct(h, 5, &v), 0);    /* rank 1, clamped to min */
	assert_float_equal(v, 1, 1e-9);
	assert_int_equal(mbl_report_hist_pct(mbl_jv_get(r, "short"), 99, &v), -EINVAL);
	assert_int_equal(mbl_report_hist_pct(mbl_jv_get(r, "bad"), 50, &v), -EINVAL);
	assert_int_equal(mbl_report_hist_pct(mbl_jv_get(r, "empty"), 50, &v), -ENOENT);
	assert_int_equal(mbl_report_hist_pct(mbl_jv_get(r, "old"), 50, &v), -ENOENT);
	assert_int_equal(mbl_report_hist_pct(NULL, 50, &v), -ENOENT);
	mbl_jv_free(r);
}

static void test_identity(void **state)
{
	const struct mbl_jv *s = parse(sip_run), *m = parse(media_run), *o = parse(old_run);
	const struct mbl_jv *bad = parse("{\"schema\": 1.5, \"run\": {}}");
	char buf[32];
	(void)state;

	assert_int_equal(mbl_report_schema(s), 1);
	assert_int_equal(mbl_report_schema(bad), -EINVAL);
	assert_string_equal(mbl_report_role(s), "uac");
	assert_string_equal(mbl_report_role(m), "media");
	assert_string_equal(mbl_report_role(bad), "?");
	assert_string_equal(mbl_report_label(s, "/tmp/x/base-run.json", buf, sizeof(buf)),
			    "base-run");
	assert_string_equal(mbl_report_label(s, "plain", buf, sizeof(buf)), "plain");
	assert_string_equal(mbl_report_label(m, "/tmp/a.json", buf, sizeof(buf)), "bench-a");
	assert_string_equal(mbl_report_label(o, ".json", buf, sizeof(buf)), ".json");
	assert_string_equal(mbl_report_label(o, "/d/a-very-long-report-name.json", buf, 8),
			    "a-very-");
	mbl_jv_free(s);
	mbl_jv_free(m);
	mbl_jv_free(o);
	mbl_jv_free(bad);
}

/* path of a temporary file holding s */
static void write_tmp(char *path, const char *s)
{
	int fd;

	strcpy(path, "/tmp/mbl_report_test.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, s, strlen(s)), (ssize_t)strlen(s));
	close(fd);
}

static void load_refused(const char *text, const char *want)
{
	char path[64], err[256] = "";

	write_tmp(path, text);
	errno = 0;
	assert_null(mbl_report_load(path, err, sizeof(err)));
	assert_int_equal(errno, EINVAL);
	if (strstr(err, path) == NULL || strstr(err, want) == NULL)
		fail_msg("'%s': error '%s' lacks the file or '%s'", text, err, want);
	unlink(path);
}

static void test_load(void **state)
{
	char path[64], err[256] = "";
	const struct mbl_jv *r;
	(void)state;

	write_tmp(path, sip_run);
	r = mbl_report_load(path, err, sizeof(err));
	assert_non_null(r);
	assert_int_equal(mbl_report_schema(r), 1);
	mbl_jv_free(r);
	unlink(path);

	load_refused("{\"run\": {\"role\": \"uac\"},\n \"media\": {", "line 2");
	load_refused("[1, 2]", "not a mediablast report");
	load_refused("{\"run\": 3}", "not a mediablast report");
	load_refused("{\"schema\": \"1\", \"run\": {}}", "schema");
	load_refused("{\"schema\": -1, \"run\": {}}", "schema");
	assert_null(mbl_report_load("/nonexistent/r.json", err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/r.json"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_sip_run),
		cmocka_unit_test(test_media_run),
		cmocka_unit_test(test_old_run),
		cmocka_unit_test(test_untrusted_timing),
		cmocka_unit_test(test_hist_pct),
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
