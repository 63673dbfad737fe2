/* SPDX-License-Identifier: BSD-3-Clause
 * The report's "calls" and "sip" objects. ASR and SEER follow RFC 6076
 * (4.5, 4.8): ASR = answered / attempted; SEER counts as "effective" the
 * answered calls plus those a user ended (busy 486/600, declined 603,
 * unavailable 480), over attempts less those redirected (3xx). */
#include <stdlib.h>

#include "cp_priv.h"

static double pct(uint64_t a, uint64_t b)
{
	return b ? 100.0 * (double)a / (double)b : 0;
}

static void reasons_json(const struct mbl_cp *cp, struct mbl_json *j)
{
	mbl_json_obj_open(j, "failed_by_reason");
	for (unsigned i = 0; i < MBL_CP_MAX_REASONS && cp->st.reason[i] != NULL; i++)
		mbl_json_u64(j, cp->st.reason[i], cp->st.reason_n[i]);
	mbl_json_obj_close(j);
	mbl_json_obj_open(j, "failed_by_status");
	for (unsigned s = 100; s < 700; s++)
		if (cp->st.by_status[s] != 0) {
			char k[8];

			snprintf(k, sizeof(k), "%u", s);
			mbl_json_u64(j, k, cp->st.by_status[s]);
		}
	mbl_json_obj_close(j);
}

/* sip.register: the UAC's bindings (sip.register), the UAS's REGISTERs. */
static void register_json(const struct mbl_cp *cp, struct mbl_json *j)
{
	const struct mbl_cp_stats *st = &cp->st;

	mbl_json_obj_open(j, "register");
	if (!cp->conf.uac) {
		mbl_json_u64(j, "received", st->register_received);
		mbl_json_u64(j, "accepted", st->register_ok);
		mbl_json_obj_close(j);
		return;
	}
	mbl_json_u64(j, "attempted", st->reg_attempted);
	mbl_json_u64(j, "succeeded", st->reg_succeeded);
	mbl_json_u64(j, "failed", st->reg_failed);
	mbl_json_u64(j, "refreshed", st->reg_refreshed);
	mbl_json_u64(j, "refresh_failed", st->reg_refresh_failed);
	mbl_json_u64(j, "unregistered", st->reg_unregistered);
	mbl_json_u64(j, "unregister_failed", st->reg_unreg_failed);
	mbl_json_u64(j, "challenged", st->reg_challenged);
	mbl_json_u64(j, "stale", st->reg_stale);
	mbl_json_obj_open(j, "failed_by_status");
	for (unsigned s = 0; s < 700; s++)
		if (st->reg_by_status[s] != 0) {
			char k[8];

			snprintf(k, sizeof(k), "%u", s);
			mbl_json_u64(j, k, st->reg_by_status[s]);
		}
	mbl_json_obj_close(j);
	mbl_json_obj_open(j, "failed_by_reason");
	for (unsigned i = 0; i < MBL_CP_MAX_REASONS && st->reg_reason[i] != NULL; i++)
		mbl_json_u64(j, st->reg_reason[i], st->reg_reason_n[i]);
	mbl_json_obj_close(j);
	mbl_json_obj_close(j);
}

