/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Is the host using this function? Its network interfaces with addresses or routes, its block
 * devices mounted, swapped on or held by dm/md, and any process with one of its device nodes
 * open. Everything is read from /sys and /proc under the context's root.
 */
#include <fcntl.h>
#include <stdio.h>

#include "model/model.h"

static FILE *root_fopen(struct vfioadm_ctx *ctx, const char *path)
{
	int fd = root_open(ctx, path, O_RDONLY);
	if (fd < 0)
		return NULL;
	FILE *f = fdopen(fd, "r");
	if (!f)
		close(fd);
	return f;
}

/* An IPv4 route through @ifname (a configured address brings its connected route). */
static bool ipv4_route_via(struct vfioadm_ctx *ctx, const char *ifname, char *detail, size_t size)
{
	_cleanup_fclose_ FILE *f = root_fopen(ctx, "/proc/net/route");
	char line[256], iface[64];
	unsigned dest, mask;
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %x %*x %*x %*d %*d %*d %x", iface, &dest, &mask) == 3 &&
		    streq(iface, ifname)) {
			snprintf(detail, size, "IPv4 route %u.%u.%u.%u/%d", dest & 0xff, (dest >> 8) & 0xff,
				 (dest >> 16) & 0xff, dest >> 24, __builtin_popcount(mask));
			return true;
		}
	return false;
}

/* A global-scope IPv6 address on @ifname (link-local ones come with every interface that is up). */
static bool ipv6_address_on(struct vfioadm_ctx *ctx, const char *ifname, char *detail, size_t size)
{
	_cleanup_fclose_ FILE *f = root_fopen(ctx, "/proc/net/if_inet6");
	char line[256], addr[40], iface[64];
	unsigned idx, plen, scope, flags;
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%39s %x %x %x %x %63s", addr, &idx, &plen, &scope, &flags, iface) == 6 &&
		    streq(iface, ifname) && scope == 0) {
			snprintf(detail, size, "IPv6 address %.4s:%.4s:…/%u", addr, addr + 4, plen);
			return true;
		}
	return false;
}

static int check_netdevs(struct vfioadm_ctx *ctx, struct vfioadm_report *r, int dfd)
{
	int nfd = dir_openat(dfd, "net");
	if (nfd < 0)
		return 0;
	_cleanup_closedir_ DIR *d = fdopendir(nfd);
	if (!d) {
		close(nfd);
		return 0;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		char detail[96];
		if (de->d_name[0] == '.')
			continue;
		if (ipv4_route_via(ctx, de->d_name, detail, sizeof(detail)) ||
		    ipv6_address_on(ctx, de->d_name, detail, sizeof(detail))) {
			int rr = report_add(r, VFIOADM_BLOCK_NETDEV, de->d_name, detail, 0, true);
			if (rr < 0)
				return rr;
		}
	}
	return 0;
}

struct blockdev {
	char name[32];
	char majmin[16];
};

/* Is majmin mounted? Returns the mount point in @where. */
static bool mounted(struct vfioadm_ctx *ctx, const char *majmin, char *where, size_t size)
{
	_cleanup_fclose_ FILE *f = root_fopen(ctx, "/proc/self/mountinfo");
	char line[1024], mm[32], point[512];
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*d %*d %31s %*s %511s", mm, point) == 2 && streq(mm, majmin)) {
			snprintf(where, size, "mounted on %.140s", point);
			return true;
		}
	return false;
}

static bool swapped_on(struct vfioadm_ctx *ctx, const char *name)
{
	_cleanup_fclose_ FILE *f = root_fopen(ctx, "/proc/swaps");
	char line[512], dev[256], want[300];
	snprintf(want, sizeof(want), "/dev/%s", name);
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%255s", dev) == 1 && streq(dev, want))
			return true;
	return false;
}

static bool held(struct vfioadm_ctx *ctx, const char *name, char *detail, size_t size)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "/sys/class/block/%s/holders", name);
	_cleanup_closedir_ DIR *d = NULL;
	if (root_opendir(ctx, path, &d) < 0)
		return false;
	struct dirent *de;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.') {
			snprintf(detail, size, "held by %.140s", de->d_name);
			return true;
		}
	return false;
}

/* Is a /sys/class/block link target below @needle ("/<bdf>/", or "/<head>" for a head)? */
static bool target_below(const char *target, const char *needle, bool whole_dir)
{
	const char *p = strstr(target, needle);
	if (!p || whole_dir)
		return p != NULL;
	p += strlen(needle);
	return *p == '\0' || *p == '/';
}

/*
 * The block devices of this function: disks and partitions below it in sysfs, and — with
 * native NVMe multipath, where the namespace is a head under /sys/devices/virtual — the head
 * of each path disk it carries: nvme<S>c<C>n<N> belongs to nvme<S>n<N> (nvme_set_disk_name).
 */
