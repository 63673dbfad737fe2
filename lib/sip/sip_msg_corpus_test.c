/* SPDX-License-Identifier: BSD-3-Clause
 * The RFC 4475 / RFC 5118 torture corpus, walked row by row from each
 * folder's expected.tsv (and every file of the folder must have a row), as
 * a UAS receives it:
 *  - as one UDP datagram: the verdict must match the row; every REJECT must
 *    give a well-formed error response (or -EINVAL when the request has no
 *    Call-ID, Via or CSeq to answer with);
 *  - as a TCP stream: framed by mbl_sip_msg_frame exactly as a transport
 *    would; complete frames must get the datagram verdict, frames that cannot
 *    be delimited a 400 (requests) or a drop (responses), and bytes that never
 *    complete a frame (clerr: the transport waits) break parse's contract.
 * "accept" for a request whose method we do not implement (intmeth's
 * "!interesting-Method...", mpart01's MESSAGE) means well formed: the UAS
 * answers 501 after every syntax check passed (RFC 3261 8.2.1 comes after
 * parsing, like regaut01's "accept" ends in a 401). The test proves it by
 * putting OPTIONS in place of the method, which must then be accepted.
 * Under SAN=1 the whole walk runs leak-checked. The micro-benchmark at the
 * end prints parses+validations per second; it asserts nothing about time.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <math.h>
#include <time.h>

#include <cmocka.h>

#include "sip_msg.h"

#define CORPUS "tests/corpus/sip-torture"
#define MSG_MAX 65536
#define BENCH_BATCH 200

static const char *const implemented[] = {
	"INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "REGISTER", "INFO", "UPDATE", "PRACK",
	"MESSAGE", "NOTIFY", "SUBSCRIBE", "REFER", "PUBLISH", /* passed on: the UA answers 405 */
};

enum exp { EXP_ACCEPT, EXP_REJECT, EXP_DROP, EXP_MAY };

struct row {
	char file[128];
	enum exp exp;
	int status; /* EXP_REJECT */
};

static size_t read_file(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL)
		fail_msg("cannot open %s (tests run from the repository top)", path);
	n = fread(buf, 1, cap, f);
	assert_true(n < cap);
	fclose(f);
	return n;
}

static bool parse_row(char *line, struct row *r)
{
	char *file = strtok(line, "\t\r\n"), *section = strtok(NULL, "\t\r\n");
	char *exp = strtok(NULL, "\t\r\n");

	if (file == NULL || file[0] == '#')
		return false;
	assert_non_null(section);
	assert_non_null(exp);
	assert_true(strlen(file) < sizeof(r->file));
	strcpy(r->file, file);
	r->status = 0;
	if (strcmp(exp, "accept") == 0)
		r->exp = EXP_ACCEPT;
	else if (strcmp(exp, "drop") == 0)
		r->exp = EXP_DROP;
	else if (strcmp(exp, "may-reject") == 0)
		r->exp = EXP_MAY;
	else if (sscanf(exp, "reject-%3d", &r->status) == 1 && r->status >= 300)
		r->exp = EXP_REJECT;
	else
		fail_msg("%s: unknown expectation \"%s\"", file, exp);
	return true;
}

/* ---- helpers on the raw message (independent of the code under test) -------- */

static bool implemented_method(const char *msg, size_t len)
{
	size_t i, n = strcspn(msg, " \r\n");

	for (i = 0; i < sizeof(implemented) / sizeof(implemented[0]); i++)
		if (n == strlen(implemented[i]) && n <= len && memcmp(msg, implemented[i], n) == 0)
			return true;
	return false;
}

/* Has the header block a line starting with one of the names + ':'? */
static bool has_header(const char *msg, size_t len, const char *const names[])
{
	const char *p = msg, *end = msg + len, *nl;
	size_t i;

	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL && nl[1] != '\r') {
		p = nl + 1;
		for (i = 0; names[i] != NULL; i++) {
			size_t k = strlen(names[i]), j = k;

			while (p + j < end && p[j] == ' ')
				j++;
			if (strncasecmp(p, names[i], k) == 0 && p + j < end && p[j] == ':')
				return true;
		}
	}
	return false;
}

static bool answerable(const char *msg, size_t len)
{
	static const char *const via[] = {"via", "v", NULL};
	static const char *const cid[] = {"call-id", "i", NULL};
	static const char *const cseq[] = {"cseq", NULL};

	return has_header(msg, len, via) && has_header(msg, len, cid) && has_header(msg, len, cseq);
}

