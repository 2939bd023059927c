/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vfioadm check: is a function's IOMMU group usable through VFIO, and if not, what blocks it. */
#include <getopt.h>

#include "cli.h"

static const char *const check_usage[] = {
	"Usage: vfioadm check [--json] [--no-trial] BDF…",
	"       vfioadm check [--json] [--no-trial] --group N",
	"",
	"The viability report QEMU and libvirt do not give: every member of the IOMMU group on",
	"a driver that uses the DMA API (so the group cannot be opened), every process holding",
	"the group or a member's VFIO device open, no IOMMU, noiommu mode, a function bound to",
	"no driver, and journals left by interrupted runs. Exit 0 when usable, 3 when not.",
	"Warnings (usable all the same): a member no reset method resets (its state carries",
	"over between VMs), one only a bus reset resets (and which others that reset hits).",
	"",
	"A usable group is then tried as a VMM tries it (as root): container, group and type1",
	"IOMMU set, and on cdev hosts each member bound to an iommufd and attached to an IOAS;",
	"then everything is undone. The kernel refuses there what sysfs does not show, such as",
	"a host without interrupt remapping. Binding a cdev opens the device, which may reset",
	"it; --no-trial only reads.",
	NULL,
};

struct check_target {
	char bdf[VFIOADM_BDF_MAX]; /* "" for --group */
	int group;
	int trial_rc;              /* vfioadm_try_group()'s; 1: not tried (not viable, --no-trial) */
	struct vfioadm_trial trial;
};

/* Append a copy of one blocker (the report owns its array). */
static void report_copy(struct vfioadm_report *r, const struct vfioadm_blocker *b)
{
	struct vfioadm_blocker *v = reallocarray(r->v, r->n + 1, sizeof(*v));
	if (!v)
		return;
	r->v = v;
	v[r->n++] = *b;
}


/* Collect everything that stands between the target and a usable VFIO group. */
static int check_one(struct cli *cli, struct check_target *t, struct vfioadm_report **ret)
{
	struct vfioadm_report *r = NULL;
	int rr;
	if (t->bdf[0]) {
		struct vfioadm_device *dev;
		rr = vfioadm_device_read(cli->ctx, t->bdf, VFIOADM_FILL_BASIC, &dev);
		if (rr < 0)
			return rr;
		const struct vfioadm_device_info *info = vfioadm_device_get_info(dev);
		t->group = info->iommu_group;
		bool unbound = !info->driver[0];
		vfioadm_device_free(dev);
		if (t->group < 0) {
			if (!(r = calloc(1, sizeof(*r))))
				return -ENOMEM;
			struct vfioadm_blocker b = { .kind = VFIOADM_BLOCK_NO_IOMMU };
			strscpy(b.subject, sizeof(b.subject), t->bdf);
			report_copy(r, &b);
			*ret = r;
			return 0;
		}
		if ((rr = vfioadm_check_group(cli->ctx, t->group, 0, &r)) < 0)
			return rr;
		if (unbound) {
			struct vfioadm_blocker b = { .kind = VFIOADM_BLOCK_UNBOUND };
			strscpy(b.subject, sizeof(b.subject), t->bdf);
			report_copy(r, &b);
		}
	} else if ((rr = vfioadm_check_group(cli->ctx, t->group, 0, &r)) < 0) {
		return rr;
	}
	*ret = r;
	return 0;
}

/* How a VMM will reset the group's functions: warnings, the group stays usable. */
static void add_reset_warnings(struct cli *cli, int group, struct vfioadm_report *r)
{
	struct vfioadm_report *w = NULL;
	if (group < 0 || vfioadm_check_reset(cli->ctx, group, &w) < 0)
		return;
	for (size_t k = 0; k < w->n; k++)
		report_copy(r, &w->v[k]);
	vfioadm_report_free(w);
}

/* Ask the kernel (vfioadm_try_group()); a refusal joins the report as a blocker. */
static void run_trial(struct cli *cli, struct check_target *t, struct vfioadm_report *r)
{
	t->trial_rc = vfioadm_try_group(cli->ctx, t->group, &t->trial);
	if (t->trial_rc < 0 || !t->trial.err)
		return;
	struct vfioadm_blocker b = { .kind = t->trial.no_intremap ? VFIOADM_BLOCK_NO_INTREMAP : VFIOADM_BLOCK_TRIAL };
	strscpy(b.subject, sizeof(b.subject), t->trial.node);
	snprintf(b.detail, sizeof(b.detail), "%s: %s", t->trial.step, strerror(t->trial.err));
	report_copy(r, &b);
}

/* Why the kernel was not asked, for the verdict line and --json; NULL when it was. */
static const char *trial_skipped(const struct check_target *t)
{
	switch (t->trial_rc) {
	case 0: return NULL;
	case 1: return "--no-trial";
	case -ENOENT: return "no member is on a VFIO driver";
	case -EACCES: case -EPERM: return "only root may open the group";
	case -EBUSY: return "another process opened the group meanwhile";
	case -EOPNOTSUPP: return "a captured tree (--root) has no kernel to ask";
	default: return cli_strerror(t->trial_rc);
	}
}

static struct json_object *json_trial(const struct check_target *t)
{
	struct json_object *o = json_object_new_object();
	const char *skipped = trial_skipped(t);
	json_object_object_add(o, "tried", json_object_new_boolean(!skipped));
	if (skipped) {
		json_object_object_add(o, "reason", json_object_new_string(skipped));
		return o;
	}
	json_object_object_add(o, "accepted", json_object_new_boolean(!t->trial.err));
	json_object_object_add(o, "access", json_object_new_string(t->trial.cdev_tried ? "group+cdev" : "group"));
	if (t->trial.err) {
		json_object_object_add(o, "step", json_object_new_string(t->trial.step));
		json_object_object_add(o, "node", json_object_new_string(t->trial.node));
		json_object_object_add(o, "errno", json_object_new_int(t->trial.err));
		json_object_object_add(o, "no_intremap", json_object_new_boolean(t->trial.no_intremap));
	}
	return o;
}

