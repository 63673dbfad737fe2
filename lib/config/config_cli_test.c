/* SPDX-License-Identifier: BSD-3-Clause
 * Tests of the command line, profiles (including every file shipped in
 * drivers-config/) and the output generated from the schema.
 */
#include <dirent.h>
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

#include "mbl_common.h"
#include "mbl_config.h"
#include "config_priv.h"

static char err[512];
static char dir[] = "/tmp/mbl_config_cli_XXXXXX";

static void put_file(const char *name, const char *content)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	put_file("lab.ini", "# a test profile\n[eal]\nargs = --vdev=net_x0,iface=${iface},"
		 "q=${queues}\n[port]\nrx_queues = 4\ntx_queues = 2\nburst = 8\n"
		 "mtu = 9000\niface = eth9\n");
	put_file("scen.ini", "[port]\nprofile = lab\nburst = 16\n[run]\nduration = 20\n");
	put_file("plain.ini", "[run]\nduration = 20\nreport = a.json\n");
	put_file("loop.ini", "[port]\nprofile = lab\n");
	put_file("badprof.ini", "[port]\nmtu = 1\n");
	put_file("unknown_ph.ini", "[eal]\nargs = ${pci}\n");
	return 0;
}

static int teardown(void **state)
{
	static const char *const files[] = { "lab.ini", "scen.ini", "plain.ini", "loop.ini",
					     "badprof.ini", "unknown_ph.ini" };
	char path[128];

	(void)state;
	for (size_t i = 0; i < MBL_ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	return rmdir(dir);
}

/* Run parse_args on a NULL-terminated word list (argv[0] added here). */
static int run_args(struct mbl_config *c, struct mbl_config_cli *cli, const char *const *words)
{
	const char *dirs[] = { "/nonexistent", dir, NULL };
	char *argv[32] = { (char *)"mediablast" };
	int argc = 1;

	while (*words)
		argv[argc++] = (char *)*words++;
	memset(cli, 0, sizeof(*cli));
	cli->profile_dirs = dirs;
	err[0] = '\0';
	return mbl_config_parse_args(c, argc, argv, cli, err, sizeof(err));
}

static void path_of(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

static void test_args_basic(void **state)
{
	struct mbl_config c;
	struct mbl_config_cli cli;
	char scen[128];

	(void)state;
	assert_int_equal(run_args(&c, &cli, (const char *[]){ NULL }), 0);
	assert_int_equal(c.run.duration, MBL_CONFIG_DURATION_AUTO);
	/* auto: 10 s for media, no bound for a UAS or a UAC with call.total */
	assert_int_equal(mbl_config_duration_s(&c), 10);
	c.run.role = MBL_CONFIG_ROLE_UAS;
	assert_int_equal(mbl_config_duration_s(&c), 0);
	c.run.role = MBL_CONFIG_ROLE_UAC;
	assert_int_equal(mbl_config_duration_s(&c), 10);
	c.call.total = 50;
	assert_int_equal(mbl_config_duration_s(&c), 0);
	c.run.duration = 3;
	assert_int_equal(mbl_config_duration_s(&c), 3);
	path_of(scen, sizeof(scen), "plain.ini");
	/* file, then --set and shorthands in command-line order */
	assert_int_equal(run_args(&c, &cli, (const char *[]){ "--", "--duration", "5",
		"--set", "run.duration=7", "--config", scen, "--report=r.json",
		"--role", "uac", "--set=media.ptime=40", NULL }), 0);
	assert_ptr_equal(cli.config_path, scen);
	assert_int_equal(c.run.duration, 7);
	assert_string_equal(c.run.report, "r.json");
	assert_int_equal(c.run.role, MBL_CONFIG_ROLE_UAC);
	assert_int_equal(c.media.ptime, 40);
	assert_string_equal(cli.profile_path, "");
	assert_false(cli.help || cli.help_md || cli.version);
	assert_int_equal(run_args(&c, &cli, (const char *[]){ "--config", scen, NULL }), 0);
	assert_int_equal(c.run.duration, 20);
	assert_string_equal(c.run.report, "a.json");
}

static void test_args_flags(void **state)
{
	struct mbl_config c;
	struct mbl_config_cli cli;

	(void)state;
	/* help wins over a config that does not exist: nothing is loaded */
	assert_int_equal(run_args(&c, &cli, (const char *[]){ "--config", "/nonexistent.ini",
		"--set", "run.duration=9", "--help", NULL }), 0);
	assert_true(cli.help);
	assert_int_equal(c.run.duration, MBL_CONFIG_DURATION_AUTO);
	assert_int_equal(run_args(&c, &cli, (const char *[]){ "--help-config-md", NULL }), 0);
	assert_true(cli.help_md);
	assert_int_equal(run_args(&c, &cli, (const char *[]){ "--version", NULL }), 0);
	assert_true(cli.version);
}

static void args_fail(const char *const *words, int rc, const char *msg)
{
	struct mbl_config c;
	struct mbl_config_cli cli;

	assert_int_equal(run_args(&c, &cli, words), rc);
	assert_string_equal(err, msg);
}

static void test_args_errors(void **state)
{
	(void)state;
	args_fail((const char *[]){ "--bogus", NULL }, -EINVAL,
		  "unknown option '--bogus' (see --help)");
	args_fail((const char *[]){ "stray", NULL }, -EINVAL,
		  "unknown option 'stray' (see --help)");
	args_fail((const char *[]){ "--set", NULL }, -EINVAL, "--set: missing value");
	args_fail((const char *[]){ "--report", "--duration", "5", NULL }, -EINVAL,
		  "--report: missing value");
	args_fail((const char *[]){ "--help=yes", NULL }, -EINVAL, "--help: takes no value");
	args_fail((const char *[]){ "--config", "a.ini", "--config", "b.ini", NULL }, -EINVAL,
		  "--config: given twice ('a.ini' and 'b.ini')");
	args_fail((const char *[]){ "--config", "/nonexistent.ini", NULL }, -ENOENT,
		  "/nonexistent.ini: cannot open: No such file or directory");
	args_fail((const char *[]){ "--duration", "-2", NULL }, -EINVAL,
		  "--duration: run.duration: -2 is out of range 0..86400");
	args_fail((const char *[]){ "--duration", "86401", NULL }, -EINVAL,
		  "--duration: run.duration: 86401 is out of range 0..86400");
	args_fail((const char *[]){ "--role", "sbc", NULL }, -EINVAL,
		  "--role: run.role: 'sbc' is not one of uac|uas|media");
	args_fail((const char *[]){ "--set", "media.codek=PCMU", NULL }, -EINVAL,
		  "--set: media.codek: unknown key (did you mean media.codec?)");
	args_fail((const char *[]){ "--set", "eal.args=${iface}", NULL }, -EINVAL,
		  "eal.args: uses ${iface} but port.iface is empty (e.g. --set port.iface=veth0)");
}

static void test_profile_order(void **state)
{
	struct mbl_config c;
	struct mbl_config_cli cli;
	char scen[300], want[256];

	(void)state;
	path_of(scen, sizeof(scen), "scen.ini");
	/* profile < scenario < --set; the profile's own keys survive */
	assert_int_equal(run_args(&c, &cli, (const char *[]){ "--config", scen,
		"--set", "port.burst=32", "--set", "port.iface=veth1", NULL }), 0);
	path_of(want, sizeof(want), "lab.ini");
	assert_string_equal(cli.profile_path, want);
	assert_string_equal(c.port.profile, "lab");
	assert_int_equal(c.port.rx_queues, 4);
	assert_int_equal(c.port.mtu, 9000);
	assert_int_equal(c.port.burst, 32);
	assert_int_equal(c.run.duration, 20);
	assert_string_equal(c.eal_args, "--vdev=net_x0,iface=veth1,q=4");
	/* the profile's iface is used when nobody overrides it; "lab.ini" works too */
	assert_int_equal(run_args(&c, &cli, (const char *[]){ "--set", "port.profile=lab.ini",
		NULL }), 0);
	assert_string_equal(c.eal_args, "--vdev=net_x0,iface=eth9,q=4");
	assert_int_equal(c.port.burst, 8);
	/* a name with '/' is a path */
	assert_int_equal(run_args(&c, &cli, (const char *[]){ "--set", want, NULL }), -EINVAL);
	snprintf(scen, sizeof(scen), "port.profile=%s", want);
	assert_int_equal(run_args(&c, &cli, (const char *[]){ "--set", scen, NULL }), 0);
	assert_string_equal(cli.profile_path, want);
	assert_int_equal(c.port.mtu, 9000);
}

/* media.preset sets its keys first: anything written anywhere else wins,
 * before or after it; with a profile too. */
static void test_preset(void **state)
{
	struct mbl_config c;
	struct mbl_config_cli cli;
	char why[256];

	(void)state;
	assert_int_equal(run_args(&c, &cli, (const char *[]){ "--set", "media.feedback=none",
		"--set", "media.preset=webrtc", NULL }), 0);
	assert_int_equal(c.media.preset, MBL_CONFIG_PRESET_WEBRTC);
	assert_int_equal(c.media.encryption, MBL_CONFIG_ENC_DTLS);
	assert_int_equal(c.media.feedback, MBL_CONFIG_FB_NONE); /* set before it: kept */
	assert_true(c.media.rtcp_mux);
	assert_true(c.media.bundle);
	assert_int_equal(c.media.ice, MBL_CONFIG_ICE_FULL);
	assert_int_equal(mbl_config_validate(&c, why, sizeof(why)), 0);
	assert_int_equal(run_args(&c, &cli, (const char *[]){ "--set", "media.preset=webrtc",
		"--set", "media.ice=lite", "--set", "port.profile=lab", NULL }), 0);
	assert_int_equal(c.media.ice, MBL_CONFIG_ICE_LITE);
	assert_int_equal(c.media.feedback, MBL_CONFIG_FB_AVPF);
	assert_int_equal(c.port.rx_queues, 4);
	/* without a preset nothing changes */
	assert_int_equal(run_args(&c, &cli, (const char *[]){ NULL }), 0);
	assert_int_equal(c.media.ice, MBL_CONFIG_ICE_OFF);
	assert_false(c.media.bundle);
	/* ICE without rtcp-mux is refused, naming the key */
	assert_int_equal(run_args(&c, &cli, (const char *[]){ "--set", "media.ice=full", NULL }),
			 0);
	assert_int_equal(mbl_config_validate(&c, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "media.ice"));
	assert_non_null(strstr(why, "media.rtcp_mux = true"));
}

static void test_profile_errors(void **state)
{
	char msg[400], scen[160];

	(void)state;
	snprintf(msg, sizeof(msg), "port.profile: no profile 'nope' (looked for "
		 "/nonexistent/nope.ini, %s/nope.ini)", dir);
	args_fail((const char *[]){ "--set", "port.profile=nope", NULL }, -ENOENT, msg);
	args_fail((const char *[]){ "--set", "port.profile=/nonexistent/p.ini", NULL }, -ENOENT,
		  "/nonexistent/p.ini: cannot open: No such file or directory");
	snprintf(msg, sizeof(msg), "%s/loop.ini: port.profile: a profile cannot name "
		 "another profile", dir);
	args_fail((const char *[]){ "--set", "port.profile=loop", NULL }, -EINVAL, msg);
	snprintf(msg, sizeof(msg), "%s/badprof.ini:2: port.mtu: 1 is out of range 576..9600",
		 dir);
	args_fail((const char *[]){ "--set", "port.profile=badprof", NULL }, -EINVAL, msg);
	path_of(scen, sizeof(scen), "scen.ini");
	args_fail((const char *[]){ "--config", scen, "--set", "run.duration=1.5", NULL }, -EINVAL,
		  "--set: run.duration: '1.5' is not a decimal integer or auto");
	args_fail((const char *[]){ "--set", "port.profile=unknown_ph", NULL }, -EINVAL,
		  "eal.args: unknown placeholder '${pci}' (known: ${iface}, ${queues})");
}

static void test_expand_eal(void **state)
{
	struct mbl_config c;

	(void)state;
	mbl_config_defaults(&c);
	strcpy(c.eal_args, "a ${iface} ${queues} ${iface}");
	strcpy(c.port.iface, "veth0");
	c.port.tx_queues = 3;
	assert_int_equal(mbl_config_expand_eal(&c, err, sizeof(err)), 0);
	assert_string_equal(c.eal_args, "a veth0 3 veth0");
	strcpy(c.eal_args, "x ${nope");
	assert_int_equal(mbl_config_expand_eal(&c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "eal.args: unknown placeholder '${nope' "
			    "(known: ${iface}, ${queues})");
	memset(c.port.iface, 'i', sizeof(c.port.iface) - 1);
	c.port.iface[sizeof(c.port.iface) - 1] = '\0';
	memset(c.eal_args, 0, sizeof(c.eal_args));
	for (int i = 0; i < 100; i++)
		strcat(c.eal_args, "${iface}");
	assert_int_equal(mbl_config_expand_eal(&c, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "eal.args: longer than 1023 characters after replacing "
			    "placeholders");
}

/* Every file shipped in drivers-config/ loads, expands and validates. */
static void test_shipped_profiles(void **state)
{
	const char *src = __FILE__, *cut = strstr(src, "lib/config/");
	char root[512], path[800], set[300];
	const char *dirs[2] = { root, NULL };
	struct mbl_config c;
	struct mbl_config_cli cli;
	struct dirent *e;
	int n = 0;
	DIR *d;

	(void)state;
	snprintf(root, sizeof(root), "%.*sdrivers-config", (int)(cut - src), src);
	d = opendir(root);
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);

		if (l < 5 || strcmp(e->d_name + l - 4, ".ini") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", root, e->d_name);
		mbl_config_defaults(&c);
		if (mbl_config_load_file(&c, path, err, sizeof(err)) != 0)
			fail_msg("%s", err);
		/* through the command line as a profile name, as users do */
		snprintf(set, sizeof(set), "port.profile=%.*s", (int)(l - 4), e->d_name);
		char *argv[] = { (char *)"mbl", (char *)"--set", set,
				 (char *)"--set", (char *)"port.iface=veth0", NULL };
		memset(&cli, 0, sizeof(cli));
		cli.profile_dirs = dirs;
		if (mbl_config_parse_args(&c, 5, argv, &cli, err, sizeof(err)) != 0 ||
		    mbl_config_validate(&c, err, sizeof(err)) != 0)
			fail_msg("%s: %s", e->d_name, err);
		assert_string_equal(cli.profile_path, path);
		assert_null(strstr(c.eal_args, "${"));
		n++;
	}
	closedir(d);
	assert_true(n >= 12);
}

/* Capture what fn writes into a malloc'd string. */
static char *capture(void (*fn)(FILE *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	fn(f);
	fclose(f);
	return buf;
}

/* Collapse whitespace runs (help text is word-wrapped) into one space. */
static char *squeeze(char *s)
{
	char *o = s;

	for (const char *p = s; *p; p++)
		if (!(*p == ' ' || *p == '\n') || (o > s && o[-1] != ' '))
			*o++ = *p == '\n' ? ' ' : *p;
	*o = '\0';
	return s;
}

static void test_help_md(void **state)
{
	char *help = squeeze(capture(mbl_config_print_help));
	char *md = capture(mbl_config_print_md);
	char q[96], cell[110];

	(void)state;
	for (size_t i = 0; i < mbl_config_nkeys; i++) {
		snprintf(q, sizeof(q), "%s.%s", mbl_config_keys[i].section,
			 mbl_config_keys[i].name);
		snprintf(cell, sizeof(cell), "| `%s` |", q);
		if (!strstr(help, q) || !strstr(help, mbl_config_keys[i].help))
			fail_msg("help lacks %s", q);
		if (!strstr(md, cell) || !strstr(md, mbl_config_keys[i].help))
			fail_msg("md lacks %s", q);
	}
	assert_non_null(strstr(help, "[media]"));
	assert_non_null(strstr(help, "uac: places calls (SIP) to sip.target"));
	assert_non_null(strstr(help, "10..60 step 10"));
	assert_non_null(strstr(help, "0..127 or auto"));
	assert_non_null(strstr(md, "## [port]"));
	assert_non_null(strstr(md, "uac\\|uas\\|media"));
	assert_non_null(strstr(md, "| `\"\"` |"));
	free(help);
	free(md);
}

/* Braces and brackets balance outside strings. */
static void assert_balanced(const char *s)
{
	int depth = 0;
	bool in_str = false;

	for (; *s; s++) {
		if (in_str) {
			if (*s == '\\')
				s++;
			else if (*s == '"')
				in_str = false;
			continue;
		}
		if (*s == '"')
			in_str = true;
		depth += (*s == '{' || *s == '[') - (*s == '}' || *s == ']');
		assert_true(depth >= 0);
	}
	assert_false(in_str);
	assert_int_equal(depth, 0);
}

static void test_json(void **state)
{
	struct mbl_config c;
	struct mbl_json j;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	mbl_config_defaults(&c);
	strcpy(c.eal_args, "--vdev=\"x\"");
	mbl_json_init(&j, f, false);
	mbl_config_dump_json(&c, &j);
	fclose(f);
	assert_balanced(buf);
	assert_true(buf[0] == '{');
	assert_null(strstr(buf, "\"config\""));
	assert_non_null(strstr(buf, "\"media\":{\"local_ip\":\"198.18.0.1\""));
	assert_non_null(strstr(buf, "\"duration\":\"auto\""));
	assert_non_null(strstr(buf, "\"console\":true"));
	assert_non_null(strstr(buf, "\"pt\":\"auto\""));
	assert_non_null(strstr(buf, "\"tone_level_dbm0\":-10"));
	assert_non_null(strstr(buf, "\"codec\":\"PCMU\""));
	assert_non_null(strstr(buf, "\"args\":\"--vdev=\\\"x\\\"\""));
	for (size_t i = 0; i < mbl_config_nkeys; i++) {
		char k[64];

		snprintf(k, sizeof(k), "\"%s\":", mbl_config_keys[i].name);
		assert_non_null(strstr(buf, k));
	}
	free(buf);
	/* nested inside a report object: member "config" */
	f = open_memstream(&buf, &len);
	c.media.pt = 8;
	mbl_json_init(&j, f, true);
	mbl_json_obj_open(&j, NULL);
	mbl_json_u64(&j, "version", 1);
	mbl_config_dump_json(&c, &j);
	mbl_json_obj_close(&j);
	fclose(f);
	assert_balanced(buf);
	assert_non_null(strstr(buf, "\"config\": {"));
	assert_non_null(strstr(buf, "\"pt\": 8"));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_args_basic),
		cmocka_unit_test(test_args_flags),
		cmocka_unit_test(test_args_errors),
		cmocka_unit_test(test_profile_order),
		cmocka_unit_test(test_preset),
		cmocka_unit_test(test_profile_errors),
		cmocka_unit_test(test_expand_eal),
		cmocka_unit_test(test_shipped_profiles),
		cmocka_unit_test(test_help_md),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
