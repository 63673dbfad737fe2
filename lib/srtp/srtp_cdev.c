/* SPDX-License-Identifier: BSD-3-Clause
 * The DPDK cryptodev SRTP engine, control half: the device (configure,
 * queue pairs, pools, start), the per-thread queue-pair binding, the
 * cryptodev sessions of a context (keys from our KDF, RFC 3711 4.3), the
 * sync ops (one packet through the queue pair's own mbuf) and the burst
 * API's argument checks. The per-packet ops live in srtp_cdev_pkt.c.
 */
#define ALLOW_EXPERIMENTAL_API /* rte_cryptodev_sym_session_pool_create (22.11) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cryptodev.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "srtp_engine.h"

#define QP_MAX 64
#define QP_DESC 2048
#define OP_CACHE 64
#define OPS_PER_QP 1024
#define SYNC_ROOM UINT16_MAX /* one mbuf per queue pair holds any packet */
#define OP_PRIV_SIZE 96      /* struct op_priv of srtp_cdev_pkt.c, rounded up */
#define IV_OFF (sizeof(struct rte_crypto_op) + sizeof(struct rte_crypto_sym_op))

/* The device. Written by init/fini on the control plane; read-only on the
 * data plane in between (except sync_m[q]: owned by the lcore bound to q). */
static struct {
	bool up;
	uint8_t dev_id;
	uint16_t n_qp;
	struct rte_mempool *sess_mp;
	struct rte_mempool *op_mp;
	struct rte_mempool *mbuf_mp;
	struct rte_mbuf *sync_m[QP_MAX];
} dev;

static RTE_DEFINE_PER_LCORE(uint16_t, bound_qp); /* this thread's queue pair */

uint8_t mbl_cdev_dev_id(void)
{
	return dev.dev_id;
}

uint16_t mbl_cdev_qp(void)
{
	return RTE_PER_LCORE(bound_qp);
}

struct rte_mempool *mbl_cdev_op_pool(void)
{
	return dev.op_mp;
}

int mbl_srtp_cdev_bind_qp(unsigned qp)
{
	if (!dev.up || qp >= dev.n_qp)
		return -EINVAL;
	RTE_PER_LCORE(bound_qp) = (uint16_t)qp;
	return 0;
}

static int find_dev(const char *devname, char *err, size_t errlen)
{
	int id;

	if (devname != NULL) {
		id = rte_cryptodev_get_dev_id(devname);
		if (id < 0)
			snprintf(err, errlen, "no crypto device %s (add --vdev %s to the EAL "
					      "arguments?)", devname, devname);
		return id < 0 ? -ENODEV : id;
	}
	for (id = 0; id < RTE_CRYPTO_MAX_DEVS; id++)
		if (rte_cryptodev_is_valid_dev((uint8_t)id))
			return id;
	snprintf(err, errlen, "no crypto device (EAL created none: --vdev crypto_aesni_mb0?)");
	return -ENODEV;
}

static int make_pools(unsigned n_qp, unsigned n_sessions, int socket, char *err, size_t errlen)
{
	char name[RTE_MEMPOOL_NAMESIZE];
	unsigned int sz = rte_cryptodev_sym_get_private_session_size(dev.dev_id);

	snprintf(name, sizeof(name), "mbl_cdev_sess%u", dev.dev_id);
	dev.sess_mp = rte_cryptodev_sym_session_pool_create(name, n_sessions, sz, 0, 0, socket);
	snprintf(name, sizeof(name), "mbl_cdev_op%u", dev.dev_id);
	dev.op_mp = rte_crypto_op_pool_create(name, RTE_CRYPTO_OP_TYPE_SYMMETRIC,
					      n_qp * OPS_PER_QP + OP_CACHE * RTE_MAX_LCORE / 4,
					      OP_CACHE, OP_PRIV_SIZE, socket);
	snprintf(name, sizeof(name), "mbl_cdev_mb%u", dev.dev_id);
	dev.mbuf_mp = rte_pktmbuf_pool_create(name, n_qp, 0, 0, SYNC_ROOM, socket);
	if (dev.sess_mp == NULL || dev.op_mp == NULL || dev.mbuf_mp == NULL) {
		snprintf(err, errlen, "crypto pools: %s", rte_strerror(rte_errno));
		return -ENOMEM;
	}
	if (rte_pktmbuf_alloc_bulk(dev.mbuf_mp, dev.sync_m, n_qp) != 0) {
		snprintf(err, errlen, "crypto sync mbufs: out of memory");
		return -ENOMEM;
	}
	return 0;
}

