// SPDX-License-Identifier: GPL-2.0
/* Same id as edu_vfio_pci: an unbreakable ranking tie between two modules. */
#define EDU_DRV_NAME "edu-tie-vfio-pci"
#define EDU_ID_TABLE { PCI_DRIVER_OVERRIDE_DEVICE_VFIO(0x1234, 0x11e8) }
#include "edu_variant.h"
