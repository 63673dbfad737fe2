/* SPDX-License-Identifier: BSD-3-Clause
 * The two checksums of STUN: CRC-32 for FINGERPRINT (RFC 8489 14.7) and
 * HMAC-SHA1 for MESSAGE-INTEGRITY (RFC 8489 14.5).
 *
 * CRC-32: DPDK's rte_net_crc_calc(RTE_NET_CRC32_ETH) computes the same
 * CRC, but without EAL it logs to stderr on first use and picks its
 * implementation lazily through a global; a STUN message is a hundred
 * bytes or so, for which a 16-entry table (two lookups per byte) is quick
 * enough, and the module stays free of DPDK (its tests need no EAL).
 *
 * HMAC: libcrypto's EVP_MAC. The HMAC algorithm is fetched once (a
 * provider lookup takes locks); each message then costs one EVP_MAC_CTX,
 * which OpenSSL allocates and frees inside the call.
 */
#include <errno.h>
#include <pthread.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "stun_priv.h"

/* Reflected polynomial 0xEDB88320, one entry per nibble. */
static const uint32_t crc_nibble[16] = {
	0x00000000, 0x1DB71064, 0x3B6E20C8, 0x26D930AC, 0x76DC4190, 0x6B6B51F4,
	0x4DB26158, 0x5005713C, 0xEDB88320, 0xF00F9344, 0xD6D6A3E8, 0xCB61B38C,
	0x9B64C2B0, 0x86D3D2D4, 0xA00AE278, 0xBDBDF21C,
};

uint32_t mbl_stun_crc32(const uint8_t *buf, size_t len)
{
	uint32_t crc = 0xFFFFFFFFu;

	for (size_t i = 0; i < len; i++) {
		crc ^= buf[i];
		crc = (crc >> 4) ^ crc_nibble[crc & 15];
		crc = (crc >> 4) ^ crc_nibble[crc & 15];
	}
	return ~crc;
}

static EVP_MAC *hmac_alg;
static pthread_once_t hmac_once = PTHREAD_ONCE_INIT;

static void hmac_fetch(void)
{
	hmac_alg = EVP_MAC_fetch(NULL, OSSL_MAC_NAME_HMAC, NULL);
}

int mbl_stun_hmac_sha1(const uint8_t *key, size_t key_len, const uint8_t *a, size_t alen,
		       const uint8_t *b, size_t blen, uint8_t out[MBL_STUN_MI_LEN])
{
	static const uint8_t empty[1];
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA1", 0),
		OSSL_PARAM_construct_end(),
	};
	EVP_MAC_CTX *ctx;
	size_t n = 0;
	int ok;

	pthread_once(&hmac_once, hmac_fetch);
	if (hmac_alg == NULL || (ctx = EVP_MAC_CTX_new(hmac_alg)) == NULL)
		return -EIO;
	/* an empty key is a valid HMAC key; OpenSSL wants a pointer for it */
	ok = EVP_MAC_init(ctx, key_len ? key : empty, key_len, params) &&
	     EVP_MAC_update(ctx, a, alen) && EVP_MAC_update(ctx, b, blen) &&
	     EVP_MAC_final(ctx, out, &n, MBL_STUN_MI_LEN) && n == MBL_STUN_MI_LEN;
	EVP_MAC_CTX_free(ctx);
	return ok ? 0 : -EIO;
}
