/* SPDX-License-Identifier: BSD-3-Clause
 * Value formats (addresses, MAC, DTMF digits) and the cross-key rules run
 * after everything is loaded. The net module does the real range math; here
 * we only make sure what it will be given parses, so mistakes surface at
 * start with the key named instead of deep in the data plane.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbl_common.h"
#include "config_priv.h"

#define PTIME_ANY 0x3f  /* bit k: (k+1)*10 ms; 10..60 */
#define PTIME_OPUS 0x2b /* 10, 20, 40, 60 ms: RFC 6716 2.1.4 frame sizes */

/* Per codec (RFC 3551 4.5 table 4, RFC 7587): static payload type, payload
 * bytes per 10 ms (0 = varies), allowed ptimes. Matches lib/rtp's table. */
static const struct {
	int pt;
	unsigned int bytes_10ms;
	unsigned int ptime_mask;
	bool tone; /* we have an encoder for generated tones */
} codec_info[] = {
	[MBL_CONFIG_CODEC_PCMU] = { 0, 80, PTIME_ANY, true },
	[MBL_CONFIG_CODEC_PCMA] = { 8, 80, PTIME_ANY, true },
	[MBL_CONFIG_CODEC_G722] = { 9, 80, PTIME_ANY, true },
	[MBL_CONFIG_CODEC_G729] = { 18, 10, PTIME_ANY, false },
	[MBL_CONFIG_CODEC_OPUS] = { 111, 0, PTIME_OPUS, false },
};

/* The probe payload: 8-byte TX timestamp, sequence, stream id, check. */
#define PROBE_MIN_BYTES 24

static const char *const codec_names[] = { "PCMU", "PCMA", "G722", "G729", "opus" };

/* 4 or 6 for a single address, or -EINVAL with why filled. */
static int host_family(const char *v, char *why, size_t len)
{
	uint8_t ip[16];
	int fam = mbl_parse_ip(v, ip);

	if (fam < 0)
		snprintf(why, len, "'%s' is not an IPv4 or IPv6 address", v);
	return fam;
}

int mbl_config_check_host(const char *v, char *why, size_t len)
{
	return host_family(v, why, len) < 0 ? -EINVAL : 0;
}

static int check_cidr(const char *v, const char *slash, char *why, size_t len)
{
	char addr[MBL_CONFIG_ADDR_LEN];
	size_t n = (size_t)(slash - v);
	const char *p = slash + 1;
	char *end;
	long bits;
	int fam;

	if (n >= sizeof(addr))
		n = sizeof(addr) - 1;
	memcpy(addr, v, n);
	addr[n] = '\0';
	fam = host_family(addr, why, len);
	if (fam < 0)
		return fam;
	bits = strtol(p, &end, 10);
	if (*p < '0' || *p > '9' || *end != '\0' || bits > (fam == 4 ? 32 : 128)) {
		snprintf(why, len, "'%s' has a bad prefix length (0..%d)", v,
			 fam == 4 ? 32 : 128);
		return -EINVAL;
	}
	return fam;
}

static int check_range(const char *v, const char *dash, char *why, size_t len)
{
	char lo[MBL_CONFIG_ADDR_LEN];
	size_t n = (size_t)(dash - v);
	int f1, f2;

	if (n >= sizeof(lo))
		n = sizeof(lo) - 1;
	memcpy(lo, v, n);
	lo[n] = '\0';
	f1 = host_family(lo, why, len);
	if (f1 < 0)
		return f1;
	f2 = host_family(dash + 1, why, len);
	if (f2 < 0)
		return f2;
	if (f1 != f2) {
		snprintf(why, len, "range '%s' mixes IPv4 and IPv6", v);
		return -EINVAL;
	}
	return f1;
}

