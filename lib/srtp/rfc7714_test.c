/* SPDX-License-Identifier: BSD-3-Clause
 * RFC 7714 (AES-GCM for SRTP) packet vectors through the cryptodev engine,
 * with a real EAL (no hugepages, no PCI) and crypto_aesni_mb0.
 *
 * The RFC publishes its vectors with SESSION keys (no master key), so the
 * contexts here are made with MBL_SRTP_F_SESSION_KEYS: key 00 01 .. 0f
 * (AEAD_AES_128_GCM) or 00 01 .. 1f (AEAD_AES_256_GCM), salt "Quid pro quo",
 * for SRTP and SRTCP alike. What is pinned: the IV (RFC 7714 8.1, 9.1), the
 * AAD (the RTP header, 8.2; the RTCP header and the ESRTCP word, 9.2), the
 * wire order (ciphertext, tag, then E|index for SRTCP) and the tag, byte
 * for byte, both ways; a flipped bit anywhere the tag covers fails.
 *
 * Source: RFC 7714 (https://rfc-editor.org/in-notes/rfc7714.html), section
 * 16 (SRTP: 16.1.1 / 16.1.2 for 128-bit keys, 16.2.1 / 16.2.2 for 256) and
 * section 17 (SRTCP: 17.1 encrypts with 128-bit keys, 17.2 decrypts with
 * 256, 17.4 verifies a tag-only packet with 256). The bytes are the RFC's;
 * when they were written down here each packet was also recomputed once
 * with OpenSSL's AES-GCM from the RFC's key, IV and AAD, and matched. Two
 * things to know about the RFC's text:
 *  - the preamble of section 17 prints another RTCP packet (81c8000e ...
 *    4e545031 ... 0000eb98) than its subsections encrypt; the published
 *    SRTCP outputs are those of the subsections' packet (81c8000d ...
 *    4e545032 ... 0000e930), which is the one used here.
 *  - erratum 4938 (the 12-byte master salt in the KDF) concerns only key
 *    derivation, which these vectors skip.
 * GCM is deterministic, so each vector checks both ways with both key
 * sizes: protecting the plaintext must give the RFC's packet, and the RFC's
 * packet must unprotect to the plaintext.
 */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <rte_eal.h>

#include "mbl_srtp.h"

#define RTP_SSRC 0x5501a0b2u  /* RFC 7714 16: the packet's SSRC */
#define RTCP_SSRC 0x4d617273u /* RFC 7714 17: "Mars" */
#define SRTCP_INDEX 0x5d4u    /* RFC 7714 17: the 31-bit SRTCP index */
#define GCM_TAG 16
#define BUF 128

static char runtime_dir[PATH_MAX];

/* Session salt of every vector: the ASCII string "Quid pro quo". */
static const uint8_t salt_qpq[12] = {
	0x51, 0x75, 0x69, 0x64, 0x20, 0x70, 0x72, 0x6f, 0x20, 0x71, 0x75, 0x6f,
};

/* RFC 7714 16: a 12-byte header (PT 64, SEQ 0xf17b, SSRC 0x5501a0b2) and the
 * 38-byte payload "Gallia est omnis divisa in partes tres". ROC 0. */
