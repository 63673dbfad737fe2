/* SPDX-License-Identifier: BSD-3-Clause
 * rte_telemetry commands, readable with dpdk-telemetry.py:
 *   /mediablast/stats             aggregate counters and figures
 *   /mediablast/streams,<first>   up to 32 streams from index <first>
 * Callbacks run on the telemetry thread; a mutex keeps them away from the
 * data plane while it is being torn down. */
#include <pthread.h>
#include <stdlib.h>

#include <rte_telemetry.h>

#include "app.h"

#define STREAMS_PER_CALL 32

static pthread_mutex_t tel_lock = PTHREAD_MUTEX_INITIALIZER;
static struct app *tel_app;

#define TEL_U64_(n) rte_tel_data_add_dict_u64(d, #n, t->c.n);

static int cmd_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct mbl_dp_totals *t;
	double hz_us = (double)mbl_tsc_hz / 1e6;

	(void)cmd;
	(void)params;
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return -ENOMEM;
	pthread_mutex_lock(&tel_lock);
	if (tel_app == NULL || tel_app->dp == NULL) {
		pthread_mutex_unlock(&tel_lock);
		free(t);
		return -ENODEV;
	}
	mbl_dp_totals(tel_app->dp, t, true);
	pthread_mutex_unlock(&tel_lock);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "streams", t->streams);
	rte_tel_data_add_dict_u64(d, "streams_running", t->streams_running);
	rte_tel_data_add_dict_u64(d, "streams_receiving", t->streams_receiving);
	MBL_DP_COUNTER_LIST(TEL_U64_)
	rte_tel_data_add_dict_u64(d, "rx_lost", t->rx_lost);
	rte_tel_data_add_dict_u64(d, "rx_duplicates", t->rx_duplicates);
	rte_tel_data_add_dict_u64(d, "rx_reordered", t->rx_reordered);
	{
		char buf[32];

		snprintf(buf, sizeof(buf), "%.4f", t->jitter_mean_ms);
		rte_tel_data_add_dict_string(d, "jitter_mean_ms", buf);
		snprintf(buf, sizeof(buf), "%.2f", (double)mbl_hist_pct(&t->lateness_tsc, 99) / hz_us);
		rte_tel_data_add_dict_string(d, "lateness_p99_us", buf);
		snprintf(buf, sizeof(buf), "%.2f", (double)mbl_hist_pct(&t->delay_ns, 50) / 1e3);
		rte_tel_data_add_dict_string(d, "one_way_delay_p50_us", buf);
	}
	free(t);
	return 0;
}

static void add_stream(struct rte_tel_data *d, const struct mbl_dp_stream_view *v)
{
	struct rte_tel_data *s = rte_tel_data_alloc();
	char key[16], buf[32];

	if (s == NULL)
		return;
	rte_tel_data_start_dict(s);
	rte_tel_data_add_dict_string(s, "local", v->local);
	rte_tel_data_add_dict_string(s, "remote", v->remote);
	rte_tel_data_add_dict_u64(s, "ssrc", v->ssrc);
	rte_tel_data_add_dict_u64(s, "peer_ssrc", v->peer_ssrc);
	rte_tel_data_add_dict_u64(s, "tx_packets", v->tx_packets);
	rte_tel_data_add_dict_u64(s, "rx_packets", v->rx_packets);
	rte_tel_data_add_dict_u64(s, "lost", v->lost);
	rte_tel_data_add_dict_u64(s, "duplicates", v->duplicates);
	rte_tel_data_add_dict_u64(s, "reordered", v->reordered);
	snprintf(buf, sizeof(buf), "%.4f", v->jitter_ms);
	rte_tel_data_add_dict_string(s, "jitter_ms", buf);
	snprintf(buf, sizeof(buf), "%.6f", v->jitter_mean_ms);
	rte_tel_data_add_dict_string(s, "jitter_mean_ms", buf);
	snprintf(buf, sizeof(buf), "%.3f", v->rtt_ms);
	rte_tel_data_add_dict_string(s, "rtt_ms", buf);
	rte_tel_data_add_dict_u64(s, "running", v->running);
	snprintf(key, sizeof(key), "%u", v->index);
	rte_tel_data_add_dict_container(d, key, s, 0);
}

static int cmd_streams(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct mbl_dp_stream_view v;
	unsigned long first = params && *params ? strtoul(params, NULL, 10) : 0;

	(void)cmd;
	pthread_mutex_lock(&tel_lock);
	if (tel_app == NULL || tel_app->dp == NULL) {
		pthread_mutex_unlock(&tel_lock);
		return -ENODEV;
	}
	rte_tel_data_start_dict(d);
	for (unsigned long i = first; i < first + STREAMS_PER_CALL; i++) {
		if (mbl_dp_stream_view(tel_app->dp, (uint32_t)i, &v) < 0)
			break;
		add_stream(d, &v);
	}
	pthread_mutex_unlock(&tel_lock);
	return 0;
}

void app_telemetry_register(struct app *a)
{
	static bool registered;

	pthread_mutex_lock(&tel_lock);
	tel_app = a;
	pthread_mutex_unlock(&tel_lock);
	if (registered)
		return;
	registered = true;
	rte_telemetry_register_cmd("/mediablast/stats", cmd_stats,
				   "Aggregate media counters and figures. No parameters");
	rte_telemetry_register_cmd("/mediablast/streams", cmd_streams,
				   "Per-stream figures for 32 streams. Parameter: first index");
}

void app_telemetry_detach(void)
{
	pthread_mutex_lock(&tel_lock);
	tel_app = NULL;
	pthread_mutex_unlock(&tel_lock);
}
