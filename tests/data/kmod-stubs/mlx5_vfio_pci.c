// SPDX-License-Identifier: GPL-2.0
#include "stubs.h"
MODULE_ALIAS("vfio_pci:v000015B3d0000101Esv*sd*bc*sc*i*");
