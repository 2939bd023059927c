/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a VFIO device fd exposes, asked the way a VMM asks, no DMA mappings made. Two ways to
 * the fd: the device cdev (Linux 6.6+ with CONFIG_VFIO_DEVICE_CDEV: /dev/vfio/devices/vfioX
 * bound to an iommufd, what current QEMU prefers) and the legacy group model (container,
 * VFIO_TYPE1v2_IOMMU, VFIO_GROUP_GET_DEVICE_FD). Region offsets inside the fd are the driver's
 * private layout, so every one is read with VFIO_DEVICE_GET_REGION_INFO.
 */
#include <fcntl.h>
#include <sys/ioctl.h>

#include "vfio-cdev.h"

#include "cap/cap.h"

EXPORT struct vfioadm_probe *vfioadm_probe_free(struct vfioadm_probe *p)
{
	if (!p)
		return NULL;
	for (uint32_t i = 0; p->regions && i < p->num_regions; i++)
		free(p->regions[i].sparse);
	free(p->regions);
	free(p->irqs);
	free(p);
	return NULL;
}

static void region_name(const struct vfioadm_probe *p, struct vfioadm_region *r)
{
	static const char *const pci_names[] = { "BAR0", "BAR1", "BAR2", "BAR3", "BAR4", "BAR5",
						 "ROM", "CONFIG", "VGA" };
	if (r->has_type)
		snprintf(r->name, sizeof(r->name), "type %u/%u", r->type, r->subtype);
	else if ((p->flags & VFIO_DEVICE_FLAGS_PCI) && r->index < ARRAY_SIZE(pci_names))
		strcpy(r->name, pci_names[r->index]);
	else
		snprintf(r->name, sizeof(r->name), "region %u", r->index);
}

/* Walk a region's capability chain (offsets are from the start of the info struct). */
static int region_caps(const struct vfio_region_info *info, struct vfioadm_region *r)
{
	uint32_t off = info->cap_offset;
	for (int hops = 0; off && off + sizeof(struct vfio_info_cap_header) <= info->argsz && hops < 32; hops++) {
		const struct vfio_info_cap_header *h = (const void *)((const char *)info + off);
		if (h->id == VFIO_REGION_INFO_CAP_SPARSE_MMAP) {
			const struct vfio_region_info_cap_sparse_mmap *s = (const void *)h;
			if (off + sizeof(*s) + s->nr_areas * sizeof(s->areas[0]) > info->argsz)
				return -EBADMSG;
			r->sparse = calloc(s->nr_areas ? s->nr_areas : 1, sizeof(*r->sparse));
			if (!r->sparse)
				return -ENOMEM;
			for (uint32_t i = 0; i < s->nr_areas; i++)
				r->sparse[i] = (struct vfioadm_sparse_area){ s->areas[i].offset, s->areas[i].size };
			r->n_sparse = s->nr_areas;
		} else if (h->id == VFIO_REGION_INFO_CAP_TYPE) {
			const struct vfio_region_info_cap_type *t = (const void *)h;
			r->has_type = true;
			r->type = t->type;
			r->subtype = t->subtype;
		} else if (h->id == VFIO_REGION_INFO_CAP_MSIX_MAPPABLE) {
			r->msix_mappable = true;
		}
		off = h->next;
	}
	return 0;
}

static int read_region(int dev, uint32_t index, struct vfioadm_region *r)
{
	struct vfio_region_info base = { .argsz = sizeof(base), .index = index };
	if (ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &base) < 0)
		return -errno;
	_cleanup_free_ struct vfio_region_info *info = NULL;
	if (base.argsz > sizeof(base)) { /* capabilities follow: ask again with room for them */
		if (base.argsz > 65536 || !(info = calloc(1, base.argsz)))
			return -ENOMEM;
		info->argsz = base.argsz;
		info->index = index;
		if (ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, info) < 0)
			return -errno;
	}
	const struct vfio_region_info *i = info ? info : &base;
	r->index = index;
	r->size = i->size;
	r->offset = i->offset;
	r->flags = i->flags;
	r->read = i->flags & VFIO_REGION_INFO_FLAG_READ;
	r->write = i->flags & VFIO_REGION_INFO_FLAG_WRITE;
	r->mmap = i->flags & VFIO_REGION_INFO_FLAG_MMAP;
	return (i->flags & VFIO_REGION_INFO_FLAG_CAPS) ? region_caps(i, r) : 0;
}

