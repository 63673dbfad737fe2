/* SPDX-License-Identifier: BSD-3-Clause
 * mediablast SRTP/SRTCP (RFC 3711, RFC 6188 AES-192/256, RFC 7714 AES-GCM):
 * the crypto suites, SDES keying in the a=crypto form (RFC 4568), our own
 * SRTP framing (key derivation, IVs, ROC estimation, replay window, SRTCP
 * index) and the engines that do the cipher work behind one interface:
 * libsrtp2 (the reference) and DPDK cryptodev (the fast path).
 *
 * libsrtp2 types never leave this module. Threads: everything that creates
 * or frees runs on the control plane; a context (one direction of one
 * stream) belongs to the data-plane lcore that owns the stream.
 */
#ifndef MBL_SRTP_H
#define MBL_SRTP_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- crypto suites ---------------------------------------------------------
 * X(name as in SDP a=crypto, enum tail, cipher key bytes, salt bytes,
 *   SRTP tag bytes, SRTCP tag bytes, aead)
 * RFC 4568 6.2 (AES_CM_128_*), RFC 6188 (AES_192/256_CM_*), RFC 7714 14.2
 * (AEAD_AES_*_GCM: 12-byte salt, 16-byte tag for SRTP and SRTCP), RFC 4568
 * 6.2.3 / libsrtp (NULL_HMAC_SHA1_*: no encryption, HMAC over a 16-byte key
 * and 14-byte salt). Authentication keys of the HMAC suites are 20 bytes
 * (RFC 3711 4.3.2). */
#define MBL_SRTP_SUITE_LIST(X)                                                 \
	X("AES_CM_128_HMAC_SHA1_80", AES_CM_128_HMAC_SHA1_80, 16, 14, 10, 10, false) \
	X("AES_CM_128_HMAC_SHA1_32", AES_CM_128_HMAC_SHA1_32, 16, 14, 4, 10, false)  \
	X("AES_192_CM_HMAC_SHA1_80", AES_192_CM_HMAC_SHA1_80, 24, 14, 10, 10, false) \
	X("AES_192_CM_HMAC_SHA1_32", AES_192_CM_HMAC_SHA1_32, 24, 14, 4, 10, false)  \
	X("AES_256_CM_HMAC_SHA1_80", AES_256_CM_HMAC_SHA1_80, 32, 14, 10, 10, false) \
	X("AES_256_CM_HMAC_SHA1_32", AES_256_CM_HMAC_SHA1_32, 32, 14, 4, 10, false)  \
	X("AEAD_AES_128_GCM", AEAD_AES_128_GCM, 16, 12, 16, 16, true)                \
	X("AEAD_AES_256_GCM", AEAD_AES_256_GCM, 32, 12, 16, 16, true)                \
	X("NULL_HMAC_SHA1_80", NULL_HMAC_SHA1_80, 16, 14, 10, 10, false)             \
	X("NULL_HMAC_SHA1_32", NULL_HMAC_SHA1_32, 16, 14, 4, 10, false)

#define MBL_SRTP_SUITE_ENUM_(s, e, k, sa, t, tc, a) MBL_SRTP_##e,
enum mbl_srtp_suite { MBL_SRTP_SUITE_LIST(MBL_SRTP_SUITE_ENUM_) MBL_SRTP_SUITE_MAX };
#undef MBL_SRTP_SUITE_ENUM_

struct mbl_srtp_suite_info {
	const char *name;
	enum mbl_srtp_suite id;
	uint8_t key_len;       /* master key bytes (cipher key length) */
	uint8_t salt_len;      /* master salt bytes */
	uint8_t srtp_tag_len;
	uint8_t srtcp_tag_len;
	bool aead;             /* GCM: no HMAC, the tag is the GCM tag */
	bool null_cipher;      /* NULL_*: authentication only */
};

/* Case-sensitive lookup as RFC 4568 writes the names; NULL if unknown. */
const struct mbl_srtp_suite_info *mbl_srtp_suite_find(const char *name);
const struct mbl_srtp_suite_info *mbl_srtp_suite_get(enum mbl_srtp_suite s);

#define MBL_SRTP_MAX_KEY 32
#define MBL_SRTP_MAX_SALT 14
#define MBL_SRTP_MAX_MKI 4

/* Master key material of one direction, as SDES carries it. */
struct mbl_srtp_key {
	enum mbl_srtp_suite suite;
	uint8_t key[MBL_SRTP_MAX_KEY];
	uint8_t salt[MBL_SRTP_MAX_SALT];
	uint64_t lifetime;     /* packets (RFC 4568 6.1); 0 = suite maximum */
	uint32_t mki;          /* MKI value when mki_len != 0 */
	uint8_t mki_len;       /* 0..4 bytes of MKI on the wire (RFC 3711 3.1) */
};

