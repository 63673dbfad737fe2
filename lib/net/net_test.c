/* SPDX-License-Identifier: BSD-3-Clause
 * lib/net tests: RFC 1071 checksums and per-stream UDP templates.
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

/* RFC 1071 section 3 example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2. */
static void test_cksum_rfc1071_example(void **state)
{
	static const uint8_t d[8] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	uint32_t s = mbl_net_cksum_add(0, d, sizeof(d));
	uint16_t red = mbl_net_cksum_reduce(s), fold = mbl_net_cksum_fold(s);
	const uint8_t *rb = (const uint8_t *)&red, *fb = (const uint8_t *)&fold;

	(void)state;
	/* stored as-is, the bytes are the big-endian result */
	assert_int_equal(rb[0], 0xdd);
	assert_int_equal(rb[1], 0xf2);
	assert_int_equal(fb[0], 0x22);
	assert_int_equal(fb[1], 0x0d);
	/* chained even pieces give the same */
	s = mbl_net_cksum_add(mbl_net_cksum_add(0, d, 2), d + 2, 6);
	assert_int_equal(mbl_net_cksum_reduce(s), red);
}

/* A textbook IPv4 header (192.168.0.1 -> 192.168.0.199, UDP, len 0x73):
 * checksum 0xb861. */
static void test_cksum_ipv4_header(void **state)
{
	uint8_t h[20] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
			  0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };
	uint16_t c = mbl_net_cksum_fold(mbl_net_cksum_add(0, h, sizeof(h)));

	(void)state;
	memcpy(h + 10, &c, 2);
	assert_int_equal(h[10], 0xb8);
	assert_int_equal(h[11], 0x61);
	/* verifying a correct header folds to zero */
	assert_int_equal(mbl_net_cksum_fold(mbl_net_cksum_add(0, h, sizeof(h))), 0);
}

static void test_cksum_odd_and_empty(void **state)
{
	static const uint8_t one[1] = { 0xab };
	static const uint8_t three[3] = { 0x12, 0x34, 0x56 };

	(void)state;
	assert_int_equal(mbl_net_cksum_add(0, one, 0), 0);
	assert_int_equal(mbl_net_cksum_fold(0), 0xffff);
	/* odd byte is the high-order byte of a zero-padded word */
	assert_int_equal(rte_be_to_cpu_16(mbl_net_cksum_reduce(mbl_net_cksum_add(0, one, 1))),
			 0xab00);
	assert_int_equal(rte_be_to_cpu_16(mbl_net_cksum_reduce(mbl_net_cksum_add(0, three, 3))),
			 0x1234 + 0x5600);
	/* carries wrap around: ffff + 0001 = 0001 (one's complement) */
	{
		static const uint8_t w[4] = { 0xff, 0xff, 0x00, 0x01 };

		assert_int_equal(rte_be_to_cpu_16(mbl_net_cksum_reduce(
					 mbl_net_cksum_add(0, w, 4))), 0x0001);
	}
}

/* Random data, random lengths, random (unaligned) start, random even split:
 * equal to the naive reference. */
static void test_cksum_random(void **state)
{
	static uint8_t buf[4100];
	uint32_t seed = 12345;
	int iter;

	(void)state;
	for (iter = 0; iter < 3000; iter++) {
		size_t off = test_rand(&seed) % 8, len = test_rand(&seed) % 4090, cut;
		size_t i;
		uint32_t s;

		for (i = 0; i < sizeof(buf); i++)
			buf[i] = (uint8_t)test_rand(&seed);
		if (iter < 20)
			memset(buf, 0xff, sizeof(buf)); /* worst case for carries */
		s = mbl_net_cksum_add(0, buf + off, len);
		assert_int_equal(rte_be_to_cpu_16(mbl_net_cksum_fold(s)),
				 ref_cksum(buf + off, len));
		cut = len ? (test_rand(&seed) % (len + 1)) & ~(size_t)1 : 0;
		s = mbl_net_cksum_add(mbl_net_cksum_add(0, buf + off, cut), buf + off + cut,
				      len - cut);
		assert_int_equal(rte_be_to_cpu_16(mbl_net_cksum_fold(s)),
				 ref_cksum(buf + off, len));
	}
}

static void ip_pair(int family, uint8_t src[16], uint8_t dst[16])
{
	if (family == 4) {
		assert_int_equal(mbl_parse_ip("198.18.0.1", src), 4);
		assert_int_equal(mbl_parse_ip("198.19.255.254", dst), 4);
	} else {
		assert_int_equal(mbl_parse_ip("2001:db8::1", src), 6);
		assert_int_equal(mbl_parse_ip("2001:db8:ffff::abcd:ef01", dst), 6);
	}
}

