/* SPDX-License-Identifier: BSD-3-Clause
 * Classification and validation of received frames. Each layer checks that
 * its header lies inside the bytes the layer below vouches for (frame length,
 * then IP length), so no read ever leaves frame[0..len).
 */
#include "mbl_net.h"
#include "net_priv.h"

#define X_NAME(name, desc) [MBL_NET_DROP_##name] = #name,
#define X_DESC(name, desc) [MBL_NET_DROP_##name] = desc,
const char *const mbl_net_drop_names[MBL_NET_DROP_MAX] = { MBL_NET_DROP_LIST(X_NAME) };
const char *const mbl_net_drop_descs[MBL_NET_DROP_MAX] = { MBL_NET_DROP_LIST(X_DESC) };
#undef X_NAME
#undef X_DESC

static inline int drop(struct mbl_net_info *ni, enum mbl_net_drop why)
{
	ni->drop = (uint8_t)why;
	return MBL_NET_C_DROP;
}

/* RFC 826 packet reception: only Ethernet hardware and IPv4 protocol
 * addresses mean anything to us. */
static int parse_arp(const uint8_t *frame, uint32_t len, struct mbl_net_info *ni)
{
	const struct rte_arp_hdr *arp = (const struct rte_arp_hdr *)(frame + ni->l3_off);

	if (len - ni->l3_off < sizeof(*arp))
		return drop(ni, MBL_NET_DROP_short_frame);
	if (arp->arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
	    arp->arp_protocol != RTE_BE16(NET_ETYPE_IPV4) ||
	    arp->arp_hlen != 6 || arp->arp_plen != 4)
		return drop(ni, MBL_NET_DROP_bad_arp);
	ni->frame_len = ni->l3_off + (uint32_t)sizeof(*arp);
	ni->arp_op = rte_be_to_cpu_16(arp->arp_opcode);
	ni->arp_sha = arp->arp_data.arp_sha.addr_bytes;
	ni->arp_spa = arp->arp_data.arp_sip;
	ni->arp_tpa = arp->arp_data.arp_tip;
	if (ni->arp_op != RTE_ARP_OP_REQUEST && ni->arp_op != RTE_ARP_OP_REPLY)
		return MBL_NET_C_OTHER;
	return MBL_NET_C_ARP;
}

/* l4len: bytes of the IP payload (IP length, not frame length). */
static int parse_udp(const uint8_t *frame, uint32_t l4len, unsigned flags, uint32_t phdr,
		     struct mbl_net_info *ni)
{
	const struct rte_udp_hdr *udp = (const struct rte_udp_hdr *)(frame + ni->l4_off);
	uint32_t ulen;

	if (l4len < NET_UDP_LEN)
		return drop(ni, MBL_NET_DROP_bad_udp_len);
	/* RFC 768: length covers header and data. Shorter than the IP payload
	 * is tolerated (the rest is ignored, as Linux does); longer is not. */
	ulen = rte_be_to_cpu_16(udp->dgram_len);
	if (ulen < NET_UDP_LEN || ulen > l4len)
		return drop(ni, MBL_NET_DROP_bad_udp_len);
	if (udp->dgram_cksum == 0) {
		/* RFC 768: zero = not computed; forbidden on IPv6 (RFC 8200 8.1) */
		if (ni->family == 6)
			return drop(ni, MBL_NET_DROP_bad_udp_csum);
	} else if (!(flags & MBL_NET_PARSE_L4_OK)) {
		uint32_t sum = mbl_net_cksum_add16(phdr, rte_cpu_to_be_16((uint16_t)ulen));

		sum = mbl_net_cksum_add(sum, udp, ulen);
		if (mbl_net_cksum_fold(sum) != 0)
			return drop(ni, MBL_NET_DROP_bad_udp_csum);
	}
	ni->sport = rte_be_to_cpu_16(udp->src_port);
	ni->dport = rte_be_to_cpu_16(udp->dst_port);
	ni->payload_off = ni->l4_off + NET_UDP_LEN;
	ni->payload_len = (uint16_t)(ulen - NET_UDP_LEN);
	return MBL_NET_C_UDP;
}

