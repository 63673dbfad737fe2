/* SPDX-License-Identifier: BSD-3-Clause
 * SVG chart tests: scales and ticks stay sane for every range (one value,
 * all zero, NaN, huge, tiny, negative, log), labels read well, and every
 * chart is well-formed XML with its title, axes and legend, whatever the
 * data (no series, one point, gaps, absent values, a day of samples) and
 * whatever the names (escaped, bad UTF-8 replaced).
 */
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

#include "mbl_html.h"
#include "html_test_util.h"

struct cap {
	char *buf;
	size_t len;
	FILE *f;
};

static void cap_open(struct cap *c)
{
	c->buf = NULL;
	c->f = open_memstream(&c->buf, &c->len);
	assert_non_null(c->f);
}

/* Close, and check the output is one well-formed element. */
static char *cap_svg(struct cap *c)
{
	char why[160];

	fclose(c->f);
	if (!tu_xml_ok(c->buf, c->len, why, sizeof(why)))
		fail_msg("%s\n%.2000s", why, c->buf);
	assert_null(strstr(c->buf, "nan"));
	assert_null(strstr(c->buf, "inf"));
	return c->buf;
}

/* The checker itself refuses what is not XML (so a pass means something). */
static void test_checker(void **state)
{
	static const char *const bad[] = {
		"<a><b></a>", "<a x=1/>", "<a>&</a>", "<a>x</a><b/>", "<a>\x01</a>",
		"<polyline points=\"1,2<circle/>\"/>", "<a>", "text", "<a x=\"1\"y=\"2\"/>",
	};
	const char *good = "<a k=\"&amp;&#39;\"> <b/>t&lt;</a>\n";
	char why[160];
	(void)state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (tu_xml_ok(bad[i], strlen(bad[i]), why, sizeof(why)))
			fail_msg("checker took '%s'", bad[i]);
	assert_true(tu_xml_ok(good, strlen(good), why, sizeof(why)));
}

static void scale_sane(double lo, double hi, bool log)
{
	struct mbl_svg_scale s;

	mbl_svg_scale(&s, lo, hi, 6, log);
	assert_true(isfinite(s.lo) && isfinite(s.hi) && s.lo < s.hi);
	assert_true(s.n_ticks >= 2 && s.n_ticks <= MBL_SVG_TICKS_MAX);
	for (unsigned i = 0; i < s.n_ticks; i++) {
		assert_true(s.tick[i] >= s.lo - fabs(s.lo) * 1e-12 &&
			    s.tick[i] <= s.hi + fabs(s.hi) * 1e-12);
		if (i > 0)
			assert_true(s.tick[i] > s.tick[i - 1]);
	}
	if (isfinite(lo) && isfinite(hi)) { /* the data inside */
		assert_true(s.lo <= fmin(lo, hi) && s.hi >= fmax(lo, hi));
	}
}

static void test_scale_linear(void **state)
{
	struct mbl_svg_scale s;
	(void)state;

	mbl_svg_scale(&s, 0, 97, 6, false);
	assert_true(s.lo == 0 && s.hi == 100 && s.step == 20 && s.n_ticks == 6);
	mbl_svg_scale(&s, 0, 0, 6, false); /* all zero: around it */
	assert_true(s.lo < 0 && s.hi > 0);
	mbl_svg_scale(&s, 5, 5, 6, false); /* one value: a tick at it */
	assert_true(s.lo < 5 && s.hi > 5);
	mbl_svg_scale(&s, NAN, 3, 6, false);
	assert_true(s.lo == 0 && s.hi == 1);
	mbl_svg_scale(&s, 10, -10, 6, false); /* swapped */
	assert_true(s.lo == -10 && s.hi == 10);
	scale_sane(0, 1e15, false);
	scale_sane(-1e300, 1e300, false);
	scale_sane(1e16, 1e16 + 2, false); /* one value at double precision */
	scale_sane(0, 1e-7, false);
	scale_sane(-3.5, -3.49, false);
	scale_sane(INFINITY, 1, false);
	/* any range: sane */
	srand(7);
	for (int i = 0; i < 2000; i++) {
		double a = (rand() / (double)RAND_MAX - 0.5) * pow(10, rand() % 40 - 20);
		double b = a + (rand() / (double)RAND_MAX) * pow(10, rand() % 40 - 20);

		scale_sane(a, b, false);
		scale_sane(fabs(a) + 1e-30, fabs(b) + 1e-30, true);
	}
}

static void test_scale_log(void **state)
{
	struct mbl_svg_scale s;
	(void)state;

	mbl_svg_scale(&s, 0.078, 10.3, 6, true);
	assert_true(s.log && s.lo == 0.01 && s.hi == 100);
	assert_int_equal(s.n_ticks, 5);
	assert_true(mbl_svg_pos(&s, 1) == 0.5);
	mbl_svg_scale(&s, 2, 30, 6, true); /* few decades: 1, 2, 5 inside */
	assert_true(s.lo == 1 && s.hi == 100 && s.n_ticks == 7);
	mbl_svg_scale(&s, 0, 30, 6, true); /* not positive: linear */
	assert_false(s.log);
	mbl_svg_scale(&s, 1e-300, 1e300, 6, true);
	assert_true(s.log && s.n_ticks <= MBL_SVG_TICKS_MAX);
	assert_true(mbl_svg_pos(&s, -1) == 0 && mbl_svg_pos(&s, 1e308) == 1);
}