static void test_tmpl_bad_args(void **state)
{
	struct mbl_net_udp_tmpl t;
	uint8_t s[16], d[16];

	(void)state;
	ip_pair(4, s, d);
	assert_int_equal(mbl_net_udp_tmpl_build(&t, mac_a, mac_b, 0, 5, s, d, 1, 2, 0, 64),
			 -EINVAL);
	assert_int_equal(mbl_net_udp_tmpl_build(&t, mac_a, mac_b, 0, 4, s, d, 1, 2, 64, 64),
			 -EINVAL);
	assert_int_equal(mbl_net_udp_tmpl_build(&t, mac_a, mac_b, 0, 4, s, d, 1, 2, 0, 0),
			 -EINVAL);
	assert_int_equal(mbl_net_udp_tmpl_build(NULL, mac_a, mac_b, 0, 4, s, d, 1, 2, 0, 64),
			 -EINVAL);
	ip_pair(6, s, d);   /* a v6 address is not v4-mapped */
	assert_int_equal(mbl_net_udp_tmpl_build(&t, mac_a, mac_b, 0, 4, s, d, 1, 2, 0, 64),
			 -EINVAL);
}

/* Exact bytes of an IPv4 template with a VLAN tag. */
static void test_tmpl_v4_layout(void **state)
{
	static const uint8_t want[46] = {
		0x02, 0, 0, 0, 0, 0x0b, 0x02, 0, 0, 0, 0, 0x0a, /* dst, src */
		0x81, 0x00, 0xa0, 0x64, 0x08, 0x00,             /* prio 5 vid 100 */
		0x45, 0xb8, 0, 0, 0, 0, 0x40, 0x00, 0x40, 0x11, 0, 0, /* EF, DF */
		198, 18, 0, 1, 198, 19, 255, 254,
		0x27, 0x10, 0x4e, 0x20, 0, 0, 0, 0,             /* 10000 -> 20000 */
	};
	struct mbl_net_udp_tmpl t;
	uint8_t s[16], d[16];

	(void)state;
	ip_pair(4, s, d);
	assert_int_equal(mbl_net_udp_tmpl_build(&t, mac_a, mac_b, 0xa064, 4, s, d, 10000, 20000,
						46, 64), 0);
	assert_int_equal(t.len, 46);
	assert_int_equal(t.l3_off, 18);
	assert_int_equal(t.l4_off, 38);
	assert_int_equal(t.family, 4);
	assert_memory_equal(t.hdr, want, sizeof(want));
}

static void test_tmpl_v6_layout(void **state)
{
	struct mbl_net_udp_tmpl t;
	uint8_t s[16], d[16];

	(void)state;
	ip_pair(6, s, d);
	assert_int_equal(mbl_net_udp_tmpl_build(&t, mac_a, mac_b, 0, 6, s, d, 5004, 5006, 46,
						255), 0);
	assert_int_equal(t.len, 14 + 40 + 8);
	assert_int_equal(t.l3_off, 14);
	assert_int_equal(t.l4_off, 54);
	assert_int_equal(rd16be(t.hdr + 12), 0x86dd);
	/* version 6, traffic class 0xb8 (EF), flow 0 */
	assert_int_equal(t.hdr[14], 0x6b);
	assert_int_equal(t.hdr[15], 0x80);
	assert_int_equal(t.hdr[14 + 6], 17);
	assert_int_equal(t.hdr[14 + 7], 255);
	assert_memory_equal(t.hdr + 22, s, 16);
	assert_memory_equal(t.hdr + 38, d, 16);
	assert_int_equal(rd16be(t.hdr + 54), 5004);
	assert_int_equal(rd16be(t.hdr + 56), 5006);
}

/* Build a frame from the template with finalize and check every length and
 * checksum from scratch. Returns the frame length. */
static size_t make_frame(uint8_t *frame, const struct mbl_net_udp_tmpl *t,
			 const uint8_t *payload, uint16_t plen, int mode)
{
	memcpy(frame, t->hdr, t->len);
	memcpy(frame + t->len, payload, plen);
	mbl_net_udp_finalize(frame, t, plen, mbl_net_cksum_add(0, payload, plen), mode);
	return (size_t)t->len + plen;
}

static void check_sw_frame(const uint8_t *f, const struct mbl_net_udp_tmpl *t, uint16_t plen,
			   int mode)
{
	const uint8_t *l3 = f + t->l3_off, *l4 = f + t->l4_off;
	uint16_t ulen = (uint16_t)(plen + 8), c;

	assert_int_equal(rd16be(l4 + 4), ulen);
	if (t->family == 4) {
		uint8_t h[20];

		assert_int_equal(rd16be(l3 + 2), ulen + 20);
		memcpy(h, l3, 20);
		h[10] = h[11] = 0;
		assert_int_equal(rd16be(l3 + 10), ref_cksum(h, 20));
	} else {
		assert_int_equal(rd16be(l3 + 4), ulen);
	}
	if (mode == MBL_NET_CSUM_NONE_V4 && t->family == 4) {
		assert_int_equal(rd16be(l4 + 6), 0);
		return;
	}
	/* from scratch with the field zeroed, then RFC 768 zero -> ffff */
	{
		static uint8_t seg[2000];

		memcpy(seg, l4, ulen);
		seg[6] = seg[7] = 0;
		c = ref_l4_cksum(t->family, l3, seg, ulen, 17);
		assert_int_equal(rd16be(l4 + 6), c ? c : 0xffff);
		/* and the receiver's verification folds to zero */
		assert_int_equal(ref_l4_cksum(t->family, l3, l4, ulen, 17), 0);
	}
}

