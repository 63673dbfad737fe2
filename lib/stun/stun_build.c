/* SPDX-License-Identifier: BSD-3-Clause
 * Writing STUN messages (RFC 8489 5, 14) into a caller buffer, and the
 * three messages ICE needs: a connectivity check (RFC 8445 7.1.1), its
 * success response (7.3.1) and an error response (400, 401, 420, 487).
 *
 * The header length is kept current after every attribute, which is what
 * MESSAGE-INTEGRITY and FINGERPRINT need: each is reserved first (so the
 * length counts it, RFC 8489 14.5 / 14.7), then computed over the bytes
 * before it.
 */
#include <errno.h>
#include <string.h>

#include "stun_priv.h"

static void w_fail(struct mbl_stun_writer *w, int err)
{
	if (w->err == 0)
		w->err = err;
}

void mbl_stun_w_begin(struct mbl_stun_writer *w, uint8_t *buf, size_t cap, uint16_t type,
		      const uint8_t tid[MBL_STUN_TID_LEN])
{
	*w = (struct mbl_stun_writer){ .buf = buf, .cap = cap };
	if (buf == NULL || tid == NULL || (type & 0xC000))
		w_fail(w, -EINVAL);
	else if (cap < MBL_STUN_HDR_LEN)
		w_fail(w, -ENOSPC);
	if (w->err)
		return;
	mbl_put_be16(buf, type);
	mbl_put_be16(buf + 2, 0);
	mbl_put_be32(buf + 4, MBL_STUN_MAGIC);
	memcpy(buf + 8, tid, MBL_STUN_TID_LEN);
	w->len = MBL_STUN_HDR_LEN;
}

/* Append the header of a len-byte attribute and its padding, update the
 * message length, and return where the value goes (NULL on error). */
static uint8_t *w_reserve(struct mbl_stun_writer *w, uint16_t type, size_t len)
{
	size_t padded = (len + 3) & ~(size_t)3;
	uint8_t *p;

	if (w->err)
		return NULL;
	if (!mbl_stun_attr_len_ok(type, len) || w->len - MBL_STUN_HDR_LEN + 4 + padded > 0xFFFC) {
		w_fail(w, -EINVAL);
		return NULL;
	}
	if (w->cap - w->len < 4 + padded) {
		w_fail(w, -ENOSPC);
		return NULL;
	}
	p = w->buf + w->len;
	mbl_put_be16(p, type);
	mbl_put_be16(p + 2, (uint16_t)len);
	memset(p + 4 + len, w->pad, padded - len);
	w->len += 4 + padded;
	mbl_put_be16(w->buf + 2, (uint16_t)(w->len - MBL_STUN_HDR_LEN));
	return p + 4;
}

void mbl_stun_w_attr(struct mbl_stun_writer *w, uint16_t type, const void *val, size_t len)
{
	uint8_t *p = w_reserve(w, type, len);

	if (p && len)
		memcpy(p, val, len);
}

void mbl_stun_w_u32(struct mbl_stun_writer *w, uint16_t type, uint32_t v)
{
	uint8_t *p = w_reserve(w, type, 4);

	if (p)
		mbl_put_be32(p, v);
}

void mbl_stun_w_u64(struct mbl_stun_writer *w, uint16_t type, uint64_t v)
{
	uint8_t *p = w_reserve(w, type, 8);

	if (p) {
		mbl_put_be32(p, (uint32_t)(v >> 32));
		mbl_put_be32(p + 4, (uint32_t)v);
	}
}

void mbl_stun_w_str(struct mbl_stun_writer *w, uint16_t type, const char *s)
{
	if (s == NULL)
		w_fail(w, -EINVAL);
	else
		mbl_stun_w_attr(w, type, s, strlen(s));
}

/* RFC 8489 14.2: port XOR the cookie's top 16 bits, address XOR the cookie
 * (IPv4) or the cookie and the transaction id (IPv6). */
void mbl_stun_w_xor_addr(struct mbl_stun_writer *w, const struct mbl_stun_addr *a)
{
	size_t n = a->family == 4 ? 4 : 16;
	uint8_t key[16], *p;

	if (a->family != 4 && a->family != 6) {
		w_fail(w, -EINVAL);
		return;
	}
	p = w_reserve(w, MBL_STUN_ATTR_XOR_MAPPED_ADDRESS, 4 + n);
	if (p == NULL)
		return;
	stun_xor_key(w->buf + 8, key);
	p[0] = 0;
	p[1] = a->family == 4 ? 1 : 2;
	mbl_put_be16(p + 2, (uint16_t)(a->port ^ (MBL_STUN_MAGIC >> 16)));
	for (size_t i = 0; i < n; i++)
		p[4 + i] = a->ip[i] ^ key[i];
}

/* RFC 8489 14.8: 21 zero bits, the class (hundreds), the number. */
void mbl_stun_w_error(struct mbl_stun_writer *w, unsigned code, const char *reason)
{
	size_t rlen = reason ? strlen(reason) : 0;
	uint8_t *p;

	if (code < 300 || code > 699) {
		w_fail(w, -EINVAL);
		return;
	}
	p = w_reserve(w, MBL_STUN_ATTR_ERROR_CODE, 4 + rlen);
	if (p == NULL)
		return;
	p[0] = p[1] = 0;
	p[2] = (uint8_t)(code / 100);
	p[3] = (uint8_t)(code % 100);
	if (rlen)
		memcpy(p + 4, reason, rlen);
}

