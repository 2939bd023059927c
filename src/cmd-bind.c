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
	case VFIOADM_BLOCK_JOURNAL_CORRUPT:
		cli_error("journal /run/vfioadm/journal/%s is %s: the device's earlier driver is unknown; "
			  "check it ('vfioadm show'), then remove the file (or --force to overwrite it)",
			  b->subject, b->detail);
		break;
	case VFIOADM_BLOCK_NO_INTREMAP:
		if (streq(b->subject, "/proc/interrupts")) { /* read, not tried (check's fallback) */
			cli_error("group %d: this host shows no interrupt remapping (%s: %s), so the kernel "
				  "will refuse a VMM this group (EPERM); 'vfioadm doctor' says what to change",
				  group, b->subject, b->detail);
			break;
		}
		cli_error("group %d: the kernel refused %s: this host has no interrupt remapping, so VFIO "
			  "cannot isolate the device's interrupts. Turn it on (VT-d/AMD-Vi interrupt remapping "
			  "in the firmware, no intremap=off on the kernel command line), or accept the risk "
			  "with 'options vfio_iommu_type1 allow_unsafe_interrupts=1' (and 'options iommufd "
			  "allow_unsafe_interrupts=1') in /etc/modprobe.d (a guest can then forge interrupts "
			  "to the host); 'vfioadm doctor' says which applies", group, b->detail);
		break;
	case VFIOADM_BLOCK_TRIAL:
		cli_error("group %d: a VMM could not use it: the kernel refused %s (%s); see 'dmesg' for "
			  "its reason, and 'vfioadm doctor'", group, b->detail, b->subject);
		break;
	case VFIOADM_BLOCK_NO_RESET:
		cli_warn("%s has no reset mechanism (no FLR, PM or bus reset): a VMM cannot reset it "
			  "(QEMU: \"no available reset mechanism\"), so its state carries over from one VM "
			  "to the next", b->subject);
		break;
	case VFIOADM_BLOCK_BUS_RESET:
		cli_warn("%s is reset only by a bus reset, which also resets %s: a VMM must own all of "
			 "them to reset it (QEMU's hot reset), or it runs without a reset", b->subject, b->detail);
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
	[VFIOADM_BLOCK_JOURNAL_CORRUPT] = "journal_corrupt",
	[VFIOADM_BLOCK_NO_INTREMAP] = "no_intremap",    [VFIOADM_BLOCK_TRIAL] = "trial_refused",
	[VFIOADM_BLOCK_NO_RESET] = "no_reset",     [VFIOADM_BLOCK_BUS_RESET] = "bus_reset",
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
		json_object_object_add(o, "warning", json_object_new_boolean(vfioadm_blocker_is_warning(b->kind)));
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
		cli_error("%s: %s", bdf, r == -ENODEV ? "no such PCI device (see 'vfioadm list')" : cli_strerror(r));
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

