/* SPDX-License-Identifier: BSD-3-Clause
 * compare tests: the threshold grammar (each form, each refusal, unknown
 * keys told apart); judging in the metric's worse direction for both
 * directions, equality holding, a missing figure failing, BASE 0; the
 * table (rows only for figures present, the failure mark, PASS/FAIL
 * lines); the JUnit XML (counts, escaping, bytes that are not UTF-8). */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mbl_compare.h"

/* A report with a setup p99 (lower is better), cps (higher is better)
 * and a loss figure. */
static const struct mbl_jv *report(double setup_p99, double cps, double lost)
{
	char s[512], err[128];
	const struct mbl_jv *r;

	snprintf(s, sizeof(s),
		 "{\"run\": {\"role\": \"uac\"},"
		 " \"calls\": {\"attempted\": 10, \"cancelled_at_end\": 0, \"asr_pct\": 100,"
		 "   \"cps_achieved\": %.17g},"
		 " \"media\": {\"rtp\": {\"expected\": 1000, \"lost\": %.17g}},"
		 " \"sip\": {\"setup_ms\": {\"count\": 10, \"p50\": 1, \"p99\": %.17g}}}",
		 cps, lost, setup_p99);
	r = mbl_jv_parse(s, strlen(s), err, sizeof(err));
	if (r == NULL)
		fail_msg("fixture: %s", err);
	return r;
}

static struct mbl_cmp_threshold parse_ok(const char *s)
{
	struct mbl_cmp_threshold t;
	char err[256] = "";

	if (mbl_cmp_threshold_parse(s, &t, err, sizeof(err)) != 0)
		fail_msg("'%s' refused: %s", s, err);
	assert_string_equal(t.text, s);
	return t;
}

static void refused(const char *s, int rc, const char *want)
{
	struct mbl_cmp_threshold t;
	char err[256] = "";

	assert_int_equal(mbl_cmp_threshold_parse(s, &t, err, sizeof(err)), rc);
	if (strstr(err, want) == NULL)
		fail_msg("'%s': error '%s' lacks '%s'", s, err, want);
}

static void test_parse(void **state)
{
	struct mbl_cmp_threshold t;
	(void)state;

	t = parse_ok("setup_ms.p99=+20%");
	assert_string_equal(t.m->key, "setup_ms.p99");
	assert_int_equal(t.op, MBL_CMP_REL);
	assert_float_equal(t.limit, 20, 0);
	t = parse_ok("cps=-5%");
	assert_int_equal(t.op, MBL_CMP_REL);
	assert_float_equal(t.limit, -5, 0);
	t = parse_ok("loss_pct=+0.5");
	assert_int_equal(t.op, MBL_CMP_DELTA);
	assert_float_equal(t.limit, 0.5, 0);
	t = parse_ok("setup_ms.p50=-1.25");
	assert_int_equal(t.op, MBL_CMP_DELTA);
	assert_float_equal(t.limit, -1.25, 0);
	t = parse_ok("mos.p5>=4.0");
	assert_int_equal(t.op, MBL_CMP_GE);
	assert_float_equal(t.limit, 4, 0);
	t = parse_ok("pacer_late_us.p99<=50");
	assert_int_equal(t.op, MBL_CMP_LE);
	assert_float_equal(t.limit, 50, 0);
	t = parse_ok("cps>=-1e2");
	assert_float_equal(t.limit, -100, 0);

	refused("setp=+20%", -ENOENT, "unknown key 'setp'");
	refused("cps=20%", -EINVAL, "needs its sign");
	refused("cps=20", -EINVAL, "needs its sign");
	refused("cps", -EINVAL, "expected KEY<=V");
	refused("=+5", -EINVAL, "expected KEY<=V");
	refused("cps<5", -EINVAL, "expected KEY<=V");
	refused("cps>=", -EINVAL, "number");
	refused("cps>=4x", -EINVAL, "number");
	refused("cps>=0x10", -EINVAL, "number");
	refused("cps>=inf", -EINVAL, "number");
	refused("cps>=nan", -EINVAL, "number");
	refused("cps=+", -EINVAL, "number");
	refused("cps=+%", -EINVAL, "number");
	refused("cps=+-5", -EINVAL, "number");
	refused("cps=+5%%", -EINVAL, "number");
	refused("cps=<=5", -EINVAL, "needs its sign");
	refused("cps>=1e999", -EINVAL, "number");
	refused("setup_ms.p99=+1000000000000000000000000000000000000000000000000000000", -EINVAL,
		"too long");
}

