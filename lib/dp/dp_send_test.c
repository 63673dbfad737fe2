/* SPDX-License-Identifier: BSD-3-Clause
 * lib/dp tests without EAL for the hold message (DP_MSG_SEND): a call
 * slot started, its RTP withheld and resumed by the owner. Checks what
 * the peer sees: the sequence number goes on without a gap (so no loss is
 * counted), the timestamp follows the clock across the hold (so jitter
 * sees no step), the first packet after the resume is marked, and RTCP
 * still goes out while held. */
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

struct fix {
	struct mbl_dp dp;
	struct dp_worker w;
	struct mbl_payload pl;
	uint8_t (*nexthop)[16];
};

/* Two call slots of PCMU/20 ms on 10.0.0.1, slot 0 started toward
 * 10.9.9.9:30000 (PT 0, SSRC 0x5eed), owned by one worker. */
static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	struct mbl_dp_conf *c;
	struct dp_msg m;
	uint8_t lip[16], rip[16];
	uint16_t lp;

	if (f == NULL)
		return -1;
	c = &f->dp.conf;
	assert_int_equal(mbl_ip_range_parse("10.0.0.1", &c->local), 0);
	assert_int_equal(mbl_ip_range_parse("10.0.1.1", &c->remote), 0);
	c->local_port = 10000;
	c->port_step = 2;
	c->streams = 2;
	c->codec = mbl_codec_find("PCMU");
	c->ptime_ms = 20;
	c->rtcp = true;
	c->rtcp_mux = true;
	c->dynamic = true;
	c->has_remote_mac = true;
	memcpy(c->remote_mac, mac_b, 6);
	assert_int_equal(mbl_payload_tone(&f->pl, c->codec, 20, 1000, -10), 0);
	c->frames = &f->pl;
	f->dp.csum_mode = MBL_NET_CSUM_SW;
	f->dp.ts_step = mbl_codec_ts_step(c->codec, c->ptime_ms);
	memcpy(f->dp.mac, mac_a, 6);
	f->dp.s = calloc(2, sizeof(*f->dp.s));
	f->dp.r = calloc(2, sizeof(*f->dp.r));
	f->dp.nexthop = f->nexthop = calloc(2, 16);
	assert_true(f->dp.s && f->dp.r && f->nexthop);
	f->dp.s[0].state = f->dp.s[1].state = DP_S_STOPPED;
	f->w.dp = &f->dp;
	f->w.n = 2;
	assert_int_equal(dp_wheel_init(&f->w.wheel, 2, 64, 12, 0), 0);
	assert_int_equal(dp_wheel_init(&f->w.rtcp_wheel, 2, 64, 20, 0), 0);

	memset(&m, 0, sizeof(m));
	m.type = DP_MSG_START;
	m.stream = 0;
	m.ssrc = 0x5eed;
	assert_true(mbl_parse_ip("10.9.9.9", rip) > 0);
	dp_stream_local(c, 0, lip, &lp);
	assert_int_equal(mbl_net_udp_tmpl_build(&m.tmpl, mac_a, mac_b, 0, 4, lip, rip, lp, 30000,
						46, 64), 0);
	memcpy(m.nexthop, rip, 16);
	dp_ctl_apply(&f->w, &m);
	assert_int_equal(m.rc, 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	dp_wheel_fini(&f->w.wheel);
	dp_wheel_fini(&f->w.rtcp_wheel);
	mbl_payload_free(&f->pl);
	free(f->dp.s);
	free(f->dp.r);
	free(f->nexthop);
	free(f);
	return 0;
}

/* Build slot 0's next packet and parse its RTP header. */
static void next_rtp(struct fix *f, uint8_t *pkt, struct mbl_net_info *ni,
		     struct mbl_rtp_info *ri)
{
	bool dtmf;
	uint16_t len = dp_build_rtp(&f->dp, &f->dp.s[0], 0, pkt, 0, &dtmf);

	assert_int_equal(mbl_net_parse(pkt, len, 0, ni), MBL_NET_C_UDP);
	assert_int_equal(mbl_rtp_parse(pkt + ni->payload_off, ni->payload_len, ri), 0);
}

