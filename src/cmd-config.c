/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vfioadm plan / apply: make the host match /etc/vfioadm.conf and /etc/vfioadm.d/. */
#include <getopt.h>

#include "cli.h"

static const char *const plan_usage[] = {
	"Usage: vfioadm plan [--json]",
	"",
	"The steps 'vfioadm apply' would take to make this host match /etc/vfioadm.conf and",
	"/etc/vfioadm.d/*.conf (vfioadm.conf(5)): releases first, then SR-IOV VF counts, device",
	"bindings, mediated devices. Devices already as configured give no step.",
	NULL,
};

static const char *const apply_usage[] = {
	"Usage: vfioadm apply [--dry-run] [--timeout SEC] [--wait SEC] [--json]",
	"",
	"Perform the steps of 'vfioadm plan', each as the transaction of its command (bind,",
	"unbind, sriov, mdev create). A second apply finds nothing to do and writes nothing; a",
	"device already on its VFIO driver (perhaps in use by a VM) is never touched. Devices the",
	"configuration bound and no longer names go back to their host driver.",
	"  --dry-run      print the exact sysfs writes; change nothing",
	"  --wait SEC     wait up to SEC for mdev parents to register (at boot)",
	NULL,
};

static const char *const kind_names[] = {
	[VFIOADM_ACT_UNBIND] = "unbind", [VFIOADM_ACT_SRIOV] = "sriov",
	[VFIOADM_ACT_BIND] = "bind", [VFIOADM_ACT_MDEV_CREATE] = "mdev-create",
};

int cli_config_load(struct cli *cli, struct vfioadm_config **cfg)
{
	struct vfioadm_config_error err;
	int r = vfioadm_config_load(cli->ctx, cfg, &err);
	if (r == -EINVAL) {
		if (err.line)
			cli_error("%s:%d: %s", err.file, err.line, err.message);
		else
			cli_error("%s: %s", err.file, err.message);
		return EXIT_USAGE;
	}
	if (r < 0) {
		cli_error("cannot read the configuration: %s", cli_strerror(r));
		return EXIT_FAILED;
	}
	return EXIT_OK;
}

static int load(struct cli *cli, struct vfioadm_config **cfg, struct vfioadm_plan **plan)
{
	struct vfioadm_config_error err;
	int r = cli_config_load(cli, cfg);
	if (r != EXIT_OK)
		return r;
	r = vfioadm_plan_compute(cli->ctx, *cfg, plan, &err);
	if (r == -EINVAL) {
		cli_error("%s: %s", err.file, err.message);
		vfioadm_config_free(*cfg);
		return EXIT_USAGE;
	}
	if (r < 0) {
		cli_error("cannot compare the configuration with this host: %s", cli_strerror(r));
		vfioadm_config_free(*cfg);
		return EXIT_FAILED;
	}
	return EXIT_OK;
}

static void describe(const struct vfioadm_action *a, char *buf, size_t size)
{
	switch (a->kind) {
	case VFIOADM_ACT_SRIOV:
		snprintf(buf, size, "%u VFs on %s (now %s)", a->numvfs, a->driver, a->current);
		break;
	case VFIOADM_ACT_BIND:
		snprintf(buf, size, "to %s (now %s%s)", a->driver, a->current[0] ? a->current : "no driver",
			 a->provision ? ", its VF attributes differ" : "");
		break;
	case VFIOADM_ACT_UNBIND:
		snprintf(buf, size, "back to the host (now %s)", a->current);
		break;
	case VFIOADM_ACT_MDEV_CREATE:
		snprintf(buf, size, "%s/%s", a->parent, a->type);
		break;
	}
}

static struct json_object *json_action(const struct vfioadm_action *a)
{
	char what[256];
	struct json_object *o = json_object_new_object();
	describe(a, what, sizeof(what));
	json_object_object_add(o, "action", json_object_new_string(kind_names[a->kind]));
	json_object_object_add(o, "target", json_object_new_string(a->target));
	json_object_object_add(o, "what", json_object_new_string(what));
	json_object_object_add(o, "source", json_object_new_string(a->source));
	return o;
}

