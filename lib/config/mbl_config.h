/* SPDX-License-Identifier: BSD-3-Clause
 * mediablast configuration: one schema table (config_schema.c) drives INI and
 * command-line parsing, per-key validation, defaults, --help, docs/config.md
 * and the JSON echo of the effective configuration in reports.
 *
 * Threads: everything here runs on the control plane before the workers
 * launch. struct mbl_config is a plain struct, frozen once the lcores start;
 * after that every thread may read it without locks and nobody writes it.
 *
 * Errors: functions return 0 or -errno and fill err (if errlen > 0) with one
 * line "ORIGIN[:LINE]: section.key: problem", e.g.
 *   "scenario.ini:12: media.ptime: 70 is out of range 10..60".
 */
#ifndef MBL_CONFIG_H
#define MBL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct mbl_json;

/* String capacities (bytes, including the NUL). A longer value is an error. */
#define MBL_CONFIG_PATH_LEN 256 /* run.report, port.profile, media.payload_file */
#define MBL_CONFIG_IFACE_LEN 128 /* port.iface: interface name or socket path */
#define MBL_CONFIG_ADDR_LEN 128 /* address, "a-b" range or CIDR */
#define MBL_CONFIG_MAC_LEN 18  /* "aa:bb:cc:dd:ee:ff" */
#define MBL_CONFIG_DTMF_LEN 64
#define MBL_CONFIG_EAL_LEN 1024
#define MBL_CONFIG_CRYPTO_LEN 160 /* a=crypto value: suite, inline key, lifetime, MKI */

/* media.pt = "auto": use the codec's static payload type (PCMU 0, PCMA 8,
 * G722 9, G729 18) or 111 for opus; see mbl_config_media_pt(). */
#define MBL_CONFIG_PT_AUTO (-1)
/* run.duration = auto: 10 s for a media run and a UAC without call.total,
 * until call.total is done for a UAC with one, until interrupted for a
 * UAS (as SIPp's uas); mbl_config_duration_s() resolves it. */
#define MBL_CONFIG_DURATION_AUTO (-1)

enum mbl_config_search { MBL_CONFIG_SEARCH_OFF = 0, MBL_CONFIG_SEARCH_CPS, MBL_CONFIG_SEARCH_CALLS };

enum mbl_config_role {
	MBL_CONFIG_ROLE_UAC = 0, /* SIP milestone: the app refuses it for now */
	MBL_CONFIG_ROLE_UAS,     /* SIP milestone: the app refuses it for now */
	MBL_CONFIG_ROLE_MEDIA,   /* RTP only, addresses and ports from [media] */
};

/* Same order and meaning as enum mbl_port_cksum. */
enum mbl_config_cksum {
	MBL_CONFIG_CKSUM_AUTO = 0,
	MBL_CONFIG_CKSUM_ON,
	MBL_CONFIG_CKSUM_OFF,
};

enum mbl_config_codec {
	MBL_CONFIG_CODEC_PCMU = 0,
	MBL_CONFIG_CODEC_PCMA,
	MBL_CONFIG_CODEC_G722,
	MBL_CONFIG_CODEC_G729,
	MBL_CONFIG_CODEC_OPUS,
};

/* the order of enum mbl_sip_proto (app/sip_conf.c casts one to the other) */
enum mbl_config_transport {
	MBL_CONFIG_TP_UDP = 0, MBL_CONFIG_TP_TCP, MBL_CONFIG_TP_TLS, MBL_CONFIG_TP_WS,
	MBL_CONFIG_TP_WSS,
};
enum mbl_config_encryption {
	MBL_CONFIG_ENC_NONE = 0, MBL_CONFIG_ENC_SDES, MBL_CONFIG_ENC_DTLS, MBL_CONFIG_ENC_DUAL,
};
enum mbl_config_policy {
	MBL_CONFIG_POLICY_REQUIRED = 0, MBL_CONFIG_POLICY_OPTIONAL, MBL_CONFIG_POLICY_OFF,
};
enum mbl_config_feedback { MBL_CONFIG_FB_NONE = 0, MBL_CONFIG_FB_AVPF };
/* ICE agent (RFC 8445): none, lite (answers checks only), full */
enum mbl_config_ice { MBL_CONFIG_ICE_OFF = 0, MBL_CONFIG_ICE_LITE, MBL_CONFIG_ICE_FULL };
/* media.preset: a set of media keys at once (see mbl_config_preset_apply) */
enum mbl_config_preset { MBL_CONFIG_PRESET_NONE = 0, MBL_CONFIG_PRESET_WEBRTC };

