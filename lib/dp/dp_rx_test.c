/* SPDX-License-Identifier: BSD-3-Clause
 * lib/dp receive accounting without EAL: a sender A (10.0.0.1:10000 ->
 * 10.0.1.1:20000) builds packets with dp_build_rtp / dp_build_rtcp and
 * a mirrored receiver B takes their UDP payloads through
 * dp_rx_udp_payload() on a hand-built worker: sequence statistics,
 * drops by reason, SSRC change, probe delay and RTT (RFC 3550 6.4.1). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dp_priv.h"

#define BUF_LEN (MBL_NET_TMPL_MAX + DP_RTCP_MAX + MBL_PAYLOAD_MAX_FRAME)
#define MS 1000000ull

struct side {
	struct mbl_dp dp;
	struct dp_worker *w;
};

struct fix {
	struct side a, b;
	struct mbl_payload pl;
	uint8_t buf[8][BUF_LEN] __attribute__((aligned(8)));
	uint16_t len[8];
};

static void side_init(struct side *x, const struct mbl_payload *pl, const char *local,
		      uint16_t lport, const char *remote, uint16_t rport, uint32_t streams,
		      uint32_t ssrc)
{
	struct mbl_dp_conf *c = &x->dp.conf;
	static const uint8_t mac[6] = {0x02, 0, 0, 0, 0, 1};

	assert_int_equal(mbl_ip_range_parse(local, &c->local), 0);
	assert_int_equal(mbl_ip_range_parse(remote, &c->remote), 0);
	c->local_port = lport;
	c->remote_port = rport;
	c->port_step = 2;
	c->streams = streams;
	c->codec = mbl_codec_find("PCMU");
	c->pt = 0;
	c->ptime_ms = 20;
	c->dtmf_pt = 101;
	c->frames = pl;
	c->rtcp = true;
	c->rtcp_mux = true;
	x->dp.csum_mode = MBL_NET_CSUM_SW;
	x->dp.ts_step = 160;
	x->dp.s = calloc(streams, sizeof(*x->dp.s));
	x->dp.r = calloc(streams, sizeof(*x->dp.r));
	x->w = aligned_alloc(64, (sizeof(*x->w) + 63) & ~(size_t)63);
	assert_true(x->dp.s && x->dp.r && x->w);
	memset(x->w, 0, sizeof(*x->w));
	x->w->dp = &x->dp;
	x->w->n = streams;
	x->dp.w = x->w;
	x->dp.n_workers = 1;
	x->dp.per_worker = streams;
	for (uint32_t i = 0; i < streams; i++) {
		uint8_t lip[16], rip[16];
		uint16_t lp, rp;

		dp_stream_local(c, i, lip, &lp);
		dp_stream_remote(c, i, rip, &rp);
		assert_int_equal(mbl_net_udp_tmpl_build(&x->dp.s[i].tmpl, mac, mac, 0, 4, lip,
							rip, lp, rp, 0, 64), 0);
		x->dp.s[i].ssrc = ssrc + i;
		x->dp.s[i].seq = 65533;
		x->dp.s[i].ts = 1000;
		x->dp.s[i].marker_next = true;
		mbl_rx_seq_init(&x->dp.r[i].seq);
		mbl_rx_jitter_init(&x->dp.r[i].jit);
	}
}

static void side_fini(struct side *x)
{
	free(x->dp.s);
	free(x->dp.r);
	free(x->w);
}

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	if (f == NULL || mbl_payload_tone(&f->pl, mbl_codec_find("PCMU"), 20, 1000, -10) < 0)
		return -1;
	side_init(&f->a, &f->pl, "10.0.0.1", 10000, "10.0.1.1", 20000, 2, 0xa0000000u);
	side_init(&f->b, &f->pl, "10.0.1.1", 20000, "10.0.0.1", 10000, 2, 0xb0000000u);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	side_fini(&f->a);
	side_fini(&f->b);
	mbl_payload_free(&f->pl);
	free(f);
	return 0;
}

/* Build n packets of A's stream i into f->buf[0..n). */
static void build(struct fix *f, uint32_t i, unsigned n, uint64_t now_ns)
{
	bool dtmf;

	for (unsigned k = 0; k < n; k++)
		f->len[k] = dp_build_rtp(&f->a.dp, &f->a.dp.s[i], i, f->buf[k], now_ns, &dtmf);
}

