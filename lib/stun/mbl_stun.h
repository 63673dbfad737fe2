/* SPDX-License-Identifier: BSD-3-Clause
 * mediablast STUN (RFC 8489) and a small ICE agent (RFC 8445 subset, RFC
 * 7675 consent freshness), both on plain byte buffers: no EAL, no mbufs,
 * no allocation, no clock of their own (the caller passes now_ns, a
 * monotonic nanosecond clock, into every call that needs time).
 *
 * Part 1, the codec: parse a datagram into a struct mbl_stun_msg (pointers
 * into the caller's buffer), verify MESSAGE-INTEGRITY (HMAC-SHA1, RFC 8489
 * 14.5) and FINGERPRINT (CRC-32, 14.7), and build the messages ICE needs.
 * Threads: every codec function is reentrant; any thread may call it.
 *
 * Part 2, the agent: one component (rtcp-mux), host candidates, full or
 * lite, controlling or controlled, connectivity checks paced by Ta,
 * triggered checks, peer-reflexive candidates, regular nomination, and
 * consent checks on the selected pair. Threads: an agent belongs to one
 * thread at a time (the data-plane lcore that owns the stream); its send
 * and random callbacks run on that thread, inside the agent's calls.
 *
 * OpenSSL types never leave this module (libcrypto computes the HMAC).
 */
#ifndef MBL_STUN_H
#define MBL_STUN_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ==== Part 1: STUN messages (RFC 8489) ====================================== */

#define MBL_STUN_HDR_LEN 20
#define MBL_STUN_TID_LEN 12
#define MBL_STUN_MAGIC 0x2112A442u     /* RFC 8489 5 */
#define MBL_STUN_FP_XOR 0x5354554eu    /* RFC 8489 14.7 */
#define MBL_STUN_MI_LEN 20             /* HMAC-SHA1 */
#define MBL_STUN_MAX_UNKNOWN 8         /* unknown attributes remembered per message */

/* Message types: method and class bits interleaved (RFC 8489 5). */
#define MBL_STUN_CLASS_MASK 0x0110u
#define MBL_STUN_CLASS_REQUEST 0x0000u
#define MBL_STUN_CLASS_INDICATION 0x0010u
#define MBL_STUN_CLASS_SUCCESS 0x0100u
#define MBL_STUN_CLASS_ERROR 0x0110u
#define MBL_STUN_METHOD_BINDING 0x0001u
#define MBL_STUN_BINDING_REQUEST 0x0001u
#define MBL_STUN_BINDING_INDICATION 0x0011u
#define MBL_STUN_BINDING_SUCCESS 0x0101u
#define MBL_STUN_BINDING_ERROR 0x0111u

static inline unsigned mbl_stun_class(uint16_t type)
{
	return type & MBL_STUN_CLASS_MASK;
}

static inline unsigned mbl_stun_method(uint16_t type)
{
	return type & (uint16_t)~MBL_STUN_CLASS_MASK;
}

/* The attributes we understand: X(name, type, minimum value length,
 * maximum value length). Types below 0x8000 are comprehension-required
 * (RFC 8489 14): any other such type is reported as unknown. Lengths:
 * RFC 8489 14.x and RFC 8445 16.1 (PRIORITY 4, ICE-CONTROLL* 8, USE-
 * CANDIDATE 0); USERNAME up to 513 bytes so "ufrag:ufrag" of two 256-
 * character ufrags fits (RFC 8839 5.4); text attributes at most 763 bytes. */
#define MBL_STUN_ATTR_LIST(X)                                  \
	X(MAPPED_ADDRESS, 0x0001, 8, 20)                       \
	X(USERNAME, 0x0006, 0, 513)                            \
	X(MESSAGE_INTEGRITY, 0x0008, 20, 20)                   \
	X(ERROR_CODE, 0x0009, 4, 767)                          \
	X(UNKNOWN_ATTRIBUTES, 0x000A, 0, 1024)                 \
	X(REALM, 0x0014, 0, 763)                               \
	X(NONCE, 0x0015, 0, 763)                               \
	X(XOR_MAPPED_ADDRESS, 0x0020, 8, 20)                   \
	X(PRIORITY, 0x0024, 4, 4)                              \
	X(USE_CANDIDATE, 0x0025, 0, 0)                         \
	X(SOFTWARE, 0x8022, 0, 763)                            \
	X(FINGERPRINT, 0x8028, 4, 4)                           \
	X(ICE_CONTROLLED, 0x8029, 8, 8)                        \
	X(ICE_CONTROLLING, 0x802A, 8, 8)

