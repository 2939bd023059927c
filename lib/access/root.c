/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The rooted access layer: every path -> fd conversion under the context's root.
 *
 * With a root other than "/", paths are opened with openat2(RESOLVE_BENEATH) relative to
 * the root's fd, so a captured tree's relative sysfs links work while a link that climbs
 * out of the root fails with -EXDEV instead of reading the host. Where openat2 is not
 * available (old kernel, seccomp), a lexical resolver gives the same answers.
 */
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "access/access.h"

#define MAX_LINK_HOPS 40

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

/* mkdir -p on the host (the run lock's and the journal's directories) */
int host_mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	if (strscpy(buf, sizeof(buf), path) < 0)
		return -ENAMETOOLONG;
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return mkdir(buf, mode) < 0 && errno != EEXIST ? -errno : 0;
}

/* A host directory whose files root may trust (and others will read as root's): opened
 * without following a link, owned by root or the caller, writable by nobody else
 * (trust_fault()). Returns the fd, -EPERM when it is a link or not trusted, or -errno. */
int host_trusted_dir_open(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	/* a link (ELOOP, or ENOTDIR with O_DIRECTORY): whoever may change it chooses the place */
	if (fd < 0 && (errno == ELOOP || errno == ENOTDIR) && lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
		return -EPERM;
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || trust_fault(&st, geteuid()) != TRUST_OK) {
		close(fd);
		return -EPERM;
	}
	return fd;
}
