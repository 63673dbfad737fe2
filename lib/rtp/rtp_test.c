/* SPDX-License-Identifier: BSD-3-Clause
 * Tests: RTP parsing, demux, DTMF sequence, probe payload.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "mbl_rtp.h"

/* Exact-size heap copy so ASan flags any read past len. */
static uint8_t *dup_exact(const uint8_t *p, uint32_t len)
{
	uint8_t *q = malloc(len ? len : 1);
	assert_non_null(q);
	memcpy(q, p, len);
	return q;
}

static int parse_exact(const uint8_t *p, uint32_t len, struct mbl_rtp_info *ri)
{
	uint8_t *q = dup_exact(p, len);
	int rc = mbl_rtp_parse(q, len, ri);
	free(q);
	return rc;
}

static void test_write_parse(void **state)
{
	(void)state;
	uint8_t p[12 + 160];
	struct mbl_rtp_info ri;
	static const uint8_t golden[12] = {0x80, 0x80 | 8, 0xbe, 0xef, 0x12,
					   0x34, 0x56, 0x78, 0xca, 0xfe,
					   0xba, 0xbe};

	memset(p, 0xaa, sizeof(p));
	mbl_rtp_write_hdr(p, 8, true, 0xbeef, 0x12345678, 0xcafebabe);
	assert_memory_equal(p, golden, 12);
	assert_int_equal(mbl_rtp_parse(p, sizeof(p), &ri), 0);
	assert_int_equal(ri.pt, 8);
	assert_true(ri.marker);
	assert_int_equal(ri.seq, 0xbeef);
	assert_int_equal(ri.ts, 0x12345678);
	assert_int_equal(ri.ssrc, 0xcafebabe);
	assert_int_equal(ri.cc, 0);
	assert_int_equal(ri.hdr_len, 12);
	assert_int_equal(ri.payload_off, 12);
	assert_int_equal(ri.payload_len, 160);
	assert_false(ri.has_ext);

	mbl_rtp_write_hdr(p, 0xff, false, 0, 0, 0); /* pt masked to 7 bits */
	assert_int_equal(p[1], 0x7f);
	assert_int_equal(mbl_rtp_parse(p, 12, &ri), 0);
	assert_false(ri.marker);
	assert_int_equal(ri.payload_len, 0);
}

/* V=2 P=1 X=1 CC=2, 2 CSRCs, extension of 1 word, 5 payload, 3 padding */
static const uint8_t full_pkt[] = {
	0xb2, 0x60, 0x00, 0x01, 0, 0, 0, 2, 0, 0, 0, 3,
	0, 0, 0, 4, 0, 0, 0, 5,             /* CSRCs */
	0xbe, 0xde, 0x00, 0x01, 1, 2, 3, 4, /* RFC 8285 one-byte profile */
	'h', 'e', 'l', 'l', 'o',
	0, 0, 3,                            /* padding */
};

static void test_parse_full(void **state)
{
	(void)state;
	struct mbl_rtp_info ri;

	assert_int_equal(parse_exact(full_pkt, sizeof(full_pkt), &ri), 0);
	assert_int_equal(ri.cc, 2);
	assert_int_equal(ri.pt, 96);
	assert_true(ri.has_ext);
	assert_int_equal(ri.ext_profile, 0xbede);
	assert_int_equal(ri.hdr_len, 12 + 8 + 8);
	assert_int_equal(ri.payload_off, 28);
	assert_int_equal(ri.pad_len, 3);
	assert_int_equal(ri.payload_len, 5);
	assert_memory_equal(full_pkt + ri.payload_off, "hello", 5);
}

/* Every truncation of full_pkt must fail (the padding count moves, so
 * which reason depends on the cut) and never read out of bounds. */
static void test_parse_truncations(void **state)
{
	(void)state;
	struct mbl_rtp_info ri;

	for (uint32_t len = 0; len < sizeof(full_pkt); len++) {
		int rc = parse_exact(full_pkt, len, &ri);
		int want = len < 12   ? -MBL_RTP_DROP_short_packet
			   : len < 20 ? -MBL_RTP_DROP_csrc_overrun
			   : len < 28 ? -MBL_RTP_DROP_extension_overrun
				      : -MBL_RTP_DROP_bad_padding;
		/* cuts ending in a byte that happens to be a valid count */
		if (len >= 28 && full_pkt[len - 1] != 0 &&
		    full_pkt[len - 1] <= len - 28)
			want = 0;
		assert_int_equal(rc, want);
	}
}

