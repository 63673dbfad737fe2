/* SPDX-License-Identifier: BSD-3-Clause
 * The verdict of a run: thresholds (verdict.* keys) on the figures a lab
 * certifies with, each held against the run's measured value, and the
 * exit status that sums it up (docs/report.md).
 *
 * Pure functions on plain structs: the application measures, this module
 * judges. A threshold that is set but whose figure the run could not
 * measure (no media, no DTLS handshake, no call answered) fails as
 * missing: a run cannot pass on a figure it does not have.
 */
#ifndef MBL_VERDICT_H
#define MBL_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* name (the verdict.<name> key), MIN or MAX (the limit is a floor or a
 * ceiling), unit, what the figure is */
#define MBL_VERDICT_LIST(X)                                                                  \
	X(asr_min, MIN, "%", "answer-seizure ratio: calls succeeded / calls attempted")     \
	X(loss_max, MAX, "%", "RTP lost / expected over all received streams (RFC 3550)")    \
	X(jitter_ms_max, MAX, "ms", "p99 of the streams' mean interarrival jitter")         \
	X(mos_p5_min, MIN, "", "5th percentile of the calls' MOS (E-model, ITU-T G.107)")   \
	X(setup_ms_p99_max, MAX, "ms", "p99 of INVITE to 2xx (UAC: RFC 6076 session setup)") \
	X(pdd_ms_p99_max, MAX, "ms", "p99 of post-dial delay, INVITE to 18x or final")       \
	X(handshake_ms_p99_max, MAX, "ms", "p99 of the DTLS-SRTP handshakes")                \
	X(srtp_auth_failures_max, MAX, "", "received SRTP/SRTCP whose tag did not verify")

#define MBL_VERDICT_ENUM_(n, k, u, h) MBL_VERDICT_##n,
enum mbl_verdict_metric { MBL_VERDICT_LIST(MBL_VERDICT_ENUM_) MBL_VERDICT_MAX };
#undef MBL_VERDICT_ENUM_

/* Exit status (SIPp's habit: 0 good, 1 a call or a threshold failed) */
#define MBL_VERDICT_EXIT_PASS 0
#define MBL_VERDICT_EXIT_FAIL 1
#define MBL_VERDICT_EXIT_USAGE 2       /* bad command line or configuration */
#define MBL_VERDICT_EXIT_INTERRUPTED 3 /* SIGINT / SIGTERM: the report is still written */

const char *mbl_verdict_name(enum mbl_verdict_metric m);
const char *mbl_verdict_unit(enum mbl_verdict_metric m);
const char *mbl_verdict_help(enum mbl_verdict_metric m);
bool mbl_verdict_is_min(enum mbl_verdict_metric m);

struct mbl_verdict_limits {
	bool set[MBL_VERDICT_MAX];
	double limit[MBL_VERDICT_MAX];
};

struct mbl_verdict_values {
	bool have[MBL_VERDICT_MAX];    /* the run measured it */
	double value[MBL_VERDICT_MAX];
};

enum mbl_verdict_state {
	MBL_VERDICT_UNSET = 0, /* no threshold */
	MBL_VERDICT_HELD,
	MBL_VERDICT_BROKEN,    /* value beyond the limit */
	MBL_VERDICT_MISSING,   /* threshold set, figure not measured: fails */
};

struct mbl_verdict {
	enum mbl_verdict_state state[MBL_VERDICT_MAX];
	unsigned n_checked, n_failed;
	bool calls_ok;                 /* no call failed, and one succeeded if any had to */
	bool no_call_succeeded;        /* a caller's run set up nothing */
	bool interrupted;
	int exit_status;               /* MBL_VERDICT_EXIT_* */
};

/* A threshold's text from the config: "" leaves it unset, else a
 * non-negative decimal (asr_min at most 100, mos_p5_min at most 5).
 * Returns 0, or -EINVAL with why filled. */
int mbl_verdict_parse(enum mbl_verdict_metric m, const char *text, struct mbl_verdict_limits *l,
		      char *why, size_t whylen);

/* What the calls did: failed ones fail the run; a caller (UAC) whose run
 * set up no call at all fails it too, even with no call counted failed
 * (every one cancelled at the end, say) */
struct mbl_verdict_calls {
	unsigned long long failed, succeeded;
	bool caller;
};

/* Judge: each set threshold against its value; exit status 3 when
 * interrupted, else 1 when a call failed, a caller set up no call or a
 * threshold failed, else 0. A limit holds at equality. */
void mbl_verdict_eval(const struct mbl_verdict_limits *l, const struct mbl_verdict_values *v,
		      const struct mbl_verdict_calls *calls, bool interrupted,
		      struct mbl_verdict *out);

/* ---- capacity search (run.search) -------------------------------------------
 * The levels to try, one run each, judged pass or fail by that run's
 * verdict: start, start + step, ... up to max, until one fails; then at
 * most `bisect` halvings between the highest pass and the lowest fail.
 * The answer is the highest level that passed, with the lowest that
 * failed above it (0 when none did: max passed). Pure: no I/O. */
struct mbl_search {
	uint32_t start, step, max, bisect;   /* in */
	uint32_t best;                       /* highest passing level, 0 = none yet */
	uint32_t fail;                       /* lowest failing level, 0 = none yet */
	uint32_t next;                       /* the level being tried */
	uint32_t halvings;                   /* bisections done */
};

/* Begin: the first level to try (start), or 0 when start > max or step
 * is 0. */
uint32_t mbl_search_begin(struct mbl_search *s, uint32_t start, uint32_t step, uint32_t max,
			  uint32_t bisect);
/* The run at s->next passed (true) or failed: the next level to try, or 0
 * when the search is over (s->best, s->fail hold the answer). */
uint32_t mbl_search_result(struct mbl_search *s, bool passed);

#endif
