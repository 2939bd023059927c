/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The capability layer (lib/cap/): what is built on transactions and the model: SR-IOV VFs,
 * mediated devices, the VFIO fd probe. Built on the transaction layer and below.
 */
#pragma once

#include "txn/txn.h"

/* cap/sriov.c: VF @i's address from the PF's First VF Offset and VF Stride */
void vf_address(const char *pf, long offset, long stride, unsigned i, char out[VFIOADM_BDF_MAX]);

/* cap/trial.c: the first steps a VMM takes, shared by the trial attach and the probe. Each
 * failure names its step and node in @s; fds left open are closed by vfio_steps_close(). */
struct vfio_steps {
	int container, group, iommufd;
	char step[48];
	char node[VFIOADM_PATH_MAX];
};
/* container + group + VFIO_SET_IOMMU (type1v2, or noiommu). Returns 0, -errno. */
int vfio_group_attach(struct vfioadm_ctx *ctx, int group, bool noiommu, struct vfio_steps *s);
/* the cdev bound to a fresh iommufd (s->iommufd). Returns the device fd, -errno. */
int vfio_cdev_bind(struct vfioadm_ctx *ctx, const char *cdev, struct vfio_steps *s);
void vfio_steps_close(struct vfio_steps *s);