/* Judge text on (base, run); returns whether it held, o filled. */
static bool judge(const char *text, const struct mbl_jv *b, const struct mbl_jv *r,
		  struct mbl_cmp_outcome *o)
{
	struct mbl_cmp_threshold t = parse_ok(text);

	return mbl_cmp_eval(&t, b, "base", r, "run", o);
}

static void test_eval_lower_better(void **state)
{
	const struct mbl_jv *b = report(10, 20, 0), *same = report(10, 20, 0);
	const struct mbl_jv *r12 = report(12, 20, 0), *r125 = report(12.5, 20, 0);
	const struct mbl_jv *r95 = report(9.5, 20, 0), *r96 = report(9.6, 20, 0);
	struct mbl_cmp_outcome o;
	(void)state;

	/* +20 %: RUN <= 1.2 x BASE, holding at equality despite rounding */
	assert_true(judge("setup_ms.p99=+20%", b, r12, &o));
	assert_int_equal(o.result, MBL_CMP_HELD);
	assert_float_equal(o.measured, 20, 1e-9);
	assert_false(judge("setup_ms.p99=+20%", b, r125, &o));
	assert_int_equal(o.result, MBL_CMP_BROKEN);
	assert_string_equal(o.text, "25.0 % worse (10 ms -> 12.5 ms) vs at most 20 % worse");
	/* an improvement holds a +N% limit */
	assert_true(judge("setup_ms.p99=+0%", b, r95, &o));
	assert_string_equal(o.text, "5.0 % better (10 ms -> 9.5 ms) vs at most 0 % worse");
	/* -5 %: RUN must be 5 % better */
	assert_true(judge("setup_ms.p99=-5%", b, r95, &o));
	assert_false(judge("setup_ms.p99=-5%", b, r96, &o));
	assert_string_equal(o.text, "4.0 % better (10 ms -> 9.6 ms) vs at least 5 % better");
	/* absolute changes */
	assert_true(judge("setup_ms.p99=+2", b, r12, &o));
	assert_false(judge("setup_ms.p99=+2", b, r125, &o));
	assert_string_equal(o.text, "2.5 ms worse (10 ms -> 12.5 ms) vs at most 2 ms worse");
	assert_true(judge("setup_ms.p99=-0.5", b, r95, &o));
	assert_false(judge("setup_ms.p99=-0.5", b, r96, &o));
	assert_true(judge("setup_ms.p99=+0", b, same, &o));
	assert_string_equal(o.text, "unchanged (10 ms -> 10 ms) vs at most 0 ms worse");
	/* bounds on the RUN alone */
	assert_true(judge("setup_ms.p99<=12", b, r12, &o));
	assert_false(judge("setup_ms.p99<=12", b, r125, &o));
	assert_string_equal(o.text, "12.5 ms vs <= 12 ms");
	assert_true(judge("setup_ms.p99>=12.5", NULL, r125, &o));
	mbl_jv_free(b);
	mbl_jv_free(same);
	mbl_jv_free(r12);
	mbl_jv_free(r125);
	mbl_jv_free(r95);
	mbl_jv_free(r96);
}

static void test_eval_higher_better(void **state)
{
	const struct mbl_jv *b = report(1, 20, 0), *r18 = report(1, 18, 0);
	const struct mbl_jv *r179 = report(1, 17.9, 0), *r22 = report(1, 22, 0);
	struct mbl_cmp_outcome o;
	(void)state;

	/* cps=+10 %: worse is down, RUN >= 0.9 x BASE */
	assert_true(judge("cps=+10%", b, r18, &o));
	assert_false(judge("cps=+10%", b, r179, &o));
	assert_string_equal(o.text, "10.5 % worse (20 1/s -> 17.9 1/s) vs at most 10 % worse");
	assert_true(judge("cps=+10%", b, r22, &o));
	assert_true(judge("cps=-10%", b, r22, &o));   /* 10 % better: equality holds */
	assert_false(judge("cps=-10%", b, r18, &o));
	assert_true(judge("cps=+2", b, r18, &o));
	assert_false(judge("cps=+2", b, r179, &o));
	assert_true(judge("cps>=18", b, r18, &o));
	assert_false(judge("cps>=18", b, r179, &o));
	assert_string_equal(o.text, "17.9 1/s vs >= 18 1/s");
	mbl_jv_free(b);
	mbl_jv_free(r18);
	mbl_jv_free(r179);
	mbl_jv_free(r22);
}

