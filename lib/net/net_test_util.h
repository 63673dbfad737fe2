/* SPDX-License-Identifier: BSD-3-Clause
 * Helpers shared by the lib/net cmocka tests: a deliberately naive
 * RFC 1071 checksum (byte pairs, big-endian, as the RFC describes it) used
 * as the from-scratch reference, and frame assembly helpers.
 */
#ifndef NET_TEST_UTIL_H
#define NET_TEST_UTIL_H

#include <stdint.h>
#include <string.h>

#include "mbl_common.h"

/* Complemented checksum in host order over the concatenation of pieces. */
static inline uint16_t ref_cksum2(const uint8_t *a, size_t na, const uint8_t *b, size_t nb)
{
	static uint8_t buf[70000];
	uint64_t s = 0;
	size_t i, n = na + nb;

	memcpy(buf, a, na);
	if (nb)
		memcpy(buf + na, b, nb);
	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(buf[i] << 8 | buf[i + 1]);
	if (n & 1)
		s += (uint32_t)buf[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static inline uint16_t ref_cksum(const uint8_t *p, size_t n)
{
	return ref_cksum2(p, n, NULL, 0);
}

static inline uint16_t rd16be(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void wr16be(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Reference UDP / ICMPv6 checksum with the pseudo-header (RFC 768,
 * RFC 8200 8.1); l4 is the whole L4 segment with its checksum field as is. */
static inline uint16_t ref_l4_cksum(int family, const uint8_t *l3, const uint8_t *l4,
				    size_t l4len, uint8_t proto)
{
	uint8_t ph[40];
	size_t n;

	memset(ph, 0, sizeof(ph));
	if (family == 4) {
		memcpy(ph, l3 + 12, 8);
		ph[9] = proto;
		wr16be(ph + 10, (uint16_t)l4len);
		n = 12;
	} else {
		memcpy(ph, l3 + 8, 32);
		wr16be(ph + 34, (uint16_t)l4len);
		ph[39] = proto;
		n = 40;
	}
	return ref_cksum2(ph, n, l4, l4len);
}

static inline uint32_t test_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Ethernet [+VLAN] header; returns the L3 offset. */
static inline size_t t_eth(uint8_t *f, const uint8_t dst[6], const uint8_t src[6], uint16_t tci,
			   uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	if (!tci) {
		wr16be(f + 12, type);
		return 14;
	}
	wr16be(f + 12, 0x8100);
	wr16be(f + 14, tci);
	wr16be(f + 16, type);
	return 18;
}

/* IPv4 header (IHL 5, DF) with a correct checksum. */
static inline void t_ip4(uint8_t *l3, uint16_t tot, uint8_t ttl, uint8_t proto, const char *src,
			 const char *dst)
{
	uint8_t a[16];

	memset(l3, 0, 20);
	l3[0] = 0x45;
	wr16be(l3 + 2, tot);
	l3[6] = 0x40;
	l3[8] = ttl;
	l3[9] = proto;
	mbl_parse_ip(src, a);
	memcpy(l3 + 12, a + 12, 4);
	mbl_parse_ip(dst, a);
	memcpy(l3 + 16, a + 12, 4);
	wr16be(l3 + 10, ref_cksum(l3, 20));
}

static inline void t_ip4_fix(uint8_t *l3)
{
	size_t hl = (size_t)(l3[0] & 15) * 4;

	l3[10] = l3[11] = 0;
	wr16be(l3 + 10, ref_cksum(l3, hl));
}

static inline void t_ip6(uint8_t *l3, uint16_t plen, uint8_t hops, uint8_t proto, const char *src,
			 const char *dst)
{
	memset(l3, 0, 40);
	l3[0] = 0x60;
	wr16be(l3 + 4, plen);
	l3[6] = proto;
	l3[7] = hops;
	mbl_parse_ip(src, l3 + 8);
	mbl_parse_ip(dst, l3 + 24);
}

/* Recompute the ICMPv6 checksum at l4 (length from the IPv6 header). */
static inline void t_icmp6_fix(uint8_t *l3)
{
	uint8_t *l4 = l3 + 40;
	uint16_t plen = rd16be(l3 + 4);

	l4[2] = l4[3] = 0;
	wr16be(l4 + 2, ref_l4_cksum(6, l3, l4, plen, 58));
}

/* ICMPv4 echo request with n payload bytes of pattern; returns length. */
static inline size_t t_icmp4_echo(uint8_t *f, uint16_t tci, uint8_t ttl, size_t n)
{
	static const uint8_t m1[6] = { 0x02, 0, 0, 0, 0, 0x01 }, m2[6] = { 0x02, 0, 0, 0, 0, 0x02 };
	size_t l3 = t_eth(f, m1, m2, tci, 0x0800), i;
	uint8_t *l4 = f + l3 + 20;

	t_ip4(f + l3, (uint16_t)(28 + n), ttl, 1, "198.18.0.2", "198.18.0.1");
	memset(l4, 0, 8);
	l4[0] = 8;
	wr16be(l4 + 4, 0x1234);
	wr16be(l4 + 6, 7);
	for (i = 0; i < n; i++)
		l4[8 + i] = (uint8_t)(i * 7 + 3);
	wr16be(l4 + 2, ref_cksum(l4, 8 + n));
	return l3 + 28 + n;
}

static inline size_t t_icmp6_echo(uint8_t *f, uint16_t tci, size_t n)
{
	static const uint8_t m1[6] = { 0x02, 0, 0, 0, 0, 0x01 }, m2[6] = { 0x02, 0, 0, 0, 0, 0x02 };
	size_t l3 = t_eth(f, m1, m2, tci, 0x86dd), i;
	uint8_t *l4 = f + l3 + 40;

	t_ip6(f + l3, (uint16_t)(8 + n), 64, 58, "2001:db8::2", "2001:db8::1");
	memset(l4, 0, 8);
	l4[0] = 128;
	wr16be(l4 + 4, 0x4321);
	wr16be(l4 + 6, 9);
	for (i = 0; i < n; i++)
		l4[8 + i] = (uint8_t)(i * 13 + 1);
	t_icmp6_fix(f + l3);
	return l3 + 48 + n;
}

#endif /* NET_TEST_UTIL_H */
