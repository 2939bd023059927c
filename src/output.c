/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Output: one JSON builder per object type, shared by every command that shows it, and the
 * text printers. The JSON shape is a contract (vfioadm(8), "JSON OUTPUT"): keys are added,
 * never renamed or retyped.
 */
#include <stdio.h>

#include "cli.h"

#define JSON_FLAGS (JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE)

static struct json_object *jstr_or_null(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

static struct json_object *jhex(unsigned v, int width)
{
	char buf[16];
	snprintf(buf, sizeof(buf), "%0*x", width, v);
	return json_object_new_string(buf);
}

static struct json_object *jint_or_null(int v)
{
	return v >= 0 ? json_object_new_int(v) : NULL;
}

static void add(struct json_object *o, const char *key, struct json_object *val)
{
	json_object_object_add(o, key, val);
}

static struct json_object *json_vfio_obj(const struct vfioadm_device_info *info)
{
	struct json_object *o = json_object_new_object();
	add(o, "bound", json_object_new_boolean(info->vfio.bound));
	add(o, "device", jstr_or_null(info->vfio.device));
	add(o, "group_node", jstr_or_null(info->vfio.group_node));
	add(o, "cdev", jstr_or_null(info->vfio.cdev));
	return o;
}

static struct json_object *json_sriov_obj(const struct vfioadm_device_info *info)
{
	if (info->sriov.role == VFIOADM_SRIOV_NONE)
		return NULL;
	struct json_object *o = json_object_new_object();
	if (info->sriov.role == VFIOADM_SRIOV_VF) {
		add(o, "role", json_object_new_string("vf"));
		add(o, "pf", json_object_new_string(info->sriov.pf));
		return o;
	}
	add(o, "role", json_object_new_string("pf"));
	add(o, "totalvfs", json_object_new_int((int)info->sriov.totalvfs));
	add(o, "numvfs", json_object_new_int((int)info->sriov.numvfs));
	add(o, "drivers_autoprobe", info->sriov.drivers_autoprobe >= 0 ?
	    json_object_new_boolean(info->sriov.drivers_autoprobe) : NULL);
	struct json_object *vfs = json_object_new_array();
	for (size_t i = 0; i < info->sriov.n_vfs; i++)
		json_object_array_add(vfs, json_object_new_string(info->sriov.vfs[i]));
	add(o, "vfs", vfs);
	return o;
}

static struct json_object *json_words_array(const char *s)
{
	struct json_object *a = json_object_new_array();
	char buf[256];
	strscpy(buf, sizeof(buf), s);
	for (char *save = NULL, *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
		json_object_array_add(a, json_object_new_string(w));
	return a;
}

static void add_detail(struct json_object *o, const struct vfioadm_device_info *info)
{
	struct json_object *sriov = json_object_object_get(o, "sriov");
	if (sriov && info->sriov.vf_drivers) {
		struct json_object *d = json_object_new_array();
		for (size_t i = 0; i < info->sriov.n_vfs; i++)
			json_object_array_add(d, jstr_or_null(info->sriov.vf_drivers[i]));
		add(sriov, "vf_drivers", d);
	}
	add(o, "revision", info->revision >= 0 ? jhex((unsigned)info->revision, 2) : NULL);
	add(o, "driver_module", jstr_or_null(info->driver_module));
	add(o, "reset_methods", json_words_array(info->reset_methods));
	struct json_object *members = json_object_new_array();
	for (size_t i = 0; i < info->n_group_members; i++) {
		struct json_object *m = json_object_new_object();
		add(m, "bdf", json_object_new_string(info->group_members[i].name));
		add(m, "driver", jstr_or_null(info->group_members[i].driver));
		json_object_array_add(members, m);
	}
	add(o, "group_members", members);
	struct json_object *types = json_object_new_array();
	for (size_t i = 0; i < info->n_mdev_types; i++) {
		const struct vfioadm_mdev_type *t = &info->mdev_types[i];
		struct json_object *m = json_object_new_object();
		add(m, "type", json_object_new_string(t->id));
		add(m, "name", jstr_or_null(t->name));
		add(m, "device_api", jstr_or_null(t->device_api));
		add(m, "description", jstr_or_null(t->description));
		add(m, "available_instances", jint_or_null(t->available_instances));
		json_object_array_add(types, m);
	}
	add(o, "mdev_types", types);
}

struct json_object *json_device_obj(const struct vfioadm_device_info *info,
				    const struct vfioadm_match *m, bool detail)
{
	const struct vfioadm_modalias *id = &info->ids;
	struct json_object *o = json_object_new_object();
	add(o, "bdf", json_object_new_string(info->bdf));
	add(o, "vendor_id", jhex(id->vendor, 4));
	add(o, "device_id", jhex(id->device, 4));
	add(o, "subsystem_vendor_id", jhex(id->subvendor, 4));
	add(o, "subsystem_device_id", jhex(id->subdevice, 4));
	add(o, "class", jhex(info->class_code, 6));
	add(o, "class_name", jstr_or_null(names_class(id->base_class, id->sub_class)));
	add(o, "vendor_name", jstr_or_null(names_vendor((uint16_t)id->vendor)));
	add(o, "device_name", jstr_or_null(names_device((uint16_t)id->vendor, (uint16_t)id->device)));
	add(o, "modalias", jstr_or_null(info->modalias));
	add(o, "driver", jstr_or_null(info->driver));
	add(o, "driver_override", info->has_driver_override ? json_object_new_string(info->driver_override) : NULL);
	add(o, "iommu_group", jint_or_null(info->iommu_group));
	add(o, "vfio", json_vfio_obj(info));
	add(o, "numa_node", jint_or_null(info->numa_node));
	add(o, "sriov", json_sriov_obj(info));
	add(o, "vfio_driver", m ? json_vfio_driver_obj(m) : NULL);
	if (detail)
		add_detail(o, info);
	return o;
}

int json_print(struct json_object *obj)
{
	puts(json_object_to_json_string_ext(obj, JSON_FLAGS));
	json_object_put(obj);
	return 0;
}

static bool array_first;

void json_array_begin(void)
{
	array_first = true;
	fputs("[", stdout);
}

void json_array_item(struct json_object *obj)
{
	fputs(array_first ? "\n" : ",\n", stdout);
	array_first = false;
	fputs(json_object_to_json_string_ext(obj, JSON_FLAGS), stdout);
	json_object_put(obj);
}

void json_array_end(void)
{
	fputs(array_first ? "]\n" : "\n]\n", stdout);
}

/* ---- text ---- */

static const char *dash(const char *s)
{
	return s && *s ? s : "-";
}

static void sriov_text(const struct vfioadm_device_info *info, char *buf, size_t size)
{
	switch (info->sriov.role) {
	case VFIOADM_SRIOV_PF:
		snprintf(buf, size, "pf %u/%u", info->sriov.numvfs, info->sriov.totalvfs);
		break;
	case VFIOADM_SRIOV_VF:
		snprintf(buf, size, "vf of %s", info->sriov.pf);
		break;
	default:
		snprintf(buf, size, "-");
	}
}

static void vfio_text(const struct vfioadm_device_info *info, char *buf, size_t size)
{
	if (!info->vfio.bound)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%s%s%s", dash(info->vfio.device),
			 info->vfio.group_node[0] ? " " : "", info->vfio.group_node);
}

void print_list_header(void)
{
	printf("%-12s  %-12s  %-9s  %-14s  %5s  %-20s  %-16s  %-16s  %s\n", "BDF", "CLASS", "ID",
	       "DRIVER", "GROUP", "VFIO", "SRIOV", "VFIO-DRIVER", "NAME");
}

void print_list_row(const struct vfioadm_device_info *info, const struct vfioadm_match *m)
{
	char id[16], group[16], vfio[80], sriov[48];
	snprintf(id, sizeof(id), "%04x:%04x", info->ids.vendor, info->ids.device);
	snprintf(group, sizeof(group), "%d", info->iommu_group);
	vfio_text(info, vfio, sizeof(vfio));
	sriov_text(info, sriov, sizeof(sriov));
	const char *vendor = names_vendor((uint16_t)info->ids.vendor);
	const char *device = names_device((uint16_t)info->ids.vendor, (uint16_t)info->ids.device);
	cli_printf_escaped(stdout, "%-12s  %-12s  %-9s  %-14s  %5s  %-20s  %-16s  %-16s  %s%s%s", info->bdf,
	       vfioadm_class_short_name(info->ids.base_class), id, dash(info->driver),
	       info->iommu_group >= 0 ? group : "-", vfio, sriov, m ? m->module : "-", dash(vendor),
	       device ? " " : "", device ? device : "");
}

static void print_field(const char *key, const char *val)
{
	cli_printf_escaped(stdout, "%-18s %s", key, dash(val));
}

void print_device_text(const struct vfioadm_device_info *info, const struct vfioadm_match *m)
{
	const struct vfioadm_modalias *id = &info->ids;
	char buf[160];
	print_field("bdf:", info->bdf);
	snprintf(buf, sizeof(buf), "%04x:%04x (subsystem %04x:%04x)", id->vendor, id->device,
		 id->subvendor, id->subdevice);
	print_field("ids:", buf);
	print_field("vendor:", names_vendor((uint16_t)id->vendor));
	print_field("device:", names_device((uint16_t)id->vendor, (uint16_t)id->device));
	snprintf(buf, sizeof(buf), "%06x %s (%s)", info->class_code,
		 dash(names_class(id->base_class, id->sub_class)), vfioadm_class_short_name(id->base_class));
	print_field("class:", buf);
	snprintf(buf, sizeof(buf), "%02x", info->revision);
	print_field("revision:", info->revision >= 0 ? buf : NULL);
	print_field("modalias:", info->modalias);
	snprintf(buf, sizeof(buf), "%s%s%s%s", dash(info->driver), info->driver_module[0] ? " (module " : "",
		 info->driver_module, info->driver_module[0] ? ")" : "");
	print_field("driver:", buf);
	print_field("driver_override:", info->has_driver_override ? info->driver_override : NULL);
	snprintf(buf, sizeof(buf), "%d", info->numa_node);
	print_field("numa_node:", info->numa_node >= 0 ? buf : NULL);
	print_field("reset_methods:", info->reset_methods);
	snprintf(buf, sizeof(buf), "%d", info->iommu_group);
	print_field("iommu_group:", info->iommu_group >= 0 ? buf : "none");
	for (size_t i = 0; i < info->n_group_members; i++)
		cli_printf_escaped(stdout, "  member           %-12s %s", info->group_members[i].name,
		       dash(info->group_members[i].driver));
	vfio_text(info, buf, sizeof(buf));
	print_field("vfio:", info->vfio.bound ? buf : "not bound");
	if (m)
		snprintf(buf, sizeof(buf), "%s%s%s%s%s", m->module, m->driver[0] ? " (driver " : "",
			 m->driver, m->driver[0] ? ")" : "", m->warnings & VFIOADM_MATCH_WARN_TIE ? ", tie" : "");
	print_field("vfio driver:", m ? buf : NULL);
	if (info->vfio.cdev[0])
		print_field("vfio cdev:", info->vfio.cdev);
	sriov_text(info, buf, sizeof(buf));
	print_field("sriov:", buf);
	if (info->sriov.role == VFIOADM_SRIOV_PF)
		printf("  drivers_autoprobe %d\n", info->sriov.drivers_autoprobe);
	for (size_t i = 0; i < info->sriov.n_vfs; i++)
		cli_printf_escaped(stdout, "  vf %-13zu %s %s", i, info->sriov.vfs[i],
		       info->sriov.vf_drivers ? dash(info->sriov.vf_drivers[i]) : "");
	for (size_t i = 0; i < info->n_mdev_types; i++) {
		const struct vfioadm_mdev_type *t = &info->mdev_types[i];
		cli_printf_escaped(stdout, "mdev type:         %s (%s, %s, %d available)", t->id, dash(t->name),
		       dash(t->device_api), t->available_instances);
	}
}
