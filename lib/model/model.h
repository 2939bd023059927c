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

