/* SPDX-License-Identifier: BSD-3-Clause
 * E-model tests: G.107 Annex B MOS points and hand-computed R values. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "mbl_stats.h"

#define assert_near(a, b, eps) assert_true(fabs((double)(a) - (double)(b)) <= (eps))

static void test_mos_points(void **state)
{
	(void)state;
	/* 1 + 0.035*93.2 + 93.2*33.2*6.8*7e-6 = 4.262 + 0.14729 */
	assert_near(mbl_emodel_mos(93.2), 4.40929, 1e-4);
	assert_near(mbl_emodel_mos(0), 1.0, 0);
	assert_near(mbl_emodel_mos(-5), 1.0, 0);
	assert_near(mbl_emodel_mos(100), 4.5, 1e-12);
	assert_near(mbl_emodel_mos(120), 4.5, 0);
	/* R = 50: 1 + 1.75 + 50*(-10)*50*7e-6 = 2.575 */
	assert_near(mbl_emodel_mos(50), 2.575, 1e-9);
	assert_near(mbl_emodel_mos(3), 1.0, 0); /* cubic dips below 1 */
}

static double r_of(enum mbl_emodel_codec c, double loss, double delay,
		   double jitter, double ptime)
{
	struct mbl_emodel_in in = {
		.codec = c, .loss_pct = loss, .delay_ms = delay,
		.jitter_ms = jitter, .ptime_ms = ptime,
	};

	return mbl_emodel_r(&in);
}

static void test_r_values(void **state)
{
	double ie, bpl;

	(void)state;
	/* G.711, no impairment: the G.107 default 93.2 */
	assert_near(r_of(MBL_EMODEL_G711, 0, 0, 0, 20), 93.2, 1e-9);
	assert_near(r_of(MBL_EMODEL_G722, 0, 0, 0, 20), 93.2, 1e-9);
	/* G.729a: 93.2 - 11 */
	assert_near(r_of(MBL_EMODEL_G729A, 0, 0, 0, 20), 82.2, 1e-9);
	/* G.711 1% random loss: Ie,eff = 95 * 1 / (1 + 25.1) = 3.6398 */
	assert_near(r_of(MBL_EMODEL_G711, 1, 0, 0, 20), 93.2 - 95.0 / 26.1, 1e-9);
	/* G.729a 2%: 11 + 84 * 2 / 21 = 19 */
	assert_near(r_of(MBL_EMODEL_G729A, 2, 0, 0, 20), 93.2 - 19, 1e-9);
	/* opus 5%: 95 * 5 / 25 = 19 */
	assert_near(r_of(MBL_EMODEL_OPUS, 5, 0, 0, 20), 93.2 - 19, 1e-9);
	/* Ta = 380 + 2*0 + 20 = 400 ms: X = 2,
	 * Idd = 25 ((1 + 64)^(1/6) - 3 (1 + (2/3)^6)^(1/6) + 2) = 24.0701 */
	assert_near(r_of(MBL_EMODEL_G711, 0, 380, 0, 20), 93.2 - 24.0701, 1e-3);
	/* jitter counts twice: 300 + 2*40 + 20 = 400 ms as well */
	assert_near(r_of(MBL_EMODEL_G711, 0, 300, 40, 20), 93.2 - 24.0701, 1e-3);
	/* Ta = 100 ms exactly: no delay impairment yet */
	assert_near(r_of(MBL_EMODEL_G711, 0, 60, 10, 20), 93.2, 1e-9);
	/* Ta = 200: X = 1, Idd = 25 (2^(1/6) - 3 (1 + 3^-6)^(1/6) + 2) */
	assert_near(r_of(MBL_EMODEL_G711, 0, 180, 0, 20),
		    93.2 - 25 * (pow(2, 1.0 / 6) -
				 3 * pow(1 + pow(1.0 / 3, 6), 1.0 / 6) + 2), 1e-9);
	/* total loss and huge delay clamp at 0 */
	assert_near(r_of(MBL_EMODEL_G729A, 100, 5000, 0, 20), 0, 0);
	/* bursty loss is worse than random at the same rate */
	{
		struct mbl_emodel_in in = { .codec = MBL_EMODEL_G711,
					    .loss_pct = 2, .burst_r = 2 };

		assert_true(mbl_emodel_r(&in) < r_of(MBL_EMODEL_G711, 2, 0, 0, 0));
	}
	assert_int_equal(mbl_emodel_codec_params(MBL_EMODEL_G711, &ie, &bpl), 0);
	assert_near(bpl, 25.1, 0);
	assert_int_equal(mbl_emodel_codec_params(MBL_EMODEL_CODEC_COUNT, &ie, &bpl),
			 -EINVAL);
	assert_near(mbl_emodel_mos(r_of(MBL_EMODEL_G711, 0, 0, 0, 20)), 4.41, 0.005);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mos_points),
		cmocka_unit_test(test_r_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
