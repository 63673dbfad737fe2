/* SPDX-License-Identifier: BSD-3-Clause
 * Thresholds of `mediablast compare` (mbl_compare.h): parsed, and judged
 * on a RUN against BASE.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mbl_compare.h"

/* A finite decimal filling the whole of s: no sign of its own (the
 * operator carries it) unless signed is allowed, no "inf", "nan", hex. */
static int number(const char *s, bool sign_ok, double *out)
{
	const char *p = s;
	char *end;

	if (sign_ok && (*p == '-' || *p == '+'))
		p++;
	if (!((*p >= '0' && *p <= '9') || *p == '.'))
		return -EINVAL;
	for (const char *q = p; *q != '\0'; q++)
		if (*q == 'x' || *q == 'X')
			return -EINVAL;
	errno = 0;
	*out = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || !isfinite(*out))
		return -EINVAL;
	return 0;
}

static int op_parse(const char *o, struct mbl_cmp_threshold *t, const char **why)
{
	char num[MBL_CMP_TEXT_LEN];
	size_t n;

	if (o[0] == '<' || o[0] == '>') {
		t->op = o[0] == '<' ? MBL_CMP_LE : MBL_CMP_GE;
		*why = "expected a number after <= or >=";
		return o[1] == '=' ? number(o + 2, true, &t->limit) : -EINVAL;
	}
	o++; /* '=' */
	*why = "a change needs its sign: =+N or =-N (worse by at most / better by at least N), "
	       "=+N% or =-N%";
	if (*o != '+' && *o != '-')
		return -EINVAL;
	n = strlen(o);
	t->op = n > 1 && o[n - 1] == '%' ? MBL_CMP_REL : MBL_CMP_DELTA;
	if (t->op == MBL_CMP_REL)
		n--;
	memcpy(num, o + 1, n - 1);
	num[n - 1] = '\0';
	*why = "expected a number after the sign";
	if (number(num, false, &t->limit) < 0)
		return -EINVAL;
	if (*o == '-')
		t->limit = -t->limit;
	return 0;
}

int mbl_cmp_threshold_parse(const char *s, struct mbl_cmp_threshold *t, char *err,
			    size_t errlen)
{
	const char *why = "expected KEY<=V, KEY>=V, KEY=+N, KEY=-N, KEY=+N% or KEY=-N%";
	size_t klen = strcspn(s, "=<>");
	char key[MBL_CMP_TEXT_LEN];

	memset(t, 0, sizeof(*t));
	if (strlen(s) >= sizeof(t->text)) {
		why = "too long";
		goto error;
	}
	snprintf(t->text, sizeof(t->text), "%s", s);
	if (s[klen] == '\0' || klen == 0)
		goto error;
	memcpy(key, s, klen);
	key[klen] = '\0';
	t->m = mbl_report_metric_find(key);
	if (t->m == NULL) {
		snprintf(err, errlen, "threshold '%s': unknown key '%s'", s, key);
		return -ENOENT;
	}
	if (s[klen] == '=' || s[klen + 1] == '=') {
		if (op_parse(s + klen, t, &why) == 0)
			return 0;
	}
error:
	snprintf(err, errlen, "threshold '%s': %s", s, why);
	return -EINVAL;
}

void mbl_cmp_diff(double base, double run, double *abs, double *rel_pct)
{
	*abs = run - base;
	*rel_pct = base != 0 ? 100.0 * (run - base) / fabs(base) : NAN;
}

const char *mbl_cmp_fmt(double v, char *buf, size_t len)
{
	if (!isfinite(v))
		snprintf(buf, len, "%s", isnan(v) ? "-" : v > 0 ? "inf" : "-inf");
	else if (v == floor(v) && fabs(v) < 1e15)
		snprintf(buf, len, "%.0f", v);
	else if (fabs(v) >= 100)
		snprintf(buf, len, "%.1f", v);
	else
		snprintf(buf, len, "%.4g", v);
	return buf;
}

/* "12.5 ms", "4.21" */
static const char *with_unit(const struct mbl_report_metric *m, double v, char *buf,
			     size_t len)
{
	char n[32];

	snprintf(buf, len, "%s%s%s", mbl_cmp_fmt(v, n, sizeof(n)), m->unit[0] ? " " : "",
		 m->unit);
	return buf;
}