static int run_plan(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' }, { "help", no_argument, NULL, 'h' }, {},
	};
	bool json = false;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'h': cli_print_usage(plan_usage); return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (optind != argc)
		return cli_usage_error("plan", "takes no arguments");
	struct vfioadm_config *cfg;
	struct vfioadm_plan *plan;
	int code = load(cli, &cfg, &plan);
	if (code != EXIT_OK)
		return code;
	struct json_object *a = json ? json_object_new_array() : NULL;
	for (size_t i = 0; i < plan->n; i++) {
		char what[256];
		describe(&plan->v[i], what, sizeof(what));
		if (json)
			json_object_array_add(a, json_action(&plan->v[i]));
		else
			printf("%-11s %-36s %s  [%s]\n", kind_names[plan->v[i].kind], plan->v[i].target, what,
			       plan->v[i].source);
	}
	if (json)
		json_print(a);
	else if (!plan->n)
		printf("nothing to do: this host matches the configuration\n");
	vfioadm_plan_free(plan);
	vfioadm_config_free(cfg);
	return EXIT_OK;
}

static enum vfioadm_vf_mode vf_mode(const char *driver)
{
	return streq(driver, "auto") ? VFIOADM_VF_AUTO : streq(driver, "vfio") ? VFIOADM_VF_VFIO :
	       streq(driver, "host") ? VFIOADM_VF_HOST : VFIOADM_VF_NAMED;
}

/* What apply passes to every step: the timeouts and the [vf] attributes */
struct apply_opts {
	int timeout_ms, wait_ms;
	const struct vfioadm_vf_setting *vf;
	size_t n_vf;
};

/* One step, as its own command would do it. Returns an exit code; *why gets the reason. */
static int perform(struct cli *cli, const struct vfioadm_action *a, const struct apply_opts *ao, char *why, size_t size)
{
	int timeout_ms = ao->timeout_ms, wait_ms = ao->wait_ms;
	int r;
	why[0] = '\0';
	if (a->kind == VFIOADM_ACT_MDEV_CREATE) {
		/* a parent registers when its driver binds (MDEV_STATE=registered): wait, bounded */
		for (int waited = 0; waited < wait_ms; waited += 200) {
			struct vfioadm_mdev_parent *p;
			size_t n;
			if (vfioadm_mdev_parents(cli->ctx, a->parent, &p, &n) == 0) {
				vfioadm_mdev_parents_free(p, n);
				break;
			}
			usleep(200 * 1000);
		}
		r = vfioadm_mdev_create(cli->ctx, a->parent, a->type, a->target);
		if (r == -ENODEV && wait_ms > 0) {
			snprintf(why, size, "parent %s did not appear within %d s", a->parent, wait_ms / 1000);
			return EXIT_FAILED;
		}
		if (r < 0)
			snprintf(why, size, "%s", cli_strerror(r));
		return r < 0 ? EXIT_FAILED : EXIT_OK;
	}
	if (a->kind == VFIOADM_ACT_SRIOV) {
		struct vfioadm_sriov_opts so = { .numvfs = a->numvfs, .mode = vf_mode(a->driver),
						 .driver = a->driver, .timeout_ms = timeout_ms, .from_config = true,
						 .vf = ao->vf, .n_vf = ao->n_vf };
		struct vfioadm_sriov_outcome o;
		r = vfioadm_sriov_set(cli->ctx, a->target, &so, &o);
		if (r < 0)
			snprintf(why, size, "%s%s%s", cli_strerror(r), o.reason[0] ? ": " : "", o.reason);
		int code = r == -EBUSY ? EXIT_REFUSED : r < 0 ? EXIT_FAILED : EXIT_OK;
		vfioadm_sriov_outcome_done(&o);
		return code;
	}
	struct vfioadm_bind_opts b = { .timeout_ms = timeout_ms, .from_config = true,
				       .match = vfioadm_match_opts_for_mode(a->driver), .vf = ao->vf, .n_vf = ao->n_vf };
	struct vfioadm_outcome o;
	r = a->kind == VFIOADM_ACT_BIND ? vfioadm_bind(cli->ctx, a->target, &b, &o)
					: vfioadm_unbind(cli->ctx, a->target, &b, &o);
	if (r < 0) {
		snprintf(why, size, "%s%s%s%s", o.hook_failed ? "" : cli_strerror(r),
			 o.reason[0] && !o.hook_failed ? ": " : "", o.reason, o.rolled_back ? " (rolled back)" : "");
		for (size_t i = 0; o.refusal && i < o.refusal->n; i++)
			print_blocker(&o.refusal->v[i], -1);
	}
	if (o.warning[0])
		cli_warn("%s: %s", a->target, o.warning);
	int code = r == -EBUSY ? EXIT_REFUSED : cli_hook_untrusted(r, &o) ? EXIT_USAGE : r < 0 ? EXIT_FAILED : EXIT_OK;
	vfioadm_outcome_done(&o);
	return code;
}

