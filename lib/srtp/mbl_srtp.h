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

/* mbl_srtp_ctx_create with options. MBL_SRTP_F_AUTH_ONLY (inbound only):
 * SRTP packets are authenticated (tag, replay) but their payload is left
 * encrypted - for receivers that only count and time packets, at the cost
 * of one HMAC instead of HMAC + AES. SRTCP is still decrypted (its reports
 * feed loss and RTT). Supported by the cryptodev engine for the HMAC-SHA1
 * suites; the libsrtp engine and the AEAD suites (whose tag check is the
 * decryption) refuse it with -ENOTSUP and a reason in err. */
#define MBL_SRTP_F_AUTH_ONLY 0x1u
/* MBL_SRTP_F_SESSION_KEYS: a known-answer-test hook, not for real streams.
 * k->key and k->salt are the session encryption key and session salt of
 * both SRTP and SRTCP as they stand: no key derivation (RFC 3711 4.3), so
 * packet vectors published with session keys (RFC 7714 16 and 17) can be
 * reproduced. AEAD suites only (a GCM session needs nothing but the key and
 * the 12-byte salt; an HMAC suite would need a session authentication key
 * too) and the cryptodev engine only: the libsrtp engine (which always
 * derives) and the other suites refuse it with -ENOTSUP and a reason in err. */
#define MBL_SRTP_F_SESSION_KEYS 0x2u
struct mbl_srtp_ctx *mbl_srtp_ctx_create_opts(enum mbl_srtp_engine e,
					      const struct mbl_srtp_key *k, uint32_t ssrc,
					      bool outbound, unsigned flags, char *err,
					      size_t errlen);
bool mbl_srtp_ctx_auth_only(const struct mbl_srtp_ctx *c);

/* Late start (RFC 3711 3.3.1 has a receiver take ROC 0 at a stream's
 * first packet). A relay that drops a stream's first packets until it can
 * encrypt them (rtpengine until the DTLS handshake of its leg is done)
 * counts the sequence wrap of packets it never sent: when the stream's
 * first SEQ was within those few packets of 65535, every packet it sends
 * carries ROC 1 and fails authentication at ROC 0 forever. So until an
 * inbound context has authenticated its first SRTP packet, a packet with
 * SEQ below MBL_SRTP_LATE_SEQ_MAX that fails at ROC 0 is tried once more
 * at ROC 1 (on a copy: the first try may have changed the bytes); if that
 * one authenticates, the stream runs from ROC 1. No packet is lost to
 * it, and a forged packet costs one more tag check, never a genuine
 * packet. Only mbl_srtp_unprotect does this: the cryptodev burst API
 * takes contexts that have started (mbl_srtp_ctx_rx_started). A rekey
 * context (mbl_srtp_ctx_inherit) takes over its predecessor's state.
 * Owner lcore. mbl_srtp_ctx_first_roc: the ROC the stream started at (1
 * for a late start, else 0). */
#define MBL_SRTP_LATE_SEQ_MAX 4096
bool mbl_srtp_ctx_rx_started(const struct mbl_srtp_ctx *c);
uint32_t mbl_srtp_ctx_first_roc(const struct mbl_srtp_ctx *c);

/* Rekey (a new master key for a running stream, RFC 3711 8.1 / RFC 4568
 * 7.1.4): dst, freshly created with the new key, takes over src's SRTP
 * packet index (ROC and replay window) and SSRC binding, so the stream's
 * sequence goes on across the change without a gap or a false replay.
 * SRTCP starts afresh under the new key (index and window), as a new
 * libsrtp session does. Same engine, direction and SSRC required (-EINVAL).
 * The libsrtp engine carries the ROC of a context with a known SSRC and
 * returns -ENOTSUP for an unbound receiver past ROC 0 (libsrtp creates the
 * stream only at its first packet). Owner lcore of both contexts. */
int mbl_srtp_ctx_inherit(struct mbl_srtp_ctx *dst, const struct mbl_srtp_ctx *src);

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
 * - MBL_SRTP_ENGINE_CRYPTODEV: needs mbl_srtp_cdev_init() first; before it,
 *   create returns NULL with errno ENOTSUP.
 * - Wire layout with MKI, as libsrtp 2.5 writes it: HMAC suites put the MKI
 *   before the tag (RFC 3711 3.1); AEAD suites put it after the GCM tag,
 *   which is part of the ciphertext (RFC 7714 packet formats). */

