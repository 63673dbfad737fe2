/* SPDX-License-Identifier: BSD-3-Clause
 * Tests of the schema, value parsing, INI files and cross-key validation.
 * The command line, profiles and generated output: config_cli_test.c.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "mbl_config.h"
#include "config_priv.h"

static char err[512];

/* Write content to a fresh temporary .ini; returns its malloc'd path. */
static char *tmp_ini(const char *content)
{
	char *path = strdup("/tmp/mbl_config_test_XXXXXX.ini");
	int fd = mkstemps(path, 4);
	FILE *f;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
	return path;
}

static void drop(char *path)
{
	unlink(path);
	free(path);
}

/* Set "key=value" and expect rc; on error, expect the message too. */
static void set_expect(struct mbl_config *cfg, const char *a, int rc, const char *msg)
{
	err[0] = '\0';
	if (mbl_config_set(cfg, a, "--set", err, sizeof(err)) != rc)
		fail_msg("%s: %s", a, err);
	if (msg)
		assert_string_equal(err, msg);
}

static void get_expect(const struct mbl_config *cfg, const char *key, const char *v)
{
	char buf[MBL_CONFIG_EAL_LEN];

	assert_int_equal(mbl_config_get_str(cfg, key, buf, sizeof(buf)), 0);
	assert_string_equal(buf, v);
}

static void test_defaults(void **state)
{
	struct mbl_config c;
	char q[96];

	(void)state;
	mbl_config_defaults(&c);
	assert_int_equal(c.run.role, MBL_CONFIG_ROLE_MEDIA);
	assert_int_equal(c.run.duration, MBL_CONFIG_DURATION_AUTO);
	assert_true(c.run.console && c.run.telemetry);
	assert_int_equal(c.port.mbufs, 65535);
	assert_int_equal(c.port.cksum_offload, MBL_CONFIG_CKSUM_AUTO);
	assert_false(c.port.promisc);
	assert_string_equal(c.media.local_ip, "198.18.0.1");
	assert_string_equal(c.media.remote_ip, "198.18.0.2");
	assert_int_equal(c.media.dscp, 46);
	assert_int_equal(c.media.pt, MBL_CONFIG_PT_AUTO);
	assert_int_equal(c.media.tone_level_dbm0, -10);
	assert_int_equal(c.media.codec, MBL_CONFIG_CODEC_PCMU);
	assert_string_equal(c.eal_args, "");
	/* Every default reads back as the schema wrote it. */
	for (size_t i = 0; i < mbl_config_nkeys; i++) {
		snprintf(q, sizeof(q), "%s.%s", mbl_config_keys[i].section,
			 mbl_config_keys[i].name);
		get_expect(&c, q, mbl_config_keys[i].def);
	}
	assert_int_equal(mbl_config_validate(&c, err, sizeof(err)), 0);
	assert_int_equal(mbl_config_validate(&c, NULL, 0), 0);
}

