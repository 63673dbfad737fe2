/* SPDX-License-Identifier: BSD-3-Clause
 * Refused offers say why, on the wire and in the report (issue found
 * through rtpengine): the UAS's 488 carries a Warning header (RFC 3261
 * 20.43) with the SDP parser's or negotiator's reason, and the failure is
 * counted under that reason; a UAC that gets a 488 with a Warning counts
 * the call under the peer's text. An offer whose first a=crypto is usable
 * is answered even when later lines are not (unpadded base64, unknown
 * suites: rtpengine's default offer), and the suite agreed is counted. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cp_test_peer.h"

#define KEY30 "AQIDBAUGBwgJCgsMDQ4PECAhIiMkJSYnKCkqKywt"

struct fix {
	struct mbl_dp dp;
	struct mbl_cp *cp;
	struct peer p;
	uint16_t port;
};

static int setup(void **state)
{
	*state = calloc(1, sizeof(struct fix));
	return *state == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	mbl_cp_free(f->cp);
	close(f->p.fd);
	free(f);
	return 0;
}

/* The engine, SDES required with AES_CM_128_HMAC_SHA1_80. */
static void start(struct fix *f, bool uac)
{
	struct mbl_cp_conf *c = calloc(1, sizeof(*c));
	char err[256];

	assert_non_null(c);
	f->port = free_port();
	peer_open(&f->p, f->port);
	fake_dp(&f->dp, 4);
	cp_conf(c, uac, f->port);
	c->sdp.enc = MBL_SDP_ENC_SDES;
	c->sdp.policy = MBL_SDP_POLICY_REQUIRED;
	c->suites[0] = MBL_SRTP_AES_CM_128_HMAC_SHA1_80;
	c->n_suites = 1;
	if (uac) {
		memcpy(&c->target, &f->p.me, sizeof(f->p.me));
		c->target_len = sizeof(f->p.me);
		snprintf(c->target_host, sizeof(c->target_host), "127.0.0.1");
	}
	f->cp = mbl_cp_create(c, &f->dp, err, sizeof(err));
	if (f->cp == NULL)
		fail_msg("create: %s", err);
	free(c);
}

static void invite(struct fix *f, unsigned n, const char *sdp)
{
	char msg[4096];
	unsigned me = ntohs(f->p.me.sin_port);

	snprintf(msg, sizeof(msg),
		 "INVITE sip:bob@127.0.0.1:%u SIP/2.0\r\n"
		 "Via: SIP/2.0/UDP 127.0.0.1:%u;branch=z9hG4bK-r%u\r\nMax-Forwards: 70\r\n"
		 "From: <sip:alice@127.0.0.1>;tag=a%u\r\nTo: <sip:bob@127.0.0.1>\r\n"
		 "Call-ID: refuse-%u@test\r\nCSeq: 1 INVITE\r\nContact: <sip:alice@127.0.0.1:%u>\r\n"
		 "Content-Type: application/sdp\r\nContent-Length: %zu\r\n\r\n%s",
		 f->port, me, n, n, n, me, strlen(sdp), sdp);
	peer_send(&f->p, msg);
}

static uint64_t reason_n(struct fix *f, const char *text)
{
	const struct mbl_cp_stats *st = mbl_cp_stats(f->cp);

	for (unsigned i = 0; i < MBL_CP_MAX_REASONS && st->reason[i] != NULL; i++)
		if (strcmp(st->reason[i], text) == 0)
			return st->reason_n[i];
	return 0;
}

#define SDP_HEAD                                                                        \
	"v=0\r\no=peer 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"

