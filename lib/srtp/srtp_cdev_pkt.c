/* SPDX-License-Identifier: BSD-3-Clause
 * The DPDK cryptodev SRTP engine, per-packet half: one rte_crypto_op per
 * packet on a single-segment mbuf, and one enqueue / busy-poll dequeue
 * cycle for a burst of them. Our framing around the device's AES and HMAC:
 *
 * - SRTP, AES-CM / NULL (RFC 3711 3.1, 4.2): the HMAC covers
 *   header || payload || ROC, so the 4-byte ROC is written right after
 *   the payload, inside the room the MKI and tag take (tag >= 4 bytes), the
 *   auth region runs over it, and the digest goes to the op's private area
 *   (protect: then MKI and tag overwrite the ROC; unprotect: the received
 *   tag is copied there first and the device verifies it). The MKI is not
 *   authenticated (as libsrtp 2.5 does it).
 * - SRTP, GCM (RFC 7714 8): AAD = the header with CSRCs and extension, in
 *   place; the tag right after the ciphertext, then the MKI.
 * - SRTCP (RFC 3711 3.4, RFC 7714 9): the trailer from srtp_frame.c; HMAC
 *   over RTCP || E|index with the tag in place; GCM AAD = header || E|index
 *   copied to the op's private area.
 * Index and replay: outbound and inbound both estimate the index from the
 * window (libsrtp does the same on send and refuses a repeated index);
 * inbound updates the window only after the tag verified.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <rte_cryptodev.h>
#include <rte_mbuf.h>

#include "srtp_engine.h"

#define RUN_MAX 64
#define ROC_LEN 4

/* After the sym op: the IV first (its offset is in every session). */
struct op_priv {
	uint8_t iv[16];
	uint8_t aad[16];    /* SRTCP GCM: header || E|index */
	uint8_t digest[20]; /* HMAC SRTP: the generated, or the received, tag */
	uint64_t index;     /* SRTP / SRTCP index of the packet */
	uint32_t body;      /* inbound: packet bytes before the trailer */
	uint16_t slot;      /* the packet's place in the run */
};

#define OP_PRIV_OFF (sizeof(struct rte_crypto_op) + sizeof(struct rte_crypto_sym_op))
_Static_assert(sizeof(struct op_priv) <= 96, "OP_PRIV_SIZE in srtp_cdev.c");

static struct op_priv *op_priv(struct rte_crypto_op *op)
{
	return (struct op_priv *)((uint8_t *)op + OP_PRIV_OFF);
}

