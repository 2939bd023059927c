/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * CDI specs (Container Device Interface) of what is usable through VFIO: what podman,
 * containerd, CRI-O and DRA drivers read from /etc/cdi or /run/cdi to inject device nodes.
 * One device per function on a VFIO driver in a viable group, one per such group; a spec is
 * regenerated whenever a binding changes, so it never offers a device that left VFIO.
 */
#include <ctype.h>
#include <json-c/json.h>

#include "config/config.h"

/* One IOMMU group of the spec: its viability, asked once, and its members' cdev nodes. */
struct cdi_group {
	int number;
	bool viable;
	char node[VFIOADM_PATH_MAX];
	json_object *members, *cdevs;   /* BDFs; the members' /dev/vfio/devices/vfioX */
};

struct cdi_build {
	struct vfioadm_ctx *ctx;
	const struct vfioadm_cdi_opts *o;
	json_object *devices;
	struct cdi_group *groups;
	size_t n_groups;
	bool digit_name;        /* a name starting with a digit: cdiVersion 0.5.0 */
	bool has_iommufd;       /* /dev/iommu: the cdev nodes are usable */
};

static bool cdi_name_char(char c, bool dot)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-' || (dot && c == '.');
}

/* CDI's rule for a vendor (dot: true) or a class name. */
static bool cdi_part_valid(const char *s, size_t len, bool dot)
{
	if (len == 0 || !isalpha((unsigned char)s[0]) || !isalnum((unsigned char)s[len - 1]))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!cdi_name_char(s[i], dot))
			return false;
	return true;
}

EXPORT bool vfioadm_cdi_kind_valid(const char *kind)
{
	const char *slash = kind ? strchr(kind, '/') : NULL;
	if (!slash || strlen(kind) > 128)
		return false;
	return cdi_part_valid(kind, (size_t)(slash - kind), true) &&
	       cdi_part_valid(slash + 1, strlen(slash + 1), false);
}

EXPORT void vfioadm_cdi_device_name(const char *bdf, char ret[VFIOADM_BDF_MAX])
{
	size_t i = 0;
	for (; bdf[i] && i < VFIOADM_BDF_MAX - 1; i++)
		ret[i] = bdf[i] == ':' ? '-' : bdf[i];
	ret[i] = '\0';
}

static void add_node(json_object *nodes, const char *path)
{
	json_object *n = json_object_new_object();
	json_object_object_add(n, "path", json_object_new_string(path));
	json_object_array_add(nodes, n);
}

static json_object *container_edits(json_object *nodes)
{
	json_object *e = json_object_new_object();
	json_object_object_add(e, "deviceNodes", nodes);
	return e;
}

static void annotate(json_object *dev, const char *key, const char *value)
{
	json_object *a = json_object_object_get(dev, "annotations");
	if (!a) {
		a = json_object_new_object();
		json_object_object_add(dev, "annotations", a);
	}
	char k[64];
	snprintf(k, sizeof(k), "vfioadm.io/%s", key);
	json_object_object_add(a, k, json_object_new_string(value));
}

static void annotate_function(json_object *dev, const struct vfioadm_device_info *info)
{
	char s[32];
	annotate(dev, "bdf", info->bdf);
	annotate(dev, "driver", info->driver);
	snprintf(s, sizeof(s), "%d", info->iommu_group);
	annotate(dev, "iommu-group", s);
	snprintf(s, sizeof(s), "%d", info->numa_node);
	annotate(dev, "numa-node", s);
	snprintf(s, sizeof(s), "0x%04x", info->ids.vendor);
	annotate(dev, "vendor-id", s);
	snprintf(s, sizeof(s), "0x%04x", info->ids.device);
	annotate(dev, "device-id", s);
}

static struct cdi_group *group_of(struct cdi_build *b, const struct vfioadm_device_info *info)
{
	for (size_t i = 0; i < b->n_groups; i++)
		if (b->groups[i].number == info->iommu_group)
			return &b->groups[i];
	struct cdi_group *v = reallocarray(b->groups, b->n_groups + 1, sizeof(*v));
	if (!v)
		return NULL;
	b->groups = v;
	struct cdi_group *g = &v[b->n_groups++];
	*g = (struct cdi_group){ .number = info->iommu_group };
	strscpy(g->node, sizeof(g->node), info->vfio.group_node);
	struct vfioadm_report *r = NULL;
	/* who holds the group open does not change what a user needs: members only */
	if (vfioadm_check_group(b->ctx, g->number, VFIOADM_CHECK_NO_HOLDERS, &r) == 0)
		g->viable = vfioadm_report_viable(r);
	vfioadm_report_free(r);
	g->members = json_object_new_array();
	g->cdevs = json_object_new_array();
	return g;
}

/* The nodes every user of a group opens: the container and the group (noiommu-N too). */
static json_object *group_nodes(const char *group_node)
{
	json_object *nodes = json_object_new_array();
	add_node(nodes, "/dev/vfio/vfio");
	add_node(nodes, group_node);
	return nodes;
}