/* The dry run's plan: on stdout, or on stderr when stdout carries the JSON */
static void print_action(void *data, const char *verb, const char *path, const char *value)
{
	FILE *f = data;
	if (streq(verb, "write"))
		fprintf(f, "  write '%s' to %s\n", streq(value, "\n") ? "\\n" : value, path);
	else if (streq(verb, "load"))
		fprintf(f, "  load module %s\n", path);
	else if (streq(verb, "journal"))
		fprintf(f, "  record %s (state %s)\n", path, value);
	else if (streq(verb, "forget"))
		fprintf(f, "  remove %s\n", path);
	else if (streq(verb, "assume"))
		fprintf(f, "  (driver name '%s' assumed: the module is not loaded yet)\n", path);
	else if (streq(verb, "hook"))
		fprintf(f, "  run hook %s %s\n", path, value);
	else
		cli_print_vf_action(f, "  ", verb, path, value);
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
	if (o->hook_failed || o->provision_failed) /* a hook's or netlink's words, not the kernel log's */
		cli_error("%s: %s failed: %s", o->bdf, cmd, o->reason);
	else
		cli_error("%s: %s failed: %s%s%s", o->bdf, cmd, cli_strerror(r), o->reason[0] ? "; kernel: " : "",
			  o->reason);
	if (o->rolled_back)
		cli_error("%s: rolled back: on %s again, driver_override as before", o->bdf,
			  o->prev_driver[0] ? o->prev_driver : "no driver");
	else if (o->changed)
		cli_error("%s: could not restore its previous state; 'vfioadm check %s' and 'vfioadm unbind %s' "
			  "will show and retry", o->bdf, o->bdf, o->bdf);
	else
		cli_error("%s: nothing changed", o->bdf);
	return cli_hook_untrusted(r, o) || (o->provision_bad && !o->changed) ? EXIT_USAGE : EXIT_FAILED;
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

static int persist(struct cli *cli, FILE *out, const char *cmd, const struct vfioadm_bind_opts *b, const char *bdf)
{
	char section[64], body[128];
	snprintf(section, sizeof(section), "device %s", bdf);
	snprintf(body, sizeof(body), "driver = %s\n", b->match.generic ? "vfio" : b->match.driver ? b->match.driver : "auto");
	int c = cli_config_set(cli, section, streq(cmd, "bind") ? body : NULL, true); /* our run holds the lock */
	if (c == EXIT_FAILED && !streq(cmd, "bind"))
		return EXIT_OK; /* nothing of ours to remove: fine */
	if (c == EXIT_OK)
		fprintf(out, "%s: %s /etc/vfioadm.d/50-vfioadm.conf\n", bdf, streq(cmd, "bind") ? "recorded in" : "removed from");
	return c;
}

struct change_opts {
	struct vfioadm_bind_opts b;
	bool dry_run, json, group, siblings, persist;
	int lock_timeout_ms;
};

/* One run of bind or unbind over its targets, as their transactions end. */
struct change_run {
	struct cli *cli;
	const char *cmd;
	bool bind;
	const struct change_opts *co;
	size_t n, ended, ok;
	int code;
	struct json_object **json;  /* each target's result, in the order they were named */
	struct bound_group {        /* bind: the groups of the functions now on VFIO, to check at the */
		int group;          /* end, each with the first of its functions bound */
		char bdf[VFIOADM_BDF_MAX];
	} *groups;
	size_t n_groups;
};

static struct json_object *json_outcome(const struct vfioadm_outcome *o, bool ok)
{
	struct json_object *j = json_object_new_object();
	json_object_object_add(j, "bdf", json_object_new_string(o->bdf));
	json_object_object_add(j, "ok", json_object_new_boolean(ok));
	json_object_object_add(j, "changed", json_object_new_boolean(o->changed));
	json_object_object_add(j, "driver", o->driver[0] ? json_object_new_string(o->driver) : NULL);
	json_object_object_add(j, "previous_driver", o->prev_driver[0] ? json_object_new_string(o->prev_driver) : NULL);
	json_object_object_add(j, "rolled_back", json_object_new_boolean(o->rolled_back));
	json_object_object_add(j, "reason", o->reason[0] ? json_object_new_string(o->reason) : NULL);
	json_object_object_add(j, "hook_failed", json_object_new_boolean(o->hook_failed));
	json_object_object_add(j, "warning", o->warning[0] ? json_object_new_string(o->warning) : NULL);
	json_object_object_add(j, "refused", json_report_array(o->refusal));
	return j;
}

static void note_group(struct change_run *run, const struct vfioadm_outcome *o)
{
	for (size_t i = 0; i < run->n_groups; i++)
		if (run->groups[i].group == o->iommu_group)
			return;
	run->groups[run->n_groups].group = o->iommu_group;
	strcpy(run->groups[run->n_groups++].bdf, o->bdf);
}

/* A transaction ended: say so (with progress when there are several), keep its JSON. */
static void one_done(void *data, size_t index, int r, struct vfioadm_outcome *o)
{
	struct change_run *run = data;
	const struct change_opts *co = run->co;
	FILE *out = co->json ? stderr : stdout; /* stdout carries the JSON then */
	char progress[48] = "";
	if (run->n > 1 && !co->dry_run)
		snprintf(progress, sizeof(progress), "[%zu/%zu] ", ++run->ended, run->n);
	if (r < 0 && *progress)
		fprintf(out, "%s%s: failed\n", progress, o->bdf);
	fflush(out); /* in order with the errors on stderr */
	if (r == -ECANCELED) { /* stopped by a signal before it started: untouched */
		fprintf(out, "%s%s: not started (stopped)\n", progress, o->bdf);
		if (run->json)
			run->json[index] = json_outcome(o, false);
		vfioadm_outcome_done(o);
		return;
	}
	int c = r < 0 ? report_failure(run->cli, run->cmd, r, o, &co->b.match) : EXIT_OK;
	if (o->warning[0])
		cli_warn("%s: %s", o->bdf, o->warning);
	if (c == EXIT_OK) {
		run->ok++;
		if (!o->changed)
			fprintf(out, "%s%s: already %s%s\n", progress, o->bdf, run->bind ? "bound to " : "released",
				run->bind ? o->driver : "");
		else if (!co->dry_run)
			fprintf(out, "%s%s: %s %s (was %s)\n", progress, o->bdf, run->bind ? "bound to" : "released to",
				o->driver[0] ? o->driver : "no driver", o->prev_driver[0] ? o->prev_driver : "no driver");
		if (run->bind && !co->dry_run && o->iommu_group >= 0)
			note_group(run, o);
		if (co->persist && !co->dry_run)
			c = persist(run->cli, out, run->cmd, &co->b, o->bdf);
	}
	if (run->json)
		run->json[index] = json_outcome(o, c == EXIT_OK);
	if (c != EXIT_OK && (run->code == EXIT_OK || c == EXIT_USAGE || c == EXIT_REFUSED))
		run->code = c;
	vfioadm_outcome_done(o);
}

/* The targets' transactions: one by one with the plan printed (dry run), else overlapped. */
static void change_all(struct change_run *run, const struct targets *t)
{
	if (run->co->dry_run) {
		for (size_t i = 0; i < t->n; i++) {
			struct vfioadm_outcome o;
			fprintf(run->co->json ? stderr : stdout, "[%zu/%zu] %s (dry run: nothing is written)\n",
				i + 1, t->n, t->v[i]);
			int r = run->bind ? vfioadm_bind(run->cli->ctx, t->v[i], &run->co->b, &o)
					  : vfioadm_unbind(run->cli->ctx, t->v[i], &run->co->b, &o);
			one_done(run, i, r, &o);
		}
		return;
	}
	const char **bdfs = calloc(t->n, sizeof(*bdfs));
	if (!bdfs) {
		cli_error("out of memory");
		run->code = EXIT_FAILED;
		return;
	}
	for (size_t i = 0; i < t->n; i++)
		bdfs[i] = t->v[i];
	int r = run->bind ? vfioadm_bind_many(run->cli->ctx, bdfs, t->n, &run->co->b, one_done, run)
			  : vfioadm_unbind_many(run->cli->ctx, bdfs, t->n, &run->co->b, one_done, run);
	if (r < 0) {
		cli_error("%s: %s", run->cmd, cli_strerror(r));
		run->code = EXIT_FAILED;
	}
	free(bdfs);
	/* once all have ended: a group's other members may have been in this very run */
	for (size_t i = 0; i < run->n_groups; i++)
		say_group_state(run->cli, run->groups[i].bdf, run->groups[i].group);
}

static int run_change(struct cli *cli, const char *cmd, struct change_opts *co, int n, char **args)
{
	struct targets t = { 0 };
	int code = cli_need_root(cli, cmd, co->dry_run);
	for (int i = 0; i < n && code == EXIT_OK; i++) {
		char bdf[VFIOADM_BDF_MAX];
		code = cli_parse_bdf(cmd, args[i], bdf);
		if (code == EXIT_OK)
			code = expand(cli, bdf, co->group, co->siblings, &t);
	}
	struct change_run run = { .cli = cli, .cmd = cmd, .bind = streq(cmd, "bind"), .co = co, .n = t.n };
	run.groups = calloc(t.n ? t.n : 1, sizeof(*run.groups));
	run.json = co->json ? calloc(t.n ? t.n : 1, sizeof(*run.json)) : NULL;
	if (code == EXIT_OK && (!run.groups || (co->json && !run.json))) {
		cli_error("out of memory");
		code = EXIT_FAILED;
	}
	if (code == EXIT_OK) {
		vfioadm_set_dry_run(cli->ctx, co->dry_run);
		if (co->dry_run)
			vfioadm_set_action_fn(cli->ctx, print_action, co->json ? stderr : stdout);
		code = cli_lock(cli, co->lock_timeout_ms) == EXIT_OK ? EXIT_OK : EXIT_FAILED;
	}
	if (code == EXIT_OK) {
		change_all(&run, &t);
		if (t.n > 1)
			fprintf(co->json ? stderr : stdout, "%zu of %zu %s%s%s\n", run.ok, t.n, co->dry_run ? "would be " : "",
			       run.bind ? "bound" : "released", run.ok == t.n ? "" : "; the others were left as they were");
		if (run.json) {
			struct json_object *a = json_object_new_array();
			for (size_t i = 0; i < t.n; i++)
				json_object_array_add(a, run.json[i]);
			json_print(a);
		}
		vfioadm_unlock(cli->ctx);
		code = run.code;
	}
	free(run.json);
	free(run.groups);
	free(t.v);
	return code;
}

static const char *const bind_usage[] = {
	"Usage: vfioadm bind [--driver NAME | --generic] [--group | --siblings] [--force]",
	"                    [--dry-run] [--timeout SEC] [--jobs N] [--json] BDF…",
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
	"  --jobs N        transactions at a time: the kernel's waits overlap (default 8)",
	"  --json          a JSON array of results",
	"  --persist       also record it in /etc/vfioadm.d/50-vfioadm.conf (kept at boot)",
	"  --set SPEC      provision a VF first (mac=…,vlan=…,trust=on,migratable=on; see",
	"                  vfioadm-vf(8)): set after its host driver is unbound, before the",
	"                  VFIO driver probes; the old values come back at release",
	NULL,
};

static const char *const unbind_usage[] = {
	"Usage: vfioadm unbind [--force] [--dry-run] [--timeout SEC] [--jobs N] [--json] BDF…",
	"",
	"Give each function back to the host: restore what its journal recorded (the",
	"driver and driver_override it had before 'vfioadm bind'), or with no journal",
	"clear driver_override and let the kernel's default driver probe. Recovers the",
	"journal of a run that was interrupted. Options as for bind.",
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
		{ "persist", no_argument, NULL, 'p' },      { "jobs", required_argument, NULL, 'J' },
		{ "set", required_argument, NULL, 's' },    { "help", no_argument, NULL, 'h' },         {},
	};
	struct vfioadm_vf_setting vf;
	const char *cmd = is_bind ? "bind" : "unbind";
	struct change_opts co = { .lock_timeout_ms = CLI_LOCK_TIMEOUT_MS };
	int c;
	while ((c = getopt_long(argc, argv, "hfn", opts, NULL)) != -1) {
		if (!is_bind && strchr("dgGSs", c))
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
		case 's':
			if (cli_parse_vf_set(cmd, optarg, false, &vf))
				return EXIT_USAGE;
			co.b.vf = &vf;
			co.b.n_vf = 1;
			break;
		case 'J': {
			char *end;
			long j = strtol(optarg, &end, 10);
			if (*end || !*optarg || j < 1 || j > 64)
				return cli_usage_error(cmd, "--jobs takes a number of transactions at a time, 1 to 64");
			co.b.jobs = (unsigned)j;
			break;
		}
		case 'h': cli_print_usage(is_bind ? bind_usage : unbind_usage); return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (co.b.match.driver && co.b.match.generic)
		return cli_usage_error(cmd, "--driver and --generic exclude each other");
	if (co.b.n_vf && co.persist)
		return cli_usage_error(cmd, "--set is not kept by --persist: put the attributes in a [vf PF INDEX] "
				       "section of /etc/vfioadm.conf (vfioadm.conf(5))");
	if (optind == argc)
		return cli_usage_error(cmd, "expected at least one BDF");
	return run_change(cli, cmd, &co, argc - optind, argv + optind);
}

static int run_bind(struct cli *cli, int argc, char **argv) { return run_bind_like(cli, argc, argv, true); }
static int run_unbind(struct cli *cli, int argc, char **argv) { return run_bind_like(cli, argc, argv, false); }

const struct cli_command cmd_bind = { "bind", run_bind, "move functions to their VFIO driver, transactionally", true };
const struct cli_command cmd_unbind = { "unbind", run_unbind, "give functions back to the host", true };