static void test_integers(void **state)
{
	struct mbl_config c;

	(void)state;
	mbl_config_defaults(&c);
	set_expect(&c, "port.burst=64", 0, NULL);
	assert_int_equal(c.port.burst, 64);
	set_expect(&c, "media.ptime=70", -EINVAL, "--set: media.ptime: 70 is out of range 10..60");
	set_expect(&c, "media.ptime=25", -EINVAL, "--set: media.ptime: 25 is not a multiple of 10");
	set_expect(&c, "port.burst=0", -EINVAL, "--set: port.burst: 0 is out of range 1..256");
	set_expect(&c, "port.burst=-1", -EINVAL, "--set: port.burst: -1 is out of range 1..256");
	set_expect(&c, "port.burst=12x", -EINVAL, "--set: port.burst: '12x' is not a decimal integer");
	set_expect(&c, "port.burst=", -EINVAL, "--set: port.burst: '' is not a decimal integer");
	set_expect(&c, "port.burst=+5", -EINVAL, NULL);
	set_expect(&c, "port.burst=0x10", -EINVAL, NULL);
	set_expect(&c, "port.burst=-", -EINVAL, NULL);
	set_expect(&c, "run.duration=99999999999999999999", -EINVAL,
		   "--set: run.duration: 99999999999999999999 is out of range 0..86400");
	assert_int_equal(c.port.burst, 64); /* failures leave the value alone */
	set_expect(&c, "media.ssrc_seed=4294967295", 0, NULL);
	assert_int_equal(c.media.ssrc_seed, UINT32_MAX);
	set_expect(&c, "media.ssrc_seed=4294967296", -EINVAL, NULL);
	set_expect(&c, "port.mbufs=4194304", 0, NULL);
	set_expect(&c, "port.id=65535", 0, NULL);
	set_expect(&c, "port.id=65536", -EINVAL, NULL);
	set_expect(&c, "media.dscp=63", 0, NULL);
	assert_int_equal(c.media.dscp, 63);
	set_expect(&c, "media.dscp=64", -EINVAL, NULL);
	set_expect(&c, "media.tone_level_dbm0=-60", 0, NULL);
	assert_int_equal(c.media.tone_level_dbm0, -60);
	set_expect(&c, "media.tone_level_dbm0=3", 0, NULL);
	set_expect(&c, "media.tone_level_dbm0=-61", -EINVAL,
		   "--set: media.tone_level_dbm0: -61 is out of range -60..3");
	set_expect(&c, "media.tone_level_dbm0=4", -EINVAL, NULL);
	set_expect(&c, "media.vlan=4094", 0, NULL);
	set_expect(&c, "media.vlan=4095", -EINVAL, NULL);
}

static void test_pt_auto(void **state)
{
	struct mbl_config c;

	(void)state;
	mbl_config_defaults(&c);
	assert_int_equal(mbl_config_media_pt(&c), 0);
	set_expect(&c, "media.codec=g722", 0, NULL);
	assert_int_equal(mbl_config_media_pt(&c), 9);
	set_expect(&c, "media.codec=OPUS", 0, NULL);
	assert_int_equal(mbl_config_media_pt(&c), 111);
	set_expect(&c, "media.pt=96", 0, NULL);
	assert_int_equal(mbl_config_media_pt(&c), 96);
	get_expect(&c, "media.pt", "96");
	set_expect(&c, "media.pt=AUTO", 0, NULL);
	get_expect(&c, "media.pt", "auto");
	set_expect(&c, "media.pt=127", 0, NULL);
	set_expect(&c, "media.pt=128", -EINVAL, "--set: media.pt: 128 is out of range 0..127");
	set_expect(&c, "media.pt=-1", -EINVAL, NULL); /* auto is spelled "auto" */
	set_expect(&c, "media.pt=x", -EINVAL,
		   "--set: media.pt: 'x' is not a decimal integer or auto");
	set_expect(&c, "media.codec=G729", 0, NULL);
	set_expect(&c, "media.pt=auto", 0, NULL);
	assert_int_equal(mbl_config_media_pt(&c), 18);
	set_expect(&c, "media.ptime=30", 0, NULL);
	assert_int_equal(mbl_config_media_payload_bytes(&c), 30);
	set_expect(&c, "media.codec=pcma", 0, NULL);
	assert_int_equal(mbl_config_media_payload_bytes(&c), 240);
}

