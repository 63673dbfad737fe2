/* SPDX-License-Identifier: BSD-3-Clause
 * Which report this is (mbl_report.h): loaded and checked, its schema,
 * role and a short name for tables.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mbl_report.h"

int mbl_report_schema(const struct mbl_jv *root)
{
	const struct mbl_jv *s = mbl_jv_get(root, "schema");

	if (s == NULL)
		return 0; /* written before the key existed */
	if (s->type != MBL_JV_NUM || !(s->v.n >= 0) || s->v.n > 1e6 || s->v.n != floor(s->v.n))
		return -EINVAL;
	return (int)s->v.n;
}

const struct mbl_jv *mbl_report_load(const char *path, char *err, size_t errlen)
{
	const struct mbl_jv *root = mbl_jv_load(path, err, errlen);
	const struct mbl_jv *run;

	if (root == NULL)
		return NULL;
	run = mbl_jv_get(root, "run");
	if (root->type != MBL_JV_OBJ || run == NULL || run->type != MBL_JV_OBJ) {
		snprintf(err, errlen, "%s: not a mediablast report (no \"run\" object)", path);
		goto bad;
	}
	if (mbl_report_schema(root) < 0) {
		snprintf(err, errlen, "%s: \"schema\" is not a non-negative integer", path);
		goto bad;
	}
	return root;
bad:
	mbl_jv_free(root);
	errno = EINVAL;
	return NULL;
}

const char *mbl_report_role(const struct mbl_jv *root)
{
	return mbl_jv_str(mbl_jv_get(root, "run.role"), "?");
}

const char *mbl_report_label(const struct mbl_jv *root, const char *path, char *buf, size_t len)
{
	const char *l = mbl_jv_str(mbl_jv_get(root, "run.label"), NULL);
	const char *base;
	size_t n;

	if (l == NULL || *l == '\0')
		l = mbl_jv_str(mbl_jv_get(root, "config.run.label"), NULL);
	if (len == 0)
		return buf;
	if (l != NULL && *l != '\0') {
		snprintf(buf, len, "%s", l);
		return buf;
	}
	base = path != NULL ? strrchr(path, '/') : NULL;
	base = base != NULL ? base + 1 : path != NULL ? path : "?";
	n = strlen(base);
	if (n > 5 && strcmp(base + n - 5, ".json") == 0)
		n -= 5;
	snprintf(buf, len, "%.*s", (int)n, base);
	return buf;
}
