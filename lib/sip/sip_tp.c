/* SPDX-License-Identifier: BSD-3-Clause
 * SIP transport: the instance, listeners, UDP and the poll loop. Stream
 * connections live in sip_tp_conn.c, their framing in sip_tp_stream.c and
 * TLS in sip_tls.c.
 *
 * One epoll instance watches every socket; epoll data carries a kind and a
 * listener index or connection id (never a pointer), so an event for a
 * connection closed earlier in the same batch finds nothing and is
 * skipped.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mbl_common.h"
#include "sip_tp_priv.h"

#define UDP_BATCH 32   /* datagrams per recvmmsg */
#define UDP_ROUNDS 4   /* recvmmsg calls per event, then let others run */
#define UDP_SOCKBUF (8 << 20) /* socket buffers, each way */
#define POLL_EVENTS 64

/* ---- names ---------------------------------------------------------------------- */

const char *mbl_sip_proto_name(enum mbl_sip_proto p)
{
	static const char *const n[] = {"UDP", "TCP", "TLS", "WS", "WSS"};

	return (unsigned)p < MBL_ARRAY_SIZE(n) ? n[p] : NULL;
}

bool mbl_sip_proto_tls(enum mbl_sip_proto p)
{
	return p == MBL_SIP_TLS || p == MBL_SIP_WSS;
}

bool mbl_sip_proto_ws(enum mbl_sip_proto p)
{
	return p == MBL_SIP_WS || p == MBL_SIP_WSS;
}

#define ERR_NAME_(n, d) #n,
#define ERR_DESC_(n, d) d,
static const char *const err_names[] = {MBL_SIP_TP_ERR_LIST(ERR_NAME_)};
static const char *const err_descs[] = {MBL_SIP_TP_ERR_LIST(ERR_DESC_)};
#undef ERR_NAME_
#undef ERR_DESC_

const char *mbl_sip_tp_err_name(enum mbl_sip_tp_err e)
{
	return (unsigned)e < MBL_SIP_TP_ERR_MAX ? err_names[e] : "?";
}

const char *mbl_sip_tp_err_desc(enum mbl_sip_tp_err e)
{
	return (unsigned)e < MBL_SIP_TP_ERR_MAX ? err_descs[e] : "?";
}

/* ---- addresses -------------------------------------------------------------------- */

int mbl_sip_tp_sa_check(const struct sockaddr *sa, socklen_t len)
{
	if (sa == NULL || len > (socklen_t)sizeof(struct sockaddr_storage))
		return -EINVAL;
	if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in))
		return 0;
	if (sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6))
		return 0;
	return -EINVAL;
}

bool mbl_sip_tp_sa_ip_equal(const struct sockaddr *a, const struct sockaddr *b)
{
	if (a->sa_family != b->sa_family)
		return false;
	if (a->sa_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	if (a->sa_family == AF_INET6)
		return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			      &((const struct sockaddr_in6 *)b)->sin6_addr, 16) == 0;
	return false;
}

uint16_t mbl_sip_tp_sa_port(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)sa)->sin_port);
	if (sa->sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	return 0;
}

bool mbl_sip_tp_sa_equal(const struct sockaddr *a, const struct sockaddr *b)
{
	return mbl_sip_tp_sa_ip_equal(a, b) && mbl_sip_tp_sa_port(a) == mbl_sip_tp_sa_port(b);
}

static bool sa_is_any(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ((const struct sockaddr_in *)sa)->sin_addr.s_addr == htonl(INADDR_ANY);
	return IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)sa)->sin6_addr);
}

const char *mbl_sip_tp_fmt_addr(const struct sockaddr *sa, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	if (sa->sa_family == AF_INET) {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, ip, sizeof(ip));
		snprintf(buf, len, "%s:%u", ip, mbl_sip_tp_sa_port(sa));
	} else if (sa->sa_family == AF_INET6) {
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, ip, sizeof(ip));
		snprintf(buf, len, "[%s]:%u", ip, mbl_sip_tp_sa_port(sa));
	} else {
		snprintf(buf, len, "?");
	}
	return buf;
}

/* ---- create / free ------------------------------------------------------------------ */

