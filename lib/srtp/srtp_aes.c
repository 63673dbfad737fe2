/* SPDX-License-Identifier: BSD-3-Clause
 * AES-128/192/256 encryption with AES-NI: the FIPS-197 5.2 key expansion,
 * done word by word for every key size, with AESKEYGENASSIST providing
 * SubWord (and RotWord) of one word; and the AES-CM keystream of RFC 3711
 * 4.1.1. Only encryption: counter mode and the KDF never decrypt a block.
 */
#include <errno.h>
#include <string.h>

#include <smmintrin.h>
#include <wmmintrin.h>

#include "srtp_frame.h"

#define AES_MAX_WORDS (4 * (MBL_SRTP_AES_MAX_ROUNDS + 1))

/* SubWord(w) and SubWord(RotWord(w)) of a key word held as it sits in
 * memory (byte 0 in the low bits). AESKEYGENASSIST applies S-boxes to
 * dword 1 and 3; with round constant 0 dword 0 of the result is
 * SubWord(X1) and dword 1 is RotWord(SubWord(X1)), and RotWord commutes
 * with the byte-wise SubWord. */
static uint32_t aes_sub_word(uint32_t w, bool rot)
{
	__m128i x = _mm_aeskeygenassist_si128(_mm_set_epi32(0, 0, (int)w, 0), 0);

	return rot ? (uint32_t)_mm_extract_epi32(x, 1) : (uint32_t)_mm_cvtsi128_si32(x);
}

int mbl_srtp_aes_init(struct mbl_srtp_aes *a, const uint8_t *key, size_t key_len)
{
	/* Rcon[i] of FIPS-197 5.2, byte 0 of the word = low bits here. */
	static const uint8_t rcon[11] = {0, 0x01, 0x02, 0x04, 0x08, 0x10,
					 0x20, 0x40, 0x80, 0x1b, 0x36};
	uint32_t w[AES_MAX_WORDS];
	unsigned int nk, nw, i;

	if (key_len != 16 && key_len != 24 && key_len != 32)
		return -EINVAL;
	nk = (unsigned int)key_len / 4;
	a->rounds = nk + 6;
	nw = 4 * (a->rounds + 1);
	memcpy(w, key, key_len);
	for (i = nk; i < nw; i++) {
		uint32_t t = w[i - 1];

		if (i % nk == 0)
			t = aes_sub_word(t, true) ^ rcon[i / nk];
		else if (nk > 6 && i % nk == 4)
			t = aes_sub_word(t, false);
		w[i] = w[i - nk] ^ t;
	}
	for (i = 0; i <= a->rounds; i++)
		a->rk[i] = _mm_loadu_si128((const __m128i *)&w[4 * i]);
	explicit_bzero(w, sizeof(w));
	return 0;
}

static inline __m128i aes_block(const struct mbl_srtp_aes *a, __m128i x)
{
	unsigned int r;

	x = _mm_xor_si128(x, a->rk[0]);
	for (r = 1; r < a->rounds; r++)
		x = _mm_aesenc_si128(x, a->rk[r]);
	return _mm_aesenclast_si128(x, a->rk[a->rounds]);
}

void mbl_srtp_aes_encrypt(const struct mbl_srtp_aes *a, const uint8_t in[16], uint8_t out[16])
{
	__m128i x = _mm_loadu_si128((const __m128i *)in);

	_mm_storeu_si128((__m128i *)out, aes_block(a, x));
}

int mbl_srtp_aes_cm_xor(const struct mbl_srtp_aes *a, const uint8_t iv[16], uint8_t *buf,
			size_t len)
{
	uint8_t ctr[16], ks[16];
	uint16_t base;
	size_t off, blk, n, j;

	if (len > ((size_t)1 << 16) * 16)
		return -EINVAL;
	memcpy(ctr, iv, sizeof(ctr));
	base = (uint16_t)(iv[14] << 8 | iv[15]);
	for (off = 0, blk = 0; off < len; off += n, blk++) {
		uint16_t c = (uint16_t)(base + blk);

		ctr[14] = (uint8_t)(c >> 8);
		ctr[15] = (uint8_t)c;
		mbl_srtp_aes_encrypt(a, ctr, ks);
		n = len - off < 16 ? len - off : 16;
		for (j = 0; j < n; j++)
			buf[off + j] ^= ks[j];
	}
	explicit_bzero(ks, sizeof(ks));
	return 0;
}

void mbl_srtp_aes_wipe(struct mbl_srtp_aes *a)
{
	explicit_bzero(a, sizeof(*a));
}
