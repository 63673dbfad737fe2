/* SPDX-License-Identifier: BSD-3-Clause
 * mediablast SDP offer/answer (RFC 3264) for one audio stream, with the
 * media security modes of DESIGN.md negotiated in it:
 *
 *   mode  key exchange                          m= profile (no feedback / AVPF)
 *   none  -                                     RTP/AVP / RTP/AVPF
 *   sdes  a=crypto (RFC 4568)                   RTP/SAVP / RTP/SAVPF
 *   dtls  a=fingerprint + a=setup (RFC 5763/4)  UDP/TLS/RTP/SAVP / UDP/TLS/RTP/SAVPF
 *   dual  both in one offer, the answerer picks as the answer chooses
 *
 * Dual offers: ONE audio m= line with profile UDP/TLS/RTP/SAVP(F) carrying
 * every a=crypto line and a=fingerprint + a=setup:actpass, the way WebRTC
 * gateways and SBCs make "dual" offers (the standard alternative, SDP
 * capability negotiation of RFC 5939, is rarely implemented). A
 * DTLS-capable answerer answers DTLS: the offer's profile, a=setup:active,
 * its fingerprint and no a=crypto. An SDES-only answerer answers
 * RTP/SAVP(F) with one a=crypto. The offerer accepts either; result.chosen
 * says which. An RTP/SAVP(F) offer that carries a=fingerprint (some SBCs)
 * is taken as dual too; a DTLS answer to it keeps its RTP/SAVP(F) profile
 * (RFC 3264 6: the answer echoes the offer's proto). An RTP/AVP(F) offer
 * with a=crypto (best-effort SRTP, baresip's "srtp" mode) is answered
 * RTP/AVP(F) with a=crypto when we do SDES, and as offerer we take such an
 * answer to our RTP/SAVP offer as SDES.
 *
 * Policy: required - an offer without acceptable security is refused with
 * 488 and an answer without it fails the call; optional - fall back to
 * plain RTP (answer a plain offer plainly, accept a plain answer) and say
 * so in result.fell_back; off - never offer or accept security (the mode is
 * ignored; any offer whose profile is RTP/SAVP(F) or UDP/TLS/..., dual ones
 * included, is refused with 488). required with mode none is a bad config.
 *
 * Other rules the code keeps: offers give every codec an a=rtpmap (static
 * ones too); the first codec in the offerer's order that we also have wins,
 * the answer names only it (and telephone-event) with the offerer's payload
 * type numbers; SDES picks the first offered suite we have a key for and
 * answers with the same tag and our own key; DTLS answers active to
 * actpass or passive, passive to active or to an offer without a=setup
 * (whose default is active, RFC 4145 4.1), and refuses holdconn;
 * a=rtcp-mux is echoed only when both sides want it; without it the RTCP
 * port is port+1 unless a=rtcp says otherwise; media-level c= wins over the
 * session-level one; directions are complemented (offer sendonly -> answer
 * recvonly, inactive -> inactive) and intersected with ours; other m= lines
 * of an offer are answered with port 0 (RFC 3264 6).
 *
 * Keys: mbl_sdp_remote and mbl_sdp_result hold SRTP master keys, and offer
 * and answer texts do too: the caller wipes them (explicit_bzero) when done
 * and never logs them. No error or reason string ever quotes a key.
 * Structs are plain fixed-size values; the one pointer, result.profile,
 * points to a static string. osip2 stays inside this module (its
 * sdp_message lives only inside mbl_sdp_parse). Threads: control plane;
 * every function is reentrant (no global mutable state).
 *
 * ICE: with l->ice on, offers carry our credentials and host candidate; an
 * offer with ICE is answered with ours (result.ice), one without is
 * answered without; an answer without ICE to our ICE offer turns ICE off
 * for the call (RFC 8445 does not mandate it of the peer). a=ice-options
 * trickle is read and ignored (over SIP every candidate is in the SDP).
 * a=rtcp-mux-only (RFC 8858) makes the answer mux RTCP.
 *
 * Not handled: only the first audio m= line is negotiated (others are
 * rejected); c=0.0.0.0 (RFC 2543 hold) is
 * reported as an address, not turned into a direction; a=crypto session
 * parameters make that line unusable (skipped).
 */
#ifndef MBL_SDP_H
#define MBL_SDP_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mbl_srtp.h"

