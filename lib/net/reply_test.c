/* SPDX-License-Identifier: BSD-3-Clause
 * lib/net tests: ARP, ICMP echo replies and Neighbor Discovery builders,
 * checked byte for byte where the bytes are hand-computed and round-tripped
 * through mbl_net_parse() everywhere.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mbl_common.h"
#include "mbl_net.h"
#include "net_test_util.h"

static const uint8_t mac_a[6] = { 0x02, 0, 0, 0, 0, 0x0a };
static const uint8_t mac_b[6] = { 0x02, 0, 0, 0, 0, 0x0b };

static uint32_t ip4(const char *s)
{
	uint8_t a[16];
	uint32_t v;

	assert_int_equal(mbl_parse_ip(s, a), 4);
	memcpy(&v, a + 12, 4);
	return v;
}

static void test_arp_request_golden(void **state)
{
	static const uint8_t want[60] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 0x0a, 0x08, 0x06,
		0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
		0x02, 0, 0, 0, 0, 0x0a, 198, 18, 0, 1,
		0, 0, 0, 0, 0, 0, 198, 18, 0, 2,
	};
	uint8_t f[64];
	struct mbl_net_info ni;

	(void)state;
	memset(f, 0xaa, sizeof(f));
	assert_int_equal(mbl_net_arp_request(f, sizeof(f), 0, mac_a, ip4("198.18.0.1"),
					     ip4("198.18.0.2"), NULL), 60);
	assert_memory_equal(f, want, 60);
	assert_int_equal(mbl_net_parse(f, 60, 0, &ni), MBL_NET_C_ARP);
	assert_int_equal(ni.arp_op, 1);
	assert_memory_equal(ni.arp_sha, mac_a, 6);
	assert_int_equal(ni.arp_spa, ip4("198.18.0.1"));
	assert_int_equal(ni.arp_tpa, ip4("198.18.0.2"));
	assert_int_equal(ni.frame_len, 42);
	/* unicast refresh, tagged */
	assert_int_equal(mbl_net_arp_request(f, sizeof(f), 0x0005, mac_a, 1, 2, mac_b), 60);
	assert_memory_equal(f, mac_b, 6);
	assert_int_equal(mbl_net_parse(f, 60, 0, &ni), MBL_NET_C_ARP);
	assert_int_equal(ni.vlan_tci, 5);
	assert_int_equal(ni.l3_off, 18);
}

static void test_arp_reply_and_gratuitous(void **state)
{
	uint8_t f[64];
	struct mbl_net_info ni;

	(void)state;
	assert_int_equal(mbl_net_arp_reply(f, sizeof(f), 0, mac_a, ip4("198.18.0.1"), mac_b,
					   ip4("198.18.0.9")), 60);
	assert_memory_equal(f, mac_b, 6);
	assert_int_equal(mbl_net_parse(f, 60, 0, &ni), MBL_NET_C_ARP);
	assert_int_equal(ni.arp_op, 2);
	assert_memory_equal(ni.arp_sha, mac_a, 6);
	assert_memory_equal(f + 32, mac_b, 6); /* target hardware address */
	assert_int_equal(ni.arp_tpa, ip4("198.18.0.9"));
	assert_int_equal(mbl_net_arp_gratuitous(f, sizeof(f), 0, mac_a, ip4("198.18.0.7")), 60);
	assert_int_equal(mbl_net_parse(f, 60, 0, &ni), MBL_NET_C_ARP);
	assert_int_equal(ni.arp_op, 1);
	assert_int_equal(ni.arp_spa, ni.arp_tpa);
	assert_int_equal(f[0], 0xff);
	/* errors */
	assert_int_equal(mbl_net_arp_request(f, 59, 0, mac_a, 1, 2, NULL), -ENOSPC);
	assert_int_equal(mbl_net_arp_request(NULL, 60, 0, mac_a, 1, 2, NULL), -EINVAL);
	assert_int_equal(mbl_net_arp_reply(f, 60, 0, mac_a, 1, NULL, 2), -EINVAL);
}

/* Golden: the hand-made ping of parse_test, its reply computed by hand:
 * TTL stays 64 so the IP checksum is unchanged; ICMP type 0 -> fffd. */
static void test_icmp4_reply_golden(void **state)
{
	uint8_t f[60] = {
		0x02, 0, 0, 0, 0, 0x0a, 0x02, 0, 0, 0, 0, 0x0b, 0x08, 0x00,
		0x45, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x40, 0x01, 0xf9, 0x8c,
		0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0x02,
		0x08, 0x00, 0xf7, 0xfd, 0x00, 0x01, 0x00, 0x01,
	};
	static const uint8_t want[42] = {
		0x02, 0, 0, 0, 0, 0x0b, 0x02, 0, 0, 0, 0, 0x0a, 0x08, 0x00,
		0x45, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x40, 0x01, 0xf9, 0x8c,
		0xc0, 0xa8, 0x00, 0x02, 0xc0, 0xa8, 0x00, 0x01,
		0x00, 0x00, 0xff, 0xfd, 0x00, 0x01, 0x00, 0x01,
	};
	struct mbl_net_info ni;

	(void)state;
	/* 60 bytes: the 18-byte Ethernet padding must not be echoed */
	assert_int_equal(mbl_net_parse(f, sizeof(f), 0, &ni), MBL_NET_C_ICMP4_ECHO_REQ);
	assert_int_equal(mbl_net_icmp4_echo_reply(f, &ni), 42);
	assert_memory_equal(f, want, sizeof(want));
}