static int find_blockdevs(struct vfioadm_ctx *ctx, const char *bdf, char (*names)[32], size_t *n, size_t max)
{
	_cleanup_closedir_ DIR *d = NULL;
	if (root_opendir(ctx, "/sys/class/block", &d) < 0)
		return 0;
	char needle[VFIOADM_BDF_MAX + 2], heads[8][32];
	size_t n_heads = 0;
	snprintf(needle, sizeof(needle), "/%s/", bdf);
	for (int pass = 0; pass < 2; pass++) {
		struct dirent *de;
		rewinddir(d);
		while ((de = readdir(d)) && *n < max) {
			char target[PATH_MAX];
			ssize_t len = readlinkat(dirfd(d), de->d_name, target, sizeof(target) - 1);
			if (len <= 0 || strlen(de->d_name) >= 32)
				continue;
			target[len] = '\0';
			bool mine = pass == 0 ? target_below(target, needle, true) : false;
			for (size_t h = 0; pass == 1 && h < n_heads && !mine; h++) {
				char hn[40];
				snprintf(hn, sizeof(hn), "/%s", heads[h]);
				mine = target_below(target, hn, false);
			}
			if (!mine)
				continue;
			strcpy(names[(*n)++], de->d_name);
			unsigned s, c, ns;
			char tail;
			if (pass == 0 && n_heads < 8 &&
			    sscanf(de->d_name, "nvme%uc%un%u%c", &s, &c, &ns, &tail) == 3)
				snprintf(heads[n_heads++], sizeof(heads[0]), "nvme%un%u", s, ns);
		}
	}
	return 0;
}

static int check_blockdevs(struct vfioadm_ctx *ctx, struct vfioadm_report *r, const char *bdf,
			   char (*nodes)[VFIOADM_PATH_MAX], size_t *n_nodes, size_t max_nodes)
{
	char names[32][32];
	size_t n = 0;
	find_blockdevs(ctx, bdf, names, &n, 32);
	for (size_t i = 0; i < n; i++) {
		char path[PATH_MAX], majmin[16], detail[160];
		if (*n_nodes < max_nodes)
			snprintf(nodes[(*n_nodes)++], VFIOADM_PATH_MAX, "/dev/%.40s", names[i]);
		snprintf(path, sizeof(path), "/sys/class/block/%s", names[i]);
		_cleanup_close_ int bfd = root_open(ctx, path, O_RDONLY | O_DIRECTORY);
		if (bfd < 0 || attr_read(bfd, "dev", majmin, sizeof(majmin)) < 0)
			continue;
		bool busy = mounted(ctx, majmin, detail, sizeof(detail));
		if (!busy && swapped_on(ctx, names[i])) {
			snprintf(detail, sizeof(detail), "in use as swap");
			busy = true;
		}
		if (!busy)
			busy = held(ctx, names[i], detail, sizeof(detail));
		if (busy) {
			char subject[64];
			snprintf(subject, sizeof(subject), "/dev/%.58s", names[i]);
			int rr = report_add(r, VFIOADM_BLOCK_BLOCKDEV, subject, detail, 0, true);
			if (rr < 0)
				return rr;
		}
	}
	return 0;
}

/* Character nodes of class devices below the function (/dev/nvme0 for an nvme controller). */
static void char_nodes(int dfd, const char *cls, char (*nodes)[VFIOADM_PATH_MAX], size_t *n,
		       size_t max)
{
	int cfd = dir_openat(dfd, cls);
	if (cfd < 0)
		return;
	DIR *d = fdopendir(cfd);
	if (!d) {
		close(cfd);
		return;
	}
	struct dirent *de;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && *n < max)
			snprintf(nodes[(*n)++], VFIOADM_PATH_MAX, "/dev/%.40s", de->d_name);
	closedir(d);
}

/* What of the host still uses this function, from a state the caller has just read. Only a
 * host driver makes interfaces, disks or nvme nodes: with no driver, or a VFIO one, the only
 * thing left to look for is a process holding its VFIO nodes. */
int in_use_report(struct vfioadm_ctx *ctx, const struct vfioadm_device_info *info,
		  struct vfioadm_report **ret)
{
	int rr = 0;
	struct vfioadm_report *r = calloc(1, sizeof(*r));
	enum { MAX_NODES = 64 };
	char (*nodes)[VFIOADM_PATH_MAX] = calloc(MAX_NODES, sizeof(*nodes));
	const char *paths[MAX_NODES + 1] = { 0 };
	size_t n = 0;
	if (!r || !nodes) {
		rr = -ENOMEM;
		goto out;
	}
	if (info->vfio.group_node[0])
		strcpy(nodes[n++], info->vfio.group_node);
	if (info->vfio.cdev[0])
		strcpy(nodes[n++], info->vfio.cdev);
	if (info->driver[0] && !info->vfio.bound) {
		char path[64];
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", info->bdf);
		_cleanup_close_ int dfd = root_open(ctx, path, O_RDONLY | O_DIRECTORY);
		if (dfd < 0) {
			rr = dfd;
			goto out;
		}
		char_nodes(dfd, "nvme", nodes, &n, MAX_NODES);
		if ((rr = check_netdevs(ctx, r, dfd)) < 0 ||
		    (rr = check_blockdevs(ctx, r, info->bdf, nodes, &n, MAX_NODES)) < 0)
			goto out;
	}
	for (size_t i = 0; i < n; i++)
		paths[i] = nodes[i];
	rr = report_holders(ctx, r, paths);
out:
	free(nodes);
	if (rr < 0) {
		vfioadm_report_free(r);
		return rr;
	}
	*ret = r;
	return 0;
}

EXPORT int vfioadm_check_in_use(struct vfioadm_ctx *ctx, const char *bdf, struct vfioadm_report **ret)
{
	struct vfioadm_device *dev;
	int r = vfioadm_device_read(ctx, bdf, VFIOADM_FILL_BASIC, &dev);
	if (r < 0)
		return r;
	r = in_use_report(ctx, vfioadm_device_get_info(dev), ret);
	vfioadm_device_free(dev);
	return r;
}
