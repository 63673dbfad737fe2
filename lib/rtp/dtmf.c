/* SPDX-License-Identifier: BSD-3-Clause
 * RFC 4733 telephone-event sender state machine.
 */
#include "mbl_rtp.h"

int mbl_dtmf_event(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c == '*')
		return 10;
	if (c == '#')
		return 11;
	if (c >= 'A' && c <= 'D')
		return 12 + (c - 'A');
	if (c >= 'a' && c <= 'd')
		return 12 + (c - 'a');
	return -EINVAL;
}

int mbl_dtmf_start(struct mbl_dtmf_tx *t, unsigned event, unsigned volume,
		   uint32_t ts, uint32_t duration_ts, uint32_t ts_step)
{
	if (event > 255 || volume > 63 || ts_step == 0 || duration_ts == 0)
		return -EINVAL;
	/* whole ticks: the last update carries the full duration */
	uint64_t total = ((uint64_t)duration_ts + ts_step - 1) / ts_step *
			 ts_step;
	if (total > UINT16_MAX)
		return -ERANGE;
	t->ts = ts;
	t->ts_step = ts_step;
	t->total = (uint32_t)total;
	t->elapsed = 0;
	t->event = (uint8_t)event;
	t->volume = (uint8_t)volume;
	t->ends_left = MBL_DTMF_END_PACKETS;
	t->state = MBL_DTMF_ACTIVE;
	return 0;
}

int mbl_dtmf_next(struct mbl_dtmf_tx *t, uint8_t *out, bool *marker,
		  uint32_t *ts)
{
	if (t->state == MBL_DTMF_IDLE)
		return 0;
	/* RFC 4733 2.5.1.2: only the first packet of an event is marked */
	*marker = t->state == MBL_DTMF_ACTIVE && t->elapsed == 0;
	*ts = t->ts;
	if (t->state == MBL_DTMF_ACTIVE) {
		t->elapsed += t->ts_step;
		if (t->elapsed >= t->total)
			t->state = MBL_DTMF_ENDING;
	}
	bool end = t->state == MBL_DTMF_ENDING;
	/* RFC 4733 2.5.1.4: the final packet goes out three times, all with
	 * the E bit and the full duration */
	mbl_dtmf_write(out, t->event, end, t->volume, (uint16_t)t->elapsed);
	if (end && --t->ends_left == 0)
		t->state = MBL_DTMF_IDLE;
	return MBL_DTMF_PAYLOAD_LEN;
}
