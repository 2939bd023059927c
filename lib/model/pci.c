/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The PCI device model: one pass over /sys/bus/pci/devices, every attribute read with
 * openat() relative to the device's directory fd, links read with readlinkat().
 */
#include <fcntl.h>
#include <stdbool.h>

#include "model/model.h"

#define PCI_DEVICES "/sys/bus/pci/devices"

static int read_ids_fallback(int dfd, struct vfioadm_device_info *info)
{
	long v, d, sv, sd, cls;
	int r;
	if ((r = attr_read_long(dfd, "vendor", 16, &v)) < 0 ||
	    (r = attr_read_long(dfd, "device", 16, &d)) < 0 ||
	    (r = attr_read_long(dfd, "class", 16, &cls)) < 0)
		return r;
	if (attr_read_long(dfd, "subsystem_vendor", 16, &sv) < 0)
		sv = 0;
	if (attr_read_long(dfd, "subsystem_device", 16, &sd) < 0)
		sd = 0;
	info->ids = (struct vfioadm_modalias){
		.vendor = (uint32_t)v, .device = (uint32_t)d,
		.subvendor = (uint32_t)sv, .subdevice = (uint32_t)sd,
		.base_class = (uint8_t)(cls >> 16), .sub_class = (uint8_t)(cls >> 8),
		.prog_if = (uint8_t)cls,
	};
	return 0;
}

static int read_ids(struct vfioadm_ctx *ctx, int dfd, struct vfioadm_device_info *info)
{
	int r = attr_read(dfd, "modalias", info->modalias, sizeof(info->modalias));
	if (r >= 0 && vfioadm_modalias_parse(info->modalias, &info->ids) == 0)
		goto done;
	vfioadm_log(ctx, VFIOADM_LOG_WARNING, "%s: modalias '%s' is %s, using the id files",
		    info->bdf, r >= 0 ? info->modalias : "", r >= 0 ? "malformed" : "unreadable");
	r = read_ids_fallback(dfd, info);
	if (r < 0)
		return r;
done:
	info->class_code = (uint32_t)info->ids.base_class << 16 |
			   (uint32_t)info->ids.sub_class << 8 | info->ids.prog_if;
	return 0;
}

int driver_module(struct vfioadm_ctx *ctx, const char *driver, char module[VFIOADM_NAME_MAX])
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s", driver);
	_cleanup_close_ int drv = root_open(ctx, path, O_PATH | O_DIRECTORY);
	int r = drv < 0 ? drv : link_basename(drv, "module", module, VFIOADM_NAME_MAX);
	if (r < 0)
		module[0] = '\0';
	return r < 0 ? r : 0;
}

/* Kernels since 6.1 make vfio-dev/ for every device a VFIO driver registers, and then that is
 * the whole answer. Asked once per context: /sys/class/vfio-dev exists while vfio is loaded. */
static bool kernel_has_vfio_dev(struct vfioadm_ctx *ctx)
{
	if (!ctx->vfio_dev_kernel)
		ctx->vfio_dev_kernel = root_exists(ctx, "/sys/class/vfio-dev") ? 1 : 2;
	return ctx->vfio_dev_kernel == 1;
}

struct module_search {
	const char *want;
	bool found;
};

static int module_is(void *data, const char *module)
{
	struct module_search *s = data;
	s->found |= streq(module, s->want);
	return 0;
}

/* Kernels before 6.1: the bound driver is a VFIO driver when modprobe would offer its module
 * for the function's vfio_pci: alias (libkmod, as `vfioadm match` ranks them), or it is the
 * catch-all vfio-pci itself (kernels before 5.16 publish no vfio_pci: aliases and had no
 * variant drivers). Never a pattern on the name: a driver called *vfio* need not be one. */
static bool driver_has_vfio_alias(struct vfioadm_ctx *ctx, int dfd, const char *driver)
{
	char module[VFIOADM_NAME_MAX], modalias[VFIOADM_MODALIAS_MAX + 8];
	if (driver_module(ctx, driver, module) < 0)
		module_normalize(driver, module);
	if (streq(module, GENERIC_MODULE))
		return true;
	char alias[VFIOADM_MODALIAS_MAX];
	if (attr_read(dfd, "modalias", alias, sizeof(alias)) < 0 || !startswith(alias, "pci:"))
		return false;
	snprintf(modalias, sizeof(modalias), "vfio_%s", alias); /* "vfio_pci:v…" */
	struct module_search search = {.want = module};
	return kmod_lookup_modules(ctx, modalias, module_is, &search) >= 0 && search.found;
}

