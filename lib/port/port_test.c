/* SPDX-License-Identifier: BSD-3-Clause
 * lib/port tests with a real EAL (no hugepages, no PCI) and virtual ports:
 * net_null0 / net_null1 (no checksum offload, many queues) and net_ring0,
 * whose TX queue 0 is its RX queue 0, so a frame sent comes back. That
 * loop also carries one lib/dp check that needs mbufs: dp_rx_frame() on a
 * received RTP frame, an ARP request answered through dp_tx_flush().
 *
 * Every close releases a virtual port (rte_eth_dev_close in 22.11), so
 * each port is opened successfully at most once: net_null0 for the
 * refused checksum offload and receive timestamps, net_null1 for queue
 * clamping, net_ring0 for the loop, net_pcap0 (replaying a capture the
 * setup writes) for the receive timestamps it carries into jitter. The
 * tests run in order in one group.
 *
 * Runs leak-clean under ASan (detect_leaks=1): no suppression needed. */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <rte_arp.h>
#include <rte_eal.h>
#include <rte_ethdev.h>

#include "dp_priv.h"
#include "mbl_port.h"

#define MBUFS 2048
#define MS 1000000ull

static char runtime_dir[PATH_MAX];
static char pcap_path[PATH_MAX];
static uint16_t id_ring, id_null0, id_null1, id_pcap;
static struct mbl_port ring_port; /* opened by test_open_ring, used by the loop */

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* The capture net_pcap0 replays: three RTP packets of one PCMU stream
 * 10.0.0.1:10000 -> 10.0.1.1:20000, 20 ms of timestamp apart, captured at
 * 0, 20.5 and 40 ms: transit differences of +0.5 ms and -0.5 ms. */
#define PCAP_T0_US 1700000000000000ull
static const uint32_t pcap_at_us[3] = {0, 20500, 40000};

static int write_capture(const char *path)
{
	static const uint8_t src[16] = {[10] = 0xff, [11] = 0xff, 10, 0, 0, 1};
	static const uint8_t dst[16] = {[10] = 0xff, [11] = 0xff, 10, 0, 1, 1};
	static const uint8_t mac_a[6] = {0x02, 0, 0, 0, 0, 0x0a};
	const uint32_t hdr[6] = {0xa1b2c3d4, 2 | (4u << 16), 0, 0, 65535, 1};
	struct mbl_net_udp_tmpl t;
	uint8_t frame[128] = {0}, *rtp;
	FILE *f = fopen(path, "wb");
	int ok = f != NULL && fwrite(hdr, sizeof(hdr), 1, f) == 1;

	if (mbl_net_udp_tmpl_build(&t, mac_a, mac_a, 0, 4, src, dst, 10000, 20000, 0, 64) < 0)
		ok = 0;
	for (unsigned k = 0; ok && k < 3; k++) {
		uint64_t us = PCAP_T0_US + pcap_at_us[k];
		uint32_t rec[4] = {(uint32_t)(us / 1000000), (uint32_t)(us % 1000000), 0, 0};
		uint16_t plen = 12 + 40, seq = rte_cpu_to_be_16((uint16_t)(7 + k));
		uint32_t ts = rte_cpu_to_be_32(1000 + 160 * k), ssrc = rte_cpu_to_be_32(0xabcd);

		memcpy(frame, t.hdr, t.len);
		rtp = frame + t.len;
		rtp[0] = 0x80;
		memcpy(rtp + 2, &seq, 2);
		memcpy(rtp + 4, &ts, 4);
		memcpy(rtp + 8, &ssrc, 4);
		mbl_net_udp_finalize(frame, &t, plen, mbl_net_cksum_add(0, rtp, plen),
				     MBL_NET_CSUM_SW);
		rec[2] = rec[3] = (uint32_t)(t.len + plen);
		ok = fwrite(rec, sizeof(rec), 1, f) == 1 && fwrite(frame, rec[2], 1, f) == 1;
	}
	if (f != NULL && fclose(f) != 0)
		ok = 0;
	return ok ? 0 : -1;
}

