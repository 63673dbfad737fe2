/* SPDX-License-Identifier: BSD-3-Clause
 * Local signaling addresses of the call engine (sip.listen ranges). SBCs
 * limit calls and rates per source IP, so carrier testers spread their calls
 * over address ranges: the engine listens on every address, places call i
 * from address i mod N, and answers from the address a request came to.
 * Everything is made once at create; the call path only indexes arrays.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "cp_priv.h"

/* conf.more[i] as a socket address of listen's family. */
static void more_sa(const struct mbl_cp *cp, const struct mbl_cp_local *m,
		    struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (cp->conf.listen.ss_family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, m->ip, 16);
		s6->sin6_port = htons(m->port);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, m->ip + 12, 4);
		s4->sin_port = htons(m->port);
	}
}

int cp_local_init(struct mbl_cp *cp, char *err, size_t errlen)
{
	unsigned n = 1 + cp->conf.n_more;

	if (cp->conf.n_more >= MBL_CP_MAX_LOCAL) {
		snprintf(err, errlen, "sip.listen: more than %u local addresses", MBL_CP_MAX_LOCAL);
		return -EINVAL;
	}
	cp->loc = calloc(n, sizeof(*cp->loc));
	cp->loc_calls = calloc(n, sizeof(*cp->loc_calls));
	cp->lis_loc = calloc(n, sizeof(*cp->lis_loc));
	if (cp->loc == NULL || cp->loc_calls == NULL || cp->lis_loc == NULL) {
		snprintf(err, errlen, "out of memory for %u local addresses", n);
		return -ENOMEM;
	}
	cp->loc[0] = cp->conf.listen;
	cp->loc_len = cp->conf.listen_len;
	for (unsigned i = 1; i < n; i++)
		more_sa(cp, &cp->conf.more[i - 1], &cp->loc[i]);
	cp->n_loc = n;
	return 0;
}

int cp_local_listen(struct mbl_cp *cp, char *err, size_t errlen)
{
	for (unsigned i = 0; i < cp->n_loc; i++) {
		int li = mbl_sip_tp_listen(cp->tp, cp->conf.proto,
					   (const struct sockaddr *)&cp->loc[i], cp->loc_len, err,
					   errlen);

		if (li < 0)
			return li;
		/* listeners are numbered in the order made: one per address */
		if ((unsigned)li >= cp->n_loc)
			return -EINVAL;
		cp->lis_loc[li] = (uint16_t)i;
		cp->n_lis = MBL_MAX(cp->n_lis, (unsigned)li + 1);
	}
	return 0;
}

int cp_local_ua(struct mbl_cp *cp, char *err, size_t errlen)
{
	int family = cp->conf.listen.ss_family == AF_INET6 ? 6 : 4;

	for (unsigned i = 1; i < cp->n_loc; i++) {
		const struct mbl_cp_local *m = &cp->conf.more[i - 1];
		char host[INET6_ADDRSTRLEN];
		int rc;

		mbl_fmt_ip(family, m->ip, host, sizeof(host));
		rc = mbl_sip_ua_add_local(cp->ua, host, m->port);
		if (rc != (int)i) {
			snprintf(err, errlen, "sip.listen: cannot add local address %s (%s)", host,
				 strerror(rc < 0 ? -rc : EINVAL));
			return rc < 0 ? rc : -EINVAL;
		}
	}
	return 0;
}

void cp_local_free(struct mbl_cp *cp)
{
	free(cp->loc);
	free(cp->loc_calls);
	free(cp->lis_loc);
	cp->loc = NULL;
	cp->loc_calls = NULL;
	cp->lis_loc = NULL;
}

/* Same IP (and port, unless the message came on an outbound stream
 * connection whose local port is ephemeral). */
static bool loc_match(const struct sockaddr_storage *a, const struct sockaddr_storage *b,
		      bool port)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;

		return memcmp(&x->sin6_addr, &y->sin6_addr, 16) == 0 &&
		       (!port || x->sin6_port == y->sin6_port);
	}
	const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;

	return x->sin_addr.s_addr == y->sin_addr.s_addr && (!port || x->sin_port == y->sin_port);
}

unsigned cp_local_of(const struct mbl_cp *cp, const struct mbl_sip_tp_src *src)
{
	if (cp->n_loc == 1)
		return 0;
	if (src->listener >= 0 && (unsigned)src->listener < cp->n_lis)
		return cp->lis_loc[src->listener];
	/* our own outbound TCP/TLS connection: the first address of its IP */
	for (unsigned i = 0; i < cp->n_loc; i++)
		if (loc_match(&cp->loc[i], &src->local, false))
			return i;
	return 0;
}

void cp_local_count(struct mbl_cp *cp, unsigned i)
{
	if (i < cp->n_loc)
		cp->loc_calls[i]++;
}

unsigned mbl_cp_n_local(const struct mbl_cp *cp)
{
	return cp->n_loc;
}

uint64_t mbl_cp_local_calls(const struct mbl_cp *cp, unsigned i)
{
	return i < cp->n_loc ? cp->loc_calls[i] : 0;
}
