/* SPDX-License-Identifier: BSD-3-Clause
 * Stream addressing. Stream i uses local address (i mod L) and local port
 * base + (i div L) * step, so both ends of a media-only test compute the
 * same pairs from mirrored scenarios and a packet's stream is found from
 * its destination without a hash lookup. Remote likewise with R. */
#include "dp_priv.h"

void dp_stream_local(const struct mbl_dp_conf *c, uint32_t i, uint8_t ip[16], uint16_t *port)
{
	mbl_ip_range_nth(&c->local, i % c->local.count, ip);
	*port = (uint16_t)(c->local_port + (i / c->local.count) * c->port_step);
}

void dp_stream_remote(const struct mbl_dp_conf *c, uint32_t i, uint8_t ip[16], uint16_t *port)
{
	mbl_ip_range_nth(&c->remote, i % c->remote.count, ip);
	*port = (uint16_t)(c->remote_port + (i / c->remote.count) * c->port_step);
}

void dp_stream_nexthop(const struct mbl_dp_conf *c, uint32_t i, uint8_t ip[16])
{
	uint16_t port;

	if (c->has_gateway)
		memcpy(ip, c->gateway, 16);
	else
		dp_stream_remote(c, i, ip, &port);
}

int64_t dp_stream_lookup(const struct mbl_dp_conf *c, const uint8_t ip[16], uint16_t port,
			 bool *rtcp)
{
	int64_t ipi = mbl_ip_range_index(&c->local, ip);
	uint32_t off, slot;
	uint64_t i;

	if (ipi < 0 || port < c->local_port)
		return -1;
	off = port - c->local_port;
	slot = off / c->port_step;
	*rtcp = false;
	if (off % c->port_step != 0) {
		/* RTCP on RTP port + 1 (RFC 3550 11) when not multiplexed */
		if (c->rtcp_mux || off % c->port_step != 1)
			return -1;
		*rtcp = true;
	}
	i = (uint64_t)slot * c->local.count + (uint64_t)ipi;
	return i < c->streams ? (int64_t)i : -1;
}
