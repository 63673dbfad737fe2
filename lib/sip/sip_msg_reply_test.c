/* SPDX-License-Identifier: BSD-3-Clause
 * Error responses (RFC 3261 8.2.6), line by line: status line with reason,
 * every Via in order, From, To with a tag added only when absent, Call-ID
 * and CSeq copied, the verdict's extra header, Content-Length: 0 and the
 * empty line; built from osip2's structures and from raw bytes (when osip2
 * could not parse the request), and the -ENOSPC / -EINVAL cases.
 */
#include <ctype.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sip_msg.h"

#define MAX_LINES 32

struct reply {
	char text[4096];
	int len;
	char *line[MAX_LINES]; /* split copy of text, CRLFs removed */
	int n;
	char split[4096];
};

/* Every line must end in CRLF; the text ends with the empty line. */
static void split(struct reply *r)
{
	char *p = r->split, *crlf;

	memcpy(r->split, r->text, (size_t)r->len + 1);
	r->n = 0;
	while (*p != '\0') {
		crlf = strstr(p, "\r\n");
		assert_non_null(crlf);
		assert_null(memchr(p, '\n', (size_t)(crlf - p))); /* no bare LF */
		*crlf = '\0';
		assert_true(r->n < MAX_LINES);
		r->line[r->n++] = p;
		p = crlf + 2;
	}
	assert_true(r->n >= 2);
	assert_string_equal(r->line[r->n - 1], "");
	assert_string_equal(r->line[r->n - 2], "Content-Length: 0");
}

/* Parse msg, expect a REJECT with status / reason, build the response. */
static void reject(const char *msg, size_t len, int status, const char *reason, bool parsed,
		   struct reply *r)
{
	struct mbl_sip_verdict v;
	osip_message_t *m;

	assert_int_equal(mbl_sip_msg_parse(msg, len, false, &m, &v), 0);
	assert_int_equal(v.kind, MBL_SIP_REJECT);
	assert_int_equal(v.status, status);
	assert_string_equal(v.reason, reason);
	assert_int_equal(m != NULL, parsed);
	r->len = mbl_sip_msg_error_response(m, msg, len, &v, r->text, sizeof(r->text));
	assert_true(r->len > 0);
	assert_int_equal(strlen(r->text), r->len);
	if (m != NULL)
		osip_message_free(m);
	split(r);
}

/* "To: <value>;tag=" + 16 lower-case hex digits; returns the tag. */
static const char *added_tag(const char *line, const char *to)
{
	size_t n = strlen(to), i;
	const char *tag = line + n + strlen(";tag=");

	assert_memory_equal(line, to, n);
	assert_memory_equal(line + n, ";tag=", 5);
	assert_int_equal(strlen(tag), 16);
	for (i = 0; i < 16; i++)
		assert_true(isxdigit((unsigned char)tag[i]) && !isupper((unsigned char)tag[i]));
	return tag;
}

#define H_FROM "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
#define H_CID "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n"

#define INVITE_3VIA(branch)                                                     \
	"INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"                            \
	"Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=" branch "\r\n"          \
	"Via: SIP/2.0/TCP proxy1.example.com;branch=z9hG4bKp1, "                   \
	"SIP/2.0/TCP proxy2.example.com:5070;branch=z9hG4bKp2;received=192.0.2.9\r\n" \
	"Max-Forwards: 68\r\n"                                                     \
	"To: Bob <sip:bob@biloxi.example.com>\r\n" H_FROM H_CID                    \
	"CSeq: 314159 INVITE\r\n"                                                  \
	"Require: foo\r\n"                                                         \
	"Content-Length: 0\r\n\r\n"

static void test_from_parsed_message(void **state)
{
	static const char a[] = INVITE_3VIA("z9hG4bK776asdhds");
	static const char b[] = INVITE_3VIA("z9hG4bKother");
	struct reply r1, r2, r3;
	char tag1[17];

	(void)state;
	reject(a, sizeof(a) - 1, 420, "Bad Extension", true, &r1);
	assert_int_equal(r1.n, 11);
	assert_string_equal(r1.line[0], "SIP/2.0 420 Bad Extension");
	assert_string_equal(r1.line[1], "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds");
	assert_string_equal(r1.line[2], "Via: SIP/2.0/TCP proxy1.example.com;branch=z9hG4bKp1");
	assert_string_equal(r1.line[3], "Via: SIP/2.0/TCP proxy2.example.com:5070;branch=z9hG4bKp2;received=192.0.2.9");
	assert_string_equal(r1.line[4], "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774");
	strcpy(tag1, added_tag(r1.line[5], "To: Bob <sip:bob@biloxi.example.com>"));
	assert_string_equal(r1.line[6], "Call-ID: a84b4c76e66710@pc33.atlanta.example.com");
	assert_string_equal(r1.line[7], "CSeq: 314159 INVITE");
	assert_string_equal(r1.line[8], "Unsupported: foo");
	/* A retransmission gets the same answer; another transaction another tag. */
	reject(a, sizeof(a) - 1, 420, "Bad Extension", true, &r2);
	assert_string_equal(r1.text, r2.text);
	reject(b, sizeof(b) - 1, 420, "Bad Extension", true, &r3);
	assert_string_not_equal(added_tag(r3.line[5], "To: Bob <sip:bob@biloxi.example.com>"), tag1);
}

