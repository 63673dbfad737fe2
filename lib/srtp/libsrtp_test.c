/* SPDX-License-Identifier: BSD-3-Clause
 * The libsrtp2 engine through the public API, for every suite in the
 * table: round trips, ROC/wrap handling, replay, tampering, malformed
 * input, room checks, SRTCP E bit and index, SSRC and direction checks,
 * MKI and key lifetime. Buffers are heap-allocated at the exact size the
 * call may use, so ASan catches any engine write past cap.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <cmocka.h>

#include "mbl_srtp.h"
#include "late_start_test.h"

#define SSRC 0x11223344u
#define NPKT 300
#define MAXPKT 1500

struct pair {
	const struct mbl_srtp_suite_info *si;
	struct mbl_srtp_ctx *tx, *rx;
	uint8_t mki_len;
};

static void rand_fill(void *p, size_t n)
{
	assert_int_equal(getrandom(p, n, 0), (ssize_t)n);
}

static void pair_open(struct pair *p, enum mbl_srtp_suite s, uint8_t mki_len)
{
	struct mbl_srtp_key k;
	char err[160];

	p->si = mbl_srtp_suite_get(s);
	assert_non_null(p->si);
	memset(&k, 0, sizeof(k));
	k.suite = s;
	rand_fill(k.key, sizeof(k.key));
	rand_fill(k.salt, sizeof(k.salt));
	k.mki_len = mki_len;
	k.mki = 0x0a0b0c0d;
	p->mki_len = mki_len;
	p->tx = mbl_srtp_ctx_create(MBL_SRTP_ENGINE_LIBSRTP, &k, SSRC, true, err, sizeof(err));
	if (p->tx == NULL)
		fail_msg("%s tx: %s", p->si->name, err);
	p->rx = mbl_srtp_ctx_create(MBL_SRTP_ENGINE_LIBSRTP, &k, SSRC, false, err, sizeof(err));
	if (p->rx == NULL)
		fail_msg("%s rx: %s", p->si->name, err);
}

static void pair_close(struct pair *p)
{
	mbl_srtp_ctx_free(p->tx);
	mbl_srtp_ctx_free(p->rx);
}

static uint32_t rtp_make(uint8_t *b, uint16_t seq, uint32_t plen)
{
	b[0] = 0x80;
	b[1] = 96;
	b[2] = seq >> 8;
	b[3] = seq & 0xff;
	memset(b + 4, 0, 4);
	b[4] = (uint8_t)(seq * 7);
	b[8] = SSRC >> 24;
	b[9] = (SSRC >> 16) & 0xff;
	b[10] = (SSRC >> 8) & 0xff;
	b[11] = SSRC & 0xff;
	rand_fill(b + 12, plen);
	return 12 + plen;
}

/* An SR (RFC 3550 6.4.1) with no report blocks: 28 bytes. */
static uint32_t rtcp_make(uint8_t *b)
{
	memset(b, 0, 28);
	b[0] = 0x80;
	b[1] = 200;
	b[3] = 6;
	b[4] = SSRC >> 24;
	b[5] = (SSRC >> 16) & 0xff;
	b[6] = (SSRC >> 8) & 0xff;
	b[7] = SSRC & 0xff;
	rand_fill(b + 8, 20);
	return 28;
}

/* One protected packet in an exact-size heap buffer, and its plaintext. */
struct wire {
	uint8_t *b;
	uint32_t len;
	uint8_t plain[MAXPKT];
	uint32_t plain_len;
};

static uint32_t rtp_trailer(const struct pair *p)
{
	return p->si->srtp_tag_len + p->mki_len;
}

static uint32_t rtcp_trailer(const struct pair *p)
{
	return 4 + p->si->srtcp_tag_len + p->mki_len;
}

