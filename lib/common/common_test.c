/* SPDX-License-Identifier: BSD-3-Clause
 * Common helper tests: the streaming JSON writer (exact output, escaping,
 * non-finite doubles, pretty and compact), address parsing and formatting,
 * TSC <-> ns conversion, the monotonic clock, and the rate-limited log
 * (stderr captured through a temporary file dup2'ed onto fd 2). */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "mbl_common.h"

/* ---- JSON writer ------------------------------------------------------- */

typedef void (*json_fill_fn)(struct mbl_json *j);

/* Run fill against a memory FILE; returns the malloc'ed output. */
static char *json_render(json_fill_fn fill, bool pretty)
{
	struct mbl_json j;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	mbl_json_init(&j, f, pretty);
	fill(&j);
	assert_int_equal(fclose(f), 0);
	assert_non_null(buf);
	assert_int_equal(strlen(buf), len);
	return buf;
}

/* A tiny structural check: brackets balance and nest, strings close, no raw
 * control character inside a string, nothing but whitespace after the top
 * value. Returns 0 when the text passes. */
static int json_balanced(const char *s)
{
	char stack[64];
	int depth = 0;
	bool in_str = false, seen_top = false;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (in_str) {
			if (c < 0x20)
				return -1;
			if (c == '\\') {
				if (!s[1])
					return -1;
				s++;
			} else if (c == '"') {
				in_str = false;
			}
			continue;
		}
		if (seen_top && depth == 0 && c != '\n' && c != ' ')
			return -1;
		switch (c) {
		case '"':
			in_str = true;
			break;
		case '{':
		case '[':
			if (depth == (int)sizeof(stack))
				return -1;
			stack[depth++] = (char)c;
			break;
		case '}':
		case ']':
			if (depth == 0 || stack[depth - 1] != (c == '}' ? '{' : '['))
				return -1;
			if (--depth == 0)
				seen_top = true;
			break;
		default:
			break;
		}
	}
	return in_str || depth != 0 || !seen_top ? -1 : 0;
}

static void fill_nested(struct mbl_json *j)
{
	mbl_json_obj_open(j, NULL);
	mbl_json_u64(j, "a", 1);
	mbl_json_arr_open(j, "b");
	mbl_json_u64(j, NULL, 1);
	mbl_json_i64(j, NULL, -2);
	mbl_json_obj_open(j, NULL);
	mbl_json_bool(j, "t", true);
	mbl_json_bool(j, "f", false);
	mbl_json_obj_close(j);
	mbl_json_arr_close(j);
	mbl_json_obj_open(j, "c");
	mbl_json_obj_close(j);
	mbl_json_arr_open(j, "e");
	mbl_json_arr_close(j);
	mbl_json_null(j, "n");
	mbl_json_str(j, "s", "x");
	mbl_json_obj_close(j);
}

static void test_json_nested_compact(void **state)
{
	char *out;

	(void)state;
	out = json_render(fill_nested, false);
	assert_string_equal(out, "{\"a\":1,\"b\":[1,-2,{\"t\":true,\"f\":false}],"
				 "\"c\":{},\"e\":[],\"n\":null,\"s\":\"x\"}");
	assert_int_equal(json_balanced(out), 0);
	free(out);
}

/* Pretty: two spaces per level, ": " after keys, empty containers stay on
 * one line, a newline after the top-level value. */
static void test_json_nested_pretty(void **state)
{
	char *out;

	(void)state;
	out = json_render(fill_nested, true);
	assert_string_equal(out,
		"{\n"
		"  \"a\": 1,\n"
		"  \"b\": [\n"
		"    1,\n"
		"    -2,\n"
		"    {\n"
		"      \"t\": true,\n"
		"      \"f\": false\n"
		"    }\n"
		"  ],\n"
		"  \"c\": {},\n"
		"  \"e\": [],\n"
		"  \"n\": null,\n"
		"  \"s\": \"x\"\n"
		"}\n");
	assert_int_equal(json_balanced(out), 0);
	free(out);
}

