/* SPDX-License-Identifier: BSD-3-Clause
 * The catalogue of comparable figures (mbl_report.h): one table row per
 * figure; the figures a report does not hold directly (loss %, CPU per
 * call) are computed here and nowhere else.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "mbl_report.h"

static bool num_at(const struct mbl_jv *root, const char *path, double *out)
{
	const struct mbl_jv *v = mbl_jv_get(root, path);

	if (v == NULL || v->type != MBL_JV_NUM || !isfinite(v->v.n))
		return false;
	*out = v->v.n;
	return true;
}

/* A plain number at m->path. */
static int get_num(const struct mbl_report_metric *m, const struct mbl_jv *root, double *out)
{
	return num_at(root, m->path, out) ? 0 : -ENOENT;
}

/* A histogram field: a histogram with no samples measured nothing. */
static int hist_field(const struct mbl_jv *root, const char *path, const char *field,
		      double *out)
{
	const struct mbl_jv *h = mbl_jv_get(root, path);
	double count;

	if (h == NULL || h->type != MBL_JV_OBJ || !num_at(h, "count", &count) || !(count > 0))
		return -ENOENT;
	return num_at(h, field, out) ? 0 : -ENOENT;
}

static int get_hist(const struct mbl_report_metric *m, const struct mbl_jv *root, double *out)
{
	return hist_field(root, m->path, m->field, out);
}

/* Jitter, delay and MOS need arrival times: a report whose share of timed
 * arrivals fell below its floor (media.timing.trusted false) has them as
 * the verdict does, not measured. Older reports lack the key: trusted. */
static bool timing_trusted(const struct mbl_jv *root)
{
	return mbl_jv_bool(mbl_jv_get(root, "media.timing.trusted"), true);
}

static int get_timed_hist(const struct mbl_report_metric *m, const struct mbl_jv *root,
			  double *out)
{
	if (!timing_trusted(root))
		return -ENOENT;
	return hist_field(root, m->path, m->field, out);
}

/* calls.asr_pct, when some call was judged (attempted, not cancelled by
 * the run's end): the report writes 0 % for none. */
static int get_asr(const struct mbl_report_metric *m, const struct mbl_jv *root, double *out)
{
	double att, canc = 0;

	if (!num_at(root, "calls.attempted", &att))
		return -ENOENT;
	num_at(root, "calls.cancelled_at_end", &canc);
	if (!(att - canc > 0))
		return -ENOENT;
	return get_num(m, root, out);
}

/* RTP lost / expected over all received streams, % (RFC 3550 A.3) */
static int get_loss(const struct mbl_report_metric *m, const struct mbl_jv *root, double *out)
{
	double lost, exp;

	(void)m;
	if (!num_at(root, "media.rtp.expected", &exp) || !(exp > 0) ||
	    !num_at(root, "media.rtp.lost", &lost))
		return -ENOENT;
	*out = 100.0 * lost / exp;
	return 0;
}

/* How our RTP reached the far end, from its RTCP reports: lost / expected
 * summed over the streams it reported on (media.peer, docs/report.md). */
static int get_peer_loss(const struct mbl_report_metric *m, const struct mbl_jv *root,
			 double *out)
{
	double n, lost, exp;

	(void)m;
	if (!num_at(root, "media.peer.streams_with_reports", &n) || !(n > 0) ||
	    !num_at(root, "media.peer.expected", &exp) || !(exp > 0) ||
	    !num_at(root, "media.peer.lost", &lost))
		return -ENOENT;
	*out = 100.0 * lost / exp;
	return 0;
}

/* Mean of the calls' MOS; without per-call MOS (media-only runs, older
 * reports) the MOS of the run's aggregate figures, which the report
 * writes even when nothing was received: present only with RTP expected. */
static int get_mos(const struct mbl_report_metric *m, const struct mbl_jv *root, double *out)
{
	double exp;

	(void)m;
	if (!timing_trusted(root))
		return -ENOENT;
	if (hist_field(root, "calls.mos", "mean", out) == 0)
		return 0;
	if (!num_at(root, "media.rtp.expected", &exp) || !(exp > 0))
		return -ENOENT;
	return num_at(root, "media.mos", out) ? 0 : -ENOENT;
}

/* 5th percentile of the calls' MOS: the histogram's own p5 when written,
 * else from its buckets, else the value verdict.mos_p5_min measured. */
static int get_mos_p5(const struct mbl_report_metric *m, const struct mbl_jv *root,
		      double *out)
{
	(void)m;
	if (!timing_trusted(root))
		return -ENOENT;
	if (hist_field(root, "calls.mos", "p5", out) == 0 ||
	    mbl_report_hist_pct(mbl_jv_get(root, "calls.mos"), 5, out) == 0)
		return 0;
	if (!mbl_jv_bool(mbl_jv_get(root, "verdict.thresholds.mos_p5_min.measured"), false))
		return -ENOENT;
	return num_at(root, "verdict.thresholds.mos_p5_min.value", out) ? 0 : -ENOENT;
}

