/* SPDX-License-Identifier: BSD-3-Clause
 * Tests: RTCP compound walk, report blocks, SR/SDES, XR blocks (RFC 3611)
 * and their burst/gap model, generic NACK (RFC 4585).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mbl_rtcp.h"

/* Exact-size heap copy so ASan flags any read past len. */
static uint8_t *dup_exact(const uint8_t *p, uint32_t len)
{
	uint8_t *q = malloc(len ? len : 1);
	assert_non_null(q);
	memcpy(q, p, len);
	return q;
}

/* RR (8) + SDES (12) + BYE with padding (12) */
static const uint8_t compound[] = {
	0x80, 201, 0, 1, 0, 0, 0, 1,
	0x81, 202, 0, 2, 0, 0, 0, 1, 1, 1, 'x', 0,
	0xa1, 203, 0, 2, 0, 0, 0, 1, 0, 0, 0, 4,
};

static int walk_exact(const uint8_t *p, uint32_t len,
		      struct mbl_rtcp_info *ci)
{
	uint8_t *q = dup_exact(p, len);
	int rc = mbl_rtcp_walk(q, len, ci);
	free(q);
	return rc;
}

static void test_rtcp_walk(void **state)
{
	(void)state;
	struct mbl_rtcp_info ci;
	uint8_t p[sizeof(compound)];

	assert_int_equal(walk_exact(compound, sizeof(compound), &ci), 0);
	assert_int_equal(ci.n_pkts, 3);
	assert_int_equal(ci.pad_len, 4);
	assert_int_equal(ci.pkt[0].pt, 201);
	assert_int_equal(ci.pkt[1].off, 8);
	assert_int_equal(ci.pkt[1].len, 12);
	assert_int_equal(ci.pkt[1].count, 1);
	assert_int_equal(ci.pkt[2].pt, 203);
	assert_int_equal(ci.pkt[2].off, 20);

	for (uint32_t len = 0; len < sizeof(compound); len++) {
		int rc = walk_exact(compound, len, &ci);
		assert_int_equal(rc, len < 8 ? -MBL_RTP_DROP_rtcp_short
				     : len == 8 || len == 20
					     ? 0 /* RR, RR + SDES */
					     : -MBL_RTP_DROP_rtcp_bad_length);
	}
	memcpy(p, compound, sizeof(p));
	p[8] = 0x41;
	assert_int_equal(walk_exact(p, sizeof(p), &ci),
			 -MBL_RTP_DROP_rtcp_bad_version);
	memcpy(p, compound, sizeof(p));
	p[1] = 202; /* SDES first: A.2 refuses it */
	assert_int_equal(walk_exact(p, sizeof(p), &ci),
			 -MBL_RTP_DROP_rtcp_bad_first_pt);
	/* reduced-size (RFC 5506): a lone feedback message is RTCP */
	for (unsigned pt = MBL_RTCP_RTPFB; pt <= MBL_RTCP_PSFB; pt++) {
		memcpy(p, compound, sizeof(p));
		p[1] = (uint8_t)pt;
		assert_int_equal(walk_exact(p, sizeof(p), &ci), 0);
		assert_int_equal(ci.pkt[0].pt, pt);
	}
	memcpy(p, compound, sizeof(p));
	p[1] = 207; /* XR alone is no reduced-size packet */
	assert_int_equal(walk_exact(p, sizeof(p), &ci),
			 -MBL_RTP_DROP_rtcp_bad_first_pt);
	memcpy(p, compound, sizeof(p));
	p[0] = 0xa0; /* padding on the first of three */
	assert_int_equal(walk_exact(p, sizeof(p), &ci),
			 -MBL_RTP_DROP_rtcp_bad_padding);
	memcpy(p, compound, sizeof(p));
	p[31] = 9; /* more than the BYE's 8 bytes after its header */
	assert_int_equal(walk_exact(p, sizeof(p), &ci),
			 -MBL_RTP_DROP_rtcp_bad_padding);
	p[31] = 0;
	assert_int_equal(walk_exact(p, sizeof(p), &ci),
			 -MBL_RTP_DROP_rtcp_bad_padding);
	memcpy(p, compound, sizeof(p));
	p[11] = 1; /* SDES length one word short: walk misaligns */
	assert_int_not_equal(walk_exact(p, sizeof(p), &ci), 0);
	p[11] = 6; /* runs past the end */
	assert_int_equal(walk_exact(p, sizeof(p), &ci),
			 -MBL_RTP_DROP_rtcp_bad_length);
}

