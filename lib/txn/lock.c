/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The run lock: one vfioadm run at a time changes the host. It and the journals live in
 * /run/vfioadm, a directory only root can write, made and verified here before every use: a
 * lock file in a world-writable directory (/run/lock) could be created first, held or swapped
 * by any user, who would then stall every run or switch the lock off.
 */
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "txn/txn.h"

#define RUN_DIR "/run/vfioadm"
#define LOCK_NAME "lock"

/* A directory or file of ours: root's, not a link (the open said so), writable by root alone. */
static int verify_ours(struct vfioadm_ctx *ctx, int fd, const char *path, bool dir)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)) {
		vfioadm_log(ctx, VFIOADM_LOG_ERR, "%s is not a %s", path, dir ? "directory" : "regular file");
		return -EPERM;
	}
	if (trust_fault(&st, 0) != TRUST_OK) { /* root's, writable by nobody else */
		vfioadm_log(ctx, VFIOADM_LOG_ERR, "%s is owned by uid %u with mode %04o, not root's alone: "
			    "remove it (vfioadm makes it again)", path, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

static int open_ours(struct vfioadm_ctx *ctx, int at, const char *name, const char *path, int flags, bool dir)
{
	int fd = openat(at, name, flags | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		int r = -errno;
		if (r == -ELOOP || (dir && r == -ENOTDIR))
			vfioadm_log(ctx, VFIOADM_LOG_ERR, "%s is a symbolic link or not a directory: remove it", path);
		return r == -ELOOP ? -EPERM : r;
	}
	int r = verify_ours(ctx, fd, path, dir);
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

int run_dir_open(struct vfioadm_ctx *ctx, const char *sub)
{
	if (mkdir(RUN_DIR, 0755) < 0 && errno != EEXIST)
		return -errno;
	_cleanup_close_ int run = open_ours(ctx, AT_FDCWD, RUN_DIR, RUN_DIR, O_RDONLY | O_DIRECTORY, true);
	if (run < 0 || !sub)
		return run < 0 ? run : TAKE_FD(run);
	char path[PATH_MAX];
	snprintf(path, sizeof(path), RUN_DIR "/%s", sub);
	if (mkdirat(run, sub, 0700) < 0 && errno != EEXIST)
		return -errno;
	return open_ours(ctx, run, sub, path, O_RDONLY | O_DIRECTORY, true);
}

EXPORT int vfioadm_lock(struct vfioadm_ctx *ctx, int timeout_ms, int *ret_holder)
{
	if (ctx->lock_fd >= 0 || !ctx_is_host(ctx))
		return 0; /* a captured tree has nobody to race with */
	_cleanup_close_ int run = run_dir_open(ctx, NULL);
	if (run < 0)
		return run;
	int fd = open_ours(ctx, run, LOCK_NAME, RUN_DIR "/" LOCK_NAME, O_RDWR | O_CREAT, false);
	if (fd < 0)
		return fd;
	for (int waited = 0;; waited += 100) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			break;
		if (errno != EWOULDBLOCK) {
			int r = -errno;
			close(fd);
			return r;
		}
		if (waited >= timeout_ms) {
			char pid[16] = ""; /* the file is root's (verified): its pid is a root run's */
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
		dbg(ctx, "could not record our pid in " RUN_DIR "/" LOCK_NAME);
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
