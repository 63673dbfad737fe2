/* SPDX-License-Identifier: BSD-3-Clause
 * mediablast common helpers: logging, time, small macros, a streaming JSON
 * writer for reports. Nothing here depends on EAL being initialised, so unit
 * tests can use every function without rte_eal_init().
 */
#ifndef MBL_COMMON_H
#define MBL_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define MBL_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MBL_MIN(a, b) ((a) < (b) ? (a) : (b))
#define MBL_MAX(a, b) ((a) > (b) ? (a) : (b))
#define mbl_likely(x) __builtin_expect(!!(x), 1)
#define mbl_unlikely(x) __builtin_expect(!!(x), 0)

#define MBL_NS_PER_S 1000000000ULL

enum mbl_log_level {
	MBL_LOG_ERR = 0,
	MBL_LOG_WARN,
	MBL_LOG_INFO,
	MBL_LOG_DEBUG,
};

/* Log one line to stderr with a level tag. Control plane only (it may block);
 * the data plane uses MBL_LOG_RL. Thread-safe (one fprintf per line). */
void mbl_log(enum mbl_log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void mbl_log_set_level(enum mbl_log_level lvl);

/* Rate-limited log for data-plane paths: at most one line per second per call
 * site per thread; the number of suppressed lines is reported with the next. */
#define MBL_LOG_RL(lvl, ...)                                                   \
	do {                                                                   \
		static __thread uint64_t mbl_rl_next_;                         \
		static __thread uint32_t mbl_rl_skipped_;                      \
		uint64_t mbl_rl_now_ = mbl_time_ns();                          \
		if (mbl_rl_now_ >= mbl_rl_next_) {                             \
			mbl_rl_next_ = mbl_rl_now_ + MBL_NS_PER_S;             \
			if (mbl_rl_skipped_)                                   \
				mbl_log(lvl, "(%u similar lines suppressed)", \
					mbl_rl_skipped_);                      \
			mbl_rl_skipped_ = 0;                                   \
			mbl_log(lvl, __VA_ARGS__);                             \
		} else {                                                       \
			mbl_rl_skipped_++;                                     \
		}                                                              \
	} while (0)

/* Monotonic wall time in ns (clock_gettime, vDSO: no system call). */
uint64_t mbl_time_ns(void);

/* TSC <-> ns conversion. mbl_tsc_init() measures the TSC rate once (about
 * 50 ms) on the control plane before workers start; after that the data plane
 * reads mbl_tsc_hz / mbl_tsc_to_ns() without any call into the kernel. */
extern uint64_t mbl_tsc_hz;
/* ns per TSC cycle as 32.32 fixed point: a multiply and a shift instead of
 * a 128-bit division per conversion. Both ends of a one-way delay use the
 * same hz (rte_get_tsc_hz()), so the rounding cancels out. */
extern uint64_t mbl_tsc_ns_mult;
void mbl_tsc_init(void);
/* Set the TSC rate (e.g. from rte_get_tsc_hz()) before workers start. */
void mbl_tsc_set_hz(uint64_t hz);
/* xorshift32 (Marsaglia): a cheap per-owner generator for spreading times
 * and picking shares, never for secrets. *s must not be 0. */
/* Big-endian (network order) fields at any alignment, for the writers and
 * readers of wire formats (RTP, RTCP, STUN). Any thread. */
static inline uint16_t mbl_get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t mbl_get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void mbl_put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void mbl_put_be32(uint8_t *p, uint32_t v)
{
	mbl_put_be16(p, (uint16_t)(v >> 16));
	mbl_put_be16(p + 2, (uint16_t)v);
}

static inline uint32_t mbl_xorshift32(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static inline uint64_t mbl_tsc(void)
{
	return __builtin_ia32_rdtsc();
}
static inline uint64_t mbl_tsc_to_ns(uint64_t tsc)
{
	return (uint64_t)(((unsigned __int128)tsc * mbl_tsc_ns_mult) >> 32);
}
static inline uint64_t mbl_ns_to_tsc(uint64_t ns)
{
	return (uint64_t)((unsigned __int128)ns * mbl_tsc_hz / MBL_NS_PER_S);
}

/* Zeroed memory for a large pool that load grows into (SIP transactions,
 * calls, osip blocks): backed by transparent huge pages where the kernel
 * allows it on request, so growing costs a page fault per 2 MB instead of
 * one per 4 KB. populate: fault it in now (its first GB), at start, rather
 * than while the load grows into it. Plain calloc under the sanitizers. NULL when out
 * of memory; give the same size back to mbl_pool_free(). */
void *mbl_pool_alloc(size_t bytes, bool populate);
void mbl_pool_free(void *p, size_t bytes);

/* Parse "a.b.c.d" or an IPv6 literal into 16 bytes (IPv4 as v4-mapped).
 * Returns 4 or 6 for the family, or -EINVAL. */
int mbl_parse_ip(const char *s, uint8_t out[16]);
/* Format an address (family 4 or 6) into buf; returns buf. */
const char *mbl_fmt_ip(int family, const uint8_t ip[16], char *buf, size_t len);

/* --- streaming JSON writer (reports, telemetry dumps) ------------------- */
struct mbl_json {
	FILE *f;
	int depth;
	bool need_comma[32];
	bool pretty;
	int flat;     /* > 0: pretty output stays on the current line */
};
void mbl_json_init(struct mbl_json *j, FILE *f, bool pretty);
void mbl_json_obj_open(struct mbl_json *j, const char *key);  /* key NULL at top/array */
void mbl_json_obj_close(struct mbl_json *j);
void mbl_json_arr_open(struct mbl_json *j, const char *key);
void mbl_json_arr_close(struct mbl_json *j);
void mbl_json_u64(struct mbl_json *j, const char *key, uint64_t v);
void mbl_json_i64(struct mbl_json *j, const char *key, int64_t v);
void mbl_json_dbl(struct mbl_json *j, const char *key, double v);
void mbl_json_str(struct mbl_json *j, const char *key, const char *v);
void mbl_json_bool(struct mbl_json *j, const char *key, bool v);
void mbl_json_null(struct mbl_json *j, const char *key);

/* --- JSON reader (reports given back to compare / html) ----------------
 * A whole document parsed into a tree owned by its root: strict RFC 8259
 * (no comments, no trailing commas, one value, UTF-8 passed through,
 * \u escapes decoded, depth at most 64). Numbers are doubles. */
enum mbl_jv_type { MBL_JV_NULL, MBL_JV_BOOL, MBL_JV_NUM, MBL_JV_STR, MBL_JV_ARR, MBL_JV_OBJ };

struct mbl_jv {
	enum mbl_jv_type type;
	uint32_t len;               /* members, elements, or string bytes */
	const char *key;            /* member name inside an object, else NULL */
	union {
		bool b;
		double n;
		const char *s;          /* NUL-terminated (may hold a \u0000) */
	} v;
	const struct mbl_jv *child; /* first member / element */
	const struct mbl_jv *next;  /* next sibling in the parent */
};

/* Parse len bytes. Returns the root (free with mbl_jv_free), or NULL with
 * err saying where ("line 3 column 7: expected ':'"); errno ENOMEM or
 * EINVAL. */
const struct mbl_jv *mbl_jv_parse(const char *text, size_t len, char *err, size_t errlen);
/* Read and parse a file; err names the file. */
const struct mbl_jv *mbl_jv_load(const char *path, char *err, size_t errlen);
void mbl_jv_free(const struct mbl_jv *root);
/* A member by dotted path ("calls.setup_ms.p99"; a segment of digits
 * indexes an array), NULL when absent or not an object on the way. */
const struct mbl_jv *mbl_jv_get(const struct mbl_jv *v, const char *path);
/* Typed views: the value, or dflt when v is NULL or of another type. */
double mbl_jv_num(const struct mbl_jv *v, double dflt);
const char *mbl_jv_str(const struct mbl_jv *v, const char *dflt);
bool mbl_jv_bool(const struct mbl_jv *v, bool dflt);

#endif /* MBL_COMMON_H */