static int setup_dev(unsigned n_qp, int socket, char *err, size_t errlen)
{
	struct rte_cryptodev_config conf = { .socket_id = socket, .nb_queue_pairs = n_qp };
	struct rte_cryptodev_qp_conf qc = { .nb_descriptors = QP_DESC, .mp_session = dev.sess_mp };
	int rc;

	rc = rte_cryptodev_configure(dev.dev_id, &conf);
	if (rc < 0) {
		snprintf(err, errlen, "rte_cryptodev_configure: %s", strerror(-rc));
		return rc;
	}
	for (unsigned int q = 0; q < n_qp; q++) {
		rc = rte_cryptodev_queue_pair_setup(dev.dev_id, (uint16_t)q, &qc, socket);
		if (rc < 0) {
			snprintf(err, errlen, "crypto queue pair %u: %s", q, strerror(-rc));
			return rc;
		}
	}
	rc = rte_cryptodev_start(dev.dev_id);
	if (rc < 0)
		snprintf(err, errlen, "rte_cryptodev_start: %s", strerror(-rc));
	return rc;
}

static void free_pools(void)
{
	for (unsigned int q = 0; q < QP_MAX; q++) {
		rte_pktmbuf_free(dev.sync_m[q]);
		dev.sync_m[q] = NULL;
	}
	rte_mempool_free(dev.mbuf_mp);
	rte_mempool_free(dev.op_mp);
	rte_mempool_free(dev.sess_mp);
	dev.mbuf_mp = dev.op_mp = dev.sess_mp = NULL;
}

int mbl_srtp_cdev_init(const char *devname, unsigned n_qp, unsigned n_sessions, char *err,
		       size_t errlen)
{
	struct rte_cryptodev_info info;
	int id, socket, rc;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (dev.up) {
		snprintf(err, errlen, "cryptodev engine already initialised");
		return -EALREADY;
	}
	id = find_dev(devname, err, errlen);
	if (id < 0)
		return id;
	dev.dev_id = (uint8_t)id;
	rte_cryptodev_info_get(dev.dev_id, &info);
	if (n_qp == 0 || n_qp > QP_MAX || n_qp > info.max_nb_queue_pairs || n_sessions == 0) {
		snprintf(err, errlen, "%s: %u queue pairs (1..%u) and %u sessions (> 0)",
			 info.driver_name, n_qp, RTE_MIN(info.max_nb_queue_pairs, (unsigned int)QP_MAX),
			 n_sessions);
		return -EINVAL;
	}
	socket = rte_cryptodev_socket_id(dev.dev_id);
	if (socket < 0)
		socket = SOCKET_ID_ANY;
	rc = make_pools(n_qp, n_sessions, socket, err, errlen);
	if (rc == 0)
		rc = setup_dev(n_qp, socket, err, errlen);
	if (rc < 0) {
		free_pools();
		return rc;
	}
	dev.n_qp = (uint16_t)n_qp;
	dev.up = true;
	return 0;
}

void mbl_srtp_cdev_fini(void)
{
	if (!dev.up)
		return;
	rte_cryptodev_stop(dev.dev_id);
	rte_cryptodev_close(dev.dev_id);
	free_pools();
	dev.up = false;
	dev.n_qp = 0;
}

/* ---- sessions ------------------------------------------------------------- */

/* The xform chain of one direction: AES-CM: encrypt then HMAC (protect),
 * verify then decrypt (unprotect), RFC 3711 3.3 / 3.4; NULL: HMAC only;
 * GCM: one AEAD transform (RFC 7714 8, 9). Returns the session or NULL. */