#define MBL_CONFIG_HOST_LEN 256
#define MBL_CONFIG_LIST_LEN 256

enum mbl_config_rx_verify {
	MBL_CONFIG_RX_DECRYPT = 0,
	MBL_CONFIG_RX_AUTH_ONLY,
};

enum mbl_config_srtp_engine {
	MBL_CONFIG_SRTP_LIBSRTP = 0,
	MBL_CONFIG_SRTP_CRYPTODEV,
};

enum mbl_config_payload {
	MBL_CONFIG_PAYLOAD_TONE = 0,
	MBL_CONFIG_PAYLOAD_FILE,
	MBL_CONFIG_PAYLOAD_PROBE,
};

struct mbl_config_run {
	enum mbl_config_role role;
	int32_t duration;           /* seconds; 0 until interrupted; MBL_CONFIG_DURATION_AUTO */
	uint32_t drain_ms;          /* SIP roles: the end of the run, at most */
	char report[MBL_CONFIG_PATH_LEN]; /* JSON report path, "" = none */
	char key_log[MBL_CONFIG_PATH_LEN]; /* SRTP key log, "" = none (default) */
	char cdr[MBL_CONFIG_PATH_LEN];     /* per-call CSV records, "" = none */
	char html[MBL_CONFIG_PATH_LEN];    /* HTML report of the JSON one, "" = none */
	char modes[64];                    /* UAC: one run per listed mode, "" = one run */
	enum mbl_config_search search;     /* UAC: capacity search, one run per level */
	uint32_t search_start, search_step, search_max, search_bisect;
	bool console;
	uint32_t stats_interval_ms;
	bool telemetry;
};

struct mbl_config_port {
	char profile[MBL_CONFIG_PATH_LEN]; /* drivers-config name or path */
	char iface[MBL_CONFIG_IFACE_LEN];  /* replaces ${iface} in eal.args */
	uint16_t id;
	uint16_t rx_queues;
	uint16_t tx_queues;
	uint16_t rx_desc;
	uint16_t tx_desc;
	uint32_t mbufs;
	uint16_t burst;
	bool rss;
	enum mbl_config_cksum cksum_offload;
	enum mbl_config_cksum rx_timestamp; /* same auto/on/off meaning */
	uint32_t rx_timestamp_hz;           /* 0 = known for the driver or measured */
	bool promisc;
	uint16_t mtu;
	uint32_t tx_coalesce_us;            /* 0 = send every poll */
	bool idle_sleep;
	uint32_t link_wait_ms;              /* wait this long for link up at start */
};