int mbl_config_addr_family(const char *v, char *why, size_t len)
{
	const char *slash = strchr(v, '/');
	const char *dash = strchr(v, '-');

	if (slash && dash) {
		snprintf(why, len, "'%s': use either a range a-b or a prefix a/n", v);
		return -EINVAL;
	}
	if (slash)
		return check_cidr(v, slash, why, len);
	if (dash)
		return check_range(v, dash, why, len);
	return host_family(v, why, len);
}

int mbl_config_check_addr(const char *v, char *why, size_t len)
{
	return mbl_config_addr_family(v, why, len) < 0 ? -EINVAL : 0;
}

int mbl_config_check_mac(const char *v, char *why, size_t len)
{
	/* Exactly six two-digit hex groups separated by ':' ("aa:bb:cc:dd:ee:ff"). */
	static const char hex[] = "0123456789abcdefABCDEF";

	for (int i = 0; i < 17; i++) {
		bool sep = i % 3 == 2;

		if (v[i] == '\0' || (sep ? v[i] != ':' : !strchr(hex, v[i])))
			goto bad;
	}
	if (v[17] == '\0')
		return 0;
bad:
	snprintf(why, len, "'%s' is not a MAC address like aa:bb:cc:dd:ee:ff", v);
	return -EINVAL;
}

/* A request-target of the WebSocket opening handshake (RFC 7230 5.3.1
 * origin-form): '/' first, then printable ASCII without blanks. */
int mbl_config_check_ws_path(const char *v, char *why, size_t len)
{
	if (v[0] != '/') {
		snprintf(why, len, "'%s' must start with '/'", v);
		return -EINVAL;
	}
	return mbl_config_check_token(v, why, len);
}

/* "" or printable ASCII without blanks (an HTTP header value we send). */
int mbl_config_check_token(const char *v, char *why, size_t len)
{
	for (const char *p = v; *p; p++)
		if (*p <= ' ' || *p >= 0x7f) {
			snprintf(why, len, "'%s' has a blank or a character outside printable ASCII",
				 v);
			return -EINVAL;
		}
	return 0;
}

int mbl_config_check_dtmf(const char *v, char *why, size_t len)
{
	size_t bad = strspn(v, "0123456789*#ABCDabcd");

	if (v[bad] == '\0')
		return 0;
	snprintf(why, len, "'%c' is not a DTMF digit (0-9 * # A-D)", v[bad]);
	return -EINVAL;
}

static int number_in(const char *v, double lo, double hi, const char *what, char *why,
		     size_t len)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(v, &end);
	if (errno != 0 || end == v || *end != '\0' || !isfinite(d) || d < lo || d > hi) {
		snprintf(why, len, "'%s' is not %s", v, what);
		return -EINVAL;
	}
	return 0;
}

int mbl_config_check_number(const char *v, char *why, size_t len)
{
	return number_in(v, 0, 1e12, "a non-negative number", why, len);
}

int mbl_config_check_pct(const char *v, char *why, size_t len)
{
	return number_in(v, 0, 100, "a percentage from 0 to 100 (no % sign)", why, len);
}

int mbl_config_check_mos(const char *v, char *why, size_t len)
{
	return number_in(v, 1, 5, "a MOS from 1 to 5", why, len);
}

int mbl_config_media_pt(const struct mbl_config *cfg)
{
	unsigned int c = (unsigned int)cfg->media.codec;

	if (cfg->media.pt != MBL_CONFIG_PT_AUTO)
		return cfg->media.pt;
	return c < MBL_ARRAY_SIZE(codec_info) ? codec_info[c].pt : -1;
}

unsigned int mbl_config_media_payload_bytes(const struct mbl_config *cfg)
{
	unsigned int c = (unsigned int)cfg->media.codec;

	if (c >= MBL_ARRAY_SIZE(codec_info))
		return 0;
	return codec_info[c].bytes_10ms * (cfg->media.ptime / 10u);
}

