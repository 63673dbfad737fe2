/* SPDX-License-Identifier: BSD-3-Clause
 * Offer/answer end to end: the whole matrix of offer mode (none, sdes,
 * dtls, dual) x offerer policy x AVPF x rtcp-mux x answerer mode x
 * answerer policy. Each case checks the offer's exact lines, parses it,
 * answers (or checks the 488 and its exact reason against an oracle written
 * here from the table in mbl_sdp.h), checks the answer's exact lines,
 * parses the answer, accepts it, and checks that both results agree:
 * mode, profile, codec and PT, rtcp-mux, crossed SDES keys, complementary
 * DTLS roles, fingerprints, ports. Plus golden texts of a dual offer and
 * its answers.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mbl_sdp.h"
#include "sdp_test_util.h"

/* A failing check names the matrix case. */
static char case_name[160];
#define CHECK(c)                                                               \
	do {                                                                   \
		if (!(c))                                                      \
			fail_msg("%s: %s (line %d)", case_name, #c, __LINE__); \
	} while (0)

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

struct mcase {
	enum mbl_sdp_enc om;     /* offerer mode */
	enum mbl_sdp_policy op;  /* offerer policy */
	bool avpf, mux;
	enum mbl_sdp_enc am;     /* answerer mode */
	enum mbl_sdp_policy ap;  /* answerer policy */
};

/* What the answerer must do: rc 0 with chosen/fell_back, -EPROTO with why,
 * or -EINVAL (required with mode none). Written from the table, not from
 * the code. */
struct oracle {
	int rc;
	enum mbl_sdp_enc chosen;
	bool fell_back;
	char why[200];
};

static void oracle(const struct mcase *c, struct oracle *o)
{
	const char *prof = mbl_sdp_profile(c->om, c->avpf);
	bool secure = c->om != MBL_SDP_ENC_NONE;
	bool b_dtls = c->am == MBL_SDP_ENC_DTLS || c->am == MBL_SDP_ENC_DUAL;
	bool b_sdes = c->am == MBL_SDP_ENC_SDES || c->am == MBL_SDP_ENC_DUAL;
	bool a_dtls = c->om == MBL_SDP_ENC_DTLS || c->om == MBL_SDP_ENC_DUAL;
	bool a_sdes = c->om == MBL_SDP_ENC_SDES || c->om == MBL_SDP_ENC_DUAL;

	memset(o, 0, sizeof(*o));
	if (c->ap == MBL_SDP_POLICY_REQUIRED && c->am == MBL_SDP_ENC_NONE) {
		o->rc = -EINVAL;
		snprintf(o->why, sizeof(o->why),
			 "local SDP config: policy required needs mode sdes, dtls or dual");
	} else if (c->ap == MBL_SDP_POLICY_OFF && secure) {
		o->rc = -EPROTO;
		snprintf(o->why, sizeof(o->why),
			 "encryption policy is off but the offer's profile %s needs SRTP", prof);
	} else if (c->ap == MBL_SDP_POLICY_OFF) {
		o->chosen = MBL_SDP_ENC_NONE;
	} else if (!secure && c->ap == MBL_SDP_POLICY_REQUIRED) {
		o->rc = -EPROTO;
		snprintf(o->why, sizeof(o->why), "the offer is plain RTP (%s) but encryption is "
			 "required: the offer has no a=crypto or a=fingerprint", prof);
	} else if (!secure) {
		o->chosen = MBL_SDP_ENC_NONE;
		o->fell_back = c->am != MBL_SDP_ENC_NONE;
	} else if (a_dtls && b_dtls) {
		o->chosen = MBL_SDP_ENC_DTLS;
	} else if (a_sdes && b_sdes) {
		o->chosen = MBL_SDP_ENC_SDES;
	} else {
		o->rc = -EPROTO;
		snprintf(o->why, sizeof(o->why), "no acceptable security for %s: the offer does "
			 "%s, we do %s", prof, mbl_sdp_enc_name(c->om), mbl_sdp_enc_name(c->am));
	}
}

static void check_offer_text(const struct mcase *c, const char *o)
{
	bool sdes = c->op != MBL_SDP_POLICY_OFF &&
		    (c->om == MBL_SDP_ENC_SDES || c->om == MBL_SDP_ENC_DUAL);
	bool dtls = c->op != MBL_SDP_POLICY_OFF &&
		    (c->om == MBL_SDP_ENC_DTLS || c->om == MBL_SDP_ENC_DUAL);
	char m[96];

	snprintf(m, sizeof(m), "m=audio 4000 %s 111 0 8 101", mbl_sdp_profile(c->om, c->avpf));
	CHECK(starts(o, "v=0\r\no=mbl-a 1001 1 IN IP4 198.18.0.1\r\ns=mediablast\r\n"
			"c=IN IP4 198.18.0.1\r\nt=0 0\r\nm=audio "));
	CHECK(has_line(o, m));
	CHECK(has_line(o, "a=rtpmap:111 opus/48000/2") && has_line(o, "a=fmtp:111 useinbandfec=1"));
	CHECK(has_line(o, "a=rtpmap:0 PCMU/8000") && has_line(o, "a=rtpmap:8 PCMA/8000"));
	CHECK(has_line(o, "a=rtpmap:101 telephone-event/8000") && has_line(o, "a=fmtp:101 0-16"));
	CHECK(has_line(o, "a=ptime:20") && has_line(o, "a=sendrecv"));
	CHECK(has_line(o, "a=rtcp-mux") == c->mux);
	CHECK(has_line(o, "a=rtcp-fb:* nack") == c->avpf);
	CHECK(has_line(o, "a=rtcp-fb:* nack pli") == c->avpf);
	CHECK(count_prefix(o, "a=rtcp-fb:") == (c->avpf ? 2 : 0));
	CHECK(count_prefix(o, "a=crypto:") == (sdes ? 2 : 0));
	CHECK(!sdes || has_line(o, "a=crypto:1 AES_256_CM_HMAC_SHA1_80 inline:" KEY_A256_B64));
	CHECK(!sdes || has_line(o, "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A128_B64));
	CHECK(has_line(o, "a=fingerprint:sha-256 " FP_A) == dtls);
	CHECK(has_line(o, "a=setup:actpass") == dtls);
	CHECK(count_prefix(o, "a=setup:") == (dtls ? 1 : 0));
	CHECK(count_prefix(o, "m=") == 1);
}

static const char *answer_profile(const struct mcase *c, enum mbl_sdp_enc chosen)
{
	if (chosen == MBL_SDP_ENC_SDES) /* SDES-only peers answer RTP/SAVP(F) */
		return mbl_sdp_profile(MBL_SDP_ENC_SDES, c->avpf);
	return mbl_sdp_profile(c->om, c->avpf); /* the offer's own */
}

static void check_answer_text(const struct mcase *c, const struct oracle *o, const char *a)
{
	char m[96];

	snprintf(m, sizeof(m), "m=audio 6000 %s 111 101", answer_profile(c, o->chosen));
	CHECK(starts(a, "v=0\r\no=mbl-b 2002 7 IN IP4 198.18.0.2\r\n"));
	CHECK(has_line(a, "c=IN IP4 198.18.0.2"));
	CHECK(has_line(a, m));
	/* The offerer's PT and spelling, our fmtp and ptime. */
	CHECK(has_line(a, "a=rtpmap:111 opus/48000/2") && has_line(a, "a=fmtp:111 minptime=10"));
	CHECK(count_prefix(a, "a=rtpmap:") == 2 && has_line(a, "a=rtpmap:101 telephone-event/8000"));
	CHECK(has_line(a, "a=ptime:30") && has_line(a, "a=sendrecv"));
	CHECK(has_line(a, "a=rtcp-mux") == c->mux);
	CHECK(count_prefix(a, "a=rtcp-fb:") == (c->avpf ? 2 : 0));
	if (o->chosen == MBL_SDP_ENC_SDES) /* first offered suite we have: tag 2 */
		CHECK(has_line(a, "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:" KEY_B128_B64));
	CHECK(count_prefix(a, "a=crypto:") == (o->chosen == MBL_SDP_ENC_SDES ? 1 : 0));
	CHECK(has_line(a, "a=fingerprint:sha-256 " FP_B) == (o->chosen == MBL_SDP_ENC_DTLS));
	CHECK(has_line(a, "a=setup:active") == (o->chosen == MBL_SDP_ENC_DTLS));
	CHECK(count_prefix(a, "a=fingerprint:") + count_prefix(a, "a=setup:") ==
	      (o->chosen == MBL_SDP_ENC_DTLS ? 2 : 0));
}

/* Both sides' results describe the same call, each from its own side. */
static void check_agree(const struct mcase *c, const struct oracle *o,
			const struct mbl_sdp_result *ra, const struct mbl_sdp_result *rb,
			const struct mbl_sdp_local *la, const struct mbl_sdp_local *lb)
{
	unsigned fb = c->avpf ? MBL_SDP_FB_NACK | MBL_SDP_FB_PLI : 0;

	CHECK(ra->status == 0 && rb->status == 0);
	CHECK(ra->chosen == o->chosen && rb->chosen == o->chosen);
	CHECK(rb->fell_back == o->fell_back && !ra->fell_back);
	CHECK(strcmp(ra->profile, answer_profile(c, o->chosen)) == 0);
	CHECK(strcmp(rb->profile, ra->profile) == 0);
	CHECK(ra->avpf == c->avpf && rb->avpf == c->avpf);
	CHECK(ra->rtcp_fb == fb && rb->rtcp_fb == fb);
	CHECK(ra->rtcp_mux == c->mux && rb->rtcp_mux == c->mux);
	CHECK(strcmp(ra->codec.name, "opus") == 0 && strcmp(rb->codec.name, "opus") == 0);
	CHECK(ra->codec.pt == 111 && rb->codec.pt == 111);
	CHECK(ra->codec.clock == 48000 && rb->codec.channels == 2 && ra->codec.channels == 2);
	CHECK(strcmp(ra->codec.fmtp, "minptime=10") == 0); /* each gets the peer's */
	CHECK(strcmp(rb->codec.fmtp, "useinbandfec=1") == 0);
	CHECK(ra->ptime == 30 && rb->ptime == 20);         /* each sends what the peer asked */
	CHECK(ra->dtmf_pt == 101 && rb->dtmf_pt == 101);
	CHECK(strcmp(ra->addr, "198.18.0.2") == 0 && ra->port == 6000 && ra->family == 4);
	CHECK(strcmp(rb->addr, "198.18.0.1") == 0 && rb->port == 4000 && rb->family == 4);
	CHECK(ra->rtcp_port == (c->mux ? 6000 : 6001) && rb->rtcp_port == (c->mux ? 4000 : 4001));
	CHECK(ra->dir == MBL_SDP_DIR_SENDRECV && rb->dir == MBL_SDP_DIR_SENDRECV);
	if (o->chosen == MBL_SDP_ENC_SDES) {
		CHECK(key_equal(&ra->tx_key, &rb->rx_key) && key_equal(&ra->rx_key, &rb->tx_key));
		CHECK(key_equal(&ra->tx_key, &la->crypto[1]) && key_equal(&rb->tx_key, &lb->crypto[0]));
		CHECK(ra->crypto_tag == 2 && rb->crypto_tag == 2);
	} else {
		CHECK(ra->crypto_tag == -1 && rb->crypto_tag == -1);
		CHECK(ra->tx_key.key[0] == 0 && rb->rx_key.key[0] == 0);
	}
	if (o->chosen == MBL_SDP_ENC_DTLS) {
		CHECK(ra->dtls_role == MBL_SDP_SETUP_PASSIVE && rb->dtls_role == MBL_SDP_SETUP_ACTIVE);
		CHECK(strcmp(ra->fingerprint, FP_B) == 0 && strcmp(rb->fingerprint, FP_A) == 0);
		CHECK(strcmp(ra->fp_alg, "sha-256") == 0 && strcmp(rb->fp_alg, "sha-256") == 0);
	} else {
		CHECK(ra->dtls_role == MBL_SDP_SETUP_NONE && rb->fingerprint[0] == '\0');
	}
}

/* Outcomes seen: [0] bad config, [1] refused, [2 + mode] agreed. */
static unsigned outcomes[2 + MBL_SDP_ENC_MAX];

static void run_case(const struct mcase *c)
{
	struct mbl_sdp_local la, lb;
	struct mbl_sdp_remote ro, rans;
	struct mbl_sdp_result ra, rb;
	struct oracle o;
	char offer[2048], answer[2048], why[256] = "", err[128] = "";
	int n;

	snprintf(case_name, sizeof(case_name), "offer %s/%s avpf=%d mux=%d answer %s/%s",
		 mbl_sdp_enc_name(c->om), mbl_sdp_policy_name(c->op), c->avpf, c->mux,
		 mbl_sdp_enc_name(c->am), mbl_sdp_policy_name(c->ap));
	oracle(c, &o);
	local_a(&la, c->om, c->op, c->avpf, c->mux);
	local_b(&lb, c->am, c->ap, c->avpf);
	n = mbl_sdp_offer(&la, offer, sizeof(offer));
	CHECK(n > 0 && (size_t)n == strlen(offer));
	check_offer_text(c, offer);
	CHECK(tparse(offer, &ro, err, sizeof(err)) == 0);
	n = mbl_sdp_answer(&lb, &ro, &rb, answer, sizeof(answer), why, sizeof(why));
	if (o.rc != 0) {
		CHECK(n == o.rc && strcmp(why, o.why) == 0 && answer[0] == '\0');
		CHECK(rb.status == (o.rc == -EPROTO ? 488 : 0));
		CHECK(rb.status == 0 || rb.warn_code == 302);
		CHECK(key_free(why));
		outcomes[o.rc == -EINVAL ? 0 : 1]++;
		return;
	}
	CHECK(n > 0 && (size_t)n == strlen(answer) && why[0] == '\0');
	check_answer_text(c, &o, answer);
	CHECK(tparse(answer, &rans, err, sizeof(err)) == 0);
	CHECK(mbl_sdp_accept_answer(&la, &rans, &ra, why, sizeof(why)) == 0);
	check_agree(c, &o, &ra, &rb, &la, &lb);
	outcomes[2 + o.chosen]++;
}

static void test_matrix(void **state)
{
	static const enum mbl_sdp_policy offerer_pol[2][2] = {
		{MBL_SDP_POLICY_OPTIONAL, MBL_SDP_POLICY_OFF},      /* mode none */
		{MBL_SDP_POLICY_REQUIRED, MBL_SDP_POLICY_OPTIONAL}, /* secure modes */
	};
	unsigned om, op, avpf, mux, am, ap, cases = 0;

	(void)state;
	for (om = 0; om < MBL_SDP_ENC_MAX; om++)
		for (op = 0; op < 2; op++)
			for (avpf = 0; avpf < 2; avpf++)
				for (mux = 0; mux < 2; mux++)
					for (am = 0; am < MBL_SDP_ENC_MAX; am++)
						for (ap = 0; ap < MBL_SDP_POLICY_MAX; ap++) {
							struct mcase c = {
								.om = om, .avpf = avpf, .mux = mux,
								.am = am, .ap = ap,
								.op = offerer_pol[om != 0][op],
							};

							run_case(&c);
							cases++;
						}
	assert_int_equal(cases, 4 * 2 * 2 * 2 * 4 * 3);
	/* Counted by hand from the table: per (offer mode, answerer mode,
	 * answerer policy), times 8 for offerer policy x AVPF x mux. */
	assert_int_equal(outcomes[0], 4 * 8);
	assert_int_equal(outcomes[1], (3 + 7 + 7 + 5) * 8);
	assert_int_equal(outcomes[2 + MBL_SDP_ENC_NONE], 8 * 8);
	assert_int_equal(outcomes[2 + MBL_SDP_ENC_SDES], 6 * 8);
	assert_int_equal(outcomes[2 + MBL_SDP_ENC_DTLS], 8 * 8);
	assert_int_equal(outcomes[2 + MBL_SDP_ENC_DUAL], 0);
}

/* ---- golden texts ------------------------------------------------------------------ */

#define DUAL_OFFER                                                             \
	"v=0\r\n"                                                              \
	"o=mbl-a 1001 1 IN IP4 198.18.0.1\r\n"                                 \
	"s=mediablast\r\n"                                                     \
	"c=IN IP4 198.18.0.1\r\n"                                              \
	"t=0 0\r\n"                                                            \
	"m=audio 4000 UDP/TLS/RTP/SAVPF 111 0 8 101\r\n"                       \
	"a=rtpmap:111 opus/48000/2\r\n"                                        \
	"a=fmtp:111 useinbandfec=1\r\n"                                        \
	"a=rtpmap:0 PCMU/8000\r\n"                                             \
	"a=rtpmap:8 PCMA/8000\r\n"                                             \
	"a=rtpmap:101 telephone-event/8000\r\n"                                \
	"a=fmtp:101 0-16\r\n"                                                  \
	"a=ptime:20\r\n"                                                       \
	"a=rtcp-mux\r\n"                                                       \
	"a=rtcp-fb:* nack\r\n"                                                 \
	"a=rtcp-fb:* nack pli\r\n"                                             \
	"a=crypto:1 AES_256_CM_HMAC_SHA1_80 inline:" KEY_A256_B64 "\r\n"       \
	"a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A128_B64 "\r\n"       \
	"a=fingerprint:sha-256 " FP_A "\r\n"                                   \
	"a=setup:actpass\r\n"                                                  \
	"a=sendrecv\r\n"

static void test_golden_dual(void **state)
{
	struct mbl_sdp_local la, lb;
	struct mbl_sdp_remote r;
	struct mbl_sdp_result res;
	char buf[2048], why[128], err[128];

	(void)state;
	local_a(&la, MBL_SDP_ENC_DUAL, MBL_SDP_POLICY_REQUIRED, true, true);
	assert_int_equal(mbl_sdp_offer(&la, buf, sizeof(buf)), strlen(DUAL_OFFER));
	assert_string_equal(buf, DUAL_OFFER);
	assert_int_equal(tparse(buf, &r, err, sizeof(err)), 0);
	assert_int_equal(r.enc, MBL_SDP_ENC_DUAL);

	/* An SDES-only answerer, without AVPF of its own, without DTMF. */
	local_b(&lb, MBL_SDP_ENC_SDES, MBL_SDP_POLICY_REQUIRED, false);
	lb.dtmf_pt = -1;
	lb.ptime = 0;
	assert_true(mbl_sdp_answer(&lb, &r, &res, buf, sizeof(buf), why, sizeof(why)) > 0);
	assert_string_equal(buf, "v=0\r\n"
				 "o=mbl-b 2002 7 IN IP4 198.18.0.2\r\n"
				 "s=mediablast\r\n"
				 "c=IN IP4 198.18.0.2\r\n"
				 "t=0 0\r\n"
				 "m=audio 6000 RTP/SAVPF 111\r\n"
				 "a=rtpmap:111 opus/48000/2\r\n"
				 "a=fmtp:111 minptime=10\r\n"
				 "a=rtcp-mux\r\n"
				 "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:" KEY_B128_B64 "\r\n"
				 "a=sendrecv\r\n");
	assert_true(res.avpf);  /* the profile stays AVPF (RFC 3264 6) ... */
	assert_int_equal(res.rtcp_fb, 0); /* ... but we listed no feedback */
	assert_int_equal(res.dtmf_pt, -1);

	/* A DTLS-only answerer. */
	local_b(&lb, MBL_SDP_ENC_DTLS, MBL_SDP_POLICY_OPTIONAL, true);
	lb.rtcp_mux = false;
	lb.n_codecs = 1; /* PCMA only */
	assert_true(mbl_sdp_answer(&lb, &r, &res, buf, sizeof(buf), why, sizeof(why)) > 0);
	assert_string_equal(buf, "v=0\r\n"
				 "o=mbl-b 2002 7 IN IP4 198.18.0.2\r\n"
				 "s=mediablast\r\n"
				 "c=IN IP4 198.18.0.2\r\n"
				 "t=0 0\r\n"
				 "m=audio 6000 UDP/TLS/RTP/SAVPF 8 101\r\n"
				 "a=rtpmap:8 PCMA/8000\r\n"
				 "a=rtpmap:101 telephone-event/8000\r\n"
				 "a=fmtp:101 0-16\r\n"
				 "a=ptime:30\r\n"
				 "a=rtcp-fb:* nack\r\n"
				 "a=rtcp-fb:* nack pli\r\n"
				 "a=fingerprint:sha-256 " FP_B "\r\n"
				 "a=setup:active\r\n"
				 "a=sendrecv\r\n");
	assert_false(res.rtcp_mux);
	assert_int_equal(res.rtcp_port, 4001);
	assert_true(key_free(why));
	explicit_bzero(&r, sizeof(r));
}

/* Policy off offers plain RTP whatever the mode; plain offers stay plain. */
static void test_offer_policy_off(void **state)
{
	struct mbl_sdp_local l;
	char buf[2048];

	(void)state;
	local_a(&l, MBL_SDP_ENC_DUAL, MBL_SDP_POLICY_OFF, false, false);
	assert_true(mbl_sdp_offer(&l, buf, sizeof(buf)) > 0);
	assert_true(has_line(buf, "m=audio 4000 RTP/AVP 111 0 8 101"));
	assert_int_equal(count_prefix(buf, "a=crypto:") + count_prefix(buf, "a=fingerprint:") +
				 count_prefix(buf, "a=setup:"),
			 0);
	l.n_crypto = 0; /* no keys needed when nothing is offered */
	l.fingerprint[0] = '\0';
	assert_true(mbl_sdp_offer(&l, buf, sizeof(buf)) > 0);
}

/* Our keys' lifetime and MKI go into the offer and the answer, and each
 * side's result carries the peer's. NULL error buffers are fine. */
static void test_crypto_lifetime_mki(void **state)
{
	struct mbl_sdp_local la, lb;
	struct mbl_sdp_remote r;
	struct mbl_sdp_result ra, rb;
	char buf[2048];

	(void)state;
	local_a(&la, MBL_SDP_ENC_SDES, MBL_SDP_POLICY_REQUIRED, false, false);
	la.crypto[1].lifetime = UINT64_C(1) << 20;
	la.crypto[1].mki = 5;
	la.crypto[1].mki_len = 2;
	local_b(&lb, MBL_SDP_ENC_SDES, MBL_SDP_POLICY_REQUIRED, false);
	lb.crypto[0].lifetime = 1000000;
	lb.crypto[0].mki = 258;
	lb.crypto[0].mki_len = 4;
	assert_true(mbl_sdp_offer(&la, buf, sizeof(buf)) > 0);
	assert_true(has_line(buf, "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:" KEY_A128_B64
				  "|2^20|5:2"));
	assert_int_equal(mbl_sdp_parse(buf, strlen(buf), &r, NULL, 0), 0);
	assert_int_equal(r.crypto[1].key.lifetime, 1 << 20);
	assert_true(mbl_sdp_answer(&lb, &r, &rb, buf, sizeof(buf), NULL, 0) > 0);
	assert_true(has_line(buf, "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:" KEY_B128_B64
				  "|1000000|258:4"));
	assert_int_equal(mbl_sdp_parse(buf, strlen(buf), &r, NULL, 0), 0);
	assert_int_equal(mbl_sdp_accept_answer(&la, &r, &ra, NULL, 0), 0);
	assert_true(key_equal(&ra.rx_key, &lb.crypto[0]));
	assert_true(key_equal(&rb.rx_key, &la.crypto[1]));
	assert_int_equal(ra.rx_key.mki, 258);
	assert_int_equal(rb.rx_key.mki_len, 2);
	explicit_bzero(&r, sizeof(r));
	explicit_bzero(&ra, sizeof(ra));
	explicit_bzero(&rb, sizeof(rb));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matrix),
		cmocka_unit_test(test_golden_dual),
		cmocka_unit_test(test_offer_policy_off),
		cmocka_unit_test(test_crypto_lifetime_mki),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
