/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The batch engine (lib/txn/batch.c) and the writer lanes (lib/txn/writer.c) with fake transactions:
 * how many run at once, which thread does what, every outcome handed over once, and a write
 * that blocks (open() of a FIFO with no reader, as an unbind blocks on an open VFIO device)
 * abandoned without stalling the others, then seen to end. The real transactions are shown
 * against a real kernel in tests/vm/scenarios/bind.sh.
 */
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "config/config.h"
#include "tap.h"

static char dir[64];
static pthread_t main_thread;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int in_flight, max_in_flight, gather; /* gather: executes wait until this many run */
static int prepared_elsewhere, executed_on_main, executed;

/* The fake's script, by the BDF's function number: 1 already done, 2 refused, 6 blocks. */
static int prepare(struct txn *t, struct vfioadm_ctx *ctx, const char *bdf, const struct vfioadm_bind_opts *opts,
		   bool bind)
{
	*t = (struct txn){ .ctx = ctx, .opts = opts, .bind = bind, .timeout = 300 };
	prepared_elsewhere += !pthread_equal(pthread_self(), main_thread);
	if (vfioadm_bdf_normalize(bdf, t->o.bdf) < 0)
		return -EINVAL;
	switch (t->o.bdf[11]) {
	case '1': return 0;
	case '2': return -EBUSY;
	default: return 1;
	}
}

static void wait_for_company(void)
{
	pthread_mutex_lock(&mu);
	if (++in_flight > max_in_flight)
		max_in_flight = in_flight;
	pthread_cond_broadcast(&cv);
	long long end = now_ms() + 5000;
	while (in_flight < gather && now_ms() < end) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 20 * 1000000;
		if (ts.tv_nsec >= 1000000000)
			ts.tv_sec++, ts.tv_nsec -= 1000000000;
		pthread_cond_timedwait(&cv, &mu, &ts);
	}
	gather = 0; /* the first group met: the rest go as they come */
	pthread_mutex_unlock(&mu);
}

static void path_of(const struct txn *t, char *out, size_t size)
{
	snprintf(out, size, "%s/%s", dir, t->o.bdf);
}

/* Write the BDF to its file through the lane; the FIFO one blocks until a reader comes. */
static int execute(struct txn *t, struct lane *l)
{
	char path[128];
	path_of(t, path, sizeof(path));
	pthread_mutex_lock(&mu);
	executed_on_main += pthread_equal(pthread_self(), main_thread);
	executed++;
	pthread_mutex_unlock(&mu);
	if (t->o.bdf[11] != '6') {
		wait_for_company();
		int r = timed_write(t->ctx, l, path, t->o.bdf, 2000);
		pthread_mutex_lock(&mu);
		in_flight--;
		pthread_mutex_unlock(&mu);
		return r;
	}
	int r = timed_write(t->ctx, l, path, t->o.bdf, t->timeout);
	snprintf(t->o.reason, sizeof(t->o.reason), "first %d, done before a reader %d", r,
		 writer_abandoned_done(l, 0));
	int reader = open(path, O_RDONLY | O_NONBLOCK); /* the kernel lets go */
	bool done = writer_abandoned_done(l, 5000);
	char buf[32] = "";
	ssize_t n = read(reader, buf, sizeof(buf) - 1);
	close(reader);
	char after[160];
	snprintf(after, sizeof(after), "%s.after", path);
	close(open(after, O_WRONLY | O_CREAT | O_TRUNC, 0600));
	int again = timed_write(t->ctx, l, after, "x", 2000); /* the lane goes on */
	size_t len = strlen(t->o.reason);
	snprintf(t->o.reason + len, sizeof(t->o.reason) - len, ", after %d, read %zd, next %d", done, n, again);
	return r;
}

static void done(struct txn *t)
{
	(void)t;
}

static const struct txn_ops fake = { prepare, execute, done };

struct seen {
	int count[16];
	int r[16];
	char reason[16][256];
	int off_main;
	size_t order[16], n;
};

static void collect(void *data, size_t index, int r, struct vfioadm_outcome *o)
{
	struct seen *s = data;
	s->count[index]++;
	s->r[index] = r;
	snprintf(s->reason[index], sizeof(s->reason[index]), "%s", o->reason);
	s->off_main += !pthread_equal(pthread_self(), main_thread);
	s->order[s->n++] = index;
	vfioadm_outcome_done(o);
}