#define MBL_SDP_MAX_CODECS 8         /* our codecs (struct mbl_sdp_local) */
#define MBL_SDP_MAX_REMOTE_CODECS 16 /* a peer's codecs kept from one m= line */
#define MBL_SDP_MAX_CRYPTO 8         /* a=crypto lines kept / offered */
#define MBL_SDP_MAX_MEDIA 8          /* m= lines an offer may carry */
#define MBL_SDP_ADDR_LEN 48
#define MBL_SDP_PROTO_LEN 32
/* "AB:CD:.." of sha-512: 64 hex pairs, 63 colons and the NUL. */
#define MBL_SDP_FP_LEN 192
#define MBL_SDP_MAX_BODY 65536       /* longer bodies are refused (-EMSGSIZE) */

/* X(enum tail, name) lists: enum, name and parser stay in step. */
#define MBL_SDP_ENC_LIST(X) X(NONE, "none") X(SDES, "sdes") X(DTLS, "dtls") X(DUAL, "dual")
#define MBL_SDP_POLICY_LIST(X) X(REQUIRED, "required") X(OPTIONAL, "optional") X(OFF, "off")
/* NONE: no a=setup line. Our DTLS role in a result is ACTIVE (we are the
 * DTLS client, RFC 5763 5) or PASSIVE (server). */
#define MBL_SDP_SETUP_LIST(X)                                                  \
	X(NONE, "") X(ACTPASS, "actpass") X(ACTIVE, "active") X(PASSIVE, "passive") \
	X(HOLDCONN, "holdconn")
/* ICE (RFC 8445) as SDP carries it (RFC 8839): off writes and reads no ICE
 * attribute; lite and full write a=ice-ufrag, a=ice-pwd, our one host
 * candidate and a=end-of-candidates (lite also a=ice-lite). */
#define MBL_SDP_ICE_LIST(X) X(OFF, "off") X(LITE, "lite") X(FULL, "full")
#define MBL_SDP_CAND_LIST(X) X(HOST, "host") X(SRFLX, "srflx") X(PRFLX, "prflx") X(RELAY, "relay")
#define MBL_SDP_DIR_LIST(X)                                                    \
	X(SENDRECV, "sendrecv") X(SENDONLY, "sendonly") X(RECVONLY, "recvonly")  \
	X(INACTIVE, "inactive")

#define MBL_SDP_ENUM_(e, s) MBL_SDP_ENC_##e,
enum mbl_sdp_enc { MBL_SDP_ENC_LIST(MBL_SDP_ENUM_) MBL_SDP_ENC_MAX };
#undef MBL_SDP_ENUM_
#define MBL_SDP_ENUM_(e, s) MBL_SDP_POLICY_##e,
enum mbl_sdp_policy { MBL_SDP_POLICY_LIST(MBL_SDP_ENUM_) MBL_SDP_POLICY_MAX };
#undef MBL_SDP_ENUM_
#define MBL_SDP_ENUM_(e, s) MBL_SDP_SETUP_##e,
enum mbl_sdp_setup { MBL_SDP_SETUP_LIST(MBL_SDP_ENUM_) MBL_SDP_SETUP_MAX };
#undef MBL_SDP_ENUM_
#define MBL_SDP_ENUM_(e, s) MBL_SDP_DIR_##e,
enum mbl_sdp_dir { MBL_SDP_DIR_LIST(MBL_SDP_ENUM_) MBL_SDP_DIR_MAX };
#undef MBL_SDP_ENUM_
#define MBL_SDP_ENUM_(e, s) MBL_SDP_ICE_##e,
enum mbl_sdp_ice { MBL_SDP_ICE_LIST(MBL_SDP_ENUM_) MBL_SDP_ICE_MAX };
#undef MBL_SDP_ENUM_
#define MBL_SDP_ENUM_(e, s) MBL_SDP_CAND_##e,
enum mbl_sdp_cand_type { MBL_SDP_CAND_LIST(MBL_SDP_ENUM_) MBL_SDP_CAND_MAX };
#undef MBL_SDP_ENUM_

/* RFC 8839 5.4: ice-ufrag 4..256 ice-chars, ice-pwd 22..256. */
#define MBL_SDP_ICE_CRED_MAX 256
#define MBL_SDP_MAX_CANDS 8          /* a peer's candidates kept (component 1, UDP) */
#define MBL_SDP_MID_LEN 33           /* a=mid token kept (RFC 5888), longer refused */

/* One remote candidate (RFC 8839 5.1) we can use: UDP, component 1 (we mux
 * RTCP), an IP address (FQDN and mDNS ".local" names are skipped). */
struct mbl_sdp_cand {
	char foundation[33];
	uint32_t priority;
	char addr[MBL_SDP_ADDR_LEN];
	int family;                    /* 4 or 6 */
	uint16_t port;
	enum mbl_sdp_cand_type type;
};

