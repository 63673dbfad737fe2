/* SPDX-License-Identifier: BSD-3-Clause
 * Test helpers for lib/cp (header-only, test programs only): a call engine
 * on 127.0.0.1 without a data plane (calls carry SDP, no media) and a
 * hand-written SIP peer on a plain UDP socket whose messages the tests
 * compose and check byte by byte. */
#ifndef CP_TEST_PEER_H
#define CP_TEST_PEER_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cp_priv.h"
#include "dp_priv.h"

struct peer {
	int fd;
	struct sockaddr_in me, cp;     /* our socket, the engine's listener */
	char buf[8192];
	int len;
};

/* A free UDP port on 127.0.0.1 (bound and released: the engine binds it). */
static inline uint16_t free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t l = sizeof(a);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &l), 0);
	close(fd);
	return ntohs(a.sin_port);
}

static inline void peer_open(struct peer *p, uint16_t cp_port)
{
	socklen_t l = sizeof(p->me);

	memset(p, 0, sizeof(*p));
	p->fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(p->fd >= 0);
	p->me.sin_family = AF_INET;
	p->me.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(p->fd, (struct sockaddr *)&p->me, sizeof(p->me)), 0);
	assert_int_equal(getsockname(p->fd, (struct sockaddr *)&p->me, &l), 0);
	p->cp = p->me;
	p->cp.sin_port = htons(cp_port);
}

static inline void peer_send(struct peer *p, const char *msg)
{
	assert_int_equal(sendto(p->fd, msg, strlen(msg), 0, (struct sockaddr *)&p->cp,
				sizeof(p->cp)), (ssize_t)strlen(msg));
}

/* Poll the engine until the peer got a message whose first line starts with
 * start (others, e.g. 100 Trying, are skipped); at most ms milliseconds. */
static inline void peer_expect(struct peer *p, struct mbl_cp *cp, const char *start, int ms)
{
	for (int t = 0; t < ms; t++) {
		struct pollfd pfd = { .fd = p->fd, .events = POLLIN };

		mbl_cp_poll(cp, 1);
		if (poll(&pfd, 1, 0) == 1) {
			p->len = (int)recv(p->fd, p->buf, sizeof(p->buf) - 1, 0);
			assert_true(p->len > 0);
			p->buf[p->len] = '\0';
			if (strncmp(p->buf, start, strlen(start)) == 0)
				return;
		}
	}
	fail_msg("no \"%s\" within %d ms", start, ms);
}

/* Let the engine run ms milliseconds; fail if the peer gets anything. */
static inline void peer_quiet(struct peer *p, struct mbl_cp *cp, int ms)
{
	for (int t = 0; t < ms; t++) {
		struct pollfd pfd = { .fd = p->fd, .events = POLLIN };

		mbl_cp_poll(cp, 1);
		if (poll(&pfd, 1, 0) == 1) {
			p->len = (int)recv(p->fd, p->buf, sizeof(p->buf) - 1, 0);
			p->buf[p->len > 0 ? p->len : 0] = '\0';
			fail_msg("unexpected message: %.60s", p->buf);
		}
	}
}

/* Value of header name (first one, full line after "Name: ") into out. */
static inline const char *hdr(const char *msg, const char *name, char *out, size_t len)
{
	char key[64];
	const char *h, *e;

	snprintf(key, sizeof(key), "\r\n%s: ", name);
	h = strstr(msg, key);
	assert_non_null(h);
	h += strlen(key);
	e = strstr(h, "\r\n");
	snprintf(out, len, "%.*s", (int)(e - h), h);
	return out;
}

static inline const char *body_of(const char *msg)
{
	const char *b = strstr(msg, "\r\n\r\n");

	assert_non_null(b);
	return b + 4;
}

/* A plain PCMU offer/answer from the peer at 127.0.0.1:port. */
static inline void peer_sdp(char *out, size_t len, unsigned ver, uint16_t port, const char *dir)
{
	snprintf(out, len,
		 "v=0\r\no=peer 77 %u IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
		 "t=0 0\r\nm=audio %u RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=ptime:20\r\n"
		 "a=%s\r\n", ver, port, dir);
}

/* A response to the request in p->buf: its Via, From, To (tagged), Call-ID
 * and CSeq, with sdp as body when not NULL. */
static inline void peer_reply(struct peer *p, int status, const char *reason, const char *sdp)
{
	char via[512], from[256], to[256], cid[128], cseq[64], msg[4096];
	const char *tag = strstr(hdr(p->buf, "To", to, sizeof(to)), ";tag=") ? "" : ";tag=peer1";

	hdr(p->buf, "Via", via, sizeof(via));
	hdr(p->buf, "From", from, sizeof(from));
	hdr(p->buf, "Call-ID", cid, sizeof(cid));
	hdr(p->buf, "CSeq", cseq, sizeof(cseq));
	snprintf(msg, sizeof(msg),
		 "SIP/2.0 %d %s\r\nVia: %s\r\nFrom: %s\r\nTo: %s%s\r\nCall-ID: %s\r\n"
		 "CSeq: %s\r\nContact: <sip:peer@127.0.0.1:%u>\r\n%sContent-Length: %zu\r\n\r\n%s",
		 status, reason, via, from, to, tag, cid, cseq, ntohs(p->me.sin_port),
		 sdp ? "Content-Type: application/sdp\r\n" : "", sdp ? strlen(sdp) : 0,
		 sdp ? sdp : "");
	peer_send(p, msg);
}

/* The fake data plane: only the address formula (SDP c= / m=) is used
 * when call.media is off. */
static inline void fake_dp(struct mbl_dp *dp, uint32_t streams)
{
	memset(dp, 0, sizeof(*dp));
	assert_int_equal(mbl_ip_range_parse("127.0.0.1", &dp->conf.local), 0);
	dp->conf.local_port = 30000;
	dp->conf.port_step = 2;
	dp->conf.streams = streams;
}

/* An engine on 127.0.0.1:port, plain RTP PCMU offered/answered, no media. */
static inline void cp_conf(struct mbl_cp_conf *c, bool uac, uint16_t port)
{
	struct sockaddr_in *sa = (struct sockaddr_in *)&c->listen;

	memset(c, 0, sizeof(*c));
	c->uac = uac;
	c->proto = MBL_SIP_UDP;
	sa->sin_family = AF_INET;
	sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa->sin_port = htons(port);
	c->listen_len = sizeof(*sa);
	snprintf(c->from_user, sizeof(c->from_user), "alice");
	snprintf(c->to_user, sizeof(c->to_user), "bob");
	snprintf(c->user_agent, sizeof(c->user_agent), "cp-test");
	c->t1_ms = 500;
	c->t2_ms = 4000;
	c->t4_ms = 5000;
	c->rate = 1;
	c->limit = 4;
	c->total = 1;
	c->hold = MBL_CP_HOLD_FIXED;
	c->hold_a_ms = 60000;
	c->answer_code = 200;
	c->timeout_ms = 5000;
	c->sdp.enc = MBL_SDP_ENC_NONE;
	c->sdp.policy = MBL_SDP_POLICY_OFF;
	c->sdp.ptime = 20;
	c->sdp.dtmf_pt = -1;
	c->sdp.dir = MBL_SDP_DIR_SENDRECV;
	snprintf(c->sdp.codecs[0].name, sizeof(c->sdp.codecs[0].name), "PCMU");
	c->sdp.codecs[0].clock = 8000;
	c->sdp.n_codecs = 1;
	c->media_family = 4;
}

#endif /* CP_TEST_PEER_H */
