/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Writes that may block in the kernel: an unbind while a VFIO device is open blocks until it
 * is closed, a bind for as long as the probe takes, sriov_numvfs for as long as the VFs take.
 * vfioadm must never hang on one, so such writes are made by a helper process that can be
 * abandoned after a timeout (a thread of our own, stuck in the kernel, would keep the process
 * and its stdout alive: `out=$(vfioadm unbind …)` would hang).
 *
 * A lane (struct lane) is a socket to a helper: "path\0value" goes in, the errno comes back.
 * The run's own lane gets a helper of its own, forked on its first such write. A batch's
 * lanes share one helper, forked once, which serves each lane's socket on a thread of its own:
 * under emulation a fork costs more than the write (the copy of the page tables, then a
 * copy-on-write fault for every page the parent touches), so one per lane was measured too.
 *
 * A write that times out is abandoned: the lane keeps its socket only to learn when the
 * kernel lets go (writer_abandoned_done()), and its next write gets a fresh helper.
 */
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

#include "txn/txn.h"

enum { HELPER_FD = 3 };

/* ---- the helper process ---- */

/* One lane: a write per request, its errno back, until the lane's socket closes. */
static void serve(int sock)
{
	char req[PATH_MAX + 256];
	ssize_t n;
	while ((n = recv(sock, req, sizeof(req) - 1, 0)) > 0) {
		req[n] = '\0';
		const char *path = req, *value = req + strlen(req) + 1;
		int err = 0, fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || write(fd, value, strlen(value)) < 0)
			err = errno;
		if (fd >= 0)
			close(fd);
		(void)send(sock, &err, sizeof(err), MSG_NOSIGNAL);
	}
	close(sock);
}

static void *serve_thread(void *sock)
{
	serve((int)(intptr_t)sock);
	return NULL;
}

/*
 * The helper: nothing of the parent's but the lane sockets, moved to 3, 4, … (not its run
 * lock: a helper stuck in an unbind must not keep every later vfioadm run waiting; nor its
 * output: `out=$(vfioadm bind …)` must not wait for an abandoned helper). Until then only
 * async-signal-safe calls: the parent may have threads. Threads of its own only for a shared
 * helper, which is forked before the batch starts any.
 */
_Noreturn static void helper_main(const int *socks, unsigned n)
{
	int tmp[MAX_LANES];
	for (unsigned k = 0; k < n; k++)
		if ((tmp[k] = fcntl(socks[k], F_DUPFD, HELPER_FD + (int)n)) < 0)
			_exit(1);
	for (unsigned k = 0; k < n; k++)
		if (dup2(tmp[k], HELPER_FD + (int)k) < 0)
			_exit(1);
	close_range(HELPER_FD + n, ~0U, 0);
	int null = open("/dev/null", O_RDWR);
	for (int fd = 0; null >= 0 && fd <= 2; fd++)
		dup2(null, fd);
	if (null > 2)
		close(null);
	prctl(PR_SET_NAME, "vfioadm-writer");
	pthread_t t[MAX_LANES]; /* none for a single lane: no pthread call then */
	bool started[MAX_LANES] = { false };
	for (unsigned k = 1; k < n; k++) {
		started[k] = pthread_create(&t[k], NULL, serve_thread, (void *)(intptr_t)(HELPER_FD + (int)k)) == 0;
		if (!started[k])
			close(HELPER_FD + (int)k); /* that lane's first write fails; it forks its own */
	}
	serve(HELPER_FD);
	/* the process ends with its last lane (not pthread_exit(): it needs libgcc_s, which a
	 * minimal system may lack, and aborts without it) */
	for (unsigned k = 1; k < n; k++)
		if (started[k])
			pthread_join(t[k], NULL);
	_exit(0);
}

/* Fork a helper for lanes @l[0..n), a socket each. Returns its pid or -errno. */
static pid_t helper_fork(struct lane *l, unsigned n)
{
	int ours[MAX_LANES], theirs[MAX_LANES], r = 0;
	unsigned made = 0;
	for (; made < n; made++) {
		int sv[2];
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
			r = -errno;
			break;
		}
		ours[made] = sv[0], theirs[made] = sv[1];
	}
	pid_t pid = r < 0 ? r : fork();
	if (pid == 0)
		helper_main(theirs, n);
	if (pid < 0 && r == 0)
		r = -errno;
	for (unsigned k = 0; k < made; k++) {
		close(theirs[k]);
		if (r < 0)
			close(ours[k]);
		else
			l[k].writer_fd = ours[k];
	}
	return r < 0 ? r : pid;
}

/* ---- lanes ---- */

void lane_init(struct lane *l)
{
	*l = (struct lane){ .writer_fd = -EBADF, .stuck_fd = -EBADF, .kmsg_fd = -EBADF };
}

