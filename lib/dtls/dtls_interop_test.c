/* SPDX-License-Identifier: BSD-3-Clause
 * DTLS-SRTP against another implementation: the openssl command line's
 * s_server and s_client as child processes on 127.0.0.1 UDP, we on the
 * other end through our memory BIO and a socket of the test. The keying
 * material they print (-keymatexport EXTRACTOR-dtls_srtp) must be exactly
 * client key | server key | client salt | server salt of ours (RFC 5764
 * 4.2), for an AES-CM and a GCM profile, with an RSA and an ECDSA peer,
 * and sha-256 / sha-512 fingerprints computed by openssl x509. Also: a
 * client without a certificate fails with NO_CERT on our server, and
 * application data and a close_notify after DONE are ignored.
 * Skipped when /usr/bin/openssl is missing.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "dtls_test_util.h"

#ifndef OPENSSL_BIN /* -DOPENSSL_BIN=\"/nowhere\" shows the skip */
#define OPENSSL_BIN "/usr/bin/openssl"
#endif
#define MS 1000000ULL

/* ---- temp dir with the peer's certificates ------------------------------------------- */

struct certs {
	char dir[64];
	char rsa_c[96], rsa_k[96], ec_c[96], ec_k[96];
};

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd) != 0)
		fail_msg("command failed: %s", cmd);
}

static int certs_setup(void **state)
{
	static struct certs c;

	if (access(OPENSSL_BIN, X_OK) != 0) {
		*state = NULL;
		return 0;
	}
	strcpy(c.dir, "/tmp/mbl_dtls_XXXXXX");
	if (mkdtemp(c.dir) == NULL)
		return -1;
	snprintf(c.rsa_c, sizeof(c.rsa_c), "%s/rsa_c.pem", c.dir);
	snprintf(c.rsa_k, sizeof(c.rsa_k), "%s/rsa_k.pem", c.dir);
	snprintf(c.ec_c, sizeof(c.ec_c), "%s/ec_c.pem", c.dir);
	snprintf(c.ec_k, sizeof(c.ec_k), "%s/ec_k.pem", c.dir);
	sh(OPENSSL_BIN " req -x509 -newkey rsa:2048 -nodes -subj /CN=peer-rsa -days 1 "
		       "-keyout %s -out %s >/dev/null 2>&1", c.rsa_k, c.rsa_c);
	sh(OPENSSL_BIN " req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
		       "-subj /CN=peer-ec -days 1 -keyout %s -out %s >/dev/null 2>&1", c.ec_k, c.ec_c);
	*state = &c;
	return 0;
}

static int certs_teardown(void **state)
{
	struct certs *c = *state;

	if (c == NULL)
		return 0;
	unlink(c->rsa_c);
	unlink(c->rsa_k);
	unlink(c->ec_c);
	unlink(c->ec_k);
	rmdir(c->dir);
	return 0;
}

