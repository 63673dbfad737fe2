/* SPDX-License-Identifier: BSD-3-Clause
 * SIPp-style injection files: per-call data (users, passwords, numbers,
 * domains) in a text file the scenario refers to as [field0], [field1], ...
 *
 *   SEQUENTIAL                      <- mode: SEQUENTIAL, RANDOM or USER
 *   # comment, // comment, blank lines: ignored
 *   alice;secret;biloxi.com         <- one row, fields split by ';'
 *   bob;zanzibar;atlanta.com;       <- one trailing ';' is allowed
 *
 * Fields are taken as written (no quoting, no trimming); CRLF line ends are
 * fine. SIPp's ",PRINTF=n" mode suffix (generated rows) is refused as
 * unsupported. The whole file stays in one buffer with a flat offset
 * index, so 100,000 rows load in milliseconds and a lookup is two array
 * reads. Loading runs on the control plane; afterwards the object is
 * read-only (mbl_sip_csv_seed aside) and any thread may read it.
 */
#ifndef MBL_SIP_CSV_H
#define MBL_SIP_CSV_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#define MBL_SIP_CSV_MAX_FIELDS 16   /* fields per row */
#define MBL_SIP_CSV_LINE_MAX 4096   /* bytes per line, without the line end */

enum mbl_sip_csv_mode {
	MBL_SIP_CSV_SEQUENTIAL, /* call n takes row n mod rows */
	MBL_SIP_CSV_RANDOM,     /* call n takes a uniformly random row */
	MBL_SIP_CSV_USER,       /* user n keeps row n mod rows for all its calls */
};

struct mbl_sip_csv;

/* Load path. Returns the table, or NULL with errno set and err filled:
 *   "path: <strerror>"                         cannot open or read (errno
 *                                              of open/read);
 *   "path:N: empty file"                       no mode line (EINVAL; N = 1 or
 *                                              the last line when only
 *                                              comments and blanks);
 *   "path:N: unknown mode 'X' (want SEQUENTIAL, RANDOM or USER)"   EINVAL;
 *   "path:N: PRINTF is not supported"          ENOTSUP;
 *   "path:N: unknown mode option 'X'"          EINVAL;
 *   "path:N: line longer than 4096 bytes"      EINVAL;
 *   "path:N: too many fields (17, at most 16)" EINVAL;
 *   "path:N: NUL byte in line"                 EINVAL;
 *   "path:N: no rows"                          EINVAL (N: the last line);
 *   "path: file too large"                     EFBIG (4 GiB and up);
 *   "path: out of memory"                      ENOMEM.
 * Control plane. */
struct mbl_sip_csv *mbl_sip_csv_load(const char *path, char *err, size_t errlen);
void mbl_sip_csv_free(struct mbl_sip_csv *c); /* NULL is fine */

enum mbl_sip_csv_mode mbl_sip_csv_mode(const struct mbl_sip_csv *c);
size_t mbl_sip_csv_rows(const struct mbl_sip_csv *c);
/* Fields of row (0 when row is out of range). */
unsigned int mbl_sip_csv_fields(const struct mbl_sip_csv *c, uint64_t row);
/* Field field of row as a NUL-terminated string (maybe empty: "a;;b"),
 * valid until mbl_sip_csv_free; NULL when the row or the field does not
 * exist. */
const char *mbl_sip_csv_field(const struct mbl_sip_csv *c, uint64_t row, unsigned int field);

/* Seed of RANDOM mode (default 0: runs repeat unless seeded). Set it before
 * calls start; it is the only thing that changes after load. */
void mbl_sip_csv_seed(struct mbl_sip_csv *c, uint64_t seed);
/* The row for call_index (SEQUENTIAL, RANDOM) or for user call_index (USER):
 *   SEQUENTIAL, USER: call_index mod rows;
 *   RANDOM: uniform over the rows, a pure function of (seed, call_index)
 *   (counter-based: SplitMix64 with rejection, so no modulo bias), so the
 *   same seed replays the same choice for every call whatever thread or
 *   order it comes in. Any thread. */
uint64_t mbl_sip_csv_pick(const struct mbl_sip_csv *c, uint64_t call_index);

/* Copy tmpl to out with every "[fieldN]" (N decimal) replaced by field N of
 * row, e.g. "sip:[field0]@[field1]". Other bracketed words ("[call_id]")
 * are copied unchanged for later stages. Returns the length written
 * (NUL-terminated), or -EINVAL (row out of range, a field the row lacks,
 * or "[fieldN" not closed by ']'), -ENOSPC (out too small; out is then "").
 * Any thread. */
int mbl_sip_csv_subst(const struct mbl_sip_csv *c, uint64_t row, const char *tmpl, char *out,
		      size_t len);

#endif /* MBL_SIP_CSV_H */
