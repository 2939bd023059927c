/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vfioadm doctor: can this host assign devices through VFIO at all? One finding per question
 * an admin asks before QEMU answers it for them, each with what was read and what to do. This
 * file: the findings list and the IOMMU, interrupt-remapping, noiommu and VFIO questions;
 * doctor-groups.c the groups; doctor-boot.c boot and the VMM's user.
 */
#include <fcntl.h>
#include <stdarg.h>

#include "config/config.h"

EXPORT struct vfioadm_findings *vfioadm_findings_free(struct vfioadm_findings *f)
{
	if (f)
		free(f->v);
	free(f);
	return NULL;
}

/* Add a finding; @what is a format. Evidence and fix are copied as given. */
int finding(struct doctor *d, enum vfioadm_verdict v, const char *id, const char *evidence,
	    const char *fix, const char *what, ...)
{
	struct vfioadm_finding *n = reallocarray(d->f->v, d->f->n + 1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	d->f->v = n;
	n += d->f->n++;
	memset(n, 0, sizeof(*n));
	n->verdict = v;
	snprintf(n->id, sizeof(n->id), "%s", id);
	snprintf(n->evidence, sizeof(n->evidence), "%s", evidence ? evidence : "");
	snprintf(n->fix, sizeof(n->fix), "%s", fix ? fix : "");
	va_list ap;
	va_start(ap, what);
	vsnprintf(n->what, sizeof(n->what), what, ap);
	va_end(ap);
	return 0;
}

/* A small host file, one trailing newline stripped. Returns its length, -errno. */
int doctor_read(struct doctor *d, const char *path, char *buf, size_t size)
{
	buf[0] = '\0';
	_cleanup_close_ int fd = root_open(d->ctx, path, O_RDONLY | O_NONBLOCK);
	int r = fd < 0 ? fd : attr_read(fd, "", buf, size);
	if (r < 0)
		buf[0] = '\0';
	return r;
}

static const struct {
	const char *table, *what;
} iommu_tables[] = {
	{ "DMAR", "Intel VT-d" }, { "IVRS", "AMD-Vi" }, { "IORT", "Arm SMMU" }, { "VIOT", "virtio-iommu" },
};

static int count_fn(void *data, const char *name)
{
	struct doctor *d = data;
	if (d->n_units < 4)
		snprintf(d->units + strlen(d->units), sizeof(d->units) - strlen(d->units), "%s%s",
			 d->n_units ? " " : "", name);
	d->n_units++;
	return 0;
}

int dir_count_fn(void *data, const char *name _unused_)
{
	(*(int *)data)++;
	return 0;
}

static int count_entries(struct vfioadm_ctx *ctx, const char *path)
{
	_cleanup_close_ int fd = root_open(ctx, path, O_RDONLY | O_DIRECTORY);
	int n = 0;
	if (fd >= 0)
		dir_each(fd, dir_count_fn, &n);
	return n;
}

static int check_iommu_firmware(struct doctor *d)
{
	char path[64], ev[160] = "";
	for (size_t i = 0; i < ARRAY_SIZE(iommu_tables); i++) {
		snprintf(path, sizeof(path), "/sys/firmware/acpi/tables/%s", iommu_tables[i].table);
		if (root_exists(d->ctx, path)) {
			d->table = iommu_tables[i].table;
			return finding(d, VFIOADM_PASS, "iommu.firmware", path, NULL,
				       "the firmware describes an IOMMU (%s table: %s)", d->table, iommu_tables[i].what);
		}
	}
	snprintf(ev, sizeof(ev), "/sys/firmware/acpi/tables: no DMAR, IVRS, IORT or VIOT table");
	if (d->n_units > 0)
		return finding(d, VFIOADM_PASS, "iommu.firmware", "/sys/class/iommu", NULL,
			       "the kernel found an IOMMU without an ACPI table (device tree): %s", d->units);
	return finding(d, VFIOADM_FAIL, "iommu.firmware", ev,
		       "enable the IOMMU in the firmware setup (Intel: VT-d; AMD: IOMMU or AMD-Vi; Arm: "
		       "SMMU); in a VM, give it a virtual IOMMU (QEMU: -M q35,kernel-irqchip=split "
		       "-device intel-iommu,intremap=on)",
		       "the firmware describes no IOMMU: no device can be isolated for VFIO");
}

/* The kernel parameter that turns the vendor's IOMMU on or off, and its fix. */
static void iommu_cmdline_fix(struct doctor *d, char *fix, size_t size)
{
	char v[32];
	const char *key = d->table && streq(d->table, "IVRS") ? "amd_iommu" : "intel_iommu";
	if (cmdline_param(d->cmdline, key, v, sizeof(v)) && streq(v, "off"))
		snprintf(fix, size, "remove %s=off from the kernel command line (GRUB_CMDLINE_LINUX in "
			 "/etc/default/grub, then update-grub) and reboot", key);
	else if (streq(key, "intel_iommu"))
		snprintf(fix, size, "add intel_iommu=on to the kernel command line (GRUB_CMDLINE_LINUX in "
			 "/etc/default/grub, then update-grub) and reboot");
	else
		snprintf(fix, size, "see 'dmesg | grep -i -e DMAR -e AMD-Vi -e IOMMU' for why the kernel did not use it");
}

static int check_iommu_kernel(struct doctor *d)
{
	char ev[256], fix[256];
	d->n_groups = count_entries(d->ctx, "/sys/kernel/iommu_groups");
	snprintf(ev, sizeof(ev), "/sys/class/iommu: %s; /sys/kernel/iommu_groups: %d groups",
		 d->n_units ? d->units : "empty", d->n_groups);
	if (d->n_units && d->n_groups)
		return finding(d, VFIOADM_PASS, "iommu.kernel", ev, NULL,
			       "the kernel uses %d IOMMU unit%s and made %d IOMMU groups", d->n_units,
			       d->n_units == 1 ? "" : "s", d->n_groups);
	if (!d->table && !d->n_units)
		return finding(d, VFIOADM_FAIL, "iommu.kernel", ev, "see iommu.firmware",
			       "the kernel uses no IOMMU, so it made no IOMMU groups");
	iommu_cmdline_fix(d, fix, sizeof(fix));
	snprintf(ev + strlen(ev), sizeof(ev) - strlen(ev), "; /proc/cmdline: %.96s", d->cmdline);
	return finding(d, VFIOADM_FAIL, "iommu.kernel", ev, fix,
		       "the firmware has an IOMMU (%s) that the kernel does not use: no IOMMU groups",
		       d->table ? d->table : "?");
}

static int check_interrupt_remapping(struct doctor *d)
{
	char v1[8], v2[8], ev[384], fix[512], cl[16];
	if (!d->n_groups || !d->table || (!streq(d->table, "DMAR") && !streq(d->table, "IVRS")))
		return 0; /* x86's question; elsewhere the MSI controller isolates (or not) */
	bool ir = intremap_seen(d->ctx);
	doctor_read(d, "/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts", v1, sizeof(v1));
	doctor_read(d, "/sys/module/iommufd/parameters/allow_unsafe_interrupts", v2, sizeof(v2));
	bool unsafe = streq(v1, "Y") || streq(v2, "Y");
	int tr = trial_free_group(d);
	snprintf(ev, sizeof(ev), "/proc/interrupts: %s; vfio_iommu_type1 allow_unsafe_interrupts: %s; "
		 "iommufd allow_unsafe_interrupts: %s; %s", ir ? "IR- (remapped) interrupt chips" :
		 "no IR- interrupt chip", v1[0] ? v1 : "(not loaded)", v2[0] ? v2 : "(not loaded)", d->trial_words);
	bool refused = tr == 0 && d->trial.err && d->trial.no_intremap;
	if (refused || (!ir && !unsafe && !(tr == 0 && !d->trial.err))) {
		const char *off = cmdline_param(d->cmdline, "intremap", cl, sizeof(cl)) && streq(cl, "off") ? cl : NULL;
		snprintf(fix, sizeof(fix), "%s; or, accepting that a guest can then forge interrupts to "
			 "the host, 'options vfio_iommu_type1 allow_unsafe_interrupts=1' (and 'options "
			 "iommufd allow_unsafe_interrupts=1') in /etc/modprobe.d/vfio.conf",
			 off ? "remove intremap=off from the kernel command line (/etc/default/grub, update-grub) "
			       "and reboot" :
			       "turn interrupt remapping on: in the firmware (VT-d / AMD-Vi with interrupt "
			       "remapping, x2APIC); in a VM, -device intel-iommu,intremap=on");
		return finding(d, VFIOADM_FAIL, "intremap", ev, fix,
			       "no interrupt remapping%s: VFIO refuses to attach any group (EPERM), so "
			       "no VMM can use a device", off ? " (intremap=off on the kernel command line)" : "");
	}
	if (!ir)
		return finding(d, VFIOADM_WARN, "intremap", ev,
			       "turn interrupt remapping on, then drop allow_unsafe_interrupts",
			       "no interrupt remapping, allowed by allow_unsafe_interrupts: a guest can "
			       "forge MSIs that reach the host");
	return finding(d, VFIOADM_PASS, "intremap", ev, NULL, "interrupt remapping is on");
}

static int check_noiommu(struct doctor *d)
{
	char v[8], ev[192];
	doctor_read(d, "/sys/module/vfio/parameters/enable_unsafe_noiommu_mode", v, sizeof(v));
	int groups = noiommu_groups(d);
	snprintf(ev, sizeof(ev), "/sys/module/vfio/parameters/enable_unsafe_noiommu_mode: %s; "
		 "/dev/vfio: %d noiommu-N group%s", v[0] ? v : "(absent)", groups, groups == 1 ? "" : "s");
	if (streq(v, "Y") || groups)
		return finding(d, VFIOADM_WARN, "noiommu", ev,
			       "give the host an IOMMU and turn the mode off (echo N > "
			       "/sys/module/vfio/parameters/enable_unsafe_noiommu_mode, no "
			       "vfio.enable_unsafe_noiommu_mode on the command line)",
			       "UNSAFE noiommu mode is on: VFIO devices have no DMA isolation at all, the "
			       "kernel is tainted, and only user-space drivers (not a VMM) can use them");
	return finding(d, VFIOADM_PASS, "noiommu", ev, NULL, "noiommu mode is off");
}

static int check_vfio(struct doctor *d)
{
	char ev[256];
	int n = 0;
	kmod_lookup_modules(d->ctx, "vfio_pci", dir_count_fn, &n);
	bool live = kmod_module_live(d->ctx, "vfio_pci"), node = root_exists(d->ctx, "/dev/vfio/vfio");
	snprintf(ev, sizeof(ev), "libkmod: vfio_pci %s; /sys/module/vfio_pci: %s; /dev/vfio/vfio: %s",
		 n ? "found" : "not found", live ? "live" : "absent", node ? "present" : "absent");
	int r;
	if (!n && !live)
		r = finding(d, VFIOADM_FAIL, "vfio.modules", ev,
			    "install the kernel's modules (Debian: linux-image-*), or build it with CONFIG_VFIO_PCI",
			    "this kernel has no vfio-pci module");
	else if (!node && live)
		r = finding(d, VFIOADM_WARN, "vfio.modules", ev, "modprobe vfio_iommu_type1 (or vfio, for the container)",
			    "vfio-pci is loaded but /dev/vfio/vfio, the container a VMM opens, is missing");
	else
		r = finding(d, VFIOADM_PASS, "vfio.modules", ev, NULL, "VFIO is available%s",
			    live ? "" : " (vfioadm bind loads vfio-pci)");
	if (r < 0)
		return r;
	bool iommufd = root_exists(d->ctx, "/dev/iommu"), cdev = root_exists(d->ctx, "/sys/class/vfio-dev") &&
								    root_exists(d->ctx, "/dev/vfio/devices");
	snprintf(ev, sizeof(ev), "/dev/iommu: %s; /dev/vfio/devices: %s", iommufd ? "present" : "absent",
		 cdev ? "present" : "absent");
	if (iommufd && cdev)
		return finding(d, VFIOADM_PASS, "vfio.cdev", ev, NULL,
			       "the VFIO device cdev and iommufd are available (QEMU's -object iommufd)");
	return finding(d, VFIOADM_PASS, "vfio.cdev", ev, NULL,
		       "the group interface only (no VFIO device cdev with iommufd): VMMs use the type1 container");
}

EXPORT int vfioadm_doctor(struct vfioadm_ctx *ctx, const struct vfioadm_doctor_opts *opts,
			  struct vfioadm_findings **ret)
{
	static const struct vfioadm_doctor_opts none = { 0 };
	struct doctor d = { .ctx = ctx, .opts = opts ? opts : &none, .trial_rc = 1 };
	if (!(d.f = calloc(1, sizeof(*d.f))))
		return -ENOMEM;
	doctor_read(&d, "/proc/cmdline", d.cmdline, sizeof(d.cmdline));
	_cleanup_close_ int units = root_open(ctx, "/sys/class/iommu", O_RDONLY | O_DIRECTORY);
	if (units >= 0)
		dir_each(units, count_fn, &d); /* the IOMMU units, once: two findings read them */
	int (*const checks[])(struct doctor *) = {
		check_iommu_firmware, check_iommu_kernel, check_iommu_domains, check_interrupt_remapping,
		check_noiommu, check_vfio, check_groups, check_acs_override, check_boot_cmdline,
		check_boot_units, check_initramfs, check_consumer,
	};
	int r = 0;
	for (size_t i = 0; i < ARRAY_SIZE(checks) && r >= 0; i++)
		r = checks[i](&d);
	vfioadm_config_free(d.cfg);
	if (r < 0) {
		vfioadm_findings_free(d.f);
		return r;
	}
	*ret = d.f;
	return 0;
}