static void conf_defaults(struct mbl_sip_tp_conf *c)
{
	if (c->idle_ms == 0)
		c->idle_ms = 60000;
	if (c->connect_ms == 0)
		c->connect_ms = 10000;
	if (c->max_msg == 0)
		c->max_msg = 65535;
	if (c->max_queue == 0)
		c->max_queue = 1u << 20;
}

struct mbl_sip_tp *mbl_sip_tp_create(const struct mbl_sip_tp_conf *c, char *err, size_t errlen)
{
	struct mbl_sip_tp *tp;
	int e = ENOMEM;

	if (c == NULL || c->on_msg == NULL || c->max_msg > (16u << 20)) {
		snprintf(err, errlen, "sip tp: on_msg is required and max_msg at most 16 MiB");
		errno = EINVAL;
		return NULL;
	}
	tp = calloc(1, sizeof(*tp));
	if (tp == NULL) {
		snprintf(err, errlen, "sip tp: out of memory");
		errno = ENOMEM;
		return NULL;
	}
	tp->conf = *c;
	conf_defaults(&tp->conf);
	tp->udp_any[0].fd = tp->udp_any[1].fd = -1;
	tp->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (tp->epfd < 0) {
		e = errno;
		snprintf(err, errlen, "sip tp: epoll_create1: %s", strerror(e));
		goto fail;
	}
	tp->rnd_pos = sizeof(tp->rnd); /* empty: the first draw fills it */
	if (mbl_sip_tp_tables_init(tp) < 0 ||
	    (c->udp_batch && mbl_sip_tp_udpq_init(tp) < 0) ||
	    (c->tls.server_name && !(tp->server_name = strdup(c->tls.server_name))) ||
	    !(tp->ws_path = strdup(c->ws_path ? c->ws_path : "/")) ||
	    (c->ws_origin && !(tp->ws_origin = strdup(c->ws_origin)))) {
		snprintf(err, errlen, "sip tp: out of memory");
		goto fail;
	}
	tp->tls = mbl_sip_tls_create(&c->tls, err, errlen);
	if (tp->tls == NULL) {
		e = errno;
		goto fail;
	}
	memset(&tp->conf.tls, 0, sizeof(tp->conf.tls)); /* the caller's strings */
	tp->conf.ws_path = tp->conf.ws_origin = NULL;
	tp->conf.tls.no_verify = c->tls.no_verify;
	return tp;
fail:
	mbl_sip_tp_free(tp);
	errno = e;
	return NULL;
}

void mbl_sip_tp_free(struct mbl_sip_tp *tp)
{
	int i;

	if (tp == NULL)
		return;
	mbl_sip_tp_flush(tp);
	mbl_sip_tp_udpq_free(tp);
	mbl_sip_tp_conn_free_all(tp); /* before the SSL_CTX its sessions use */
	for (i = 0; i < tp->n_lis; i++)
		close(tp->lis[i].fd);
	for (i = 0; i < 2; i++)
		if (tp->udp_any[i].fd >= 0)
			close(tp->udp_any[i].fd);
	if (tp->epfd >= 0)
		close(tp->epfd);
	mbl_sip_tls_free(tp->tls);
	free(tp->lis);
	free(tp->rx);
	free(tp->server_name);
	free(tp->ws_path);
	free(tp->ws_origin);
	free(tp);
}

/* ---- UDP receive ---------------------------------------------------------------------- */

struct mbl_sip_tp_udp_rx {
	struct mmsghdr msg[UDP_BATCH];
	struct iovec iov[UDP_BATCH];
	struct sockaddr_storage from[UDP_BATCH];
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} ctl[UDP_BATCH];
	size_t slot;        /* bytes per datagram buffer */
	char data[];        /* UDP_BATCH * slot */
};

static int udp_rx_alloc(struct mbl_sip_tp *tp)
{
	/* A datagram never exceeds 65535 bytes: no need for max_msg-sized
	 * slots beyond that. +1 to see an oversized one, +1 for the NUL. */
	size_t slot = (size_t)MBL_MIN(tp->conf.max_msg, 65535u) + 2;

	if (tp->rx)
		return 0;
	tp->rx = malloc(sizeof(*tp->rx) + UDP_BATCH * slot);
	if (tp->rx == NULL)
		return -ENOMEM;
	tp->rx->slot = slot;
	return 0;
}