bool driver_is_vfio(struct vfioadm_ctx *ctx, int dfd, const char *driver, bool has_vfio_dev)
{
	if (has_vfio_dev)
		return true;
	if (!*driver || kernel_has_vfio_dev(ctx))
		return false;
	return driver_has_vfio_alias(ctx, dfd, driver);
}

/* Did a VFIO driver register the function? Its cdev's name into @name when given. */
static bool vfio_registered(struct vfioadm_ctx *ctx, int dfd, const char *driver, char *name, size_t size)
{
	int r;
	if (name) {
		r = dir_first(dfd, "vfio-dev", "vfio", name, size);
	} else {
		r = dir_openat(dfd, "vfio-dev");
		if (r >= 0)
			close(r);
	}
	return driver_is_vfio(ctx, dfd, driver, r >= 0);
}

static void read_vfio_state(struct vfioadm_ctx *ctx, int dfd, struct vfioadm_device_info *info)
{
	info->vfio.bound = vfio_registered(ctx, dfd, info->driver, info->vfio.device, sizeof(info->vfio.device));
	if (!info->vfio.bound)
		return;
	char path[VFIOADM_PATH_MAX];
	if (info->iommu_group >= 0) {
		snprintf(path, sizeof(path), "/dev/vfio/%d", info->iommu_group);
		bool found = root_exists(ctx, path);
		if (!found) {
			snprintf(path, sizeof(path), "/dev/vfio/noiommu-%d", info->iommu_group);
			found = root_exists(ctx, path);
		}
		if (found)
			strcpy(info->vfio.group_node, path);
	}
	if (info->vfio.device[0]) {
		snprintf(path, sizeof(path), "/dev/vfio/devices/%s", info->vfio.device);
		if (root_exists(ctx, path))
			strcpy(info->vfio.cdev, path);
	}
}

#define PCI_MAX_VFS 65535 /* the SR-IOV capability's TotalVFs is 16 bits */

static int read_sriov(struct vfioadm_ctx *ctx, int dfd, struct vfioadm_device_info *info)
{
	long total, num, autoprobe;
	if (attr_read_long(dfd, "sriov_totalvfs", 10, &total) == 0) {
		info->sriov.role = VFIOADM_SRIOV_PF;
		if (total < 0 || total > PCI_MAX_VFS) {
			vfioadm_log(ctx, VFIOADM_LOG_WARNING, "%s: sriov_totalvfs %ld is not a VF count (0-%d): "
				    "ignoring its VFs", info->bdf, total, PCI_MAX_VFS);
			total = 0;
		}
		info->sriov.totalvfs = (unsigned)total;
		if (attr_read_long(dfd, "sriov_numvfs", 10, &num) == 0) {
			/* a count from sysfs sizes an allocation and a walk: never past TotalVFs */
			long bounded = num < 0 ? 0 : num > total ? total : num;
			if (bounded != num)
				vfioadm_log(ctx, VFIOADM_LOG_WARNING, "%s: sriov_numvfs %ld is outside 0-%ld "
					    "(sriov_totalvfs): reading at most %ld VFs", info->bdf, num, total, bounded);
			info->sriov.numvfs = (unsigned)bounded;
		}
		info->sriov.drivers_autoprobe =
			attr_read_long(dfd, "sriov_drivers_autoprobe", 10, &autoprobe) == 0 ? (int)autoprobe : -1;
		if (info->sriov.numvfs == 0)
			return 0;
		info->sriov.vfs = calloc(info->sriov.numvfs, sizeof(*info->sriov.vfs));
		if (!info->sriov.vfs)
			return -ENOMEM;
		/* the kernel makes virtfn0..numvfs-1: the first one missing ends the walk */
		for (unsigned i = 0; i < info->sriov.numvfs; i++) {
			char name[32];
			snprintf(name, sizeof(name), "virtfn%u", i);
			if (link_basename(dfd, name, info->sriov.vfs[info->sriov.n_vfs], VFIOADM_BDF_MAX) < 0)
				break;
			info->sriov.n_vfs++;
		}
		return 0;
	}
	if (link_basename(dfd, "physfn", info->sriov.pf, sizeof(info->sriov.pf)) >= 0)
		info->sriov.role = VFIOADM_SRIOV_VF;
	return 0;
}

