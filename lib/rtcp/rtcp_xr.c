/* SPDX-License-Identifier: BSD-3-Clause
 * RTCP extended reports (RFC 3611): the statistics summary (4.6) and VoIP
 * metrics (4.7) blocks, written and read, and the burst/gap loss model
 * behind the VoIP metrics' densities and durations (4.7.2).
 */
#include <math.h>
#include <string.h>

#include "mbl_rtcp.h"
#include "rtcp_priv.h"

/* block header: BT, type-specific byte, length in words minus one */
static void xr_block_hdr(uint8_t *p, uint8_t bt, uint8_t ts, unsigned len)
{
	p[0] = bt;
	p[1] = ts;
	mbl_put_be16(p + 2, (uint16_t)(len / 4 - 1));
}

static void ssum_put(uint8_t *p, const struct mbl_rtcp_xr_ssum *s)
{
	uint8_t flags = (uint8_t)((s->has_lost ? 0x80 : 0) | (s->has_dup ? 0x40 : 0) |
				  (s->has_jitter ? 0x20 : 0)); /* ToH 0: no TTL */

	memset(p, 0, MBL_RTCP_XR_SSUM_LEN);
	xr_block_hdr(p, MBL_RTCP_XR_BT_SSUM, flags, MBL_RTCP_XR_SSUM_LEN);
	mbl_put_be32(p + 4, s->ssrc);
	mbl_put_be16(p + 8, s->begin_seq);
	mbl_put_be16(p + 10, s->end_seq);
	if (s->has_lost)
		mbl_put_be32(p + 12, s->lost);
	if (s->has_dup)
		mbl_put_be32(p + 16, s->dup);
	if (s->has_jitter) {
		mbl_put_be32(p + 20, s->jit_min);
		mbl_put_be32(p + 24, s->jit_max);
		mbl_put_be32(p + 28, s->jit_mean);
		mbl_put_be32(p + 32, s->jit_dev);
	}
}

static void voip_put(uint8_t *p, const struct mbl_rtcp_xr_voip *v)
{
	memset(p, 0, MBL_RTCP_XR_VOIP_LEN);
	xr_block_hdr(p, MBL_RTCP_XR_BT_VOIP, 0, MBL_RTCP_XR_VOIP_LEN);
	mbl_put_be32(p + 4, v->ssrc);
	p[8] = v->loss_rate;
	p[9] = v->discard_rate;
	p[10] = v->burst_density;
	p[11] = v->gap_density;
	mbl_put_be16(p + 12, v->burst_ms);
	mbl_put_be16(p + 14, v->gap_ms);
	mbl_put_be16(p + 16, v->rtt_ms);
	mbl_put_be16(p + 18, v->end_delay_ms);
	p[20] = (uint8_t)v->signal_dbm;
	p[21] = (uint8_t)v->noise_dbm;
	p[22] = v->rerl;
	p[23] = v->gmin;
	p[24] = v->r_factor;
	p[25] = v->ext_r_factor;
	p[26] = v->mos_lq;
	p[27] = v->mos_cq;
	p[28] = v->rx_config;
	mbl_put_be16(p + 30, v->jb_nominal_ms);
	mbl_put_be16(p + 32, v->jb_max_ms);
	mbl_put_be16(p + 34, v->jb_abs_max_ms);
}

unsigned mbl_rtcp_xr_put(uint8_t *p, uint32_t sender, const struct mbl_rtcp_xr_ssum *ss,
			 const struct mbl_rtcp_xr_voip *vm)
{
	unsigned len = MBL_RTCP_XR_HDR_LEN;

	if (ss != NULL) {
		ssum_put(p + len, ss);
		len += MBL_RTCP_XR_SSUM_LEN;
	}
	if (vm != NULL) {
		voip_put(p + len, vm);
		len += MBL_RTCP_XR_VOIP_LEN;
	}
	rtcp_hdr(p, 0, MBL_RTCP_XR, len);
	mbl_put_be32(p + 4, sender);
	return len;
}

static void ssum_get(const uint8_t *b, struct mbl_rtcp_xr_ssum *s)
{
	s->ssrc = mbl_get_be32(b + 4);
	s->has_lost = b[1] & 0x80;
	s->has_dup = b[1] & 0x40;
	s->has_jitter = b[1] & 0x20;
	s->begin_seq = mbl_get_be16(b + 8);
	s->end_seq = mbl_get_be16(b + 10);
	s->lost = s->has_lost ? mbl_get_be32(b + 12) : 0;
	s->dup = s->has_dup ? mbl_get_be32(b + 16) : 0;
	s->jit_min = s->has_jitter ? mbl_get_be32(b + 20) : 0;
	s->jit_max = s->has_jitter ? mbl_get_be32(b + 24) : 0;
	s->jit_mean = s->has_jitter ? mbl_get_be32(b + 28) : 0;
	s->jit_dev = s->has_jitter ? mbl_get_be32(b + 32) : 0;
}

