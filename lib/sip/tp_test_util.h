/* SPDX-License-Identifier: BSD-3-Clause
 * Helpers shared by the SIP transport tests: a recorder for the two
 * callbacks, a poll pump with a deadline, loopback addresses and raw
 * kernel sockets for byte-exact peers. 127.0.0.1 / ::1 only.
 */
#ifndef TP_TEST_UTIL_H
#define TP_TEST_UTIL_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mbl_common.h"
#include "sip_tp.h"

#define REC_MAX 512

/* What a transport's callbacks saw. */
struct rec {
	int n_msg;
	char *msg[REC_MAX];
	size_t len[REC_MAX];
	struct mbl_sip_tp_src src[REC_MAX];
	int n_err;
	uint32_t err_conn[REC_MAX];
	struct sockaddr_storage err_peer[REC_MAX];
	enum mbl_sip_tp_err why[REC_MAX];
	/* echo: answer every message on its connection (or to its UDP
	 * source, from the address it arrived on) with "ECHO " + message. */
	struct mbl_sip_tp *echo;
};

static inline void rec_msg(void *arg, const struct mbl_sip_tp_src *src, const char *buf,
			   size_t len)
{
	struct rec *r = arg;

	if (buf[len] != '\0' || r->n_msg == REC_MAX)
		abort(); /* the NUL is part of the contract */
	r->msg[r->n_msg] = malloc(len + 1);
	memcpy(r->msg[r->n_msg], buf, len + 1);
	r->len[r->n_msg] = len;
	r->src[r->n_msg] = *src;
	r->n_msg++;
	if (r->echo) {
		char *e = malloc(len + 6);

		memcpy(e, "ECHO ", 5);
		memcpy(e + 5, buf, len);
		mbl_sip_tp_send(r->echo, src->proto, (const struct sockaddr *)&src->peer,
				src->peer_len, (const struct sockaddr *)&src->local, src->conn_id,
				NULL, e, len + 5);
		free(e);
	}
}

static inline void rec_err(void *arg, uint32_t conn_id, const struct sockaddr *peer,
			   enum mbl_sip_tp_err why)
{
	struct rec *r = arg;

	if (r->n_err == REC_MAX)
		abort();
	r->err_conn[r->n_err] = conn_id;
	memcpy(&r->err_peer[r->n_err], peer,
	       peer->sa_family == AF_INET ? sizeof(struct sockaddr_in)
					  : sizeof(struct sockaddr_in6));
	r->why[r->n_err] = why;
	r->n_err++;
}

static inline void rec_clear(struct rec *r)
{
	int i;

	for (i = 0; i < r->n_msg; i++)
		free(r->msg[i]);
	memset(r, 0, sizeof(*r));
}

static inline uint64_t now_ms(void)
{
	return mbl_time_ns() / 1000000;
}

/* Poll a and b (b may be NULL) in turns until cond holds or ms pass. */
#define PUMP_UNTIL(a, b, cond, ms)                                                       \
	do {                                                                             \
		uint64_t dl_ = now_ms() + (ms);                                          \
		while (!(cond) && now_ms() < dl_) {                                      \
			assert_true(mbl_sip_tp_poll((a), (b) ? 2 : 5) >= 0);             \
			if (b)                                                           \
				assert_true(mbl_sip_tp_poll((b), 2) >= 0);               \
		}                                                                        \
	} while (0)

/* Pump for ms whatever happens (to show that nothing more arrives). */
#define PUMP_FOR(a, b, ms) PUMP_UNTIL(a, b, false, ms)

static inline struct sockaddr_in lo4(uint16_t port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static inline struct mbl_sip_tp *tp_new(struct rec *r, const struct mbl_sip_tp_conf *base)
{
	struct mbl_sip_tp_conf c = {0};
	char err[256] = "";
	struct mbl_sip_tp *tp;

	if (base)
		c = *base;
	c.on_msg = rec_msg;
	c.on_conn_error = rec_err;
	c.arg = r;
	tp = mbl_sip_tp_create(&c, err, sizeof(err));
	if (tp == NULL)
		fail_msg("mbl_sip_tp_create: %s", err);
	return tp;
}

/* Listen on 127.0.0.1, ephemeral port; returns the port. */
static inline uint16_t tp_listen_lo(struct mbl_sip_tp *tp, enum mbl_sip_proto p, int *index)
{
	struct sockaddr_in a = lo4(0);
	struct sockaddr_storage ss;
	socklen_t sl;
	char err[256] = "";
	int li = mbl_sip_tp_listen(tp, p, (struct sockaddr *)&a, sizeof(a), err, sizeof(err));

	if (li < 0)
		fail_msg("listen: %s", err);
	assert_int_equal(mbl_sip_tp_local_addr(tp, li, &ss, &sl), 0);
	assert_int_equal(sl, sizeof(struct sockaddr_in));
	if (index)
		*index = li;
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static inline uint16_t sa_port(const struct sockaddr_storage *ss)
{
	return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

static inline bool sa_is_lo4(const struct sockaddr_storage *ss, uint16_t port)
{
	const struct sockaddr_in *a = (const struct sockaddr_in *)ss;

	return a->sin_family == AF_INET && a->sin_addr.s_addr == htonl(INADDR_LOOPBACK) &&
	       (port == 0 || ntohs(a->sin_port) == port);
}

/* A blocking raw TCP client on 127.0.0.1:port (Nagle off). */
static inline int raw_connect(uint16_t port)
{
	struct sockaddr_in a = lo4(port);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	assert_true(fd >= 0);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	return fd;
}

static inline uint16_t fd_local_port(int fd)
{
	struct sockaddr_in a;
	socklen_t l = sizeof(a);

	getsockname(fd, (struct sockaddr *)&a, &l);
	return ntohs(a.sin_port);
}

/* A port nobody listens on (bound once, then released). */
static inline uint16_t dead_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = lo4(0);
	uint16_t p;

	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	p = fd_local_port(fd);
	close(fd);
	return p;
}

#endif /* TP_TEST_UTIL_H */
