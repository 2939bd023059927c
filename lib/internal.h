/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvfioadm internals shared between lib/ files (never installed). */
#pragma once

#include <stdarg.h>
#include <sys/types.h>

#include "macro.h"
#include "vfioadm/vfioadm.h"

#define EXPORT __attribute__((visibility("default")))

struct vfioadm_device {
	struct vfioadm_device_info info;
	unsigned filled;
	struct vfioadm_ctx *ctx;  /* not a reference: devices live inside their context */
	size_t index;             /* position in the snapshot */
};

struct vfioadm_ctx {
	int refcount;
	char *root;           /* absolute, no trailing slash; "" for the host */
	int root_fd;          /* O_PATH fd of root, or -EBADF for the host */
	vfioadm_log_fn log_fn;
	void *log_data;
	char release[65];
	struct vfioadm_device **devices;  /* snapshot from vfioadm_scan() */
	size_t n_devices;
};

/* log.c-style helpers (lib/root.c) */
void vfioadm_log(struct vfioadm_ctx *ctx, int prio, const char *fmt, ...) _printf_(3, 4);
#define dbg(ctx, ...) vfioadm_log(ctx, VFIOADM_LOG_DEBUG, __VA_ARGS__)

/* ---- lib/root.c: the only place that turns a path into an fd ---- */

/* Open an absolute host path ("/sys/bus/pci") under the context's root. Returns fd or -errno. */
int root_open(struct vfioadm_ctx *ctx, const char *path, int flags);
/* Same for a directory, as a DIR stream. Returns 0 or -errno. */
int root_opendir(struct vfioadm_ctx *ctx, const char *path, DIR **ret);
/* Does the path exist under root (following links inside root)? */
bool root_exists(struct vfioadm_ctx *ctx, const char *path);
/* Lexical resolver used where openat2(2) is missing; exposed for the unit tests. */
int root_resolve_lexical(int root_fd, const char *path, char *ret, size_t size);

/* ---- attribute I/O relative to an open sysfs directory ---- */

/* Read a small attribute, strip one trailing newline. Returns length or -errno
 * (-ENOENT quietly for absent files, -EFBIG when it does not fit). */
int attr_read(int dir_fd, const char *name, char *buf, size_t size);
int attr_read_long(int dir_fd, const char *name, int base, long *ret);
/* The last component of a symlink's target ("../../bus/pci/drivers/nvme" -> "nvme"). */
int link_basename(int dir_fd, const char *name, char *buf, size_t size);
/* Open a real subdirectory; a symlink is refused (follow links with root_open()). */
int dir_openat(int dir_fd, const char *name);
