/* SPDX-License-Identifier: BSD-3-Clause
 * The SRTP key derivation function with key_derivation_rate 0 (RFC 3711
 * 4.3.1): x = master_salt XOR (label * 2^48), a 112-bit value; the session
 * key for that label is the AES-CM keystream (4.3.3) of the master key with
 * IV = x * 2^16. The PRF cipher has the master key's size: AES-128 for
 * RFC 3711, AES_192_CM_PRF / AES_256_CM_PRF for RFC 6188 5.1, and the same
 * for the GCM suites (RFC 7714 11), whose 96-bit master salt becomes the
 * 112-bit x by multiplying it by 2^16 (RFC 7714 erratum 4938, what libsrtp
 * does).
 */
#include <errno.h>
#include <string.h>

#include "srtp_frame.h"

#define KDF_LABEL_MAX MBL_SRTP_LABEL_RTCP_SALT
#define KDF_SALT_BYTES 14 /* x is 112 bits */

int mbl_srtp_kdf(const struct mbl_srtp_key *k, uint8_t label, uint8_t *out, size_t out_len)
{
	const struct mbl_srtp_suite_info *s = mbl_srtp_suite_get(k->suite);
	struct mbl_srtp_aes prf;
	uint8_t iv[MBL_SRTP_AES_BLOCK] = {0};
	int rc;

	if (s == NULL || label > KDF_LABEL_MAX || out_len == 0 || out_len > MBL_SRTP_KDF_MAX_OUT)
		return -EINVAL;
	if (s->salt_len > KDF_SALT_BYTES)
		return -EINVAL;
	rc = mbl_srtp_aes_init(&prf, k->key, s->key_len);
	if (rc < 0)
		return rc;
	/* iv[0..13] = x (a shorter salt is padded with zero bytes on the
	 * right, i.e. multiplied by 2^16); label * 2^48 of the 112-bit x is
	 * byte 13 - 6 = 7; iv[14..15] = 0 is the block counter. */
	memcpy(iv, k->salt, s->salt_len);
	iv[7] ^= label;
	memset(out, 0, out_len);
	rc = mbl_srtp_aes_cm_xor(&prf, iv, out, out_len);
	mbl_srtp_aes_wipe(&prf);
	explicit_bzero(iv, sizeof(iv));
	return rc;
}