static int read_basic(struct vfioadm_ctx *ctx, int dfd, struct vfioadm_device_info *info)
{
	int r = read_ids(ctx, dfd, info);
	if (r < 0)
		return r;
	int dr = link_driver_name(dfd, "driver", info->driver, sizeof(info->driver));
	if (dr < 0)
		info->driver[0] = '\0';
	if (dr == -EBADMSG)
		vfioadm_log(ctx, VFIOADM_LOG_WARNING, "%s: its driver link points to no driver: read as unbound",
			    info->bdf);
	if (attr_read(dfd, "driver_override", info->driver_override,
		      sizeof(info->driver_override)) > 0 &&
	    !streq(info->driver_override, "(null)"))
		info->has_driver_override = true;
	else
		info->driver_override[0] = '\0';
	char group[16];
	info->iommu_group = link_basename(dfd, "iommu_group", group, sizeof(group)) >= 0 ? atoi(group) : -1;
	long numa;
	info->numa_node = attr_read_long(dfd, "numa_node", 10, &numa) == 0 ? (int)numa : -1;
	read_vfio_state(ctx, dfd, info);
	return read_sriov(ctx, dfd, info);
}

/* ---- detail: only for `show` ---- */

static int read_group_members(struct vfioadm_ctx *ctx, struct vfioadm_device_info *info)
{
	char path[96];
	snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%d/devices", info->iommu_group);
	_cleanup_closedir_ DIR *d = NULL;
	int r = root_opendir(ctx, path, &d);
	if (r < 0)
		return r == -ENOENT ? 0 : r;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		struct vfioadm_group_member *m = reallocarray(info->group_members,
			info->n_group_members + 1, sizeof(*m));
		if (!m)
			return -ENOMEM;
		info->group_members = m;
		m += info->n_group_members;
		memset(m, 0, sizeof(*m));
		if (strscpy(m->name, sizeof(m->name), de->d_name) < 0)
			continue;
		char mpath[PATH_MAX];
		snprintf(mpath, sizeof(mpath), "%s/%s", path, de->d_name);
		_cleanup_close_ int mfd = root_open(ctx, mpath, O_PATH | O_DIRECTORY);
		if (mfd >= 0 && link_basename(mfd, "driver", m->driver, sizeof(m->driver)) < 0)
			m->driver[0] = '\0';
		info->n_group_members++;
	}
	return 0;
}

static int member_cmp(const void *a, const void *b)
{
	return strcmp(((const struct vfioadm_group_member *)a)->name,
		      ((const struct vfioadm_group_member *)b)->name);
}

void mdev_type_read(int tfd, struct vfioadm_mdev_type *t)
{
	long avail;
	if (attr_read(tfd, "name", t->name, sizeof(t->name)) < 0)
		t->name[0] = '\0';
	if (attr_read(tfd, "device_api", t->device_api, sizeof(t->device_api)) < 0)
		t->device_api[0] = '\0';
	if (attr_read(tfd, "description", t->description, sizeof(t->description)) < 0)
		t->description[0] = '\0';
	t->available_instances = attr_read_long(tfd, "available_instances", 10, &avail) == 0 ? (int)avail : -1;
}

/* Every type in an open mdev_supported_types directory (which this takes over and closes). */
int mdev_types_read_dir(int tfd, struct vfioadm_mdev_type **types, size_t *n)
{
	_cleanup_closedir_ DIR *d = fdopendir(tfd);
	if (!d) {
		int r = -errno;
		close(tfd);
		return r;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		_cleanup_close_ int fd = dir_openat(dirfd(d), de->d_name);
		if (fd < 0)
			continue;
		struct vfioadm_mdev_type *t = reallocarray(*types, *n + 1, sizeof(*t));
		if (!t)
			return -ENOMEM;
		*types = t;
		t += *n;
		memset(t, 0, sizeof(*t));
		if (strscpy(t->id, sizeof(t->id), de->d_name) < 0)
			continue;
		mdev_type_read(fd, t);
		(*n)++;
	}
	return 0;
}

static int read_mdev_types(int dfd, struct vfioadm_device_info *info)
{
	int tfd = dir_openat(dfd, "mdev_supported_types");
	if (tfd < 0)
		return 0; /* not an mdev parent */
	return mdev_types_read_dir(tfd, &info->mdev_types, &info->n_mdev_types);
}

