/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The model layer (lib/model/): what the host has and whether it is safe to take: PCI
 * functions, IOMMU groups and their viability, blocker reports, holders of device nodes,
 * host use of a function. Built on the access layer only.
 */
#pragma once

#include "access/access.h"

/* ---- model/pci.c ---- */
struct vfioadm_device {
	struct vfioadm_device_info info;
	unsigned filled;
	struct vfioadm_ctx *ctx;  /* not a reference: devices live inside their context */
	size_t index;             /* position in the snapshot */
};

/* model/pci.c: one mdev type directory's attributes; every type of an open (and consumed)
 * mdev_supported_types directory */
void mdev_type_read(int tfd, struct vfioadm_mdev_type *t);
int mdev_types_read_dir(int tfd, struct vfioadm_mdev_type **types, size_t *n);
/* Just the binding of @bdf (normalized): its driver ("" none) and whether a VFIO driver
 * registered it; what verification needs, a third of a full read. -ENODEV when it is gone. */
int device_read_binding(struct vfioadm_ctx *ctx, const char *bdf, char driver[VFIOADM_NAME_MAX], bool *vfio);
/* The module a loaded PCI driver belongs to (its /sys/bus/pci/drivers/NAME/module link): 0, or
 * -errno with @module "" (no such driver, or built in without a module link). */
int driver_module(struct vfioadm_ctx *ctx, const char *driver, char module[VFIOADM_NAME_MAX]);
/* Is the function in @dfd on a VFIO driver? @has_vfio_dev: it has vfio-dev/. From the kernel's
 * vfio-dev/ alone where the kernel makes it (>= 6.1); before, from the module's aliases. */
bool driver_is_vfio(struct vfioadm_ctx *ctx, int dfd, const char *driver, bool has_vfio_dev);
/* model/group.c: open /sys/kernel/iommu_groups/@group/devices, its path left in @gdir */
#define GROUP_DIR_MAX 64
int group_devices_open(struct vfioadm_ctx *ctx, int group, char gdir[GROUP_DIR_MAX]);
/* model/group.c: remapping interrupt chips ("IR-") in /proc/interrupts */
bool intremap_seen(struct vfioadm_ctx *ctx);

/* ---- model/report.c ---- */
int report_add(struct vfioadm_report *r, enum vfioadm_blocker_kind kind, const char *subject,
	       const char *detail, int pid, bool forceable);
/* ---- model/holders.c ---- */
/* Processes with an fd open on any of @paths (NULL-terminated): one OPEN blocker each. */
int report_holders(struct vfioadm_ctx *ctx, struct vfioadm_report *r, const char *const *paths);
/* ---- model/host-use.c ---- */
/* vfioadm_check_in_use() for a state just read (no second read of the device) */
int in_use_report(struct vfioadm_ctx *ctx, const struct vfioadm_device_info *info,
		  struct vfioadm_report **ret);

#define GENERIC_MODULE "vfio_pci" /* the catch-all VFIO driver's module */

struct kmod_ctx;
/* ---- model/kmod.c: the only user of libkmod (module facts, loading) ---- */
typedef int (*module_name_fn)(void *data, const char *module);
typedef int (*alias_fn)(void *data, const char *pattern, const char *module);
int kmod_ctx_get(struct vfioadm_ctx *ctx, struct kmod_ctx **ret);
/* The modules modprobe would consider for @key, in libkmod's order. Returns count or -errno. */
int kmod_lookup_modules(struct vfioadm_ctx *ctx, const char *key, module_name_fn fn, void *data);
/* Every `alias PATTERN MODULE` line of modprobe.d. */
int kmod_config_pins(struct vfioadm_ctx *ctx, alias_fn fn, void *data);
/* modprobe.d's "options MODULE OPTS": @fn(data, OPTS, MODULE) */
int kmod_config_options(struct vfioadm_ctx *ctx, alias_fn fn, void *data);
/* The alias patterns in a module's own modinfo. */
int kmod_module_aliases(struct vfioadm_ctx *ctx, const char *module, alias_fn fn, void *data);

int kmod_load(struct vfioadm_ctx *ctx, const char *module);
/* Is @module (or the driver name spelt with '-') loaded and live, or built in? No libkmod. */
bool kmod_module_live(struct vfioadm_ctx *ctx, const char *module);
