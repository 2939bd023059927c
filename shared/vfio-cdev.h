/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once
/*
 * The VFIO device cdev ABI (Linux 6.6+: /dev/vfio/devices/vfioX bound to an iommufd), for
 * build hosts whose <linux/vfio.h> predates it — Debian bookworm's linux-libc-dev is 6.1.
 * These are the kernel's ABI values (include/uapi/linux/vfio.h), not a choice of ours.
 */
#include <linux/vfio.h>

#ifndef VFIO_DEVICE_BIND_IOMMUFD
struct vfio_device_bind_iommufd {
	__u32 argsz;
	__u32 flags;   /* must be 0 */
	__s32 iommufd; /* an open /dev/iommu */
	__u32 out_devid;
};
#define VFIO_DEVICE_BIND_IOMMUFD _IO(VFIO_TYPE, VFIO_BASE + 18)
#endif

/* Attaching a bound cdev to an IOAS (Linux 6.6+) and making one (iommufd, Linux 6.2+). */
#ifndef VFIO_DEVICE_ATTACH_IOMMUFD_PT
struct vfio_device_attach_iommufd_pt {
	__u32 argsz;
	__u32 flags;
	__u32 pt_id; /* an IOAS or hardware page table id of the bound iommufd */
};
#define VFIO_DEVICE_ATTACH_IOMMUFD_PT _IO(VFIO_TYPE, VFIO_BASE + 19)
#endif
#if __has_include(<linux/iommufd.h>)
#include <linux/iommufd.h>
#endif
#ifndef IOMMU_IOAS_ALLOC
struct iommu_ioas_alloc {
	__u32 size;
	__u32 flags;
	__u32 out_ioas_id;
};
#define IOMMU_IOAS_ALLOC _IO(';', 0x81) /* IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_ALLOC */
#endif