/* A usable line after two unusable ones: answered with tag 3. */
static void test_unusable_lines_skipped(void **state)
{
	struct fix *f = *state;

	start(f, false);
	invite(f, 1, SDP_HEAD "m=audio 40000 RTP/SAVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
		     "a=crypto:1 AEAD_AES_128_GCM inline:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRob\r\n"
		     "a=crypto:2 F8_128_HMAC_SHA1_80 inline:" KEY30 "\r\n"
		     "a=crypto:3 AES_CM_128_HMAC_SHA1_80 inline:" KEY30 "\r\n");
	peer_expect(&f->p, f->cp, "SIP/2.0 200", 1000);
	assert_non_null(strstr(body_of(f->p.buf), "a=crypto:3 AES_CM_128_HMAC_SHA1_80 inline:"));
	/* the report names what was agreed */
	assert_int_equal(mbl_cp_stats(f->cp)->sdes_by_suite[MBL_SRTP_AES_CM_128_HMAC_SHA1_80], 1);
	assert_int_equal(mbl_cp_stats(f->cp)->media_sdes, 1);
}

/* Refusals: Warning on the wire, the same reason counted. */
static void test_uas_warning(void **state)
{
	struct fix *f = *state;
	char w[256];

	start(f, false);
	invite(f, 1, SDP_HEAD "m=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n");
	peer_expect(&f->p, f->cp, "SIP/2.0 488", 1000);
	assert_string_equal(hdr(f->p.buf, "Warning", w, sizeof(w)),
			    "302 mediablast \"the offer is plain RTP (RTP/AVP) but encryption is "
			    "required: the offer has no a=crypto or a=fingerprint\"");
	assert_int_equal(reason_n(f, "488 no acceptable media: the offer is plain RTP (RTP/AVP) "
				     "but encryption is required: the offer has no a=crypto or "
				     "a=fingerprint"),
			 1);
	/* The only a=crypto line has a key one byte short: not usable. */
	invite(f, 2, SDP_HEAD "m=audio 40000 RTP/SAVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
		     "a=crypto:1 AES_CM_128_HMAC_SHA1_80 "
		     "inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVB\r\n");
	peer_expect(&f->p, f->cp, "SIP/2.0 488", 1000);
	assert_string_equal(hdr(f->p.buf, "Warning", w, sizeof(w)),
			    "302 mediablast \"no acceptable security for RTP/SAVP: none of the "
			    "offer's 1 a=crypto lines is usable (first: a=crypto tag 1: key||salt "
			    "is 29 bytes, AES_CM_128_HMAC_SHA1_80 needs 30)\"");
	/* Not SDP we can read: the parser's reason, warn-code 399. */
	invite(f, 3, SDP_HEAD "m=audio 99999 RTP/AVP 0\r\n");
	peer_expect(&f->p, f->cp, "SIP/2.0 488", 1000);
	hdr(f->p.buf, "Warning", w, sizeof(w));
	assert_ptr_equal(strstr(w, "399 mediablast \""), w);
	assert_int_equal(mbl_cp_stats(f->cp)->failed, 3);
	assert_int_equal(mbl_cp_stats(f->cp)->by_status[488], 3);
}

/* The UAC keeps the peer's Warning as the failure reason. */
static void test_uac_counts_warning(void **state)
{
	struct fix *f = *state;
	const char *peer_warning = "306 sbc.test \"crypto suite not allowed\"";
	char extra[128];

	start(f, true);
	peer_expect(&f->p, f->cp, "INVITE ", 2000);
	snprintf(extra, sizeof(extra), "Not Acceptable Here\r\nWarning: %s", peer_warning);
	/* peer_reply writes "SIP/2.0 488 <reason>\r\n..." : the Warning rides
	 * after the status line */
	peer_reply(&f->p, 488, extra, NULL);
	for (int i = 0; i < 1000 && mbl_cp_stats(f->cp)->failed == 0; i++)
		mbl_cp_poll(f->cp, 1);
	assert_int_equal(mbl_cp_stats(f->cp)->failed, 1);
	assert_int_equal(reason_n(f, "488 Not Acceptable Here; Warning: 306 sbc.test \"crypto "
				     "suite not allowed\""),
			 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_unusable_lines_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uas_warning, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uac_counts_warning, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
