/* SPDX-License-Identifier: BSD-3-Clause
 * Ranges of local (or peer) addresses: "many media IPs" without a table.
 * A range is first + count where only the low 32 bits vary, so the n-th
 * address and the index of an address are one addition / subtraction.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>

#include "mbl_common.h"
#include "mbl_net.h"

#define RANGE_STR_MAX 128

static const uint8_t v4mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

static uint32_t lo32(const uint8_t ip[16])
{
	uint32_t v;

	memcpy(&v, ip + 12, 4);
	return rte_be_to_cpu_32(v);
}

static void set_lo32(uint8_t ip[16], uint32_t v)
{
	v = rte_cpu_to_be_32(v);
	memcpy(ip + 12, &v, 4);
}

/* One address; IPv6 literals of v4-mapped form are refused so that a v6
 * range can never alias v4 addresses. Returns 4, 6 or -EINVAL. */
static int parse_addr(const char *s, uint8_t out[16])
{
	int fam = mbl_parse_ip(s, out);

	if (fam == 6 && memcmp(out, v4mapped_prefix, 12) == 0)
		return -EINVAL;
	return fam;
}

/* Strict decimal prefix length: 1 to 3 digits, nothing else. */
static int parse_plen(const char *s, unsigned max)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9' || strlen(s) > 3)
		return -EINVAL;
	v = strtoul(s, &end, 10);
	if (*end || v > max)
		return -EINVAL;
	return (int)v;
}

static int parse_cidr(char *addr, const char *plen_s, struct mbl_ip_range *r)
{
	int fam = parse_addr(addr, r->first);
	int plen, hb;
	uint32_t host_mask;

	if (fam < 0)
		return -EINVAL;
	plen = parse_plen(plen_s, fam == 4 ? 32 : 128);
	if (plen < 0)
		return -EINVAL;
	hb = (fam == 4 ? 32 : 128) - plen;
	if (hb > 24)
		return -EINVAL;           /* more than MBL_IP_RANGE_MAX */
	host_mask = (1u << hb) - 1;
	if (lo32(r->first) & host_mask)
		return -EINVAL;           /* host bits set: likely a typo */
	r->family = fam;
	if (hb <= 1) {                    /* /32 /31 (RFC 3021), /128 /127 (RFC 6164) */
		r->count = 1u << hb;
		return 0;
	}
	/* Skip the network / subnet-router anycast address (RFC 4291 2.6.1)
	 * and, for IPv4, the directed broadcast. */
	set_lo32(r->first, lo32(r->first) + 1);
	r->count = (1u << hb) - (fam == 4 ? 2 : 1);
	return 0;
}

static int parse_span(char *a, const char *b, struct mbl_ip_range *r)
{
	uint8_t last[16];
	int fa = parse_addr(a, r->first), fb = parse_addr(b, last);
	uint64_t n;

	if (fa < 0 || fb != fa || memcmp(r->first, last, 12) != 0)
		return -EINVAL;
	if (lo32(last) < lo32(r->first))
		return -EINVAL;
	n = (uint64_t)lo32(last) - lo32(r->first) + 1;
	if (n > MBL_IP_RANGE_MAX)
		return -EINVAL;
	r->family = fa;
	r->count = (uint32_t)n;
	return 0;
}

int mbl_ip_range_parse(const char *s, struct mbl_ip_range *r)
{
	char buf[RANGE_STR_MAX];
	struct mbl_ip_range tmp;
	char *sep;
	int rc;

	if (!s || !r || strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	memset(&tmp, 0, sizeof(tmp));
	sep = strpbrk(buf, "-/");
	if (!sep) {
		tmp.family = parse_addr(buf, tmp.first);
		tmp.count = 1;
		rc = tmp.family < 0 ? -EINVAL : 0;
	} else {
		char kind = *sep;

		*sep = '\0';
		rc = kind == '/' ? parse_cidr(buf, sep + 1, &tmp) : parse_span(buf, sep + 1, &tmp);
	}
	if (rc == 0)
		*r = tmp;
	return rc;
}

void mbl_ip_range_nth(const struct mbl_ip_range *r, uint32_t i, uint8_t out[16])
{
	memcpy(out, r->first, 16);
	set_lo32(out, lo32(r->first) + i % r->count);
}

int64_t mbl_ip_range_index(const struct mbl_ip_range *r, const uint8_t ip[16])
{
	uint32_t d;

	if (memcmp(ip, r->first, 12) != 0)
		return -1;
	d = lo32(ip) - lo32(r->first);   /* wraps to a large value below first */
	return d < r->count ? (int64_t)d : -1;
}