static void test_eval_missing_and_zero(void **state)
{
	const struct mbl_jv *b = report(10, 20, 0), *lossy = report(10, 20, 5);
	const char media[] = "{\"run\": {\"role\": \"media\"}, \"media\": {\"rtp\": {\"expected\": 0}}}";
	const struct mbl_jv *m = mbl_jv_parse(media, strlen(media), NULL, 0);
	struct mbl_cmp_outcome o;
	(void)state;

	assert_non_null(m);
	/* the RUN has no calls: every call threshold fails, never passes */
	assert_false(judge("cps>=0", b, m, &o));
	assert_int_equal(o.result, MBL_CMP_MISSING);
	assert_string_equal(o.text, "not measured in run");
	assert_false(judge("setup_ms.p99<=1e9", b, m, &o));
	assert_int_equal(o.result, MBL_CMP_MISSING);
	/* BASE lacks it: a change cannot be judged */
	assert_false(judge("cps=+100%", m, b, &o));
	assert_int_equal(o.result, MBL_CMP_MISSING);
	assert_string_equal(o.text, "not measured in base");
	assert_false(judge("cps=+1", NULL, b, &o));
	assert_int_equal(o.result, MBL_CMP_MISSING);
	/* BASE 0: unchanged holds, any worsening is infinitely worse */
	assert_true(judge("loss_pct=+0%", b, b, &o));
	assert_false(judge("loss_pct=+1000%", b, lossy, &o));
	assert_true(isinf(o.measured) && o.measured > 0);
	assert_true(judge("loss_pct=-50%", lossy, b, &o)); /* infinitely better */
	assert_true(judge("loss_pct=+0.5", b, lossy, &o)); /* 0 -> 0.5 % */
	assert_false(judge("loss_pct=+0.4", b, lossy, &o));
	mbl_jv_free(b);
	mbl_jv_free(lossy);
	mbl_jv_free(m);
}

static void test_diff_fmt(void **state)
{
	double a, r;
	char buf[32];
	(void)state;

	mbl_cmp_diff(10, 12.5, &a, &r);
	assert_float_equal(a, 2.5, 1e-12);
	assert_float_equal(r, 25, 1e-12);
	mbl_cmp_diff(-10, -5, &a, &r);
	assert_float_equal(r, 50, 1e-12);
	mbl_cmp_diff(0, 1, &a, &r);
	assert_true(isnan(r));
	assert_string_equal(mbl_cmp_fmt(40, buf, sizeof(buf)), "40");
	assert_string_equal(mbl_cmp_fmt(19.9906, buf, sizeof(buf)), "19.99");
	assert_string_equal(mbl_cmp_fmt(0.000312, buf, sizeof(buf)), "0.000312");
	assert_string_equal(mbl_cmp_fmt(12345.67, buf, sizeof(buf)), "12345.7");
	assert_string_equal(mbl_cmp_fmt(NAN, buf, sizeof(buf)), "-");
	assert_string_equal(mbl_cmp_fmt(-INFINITY, buf, sizeof(buf)), "-inf");
}

/* The checks of thresholds th[] on in[1..n-1]. */
static unsigned check_all(struct mbl_cmp_input *in, unsigned n, struct mbl_cmp_threshold *th,
			  unsigned nt, struct mbl_cmp_check *c)
{
	unsigned nc = 0;

	for (unsigned k = 1; k < n; k++)
		for (unsigned i = 0; i < nt; i++, nc++) {
			c[nc].t = &th[i];
			c[nc].run = k;
			mbl_cmp_eval(&th[i], in[0].root, in[0].label, in[k].root, in[k].label,
				     &c[nc].o);
		}
	return nc;
}

static char *captured(FILE *f, char **buf)
{
	fclose(f);
	return *buf;
}

