/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vfioadm match: which VFIO driver a device gets, every candidate, and why. */
#include <getopt.h>

#include "cli.h"

static const char *const match_usage[] = {
	"Usage: vfioadm match [--driver NAME | --generic] [--deny MODULE]… [--json] BDF…",
	"       vfioadm match [options] --modalias MODALIAS…",
	"",
	"For each device: the VFIO modules whose vfio_pci: alias matches it (the modules modprobe",
	"would consider, modprobe.d pins first), their patterns and ranks, the choice, and the",
	"PCI driver name that goes into driver_override (known once the module is loaded).",
	"Rank: fewest wildcard fields among v d sv sd bc sc i, then more literal hex digits,",
	"then the earlier line in modules.alias; a tie between modules is reported.",
	"",
	"  --driver NAME    use this VFIO driver (driver or module name); host drivers are refused",
	"  --generic        use the generic vfio-pci",
	"  --deny MODULE    never pick MODULE automatically (repeatable)",
	"  --modalias       the arguments are pci modaliases (pci:v…d…sv…sd…bc…sc…i…), as the",
	"                   kernel will report them: ask before the device exists (VFs…)",
	"  --json           a JSON array, one object per device",
	NULL,
};

static const char *const source_names[] = {
	[VFIOADM_ALIAS_INDEX] = "modules.alias",
	[VFIOADM_ALIAS_BUILTIN] = "built-in",
	[VFIOADM_ALIAS_MODINFO] = "modinfo",
	[VFIOADM_ALIAS_CONFIG] = "modprobe.d",
	[VFIOADM_ALIAS_UNKNOWN] = "unknown",
};

static const char *const reason_names[] = {
	[VFIOADM_MATCH_RANKED] = "ranked",
	[VFIOADM_MATCH_PINNED] = "pinned",
	[VFIOADM_MATCH_FORCED] = "forced",
	[VFIOADM_MATCH_GENERIC] = "generic",
	[VFIOADM_MATCH_FALLBACK] = "fallback",
};

/* One sentence: why this module. */
static void explain(const struct vfioadm_match *m, char *buf, size_t size)
{
	const struct vfioadm_candidate *c = m->chosen >= 0 ? &m->candidates[m->chosen] : NULL;
	switch (m->reason) {
	case VFIOADM_MATCH_PINNED:
		snprintf(buf, size, "an alias line in modprobe.d pins it (it hides the module indexes)");
		break;
	case VFIOADM_MATCH_FORCED:
		snprintf(buf, size, "requested with --driver");
		break;
	case VFIOADM_MATCH_GENERIC:
		snprintf(buf, size, "requested with --generic");
		break;
	case VFIOADM_MATCH_FALLBACK:
		snprintf(buf, size, m->n_candidates ? "every candidate is denied: generic vfio-pci"
						    : "no vfio_pci: alias matches: generic vfio-pci");
		break;
	default:
		if (m->n_candidates == 1)
			snprintf(buf, size, "the only candidate");
		else if (c && c == &m->candidates[0] && m->n_candidates > 1)
			snprintf(buf, size, "most specific alias: %d wildcard field%s, %d literal digits "
				 "(next: %s with %d, %d)", c->wildcards, c->wildcards == 1 ? "" : "s",
				 c->literal_digits, m->candidates[1].module, m->candidates[1].wildcards,
				 m->candidates[1].literal_digits);
		else
			snprintf(buf, size, "the most specific candidate that is not denied");
	}
}

struct json_object *json_vfio_driver_obj(const struct vfioadm_match *m)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "module", json_object_new_string(m->module));
	json_object_object_add(o, "driver", m->driver[0] ? json_object_new_string(m->driver) : NULL);
	json_object_object_add(o, "pattern", m->chosen >= 0 && m->candidates[m->chosen].pattern[0] ?
			       json_object_new_string(m->candidates[m->chosen].pattern) : NULL);
	json_object_object_add(o, "tie", json_object_new_boolean(m->warnings & VFIOADM_MATCH_WARN_TIE));
	return o;
}

static struct json_object *json_warnings(const struct vfioadm_match *m)
{
	struct json_object *a = json_object_new_array();
	char buf[160];
	if (m->warnings & VFIOADM_MATCH_WARN_TIE) {
		snprintf(buf, sizeof(buf), "tie with %s: decided by modules.alias order", m->tie_module);
		json_object_array_add(a, json_object_new_string(buf));
	}
	if (m->warnings & VFIOADM_MATCH_WARN_NO_ALIAS)
		json_object_array_add(a, json_object_new_string(
			"the requested driver has no vfio_pci: alias for this device: the kernel will refuse to bind it"));
	if (m->warnings & VFIOADM_MATCH_WARN_NO_PCI_DRIVER)
		json_object_array_add(a, json_object_new_string("the module is loaded but registers no PCI driver"));
	if (m->warnings & VFIOADM_MATCH_WARN_DENIED)
		json_object_array_add(a, json_object_new_string("a more specific candidate is on the deny list"));
	if (m->warnings & VFIOADM_MATCH_WARN_PIN_NOT_VFIO)
		json_object_array_add(a, json_object_new_string(
			"the modprobe.d pin names a module that is not a VFIO driver (no vfio_pci: alias): "
			"binding it would not give a VFIO device; fix the alias line or use --generic"));
	return a;
}

