/* SPDX-License-Identifier: BSD-3-Clause
 * mbl_sdp_parse: osip2's sdp_message reads the lines, this file picks the
 * first audio m= line and fills the plain struct mbl_sdp_remote from it and
 * from the session-level defaults (c=, a=fingerprint, a=setup, direction;
 * the media level wins, RFC 4566 5.7 and 6, RFC 8122 5). osip2 types end
 * here: the sdp_message is freed before we return, after its a=crypto
 * values (keys) are wiped.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <osipparser2/osip_list.h>
#include <osipparser2/sdp_message.h>

#include "sdp_priv.h"

#define PARSE_MAX_PT 32   /* payload types of the audio m= line we look at */
#define PARSE_MAX_TAGS 32 /* a=crypto tags checked for duplicates */

struct pt_entry {
	struct mbl_sdp_codec c;
	bool known; /* static PT or a=rtpmap seen */
};

struct parse_ctx {
	struct mbl_sdp_remote *r;
	char *err;
	size_t errlen;
	bool session;                   /* walking session-level attributes */
	struct pt_entry pts[PARSE_MAX_PT];
	unsigned n_pts;
	int tags[PARSE_MAX_TAGS];
	unsigned n_tags;
	unsigned fp_lines[2];           /* a=fingerprint lines: [0] media, [1] session */
	char fp_bad_alg[8];             /* first hash we refused */
	bool media_setup, media_dir;    /* the media level already said it */
};