static void test_rtcp_many(void **state)
{
	(void)state;
	uint8_t p[8 * 12];
	struct mbl_rtcp_info ci;

	for (int i = 0; i < 12; i++) {
		uint8_t rr[8] = {0x80, 201, 0, 1, 0, 0, 0, (uint8_t)i};
		memcpy(p + 8 * i, rr, 8);
	}
	assert_int_equal(walk_exact(p, sizeof(p), &ci), 0);
	assert_int_equal(ci.n_pkts, 12);
	assert_int_equal(ci.pkt[MBL_RTCP_MAX_PKTS - 1].off, 56);
}

/* SR + report block + SDES as one compound: the walk accepts what we
 * write, and the fields read back; the cumulative loss clamps to 24 bits. */
static void test_sr_rb_sdes(void **state)
{
	(void)state;
	uint8_t p[MBL_RTCP_SR_LEN + MBL_RTCP_RB_LEN + MBL_RTCP_SDES_MAX];
	struct mbl_rtcp_sr sr = {.ssrc = 0x11223344, .ntp = 0x0102030405060708ULL,
				 .rtp_ts = 160, .packets = 7, .octets = 1120};
	struct mbl_rtcp_rb rb = {.ssrc = 0xcafe, .fraction = 12, .lost = -3, .ext_seq = 0x1ffff,
				 .jitter = 9, .lsr = 0x03040506, .dlsr = 65536}, got;
	struct mbl_rtcp_info ci;
	unsigned n = mbl_rtcp_sr_put(p, &sr, &rb);
	uint8_t *q;

	assert_int_equal(n, 52);
	assert_int_equal(p[0], 0x81);
	assert_int_equal(p[1], MBL_RTCP_SR);
	assert_int_equal(p[3], 12);
	assert_int_equal(p[8], 0x01);
	assert_int_equal(p[15], 0x08);
	n += mbl_rtcp_sdes_cname_put(p + n, sr.ssrc, "abc@x");
	assert_int_equal(n, 52 + 16); /* 4 + 4 + 2 + 5 + a null octet */
	assert_int_equal(p[52 + 3], 3);
	assert_int_equal(p[52 + 9], 5);
	assert_memory_equal(p + 52 + 10, "abc@x", 5);
	assert_int_equal(p[52 + 15], 0);
	q = dup_exact(p, n);
	assert_int_equal(mbl_rtcp_walk(q, n, &ci), 0);
	free(q);
	assert_int_equal(ci.n_pkts, 2);
	assert_int_equal(ci.pkt[0].count, 1);
	assert_int_equal(ci.pkt[1].pt, MBL_RTCP_SDES);
	mbl_rtcp_rb_get(p + 28, &got);
	assert_int_equal(got.ssrc, 0xcafe);
	assert_int_equal(got.fraction, 12);
	assert_int_equal(got.lost, -3);
	assert_int_equal(got.ext_seq, 0x1ffff);
	assert_int_equal(got.jitter, 9);
	assert_int_equal(got.lsr, 0x03040506);
	assert_int_equal(got.dlsr, 65536);
	rb.lost = 0x7fffffff;
	mbl_rtcp_rb_put(p, &rb);
	mbl_rtcp_rb_get(p, &got);
	assert_int_equal(got.lost, 0x7fffff);
	rb.lost = -0x7fffffff;
	mbl_rtcp_rb_put(p, &rb);
	mbl_rtcp_rb_get(p, &got);
	assert_int_equal(got.lost, -0x800000);
}

static struct mbl_rtcp_xr_voip voip_sample(uint32_t ssrc)
{
	struct mbl_rtcp_xr_voip v = {
		.ssrc = ssrc, .loss_rate = 13, .discard_rate = 2, .burst_density = 200,
		.gap_density = 5, .burst_ms = 60, .gap_ms = 4000, .rtt_ms = 42,
		.end_delay_ms = 70, .signal_dbm = MBL_RTCP_XR_UNAVAILABLE,
		.noise_dbm = -60, .rerl = MBL_RTCP_XR_UNAVAILABLE, .gmin = MBL_RTCP_XR_GMIN,
		.r_factor = 88, .ext_r_factor = MBL_RTCP_XR_UNAVAILABLE, .mos_lq = 42,
		.mos_cq = 41, .rx_config = 0x40, .jb_nominal_ms = 40, .jb_max_ms = 80,
		.jb_abs_max_ms = 200,
	};
	return v;
}