static void voip_get(const uint8_t *b, struct mbl_rtcp_xr_voip *v)
{
	v->ssrc = mbl_get_be32(b + 4);
	v->loss_rate = b[8];
	v->discard_rate = b[9];
	v->burst_density = b[10];
	v->gap_density = b[11];
	v->burst_ms = mbl_get_be16(b + 12);
	v->gap_ms = mbl_get_be16(b + 14);
	v->rtt_ms = mbl_get_be16(b + 16);
	v->end_delay_ms = mbl_get_be16(b + 18);
	v->signal_dbm = (int8_t)b[20];
	v->noise_dbm = (int8_t)b[21];
	v->rerl = b[22];
	v->gmin = b[23];
	v->r_factor = b[24];
	v->ext_r_factor = b[25];
	v->mos_lq = b[26];
	v->mos_cq = b[27];
	v->rx_config = b[28];
	v->jb_nominal_ms = mbl_get_be16(b + 30);
	v->jb_max_ms = mbl_get_be16(b + 32);
	v->jb_abs_max_ms = mbl_get_be16(b + 34);
}

int mbl_rtcp_xr_parse(const uint8_t *q, uint32_t len, uint32_t about,
		      struct mbl_rtcp_xr_view *v)
{
	memset(v, 0, sizeof(*v));
	if (len < MBL_RTCP_XR_HDR_LEN)
		return -1;
	/* padding (last packet only, checked by the walk) is not a block */
	if (q[0] & 0x20)
		len -= q[len - 1];
	for (uint32_t off = MBL_RTCP_XR_HDR_LEN; off < len;) {
		const uint8_t *b = q + off;
		uint32_t blen;

		if (len - off < 4)
			return -1;
		blen = 4u * (mbl_get_be16(b + 2) + 1u);
		if (blen > len - off)
			return -1;
		v->blocks++;
		if (b[0] == MBL_RTCP_XR_BT_SSUM && blen >= MBL_RTCP_XR_SSUM_LEN &&
		    mbl_get_be32(b + 4) == about) {
			ssum_get(b, &v->ssum);
			v->has_ssum = true;
		} else if (b[0] == MBL_RTCP_XR_BT_VOIP && blen >= MBL_RTCP_XR_VOIP_LEN &&
			   mbl_get_be32(b + 4) == about) {
			voip_get(b, &v->voip);
			v->has_voip = true;
		} else {
			v->other++;
		}
		off += blen;
	}
	return 0;
}

static void gap_add(struct mbl_rtcp_burst *b, uint32_t n, uint32_t lost)
{
	if (n == 0)
		return;
	if (!b->gap_open) {
		b->gaps++;
		b->gap_open = true;
	}
	b->gap_pkts += n;
	b->gap_lost += lost;
}

/* The loss run ends: two losses or more were a burst, one alone was an
 * isolated loss inside the gap. */
static void run_close(struct mbl_rtcp_burst *b)
{
	if (b->run_lost >= 2) {
		b->bursts++;
		b->burst_pkts += b->run_lost + b->run_rcv;
		b->burst_lost += b->run_lost;
		b->gap_open = false;
	} else if (b->run_lost == 1) {
		gap_add(b, 1, 1);
	}
	b->run_lost = b->run_rcv = 0;
}

void mbl_rtcp_burst_packet(struct mbl_rtcp_burst *b, bool lost, unsigned gmin)
{
	if (!lost) {
		b->pkt++;
		return;
	}
	if (b->run_lost > 0 && b->pkt < gmin) {
		b->run_lost++;
		b->run_rcv += b->pkt;
	} else {
		run_close(b);
		gap_add(b, b->pkt, 0);
		b->run_lost = 1;
	}
	b->pkt = 0;
}

void mbl_rtcp_burst_lost(struct mbl_rtcp_burst *b, uint32_t n, unsigned gmin)
{
	if (n == 0)
		return;
	mbl_rtcp_burst_packet(b, true, gmin);
	/* every further loss comes after 0 received: it joins this run */
	b->run_lost += n - 1;
}

static uint16_t ms16(double ms)
{
	return ms <= 0 ? 0 : ms >= 65535 ? 65535 : (uint16_t)lrint(ms);
}

static uint8_t dens(uint32_t lost, uint32_t pkts)
{
	double v = pkts ? 256.0 * lost / pkts : 0;

	return v >= 255 ? 255 : (uint8_t)lrint(v);
}

void mbl_rtcp_burst_metrics(const struct mbl_rtcp_burst *b, unsigned gmin, double ms_per_pkt,
			    struct mbl_rtcp_xr_voip *out)
{
	struct mbl_rtcp_burst f = *b;

	/* the run in progress: received packets after a burst that are still
	 * fewer than gmin may yet be inside it */
	if (f.run_lost >= 2 && f.pkt < gmin) {
		f.run_rcv += f.pkt;
		f.pkt = 0;
	}
	run_close(&f);
	gap_add(&f, f.pkt, 0);
	out->burst_density = dens(f.burst_lost, f.burst_pkts);
	out->gap_density = dens(f.gap_lost, f.gap_pkts);
	out->burst_ms = f.bursts ? ms16((double)f.burst_pkts * ms_per_pkt / f.bursts) : 0;
	out->gap_ms = f.gaps ? ms16((double)f.gap_pkts * ms_per_pkt / f.gaps) : 0;
}