static void wire_rtp(struct pair *p, struct wire *w, uint16_t seq, uint32_t plen)
{
	uint32_t cap;

	w->plain_len = rtp_make(w->plain, seq, plen);
	cap = w->plain_len + rtp_trailer(p);
	w->b = malloc(cap);
	assert_non_null(w->b);
	memcpy(w->b, w->plain, w->plain_len);
	w->len = w->plain_len;
	assert_int_equal(mbl_srtp_protect(p->tx, w->b, &w->len, cap), 0);
	assert_int_equal(w->len, cap);
	if (!p->si->null_cipher && plen >= 8)
		assert_memory_not_equal(w->b + 12, w->plain + 12, plen);
	assert_memory_equal(w->b, w->plain, 12); /* the header stays clear */
}

/* Unprotect a copy (the original stays for replays); 0 or the error. */
static int wire_rx(struct pair *p, const struct wire *w)
{
	uint8_t *b = malloc(w->len);
	uint32_t len = w->len;
	int rc;

	assert_non_null(b);
	memcpy(b, w->b, w->len);
	rc = mbl_srtp_unprotect(p->rx, b, &len);
	if (rc == 0) {
		assert_int_equal(len, w->plain_len);
		assert_memory_equal(b, w->plain, len);
	}
	free(b);
	return rc;
}

static void wire_free(struct wire *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(w[i].b);
}

typedef void (*suite_fn)(enum mbl_srtp_suite s);

static void each_suite(suite_fn fn)
{
	for (int s = 0; s < MBL_SRTP_SUITE_MAX; s++)
		fn((enum mbl_srtp_suite)s);
}

static void round_trip(enum mbl_srtp_suite s)
{
	static struct wire w[NPKT];
	struct pair p;

	pair_open(&p, s, 0);
	for (int i = 0; i < NPKT; i++)
		wire_rtp(&p, &w[i], (uint16_t)(1000 + i), (uint32_t)(i * 37) % 1200);
	for (int i = 0; i < NPKT; i++)
		assert_int_equal(wire_rx(&p, &w[i]), 0);
	wire_free(w, NPKT);
	pair_close(&p);
}

static void test_round_trip(void **state)
{
	(void)state;
	each_suite(round_trip);
}

/* Sent 65533 .. 2 across the wrap; received with 65535 lost until last and
 * 1/2 swapped: 65533, 65534, 0, 2, 1, 65535 (RFC 3711 3.3.1 index guess). */
static void wrap_reorder(enum mbl_srtp_suite s)
{
	static const uint16_t sent[] = { 65533, 65534, 65535, 0, 1, 2 };
	static const int order[] = { 0, 1, 3, 5, 4, 2 };
	struct wire w[6];
	struct pair p;

	pair_open(&p, s, 0);
	for (int i = 0; i < 6; i++)
		wire_rtp(&p, &w[i], sent[i], 160);
	for (int i = 0; i < 6; i++)
		assert_int_equal(wire_rx(&p, &w[order[i]]), 0);
	/* each of them again is a replay now */
	for (int i = 0; i < 6; i++)
		assert_int_equal(wire_rx(&p, &w[i]), -EALREADY);
	wire_free(w, 6);
	pair_close(&p);
}

static void test_wrap_reorder(void **state)
{
	(void)state;
	each_suite(wrap_reorder);
}

/* Start near the top and run through two wraps (ROC 0 -> 2). */
static void roc_run(enum mbl_srtp_suite s)
{
	struct pair p;
	struct wire w;

	pair_open(&p, s, 0);
	for (uint32_t i = 0; i < 2 * 65536 + 100; i += 97) {
		wire_rtp(&p, &w, (uint16_t)(65500 + i), 40);
		assert_int_equal(wire_rx(&p, &w), 0);
		free(w.b);
	}
	pair_close(&p);
}

static void test_roc(void **state)
{
	(void)state;
	each_suite(roc_run);
}

