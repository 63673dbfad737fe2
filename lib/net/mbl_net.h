/* SPDX-License-Identifier: BSD-3-Clause
 * mediablast network layer on byte buffers: Internet checksums, per-stream
 * UDP header templates, classification and validation of received frames,
 * ARP / ICMP echo / IPv6 ND replies and requests, a neighbor cache and local
 * address ranges.
 *
 * Nothing here needs rte_eal_init(): every function works on (uint8_t *,
 * length) buffers, so the data plane wraps mbufs around it and unit tests call
 * it directly. Frames must start 2-byte aligned (mbuf data always is) because
 * DPDK declares rte_ether_hdr / rte_arp_hdr with 2-byte alignment.
 *
 * Threads: the checksum, template, parse and build functions are pure and
 * reentrant (any thread). A neighbor table belongs to one lcore (its owner);
 * an address range is read-only after parsing (any thread).
 */
#ifndef MBL_NET_H
#define MBL_NET_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_udp.h>

/* ------------------------------------------------------------------------
 * Checksums (RFC 1071)
 * ------------------------------------------------------------------------
 * Sums are "partial": the 16-bit one's complement sum of network-order bytes
 * loaded in host order, kept unfolded in 32 bits. RFC 1071 2(B) makes the sum
 * byte-order independent, so the folded result can be stored as-is into a
 * big-endian header field.
 */

/* Add len bytes at p to the partial sum and return the new partial sum.
 * Pieces may be chained (sum = add(add(0, a, la), b, lb)) only when every
 * piece but the last has an even length: an odd piece would shift the byte
 * lanes of the next one. An odd tail byte is padded with zero (RFC 1071 4.1).
 * p needs no alignment. Any thread. */
static inline uint32_t mbl_net_cksum_add(uint32_t sum, const void *p, size_t len)
{
	const uint8_t *b = p;
	uint64_t acc = sum;

	/* 32-bit words summed into 64 bits and folded later equal the 16-bit
	 * one's complement sum (RFC 1071 2(C), "deferred carries"). */
	while (len >= 4) {
		uint32_t w;

		memcpy(&w, b, 4);
		acc += w;
		b += 4;
		len -= 4;
	}
	if (len >= 2) {
		uint16_t w;

		memcpy(&w, b, 2);
		acc += w;
		b += 2;
		len -= 2;
	}
	if (len) {
		uint16_t w = 0;

		memcpy(&w, b, 1); /* the byte goes to the high-order lane */
		acc += w;
	}
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffffffffu) + (acc >> 32);
	return (uint32_t)acc;
}

/* Combine two partial sums (end-around carry). */
static inline uint32_t mbl_net_cksum_add32(uint32_t a, uint32_t b)
{
	uint64_t acc = (uint64_t)a + b;

	return (uint32_t)((acc & 0xffffffffu) + (acc >> 32));
}

/* Add one 16-bit value that is already in network order (e.g. a rte_be16_t
 * field) to a partial sum. */
static inline uint32_t mbl_net_cksum_add16(uint32_t sum, rte_be16_t v)
{
	return mbl_net_cksum_add32(sum, v);
}

/* Fold a partial sum to 16 bits WITHOUT complementing it (what DPDK's
 * rte_raw_cksum returns; the value TX offload wants in the L4 field). */
