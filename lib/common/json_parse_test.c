/* SPDX-License-Identifier: BSD-3-Clause
 * JSON reader tests: what the writer writes reads back the same (every
 * type, escapes, nesting, non-finite doubles written as null); paths into
 * objects and arrays; each grammar error refused with its line and column;
 * escapes and surrogate pairs decoded to UTF-8; the depth bound; files. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "mbl_common.h"

static const struct mbl_jv *parse_ok(const char *s)
{
	char err[128] = "";
	const struct mbl_jv *r = mbl_jv_parse(s, strlen(s), err, sizeof(err));

	if (r == NULL)
		fail_msg("'%s' refused: %s", s, err);
	return r;
}

static void refused(const char *s, const char *want)
{
	char err[128] = "";

	errno = 0;
	assert_null(mbl_jv_parse(s, strlen(s), err, sizeof(err)));
	assert_int_equal(errno, EINVAL);
	if (strstr(err, want) == NULL)
		fail_msg("'%s': error '%s' lacks '%s'", s, err, want);
}

static void test_writer_roundtrip(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct mbl_json j;
	const struct mbl_jv *r, *a;
	(void)state;

	assert_non_null(f);
	mbl_json_init(&j, f, true);
	mbl_json_obj_open(&j, NULL);
	mbl_json_u64(&j, "u", UINT64_C(1234567890123));
	mbl_json_i64(&j, "i", -42);
	mbl_json_dbl(&j, "d", 0.125);
	mbl_json_dbl(&j, "nan", 0.0 / 0.0);
	mbl_json_str(&j, "s", "quote \" back \\ tab \t nl \n ctl \x01 utf8 \xc3\xa9");
	mbl_json_bool(&j, "t", true);
	mbl_json_bool(&j, "f", false);
	mbl_json_null(&j, "z");
	mbl_json_obj_open(&j, "o");
	mbl_json_arr_open(&j, "a");
	for (int k = 0; k < 3; k++) {
		mbl_json_obj_open(&j, NULL);
		mbl_json_u64(&j, "k", (uint64_t)k * 10);
		mbl_json_obj_close(&j);
	}
	mbl_json_arr_close(&j);
	mbl_json_arr_open(&j, "empty");
	mbl_json_arr_close(&j);
	mbl_json_obj_close(&j);
	mbl_json_obj_close(&j);
	assert_int_equal(fclose(f), 0);

	r = parse_ok(buf);
	assert_int_equal(r->type, MBL_JV_OBJ);
	assert_int_equal(r->len, 9);
	assert_true(mbl_jv_num(mbl_jv_get(r, "u"), 0) == 1234567890123.0);
	assert_true(mbl_jv_num(mbl_jv_get(r, "i"), 0) == -42.0);
	assert_true(mbl_jv_num(mbl_jv_get(r, "d"), 0) == 0.125);
	assert_int_equal(mbl_jv_get(r, "nan")->type, MBL_JV_NULL);
	assert_true(mbl_jv_num(mbl_jv_get(r, "nan"), -1) == -1);
	assert_string_equal(mbl_jv_str(mbl_jv_get(r, "s"), ""),
			    "quote \" back \\ tab \t nl \n ctl \x01 utf8 \xc3\xa9");
	assert_true(mbl_jv_bool(mbl_jv_get(r, "t"), false));
	assert_false(mbl_jv_bool(mbl_jv_get(r, "f"), true));
	a = mbl_jv_get(r, "o.a");
	assert_int_equal(a->type, MBL_JV_ARR);
	assert_int_equal(a->len, 3);
	assert_null(a->child->key);
	assert_true(mbl_jv_num(mbl_jv_get(r, "o.a.2.k"), 0) == 20.0);
	assert_null(mbl_jv_get(r, "o.a.3"));
	assert_null(mbl_jv_get(r, "o.a.x"));
	assert_null(mbl_jv_get(r, "o.missing"));
	assert_null(mbl_jv_get(r, "u.below"));
	assert_int_equal(mbl_jv_get(r, "o.empty")->len, 0);
	assert_null(mbl_jv_get(r, "o.empty")->child);
	/* a type mismatch gives the default */
	assert_string_equal(mbl_jv_str(mbl_jv_get(r, "u"), "dflt"), "dflt");
	assert_true(mbl_jv_num(mbl_jv_get(r, "s"), 7) == 7);
	mbl_jv_free(r);
	free(buf);
}