static void replay_tamper(enum mbl_srtp_suite s)
{
	struct wire w[2];
	struct pair p;

	pair_open(&p, s, 0);
	wire_rtp(&p, &w[0], 10, 100);
	wire_rtp(&p, &w[1], 11, 100);
	/* tampered payload byte, then tampered tag byte: auth fails, and the
	 * failure leaves the window untouched so the good packet still passes */
	w[0].b[20] ^= 0x01;
	assert_int_equal(wire_rx(&p, &w[0]), -EBADMSG);
	w[0].b[20] ^= 0x01;
	w[0].b[w[0].len - 1] ^= 0x80;
	assert_int_equal(wire_rx(&p, &w[0]), -EBADMSG);
	w[0].b[w[0].len - 1] ^= 0x80;
	w[0].b[2] ^= 0x40; /* the header is authenticated too */
	assert_int_equal(wire_rx(&p, &w[0]), -EBADMSG);
	w[0].b[2] ^= 0x40;
	assert_int_equal(wire_rx(&p, &w[0]), 0);
	assert_int_equal(wire_rx(&p, &w[0]), -EALREADY);
	assert_int_equal(wire_rx(&p, &w[1]), 0);
	assert_int_equal(wire_rx(&p, &w[1]), -EALREADY);
	wire_free(w, 2);
	pair_close(&p);
}

static void test_replay_tamper(void **state)
{
	(void)state;
	each_suite(replay_tamper);
}

/* Behind the 1024-packet window: replay_old; a repeated index on send. */
static void test_replay_old(void **state)
{
	struct pair p;
	struct wire old, w;

	(void)state;
	pair_open(&p, MBL_SRTP_AES_CM_128_HMAC_SHA1_80, 0);
	wire_rtp(&p, &old, 5, 20);
	for (uint16_t seq = 6; seq < 6 + 1100; seq += 50) {
		wire_rtp(&p, &w, seq, 20);
		assert_int_equal(wire_rx(&p, &w), 0);
		free(w.b);
	}
	wire_rtp(&p, &w, 1200, 20);
	assert_int_equal(wire_rx(&p, &w), 0);
	assert_int_equal(wire_rx(&p, &old), -EALREADY);
	/* the sender refuses to reuse an index (allow_repeat_tx off: the same
	 * keystream twice would leak the XOR of two payloads) */
	memcpy(w.b, w.plain, w.plain_len);
	w.len = w.plain_len;
	assert_int_equal(mbl_srtp_protect(p.tx, w.b, &w.len, w.plain_len + rtp_trailer(&p)),
			 -EALREADY);
	free(w.b);
	free(old.b);
	pair_close(&p);
}

static void malformed_room(enum mbl_srtp_suite s)
{
	uint8_t buf[MAXPKT], copy[MAXPKT];
	struct pair p;
	struct wire w;
	uint32_t len, plain;

	pair_open(&p, s, 0);
	plain = rtp_make(buf, 7, 50);
	memcpy(copy, buf, plain);
	/* no room for the tag: refused before any byte changes */
	len = plain;
	assert_int_equal(mbl_srtp_protect(p.tx, buf, &len, plain + rtp_trailer(&p) - 1),
			 -ENOSPC);
	assert_int_equal(len, plain);
	assert_memory_equal(buf, copy, plain);
	assert_int_equal(mbl_srtp_protect(p.tx, buf, &len, plain - 1), -ENOSPC);
	/* too short to be RTP, or not version 2 */
	len = 11;
	assert_int_equal(mbl_srtp_protect(p.tx, buf, &len, sizeof(buf)), -EINVAL);
	len = plain;
	buf[0] = 0x40;
	assert_int_equal(mbl_srtp_protect(p.tx, buf, &len, sizeof(buf)), -EINVAL);
	buf[0] = 0x80;
	/* SRTP shorter than header + tag */
	wire_rtp(&p, &w, 8, 0);
	len = 12 + rtp_trailer(&p) - 1;
	assert_int_equal(mbl_srtp_unprotect(p.rx, w.b, &len), -EINVAL);
	len = 5;
	assert_int_equal(mbl_srtp_unprotect(p.rx, w.b, &len), -EINVAL);
	assert_int_equal(wire_rx(&p, &w), 0); /* still fine after the refusals */
	free(w.b);
	/* RTCP: no room, too short */
	len = rtcp_make(buf);
	assert_int_equal(mbl_srtp_protect_rtcp(p.tx, buf, &len, len + rtcp_trailer(&p) - 1),
			 -ENOSPC);
	len = 7;
	assert_int_equal(mbl_srtp_protect_rtcp(p.tx, buf, &len, sizeof(buf)), -EINVAL);
	len = 8 + rtcp_trailer(&p) - 1;
	assert_int_equal(mbl_srtp_unprotect_rtcp(p.rx, buf, &len), -EINVAL);
	pair_close(&p);
}

