/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vfioadm list / show: the device inventory. */
#include <fnmatch.h>
#include <getopt.h>

#include "cli.h"

struct list_filter {
	bool vfio_only;
	int base_class;          /* -1: any */
	const char *driver;      /* NULL: any; "none": unbound */
	char **globs;
	int n_globs;
};

static const char *const list_usage[] = {
	"Usage: vfioadm list [--vfio] [--class NAME] [--driver NAME] [--json] [BDF-GLOB…]",
	"       vfioadm list --format dra [--probe] [--class NAME] [--driver NAME] [BDF-GLOB…]",
	"",
	"One row per PCI function, sorted by address: class, ids, driver, IOMMU group,",
	"VFIO state and SR-IOV role.",
	"",
	"  --vfio          only functions bound to a VFIO driver",
	"  --class NAME    only this class: storage net display multimedia memory bridge",
	"                  comm system input serial wireless crypto accel … other",
	"  --driver NAME   only functions bound to NAME ('none': unbound ones)",
	"  --json          a JSON array (keys: vfioadm(8), JSON OUTPUT)",
	"  --format dra    the functions usable through VFIO as the devices of a Kubernetes",
	"                  DRA ResourceSlice: name and typed attributes (vfioadm-list(8))",
	"  --probe         with --format dra: open each free device to publish whether it is",
	"                  migratable (root; opening a device may reset it)",
	"  BDF-GLOB        shell patterns on the address: '0000:3b:*', '01:00.*'",
	NULL,
};

static bool glob_matches(const char *glob, const char *bdf)
{
	/* lspci's short form (no domain) means domain 0000. */
	size_t colons = 0;
	for (const char *p = glob; *p; p++)
		colons += *p == ':';
	if (colons < 2)
		return startswith(bdf, "0000:") && fnmatch(glob, bdf + 5, FNM_CASEFOLD) == 0;
	return fnmatch(glob, bdf, FNM_CASEFOLD) == 0;
}

static bool filter_matches(const struct list_filter *f, const struct vfioadm_device_info *info)
{
	if (f->vfio_only && !info->vfio.bound)
		return false;
	if (f->base_class >= 0 && info->ids.base_class != f->base_class)
		return false;
	if (f->driver && !streq(f->driver, streq(f->driver, "none") ? (info->driver[0] ? "x" : "none")
								       : info->driver))
		return false;
	if (f->n_globs == 0)
		return true;
	for (int i = 0; i < f->n_globs; i++)
		if (glob_matches(f->globs[i], info->bdf))
			return true;
	return false;
}

static int check_glob(const char *glob)
{
	for (const char *p = glob; *p; p++)
		if (!strchr("0123456789abcdefABCDEF:.*?[]-!", *p))
			return cli_usage_error("list", "'%s' is not a PCI address pattern", glob);
	return 0;
}

/* The recommended VFIO driver, or NULL; a failure is reported once, not per device. */
static struct vfioadm_match *recommend(struct cli *cli, const struct vfioadm_device_info *info,
				       bool *warned)
{
	struct vfioadm_match *m;
	int r = vfioadm_match(cli->ctx, info->modalias, NULL, &m);
	if (r >= 0)
		return m;
	if (!*warned && (r == -ENOENT || r == -ENOPKG))
		cli_warn("no VFIO driver recommendations (vfio_driver is null): %s %s/lib/modules/%s",
			 r == -ENOENT ? "no module directory" : "no vfio-pci in",
			 streq(vfioadm_get_root(cli->ctx), "/") ? "" : vfioadm_get_root(cli->ctx),
			 vfioadm_kernel_release(cli->ctx));
	else if (!*warned && r == -EBADMSG)
		cli_warn("no VFIO driver recommendations (vfio_driver is null): a module index is corrupt");
	else if (!*warned && r != -EINVAL)
		cli_warn("no VFIO driver recommendations (vfio_driver is null): %s", cli_strerror(r));
	*warned = true;
	return NULL;
}

/* Transactions in flight or whose way back is lost: the first thing an admin looks at says so. */
static void warn_journals(struct cli *cli)
{
	struct vfioadm_report *j = NULL;
	if (vfioadm_leftover_journals(cli->ctx, &j) < 0)
		return;
	for (size_t k = 0; k < j->n; k++)
		if (j->v[k].kind == VFIOADM_BLOCK_JOURNAL_CORRUPT)
			cli_warn("journal /run/vfioadm/journal/%s is %s: see 'vfioadm check'", j->v[k].subject,
				 j->v[k].detail);
		else
			cli_warn("%s: an interrupted vfioadm run left a journal (it was on %s): see 'vfioadm check %s'",
				 j->v[k].subject, j->v[k].detail[0] ? j->v[k].detail : "no driver", j->v[k].subject);
	vfioadm_report_free(j);
}

static int list_dra(struct cli *cli, const struct list_filter *f, bool probe)
{
	struct dra_out *d = dra_begin(cli, probe);
	if (!d)
		return EXIT_FAILED;
	struct vfioadm_device *dev;
	vfioadm_for_each_device(dev, cli->ctx) {
		const struct vfioadm_device_info *info = vfioadm_device_get_info(dev);
		if (filter_matches(f, info))
			dra_add(d, info);
	}
	warn_journals(cli);
	return dra_end(d);
}