struct mbl_config_media {
	char local_ip[MBL_CONFIG_ADDR_LEN];  /* address, "a-b" or CIDR */
	char remote_ip[MBL_CONFIG_ADDR_LEN];
	char gateway[MBL_CONFIG_ADDR_LEN];   /* "" = remotes are on-link */
	char remote_mac[MBL_CONFIG_MAC_LEN]; /* "" = resolve with ARP */
	uint16_t vlan;                       /* 0 = untagged */
	uint8_t dscp;
	uint16_t local_port;
	uint16_t remote_port;
	uint16_t port_step;
	uint32_t streams;
	enum mbl_config_codec codec;
	int16_t pt;                          /* 0..127 or MBL_CONFIG_PT_AUTO */
	uint16_t ptime;                      /* ms, multiple of 10 */
	enum mbl_config_payload payload;
	char payload_file[MBL_CONFIG_PATH_LEN];
	uint16_t tone_hz;
	int16_t tone_level_dbm0;
	char dtmf[MBL_CONFIG_DTMF_LEN];      /* 0-9 * # A-D (a-d accepted) */
	uint32_t dtmf_interval_ms;
	uint16_t dtmf_duration_ms;
	uint16_t dtmf_pt;
	bool rtcp;
	uint32_t rtcp_interval_ms;
	bool rtcp_mux;
	bool rtcp_xr;                        /* RFC 3611 blocks in every compound */
	uint32_t ssrc_seed;                  /* 0 = random per run */
	uint32_t start_spread_ms;            /* 0 = spread over one ptime */
	uint32_t rx_timeout_ms;
	uint32_t rx_stall_us;                /* 0 = trust every arrival time */
	enum mbl_config_srtp_engine srtp_engine;
	char srtp_device[MBL_CONFIG_IFACE_LEN];  /* "" = crypto_aesni_mb0, made by us */
	char tx_crypto[MBL_CONFIG_CRYPTO_LEN]; /* a=crypto form; secret */
	char rx_crypto[MBL_CONFIG_CRYPTO_LEN];
	char tx_crypto_next[MBL_CONFIG_CRYPTO_LEN]; /* rekey; secret */
	char rx_crypto_next[MBL_CONFIG_CRYPTO_LEN];
	uint32_t rekey_after_ms;             /* 0 = never */
	enum mbl_config_rx_verify rx_verify;
	enum mbl_config_encryption encryption;
	enum mbl_config_policy policy;
	enum mbl_config_feedback feedback;
	enum mbl_config_ice ice;
	bool bundle;                            /* offer a=group:BUNDLE + a=mid */
	enum mbl_config_preset preset;
	char codecs[MBL_CONFIG_LIST_LEN];       /* "" = media.codec only */
	char crypto_suites[MBL_CONFIG_LIST_LEN];
	uint32_t dtls_timeout_ms;            /* one handshake's limit */
	uint32_t dtls_rto_ms;                /* first retransmission timeout */
};


struct mbl_config_sip {
	enum mbl_config_transport transport;
	char listen[MBL_CONFIG_HOST_LEN];   /* local IP:port, ranges, comma list */
	char target[MBL_CONFIG_HOST_LEN];   /* UAC: peer host:port or sip: URI */
	char from_user[64], to_user[64], domain[MBL_CONFIG_HOST_LEN];
	char user_agent[64];
	uint32_t t1_ms, t2_ms, t4_ms;
	uint32_t max_transactions;          /* 0 = auto */
	char tls_ca_file[MBL_CONFIG_PATH_LEN];
	char tls_cert_file[MBL_CONFIG_PATH_LEN];
	char tls_key_file[MBL_CONFIG_PATH_LEN];
	bool tls_verify;
	char tls_server_name[MBL_CONFIG_HOST_LEN];
	char ws_path[MBL_CONFIG_HOST_LEN];  /* WS client: request-target, "/..." */
	char ws_origin[MBL_CONFIG_HOST_LEN]; /* WS client: Origin; "" = none */
	char auth_user[64];
	char auth_password[128];            /* secret */
	char inject_file[MBL_CONFIG_PATH_LEN];
	char auth_realm[128];               /* UAS: challenge in this realm; "" never */
	char auth_algorithms[64];           /* UAS: offered, preferred first */
	uint32_t auth_nonce_ttl_s;          /* UAS: older nonces are stale */
	bool reg;                           /* UAC: sip.register */
	uint32_t reg_expires;               /* UAC: Expires asked for (s) */
	uint32_t reg_rate;                  /* UAC: first REGISTERs/s; 0 = call.rate */
};

struct mbl_config_call {
	uint32_t rate;             /* calls/s */
	uint32_t ramp_ms;          /* from 0 to rate over this time */
	uint32_t limit;            /* concurrent calls */
	uint64_t total;            /* 0 = until run.duration */
	char hold[64];             /* fixed:MS | uniform:MIN-MAX | exp:MEAN (ms) */
	uint32_t answer_delay_ms;  /* UAS: 180 then 200 after this */
	uint16_t answer_code;      /* UAS: final answer (200, or a failure) */
	uint16_t fail_code;        /* UAS: failure answer for fail_pct of calls */
	uint32_t fail_pct;
	bool uas_hangup;           /* UAS sends BYE after the hold time */
	uint32_t hold_after_ms;    /* re-INVITE a=sendonly this long after the answer; 0 never */
	uint32_t hold_for_ms;      /* then a=sendrecv this long after the hold */
	uint32_t timeout_ms;       /* UAC: no final answer by then -> CANCEL */
	bool media;                /* RTP per call (false: signaling only) */
};

