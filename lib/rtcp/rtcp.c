/* SPDX-License-Identifier: BSD-3-Clause
 * RTCP compound walk (RFC 3550 6.4, A.2; RFC 5506), report blocks, SR and
 * SDES (RFC 3550 6.4.1, 6.5).
 */
#include <string.h>

#include "mbl_rtcp.h"
#include "rtcp_priv.h"

/* One packet of a compound at off; returns its length or a drop reason. */
static int rtcp_one(const uint8_t *p, uint32_t len, uint32_t off, bool first,
		    struct mbl_rtcp_info *ci)
{
	if (len - off < MBL_RTCP_HDR_LEN)
		return -MBL_RTP_DROP_rtcp_bad_length;
	if (p[off] >> 6 != MBL_RTP_VERSION)
		return -MBL_RTP_DROP_rtcp_bad_version;
	uint8_t pt = p[off + 1];
	/* RFC 5506 reduced-size RTCP (WebRTC's immediate NACK and PLI) starts
	 * with a feedback message (RFC 4585 6.1): no SR/RR can be asked of it */
	if (first && pt != MBL_RTCP_SR && pt != MBL_RTCP_RR &&
	    pt != MBL_RTCP_RTPFB && pt != MBL_RTCP_PSFB)
		return -MBL_RTP_DROP_rtcp_bad_first_pt;
	uint32_t plen = 4u * (mbl_get_be16(p + off + 2) + 1u);
	if (plen > len - off)
		return -MBL_RTP_DROP_rtcp_bad_length;
	if (p[off] & 0x20) {
		/* RFC 3550 6.4.1: padding only on the last packet; the count
		 * is its last octet and must leave the 4-byte header intact */
		uint8_t pad = p[off + plen - 1];
		if (off + plen != len || pad == 0 || pad > plen - 4)
			return -MBL_RTP_DROP_rtcp_bad_padding;
		ci->pad_len = pad;
	}
	if (ci->n_pkts < MBL_RTCP_MAX_PKTS) {
		struct mbl_rtcp_pkt *k = &ci->pkt[ci->n_pkts];
		k->off = (uint16_t)off;
		k->len = (uint16_t)plen;
		k->pt = pt;
		k->count = p[off] & 0x1f;
	}
	ci->n_pkts++;
	return (int)plen;
}

int mbl_rtcp_walk(const uint8_t *p, uint32_t len, struct mbl_rtcp_info *ci)
{
	ci->n_pkts = 0;
	ci->pad_len = 0;
	/* RFC 3550 6.4.1/6.4.2: an SR or RR is at least 8 bytes */
	if (len < 8)
		return -MBL_RTP_DROP_rtcp_short;
	if (len > UINT16_MAX)
		return -MBL_RTP_DROP_too_long;
	if (len % 4) /* every packet is a whole number of words (6.4.1) */
		return -MBL_RTP_DROP_rtcp_bad_length;
	for (uint32_t off = 0; off < len;) {
		int r = rtcp_one(p, len, off, off == 0, ci);
		if (r < 0)
			return r;
		off += (uint32_t)r;
	}
	return 0;
}

void mbl_rtcp_rb_put(uint8_t *p, const struct mbl_rtcp_rb *b)
{
	/* the cumulative count is a signed 24-bit value, clamped (A.3) */
	int32_t lost = b->lost > 0x7fffff ? 0x7fffff : b->lost < -0x800000 ? -0x800000 : b->lost;

	mbl_put_be32(p, b->ssrc);
	mbl_put_be32(p + 4, (uint32_t)b->fraction << 24 | ((uint32_t)lost & 0xffffff));
	mbl_put_be32(p + 8, b->ext_seq);
	mbl_put_be32(p + 12, b->jitter);
	mbl_put_be32(p + 16, b->lsr);
	mbl_put_be32(p + 20, b->dlsr);
}

void mbl_rtcp_rb_get(const uint8_t *p, struct mbl_rtcp_rb *b)
{
	uint32_t l = mbl_get_be32(p + 4);

	b->ssrc = mbl_get_be32(p);
	b->fraction = (uint8_t)(l >> 24);
	b->lost = (int32_t)(l << 8) >> 8;
	b->ext_seq = mbl_get_be32(p + 8);
	b->jitter = mbl_get_be32(p + 12);
	b->lsr = mbl_get_be32(p + 16);
	b->dlsr = mbl_get_be32(p + 20);
}

unsigned mbl_rtcp_sr_put(uint8_t *p, const struct mbl_rtcp_sr *sr, const struct mbl_rtcp_rb *rb)
{
	unsigned rc = rb != NULL, len = MBL_RTCP_SR_LEN + MBL_RTCP_RB_LEN * rc;

	rtcp_hdr(p, (uint8_t)rc, MBL_RTCP_SR, len);
	mbl_put_be32(p + 4, sr->ssrc);
	mbl_put_be32(p + 8, (uint32_t)(sr->ntp >> 32));
	mbl_put_be32(p + 12, (uint32_t)sr->ntp);
	mbl_put_be32(p + 16, sr->rtp_ts);
	mbl_put_be32(p + 20, sr->packets);
	mbl_put_be32(p + 24, sr->octets);
	if (rb != NULL)
		mbl_rtcp_rb_put(p + MBL_RTCP_SR_LEN, rb);
	return len;
}

unsigned mbl_rtcp_sdes_cname_put(uint8_t *p, uint32_t ssrc, const char *cname)
{
	size_t n = strnlen(cname, 255);
	unsigned len = (unsigned)(8 + 2 + n + 1 + 3) & ~3u;

	memset(p, 0, len);
	rtcp_hdr(p, 1, MBL_RTCP_SDES, len);
	mbl_put_be32(p + 4, ssrc);
	p[8] = 1; /* CNAME; the zero octets after it end the item list */
	p[9] = (uint8_t)n;
	memcpy(p + 10, cname, n);
	return len;
}
