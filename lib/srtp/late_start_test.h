/* SPDX-License-Identifier: BSD-3-Clause
 * The late-start retry of an inbound context (mbl_srtp.h), the same for
 * every engine: included by libsrtp_test.c and cdev_test.c, which pass
 * their engine. Byte-buffer API, any-SSRC and known-SSRC receivers.
 */
#ifndef MBL_SRTP_LATE_START_TEST_H
#define MBL_SRTP_LATE_START_TEST_H

#define LATE_SSRC 0x5a5a0001u
#define LATE_PLEN 40

static uint32_t late_rtp(uint8_t *b, uint16_t seq, uint32_t ssrc)
{
	memset(b, 0, 12);
	b[0] = 0x80;
	b[2] = seq >> 8;
	b[3] = seq & 0xff;
	b[8] = ssrc >> 24;
	b[9] = (ssrc >> 16) & 0xff;
	b[10] = (ssrc >> 8) & 0xff;
	b[11] = ssrc & 0xff;
	for (int i = 0; i < LATE_PLEN; i++)
		b[12 + i] = (uint8_t)(seq + i);
	return 12 + LATE_PLEN;
}

static struct mbl_srtp_ctx *late_ctx(enum mbl_srtp_engine e, const struct mbl_srtp_key *k,
				     uint32_t ssrc, bool out)
{
	char err[200];
	struct mbl_srtp_ctx *c = mbl_srtp_ctx_create(e, k, ssrc, out, err, sizeof(err));

	if (c == NULL)
		fail_msg("engine %d: %s", (int)e, err);
	return c;
}

/* tx protects SEQ first .. first + n - 1 (mod 2^16, its index runs on);
 * the first skip never reach rx; every other one must authenticate and
 * come out as sent. */
static void late_feed(struct mbl_srtp_ctx *tx, struct mbl_srtp_ctx *rx, uint32_t first,
		      uint32_t n, uint32_t skip)
{
	uint8_t b[256], want[256];
	uint32_t len;

	for (uint32_t i = 0; i < n; i++) {
		len = late_rtp(b, (uint16_t)(first + i), LATE_SSRC);
		memcpy(want, b, len);
		assert_int_equal(mbl_srtp_protect(tx, b, &len, sizeof(b)), 0);
		if (i < skip)
			continue;
		assert_int_equal(mbl_srtp_unprotect(rx, b, &len), 0);
		assert_int_equal(len, 12 + LATE_PLEN);
		assert_memory_equal(b, want, len);
		assert_true(mbl_srtp_ctx_rx_started(rx));
	}
}

/* A packet of LATE_SSRC with SEQ seq and a tag that cannot verify */
static int late_forged(struct mbl_srtp_ctx *rx, uint16_t seq, enum mbl_srtp_suite su)
{
	uint8_t b[256];
	uint32_t len = late_rtp(b, seq, LATE_SSRC);

	memset(b + len, 0xa5, 16);
	len += mbl_srtp_suite_get(su)->srtp_tag_len;
	return mbl_srtp_unprotect(rx, b, &len);
}

static void late_start_cases(enum mbl_srtp_engine e, uint32_t rx_ssrc)
{
	enum mbl_srtp_suite suites[] = { MBL_SRTP_AES_CM_128_HMAC_SHA1_80,
					 MBL_SRTP_AEAD_AES_128_GCM };
	struct mbl_srtp_ctx *tx, *rx;
	struct mbl_srtp_key k;

	for (size_t s = 0; s < sizeof(suites) / sizeof(suites[0]); s++) {
		assert_int_equal(mbl_srtp_key_random(&k, suites[s]), 0);

		/* a relay dropped 65530 .. 65535 and starts at 0 with ROC 1:
		 * nothing lost, the stream runs from ROC 1 and on through its
		 * next wrap */
		tx = late_ctx(e, &k, LATE_SSRC, true);
		rx = late_ctx(e, &k, rx_ssrc, false);
		assert_false(mbl_srtp_ctx_rx_started(rx));
		late_feed(tx, rx, 65530, 300, 6);
		assert_int_equal(mbl_srtp_ctx_first_roc(rx), 1);
		late_feed(tx, rx, 65530 + 300, 65536, 0);
		mbl_srtp_ctx_free(tx);
		mbl_srtp_ctx_free(rx);

		/* an ordinary start, ROC 0 */
		tx = late_ctx(e, &k, LATE_SSRC, true);
		rx = late_ctx(e, &k, rx_ssrc, false);
		late_feed(tx, rx, 1000, 100, 0);
		assert_int_equal(mbl_srtp_ctx_first_roc(rx), 0);
		mbl_srtp_ctx_free(tx);
		mbl_srtp_ctx_free(rx);

		/* forged packets before the start (small SEQ: both tries fail)
		 * cost the genuine ROC 0 stream nothing; after the start a
		 * failure is just a failure */
		tx = late_ctx(e, &k, LATE_SSRC, true);
		rx = late_ctx(e, &k, rx_ssrc, false);
		for (uint16_t i = 0; i < 5; i++)
			assert_int_equal(late_forged(rx, (uint16_t)(3 + i), suites[s]), -EBADMSG);
		assert_false(mbl_srtp_ctx_rx_started(rx));
		late_feed(tx, rx, 7, 50, 0);
		assert_int_equal(mbl_srtp_ctx_first_roc(rx), 0);
		assert_int_equal(late_forged(rx, 60, suites[s]), -EBADMSG);
		late_feed(tx, rx, 57, 20, 0);
		assert_int_equal(mbl_srtp_ctx_first_roc(rx), 0);
		mbl_srtp_ctx_free(tx);
		mbl_srtp_ctx_free(rx);

		/* a first SEQ far from a wrap is never tried at ROC 1: a sender
		 * really at ROC 1 there is not a late start (it fails) */
		tx = late_ctx(e, &k, LATE_SSRC, true);
		rx = late_ctx(e, &k, rx_ssrc, false);
		{
			uint8_t b[256];
			uint32_t len;

			for (uint32_t i = 65530; i < 65536 + MBL_SRTP_LATE_SEQ_MAX + 2; i++) {
				len = late_rtp(b, (uint16_t)i, LATE_SSRC);
				assert_int_equal(mbl_srtp_protect(tx, b, &len, sizeof(b)), 0);
			}
			assert_int_equal(mbl_srtp_unprotect(rx, b, &len), -EBADMSG);
		}
		mbl_srtp_ctx_free(tx);
		mbl_srtp_ctx_free(rx);
	}
}

#endif
