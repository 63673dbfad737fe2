/* SPDX-License-Identifier: BSD-3-Clause
 * Application command line and drivers-config profiles.
 *
 * The profile must apply before the scenario (so the scenario and --set
 * override it), yet its name may come from the scenario or from --set. So
 * everything is applied twice: a first pass only learns port.profile, the
 * second rebuilds from the defaults: profile, scenario, then the command
 * line in order. Applying twice is cheap and keeps one code path.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mbl_common.h"
#include "config_priv.h"

enum opt_id {
	OPT_CONFIG,
	OPT_SET,
	OPT_SHORTHAND,
	OPT_HELP,
	OPT_HELP_MD,
	OPT_VERSION,
};

struct opt {
	const char *name;
	enum opt_id id;
	bool has_arg;
	const char *key; /* shorthands: the key they set */
};

static const struct opt opts[] = {
	{ "--config", OPT_CONFIG, true, NULL },
	{ "--set", OPT_SET, true, NULL },
	{ "--role", OPT_SHORTHAND, true, "run.role" },
	{ "--duration", OPT_SHORTHAND, true, "run.duration" },
	{ "--report", OPT_SHORTHAND, true, "run.report" },
	{ "--cdr", OPT_SHORTHAND, true, "run.cdr" },
	{ "--html", OPT_SHORTHAND, true, "run.html" },
	{ "--help", OPT_HELP, false, NULL },
	{ "--help-config-md", OPT_HELP_MD, false, NULL },
	{ "--version", OPT_VERSION, false, NULL },
};

static const char *const default_dirs[] = { "drivers-config", NULL };

static const struct opt *opt_find(const char *a, size_t n)
{
	for (size_t i = 0; i < MBL_ARRAY_SIZE(opts); i++)
		if (strlen(opts[i].name) == n && strncmp(a, opts[i].name, n) == 0)
			return &opts[i];
	return NULL;
}

/* Decode argv[*i] ("--opt", "--opt value" or "--opt=value") and advance *i
 * past it. Returns 0 or -EINVAL with err filled. */
static int next_opt(int argc, char **argv, int *i, const struct opt **o,
		    const char **val, char *err, size_t errlen)
{
	const char *a = argv[*i];
	const char *eq = strchr(a, '=');

	*val = NULL;
	*o = strncmp(a, "--", 2) == 0 ? opt_find(a, eq ? (size_t)(eq - a) : strlen(a)) : NULL;
	if (!*o) {
		snprintf(err, errlen, "unknown option '%s' (see --help)", a);
		return -EINVAL;
	}
	(*i)++;
	if (!(*o)->has_arg) {
		if (eq) {
			snprintf(err, errlen, "%s: takes no value", (*o)->name);
			return -EINVAL;
		}
		return 0;
	}
	if (eq) {
		*val = eq + 1;
	} else if (*i < argc && strncmp(argv[*i], "--", 2) != 0) {
		*val = argv[(*i)++];
	} else {
		/* "--report --duration 5": a forgotten value, not a file name. */
		snprintf(err, errlen, "%s: missing value", (*o)->name);
		return -EINVAL;
	}
	return 0;
}

/* Pass 0: check every option and pick up the flags and --config. */
static int scan(int argc, char **argv, struct mbl_config_cli *cli,
		char *err, size_t errlen)
{
	const struct opt *o;
	const char *val;
	int i = 1;

	if (i < argc && strcmp(argv[i], "--") == 0)
		i++; /* a leftover EAL separator */
	while (i < argc) {
		if (next_opt(argc, argv, &i, &o, &val, err, errlen) < 0)
			return -EINVAL;
		if (o->id == OPT_CONFIG && cli->config_path) {
			snprintf(err, errlen, "--config: given twice ('%s' and '%s')",
				 cli->config_path, val);
			return -EINVAL;
		}
		if (o->id == OPT_CONFIG)
			cli->config_path = val;
		cli->help |= o->id == OPT_HELP;
		cli->help_md |= o->id == OPT_HELP_MD;
		cli->version |= o->id == OPT_VERSION;
	}
	return 0;
}

/* --set and shorthands in command-line order (scan() already checked). */
static int apply_cmdline(struct mbl_config *cfg, int argc, char **argv,
			 char *err, size_t errlen)
{
	const struct opt *o;
	const char *val;
	int i = 1, rc = 0;

	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	while (rc == 0 && i < argc) {
		rc = next_opt(argc, argv, &i, &o, &val, err, errlen);
		if (rc == 0 && o->id == OPT_SET)
			rc = mbl_config_set(cfg, val, "--set", err, errlen);
		else if (rc == 0 && o->id == OPT_SHORTHAND)
			rc = mbl_config_apply(cfg, o->key, val, o->name, err, errlen);
	}
	return rc;
}

/* defaults < media.preset < profile < scenario < command line. */
static int apply_all(struct mbl_config *cfg, int argc, char **argv,
		     const struct mbl_config_cli *cli, const char *profile,
		     enum mbl_config_preset preset, char *err, size_t errlen)
{
	int rc;