/* Our address a datagram arrived on: the socket's, with the IP from
 * IP_PKTINFO when the socket is bound to the wildcard. */
static void udp_local(const struct mbl_sip_tp_listener *l, struct msghdr *mh,
		      struct mbl_sip_tp_src *src)
{
	struct cmsghdr *cm;

	memcpy(&src->local, &l->addr, l->addr_len);
	src->local_len = l->addr_len;
	if (!l->wildcard)
		return;
	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			((struct sockaddr_in *)&src->local)->sin_addr = pi.ipi_addr;
		} else if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			((struct sockaddr_in6 *)&src->local)->sin6_addr = pi.ipi6_addr;
		}
	}
}

static bool only_crlf(const char *b, size_t n)
{
	while (n && (b[n - 1] == '\r' || b[n - 1] == '\n'))
		n--;
	return n == 0;
}

static void udp_deliver(struct mbl_sip_tp *tp, const struct mbl_sip_tp_listener *l, int li,
			unsigned i)
{
	struct mbl_sip_tp_udp_rx *rx = tp->rx;
	struct msghdr *mh = &rx->msg[i].msg_hdr;
	char *buf = rx->data + i * rx->slot;
	size_t len = rx->msg[i].msg_len;
	struct mbl_sip_tp_src src = {.proto = MBL_SIP_UDP, .listener = li};
	char a[64];

	if ((mh->msg_flags & MSG_TRUNC) || len > tp->conf.max_msg) {
		tp->st.dgrams_dropped++;
		MBL_LOG_RL(MBL_LOG_WARN, "sip udp: datagram from %s above max_msg %u, dropped",
			   mbl_sip_tp_fmt_addr(mh->msg_name, a, sizeof(a)), tp->conf.max_msg);
		return;
	}
	tp->st.bytes_in += len;
	if (only_crlf(buf, len)) { /* a NAT keepalive some phones send */
		tp->st.pings_in++;
		return;
	}
	tp->st.dgrams_in++;
	buf[len] = '\0';
	memcpy(&src.peer, mh->msg_name, mh->msg_namelen);
	src.peer_len = mh->msg_namelen;
	udp_local(l, mh, &src);
	tp->conf.on_msg(tp->conf.arg, &src, buf, len);
}

static int udp_read(struct mbl_sip_tp *tp, const struct mbl_sip_tp_listener *lp, int li)
{
	/* A copy: on_msg may add a listener, which can move tp->lis. */
	const struct mbl_sip_tp_listener lc = *lp, *l = &lc;
	struct mbl_sip_tp_udp_rx *rx = tp->rx;
	int r, n, total = 0;
	unsigned i;

	for (r = 0; r < UDP_ROUNDS; r++) {
		for (i = 0; i < UDP_BATCH; i++) {
			struct msghdr *mh = &rx->msg[i].msg_hdr;

			rx->iov[i].iov_base = rx->data + i * rx->slot;
			rx->iov[i].iov_len = rx->slot - 1;
			memset(mh, 0, sizeof(*mh));
			mh->msg_name = &rx->from[i];
			mh->msg_namelen = sizeof(rx->from[i]);
			mh->msg_iov = &rx->iov[i];
			mh->msg_iovlen = 1;
			mh->msg_control = rx->ctl[i].buf;
			mh->msg_controllen = sizeof(rx->ctl[i].buf);
		}
		n = recvmmsg(l->fd, rx->msg, UDP_BATCH, MSG_DONTWAIT, NULL);
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				MBL_LOG_RL(MBL_LOG_WARN, "sip udp: recvmmsg: %s", strerror(errno));
			break;
		}
		for (i = 0; i < (unsigned)n; i++)
			udp_deliver(tp, l, li, i);
		total += n;
		if (n < UDP_BATCH)
			break;
	}
	return total;
}

/* ---- sockets and listeners -------------------------------------------------------------- */

