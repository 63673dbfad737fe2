/* SPDX-License-Identifier: BSD-3-Clause
 * The configuration schema: one row per key. Parsing, validation, defaults,
 * --help, docs/config.md and the JSON echo all read this table, so a key is
 * added in exactly one place (STYLE.md habit 7).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mbl_common.h"
#include "config_priv.h"

/* Enum fields are written through an int: make sure that is their size. */
_Static_assert(sizeof(enum mbl_config_role) == sizeof(int), "enum size");
_Static_assert(sizeof(enum mbl_config_codec) == sizeof(int), "enum size");

static const char *const roles[] = { "uac", "uas", "media", NULL };
static const char *const searches[] = { "off", "cps", "calls", NULL };
static const char *const cksums[] = { "auto", "on", "off", NULL };
static const char *const codecs[] = { "PCMU", "PCMA", "G722", "G729", "opus", NULL };
static const char *const payloads[] = { "tone", "file", "probe", NULL };
static const char *const srtp_engines[] = { "libsrtp", "cryptodev", NULL };
static const char *const rx_verify_modes[] = { "decrypt", "auth_only", NULL };
static const char *const transports[] = { "udp", "tcp", "tls", "ws", "wss", NULL };
static const char *const encryptions[] = { "none", "sdes", "dtls", "dual", NULL };
static const char *const policies[] = { "required", "optional", "off", NULL };
static const char *const feedbacks[] = { "none", "avpf", NULL };
static const char *const ice_modes[] = { "off", "lite", "full", NULL };
static const char *const presets[] = { "none", "webrtc", NULL };

const char *const mbl_config_sections[] = { "run", "sip", "call", "port", "media", "verdict",
					     "eal", NULL };

#define FIELD(f) .off = offsetof(struct mbl_config, f), \
		 .size = sizeof(((struct mbl_config *)0)->f)
#define UINT(s, n, f, lo, hi, d, h) { .section = s, .name = n, \
	.type = MBL_CONFIG_T_UINT, FIELD(f), .min = lo, .max = hi, \
	.def = d, .help = h }
#define INT(s, n, f, lo, hi, d, h) { .section = s, .name = n, \
	.type = MBL_CONFIG_T_INT, FIELD(f), .min = lo, .max = hi, \
	.def = d, .help = h }
#define BOOL(s, n, f, d, h) { .section = s, .name = n, \
	.type = MBL_CONFIG_T_BOOL, FIELD(f), .def = d, .help = h }
#define ENUM(s, n, f, e, d, h) { .section = s, .name = n, \
	.type = MBL_CONFIG_T_ENUM, FIELD(f), .enums = e, .def = d, .help = h }
#define STR(s, n, f, chk, fm, d, h) { .section = s, .name = n, \
	.type = MBL_CONFIG_T_STR, FIELD(f), .check = chk, .fmt = fm, \
	.def = d, .help = h }
#define SECRET(s, n, f, chk, fm, d, h) { .section = s, .name = n, \
	.type = MBL_CONFIG_T_STR, FIELD(f), .check = chk, .fmt = fm, \
	.def = d, .help = h, .secret = true }