/* A worsening w as text: "2.5 ms worse", "20 % better", "unchanged". */
static void change_text(const struct mbl_cmp_threshold *t, double w, char *buf, size_t len)
{
	const char *u = t->op == MBL_CMP_REL ? "%" : t->m->unit;
	char n[32];

	if (w == 0)
		snprintf(buf, len, "unchanged");
	else if (t->op == MBL_CMP_REL && isfinite(w))
		snprintf(buf, len, "%.1f %% %s", fabs(w), w > 0 ? "worse" : "better");
	else
		snprintf(buf, len, "%s%s%s %s", mbl_cmp_fmt(fabs(w), n, sizeof(n)),
			 u[0] ? " " : "", u, w > 0 ? "worse" : "better");
}

static void limit_text(const struct mbl_cmp_threshold *t, char *buf, size_t len)
{
	const char *u = t->op == MBL_CMP_REL ? "%" : t->m->unit;
	char v[48], n[32];

	switch (t->op) {
	case MBL_CMP_LE:
	case MBL_CMP_GE:
		snprintf(buf, len, "%s %s", t->op == MBL_CMP_LE ? "<=" : ">=",
			 with_unit(t->m, t->limit, v, sizeof(v)));
		break;
	default:
		snprintf(buf, len, "%s %s%s%s %s", t->limit >= 0 ? "at most" : "at least",
			 mbl_cmp_fmt(fabs(t->limit), n, sizeof(n)), u[0] ? " " : "", u,
			 t->limit >= 0 ? "worse" : "better");
	}
}

/* A limit holds at equality, and within the rounding of a decimal
 * printed and read back (20 % of 10 -> 12 is 20.000000000000004). */
static bool within(double measured, double limit, bool at_most)
{
	double eps = 1e-9 * fmax(1, fabs(limit));

	return at_most ? measured <= limit + eps : measured >= limit - eps;
}

static bool missing(struct mbl_cmp_outcome *o, const char *name)
{
	o->result = MBL_CMP_MISSING;
	snprintf(o->text, sizeof(o->text), "not measured in %s", name);
	return false;
}

bool mbl_cmp_eval(const struct mbl_cmp_threshold *t, const struct mbl_jv *base,
		  const char *base_name, const struct mbl_jv *run, const char *run_name,
		  struct mbl_cmp_outcome *o)
{
	bool absolute = t->op == MBL_CMP_LE || t->op == MBL_CMP_GE, held;
	char ch[64], lim[64], b[48], r[48];
	double w;

	memset(o, 0, sizeof(*o));
	o->base = o->run = NAN;
	if (mbl_report_value(t->m, run, &o->run) < 0)
		return missing(o, run_name);
	if (absolute) {
		o->measured = o->run;
		held = within(o->run, t->limit, t->op == MBL_CMP_LE);
		limit_text(t, lim, sizeof(lim));
		snprintf(o->text, sizeof(o->text), "%s vs %s", with_unit(t->m, o->run, r, sizeof(r)),
			 lim);
		o->result = held ? MBL_CMP_HELD : MBL_CMP_BROKEN;
		return held;
	}
	if (mbl_report_value(t->m, base, &o->base) < 0)
		return missing(o, base_name);
	w = t->m->better == MBL_REPORT_LOWER ? o->run - o->base : o->base - o->run;
	if (t->op == MBL_CMP_REL)
		w = o->base != 0 ? 100.0 * w / fabs(o->base) : w > 0 ? INFINITY : w < 0 ? -INFINITY : 0;
	o->measured = w;
	held = within(w, t->limit, true);
	change_text(t, w, ch, sizeof(ch));
	limit_text(t, lim, sizeof(lim));
	snprintf(o->text, sizeof(o->text), "%s (%s -> %s) vs %s", ch,
		 with_unit(t->m, o->base, b, sizeof(b)), with_unit(t->m, o->run, r, sizeof(r)), lim);
	o->result = held ? MBL_CMP_HELD : MBL_CMP_BROKEN;
	return held;
}
