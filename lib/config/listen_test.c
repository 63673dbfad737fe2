/* SPDX-License-Identifier: BSD-3-Clause
 * sip.listen ranges: counts, the order of the addresses (addresses vary
 * fastest, so round-robin changes the source IP at each call) and the
 * errors that name what is wrong. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mbl_config.h"

static void nth_is(const char *v, uint32_t i, const char *ip, uint16_t port)
{
	char got[64];
	uint16_t p = 0;

	assert_int_equal(mbl_config_listen_nth(v, i, got, sizeof(got), &p), 0);
	assert_string_equal(got, ip);
	assert_int_equal(p, port);
}

static void counts_and_order(void **state)
{
	char why[160];

	(void)state;
	assert_int_equal(mbl_config_listen_count("127.0.0.1:5060", why, sizeof(why)), 1);
	nth_is("127.0.0.1:5060", 0, "127.0.0.1", 5060);
	assert_int_equal(mbl_config_listen_count("198.18.0.10-198.18.0.19:5060", why,
						 sizeof(why)), 10);
	nth_is("198.18.0.10-198.18.0.19:5060", 9, "198.18.0.19", 5060);
	assert_int_equal(mbl_config_listen_count("198.18.0.1:5060-5069", why, sizeof(why)), 10);
	nth_is("198.18.0.1:5060-5069", 3, "198.18.0.1", 5063);
	/* IPs x ports, addresses fastest */
	assert_int_equal(mbl_config_listen_count("10.0.0.255-10.0.1.0:7-8", why, sizeof(why)), 4);
	nth_is("10.0.0.255-10.0.1.0:7-8", 1, "10.0.1.0", 7);
	nth_is("10.0.0.255-10.0.1.0:7-8", 2, "10.0.0.255", 8);
	assert_int_equal(mbl_config_listen_count("[2001:db8::1-2001:db8::2]:5060,[::1]:9", why,
						 sizeof(why)), 3);
	nth_is("[2001:db8::1-2001:db8::2]:5060,[::1]:9", 1, "2001:db8::2", 5060);
	nth_is("[2001:db8::1-2001:db8::2]:5060,[::1]:9", 2, "::1", 9);
	assert_int_equal(mbl_config_listen_nth("1.2.3.4:5", 1, why, sizeof(why), &(uint16_t){0}),
			 -EINVAL);
}

static void errors(void **state)
{
	char why[160];

	(void)state;
	assert_int_equal(mbl_config_listen_count("198.18.0.0-198.18.4.0:5060", why, sizeof(why)),
			 -EINVAL);
	assert_string_equal(why, "more than 1024 local addresses (sockets)");
	assert_int_equal(mbl_config_listen_count("198.18.0.1:5060-7000", why, sizeof(why)), -EINVAL);
	assert_int_equal(mbl_config_listen_count("198.18.0.1:5060-5059", why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "port \"5060-5059\": expected PORT or PORT-PORT within 1..65535");
	assert_int_equal(mbl_config_listen_count("1.2.3.5-1.2.3.4:1", why, sizeof(why)), -EINVAL);
	assert_int_equal(mbl_config_listen_count("1.2.3.4-::1:1", why, sizeof(why)), -EINVAL);
	assert_int_equal(mbl_config_listen_count("1.2.3.4", why, sizeof(why)), -EINVAL);
	assert_int_equal(mbl_config_listen_count("1.2.3.0/24:5060", why, sizeof(why)), -EINVAL);
	assert_int_equal(mbl_config_listen_count("", why, sizeof(why)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counts_and_order),
		cmocka_unit_test(errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