/* The message with OPTIONS in place of its method, in the header block. */
static size_t with_options(const char *msg, size_t len, char *out)
{
	size_t mlen = strcspn(msg, " "), hdr, i = 0, o = 0;
	const char *blank = memmem(msg, len, "\r\n\r\n", 4);

	assert_non_null(blank);
	hdr = (size_t)(blank - msg);
	while (i < len) {
		if (i < hdr && i + mlen <= hdr && memcmp(msg + i, msg, mlen) == 0) {
			memcpy(out + o, "OPTIONS", 7);
			o += 7;
			i += mlen;
		} else {
			out[o++] = msg[i++];
		}
	}
	return o;
}

/* ---- checks --------------------------------------------------------------------- */

static void check_response_text(const char *msg, size_t len, const osip_message_t *m,
				const struct mbl_sip_verdict *v, const char *file)
{
	char text[8192], head[64];
	int n = mbl_sip_msg_error_response(m, msg, len, v, text, sizeof(text));

	if (n == -EINVAL) {
		if (answerable(msg, len))
			fail_msg("%s: no error response although Via, Call-ID, CSeq are there", file);
		return;
	}
	assert_true(n > 0);
	snprintf(head, sizeof(head), "SIP/2.0 %d %s\r\n", v->status, v->reason);
	assert_memory_equal(text, head, strlen(head));
	assert_non_null(strstr(text, "\r\nVia: "));
	assert_non_null(strstr(text, "\r\nCall-ID: "));
	assert_non_null(strstr(text, "\r\nCSeq: "));
	assert_string_equal(text + n - 21, "Content-Length: 0\r\n\r\n");
	if (v->hdr[0] != '\0')
		assert_non_null(strstr(text, v->hdr));
	/* The raw path must cope with every input too. */
	if (m != NULL) {
		n = mbl_sip_msg_error_response(NULL, msg, len, v, text, sizeof(text));
		assert_true(n > 0 || n == -EINVAL);
	}
}

/* Datagram and complete-frame verdicts follow the row. */
static void check_verdict(const struct row *r, const char *msg, size_t len, bool stream,
			  const struct mbl_sip_verdict *v, const osip_message_t *m)
{
	struct mbl_sip_verdict v2;
	osip_message_t *m2;
	char *alt;
	size_t n;

	printf("  %-30s %-8s %-10s -> %d %s\n", r->file, stream ? "stream" : "datagram",
	       r->exp == EXP_ACCEPT ? "accept" : r->exp == EXP_DROP ? "drop" :
	       r->exp == EXP_MAY ? "may-reject" : "reject", v->status, v->reason);
	switch (r->exp) {
	case EXP_ACCEPT:
		if (v->kind == MBL_SIP_REJECT && v->status == 501 && !implemented_method(msg, len)) {
			alt = malloc(len + 64);
			assert_non_null(alt);
			n = with_options(msg, len, alt);
			assert_int_equal(mbl_sip_msg_parse(alt, n, stream, &m2, &v2), 0);
			assert_int_equal(v2.kind, MBL_SIP_ACCEPT);
			osip_message_free(m2);
			free(alt);
			break;
		}
		assert_int_equal(v->kind, MBL_SIP_ACCEPT);
		assert_non_null(m);
		break;
	case EXP_REJECT:
		assert_int_equal(v->kind, MBL_SIP_REJECT);
		assert_int_equal(v->status, r->status);
		break;
	case EXP_DROP:
		assert_int_equal(v->kind, MBL_SIP_DROP);
		assert_null(m);
		break;
	case EXP_MAY:
		assert_true(v->kind != MBL_SIP_ACCEPT || m != NULL);
		break;
	}
	if (v->kind == MBL_SIP_DROP)
		assert_null(m);
	if (v->kind == MBL_SIP_REJECT)
		check_response_text(msg, len, m, v, r->file);
}

static void datagram(const struct row *r, const char *msg, size_t len)
{
	struct mbl_sip_verdict v;
	osip_message_t *m;

	assert_int_equal(mbl_sip_msg_parse(msg, len, false, &m, &v), 0);
	check_verdict(r, msg, len, false, &v, m);
	if (m != NULL)
		osip_message_free(m);
}

/* Frames after the first (dblreq's INVITE) must be accepted. */
static void later_frames(const char *msg, size_t len)
{
	struct mbl_sip_verdict v;
	osip_message_t *m;
	size_t flen;

	while (len > 0 && mbl_sip_msg_frame(msg, len, &flen) == 1) {
		assert_int_equal(mbl_sip_msg_parse(msg, flen, true, &m, &v), 0);
		printf("  %-30s %-8s %-10s -> %d %s\n", "(next frame)", "stream", "accept",
		       v.status, v.reason);
		assert_int_equal(v.kind, MBL_SIP_ACCEPT);
		osip_message_free(m);
		msg += flen;
		len -= flen;
	}
}