static void fill_top_array(struct mbl_json *j)
{
	mbl_json_arr_open(j, NULL);
	mbl_json_arr_open(j, NULL);
	mbl_json_arr_close(j);
	mbl_json_obj_open(j, NULL);
	mbl_json_arr_open(j, "deep");
	mbl_json_arr_open(j, NULL);
	mbl_json_u64(j, NULL, 7);
	mbl_json_arr_close(j);
	mbl_json_arr_close(j);
	mbl_json_obj_close(j);
	mbl_json_arr_close(j);
}

static void test_json_top_array(void **state)
{
	char *out;

	(void)state;
	out = json_render(fill_top_array, false);
	assert_string_equal(out, "[[],{\"deep\":[[7]]}]");
	assert_int_equal(json_balanced(out), 0);
	free(out);
	out = json_render(fill_top_array, true);
	assert_string_equal(out,
		"[\n"
		"  [],\n"
		"  {\n"
		"    \"deep\": [\n"
		"      [\n"
		"        7\n"
		"      ]\n"
		"    ]\n"
		"  }\n"
		"]\n");
	assert_int_equal(json_balanced(out), 0);
	free(out);
}

static void fill_numbers(struct mbl_json *j)
{
	mbl_json_obj_open(j, NULL);
	mbl_json_u64(j, "u0", 0);
	mbl_json_u64(j, "umax", UINT64_MAX);
	mbl_json_i64(j, "imin", INT64_MIN);
	mbl_json_i64(j, "imax", INT64_MAX);
	mbl_json_dbl(j, "d0", 0.0);
	mbl_json_dbl(j, "half", 1.5);
	mbl_json_dbl(j, "neg", -0.25);
	mbl_json_dbl(j, "big", 1e20);
	mbl_json_dbl(j, "sig", 3.14159265);
	mbl_json_dbl(j, "nan", NAN);
	mbl_json_dbl(j, "inf", INFINITY);
	mbl_json_dbl(j, "ninf", -INFINITY);
	mbl_json_obj_close(j);
}

/* %.6g for doubles; NaN and infinities have no JSON spelling: null. */
static void test_json_numbers(void **state)
{
	char *out;

	(void)state;
	out = json_render(fill_numbers, false);
	assert_string_equal(out, "{\"u0\":0,\"umax\":18446744073709551615,"
				 "\"imin\":-9223372036854775808,"
				 "\"imax\":9223372036854775807,\"d0\":0,\"half\":1.5,"
				 "\"neg\":-0.25,\"big\":1e+20,\"sig\":3.14159,"
				 "\"nan\":null,\"inf\":null,\"ninf\":null}");
	assert_int_equal(json_balanced(out), 0);
	free(out);
}

static void fill_strings(struct mbl_json *j)
{
	mbl_json_obj_open(j, NULL);
	mbl_json_str(j, "q", "say \"hi\"");
	mbl_json_str(j, "bs", "a\\b");
	mbl_json_str(j, "ctl", "\n\t\r\b\f\x01\x1f");
	mbl_json_str(j, "edge", "\x7f\xc3\xa9/");
	mbl_json_str(j, "null", NULL);
	mbl_json_str(j, "empty", "");
	mbl_json_str(j, "k\"\\\n", "v");
	mbl_json_obj_close(j);
}

/* RFC 8259 7: quote and backslash are escaped, every control character
 * below 0x20 becomes \u00XX; DEL, UTF-8 and '/' pass unchanged; a NULL
 * string is written as "". Keys are escaped the same way. */
static void test_json_strings(void **state)
{
	char *out;

	(void)state;
	out = json_render(fill_strings, false);
	assert_string_equal(out,
		"{\"q\":\"say \\\"hi\\\"\",\"bs\":\"a\\\\b\","
		"\"ctl\":\"\\u000a\\u0009\\u000d\\u0008\\u000c\\u0001\\u001f\","
		"\"edge\":\"\x7f\xc3\xa9/\",\"null\":\"\",\"empty\":\"\","
		"\"k\\\"\\\\\\u000a\":\"v\"}");
	assert_int_equal(json_balanced(out), 0);
	free(out);
}

