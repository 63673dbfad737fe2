/* SPDX-License-Identifier: BSD-3-Clause
 * INI files and "section.key=value" assignments. Both end in
 * mbl_config_apply(), so a value means the same wherever it comes from and
 * every message has the shape "WHERE: section.key: problem".
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbl_common.h"
#include "config_priv.h"

char *mbl_config_trim(char *s)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

char *mbl_config_unquote(char *s)
{
	size_t n = strlen(s);

	if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
		s[n - 1] = '\0';
		return s + 1;
	}
	return s;
}

int mbl_config_apply(struct mbl_config *cfg, const char *qname,
		     const char *value, const char *where, char *err,
		     size_t errlen)
{
	const struct mbl_config_key *k = mbl_config_key_find(qname);
	char why[256], hint[96];

	if (!k) {
		if (mbl_config_suggest(qname, false, hint, sizeof(hint)))
			snprintf(err, errlen, "%s: %s: unknown key (did you mean %s?)",
				 where, qname, hint);
		else
			snprintf(err, errlen, "%s: %s: unknown key", where, qname);
		return -EINVAL;
	}
	if (mbl_config_key_parse(cfg, k, value, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "%s: %s: %s", where, qname, why);
		return -EINVAL;
	}
	return 0;
}

int mbl_config_set(struct mbl_config *cfg, const char *assignment,
		   const char *origin, char *err, size_t errlen)
{
	char *copy = strdup(assignment);
	char *eq, *key, *val;
	int rc;

	if (!origin)
		origin = "--set";
	if (!copy) {
		snprintf(err, errlen, "%s: out of memory", origin);
		return -ENOMEM;
	}
	eq = strchr(copy, '=');
	if (!eq) {
		/* the text is not echoed: it may be key material typed without '=' */
		snprintf(err, errlen, "%s: expected section.key=value", origin);
		free(copy);
		return -EINVAL;
	}
	*eq = '\0';
	key = mbl_config_trim(copy);
	val = mbl_config_unquote(mbl_config_trim(eq + 1));
	rc = mbl_config_apply(cfg, key, val, origin, err, errlen);
	free(copy);
	return rc;
}

/* State of one file being read. */
struct ini {
	struct mbl_config *cfg;
	const char *path;
	unsigned int line;
	char section[32];
	unsigned int *seen; /* per schema row: line that set it, 0 = not yet */
	char *err;
	size_t errlen;
};

static int ini_error(struct ini *st, const char *what, const char *problem)
{
	if (what)
		snprintf(st->err, st->errlen, "%s:%u: %s: %s", st->path, st->line, what, problem);
	else
		snprintf(st->err, st->errlen, "%s:%u: %s", st->path, st->line, problem);
	return -EINVAL;
}

/* Cut a comment: '#' or ';' at the start or after whitespace. */
static void cut_comment(char *s)
{
	for (char *p = s; *p; p++) {
		if ((*p == '#' || *p == ';') && (p == s || isspace((unsigned char)p[-1]))) {
			*p = '\0';
			return;
		}
	}
}

/* The value part of "key = value": quotes keep '#' and ';' literal. Returns
 * the value (inside s) or NULL with the problem in *why. */
static char *ini_value(char *s, const char **why)
{
	char *end;

	s = mbl_config_trim(s);
	if (*s != '"') {
		cut_comment(s);
		return mbl_config_trim(s);
	}
	end = strchr(s + 1, '"');
	if (!end) {
		*why = "unterminated quote";
		return NULL;
	}
	*end = '\0';
	cut_comment(end + 1);
	if (*mbl_config_trim(end + 1) != '\0') {
		*why = "text after the closing quote";
		return NULL;
	}
	return s + 1;
}

static int ini_section(struct ini *st, char *s)
{
	char *close = strchr(s, ']');
	char *name, msg[96], hint[32];
	bool found;

	if (!close)
		return ini_error(st, NULL, "syntax error: expected [section]");
	*close = '\0';
	cut_comment(close + 1);
	if (*mbl_config_trim(close + 1) != '\0')
		return ini_error(st, NULL, "syntax error: text after [section]");
	name = mbl_config_trim(s + 1);
	if (!mbl_config_section_known(name)) {
		found = mbl_config_suggest(name, true, hint, sizeof(hint));
		snprintf(msg, sizeof(msg), "unknown section%s%s%s", found ? " (did you mean [" : "",
			 found ? hint : "", found ? "]?)" : "");
		snprintf(st->err, st->errlen, "%s:%u: [%s]: %s", st->path, st->line, name, msg);
		return -EINVAL;
	}
	snprintf(st->section, sizeof(st->section), "%s", name);
	return 0;
}

static int ini_assign(struct ini *st, char *s)
{
	char *eq = strchr(s, '='), *key, *val, qname[160], where[300], msg[64];
	const struct mbl_config_key *k;
	const char *why = NULL;

	if (!eq)
		return ini_error(st, NULL, "syntax error: expected key = value");
	*eq = '\0';
	key = mbl_config_trim(s);
	if (*key == '\0')
		return ini_error(st, NULL, "syntax error: expected key = value");
	if (strchr(key, '.'))
		snprintf(qname, sizeof(qname), "%s", key);
	else if (st->section[0] == '\0')
		return ini_error(st, key, "key outside a section (write [section] or section.key)");
	else
		snprintf(qname, sizeof(qname), "%s.%s", st->section, key);
	val = ini_value(eq + 1, &why);
	if (!val)
		return ini_error(st, qname, why);
	k = mbl_config_key_find(qname);
	if (k && st->seen[k - mbl_config_keys]) {
		snprintf(msg, sizeof(msg), "duplicate key (first set on line %u)",
			 st->seen[k - mbl_config_keys]);
		return ini_error(st, qname, msg);
	}
	snprintf(where, sizeof(where), "%s:%u", st->path, st->line);
	if (mbl_config_apply(st->cfg, qname, val, where, st->err, st->errlen) < 0)
		return -EINVAL;
	st->seen[k - mbl_config_keys] = st->line;
	return 0;
}

static int ini_line(struct ini *st, char *line)
{
	char *s = mbl_config_trim(line);

	if (*s == '\0' || *s == '#' || *s == ';')
		return 0;
	if (*s == '[')
		return ini_section(st, s);
	return ini_assign(st, s);
}

int mbl_config_load_file(struct mbl_config *cfg, const char *path,
			 char *err, size_t errlen)
{
	struct ini st = { .cfg = cfg, .path = path, .err = err, .errlen = errlen };
	char *line = NULL;
	size_t cap = 0;
	FILE *f;
	int rc = 0;

	f = fopen(path, "r");
	if (!f) {
		rc = -errno;
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(-rc));
		return rc;
	}
	st.seen = calloc(mbl_config_nkeys, sizeof(*st.seen));
	if (!st.seen) {
		fclose(f);
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	while (rc == 0 && getline(&line, &cap, f) >= 0) {
		st.line++;
		rc = ini_line(&st, line);
	}
	if (rc == 0 && ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		rc = -EIO;
	}
	free(line);
	free(st.seen);
	fclose(f);
	return rc;
}