const struct mbl_config_key mbl_config_keys[] = {
	ENUM("run", "role", run.role, roles, "media",
	     "Instance role. uac: places calls (SIP) to sip.target; uas: answers calls "
	     "on sip.listen; media: RTP/RTCP streams only, addresses from [media]."),
	{ .section = "run", .name = "duration", .type = MBL_CONFIG_T_INT, FIELD(run.duration),
	  .min = 0, .max = 86400, .auto_ok = true, .def = "auto",
	  .help = "Test duration in seconds; 0 = until interrupted (SIGINT / SIGTERM) or, for a "
		  "UAC, until call.total is done. auto: 10 s for a media run and a UAC without "
		  "call.total, until call.total is done for a UAC with one, until interrupted "
		  "for a UAS." },
	UINT("run", "drain_ms", run.drain_ms, 0, 600000, "4000",
	     "SIP roles: how long the end of the run may take after run.duration. Calls stop "
	     "being placed; for the first half, calls in setup may still be answered; then "
	     "every call is hung up (BYE, or CANCEL / 480 for the unanswered: counted "
	     "calls.cancelled_at_end) and the rest waits for those to end. A signal ends the "
	     "wait at once (exit 3)."),
	STR("run", "report", run.report, NULL, "path", "",
	    "Write the JSON report to this file (\"\" = no report)."),
	STR("run", "cdr", run.cdr, NULL, "path", "",
	    "Write one CSV row per call to this file as each call ends (\"\" = none): "
	    "Call-ID, outcome and reason, SIP status, times, security agreed, handshake and "
	    "ICE times, packets each way, loss, jitter. Columns: docs/report.md. SIP roles only."),
	STR("run", "html", run.html, NULL, "path", "",
	    "Write the HTML report to this file (\"\" = none): one self-contained page drawn "
	    "from the JSON report (run.report, or a temporary file without it) as "
	    "`mediablast html` draws it: summary and verdict, the run over time, distributions. "
	    "With run.modes, one page of every mode's report. docs/html-report.md."),
	STR("run", "modes", run.modes, mbl_config_check_modes, "list", "",
	    "UAC: run the scenario once per media security mode listed (none, sdes, dtls, "
	    "dual; dtls and dual with media.rtcp_mux on), one after the other, each with its "
	    "own report REPORT-MODE.json (and CDR) named after run.report, which it needs; "
	    "then print them side by side (mediablast compare). The UAS must accept them all "
	    "(media.encryption = dual, media.policy = optional, media.rtcp_mux = true)."),
	ENUM("run", "search", run.search, searches, "off",
	     "UAC capacity search: run the scenario at rising levels, one run each judged by its "
	     "verdict (every call succeeded, every verdict.* held), from run.search_start by "
	     "run.search_step up to run.search_max, then run.search_bisect halvings between the "
	     "highest pass and the first fail. cps: the level is call.rate; calls: concurrent "
	     "calls (call.rate = level / mean call.hold). Each run's report is "
	     "REPORT-LEVEL.json; run.report gets the search's summary. Needs run.report."),
	UINT("run", "search_start", run.search_start, 1, 10000000, "10",
	     "First level of run.search."),
	UINT("run", "search_step", run.search_step, 1, 10000000, "10",
	     "Step between run.search levels."),
	UINT("run", "search_max", run.search_max, 1, 10000000, "1000",
	     "Highest run.search level tried."),
	UINT("run", "search_bisect", run.search_bisect, 0, 20, "3",
	     "Halvings between the highest passing and the first failing level."),
	STR("run", "key_log", run.key_log, NULL, "path", "",
	    "Write every SRTP master key in use to this file (mode 0600), one line per "
	    "stream and direction, for decrypting captures. Off by default: keys never "
	    "reach logs, reports or the console otherwise."),
	BOOL("run", "console", run.console, "true",
	     "Print a live console line once a second."),
	UINT("run", "stats_interval_ms", run.stats_interval_ms, 100, 60000, "1000",
	     "Interval at which the control plane aggregates worker statistics."),
	BOOL("run", "telemetry", run.telemetry, "true",
	     "Register rte_telemetry commands for live statistics."),

	STR("port", "profile", port.profile, NULL, "name or path", "",
	    "drivers-config profile: a file name without .ini, or a path with '/'. "
	    "Loaded before the scenario, which overrides it."),
	STR("port", "iface", port.iface, NULL, "name or path", "",
	    "Kernel interface (af_packet, af_xdp, tap, pcap) or memif socket "
	    "path; replaces ${iface} in eal.args."),
	UINT("port", "id", port.id, 0, 65535, "0", "DPDK port id to use."),
	UINT("port", "rx_queues", port.rx_queues, 1, 64, "1",
	     "RX queues (one per data-plane worker)."),
	UINT("port", "tx_queues", port.tx_queues, 1, 64, "1",
	     "TX queues (one per data-plane worker)."),
	UINT("port", "rx_desc", port.rx_desc, 64, 8192, "1024", "RX descriptors per queue."),
	UINT("port", "tx_desc", port.tx_desc, 64, 8192, "1024", "TX descriptors per queue."),
	UINT("port", "mbufs", port.mbufs, 1024, 4194304, "65535",
	     "Mbufs in the packet pool (2^n - 1 is the most memory-efficient)."),
	UINT("port", "burst", port.burst, 1, 256, "32", "RX/TX burst size."),
	BOOL("port", "rss", port.rss, "true",
	     "Spread RX over the queues with RSS where the PMD supports it."),
	ENUM("port", "cksum_offload", port.cksum_offload, cksums, "auto",
	     "IPv4/UDP checksum offload: auto uses it where available, on "
	     "requires it, off computes checksums in software."),
	ENUM("port", "rx_timestamp", port.rx_timestamp, cksums, "auto",
	     "Per-packet receive timestamps from the port for jitter (the mbuf "
	     "timestamp field): auto uses them where the PMD fills them in (RX "
	     "timestamp offload; net_pcap's capture times), on requires them, off "
	     "takes the time of the RX poll. The report says which was used."),
	UINT("port", "rx_timestamp_hz", port.rx_timestamp_hz, 0, UINT32_MAX, "0",
	     "Tick rate of the port's receive timestamps. 0: known for the driver "
	     "(net_pcap 1000000), else measured against the TSC with "
	     "rte_eth_read_clock at start."),
	BOOL("port", "promisc", port.promisc, "false", "Put the port in promiscuous mode."),
	UINT("port", "mtu", port.mtu, 576, 9600, "1500", "Port MTU in bytes."),
	UINT("port", "tx_coalesce_us", port.tx_coalesce_us, 0, 1000, "0",
	     "Hold due packets up to this long to send them in one burst. For PMDs "
	     "where every TX burst is a system call (af_packet, tap); 0 sends at once. "
	     "Included in pacing.lateness_us."),
	UINT("port", "link_wait_ms", port.link_wait_ms, 0, 600000, "3000",
	     "At start, wait this long for the link to come up before the run (and its "
	     "duration) begins; a link still down then is reported and the run goes on. "
	     "The memif profiles set 30000: the peer instance may start seconds later."),
	BOOL("port", "idle_sleep", port.idle_sleep, "false",
	     "Let a worker sleep when nothing is due for a while, to share its core "
	     "with other processes (small labs); costs RX timestamp precision. "
	     "Leave false for measurements on dedicated cores."),

	STR("media", "local_ip", media.local_ip, mbl_config_check_addr,
	    "address, a-b or CIDR", "198.18.0.1",
	    "Local media address(es) the data plane owns (answers ARP and ping)."),
	STR("media", "remote_ip", media.remote_ip, mbl_config_check_addr,
	    "address, a-b or CIDR", "198.18.0.2", "Remote media address(es)."),
	STR("media", "gateway", media.gateway, mbl_config_check_host, "address", "",
	    "Next hop for remote addresses outside the local subnet (\"\" = none)."),
	STR("media", "remote_mac", media.remote_mac, mbl_config_check_mac,
	    "aa:bb:cc:dd:ee:ff", "",
	    "Static next-hop MAC; skips ARP (\"\" = resolve with ARP)."),
	UINT("media", "vlan", media.vlan, 0, 4094, "0", "802.1Q VLAN id (0 = untagged)."),
	UINT("media", "dscp", media.dscp, 0, 63, "46", "DSCP of media packets (46 = EF)."),
	UINT("media", "local_port", media.local_port, 1024, 65534, "20000",
	     "First local RTP port."),
	UINT("media", "remote_port", media.remote_port, 1024, 65534, "20000",
	     "First remote RTP port."),
	UINT("media", "port_step", media.port_step, 1, 1000, "2",
	     "Stream i uses port base + i*step; RTCP on RTP port + 1 unless rtcp_mux."),
	UINT("media", "streams", media.streams, 1, 2000000, "100", "Number of RTP streams."),
	ENUM("media", "codec", media.codec, codecs, "PCMU",
	     "Codec (case-insensitive)."),
	{ .section = "media", .name = "pt", .type = MBL_CONFIG_T_INT, FIELD(media.pt),
	  .min = 0, .max = 127, .auto_ok = true, .def = "auto",
	  .help = "RTP payload type; auto = the codec's static type "
		  "(PCMU 0, PCMA 8, G722 9, G729 18) or 111 for opus." },
	{ .section = "media", .name = "ptime", .type = MBL_CONFIG_T_UINT,
	  FIELD(media.ptime), .min = 10, .max = 60, .step = 10, .def = "20",
	  .help = "Packetization time in ms (a multiple of 10)." },
	ENUM("media", "payload", media.payload, payloads, "tone",
	     "Payload: tone (generated sine), file (media.payload_file, raw "
	     "encoded frames), probe (timestamp, sequence and stream id for "
	     "one-way delay and integrity)."),
	STR("media", "payload_file", media.payload_file, NULL, "path", "",
	    "Raw encoded payload, looped (required when payload = file)."),
	UINT("media", "tone_hz", media.tone_hz, 50, 4000, "1000", "Tone frequency in Hz."),
	INT("media", "tone_level_dbm0", media.tone_level_dbm0, -60, 3, "-10",
	    "Tone level in dBm0."),
	STR("media", "dtmf", media.dtmf, mbl_config_check_dtmf, "digits 0-9*#A-D", "",
	    "DTMF digits to send as RFC 4733 events, one every dtmf_interval_ms "
	    "(\"\" = none). Quote a value that starts with '#'."),
	UINT("media", "dtmf_interval_ms", media.dtmf_interval_ms, 100, 60000, "2000",
	     "Time between the starts of two DTMF digits."),
	UINT("media", "dtmf_duration_ms", media.dtmf_duration_ms, 40, 2000, "100",
	     "Duration of one DTMF digit."),
	UINT("media", "dtmf_pt", media.dtmf_pt, 96, 127, "101",
	     "Payload type of telephone-event packets."),
	BOOL("media", "rtcp", media.rtcp, "true", "Send RTCP sender reports."),
	UINT("media", "rtcp_interval_ms", media.rtcp_interval_ms, 500, 60000, "5000",
	     "RTCP report interval."),
	BOOL("media", "rtcp_mux", media.rtcp_mux, "false",
	     "Send RTCP on the RTP port (RFC 5761)."),
	BOOL("media", "rtcp_xr", media.rtcp_xr, "false",
	     "Add RTCP XR (RFC 3611) to every compound: a statistics summary of the "
	     "interval (loss, duplicates, transit-time spread) and VoIP metrics of the "
	     "stream (loss rate, burst/gap model, RTT, R factor, MOS). Peers' XR are read "
	     "either way."),
	UINT("media", "ssrc_seed", media.ssrc_seed, 0, UINT32_MAX, "0",
	     "Seed for stream SSRCs (0 = random per run)."),
	UINT("media", "start_spread_ms", media.start_spread_ms, 0, 60000, "0",
	     "Spread stream starts over this time (0 = evenly over one ptime)."),
	UINT("media", "rx_timeout_ms", media.rx_timeout_ms, 100, 60000, "2000",
	     "A stream that received nothing for this long at the end counts as "
	     "\"no media\"."),
	ENUM("media", "srtp_engine", media.srtp_engine, srtp_engines, "libsrtp",
	     "SRTP engine for media.tx_crypto / media.rx_crypto: libsrtp (libsrtp2, "
	     "the reference) or cryptodev (DPDK cryptodev: AES-NI multi-buffer by "
	     "default, see media.srtp_device; bit-identical to libsrtp)."),
	STR("media", "srtp_device", media.srtp_device, NULL, "cryptodev name", "",
	    "Cryptodev for media.srtp_engine = cryptodev. \"\" creates crypto_aesni_mb0 "
	    "(AES-NI multi-buffer) itself; a name uses a device the EAL arguments "
	    "created (e.g. crypto_openssl0 with --vdev crypto_openssl0, or a QAT VF)."),
	SECRET("media", "tx_crypto", media.tx_crypto, mbl_config_check_crypto,
	       "[tag] SUITE inline:KEY||SALT[|lifetime][|MKI:len]", "",
	       "SRTP for what this instance sends, in the a=crypto form of RFC 4568 "
	       "(e.g. AES_CM_128_HMAC_SHA1_80 inline:<base64 of key and salt>); the same key "
	       "for every stream. \"\" = plain RTP. Never echoed in reports or logs."),
	SECRET("media", "rx_crypto", media.rx_crypto, mbl_config_check_crypto,
	       "[tag] SUITE inline:KEY||SALT[|lifetime][|MKI:len]", "",
	       "SRTP for what this instance receives (the peer's tx_crypto). \"\" = "
	       "plain RTP. Never echoed in reports or logs."),
	SECRET("media", "tx_crypto_next", media.tx_crypto_next, mbl_config_check_crypto,
	       "[tag] SUITE inline:KEY||SALT[|lifetime][|MKI:len]", "",
	       "Rekey: the key every stream switches to, at one packet, "
	       "media.rekey_after_ms after the start (same suite as media.tx_crypto). "
	       "The SRTP index goes on across the change. Never echoed."),
	SECRET("media", "rx_crypto_next", media.rx_crypto_next, mbl_config_check_crypto,
	       "[tag] SUITE inline:KEY||SALT[|lifetime][|MKI:len]", "",
	       "Rekey: the peer's next key (its media.tx_crypto_next). Held beside "
	       "media.rx_crypto from the start and taken over by each stream at the first "
	       "packet it authenticates, so no packet is lost whenever the peer switches. "
	       "Never echoed."),
	UINT("media", "rekey_after_ms", media.rekey_after_ms, 0, 86400000, "0",
	     "When to switch what this instance sends to media.tx_crypto_next (0 = never)."),
	ENUM("media", "rx_verify", media.rx_verify, rx_verify_modes, "decrypt",
	     "SRTP receive work: decrypt (authenticate and decrypt) or auth_only "
	     "(authenticate, count and time, leave the payload encrypted: one HMAC per "
	     "packet instead of HMAC + AES; probe payloads are then not checked). "
	     "auth_only needs media.srtp_engine = cryptodev and an HMAC-SHA1 suite."),
	UINT("media", "rx_stall_us", media.rx_stall_us, 0, 1000000, "50",
	     "When a worker has not polled its RX queue for this long (it was "
	     "descheduled, or busy in a system call), the packets it then finds have "
	     "unknown arrival times: they are counted but kept out of jitter and "
	     "one-way delay (media.rtp.timing_skipped). 0 trusts every arrival time."),

	ENUM("media", "encryption", media.encryption, encryptions, "none",
	     "Media security offered/accepted in SDP: none (RTP/AVP), sdes (a=crypto, "
	     "RTP/SAVP), dtls (a=fingerprint, UDP/TLS/RTP/SAVP) or dual (both in one offer; "
	     "the answer decides)."),
	ENUM("media", "policy", media.policy, policies, "required",
	     "required: a call without acceptable media security fails (UAC) or is refused "
	     "with 488 (UAS); optional: falls back to plain RTP and says so; off: never "
	     "secure. With media.encryption = none it is off."),
	ENUM("media", "feedback", media.feedback, feedbacks, "none",
	     "RTCP feedback profile: none (AVP) or avpf (AVPF, RFC 4585, with a=rtcp-fb)."),
	ENUM("media", "ice", media.ice, ice_modes, "off",
	     "ICE (RFC 8445) on the call's media port: off, lite (answers connectivity "
	     "checks, a=ice-lite) or full (checks, nominates when controlling, consent "
	     "freshness RFC 7675). No DTLS and no RTP before a pair is selected. Needs "
	     "media.rtcp_mux = true; only a peer that offers or answers ICE gets it."),
	BOOL("media", "bundle", media.bundle, "false",
	     "Offer a=group:BUNDLE 0 and a=mid:0 on the one audio m= line (RFC 8843). "
	     "Answers echo the offer's mid and group either way."),
	ENUM("media", "preset", media.preset, presets, "none",
	     "A set of media keys at once: webrtc = encryption dtls, feedback avpf "
	     "(UDP/TLS/RTP/SAVPF), rtcp_mux true, ice full, bundle true. Keys set anywhere "
	     "else override it, wherever media.preset is written."),
	STR("media", "codecs", media.codecs, mbl_config_check_codecs, "CODEC[,CODEC...]", "",
	    "Codecs offered in SDP, in preference order (\"\" = media.codec only). The data "
	    "plane sends media.codec; the others are offered for negotiation tests."),
	STR("media", "crypto_suites", media.crypto_suites, mbl_config_check_suites,
	    "SUITE[,SUITE...]", "AES_CM_128_HMAC_SHA1_80",
	    "SDES suites offered (one a=crypto line each, fresh random keys per call) or "
	    "accepted, in preference order. DTLS-SRTP offers the use_srtp profiles of "
	    "those that have one (AES_CM_128_HMAC_SHA1_80/_32, AEAD_AES_128/256_GCM)."),
	UINT("media", "dtls_timeout_ms", media.dtls_timeout_ms, 100, 600000, "10000",
	     "DTLS-SRTP: a handshake not done this long after it started fails its call "
	     "(reason dtls_timeout)."),
	UINT("media", "dtls_rto_ms", media.dtls_rto_ms, 20, 60000, "1000",
	     "DTLS-SRTP: first retransmission timeout of a handshake flight, doubled on "
	     "each retransmission (RFC 6347 4.2.4.1 recommends 1000)."),

	ENUM("sip", "transport", sip.transport, transports, "udp",
	     "SIP transport: udp, tcp, tls (TLS 1.2/1.3 with OpenSSL), ws (WebSocket, RFC 7118) "
	     "or wss (WebSocket over TLS, with the sip.tls.* keys). A ws/wss UAC connects only "
	     "(Via and Contact name a random .invalid host); a ws/wss UAS listens on sip.listen."),
	STR("sip", "listen", sip.listen, mbl_config_check_hostport, "IP:PORT, ranges",
	    "127.0.0.1:5060",
	    "Local signaling address(es), kernel sockets (not media addresses): IP:PORT, "
	    "a range of addresses IP-IP:PORT, of ports IP:PORT-PORT, or both (IPv6 in "
	    "brackets), comma-separated, at most 1024 in all. The UAC places call i from "
	    "address i mod N (the addresses vary fastest); the UAS answers from the one "
	    "each INVITE came to."),
	STR("sip", "target", sip.target, mbl_config_check_target, "HOST:PORT", "",
	    "UAC: where calls go (the peer, an SBC or a proxy)."),
	STR("sip", "from_user", sip.from_user, NULL, "user", "mediablast",
	    "User part of From (UAC) / Contact."),
	STR("sip", "to_user", sip.to_user, NULL, "user", "service",
	    "User part of the Request-URI and To (UAC)."),
	STR("sip", "domain", sip.domain, NULL, "host", "",
	    "Host of the Request-URI and To (\"\" = the target's host)."),
	STR("sip", "user_agent", sip.user_agent, NULL, "text", "mediablast",
	    "User-Agent header value."),
	UINT("sip", "max_transactions", sip.max_transactions, 0, 20000000, "0",
	     "Transactions (live and lingering) the user agent holds, sized at start. "
	     "Server transactions linger 64*T1 (32 s on UDP): at R calls/s a UAS needs about "
	     "R * 70. 0 = max(8 * call.limit, 65536). Beyond it new requests get 503."),
	UINT("sip", "t1_ms", sip.t1_ms, 50, 10000, "500", "RFC 3261 T1 (RTT estimate)."),
	UINT("sip", "t2_ms", sip.t2_ms, 100, 60000, "4000", "RFC 3261 T2."),
	UINT("sip", "t4_ms", sip.t4_ms, 100, 60000, "5000", "RFC 3261 T4."),
	STR("sip", "tls.ca_file", sip.tls_ca_file, NULL, "path", "",
	    "TLS: CA certificates (PEM) to verify the peer; \"\" = the system store."),
	STR("sip", "tls.cert_file", sip.tls_cert_file, NULL, "path", "",
	    "TLS: our certificate (PEM): required for a UAS, optional client cert for a UAC."),
	STR("sip", "tls.key_file", sip.tls_key_file, NULL, "path", "",
	    "TLS: private key (PEM) of tls.cert_file."),
	BOOL("sip", "tls.verify", sip.tls_verify, "true",
	     "TLS: verify the peer's certificate and host name. false is insecure and is "
	     "said so at start."),
	STR("sip", "tls.server_name", sip.tls_server_name, NULL, "host", "",
	    "TLS: SNI and name to verify (\"\" = the target's host)."),
	STR("sip", "ws_path", sip.ws_path, mbl_config_check_ws_path, "/path", "/",
	    "ws/wss UAC: request-target of the WebSocket opening handshake (GET /path, with "
	    "Host the target and Sec-WebSocket-Protocol: sip). A UAS accepts any path."),
	STR("sip", "ws_origin", sip.ws_origin, mbl_config_check_token, "origin", "",
	    "ws/wss UAC: Origin header of the opening handshake, as a browser sends it "
	    "(\"https://app.example.com\"); \"\" = none."),
	STR("sip", "auth_user", sip.auth_user, NULL, "user", "",
	    "Digest user for 401/407 challenges (RFC 8760)."),
	SECRET("sip", "auth_password", sip.auth_password, NULL, "password", "",
	       "Digest password. Never echoed."),
	STR("sip", "auth_realm", sip.auth_realm, NULL, "realm", "",
	    "UAS: challenge every INVITE and REGISTER without valid digest credentials with 401 in "
	    "this realm (RFC 3261 22); wrong credentials get 403. Users and passwords from "
	    "sip.auth_user / sip.auth_password (per CSV row with sip.inject_file). \"\" = no "
	    "challenge."),
	STR("sip", "auth_algorithms", sip.auth_algorithms, NULL, "list", "SHA-256,MD5",
	    "UAS: digest algorithms challenged with, one WWW-Authenticate each, preferred first "
	    "(RFC 8760 2.4): MD5, SHA-256, SHA-512-256 and their -sess forms."),
	UINT("sip", "auth_nonce_ttl_s", sip.auth_nonce_ttl_s, 1, 86400, "300",
	     "UAS: seconds a nonce stays fresh; an older one gets 401 stale=true."),
	BOOL("sip", "register", sip.reg, "false",
	     "UAC: REGISTER every user (each sip.inject_file row's sip.from_user, else "
	     "sip.from_user) with sip.target as registrar before calls start (RFC 3261 10.2); "
	     "401/407 answered with sip.auth_user / sip.auth_password; refreshed at half the "
	     "granted expiry; Expires: 0 at the end of the run. Calls start once every user "
	     "registered or failed, and are placed for every user either way."),
	UINT("sip", "register_expires", sip.reg_expires, 1, 604800, "3600",
	     "UAC: Expires asked for in each REGISTER, in seconds."),
	UINT("sip", "register_rate", sip.reg_rate, 0, 100000, "0",
	     "UAC: first REGISTERs per second (refreshes follow their grants). 0 = call.rate."),
	STR("sip", "inject_file", sip.inject_file, NULL, "path", "",
	    "CSV injection file as SIPp writes them (SEQUENTIAL, RANDOM or USER; fields by ';'): "
	    "[field0] ... in sip.to_user / from_user / auth_user / auth_password."),

	UINT("call", "rate", call.rate, 1, 100000, "10", "UAC: new calls per second."),
	UINT("call", "ramp_ms", call.ramp_ms, 0, 3600000, "0",
	     "UAC: ramp the rate up from 0 over this time."),
	UINT("call", "limit", call.limit, 1, 1000000, "100",
	     "Concurrent calls at most (also the number of media slots)."),
	UINT("call", "total", call.total, 0, UINT32_MAX, "0",
	     "UAC: calls to place in all (0 = until run.duration)."),
	STR("call", "hold", call.hold, mbl_config_check_hold, "fixed:MS|uniform:MIN-MAX|exp:MEAN",
	    "fixed:5000", "Call hold time before BYE, in ms."),
	UINT("call", "answer_delay_ms", call.answer_delay_ms, 0, 600000, "0",
	     "UAS: ringing time (180) before the final answer."),
	UINT("call", "answer_code", call.answer_code, 200, 699, "200",
	     "UAS: final answer of the calls it accepts (200, or a failure code)."),
	UINT("call", "fail_code", call.fail_code, 300, 699, "486",
	     "UAS: the failure answered to call.fail_pct of calls."),
	UINT("call", "fail_pct", call.fail_pct, 0, 100, "0",
	     "UAS: share of calls answered with call.fail_code."),
	BOOL("call", "uas_hangup", call.uas_hangup, "false",
	     "UAS hangs up (BYE) after the hold time instead of waiting for the UAC's BYE."),
	UINT("call", "hold_after_ms", call.hold_after_ms, 0, 86400000, "0",
	     "Put each call on hold this long after it was answered: a re-INVITE with "
	     "a=sendonly, so the peer stops sending RTP (RFC 3264 8.4); 0 = never. Either role."),
	UINT("call", "hold_for_ms", call.hold_for_ms, 0, 86400000, "1000",
	     "Resume a held call (re-INVITE with a=sendrecv) this long after the hold was "
	     "answered."),
	BOOL("call", "media", call.media, "true",
	     "Send and receive RTP for each call on its data-plane slot (false: signaling "
	     "only, e.g. to measure calls/s; SDP is still negotiated)."),
	UINT("call", "timeout_ms", call.timeout_ms, 1000, 600000, "32000",
	     "UAC: a call without a final answer by then is cancelled (counted as failed)."),

	STR("verdict", "asr_min", verdict.asr_min, mbl_config_check_pct, "percent", "",
	    "Fail the run (exit 1) when the answer-seizure ratio, calls succeeded / attempted, "
	    "is below this many percent. \"\" = not checked (every verdict key). A failed "
	    "call fails the run anyway: this makes the figure part of the verdict."),
	STR("verdict", "loss_max", verdict.loss_max, mbl_config_check_pct, "percent", "",
	    "Fail the run when RTP lost / expected over all received streams (RFC 3550) "
	    "is above this many percent."),
	STR("verdict", "jitter_ms_max", verdict.jitter_ms_max, mbl_config_check_number, "ms", "",
	    "Fail the run when the p99 of the streams' mean interarrival jitter is above this."),
	STR("verdict", "mos_p5_min", verdict.mos_p5_min, mbl_config_check_mos, "MOS", "",
	    "Fail the run when the 5th percentile of the calls' MOS (E-model, G.107) is "
	    "below this (SIP roles: each call's MOS from its own loss, delay and jitter)."),
	STR("verdict", "setup_ms_p99_max", verdict.setup_ms_p99_max, mbl_config_check_number,
	    "ms", "", "Fail the run when the p99 of INVITE to 2xx is above this."),
	STR("verdict", "pdd_ms_p99_max", verdict.pdd_ms_p99_max, mbl_config_check_number, "ms",
	    "", "Fail the run when the p99 of post-dial delay (INVITE to the first 18x, or "
	    "the final answer: RFC 6076 4.1) is above this."),
	STR("verdict", "handshake_ms_p99_max", verdict.handshake_ms_p99_max,
	    mbl_config_check_number, "ms", "",
	    "Fail the run when the p99 of the DTLS-SRTP handshakes is above this."),
	STR("verdict", "srtp_auth_failures_max", verdict.srtp_auth_failures_max,
	    mbl_config_check_number, "count", "",
	    "Fail the run when more received SRTP/SRTCP packets than this failed "
	    "authentication."),
	STR("eal", "args", eal_args, NULL, "EAL arguments", "",
	    "EAL arguments used when none are given before '--' (usually from a "
	    "profile); ${iface} = port.iface, ${queues} = max(rx_queues, tx_queues)."),
};

