/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The rooted access layer: the context, its root, and every path -> fd conversion.
 *
 * With a root other than "/", paths are opened with openat2(RESOLVE_BENEATH) relative to
 * the root's fd, so a captured tree's relative sysfs links work while a link that climbs
 * out of the root fails with -EXDEV instead of reading the host. Where openat2 is not
 * available (old kernel, seccomp), a lexical resolver gives the same answers.
 */
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>

#include "internal.h"

#define MAX_LINK_HOPS 40

EXPORT int vfioadm_new(const char *root, struct vfioadm_ctx **ret_ctx)
{
	_cleanup_free_ struct vfioadm_ctx *ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	ctx->refcount = 1;
	ctx->root_fd = -EBADF;
	ctx->lock_fd = -EBADF;
	ctx->journal_dir_fd = -EBADF;
	lane_init(&ctx->lane);

	char abs[PATH_MAX] = "";
	if (root && *root && !streq(root, "/")) {
		if (!realpath(root, abs))
			return -errno;
		if (!streq(abs, "/")) {
			ctx->root_fd = open(abs, O_PATH | O_DIRECTORY | O_CLOEXEC);
			if (ctx->root_fd < 0)
				return -errno;
		} else {
			abs[0] = '\0';
		}
	}
	ctx->root = strdup(abs);
	if (!ctx->root) {
		if (ctx->root_fd >= 0)
			close(ctx->root_fd);
		return -ENOMEM;
	}
	*ret_ctx = TAKE_PTR(ctx);
	return 0;
}

EXPORT struct vfioadm_ctx *vfioadm_ref(struct vfioadm_ctx *ctx)
{
	if (ctx)
		ctx->refcount++;
	return ctx;
}

void vfioadm_snapshot_free(struct vfioadm_ctx *ctx); /* lib/pci.c */

EXPORT struct vfioadm_ctx *vfioadm_unref(struct vfioadm_ctx *ctx)
{
	if (!ctx || --ctx->refcount > 0)
		return NULL;
	vfioadm_snapshot_free(ctx);
	alias_state_free(ctx);
	kmod_ctx_free(ctx);
	lane_stop(&ctx->lane);
	if (ctx->journal_dir_fd >= 0)
		close(ctx->journal_dir_fd);
	vfioadm_unlock(ctx);
	holders_cache_free(ctx);
	if (ctx->root_fd >= 0)
		close(ctx->root_fd);
	free(ctx->root);
	free(ctx);
	return NULL;
}

EXPORT void vfioadm_set_log_fn(struct vfioadm_ctx *ctx, vfioadm_log_fn fn, void *data)
{
	ctx->log_fn = fn;
	ctx->log_data = data;
}

EXPORT const char *vfioadm_get_root(const struct vfioadm_ctx *ctx)
{
	return *ctx->root ? ctx->root : "/";
}

void vfioadm_log(struct vfioadm_ctx *ctx, int prio, const char *fmt, ...)
{
	if (!ctx->log_fn)
		return;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ctx->log_fn(ctx->log_data, prio, msg);
}

EXPORT const char *vfioadm_kernel_release(struct vfioadm_ctx *ctx)
{
	if (ctx->release[0])
		return ctx->release;
	_cleanup_close_ int fd = root_open(ctx, "/proc/sys/kernel/osrelease", O_RDONLY);
	if (fd >= 0 && attr_read(fd, "", ctx->release, sizeof(ctx->release)) > 0)
		return ctx->release;
	struct utsname u;
	if (uname(&u) == 0)
		strscpy(ctx->release, sizeof(ctx->release), u.release);
	return ctx->release;
}

int root_resolve_lexical(int root_fd, const char *path, char *ret, size_t size)
{
	char todo[PATH_MAX], cur[PATH_MAX] = "";
	int hops = 0;

	if (strscpy(todo, sizeof(todo), path) < 0)
		return -ENAMETOOLONG;
	char *p = todo;
	while (*p) {
		char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		char comp[NAME_MAX + 1];
		if (len > NAME_MAX)
			return -ENAMETOOLONG;
		memcpy(comp, p, len);
		comp[len] = '\0';
		p += len + (slash ? 1 : 0);
		if (!*comp || streq(comp, "."))
			continue;
		if (streq(comp, "..")) {
			char *last = strrchr(cur, '/');
			if (!*cur)
				return -EXDEV; /* would climb above the root */
			if (last)
				*last = '\0';
			else
				cur[0] = '\0';
			continue;
		}
		char cand[PATH_MAX];
		if ((size_t)snprintf(cand, sizeof(cand), "%s%s%s", cur, *cur ? "/" : "", comp) >= sizeof(cand))
			return -ENAMETOOLONG;
		char target[PATH_MAX];
		ssize_t n = readlinkat(root_fd, cand, target, sizeof(target) - 1);
		if (n < 0) {
			if (errno != EINVAL && errno != ENOENT && errno != ENOTDIR)
				return -errno;
			strcpy(cur, cand);
			continue;
		}
		target[n] = '\0';
		if (++hops > MAX_LINK_HOPS)
			return -ELOOP;
		if (target[0] == '/')
			return -EXDEV; /* as RESOLVE_BENEATH: absolute links leave the root */
		char rest[PATH_MAX];
		if ((size_t)snprintf(rest, sizeof(rest), "%s/%s", target, p) >= sizeof(rest))
			return -ENAMETOOLONG;
		strcpy(todo, rest);
		p = todo;
	}
	if (strscpy(ret, size, *cur ? cur : ".") < 0)
		return -ENAMETOOLONG;
	return 0;
}

