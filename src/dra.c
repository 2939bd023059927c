/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vfioadm list --format dra: the VFIO-usable functions as the devices of a Kubernetes DRA
 * ResourceSlice (resource.k8s.io/v1: name and typed attributes), so that a DRA driver can
 * publish them as they are. The attribute names are a stable interface (vfioadm-list(8)).
 */
#include <errno.h>
#include <linux/vfio.h>

#include "cli.h"

#define DRA_DRIVER "vfioadm.io"

struct dra_group {
	int number;
	bool viable;
};

struct dra_out {
	struct cli *cli;
	bool probe;
	char kind[160];                  /* the CDI kind the devices' CDI ids name */
	struct json_object *devices;
	struct dra_group *groups;
	size_t n_groups;
};

/* Viable as the CDI spec counts it (members on VFIO drivers or none; holders do not matter:
 * a device a pod holds is still published, the scheduler tracks its allocation). */
static bool group_viable(struct dra_out *d, int group)
{
	for (size_t i = 0; i < d->n_groups; i++)
		if (d->groups[i].number == group)
			return d->groups[i].viable;
	struct vfioadm_report *r = NULL;
	bool viable = vfioadm_check_group(d->cli->ctx, group, VFIOADM_CHECK_NO_HOLDERS, &r) == 0 &&
		      vfioadm_report_viable(r);
	vfioadm_report_free(r);
	struct dra_group *g = reallocarray(d->groups, d->n_groups + 1, sizeof(*g));
	if (g) {
		d->groups = g;
		g[d->n_groups++] = (struct dra_group){ group, viable };
	}
	return viable;
}

static void attr(struct json_object *attrs, const char *name, const char *type, struct json_object *v)
{
	struct json_object *a = json_object_new_object();
	json_object_object_add(a, type, v);
	json_object_object_add(attrs, name, a);
}

static void attr_str(struct json_object *attrs, const char *name, const char *fmt, ...) _printf_(3, 4);
static void attr_str(struct json_object *attrs, const char *name, const char *fmt, ...)
{
	char buf[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	attr(attrs, name, "string", json_object_new_string(buf));
}

/* Migratable: the device answers VFIO_DEVICE_FEATURE_MIGRATION with stop-copy. Only asked with
 * --probe (opening a device may reset it); unknown (not published) when it cannot be opened. */
static void add_migratable(struct dra_out *d, struct json_object *attrs, const char *bdf)
{
	struct vfioadm_probe *p = NULL;
	struct vfioadm_report *refusal = NULL;
	if (vfioadm_probe_device(d->cli->ctx, bdf, &p, &refusal) == 0)
		attr(attrs, "migratable", "bool",
		     json_object_new_boolean(p->migration && (p->migration_flags & VFIO_MIGRATION_STOP_COPY)));
	vfioadm_probe_free(p);
	vfioadm_report_free(refusal);
}

static void add_attributes(struct dra_out *d, struct json_object *attrs,
			   const struct vfioadm_device_info *info)
{
	attr_str(attrs, "pciBusID", "%s", info->bdf);
	attr_str(attrs, "vendorID", "0x%04x", info->ids.vendor);
	attr_str(attrs, "deviceID", "0x%04x", info->ids.device);
	attr_str(attrs, "subsystemVendorID", "0x%04x", info->ids.subvendor);
	attr_str(attrs, "subsystemDeviceID", "0x%04x", info->ids.subdevice);
	attr_str(attrs, "class", "0x%06x", info->class_code);
	attr_str(attrs, "driver", "%s", info->driver);
	attr(attrs, "variant", "bool", json_object_new_boolean(!streq(info->driver, "vfio-pci")));
	attr(attrs, "iommuGroup", "int", json_object_new_int(info->iommu_group));
	if (info->numa_node >= 0)
		attr(attrs, "numaNode", "int", json_object_new_int(info->numa_node));
	attr_str(attrs, "sriovRole", "%s", info->sriov.role == VFIOADM_SRIOV_VF ? "vf" :
		 info->sriov.role == VFIOADM_SRIOV_PF ? "pf" : "none");
	if (info->sriov.role == VFIOADM_SRIOV_VF)
		attr_str(attrs, "pf", "%s", info->sriov.pf);
	attr(attrs, "cdev", "bool", json_object_new_boolean(info->vfio.cdev[0]));
	char name[VFIOADM_BDF_MAX];
	vfioadm_cdi_device_name(info->bdf, name);
	attr_str(attrs, "cdiDeviceID", "%s=%s", d->kind, name);
	if (d->probe)
		add_migratable(d, attrs, info->bdf);
}

struct dra_out *dra_begin(struct cli *cli, bool probe)
{
	struct dra_out *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->cli = cli;
	d->probe = probe;
	d->devices = json_object_new_array();
	strscpy(d->kind, sizeof(d->kind), VFIOADM_CDI_KIND);
	struct vfioadm_config *cfg = NULL;
	struct vfioadm_config_error err;
	if (vfioadm_config_load(cli->ctx, &cfg, &err) == 0 && cfg->cdi.kind[0])
		strscpy(d->kind, sizeof(d->kind), cfg->cdi.kind);
	vfioadm_config_free(cfg);
	return d;
}

void dra_add(struct dra_out *d, const struct vfioadm_device_info *info)
{
	/* what the CDI spec offers, and only that: its CDI id must resolve */
	if (!info->vfio.bound || info->iommu_group < 0 || !info->vfio.group_node[0] ||
	    strstr(info->vfio.group_node, "noiommu-") || !group_viable(d, info->iommu_group))
		return;
	/* a DRA device name is a DNS label: "pci-0000-02-00-0" */
	char name[VFIOADM_BDF_MAX + 4] = "pci-";
	for (size_t i = 0, n = 4; info->bdf[i] && n < sizeof(name) - 1; i++)
		name[n++] = (info->bdf[i] == ':' || info->bdf[i] == '.') ? '-' : info->bdf[i];
	struct json_object *dev = json_object_new_object(), *attrs = json_object_new_object();
	json_object_object_add(dev, "name", json_object_new_string(name));
	add_attributes(d, attrs, info);
	json_object_object_add(dev, "attributes", attrs);
	json_object_array_add(d->devices, dev);
}

int dra_end(struct dra_out *d)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "driver", json_object_new_string(DRA_DRIVER));
	json_object_object_add(o, "devices", d->devices);
	json_print(o);
	free(d->groups);
	free(d);
	return EXIT_OK;
}
