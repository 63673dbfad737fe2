/* SPDX-License-Identifier: BSD-3-Clause
 * For lib/dp test programs that need real rings and mbufs: an EAL on
 * --no-huge with no port, its runtime directory removed afterwards.
 * Include after <cmocka.h>. Test programs only. */
#ifndef DP_TEST_EAL_H
#define DP_TEST_EAL_H

#include <ftw.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_eal.h>

#include "mbl_common.h"

static inline int dp_test_rm_entry(const char *p, const struct stat *sb, int flag,
				   struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

/* Run the cmocka group tests (n of them) inside an EAL named after name. */
#define dp_test_eal_run(name, tests) dp_test_eal_run_(name, tests, MBL_ARRAY_SIZE(tests))
static inline int dp_test_eal_run_(const char *name, const struct CMUnitTest *tests, size_t n)
{
	char prefix[64], runtime_dir[PATH_MAX];
	char *argv[] = {(char *)name, "--no-huge", "-m", "128", "--no-pci", "-l", "0",
			"--file-prefix", prefix, "--log-level", "error"};
	struct stat st;
	int rc;

	snprintf(prefix, sizeof(prefix), "mbl-%s-%d", name, (int)getpid());
	if (rte_eal_init((int)MBL_ARRAY_SIZE(argv), argv) < 0)
		return 1;
	snprintf(runtime_dir, sizeof(runtime_dir), "%s", rte_eal_get_runtime_dir());
	rc = _cmocka_run_group_tests(name, tests, n, NULL, NULL);
	rte_eal_cleanup();
	if (stat(runtime_dir, &st) == 0)
		nftw(runtime_dir, dp_test_rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	return rc;
}

#endif /* DP_TEST_EAL_H */
