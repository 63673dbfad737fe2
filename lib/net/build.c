/* SPDX-License-Identifier: BSD-3-Clause
 * ARP requests and replies, ICMP echo replies made in place, IPv6 Neighbor
 * Solicitations and Advertisements: what the data plane needs to own its
 * media addresses without a kernel.
 */
#include <errno.h>
#include <string.h>

#include "mbl_net.h"
#include "net_priv.h"

static const uint8_t eth_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t eth_zero[6];

/* RFC 826 packet generation; frame padded to the Ethernet minimum. */
static int arp_build(uint8_t *buf, size_t cap, uint16_t tci, uint16_t op,
		     const uint8_t eth_dst[6], const uint8_t src_mac[6], uint32_t sip,
		     const uint8_t tha[6], uint32_t tip)
{
	struct rte_arp_hdr *arp;
	uint16_t off;

	if (!buf || !src_mac)
		return -EINVAL;
	if (cap < MBL_NET_ARP_FRAME_LEN)
		return -ENOSPC;
	memset(buf, 0, MBL_NET_ARP_FRAME_LEN);
	off = net_put_eth(buf, eth_dst, src_mac, tci, NET_ETYPE_ARP);
	arp = (struct rte_arp_hdr *)(buf + off);
	arp->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = RTE_BE16(NET_ETYPE_IPV4);
	arp->arp_hlen = 6;
	arp->arp_plen = 4;
	arp->arp_opcode = rte_cpu_to_be_16(op);
	memcpy(arp->arp_data.arp_sha.addr_bytes, src_mac, 6);
	arp->arp_data.arp_sip = sip;
	memcpy(arp->arp_data.arp_tha.addr_bytes, tha, 6);
	arp->arp_data.arp_tip = tip;
	return MBL_NET_ARP_FRAME_LEN;
}

int mbl_net_arp_request(uint8_t *buf, size_t cap, uint16_t vlan_tci,
			const uint8_t src_mac[6], uint32_t sip, uint32_t tip,
			const uint8_t *dst_mac)
{
	/* The target hardware address is unknown: zero (RFC 5227 2.1.1). */
	return arp_build(buf, cap, vlan_tci, RTE_ARP_OP_REQUEST, dst_mac ? dst_mac : eth_bcast,
			 src_mac, sip, eth_zero, tip);
}

int mbl_net_arp_reply(uint8_t *buf, size_t cap, uint16_t vlan_tci,
		      const uint8_t src_mac[6], uint32_t sip,
		      const uint8_t dst_mac[6], uint32_t dip)
{
	if (!dst_mac)
		return -EINVAL;
	return arp_build(buf, cap, vlan_tci, RTE_ARP_OP_REPLY, dst_mac, src_mac, sip, dst_mac,
			 dip);
}

int mbl_net_arp_gratuitous(uint8_t *buf, size_t cap, uint16_t vlan_tci,
			   const uint8_t src_mac[6], uint32_t ip)
{
	return arp_build(buf, cap, vlan_tci, RTE_ARP_OP_REQUEST, eth_bcast, src_mac, ip,
			 eth_zero, ip);
}

/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), all in network order. */
static rte_be16_t csum_update16(rte_be16_t hc, rte_be16_t old, rte_be16_t new_)
{
	uint32_t sum = (uint16_t)~hc;

	sum += (uint16_t)~old;
	sum += new_;
	return mbl_net_cksum_fold(sum);
}

static void swap_bytes(uint8_t *a, uint8_t *b, size_t n)
{
	uint8_t tmp[16];

	memcpy(tmp, a, n);
	memcpy(a, b, n);
	memcpy(b, tmp, n);
}

/* Type and code form the first 16-bit word of the ICMP header. */
static void icmp_set_type(uint8_t *icmp, uint8_t type)
{
	struct rte_icmp_hdr *h = (struct rte_icmp_hdr *)icmp;
	rte_be16_t old, new_;

	memcpy(&old, icmp, 2);
	h->icmp_type = type;
	memcpy(&new_, icmp, 2);
	h->icmp_cksum = csum_update16(h->icmp_cksum, old, new_);
}