/* RFC 792 echo: only requests concern us; everything else is counted. */
static int parse_icmp4(const uint8_t *frame, uint32_t l4len, struct mbl_net_info *ni)
{
	const struct rte_icmp_hdr *icmp = (const struct rte_icmp_hdr *)(frame + ni->l4_off);

	if (l4len < NET_ICMP_LEN)
		return drop(ni, MBL_NET_DROP_bad_icmp);
	ni->icmp_type = icmp->icmp_type;
	ni->icmp_code = icmp->icmp_code;
	if (icmp->icmp_type != RTE_IP_ICMP_ECHO_REQUEST)
		return MBL_NET_C_OTHER;
	if (icmp->icmp_code != 0)
		return drop(ni, MBL_NET_DROP_bad_icmp);
	if (mbl_net_cksum_fold(mbl_net_cksum_add(0, icmp, l4len)) != 0)
		return drop(ni, MBL_NET_DROP_bad_icmp_csum);
	ni->payload_off = ni->l4_off + NET_ICMP_LEN;
	ni->payload_len = (uint16_t)(l4len - NET_ICMP_LEN);
	return MBL_NET_C_ICMP4_ECHO_REQ;
}

static inline int ip4_src_bad(uint32_t src_be)
{
	uint32_t a = rte_be_to_cpu_32(src_be);

	return (a & 0xf0000000u) == 0xe0000000u || a == 0xffffffffu;
}

static int parse_ip4(const uint8_t *frame, uint32_t len, unsigned flags, struct mbl_net_info *ni)
{
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(frame + ni->l3_off);
	uint32_t avail = len - ni->l3_off, hlen, tot;

	if (avail < NET_IP4_LEN)
		return drop(ni, MBL_NET_DROP_short_frame);
	/* RFC 791 3.1: version 4, IHL >= 5 words, total length >= IHL. */
	hlen = (uint32_t)(ip->version_ihl & 0x0f) * 4;
	tot = rte_be_to_cpu_16(ip->total_length);
	if ((ip->version_ihl >> 4) != 4 || hlen < NET_IP4_LEN || tot < hlen)
		return drop(ni, MBL_NET_DROP_bad_ip_header);
	if (hlen > avail || tot > avail)
		return drop(ni, MBL_NET_DROP_short_frame);
	if (!(flags & MBL_NET_PARSE_L3_OK) &&
	    mbl_net_cksum_fold(mbl_net_cksum_add(0, ip, hlen)) != 0)
		return drop(ni, MBL_NET_DROP_bad_ip_csum);
	if (ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK))
		return drop(ni, MBL_NET_DROP_ip_fragment);
	if (ip4_src_bad(ip->src_addr))
		return drop(ni, MBL_NET_DROP_bad_ip_src);
	ni->family = 4;
	ni->l4_proto = ip->next_proto_id;
	ni->hop_limit = ip->time_to_live;
	ni->src4 = ip->src_addr;
	ni->dst4 = ip->dst_addr;
	ni->l4_off = (uint16_t)(ni->l3_off + hlen);
	ni->frame_len = ni->l3_off + tot;
	if (ip->next_proto_id == NET_PROTO_UDP)
		return parse_udp(frame, tot - hlen, flags,
				 net_phdr4_sum(ip->src_addr, ip->dst_addr, NET_PROTO_UDP), ni);
	if (ip->next_proto_id == NET_PROTO_ICMP)
		return parse_icmp4(frame, tot - hlen, ni);
	return MBL_NET_C_OTHER;
}

static const uint8_t solicited_node_prefix[13] = {
	0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff
};