/* Hand packet k's UDP payload to B's worker as stream i. */
static void deliver(struct fix *f, unsigned k, uint32_t i, bool rtcp, uint64_t now_ns)
{
	struct mbl_net_info ni;

	assert_int_equal(mbl_net_parse(f->buf[k], f->len[k], 0, &ni), MBL_NET_C_UDP);
	dp_rx_udp_payload(f->b.w, i, rtcp, f->buf[k] + ni.payload_off, ni.payload_len, now_ns);
}

/* seqs 65533 .. 3 built; delivered 65533 65534 65535 65535 1 0 3: one
 * duplicate, one reordered, seq 2 lost; the wrap extends the highest seq
 * to 65536 + 3 and expected is 7. */
static void test_rx_seq_accounting(void **state)
{
	static const unsigned order[] = {0, 1, 2, 2, 4, 3, 6};
	struct fix *f = *state;
	struct dp_rx *r = &f->b.dp.r[0];
	struct dp_worker *w = f->b.w;

	build(f, 0, 7, 0);
	for (unsigned k = 0; k < MBL_ARRAY_SIZE(order); k++)
		deliver(f, order[k], 0, false, 1000 * MS + k * 20 * MS);
	assert_true(r->have_peer);
	assert_int_equal(r->peer_ssrc, 0xa0000000u);
	assert_int_equal(r->seq.received, 6);
	assert_int_equal(r->seq.duplicates, 1);
	assert_int_equal(r->seq.reordered, 1);
	assert_int_equal(mbl_rx_seq_expected(&r->seq), 7);
	assert_int_equal(mbl_rx_seq_lost(&r->seq), 1);
	assert_int_equal(mbl_rx_seq_ext_max(&r->seq), 65536 + 3);
	assert_int_equal(r->packets, 6);
	assert_int_equal(r->bytes, 6 * 172);
	assert_int_equal(w->c.rx_rtp, 6);
	assert_int_equal(w->c.rx_rtp_bytes, 6 * 172);
	assert_int_equal(w->c.rx_rtcp, 0);
	assert_int_equal(w->last_rx_ns, 1000 * MS + 6 * 20 * MS);
	assert_int_equal(f->b.dp.r[1].have_peer, false);
}

/* RFC 3550 A.8 by hand: arrivals 0 20 40 70 80 ms for timestamps 160 apart.
 * |D| = 80 units twice: 16J<<8 goes 20480, then 20480 + 20480 - 1280 =
 * 39680, J = 39680 >> 12 = 9 units. */
static void test_rx_jitter(void **state)
{
	static const uint64_t at[] = {0, 20, 40, 70, 80};
	struct fix *f = *state;
	struct dp_rx *r = &f->b.dp.r[0];

	build(f, 0, 5, 0);
	for (unsigned k = 0; k < 5; k++) {
		deliver(f, k, 0, false, MBL_NS_PER_S + at[k] * MS);
		if (k == 2)
			assert_int_equal(mbl_rx_jitter_rtcp(&r->jit), 0);
		if (k == 3)
			assert_int_equal(mbl_rx_jitter_rtcp(&r->jit), 5);
	}
	assert_int_equal(mbl_rx_jitter_rtcp(&r->jit), 9);
}