/* The checker itself must reject what it is there to catch. */
static void test_json_checker(void **state)
{
	(void)state;
	assert_int_equal(json_balanced("{\"a\":[1,{}]}\n"), 0);
	assert_int_equal(json_balanced("{\"a\":\"}\"}"), 0);
	assert_int_equal(json_balanced("{\"a\":\"\\\"}\"}"), 0);
	assert_int_equal(json_balanced("{"), -1);
	assert_int_equal(json_balanced("{]"), -1);
	assert_int_equal(json_balanced("{}}"), -1);
	assert_int_equal(json_balanced("{\"a}"), -1);
	assert_int_equal(json_balanced("{\"\n\"}"), -1);
	assert_int_equal(json_balanced("{}{}"), -1);
	assert_int_equal(json_balanced(""), -1);
}

/* ---- addresses --------------------------------------------------------- */

static void test_parse_ip4(void **state)
{
	static const uint8_t want[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
					  198, 18, 0, 1 };
	uint8_t ip[16];
	char buf[64];

	(void)state;
	memset(ip, 0xaa, sizeof(ip));
	assert_int_equal(mbl_parse_ip("198.18.0.1", ip), 4);
	assert_memory_equal(ip, want, 16);
	assert_string_equal(mbl_fmt_ip(4, ip, buf, sizeof(buf)), "198.18.0.1");
	assert_ptr_equal(mbl_fmt_ip(4, ip, buf, sizeof(buf)), buf);
	assert_int_equal(mbl_parse_ip("0.0.0.0", ip), 4);
	assert_int_equal(ip[10], 0xff);
	assert_int_equal(ip[15], 0);
	assert_int_equal(mbl_parse_ip("255.255.255.255", ip), 4);
	assert_string_equal(mbl_fmt_ip(4, ip, buf, sizeof(buf)), "255.255.255.255");
}

static void test_parse_ip6(void **state)
{
	static const uint8_t want[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
					  0, 0, 0, 0, 0, 0, 0, 1 };
	/* canonical (RFC 5952) forms survive parse + format unchanged */
	static const char *const canon[] = {
		"2001:db8::1", "::1", "::", "fe80::1:2", "2001:db8:0:1:1:1:1:1",
		"ff02::1:ff00:1",
	};
	uint8_t ip[16];
	char buf[64];

	(void)state;
	assert_int_equal(mbl_parse_ip("2001:db8::1", ip), 6);
	assert_memory_equal(ip, want, 16);
	assert_int_equal(mbl_parse_ip("2001:DB8:0:0:0:0:0:1", ip), 6);
	assert_memory_equal(ip, want, 16);
	assert_string_equal(mbl_fmt_ip(6, ip, buf, sizeof(buf)), "2001:db8::1");
	for (size_t i = 0; i < MBL_ARRAY_SIZE(canon); i++) {
		assert_int_equal(mbl_parse_ip(canon[i], ip), 6);
		assert_string_equal(mbl_fmt_ip(6, ip, buf, sizeof(buf)), canon[i]);
	}
	/* a v4-mapped IPv6 literal is family 6 with the same bytes as the
	 * IPv4 form */
	{
		uint8_t v4[16];

		assert_int_equal(mbl_parse_ip("198.18.0.1", v4), 4);
		assert_int_equal(mbl_parse_ip("::ffff:198.18.0.1", ip), 6);
		assert_memory_equal(ip, v4, 16);
	}
}

static void test_parse_ip_garbage(void **state)
{
	static const char *const bad[] = {
		"", "abc", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1.2.3.4 ", " 1.2.3.4",
		"1.2.3.-1", "2001:db8::1::2", "2001:db8:::1", "12345::1", "::g",
		"198.18.0.1/24", "[::1]", "1:2:3:4:5:6:7:8:9",
	};
	uint8_t ip[16];

	(void)state;
	for (size_t i = 0; i < MBL_ARRAY_SIZE(bad); i++)
		assert_int_equal(mbl_parse_ip(bad[i], ip), -EINVAL);
}

/* ---- time -------------------------------------------------------------- */

static void test_tsc_zero_and_one_second(void **state)
{
	(void)state;
	mbl_tsc_set_hz(2100000000ULL);
	assert_int_equal(mbl_tsc_hz, 2100000000ULL);
	assert_int_equal(mbl_tsc_to_ns(0), 0);
	assert_int_equal(mbl_ns_to_tsc(0), 0);
	assert_int_equal(mbl_ns_to_tsc(MBL_NS_PER_S), 2100000000ULL);
	/* 32.32 fixed point truncates: at most 1 ns short per second */
	assert_true(mbl_tsc_to_ns(2100000000ULL) <= MBL_NS_PER_S);
	assert_true(mbl_tsc_to_ns(2100000000ULL) >= MBL_NS_PER_S - 1);
}