static void test_drop_reasons(void **state)
{
	(void)state;
	struct mbl_rtp_info ri;
	uint8_t p[40];

	memset(p, 0, sizeof(p));
	mbl_rtp_write_hdr(p, 0, false, 1, 2, 3);
	assert_int_equal(parse_exact(p, 11, &ri), -MBL_RTP_DROP_short_packet);
	for (int v = 0; v < 4; v++) {
		p[0] = (uint8_t)(v << 6);
		assert_int_equal(parse_exact(p, 12, &ri),
				 v == 2 ? 0 : -MBL_RTP_DROP_bad_version);
	}
	assert_int_equal(mbl_rtp_parse(p, 65536, &ri), -MBL_RTP_DROP_too_long);
	p[0] = 0x8f; /* CC=15 needs 72 bytes */
	assert_int_equal(parse_exact(p, 40, &ri), -MBL_RTP_DROP_csrc_overrun);
	p[0] = 0x90; /* X with 16 words of extension */
	p[14] = 0;
	p[15] = 16;
	assert_int_equal(parse_exact(p, 40, &ri),
			 -MBL_RTP_DROP_extension_overrun);
	p[15] = 6; /* 12 + 4 + 24 = 40 exactly: empty payload */
	assert_int_equal(parse_exact(p, 40, &ri), 0);
	assert_int_equal(ri.payload_len, 0);
	p[0] = 0xa0; /* P with count 0 */
	p[39] = 0;
	assert_int_equal(parse_exact(p, 40, &ri), -MBL_RTP_DROP_bad_padding);
	p[39] = 29; /* payload is 28 */
	assert_int_equal(parse_exact(p, 40, &ri), -MBL_RTP_DROP_bad_padding);
	p[39] = 28; /* all padding: allowed */
	assert_int_equal(parse_exact(p, 40, &ri), 0);
	assert_int_equal(ri.payload_len, 0);
	p[0] = 0xb0; /* P and X: padding may not reach into the extension */
	p[39] = 1;
	assert_int_equal(parse_exact(p, 40, &ri), -MBL_RTP_DROP_bad_padding);

	for (int i = 0; i < MBL_RTP_DROP_MAX; i++) {
		assert_non_null(mbl_rtp_drop_names[i]);
		assert_non_null(mbl_rtp_drop_descs[i]);
	}
	assert_string_equal(mbl_rtp_drop_names[MBL_RTP_DROP_bad_padding],
			    "bad_padding");
	assert_int_equal(MBL_RTP_DROP_none, 0);
}

static void test_demux(void **state)
{
	(void)state;
	uint8_t p[2];

	assert_int_equal(mbl_rtp_demux(p, 0), MBL_RTP_DEMUX_unknown);
	for (int b = 0; b < 256; b++) {
		enum mbl_rtp_demux want;
		p[0] = (uint8_t)b;
		p[1] = 0;
		want = b <= 3			? MBL_RTP_DEMUX_stun
		       : b >= 16 && b <= 19	? MBL_RTP_DEMUX_zrtp
		       : b >= 20 && b <= 63	? MBL_RTP_DEMUX_dtls
		       : b >= 64 && b <= 79	? MBL_RTP_DEMUX_turn
		       : b >= 128 && b <= 191 ? MBL_RTP_DEMUX_rtp
					      : MBL_RTP_DEMUX_unknown;
		assert_int_equal(mbl_rtp_demux(p, 2), want);
		if (want == MBL_RTP_DEMUX_rtp) {
			for (int s = 0; s < 256; s++) {
				p[1] = (uint8_t)s;
				assert_int_equal(mbl_rtp_demux(p, 2),
						 s >= 192 && s <= 223
							 ? MBL_RTP_DEMUX_rtcp
							 : MBL_RTP_DEMUX_rtp);
			}
			want = MBL_RTP_DEMUX_unknown; /* one byte: can't tell */
		}
		assert_int_equal(mbl_rtp_demux(p, 1), want);
	}
	assert_string_equal(mbl_rtp_demux_names[MBL_RTP_DEMUX_dtls], "dtls");
}

static void test_dtmf_map(void **state)
{
	(void)state;
	const char *s = "0123456789*#ABCD";

	for (int i = 0; s[i]; i++)
		assert_int_equal(mbl_dtmf_event(s[i]), i);
	assert_int_equal(mbl_dtmf_event('d'), 15);
	assert_int_equal(mbl_dtmf_event('E'), -EINVAL);
	assert_int_equal(mbl_dtmf_event(' '), -EINVAL);

	uint8_t p[4];
	mbl_dtmf_write(p, 11, true, 10, 0x1234);
	assert_int_equal(p[0], 11);
	assert_int_equal(p[1], 0x8a);
	assert_int_equal(p[2], 0x12);
	assert_int_equal(p[3], 0x34);
	mbl_dtmf_write(p, 1, false, 0xff, 0); /* R stays 0 */
	assert_int_equal(p[1], 0x3f);
}