static inline uint16_t mbl_net_cksum_reduce(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Fold and complement: the checksum to store as-is into the header field
 * (network order when the sum was over network-order bytes). */
static inline uint16_t mbl_net_cksum_fold(uint32_t sum)
{
	return (uint16_t)~mbl_net_cksum_reduce(sum);
}

/* ------------------------------------------------------------------------
 * Per-stream UDP header template
 * ------------------------------------------------------------------------ */

enum mbl_net_csum_mode {
	MBL_NET_CSUM_SW = 0,     /* IPv4 header + UDP checksum in software */
	MBL_NET_CSUM_OFFLOAD,    /* NIC computes them: UDP field holds the
				  * pseudo-header sum, IPv4 header csum 0; the
				  * caller sets RTE_MBUF_F_TX_IPV4/IP_CKSUM/
				  * UDP_CKSUM and l2/l3_len on the mbuf */
	MBL_NET_CSUM_NONE_V4,    /* UDP checksum 0 (RFC 768), IPv4 header csum
				  * in software; on IPv6 behaves as SW because
				  * a zero UDP checksum is invalid there
				  * (RFC 8200 8.1) */
};

#define MBL_NET_TMPL_MAX 80

/* Built once per media stream on the control plane, then read-only: the
 * owning lcore copies hdr[0..len) in front of each payload and calls
 * mbl_net_udp_finalize(). Length and checksum fields in hdr are zero. */
struct mbl_net_udp_tmpl {
	uint8_t hdr[MBL_NET_TMPL_MAX];
	uint16_t len;              /* ether [+vlan] + ip + udp bytes */
	uint16_t l3_off;           /* 14 or 18 */
	uint16_t l4_off;           /* l3_off + 20 or 40 */
	uint8_t family;            /* 4 or 6 */
	/* IPv4 header sum with total_length and checksum zero. */
	uint32_t ip_csum_partial;
	/* Pseudo-header (addresses, protocol; length zero) + UDP ports. */
	uint32_t udp_csum_partial;
	/* Pseudo-header only (addresses, protocol): base for offload. */
	uint32_t phdr_partial;
};

/* Fill t for one direction of a stream. src_ip/dst_ip are 16 bytes, IPv4
 * v4-mapped (bytes 12..15). vlan_tci 0 means untagged. dscp is the 6-bit
 * DiffServ code point (RFC 2474). IPv4 gets DF and ID 0 (RFC 6864 4.1 atomic
 * datagrams), so its header checksum depends only on the total length.
 * Returns 0, or -EINVAL (NULL argument, family not 4/6, dscp > 63, ttl 0,
 * IPv4 address not v4-mapped). Any thread. */
int mbl_net_udp_tmpl_build(struct mbl_net_udp_tmpl *t, const uint8_t src_mac[6],
			   const uint8_t dst_mac[6], uint16_t vlan_tci, int family,
			   const uint8_t src_ip[16], const uint8_t dst_ip[16],
			   uint16_t sport, uint16_t dport, uint8_t dscp, uint8_t ttl);

/* Complete a frame that starts with a copy of t->hdr followed by payload_len
 * payload bytes. payload_sum is mbl_net_cksum_add(0, payload, payload_len)
 * (the caller may assemble it from per-piece sums following the chaining
 * rule). Writes lengths and checksums per csum_mode. payload_len must keep the
 * IP datagram within 65535 bytes (the caller's MTU check guarantees it).
 * No allocation, no locks: data-plane hot path, any thread. */
static inline void mbl_net_udp_finalize(uint8_t *frame, const struct mbl_net_udp_tmpl *t,
					uint16_t payload_len, uint32_t payload_sum,
					int csum_mode)
{
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(frame + t->l4_off);
	uint16_t ulen = (uint16_t)(payload_len + sizeof(*udp));
	rte_be16_t ulen_be = rte_cpu_to_be_16(ulen);
	uint32_t sum;
	uint16_t csum;

	udp->dgram_len = ulen_be;
	if (t->family == 4) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(frame + t->l3_off);
		rte_be16_t tot = rte_cpu_to_be_16((uint16_t)(ulen + sizeof(*ip)));

		ip->total_length = tot;
		if (csum_mode == MBL_NET_CSUM_OFFLOAD) {
			ip->hdr_checksum = 0;
			udp->dgram_cksum = mbl_net_cksum_reduce(
				mbl_net_cksum_add16(t->phdr_partial, ulen_be));
			return;
		}
		ip->hdr_checksum = mbl_net_cksum_fold(
			mbl_net_cksum_add16(t->ip_csum_partial, tot));
		if (csum_mode == MBL_NET_CSUM_NONE_V4) {
			udp->dgram_cksum = 0;
			return;
		}
	} else {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(frame + t->l3_off);

		ip6->payload_len = ulen_be;
		if (csum_mode == MBL_NET_CSUM_OFFLOAD) {
			udp->dgram_cksum = mbl_net_cksum_reduce(
				mbl_net_cksum_add16(t->phdr_partial, ulen_be));
			return;
		}
	}
	/* The UDP length appears twice: pseudo-header and UDP header. */
	sum = mbl_net_cksum_add16(t->udp_csum_partial, ulen_be);
	sum = mbl_net_cksum_add16(sum, ulen_be);
	sum = mbl_net_cksum_add32(sum, payload_sum);
	/* RFC 768: a computed zero is transmitted as all ones. */
	csum = mbl_net_cksum_fold(sum);
	udp->dgram_cksum = csum ? csum : 0xffff;
}