const size_t mbl_config_nkeys = MBL_ARRAY_SIZE(mbl_config_keys);

const struct mbl_config_key *mbl_config_key_find(const char *qname)
{
	for (size_t i = 0; i < mbl_config_nkeys; i++) {
		const struct mbl_config_key *k = &mbl_config_keys[i];
		size_t sl = strlen(k->section);

		if (strncmp(qname, k->section, sl) == 0 && qname[sl] == '.' &&
		    strcmp(qname + sl + 1, k->name) == 0)
			return k;
	}
	return NULL;
}

bool mbl_config_section_known(const char *name)
{
	for (int i = 0; mbl_config_sections[i]; i++)
		if (strcmp(name, mbl_config_sections[i]) == 0)
			return true;
	return false;
}

/* Levenshtein distance, capped: names are short (< 64 characters). */
static unsigned int edit_distance(const char *a, const char *b)
{
	unsigned int row[64], la = (unsigned int)strlen(a), lb = (unsigned int)strlen(b);

	if (la >= MBL_ARRAY_SIZE(row) || lb >= MBL_ARRAY_SIZE(row))
		return 1000;
	for (unsigned int j = 0; j <= lb; j++)
		row[j] = j;
	for (unsigned int i = 1; i <= la; i++) {
		unsigned int diag = row[0];

		row[0] = i;
		for (unsigned int j = 1; j <= lb; j++) {
			unsigned int up = row[j];
			unsigned int sub = diag + (a[i - 1] != b[j - 1]);

			row[j] = MBL_MIN(MBL_MIN(row[j - 1] + 1, up + 1), sub);
			diag = up;
		}
	}
	return row[lb];
}

