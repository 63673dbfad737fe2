/* SPDX-License-Identifier: BSD-3-Clause
 * The WebSocket counters of the SIP transport (RFC 7118 runs) for the
 * report: handshakes done and refused by reason, frames, Ping / Pong,
 * Close frames by code, frame errors by reason. Connection failures by
 * reason (ws_handshake, ws_protocol, ws_too_big, ws_closed) are already
 * among sip.transport_stats' failure counters.
 */
#include <stdio.h>

#include "cp_priv.h"

void mbl_cp_tp_stats(const struct mbl_cp *cp, struct mbl_sip_tp_stats *out)
{
	mbl_sip_tp_stats(cp->tp, out);
}

/* Nonzero close counters as {"1000": n, ..., "other": n}. */
static void closes_json(struct mbl_json *j, const char *key, const uint64_t *n)
{
	char code[8];

	mbl_json_obj_open(j, key);
	for (unsigned s = 0; s < MBL_SIP_TP_WS_CLOSE_SLOTS; s++) {
		uint16_t c = mbl_sip_tp_ws_slot_code(s);

		if (n[s] == 0)
			continue;
		snprintf(code, sizeof(code), "%u", c);
		mbl_json_u64(j, c ? code : "other", n[s]);
	}
	mbl_json_obj_close(j);
}

void mbl_cp_ws_report_json(const struct mbl_cp *cp, const char *key, struct mbl_json *j)
{
	struct mbl_sip_tp_stats ts;
	const struct mbl_sip_tp_ws_stats *w = &ts.ws;

	if (!mbl_sip_proto_ws(cp->conf.proto))
		return;
	mbl_sip_tp_stats(cp->tp, &ts);
	mbl_json_obj_open(j, key);
	mbl_json_u64(j, "handshakes", w->handshakes);
	mbl_json_obj_open(j, "handshakes_refused");
	for (unsigned e = 1; e < MBL_WS_HS_ERR_MAX; e++)
		if (w->hs_refused[e] != 0)
			mbl_json_u64(j, mbl_ws_hs_err_name(e), w->hs_refused[e]);
	mbl_json_obj_close(j);
	mbl_json_u64(j, "frames_in", w->frames_in);
	mbl_json_u64(j, "frames_out", w->frames_out);
	mbl_json_u64(j, "pings_in", w->pings_in);
	mbl_json_u64(j, "pongs_out", w->pongs_out);
	mbl_json_u64(j, "pings_out", w->pings_out);
	mbl_json_u64(j, "pongs_in", w->pongs_in);
	closes_json(j, "closes_in", w->closes_in);
	closes_json(j, "closes_out", w->closes_out);
	mbl_json_obj_open(j, "protocol_errors");
	for (unsigned e = 1; e < MBL_WS_ERR_MAX; e++)
		if (w->errors[e] != 0)
			mbl_json_u64(j, mbl_ws_err_name(e), w->errors[e]);
	mbl_json_obj_close(j);
	mbl_json_obj_close(j);
}
