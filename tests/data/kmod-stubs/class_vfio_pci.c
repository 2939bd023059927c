// SPDX-License-Identifier: GPL-2.0
#include "stubs.h"
MODULE_ALIAS("vfio_pci:v000010DEd*sv*sd*bc03sc02i*");