static void test_bools_enums_strings(void **state)
{
	static const char *const t[] = { "true", "YES", "on", "1" };
	static const char *const f[] = { "false", "no", "Off", "0" };
	struct mbl_config c;
	char a[64], big[400];

	(void)state;
	mbl_config_defaults(&c);
	for (int i = 0; i < 4; i++) {
		snprintf(a, sizeof(a), "run.console=%s", f[i]);
		set_expect(&c, a, 0, NULL);
		assert_false(c.run.console);
		snprintf(a, sizeof(a), "run.console=%s", t[i]);
		set_expect(&c, a, 0, NULL);
		assert_true(c.run.console);
	}
	set_expect(&c, "port.rss=maybe", -EINVAL,
		   "--set: port.rss: 'maybe' is not a boolean (true/false, yes/no, on/off, 1/0)");
	set_expect(&c, "media.codec=pcma", 0, NULL);
	get_expect(&c, "media.codec", "PCMA");
	set_expect(&c, "media.codec=Opus", 0, NULL);
	get_expect(&c, "media.codec", "opus");
	set_expect(&c, "media.codec=G711", -EINVAL,
		   "--set: media.codec: 'G711' is not one of PCMU|PCMA|G722|G729|opus");
	set_expect(&c, "run.role=UAC", 0, NULL);
	assert_int_equal(c.run.role, MBL_CONFIG_ROLE_UAC);
	set_expect(&c, "port.cksum_offload=off", 0, NULL);
	assert_int_equal(c.port.cksum_offload, MBL_CONFIG_CKSUM_OFF);
	set_expect(&c, "media.payload=probe", 0, NULL);
	assert_int_equal(c.media.payload, MBL_CONFIG_PAYLOAD_PROBE);
	/* strings: quotes, length, formats */
	set_expect(&c, "run.report = \"/tmp/r.json\"", 0, NULL);
	assert_string_equal(c.run.report, "/tmp/r.json");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "run.report=", 11);
	set_expect(&c, big, -EINVAL,
		   "--set: run.report: value is 388 characters long, at most 255 allowed");
	set_expect(&c, "media.remote_mac=02:00:00:aa:BB:0f", 0, NULL);
	set_expect(&c, "media.remote_mac=02:00:00:aa:bb", -EINVAL,
		   "--set: media.remote_mac: '02:00:00:aa:bb' is not a MAC address like "
		   "aa:bb:cc:dd:ee:ff");
	set_expect(&c, "media.remote_mac=02-00-00-aa-bb-cc", -EINVAL, NULL);
	set_expect(&c, "media.remote_mac=02:00:00:aa:bb:cc:", -EINVAL, NULL);
	set_expect(&c, "media.remote_mac=02:00:00:aa:bb:cg", -EINVAL, NULL);
	set_expect(&c, "media.remote_mac=", 0, NULL); /* back to ARP */
	set_expect(&c, "media.dtmf=0123456789*#ABCDabcd", 0, NULL);
	set_expect(&c, "media.dtmf=12e", -EINVAL,
		   "--set: media.dtmf: 'e' is not a DTMF digit (0-9 * # A-D)");
	/* SIP over WebSocket: the transports and the handshake's path / Origin */
	set_expect(&c, "sip.transport=wss", 0, NULL);
	assert_int_equal(c.sip.transport, MBL_CONFIG_TP_WSS);
	set_expect(&c, "sip.transport=ws", 0, NULL);
	assert_int_equal(c.sip.transport, MBL_CONFIG_TP_WS);
	get_expect(&c, "sip.ws_path", "/");
	set_expect(&c, "sip.ws_path=/ws?x=1", 0, NULL);
	set_expect(&c, "sip.ws_path=ws", -EINVAL, "--set: sip.ws_path: 'ws' must start with '/'");
	set_expect(&c, "sip.ws_path=/a b", -EINVAL, NULL);
	set_expect(&c, "sip.ws_origin=https://app.test", 0, NULL);
	set_expect(&c, "sip.ws_origin=", 0, NULL);
}