/* Every key against its own schema row. */
static int check_keys(const struct mbl_config *cfg, char *err, size_t errlen)
{
	char why[200];

	for (size_t i = 0; i < mbl_config_nkeys; i++) {
		const struct mbl_config_key *k = &mbl_config_keys[i];

		if (mbl_config_key_check(cfg, k, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "%s.%s: %s", k->section, k->name, why);
			return -EINVAL;
		}
	}
	return 0;
}

static int check_payload(const struct mbl_config_media *m, unsigned int bytes,
			 char *err, size_t errlen)
{
	const char *codec = codec_names[m->codec];

	if (!(codec_info[m->codec].ptime_mask & (1u << (m->ptime / 10 - 1)))) {
		snprintf(err, errlen, "media.ptime: %s cannot carry %u ms per packet "
			 "(use 10, 20, 40 or 60)", codec, m->ptime);
		return -EINVAL;
	}
	if (m->payload == MBL_CONFIG_PAYLOAD_FILE && m->payload_file[0] == '\0') {
		snprintf(err, errlen, "media.payload_file: required when media.payload = file");
		return -EINVAL;
	}
	if (m->payload == MBL_CONFIG_PAYLOAD_TONE && !codec_info[m->codec].tone) {
		snprintf(err, errlen, "media.codec: %s has no tone encoder with "
			 "media.payload = tone (use media.payload=file or probe)", codec);
		return -EINVAL;
	}
	if (m->payload == MBL_CONFIG_PAYLOAD_PROBE && bytes != 0 && bytes < PROBE_MIN_BYTES) {
		snprintf(err, errlen, "media.ptime: a probe needs %d payload bytes but %s "
			 "at %u ms carries %u (raise media.ptime)", PROBE_MIN_BYTES, codec,
			 m->ptime, bytes);
		return -EINVAL;
	}
	return 0;
}

static int check_addrs(const struct mbl_config_media *m, char *err, size_t errlen)
{
	char why[256];
	int lf, rf, gf;

	lf = mbl_config_addr_family(m->local_ip, why, sizeof(why));
	if (lf < 0) {
		snprintf(err, errlen, "media.local_ip: %s", m->local_ip[0] ? why : "is required");
		return -EINVAL;
	}
	rf = mbl_config_addr_family(m->remote_ip, why, sizeof(why));
	if (rf < 0) {
		snprintf(err, errlen, "media.remote_ip: %s", m->remote_ip[0] ? why : "is required");
		return -EINVAL;
	}
	if (lf != rf) {
		snprintf(err, errlen, "media.local_ip, media.remote_ip: IPv%d and IPv%d "
			 "cannot talk to each other", lf, rf);
		return -EINVAL;
	}
	gf = m->gateway[0] ? host_family(m->gateway, why, sizeof(why)) : lf;
	if (gf != lf) {
		snprintf(err, errlen, "media.gateway: must be an IPv%d address like "
			 "media.local_ip", lf);
		return -EINVAL;
	}
	return 0;
}

static int check_dtmf(const struct mbl_config *cfg, char *err, size_t errlen)
{
	const struct mbl_config_media *m = &cfg->media;

	if (m->dtmf[0] == '\0')
		return 0;
	if (mbl_config_media_pt(cfg) == m->dtmf_pt) {
		snprintf(err, errlen, "media.dtmf_pt, media.pt: both are %u", m->dtmf_pt);
		return -EINVAL;
	}
	if (m->dtmf_duration_ms >= m->dtmf_interval_ms) {
		snprintf(err, errlen, "media.dtmf_duration_ms: %u must be shorter than "
			 "media.dtmf_interval_ms (%u)", m->dtmf_duration_ms,
			 m->dtmf_interval_ms);
		return -EINVAL;
	}
	return 0;
}

static int check_eal(const struct mbl_config *cfg, char *err, size_t errlen)
{
	if (strstr(cfg->eal_args, "${iface}") && cfg->port.iface[0] == '\0') {
		snprintf(err, errlen, "eal.args: uses ${iface} but port.iface is empty "
			 "(e.g. --set port.iface=veth0)");
		return -EINVAL;
	}
	return 0;
}

