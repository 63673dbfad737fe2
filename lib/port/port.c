/* SPDX-License-Identifier: BSD-3-Clause */
#define ALLOW_EXPERIMENTAL_API /* rte_intr_instance_alloc and its setters (22.11) */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <rte_alarm.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_interrupts.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>

#include "mbl_common.h"
#include "mbl_port.h"

#define POOL_CACHE 512

uint16_t mbl_port_count(void)
{
	return rte_eth_dev_count_avail();
}

/* Pick offloads: checksum offload only when every bit we need is there, so
 * the data plane has a single decision per port (no per-packet mixing). */
static int choose_offloads(const struct mbl_port_conf *c, const struct rte_eth_dev_info *di,
			   struct mbl_port *p, struct rte_eth_conf *ec, char *err, size_t errlen)
{
	const uint64_t tx_need = RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
	const uint64_t rx_need = RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM;
	bool tx_ok = (di->tx_offload_capa & tx_need) == tx_need;
	bool rx_ok = (di->rx_offload_capa & rx_need) == rx_need;

	if (c->cksum == MBL_PORT_CKSUM_ON && !tx_ok) {
		snprintf(err, errlen, "port %u (%s): port.cksum_offload=on but the PMD has no "
			 "IPv4+UDP TX checksum offload", c->port_id, di->driver_name);
		return -ENOTSUP;
	}
	if (c->cksum != MBL_PORT_CKSUM_OFF && tx_ok) {
		ec->txmode.offloads |= tx_need;
		p->tx_ip_cksum = p->tx_udp_cksum = true;
	}
	if (c->cksum != MBL_PORT_CKSUM_OFF && rx_ok) {
		ec->rxmode.offloads |= rx_need;
		p->rx_cksum = true;
	}
	if (di->tx_offload_capa & RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE) {
		ec->txmode.offloads |= RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE;
		p->mbuf_fast_free = true;
	}
	return 0;
}

/* Drivers that stamp every received mbuf without the offload being asked
 * for, and the unit they stamp in. DPDK 22.11 net_pcap writes the pcap
 * header time (capture file, or the kernel's capture time on an iface) in
 * microseconds and sets the flag on every packet. */
static const struct {
	const char *driver;
	uint64_t hz;
} stamping_drivers[] = {
	{ "net_pcap", 1000000 },
};

static uint64_t driver_stamp_hz(const char *driver)
{
	for (size_t i = 0; i < MBL_ARRAY_SIZE(stamping_drivers); i++)
		if (strcmp(stamping_drivers[i].driver, driver) == 0)
			return stamping_drivers[i].hz;
	return 0;
}

const char *mbl_port_rx_ts_name(enum mbl_port_rx_ts_src s)
{
	switch (s) {
	case MBL_PORT_RX_TS_OFFLOAD:
		return "offload";
	case MBL_PORT_RX_TS_DRIVER:
		return "driver";
	default:
		return "none";
	}
}

/* Before configure: ask for the timestamp offload where the PMD has it.
 * port.rx_timestamp=on on a PMD with neither offload nor stamps fails
 * here, before anything is configured. */
static int choose_rx_ts(const struct mbl_port_conf *c, const struct rte_eth_dev_info *di,
			struct mbl_port *p, struct rte_eth_conf *ec, char *err, size_t errlen)
{
	p->rx_ts_src = MBL_PORT_RX_TS_NONE;
	if (c->rx_ts == MBL_PORT_CKSUM_OFF)
		return 0;
	if (di->rx_offload_capa & RTE_ETH_RX_OFFLOAD_TIMESTAMP) {
		ec->rxmode.offloads |= RTE_ETH_RX_OFFLOAD_TIMESTAMP;
		p->rx_ts_src = MBL_PORT_RX_TS_OFFLOAD;
	} else if (driver_stamp_hz(di->driver_name) != 0) {
		p->rx_ts_src = MBL_PORT_RX_TS_DRIVER;
	} else if (c->rx_ts == MBL_PORT_CKSUM_ON) {
		snprintf(err, errlen, "port %u (%s): port.rx_timestamp=on but the PMD has no RX "
			 "timestamp offload and does not stamp packets", c->port_id,
			 di->driver_name);
		return -ENOTSUP;
	}
	return 0;
}

/* Ticks per second of the NIC clock the offload stamps with: its clock
 * read twice 100 ms apart against the TSC (rte_eth_read_clock). 0 when
 * the PMD cannot read it. */
