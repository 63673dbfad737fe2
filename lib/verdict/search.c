/* SPDX-License-Identifier: BSD-3-Clause
 * Capacity search: a step ladder, then bisection between the highest
 * level that passed and the lowest that failed (mbl_verdict.h). */
#include "mbl_verdict.h"

uint32_t mbl_search_begin(struct mbl_search *s, uint32_t start, uint32_t step, uint32_t max,
			  uint32_t bisect)
{
	*s = (struct mbl_search){ .start = start, .step = step, .max = max, .bisect = bisect };
	if (start == 0 || step == 0 || start > max)
		return 0;
	return s->next = start;
}

uint32_t mbl_search_result(struct mbl_search *s, bool passed)
{
	if (passed)
		s->best = s->next;
	else
		s->fail = s->next;
	if (s->fail == 0) { /* still climbing the ladder */
		if ((uint64_t)s->next + s->step > s->max)
			return s->next = 0;
		return s->next += s->step;
	}
	if (s->halvings == s->bisect || s->fail - s->best <= 1)
		return s->next = 0;
	s->halvings++;
	/* below the first step nothing passed: bisect between 0 and it */
	return s->next = s->best + (s->fail - s->best) / 2;
}