static int read_vf_drivers(struct vfioadm_ctx *ctx, struct vfioadm_device_info *info)
{
	if (!info->sriov.n_vfs)
		return 0;
	info->sriov.vf_drivers = calloc(info->sriov.n_vfs, sizeof(*info->sriov.vf_drivers));
	if (!info->sriov.vf_drivers)
		return -ENOMEM;
	for (size_t i = 0; i < info->sriov.n_vfs; i++) {
		char path[64];
		snprintf(path, sizeof(path), PCI_DEVICES "/%s", info->sriov.vfs[i]);
		_cleanup_close_ int vfd = root_open(ctx, path, O_PATH | O_DIRECTORY);
		if (vfd < 0 || link_basename(vfd, "driver", info->sriov.vf_drivers[i], VFIOADM_NAME_MAX) < 0)
			info->sriov.vf_drivers[i][0] = '\0';
	}
	return 0;
}

static int read_detail(struct vfioadm_ctx *ctx, int dfd, struct vfioadm_device_info *info)
{
	long rev;
	info->revision = attr_read_long(dfd, "revision", 16, &rev) == 0 ? (int)rev : -1;
	if (info->driver[0] && driver_module(ctx, info->driver, info->driver_module) < 0)
		info->driver_module[0] = '\0';
	if (attr_read(dfd, "reset_method", info->reset_methods, sizeof(info->reset_methods)) < 0)
		info->reset_methods[0] = '\0';
	int r = read_vf_drivers(ctx, info);
	if (r >= 0 && info->iommu_group >= 0)
		r = read_group_members(ctx, info);
	if (r < 0)
		return r;
	if (info->n_group_members > 0)
		qsort(info->group_members, info->n_group_members, sizeof(*info->group_members), member_cmp);
	return read_mdev_types(dfd, info);
}

/* ---- device objects ---- */

EXPORT struct vfioadm_device *vfioadm_device_free(struct vfioadm_device *dev)
{
	if (!dev)
		return NULL;
	free(dev->info.sriov.vfs);
	free(dev->info.sriov.vf_drivers);
	free(dev->info.group_members);
	free(dev->info.mdev_types);
	free(dev);
	return NULL;
}

EXPORT const struct vfioadm_device_info *vfioadm_device_get_info(const struct vfioadm_device *dev)
{
	return &dev->info;
}

