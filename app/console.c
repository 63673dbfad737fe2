/* SPDX-License-Identifier: BSD-3-Clause
 * Live console: one line per stats interval with rates since the previous
 * line. Reads worker counters without locks (values may be a few ns old). */
#include <stdio.h>
#include <stdlib.h>

#include "app.h"

void app_console_line(struct app *a, double elapsed_s)
{
	static uint64_t prev_tx, prev_rx;
	static double prev_s;
	struct mbl_dp_totals *t = calloc(1, sizeof(*t));
	double dt, hz_us = (double)mbl_tsc_hz / 1e6;

	if (t == NULL)
		return;
	mbl_dp_totals(a->dp, t, true);
	dt = elapsed_s - prev_s > 0 ? elapsed_s - prev_s : 1;
	printf("[%7.1fs] streams %u/%u rx %u | tx %.0f pps rx %.0f pps | lost %llu dup %llu "
	       "reord %llu | jitter %.3f ms | late p99 %.1f us max %.1f us\n",
	       elapsed_s, t->streams_running, t->streams, t->streams_receiving,
	       (double)(t->c.tx_packets - prev_tx) / dt, (double)(t->c.rx_rtp - prev_rx) / dt,
	       (unsigned long long)t->rx_lost, (unsigned long long)t->rx_duplicates,
	       (unsigned long long)t->rx_reordered, t->jitter_mean_ms,
	       (double)mbl_hist_pct(&t->lateness_tsc, 99) / hz_us,
	       (double)mbl_hist_max(&t->lateness_tsc) / hz_us);
	fflush(stdout);
	prev_tx = t->c.tx_packets;
	prev_rx = t->c.rx_rtp;
	prev_s = elapsed_s;
	free(t);
}
