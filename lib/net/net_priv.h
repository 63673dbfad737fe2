/* SPDX-License-Identifier: BSD-3-Clause
 * Internal to lib/net: wire structs DPDK 22.11 lacks and small helpers shared
 * by the .c files. Not part of the public API.
 */
#ifndef MBL_NET_PRIV_H
#define MBL_NET_PRIV_H

#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_arp.h>
#include <rte_common.h>
#include <rte_icmp.h>

#include "mbl_common.h"
#include "mbl_net.h"

#define NET_ETH_LEN 14
#define NET_VLAN_LEN 4
#define NET_IP4_LEN 20
#define NET_IP6_LEN 40
#define NET_UDP_LEN 8
#define NET_ICMP_LEN 8          /* echo header: type code cksum id seq */

#define NET_ETYPE_IPV4 0x0800
#define NET_ETYPE_ARP 0x0806
#define NET_ETYPE_VLAN 0x8100
#define NET_ETYPE_QINQ 0x88a8
#define NET_ETYPE_IPV6 0x86dd

#define NET_PROTO_ICMP 1
#define NET_PROTO_UDP 17
#define NET_PROTO_FRAG6 44
#define NET_PROTO_ICMP6 58

/* ICMPv6 types (RFC 4443 2.1, RFC 4861 4) */
#define NET_ICMP6_ECHO_REQ 128
#define NET_ICMP6_ECHO_REPLY 129
#define NET_ND_NS 135
#define NET_ND_NA 136
/* ND option types (RFC 4861 4.6.1) */
#define NET_ND_OPT_SLLA 1
#define NET_ND_OPT_TLLA 2
#define NET_ND_HOP_LIMIT 255    /* RFC 4861 7.1: proves on-link origin */

/* NS / NA body after the ICMPv6 type/code/checksum (RFC 4861 4.3, 4.4). */
struct net_nd_msg {
	uint8_t type;
	uint8_t code;
	rte_be16_t cksum;
	rte_be32_t flags;       /* NA: R S O; NS: reserved */
	uint8_t target[16];
} __rte_packed;

/* Source / target link-layer address option for Ethernet (length 1 = 8 B). */
struct net_nd_opt_lla {
	uint8_t type;
	uint8_t len;            /* units of 8 bytes */
	uint8_t mac[6];
} __rte_packed;

#define NET_ND_LEN ((uint32_t)sizeof(struct net_nd_msg))
#define NET_ND_OPT_LEN ((uint32_t)sizeof(struct net_nd_opt_lla))


/* Write the Ethernet header (+ 802.1Q tag when tci != 0) and return the L3
 * offset. buf must hold 18 bytes. */
static inline uint16_t net_put_eth(uint8_t *buf, const uint8_t dst[6], const uint8_t src[6],
				   uint16_t tci, uint16_t etype)
{
	memcpy(buf, dst, 6);
	memcpy(buf + 6, src, 6);
	if (tci == 0) {
		mbl_put_be16(buf + 12, etype);
		return NET_ETH_LEN;
	}
	mbl_put_be16(buf + 12, NET_ETYPE_VLAN);
	mbl_put_be16(buf + 14, tci);
	mbl_put_be16(buf + 16, etype);
	return NET_ETH_LEN + NET_VLAN_LEN;
}

/* Partial sum of an IPv6 / IPv4 pseudo-header without its length field
 * (RFC 8200 8.1, RFC 768): addresses plus the zero-extended protocol. */
static inline uint32_t net_phdr6_sum(const uint8_t src[16], const uint8_t dst[16], uint8_t proto)
{
	uint32_t sum = mbl_net_cksum_add(0, src, 16);

	sum = mbl_net_cksum_add(sum, dst, 16);
	return mbl_net_cksum_add16(sum, rte_cpu_to_be_16(proto));
}

static inline uint32_t net_phdr4_sum(uint32_t src_be, uint32_t dst_be, uint8_t proto)
{
	uint32_t sum = mbl_net_cksum_add(0, &src_be, 4);

	sum = mbl_net_cksum_add(sum, &dst_be, 4);
	return mbl_net_cksum_add16(sum, rte_cpu_to_be_16(proto));
}

#endif /* MBL_NET_PRIV_H */
