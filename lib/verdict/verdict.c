/* SPDX-License-Identifier: BSD-3-Clause
 * Verdict thresholds and the exit status (mbl_verdict.h).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbl_verdict.h"

#define MIN true
#define MAX false

struct metric_info {
	const char *name, *unit, *help;
	bool is_min;
};

#define MBL_VERDICT_INFO_(n, k, u, h) { #n, u, h, k },
static const struct metric_info info[MBL_VERDICT_MAX] = { MBL_VERDICT_LIST(MBL_VERDICT_INFO_) };
#undef MBL_VERDICT_INFO_

const char *mbl_verdict_name(enum mbl_verdict_metric m)
{
	return m < MBL_VERDICT_MAX ? info[m].name : "?";
}

const char *mbl_verdict_unit(enum mbl_verdict_metric m)
{
	return m < MBL_VERDICT_MAX ? info[m].unit : "";
}

const char *mbl_verdict_help(enum mbl_verdict_metric m)
{
	return m < MBL_VERDICT_MAX ? info[m].help : "";
}

bool mbl_verdict_is_min(enum mbl_verdict_metric m)
{
	return m < MBL_VERDICT_MAX && info[m].is_min;
}

int mbl_verdict_parse(enum mbl_verdict_metric m, const char *text, struct mbl_verdict_limits *l,
		      char *why, size_t whylen)
{
	char *end;
	double v;

	if (m >= MBL_VERDICT_MAX || l == NULL || text == NULL) {
		snprintf(why, whylen, "no such threshold");
		return -EINVAL;
	}
	l->set[m] = false;
	if (text[0] == '\0')
		return 0;
	errno = 0;
	v = strtod(text, &end);
	if (errno != 0 || end == text || *end != '\0' || !isfinite(v) || v < 0) {
		snprintf(why, whylen, "'%s' is not a non-negative number%s%s", text,
			 info[m].unit[0] ? " of " : "", info[m].unit);
		return -EINVAL;
	}
	if ((m == MBL_VERDICT_asr_min && v > 100) || (m == MBL_VERDICT_mos_p5_min && v > 5)) {
		snprintf(why, whylen, "%s is above the figure's range (%s)", text,
			 m == MBL_VERDICT_asr_min ? "0-100 %" : "MOS 1-5");
		return -EINVAL;
	}
	l->set[m] = true;
	l->limit[m] = v;
	return 0;
}

void mbl_verdict_eval(const struct mbl_verdict_limits *l, const struct mbl_verdict_values *v,
		      const struct mbl_verdict_calls *calls, bool interrupted,
		      struct mbl_verdict *out)
{
	memset(out, 0, sizeof(*out));
	for (int m = 0; m < MBL_VERDICT_MAX; m++) {
		bool ok;

		if (!l->set[m])
			continue;
		out->n_checked++;
		if (!v->have[m]) {
			out->state[m] = MBL_VERDICT_MISSING;
			out->n_failed++;
			continue;
		}
		ok = info[m].is_min ? v->value[m] >= l->limit[m] : v->value[m] <= l->limit[m];
		out->state[m] = ok ? MBL_VERDICT_HELD : MBL_VERDICT_BROKEN;
		out->n_failed += !ok;
	}
	out->no_call_succeeded = calls->caller && calls->succeeded == 0;
	out->calls_ok = calls->failed == 0 && !out->no_call_succeeded;
	out->interrupted = interrupted;
	if (interrupted)
		out->exit_status = MBL_VERDICT_EXIT_INTERRUPTED;
	else if (!out->calls_ok || out->n_failed != 0)
		out->exit_status = MBL_VERDICT_EXIT_FAIL;
	else
		out->exit_status = MBL_VERDICT_EXIT_PASS;
}
