/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Vendor hooks: the executables in /etc/vfioadm/hooks.d, run in name order at the stages of a
 * bind or a release. They run as root, so they are trusted only as cron trusts its files
 * (root's, writable by nobody else, no links anywhere from /etc/vfioadm down), and they run in
 * a clean room: an environment of fixed PATH and device facts only (facts are never put into a
 * shell line), stdin from /dev/null, umask 022, no inherited fds or signal dispositions, their
 * own process group, killed at the time limit. Their output goes back to the caller (logged),
 * never printed here.
 */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "txn/txn.h"

#define HOOKS_PARENT "/etc/vfioadm"
#define HOOKS_DIR HOOKS_PARENT "/hooks.d"
#define HOOK_PATH_ENV "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define MAX_HOOKS 64
#define HOOK_NAME_MAX 128
#define HOOK_OUTPUT_MAX 2048

static const char *const stage_names[] = {
	[HOOK_PRE_BIND] = "pre-bind", [HOOK_POST_BIND] = "post-bind",
	[HOOK_PRE_RELEASE] = "pre-release", [HOOK_POST_RELEASE] = "post-release",
};

const char *hook_stage_name(enum hook_stage s)
{
	return stage_names[s];
}

struct hook_list {
	size_t n;
	char names[MAX_HOOKS][HOOK_NAME_MAX];
};

static int name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Open @name under @at (or the rooted path when @at < 0) as a directory root alone controls. */
static int trusted_dir(struct vfioadm_ctx *ctx, int at, const char *path, const char *name, char *why,
		       size_t size)
{
	int fd = at < 0 ? root_open(ctx, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW)
			: openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (at >= 0 && fd < 0)
		fd = -errno;
	if (fd == -ENOENT)
		return -ENOENT;
	if (fd == -ELOOP || fd == -ENOTDIR) {
		snprintf(why, size, "%s is not a directory of its own (a link?): hooks run only from root's "
			 "directories", path);
		return -EPERM;
	}
	if (fd < 0) {
		snprintf(why, size, "cannot open %s: %s", path, strerror(-fd));
		return fd;
	}
	struct stat st;
	enum trust_fault f = fstat(fd, &st) < 0 ? TRUST_FOREIGN_OWNER : trust_fault(&st, geteuid());
	if (f != TRUST_OK) {
		snprintf(why, size, "refused: the directory %s %s; no hook was run", path, trust_fault_words(f));
		close(fd);
		return -EPERM;
	}
	return fd;
}

/* Is entry @name of the hooks directory a hook to run (1), not a hook (0), or refused (-EPERM)? */
static int hook_entry(int dfd, const char *name, char *why, size_t size)
{
	struct stat st;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0; /* removed while we looked */
	if (S_ISDIR(st.st_mode))
		return 0;
	if (S_ISLNK(st.st_mode) || !S_ISREG(st.st_mode)) {
		snprintf(why, size, "refused: the hook %s/%s is %s: a hook must be root's own regular file; "
			 "no hook was run", HOOKS_DIR, name, S_ISLNK(st.st_mode) ? "a symbolic link" : "not a regular file");
		return -EPERM;
	}
	/* checked even when not executable: its owner could make it so at any time */
	enum trust_fault f = trust_fault(&st, geteuid());
	if (f != TRUST_OK) {
		snprintf(why, size, "refused: the hook %s/%s %s; no hook was run", HOOKS_DIR, name, trust_fault_words(f));
		return -EPERM;
	}
	return (st.st_mode & 0111) != 0; /* chmod -x disables a hook, as for run-parts */
}

/* The hooks to run, in name order, all checked before any runs: 0, -EPERM (@why), -errno. */
static int hooks_list(struct vfioadm_ctx *ctx, struct hook_list *l, char *why, size_t size)
{
	l->n = 0;
	_cleanup_close_ int parent = trusted_dir(ctx, -1, HOOKS_PARENT, NULL, why, size);
	if (parent == -ENOENT)
		return 0;
	if (parent < 0)
		return parent;
	int dfd = trusted_dir(ctx, parent, HOOKS_DIR, "hooks.d", why, size);
	if (dfd == -ENOENT)
		return 0;
	if (dfd < 0)
		return dfd;
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return -errno;
	}
	int r = 0;
	for (struct dirent *e; r >= 0 && (e = readdir(d));) {
		/* run-parts(8)'s rule, so that hook.dpkg-old, hook~ and .hook are not hooks */
		if (!plain_name_valid(e->d_name, HOOK_NAME_MAX))
			continue;
		if ((r = hook_entry(dirfd(d), e->d_name, why, size)) <= 0)
			continue;
		if (l->n == MAX_HOOKS) {
			snprintf(why, size, "more than %d hooks in %s", MAX_HOOKS, HOOKS_DIR);
			r = -E2BIG;
			break;
		}
		strcpy(l->names[l->n++], e->d_name);
	}
	closedir(d);
	if (r < 0)
		return r;
	qsort(l->names, l->n, sizeof(l->names[0]), name_cmp);
	return 0;
}

