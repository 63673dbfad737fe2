/* SPDX-License-Identifier: BSD-3-Clause
 * lib/net tests: classification and validation of received frames. Every
 * frame is parsed from a heap copy of exactly its length, so ASan catches
 * any read past the end.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mbl_common.h"
#include "mbl_net.h"
#include "net_test_util.h"

static const uint8_t mac_a[6] = { 0x02, 0, 0, 0, 0, 0x0a };
static const uint8_t mac_b[6] = { 0x02, 0, 0, 0, 0, 0x0b };

static int parse_copy(const uint8_t *f, size_t len, unsigned flags, struct mbl_net_info *ni)
{
	uint8_t *c = malloc(len ? len : 1);
	int rc;

	assert_non_null(c);
	memcpy(c, f, len);
	rc = mbl_net_parse(c, (uint32_t)len, flags, ni);
	/* pointers into the copy die with it */
	free(c);
	return rc;
}

static void expect_drop(const uint8_t *f, size_t len, enum mbl_net_drop why)
{
	struct mbl_net_info ni;

	assert_int_equal(parse_copy(f, len, 0, &ni), MBL_NET_C_DROP);
	assert_string_equal(mbl_net_drop_names[ni.drop], mbl_net_drop_names[why]);
}

static size_t udp_frame(uint8_t *f, int family, uint16_t tci, uint16_t plen)
{
	struct mbl_net_udp_tmpl t;
	uint8_t s[16], d[16];
	unsigned i;

	mbl_parse_ip(family == 4 ? "198.18.0.1" : "2001:db8::1", s);
	mbl_parse_ip(family == 4 ? "198.18.0.2" : "2001:db8::2", d);
	assert_int_equal(mbl_net_udp_tmpl_build(&t, mac_a, mac_b, tci, family, s, d, 40000, 5004,
						0, 64), 0);
	memcpy(f, t.hdr, t.len);
	for (i = 0; i < plen; i++)
		f[t.len + i] = (uint8_t)(i ^ 0x55);
	mbl_net_udp_finalize(f, &t, plen, mbl_net_cksum_add(0, f + t.len, plen), MBL_NET_CSUM_SW);
	return (size_t)t.len + plen;
}

static void test_drop_names(void **state)
{
	int i, j;

	(void)state;
	assert_string_equal(mbl_net_drop_names[MBL_NET_DROP_bad_ip_csum], "bad_ip_csum");
	assert_string_equal(mbl_net_drop_names[MBL_NET_DROP_ip_fragment], "ip_fragment");
	for (i = 0; i < MBL_NET_DROP_MAX; i++) {
		const char *n = mbl_net_drop_names[i];

		assert_non_null(n);
		assert_non_null(mbl_net_drop_descs[i]);
		assert_int_equal(strspn(n, "abcdefghijklmnopqrstuvwxyz0123456789_"), strlen(n));
		for (j = 0; j < i; j++)
			assert_string_not_equal(n, mbl_net_drop_names[j]);
	}
}

static void test_udp_v4_fields(void **state)
{
	uint8_t f[200];
	struct mbl_net_info ni;
	size_t n = udp_frame(f, 4, 0x2064, 100);

	(void)state;
	assert_int_equal(parse_copy(f, n, 0, &ni), MBL_NET_C_UDP);
	assert_int_equal(ni.vlan_tci, 0x2064);
	assert_int_equal(ni.family, 4);
	assert_int_equal(ni.l3_off, 18);
	assert_int_equal(ni.l4_off, 38);
	assert_int_equal(ni.payload_off, 46);
	assert_int_equal(ni.payload_len, 100);
	assert_int_equal(ni.frame_len, n);
	assert_int_equal(ni.sport, 40000);
	assert_int_equal(ni.dport, 5004);
	assert_int_equal(ni.hop_limit, 64);
	assert_int_equal(rte_be_to_cpu_32(ni.src4), 0xc6120001);
	assert_int_equal(rte_be_to_cpu_32(ni.dst4), 0xc6120002);
	{
		uint8_t a[16], want[16];

		mbl_net_info_dst16(&ni, a);
		mbl_parse_ip("198.18.0.2", want);
		assert_memory_equal(a, want, 16);
	}
}

