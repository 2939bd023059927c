// SPDX-License-Identifier: GPL-2.0
#include "stubs.h"
MODULE_ALIAS("vfio_pci:v00008086d0000E211sv*sd*bc*sc*i*");