/* Both blocks written and read back; the layout is RFC 3611's, checked at
 * fixed offsets (4.6 and 4.7 figures) so a symmetric mistake cannot pass. */
static void test_xr_roundtrip(void **state)
{
	(void)state;
	uint8_t p[MBL_RTCP_XR_MAX], *q;
	struct mbl_rtcp_xr_ssum ss = {.ssrc = 0xabcdef01, .begin_seq = 65530, .end_seq = 20,
				      .has_lost = true, .has_dup = true, .has_jitter = true,
				      .lost = 3, .dup = 1, .jit_min = 1, .jit_max = 80,
				      .jit_mean = 12, .jit_dev = 7};
	struct mbl_rtcp_xr_voip vm = voip_sample(0xabcdef01);
	struct mbl_rtcp_xr_view v;
	unsigned n = mbl_rtcp_xr_put(p, 0x55, &ss, &vm);

	assert_int_equal(n, MBL_RTCP_XR_MAX);
	assert_int_equal(p[0], 0x80);
	assert_int_equal(p[1], MBL_RTCP_XR);
	assert_int_equal(p[3], n / 4 - 1);
	/* statistics summary: BT 6, L|D|J, ToH 0, length 9 */
	assert_int_equal(p[8], 6);
	assert_int_equal(p[9], 0xe0);
	assert_int_equal(p[11], 9);
	assert_int_equal(p[16] << 8 | p[17], 65530);
	assert_int_equal(p[18] << 8 | p[19], 20);
	assert_int_equal(p[23], 3);
	assert_int_equal(p[35], 80);
	/* VoIP metrics: BT 7, length 8, loss rate at +8, R factor at +24 */
	assert_int_equal(p[48], 7);
	assert_int_equal(p[51], 8);
	assert_int_equal(p[56], 13);
	assert_int_equal(p[58], 200);
	assert_int_equal(p[64] << 8 | p[65], 42);
	assert_int_equal((int8_t)p[69], -60);
	assert_int_equal(p[71], 16);
	assert_int_equal(p[72], 88);
	assert_int_equal(p[74], 42);
	assert_int_equal(p[82] << 8 | p[83], 200);

	q = dup_exact(p, n);
	assert_int_equal(mbl_rtcp_xr_parse(q, n, 0xabcdef01, &v), 0);
	assert_true(v.has_ssum && v.has_voip);
	assert_int_equal(v.blocks, 2);
	assert_int_equal(v.other, 0);
	assert_int_equal(v.ssum.lost, 3);
	assert_int_equal(v.ssum.dup, 1);
	assert_int_equal(v.ssum.begin_seq, 65530);
	assert_int_equal(v.ssum.jit_dev, 7);
	assert_int_equal(v.voip.ssrc, vm.ssrc);
	assert_int_equal(v.voip.loss_rate, 13);
	assert_int_equal(v.voip.discard_rate, 2);
	assert_int_equal(v.voip.gap_density, 5);
	assert_int_equal(v.voip.burst_ms, 60);
	assert_int_equal(v.voip.gap_ms, 4000);
	assert_int_equal(v.voip.rtt_ms, 42);
	assert_int_equal(v.voip.end_delay_ms, 70);
	assert_int_equal(v.voip.signal_dbm, MBL_RTCP_XR_UNAVAILABLE);
	assert_int_equal(v.voip.noise_dbm, -60);
	assert_int_equal(v.voip.gmin, 16);
	assert_int_equal(v.voip.r_factor, 88);
	assert_int_equal(v.voip.mos_lq, 42);
	assert_int_equal(v.voip.mos_cq, 41);
	assert_int_equal(v.voip.rx_config, 0x40);
	assert_int_equal(v.voip.jb_nominal_ms, 40);
	assert_int_equal(v.voip.jb_max_ms, 80);
	assert_int_equal(v.voip.jb_abs_max_ms, 200);
	/* about another stream: read past, counted as other */
	assert_int_equal(mbl_rtcp_xr_parse(q, n, 1, &v), 0);
	assert_false(v.has_ssum || v.has_voip);
	assert_int_equal(v.other, 2);
	free(q);

	/* flags off: the fields are zero on the wire and read as absent */
	ss.has_dup = ss.has_jitter = false;
	n = mbl_rtcp_xr_put(p, 0x55, &ss, NULL);
	assert_int_equal(n, 8 + 40);
	assert_int_equal(p[9], 0x80);
	assert_int_equal(p[27], 0);
	assert_int_equal(mbl_rtcp_xr_parse(p, n, 0xabcdef01, &v), 0);
	assert_true(v.has_ssum && !v.has_voip && v.ssum.has_lost && !v.ssum.has_jitter);
	assert_int_equal(v.ssum.jit_max, 0);
}

