/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vfioadm vf: a PF's VFs and their provisioning attributes, read and set through netlink. */
#include <getopt.h>
#include <stdlib.h>

#include "cli.h"

static const char *const vf_usage[] = {
	"Usage: vfioadm vf PF [INDEX] [--json]",
	"       vfioadm vf PF INDEX --set SPEC [--dry-run] [--json]",
	"",
	"Show the VFs of an SR-IOV PF with the attributes the kernel reports for each: the",
	"rtnetlink VF attributes of the PF's netdev (as 'ip link show' lists them) and the",
	"port function of the VF's devlink port (as 'devlink port function' shows it).",
	"--set changes only what differs from SPEC, a comma-separated list of",
	"  mac=MAC vlan=ID qos=N vlan_proto=802.1Q|802.1ad trust=on|off spoofchk=on|off",
	"  link_state=auto|enable|disable min_tx_rate=MBPS max_tx_rate=MBPS query_rss=on|off",
	"  hw_addr=MAC roce=on|off migratable=on|off ipsec_crypto=on|off ipsec_packet=on|off",
	"  max_io_eqs=N state=active|inactive",
	"Port-function capabilities (roce, migratable, ipsec) change only while the VF has no",
	"driver: 'vfioadm bind --set SPEC VF' provisions it between unbind and probe, and puts",
	"the old values back when the VF is released.",
	NULL,
};

static void json_attr(void *data, const char *key, const char *value)
{
	struct json_object *o = data;
	struct json_object *v;
	if (streq(value, "on") || streq(value, "off"))
		v = json_object_new_boolean(streq(value, "on"));
	else if (!strchr(value, ':') && !strchr(value, '.') && strspn(value, "0123456789") == strlen(value))
		v = json_object_new_int64(strtoll(value, NULL, 10));
	else
		v = json_object_new_string(value);
	json_object_object_add(o, key, v);
}

struct json_object *json_vf_attrs(const struct vfioadm_vf_attrs *a)
{
	struct json_object *o = json_object_new_object();
	vfioadm_vf_attrs_each(a, json_attr, o);
	return o;
}

int cli_parse_vf_set(const char *cmd, const char *arg, bool with_index, struct vfioadm_vf_setting *ret)
{
	char err[320];
	const char *spec = arg;
	*ret = (struct vfioadm_vf_setting){ .index = -1 };
	const char *colon = strchr(arg, ':'), *eq = strchr(arg, '=');
	if (with_index && colon && (!eq || colon < eq)) { /* "N:SPEC"; a MAC's colons come after '=' */
		char *end;
		long n = strtol(arg, &end, 10);
		if (end != colon || end == arg || n < 0 || n > 65535)
			return cli_usage_error(cmd, "--set takes [INDEX:]SPEC, INDEX a VF number: got '%s'", arg);
		ret->index = (int)n;
		spec = colon + 1;
	}
	if (vfioadm_vf_attrs_parse(spec, &ret->attrs, err, sizeof(err)) < 0)
		return cli_usage_error(cmd, "--set: %s", err);
	if (!ret->attrs.set)
		return cli_usage_error(cmd, "--set: no attribute given");
	return EXIT_OK;
}

bool cli_print_vf_action(FILE *f, const char *indent, const char *verb, const char *what, const char *value)
{
	if (!streq(verb, "netlink") && !streq(verb, "devlink"))
		return false;
	fprintf(f, "%s%s: set %s %s\n", indent, verb, what, value);
	return true;
}

static void print_action(void *data, const char *verb, const char *path, const char *value)
{
	cli_print_vf_action(data, "  ", verb, path, value);
}

/* An errno from vfioadm_vf_attrs_get/set, in words an admin can act on; the exit code */
static int vf_error(const char *pf, unsigned index, int r, const char *why)
{
	switch (-r) {
	case ENODEV:
		cli_error("%s: %s", pf, why[0] ? why : "no netdev and no devlink port: nothing to provision");
		return EXIT_USAGE;
	case ENOENT:
		cli_error("%s has no VF %u%s%s", pf, index, why[0] ? ": " : "", why);
		return EXIT_USAGE;
	case EOPNOTSUPP:
		cli_error("%s: its driver cannot set that (EOPNOTSUPP)%s%s", pf, why[0] ? ": " : "", why);
		return EXIT_USAGE;
	case EBUSY:
		cli_error("%s VF %u: the kernel refused while the VF has a driver%s%s; 'vfioadm bind --set' "
			  "provisions it between unbind and probe", pf, index, why[0] ? ": " : "", why);
		return EXIT_REFUSED;
	case EPERM:
		cli_error("%s: not permitted (CAP_NET_ADMIN)%s%s", pf, why[0] ? ": " : "", why);
		return EXIT_REFUSED;
	case EROFS:
		cli_error("--root is for inspection: VF attributes live in the kernel, ask the live host");
		return EXIT_USAGE;
	default:
		cli_error("%s VF %u: %s%s%s", pf, index, cli_strerror(r), why[0] ? ": " : "", why);
		return EXIT_FAILED;
	}
}

static struct json_object *vf_json(const char *bdf, unsigned index, const char *driver, const struct vfioadm_vf_attrs *a)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "index", json_object_new_int((int)index));
	json_object_object_add(o, "bdf", json_object_new_string(bdf));
	json_object_object_add(o, "driver", driver && driver[0] ? json_object_new_string(driver) : NULL);
	json_object_object_add(o, "attributes", a ? json_vf_attrs(a) : NULL);
	return o;
}