/* The peer's ICE attributes: media level over session level. */
struct mbl_sdp_ice_remote {
	bool present;                  /* both a=ice-ufrag and a=ice-pwd */
	bool lite;                     /* a=ice-lite (session level) */
	bool trickle;                  /* a=ice-options lists trickle (ignored) */
	bool end_of_candidates;
	char ufrag[MBL_SDP_ICE_CRED_MAX + 1];
	char pwd[MBL_SDP_ICE_CRED_MAX + 1];
	struct mbl_sdp_cand cand[MBL_SDP_MAX_CANDS];
	unsigned n_cand;
	unsigned n_cand_skipped;       /* TCP, component 2, names, malformed, past the array */
};

/* a=rtcp-fb kinds (RFC 4585 4.2, RFC 5104 7.1), as a bit mask. We offer
 * and answer "* nack" and "* nack pli" when AVPF is on. */
#define MBL_SDP_FB_NACK 0x1u  /* nack */
#define MBL_SDP_FB_PLI 0x2u   /* nack pli */
#define MBL_SDP_FB_FIR 0x4u   /* ccm fir */
#define MBL_SDP_FB_OTHER 0x8u /* anything else (trr-int, remb, transport-cc...) */

/* One RTP payload format. channels 0 means 1. fmtp: the a=fmtp value
 * without the payload type ("" when none). */
struct mbl_sdp_codec {
	char name[16];   /* encoding name as in a=rtpmap: "PCMU", "opus" */
	uint8_t pt;      /* 0..127 */
	uint32_t clock;  /* RTP clock rate; G722 is 8000 (RFC 3551 4.5.2) */
	uint8_t channels;
	char fmtp[64];
};

/* Our side of a call: what we offer, or what we accept when answering. */
struct mbl_sdp_local {
	enum mbl_sdp_enc enc;         /* what we can do (answerer) / offer */
	enum mbl_sdp_policy policy;
	bool avpf;                    /* offer RTP/(S)AVPF with a=rtcp-fb */
	bool rtcp_mux;                /* offer/accept a=rtcp-mux (RFC 5761) */
	char addr[MBL_SDP_ADDR_LEN];  /* media IP (IPv4 or IPv6 text) for c= and o= */
	uint16_t port;                /* RTP port, not 0 */
	uint64_t sess_id, sess_ver;   /* o= line; bump sess_ver for each re-offer */
	char user[32];                /* o= username, "" -> "-" */
	struct mbl_sdp_codec codecs[MBL_SDP_MAX_CODECS]; /* preference order */
	unsigned n_codecs;            /* 1..MBL_SDP_MAX_CODECS */
	uint16_t ptime;               /* a=ptime in ms, 0: none */
	int dtmf_pt;                  /* telephone-event PT (RFC 4733), -1: none */
	/* Our SDES keys, one per suite we offer/accept, in preference order
	 * (offers number them tag 1..n). Needed for sdes and dual. */
	struct mbl_srtp_key crypto[MBL_SDP_MAX_CRYPTO];
	unsigned n_crypto;
	char fingerprint[MBL_SDP_FP_LEN]; /* sha-256 of our DTLS cert "AB:CD:.."; dtls, dual */
	enum mbl_sdp_dir dir;         /* what we want: sendrecv unless on hold */
	/* ICE: our credentials (ice-chars, ufrag 4..32, pwd 22..64 chars) and
	 * the priority of our one host candidate, addr:port above */
	enum mbl_sdp_ice ice;
	char ice_ufrag[33], ice_pwd[65];
	uint32_t ice_priority;
	/* BUNDLE (RFC 8843) / mid (RFC 5888): an offer writes a=group:BUNDLE 0
	 * and a=mid:0; an answer echoes the offer's mid and group either way */
	bool bundle;
};

/* An m= line of an offer other than the audio one we use (answered port 0). */
struct mbl_sdp_media_line {
	char media[16];                /* "video", "audio", "application" */
	char proto[MBL_SDP_PROTO_LEN];
	char fmt[16];                  /* its first format, repeated in the answer */
};

/* What mbl_sdp_parse() found in the first audio m= line (and the session
 * attributes it inherits). Holds the peer's SRTP keys. */