	mbl_config_defaults(cfg);
	mbl_config_preset_apply(cfg, preset);
	if (profile) {
		rc = mbl_config_load_file(cfg, profile, err, errlen);
		if (rc < 0)
			return rc;
		if (cfg->port.profile[0]) {
			snprintf(err, errlen, "%s: port.profile: a profile cannot name "
				 "another profile", profile);
			return -EINVAL;
		}
	}
	if (cli->config_path) {
		rc = mbl_config_load_file(cfg, cli->config_path, err, errlen);
		if (rc < 0)
			return rc;
	}
	return apply_cmdline(cfg, argc, argv, err, errlen);
}

/* Resolve port.profile to a readable file into out. */
static int find_profile(const char *name, const char *const *dirs, char *out,
			size_t outlen, char *err, size_t errlen)
{
	size_t n = strlen(name);
	const char *ext = n > 4 && strcmp(name + n - 4, ".ini") == 0 ? "" : ".ini";
	size_t o;

	if (strchr(name, '/')) {
		snprintf(out, outlen, "%s", name); /* load_file reports a bad path */
		return 0;
	}
	for (int i = 0; dirs[i]; i++) {
		snprintf(out, outlen, "%s/%s%s", dirs[i], name, ext);
		if (access(out, R_OK) == 0)
			return 0;
	}
	out[0] = '\0';
	o = (size_t)snprintf(err, errlen, "port.profile: no profile '%s' (looked for", name);
	for (int i = 0; dirs[i] && o < errlen; i++)
		o += (size_t)snprintf(err + o, errlen - o, "%s %s/%s%s", i ? "," : "",
				      dirs[i], name, ext);
	if (o < errlen)
		snprintf(err + o, errlen - o, ")");
	return -ENOENT;
}

int mbl_config_parse_args(struct mbl_config *cfg, int argc, char **argv,
			  struct mbl_config_cli *cli, char *err, size_t errlen)
{
	const char *const *dirs = cli->profile_dirs ? cli->profile_dirs : default_dirs;
	enum mbl_config_preset preset;
	int rc;

	cli->help = cli->help_md = cli->version = false;
	cli->config_path = NULL;
	cli->profile_path[0] = '\0';
	mbl_config_defaults(cfg);
	rc = scan(argc, argv, cli, err, errlen);
	if (rc < 0 || cli->help || cli->help_md || cli->version)
		return rc;
	/* learn port.profile and media.preset */
	rc = apply_all(cfg, argc, argv, cli, NULL, MBL_CONFIG_PRESET_NONE, err, errlen);
	if (rc < 0)
		return rc;
	preset = cfg->media.preset;
	if (cfg->port.profile[0] == '\0') {
		if (preset != MBL_CONFIG_PRESET_NONE)
			rc = apply_all(cfg, argc, argv, cli, NULL, preset, err, errlen);
		return rc < 0 ? rc : mbl_config_expand_eal(cfg, err, errlen);
	}
	rc = find_profile(cfg->port.profile, dirs, cli->profile_path,
			  sizeof(cli->profile_path), err, errlen);
	if (rc < 0)
		return rc;
	rc = apply_all(cfg, argc, argv, cli, cli->profile_path, preset, err, errlen);
	if (rc < 0)
		return rc;
	return mbl_config_expand_eal(cfg, err, errlen);
}

/* Append n bytes of s to out (capacity cap, used *o); false if full. */
static bool append(char *out, size_t cap, size_t *o, const char *s, size_t n)
{
	if (*o + n >= cap)
		return false;
	memcpy(out + *o, s, n);
	*o += n;
	return true;
}

int mbl_config_expand_eal(struct mbl_config *cfg, char *err, size_t errlen)
{
	char out[MBL_CONFIG_EAL_LEN], queues[8];
	const char *p = cfg->eal_args;
	size_t o = 0;
	bool ok = true;

	snprintf(queues, sizeof(queues), "%u",
		 MBL_MAX(cfg->port.rx_queues, cfg->port.tx_queues));
	while (*p && ok) {
		if (strncmp(p, "${iface}", 8) == 0) {
			if (cfg->port.iface[0] == '\0') {
				snprintf(err, errlen, "eal.args: uses ${iface} but port.iface "
					 "is empty (e.g. --set port.iface=veth0)");
				return -EINVAL;
			}
			ok = append(out, sizeof(out), &o, cfg->port.iface, strlen(cfg->port.iface));
			p += 8;
		} else if (strncmp(p, "${queues}", 9) == 0) {
			ok = append(out, sizeof(out), &o, queues, strlen(queues));
			p += 9;
		} else if (p[0] == '$' && p[1] == '{') {
			size_t n = strcspn(p, "} ");

			n += p[n] == '}';
			snprintf(err, errlen, "eal.args: unknown placeholder '%.*s' "
				 "(known: ${iface}, ${queues})", (int)n, p);
			return -EINVAL;
		} else {
			ok = append(out, sizeof(out), &o, p++, 1);
		}
	}
	if (!ok) {
		snprintf(err, errlen, "eal.args: longer than %d characters after "
			 "replacing placeholders", MBL_CONFIG_EAL_LEN - 1);
		return -EINVAL;
	}
	out[o] = '\0';
	memcpy(cfg->eal_args, out, o + 1);
	return 0;
}