static void test_rx_wrong_pt_and_garbage(void **state)
{
	uint8_t stun[] = {0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42};
	uint8_t dtls[] = {0x16, 0xfe, 0xfd, 0x00};
	uint8_t short_rtp[] = {0x80, 0x00, 0x01};
	uint8_t junk[] = {0x50, 0x00, 0x00, 0x00};
	uint8_t short_rtcp[] = {0x80, 200, 0x00, 0x00};
	struct fix *f = *state;
	struct dp_worker *w = f->b.w;
	struct mbl_net_info ni;

	build(f, 0, 1, 0);
	assert_int_equal(mbl_net_parse(f->buf[0], f->len[0], 0, &ni), MBL_NET_C_UDP);
	f->buf[0][ni.payload_off + 1] = 8; /* PCMA: not the codec's PT, not DTMF */
	dp_rx_udp_payload(w, 0, false, f->buf[0] + ni.payload_off, ni.payload_len, 1);
	dp_rx_udp_payload(w, 0, false, stun, sizeof(stun), 2);
	dp_rx_udp_payload(w, 0, false, dtls, sizeof(dtls), 3);
	dp_rx_udp_payload(w, 0, false, short_rtp, sizeof(short_rtp), 4);
	dp_rx_udp_payload(w, 0, false, junk, sizeof(junk), 5);
	dp_rx_udp_payload(w, 0, false, junk, 0, 6);
	dp_rx_udp_payload(w, 0, false, short_rtcp, sizeof(short_rtcp), 7);
	assert_int_equal(w->c.drop_dp[MBL_DP_DROP_wrong_pt], 1);
	assert_int_equal(w->c.drop_dp[MBL_DP_DROP_stun_unhandled], 1);
	assert_int_equal(w->c.drop_dp[MBL_DP_DROP_dtls_unhandled], 1);
	assert_int_equal(w->c.drop_dp[MBL_DP_DROP_demux_unknown], 2);
	assert_int_equal(w->c.drop_rtp[MBL_RTP_DROP_short_packet], 1);
	assert_int_equal(w->c.drop_rtp[MBL_RTP_DROP_rtcp_short], 1);
	assert_int_equal(w->c.rx_rtp, 0);
	assert_int_equal(w->c.rx_rtcp, 0);
	assert_false(f->b.dp.r[0].have_peer);
}

/* RTP arriving on the RTCP port goes to the RTCP parser, which refuses it
 * (first packet neither SR nor RR). */
static void test_rx_rtp_on_rtcp_port(void **state)
{
	struct fix *f = *state;

	build(f, 0, 1, 0);
	deliver(f, 0, 0, true, 1);
	assert_int_equal(f->b.w->c.drop_rtp[MBL_RTP_DROP_rtcp_bad_first_pt], 1);
	assert_int_equal(f->b.w->c.rx_rtp, 0);
	assert_false(f->b.dp.r[0].have_peer);
}

/* A new SSRC is a new source (RFC 3550 8.2): state restarts, counted once. */
static void test_rx_ssrc_change(void **state)
{
	struct fix *f = *state;
	struct dp_rx *r = &f->b.dp.r[0];

	build(f, 0, 3, 0);
	for (unsigned k = 0; k < 3; k++)
		deliver(f, k, 0, false, k + 1);
	f->a.dp.s[0].ssrc = 0xc0ffee00u;
	f->a.dp.s[0].seq = 100;
	build(f, 0, 2, 0);
	for (unsigned k = 0; k < 2; k++)
		deliver(f, k, 0, false, k + 10);
	assert_int_equal(f->b.w->c.rx_ssrc_change, 1);
	assert_int_equal(r->peer_ssrc, 0xc0ffee00u);
	assert_int_equal(r->seq.received, 2);
	assert_int_equal(mbl_rx_seq_lost(&r->seq), 0);
	assert_int_equal(mbl_rx_seq_ext_max(&r->seq), 101);
	assert_int_equal(f->b.w->c.rx_rtp, 5);
}

static void test_rx_dtmf_counted(void **state)
{
	struct fix *f = *state;

	strcpy(f->a.dp.conf.dtmf, "5");
	f->a.dp.conf.dtmf_duration_ms = 40; /* 2 ticks + 2 more E packets */
	f->a.dp.dtmf_ticks = 50;
	build(f, 0, 5, 0);
	for (unsigned k = 0; k < 5; k++)
		deliver(f, k, 0, false, k * 20 * MS);
	assert_int_equal(f->b.w->c.rx_dtmf, 4);
	assert_int_equal(f->b.w->c.rx_rtp, 5);
	assert_int_equal(f->b.w->c.drop_dp[MBL_DP_DROP_wrong_pt], 0);
}

