/* SPDX-License-Identifier: BSD-3-Clause
 * Internal to lib/srtp: our own SRTP framing, shared by the engines that do
 * not come with it (the DPDK cryptodev engine does only AES and HMAC):
 * AES-NI block encryption, the AES-CM key derivation (RFC 3711 4.3, RFC
 * 6188 5, RFC 7714 11), the AES-CM and GCM IVs, the receive-side index
 * estimate and replay window, and the SRTCP trailer layout.
 *
 * Everything here works on plain byte buffers (no mbuf, no EAL), takes no
 * lock and allocates nothing: the data-plane functions may run on the lcore
 * that owns the stream; the key functions (aes_init, kdf) on the control
 * plane when a context is created. Nothing here logs.
 */
#ifndef MBL_SRTP_FRAME_H
#define MBL_SRTP_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <emmintrin.h>

#include "mbl_srtp.h"

/* ---- AES (FIPS-197) with AES-NI ------------------------------------------ */

#define MBL_SRTP_AES_BLOCK 16
#define MBL_SRTP_AES_MAX_ROUNDS 14

/* An expanded encryption key schedule. Holds key material: wipe it with
 * mbl_srtp_aes_wipe() before the memory is released. */
struct mbl_srtp_aes {
	__m128i rk[MBL_SRTP_AES_MAX_ROUNDS + 1];
	unsigned int rounds; /* 10, 12 or 14 */
};

/* Expand key (16, 24 or 32 bytes). Returns 0 or -EINVAL (other length). */
int mbl_srtp_aes_init(struct mbl_srtp_aes *a, const uint8_t *key, size_t key_len);
/* One block: out = AES_k(in). in and out may alias. */
void mbl_srtp_aes_encrypt(const struct mbl_srtp_aes *a, const uint8_t in[16], uint8_t out[16]);
/* AES counter mode as SRTP uses it (RFC 3711 4.1.1): XOR buf with the
 * keystream E(k, IV), E(k, IV + 1), ... where the block counter is added
 * to the low 16 bits of iv (those bits are zero in every SRTP IV). len up
 * to 2^16 blocks: -EINVAL beyond that, else 0. */
int mbl_srtp_aes_cm_xor(const struct mbl_srtp_aes *a, const uint8_t iv[16], uint8_t *buf,
			size_t len);
void mbl_srtp_aes_wipe(struct mbl_srtp_aes *a);

/* ---- key derivation (RFC 3711 4.3, key_derivation_rate 0) ----------------- */

/* Key derivation labels, RFC 3711 4.3.2 (0x00-0x02 SRTP, 0x03-0x05 SRTCP). */
enum mbl_srtp_kdf_label {
	MBL_SRTP_LABEL_RTP_ENC = 0x00,
	MBL_SRTP_LABEL_RTP_AUTH = 0x01,
	MBL_SRTP_LABEL_RTP_SALT = 0x02,
	MBL_SRTP_LABEL_RTCP_ENC = 0x03,
	MBL_SRTP_LABEL_RTCP_AUTH = 0x04,
	MBL_SRTP_LABEL_RTCP_SALT = 0x05,
};

#define MBL_SRTP_AUTH_KEY_LEN 20 /* HMAC-SHA1 session key (RFC 3711 4.3.2) */
#define MBL_SRTP_KDF_MAX_OUT 64

/* Derive out_len session bytes for label from the master key and salt of k
 * with the AES-CM PRF keyed by the master key (AES-128, -192 or -256 as the
 * suite's key length: RFC 3711 4.3.3, RFC 6188 5.1). A 12-byte GCM master
 * salt is extended by two zero bytes (RFC 7714 11 with erratum 4938) and
 * the caller asks for 12 salt bytes. The sizes to ask for: enc = suite
 * key_len, auth = MBL_SRTP_AUTH_KEY_LEN, salt = suite salt_len.
 * Returns 0, or -EINVAL (unknown suite, label > 5, out_len 0 or above
 * MBL_SRTP_KDF_MAX_OUT). Control plane. out holds key material. */
int mbl_srtp_kdf(const struct mbl_srtp_key *k, uint8_t label, uint8_t *out, size_t out_len);

/* ---- IVs ------------------------------------------------------------------ */

/* AES-CM IV (RFC 3711 4.1.1, RFC 6188 4): (k_s * 2^16) XOR (SSRC * 2^64) XOR
 * (index * 2^16). index: the 48-bit SRTP index ROC * 2^16 + SEQ, or the
 * 31-bit SRTCP index (RFC 3711 3.4). salt: the 14-byte session salt. */
void mbl_srtp_cm_iv(const uint8_t salt[14], uint32_t ssrc, uint64_t index, uint8_t iv[16]);

/* GCM IV (RFC 7714 8.1 SRTP, 9.1 SRTCP): the 12-byte session salt XOR
 * 0x0000 || SSRC || index48, where index48 is ROC || SEQ for SRTP and
 * 0x0000 || 0 || SRTCP index (31 bits) for SRTCP: both are the packet
 * index as a 48-bit big-endian number, so one function serves both. */
void mbl_srtp_gcm_iv(const uint8_t salt[12], uint32_t ssrc, uint64_t index, uint8_t iv[12]);