static inline int ip6_unspecified(const uint8_t *a)
{
	static const uint8_t zero[16];

	return memcmp(a, zero, 16) == 0;
}

/* Walk ND options (RFC 4861 4.6): every option must have a nonzero length
 * and fit (7.1.1, 7.1.2). Remembers the Ethernet link-layer option of type
 * want. Returns 0 or -1. */
static int nd_options(const uint8_t *opt, uint32_t olen, uint8_t want, struct mbl_net_info *ni)
{
	while (olen > 0) {
		uint32_t n;

		if (olen < 2 || opt[1] == 0 || (uint32_t)opt[1] * 8 > olen)
			return -1;
		n = (uint32_t)opt[1] * 8;
		if (opt[0] == want && n == NET_ND_OPT_LEN && !ni->nd_lladdr)
			ni->nd_lladdr = opt + 2;
		olen -= n;
		opt += n;
	}
	return 0;
}

/* RFC 4861 7.1.1 / 7.1.2 validity checks beyond the checksum. */
static int parse_nd(const uint8_t *frame, uint32_t l4len, struct mbl_net_info *ni)
{
	const struct net_nd_msg *nd = (const struct net_nd_msg *)(frame + ni->l4_off);
	int ns = nd->type == NET_ND_NS;

	if (ni->hop_limit != NET_ND_HOP_LIMIT || nd->code != 0 || l4len < NET_ND_LEN ||
	    nd->target[0] == 0xff)
		return drop(ni, MBL_NET_DROP_bad_nd);
	ni->nd_target = nd->target;
	ni->nd_flags = rte_be_to_cpu_32(nd->flags);
	if (nd_options((const uint8_t *)(nd + 1), l4len - NET_ND_LEN,
		       ns ? NET_ND_OPT_SLLA : NET_ND_OPT_TLLA, ni))
		return drop(ni, MBL_NET_DROP_bad_nd);
	if (ns && ip6_unspecified(ni->src6) &&
	    (memcmp(ni->dst6, solicited_node_prefix, sizeof(solicited_node_prefix)) ||
	     ni->nd_lladdr))
		return drop(ni, MBL_NET_DROP_bad_nd);
	if (!ns && ni->dst6[0] == 0xff && (ni->nd_flags & MBL_NET_NA_F_SOLICITED))
		return drop(ni, MBL_NET_DROP_bad_nd);
	ni->payload_off = ni->l4_off + NET_ND_LEN;
	ni->payload_len = (uint16_t)(l4len - NET_ND_LEN);
	return ns ? MBL_NET_C_ND_NS : MBL_NET_C_ND_NA;
}

/* ICMPv6 (RFC 4443): the checksum is mandatory and covers the pseudo-header
 * (2.3); only echo requests and NS/NA are verified and classified. */
static int parse_icmp6(const uint8_t *frame, uint32_t l4len, struct mbl_net_info *ni)
{
	const struct rte_icmp_hdr *icmp = (const struct rte_icmp_hdr *)(frame + ni->l4_off);
	uint32_t sum;

	if (l4len < 4)
		return drop(ni, MBL_NET_DROP_bad_icmp);
	ni->icmp_type = icmp->icmp_type;
	ni->icmp_code = icmp->icmp_code;
	if (icmp->icmp_type != NET_ICMP6_ECHO_REQ && icmp->icmp_type != NET_ND_NS &&
	    icmp->icmp_type != NET_ND_NA)
		return MBL_NET_C_OTHER;
	sum = net_phdr6_sum(ni->src6, ni->dst6, NET_PROTO_ICMP6);
	sum = mbl_net_cksum_add16(sum, rte_cpu_to_be_16((uint16_t)l4len));
	if (mbl_net_cksum_fold(mbl_net_cksum_add(sum, icmp, l4len)) != 0)
		return drop(ni, MBL_NET_DROP_bad_icmp_csum);
	if (icmp->icmp_type != NET_ICMP6_ECHO_REQ)
		return parse_nd(frame, l4len, ni);
	if (l4len < NET_ICMP_LEN || icmp->icmp_code != 0)
		return drop(ni, MBL_NET_DROP_bad_icmp);
	ni->payload_off = ni->l4_off + NET_ICMP_LEN;
	ni->payload_len = (uint16_t)(l4len - NET_ICMP_LEN);
	return MBL_NET_C_ICMP6_ECHO_REQ;
}

