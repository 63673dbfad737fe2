/* SPDX-License-Identifier: BSD-3-Clause
 * Helpers shared by the lib/sdp cmocka tests: two local configs with
 * known keys and fingerprints (an offerer "A" and an answerer "B"), the
 * base64 of each key worked out independently of lib/srtp (Python's
 * base64 module), and line checks on SDP text. Include after cmocka.h.
 */
#ifndef SDP_TEST_UTIL_H
#define SDP_TEST_UTIL_H

#include <stdio.h>
#include <string.h>

#include "mbl_sdp.h"

/* Offerer keys: tag 1 AES_256_CM_HMAC_SHA1_80 (key 0x40.., salt 0x70..),
 * tag 2 AES_CM_128_HMAC_SHA1_80 (key 0x01.., salt 0x20..). */
#define KEY_A256_B64 "QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl9wcXJzdHV2d3h5ent8fQ=="
#define KEY_A128_B64 "AQIDBAUGBwgJCgsMDQ4PECAhIiMkJSYnKCkqKywt"
/* Answerer keys: AES_CM_128_HMAC_SHA1_80 (key 0xa0.., salt 0xc0..),
 * AEAD_AES_128_GCM (key 0x10.., salt 0xe0..). */
#define KEY_B128_B64 "oKGio6SlpqeoqaqrrK2ur8DBwsPExcbHyMnKy8zN"
#define KEY_BGCM_B64 "EBESExQVFhcYGRobHB0eH+Dh4uPk5ebn6Onq6w=="

/* sha-256 of the strings "offerer cert" and "answerer cert". */
#define FP_A                                                                   \
	"8C:9E:C2:AD:5A:62:9E:75:9E:BC:20:52:CA:45:52:4B:1C:73:84:52:93:07:F5:66:" \
	"6F:67:87:F1:7D:D0:AC:D8"
#define FP_B                                                                   \
	"7D:BE:70:18:A6:39:06:9A:B7:85:4B:4D:2D:BD:22:0B:C3:C0:89:86:36:7D:82:12:" \
	"08:F3:3B:DF:C6:A7:5B:FB"

static inline void tkey(struct mbl_srtp_key *k, enum mbl_srtp_suite s, uint8_t kb, uint8_t sb)
{
	unsigned i;

	memset(k, 0, sizeof(*k));
	k->suite = s;
	for (i = 0; i < MBL_SRTP_MAX_KEY; i++)
		k->key[i] = (uint8_t)(kb + i);
	for (i = 0; i < MBL_SRTP_MAX_SALT; i++)
		k->salt[i] = (uint8_t)(sb + i);
}

static inline void tcodec(struct mbl_sdp_codec *c, const char *name, uint8_t pt, uint32_t clock,
			  uint8_t ch, const char *fmtp)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->pt = pt;
	c->clock = clock;
	c->channels = ch;
	snprintf(c->fmtp, sizeof(c->fmtp), "%s", fmtp);
}

/* The offerer: opus/111, PCMU, PCMA; DTMF 101; two keys; FP_A. */
static inline void local_a(struct mbl_sdp_local *l, enum mbl_sdp_enc e, enum mbl_sdp_policy p,
			   bool avpf, bool mux)
{
	memset(l, 0, sizeof(*l));
	l->enc = e;
	l->policy = p;
	l->avpf = avpf;
	l->rtcp_mux = mux;
	snprintf(l->addr, sizeof(l->addr), "198.18.0.1");
	l->port = 4000;
	l->sess_id = 1001;
	l->sess_ver = 1;
	snprintf(l->user, sizeof(l->user), "mbl-a");
	tcodec(&l->codecs[0], "opus", 111, 48000, 2, "useinbandfec=1");
	tcodec(&l->codecs[1], "PCMU", 0, 8000, 1, "");
	tcodec(&l->codecs[2], "PCMA", 8, 8000, 1, "");
	l->n_codecs = 3;
	l->ptime = 20;
	l->dtmf_pt = 101;
	tkey(&l->crypto[0], MBL_SRTP_AES_256_CM_HMAC_SHA1_80, 0x40, 0x70);
	tkey(&l->crypto[1], MBL_SRTP_AES_CM_128_HMAC_SHA1_80, 0x01, 0x20);
	l->n_crypto = 2;
	snprintf(l->fingerprint, sizeof(l->fingerprint), "%s", FP_A);
	l->dir = MBL_SDP_DIR_SENDRECV;
}

