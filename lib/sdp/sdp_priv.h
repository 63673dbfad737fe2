/* SPDX-License-Identifier: BSD-3-Clause
 * Internal to lib/sdp: the profile table, direction arithmetic, attribute
 * value parsers and the text writer shared by the .c files. Not public and
 * free of osip2 types too (only sdp_parse.c sees them).
 */
#ifndef MBL_SDP_PRIV_H
#define MBL_SDP_PRIV_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mbl_sdp.h"

/* ---- names and tables (sdp_names.c) ----------------------------------------- */

/* One of the six RTP profiles of the security table. */
struct mbl_sdp_proto {
	const char *name;
	bool secure; /* SAVP: SRTP is mandatory */
	bool dtls;   /* UDP/TLS/...: keys come from DTLS (RFC 5764 8) */
	bool avpf;   /* RTCP feedback profile (RFC 4585, RFC 5124) */
};

/* Case-insensitive; NULL when name is none of the six. */
const struct mbl_sdp_proto *mbl_sdp_proto_find(const char *name);

/* Directions as bits, so hold arithmetic is AND and swap (RFC 3264 6.1). */
#define MBL_SDP_DIR_SEND 1u
#define MBL_SDP_DIR_RECV 2u
unsigned mbl_sdp_dir_bits(enum mbl_sdp_dir d);
enum mbl_sdp_dir mbl_sdp_dir_from_bits(unsigned bits);
/* The peer sends what we receive: sendonly <-> recvonly. */
enum mbl_sdp_dir mbl_sdp_dir_reverse(enum mbl_sdp_dir d);
/* Parse "sendrecv"...; -1 if s is not a direction attribute name. */
int mbl_sdp_dir_parse(const char *s);

/* Fill c for a static payload type of RFC 3551 6 that an audio m= line may
 * use without a=rtpmap; false for others. */
bool mbl_sdp_static_pt(unsigned pt, struct mbl_sdp_codec *c);
/* Same encoding: name (case-insensitive, RFC 4855 3), clock and channels. */
bool mbl_sdp_codec_same(const struct mbl_sdp_codec *a, const struct mbl_sdp_codec *b);

/* ---- attribute values (sdp_attr.c) -------------------------------------------- */

/* Decimal digits only, value <= max. 0 or -EINVAL. */
int mbl_sdp_parse_uint(const char *s, size_t n, uint64_t max, uint64_t *v);
/* Copy at most n bytes of s into dst (cap bytes) without blanks at either
 * end. Returns the copied length or -ENOSPC. */
int mbl_sdp_copy_trim(char *dst, size_t cap, const char *s, size_t n);

/* a=rtpmap:<pt> <name>/<clock>[/<channels>]. 0 or -EINVAL. */
int mbl_sdp_attr_rtpmap(const char *v, unsigned *pt, struct mbl_sdp_codec *c);
/* a=fmtp:<pt> <params>: params trimmed; cut at the last whole ';'
 * parameter that fits in cap. 0 or -EINVAL. */
int mbl_sdp_attr_fmtp(const char *v, unsigned *pt, char *params, size_t cap);
/* a=rtcp:<port>[ IN IP4 addr] (RFC 3605 2.1). 0 or -EINVAL. */
int mbl_sdp_attr_rtcp(const char *v, uint16_t *port);
/* a=rtcp-fb:<pt|*> <type>[ <subtype>] -> one MBL_SDP_FB_* bit, 0 if malformed. */
unsigned mbl_sdp_attr_rtcp_fb(const char *v);
/* a=setup value -> enum, or -EPROTO for anything else (RFC 4145 4). */
int mbl_sdp_attr_setup(const char *v);

/* a=crypto: 0 with a filled (usable line); 1 to skip (unknown suite or
 * parameters we cannot honour, RFC 4568 7.1.2); -EPROTO with err (no tag,
 * a bad key of a known suite). *tag is set whenever the tag was readable
 * (-1 otherwise) so duplicates can be caught among skipped lines too. */
int mbl_sdp_attr_crypto(const char *v, struct mbl_srtp_crypto_attr *a, int *tag, char *err,
			size_t errlen);

/* "<hash> <hex>" of a=fingerprint (RFC 8122 5). 0 with alg lower-cased and
 * fp upper-cased; 1 when the hash is not one we accept (alg still copied,
 * for the message); -EPROTO with err for a malformed value or hex whose
 * length does not fit the hash. */
int mbl_sdp_attr_fingerprint(const char *v, char alg[8], char fp[MBL_SDP_FP_LEN], char *err,
			     size_t errlen);