/* ---- receive side: index estimate and replay window ------------------------ */

#define MBL_SRTP_INDEX_MAX ((UINT64_C(1) << 48) - 1)
#define MBL_SRTCP_INDEX_MAX 0x7fffffffu
#define MBL_SRTP_REPLAY_WORDS 2 /* window of 128 packets, libsrtp's default */
#define MBL_SRTP_REPLAY_WINDOW (64 * MBL_SRTP_REPLAY_WORDS)

/* Receive state of one SRTP (or SRTCP) stream. Owner: the lcore that
 * unprotects the stream. top is the highest authenticated index, so
 * ROC = top >> 16 and s_l = top & 0xffff (RFC 3711 3.3.1). Bit i of the
 * window (word i / 64, bit i % 64) says index top - i was received. */
struct mbl_srtp_replay {
	uint64_t top;
	uint64_t bits[MBL_SRTP_REPLAY_WORDS];
	bool started;      /* false until the first authenticated packet */
	uint32_t init_roc; /* ROC signalled for the first packet (RFC 4568 / 3711) */
};

enum mbl_srtp_replay_verdict {
	MBL_SRTP_REPLAY_OK = 0,  /* new index: authenticate, then update */
	MBL_SRTP_REPLAY_DUP,     /* inside the window and already seen */
	MBL_SRTP_REPLAY_TOO_OLD, /* behind the window: cannot tell, drop */
};

/* Start a stream whose first packet carries ROC roc (0 unless signalled). */
void mbl_srtp_replay_init(struct mbl_srtp_replay *r, uint32_t roc);
/* Estimate the 48-bit index of a received SEQ (RFC 3711 3.3.1, Appendix
 * A): v is ROC - 1, ROC or ROC + 1, whichever puts SEQ nearest s_l. Before
 * the first packet the index is init_roc * 2^16 + SEQ. Returns 0 with
 * *index set, or -ERANGE when v would be -1 or 2^32 (before the start of
 * the stream, or past the last ROC: drop the packet). */
int mbl_srtp_rx_index(const struct mbl_srtp_replay *r, uint16_t seq, uint64_t *index);
/* Replay check before authentication (RFC 3711 3.3.2). */
enum mbl_srtp_replay_verdict mbl_srtp_replay_check(const struct mbl_srtp_replay *r,
						   uint64_t index);
/* After the packet authenticated: mark index seen and, if it is ahead of
 * top, slide the window (this is also the ROC / s_l update of 3.3.1). */
void mbl_srtp_replay_update(struct mbl_srtp_replay *r, uint64_t index);

/* ---- SRTCP trailer (RFC 3711 3.4, RFC 7714 9) ------------------------------ */

#define MBL_SRTCP_E_FLAG 0x80000000u
#define MBL_SRTCP_HDR_LEN 8 /* the RTCP header part that stays clear */

/* Where the SRTCP fields sit in a packet whose RTCP part is rtcp_len bytes.
 * AES-CM / NULL (RFC 3711 3.4):  RTCP | E|index | MKI | tag, the tag covers
 * RTCP | E|index. AEAD (RFC 7714 9): RTCP(ciphertext) | tag | E|index | MKI,
 * where the tag is the GCM tag over the payload, AAD = header | E|index. */
struct mbl_srtcp_layout {
	size_t rtcp_len;  /* bytes of (S)RTCP before the trailer */
	size_t index_off; /* the E|index word */
	size_t mki_off;   /* mki_len bytes (none if 0) */
	size_t tag_off;   /* tag_len bytes */
	size_t auth_len;  /* HMAC input length from byte 0 (AES-CM / NULL) */
	size_t total;     /* whole SRTCP packet */
};

/* Append the trailer to an RTCP packet of rtcp_len bytes in a buffer of cap
 * bytes: writes E|index and the MKI (big-endian, mki_len bytes) and fills
 * *l; the caller encrypts and writes tag_len bytes at l->tag_off. Returns
 * 0, -EINVAL (rtcp_len < 8, index > 2^31 - 1, mki_len > 4, or an mki that
 * does not fit mki_len bytes) or -ENOSPC (cap < l->total). */
int mbl_srtcp_trailer_put(uint8_t *pkt, size_t rtcp_len, size_t cap, bool aead, bool encrypted,
			  uint32_t index, uint32_t mki, uint8_t mki_len, uint8_t tag_len,
			  struct mbl_srtcp_layout *l);
/* Parse the trailer of a received SRTCP packet of len bytes: fills *l and
 * the E flag, index and MKI. Returns 0 or -EINVAL (too short for header,
 * trailer and tag). The tag is not checked here. */
int mbl_srtcp_trailer_get(const uint8_t *pkt, size_t len, bool aead, uint8_t mki_len,
			  uint8_t tag_len, bool *encrypted, uint32_t *index, uint32_t *mki,
			  struct mbl_srtcp_layout *l);

/* MKI as RFC 3711 3.1 puts it on the wire: mki_len bytes, big-endian. */
void mbl_srtp_mki_put(uint8_t *p, uint32_t mki, uint8_t mki_len);
uint32_t mbl_srtp_mki_get(const uint8_t *p, uint8_t mki_len);

#endif /* MBL_SRTP_FRAME_H */
