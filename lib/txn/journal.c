/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The journal: one small key=value file per device in flight under /run/vfioadm/journal, on
 * disk before the device is touched, so an interrupted or later run can restore the device.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "txn/txn.h"

#define JOURNAL_DIR "/run/vfioadm/journal"

/* ---- the journal: one small key=value file per device under /run/vfioadm/journal ---- */

static void journal_path(const char *bdf, char *buf, size_t size)
{
	snprintf(buf, size, JOURNAL_DIR "/%s", bdf);
}

static void journal_dir_close(struct vfioadm_ctx *ctx)
{
	if (ctx->journal_dir_fd >= 0)
		close(ctx->journal_dir_fd);
	ctx->journal_dir_fd = -EBADF;
}

/* The journal directory, kept open for the run: every write renames and syncs in it. */
int journal_dir(struct vfioadm_ctx *ctx)
{
	if (ctx->journal_dir_fd >= 0)
		return ctx->journal_dir_fd;
	int r = host_mkdir_p(JOURNAL_DIR, 0755);
	if (r < 0)
		return r;
	int fd = open(JOURNAL_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ctx->journal_dir_fd = fd;
	r = ctx_on_free(ctx, journal_dir_close);
	return r < 0 ? r : fd;
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
	/* never blocks on a FIFO planted there, never follows a link */
	_cleanup_close_ int fd = root_open(ctx, path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return fd == -ELOOP ? -EBADMSG : fd;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return -EBADMSG;
	int n = attr_read(fd, "", text, sizeof(text));
	if (n < 0)
		return n == -EFBIG ? -EBADMSG : n;
	if (strlen(text) != (size_t)n)
		return -EBADMSG; /* a NUL inside */
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

const char *journal_fault(int r)
{
	return r == -EBADMSG ? "not a journal vfioadm wrote (unparsable, not a regular file, or naming "
			       "another device)" : strerror(-r);
}

EXPORT int vfioadm_leftover_journals(struct vfioadm_ctx *ctx, struct vfioadm_report **ret)
{
	struct vfioadm_report *r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	_cleanup_closedir_ DIR *d = NULL;
	if (root_opendir(ctx, JOURNAL_DIR, &d) == 0) {
		struct dirent *de;
		while ((de = readdir(d))) {
			struct journal j;
			if (de->d_name[0] == '.' || strstr(de->d_name, ".tmp."))
				continue; /* a temp file is a journal that never was: nothing was touched */
			int rr = journal_read(ctx, de->d_name, &j);
			if (rr == -ENOENT)
				continue; /* finished meanwhile */
			if (rr < 0)
				/* its way back is lost: say so, never act on what it says */
				report_add(r, VFIOADM_BLOCK_JOURNAL_CORRUPT, de->d_name, journal_fault(rr), 0, true);
			else if (streq(j.state, "binding"))
				report_add(r, VFIOADM_BLOCK_JOURNAL, j.bdf, j.orig_driver, 0, false);
		}
	}
	*ret = r;
	return 0;
}
