/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The single direct sysfs writer: every write the library makes without a time limit goes
 * through here, narrated first, so --dry-run and the logs list every write in order.
 */
#include <fcntl.h>

#include "txn/txn.h"

int sysfs_write(struct vfioadm_ctx *ctx, const char *path, const char *value)
{
	narrate(ctx, "write", path, value);
	if (ctx->dry_run)
		return 0;
	if (!ctx_is_host(ctx))
		return -EROFS;
	_cleanup_close_ int fd = root_open(ctx, path, O_WRONLY | O_NOFOLLOW);
	if (fd < 0)
		return fd;
	size_t len = strlen(value);
	ssize_t n = write(fd, value, len);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}