/* calls.dtls: the handshakes of the calls that chose DTLS-SRTP. */
static void dtls_json(const struct mbl_cp *cp, struct mbl_json *j)
{
	struct mbl_dp_dtls_stats d;
	uint64_t failed = 0;

	mbl_dp_dtls_stats(cp->dp, &d);
	for (unsigned f = 0; f < MBL_DTLS_FAIL_MAX; f++)
		failed += d.failed[f];
	mbl_json_obj_open(j, "dtls");
	mbl_json_u64(j, "handshakes", d.started);
	mbl_json_u64(j, "completed", d.completed);
	mbl_json_u64(j, "failed", failed);
	/* ended with their call, or still running at the end */
	mbl_json_u64(j, "unfinished", d.started - d.completed - failed);
	mbl_json_obj_open(j, "failed_by_reason");
	for (unsigned f = 0; f < MBL_DTLS_FAIL_MAX; f++)
		if (d.failed[f] != 0)
			mbl_json_u64(j, mbl_dtls_fail_name(f), d.failed[f]);
	mbl_json_obj_close(j);
	mbl_json_u64(j, "calls_failed", cp->st.dtls_failed);
	mbl_json_u64(j, "retransmits", d.retransmits);
	mbl_json_u64(j, "datagrams_in", d.rx);
	mbl_json_u64(j, "datagrams_out", d.tx);
	mbl_json_u64(j, "datagrams_out_dropped", d.tx_dropped);
	mbl_json_u64(j, "datagrams_stale", d.rx_stale);
	mbl_json_u64(j, "datagrams_early", d.rx_early);
	mbl_json_u64(j, "datagrams_early_fed", d.early_fed);
	mbl_json_u64(j, "datagrams_early_expired", d.early_expired);
	mbl_json_u64(j, "client_hellos_to_our_client", d.rx_wrong_role);
	mbl_hist_json(j, "handshake_ms", &d.handshake_us, 1e3);
	mbl_json_obj_close(j);
}

/* ICE (RFC 8445): agents, outcomes, checks, consent (RFC 7675). */
static void ice_json(const struct mbl_cp *cp, struct mbl_json *j)
{
	struct mbl_dp_ice_stats d;

	mbl_dp_ice_stats(cp->dp, &d);
	mbl_json_obj_open(j, "ice");
	mbl_json_u64(j, "agents", d.started);
	mbl_json_u64(j, "selected", d.selected);
	mbl_json_u64(j, "calls_failed", cp->st.ice_failed);
	mbl_json_obj_open(j, "failed_by_reason");
	for (unsigned i = 1; i < MBL_ICE_FAIL_MAX; i++)
		if (d.failed[i] != 0)
			mbl_json_u64(j, mbl_ice_fail_name((enum mbl_ice_fail)i), d.failed[i]);
	mbl_json_obj_close(j);
	for (unsigned i = 0; i < mbl_ice_n_counters; i++)
		mbl_json_u64(j, mbl_ice_counter_names[i], mbl_ice_counter(&d.c, i));
	mbl_json_u64(j, "stun_held_before_answer", d.early_held);
	mbl_json_u64(j, "stun_fed_after_answer", d.early_fed);
	mbl_hist_json(j, "select_ms", &d.select_us, 1e3);
	mbl_json_obj_close(j);
}

/* What the calls agreed on: SDES suites, DTLS-SRTP profiles (RFC 5764
 * names) and the peers' fingerprint hashes; only what occurred is listed. */
static void agreed_json(const struct mbl_cp_stats *st, struct mbl_json *j)
{
	mbl_json_obj_open(j, "sdes_by_suite");
	for (unsigned i = 0; i < MBL_SRTP_SUITE_MAX; i++)
		if (st->sdes_by_suite[i] != 0)
			mbl_json_u64(j, mbl_srtp_suite_get((enum mbl_srtp_suite)i)->name,
				     st->sdes_by_suite[i]);
	mbl_json_obj_close(j);
	mbl_json_obj_open(j, "dtls_by_profile");
	for (unsigned i = 0; i < MBL_SRTP_SUITE_MAX; i++)
		if (st->dtls_by_profile[i] != 0)
			mbl_json_u64(j, mbl_dtls_profile_name((enum mbl_srtp_suite)i),
				     st->dtls_by_profile[i]);
	mbl_json_obj_close(j);
	mbl_json_obj_open(j, "dtls_by_fingerprint_hash");
	for (unsigned i = 0; i < MBL_CP_FP_HASHES; i++)
		if (st->dtls_by_fp_hash[i] != 0)
			mbl_json_u64(j, mbl_cp_fp_hash_names[i], st->dtls_by_fp_hash[i]);
	mbl_json_obj_close(j);
}

