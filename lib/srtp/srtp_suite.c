/* SPDX-License-Identifier: BSD-3-Clause
 * The crypto suite table, expanded from MBL_SRTP_SUITE_LIST so names,
 * enum values and sizes cannot drift apart.
 */
#include <string.h>

#include "mbl_srtp.h"

/* NULL_* suites authenticate only (RFC 4568 6.2.3 / libsrtp null cipher). */
#define SUITE_IS_NULL(e) (MBL_SRTP_##e == MBL_SRTP_NULL_HMAC_SHA1_80 || \
			  MBL_SRTP_##e == MBL_SRTP_NULL_HMAC_SHA1_32)

#define SUITE_INFO_(s, e, k, sa, t, tc, a)                                     \
	[MBL_SRTP_##e] = {.name = s, .id = MBL_SRTP_##e, .key_len = k, .salt_len = sa, \
			  .srtp_tag_len = t, .srtcp_tag_len = tc, .aead = a,     \
			  .null_cipher = SUITE_IS_NULL(e)},
static const struct mbl_srtp_suite_info suites[MBL_SRTP_SUITE_MAX] = {
	MBL_SRTP_SUITE_LIST(SUITE_INFO_)
};
#undef SUITE_INFO_

const struct mbl_srtp_suite_info *mbl_srtp_suite_find(const char *name)
{
	unsigned int i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < MBL_SRTP_SUITE_MAX; i++)
		if (strcmp(suites[i].name, name) == 0)
			return &suites[i];
	return NULL;
}

const struct mbl_srtp_suite_info *mbl_srtp_suite_get(enum mbl_srtp_suite s)
{
	if ((unsigned int)s >= MBL_SRTP_SUITE_MAX)
		return NULL;
	return &suites[s];
}