/* Round trips lose at most 1 ns per second of span (the multiplier's
 * truncation) plus 1 ns (the cycle lost by ns_to_tsc's truncation). */
static void test_tsc_round_trip(void **state)
{
	static const uint64_t spans_ns[] = {
		1, 476, 1000, 999999, 20000000, MBL_NS_PER_S, 7 * MBL_NS_PER_S + 123,
		3600 * MBL_NS_PER_S, 86400 * MBL_NS_PER_S + 987654321,
		365 * 86400 * MBL_NS_PER_S,
	};

	(void)state;
	mbl_tsc_set_hz(2100000000ULL);
	for (size_t i = 0; i < MBL_ARRAY_SIZE(spans_ns); i++) {
		uint64_t ns = spans_ns[i];
		uint64_t back = mbl_tsc_to_ns(mbl_ns_to_tsc(ns));
		uint64_t tol = ns / MBL_NS_PER_S + 1;

		assert_true(back <= ns);
		assert_true(ns - back <= tol);
	}
	/* and the other way: cycles -> ns -> cycles within the same bound,
	 * expressed in cycles (2.1 per ns) */
	for (uint64_t tsc = 1; tsc < (1ULL << 60); tsc = tsc * 3 + 17) {
		uint64_t back = mbl_ns_to_tsc(mbl_tsc_to_ns(tsc));
		uint64_t tol = (mbl_tsc_to_ns(tsc) / MBL_NS_PER_S + 1) * 3 + 1;

		assert_true(back <= tsc);
		assert_true(tsc - back <= tol);
	}
}

static void test_tsc_monotonic(void **state)
{
	uint64_t prev_ns = 0, prev_tsc = 0;

	(void)state;
	mbl_tsc_set_hz(2100000000ULL);
	for (uint64_t x = 0; x < 200000; x++) {
		uint64_t v = x * 7919 + (x >> 3) * 1000003;
		uint64_t ns = mbl_tsc_to_ns(v), tsc = mbl_ns_to_tsc(v);

		assert_true(ns >= prev_ns);
		assert_true(tsc >= prev_tsc);
		prev_ns = ns;
		prev_tsc = tsc;
	}
}

/* The measured rate is plausible for any x86 machine (100 MHz..10 GHz). */
static void test_tsc_init(void **state)
{
	(void)state;
	mbl_tsc_init();
	assert_true(mbl_tsc_hz > 100000000ULL);
	assert_true(mbl_tsc_hz < 10000000000ULL);
	assert_true(mbl_tsc_to_ns(mbl_tsc_hz) <= MBL_NS_PER_S);
	assert_true(mbl_tsc_to_ns(mbl_tsc_hz) >= MBL_NS_PER_S - 1);
	mbl_tsc_set_hz(2100000000ULL);
}

static void test_time_ns_monotonic(void **state)
{
	struct timespec d = {.tv_nsec = 10 * 1000 * 1000};
	uint64_t prev = mbl_time_ns(), t0;

	(void)state;
	assert_true(prev > 0);
	for (int i = 0; i < 100000; i++) {
		uint64_t now = mbl_time_ns();

		assert_true(now >= prev);
		prev = now;
	}
	t0 = mbl_time_ns();
	nanosleep(&d, NULL);
	assert_true(mbl_time_ns() - t0 >= 10 * 1000 * 1000);
}

/* ---- rate-limited log -------------------------------------------------- */

struct err_capture {
	int saved;
	FILE *tmp;
};

static void capture_start(struct err_capture *c)
{
	fflush(stderr);
	c->tmp = tmpfile();
	assert_non_null(c->tmp);
	c->saved = dup(STDERR_FILENO);
	assert_true(c->saved >= 0);
	assert_true(dup2(fileno(c->tmp), STDERR_FILENO) >= 0);
}