/* ---- ICE, mid, BUNDLE (sdp_ice.c) ---------------------------------------------- */

struct mbl_sdp_buf;

/* Only ice-chars (RFC 8839 5.4), min..max of them. */
bool mbl_sdp_ice_chars(const char *s, size_t min, size_t max);
/* a=ice-ufrag (pwd false) / a=ice-pwd into dst unless dst is set already.
 * 0, or -EPROTO with err for a value outside RFC 8839's grammar. */
int mbl_sdp_attr_ice_cred(const char *v, bool pwd, char *dst, char *err, size_t errlen);
/* a=candidate: 0 with c filled; 1 for one we do not use (not UDP, not
 * component 1, a name instead of an address, malformed). */
int mbl_sdp_attr_candidate(const char *v, struct mbl_sdp_cand *c);
/* a=group value "BUNDLE mid1 mid2..": whether it bundles mid. */
bool mbl_sdp_group_has(const char *group, const char *mid);
/* a=ice-lite and a=group:BUNDLE at session level (either may be off). */
void mbl_sdp_put_session_ice(struct mbl_sdp_buf *b, bool lite, const char *bundle_mid);
/* Our credentials, host candidate and a=end-of-candidates. */
void mbl_sdp_put_media_ice(struct mbl_sdp_buf *b, const struct mbl_sdp_local *l);
int mbl_sdp_local_check_ice(const struct mbl_sdp_local *l, char *why, size_t whylen);

/* ---- text output (sdp_write.c) ------------------------------------------------ */

struct mbl_sdp_buf {
	char *p;
	size_t len, off;
	bool over; /* something did not fit */
};

void mbl_sdp_put(struct mbl_sdp_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The length written, or -ENOSPC (buf wiped: it may hold keys). */
int mbl_sdp_buf_end(struct mbl_sdp_buf *b);

/* One audio media section as we write it, in offers and answers. */
struct mbl_sdp_msec {
	uint16_t port;
	const char *proto;
	const struct mbl_sdp_codec *codecs; /* pts as written */
	unsigned n_codecs;
	int dtmf_pt;                        /* -1: none */
	uint32_t dtmf_clock;
	uint16_t ptime;
	bool rtcp_mux, rtcp_fb;
	const struct mbl_srtp_key *keys;    /* a=crypto lines, tags first_tag.. */
	unsigned n_keys;
	int first_tag;
	const char *fingerprint;            /* sha-256, NULL: no DTLS attributes */
	enum mbl_sdp_setup setup;
	enum mbl_sdp_dir dir;
	const char *mid;                    /* a=mid value, NULL: none */
	const struct mbl_sdp_local *ice;    /* ICE lines from it, NULL: none */
};

/* v=, o=, s=, c=, t= from l. */
void mbl_sdp_put_session(struct mbl_sdp_buf *b, const struct mbl_sdp_local *l);
void mbl_sdp_put_media(struct mbl_sdp_buf *b, const struct mbl_sdp_msec *m);

/* The mode l really uses: none when the policy is off. */
enum mbl_sdp_enc mbl_sdp_local_enc(const struct mbl_sdp_local *l);

/* ---- negotiation (sdp_nego.c, sdp_answer.c) ---------------------------------------- */

/* One negotiation in progress, on either side. r is the offer when we
 * answer and the answer when we offered. */
struct mbl_sdp_nego {
	const struct mbl_sdp_local *l;
	const struct mbl_sdp_remote *r;
	struct mbl_sdp_result *res;
	char *why;
	size_t whylen;
	int local_key, remote_key; /* SDES: indexes into l->crypto, r->crypto */
	int local_codec;           /* index into l->codecs */
};

/* Refuse: res->status 488 and warn_code, why filled (peer text in it
 * made safe for a Warning header), keys wiped. Returns -EPROTO. */
int mbl_sdp_refuse(struct mbl_sdp_nego *n, int warn, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void mbl_sdp_result_reset(struct mbl_sdp_result *res);
void mbl_sdp_result_wipe_keys(struct mbl_sdp_result *res);
/* Where the peer's media goes, RTCP port and ptime, once rtcp_mux is set. */
void mbl_sdp_fill_peer(struct mbl_sdp_nego *n);
/* "PCMU/8000 opus/48000/2" (cut to fit). */
void mbl_sdp_codec_list(const struct mbl_sdp_codec *c, unsigned n, char *s, size_t len);
/* Replace what would break a quoted Warning text (controls, '"', '\'). */
void mbl_sdp_sanitize(char *s);

#endif /* MBL_SDP_PRIV_H */
