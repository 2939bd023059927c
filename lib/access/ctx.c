/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The context: created, referenced and freed here, with its log and its observer (the dry-run
 * narration). Each subsystem makes its own state in the context on first use and registers
 * its cleanup with ctx_on_free(); nothing here knows what those states are.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <sys/utsname.h>

#include "access/access.h"

EXPORT int vfioadm_new(const char *root, struct vfioadm_ctx **ret_ctx)
{
	_cleanup_free_ struct vfioadm_ctx *ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	ctx->refcount = 1;
	ctx->root_fd = -EBADF;
	ctx->lock_fd = -EBADF;
	ctx->journal_dir_fd = -EBADF;

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

int ctx_on_free(struct vfioadm_ctx *ctx, ctx_cleanup_fn fn)
{
	for (unsigned i = 0; i < ctx->n_cleanups; i++)
		if (ctx->cleanups[i] == fn)
			return 0;
	if (ctx->n_cleanups == CTX_MAX_CLEANUPS)
		return -ENOSPC; /* a new subsystem needs a larger CTX_MAX_CLEANUPS */
	ctx->cleanups[ctx->n_cleanups++] = fn;
	return 0;
}

EXPORT struct vfioadm_ctx *vfioadm_unref(struct vfioadm_ctx *ctx)
{
	if (!ctx || --ctx->refcount > 0)
		return NULL;
	/* last registered, first freed: what was made later may rely on what came before it */
	while (ctx->n_cleanups > 0)
		ctx->cleanups[--ctx->n_cleanups](ctx);
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
	_cleanup_close_ int fd = root_open(ctx, "/proc/sys/kernel/osrelease", O_RDONLY | O_NONBLOCK);
	int r = fd < 0 ? fd : attr_read(fd, "", ctx->release, sizeof(ctx->release));
	if (r > 0 && kernel_release_valid(ctx->release))
		return ctx->release;
	struct utsname u;
	ctx->release[0] = '\0';
	if (uname(&u) == 0)
		strscpy(ctx->release, sizeof(ctx->release), u.release);
	if (!ctx_is_host(ctx)) /* a captured tree's kernel is not this host's: say so */
		vfioadm_log(ctx, VFIOADM_LOG_WARNING, "%s/proc/sys/kernel/osrelease is %s: using this host's "
			    "release %s", ctx->root, r < 0 ? strerror(-r) : "not a kernel release", ctx->release);
	return ctx->release;
}

EXPORT void vfioadm_set_action_fn(struct vfioadm_ctx *ctx, vfioadm_action_fn fn, void *data)
{
	ctx->action_fn = fn;
	ctx->action_data = data;
}

EXPORT void vfioadm_set_dry_run(struct vfioadm_ctx *ctx, bool dry_run)
{
	ctx->dry_run = dry_run;
}

/* From a signal handler: one store to a sig_atomic_t, nothing else */
EXPORT void vfioadm_request_stop(struct vfioadm_ctx *ctx)
{
	ctx->stop_requested = 1;
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

