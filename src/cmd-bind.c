/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vfioadm bind / unbind / check: move functions to VFIO and back, and say what blocks them. */
#include <getopt.h>

#include "cli.h"

/* ---- blockers, in words an admin can act on ---- */

void print_blocker(const struct vfioadm_blocker *b, int group)
{
	switch (b->kind) {
	case VFIOADM_BLOCK_NO_IOMMU:
		cli_error("%s has no IOMMU group: enable the IOMMU (intel_iommu=on or amd_iommu=on on "
			  "the kernel command line, VT-d/AMD-Vi in the firmware)", b->subject);
		break;
	case VFIOADM_BLOCK_NOIOMMU_MODE:
		cli_warn("%s: group %d is an unsafe noiommu group (no DMA isolation; the kernel is tainted)",
			 b->subject, group);
		break;
	case VFIOADM_BLOCK_BRIDGE:
		cli_error("%s is a PCI bridge: VFIO drivers refuse bridges; assign the devices behind it", b->subject);
		break;
	case VFIOADM_BLOCK_PF_WITH_VFS:
		cli_error("%s has %s enabled: VFIO drivers refuse such a PF; remove them first "
			  "(echo 0 > /sys/bus/pci/devices/%s/sriov_numvfs)", b->subject, b->detail, b->subject);
		break;
	case VFIOADM_BLOCK_NETDEV:
		cli_error("interface %s has an %s: the host is using it; bring it down and remove its "
			  "addresses first, or use --force", b->subject, b->detail);
		break;
	case VFIOADM_BLOCK_BLOCKDEV:
		cli_error("%s is %s: release it first (umount, swapoff, or stop what holds it), or use --force",
			  b->subject, b->detail);
		break;
	case VFIOADM_BLOCK_OPEN:
		cli_error("%s is open by pid %d (%s): stop that process first", b->subject, b->pid,
			  b->detail[0] ? b->detail : "?");
		break;
	case VFIOADM_BLOCK_GROUP_MEMBER:
		cli_error("group %d is not viable: %s is on %s, a driver that uses the DMA API; bind it "
			  "too ('vfioadm bind --group %s') or unbind it", group, b->subject, b->detail, b->subject);
		break;
	case VFIOADM_BLOCK_UNBOUND:
		cli_error("%s is bound to no driver: 'vfioadm bind %s' puts it on its VFIO driver",
			  b->subject, b->subject);
		break;
	case VFIOADM_BLOCK_JOURNAL:
		cli_error("%s: an interrupted vfioadm run left a journal (it was on %s): run 'vfioadm "
			  "unbind %s' to restore it", b->subject, b->detail[0] ? b->detail : "no driver", b->subject);
		break;
	}
}

static const char *const kind_names[] = {
	[VFIOADM_BLOCK_NO_IOMMU] = "no_iommu",     [VFIOADM_BLOCK_NOIOMMU_MODE] = "noiommu_mode",
	[VFIOADM_BLOCK_BRIDGE] = "bridge",         [VFIOADM_BLOCK_PF_WITH_VFS] = "pf_with_vfs",
	[VFIOADM_BLOCK_NETDEV] = "netdev",         [VFIOADM_BLOCK_BLOCKDEV] = "blockdev",
	[VFIOADM_BLOCK_OPEN] = "open",             [VFIOADM_BLOCK_GROUP_MEMBER] = "group_member",
	[VFIOADM_BLOCK_UNBOUND] = "unbound",       [VFIOADM_BLOCK_JOURNAL] = "journal",
};

struct json_object *json_report_array(const struct vfioadm_report *r)
{
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; r && i < r->n; i++) {
		const struct vfioadm_blocker *b = &r->v[i];
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "kind", json_object_new_string(kind_names[b->kind]));
		json_object_object_add(o, "subject", json_object_new_string(b->subject));
		json_object_object_add(o, "detail", b->detail[0] ? json_object_new_string(b->detail) : NULL);
		json_object_object_add(o, "pid", b->pid ? json_object_new_int(b->pid) : NULL);
		json_object_object_add(o, "forceable", json_object_new_boolean(b->forceable));
		json_object_array_add(a, o);
	}
	return a;
}

/* ---- argument expansion shared by bind and unbind ---- */

struct targets {
	char (*v)[VFIOADM_BDF_MAX];
	size_t n;
};