static int eal_setup(void **state)
{
	char prefix[64], pcap_vdev[PATH_MAX + 64];
	char *argv[] = {"port_test", "--no-huge", "-m", "256", "--no-pci",
			"--vdev", "net_ring0", "--vdev", "net_null0", "--vdev", "net_null1",
			"--vdev", pcap_vdev,
			"-l", "0", "--file-prefix", prefix, "--log-level", "error"};

	(void)state;
	snprintf(prefix, sizeof(prefix), "mbl-port-test-%d", (int)getpid());
	snprintf(pcap_path, sizeof(pcap_path), "/tmp/mbl-port-test-%d.pcap", (int)getpid());
	snprintf(pcap_vdev, sizeof(pcap_vdev), "net_pcap0,rx_pcap=%s,tx_pcap=/dev/null",
		 pcap_path);
	if (write_capture(pcap_path) < 0)
		return -1;
	if (rte_eal_init((int)MBL_ARRAY_SIZE(argv), argv) < 0)
		return -1;
	snprintf(runtime_dir, sizeof(runtime_dir), "%s", rte_eal_get_runtime_dir());
	if (rte_eth_dev_get_port_by_name("net_ring0", &id_ring) != 0 ||
	    rte_eth_dev_get_port_by_name("net_null0", &id_null0) != 0 ||
	    rte_eth_dev_get_port_by_name("net_null1", &id_null1) != 0 ||
	    rte_eth_dev_get_port_by_name("net_pcap0", &id_pcap) != 0)
		return -1;
	return 0;
}