static void print_apply_action(void *data _unused_, const char *verb, const char *path, const char *value)
{
	if (streq(verb, "write"))
		printf("    write '%s' to %s\n", streq(value, "\n") ? "\\n" : value, path);
	else if (streq(verb, "load"))
		printf("    load module %s\n", path);
	else if (streq(verb, "bind-vf"))
		printf("    bind the new VF %s to %s\n", path, value);
	else if (streq(verb, "hook"))
		printf("    run hook %s %s\n", path, value);
	else
		cli_print_vf_action(stdout, "    ", verb, path, value);
}

static int run_apply(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' }, { "timeout", required_argument, NULL, 't' },
		{ "wait", required_argument, NULL, 'w' },
		{ "json", no_argument, NULL, 'j' },    { "help", no_argument, NULL, 'h' },    {},
	};
	bool dry_run = false, json = false;
	int timeout_ms = CLI_LOCK_TIMEOUT_MS, wait_ms = 0, c;
	while ((c = getopt_long(argc, argv, "hn", opts, NULL)) != -1) {
		char *end;
		switch (c) {
		case 'n': dry_run = true; break;
		case 't':
			if (cli_parse_timeout("apply", optarg, &timeout_ms))
				return EXIT_USAGE;
			break;
		case 'w': {
			long w = strtol(optarg, &end, 10);
			if (*end || !*optarg || w < 0 || w > 3600)
				return cli_usage_error("apply", "--wait takes seconds, 0 to 3600");
			wait_ms = (int)w * 1000;
			break;
		}
		case 'j': json = true; break;
		case 'h': cli_print_usage(apply_usage); return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (optind != argc)
		return cli_usage_error("apply", "takes no arguments");
	int need = cli_need_root(cli, "apply", dry_run);
	if (need != EXIT_OK)
		return need;
	vfioadm_set_dry_run(cli->ctx, dry_run);
	if (dry_run)
		vfioadm_set_action_fn(cli->ctx, print_apply_action, NULL);
	/* the lock first: the plan is made from the host as it is once interrupted runs are
	 * finished (a device an interrupted bind left on VFIO is rolled back, then planned) */
	if (cli_lock(cli, timeout_ms) != EXIT_OK)
		return EXIT_FAILED;
	struct vfioadm_config *cfg;
	struct vfioadm_plan *plan;
	int code = load(cli, &cfg, &plan);
	if (code != EXIT_OK)
		return code;
	if (!dry_run && plan->n && !streq(vfioadm_get_root(cli->ctx), "/")) {
		cli_error("--root '%s' is for inspection: changes need the live host (--dry-run shows the plan)",
			  vfioadm_get_root(cli->ctx));
		vfioadm_plan_free(plan);
		vfioadm_config_free(cfg);
		return EXIT_USAGE;
	}
	struct apply_opts ao = { .timeout_ms = timeout_ms, .wait_ms = wait_ms };
	struct vfioadm_vf_setting *vf = NULL;
	if (vfioadm_config_vf_settings(cfg, &vf, &ao.n_vf) < 0) {
		cli_error("out of memory");
		vfioadm_plan_free(plan);
		vfioadm_config_free(cfg);
		return EXIT_FAILED;
	}
	ao.vf = vf;
	struct json_object *results = json ? json_object_new_array() : NULL;
	size_t ok = 0;
	for (size_t i = 0; i < plan->n && !cli_stopped(); i++) { /* a signal: no new step */
		const struct vfioadm_action *a = &plan->v[i];
		char what[256], why[320];
		describe(a, what, sizeof(what));
		if (!json)
			printf("[%zu/%zu] %s %s %s\n", i + 1, plan->n, kind_names[a->kind], a->target, what);
		int rc = perform(cli, a, &ao, why, sizeof(why));
		if (rc == EXIT_OK)
			ok++;
		else
			cli_error("%s %s: %s", kind_names[a->kind], a->target, why);
		if (rc != EXIT_OK && (code == EXIT_OK || rc == EXIT_REFUSED))
			code = rc;
		if (results) {
			struct json_object *o = json_action(a);
			json_object_object_add(o, "ok", json_object_new_boolean(rc == EXIT_OK));
			json_object_object_add(o, "error", why[0] ? json_object_new_string(why) : NULL);
			json_object_array_add(results, o);
		}
	}
	if (results)
		json_print(results);
	else if (plan->n == 0 && code == EXIT_OK)
		printf("nothing to do: this host matches the configuration\n");
	else
		printf("%zu of %zu steps %s\n", ok, plan->n, dry_run ? "would be done" : "done");
	vfioadm_unlock(cli->ctx);
	if (!dry_run && (cfg->n_devices || cfg->n_sriov || cfg->n_mdevs))
		cli_warn_boot_units(cli); /* what was applied now is gone at the next boot */
	free(vf);
	vfioadm_plan_free(plan);
	vfioadm_config_free(cfg);
	return code;
}

static const char *const helper_usage[] = {
	"Usage: vfioadm udev-helper BDF",
	"       vfioadm udev-helper --claim-all",
	"",
	"For the udev rule 70-vfioadm.rules, on the 'add' of a PCI function: when the configuration",
	"puts it on a VFIO driver, load that driver's module and print VFIOADM_DRIVER=<driver> and",
	"VFIOADM_MODULE=<module>, so the rule writes driver_override before any host driver probes.",
	"--claim-all (vfioadm-claim.service, before udev's coldplug) writes driver_override for",
	"every configured function present and still without a driver. Never fails a boot:",
	"problems go to stderr (the journal).",
	NULL,
};

/* The configured VFIO driver of one function, its module loaded. Returns true when there is one. */
static bool configured_driver(struct cli *cli, const struct vfioadm_config *cfg,
			      const struct vfioadm_device_info *info, char driver[VFIOADM_NAME_MAX],
			      char module[VFIOADM_NAME_MAX])
{
	char mode[VFIOADM_NAME_MAX];
	if (vfioadm_config_driver(cli->ctx, cfg, info->bdf, mode) <= 0)
		return false;
	struct vfioadm_match_opts mo = vfioadm_match_opts_for_mode(mode);
	struct vfioadm_match *m;
	if (vfioadm_match(cli->ctx, info->modalias, &mo, &m) < 0)
		return false;
	bool ok = vfioadm_load_module(cli->ctx, m->module) == 0 &&
		  vfioadm_module_driver(cli->ctx, m->module, driver) == 0;
	if (ok)
		strcpy(module, m->module);
	else
		cli_error("%s: could not load %s for it", info->bdf, m->module);
	vfioadm_match_free(m);
	return ok;
}

/* A claim (driver_override) keeps every host driver away: only make one when the apply unit
 * will bind the function. Hosts not booted with systemd cannot be told: their init decides. */
static bool apply_at_boot(struct cli *cli)
{
	unsigned on;
	return vfioadm_boot_units(cli->ctx, &on) < 0 || (on & VFIOADM_BOOT_APPLY);
}

/* Before udev's coldplug loads host drivers: claim every configured function present. Done
 * per event, a host module loaded for one device would probe the others before their turn. */
static void claim_all(struct cli *cli, const struct vfioadm_config *cfg)
{
	if (vfioadm_scan(cli->ctx, VFIOADM_FILL_BASIC) < 0)
		return;
	struct vfioadm_device *dev;
	vfioadm_for_each_device(dev, cli->ctx) {
		const struct vfioadm_device_info *i = vfioadm_device_get_info(dev);
		char driver[VFIOADM_NAME_MAX], module[VFIOADM_NAME_MAX];
		if (i->driver[0] || !configured_driver(cli, cfg, i, driver, module))
			continue; /* already bound (initramfs, built-in): apply moves it */
		if (i->has_driver_override && streq(i->driver_override, driver))
			continue;
		int r = vfioadm_set_driver_override(cli->ctx, i->bdf, driver);
		if (r < 0)
			cli_error("%s: cannot claim it for %s: %s", i->bdf, driver, cli_strerror(r));
		else
			printf("%s: claimed for %s\n", i->bdf, driver);
	}
}

static int run_udev_helper(struct cli *cli, int argc, char **argv)
{
	if (argc == 2 && (streq(argv[1], "--help") || streq(argv[1], "-h"))) {
		cli_print_usage(helper_usage);
		return EXIT_OK;
	}
	if (argc != 2)
		return cli_usage_error("udev-helper", "expected exactly one BDF, or --claim-all");
	bool all = streq(argv[1], "--claim-all");
	char bdf[VFIOADM_BDF_MAX];
	if (!all && cli_parse_bdf("udev-helper", argv[1], bdf))
		return EXIT_USAGE;
	struct vfioadm_config *cfg;
	struct vfioadm_config_error err;
	if (vfioadm_config_load(cli->ctx, &cfg, &err) < 0) {
		cli_error("%s:%d: %s (the configuration is ignored)", err.file, err.line, err.message);
		return EXIT_OK;
	}
	vfioadm_set_deny_list(cli->ctx, (const char *const *)cfg->deny, cfg->n_deny);
	struct vfioadm_device *dev;
	char driver[VFIOADM_NAME_MAX], module[VFIOADM_NAME_MAX], mode[VFIOADM_NAME_MAX];
	bool claims = apply_at_boot(cli);
	if (all && claims) {
		claim_all(cli, cfg);
	} else if (all) {
		cli_error("not claiming the configured devices: vfioadm-apply.service is not enabled, so nothing "
			  "would bind them (" ENABLE_BOOT_UNITS ")");
	} else if (!claims) {
		if (vfioadm_config_driver(cli->ctx, cfg, bdf, mode) > 0)
			cli_error("%s: not claimed: vfioadm-apply.service is not enabled, so nothing would bind it "
				  "(" ENABLE_BOOT_UNITS ")", bdf);
	} else if (vfioadm_device_read(cli->ctx, bdf, VFIOADM_FILL_BASIC, &dev) == 0) {
		if (configured_driver(cli, cfg, vfioadm_device_get_info(dev), driver, module))
			printf("VFIOADM_DRIVER=%s\nVFIOADM_MODULE=%s\n", driver, module);
		vfioadm_device_free(dev);
	}
	vfioadm_config_free(cfg);
	return EXIT_OK;
}

const struct cli_command cmd_udev_helper = { "udev-helper", run_udev_helper, "(for udev) the VFIO driver a new function is configured for", false };
const struct cli_command cmd_plan = { "plan", run_plan, "show what 'apply' would change", false };
const struct cli_command cmd_apply = { "apply", run_apply, "make the host match the configuration", true };
