/* SPDX-License-Identifier: BSD-3-Clause
 * Codec table (RFC 3551 4.5 / table 4, RFC 7587) and ITU-T G.711.
 */
#include <strings.h>

#include "mbl_rtp.h"

#define PTIME_10_TO_60 0x3f /* 10, 20, 30, 40, 50, 60 ms */
#define PTIME_OPUS 0x2b     /* 10, 20, 40, 60 ms (RFC 6716 2.1.4 frames) */

static const struct mbl_codec codecs[MBL_CODEC_MAX] = {
	[MBL_CODEC_PCMU] = {"PCMU", MBL_CODEC_PCMU, 0, false, 1, 8000, 8000,
			    80, PTIME_10_TO_60},
	[MBL_CODEC_PCMA] = {"PCMA", MBL_CODEC_PCMA, 8, false, 1, 8000, 8000,
			    80, PTIME_10_TO_60},
	/* RFC 3551 4.5.2: G722 keeps an 8000 Hz RTP clock for historical
	 * reasons although it samples at 16 kHz */
	[MBL_CODEC_G722] = {"G722", MBL_CODEC_G722, 9, false, 1, 8000, 16000,
			    80, PTIME_10_TO_60},
	[MBL_CODEC_G729] = {"G729", MBL_CODEC_G729, 18, false, 1, 8000, 8000,
			    10, PTIME_10_TO_60},
	/* RFC 7587 4.1: always opus/48000/2 in SDP; 111 is the usual
	 * dynamic choice (WebRTC) */
	[MBL_CODEC_OPUS] = {"opus", MBL_CODEC_OPUS, 111, true, 2, 48000, 48000,
			    0, PTIME_OPUS},
};

const struct mbl_codec *mbl_codec_find(const char *name)
{
	if (name == NULL)
		return NULL;
	for (unsigned i = 0; i < MBL_CODEC_MAX; i++)
		if (strcasecmp(name, codecs[i].name) == 0)
			return &codecs[i];
	return NULL;
}

const struct mbl_codec *mbl_codec_get(enum mbl_codec_id id)
{
	return (unsigned)id < MBL_CODEC_MAX ? &codecs[id] : NULL;
}

/* Index of the highest set bit of v > 0. */
static inline int top_bit(unsigned v)
{
	return 31 - __builtin_clz(v);
}

/* G.711 mu-law works on 14-bit samples: add the bias 33 so every segment
 * starts at a power of two, the segment is then the bit position minus 5
 * and the mantissa the 4 bits below the leading one (G.711 table 2a). */
uint8_t mbl_codec_ulaw_enc(int16_t s)
{
	int m = s >> 2;
	uint8_t mask = 0xff;

	if (m < 0) {
		m = -m;
		mask = 0x7f;
	}
	if (m > 8158)
		m = 8158;
	m += 33;
	int seg = top_bit((unsigned)m) - 5;
	uint8_t code = (uint8_t)(seg << 4 | ((m >> (seg + 1)) & 0x0f));
	return code ^ mask;
}

int16_t mbl_codec_ulaw_dec(uint8_t code)
{
	uint8_t u = (uint8_t)~code;
	int t = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);

	return (int16_t)((u & 0x80) ? 0x84 - t : t - 0x84);
}

/* G.711 A-law works on 13-bit samples; negative values are coded by their
 * ones complement and even bits are inverted (XOR 0x55) on the line
 * (G.711 table 1a). */
uint8_t mbl_codec_alaw_enc(int16_t s)
{
	int m = s >> 3;
	uint8_t mask = 0xd5;

	if (m < 0) {
		m = ~m;
		mask = 0x55;
	}
	int seg = m < 32 ? 0 : top_bit((unsigned)m) - 4;
	int shift = seg ? seg : 1;
	uint8_t code = (uint8_t)(seg << 4 | ((m >> shift) & 0x0f));
	return code ^ mask;
}

int16_t mbl_codec_alaw_dec(uint8_t code)
{
	uint8_t a = code ^ 0x55;
	int seg = (a & 0x70) >> 4;
	int t = (a & 0x0f) << 4;

	if (seg == 0)
		t += 8;
	else
		t = (t + 0x108) << (seg - 1);
	return (int16_t)((a & 0x80) ? t : -t);
}
