/* SPDX-License-Identifier: BSD-3-Clause
 * The BIO between OpenSSL and the caller's buffers.
 *
 * Why not BIO_s_mem: it is a byte stream, so two records OpenSSL flushed
 * as two datagrams would come out glued together, and mbl_dtls_conn_output
 * must hand out exactly one datagram at a time. OpenSSL 3.0 has no
 * datagram memory BIO (BIO_s_dgram_mem came in 3.2), and a BIO pair is a
 * stream as well. So this small BIO keeps the boundaries itself:
 * - write: OpenSSL's DTLS layer makes one BIO_write per datagram (during
 *   a handshake its buffering BIO collects a flight's records up to the
 *   MTU and flushes them in one write), and each write becomes one queue
 *   entry;
 * - read: hands OpenSSL the one datagram being input, once, then "retry"
 *   (no copy into a buffer of ours: it points into the caller's memory);
 * - ctrl: no pending bytes (OpenSSL sizes the next fragment by the bytes
 *   still unflushed, which are never ours), no MTU queries, flush is a
 *   no-op.
 *
 * The BIO_METHOD is made once per process (pthread_once) and never
 * changed or freed: write-once global state, safe to share.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "dtls_priv.h"

/* ---- the queue ----------------------------------------------------------------------- */

#define DGQ_FIRST_CAP 2048u

static int dgq_room(struct mbl_dtls_dgq *q, uint32_t need)
{
	uint32_t cap;
	uint8_t *nb;

	if (q->head == q->tail)
		q->head = q->tail = 0;
	if (q->tail + need <= q->cap)
		return 0;
	if (q->head > 0) {
		memmove(q->buf, q->buf + q->head, q->tail - q->head);
		q->tail -= q->head;
		q->head = 0;
		if (q->tail + need <= q->cap)
			return 0;
	}
	cap = q->cap ? q->cap : DGQ_FIRST_CAP;
	while (cap < q->tail + need)
		cap *= 2;
	nb = realloc(q->buf, cap);
	if (nb == NULL)
		return -ENOMEM;
	q->buf = nb;
	q->cap = cap;
	return 0;
}

int mbl_dtls_dgq_push(struct mbl_dtls_dgq *q, const void *d, size_t n)
{
	uint32_t need = 2 + (uint32_t)n;

	if (n == 0 || n > UINT16_MAX || q->tail - q->head + need > MBL_DTLS_DGQ_MAX)
		return -ENOBUFS;
	if (dgq_room(q, need) < 0)
		return -ENOMEM;
	q->buf[q->tail] = (uint8_t)(n >> 8);
	q->buf[q->tail + 1] = (uint8_t)n;
	memcpy(q->buf + q->tail + 2, d, n);
	q->tail += need;
	q->pushed++;
	return 0;
}

int mbl_dtls_dgq_pop(struct mbl_dtls_dgq *q, uint8_t *out, size_t cap)
{
	uint32_t n;

	if (q->head == q->tail)
		return 0;
	n = (uint32_t)q->buf[q->head] << 8 | q->buf[q->head + 1];
	if (n > cap)
		return -ENOSPC;
	memcpy(out, q->buf + q->head + 2, n);
	q->head += 2 + n;
	if (q->head == q->tail)
		q->head = q->tail = 0;
	return (int)n;
}

bool mbl_dtls_dgq_empty(const struct mbl_dtls_dgq *q)
{
	return q->head == q->tail;
}

void mbl_dtls_dgq_release(struct mbl_dtls_dgq *q)
{
	free(q->buf);
	q->buf = NULL;
	q->cap = q->head = q->tail = 0;
}

/* ---- the BIO ------------------------------------------------------------------------- */

static int bio_write(BIO *b, const char *d, int n)
{
	struct mbl_dtls_conn *c = BIO_get_data(b);

	BIO_clear_retry_flags(b);
	if (n <= 0)
		return 0;
	/* A datagram the queue refuses is lost, as on a congested link: the
	 * DTLS timers recover it. Failing the write instead would make
	 * OpenSSL abort the handshake. */
	(void)mbl_dtls_dgq_push(&c->out, d, (size_t)n);
	return n;
}

static int bio_read(BIO *b, char *d, int n)
{
	struct mbl_dtls_conn *c = BIO_get_data(b);
	size_t k;

	BIO_clear_retry_flags(b);
	if (c->in == NULL || n <= 0) {
		BIO_set_retry_read(b);
		return -1;
	}
	/* datagram semantics: what does not fit is gone (OpenSSL reads with
	 * a buffer bigger than any record, and input caps the length) */
	k = c->in_len < (size_t)n ? c->in_len : (size_t)n;
	memcpy(d, c->in, k);
	c->in = NULL;
	c->in_len = 0;
	return (int)k;
}

static long bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	(void)b;
	(void)num;
	(void)ptr;
	switch (cmd) {
	case BIO_CTRL_FLUSH:
		return 1;
	case BIO_CTRL_DGRAM_QUERY_MTU:
	case BIO_CTRL_DGRAM_GET_FALLBACK_MTU:
		return MBL_DTLS_MTU;
	default:
		/* PENDING, WPENDING, MTU_EXCEEDED, SET_NEXT_TIMEOUT, ...: 0 */
		return 0;
	}
}

static pthread_once_t meth_once = PTHREAD_ONCE_INIT;
static BIO_METHOD *meth;

static void meth_init(void)
{
	BIO_METHOD *m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "mbl_dtls_dgram");

	if (m == NULL)
		return;
	if (!BIO_meth_set_write(m, bio_write) || !BIO_meth_set_read(m, bio_read) ||
	    !BIO_meth_set_ctrl(m, bio_ctrl)) {
		BIO_meth_free(m);
		return;
	}
	meth = m;
}

BIO *mbl_dtls_bio_new(struct mbl_dtls_conn *c)
{
	BIO *b;

	pthread_once(&meth_once, meth_init);
	if (meth == NULL)
		return NULL;
	b = BIO_new(meth);
	if (b == NULL)
		return NULL;
	BIO_set_data(b, c);
	BIO_set_init(b, 1);
	return b;
}
