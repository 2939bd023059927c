// SPDX-License-Identifier: GPL-2.0
/* The primary test variant: the device id only, as in-tree variants declare it. */
#define EDU_DRV_NAME "edu-vfio-pci"
#define EDU_ID_TABLE { PCI_DRIVER_OVERRIDE_DEVICE_VFIO(0x1234, 0x11e8) }
#include "edu_variant.h"