/* verdict.*: thresholds as written ("" = not checked), checked numbers;
 * lib/verdict reads them (mbl_verdict_parse) */
#define MBL_CONFIG_NUM_LEN 24
struct mbl_config_verdict {
	char asr_min[MBL_CONFIG_NUM_LEN];
	char loss_max[MBL_CONFIG_NUM_LEN];
	char jitter_ms_max[MBL_CONFIG_NUM_LEN];
	char mos_p5_min[MBL_CONFIG_NUM_LEN];
	char setup_ms_p99_max[MBL_CONFIG_NUM_LEN];
	char pdd_ms_p99_max[MBL_CONFIG_NUM_LEN];
	char handshake_ms_p99_max[MBL_CONFIG_NUM_LEN];
	char srtp_auth_failures_max[MBL_CONFIG_NUM_LEN];
};

struct mbl_config {
	struct mbl_config_run run;
	struct mbl_config_sip sip;
	struct mbl_config_call call;
	struct mbl_config_port port;
	struct mbl_config_media media;
	struct mbl_config_verdict verdict;
	/* Key eal.args (usually from a drivers-config profile): EAL arguments
	 * the app uses when the user gave none. After mbl_config_parse_args()
	 * the placeholders ${iface} and ${queues} are already replaced. */
	char eal_args[MBL_CONFIG_EAL_LEN];
};

/* Set the keys preset stands for on cfg: webrtc is encryption dtls,
 * feedback avpf (UDP/TLS/RTP/SAVPF), rtcp_mux true, ice full, bundle true
 * (DTLS roles follow RFC 5763: offer actpass, answer active).
 * mbl_config_parse_args applies it right after the defaults, so every key
 * set in a profile, the scenario or on the command line overrides it,
 * wherever media.preset itself was written. */
/* run.duration in seconds for cfg's role, auto resolved; 0 means no bound
 * (until interrupted, or until call.total is done). */
uint32_t mbl_config_duration_s(const struct mbl_config *cfg);

void mbl_config_preset_apply(struct mbl_config *cfg, enum mbl_config_preset preset);

/* Filled by mbl_config_parse_args(); the caller sets profile_dirs. */
struct mbl_config_cli {
	/* in: NULL-terminated list of directories holding <name>.ini profiles,
	 * searched in order; NULL means { "drivers-config", NULL } (cwd). */
	const char *const *profile_dirs;
	/* out */
	bool help;                    /* --help */
	bool help_md;                 /* --help-config-md */
	bool version;                 /* --version */
	const char *config_path;      /* --config FILE (points into argv) */
	char profile_path[MBL_CONFIG_PATH_LEN + 64]; /* profile loaded, or "" */
};

/* Fill cfg with every key's default (from the schema). Never fails. */
void mbl_config_defaults(struct mbl_config *cfg);

/* Apply the INI file at path on top of cfg. Accepts [section] headers,
 * "key = value" (plain keys inside a section, "section.key" anywhere), '#'
 * and ';' comments (whole line, or after whitespace), optional double
 * quotes around values. A key given twice in one file is an error naming
 * both lines. Returns 0; -ENOENT (or another -errno) if the file cannot be
 * opened ("x.ini: cannot open: ..."); -EINVAL for a syntax error, unknown
 * section or key (with a did-you-mean) or a bad value. On error cfg may
 * hold the keys applied before the failing line. */
int mbl_config_load_file(struct mbl_config *cfg, const char *path,
			 char *err, size_t errlen);

/* Apply one "section.key=value" (value may be double-quoted). origin names
 * the source in messages (e.g. "--set"; NULL means "--set"). Returns 0 or
 * -EINVAL (no '=', unknown key, bad value). */
int mbl_config_set(struct mbl_config *cfg, const char *assignment,
		   const char *origin, char *err, size_t errlen);

