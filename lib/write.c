/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Changing things: the single sysfs writer (so --dry-run and logs list every write, in order),
 * the run lock, and the journal that lets an interrupted or later run restore a device.
 */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>

#include "internal.h"

#define JOURNAL_DIR "/run/vfioadm/journal"
#define LOCK_FILE "/run/lock/vfioadm.lock"

EXPORT void vfioadm_set_action_fn(struct vfioadm_ctx *ctx, vfioadm_action_fn fn, void *data)
{
	ctx->action_fn = fn;
	ctx->action_data = data;
}

EXPORT void vfioadm_set_dry_run(struct vfioadm_ctx *ctx, bool dry_run)
{
	ctx->dry_run = dry_run;
}

bool ctx_is_host(const struct vfioadm_ctx *ctx)
{
	return ctx->root_fd < 0;
}

void narrate(struct vfioadm_ctx *ctx, const char *verb, const char *path, const char *value)
{
	dbg(ctx, "%s %s%s%s", verb, path, value ? " <- " : "", value ? value : "");
	if (ctx->action_fn)
		ctx->action_fn(ctx->action_data, verb, path, value);
}

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

/* ---- the run lock ---- */

static int mkdir_p_host(const char *path)
{
	char buf[PATH_MAX];
	strscpy(buf, sizeof(buf), path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return mkdir(buf, 0755) < 0 && errno != EEXIST ? -errno : 0;
}

EXPORT int vfioadm_lock(struct vfioadm_ctx *ctx, int timeout_ms, int *ret_holder)
{
	if (ctx->lock_fd >= 0 || !ctx_is_host(ctx))
		return 0; /* a captured tree has nobody to race with */
	int r = mkdir_p_host("/run/lock");
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
	return 0;
}

EXPORT void vfioadm_unlock(struct vfioadm_ctx *ctx)
{
	if (ctx->lock_fd < 0)
		return;
	close(ctx->lock_fd); /* releases the flock */
	ctx->lock_fd = -EBADF;
}

/* ---- the journal: one small key=value file per device under /run/vfioadm/journal ---- */

static void journal_path(const char *bdf, char *buf, size_t size)
{
	snprintf(buf, size, JOURNAL_DIR "/%s", bdf);
}

/* The journal directory, kept open for the run: every write renames and syncs in it. */
int journal_dir(struct vfioadm_ctx *ctx)
{
	if (ctx->journal_dir_fd >= 0)
		return ctx->journal_dir_fd;
	int r = mkdir_p_host(JOURNAL_DIR);
	if (r < 0)
		return r;
	ctx->journal_dir_fd = open(JOURNAL_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return ctx->journal_dir_fd < 0 ? -errno : ctx->journal_dir_fd;
}

int journal_write(struct vfioadm_ctx *ctx, const struct journal *j)
{
	char path[PATH_MAX], tmp[PATH_MAX + 32], text[512];
	int n = snprintf(text, sizeof(text),
			 "bdf=%s\norig_driver=%s\norig_override=%s\ntarget=%s\nstate=%s\nstarted=%lld\norigin=%s\n",
			 j->bdf, j->orig_driver, j->orig_override, j->target, j->state, j->started,
			 j->from_config ? "config" : "cli");
	journal_path(j->bdf, path, sizeof(path));
	narrate(ctx, "journal", path, j->state);
	if (ctx->dry_run)
		return 0;
	if (!ctx_is_host(ctx))
		return -EROFS;
	int r, dfd = journal_dir(ctx);
	if (dfd < 0)
		return dfd;
	const char *name = path + strlen(JOURNAL_DIR "/");
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", name, getpid()); /* one per device: threads can't clash */
	_cleanup_close_ int fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	/* the journal must be on disk before the device is touched: write, fsync, rename, fsync dir */
	if (write(fd, text, (size_t)n) != n || fsync(fd) < 0 || renameat(dfd, tmp, dfd, name) < 0) {
		r = -errno;
		unlinkat(dfd, tmp, 0);
		return r ? r : -EIO;
	}
	(void)fsync(dfd);
	return 0;
}

int journal_parse(const char *text, struct journal *ret)
{
	struct journal j = { 0 };
	unsigned seen = 0;
	char line[256];
	const char *p = text;
	while (*p) {
		size_t len = strcspn(p, "\n");
		if (len >= sizeof(line))
			return -EINVAL;
		memcpy(line, p, len);
		line[len] = '\0';
		p += len + (p[len] == '\n');
		char *eq = strchr(line, '=');
		if (!eq)
			return -EINVAL;
		*eq++ = '\0';
		int r = 0;
		if (streq(line, "bdf")) {
			char norm[VFIOADM_BDF_MAX];
			r = vfioadm_bdf_normalize(eq, norm);
			if (r == 0)
				r = strscpy(j.bdf, sizeof(j.bdf), norm), seen |= 1;
		} else if (streq(line, "orig_driver")) {
			r = *eq && !vfioadm_driver_name_valid(eq) ? -EINVAL : strscpy(j.orig_driver, sizeof(j.orig_driver), eq);
			seen |= 2;
		} else if (streq(line, "orig_override")) {
			r = *eq && !vfioadm_driver_name_valid(eq) ? -EINVAL : strscpy(j.orig_override, sizeof(j.orig_override), eq);
			seen |= 4;
		} else if (streq(line, "target")) {
			r = !vfioadm_driver_name_valid(eq) ? -EINVAL : strscpy(j.target, sizeof(j.target), eq);
			seen |= 8;
		} else if (streq(line, "state")) {
			r = streq(eq, "binding") || streq(eq, "bound") ? strscpy(j.state, sizeof(j.state), eq) : -EINVAL;
			seen |= 16;
		} else if (streq(line, "started")) {
			j.started = atoll(eq);
		} else if (streq(line, "origin")) {
			if (!streq(eq, "config") && !streq(eq, "cli"))
				return -EINVAL;
			j.from_config = streq(eq, "config");
		}
		if (r < 0)
			return -EINVAL;
	}
	if (seen != 31)
		return -EINVAL;
	*ret = j;
	return 0;
}

int journal_read(struct vfioadm_ctx *ctx, const char *bdf, struct journal *ret)
{
	char path[PATH_MAX], text[1024];
	journal_path(bdf, path, sizeof(path));
	_cleanup_close_ int fd = root_open(ctx, path, O_RDONLY | O_NOFOLLOW);
	if (fd < 0)
		return fd;
	int n = attr_read(fd, "", text, sizeof(text));
	if (n < 0)
		return n;
	struct journal j;
	if (journal_parse(text, &j) < 0 || !streq(j.bdf, bdf))
		return -EBADMSG;
	*ret = j;
	return 0;
}

int journal_remove(struct vfioadm_ctx *ctx, const char *bdf)
{
	char path[PATH_MAX];
	journal_path(bdf, path, sizeof(path));
	narrate(ctx, "forget", path, NULL);
	if (ctx->dry_run || !ctx_is_host(ctx))
		return 0;
	return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
}