/* Process CPU (run.cpu_s) per call attempted, in ms. */
static int get_cpu_call(const struct mbl_report_metric *m, const struct mbl_jv *root,
			double *out)
{
	double cpu, att;

	(void)m;
	if (!num_at(root, "run.cpu_s", &cpu) || !num_at(root, "calls.attempted", &att) ||
	    !(att > 0))
		return -ENOENT;
	*out = 1e3 * cpu / att;
	return 0;
}

/* Process CPU per second of one stream's media sent, in us: stream-seconds
 * are the RTP packets sent times the packet time. */
static int get_cpu_stream(const struct mbl_report_metric *m, const struct mbl_jv *root,
			  double *out)
{
	double cpu, pkts, ptime;

	(void)m;
	if (!num_at(root, "run.cpu_s", &cpu) || !num_at(root, "media.rtp.tx_packets", &pkts) ||
	    !num_at(root, "media.ptime_ms", &ptime) || !(pkts > 0) || !(ptime > 0))
		return -ENOENT;
	*out = 1e6 * cpu / (pkts * ptime / 1e3);
	return 0;
}

/* Received SRTP/SRTCP whose tag did not verify: counted in every report,
 * a figure only where SRTP was in use. */
static int get_srtp_auth(const struct mbl_report_metric *m, const struct mbl_jv *root,
			 double *out)
{
	const struct mbl_jv *srtp = mbl_jv_get(root, "media.srtp");
	double sdes = 0, dtls = 0;

	num_at(root, "calls.media.sdes", &sdes);
	num_at(root, "calls.media.dtls", &dtls);
	if ((srtp == NULL || srtp->type != MBL_JV_OBJ) && !(sdes + dtls > 0))
		return -ENOENT;
	return get_num(m, root, out);
}

#define HIST(k, l, u, b, p, f, h) { k, l, u, MBL_REPORT_##b, p, f, get_hist, h }
#define THIST(k, l, u, b, p, f, h) { k, l, u, MBL_REPORT_##b, p, f, get_timed_hist, h }
#define NUM(k, l, u, b, p, h) { k, l, u, MBL_REPORT_##b, p, NULL, get_num, h }
#define FN(k, l, u, b, p, fn, h) { k, l, u, MBL_REPORT_##b, p, NULL, fn, h }