static void test_udp_v6_fields(void **state)
{
	uint8_t f[200], want[16];
	struct mbl_net_info ni;
	size_t n = udp_frame(f, 6, 0, 33);

	(void)state;
	assert_int_equal(mbl_net_parse(f, (uint32_t)n, 0, &ni), MBL_NET_C_UDP);
	assert_int_equal(ni.family, 6);
	assert_int_equal(ni.l4_off, 54);
	assert_int_equal(ni.payload_len, 33);
	mbl_parse_ip("2001:db8::1", want);
	assert_memory_equal(ni.src6, want, 16);
	assert_ptr_equal(ni.src6, f + 22);
}

/* Ethernet pads short frames to 60 bytes: the IP length wins. */
static void test_trailer_padding(void **state)
{
	uint8_t f[60];
	struct mbl_net_info ni;
	size_t n;

	(void)state;
	memset(f, 0xee, sizeof(f));
	n = udp_frame(f, 4, 0, 4);
	assert_int_equal(n, 46);
	assert_int_equal(parse_copy(f, 60, 0, &ni), MBL_NET_C_UDP);
	assert_int_equal(ni.payload_len, 4);
	assert_int_equal(ni.frame_len, 46);
}

/* Truncating a good frame anywhere before its end is short_frame; at or
 * beyond its IP length it parses as before. */
static void truncations(const uint8_t *f, size_t full)
{
	struct mbl_net_info ni;
	int cls = parse_copy(f, full, 0, &ni);
	uint32_t need = ni.frame_len;
	size_t len;

	assert_int_not_equal(cls, MBL_NET_C_DROP);
	for (len = 0; len < full; len++) {
		int rc = parse_copy(f, len, 0, &ni);

		if (len < need) {
			assert_int_equal(rc, MBL_NET_C_DROP);
			assert_int_equal(ni.drop, MBL_NET_DROP_short_frame);
		} else {
			assert_int_equal(rc, cls);
		}
	}
}

static void test_truncate_everywhere(void **state)
{
	uint8_t f[300];
	size_t n;

	(void)state;
	truncations(f, udp_frame(f, 4, 0, 50));
	truncations(f, udp_frame(f, 4, 9, 0));
	truncations(f, udp_frame(f, 6, 0, 51));
	truncations(f, udp_frame(f, 6, 9, 1));
	truncations(f, t_icmp4_echo(f, 0, 64, 17));
	truncations(f, t_icmp6_echo(f, 3, 20));
	n = (size_t)mbl_net_arp_request(f, sizeof(f), 5, mac_a, 1, 2, NULL);
	truncations(f, n);
	{
		uint8_t ip[16], tgt[16];

		mbl_parse_ip("fe80::1", ip);
		mbl_parse_ip("fe80::2", tgt);
		truncations(f, (size_t)mbl_net_nd_ns_build(f, sizeof(f), 0, mac_a, ip, tgt, NULL));
		truncations(f, (size_t)mbl_net_nd_na_build(f, sizeof(f), 0, mac_a, ip, mac_b, tgt,
							   MBL_NET_NA_F_SOLICITED));
	}
}

/* Hand-made golden capture: 02:..:0b -> 02:..:0a, 192.168.0.1 ->
 * 192.168.0.2 ping id 1 seq 1, checksums computed by hand (f98c, f7fd). */
static const uint8_t golden_ping[42] = {
	0x02, 0, 0, 0, 0, 0x0a, 0x02, 0, 0, 0, 0, 0x0b, 0x08, 0x00,
	0x45, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x40, 0x01, 0xf9, 0x8c,
	0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0x02,
	0x08, 0x00, 0xf7, 0xfd, 0x00, 0x01, 0x00, 0x01,
};

static void test_golden_ping(void **state)
{
	struct mbl_net_info ni;

	(void)state;
	assert_int_equal(parse_copy(golden_ping, sizeof(golden_ping), 0, &ni),
			 MBL_NET_C_ICMP4_ECHO_REQ);
	assert_int_equal(ni.payload_len, 0);
	assert_int_equal(ni.l4_off, 34);
}

