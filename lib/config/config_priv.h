/* SPDX-License-Identifier: BSD-3-Clause
 * Internal to lib/config: the schema table and the helpers the parser, the
 * validator and the printers share. Not for other modules (they use
 * mbl_config.h only).
 */
#ifndef MBL_CONFIG_PRIV_H
#define MBL_CONFIG_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mbl_config.h"

enum mbl_config_type {
	MBL_CONFIG_T_UINT,
	MBL_CONFIG_T_INT,
	MBL_CONFIG_T_BOOL,
	MBL_CONFIG_T_ENUM,
	MBL_CONFIG_T_STR,
};

/* Checks a string value's format; returns 0 or -EINVAL with why filled. */
typedef int (*mbl_config_check_fn)(const char *v, char *why, size_t len);

/* One schema row: everything known about a key. */
struct mbl_config_key {
	const char *section;
	const char *name;
	enum mbl_config_type type;
	size_t off;                 /* offsetof(struct mbl_config, field) */
	size_t size;                /* sizeof the field */
	int64_t min, max;           /* integers: inclusive range */
	unsigned int step;          /* integers: multiple of step (0: any) */
	bool auto_ok;               /* integers: "auto" stores -1 */
	const char *const *enums;   /* enums: canonical names, NULL-terminated */
	mbl_config_check_fn check;  /* strings: format check, may be NULL */
	const char *fmt;            /* strings: format for the range column */
	const char *def;            /* default, as config text */
	const char *help;
	bool secret;                /* key material: never echoed in reports */
};

extern const struct mbl_config_key mbl_config_keys[];
extern const size_t mbl_config_nkeys;
extern const char *const mbl_config_sections[]; /* NULL-terminated */

/* Find "section.key" (case-sensitive). NULL if unknown. */
const struct mbl_config_key *mbl_config_key_find(const char *qname);
/* True if name is a known section. */
bool mbl_config_section_known(const char *name);
/* Write into out the closest known "section.key" (or section name when
 * sections is true) to what, if one is within 2 edits; returns whether one
 * was found. */
bool mbl_config_suggest(const char *what, bool sections, char *out, size_t len);

/* Parse text v into cfg's field for k. 0, or -EINVAL with why filled. */
int mbl_config_key_parse(struct mbl_config *cfg, const struct mbl_config_key *k,
			 const char *v, char *why, size_t len);
/* Format cfg's field for k as config text. 0 or -ENOSPC (truncated). */
int mbl_config_key_format(const struct mbl_config *cfg,
			  const struct mbl_config_key *k, char *buf, size_t len);
/* Check cfg's field for k against the schema. 0 or -EINVAL with why. */
int mbl_config_key_check(const struct mbl_config *cfg,
			 const struct mbl_config_key *k, char *why, size_t len);

/* String format checks used by the schema (config_check.c). */
int mbl_config_check_addr(const char *v, char *why, size_t len);
int mbl_config_check_host(const char *v, char *why, size_t len);
int mbl_config_check_mac(const char *v, char *why, size_t len);
int mbl_config_check_dtmf(const char *v, char *why, size_t len);
/* verdict thresholds: a non-negative decimal; a percentage (0-100); a
 * MOS (1-5) */
int mbl_config_check_number(const char *v, char *why, size_t len);
int mbl_config_check_pct(const char *v, char *why, size_t len);
int mbl_config_check_mos(const char *v, char *why, size_t len);
int mbl_config_check_crypto(const char *v, char *why, size_t len);
int mbl_config_check_codecs(const char *v, char *why, size_t len);
int mbl_config_check_suites(const char *v, char *why, size_t len);
/* run.modes: "" or MODE[,MODE...] of none|sdes|dtls|dual, each once */
int mbl_config_check_modes(const char *v, char *why, size_t len);
int mbl_config_check_hostport(const char *v, char *why, size_t len);
int mbl_config_check_ws_path(const char *v, char *why, size_t len);
int mbl_config_check_token(const char *v, char *why, size_t len);
int mbl_config_check_target(const char *v, char *why, size_t len);
int mbl_config_check_hold(const char *v, char *why, size_t len);
/* Address family (4 or 6) of an address, range or CIDR; -EINVAL if bad. */
int mbl_config_addr_family(const char *v, char *why, size_t len);

/* Apply one key = value: where is "FILE:LINE" or "--set" for messages. */
int mbl_config_apply(struct mbl_config *cfg, const char *qname,
		     const char *value, const char *where, char *err,
		     size_t errlen);

/* Strip one pair of surrounding double quotes in place; returns s. */
char *mbl_config_unquote(char *s);
/* Trim leading and trailing whitespace in place; returns the new start. */
char *mbl_config_trim(char *s);

#endif /* MBL_CONFIG_PRIV_H */
