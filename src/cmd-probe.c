/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vfioadm probe: what a VMM will see through a device's VFIO fd. */
#include <getopt.h>
#include <inttypes.h>
#include <linux/vfio.h>

#include "cli.h"

static const char *const probe_usage[] = {
	"Usage: vfioadm probe [--access auto|group|cdev] [--json] DEVICE",
	"",
	"Open a device the way a VMM does (no DMA mappings) and show",
	"what it exposes: device flags, every region (BARs, ROM, config space, VGA, device",
	"specific) with its size, its offset inside the fd and its capabilities, every IRQ",
	"index with its count, and device features (migration, DMA dirty logging, low power).",
	"DEVICE is a BDF bound to a VFIO driver or an mdev UUID. Opening a device may reset",
	"it: vfioadm refuses while the group is not viable or anyone holds it open.",
	"",
	"  --access auto   the device cdev where the kernel has one, else the group (default)",
	"  --access group  VFIO container + group (VFIO_GROUP_GET_DEVICE_FD)",
	"  --access cdev   /dev/vfio/devices/vfioX bound to /dev/iommu (Linux 6.6+)",
	"  --json          the report as JSON",
	NULL,
};

struct flag_name {
	uint64_t bit;
	const char *name;
};

static const struct flag_name device_flags[] = {
	{ VFIO_DEVICE_FLAGS_RESET, "reset" }, { VFIO_DEVICE_FLAGS_PCI, "pci" },
	{ VFIO_DEVICE_FLAGS_PLATFORM, "platform" }, { VFIO_DEVICE_FLAGS_AMBA, "amba" },
	{ VFIO_DEVICE_FLAGS_CCW, "ccw" }, { VFIO_DEVICE_FLAGS_AP, "ap" },
	{ VFIO_DEVICE_FLAGS_FSL_MC, "fsl-mc" }, { VFIO_DEVICE_FLAGS_CAPS, "caps" }, { 0, NULL },
};
static const struct flag_name irq_flags[] = {
	{ VFIO_IRQ_INFO_EVENTFD, "eventfd" }, { VFIO_IRQ_INFO_MASKABLE, "maskable" },
	{ VFIO_IRQ_INFO_AUTOMASKED, "automasked" }, { VFIO_IRQ_INFO_NORESIZE, "noresize" }, { 0, NULL },
};
static const struct flag_name migration_flags[] = {
	{ VFIO_MIGRATION_STOP_COPY, "stop_copy" }, { VFIO_MIGRATION_P2P, "p2p" },
	{ 1 << 2, "pre_copy" }, { 0, NULL },
};

static struct json_object *json_flags(uint64_t flags, const struct flag_name *names)
{
	struct json_object *a = json_object_new_array();
	for (; names->name; names++)
		if (flags & names->bit)
			json_object_array_add(a, json_object_new_string(names->name));
	return a;
}

static void text_flags(uint64_t flags, const struct flag_name *names, char *buf, size_t size)
{
	buf[0] = '\0';
	for (; names->name; names++)
		if (flags & names->bit)
			snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", buf[0] ? "," : "", names->name);
	if (!buf[0])
		snprintf(buf, size, "-");
}

static struct json_object *json_u64(uint64_t v)
{
	return json_object_new_int64((int64_t)v);
}

