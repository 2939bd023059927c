/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The bind engine: take a function from its host driver to its VFIO driver and back as a
 * transaction. The prior state is journalled before anything changes; any failure restores
 * it; an unbind that blocks (a VFIO device still open) is abandoned after the timeout instead
 * of hanging vfioadm.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "internal.h"


/* The function as this transaction found it: the driver and override it had are what a
 * rollback restores. */
struct state {
	struct vfioadm_device *dev;
	const struct vfioadm_device_info *i;
};

static void state_done(struct state *st)
{
	st->dev = vfioadm_device_free(st->dev);
	st->i = NULL;
}

static int read_state(struct vfioadm_ctx *ctx, const char *bdf, struct state *st)
{
	int r = vfioadm_device_read(ctx, bdf, VFIOADM_FILL_BASIC, &st->dev);
	if (r < 0)
		return r;
	st->i = vfioadm_device_get_info(st->dev);
	return 0;
}

/* Wait until the function is on @driver ("" = unbound), with vfio-dev/ when @need_vfio:
 * probing may be asynchronous (nvme). Returns 0 or -ETIMEDOUT (-ENODEV if it vanished). */
static int wait_for(struct vfioadm_ctx *ctx, const char *bdf, const char *driver, bool need_vfio,
		    int timeout_ms)
{
	long long end = -1; /* the clock is read only when there is something to wait for */
	for (;;) {
		char now[VFIOADM_NAME_MAX];
		bool vfio;
		int r = device_read_binding(ctx, bdf, now, &vfio);
		if (r < 0)
			return r;
		if (streq(now, driver) && (!need_vfio || vfio))
			return 0;
		if (end < 0)
			end = now_ms() + timeout_ms;
		else if (now_ms() >= end)
			return -ETIMEDOUT;
		usleep(20 * 1000);
	}
}

/* ---- the kernel's reason, from /dev/kmsg ---- */

/* Mark where the kernel log is now; kmsg_reason() reads what came after. The fd is the run's
 * (one open per run, one seek per transaction). */
static int kmsg_mark(struct vfioadm_ctx *ctx)
{
	if (!ctx_is_host(ctx) || ctx->dry_run)
		return -EBADF;
	if (ctx->kmsg_fd < 0)
		ctx->kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (ctx->kmsg_fd >= 0)
		lseek(ctx->kmsg_fd, 0, SEEK_END);
	return ctx->kmsg_fd;
}

/* The last kernel message about @bdf since kmsg_mark(), e.g. "probe with driver X failed". */
static void kmsg_reason(int fd, const char *bdf, char *out, size_t size)
{
	char rec[2048];
	ssize_t n;
	if (fd < 0)
		return;
	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		if (n <= 0)
			continue; /* EPIPE: records were overwritten; go on */
		rec[n] = '\0';
		char *msg = strchr(rec, ';');
		if (!msg || !strstr(msg, bdf))
			continue;
		msg[strcspn(msg, "\n")] = '\0';
		snprintf(out, size, "%s", msg + 1);
	}
}

/* ---- sysfs steps ---- */

/*
 * A write abandoned after its timeout still holds the device's lock in the kernel (an unbind
 * waiting for a VFIO user to close the device, a probe still running), and every other write
 * to that device would block behind it: so none is tried while it lasts (-EDEADLK), and the
 * journal is left for `vfioadm unbind` to finish the job later.
 */
static void mark_stuck(struct vfioadm_ctx *ctx, const char *bdf, pid_t child)
{
	ctx->stuck_child = child;
	strscpy(ctx->stuck_bdf, sizeof(ctx->stuck_bdf), bdf);
}

/* Wait up to @grace_ms for the abandoned writer on @bdf; true when none is left. */
static bool unstuck(struct vfioadm_ctx *ctx, const char *bdf, int grace_ms)
{
	if (ctx->stuck_child <= 0 || !streq(ctx->stuck_bdf, bdf))
		return true;
	if (!reap(ctx->stuck_child, grace_ms))
		return false;
	ctx->stuck_child = 0;
	return true;
}