static int fail(struct parse_ctx *pc, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct parse_ctx *pc, int rc, const char *fmt, ...)
{
	va_list ap;

	if (pc->err != NULL && pc->errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(pc->err, pc->errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

static struct pt_entry *pt_find(struct parse_ctx *pc, unsigned pt)
{
	unsigned i;

	for (i = 0; i < pc->n_pts; i++)
		if (pc->pts[i].c.pt == pt)
			return &pc->pts[i];
	return NULL;
}

/* ---- attribute handlers --------------------------------------------------------- */

static int on_rtpmap(struct parse_ctx *pc, const char *v)
{
	struct mbl_sdp_codec c;
	struct pt_entry *e;
	unsigned pt;

	if (mbl_sdp_attr_rtpmap(v, &pt, &c) < 0)
		return fail(pc, -EINVAL, "bad a=rtpmap (want '<pt> <name>/<clock>[/<channels>]')");
	e = pt_find(pc, pt);
	if (e != NULL) { /* a=rtpmap for a PT not in the m= line means nothing */
		e->c = c;
		e->known = true;
	}
	return 0;
}

static int on_fmtp(struct parse_ctx *pc, const char *v)
{
	char params[sizeof(pc->pts[0].c.fmtp)];
	struct pt_entry *e;
	unsigned pt;

	/* Format parameters are opaque to us: a malformed one is ignored. */
	if (mbl_sdp_attr_fmtp(v, &pt, params, sizeof(params)) == 0 && (e = pt_find(pc, pt)) != NULL)
		memcpy(e->c.fmtp, params, sizeof(params));
	return 0;
}

static int on_ptime(struct parse_ctx *pc, const char *v)
{
	char w[8];
	uint64_t x;
	int n = mbl_sdp_copy_trim(w, sizeof(w), v, strlen(v));

	if (n <= 0 || mbl_sdp_parse_uint(w, (size_t)n, 1000, &x) < 0 || x == 0)
		return fail(pc, -EINVAL, "bad a=ptime (want 1..1000 ms)");
	pc->r->ptime = (uint16_t)x;
	return 0;
}

static int on_rtcp(struct parse_ctx *pc, const char *v)
{
	if (mbl_sdp_attr_rtcp(v, &pc->r->rtcp_port) < 0)
		return fail(pc, -EINVAL, "bad a=rtcp (want a port 1..65535)");
	return 0;
}

static int on_rtcp_mux(struct parse_ctx *pc, const char *v)
{
	(void)v;
	pc->r->rtcp_mux = true;
	return 0;
}

static int on_rtcp_fb(struct parse_ctx *pc, const char *v)
{
	pc->r->rtcp_fb |= mbl_sdp_attr_rtcp_fb(v);
	return 0;
}

static int note_tag(struct parse_ctx *pc, int tag)
{
	unsigned i;

	for (i = 0; i < pc->n_tags; i++)
		if (pc->tags[i] == tag) /* RFC 4568 9.1: unique within the m= line */
			return fail(pc, -EPROTO, "duplicate a=crypto tag %d", tag);
	if (pc->n_tags < PARSE_MAX_TAGS)
		pc->tags[pc->n_tags++] = tag;
	return 0;
}

static int on_crypto(struct parse_ctx *pc, const char *v)
{
	struct mbl_sdp_remote *r = pc->r;
	struct mbl_srtp_crypto_attr a;
	char why[sizeof(r->crypto_skip_why)];
	int tag, rc = mbl_sdp_attr_crypto(v, &a, &tag, why, sizeof(why));

	if (tag >= 0 && note_tag(pc, tag) < 0)
		rc = -EPROTO;
	else if (rc == 0 && r->n_crypto < MBL_SDP_MAX_CRYPTO)
		r->crypto[r->n_crypto++] = a;
	else if (r->n_crypto_skipped++ == 0)
		snprintf(r->crypto_skip_why, sizeof(r->crypto_skip_why), "%s",
			 rc == 0 ? "more a=crypto lines than we keep" : why);
	explicit_bzero(&a, sizeof(a));
	return rc < 0 ? rc : 0;
}

static int on_fingerprint(struct parse_ctx *pc, const char *v)
{
	struct mbl_sdp_remote *r = pc->r;
	char alg[8], fp[MBL_SDP_FP_LEN];
	int rc;

	if (pc->session && pc->fp_lines[0] > 0)
		return 0; /* the media level has its own */
	pc->fp_lines[pc->session ? 1 : 0]++;
	rc = mbl_sdp_attr_fingerprint(v, alg, fp, pc->err, pc->errlen);
	if (rc < 0)
		return rc;
	if (rc == 1 && pc->fp_bad_alg[0] == '\0')
		memcpy(pc->fp_bad_alg, alg, sizeof(alg));
	if (rc == 0 && r->fp_alg[0] == '\0') { /* several: the first we accept */
		memcpy(r->fp_alg, alg, sizeof(alg));
		memcpy(r->fingerprint, fp, sizeof(fp));
	}
	return 0;
}

static int on_setup(struct parse_ctx *pc, const char *v)
{
	int s = mbl_sdp_attr_setup(v);

	if (s < 0)
		return fail(pc, -EPROTO, "bad a=setup (want actpass, active, passive or holdconn)");
	if (!pc->session || !pc->media_setup)
		pc->r->setup = (enum mbl_sdp_setup)s;
	pc->media_setup |= !pc->session;
	return 0;
}

/* ---- ICE, mid, BUNDLE (values in sdp_ice.c) ---- */

static int on_ice_ufrag(struct parse_ctx *pc, const char *v)
{
	return mbl_sdp_attr_ice_cred(v, false, pc->r->ice.ufrag, pc->err, pc->errlen);
}

static int on_ice_pwd(struct parse_ctx *pc, const char *v)
{
	return mbl_sdp_attr_ice_cred(v, true, pc->r->ice.pwd, pc->err, pc->errlen);
}

static int on_ice_lite(struct parse_ctx *pc, const char *v)
{
	(void)v;
	pc->r->ice.lite = true;
	return 0;
}

static int on_ice_options(struct parse_ctx *pc, const char *v)
{
	/* RFC 8840 4.1.1: "trickle"; over SIP all candidates are in the SDP */
	for (const char *p = v; (p = strcasestr(p, "trickle")) != NULL; p += 7)
		if ((p == v || p[-1] == ' ') && (p[7] == '\0' || p[7] == ' '))
			pc->r->ice.trickle = true;
	return 0;
}

static int on_candidate(struct parse_ctx *pc, const char *v)
{
	struct mbl_sdp_ice_remote *ice = &pc->r->ice;

	if (ice->n_cand < MBL_SDP_MAX_CANDS && mbl_sdp_attr_candidate(v, &ice->cand[ice->n_cand]) == 0)
		ice->n_cand++;
	else
		ice->n_cand_skipped++;
	return 0;
}

static int on_eoc(struct parse_ctx *pc, const char *v)
{
	(void)v;
	pc->r->ice.end_of_candidates = true;
	return 0;
}

static int on_mid(struct parse_ctx *pc, const char *v)
{
	int n = mbl_sdp_copy_trim(pc->r->mid, sizeof(pc->r->mid), v, strlen(v));

	if (n <= 0 || strpbrk(pc->r->mid, " \t") != NULL) {
		pc->r->mid[0] = '\0';
		return fail(pc, -EPROTO, "bad a=mid (one token of at most %d characters)",
			    MBL_SDP_MID_LEN - 1);
	}
	return 0;
}

static int on_group(struct parse_ctx *pc, const char *v)
{
	/* session level, walked after the media level: the mid is known */
	if (pc->r->mid[0] != '\0' && mbl_sdp_group_has(v, pc->r->mid))
		pc->r->bundle = true;
	return 0;
}

static int on_rtcp_mux_only(struct parse_ctx *pc, const char *v)
{
	(void)v;
	pc->r->rtcp_mux_only = true; /* RFC 8858 4: implies a=rtcp-mux */
	pc->r->rtcp_mux = true;
	return 0;
}

/* Pass 1 reads a=rtpmap only, so a=fmtp finds its codec in pass 2 in
 * whatever order the lines came. */
static const struct {
	const char *name;
	int (*fn)(struct parse_ctx *pc, const char *v);
	unsigned pass;  /* 1 or 2 */
	bool session;   /* also valid at session level */
} handlers[] = {
	{"rtpmap", on_rtpmap, 1, false},     {"fmtp", on_fmtp, 2, false},
	{"ptime", on_ptime, 2, false},       {"rtcp", on_rtcp, 2, false},
	{"rtcp-mux", on_rtcp_mux, 2, false}, {"rtcp-fb", on_rtcp_fb, 2, false},
	{"crypto", on_crypto, 2, false},     {"fingerprint", on_fingerprint, 2, true},
	{"setup", on_setup, 2, true},
	{"ice-ufrag", on_ice_ufrag, 2, true}, {"ice-pwd", on_ice_pwd, 2, true},
	{"ice-lite", on_ice_lite, 2, true},   {"ice-options", on_ice_options, 2, true},
	{"candidate", on_candidate, 2, false}, {"end-of-candidates", on_eoc, 2, true},
	{"mid", on_mid, 2, false},            {"group", on_group, 2, true},
	{"rtcp-mux-only", on_rtcp_mux_only, 2, false},
};

static int on_attr(struct parse_ctx *pc, const sdp_attribute_t *a, unsigned pass)
{
	const char *v = a->a_att_value != NULL ? a->a_att_value : "";
	int d;
	unsigned i;

	if (a->a_att_field == NULL)
		return 0;
	d = mbl_sdp_dir_parse(a->a_att_field);
	if (d >= 0 && pass == 2) {
		if (!pc->session || !pc->media_dir)
			pc->r->dir = (enum mbl_sdp_dir)d;
		pc->media_dir |= !pc->session;
		return 0;
	}
	for (i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++)
		if (handlers[i].pass == pass && (!pc->session || handlers[i].session) &&
		    strcasecmp(handlers[i].name, a->a_att_field) == 0)
			return handlers[i].fn(pc, v);
	return 0; /* a=ssrc, a=msid... are not ours to read */
}

static int walk_attrs(struct parse_ctx *pc, osip_list_t *attrs, bool session, unsigned pass)
{
	int i, rc = 0;

	pc->session = session;
	for (i = 0; rc == 0 && i < osip_list_size(attrs); i++)
		rc = on_attr(pc, osip_list_get(attrs, i), pass);
	return rc;
}

/* ---- lines ------------------------------------------------------------------- */

static int read_u64(const char *s, uint64_t max, uint64_t *v)
{
	return s == NULL ? -EINVAL : mbl_sdp_parse_uint(s, strlen(s), max, v);
}

static int read_origin(struct parse_ctx *pc, sdp_message_t *m)
{
	if (read_u64(m->o_sess_id, UINT64_MAX, &pc->r->sess_id) < 0 ||
	    read_u64(m->o_sess_version, UINT64_MAX, &pc->r->sess_ver) < 0)
		return fail(pc, -EINVAL, "bad o= line (session id and version must be numbers)");
	return 0;
}

static int read_conn(struct parse_ctx *pc, const sdp_connection_t *c)
{
	struct mbl_sdp_remote *r = pc->r;
	uint8_t ip[16];
	int af;

	if (c == NULL) {
		if (r->port == 0) /* a disabled stream needs no address */
			return 0;
		return fail(pc, -EINVAL, "no c= line for the audio stream");
	}
	af = c->c_addrtype != NULL && strcasecmp(c->c_addrtype, "IP6") == 0 ? AF_INET6 : AF_INET;
	if (c->c_nettype == NULL || strcasecmp(c->c_nettype, "IN") != 0 || c->c_addrtype == NULL ||
	    (af == AF_INET && strcasecmp(c->c_addrtype, "IP4") != 0) || c->c_addr == NULL ||
	    strlen(c->c_addr) >= sizeof(r->addr) || inet_pton(af, c->c_addr, ip) != 1)
		return fail(pc, -EINVAL, "bad c= line (want IN IP4 <IPv4> or IN IP6 <IPv6>)");
	memcpy(r->addr, c->c_addr, strlen(c->c_addr) + 1);
	r->family = af == AF_INET6 ? 6 : 4;
	return 0;
}

static int read_payloads(struct parse_ctx *pc, sdp_media_t *md)
{
	int i;

	for (i = 0; i < osip_list_size(&md->m_payloads); i++) {
		const char *s = osip_list_get(&md->m_payloads, i);
		char w[8];
		uint64_t pt;
		int n = s != NULL ? mbl_sdp_copy_trim(w, sizeof(w), s, strlen(s)) : -1;

		if (n <= 0 || mbl_sdp_parse_uint(w, (size_t)n, 127, &pt) < 0)
			return fail(pc, -EINVAL, "bad payload type in the audio m= line");
		if (pt_find(pc, (unsigned)pt) != NULL)
			continue;
		if (pc->n_pts == PARSE_MAX_PT) {
			pc->r->n_codecs_unknown++;
			continue;
		}
		pc->pts[pc->n_pts].known = mbl_sdp_static_pt((unsigned)pt, &pc->pts[pc->n_pts].c);
		pc->pts[pc->n_pts++].c.pt = (uint8_t)pt;
	}
	return 0;
}

static int read_mline(struct parse_ctx *pc, sdp_media_t *md)
{
	struct mbl_sdp_remote *r = pc->r;
	const struct mbl_sdp_proto *p;
	uint64_t port;

	if (read_u64(md->m_port, 65535, &port) < 0)
		return fail(pc, -EINVAL, "bad port in the audio m= line");
	r->port = (uint16_t)port;
	if (md->m_proto == NULL ||
	    mbl_sdp_copy_trim(r->proto, sizeof(r->proto), md->m_proto, strlen(md->m_proto)) <= 0)
		return fail(pc, -EINVAL, "bad proto in the audio m= line");
	p = mbl_sdp_proto_find(r->proto);
	if (p == NULL)
		return 0; /* the answer refuses it; its formats need not be RTP PTs */
	r->proto_known = true;
	r->secure_proto = p->secure;
	r->avpf = p->avpf;
	return read_payloads(pc, md);
}

/* Remember every m= line (the answer must repeat them, RFC 3264 6) and
 * find the first audio one. */
static int read_media_list(struct parse_ctx *pc, sdp_message_t *m)
{
	struct mbl_sdp_remote *r = pc->r;
	int i, n = osip_list_size(&m->m_medias);
	bool found = false;

	if (n > MBL_SDP_MAX_MEDIA)
		return fail(pc, -EPROTO, "%d m= lines, at most %d", n, MBL_SDP_MAX_MEDIA);
	for (i = 0; i < n; i++) {
		sdp_media_t *md = osip_list_get(&m->m_medias, i);
		struct mbl_sdp_media_line *ml = &r->media[i];
		const char *fmt = osip_list_get(&md->m_payloads, 0);

		snprintf(ml->media, sizeof(ml->media), "%s", md->m_media ? md->m_media : "");
		snprintf(ml->proto, sizeof(ml->proto), "%s", md->m_proto ? md->m_proto : "");
		snprintf(ml->fmt, sizeof(ml->fmt), "%s", fmt != NULL ? fmt + strspn(fmt, " ") : "0");
		if (!found && md->m_media != NULL && strcasecmp(md->m_media, "audio") == 0) {
			r->audio_idx = (unsigned)i;
			found = true;
		}
	}
	r->n_media = (unsigned)n;
	return found ? 0 : fail(pc, -EPROTO, "no audio m= line");
}

/* ---- after the attributes ---------------------------------------------------------- */

static void finish_codecs(struct parse_ctx *pc)
{
	struct mbl_sdp_remote *r = pc->r;
	unsigned i;

	for (i = 0; i < pc->n_pts; i++) {
		const struct pt_entry *e = &pc->pts[i];

		if (e->known && strcasecmp(e->c.name, "telephone-event") == 0) {
			if (r->dtmf_pt < 0) {
				r->dtmf_pt = e->c.pt;
				r->dtmf_clock = e->c.clock;
			}
		} else if (e->known && r->n_codecs < MBL_SDP_MAX_REMOTE_CODECS) {
			r->codecs[r->n_codecs++] = e->c;
		} else {
			r->n_codecs_unknown++;
		}
	}
}

static int finish(struct parse_ctx *pc)
{
	struct mbl_sdp_remote *r = pc->r;
	bool sdes, dtls;

	if (pc->fp_lines[0] + pc->fp_lines[1] > 0 && r->fp_alg[0] == '\0')
		return fail(pc, -EPROTO,
			    "a=fingerprint hash '%s' is not accepted (sha-1, sha-224, sha-256, "
			    "sha-384, sha-512)", pc->fp_bad_alg);
	if ((r->ice.ufrag[0] != '\0') != (r->ice.pwd[0] != '\0'))
		return fail(pc, -EPROTO, "a=ice-ufrag and a=ice-pwd come together (RFC 8839 5.4)");
	r->ice.present = r->ice.ufrag[0] != '\0';
	finish_codecs(pc);
	if (r->rtcp_port == 0) /* RFC 3550 11 / RFC 3605: the next port */
		r->rtcp_port = r->port < 65535 && r->port != 0 ? (uint16_t)(r->port + 1) : 0;
	sdes = r->n_crypto > 0;
	dtls = r->fp_alg[0] != '\0';
	r->enc = sdes && dtls ? MBL_SDP_ENC_DUAL
		 : dtls      ? MBL_SDP_ENC_DTLS
		 : sdes      ? MBL_SDP_ENC_SDES
			     : MBL_SDP_ENC_NONE;
	return 0;
}

static int read_message(struct parse_ctx *pc, sdp_message_t *m)
{
	sdp_media_t *md;
	int rc = read_origin(pc, m);

	if (rc == 0)
		rc = read_media_list(pc, m);
	if (rc < 0)
		return rc;
	md = osip_list_get(&m->m_medias, (int)pc->r->audio_idx);
	rc = read_mline(pc, md);
	if (rc == 0)
		rc = read_conn(pc, osip_list_size(&md->c_connections) > 0
					   ? osip_list_get(&md->c_connections, 0)
					   : m->c_connection);
	if (rc == 0)
		rc = walk_attrs(pc, &md->a_attributes, false, 1);
	if (rc == 0)
		rc = walk_attrs(pc, &md->a_attributes, false, 2);
	if (rc == 0) /* session-level defaults, where the media level said nothing */
		rc = walk_attrs(pc, &m->a_attributes, true, 2);
	return rc == 0 ? finish(pc) : rc;
}

/* ---- entry point ------------------------------------------------------------------ */

/* osip2 frees without wiping: clear the a=crypto values (keys) first. */
static void wipe_keys(sdp_message_t *m)
{
	int i, j;

	for (i = 0; i < osip_list_size(&m->m_medias); i++) {
		sdp_media_t *md = osip_list_get(&m->m_medias, i);

		for (j = 0; j < osip_list_size(&md->a_attributes); j++) {
			sdp_attribute_t *a = osip_list_get(&md->a_attributes, j);

			if (a->a_att_value != NULL && a->a_att_field != NULL &&
			    strcasecmp(a->a_att_field, "crypto") == 0)
				explicit_bzero(a->a_att_value, strlen(a->a_att_value));
		}
	}
}

static void remote_reset(struct mbl_sdp_remote *r)
{
	explicit_bzero(r, sizeof(*r));
	r->dtmf_pt = -1;
	r->setup = MBL_SDP_SETUP_NONE;
	r->dir = MBL_SDP_DIR_SENDRECV;
}

/* A NUL-terminated copy ending in a line end (osip2 wants the last one). */
static char *body_copy(const char *body, size_t len)
{
	char *s = malloc(len + 3);

	if (s == NULL)
		return NULL;
	memcpy(s, body, len);
	s[len] = '\0';
	if (len == 0 || body[len - 1] != '\n')
		memcpy(s + len, "\r\n", 3);
	return s;
}

int mbl_sdp_parse(const char *body, size_t len, struct mbl_sdp_remote *r, char *err,
		  size_t errlen)
{
	struct parse_ctx pc = {.r = r, .err = err, .errlen = errlen};
	sdp_message_t *m = NULL;
	size_t clen;
	char *s;
	int rc;

	remote_reset(r);
	if (body == NULL)
		return fail(&pc, -EINVAL, "no SDP body");
	if (len > MBL_SDP_MAX_BODY)
		return fail(&pc, -EMSGSIZE, "SDP body of %zu bytes, at most %d", len,
			    MBL_SDP_MAX_BODY);
	s = body_copy(body, len);
	if (s == NULL || sdp_message_init(&m) != 0) {
		free(s);
		return fail(&pc, -ENOMEM, "out of memory");
	}
	clen = strlen(s);
	if (memchr(body, '\0', len) != NULL)
		rc = fail(&pc, -EINVAL, "NUL byte in the SDP body");
	else if (sdp_message_parse(m, s) != 0)
		rc = fail(&pc, -EINVAL, "not SDP osip2 can read (line types and order, t= line)");
	else
		rc = read_message(&pc, m);
	wipe_keys(m);
	sdp_message_free(m);
	explicit_bzero(s, clen);
	free(s);
	explicit_bzero(&pc.pts, sizeof(pc.pts));
	if (rc < 0) {
		remote_reset(r);
		if (err != NULL && errlen > 0)
			mbl_sdp_sanitize(err); /* it may quote the peer */
	}
	return rc;
}
