/* SPDX-License-Identifier: BSD-3-Clause
 * re-INVITEs of the call engine (cp_hold.c) against a SIP peer written by
 * hand on a loopback UDP socket: the engine answering a hold (a=sendonly ->
 * a=recvonly, o= version one up, same port), refusing a re-offer that moves
 * the stream (488, the call goes on), resuming; and the engine holding a
 * call itself: glare (491) retried after RFC 3261 14.1's delay, a failed
 * resume counted while the call goes on. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cp_test_peer.h"

struct fix {
	struct mbl_dp dp;
	struct mbl_cp *cp;
	struct peer p;
	uint16_t port;
	char to[256];                  /* To of the dialog (with the engine's tag) */
};

static void start(struct fix *f, uint32_t hold_after_ms)
{
	struct mbl_cp_conf c;
	char err[256];

	f->port = free_port();
	fake_dp(&f->dp, 4);
	cp_conf(&c, false, f->port);
	c.hold_after_ms = hold_after_ms;
	c.hold_for_ms = 30;
	f->cp = mbl_cp_create(&c, &f->dp, err, sizeof(err));
	assert_non_null(f->cp);
	peer_open(&f->p, f->port);
}

static int teardown(void **state)
{
	struct fix *f = *state;

	mbl_cp_free(f->cp);
	close(f->p.fd);
	free(f);
	return 0;
}

static int setup(void **state)
{
	*state = calloc(1, sizeof(struct fix));
	return *state == NULL ? -1 : 0;
}

/* A request of the peer in the dialog "call-1" (From tag a1). */
static void peer_req(struct fix *f, const char *method, unsigned cseq, const char *cseq_m,
		     const char *branch, const char *sdp)
{
	char msg[4096];
	unsigned me = ntohs(f->p.me.sin_port);

	snprintf(msg, sizeof(msg),
		 "%s sip:bob@127.0.0.1:%u SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%u;branch=%s\r\n"
		 "Max-Forwards: 70\r\nFrom: <sip:alice@127.0.0.1>;tag=a1\r\nTo: %s\r\n"
		 "Call-ID: call-1@test\r\nCSeq: %u %s\r\nContact: <sip:alice@127.0.0.1:%u>\r\n"
		 "%sContent-Length: %zu\r\n\r\n%s",
		 method, f->port, me, branch, f->to[0] ? f->to : "<sip:bob@127.0.0.1>", cseq,
		 cseq_m, me, sdp ? "Content-Type: application/sdp\r\n" : "",
		 sdp ? strlen(sdp) : 0, sdp ? sdp : "");
	peer_send(&f->p, msg);
}

/* The o= version of the SDP body of msg. */
static unsigned long sdp_version(const char *msg)
{
	const char *o = strstr(body_of(msg), "o=");
	unsigned long id, ver;

	assert_non_null(o);
	assert_int_equal(sscanf(o, "o=%*s %lu %lu", &id, &ver), 2);
	return ver;
}

/* INVITE, 200 (offer answered sendrecv at the slot's port), ACK. */
static void call_up(struct fix *f)
{
	char sdp[512];

	peer_sdp(sdp, sizeof(sdp), 1, 40000, "sendrecv");
	peer_req(f, "INVITE", 1, "INVITE", "z9hG4bK-i1", sdp);
	peer_expect(&f->p, f->cp, "SIP/2.0 200", 1000);
	assert_non_null(strstr(body_of(f->p.buf), "m=audio 30000 RTP/AVP 0\r\n"));
	assert_non_null(strstr(body_of(f->p.buf), "a=sendrecv\r\n"));
	assert_int_equal(sdp_version(f->p.buf), 1);
	hdr(f->p.buf, "To", f->to, sizeof(f->to));
	peer_req(f, "ACK", 1, "ACK", "z9hG4bK-a1", NULL);
	peer_quiet(&f->p, f->cp, 20);
}

static void hang_up(struct fix *f, unsigned cseq)
{
	peer_req(f, "BYE", cseq, "BYE", "z9hG4bK-bye", NULL);
	peer_expect(&f->p, f->cp, "SIP/2.0 200", 1000);
	for (int i = 0; i < 100 && mbl_cp_live(f->cp) != 0; i++)
		mbl_cp_poll(f->cp, 1);
	assert_int_equal(mbl_cp_live(f->cp), 0);
	assert_int_equal(mbl_cp_stats(f->cp)->succeeded, 1);
	assert_int_equal(mbl_cp_stats(f->cp)->failed, 0);
}