static void *sess_make(const struct mbl_srtp_suite_info *si, bool out, const uint8_t *ekey,
		       const uint8_t *akey, uint8_t tag_len, uint16_t aad_len)
{
	struct rte_crypto_sym_xform ci = { .type = RTE_CRYPTO_SYM_XFORM_CIPHER };
	struct rte_crypto_sym_xform au = { .type = RTE_CRYPTO_SYM_XFORM_AUTH };
	struct rte_crypto_sym_xform ae = { .type = RTE_CRYPTO_SYM_XFORM_AEAD };

	if (si->aead) {
		ae.aead.op = out ? RTE_CRYPTO_AEAD_OP_ENCRYPT : RTE_CRYPTO_AEAD_OP_DECRYPT;
		ae.aead.algo = RTE_CRYPTO_AEAD_AES_GCM;
		ae.aead.key.data = ekey;
		ae.aead.key.length = si->key_len;
		ae.aead.iv.offset = IV_OFF;
		ae.aead.iv.length = 12;
		ae.aead.digest_length = tag_len;
		ae.aead.aad_length = aad_len;
		return rte_cryptodev_sym_session_create(dev.dev_id, &ae, dev.sess_mp);
	}
	ci.cipher.op = out ? RTE_CRYPTO_CIPHER_OP_ENCRYPT : RTE_CRYPTO_CIPHER_OP_DECRYPT;
	ci.cipher.algo = RTE_CRYPTO_CIPHER_AES_CTR;
	ci.cipher.key.data = ekey;
	ci.cipher.key.length = si->key_len;
	ci.cipher.iv.offset = IV_OFF;
	ci.cipher.iv.length = 16;
	au.auth.op = out ? RTE_CRYPTO_AUTH_OP_GENERATE : RTE_CRYPTO_AUTH_OP_VERIFY;
	au.auth.algo = RTE_CRYPTO_AUTH_SHA1_HMAC;
	au.auth.key.data = akey;
	au.auth.key.length = MBL_SRTP_AUTH_KEY_LEN;
	au.auth.digest_length = tag_len;
	if (si->null_cipher)
		return rte_cryptodev_sym_session_create(dev.dev_id, &au, dev.sess_mp);
	if (out)
		ci.next = &au;
	else
		au.next = &ci;
	return rte_cryptodev_sym_session_create(dev.dev_id, out ? &ci : &au, dev.sess_mp);
}

void *mbl_cdev_gcm_session(struct mbl_srtp_ctx *c, uint16_t aad_len)
{
	struct mbl_cdev_priv *p = c->priv;
	unsigned int i;

	for (i = 0; i < MBL_CDEV_GCM_SESS && p->gcm[i].aad_len != 0; i++)
		if (p->gcm[i].aad_len == aad_len)
			return p->gcm[i].sess;
	if (i == MBL_CDEV_GCM_SESS)
		return NULL;
	p->gcm[i].sess = sess_make(c->suite, c->outbound, p->rtp_key, NULL,
				   c->suite->srtp_tag_len, aad_len);
	if (p->gcm[i].sess != NULL)
		p->gcm[i].aad_len = aad_len;
	return p->gcm[i].sess;
}

/* Session keys of one kind (RTP labels 0-2 or RTCP labels 3-5, RFC 3711
 * 4.3.2) into enc / auth / salt. MBL_SRTP_F_SESSION_KEYS (AEAD only, so no
 * auth key): k's key and salt are already the session key and salt. */
static int derive(const struct mbl_srtp_ctx *c, const struct mbl_srtp_key *k, uint8_t label0,
		  uint8_t *enc, uint8_t *auth, uint8_t *salt)
{
	const struct mbl_srtp_suite_info *si = c->suite;
	int rc;

	if (c->session_keys) {
		memcpy(enc, k->key, si->key_len);
		memcpy(salt, k->salt, si->salt_len);
		return 0;
	}
	rc = mbl_srtp_kdf(k, label0, enc, si->key_len);

	if (rc == 0 && !si->aead)
		rc = mbl_srtp_kdf(k, label0 + 1, auth, MBL_SRTP_AUTH_KEY_LEN);
	if (rc == 0)
		rc = mbl_srtp_kdf(k, label0 + 2, salt, si->salt_len);
	return rc;
}

