/* SPDX-License-Identifier: BSD-3-Clause
 * HTML page tests over small fixture reports: summary and verdict come
 * first; a chart per figure some run has, each well-formed with a legend
 * entry per run; figures a report lacks are "not measured", never 0;
 * percentiles drawn when there are no buckets; every report string
 * escaped; nothing in the page loads anything; one run or several.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mbl_html.h"
#include "html_test_util.h"

#define HIST_B(n, lo, hi)                                                            \
	"{\"count\": " #n ", \"min\": " #lo ", \"mean\": 1, \"p50\": 1, \"p90\": 2, "       \
	"\"p99\": 3, \"p999\": 3, \"max\": " #hi ", \"buckets\": [[" #lo ", 1, 10], [2, 3, " \
	"10], [" #hi ", " #hi ", 1]]}"

/* A SIP UAC with media and DTLS: timeline (a null MOS), buckets, a failed
 * and an unmeasured threshold, hostile strings where users put theirs. */
static const char uac[] =
	"{\"schema\": 1,"
	"\"run\": {\"role\": \"uac\", \"time_unix\": 1796660000, \"total_seconds\": 3.1,"
	" \"cpu_s\": 2.5},"
	"\"config\": {\"run\": {\"role\": \"uac\"}, \"sip\": {\"from_user\": "
	"\"<img src=x onerror=alert(1)>\", \"t1_ms\": 500, \"register\": false},"
	" \"call\": {\"media\": true}, \"media\": {\"encryption\": \"dtls\"}},"
	"\"media\": {\"codec\": \"PCMU\", \"rtp\": {\"tx_packets\": 300, \"rx_packets\": 290,"
	" \"expected\": 300, \"lost\": 10}, \"jitter_ms\": " HIST_B(21, 0.5, 4) ","
	" \"timing\": {\"timed_share_pct\": 42, \"trusted\": false},"
	" \"dropped\": {\"bad_udp_csum\": 3, \"total\": 3}},"
	"\"pacing\": {\"lateness_us\": " HIST_B(21, 1, 90) "},"
	"\"calls\": {\"attempted\": 3, \"succeeded\": 2, \"failed\": 1, \"cancelled_at_end\": 0,"
	" \"asr_pct\": 66.7, \"cps_achieved\": 1.5,"
	" \"failed_by_reason\": {\"486 <b>Busy</b> & \\\"Here\\\"\": 1},"
	" \"mos\": " HIST_B(21, 3.9, 4.4) ","
	" \"dtls\": {\"handshakes\": 3, \"failed\": 0, \"handshake_ms\": " HIST_B(21, 5, 600) "}},"
	"\"sip\": {\"transport\": \"UDP\", \"setup_ms\": " HIST_B(21, 0.1, 40) ","
	" \"pdd_ms\": {\"count\": 0, \"min\": 0, \"mean\": 0, \"p50\": 0, \"p90\": 0, \"p99\": 0,"
	" \"p999\": 0, \"max\": 0, \"buckets\": []}},"
	"\"verdict\": {\"result\": \"fail\", \"exit_status\": 1, \"calls_ok\": false,"
	" \"thresholds\": {\"asr_min\": {\"limit\": 95, \"value\": 66.7, \"unit\": \"%\","
	" \"pass\": false, \"measured\": true}, \"handshake_ms_p99_max\": {\"limit\": 100,"
	" \"unit\": \"ms\", \"pass\": false, \"measured\": false}}},"
	"\"timeline\": {\"interval_s\": 1, \"samples\": ["
	" {\"t_s\": 1, \"dt_s\": 1, \"calls_attempted\": 2, \"calls_answered\": 1,"
	"  \"calls_failed\": 0, \"calls_active\": 1, \"handshakes\": 1, \"tx_pps\": 100,"
	"  \"rx_pps\": 90, \"loss_pct\": 0, \"jitter_ms\": 1, \"mos\": 4.4,"
	"  \"pacer_late_us_p99\": 3},"
	" {\"t_s\": 2, \"dt_s\": 1, \"calls_attempted\": 1, \"calls_answered\": 1,"
	"  \"calls_failed\": 1, \"calls_active\": 2, \"handshakes\": 2, \"tx_pps\": 100,"
	"  \"rx_pps\": 0, \"loss_pct\": 0, \"jitter_ms\": 1, \"mos\": null,"
	"  \"pacer_late_us_p99\": 4},"
	" {\"t_s\": 2.5, \"dt_s\": 0.5, \"calls_attempted\": 0, \"calls_answered\": 0,"
	"  \"calls_failed\": 0, \"calls_active\": 0, \"handshakes\": 0, \"tx_pps\": 100,"
	"  \"rx_pps\": 100, \"loss_pct\": 10, \"jitter_ms\": 2, \"mos\": 4.1,"
	"  \"pacer_late_us_p99\": 4}]}}";