static const uint8_t rtp_plain[50] = {
	0x80, 0x40, 0xf1, 0x7b, 0x80, 0x41, 0xf8, 0xd3,
	0x55, 0x01, 0xa0, 0xb2, 0x47, 0x61, 0x6c, 0x6c,
	0x69, 0x61, 0x20, 0x65, 0x73, 0x74, 0x20, 0x6f,
	0x6d, 0x6e, 0x69, 0x73, 0x20, 0x64, 0x69, 0x76,
	0x69, 0x73, 0x61, 0x20, 0x69, 0x6e, 0x20, 0x70,
	0x61, 0x72, 0x74, 0x65, 0x73, 0x20, 0x74, 0x72,
	0x65, 0x73,
};
/* 16.1.1 (and the input of 16.1.2): AEAD_AES_128_GCM. */
static const uint8_t srtp_128[66] = {
	0x80, 0x40, 0xf1, 0x7b, 0x80, 0x41, 0xf8, 0xd3,
	0x55, 0x01, 0xa0, 0xb2, 0xf2, 0x4d, 0xe3, 0xa3,
	0xfb, 0x34, 0xde, 0x6c, 0xac, 0xba, 0x86, 0x1c,
	0x9d, 0x7e, 0x4b, 0xca, 0xbe, 0x63, 0x3b, 0xd5,
	0x0d, 0x29, 0x4e, 0x6f, 0x42, 0xa5, 0xf4, 0x7a,
	0x51, 0xc7, 0xd1, 0x9b, 0x36, 0xde, 0x3a, 0xdf,
	0x88, 0x33, 0x89, 0x9d, 0x7f, 0x27, 0xbe, 0xb1,
	0x6a, 0x91, 0x52, 0xcf, 0x76, 0x5e, 0xe4, 0x39,
	0x0c, 0xce,
};
/* 16.2.1 (and the input of 16.2.2): AEAD_AES_256_GCM. */
static const uint8_t srtp_256[66] = {
	0x80, 0x40, 0xf1, 0x7b, 0x80, 0x41, 0xf8, 0xd3,
	0x55, 0x01, 0xa0, 0xb2, 0x32, 0xb1, 0xde, 0x78,
	0xa8, 0x22, 0xfe, 0x12, 0xef, 0x9f, 0x78, 0xfa,
	0x33, 0x2e, 0x33, 0xaa, 0xb1, 0x80, 0x12, 0x38,
	0x9a, 0x58, 0xe2, 0xf3, 0xb5, 0x0b, 0x2a, 0x02,
	0x76, 0xff, 0xae, 0x0f, 0x1b, 0xa6, 0x37, 0x99,
	0xb8, 0x7b, 0x7a, 0xa3, 0xdb, 0x36, 0xdf, 0xff,
	0xd6, 0xb0, 0xf9, 0xbb, 0x78, 0x78, 0xd7, 0xa7,
	0x6c, 0x13,
};
/* RFC 7714 17.1 to 17.4: an SR of SSRC "Mars" (the subsections' packet). */
static const uint8_t rtcp_plain[52] = {
	0x81, 0xc8, 0x00, 0x0d, 0x4d, 0x61, 0x72, 0x73,
	0x4e, 0x54, 0x50, 0x31, 0x4e, 0x54, 0x50, 0x32,
	0x52, 0x54, 0x50, 0x20, 0x00, 0x00, 0x04, 0x2a,
	0x00, 0x00, 0xe9, 0x30, 0x4c, 0x75, 0x6e, 0x61,
	0xde, 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xef,
	0xde, 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xef,
	0xde, 0xad, 0xbe, 0xef,
};
/* 17.1: AEAD_AES_128_GCM, E=1, index 0x5d4: header, ciphertext, tag, E|index. */
static const uint8_t srtcp_128[72] = {
	0x81, 0xc8, 0x00, 0x0d, 0x4d, 0x61, 0x72, 0x73,
	0x63, 0xe9, 0x48, 0x85, 0xdc, 0xda, 0xb6, 0x7c,
	0xa7, 0x27, 0xd7, 0x66, 0x2f, 0x6b, 0x7e, 0x99,
	0x7f, 0xf5, 0xc0, 0xf7, 0x6c, 0x06, 0xf3, 0x2d,
	0xc6, 0x76, 0xa5, 0xf1, 0x73, 0x0d, 0x6f, 0xda,
	0x4c, 0xe0, 0x9b, 0x46, 0x86, 0x30, 0x3d, 0xed,
	0x0b, 0xb9, 0x27, 0x5b, 0xc8, 0x4a, 0xa4, 0x58,
	0x96, 0xcf, 0x4d, 0x2f, 0xc5, 0xab, 0xf8, 0x72,
	0x45, 0xd9, 0xea, 0xde, 0x80, 0x00, 0x05, 0xd4,
};
/* 17.2 (input): AEAD_AES_256_GCM, E=1, index 0x5d4. */
static const uint8_t srtcp_256[72] = {
	0x81, 0xc8, 0x00, 0x0d, 0x4d, 0x61, 0x72, 0x73,
	0xd5, 0x0a, 0xe4, 0xd1, 0xf5, 0xce, 0x5d, 0x30,
	0x4b, 0xa2, 0x97, 0xe4, 0x7d, 0x47, 0x0c, 0x28,
	0x2c, 0x3e, 0xce, 0x5d, 0xbf, 0xfe, 0x0a, 0x50,
	0xa2, 0xea, 0xa5, 0xc1, 0x11, 0x05, 0x55, 0xbe,
	0x84, 0x15, 0xf6, 0x58, 0xc6, 0x1d, 0xe0, 0x47,
	0x6f, 0x1b, 0x6f, 0xad, 0x1d, 0x1e, 0xb3, 0x0c,
	0x44, 0x46, 0x83, 0x9f, 0x57, 0xff, 0x6f, 0x6c,
	0xb2, 0x6a, 0xc3, 0xbe, 0x80, 0x00, 0x05, 0xd4,
};
/* 17.4 (input): AEAD_AES_256_GCM, E=0 (tagged, not encrypted), index 0x5d4. */
static const uint8_t srtcp_256_tag_only[72] = {
	0x81, 0xc8, 0x00, 0x0d, 0x4d, 0x61, 0x72, 0x73,
	0x4e, 0x54, 0x50, 0x31, 0x4e, 0x54, 0x50, 0x32,
	0x52, 0x54, 0x50, 0x20, 0x00, 0x00, 0x04, 0x2a,
	0x00, 0x00, 0xe9, 0x30, 0x4c, 0x75, 0x6e, 0x61,
	0xde, 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xef,
	0xde, 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xef,
	0xde, 0xad, 0xbe, 0xef, 0x91, 0xdb, 0x4a, 0xfb,
	0xfe, 0xee, 0x5a, 0x97, 0x8f, 0xab, 0x43, 0x93,
	0xed, 0x26, 0x15, 0xfe, 0x00, 0x00, 0x05, 0xd4,
};

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int eal_setup(void **state)
{
	char prefix[64], err[200];
	char *argv[] = {"rfc7714_test", "--no-huge", "-m", "256", "--no-pci",
			"--vdev", "crypto_aesni_mb0", "-l", "0", "--file-prefix", prefix,
			"--log-level", "error"};

	(void)state;
	snprintf(prefix, sizeof(prefix), "mbl-rfc7714-%d", (int)getpid());
	if (rte_eal_init((int)(sizeof(argv) / sizeof(argv[0])), argv) < 0) {
		fprintf(stderr, "rfc7714_test: rte_eal_init failed (vdev crypto_aesni_mb0 not "
				"available? is librte_crypto_ipsec_mb installed?)\n");
		return -1;
	}
	snprintf(runtime_dir, sizeof(runtime_dir), "%s", rte_eal_get_runtime_dir());
	if (mbl_srtp_cdev_init("crypto_aesni_mb0", 1, 64, err, sizeof(err)) != 0) {
		fprintf(stderr, "rfc7714_test: cannot set up crypto_aesni_mb0: %s\n", err);
		return -1;
	}
	return 0;
}