bool mbl_config_suggest(const char *what, bool sections, char *out, size_t len)
{
	unsigned int best_d = 3; /* more than 2 edits is a different word */
	char cand[96];

	for (size_t i = 0; sections ? mbl_config_sections[i] != NULL : i < mbl_config_nkeys; i++) {
		if (sections)
			snprintf(cand, sizeof(cand), "%s", mbl_config_sections[i]);
		else
			snprintf(cand, sizeof(cand), "%s.%s", mbl_config_keys[i].section,
				 mbl_config_keys[i].name);
		unsigned int d = edit_distance(what, cand);

		/* A bare "duration" should still find run.duration. */
		if (!sections && !strchr(what, '.'))
			d = MBL_MIN(d, edit_distance(what, mbl_config_keys[i].name));
		if (d < best_d) {
			best_d = d;
			snprintf(out, len, "%s", cand);
		}
	}
	return best_d < 3;
}

static void *field(struct mbl_config *cfg, const struct mbl_config_key *k)
{
	return (char *)cfg + k->off;
}

static const void *cfield(const struct mbl_config *cfg, const struct mbl_config_key *k)
{
	return (const char *)cfg + k->off;
}

static int64_t int_get(const struct mbl_config *cfg, const struct mbl_config_key *k)
{
	const void *p = cfield(cfg, k);
	bool s = k->type == MBL_CONFIG_T_INT;

	switch (k->size) {
	case 1: return s ? (int64_t)*(const int8_t *)p : (int64_t)*(const uint8_t *)p;
	case 2: return s ? (int64_t)*(const int16_t *)p : (int64_t)*(const uint16_t *)p;
	case 4: return s ? (int64_t)*(const int32_t *)p : (int64_t)*(const uint32_t *)p;
	default: return s ? *(const int64_t *)p : (int64_t)*(const uint64_t *)p;
	}
}