static void test_drop_l2(void **state)
{
	uint8_t f[100];
	size_t n;

	(void)state;
	memset(f, 0, sizeof(f));
	expect_drop(f, 0, MBL_NET_DROP_short_frame);
	n = udp_frame(f, 4, 0x64, 10);
	wr16be(f + 16, 0x8100); /* a second tag */
	expect_drop(f, n, MBL_NET_DROP_bad_vlan);
	n = (size_t)mbl_net_arp_request(f, sizeof(f), 0, mac_a, 1, 2, NULL);
	f[18] = 8; /* hardware length */
	expect_drop(f, n, MBL_NET_DROP_bad_arp);
	f[18] = 6;
	wr16be(f + 16, 0x86dd); /* protocol type */
	expect_drop(f, n, MBL_NET_DROP_bad_arp);
}

static void test_drop_ip4(void **state)
{
	uint8_t f[200], *ip = f + 14;
	size_t n = udp_frame(f, 4, 0, 20);
	struct mbl_net_info ni;

	(void)state;
	ip[0] = 0x55;                   /* version 5 */
	t_ip4_fix(ip);
	expect_drop(f, n, MBL_NET_DROP_bad_ip_header);
	ip[0] = 0x44;                   /* IHL 4 */
	expect_drop(f, n, MBL_NET_DROP_bad_ip_header);
	ip[0] = 0x45;
	wr16be(ip + 2, 19);             /* total length < header */
	t_ip4_fix(ip);
	expect_drop(f, n, MBL_NET_DROP_bad_ip_header);
	n = udp_frame(f, 4, 0, 20);
	ip[0] = 0x4f;                   /* IHL 60 > total length 48 */
	expect_drop(f, n, MBL_NET_DROP_bad_ip_header);
	wr16be(ip + 2, 60);             /* ... and > the frame */
	expect_drop(f, 14 + 40, MBL_NET_DROP_short_frame);
	n = udp_frame(f, 4, 0, 20);
	ip[11] ^= 1;
	expect_drop(f, n, MBL_NET_DROP_bad_ip_csum);
	assert_int_equal(parse_copy(f, n, MBL_NET_PARSE_L3_OK, &ni), MBL_NET_C_UDP);
	ip[11] ^= 1;
	ip[6] |= 0x20;                  /* MF */
	t_ip4_fix(ip);
	expect_drop(f, n, MBL_NET_DROP_ip_fragment);
	ip[6] = 0x00;
	ip[7] = 0x10;                   /* offset 128 */
	t_ip4_fix(ip);
	expect_drop(f, n, MBL_NET_DROP_ip_fragment);
	n = udp_frame(f, 4, 0, 20);
	ip[12] = 224;                   /* multicast source */
	t_ip4_fix(ip);
	expect_drop(f, n, MBL_NET_DROP_bad_ip_src);
	memset(ip + 12, 0xff, 4);
	t_ip4_fix(ip);
	expect_drop(f, n, MBL_NET_DROP_bad_ip_src);
}

static void test_drop_ip6(void **state)
{
	uint8_t f[200], *ip = f + 14;
	size_t n = udp_frame(f, 6, 0, 20);

	(void)state;
	ip[0] = 0x40;
	expect_drop(f, n, MBL_NET_DROP_bad_ip_header);
	n = udp_frame(f, 6, 0, 20);
	wr16be(ip + 4, 29);             /* payload length beyond the frame */
	expect_drop(f, n, MBL_NET_DROP_short_frame);
	n = udp_frame(f, 6, 0, 20);
	ip[6] = 44;                     /* fragment header */
	expect_drop(f, n, MBL_NET_DROP_ip_fragment);
	n = udp_frame(f, 6, 0, 20);
	ip[8] = 0xff;
	expect_drop(f, n, MBL_NET_DROP_bad_ip_src);
}