/* Probe payloads: one-way delay = arrival - TX time; corrupted filler or
 * another stream's probe is probe_corrupt. */
static void test_rx_probe(void **state)
{
	struct fix *f = *state;
	struct dp_rx *r = &f->b.dp.r[0];
	struct dp_worker *w = f->b.w;

	f->a.dp.conf.payload = f->b.dp.conf.payload = MBL_DP_PAYLOAD_PROBE;
	f->a.dp.conf.probe_len = f->b.dp.conf.probe_len = 64;
	build(f, 0, 4, 7 * MBL_NS_PER_S);
	deliver(f, 0, 0, false, 7 * MBL_NS_PER_S + 3 * MS);
	deliver(f, 1, 0, false, 7 * MBL_NS_PER_S + 5 * MS);
	assert_int_equal(w->c.rx_probe_ok, 2);
	assert_int_equal(r->delay_n, 2);
	assert_int_equal(r->delay_min_ns, 3 * MS);
	assert_int_equal(r->delay_max_ns, 5 * MS);
	assert_int_equal(r->delay_sum_ns, 8 * MS);
	assert_int_equal(mbl_hist_count(&w->delay), 2);
	/* flip a filler byte: the net layer would drop it (UDP checksum), so
	 * hand the payload over directly */
	f->buf[2][f->len[2] - 1] ^= 0xff;
	dp_rx_udp_payload(w, 0, false, f->buf[2] + 42, f->len[2] - 42u, 8 * MBL_NS_PER_S);
	deliver(f, 3, 1, false, 8 * MBL_NS_PER_S); /* stream 0's probe as stream 1 */
	assert_int_equal(w->c.drop_dp[MBL_DP_DROP_probe_corrupt], 2);
	assert_int_equal(w->c.rx_probe_ok, 2);
}

/* ---- RTT -------------------------------------------------------------------- */

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* A sends an SR at T0 = 10 s; B gets it at 10.020 and answers with its own
 * SR + report block at 10.520 (DLSR 0.5 s); A gets that at 10.545:
 * RTT = 10.545 - 10 - 0.5 = 45 ms (RFC 3550 6.4.1, 1/65536 s units). */
static void test_rtt_from_report_block(void **state)
{
	struct fix *f = *state;
	struct mbl_net_info ni;
	const uint8_t *rb;
	uint16_t len;

	build(f, 0, 1, 0);
	deliver(f, 0, 0, false, 10 * MBL_NS_PER_S); /* B learns A's SSRC */
	f->len[1] = dp_build_rtcp(&f->a.dp, 0, f->buf[1], 10 * MBL_NS_PER_S, NULL);
	deliver(f, 1, 0, false, 10020 * MS);
	assert_int_equal(f->b.w->c.rx_rtcp, 1);
	assert_int_equal(f->b.dp.r[0].peer_sr_mid, f->a.dp.s[0].last_sr_ntp_mid);
	len = dp_build_rtcp(&f->b.dp, 0, f->buf[2], 10520 * MS, NULL);
	assert_int_equal(mbl_net_parse(f->buf[2], len, 0, &ni), MBL_NET_C_UDP);
	rb = f->buf[2] + ni.payload_off + 28;
	assert_int_equal(rb[16] << 24 | rb[17] << 16 | rb[18] << 8 | rb[19],
			 f->a.dp.s[0].last_sr_ntp_mid);
	assert_int_equal(rb[20] << 24 | rb[21] << 16 | rb[22] << 8 | rb[23], 0x8000);
	dp_rx_udp_payload(f->a.w, 0, false, f->buf[2] + ni.payload_off, ni.payload_len,
			  10545 * MS);
	assert_int_equal(f->a.w->c.rx_rtcp, 1);
	assert_true(f->a.dp.r[0].have_rtt);
	assert_in_range(f->a.dp.r[0].rtt_us, 45000 - 40, 45000 + 40);
}

/* A plain RR (RFC 3550 6.4.2) answering A's SR: DLSR 0.25 s, arrival 0.35 s
 * after the SR: RTT 100 ms. Blocks about another SSRC or with LSR 0 are
 * ignored. */
