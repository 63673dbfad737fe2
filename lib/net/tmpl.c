/* SPDX-License-Identifier: BSD-3-Clause
 * Per-stream UDP header templates: everything constant about a media
 * stream's headers is written and summed once, so mbl_net_udp_finalize()
 * only adds the lengths and the payload sum per packet.
 */
#include <errno.h>
#include <string.h>

#include "mbl_net.h"
#include "net_priv.h"

static const uint8_t v4mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

static void build_ip4(struct mbl_net_udp_tmpl *t, const uint8_t src_ip[16],
		      const uint8_t dst_ip[16], uint8_t dscp, uint8_t ttl)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(t->hdr + t->l3_off);
	uint32_t src, dst;

	memcpy(&src, src_ip + 12, 4);
	memcpy(&dst, dst_ip + 12, 4);
	ip->version_ihl = 0x45;
	ip->type_of_service = (uint8_t)(dscp << 2); /* ECN bits 0 (RFC 3168) */
	ip->total_length = 0;                       /* per packet */
	ip->packet_id = 0;                          /* RFC 6864 4.1 */
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = ttl;
	ip->next_proto_id = NET_PROTO_UDP;
	ip->hdr_checksum = 0;
	ip->src_addr = src;
	ip->dst_addr = dst;
	t->ip_csum_partial = mbl_net_cksum_add(0, ip, NET_IP4_LEN);
	t->phdr_partial = net_phdr4_sum(src, dst, NET_PROTO_UDP);
}

static void build_ip6(struct mbl_net_udp_tmpl *t, const uint8_t src_ip[16],
		      const uint8_t dst_ip[16], uint8_t dscp, uint8_t ttl)
{
	struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(t->hdr + t->l3_off);

	/* version 6, traffic class = DSCP << 2 (RFC 8200 7), flow label 0 */
	ip6->vtc_flow = rte_cpu_to_be_32(6u << 28 | (uint32_t)dscp << 22);
	ip6->payload_len = 0;
	ip6->proto = NET_PROTO_UDP;
	ip6->hop_limits = ttl;
	memcpy(ip6->src_addr, src_ip, 16);
	memcpy(ip6->dst_addr, dst_ip, 16);
	t->ip_csum_partial = 0;
	t->phdr_partial = net_phdr6_sum(src_ip, dst_ip, NET_PROTO_UDP);
}

int mbl_net_udp_tmpl_build(struct mbl_net_udp_tmpl *t, const uint8_t src_mac[6],
			   const uint8_t dst_mac[6], uint16_t vlan_tci, int family,
			   const uint8_t src_ip[16], const uint8_t dst_ip[16],
			   uint16_t sport, uint16_t dport, uint8_t dscp, uint8_t ttl)
{
	struct rte_udp_hdr *udp;

	if (!t || !src_mac || !dst_mac || !src_ip || !dst_ip || dscp > 63 || ttl == 0)
		return -EINVAL;
	if (family != 4 && family != 6)
		return -EINVAL;
	if (family == 4 && (memcmp(src_ip, v4mapped_prefix, 12) ||
			    memcmp(dst_ip, v4mapped_prefix, 12)))
		return -EINVAL;
	memset(t, 0, sizeof(*t));
	t->family = (uint8_t)family;
	t->l3_off = net_put_eth(t->hdr, dst_mac, src_mac, vlan_tci,
				family == 4 ? NET_ETYPE_IPV4 : NET_ETYPE_IPV6);
	if (family == 4) {
		t->l4_off = t->l3_off + NET_IP4_LEN;
		build_ip4(t, src_ip, dst_ip, dscp, ttl);
	} else {
		t->l4_off = t->l3_off + NET_IP6_LEN;
		build_ip6(t, src_ip, dst_ip, dscp, ttl);
	}
	t->len = t->l4_off + NET_UDP_LEN;
	udp = (struct rte_udp_hdr *)(t->hdr + t->l4_off);
	udp->src_port = rte_cpu_to_be_16(sport);
	udp->dst_port = rte_cpu_to_be_16(dport);
	udp->dgram_len = 0;
	udp->dgram_cksum = 0;
	t->udp_csum_partial = mbl_net_cksum_add(t->phdr_partial, udp, NET_UDP_LEN);
	return 0;
}