static void test_icmp4_reply_incremental(void **state)
{
	static uint8_t f[1600];
	size_t n;
	unsigned ttl, len;

	(void)state;
	for (ttl = 1; ttl < 256; ttl += 17) {
		for (len = 0; len < 1400; len += 97) {
			struct mbl_net_info ni, ri;

			n = t_icmp4_echo(f, ttl & 1 ? 0x10 : 0, (uint8_t)ttl, len);
			assert_int_equal(mbl_net_parse(f, (uint32_t)n, 0, &ni),
					 MBL_NET_C_ICMP4_ECHO_REQ);
			assert_int_equal(mbl_net_icmp4_echo_reply(f, &ni), (int)n);
			/* both checksums verify from scratch */
			assert_int_equal(ref_cksum(f + ni.l3_off, 20), 0);
			assert_int_equal(ref_cksum(f + ni.l4_off, 8 + len), 0);
			assert_int_equal(mbl_net_parse(f, (uint32_t)n, 0, &ri), MBL_NET_C_OTHER);
			assert_int_equal(ri.icmp_type, 0);
			assert_int_equal(ri.hop_limit, 64);
			assert_int_equal(ri.src4, ni.dst4);
			assert_int_equal(ri.dst4, ni.src4);
			assert_memory_equal(f, ((uint8_t[]){ 0x02, 0, 0, 0, 0, 0x02 }), 6);
		}
	}
	{
		struct mbl_net_info ni;

		n = t_icmp6_echo(f, 0, 4);
		assert_int_equal(mbl_net_parse(f, (uint32_t)n, 0, &ni), MBL_NET_C_ICMP6_ECHO_REQ);
		assert_int_equal(mbl_net_icmp4_echo_reply(f, &ni), -EINVAL);
	}
}

static void test_icmp6_reply(void **state)
{
	static uint8_t f[1600];
	unsigned len;

	(void)state;
	for (len = 0; len < 1400; len += 101) {
		struct mbl_net_info ni, ri;
		size_t n = t_icmp6_echo(f, len & 1 ? 0x77 : 0, len);
		uint8_t s[16], d[16];

		assert_int_equal(mbl_net_parse(f, (uint32_t)n, 0, &ni), MBL_NET_C_ICMP6_ECHO_REQ);
		assert_int_equal(ni.payload_len, len);
		memcpy(s, ni.src6, 16);
		memcpy(d, ni.dst6, 16);
		assert_int_equal(mbl_net_icmp6_echo_reply(f, &ni), (int)n);
		assert_int_equal(ref_l4_cksum(6, f + ni.l3_off, f + ni.l4_off, 8 + len, 58), 0);
		assert_int_equal(mbl_net_parse(f, (uint32_t)n, 0, &ri), MBL_NET_C_OTHER);
		assert_int_equal(ri.icmp_type, 129);
		assert_memory_equal(ri.src6, d, 16);
		assert_memory_equal(ri.dst6, s, 16);
		assert_int_equal(mbl_net_icmp6_echo_reply(f, &ri), -EINVAL);
	}
}

static void test_nd_ns(void **state)
{
	uint8_t f[128], src[16], tgt[16], want_dst[16];
	static const uint8_t want_mac[6] = { 0x33, 0x33, 0xff, 0x56, 0x78, 0x9a };
	struct mbl_net_info ni;
	int n;

	(void)state;
	mbl_parse_ip("2001:db8::1", src);
	mbl_parse_ip("2001:db8::12:3456:789a", tgt);
	mbl_parse_ip("ff02::1:ff56:789a", want_dst);
	n = mbl_net_nd_ns_build(f, sizeof(f), 0x0042, mac_a, src, tgt, NULL);
	assert_int_equal(n, 18 + 40 + 24 + 8);
	assert_memory_equal(f, want_mac, 6);
	assert_int_equal(mbl_net_parse(f, (uint32_t)n, 0, &ni), MBL_NET_C_ND_NS);
	assert_int_equal(ni.vlan_tci, 0x42);
	assert_int_equal(ni.hop_limit, 255);
	assert_memory_equal(ni.dst6, want_dst, 16);
	assert_memory_equal(ni.nd_target, tgt, 16);
	assert_non_null(ni.nd_lladdr);
	assert_memory_equal(ni.nd_lladdr, mac_a, 6);
	assert_int_equal(f[18 + 40 + 24], 1); /* source link-layer option */
	/* unicast probe */
	n = mbl_net_nd_ns_build(f, sizeof(f), 0, mac_a, src, tgt, mac_b);
	assert_int_equal(mbl_net_parse(f, (uint32_t)n, 0, &ni), MBL_NET_C_ND_NS);
	assert_memory_equal(f, mac_b, 6);
	assert_memory_equal(ni.dst6, tgt, 16);
	/* errors */
	assert_int_equal(mbl_net_nd_ns_build(f, 85, 0, mac_a, src, tgt, NULL), -ENOSPC);
	assert_int_equal(mbl_net_nd_ns_build(f, 86, 0, mac_a, src, tgt, NULL), 86);
	assert_int_equal(mbl_net_nd_ns_build(f, 86, 0, mac_a, src, want_dst, NULL), -EINVAL);
}