static void test_answer_hold_refuse_resume(void **state)
{
	struct fix *f = *state;
	const struct mbl_cp_stats *st;
	char sdp[512];

	start(f, 0);
	st = mbl_cp_stats(f->cp);
	call_up(f);
	/* hold: sendonly answered recvonly, our version one up, same port */
	peer_sdp(sdp, sizeof(sdp), 2, 40000, "sendonly");
	peer_req(f, "INVITE", 2, "INVITE", "z9hG4bK-i2", sdp);
	peer_expect(&f->p, f->cp, "SIP/2.0 200", 1000);
	assert_non_null(strstr(body_of(f->p.buf), "a=recvonly\r\n"));
	assert_non_null(strstr(body_of(f->p.buf), "m=audio 30000 RTP/AVP 0\r\n"));
	assert_int_equal(sdp_version(f->p.buf), 2);
	peer_req(f, "ACK", 2, "ACK", "z9hG4bK-a2", NULL);
	/* a re-offer moving the stream to another port: 488, call goes on */
	peer_sdp(sdp, sizeof(sdp), 3, 40002, "sendrecv");
	peer_req(f, "INVITE", 3, "INVITE", "z9hG4bK-i3", sdp);
	peer_expect(&f->p, f->cp, "SIP/2.0 488 Not Acceptable Here", 1000);
	peer_req(f, "ACK", 3, "ACK", "z9hG4bK-i3", NULL); /* non-2xx: same branch */
	/* resume: sendrecv again, version up again */
	peer_sdp(sdp, sizeof(sdp), 4, 40000, "sendrecv");
	peer_req(f, "INVITE", 4, "INVITE", "z9hG4bK-i4", sdp);
	peer_expect(&f->p, f->cp, "SIP/2.0 200", 1000);
	assert_non_null(strstr(body_of(f->p.buf), "a=sendrecv\r\n"));
	assert_int_equal(sdp_version(f->p.buf), 3);
	peer_req(f, "ACK", 4, "ACK", "z9hG4bK-a4", NULL);
	/* the same offer again: the answer is unchanged, so is its version */
	peer_sdp(sdp, sizeof(sdp), 4, 40000, "sendrecv");
	peer_req(f, "INVITE", 5, "INVITE", "z9hG4bK-i5", sdp);
	peer_expect(&f->p, f->cp, "SIP/2.0 200", 1000);
	assert_int_equal(sdp_version(f->p.buf), 3);
	peer_req(f, "ACK", 5, "ACK", "z9hG4bK-a5", NULL);
	peer_quiet(&f->p, f->cp, 20);
	assert_int_equal(st->reinv_received, 4);
	assert_int_equal(st->reinv_accepted, 3);
	assert_int_equal(st->reinv_refused, 1);
	assert_int_equal(st->held_by_peer, 1);
	assert_int_equal(st->reinv_sent, 0);
	hang_up(f, 6);
}

static void test_hold_glare_then_failed_resume(void **state)
{
	struct fix *f = *state;
	const struct mbl_cp_stats *st;
	char sdp[512];

	/* the hold is due 300 ms after the 200: call_up's quiet check (20 turns of
	 * at least 1 ms) must end well before it, on a loaded machine too */
	start(f, 300);
	st = mbl_cp_stats(f->cp);
	call_up(f);
	/* the engine (UAS side here) holds: a=sendonly, version 2 */
	peer_expect(&f->p, f->cp, "INVITE sip:alice@127.0.0.1:", 1000);
	assert_non_null(strstr(body_of(f->p.buf), "a=sendonly\r\n"));
	assert_int_equal(sdp_version(f->p.buf), 2);
	assert_int_equal(st->reinv_sent, 1);
	peer_reply(&f->p, 491, "Request Pending", NULL);
	peer_expect(&f->p, f->cp, "ACK ", 1000);
	assert_int_equal(st->reinv_glare, 1);
	/* RFC 3261 14.1: not the Call-ID owner, so again within 0-2 s; the
	 * SDP is the same, so is its version */
	peer_expect(&f->p, f->cp, "INVITE sip:alice@127.0.0.1:", 2500);
	assert_non_null(strstr(body_of(f->p.buf), "a=sendonly\r\n"));
	assert_int_equal(sdp_version(f->p.buf), 2);
	assert_int_equal(st->reinv_sent, 1);
	peer_sdp(sdp, sizeof(sdp), 2, 40000, "recvonly");
	peer_reply(&f->p, 200, "OK", sdp);
	peer_expect(&f->p, f->cp, "ACK ", 1000);
	assert_int_equal(st->reinv_ok, 1);
	assert_int_equal(st->held_by_us, 1);
	/* resume after hold_for_ms: sendrecv, version 3; refused with 500 */
	peer_expect(&f->p, f->cp, "INVITE sip:alice@127.0.0.1:", 1000);
	assert_non_null(strstr(body_of(f->p.buf), "a=sendrecv\r\n"));
	assert_int_equal(sdp_version(f->p.buf), 3);
	peer_reply(&f->p, 500, "Server Internal Error", NULL);
	peer_expect(&f->p, f->cp, "ACK ", 1000);
	/* counted; the call goes on (RFC 3261 14.1): no BYE from the engine */
	peer_quiet(&f->p, f->cp, 100);
	assert_int_equal(st->reinv_failed, 1);
	assert_int_equal(st->reinv_sent, 2);
	assert_int_equal(st->reinv_ended_call, 0);
	hang_up(f, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_answer_hold_refuse_resume, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hold_glare_then_failed_resume, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