static void int_put(struct mbl_config *cfg, const struct mbl_config_key *k, int64_t v)
{
	void *p = field(cfg, k);

	switch (k->size) {
	case 1: *(uint8_t *)p = (uint8_t)v; break;
	case 2: *(uint16_t *)p = (uint16_t)v; break;
	case 4: *(uint32_t *)p = (uint32_t)v; break;
	default: *(uint64_t *)p = (uint64_t)v; break;
	}
}

/* Range and step of an integer already read; why names the bad value.
 * stored: v comes from the struct, where -1 means auto (text says "auto"). */
static int int_in_range(const struct mbl_config_key *k, int64_t v, const char *text,
			bool stored, char *why, size_t len)
{
	if (stored && k->auto_ok && v == MBL_CONFIG_PT_AUTO)
		return 0;
	if (v < k->min || v > k->max) {
		snprintf(why, len, "%s is out of range %lld..%lld", text,
			 (long long)k->min, (long long)k->max);
		return -EINVAL;
	}
	if (k->step > 1 && v % k->step != 0) {
		snprintf(why, len, "%s is not a multiple of %u", text, k->step);
		return -EINVAL;
	}
	return 0;
}

static int parse_int(struct mbl_config *cfg, const struct mbl_config_key *k,
		     const char *v, char *why, size_t len)
{
	const char *d = v[0] == '-' ? v + 1 : v;
	char *end;
	long long n;

	if (k->auto_ok && strcasecmp(v, "auto") == 0) {
		int_put(cfg, k, MBL_CONFIG_PT_AUTO);
		return 0;
	}
	/* strtoll alone would accept " 12", "+12" and "0x12": decimal only. */
	if (*d < '0' || *d > '9' || d[strspn(d, "0123456789")] != '\0') {
		snprintf(why, len, "'%s' is not a decimal integer%s", v,
			 k->auto_ok ? " or auto" : "");
		return -EINVAL;
	}
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno == ERANGE) {
		snprintf(why, len, "%s is out of range %lld..%lld", v,
			 (long long)k->min, (long long)k->max);
		return -EINVAL;
	}
	if (int_in_range(k, n, v, false, why, len) < 0)
		return -EINVAL;
	int_put(cfg, k, n);
	return 0;
}

