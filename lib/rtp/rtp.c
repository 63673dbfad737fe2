/* SPDX-License-Identifier: BSD-3-Clause
 * RTP and RTCP header validation (RFC 3550 5.1, 6.4, A.1, A.2).
 */
#include "mbl_rtp.h"

#define MBL_RTP_DROP_NAME_(name, desc) [MBL_RTP_DROP_##name] = #name,
const char *const mbl_rtp_drop_names[MBL_RTP_DROP_MAX] = {
	MBL_RTP_DROP_LIST(MBL_RTP_DROP_NAME_)
};
#undef MBL_RTP_DROP_NAME_

#define MBL_RTP_DROP_DESC_(name, desc) [MBL_RTP_DROP_##name] = desc,
const char *const mbl_rtp_drop_descs[MBL_RTP_DROP_MAX] = {
	MBL_RTP_DROP_LIST(MBL_RTP_DROP_DESC_)
};
#undef MBL_RTP_DROP_DESC_

#define MBL_RTP_DEMUX_NAME_(name) [MBL_RTP_DEMUX_##name] = #name,
const char *const mbl_rtp_demux_names[MBL_RTP_DEMUX_MAX] = {
	MBL_RTP_DEMUX_LIST(MBL_RTP_DEMUX_NAME_)
};
#undef MBL_RTP_DEMUX_NAME_

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* RFC 3550 5.3.1: 4-byte preamble then len_words 32-bit words. Returns the
 * new header length or a negative drop reason. */
static int rtp_ext(const uint8_t *p, uint32_t len, uint32_t hl,
		   struct mbl_rtp_info *ri)
{
	if (len < hl + 4)
		return -MBL_RTP_DROP_extension_overrun;
	ri->has_ext = true;
	ri->ext_profile = rd16(p + hl);
	hl += 4 + 4u * rd16(p + hl + 2);
	if (hl > len)
		return -MBL_RTP_DROP_extension_overrun;
	return (int)hl;
}

int mbl_rtp_parse(const uint8_t *p, uint32_t len, struct mbl_rtp_info *ri)
{
	if (len < MBL_RTP_HDR_LEN)
		return -MBL_RTP_DROP_short_packet;
	if (len > UINT16_MAX) /* no UDP payload is larger; keeps fields 16-bit */
		return -MBL_RTP_DROP_too_long;
	if (p[0] >> 6 != MBL_RTP_VERSION)
		return -MBL_RTP_DROP_bad_version;

	ri->cc = p[0] & 0x0f;
	ri->marker = p[1] >> 7;
	ri->pt = p[1] & 0x7f;
	ri->seq = rd16(p + 2);
	ri->ts = rd32(p + 4);
	ri->ssrc = rd32(p + 8);
	ri->has_ext = false;
	ri->ext_profile = 0;

	uint32_t hl = MBL_RTP_HDR_LEN + 4u * ri->cc;
	if (hl > len)
		return -MBL_RTP_DROP_csrc_overrun;
	if (p[0] & 0x10) {
		int r = rtp_ext(p, len, hl, ri);
		if (r < 0)
			return r;
		hl = (uint32_t)r;
	}

	/* RFC 3550 5.1: the last octet counts the padding, itself included,
	 * so 0 is invalid and it may not eat into the header (A.1). */
	uint32_t pad = 0;
	if (p[0] & 0x20) {
		pad = p[len - 1];
		if (pad == 0 || pad > len - hl)
			return -MBL_RTP_DROP_bad_padding;
	}
	ri->hdr_len = (uint16_t)hl;
	ri->payload_off = (uint16_t)hl;
	ri->pad_len = (uint16_t)pad;
	ri->payload_len = (uint16_t)(len - hl - pad);
	return 0;
}

/* One packet of a compound at off; returns its length or a drop reason. */
static int rtcp_one(const uint8_t *p, uint32_t len, uint32_t off, bool first,
		    struct mbl_rtp_rtcp_info *ci)
{
	if (len - off < MBL_RTP_RTCP_HDR_LEN)
		return -MBL_RTP_DROP_rtcp_bad_length;
	if (p[off] >> 6 != MBL_RTP_VERSION)
		return -MBL_RTP_DROP_rtcp_bad_version;
	uint8_t pt = p[off + 1];
	/* RFC 5506 reduced-size RTCP (WebRTC's immediate NACK and PLI) starts
	 * with a feedback message (RFC 4585 6.1): no SR/RR can be asked of it */
	if (first && pt != MBL_RTP_RTCP_SR && pt != MBL_RTP_RTCP_RR &&
	    pt != MBL_RTP_RTCP_RTPFB && pt != MBL_RTP_RTCP_PSFB)
		return -MBL_RTP_DROP_rtcp_bad_first_pt;
	uint32_t plen = 4u * (rd16(p + off + 2) + 1u);
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
	if (ci->n_pkts < MBL_RTP_RTCP_MAX_PKTS) {
		struct mbl_rtp_rtcp_pkt *k = &ci->pkt[ci->n_pkts];
		k->off = (uint16_t)off;
		k->len = (uint16_t)plen;
		k->pt = pt;
		k->count = p[off] & 0x1f;
	}
	ci->n_pkts++;
	return (int)plen;
}

int mbl_rtp_rtcp_walk(const uint8_t *p, uint32_t len,
		      struct mbl_rtp_rtcp_info *ci)
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