/* re-INVITEs: ours (sent counts each hold / resume step once; glare
 * retries apart) and the peer's. */
static void reinvites_json(const struct mbl_cp_stats *st, struct mbl_json *j)
{
	mbl_json_obj_open(j, "reinvites");
	mbl_json_u64(j, "sent", st->reinv_sent);
	mbl_json_u64(j, "answered_ok", st->reinv_ok);
	mbl_json_u64(j, "failed", st->reinv_failed);
	mbl_json_u64(j, "glare_retried", st->reinv_glare);
	mbl_json_u64(j, "ended_call", st->reinv_ended_call);
	mbl_json_u64(j, "received", st->reinv_received);
	mbl_json_u64(j, "accepted", st->reinv_accepted);
	mbl_json_u64(j, "refused_488", st->reinv_refused);
	mbl_json_u64(j, "held_by_us", st->held_by_us);
	mbl_json_u64(j, "held_by_peer", st->held_by_peer);
	mbl_json_obj_close(j);
}

/* Packet times our held streams did not send (exact after the data plane
 * stopped: the report is written after mbl_dp_join). */
static uint64_t held_packet_times(const struct mbl_cp *cp)
{
	struct mbl_dp_totals *t;
	uint64_t n = 0;

	if (cp->dp == NULL || (t = calloc(1, sizeof(*t))) == NULL)
		return 0;
	mbl_dp_totals(cp->dp, t, false);
	n = t->c.tx_held;
	free(t);
	return n;
}

/* How evenly calls spread over the local addresses (sip.listen ranges). */
static void local_json(const struct mbl_cp *cp, struct mbl_json *j)
{
	uint64_t lo = UINT64_MAX, hi = 0;

	for (unsigned i = 0; i < mbl_cp_n_local(cp); i++) {
		lo = MBL_MIN(lo, mbl_cp_local_calls(cp, i));
		hi = MBL_MAX(hi, mbl_cp_local_calls(cp, i));
	}
	mbl_json_u64(j, "local_addresses", mbl_cp_n_local(cp));
	mbl_json_u64(j, "calls_per_local_min", lo == UINT64_MAX ? 0 : lo);
	mbl_json_u64(j, "calls_per_local_max", hi);
}