int writers_start_shared(struct lane *lanes, unsigned n)
{
	return helper_fork(lanes, n > MAX_LANES ? MAX_LANES : n);
}

static int helper_get(struct lane *l)
{
	if (l->writer_fd >= 0)
		return 0;
	pid_t pid = helper_fork(l, 1);
	if (pid < 0)
		return pid;
	l->writer_pid = pid;
	return 0;
}

/* Close the lane's socket. A helper of its own, idle, exits at once on it and is reaped; a
 * shared one's thread just ends. */
static void helper_release(struct lane *l)
{
	if (l->writer_fd < 0)
		return;
	close(l->writer_fd);
	l->writer_fd = -EBADF;
	if (l->writer_pid > 0)
		waitpid(l->writer_pid, NULL, 0);
	l->writer_pid = 0;
}

/* Stop waiting for an abandoned write: it ends on its own (an own helper is left unreaped). */
static void forget_abandoned(struct lane *l)
{
	if (l->stuck_fd >= 0)
		close(l->stuck_fd);
	l->stuck_fd = -EBADF;
	l->stuck_pid = 0;
}

static void abandon(struct lane *l)
{
	forget_abandoned(l);
	l->stuck_fd = l->writer_fd;
	l->stuck_pid = l->writer_pid;
	l->left_shared_busy |= l->writer_pid == 0; /* a lane uses the shared helper once at most */
	l->writer_fd = -EBADF;
	l->writer_pid = 0;
}

/* Wait until the helper answers on @fd or @end (now_ms()) passes: 1 answered (or gone),
 * 0 timed out, -errno. */
static int wait_answer(int fd, long long end)
{
	for (;;) {
		long long left = end - now_ms();
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int n = poll(&p, 1, left > 0 ? (int)(left > INT_MAX ? INT_MAX : left) : 0);
		if (n >= 0 || errno != EINTR)
			return n < 0 ? -errno : n;
	}
}

bool writer_abandoned_done(struct lane *l, int grace_ms)
{
	if (l->stuck_fd < 0)
		return true;
	if (wait_answer(l->stuck_fd, now_ms() + grace_ms) <= 0)
		return false;
	/* the late answer (or the helper is gone): the kernel has let go */
	close(l->stuck_fd);
	if (l->stuck_pid > 0)
		waitpid(l->stuck_pid, NULL, 0); /* back in recv(), it exits on the closed socket */
	else
		l->left_shared_busy = false; /* the shared helper's thread is free to end too */
	l->stuck_fd = -EBADF;
	l->stuck_pid = 0;
	return true;
}

void lane_stop(struct lane *l)
{
	helper_release(l);
	forget_abandoned(l);
	if (l->kmsg_fd >= 0)
		close(l->kmsg_fd);
	l->kmsg_fd = -EBADF;
}

static void run_lane_free(struct vfioadm_ctx *ctx)
{
	if (ctx->lane)
		lane_stop(ctx->lane);
	free(ctx->lane);
	ctx->lane = NULL;
}

struct lane *run_lane(struct vfioadm_ctx *ctx)
{
	if (ctx->lane)
		return ctx->lane;
	struct lane *l = malloc(sizeof(*l));
	if (!l)
		return NULL;
	lane_init(l);
	ctx->lane = l;
	if (ctx_on_free(ctx, run_lane_free) < 0) {
		run_lane_free(ctx);
		return NULL;
	}
	return l;
}

/* ---- the write ---- */

/* Wait for the helper's answer at most until @end; 0 with *err, or -ETIMEDOUT, or -EIO when
 * the helper is gone without answering. */
static int helper_answer(struct lane *l, long long end, int *err)
{
	int n = wait_answer(l->writer_fd, end);
	if (n <= 0)
		return n == 0 ? -ETIMEDOUT : n;
	return recv(l->writer_fd, err, sizeof(*err), 0) == (ssize_t)sizeof(*err) ? 0 : -EIO;
}

/* Write @value to @path through the lane's helper, waiting at most @timeout_ms. On timeout
 * the write goes on, abandoned (writer_abandoned_done() says when it ended). */
int timed_write(struct vfioadm_ctx *ctx, struct lane *l, const char *path, const char *value, int timeout_ms)
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
		if ((r = helper_get(l)) < 0)
			return r;
		if (send(l->writer_fd, req, (size_t)len, MSG_NOSIGNAL) == len)
			break;
		helper_release(l); /* it died (killed by someone), or never started: one fresh helper */
		if (attempt > 0)
			return -EIO;
	}
	r = helper_answer(l, end, &err);
	if (r == -ETIMEDOUT) {
		abandon(l);
		return r;
	}
	if (r < 0) {
		helper_release(l);
		return r;
	}
	return -err;
}
