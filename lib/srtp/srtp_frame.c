/* SPDX-License-Identifier: BSD-3-Clause
 * SRTP framing that does not depend on the cipher engine: the AES-CM and
 * GCM IVs, the receive-side index estimate (RFC 3711 3.3.1, Appendix A),
 * the replay window (3.3.2) and the SRTCP trailer (3.4, RFC 7714 9).
 */
#include <errno.h>
#include <string.h>

#include "srtp_frame.h"

/* ---- IVs ------------------------------------------------------------------ */

/* XOR the low n bytes of v, big-endian, into p[0..n-1]. */
static void xor_be(uint8_t *p, uint64_t v, unsigned int n)
{
	while (n-- > 0) {
		p[n] ^= (uint8_t)v;
		v >>= 8;
	}
}

void mbl_srtp_cm_iv(const uint8_t salt[14], uint32_t ssrc, uint64_t index, uint8_t iv[16])
{
	/* 128-bit IV, byte 0 most significant: k_s * 2^16 fills bytes 0..13,
	 * SSRC * 2^64 lands on bytes 4..7, index * 2^16 on bytes 8..13. */
	memcpy(iv, salt, 14);
	iv[14] = 0;
	iv[15] = 0;
	xor_be(iv + 4, ssrc, 4);
	xor_be(iv + 8, index & MBL_SRTP_INDEX_MAX, 6);
}

void mbl_srtp_gcm_iv(const uint8_t salt[12], uint32_t ssrc, uint64_t index, uint8_t iv[12])
{
	/* 0x0000 (bytes 0..1) || SSRC (2..5) || index48 (6..11), XOR salt. */
	memcpy(iv, salt, 12);
	xor_be(iv + 2, ssrc, 4);
	xor_be(iv + 6, index & MBL_SRTP_INDEX_MAX, 6);
}

/* ---- index estimate ------------------------------------------------------- */

void mbl_srtp_replay_init(struct mbl_srtp_replay *r, uint32_t roc)
{
	memset(r, 0, sizeof(*r));
	r->init_roc = roc;
}

int mbl_srtp_rx_index(const struct mbl_srtp_replay *r, uint16_t seq, uint64_t *index)
{
	int64_t roc, v;
	int32_t s_l;

	if (!r->started) {
		/* RFC 3711 3.3.1: the first packet sets s_l; ROC as signalled. */
		*index = (uint64_t)r->init_roc << 16 | seq;
		return 0;
	}
	roc = (int64_t)(r->top >> 16);
	s_l = (int32_t)(r->top & 0xffff);
	v = roc;
	if (s_l < 32768) {
		if ((int32_t)seq - s_l > 32768)
			v = roc - 1; /* a late packet from before the last wrap */
	} else if (s_l - 32768 > (int32_t)seq) {
		v = roc + 1; /* SEQ has wrapped ahead of s_l */
	}
	if (v < 0 || v > (int64_t)UINT32_MAX)
		return -ERANGE;
	*index = (uint64_t)v << 16 | seq;
	return 0;
}

/* ---- replay window -------------------------------------------------------- */

static bool window_test(const struct mbl_srtp_replay *r, uint64_t delta)
{
	return (r->bits[delta / 64] >> (delta % 64)) & 1;
}

static void window_set(struct mbl_srtp_replay *r, uint64_t delta)
{
	r->bits[delta / 64] |= UINT64_C(1) << (delta % 64);
}

/* Age every entry by n: bit i moves to bit i + n, bits past the window go. */
static void window_shift(struct mbl_srtp_replay *r, uint64_t n)
{
	unsigned int words, s;
	int i;

	if (n >= MBL_SRTP_REPLAY_WINDOW) {
		memset(r->bits, 0, sizeof(r->bits));
		return;
	}
	words = (unsigned int)(n / 64);
	s = (unsigned int)(n % 64);
	for (i = MBL_SRTP_REPLAY_WORDS - 1; i >= 0; i--) {
		int src = i - (int)words;
		uint64_t v = 0;

		if (src >= 0) {
			v = r->bits[src] << s;
			if (s != 0 && src >= 1)
				v |= r->bits[src - 1] >> (64 - s);
		}
		r->bits[i] = v;
	}
}