/* ------------------------------------------------------------------------
 * Received frame classification
 * ------------------------------------------------------------------------ */

enum mbl_net_class {
	MBL_NET_C_DROP = 0,       /* malformed: ni->drop says why */
	MBL_NET_C_ARP,            /* valid Ethernet/IPv4 ARP request or reply,
				   * any target (other opcodes: OTHER) */
	MBL_NET_C_ICMP4_ECHO_REQ,
	MBL_NET_C_ICMP6_ECHO_REQ,
	MBL_NET_C_ND_NS,          /* valid Neighbor Solicitation (RFC 4861 7.1.1) */
	MBL_NET_C_ND_NA,          /* valid Neighbor Advertisement (7.1.2) */
	MBL_NET_C_UDP,
	MBL_NET_C_OTHER,          /* valid but not ours: other ethertypes and
				   * protocols, ICMP replies and errors, ...
				   * count and drop */
	MBL_NET_C_MAX,
};

/* Drop reasons; X(name, description). Expanded into enum mbl_net_drop,
 * mbl_net_drop_names[] and mbl_net_drop_descs[]. */
#define MBL_NET_DROP_LIST(X)                                                   \
	X(none, "not dropped")                                                 \
	X(short_frame, "frame shorter than its headers")                      \
	X(bad_vlan, "stacked VLAN tags")                                       \
	X(bad_arp, "ARP not Ethernet/IPv4 or truncated (RFC 826)")             \
	X(bad_ip_header, "IP version, header length or total length invalid") \
	X(bad_ip_csum, "IPv4 header checksum wrong (RFC 791)")                 \
	X(bad_ip_src, "IP source multicast or broadcast (RFC 1122 3.2.1.3)")   \
	X(ip_fragment, "IP fragment (media never fragments)")                  \
	X(bad_udp_len, "UDP length disagrees with IP length (RFC 768)")        \
	X(bad_udp_csum, "UDP checksum wrong, or zero on IPv6 (RFC 8200 8.1)")  \
	X(bad_icmp, "ICMP message truncated or code not 0")                    \
	X(bad_icmp_csum, "ICMP checksum wrong (RFC 792, RFC 4443 2.3)")        \
	X(bad_nd, "invalid Neighbor Discovery message (RFC 4861 7.1)")

#define MBL_NET_DROP_ENUM_(name, desc) MBL_NET_DROP_##name,
enum mbl_net_drop { MBL_NET_DROP_LIST(MBL_NET_DROP_ENUM_) MBL_NET_DROP_MAX };
#undef MBL_NET_DROP_ENUM_

/* Short snake_case names (counter / telemetry keys) and descriptions,
 * indexed by enum mbl_net_drop. */
extern const char *const mbl_net_drop_names[MBL_NET_DROP_MAX];
extern const char *const mbl_net_drop_descs[MBL_NET_DROP_MAX];

/* Skip checks the NIC already made (RTE_MBUF_F_RX_IP_CKSUM_GOOD /
 * RTE_MBUF_F_RX_L4_CKSUM_GOOD). L4_OK covers UDP only: NICs do not check
 * ICMP. */
#define MBL_NET_PARSE_L3_OK 0x1u
#define MBL_NET_PARSE_L4_OK 0x2u

/* ND message flags (RFC 4861 4.4), host order in mbl_net_info.nd_flags and
 * for mbl_net_nd_na_build(). */
#define MBL_NET_NA_F_ROUTER    0x80000000u
#define MBL_NET_NA_F_SOLICITED 0x40000000u
#define MBL_NET_NA_F_OVERRIDE  0x20000000u

/* Result of mbl_net_parse(). Pointers point into the frame and live as long
 * as it does. Fields not meaningful for a class are left zero / NULL. */