/* A block length running past the packet stops the walk with -1, what was
 * read before kept; an unknown block type is skipped by its length. */
static void test_xr_malformed(void **state)
{
	(void)state;
	uint8_t p[8 + 12 + 36], *q;
	struct mbl_rtcp_xr_voip vm = voip_sample(9);
	struct mbl_rtcp_xr_view v;

	memset(p, 0, sizeof(p));
	p[0] = 0x80;
	p[1] = MBL_RTCP_XR;
	p[3] = sizeof(p) / 4 - 1;
	p[8] = 4; /* RRTR (4.4): 2 words of NTP time */
	p[11] = 2;
	/* an XR of its own at 12 puts its VoIP block at 20, after the RRTR;
	 * its 8-byte header lands in the RRTR's NTP time, which is opaque */
	mbl_rtcp_xr_put(p + 12, 0, NULL, &vm);
	q = dup_exact(p, sizeof(p));
	assert_int_equal(mbl_rtcp_xr_parse(q, sizeof(p), 9, &v), 0);
	assert_true(v.has_voip);
	assert_int_equal(v.blocks, 2);
	assert_int_equal(v.other, 1);
	q[23] = 9; /* VoIP block claims 40 bytes of the 36 left */
	assert_int_equal(mbl_rtcp_xr_parse(q, sizeof(p), 9, &v), -1);
	assert_false(v.has_voip);
	assert_int_equal(v.other, 1);
	assert_int_equal(mbl_rtcp_xr_parse(q, 6, 9, &v), -1);
	free(q);
}

static void feed(struct mbl_rtcp_burst *b, const char *pattern, unsigned times)
{
	for (unsigned t = 0; t < times; t++)
		for (const char *c = pattern; *c; c++)
			mbl_rtcp_burst_packet(b, *c == 'x', MBL_RTCP_XR_GMIN);
}

/* RFC 3611 4.7.2's model on known patterns (20 ms packets). */
static void test_burst_model(void **state)
{
	(void)state;
	struct mbl_rtcp_burst b;
	struct mbl_rtcp_xr_voip m;

	/* no loss: one gap as long as the run */
	memset(&b, 0, sizeof(b));
	feed(&b, ".", 500);
	mbl_rtcp_burst_metrics(&b, MBL_RTCP_XR_GMIN, 20, &m);
	assert_int_equal(m.burst_density, 0);
	assert_int_equal(m.gap_density, 0);
	assert_int_equal(m.burst_ms, 0);
	assert_int_equal(m.gap_ms, 10000);

	/* one loss in 20, far apart (> Gmin): isolated losses in the gap */
	memset(&b, 0, sizeof(b));
	feed(&b, "...................x", 50);
	mbl_rtcp_burst_metrics(&b, MBL_RTCP_XR_GMIN, 20, &m);
	assert_int_equal(m.burst_density, 0);
	assert_in_range(m.gap_density, 12, 14); /* 256 / 20 */
	assert_int_equal(m.burst_ms, 0);

	/* 500 received, 10 lost in a row, 490 received: one burst of 10
	 * packets all lost, the rest a clean gap */
	memset(&b, 0, sizeof(b));
	feed(&b, ".", 500);
	feed(&b, "x", 10);
	feed(&b, ".", 490);
	mbl_rtcp_burst_metrics(&b, MBL_RTCP_XR_GMIN, 20, &m);
	assert_int_equal(m.burst_density, 255);
	assert_int_equal(m.gap_density, 0);
	assert_int_equal(m.burst_ms, 200);
	assert_int_equal(m.gap_ms, 9900); /* two gaps: 500 and 490 packets */

	/* bursts of every other packet lost (x.x.x.x.x.) between long gaps:
	 * half the burst's packets lost */
	memset(&b, 0, sizeof(b));
	for (int i = 0; i < 20; i++) {
		feed(&b, ".", 100);
		feed(&b, "x.", 5);
	}
	mbl_rtcp_burst_metrics(&b, MBL_RTCP_XR_GMIN, 20, &m);
	assert_int_equal(m.burst_density, 141); /* 100 lost of 19 x 9 + 10 */
	assert_int_equal(m.gap_density, 0);
	assert_int_equal(m.burst_ms, 181);      /* 9 packets, the last 10 */
	assert_int_equal(m.gap_ms, 2019);       /* 100 then 19 x 101 */
}

