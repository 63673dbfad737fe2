/* SPDX-License-Identifier: BSD-3-Clause
 * lib/net tests: address range parsing, n-th address and index.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mbl_common.h"
#include "mbl_net.h"

static void expect_range(const char *s, int family, const char *first, uint32_t count,
			 const char *last)
{
	struct mbl_ip_range r;
	uint8_t a[16], b[16];

	assert_int_equal(mbl_ip_range_parse(s, &r), 0);
	assert_int_equal(r.family, family);
	assert_int_equal(r.count, count);
	mbl_parse_ip(first, a);
	assert_memory_equal(r.first, a, 16);
	mbl_parse_ip(last, a);
	mbl_ip_range_nth(&r, count - 1, b);
	assert_memory_equal(a, b, 16);
	assert_int_equal(mbl_ip_range_index(&r, a), count - 1);
}

static void test_parse_good(void **state)
{
	(void)state;
	expect_range("198.18.0.1", 4, "198.18.0.1", 1, "198.18.0.1");
	expect_range("198.18.0.1-198.18.0.200", 4, "198.18.0.1", 200, "198.18.0.200");
	expect_range("198.18.0.250-198.18.1.5", 4, "198.18.0.250", 12, "198.18.1.5");
	expect_range("198.18.0.0/24", 4, "198.18.0.1", 254, "198.18.0.254");
	expect_range("198.18.0.0/31", 4, "198.18.0.0", 2, "198.18.0.1");
	expect_range("198.18.0.7/32", 4, "198.18.0.7", 1, "198.18.0.7");
	expect_range("10.0.0.0/8", 4, "10.0.0.1", (1u << 24) - 2, "10.255.255.254");
	expect_range("2001:db8::1-2001:db8::1:0", 6, "2001:db8::1", 65536, "2001:db8::1:0");
	expect_range("2001:db8::/120", 6, "2001:db8::1", 255, "2001:db8::ff");
	expect_range("2001:db8::/127", 6, "2001:db8::", 2, "2001:db8::1");
	expect_range("2001:db8::/104", 6, "2001:db8::1", (1u << 24) - 1, "2001:db8::ff:ffff");
	expect_range("2001:db8::ffff:fffe-2001:db8::ffff:ffff", 6, "2001:db8::ffff:fffe", 2,
		     "2001:db8::ffff:ffff");
}

static void test_parse_errors(void **state)
{
	static const char *const bad[] = {
		"", "garbage", "198.18.0.1-", "-198.18.0.1", "198.18.0.200-198.18.0.1",
		"198.18.0.1-2001:db8::1", "2001:db8::1-198.18.0.1", "198.18.0.0/", "198.18.0.0/33",
		"198.18.0.0/x", "198.18.0.0/24x", "198.18.0.0/-1", "198.18.0.0/7", "10.0.0.0/+8",
		"198.18.0.1/24", "2001:db8::/103", "2001:db8::1-2001:db9::1",
		"2001:db8::-2001:db8::1:0:0", "10.0.0.0-11.0.0.0", "::ffff:1.2.3.4",
		"198.18.0.1 ", "198.18.0.1-198.18.0.2-198.18.0.3", "1.2.3.4/0024",
		"0.0.0.0/0", "2001:db8::/0",
	};
	struct mbl_ip_range r = { .family = 99 };
	char big[300];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (mbl_ip_range_parse(bad[i], &r) != -EINVAL)
			fail_msg("accepted '%s'", bad[i]);
	}
	assert_int_equal(r.family, 99); /* untouched on error */
	memset(big, '1', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(mbl_ip_range_parse(big, &r), -EINVAL);
	assert_int_equal(mbl_ip_range_parse(NULL, &r), -EINVAL);
	/* exactly 2^24 addresses is allowed, one more is not */
	assert_int_equal(mbl_ip_range_parse("10.0.0.0-10.255.255.255", &r), 0);
	assert_int_equal(r.count, 1u << 24);
	assert_int_equal(mbl_ip_range_parse("10.0.0.0-11.0.0.0", &r), -EINVAL);
}

static void test_nth_index(void **state)
{
	struct mbl_ip_range r;
	uint8_t a[16], want[16];
	uint32_t i;

	(void)state;
	assert_int_equal(mbl_ip_range_parse("198.18.0.250-198.18.1.9", &r), 0);
	assert_int_equal(r.count, 16);
	for (i = 0; i < 40; i++) {
		mbl_ip_range_nth(&r, i, a);
		assert_int_equal(mbl_ip_range_index(&r, a), i % 16);
	}
	mbl_ip_range_nth(&r, 16, a);          /* wraps */
	mbl_parse_ip("198.18.0.250", want);
	assert_memory_equal(a, want, 16);
	mbl_ip_range_nth(&r, 6, a);
	mbl_parse_ip("198.18.1.0", want);
	assert_memory_equal(a, want, 16);
	mbl_parse_ip("198.18.0.249", a);
	assert_int_equal(mbl_ip_range_index(&r, a), -1);
	mbl_parse_ip("198.18.1.10", a);
	assert_int_equal(mbl_ip_range_index(&r, a), -1);
	mbl_parse_ip("::c612:1fa", a);        /* same low bits, IPv6 */
	assert_int_equal(mbl_ip_range_index(&r, a), -1);
	assert_int_equal(mbl_ip_range_parse("2001:db8::/120", &r), 0);
	mbl_parse_ip("2001:db8::80", a);
	assert_int_equal(mbl_ip_range_index(&r, a), 127);
	mbl_parse_ip("2001:db8::", a);        /* subnet-router anycast excluded */
	assert_int_equal(mbl_ip_range_index(&r, a), -1);
	mbl_parse_ip("2001:db9::80", a);
	assert_int_equal(mbl_ip_range_index(&r, a), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_nth_index),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