/* ICE runs one agent per call on the RTP port: RTCP must ride on it. */
static int check_ice(const struct mbl_config_media *m, char *err, size_t errlen)
{
	if (m->ice != MBL_CONFIG_ICE_OFF && m->rtcp && !m->rtcp_mux) {
		snprintf(err, errlen, "media.ice: ICE here checks one component (RTP with RTCP "
			 "muxed): set media.rtcp_mux = true (RFC 5761)");
		return -EINVAL;
	}
	return 0;
}

int mbl_config_validate(const struct mbl_config *cfg, char *err, size_t errlen)
{
	char tmp[8];

	/* Callers may pass errlen 0: write into a scratch buffer then. */
	if (errlen == 0) {
		err = tmp;
		errlen = sizeof(tmp);
	}
	err[0] = '\0';
	if (check_keys(cfg, err, errlen) < 0 ||
	    check_payload(&cfg->media, mbl_config_media_payload_bytes(cfg), err, errlen) < 0 ||
	    check_addrs(&cfg->media, err, errlen) < 0 ||
	    check_dtmf(cfg, err, errlen) < 0 ||
	    check_ice(&cfg->media, err, errlen) < 0 ||
	    check_eal(cfg, err, errlen) < 0)
		return -EINVAL;
	return 0;
}

/* a=crypto value (RFC 4568 9.1): "[tag ]SUITE inline:KEY[|...]". Only the
 * shape is checked here; lib/srtp parses and validates the key material
 * when the app builds the data plane. The value itself never goes into
 * why: it holds a key. */