static int device_write(struct vfioadm_ctx *ctx, const char *bdf, const char *path, const char *value,
			int timeout_ms)
{
	if (!unstuck(ctx, bdf, 0))
		return -EDEADLK;
	pid_t child = 0;
	int r = timed_write(ctx, path, value, timeout_ms, &child);
	if (r == -ETIMEDOUT)
		mark_stuck(ctx, bdf, child);
	return r;
}

static int unbind_driver(struct vfioadm_ctx *ctx, const char *bdf, const char *driver, int timeout_ms)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/unbind", driver);
	return device_write(ctx, bdf, path, bdf, timeout_ms);
}

static int bind_driver_timed(struct vfioadm_ctx *ctx, const char *bdf, const char *driver, int timeout_ms)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/bind", driver);
	int r = device_write(ctx, bdf, path, bdf, timeout_ms);
	if (r == -ENOENT) /* no bind file: let the PCI core probe (driver_override decides) */
		r = device_write(ctx, bdf, "/sys/bus/pci/drivers_probe", bdf, timeout_ms);
	return r;
}

static int bind_driver(struct vfioadm_ctx *ctx, const char *bdf, const char *driver)
{
	return bind_driver_timed(ctx, bdf, driver, DEFAULT_TIMEOUT_MS);
}

static int write_override(struct vfioadm_ctx *ctx, const char *bdf, const char *value)
{
	if (!unstuck(ctx, bdf, 0))
		return -EDEADLK; /* driver_override takes the device lock too */
	char path[96];
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", bdf);
	return sysfs_write(ctx, path, *value ? value : "\n");
}

/* Put the function back on @driver ("" = none) with @override, and check it took. @current is
 * the driver it is on now when the caller has just read it, NULL to read it here. */
static int restore(struct vfioadm_ctx *ctx, const char *bdf, const char *current, const char *driver,
		   const char *override, int timeout_ms)
{
	char now[VFIOADM_NAME_MAX];
	bool vfio;
	int r;
	if (!current) {
		if ((r = device_read_binding(ctx, bdf, now, &vfio)) < 0)
			return r;
		current = now;
	}
	if (current[0] && !streq(current, driver) && (r = unbind_driver(ctx, bdf, current, timeout_ms)) < 0)
		return r;
	if ((r = write_override(ctx, bdf, override)) < 0)
		return r;
	if (*driver && !streq(current, driver) && (r = bind_driver(ctx, bdf, driver)) < 0)
		return r;
	return ctx->dry_run ? 0 : wait_for(ctx, bdf, driver, false, timeout_ms);
}

/* ---- bind ---- */

static bool noiommu_mode(struct vfioadm_ctx *ctx)
{
	char v[8] = "";
	_cleanup_close_ int fd = root_open(ctx, "/sys/module/vfio/parameters/enable_unsafe_noiommu_mode", O_RDONLY);
	return fd >= 0 && attr_read(fd, "", v, sizeof(v)) > 0 && (v[0] == 'Y' || v[0] == '1');
}

/* Hand the report to the outcome and refuse, or drop it and go on. */
static int refuse_if(bool refuse, struct vfioadm_report *r, struct vfioadm_outcome *o)
{
	if (!refuse) {
		vfioadm_report_free(r);
		return 0;
	}
	o->refusal = r;
	return -EBUSY;
}