static void test_addresses(void **state)
{
	struct mbl_config c;

	(void)state;
	mbl_config_defaults(&c);
	set_expect(&c, "media.local_ip=198.18.0.10-198.18.0.20", 0, NULL);
	set_expect(&c, "media.remote_ip=198.19.0.0/24", 0, NULL);
	set_expect(&c, "media.gateway=198.18.0.254", 0, NULL);
	assert_int_equal(mbl_config_validate(&c, err, sizeof(err)), 0);
	set_expect(&c, "media.local_ip=2001:db8::1-2001:db8::ff", 0, NULL);
	set_expect(&c, "media.local_ip=2001:db8::/64", 0, NULL);
	set_expect(&c, "media.local_ip=198.18.0.300", -EINVAL,
		   "--set: media.local_ip: '198.18.0.300' is not an IPv4 or IPv6 address");
	set_expect(&c, "media.local_ip=198.18.0.1-2001:db8::1", -EINVAL,
		   "--set: media.local_ip: range '198.18.0.1-2001:db8::1' mixes IPv4 and IPv6");
	set_expect(&c, "media.local_ip=198.18.0.1-x", -EINVAL, NULL);
	set_expect(&c, "media.local_ip=198.18.0.0/33", -EINVAL,
		   "--set: media.local_ip: '198.18.0.0/33' has a bad prefix length (0..32)");
	set_expect(&c, "media.local_ip=2001:db8::/129", -EINVAL, NULL);
	set_expect(&c, "media.local_ip=198.18.0.0/", -EINVAL, NULL);
	set_expect(&c, "media.local_ip=x/24", -EINVAL, NULL);
	set_expect(&c, "media.local_ip=198.18.0.0/2a", -EINVAL, NULL);
	set_expect(&c, "media.local_ip=198.18.0.1-198.18.0.2/24", -EINVAL,
		   "--set: media.local_ip: '198.18.0.1-198.18.0.2/24': use either a range a-b "
		   "or a prefix a/n");
	set_expect(&c, "media.gateway=198.18.0.0/24", -EINVAL, NULL); /* one address */
}

