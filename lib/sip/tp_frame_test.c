/* SPDX-License-Identifier: BSD-3-Clause
 * Stream framing at the seam (no sockets): Content-Length in all its
 * spellings and every way it can be wrong, several messages in one read,
 * one message over many 1-byte reads without rescanning, CRLF keepalives,
 * and the RFC 4475 torture messages framed as a TCP peer would send them.
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

#include "mbl_common.h"
#include "sip_tp_priv.h"

#define CORPUS "tests/corpus/sip-torture/rfc4475/"

/* ---- Content-Length ----------------------------------------------------------- */

static int cl(const char *hdrs, size_t *out, const char **why)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "INVITE sip:a@b SIP/2.0\r\n%s\r\n", hdrs);
	*why = NULL;
	return mbl_sip_tp_content_length(buf, strlen(buf), 65535, out, why);
}

static void test_content_length_ok(void **state)
{
	static const struct {
		const char *h;
		size_t v;
	} ok[] = {
		{"Content-Length: 5\r\n", 5},
		{"content-length:0\r\n", 0},
		{"CONTENT-LENGTH   :   17   \r\n", 17},
		{"l: 150\r\n", 150},
		{"L:9\r\n", 9},
		{"Content-Length:\r\n 42\r\n", 42},          /* folded value */
		{"Content-Length:\t\r\n\t 7 \r\n \r\n", 7},   /* folds around it */
		{"Via: x\r\nContent-Length: 3\r\nTo: y\r\n", 3},
		{"Content-Length: 0000012\r\n", 12},
		{"Content-Length: 99999999999999999999999999\r\n", 65536}, /* clamped */
		{"X-Content-Length: 5\r\nl-x: 6\r\nContent-Length: 8\r\n", 8},
		{"Subject: l: 4\r\nContent-Length: 1\r\n", 1},
	};
	const char *why;
	size_t i, v;

	(void)state;
	for (i = 0; i < MBL_ARRAY_SIZE(ok); i++) {
		v = 12345;
		assert_int_equal(cl(ok[i].h, &v, &why), 0);
		assert_int_equal(v, ok[i].v);
	}
}

static void test_content_length_bad(void **state)
{
	static const struct {
		const char *h;
		const char *why;
	} bad[] = {
		{"Via: x\r\n", "no Content-Length (mandatory on streams, RFC 3261 18.3)"},
		{"Content-Lengthy: 5\r\n", "no Content-Length (mandatory on streams, RFC 3261 18.3)"},
		{"Content-Length: -5\r\n", "negative Content-Length"},
		{"l:  -0\r\n", "negative Content-Length"},
		{"Content-Length: abc\r\n", "Content-Length is not a number"},
		{"Content-Length:\r\n", "Content-Length is not a number"},
		{"Content-Length: 5 5\r\n", "Content-Length is not a number"},
		{"Content-Length: 5,5\r\n", "Content-Length is not a number"},
		{"Content-Length: 0x10\r\n", "Content-Length is not a number"},
		{"Content-Length: +5\r\n", "Content-Length is not a number"},
		{"Content-Length: 5\r\nl: 5\r\n", "several Content-Length headers"},
		{"Content-Length: 13\r\nContent-Length: 5\r\n", "several Content-Length headers"},
	};
	const char *why;
	size_t i, v;

	(void)state;
	for (i = 0; i < MBL_ARRAY_SIZE(bad); i++) {
		assert_int_equal(cl(bad[i].h, &v, &why), -EINVAL);
		assert_string_equal(why, bad[i].why);
	}
}

/* ---- framer helpers ------------------------------------------------------------ */

/* Copy bytes into the framer as one read. */
static void feed(struct mbl_sip_tp_frame *f, const char *b, size_t n)
{
	while (n) {
		char *p;
		ssize_t room = mbl_sip_tp_frame_room(f, &p);
		size_t k;

		assert_true(room > 0);
		k = MBL_MIN((size_t)room, n);
		memcpy(p, b, k);
		mbl_sip_tp_frame_commit(f, k);
		b += k;
		n -= k;
		assert_true(n == 0); /* tests feed less than one buffer at a time */
	}
}

static const char MSG1[] = "INVITE sip:bob@b.example SIP/2.0\r\n"
			   "Via: SIP/2.0/TCP a.example;branch=z9hG4bK1\r\n"
			   "Content-Length: 4\r\n\r\nv=0\n";
static const char MSG2[] = "SIP/2.0 200 OK\r\nl:0\r\n\r\n";
static const char MSG3[] = "BYE sip:a SIP/2.0\r\nContent-Length:\r\n  11\r\n\r\nhello\r\nbody";

static void expect_msg(struct mbl_sip_tp_frame *f, const char *want)
{
	const char *m;
	size_t len;

	assert_int_equal(mbl_sip_tp_frame_next(f, &m, &len), MBL_SIP_TP_FR_MSG);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(m, want, len);
	assert_int_equal(m[len], '\0');
}