/* Restores fd 2 and returns the captured text (malloc'ed). */
static char *capture_stop(struct err_capture *c)
{
	long n;
	char *buf;

	fflush(stderr);
	assert_true(dup2(c->saved, STDERR_FILENO) >= 0);
	close(c->saved);
	/* fd 2 shared the file offset: the end is what was written */
	n = lseek(fileno(c->tmp), 0, SEEK_END);
	assert_true(n >= 0);
	buf = calloc(1, (size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(pread(fileno(c->tmp), buf, (size_t)n, 0), n);
	fclose(c->tmp);
	return buf;
}

static unsigned count_lines(const char *s)
{
	unsigned n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* One call site, called from a loop: the macro's statics belong to it. */
static void log_site_a(int i)
{
	MBL_LOG_RL(MBL_LOG_WARN, "site a %d", i);
}

static void log_site_b(int i)
{
	MBL_LOG_RL(MBL_LOG_WARN, "site b %d", i);
}

/* a pool is zeroed, writable end to end, and an odd size is fine */
static void test_pool_alloc(void **state)
{
	size_t sizes[] = {1, 4096, (2u << 20) + 17, 9u << 20};

	(void)state;
	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint8_t *p = mbl_pool_alloc(sizes[i], i % 2 == 1);

		assert_non_null(p);
		assert_int_equal(p[0], 0);
		assert_int_equal(p[sizes[i] - 1], 0);
		assert_int_equal(p[sizes[i] / 2], 0);
		memset(p, 0xa5, sizes[i]);
		assert_int_equal(p[sizes[i] - 1], 0xa5);
		mbl_pool_free(p, sizes[i]);
	}
	mbl_pool_free(NULL, 0);
}

static void test_log_rl(void **state)
{
	struct err_capture c;
	struct timespec d = {.tv_sec = 1, .tv_nsec = 50 * 1000 * 1000};
	uint64_t t0;
	char *out;

	(void)state;
	mbl_log_set_level(MBL_LOG_INFO);
	capture_start(&c);
	t0 = mbl_time_ns();
	for (int i = 0; i < 1000; i++)
		log_site_a(i);
	out = capture_stop(&c);
	/* the loop must fit inside the one-second window it tests */
	assert_true(mbl_time_ns() - t0 < MBL_NS_PER_S);
	assert_int_equal(count_lines(out), 1);
	assert_string_equal(out, "mediablast: WARN: site a 0\n");
	free(out);

	/* another call site has its own window */
	capture_start(&c);
	for (int i = 0; i < 1000; i++) {
		log_site_a(i);
		log_site_b(i);
	}
	out = capture_stop(&c);
	assert_string_equal(out, "mediablast: WARN: site b 0\n");
	free(out);

	/* a second later the next call logs, after the count of what was
	 * suppressed in between (999 + 1000 for site a) */
	nanosleep(&d, NULL);
	capture_start(&c);
	log_site_a(5);
	log_site_a(6);
	out = capture_stop(&c);
	assert_string_equal(out, "mediablast: WARN: (1999 similar lines suppressed)\n"
				 "mediablast: WARN: site a 5\n");
	free(out);

	/* below the level: nothing at all */
	mbl_log_set_level(MBL_LOG_ERR);
	capture_start(&c);
	mbl_log(MBL_LOG_WARN, "hidden");
	mbl_log(MBL_LOG_ERR, "shown %s", "x");
	out = capture_stop(&c);
	assert_string_equal(out, "mediablast: ERR: shown x\n");
	free(out);
	mbl_log_set_level(MBL_LOG_INFO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_nested_compact),
		cmocka_unit_test(test_json_nested_pretty),
		cmocka_unit_test(test_json_top_array),
		cmocka_unit_test(test_json_numbers),
		cmocka_unit_test(test_json_strings),
		cmocka_unit_test(test_json_checker),
		cmocka_unit_test(test_parse_ip4),
		cmocka_unit_test(test_parse_ip6),
		cmocka_unit_test(test_parse_ip_garbage),
		cmocka_unit_test(test_tsc_zero_and_one_second),
		cmocka_unit_test(test_tsc_round_trip),
		cmocka_unit_test(test_tsc_monotonic),
		cmocka_unit_test(test_tsc_init),
		cmocka_unit_test(test_time_ns_monotonic),
		cmocka_unit_test(test_log_rl),
		cmocka_unit_test(test_pool_alloc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