/* A media-only run from before buckets and the timeline: no calls, no
 * verdict, nothing received (its zero jitter is no measurement). */
static const char media[] =
	"{\"run\": {\"role\": \"media\"},"
	"\"media\": {\"codec\": \"G722\", \"rtp\": {\"tx_packets\": 500, \"rx_packets\": 0,"
	" \"expected\": 0, \"lost\": 0}, \"mos\": 4.4,"
	" \"jitter_ms\": {\"count\": 0, \"min\": 0, \"mean\": 0, \"p50\": 0, \"p90\": 0,"
	" \"p99\": 0, \"p999\": 0, \"max\": 0}},"
	"\"pacing\": {\"lateness_us\": {\"count\": 500, \"min\": 1, \"mean\": 2, \"p50\": 2,"
	" \"p90\": 5, \"p99\": 9, \"p999\": 12, \"max\": 20}}}";

static const struct mbl_jv *parse(const char *s)
{
	char err[160];
	const struct mbl_jv *r = mbl_jv_parse(s, strlen(s), err, sizeof(err));

	if (r == NULL)
		fail_msg("fixture: %s", err);
	return r;
}

static char *render(const struct mbl_html_run *runs, unsigned n, int want_rc)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(mbl_html_render(f, runs, n, "mediablast test"), want_rc);
	fclose(f);
	return buf;
}

/* The page part from the element with id to the next section. */
static const char *section(const char *page, const char *id)
{
	char key[64];
	const char *s;

	snprintf(key, sizeof(key), "<section id=\"%s\">", id);
	s = strstr(page, key);
	if (s == NULL)
		fail_msg("no section %s", id);
	return s;
}

/* Does needle occur inside that section? */
static bool in_section(const char *page, const char *id, const char *needle)
{
	const char *s = section(page, id), *e = strstr(s, "</section>"), *n = strstr(s, needle);

	return n != NULL && e != NULL && n < e;
}

static int svg_count(const char *page)
{
	char why[200];
	int n = tu_svgs_ok(page, why, sizeof(why));

	if (n < 0)
		fail_msg("%s", why);
	return n;
}

static void test_one_run(void **state)
{
	const struct mbl_jv *r = parse(uac);
	struct mbl_html_run run = { .root = r, .label = "sip-dtls", .path = "a/sip-dtls.json" };
	char *p = render(&run, 1, 0);
	(void)state;

	/* summary and verdict first, then the charts */
	assert_true(section(p, "summary") < section(p, "verdict"));
	assert_true(section(p, "verdict") < section(p, "timeline"));
	assert_true(section(p, "timeline") < section(p, "distributions"));
	assert_non_null(strstr(p, "<!DOCTYPE html>"));
	assert_non_null(strstr(p, "Content-Security-Policy\" content=\"default-src 'none'"));
	assert_null(strstr(p, "<script"));
	/* nothing from elsewhere: "http" only in the SVG namespace and http-equiv */
	assert_int_equal(tu_count(p, "http"), tu_count(p, "xmlns=\"http://www.w3.org/2000/svg\"") +
					      tu_count(p, "http-equiv"));
	assert_non_null(strstr(p, "badge fail\">FAIL"));
	assert_non_null(strstr(p, "verdict.asr_min"));
	assert_non_null(strstr(p, "FAILED: not measured"));
	/* a chart per timeline figure; MOS with a gap at its null */
	for (const char *const *id = (const char *const[]){ "tl-calls", "tl-active",
		"tl-failures", "tl-handshakes", "tl-rtp", "tl-loss", "tl-jitter", "tl-mos",
		"tl-pacer", "d-setup", "d-handshake", "d-jitter", "d-mos", "d-pacer", NULL };
	     *id != NULL; id++) {
		char key[64];

		snprintf(key, sizeof(key), "id=\"%s\"", *id);
		if (tu_count(p, key) != 1)
			fail_msg("chart %s: %d of it", *id, tu_count(p, key));
	}
	assert_int_equal(svg_count(p), 14);
	assert_true(in_section(p, "timeline", "sip-dtls: answered"));
	assert_int_equal(tu_count(strstr(p, "id=\"tl-mos\""), "<circle") >= 2, 1);
	/* pdd: count 0 is no measurement */
	assert_null(strstr(p, "id=\"d-pdd\""));
	assert_true(in_section(p, "distributions", "Post-dial delay"));
	/* jitter on untrusted timing says so */
	assert_non_null(strstr(p, "42 % of packets: below the floor"));
	/* every hostile string escaped */
	assert_null(strstr(p, "<img"));
	assert_null(strstr(p, "<b>Busy"));
	assert_non_null(strstr(p, "&lt;img src=x onerror=alert(1)&gt;"));
	assert_non_null(strstr(p, "486 &lt;b&gt;Busy&lt;/b&gt; &amp; &quot;Here&quot;"));
	assert_non_null(strstr(p, "bad_udp_csum"));
	assert_non_null(strstr(p, "a/sip-dtls.json"));
	free(p);
	mbl_jv_free(r);
}