static const struct mbl_report_metric metrics[] = {
	NUM("cps", "calls/s achieved", "1/s", HIGHER, "calls.cps_achieved",
	    "calls answered per second while answers came"),
	FN("asr", "ASR", "%", HIGHER, "calls.asr_pct", get_asr,
	   "calls succeeded / (attempted - cancelled at the end)"),
	NUM("calls_failed", "calls failed", "", LOWER, "calls.failed", "calls that failed"),
	HIST("pdd_ms.p50", "post-dial delay p50", "ms", LOWER, "sip.pdd_ms", "p50",
	     "INVITE to first 18x or final (RFC 6076 4.1)"),
	HIST("pdd_ms.p99", "post-dial delay p99", "ms", LOWER, "sip.pdd_ms", "p99",
	     "INVITE to first 18x or final (RFC 6076 4.1)"),
	HIST("setup_ms.p50", "call setup p50", "ms", LOWER, "sip.setup_ms", "p50",
	     "INVITE to 2xx (RFC 6076 4.2)"),
	HIST("setup_ms.p99", "call setup p99", "ms", LOWER, "sip.setup_ms", "p99",
	     "INVITE to 2xx (RFC 6076 4.2)"),
	NUM("sip_retransmissions", "SIP retransmissions", "", LOWER, "sip.retransmissions",
	    "SIP messages sent again (timers A, E, G)"),
	HIST("handshake_ms.p50", "DTLS handshake p50", "ms", LOWER, "calls.dtls.handshake_ms",
	     "p50", "DTLS-SRTP handshake time"),
	HIST("handshake_ms.p99", "DTLS handshake p99", "ms", LOWER, "calls.dtls.handshake_ms",
	     "p99", "DTLS-SRTP handshake time"),
	NUM("dtls_failures", "DTLS handshakes failed", "", LOWER, "calls.dtls.failed",
	    "DTLS-SRTP handshakes that failed"),
	FN("loss_pct", "RTP loss", "%", LOWER, "media.rtp", get_loss,
	   "RTP lost / expected over all received streams (RFC 3550 A.3)"),
	THIST("jitter_ms", "jitter mean", "ms", LOWER, "media.jitter_ms", "mean",
	     "mean over the streams of their interarrival jitter (RFC 3550 A.8)"),
	THIST("jitter_ms.p99", "jitter p99", "ms", LOWER, "media.jitter_ms", "p99",
	     "p99 over the streams of their interarrival jitter"),
	THIST("delay_us.p50", "one-way delay p50", "us", LOWER, "media.one_way_delay_us", "p50",
	     "one-way delay of the probe payloads"),
	THIST("delay_us.p99", "one-way delay p99", "us", LOWER, "media.one_way_delay_us", "p99",
	     "one-way delay of the probe payloads"),
	FN("peer_loss_pct", "RTP loss at the far end", "%", LOWER, "media.peer", get_peer_loss,
	   "our RTP lost / expected, from the far end's RTCP reports"),
	HIST("peer_jitter_ms", "jitter at the far end", "ms", LOWER, "media.peer.jitter_ms",
	     "mean", "mean over our streams of the jitter the far end reported"),
	HIST("rtt_ms.p50", "RTCP round trip p50", "ms", LOWER, "media.rtt_ms", "p50",
	     "round-trip time from RTCP reports (RFC 3550 6.4.1)"),
	HIST("rtt_ms.p99", "RTCP round trip p99", "ms", LOWER, "media.rtt_ms", "p99",
	     "round-trip time from RTCP reports (RFC 3550 6.4.1)"),
	FN("mos", "MOS mean", "", HIGHER, "calls.mos", get_mos,
	   "mean of the calls' MOS (E-model, ITU-T G.107); media-only runs: media.mos"),
	FN("mos.p5", "MOS p5", "", HIGHER, "calls.mos", get_mos_p5,
	   "5th percentile of the calls' MOS"),
	FN("cpu_ms_per_call", "CPU per call", "ms", LOWER, "run.cpu_s", get_cpu_call,
	   "process CPU (user + system) / calls attempted"),
	FN("cpu_us_per_stream_s", "CPU per stream-second", "us", LOWER, "run.cpu_s",
	   get_cpu_stream, "process CPU / (RTP packets sent x packet time)"),
	HIST("pacer_late_us.p99", "pacer lateness p99", "us", LOWER, "pacing.lateness_us", "p99",
	     "how late packets left against their schedule"),
	FN("srtp_auth_failures", "SRTP auth failures", "", LOWER, "media.dropped.srtp_auth_fail",
	   get_srtp_auth, "received SRTP/SRTCP whose tag did not verify"),
};

unsigned mbl_report_n_metrics(void)
{
	return MBL_ARRAY_SIZE(metrics);
}

const struct mbl_report_metric *mbl_report_metric(unsigned i)
{
	return i < MBL_ARRAY_SIZE(metrics) ? &metrics[i] : NULL;
}

const struct mbl_report_metric *mbl_report_metric_find(const char *key)
{
	for (unsigned i = 0; i < MBL_ARRAY_SIZE(metrics); i++)
		if (strcmp(metrics[i].key, key) == 0)
			return &metrics[i];
	return NULL;
}

int mbl_report_value(const struct mbl_report_metric *m, const struct mbl_jv *root, double *out)
{
	if (m == NULL || root == NULL)
		return -ENOENT;
	return m->get(m, root, out);
}

/* One bucket [lo, hi, count] of a histogram's buckets array. */
static bool bucket(const struct mbl_jv *b, double *lo, double *hi, double *n)
{
	if (b->type != MBL_JV_ARR || b->len != 3)
		return false;
	return num_at(b, "0", lo) && num_at(b, "1", hi) && num_at(b, "2", n) && *n >= 0;
}

int mbl_report_hist_pct(const struct mbl_jv *hist, double p, double *out)
{
	const struct mbl_jv *bs = mbl_jv_get(hist, "buckets");
	double count, min, max, rank, cum = 0, lo, hi, n;

	if (hist == NULL || !num_at(hist, "count", &count) || !(count > 0) || bs == NULL ||
	    bs->type != MBL_JV_ARR || bs->len == 0)
		return -ENOENT;
	if (!num_at(hist, "min", &min) || !num_at(hist, "max", &max))
		return -EINVAL;
	/* 1-based rank ceil(p% of count), as lib/stats does */
	rank = ceil(p / 100.0 * count - 1e-9 * count);
	rank = rank < 1 ? 1 : rank > count ? count : rank;
	for (const struct mbl_jv *b = bs->child; b != NULL; b = b->next) {
		if (!bucket(b, &lo, &hi, &n))
			return -EINVAL;
		cum += n;
		if (cum >= rank) {
			double mid = (lo + hi) / 2;

			*out = mid < min ? min : mid > max ? max : mid;
			return 0;
		}
	}
	return -EINVAL;
}