static void test_malformed_room(void **state)
{
	(void)state;
	each_suite(malformed_room);
}

static uint32_t be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* Unprotect a copy of b with byte at flipped: -EBADMSG. A copy, because
 * a failed unprotect may leave the buffer modified (libsrtp's GCM decrypts
 * in place before the tag check fails). */
static void rtcp_bad(struct pair *p, const uint8_t *b, uint32_t len, uint32_t at)
{
	uint8_t *t = malloc(len);
	uint32_t tlen = len;

	assert_non_null(t);
	memcpy(t, b, len);
	t[at] ^= 0x01;
	assert_int_equal(mbl_srtp_unprotect_rtcp(p->rx, t, &tlen), -EBADMSG);
	free(t);
}

/* SRTCP: E bit (RFC 3711 3.4; clear for the NULL cipher), index 1, 2, ...;
 * after the payload (HMAC suites) or after the GCM tag (RFC 7714). */
static void srtcp(enum mbl_srtp_suite s)
{
	uint8_t plain[28], *b;
	struct pair p;
	uint32_t len, cap, word, at;

	pair_open(&p, s, 0);
	for (uint32_t i = 1; i <= 5; i++) {
		rtcp_make(plain);
		cap = 28 + rtcp_trailer(&p);
		b = malloc(cap);
		assert_non_null(b);
		memcpy(b, plain, 28);
		len = 28;
		assert_int_equal(mbl_srtp_protect_rtcp(p.tx, b, &len, cap), 0);
		assert_int_equal(len, cap);
		at = p.si->aead ? 28 + p.si->srtcp_tag_len : 28;
		word = be32(b + at);
		assert_int_equal(word >> 31, p.si->null_cipher ? 0 : 1);
		assert_int_equal(word & 0x7fffffff, i);
		if (!p.si->null_cipher)
			assert_memory_not_equal(b + 8, plain + 8, 20);
		if (i == 3) { /* tampered: auth fails, then the intact one passes */
			rtcp_bad(&p, b, len, 10);
			/* the index is authenticated too (an unseen one, so the
			 * replay check lets it through to authentication) */
			rtcp_bad(&p, b, len, at + 2);
		}
		assert_int_equal(mbl_srtp_unprotect_rtcp(p.rx, b, &len), 0);
		assert_int_equal(len, 28);
		assert_memory_equal(b, plain, 28);
		free(b);
	}
	pair_close(&p);
}

static void test_srtcp(void **state)
{
	(void)state;
	each_suite(srtcp);
}

static void test_srtcp_replay(void **state)
{
	uint8_t b[128];
	struct pair p;
	uint32_t len;

	(void)state;
	pair_open(&p, MBL_SRTP_AEAD_AES_256_GCM, 0);
	len = rtcp_make(b);
	assert_int_equal(mbl_srtp_protect_rtcp(p.tx, b, &len, sizeof(b)), 0);
	uint8_t copy[128];
	uint32_t clen = len;
	memcpy(copy, b, len);
	assert_int_equal(mbl_srtp_unprotect_rtcp(p.rx, b, &len), 0);
	assert_int_equal(mbl_srtp_unprotect_rtcp(p.rx, copy, &clen), -EALREADY);
	pair_close(&p);
}