static void test_rtt_from_rr(void **state)
{
	struct fix *f = *state;
	struct dp_rx *r = &f->a.dp.r[0];
	uint8_t rr[8 + 24];
	uint64_t t0 = 3 * MBL_NS_PER_S + 123456789ull;

	dp_build_rtcp(&f->a.dp, 0, f->buf[0], t0, NULL);
	memset(rr, 0, sizeof(rr));
	rr[0] = 0x81;
	rr[1] = MBL_RTCP_RR;
	rr[3] = 7;
	put32(rr + 4, 0xb0000000u);
	put32(rr + 8, 0x12345678u);                  /* not A's SSRC */
	put32(rr + 24, f->a.dp.s[0].last_sr_ntp_mid);
	put32(rr + 28, 0x4000);
	dp_rx_udp_payload(f->a.w, 0, false, rr, sizeof(rr), t0 + 350 * MS);
	assert_false(r->have_rtt);
	put32(rr + 8, f->a.dp.s[0].ssrc);
	put32(rr + 24, 0);                           /* no SR received yet */
	dp_rx_udp_payload(f->a.w, 0, false, rr, sizeof(rr), t0 + 350 * MS);
	assert_false(r->have_rtt);
	put32(rr + 24, f->a.dp.s[0].last_sr_ntp_mid);
	dp_rx_udp_payload(f->a.w, 0, false, rr, sizeof(rr), t0 + 350 * MS);
	assert_int_equal(f->a.w->c.rx_rtcp, 3);
	assert_true(r->have_rtt);
	assert_in_range(r->rtt_us, 100000 - 40, 100000 + 40);
}

/* B loses 2 of A's 7 packets (across A's SEQ wrap) and reports it: A's
 * view of the peer holds exactly B's figures (RFC 3550 6.4.1): cumulative
 * lost, fraction, extended highest SEQ (expected counted from A's first
 * SEQ) and jitter converted to ms; stop hands them to the call's result. */
static void test_peer_view(void **state)
{
	struct fix *f = *state;
	struct mbl_dp_peer_view v;
	struct mbl_net_info ni;
	static const unsigned got[] = { 0, 1, 2, 5, 6 };
	uint16_t len;

	f->a.dp.r[0].tx_seq0 = f->a.dp.s[0].seq; /* 65533 */
	for (unsigned k = 0; k < 7; k++) {
		bool dtmf;

		f->len[k] = dp_build_rtp(&f->a.dp, &f->a.dp.s[0], 0, f->buf[k], k * 20 * MS, &dtmf);
	}
	for (unsigned k = 0; k < MBL_ARRAY_SIZE(got); k++)
		deliver(f, got[k], 0, false, got[k] * 20 * MS + (got[k] == 1 ? 6 * MS : 0));
	assert_int_equal(mbl_rx_seq_lost(&f->b.dp.r[0].seq), 2);
	assert_true(mbl_rx_jitter_rtcp(&f->b.dp.r[0].jit) > 0);
	dp_peer_view(&f->a.dp, &f->a.dp.r[0], &v);
	assert_int_equal(v.reports, 0);
	len = dp_build_rtcp(&f->b.dp, 0, f->buf[7], 200 * MS, NULL);
	assert_int_equal(mbl_net_parse(f->buf[7], len, 0, &ni), MBL_NET_C_UDP);
	dp_rx_udp_payload(f->a.w, 0, false, f->buf[7] + ni.payload_off, ni.payload_len, 210 * MS);
	assert_int_equal(f->a.w->c.rx_rtcp, 1);
	dp_peer_view(&f->a.dp, &f->a.dp.r[0], &v);
	assert_int_equal(v.reports, 1);
	assert_int_equal(v.lost, 2);
	assert_int_equal(v.expected, 7);
	assert_int_equal(f->a.dp.r[0].peer_ext_seq, 65539);
	assert_true(v.fraction_lost_pct == (2 * 256 / 7) * 100.0 / 256.0);
	assert_true(v.jitter_ms == mbl_rx_jitter_rtcp(&f->b.dp.r[0].jit) * 1000.0 / 8000.0);
	/* a negative cumulative count (duplicates, RFC 3550 A.3) is kept signed */
	f->a.dp.r[0].peer_lost = (int32_t)(0xfffffeu << 8) >> 8;
	dp_peer_view(&f->a.dp, &f->a.dp.r[0], &v);
	assert_int_equal(v.lost, -2);
}

