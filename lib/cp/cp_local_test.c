/* SPDX-License-Identifier: BSD-3-Clause
 * Many local signaling addresses (sip.listen ranges, cp_local.c) against a
 * hand-written peer on loopback (all of 127/8 is local on Linux): a UAC on
 * 127.0.0.1-127.0.0.4 places its calls round-robin, and for each call the
 * datagram's source, the Via sent-by, the Contact and the From host name
 * the same address, for the INVITE, its ACK and its BYE; a UAS on the same
 * range answers (200 and its own BYE) from the address the INVITE came to.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cp_test_peer.h"

#define N_LOCAL 4

struct fix {
	struct mbl_dp dp;
	struct mbl_cp *cp;
	struct peer p;
	uint16_t port;
	struct sockaddr_in from;     /* source of the last message the peer got */
};

static int setup(void **state)
{
	*state = calloc(1, sizeof(struct fix));
	return *state == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	mbl_cp_free(f->cp);
	close(f->p.fd);
	free(f);
	return 0;
}

/* The engine on 127.0.0.1-127.0.0.4:port. */
static void start(struct fix *f, bool uac, uint32_t total)
{
	struct mbl_cp_conf *c = calloc(1, sizeof(*c));
	char err[256];

	assert_non_null(c);
	f->port = free_port();
	peer_open(&f->p, f->port);
	fake_dp(&f->dp, 16);
	cp_conf(c, uac, f->port);
	for (unsigned i = 1; i < N_LOCAL; i++) {
		c->more[i - 1].ip[10] = c->more[i - 1].ip[11] = 0xff;
		c->more[i - 1].ip[12] = 127;
		c->more[i - 1].ip[15] = (uint8_t)(1 + i);
		c->more[i - 1].port = f->port;
	}
	c->n_more = N_LOCAL - 1;
	c->limit = 16;
	c->rate = 1000;
	c->total = total;
	if (uac) {
		memcpy(&c->target, &f->p.me, sizeof(f->p.me));
		c->target_len = sizeof(f->p.me);
		snprintf(c->target_host, sizeof(c->target_host), "127.0.0.1");
	}
	f->cp = mbl_cp_create(c, &f->dp, err, sizeof(err));
	if (f->cp == NULL)
		fail_msg("create: %s", err);
	free(c);
	assert_int_equal(mbl_cp_n_local(f->cp), N_LOCAL);
}

/* Poll until the peer gets a message starting with start (skipping
 * others); its source into f->from. */
static void expect_from(struct fix *f, const char *start, int ms)
{
	for (int t = 0; t < ms; t++) {
		struct pollfd pfd = { .fd = f->p.fd, .events = POLLIN };
		socklen_t l = sizeof(f->from);

		mbl_cp_poll(f->cp, 1);
		while (poll(&pfd, 1, 0) == 1) {
			f->p.len = (int)recvfrom(f->p.fd, f->p.buf, sizeof(f->p.buf) - 1, 0,
						 (struct sockaddr *)&f->from, &l);
			assert_true(f->p.len > 0);
			f->p.buf[f->p.len] = '\0';
			if (strncmp(f->p.buf, start, strlen(start)) == 0)
				return;
		}
	}
	fail_msg("no \"%s\" within %d ms", start, ms);
}

/* The last message came from 127.0.0.k:port and its Via sent-by (and
 * Contact, when contact) name that address; returns k. */
static unsigned check_source(struct fix *f, bool contact)
{
	char want[64], v[512];
	unsigned k = ntohl(f->from.sin_addr.s_addr) & 0xff;

	assert_int_equal(ntohl(f->from.sin_addr.s_addr) >> 8, 0x7f0000);
	assert_in_range(k, 1, N_LOCAL);
	assert_int_equal(ntohs(f->from.sin_port), f->port);
	snprintf(want, sizeof(want), "SIP/2.0/UDP 127.0.0.%u:%u;", k, f->port);
	assert_ptr_equal(strstr(hdr(f->p.buf, "Via", v, sizeof(v)), want), v);
	if (contact) {
		snprintf(want, sizeof(want), "@127.0.0.%u:%u>", k, f->port);
		assert_non_null(strstr(hdr(f->p.buf, "Contact", v, sizeof(v)), want));
	}
	return k;
}

/* 8 calls: sources 1,2,3,4,1,2,3,4; ACK and BYE of each from its INVITE's
 * address; two calls counted per address. */
