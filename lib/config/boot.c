/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Will this configuration be applied at boot? On a host booted with systemd that takes two
 * enabled units: vfioadm-claim.service (driver_override before udev's coldplug) and
 * vfioadm-apply.service (the binds). Read from the unit directories systemctl itself writes
 * (an enabled unit is a link in TARGET.wants/; a masked one is a link to /dev/null), so no
 * systemctl process and no D-Bus: it works under --root and before systemd is up.
 */
#include <fcntl.h>

#include "config/config.h"

static const struct {
	const char *name, *target;
	unsigned flag;
} boot_units[] = {
	{ "vfioadm-claim.service", "sysinit.target", VFIOADM_BOOT_CLAIM },
	{ "vfioadm-apply.service", "multi-user.target", VFIOADM_BOOT_APPLY },
};

/* systemd's search path for system units, the order it reads them */
static const char *const unit_dirs[] = {
	"/etc/systemd/system", "/run/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system",
};

static bool unit_masked(struct vfioadm_ctx *ctx, const char *unit)
{
	char target[32];
	for (size_t i = 0; i < 2; i++) { /* masks live in /etc and /run */
		_cleanup_close_ int dfd = root_open(ctx, unit_dirs[i], O_PATH | O_DIRECTORY);
		if (dfd >= 0 && readlinkat(dfd, unit, target, sizeof(target)) == 9 && !memcmp(target, "/dev/null", 9))
			return true;
	}
	return false;
}

static bool unit_wanted(struct vfioadm_ctx *ctx, const char *unit, const char *target)
{
	char path[PATH_MAX];
	for (size_t i = 0; i < ARRAY_SIZE(unit_dirs); i++) {
		snprintf(path, sizeof(path), "%s/%s.wants/%s", unit_dirs[i], target, unit);
		_cleanup_close_ int fd = root_open(ctx, path, O_PATH | O_NOFOLLOW);
		if (fd >= 0)
			return true;
	}
	return false;
}

EXPORT int vfioadm_boot_units(struct vfioadm_ctx *ctx, unsigned *ret_enabled)
{
	*ret_enabled = 0;
	_cleanup_close_ int sd = root_open(ctx, "/run/systemd/system", O_PATH | O_DIRECTORY);
	if (sd < 0)
		return -EOPNOTSUPP; /* not booted with systemd (sd_booted()'s test): nothing to tell */
	for (size_t i = 0; i < ARRAY_SIZE(boot_units); i++)
		if (unit_wanted(ctx, boot_units[i].name, boot_units[i].target) && !unit_masked(ctx, boot_units[i].name))
			*ret_enabled |= boot_units[i].flag;
	return 0;
}