static uint64_t measure_clock_hz(uint16_t port_id)
{
	uint64_t c0, c1, t0, t1;

	if (rte_eth_read_clock(port_id, &c0) != 0)
		return 0;
	t0 = mbl_tsc();
	usleep(100 * 1000);
	if (rte_eth_read_clock(port_id, &c1) != 0)
		return 0;
	t1 = mbl_tsc();
	if (c1 <= c0 || t1 <= t0)
		return 0;
	return (uint64_t)((unsigned __int128)(c1 - c0) * mbl_tsc_hz / (t1 - t0));
}

/* After start (a PMD registers the dynamic field when the offload is
 * enabled): find the field and flag and the tick rate. With
 * port.rx_timestamp=auto, anything missing means poll time (logged); with
 * on it is an error. */
static int finish_rx_ts(const struct mbl_port_conf *c, struct mbl_port *p, char *err,
			size_t errlen)
{
	const char *why = NULL;
	int bit;

	if (p->rx_ts_src == MBL_PORT_RX_TS_NONE)
		return 0; /* off, or auto without stamps: poll time */
	p->rx_ts_off = rte_mbuf_dynfield_lookup(RTE_MBUF_DYNFIELD_TIMESTAMP_NAME, NULL);
	bit = rte_mbuf_dynflag_lookup(RTE_MBUF_DYNFLAG_RX_TIMESTAMP_NAME, NULL);
	p->rx_ts_flag = bit >= 0 ? 1ULL << bit : 0;
	p->rx_ts_hz = c->rx_ts_hz;
	if (p->rx_ts_hz == 0)
		p->rx_ts_hz = p->rx_ts_src == MBL_PORT_RX_TS_DRIVER ? driver_stamp_hz(p->driver)
								    : measure_clock_hz(p->id);
	if (p->rx_ts_off < 0 || bit < 0)
		why = "the PMD registered no timestamp field";
	else if (p->rx_ts_hz == 0)
		why = "its clock rate is unknown (set port.rx_timestamp_hz)";
	if (why == NULL)
		return 0;
	p->rx_ts_src = MBL_PORT_RX_TS_NONE;
	p->rx_ts_off = -1;
	p->rx_ts_flag = 0;
	p->rx_ts_hz = 0;
	if (c->rx_ts == MBL_PORT_CKSUM_ON) {
		snprintf(err, errlen, "port %u (%s): port.rx_timestamp=on but %s", p->id,
			 p->driver, why);
		return -ENOTSUP;
	}
	mbl_log(MBL_LOG_WARN, "port %u (%s): receive timestamps unusable (%s): jitter uses "
		"the RX poll time", p->id, p->driver, why);
	return 0;
}

static void choose_rss(const struct mbl_port_conf *c, const struct rte_eth_dev_info *di,
		       struct mbl_port *p, struct rte_eth_conf *ec)
{
	uint64_t hf = (RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP) & di->flow_type_rss_offloads;

	if (!c->rss || p->nb_rxq < 2 || hf == 0)
		return;
	ec->rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
	ec->rx_adv_conf.rss_conf.rss_hf = hf;
	p->rss_on = true;
}

static int setup_queues(const struct mbl_port_conf *c, struct mbl_port *p,
			const struct rte_eth_dev_info *di, char *err, size_t errlen)
{
	uint16_t nrx = c->rx_desc, ntx = c->tx_desc;
	int socket = rte_eth_dev_socket_id(p->id);
	struct rte_eth_txconf txc = di->default_txconf;
	struct rte_eth_rxconf rxc = di->default_rxconf;
	int rc;

	if (socket < 0)
		socket = 0;
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(p->id, &nrx, &ntx);
	if (rc < 0)
		goto fail;
	for (uint16_t q = 0; q < p->nb_rxq; q++) {
		rc = rte_eth_rx_queue_setup(p->id, q, nrx, (unsigned)socket, &rxc, p->pool);
		if (rc < 0)
			goto fail;
	}
	for (uint16_t q = 0; q < p->nb_txq; q++) {
		rc = rte_eth_tx_queue_setup(p->id, q, ntx, (unsigned)socket, &txc);
		if (rc < 0)
			goto fail;
	}
	return 0;
fail:
	snprintf(err, errlen, "port %u (%s): queue setup failed: %s", p->id, p->driver,
		 rte_strerror(-rc));
	return rc;
}