int mbl_config_check_crypto(const char *v, char *why, size_t len)
{
	const char *p = v;

	if (*v == '\0')
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	if (p != v && *p == ' ')
		p++;
	else
		p = v;
	if (!(*p >= 'A' && *p <= 'Z'))
		goto bad;
	while ((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_')
		p++;
	if (strncmp(p, " inline:", 8) == 0 && p[8] != '\0')
		return 0;
bad:
	snprintf(why, len, "expected \"[tag] SUITE inline:<base64 key||salt>[|lifetime][|MKI:len]\"");
	return -EINVAL;
}

/* "CODEC[,CODEC...]" from the codec names media.codec knows. */
int mbl_config_check_codecs(const char *v, char *why, size_t len)
{
	static const char *const known[] = { "PCMU", "PCMA", "G722", "G729", "opus", NULL };
	char buf[MBL_CONFIG_LIST_LEN], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", v);
	for (char *t = strtok_r(buf, ", ", &save); t != NULL; t = strtok_r(NULL, ", ", &save)) {
		bool ok = false;

		for (unsigned i = 0; known[i] != NULL; i++)
			ok |= strcasecmp(t, known[i]) == 0;
		if (!ok) {
			snprintf(why, len, "unknown codec \"%s\" (PCMU, PCMA, G722, G729, opus)", t);
			return -EINVAL;
		}
	}
	return 0;
}

/* "SUITE[,SUITE...]": RFC 4568 suite names, checked by shape here (the
 * app checks them against lib/srtp's table). */
int mbl_config_check_suites(const char *v, char *why, size_t len)
{
	for (const char *p = v; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' ||
		      *p == ',' || *p == ' ')) {
			snprintf(why, len, "expected SUITE[,SUITE...] (e.g. AES_CM_128_HMAC_SHA1_80)");
			return -EINVAL;
		}
	return 0;
}

int mbl_config_check_modes(const char *v, char *why, size_t len)
{
	static const char *const names[] = { "none", "sdes", "dtls", "dual" };
	unsigned seen = 0;

	for (const char *p = v; *p != '\0';) {
		size_t n = strcspn(p, ",");
		unsigned i;

		for (i = 0; i < MBL_ARRAY_SIZE(names); i++)
			if (strlen(names[i]) == n && strncmp(p, names[i], n) == 0)
				break;
		if (i == MBL_ARRAY_SIZE(names)) {
			snprintf(why, len, "'%.*s' is not a mode: expected MODE[,MODE...] of "
				 "none|sdes|dtls|dual", (int)n, p);
			return -EINVAL;
		}
		if (seen & (1u << i)) {
			snprintf(why, len, "'%s' given twice", names[i]);
			return -EINVAL;
		}
		seen |= 1u << i;
		p += n;
		if (*p == ',' && *++p == '\0') {
			snprintf(why, len, "a mode is missing after the last ','");
			return -EINVAL;
		}
	}
	return 0;
}

static int port_of(const char *p, char *why, size_t len)
{
	char *end;
	unsigned long port = strtoul(p, &end, 10);

	if (*p == '\0' || *end != '\0' || port == 0 || port > 65535) {
		snprintf(why, len, "port must be 1..65535");
		return -EINVAL;
	}
	return 0;
}

/* One sip.listen item "IPS:PORTS": IPS an address or a range a-b (IPv6 in
 * brackets; a range varies in its low 32 bits only), PORTS p or p-q. */
struct listen_item {
	int fam;
	uint8_t first[16];
	uint32_t n_ip;
	unsigned port_lo, n_port;
};

static uint32_t low32(const uint8_t ip[16])
{
	return (uint32_t)ip[12] << 24 | (uint32_t)ip[13] << 16 | (uint32_t)ip[14] << 8 | ip[15];
}

static int listen_ips(char *t, struct listen_item *it, char *why, size_t len)
{
	char *dash = strchr(t, '-');
	uint8_t last[16];

	if (dash)
		*dash = '\0';
	it->fam = mbl_parse_ip(t, it->first);
	if (it->fam < 0 || (dash && mbl_parse_ip(dash + 1, last) != it->fam)) {
		snprintf(why, len, "\"%s%s%s\" is not an address or a range a-b of one family", t,
			 dash ? "-" : "", dash ? dash + 1 : "");
		return -EINVAL;
	}
	if (!dash) {
		it->n_ip = 1;
		return 0;
	}
	if (memcmp(it->first, last, 12) != 0 || low32(last) < low32(it->first)) {
		snprintf(why, len, "range %s-%s: the last address must follow the first (and share "
			 "its upper 96 bits)", t, dash + 1);
		return -EINVAL;
	}
	it->n_ip = low32(last) - low32(it->first) + 1;
	return 0;
}

static int listen_ports(const char *p, struct listen_item *it, char *why, size_t len)
{
	char *end;
	unsigned long lo = strtoul(p, &end, 10), hi = lo;

	if (*end == '-' && end != p)
		hi = strtoul(end + 1, &end, 10);
	if (*p == '\0' || *end != '\0' || lo == 0 || hi > 65535 || lo > hi) {
		snprintf(why, len, "port \"%s\": expected PORT or PORT-PORT within 1..65535", p);
		return -EINVAL;
	}
	it->port_lo = (unsigned)lo;
	it->n_port = (unsigned)(hi - lo + 1);
	return 0;
}

static int listen_item(char *t, struct listen_item *it, char *why, size_t len)
{
	char *c = t[0] == '[' ? strstr(t, "]:") : strrchr(t, ':');

	if (c == NULL || (t[0] != '[' && strchr(t, ':') != c)) {
		snprintf(why, len, "\"%s\": expected IP:PORT, IP-IP:PORT, IP:PORT-PORT or "
			 "[IPv6]:PORT", t);
		return -EINVAL;
	}
	*c = '\0';
	if (listen_ips(t[0] == '[' ? t + 1 : t, it, why, len) < 0)
		return -EINVAL;
	return listen_ports(c + (t[0] == '[' ? 2 : 1), it, why, len);
}

/* Walk v's items; stop at item k holding index *i (then *i is the index
 * within it). Returns the total count, or -EINVAL with why. */
static int64_t listen_walk(const char *v, uint32_t *i, struct listen_item *hit, char *why,
			   size_t len)
{
	char buf[MBL_CONFIG_HOST_LEN], *save = NULL;
	uint64_t total = 0;

	snprintf(buf, sizeof(buf), "%s", v);
	for (char *t = strtok_r(buf, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
		struct listen_item it;
		uint64_t n;

		if (listen_item(t, &it, why, len) < 0)
			return -EINVAL;
		n = (uint64_t)it.n_ip * it.n_port;
		if (i != NULL && *i < n) {
			*hit = it;
			return (int64_t)(total + n);
		}
		if (i != NULL)
			*i -= (uint32_t)n;
		total += n;
		if (total > MBL_CONFIG_LISTEN_MAX) {
			snprintf(why, len, "more than %u local addresses (sockets)",
				 MBL_CONFIG_LISTEN_MAX);
			return -EINVAL;
		}
	}
	if (total == 0 || i != NULL) { /* empty, or index i beyond the end */
		snprintf(why, len, total == 0 ? "expected IP:PORT" : "no such address");
		return -EINVAL;
	}
	return (int64_t)total;
}

int mbl_config_listen_count(const char *v, char *why, size_t len)
{
	return (int)listen_walk(v, NULL, NULL, why, len);
}

int mbl_config_listen_nth(const char *v, uint32_t i, char *ip, size_t iplen, uint16_t *port)
{
	struct listen_item it;
	char why[160];
	uint32_t k = i, lo;

	if (listen_walk(v, &k, &it, why, sizeof(why)) < 0)
		return -EINVAL;
	/* addresses vary fastest: consecutive calls leave from different IPs */
	lo = low32(it.first) + k % it.n_ip;
	it.first[12] = (uint8_t)(lo >> 24);
	it.first[13] = (uint8_t)(lo >> 16);
	it.first[14] = (uint8_t)(lo >> 8);
	it.first[15] = (uint8_t)lo;
	mbl_fmt_ip(it.fam, it.first, ip, iplen);
	*port = (uint16_t)(it.port_lo + k / it.n_ip);
	return 0;
}

int mbl_config_check_hostport(const char *v, char *why, size_t len)
{
	return mbl_config_listen_count(v, why, len) < 0 ? -EINVAL : 0;
}

/* HOST:PORT (host a name or an address), or "" when not a UAC. */
int mbl_config_check_target(const char *v, char *why, size_t len)
{
	const char *c = v[0] == '[' ? strstr(v, "]:") : strrchr(v, ':');

	if (*v == '\0')
		return 0;
	if (strncmp(v, "sip:", 4) == 0 || strncmp(v, "sips:", 5) == 0) {
		snprintf(why, len, "give HOST:PORT (the URI is built from sip.to_user and "
			 "sip.domain)");
		return -EINVAL;
	}
	if (c == NULL || c == v) {
		snprintf(why, len, "expected HOST:PORT");
		return -EINVAL;
	}
	return port_of(c + (v[0] == '[' ? 2 : 1), why, len);
}

/* fixed:MS | uniform:MIN-MAX | exp:MEAN */
int mbl_config_check_hold(const char *v, char *why, size_t len)
{
	unsigned long a, b;
	char tail;

	if ((sscanf(v, "fixed:%lu%c", &a, &tail) == 1) || (sscanf(v, "exp:%lu%c", &a, &tail) == 1 &&
							   a > 0))
		return 0;
	if (sscanf(v, "uniform:%lu-%lu%c", &a, &b, &tail) == 2 && a <= b)
		return 0;
	snprintf(why, len, "expected fixed:MS, uniform:MIN-MAX or exp:MEAN (milliseconds)");
	return -EINVAL;
}
