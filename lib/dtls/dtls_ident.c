/* SPDX-License-Identifier: BSD-3-Clause
 * The DTLS identity: one ECDSA P-256 key and a self-signed certificate for
 * it (RFC 5763 5: self-signed is the norm, the fingerprint in the SDP is
 * what the peer trusts), and fingerprints in the a=fingerprint form of
 * RFC 8122 5 ("sha-256 AB:CD:..", hex upper case, ':' between bytes).
 *
 * Made once per run: a key generation and a signature (about a
 * millisecond), then read-only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "dtls_priv.h"

/* ---- hashes and the fingerprint text --------------------------------------------- */

struct md_info {
	const char *sdp;
	const char *ossl;
	unsigned len;
};

#define MD_ROW_(sdp, ossl, len) { sdp, ossl, len },
static const struct md_info mds[MBL_DTLS_MD_N] = { MBL_DTLS_MD_LIST(MD_ROW_) };
#undef MD_ROW_

int mbl_dtls_md_find(const char *alg)
{
	if (alg == NULL)
		return -1;
	for (int i = 0; i < MBL_DTLS_MD_N; i++)
		if (strcasecmp(alg, mds[i].sdp) == 0)
			return i;
	return -1;
}

unsigned mbl_dtls_md_len(int md)
{
	return mds[md].len;
}

const char *mbl_dtls_md_ossl_name(int md)
{
	return mds[md].ossl;
}

int mbl_dtls_fp_format(const uint8_t *md, unsigned n, char *out, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t need = n ? 3 * (size_t)n : 1; /* "AB:" per byte, the last ':' is the NUL */

	if (len < need)
		return -ENOSPC;
	for (unsigned i = 0; i < n; i++) {
		out[3 * i] = hex[md[i] >> 4];
		out[3 * i + 1] = hex[md[i] & 0xf];
		out[3 * i + 2] = ':';
	}
	out[need - 1] = '\0';
	return (int)(need - 1);
}

static int hex_val(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* RFC 8122 5: fingerprint = 2UHEX *(":" 2UHEX); RFC 4572 already asked
 * receivers to take lower case too, which some peers send. */
int mbl_dtls_fp_parse(const char *fp, uint8_t *out, size_t cap)
{
	size_t n = 0;

	if (fp == NULL)
		return -EINVAL;
	for (;;) {
		int hi = hex_val(fp[0]), lo = hi < 0 ? -1 : hex_val(fp[1]);

		if (lo < 0 || n == cap)
			return -EINVAL;
		out[n++] = (uint8_t)(hi << 4 | lo);
		if (fp[2] == '\0')
			return (int)n;
		if (fp[2] != ':')
			return -EINVAL;
		fp += 3;
	}
}

static int cert_fingerprint(X509 *cert, const EVP_MD *md, char *out, size_t len)
{
	uint8_t dg[EVP_MAX_MD_SIZE];
	unsigned n = 0;
	int rc;

	if (X509_digest(cert, md, dg, &n) != 1) {
		ERR_clear_error();
		return -EIO;
	}
	rc = mbl_dtls_fp_format(dg, n, out, len);
	return rc;
}

/* ---- identity ---------------------------------------------------------------------- */

static void ossl_err(char *err, size_t errlen, const char *what)
{
	unsigned long e = ERR_get_error();
	const char *r = e ? ERR_reason_error_string(e) : NULL;

	snprintf(err, errlen, "dtls identity: %s failed%s%s", what, r ? ": " : "", r ? r : "");
	ERR_clear_error();
}

/* RFC 5280 4.1.2.2: a positive serial of at most 20 bytes; 16 random
 * bytes with the top bit clear. */
static int cert_serial(X509 *x)
{
	uint8_t r[16];
	BIGNUM *bn;
	int ok;

	if (RAND_bytes(r, sizeof(r)) != 1)
		return 0;
	r[0] &= 0x7f;
	r[0] |= 0x01; /* never a shorter serial than asked for */
	bn = BN_bin2bn(r, sizeof(r), NULL);
	ok = bn != NULL && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;
	BN_free(bn);
	return ok;
}

/* CN "mediablast", issuer = subject, valid from an hour ago (peers with a
 * clock a little behind ours) for 30 days, signed with SHA-256. */
static X509 *cert_make(EVP_PKEY *key)
{
	X509 *x = X509_new();
	X509_NAME *nm;

	if (x == NULL)
		return NULL;
	nm = X509_get_subject_name(x);
	if (X509_set_version(x, X509_VERSION_3) != 1 || !cert_serial(x) ||
	    X509_gmtime_adj(X509_getm_notBefore(x), -3600) == NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(x), 30L * 86400) == NULL ||
	    X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC,
				       (const unsigned char *)"mediablast", -1, -1, 0) != 1 ||
	    X509_set_issuer_name(x, nm) != 1 || X509_set_pubkey(x, key) != 1 ||
	    X509_sign(x, key, EVP_sha256()) == 0) {
		X509_free(x);
		return NULL;
	}
	return x;
}

struct mbl_dtls_ident *mbl_dtls_ident_create(char *err, size_t errlen)
{
	struct mbl_dtls_ident *id = calloc(1, sizeof(*id));

	ERR_clear_error();
	if (id == NULL) {
		snprintf(err, errlen, "dtls identity: out of memory");
		errno = ENOMEM;
		return NULL;
	}
	id->key = EVP_EC_gen("P-256");
	if (id->key == NULL) {
		ossl_err(err, errlen, "P-256 key generation");
		goto fail;
	}
	id->cert = cert_make(id->key);
	if (id->cert == NULL) {
		ossl_err(err, errlen, "self-signed certificate");
		goto fail;
	}
	if (cert_fingerprint(id->cert, EVP_sha256(), id->fp, sizeof(id->fp)) < 0) {
		ossl_err(err, errlen, "certificate digest");
		goto fail;
	}
	return id;
fail:
	mbl_dtls_ident_free(id);
	errno = EIO;
	return NULL;
}

void mbl_dtls_ident_free(struct mbl_dtls_ident *id)
{
	if (id == NULL)
		return;
	X509_free(id->cert);
	EVP_PKEY_free(id->key);
	free(id);
}

const char *mbl_dtls_ident_fingerprint(const struct mbl_dtls_ident *id)
{
	return id->fp;
}

int mbl_dtls_ident_fingerprint_alg(const struct mbl_dtls_ident *id, const char *alg, char *out,
				   size_t len)
{
	int md = mbl_dtls_md_find(alg);
	EVP_MD *m;
	int rc;

	if (md < 0)
		return -EINVAL;
	if (len < 3 * mbl_dtls_md_len(md))
		return -ENOSPC;
	m = EVP_MD_fetch(NULL, mbl_dtls_md_ossl_name(md), NULL);
	if (m == NULL) {
		ERR_clear_error();
		return -EIO;
	}
	rc = cert_fingerprint(id->cert, m, out, len);
	EVP_MD_free(m);
	return rc;
}