#define NET_REPLY_HOPS 64

int mbl_net_icmp4_echo_reply(uint8_t *frame, const struct mbl_net_info *ni)
{
	struct rte_ipv4_hdr *ip;
	rte_be16_t old, new_;

	if (!frame || !ni || ni->family != 4 || ni->l4_proto != NET_PROTO_ICMP ||
	    ni->icmp_type != RTE_IP_ICMP_ECHO_REQUEST || ni->l4_off == 0)
		return -EINVAL;
	ip = (struct rte_ipv4_hdr *)(frame + ni->l3_off);
	swap_bytes(frame, frame + 6, 6);
	/* Swapping the addresses keeps the header sum; the TTL does not. */
	swap_bytes((uint8_t *)&ip->src_addr, (uint8_t *)&ip->dst_addr, 4);
	memcpy(&old, &ip->time_to_live, 2);
	ip->time_to_live = NET_REPLY_HOPS;
	memcpy(&new_, &ip->time_to_live, 2);
	ip->hdr_checksum = csum_update16(ip->hdr_checksum, old, new_);
	icmp_set_type(frame + ni->l4_off, RTE_IP_ICMP_ECHO_REPLY);
	return (int)ni->frame_len;
}

int mbl_net_icmp6_echo_reply(uint8_t *frame, const struct mbl_net_info *ni)
{
	struct rte_ipv6_hdr *ip6;

	if (!frame || !ni || ni->family != 6 || ni->l4_proto != NET_PROTO_ICMP6 ||
	    ni->icmp_type != NET_ICMP6_ECHO_REQ || ni->l4_off == 0)
		return -EINVAL;
	ip6 = (struct rte_ipv6_hdr *)(frame + ni->l3_off);
	swap_bytes(frame, frame + 6, 6);
	/* The pseudo-header sum does not depend on the address order, and the
	 * hop limit is not in it (RFC 8200 8.1). */
	swap_bytes(ip6->src_addr, ip6->dst_addr, 16);
	ip6->hop_limits = NET_REPLY_HOPS;
	icmp_set_type(frame + ni->l4_off, NET_ICMP6_ECHO_REPLY);
	return (int)ni->frame_len;
}

struct nd_args {
	const uint8_t *eth_dst, *eth_src, *ip_src, *ip_dst, *target;
	uint16_t tci;
	uint8_t type, opt_type;
	uint32_t flags;
};

/* IPv6 + NS/NA + one link-layer address option carrying eth_src. */
static int nd_build(uint8_t *buf, size_t cap, const struct nd_args *a)
{
	const uint16_t plen = NET_ND_LEN + NET_ND_OPT_LEN;
	struct rte_ipv6_hdr *ip6;
	struct net_nd_msg *nd;
	struct net_nd_opt_lla *opt;
	uint16_t off;
	uint32_t sum;

	if (cap < (size_t)NET_ETH_LEN + (a->tci ? NET_VLAN_LEN : 0) + NET_IP6_LEN + plen)
		return -ENOSPC;
	off = net_put_eth(buf, a->eth_dst, a->eth_src, a->tci, NET_ETYPE_IPV6);
	ip6 = (struct rte_ipv6_hdr *)(buf + off);
	ip6->vtc_flow = RTE_BE32(0x60000000u);
	ip6->payload_len = rte_cpu_to_be_16(plen);
	ip6->proto = NET_PROTO_ICMP6;
	ip6->hop_limits = NET_ND_HOP_LIMIT;
	memcpy(ip6->src_addr, a->ip_src, 16);
	memcpy(ip6->dst_addr, a->ip_dst, 16);
	nd = (struct net_nd_msg *)(ip6 + 1);
	nd->type = a->type;
	nd->code = 0;
	nd->cksum = 0;
	nd->flags = rte_cpu_to_be_32(a->flags);
	memcpy(nd->target, a->target, 16);
	opt = (struct net_nd_opt_lla *)(nd + 1);
	opt->type = a->opt_type;
	opt->len = 1;
	memcpy(opt->mac, a->eth_src, 6);
	sum = net_phdr6_sum(a->ip_src, a->ip_dst, NET_PROTO_ICMP6);
	sum = mbl_net_cksum_add16(sum, rte_cpu_to_be_16(plen));
	nd->cksum = mbl_net_cksum_fold(mbl_net_cksum_add(sum, nd, plen));
	return off + NET_IP6_LEN + plen;
}

