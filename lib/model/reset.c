/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a VMM will meet when it resets a group's functions: a function the kernel can reset in
 * no way (no "reset" attribute: the kernel shows it only where some method works), whose state
 * then carries over from one VM to the next; and one that only a bus reset resets, which
 * resets every other function on that bus too (QEMU needs them all in its hands for it).
 */
#include <fcntl.h>

#include "model/model.h"

struct reset_scan {
	struct vfioadm_ctx *ctx;
	struct vfioadm_report *r;
	const char *self;          /* siblings_fn: the function whose bus is reset */
	size_t bus_len;            /* siblings_fn: its "DDDD:BB" */
	char list[160];            /* siblings_fn: the others on its bus */
};

/* Only bus-wide methods ("bus", "cxl_bus") in the kernel's list: no function-level reset. */
static bool bus_reset_only(const char *methods)
{
	char buf[128];
	strscpy(buf, sizeof(buf), methods);
	bool any = false;
	for (char *save = NULL, *w = strtok_r(buf, " \n", &save); w; w = strtok_r(NULL, " \n", &save)) {
		if (!streq(w, "bus") && !streq(w, "cxl_bus"))
			return false;
		any = true;
	}
	return any;
}

static int siblings_fn(void *data, const char *name)
{
	struct reset_scan *s = data;
	if (streq(name, s->self) || strncmp(name, s->self, s->bus_len) || name[s->bus_len] != ':')
		return 0;
	size_t used = strlen(s->list);
	snprintf(s->list + used, sizeof(s->list) - used, "%s%s", used ? " " : "", name);
	return 0;
}

static int bus_siblings(struct reset_scan *s, const char *bdf)
{
	_cleanup_close_ int dfd = root_open(s->ctx, "/sys/bus/pci/devices", O_RDONLY | O_DIRECTORY);
	if (dfd < 0)
		return dfd;
	s->self = bdf;
	s->bus_len = (size_t)(strrchr(bdf, ':') - bdf);
	s->list[0] = '\0';
	int r = dir_each(dfd, siblings_fn, s);
	if (r < 0 || !s->list[0])
		return r;
	return report_add(s->r, VFIOADM_BLOCK_BUS_RESET, bdf, s->list, 0, false);
}

static int member_fn(void *data, const char *name)
{
	struct reset_scan *s = data;
	char path[128], methods[128];
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", name);
	_cleanup_close_ int mfd = root_open(s->ctx, path, O_RDONLY | O_DIRECTORY);
	if (mfd < 0)
		return 0; /* removed meanwhile */
	if (faccessat(mfd, "reset", F_OK, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? report_add(s->r, VFIOADM_BLOCK_NO_RESET, name, "", 0, false) : 0;
	if (attr_read(mfd, "reset_method", methods, sizeof(methods)) < 0 || !bus_reset_only(methods))
		return 0; /* before 5.15 the kernel does not say which method it uses */
	return bus_siblings(s, name);
}

EXPORT int vfioadm_check_reset(struct vfioadm_ctx *ctx, int group, struct vfioadm_report **ret)
{
	char gdir[GROUP_DIR_MAX];
	_cleanup_close_ int gfd = group_devices_open(ctx, group, gdir);
	if (gfd < 0)
		return gfd;
	struct vfioadm_report *r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	struct reset_scan s = { .ctx = ctx, .r = r };
	int rr = dir_each(gfd, member_fn, &s);
	if (rr < 0) {
		vfioadm_report_free(r);
		return rr;
	}
	*ret = r;
	return 0;
}