/* ---- SDES keying (RFC 4568) --------------------------------------------------
 * The a=crypto attribute value: "[tag ]SUITE inline:BASE64[|LIFETIME][|MKI:LEN]"
 * where BASE64 is key||salt (RFC 4568 6.1), LIFETIME is a decimal count or
 * 2^n, MKI:LEN the MKI value and its byte length (1..4). The tag is
 * optional here so the scenario file can use the same form without one.
 * Several key parameters (';'-separated) are not supported: -ENOTSUP. */
struct mbl_srtp_crypto_attr {
	int tag;                /* -1 when absent */
	struct mbl_srtp_key key;
};

/* Parse one a=crypto value. Returns 0, or -EINVAL (unknown suite, bad
 * base64, wrong key||salt length, bad lifetime or MKI, trailing garbage)
 * or -ENOTSUP, with err filled. Never logs the key. Control plane. */
int mbl_srtp_sdes_parse(const char *value, struct mbl_srtp_crypto_attr *a, char *err,
			size_t errlen);
/* Format a as an a=crypto value (tag first when >= 0). Returns the length,
 * or -ENOSPC. Control plane. The output contains the key: never log it. */
int mbl_srtp_sdes_format(const struct mbl_srtp_crypto_attr *a, char *buf, size_t len);
/* Fill k with fresh random key and salt for suite (getrandom). */
int mbl_srtp_key_random(struct mbl_srtp_key *k, enum mbl_srtp_suite suite);

/* ---- engines ------------------------------------------------------------------
 * One context per direction of one stream (one SSRC). protect/unprotect
 * work in place on a whole RTP or RTCP packet; cap is the buffer size (room
 * for the tag and, for SRTCP, the E|index word and MKI). */
enum mbl_srtp_engine {
	MBL_SRTP_ENGINE_LIBSRTP = 0,
	MBL_SRTP_ENGINE_CRYPTODEV,
};

struct mbl_srtp_ctx;

/* outbound: this context protects (true) or unprotects (false). ssrc: the
 * stream's SSRC (inbound contexts accept only that SSRC); an inbound context
 * created with SSRC 0 accepts the first SSRC that authenticates and only
 * that one afterwards (a media-only peer's SSRC is not known in advance). Returns NULL with
 * err filled (and errno) if the engine lacks the suite or memory runs out.
 * Control plane. */
struct mbl_srtp_ctx *mbl_srtp_ctx_create(enum mbl_srtp_engine e, const struct mbl_srtp_key *k,
					 uint32_t ssrc, bool outbound, char *err, size_t errlen);
void mbl_srtp_ctx_free(struct mbl_srtp_ctx *c); /* NULL is fine */

/* Results of protect/unprotect: 0, or one of these negative values. */
#define MBL_SRTP_ERR_LIST(X)                                                   \
	X(auth_fail, -EBADMSG, "authentication tag did not verify")           \
	X(replay, -EALREADY, "packet index already seen or too old (replay)") \
	X(malformed, -EINVAL, "too short or not RTP/RTCP")                    \
	X(no_room, -ENOSPC, "buffer too small for the tag")                   \
	X(wrong_ssrc, -ESRCH, "SSRC does not belong to this context")         \
	X(key_expired, -EKEYEXPIRED, "key lifetime reached (rekey needed)")

/* RTP -> SRTP in place; *len grows by the tag (and MKI). Owner lcore. */
int mbl_srtp_protect(struct mbl_srtp_ctx *c, uint8_t *pkt, uint32_t *len, uint32_t cap);
/* SRTP -> RTP in place; *len shrinks. Owner lcore. */
int mbl_srtp_unprotect(struct mbl_srtp_ctx *c, uint8_t *pkt, uint32_t *len);
/* RTCP -> SRTCP (E bit set unless the suite is NULL), and back. */
int mbl_srtp_protect_rtcp(struct mbl_srtp_ctx *c, uint8_t *pkt, uint32_t *len, uint32_t cap);
int mbl_srtp_unprotect_rtcp(struct mbl_srtp_ctx *c, uint8_t *pkt, uint32_t *len);

/* ---- engine contract details (srtp_engine.c, srtp_libsrtp.c) -------------------
 * - A context works one way: protect on an inbound context (or unprotect on
 *   an outbound one) returns -EPERM; a packet whose SSRC is not the
 *   context's returns -ESRCH before any crypto.
 * - On any error the packet bytes are undefined (a failed GCM unprotect has
 *   already decrypted in place): count it and drop it, never forward it.
 *   The one exception: -ENOSPC, -EINVAL and -ESRCH from the checks before
 *   the crypto leave the packet untouched. *len changes only on success.
 * - key->lifetime != 0: after that many successful protect/unprotect calls
 *   (SRTP and SRTCP together) every call returns -EKEYEXPIRED.
 * - MBL_SRTP_ENGINE_CRYPTODEV: not implemented yet; create returns NULL,
 *   errno ENOTSUP.
 * - Wire layout with MKI, as libsrtp 2.5 writes it: HMAC suites put the MKI
 *   before the tag (RFC 3711 3.1); AEAD suites put it after the GCM tag,
 *   which is part of the ciphertext (RFC 7714 packet formats). */

#endif /* MBL_SRTP_H */