static int precheck(struct vfioadm_ctx *ctx, const char *bdf, const struct state *st,
		    const struct vfioadm_bind_opts *opts, struct vfioadm_outcome *o)
{
	struct vfioadm_report *r = NULL;
	int rr = in_use_report(ctx, st->i, &r);
	if (rr < 0)
		return rr;
	if (st->i->iommu_group < 0 && !noiommu_mode(ctx))
		report_add(r, VFIOADM_BLOCK_NO_IOMMU, bdf, "", 0, false);
	if (vfioadm_class_is_bridge(st->i->ids.base_class, st->i->ids.sub_class))
		report_add(r, VFIOADM_BLOCK_BRIDGE, bdf, st->i->driver, 0, false);
	if (st->i->sriov.role == VFIOADM_SRIOV_PF && st->i->sriov.numvfs > 0) {
		char n[32];
		snprintf(n, sizeof(n), "%u VFs", st->i->sriov.numvfs);
		report_add(r, VFIOADM_BLOCK_PF_WITH_VFS, bdf, n, 0, false);
	}
	bool refuse = false;
	for (size_t i = 0; i < r->n; i++)
		refuse |= !r->v[i].forceable || !opts->force;
	return refuse_if(refuse, r, o);
}

/* Choose and load the VFIO driver; its PCI driver name is known once the module is in. */
static int choose_driver(struct vfioadm_ctx *ctx, const char *modalias,
			 const struct vfioadm_bind_opts *opts, struct vfioadm_outcome *o)
{
	int r;
	if (opts->match.generic && kmod_module_live(ctx, GENERIC_MODULE)) {
		strcpy(o->module, GENERIC_MODULE); /* vfio-pci asked for and present: nothing to rank */
	} else {
		struct vfioadm_match *m;
		if ((r = vfioadm_match(ctx, modalias, &opts->match, &m)) < 0)
			return r;
		strcpy(o->module, m->module);
		vfioadm_match_free(m);
	}
	if ((r = kmod_load(ctx, o->module)) < 0) {
		snprintf(o->reason, sizeof(o->reason), "loading module %s: %s", o->module,
			 r == -ELIBACC ? "libkmod.so.2 could not be loaded (install libkmod2)" : strerror(-r));
		return r;
	}
	r = vfioadm_module_driver(ctx, o->module, o->driver);
	if (r < 0 && ctx->dry_run) {
		/* not loaded in a dry run: the usual naming, said to be a guess */
		for (char *p = strcpy(o->driver, o->module); *p; p++)
			*p = *p == '_' ? '-' : *p;
		narrate(ctx, "assume", o->driver, "driver name of the module once loaded");
		return 0;
	}
	if (r < 0)
		snprintf(o->reason, sizeof(o->reason), "module %s registers no PCI driver", o->module);
	return r < 0 ? -ENODEV : 0;
}

static int bind_steps(struct vfioadm_ctx *ctx, const char *bdf, const struct state *st,
		      int timeout_ms, struct vfioadm_outcome *o)
{
	int r = write_override(ctx, bdf, o->driver);
	if (r < 0)
		return r;
	if (st->i->driver[0] && (r = unbind_driver(ctx, bdf, st->i->driver, timeout_ms)) < 0) {
		if (r == -ETIMEDOUT)
			snprintf(o->reason, sizeof(o->reason), "unbinding from %s did not finish in %d ms: "
				 "the device is in use", st->i->driver, timeout_ms);
		return r;
	}
	if (getenv("VFIOADM_TEST_PAUSE_AFTER_UNBIND")) /* test hook: a run killed mid-transaction */
		sleep((unsigned)atoi(getenv("VFIOADM_TEST_PAUSE_AFTER_UNBIND")));
	if ((r = bind_driver_timed(ctx, bdf, o->driver, timeout_ms)) < 0) {
		if (r == -ETIMEDOUT) {
			snprintf(o->reason, sizeof(o->reason), "%s did not finish probing in %d ms", o->driver, timeout_ms);
			/* the probe is still running in the kernel: let it end before undoing it */
			if (!unstuck(ctx, bdf, 2 * timeout_ms + 5000))
				snprintf(o->reason, sizeof(o->reason), "%s is still probing after %d ms",
					 o->driver, 3 * timeout_ms + 5000);
		}
		return r;
	}
	if (ctx->dry_run)
		return 0;
	r = wait_for(ctx, bdf, o->driver, true, timeout_ms);
	if (r == -ETIMEDOUT)
		snprintf(o->reason, sizeof(o->reason), "%s did not finish probing in %d ms", o->driver, timeout_ms);
	return r;
}

