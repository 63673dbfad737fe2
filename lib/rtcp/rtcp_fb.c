/* SPDX-License-Identifier: BSD-3-Clause
 * RTCP feedback (RFC 4585 6.1 common format, 6.2.1 generic NACK).
 */
#include "mbl_rtcp.h"
#include "rtcp_priv.h"

unsigned mbl_rtcp_nack_put(uint8_t *p, uint32_t sender, uint32_t media, const uint16_t *seq,
			   unsigned n, unsigned *taken)
{
	unsigned i = 0, pairs = 0, len;

	while (i < n && pairs < MBL_RTCP_NACK_MAX_FCI) {
		uint16_t pid = seq[i++], blp = 0;

		/* the next SEQs within 16 of the PID go into its bitmask */
		while (i < n && (uint16_t)(seq[i] - pid) >= 1 && (uint16_t)(seq[i] - pid) <= 16) {
			blp |= (uint16_t)(1u << ((uint16_t)(seq[i] - pid) - 1));
			i++;
		}
		mbl_put_be16(p + 12 + 4 * pairs, pid);
		mbl_put_be16(p + 14 + 4 * pairs, blp);
		pairs++;
	}
	*taken = i;
	if (pairs == 0)
		return 0;
	len = 12 + 4 * pairs;
	rtcp_hdr(p, MBL_RTCP_FB_NACK, MBL_RTCP_RTPFB, len);
	mbl_put_be32(p + 4, sender);
	mbl_put_be32(p + 8, media);
	return len;
}

unsigned mbl_rtcp_nack_seqs(const uint8_t *fci, uint32_t len, uint16_t *out, unsigned max)
{
	unsigned n = 0;

	for (uint32_t o = 0; o + 4 <= len; o += 4) {
		uint16_t pid = mbl_get_be16(fci + o), blp = mbl_get_be16(fci + o + 2);

		if (n < max)
			out[n] = pid;
		n++;
		for (unsigned b = 0; b < 16; b++) {
			if (!(blp >> b & 1))
				continue;
			if (n < max)
				out[n] = (uint16_t)(pid + b + 1);
			n++;
		}
	}
	return n;
}

uint32_t mbl_rtcp_fb_media(const uint8_t *q, uint32_t len)
{
	return len >= 12 ? mbl_get_be32(q + 8) : 0;
}
