/* SPDX-License-Identifier: BSD-3-Clause
 * Injection file tests: the three modes, comments / blank lines / CRLF /
 * trailing ';' / empty fields, field lookups past the end, every load
 * error by its exact "path:line: reason" and errno, the limits at their
 * edges (16 fields, 4096-byte lines), the row picks of each mode (RANDOM:
 * in range, repeatable per seed, uniform), [fieldN] substitution with its
 * errors, and a 100,000-row file loading well under a second. Files are
 * written with mkstemp under /tmp and removed.
 */
#include <errno.h>
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

#include "sip_csv.h"

/* A temporary file holding n bytes of data; path gets its name. */
static void write_tmp(char path[32], const char *data, size_t n)
{
	int fd;

	strcpy(path, "/tmp/mbl_csv_XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	close(fd);
}

static struct mbl_sip_csv *load_str(const char *data)
{
	char path[32], err[256] = "";
	struct mbl_sip_csv *c;

	write_tmp(path, data, strlen(data));
	c = mbl_sip_csv_load(path, err, sizeof(err));
	unlink(path);
	if (c == NULL)
		fail_msg("load failed: %s", err);
	return c;
}

/* Loading n bytes of data fails with errnum and "<path>:<line>: reason". */
static void load_fails(const char *data, size_t n, int errnum, unsigned line, const char *reason)
{
	char path[32], err[256] = "", want[300];

	write_tmp(path, data, n);
	errno = 0;
	assert_null(mbl_sip_csv_load(path, err, sizeof(err)));
	assert_int_equal(errno, errnum);
	unlink(path);
	snprintf(want, sizeof(want), "%s:%u: %s", path, line, reason);
	assert_string_equal(err, want);
}

#define LOAD_FAILS(s, e, line, reason) load_fails(s, sizeof(s) - 1, e, line, reason)

static void test_basic(void **state)
{
	struct mbl_sip_csv *c;

	(void)state;
	c = load_str("# users for the REGISTER storm\r\n"
		     "\r\n"
		     "SEQUENTIAL\r\n"
		     "// comment\n"
		     "alice;w0nderland;biloxi.com\r\n"
		     "   \t\n"
		     "bob;zanzibar;;\n"
		     "carol;\n"
		     ";\n"
		     " dave ;x;y\n"
		     "#x;y\n"
		     "last;line"); /* no line end at the end of the file */
	assert_int_equal(mbl_sip_csv_mode(c), MBL_SIP_CSV_SEQUENTIAL);
	assert_int_equal(mbl_sip_csv_rows(c), 6);
	assert_int_equal(mbl_sip_csv_fields(c, 0), 3);
	assert_string_equal(mbl_sip_csv_field(c, 0, 0), "alice");
	assert_string_equal(mbl_sip_csv_field(c, 0, 1), "w0nderland");
	assert_string_equal(mbl_sip_csv_field(c, 0, 2), "biloxi.com"); /* no '\r' */
	assert_null(mbl_sip_csv_field(c, 0, 3));
	assert_int_equal(mbl_sip_csv_fields(c, 1), 3); /* "bob;zanzibar;;": the last ';' ends */
	assert_string_equal(mbl_sip_csv_field(c, 1, 2), "");
	assert_int_equal(mbl_sip_csv_fields(c, 2), 1);
	assert_string_equal(mbl_sip_csv_field(c, 2, 0), "carol");
	assert_null(mbl_sip_csv_field(c, 2, 1));
	assert_int_equal(mbl_sip_csv_fields(c, 3), 1);
	assert_string_equal(mbl_sip_csv_field(c, 3, 0), "");
	assert_string_equal(mbl_sip_csv_field(c, 4, 0), " dave "); /* as written */
	assert_string_equal(mbl_sip_csv_field(c, 5, 1), "line");
	assert_null(mbl_sip_csv_field(c, 6, 0));
	assert_null(mbl_sip_csv_field(c, UINT64_MAX, 0));
	assert_int_equal(mbl_sip_csv_fields(c, 6), 0);
	mbl_sip_csv_free(c);
	mbl_sip_csv_free(NULL);
}

static void test_modes_and_limits(void **state)
{
	static const char *const modes[] = {"SEQUENTIAL", "RANDOM", "USER"};
	char buf[8192];
	struct mbl_sip_csv *c;
	unsigned int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		snprintf(buf, sizeof(buf), " %s \t\nx\n", modes[i]);
		c = load_str(buf);
		assert_int_equal(mbl_sip_csv_mode(c), i);
		mbl_sip_csv_free(c);
	}
	c = load_str("random\nx\n");
	assert_int_equal(mbl_sip_csv_mode(c), MBL_SIP_CSV_RANDOM);
	mbl_sip_csv_free(c);
	/* 16 fields (with a trailing ';'), and a line of exactly 4096 bytes
	 * before its CRLF */
	memset(buf, 0, sizeof(buf));
	strcpy(buf, "USER\n0;1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;\n");
	memset(buf + strlen(buf), 'x', MBL_SIP_CSV_LINE_MAX);
	strcat(buf, "\r\n");
	c = load_str(buf);
	assert_int_equal(mbl_sip_csv_rows(c), 2);
	assert_int_equal(mbl_sip_csv_fields(c, 0), 16);
	assert_string_equal(mbl_sip_csv_field(c, 0, 15), "15");
	assert_int_equal(strlen(mbl_sip_csv_field(c, 1, 0)), MBL_SIP_CSV_LINE_MAX);
	mbl_sip_csv_free(c);
}