static int vf_show(struct cli *cli, const struct vfioadm_device_info *pf, long only, bool json)
{
	struct json_object *vfs = json_object_new_array();
	for (size_t i = 0; i < pf->sriov.n_vfs; i++) {
		if (only >= 0 && (size_t)only != i)
			continue;
		struct vfioadm_vf_attrs a;
		char why[256] = "", spec[512] = "";
		int r = vfioadm_vf_attrs_get(cli->ctx, pf->bdf, (unsigned)i, &a, why, sizeof(why));
		if (r < 0) {
			json_object_put(vfs);
			return vf_error(pf->bdf, (unsigned)i, r, why);
		}
		const char *driver = pf->sriov.vf_drivers ? pf->sriov.vf_drivers[i] : "";
		vfioadm_vf_attrs_format(&a, spec, sizeof(spec));
		if (!json)
			printf("vf %-3zu %s  %-16s %s\n", i, pf->sriov.vfs[i], driver[0] ? driver : "-", spec);
		json_object_array_add(vfs, vf_json(pf->sriov.vfs[i], (unsigned)i, driver, &a));
	}
	if (json) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "pf", json_object_new_string(pf->bdf));
		json_object_object_add(o, "vfs", vfs);
		json_print(o);
	} else {
		json_object_put(vfs);
	}
	return EXIT_OK;
}

static int vf_set(struct cli *cli, const char *pf, unsigned index, const struct vfioadm_vf_attrs *want,
		  bool dry_run, bool json)
{
	vfioadm_set_dry_run(cli->ctx, dry_run);
	if (dry_run) {
		vfioadm_set_action_fn(cli->ctx, print_action, stdout);
		printf("%s VF %u (dry run: nothing is changed)\n", pf, index);
	}
	if (cli_lock(cli, CLI_LOCK_TIMEOUT_MS) != EXIT_OK)
		return EXIT_FAILED;
	struct vfioadm_vf_attrs before = { 0 };
	char why[256] = "", was[512] = "", now[512] = "";
	bool changed;
	int r = vfioadm_vf_provision(cli->ctx, pf, index, want, &before, &changed, why, sizeof(why));
	vfioadm_unlock(cli->ctx);
	if (r < 0)
		return vf_error(pf, index, r, why);
	vfioadm_vf_attrs_format(want, now, sizeof(now));
	vfioadm_vf_attrs_format(&before, was, sizeof(was));
	if (json) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "pf", json_object_new_string(pf));
		json_object_object_add(o, "index", json_object_new_int((int)index));
		json_object_object_add(o, "changed", json_object_new_boolean(changed));
		json_object_object_add(o, "attributes", json_vf_attrs(want));
		json_object_object_add(o, "previous", json_vf_attrs(&before));
		json_print(o);
	} else if (!dry_run && changed) {
		printf("%s VF %u: %s (was %s)\n", pf, index, now, was[0] ? was : "not reported by the driver");
	} else if (!dry_run) {
		printf("%s VF %u: %s, as it was\n", pf, index, now);
	}
	return EXIT_OK;
}

static int run_vf(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "set", required_argument, NULL, 's' }, { "dry-run", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },      { "help", no_argument, NULL, 'h' },    {},
	};
	struct vfioadm_vf_setting set = { .index = -1 };
	bool have_set = false, dry_run = false, json = false;
	int c;
	while ((c = getopt_long(argc, argv, "hn", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (cli_parse_vf_set("vf", optarg, false, &set))
				return EXIT_USAGE;
			have_set = true;
			break;
		case 'n': dry_run = true; break;
		case 'j': json = true; break;
		case 'h': cli_print_usage(vf_usage); return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	int n = argc - optind;
	if (n < 1 || n > 2)
		return cli_usage_error("vf", "expected a PF and optionally a VF index");
	char pf[VFIOADM_BDF_MAX];
	if (cli_parse_bdf("vf", argv[optind], pf))
		return EXIT_USAGE;
	long index = -1;
	if (n == 2) {
		char *end;
		index = strtol(argv[optind + 1], &end, 10);
		if (*end || !*argv[optind + 1] || index < 0 || index > 65535)
			return cli_usage_error("vf", "'%s' is not a VF index (0 to 65535)", argv[optind + 1]);
	}
	if (have_set && index < 0)
		return cli_usage_error("vf", "--set needs the VF's index: vfioadm vf PF INDEX --set SPEC");
	if (dry_run && !have_set)
		return cli_usage_error("vf", "--dry-run goes with --set");
	int need = have_set ? cli_need_root(cli, "vf", dry_run) : EXIT_OK;
	if (need != EXIT_OK)
		return need;
	struct vfioadm_device *dev;
	int r = vfioadm_device_read(cli->ctx, pf, VFIOADM_FILL_DETAIL, &dev); /* DETAIL: VF drivers */
	if (r < 0) {
		cli_error("%s: no such PCI device (see 'vfioadm list')", pf);
		return EXIT_FAILED;
	}
	const struct vfioadm_device_info *info = vfioadm_device_get_info(dev);
	if (info->sriov.role != VFIOADM_SRIOV_PF) {
		cli_error("%s is not an SR-IOV physical function: 'vfioadm vf' takes the PF and a VF index", pf);
		vfioadm_device_free(dev);
		return EXIT_USAGE;
	}
	if (index >= 0 && (size_t)index >= info->sriov.n_vfs) {
		cli_error("%s has %zu VFs: no VF %ld ('vfioadm sriov %s --vfs N' makes them)", pf, info->sriov.n_vfs, index, pf);
		vfioadm_device_free(dev);
		return EXIT_USAGE;
	}
	int code = have_set ? vf_set(cli, pf, (unsigned)index, &set.attrs, dry_run, json) : vf_show(cli, info, index, json);
	vfioadm_device_free(dev);
	return code;
}

const struct cli_command cmd_vf = { "vf", run_vf, "show and provision a PF's VFs (MAC, VLAN, trust, migratable)", false };