static void uac_round_robin(void **state)
{
	struct fix *f = *state;
	char cid[8][128], sdp[512], v[256], want[64];
	static char inv[8][sizeof(f->p.buf)];
	unsigned src[8];

	start(f, true, 8);
	peer_sdp(sdp, sizeof(sdp), 1, 40000, "sendrecv");
	for (unsigned i = 0; i < 8; i++) {
		expect_from(f, "INVITE ", 2000);
		src[i] = check_source(f, true);
		assert_int_equal(src[i], 1 + i % N_LOCAL);
		snprintf(want, sizeof(want), "<sip:alice@127.0.0.%u:%u>;tag=", src[i], f->port);
		assert_ptr_equal(strstr(hdr(f->p.buf, "From", v, sizeof(v)), want), v);
		hdr(f->p.buf, "Call-ID", cid[i], sizeof(cid[i]));
		memcpy(inv[i], f->p.buf, sizeof(inv[i]));
	}
	for (unsigned i = 0; i < 8; i++) {
		memcpy(f->p.buf, inv[i], sizeof(inv[i]));
		peer_reply(&f->p, 200, "OK", sdp);
		expect_from(f, "ACK ", 2000);
		assert_int_equal(check_source(f, false), src[i]);
		assert_string_equal(hdr(f->p.buf, "Call-ID", v, sizeof(v)), cid[i]);
	}
	for (unsigned i = 0; i < N_LOCAL; i++)
		assert_int_equal(mbl_cp_local_calls(f->cp, i), 2);
	mbl_cp_stop(f->cp);
	for (unsigned n = 0; n < 8; n++) {
		unsigned i;

		expect_from(f, "BYE ", 2000);
		hdr(f->p.buf, "Call-ID", v, sizeof(v));
		for (i = 0; i < 8 && strcmp(cid[i], v) != 0; i++)
			;
		assert_true(i < 8);
		assert_int_equal(check_source(f, false), src[i]);
		peer_reply(&f->p, 200, "OK", NULL);
	}
	for (int t = 0; t < 200 && mbl_cp_live(f->cp) != 0; t++)
		mbl_cp_poll(f->cp, 1);
	assert_int_equal(mbl_cp_live(f->cp), 0);
	assert_int_equal(mbl_cp_stats(f->cp)->succeeded, 8);
}

/* An INVITE sent to 127.0.0.3: the 200 (Contact too) and the UAS's own
 * BYE come from 127.0.0.3. */
static void uas_answers_on_arrival_address(void **state)
{
	struct fix *f = *state;
	char sdp[512], msg[4096], to[256], ack[2048];

	start(f, false, 0);
	f->p.cp.sin_addr.s_addr = htonl(0x7f000003);
	peer_sdp(sdp, sizeof(sdp), 1, 40000, "sendrecv");
	snprintf(msg, sizeof(msg),
		 "INVITE sip:alice@127.0.0.3:%u SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%u;"
		 "branch=z9hG4bKloc1;rport\r\nMax-Forwards: 70\r\nFrom: <sip:bob@127.0.0.1>;"
		 "tag=p1\r\nTo: <sip:alice@127.0.0.3:%u>\r\nCall-ID: loc-1\r\nCSeq: 1 INVITE\r\n"
		 "Contact: <sip:bob@127.0.0.1:%u>\r\nContent-Type: application/sdp\r\n"
		 "Content-Length: %zu\r\n\r\n%s", f->port, ntohs(f->p.me.sin_port), f->port,
		 ntohs(f->p.me.sin_port), strlen(sdp), sdp);
	peer_send(&f->p, msg);
	expect_from(f, "SIP/2.0 200 ", 2000);
	assert_int_equal(ntohl(f->from.sin_addr.s_addr), 0x7f000003);
	assert_int_equal(ntohs(f->from.sin_port), f->port);
	hdr(f->p.buf, "Contact", to, sizeof(to));
	snprintf(msg, sizeof(msg), "<sip:alice@127.0.0.3:%u>", f->port);
	assert_string_equal(to, msg);
	hdr(f->p.buf, "To", to, sizeof(to));
	snprintf(ack, sizeof(ack),
		 "ACK sip:alice@127.0.0.3:%u SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%u;"
		 "branch=z9hG4bKloc2;rport\r\nMax-Forwards: 70\r\nFrom: <sip:bob@127.0.0.1>;"
		 "tag=p1\r\nTo: %s\r\nCall-ID: loc-1\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n",
		 f->port, ntohs(f->p.me.sin_port), to);
	peer_send(&f->p, ack);
	assert_int_equal(mbl_cp_local_calls(f->cp, 2), 1);
	assert_int_equal(mbl_cp_local_calls(f->cp, 0), 0);
	mbl_cp_stop(f->cp);
	expect_from(f, "BYE ", 2000);
	assert_int_equal(check_source(f, false), 3);
	peer_reply(&f->p, 200, "OK", NULL);
	for (int t = 0; t < 200 && mbl_cp_live(f->cp) != 0; t++)
		mbl_cp_poll(f->cp, 1);
	assert_int_equal(mbl_cp_live(f->cp), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(uac_round_robin, setup, teardown),
		cmocka_unit_test_setup_teardown(uas_answers_on_arrival_address, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