#define MBL_STUN_ATTR_ENUM_(n, t, lo, hi) MBL_STUN_A_##n,
enum mbl_stun_attr_id { MBL_STUN_ATTR_LIST(MBL_STUN_ATTR_ENUM_) MBL_STUN_A_MAX };
#undef MBL_STUN_ATTR_ENUM_
#define MBL_STUN_ATTR_TYPE_(n, t, lo, hi) MBL_STUN_ATTR_##n = t,
enum mbl_stun_attr_type { MBL_STUN_ATTR_LIST(MBL_STUN_ATTR_TYPE_) };
#undef MBL_STUN_ATTR_TYPE_

/* A transport address. family 4 or 6 (0: none); ip in network order
 * (IPv4 in ip[0..3]); port in host order. */
struct mbl_stun_addr {
	uint8_t family;
	uint16_t port;
	uint8_t ip[16];
};

/* Text ("192.0.2.1", "2001:db8::1") and port -> a. Returns 0 or -EINVAL. */
int mbl_stun_addr_set(struct mbl_stun_addr *a, const char *ip, uint16_t port);
/* Same family, address and port. */
bool mbl_stun_addr_eq(const struct mbl_stun_addr *a, const struct mbl_stun_addr *b);
/* "192.0.2.1:5000" / "[2001:db8::1]:5000" into buf (always terminated).
 * Returns buf. */
const char *mbl_stun_addr_str(const struct mbl_stun_addr *a, char *buf, size_t len);

/* Bytes of an attribute value inside the parsed buffer (not terminated). */
struct mbl_stun_span {
	const uint8_t *p;
	uint16_t len;
};

/* A parsed message. Points into the caller's buffer, which must stay
 * unchanged while the message is used. Only the first occurrence of an
 * attribute counts (RFC 8489 14); attributes after MESSAGE-INTEGRITY other
 * than FINGERPRINT are ignored (RFC 8489 14.5). */
struct mbl_stun_msg {
	const uint8_t *buf;
	uint32_t len;                  /* 20 + the header's length field */
	uint16_t type;                 /* method | class (MBL_STUN_BINDING_*) */
	uint8_t tid[MBL_STUN_TID_LEN];
	uint32_t present;              /* bit 1 << enum mbl_stun_attr_id: seen */
	struct mbl_stun_span username, software, realm, nonce;
	struct mbl_stun_span reason;   /* ERROR-CODE reason phrase */
	uint16_t error_code;           /* ERROR-CODE: class * 100 + number */
	struct mbl_stun_addr mapped;   /* MAPPED-ADDRESS */
	struct mbl_stun_addr xor_mapped; /* XOR-MAPPED-ADDRESS, decoded */
	uint32_t priority;             /* PRIORITY */
	uint64_t ice_controlling;      /* ICE-CONTROLLING tie-breaker */
	uint64_t ice_controlled;       /* ICE-CONTROLLED tie-breaker */
	uint32_t mi_off, fp_off;       /* offsets of those attributes (0: absent) */
	/* comprehension-required types we do not know (before MI), for a 420 */
	uint16_t unknown[MBL_STUN_MAX_UNKNOWN];
	uint8_t n_unknown;
};

static inline bool mbl_stun_has(const struct mbl_stun_msg *m, enum mbl_stun_attr_id a)
{
	return (m->present >> a) & 1u;
}

/* Parse one datagram (exactly one message: the header length plus 20 must
 * be len). Checks (RFC 8489 5, 14): at least 20 bytes, the first two bits
 * zero, the magic cookie, a length that is a multiple of 4 and matches
 * len, every attribute (and its padding) inside the message, value lengths
 * of the known attributes, FINGERPRINT last. Returns 0, or -EBADMSG with
 * *why (when why is not NULL) set to a short static reason for counting
 * and logging ("truncated attribute"). Never reads outside buf[0..len). */
int mbl_stun_parse(struct mbl_stun_msg *m, const uint8_t *buf, size_t len, const char **why);

/* MESSAGE-INTEGRITY with key (short-term credential: the password bytes,
 * RFC 8489 9.1.1). Returns 0, -ENOENT (no MESSAGE-INTEGRITY), -EACCES (the
 * HMAC differs) or -EIO (libcrypto failed), with *why set. */