static int parse_bool(bool *out, const char *v, char *why, size_t len)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };

	for (size_t i = 0; i < MBL_ARRAY_SIZE(yes); i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	snprintf(why, len, "'%s' is not a boolean (true/false, yes/no, on/off, 1/0)", v);
	return -EINVAL;
}

static void enum_list(const struct mbl_config_key *k, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (int i = 0; k->enums[i] && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? "|" : "", k->enums[i]);
}

static int parse_enum(int *out, const struct mbl_config_key *k, const char *v,
		      char *why, size_t len)
{
	char list[128];

	for (int i = 0; k->enums[i]; i++) {
		if (strcasecmp(v, k->enums[i]) == 0) {
			*out = i;
			return 0;
		}
	}
	enum_list(k, list, sizeof(list));
	snprintf(why, len, "'%s' is not one of %s", v, list);
	return -EINVAL;
}

static int parse_str(char *out, const struct mbl_config_key *k, const char *v,
		     char *why, size_t len)
{
	size_t n = strlen(v);

	if (n >= k->size) {
		snprintf(why, len, "value is %zu characters long, at most %zu allowed",
			 n, k->size - 1);
		return -EINVAL;
	}
	if (k->check && v[0] != '\0' && k->check(v, why, len) < 0)
		return -EINVAL;
	memcpy(out, v, n + 1);
	return 0;
}

