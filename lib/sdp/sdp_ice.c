/* SPDX-License-Identifier: BSD-3-Clause
 * ICE in SDP (RFC 8839) and BUNDLE / mid (RFC 8843, RFC 5888): reading the
 * peer's a=ice-ufrag, a=ice-pwd, a=ice-lite, a=ice-options, a=candidate,
 * a=end-of-candidates, a=mid, a=group and a=rtcp-mux-only; writing ours.
 * A candidate line we cannot use is skipped and counted, never an error:
 * gateways list TCP, component 2 and mDNS candidates beside the one we
 * take. Credentials that break RFC 8839's grammar refuse the SDP.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sdp_priv.h"

/* ice-char = ALPHA / DIGIT / "+" / "/" (RFC 8839 5.4) */
bool mbl_sdp_ice_chars(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s);

	if (n < min || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '+' && s[i] != '/')
			return false;
	return true;
}

/* a=ice-ufrag / a=ice-pwd: the first one wins (media level is read first). */
int mbl_sdp_attr_ice_cred(const char *v, bool pwd, char *dst, char *err, size_t errlen)
{
	char tmp[MBL_SDP_ICE_CRED_MAX + 2];
	int n = mbl_sdp_copy_trim(tmp, sizeof(tmp), v, strlen(v));

	if (dst[0] != '\0')
		return 0;
	if (n < 0 || !mbl_sdp_ice_chars(tmp, pwd ? 22 : 4, MBL_SDP_ICE_CRED_MAX)) {
		snprintf(err, errlen, "bad a=ice-%s (RFC 8839 5.4: %s ice-chars)",
			 pwd ? "pwd" : "ufrag", pwd ? "22 to 256" : "4 to 256");
		return -EPROTO;
	}
	memcpy(dst, tmp, (size_t)n + 1);
	return 0;
}

/* The next blank-separated word of *s into w (cap bytes); false at the end
 * or when it does not fit. */
static bool word(const char **s, char *w, size_t cap)
{
	const char *p = *s + strspn(*s, " \t");
	size_t n = strcspn(p, " \t");

	if (n == 0 || n >= cap)
		return false;
	memcpy(w, p, n);
	w[n] = '\0';
	*s = p + n;
	return true;
}

static int cand_type(const char *t)
{
	static const char *const names[] = {
#define MBL_SDP_NAME_(e, s) s,
		MBL_SDP_CAND_LIST(MBL_SDP_NAME_)
#undef MBL_SDP_NAME_
	};

	for (unsigned i = 0; i < MBL_SDP_CAND_MAX; i++)
		if (strcasecmp(t, names[i]) == 0)
			return (int)i;
	return -1;
}

/* "foundation component transport priority address port typ type ..."
 * (RFC 8839 5.1). 0 with c filled, 1 for a candidate we do not use. */
int mbl_sdp_attr_candidate(const char *v, struct mbl_sdp_cand *c)
{
	char comp[8], tp[16], prio[16], addr[MBL_SDP_ADDR_LEN], port[8], typ[8], type[16];
	uint8_t ip[16];
	uint64_t x;
	int t;

	memset(c, 0, sizeof(*c));
	if (!word(&v, c->foundation, sizeof(c->foundation)) || !word(&v, comp, sizeof(comp)) ||
	    !word(&v, tp, sizeof(tp)) || !word(&v, prio, sizeof(prio)) ||
	    !word(&v, addr, sizeof(addr)) || !word(&v, port, sizeof(port)) ||
	    !word(&v, typ, sizeof(typ)) || !word(&v, type, sizeof(type)))
		return 1;
	if (strcmp(comp, "1") != 0 || strcasecmp(tp, "UDP") != 0 || strcasecmp(typ, "typ") != 0)
		return 1; /* RTCP's own component, TCP candidates (RFC 6544) */
	if (mbl_sdp_parse_uint(prio, strlen(prio), UINT32_MAX, &x) < 0 || x == 0)
		return 1;
	c->priority = (uint32_t)x;
	if (mbl_sdp_parse_uint(port, strlen(port), 65535, &x) < 0 || x == 0)
		return 1;
	c->port = (uint16_t)x;
	if (inet_pton(AF_INET, addr, ip) == 1)
		c->family = 4;
	else if (inet_pton(AF_INET6, addr, ip) == 1)
		c->family = 6;
	else
		return 1; /* an FQDN or mDNS name: we resolve nothing */
	t = cand_type(type);
	if (t < 0)
		return 1;
	c->type = (enum mbl_sdp_cand_type)t;
	memcpy(c->addr, addr, strlen(addr) + 1);
	return 0;
}

/* a=group:BUNDLE mid... : whether it names mid (checked once mid is known). */
bool mbl_sdp_group_has(const char *group, const char *mid)
{
	char w[MBL_SDP_MID_LEN + 8];
	const char *p = group;

	if (!word(&p, w, sizeof(w)) || strcasecmp(w, "BUNDLE") != 0)
		return false;
	while (word(&p, w, sizeof(w)))
		if (strcmp(w, mid) == 0)
			return true;
	return false;
}

/* ---- writing ------------------------------------------------------------------ */

void mbl_sdp_put_session_ice(struct mbl_sdp_buf *b, bool lite, const char *bundle_mid)
{
	if (lite) /* RFC 8839 5.3: session level only */
		mbl_sdp_put(b, "a=ice-lite\r\n");
	if (bundle_mid != NULL && bundle_mid[0] != '\0')
		mbl_sdp_put(b, "a=group:BUNDLE %s\r\n", bundle_mid);
}

void mbl_sdp_put_media_ice(struct mbl_sdp_buf *b, const struct mbl_sdp_local *l)
{
	/* RFC 8839 5.1; foundation 1, component 1 (RTP, RTCP muxed on it) */
	mbl_sdp_put(b, "a=ice-ufrag:%s\r\na=ice-pwd:%s\r\n", l->ice_ufrag, l->ice_pwd);
	mbl_sdp_put(b, "a=candidate:1 1 UDP %u %s %u typ host\r\n", l->ice_priority, l->addr,
		    l->port);
	mbl_sdp_put(b, "a=end-of-candidates\r\n");
}

int mbl_sdp_local_check_ice(const struct mbl_sdp_local *l, char *why, size_t whylen)
{
	if ((unsigned)l->ice >= MBL_SDP_ICE_MAX) {
		snprintf(why, whylen, "local SDP config: ICE mode out of range");
		return -EINVAL;
	}
	if (l->ice == MBL_SDP_ICE_OFF)
		return 0;
	if (strnlen(l->ice_ufrag, sizeof(l->ice_ufrag)) == sizeof(l->ice_ufrag) ||
	    strnlen(l->ice_pwd, sizeof(l->ice_pwd)) == sizeof(l->ice_pwd) ||
	    !mbl_sdp_ice_chars(l->ice_ufrag, 4, 32) || !mbl_sdp_ice_chars(l->ice_pwd, 22, 64) ||
	    l->ice_priority == 0) {
		snprintf(why, whylen, "local SDP config: ICE needs a ufrag (4..32 ice-chars), a "
			 "pwd (22..64) and a candidate priority");
		return -EINVAL;
	}
	return 0;
}