/* "sha256 Fingerprint=AB:CD:.." from openssl x509, value only. */
static void cli_fingerprint(const char *cert, const char *hash, char *out, size_t len)
{
	char cmd[256], line[512], *eq;
	FILE *f;

	snprintf(cmd, sizeof(cmd), OPENSSL_BIN " x509 -in %s -noout -fingerprint -%s", cert, hash);
	f = popen(cmd, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	pclose(f);
	eq = strchr(line, '=');
	assert_non_null(eq);
	eq[strcspn(eq, "\r\n")] = '\0';
	snprintf(out, len, "%s", eq + 1);
}

/* ---- a child openssl with its stdin and (merged) output on pipes ------------------------ */

struct child {
	pid_t pid;
	int in_fd, out_fd;
	char out[32768];
	size_t len;
};

static void child_spawn(struct child *ch, char *const argv[])
{
	int in[2], out[2];

	memset(ch, 0, sizeof(*ch));
	assert_int_equal(pipe(in), 0);
	assert_int_equal(pipe(out), 0);
	ch->pid = fork();
	assert_true(ch->pid >= 0);
	if (ch->pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(out[1], 2);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		execv(OPENSSL_BIN, argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	ch->in_fd = in[1];
	ch->out_fd = out[0];
}

/* Read more of the child's output; false at end or past end_ns. */
static bool child_read(struct child *ch, uint64_t end_ns)
{
	struct pollfd pf = { .fd = ch->out_fd, .events = POLLIN };
	uint64_t now = mbl_time_ns();
	ssize_t n;

	if (now >= end_ns || ch->len + 1 >= sizeof(ch->out))
		return false;
	if (poll(&pf, 1, (int)((end_ns - now) / MS) + 1) <= 0)
		return true; /* the caller looks at the clock again */
	n = read(ch->out_fd, ch->out + ch->len, sizeof(ch->out) - 1 - ch->len);
	if (n <= 0)
		return false;
	ch->len += (size_t)n;
	ch->out[ch->len] = '\0';
	return true;
}

/* The rest of the first line holding needle, once the line is complete;
 * NULL if it does not come within ms. */
static const char *child_line(struct child *ch, const char *needle, int ms)
{
	uint64_t end = mbl_time_ns() + (uint64_t)ms * MS;

	for (;;) {
		const char *p = strstr(ch->out, needle);

		if (p != NULL && strchr(p, '\n') != NULL)
			return p + strlen(needle);
		if (!child_read(ch, end))
			return NULL;
	}
}

static void child_end(struct child *ch)
{
	if (ch->in_fd >= 0)
		close(ch->in_fd);
	kill(ch->pid, SIGTERM);
	waitpid(ch->pid, NULL, 0);
	close(ch->out_fd);
}

/* The hex after "Keying material: " in the child's output, as bytes. */
static void child_keymat(struct child *ch, uint8_t *km, size_t n)
{
	const char *p = child_line(ch, "Keying material: ", 3000);

	if (p == NULL)
		fail_msg("no keying material; openssl said:\n%s", ch->out);
	assert_true(strcspn(p, "\r\n") == 2 * n);
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		assert_int_equal(sscanf(p + 2 * i, "%2x", &v), 1);
		km[i] = (uint8_t)v;
	}
}

/* ---- our end on a UDP socket --------------------------------------------------------------- */

static int udp_socket(uint16_t *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &al), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

static void udp_connect(int fd, uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
}

/* Send what c has, wait a little for a datagram, feed it, tick. */
static void pump_once(struct mbl_dtls_conn *c, int fd, int wait_ms)
{
	struct pollfd pf = { .fd = fd, .events = POLLIN };
	uint8_t buf[2048];
	ssize_t n;
	int k;

	while ((k = mbl_dtls_conn_output(c, buf, sizeof(buf))) > 0)
		assert_int_equal(send(fd, buf, (size_t)k, 0), k);
	if (poll(&pf, 1, wait_ms) > 0) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n > 0)
			mbl_dtls_conn_input(c, buf, (size_t)n, mbl_time_ns());
	}
	mbl_dtls_conn_tick(c, mbl_time_ns());
	while ((k = mbl_dtls_conn_output(c, buf, sizeof(buf))) > 0)
		assert_int_equal(send(fd, buf, (size_t)k, 0), k);
}

static void pump_until_settled(struct mbl_dtls_conn *c, int fd, int ms)
{
	uint64_t end = mbl_time_ns() + (uint64_t)ms * MS;

	while (mbl_dtls_conn_state(c) == MBL_DTLS_HANDSHAKING && mbl_time_ns() < end)
		pump_once(c, fd, 10);
}

/* Pump until rx_ignored reaches want (or ms pass). */
static void pump_until_ignored(struct mbl_dtls_conn *c, int fd, uint32_t want, int ms)
{
	uint64_t end = mbl_time_ns() + (uint64_t)ms * MS;
	struct mbl_dtls_conn_stats st;

	do {
		pump_once(c, fd, 10);
		mbl_dtls_conn_stats(c, &st);
	} while (st.rx_ignored < want && mbl_time_ns() < end);
	assert_int_equal(st.rx_ignored, want);
}

/* The peer's keying material against ours: client key | server key |
 * client salt | server salt. */
static void assert_keymat(const struct mbl_dtls_conn *c, bool we_client, const uint8_t *km,
			  enum mbl_srtp_suite s)
{
	const struct mbl_srtp_suite_info *si = mbl_srtp_suite_get(s);
	struct mbl_srtp_key tx, rx;
	const struct mbl_srtp_key *ck = we_client ? &tx : &rx, *sk = we_client ? &rx : &tx;
	size_t kl = si->key_len, sl = si->salt_len;

	assert_int_equal(mbl_dtls_conn_keys(c, &tx, &rx), 0);
	assert_int_equal(tx.suite, s);
	assert_memory_equal(km, ck->key, kl);
	assert_memory_equal(km + kl, sk->key, kl);
	assert_memory_equal(km + 2 * kl, ck->salt, sl);
	assert_memory_equal(km + 2 * kl + sl, sk->salt, sl);
}

