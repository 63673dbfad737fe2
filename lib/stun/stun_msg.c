/* SPDX-License-Identifier: BSD-3-Clause
 * STUN message parsing and verification (RFC 8489 5, 6.3, 14). The parser
 * checks the framing before it looks at any value: the header, then each
 * attribute's length against the bytes the message length vouches for,
 * so no read leaves buf[0..len). Values of the attributes we know are
 * decoded; unknown comprehension-required ones are listed for a 420.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "stun_priv.h"

struct attr_rule {
	uint16_t type;
	uint16_t min, max;
	const char *why_len;
};

#define RULE_(n, t, lo, hi) [MBL_STUN_A_##n] = { t, lo, hi, "bad " #n " length" },
static const struct attr_rule rules[MBL_STUN_A_MAX] = { MBL_STUN_ATTR_LIST(RULE_) };
#undef RULE_

static int bad(const char **why, const char *w)
{
	if (why)
		*why = w;
	return -EBADMSG;
}

static int attr_id(uint16_t type)
{
	for (int i = 0; i < MBL_STUN_A_MAX; i++)
		if (rules[i].type == type)
			return i;
	return -1;
}

bool mbl_stun_attr_len_ok(uint16_t type, size_t len)
{
	int id = attr_id(type);

	return id < 0 ? len <= 0xFFFF : len >= rules[id].min && len <= rules[id].max;
}

/* ---- addresses ---------------------------------------------------------------- */

int mbl_stun_addr_set(struct mbl_stun_addr *a, const char *ip, uint16_t port)
{
	memset(a, 0, sizeof(*a));
	a->port = port;
	if (ip && inet_pton(AF_INET, ip, a->ip) == 1)
		a->family = 4;
	else if (ip && inet_pton(AF_INET6, ip, a->ip) == 1)
		a->family = 6;
	else
		return -EINVAL;
	return 0;
}

bool mbl_stun_addr_eq(const struct mbl_stun_addr *a, const struct mbl_stun_addr *b)
{
	size_t n = a->family == 4 ? 4 : 16;

	return a->family == b->family && a->port == b->port && memcmp(a->ip, b->ip, n) == 0;
}

const char *mbl_stun_addr_str(const struct mbl_stun_addr *a, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	if (len == 0)
		return buf;
	if (a->family == 4 || a->family == 6)
		inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->ip, ip, sizeof(ip));
	snprintf(buf, len, a->family == 6 ? "[%s]:%u" : "%s:%u", ip, a->port);
	return buf;
}

/* MAPPED-ADDRESS / XOR-MAPPED-ADDRESS (RFC 8489 14.1, 14.2): a reserved
 * byte, the family (1 IPv4, 2 IPv6), the port, the address. A family we do
 * not know leaves the attribute ignored (returns 1); one whose length
 * does not fit its family is malformed. */
static int take_addr(const struct mbl_stun_msg *m, const uint8_t *v, uint16_t len, bool xor,
		     struct mbl_stun_addr *out, const char **why)
{
	uint8_t key[16] = { 0 };
	size_t n = v[1] == 1 ? 4 : 16;

	if (v[1] != 1 && v[1] != 2)
		return 1;
	if (len != 4 + n)
		return bad(why, "address length does not fit its family");
	if (xor)
		stun_xor_key(m->tid, key);
	out->family = v[1] == 1 ? 4 : 6;
	out->port = (uint16_t)(mbl_get_be16(v + 2) ^ mbl_get_be16(key));
	for (size_t i = 0; i < n; i++)
		out->ip[i] = v[4 + i] ^ key[i];
	return 0;
}

/* ERROR-CODE (RFC 8489 14.8): 21 reserved bits, class 3..6, number 0..99,
 * then the reason phrase. */
static int take_error(struct mbl_stun_msg *m, const uint8_t *v, uint16_t len, const char **why)
{
	unsigned cls = v[2] & 7u, num = v[3];

	if (cls < 3 || cls > 6 || num > 99)
		return bad(why, "bad ERROR-CODE value");
	m->error_code = (uint16_t)(cls * 100 + num);
	m->reason = (struct mbl_stun_span){ v + 4, (uint16_t)(len - 4) };
	return 0;
}

static void note_unknown(struct mbl_stun_msg *m, uint16_t type)
{
	for (unsigned i = 0; i < m->n_unknown; i++)
		if (m->unknown[i] == type)
			return;
	if (m->n_unknown < MBL_STUN_MAX_UNKNOWN)
		m->unknown[m->n_unknown++] = type;
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)mbl_get_be32(p) << 32 | mbl_get_be32(p + 4);
}

/* Decode one value whose length already passed its rule. Returns 0, 1
 * (ignored after all) or -EBADMSG. */
static int take_value(struct mbl_stun_msg *m, int id, const uint8_t *v, uint16_t len,
		      uint32_t off, const char **why)
{
	struct mbl_stun_span s = { v, len };

	switch (id) {
	case MBL_STUN_A_USERNAME: m->username = s; break;
	case MBL_STUN_A_SOFTWARE: m->software = s; break;
	case MBL_STUN_A_REALM: m->realm = s; break;
	case MBL_STUN_A_NONCE: m->nonce = s; break;
	case MBL_STUN_A_MESSAGE_INTEGRITY: m->mi_off = off; break;
	case MBL_STUN_A_FINGERPRINT: m->fp_off = off; break;
	case MBL_STUN_A_PRIORITY: m->priority = mbl_get_be32(v); break;
	case MBL_STUN_A_ICE_CONTROLLING: m->ice_controlling = get64(v); break;
	case MBL_STUN_A_ICE_CONTROLLED: m->ice_controlled = get64(v); break;
	case MBL_STUN_A_ERROR_CODE: return take_error(m, v, len, why);
	case MBL_STUN_A_MAPPED_ADDRESS: return take_addr(m, v, len, false, &m->mapped, why);
	case MBL_STUN_A_XOR_MAPPED_ADDRESS: return take_addr(m, v, len, true, &m->xor_mapped, why);
	case MBL_STUN_A_UNKNOWN_ATTRIBUTES: /* a list of 16-bit types (14.13) */
		return (len & 1) ? bad(why, "bad UNKNOWN_ATTRIBUTES length") : 0;
	default: break;                 /* USE-CANDIDATE: its presence is all */
	}
	return 0;
}