static void test_scalars_and_escapes(void **state)
{
	const struct mbl_jv *r;
	(void)state;

	r = parse_ok("  -0.5e+2 ");
	assert_true(mbl_jv_num(r, 0) == -50.0);
	mbl_jv_free(r);
	r = parse_ok("\"\\u00e9\\u20ac\\ud83d\\ude00\\/\\b\\f\\r\"");
	assert_string_equal(r->v.s, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80/\b\f\r");
	assert_int_equal(r->len, 13);
	mbl_jv_free(r);
	r = parse_ok("\"a\\u0000b\"");
	assert_int_equal(r->len, 3);
	assert_int_equal(r->v.s[1], 0);
	mbl_jv_free(r);
	r = parse_ok("[null,true,false,0,\"\",[],{}]");
	assert_int_equal(r->len, 7);
	mbl_jv_free(r);
	/* duplicate members are kept; the first one is found */
	r = parse_ok("{\"a\":1,\"a\":2}");
	assert_true(mbl_jv_num(mbl_jv_get(r, "a"), 0) == 1.0);
	mbl_jv_free(r);
	mbl_jv_free(NULL);
}

static void test_errors(void **state)
{
	char deep[200];
	(void)state;

	refused("", "line 1 column 1: unexpected end");
	refused("{\"a\":1,}", "expected a member name");
	refused("[1,]", "line 1 column 4: expected a value");
	refused("{\"a\" 1}", "expected ':'");
	refused("{\"a\":1\n \"b\":2}", "line 2 column 2: expected ',' or '}'");
	refused("[1 2]", "expected ',' or ']'");
	refused("01", "text after the value");
	refused("1.", "digit expected after '.'");
	refused("1e", "digit expected in the exponent");
	refused("+1", "expected a value");
	refused("tru", "unknown literal");
	refused("\"abc", "unterminated string");
	refused("\"a\nb\"", "control character");
	refused("\"\\x\"", "bad escape");
	refused("\"\\u12g4\"", "bad \\u escape");
	refused("\"\\ud800\"", "bad \\u escape");       /* lone high surrogate */
	refused("\"\\udc00\\ud800\"", "bad \\u escape"); /* reversed pair */
	refused("{} {}", "text after the value");
	refused("// c\n{}", "expected a value");
	memset(deep, '[', 100);
	memset(deep + 100, ']', 100);
	refused((deep[199] = '\0', deep), "nested too deep");
	memset(deep, '[', 64);
	memset(deep + 64, ']', 64);
	deep[128] = '\0';
	mbl_jv_free(parse_ok(deep));
}

static void test_load(void **state)
{
	char path[] = "/tmp/mbl_jv_XXXXXX", err[256];
	const struct mbl_jv *r;
	int fd = mkstemp(path);
	(void)state;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "{\"x\": [1, 2.5]}\n", 16), 16);
	close(fd);
	r = mbl_jv_load(path, err, sizeof(err));
	assert_non_null(r);
	assert_true(mbl_jv_num(mbl_jv_get(r, "x.1"), 0) == 2.5);
	mbl_jv_free(r);
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_int_equal(write(fd, "{\"x\": }", 7), 7);
	close(fd);
	assert_null(mbl_jv_load(path, err, sizeof(err)));
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "line 1 column 7"));
	unlink(path);
	assert_null(mbl_jv_load(path, err, sizeof(err)));
	assert_non_null(strstr(err, "No such file"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_writer_roundtrip),
		cmocka_unit_test(test_scalars_and_escapes),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
