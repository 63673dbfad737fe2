/* SPDX-License-Identifier: BSD-3-Clause
 * Probe payload check: regenerate the filler the sender derived from the
 * header fields and compare.
 */
#include "mbl_rtp.h"

static inline uint64_t ld64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return rte_be_to_cpu_64(v);
}

static inline uint32_t ld32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return rte_be_to_cpu_32(v);
}

int mbl_probe_read(const uint8_t *p, uint32_t len, struct mbl_probe_info *pi)
{
	if (len < MBL_PROBE_HDR_LEN || ld32(p) != MBL_PROBE_MAGIC)
		return -ENOMSG;
	pi->stream_id = ld32(p + 4);
	pi->seq = ld64(p + 8);
	pi->tx_ns = ld64(p + 16);

	uint64_t st = mbl_probe_seed_(pi->stream_id, pi->seq, pi->tx_ns);
	uint64_t diff = 0;
	uint32_t off = MBL_PROBE_HDR_LEN;
	for (; off + 8 <= len; off += 8)
		diff |= ld64(p + off) ^ mbl_probe_rand_(&st);
	if (off < len) {
		uint64_t v = rte_cpu_to_be_64(mbl_probe_rand_(&st));
		diff |= (uint64_t)memcmp(p + off, &v, len - off);
	}
	return diff ? -EBADMSG : 0;
}