/* The environment a hook gets: nothing inherited, the device's facts one variable each. */
#define ENV_MAX 12
struct hook_env {
	char buf[ENV_MAX][256];
	char *envp[ENV_MAX + 2];
};

/* Only when there are hooks to run: a bind without hooks reads nothing more */
static void env_build(struct vfioadm_ctx *ctx, struct hook_env *e, enum hook_stage stage, const struct hook_facts *f)
{
	size_t n = 0;
#define ENV(...) snprintf(e->buf[n], sizeof(e->buf[n]), __VA_ARGS__), e->envp[n] = e->buf[n], n++
	ENV("%s", HOOK_PATH_ENV);
	ENV("LANG=C");
	ENV("VFIOADM_STAGE=%s", stage_names[stage]);
	ENV("VFIOADM_REASON=%s", f->reason);
	ENV("VFIOADM_BDF=%s", f->bdf);
	ENV("VFIOADM_DRIVER=%s", f->vfio_driver);
	ENV("VFIOADM_HOST_DRIVER=%s", f->host_driver);
	ENV("VFIOADM_VENDOR=%04x", f->vendor);
	ENV("VFIOADM_DEVICE=%04x", f->device);
	if (f->iommu_group >= 0)
		ENV("VFIOADM_IOMMU_GROUP=%d", f->iommu_group);
	if (f->pf && f->pf[0]) {
		ENV("VFIOADM_PF=%s", f->pf);
		int index = vf_index_on_pf(ctx, f->pf, f->bdf);
		if (index >= 0)
			ENV("VFIOADM_VF_INDEX=%d", index);
	}
#undef ENV
	e->envp[n] = NULL;
}

/* After fork(): only async-signal-safe calls (the caller may have threads). */
static _Noreturn void hook_child(const char *path, char *const argv[], char *const envp[], int out_fd)
{
	setpgid(0, 0);
	umask(022);
	int null = open("/dev/null", O_RDONLY);
	if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(out_fd, STDOUT_FILENO) < 0 ||
	    dup2(out_fd, STDERR_FILENO) < 0)
		_exit(126);
	close_range(3, ~0U, 0);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	for (int s = 1; s < NSIG; s++)
		sigaction(s, &dfl, NULL); /* fails harmlessly for SIGKILL, SIGSTOP and RT ones */
	execve(path, argv, envp);
	_exit(errno == ENOENT ? 127 : 126);
}

struct hook_run {
	char out[HOOK_OUTPUT_MAX];
	size_t len;
	int status;
	bool timed_out;
};

static void keep_output(struct hook_run *h, int rfd, bool *eof)
{
	char tmp[512];
	ssize_t k = read(rfd, tmp, sizeof(tmp));
	if (k <= 0) {
		*eof = k == 0 || errno != EINTR;
		return;
	}
	size_t room = sizeof(h->out) - 1 - h->len;
	size_t take = (size_t)k < room ? (size_t)k : room;
	memcpy(h->out + h->len, tmp, take);
	h->len += take;
	h->out[h->len] = '\0';
}

/* Collect the hook's output until it exits (not until every child it left closes the pipe),
 * killing its whole process group at the deadline. */