static void stream(const struct row *r, const char *msg, size_t len)
{
	struct mbl_sip_verdict v;
	osip_message_t *m;
	size_t flen = 0;
	int fr = mbl_sip_msg_frame(msg, len, &flen);

	if (fr == 0) {
		/* Never a whole frame: the transport waits, then closes. Handing
		 * these bytes to parse anyway breaks its contract. */
		printf("  %-30s %-8s %-10s -> no frame (transport waits)\n", r->file, "stream", "");
		assert_int_equal(r->exp, EXP_REJECT);
		assert_int_equal(mbl_sip_msg_parse(msg, len, true, &m, &v), -EINVAL);
		assert_int_equal(v.kind, MBL_SIP_DROP);
		assert_int_equal(v.err, MBL_SIP_MSG_BAD_FRAME);
		assert_null(m);
		return;
	}
	assert_true(flen > 0 && flen <= len);
	assert_int_equal(mbl_sip_msg_parse(msg, flen, true, &m, &v), 0);
	if (fr == -EBADMSG) {
		/* Only the header block: answered 400, then the transport closes. */
		printf("  %-30s %-8s %-10s -> %d %s (then close)\n", r->file, "stream", "unframed",
		       v.status, v.reason);
		if (strncmp(msg, "SIP/", 4) == 0) {
			assert_int_equal(v.kind, MBL_SIP_DROP);
		} else {
			assert_int_equal(v.kind, MBL_SIP_REJECT);
			assert_int_equal(v.status, 400);
			check_response_text(msg, flen, m, &v, r->file);
		}
	} else {
		assert_int_equal(fr, 1);
		check_verdict(r, msg, flen, true, &v, m);
		later_frames(msg + flen, len - flen);
	}
	if (m != NULL)
		osip_message_free(m);
}

static void walk(const char *dir, int *rows)
{
	char path[512], line[1024], *buf = malloc(MSG_MAX);
	struct dirent *de;
	struct row r;
	size_t len;
	FILE *tsv;
	DIR *d;
	int files = 0, n = 0;

	assert_non_null(buf);
	snprintf(path, sizeof(path), "%s/expected.tsv", dir);
	tsv = fopen(path, "r");
	if (tsv == NULL)
		fail_msg("cannot open %s (tests run from the repository top)", path);
	while (fgets(line, sizeof(line), tsv) != NULL) {
		if (!parse_row(line, &r))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, r.file);
		len = read_file(path, buf, MSG_MAX);
		datagram(&r, buf, len);
		stream(&r, buf, len);
		n++;
	}
	fclose(tsv);
	free(buf);
	/* Every message file of the folder has its row. */
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.' && strcmp(de->d_name, "expected.tsv") != 0)
			files++;
	closedir(d);
	assert_int_equal(files, n);
	*rows += n;
}

static void test_rfc4475(void **state)
{
	int rows = 0;

	(void)state;
	walk(CORPUS "/rfc4475", &rows);
	assert_int_equal(rows, 49);
}

static void test_rfc5118(void **state)
{
	int rows = 0;

	(void)state;
	walk(CORPUS "/rfc5118", &rows);
	assert_int_equal(rows, 12);
}

/* ---- damaged input: never a crash, a leak or an inconsistent verdict ---------------- */

/* One message through everything: datagram and stream parse, the framer,
 * both error-response builders. The bytes sit in an allocation of exactly
 * their size so that ASan sees any read past the end. */
static void survive(const char *src, size_t len)
{
	struct mbl_sip_verdict v;
	osip_message_t *m;
	char text[8192], *msg = malloc(len > 0 ? len : 1);
	size_t flen = 0;
	int rc, n;

	assert_non_null(msg);
	memcpy(msg, src, len);

	assert_int_equal(mbl_sip_msg_parse(msg, len, false, &m, &v), 0);
	assert_true(v.kind != MBL_SIP_ACCEPT || (m != NULL && v.status == 0));
	assert_true(v.kind != MBL_SIP_DROP || (m == NULL && v.status == 0));
	assert_true(v.kind != MBL_SIP_REJECT || (v.status >= 400 && v.status <= 599));
	if (v.kind == MBL_SIP_REJECT) {
		n = mbl_sip_msg_error_response(m, msg, len, &v, text, sizeof(text));
		assert_true(n == -EINVAL || (n > 0 && strncmp(text, "SIP/2.0 ", 8) == 0));
		n = mbl_sip_msg_error_response(NULL, msg, len, &v, text, sizeof(text));
		assert_true(n == -EINVAL || (n > 0 && strncmp(text, "SIP/2.0 ", 8) == 0));
	}
	if (m != NULL)
		osip_message_free(m);
	rc = mbl_sip_msg_frame(msg, len, &flen);
	assert_true(rc == 0 || ((rc == 1 || rc == -EBADMSG) && flen > 0 && flen <= len));
	rc = mbl_sip_msg_parse(msg, rc != 0 ? flen : len, true, &m, &v);
	assert_true(rc == 0 || (rc == -EINVAL && v.kind == MBL_SIP_DROP && m == NULL));
	if (m != NULL)
		osip_message_free(m);
	free(msg);
}

