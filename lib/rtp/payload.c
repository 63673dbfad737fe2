/* SPDX-License-Identifier: BSD-3-Clause
 * Precomputed payload sources: tone and file. Control plane only; the
 * result is read-only for the data plane.
 */
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mbl_common.h"
#include "mbl_rtp.h"
#include "rtp_g722.h"

/* RFC 1071 partial sum as described beside struct mbl_payload: native
 * 16-bit loads (memcpy: frames need not be aligned), trailing byte padded
 * with zero in memory order. 32 bits hold 65535 / 2 words of 0xffff. */
static uint32_t raw_sum(const uint8_t *p, uint32_t len)
{
	uint32_t sum = 0;
	uint16_t w;

	for (; len >= 2; p += 2, len -= 2) {
		memcpy(&w, p, 2);
		sum += w;
	}
	if (len) {
		uint8_t last[2] = {p[0], 0};
		memcpy(&w, last, 2);
		sum += w;
	}
	return sum;
}

void mbl_payload_free(struct mbl_payload *pl)
{
	free(pl->data);
	free(pl->off);
	free(pl->len);
	free(pl->sum);
	memset(pl, 0, sizeof(*pl));
}

static int payload_alloc(struct mbl_payload *pl, const struct mbl_codec *c,
			 unsigned ptime_ms, uint32_t n_frames, size_t bytes)
{
	memset(pl, 0, sizeof(*pl));
	pl->data = malloc(bytes ? bytes : 1);
	pl->off = calloc(n_frames, sizeof(*pl->off));
	pl->len = calloc(n_frames, sizeof(*pl->len));
	pl->sum = calloc(n_frames, sizeof(*pl->sum));
	if (!pl->data || !pl->off || !pl->len || !pl->sum) {
		mbl_payload_free(pl);
		return -ENOMEM;
	}
	pl->n_frames = n_frames;
	pl->ptime_ms = (uint16_t)ptime_ms;
	pl->ts_step = mbl_codec_ts_step(c, ptime_ms);
	pl->codec = c;
	return 0;
}

/* Record frame i of flen bytes at off (data already in place). */
static void payload_set(struct mbl_payload *pl, uint32_t i, uint32_t off,
			uint16_t flen)
{
	pl->off[i] = off;
	pl->len[i] = flen;
	pl->sum[i] = raw_sum(pl->data + off, flen);
	if (flen > pl->max_len)
		pl->max_len = flen;
}

