/* SPDX-License-Identifier: BSD-3-Clause
 * Streaming JSON writer: enough for reports; escapes strings per RFC 8259. */
#include <math.h>
#include <string.h>

#include "mbl_common.h"

void mbl_json_init(struct mbl_json *j, FILE *f, bool pretty)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
	j->pretty = pretty;
}

static void put_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void prefix(struct mbl_json *j, const char *key)
{
	bool comma = j->need_comma[j->depth];

	if (comma)
		fputc(',', j->f);
	j->need_comma[j->depth] = true;
	if (j->pretty && j->flat > 0) {
		if (comma)
			fputc(' ', j->f);
	} else if (j->pretty && j->depth > 0)
		fprintf(j->f, "\n%*s", j->depth * 2, "");
	if (key) {
		put_str(j->f, key);
		fputs(j->pretty ? ": " : ":", j->f);
	}
}

static void open_(struct mbl_json *j, const char *key, char c)
{
	prefix(j, key);
	fputc(c, j->f);
	if (j->depth < (int)MBL_ARRAY_SIZE(j->need_comma) - 1)
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void close_(struct mbl_json *j, char c)
{
	bool had = j->need_comma[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (j->pretty && had && j->flat == 0)
		fprintf(j->f, "\n%*s", j->depth * 2, "");
	fputc(c, j->f);
	if (j->depth == 0 && j->pretty)
		fputc('\n', j->f);
}

void mbl_json_obj_open(struct mbl_json *j, const char *key) { open_(j, key, '{'); }
void mbl_json_obj_close(struct mbl_json *j) { close_(j, '}'); }
void mbl_json_arr_open(struct mbl_json *j, const char *key) { open_(j, key, '['); }
void mbl_json_arr_close(struct mbl_json *j) { close_(j, ']'); }

void mbl_json_u64(struct mbl_json *j, const char *key, uint64_t v)
{
	prefix(j, key);
	fprintf(j->f, "%llu", (unsigned long long)v);
}

void mbl_json_i64(struct mbl_json *j, const char *key, int64_t v)
{
	prefix(j, key);
	fprintf(j->f, "%lld", (long long)v);
}

void mbl_json_dbl(struct mbl_json *j, const char *key, double v)
{
	prefix(j, key);
	if (isfinite(v))
		fprintf(j->f, "%.6g", v);
	else
		fputs("null", j->f);
}

void mbl_json_str(struct mbl_json *j, const char *key, const char *v)
{
	prefix(j, key);
	put_str(j->f, v ? v : "");
}

void mbl_json_bool(struct mbl_json *j, const char *key, bool v)
{
	prefix(j, key);
	fputs(v ? "true" : "false", j->f);
}

void mbl_json_null(struct mbl_json *j, const char *key)
{
	prefix(j, key);
	fputs("null", j->f);
}
