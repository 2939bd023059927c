// SPDX-License-Identifier: GPL-2.0
/*
 * A VFIO variant driver for QEMU's edu device (1234:11e8), built on vfio_pci_core, for
 * vfioadm's real-kernel tests. The including file defines EDU_DRV_NAME and EDU_ID_TABLE, and
 * may define EDU_PROBE_GATE(pdev): an errno that refuses the device before anything else.
 *
 * Module parameters make it a fault injector:
 *   fail_probe=N      probe returns -N (an errno) before touching the device
 *   probe_delay_ms=N  probe sleeps N ms first (a slow probe)
 *   block_remove=1    remove waits while the flag stays set (an unbind that hangs)
 */
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/vfio_pci_core.h>

static int fail_probe;
module_param(fail_probe, int, 0644);
MODULE_PARM_DESC(fail_probe, "make probe fail with this errno (0: succeed)");
static unsigned int probe_delay_ms;
module_param(probe_delay_ms, uint, 0644);
MODULE_PARM_DESC(probe_delay_ms, "sleep this long in probe");
static bool block_remove;
module_param(block_remove, bool, 0644);
MODULE_PARM_DESC(block_remove, "remove waits while this is set");

static int edu_open_device(struct vfio_device *core_vdev)
{
	struct vfio_pci_core_device *vdev =
		container_of(core_vdev, struct vfio_pci_core_device, vdev);
	int ret = vfio_pci_core_enable(vdev);

	if (ret)
		return ret;
	vfio_pci_core_finish_enable(vdev);
	return 0;
}

static const struct vfio_device_ops edu_vfio_ops = {
	.name = EDU_DRV_NAME,
	.init = vfio_pci_core_init_dev,
	.release = vfio_pci_core_release_dev,
	.open_device = edu_open_device,
	.close_device = vfio_pci_core_close_device,
	.ioctl = vfio_pci_core_ioctl,
	.device_feature = vfio_pci_core_ioctl_feature,
	.read = vfio_pci_core_read,
	.write = vfio_pci_core_write,
	.mmap = vfio_pci_core_mmap,
	.request = vfio_pci_core_request,
	.match = vfio_pci_core_match,
#if IS_ENABLED(CONFIG_IOMMUFD)
	/* a kernel with iommufd refuses to register a device without these (the cdev model) */
	.bind_iommufd = vfio_iommufd_physical_bind,
	.unbind_iommufd = vfio_iommufd_physical_unbind,
	.attach_ioas = vfio_iommufd_physical_attach_ioas,
	.detach_ioas = vfio_iommufd_physical_detach_ioas,
#endif
};

static int edu_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct vfio_pci_core_device *vdev;
	int ret;

	if (probe_delay_ms)
		msleep(probe_delay_ms);
	if (fail_probe)
		return -abs(fail_probe);
#ifdef EDU_PROBE_GATE
	ret = EDU_PROBE_GATE(pdev);
	if (ret)
		return ret;
#endif
	vdev = vfio_alloc_device(vfio_pci_core_device, vdev, &pdev->dev, &edu_vfio_ops);
	if (IS_ERR(vdev))
		return PTR_ERR(vdev);
	dev_set_drvdata(&pdev->dev, vdev);
	ret = vfio_pci_core_register_device(vdev);
	if (ret)
		vfio_put_device(&vdev->vdev);
	return ret;
}

static void edu_remove(struct pci_dev *pdev)
{
	struct vfio_pci_core_device *vdev = dev_get_drvdata(&pdev->dev);

	while (READ_ONCE(block_remove))
		msleep(50);
	vfio_pci_core_unregister_device(vdev);
	vfio_put_device(&vdev->vdev);
}

static const struct pci_device_id edu_ids[] = {
	EDU_ID_TABLE,
	{}
};
MODULE_DEVICE_TABLE(pci, edu_ids);

static struct pci_driver edu_driver = {
	.name = EDU_DRV_NAME,
	.id_table = edu_ids,
	.probe = edu_probe,
	.remove = edu_remove,
	.err_handler = &vfio_pci_core_err_handlers,
	.driver_managed_dma = true,
};
module_pci_driver(edu_driver);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vfioadm test: VFIO variant driver for the QEMU edu device");