/* Undo a failed bind: back to exactly the recorded state, and the journal with it. */
static int roll_back(struct vfioadm_ctx *ctx, const struct state *st, const struct journal *prev,
		     int timeout_ms, struct vfioadm_outcome *o, int err)
{
	int r = restore(ctx, o->bdf, NULL, st->i->driver, st->i->driver_override, timeout_ms);
	if (r == -ENODEV) { /* it is gone (hot-unplugged): nothing left to restore or record */
		journal_remove(ctx, o->bdf);
		snprintf(o->reason, sizeof(o->reason), "the device disappeared during the operation");
		return -ENODEV;
	}
	if (r < 0)
		return err; /* the journal stays: `vfioadm unbind` retries, `check` reports it */
	o->rolled_back = true;
	if (prev)
		journal_write(ctx, prev);
	else
		journal_remove(ctx, o->bdf);
	return err;
}

EXPORT int vfioadm_set_driver_override(struct vfioadm_ctx *ctx, const char *bdf, const char *driver)
{
	char norm[VFIOADM_BDF_MAX];
	if (vfioadm_bdf_normalize(bdf, norm) < 0 || !vfioadm_driver_name_valid(driver))
		return -EINVAL;
	return write_override(ctx, norm, driver);
}

EXPORT void vfioadm_outcome_done(struct vfioadm_outcome *o)
{
	o->refusal = vfioadm_report_free(o->refusal);
}

static int begin(struct vfioadm_ctx *ctx, const char *bdf, struct vfioadm_outcome *o, struct state *st)
{
	memset(o, 0, sizeof(*o));
	int r = vfioadm_bdf_normalize(bdf, o->bdf);
	if (r < 0)
		return r;
	if (!ctx_is_host(ctx) && !ctx->dry_run)
		return -EROFS;
	if ((r = read_state(ctx, o->bdf, st)) < 0)
		return r;
	strcpy(o->prev_driver, st->i->driver);
	o->iommu_group = st->i->iommu_group;
	return 0;
}

static int timeout_of(const struct vfioadm_bind_opts *opts)
{
	return opts->timeout_ms > 0 ? opts->timeout_ms : DEFAULT_TIMEOUT_MS;
}

EXPORT int vfioadm_bind(struct vfioadm_ctx *ctx, const char *bdf, const struct vfioadm_bind_opts *opts,
			struct vfioadm_outcome *o)
{
	_cleanup_(state_done) struct state st = { 0 };
	int timeout = timeout_of(opts);
	int r = begin(ctx, bdf, o, &st);
	if (r < 0)
		return r;
	if ((r = choose_driver(ctx, st.i->modalias, opts, o)) < 0)
		return r;
	if (streq(st.i->driver, o->driver) && st.i->vfio.bound)
		return 0; /* already there: touch nothing */
	if ((r = precheck(ctx, o->bdf, &st, opts, o)) < 0)
		return r;

	struct journal j = { .started = (long long)time(NULL) };
	strcpy(j.bdf, o->bdf);
	strcpy(j.orig_driver, st.i->driver);
	strcpy(j.orig_override, st.i->driver_override);
	strcpy(j.target, o->driver);
	strcpy(j.state, "binding");
	j.from_config = opts->from_config;
	struct journal prev;
	bool rebinding = journal_read(ctx, o->bdf, &prev) == 0;
	if (rebinding) { /* from one VFIO driver to another: the host's state is the older one */
		strcpy(j.orig_driver, prev.orig_driver);
		strcpy(j.orig_override, prev.orig_override);
	}
	if ((r = journal_write(ctx, &j)) < 0)
		return r;
	o->changed = true;
	int kmsg = kmsg_mark(ctx);
	r = bind_steps(ctx, o->bdf, &st, timeout, o);
	if (r >= 0) {
		strcpy(j.state, "bound");
		return journal_write(ctx, &j);
	}
	if (!o->reason[0])
		kmsg_reason(kmsg, o->bdf, o->reason, sizeof(o->reason));
	return roll_back(ctx, &st, rebinding ? &prev : NULL, timeout, o, r);
}

