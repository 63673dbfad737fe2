/* SPDX-License-Identifier: BSD-3-Clause
 * The report's timeline: one sample per second of the run (and one for the
 * partial second at its end), each the difference of running totals since
 * the previous sample, so a sample says what happened in that second.
 * Main lcore only; worker counters are read without locks (a sample may be
 * a few ns stale, never torn enough to matter: counters only grow). */
#include <stdlib.h>
#include <string.h>

#include "app.h"

#define TL_INTERVAL_NS MBL_NS_PER_S
#define TL_MAX_SAMPLES 86400u /* a day at 1/s: ~7 MiB; later seconds are counted, not kept */

struct tl_sample {
	double t_s;              /* end of the interval, since the run's start */
	double dt_s;             /* its length (1 but for the last) */
	uint64_t attempted, answered, failed, active, handshakes, rtx, timeouts;
	uint64_t tx, rx, lost, expected;
	double jitter_ms, mos, late_us_p99;
	bool calls;              /* the call fields mean something */
};

/* Running totals at the previous sample. */
struct tl_totals {
	uint64_t attempted, answered, failed, handshakes, rtx, timeouts;
	uint64_t tx, rx, lost, expected;
};

struct app_timeline {
	struct tl_sample *s;
	size_t n, cap;
	uint64_t dropped;        /* samples past TL_MAX_SAMPLES */
	uint64_t next_ns, prev_ns;  /* relative to a->start_ns */
	struct tl_totals prev;
	struct mbl_hist late_prev;  /* pacer lateness at the previous sample */
	struct mbl_hist late_now;
	struct mbl_dp_totals t;
};

static uint64_t handshakes_done(const struct mbl_cp_stats *st)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < MBL_SRTP_SUITE_MAX; i++)
		n += st->dtls_by_profile[i];
	return n;
}

static void tl_read(struct app *a, struct app_timeline *tl, struct tl_totals *now)
{
	memset(now, 0, sizeof(*now));
	mbl_dp_totals(a->dp, &tl->t, true);
	now->tx = tl->t.c.tx_packets;
	now->rx = tl->t.c.rx_rtp;
	now->lost = tl->t.rx_lost;
	now->expected = tl->t.rx_expected;
	if (a->cp != NULL) {
		const struct mbl_cp_stats *st = mbl_cp_stats(a->cp);

		now->attempted = st->attempted;
		now->answered = st->succeeded;
		now->failed = st->failed;
		now->handshakes = handshakes_done(st);
		mbl_cp_sip_counts(a->cp, &now->rtx, &now->timeouts);
	}
}

static uint64_t since(uint64_t now, uint64_t then)
{
	return now > then ? now - then : 0;
}

/* One sample for (prev_ns, now_ns]. */
static void tl_sample(struct app *a, struct app_timeline *tl, uint64_t now_ns)
{
	struct tl_totals now;
	struct tl_sample *s;
	double loss_pct;

	tl_read(a, tl, &now);
	if (tl->n == tl->cap) {
		size_t cap = tl->cap ? tl->cap * 2 : 256;
		struct tl_sample *g;

		if (tl->n >= TL_MAX_SAMPLES || (g = realloc(tl->s, cap * sizeof(*g))) == NULL) {
			tl->dropped++;
			goto out;
		}
		tl->s = g;
		tl->cap = cap;
	}
	s = &tl->s[tl->n++];
	memset(s, 0, sizeof(*s));
	s->t_s = (double)now_ns / 1e9;
	s->dt_s = (double)(now_ns - tl->prev_ns) / 1e9;
	s->calls = a->cp != NULL;
	s->attempted = since(now.attempted, tl->prev.attempted);
	s->answered = since(now.answered, tl->prev.answered);
	s->failed = since(now.failed, tl->prev.failed);
	s->handshakes = since(now.handshakes, tl->prev.handshakes);
	s->rtx = since(now.rtx, tl->prev.rtx);
	s->timeouts = since(now.timeouts, tl->prev.timeouts);
	s->active = a->cp != NULL ? mbl_cp_live(a->cp) : 0;
	s->tx = since(now.tx, tl->prev.tx);
	s->rx = since(now.rx, tl->prev.rx);
	s->lost = since(now.lost, tl->prev.lost);
	s->expected = since(now.expected, tl->prev.expected);
	s->jitter_ms = tl->t.jitter_mean_ms;
	loss_pct = s->expected ? 100.0 * (double)s->lost / (double)s->expected : 0;
	s->mos = s->rx ? mbl_dp_mos(a->dp, loss_pct, mbl_hist_mean(&tl->t.delay_ns) / 1e6,
				    s->jitter_ms) : 0;
	tl->late_now = tl->t.lateness_tsc;
	mbl_hist_since(&tl->late_now, &tl->late_prev);
	s->late_us_p99 = (double)mbl_hist_pct(&tl->late_now, 99) / ((double)mbl_tsc_hz / 1e6);
out:
	tl->late_prev = tl->t.lateness_tsc;
	tl->prev = now;
	tl->prev_ns = now_ns;
}