static void be32_put(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t be32_get(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* RTP header bytes with CSRCs and extension (RFC 3550 5.1, 5.3.1): where
 * encryption starts. -EINVAL if they run past len. */
static int rtp_hdr_len(const uint8_t *p, uint32_t len, uint32_t *h)
{
	uint32_t n = 12 + 4u * (p[0] & 0x0f);

	if ((p[0] & 0x10) != 0) {
		if (n + 4 > len)
			return -EINVAL;
		n += 4 + 4u * ((uint32_t)p[n + 2] << 8 | p[n + 3]);
	}
	if (n > len)
		return -EINVAL;
	*h = n;
	return 0;
}

/* The packet index of SEQ (RFC 3711 3.3.1) as libsrtp 2.5 guesses it from
 * est: its window-based guess, except that while ROC is 0 nothing can be
 * from "ROC - 1", so a SEQ far ahead of s_l is ROC 0 too. Then the replay
 * check against r (3.3.2). */
static int rtp_index(const struct mbl_srtp_replay *est, const struct mbl_srtp_replay *r,
		     uint16_t seq, uint64_t *index)
{
	int rc = mbl_srtp_rx_index(est, seq, index);

	if (rc == -ERANGE && (est->top >> 16) == 0) {
		*index = seq;
		rc = 0;
	}
	if (rc == 0 && mbl_srtp_replay_check(r, *index) != MBL_SRTP_REPLAY_OK)
		rc = -EALREADY;
	return rc < 0 ? -EALREADY : 0;
}

/* Inbound, within one burst: the next packet's guess starts from the
 * highest index guessed so far, as if the earlier ones had verified (a
 * wrap inside the burst). A forged one can only spoil the rest of its
 * burst: est restarts from the verified state at every burst. */
static void est_advance(struct mbl_srtp_replay *est, uint64_t index)
{
	if (!est->started || index > est->top) {
		est->started = true;
		est->top = index;
	}
}

static void op_data(struct rte_crypto_op *op, const struct mbl_srtp_suite_info *si,
		    uint32_t c_off, uint32_t c_len, uint32_t a_off, uint32_t a_len)
{
	struct rte_crypto_sym_op *s = op->sym;

	if (si->aead) {
		s->aead.data.offset = c_off;
		s->aead.data.length = c_len;
		return;
	}
	s->cipher.data.offset = c_off;
	s->cipher.data.length = si->null_cipher ? 0 : c_len;
	s->auth.data.offset = a_off;
	s->auth.data.length = a_len;
}

/* The digest: in the op's private area (HMAC SRTP), or in the packet. */
static void op_digest(struct rte_crypto_op *op, struct rte_mbuf *m, int32_t at)
{
	struct rte_crypto_sym_op *s = op->sym;

	if (at < 0) {
		s->auth.digest.data = op_priv(op)->digest;
		s->auth.digest.phys_addr = rte_crypto_op_ctophys_offset(
			op, OP_PRIV_OFF + offsetof(struct op_priv, digest));
		return;
	}
	s->auth.digest.data = rte_pktmbuf_mtod_offset(m, uint8_t *, at);
	s->auth.digest.phys_addr = rte_pktmbuf_iova_offset(m, at);
}

static void op_aad_gcm(struct rte_crypto_op *op, struct rte_mbuf *m, uint32_t pkt_off,
		       uint32_t tag_at)
{
	struct rte_crypto_sym_op *s = op->sym;

	s->aead.aad.data = rte_pktmbuf_mtod_offset(m, uint8_t *, pkt_off);
	s->aead.aad.phys_addr = rte_pktmbuf_iova_offset(m, pkt_off);
	s->aead.digest.data = rte_pktmbuf_mtod_offset(m, uint8_t *, tag_at);
	s->aead.digest.phys_addr = rte_pktmbuf_iova_offset(m, tag_at);
}

static void iv_set(struct rte_crypto_op *op, const struct mbl_srtp_suite_info *si,
		   const uint8_t *salt, uint32_t ssrc, uint64_t index)
{
	if (si->aead)
		mbl_srtp_gcm_iv(salt, ssrc, index, op_priv(op)->iv);
	else
		mbl_srtp_cm_iv(salt, ssrc, index, op_priv(op)->iv);
}

/* ---- SRTP ------------------------------------------------------------------ */

static int prep_rtp_protect(struct mbl_srtp_ctx *c, struct rte_mbuf *m, uint16_t off,
			    struct rte_crypto_op *op)
{
	const struct mbl_srtp_suite_info *si = c->suite;
	struct mbl_cdev_priv *p = c->priv;
	uint8_t *pkt = rte_pktmbuf_mtod_offset(m, uint8_t *, off);
	uint32_t len = m->data_len - off, grow = c->mki_len + si->srtp_tag_len, h;
	void *sess = p->rtp_sess;
	uint64_t index;

	if (rtp_hdr_len(pkt, len, &h) < 0)
		return -EINVAL;
	if (rte_pktmbuf_tailroom(m) < grow)
		return -ENOSPC;
	if (rtp_index(&p->rtp, &p->rtp, (uint16_t)(pkt[2] << 8 | pkt[3]), &index) < 0)
		return -EALREADY;
	if (si->aead && (sess = mbl_cdev_gcm_session(c, (uint16_t)h)) == NULL)
		return -ENOMEM;
	mbl_srtp_replay_update(&p->rtp, index); /* this index is used up */
	rte_pktmbuf_append(m, (uint16_t)grow);
	rte_crypto_op_attach_sym_session(op, sess);
	op->sym->m_src = m;
	op_priv(op)->index = index;
	iv_set(op, si, p->rtp_salt, be32_get(pkt + 8), index);
	op_data(op, si, off + h, len - h, off, len + ROC_LEN);
	if (si->aead) {
		op_aad_gcm(op, m, off, off + len);
		mbl_srtp_mki_put(pkt + len + si->srtp_tag_len, p->mki, c->mki_len);
	} else {
		be32_put(pkt + len, (uint32_t)(index >> 16)); /* RFC 3711 4.2 */
		op_digest(op, m, -1);
	}
	return 0;
}

static int prep_rtp_unprotect(struct mbl_srtp_ctx *c, struct rte_mbuf *m, uint16_t off,
			      struct rte_crypto_op *op)
{
	const struct mbl_srtp_suite_info *si = c->suite;
	struct mbl_cdev_priv *p = c->priv;
	uint8_t *pkt = rte_pktmbuf_mtod_offset(m, uint8_t *, off);
	uint32_t body = m->data_len - off - c->mki_len - si->srtp_tag_len, h;
	uint32_t mki_at = si->aead ? body + si->srtp_tag_len : body;
	void *sess = p->rtp_sess;
	uint64_t index;

	if (rtp_hdr_len(pkt, body, &h) < 0)
		return -EINVAL;
	if (mbl_srtp_mki_get(pkt + mki_at, c->mki_len) != p->mki)
		return -EINVAL; /* an MKI we do not know (libsrtp: bad_mki) */
	if (rtp_index(&p->est, &p->rtp, (uint16_t)(pkt[2] << 8 | pkt[3]), &index) < 0)
		return -EALREADY;
	if (si->aead && (sess = mbl_cdev_gcm_session(c, (uint16_t)h)) == NULL)
		return -ENOMEM;
	est_advance(&p->est, index);
	rte_crypto_op_attach_sym_session(op, sess);
	op->sym->m_src = m;
	op_priv(op)->index = index;
	op_priv(op)->body = body;
	iv_set(op, si, p->rtp_salt, be32_get(pkt + 8), index);
	op_data(op, si, off + h, body - h, off, body + ROC_LEN);
	if (si->aead) {
		op_aad_gcm(op, m, off, off + body);
		return 0;
	}
	memcpy(op_priv(op)->digest, pkt + body + c->mki_len, si->srtp_tag_len);
	be32_put(pkt + body, (uint32_t)(index >> 16)); /* over MKI / tag: saved */
	op_digest(op, m, -1);
	return 0;
}

static int done_rtp_protect(struct mbl_srtp_ctx *c, struct rte_mbuf *m, uint16_t off,
			    struct rte_crypto_op *op)
{
	const struct mbl_srtp_suite_info *si = c->suite;
	uint8_t *end;

	if (si->aead)
		return 0;
	end = rte_pktmbuf_mtod_offset(m, uint8_t *, m->data_len - c->mki_len - si->srtp_tag_len);
	(void)off;
	mbl_srtp_mki_put(end, ((struct mbl_cdev_priv *)c->priv)->mki, c->mki_len);
	memcpy(end + c->mki_len, op_priv(op)->digest, si->srtp_tag_len);
	return 0;
}

static int done_unprotect(struct mbl_srtp_replay *r, struct rte_mbuf *m, uint16_t off,
			  struct rte_crypto_op *op)
{
	struct op_priv *o = op_priv(op);

	/* a second copy of the same index in this burst: the first one won */
	if (mbl_srtp_replay_check(r, o->index) != MBL_SRTP_REPLAY_OK)
		return -EALREADY;
	mbl_srtp_replay_update(r, o->index);
	rte_pktmbuf_trim(m, (uint16_t)(m->data_len - off - o->body));
	return 0;
}

/* ---- SRTCP ----------------------------------------------------------------- */

static int prep_rtcp_protect(struct mbl_srtp_ctx *c, struct rte_mbuf *m, uint16_t off,
			     struct rte_crypto_op *op)
{
	const struct mbl_srtp_suite_info *si = c->suite;
	struct mbl_cdev_priv *p = c->priv;
	uint8_t *pkt = rte_pktmbuf_mtod_offset(m, uint8_t *, off);
	uint32_t len = m->data_len - off, grow = 4u + c->mki_len + si->srtcp_tag_len;
	struct mbl_srtcp_layout l;

	if (rte_pktmbuf_tailroom(m) < grow)
		return -ENOSPC;
	if (p->rtcp_tx_index >= MBL_SRTCP_INDEX_MAX)
		return -EKEYEXPIRED; /* the 31-bit SRTCP index is used up (3.4) */
	if (mbl_srtcp_trailer_put(pkt, len, len + grow, si->aead, !si->null_cipher,
				  p->rtcp_tx_index + 1, p->mki, c->mki_len, si->srtcp_tag_len,
				  &l) < 0)
		return -EINVAL;
	p->rtcp_tx_index++;
	rte_pktmbuf_append(m, (uint16_t)grow);
	rte_crypto_op_attach_sym_session(op, p->rtcp_sess);
	op->sym->m_src = m;
	iv_set(op, si, p->rtcp_salt, be32_get(pkt + 4), p->rtcp_tx_index);
	op_data(op, si, off + MBL_SRTCP_HDR_LEN, len - MBL_SRTCP_HDR_LEN, off,
		(uint32_t)l.auth_len);
	if (si->aead) {
		memcpy(op_priv(op)->aad, pkt, MBL_SRTCP_HDR_LEN);
		memcpy(op_priv(op)->aad + MBL_SRTCP_HDR_LEN, pkt + l.index_off, 4);
		op_aad_gcm(op, m, off, off + (uint32_t)l.tag_off);
		op->sym->aead.aad.data = op_priv(op)->aad;
		op->sym->aead.aad.phys_addr = rte_crypto_op_ctophys_offset(
			op, OP_PRIV_OFF + offsetof(struct op_priv, aad));
	} else {
		op_digest(op, m, (int32_t)(off + l.tag_off));
	}
	return 0;
}

static int prep_rtcp_unprotect(struct mbl_srtp_ctx *c, struct rte_mbuf *m, uint16_t off,
			       struct rte_crypto_op *op)
{
	const struct mbl_srtp_suite_info *si = c->suite;
	struct mbl_cdev_priv *p = c->priv;
	uint8_t *pkt = rte_pktmbuf_mtod_offset(m, uint8_t *, off);
	struct mbl_srtcp_layout l;
	uint32_t index, mki;
	bool enc;

	if (mbl_srtcp_trailer_get(pkt, m->data_len - off, si->aead, c->mki_len,
				  si->srtcp_tag_len, &enc, &index, &mki, &l) < 0 ||
	    mki != p->mki)
		return -EINVAL;
	/* RFC 3711 3.4: E clear means "not encrypted"; with a suite that
	 * encrypts that is a downgrade we refuse before any crypto, as
	 * libsrtp 2.5 does (its cant_check, -EINVAL through the engine map). */
	if (!enc && !si->null_cipher)
		return -EINVAL;
	if (mbl_srtp_replay_check(&p->rtcp, index) != MBL_SRTP_REPLAY_OK)
		return -EALREADY;
	rte_crypto_op_attach_sym_session(op, p->rtcp_sess);
	op->sym->m_src = m;
	op_priv(op)->index = index;
	op_priv(op)->body = (uint32_t)l.rtcp_len;
	iv_set(op, si, p->rtcp_salt, be32_get(pkt + 4), index);
	op_data(op, si, off + MBL_SRTCP_HDR_LEN, (uint32_t)l.rtcp_len - MBL_SRTCP_HDR_LEN,
		off, (uint32_t)l.auth_len);
	if (si->aead) {
		memcpy(op_priv(op)->aad, pkt, MBL_SRTCP_HDR_LEN);
		memcpy(op_priv(op)->aad + MBL_SRTCP_HDR_LEN, pkt + l.index_off, 4);
		op_aad_gcm(op, m, off, off + (uint32_t)l.tag_off);
		op->sym->aead.aad.data = op_priv(op)->aad;
		op->sym->aead.aad.phys_addr = rte_crypto_op_ctophys_offset(
			op, OP_PRIV_OFF + offsetof(struct op_priv, aad));
	} else {
		op_digest(op, m, (int32_t)(off + l.tag_off));
	}
	return 0;
}

/* ---- one enqueue / dequeue cycle -------------------------------------------- */

static int prep(enum mbl_cdev_kind kind, struct mbl_srtp_ctx *c, struct rte_mbuf *m,
		uint16_t off, struct rte_crypto_op *op)
{
	switch (kind) {
	case MBL_CDEV_RTP_PROTECT:
		return prep_rtp_protect(c, m, off, op);
	case MBL_CDEV_RTP_UNPROTECT:
		return prep_rtp_unprotect(c, m, off, op);
	case MBL_CDEV_RTCP_PROTECT:
		return prep_rtcp_protect(c, m, off, op);
	case MBL_CDEV_RTCP_UNPROTECT:
		return prep_rtcp_unprotect(c, m, off, op);
	}
	return -EINVAL;
}

static int done(enum mbl_cdev_kind kind, struct mbl_srtp_ctx *c, struct rte_mbuf *m,
		uint16_t off, struct rte_crypto_op *op)
{
	struct mbl_cdev_priv *p = c->priv;

	if (op->status == RTE_CRYPTO_OP_STATUS_AUTH_FAILED)
		return -EBADMSG;
	if (op->status != RTE_CRYPTO_OP_STATUS_SUCCESS)
		return -EIO;
	switch (kind) {
	case MBL_CDEV_RTP_PROTECT:
		return done_rtp_protect(c, m, off, op);
	case MBL_CDEV_RTP_UNPROTECT:
		return done_unprotect(&p->rtp, m, off, op);
	case MBL_CDEV_RTCP_PROTECT:
		return 0;
	case MBL_CDEV_RTCP_UNPROTECT:
		return done_unprotect(&p->rtcp, m, off, op);
	}
	return -EINVAL;
}

static uint16_t run_chunk(enum mbl_cdev_kind kind, struct mbl_srtp_ctx **c,
			  struct rte_mbuf **m, const uint16_t *off, uint16_t n, int *rc)
{
	struct rte_crypto_op *ops[RUN_MAX], *back[RUN_MAX];
	uint8_t dev_id = mbl_cdev_dev_id();
	uint16_t qp = mbl_cdev_qp(), k = 0, sent = 0, got = 0, ok = 0, i, j, nb;

	if (rte_crypto_op_bulk_alloc(mbl_cdev_op_pool(), RTE_CRYPTO_OP_TYPE_SYMMETRIC, ops, n) == 0) {
		for (i = 0; i < n; i++)
			rc[i] = rc[i] != 0 ? rc[i] : -ENOBUFS;
		return 0;
	}
	for (i = 0; kind == MBL_CDEV_RTP_UNPROTECT && i < n; i++)
		if (rc[i] == 0)
			((struct mbl_cdev_priv *)c[i]->priv)->est =
				((struct mbl_cdev_priv *)c[i]->priv)->rtp;
	for (i = 0; i < n; i++) {
		if (rc[i] == 0)
			rc[i] = prep(kind, c[i], m[i], off[i], ops[k]);
		if (rc[i] == 0)
			op_priv(ops[k++])->slot = i;
	}
	for (i = k; i < n; i++)
		rte_crypto_op_free(ops[i]);
	while (got < k) { /* busy-poll: the device owns the ops until they are back */
		if (sent < k)
			sent += rte_cryptodev_enqueue_burst(dev_id, qp, ops + sent, k - sent);
		nb = rte_cryptodev_dequeue_burst(dev_id, qp, back, k - got);
		for (j = 0; j < nb; j++) {
			i = op_priv(back[j])->slot; /* ops may come back in any order */
			rc[i] = done(kind, c[i], m[i], off[i], back[j]);
			rte_crypto_op_free(back[j]);
		}
		got += nb;
	}
	for (i = 0; i < n; i++)
		ok += rc[i] == 0;
	return ok;
}

uint16_t mbl_cdev_run(enum mbl_cdev_kind kind, struct mbl_srtp_ctx **c, struct rte_mbuf **m,
		      const uint16_t *off, uint16_t n, int *rc)
{
	uint16_t done_n = 0, ok = 0, k;

	while (done_n < n) {
		k = (uint16_t)RTE_MIN(n - done_n, RUN_MAX);
		ok += run_chunk(kind, c + done_n, m + done_n, off + done_n, k, rc + done_n);
		done_n += k;
	}
	return ok;
}