/* The model names a group node and a cdev only when they exist (read_vfio_state()). */
static int add_function(struct cdi_build *b, const struct vfioadm_device_info *info)
{
	if (!info->vfio.bound || !info->vfio.group_node[0])
		return 0;
	struct cdi_group *g = group_of(b, info);
	if (!g)
		return -ENOMEM;
	if (!g->viable)
		return 0;
	json_object *nodes = group_nodes(info->vfio.group_node);
	if (b->has_iommufd && info->vfio.cdev[0]) {
		add_node(nodes, "/dev/iommu");
		add_node(nodes, info->vfio.cdev);
		json_object_array_add(g->cdevs, json_object_new_string(info->vfio.cdev));
	}
	json_object_array_add(g->members, json_object_new_string(info->bdf));

	char name[VFIOADM_BDF_MAX];
	vfioadm_cdi_device_name(info->bdf, name);
	b->digit_name |= isdigit((unsigned char)name[0]);
	json_object *dev = json_object_new_object();
	json_object_object_add(dev, "name", json_object_new_string(name));
	if (b->o->annotations)
		annotate_function(dev, info);
	json_object_object_add(dev, "containerEdits", container_edits(nodes));
	json_object_array_add(b->devices, dev);
	return 0;
}

/* "group-N": what a VM or a container given the whole group opens. */
static void add_group(struct cdi_build *b, const struct cdi_group *g)
{
	size_t n_cdevs = json_object_array_length(g->cdevs);
	json_object *nodes = group_nodes(g->node);
	if (n_cdevs)
		add_node(nodes, "/dev/iommu");
	for (size_t i = 0; i < n_cdevs; i++)
		add_node(nodes, json_object_get_string(json_object_array_get_idx(g->cdevs, i)));
	char name[32];
	snprintf(name, sizeof(name), "group-%d", g->number);
	json_object *dev = json_object_new_object();
	json_object_object_add(dev, "name", json_object_new_string(name));
	if (b->o->annotations) {
		char s[16], members[1024] = "";
		snprintf(s, sizeof(s), "%d", g->number);
		annotate(dev, "iommu-group", s);
		for (size_t i = 0; i < json_object_array_length(g->members); i++) {
			size_t len = strlen(members);
			snprintf(members + len, sizeof(members) - len, "%s%s", i ? "," : "",
				 json_object_get_string(json_object_array_get_idx(g->members, i)));
		}
		annotate(dev, "devices", members);
	}
	json_object_object_add(dev, "containerEdits", container_edits(nodes));
	json_object_array_add(b->devices, dev);
}

static const char *cdi_version(const struct cdi_build *b)
{
	if (b->o->annotations)
		return "0.6.0";
	return b->digit_name ? "0.5.0" : "0.3.0";
}

static int build_spec(struct vfioadm_ctx *ctx, const struct vfioadm_cdi_opts *o, json_object **ret)
{
	int r = vfioadm_scan(ctx, VFIOADM_FILL_BASIC);
	if (r < 0)
		return r;
	struct cdi_build b = { ctx, o, json_object_new_array(), NULL, 0, false,
			       root_exists(ctx, "/dev/iommu") };
	struct vfioadm_device *dev;
	r = 0;
	vfioadm_for_each_device(dev, ctx)
		if (r >= 0)
			r = add_function(&b, vfioadm_device_get_info(dev));
	for (size_t i = 0; i < b.n_groups; i++) {
		if (r >= 0 && b.groups[i].viable && json_object_array_length(b.groups[i].members))
			add_group(&b, &b.groups[i]);
		json_object_put(b.groups[i].members);
		json_object_put(b.groups[i].cdevs);
	}
	free(b.groups);
	if (r < 0) {
		json_object_put(b.devices);
		return r;
	}
	json_object *spec = json_object_new_object();
	json_object_object_add(spec, "cdiVersion", json_object_new_string(cdi_version(&b)));
	json_object_object_add(spec, "kind", json_object_new_string(o->kind ? o->kind : VFIOADM_CDI_KIND));
	json_object_object_add(spec, "devices", b.devices);
	*ret = spec;
	return 0;
}

EXPORT int vfioadm_cdi_spec(struct vfioadm_ctx *ctx, const struct vfioadm_cdi_opts *opts, char **ret,
			    size_t *ret_n)
{
	if (opts->kind && !vfioadm_cdi_kind_valid(opts->kind))
		return -EINVAL;
	json_object *spec;
	int r = build_spec(ctx, opts, &spec);
	if (r < 0)
		return r;
	*ret_n = json_object_array_length(json_object_object_get(spec, "devices"));
	*ret = opts->yaml ? yaml_from_json(spec)
			  : strdup(json_object_to_json_string_ext(spec, JSON_C_TO_STRING_PRETTY |
									       JSON_C_TO_STRING_SPACED |
									       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(spec);
	return *ret ? 0 : -ENOMEM;
}