static void expect_rc(struct mbl_sip_tp_frame *f, int rc)
{
	const char *m;
	size_t len;

	assert_int_equal(mbl_sip_tp_frame_next(f, &m, &len), rc);
}

static void test_three_in_one_read(void **state)
{
	struct mbl_sip_tp_frame f;
	char all[512];

	(void)state;
	snprintf(all, sizeof(all), "%s%s%s", MSG1, MSG2, MSG3);
	mbl_sip_tp_frame_init(&f, 65535);
	feed(&f, all, strlen(all));
	expect_msg(&f, MSG1);
	expect_msg(&f, MSG2); /* its NUL covered MSG2's first byte: restored */
	expect_msg(&f, MSG3);
	expect_rc(&f, MBL_SIP_TP_FR_MORE);
	/* Half a message, then the rest. */
	feed(&f, MSG1, 20);
	expect_rc(&f, MBL_SIP_TP_FR_MORE);
	feed(&f, MSG1 + 20, strlen(MSG1) - 20);
	expect_msg(&f, MSG1);
	mbl_sip_tp_frame_fini(&f);
}

/* A 60 KB header block dripped byte by byte: each byte must cost O(1)
 * (the search resumes 3 bytes back), and the body likewise. */
static void test_drip_no_rescan(void **state)
{
	size_t hl = 60000, body = 3000, n, i;
	char *m = malloc(hl + body + 64);
	struct mbl_sip_tp_frame f;
	int pos;

	(void)state;
	pos = sprintf(m, "MESSAGE sip:x SIP/2.0\r\nContent-Length: %zu\r\nX-Pad: ", body);
	memset(m + pos, 'a', hl - (size_t)pos - 4);
	memcpy(m + hl - 4, "\r\n\r\n", 4);
	memset(m + hl, 'b', body);
	n = hl + body;
	mbl_sip_tp_frame_init(&f, 65535);
	for (i = 0; i + 1 < n; i++) {
		feed(&f, m + i, 1);
		expect_rc(&f, MBL_SIP_TP_FR_MORE);
		if (i + 1 < hl)
			assert_true(f.scan + 3 >= f.len); /* never rescans from the start */
		else
			assert_int_equal(f.msg_len, n); /* headers parsed once */
	}
	feed(&f, m + n - 1, 1);
	m[n] = '\0';
	expect_msg(&f, m);
	mbl_sip_tp_frame_fini(&f);
	free(m);
}

static void test_keepalive(void **state)
{
	struct mbl_sip_tp_frame f;

	(void)state;
	mbl_sip_tp_frame_init(&f, 65535);
	feed(&f, "\r\n\r\n", 4);
	expect_rc(&f, MBL_SIP_TP_FR_PING);
	expect_rc(&f, MBL_SIP_TP_FR_MORE);
	feed(&f, "\r\n", 2); /* one CRLF: skipped (RFC 3261 7.5), not a ping */
	expect_rc(&f, MBL_SIP_TP_FR_MORE);
	feed(&f, "\r", 1);
	expect_rc(&f, MBL_SIP_TP_FR_MORE);
	feed(&f, "\n", 1); /* a ping split across reads still counts */
	expect_rc(&f, MBL_SIP_TP_FR_PING);
	feed(&f, "\r\n", 2);
	feed(&f, MSG2, strlen(MSG2)); /* a lone CRLF then a message */
	expect_msg(&f, MSG2);
	feed(&f, "\r\n\r\n\r\n\r\n", 8);
	expect_rc(&f, MBL_SIP_TP_FR_PING);
	expect_rc(&f, MBL_SIP_TP_FR_PING);
	expect_rc(&f, MBL_SIP_TP_FR_MORE);
	/* CRLFCRLF right after a message body is a ping too (RFC 5626 4.4.1). */
	feed(&f, MSG2, strlen(MSG2));
	feed(&f, "\r\n\r\n", 4);
	expect_msg(&f, MSG2);
	expect_rc(&f, MBL_SIP_TP_FR_PING);
	mbl_sip_tp_frame_fini(&f);
}

static void test_oversize(void **state)
{
	struct mbl_sip_tp_frame f;
	char big[1200];

	(void)state;
	/* Content-Length within limits but headers + body above max_msg. */
	mbl_sip_tp_frame_init(&f, 100);
	feed(&f, "INVITE x SIP/2.0\r\nContent-Length: 80\r\n\r\n", 40);
	expect_rc(&f, MBL_SIP_TP_FR_ERR);
	assert_string_equal(f.why, "message above max_msg");
	mbl_sip_tp_frame_fini(&f);
	/* Headers that never end. */
	mbl_sip_tp_frame_init(&f, 1000);
	memset(big, 'h', sizeof(big));
	feed(&f, big, 900);
	expect_rc(&f, MBL_SIP_TP_FR_MORE);
	feed(&f, big, 101);
	expect_rc(&f, MBL_SIP_TP_FR_ERR);
	assert_string_equal(f.why, "headers above max_msg");
	mbl_sip_tp_frame_fini(&f);
	/* Exactly max_msg is fine. */
	mbl_sip_tp_frame_init(&f, (uint32_t)strlen(MSG1));
	feed(&f, MSG1, strlen(MSG1));
	expect_msg(&f, MSG1);
	mbl_sip_tp_frame_fini(&f);
}