static void label_is(double lo, double hi, bool log, double v, const char *want)
{
	struct mbl_svg_scale s;
	char b[48];

	mbl_svg_scale(&s, lo, hi, 6, log);
	assert_string_equal(mbl_svg_label(&s, v, b, sizeof(b)), want);
}

static void test_labels(void **state)
{
	(void)state;
	label_is(0, 1, false, 0.4, "0.4");
	label_is(0, 0.05, false, 0.02, "0.02");
	label_is(0, 97, false, 40, "40");
	label_is(0, 120000, false, 40000, "40k");
	label_is(0, 2.5e9, false, 1.5e9, "1.5G");
	label_is(0, 1e-7, false, 2e-8, "2e-08");
	label_is(-1, 1, false, -1e-17, "0.0"); /* never "-0.0" */
	label_is(0.01, 100, true, 0.01, "0.01");
	label_is(1, 1e6, true, 1e5, "100k");
	label_is(0, 1e300, false, 5e299, "5e+299");
}

static const struct mbl_svg_chart chart = {
	.id = "c1", .title = "Calls <per> second & more", .x_label = "time", .x_unit = "s",
	.y_label = "calls", .y_unit = "1/s", .y_min = NAN, .y_max = NAN,
};

static void test_lines_empty(void **state)
{
	struct mbl_svg_series s = { .name = "A", .n = 0 };
	struct cap c;
	char *o;
	(void)state;

	cap_open(&c);
	assert_int_equal(mbl_svg_lines(c.f, &chart, NULL, 0), 0);
	o = cap_svg(&c);
	assert_non_null(strstr(o, "no data"));
	assert_non_null(strstr(o, "<title>Calls &lt;per&gt; second &amp; more</title>"));
	assert_non_null(strstr(o, "time (s)"));
	assert_non_null(strstr(o, "id=\"c1\""));
	free(o);
	cap_open(&c); /* a series with no point: the legend names it, no line */
	assert_int_equal(mbl_svg_lines(c.f, &chart, &s, 1), 0);
	o = cap_svg(&c);
	assert_non_null(strstr(o, "no data"));
	assert_int_equal(tu_count(o, "class=\"legend-item\""), 1);
	assert_int_equal(tu_count(o, "<polyline"), 0);
	free(o);
}

static void test_lines_one_point_and_zero(void **state)
{
	double x[] = { 1 }, y[] = { 0 }, x3[] = { 0, 1, 2 }, z3[] = { 0, 0, 0 };
	struct mbl_svg_series one = { .name = "one", .x = x, .y = y, .n = 1 };
	struct mbl_svg_series zero = { .name = "zero", .x = x3, .y = z3, .n = 3, .colour = 1 };
	struct cap c;
	char *o;
	(void)state;

	cap_open(&c);
	assert_int_equal(mbl_svg_lines(c.f, &chart, &one, 1), 0);
	o = cap_svg(&c);
	assert_int_equal(tu_count(o, "<circle"), 1); /* a lone point shows */
	assert_null(strstr(o, "no data"));
	free(o);
	cap_open(&c); /* all zero: the axis from 0 up, no negative tick */
	assert_int_equal(mbl_svg_lines(c.f, &chart, &zero, 1), 0);
	o = cap_svg(&c);
	assert_null(strstr(o, ">-"));
	assert_non_null(strstr(o, ">1.0</text>"));
	assert_non_null(strstr(o, mbl_svg_colour(1)));
	free(o);
}

static void test_lines_gaps_huge(void **state)
{
	double x[] = { 0, 1, 2, 3, 4, 5, 6 };
	double y[] = { 1, 2, NAN, 3, 1e301, 4, INFINITY };
	double big[] = { 1e15, 2e15, 3e15, 2e15, 1e15, 0, 1e15 };
	struct mbl_svg_series s[] = {
		{ .name = "gaps", .x = x, .y = y, .n = 7, .dash = MBL_SVG_DASHED },
		{ .name = "huge", .x = x, .y = big, .n = 7, .colour = 2, .dash = MBL_SVG_DOTTED },
	};
	struct cap c;
	char *o;
	(void)state;

	cap_open(&c);
	assert_int_equal(mbl_svg_lines(c.f, &chart, s, 2), 0);
	o = cap_svg(&c);
	/* 1 2 | 3 | 4 |: three stretches for the first, one for the second */
	assert_int_equal(tu_count(o, "<polyline"), 4);
	assert_non_null(strstr(o, "stroke-dasharray=\"7 4\""));
	assert_non_null(strstr(o, "stroke-dasharray=\"2 3\""));
	assert_non_null(strstr(o, "P</text>")); /* 3e15 on a P axis */
	assert_int_equal(tu_count(o, "class=\"legend-item\""), 2);
	free(o);
}

