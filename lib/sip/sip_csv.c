/* SPDX-License-Identifier: BSD-3-Clause
 * SIPp-style injection files (format: sip_csv.h). The file is read into one
 * buffer and cut up in place: every ';' and line end becomes a NUL, and one
 * flat index of 32-bit offsets says where each field starts. The index is
 * sized from a count of lines and ';' before parsing, so a load is one read
 * and two allocations whatever the row count.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sip_csv.h"

struct mbl_sip_csv {
	enum mbl_sip_csv_mode mode;
	uint64_t seed;
	char *text;           /* the file; fields NUL-terminated in place */
	size_t nrows;
	uint32_t *field_off;  /* offset in text of each field, row after row */
	uint32_t row_first[]; /* nrows + 1: row r is fields [row_first[r], row_first[r+1]) */
};

/* State of one load: where errors go and how far the index is filled. */
struct loader {
	const char *path;
	char *err;
	size_t errlen;
	struct mbl_sip_csv *c;
	size_t nfields;
	bool have_mode;
	unsigned long line;
};

static void fail(struct loader *ld, int errnum, bool with_line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void fail(struct loader *ld, int errnum, bool with_line, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (ld->err != NULL && ld->errlen > 0) {
		if (with_line)
			n = snprintf(ld->err, ld->errlen, "%s:%lu: ", ld->path, ld->line);
		else
			n = snprintf(ld->err, ld->errlen, "%s: ", ld->path);
		if (n >= 0 && (size_t)n < ld->errlen) {
			va_start(ap, fmt);
			vsnprintf(ld->err + n, ld->errlen - (size_t)n, fmt, ap);
			va_end(ap);
		}
	}
	errno = errnum;
}

/* read() until EOF into a growing buffer; the offsets are 32-bit, so 4 GiB
 * and more is refused. 0 or an errno (err filled). */
static int read_fd(struct loader *ld, int fd, char **buf, size_t *cap, size_t *len)
{
	for (;;) {
		ssize_t got;

		if (*len + 1 >= *cap) {
			char *nb = *cap * 2 <= UINT32_MAX ? realloc(*buf, *cap * 2) : NULL;

			if (nb == NULL) {
				fail(ld, *cap * 2 > UINT32_MAX ? EFBIG : ENOMEM, false, "%s",
				     *cap * 2 > UINT32_MAX ? "file too large" : "out of memory");
				return errno;
			}
			*buf = nb;
			*cap *= 2;
		}
		got = read(fd, *buf + *len, *cap - *len - 1);
		if (got == 0)
			return 0;
		if (got < 0 && errno != EINTR) {
			int e = errno;

			fail(ld, e, false, "%s", strerror(e));
			return e;
		}
		*len += got > 0 ? (size_t)got : 0;
	}
}

/* The whole file, NUL-terminated; NULL with err filled on failure. */
static char *read_all(struct loader *ld, size_t *len)
{
	struct stat st;
	size_t cap;
	char *buf;
	int fd = open(ld->path, O_RDONLY | O_CLOEXEC), e;

	if (fd < 0) {
		e = errno;
		fail(ld, e, false, "%s", strerror(e));
		return NULL;
	}
	/* one read for a regular file: room for all of it plus the NUL */
	cap = fstat(fd, &st) == 0 && st.st_size > 0 ? (size_t)st.st_size + 2 : 4096;
	if (cap > UINT32_MAX) {
		close(fd);
		fail(ld, EFBIG, false, "file too large");
		return NULL;
	}
	buf = malloc(cap);
	*len = 0;
	e = buf == NULL ? ENOMEM : read_fd(ld, fd, &buf, &cap, len);
	close(fd);
	if (e != 0) {
		if (buf == NULL)
			fail(ld, ENOMEM, false, "out of memory");
		free(buf);
		errno = e;
		return NULL;
	}
	buf[*len] = '\0';
	return buf;
}

/* "SEQUENTIAL", "RANDOM" or "USER", maybe followed by ",OPTION" (SIPp's
 * PRINTF, PRINTFMULTIPLE, PRINTFOFFSET generate rows: not supported). */
static bool parse_mode(struct loader *ld, char *s)
{
	static const char *const names[] = {"SEQUENTIAL", "RANDOM", "USER"};
	char *opt = strchr(s, ','), *end;
	unsigned int i;

	if (opt != NULL)
		*opt++ = '\0';
	s += strspn(s, " \t");
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	for (i = 0; i < 3 && strcasecmp(s, names[i]) != 0; i++)
		;
	if (i == 3) {
		fail(ld, EINVAL, true, "unknown mode '%.32s' (want SEQUENTIAL, RANDOM or USER)", s);
		return false;
	}
	if (opt != NULL) {
		opt += strspn(opt, " \t");
		if (strncasecmp(opt, "PRINTF", 6) == 0)
			fail(ld, ENOTSUP, true, "PRINTF is not supported");
		else
			fail(ld, EINVAL, true, "unknown mode option '%.32s'", opt);
		return false;
	}
	ld->c->mode = (enum mbl_sip_csv_mode)i;
	ld->have_mode = true;
	return true;
}

/* One data line of n bytes at s: its fields go into the index. One
 * trailing ';' ends the last field instead of opening an empty one. */
static bool add_row(struct loader *ld, char *s, size_t n)
{
	struct mbl_sip_csv *c = ld->c;
	size_t nf = 1, i;

	for (i = 0; i < n; i++)
		nf += s[i] == ';';
	if (n > 0 && s[n - 1] == ';')
		nf--;
	if (nf > MBL_SIP_CSV_MAX_FIELDS) {
		fail(ld, EINVAL, true, "too many fields (%zu, at most %d)", nf,
		     MBL_SIP_CSV_MAX_FIELDS);
		return false;
	}
	c->field_off[ld->nfields++] = (uint32_t)(s - c->text);
	for (i = 0; i < n; i++) {
		if (s[i] != ';')
			continue;
		s[i] = '\0';
		if (i + 1 < n)
			c->field_off[ld->nfields++] = (uint32_t)(s + i + 1 - c->text);
	}
	c->row_first[++c->nrows] = (uint32_t)ld->nfields;
	return true;
}

static bool is_blank(const char *s)
{
	return s[strspn(s, " \t")] == '\0';
}

/* One line without its line end, NUL-terminated at s[n]. */
static bool do_line(struct loader *ld, char *s, size_t n)
{
	if (n > MBL_SIP_CSV_LINE_MAX) {
		fail(ld, EINVAL, true, "line longer than %d bytes", MBL_SIP_CSV_LINE_MAX);
		return false;
	}
	if (strlen(s) != n) {
		fail(ld, EINVAL, true, "NUL byte in line");
		return false;
	}
	if (is_blank(s) || s[0] == '#' || (s[0] == '/' && s[1] == '/'))
		return true;
	if (!ld->have_mode)
		return parse_mode(ld, s);
	return add_row(ld, s, n);
}

/* Walk the lines of text (len bytes, NUL at text[len]). */
static bool parse_text(struct loader *ld, char *text, size_t len)
{
	size_t pos = 0;

	while (pos < len) {
		char *s = text + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl != NULL ? (size_t)(nl - s) : len - pos;

		pos += n + (nl != NULL);
		ld->line++;
		if (n > 0 && s[n - 1] == '\r')
			n--;
		s[n] = '\0';
		if (!do_line(ld, s, n))
			return false;
	}
	if (ld->line == 0)
		ld->line = 1;
	if (!ld->have_mode)
		fail(ld, EINVAL, true, "empty file");
	else if (ld->c->nrows == 0)
		fail(ld, EINVAL, true, "no rows");
	return ld->have_mode && ld->c->nrows > 0;
}

/* The index, sized for the worst case: a row per line, a field per ';'
 * plus one per line. */
static struct mbl_sip_csv *alloc_index(const char *text, size_t len)
{
	size_t lines = 1, semis = 0, i, sz;
	struct mbl_sip_csv *c;

	for (i = 0; i < len; i++) {
		lines += text[i] == '\n';
		semis += text[i] == ';';
	}
	sz = sizeof(*c) + (lines + 1) * sizeof(uint32_t) + (lines + semis) * sizeof(uint32_t);
	c = calloc(1, sz);
	if (c != NULL)
		c->field_off = c->row_first + lines + 1;
	return c;
}

struct mbl_sip_csv *mbl_sip_csv_load(const char *path, char *err, size_t errlen)
{
	struct loader ld = {.path = path != NULL ? path : "(null)", .err = err, .errlen = errlen};
	size_t len;
	char *text;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (path == NULL) {
		fail(&ld, EINVAL, false, "no file name");
		return NULL;
	}
	text = read_all(&ld, &len);
	if (text == NULL)
		return NULL;
	ld.c = alloc_index(text, len);
	if (ld.c == NULL) {
		free(text);
		fail(&ld, ENOMEM, false, "out of memory");
		return NULL;
	}
	ld.c->text = text;
	if (!parse_text(&ld, text, len)) {
		int e = errno;

		mbl_sip_csv_free(ld.c);
		errno = e;
		return NULL;
	}
	return ld.c;
}

void mbl_sip_csv_free(struct mbl_sip_csv *c)
{
	if (c == NULL)
		return;
	free(c->text);
	free(c);
}

enum mbl_sip_csv_mode mbl_sip_csv_mode(const struct mbl_sip_csv *c)
{
	return c->mode;
}

size_t mbl_sip_csv_rows(const struct mbl_sip_csv *c)
{
	return c->nrows;
}

unsigned int mbl_sip_csv_fields(const struct mbl_sip_csv *c, uint64_t row)
{
	return row < c->nrows ? c->row_first[row + 1] - c->row_first[row] : 0;
}

const char *mbl_sip_csv_field(const struct mbl_sip_csv *c, uint64_t row, unsigned int field)
{
	if (field >= mbl_sip_csv_fields(c, row))
		return NULL;
	return c->text + c->field_off[c->row_first[row] + field];
}

void mbl_sip_csv_seed(struct mbl_sip_csv *c, uint64_t seed)
{
	c->seed = seed;
}

/* SplitMix64's output function (Steele, Lea, Flood 2014). */
static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

uint64_t mbl_sip_csv_pick(const struct mbl_sip_csv *c, uint64_t call_index)
{
	const uint64_t golden = UINT64_C(0x9e3779b97f4a7c15);
	uint64_t n = c->nrows, s, r, threshold;

	if (c->mode != MBL_SIP_CSV_RANDOM)
		return call_index % n;
	/* a stream of its own per call; draws below 2^64 mod n are rejected so
	 * that r % n is exactly uniform */
	s = c->seed ^ mix64(call_index * golden + golden);
	threshold = (0 - n) % n;
	do {
		s += golden;
		r = mix64(s);
	} while (r < threshold);
	return r % n;
}

/* "[fieldN]" at t: 1 and *idx, *after when it is one; 0 when t is not a
 * field reference at all (copied as text); -1 when it starts like one but
 * is not closed or N is absurd. */
static int field_ref(const char *t, unsigned int *idx, const char **after)
{
	unsigned long v = 0;
	const char *p = t + 6;

	if (strncmp(t, "[field", 6) != 0 || *p < '0' || *p > '9')
		return 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > 999)
			return -1;
	}
	if (*p != ']')
		return -1;
	*idx = (unsigned int)v;
	*after = p + 1;
	return 1;
}

int mbl_sip_csv_subst(const struct mbl_sip_csv *c, uint64_t row, const char *tmpl, char *out,
		      size_t len)
{
	size_t o = 0;
	int rc = 0;

	if (row >= c->nrows || tmpl == NULL)
		return -EINVAL;
	while (*tmpl != '\0' && rc == 0) {
		const char *val, *after;
		unsigned int idx;
		size_t n;
		int ref = field_ref(tmpl, &idx, &after);

		if (ref < 0)
			return -EINVAL;
		val = ref > 0 ? mbl_sip_csv_field(c, row, idx) : tmpl;
		if (val == NULL)
			return -EINVAL;
		n = ref > 0 ? strlen(val) : 1;
		if (o + n >= len || o + n > INT32_MAX)
			rc = -ENOSPC;
		else
			memcpy(out + o, val, n);
		o += n;
		tmpl = ref > 0 ? after : tmpl + 1;
	}
	if (rc < 0) {
		if (len > 0)
			out[0] = '\0';
		return rc;
	}
	if (len == 0)
		return -ENOSPC;
	out[o] = '\0';
	return (int)o;
}