int mbl_stun_check_integrity(const struct mbl_stun_msg *m, const uint8_t *key, size_t key_len,
			     const char **why);
/* FINGERPRINT (RFC 8489 14.7). Returns 0, -ENOENT (absent) or -EBADMSG
 * (CRC differs: corrupt, or not STUN at all), with *why set. */
int mbl_stun_check_fingerprint(const struct mbl_stun_msg *m, const char **why);

/* CRC-32 (ISO-HDLC, as Ethernet and RFC 8489 14.7 use it) of buf. */
uint32_t mbl_stun_crc32(const uint8_t *buf, size_t len);

/* ---- building -------------------------------------------------------------
 * A writer appends attributes to a message in a caller buffer, keeping the
 * header length current. Errors are sticky: after the first, every call
 * does nothing and mbl_stun_w_end returns it (-ENOSPC when cap is too
 * small, -EINVAL for a value no attribute can carry). Padding bytes get
 * the value pad (RFC 8489 14: any value; 0 by default, RFC 5769 uses 0x20).
 * MESSAGE-INTEGRITY covers what is written before it; FINGERPRINT must be
 * the last attribute. */
struct mbl_stun_writer {
	uint8_t *buf;
	size_t cap;
	size_t len;
	int err;
	uint8_t pad;
};

void mbl_stun_w_begin(struct mbl_stun_writer *w, uint8_t *buf, size_t cap, uint16_t type,
		      const uint8_t tid[MBL_STUN_TID_LEN]);
void mbl_stun_w_attr(struct mbl_stun_writer *w, uint16_t type, const void *val, size_t len);
void mbl_stun_w_u32(struct mbl_stun_writer *w, uint16_t type, uint32_t v);
void mbl_stun_w_u64(struct mbl_stun_writer *w, uint16_t type, uint64_t v);
void mbl_stun_w_str(struct mbl_stun_writer *w, uint16_t type, const char *s);
/* XOR-MAPPED-ADDRESS (RFC 8489 14.2) of a (family 4 or 6). */
void mbl_stun_w_xor_addr(struct mbl_stun_writer *w, const struct mbl_stun_addr *a);
/* ERROR-CODE (RFC 8489 14.8): code 300..699, reason may be NULL. */
void mbl_stun_w_error(struct mbl_stun_writer *w, unsigned code, const char *reason);
/* UNKNOWN-ATTRIBUTES (RFC 8489 14.13). */
void mbl_stun_w_unknown(struct mbl_stun_writer *w, const uint16_t *types, unsigned n);
void mbl_stun_w_integrity(struct mbl_stun_writer *w, const uint8_t *key, size_t key_len);
void mbl_stun_w_fingerprint(struct mbl_stun_writer *w);
/* The message length, or the first error. */
int mbl_stun_w_end(const struct mbl_stun_writer *w);

/* An ICE connectivity check (RFC 8445 7.1.1, 7.2.2). Attributes in this
 * order (that of RFC 5769 2.1): SOFTWARE (when not NULL), PRIORITY,
 * ICE-CONTROLLING or ICE-CONTROLLED with tiebreaker, USE-CANDIDATE (when
 * set), USERNAME "rufrag:lufrag", MESSAGE-INTEGRITY with key (the remote
 * password), FINGERPRINT. */
struct mbl_stun_req {
	const uint8_t *tid;            /* 12 bytes */
	const char *rufrag, *lufrag;
	uint32_t priority;
	bool controlling;
	bool use_candidate;
	uint64_t tiebreaker;
	const uint8_t *key;
	size_t key_len;
	const char *software;
	uint8_t pad;
};

/* A response to a request with transaction id tid: success (SOFTWARE,
 * XOR-MAPPED-ADDRESS of mapped) or error (ERROR-CODE code with its RFC
 * reason phrase, UNKNOWN-ATTRIBUTES for 420, SOFTWARE), then
 * MESSAGE-INTEGRITY when key is not NULL (our password; RFC 8489 9.1.3: a
 * 400 or 401 answering a request that did not authenticate carries none)
 * and FINGERPRINT. */
struct mbl_stun_resp {
	const uint8_t *tid;
	struct mbl_stun_addr mapped;
	uint16_t code;                 /* 400, 401, 420, 487 or 500 */
	const uint16_t *unknown;
	unsigned n_unknown;
	const uint8_t *key;
	size_t key_len;
	const char *software;
	uint8_t pad;
};

