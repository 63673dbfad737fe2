/* SPDX-License-Identifier: BSD-3-Clause
 * RTP header validation (RFC 3550 5.1, A.1).
 */
#include "mbl_common.h"
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

/* RFC 3550 5.3.1: 4-byte preamble then len_words 32-bit words. Returns the
 * new header length or a negative drop reason. */
static int rtp_ext(const uint8_t *p, uint32_t len, uint32_t hl,
		   struct mbl_rtp_info *ri)
{
	if (len < hl + 4)
		return -MBL_RTP_DROP_extension_overrun;
	ri->has_ext = true;
	ri->ext_profile = mbl_get_be16(p + hl);
	hl += 4 + 4u * mbl_get_be16(p + hl + 2);
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
	ri->seq = mbl_get_be16(p + 2);
	ri->ts = mbl_get_be32(p + 4);
	ri->ssrc = mbl_get_be32(p + 8);
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