struct mbl_sdp_remote {
	uint64_t sess_id, sess_ver;    /* o= line */
	char proto[MBL_SDP_PROTO_LEN]; /* as written */
	bool proto_known;              /* one of the six profiles of the table above */
	bool secure_proto;             /* RTP/SAVP(F) or UDP/TLS/RTP/SAVP(F) */
	bool avpf;                     /* ...F profile */
	/* NONE, SDES (usable a=crypto), DTLS (a=fingerprint) or DUAL (both). */
	enum mbl_sdp_enc enc;
	char addr[MBL_SDP_ADDR_LEN];   /* c= (media level over session level) */
	int family;                    /* 4 or 6 */
	uint16_t port;                 /* 0: stream disabled / rejected */
	uint16_t rtcp_port;            /* RTCP when not muxed: a=rtcp, else port+1 */
	bool rtcp_mux;
	struct mbl_sdp_codec codecs[MBL_SDP_MAX_REMOTE_CODECS]; /* m= order, DTMF excluded */
	unsigned n_codecs;
	unsigned n_codecs_unknown;     /* dynamic PTs without a=rtpmap, or past the array */
	uint16_t ptime;                /* 0: none */
	int dtmf_pt;                   /* telephone-event PT, -1: none */
	uint32_t dtmf_clock;
	/* a=crypto lines with a suite we know, in order (tags distinct). */
	struct mbl_srtp_crypto_attr crypto[MBL_SDP_MAX_CRYPTO];
	unsigned n_crypto;
	unsigned n_crypto_skipped;     /* unusable: no tag, unknown suite, bad key,
					  session parameters, beyond the array */
	char crypto_skip_why[96];      /* the first skipped line's reason ("" if none) */
	char fp_alg[8];                /* "sha-256" (lower case), "" when none */
	char fingerprint[MBL_SDP_FP_LEN]; /* upper-case "AB:CD:.." */
	enum mbl_sdp_setup setup;
	unsigned rtcp_fb;              /* MBL_SDP_FB_* of any a=rtcp-fb line */
	enum mbl_sdp_dir dir;          /* the peer's direction (default sendrecv) */
	struct mbl_sdp_media_line media[MBL_SDP_MAX_MEDIA]; /* every m= line, in order */
	unsigned n_media, audio_idx;   /* media[audio_idx] is the audio stream we use */
	struct mbl_sdp_ice_remote ice;
	char mid[MBL_SDP_MID_LEN];     /* the audio m= line's a=mid, "" when none */
	bool bundle;                   /* a=group:BUNDLE names that mid */
	bool rtcp_mux_only;            /* a=rtcp-mux-only (RFC 8858) */
};

/* The outcome of a negotiation, from our point of view. On a refusal only
 * status, warn_code and the why text mean anything. */
struct mbl_sdp_result {
	int status;                    /* 0 agreed; 488 refused (Not Acceptable Here) */
	int warn_code;                 /* RFC 3261 20.43 code for a Warning header: 302
					  profile/security, 304 stream disabled, 305
					  codec, 306 attribute (setup, crypto, mux) */
	enum mbl_sdp_enc chosen;       /* NONE, SDES or DTLS */
	const char *profile;           /* m= profile of the answer (static string) */
	bool avpf, rtcp_mux;
	bool fell_back;                /* security wanted (policy optional), plain RTP agreed */
	char addr[MBL_SDP_ADDR_LEN];   /* where to send: the peer's media address */
	int family;
	uint16_t port, rtcp_port;      /* rtcp_port == port when muxed */
	struct mbl_sdp_codec codec;    /* pt as negotiated; fmtp as the peer gave it */
	uint16_t ptime;                /* the peer's a=ptime, else ours, else 20 */
	int dtmf_pt;                   /* -1 unless both sides do telephone-event */
	unsigned rtcp_fb;              /* MBL_SDP_FB_* both sides listed (AVPF only) */
	struct mbl_srtp_key tx_key;    /* SDES: ours (we protect with it) */
	struct mbl_srtp_key rx_key;    /* SDES: the peer's (we unprotect with it) */
	int crypto_tag;                /* SDES: the agreed tag, else -1 */
	char fp_alg[8];                /* DTLS: the peer's certificate fingerprint */
	char fingerprint[MBL_SDP_FP_LEN];
	enum mbl_sdp_setup dtls_role;  /* DTLS: ACTIVE (we are the client) or PASSIVE */
	enum mbl_sdp_dir dir;          /* what we do: sendrecv, sendonly (we hold)... */
	/* ICE: both sides do it; the peer is a lite agent; its credentials
	 * and candidates (when ice) */
	bool ice, ice_peer_lite;
	struct mbl_sdp_ice_remote peer_ice;
	char mid[MBL_SDP_MID_LEN];     /* the mid both sides use, "" when none */
	bool bundle;
};

