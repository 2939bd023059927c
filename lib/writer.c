/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Writes that may block in the kernel: an unbind while a VFIO device is open blocks until it
 * is closed, a bind for as long as the probe takes, sriov_numvfs for as long as the VFs take.
 * vfioadm must never hang on one, so such writes are made by a helper process that can be
 * abandoned after a timeout.
 *
 * One helper serves a whole run (a socketpair carries "path\0value" in and the errno back),
 * forked on the first such write: a fork per write cost more than the write itself under
 * emulation (the copy of the page tables, then a copy-on-write fault for every page the parent
 * touches). A helper that times out is abandoned: it finishes its write on its own, sees the
 * socket closed and exits; the next write starts a new one.
 */
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "internal.h"

enum { HELPER_FD = 3 };

long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The helper: nothing of the parent's but the socket (not its run lock: a helper stuck in an
 * unbind must not keep every later vfioadm run waiting), one write per request. */
_Noreturn static void helper_main(int sock)
{
	if (sock != HELPER_FD && dup2(sock, HELPER_FD) < 0)
		_exit(1);
	close_range(HELPER_FD + 1, ~0U, 0);
	/* nor its output: `out=$(vfioadm bind …)` must not wait for an abandoned helper */
	int null = open("/dev/null", O_RDWR);
	for (int fd = 0; null >= 0 && fd <= 2; fd++)
		dup2(null, fd);
	if (null > 2 && null != HELPER_FD)
		close(null);
	prctl(PR_SET_NAME, "vfioadm-writer");
	char req[PATH_MAX + 256];
	ssize_t n;
	while ((n = recv(HELPER_FD, req, sizeof(req) - 1, 0)) > 0) {
		req[n] = '\0';
		const char *path = req, *value = req + strlen(req) + 1;
		int err = 0, fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || write(fd, value, strlen(value)) < 0)
			err = errno;
		if (fd >= 0)
			close(fd);
		(void)send(HELPER_FD, &err, sizeof(err), MSG_NOSIGNAL);
	}
	_exit(0);
}

static int helper_get(struct vfioadm_ctx *ctx)
{
	if (ctx->writer_fd >= 0)
		return 0;
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid < 0) {
		int r = -errno;
		close(sv[0]);
		close(sv[1]);
		return r;
	}
	if (pid == 0) {
		close(sv[0]);
		helper_main(sv[1]);
	}
	close(sv[1]);
	ctx->writer_fd = sv[0];
	ctx->writer_pid = pid;
	return 0;
}

/* Let go of the helper. An idle one exits at once on the closed socket and is reaped; one
 * still in a write (abandoned) is left to finish: the caller keeps its pid for reap(). */
static void helper_release(struct vfioadm_ctx *ctx, bool idle)
{
	if (ctx->writer_fd < 0)
		return;
	close(ctx->writer_fd);
	ctx->writer_fd = -EBADF;
	if (idle)
		waitpid(ctx->writer_pid, NULL, 0);
	ctx->writer_pid = 0;
}

void writer_stop(struct vfioadm_ctx *ctx)
{
	helper_release(ctx, true);
}

/* Wait for the helper's answer at most until @end; 0 with *err, or -ETIMEDOUT, or -EIO when
 * the helper is gone without answering. */
static int helper_answer(struct vfioadm_ctx *ctx, long long end, int *err)
{
	for (;;) {
		long long left = end - now_ms();
		struct pollfd p = { .fd = ctx->writer_fd, .events = POLLIN };
		int n = poll(&p, 1, left > 0 ? (int)(left > INT_MAX ? INT_MAX : left) : 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0)
			return -ETIMEDOUT;
		if (n < 0)
			return -errno;
		return recv(ctx->writer_fd, err, sizeof(*err), 0) == (ssize_t)sizeof(*err) ? 0 : -EIO;
	}
}

/* Write @value to @path, waiting at most @timeout_ms. On timeout the write goes on in the
 * abandoned helper; *ret_child says which process, so a rollback can wait for it (reap). */
int timed_write(struct vfioadm_ctx *ctx, const char *path, const char *value, int timeout_ms,
		pid_t *ret_child)
{
	narrate(ctx, "write", path, value);
	if (ctx->dry_run)
		return 0;
	if (!ctx_is_host(ctx))
		return -EROFS;
	char req[PATH_MAX + 256];
	int len = snprintf(req, sizeof(req), "%s%c%s", path, '\0', value);
	if (len < 0 || (size_t)len >= sizeof(req))
		return -ENAMETOOLONG;
	long long end = now_ms() + timeout_ms;
	int r, err = 0;
	for (int attempt = 0;; attempt++) {
		if ((r = helper_get(ctx)) < 0)
			return r;
		if (send(ctx->writer_fd, req, (size_t)len, MSG_NOSIGNAL) == len)
			break;
		helper_release(ctx, true); /* it died (killed by someone): one fresh helper */
		if (attempt > 0)
			return -EIO;
	}
	r = helper_answer(ctx, end, &err);
	if (r == -ETIMEDOUT) {
		if (ret_child)
			*ret_child = ctx->writer_pid;
		helper_release(ctx, false);
		return r;
	}
	if (r < 0) {
		helper_release(ctx, true);
		return r;
	}
	return -err;
}

/* Wait until @pid exits or @timeout_ms pass; true when it has exited (it is not reaped). A pidfd
 * wakes us the moment the child is done; kernels without one get a short sleep loop. */
static bool wait_child(pid_t pid, int timeout_ms)
{
	_cleanup_close_ int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	long long end = now_ms() + timeout_ms;
	for (;;) {
		siginfo_t si = { 0 };
		if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == pid)
			return true;
		long long left = end - now_ms();
		if (left <= 0)
			return false;
		if (pfd >= 0) {
			struct pollfd p = { .fd = pfd, .events = POLLIN };
			(void)poll(&p, 1, (int)left);
		} else {
			usleep(2 * 1000);
		}
	}
}

/* Give an abandoned writer up to @grace_ms more. Returns true when it has finished. */
bool reap(pid_t child, int grace_ms)
{
	if (child <= 0)
		return true;
	if (!wait_child(child, grace_ms))
		return false;
	waitpid(child, NULL, 0);
	return true;
}
