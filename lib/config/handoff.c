/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Handing one function to a VMM: the QEMU arguments or the libvirt element that open it,
 * given only when the device is on a VFIO driver in a group a VMM can open. The verdict is
 * vfioadm check's (the same report), so what vfioadm offers, QEMU opens.
 */
#include "config/config.h"

static const char *const consumer_names[] = {
	[VFIOADM_CONSUMER_QEMU] = "qemu",
	[VFIOADM_CONSUMER_QEMU_IOMMUFD] = "qemu-iommufd",
	[VFIOADM_CONSUMER_LIBVIRT] = "libvirt",
};

EXPORT int vfioadm_consumer_from_name(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(consumer_names); i++)
		if (streq(name, consumer_names[i]))
			return (int)i;
	return -EINVAL;
}

EXPORT struct vfioadm_handoff *vfioadm_handoff_free(struct vfioadm_handoff *h)
{
	if (!h)
		return NULL;
	for (size_t i = 0; h->argv && h->argv[i]; i++)
		free(h->argv[i]);
	free(h->argv);
	free(h->xml);
	vfioadm_report_free(h->blockers);
	free(h);
	return NULL;
}

/* NULL-terminated copies of @args (n of them); -ENOMEM. */
static int set_argv(struct vfioadm_handoff *h, char *const *args, size_t n)
{
	if (!(h->argv = calloc(n + 1, sizeof(*h->argv))))
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (!(h->argv[i] = strdup(args[i])))
			return -ENOMEM;
	return 0;
}

static int qemu_args(struct vfioadm_handoff *h, bool iommufd)
{
	char device[96];
	/* host= is enough with iommufd too: QEMU finds the cdev through sysfs */
	snprintf(device, sizeof(device), "vfio-pci,host=%s%s", h->bdf, iommufd ? ",iommufd=iommufd0" : "");
	char *group_form[] = { "-device", device };
	char *iommufd_form[] = { "-object", "iommufd,id=iommufd0", "-device", device };
	return iommufd ? set_argv(h, iommufd_form, 4) : set_argv(h, group_form, 2);
}

static int libvirt_xml(struct vfioadm_handoff *h)
{
	unsigned domain, bus, slot, function;
	if (sscanf(h->bdf, "%x:%x:%x.%x", &domain, &bus, &slot, &function) != 4)
		return -EINVAL;
	/* a variant driver is named so that libvirt (>= 10.0) keeps it; vfio-pci is its default.
	 * managed='no': vfioadm owns the binding, libvirt must not rebind the device itself. */
	char model[VFIOADM_NAME_MAX + 32] = "";
	if (!streq(h->driver, "vfio-pci"))
		snprintf(model, sizeof(model), "  <driver model='%s'/>\n", h->driver);
	int n = asprintf(&h->xml,
			 "<hostdev mode='subsystem' type='pci' managed='no'>\n"
			 "%s"
			 "  <source>\n"
			 "    <address domain='0x%04x' bus='0x%02x' slot='0x%02x' function='0x%x'/>\n"
			 "  </source>\n"
			 "</hostdev>\n", model, domain, bus, slot, function);
	if (n < 0) {
		h->xml = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* The group as a VMM meets it: members, holders, and interrupt remapping read, not tried. */
static int check_for_vmm(struct vfioadm_ctx *ctx, struct vfioadm_handoff *h)
{
	int r = vfioadm_check_group(ctx, h->iommu_group, 0, &h->blockers);
	if (r < 0)
		return r;
	if ((r = vfioadm_report_intremap(ctx, h->blockers)) < 0)
		return r;
	if (!vfioadm_report_viable(h->blockers))
		h->refusal = VFIOADM_HANDOFF_GROUP;
	return 0;
}

/* Why @consumer cannot have the device, from what the model says (no group opened). */
static int refusal_of(struct vfioadm_ctx *ctx, const struct vfioadm_device_info *info,
		      enum vfioadm_consumer consumer, struct vfioadm_handoff *h)
{
	if (!info->vfio.bound)
		h->refusal = VFIOADM_HANDOFF_NOT_VFIO;
	else if (info->iommu_group < 0 || !info->vfio.group_node[0] ||
		 strstr(info->vfio.group_node, "noiommu-"))
		h->refusal = VFIOADM_HANDOFF_NO_IOMMU;
	else if (consumer == VFIOADM_CONSUMER_QEMU_IOMMUFD &&
		 (!info->vfio.cdev[0] || !root_exists(ctx, "/dev/iommu")))
		h->refusal = VFIOADM_HANDOFF_NO_CDEV;
	else
		return check_for_vmm(ctx, h);
	return 0;
}

EXPORT int vfioadm_handoff(struct vfioadm_ctx *ctx, const char *bdf, enum vfioadm_consumer consumer,
			   struct vfioadm_handoff **ret)
{
	if ((unsigned)consumer >= ARRAY_SIZE(consumer_names) || !ret)
		return -EINVAL;
	struct vfioadm_device *dev;
	int r = vfioadm_device_read(ctx, bdf, VFIOADM_FILL_BASIC, &dev);
	if (r < 0)
		return r;
	const struct vfioadm_device_info *info = vfioadm_device_get_info(dev);
	struct vfioadm_handoff *h = calloc(1, sizeof(*h));
	if (!h) {
		vfioadm_device_free(dev);
		return -ENOMEM;
	}
	strscpy(h->bdf, sizeof(h->bdf), info->bdf);
	strscpy(h->driver, sizeof(h->driver), info->driver);
	h->iommu_group = info->iommu_group;
	r = refusal_of(ctx, info, consumer, h);
	vfioadm_device_free(dev);
	if (r >= 0 && h->refusal == VFIOADM_HANDOFF_USABLE)
		r = consumer == VFIOADM_CONSUMER_LIBVIRT ? libvirt_xml(h) :
		    qemu_args(h, consumer == VFIOADM_CONSUMER_QEMU_IOMMUFD);
	if (r < 0) {
		vfioadm_handoff_free(h);
		return r;
	}
	*ret = h;
	return h->refusal == VFIOADM_HANDOFF_USABLE ? 0 : -EBUSY;
}