static void test_lines_day(void **state)
{
	size_t n = 86400;
	double *x = malloc(n * sizeof(*x)), *y = malloc(n * sizeof(*y));
	struct mbl_svg_series s = { .name = "a day", .x = x, .y = y, .n = n };
	struct cap c;
	char *o;
	(void)state;

	for (size_t i = 0; i < n; i++) {
		x[i] = (double)i;
		y[i] = (double)(i % 97);
	}
	cap_open(&c);
	assert_int_equal(mbl_svg_lines(c.f, &chart, &s, 1), 0);
	o = cap_svg(&c);
	/* a couple of points per pixel column, not 86,400 */
	assert_true(c.len < 64 * 1024);
	assert_int_equal(tu_count(o, "<circle"), 0);
	free(o);
	free(x);
	free(y);
}

static void test_escaping(void **state)
{
	double x[] = { 0, 1 }, y[] = { 1, 2 };
	struct mbl_svg_series s = { .name = "<script>alert('x')</script> & \"q\" \x01\xff\xc3(",
				    .x = x, .y = y, .n = 2 };
	struct mbl_svg_chart ch = chart;
	struct cap c;
	char *o;
	(void)state;

	ch.id = "a\"b";
	ch.y_unit = "\xc2\xb5s";
	cap_open(&c);
	assert_int_equal(mbl_svg_lines(c.f, &ch, &s, 1), 0);
	o = cap_svg(&c);
	assert_null(strstr(o, "<script"));
	assert_non_null(strstr(o, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; "
				  "&quot;q&quot; \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd("));
	assert_non_null(strstr(o, "id=\"a&quot;b\""));
	assert_non_null(strstr(o, "(\xc2\xb5s)")); /* UTF-8 kept */
	free(o);
}

static void test_steps(void **state)
{
	double e[] = { 0.1, 1, 10, 100 }, v[] = { 10, NAN, 90 };
	double e2[] = { 0.5, 5 }, v2[] = { 100 };
	struct mbl_svg_bins b[] = {
		{ .name = "A", .edges = e, .v = v, .n = 3 },
		{ .name = "B", .colour = 1, .edges = e2, .v = v2, .n = 1 },
	};
	struct mbl_svg_chart ch = chart;
	struct cap c;
	char *o;
	(void)state;

	ch.x_log = true;
	cap_open(&c);
	assert_int_equal(mbl_svg_steps(c.f, &ch, b, 2), 0);
	o = cap_svg(&c);
	assert_int_equal(tu_count(o, "<path class=\"series\""), 2);
	assert_non_null(strstr(o, ">0.1</text>"));
	assert_non_null(strstr(o, ">100</text>"));
	assert_int_equal(tu_count(o, "class=\"legend-item\""), 2);
	free(o);
	cap_open(&c);
	assert_int_equal(mbl_svg_steps(c.f, &ch, NULL, 0), 0);
	free(cap_svg(&c));
}

static void test_bars(void **state)
{
	static const char *const cats[] = { "p50", "p99", "<max>" };
	double x[] = { 0, 1, 2 }, a[] = { 1, 2, 3 }, b[] = { NAN, 4, -1 };
	struct mbl_svg_series s[] = {
		{ .name = "A", .x = x, .y = a, .n = 3 },
		{ .name = "B", .colour = 1, .x = x, .y = b, .n = 3 },
	};
	struct cap c;
	char *o;
	(void)state;

	cap_open(&c);
	assert_int_equal(mbl_svg_bars(c.f, &chart, cats, 3, s, 2), 0);
	o = cap_svg(&c);
	assert_int_equal(tu_count(o, "<rect class=\"series\""), 5); /* one absent */
	assert_non_null(strstr(o, "&lt;max&gt;"));
	assert_non_null(strstr(o, ">-1</text>")); /* a negative value: the axis goes there */
	free(o);
}

static void test_errors(void **state)
{
	FILE *ro = fopen("/dev/null", "r");
	double x[] = { 0 };
	struct mbl_svg_series s = { .name = "A", .x = x, .y = x, .n = 1 };
	(void)state;

	assert_int_equal(mbl_svg_lines(NULL, &chart, &s, 1), -EINVAL);
	assert_int_equal(mbl_svg_lines(stdout, NULL, &s, 1), -EINVAL);
	assert_int_equal(mbl_svg_lines(stdout, &chart, NULL, 1), -EINVAL);
	assert_int_equal(mbl_svg_steps(stdout, &chart, NULL, 1), -EINVAL);
	assert_int_equal(mbl_svg_bars(stdout, &chart, NULL, 1, &s, 1), -EINVAL);
	assert_non_null(ro); /* a stream that refuses writes */
	assert_int_equal(mbl_svg_lines(ro, &chart, &s, 1), -EIO);
	fclose(ro);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checker),
		cmocka_unit_test(test_scale_linear),
		cmocka_unit_test(test_scale_log),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_lines_empty),
		cmocka_unit_test(test_lines_one_point_and_zero),
		cmocka_unit_test(test_lines_gaps_huge),
		cmocka_unit_test(test_lines_day),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_steps),
		cmocka_unit_test(test_bars),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
