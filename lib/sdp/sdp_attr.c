/* SPDX-License-Identifier: BSD-3-Clause
 * Values of the SDP attributes we read: a=rtpmap and a=fmtp (RFC 4566 6),
 * a=rtcp (RFC 3605), a=rtcp-fb (RFC 4585 4.2), a=setup (RFC 4145 4),
 * a=crypto (RFC 4568 9.1, keys through lib/srtp) and a=fingerprint
 * (RFC 8122 5). Pure functions of the value text; messages never quote a
 * crypto key.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sdp_priv.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static const char *skip_blank(const char *s)
{
	while (is_blank(*s))
		s++;
	return s;
}

int mbl_sdp_parse_uint(const char *s, size_t n, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	if (n == 0 || n > 20)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (d > 9 || x > (max - d) / 10)
			return -EINVAL;
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}

int mbl_sdp_copy_trim(char *dst, size_t cap, const char *s, size_t n)
{
	while (n > 0 && is_blank(*s)) {
		s++;
		n--;
	}
	while (n > 0 && (is_blank(s[n - 1]) || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	if (n >= cap)
		return -ENOSPC;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return (int)n;
}

/* A leading payload type ("96 ..."), the blank after it skipped. */
static int lead_pt(const char **v, unsigned *pt)
{
	const char *s = skip_blank(*v);
	size_t n = strspn(s, "0123456789");
	uint64_t x;

	if (mbl_sdp_parse_uint(s, n, 127, &x) < 0 || !is_blank(s[n]))
		return -EINVAL;
	*pt = (unsigned)x;
	*v = skip_blank(s + n);
	return 0;
}

/* ---- a=rtpmap / a=fmtp / a=rtcp / a=rtcp-fb / a=setup ------------------------------ */

int mbl_sdp_attr_rtpmap(const char *v, unsigned *pt, struct mbl_sdp_codec *c)
{
	size_t n;
	uint64_t x;

	memset(c, 0, sizeof(*c));
	if (lead_pt(&v, pt) < 0)
		return -EINVAL;
	n = strcspn(v, "/ \t");
	if (v[n] != '/' || mbl_sdp_copy_trim(c->name, sizeof(c->name), v, n) <= 0)
		return -EINVAL;
	v += n + 1;
	n = strspn(v, "0123456789");
	if (mbl_sdp_parse_uint(v, n, UINT32_MAX, &x) < 0 || x == 0)
		return -EINVAL;
	c->clock = (uint32_t)x;
	c->channels = 1;
	v += n;
	if (*v == '/') {
		n = strspn(++v, "0123456789");
		if (mbl_sdp_parse_uint(v, n, 255, &x) < 0 || x == 0)
			return -EINVAL;
		c->channels = (uint8_t)x;
		v += n;
	}
	/* Some endpoints write G722's sampling rate; RFC 3551 4.5.2 fixes 8000. */
	if (strcasecmp(c->name, "G722") == 0 && c->clock == 16000)
		c->clock = 8000;
	c->pt = (uint8_t)*pt;
	return *skip_blank(v) == '\0' ? 0 : -EINVAL;
}

int mbl_sdp_attr_fmtp(const char *v, unsigned *pt, char *params, size_t cap)
{
	size_t n;

	if (lead_pt(&v, pt) < 0)
		return -EINVAL;
	n = strlen(v);
	/* Too long: keep whole ';'-separated parameters that fit. */
	while (mbl_sdp_copy_trim(params, cap, v, n) < 0) {
		const char *semi = memrchr(v, ';', n);

		if (semi == NULL) {
			params[0] = '\0';
			return 0;
		}
		n = (size_t)(semi - v);
	}
	return 0;
}

int mbl_sdp_attr_rtcp(const char *v, uint16_t *port)
{
	const char *s = skip_blank(v);
	size_t n = strspn(s, "0123456789");
	uint64_t x;

	if (mbl_sdp_parse_uint(s, n, 65535, &x) < 0 || x == 0 ||
	    (s[n] != '\0' && !is_blank(s[n])))
		return -EINVAL;
	*port = (uint16_t)x;
	return 0;
}

unsigned mbl_sdp_attr_rtcp_fb(const char *v)
{
	char type[16] = "", sub[16] = "";
	const char *s = skip_blank(v);
	size_t n = strcspn(s, " \t");

	if (n == 0 || s[n] == '\0')
		return 0; /* no "<pt|*> <type>" */
	s = skip_blank(s + n);
	n = strcspn(s, " \t");
	if (mbl_sdp_copy_trim(type, sizeof(type), s, n) <= 0)
		return MBL_SDP_FB_OTHER;
	s = skip_blank(s + n);
	n = strcspn(s, " \t");
	if (mbl_sdp_copy_trim(sub, sizeof(sub), s, n) < 0)
		return MBL_SDP_FB_OTHER;
	if (strcasecmp(type, "nack") == 0 && sub[0] == '\0')
		return MBL_SDP_FB_NACK;
	if (strcasecmp(type, "nack") == 0 && strcasecmp(sub, "pli") == 0)
		return MBL_SDP_FB_PLI;
	if (strcasecmp(type, "ccm") == 0 && strcasecmp(sub, "fir") == 0)
		return MBL_SDP_FB_FIR;
	return MBL_SDP_FB_OTHER;
}