/* The answerer: PCMA, PCMU, opus/96 (other order, other PT); DTMF 100;
 * keys AES_CM_128_HMAC_SHA1_80 and AEAD_AES_128_GCM; FP_B; rtcp-mux on. */
static inline void local_b(struct mbl_sdp_local *l, enum mbl_sdp_enc e, enum mbl_sdp_policy p,
			   bool avpf)
{
	memset(l, 0, sizeof(*l));
	l->enc = e;
	l->policy = p;
	l->avpf = avpf;
	l->rtcp_mux = true;
	snprintf(l->addr, sizeof(l->addr), "198.18.0.2");
	l->port = 6000;
	l->sess_id = 2002;
	l->sess_ver = 7;
	snprintf(l->user, sizeof(l->user), "mbl-b");
	tcodec(&l->codecs[0], "PCMA", 8, 8000, 1, "");
	tcodec(&l->codecs[1], "PCMU", 0, 8000, 1, "");
	tcodec(&l->codecs[2], "OPUS", 96, 48000, 2, "minptime=10");
	l->n_codecs = 3;
	l->ptime = 30;
	l->dtmf_pt = 100;
	tkey(&l->crypto[0], MBL_SRTP_AES_CM_128_HMAC_SHA1_80, 0xa0, 0xc0);
	tkey(&l->crypto[1], MBL_SRTP_AEAD_AES_128_GCM, 0x10, 0xe0);
	l->n_crypto = 2;
	snprintf(l->fingerprint, sizeof(l->fingerprint), "%s", FP_B);
	l->dir = MBL_SDP_DIR_SENDRECV;
}

/* sdp has exactly this line (CRLF-terminated) somewhere. */
static inline bool has_line(const char *sdp, const char *line)
{
	size_t n = strlen(line);
	const char *p = sdp;

	while ((p = strstr(p, line)) != NULL) {
		if ((p == sdp || p[-1] == '\n') && p[n] == '\r' && p[n + 1] == '\n')
			return true;
		p++;
	}
	return false;
}

/* Lines that start with prefix. */
static inline int count_prefix(const char *sdp, const char *prefix)
{
	const char *p = sdp;
	int n = 0;

	for (; *p != '\0'; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p))
		if (strncmp(p, prefix, strlen(prefix)) == 0)
			n++;
	return n;
}

/* No key of ours, nor an 8-character piece of one, appears in s. */
static inline bool key_free(const char *s)
{
	static const char *const keys[] = {KEY_A256_B64, KEY_A128_B64, KEY_B128_B64,
					   KEY_BGCM_B64};
	unsigned i, off;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		for (off = 0; off + 8 <= strlen(keys[i]); off += 4) {
			char piece[9];

			memcpy(piece, keys[i] + off, 8);
			piece[8] = '\0';
			if (strstr(s, piece) != NULL)
				return false;
		}
	return true;
}

static inline bool key_equal(const struct mbl_srtp_key *a, const struct mbl_srtp_key *b)
{
	const struct mbl_srtp_suite_info *s = mbl_srtp_suite_get(a->suite);

	return s != NULL && a->suite == b->suite && memcmp(a->key, b->key, s->key_len) == 0 &&
	       memcmp(a->salt, b->salt, s->salt_len) == 0 && a->lifetime == b->lifetime &&
	       a->mki_len == b->mki_len && a->mki == b->mki;
}

/* Parse a NUL-terminated SDP; 0 or the error. */
static inline int tparse(const char *sdp, struct mbl_sdp_remote *r, char *err, size_t errlen)
{
	return mbl_sdp_parse(sdp, strlen(sdp), r, err, errlen);
}

#endif /* SDP_TEST_UTIL_H */