/* AVPF feedback (RFC 4585), reduced-size (RFC 5506: no RR first): a
 * NACK for PID 100 with BLP 0x0005 asks for 100, 101 and 103; a PLI is
 * counted; feedback about another SSRC is not. */
static void test_feedback_reduced_size(void **state)
{
	struct fix *f = *state;
	struct dp_worker *w = f->a.w;
	uint8_t fb[16] = { 0x81, MBL_RTCP_RTPFB, 0, 3 };

	put32(fb + 4, 0xb0000000u);
	put32(fb + 8, f->a.dp.s[0].ssrc);
	put32(fb + 12, 100u << 16 | 0x0005);
	dp_rx_udp_payload(w, 0, false, fb, sizeof(fb), 1 * MBL_NS_PER_S);
	assert_int_equal(w->c.rx_rtcp, 1);
	assert_int_equal(w->c.rx_nack, 1);
	assert_int_equal(w->c.rx_nack_packets, 3);
	fb[0] = 0x81; /* PLI: PSFB FMT 1, no FCI */
	fb[1] = MBL_RTCP_PSFB;
	fb[3] = 2;
	dp_rx_udp_payload(w, 0, false, fb, 12, 1 * MBL_NS_PER_S);
	assert_int_equal(w->c.rx_pli, 1);
	put32(fb + 8, 0x12345678u); /* about someone else */
	dp_rx_udp_payload(w, 0, false, fb, 12, 1 * MBL_NS_PER_S);
	assert_int_equal(w->c.rx_pli, 1);
	assert_int_equal(w->c.rx_rtcp, 3);
	assert_int_equal(w->c.drop_rtp[MBL_RTP_DROP_rtcp_bad_first_pt], 0);
}

/* A's next RTP packet of stream 0 at now_ns; B receives it when deliver. */
static void next_pkt(struct fix *f, uint64_t now_ns, bool deliver_it)
{
	bool dtmf;

	f->len[0] = dp_build_rtp(&f->a.dp, &f->a.dp.s[0], 0, f->buf[0], now_ns, &dtmf);
	if (deliver_it)
		deliver(f, 0, 0, false, now_ns);
}

/* The RTCP packet of type pt in B's compound (stream 0) built at now_ns,
 * its offset and length in *q / *qlen; the compound itself stays in buf[7]. */
static bool b_rtcp_find(struct fix *f, uint64_t now_ns, uint8_t pt, struct dp_rtcp_sent *sent,
			const uint8_t **q, uint32_t *qlen)
{
	struct mbl_net_info ni;
	struct mbl_rtcp_info ci;
	uint16_t len = dp_build_rtcp(&f->b.dp, 0, f->buf[7], now_ns, sent);
	const uint8_t *p;

	f->len[7] = len;
	assert_int_equal(mbl_net_parse(f->buf[7], len, 0, &ni), MBL_NET_C_UDP);
	p = f->buf[7] + ni.payload_off;
	assert_int_equal(mbl_rtcp_walk(p, ni.payload_len, &ci), 0);
	for (unsigned k = 0; k < ci.n_pkts; k++)
		if (ci.pkt[k].pt == pt) {
			*q = p + ci.pkt[k].off;
			*qlen = ci.pkt[k].len;
			return true;
		}
	return false;
}

/* media.rtcp_xr: B receives 20 of A's packets but 3-6 (a burst) and 15
 * (isolated: Gmin away), then reports. Its XR summary names the SEQ range
 * (across A's wrap), 5 lost, no duplicates, transit spread measured; its
 * VoIP metrics carry the loss rate and the burst. A reads them into its
 * peer view; B's next summary starts where the last ended. */