int app_timeline_init(struct app *a)
{
	a->tl = calloc(1, sizeof(*a->tl));
	if (a->tl == NULL)
		return -1;
	a->tl->next_ns = TL_INTERVAL_NS;
	return 0;
}

void app_timeline_tick(struct app *a)
{
	struct app_timeline *tl = a->tl;
	uint64_t now;

	if (tl == NULL)
		return;
	now = mbl_time_ns() - a->start_ns;
	if (now < tl->next_ns)
		return;
	tl_sample(a, tl, now);
	/* a stall longer than a second gives one long sample, not a burst */
	while (tl->next_ns <= now)
		tl->next_ns += TL_INTERVAL_NS;
}

void app_timeline_end(struct app *a)
{
	struct app_timeline *tl = a->tl;
	uint64_t now;

	if (tl == NULL)
		return;
	now = a->end_ns - a->start_ns;
	if (now > tl->prev_ns)
		tl_sample(a, tl, now);
}

void app_timeline_json(const struct app *a, struct mbl_json *j)
{
	const struct app_timeline *tl = a->tl;

	if (tl == NULL)
		return;
	mbl_json_obj_open(j, "timeline");
	mbl_json_dbl(j, "interval_s", (double)TL_INTERVAL_NS / 1e9);
	mbl_json_u64(j, "samples_dropped", tl->dropped);
	mbl_json_arr_open(j, "samples");
	for (size_t i = 0; i < tl->n; i++) {
		const struct tl_sample *s = &tl->s[i];
		double dt = s->dt_s > 0 ? s->dt_s : 1;

		mbl_json_obj_open(j, NULL);
		mbl_json_dbl(j, "t_s", s->t_s);
		mbl_json_dbl(j, "dt_s", s->dt_s);
		if (s->calls) {
			mbl_json_u64(j, "calls_attempted", s->attempted);
			mbl_json_u64(j, "calls_answered", s->answered);
			mbl_json_u64(j, "calls_failed", s->failed);
			mbl_json_u64(j, "calls_active", s->active);
			mbl_json_u64(j, "handshakes", s->handshakes);
			mbl_json_u64(j, "sip_retransmissions", s->rtx);
			mbl_json_u64(j, "sip_timeouts", s->timeouts);
		}
		mbl_json_dbl(j, "tx_pps", (double)s->tx / dt);
		mbl_json_dbl(j, "rx_pps", (double)s->rx / dt);
		mbl_json_u64(j, "rx_lost", s->lost);
		mbl_json_dbl(j, "loss_pct",
			     s->expected ? 100.0 * (double)s->lost / (double)s->expected : 0);
		mbl_json_dbl(j, "jitter_ms", s->jitter_ms);
		if (s->rx != 0)
			mbl_json_dbl(j, "mos", s->mos);
		else
			mbl_json_null(j, "mos");
		mbl_json_dbl(j, "pacer_late_us_p99", s->late_us_p99);
		mbl_json_obj_close(j);
	}
	mbl_json_arr_close(j);
	mbl_json_obj_close(j);
}

void app_timeline_free(struct app *a)
{
	if (a->tl != NULL)
		free(a->tl->s);
	free(a->tl);
	a->tl = NULL;
}