static void test_set_errors(void **state)
{
	struct mbl_config c;

	(void)state;
	mbl_config_defaults(&c);
	set_expect(&c, "media.codec", -EINVAL, "--set: expected section.key=value");
	set_expect(&c, "media.codek=PCMA", -EINVAL,
		   "--set: media.codek: unknown key (did you mean media.codec?)");
	set_expect(&c, "duration=5", -EINVAL,
		   "--set: duration: unknown key (did you mean run.duration?)");
	set_expect(&c, "totally.different=1", -EINVAL, "--set: totally.different: unknown key");
	set_expect(&c, " media.ptime = 30 ", 0, NULL);
	assert_int_equal(c.media.ptime, 30);
	assert_int_equal(mbl_config_set(&c, "media.ptime=1", NULL, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "--set: media.ptime: 1 is out of range 10..60");
	assert_int_equal(mbl_config_set(&c, "x", "scenario", NULL, 0), -EINVAL);
}

static void test_get_str(void **state)
{
	struct mbl_config c;
	char buf[8];

	(void)state;
	mbl_config_defaults(&c);
	assert_int_equal(mbl_config_get_str(&c, "media.nope", buf, sizeof(buf)), -EINVAL);
	assert_string_equal(buf, "");
	assert_int_equal(mbl_config_get_str(&c, "media", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(mbl_config_get_str(&c, "media.local_ip", buf, sizeof(buf)), -ENOSPC);
	assert_string_equal(buf, "198.18.");
	assert_int_equal(mbl_config_get_str(&c, "run.duration", buf, 0), -ENOSPC);
	get_expect(&c, "run.console", "true");
	get_expect(&c, "port.promisc", "false");
	get_expect(&c, "run.role", "media");
	get_expect(&c, "media.tone_level_dbm0", "-10");
}

static void test_ini_ok(void **state)
{
	char *p = tmp_ini(
		"# a scenario\n"
		"; another comment style\n"
		"run.duration = 30   # qualified at top level\n"
		"\n"
		"  [ media ]  ; section with spaces\n"
		"codec = pcma\n"
		"dtmf = \"#12\"     ; quotes keep '#'\n"
		"payload_file = a#b.raw\n"
		"local_ip=198.18.1.1\r\n"
		"port.burst = 16\n"
		"[run]\n"
		"report = \"\"\n"
		"console = no ; off\n"
		"[eal]\n"
		"args = --no-pci --vdev=net_null0\n");
	struct mbl_config c;

	(void)state;
	mbl_config_defaults(&c);
	assert_int_equal(mbl_config_load_file(&c, p, err, sizeof(err)), 0);
	assert_int_equal(c.run.duration, 30);
	assert_int_equal(c.media.codec, MBL_CONFIG_CODEC_PCMA);
	assert_string_equal(c.media.dtmf, "#12");
	assert_string_equal(c.media.payload_file, "a#b.raw");
	assert_string_equal(c.media.local_ip, "198.18.1.1");
	assert_int_equal(c.port.burst, 16);
	assert_string_equal(c.run.report, "");
	assert_false(c.run.console);
	assert_string_equal(c.eal_args, "--no-pci --vdev=net_null0");
	drop(p);
}

/* Load content, expect -EINVAL and "PATH:<suffix>" as the message. */
static void ini_fails(const char *content, const char *suffix)
{
	char *p = tmp_ini(content), want[600];
	struct mbl_config c;

	mbl_config_defaults(&c);
	assert_int_equal(mbl_config_load_file(&c, p, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s:%s", p, suffix);
	assert_string_equal(err, want);
	drop(p);
}

static void test_ini_errors(void **state)
{
	(void)state;
	ini_fails("[media]\n\nptime = 70\n", "3: media.ptime: 70 is out of range 10..60");
	ini_fails("[media]\n# c\ncodek = PCMA\n",
		  "3: media.codek: unknown key (did you mean media.codec?)");
	ini_fails("[media]\ncodec PCMA\n", "2: syntax error: expected key = value");
	ini_fails("[media]\n = PCMA\n", "2: syntax error: expected key = value");
	ini_fails("duration = 5\n",
		  "1: duration: key outside a section (write [section] or section.key)");
	ini_fails("[medai]\n", "1: [medai]: unknown section (did you mean [media]?)");
	ini_fails("[nothing_like_it]\n", "1: [nothing_like_it]: unknown section");
	ini_fails("[media\n", "1: syntax error: expected [section]");
	ini_fails("[media] x\n", "1: syntax error: text after [section]");
	ini_fails("[media]\ndtmf = \"12\n", "2: media.dtmf: unterminated quote");
	ini_fails("[media]\ndtmf = \"12\" 3\n", "2: media.dtmf: text after the closing quote");
	ini_fails("[media]\nptime = 20\nstreams = 5\nptime = 30\n",
		  "4: media.ptime: duplicate key (first set on line 2)");
	ini_fails("media.ptime = 20\n[media]\nptime = 30\n",
		  "3: media.ptime: duplicate key (first set on line 1)");
	ini_fails("[run]\nconsole = maybe\n",
		  "2: run.console: 'maybe' is not a boolean (true/false, yes/no, on/off, 1/0)");
}

static void test_ini_missing(void **state)
{
	struct mbl_config c;

	(void)state;
	mbl_config_defaults(&c);
	assert_int_equal(mbl_config_load_file(&c, "/nonexistent/x.ini", err, sizeof(err)),
			 -ENOENT);
	assert_string_equal(err, "/nonexistent/x.ini: cannot open: No such file or directory");
}

/* Edit c, expect validate to fail with exactly msg, then restore. */
static void invalid(struct mbl_config *c, const char *set1, const char *set2, const char *msg)
{
	struct mbl_config saved = *c;

	if (set1)
		set_expect(c, set1, 0, NULL);
	if (set2)
		set_expect(c, set2, 0, NULL);
	assert_int_equal(mbl_config_validate(c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, msg);
	*c = saved;
}

static void valid(struct mbl_config *c, const char *set1, const char *set2)
{
	struct mbl_config saved = *c;

	set_expect(c, set1, 0, NULL);
	if (set2)
		set_expect(c, set2, 0, NULL);
	assert_int_equal(mbl_config_validate(c, err, sizeof(err)), 0);
	*c = saved;
}

static void test_validate_cross(void **state)
{
	struct mbl_config c;

	(void)state;
	mbl_config_defaults(&c);
	invalid(&c, "media.payload=file", NULL,
		"media.payload_file: required when media.payload = file");
	valid(&c, "media.payload=file", "media.payload_file=a.raw");
	invalid(&c, "media.codec=G729", NULL, "media.codec: G729 has no tone encoder with "
		"media.payload = tone (use media.payload=file or probe)");
	invalid(&c, "media.codec=opus", NULL, "media.codec: opus has no tone encoder with "
		"media.payload = tone (use media.payload=file or probe)");
	c.media.payload = MBL_CONFIG_PAYLOAD_PROBE;
	invalid(&c, "media.codec=G729", "media.ptime=10", "media.ptime: a probe needs 24 "
		"payload bytes but G729 at 10 ms carries 10 (raise media.ptime)");
	invalid(&c, "media.codec=G729", NULL, "media.ptime: a probe needs 24 payload bytes "
		"but G729 at 20 ms carries 20 (raise media.ptime)");
	valid(&c, "media.codec=G729", "media.ptime=30");
	valid(&c, "media.codec=PCMU", "media.ptime=10");
	valid(&c, "media.codec=opus", "media.ptime=10");
	invalid(&c, "media.codec=opus", "media.ptime=30",
		"media.ptime: opus cannot carry 30 ms per packet (use 10, 20, 40 or 60)");
	c.media.payload = MBL_CONFIG_PAYLOAD_TONE;
	invalid(&c, "media.local_ip=2001:db8::1", NULL, "media.local_ip, media.remote_ip: "
		"IPv6 and IPv4 cannot talk to each other");
	valid(&c, "media.local_ip=2001:db8::1", "media.remote_ip=2001:db8::/120");
	invalid(&c, "media.gateway=2001:db8::1", NULL,
		"media.gateway: must be an IPv4 address like media.local_ip");
	invalid(&c, "media.local_ip=", NULL, "media.local_ip: is required");
	invalid(&c, "media.remote_ip=", NULL, "media.remote_ip: is required");
	invalid(&c, "media.dtmf=12", "media.pt=101", "media.dtmf_pt, media.pt: both are 101");
	invalid(&c, "media.dtmf=12", "media.dtmf_duration_ms=2000",
		"media.dtmf_duration_ms: 2000 must be shorter than media.dtmf_interval_ms (2000)");
	valid(&c, "media.dtmf=12", "media.pt=100");
	invalid(&c, "eal.args=--vdev=net_af_packet0,iface=${iface}", NULL,
		"eal.args: uses ${iface} but port.iface is empty (e.g. --set port.iface=veth0)");
	valid(&c, "eal.args=--vdev=net_af_packet0,iface=${iface}", "port.iface=veth0");
}

/* The struct is plain: validate re-checks what direct edits could break. */
static void test_validate_fields(void **state)
{
	struct mbl_config c;

	(void)state;
	mbl_config_defaults(&c);
	c.port.burst = 0;
	assert_int_equal(mbl_config_validate(&c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "port.burst: 0 is out of range 1..256");
	mbl_config_defaults(&c);
	c.media.ptime = 25;
	assert_int_equal(mbl_config_validate(&c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "media.ptime: 25 is not a multiple of 10");
	mbl_config_defaults(&c);
	c.media.codec = (enum mbl_config_codec)9;
	assert_int_equal(mbl_config_validate(&c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "media.codec: 9 is not a valid choice");
	get_expect(&c, "media.codec", "?");
	mbl_config_defaults(&c);
	strcpy(c.media.remote_mac, "zz");
	assert_int_equal(mbl_config_validate(&c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "media.remote_mac: 'zz' is not a MAC address like "
			    "aa:bb:cc:dd:ee:ff");
	mbl_config_defaults(&c);
	strcpy(c.media.dtmf, "1x");
	assert_int_equal(mbl_config_validate(&c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "media.dtmf: 'x' is not a DTMF digit (0-9 * # A-D)");
	mbl_config_defaults(&c);
	memset(c.media.dtmf, '1', sizeof(c.media.dtmf));
	assert_int_equal(mbl_config_validate(&c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "media.dtmf: value is not NUL-terminated");
	mbl_config_defaults(&c);
	strcpy(c.media.local_ip, "nope");
	assert_int_equal(mbl_config_validate(&c, NULL, 0), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_pt_auto),
		cmocka_unit_test(test_bools_enums_strings),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_set_errors),
		cmocka_unit_test(test_get_str),
		cmocka_unit_test(test_ini_ok),
		cmocka_unit_test(test_ini_errors),
		cmocka_unit_test(test_ini_missing),
		cmocka_unit_test(test_validate_cross),
		cmocka_unit_test(test_validate_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
