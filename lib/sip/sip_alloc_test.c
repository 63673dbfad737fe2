/* SPDX-License-Identifier: BSD-3-Clause
 * sip_alloc.c: osip2's blocks from size-class free lists. In sanitizer
 * builds the allocators are not installed; the tests then check that osip
 * still runs on malloc. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <osipparser2/osip_message.h>
#include <osipparser2/osip_port.h>

#include "sip_msg.h"

static bool installed(void)
{
	return osip_malloc_func != NULL;
}

/* A freed block is the next one of its size class; sizes in one class
 * share blocks, other classes do not. */
static void test_reuse(void **state)
{
	void *a, *b, *c;

	(void)state;
	mbl_sip_alloc_install();
	if (!installed())
		skip();
	a = osip_malloc(40);
	assert_non_null(a);
	memset(a, 0xab, 40);
	osip_free(a);
	b = osip_malloc(33); /* 33..48: the same 48-byte class */
	assert_ptr_equal(a, b);
	c = osip_malloc(49); /* the next class: another block */
	assert_ptr_not_equal(b, c);
	assert_int_equal((uintptr_t)b % 16, 0);
	assert_int_equal((uintptr_t)c % 16, 0);
	osip_free(b);
	osip_free(c);
}

/* realloc keeps the bytes, grows across classes and into big blocks. */
static void test_grow(void **state)
{
	char *p;

	(void)state;
	mbl_sip_alloc_install();
	p = osip_malloc(10);
	assert_non_null(p);
	memcpy(p, "mediablast", 10);
	p = osip_realloc(p, 12); /* same class: in place */
	assert_memory_equal(p, "mediablast", 10);
	p = osip_realloc(p, 700);
	assert_memory_equal(p, "mediablast", 10);
	memset(p + 10, 'x', 690);
	p = osip_realloc(p, 5000); /* beyond the classes: malloc */
	assert_memory_equal(p, "mediablast", 10);
	assert_int_equal(p[699], 'x');
	memset(p, 'y', 5000);
	osip_free(p);
	osip_free(NULL);
}

/* A block from before the allocators (plain malloc) is freed by free(). */
static void test_foreign_block(void **state)
{
	char *p;

	(void)state;
	p = malloc(64);
	assert_non_null(p);
	memset(p, 0, 64);
	mbl_sip_alloc_install();
	osip_free(p); /* a leak or a crash (free of a non-malloc block) if wrong */
	p = malloc(300);
	assert_non_null(p);
	memset(p, 0, 300);
	p = osip_realloc(p, 3000);
	assert_non_null(p);
	osip_free(p);
}

/* osip itself on the allocators: parse, print, free a message many times
 * (the free lists must hand back what they took). */
static void test_osip_messages(void **state)
{
	static const char msg[] =
		"INVITE sip:bob@198.18.0.2 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 198.18.0.1:5060;branch=z9hG4bK776asdhds\r\n"
		"Max-Forwards: 70\r\n"
		"To: Bob <sip:bob@198.18.0.2>\r\n"
		"From: Alice <sip:alice@198.18.0.1>;tag=1928301774\r\n"
		"Call-ID: a84b4c76e66710@198.18.0.1\r\n"
		"CSeq: 314159 INVITE\r\n"
		"Contact: <sip:alice@198.18.0.1>\r\n"
		"Content-Length: 0\r\n\r\n";

	(void)state;
	assert_int_equal(mbl_sip_msg_init(), 0);
	for (int i = 0; i < 2000; i++) {
		osip_message_t *m;
		char *out = NULL;
		size_t len;

		assert_int_equal(osip_message_init(&m), 0);
		assert_int_equal(osip_message_parse(m, msg, sizeof(msg) - 1), 0);
		assert_int_equal(osip_message_to_str(m, &out, &len), 0);
		assert_non_null(strstr(out, "Call-ID: a84b4c76e66710@198.18.0.1"));
		osip_free(out);
		osip_message_free(m);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_foreign_block),
		cmocka_unit_test(test_reuse),
		cmocka_unit_test(test_grow),
		cmocka_unit_test(test_osip_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