/* Replace, delete or repeat a few bytes; returns the new length. */
static size_t mutate(const char *msg, size_t len, char *out, uint32_t *seed, int edits)
{
	static const char bytes[] = "\0\r\n :,;\"<>\\@[]%=x9\xff";
	size_t n = len, at, k;
	int i;

	memcpy(out, msg, len);
	for (i = 0; i < edits && n > 8; i++) {
		*seed = *seed * 1103515245u + 12345u;
		at = (*seed >> 8) % n;
		k = 1 + (*seed >> 24) % 8;
		switch ((*seed >> 4) % 3) {
		case 0:
			out[at] = bytes[(*seed >> 12) % (sizeof(bytes) - 1)];
			break;
		case 1: /* delete k bytes */
			k = k < n - at ? k : n - at;
			memmove(out + at, out + at + k, n - at - k);
			n -= k;
			break;
		default: /* repeat k bytes */
			k = k < n - at ? k : n - at;
			if (n + k <= MSG_MAX) {
				memmove(out + at + k, out + at, n - at);
				n += k;
			}
			break;
		}
	}
	return n;
}

static void test_damaged(void **state)
{
	static const char *const files[] = {
		"rfc4475/wsinv.dat", "rfc4475/intmeth.dat", "rfc4475/esc01.dat",
		"rfc4475/longreq.dat", "rfc4475/mpart01.dat", "rfc4475/dblreq.dat",
		"rfc4475/badinv01.dat", "rfc4475/bcast.dat", "rfc4475/multi01.dat",
		"rfc5118/ipv4-mapped-ipv6", "rfc5118/mult-ip-in-header",
	};
	char path[256], *msg = malloc(MSG_MAX), *mut = malloc(MSG_MAX);
	uint32_t seed = 12345;
	size_t f, len, cut, i;

	(void)state;
	assert_non_null(msg);
	assert_non_null(mut);
	for (f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		snprintf(path, sizeof(path), CORPUS "/%s", files[f]);
		len = read_file(path, msg, MSG_MAX);
		for (cut = 0; cut <= len; cut += cut < 400 ? 1 : 13)
			survive(msg, cut); /* every truncation: a datagram cut short */
		for (i = 0; i < 400; i++)
			survive(mut, mutate(msg, len, mut, &seed, 1 + (int)(i % 4)));
	}
	free(mut);
	free(msg);
}

/* ---- the stream framer ------------------------------------------------------------- */

static void test_frame(void **state)
{
	static const char two[] = "\r\nOPTIONS sip:a@b SIP/2.0\r\nl: 3\r\n\r\nabcBYE sip:a@b "
				  "SIP/2.0\r\nContent-Length: 0\r\n\r\n";
	size_t flen = 0;

	(void)state;
	assert_int_equal(mbl_sip_msg_frame(two, sizeof(two) - 1, &flen), 1);
	assert_int_equal(flen, strlen("\r\nOPTIONS sip:a@b SIP/2.0\r\nl: 3\r\n\r\nabc"));
	assert_int_equal(mbl_sip_msg_frame(two + flen, sizeof(two) - 1 - flen, &flen), 1);
	assert_int_equal(flen, strlen("BYE sip:a@b SIP/2.0\r\nContent-Length: 0\r\n\r\n"));
	/* Not yet: no empty line, body short, a header whose fold may follow. */
	assert_int_equal(mbl_sip_msg_frame(two, 30, &flen), 0);
	assert_int_equal(mbl_sip_msg_frame(two, sizeof("\r\nOPTIONS sip:a@b SIP/2.0\r\nl: 3\r\n\r\nab") - 1,
					   &flen), 0);
	assert_int_equal(mbl_sip_msg_frame("\r\n\r\n", 4, &flen), 0);
	assert_int_equal(mbl_sip_msg_frame("X sip:a SIP/2.0\r\nl: 0\r\n", 23, &flen), 0);
	/* Cannot be delimited: the header block is the frame, for a 400. */
	flen = 0;
	assert_int_equal(mbl_sip_msg_frame("X sip:a SIP/2.0\r\nl: -1\r\n\r\nabc", 29, &flen), -EBADMSG);
	assert_int_equal(flen, 26);
	assert_int_equal(mbl_sip_msg_frame("X sip:a SIP/2.0\r\nl: 1\r\nl: 1\r\n\r\nab", 33, &flen),
			 -EBADMSG);
	assert_int_equal(flen, 31);
	assert_int_equal(mbl_sip_msg_frame("X sip:a SIP/2.0\r\nVia: x\r\n\r\n", 27, &flen), -EBADMSG);
	assert_int_equal(flen, 27);
	assert_int_equal(mbl_sip_msg_frame(NULL, 0, &flen), -EINVAL);
}

