/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vfioadm show --for CONSUMER: the QEMU arguments or libvirt element that open one function. */
#include <errno.h>

#include "cli.h"

static int say_refusal(const struct vfioadm_handoff *h, const char *consumer)
{
	switch (h->refusal) {
	case VFIOADM_HANDOFF_NOT_VFIO:
		cli_error("%s is on %s, not a VFIO driver: 'vfioadm bind %s' first", h->bdf,
			  h->driver[0] ? h->driver : "no driver", h->bdf);
		break;
	case VFIOADM_HANDOFF_NO_IOMMU:
		cli_error("%s has no IOMMU protection (%s): a VMM cannot use it; enable the IOMMU "
			  "(see 'vfioadm doctor')", h->bdf,
			  h->iommu_group < 0 ? "no IOMMU group" : "an unsafe noiommu group");
		break;
	case VFIOADM_HANDOFF_NO_CDEV:
		cli_error("%s: no VFIO device cdev or no /dev/iommu on this kernel "
			  "(CONFIG_VFIO_DEVICE_CDEV, CONFIG_IOMMUFD): use --for qemu", h->bdf);
		break;
	case VFIOADM_HANDOFF_GROUP:
		for (size_t i = 0; i < h->blockers->n; i++)
			print_blocker(&h->blockers->v[i], h->iommu_group);
		cli_error("%s: group %d cannot be opened by %s now ('vfioadm check %s')", h->bdf,
			  h->iommu_group, consumer, h->bdf);
		break;
	case VFIOADM_HANDOFF_USABLE:
		break;
	}
	return EXIT_REFUSED;
}

static void print_json(const struct vfioadm_handoff *h, const char *consumer)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "bdf", json_object_new_string(h->bdf));
	json_object_object_add(o, "consumer", json_object_new_string(consumer));
	json_object_object_add(o, "driver", json_object_new_string(h->driver));
	json_object_object_add(o, "iommu_group", json_object_new_int(h->iommu_group));
	if (h->xml) {
		json_object_object_add(o, "xml", json_object_new_string(h->xml));
	} else {
		struct json_object *a = json_object_new_array();
		for (size_t i = 0; h->argv[i]; i++)
			json_object_array_add(a, json_object_new_string(h->argv[i]));
		json_object_object_add(o, "argv", a);
	}
	json_print(o);
}

int cli_handoff(struct cli *cli, const char *bdf, const char *consumer, bool json)
{
	int c = vfioadm_consumer_from_name(consumer);
	if (c < 0)
		return cli_usage_error("show", "--for takes qemu, qemu-iommufd or libvirt, not '%s'", consumer);
	struct vfioadm_handoff *h = NULL;
	int r = vfioadm_handoff(cli->ctx, bdf, (enum vfioadm_consumer)c, &h);
	if (r == -EBUSY) {
		r = say_refusal(h, consumer);
		vfioadm_handoff_free(h);
		return r;
	}
	if (r == -ENODEV) {
		cli_error("%s: no such PCI device (see 'vfioadm list')", bdf);
		return EXIT_FAILED;
	}
	if (r < 0) {
		cli_error("%s: cannot read the device: %s", bdf, cli_strerror(r));
		return EXIT_FAILED;
	}
	if (json)
		print_json(h, consumer);
	else if (h->xml)
		fputs(h->xml, stdout);
	else
		for (size_t i = 0; h->argv[i]; i++)
			printf("%s%s", h->argv[i], h->argv[i + 1] ? " " : "\n");
	vfioadm_handoff_free(h);
	return EXIT_OK;
}
