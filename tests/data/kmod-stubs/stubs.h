// SPDX-License-Identifier: GPL-2.0
/* Alias-only stub modules: they exist so depmod writes their vfio_pci: aliases. */
#include <linux/module.h>
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vfioadm test data: alias-only stub");
