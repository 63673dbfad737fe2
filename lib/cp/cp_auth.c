/* SPDX-License-Identifier: BSD-3-Clause
 * A UAS that challenges (sip.auth_realm): every INVITE and REGISTER
 * without good credentials is answered 401 with one WWW-Authenticate per
 * configured algorithm, preferred first (RFC 8760 2.4: SHA-256 then MD5 by
 * default); right credentials on an old nonce get 401 stale=true (RFC 7616
 * 3.3), wrong ones 403 (RFC 3261 22.2 leaves the choice; 403 tells a load
 * test's operator at once that the password is wrong, where a second 401
 * would only loop). Nonces are the stateless ones of sip_auth_server.c.
 *
 * Passwords: sip.auth_user / sip.auth_password, or, with sip.inject_file,
 * the row whose auth_user template gives the claimed user name (rows are
 * scanned in order: fine for the thousands of users a UAS test has).
 * Passwords never reach logs or the report. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp_priv.h"

static const char *password(void *arg, const char *user)
{
	struct mbl_cp *cp = arg;
	char u[128];
	size_t rows;

	if (cp->csv == NULL)
		return strcmp(user, cp->conf.auth_user) == 0 ? cp->conf.auth_password : NULL;
	rows = mbl_sip_csv_rows(cp->csv);
	for (size_t r = 0; r < rows; r++) {
		if (mbl_sip_csv_subst(cp->csv, r, cp->conf.auth_user, u, sizeof(u)) < 0 ||
		    strcmp(u, user) != 0)
			continue;
		if (mbl_sip_csv_subst(cp->csv, r, cp->conf.auth_password, cp->auth_pw,
				      sizeof(cp->auth_pw)) < 0)
			return NULL;
		return cp->auth_pw;
	}
	return NULL;
}

int cp_auth_init(struct mbl_cp *cp, char *err, size_t errlen)
{
	int rc;

	if (cp->conf.uac || cp->conf.auth_realm[0] == '\0')
		return 0;
	cp->auth = calloc(1, sizeof(*cp->auth));
	if (cp->auth == NULL) {
		snprintf(err, errlen, "out of memory for digest authentication");
		return -ENOMEM;
	}
	rc = mbl_sip_auth_server_init(cp->auth, cp->conf.auth_realm, cp->conf.auth_nonce_ttl_s,
				      password, cp);
	if (rc < 0)
		snprintf(err, errlen, "sip.auth_realm: cannot set up digest challenges (%s)",
			 strerror(-rc));
	return rc;
}

void cp_auth_free(struct mbl_cp *cp)
{
	if (cp->auth != NULL) {
		explicit_bzero(cp->auth, sizeof(*cp->auth));
		free(cp->auth);
		cp->auth = NULL;
	}
	explicit_bzero(cp->auth_pw, sizeof(cp->auth_pw));
}

/* "WWW-Authenticate: <challenge>" per algorithm, CRLF between them. */
static int challenges(const struct mbl_cp *cp, bool stale, char *out, size_t len)
{
	size_t n = 0;

	for (unsigned i = 0; i < cp->conf.n_auth_algs; i++) {
		int k = snprintf(out + n, len - n, "%sWWW-Authenticate: ", i ? "\r\n" : "");

		if (k < 0 || (size_t)k >= len - n)
			return -ENOSPC;
		n += (size_t)k;
		k = mbl_sip_auth_challenge_make(cp->auth, cp->conf.auth_algs[i], stale, out + n,
						len - n);
		if (k < 0)
			return k;
		n += (size_t)k;
	}
	return (int)n;
}

/* 0: let it through; 401 (fresh or stale challenge); 403. */
static int verdict(struct mbl_cp *cp, const char *authz, const char *method, char *hdr,
		   size_t len)
{
	char user[128], err[160];
	int rc;

	if (authz == NULL) {
		cp->st.auth_challenged++;
		return challenges(cp, false, hdr, len) < 0 ? 500 : 401;
	}
	rc = mbl_sip_auth_verify(cp->auth, authz, method, user, sizeof(user), err, sizeof(err));
	explicit_bzero(cp->auth_pw, sizeof(cp->auth_pw));
	if (rc == 0) {
		cp->st.auth_accepted++;
		return 0;
	}
	if (rc == -ESTALE) {
		cp->st.auth_challenged++;
		cp->st.auth_stale++;
		return challenges(cp, true, hdr, len) < 0 ? 500 : 401;
	}
	cp->st.auth_refused++;
	MBL_LOG_RL(MBL_LOG_WARN, "sip: %s from user \"%.64s\" refused (403): %s", method, user,
		   err);
	return 403;
}

int cp_auth_invite(struct mbl_cp *cp, const struct mbl_sip_ev *ev, uint64_t now)
{
	char hdr[2048];
	int st;

	if (cp->auth == NULL)
		return 0;
	st = verdict(cp, ev->authorization, "INVITE", hdr, sizeof(hdr));
	if (st == 0)
		return 0;
	mbl_sip_call_respond(ev->call, st, NULL, st == 401 ? hdr : NULL, now);
	if (st == 403) { /* an attempt that failed; a 401 is the first half of one */
		cp->st.attempted++;
		cp->st.failed++;
		cp->st.by_status[403]++;
		cp_count_reason(cp, "digest credentials refused (403)");
	}
	return 1;
}

void cp_auth_register(struct mbl_cp *cp, struct mbl_sip_ev *ev)
{
	/* the UA reads reply_hdr after the callback returned: cp keeps it */
	int st = cp->auth != NULL ? verdict(cp, ev->authorization, "REGISTER", cp->reg_hdr,
					    sizeof(cp->reg_hdr)) : 0;

	cp->st.register_received++;
	ev->reply_status = st == 0 ? 200 : st;
	ev->reply_hdr = st == 401 ? cp->reg_hdr : NULL;
	cp->st.register_ok += st == 0;
}