/* Each returns the message length, or -ENOSPC (cap too small) or -EINVAL
 * (no tid, a ufrag missing, an address family other than 4/6, an error
 * code other than those above), writing into buf[0..cap). */
int mbl_stun_build_request(uint8_t *buf, size_t cap, const struct mbl_stun_req *r);
int mbl_stun_build_success(uint8_t *buf, size_t cap, const struct mbl_stun_resp *r);
int mbl_stun_build_error(uint8_t *buf, size_t cap, const struct mbl_stun_resp *r);
/* Reason phrase of a code we send (RFC 8489 14.8, RFC 8445 16.2), or NULL. */
const char *mbl_stun_reason(unsigned code);

/* ==== Part 2: the ICE agent (RFC 8445 subset, RFC 7675) ===================== */

#define MBL_ICE_MAX_LOCAL 2            /* one IPv4 and one IPv6 host candidate */
#define MBL_ICE_MAX_REMOTE 10          /* SDP candidates plus peer-reflexive ones */
#define MBL_ICE_MAX_SDP_CANDS 8        /* of those, from SDP: 2 stay for prflx */
#define MBL_ICE_MAX_PAIRS (MBL_ICE_MAX_LOCAL * MBL_ICE_MAX_REMOTE)
#define MBL_ICE_MAX_TXN 16             /* STUN transactions in flight */
#define MBL_ICE_UFRAG_LEN 8            /* generated: 48 random bits */
#define MBL_ICE_PWD_LEN 24             /* generated: 144 random bits */
#define MBL_ICE_LOCAL_UFRAG_MAX 32     /* ours when the caller supplies them */
#define MBL_ICE_LOCAL_PWD_MAX 64
#define MBL_ICE_CRED_MAX 256           /* RFC 8839 5.4: ufrag 4..256, pwd 22..256 */
#define MBL_ICE_FOUNDATION_MAX 32      /* RFC 8839 5.1 */

enum mbl_ice_cand_type {
	MBL_ICE_CAND_HOST = 0,
	MBL_ICE_CAND_SRFLX,
	MBL_ICE_CAND_PRFLX,
	MBL_ICE_CAND_RELAY,
};

/* The SDP name ("host", "srflx", "prflx", "relay") -> *t. 0 or -EINVAL. */
int mbl_ice_cand_type_parse(const char *name, enum mbl_ice_cand_type *t);

enum mbl_ice_state {
	MBL_ICE_NEW = 0,       /* before mbl_ice_start (incoming checks are answered) */
	MBL_ICE_CHECKING,      /* started, no pair selected yet */
	MBL_ICE_CONNECTED,     /* a pair is selected: DTLS and media may use it */
	MBL_ICE_FAILED,        /* see mbl_ice_failure; the agent sends nothing more */
};

/* Why an agent failed: X(enum tail, reason as reports print it). */
#define MBL_ICE_FAIL_LIST(X)                                                   \
	X(NONE, "none")                                                        \
	X(CHECKS_FAILED, "ice_checks_failed") /* every pair failed */          \
	X(TIMEOUT, "ice_timeout")             /* no pair within select_timeout_ms */ \
	X(CONSENT_LOST, "ice_consent_lost")   /* RFC 7675 5.1: 30 s unanswered */

#define MBL_ICE_FAIL_ENUM_(e, s) MBL_ICE_FAIL_##e,
enum mbl_ice_fail { MBL_ICE_FAIL_LIST(MBL_ICE_FAIL_ENUM_) MBL_ICE_FAIL_MAX };
#undef MBL_ICE_FAIL_ENUM_

const char *mbl_ice_fail_name(enum mbl_ice_fail f);

/* Counters of one agent: X(field, description). The agent's thread writes
 * them; another thread reading them sees possibly stale values. */
