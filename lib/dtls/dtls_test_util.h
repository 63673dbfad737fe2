/* SPDX-License-Identifier: BSD-3-Clause
 * Test helpers for lib/dtls: a client and a server with identities of
 * their own, joined in memory (datagrams moved by hand, optionally
 * dropped), and checks that the exported keys agree and really work with
 * the libsrtp engine. Include after <cmocka.h>.
 */
#ifndef MBL_DTLS_TEST_UTIL_H
#define MBL_DTLS_TEST_UTIL_H

#include <stdint.h>
#include <string.h>
#include <time.h>

#include "mbl_common.h"
#include "mbl_dtls.h"
#include "mbl_srtp.h"

/* drop(arg, from_client, index of that end's datagram, bytes): true drops it */
typedef bool (*tu_drop_fn)(void *arg, bool from_client, unsigned idx, const uint8_t *d,
			   size_t n);

struct tu_pair {
	struct mbl_dtls_ident *cid, *sid;
	struct mbl_dtls_ctx *cctx, *sctx;
	struct mbl_dtls_conn *cli, *srv;
	unsigned sent[2];    /* [0] server, [1] client: datagrams output */
	unsigned dropped[2];
	uint64_t max_settle_ns; /* longest tu_settle: was the machine stalled? */
	tu_drop_fn drop;
	void *arg;
};

static inline struct mbl_dtls_ctx *tu_ctx(struct mbl_dtls_ident *id,
					  const enum mbl_srtp_suite *s, unsigned n)
{
	char err[160] = "";
	struct mbl_dtls_ctx *ctx = mbl_dtls_ctx_create(id, s, n, err, sizeof(err));

	if (ctx == NULL)
		fail_msg("ctx: %s", err);
	return ctx;
}

/* Identities and contexts; no connections yet. */
static inline void tu_init(struct tu_pair *p, const enum mbl_srtp_suite *cs, unsigned cn,
			   const enum mbl_srtp_suite *ss, unsigned sn)
{
	char err[160] = "";

	memset(p, 0, sizeof(*p));
	p->cid = mbl_dtls_ident_create(err, sizeof(err));
	p->sid = mbl_dtls_ident_create(err, sizeof(err));
	if (p->cid == NULL || p->sid == NULL)
		fail_msg("ident: %s", err);
	p->cctx = tu_ctx(p->cid, cs, cn);
	p->sctx = tu_ctx(p->sid, ss, sn);
}

/* Connections expecting the given fingerprints (NULL: the right sha-256). */
static inline void tu_conns(struct tu_pair *p, const char *c_alg, const char *c_fp,
			    const char *s_alg, const char *s_fp, uint64_t timeout_ns)
{
	char err[160] = "";

	p->cli = mbl_dtls_conn_create(p->cctx, MBL_DTLS_CLIENT, c_alg ? c_alg : "sha-256",
				      c_fp ? c_fp : mbl_dtls_ident_fingerprint(p->sid),
				      timeout_ns, err, sizeof(err));
	if (p->cli == NULL)
		fail_msg("client: %s", err);
	p->srv = mbl_dtls_conn_create(p->sctx, MBL_DTLS_SERVER, s_alg ? s_alg : "sha-256",
				      s_fp ? s_fp : mbl_dtls_ident_fingerprint(p->cid),
				      timeout_ns, err, sizeof(err));
	if (p->srv == NULL)
		fail_msg("server: %s", err);
	memset(p->sent, 0, sizeof(p->sent));
	memset(p->dropped, 0, sizeof(p->dropped));
	p->max_settle_ns = 0;
}

static inline void tu_conns_free(struct tu_pair *p)
{
	mbl_dtls_conn_free(p->cli);
	mbl_dtls_conn_free(p->srv);
	p->cli = p->srv = NULL;
}

static inline void tu_fini(struct tu_pair *p)
{
	tu_conns_free(p);
	mbl_dtls_ctx_free(p->cctx);
	mbl_dtls_ctx_free(p->sctx);
	mbl_dtls_ident_free(p->cid);
	mbl_dtls_ident_free(p->sid);
}

/* Every waiting datagram of one end into the other (each <= the MTU).
 * Returns how many were delivered. */
static inline unsigned tu_move(struct tu_pair *p, bool from_client, uint64_t now)
{
	struct mbl_dtls_conn *src = from_client ? p->cli : p->srv;
	struct mbl_dtls_conn *dst = from_client ? p->srv : p->cli;
	uint8_t buf[MBL_DTLS_MTU + 200];
	unsigned moved = 0;
	int n;

	while ((n = mbl_dtls_conn_output(src, buf, sizeof(buf))) > 0) {
		unsigned idx = p->sent[from_client]++;

		assert_true(n <= MBL_DTLS_MTU);
		if (p->drop && p->drop(p->arg, from_client, idx, buf, (size_t)n)) {
			p->dropped[from_client]++;
			continue;
		}
		mbl_dtls_conn_input(dst, buf, (size_t)n, now);
		moved++;
	}
	assert_int_equal(n, 0);
	return moved;
}

/* Move datagrams both ways until neither end has anything to say. */
static inline void tu_settle(struct tu_pair *p)
{
	uint64_t t0 = mbl_time_ns();

	for (int i = 0; i < 32; i++) {
		uint64_t now = mbl_time_ns();

		if (tu_move(p, true, now) + tu_move(p, false, now) == 0) {
			now = mbl_time_ns();
			if (now - t0 > p->max_settle_ns)
				p->max_settle_ns = now - t0;
			return;
		}
	}
	fail_msg("the two ends never stopped talking");
}

