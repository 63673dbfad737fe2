/* SPDX-License-Identifier: BSD-3-Clause
 * The run's verdict (verdict.* keys, lib/verdict): the figures measured,
 * each threshold held or not, the exit status; printed, and in the report.
 */
#include <stdio.h>
#include <string.h>

#include "app.h"

static const char *limit_text(const struct mbl_config_verdict *v, enum mbl_verdict_metric m)
{
	switch (m) {
	case MBL_VERDICT_asr_min: return v->asr_min;
	case MBL_VERDICT_loss_max: return v->loss_max;
	case MBL_VERDICT_jitter_ms_max: return v->jitter_ms_max;
	case MBL_VERDICT_mos_p5_min: return v->mos_p5_min;
	case MBL_VERDICT_setup_ms_p99_max: return v->setup_ms_p99_max;
	case MBL_VERDICT_pdd_ms_p99_max: return v->pdd_ms_p99_max;
	case MBL_VERDICT_handshake_ms_p99_max: return v->handshake_ms_p99_max;
	case MBL_VERDICT_srtp_auth_failures_max: return v->srtp_auth_failures_max;
	default: return "";
	}
}

static void have(struct mbl_verdict_values *v, enum mbl_verdict_metric m, double x)
{
	v->have[m] = true;
	v->value[m] = x;
}

/* The figures of the run, as the thresholds name them. */
static void measure(struct app *a, const struct mbl_dp_totals *t, struct mbl_verdict_values *v)
{
	/* figures resting on too few timed arrivals are missing, not good */
	bool timed = mbl_dp_timed_share_pct(t) >= MBL_DP_TIMED_FLOOR_PCT;
	struct mbl_dp_dtls_stats ds;

	memset(v, 0, sizeof(*v));
	if (t->rx_expected > 0)
		have(v, MBL_VERDICT_loss_max, 100.0 * (double)t->rx_lost / (double)t->rx_expected);

	if (timed && mbl_hist_count(&t->jitter_us) > 0)
		have(v, MBL_VERDICT_jitter_ms_max, (double)mbl_hist_pct(&t->jitter_us, 99) / 1e3);
	if (a->dpc.srtp_tx || a->dpc.srtp_rx || (a->cp != NULL && a->cpc.media &&
						 a->cpc.sdp.enc != MBL_SDP_ENC_NONE))
		have(v, MBL_VERDICT_srtp_auth_failures_max,
		     (double)t->c.drop_dp[MBL_DP_DROP_srtp_auth_fail]);
	mbl_dp_dtls_stats(a->dp, &ds);
	if (mbl_hist_count(&ds.handshake_us) > 0)
		have(v, MBL_VERDICT_handshake_ms_p99_max,
		     (double)mbl_hist_pct(&ds.handshake_us, 99) / 1e3);
	if (a->cp != NULL) {
		const struct mbl_cp_stats *st = mbl_cp_stats(a->cp);

		uint64_t judged = st->attempted - st->cancelled_at_end;

		/* as the report's asr_pct: calls the run's end cancelled are no attempts */
		if (judged > 0)
			have(v, MBL_VERDICT_asr_min, 100.0 * (double)st->succeeded / (double)judged);
		if (timed && mbl_hist_count(&st->mos_x100) > 0)
			have(v, MBL_VERDICT_mos_p5_min, (double)mbl_hist_pct(&st->mos_x100, 5) / 100);
		if (mbl_hist_count(&st->setup_us) > 0)
			have(v, MBL_VERDICT_setup_ms_p99_max,
			     (double)mbl_hist_pct(&st->setup_us, 99) / 1e3);
		if (mbl_hist_count(&st->pdd_us) > 0)
			have(v, MBL_VERDICT_pdd_ms_p99_max,
			     (double)mbl_hist_pct(&st->pdd_us, 99) / 1e3);
	}
}