static int read_irq(int dev, const struct vfioadm_probe *p, uint32_t index, struct vfioadm_irq *q)
{
	static const char *const pci_irqs[] = { "INTx", "MSI", "MSI-X", "ERR", "REQ" };
	struct vfio_irq_info info = { .argsz = sizeof(info), .index = index };
	/* EINVAL: an index this device does not implement (ERR off PCIe, MSI-X on mtty): count 0 */
	if (ioctl(dev, VFIO_DEVICE_GET_IRQ_INFO, &info) < 0 && errno != EINVAL)
		return -errno;
	q->index = index;
	q->count = info.count;
	q->flags = info.flags;
	if ((p->flags & VFIO_DEVICE_FLAGS_PCI) && index < ARRAY_SIZE(pci_irqs))
		strcpy(q->name, pci_irqs[index]);
	else
		snprintf(q->name, sizeof(q->name), "irq%u", index % 1000);
	return 0;
}

/* "Not supported" is an answer, not an error: probe each feature. */
static bool feature_probe(int dev, uint32_t feature, uint32_t direction)
{
	struct vfio_device_feature f = { .argsz = sizeof(f), .flags = VFIO_DEVICE_FEATURE_PROBE | direction | feature };
	return ioctl(dev, VFIO_DEVICE_FEATURE, &f) == 0;
}

static void read_features(int dev, struct vfioadm_probe *p)
{
	/* the feature header, then its data: kept in one 8-byte-aligned buffer */
	uint64_t buf[(sizeof(struct vfio_device_feature) + sizeof(struct vfio_device_feature_migration) + 7) / 8] = { 0 };
	struct vfio_device_feature *f = (struct vfio_device_feature *)buf;
	f->argsz = sizeof(buf);
	f->flags = VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIGRATION;
	if (ioctl(dev, VFIO_DEVICE_FEATURE, f) == 0) {
		const struct vfio_device_feature_migration *m = (const void *)f->data;
		p->migration = true;
		p->migration_flags = m->flags;
	}
	p->low_power = feature_probe(dev, VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, VFIO_DEVICE_FEATURE_SET);
	p->dma_logging = feature_probe(dev, VFIO_DEVICE_FEATURE_DMA_LOGGING_START, VFIO_DEVICE_FEATURE_SET);
}

static int read_device(struct vfioadm_ctx *ctx, int dev, struct vfioadm_probe *p)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	if (ioctl(dev, VFIO_DEVICE_GET_INFO, &info) < 0) {
		dbg(ctx, "%s: VFIO_DEVICE_GET_INFO: %m", p->device);
		return -errno;
	}
	p->flags = info.flags;
	p->regions = calloc(info.num_regions ? info.num_regions : 1, sizeof(*p->regions));
	p->irqs = calloc(info.num_irqs ? info.num_irqs : 1, sizeof(*p->irqs));
	if (!p->regions || !p->irqs)
		return -ENOMEM;
	for (uint32_t i = 0; i < info.num_regions; i++, p->num_regions++) {
		int r = read_region(dev, i, &p->regions[i]);
		if (r == -EINVAL) /* an index the device does not implement (VGA on most) */
			p->regions[i].index = i;
		else if (r < 0)
			return r;
		region_name(p, &p->regions[i]);
	}
	for (uint32_t i = 0; i < info.num_irqs; i++, p->num_irqs++) {
		int r = read_irq(dev, p, i, &p->irqs[i]);
		if (r < 0) {
			dbg(ctx, "%s: VFIO_DEVICE_GET_IRQ_INFO(%u): %s", p->device, i, strerror(-r));
			return r;
		}
	}
	read_features(dev, p);
	return 0;
}

/* Where the device lives in sysfs, and its IOMMU group. */
static int locate(struct vfioadm_ctx *ctx, const char *device, char path[PATH_MAX], char name[VFIOADM_UUID_LEN],
		  bool *is_mdev)
{
	char bdf[VFIOADM_BDF_MAX];
	*is_mdev = vfioadm_uuid_valid(device);
	if (*is_mdev) {
		strscpy(name, VFIOADM_UUID_LEN, device);
		snprintf(path, PATH_MAX, "/sys/bus/mdev/devices/%s", device);
	} else if (vfioadm_bdf_normalize(device, bdf) == 0) {
		strscpy(name, VFIOADM_UUID_LEN, bdf);
		snprintf(path, PATH_MAX, "/sys/bus/pci/devices/%s", bdf);
	} else {
		return -EINVAL;
	}
	return root_exists(ctx, path) ? 0 : -ENODEV;
}

static int open_group_device(struct vfioadm_ctx *ctx, struct vfioadm_probe *p, bool noiommu,
			     struct vfio_steps *s)
{
	int r = vfio_group_attach(ctx, p->iommu_group, noiommu, s);
	if (r < 0)
		return r;
	strcpy(p->access, "group");
	int fd = ioctl(s->group, VFIO_GROUP_GET_DEVICE_FD, p->device);
	if (fd < 0)
		dbg(ctx, "%s: VFIO_GROUP_GET_DEVICE_FD: %m", p->device);
	return fd < 0 ? -errno : fd;
}

