/* SPDX-License-Identifier: BSD-3-Clause
 * The SRTP key log (run.key_log): the one place key material leaves the
 * process, and only when the user asked for it. One line per stream and
 * direction:
 *   SRTP <tx|rx> <local ip:port> <remote ip:port> <ssrc hex|any> <a=crypto value>
 * The file is created 0600 and never appended to by anything else. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "app.h"

static int line(FILE *f, const char *dir, const struct mbl_dp_stream_view *v, uint32_t ssrc,
		bool any, const struct mbl_srtp_key *k)
{
	struct mbl_srtp_crypto_attr a = {.tag = -1, .key = *k};
	char val[MBL_CONFIG_CRYPTO_LEN];
	int rc = mbl_srtp_sdes_format(&a, val, sizeof(val));

	if (rc < 0)
		return rc;
	if (any)
		fprintf(f, "SRTP %s %s %s any %s\n", dir, v->local, v->remote, val);
	else
		fprintf(f, "SRTP %s %s %s %08x %s\n", dir, v->local, v->remote, ssrc, val);
	explicit_bzero(val, sizeof(val));
	return 0;
}

FILE *app_key_log_open(struct app *a)
{
	int fd = open(a->cfg.run.key_log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w");

	if (f == NULL) {
		fprintf(stderr, "mediablast: run.key_log: cannot write %s: %s\n", a->cfg.run.key_log,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	mbl_log(MBL_LOG_WARN, "SRTP keys will be written to %s (run.key_log)", a->cfg.run.key_log);
	return f;
}

int app_key_log(struct app *a)
{
	const struct mbl_dp_conf *c = &a->dpc;
	struct mbl_dp_stream_view v;
	int rc = 0;
	FILE *f;

	if (a->cfg.run.key_log[0] == '\0' || (!c->srtp_tx && !c->srtp_rx))
		return 0;
	f = app_key_log_open(a);
	if (f == NULL)
		return -errno;
	for (uint32_t i = 0; rc == 0 && mbl_dp_stream_view(a->dp, i, &v) == 0; i++) {
		if (c->srtp_tx)
			rc = line(f, "tx", &v, v.ssrc, false, &c->tx_key);
		if (rc == 0 && c->srtp_rx)
			rc = line(f, "rx", &v, 0, true, &c->rx_key);
	}
	if (fclose(f) != 0 && rc == 0)
		rc = -EIO;
	if (rc < 0)
		fprintf(stderr, "mediablast: run.key_log: could not write every key to %s\n",
			a->cfg.run.key_log);
	return rc;
}
