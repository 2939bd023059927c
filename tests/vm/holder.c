/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hold a VFIO device open the way a VMM does, print "holding", then wait until killed. For
 * the VM tests.
 *   vfio-holder GROUP DEVICE   container, group, type1v2 IOMMU, device fd (the legacy model)
 *   vfio-holder --cdev NODE    /dev/vfio/devices/vfioX bound to an iommufd (the cdev model)
 *   vfio-holder --flock FILE   flock FILE and write our pid into it, as a vfioadm run holding
 *                              its run lock does (the minimal guest's busybox has no flock)
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vfio-cdev.h"

static int hold_group(const char *group_id, const char *device)
{
	char node[64];
	snprintf(node, sizeof(node), "/dev/vfio/%s", group_id);
	int container = open("/dev/vfio/vfio", O_RDWR);
	int group = open(node, O_RDWR);
	if (container < 0 || group < 0 || ioctl(group, VFIO_GROUP_SET_CONTAINER, &container) < 0 ||
	    ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU) < 0) {
		perror("vfio-holder");
		return -1;
	}
	int dev = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, device);
	if (dev < 0)
		perror("vfio-holder: VFIO_GROUP_GET_DEVICE_FD");
	return dev;
}

static int hold_cdev(const char *node)
{
	int iommufd = open("/dev/iommu", O_RDWR);
	int dev = open(node, O_RDWR);
	if (iommufd < 0 || dev < 0) {
		perror("vfio-holder: open /dev/iommu or the cdev");
		return -1;
	}
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind), .iommufd = iommufd };
	if (ioctl(dev, VFIO_DEVICE_BIND_IOMMUFD, &bind) < 0) {
		perror("vfio-holder: VFIO_DEVICE_BIND_IOMMUFD");
		return -1;
	}
	return dev;
}

static int hold_flock(const char *path)
{
	char pid[16];
	int n = snprintf(pid, sizeof(pid), "%d\n", getpid());
	int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW, 0600);
	if (fd < 0 || flock(fd, LOCK_EX) < 0 || ftruncate(fd, 0) < 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
		perror("vfio-holder: flock");
		return -1;
	}
	return fd;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: vfio-holder GROUP DEVICE | vfio-holder --cdev NODE | vfio-holder --flock FILE\n");
		return 2;
	}
	int dev = strcmp(argv[1], "--cdev") == 0	? hold_cdev(argv[2]) :
		  strcmp(argv[1], "--flock") == 0 ? hold_flock(argv[2]) :
						    hold_group(argv[1], argv[2]);
	if (dev < 0)
		return 1;
	printf("holding\n");
	fflush(stdout);
	for (;;)
		pause();
}