/* Write our offer for l into buf (len bytes, NUL-terminated): v/o/s/c/t and
 * one audio m= line with a=rtpmap (and a=fmtp) for every codec,
 * telephone-event/8000 with fmtp 0-16, a=ptime, a=rtcp-mux, a=rtcp-fb,
 * a=crypto tags 1..n, a=fingerprint:sha-256 + a=setup:actpass, direction,
 * as the mode and policy say. Returns the length, -EINVAL for a bad local
 * config (see mbl_sdp_local_check), -ENOSPC if buf is too small (buf is
 * then wiped: it held keys). */
int mbl_sdp_offer(const struct mbl_sdp_local *l, char *buf, size_t len);

/* Parse an offer or an answer body (len bytes, need not be NUL-terminated,
 * LF or CRLF line ends). Fills r from the first audio m= line. Returns 0,
 * or with err filled (never quoting a key):
 *   -EINVAL   not SDP osip2 can read, a bad port, c= or o= line, no c= for
 *             an active audio stream, a bad a=rtpmap/a=ptime/a=rtcp;
 *   -EPROTO   readable but unacceptable: no audio m= line, too many m=
 *             lines, a duplicate a=crypto tag, a fingerprint with an
 *             unaccepted hash (only md5...) or bad hex, a bad a=setup;
 *   -EMSGSIZE longer than MBL_SDP_MAX_BODY; -ENOMEM.
 * For an offer, any failure should be answered 488 with err as the reason.
 * An a=crypto line we cannot use (no tag, unknown suite, a key that is not
 * base64 or has the wrong length, a bad lifetime or MKI, session
 * parameters) is skipped as one unusable candidate (RFC 4568 7.1.2),
 * counted in n_crypto_skipped with the first reason kept; it never fails
 * the whole SDP. Keys may be base64 with or without padding. */
int mbl_sdp_parse(const char *body, size_t len, struct mbl_sdp_remote *r, char *err,
		  size_t errlen);

/* Answer the parsed offer with our local config l: choose the security
 * mode (by policy), codec, DTMF, rtcp-mux, direction, write the answer into
 * buf and fill res. Returns the answer's length, or:
 *   -EPROTO  refused: res->status = 488, res->warn_code set, why filled
 *            (no acceptable security, a secure offer under policy off, no
 *            common codec, stream disabled, unknown profile, setup holdconn);
 *   -EINVAL  bad local config (res->status 0, why filled);
 *   -ENOSPC  buf too small (wiped).
 * res is always written. */
int mbl_sdp_answer(const struct mbl_sdp_local *l, const struct mbl_sdp_remote *offer,
		   struct mbl_sdp_result *res, char *buf, size_t len, char *why, size_t whylen);

/* As the offerer, check the parsed answer against what l offered and fill
 * res. Returns 0, or -EPROTO with why filled and res->status 488 (the call
 * must fail: stream rejected with port 0, profile or attributes we did not
 * offer (rtcp-mux included), no acceptable security under policy required,
 * an a=crypto tag or suite we did not offer, not exactly one a=crypto, both
 * a=crypto and a=fingerprint, a=setup actpass/holdconn, no offered codec),
 * or -EINVAL for a bad local config (why filled, status 0). */
int mbl_sdp_accept_answer(const struct mbl_sdp_local *offer, const struct mbl_sdp_remote *answer,
			  struct mbl_sdp_result *res, char *why, size_t whylen);

/* Validate l (the checks offer/answer make). Returns 0 or -EINVAL with why:
 * bad enum, port 0, address not IPv4/IPv6 text, 0 or too many codecs, a
 * codec without name or clock, PT > 127 or used twice (DTMF included),
 * policy required with mode none, sdes/dual without keys or with a suite
 * twice, dtls/dual without a well-formed sha-256 fingerprint, user with
 * blanks, fmtp with a line end, ptime above 1000. Keys are only checked
 * for a known suite. */
int mbl_sdp_local_check(const struct mbl_sdp_local *l, char *why, size_t whylen);

/* Names as in the scenario file ("none", "sdes", ...); "?" when out of range. */
const char *mbl_sdp_enc_name(enum mbl_sdp_enc e);
const char *mbl_sdp_policy_name(enum mbl_sdp_policy p);
const char *mbl_sdp_setup_name(enum mbl_sdp_setup s);
const char *mbl_sdp_dir_name(enum mbl_sdp_dir d);
/* The m= profile that mode e uses ("RTP/SAVPF" for SDES with AVPF; dual
 * offers use the DTLS one). NULL if e is out of range. */
const char *mbl_sdp_profile(enum mbl_sdp_enc e, bool avpf);
/* Case-insensitive name -> enum value, or -EINVAL (NULL or unknown). */
int mbl_sdp_enc_parse(const char *s);
int mbl_sdp_policy_parse(const char *s);

#endif /* MBL_SDP_H */