static unsigned count(const char *s, const char *what)
{
	unsigned n = 0;

	for (const char *p = s; (p = strstr(p, what)) != NULL; p++)
		n++;
	return n;
}

static void test_print(void **state)
{
	struct mbl_cmp_input in[3] = {
		{ "a/base.json", report(10, 20, 0), "base" },
		{ "a/fast.json", report(9, 21, 0), "fast" },
		{ "a/slow.json", report(15, 19, 0), "slow" },
	};
	struct mbl_cmp_threshold th[2] = { parse_ok("setup_ms.p99=+20%"), parse_ok("asr>=99") };
	struct mbl_cmp_check c[4];
	unsigned nc = check_all(in, 3, th, 2, c);
	char *buf = NULL, *out;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	(void)state;

	assert_int_equal(mbl_cmp_print(f, in, 3, c, nc), 0);
	out = captured(f, &buf);
	/* figures present in some report are rows; the others are not */
	assert_non_null(strstr(out, "\nsetup_ms.p99 "));
	assert_non_null(strstr(out, "\ncps "));
	assert_non_null(strstr(out, "\nloss_pct "));
	assert_null(strstr(out, "\nmos "));
	assert_null(strstr(out, "\nhandshake_ms.p99 "));
	/* slow's setup p99 is marked, with its difference */
	assert_non_null(strstr(out, "15   +5 +50.0% !\n"));
	assert_non_null(strstr(out, "-1 -10.0%"));
	assert_int_equal(count(out, " !"), 1);
	assert_non_null(strstr(out, "PASS setup_ms.p99=+20% (fast): 10.0 % better"));
	assert_non_null(strstr(out, "FAIL setup_ms.p99=+20% (slow): 50.0 % worse (10 ms -> 15 ms)"));
	assert_int_equal(count(out, "PASS asr>=99"), 2);
	/* no line ends in blanks */
	assert_null(strstr(out, " \n"));
	free(buf);
	assert_int_equal(mbl_cmp_print(stdout, in, 1, c, 0), -EINVAL);
	for (unsigned k = 0; k < 3; k++)
		mbl_jv_free(in[k].root);
}

static void test_junit(void **state)
{
	struct mbl_cmp_input in[2] = {
		{ "base<&>.json", report(10, 20, 0), "base" },
		{ "r\"un'.json", report(15, 20, 0), "r\x01\xff\xc3\xa9n" },
	};
	struct mbl_cmp_threshold th[3] = {
		parse_ok("setup_ms.p99=+20%"), parse_ok("setup_ms.p99<=20"), parse_ok("mos>=4"),
	};
	struct mbl_cmp_check c[3];
	unsigned nc = check_all(in, 2, th, 3, c);
	char *buf = NULL, *out;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	(void)state;

	assert_int_equal(mbl_cmp_junit(f, in, 2, c, nc), 0);
	out = captured(f, &buf);
	assert_non_null(strstr(out, "<testsuites name=\"mediablast compare\" tests=\"3\" failures=\"2\""));
	assert_non_null(strstr(out, "<testsuite name=\"mediablast compare\" tests=\"3\" failures=\"2\""));
	assert_int_equal(count(out, "<testcase "), 3);
	assert_int_equal(count(out, "<failure "), 2);
	assert_int_equal(count(out, "</failure>"), 2);
	assert_non_null(strstr(out, "type=\"not measured\" message=\"not measured in r"));
	assert_non_null(strstr(out, "name=\"setup_ms.p99&lt;=20\""));
	assert_non_null(strstr(out, "value=\"base&lt;&amp;&gt;.json\""));
	assert_non_null(strstr(out, "file=\"r&quot;un&apos;.json\""));
	/* a control byte and a lone 0xff become '?', valid UTF-8 passes */
	assert_non_null(strstr(out, "classname=\"r??\xc3\xa9n\""));
	assert_non_null(strstr(out, "-&gt; 15 ms"));
	free(buf);
	for (unsigned k = 0; k < 2; k++)
		mbl_jv_free(in[k].root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_eval_lower_better),
		cmocka_unit_test(test_eval_higher_better),
		cmocka_unit_test(test_eval_missing_and_zero),
		cmocka_unit_test(test_diff_fmt),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_junit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