enum mbl_srtp_replay_verdict mbl_srtp_replay_check(const struct mbl_srtp_replay *r,
						   uint64_t index)
{
	uint64_t delta;

	if (!r->started || index > r->top)
		return MBL_SRTP_REPLAY_OK;
	delta = r->top - index;
	if (delta >= MBL_SRTP_REPLAY_WINDOW)
		return MBL_SRTP_REPLAY_TOO_OLD;
	return window_test(r, delta) ? MBL_SRTP_REPLAY_DUP : MBL_SRTP_REPLAY_OK;
}

void mbl_srtp_replay_update(struct mbl_srtp_replay *r, uint64_t index)
{
	if (!r->started) {
		r->started = true;
		r->top = index;
		memset(r->bits, 0, sizeof(r->bits));
		window_set(r, 0);
		return;
	}
	if (index > r->top) {
		/* RFC 3711 3.3.1: v = ROC + 1 sets ROC and s_l, v = ROC with
		 * SEQ > s_l sets s_l; both are "top moves to index". */
		window_shift(r, index - r->top);
		r->top = index;
		window_set(r, 0);
	} else if (r->top - index < MBL_SRTP_REPLAY_WINDOW) {
		window_set(r, r->top - index);
	}
}

/* ---- MKI and SRTCP trailer ------------------------------------------------ */

void mbl_srtp_mki_put(uint8_t *p, uint32_t mki, uint8_t mki_len)
{
	unsigned int n = mki_len;

	while (n-- > 0) {
		p[n] = (uint8_t)mki;
		mki >>= 8;
	}
}

uint32_t mbl_srtp_mki_get(const uint8_t *p, uint8_t mki_len)
{
	uint32_t v = 0;
	unsigned int i;

	for (i = 0; i < mki_len; i++)
		v = v << 8 | p[i];
	return v;
}

/* Offsets of a packet whose RTCP part is rtcp_len bytes (see the header). */
static void srtcp_layout(size_t rtcp_len, bool aead, uint8_t mki_len, uint8_t tag_len,
			 struct mbl_srtcp_layout *l)
{
	l->rtcp_len = rtcp_len;
	if (aead) {
		l->tag_off = rtcp_len;
		l->index_off = rtcp_len + tag_len;
		l->mki_off = l->index_off + 4;
		l->total = l->mki_off + mki_len;
		l->auth_len = 0;
	} else {
		l->index_off = rtcp_len;
		l->mki_off = rtcp_len + 4;
		l->tag_off = l->mki_off + mki_len;
		l->total = l->tag_off + tag_len;
		l->auth_len = rtcp_len + 4;
	}
}

static bool mki_fits(uint32_t mki, uint8_t mki_len)
{
	return mki_len <= MBL_SRTP_MAX_MKI && (mki_len == 4 || mki >> (8 * mki_len) == 0);
}

int mbl_srtcp_trailer_put(uint8_t *pkt, size_t rtcp_len, size_t cap, bool aead, bool encrypted,
			  uint32_t index, uint32_t mki, uint8_t mki_len, uint8_t tag_len,
			  struct mbl_srtcp_layout *l)
{
	uint32_t word;

	if (rtcp_len < MBL_SRTCP_HDR_LEN || index > MBL_SRTCP_INDEX_MAX || !mki_fits(mki, mki_len))
		return -EINVAL;
	srtcp_layout(rtcp_len, aead, mki_len, tag_len, l);
	if (l->total > cap)
		return -ENOSPC;
	word = index | (encrypted ? MBL_SRTCP_E_FLAG : 0);
	mbl_srtp_mki_put(pkt + l->index_off, word, 4);
	mbl_srtp_mki_put(pkt + l->mki_off, mki, mki_len);
	return 0;
}

int mbl_srtcp_trailer_get(const uint8_t *pkt, size_t len, bool aead, uint8_t mki_len,
			  uint8_t tag_len, bool *encrypted, uint32_t *index, uint32_t *mki,
			  struct mbl_srtcp_layout *l)
{
	size_t over = 4 + (size_t)mki_len + tag_len;
	uint32_t word;

	if (mki_len > MBL_SRTP_MAX_MKI || len < MBL_SRTCP_HDR_LEN + over)
		return -EINVAL;
	srtcp_layout(len - over, aead, mki_len, tag_len, l);
	word = mbl_srtp_mki_get(pkt + l->index_off, 4);
	*encrypted = (word & MBL_SRTCP_E_FLAG) != 0;
	*index = word & MBL_SRTCP_INDEX_MAX;
	*mki = mbl_srtp_mki_get(pkt + l->mki_off, mki_len);
	return 0;
}