static int eal_teardown(void **state)
{
	struct stat st;

	(void)state;
	mbl_port_close(&ring_port);
	rte_eal_cleanup();
	unlink(pcap_path);
	/* rte_eal_cleanup() leaves the runtime directory behind: remove it */
	if (runtime_dir[0] != '\0' && stat(runtime_dir, &st) == 0)
		nftw(runtime_dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	return stat(runtime_dir, &st) == 0 ? -1 : 0;
}

static void conf_init(struct mbl_port_conf *c, uint16_t port, uint16_t queues)
{
	memset(c, 0, sizeof(*c));
	c->port_id = port;
	c->rx_queues = c->tx_queues = queues;
	c->rx_desc = c->tx_desc = 256;
	c->mbufs = MBUFS;
	c->mtu = RTE_ETHER_MTU;
	c->cksum = MBL_PORT_CKSUM_AUTO;
}

/* Run mbl_port_open with stderr captured into out (mbl_log writes there). */
static int open_capture(const struct mbl_port_conf *c, struct mbl_port *p, char *err,
			size_t errlen, char *out, size_t outlen)
{
	FILE *tmp = tmpfile();
	int saved, rc;
	size_t n;

	assert_non_null(tmp);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	dup2(fileno(tmp), STDERR_FILENO);
	rc = mbl_port_open(c, p, err, errlen);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(tmp);
	n = fread(out, 1, outlen - 1, tmp);
	out[n] = '\0';
	fclose(tmp);
	return rc;
}

static void test_count(void **state)
{
	(void)state;
	assert_int_equal(mbl_port_count(), 4);
}

static void test_open_nodev(void **state)
{
	struct mbl_port_conf c;
	struct mbl_port p;
	char err[256] = "", want[64];

	(void)state;
	conf_init(&c, RTE_MAX_ETHPORTS - 1, 1);
	assert_int_equal(mbl_port_open(&c, &p, err, sizeof(err)), -ENODEV);
	snprintf(want, sizeof(want), "no DPDK port %u (4 ports exist)", RTE_MAX_ETHPORTS - 1);
	assert_non_null(strstr(err, want));
	assert_null(p.pool);
	mbl_port_close(&p); /* nothing opened: nothing to do */
	assert_int_equal(mbl_port_count(), 4);
}

/* cksum on, PMD without IPv4+UDP TX checksum offload: -ENOTSUP naming the
 * port and driver, before anything is configured. */
static void cksum_on_unsupported(struct mbl_port *p)
{
	const uint64_t need = RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
	struct rte_eth_dev_info di;
	struct mbl_port_conf c;
	char err[256] = "", want[64];

	assert_int_equal(rte_eth_dev_info_get(id_null0, &di), 0);
	assert_int_not_equal(di.tx_offload_capa & need, need);
	conf_init(&c, id_null0, 1);
	c.cksum = MBL_PORT_CKSUM_ON;
	assert_int_equal(mbl_port_open(&c, p, err, sizeof(err)), -ENOTSUP);
	snprintf(want, sizeof(want), "port %u (net_null)", id_null0);
	assert_non_null(strstr(err, want));
	assert_non_null(strstr(err, "cksum_offload=on"));
	assert_null(p->pool);
	assert_true(rte_eth_dev_is_valid_port(id_null0));
}

static void test_cksum_on_unsupported(void **state)
{
	struct mbl_port p;

	(void)state;
	cksum_on_unsupported(&p);
}

/* mbl_port.h: close is "safe on a port that failed to open (does
 * nothing)": after the -ENOTSUP above nothing was configured, so the port
 * must still exist (closing a vdev port releases it). */
static void test_close_after_failed_open(void **state)
{
	struct mbl_port p;

	(void)state;
	cksum_on_unsupported(&p);
	mbl_port_close(&p);
	assert_true(rte_eth_dev_is_valid_port(id_null0));
}

/* port.rx_timestamp=on where the PMD neither offers the offload nor
 * stamps: -ENOTSUP naming the key, before anything is configured. */
static void test_rx_ts_on_unsupported(void **state)
{
	struct mbl_port_conf c;
	struct mbl_port p;
	char err[256] = "";

	(void)state;
	conf_init(&c, id_null0, 1);
	c.rx_ts = MBL_PORT_CKSUM_ON;
	assert_int_equal(mbl_port_open(&c, &p, err, sizeof(err)), -ENOTSUP);
	assert_non_null(strstr(err, "(net_null): port.rx_timestamp=on"));
	assert_int_equal(p.rx_ts_src, MBL_PORT_RX_TS_NONE);
	assert_true(rte_eth_dev_is_valid_port(id_null0));
}

/* More queues than the PMD has: clamped to its maximum, with a message. */
static void test_queue_clamp(void **state)
{
	struct rte_eth_dev_info di;
	struct mbl_port_conf c;
	struct mbl_port p;
	char err[256] = "", log[2048], want[96];

	(void)state;
	assert_int_equal(rte_eth_dev_info_get(id_null1, &di), 0);
	conf_init(&c, id_null1, (uint16_t)(MBL_MAX(di.max_rx_queues, di.max_tx_queues) + 1));
	c.cksum = MBL_PORT_CKSUM_AUTO;
	assert_int_equal(open_capture(&c, &p, err, sizeof(err), log, sizeof(log)), 0);
	assert_int_equal(p.nb_rxq, di.max_rx_queues);
	assert_int_equal(p.nb_txq, di.max_tx_queues);
	snprintf(want, sizeof(want), "port %u (net_null): queues clamped to rx %u tx %u", id_null1,
		 di.max_rx_queues, di.max_tx_queues);
	assert_non_null(strstr(log, want));
	assert_false(p.tx_ip_cksum || p.tx_udp_cksum); /* AUTO without offload: software */
	assert_string_equal(p.driver, "net_null");
	mbl_port_close(&p);
	assert_null(p.pool);
	mbl_port_close(&p); /* twice is safe */
	assert_false(rte_eth_dev_is_valid_port(id_null1)); /* vdev released */
}

static void test_open_ring(void **state)
{
	struct rte_ether_addr mac;
	struct mbl_port_conf c;
	char err[256] = "", log[1024];

	(void)state;
	conf_init(&c, id_ring, 1);
	c.promisc = true;
	assert_int_equal(open_capture(&c, &ring_port, err, sizeof(err), log, sizeof(log)), 0);
	assert_null(strstr(log, "clamped"));
	assert_int_equal(ring_port.id, id_ring);
	assert_int_equal(ring_port.nb_rxq, 1);
	assert_int_equal(ring_port.nb_txq, 1);
	assert_string_equal(ring_port.driver, "net_ring");
	assert_string_equal(ring_port.name, "net_ring0");
	assert_int_equal(rte_eth_macaddr_get(id_ring, &mac), 0);
	assert_memory_equal(&ring_port.mac, &mac, sizeof(mac));
	assert_non_null(ring_port.pool);
	assert_int_equal(rte_mempool_avail_count(ring_port.pool), MBUFS);
	assert_true(mbl_port_wait_link(&ring_port, 1000));
}

/* ---- loop: dp TX frame -> net_ring -> dp_rx_frame ----------------------- */

struct side {
	struct mbl_dp dp;
	struct dp_worker *w;
};

static void side_init(struct side *x, const char *local, uint16_t lport, const char *remote,
		      uint16_t rport, uint32_t streams, const uint8_t mac[6])
{
	struct mbl_dp_conf *c = &x->dp.conf;

	memset(x, 0, sizeof(*x));
	assert_int_equal(mbl_ip_range_parse(local, &c->local), 0);
	assert_int_equal(mbl_ip_range_parse(remote, &c->remote), 0);
	c->local_port = lport;
	c->remote_port = rport;
	c->port_step = 2;
	c->streams = streams;
	c->codec = mbl_codec_find("PCMU");
	c->ptime_ms = 20;
	c->payload = MBL_DP_PAYLOAD_PROBE;
	c->probe_len = 100;
	c->rtcp_mux = true;
	x->dp.port_id = id_ring;
	x->dp.pool = ring_port.pool;
	x->dp.ts_step = 160;
	memcpy(x->dp.mac, mac, 6);
	x->dp.s = calloc(streams, sizeof(*x->dp.s));
	x->dp.r = calloc(streams, sizeof(*x->dp.r));
	x->w = aligned_alloc(64, (sizeof(*x->w) + 63) & ~(size_t)63);
	assert_true(x->dp.s && x->dp.r && x->w);
	memset(x->w, 0, sizeof(*x->w));
	x->w->dp = &x->dp;
	x->w->n = streams;
	x->w->neigh = mbl_neigh_create(16);
	assert_non_null(x->w->neigh);
	x->dp.w = x->w;
	x->dp.n_workers = 1;
	x->dp.per_worker = streams;
	for (uint32_t i = 0; i < streams; i++) {
		uint8_t lip[16], rip[16];
		uint16_t lp, rp;

		dp_stream_local(c, i, lip, &lp);
		dp_stream_remote(c, i, rip, &rp);
		assert_int_equal(mbl_net_udp_tmpl_build(&x->dp.s[i].tmpl, mac,
							ring_port.mac.addr_bytes, 0, 4, lip, rip,
							lp, rp, 0, 64), 0);
		x->dp.s[i].ssrc = 0x5eed0000u + i;
		x->dp.s[i].marker_next = true;
		mbl_rx_seq_init(&x->dp.r[i].seq);
		mbl_rx_jitter_init(&x->dp.r[i].jit);
	}
}

static void side_fini(struct side *x)
{
	mbl_neigh_free(x->w->neigh);
	free(x->w);
	free(x->dp.s);
	free(x->dp.r);
}

/* Send len bytes at frame through the ring and return what comes back. */
static struct rte_mbuf *loop_frame(const uint8_t *frame, uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(ring_port.pool), *rx[4];

	assert_non_null(m);
	memcpy(rte_pktmbuf_mtod(m, uint8_t *), frame, len);
	m->data_len = m->pkt_len = len;
	assert_int_equal(rte_eth_tx_burst(id_ring, 0, &m, 1), 1);
	assert_int_equal(rte_eth_rx_burst(id_ring, 0, rx, 4), 1);
	assert_int_equal(rx[0]->pkt_len, len);
	assert_memory_equal(rte_pktmbuf_mtod(rx[0], uint8_t *), frame, len);
	return rx[0];
}

/* A (10.0.0.1, two streams) sends probes to B (10.0.1.1, one stream): stream
 * 0 is accounted, stream 1 (port 20002) is unknown_stream, anything once
 * B owns another address is not_local. Every mbuf returns to the pool. */
static void test_loop_rtp(void **state)
{
	static const uint8_t mac_a[6] = {0x02, 0, 0, 0, 0, 0x0a};
	struct side a, b;
	uint8_t frame[256] __attribute__((aligned(8)));
	uint16_t len;
	bool dtmf;

	(void)state;
	assert_non_null(ring_port.pool);
	side_init(&a, "10.0.0.1", 10000, "10.0.1.1", 20000, 2, mac_a);
	side_init(&b, "10.0.1.1", 20000, "10.0.0.1", 10000, 1, ring_port.mac.addr_bytes);
	for (unsigned k = 0; k < 3; k++) {
		len = dp_build_rtp(&a.dp, &a.dp.s[0], 0, frame, 5 * MBL_NS_PER_S, &dtmf);
		assert_int_equal(len, 42 + 12 + 100);
		dp_rx_frame(b.w, loop_frame(frame, len), 5 * MBL_NS_PER_S + (k + 1) * MS);
	}
	assert_int_equal(b.w->c.rx_rtp, 3);
	assert_int_equal(b.w->c.rx_probe_ok, 3);
	assert_int_equal(b.dp.r[0].packets, 3);
	assert_int_equal(b.dp.r[0].peer_ssrc, 0x5eed0000u);
	assert_int_equal(b.dp.r[0].delay_min_ns, 1 * MS);
	assert_int_equal(b.dp.r[0].delay_max_ns, 3 * MS);
	len = dp_build_rtp(&a.dp, &a.dp.s[1], 1, frame, 0, &dtmf);
	dp_rx_frame(b.w, loop_frame(frame, len), 0);
	assert_int_equal(b.w->c.drop_dp[MBL_DP_DROP_unknown_stream], 1);
	assert_int_equal(mbl_ip_range_parse("10.0.1.5", &b.dp.conf.local), 0);
	len = dp_build_rtp(&a.dp, &a.dp.s[0], 0, frame, 0, &dtmf);
	dp_rx_frame(b.w, loop_frame(frame, len), 0);
	assert_int_equal(b.w->c.drop_dp[MBL_DP_DROP_not_local], 1);
	assert_int_equal(b.w->c.rx_rtp, 3);
	assert_int_equal(rte_mempool_avail_count(ring_port.pool), MBUFS);
	side_fini(&a);
	side_fini(&b);
}

/* ARP who-has 10.0.1.1 from A: B learns A and answers through its TX
 * queue (dp_tx_frame, dp_tx_flush), which the ring hands back. */
static void test_loop_arp(void **state)
{
	static const uint8_t mac_a[6] = {0x02, 0, 0, 0, 0, 0x0a};
	struct side b;
	struct mbl_net_info ni;
	struct rte_mbuf *rx[4];
	uint8_t frame[128] __attribute__((aligned(8))), ip[16];
	uint32_t sip = RTE_BE32(0x0a000001), tip = RTE_BE32(0x0a000101);
	int len;

	(void)state;
	side_init(&b, "10.0.1.1", 20000, "10.0.0.1", 10000, 1, ring_port.mac.addr_bytes);
	len = mbl_net_arp_request(frame, sizeof(frame), 0, mac_a, sip, tip, NULL);
	assert_true(len > 0);
	dp_rx_frame(b.w, loop_frame(frame, (uint16_t)len), MBL_NS_PER_S);
	assert_int_equal(b.w->c.neigh_learned, 1);
	assert_int_equal(b.w->c.arp_reply_tx, 1);
	assert_int_equal(b.w->ntx, 1);
	mbl_net_ip4_to16(sip, ip);
	assert_non_null(mbl_neigh_lookup(b.w->neigh, ip));
	assert_memory_equal(mbl_neigh_lookup(b.w->neigh, ip), mac_a, 6);
	dp_tx_flush(b.w, mbl_tsc());
	assert_int_equal(b.w->ntx, 0);
	assert_int_equal(rte_eth_rx_burst(id_ring, 0, rx, 4), 1);
	assert_int_equal(mbl_net_parse(rte_pktmbuf_mtod(rx[0], uint8_t *), rx[0]->data_len, 0,
				       &ni), MBL_NET_C_ARP);
	assert_int_equal(ni.arp_op, RTE_ARP_OP_REPLY);
	assert_int_equal(ni.arp_spa, tip);
	assert_int_equal(ni.arp_tpa, sip);
	assert_memory_equal(ni.arp_sha, ring_port.mac.addr_bytes, 6);
	assert_memory_equal(ni.eth_dst, mac_a, 6);
	rte_pktmbuf_free(rx[0]);
	assert_int_equal(rte_mempool_avail_count(ring_port.pool), MBUFS);
	side_fini(&b);
}

/* net_pcap0 replays write_capture's packets stamped with their capture
 * times (microseconds): port.rx_timestamp=on finds the field and the
 * driver's rate, and the data plane's jitter follows the stamps alone
 * (the poll time handed to dp_rx_frame is the same for all three). RFC
 * 3550 A.8 by hand, 8 kHz: |D| = 4 units twice; J = 4/16 = 0.25, then
 * 0.25 + (4 - 0.25)/16 = 0.484375 units; mean (0.25 + 0.484375)/2 units
 * = 0.0458984 ms. */
static void test_pcap_rx_timestamps(void **state)
{
	struct mbl_port_conf c;
	struct mbl_port p;
	struct rte_mbuf *rx[8];
	struct side b;
	char err[256] = "";
	uint16_t n = 0;

	(void)state;
	conf_init(&c, id_pcap, 1);
	c.rx_ts = MBL_PORT_CKSUM_ON;
	assert_int_equal(mbl_port_open(&c, &p, err, sizeof(err)), 0);
	assert_int_equal(p.rx_ts_src, MBL_PORT_RX_TS_DRIVER);
	assert_string_equal(mbl_port_rx_ts_name(p.rx_ts_src), "driver");
	assert_int_equal(p.rx_ts_hz, 1000000);
	assert_true(p.rx_ts_off >= 0 && p.rx_ts_flag != 0);
	for (unsigned tries = 0; n < 3 && tries < 1000; tries++)
		n = (uint16_t)(n + rte_eth_rx_burst(id_pcap, 0, rx + n, (uint16_t)(8 - n)));
	assert_int_equal(n, 3);
	side_init(&b, "10.0.1.1", 20000, "10.0.0.1", 10000, 1, ring_port.mac.addr_bytes);
	b.dp.rx_ts_off = p.rx_ts_off;
	b.dp.rx_ts_flag = p.rx_ts_flag;
	b.dp.rx_ts_mult = 1000ull << 32; /* 1 MHz ticks -> ns, as mbl_dp_create sets it */
	b.dp.conf.payload = MBL_DP_PAYLOAD_TONE;
	for (unsigned k = 0; k < 3; k++) {
		assert_true(rx[k]->ol_flags & p.rx_ts_flag);
		assert_int_equal(*RTE_MBUF_DYNFIELD(rx[k], p.rx_ts_off, uint64_t *),
				 PCAP_T0_US + pcap_at_us[k]);
		dp_rx_frame(b.w, rx[k], 5 * MBL_NS_PER_S);
	}
	assert_int_equal(b.w->c.rx_rtp, 3);
	assert_int_equal(b.w->c.rx_timed_port, 3);
	assert_int_equal(b.w->c.rx_timing_skipped, 0);
	assert_int_equal(b.dp.r[0].jit.n_diff, 2);
	assert_float_equal(mbl_rx_jitter_mean_ms(&b.dp.r[0].jit, 8000), 0.0458984, 1e-5);
	side_fini(&b);
	mbl_port_close(&p);
}

static void test_close_ring(void **state)
{
	(void)state;
	mbl_port_close(&ring_port);
	assert_null(ring_port.pool);
	mbl_port_close(&ring_port);
	assert_false(rte_eth_dev_is_valid_port(id_ring));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_open_nodev),
		cmocka_unit_test(test_cksum_on_unsupported),
		cmocka_unit_test(test_close_after_failed_open),
		cmocka_unit_test(test_rx_ts_on_unsupported),
		cmocka_unit_test(test_queue_clamp),
		cmocka_unit_test(test_open_ring),
		cmocka_unit_test(test_loop_rtp),
		cmocka_unit_test(test_loop_arp),
		cmocka_unit_test(test_pcap_rx_timestamps),
		cmocka_unit_test(test_close_ring),
	};

	return cmocka_run_group_tests(tests, eal_setup, eal_teardown);
}