static int openat2_beneath(int root_fd, const char *rel, int flags)
{
	static bool no_openat2;
	if (!no_openat2 && !getenv("VFIOADM_NO_OPENAT2")) {
		struct open_how how = {
			.flags = (uint64_t)flags,
			.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
		};
		int fd = (int)syscall(SYS_openat2, root_fd, rel, &how, sizeof(how));
		if (fd >= 0)
			return fd;
		if (errno != ENOSYS && errno != EPERM)
			return -errno;
		no_openat2 = true;
	}
	char resolved[PATH_MAX];
	int r = root_resolve_lexical(root_fd, rel, resolved, sizeof(resolved));
	if (r < 0)
		return r;
	int fd = openat(root_fd, resolved, flags | O_NOFOLLOW);
	return fd < 0 ? -errno : fd;
}

int root_open(struct vfioadm_ctx *ctx, const char *path, int flags)
{
	flags |= O_CLOEXEC;
	if (ctx->root_fd < 0) {
		int fd = open(path, flags);
		return fd < 0 ? -errno : fd;
	}
	while (*path == '/')
		path++;
	return openat2_beneath(ctx->root_fd, *path ? path : ".", flags);
}

int root_opendir(struct vfioadm_ctx *ctx, const char *path, DIR **ret)
{
	int fd = root_open(ctx, path, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return fd;
	DIR *d = fdopendir(fd);
	if (!d) {
		int r = -errno;
		close(fd);
		return r;
	}
	*ret = d;
	return 0;
}

bool root_exists(struct vfioadm_ctx *ctx, const char *path)
{
	if (ctx->root_fd < 0) /* the host: one syscall, where an O_PATH open and close are two */
		return faccessat(AT_FDCWD, path, F_OK, 0) == 0;
	_cleanup_close_ int fd = root_open(ctx, path, O_PATH);
	return fd >= 0;
}

/* getdents64 straight into a stack buffer: opendir() adds an fstat, two fcntls and a heap
 * buffer per directory, and sysfs directories are read per device in every transaction. */
int dir_each(int dir_fd, int (*fn)(void *data, const char *name), void *data)
{
	char buf[4096] __attribute__((aligned(8)));
	ssize_t n;
	while ((n = getdents64(dir_fd, buf, sizeof(buf))) > 0)
		for (ssize_t off = 0; off < n;) {
			struct dirent64 *de = (struct dirent64 *)(void *)(buf + off);
			off += de->d_reclen;
			if (streq(de->d_name, ".") || streq(de->d_name, ".."))
				continue;
			int r = fn(data, de->d_name);
			if (r != 0)
				return r;
		}
	return n < 0 ? -errno : 0;
}

struct first_match {
	const char *prefix;
	char *out;
	size_t size;
};

static int first_match_fn(void *data, const char *name)
{
	struct first_match *m = data;
	if (!startswith(name, m->prefix) || strscpy(m->out, m->size, name) < 0)
		return 0;
	return 1;
}

int dir_first(int dir_fd, const char *name, const char *prefix, char *out, size_t size)
{
	_cleanup_close_ int fd = dir_openat(dir_fd, name);
	if (fd < 0)
		return fd;
	out[0] = '\0';
	struct first_match m = { prefix, out, size };
	int r = dir_each(fd, first_match_fn, &m);
	return r < 0 ? r : r == 1;
}

int attr_read(int dir_fd, const char *name, char *buf, size_t size)
{
	_cleanup_close_ int fd = -EBADF;
	if (*name) {
		fd = openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return -errno;
	}
	ssize_t n = read(*name ? fd : dir_fd, buf, size);
	if (n < 0)
		return -errno;
	if ((size_t)n == size)
		return -EFBIG; /* never hand out a silently truncated value */
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return (int)n;
}

int attr_read_long(int dir_fd, const char *name, int base, long *ret)
{
	char buf[32], *end;
	int r = attr_read(dir_fd, name, buf, sizeof(buf));
	if (r < 0)
		return r;
	errno = 0;
	long v = strtol(buf, &end, base);
	if (errno || end == buf || *end)
		return -EINVAL;
	*ret = v;
	return 0;
}

int link_basename(int dir_fd, const char *name, char *buf, size_t size)
{
	char target[PATH_MAX];
	ssize_t n = readlinkat(dir_fd, name, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	const char *base = strrchr(target, '/');
	return strscpy(buf, size, base ? base + 1 : target);
}

int dir_openat(int dir_fd, const char *name)
{
	int fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}
