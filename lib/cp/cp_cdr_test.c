/* SPDX-License-Identifier: BSD-3-Clause
 * Per-call records (cp_cdr.c): a UAS engine with conf.cdr and a
 * hand-written SIP peer. One row per call, in the order calls end: an
 * answered call the peer hangs up, a refused offer (its reason has a comma:
 * quoted, RFC 4180), an INVITE over call.limit (503, no call slot) and
 * calls still up when the engine is freed (no end time). Every row has
 * every column of the header.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cp_test_peer.h"

#define NCOL 48 /* room: a row with more fields than the header fails */

struct fix {
	struct mbl_dp dp;
	struct mbl_cp *cp;
	struct peer p;
	uint16_t port;
	FILE *cdr;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	struct mbl_cp_conf *c = calloc(1, sizeof(*c));
	char err[256];

	assert_non_null(f);
	assert_non_null(c);
	f->port = free_port();
	peer_open(&f->p, f->port);
	fake_dp(&f->dp, 2);
	cp_conf(c, false, f->port);
	c->limit = 2;
	f->cdr = tmpfile();
	assert_non_null(f->cdr);
	c->cdr = f->cdr;
	f->cp = mbl_cp_create(c, &f->dp, err, sizeof(err));
	if (f->cp == NULL)
		fail_msg("create: %s", err);
	free(c);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	mbl_cp_free(f->cp);
	close(f->p.fd);
	fclose(f->cdr);
	free(f);
	return 0;
}

static void invite(struct fix *f, unsigned n, const char *sdp)
{
	char msg[4096];
	unsigned me = ntohs(f->p.me.sin_port);

	snprintf(msg, sizeof(msg),
		 "INVITE sip:bob@127.0.0.1:%u SIP/2.0\r\n"
		 "Via: SIP/2.0/UDP 127.0.0.1:%u;branch=z9hG4bK-c%u\r\nMax-Forwards: 70\r\n"
		 "From: <sip:alice@127.0.0.1>;tag=a%u\r\nTo: <sip:bob@127.0.0.1>\r\n"
		 "Call-ID: cdr-%u@test\r\nCSeq: 1 INVITE\r\nContact: <sip:alice@127.0.0.1:%u>\r\n"
		 "Content-Type: application/sdp\r\nContent-Length: %zu\r\n\r\n%s",
		 f->port, me, n, n, n, me, strlen(sdp), sdp);
	peer_send(&f->p, msg);
}

/* ACK for call n's 2xx (in f->p.buf), then later its BYE */
static void in_dialog(struct fix *f, unsigned n, const char *method, unsigned cseq,
		      const char *to)
{
	char msg[2048];
	unsigned me = ntohs(f->p.me.sin_port);

	snprintf(msg, sizeof(msg),
		 "%s sip:bob@127.0.0.1:%u SIP/2.0\r\n"
		 "Via: SIP/2.0/UDP 127.0.0.1:%u;branch=z9hG4bK-%s%u\r\nMax-Forwards: 70\r\n"
		 "From: <sip:alice@127.0.0.1>;tag=a%u\r\nTo: %s\r\nCall-ID: cdr-%u@test\r\n"
		 "CSeq: %u %s\r\nContent-Length: 0\r\n\r\n",
		 method, f->port, me, method, n, n, to, n, cseq, method);
	peer_send(&f->p, msg);
}

/* Split one CSV line (RFC 4180 quoting) into at most max fields. */
static int csv_split(char *line, char **field, int max)
{
	int n = 0;
	char *r = line, *w;

	while (n < max) {
		field[n++] = w = r;
		if (*r == '"') {
			for (r++;; r++) {
				if (*r == '"' && r[1] == '"') {
					*w++ = '"';
					r++;
				} else if (*r == '"') {
					r++;
					break;
				} else {
					assert_true(*r != '\0');
					*w++ = *r;
				}
			}
		} else {
			while (*r != ',' && *r != '\n' && *r != '\0')
				*w++ = *r++;
		}
		if (*r != ',') {
			*w = '\0';
			break;
		}
		*w = '\0';
		r++;
	}
	return n;
}

/* The rows written so far, each split; returns the number of rows
 * (the header checked and left out). */
static int rows(struct fix *f, char buf[][2048], char *cols[][NCOL], int max)
{
	char line[2048];
	int n = -1, ncol = 1;

	fflush(f->cdr);
	rewind(f->cdr);
	while (fgets(line, sizeof(line), f->cdr) != NULL) {
		if (n < 0) {
			assert_string_equal(line, MBL_CP_CDR_HEADER "\n");
			for (const char *p = line; *p; p++)
				ncol += *p == ',';
			n = 0;
			continue;
		}
		assert_true(n < max);
		snprintf(buf[n], 2048, "%s", line);
		assert_int_equal(csv_split(buf[n], cols[n], NCOL), ncol);
		n++;
	}
	fseek(f->cdr, 0, SEEK_END);
	return n < 0 ? 0 : n;
}

