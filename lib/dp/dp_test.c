/* SPDX-License-Identifier: BSD-3-Clause
 * lib/dp tests without EAL: stream addressing (dp_map.c), RTP packet
 * building with tone, probe and DTMF payloads (dp_tx.c) and the RTCP
 * compound (dp_rtcp.c). The struct mbl_dp is assembled by hand, so only
 * byte-buffer paths run; every frame is checked by the net and rtp
 * parsers, which verify the checksums. */
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

static const uint8_t mac_a[6] = {0x02, 0, 0, 0, 0, 0x0a};
static const uint8_t mac_b[6] = {0x02, 0, 0, 0, 0, 0x0b};

static void set_range(struct mbl_ip_range *r, const char *s)
{
	assert_int_equal(mbl_ip_range_parse(s, r), 0);
}

static void ip16(const char *s, uint8_t out[16])
{
	assert_true(mbl_parse_ip(s, out) > 0);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* ---- dp_map.c ----------------------------------------------------------- */

static void map_conf(struct mbl_dp_conf *c, const char *local, const char *remote,
		     uint32_t streams, uint16_t step, bool mux)
{
	memset(c, 0, sizeof(*c));
	set_range(&c->local, local);
	set_range(&c->remote, remote);
	c->local_port = 10000;
	c->remote_port = 30000;
	c->port_step = step;
	c->streams = streams;
	c->rtcp = true;
	c->rtcp_mux = mux;
}

static void expect_lookup(const struct mbl_dp_conf *c, const char *ip, uint16_t port,
			  int64_t want, bool want_rtcp)
{
	uint8_t a[16];
	bool rtcp = !want_rtcp;

	ip16(ip, a);
	assert_int_equal(dp_stream_lookup(c, a, port, &rtcp), want);
	if (want >= 0)
		assert_int_equal(rtcp, want_rtcp);
}

/* One local address, step 2: stream i is port 10000 + 2i, RTCP on +1. */
static void test_map_single_step2(void **state)
{
	struct mbl_dp_conf c;
	uint8_t ip[16], want[16];
	uint16_t port;

	(void)state;
	map_conf(&c, "10.0.0.1", "192.168.1.10", 4, 2, false);
	dp_stream_local(&c, 3, ip, &port);
	ip16("10.0.0.1", want);
	assert_memory_equal(ip, want, 16);
	assert_int_equal(port, 10006);
	dp_stream_remote(&c, 3, ip, &port);
	ip16("192.168.1.10", want);
	assert_memory_equal(ip, want, 16);
	assert_int_equal(port, 30006);
	expect_lookup(&c, "10.0.0.1", 10000, 0, false);
	expect_lookup(&c, "10.0.0.1", 10006, 3, false);
	expect_lookup(&c, "10.0.0.1", 10007, 3, true);
	expect_lookup(&c, "10.0.0.1", 10001, 0, true);
	expect_lookup(&c, "10.0.0.1", 10008, -1, false);  /* stream 4 >= streams */
	expect_lookup(&c, "10.0.0.1", 10009, -1, false);  /* its RTCP port */
	expect_lookup(&c, "10.0.0.1", 9999, -1, false);   /* below the base */
	expect_lookup(&c, "10.0.0.2", 10000, -1, false);  /* not local */
	expect_lookup(&c, "192.168.1.10", 30000, -1, false);
	/* with RTCP multiplexed, port + 1 is nothing */
	c.rtcp_mux = true;
	expect_lookup(&c, "10.0.0.1", 10007, -1, false);
	expect_lookup(&c, "10.0.0.1", 10006, 3, false);
}

/* Three local addresses, two remote, step 4: stream i is local address
 * i % 3 at port 10000 + (i / 3) * 4, remote address i % 2 at 30000 +
 * (i / 2) * 4. */
static void test_map_range_step4(void **state)
{
	struct mbl_dp_conf c;
	uint8_t ip[16], want[16];
	uint16_t port;

	(void)state;
	map_conf(&c, "10.0.0.1-10.0.0.3", "192.168.1.10-192.168.1.11", 7, 4, false);
	dp_stream_local(&c, 5, ip, &port);
	ip16("10.0.0.3", want);
	assert_memory_equal(ip, want, 16);
	assert_int_equal(port, 10004);
	dp_stream_remote(&c, 5, ip, &port);
	ip16("192.168.1.11", want);
	assert_memory_equal(ip, want, 16);
	assert_int_equal(port, 30008);
	expect_lookup(&c, "10.0.0.3", 10004, 5, false);
	expect_lookup(&c, "10.0.0.3", 10005, 5, true);
	expect_lookup(&c, "10.0.0.3", 10006, -1, false); /* offset 2 of 4 */
	expect_lookup(&c, "10.0.0.3", 10007, -1, false); /* offset 3 of 4 */
	expect_lookup(&c, "10.0.0.1", 10008, 6, false);
	expect_lookup(&c, "10.0.0.1", 10009, 6, true);
	expect_lookup(&c, "10.0.0.2", 10008, -1, false); /* would be stream 7 */
	expect_lookup(&c, "10.0.0.4", 10000, -1, false);
	c.rtcp_mux = true;
	expect_lookup(&c, "10.0.0.3", 10005, -1, false);
	/* every stream's own address maps back to it */
	for (uint32_t i = 0; i < c.streams; i++) {
		bool rtcp = true;

		dp_stream_local(&c, i, ip, &port);
		assert_int_equal(dp_stream_lookup(&c, ip, port, &rtcp), i);
		assert_false(rtcp);
	}
}

static void test_map_ipv6_nexthop(void **state)
{
	struct mbl_dp_conf c;
	uint8_t ip[16], want[16];

	(void)state;
	map_conf(&c, "2001:db8::10-2001:db8::11", "2001:db8:1::1-2001:db8:1::3", 5, 2, true);
	expect_lookup(&c, "2001:db8::11", 10002, 3, false);
	expect_lookup(&c, "2001:db8::10", 10004, 4, false);
	expect_lookup(&c, "2001:db8::11", 10004, -1, false);
	/* no gateway: the next hop is the stream's remote address (4 % 3) */
	dp_stream_nexthop(&c, 4, ip);
	ip16("2001:db8:1::2", want);
	assert_memory_equal(ip, want, 16);
	ip16("2001:db8::1", c.gateway);
	c.has_gateway = true;
	dp_stream_nexthop(&c, 4, ip);
	assert_memory_equal(ip, c.gateway, 16);
}

/* ---- a data plane assembled by hand -------------------------------------- */

struct fix {
	struct mbl_dp *dp;
	struct mbl_payload pl;
	uint8_t buf[8][BUF_LEN] __attribute__((aligned(8)));
};

/* One-to-n streams of PCMU/20 ms, 10.0.0.1:10000 -> 10.0.1.1:20000, port
 * step 2, software checksums, RTCP templates on port + 1. */
static void fix_dp(struct fix *f, uint32_t streams, int family)
{
	struct mbl_dp *dp = calloc(1, sizeof(*dp));
	struct mbl_dp_conf *c;

	assert_non_null(dp);
	c = &dp->conf;
	set_range(&c->local, family == 4 ? "10.0.0.1" : "2001:db8::1");
	set_range(&c->remote, family == 4 ? "10.0.1.1" : "2001:db8::2");
	c->local_port = 10000;
	c->remote_port = 20000;
	c->port_step = 2;
	c->streams = streams;
	c->codec = mbl_codec_find("PCMU");
	c->pt = 0;
	c->ptime_ms = 20;
	c->dtmf_pt = 101;
	c->dtmf_duration_ms = 100;
	c->rtcp = true;
	assert_int_equal(mbl_payload_tone(&f->pl, c->codec, 20, 1000, -10), 0);
	c->frames = &f->pl;
	dp->csum_mode = MBL_NET_CSUM_SW;
	dp->ts_step = mbl_codec_ts_step(c->codec, c->ptime_ms);
	memcpy(dp->mac, mac_a, 6);
	dp->s = calloc(streams, sizeof(*dp->s));
	dp->r = calloc(streams, sizeof(*dp->r));
	dp->rtcp_tmpl = calloc(streams, sizeof(*dp->rtcp_tmpl));
	assert_true(dp->s && dp->r && dp->rtcp_tmpl);
	for (uint32_t i = 0; i < streams; i++) {
		uint8_t lip[16], rip[16];
		uint16_t lp, rp;

		dp_stream_local(c, i, lip, &lp);
		dp_stream_remote(c, i, rip, &rp);
		assert_int_equal(mbl_net_udp_tmpl_build(&dp->s[i].tmpl, mac_a, mac_b, 0, family,
							lip, rip, lp, rp, 46, 64), 0);
		assert_int_equal(mbl_net_udp_tmpl_build(&dp->rtcp_tmpl[i], mac_a, mac_b, 0,
							family, lip, rip, (uint16_t)(lp + 1),
							(uint16_t)(rp + 1), 46, 64), 0);
		dp->s[i].ssrc = 0x11223344u + i;
		dp->s[i].seq = 65534;      /* wraps after two packets */
		dp->s[i].ts = 0xffffff00u; /* wraps on the second packet */
		dp->s[i].state = DP_S_RUN;
		dp->s[i].marker_next = true; /* as build_stream() */
		mbl_rx_seq_init(&dp->r[i].seq);
		mbl_rx_jitter_init(&dp->r[i].jit);
	}
	f->dp = dp;
}

static int setup(void **state)
{
	struct fix *f = aligned_alloc(64, (sizeof(struct fix) + 63) & ~(size_t)63);

	if (f == NULL)
		return -1;
	memset(f, 0, sizeof(*f));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	if (f->dp != NULL) {
		free(f->dp->s);
		free(f->dp->r);
		free(f->dp->rtcp_tmpl);
		free(f->dp);
	}
	mbl_payload_free(&f->pl);
	free(f);
	return 0;
}

/* Parse frame as UDP (checksums verified) and RTP; returns the UDP info. */
static void parse_rtp(const uint8_t *frame, uint16_t len, struct mbl_net_info *ni,
		      struct mbl_rtp_info *ri)
{
	assert_int_equal(mbl_net_parse(frame, len, 0, ni), MBL_NET_C_UDP);
	assert_int_equal(ni->frame_len, len);
	assert_int_equal(mbl_rtp_parse(frame + ni->payload_off, ni->payload_len, ri), 0);
}

/* ---- dp_tx.c: RTP ----------------------------------------------------- */

static void test_build_tone(void **state)
{
	struct fix *f = *state;
	struct mbl_net_info ni;
	struct mbl_rtp_info ri;
	struct dp_stream *s;
	bool dtmf = true;

	fix_dp(f, 2, 4);
	s = &f->dp->s[1];
	assert_int_equal(f->dp->ts_step, 160);
	for (unsigned k = 0; k < 4; k++) {
		uint16_t len = dp_build_rtp(f->dp, s, 1, f->buf[k], 1000 + k, &dtmf), plen;
		uint32_t sum;
		const uint8_t *fr = mbl_payload_frame(&f->pl, k, &plen, &sum);

		assert_false(dtmf);
		assert_int_equal(plen, 160);
		assert_int_equal(len, 14 + 20 + 8 + 12 + 160);
		parse_rtp(f->buf[k], len, &ni, &ri);
		assert_int_equal(ni.sport, 10002);
		assert_int_equal(ni.dport, 20002);
		assert_int_equal(ni.payload_len, 172);
		assert_int_equal(ri.seq, (uint16_t)(65534 + k));
		assert_int_equal(ri.ts, (uint32_t)(0xffffff00u + 160 * k));
		assert_int_equal(ri.marker, k == 0);
		assert_int_equal(ri.pt, 0);
		assert_int_equal(ri.ssrc, 0x11223345u);
		assert_int_equal(ri.payload_len, 160);
		assert_memory_equal(f->buf[k] + ni.payload_off + ri.payload_off, fr, 160);
	}
	assert_int_equal(s->tx_packets, 4);
	assert_int_equal(s->tx_bytes, 4 * 172);
	assert_int_equal(s->rtcp_octets, 4 * 160);
	assert_int_equal(s->seq, 2);
	/* the checksum is really checked: one flipped payload bit drops it */
	f->buf[3][60] ^= 0x01;
	assert_int_equal(mbl_net_parse(f->buf[3], 214, 0, &ni), MBL_NET_C_DROP);
	assert_int_equal(ni.drop, MBL_NET_DROP_bad_udp_csum);
}

static void test_build_ipv6_vlan(void **state)
{
	struct fix *f = *state;
	struct mbl_net_info ni;
	struct mbl_rtp_info ri;
	struct dp_stream *s;
	uint8_t lip[16], rip[16];
	bool dtmf;
	uint16_t len;

	fix_dp(f, 1, 6);
	s = &f->dp->s[0];
	ip16("2001:db8::1", lip);
	ip16("2001:db8::2", rip);
	assert_int_equal(mbl_net_udp_tmpl_build(&s->tmpl, mac_a, mac_b, 100, 6, lip, rip, 10000,
						20000, 0, 64), 0);
	for (unsigned k = 0; k < 2; k++) {
		len = dp_build_rtp(f->dp, s, 0, f->buf[k], 0, &dtmf);
		assert_int_equal(len, 18 + 40 + 8 + 12 + 160);
		parse_rtp(f->buf[k], len, &ni, &ri);
		assert_int_equal(ni.family, 6);
		assert_int_equal(ni.vlan_tci, 100);
		assert_int_equal(ri.seq, (uint16_t)(65534 + k));
	}
}

static void test_build_probe(void **state)
{
	struct fix *f = *state;
	struct mbl_net_info ni;
	struct mbl_rtp_info ri;
	struct mbl_probe_info pi;
	bool dtmf;

	fix_dp(f, 8, 4);
	f->dp->conf.payload = MBL_DP_PAYLOAD_PROBE;
	f->dp->conf.probe_len = 61; /* odd: the checksum's padded tail byte */
	for (unsigned k = 0; k < 3; k++) {
		uint16_t len = dp_build_rtp(f->dp, &f->dp->s[7], 7, f->buf[k], 5000000 + k, &dtmf);

		assert_int_equal(len, 42 + 12 + 61);
		parse_rtp(f->buf[k], len, &ni, &ri);
		assert_int_equal(ri.payload_len, 61);
		assert_int_equal(ri.marker, k == 0);
		assert_int_equal(mbl_probe_read(f->buf[k] + ni.payload_off + 12, 61, &pi), 0);
		assert_int_equal(pi.stream_id, 7);
		assert_int_equal(pi.seq, k);
		assert_int_equal(pi.tx_ns, 5000000 + k);
	}
}

/* Digit "1" after two audio packets: 100 ms at 20 ms / 8 kHz is 160(M)
 * 320 480 640 800(E) 800(E) 800(E), all with the event's start timestamp;
 * then audio resumes with the marker bit and the timestamp it would have
 * had (RFC 4733 2.5.1.1). */
static void test_build_dtmf(void **state)
{
	static const uint16_t dur[7] = {160, 320, 480, 640, 800, 800, 800};
	struct fix *f = *state;
	struct mbl_net_info ni;
	struct mbl_rtp_info ri;
	struct dp_stream *s;
	uint32_t ts0;

	fix_dp(f, 1, 4);
	strcpy(f->dp->conf.dtmf, "1");
	f->dp->conf.dtmf_interval_ms = 1000;
	f->dp->dtmf_ticks = 50;
	s = &f->dp->s[0];
	s->dtmf_countdown = 2;
	ts0 = s->ts;
	for (unsigned k = 0; k < 11; k++) {
		bool dtmf;
		uint16_t len = dp_build_rtp(f->dp, s, 0, f->buf[k % 8], 0, &dtmf);
		const uint8_t *pl;

		parse_rtp(f->buf[k % 8], len, &ni, &ri);
		pl = f->buf[k % 8] + ni.payload_off + ri.payload_off;
		assert_int_equal(ri.seq, (uint16_t)(65534 + k));
		if (k < 2 || k >= 9) {
			assert_false(dtmf);
			assert_int_equal(ri.pt, 0);
			assert_int_equal(ri.payload_len, 160);
			assert_int_equal(ri.ts, ts0 + 160 * k);
			assert_int_equal(ri.marker, k == 0 || k == 9);
			continue;
		}
		assert_true(dtmf);
		assert_int_equal(ri.pt, 101);
		assert_int_equal(ri.payload_len, 4);
		assert_int_equal(ri.ts, ts0 + 2 * 160);
		assert_int_equal(ri.marker, k == 2);
		assert_int_equal(pl[0], 1);
		assert_int_equal(pl[1] & 0x80, k >= 6 ? 0x80 : 0);
		assert_int_equal(pl[1] & 0x3f, MBL_DTMF_DEFAULT_VOLUME);
		assert_int_equal(pl[2] << 8 | pl[3], dur[k - 2]);
	}
	assert_int_equal(s->tx_packets, 11);
	assert_int_equal(s->rtcp_octets, 4 * 160 + 7 * 4);
}

/* ---- dp_rtcp.c ------------------------------------------------------------ */

/* SR (28 bytes, no block) + SDES CNAME "mbl-11223344@mediablast" (23
 * characters: 4 + 4 + 2 + 23 + 1 -> 36 bytes) on the RTCP port. */
static void test_rtcp_sr_sdes(void **state)
{
	struct fix *f = *state;
	struct mbl_net_info ni;
	struct mbl_rtcp_info ci;
	uint64_t now = 12 * MBL_NS_PER_S + 500000000ull, ntp = dp_ns_to_ntp(now);
	struct dp_stream *s;
	const uint8_t *p;
	uint16_t len;
	bool dtmf;

	fix_dp(f, 1, 4);
	s = &f->dp->s[0];
	for (unsigned k = 0; k < 3; k++)
		dp_build_rtp(f->dp, s, 0, f->buf[0], 0, &dtmf);
	len = dp_build_rtcp(f->dp, 0, f->buf[1], now, NULL);
	assert_int_equal(len, 42 + 28 + 36);
	assert_int_equal(mbl_net_parse(f->buf[1], len, 0, &ni), MBL_NET_C_UDP);
	assert_int_equal(ni.dport, 20001);
	p = f->buf[1] + ni.payload_off;
	assert_int_equal(mbl_rtcp_walk(p, ni.payload_len, &ci), 0);
	assert_int_equal(ci.n_pkts, 2);
	assert_int_equal(ci.pkt[0].pt, MBL_RTCP_SR);
	assert_int_equal(ci.pkt[0].count, 0);
	assert_int_equal(ci.pkt[0].len, 28);
	assert_int_equal(ci.pkt[1].pt, MBL_RTCP_SDES);
	assert_int_equal(ci.pkt[1].count, 1);
	assert_int_equal(ci.pkt[1].len, 36);
	assert_int_equal(rd32(p + 4), 0x11223344u);
	assert_int_equal(rd32(p + 8), 12);                 /* NTP seconds */
	assert_int_equal(rd32(p + 12), 0x80000000u);       /* .5 s */
	assert_int_equal(rd32(p + 16), s->ts);
	assert_int_equal(rd32(p + 20), 3);                 /* packets */
	assert_int_equal(rd32(p + 24), 3 * 160);           /* octets */
	assert_int_equal(s->last_sr_ntp_mid, (uint32_t)(ntp >> 16));
	assert_int_equal(s->last_sr_ntp_mid, 0x000c8000u);
	assert_int_equal(p[28 + 8], 1);                    /* CNAME */
	assert_int_equal(p[28 + 9], 23);
	assert_memory_equal(p + 28 + 10, "mbl-11223344@mediablast", 23);
	assert_int_equal(p[28 + 33], 0);                   /* terminator */
}

/* With the peer known: one report block (RFC 3550 6.4.1). Seqs 65535, 0,
 * 1, 3 received: extended highest 65539, expected 5, lost 1, fraction
 * 256 / 5 = 51; its SR 250 ms ago gives DLSR 0.25 * 65536 = 16384. */
static void test_rtcp_report_block(void **state)
{
	static const uint16_t seqs[] = {65535, 0, 1, 3};
	struct fix *f = *state;
	struct mbl_net_info ni;
	struct mbl_rtcp_info ci;
	uint64_t now = 20 * MBL_NS_PER_S;
	struct dp_rx *r;
	const uint8_t *p, *b;
	uint16_t len;

	fix_dp(f, 1, 4);
	r = &f->dp->r[0];
	r->have_peer = true;
	r->peer_ssrc = 0xaabbccddu;
	for (unsigned k = 0; k < 4; k++)
		mbl_rx_seq_update(&r->seq, seqs[k]);
	r->peer_sr_mid = 0x12345678u;
	r->peer_sr_arrival_ns = now - 250000000ull;
	len = dp_build_rtcp(f->dp, 0, f->buf[0], now, NULL);
	assert_int_equal(len, 42 + 52 + 36);
	assert_int_equal(mbl_net_parse(f->buf[0], len, 0, &ni), MBL_NET_C_UDP);
	p = f->buf[0] + ni.payload_off;
	assert_int_equal(mbl_rtcp_walk(p, ni.payload_len, &ci), 0);
	assert_int_equal(ci.pkt[0].count, 1);
	assert_int_equal(ci.pkt[0].len, 52);
	b = p + 28;
	assert_int_equal(rd32(b), 0xaabbccddu);
	assert_int_equal(rd32(b + 4), (51u << 24) | 1);
	assert_int_equal(rd32(b + 8), 65539);
	assert_int_equal(rd32(b + 12), 0);                 /* no jitter fed */
	assert_int_equal(rd32(b + 16), 0x12345678u);
	assert_int_equal(rd32(b + 20), 16384);
	/* next interval: nothing new lost, fraction 0, cumulative still 1 */
	mbl_rx_seq_update(&r->seq, 4);
	len = dp_build_rtcp(f->dp, 0, f->buf[1], now + MBL_NS_PER_S, NULL);
	assert_int_equal(mbl_net_parse(f->buf[1], len, 0, &ni), MBL_NET_C_UDP);
	b = f->buf[1] + ni.payload_off + 28;
	assert_int_equal(rd32(b + 4), 1);
	assert_int_equal(rd32(b + 8), 65540);
	assert_int_equal(rd32(b + 20), (uint32_t)((1250000000ull << 16) / MBL_NS_PER_S));
}

/* RTCP multiplexed: no separate template, the compound uses the RTP ports. */
static void test_rtcp_mux_ports(void **state)
{
	struct fix *f = *state;
	struct mbl_net_info ni;
	uint16_t len;

	fix_dp(f, 1, 4);
	free(f->dp->rtcp_tmpl);
	f->dp->rtcp_tmpl = NULL;
	len = dp_build_rtcp(f->dp, 0, f->buf[0], MBL_NS_PER_S, NULL);
	assert_int_equal(mbl_net_parse(f->buf[0], len, 0, &ni), MBL_NET_C_UDP);
	assert_int_equal(ni.sport, 10000);
	assert_int_equal(ni.dport, 20000);
	assert_int_equal(mbl_rtp_demux(f->buf[0] + ni.payload_off, ni.payload_len),
			 MBL_RTP_DEMUX_rtcp);
}


/* ---- dp_ctl.c: call mode START / STOP, applied by the owner --------------- */

static void test_call_mode_start_stop(void **state)
{
	struct fix *f = *state;
	struct dp_worker w;
	struct dp_msg m;
	struct mbl_net_info ni;
	struct mbl_rtp_info ri;
	uint8_t rip[16], lip[16], pkt[BUF_LEN];
	uint16_t lp, len;
	bool dtmf;

	fix_dp(f, 4, 4);
	f->dp->conf.dynamic = true;
	f->dp->conf.has_remote_mac = true;
	memcpy(f->dp->conf.remote_mac, mac_b, 6);
	f->dp->nexthop = calloc(4, 16);
	assert_non_null(f->dp->nexthop);
	for (unsigned i = 0; i < 4; i++)
		f->dp->s[i].state = DP_S_STOPPED;
	memset(&w, 0, sizeof(w));
	w.dp = f->dp;
	w.n = 4;
	assert_int_equal(dp_wheel_init(&w.wheel, 4, 64, 12, 0), 0);
	assert_int_equal(dp_wheel_init(&w.rtcp_wheel, 4, 64, 20, 0), 0);

	/* a packet for an idle slot is counted, not parsed */
	memset(pkt, 0x80, 20);
	dp_rx_udp_payload(&w, 2, false, pkt, 20, 1);
	assert_int_equal(w.c.drop_dp[MBL_DP_DROP_stream_idle], 1);

	/* START slot 2 toward 10.9.9.9:30000 with PT 8 */
	memset(&m, 0, sizeof(m));
	m.type = DP_MSG_START;
	m.stream = 2;
	m.pt = 8;
	m.ssrc = 0xabcdef01u;
	ip16("10.9.9.9", rip);
	dp_stream_local(&f->dp->conf, 2, lip, &lp);
	assert_int_equal(mbl_net_udp_tmpl_build(&m.tmpl, mac_a, mac_b, 0, 4, lip, rip, lp, 30000,
						46, 64), 0);
	memcpy(m.nexthop, rip, 16);
	dp_ctl_apply(&w, &m);
	assert_int_equal(m.rc, 0);
	assert_int_equal(f->dp->s[2].state, DP_S_RUN);
	assert_true(dp_wheel_is_queued(&w.wheel, 2));
	assert_true(dp_wheel_is_queued(&w.rtcp_wheel, 2));
	assert_memory_equal(f->dp->nexthop[2], rip, 16);
	assert_int_equal(w.c.streams_started, 1);
	len = dp_build_rtp(f->dp, &f->dp->s[2], 2, pkt, 0, &dtmf);
	parse_rtp(pkt, len, &ni, &ri);
	assert_int_equal(ri.pt, 8);
	assert_int_equal(ri.ssrc, 0xabcdef01u);
	assert_int_equal(ni.dport, 30000);
	assert_int_equal(ni.sport, lp);
	assert_true(ri.marker); /* a new call's stream starts a talkspurt */

	/* the peer's RTP with the negotiated PT is accepted; STOP reports it */
	assert_int_equal(mbl_rtp_parse(pkt + ni.payload_off, ni.payload_len, &ri), 0);
	dp_rx_udp_payload(&w, 2, false, pkt + ni.payload_off, ni.payload_len, 1000);
	assert_int_equal(f->dp->r[2].packets, 1);
	memset(&m, 0, sizeof(m));
	m.type = DP_MSG_STOP;
	m.stream = 2;
	dp_ctl_apply(&w, &m);
	assert_int_equal(m.rc, 0);
	assert_int_equal(m.res.tx_packets, 1);
	assert_int_equal(m.res.rx_packets, 1);
	assert_int_equal(f->dp->s[2].state, DP_S_STOPPED);
	assert_int_equal(w.ended.receiving, 1);
	/* a message for a stream the worker does not own is refused */
	m.stream = 7;
	dp_ctl_apply(&w, &m);
	assert_int_equal(m.rc, -EINVAL);
	dp_wheel_fini(&w.wheel);
	dp_wheel_fini(&w.rtcp_wheel);
	free(f->dp->nexthop);
}

/* DTLS-SRTP: a started stream sends and accepts nothing until its KEYS
 * message; the keys then protect what it sends; KEYS for a stream that
 * stopped meanwhile are refused (the control plane frees them). */
static void test_call_mode_dtls_keys(void **state)
{
	struct fix *f = *state;
	struct dp_worker w;
	struct dp_msg m;
	struct mbl_srtp_key k;
	uint8_t rip[16], lip[16], pkt[BUF_LEN];
	uint16_t lp, len;
	char err[128];
	bool dtmf;

	fix_dp(f, 2, 4);
	f->dp->conf.dynamic = true;
	f->dp->conf.has_remote_mac = true;
	memcpy(f->dp->conf.remote_mac, mac_b, 6);
	f->dp->nexthop = calloc(2, 16);
	assert_non_null(f->dp->nexthop);
	for (unsigned i = 0; i < 2; i++)
		f->dp->s[i].state = DP_S_STOPPED;
	memset(&w, 0, sizeof(w));
	w.dp = f->dp;
	w.n = 2;
	assert_int_equal(dp_wheel_init(&w.wheel, 2, 64, 12, 0), 0);
	assert_int_equal(dp_wheel_init(&w.rtcp_wheel, 2, 64, 20, 0), 0);

	memset(&m, 0, sizeof(m));
	m.type = DP_MSG_START;
	m.stream = 1;
	m.pt = 0;
	m.ssrc = 0x11223344u;
	m.dtls = true;
	ip16("10.9.9.9", rip);
	dp_stream_local(&f->dp->conf, 1, lip, &lp);
	assert_int_equal(mbl_net_udp_tmpl_build(&m.tmpl, mac_a, mac_b, 0, 4, lip, rip, lp, 30000,
						46, 64), 0);
	dp_ctl_apply(&w, &m);
	assert_int_equal(m.rc, 0);
	assert_true(f->dp->s[1].keys_wait);
	assert_true(f->dp->s[1].dtls);
	/* media before the keys: dropped and counted, DTLS counted apart */
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = 0x80;
	dp_rx_udp_payload(&w, 1, false, pkt, 20, 1);
	assert_int_equal(w.c.drop_dp[MBL_DP_DROP_keys_pending], 1);
	pkt[0] = 22;
	dp_rx_udp_payload(&w, 1, false, pkt, 20, 1);
	assert_int_equal(w.c.drop_dp[MBL_DP_DROP_dtls_unhandled], 1);
	assert_int_equal(f->dp->r[1].packets, 0);

	/* KEYS: both contexts installed, the wait ends, RTP goes out as SRTP */
	assert_int_equal(mbl_srtp_key_random(&k, MBL_SRTP_AES_CM_128_HMAC_SHA1_80), 0);
	memset(&m, 0, sizeof(m));
	m.type = DP_MSG_KEYS;
	m.stream = 1;
	m.ctx = mbl_srtp_ctx_create(MBL_SRTP_ENGINE_LIBSRTP, &k, 0x11223344u, true, err,
				    sizeof(err));
	m.ctx_rx = mbl_srtp_ctx_create(MBL_SRTP_ENGINE_LIBSRTP, &k, 0, false, err, sizeof(err));
	assert_non_null(m.ctx);
	assert_non_null(m.ctx_rx);
	dp_ctl_apply(&w, &m);
	assert_int_equal(m.rc, 0);
	assert_false(f->dp->s[1].keys_wait);
	assert_ptr_equal(f->dp->s[1].srtp, m.ctx);
	assert_ptr_equal(f->dp->r[1].srtp, m.ctx_rx);
	assert_int_equal(w.c.dtls_keyed, 1);
	len = dp_build_rtp(f->dp, &f->dp->s[1], 1, pkt, 0, &dtmf);
	/* 12-byte header + 160 PCMU bytes + the 10-byte HMAC-SHA1-80 tag */
	assert_int_equal(len, f->dp->s[1].tmpl.len + 12 + 160 + 10);

	/* STOP hands both contexts back; late KEYS are refused */
	memset(&m, 0, sizeof(m));
	m.type = DP_MSG_STOP;
	m.stream = 1;
	dp_ctl_apply(&w, &m);
	assert_non_null(m.old[0]);
	assert_non_null(m.old[1]);
	mbl_srtp_ctx_free(m.old[0]);
	mbl_srtp_ctx_free(m.old[1]);
	memset(&m, 0, sizeof(m));
	m.type = DP_MSG_KEYS;
	m.stream = 1;
	dp_ctl_apply(&w, &m);
	assert_int_equal(m.rc, -EINVAL);
	dp_wheel_fini(&w.wheel);
	dp_wheel_fini(&w.rtcp_wheel);
	free(f->dp->nexthop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map_single_step2),
		cmocka_unit_test(test_map_range_step4),
		cmocka_unit_test(test_map_ipv6_nexthop),
		cmocka_unit_test_setup_teardown(test_build_tone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_build_ipv6_vlan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_build_probe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_build_dtmf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rtcp_sr_sdes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rtcp_report_block, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rtcp_mux_ports, setup, teardown),
		cmocka_unit_test_setup_teardown(test_call_mode_start_stop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_call_mode_dtls_keys, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