static struct json_object *json_region(const struct vfioadm_region *r)
{
	struct json_object *o = json_object_new_object(), *caps = json_object_new_object();
	json_object_object_add(o, "index", json_object_new_int((int)r->index));
	json_object_object_add(o, "name", json_object_new_string(r->name));
	json_object_object_add(o, "size", json_u64(r->size));
	json_object_object_add(o, "offset", json_u64(r->offset));
	json_object_object_add(o, "read", json_object_new_boolean(r->read));
	json_object_object_add(o, "write", json_object_new_boolean(r->write));
	json_object_object_add(o, "mmap", json_object_new_boolean(r->mmap));
	struct json_object *sparse = r->sparse ? json_object_new_array() : NULL;
	for (size_t i = 0; i < r->n_sparse; i++) {
		struct json_object *a = json_object_new_object();
		json_object_object_add(a, "offset", json_u64(r->sparse[i].offset));
		json_object_object_add(a, "size", json_u64(r->sparse[i].size));
		json_object_array_add(sparse, a);
	}
	json_object_object_add(caps, "sparse_mmap", sparse);
	json_object_object_add(caps, "msix_mappable", json_object_new_boolean(r->msix_mappable));
	struct json_object *type = NULL;
	if (r->has_type) {
		type = json_object_new_object();
		json_object_object_add(type, "type", json_object_new_int64(r->type));
		json_object_object_add(type, "subtype", json_object_new_int64(r->subtype));
	}
	json_object_object_add(caps, "type", type);
	json_object_object_add(o, "caps", caps);
	return o;
}

static struct json_object *json_probe(const struct vfioadm_probe *p)
{
	struct json_object *o = json_object_new_object(), *dev = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string(p->device));
	json_object_object_add(o, "access", json_object_new_string(p->access));
	json_object_object_add(o, "iommu_group", json_object_new_int(p->iommu_group));
	json_object_object_add(dev, "flags", json_flags(p->flags, device_flags));
	json_object_object_add(dev, "num_regions", json_object_new_int((int)p->num_regions));
	json_object_object_add(dev, "num_irqs", json_object_new_int((int)p->num_irqs));
	json_object_object_add(o, "device", dev);
	struct json_object *regions = json_object_new_array(), *irqs = json_object_new_array();
	for (uint32_t i = 0; i < p->num_regions; i++)
		json_object_array_add(regions, json_region(&p->regions[i]));
	for (uint32_t i = 0; i < p->num_irqs; i++) {
		struct json_object *q = json_object_new_object();
		json_object_object_add(q, "index", json_object_new_int((int)p->irqs[i].index));
		json_object_object_add(q, "name", json_object_new_string(p->irqs[i].name));
		json_object_object_add(q, "count", json_object_new_int64(p->irqs[i].count));
		json_object_object_add(q, "flags", json_flags(p->irqs[i].flags, irq_flags));
		json_object_array_add(irqs, q);
	}
	json_object_object_add(o, "regions", regions);
	json_object_object_add(o, "irqs", irqs);
	struct json_object *f = json_object_new_object(), *mig = NULL;
	if (p->migration) {
		mig = json_object_new_object();
		json_object_object_add(mig, "flags", json_flags(p->migration_flags, migration_flags));
	}
	json_object_object_add(f, "migration", mig);
	json_object_object_add(f, "dma_logging", json_object_new_boolean(p->dma_logging));
	json_object_object_add(f, "low_power", json_object_new_boolean(p->low_power));
	json_object_object_add(o, "features", f);
	return o;
}

static void print_probe(const struct vfioadm_probe *p)
{
	char buf[128];
	text_flags(p->flags, device_flags, buf, sizeof(buf));
	printf("%s: via VFIO %s access, IOMMU group %d\n  flags %s, %u regions, %u IRQ indexes\n",
	       p->device, p->access, p->iommu_group, buf, p->num_regions, p->num_irqs);
	printf("  %-5s %-10s %12s %18s  %-4s %s\n", "INDEX", "REGION", "SIZE", "OFFSET", "RWM", "CAPS");
	for (uint32_t i = 0; i < p->num_regions; i++) {
		const struct vfioadm_region *r = &p->regions[i];
		char caps[96] = "";
		if (r->n_sparse)
			snprintf(caps, sizeof(caps), "sparse-mmap %zu areas ", r->n_sparse);
		if (r->msix_mappable)
			strcat(caps, "msix-mappable ");
		printf("  %-5u %-10s %12" PRIu64 " %#18" PRIx64 "  %c%c%c  %s\n", r->index, r->name, r->size,
		       r->offset, r->read ? 'r' : '-', r->write ? 'w' : '-', r->mmap ? 'm' : '-', caps);
	}
	for (uint32_t i = 0; i < p->num_irqs; i++) {
		text_flags(p->irqs[i].flags, irq_flags, buf, sizeof(buf));
		printf("  irq %-3u %-6s count %-4u %s\n", p->irqs[i].index, p->irqs[i].name, p->irqs[i].count, buf);
	}
	text_flags(p->migration_flags, migration_flags, buf, sizeof(buf));
	printf("  migration: %s\n  dma dirty logging: %s\n  low-power entry: %s\n",
	       p->migration ? buf : "not supported", p->dma_logging ? "supported" : "not supported",
	       p->low_power ? "supported" : "not supported");
}