/* ---- unbind ---- */

static int unbind_precheck(struct vfioadm_ctx *ctx, const struct state *st, const struct vfioadm_bind_opts *opts,
			   struct vfioadm_outcome *o)
{
	struct vfioadm_report *r = NULL;
	int rr = in_use_report(ctx, st->i, &r);
	if (rr < 0)
		return rr;
	bool refuse = false;
	for (size_t i = 0; i < r->n; i++)
		refuse |= r->v[i].kind == VFIOADM_BLOCK_OPEN && !opts->force;
	return refuse_if(refuse, r, o);
}

EXPORT int vfioadm_unbind(struct vfioadm_ctx *ctx, const char *bdf, const struct vfioadm_bind_opts *opts,
			  struct vfioadm_outcome *o)
{
	_cleanup_(state_done) struct state st = { 0 };
	int timeout = timeout_of(opts);
	int r = begin(ctx, bdf, o, &st);
	if (r < 0)
		return r;
	struct journal j;
	bool journalled = journal_read(ctx, o->bdf, &j) == 0;
	/* claimed by the configuration before any host driver bound it (boot): giving it back
	 * means letting the kernel's default driver have it, not leaving it without one */
	bool reprobe = journalled && j.from_config && !j.orig_driver[0];
	if (!journalled && !st.i->vfio.bound && !st.i->driver_override[0])
		return 0; /* not ours and not on VFIO: nothing to give back */
	if (journalled && streq(st.i->driver, j.orig_driver) && streq(st.i->driver_override, j.orig_override)) {
		strcpy(o->driver, st.i->driver);
		return journal_remove(ctx, o->bdf); /* already back (an interrupted run's leftover) */
	}
	if ((r = unbind_precheck(ctx, &st, opts, o)) < 0)
		return r;
	o->changed = true;
	int kmsg = kmsg_mark(ctx);
	if (journalled && !reprobe) {
		strcpy(o->driver, j.orig_driver);
		r = restore(ctx, o->bdf, st.i->driver, j.orig_driver, j.orig_override, timeout);
	} else {
		/* no record: clear the override and let the kernel's default driver probe */
		r = write_override(ctx, o->bdf, "");
		if (r >= 0 && st.i->driver[0])
			r = unbind_driver(ctx, o->bdf, st.i->driver, timeout);
		if (r >= 0)
			r = sysfs_write(ctx, "/sys/bus/pci/drivers_probe", o->bdf);
		if (r >= 0 && !ctx->dry_run) {
			usleep(100 * 1000); /* async probes: give the default driver a moment */
			bool vfio;
			if (device_read_binding(ctx, o->bdf, o->driver, &vfio) < 0)
				o->driver[0] = '\0';
		}
	}
	if (r >= 0)
		return journalled ? journal_remove(ctx, o->bdf) : 0;
	if (r == -ETIMEDOUT && !unstuck(ctx, o->bdf, 0))
		snprintf(o->reason, sizeof(o->reason), "unbinding from %s did not finish in %d ms: the device "
			 "is still in use (a VFIO user has it open); the kernel finishes once it is closed",
			 st.i->driver, timeout);
	else
		kmsg_reason(kmsg, o->bdf, o->reason, sizeof(o->reason));
	/* never leave it driverless: back onto the VFIO driver it came from */
	if (st.i->driver[0] && restore(ctx, o->bdf, NULL, st.i->driver, st.i->driver_override, timeout) == 0)
		o->rolled_back = true;
	return r;
}