/* The pool asked for, or - when EAL was given less memory (e.g. --no-huge
 * with its 64 MB default) - the largest halving of it that still covers
 * every descriptor ring with room to spare, said in the log. A pool below
 * that would stall RX, so then the error names the key. */
static int create_pool(const struct mbl_port_conf *c, struct mbl_port *p, char *err,
		       size_t errlen)
{
	char name[RTE_MEMPOOL_NAMESIZE];
	int socket = rte_eth_dev_socket_id(p->id);
	unsigned need = (unsigned)(c->rx_desc * c->rx_queues + c->tx_desc * c->tx_queues) +
			2 * POOL_CACHE * RTE_MAX_LCORE / 16 + 1024;
	unsigned n = c->mbufs;

	snprintf(name, sizeof(name), "mbl_pool_p%u", p->id);
	for (;;) {
		p->pool = rte_pktmbuf_pool_create(name, n, POOL_CACHE, 0,
						  RTE_MBUF_DEFAULT_BUF_SIZE, socket < 0 ? 0 : socket);
		if (p->pool != NULL || rte_errno != ENOMEM || n / 2 < need)
			break;
		n /= 2;
	}
	if (p->pool == NULL) {
		snprintf(err, errlen, "port %u: cannot create a pool of %u mbufs: %s "
			 "(lower port.mbufs or give EAL more memory with -m)", p->id, n,
			 rte_strerror(rte_errno));
		return -ENOMEM;
	}
	if (n != c->mbufs)
		mbl_log(MBL_LOG_WARN, "port %u: %u mbufs (port.mbufs %u does not fit the memory "
			"EAL has: give it -m or hugepages for more)", p->id, n, c->mbufs);
	return 0;
}

int mbl_port_open(const struct mbl_port_conf *c, struct mbl_port *p, char *err, size_t errlen)
{
	struct rte_eth_conf ec;
	struct rte_eth_dev_info di;
	int rc;

	memset(p, 0, sizeof(*p));
	p->id = c->port_id;
	p->rx_ts_off = -1;
	if (!rte_eth_dev_is_valid_port(c->port_id)) {
		snprintf(err, errlen, "no DPDK port %u (%u ports exist): check the EAL arguments "
			 "(--vdev / -a) or port.profile", c->port_id, mbl_port_count());
		return -ENODEV;
	}
	rc = rte_eth_dev_info_get(p->id, &di);
	if (rc < 0) {
		snprintf(err, errlen, "port %u: cannot read device info: %s", p->id, rte_strerror(-rc));
		return rc;
	}
	snprintf(p->driver, sizeof(p->driver), "%s", di.driver_name);
	rte_eth_dev_get_name_by_port(p->id, p->name);
	p->nb_rxq = MBL_MIN(c->rx_queues, di.max_rx_queues);
	p->nb_txq = MBL_MIN(c->tx_queues, di.max_tx_queues);
	if (p->nb_rxq != c->rx_queues || p->nb_txq != c->tx_queues)
		mbl_log(MBL_LOG_WARN, "port %u (%s): queues clamped to rx %u tx %u (PMD limit)",
			p->id, p->driver, p->nb_rxq, p->nb_txq);
	memset(&ec, 0, sizeof(ec));
	rc = choose_offloads(c, &di, p, &ec, err, errlen);
	if (rc < 0)
		goto unconfigured;
	choose_rss(c, &di, p, &ec);
	rc = choose_rx_ts(c, &di, p, &ec, err, errlen);
	if (rc < 0)
		goto unconfigured;
	rc = rte_eth_dev_configure(p->id, p->nb_rxq, p->nb_txq, &ec);
	if (rc < 0) {
		snprintf(err, errlen, "port %u (%s): configure failed: %s", p->id, p->driver,
			 rte_strerror(-rc));
		goto unconfigured;
	}
	if (c->mtu != RTE_ETHER_MTU && rte_eth_dev_set_mtu(p->id, c->mtu) < 0)
		mbl_log(MBL_LOG_WARN, "port %u: cannot set MTU %u; keeping the default", p->id, c->mtu);
	rc = create_pool(c, p, err, errlen);
	if (rc == 0)
		rc = setup_queues(c, p, &di, err, errlen);
	if (rc == 0 && (rc = rte_eth_dev_start(p->id)) < 0)
		snprintf(err, errlen, "port %u (%s): start failed: %s", p->id, p->driver,
			 rte_strerror(-rc));
	if (rc == 0)
		rc = finish_rx_ts(c, p, err, errlen);
	if (rc < 0) {
		mbl_port_close(p);
		return rc;
	}
	if (c->promisc)
		rte_eth_promiscuous_enable(p->id);
	rte_eth_macaddr_get(p->id, &p->mac);
	return 0;
unconfigured:
	/* never configured: closing would release a virtual device for good */
	p->driver[0] = '\0';
	return rc;
}

