/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Many transactions at once. Most of a bind or a release is the kernel waiting: vfio-pci's
 * remove sleeps through power-state transitions (~40 ms a function under emulation), a host
 * driver's probe waits for its hardware. None of that holds a lock another function needs, so
 * a batch overlaps it: each transaction is prepared on the caller's thread, one after the
 * other (the reads, libkmod and the caches stay single-threaded), then executed by one of up
 * to opts->jobs workers while the caller's thread prepares the next. Each worker has its own
 * lane (lib/writer.c), so an abandoned write stalls only its own transaction; the lanes share
 * one writer helper, forked before the first worker starts. Outcomes go to the caller's
 * callback on the caller's thread, as the transactions end.
 */
#include <pthread.h>
#include <sys/wait.h>

#include "txn/txn.h"

enum { DEFAULT_JOBS = 8, MAX_JOBS = MAX_LANES };

struct batch {
	pthread_mutex_t mu;
	pthread_cond_t work;       /* a transaction was queued, or the batch closed */
	pthread_cond_t ended;      /* a worker finished a transaction */
	struct txn *t;
	int *r;                    /* each one's result */
	size_t *queue, queued, taken;
	size_t *done, n_done;      /* executed, in the order they ended */
	bool closed;
	unsigned jobs, workers, idle, lanes_taken;
	pthread_t tid[MAX_JOBS];
	struct lane lanes[MAX_JOBS]; /* each worker takes the next */
	pid_t shared_writer;         /* the lanes' helper, 0 none */
	const struct txn_ops *ops;
	struct vfioadm_ctx *ctx;
};

static void *worker(void *arg)
{
	struct batch *b = arg;
	pthread_mutex_lock(&b->mu);
	struct lane *lane = &b->lanes[b->lanes_taken++];
	for (;;) {
		while (b->taken == b->queued && !b->closed) {
			b->idle++;
			pthread_cond_wait(&b->work, &b->mu);
			b->idle--;
		}
		if (b->taken == b->queued)
			break;
		size_t i = b->queue[b->taken++];
		pthread_mutex_unlock(&b->mu);
		/* queued but not started when the stop came: left as it is */
		b->r[i] = b->ctx->stop_requested ? -ECANCELED : b->ops->execute(&b->t[i], lane);
		pthread_mutex_lock(&b->mu);
		b->done[b->n_done++] = i;
		pthread_cond_signal(&b->ended);
	}
	pthread_mutex_unlock(&b->mu);
	lane_stop(lane);
	return NULL;
}

static void hand_over(struct batch *b, size_t i, vfioadm_outcome_fn fn, void *data)
{
	b->ops->done(&b->t[i]);
	fn(data, i, b->r[i], &b->t[i].o);
}

/* Queue @i for a worker, starting one if none is idle (the lanes' helper before the first);
 * false when no thread could be started (the caller executes it itself then). */
static bool enqueue(struct batch *b, size_t i)
{
	pthread_mutex_lock(&b->mu);
	if (b->workers == 0 && b->shared_writer == 0) {
		pid_t pid = writers_start_shared(b->lanes, b->jobs);
		b->shared_writer = pid > 0 ? pid : -1; /* failed: each lane forks its own */
	}
	if (b->idle == 0 && b->workers < b->jobs && pthread_create(&b->tid[b->workers], NULL, worker, b) == 0)
		b->workers++;
	bool ok = b->workers > 0;
	if (ok) {
		b->queue[b->queued++] = i;
		pthread_cond_signal(&b->work);
	}
	pthread_mutex_unlock(&b->mu);
	return ok;
}

/* Once the workers are gone: close the lanes none took, reap the helper unless a write it
 * was abandoned on still holds it in the kernel (it ends on its own then). */
static void lanes_stop(struct batch *b)
{
	bool busy = false;
	for (unsigned w = 0; w < b->jobs; w++) {
		if (w >= b->lanes_taken)
			lane_stop(&b->lanes[w]);
		busy |= b->lanes[w].left_shared_busy;
	}
	if (b->shared_writer > 0 && !busy)
		waitpid(b->shared_writer, NULL, 0);
}

/* Hand over what the workers finished; block until @until of them have ended (0: no wait). */
static void collect(struct batch *b, size_t *reported, size_t until, vfioadm_outcome_fn fn, void *data)
{
	for (;;) {
		pthread_mutex_lock(&b->mu);
		while (*reported == b->n_done && *reported < until)
			pthread_cond_wait(&b->ended, &b->mu);
		size_t from = *reported, to = b->n_done;
		pthread_mutex_unlock(&b->mu);
		for (size_t k = from; k < to; k++)
			hand_over(b, b->done[k], fn, data);
		*reported = to;
		if (to >= until)
			return;
	}
}

