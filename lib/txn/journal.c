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
	int fd = run_dir_open(ctx, "journal"); /* root's alone, verified (txn/lock.c) */
	if (fd < 0)
		return fd;
	ctx->journal_dir_fd = fd;
	int r = ctx_on_free(ctx, journal_dir_close);
	return r < 0 ? r : fd;
}

int journal_write(struct vfioadm_ctx *ctx, const struct journal *j)
{
	char path[PATH_MAX], text[1024], vf[sizeof(j->vf_prev) + 64] = "";
	if (j->vf_pf[0])
		snprintf(vf, sizeof(vf), "vf_pf=%s\nvf_index=%u\nvf_prev=%s\n", j->vf_pf, j->vf_index, j->vf_prev);
	int n = snprintf(text, sizeof(text),
			 "bdf=%s\norig_driver=%s\norig_override=%s\ntarget=%s\nstate=%s\nstarted=%lld\norigin=%s\n%s%s",
			 j->bdf, j->orig_driver, j->orig_override, j->target, j->state, j->started,
			 j->from_config ? "config" : "cli", j->reprobe ? "reprobe=1\n" : "", vf);
	journal_path(j->bdf, path, sizeof(path));
	narrate(ctx, "journal", path, j->state);
	if (ctx->dry_run)
		return 0;
	if (!ctx_is_host(ctx))
		return -EROFS;
	int dfd = journal_dir(ctx);
	if (dfd < 0)
		return dfd;
	/* the journal must be on disk before the device is touched: write, fsync, rename, fsync dir;
	 * one file per device, so the temporaries of threads can't clash */
	int r = file_replace_at(dfd, path + strlen(JOURNAL_DIR "/"), text, (size_t)n, 0600);
	if (r < 0)
		return r;
	(void)fsync(dfd);
	return 0;
}

/* "binding" and "releasing": a transaction in flight; "bound": the record an unbind restores */
static bool journal_state_valid(const char *s)
{
	return streq(s, "binding") || streq(s, "bound") || streq(s, "releasing");
}

int journal_parse(const char *text, struct journal *ret)
{
	struct journal j = { 0 };
	unsigned seen = 0;
	char line[sizeof(j.vf_prev) + 16];
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
			r = journal_state_valid(eq) ? strscpy(j.state, sizeof(j.state), eq) : -EINVAL;
			seen |= 16;
		} else if (streq(line, "started")) {
			j.started = atoll(eq);
		} else if (streq(line, "reprobe")) {
			if (!streq(eq, "1"))
				return -EINVAL;
			j.reprobe = true;
		} else if (streq(line, "origin")) {
			if (!streq(eq, "config") && !streq(eq, "cli"))
				return -EINVAL;
			j.from_config = streq(eq, "config");
		} else if (streq(line, "vf_pf")) {
			r = vfioadm_bdf_normalize(eq, j.vf_pf);
		} else if (streq(line, "vf_index")) {
			char *end;
			unsigned long v = strtoul(eq, &end, 10);
			r = !*eq || *end || *eq == '-' || v > 65535 ? -EINVAL : 0;
			j.vf_index = (unsigned)v;
		} else if (streq(line, "vf_prev")) {
			struct vfioadm_vf_attrs a;
			char err[128];
			r = *eq && vfioadm_vf_attrs_parse(eq, &a, err, sizeof(err)) < 0 ? -EINVAL
			    : strscpy(j.vf_prev, sizeof(j.vf_prev), eq);
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
	char path[PATH_MAX], text[2048];
	journal_path(bdf, path, sizeof(path));
	/* never blocks on a FIFO planted there, never follows a link */
	_cleanup_close_ int fd = root_open(ctx, path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return fd == -ELOOP ? -EBADMSG : fd;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return -EBADMSG;
	/* what it says decides where a device goes: only a file only root (or you) could write,
	 * and on the host only the 0600 file vfioadm itself writes */
	if (trust_fault(&st, geteuid()) != TRUST_OK || (ctx_is_host(ctx) && (st.st_mode & 077)))
		return -EPERM;
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

bool journal_in_flight(const struct journal *j)
{
	return !streq(j->state, "bound");
}

const char *journal_fault(int r)
{
	if (r == -EPERM)
		return "not a journal vfioadm wrote: another user owns or may write it (planted?)";
	return r == -EBADMSG ? "not a journal vfioadm wrote (unparsable, not a regular file, or naming "
			       "another device)" : strerror(-r);
}

int journal_each(struct vfioadm_ctx *ctx, journal_fn fn, void *data)
{
	_cleanup_closedir_ DIR *d = NULL;
	if (root_opendir(ctx, JOURNAL_DIR, &d) < 0)
		return 0; /* none yet */
	struct dirent *de;
	int r = 0;
	while (r >= 0 && (de = readdir(d))) {
		struct journal j;
		if (de->d_name[0] == '.' || strstr(de->d_name, ".tmp."))
			continue; /* a temp file is a journal that never was: nothing was touched */
		int rr = journal_read(ctx, de->d_name, &j);
		if (rr != -ENOENT) /* else finished meanwhile */
			r = fn(data, de->d_name, rr < 0 ? NULL : &j, rr);
	}
	return r;
}

static int leftover_fn(void *data, const char *name, const struct journal *j, int r)
{
	struct vfioadm_report *rep = data;
	if (r < 0) /* its way back is lost: say so, never act on what it says */
		return report_add(rep, VFIOADM_BLOCK_JOURNAL_CORRUPT, name, journal_fault(r), 0, true);
	return journal_in_flight(j) ? report_add(rep, VFIOADM_BLOCK_JOURNAL, j->bdf, j->orig_driver, 0, false) : 0;
}

EXPORT int vfioadm_leftover_journals(struct vfioadm_ctx *ctx, struct vfioadm_report **ret)
{
	struct vfioadm_report *r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	int rr = journal_each(ctx, leftover_fn, r);
	if (rr < 0) {
		vfioadm_report_free(r);
		return rr;
	}
	*ret = r;
	return 0;
}