static void print_verdict(const struct check_target *t, bool noiommu)
{
	const char *skipped = trial_skipped(t);
	printf("%s%sgroup %d: usable through VFIO", t->bdf, t->bdf[0] ? ": " : "", t->group);
	if (noiommu)
		printf(" without isolation: by user-space drivers (DPDK, SPDK), not by a VMM such as QEMU\n");
	else if (!skipped)
		printf(" (the kernel accepted a trial attach: %s)\n",
		       t->trial.cdev_tried ? "type1 container and iommufd" : "type1 container");
	else
		printf(" (read from sysfs; the kernel was not asked: %s)\n", skipped);
}

static int run_check(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "group", required_argument, NULL, 'g' },
		{ "json", no_argument, NULL, 'j' },
		{ "no-trial", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	bool json = false, no_trial = false;
	int group = -1, c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'g': {
			char *end;
			long g = strtol(optarg, &end, 10);
			if (*end || !*optarg || g < 0 || g > 1000000)
				return cli_usage_error("check", "'%s' is not an IOMMU group number", optarg);
			group = (int)g;
			break;
		}
		case 'j': json = true; break;
		case 'n': no_trial = true; break;
		case 'h': cli_print_usage(check_usage); return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	int n = argc - optind;
	if ((group >= 0) == (n > 0))
		return cli_usage_error("check", "give BDFs or --group N (one of them)");
	struct check_target *t = calloc(n > 0 ? (size_t)n : 1, sizeof(*t));
	if (!t)
		return EXIT_FAILED;
	if (group >= 0)
		t[0].group = group, n = 1;
	for (int i = 0; group < 0 && i < n; i++)
		if (cli_parse_bdf("check", argv[optind + i], t[i].bdf)) {
			free(t);
			return EXIT_USAGE;
		}
	struct vfioadm_report *journals = NULL;
	vfioadm_leftover_journals(cli->ctx, &journals);
	struct json_object *out = json ? json_object_new_array() : NULL;
	int code = EXIT_OK;
	for (int i = 0; i < n; i++) {
		struct vfioadm_report *r = NULL;
		int rr = check_one(cli, &t[i], &r);
		if (rr < 0) {
			cli_error("%s: %s", t[i].bdf[0] ? t[i].bdf : "group",
				  rr == -ENODEV ? "no such PCI device (see 'vfioadm list')" :
				  rr == -ENOENT ? "no such IOMMU group" : cli_strerror(rr));
			code = EXIT_FAILED;
			continue;
		}
		for (size_t k = 0; journals && k < journals->n; k++) {
			const struct vfioadm_blocker *b = &journals->v[k];
			char named[VFIOADM_BDF_MAX];
			/* a corrupt journal whose name is no device's may be anyone's: shown for all */
			bool anyones = b->kind == VFIOADM_BLOCK_JOURNAL_CORRUPT &&
				       vfioadm_bdf_normalize(b->subject, named) < 0;
			if (!t[i].bdf[0] || anyones || streq(b->subject, t[i].bdf))
				report_copy(r, b);
		}
		add_reset_warnings(cli, t[i].group, r);
		t[i].trial_rc = 1;
		if (!no_trial && t[i].group >= 0 && vfioadm_report_viable(r))
			run_trial(cli, &t[i], r);
		if (t[i].trial_rc < 0 || (t[i].trial_rc == 1 && t[i].group >= 0))
			/* not tried, but readable: without interrupt remapping (and no override) the
			 * kernel refuses the group whoever asks; the blocker says it was read */
			(void)vfioadm_report_intremap(cli->ctx, r);
		bool viable = vfioadm_report_viable(r), noiommu = false;
		for (size_t k = 0; k < r->n; k++)
			noiommu |= r->v[k].kind == VFIOADM_BLOCK_NOIOMMU_MODE;
		if (json) {
			struct json_object *o = json_object_new_object();
			json_object_object_add(o, "bdf", t[i].bdf[0] ? json_object_new_string(t[i].bdf) : NULL);
			json_object_object_add(o, "iommu_group", t[i].group >= 0 ? json_object_new_int(t[i].group) : NULL);
			json_object_object_add(o, "noiommu", json_object_new_boolean(noiommu));
			json_object_object_add(o, "viable", json_object_new_boolean(viable));
			/* a VMM needs an IOMMU: a noiommu group is for user-space drivers only */
			json_object_object_add(o, "vmm_usable", json_object_new_boolean(viable && !noiommu));
			json_object_object_add(o, "trial", json_trial(&t[i]));
			json_object_object_add(o, "blockers", json_report_array(r));
			json_object_array_add(out, o);
		} else {
			for (size_t k = 0; k < r->n; k++)
				print_blocker(&r->v[k], t[i].group);
			if (viable)
				print_verdict(&t[i], noiommu);
		}
		if (!viable && code == EXIT_OK)
			code = EXIT_REFUSED;
		vfioadm_report_free(r);
	}
	if (out)
		json_print(out);
	vfioadm_report_free(journals);
	free(t);
	return code;
}

const struct cli_command cmd_check = { "check", run_check, "say whether an IOMMU group is usable, and what blocks it", false };