static int probe_error(const char *dev, int r, struct vfioadm_report *refusal)
{
	switch (-r) {
	case ENXIO:
		cli_error("%s is not on a VFIO driver: 'vfioadm bind %s' puts it there", dev, dev);
		return EXIT_FAILED;
	case ENODEV:
		cli_error("%s: no such device (see 'vfioadm list' or 'vfioadm mdev list')", dev);
		return EXIT_FAILED;
	case EBUSY:
		for (size_t i = 0; refusal && i < refusal->n; i++)
			print_blocker(&refusal->v[i], -1);
		if (!refusal || !refusal->n)
			cli_error("%s: the kernel says its group or device is in use (EBUSY): another VMM or "
				  "process has it open", dev);
		cli_error("%s: refused: opening it would fail or disturb its user", dev);
		return EXIT_REFUSED;
	case EOPNOTSUPP:
		cli_error("%s: this kernel gives it no VFIO device cdev (that needs Linux 6.6+ built with "
			  "CONFIG_VFIO_DEVICE_CDEV and CONFIG_IOMMUFD, and /dev/iommu): use --access group", dev);
		return EXIT_FAILED;
	case EPERM:
	case EACCES:
		cli_error("%s: the kernel refused access to /dev/vfio (%s): run as root, or as the owner of "
			  "the group node", dev, cli_strerror(r));
		return EXIT_FAILED;
	default:
		cli_error("%s: %s", dev, cli_strerror(r));
		return EXIT_FAILED;
	}
}

static int parse_access(const char *arg, enum vfioadm_access *ret)
{
	static const char *const names[] = {
		[VFIOADM_ACCESS_AUTO] = "auto", [VFIOADM_ACCESS_GROUP] = "group", [VFIOADM_ACCESS_CDEV] = "cdev",
	};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (streq(arg, names[i])) {
			*ret = (enum vfioadm_access)i;
			return EXIT_OK;
		}
	return cli_usage_error("probe", "--access takes auto, group or cdev, not '%s'", arg);
}

static int run_probe(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "access", required_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	bool json = false;
	enum vfioadm_access access = VFIOADM_ACCESS_AUTO;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (parse_access(optarg, &access) != EXIT_OK)
				return EXIT_USAGE;
			break;
		case 'j': json = true; break;
		case 'h': cli_print_usage(probe_usage); return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (argc - optind != 1)
		return cli_usage_error("probe", "expected exactly one BDF or mdev UUID");
	const char *dev = argv[optind];
	char bdf[VFIOADM_BDF_MAX];
	if (!vfioadm_uuid_valid(dev) && vfioadm_bdf_normalize(dev, bdf) < 0)
		return cli_usage_error("probe", "'%s' is neither a PCI address (0000:01:00.0, 01:00.0) "
				       "nor an mdev UUID", dev);
	if (!vfioadm_uuid_valid(dev))
		dev = bdf; /* messages use the kernel's form */
	struct vfioadm_probe *p = NULL;
	struct vfioadm_report *refusal = NULL;
	int r = vfioadm_probe_device_via(cli->ctx, dev, access, &p, &refusal);
	int code = EXIT_OK;
	if (r < 0)
		code = probe_error(dev, r, refusal);
	else if (json)
		json_print(json_probe(p));
	else
		print_probe(p);
	vfioadm_report_free(refusal);
	vfioadm_probe_free(p);
	return code;
}

const struct cli_command cmd_probe = { "probe", run_probe, "show what a device's VFIO fd exposes", false };