static inline void tu_start(struct tu_pair *p)
{
	uint64_t now = mbl_time_ns();

	assert_int_equal(mbl_dtls_conn_start(p->srv, now), MBL_DTLS_HANDSHAKING);
	assert_int_equal(mbl_dtls_conn_start(p->cli, now), MBL_DTLS_HANDSHAKING);
}

static inline void tu_sleep_until(uint64_t t)
{
	uint64_t now = mbl_time_ns();
	struct timespec ts;

	if (t <= now)
		return;
	ts.tv_sec = (time_t)((t - now) / MBL_NS_PER_S);
	ts.tv_nsec = (long)((t - now) % MBL_NS_PER_S);
	nanosleep(&ts, NULL);
	while (mbl_time_ns() < t)
		;
}

/* Settle, then wait for the earlier deadline of the two and tick it,
 * until both ends are out of HANDSHAKING or rounds run out. */
static inline void tu_run(struct tu_pair *p, int rounds)
{
	for (int i = 0; i < rounds; i++) {
		uint64_t dc, ds, d;

		tu_settle(p);
		if (mbl_dtls_conn_state(p->cli) != MBL_DTLS_HANDSHAKING &&
		    mbl_dtls_conn_state(p->srv) != MBL_DTLS_HANDSHAKING)
			return;
		dc = mbl_dtls_conn_deadline(p->cli);
		ds = mbl_dtls_conn_deadline(p->srv);
		d = dc < ds ? dc : ds;
		assert_true(d != UINT64_MAX);
		tu_sleep_until(d);
		mbl_dtls_conn_tick(p->cli, mbl_time_ns());
		mbl_dtls_conn_tick(p->srv, mbl_time_ns());
	}
	tu_settle(p);
}

/* RTP packet (RFC 3550 5.1) with a fixed payload pattern. */
static inline uint32_t tu_rtp(uint8_t *b, uint32_t ssrc, uint16_t seq)
{
	memset(b, 0, 12);
	b[0] = 0x80;
	b[1] = 0;
	b[2] = (uint8_t)(seq >> 8);
	b[3] = (uint8_t)seq;
	b[8] = (uint8_t)(ssrc >> 24);
	b[9] = (uint8_t)(ssrc >> 16);
	b[10] = (uint8_t)(ssrc >> 8);
	b[11] = (uint8_t)ssrc;
	for (int i = 0; i < 160; i++)
		b[12 + i] = (uint8_t)(i * 3 + seq);
	return 172;
}

/* Protect with tx, unprotect with rx (libsrtp engine); the result of
 * unprotect, and on success the packet must be the original. */
static inline int tu_srtp_pass(const struct mbl_srtp_key *tx, const struct mbl_srtp_key *rx)
{
	const uint32_t ssrc = 0x5eed1234u;
	uint8_t pkt[256], orig[256];
	uint32_t len = tu_rtp(orig, ssrc, 7), olen = len;
	char err[160] = "";
	struct mbl_srtp_ctx *t, *r;
	int rc;

	t = mbl_srtp_ctx_create(MBL_SRTP_ENGINE_LIBSRTP, tx, ssrc, true, err, sizeof(err));
	if (t == NULL)
		fail_msg("srtp tx: %s", err);
	r = mbl_srtp_ctx_create(MBL_SRTP_ENGINE_LIBSRTP, rx, ssrc, false, err, sizeof(err));
	if (r == NULL)
		fail_msg("srtp rx: %s", err);
	memcpy(pkt, orig, len);
	assert_int_equal(mbl_srtp_protect(t, pkt, &len, sizeof(pkt)), 0);
	assert_true(len > olen);
	assert_memory_not_equal(pkt + 12, orig + 12, olen - 12);
	rc = mbl_srtp_unprotect(r, pkt, &len);
	if (rc == 0) {
		assert_int_equal(len, olen);
		assert_memory_equal(pkt, orig, olen);
	}
	mbl_srtp_ctx_free(t);
	mbl_srtp_ctx_free(r);
	return rc;
}

/* Both DONE with suite s; client tx == server rx and the other way,
 * key and salt; the directions differ; and the keys carry SRTP. */
static inline void tu_assert_keys(struct tu_pair *p, enum mbl_srtp_suite s)
{
	const struct mbl_srtp_suite_info *si = mbl_srtp_suite_get(s);
	struct mbl_srtp_key ctx, crx, stx, srx;

	assert_int_equal(mbl_dtls_conn_state(p->cli), MBL_DTLS_DONE);
	assert_int_equal(mbl_dtls_conn_state(p->srv), MBL_DTLS_DONE);
	assert_int_equal(mbl_dtls_conn_keys(p->cli, &ctx, &crx), 0);
	assert_int_equal(mbl_dtls_conn_keys(p->srv, &stx, &srx), 0);
	assert_int_equal(ctx.suite, s);
	assert_int_equal(crx.suite, s);
	assert_int_equal(stx.suite, s);
	assert_int_equal(srx.suite, s);
	assert_memory_equal(ctx.key, srx.key, si->key_len);
	assert_memory_equal(ctx.salt, srx.salt, si->salt_len);
	assert_memory_equal(stx.key, crx.key, si->key_len);
	assert_memory_equal(stx.salt, crx.salt, si->salt_len);
	assert_memory_not_equal(ctx.key, crx.key, si->key_len);
	assert_memory_not_equal(ctx.salt, crx.salt, si->salt_len);
	assert_true(ctx.lifetime == 0 && ctx.mki_len == 0 && crx.lifetime == 0 && crx.mki_len == 0);
	assert_int_equal(tu_srtp_pass(&ctx, &srx), 0);
	assert_int_equal(tu_srtp_pass(&stx, &crx), 0);
	/* the wrong direction's key does not authenticate */
	assert_int_equal(tu_srtp_pass(&ctx, &crx), -EBADMSG);
}

#endif /* MBL_DTLS_TEST_UTIL_H */
