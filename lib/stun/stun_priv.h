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

#include "mbl_common.h"
#include "mbl_stun.h"


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
	mbl_put_be32(key, MBL_STUN_MAGIC);
	memcpy(key + 4, tid, MBL_STUN_TID_LEN);
}

#endif /* MBL_STUN_PRIV_H */