static int sessions_make(struct mbl_srtp_ctx *c, const struct mbl_srtp_key *k)
{
	const struct mbl_srtp_suite_info *si = c->suite;
	struct mbl_cdev_priv *p = c->priv;
	uint8_t enc[MBL_SRTP_MAX_KEY], auth[MBL_SRTP_AUTH_KEY_LEN];
	int rc;

	rc = derive(c, k, MBL_SRTP_LABEL_RTP_ENC, p->rtp_key, auth, p->rtp_salt);
	if (rc == 0) {
		/* authenticate-only receiver: the HMAC alone, as for a NULL suite */
		const struct mbl_srtp_suite_info *rtp_si =
			c->auth_only ? mbl_srtp_suite_get(MBL_SRTP_NULL_HMAC_SHA1_80) : si;

		p->rtp_sess = sess_make(rtp_si, c->outbound, p->rtp_key, auth, si->srtp_tag_len,
					12);
		rc = derive(c, k, MBL_SRTP_LABEL_RTCP_ENC, enc, auth, p->rtcp_salt);
	}
	if (rc == 0)
		p->rtcp_sess = sess_make(si, c->outbound, enc, auth, si->srtcp_tag_len, 12);
	explicit_bzero(enc, sizeof(enc));
	explicit_bzero(auth, sizeof(auth));
	if (!si->aead)
		explicit_bzero(p->rtp_key, sizeof(p->rtp_key));
	else if (p->rtp_sess != NULL) {
		p->gcm[0].aad_len = 12; /* the common RTP header: no CSRC, no extension */
		p->gcm[0].sess = p->rtp_sess;
	}
	if (rc == 0 && (p->rtp_sess == NULL || p->rtcp_sess == NULL))
		rc = rte_errno != 0 ? -rte_errno : -ENOTSUP;
	return rc;
}

static void cdev_free(struct mbl_srtp_ctx *c)
{
	struct mbl_cdev_priv *p = c->priv;

	if (p == NULL)
		return;
	for (unsigned int i = 0; i < MBL_CDEV_GCM_SESS; i++)
		if (p->gcm[i].sess != NULL && p->gcm[i].sess != p->rtp_sess)
			rte_cryptodev_sym_session_free(dev.dev_id, p->gcm[i].sess);
	if (p->rtp_sess != NULL)
		rte_cryptodev_sym_session_free(dev.dev_id, p->rtp_sess);
	if (p->rtcp_sess != NULL)
		rte_cryptodev_sym_session_free(dev.dev_id, p->rtcp_sess);
	explicit_bzero(p, sizeof(*p));
	free(p);
	c->priv = NULL;
}

static int cdev_create(struct mbl_srtp_ctx *c, const struct mbl_srtp_key *k, char *err,
		       size_t errlen)
{
	struct mbl_cdev_priv *p;
	int rc;

	if (!dev.up) {
		/* ENOTSUP as before the engine existed: not available here */
		snprintf(err, errlen, "cryptodev SRTP engine: no device (mbl_srtp_cdev_init "
				      "not called)");
		return -ENOTSUP;
	}
	if (c->auth_only && c->suite->aead) {
		snprintf(err, errlen, "%s cannot authenticate without decrypting (the GCM tag "
			 "check is the decryption): authenticate-only needs an HMAC-SHA1 suite",
			 c->suite->name);
		return -ENOTSUP;
	}
	if (c->session_keys && !c->suite->aead) {
		snprintf(err, errlen, "%s: session keys are taken for the AEAD suites only (an "
			 "HMAC suite also needs a session authentication key)", c->suite->name);
		return -ENOTSUP;
	}
	p = calloc(1, sizeof(*p));
	if (p == NULL) {
		snprintf(err, errlen, "out of memory for a cryptodev SRTP context");
		return -ENOMEM;
	}
	c->priv = p;
	/* the low mki_len bytes, as srtp_libsrtp.c hands them to libsrtp */
	p->mki = k->mki_len == 0 ? 0 : k->mki_len >= 4 ? k->mki :
		 k->mki & ((UINT32_C(1) << (8 * k->mki_len)) - 1);
	mbl_srtp_replay_init(&p->rtp, 0);
	mbl_srtp_replay_init(&p->rtcp, 0);
	rte_errno = 0;
	rc = sessions_make(c, k);
	if (rc < 0) {
		snprintf(err, errlen, "crypto device %s cannot do suite %s (%s)",
			 rte_cryptodev_name_get(dev.dev_id), c->suite->name, strerror(-rc));
		cdev_free(c);
	}
	return rc;
}

/* Rekey: the SRTP index state (ROC, window, and the receiver's estimate)
 * goes on; SRTCP restarts with the new key. */
static int cdev_inherit(struct mbl_srtp_ctx *dst, const struct mbl_srtp_ctx *src)
{
	struct mbl_cdev_priv *d = dst->priv;
	const struct mbl_cdev_priv *s = src->priv;

	d->rtp = s->rtp;
	d->est = s->est;
	return 0;
}