static struct mbl_dtls_ctx *our_ctx(struct mbl_dtls_ident **id)
{
	static const enum mbl_srtp_suite all4[] = {
		MBL_SRTP_AES_CM_128_HMAC_SHA1_80, MBL_SRTP_AES_CM_128_HMAC_SHA1_32,
		MBL_SRTP_AEAD_AES_128_GCM, MBL_SRTP_AEAD_AES_256_GCM,
	};
	char err[160] = "";

	*id = mbl_dtls_ident_create(err, sizeof(err));
	assert_non_null(*id);
	return tu_ctx(*id, all4, 4);
}

/* ---- we are the client, s_server the server -------------------------------------------------- */

/* s_server with the RSA certificate, offering profile and printing kmlen
 * bytes of keying material; returns its port. */
static uint16_t s_server_spawn(struct child *ch, const struct certs *ce, const char *profile,
			       char *kmlen)
{
	char *argv[] = { "openssl", "s_server", "-dtls1_2", "-accept", "127.0.0.1:0",
			 "-cert", (char *)ce->rsa_c, "-key", (char *)ce->rsa_k,
			 "-verify", "1", "-use_srtp", (char *)profile,
			 "-keymatexport", "EXTRACTOR-dtls_srtp", "-keymatexportlen", kmlen, NULL };
	const char *acc;

	child_spawn(ch, argv);
	acc = child_line(ch, "ACCEPT 127.0.0.1:", 3000);
	assert_non_null(acc);
	assert_true(atoi(acc) > 0 && atoi(acc) < 65536);
	return (uint16_t)atoi(acc);
}

static void against_s_server(const struct certs *ce, const char *profile, enum mbl_srtp_suite s,
			     const char *hash, const char *fp_alg)
{
	const struct mbl_srtp_suite_info *si = mbl_srtp_suite_get(s);
	const size_t kml = 2 * (size_t)(si->key_len + si->salt_len);
	char kmlen[8], fp[MBL_DTLS_FP_LEN], err[160] = "";
	uint8_t km[2 * (MBL_SRTP_MAX_KEY + MBL_SRTP_MAX_SALT)];
	struct mbl_dtls_ident *id;
	struct mbl_dtls_ctx *ctx = our_ctx(&id);
	struct mbl_dtls_conn *c;
	struct child ch;
	uint16_t myport;
	int fd;

	snprintf(kmlen, sizeof(kmlen), "%zu", kml);
	fd = udp_socket(&myport);
	udp_connect(fd, s_server_spawn(&ch, ce, profile, kmlen));
	cli_fingerprint(ce->rsa_c, hash, fp, sizeof(fp));
	c = mbl_dtls_conn_create(ctx, MBL_DTLS_CLIENT, fp_alg, fp, 5000 * MS, err, sizeof(err));
	assert_non_null(c);
	mbl_dtls_conn_start(c, mbl_time_ns());
	pump_until_settled(c, fd, 5000);
	if (mbl_dtls_conn_state(c) != MBL_DTLS_DONE)
		fail_msg("state %d (%s: %s); s_server said:\n%s", mbl_dtls_conn_state(c),
			 mbl_dtls_fail_name(mbl_dtls_conn_failure(c)), mbl_dtls_conn_detail(c),
			 ch.out);
	child_keymat(&ch, km, kml);
	assert_keymat(c, true, km, s);
	/* s_server: "SRTP Extension negotiated, profile=..." */
	assert_non_null(strstr(ch.out, profile));
	/* a line typed into s_server arrives as application data: ignored */
	assert_int_equal(write(ch.in_fd, "hello\n", 6), 6);
	pump_until_ignored(c, fd, 1, 2000);
	assert_int_equal(mbl_dtls_conn_state(c), MBL_DTLS_DONE);
	child_end(&ch);
	close(fd);
	mbl_dtls_conn_free(c);
	mbl_dtls_ctx_free(ctx);
	mbl_dtls_ident_free(id);
}

static void test_client_vs_s_server(void **state)
{
	const struct certs *ce = *state;

	if (ce == NULL)
		skip();
	against_s_server(ce, "SRTP_AES128_CM_SHA1_80", MBL_SRTP_AES_CM_128_HMAC_SHA1_80, "sha256",
			 "sha-256");
	against_s_server(ce, "SRTP_AEAD_AES_256_GCM", MBL_SRTP_AEAD_AES_256_GCM, "sha512",
			 "SHA-512");
}

/* ---- we are the server, s_client the client ------------------------------------------------- */

struct srv_run {
	struct mbl_dtls_ident *id;
	struct mbl_dtls_ctx *ctx;
	struct mbl_dtls_conn *c;
	struct child ch;
	int fd;
};

