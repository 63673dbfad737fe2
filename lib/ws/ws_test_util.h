/* SPDX-License-Identifier: BSD-3-Clause
 * Test helpers for lib/ws: feed a byte stream to a decoder in chunks of a
 * chosen shape and keep a copy of every event, so a test can compare what
 * one read, one byte per read and an irregular split produce.
 */
#ifndef WS_TEST_UTIL_H
#define WS_TEST_UTIL_H

#include <stdlib.h>
#include <string.h>

#include "mbl_common.h"
#include "mbl_ws.h"

#define EVLOG_MAX 16

struct evlog_ent {
	int type;
	bool binary;
	uint16_t code;
	size_t len;
	uint8_t *data; /* malloc'd copy, NUL-terminated */
};

struct evlog {
	int n;
	struct evlog_ent e[EVLOG_MAX];
	int rc;              /* the failure returned, 0 if none */
	enum mbl_ws_err err;
};

enum split { SPLIT_WHOLE, SPLIT_BYTE, SPLIT_ODD };

static inline void evlog_free(struct evlog *log)
{
	int i;

	for (i = 0; i < log->n; i++)
		free(log->e[i].data);
	memset(log, 0, sizeof(*log));
}

static inline void evlog_add(struct evlog *log, int type, const struct mbl_ws_ev *ev)
{
	struct evlog_ent *e;

	assert_true(log->n < EVLOG_MAX);
	e = &log->e[log->n++];
	e->type = type;
	e->binary = ev->binary;
	e->code = ev->code;
	e->len = ev->len;
	e->data = malloc(ev->len + 1);
	assert_non_null(e->data);
	if (ev->len)
		memcpy(e->data, ev->data, ev->len);
	e->data[ev->len] = 0;
	if (type == MBL_WS_EV_MSG)
		assert_int_equal(ev->data[ev->len], 0); /* NUL-terminated in place */
}

/* Feed one read to d: events until the read is used up or d fails. */
static inline bool evlog_read(struct mbl_ws_dec *d, const uint8_t *p, size_t left,
			      struct evlog *log)
{
	struct mbl_ws_ev ev;
	size_t used;
	int rc;

	while (left) {
		rc = mbl_ws_dec_next(d, p, left, &used, &ev);
		if (rc < 0) {
			log->rc = rc;
			log->err = d->err;
			return false;
		}
		assert_true(used <= left);
		if (rc == MBL_WS_EV_NONE)
			assert_int_equal(used, left);
		else
			evlog_add(log, rc, &ev);
		p += used;
		left -= used;
	}
	return true;
}

/* Feed s[0, n) in reads shaped by how (SPLIT_ODD: 1 to 7 bytes, a fixed
 * sequence, so a run never depends on chance or timing). */
static inline void evlog_feed(struct mbl_ws_dec *d, const uint8_t *s, size_t n, enum split how,
			      struct evlog *log)
{
	uint32_t rnd = 0x2545f491;
	size_t off = 0, chunk;

	while (off < n) {
		chunk = how == SPLIT_WHOLE ? n - off
			: how == SPLIT_BYTE ? 1
					    : 1 + mbl_xorshift32(&rnd) % 7;
		chunk = MBL_MIN(chunk, n - off);
		if (!evlog_read(d, s + off, chunk, log))
			return;
		off += chunk;
	}
}

#endif /* WS_TEST_UTIL_H */
