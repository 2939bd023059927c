/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Who holds a device node open: a scan of /proc/<pid>/fd, briefly cached in the context. */
#include <ctype.h>
#include <fcntl.h>

#include "model/model.h"

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

/* One snapshot of every process's open /dev nodes, reused for a second: a run that checks many
 * devices scans /proc once, not once per device and check. */
struct holder {
	char node[VFIOADM_PATH_MAX];
	int pid;
};

struct holders_cache {
	long long taken_ms;
	size_t n;
	struct holder *v;
};

static void holders_cache_free(struct vfioadm_ctx *ctx)
{
	if (ctx->holders)
		free(ctx->holders->v);
	free(ctx->holders);
	ctx->holders = NULL;
}

static int scan_process(struct vfioadm_ctx *ctx, struct holders_cache *hc, const char *pid)
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
		if (n <= 5 || (size_t)n >= VFIOADM_PATH_MAX || strncmp(target, "/dev/", 5) != 0)
			continue;
		target[n] = '\0';
		struct holder *v = reallocarray(hc->v, hc->n + 1, sizeof(*v));
		if (!v)
			return -ENOMEM;
		hc->v = v;
		strcpy(v[hc->n].node, target);
		v[hc->n++].pid = atoi(pid);
	}
	return 0;
}

static int holders_get(struct vfioadm_ctx *ctx, const struct holders_cache **ret)
{
	if (ctx->holders && now_ms() - ctx->holders->taken_ms < 1000) {
		*ret = ctx->holders;
		return 0;
	}
	holders_cache_free(ctx);
	struct holders_cache *hc = calloc(1, sizeof(*hc));
	if (!hc)
		return -ENOMEM;
	hc->taken_ms = now_ms();
	_cleanup_closedir_ DIR *d = NULL;
	int rr = root_opendir(ctx, "/proc", &d);
	char self[16];
	snprintf(self, sizeof(self), "%d", getpid());
	struct dirent *de;
	while (rr >= 0 && d && (de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]) || (ctx_is_host(ctx) && streq(de->d_name, self)))
			continue;
		rr = scan_process(ctx, hc, de->d_name);
	}
	if (rr < 0 && rr != -ENOENT) {
		free(hc->v);
		free(hc);
		return rr;
	}
	ctx->holders = hc;
	*ret = hc;
	return ctx_on_free(ctx, holders_cache_free);
}

/* A VFIO group node opens once: if we can open it, nobody holds it. Opening the group has no
 * effect on the device (only a device fd enables or resets it). Returns true when every path
 * is such a node and each one was free, so the /proc scan can be skipped. */
static bool group_nodes_free(struct vfioadm_ctx *ctx, const char *const *paths)
{
	if (!ctx_is_host(ctx))
		return false;
	for (const char *const *p = paths; *p; p++) {
		const char *rest = startswith(*p, "/dev/vfio/") ? *p + 10 : NULL;
		if (!rest || !*rest || strspn(rest, "0123456789") != strlen(rest))
			return false; /* not a legacy group node: only a scan can tell */
		int fd = open(*p, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			return errno == ENOENT; /* EBUSY: held; anything else: scan to be sure */
		close(fd);
	}
	return true;
}

int report_holders(struct vfioadm_ctx *ctx, struct vfioadm_report *r, const char *const *paths)
{
	if (!paths[0] || group_nodes_free(ctx, paths))
		return 0;
	const struct holders_cache *hc;
	int rr = holders_get(ctx, &hc);
	if (rr < 0)
		return rr;
	int last_pid = 0;
	for (size_t i = 0; i < hc->n; i++) {
		bool listed = false;
		for (const char *const *p = paths; *p && !listed; p++)
			listed = streq(hc->v[i].node, *p);
		if (!listed || hc->v[i].pid == last_pid)
			continue; /* one line per process and node is enough */
		char pid[16], cmd[160];
		snprintf(pid, sizeof(pid), "%d", hc->v[i].pid);
		process_command(ctx, pid, cmd, sizeof(cmd));
		if ((rr = report_add(r, VFIOADM_BLOCK_OPEN, hc->v[i].node, cmd, hc->v[i].pid, false)) < 0)
			return rr;
		last_pid = hc->v[i].pid;
	}
	return 0;
}