static int targets_add(struct targets *t, const char *bdf)
{
	for (size_t i = 0; i < t->n; i++)
		if (streq(t->v[i], bdf))
			return 0;
	char (*n)[VFIOADM_BDF_MAX] = reallocarray(t->v, t->n + 1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	t->v = n;
	strcpy(t->v[t->n++], bdf);
	return 0;
}

/* --group: every non-bridge endpoint of the group; --siblings: the other functions of the slot */
static int expand(struct cli *cli, const char *bdf, bool group, bool siblings, struct targets *t)
{
	struct vfioadm_device *dev = NULL;
	bool expand_it = group || siblings; /* else only that it exists: the transaction reads it */
	int r = expand_it ? vfioadm_device_read(cli->ctx, bdf, group ? VFIOADM_FILL_DETAIL : VFIOADM_FILL_BASIC, &dev)
			  : vfioadm_device_exists(cli->ctx, bdf);
	if (r < 0) {
		cli_error("%s: %s", bdf, r == -ENODEV ? "no such PCI device (see 'vfioadm list')" : strerror(-r));
		return EXIT_FAILED;
	}
	if (!expand_it)
		return targets_add(t, bdf) < 0 ? EXIT_FAILED : EXIT_OK;
	const struct vfioadm_device_info *info = vfioadm_device_get_info(dev);
	targets_add(t, info->bdf);
	for (size_t i = 0; group && i < info->n_group_members; i++) {
		struct vfioadm_device *m;
		if (vfioadm_device_read(cli->ctx, info->group_members[i].name, VFIOADM_FILL_BASIC, &m) < 0)
			continue;
		const struct vfioadm_device_info *mi = vfioadm_device_get_info(m);
		if (!vfioadm_class_is_bridge(mi->ids.base_class, mi->ids.sub_class))
			targets_add(t, mi->bdf);
		vfioadm_device_free(m);
	}
	if (siblings && vfioadm_scan(cli->ctx, VFIOADM_FILL_BASIC) >= 0) {
		struct vfioadm_device *s;
		vfioadm_for_each_device(s, cli->ctx)
			if (strncmp(vfioadm_device_get_info(s)->bdf, info->bdf, strlen(info->bdf) - 1) == 0)
				targets_add(t, vfioadm_device_get_info(s)->bdf);
	}
	vfioadm_device_free(dev);
	return EXIT_OK;
}

static void print_action(void *data _unused_, const char *verb, const char *path, const char *value)
{
	if (streq(verb, "write"))
		printf("  write '%s' to %s\n", streq(value, "\n") ? "\\n" : value, path);
	else if (streq(verb, "load"))
		printf("  load module %s\n", path);
	else if (streq(verb, "journal"))
		printf("  record %s (state %s)\n", path, value);
	else if (streq(verb, "forget"))
		printf("  remove %s\n", path);
	else if (streq(verb, "assume"))
		printf("  (driver name '%s' assumed: the module is not loaded yet)\n", path);
}

/* Report one device's failure; returns its exit code. */
static int report_failure(struct cli *cli, const char *cmd, int r, struct vfioadm_outcome *o,
			  const struct vfioadm_match_opts *mo)
{
	if (r == -EBUSY && o->refusal) {
		for (size_t i = 0; i < o->refusal->n; i++)
			print_blocker(&o->refusal->v[i], -1);
		cli_error("%s: refused, nothing changed", o->bdf);
		return EXIT_REFUSED;
	}
	if (r == -EROFS) {
		cli_error("--root '%s' is for inspection: changes need the live host (--dry-run shows the plan)",
			  vfioadm_get_root(cli->ctx));
		return EXIT_USAGE;
	}
	if (r == -ENODEV && !o->changed && !o->reason[0]) {
		cli_error("%s: no such PCI device (see 'vfioadm list')", o->bdf);
		return EXIT_FAILED;
	}
	if (!o->changed && !o->reason[0])
		return cli_match_error(cli, o->bdf, r, mo);
	cli_error("%s: %s failed: %s%s%s", o->bdf, cmd, strerror(-r), o->reason[0] ? "; kernel: " : "", o->reason);
	if (o->rolled_back)
		cli_error("%s: rolled back: on %s again, driver_override as before", o->bdf,
			  o->prev_driver[0] ? o->prev_driver : "no driver");
	else if (o->changed)
		cli_error("%s: could not restore its previous state; 'vfioadm check %s' and 'vfioadm unbind %s' "
			  "will show and retry", o->bdf, o->bdf, o->bdf);
	return EXIT_FAILED;
}

/* After binding: is the group usable now? Say what remains. */
static void say_group_state(struct cli *cli, const char *bdf, int group)
{
	struct vfioadm_report *r;
	if (group < 0 || vfioadm_check_group(cli->ctx, group, VFIOADM_CHECK_NO_HOLDERS, &r) < 0)
		return;
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].kind == VFIOADM_BLOCK_GROUP_MEMBER)
			cli_warn("group %d is not usable yet: %s is on %s (bind it too: 'vfioadm bind --group %s')",
				 group, r->v[i].subject, r->v[i].detail, bdf);
	vfioadm_report_free(r);
}

