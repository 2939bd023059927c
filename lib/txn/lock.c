/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The run lock: one vfioadm run at a time changes the host. */
#include <fcntl.h>
#include <sys/file.h>

#include "txn/txn.h"

#define LOCK_FILE "/run/lock/vfioadm.lock"

EXPORT int vfioadm_lock(struct vfioadm_ctx *ctx, int timeout_ms, int *ret_holder)
{
	if (ctx->lock_fd >= 0 || !ctx_is_host(ctx))
		return 0; /* a captured tree has nobody to race with */
	int r = host_mkdir_p("/run/lock", 0755);
	if (r < 0)
		return r;
	int fd = open(LOCK_FILE, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	for (int waited = 0;; waited += 100) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			break;
		if (errno != EWOULDBLOCK) {
			r = -errno;
			close(fd);
			return r;
		}
		if (waited >= timeout_ms) {
			char pid[16] = "";
			if (ret_holder && pread(fd, pid, sizeof(pid) - 1, 0) > 0)
				*ret_holder = atoi(pid);
			close(fd);
			return -ETIMEDOUT;
		}
		usleep(100 * 1000);
	}
	char pid[16];
	int n = snprintf(pid, sizeof(pid), "%d\n", getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, (size_t)n, 0) != n)
		dbg(ctx, "could not record our pid in " LOCK_FILE);
	ctx->lock_fd = fd;
	return ctx_on_free(ctx, vfioadm_unlock);
}

EXPORT void vfioadm_unlock(struct vfioadm_ctx *ctx)
{
	if (ctx->lock_fd < 0)
		return;
	close(ctx->lock_fd); /* releases the flock */
	ctx->lock_fd = -EBADF;
}
