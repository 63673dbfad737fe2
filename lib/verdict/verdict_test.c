/* SPDX-License-Identifier: BSD-3-Clause
 * Verdict thresholds: parsing (what a config may say, what it may not),
 * floors and ceilings held at equality and broken beyond, a set threshold
 * with no measured figure failing as missing, and the exit status: 3 when
 * interrupted whatever else, 1 for a failed call or threshold, else 0.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mbl_verdict.h"

static void test_parse(void **state)
{
	struct mbl_verdict_limits l;
	char why[160];

	(void)state;
	memset(&l, 0, sizeof(l));
	assert_int_equal(mbl_verdict_parse(MBL_VERDICT_asr_min, "99.5", &l, why, sizeof(why)), 0);
	assert_true(l.set[MBL_VERDICT_asr_min]);
	assert_true(l.limit[MBL_VERDICT_asr_min] == 99.5);
	assert_int_equal(mbl_verdict_parse(MBL_VERDICT_asr_min, "", &l, why, sizeof(why)), 0);
	assert_false(l.set[MBL_VERDICT_asr_min]); /* "" unsets */
	assert_int_equal(mbl_verdict_parse(MBL_VERDICT_srtp_auth_failures_max, "0", &l, why,
					   sizeof(why)), 0);
	assert_true(l.set[MBL_VERDICT_srtp_auth_failures_max]);
	assert_int_equal(mbl_verdict_parse(MBL_VERDICT_loss_max, "1%", &l, why, sizeof(why)),
			 -EINVAL);
	assert_non_null(strstr(why, "'1%' is not a non-negative number of %"));
	assert_int_equal(mbl_verdict_parse(MBL_VERDICT_loss_max, "-1", &l, why, sizeof(why)),
			 -EINVAL);
	assert_int_equal(mbl_verdict_parse(MBL_VERDICT_loss_max, "nan", &l, why, sizeof(why)),
			 -EINVAL);
	assert_int_equal(mbl_verdict_parse(MBL_VERDICT_asr_min, "100.1", &l, why, sizeof(why)),
			 -EINVAL);
	assert_int_equal(mbl_verdict_parse(MBL_VERDICT_mos_p5_min, "5.5", &l, why, sizeof(why)),
			 -EINVAL);
	assert_false(l.set[MBL_VERDICT_mos_p5_min]);
	assert_string_equal(mbl_verdict_name(MBL_VERDICT_handshake_ms_p99_max),
			    "handshake_ms_p99_max");
	assert_true(mbl_verdict_is_min(MBL_VERDICT_mos_p5_min));
	assert_false(mbl_verdict_is_min(MBL_VERDICT_jitter_ms_max));
}

static void set(struct mbl_verdict_limits *l, struct mbl_verdict_values *v,
		enum mbl_verdict_metric m, double limit, double value)
{
	l->set[m] = true;
	l->limit[m] = limit;
	v->have[m] = true;
	v->value[m] = value;
}

static void test_eval(void **state)
{
	struct mbl_verdict_limits l;
	struct mbl_verdict_values v;
	struct mbl_verdict r;
	const struct mbl_verdict_calls ok = { .succeeded = 10, .caller = true },
				       one_failed = { .failed = 1, .succeeded = 9, .caller = true },
				       none_set_up = { .caller = true }, callee_idle = { 0 };

	(void)state;
	memset(&l, 0, sizeof(l));
	memset(&v, 0, sizeof(v));
	/* a caller that set up nothing fails though no call failed; a callee
	 * that got no call does not */
	mbl_verdict_eval(&l, &v, &none_set_up, false, &r);
	assert_int_equal(r.exit_status, MBL_VERDICT_EXIT_FAIL);
	assert_true(r.no_call_succeeded);
	mbl_verdict_eval(&l, &v, &callee_idle, false, &r);
	assert_int_equal(r.exit_status, MBL_VERDICT_EXIT_PASS);
	/* nothing set, every call fine: pass */
	mbl_verdict_eval(&l, &v, &ok, false, &r);
	assert_int_equal(r.exit_status, MBL_VERDICT_EXIT_PASS);
	assert_int_equal(r.n_checked, 0);
	/* a failed call alone fails the run */
	mbl_verdict_eval(&l, &v, &one_failed, false, &r);
	assert_int_equal(r.exit_status, MBL_VERDICT_EXIT_FAIL);
	assert_false(r.calls_ok);
	/* limits hold at equality, floors and ceilings */
	set(&l, &v, MBL_VERDICT_asr_min, 99.0, 99.0);
	set(&l, &v, MBL_VERDICT_loss_max, 0.5, 0.5);
	set(&l, &v, MBL_VERDICT_srtp_auth_failures_max, 0, 0);
	mbl_verdict_eval(&l, &v, &ok, false, &r);
	assert_int_equal(r.exit_status, MBL_VERDICT_EXIT_PASS);
	assert_int_equal(r.n_checked, 3);
	assert_int_equal(r.state[MBL_VERDICT_asr_min], MBL_VERDICT_HELD);
	assert_int_equal(r.state[MBL_VERDICT_jitter_ms_max], MBL_VERDICT_UNSET);
	/* just beyond: broken, named */
	v.value[MBL_VERDICT_asr_min] = 98.99;
	v.value[MBL_VERDICT_loss_max] = 0.51;
	mbl_verdict_eval(&l, &v, &ok, false, &r);
	assert_int_equal(r.exit_status, MBL_VERDICT_EXIT_FAIL);
	assert_int_equal(r.n_failed, 2);
	assert_int_equal(r.state[MBL_VERDICT_asr_min], MBL_VERDICT_BROKEN);
	assert_int_equal(r.state[MBL_VERDICT_loss_max], MBL_VERDICT_BROKEN);
	assert_int_equal(r.state[MBL_VERDICT_srtp_auth_failures_max], MBL_VERDICT_HELD);
	/* set but not measured: missing, and that fails */
	v.value[MBL_VERDICT_asr_min] = 100;
	v.value[MBL_VERDICT_loss_max] = 0;
	l.set[MBL_VERDICT_handshake_ms_p99_max] = true;
	l.limit[MBL_VERDICT_handshake_ms_p99_max] = 50;
	mbl_verdict_eval(&l, &v, &ok, false, &r);
	assert_int_equal(r.state[MBL_VERDICT_handshake_ms_p99_max], MBL_VERDICT_MISSING);
	assert_int_equal(r.n_failed, 1);
	assert_int_equal(r.exit_status, MBL_VERDICT_EXIT_FAIL);
	/* interrupted wins over everything */
	mbl_verdict_eval(&l, &v, &one_failed, true, &r);
	assert_int_equal(r.exit_status, MBL_VERDICT_EXIT_INTERRUPTED);
	assert_true(r.interrupted);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_eval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