static struct json_object *json_match_obj(const char *bdf, const struct vfioadm_match *m)
{
	struct json_object *o = json_object_new_object(), *cands = json_object_new_array();
	char why[256];
	json_object_object_add(o, "bdf", bdf ? json_object_new_string(bdf) : NULL);
	json_object_object_add(o, "key", json_object_new_string(m->key));
	for (size_t i = 0; i < m->n_candidates; i++) {
		const struct vfioadm_candidate *c = &m->candidates[i];
		struct json_object *j = json_object_new_object();
		json_object_object_add(j, "module", json_object_new_string(c->module));
		json_object_object_add(j, "pattern", c->pattern[0] ? json_object_new_string(c->pattern) : NULL);
		json_object_object_add(j, "wildcards", json_object_new_int(c->wildcards));
		json_object_object_add(j, "literal_digits", json_object_new_int(c->literal_digits));
		json_object_object_add(j, "line", c->line ? json_object_new_int(c->line) : NULL);
		json_object_object_add(j, "source", json_object_new_string(source_names[c->source]));
		json_object_object_add(j, "denied", json_object_new_boolean(c->denied));
		json_object_array_add(cands, j);
	}
	json_object_object_add(o, "candidates", cands);
	json_object_object_add(o, "choice", json_vfio_driver_obj(m));
	json_object_object_add(o, "loaded", json_object_new_boolean(m->loaded));
	json_object_object_add(o, "reason", json_object_new_string(reason_names[m->reason]));
	explain(m, why, sizeof(why));
	json_object_object_add(o, "why", json_object_new_string(why));
	json_object_object_add(o, "warnings", json_warnings(m));
	return o;
}

static void print_match_text(const char *bdf, const struct vfioadm_match *m)
{
	char why[256];
	printf("%s\n  key         %s\n", bdf, m->key);
	if (!m->n_candidates)
		printf("  candidates  none\n");
	for (size_t i = 0; i < m->n_candidates; i++) {
		const struct vfioadm_candidate *c = &m->candidates[i];
		printf("  %s %-20s %-44s wildcards %d, digits %d, %s", (int)i == m->chosen ? "  *" : "   ",
		       c->module, c->pattern[0] ? c->pattern : "(pattern unknown)", c->wildcards,
		       c->literal_digits, source_names[c->source]);
		if (c->line)
			printf(" line %d", c->line);
		printf("%s\n", c->denied ? " (denied)" : "");
	}
	if (m->loaded && m->driver[0])
		printf("  choice      %s -> driver_override '%s'\n", m->module, m->driver);
	else if (m->loaded)
		printf("  choice      %s (loaded, but it registers no PCI driver)\n", m->module);
	else
		printf("  choice      %s (module not loaded: the driver name is known after loading)\n", m->module);
	explain(m, why, sizeof(why));
	printf("  why         %s\n", why);
	struct json_object *w = json_warnings(m);
	for (size_t i = 0; i < json_object_array_length(w); i++)
		printf("  warning     %s\n", json_object_get_string(json_object_array_get_idx(w, i)));
	json_object_put(w);
}

int cli_match_error(struct cli *cli, const char *what, int r, const struct vfioadm_match_opts *opts)
{
	if (r == -EINVAL && opts && opts->driver) {
		cli_error("%s: '%s' is not a VFIO driver (no vfio_pci: alias); use a VFIO driver or --generic",
			  what, opts->driver);
		return EXIT_USAGE;
	}
	if (r == -EINVAL) {
		cli_error("%s: the kernel's modalias for it is malformed", what);
		return EXIT_FAILED;
	}
	if (r == -ENOENT || r == -ENOPKG) {
		char moddir[PATH_MAX];
		snprintf(moddir, sizeof(moddir), "%s/lib/modules/%s",
			 streq(vfioadm_get_root(cli->ctx), "/") ? "" : vfioadm_get_root(cli->ctx),
			 vfioadm_kernel_release(cli->ctx));
		if (r == -ENOENT)
			cli_error("%s: no module directory '%s': install the kernel's modules", what, moddir);
		else
			cli_error("%s: no VFIO driver: the vfio-pci module is missing from '%s' "
				  "(a kernel without CONFIG_VFIO_PCI?)", what, moddir);
		return EXIT_FAILED;
	}
	if (r == -ELIBACC || r == -ELIBBAD) {
		cli_error("%s: cannot choose a VFIO driver: libkmod.so.2 %s: install libkmod2 (the "
			  "library modprobe uses)", what, r == -ELIBACC ? "could not be loaded" : "lacks a function vfioadm needs");
		return EXIT_FAILED;
	}
	if (r == -EBADMSG) {
		cli_error("%s: cannot choose a VFIO driver: a module index is corrupt (see above)", what);
		return EXIT_FAILED;
	}
	cli_error("%s: cannot choose a VFIO driver: %s", what, cli_strerror(r));
	return EXIT_FAILED;
}

