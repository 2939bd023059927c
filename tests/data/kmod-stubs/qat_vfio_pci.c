// SPDX-License-Identifier: GPL-2.0
#include "stubs.h"
MODULE_ALIAS("vfio_pci:v00008086d00004941sv*sd*bc0Bsc40i00*");