static void test_xr_report(void **state)
{
	struct fix *f = *state;
	struct mbl_rtcp_xr_view v;
	struct mbl_dp_peer_view pv;
	struct dp_rtcp_sent sent = {0};
	struct mbl_net_info ni;
	const uint8_t *q;
	uint32_t qlen;

	f->a.dp.conf.rtcp_xr = f->b.dp.conf.rtcp_xr = true;
	f->a.dp.conf.ptime_ms = f->b.dp.conf.ptime_ms = 20;
	for (unsigned k = 0; k < 40; k++)
		next_pkt(f, k * 20 * MS + (k % 3) * MS, !(k >= 3 && k <= 6) && k != 25);
	assert_true(b_rtcp_find(f, 900 * MS, MBL_RTCP_XR, &sent, &q, &qlen));
	assert_true(sent.xr);
	assert_int_equal(mbl_rtcp_xr_parse(q, qlen, 0xa0000000u, &v), 0);
	assert_true(v.has_ssum && v.has_voip);
	assert_int_equal(v.ssum.begin_seq, 65533);
	assert_int_equal(v.ssum.end_seq, (uint16_t)(65533 + 40));
	assert_int_equal(v.ssum.lost, 5);
	assert_int_equal(v.ssum.dup, 0);
	assert_true(v.ssum.has_jitter);
	assert_int_equal(v.ssum.jit_min, 8);  /* 1 ms at 8 kHz */
	assert_int_equal(v.ssum.jit_max, 16); /* 2 ms at 8 kHz */
	assert_int_equal(v.voip.loss_rate, 32); /* 5/40 x 256 */
	assert_int_equal(v.voip.burst_density, 255); /* 4 of 4 */
	assert_int_equal(v.voip.gap_density, 7);     /* 1 of 36 */
	assert_int_equal(v.voip.burst_ms, 80);
	assert_int_equal(v.voip.gmin, 16);
	assert_in_range(v.voip.r_factor, 1, 93);
	assert_in_range(v.voip.mos_cq, 10, 45);
	assert_int_equal(v.voip.signal_dbm, MBL_RTCP_XR_UNAVAILABLE);

	assert_int_equal(mbl_net_parse(f->buf[7], f->len[7], 0, &ni), MBL_NET_C_UDP);
	dp_rx_udp_payload(f->a.w, 0, false, f->buf[7] + ni.payload_off, ni.payload_len, 910 * MS);
	assert_int_equal(f->a.w->c.rx_xr, 1);
	dp_peer_view(&f->a.dp, &f->a.dp.r[0], &pv);
	assert_int_equal(pv.xr_reports, 1);
	assert_int_equal(pv.xr_lost, 5);
	assert_true(pv.has_voip);
	assert_true(pv.xr_loss_pct == 32 * 100.0 / 256.0);
	assert_int_equal(pv.r_factor, v.voip.r_factor);
	assert_true(pv.mos_cq == v.voip.mos_cq / 10.0);

	/* the next interval: 5 more, none lost */
	for (unsigned k = 40; k < 45; k++)
		next_pkt(f, k * 20 * MS, true);
	assert_true(b_rtcp_find(f, 1000 * MS, MBL_RTCP_XR, NULL, &q, &qlen));
	assert_int_equal(mbl_rtcp_xr_parse(q, qlen, 0xa0000000u, &v), 0);
	assert_int_equal(v.ssum.begin_seq, (uint16_t)(65533 + 40));
	assert_int_equal(v.ssum.end_seq, (uint16_t)(65533 + 45));
	assert_int_equal(v.ssum.lost, 0);
	/* without rtcp_xr no XR is written */
	f->b.dp.conf.rtcp_xr = false;
	assert_false(b_rtcp_find(f, 1100 * MS, MBL_RTCP_XR, &sent, &q, &qlen));
}

/* Generic NACK (RFC 4585 6.2.1) on B's stream 0: a gap queues exactly the
 * missing SEQs and puts the stream once on the worker's early-feedback
 * list; the compound names them, across A's SEQ wrap. A SEQ that arrives
 * late before the next compound is no longer asked for. Without NACK
 * negotiated nothing is queued. */