int mbl_net_nd_ns_build(uint8_t *buf, size_t cap, uint16_t vlan_tci,
			const uint8_t src_mac[6], const uint8_t src_ip[16],
			const uint8_t target[16], const uint8_t *dst_mac)
{
	/* Solicited-node address ff02::1:ffXX:XXXX (RFC 4291 2.7.1) and its
	 * MAC 33:33 + low 32 bits (RFC 2464 7). */
	uint8_t dip[16] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff };
	uint8_t dmac[6] = { 0x33, 0x33 };
	struct nd_args a;

	if (!buf || !src_mac || !src_ip || !target || target[0] == 0xff)
		return -EINVAL;
	if (dst_mac) {
		memcpy(dip, target, 16);
		memcpy(dmac, dst_mac, 6);
	} else {
		memcpy(dip + 13, target + 13, 3);
		memcpy(dmac + 2, dip + 12, 4);
	}
	a = (struct nd_args){ .eth_dst = dmac, .eth_src = src_mac, .ip_src = src_ip,
			      .ip_dst = dip, .target = target, .tci = vlan_tci,
			      .type = NET_ND_NS, .opt_type = NET_ND_OPT_SLLA };
	return nd_build(buf, cap, &a);
}

int mbl_net_nd_na_build(uint8_t *buf, size_t cap, uint16_t vlan_tci,
			const uint8_t src_mac[6], const uint8_t target[16],
			const uint8_t dst_mac[6], const uint8_t dst_ip[16],
			uint32_t flags)
{
	struct nd_args a;

	if (!buf || !src_mac || !target || !dst_mac || !dst_ip ||
	    (flags & ~(MBL_NET_NA_F_ROUTER | MBL_NET_NA_F_SOLICITED | MBL_NET_NA_F_OVERRIDE)))
		return -EINVAL;
	a = (struct nd_args){ .eth_dst = dst_mac, .eth_src = src_mac, .ip_src = target,
			      .ip_dst = dst_ip, .target = target, .tci = vlan_tci,
			      .type = NET_ND_NA, .opt_type = NET_ND_OPT_TLLA,
			      .flags = flags };
	return nd_build(buf, cap, &a);
}

int mbl_net_nd_na_reply(uint8_t *buf, size_t cap, const struct mbl_net_info *ns,
			const uint8_t our_mac[6])
{
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };
	static const uint8_t all_nodes_mac[6] = { 0x33, 0x33, 0, 0, 0, 0x01 };
	static const uint8_t unspec[16];
	uint8_t target[16], dip[16], dmac[6];

	if (!ns || !ns->nd_target || !ns->src6 || ns->icmp_type != NET_ND_NS)
		return -EINVAL;
	/* Copies: buf may be the frame the NS arrived in. */
	memcpy(target, ns->nd_target, 16);
	if (memcmp(ns->src6, unspec, 16) == 0)
		return mbl_net_nd_na_build(buf, cap, ns->vlan_tci, our_mac, target,
					   all_nodes_mac, all_nodes, MBL_NET_NA_F_OVERRIDE);
	memcpy(dip, ns->src6, 16);
	memcpy(dmac, ns->nd_lladdr ? ns->nd_lladdr : ns->eth_src, 6);
	return mbl_net_nd_na_build(buf, cap, ns->vlan_tci, our_mac, target, dmac, dip,
				   MBL_NET_NA_F_SOLICITED | MBL_NET_NA_F_OVERRIDE);
}