static int set_int(int fd, int level, int opt, int v)
{
	return setsockopt(fd, level, opt, &v, sizeof(v)) < 0 ? -errno : 0;
}

/* A bound non-blocking socket for l (l->proto, l->addr), registered with
 * epoll under tag. Fills l->fd and the real bound address. */
static int sock_open(struct mbl_sip_tp *tp, struct mbl_sip_tp_listener *l, uint64_t tag)
{
	int fam = l->addr.ss_family, udp = l->proto == MBL_SIP_UDP;
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = tag};
	int fd = socket(fam, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int rc = 0;

	if (fd < 0)
		return -errno;
	l->wildcard = sa_is_any((struct sockaddr *)&l->addr);
	if (!udp)
		rc = set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1);
	if (rc == 0 && fam == AF_INET6)
		rc = set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1);
	/* a load generator's socket takes bursts of thousands of datagrams: the
	 * default buffers (about 200 KB) overflow and every loss costs a 500 ms
	 * retransmission; root may exceed rmem_max (the FORCE variants) */
	if (rc == 0 && udp) {
		if (set_int(fd, SOL_SOCKET, SO_RCVBUFFORCE, UDP_SOCKBUF) < 0)
			(void)set_int(fd, SOL_SOCKET, SO_RCVBUF, UDP_SOCKBUF);
		if (set_int(fd, SOL_SOCKET, SO_SNDBUFFORCE, UDP_SOCKBUF) < 0)
			(void)set_int(fd, SOL_SOCKET, SO_SNDBUF, UDP_SOCKBUF);
	}
	if (rc == 0 && udp && l->wildcard)
		rc = fam == AF_INET ? set_int(fd, IPPROTO_IP, IP_PKTINFO, 1)
				    : set_int(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);
	if (rc == 0 && bind(fd, (struct sockaddr *)&l->addr, l->addr_len) < 0)
		rc = -errno;
	if (rc == 0 && !udp && listen(fd, SOMAXCONN) < 0)
		rc = -errno;
	l->addr_len = sizeof(l->addr);
	if (rc == 0 && getsockname(fd, (struct sockaddr *)&l->addr, &l->addr_len) < 0)
		rc = -errno;
	if (rc == 0 && epoll_ctl(tp->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		rc = -errno;
	if (rc < 0) {
		close(fd);
		return rc;
	}
	l->fd = fd;
	return 0;
}

static int lis_grow(struct mbl_sip_tp *tp)
{
	int ncap = tp->cap_lis ? tp->cap_lis * 2 : 8;
	struct mbl_sip_tp_listener *nl;

	if (tp->n_lis < tp->cap_lis)
		return 0;
	nl = realloc(tp->lis, (size_t)ncap * sizeof(*nl));
	if (nl == NULL)
		return -ENOMEM;
	tp->lis = nl;
	tp->cap_lis = ncap;
	return 0;
}

int mbl_sip_tp_listen(struct mbl_sip_tp *tp, enum mbl_sip_proto p, const struct sockaddr *addr,
		      socklen_t len, char *err, size_t errlen)
{
	struct mbl_sip_tp_listener l = {.proto = p};
	char a[64];
	int rc;

	if ((unsigned)p >= MBL_SIP_PROTO_MAX || mbl_sip_tp_sa_check(addr, len) < 0) {
		snprintf(err, errlen, "sip listen: bad protocol or address");
		return -EINVAL;
	}
	if (mbl_sip_proto_tls(p) && !mbl_sip_tls_can_serve(tp->tls)) {
		snprintf(err, errlen, "sip listen: %s needs tls cert_file and key_file",
			 mbl_sip_proto_name(p));
		return -EINVAL;
	}
	if (lis_grow(tp) < 0 || (p == MBL_SIP_UDP && udp_rx_alloc(tp) < 0)) {
		snprintf(err, errlen, "sip listen: out of memory");
		return -ENOMEM;
	}
	l.addr_len = addr->sa_family == AF_INET ? sizeof(struct sockaddr_in)
						: sizeof(struct sockaddr_in6);
	memcpy(&l.addr, addr, l.addr_len);
	rc = sock_open(tp, &l, MBL_SIP_TP_EV(MBL_SIP_TP_EV_LISTENER, tp->n_lis));
	if (rc < 0) {
		snprintf(err, errlen, "sip listen %s %s: %s", mbl_sip_proto_name(p),
			 mbl_sip_tp_fmt_addr(addr, a, sizeof(a)), strerror(-rc));
		return rc;
	}
	tp->lis[tp->n_lis] = l;
	mbl_log(MBL_LOG_INFO, "sip: listening on %s %s", mbl_sip_proto_name(p),
		mbl_sip_tp_fmt_addr((struct sockaddr *)&l.addr, a, sizeof(a)));
	return tp->n_lis++;
}

int mbl_sip_tp_local_addr(const struct mbl_sip_tp *tp, int listener, struct sockaddr_storage *out,
			  socklen_t *len)
{
	if (tp == NULL || listener < 0 || listener >= tp->n_lis)
		return -EINVAL;
	memcpy(out, &tp->lis[listener].addr, tp->lis[listener].addr_len);
	*len = tp->lis[listener].addr_len;
	return 0;
}

/* ---- UDP send ------------------------------------------------------------------------------ */

/* Our unbound UDP socket of family fam (bound to the wildcard, port 0, so
 * replies reach it), created on first use. */
static struct mbl_sip_tp_listener *udp_any(struct mbl_sip_tp *tp, int fam, int *rc)
{
	int k = fam == AF_INET6;
	struct mbl_sip_tp_listener *l = &tp->udp_any[k];

	if (l->fd >= 0)
		return l;
	memset(&l->addr, 0, sizeof(l->addr));
	l->proto = MBL_SIP_UDP;
	l->addr.ss_family = (sa_family_t)fam;
	l->addr_len = fam == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
	*rc = udp_rx_alloc(tp);
	if (*rc == 0)
		*rc = sock_open(tp, l, MBL_SIP_TP_EV(MBL_SIP_TP_EV_UDP_ANY, k));
	if (*rc < 0) {
		l->fd = -1;
		return NULL;
	}
	return l;
}

/* The UDP socket to send from (see mbl_sip_tp_send). *pktinfo: a wildcard
 * socket must be told the source IP. */
static struct mbl_sip_tp_listener *udp_pick(struct mbl_sip_tp *tp, int fam,
					    const struct sockaddr *from, bool *pktinfo, int *rc)
{
	struct mbl_sip_tp_listener *wild = NULL;
	int i;

	*pktinfo = false;
	for (i = 0; i < tp->n_lis; i++) {
		struct mbl_sip_tp_listener *l = &tp->lis[i];
		const struct sockaddr *la = (const struct sockaddr *)&l->addr;

		if (l->proto != MBL_SIP_UDP || l->addr.ss_family != fam)
			continue;
		if (from == NULL)
			return l;
		if (mbl_sip_tp_sa_port(from) && mbl_sip_tp_sa_port(from) != mbl_sip_tp_sa_port(la))
			continue;
		if (mbl_sip_tp_sa_ip_equal(from, la))
			return l;
		if (l->wildcard && wild == NULL)
			wild = l;
	}
	if (wild) {
		*pktinfo = !sa_is_any(from);
		return wild;
	}
	if (from == NULL || (sa_is_any(from) && mbl_sip_tp_sa_port(from) == 0))
		return udp_any(tp, fam, rc);
	*rc = -EADDRNOTAVAIL;
	return NULL;
}

static void udp_set_src(struct msghdr *mh, const struct sockaddr *from, char *ctl, size_t clen)
{
	struct cmsghdr *cm;

	mh->msg_control = ctl;
	mh->msg_controllen = clen;
	cm = CMSG_FIRSTHDR(mh);
	if (from->sa_family == AF_INET) {
		struct in_pktinfo pi = {.ipi_spec_dst = ((const struct sockaddr_in *)from)->sin_addr};

		cm->cmsg_level = IPPROTO_IP;
		cm->cmsg_type = IP_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	} else {
		struct in6_pktinfo pi = {.ipi6_addr = ((const struct sockaddr_in6 *)from)->sin6_addr};

		cm->cmsg_level = IPPROTO_IPV6;
		cm->cmsg_type = IPV6_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	}
	mh->msg_controllen = cm->cmsg_len;
}

static int udp_send(struct mbl_sip_tp *tp, const struct sockaddr *to, socklen_t tolen,
		    const struct sockaddr *from, const char *buf, size_t len)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = {.iov_base = (void *)(uintptr_t)buf, .iov_len = len};
	struct msghdr mh = {.msg_name = (void *)(uintptr_t)to, .msg_namelen = tolen,
			    .msg_iov = &iov, .msg_iovlen = 1};
	struct mbl_sip_tp_listener *l;
	bool pktinfo;
	int rc = 0;
	ssize_t n;

	if (mbl_sip_tp_sa_check(to, tolen) < 0 || (from && from->sa_family != to->sa_family))
		return -EINVAL;
	l = udp_pick(tp, to->sa_family, from, &pktinfo, &rc);
	if (l == NULL)
		return rc;
	if (pktinfo) {
		memset(&ctl, 0, sizeof(ctl));
		udp_set_src(&mh, from, ctl.buf, sizeof(ctl.buf));
	}
	if (tp->udpq != NULL && len <= MBL_SIP_TP_UDPQ_MSG)
		return mbl_sip_tp_udpq_add(tp, l->fd, &mh, buf, len);
	n = sendmsg(l->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n < 0)
		return -errno;
	tp->st.dgrams_out++;
	tp->st.bytes_out += (uint64_t)n;
	return 0;
}