static void test_nack_sent(void **state)
{
	struct fix *f = *state;
	struct dp_rx *r = &f->b.dp.r[0];
	struct dp_worker *w = f->b.w;
	struct dp_rtcp_sent sent = {0};
	uint16_t seqs[32];
	const uint8_t *q;
	uint32_t qlen;

	for (unsigned k = 0; k < 4; k++) /* 65533 .. 0 arrive, 1 and 2 do not */
		next_pkt(f, k * 20 * MS, true);
	next_pkt(f, 80 * MS, false);
	next_pkt(f, 100 * MS, false);
	next_pkt(f, 120 * MS, true);
	assert_int_equal(r->nack_n, 0); /* not negotiated */
	assert_int_equal(w->n_fb_early, 0);

	r->nack = true;
	r->fb_allow_early = true;
	next_pkt(f, 140 * MS, false); /* 4 */
	next_pkt(f, 160 * MS, true);  /* 5: 4 missing */
	next_pkt(f, 180 * MS, false); /* 6 */
	next_pkt(f, 200 * MS, false); /* 7 */
	next_pkt(f, 220 * MS, true);  /* 8: 6 and 7 missing */
	assert_int_equal(r->nack_n, 3);
	assert_int_equal(w->n_fb_early, 1); /* once, though two gaps */
	assert_int_equal(w->fb_early[0], 0);
	assert_true(r->fb_queued);
	assert_true(b_rtcp_find(f, 230 * MS, MBL_RTCP_RTPFB, &sent, &q, &qlen));
	assert_int_equal(sent.nack_seqs, 3);
	assert_int_equal(q[0] & 0x1f, MBL_RTCP_FB_NACK);
	assert_int_equal(mbl_rtcp_fb_media(q, qlen), 0xa0000000u);
	assert_int_equal(mbl_rtcp_nack_seqs(q + 12, qlen - 12, seqs, 32), 3);
	assert_int_equal(seqs[0], 4);
	assert_int_equal(seqs[1], 6);
	assert_int_equal(seqs[2], 7);
	assert_int_equal(r->nack_n, 0);

	/* 9 and 10 lost, 10 then arrives late: only 9 is named */
	f->len[1] = dp_build_rtp(&f->a.dp, &f->a.dp.s[0], 0, f->buf[1], 240 * MS, (bool[]){0});
	f->len[2] = dp_build_rtp(&f->a.dp, &f->a.dp.s[0], 0, f->buf[2], 260 * MS, (bool[]){0});
	next_pkt(f, 280 * MS, true);
	assert_int_equal(r->nack_n, 2);
	deliver(f, 2, 0, false, 290 * MS);
	sent.nack_seqs = 0;
	assert_true(b_rtcp_find(f, 300 * MS, MBL_RTCP_RTPFB, &sent, &q, &qlen));
	assert_int_equal(sent.nack_seqs, 1);
	assert_int_equal(mbl_rtcp_nack_seqs(q + 12, qlen - 12, seqs, 32), 1);
	assert_int_equal(seqs[0], 9);
	/* nothing missing: no NACK in the compound */
	assert_false(b_rtcp_find(f, 400 * MS, MBL_RTCP_RTPFB, &sent, &q, &qlen));
	/* a gap bigger than the queue: what fits is named, the rest counted */
	for (unsigned k = 0; k < 40; k++)
		next_pkt(f, (500 + 20 * k) * MS, false);
	next_pkt(f, 1400 * MS, true);
	assert_int_equal(r->nack_n, DP_NACK_Q);
	assert_int_equal(w->c.nack_unsent, 40 - DP_NACK_Q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rx_seq_accounting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_jitter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_wrong_pt_and_garbage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_rtp_on_rtcp_port, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_ssrc_change, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_dtmf_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_probe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rtt_from_report_block, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rtt_from_rr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peer_view, setup, teardown),
		cmocka_unit_test_setup_teardown(test_feedback_reduced_size, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xr_report, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nack_sent, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