#define MBL_ICE_COUNTER_LIST(X)                                                     \
	X(checks_sent, "connectivity checks sent (first transmissions, consent excluded)") \
	X(retransmits, "requests sent again after their RTO")                          \
	X(checks_received, "binding requests received")                              \
	X(checks_answered, "success responses sent")                                 \
	X(errors_sent, "error responses sent (400, 401, 420, 487)")                  \
	X(responses_received, "authenticated responses to our requests")             \
	X(responses_unmatched, "responses with no transaction of ours")              \
	X(bad_integrity, "MESSAGE-INTEGRITY missing or wrong")                       \
	X(bad_fingerprint, "FINGERPRINT wrong (datagram dropped)")                   \
	X(bad_username, "USERNAME not ours (401)")                                   \
	X(malformed, "datagrams that are not valid STUN")                            \
	X(ignored, "valid STUN we do not use (indications, other methods, failed agent)") \
	X(role_conflicts, "role conflicts seen (487 sent or received, or a switch)") \
	X(prflx_learned, "peer-reflexive remote candidates learned")                 \
	X(pairs_failed, "candidate pairs whose check failed or timed out")           \
	X(consent_sent, "consent checks sent (RFC 7675)")                            \
	X(consent_lost, "selected pairs that lost consent")                          \
	X(early_datagrams, "DTLS or media datagrams before a pair was selected")     \
	X(send_errors, "datagrams the send callback refused")

#define MBL_ICE_COUNTER_FIELD_(f, d) uint64_t f;
struct mbl_ice_counters {
	MBL_ICE_COUNTER_LIST(MBL_ICE_COUNTER_FIELD_)
	uint64_t select_ns;            /* mbl_ice_start to selected pair; 0 until then */
};
#undef MBL_ICE_COUNTER_FIELD_

/* The counters' names, in MBL_ICE_COUNTER_LIST order (for reports). */
extern const char *const mbl_ice_counter_names[];
extern const unsigned mbl_ice_n_counters;
/* Counter i of c (i < mbl_ice_n_counters). */
uint64_t mbl_ice_counter(const struct mbl_ice_counters *c, unsigned i);

/* Fill buf with n random bytes. Transaction ids come from it, so in
 * production it must be a CSPRNG (RFC 7675 5.1: unpredictable ids). */
typedef void (*mbl_ice_random_fn)(void *user, uint8_t *buf, size_t n);
/* Send one datagram from our candidate `from` to `to`. The bytes are valid
 * only during the call. Return 0, or a negative value (counted). */
typedef int (*mbl_ice_send_fn)(void *user, const struct mbl_stun_addr *from,
			       const struct mbl_stun_addr *to, const uint8_t *buf, size_t len);

/* Configuration; zero fields take the default named beside them. */
struct mbl_ice_conf {
	bool lite;                     /* we are ICE lite (RFC 8445 2.5) */
	bool offerer;                  /* we sent the offer (roles, RFC 8445 6.1.1) */
	struct mbl_stun_addr local[MBL_ICE_MAX_LOCAL]; /* host candidates, one per family */
	unsigned n_local;
	uint32_t ta_ms;                /* 50: pacing of checks (RFC 8445 14.2) */
	uint32_t rto_ms;               /* 500: first RTO (RFC 8445 14.3, RFC 8489 6.2.1) */
	uint32_t max_transmits;        /* 7: Rc, transmissions per request (RFC 8489 6.2.1) */
	uint32_t rm;                   /* 16: Rm, last wait = Rm * first RTO */
	uint32_t nominate_wait_ms;     /* 1000: after the first valid pair, nominate the
					* best one even if better pairs are pending */
	uint32_t consent_min_ms;       /* 4000 \ consent check interval, uniformly */
	uint32_t consent_max_ms;       /* 6000 / random in between (RFC 7675 5.1) */
	uint32_t consent_timeout_ms;   /* 30000 (RFC 7675 5.1) */
	uint32_t select_timeout_ms;    /* 0: none; else fail with ice_timeout */
	/* our credentials when the SDP was written before the agent was made
	 * (RFC 8839 5.4 ice-chars: ufrag 4..32, pwd 22..64); NULL: drawn from
	 * random (MBL_ICE_UFRAG_LEN and MBL_ICE_PWD_LEN characters) */
	const char *ufrag, *pwd;
	mbl_ice_random_fn random;      /* required */
	mbl_ice_send_fn send;          /* required */
	void *user;                    /* passed to both callbacks */
};

/* A remote or local candidate. */
struct mbl_ice_cand {
	struct mbl_stun_addr addr;
	uint32_t priority;
	uint8_t type;                  /* enum mbl_ice_cand_type */
	char foundation[MBL_ICE_FOUNDATION_MAX + 1];
};

enum mbl_ice_pair_state {          /* RFC 8445 6.1.2.6 */
	MBL_ICE_PAIR_FROZEN = 0,
	MBL_ICE_PAIR_WAITING,
	MBL_ICE_PAIR_IN_PROGRESS,
	MBL_ICE_PAIR_SUCCEEDED,        /* valid (RFC 8445 7.2.5.3.2) */
	MBL_ICE_PAIR_FAILED,
};