static void test_nd_na_reply(void **state)
{
	uint8_t req[128], f[128], src[16], tgt[16];
	struct mbl_net_info ns, na;
	int n;

	(void)state;
	mbl_parse_ip("fe80::b", src);
	mbl_parse_ip("fe80::a", tgt);
	n = mbl_net_nd_ns_build(req, sizeof(req), 9, mac_b, src, tgt, NULL);
	assert_int_equal(mbl_net_parse(req, (uint32_t)n, 0, &ns), MBL_NET_C_ND_NS);
	n = mbl_net_nd_na_reply(f, sizeof(f), &ns, mac_a);
	assert_int_equal(n, 90);
	assert_int_equal(mbl_net_parse(f, (uint32_t)n, 0, &na), MBL_NET_C_ND_NA);
	assert_int_equal(na.vlan_tci, 9);
	assert_memory_equal(na.eth_dst, mac_b, 6);
	assert_memory_equal(na.eth_src, mac_a, 6);
	assert_memory_equal(na.src6, tgt, 16);
	assert_memory_equal(na.dst6, src, 16);
	assert_memory_equal(na.nd_target, tgt, 16);
	assert_memory_equal(na.nd_lladdr, mac_a, 6);
	assert_int_equal(na.nd_flags, MBL_NET_NA_F_SOLICITED | MBL_NET_NA_F_OVERRIDE);
	assert_int_equal(f[18 + 40 + 24], 2); /* target link-layer option */
	/* In place: the reply may overwrite the request's own buffer. */
	n = mbl_net_nd_na_reply(req, sizeof(req), &ns, mac_a);
	assert_memory_equal(req, f, (size_t)n);
	assert_int_equal(mbl_net_nd_na_reply(f, sizeof(f), &na, mac_a), -EINVAL);
}

/* Duplicate address detection: NS from ::, no SLLA, to the solicited-node
 * group; the answer goes to all-nodes without S (RFC 4861 7.2.4). */
static void test_nd_na_dad(void **state)
{
	uint8_t f[128], *l3 = f + 14, *l4 = f + 54, all[16];
	static const uint8_t m[6] = { 0x33, 0x33, 0xff, 0, 0, 0x0a };
	struct mbl_net_info ns, na;
	int n;

	(void)state;
	t_eth(f, m, mac_b, 0, 0x86dd);
	t_ip6(l3, 24, 255, 58, "::", "ff02::1:ff00:a");
	memset(l4, 0, 24);
	l4[0] = 135;
	mbl_parse_ip("fe80::a", l4 + 8);
	t_icmp6_fix(l3);
	assert_int_equal(mbl_net_parse(f, 78, 0, &ns), MBL_NET_C_ND_NS);
	assert_null(ns.nd_lladdr);
	n = mbl_net_nd_na_reply(f, sizeof(f), &ns, mac_a);
	assert_int_equal(mbl_net_parse(f, (uint32_t)n, 0, &na), MBL_NET_C_ND_NA);
	mbl_parse_ip("ff02::1", all);
	assert_memory_equal(na.dst6, all, 16);
	assert_int_equal(na.nd_flags, MBL_NET_NA_F_OVERRIDE);
	assert_memory_equal(f, ((uint8_t[]){ 0x33, 0x33, 0, 0, 0, 1 }), 6);
	assert_int_equal(mbl_net_nd_na_build(f, sizeof(f), 0, mac_a, all, mac_b, all, 1),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arp_request_golden),
		cmocka_unit_test(test_arp_reply_and_gratuitous),
		cmocka_unit_test(test_icmp4_reply_golden),
		cmocka_unit_test(test_icmp4_reply_incremental),
		cmocka_unit_test(test_icmp6_reply),
		cmocka_unit_test(test_nd_ns),
		cmocka_unit_test(test_nd_na_reply),
		cmocka_unit_test(test_nd_na_dad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