/* Check cfg: every key against its schema range/format again (the struct
 * may have been edited directly), then the cross-key rules (ptimes the
 * codec allows, payload file, codec/payload combinations, probe size,
 * address families, DTMF pt clash and timing, ${iface} left in eal.args). Returns 0 or -EINVAL; the message
 * names the key(s) involved. */
int mbl_config_validate(const struct mbl_config *cfg, char *err, size_t errlen);

/* Write the value of key ("section.key") as it would be written in a
 * config file (enums canonical, bools true/false, media.pt "auto").
 * Returns 0, -EINVAL for an unknown key, -ENOSPC if buf is too small (buf
 * then holds a truncated NUL-terminated value). */
int mbl_config_get_str(const struct mbl_config *cfg, const char *key,
		       char *buf, size_t len);

/* The payload type to send: media.pt, or the codec's default when auto. */
int mbl_config_media_pt(const struct mbl_config *cfg);

/* Payload bytes one packet of the configured codec and ptime carries
 * (opus: 0, its size varies). */
unsigned int mbl_config_media_payload_bytes(const struct mbl_config *cfg);

/* Human help for every key, grouped by section (type, default, range). */
void mbl_config_print_help(FILE *f);

/* The same as Markdown (one table per section) for docs/config.md. */
void mbl_config_print_md(FILE *f);

/* The effective configuration as one JSON object {section: {key: value}}
 * (numbers, booleans, strings; media.pt may be "auto"). At the top level
 * (j->depth == 0) it is the whole document; nested, it is written as member
 * "config" of the currently open object (not inside an array). */
void mbl_config_dump_json(const struct mbl_config *cfg, struct mbl_json *j);

/* Parse the application arguments (what follows the EAL "--"; argv[0] is
 * the program name, as rte_eal_init() leaves it, and is skipped):
 *   --config FILE         scenario INI (at most once)
 *   --set section.key=V   repeatable
 *   --role R, --duration S, --report FILE, --cdr FILE, --html FILE
 *                         shorthands for run.*
 *   --help, --help-config-md, --version     set the cli flags only
 * Options also accept the "--opt=value" form. Order of application:
 * defaults, then the port.profile INI (found in a first pass over the
 * scenario and --set values; a name is looked up as <dir>/<name>.ini in
 * cli->profile_dirs, a name with '/' is a path), then the scenario file,
 * then --set and shorthands in command-line order. Finally ${iface} and
 * ${queues} in eal.args are replaced by port.iface and
 * max(port.rx_queues, port.tx_queues). When a help or version flag is
 * given, no file is loaded and cfg holds the defaults. Does not call
 * mbl_config_validate(). Returns 0, -EINVAL (unknown option, missing
 * value, bad value...) or -ENOENT (file or profile not found). */
int mbl_config_parse_args(struct mbl_config *cfg, int argc, char **argv,
			  struct mbl_config_cli *cli, char *err, size_t errlen);

/* Replace ${iface} and ${queues} in cfg->eal_args (done by
 * mbl_config_parse_args; exposed for callers that load files directly).
 * Returns 0, or -EINVAL for an unknown placeholder, ${iface} with an empty
 * port.iface, or a result longer than eal.args can hold. */
int mbl_config_expand_eal(struct mbl_config *cfg, char *err, size_t errlen);

/* sip.listen: ITEM[,ITEM...], ITEM = IPS:PORTS where IPS is an address or a
 * range a-b (IPv6 in brackets, varying in its low 32 bits) and PORTS a port
 * or a range p-q; each item gives IPS x PORTS local addresses. At most
 * MBL_CONFIG_LISTEN_MAX in all. */
#define MBL_CONFIG_LISTEN_MAX 1024
/* The number of local addresses (>= 1), or -EINVAL with why. */
int mbl_config_listen_count(const char *v, char *why, size_t len);
/* The i-th local address of v as IP text and port: items in order, and in
 * an item the addresses vary fastest (198.18.0.1-198.18.0.2:5060-5061 is
 * .1:5060, .2:5060, .1:5061, .2:5061), so round-robin over the indexes
 * changes the source IP at every step. 0, or -EINVAL (bad v, i too large). */
int mbl_config_listen_nth(const char *v, uint32_t i, char *ip, size_t iplen, uint16_t *port);

#endif /* MBL_CONFIG_H */