struct mbl_net_info {
	uint16_t vlan_tci;        /* host order; 0 when untagged */
	uint16_t ethertype;       /* inner ethertype, host order */
	uint8_t family;           /* 4, 6, or 0 (ARP, other L2) */
	uint8_t l4_proto;         /* IP protocol / IPv6 next header */
	uint8_t drop;             /* enum mbl_net_drop, for MBL_NET_C_DROP */
	uint8_t hop_limit;        /* IPv4 TTL / IPv6 hop limit */
	uint16_t l3_off;
	uint16_t l4_off;
	uint16_t payload_off;     /* after the UDP / ICMP header */
	uint16_t payload_len;     /* UDP payload or ICMP body; trailer excluded */
	uint32_t frame_len;       /* l3_off + IP/ARP length: frame without
				   * trailer padding */
	uint16_t sport, dport;    /* UDP ports, host order */
	uint32_t src4, dst4;      /* IPv4 addresses, network order */
	const uint8_t *src6;      /* IPv6 addresses (16 bytes) in the frame */
	const uint8_t *dst6;
	const uint8_t *eth_src;   /* 6 bytes in the frame */
	const uint8_t *eth_dst;
	/* ARP (RFC 826) */
	uint16_t arp_op;          /* host order */
	const uint8_t *arp_sha;   /* sender hardware address */
	uint32_t arp_spa;         /* sender IP, network order */
	uint32_t arp_tpa;         /* target IP, network order */
	/* ICMPv4 / ICMPv6 */
	uint8_t icmp_type, icmp_code;
	/* Neighbor Discovery (RFC 4861 4.3, 4.4) */
	uint32_t nd_flags;        /* NA flags, host order */
	const uint8_t *nd_target; /* 16 bytes */
	const uint8_t *nd_lladdr; /* source (NS) / target (NA) link-layer
				   * address option, or NULL */
};

/* Classify and validate one received frame of len bytes (FCS stripped,
 * 2-byte aligned). flags: MBL_NET_PARSE_* bits. Returns an enum
 * mbl_net_class; on MBL_NET_C_DROP ni->drop holds the reason. Never reads
 * outside frame[0..len). Trailer padding beyond the IP length is accepted
 * and ignored (ni->frame_len is the length without it). Truncation inside
 * any header or IP datagram is short_frame. One 802.1Q tag is understood;
 * a second one is bad_vlan. IPv6 extension headers are not walked (other),
 * except a fragment header (ip_fragment). ARP and ND are classified whatever
 * their target: the caller compares the target with its own addresses.
 * ICMPv6 types other than echo request, NS and NA are other, unverified.
 * Data-plane hot path; no allocation, no logging; any thread. */
int mbl_net_parse(const uint8_t *frame, uint32_t len, unsigned flags,
		  struct mbl_net_info *ni);

/* 16-byte form of an IPv4 address held in network order (v4-mapped). */
static inline void mbl_net_ip4_to16(uint32_t be, uint8_t out[16])
{
	memset(out, 0, 10);
	out[10] = 0xff;
	out[11] = 0xff;
	memcpy(out + 12, &be, 4);
}

/* Source / destination address of a parsed IP frame in 16-byte form. */
static inline void mbl_net_info_src16(const struct mbl_net_info *ni, uint8_t out[16])
{
	if (ni->family == 4)
		mbl_net_ip4_to16(ni->src4, out);
	else
		memcpy(out, ni->src6, 16);
}

static inline void mbl_net_info_dst16(const struct mbl_net_info *ni, uint8_t out[16])
{
	if (ni->family == 4)
		mbl_net_ip4_to16(ni->dst4, out);
	else
		memcpy(out, ni->dst6, 16);
}

/* ------------------------------------------------------------------------
 * Building ARP, ICMP echo replies and Neighbor Discovery
 * ------------------------------------------------------------------------
 * Builders write into buf of cap bytes and return the frame length, or
 * -ENOSPC when cap is too small, -EINVAL on bad arguments. vlan_tci 0 means
 * untagged. IPv4 addresses are network order uint32_t; IPv6 are 16 bytes.
 * Control or data plane, any thread; no allocation.
 */

/* ARP frames are padded to the 60-byte Ethernet minimum. */
#define MBL_NET_ARP_FRAME_LEN 60

/* Who-has tip, tell sip (RFC 826). dst_mac NULL: broadcast (unicast is used
 * to refresh a known neighbor, as RFC 1122 2.3.2.1 suggests). */
int mbl_net_arp_request(uint8_t *buf, size_t cap, uint16_t vlan_tci,
			const uint8_t src_mac[6], uint32_t sip, uint32_t tip,
			const uint8_t *dst_mac);

/* Reply "sip is at src_mac" to (dst_mac, dip). */
int mbl_net_arp_reply(uint8_t *buf, size_t cap, uint16_t vlan_tci,
		      const uint8_t src_mac[6], uint32_t sip,
		      const uint8_t dst_mac[6], uint32_t dip);

/* Gratuitous ARP announcement: a broadcast request with sender and target
 * protocol address both ip (RFC 5227 2.3). */