struct close_job {
	uint16_t port_id;
	int done; /* set by the interrupt thread */
};

static void stop_and_close(uint16_t port_id)
{
	rte_eth_dev_stop(port_id);
	rte_eth_dev_close(port_id);
}

static void close_on_intr_thread(void *arg)
{
	struct close_job *j = arg;

	stop_and_close(j->port_id);
	__atomic_store_n(&j->done, 1, __ATOMIC_RELEASE);
}

/* Stop and close on the EAL interrupt thread. Drivers handle link and
 * peer events there: net_memif (DPDK 22.11) tears its side down from that
 * thread when the peer disconnects, without a lock shared with dev_stop, so
 * the instance ending second could free the shared regions twice or close
 * the device under a running handler. Alarm callbacks run on that same
 * thread, one at a time, so stopping from one cannot overlap any handler. */
static void close_serialised(uint16_t port_id)
{
	struct close_job j = { .port_id = port_id };

	if (rte_eal_alarm_set(1, close_on_intr_thread, &j) < 0) {
		stop_and_close(port_id);
		return;
	}
	for (unsigned waited = 0; !__atomic_load_n(&j.done, __ATOMIC_ACQUIRE); waited++) {
		/* an interrupt thread stuck for 5 s: take the job back (cancel
		 * returns only once a callback already running has finished) */
		if (waited == 5000 && rte_eal_alarm_cancel(close_on_intr_thread, &j) > 0) {
			mbl_log(MBL_LOG_WARN, "port %u: interrupt thread busy; closing here",
				port_id);
			stop_and_close(port_id);
			return;
		}
		usleep(1000);
	}
}

void mbl_port_close(struct mbl_port *p)
{
	if (p->driver[0] != '\0' && rte_eth_dev_is_valid_port(p->id))
		close_serialised(p->id);
	if (p->pool != NULL)
		rte_mempool_free(p->pool);
	p->pool = NULL;
	p->driver[0] = '\0';
}

/* The interrupt thread, parked for good: it returns only at process exit. */
static void park_intr_thread(void *arg)
{
	__atomic_store_n((int *)arg, 1, __ATOMIC_RELEASE);
	for (;;)
		pause();
}

/* DPDK 22.11's rte_eal_cleanup() unmaps the memory heap while the
 * interrupt thread still runs, and net_memif's server leaves its listener
 * socket registered after close (its handle is in that heap). The cleanup
 * itself wakes the thread (unregistering the alarm source rebuilds the
 * epoll set), which then reads the unmapped handle: a SIGSEGV after the
 * report, one run in ten with memif. Parking the thread in a callback of
 * our own first leaves nothing to race: the alarm source is unregistered
 * without it (its callback is not running) and exit ends it. */
void mbl_port_eal_cleanup(void)
{
	static struct rte_intr_handle *h; /* held by the parked thread */
	static int parked;
	int efd = -1;

	h = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	if (h != NULL)
		efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (efd >= 0 && rte_intr_fd_set(h, efd) == 0 &&
	    rte_intr_type_set(h, RTE_INTR_HANDLE_EXT) == 0 &&
	    rte_intr_callback_register(h, park_intr_thread, &parked) == 0 &&
	    eventfd_write(efd, 1) == 0) {
		for (unsigned waited = 0; waited < 2000; waited++) {
			if (__atomic_load_n(&parked, __ATOMIC_ACQUIRE))
				break;
			usleep(1000);
		}
		if (!__atomic_load_n(&parked, __ATOMIC_ACQUIRE))
			mbl_log(MBL_LOG_WARN, "EAL interrupt thread did not park in 2 s; "
				"cleaning up anyway");
	}
	rte_eal_cleanup();
}

bool mbl_port_wait_link(const struct mbl_port *p, unsigned timeout_ms)
{
	struct rte_eth_link link;

	for (unsigned waited = 0;; waited += 100) {
		memset(&link, 0, sizeof(link));
		if (rte_eth_link_get_nowait(p->id, &link) == 0 && link.link_status)
			return true;
		if (waited >= timeout_ms)
			return false;
		usleep(100 * 1000);
	}
}