static void test_dtmf_sequence(void **state)
{
	(void)state;
	struct mbl_dtmf_tx t;
	static const uint16_t dur[] = {160, 320, 480, 640, 800, 800, 800};
	uint8_t out[4];
	bool marker;
	uint32_t ts;

	memset(&t, 0, sizeof(t));
	assert_false(mbl_dtmf_active(&t));
	assert_int_equal(mbl_dtmf_next(&t, out, &marker, &ts), 0);
	/* '5', volume 10, 100 ms at 8 kHz, 20 ms ticks */
	assert_int_equal(mbl_dtmf_start(&t, 5, 10, 4000, 800, 160), 0);
	for (unsigned i = 0; i < sizeof(dur) / sizeof(dur[0]); i++) {
		assert_true(mbl_dtmf_active(&t));
		assert_int_equal(mbl_dtmf_next(&t, out, &marker, &ts), 4);
		assert_int_equal(ts, 4000);
		assert_int_equal(marker, i == 0);
		assert_int_equal(out[0], 5);
		assert_int_equal(out[1], (i >= 4 ? 0x80 : 0) | 10);
		assert_int_equal(out[2] << 8 | out[3], dur[i]);
	}
	assert_false(mbl_dtmf_active(&t));
	assert_int_equal(mbl_dtmf_next(&t, out, &marker, &ts), 0);

	/* 50 ms rounds up to 60 ms: 160(M) 320 480(E) x3 */
	assert_int_equal(mbl_dtmf_start(&t, 1, 10, 0, 400, 160), 0);
	int n = 0;
	while (mbl_dtmf_next(&t, out, &marker, &ts))
		n++;
	assert_int_equal(n, 5);
	assert_int_equal(out[2] << 8 | out[3], 480);

	assert_int_equal(mbl_dtmf_start(&t, 1, 64, 0, 800, 160), -EINVAL);
	assert_int_equal(mbl_dtmf_start(&t, 1, 10, 0, 0, 160), -EINVAL);
	assert_int_equal(mbl_dtmf_start(&t, 1, 10, 0, 800, 0), -EINVAL);
	assert_int_equal(mbl_dtmf_start(&t, 1, 10, 0, 70000, 160), -ERANGE);
}

/* RFC 1071 from scratch: big-endian 16-bit words, folded. */
static uint16_t ref_fold_be(const uint8_t *p, uint32_t len)
{
	uint32_t s = 0;
	for (uint32_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static uint16_t fold_native(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return rte_be_to_cpu_16((uint16_t)s);
}

static void test_probe(void **state)
{
	(void)state;
	struct mbl_probe_info pi;

	for (uint32_t len = MBL_PROBE_HDR_LEN; len <= 200; len++) {
		uint8_t *p = malloc(len);
		assert_non_null(p);
		uint32_t sum = mbl_probe_write_sum(p, len, 0xabcd0123,
						   1000 + len, 5555555555ull);
		assert_true(sum <= 0xffff);
		assert_int_equal(fold_native(sum), ref_fold_be(p, len));
		assert_int_equal(mbl_probe_read(p, len, &pi), 0);
		assert_int_equal(pi.stream_id, 0xabcd0123);
		assert_int_equal(pi.seq, 1000 + len);
		assert_int_equal(pi.tx_ns, 5555555555ull);
		/* any single corrupted byte is caught once there is filler */
		for (uint32_t i = 4; len >= 32 && i < len; i++) {
			p[i] ^= 0x01;
			assert_int_equal(mbl_probe_read(p, len, &pi), -EBADMSG);
			p[i] ^= 0x01;
		}
		p[0] = 'X';
		assert_int_equal(mbl_probe_read(p, len, &pi), -ENOMSG);
		free(p);
	}
	uint8_t p[160];
	mbl_probe_write(p, sizeof(p), 7, 1, 2);
	assert_memory_equal(p, "MBLP\0\0\0\x07", 8);
	assert_int_equal(mbl_probe_read(p, 23, &pi), -ENOMSG);
	/* seq is seeding: neighbours differ in the filler */
	uint8_t q[160];
	mbl_probe_write(q, sizeof(q), 7, 2, 2);
	assert_memory_not_equal(p + 24, q + 24, 136);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_parse),
		cmocka_unit_test(test_parse_full),
		cmocka_unit_test(test_parse_truncations),
		cmocka_unit_test(test_drop_reasons),
		cmocka_unit_test(test_demux),
		cmocka_unit_test(test_dtmf_map),
		cmocka_unit_test(test_dtmf_sequence),
		cmocka_unit_test(test_probe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