static void test_to_tag_kept(void **state)
{
	static const char msg[] = "FOOBAR sip:bob@biloxi.example.com SIP/2.0\r\n"
				  "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK77\r\n"
				  "To: <sip:bob@biloxi.example.com>;tag=a6c85cf\r\n" H_FROM H_CID
				  "CSeq: 2 FOOBAR\r\n\r\n";
	struct reply r;

	(void)state;
	reject(msg, sizeof(msg) - 1, 501, "Not Implemented", true, &r);
	assert_int_equal(r.n, 9);
	assert_string_equal(r.line[0], "SIP/2.0 501 Not Implemented");
	assert_string_equal(r.line[1], "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK77");
	assert_string_equal(r.line[3], "To: <sip:bob@biloxi.example.com>;tag=a6c85cf");
	assert_string_equal(r.line[5], "CSeq: 2 FOOBAR");
	assert_string_equal(r.line[6],
			    "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, REGISTER, INFO, UPDATE, PRACK");
}

/* osip2 cannot parse a request with two To headers: the answer comes from
 * the raw lines, compact names written in full, folds joined, order kept. */
static void test_from_raw_bytes(void **state)
{
	static const char msg[] = "OPTIONS sip:bob@biloxi.example.com SIP/2.0\r\n"
				  "v: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\r\n"
				  "t:   <sip:bob@biloxi.example.com>  \r\n"
				  "VIA : SIP/2.0/TCP b.example.com\r\n"
				  "   ;branch=z9hG4bK2, SIP/2.0/UDP c.example.com;branch=z9hG4bK3\r\n"
				  "To: <sip:carol@example.com>\r\n"
				  "f: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
				  "i: raw@example.com\r\n"
				  "cseq: 7\r\n OPTIONS\r\n"
				  "l: 0\r\n\r\n";
	static const char tagged[] = "OPTIONS sip:bob@biloxi.example.com SIP/2.0\r\n"
				     "v: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\r\n"
				     "t: \"A;B\" <sip:bob@biloxi.example.com;x=y> ; TAG = abc\r\n"
				     "t: <sip:carol@example.com>\r\n"
				     "i: raw@example.com\r\nCSeq: 7 OPTIONS\r\n\r\n";
	struct reply r;

	(void)state;
	reject(msg, sizeof(msg) - 1, 400, "Duplicate To Header", false, &r);
	assert_int_equal(r.n, 9);
	assert_string_equal(r.line[0], "SIP/2.0 400 Duplicate To Header");
	assert_string_equal(r.line[1], "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1");
	assert_string_equal(r.line[2], "Via: SIP/2.0/TCP b.example.com ;branch=z9hG4bK2, "
				       "SIP/2.0/UDP c.example.com;branch=z9hG4bK3");
	assert_string_equal(r.line[3], "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774");
	added_tag(r.line[4], "To: <sip:bob@biloxi.example.com>");
	assert_string_equal(r.line[5], "Call-ID: raw@example.com");
	assert_string_equal(r.line[6], "CSeq: 7 OPTIONS");
	/* A tag already there (any spacing, any case) is not added twice; a
	 * ';' inside quotes or brackets is not a parameter. No From: none. */
	reject(tagged, sizeof(tagged) - 1, 400, "Duplicate To Header", false, &r);
	assert_int_equal(r.n, 7);
	assert_string_equal(r.line[2], "To: \"A;B\" <sip:bob@biloxi.example.com;x=y> ; TAG = abc");
}

/* With a parsed message the raw bytes are not used: osip2's form wins. */
static void test_parsed_wins(void **state)
{
	static const char msg[] = "OPTIONS sip:bob@biloxi.example.com SIP/2.0\r\n"
				  "v:   SIP/2.0/UDP a.example.com;branch=z9hG4bK1\r\n"
				  "t: <sip:bob@biloxi.example.com>\r\n" H_FROM
				  "i: p@example.com\r\nCSeq: 7 INVITE\r\n\r\n";
	struct reply r;

	(void)state;
	reject(msg, sizeof(msg) - 1, 400, "CSeq Method Mismatch", true, &r);
	assert_int_equal(r.n, 8);
	assert_string_equal(r.line[1], "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1");
	assert_string_equal(r.line[4], "Call-ID: p@example.com");
	assert_string_equal(r.line[5], "CSeq: 7 INVITE");
}