struct mbl_ice_pair {
	uint64_t priority;             /* RFC 8445 6.1.2.3, for the current roles */
	uint64_t ok_sent_ns;           /* send time of the last request answered with success */
	uint8_t local, remote;         /* indices into local[] and remote[] */
	uint8_t state;                 /* enum mbl_ice_pair_state */
	bool nominated;                /* RFC 8445 8.1.1 / 7.3.1.5 */
	bool nominate_on_success;      /* controlled: USE-CANDIDATE came before success */
	bool triggered;                /* in the triggered-check queue */
	bool use_candidate;            /* controlling: its next check nominates it */
};

/* One outstanding request (RFC 8489 6.2.1 retransmissions). */
struct mbl_ice_txn {
	uint8_t tid[MBL_STUN_TID_LEN];
	uint8_t pair;
	uint8_t kind;                  /* check, nomination or consent */
	uint8_t transmits;             /* sent so far */
	bool active;
	bool cancelled;                /* RFC 8445 7.3.1.4: no retransmission, no failure */
	bool controlling;              /* our role when it was first sent */
	uint32_t rto0_ms, rto_ms;      /* first and current RTO */
	uint64_t sent_ns;              /* last transmission */
	uint64_t due_ns;               /* next retransmission, or the timeout */
};

/* The agent: caller-allocated (sizeof about 3 KB), no pointers to free.
 * Fields are the agent's own: read them for diagnostics only; the tests
 * set tiebreaker directly to script role conflicts. */
struct mbl_ice_agent {
	struct mbl_ice_conf conf;      /* defaults filled in */
	uint8_t state;                 /* enum mbl_ice_state */
	uint8_t failure;               /* enum mbl_ice_fail */
	bool controlling;
	bool remote_lite;
	bool have_remote;              /* mbl_ice_set_remote done */
	bool started;
	uint64_t tiebreaker;           /* RFC 8445 16.1 */
	char ufrag[MBL_ICE_LOCAL_UFRAG_MAX + 1], pwd[MBL_ICE_LOCAL_PWD_MAX + 1];
	char rufrag[MBL_ICE_CRED_MAX + 1], rpwd[MBL_ICE_CRED_MAX + 1];
	struct mbl_ice_cand local[MBL_ICE_MAX_LOCAL];
	struct mbl_ice_cand remote[MBL_ICE_MAX_REMOTE];
	unsigned n_remote, n_sdp_remote;
	struct mbl_ice_pair pairs[MBL_ICE_MAX_PAIRS];
	unsigned n_pairs;
	uint8_t trig[MBL_ICE_MAX_PAIRS]; /* triggered-check FIFO of pair indices */
	unsigned trig_head, trig_n;
	struct mbl_ice_txn txn[MBL_ICE_MAX_TXN];
	int selected;                  /* pair index, -1: none */
	int nominating;                /* controlling: pair being nominated, -1: none */
	uint64_t start_ns;
	uint64_t next_check_ns;        /* Ta pacing */
	uint64_t first_valid_ns;       /* controlling: first pair succeeded (0: none yet) */
	uint64_t next_consent_ns;      /* next consent check (full agent, connected) */
	uint64_t consent_until_ns;     /* consent expiry */
	unsigned prflx_seq;            /* foundations of learned candidates */
	struct mbl_ice_counters c;
};

/* Set a up from conf: copies conf (defaults filled in; conf->ufrag and
 * conf->pwd are copied, the pointers not kept), draws the tie-breaker (and
 * ufrag and pwd unless given) from conf->random, makes the host
 * candidates. Returns 0 or -EINVAL (no callback, n_local 0 or above
 * MBL_ICE_MAX_LOCAL, two local candidates of one family, a family other
 * than 4/6, a port 0, consent_min_ms > consent_max_ms, a given ufrag or
 * pwd of the wrong length or with a character outside ice-char). From then on incoming checks are answered (a peer may
 * check before our answer reaches it). Any thread, before the agent is
 * handed to its owner. */
int mbl_ice_init(struct mbl_ice_agent *a, const struct mbl_ice_conf *conf);