static int persist(struct cli *cli, const char *cmd, const struct vfioadm_bind_opts *b, const char *bdf)
{
	char section[64], body[128];
	snprintf(section, sizeof(section), "device %s", bdf);
	snprintf(body, sizeof(body), "driver = %s\n", b->match.generic ? "vfio" : b->match.driver ? b->match.driver : "auto");
	int c = cli_config_set(cli, section, streq(cmd, "bind") ? body : NULL, true); /* our run holds the lock */
	if (c == EXIT_FAILED && !streq(cmd, "bind"))
		return EXIT_OK; /* nothing of ours to remove: fine */
	if (c == EXIT_OK)
		printf("%s: %s /etc/vfioadm.d/50-vfioadm.conf\n", bdf, streq(cmd, "bind") ? "recorded in" : "removed from");
	return c;
}

struct change_opts {
	struct vfioadm_bind_opts b;
	bool dry_run, json, group, siblings, persist;
	int lock_timeout_ms;
};

static int run_change(struct cli *cli, const char *cmd, struct change_opts *co, int n, char **args)
{
	struct targets t = { 0 };
	int code = EXIT_OK;
	for (int i = 0; i < n && code == EXIT_OK; i++) {
		char bdf[VFIOADM_BDF_MAX];
		code = cli_parse_bdf(cmd, args[i], bdf);
		if (code == EXIT_OK)
			code = expand(cli, bdf, co->group, co->siblings, &t);
	}
	if (code != EXIT_OK) {
		free(t.v);
		return code;
	}
	vfioadm_set_dry_run(cli->ctx, co->dry_run);
	if (co->dry_run)
		vfioadm_set_action_fn(cli->ctx, print_action, NULL);
	if (cli_lock(cli, co->lock_timeout_ms) != EXIT_OK) {
		free(t.v);
		return EXIT_FAILED;
	}
	int r;
	struct json_object *results = co->json ? json_object_new_array() : NULL;
	size_t ok = 0;
	for (size_t i = 0; i < t.n; i++) {
		struct vfioadm_outcome o;
		if (co->dry_run || t.n > 1)
			printf("[%zu/%zu] %s%s\n", i + 1, t.n, t.v[i], co->dry_run ? " (dry run: nothing is written)" : "");
		r = streq(cmd, "bind") ? vfioadm_bind(cli->ctx, t.v[i], &co->b, &o)
				       : vfioadm_unbind(cli->ctx, t.v[i], &co->b, &o);
		int c = r < 0 ? report_failure(cli, cmd, r, &o, &co->b.match) : EXIT_OK;
		if (c == EXIT_OK) {
			ok++;
			if (!o.changed)
				printf("%s: already %s%s\n", o.bdf, streq(cmd, "bind") ? "bound to " : "released",
				       streq(cmd, "bind") ? o.driver : "");
			else if (!co->dry_run)
				printf("%s: %s %s (was %s)\n", o.bdf, streq(cmd, "bind") ? "bound to" : "released to",
				       o.driver[0] ? o.driver : "no driver", o.prev_driver[0] ? o.prev_driver : "no driver");
			if (streq(cmd, "bind") && !co->dry_run)
				say_group_state(cli, o.bdf, o.iommu_group);
			if (co->persist && !co->dry_run)
				c = persist(cli, cmd, &co->b, o.bdf);
		}
		if (results) {
			struct json_object *j = json_object_new_object();
			json_object_object_add(j, "bdf", json_object_new_string(o.bdf));
			json_object_object_add(j, "ok", json_object_new_boolean(c == EXIT_OK));
			json_object_object_add(j, "changed", json_object_new_boolean(o.changed));
			json_object_object_add(j, "driver", o.driver[0] ? json_object_new_string(o.driver) : NULL);
			json_object_object_add(j, "previous_driver", o.prev_driver[0] ? json_object_new_string(o.prev_driver) : NULL);
			json_object_object_add(j, "rolled_back", json_object_new_boolean(o.rolled_back));
			json_object_object_add(j, "reason", o.reason[0] ? json_object_new_string(o.reason) : NULL);
			json_object_object_add(j, "refused", json_report_array(o.refusal));
			json_object_array_add(results, j);
		}
		if (c != EXIT_OK && (code == EXIT_OK || c == EXIT_USAGE || c == EXIT_REFUSED))
			code = c;
		vfioadm_outcome_done(&o);
	}
	if (t.n > 1)
		printf("%zu of %zu %s%s%s\n", ok, t.n, co->dry_run ? "would be " : "",
		       streq(cmd, "bind") ? "bound" : "released",
		       ok == t.n ? "" : "; the others were left as they were");
	if (results)
		json_print(results);
	vfioadm_unlock(cli->ctx);
	free(t.v);
	return code;
}