static int parse_ip6(const uint8_t *frame, uint32_t len, unsigned flags, struct mbl_net_info *ni)
{
	const struct rte_ipv6_hdr *ip6 = (const struct rte_ipv6_hdr *)(frame + ni->l3_off);
	uint32_t avail = len - ni->l3_off, plen;

	if (avail < NET_IP6_LEN)
		return drop(ni, MBL_NET_DROP_short_frame);
	if ((ip6->vtc_flow & RTE_BE32(0xf0000000u)) != RTE_BE32(0x60000000u))
		return drop(ni, MBL_NET_DROP_bad_ip_header);
	plen = rte_be_to_cpu_16(ip6->payload_len);
	if (plen > avail - NET_IP6_LEN)
		return drop(ni, MBL_NET_DROP_short_frame);
	/* RFC 4291 2.7: multicast addresses must not be sources. */
	if (ip6->src_addr[0] == 0xff)
		return drop(ni, MBL_NET_DROP_bad_ip_src);
	ni->family = 6;
	ni->l4_proto = ip6->proto;
	ni->hop_limit = ip6->hop_limits;
	ni->src6 = ip6->src_addr;
	ni->dst6 = ip6->dst_addr;
	ni->l4_off = (uint16_t)(ni->l3_off + NET_IP6_LEN);
	ni->frame_len = ni->l4_off + plen;
	/* Extension headers are not walked: media and ND never carry them;
	 * anything else is "other". A fragment header is a fragment. */
	switch (ip6->proto) {
	case NET_PROTO_UDP:
		return parse_udp(frame, plen, flags,
				 net_phdr6_sum(ip6->src_addr, ip6->dst_addr, NET_PROTO_UDP), ni);
	case NET_PROTO_ICMP6:
		return parse_icmp6(frame, plen, ni);
	case NET_PROTO_FRAG6:
		return drop(ni, MBL_NET_DROP_ip_fragment);
	default:
		return MBL_NET_C_OTHER;
	}
}

int mbl_net_parse(const uint8_t *frame, uint32_t len, unsigned flags, struct mbl_net_info *ni)
{
	uint16_t type;

	memset(ni, 0, sizeof(*ni));
	if (len < NET_ETH_LEN)
		return drop(ni, MBL_NET_DROP_short_frame);
	ni->eth_dst = frame;
	ni->eth_src = frame + 6;
	type = mbl_get_be16(frame + 12);
	ni->l3_off = NET_ETH_LEN;
	if (type == NET_ETYPE_VLAN) {
		if (len < NET_ETH_LEN + NET_VLAN_LEN)
			return drop(ni, MBL_NET_DROP_short_frame);
		ni->vlan_tci = mbl_get_be16(frame + 14);
		type = mbl_get_be16(frame + 16);
		ni->l3_off = NET_ETH_LEN + NET_VLAN_LEN;
		/* One tag only: the port strips or adds the outer one. */
		if (type == NET_ETYPE_VLAN || type == NET_ETYPE_QINQ)
			return drop(ni, MBL_NET_DROP_bad_vlan);
	}
	ni->ethertype = type;
	switch (type) {
	case NET_ETYPE_IPV4:
		return parse_ip4(frame, len, flags, ni);
	case NET_ETYPE_IPV6:
		return parse_ip6(frame, len, flags, ni);
	case NET_ETYPE_ARP:
		return parse_arp(frame, len, ni);
	default:
		return MBL_NET_C_OTHER;
	}
}
