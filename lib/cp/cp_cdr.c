/* SPDX-License-Identifier: BSD-3-Clause
 * Per-call records (run.cdr / --cdr FILE): one CSV row (RFC 4180) per
 * call, written when the call is over (SIP done and its media slot back),
 * so nothing is kept once written. The columns are MBL_CP_CDR_HEADER;
 * docs/report.md says what each one means. Control plane.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cp_priv.h"

/* A text field: quoted when it holds a comma, a quote or a line break
 * (RFC 4180 2.6), quotes doubled. */
static void csv_str(FILE *f, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* Milliseconds from t0 to t (monotonic ns), "" when t is unset. */
static void csv_ms(FILE *f, uint64_t t0, uint64_t t)
{
	if (t != 0 && t >= t0)
		fprintf(f, "%.3f", (double)(t - t0) / 1e6);
}

/* Unix time (ms) of monotonic instant t */
static double unix_ms(uint64_t t)
{
	struct timespec rt;
	uint64_t now = mbl_time_ns();
	double r;

	clock_gettime(CLOCK_REALTIME, &rt);
	r = (double)rt.tv_sec * 1e3 + (double)rt.tv_nsec / 1e6;
	return r - (double)(now - (t < now ? t : now)) / 1e6;
}

void cp_cdr_header(FILE *f)
{
	fputs(MBL_CP_CDR_HEADER "\n", f);
}

void cp_cdr_begin(struct cp_call *c)
{
	const char *id = c->sc != NULL ? mbl_sip_call_id(c->sc) : NULL;

	snprintf(c->cdr.call_id, sizeof(c->cdr.call_id), "%s", id != NULL ? id : "");
}

void cp_cdr_fail(struct cp_call *c, int status, const char *reason)
{
	if (c->cdr.reason[0] != '\0')
		return;
	c->cdr.status = status >= 100 && status < 700 ? (uint16_t)status : 0;
	snprintf(c->cdr.reason, sizeof(c->cdr.reason), "%s", reason != NULL ? reason : "");
}

static const char *security(const struct mbl_cp *cp, const struct cp_call *c)
{
	if (!cp->conf.media || !c->cdr.media_started)
		return "";
	return c->now.chosen == MBL_SDP_ENC_NONE ? "plain" : mbl_sdp_enc_name(c->now.chosen);
}

static const char *suite(const struct cp_call *c)
{
	const struct mbl_srtp_suite_info *si;

	if (!c->cdr.media_started)
		return "";
	if (c->now.chosen == MBL_SDP_ENC_DTLS)
		si = c->cdr.dtls_done ? mbl_srtp_suite_get(c->cdr.dtls_suite) : NULL;
	else if (c->now.chosen == MBL_SDP_ENC_SDES)
		si = mbl_srtp_suite_get(c->now.rx_key.suite);
	else
		si = NULL;
	return si != NULL ? si->name : "";
}

void cp_cdr_write(struct mbl_cp *cp, const struct cp_call *c)
{
	FILE *f = cp->conf.cdr;
	const struct cp_cdr *d = &c->cdr;
	uint64_t t0 = c->t_invite;
	const char *addr;

	if (f == NULL)
		return;
	csv_str(f, d->call_id);
	fprintf(f, ",%s,%s,", cp->conf.uac ? "uac" : "uas",
		c->failed_counted ? "failed" : c->end_counted ? "cancelled_at_end"
		: c->answered ? "succeeded" : "unfinished");
	if (d->status != 0)
		fprintf(f, "%u", d->status);
	else if (c->answered)
		fprintf(f, "%u", d->answer_status);
	fputc(',', f);
	csv_str(f, c->failed_counted ? d->reason : "");
	fprintf(f, ",%s,%.3f,", mbl_sip_proto_name(cp->conf.proto), t0 != 0 ? unix_ms(t0) : 0.0);
	csv_ms(f, t0, d->t_18x);
	fputc(',', f);
	csv_ms(f, t0, c->t_answer);
	fputc(',', f);
	csv_ms(f, t0, d->t_end);
	fputc(',', f);
	csv_ms(f, t0, d->t_18x != 0 ? d->t_18x : c->t_answer); /* PDD, RFC 6076 4.1 */
	fputc(',', f);
	csv_ms(f, t0, c->t_answer); /* setup: INVITE to 2xx */
	fputc(',', f);
	csv_str(f, d->media_started ? c->raddr : "");
	fprintf(f, ",%s,%s,", security(cp, c), suite(c));
	if (d->dtls_done)
		fprintf(f, "%.3f", (double)d->dtls_ns / 1e6);
	fputc(',', f);
	if (d->ice_done)
		fprintf(f, "%.3f", (double)d->ice_ns / 1e6);
	if (d->media_result)
		fprintf(f, ",%llu,%llu,%u,%u,%llu,%.4f,%u,", (unsigned long long)d->tx_packets,
			(unsigned long long)d->rx_packets, d->tx_rtcp, d->rx_rtcp,
			(unsigned long long)d->lost, d->jitter_ms, d->srtp_auth_fail);
	else
		fputs(",,,,,,,,", f);
	if (d->mos > 0)
		fprintf(f, "%.2f", d->mos);
	fputc(',', f);
	if (d->media_result && d->peer.reports != 0)
		fprintf(f, "%u,%lld,%.3f,%.4f", d->peer.reports, (long long)d->peer.lost,
			d->peer.expected ? 100.0 * (double)d->peer.lost / (double)d->peer.expected
					 : 0.0, d->peer.jitter_ms);
	else
		fputs(",,,", f);
	fputc(',', f);
	if (d->media_result && d->rtt_ms >= 0)
		fprintf(f, "%.3f", d->rtt_ms);
	fputc(',', f);
	addr = mbl_sip_ua_local_hostport(cp->ua, c->local);
	csv_str(f, addr != NULL ? addr : "");
	fputc(',', f);
	csv_str(f, d->remote_sip);
	fputc(',', f);
	if (d->media_started && cp->dp != NULL) {
		uint8_t ip[16];
		uint16_t port;
		char lip[64];

		mbl_dp_stream_local(cp->dp, cp_idx(cp, c), ip, &port);
		mbl_fmt_ip(cp->conf.media_family, ip, lip, sizeof(lip));
		fprintf(f, cp->conf.media_family == 6 ? "[%s]:%u" : "%s:%u", lip, port);
	}
	if (d->media_result)
		fprintf(f, ",%llu,%llu,", (unsigned long long)d->tx_bytes,
			(unsigned long long)d->rx_bytes);
	else
		fputs(",,,", f);
	if (d->media_result && d->peer.has_voip && d->peer.mos_cq > 0)
		fprintf(f, "%.1f", d->peer.mos_cq);
	fputc(',', f);
	if (d->media_result && d->peer.has_voip && d->peer.r_factor >= 0)
		fprintf(f, "%d", d->peer.r_factor);
	fputc('\n', f);
}

void cp_cdr_refused(struct mbl_cp *cp, const char *call_id, int status, const char *reason)
{
	FILE *f = cp->conf.cdr;
	uint64_t now = mbl_time_ns();

	if (f == NULL)
		return;
	csv_str(f, call_id != NULL ? call_id : "");
	fprintf(f, ",%s,failed,%d,", cp->conf.uac ? "uac" : "uas", status);
	csv_str(f, reason);
	fprintf(f, ",%s,%.3f,,,0.000,,,,,,,,,,,,,,,,,,,,,,,,,,,\n", mbl_sip_proto_name(cp->conf.proto),
		unix_ms(now));
}