#define SDP_HEAD                                                                        \
	"v=0\r\no=peer 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
#define SDP_PLAIN SDP_HEAD "m=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"

static void test_rows(void **state)
{
	struct fix *f = *state;
	char buf[8][2048], *col[8][NCOL], to[256];
	int n;

	/* 1: answered, then hung up by the peer */
	invite(f, 1, SDP_PLAIN);
	peer_expect(&f->p, f->cp, "SIP/2.0 200", 1000);
	hdr(f->p.buf, "To", to, sizeof(to));
	in_dialog(f, 1, "ACK", 1, to);
	assert_int_equal(rows(f, buf, col, 8), 0); /* nothing until a call ends */
	/* 2: refused (no m= line we can read); its reason has commas */
	invite(f, 2, SDP_HEAD "m=audio 99999 RTP/AVP 0\r\n");
	peer_expect(&f->p, f->cp, "SIP/2.0 488", 1000);
	in_dialog(f, 1, "BYE", 2, to);
	peer_expect(&f->p, f->cp, "SIP/2.0 200", 1000);
	n = rows(f, buf, col, 8);
	assert_int_equal(n, 2);
	/* the refused one ended first */
	assert_string_equal(col[0][0], "cdr-2@test");
	assert_string_equal(col[0][1], "uas");
	assert_string_equal(col[0][2], "failed");
	assert_string_equal(col[0][3], "488");
	assert_ptr_equal(strstr(col[0][4], "488 offer SDP unusable: "), col[0][4]);
	assert_string_equal(col[0][5], "UDP");
	assert_string_equal(col[0][8], ""); /* never answered */
	assert_string_equal(col[1][0], "cdr-1@test");
	assert_string_equal(col[1][2], "succeeded");
	assert_string_equal(col[1][3], "200");
	assert_string_equal(col[1][4], "");
	assert_true(atof(col[1][6]) > 1.7e12); /* a Unix time in ms */
	assert_true(col[1][8][0] != '\0' && col[1][9][0] != '\0');
	assert_true(atof(col[1][9]) >= atof(col[1][8]));        /* ended after the answer */
	assert_string_equal(col[1][11], col[1][8]);               /* setup: INVITE to 2xx */
	assert_string_equal(col[1][17], "");                       /* no data plane here */
	/* signaling addresses: ours (the listener), the INVITE's source */
	snprintf(to, sizeof(to), "127.0.0.1:%u", ntohs(f->p.cp.sin_port));
	assert_string_equal(col[1][30], to);
	snprintf(to, sizeof(to), "127.0.0.1:%u", ntohs(f->p.me.sin_port));
	assert_string_equal(col[1][31], to);
	assert_string_equal(col[1][32], "");                       /* no media address */
	/* 3 and 4: one call up, the next over call.limit (2 slots: the
	 * refused one's slot is free again) */
	invite(f, 3, SDP_PLAIN);
	peer_expect(&f->p, f->cp, "SIP/2.0 200", 1000);
	invite(f, 4, SDP_PLAIN);
	peer_expect(&f->p, f->cp, "SIP/2.0 200", 1000);
	invite(f, 5, SDP_PLAIN);
	peer_expect(&f->p, f->cp, "SIP/2.0 503", 1000);
	n = rows(f, buf, col, 8);
	assert_int_equal(n, 3);
	assert_string_equal(col[2][0], "cdr-5@test");
	assert_string_equal(col[2][2], "failed");
	assert_string_equal(col[2][3], "503");
	assert_string_equal(col[2][4], "over call.limit (503)");
	/* as many rows as the report's totals: 5 attempted, 2 failed */
	assert_int_equal(mbl_cp_stats(f->cp)->attempted, 5);
	assert_int_equal(mbl_cp_stats(f->cp)->failed, 2);
	/* the engine goes away with 3 and 4 up: answered, so succeeded as
	 * the report counts them, with no end time */
	mbl_cp_free(f->cp);
	f->cp = NULL;
	n = rows(f, buf, col, 8);
	assert_int_equal(n, 5);
	assert_string_equal(col[3][2], "succeeded");
	assert_string_equal(col[4][2], "succeeded");
	assert_string_equal(col[3][9], "");
	assert_true(col[4][8][0] != '\0');
}

/* RFC 4180: quotes doubled inside a quoted field */
static void test_quoting(void **state)
{
	struct fix *f = *state;
	char buf[2][2048], *col[2][NCOL];

	cp_cdr_refused(f->cp, "odd\"id@x", 503, "a, \"b\"");
	assert_int_equal(rows(f, buf, col, 2), 1);
	assert_string_equal(col[0][0], "odd\"id@x");
	assert_string_equal(col[0][4], "a, \"b\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quoting, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