/* The cdev model: open the device's own node and bind it to a fresh iommufd. Until that bind
 * the kernel answers every other ioctl with EINVAL; no IOAS is attached (no DMA is mapped). */
static int open_cdev_device(struct vfioadm_ctx *ctx, struct vfioadm_probe *p, const char *cdev,
			    struct vfio_steps *s)
{
	int fd = vfio_cdev_bind(ctx, cdev, s);
	if (fd >= 0)
		strcpy(p->access, "cdev");
	return fd;
}

/* The device's cdev node, when the kernel made one (vfio-dev/vfioX and /dev/vfio/devices/vfioX)
 * and has iommufd to bind it to; "" otherwise. */
static void find_cdev(struct vfioadm_ctx *ctx, int dfd, char node[VFIOADM_PATH_MAX])
{
	char name[32];
	node[0] = '\0';
	if (dir_first(dfd, "vfio-dev", "vfio", name, sizeof(name)) > 0)
		snprintf(node, VFIOADM_PATH_MAX, "/dev/vfio/devices/%.28s", name);
	if (node[0] && (!root_exists(ctx, node) || !root_exists(ctx, "/dev/iommu")))
		node[0] = '\0';
}

/* Where the device is, that it is on VFIO, its group; -ENXIO when not a VFIO device. */
static int inspect(struct vfioadm_ctx *ctx, const char *device, struct vfioadm_probe *p,
		   char cdev[VFIOADM_PATH_MAX])
{
	char path[PATH_MAX], group[16], driver[VFIOADM_NAME_MAX] = "";
	bool is_mdev;
	int r = locate(ctx, device, path, p->device, &is_mdev);
	if (r < 0)
		return r;
	_cleanup_close_ int dfd = root_open(ctx, path, O_RDONLY | O_DIRECTORY);
	if (dfd < 0)
		return dfd;
	_cleanup_close_ int vdev = dir_openat(dfd, "vfio-dev");
	link_basename(dfd, "driver", driver, sizeof(driver));
	/* a PCI function must be on a VFIO driver; an mdev is a VFIO device once bound */
	if ((!is_mdev && !(driver[0] && driver_is_vfio(ctx, dfd, driver, vdev >= 0))) || (is_mdev && !driver[0]))
		return -ENXIO;
	p->iommu_group = link_basename(dfd, "iommu_group", group, sizeof(group)) >= 0 ? atoi(group) : -1;
	if (p->iommu_group < 0)
		return -ENXIO;
	find_cdev(ctx, dfd, cdev);
	return 0;
}

EXPORT int vfioadm_probe_device_via(struct vfioadm_ctx *ctx, const char *device, enum vfioadm_access access,
				    struct vfioadm_probe **ret, struct vfioadm_report **ret_refusal)
{
	char cdev[VFIOADM_PATH_MAX], node[64];
	struct vfioadm_probe *p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	int r = inspect(ctx, device, p, cdev);
	if (r >= 0 && access == VFIOADM_ACCESS_CDEV && !cdev[0])
		r = -EOPNOTSUPP;
	struct vfioadm_report *rep = NULL;
	if (r >= 0 && (r = vfioadm_check_group(ctx, p->iommu_group, 0, &rep)) >= 0 &&
	    !vfioadm_report_viable(rep)) {
		*ret_refusal = rep; /* not viable, or held: opening would fail or disturb its user */
		rep = NULL;
		r = -EBUSY;
	}
	vfioadm_report_free(rep);
	if (r >= 0) {
		snprintf(node, sizeof(node), "/dev/vfio/noiommu-%d", p->iommu_group);
		bool noiommu = root_exists(ctx, node);
		bool use_cdev = access == VFIOADM_ACCESS_CDEV || (access == VFIOADM_ACCESS_AUTO && cdev[0] && !noiommu);
		struct vfio_steps s = { 0 };
		int dev = use_cdev ? open_cdev_device(ctx, p, cdev, &s) : open_group_device(ctx, p, noiommu, &s);
		r = dev < 0 ? dev : read_device(ctx, dev, p);
		closep(&dev); /* the device first: a group with an open device cannot leave its container */
		vfio_steps_close(&s);
	}
	if (r < 0) {
		vfioadm_probe_free(p);
		return r;
	}
	*ret = p;
	return 0;
}

EXPORT int vfioadm_probe_device(struct vfioadm_ctx *ctx, const char *device, struct vfioadm_probe **ret,
				struct vfioadm_report **ret_refusal)
{
	return vfioadm_probe_device_via(ctx, device, VFIOADM_ACCESS_AUTO, ret, ret_refusal);
}