/* Validate every argument before any work: bad input exits 2 with nothing done. */
static int check_args(int n, char **args, bool by_modalias)
{
	for (int i = 0; i < n; i++) {
		struct vfioadm_modalias ids;
		char bdf[VFIOADM_BDF_MAX];
		if (by_modalias && vfioadm_modalias_parse(args[i], &ids) < 0)
			return cli_usage_error("match", "'%s' is not a pci modalias "
					       "(pci:vXXXXXXXXdXXXXXXXXsvXXXXXXXXsdXXXXXXXXbcXXscXXiXX, upper-case hex)", args[i]);
		if (!by_modalias && cli_parse_bdf("match", args[i], bdf))
			return EXIT_USAGE;
	}
	return EXIT_OK;
}

static int match_one(struct cli *cli, const char *arg, bool by_modalias,
		     const struct vfioadm_match_opts *mo, bool json)
{
	char bdf[VFIOADM_BDF_MAX], modalias[VFIOADM_MODALIAS_MAX];
	const char *label = arg;
	if (by_modalias) {
		strscpy(modalias, sizeof(modalias), arg);
	} else {
		struct vfioadm_device *dev;
		vfioadm_bdf_normalize(arg, bdf);
		label = bdf;
		int r = vfioadm_device_read(cli->ctx, bdf, VFIOADM_FILL_BASIC, &dev);
		if (r < 0) {
			cli_error("%s: %s", bdf, r == -ENODEV ? "no such PCI device (see 'vfioadm list')" : cli_strerror(r));
			return EXIT_FAILED;
		}
		strscpy(modalias, sizeof(modalias), vfioadm_device_get_info(dev)->modalias);
		vfioadm_device_free(dev);
	}
	struct vfioadm_match *m;
	int r = vfioadm_match(cli->ctx, modalias, mo, &m);
	if (r < 0)
		return cli_match_error(cli, label, r, mo);
	if (json)
		json_array_item(json_match_obj(by_modalias ? NULL : label, m));
	else
		print_match_text(label, m);
	vfioadm_match_free(m);
	return EXIT_OK;
}

static int run_match(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "driver", required_argument, NULL, 'd' },
		{ "generic", no_argument, NULL, 'g' },
		{ "deny", required_argument, NULL, 'D' },
		{ "modalias", no_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct vfioadm_match_opts mo = { 0 };
	bool by_modalias = false;
	const char *deny[64];
	size_t n_deny = 0;
	bool json = false;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (!vfioadm_driver_name_valid(optarg))
				return cli_usage_error("match", "'%s' is not a driver name (letters, digits, '-', '_'; at most 63)", optarg);
			mo.driver = optarg;
			break;
		case 'g': mo.generic = true; break;
		case 'D':
			if (!vfioadm_driver_name_valid(optarg))
				return cli_usage_error("match", "'%s' is not a module name", optarg);
			if (n_deny == ARRAY_SIZE(deny))
				return cli_usage_error("match", "too many --deny");
			deny[n_deny++] = optarg;
			break;
		case 'm': by_modalias = true; break;
		case 'j': json = true; break;
		case 'h': cli_print_usage(match_usage); return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (mo.driver && mo.generic)
		return cli_usage_error("match", "--driver and --generic exclude each other");
	if (optind == argc)
		return cli_usage_error("match", by_modalias ? "expected at least one modalias" : "expected at least one BDF");
	int code = check_args(argc - optind, argv + optind, by_modalias);
	if (code == EXIT_OK && n_deny && vfioadm_set_deny_list(cli->ctx, deny, n_deny) < 0)
		code = EXIT_FAILED;
	if (code != EXIT_OK)
		return code;
	if (json)
		json_array_begin();
	for (int i = optind; i < argc; i++) {
		int r = match_one(cli, argv[i], by_modalias, &mo, json);
		if (r != EXIT_OK && (code == EXIT_OK || r == EXIT_USAGE))
			code = r;
	}
	if (json)
		json_array_end();
	return code;
}

const struct cli_command cmd_match = { "match", run_match, "choose the VFIO driver for devices, and say why", false };