int app_verdict_limits(struct app *a, char *err, size_t errlen)
{
	char why[160];

	for (int m = 0; m < MBL_VERDICT_MAX; m++)
		if (mbl_verdict_parse((enum mbl_verdict_metric)m,
				      limit_text(&a->cfg.verdict, (enum mbl_verdict_metric)m),
				      &a->limits, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "verdict.%s: %s", mbl_verdict_name(m), why);
			return -1;
		}
	return 0;
}

void app_verdict(struct app *a, const struct mbl_dp_totals *t)
{
	struct mbl_verdict_calls calls = { 0 };

	if (a->cp != NULL) {
		calls.failed = mbl_cp_stats(a->cp)->failed;
		calls.succeeded = mbl_cp_stats(a->cp)->succeeded;
		calls.caller = a->cpc.uac;
	}
	measure(a, t, &a->values);
	mbl_verdict_eval(&a->limits, &a->values, &calls, a->interrupted, &a->verdict);
}

static const char *state_name(enum mbl_verdict_state s)
{
	return s == MBL_VERDICT_HELD ? "pass" : s == MBL_VERDICT_BROKEN ? "FAIL" : "FAIL (not measured)";
}

void app_verdict_print(const struct app *a)
{
	const struct mbl_verdict *v = &a->verdict;

	for (int m = 0; m < MBL_VERDICT_MAX; m++) {
		if (v->state[m] == MBL_VERDICT_UNSET)
			continue;
		if (a->values.have[m])
			printf("  verdict.%s %s %s: %.4g %s\n", mbl_verdict_name(m),
			       mbl_verdict_is_min(m) ? ">=" : "<=",
			       limit_text(&a->cfg.verdict, m), a->values.value[m],
			       state_name(v->state[m]));
		else
			printf("  verdict.%s %s %s: %s\n", mbl_verdict_name(m),
			       mbl_verdict_is_min(m) ? ">=" : "<=",
			       limit_text(&a->cfg.verdict, m), state_name(v->state[m]));
	}
	if (a->interrupted)
		printf("verdict: INTERRUPTED (exit 3)\n");
	else if (v->exit_status == MBL_VERDICT_EXIT_PASS && v->n_checked == 0)
		printf("verdict: PASS (no call failed; no verdict.* threshold set)\n");
	else if (v->exit_status == MBL_VERDICT_EXIT_PASS)
		printf("verdict: PASS (%u thresholds held, no call failed)\n", v->n_checked);
	else
		printf("verdict: FAIL (exit 1): %u of %u thresholds failed%s\n", v->n_failed,
		       v->n_checked, v->no_call_succeeded ? ", no call succeeded"
				     : v->calls_ok ? "" : ", calls failed");
}

void app_verdict_json(const struct app *a, struct mbl_json *j)
{
	const struct mbl_verdict *v = &a->verdict;

	mbl_json_obj_open(j, "verdict");
	mbl_json_str(j, "result", a->interrupted ? "interrupted"
				  : v->exit_status == MBL_VERDICT_EXIT_PASS ? "pass" : "fail");
	mbl_json_u64(j, "exit_status", (uint64_t)v->exit_status);
	mbl_json_bool(j, "calls_ok", v->calls_ok);
	mbl_json_bool(j, "no_call_succeeded", v->no_call_succeeded);
	mbl_json_u64(j, "thresholds_checked", v->n_checked);
	mbl_json_u64(j, "thresholds_failed", v->n_failed);
	mbl_json_obj_open(j, "thresholds");
	for (int m = 0; m < MBL_VERDICT_MAX; m++) {
		if (v->state[m] == MBL_VERDICT_UNSET)
			continue;
		mbl_json_obj_open(j, mbl_verdict_name(m));
		mbl_json_dbl(j, "limit", a->limits.limit[m]);
		if (a->values.have[m])
			mbl_json_dbl(j, "value", a->values.value[m]);
		mbl_json_str(j, "unit", mbl_verdict_unit(m));
		mbl_json_bool(j, "pass", v->state[m] == MBL_VERDICT_HELD);
		mbl_json_bool(j, "measured", a->values.have[m]);
		mbl_json_obj_close(j);
	}
	mbl_json_obj_close(j);
	mbl_json_obj_close(j);
}
