/* SPDX-License-Identifier: BSD-3-Clause
 * Names of the SDP enums, the RTP profile table of DESIGN.md's security
 * modes, direction arithmetic and the static audio payload types.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sdp_priv.h"

#define NAME_(e, s) s,
static const char *const enc_names[] = {MBL_SDP_ENC_LIST(NAME_)};
static const char *const policy_names[] = {MBL_SDP_POLICY_LIST(NAME_)};
static const char *const setup_names[] = {MBL_SDP_SETUP_LIST(NAME_)};
static const char *const dir_names[] = {MBL_SDP_DIR_LIST(NAME_)};
#undef NAME_

static const char *name_of(const char *const *names, unsigned n, unsigned v)
{
	return v < n ? names[v] : "?";
}

const char *mbl_sdp_enc_name(enum mbl_sdp_enc e)
{
	return name_of(enc_names, MBL_SDP_ENC_MAX, (unsigned)e);
}

const char *mbl_sdp_policy_name(enum mbl_sdp_policy p)
{
	return name_of(policy_names, MBL_SDP_POLICY_MAX, (unsigned)p);
}

const char *mbl_sdp_setup_name(enum mbl_sdp_setup s)
{
	return name_of(setup_names, MBL_SDP_SETUP_MAX, (unsigned)s);
}

const char *mbl_sdp_dir_name(enum mbl_sdp_dir d)
{
	return name_of(dir_names, MBL_SDP_DIR_MAX, (unsigned)d);
}

static int index_of(const char *const *names, unsigned n, const char *s)
{
	unsigned i;

	if (s == NULL || *s == '\0')
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (strcasecmp(names[i], s) == 0)
			return (int)i;
	return -EINVAL;
}

int mbl_sdp_enc_parse(const char *s)
{
	return index_of(enc_names, MBL_SDP_ENC_MAX, s);
}

int mbl_sdp_policy_parse(const char *s)
{
	return index_of(policy_names, MBL_SDP_POLICY_MAX, s);
}

int mbl_sdp_dir_parse(const char *s)
{
	int i = index_of(dir_names, MBL_SDP_DIR_MAX, s);

	return i < 0 ? -1 : i;
}

/* ---- profiles ------------------------------------------------------------------ */

/* Indexed [mode][avpf] by mbl_sdp_profile; the dual offer is a DTLS offer
 * that also carries a=crypto (see mbl_sdp.h). */
static const struct mbl_sdp_proto protos[] = {
	{"RTP/AVP", false, false, false},
	{"RTP/AVPF", false, false, true},
	{"RTP/SAVP", true, false, false},   /* RFC 3711 */
	{"RTP/SAVPF", true, false, true},   /* RFC 5124 */
	{"UDP/TLS/RTP/SAVP", true, true, false}, /* RFC 5764 8 */
	{"UDP/TLS/RTP/SAVPF", true, true, true}, /* RFC 5764 8 */
};

const struct mbl_sdp_proto *mbl_sdp_proto_find(const char *name)
{
	unsigned i;

	for (i = 0; name != NULL && i < sizeof(protos) / sizeof(protos[0]); i++)
		if (strcasecmp(protos[i].name, name) == 0)
			return &protos[i];
	return NULL;
}

const char *mbl_sdp_profile(enum mbl_sdp_enc e, bool avpf)
{
	static const unsigned base[MBL_SDP_ENC_MAX] = {
		[MBL_SDP_ENC_NONE] = 0, [MBL_SDP_ENC_SDES] = 2,
		[MBL_SDP_ENC_DTLS] = 4, [MBL_SDP_ENC_DUAL] = 4,
	};

	if ((unsigned)e >= MBL_SDP_ENC_MAX)
		return NULL;
	return protos[base[e] + (avpf ? 1 : 0)].name;
}

/* ---- directions (RFC 3264 6.1, 8.4) --------------------------------------------- */

unsigned mbl_sdp_dir_bits(enum mbl_sdp_dir d)
{
	switch (d) {
	case MBL_SDP_DIR_SENDRECV:
		return MBL_SDP_DIR_SEND | MBL_SDP_DIR_RECV;
	case MBL_SDP_DIR_SENDONLY:
		return MBL_SDP_DIR_SEND;
	case MBL_SDP_DIR_RECVONLY:
		return MBL_SDP_DIR_RECV;
	default:
		return 0;
	}
}

enum mbl_sdp_dir mbl_sdp_dir_from_bits(unsigned bits)
{
	static const enum mbl_sdp_dir by_bits[4] = {
		MBL_SDP_DIR_INACTIVE, MBL_SDP_DIR_SENDONLY, MBL_SDP_DIR_RECVONLY,
		MBL_SDP_DIR_SENDRECV,
	};

	return by_bits[bits & 3u];
}

enum mbl_sdp_dir mbl_sdp_dir_reverse(enum mbl_sdp_dir d)
{
	unsigned b = mbl_sdp_dir_bits(d);

	return mbl_sdp_dir_from_bits((b & MBL_SDP_DIR_SEND ? MBL_SDP_DIR_RECV : 0) |
				     (b & MBL_SDP_DIR_RECV ? MBL_SDP_DIR_SEND : 0));
}

/* ---- static payload types (RFC 3551 6, table 4) ------------------------------------ */

bool mbl_sdp_static_pt(unsigned pt, struct mbl_sdp_codec *c)
{
	static const struct {
		uint8_t pt;
		const char *name;
	} tab[] = {
		{0, "PCMU"}, {3, "GSM"}, {4, "G723"}, {8, "PCMA"},
		{9, "G722"}, /* 8000 on the wire though it samples at 16 kHz (4.5.2) */
		{13, "CN"}, {18, "G729"},
	};
	unsigned i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		if (tab[i].pt != pt)
			continue;
		memset(c, 0, sizeof(*c));
		snprintf(c->name, sizeof(c->name), "%s", tab[i].name);
		c->pt = (uint8_t)pt;
		c->clock = 8000;
		c->channels = 1;
		return true;
	}
	return false;
}

bool mbl_sdp_codec_same(const struct mbl_sdp_codec *a, const struct mbl_sdp_codec *b)
{
	unsigned ca = a->channels ? a->channels : 1, cb = b->channels ? b->channels : 1;

	return strcasecmp(a->name, b->name) == 0 && a->clock == b->clock && ca == cb;
}