/* Late start: the ROC a stream's first packet is taken at (the replay
 * state has not started, so the index estimate uses init_roc). */
static int cdev_first_roc(struct mbl_srtp_ctx *c, uint32_t ssrc, uint32_t roc)
{
	struct mbl_cdev_priv *p = c->priv;

	(void)ssrc;
	if (p->rtp.started)
		return -EALREADY;
	p->rtp.init_roc = roc;
	return 0;
}

/* ---- sync ops: one packet through this queue pair's mbuf ------------------- */

static int sync_run(enum mbl_cdev_kind kind, struct mbl_srtp_ctx *c, uint8_t *pkt,
		    uint32_t *len, uint32_t grow)
{
	struct rte_mbuf *m = dev.sync_m[mbl_cdev_qp()];
	uint16_t off = 0;
	uint8_t *d;
	int rc = 0;

	rte_pktmbuf_reset(m);
	m->data_off = 0; /* the whole 64 KiB room: any UDP payload fits */
	if (*len + grow + 4 > m->buf_len)
		return -ENOSPC;
	d = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)*len);
	memcpy(d, pkt, *len);
	mbl_cdev_run(kind, &c, &m, &off, 1, &rc);
	if (rc == 0) {
		memcpy(pkt, d, m->data_len);
		*len = m->data_len;
	}
	return rc;
}

static uint32_t tail(const struct mbl_srtp_ctx *c, bool rtcp)
{
	if (rtcp)
		return 4u + c->mki_len + c->suite->srtcp_tag_len;
	return (uint32_t)c->mki_len + c->suite->srtp_tag_len;
}

static int cdev_protect(struct mbl_srtp_ctx *c, uint8_t *pkt, uint32_t *len)
{
	return sync_run(MBL_CDEV_RTP_PROTECT, c, pkt, len, tail(c, false));
}

static int cdev_unprotect(struct mbl_srtp_ctx *c, uint8_t *pkt, uint32_t *len)
{
	return sync_run(MBL_CDEV_RTP_UNPROTECT, c, pkt, len, 0);
}

static int cdev_protect_rtcp(struct mbl_srtp_ctx *c, uint8_t *pkt, uint32_t *len)
{
	return sync_run(MBL_CDEV_RTCP_PROTECT, c, pkt, len, tail(c, true));
}

static int cdev_unprotect_rtcp(struct mbl_srtp_ctx *c, uint8_t *pkt, uint32_t *len)
{
	return sync_run(MBL_CDEV_RTCP_UNPROTECT, c, pkt, len, 0);
}

const struct mbl_srtp_engine_ops mbl_srtp_cdev_ops = {
	.name = "cryptodev",
	.create = cdev_create,
	.free = cdev_free,
	.protect = cdev_protect,
	.unprotect = cdev_unprotect,
	.protect_rtcp = cdev_protect_rtcp,
	.unprotect_rtcp = cdev_unprotect_rtcp,
	.inherit = cdev_inherit,
	.first_roc = cdev_first_roc,
};

/* ---- burst API: the checks srtp_engine.c does for the byte-buffer calls --- */

static uint32_t be32_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* RFC 3550 5.1 / 6.4.1 minimum and version, the context's SSRC and
 * direction, our key lifetime (RFC 4568 6.1). A packet that passes is
 * counted against the lifetime now (so a burst cannot overrun it) and
 * uncounted if it fails later. */
static int burst_check(struct mbl_srtp_ctx *c, struct rte_mbuf *m, uint16_t off, bool rtcp,
		       bool protect)
{
	uint32_t min = (rtcp ? 8u : 12u) + (protect ? 0 : tail(c, rtcp));
	const uint8_t *p;
	uint32_t len;

	if (c->ops != &mbl_srtp_cdev_ops || protect != c->outbound)
		return -EPERM;
	if (!rte_pktmbuf_is_contiguous(m) || off > m->data_len)
		return -EINVAL;
	p = rte_pktmbuf_mtod_offset(m, const uint8_t *, off);
	len = m->data_len - off;
	if (len < min || (p[0] >> 6) != 2)
		return -EINVAL;
	if (be32_at(p + (rtcp ? 4 : 8)) != c->ssrc && !(c->any_ssrc && !c->bound))
		return -ESRCH;
	if (c->lifetime != 0 && c->n_rtp + c->n_rtcp >= c->lifetime)
		return -EKEYEXPIRED;
	if (rtcp)
		c->n_rtcp++;
	else
		c->n_rtp++;
	return 0;
}