static void test_drop_udp(void **state)
{
	uint8_t f[200];
	struct mbl_net_info ni;
	size_t n;

	(void)state;
	/* UDP length beyond the IP payload, below 8, IP payload below 8 */
	n = udp_frame(f, 4, 0, 20);
	wr16be(f + 34 + 4, 29);
	expect_drop(f, n, MBL_NET_DROP_bad_udp_len);
	wr16be(f + 34 + 4, 7);
	expect_drop(f, n, MBL_NET_DROP_bad_udp_len);
	wr16be(f + 14 + 2, 24);
	t_ip4_fix(f + 14);
	expect_drop(f, n, MBL_NET_DROP_bad_udp_len);
	/* shorter UDP length than IP payload: trailing bytes ignored */
	n = udp_frame(f, 4, 0, 20);
	wr16be(f + 34 + 4, 8);
	f[34 + 6] = f[34 + 7] = 0;
	assert_int_equal(parse_copy(f, n, 0, &ni), MBL_NET_C_UDP);
	assert_int_equal(ni.payload_len, 0);
	/* bad checksum, skipped by L4_OK; zero checksum fine on v4 only */
	n = udp_frame(f, 4, 0, 20);
	f[n - 1] ^= 0x80;
	expect_drop(f, n, MBL_NET_DROP_bad_udp_csum);
	assert_int_equal(parse_copy(f, n, MBL_NET_PARSE_L4_OK, &ni), MBL_NET_C_UDP);
	f[34 + 6] = f[34 + 7] = 0;
	assert_int_equal(parse_copy(f, n, 0, &ni), MBL_NET_C_UDP);
	n = udp_frame(f, 6, 0, 21);
	f[n - 1] ^= 1;
	expect_drop(f, n, MBL_NET_DROP_bad_udp_csum);
	f[n - 1] ^= 1;
	f[54 + 6] = f[54 + 7] = 0;
	expect_drop(f, n, MBL_NET_DROP_bad_udp_csum);
	assert_int_equal(parse_copy(f, n, MBL_NET_PARSE_L4_OK, &ni), MBL_NET_C_DROP);
}

static void test_drop_icmp(void **state)
{
	uint8_t f[200];
	size_t n;

	(void)state;
	n = t_icmp4_echo(f, 0, 64, 10);
	f[34 + 1] = 1;                  /* code 1 */
	wr16be(f + 36, 0);
	wr16be(f + 36, ref_cksum(f + 34, 18));
	expect_drop(f, n, MBL_NET_DROP_bad_icmp);
	n = t_icmp4_echo(f, 0, 64, 10);
	f[n - 1] ^= 4;
	expect_drop(f, n, MBL_NET_DROP_bad_icmp_csum);
	n = t_icmp4_echo(f, 0, 64, 0);
	wr16be(f + 16, 20 + 7);         /* ICMP shorter than its header */
	t_ip4_fix(f + 14);
	expect_drop(f, n, MBL_NET_DROP_bad_icmp);
	n = t_icmp6_echo(f, 0, 10);
	f[n - 1] ^= 4;
	expect_drop(f, n, MBL_NET_DROP_bad_icmp_csum);
	n = t_icmp6_echo(f, 0, 10);
	f[54 + 1] = 3;
	t_icmp6_fix(f + 14);
	expect_drop(f, n, MBL_NET_DROP_bad_icmp);
	n = t_icmp6_echo(f, 0, 0);
	wr16be(f + 18, 3);              /* ICMPv6 of 3 bytes */
	expect_drop(f, n, MBL_NET_DROP_bad_icmp);
}

static size_t ns_frame(uint8_t *f, const char *src, const char *tgt)
{
	uint8_t s[16], t[16];

	mbl_parse_ip(src, s);
	mbl_parse_ip(tgt, t);
	return (size_t)mbl_net_nd_ns_build(f, 200, 0, mac_a, s, t, NULL);
}

static void test_drop_nd(void **state)
{
	uint8_t f[200], *ip = f + 14, *l4 = f + 54;
	size_t n;

	(void)state;
	n = ns_frame(f, "fe80::1", "fe80::2");
	ip[7] = 64;                     /* hop limit must be 255 (RFC 4861 7.1.1) */
	expect_drop(f, n, MBL_NET_DROP_bad_nd);
	n = ns_frame(f, "fe80::1", "fe80::2");
	l4[8] = 0xff;                   /* multicast target */
	t_icmp6_fix(ip);
	expect_drop(f, n, MBL_NET_DROP_bad_nd);
	n = ns_frame(f, "fe80::1", "fe80::2");
	l4[25] = 0;                     /* option length 0 */
	t_icmp6_fix(ip);
	expect_drop(f, n, MBL_NET_DROP_bad_nd);
	n = ns_frame(f, "fe80::1", "fe80::2");
	l4[1] = 1;                      /* code */
	t_icmp6_fix(ip);
	expect_drop(f, n, MBL_NET_DROP_bad_nd);
	n = ns_frame(f, "fe80::1", "fe80::2");
	memset(ip + 8, 0, 16);          /* DAD must not carry SLLA (7.1.1) */
	t_icmp6_fix(ip);
	expect_drop(f, n, MBL_NET_DROP_bad_nd);
	n = ns_frame(f, "fe80::1", "fe80::2");
	l4[n - 55] ^= 1;
	expect_drop(f, n, MBL_NET_DROP_bad_icmp_csum);
	/* NA to a multicast address with S set (7.1.2) */
	{
		uint8_t t[16], d[16];

		mbl_parse_ip("fe80::2", t);
		mbl_parse_ip("ff02::1", d);
		n = (size_t)mbl_net_nd_na_build(f, 200, 0, mac_a, t, mac_b, d,
						MBL_NET_NA_F_SOLICITED);
		expect_drop(f, n, MBL_NET_DROP_bad_nd);
	}
}