static bool listed_before(const struct batch *b, size_t i, const char *bdf)
{
	for (size_t k = 0; k < i; k++)
		if (streq(b->t[k].o.bdf, bdf))
			return true;
	return false;
}

/* Prepare @i; 1 when it has kernel work left for a worker, else its result is final. */
static int prepare(struct batch *b, struct vfioadm_ctx *ctx, const char *bdf, size_t i,
		   const struct vfioadm_bind_opts *opts, bool bind)
{
	char norm[VFIOADM_BDF_MAX];
	if (vfioadm_bdf_normalize(bdf, norm) == 0 && listed_before(b, i, norm)) {
		b->t[i].o.iommu_group = -1; /* two transactions on one function would race */
		strcpy(b->t[i].o.bdf, norm);
		return -EINVAL;
	}
	int r = b->ops->prepare(&b->t[i], ctx, bdf, opts, bind);
	if (r > 0) { /* the workers write journals in it: opened here, before they start */
		int fd = journal_dir(ctx);
		if (fd < 0)
			r = fd;
	}
	return r;
}

int batch_run(struct vfioadm_ctx *ctx, const char *const *bdfs, size_t n, const struct vfioadm_bind_opts *opts,
	      bool bind, const struct txn_ops *ops, vfioadm_outcome_fn fn, void *data)
{
	size_t jobs = opts->jobs ? opts->jobs : DEFAULT_JOBS;
	jobs = jobs < n ? jobs : n;
	struct batch b = { .jobs = (unsigned)(jobs < MAX_JOBS ? jobs : MAX_JOBS), .ops = ops, .ctx = ctx };
	for (unsigned w = 0; w < b.jobs; w++)
		lane_init(&b.lanes[w]);
	b.t = calloc(n ? n : 1, sizeof(*b.t));
	b.r = calloc(n ? n : 1, sizeof(*b.r));
	b.queue = calloc(n ? n : 1, sizeof(*b.queue));
	b.done = calloc(n ? n : 1, sizeof(*b.done));
	if (!b.t || !b.r || !b.queue || !b.done) {
		free(b.t), free(b.r), free(b.queue), free(b.done);
		return -ENOMEM;
	}
	pthread_mutex_init(&b.mu, NULL);
	pthread_cond_init(&b.work, NULL);
	pthread_cond_init(&b.ended, NULL);
	/* a dry run narrates every step in order: one at a time, on this thread */
	bool serial = ctx->dry_run || b.jobs <= 1;
	size_t reported = 0;
	for (size_t i = 0; i < n; i++) {
		if (ctx->stop_requested) { /* interrupted: nothing new is started */
			if (vfioadm_bdf_normalize(bdfs[i], b.t[i].o.bdf) < 0)
				strscpy(b.t[i].o.bdf, sizeof(b.t[i].o.bdf), bdfs[i]);
			b.t[i].o.iommu_group = -1;
			b.r[i] = -ECANCELED;
			hand_over(&b, i, fn, data);
			continue;
		}
		int r = prepare(&b, ctx, bdfs[i], i, opts, bind);
		if (r > 0 && (serial || !enqueue(&b, i))) {
			struct lane *l = run_lane(ctx);
			r = l ? ops->execute(&b.t[i], l) : -ENOMEM;
		}
		if (r <= 0 || serial) {
			b.r[i] = r < 0 ? r : 0;
			hand_over(&b, i, fn, data);
		}
		collect(&b, &reported, 0, fn, data); /* what ended meanwhile, without waiting */
	}
	pthread_mutex_lock(&b.mu);
	b.closed = true;
	pthread_cond_broadcast(&b.work);
	size_t queued = b.queued;
	pthread_mutex_unlock(&b.mu);
	collect(&b, &reported, queued, fn, data);
	for (unsigned w = 0; w < b.workers; w++)
		pthread_join(b.tid[w], NULL);
	lanes_stop(&b);
	pthread_cond_destroy(&b.ended);
	pthread_cond_destroy(&b.work);
	pthread_mutex_destroy(&b.mu);
	free(b.t), free(b.r), free(b.queue), free(b.done);
	return 0;
}

static const struct txn_ops txn_ops = { txn_prepare, txn_execute, txn_done };

EXPORT int vfioadm_bind_many(struct vfioadm_ctx *ctx, const char *const *bdfs, size_t n,
			     const struct vfioadm_bind_opts *opts, vfioadm_outcome_fn done, void *data)
{
	return batch_run(ctx, bdfs, n, opts, true, &txn_ops, done, data);
}

EXPORT int vfioadm_unbind_many(struct vfioadm_ctx *ctx, const char *const *bdfs, size_t n,
			       const struct vfioadm_bind_opts *opts, vfioadm_outcome_fn done, void *data)
{
	return batch_run(ctx, bdfs, n, opts, false, &txn_ops, done, data);
}