/* ---- RFC 4475 corpus --------------------------------------------------------------- */

static char *slurp(const char *name, size_t *n)
{
	char path[256];
	FILE *fp;
	char *b = malloc(8192);

	snprintf(path, sizeof(path), CORPUS "%s", name);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	*n = fread(b, 1, 8191, fp);
	fclose(fp);
	return b;
}

/* What a stream framer must make of each file when it arrives alone on a
 * connection: messages handed out, then the final state. Every file not
 * listed carries exactly Content-Length body bytes and frames to one
 * message of the file's full length, then waits for more. */
#define NO_CL "no Content-Length (mandatory on streams, RFC 3261 18.3)"
static const struct {
	const char *file;
	int msgs, rc;
	const char *why;
} corpus_special[] = {
	{"clerr.dat", 0, MBL_SIP_TP_FR_MORE, NULL}, /* claims 9999, sends 154: wait */
	{"baddn.dat", 0, MBL_SIP_TP_FR_MORE, NULL}, /* no empty line after headers */
	{"ncl.dat", 0, MBL_SIP_TP_FR_ERR, "negative Content-Length"},
	{"mcl01.dat", 0, MBL_SIP_TP_FR_ERR, "several Content-Length headers"},
	{"inv2543.dat", 0, MBL_SIP_TP_FR_ERR, NO_CL},
	/* REGISTER (CL 0), a lone CRLF, INVITE with CL 150 of its 155 body
	 * bytes; the 5 left over ("C" CRLF CRLF) are a header block without
	 * Content-Length. */
	{"dblreq.dat", 2, MBL_SIP_TP_FR_ERR, NO_CL},
};

static int frame_file(const char *name, bool drip, int *msgs, const char **why)
{
	struct mbl_sip_tp_frame f;
	size_t n, i, len;
	char *b = slurp(name, &n);
	bool dbl = strcmp(name, "dblreq.dat") == 0;
	const char *m, *invite = strstr(b, "INVITE");
	int rc = MBL_SIP_TP_FR_MORE;

	*msgs = 0;
	mbl_sip_tp_frame_init(&f, 65535);
	for (i = 0; i < n && rc != MBL_SIP_TP_FR_ERR; i += drip ? 1 : n) {
		feed(&f, b + i, drip ? 1 : n);
		while ((rc = mbl_sip_tp_frame_next(&f, &m, &len)) == MBL_SIP_TP_FR_MSG) {
			size_t want = dbl && *msgs == 0 ? (size_t)(strstr(b, "\r\n\r\n") + 4 - b)
				      : dbl ? (size_t)(strstr(invite, "\r\n\r\n") + 4 + 150 - invite)
					    : n;

			if (len != want || (!dbl && m + len != f.buf + f.len))
				fail_msg("%s: message %d is %zu bytes, want %zu", name, *msgs, len, want);
			(*msgs)++;
		}
	}
	*why = rc == MBL_SIP_TP_FR_ERR ? f.why : NULL;
	mbl_sip_tp_frame_fini(&f);
	free(b);
	return rc;
}

static void test_rfc4475_corpus(void **state)
{
	char line[512], file[64];
	FILE *tsv = fopen(CORPUS "expected.tsv", "r");
	int files = 0, d;

	(void)state;
	assert_non_null(tsv);
	while (fgets(line, sizeof(line), tsv)) {
		int want = MBL_SIP_TP_FR_MORE, want_msgs = 1, msgs, rc;
		const char *want_why = NULL, *why;
		size_t i;

		if (line[0] == '#' || sscanf(line, "%63s", file) != 1)
			continue;
		for (i = 0; i < MBL_ARRAY_SIZE(corpus_special); i++)
			if (strcmp(file, corpus_special[i].file) == 0) {
				want = corpus_special[i].rc;
				want_msgs = corpus_special[i].msgs;
				want_why = corpus_special[i].why;
			}
		for (d = 0; d < 2; d++) {
			rc = frame_file(file, d, &msgs, &why);
			if (rc != want || msgs != want_msgs)
				fail_msg("%s (%s): %d messages then %d, want %d then %d", file,
					 d ? "drip" : "one read", msgs, rc, want_msgs, want);
			if (want_why)
				assert_string_equal(why, want_why);
		}
		files++;
	}
	fclose(tsv);
	assert_int_equal(files, 49);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_content_length_ok),
		cmocka_unit_test(test_content_length_bad),
		cmocka_unit_test(test_three_in_one_read),
		cmocka_unit_test(test_drip_no_rescan),
		cmocka_unit_test(test_keepalive),
		cmocka_unit_test(test_oversize),
		cmocka_unit_test(test_rfc4475_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
