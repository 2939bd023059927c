/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Attribute I/O relative to an open directory fd (a device's sysfs directory): small reads,
 * link basenames, directory walks. Never a path from the root: access/root.c opens those.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <sys/stat.h>

#include "access/access.h"

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
		/* O_NONBLOCK: sysfs ignores it, and a FIFO in a captured tree cannot hang us */
		fd = openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
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

/* readlinkat into @target (PATH_MAX): its length, or -errno */
static int link_read(int dir_fd, const char *name, char target[PATH_MAX])
{
	ssize_t n = readlinkat(dir_fd, name, target, PATH_MAX - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	return (int)n;
}

int link_basename(int dir_fd, const char *name, char *buf, size_t size)
{
	char target[PATH_MAX];
	int r = link_read(dir_fd, name, target);
	if (r < 0)
		return r;
	const char *base = strrchr(target, '/');
	return strscpy(buf, size, base ? base + 1 : target);
}

int dir_openat(int dir_fd, const char *name)
{
	int fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int link_driver_name(int dir_fd, const char *name, char *buf, size_t size)
{
	char target[PATH_MAX];
	int r = link_read(dir_fd, name, target);
	return r < 0 ? r : driver_link_name(target, buf, size);
}

/* Replace @name in @dir_fd with @len bytes of @data, durably: a temporary "NAME.tmp.PID"
 * beside it (never through a link), mode @mode whatever the umask, fsync, rename. The caller
 * syncs the directory once its renames are done. Returns 0 or -errno (the temporary removed). */
int file_replace_at(int dir_fd, const char *name, const char *data, size_t len, mode_t mode)
{
	char tmp[NAME_MAX + 1];
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", name, getpid()) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	_cleanup_close_ int fd = openat(dir_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	errno = 0;
	if (fchmod(fd, mode) < 0 || write(fd, data, len) != (ssize_t)len || fsync(fd) < 0 ||
	    renameat(dir_fd, tmp, dir_fd, name) < 0) {
		int r = errno ? -errno : -EIO;
		unlinkat(dir_fd, tmp, 0);
		return r;
	}
	return 0;
}