static void send_msg(struct fix *f, uint32_t stream, bool on, int want_rc)
{
	struct dp_msg m;

	memset(&m, 0, sizeof(m));
	m.type = DP_MSG_SEND;
	m.stream = stream;
	m.send_on = on;
	dp_ctl_apply(&f->w, &m);
	assert_int_equal(m.rc, want_rc);
}

static void test_hold_resume_rtp(void **state)
{
	struct fix *f = *state;
	struct dp_stream *s = &f->dp.s[0];
	uint8_t pkt[BUF_LEN], copy[BUF_LEN];
	struct mbl_net_info ni;
	struct mbl_rtp_info ri;
	uint16_t seq0;
	uint32_t ts0;

	next_rtp(f, pkt, &ni, &ri);
	assert_true(ri.marker);
	seq0 = ri.seq;
	ts0 = ri.ts;
	/* the peer (slot 1 plays the receiver) takes the first packet */
	f->dp.s[1].state = DP_S_RUN; /* slot 1 counts as started for RX */
	memcpy(copy, pkt + ni.payload_off, ni.payload_len);
	dp_rx_udp_payload(&f->w, 1, false, copy, ni.payload_len, 1000000);

	send_msg(f, 0, false, 0);
	assert_true(s->held);
	/* three packet times on hold: nothing built, the clock runs on */
	for (int i = 0; i < 3; i++)
		dp_tx_held(&f->dp, s);
	assert_int_equal(s->seq, (uint16_t)(seq0 + 1));
	/* RTCP still goes out while held (RFC 3264 5.1) */
	assert_true(dp_build_rtcp(&f->dp, 0, pkt, 5000000, NULL) > 0);

	send_msg(f, 0, true, 0);
	assert_false(s->held);
	next_rtp(f, pkt, &ni, &ri);
	assert_int_equal(ri.seq, (uint16_t)(seq0 + 1));         /* no gap */
	assert_int_equal(ri.ts, ts0 + 4 * f->dp.ts_step);       /* 1 sent + 3 held */
	assert_true(ri.marker);                                 /* new talkspurt */
	assert_int_equal(ri.ssrc, 0x5eed);
	memcpy(copy, pkt + ni.payload_off, ni.payload_len);
	dp_rx_udp_payload(&f->w, 1, false, copy, ni.payload_len, 81000000);
	assert_int_equal(f->dp.r[1].packets, 2);
	assert_int_equal(mbl_rx_seq_lost(&f->dp.r[1].seq), 0);
	/* a resume without a hold changes nothing, marks nothing */
	send_msg(f, 0, true, 0);
	next_rtp(f, pkt, &ni, &ri);
	assert_false(ri.marker);
	assert_int_equal(ri.seq, (uint16_t)(seq0 + 2));
}

static void test_send_refused(void **state)
{
	struct fix *f = *state;
	struct mbl_dp dp;

	/* a slot not in a call, and a stream another worker owns */
	send_msg(f, 1, false, -EINVAL);
	assert_false(f->dp.s[1].held);
	send_msg(f, 5, false, -EINVAL);
	/* control-plane side: not call mode, or slot idle, before any ring */
	memset(&dp, 0, sizeof(dp));
	dp.conf.streams = 2;
	assert_int_equal(mbl_dp_stream_send(&dp, 0, false), -EINVAL);
	dp.conf.dynamic = true;
	dp.busy = (uint8_t[2]){0, 0};
	assert_int_equal(mbl_dp_stream_send(&dp, 0, false), -EINVAL);
	assert_int_equal(mbl_dp_stream_send(&dp, 2, true), -EINVAL);
}

static void test_start_clears_hold(void **state)
{
	struct fix *f = *state;
	struct dp_msg m;

	send_msg(f, 0, false, 0);
	memset(&m, 0, sizeof(m));
	m.type = DP_MSG_STOP;
	m.stream = 0;
	dp_ctl_apply(&f->w, &m);
	/* the slot's next call starts sending, whatever the last one did */
	memset(&m, 0, sizeof(m));
	m.type = DP_MSG_START;
	m.stream = 0;
	m.ssrc = 7;
	m.tmpl = f->dp.s[0].tmpl;
	dp_ctl_apply(&f->w, &m);
	assert_false(f->dp.s[0].held);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hold_resume_rtp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_start_clears_hold, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
