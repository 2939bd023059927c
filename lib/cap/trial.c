/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The trial attach: take an IOMMU group through the steps a VMM takes before it maps guest
 * memory, then undo them, so that "usable" is the kernel's answer and not a reading of sysfs.
 * Interrupt remapping, for one, is only checked by the kernel at this point (type1's attach,
 * iommufd's bind): a host without it binds devices to vfio-pci happily and fails in QEMU.
 * The same openers serve the probe (cap/probe.c), which goes on to the device fd.
 */
#include <fcntl.h>
#include <sys/ioctl.h>

#include "vfio-cdev.h"

#include "cap/cap.h"

static int step_failed(struct vfio_steps *s, const char *step, const char *node)
{
	int err = errno;
	snprintf(s->step, sizeof(s->step), "%s", step);
	snprintf(s->node, sizeof(s->node), "%s", node);
	return -err;
}

int vfio_group_attach(struct vfioadm_ctx *ctx, int group, bool noiommu, struct vfio_steps *s)
{
	char node[VFIOADM_PATH_MAX];
	s->container = s->group = s->iommufd = -EBADF;
	if ((s->container = root_open(ctx, "/dev/vfio/vfio", O_RDWR)) < 0)
		return errno = -s->container, step_failed(s, "open", "/dev/vfio/vfio");
	if (ioctl(s->container, VFIO_GET_API_VERSION) != VFIO_API_VERSION)
		return errno = EPROTO, step_failed(s, "VFIO_GET_API_VERSION", "/dev/vfio/vfio");
	snprintf(node, sizeof(node), noiommu ? "/dev/vfio/noiommu-%d" : "/dev/vfio/%d", group);
	if ((s->group = root_open(ctx, node, O_RDWR)) < 0)
		return errno = -s->group, step_failed(s, "open", node);
	struct vfio_group_status st = { .argsz = sizeof(st) };
	if (ioctl(s->group, VFIO_GROUP_GET_STATUS, &st) < 0)
		return step_failed(s, "VFIO_GROUP_GET_STATUS", node);
	if (!(st.flags & VFIO_GROUP_FLAGS_VIABLE))
		return errno = EBUSY, step_failed(s, "VFIO_GROUP_GET_STATUS", node);
	if (ioctl(s->group, VFIO_GROUP_SET_CONTAINER, &s->container) < 0)
		return step_failed(s, "VFIO_GROUP_SET_CONTAINER", node);
	int type = noiommu ? VFIO_NOIOMMU_IOMMU : VFIO_TYPE1v2_IOMMU;
	if (ioctl(s->container, VFIO_SET_IOMMU, type) < 0) {
		dbg(ctx, "group %d: VFIO_SET_IOMMU(%d): %m", group, type);
		return step_failed(s, noiommu ? "VFIO_SET_IOMMU(noiommu)" : "VFIO_SET_IOMMU(type1v2)", "/dev/vfio/vfio");
	}
	return 0;
}

/* Returns the bound device fd (the kernel opened the device: it may have been reset). */
int vfio_cdev_bind(struct vfioadm_ctx *ctx, const char *cdev, struct vfio_steps *s)
{
	s->container = s->group = s->iommufd = -EBADF;
	if ((s->iommufd = root_open(ctx, "/dev/iommu", O_RDWR)) < 0)
		return errno = -s->iommufd, step_failed(s, "open", "/dev/iommu");
	int fd = root_open(ctx, cdev, O_RDWR);
	if (fd < 0)
		return errno = -fd, step_failed(s, "open", cdev);
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind), .iommufd = s->iommufd };
	if (ioctl(fd, VFIO_DEVICE_BIND_IOMMUFD, &bind) < 0) {
		int r = step_failed(s, "VFIO_DEVICE_BIND_IOMMUFD", cdev);
		dbg(ctx, "%s: VFIO_DEVICE_BIND_IOMMUFD: %s", cdev, strerror(-r));
		close(fd);
		return r;
	}
	return fd;
}

void vfio_steps_close(struct vfio_steps *s)
{
	/* the group leaves its container when closed; the container drops its IOMMU with it */
	closep(&s->group);
	closep(&s->container);
	closep(&s->iommufd);
	s->container = s->group = s->iommufd = -EBADF;
}