static void run_finalize(int family, uint16_t vlan)
{
	static uint8_t payload[1500], frame[1600];
	struct mbl_net_udp_tmpl t;
	uint8_t s[16], d[16];
	uint32_t seed = 777u + (uint32_t)family;
	unsigned plen, i;

	ip_pair(family, s, d);
	assert_int_equal(mbl_net_udp_tmpl_build(&t, mac_a, mac_b, vlan, family, s, d, 40000,
						5060, 0, 64), 0);
	for (plen = 0; plen <= 1400; plen += (plen < 64 ? 1 : 37)) {
		for (i = 0; i < plen; i++)
			payload[i] = (uint8_t)test_rand(&seed);
		make_frame(frame, &t, payload, (uint16_t)plen, MBL_NET_CSUM_SW);
		check_sw_frame(frame, &t, (uint16_t)plen, MBL_NET_CSUM_SW);
		make_frame(frame, &t, payload, (uint16_t)plen, MBL_NET_CSUM_NONE_V4);
		check_sw_frame(frame, &t, (uint16_t)plen, MBL_NET_CSUM_NONE_V4);
	}
}

static void test_finalize_sw_v4(void **state)
{
	(void)state;
	run_finalize(4, 0);
	run_finalize(4, 0x0123);
}

static void test_finalize_sw_v6(void **state)
{
	(void)state;
	run_finalize(6, 0);
	run_finalize(6, 0xe00a);
}

/* A payload chosen so the computed UDP checksum is zero: it must go out as
 * 0xffff (RFC 768). */
static void test_finalize_zero_becomes_ffff(void **state)
{
	static uint8_t frame[200];
	int family;

	(void)state;
	for (family = 4; family <= 6; family += 2) {
		struct mbl_net_udp_tmpl t;
		uint8_t s[16], d[16], pl[2] = { 0, 0 };

		ip_pair(family, s, d);
		assert_int_equal(mbl_net_udp_tmpl_build(&t, mac_a, mac_b, 0, family, s, d, 1, 2,
							0, 64), 0);
		make_frame(frame, &t, pl, 2, MBL_NET_CSUM_SW);
		/* payload word = checksum of the zero payload makes the sum ffff */
		memcpy(pl, frame + t.l4_off + 6, 2);
		make_frame(frame, &t, pl, 2, MBL_NET_CSUM_SW);
		assert_int_equal(rd16be(frame + t.l4_off + 6), 0xffff);
		check_sw_frame(frame, &t, 2, MBL_NET_CSUM_SW);
	}
}

/* Offload: the UDP field holds what rte_ipv{4,6}_phdr_cksum() computes. */
static void test_finalize_offload(void **state)
{
	static uint8_t frame[1600], payload[1500];
	int family;

	(void)state;
	memset(payload, 0x5a, sizeof(payload));
	for (family = 4; family <= 6; family += 2) {
		struct mbl_net_udp_tmpl t;
		uint8_t s[16], d[16];
		unsigned plen;

		ip_pair(family, s, d);
		assert_int_equal(mbl_net_udp_tmpl_build(&t, mac_a, mac_b, 7, family, s, d, 1234,
							4321, 0, 64), 0);
		for (plen = 0; plen < 1400; plen += 61) {
			uint16_t want;

			make_frame(frame, &t, payload, (uint16_t)plen, MBL_NET_CSUM_OFFLOAD);
			if (family == 4) {
				const struct rte_ipv4_hdr *ip =
					(const struct rte_ipv4_hdr *)(frame + t.l3_off);

				want = rte_ipv4_phdr_cksum(ip, 0);
				assert_int_equal(ip->hdr_checksum, 0);
				assert_int_equal(rd16be(frame + t.l3_off + 2), plen + 28);
			} else {
				want = rte_ipv6_phdr_cksum(
					(const struct rte_ipv6_hdr *)(frame + t.l3_off), 0);
			}
			assert_int_equal(*(const uint16_t *)(frame + t.l4_off + 6), want);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cksum_rfc1071_example),
		cmocka_unit_test(test_cksum_ipv4_header),
		cmocka_unit_test(test_cksum_odd_and_empty),
		cmocka_unit_test(test_cksum_random),
		cmocka_unit_test(test_tmpl_bad_args),
		cmocka_unit_test(test_tmpl_v4_layout),
		cmocka_unit_test(test_tmpl_v6_layout),
		cmocka_unit_test(test_finalize_sw_v4),
		cmocka_unit_test(test_finalize_sw_v6),
		cmocka_unit_test(test_finalize_zero_becomes_ffff),
		cmocka_unit_test(test_finalize_offload),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
