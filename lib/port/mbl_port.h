/* SPDX-License-Identifier: BSD-3-Clause
 * mediablast port layer: bring up one DPDK ethdev port for the data plane
 * (queues, descriptors, RSS, checksum offloads, mbuf pool) from the values a
 * drivers-config/ profile and the scenario chose. Control plane only: every
 * function here runs on the main lcore before the workers launch or after
 * they stopped.
 */
#ifndef MBL_PORT_H
#define MBL_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mempool.h>

enum mbl_port_cksum {
	MBL_PORT_CKSUM_AUTO = 0, /* use offload where the PMD has it */
	MBL_PORT_CKSUM_ON,       /* require offload; fail if missing */
	MBL_PORT_CKSUM_OFF,      /* always software */
};

struct mbl_port_conf {
	uint16_t port_id;
	uint16_t rx_queues;
	uint16_t tx_queues;
	uint16_t rx_desc;
	uint16_t tx_desc;
	uint32_t mbufs;
	uint16_t mtu;
	bool rss;
	bool promisc;
	enum mbl_port_cksum cksum;
	/* per-packet receive timestamps (AUTO/ON/OFF as for cksum) and their
	 * tick rate; 0 = known for the driver or measured at start */
	enum mbl_port_cksum rx_ts;
	uint32_t rx_ts_hz;
};

/* Where a port's receive timestamps come from. */
enum mbl_port_rx_ts_src {
	MBL_PORT_RX_TS_NONE = 0, /* the data plane takes its poll time */
	MBL_PORT_RX_TS_OFFLOAD,  /* RTE_ETH_RX_OFFLOAD_TIMESTAMP (NIC clock) */
	MBL_PORT_RX_TS_DRIVER,   /* the PMD always stamps (net_pcap: capture time) */
};

struct mbl_port {
	uint16_t id;
	uint16_t nb_rxq;           /* queues actually configured */
	uint16_t nb_txq;
	struct rte_ether_addr mac;
	struct rte_mempool *pool;  /* owned; freed by mbl_port_close() */
	bool tx_ip_cksum;          /* TX IPv4 header checksum offloaded */
	bool tx_udp_cksum;         /* TX UDP checksum offloaded */
	bool rx_cksum;             /* RX checksum flags reported by the PMD */
	bool mbuf_fast_free;       /* one pool, refcnt 1: PMD may free in bulk */
	bool rss_on;
	/* receive timestamps: when src != NONE, an mbuf whose ol_flags has
	 * rx_ts_flag carries a timestamp at byte rx_ts_off (the DPDK timestamp
	 * dynfield) counting rx_ts_hz ticks per second */
	enum mbl_port_rx_ts_src rx_ts_src;
	int rx_ts_off;
	uint64_t rx_ts_flag;
	uint64_t rx_ts_hz;
	char driver[32];
	char name[64];
};

/* Open and start conf->port_id. Queue counts are clamped to what the PMD
 * offers (a message says so). Returns 0, or -errno with err filled
 * (e.g. -ENODEV "no DPDK port 0: did the EAL arguments create one?"). */
int mbl_port_open(const struct mbl_port_conf *conf, struct mbl_port *p,
		  char *err, size_t errlen);

/* Name of a timestamp source ("none", "offload", "driver"). */
const char *mbl_port_rx_ts_name(enum mbl_port_rx_ts_src s);

/* Stop and close the port and free its pool. Safe on a port that failed to
 * open (does nothing). */
void mbl_port_close(struct mbl_port *p);

/* rte_eal_cleanup() for a process that is about to exit: parks the EAL
 * interrupt thread first so it cannot touch memory the cleanup unmaps (DPDK
 * 22.11 leaves it running; see port.c). Close every port before. */
void mbl_port_eal_cleanup(void);

/* Number of DPDK ports EAL created. */
uint16_t mbl_port_count(void);

/* Wait up to timeout_ms for link up; returns true when up (net_null and
 * virtual PMDs report up at once). */
bool mbl_port_wait_link(const struct mbl_port *p, unsigned timeout_ms);

#endif /* MBL_PORT_H */
