// SPDX-License-Identifier: GPL-2.0
/* Class-qualified (the proposed …bc00scFFi* shape; edu is class 00ff00): fewer wildcards than the id-only entry. */
#define EDU_DRV_NAME "edu-class-vfio-pci"
#define EDU_ID_TABLE { .vendor = 0x1234, .device = 0x11e8, .subvendor = PCI_ANY_ID, \
	.subdevice = PCI_ANY_ID, .class = 0x00ff00, .class_mask = 0xffff00, \
	.override_only = PCI_ID_F_VFIO_DRIVER_OVERRIDE }
#include "edu_variant.h"
