/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Mediated devices: parents (/sys/class/mdev_bus), their types, the mdevs that exist
 * (/sys/bus/mdev/devices), create (a UUID into a type's create file) and remove.
 */
#include <fcntl.h>
#include <sys/random.h>

#include "cap/cap.h"

#define MDEV_BUS "/sys/class/mdev_bus"
#define MDEV_DEVICES "/sys/bus/mdev/devices"

EXPORT int vfioadm_uuid_random(char ret[VFIOADM_UUID_LEN])
{
	unsigned char b[16];
	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return -errno;
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	snprintf(ret, VFIOADM_UUID_LEN,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
		 b[13], b[14], b[15]);
	return 0;
}

/* Names we put into a path: a parent ("0000:00:02.0", "mtty") or a type ("mtty-2"). */
static bool path_name_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n >= VFIOADM_NAME_MAX || streq(s, ".") || streq(s, ".."))
		return false;
	return strcspn(s, "/\n") == n;
}

EXPORT void vfioadm_mdev_parents_free(struct vfioadm_mdev_parent *p, size_t n)
{
	for (size_t i = 0; p && i < n; i++)
		free(p[i].types);
	free(p);
}

static int read_types(struct vfioadm_ctx *ctx, struct vfioadm_mdev_parent *p)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), MDEV_BUS "/%s/mdev_supported_types", p->name);
	int tfd = root_open(ctx, path, O_RDONLY | O_DIRECTORY);
	return tfd < 0 ? tfd : mdev_types_read_dir(tfd, &p->types, &p->n_types);
}

EXPORT int vfioadm_mdev_parents(struct vfioadm_ctx *ctx, const char *parent,
				struct vfioadm_mdev_parent **ret, size_t *ret_n)
{
	if (parent && !path_name_valid(parent))
		return -EINVAL;
	_cleanup_closedir_ DIR *d = NULL;
	int r = root_opendir(ctx, MDEV_BUS, &d);
	struct vfioadm_mdev_parent *v = NULL;
	size_t n = 0;
	struct dirent *de;
	while (r >= 0 && (de = readdir(d))) {
		if (de->d_name[0] == '.' || (parent && !streq(parent, de->d_name)))
			continue;
		struct vfioadm_mdev_parent *nv = reallocarray(v, n + 1, sizeof(*nv));
		if (!nv) {
			r = -ENOMEM;
			break;
		}
		v = nv;
		memset(&v[n], 0, sizeof(v[n]));
		if (strscpy(v[n].name, sizeof(v[n].name), de->d_name) < 0)
			continue;
		r = read_types(ctx, &v[n++]);
	}
	if (r == -ENOENT && !d)
		r = 0; /* no mdev parent registered: no mdev_bus class */
	if (r >= 0 && parent && n == 0)
		r = -ENODEV;
	if (r < 0) {
		vfioadm_mdev_parents_free(v, n);
		return r;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

static void read_mdev(struct vfioadm_ctx *ctx, const char *uuid, struct vfioadm_mdev *m)
{
	char path[PATH_MAX], target[PATH_MAX], group[16];
	memset(m, 0, sizeof(*m));
	strscpy(m->uuid, sizeof(m->uuid), uuid);
	m->iommu_group = -1;
	snprintf(path, sizeof(path), MDEV_DEVICES "/%s", uuid);
	_cleanup_close_ int fd = root_open(ctx, path, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return;
	if (link_basename(fd, "mdev_type", m->type, sizeof(m->type)) < 0)
		m->type[0] = '\0';
	if (link_basename(fd, "driver", m->driver, sizeof(m->driver)) < 0)
		m->driver[0] = '\0';
	if (link_basename(fd, "iommu_group", group, sizeof(group)) >= 0)
		m->iommu_group = atoi(group);
	/* the mdev lives in its parent's directory: the bus link ends in …/<parent>/<uuid> */
	_cleanup_close_ int bus = root_open(ctx, MDEV_DEVICES, O_RDONLY | O_DIRECTORY);
	ssize_t len = bus >= 0 ? readlinkat(bus, uuid, target, sizeof(target) - 1) : -1;
	if (len > 0) {
		target[len] = '\0';
		char *slash = strrchr(target, '/');
		if (slash) {
			*slash = '\0';
			slash = strrchr(target, '/');
			strscpy(m->parent, sizeof(m->parent), slash ? slash + 1 : target);
		}
	}
}

EXPORT int vfioadm_mdev_list(struct vfioadm_ctx *ctx, struct vfioadm_mdev **ret, size_t *ret_n)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct vfioadm_mdev *v = NULL;
	size_t n = 0;
	if (root_opendir(ctx, MDEV_DEVICES, &d) == 0) {
		struct dirent *de;
		while ((de = readdir(d))) {
			if (!vfioadm_uuid_valid(de->d_name))
				continue;
			struct vfioadm_mdev *nv = reallocarray(v, n + 1, sizeof(*nv));
			if (!nv) {
				free(v);
				return -ENOMEM;
			}
			v = nv;
			read_mdev(ctx, de->d_name, &v[n++]);
		}
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

EXPORT int vfioadm_mdev_create(struct vfioadm_ctx *ctx, const char *parent, const char *type, const char *uuid)
{
	if (!path_name_valid(parent) || !path_name_valid(type) || !vfioadm_uuid_valid(uuid))
		return -EINVAL;
	char path[PATH_MAX];
	snprintf(path, sizeof(path), MDEV_BUS "/%s/mdev_supported_types/%s/create", parent, type);
	if (!root_exists(ctx, path))
		return -ENODEV;
	return sysfs_write(ctx, path, uuid);
}

EXPORT int vfioadm_mdev_remove(struct vfioadm_ctx *ctx, const char *uuid, bool force,
			       struct vfioadm_report **ret_refusal)
{
	if (!vfioadm_uuid_valid(uuid))
		return -EINVAL;
	struct vfioadm_mdev m;
	read_mdev(ctx, uuid, &m);
	char path[PATH_MAX];
	snprintf(path, sizeof(path), MDEV_DEVICES "/%s/remove", uuid);
	if (!root_exists(ctx, path))
		return -ENODEV;
	if (m.iommu_group >= 0 && !force) {
		struct vfioadm_report *r = calloc(1, sizeof(*r));
		char node[VFIOADM_PATH_MAX];
		snprintf(node, sizeof(node), "/dev/vfio/%d", m.iommu_group);
		const char *paths[] = { node, NULL };
		if (!r)
			return -ENOMEM;
		int rr = report_holders(ctx, r, paths);
		if (rr < 0 || r->n == 0) {
			vfioadm_report_free(r);
			if (rr < 0)
				return rr;
		} else {
			*ret_refusal = r;
			return -EBUSY;
		}
	}
	/* an mdev whose group is open blocks the remover: never hang on it */
	struct lane *l = run_lane(ctx);
	return l ? timed_write(ctx, l, path, "1", DEFAULT_TIMEOUT_MS) : -ENOMEM;
}