static int open_device_dir(struct vfioadm_ctx *ctx, int devices_fd, const char *bdf)
{
	if (ctx->root_fd < 0 && devices_fd >= 0) {
		/* The host is its own root: nothing to escape, let the kernel follow the link. */
		int fd = openat(devices_fd, bdf, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		return fd < 0 ? -errno : fd;
	}
	char path[64];
	snprintf(path, sizeof(path), PCI_DEVICES "/%s", bdf);
	return root_open(ctx, path, O_RDONLY | O_DIRECTORY);
}

static int device_load(struct vfioadm_ctx *ctx, int devices_fd, const char *bdf, unsigned fill,
		       struct vfioadm_device **ret)
{
	_cleanup_close_ int dfd = open_device_dir(ctx, devices_fd, bdf);
	if (dfd < 0)
		return dfd == -ENOENT ? -ENODEV : dfd;
	struct vfioadm_device *dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	dev->ctx = ctx;
	strscpy(dev->info.bdf, sizeof(dev->info.bdf), bdf);
	int r = read_basic(ctx, dfd, &dev->info);
	if (r >= 0 && (fill & VFIOADM_FILL_DETAIL))
		r = read_detail(ctx, dfd, &dev->info);
	if (r < 0) {
		vfioadm_device_free(dev);
		return r;
	}
	dev->filled = fill | VFIOADM_FILL_BASIC;
	*ret = dev;
	return 0;
}

EXPORT int vfioadm_device_read(struct vfioadm_ctx *ctx, const char *bdf, unsigned fill,
			       struct vfioadm_device **ret_dev)
{
	char norm[VFIOADM_BDF_MAX];
	int r = vfioadm_bdf_normalize(bdf, norm);
	if (r < 0)
		return r;
	return device_load(ctx, -EBADF, norm, fill, ret_dev);
}

EXPORT int vfioadm_device_exists(struct vfioadm_ctx *ctx, const char *bdf)
{
	char norm[VFIOADM_BDF_MAX];
	int r = vfioadm_bdf_normalize(bdf, norm);
	if (r < 0)
		return r;
	_cleanup_close_ int dfd = open_device_dir(ctx, -EBADF, norm);
	return dfd >= 0 ? 0 : dfd == -ENOENT ? -ENODEV : dfd;
}

int device_read_binding(struct vfioadm_ctx *ctx, const char *bdf, char driver[VFIOADM_NAME_MAX], bool *vfio)
{
	_cleanup_close_ int dfd = open_device_dir(ctx, -EBADF, bdf);
	if (dfd < 0)
		return dfd == -ENOENT ? -ENODEV : dfd;
	if (link_driver_name(dfd, "driver", driver, VFIOADM_NAME_MAX) < 0)
		driver[0] = '\0';
	*vfio = vfio_registered(ctx, dfd, driver, NULL, 0);
	return 0;
}

/* ---- the snapshot ---- */

static void snapshot_free(struct vfioadm_ctx *ctx)
{
	for (size_t i = 0; i < ctx->n_devices; i++)
		vfioadm_device_free(ctx->devices[i]);
	free(ctx->devices);
	ctx->devices = NULL;
	ctx->n_devices = 0;
}

/* Order by domain number, then bus/device/function (fixed width, so strcmp works). */
static int bdf_cmp(const void *a, const void *b)
{
	const char *x = (*(struct vfioadm_device *const *)a)->info.bdf;
	const char *y = (*(struct vfioadm_device *const *)b)->info.bdf;
	unsigned long dx = strtoul(x, NULL, 16), dy = strtoul(y, NULL, 16);
	if (dx != dy)
		return dx < dy ? -1 : 1;
	return strcmp(strchr(x, ':'), strchr(y, ':'));
}

static int snapshot_add(struct vfioadm_ctx *ctx, struct vfioadm_device *dev, size_t *cap)
{
	if (ctx->n_devices == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		struct vfioadm_device **n = reallocarray(ctx->devices, ncap, sizeof(*n));
		if (!n)
			return -ENOMEM;
		ctx->devices = n;
		*cap = ncap;
	}
	ctx->devices[ctx->n_devices++] = dev;
	return 0;
}

EXPORT int vfioadm_scan(struct vfioadm_ctx *ctx, unsigned fill)
{
	snapshot_free(ctx);
	_cleanup_closedir_ DIR *d = NULL;
	int r = ctx_on_free(ctx, snapshot_free);
	if (r < 0 || (r = root_opendir(ctx, PCI_DEVICES, &d)) < 0)
		return r;
	size_t cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		char bdf[VFIOADM_BDF_MAX];
		if (de->d_name[0] == '.')
			continue;
		if (vfioadm_bdf_normalize(de->d_name, bdf) < 0 || !streq(bdf, de->d_name)) {
			vfioadm_log(ctx, VFIOADM_LOG_WARNING, "ignoring '%s' in " PCI_DEVICES, de->d_name);
			continue;
		}
		struct vfioadm_device *dev;
		r = device_load(ctx, dirfd(d), bdf, fill, &dev);
		if (r == -ENODEV)
			continue; /* removed while we looked */
		if (r < 0) {
			vfioadm_log(ctx, VFIOADM_LOG_WARNING, "%s: %s, skipping", bdf, strerror(-r));
			continue;
		}
		r = snapshot_add(ctx, dev, &cap);
		if (r < 0) {
			vfioadm_device_free(dev);
			return r;
		}
	}
	if (ctx->n_devices > 0)
		qsort(ctx->devices, ctx->n_devices, sizeof(*ctx->devices), bdf_cmp);
	for (size_t i = 0; i < ctx->n_devices; i++)
		ctx->devices[i]->index = i;
	return (int)ctx->n_devices;
}

EXPORT struct vfioadm_device *vfioadm_device_first(struct vfioadm_ctx *ctx)
{
	return ctx->n_devices ? ctx->devices[0] : NULL;
}

EXPORT struct vfioadm_device *vfioadm_device_next(struct vfioadm_device *dev)
{
	struct vfioadm_ctx *ctx = dev->ctx;
	return dev->index + 1 < ctx->n_devices ? ctx->devices[dev->index + 1] : NULL;
}