static void test_wrong_ssrc_direction(void **state)
{
	uint8_t b[256];
	struct pair p;
	struct wire w;
	uint32_t len;

	(void)state;
	pair_open(&p, MBL_SRTP_AES_CM_128_HMAC_SHA1_80, 0);
	wire_rtp(&p, &w, 100, 40);
	w.b[11] ^= 0x01; /* another SSRC on the inbound context */
	assert_int_equal(wire_rx(&p, &w), -ESRCH);
	free(w.b);
	len = rtp_make(b, 1, 40);
	b[8] ^= 0x80;
	assert_int_equal(mbl_srtp_protect(p.tx, b, &len, sizeof(b)), -ESRCH);
	b[8] ^= 0x80;
	/* direction: an inbound context never protects, and back */
	assert_int_equal(mbl_srtp_protect(p.rx, b, &len, sizeof(b)), -EPERM);
	assert_int_equal(mbl_srtp_unprotect(p.tx, b, &len), -EPERM);
	len = rtcp_make(b);
	b[7] ^= 0x01;
	assert_int_equal(mbl_srtp_protect_rtcp(p.tx, b, &len, sizeof(b)), -ESRCH);
	pair_close(&p);
}

static void mki_run(enum mbl_srtp_suite s)
{
	struct pair p, other;
	struct wire w;
	uint32_t mki_at;

	pair_open(&p, s, 3);
	wire_rtp(&p, &w, 4000, 64);
	/* RFC 3711 3.1: MKI after the payload, before the tag; RFC 7714:
	 * the AEAD tag is part of the ciphertext, so the MKI follows it */
	mki_at = w.plain_len + (p.si->aead ? p.si->srtp_tag_len : 0);
	assert_int_equal(w.b[mki_at], 0x0b);
	assert_int_equal(w.b[mki_at + 1], 0x0c);
	assert_int_equal(w.b[mki_at + 2], 0x0d);
	/* a receiver with another key (same MKI) fails to authenticate */
	pair_open(&other, s, 3);
	assert_int_equal(wire_rx(&other, &w), -EBADMSG);
	/* a wrong MKI is refused */
	w.b[mki_at] ^= 0xff;
	assert_true(wire_rx(&p, &w) < 0);
	w.b[mki_at] ^= 0xff;
	assert_int_equal(wire_rx(&p, &w), 0);
	free(w.b);
	pair_close(&other);
	pair_close(&p);
}

static void test_mki(void **state)
{
	(void)state;
	each_suite(mki_run);
}

static void test_lifetime(void **state)
{
	struct mbl_srtp_key k;
	struct mbl_srtp_ctx *c;
	uint8_t b[256];
	uint32_t len;
	char err[160];

	(void)state;
	memset(&k, 0, sizeof(k));
	k.suite = MBL_SRTP_AES_CM_128_HMAC_SHA1_80;
	k.lifetime = 3;
	rand_fill(k.key, 16);
	c = mbl_srtp_ctx_create(MBL_SRTP_ENGINE_LIBSRTP, &k, SSRC, true, err, sizeof(err));
	assert_non_null(c);
	for (uint16_t i = 0; i < 3; i++) {
		len = rtp_make(b, i, 20);
		assert_int_equal(mbl_srtp_protect(c, b, &len, sizeof(b)), 0);
	}
	len = rtp_make(b, 3, 20);
	assert_int_equal(mbl_srtp_protect(c, b, &len, sizeof(b)), -EKEYEXPIRED);
	mbl_srtp_ctx_free(c);
}

/* Rekey of an any-SSRC receiver after its stream wrapped (ROC 1), the
 * peer's first packet under the new key being SRTCP, then RTP with SEQ
 * above 32767: the next context must carry the ROC and must not let the
 * SRTCP start the RTP index (libsrtp would guess ROC - 1 then, forever). */
