/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vfioadm sriov: a PF's VFs, created straight onto the driver they are meant for. */
#include <getopt.h>

#include "cli.h"

static const char *const sriov_usage[] = {
	"Usage: vfioadm sriov PF --vfs N [--driver auto|vfio|host|NAME] [--set [INDEX:]SPEC]…",
	"                        [--force] [--dry-run] [--timeout SEC] [--json]",
	"       vfioadm sriov PF [--json]            (the PF's VFs and their drivers)",
	"",
	"Give the PF N virtual functions on the requested driver: auto (each VF's best VFIO",
	"driver, default), vfio (vfio-pci), host (the kernel's default driver) or a named VFIO",
	"driver. For VFIO destinations sriov_drivers_autoprobe is 0 while the VFs appear (no",
	"host driver touches them), each VF is bound and verified, and autoprobe is restored.",
	"A changed count writes 0 first; --vfs 0 removes them, refused while a VF is in use",
	"unless --force. If a VF cannot be bound, the PF gets its previous count back.",
	"Each VF is provisioned before it is bound, as 'vfioadm bind --set' does (vfioadm-vf(8)),",
	"with the attributes of its [vf PF INDEX] section in vfioadm.conf and then those of",
	"--set: every VF (SPEC) or VF INDEX (INDEX:SPEC); later ones win.",
	NULL,
};

static int sriov_error(const char *pf, int r, const struct vfioadm_sriov_outcome *o, unsigned want)
{
	switch (-r) {
	case ERANGE:
		cli_error("%s: %u VFs asked, the device supports at most %u (sriov_totalvfs)", pf, want, o->totalvfs);
		return EXIT_USAGE;
	case ENOTSUP:
		cli_error("%s is not an SR-IOV physical function (no sriov_totalvfs)", pf);
		return EXIT_FAILED;
	case ENOENT:
		if (!o->pf_driver[0])
			cli_error("%s has no driver: SR-IOV is enabled by the PF's driver; bind its host driver "
				  "first ('vfioadm unbind %s')", pf, pf);
		else
			cli_error("%s: its driver %s cannot enable SR-IOV%s", pf, o->pf_driver,
				  strstr(o->pf_driver, "vfio") ? " (vfio-pci needs the module option enable_sriov=1)" : "");
		return EXIT_FAILED;
	case EBUSY:
		if (o->refusal) {
			for (size_t i = 0; i < o->refusal->n; i++)
				print_blocker(&o->refusal->v[i], -1);
			cli_error("%s: its VFs are in use: refused, nothing changed (--force removes them anyway)", pf);
			return EXIT_REFUSED;
		}
		cli_error("%s: the kernel refused the new VF count (EBUSY): VFs exist; write 0 first", pf);
		return EXIT_FAILED;
	case EROFS:
		cli_error("--root is for inspection: changes need the live host (--dry-run shows the plan)");
		return EXIT_USAGE;
	case ENODEV:
		cli_error("%s: no such PCI device (see 'vfioadm list')", pf);
		return EXIT_FAILED;
	default:
		cli_error("%s: %s%s%s", pf, cli_strerror(r), o->reason[0] ? ": " : "", o->reason);
		if (o->rolled_back)
			cli_error("%s: rolled back to %u VFs", pf, o->prev_numvfs);
		return EXIT_FAILED;
	}
}

static int sriov_status(struct cli *cli, const char *pf, bool json)
{
	struct vfioadm_device *dev;
	int r = vfioadm_device_read(cli->ctx, pf, VFIOADM_FILL_DETAIL, &dev); /* DETAIL: VF drivers */
	if (r < 0) {
		struct vfioadm_sriov_outcome o = { 0 };
		return sriov_error(pf, r, &o, 0);
	}
	const struct vfioadm_device_info *info = vfioadm_device_get_info(dev);
	if (info->sriov.role != VFIOADM_SRIOV_PF) {
		vfioadm_device_free(dev);
		cli_error("%s is not an SR-IOV physical function (no sriov_totalvfs)", pf);
		return EXIT_FAILED;
	}
	struct json_object *vfs = json_object_new_array();
	if (!json)
		printf("%s: %u of %u VFs, drivers_autoprobe %d, PF driver %s\n", pf, info->sriov.numvfs,
		       info->sriov.totalvfs, info->sriov.drivers_autoprobe, info->driver[0] ? info->driver : "-");
	for (size_t i = 0; i < info->sriov.n_vfs; i++) {
		const char *driver = info->sriov.vf_drivers ? info->sriov.vf_drivers[i] : "";
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "index", json_object_new_int((int)i));
		json_object_object_add(o, "bdf", json_object_new_string(info->sriov.vfs[i]));
		json_object_object_add(o, "driver", driver[0] ? json_object_new_string(driver) : NULL);
		json_object_array_add(vfs, o);
		if (!json)
			printf("  vf %-3zu %s  %s\n", i, info->sriov.vfs[i], driver[0] ? driver : "-");
	}
	if (json) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "pf", json_object_new_string(pf));
		json_object_object_add(o, "driver", info->driver[0] ? json_object_new_string(info->driver) : NULL);
		json_object_object_add(o, "totalvfs", json_object_new_int((int)info->sriov.totalvfs));
		json_object_object_add(o, "numvfs", json_object_new_int((int)info->sriov.numvfs));
		json_object_object_add(o, "drivers_autoprobe", json_object_new_boolean(info->sriov.drivers_autoprobe > 0));
		json_object_object_add(o, "vfs", vfs);
		json_print(o);
	} else {
		json_object_put(vfs);
	}
	vfioadm_device_free(dev);
	return EXIT_OK;
}