/* ---- micro-benchmark ------------------------------------------------------------------- */

static const char bench_invite[] =
	"INVITE sip:+15551230000@sbc.example.net;user=phone SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 198.18.0.10:5060;branch=z9hG4bK-524287-1---8f2a5c1d0b7e3a96;rport\r\n"
	"Via: SIP/2.0/UDP 198.18.1.20:5060;branch=z9hG4bK-1e6f2f0c;received=198.18.1.20\r\n"
	"Max-Forwards: 69\r\n"
	"Contact: <sip:+15559870000@198.18.0.10:5060;transport=udp>\r\n"
	"To: <sip:+15551230000@sbc.example.net;user=phone>\r\n"
	"From: \"Load Test\" <sip:+15559870000@gen.example.net;user=phone>;tag=6f3c2a91\r\n"
	"Call-ID: 5f0e7b2c9d4a4e1c8b3a6d2f1e0c9b8a@198.18.0.10\r\n"
	"CSeq: 1 INVITE\r\n"
	"Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, PRACK, INFO\r\n"
	"Supported: 100rel, timer, replaces\r\n"
	"Session-Expires: 1800;refresher=uac\r\n"
	"User-Agent: mediablast\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: 321\r\n"
	"\r\n"
	"v=0\r\n"
	"o=- 3894729183 3894729183 IN IP4 198.18.0.10\r\n"
	"s=-\r\n"
	"c=IN IP4 198.18.0.10\r\n"
	"t=0 0\r\n"
	"m=audio 20000 RTP/SAVP 0 8 101\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:8 PCMA/8000\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n"
	"a=fmtp:101 0-16\r\n"
	"a=ptime:20\r\n"
	"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR\r\n"
	"a=sendrecv\r\n";

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One batch of parses; returns seconds per message. */
static double batch(bool validate)
{
	struct mbl_sip_verdict v;
	osip_message_t *m;
	double t0 = now_s();
	int i;

	for (i = 0; i < BENCH_BATCH; i++) {
		if (validate) {
			mbl_sip_msg_parse(bench_invite, sizeof(bench_invite) - 1, false, &m, &v);
		} else {
			osip_message_init(&m);
			osip_message_parse(m, bench_invite, sizeof(bench_invite) - 1);
		}
		osip_message_free(m);
	}
	return (now_s() - t0) / BENCH_BATCH;
}

/* The machine is shared: interleave both, keep each one's best batch. */
static void test_benchmark(void **state)
{
	struct mbl_sip_verdict v;
	osip_message_t *m;
	double full = 1.0, osip = 1.0, t0;

	(void)state;
	assert_int_equal(strlen(strstr(bench_invite, "\r\n\r\n") + 4), 321);
	assert_int_equal(mbl_sip_msg_parse(bench_invite, sizeof(bench_invite) - 1, false, &m, &v), 0);
	assert_int_equal(v.kind, MBL_SIP_ACCEPT);
	osip_message_free(m);
	t0 = now_s();
	do {
		full = fmin(full, batch(true));
		osip = fmin(osip, batch(false));
	} while (now_s() - t0 < 0.4);
	printf("BENCH sip_msg: typical INVITE with SDP (%zu bytes): %.0f parses+validations/s "
	       "(%.2f us each, best batch); osip_message_parse alone %.0f/s (%.2f us)\n",
	       sizeof(bench_invite) - 1, 1.0 / full, full * 1e6, 1.0 / osip, osip * 1e6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc4475),
		cmocka_unit_test(test_rfc5118),
		cmocka_unit_test(test_frame),
		cmocka_unit_test(test_damaged),
		cmocka_unit_test(test_benchmark),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