static void test_rekey_any_ssrc_after_wrap(void **state)
{
	enum mbl_srtp_suite su = MBL_SRTP_AES_CM_128_HMAC_SHA1_32;
	struct mbl_srtp_ctx *tx1, *rx1, *tx2, *rx2;
	struct mbl_srtp_key k1, k2;
	uint8_t b[MAXPKT];
	uint32_t len;
	char err[160];

	(void)state;
	assert_int_equal(mbl_srtp_key_random(&k1, su), 0);
	assert_int_equal(mbl_srtp_key_random(&k2, su), 0);
	tx1 = mbl_srtp_ctx_create(MBL_SRTP_ENGINE_LIBSRTP, &k1, SSRC, true, err, sizeof(err));
	rx1 = mbl_srtp_ctx_create(MBL_SRTP_ENGINE_LIBSRTP, &k1, 0, false, err, sizeof(err));
	tx2 = mbl_srtp_ctx_create(MBL_SRTP_ENGINE_LIBSRTP, &k2, SSRC, true, err, sizeof(err));
	rx2 = mbl_srtp_ctx_create(MBL_SRTP_ENGINE_LIBSRTP, &k2, 0, false, err, sizeof(err));
	assert_true(tx1 && rx1 && tx2 && rx2);
	/* 65530 .. 65535, 0 .. 40000 under the first key: ROC 1 */
	for (uint32_t i = 65530; i <= 65536 + 40000; i++) {
		len = rtp_make(b, (uint16_t)i, 20);
		assert_int_equal(mbl_srtp_protect(tx1, b, &len, sizeof(b)), 0);
		assert_int_equal(mbl_srtp_unprotect(rx1, b, &len), 0);
	}
	/* the switch: both sides carry the index over */
	assert_int_equal(mbl_srtp_ctx_inherit(tx2, tx1), 0);
	assert_int_equal(mbl_srtp_ctx_inherit(rx2, rx1), 0);
	len = rtcp_make(b);
	assert_int_equal(mbl_srtp_protect_rtcp(tx2, b, &len, sizeof(b)), 0);
	assert_int_equal(mbl_srtp_unprotect_rtcp(rx2, b, &len), 0);
	for (uint32_t seq = 40001; seq < 40100; seq++) {
		len = rtp_make(b, (uint16_t)seq, 20);
		assert_int_equal(mbl_srtp_protect(tx2, b, &len, sizeof(b)), 0);
		assert_int_equal(mbl_srtp_unprotect(rx2, b, &len), 0);
	}
	mbl_srtp_ctx_free(tx1);
	mbl_srtp_ctx_free(rx1);
	mbl_srtp_ctx_free(tx2);
	mbl_srtp_ctx_free(rx2);
}

static void test_create_errors(void **state)
{
	struct mbl_srtp_key k;
	char err[160];

	(void)state;
	memset(&k, 0, sizeof(k));
	k.suite = MBL_SRTP_AES_CM_128_HMAC_SHA1_80;
	errno = 0;
	assert_null(mbl_srtp_ctx_create(MBL_SRTP_ENGINE_CRYPTODEV, &k, SSRC, true, err,
					sizeof(err)));
	assert_int_equal(errno, ENOTSUP);
	assert_non_null(strstr(err, "cryptodev"));
	k.mki_len = 5;
	assert_null(mbl_srtp_ctx_create(MBL_SRTP_ENGINE_LIBSRTP, &k, SSRC, true, err,
					sizeof(err)));
	assert_int_equal(errno, EINVAL);
	k.mki_len = 0;
	k.suite = MBL_SRTP_SUITE_MAX;
	assert_null(mbl_srtp_ctx_create(MBL_SRTP_ENGINE_LIBSRTP, &k, SSRC, true, err,
					sizeof(err)));
	assert_int_equal(errno, EINVAL);
	mbl_srtp_ctx_free(NULL);
}

/* A sender that starts past a sequence wrap (a relay that dropped the
 * first packets): late_start_test.h, any-SSRC and known-SSRC receivers */
static void test_late_start(void **state)
{
	(void)state;
	late_start_cases(MBL_SRTP_ENGINE_LIBSRTP, 0);
	late_start_cases(MBL_SRTP_ENGINE_LIBSRTP, LATE_SSRC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_rekey_any_ssrc_after_wrap),
		cmocka_unit_test(test_wrap_reorder),
		cmocka_unit_test(test_roc),
		cmocka_unit_test(test_late_start),
		cmocka_unit_test(test_replay_tamper),
		cmocka_unit_test(test_replay_old),
		cmocka_unit_test(test_malformed_room),
		cmocka_unit_test(test_srtcp),
		cmocka_unit_test(test_srtcp_replay),
		cmocka_unit_test(test_wrong_ssrc_direction),
		cmocka_unit_test(test_mki),
		cmocka_unit_test(test_lifetime),
		cmocka_unit_test(test_create_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
