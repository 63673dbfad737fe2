/* SPDX-License-Identifier: BSD-3-Clause
 * Size-class free lists under osip2 (osip_set_allocators).
 *
 * osip2 builds every parsed message out of dozens of small blocks (a URI,
 * each header, each parameter) and frees them all a moment later: at 9,000
 * calls/s a UAS main thread spent a quarter of its time in glibc's malloc
 * and free. The pattern is the one slab allocators exist for: here each
 * thread keeps LIFO free lists of 16-byte size classes up to 1 KB, carved
 * from 2 MB chunks (huge pages where allowed) that are never returned
 * (the pool is as large as the peak of live osip objects). Larger
 * blocks go to malloc. A 16-byte header carries the class and a magic
 * value; a block osip frees that did not come from here (allocated before
 * the allocators were installed) goes back to free().
 *
 * Not installed in sanitizer builds: ASan must see every osip block to
 * find overflows and leaks in the SIP code.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <osipparser2/osip_port.h>

#include "mbl_common.h"
#include "sip_msg.h"

#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_UNDEFINED__)
#define SA_ON 1
#define SA_ALIGN 16u
#define SA_CLASSES 64u                   /* 16 .. 1024 bytes */
#define SA_MAX (SA_ALIGN * SA_CLASSES)
#define SA_CHUNK (2u << 20)              /* one transparent huge page */
#define SA_MAGIC 0x6d626c61u             /* "mbla" */
#define SA_BIG 0xffffu

struct sa_hdr {
	uint32_t magic;
	uint16_t cls;                    /* 1..SA_CLASSES, or SA_BIG */
	uint16_t pad;
	uint64_t big_size;               /* SA_BIG: the usable size */
};

struct sa_free {
	struct sa_free *next;
};

static __thread struct sa_free *sa_list[SA_CLASSES + 1];
static __thread uint8_t *sa_cur, *sa_end; /* the chunk being carved */

static void *sa_carve(size_t block)
{
	if (sa_cur == NULL || (size_t)(sa_end - sa_cur) < block) {
		sa_cur = mbl_pool_alloc(SA_CHUNK, false);
		if (sa_cur == NULL)
			return NULL;
		sa_end = sa_cur + SA_CHUNK;
	}
	sa_cur += block;
	return sa_cur - block;
}

static void *sa_malloc(size_t n)
{
	struct sa_hdr *h;
	unsigned cls;

	if (n > SA_MAX) {
		h = malloc(sizeof(*h) + n);
		if (h == NULL)
			return NULL;
		h->cls = SA_BIG;
		h->big_size = n;
	} else {
		cls = n == 0 ? 1 : (unsigned)((n + SA_ALIGN - 1) / SA_ALIGN);
		if (sa_list[cls] != NULL) {
			h = (struct sa_hdr *)sa_list[cls];
			sa_list[cls] = sa_list[cls]->next;
		} else if ((h = sa_carve(sizeof(*h) + cls * SA_ALIGN)) == NULL) {
			return NULL;
		}
		h->cls = (uint16_t)cls;
	}
	h->magic = SA_MAGIC;
	return h + 1;
}

static void sa_free(void *p)
{
	struct sa_hdr *h;
	struct sa_free *f;

	if (p == NULL)
		return;
	h = (struct sa_hdr *)p - 1;
	if (h->magic != SA_MAGIC) {
		free(p); /* from before the allocators were installed */
		return;
	}
	h->magic = 0; /* a double free then goes to free(), which aborts */
	if (h->cls == SA_BIG) {
		free(h);
		return;
	}
	f = (struct sa_free *)h;
	f->next = sa_list[h->cls];
	sa_list[h->cls] = f;
}

static size_t sa_size(const void *p)
{
	const struct sa_hdr *h = (const struct sa_hdr *)p - 1;

	return h->cls == SA_BIG ? h->big_size : (size_t)h->cls * SA_ALIGN;
}

static void *sa_realloc(void *p, size_t n)
{
	void *q;

	if (p == NULL)
		return sa_malloc(n);
	if (((struct sa_hdr *)p - 1)->magic != SA_MAGIC)
		return realloc(p, n);
	if (n <= sa_size(p))
		return p;
	q = sa_malloc(n);
	if (q == NULL)
		return NULL;
	memcpy(q, p, sa_size(p));
	sa_free(p);
	return q;
}

#endif /* no sanitizer */

void mbl_sip_alloc_install(void)
{
#ifdef SA_ON
	osip_set_allocators(sa_malloc, sa_realloc, sa_free);
#endif
}