static const char *const bind_usage[] = {
	"Usage: vfioadm bind [--driver NAME | --generic] [--group | --siblings] [--force]",
	"                    [--dry-run] [--timeout SEC] [--json] BDF…",
	"",
	"Move each function to its VFIO driver (see 'vfioadm match') as one transaction:",
	"load the module, refuse what would hurt the host, record the prior state in",
	"/run/vfioadm/journal, write driver_override, unbind, bind, verify. Any failure",
	"restores the previous driver and driver_override. A function already on the",
	"chosen driver is left untouched.",
	"",
	"  --driver NAME   a named VFIO driver;  --generic  vfio-pci",
	"  --group         every endpoint of each function's IOMMU group",
	"  --siblings      every function of each function's slot (a GPU and its audio)",
	"  --force         proceed although the host uses it (addresses, mounts)",
	"  --dry-run       print the exact sysfs writes in order; change nothing",
	"  --timeout SEC   for unbind, probe and waiting for another vfioadm (default 10)",
	"  --json          a JSON array of results",
	"  --persist       also record it in /etc/vfioadm.d/50-vfioadm.conf (kept at boot)",
	NULL,
};

static const char *const unbind_usage[] = {
	"Usage: vfioadm unbind [--force] [--dry-run] [--timeout SEC] [--json] BDF…",
	"",
	"Give each function back to the host: restore what its journal recorded (the",
	"driver and driver_override it had before 'vfioadm bind'), or with no journal",
	"clear driver_override and let the kernel's default driver probe. Recovers the",
	"journal of a run that was interrupted.",
	"  --persist       also remove its entry from /etc/vfioadm.d/50-vfioadm.conf",
	NULL,
};

static int run_bind_like(struct cli *cli, int argc, char **argv, bool is_bind)
{
	static const struct option opts[] = {
		{ "driver", required_argument, NULL, 'd' }, { "generic", no_argument, NULL, 'g' },
		{ "group", no_argument, NULL, 'G' },        { "siblings", no_argument, NULL, 'S' },
		{ "force", no_argument, NULL, 'f' },        { "dry-run", no_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' }, { "json", no_argument, NULL, 'j' },
		{ "persist", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },         {},
	};
	const char *cmd = is_bind ? "bind" : "unbind";
	struct change_opts co = { .lock_timeout_ms = 10000 };
	int c;
	while ((c = getopt_long(argc, argv, "hfn", opts, NULL)) != -1) {
		if (!is_bind && strchr("dgGS", c))
			return cli_usage_error(cmd, "'%s' is an option of bind", argv[optind - 1]);
		switch (c) {
		case 'd':
			if (!vfioadm_driver_name_valid(optarg))
				return cli_usage_error(cmd, "'%s' is not a driver name (letters, digits, '-', '_'; at most 63)", optarg);
			co.b.match.driver = optarg;
			break;
		case 'g': co.b.match.generic = true; break;
		case 'G': co.group = true; break;
		case 'S': co.siblings = true; break;
		case 'f': co.b.force = true; break;
		case 'n': co.dry_run = true; break;
		case 't':
			if (cli_parse_timeout(cmd, optarg, &co.b.timeout_ms))
				return EXIT_USAGE;
			co.lock_timeout_ms = co.b.timeout_ms;
			break;
		case 'j': co.json = true; break;
		case 'p': co.persist = true; break;
		case 'h': cli_print_usage(is_bind ? bind_usage : unbind_usage); return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (co.b.match.driver && co.b.match.generic)
		return cli_usage_error(cmd, "--driver and --generic exclude each other");
	if (optind == argc)
		return cli_usage_error(cmd, "expected at least one BDF");
	return run_change(cli, cmd, &co, argc - optind, argv + optind);
}

static int run_bind(struct cli *cli, int argc, char **argv) { return run_bind_like(cli, argc, argv, true); }
static int run_unbind(struct cli *cli, int argc, char **argv) { return run_bind_like(cli, argc, argv, false); }

const struct cli_command cmd_bind = { "bind", run_bind, "move functions to their VFIO driver, transactionally" };
const struct cli_command cmd_unbind = { "unbind", run_unbind, "give functions back to the host" };