void mbl_cp_report_json(const struct mbl_cp *cp, double duration_s, struct mbl_json *j)
{
	const struct mbl_cp_stats *st = &cp->st;
	const struct mbl_sip_ua_stats *us = mbl_sip_ua_stats(cp->ua);
	struct mbl_sip_tp_stats ts;
	uint64_t redirected = 0, user_ended = st->by_status[486] + st->by_status[600] +
					      st->by_status[603] + st->by_status[480];
	/* achieved: calls answered per second while answers came (the first
	 * INVITE to the last 2xx, one call period added for the fence post);
	 * offered: INVITEs per second over the same stretch */
	double span = st->last_answer_ns > st->first_ns
			      ? (double)(st->last_answer_ns - st->first_ns) / 1e9 : duration_s;

	if (st->succeeded > 1)
		span += span / (double)(st->succeeded - 1);

	for (unsigned s = 300; s < 400; s++)
		redirected += st->by_status[s];
	mbl_json_obj_open(j, "calls");
	mbl_json_str(j, "role", cp->conf.uac ? "uac" : "uas");
	mbl_json_u64(j, "attempted", st->attempted);
	mbl_json_u64(j, "succeeded", st->succeeded);
	mbl_json_u64(j, "failed", st->failed);
	mbl_json_u64(j, "cancelled_at_end", st->cancelled_at_end);
	mbl_json_u64(j, "unfinished",
		     st->attempted - st->succeeded - st->failed - st->cancelled_at_end);
	mbl_json_dbl(j, "cps_achieved", span > 0 ? (double)st->succeeded / span : 0);
	mbl_json_dbl(j, "cps_offered", span > 0 ? (double)st->attempted / span : 0);
	mbl_json_u64(j, "concurrent_max", st->concurrent_max);
	/* calls we ended unanswered because the run ended are no attempts to judge */
	mbl_json_dbl(j, "asr_pct", pct(st->succeeded, st->attempted - st->cancelled_at_end));
	mbl_json_dbl(j, "seer_pct", pct(st->succeeded + user_ended,
					st->attempted - st->cancelled_at_end - redirected));
	reasons_json(cp, j);
	mbl_json_u64(j, "bye_failed", st->bye_failed);
	/* per call that received RTP: the CDR's mos, verdict.mos_p5_min's figure */
	mbl_hist_json(j, "mos", &st->mos_x100, 100);
	mbl_json_obj_open(j, "media");
	mbl_json_u64(j, "started", st->media_started);
	mbl_json_u64(j, "flowed_both_ways", st->media_ok);
	mbl_json_u64(j, "missing", st->media_missing);
	mbl_json_u64(j, "sdes", st->media_sdes);
	mbl_json_u64(j, "plain", st->media_plain);
	mbl_json_u64(j, "fell_back_to_plain", st->media_fell_back);
	mbl_json_u64(j, "dtls", st->media_dtls);
	agreed_json(st, j);
	mbl_json_u64(j, "held_packet_times", held_packet_times(cp));
	mbl_json_obj_close(j);
	if (cp->dp != NULL && cp->conf.sdp.fingerprint[0] != '\0')
		dtls_json(cp, j);
	if (cp->dp != NULL && cp->conf.sdp.ice != MBL_SDP_ICE_OFF)
		ice_json(cp, j);
	mbl_json_obj_close(j);

	mbl_sip_tp_stats(cp->tp, &ts);
	mbl_json_obj_open(j, "sip");
	mbl_json_str(j, "transport", mbl_sip_proto_name(cp->conf.proto));
	local_json(cp, j);
	mbl_json_u64(j, "retransmissions", us->rtx_out);
	mbl_json_u64(j, "retransmissions_received", us->rtx_in);
	mbl_json_u64(j, "parse_errors", us->parse_errors);
	mbl_json_u64(j, "rejected", us->rejected);
	mbl_json_u64(j, "unmatched", us->unmatched);
	mbl_json_u64(j, "send_errors", us->send_errors);
	mbl_json_u64(j, "refused_503", us->no_resources);
	reinvites_json(st, j);
	register_json(cp, j);
	mbl_json_obj_open(j, "auth");
	mbl_json_u64(j, "challenged", st->auth_challenged);
	mbl_json_u64(j, "stale", st->auth_stale);
	mbl_json_u64(j, "accepted", st->auth_accepted);
	mbl_json_u64(j, "refused", st->auth_refused);
	mbl_json_obj_close(j);
	mbl_hist_json(j, "pdd_ms", &st->pdd_us, 1e3);
	mbl_hist_json(j, "setup_ms", &st->setup_us, 1e3);
	mbl_json_obj_open(j, "transport_stats");
	mbl_json_u64(j, "datagrams_in", ts.dgrams_in);
	mbl_json_u64(j, "datagrams_out", ts.dgrams_out);
	mbl_json_u64(j, "stream_msgs_in", ts.msgs_in);
	mbl_json_u64(j, "stream_msgs_out", ts.msgs_out);
	mbl_json_u64(j, "conns_opened", ts.conns_opened);
	mbl_json_u64(j, "conns_accepted", ts.conns_accepted);
	mbl_json_u64(j, "tls_handshakes", ts.tls_handshakes);
	for (unsigned e = 0; e < MBL_SIP_TP_ERR_MAX; e++)
		if (ts.err[e] != 0)
			mbl_json_u64(j, mbl_sip_tp_err_name(e), ts.err[e]);
	mbl_cp_ws_report_json(cp, "websocket", j);
	mbl_json_obj_close(j);
	mbl_json_obj_close(j);
}