static int take_attr(struct mbl_stun_msg *m, uint16_t type, const uint8_t *v, uint16_t len,
		     uint32_t off, const char **why)
{
	int id = attr_id(type), rc;

	if (id < 0) {
		if (type < 0x8000) /* comprehension-required (RFC 8489 14) */
			note_unknown(m, type);
		return 0;
	}
	if (mbl_stun_has(m, id)) /* RFC 8489 14: only the first one counts */
		return 0;
	if (len < rules[id].min || len > rules[id].max)
		return bad(why, rules[id].why_len);
	rc = take_value(m, id, v, len, off, why);
	if (rc == 0)
		m->present |= 1u << id;
	return rc < 0 ? rc : 0;
}

/* RFC 8489 14: type, length, value, padding to 4 bytes. The message
 * length and every offset are multiples of 4, so a value that fits leaves
 * room for its padding too. */
static int walk_attrs(struct mbl_stun_msg *m, const char **why)
{
	uint32_t off = MBL_STUN_HDR_LEN;

	while (off < m->len) {
		const uint8_t *p = m->buf + off;
		uint16_t type = mbl_get_be16(p), alen = mbl_get_be16(p + 2);
		int rc = 0;

		if (alen > m->len - off - 4)
			return bad(why, "truncated attribute");
		if (m->fp_off) /* RFC 8489 14.7: FINGERPRINT is the last attribute */
			return bad(why, "FINGERPRINT not last");
		/* RFC 8489 14.5: after MESSAGE-INTEGRITY only FINGERPRINT counts */
		if (!m->mi_off || type == MBL_STUN_ATTR_FINGERPRINT)
			rc = take_attr(m, type, p + 4, alen, off, why);
		if (rc)
			return rc;
		off += 4 + ((alen + 3u) & ~3u);
	}
	return 0;
}

int mbl_stun_parse(struct mbl_stun_msg *m, const uint8_t *buf, size_t len, const char **why)
{
	memset(m, 0, sizeof(*m));
	if (buf == NULL || len < MBL_STUN_HDR_LEN)
		return bad(why, "shorter than a STUN header");
	if (buf[0] & 0xC0) /* RFC 8489 5: the two most significant bits are 0 */
		return bad(why, "first two bits not zero");
	if (mbl_get_be32(buf + 4) != MBL_STUN_MAGIC)
		return bad(why, "no magic cookie");
	if (mbl_get_be16(buf + 2) & 3)
		return bad(why, "length not a multiple of 4");
	if (mbl_get_be16(buf + 2) + (size_t)MBL_STUN_HDR_LEN != len)
		return bad(why, "length does not match the datagram");
	m->buf = buf;
	m->len = (uint32_t)len;
	m->type = mbl_get_be16(buf);
	memcpy(m->tid, buf + 8, MBL_STUN_TID_LEN);
	return walk_attrs(m, why);
}

/* ---- verification --------------------------------------------------------------- */

static bool equal_ct(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint8_t d = 0;

	for (size_t i = 0; i < n; i++)
		d |= a[i] ^ b[i];
	return d == 0;
}

/* RFC 8489 14.5: the HMAC covers the message up to MESSAGE-INTEGRITY, with
 * the header length counting up to and including MESSAGE-INTEGRITY (as if
 * nothing followed it). */
int mbl_stun_check_integrity(const struct mbl_stun_msg *m, const uint8_t *key, size_t key_len,
			     const char **why)
{
	uint8_t hdr[MBL_STUN_HDR_LEN], mac[MBL_STUN_MI_LEN];
	const char *w = "MESSAGE-INTEGRITY mismatch";
	int rc = -EACCES;

	if (m->mi_off == 0) {
		w = "no MESSAGE-INTEGRITY";
		rc = -ENOENT;
	} else {
		memcpy(hdr, m->buf, sizeof(hdr));
		mbl_put_be16(hdr + 2, (uint16_t)(m->mi_off - MBL_STUN_HDR_LEN + 4 + MBL_STUN_MI_LEN));
		if (mbl_stun_hmac_sha1(key, key_len, hdr, sizeof(hdr), m->buf + MBL_STUN_HDR_LEN,
				       m->mi_off - MBL_STUN_HDR_LEN, mac)) {
			w = "HMAC computation failed";
			rc = -EIO;
		} else if (equal_ct(mac, m->buf + m->mi_off + 4, sizeof(mac))) {
			rc = 0;
		}
	}
	if (rc && why)
		*why = w;
	return rc;
}

/* RFC 8489 14.7: CRC-32 of the message up to FINGERPRINT, XOR 0x5354554e.
 * FINGERPRINT is last, so the header length already counts it. */
int mbl_stun_check_fingerprint(const struct mbl_stun_msg *m, const char **why)
{
	uint32_t crc;

	if (m->fp_off == 0) {
		if (why)
			*why = "no FINGERPRINT";
		return -ENOENT;
	}
	crc = mbl_stun_crc32(m->buf, m->fp_off) ^ MBL_STUN_FP_XOR;
	if (crc != mbl_get_be32(m->buf + m->fp_off + 4))
		return bad(why, "FINGERPRINT mismatch");
	return 0;
}