void mbl_stun_w_unknown(struct mbl_stun_writer *w, const uint16_t *types, unsigned n)
{
	uint8_t *p = w_reserve(w, MBL_STUN_ATTR_UNKNOWN_ATTRIBUTES, 2 * (size_t)n);

	for (unsigned i = 0; p && i < n; i++)
		mbl_put_be16(p + 2 * i, types[i]);
}

void mbl_stun_w_integrity(struct mbl_stun_writer *w, const uint8_t *key, size_t key_len)
{
	uint8_t *p = w_reserve(w, MBL_STUN_ATTR_MESSAGE_INTEGRITY, MBL_STUN_MI_LEN);

	if (p && mbl_stun_hmac_sha1(key, key_len, w->buf, MBL_STUN_HDR_LEN,
				    w->buf + MBL_STUN_HDR_LEN, (size_t)(p - 4 - w->buf) -
				    MBL_STUN_HDR_LEN, p))
		w_fail(w, -EIO);
}

void mbl_stun_w_fingerprint(struct mbl_stun_writer *w)
{
	uint8_t *p = w_reserve(w, MBL_STUN_ATTR_FINGERPRINT, 4);

	if (p)
		mbl_put_be32(p, mbl_stun_crc32(w->buf, (size_t)(p - 4 - w->buf)) ^ MBL_STUN_FP_XOR);
}

int mbl_stun_w_end(const struct mbl_stun_writer *w)
{
	return w->err ? w->err : (int)w->len;
}

/* ---- the messages of ICE ---------------------------------------------------------- */

/* RFC 8445 7.2.2: USERNAME is the peer's ufrag, a colon, ours. */
static void w_username(struct mbl_stun_writer *w, const char *rufrag, const char *lufrag)
{
	size_t rl = strlen(rufrag), ll = strlen(lufrag);
	uint8_t *p = w_reserve(w, MBL_STUN_ATTR_USERNAME, rl + 1 + ll);

	if (p == NULL)
		return;
	memcpy(p, rufrag, rl);
	p[rl] = ':';
	memcpy(p + rl + 1, lufrag, ll);
}

static void w_trailer(struct mbl_stun_writer *w, const uint8_t *key, size_t key_len)
{
	if (key)
		mbl_stun_w_integrity(w, key, key_len);
	mbl_stun_w_fingerprint(w);
}

int mbl_stun_build_request(uint8_t *buf, size_t cap, const struct mbl_stun_req *r)
{
	struct mbl_stun_writer w;

	if (r == NULL || r->rufrag == NULL || r->lufrag == NULL || r->key == NULL)
		return -EINVAL;
	mbl_stun_w_begin(&w, buf, cap, MBL_STUN_BINDING_REQUEST, r->tid);
	w.pad = r->pad;
	if (r->software)
		mbl_stun_w_str(&w, MBL_STUN_ATTR_SOFTWARE, r->software);
	mbl_stun_w_u32(&w, MBL_STUN_ATTR_PRIORITY, r->priority);
	mbl_stun_w_u64(&w, r->controlling ? MBL_STUN_ATTR_ICE_CONTROLLING :
		       MBL_STUN_ATTR_ICE_CONTROLLED, r->tiebreaker);
	if (r->use_candidate)
		mbl_stun_w_attr(&w, MBL_STUN_ATTR_USE_CANDIDATE, NULL, 0);
	w_username(&w, r->rufrag, r->lufrag);
	w_trailer(&w, r->key, r->key_len);
	return mbl_stun_w_end(&w);
}

int mbl_stun_build_success(uint8_t *buf, size_t cap, const struct mbl_stun_resp *r)
{
	struct mbl_stun_writer w;

	if (r == NULL)
		return -EINVAL;
	mbl_stun_w_begin(&w, buf, cap, MBL_STUN_BINDING_SUCCESS, r->tid);
	w.pad = r->pad;
	if (r->software)
		mbl_stun_w_str(&w, MBL_STUN_ATTR_SOFTWARE, r->software);
	mbl_stun_w_xor_addr(&w, &r->mapped);
	w_trailer(&w, r->key, r->key_len);
	return mbl_stun_w_end(&w);
}

/* RFC 8489 14.8 and RFC 8445 16.2 (487). */
const char *mbl_stun_reason(unsigned code)
{
	switch (code) {
	case 400: return "Bad Request";
	case 401: return "Unauthenticated";
	case 420: return "Unknown Attribute";
	case 487: return "Role Conflict";
	case 500: return "Server Error";
	default: return NULL;
	}
}

int mbl_stun_build_error(uint8_t *buf, size_t cap, const struct mbl_stun_resp *r)
{
	struct mbl_stun_writer w;

	if (r == NULL || mbl_stun_reason(r->code) == NULL)
		return -EINVAL;
	mbl_stun_w_begin(&w, buf, cap, MBL_STUN_BINDING_ERROR, r->tid);
	w.pad = r->pad;
	mbl_stun_w_error(&w, r->code, mbl_stun_reason(r->code));
	if (r->code == 420) /* RFC 8489 14.13 */
		mbl_stun_w_unknown(&w, r->unknown, r->n_unknown);
	if (r->software)
		mbl_stun_w_str(&w, MBL_STUN_ATTR_SOFTWARE, r->software);
	w_trailer(&w, r->key, r->key_len);
	return mbl_stun_w_end(&w);
}
