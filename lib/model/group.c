/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * IOMMU-group viability (kernel >= 5.19): every member unbound or on a driver that declares
 * driver_managed_dma — any VFIO driver (the member has vfio-dev/), pci-stub, pcieport — and
 * nobody holding the group node or a member's VFIO cdev open.
 */
#include <fcntl.h>

#include "model/model.h"

/* pci-stub, pcieport and every VFIO driver declare driver_managed_dma */
static bool driver_manages_dma(struct vfioadm_ctx *ctx, int mfd, const char *driver, bool has_vfio_dev)
{
	if (!*driver || streq(driver, "pci-stub") || streq(driver, "pcieport"))
		return true;
	return driver_is_vfio(ctx, mfd, driver, has_vfio_dev);
}

/* One member: a blocker if its driver uses the DMA API; its cdev node, for the holder scan. */
static int check_member(struct vfioadm_ctx *ctx, struct vfioadm_report *r, const char *gdir,
			const char *name, char cdev[VFIOADM_PATH_MAX])
{
	char path[PATH_MAX], driver[VFIOADM_NAME_MAX] = "";
	snprintf(path, sizeof(path), "%s/%s", gdir, name);
	_cleanup_close_ int mfd = root_open(ctx, path, O_RDONLY | O_DIRECTORY);
	if (mfd < 0)
		return 0; /* removed meanwhile */
	if (link_basename(mfd, "driver", driver, sizeof(driver)) < 0)
		driver[0] = '\0';
	char vname[32];
	int has = dir_first(mfd, "vfio-dev", "vfio", vname, sizeof(vname));
	cdev[0] = '\0';
	if (has > 0)
		snprintf(cdev, VFIOADM_PATH_MAX, "/dev/vfio/devices/%.28s", vname);
	if (driver_manages_dma(ctx, mfd, driver, has >= 0))
		return 0;
	return report_add(r, VFIOADM_BLOCK_GROUP_MEMBER, name, driver, 0, false);
}

struct members {
	struct vfioadm_ctx *ctx;
	struct vfioadm_report *r;
	const char *gdir;
	char (*nodes)[VFIOADM_PATH_MAX]; /* group nodes, then each member's cdev */
	size_t n;
};

static int member_fn(void *data, const char *name)
{
	struct members *m = data;
	int rr = check_member(m->ctx, m->r, m->gdir, name, m->nodes[m->n]);
	if (rr >= 0 && m->nodes[m->n][0] && m->n < 65)
		m->n++;
	return rr < 0 ? rr : 0;
}

static int blocker_cmp(const void *a, const void *b)
{
	const struct vfioadm_blocker *x = a, *y = b;
	if (x->kind != y->kind)
		return (int)x->kind - (int)y->kind;
	return strcmp(x->subject, y->subject);
}

int group_devices_open(struct vfioadm_ctx *ctx, int group, char gdir[GROUP_DIR_MAX])
{
	snprintf(gdir, GROUP_DIR_MAX, "/sys/kernel/iommu_groups/%d/devices", group);
	return root_open(ctx, gdir, O_RDONLY | O_DIRECTORY);
}

EXPORT int vfioadm_check_group(struct vfioadm_ctx *ctx, int group, unsigned flags,
			       struct vfioadm_report **ret)
{
	char gdir[GROUP_DIR_MAX];
	_cleanup_close_ int gfd = group_devices_open(ctx, group, gdir);
	if (gfd < 0)
		return gfd;
	struct vfioadm_report *r = calloc(1, sizeof(*r));
	char (*nodes)[VFIOADM_PATH_MAX] = calloc(66, sizeof(*nodes));
	const char *paths[67] = { 0 };
	if (!r || !nodes) {
		free(nodes);
		vfioadm_report_free(r);
		return -ENOMEM;
	}
	struct members m = { ctx, r, gdir, nodes, 0 };
	snprintf(nodes[m.n++], VFIOADM_PATH_MAX, "/dev/vfio/%d", group);
	snprintf(nodes[m.n++], VFIOADM_PATH_MAX, "/dev/vfio/noiommu-%d", group);
	int rr = dir_each(gfd, member_fn, &m);
	size_t n = m.n;
	for (size_t i = 0; i < n; i++)
		paths[i] = nodes[i];
	if (rr >= 0 && !(flags & VFIOADM_CHECK_NO_HOLDERS))
		rr = report_holders(ctx, r, paths);
	if (rr >= 0 && root_exists(ctx, nodes[1])) /* /dev/vfio/noiommu-N: usable, not isolated */
		rr = report_add(r, VFIOADM_BLOCK_NOIOMMU_MODE, nodes[1], "", 0, false);
	if (rr >= 0 && r->n > 0)
		qsort(r->v, r->n, sizeof(*r->v), blocker_cmp);
	free(nodes);
	if (rr < 0) {
		vfioadm_report_free(r);
		return rr;
	}
	*ret = r;
	return 0;
}

/* With remapping on, x86's interrupt chips are the remapping domain's: "IR-IO-APIC",
 * "IR-PCI-MSI", "IR-PCI-MSIX-0000:…" in /proc/interrupts (Intel and AMD alike). */
bool intremap_seen(struct vfioadm_ctx *ctx)
{
	_cleanup_close_ int fd = root_open(ctx, "/proc/interrupts", O_RDONLY | O_NONBLOCK);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "r");
	if (!f)
		return false;
	fd = -EBADF;
	char *line = NULL;
	size_t cap = 0;
	bool seen = false;
	ssize_t len;
	/* a host's is a few KiB per CPU; a captured tree's may be anything: 4 MiB at most */
	for (size_t total = 0; !seen && total < (4u << 20) && (len = getline(&line, &cap, f)) > 0; total += (size_t)len)
		seen = strstr(line, " IR-") != NULL;
	free(line);
	fclose(f);
	return seen;
}

static bool param_yes(struct vfioadm_ctx *ctx, const char *module)
{
	char path[96], v[8] = "";
	snprintf(path, sizeof(path), "/sys/module/%s/parameters/allow_unsafe_interrupts", module);
	_cleanup_close_ int fd = root_open(ctx, path, O_RDONLY | O_NONBLOCK);
	return fd >= 0 && attr_read(fd, "", v, sizeof(v)) > 0 && streq(v, "Y");
}

EXPORT int vfioadm_intremap_state(struct vfioadm_ctx *ctx)
{
	if (!root_exists(ctx, "/sys/firmware/acpi/tables/DMAR") && !root_exists(ctx, "/sys/firmware/acpi/tables/IVRS"))
		return -ENOENT;
	if (intremap_seen(ctx))
		return 1;
	return param_yes(ctx, "vfio_iommu_type1") || param_yes(ctx, "iommufd") ? 2 : 0;
}

EXPORT int vfioadm_report_intremap(struct vfioadm_ctx *ctx, struct vfioadm_report *r)
{
	if (vfioadm_intremap_state(ctx) != 0)
		return 0;
	int rr = report_add(r, VFIOADM_BLOCK_NO_INTREMAP, "/proc/interrupts",
			    "no IR- interrupt chip, allow_unsafe_interrupts off", 0, false);
	return rr < 0 ? rr : 1;
}