static void print_sriov_action(void *data _unused_, const char *verb, const char *path, const char *value)
{
	if (streq(verb, "write"))
		printf("  write '%s' to %s\n", streq(value, "\n") ? "\\n" : value, path);
	else if (streq(verb, "bind-vf"))
		printf("  bind the new VF %s to %s (as 'vfioadm bind' does)\n", path, value);
	else if (streq(verb, "forget"))
		printf("  remove %s\n", path);
	else
		cli_print_vf_action(stdout, "  ", verb, path, value);
}

static int parse_mode(const char *arg, struct vfioadm_sriov_opts *o)
{
	if (streq(arg, "auto"))
		o->mode = VFIOADM_VF_AUTO;
	else if (streq(arg, "vfio"))
		o->mode = VFIOADM_VF_VFIO;
	else if (streq(arg, "host"))
		o->mode = VFIOADM_VF_HOST;
	else if (vfioadm_driver_name_valid(arg))
		o->mode = VFIOADM_VF_NAMED, o->driver = arg;
	else
		return cli_usage_error("sriov", "'%s' is not auto, vfio, host or a driver name", arg);
	return EXIT_OK;
}

/* What the VFs are provisioned with: the configuration's [vf PF N] sections for this PF (as
 * apply would set them), then the --set options, which win. *all is the caller's to free, and
 * *cfg, which its PFs point into. Returns EXIT_OK, or as cli_config_load() (a configuration
 * that does not load stops the run: the VFs would be bound without the profile it gives). */
static int provisioning(struct cli *cli, const struct vfioadm_vf_setting *set, size_t n_set,
			struct vfioadm_vf_setting **all, size_t *n, struct vfioadm_config **cfg)
{
	struct vfioadm_vf_setting *conf = NULL;
	size_t n_conf = 0;
	int code = cli_config_load(cli, cfg);
	if (code != EXIT_OK)
		return code;
	if (vfioadm_config_vf_settings(*cfg, &conf, &n_conf) < 0 ||
	    !(*all = reallocarray(conf, n_conf + n_set + 1, sizeof(*conf)))) {
		cli_error("out of memory");
		free(conf);
		return EXIT_FAILED;
	}
	memcpy(*all + n_conf, set, n_set * sizeof(*set));
	*n = n_conf + n_set;
	return EXIT_OK;
}

static int sriov_change(struct cli *cli, const char *pf, const struct vfioadm_sriov_opts *so, bool dry_run, bool json);