/* ---- DPDK cryptodev engine (srtp_cdev.c, srtp_cdev_pkt.c) ----------------------
 * MBL_SRTP_ENGINE_CRYPTODEV does AES-CTR + HMAC-SHA1, AES-GCM and HMAC-only
 * on one DPDK crypto device; the SRTP framing (KDF, IVs, ROC, replay
 * window, SRTCP index, MKI) is ours and every packet is bit-identical to
 * what the libsrtp engine makes from the same key. Differences from
 * libsrtp that never change bytes: the replay window is 128 packets (libsrtp
 * here: 1024), and a context refuses (-EALREADY) a packet more than 128
 * behind the highest index on either side.
 * Lifecycle (control plane): mbl_srtp_cdev_init after rte_eal_init, then
 * contexts; free every cryptodev context before mbl_srtp_cdev_fini.
 * mbl_srtp_ctx_create with this engine before init (or after fini)
 * returns NULL with errno ENOTSUP; a suite the device cannot do: NULL with
 * the device's errno (ENOTSUP when it gives none), err names both.
 * Each data-plane lcore binds one queue pair of its own
 * (mbl_srtp_cdev_bind_qp) before its first call; two lcores must never
 * share a queue pair. An inbound context may get new GCM sessions on the
 * data plane (one per distinct RTP header length, at most 6). */
struct rte_mbuf;

/* Configure and start devname ("crypto_aesni_mb0", "crypto_openssl0"; NULL =
 * the first crypto device EAL created) with n_qp queue pairs and a pool
 * of n_sessions sessions (a context takes 2, a GCM one up to 7), plus the
 * op pool and one sync mbuf per queue pair. Returns 0, or -ENODEV (no such
 * device), -EINVAL (n_qp 0 or above the device's maximum, n_sessions 0),
 * -EALREADY (already up), -ENOMEM or the device's -errno, with err filled.
 * Control plane, after rte_eal_init. */
int mbl_srtp_cdev_init(const char *devname, unsigned n_qp, unsigned n_sessions, char *err,
		       size_t errlen);
/* Stop and close the device, free the pools. Control plane; no cryptodev
 * context may be alive. Safe to call when init was never done. */
void mbl_srtp_cdev_fini(void);
/* The calling thread uses queue pair qp (default 0). Returns 0 or -EINVAL
 * (qp >= n_qp, or the engine is not up). Each lcore, before its first
 * protect/unprotect. */
int mbl_srtp_cdev_bind_qp(unsigned qp);

/* Protect n RTP packets in place on mbufs, one op each, in one enqueue /
 * dequeue cycle on the caller's queue pair (busy-polls until all are
 * back). ctx[i] is the outbound cryptodev context of m[i]; the RTP header
 * starts rtp_off[i] bytes into m[i], the packet runs to the end of the
 * mbuf, which must be one segment with tailroom for MKI and tag (appended
 * with rte_pktmbuf_append). rc[i]: 0 or an MBL_SRTP_ERR_LIST value, plus
 * -EPERM (wrong direction or not a cryptodev context), -ENOBUFS (op pool
 * empty), -ENOMEM (no GCM session), -EIO (device error). Returns how many
 * succeeded. The caller owns every mbuf before and after and must fix the
 * UDP and IP lengths and checksums afterwards (the packet grew). Owner
 * lcore of the contexts. */
uint16_t mbl_srtp_cdev_protect_burst(struct mbl_srtp_ctx **ctx, struct rte_mbuf **m,
				     uint16_t *rtp_off, uint16_t n, int *rc);
/* SRTP -> RTP, the same way: the mbufs shrink (rte_pktmbuf_trim) by tag
 * and MKI on success; on failure their bytes are undefined (drop them).
 * Several packets of one context in one burst are fine (the replay window
 * is checked again when each comes back). The caller fixes the lengths. */
uint16_t mbl_srtp_cdev_unprotect_burst(struct mbl_srtp_ctx **ctx, struct rte_mbuf **m,
				       uint16_t *rtp_off, uint16_t n, int *rc);
/* The same for RTCP <-> SRTCP (the offset is that of the RTCP header). */
uint16_t mbl_srtp_cdev_protect_rtcp_burst(struct mbl_srtp_ctx **ctx, struct rte_mbuf **m,
					  uint16_t *rtcp_off, uint16_t n, int *rc);
uint16_t mbl_srtp_cdev_unprotect_rtcp_burst(struct mbl_srtp_ctx **ctx, struct rte_mbuf **m,
					    uint16_t *rtcp_off, uint16_t n, int *rc);
/* ---- end of the cryptodev engine section -------------------------------------- */

#endif /* MBL_SRTP_H */