static void hook_wait(pid_t pid, int rfd, int timeout_ms, struct hook_run *h)
{
	long long deadline = now_ms() + timeout_ms;
	bool exited = false, eof = false;
	for (;;) {
		if (!exited && waitpid(pid, &h->status, WNOHANG) == pid)
			exited = true;
		long long left = deadline - now_ms();
		if (!exited && left <= 0) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &h->status, 0);
			h->timed_out = true;
			return;
		}
		if (eof) {
			if (exited)
				return;
			usleep(20 * 1000);
			continue;
		}
		struct pollfd p = { .fd = rfd, .events = POLLIN };
		int n = poll(&p, 1, exited ? 0 : (int)(left < 50 ? left : 50));
		if (n > 0)
			keep_output(h, rfd, &eof);
		else if (exited)
			return; /* exited, and nothing more to read now */
	}
}

static int hook_exec(const char *path, enum hook_stage stage, struct hook_env *env, int timeout_ms,
		     struct hook_run *h)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	char *argv[] = { (char *)path, (char *)stage_names[stage], NULL };
	pid_t pid = fork();
	if (pid == 0)
		hook_child(path, argv, env->envp, p[1]);
	int r = pid < 0 ? -errno : 0;
	close(p[1]);
	if (pid > 0) {
		setpgid(pid, pid); /* also here: the group must exist before a kill at the deadline */
		hook_wait(pid, p[0], timeout_ms, h);
	}
	close(p[0]);
	return r;
}

/* Each line of the hook's output, to the log (the CLI escapes what it prints). */
static void log_output(struct vfioadm_ctx *ctx, const char *name, enum hook_stage stage, char *out)
{
	for (char *save = NULL, *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		vfioadm_log(ctx, VFIOADM_LOG_INFO, "hook %s (%s): %s", name, stage_names[stage], line);
}

static int hook_verdict(const char *name, enum hook_stage stage, const struct hook_run *h, int timeout_ms,
			char *why, size_t size)
{
	const char *last = h->out; /* its last line says why, by convention */
	for (const char *p = h->out; *p; p++)
		if (p[0] == '\n' && p[1])
			last = p + 1;
	int ll = (int)strcspn(last, "\n");
	if (h->timed_out)
		snprintf(why, size, "hook %s (%s) did not finish in %d s: killed with its process group", name,
			 stage_names[stage], timeout_ms / 1000);
	else if (WIFSIGNALED(h->status))
		snprintf(why, size, "hook %s (%s) was killed by signal %d", name, stage_names[stage], WTERMSIG(h->status));
	else if (WEXITSTATUS(h->status) != 0)
		snprintf(why, size, "hook %s (%s) exited with status %d%s%.*s", name, stage_names[stage],
			 WEXITSTATUS(h->status), ll ? ": " : "", ll, last);
	else
		return 0;
	return h->timed_out ? -ETIMEDOUT : -ECHILD;
}

static int hook_timeout_ms(void)
{
	const char *s = secure_getenv("VFIOADM_HOOK_TIMEOUT");
	char *end;
	long v = s ? strtol(s, &end, 10) : 0;
	return s && *s && !*end && v > 0 && v <= 3600 ? (int)v * 1000 : HOOK_TIMEOUT_MS;
}

int hooks_run(struct vfioadm_ctx *ctx, enum hook_stage stage, const struct hook_facts *f, char *why, size_t size)
{
	struct hook_list *l = malloc(sizeof(*l));
	if (!l)
		return -ENOMEM;
	int r = hooks_list(ctx, l, why, size);
	struct hook_env env;
	if (r == 0 && l->n)
		env_build(ctx, &env, stage, f);
	int timeout = hook_timeout_ms();
	for (size_t i = 0; r == 0 && i < l->n; i++) {
		char path[VFIOADM_PATH_MAX];
		snprintf(path, sizeof(path), "%s/%s", HOOKS_DIR, l->names[i]);
		narrate(ctx, "hook", path, stage_names[stage]);
		if (ctx->dry_run || !ctx_is_host(ctx))
			continue;
		struct hook_run h = { 0 };
		if ((r = hook_exec(path, stage, &env, timeout, &h)) < 0) {
			snprintf(why, size, "cannot run hook %s: %s", path, strerror(-r));
			break;
		}
		r = hook_verdict(l->names[i], stage, &h, timeout, why, size);
		log_output(ctx, l->names[i], stage, h.out);
	}
	free(l);
	return r;
}
