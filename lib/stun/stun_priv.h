/* SPDX-License-Identifier: BSD-3-Clause
 * Internal: what the files of lib/stun share. stun_msg.c parses and
 * verifies, stun_build.c writes, stun_crypto.c holds the CRC-32 and the
 * HMAC-SHA1 (the only file that includes OpenSSL), ice_agent.c and
 * ice_input.c are the agent (ice_priv.h).
 */
#ifndef MBL_STUN_PRIV_H
#define MBL_STUN_PRIV_H

#include <stdint.h>
#include <string.h>

#include "mbl_stun.h"

static inline uint16_t stun_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t stun_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void stun_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void stun_put32(uint8_t *p, uint32_t v)
{
	stun_put16(p, (uint16_t)(v >> 16));
	stun_put16(p + 2, (uint16_t)v);
}

/* Whether len is a valid value length for attribute type (the rules of
 * MBL_STUN_ATTR_LIST; any length up to 65535 for a type we do not know). */
bool mbl_stun_attr_len_ok(uint16_t type, size_t len);

/* HMAC-SHA1 with key over a[0..alen) followed by b[0..blen) (the header
 * with its length adjusted, then the attributes: RFC 8489 14.5). Returns 0
 * or -EIO. */
int mbl_stun_hmac_sha1(const uint8_t *key, size_t key_len, const uint8_t *a, size_t alen,
		       const uint8_t *b, size_t blen, uint8_t out[MBL_STUN_MI_LEN]);

/* The bytes XORed into XOR-MAPPED-ADDRESS: the magic cookie, then the
 * transaction id (RFC 8489 14.2). */
static inline void stun_xor_key(const uint8_t tid[MBL_STUN_TID_LEN], uint8_t key[16])
{
	stun_put32(key, MBL_STUN_MAGIC);
	memcpy(key + 4, tid, MBL_STUN_TID_LEN);
}

#endif /* MBL_STUN_PRIV_H */