static void test_load_errors(void **state)
{
	char big[MBL_SIP_CSV_LINE_MAX + 32], err[256];

	(void)state;
	LOAD_FAILS("", EINVAL, 1, "empty file");
	LOAD_FAILS("# only\n\n// comments\n", EINVAL, 3, "empty file");
	LOAD_FAILS("SEQ\nx\n", EINVAL, 1, "unknown mode 'SEQ' (want SEQUENTIAL, RANDOM or USER)");
	LOAD_FAILS("\n\nalice;bob\n", EINVAL, 3,
		   "unknown mode 'alice;bob' (want SEQUENTIAL, RANDOM or USER)");
	LOAD_FAILS("SEQUENTIAL,PRINTF=10\nx\n", ENOTSUP, 1, "PRINTF is not supported");
	LOAD_FAILS("USER, printfmultiple=2\nx\n", ENOTSUP, 1, "PRINTF is not supported");
	LOAD_FAILS("RANDOM,FOO\nx\n", EINVAL, 1, "unknown mode option 'FOO'");
	LOAD_FAILS("SEQUENTIAL\n# no rows\n", EINVAL, 2, "no rows");
	LOAD_FAILS("SEQUENTIAL", EINVAL, 1, "no rows");
	LOAD_FAILS("SEQUENTIAL\na\n0;1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16\n", EINVAL, 3,
		   "too many fields (17, at most 16)");
	LOAD_FAILS("SEQUENTIAL\na\n;;;;;;;;;;;;;;;;;\n", EINVAL, 3,
		   "too many fields (17, at most 16)");
	LOAD_FAILS("SEQUENTIAL\na\0b\n", EINVAL, 2, "NUL byte in line");
	memset(big, 'x', sizeof(big));
	memcpy(big, "RANDOM\nok\n", 10);
	big[10 + MBL_SIP_CSV_LINE_MAX + 1] = '\n';
	load_fails(big, 10 + MBL_SIP_CSV_LINE_MAX + 2, EINVAL, 3, "line longer than 4096 bytes");
	/* no line number when the file itself cannot be read */
	errno = 0;
	assert_null(mbl_sip_csv_load("/tmp/mbl_csv_no_such_file", err, sizeof(err)));
	assert_int_equal(errno, ENOENT);
	assert_string_equal(err, "/tmp/mbl_csv_no_such_file: No such file or directory");
	assert_null(mbl_sip_csv_load("/tmp", err, sizeof(err)));
	assert_int_equal(errno, EISDIR);
	assert_string_equal(err, "/tmp: Is a directory");
	assert_null(mbl_sip_csv_load(NULL, err, sizeof(err)));
	assert_int_equal(errno, EINVAL);
	assert_null(mbl_sip_csv_load("/tmp/mbl_csv_no_such_file", NULL, 0));
}

static void test_pick(void **state)
{
	struct mbl_sip_csv *seq = load_str("SEQUENTIAL\na\nb\nc\n");
	struct mbl_sip_csv *usr = load_str("USER\na\nb\nc\n");
	struct mbl_sip_csv *one = load_str("RANDOM\nonly\n");
	struct mbl_sip_csv *rnd = load_str("RANDOM\n0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n");
	unsigned int count[10] = {0}, i, same = 0;
	uint64_t first[64];

	(void)state;
	assert_int_equal(mbl_sip_csv_pick(seq, 0), 0);
	assert_int_equal(mbl_sip_csv_pick(seq, 4), 1);
	assert_int_equal(mbl_sip_csv_pick(seq, UINT64_MAX), UINT64_MAX % 3);
	assert_int_equal(mbl_sip_csv_pick(usr, 5), 2);
	assert_int_equal(mbl_sip_csv_pick(usr, 5), 2); /* a user keeps its row */
	assert_int_equal(mbl_sip_csv_pick(one, 12345), 0);
	/* RANDOM: a function of (seed, call) - same seed, same choices */
	for (i = 0; i < 64; i++)
		first[i] = mbl_sip_csv_pick(rnd, i);
	for (i = 64; i-- > 0;)
		assert_int_equal(mbl_sip_csv_pick(rnd, i), first[i]);
	mbl_sip_csv_seed(rnd, 42);
	for (i = 0; i < 64; i++)
		same += mbl_sip_csv_pick(rnd, i) == first[i];
	assert_true(same < 20); /* about 6 expected by chance */
	/* uniform: 100,000 picks over 10 rows, each within 5% of 10,000 (the
	 * standard deviation is 95) */
	for (i = 0; i < 100000; i++) {
		uint64_t r = mbl_sip_csv_pick(rnd, i);

		assert_true(r < 10);
		count[r]++;
	}
	for (i = 0; i < 10; i++)
		assert_in_range(count[i], 9500, 10500);
	mbl_sip_csv_free(seq);
	mbl_sip_csv_free(usr);
	mbl_sip_csv_free(one);
	mbl_sip_csv_free(rnd);
}

