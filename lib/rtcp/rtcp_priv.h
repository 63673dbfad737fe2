/* SPDX-License-Identifier: BSD-3-Clause
 * What the lib/rtcp writers share: the common header. */
#ifndef RTCP_PRIV_H
#define RTCP_PRIV_H

#include <stdint.h>

#include "mbl_common.h"

/* Common header: V=2, no padding, count/FMT, packet type, len bytes (a
 * multiple of 4) as the length in words minus one. */
static inline void rtcp_hdr(uint8_t *p, uint8_t count, uint8_t pt, unsigned len)
{
	p[0] = (uint8_t)(0x80 | (count & 0x1f));
	p[1] = pt;
	mbl_put_be16(p + 2, (uint16_t)(len / 4 - 1));
}

#endif
