/* SPDX-License-Identifier: BSD-3-Clause
 * Batched UDP sends (conf.udp_batch): datagrams sent during one poll turn
 * wait in a small queue and leave with one sendmmsg per socket, so a load
 * generator pays one system call per burst instead of one per message (on
 * a VM every system call also pays the hypervisor). The queue is flushed at
 * the end of every mbl_sip_tp_poll, when full, and by mbl_sip_tp_flush. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sip_tp_priv.h"

int mbl_sip_tp_udpq_init(struct mbl_sip_tp *tp)
{
	tp->udpq = calloc(1, sizeof(*tp->udpq));
	return tp->udpq == NULL ? -ENOMEM : 0;
}

void mbl_sip_tp_udpq_free(struct mbl_sip_tp *tp)
{
	free(tp->udpq);
	tp->udpq = NULL;
}

/* Take one datagram (mh: destination and control data, len <= the slot).
 * Returns 0. */
int mbl_sip_tp_udpq_add(struct mbl_sip_tp *tp, int fd, const struct msghdr *mh, const char *buf,
			size_t len)
{
	struct mbl_sip_tp_udpq *q = tp->udpq;
	struct mbl_sip_tp_udpq_ent *e;

	if (q->n == MBL_SIP_TP_UDPQ)
		mbl_sip_tp_flush(tp);
	e = &q->e[q->n];
	e->fd = fd;
	memcpy(&e->to, mh->msg_name, mh->msg_namelen);
	e->tolen = mh->msg_namelen;
	e->ctllen = mh->msg_controllen;
	if (e->ctllen != 0)
		memcpy(e->ctl.b, mh->msg_control, e->ctllen);
	memcpy(q->buf[q->n], buf, len);
	e->len = (uint32_t)len;
	q->n++;
	return 0;
}

/* One run of datagrams for the same socket. */
static void send_run(struct mbl_sip_tp *tp, unsigned first, unsigned n)
{
	struct mbl_sip_tp_udpq *q = tp->udpq;
	struct mmsghdr mm[MBL_SIP_TP_UDPQ];
	struct iovec iov[MBL_SIP_TP_UDPQ];
	unsigned done = 0;

	memset(mm, 0, sizeof(mm[0]) * n);
	for (unsigned i = 0; i < n; i++) {
		struct mbl_sip_tp_udpq_ent *e = &q->e[first + i];

		iov[i].iov_base = q->buf[first + i];
		iov[i].iov_len = e->len;
		mm[i].msg_hdr.msg_name = &e->to;
		mm[i].msg_hdr.msg_namelen = e->tolen;
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
		mm[i].msg_hdr.msg_control = e->ctllen ? e->ctl.b : NULL;
		mm[i].msg_hdr.msg_controllen = e->ctllen;
	}
	while (done < n) {
		int k = sendmmsg(q->e[first].fd, mm + done, n - done, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (k <= 0) {
			/* the datagram at the head failed (full buffer, no route):
			 * UDP retransmissions cover it; count it and go on */
			tp->st.send_refused++;
			done++;
			continue;
		}
		for (int i = 0; i < k; i++) {
			tp->st.dgrams_out++;
			tp->st.bytes_out += mm[done + i].msg_len;
		}
		done += (unsigned)k;
	}
}

void mbl_sip_tp_flush(struct mbl_sip_tp *tp)
{
	struct mbl_sip_tp_udpq *q = tp->udpq;
	unsigned i = 0;

	if (q == NULL)
		return;
	while (i < q->n) {
		unsigned j = i + 1;

		while (j < q->n && q->e[j].fd == q->e[i].fd)
			j++;
		send_run(tp, i, j - i);
		i = j;
	}
	q->n = 0;
}