static int run_list(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "vfio", no_argument, NULL, 'V' },
		{ "class", required_argument, NULL, 'c' },
		{ "driver", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "format", required_argument, NULL, 'f' },
		{ "probe", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct list_filter f = { .base_class = -1 };
	bool json = false, dra = false, probe = false;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'V': f.vfio_only = true; break;
		case 'c':
			f.base_class = vfioadm_class_from_short_name(optarg);
			if (f.base_class < 0)
				return cli_usage_error("list", "unknown class '%s'", optarg);
			break;
		case 'd': f.driver = optarg; break;
		case 'j': json = true; break;
		case 'f':
			if (!streq(optarg, "dra"))
				return cli_usage_error("list", "--format takes dra, not '%s' (--json is the JSON array)", optarg);
			dra = true;
			break;
		case 'p': probe = true; break;
		case 'h': cli_print_usage(list_usage); return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (probe && !dra)
		return cli_usage_error("list", "--probe goes with --format dra");
	if (dra && json)
		return cli_usage_error("list", "--format dra is JSON already: drop --json");
	f.globs = argv + optind;
	f.n_globs = argc - optind;
	for (int i = 0; i < f.n_globs; i++)
		if (check_glob(f.globs[i]))
			return EXIT_USAGE;

	int r = vfioadm_scan(cli->ctx, VFIOADM_FILL_BASIC);
	if (r < 0) {
		cli_error("cannot read the PCI devices under '%s': %s", vfioadm_get_root(cli->ctx), cli_strerror(r));
		return EXIT_FAILED;
	}
	struct vfioadm_device *dev;
	if (dra)
		return list_dra(cli, &f, probe);
	if (json)
		json_array_begin();
	else
		print_list_header();
	bool warned = false;
	vfioadm_for_each_device(dev, cli->ctx) {
		const struct vfioadm_device_info *info = vfioadm_device_get_info(dev);
		if (!filter_matches(&f, info))
			continue;
		struct vfioadm_match *m = recommend(cli, info, &warned);
		if (json)
			json_array_item(json_device_obj(info, m, false));
		else
			print_list_row(info, m);
		vfioadm_match_free(m);
	}
	if (json)
		json_array_end();
	warn_journals(cli);
	return EXIT_OK;
}

static const char *const show_usage[] = {
	"Usage: vfioadm show [--json] BDF",
	"       vfioadm show [--json] --for qemu|qemu-iommufd|libvirt BDF",
	"",
	"Everything about one PCI function: ids and names, modalias, driver and module,",
	"driver_override, NUMA node, reset methods, IOMMU group and its members, VFIO state,",
	"SR-IOV (PF: its VFs; VF: its PF), mediated-device types.",
	"",
	"  BDF            0000:01:00.0 or lspci's short 01:00.0",
	"  --json         one JSON object (keys: vfioadm(8), JSON OUTPUT)",
	"  --for CONSUMER what opens the function in a VMM: QEMU's arguments ('qemu': the",
	"                 VFIO group; 'qemu-iommufd': the device cdev, QEMU >= 8.2) or",
	"                 libvirt's <hostdev> element. Only for a function on a VFIO driver",
	"                 whose group a VMM can open now (as 'vfioadm check' says); else exit 3",
	NULL,
};

/* A PF's VFs as the kernel reports their attributes (vfioadm-vf(8)): one entry per VF in
 * index order, null where it cannot be told (under --root, no netdev or devlink) */
static struct json_object *vf_attributes(struct cli *cli, const struct vfioadm_device_info *info, bool print)
{
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < info->sriov.n_vfs; i++) {
		struct vfioadm_vf_attrs at;
		char why[256], spec[512];
		bool ok = vfioadm_vf_attrs_get(cli->ctx, info->bdf, (unsigned)i, &at, why, sizeof(why)) == 0;
		json_object_array_add(a, ok ? json_vf_attrs(&at) : NULL);
		if (ok && print && vfioadm_vf_attrs_format(&at, spec, sizeof(spec)) > 0)
			cli_printf_escaped(stdout, "  vf %zu attributes:   %s", i, spec);
	}
	return a;
}

static int run_show(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "for", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	bool json = false;
	const char *consumer = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'f': consumer = optarg; break;
		case 'h': cli_print_usage(show_usage); return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (argc - optind != 1)
		return cli_usage_error("show", "expected exactly one BDF");
	const char *arg = argv[optind];
	char bdf[VFIOADM_BDF_MAX];
	if (cli_parse_bdf("show", arg, bdf))
		return EXIT_USAGE;
	if (consumer)
		return cli_handoff(cli, bdf, consumer, json);

	struct vfioadm_device *dev;
	int r = vfioadm_device_read(cli->ctx, bdf, VFIOADM_FILL_DETAIL, &dev);
	if (r == -ENODEV) {
		cli_error("%s: no such PCI device (see 'vfioadm list')", bdf);
		return EXIT_FAILED;
	}
	if (r == -EXDEV) {
		cli_error("%s: its sysfs link leads outside the root '%s'; refusing to follow it",
			  bdf, vfioadm_get_root(cli->ctx));
		return EXIT_FAILED;
	}
	if (r < 0) {
		cli_error("%s: cannot read the device: %s", bdf, cli_strerror(r));
		return EXIT_FAILED;
	}
	const struct vfioadm_device_info *info = vfioadm_device_get_info(dev);
	bool warned = false;
	struct vfioadm_match *m = recommend(cli, info, &warned);
	bool pf = info->sriov.role == VFIOADM_SRIOV_PF && info->sriov.n_vfs;
	if (json) {
		struct json_object *o = json_device_obj(info, m, true), *sriov = json_object_object_get(o, "sriov");
		if (pf && sriov)
			json_object_object_add(sriov, "vf_attributes", vf_attributes(cli, info, false));
		json_print(o);
	} else {
		print_device_text(info, m);
		if (pf)
			json_object_put(vf_attributes(cli, info, true));
	}
	vfioadm_match_free(m);
	vfioadm_device_free(dev);
	return EXIT_OK;
}

const struct cli_command cmd_list = { "list", run_list, "list PCI functions and their VFIO state", false };
const struct cli_command cmd_show = { "show", run_show, "show everything about one PCI function", false };