static void test_several_runs(void **state)
{
	const struct mbl_jv *a = parse(uac), *b = parse(media);
	struct mbl_html_run runs[] = { { .root = a, .label = "first" },
				       { .root = b, .label = "<second>" } };
	char *p = render(runs, 2, 0);
	const char *d;
	(void)state;

	svg_count(p);
	/* both runs in the summary with their colours */
	assert_non_null(strstr(p, mbl_svg_colour(0)));
	assert_non_null(strstr(p, mbl_svg_colour(1)));
	assert_non_null(strstr(p, "&lt;second&gt;"));
	assert_null(strstr(p, "<second>"));
	assert_non_null(strstr(p, "no calls (media only)"));
	assert_non_null(strstr(p, "no verdict"));
	/* the media run has no timeline: left out of the charts, sent RTP but
	 * received none, so its jitter is not measured, not 0 */
	assert_false(in_section(p, "timeline", "&lt;second&gt;"));
	d = strstr(p, "id=\"d-jitter\"");
	assert_non_null(d);
	assert_non_null(strstr(d, "Not measured in: &lt;second&gt;"));
	/* pacer lateness: one run with buckets, one without: percentile bars */
	d = strstr(p, "id=\"d-pacer\"");
	assert_non_null(d);
	assert_non_null(strstr(d, "Drawn from the percentiles"));
	assert_non_null(strstr(d, ">p99.9</text>"));
	assert_int_equal(tu_count(strstr(d, "class=\"legend\""), "class=\"legend-item\"") >= 2,
			 1);
	/* the catalogue: the media run's missing figures say so */
	assert_true(in_section(p, "summary", "not measured"));
	free(p);
	mbl_jv_free(a);
	mbl_jv_free(b);
}

static void test_bare_and_errors(void **state)
{
	const struct mbl_jv *r = parse("{\"run\": {}}");
	struct mbl_html_run runs[MBL_HTML_MAX_RUNS + 1];
	char *p;
	(void)state;

	for (unsigned i = 0; i <= MBL_HTML_MAX_RUNS; i++)
		runs[i] = (struct mbl_html_run){ .root = r, .label = "bare" };
	p = render(runs, 1, 0); /* a report with nothing in it still renders */
	assert_int_equal(svg_count(p), 0);
	assert_non_null(strstr(p, "No run has a timeline"));
	assert_non_null(strstr(p, "The report has no verdict"));
	free(p);
	p = render(runs, MBL_HTML_MAX_RUNS, 0);
	free(p);
	free(render(runs, 0, -EINVAL));
	free(render(runs, MBL_HTML_MAX_RUNS + 1, -EINVAL));
	runs[0].root = NULL;
	free(render(runs, 1, -EINVAL));
	assert_int_equal(mbl_html_render(NULL, runs, 1, NULL), -EINVAL);
	mbl_jv_free(r);
}

static void test_esc(void **state)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	(void)state;

	/* overlong '/', a lone continuation, a surrogate, a C0 control, DEL */
	mbl_html_esc(f, "a<b>&\"'\t\n\xc0\xaf\x80\xed\xa0\x80\x1b\x7f\xe2\x82\xac\xf0\x9f\x93\x9e");
	mbl_html_esc(f, NULL);
	fclose(f);
	assert_string_equal(buf, "a&lt;b&gt;&amp;&quot;&#39;\t\n"
				 "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
				 "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
				 "\xe2\x82\xac\xf0\x9f\x93\x9e");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_run),
		cmocka_unit_test(test_several_runs),
		cmocka_unit_test(test_bare_and_errors),
		cmocka_unit_test(test_esc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