/* n losses at once are n single losses */
static void test_burst_lost_run(void **state)
{
	(void)state;
	struct mbl_rtcp_burst a, b;
	static const unsigned runs[] = {1, 3, 1, 1, 40, 2};

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	for (unsigned i = 0; i < 6; i++) {
		feed(&a, ".", 5 + 10 * i);
		feed(&b, ".", 5 + 10 * i);
		for (unsigned k = 0; k < runs[i]; k++)
			mbl_rtcp_burst_packet(&a, true, MBL_RTCP_XR_GMIN);
		mbl_rtcp_burst_lost(&b, runs[i], MBL_RTCP_XR_GMIN);
	}
	mbl_rtcp_burst_lost(&b, 0, MBL_RTCP_XR_GMIN);
	assert_memory_equal(&a, &b, offsetof(struct mbl_rtcp_burst, gap_open));
	assert_int_equal(a.gap_open, b.gap_open);
}

/* NACK: consecutive and sparse SEQs pack into PID/BLP pairs and read back
 * exactly, across the 16-bit wrap; more than 16 pairs are left for later. */
static void test_nack(void **state)
{
	(void)state;
	uint8_t p[MBL_RTCP_NACK_MAX + 4], *q;
	uint16_t seq[64], out[300];
	unsigned n, taken, i;
	struct mbl_rtcp_info ci;

	/* 65535, 0 (the wrap) and 14 ride on PID 65534; 15 is 17 after it */
	seq[0] = 65534, seq[1] = 65535, seq[2] = 0, seq[3] = 14, seq[4] = 15, seq[5] = 100;
	n = mbl_rtcp_nack_put(p, 1, 2, seq, 6, &taken);
	assert_int_equal(taken, 6);
	/* 65534 + bits 0, 1, 15 (65535, 0, 14) | 15 alone | 100 alone */
	assert_int_equal(n, 12 + 4 * 3);
	assert_int_equal(p[0], 0x81);
	assert_int_equal(p[1], MBL_RTCP_RTPFB);
	assert_int_equal(p[3], n / 4 - 1);
	assert_int_equal(mbl_rtcp_fb_media(p, n), 2);
	assert_int_equal(p[12] << 8 | p[13], 65534);
	assert_int_equal(p[14] << 8 | p[15], 0x8003);
	q = dup_exact(p, n);
	assert_int_equal(mbl_rtcp_walk(q, n, &ci), 0); /* reduced-size alone */
	assert_int_equal(mbl_rtcp_nack_seqs(q + 12, n - 12, out, 300), 6);
	free(q);
	assert_memory_equal(out, seq, 6 * sizeof(uint16_t));

	/* 64 SEQs 20 apart need 64 pairs: 16 fit */
	for (i = 0; i < 64; i++)
		seq[i] = (uint16_t)(1000 + 20 * i);
	n = mbl_rtcp_nack_put(p, 1, 2, seq, 64, &taken);
	assert_int_equal(taken, 16);
	assert_int_equal(n, MBL_RTCP_NACK_MAX);
	assert_int_equal(mbl_rtcp_nack_seqs(p + 12, n - 12, out, 300), 16);
	assert_int_equal(out[15], 1300);
	/* nothing to name: nothing written */
	assert_int_equal(mbl_rtcp_nack_put(p, 1, 2, seq, 0, &taken), 0);
	assert_int_equal(taken, 0);
	/* a full BLP names 17 and the count goes past max without writing */
	p[0] = 0, p[1] = 5, p[2] = 0xff, p[3] = 0xff;
	assert_int_equal(mbl_rtcp_nack_seqs(p, 4, out, 3), 17);
	assert_int_equal(out[2], 7);
	assert_int_equal(mbl_rtcp_fb_media(p, 11), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rtcp_walk),
		cmocka_unit_test(test_rtcp_many),
		cmocka_unit_test(test_sr_rb_sdes),
		cmocka_unit_test(test_xr_roundtrip),
		cmocka_unit_test(test_xr_malformed),
		cmocka_unit_test(test_burst_model),
		cmocka_unit_test(test_burst_lost_run),
		cmocka_unit_test(test_nack),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