int mbl_net_arp_gratuitous(uint8_t *buf, size_t cap, uint16_t vlan_tci,
			   const uint8_t src_mac[6], uint32_t ip);

/* Turn a parsed ICMPv4 echo request (class MBL_NET_C_ICMP4_ECHO_REQ, same
 * ni) into its reply in place: swap MACs and IPs, type 0, TTL 64, checksums
 * updated incrementally (RFC 1624 3). The caller checks that the request was
 * for one of its unicast addresses. Returns the reply length (trailer
 * dropped) or -EINVAL if ni does not describe an echo request. */
int mbl_net_icmp4_echo_reply(uint8_t *frame, const struct mbl_net_info *ni);

/* Same for ICMPv6 (RFC 4443 4.2): type 129, hop limit 64, checksum over the
 * pseudo-header (unchanged by the swap) updated incrementally. */
int mbl_net_icmp6_echo_reply(uint8_t *frame, const struct mbl_net_info *ni);

/* Neighbor Solicitation for target from src_ip with a source link-layer
 * address option (RFC 4861 4.3), hop limit 255. dst_mac NULL: multicast to
 * the solicited-node address ff02::1:ffXX:XXXX and 33:33:ff:XX:XX:XX (RFC
 * 4291 2.7.1, RFC 2464 7); otherwise unicast to target (reachability
 * confirmation, RFC 4861 7.3.3). */
int mbl_net_nd_ns_build(uint8_t *buf, size_t cap, uint16_t vlan_tci,
			const uint8_t src_mac[6], const uint8_t src_ip[16],
			const uint8_t target[16], const uint8_t *dst_mac);

/* Neighbor Advertisement for target (also the source address) with a target
 * link-layer address option (RFC 4861 4.4), hop limit 255. flags: the
 * MBL_NET_NA_F_* bits (a reply to a solicitation: SOLICITED | OVERRIDE). */
int mbl_net_nd_na_build(uint8_t *buf, size_t cap, uint16_t vlan_tci,
			const uint8_t src_mac[6], const uint8_t target[16],
			const uint8_t dst_mac[6], const uint8_t dst_ip[16],
			uint32_t flags);

/* Answer a parsed NS (class MBL_NET_C_ND_NS) for one of our addresses:
 * unicast solicited+override NA to the soliciting node, or, when the NS came
 * from the unspecified address (duplicate address detection), an NA without
 * the solicited flag to all-nodes ff02::1 (RFC 4861 7.2.4). */
int mbl_net_nd_na_reply(uint8_t *buf, size_t cap, const struct mbl_net_info *ns,
			const uint8_t our_mac[6]);

/* ------------------------------------------------------------------------
 * Neighbor cache (ARP and ND results)
 * ------------------------------------------------------------------------
 * Owned by one lcore: every function on a table must be called from that
 * thread. Time is passed in (ns, any monotonic clock) so tests drive it.
 */

enum mbl_neigh_state {
	MBL_NEIGH_INCOMPLETE = 1, /* request sent, no answer yet */
	MBL_NEIGH_REACHABLE,      /* confirmed within reachable_ns */
	MBL_NEIGH_STALE,          /* usable; refresh request outstanding */
	MBL_NEIGH_FAILED,         /* no answer after max_tries; retried after
				   * hold_ns */
};

struct mbl_neigh_entry {
	uint8_t ip[16];           /* IPv4 v4-mapped */
	uint8_t mac[6];
	uint8_t state;            /* enum mbl_neigh_state; 0 = empty slot */
	uint8_t is_static;        /* never expires, never overwritten */
	uint32_t tries;           /* requests sent in this round */
	uint64_t next_ns;         /* next action (request or state change) */
	uint64_t expire_ns;       /* REACHABLE until then */
};

struct mbl_neigh_params {
	uint64_t retry_ns;        /* between requests */
	uint32_t max_tries;       /* requests before FAILED */
	uint64_t hold_ns;         /* FAILED before trying again */
	uint64_t reachable_ns;    /* REACHABLE before STALE */
};

#define MBL_NEIGH_PARAMS_DEFAULT                                               \
	((struct mbl_neigh_params){ .retry_ns = 1000000000ull, .max_tries = 3, \
				    .hold_ns = 20000000000ull,                 \
				    .reachable_ns = 300000000000ull })

struct mbl_neigh_table;