int mbl_config_key_parse(struct mbl_config *cfg, const struct mbl_config_key *k,
			 const char *v, char *why, size_t len)
{
	switch (k->type) {
	case MBL_CONFIG_T_UINT:
	case MBL_CONFIG_T_INT:
		return parse_int(cfg, k, v, why, len);
	case MBL_CONFIG_T_BOOL:
		return parse_bool(field(cfg, k), v, why, len);
	case MBL_CONFIG_T_ENUM:
		return parse_enum(field(cfg, k), k, v, why, len);
	case MBL_CONFIG_T_STR:
		return parse_str(field(cfg, k), k, v, why, len);
	}
	return -EINVAL;
}

int mbl_config_key_format(const struct mbl_config *cfg,
			  const struct mbl_config_key *k, char *buf, size_t len)
{
	const void *p = cfield(cfg, k);
	int64_t v;
	int n = 0;

	switch (k->type) {
	case MBL_CONFIG_T_UINT:
	case MBL_CONFIG_T_INT:
		v = int_get(cfg, k);
		if (k->auto_ok && v == MBL_CONFIG_PT_AUTO)
			n = snprintf(buf, len, "auto");
		else
			n = snprintf(buf, len, "%lld", (long long)v);
		break;
	case MBL_CONFIG_T_BOOL:
		n = snprintf(buf, len, "%s", *(const bool *)p ? "true" : "false");
		break;
	case MBL_CONFIG_T_ENUM: {
		int e = *(const int *)p;
		int cnt = 0;

		while (k->enums[cnt])
			cnt++;
		n = snprintf(buf, len, "%s", e >= 0 && e < cnt ? k->enums[e] : "?");
		break;
	}
	case MBL_CONFIG_T_STR:
		n = snprintf(buf, len, "%.*s", (int)strnlen(p, k->size), (const char *)p);
		break;
	}
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

int mbl_config_key_check(const struct mbl_config *cfg,
			 const struct mbl_config_key *k, char *why, size_t len)
{
	const void *p = cfield(cfg, k);
	char text[32];

	switch (k->type) {
	case MBL_CONFIG_T_UINT:
	case MBL_CONFIG_T_INT:
		snprintf(text, sizeof(text), "%lld", (long long)int_get(cfg, k));
		return int_in_range(k, int_get(cfg, k), text, true, why, len);
	case MBL_CONFIG_T_BOOL:
		return 0;
	case MBL_CONFIG_T_ENUM: {
		int e = *(const int *)p, cnt = 0;

		while (k->enums[cnt])
			cnt++;
		if (e < 0 || e >= cnt) {
			snprintf(why, len, "%d is not a valid choice", e);
			return -EINVAL;
		}
		return 0;
	}
	case MBL_CONFIG_T_STR:
		if (strnlen(p, k->size) == k->size) {
			snprintf(why, len, "value is not NUL-terminated");
			return -EINVAL;
		}
		return k->check && *(const char *)p ? k->check(p, why, len) : 0;
	}
	return -EINVAL;
}

uint32_t mbl_config_duration_s(const struct mbl_config *cfg)
{
	if (cfg->run.duration != MBL_CONFIG_DURATION_AUTO)
		return (uint32_t)cfg->run.duration;
	switch (cfg->run.role) {
	case MBL_CONFIG_ROLE_UAS:
		return 0;
	case MBL_CONFIG_ROLE_UAC:
		return cfg->call.total != 0 ? 0 : 10;
	default:
		return 10;
	}
}

void mbl_config_preset_apply(struct mbl_config *cfg, enum mbl_config_preset preset)
{
	if (preset != MBL_CONFIG_PRESET_WEBRTC)
		return;
	cfg->media.encryption = MBL_CONFIG_ENC_DTLS;
	cfg->media.feedback = MBL_CONFIG_FB_AVPF;
	cfg->media.rtcp_mux = true;
	cfg->media.ice = MBL_CONFIG_ICE_FULL;
	cfg->media.bundle = true;
	cfg->media.preset = preset;
}

void mbl_config_defaults(struct mbl_config *cfg)
{
	char why[160];

	memset(cfg, 0, sizeof(*cfg));
	for (size_t i = 0; i < mbl_config_nkeys; i++) {
		/* The test suite proves every default parses; a failure here is
		 * a schema typo, reported loudly rather than ignored. */
		if (mbl_config_key_parse(cfg, &mbl_config_keys[i], mbl_config_keys[i].def,
					 why, sizeof(why)) < 0)
			mbl_log(MBL_LOG_ERR, "config: bad default for %s.%s: %s",
				mbl_config_keys[i].section, mbl_config_keys[i].name, why);
	}
}

int mbl_config_get_str(const struct mbl_config *cfg, const char *key,
		       char *buf, size_t len)
{
	const struct mbl_config_key *k = mbl_config_key_find(key);

	if (len > 0)
		buf[0] = '\0';
	if (!k)
		return -EINVAL;
	if (len == 0)
		return -ENOSPC;
	return mbl_config_key_format(cfg, k, buf, len);
}