static int run_sriov(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "vfs", required_argument, NULL, 'n' }, { "driver", required_argument, NULL, 'd' },
		{ "force", no_argument, NULL, 'f' },     { "dry-run", no_argument, NULL, 'D' },
		{ "timeout", required_argument, NULL, 't' }, { "json", no_argument, NULL, 'j' },
		{ "set", required_argument, NULL, 's' }, { "help", no_argument, NULL, 'h' },      {},
	};
	struct vfioadm_sriov_opts so = { .mode = VFIOADM_VF_AUTO };
	struct vfioadm_vf_setting vf[64];
	bool have_vfs = false, dry_run = false, json = false;
	int c;
	while ((c = getopt_long(argc, argv, "hf", opts, NULL)) != -1) {
		char *end;
		switch (c) {
		case 'n': {
			long n = strtol(optarg, &end, 10);
			if (*end || !*optarg || n < 0 || n > 65535)
				return cli_usage_error("sriov", "--vfs takes a count, 0 to 65535");
			so.numvfs = (unsigned)n;
			have_vfs = true;
			break;
		}
		case 'd': if (parse_mode(optarg, &so)) return EXIT_USAGE; break;
		case 'f': so.force = true; break;
		case 'D': dry_run = true; break;
		case 't':
			if (cli_parse_timeout("sriov", optarg, &so.timeout_ms))
				return EXIT_USAGE;
			break;
		case 'j': json = true; break;
		case 's':
			if (so.n_vf == ARRAY_SIZE(vf))
				return cli_usage_error("sriov", "at most %zu --set options", ARRAY_SIZE(vf));
			if (cli_parse_vf_set("sriov", optarg, true, &vf[so.n_vf]))
				return EXIT_USAGE;
			so.n_vf++;
			break;
		case 'h': cli_print_usage(sriov_usage); return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (argc - optind != 1)
		return cli_usage_error("sriov", "expected exactly one PF");
	char pf[VFIOADM_BDF_MAX];
	if (cli_parse_bdf("sriov", argv[optind], pf))
		return EXIT_USAGE;
	if (!have_vfs && so.n_vf)
		return cli_usage_error("sriov", "--set goes with --vfs N (or: vfioadm vf %s INDEX --set SPEC)", pf);
	if (so.n_vf && so.mode == VFIOADM_VF_HOST)
		return cli_usage_error("sriov", "--set provisions VFs before a VFIO driver binds them: not with --driver host");
	for (size_t i = 0; i < so.n_vf; i++)
		vf[i].pf = pf;
	if (!have_vfs)
		return sriov_status(cli, pf, json);
	struct vfioadm_vf_setting *all = NULL;
	struct vfioadm_config *cfg = NULL;
	int code = so.mode != VFIOADM_VF_HOST && so.numvfs ? provisioning(cli, vf, so.n_vf, &all, &so.n_vf, &cfg) : EXIT_OK;
	if (code != EXIT_OK) {
		vfioadm_config_free(cfg);
		return code;
	}
	if (all)
		so.vf = all;
	else
		so.vf = vf; /* removing VFs, or onto host drivers: no configuration needed */
	code = sriov_change(cli, pf, &so, dry_run, json);
	free(all);
	vfioadm_config_free(cfg);
	return code;
}

/* --vfs N: the change, its result in words or JSON */
static int sriov_change(struct cli *cli, const char *pf, const struct vfioadm_sriov_opts *so, bool dry_run, bool json)
{
	int need = cli_need_root(cli, "sriov", dry_run);
	if (need != EXIT_OK)
		return need;
	vfioadm_set_dry_run(cli->ctx, dry_run);
	if (dry_run) {
		vfioadm_set_action_fn(cli->ctx, print_sriov_action, NULL);
		printf("%s (dry run: nothing is written)\n", pf);
	}
	if (cli_lock(cli, so->timeout_ms ? so->timeout_ms : CLI_LOCK_TIMEOUT_MS) != EXIT_OK)
		return EXIT_FAILED;
	struct vfioadm_sriov_outcome o;
	int r = vfioadm_sriov_set(cli->ctx, pf, so, &o);
	int code = r < 0 ? sriov_error(pf, r, &o, so->numvfs) : EXIT_OK;
	if (code == EXIT_OK && !dry_run && !json)
		printf("%s: %u VFs%s (was %u)\n", pf, o.numvfs, o.changed ? "" : ", as they were", o.prev_numvfs);
	if (json) {
		struct json_object *j = json_object_new_object(), *vfs = json_object_new_array();
		json_object_object_add(j, "pf", json_object_new_string(o.pf));
		json_object_object_add(j, "ok", json_object_new_boolean(code == EXIT_OK));
		json_object_object_add(j, "numvfs", json_object_new_int((int)o.numvfs));
		json_object_object_add(j, "previous_numvfs", json_object_new_int((int)o.prev_numvfs));
		json_object_object_add(j, "changed", json_object_new_boolean(o.changed));
		json_object_object_add(j, "rolled_back", json_object_new_boolean(o.rolled_back));
		for (size_t i = 0; i < o.n_vfs; i++) {
			struct json_object *v = json_object_new_object();
			json_object_object_add(v, "bdf", json_object_new_string(o.vfs[i].bdf));
			json_object_object_add(v, "driver", o.vfs[i].driver[0] ? json_object_new_string(o.vfs[i].driver) : NULL);
			json_object_array_add(vfs, v);
		}
		json_object_object_add(j, "vfs", vfs);
		json_object_object_add(j, "refused", json_report_array(o.refusal));
		json_print(j);
	}
	vfioadm_sriov_outcome_done(&o);
	vfioadm_unlock(cli->ctx);
	return code;
}

const struct cli_command cmd_sriov = { "sriov", run_sriov, "create a PF's VFs on the driver they are meant for", true };