/* Our credentials for SDP a=ice-ufrag / a=ice-pwd (terminated strings in a). */
const char *mbl_ice_local_ufrag(const struct mbl_ice_agent *a);
const char *mbl_ice_local_pwd(const struct mbl_ice_agent *a);
/* Our host candidate i (i < conf.n_local) for a=candidate, or NULL. */
const struct mbl_ice_cand *mbl_ice_local_candidate(const struct mbl_ice_agent *a, unsigned i);

/* The peer's a=ice-ufrag, a=ice-pwd and a=ice-lite. Decides the roles
 * (RFC 8445 6.1.1): a lite agent is controlled; a full agent facing a lite
 * one is controlling; otherwise the offerer is. Returns 0, -EINVAL (ufrag
 * shorter than 4 or pwd shorter than 22 characters, or a character outside
 * ice-char, RFC 8839 5.4), -ENAMETOOLONG (above 256) or -EALREADY (set
 * before: an ICE restart is not supported). Owner thread. */
int mbl_ice_set_remote(struct mbl_ice_agent *a, const char *ufrag, const char *pwd, bool lite);

/* One a=candidate of the peer (component 1; others are the caller's to
 * skip). ip is text (IPv4 or IPv6), foundation 1..32 characters. A second
 * candidate with the same address keeps the higher priority. Returns 0,
 * -EINVAL (bad ip, foundation or type, port or priority 0),
 * -EAFNOSUPPORT (we have no local candidate of that family: skipped),
 * -ENOSPC (MBL_ICE_MAX_SDP_CANDS reached). Owner thread; before or after mbl_ice_start. */
int mbl_ice_add_remote_candidate(struct mbl_ice_agent *a, const char *foundation,
				 uint32_t priority, const char *ip, uint16_t port,
				 enum mbl_ice_cand_type type);

/* Start checks at now_ns (a full agent needs mbl_ice_set_remote first: the
 * checks carry the peer's ufrag and password). Returns 0, -EAGAIN (full
 * agent, no remote credentials yet) or -EALREADY. Owner thread. */
int mbl_ice_start(struct mbl_ice_agent *a, uint64_t now_ns);

/* One received datagram the RFC 7983 demultiplexer classified as STUN
 * (first byte 0..3), from src to our local candidate of src's family.
 * Answers checks (through the send callback), learns peer-reflexive
 * candidates, takes responses. Returns 0 when the datagram was used, or
 * the negative reason it was dropped (-EBADMSG malformed or bad
 * fingerprint, -EACCES failed authentication, -ENOENT no transaction,
 * -EPERM agent failed or no local candidate of src's family, -EPROTO
 * valid STUN we do not use, or a request answered with 400/420); every
 * drop is also counted. The caller owns buf throughout. Owner thread; call
 * mbl_ice_poll afterwards (the next deadline may have moved closer). */
int mbl_ice_input(struct mbl_ice_agent *a, uint64_t now_ns, const struct mbl_stun_addr *src,
		  const uint8_t *buf, size_t len);

/* Run what is due at now_ns (paced checks, retransmissions, timeouts,
 * nomination, consent) and return the now_ns clock time at which it next
 * needs to run: UINT64_MAX when nothing is pending (FAILED, or idle).
 * Calling earlier is harmless. Owner thread. */
uint64_t mbl_ice_poll(struct mbl_ice_agent *a, uint64_t now_ns);

enum mbl_ice_state mbl_ice_state(const struct mbl_ice_agent *a);
enum mbl_ice_fail mbl_ice_failure(const struct mbl_ice_agent *a);
bool mbl_ice_controlling(const struct mbl_ice_agent *a);

/* The selected pair: our local and the peer's address. 0, or -EAGAIN
 * (none selected). Either pointer may be NULL. */
int mbl_ice_selected(const struct mbl_ice_agent *a, struct mbl_stun_addr *local,
		     struct mbl_stun_addr *remote);

/* Whether DTLS and media may be sent at now_ns: a pair is selected and
 * (full agent) its consent has not expired (RFC 7675 5.1). Send them only
 * to the selected remote address. */
bool mbl_ice_may_send_media(const struct mbl_ice_agent *a, uint64_t now_ns);

/* A DTLS or media datagram arrived before selection (counted only; the
 * caller decides whether to hold it). */
void mbl_ice_note_early(struct mbl_ice_agent *a);

const struct mbl_ice_counters *mbl_ice_counters(const struct mbl_ice_agent *a);

#endif /* MBL_STUN_H */
