/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "mbl_common.h"

static enum mbl_log_level log_level = MBL_LOG_INFO;
uint64_t mbl_tsc_hz = 1000000000ULL;
uint64_t mbl_tsc_ns_mult = 1ULL << 32;

void mbl_tsc_set_hz(uint64_t hz)
{
	mbl_tsc_hz = hz ? hz : 1;
	mbl_tsc_ns_mult = (uint64_t)(((unsigned __int128)MBL_NS_PER_S << 32) / mbl_tsc_hz);
}

void mbl_log_set_level(enum mbl_log_level lvl)
{
	log_level = lvl;
}

void mbl_log(enum mbl_log_level lvl, const char *fmt, ...)
{
	static const char *const tag[] = {"ERR", "WARN", "INFO", "DEBUG"};
	char line[1024];
	va_list ap;
	int n;

	if (lvl > log_level)
		return;
	n = snprintf(line, sizeof(line), "mediablast: %s: ", tag[lvl]);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", line);
}

uint64_t mbl_time_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * MBL_NS_PER_S + (uint64_t)ts.tv_nsec;
}

void mbl_tsc_init(void)
{
	uint64_t t0 = mbl_time_ns(), c0 = mbl_tsc(), t1, c1;
	struct timespec d = {.tv_nsec = 50 * 1000 * 1000};

	nanosleep(&d, NULL);
	t1 = mbl_time_ns();
	c1 = mbl_tsc();
	mbl_tsc_set_hz((uint64_t)((unsigned __int128)(c1 - c0) * MBL_NS_PER_S / (t1 - t0)));
}

int mbl_parse_ip(const char *s, uint8_t out[16])
{
	struct in_addr a4;

	if (inet_pton(AF_INET, s, &a4) == 1) {
		memset(out, 0, 10);
		out[10] = 0xff;
		out[11] = 0xff;
		memcpy(out + 12, &a4, 4);
		return 4;
	}
	if (inet_pton(AF_INET6, s, out) == 1)
		return 6;
	return -EINVAL;
}

const char *mbl_fmt_ip(int family, const uint8_t ip[16], char *buf, size_t len)
{
	if (family == 4)
		inet_ntop(AF_INET, ip + 12, buf, (socklen_t)len);
	else
		inet_ntop(AF_INET6, ip, buf, (socklen_t)len);
	return buf;
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
void *mbl_pool_alloc(size_t bytes, bool populate)
{
	(void)populate;
	return calloc(1, bytes ? bytes : 1);
}

void mbl_pool_free(void *p, size_t bytes)
{
	(void)bytes;
	free(p);
}
#else
#define POOL_HUGE (2u << 20)
#define POOL_POPULATE_MAX ((size_t)1 << 30)

static size_t pool_round(size_t bytes)
{
	return (bytes + POOL_HUGE - 1) & ~(size_t)(POOL_HUGE - 1);
}

void *mbl_pool_alloc(size_t bytes, bool populate)
{
	size_t len = pool_round(bytes ? bytes : 1);
	uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	/* a hint: "never" or an old kernel keep 4 KB pages and that is all */
	(void)madvise(p, len, MADV_HUGEPAGE);
	/* after the hint, so the pages faulted in are huge ones; a kernel
	 * before 5.14 has no MADV_POPULATE_WRITE (EINVAL): touch each page
	 * instead. At most the first POOL_POPULATE_MAX: a pool sized for a
	 * ceiling the run may never reach does not take the machine's memory
	 * at start; beyond it pages come as the load grows. */
	if (populate) {
		size_t n = len < POOL_POPULATE_MAX ? len : POOL_POPULATE_MAX;

		if (madvise(p, n, MADV_POPULATE_WRITE) != 0 && errno == EINVAL)
			for (size_t off = 0; off < n; off += 4096)
				p[off] = 0;
	}
	return p;
}

void mbl_pool_free(void *p, size_t bytes)
{
	if (p != NULL)
		munmap(p, pool_round(bytes ? bytes : 1));
}
#endif