/* After the cycle: uncount failures; an any-SSRC context binds to the
 * first SSRC that authenticated (two SSRCs in its first burst: the later
 * one is refused like any other stranger). */
static void burst_done(struct mbl_srtp_ctx *c, struct rte_mbuf *m, uint16_t off, bool rtcp,
		       int *rc)
{
	uint32_t ssrc;

	if (*rc == 0 && c->any_ssrc) {
		ssrc = be32_at(rte_pktmbuf_mtod_offset(m, const uint8_t *, off + (rtcp ? 4 : 8)));
		if (!c->bound) {
			c->ssrc = ssrc;
			c->bound = true;
		} else if (ssrc != c->ssrc) {
			*rc = -ESRCH;
		}
	}
	if (*rc != 0 && rtcp)
		c->n_rtcp--;
	else if (*rc != 0)
		c->n_rtp--;
	if (!rtcp && *rc == 0 && !c->outbound)
		c->rx_started = true;
}

#define BURST_CHUNK 64

static uint16_t burst_chunk(enum mbl_cdev_kind kind, struct mbl_srtp_ctx **ctx,
			    struct rte_mbuf **m, uint16_t *off, uint16_t n, int *rc)
{
	bool rtcp = kind == MBL_CDEV_RTCP_PROTECT || kind == MBL_CDEV_RTCP_UNPROTECT;
	bool protect = kind == MBL_CDEV_RTP_PROTECT || kind == MBL_CDEV_RTCP_PROTECT;
	bool counted[BURST_CHUNK];
	uint16_t i, ok = 0;

	for (i = 0; i < n; i++) {
		rc[i] = ctx[i] == NULL || m[i] == NULL ? -EINVAL : 0;
		if (rc[i] == 0)
			rc[i] = burst_check(ctx[i], m[i], off[i], rtcp, protect);
		counted[i] = rc[i] == 0;
	}
	mbl_cdev_run(kind, ctx, m, off, n, rc);
	for (i = 0; i < n; i++) {
		if (counted[i])
			burst_done(ctx[i], m[i], off[i], rtcp, &rc[i]);
		ok += rc[i] == 0;
	}
	return ok;
}

static uint16_t burst(enum mbl_cdev_kind kind, struct mbl_srtp_ctx **ctx, struct rte_mbuf **m,
		      uint16_t *off, uint16_t n, int *rc)
{
	uint16_t done = 0, ok = 0, k;

	if (!dev.up) {
		for (k = 0; k < n; k++)
			rc[k] = -ENODEV;
		return 0;
	}
	while (done < n) {
		k = (uint16_t)RTE_MIN(n - done, BURST_CHUNK);
		ok += burst_chunk(kind, ctx + done, m + done, off + done, k, rc + done);
		done += k;
	}
	return ok;
}

uint16_t mbl_srtp_cdev_protect_burst(struct mbl_srtp_ctx **ctx, struct rte_mbuf **m,
				     uint16_t *rtp_off, uint16_t n, int *rc)
{
	return burst(MBL_CDEV_RTP_PROTECT, ctx, m, rtp_off, n, rc);
}

uint16_t mbl_srtp_cdev_unprotect_burst(struct mbl_srtp_ctx **ctx, struct rte_mbuf **m,
				       uint16_t *rtp_off, uint16_t n, int *rc)
{
	return burst(MBL_CDEV_RTP_UNPROTECT, ctx, m, rtp_off, n, rc);
}

uint16_t mbl_srtp_cdev_protect_rtcp_burst(struct mbl_srtp_ctx **ctx, struct rte_mbuf **m,
					  uint16_t *rtcp_off, uint16_t n, int *rc)
{
	return burst(MBL_CDEV_RTCP_PROTECT, ctx, m, rtcp_off, n, rc);
}

uint16_t mbl_srtp_cdev_unprotect_rtcp_burst(struct mbl_srtp_ctx **ctx, struct rte_mbuf **m,
					    uint16_t *rtcp_off, uint16_t n, int *rc)
{
	return burst(MBL_CDEV_RTCP_UNPROTECT, ctx, m, rtcp_off, n, rc);
}
