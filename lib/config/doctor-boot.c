/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * doctor: boot (what claims devices before the configuration does, the units that apply it,
 * the initramfs that must carry it) and the VMM's user (device nodes, memlock, hugepages).
 * Users and limits are read from the files under the context's root, never from NSS, so a
 * captured tree answers for its own host.
 */
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>

#include "config/config.h"

static size_t configured(const struct vfioadm_config *cfg)
{
	return cfg ? cfg->n_devices + cfg->n_sriov + cfg->n_mdevs : 0;
}

/* The configuration, loaded once; NULL (and a FAIL finding) when it does not parse. */
static struct vfioadm_config *doctor_config(struct doctor *d)
{
	if (d->cfg || d->cfg_failed)
		return d->cfg;
	struct vfioadm_config_error err = { 0 };
	if (vfioadm_config_load(d->ctx, &d->cfg, &err) < 0) {
		char ev[384];
		d->cfg_failed = true;
		snprintf(ev, sizeof(ev), "%s:%d: %.160s", err.file, err.line, err.message);
		finding(d, VFIOADM_FAIL, "boot.config", ev, "fix the file ('vfioadm config show' says the same)",
			"the configuration does not load: nothing of it is applied at boot");
	}
	return d->cfg;
}

struct options_seen {
	char ids[512];
};

static int options_fn(void *data, const char *options, const char *module)
{
	struct options_seen *o = data;
	const char *p = strstr(options, "ids=");
	if (p && (streq(module, "vfio_pci") || streq(module, "vfio-pci")) && (p == options || p[-1] == ' '))
		snprintf(o->ids + strlen(o->ids), sizeof(o->ids) - strlen(o->ids), "%s%.*s", o->ids[0] ? "," : "",
			 (int)strcspn(p + 4, " "), p + 4);
	return 0;
}

/* vfio-pci.ids= (command line) and "options vfio_pci ids=" (modprobe.d) hand devices to
 * vfio-pci when it loads, before the configuration is read: no variant driver, no way back. */
int check_boot_cmdline(struct doctor *d)
{
	char cl[256] = "", ev[384], hits[160] = "";
	struct options_seen o = { "" };
	cmdline_param(d->cmdline, "vfio_pci.ids", cl, sizeof(cl));
	kmod_config_options(d->ctx, options_fn, &o);
	if (!cl[0] && !o.ids[0])
		return finding(d, VFIOADM_PASS, "boot.cmdline", "/proc/cmdline: no vfio-pci.ids=; modprobe.d: no "
			       "'options vfio_pci ids='", NULL, "nothing hands devices to vfio-pci behind the configuration's back");
	struct vfioadm_config *cfg = doctor_config(d);
	int n = 0, unconfigured = 0;
	struct vfioadm_device *dev;
	if (vfioadm_scan(d->ctx, VFIOADM_FILL_BASIC) >= 0)
		vfioadm_for_each_device(dev, d->ctx) {
			const struct vfioadm_device_info *in = vfioadm_device_get_info(dev);
			char mode[VFIOADM_NAME_MAX];
			if (!(cl[0] && vfio_ids_match(cl, &in->ids)) && !(o.ids[0] && vfio_ids_match(o.ids, &in->ids)))
				continue;
			n++;
			if (!cfg || vfioadm_config_driver(d->ctx, cfg, in->bdf, mode) != 1)
				unconfigured++;
			snprintf(hits + strlen(hits), sizeof(hits) - strlen(hits), " %s", in->bdf);
		}
	snprintf(ev, sizeof(ev), "/proc/cmdline: vfio-pci.ids=%.100s; modprobe.d: %.100s; matches:%s",
		 cl[0] ? cl : "(none)", o.ids[0] ? o.ids : "(none)", n ? hits : " no device");
	return finding(d, VFIOADM_WARN, "boot.cmdline", ev,
		       "remove vfio-pci.ids= (GRUB_CMDLINE_LINUX, modprobe.d) and declare the devices instead "
		       "('vfioadm config add BDF'): vfioadm then picks their variant driver and can give them back",
		       "vfio-pci.ids claims %d device%s at boot before the configuration is read (%d it does "
		       "not name): no variant driver, no provisioning first", n, n == 1 ? "" : "s", unconfigured);
}