static void test_other(void **state)
{
	uint8_t f[200];
	struct mbl_net_info ni;
	size_t n;

	(void)state;
	memset(f, 0, 64);
	wr16be(f + 12, 0x88cc);         /* LLDP */
	assert_int_equal(parse_copy(f, 64, 0, &ni), MBL_NET_C_OTHER);
	assert_int_equal(ni.ethertype, 0x88cc);
	n = t_icmp4_echo(f, 0, 64, 4);
	f[34] = 0;                      /* echo reply */
	wr16be(f + 36, 0);
	wr16be(f + 36, ref_cksum(f + 34, 12));
	assert_int_equal(parse_copy(f, n, 0, &ni), MBL_NET_C_OTHER);
	assert_int_equal(ni.icmp_type, 0);
	n = udp_frame(f, 4, 0, 8);
	f[14 + 9] = 6;                  /* TCP */
	t_ip4_fix(f + 14);
	assert_int_equal(parse_copy(f, n, 0, &ni), MBL_NET_C_OTHER);
	assert_int_equal(ni.l4_proto, 6);
	n = udp_frame(f, 6, 0, 8);
	f[14 + 6] = 0;                  /* hop-by-hop options */
	assert_int_equal(parse_copy(f, n, 0, &ni), MBL_NET_C_OTHER);
	n = (size_t)mbl_net_arp_request(f, sizeof(f), 0, mac_a, 1, 2, NULL);
	wr16be(f + 20, 3);              /* RARP request */
	assert_int_equal(parse_copy(f, n, 0, &ni), MBL_NET_C_OTHER);
}

/* Random garbage and random bit flips of good frames: never crash, never
 * read out of bounds (ASan), always a defined class. */
static void test_fuzz(void **state)
{
	uint8_t f[300], g[300];
	uint32_t seed = 99;
	int iter;

	(void)state;
	for (iter = 0; iter < 20000; iter++) {
		struct mbl_net_info ni;
		size_t n, i;
		int rc;

		switch (iter % 4) {
		case 0: n = udp_frame(f, 4, iter & 8 ? 5 : 0, (uint16_t)(iter % 100)); break;
		case 1: n = udp_frame(f, 6, 0, (uint16_t)(iter % 90)); break;
		case 2: n = t_icmp6_echo(f, 0, (size_t)(iter % 50)); break;
		default: n = ns_frame(f, "fe80::1", "fe80::2"); break;
		}
		memcpy(g, f, n);
		for (i = 0; i < 1 + test_rand(&seed) % 3; i++)
			g[test_rand(&seed) % n] ^= (uint8_t)(1u << (test_rand(&seed) % 8));
		rc = parse_copy(g, test_rand(&seed) % (n + 1), 0, &ni);
		assert_true(rc >= MBL_NET_C_DROP && rc < MBL_NET_C_MAX);
		if (rc == MBL_NET_C_DROP)
			assert_true(ni.drop > MBL_NET_DROP_none && ni.drop < MBL_NET_DROP_MAX);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_drop_names),
		cmocka_unit_test(test_udp_v4_fields),
		cmocka_unit_test(test_udp_v6_fields),
		cmocka_unit_test(test_trailer_padding),
		cmocka_unit_test(test_truncate_everywhere),
		cmocka_unit_test(test_golden_ping),
		cmocka_unit_test(test_drop_l2),
		cmocka_unit_test(test_drop_ip4),
		cmocka_unit_test(test_drop_ip6),
		cmocka_unit_test(test_drop_udp),
		cmocka_unit_test(test_drop_icmp),
		cmocka_unit_test(test_drop_nd),
		cmocka_unit_test(test_other),
		cmocka_unit_test(test_fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