static void test_subst(void **state)
{
	struct mbl_sip_csv *c = load_str("SEQUENTIAL\nalice;biloxi.com;;\nbob\n");
	char out[128];

	(void)state;
	assert_int_equal(mbl_sip_csv_subst(c, 0, "sip:[field0]@[field1]", out, sizeof(out)), 20);
	assert_string_equal(out, "sip:alice@biloxi.com");
	assert_int_equal(mbl_sip_csv_subst(c, 0, "[field0][field0]", out, sizeof(out)), 10);
	assert_string_equal(out, "alicealice");
	/* other bracketed words stay for later stages */
	assert_int_equal(mbl_sip_csv_subst(c, 1, "[call_id] [field] [fields] [field0] [",
					   out, sizeof(out)),
			 32);
	assert_string_equal(out, "[call_id] [field] [fields] bob [");
	assert_int_equal(mbl_sip_csv_subst(c, 0, "<[field2]>", out, sizeof(out)), 2);
	assert_string_equal(out, "<>");
	assert_int_equal(mbl_sip_csv_subst(c, 0, "", out, sizeof(out)), 0);
	assert_string_equal(out, "");
	/* references that cannot be served */
	assert_int_equal(mbl_sip_csv_subst(c, 1, "[field1]", out, sizeof(out)), -EINVAL);
	assert_int_equal(mbl_sip_csv_subst(c, 0, "[field3]", out, sizeof(out)), -EINVAL);
	assert_int_equal(mbl_sip_csv_subst(c, 0, "[field0", out, sizeof(out)), -EINVAL);
	assert_int_equal(mbl_sip_csv_subst(c, 0, "[field0 line=1]", out, sizeof(out)), -EINVAL);
	assert_int_equal(mbl_sip_csv_subst(c, 0, "[field99999999999999999999]", out, sizeof(out)),
			 -EINVAL);
	assert_int_equal(mbl_sip_csv_subst(c, 2, "x", out, sizeof(out)), -EINVAL);
	assert_int_equal(mbl_sip_csv_subst(c, 0, NULL, out, sizeof(out)), -EINVAL);
	/* room: 20 characters need 21 bytes */
	assert_int_equal(mbl_sip_csv_subst(c, 0, "sip:[field0]@[field1]", out, 20), -ENOSPC);
	assert_string_equal(out, "");
	assert_int_equal(mbl_sip_csv_subst(c, 0, "sip:[field0]@[field1]", out, 21), 20);
	assert_int_equal(mbl_sip_csv_subst(c, 0, "", out, 0), -ENOSPC);
	mbl_sip_csv_free(c);
}

/* 100,000 rows: load time and the last row. */
static void test_large(void **state)
{
	size_t cap = 100000 * 48, n = 0;
	char *data = malloc(cap), path[32], err[256] = "";
	struct mbl_sip_csv *c;
	struct timespec t0, t1;
	double s;
	unsigned int i;

	(void)state;
	assert_non_null(data);
	n += (size_t)snprintf(data, cap, "SEQUENTIAL\n");
	for (i = 0; i < 100000; i++)
		n += (size_t)snprintf(data + n, cap - n, "user%u;pass%u;10.%u.%u.%u;\r\n", i, i,
				      i >> 16, (i >> 8) & 255, i & 255);
	write_tmp(path, data, n);
	free(data);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	c = mbl_sip_csv_load(path, err, sizeof(err));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	unlink(path);
	assert_non_null(c);
	s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	/* a linear loader takes tens of ms (the figure belongs in make bench); a
	 * quadratic one minutes: 5 s tells them apart on any loaded machine */
	assert_true(s < 5.0);
	assert_int_equal(mbl_sip_csv_rows(c), 100000);
	assert_string_equal(mbl_sip_csv_field(c, 99999, 0), "user99999");
	assert_string_equal(mbl_sip_csv_field(c, 99999, 2), "10.1.134.159");
	assert_null(mbl_sip_csv_field(c, 99999, 3));
	assert_string_equal(mbl_sip_csv_field(c, mbl_sip_csv_pick(c, 100000 + 7), 1), "pass7");
	mbl_sip_csv_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),       cmocka_unit_test(test_modes_and_limits),
		cmocka_unit_test(test_load_errors), cmocka_unit_test(test_pick),
		cmocka_unit_test(test_subst),       cmocka_unit_test(test_large),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
