// SPDX-License-Identifier: GPL-2.0
#include "stubs.h"
MODULE_ALIAS("vfio_pci:v000010DEd00002342sv*sd*bc*sc*i*");