int mbl_sip_tp_send(struct mbl_sip_tp *tp, enum mbl_sip_proto p, const struct sockaddr *to,
		    socklen_t tolen, const struct sockaddr *from_local, uint32_t conn_id,
		    const char *host, const char *buf, size_t len)
{
	int rc;

	if (tp == NULL)
		return -EINVAL;
	if ((unsigned)p >= MBL_SIP_PROTO_MAX || buf == NULL || len == 0 || len > tp->conf.max_msg)
		rc = -EINVAL;
	else if (p == MBL_SIP_UDP)
		rc = udp_send(tp, to, tolen, from_local, buf, len);
	else
		rc = mbl_sip_tp_stream_send(tp, p, to, tolen, from_local, conn_id, host, buf, len);
	if (rc < 0)
		tp->st.send_refused++;
	return rc;
}

/* ---- poll ---------------------------------------------------------------------------------- */

static int dispatch(struct mbl_sip_tp *tp, const struct epoll_event *ev)
{
	uint64_t kind = ev->data.u64 >> 56;
	uint32_t v = (uint32_t)ev->data.u64;

	switch (kind) {
	case MBL_SIP_TP_EV_LISTENER:
		if (tp->lis[v].proto == MBL_SIP_UDP)
			return udp_read(tp, &tp->lis[v], (int)v);
		return mbl_sip_tp_accept(tp, (int)v);
	case MBL_SIP_TP_EV_UDP_ANY:
		return udp_read(tp, &tp->udp_any[v], -1);
	case MBL_SIP_TP_EV_CONN:
		return mbl_sip_tp_conn_event(tp, v, ev->events);
	default:
		return 0;
	}
}

int mbl_sip_tp_poll(struct mbl_sip_tp *tp, int timeout_ms)
{
	struct epoll_event ev[POLL_EVENTS];
	int i, n, handled = 0;

	if (tp->in_poll)
		return -EBUSY;
	tp->in_poll = true;
	n = epoll_wait(tp->epfd, ev, POLL_EVENTS,
		       mbl_sip_tp_conn_next_ms(tp, mbl_time_ns(), timeout_ms));
	if (n < 0 && errno != EINTR) {
		n = -errno;
		tp->in_poll = false;
		return n;
	}
	for (i = 0; i < n; i++)
		handled += dispatch(tp, &ev[i]);
	handled += mbl_sip_tp_conn_sweep(tp, mbl_time_ns());
	mbl_sip_tp_conn_reap(tp);
	mbl_sip_tp_flush(tp);
	tp->in_poll = false;
	return handled;
}

void mbl_sip_tp_stats(const struct mbl_sip_tp *tp, struct mbl_sip_tp_stats *out)
{
	*out = tp->st;
}