static int count_fds(void)
{
	int n = 0;
	DIR *d = opendir("/proc/self/fd");
	while (d && readdir(d))
		n++;
	if (d)
		closedir(d);
	return n;
}

static char *slurp(const char *bdf, char *buf, size_t size)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/%s", dir, bdf);
	buf[0] = '\0';
	int fd = open(path, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, size - 1) : -1;
	buf[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
	return buf;
}

static void make_files(const char *const *bdfs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char path[128], norm[VFIOADM_BDF_MAX];
		if (vfioadm_bdf_normalize(bdfs[i], norm) < 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, norm);
		if (norm[11] == '6')
			mkfifo(path, 0600);
		else
			close(open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600));
	}
}

int main(void)
{
	main_thread = pthread_self();
	snprintf(dir, sizeof(dir), "/tmp/vfioadm-test-batch.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	struct vfioadm_ctx *ctx;
	if (vfioadm_new(NULL, &ctx) < 0)
		return 1;
	int fds_before = count_fds();

	/* eight to do, one already done, one refused, one listed twice, one malformed */
	const char *bdfs[] = { "00:03.0", "00:03.3", "00:03.1", "00:04.0", "00:03.2", "00:04.3",
			       "00:05.0", "00:05.3", "00:03.6", "00:03.0", "zz", "00:07.0" };
	size_t n = sizeof(bdfs) / sizeof(bdfs[0]);
	make_files(bdfs, n);
	struct vfioadm_bind_opts opts = { .jobs = 4 };
	struct seen s = { 0 };
	gather = 4;
	is_int(batch_run(ctx, bdfs, n, &opts, true, &fake, collect, &s), 0, "a batch of %zu runs", n);
	int each_once = 1;
	for (size_t i = 0; i < n; i++)
		each_once &= s.count[i] == 1;
	ok(each_once && s.n == n, "every outcome is handed over exactly once");
	is_int(s.off_main, 0, "always on the caller's thread");
	is_int(prepared_elsewhere, 0, "every prepare on the caller's thread");
	is_int(max_in_flight, 4, "four transactions ran at once (--jobs 4), never more");
	is_int(executed_on_main, 0, "no transaction executed on the caller's thread");
	is_int(executed, 8, "the eight with work left were executed");
	is_int(s.r[2], 0, "already done: 0, not executed");
	is_int(s.r[4], -EBUSY, "refused in prepare: its error");
	is_int(s.r[9], -EINVAL, "a BDF listed twice fails the second time");
	is_int(s.r[10], -EINVAL, "a malformed BDF fails");
	char buf[64];
	is_str(slurp("0000:00:03.0", buf, sizeof(buf)), "0000:00:03.0", "the lanes' writes land");
	is_str(slurp("0000:00:07.0", buf, sizeof(buf)), "0000:00:07.0", "the last one's too");
	is_int(s.r[8], -ETIMEDOUT, "the blocked write times out");
	is_str(s.reason[8], "first -110, done before a reader 0, after 1, read 12, next 0",
	       "abandoned, seen to end once the reader came, and the lane wrote again (into a fresh helper)");
	is_str(slurp("0000:00:03.6.after", buf, sizeof(buf)), "x", "that write landed");
	size_t pos8 = 0, pos11 = 0;
	for (size_t k = 0; k < s.n; k++)
		s.order[k] == 8 ? (pos8 = k) : s.order[k] == 11 ? (pos11 = k) : 0;
	ok(pos11 < pos8, "the one named after the blocked one finished before it (beside it)");

	/* jobs 1: one after the other, on the caller's thread, through the run's own lane */
	executed_on_main = executed = max_in_flight = 0;
	opts.jobs = 1;
	const char *two[] = { "00:08.0", "00:08.3" };
	make_files(two, 2);
	memset(&s, 0, sizeof(s));
	is_int(batch_run(ctx, two, 2, &opts, false, &fake, collect, &s), 0, "--jobs 1");
	is_int(executed_on_main, 2, "--jobs 1 executes on the caller's thread");
	is_int(max_in_flight, 1, "one at a time");
	is_int((long long)(s.order[0] * 10 + s.order[1]), 1, "in the order named");
	ok(ctx->lane && ctx->lane->writer_fd >= 0, "through the run's own lane (its helper stays for the run)");

	vfioadm_unref(ctx);
	is_int(count_fds(), fds_before, "no descriptor left open once the context is gone");
	int children = 0;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		children++;
	is_int(children, 0, "every helper was reaped");
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	return tap_done();
}