static void test_errors(void **state)
{
	static const char msg[] = "OPTIONS sip:bob@biloxi.example.com SIP/2.0\r\n"
				  "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\r\n"
				  "To: <sip:bob@biloxi.example.com>\r\n" H_FROM H_CID
				  "CSeq: 7 INVITE\r\n\r\n";
	static const char no_cid[] = "OPTIONS sip:bob@biloxi.example.com SIP/2.0\r\n"
				     "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\r\n"
				     "To: <sip:bob@biloxi.example.com>\r\n" H_FROM
				     "CSeq: 7 OPTIONS\r\n\r\n";
	static const char ack[] = "ACK sip:bob@biloxi.example.com SIP/2.0\r\n"
				  "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\r\n"
				  "To: <sip:bob@biloxi.example.com>\r\n" H_FROM H_CID
				  "CSeq: 7 ACK\r\n\r\n";
	static const char resp[] = "SIP/2.0 200 OK\r\n"
				   "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\r\n"
				   "To: <sip:bob@biloxi.example.com>;tag=1\r\n" H_FROM H_CID
				   "CSeq: 7 INVITE\r\n\r\n";
	struct mbl_sip_verdict v;
	osip_message_t *m, *m2;
	char buf[1024];
	int n;

	(void)state;
	assert_int_equal(mbl_sip_msg_parse(msg, sizeof(msg) - 1, false, &m, &v), 0);
	assert_int_equal(v.kind, MBL_SIP_REJECT);
	n = mbl_sip_msg_error_response(m, NULL, 0, &v, buf, sizeof(buf));
	assert_true(n > 0);
	/* Exactly n + 1 bytes (the NUL) is enough, n is not. */
	assert_int_equal(mbl_sip_msg_error_response(m, NULL, 0, &v, buf, (size_t)n + 1), n);
	assert_int_equal(mbl_sip_msg_error_response(m, NULL, 0, &v, buf, (size_t)n), -ENOSPC);
	assert_int_equal(mbl_sip_msg_error_response(NULL, msg, sizeof(msg) - 1, &v, buf, 10), -ENOSPC);
	assert_int_equal(mbl_sip_msg_error_response(m, NULL, 0, NULL, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(mbl_sip_msg_error_response(NULL, NULL, 0, &v, buf, sizeof(buf)), -EINVAL);
	/* A raw request without Call-ID, an ACK, a response, garbage: nothing to send. */
	assert_int_equal(mbl_sip_msg_error_response(NULL, no_cid, sizeof(no_cid) - 1, &v, buf,
						    sizeof(buf)), -EINVAL);
	assert_int_equal(mbl_sip_msg_error_response(NULL, ack, sizeof(ack) - 1, &v, buf,
						    sizeof(buf)), -EINVAL);
	assert_int_equal(mbl_sip_msg_error_response(NULL, resp, sizeof(resp) - 1, &v, buf,
						    sizeof(buf)), -EINVAL);
	assert_int_equal(mbl_sip_msg_error_response(NULL, "hello world\r\n\r\n", 15, &v, buf,
						    sizeof(buf)), -EINVAL);
	/* The same from parsed messages. */
	assert_int_equal(mbl_sip_msg_parse(no_cid, sizeof(no_cid) - 1, false, &m2, &v), 0);
	assert_string_equal(v.reason, "Missing Call-ID Header");
	assert_non_null(m2);
	assert_int_equal(mbl_sip_msg_error_response(m2, NULL, 0, &v, buf, sizeof(buf)), -EINVAL);
	osip_message_free(m2);
	assert_int_equal(mbl_sip_msg_parse(resp, sizeof(resp) - 1, false, &m2, &v), 0);
	assert_int_equal(v.kind, MBL_SIP_ACCEPT);
	v.kind = MBL_SIP_REJECT;
	v.status = 400;
	assert_int_equal(mbl_sip_msg_error_response(m2, NULL, 0, &v, buf, sizeof(buf)), -EINVAL);
	osip_message_free(m2);
	assert_int_equal(mbl_sip_msg_parse(ack, sizeof(ack) - 1, false, &m2, &v), 0);
	assert_int_equal(v.kind, MBL_SIP_ACCEPT);
	v.kind = MBL_SIP_REJECT;
	assert_int_equal(mbl_sip_msg_error_response(m2, NULL, 0, &v, buf, sizeof(buf)), -EINVAL);
	osip_message_free(m2);
	/* Only a REJECT verdict is answered. */
	assert_int_equal(mbl_sip_msg_parse(msg, sizeof(msg) - 1, false, &m2, &v), 0);
	v.kind = MBL_SIP_DROP;
	assert_int_equal(mbl_sip_msg_error_response(m, NULL, 0, &v, buf, sizeof(buf)), -EINVAL);
	v.kind = MBL_SIP_REJECT;
	v.status = 200;
	assert_int_equal(mbl_sip_msg_error_response(m, NULL, 0, &v, buf, sizeof(buf)), -EINVAL);
	osip_message_free(m2);
	osip_message_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_from_parsed_message),
		cmocka_unit_test(test_to_tag_kept),
		cmocka_unit_test(test_from_raw_bytes),
		cmocka_unit_test(test_parsed_wins),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
