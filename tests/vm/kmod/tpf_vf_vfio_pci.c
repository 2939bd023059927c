// SPDX-License-Identifier: GPL-2.0
/*
 * The test variant driver for the VFs of vfioadm_test_pf: its probe refuses a VF that was not
 * provisioned migratable on its PF's devlink port first. That is the order the kernel's
 * migration-capable variants (mlx5_vfio_pci) rely on, made testable: vfioadm must provision
 * the VF while it has no driver, then bind it.
 */
#include <linux/version.h>
#include <linux/module.h>
#include <linux/pci.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
bool vfioadm_test_pf_vf_migratable(struct pci_dev *vf);

static int tpf_vf_gate(struct pci_dev *pdev)
{
	if (!pdev->is_virtfn)
		return -ENODEV;
	if (!vfioadm_test_pf_vf_migratable(pdev)) {
		pci_err(pdev, "not provisioned migratable on its PF: refusing it\n");
		return -EPERM;
	}
	return 0;
}
#define EDU_PROBE_GATE tpf_vf_gate
#define EDU_DRV_NAME "tpf-vf-vfio-pci"
#define EDU_ID_TABLE { PCI_DRIVER_OVERRIDE_DEVICE_VFIO(0x1b36, 0x0010) }
#include "edu_variant.h"
#else
static int __init tpf_vf_init(void)
{
	return -EOPNOTSUPP;
}
module_init(tpf_vf_init);
MODULE_LICENSE("GPL");
#endif