/* A member's cdev, attached to a fresh IOAS of its own iommufd: QEMU's iommufd backend. */
static int try_cdev(struct vfioadm_ctx *ctx, const char *cdev, struct vfio_steps *s)
{
	_cleanup_close_ int dev = vfio_cdev_bind(ctx, cdev, s);
	if (dev < 0)
		return dev;
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	int r = 0;
	if (ioctl(s->iommufd, IOMMU_IOAS_ALLOC, &alloc) < 0) {
		r = step_failed(s, "IOMMU_IOAS_ALLOC", "/dev/iommu");
	} else {
		struct vfio_device_attach_iommufd_pt at = { .argsz = sizeof(at), .pt_id = alloc.out_ioas_id };
		if (ioctl(dev, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at) < 0)
			r = step_failed(s, "VFIO_DEVICE_ATTACH_IOMMUFD_PT", cdev);
	}
	vfio_steps_close(s);
	return r;
}

struct cdevs {
	struct vfioadm_ctx *ctx;
	const char *gdir;
	char (*nodes)[VFIOADM_PATH_MAX];
	size_t n, max;
};

static int cdev_fn(void *data, const char *name)
{
	struct cdevs *c = data;
	char path[PATH_MAX], vname[32];
	snprintf(path, sizeof(path), "%s/%s", c->gdir, name);
	_cleanup_close_ int mfd = root_open(c->ctx, path, O_RDONLY | O_DIRECTORY);
	if (mfd >= 0 && c->n < c->max && dir_first(mfd, "vfio-dev", "vfio", vname, sizeof(vname)) > 0)
		snprintf(c->nodes[c->n++], VFIOADM_PATH_MAX, "/dev/vfio/devices/%.28s", vname);
	return 0;
}

/* The cdevs of the group's members, when the kernel has the cdev model and iommufd. */
static size_t group_cdevs(struct vfioadm_ctx *ctx, int group, char (*nodes)[VFIOADM_PATH_MAX], size_t max)
{
	char gdir[GROUP_DIR_MAX];
	_cleanup_close_ int gfd = group_devices_open(ctx, group, gdir);
	struct cdevs c = { ctx, gdir, nodes, 0, max };
	if (gfd < 0 || !root_exists(ctx, "/dev/iommu"))
		return 0;
	dir_each(gfd, cdev_fn, &c);
	for (size_t i = 0; i < c.n; i++)
		if (!root_exists(ctx, nodes[i]))
			return 0;
	return c.n;
}

static int trial_result(struct vfioadm_trial *t, const struct vfio_steps *s, const char *access, int r)
{
	snprintf(t->access, sizeof(t->access), "%s", access);
	snprintf(t->step, sizeof(t->step), "%s", s->step);
	snprintf(t->node, sizeof(t->node), "%s", s->node);
	/* opening a node is not the kernel's verdict on the group: the caller could not ask */
	if (streq(s->step, "open") || (r == -EBUSY && streq(s->step, "VFIO_GROUP_GET_STATUS")))
		return r;
	t->err = -r;
	/* type1's attach and iommufd's bind/attach refuse with EPERM for one reason only: MSIs
	 * the platform cannot isolate (no interrupt remapping), unless allow_unsafe_interrupts */
	t->no_intremap = r == -EPERM && !t->noiommu;
	return 0;
}

EXPORT int vfioadm_try_group(struct vfioadm_ctx *ctx, int group, struct vfioadm_trial *t)
{
	char node[VFIOADM_PATH_MAX];
	memset(t, 0, sizeof(*t));
	if (ctx->root[0])
		return -EOPNOTSUPP;
	snprintf(node, sizeof(node), "/dev/vfio/noiommu-%d", group);
	t->noiommu = root_exists(ctx, node);
	snprintf(node, sizeof(node), "/dev/vfio/%d", group);
	if (!t->noiommu && !root_exists(ctx, node))
		return -ENOENT;
	struct vfio_steps s = { 0 };
	int r = vfio_group_attach(ctx, group, t->noiommu, &s);
	vfio_steps_close(&s);
	if (r < 0)
		return trial_result(t, &s, "group", r);
	snprintf(t->access, sizeof(t->access), "group");
	if (t->noiommu)
		return 0;
	char(*nodes)[VFIOADM_PATH_MAX] = calloc(64, sizeof(*nodes));
	if (!nodes)
		return -ENOMEM;
	size_t n = group_cdevs(ctx, group, nodes, 64);
	for (size_t i = 0; i < n && r == 0; i++) {
		t->cdev_tried = true;
		r = try_cdev(ctx, nodes[i], &s);
	}
	free(nodes);
	return r < 0 ? trial_result(t, &s, "cdev", r) : 0;
}