static int eal_teardown(void **state)
{
	struct stat st;

	(void)state;
	mbl_srtp_cdev_fini();
	rte_eal_cleanup();
	if (runtime_dir[0] != '\0' && stat(runtime_dir, &st) == 0)
		nftw(runtime_dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	return stat(runtime_dir, &st) == 0 ? -1 : 0;
}

/* The vectors' session key: 00 01 02 .. (16 or 32 bytes). */
static void session_key(struct mbl_srtp_key *k, enum mbl_srtp_suite s)
{
	memset(k, 0, sizeof(*k));
	k->suite = s;
	for (unsigned int i = 0; i < sizeof(k->key); i++)
		k->key[i] = (uint8_t)i; /* bytes past the suite's key length are unused */
	memcpy(k->salt, salt_qpq, sizeof(salt_qpq));
}

static struct mbl_srtp_ctx *open_kat(enum mbl_srtp_suite s, uint32_t ssrc, bool out)
{
	struct mbl_srtp_key k;
	struct mbl_srtp_ctx *c;
	char err[200];

	session_key(&k, s);
	c = mbl_srtp_ctx_create_opts(MBL_SRTP_ENGINE_CRYPTODEV, &k, ssrc, out,
				     MBL_SRTP_F_SESSION_KEYS, err, sizeof(err));
	if (c == NULL)
		fail_msg("suite %d: %s", (int)s, err);
	return c;
}

/* Bytes the tag covers, one bit each: the clear header (AAD: byte 1, the
 * payload type, which neither the index nor the SSRC check reads), the
 * first ciphertext byte and the last tag byte; then the genuine packet still
 * verifies (a failure leaves no trace in the replay state) and gives the
 * plaintext. prot: the protected packet, tag_end: where its tag ends. */
static void unprotect_check(struct mbl_srtp_ctx *rx, const uint8_t *prot, uint32_t prot_len,
			    uint32_t tag_end, uint32_t hdr_len, const uint8_t *plain,
			    uint32_t plain_len, bool rtcp)
{
	const uint32_t flips[] = {1, hdr_len, tag_end - 1};
	uint8_t buf[BUF];
	uint32_t len;

	for (unsigned int i = 0; i < sizeof(flips) / sizeof(flips[0]); i++) {
		memcpy(buf, prot, prot_len);
		buf[flips[i]] ^= 0x01;
		len = prot_len;
		assert_int_equal(rtcp ? mbl_srtp_unprotect_rtcp(rx, buf, &len)
				      : mbl_srtp_unprotect(rx, buf, &len), -EBADMSG);
		assert_int_equal(len, prot_len);
	}
	memcpy(buf, prot, prot_len);
	len = prot_len;
	assert_int_equal(rtcp ? mbl_srtp_unprotect_rtcp(rx, buf, &len)
			      : mbl_srtp_unprotect(rx, buf, &len), 0);
	assert_int_equal(len, plain_len);
	assert_memory_equal(buf, plain, plain_len);
	memcpy(buf, prot, prot_len); /* and only once */
	len = prot_len;
	assert_int_equal(rtcp ? mbl_srtp_unprotect_rtcp(rx, buf, &len)
			      : mbl_srtp_unprotect(rx, buf, &len), -EALREADY);
}

/* RFC 7714 16.x.1 and 16.x.2: the first packet of the stream, so ROC 0 and
 * the index is SEQ 0xf17b, as the RFC's IV has it. */
static void srtp_vector(enum mbl_srtp_suite s, const uint8_t *want, uint32_t want_len)
{
	struct mbl_srtp_ctx *tx = open_kat(s, RTP_SSRC, true);
	struct mbl_srtp_ctx *rx = open_kat(s, RTP_SSRC, false);
	uint8_t buf[BUF];
	uint32_t len = sizeof(rtp_plain);

	memcpy(buf, rtp_plain, sizeof(rtp_plain));
	assert_int_equal(mbl_srtp_protect(tx, buf, &len, sizeof(buf)), 0);
	assert_int_equal(len, want_len);
	assert_memory_equal(buf, want, want_len);
	unprotect_check(rx, want, want_len, want_len, 12, rtp_plain, sizeof(rtp_plain), false);
	mbl_srtp_ctx_free(tx);
	mbl_srtp_ctx_free(rx);
}

static void test_srtp_128(void **state)
{
	(void)state;
	srtp_vector(MBL_SRTP_AEAD_AES_128_GCM, srtp_128, sizeof(srtp_128));
}

static void test_srtp_256(void **state)
{
	(void)state;
	srtp_vector(MBL_SRTP_AEAD_AES_256_GCM, srtp_256, sizeof(srtp_256));
}

/* RFC 7714 17.1 / 17.2: index 0x5d4 with E set. Our sender numbers SRTCP
 * from 1 as libsrtp does and has no way to jump ahead, so it sends 0x5d3
 * packets first (a few milliseconds); the receiver takes 0x5d4 as its
 * first index. */
static void srtcp_vector(enum mbl_srtp_suite s, const uint8_t *want, uint32_t want_len)
{
	struct mbl_srtp_ctx *tx = open_kat(s, RTCP_SSRC, true);
	struct mbl_srtp_ctx *rx = open_kat(s, RTCP_SSRC, false);
	uint8_t buf[BUF];
	uint32_t len;

	for (uint32_t i = 1; i <= SRTCP_INDEX; i++) {
		memcpy(buf, rtcp_plain, sizeof(rtcp_plain));
		len = sizeof(rtcp_plain);
		assert_int_equal(mbl_srtp_protect_rtcp(tx, buf, &len, sizeof(buf)), 0);
	}
	assert_int_equal(len, want_len);
	assert_memory_equal(buf, want, want_len);
	unprotect_check(rx, want, want_len, want_len - 4, 8, rtcp_plain, sizeof(rtcp_plain),
			true);
	mbl_srtp_ctx_free(tx);
	mbl_srtp_ctx_free(rx);
}

static void test_srtcp_128(void **state)
{
	(void)state;
	srtcp_vector(MBL_SRTP_AEAD_AES_128_GCM, srtcp_128, sizeof(srtcp_128));
}

static void test_srtcp_256(void **state)
{
	(void)state;
	srtcp_vector(MBL_SRTP_AEAD_AES_256_GCM, srtcp_256, sizeof(srtcp_256));
}

/* RFC 7714 17.4 is a valid tag-only packet (E clear, 9.3), but an encrypting
 * suite's receiver refuses E clear before any crypto (the downgrade check
 * of srtp_cdev_pkt.c, as libsrtp 2.5): -EINVAL, packet untouched. */
static void test_srtcp_tag_only_refused(void **state)
{
	struct mbl_srtp_ctx *rx = open_kat(MBL_SRTP_AEAD_AES_256_GCM, RTCP_SSRC, false);
	uint8_t buf[BUF];
	uint32_t len = sizeof(srtcp_256_tag_only);

	(void)state;
	memcpy(buf, srtcp_256_tag_only, len);
	assert_int_equal(mbl_srtp_unprotect_rtcp(rx, buf, &len), -EINVAL);
	assert_int_equal(len, sizeof(srtcp_256_tag_only));
	assert_memory_equal(buf, srtcp_256_tag_only, len);
	mbl_srtp_ctx_free(rx);
}

/* The flag is what skips the KDF: without it the same bytes are a master
 * key and the packet differs. libsrtp and the HMAC suites refuse it. */
static void test_flag_scope(void **state)
{
	struct mbl_srtp_key k;
	struct mbl_srtp_ctx *c;
	uint8_t buf[BUF];
	uint32_t len = sizeof(rtp_plain);
	char err[200];

	(void)state;
	session_key(&k, MBL_SRTP_AEAD_AES_128_GCM);
	c = mbl_srtp_ctx_create(MBL_SRTP_ENGINE_CRYPTODEV, &k, RTP_SSRC, true, err, sizeof(err));
	assert_non_null(c);
	memcpy(buf, rtp_plain, len);
	assert_int_equal(mbl_srtp_protect(c, buf, &len, sizeof(buf)), 0);
	assert_int_equal(len, sizeof(srtp_128));
	assert_memory_not_equal(buf + 12, srtp_128 + 12, len - 12);
	mbl_srtp_ctx_free(c);

	for (int out = 0; out < 2; out++) {
		errno = 0;
		assert_null(mbl_srtp_ctx_create_opts(MBL_SRTP_ENGINE_LIBSRTP, &k, RTP_SSRC, out,
						     MBL_SRTP_F_SESSION_KEYS, err, sizeof(err)));
		assert_int_equal(errno, ENOTSUP);
		assert_non_null(strstr(err, "master keys only"));
	}
	session_key(&k, MBL_SRTP_AES_CM_128_HMAC_SHA1_80);
	errno = 0;
	assert_null(mbl_srtp_ctx_create_opts(MBL_SRTP_ENGINE_CRYPTODEV, &k, RTP_SSRC, true,
					     MBL_SRTP_F_SESSION_KEYS, err, sizeof(err)));
	assert_int_equal(errno, ENOTSUP);
	assert_non_null(strstr(err, "AEAD suites only"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_srtp_128),
		cmocka_unit_test(test_srtp_256),
		cmocka_unit_test(test_srtcp_128),
		cmocka_unit_test(test_srtcp_256),
		cmocka_unit_test(test_srtcp_tag_only_refused),
		cmocka_unit_test(test_flag_scope),
	};

	return cmocka_run_group_tests(tests, eal_setup, eal_teardown);
}
