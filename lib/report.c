/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Blocker reports, and who holds a device node open (a scan of /proc/<pid>/fd). */
#include <ctype.h>
#include <fcntl.h>

#include "internal.h"

EXPORT struct vfioadm_report *vfioadm_report_free(struct vfioadm_report *r)
{
	if (r)
		free(r->v);
	free(r);
	return NULL;
}

int report_add(struct vfioadm_report *r, enum vfioadm_blocker_kind kind, const char *subject,
	       const char *detail, int pid, bool forceable)
{
	struct vfioadm_blocker *v = reallocarray(r->v, r->n + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	r->v = v;
	v += r->n++;
	memset(v, 0, sizeof(*v));
	v->kind = kind;
	v->pid = pid;
	v->forceable = forceable;
	snprintf(v->subject, sizeof(v->subject), "%s", subject ? subject : "");
	snprintf(v->detail, sizeof(v->detail), "%s", detail ? detail : "");
	return 0;
}

static void process_command(struct vfioadm_ctx *ctx, const char *pid, char *buf, size_t size)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%s", pid);
	_cleanup_close_ int pfd = root_open(ctx, path, O_RDONLY | O_DIRECTORY);
	buf[0] = '\0';
	if (pfd < 0)
		return;
	_cleanup_close_ int cfd = openat(pfd, "cmdline", O_RDONLY | O_CLOEXEC);
	ssize_t n = cfd >= 0 ? read(cfd, buf, size - 1) : -1;
	if (n > 0) {
		for (ssize_t i = 0; i < n - 1; i++)
			if (buf[i] == '\0')
				buf[i] = ' ';
		buf[n] = '\0';
		return;
	}
	if (attr_read(pfd, "comm", buf, size) < 0)
		buf[0] = '\0';
}

static bool path_listed(const char *target, const char *const *paths)
{
	for (; *paths; paths++)
		if (streq(target, *paths))
			return true;
	return false;
}

/* Does process @pid hold one of @paths? Reports the first match. */
static int scan_process(struct vfioadm_ctx *ctx, struct vfioadm_report *r, const char *pid,
			const char *const *paths)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%s/fd", pid);
	_cleanup_closedir_ DIR *d = NULL;
	if (root_opendir(ctx, path, &d) < 0)
		return 0; /* gone, or not ours to see */
	struct dirent *de;
	while ((de = readdir(d))) {
		char target[PATH_MAX];
		ssize_t n = readlinkat(dirfd(d), de->d_name, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (!path_listed(target, paths))
			continue;
		char cmd[160];
		process_command(ctx, pid, cmd, sizeof(cmd));
		return report_add(r, VFIOADM_BLOCK_OPEN, target, cmd, atoi(pid), false);
	}
	return 0;
}

int report_holders(struct vfioadm_ctx *ctx, struct vfioadm_report *r, const char *const *paths)
{
	if (!paths[0])
		return 0;
	_cleanup_closedir_ DIR *d = NULL;
	int rr = root_opendir(ctx, "/proc", &d);
	if (rr < 0)
		return rr == -ENOENT ? 0 : rr;
	char self[16];
	snprintf(self, sizeof(self), "%d", getpid());
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]) || (ctx_is_host(ctx) && streq(de->d_name, self)))
			continue;
		rr = scan_process(ctx, r, de->d_name, paths);
		if (rr < 0)
			return rr;
	}
	return 0;
}