static unsigned gcd(unsigned a, unsigned b)
{
	while (b) {
		unsigned t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* Frames and whole periods in the loop: the exact answer when it fits in
 * MBL_PAYLOAD_TONE_MAX_FRAMES, else the longest loop up to 1 s with the
 * period count rounded. */
static void tone_loop(unsigned ptime_ms, unsigned freq_hz, uint32_t *frames,
		      uint32_t *periods)
{
	/* n frames hold n * ptime * f / 1000 periods: need 1000 | n*ptime*f */
	unsigned long pf = (unsigned long)ptime_ms * freq_hz;
	uint32_t n = (uint32_t)(1000 / gcd((unsigned)(pf % 1000), 1000));

	if (n <= MBL_PAYLOAD_TONE_MAX_FRAMES) {
		*frames = n;
		*periods = (uint32_t)(pf * n / 1000);
		return;
	}
	n = MBL_MIN(1000 / ptime_ms, MBL_PAYLOAD_TONE_MAX_FRAMES);
	*frames = n;
	*periods = (uint32_t)lround((double)pf * n / 1000.0);
	if (*periods == 0)
		*periods = 1;
}

static void tone_pcm(int16_t *pcm, uint32_t n, uint32_t periods, double amp)
{
	for (uint32_t k = 0; k < n; k++) {
		/* phase from k * periods mod n keeps it exact over the loop */
		uint64_t ph = (uint64_t)k * periods % n;
		pcm[k] = (int16_t)lrint(amp * sin(2 * M_PI * (double)ph / n));
	}
}

/* Encode the looped pcm. G.722 first runs the loop for about a second so
 * the ADPCM and QMF state at the loop start is the steady state the
 * wrap-around presents; a decoder joining at frame 0 then converges like
 * one joining any stream mid-way. */
static void tone_encode(const struct mbl_codec *c, const int16_t *pcm,
			uint32_t n, uint8_t *out)
{
	struct mbl_codec_g722 g;

	switch (c->id) {
	case MBL_CODEC_PCMU:
		for (uint32_t k = 0; k < n; k++)
			out[k] = mbl_codec_ulaw_enc(pcm[k]);
		break;
	case MBL_CODEC_PCMA:
		for (uint32_t k = 0; k < n; k++)
			out[k] = mbl_codec_alaw_enc(pcm[k]);
		break;
	default:
		mbl_codec_g722_init(&g);
		for (uint32_t done = 0; done < c->sample_rate; done += n)
			mbl_codec_g722_encode(&g, pcm, n, out);
		mbl_codec_g722_encode(&g, pcm, n, out);
		break;
	}
}

int mbl_payload_tone(struct mbl_payload *pl, const struct mbl_codec *c,
		     unsigned ptime_ms, unsigned freq_hz, int level_dbm0)
{
	if (c == NULL || (c->id != MBL_CODEC_PCMU && c->id != MBL_CODEC_PCMA &&
			  c->id != MBL_CODEC_G722))
		return -EINVAL;
	if (!mbl_codec_ptime_ok(c, ptime_ms) || freq_hz == 0 ||
	    freq_hz >= c->sample_rate / 2 || level_dbm0 < -60 ||
	    level_dbm0 > 3)
		return -EINVAL;

	uint32_t frames, periods;
	tone_loop(ptime_ms, freq_hz, &frames, &periods);
	if (c->id == MBL_CODEC_G722) {
		/* ADPCM state is not periodic: each wrap costs a little
		 * mismatch, so wrap as rarely as the cap allows */
		uint32_t k = MBL_PAYLOAD_TONE_MAX_FRAMES / frames;
		frames *= k ? k : 1;
		periods *= k ? k : 1;
	}
	uint32_t spf = c->sample_rate / 1000 * ptime_ms; /* samples/frame */
	uint32_t flen = c->bytes_per_10ms * ptime_ms / 10;
	uint32_t n = frames * spf;
	int16_t *pcm = malloc(n * sizeof(*pcm));
	if (pcm == NULL)
		return -ENOMEM;
	int rc = payload_alloc(pl, c, ptime_ms, frames, (size_t)frames * flen);
	if (rc) {
		free(pcm);
		return rc;
	}
	/* G.711: full scale (the peak of the 14/13-bit range) is +3.17 dBm0 */
	tone_pcm(pcm, n, periods, 32767.0 * pow(10, (level_dbm0 - 3.17) / 20));
	tone_encode(c, pcm, n, pl->data);
	free(pcm);
	for (uint32_t i = 0; i < frames; i++)
		payload_set(pl, i, i * flen, (uint16_t)flen);
	pl->tone_milli_hz = (uint32_t)((uint64_t)periods * 1000000 /
				       ((uint64_t)frames * ptime_ms));
	return 0;
}

static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* Read the whole file into *buf (malloc'd). */
static int slurp(const char *path, uint8_t **buf, size_t *size, char *err,
		 size_t errlen)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(err, errlen, -errno, "%s: %s", path,
			    strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > MBL_PAYLOAD_MAX_FILE) {
		close(fd);
		return fail(err, errlen, -EINVAL,
			    "%s: not a regular file of at most %u bytes",
			    path, MBL_PAYLOAD_MAX_FILE);
	}
	*size = (size_t)st.st_size;
	*buf = malloc(*size ? *size : 1);
	if (*buf == NULL) {
		close(fd);
		return fail(err, errlen, -ENOMEM, "%s: out of memory", path);
	}
	size_t got = 0;
	while (got < *size) {
		ssize_t r = read(fd, *buf + got, *size - got);
		if (r <= 0) {
			int e = r < 0 ? errno : EIO;
			close(fd);
			free(*buf);
			return fail(err, errlen, -e, "%s: read: %s", path,
				    strerror(e));
		}
		got += (size_t)r;
	}
	close(fd);
	return 0;
}

static int file_cbr(struct mbl_payload *pl, const struct mbl_codec *c,
		    unsigned ptime_ms, const uint8_t *buf, size_t size,
		    const char *path, char *err, size_t errlen)
{
	uint32_t flen = c->bytes_per_10ms * ptime_ms / 10;
	uint32_t frames = (uint32_t)(size / flen);
	if (frames == 0)
		return fail(err, errlen, -EINVAL,
			    "%s: %zu bytes, less than one %u-byte %s frame",
			    path, size, flen, c->name);
	int rc = payload_alloc(pl, c, ptime_ms, frames, (size_t)frames * flen);
	if (rc)
		return fail(err, errlen, rc, "%s: out of memory", path);
	memcpy(pl->data, buf, (size_t)frames * flen);
	for (uint32_t i = 0; i < frames; i++)
		payload_set(pl, i, i * flen, (uint16_t)flen);
	return 0;
}

/* Length-prefixed records: count and check them first, then copy. */
static int file_records(struct mbl_payload *pl, const struct mbl_codec *c,
			unsigned ptime_ms, const uint8_t *buf, size_t size,
			const char *path, char *err, size_t errlen)
{
	uint32_t frames = 0;
	size_t pos = 0;

	while (pos < size) {
		if (size - pos < 2)
			return fail(err, errlen, -EINVAL,
				    "%s: truncated length at offset %zu", path,
				    pos);
		size_t n = (size_t)buf[pos] << 8 | buf[pos + 1];
		if (n == 0 || n > MBL_PAYLOAD_MAX_FRAME || n > size - pos - 2)
			return fail(err, errlen, -EINVAL,
				    "%s: bad frame length %zu at offset %zu",
				    path, n, pos);
		pos += 2 + n;
		frames++;
	}
	if (frames == 0)
		return fail(err, errlen, -EINVAL, "%s: empty file", path);
	int rc = payload_alloc(pl, c, ptime_ms, frames, size - 2 * frames);
	if (rc)
		return fail(err, errlen, rc, "%s: out of memory", path);
	uint32_t off = 0;
	pos = 0;
	for (uint32_t i = 0; i < frames; i++) {
		uint16_t n = (uint16_t)(buf[pos] << 8 | buf[pos + 1]);
		memcpy(pl->data + off, buf + pos + 2, n);
		payload_set(pl, i, off, n);
		off += n;
		pos += 2u + n;
	}
	return 0;
}

int mbl_payload_file(struct mbl_payload *pl, const struct mbl_codec *c,
		     unsigned ptime_ms, const char *path, char *err,
		     size_t errlen)
{
	uint8_t *buf = NULL;
	size_t size = 0;

	if (c == NULL || path == NULL || !mbl_codec_ptime_ok(c, ptime_ms))
		return fail(err, errlen, -EINVAL, "%s: bad codec or ptime",
			    path ? path : "(null)");
	int rc = slurp(path, &buf, &size, err, errlen);
	if (rc)
		return rc;
	if (size == 0)
		rc = fail(err, errlen, -EINVAL, "%s: empty file", path);
	else if (c->bytes_per_10ms)
		rc = file_cbr(pl, c, ptime_ms, buf, size, path, err, errlen);
	else
		rc = file_records(pl, c, ptime_ms, buf, size, path, err,
				  errlen);
	free(buf);
	return rc;
}