int mbl_sdp_attr_setup(const char *v)
{
	char w[16];
	int i;

	if (v == NULL || mbl_sdp_copy_trim(w, sizeof(w), v, strlen(v)) <= 0)
		return -EPROTO;
	for (i = MBL_SDP_SETUP_ACTPASS; i < MBL_SDP_SETUP_MAX; i++)
		if (strcasecmp(w, mbl_sdp_setup_name((enum mbl_sdp_setup)i)) == 0)
			return i;
	return -EPROTO;
}

/* ---- a=crypto ------------------------------------------------------------------ */

int mbl_sdp_attr_crypto(const char *v, struct mbl_srtp_crypto_attr *a, int *tag, char *err,
			size_t errlen)
{
	char suite[32], e[128] = "";
	const char *s = skip_blank(v);
	size_t n = strspn(s, "0123456789");
	uint64_t x;

	*tag = -1;
	/* RFC 4568 9.1: tag = 1*9DIGIT, and SDP needs it to answer. */
	if (n > 9 || mbl_sdp_parse_uint(s, n, 999999999, &x) < 0 || !is_blank(s[n])) {
		snprintf(err, errlen, "a=crypto without a valid tag (want 1 to 9 digits)");
		return 1;
	}
	*tag = (int)x;
	s = skip_blank(s + n);
	n = strcspn(s, " \t");
	if (mbl_sdp_copy_trim(suite, sizeof(suite), s, n) <= 0 ||
	    mbl_srtp_suite_find(suite) == NULL) {
		/* 7.1.2: a suite we do not know is one candidate less */
		snprintf(err, errlen, "a=crypto tag %d: unknown crypto suite", *tag);
		return 1;
	}
	if (mbl_srtp_sdes_parse(v, a, e, sizeof(e)) < 0) {
		/* A bad key, session parameters or several keys: this line is
		 * unusable, the others may be fine (rtpengine offers a dozen). */
		snprintf(err, errlen, "a=crypto tag %d: %s", *tag, e);
		return 1;
	}
	return 0;
}

/* ---- a=fingerprint ----------------------------------------------------------- */

/* Hashes we accept and their digest sizes (RFC 8122 5 lists the names). */
static int fp_hash_len(const char *alg)
{
	static const struct {
		const char *name;
		int len;
	} tab[] = {{"sha-1", 20}, {"sha-224", 28}, {"sha-256", 32}, {"sha-384", 48}, {"sha-512", 64}};
	unsigned i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (strcmp(tab[i].name, alg) == 0)
			return tab[i].len;
	return -1;
}

/* "AB:CD:.." with exactly want bytes, any case; fp gets upper case. */
static int fp_hex(const char *s, size_t n, int want, char *fp)
{
	int i;

	if (n != (size_t)want * 3 - 1)
		return -1;
	for (i = 0; i < want * 3 - 1; i++) {
		bool colon = i % 3 == 2;

		if (colon ? s[i] != ':' : !isxdigit((unsigned char)s[i]))
			return -1;
		fp[i] = (char)toupper((unsigned char)s[i]);
	}
	fp[i] = '\0';
	return 0;
}

int mbl_sdp_attr_fingerprint(const char *v, char alg[8], char fp[MBL_SDP_FP_LEN], char *err,
			     size_t errlen)
{
	const char *s = skip_blank(v);
	size_t n = strcspn(s, " \t"), i;
	int want;

	alg[0] = '\0';
	fp[0] = '\0';
	if (n == 0 || s[n] == '\0') {
		snprintf(err, errlen, "a=fingerprint: want '<hash> <hex>'");
		return -EPROTO;
	}
	for (i = 0; i < n && i < 7; i++)
		alg[i] = (char)tolower((unsigned char)s[i]);
	alg[i] = '\0';
	want = n < 8 ? fp_hash_len(alg) : -1;
	if (want < 0)
		return 1;
	s = skip_blank(s + n);
	n = strlen(s);
	while (n > 0 && is_blank(s[n - 1]))
		n--;
	if (fp_hex(s, n, want, fp) < 0) {
		fp[0] = '\0';
		snprintf(err, errlen, "a=fingerprint %s: want %d colon-separated hex bytes", alg,
			 want);
		return -EPROTO;
	}
	return 0;
}
