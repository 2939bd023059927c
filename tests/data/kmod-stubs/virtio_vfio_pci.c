// SPDX-License-Identifier: GPL-2.0
#include "stubs.h"
MODULE_ALIAS("vfio_pci:v00001AF4d00001041sv*sd*bc*sc*i*");
MODULE_ALIAS("vfio_pci:v00001AF4d00001042sv*sd*bc*sc*i*");