int check_boot_units(struct doctor *d)
{
	struct vfioadm_config *cfg = doctor_config(d);
	unsigned on = 0;
	if (!configured(cfg))
		return finding(d, VFIOADM_PASS, "boot.units", "/etc/vfioadm.conf, /etc/vfioadm.d: no device, "
			       "VF or mdev", NULL, "nothing is configured for boot");
	int r = vfioadm_boot_units(d->ctx, &on);
	if (r == -EOPNOTSUPP)
		return finding(d, VFIOADM_WARN, "boot.units", "/run/systemd/system: absent (not booted with systemd)",
			       "run 'vfioadm apply' from your init system at boot",
			       "not a systemd host: nothing applies the configuration at boot unless the init does");
	char ev[160];
	snprintf(ev, sizeof(ev), "vfioadm-claim.service: %s; vfioadm-apply.service: %s",
		 on & VFIOADM_BOOT_CLAIM ? "enabled" : "not enabled", on & VFIOADM_BOOT_APPLY ? "enabled" : "not enabled");
	if (r < 0 || (on & (VFIOADM_BOOT_CLAIM | VFIOADM_BOOT_APPLY)) != (VFIOADM_BOOT_CLAIM | VFIOADM_BOOT_APPLY))
		return finding(d, VFIOADM_WARN, "boot.units", ev, "systemctl enable vfioadm-claim.service vfioadm-apply.service",
			       "the configuration is not applied at boot: a boot unit is not enabled");
	return finding(d, VFIOADM_PASS, "boot.units", ev, NULL, "the configuration is applied at boot");
}

static time_t mtime_of(struct doctor *d, const char *path)
{
	struct stat st;
	_cleanup_close_ int fd = root_open(d->ctx, path, O_RDONLY | O_NONBLOCK);
	return fd >= 0 && fstat(fd, &st) == 0 ? st.st_mtime : 0;
}

struct newest {
	struct doctor *d;
	time_t t;
};

static int newest_fn(void *data, const char *name)
{
	struct newest *n = data;
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "/etc/vfioadm.d/%s", name);
	time_t t = mtime_of(n->d, path);
	if (t > n->t)
		n->t = t;
	return 0;
}

/* initramfs-tools builds the image once; a configuration changed after it is not in it, and a
 * host driver in it then takes the device before the root file system (and vfioadm) is up. */
int check_initramfs(struct doctor *d)
{
	struct vfioadm_config *cfg = doctor_config(d);
	if (!configured(cfg) || !root_exists(d->ctx, "/etc/initramfs-tools"))
		return 0;
	if (!root_exists(d->ctx, "/usr/share/initramfs-tools/hooks/vfioadm"))
		return finding(d, VFIOADM_WARN, "boot.initramfs", "/usr/share/initramfs-tools/hooks/vfioadm: absent",
			       "install vfioadm with its initramfs hook (meson install, or the package), then update-initramfs -u",
			       "the initramfs does not claim configured devices: a host driver in it may take them first");
	char img[96], ev[256];
	snprintf(img, sizeof(img), "/boot/initrd.img-%.48s", vfioadm_kernel_release(d->ctx));
	time_t built = mtime_of(d, img);
	struct newest n = { d, mtime_of(d, "/etc/vfioadm.conf") };
	_cleanup_close_ int fd = root_open(d->ctx, "/etc/vfioadm.d", O_RDONLY | O_DIRECTORY);
	if (fd >= 0)
		dir_each(fd, newest_fn, &n);
	if (!built)
		return finding(d, VFIOADM_PASS, "boot.initramfs", img, NULL, "no initramfs for this kernel");
	snprintf(ev, sizeof(ev), "%s: modified %ld; newest configuration file: modified %ld", img, (long)built, (long)n.t);
	if (n.t > built)
		return finding(d, VFIOADM_WARN, "boot.initramfs", ev, "update-initramfs -u",
			       "the initramfs is older than the configuration: at boot it claims what was configured before");
	return finding(d, VFIOADM_PASS, "boot.initramfs", ev, NULL, "the initramfs is newer than the configuration");
}