/* Our server expecting fp (sha-1), s_client offering profile. */
static void srv_run_start(struct srv_run *r, const char *fp, const char *profile,
			  const struct certs *ce, bool with_cert)
{
	char err[160] = "", portarg[32];
	uint16_t port;

	r->ctx = our_ctx(&r->id);
	r->c = mbl_dtls_conn_create(r->ctx, MBL_DTLS_SERVER, "sha-1", fp, 5000 * MS, err,
				    sizeof(err));
	assert_non_null(r->c);
	r->fd = udp_socket(&port);
	snprintf(portarg, sizeof(portarg), "127.0.0.1:%u", port);
	{
		char *argv[] = { "openssl", "s_client", "-dtls1_2", "-connect", portarg,
				 "-use_srtp", (char *)profile, "-keymatexport",
				 "EXTRACTOR-dtls_srtp", "-keymatexportlen", "60",
				 /* without a certificate the list ends here */
				 with_cert ? "-cert" : NULL, (char *)ce->ec_c, "-key",
				 (char *)ce->ec_k, NULL };

		child_spawn(&r->ch, argv);
	}
	mbl_dtls_conn_start(r->c, mbl_time_ns());
}

/* The first datagram tells us the peer's port. */
static void srv_run_accept(struct srv_run *r)
{
	struct pollfd pf = { .fd = r->fd, .events = POLLIN };
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	uint8_t buf[2048];
	ssize_t n;

	assert_true(poll(&pf, 1, 3000) == 1);
	n = recvfrom(r->fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
	assert_true(n > 0);
	udp_connect(r->fd, ntohs(from.sin_port));
	mbl_dtls_conn_input(r->c, buf, (size_t)n, mbl_time_ns());
	pump_until_settled(r->c, r->fd, 5000);
}

static void srv_run_end(struct srv_run *r)
{
	child_end(&r->ch);
	close(r->fd);
	mbl_dtls_conn_free(r->c);
	mbl_dtls_ctx_free(r->ctx);
	mbl_dtls_ident_free(r->id);
}

static void test_server_vs_s_client(void **state)
{
	const struct certs *ce = *state;
	char fp[MBL_DTLS_FP_LEN];
	uint8_t km[60];
	struct srv_run r;

	if (ce == NULL)
		skip();
	cli_fingerprint(ce->ec_c, "sha1", fp, sizeof(fp));
	srv_run_start(&r, fp, "SRTP_AES128_CM_SHA1_32", ce, true);
	srv_run_accept(&r);
	if (mbl_dtls_conn_state(r.c) != MBL_DTLS_DONE)
		fail_msg("state %d (%s: %s); s_client said:\n%s", mbl_dtls_conn_state(r.c),
			 mbl_dtls_fail_name(mbl_dtls_conn_failure(r.c)),
			 mbl_dtls_conn_detail(r.c), r.ch.out);
	child_keymat(&r.ch, km, sizeof(km));
	assert_keymat(r.c, false, km, MBL_SRTP_AES_CM_128_HMAC_SHA1_32);
	/* application data, then (stdin closed) s_client's close_notify:
	 * both ignored, the keys stand */
	assert_int_equal(write(r.ch.in_fd, "hello\n", 6), 6);
	pump_until_ignored(r.c, r.fd, 1, 2000);
	close(r.ch.in_fd);
	r.ch.in_fd = -1;
	pump_until_ignored(r.c, r.fd, 2, 2000);
	assert_int_equal(mbl_dtls_conn_state(r.c), MBL_DTLS_DONE);
	assert_int_equal(mbl_dtls_conn_keys(r.c, NULL, NULL), 0);
	srv_run_end(&r);
}

/* RFC 5763 5: the server must get the client's certificate. */
static void test_server_client_without_cert(void **state)
{
	const struct certs *ce = *state;
	char fp[MBL_DTLS_FP_LEN];
	struct srv_run r;

	if (ce == NULL)
		skip();
	cli_fingerprint(ce->ec_c, "sha1", fp, sizeof(fp));
	srv_run_start(&r, fp, "SRTP_AES128_CM_SHA1_80", ce, false);
	srv_run_accept(&r);
	assert_int_equal(mbl_dtls_conn_state(r.c), MBL_DTLS_FAILED);
	assert_int_equal(mbl_dtls_conn_failure(r.c), MBL_DTLS_FAIL_NO_CERT);
	assert_string_equal(mbl_dtls_conn_detail(r.c), "peer did not return a certificate");
	srv_run_end(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_client_vs_s_server),
		cmocka_unit_test(test_server_vs_s_client),
		cmocka_unit_test(test_server_client_without_cert),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, certs_setup, certs_teardown);
}
