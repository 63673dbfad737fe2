/* SPDX-License-Identifier: BSD-3-Clause
 * Byte helpers shared by the lib/rtcp writers and readers. */
#ifndef RTCP_PRIV_H
#define RTCP_PRIV_H

#include <stdint.h>

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t rtcp_r32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void rtcp_w16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void rtcp_w32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Common header: V=2, no padding, count/FMT, packet type, len bytes (a
 * multiple of 4) as the length in words minus one. */
static inline void rtcp_hdr(uint8_t *p, uint8_t count, uint8_t pt, unsigned len)
{
	p[0] = (uint8_t)(0x80 | (count & 0x1f));
	p[1] = pt;
	rtcp_w16(p + 2, (uint16_t)(len / 4 - 1));
}

#endif
