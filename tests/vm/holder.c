/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vfio-holder GROUP DEVICE: hold a VFIO device open the way a VMM does (container, group,
 * type1v2 IOMMU, device fd), print "holding", then wait until killed. For the VM tests.
 */
#include <fcntl.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: vfio-holder GROUP DEVICE\n");
		return 2;
	}
	char node[64];
	snprintf(node, sizeof(node), "/dev/vfio/%s", argv[1]);
	int container = open("/dev/vfio/vfio", O_RDWR);
	int group = open(node, O_RDWR);
	if (container < 0 || group < 0 || ioctl(group, VFIO_GROUP_SET_CONTAINER, &container) < 0 ||
	    ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU) < 0) {
		perror("vfio-holder");
		return 1;
	}
	int dev = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, argv[2]);
	if (dev < 0) {
		perror("vfio-holder: VFIO_GROUP_GET_DEVICE_FD");
		return 1;
	}
	printf("holding\n");
	fflush(stdout);
	for (;;)
		pause();
}
