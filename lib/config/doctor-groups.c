/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * doctor: group hygiene. A group of several devices can only go to a VM whole; the kernel
 * merges devices when nothing between them (ACS on the bridge above, or in a multi-function
 * device) stops peer-to-peer DMA from bypassing the IOMMU. Say which groups, and where the
 * ACS is missing, read from config space (the extended capability list needs root).
 */
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

#include "config/config.h"

#define PCI_EXT_CAP_ACS 0x0d

/* 1: @bdf has an ACS capability; 0: none; 2: a 256-byte config space (conventional PCI, or a
 * kernel without extended config access) has no extended capabilities, ACS among them;
 * -1: unknown (beyond 64 bytes, config space is root's). */
static int has_acs(struct doctor *d, const char *bdf)
{
	char path[96];
	unsigned char cfg[4096];
	struct stat st;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	_cleanup_close_ int fd = root_open(d->ctx, path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0)
		return -1;
	if (st.st_size > 0 && st.st_size <= 256)
		return 2;
	ssize_t n = pread(fd, cfg, sizeof(cfg), 0);
	if (n < 0x104)
		return -1;
	return pci_ext_cap_find(cfg, (size_t)n, PCI_EXT_CAP_ACS) ? 1 : 0;
}

struct members {
	struct doctor *d;
	char bdf[16][VFIOADM_BDF_MAX];
	char path[16][PATH_MAX]; /* where each endpoint sits in /sys/devices */
	int n, more;
};

static bool is_pci_bridge(struct doctor *d, const char *bdf)
{
	char path[96], cls[16];
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/class", bdf);
	if (doctor_read(d, path, cls, sizeof(cls)) <= 0)
		return false;
	unsigned long c = strtoul(cls, NULL, 16) >> 8;
	return c == 0x0604 || c == 0x0609; /* PCI-to-PCI, semi-transparent */
}

static int member_fn(void *data, const char *name)
{
	struct members *m = data;
	char link[96], norm[VFIOADM_BDF_MAX];
	if (vfioadm_bdf_normalize(name, norm) < 0 || is_pci_bridge(m->d, norm))
		return 0; /* a bridge in the group is no obstacle: it stays on pcieport */
	if (m->n == ARRAY_SIZE(m->bdf)) {
		m->more++;
		return 0;
	}
	snprintf(link, sizeof(link), "/sys/bus/pci/devices/%s", norm);
	_cleanup_close_ int fd = root_open(m->d->ctx, link, O_PATH | O_DIRECTORY);
	char proc[64];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	ssize_t len = fd < 0 ? -1 : readlink(proc, m->path[m->n], sizeof(m->path[0]) - 1);
	m->path[m->n][len > 0 ? len : 0] = '\0';
	strscpy(m->bdf[m->n++], VFIOADM_BDF_MAX, norm);
	return 0;
}

static int bdf_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The bridge above all members: the last BDF their /sys/devices paths have in common. */
static void common_bridge(const struct members *m, char out[VFIOADM_BDF_MAX])
{
	size_t len = strlen(m->path[0]);
	for (int i = 1; i < m->n; i++) {
		size_t k = 0;
		while (k < len && m->path[0][k] == m->path[i][k])
			k++;
		len = k;
	}
	char prefix[PATH_MAX];
	snprintf(prefix, sizeof(prefix), "%.*s", (int)len, m->path[0]);
	char *slash = strrchr(prefix, '/');
	out[0] = '\0';
	if (slash && prefix + strlen(prefix) - 1 != slash)
		*slash = '\0'; /* the common part ended inside a component */
	slash = strrchr(prefix, '/');
	if (slash && vfioadm_bdf_normalize(slash + 1, out) < 0)
		out[0] = '\0';
}

static int report_group(struct doctor *d, const char *group, struct members *m)
{
	char list[160] = "", ev[320], where[VFIOADM_BDF_MAX];
	qsort(m->bdf, (size_t)m->n, sizeof(m->bdf[0]), bdf_cmp);
	for (int i = 0; i < m->n; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? " " : "", m->bdf[i]);
	bool one_slot = true;
	for (int i = 1; i < m->n; i++)
		one_slot &= !strncmp(m->bdf[0], m->bdf[i], 10); /* dddd:bb:ss. */
	if (one_slot)
		strscpy(where, sizeof(where), m->bdf[0]);
	else
		common_bridge(m, where);
	int acs = where[0] ? has_acs(d, where) : -1;
	snprintf(ev, sizeof(ev), "/sys/kernel/iommu_groups/%s/devices: %s%s; %s %s: %s", group, list,
		 m->more ? " …" : "", one_slot ? "multi-function device" : "bridge above them",
		 where[0] ? where : "(root complex)",
		 acs < 0 ? "ACS unknown (extended config space unreadable: it needs root)" :
		 acs == 2 ? "no ACS (a 256-byte config space has no extended capabilities)" :
		 acs ? "has an ACS capability" : "no ACS capability");
	return finding(d, VFIOADM_WARN, "groups.shared", ev,
		       one_slot ? "assign the functions together ('vfioadm bind --group'), or not at all"
				: "assign them together ('vfioadm bind --group'), or move the card to a slot "
				  "whose bridge has ACS (see groups.acs_override for why not to fake it)",
		       "group %s holds %d devices: they can only be assigned together (%s)", group,
		       m->n + m->more, one_slot ? "a multi-function device without ACS between its functions" :
						  "nothing between them stops peer-to-peer DMA");
}

struct walk {
	struct doctor *d;
	int shared, r;
};

static int group_fn(void *data, const char *name)
{
	struct walk *w = data;
	char path[96];
	struct members *m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->d = w->d;
	snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%.32s/devices", name);
	_cleanup_close_ int fd = root_open(w->d->ctx, path, O_RDONLY | O_DIRECTORY);
	if (fd >= 0)
		dir_each(fd, member_fn, m);
	int r = 0;
	if (m->n + m->more > 1) {
		w->shared++;
		r = report_group(w->d, name, m);
	}
	free(m);
	return r;
}

int check_groups(struct doctor *d)
{
	if (!d->n_groups)
		return 0;
	struct walk w = { .d = d };
	_cleanup_close_ int fd = root_open(d->ctx, "/sys/kernel/iommu_groups", O_RDONLY | O_DIRECTORY);
	int r = fd < 0 ? fd : dir_each(fd, group_fn, &w);
	if (r < 0 || w.shared)
		return r < 0 ? r : 0;
	return finding(d, VFIOADM_PASS, "groups.shared", "/sys/kernel/iommu_groups/*/devices", NULL,
		       "every group holds one device (bridges aside): each can be assigned alone");
}

/* pcie_acs_override= is an out-of-tree patch: it makes the kernel split groups the hardware
 * does not isolate, so a "separate" device can still reach its neighbours' memory. */
int check_acs_override(struct doctor *d)
{
	char v[64], ev[96];
	if (!cmdline_param(d->cmdline, "pcie_acs_override", v, sizeof(v)))
		return 0;
	snprintf(ev, sizeof(ev), "/proc/cmdline: pcie_acs_override=%.48s", v);
	return finding(d, VFIOADM_WARN, "groups.acs_override", ev,
		       "drop it unless you accept that a guest can reach its group neighbours; move the "
		       "device to a slot with ACS instead",
		       "the ACS override (an out-of-tree patch) splits groups the hardware does not isolate: "
		       "fake isolation");
}