/* Table for up to cap neighbors (1 .. 2^20) with default parameters.
 * Returns NULL with errno EINVAL (cap out of range) or ENOMEM. */
struct mbl_neigh_table *mbl_neigh_create(uint32_t cap);
void mbl_neigh_free(struct mbl_neigh_table *tbl);   /* NULL is fine */
/* Replace the parameters; -EINVAL if a value is 0. */
int mbl_neigh_set_params(struct mbl_neigh_table *tbl, const struct mbl_neigh_params *p);

/* MAC of ip if usable (REACHABLE, STALE or static), else NULL. O(1)
 * average; data-plane hot path. The pointer stays valid until the next call
 * that changes the table. */
const uint8_t *mbl_neigh_lookup(const struct mbl_neigh_table *tbl, const uint8_t ip[16]);

/* Make sure resolution of ip is under way. Returns 0 if usable now, -EAGAIN
 * while pending (the next mbl_neigh_poll sends the request), -EHOSTUNREACH
 * while FAILED, -ENOSPC when the table is full. */
int mbl_neigh_resolve(struct mbl_neigh_table *tbl, const uint8_t ip[16], uint64_t now_ns);

/* Record ip at mac as REACHABLE (an ARP reply / NA / request from it),
 * creating the entry if needed. Static entries are kept as they are.
 * Returns 0 or -ENOSPC. */
int mbl_neigh_learn(struct mbl_neigh_table *tbl, const uint8_t ip[16],
		    const uint8_t mac[6], uint64_t now_ns);

/* Add or overwrite a permanent entry. Returns 0, -ENOSPC. */
int mbl_neigh_static(struct mbl_neigh_table *tbl, const uint8_t ip[16], const uint8_t mac[6]);

/* The entry for ip (any state), or NULL; for telemetry and tests. */
const struct mbl_neigh_entry *mbl_neigh_get(const struct mbl_neigh_table *tbl,
					    const uint8_t ip[16]);
uint32_t mbl_neigh_count(const struct mbl_neigh_table *tbl);

/* Run timers: send (re)requests through send_req (return < 0 when it could
 * not send; the attempt is repeated after retry_ns without counting a try),
 * move entries INCOMPLETE -> FAILED after max_tries, FAILED -> INCOMPLETE
 * after hold_ns, REACHABLE -> STALE after reachable_ns (with a refresh
 * request), STALE -> FAILED when refreshes go unanswered. Cheap when nothing
 * is due; call every few milliseconds. Returns the requests sent. */
unsigned mbl_neigh_poll(struct mbl_neigh_table *tbl, uint64_t now_ns,
			int (*send_req)(void *arg, const uint8_t ip[16]), void *arg);

/* ------------------------------------------------------------------------
 * Local address ranges
 * ------------------------------------------------------------------------ */

#define MBL_IP_RANGE_MAX (1u << 24)

/* count consecutive addresses from first; all share the upper 96 bits, so
 * only the low 32 bits vary. Read-only after parsing; any thread. */
struct mbl_ip_range {
	int family;               /* 4 or 6 */
	uint8_t first[16];        /* IPv4 v4-mapped */
	uint32_t count;           /* 1 .. MBL_IP_RANGE_MAX */
};

/* Accepts "A" (one address), "A-B" (inclusive; same family, A <= B, same
 * upper 96 bits for IPv6) and "A/len". For IPv4 CIDR every host address is
 * used: the network and broadcast addresses are excluded (.1 .. .254 for a
 * /24) except for /31 (RFC 3021) and /32. For IPv6 CIDR the subnet-router
 * anycast address (all-zero host, RFC 4291 2.6.1) is excluded except for
 * /127 (RFC 6164) and /128. Host bits of A must be zero; v4-mapped IPv6
 * literals (::ffff:a.b.c.d) are refused. No spaces. Returns 0 (r written), or
 * -EINVAL for garbage, mixed families, reversed ranges, more than
 * MBL_IP_RANGE_MAX addresses (r untouched). Control plane. */
int mbl_ip_range_parse(const char *s, struct mbl_ip_range *r);

/* The (i mod count)-th address of r. */
void mbl_ip_range_nth(const struct mbl_ip_range *r, uint32_t i, uint8_t out[16]);

/* Index of ip in r, or -1 if outside. O(1). */
int64_t mbl_ip_range_index(const struct mbl_ip_range *r, const uint8_t ip[16]);

#endif /* MBL_NET_H */
