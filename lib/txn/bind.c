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

#include "txn/txn.h"


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

/* Test hook for the fault matrix (tests/vm/scenarios/faults.sh): VFIOADM_TEST_PAUSE_AT=OP:STEP
 * or OP:STEP:SEC stops the transaction there for SEC s (default 30) and says so in the log,
 * so that a test can SIGKILL the run at exactly that step. OP: bind, unbind, rollback, recover. */
static void test_pause(const struct txn *t, const char *step)
{
	const char *at = getenv("VFIOADM_TEST_PAUSE_AT");
	if (!at)
		return;
	char here[64];
	int n = snprintf(here, sizeof(here), "%s:%s", t->recovering ? "recover" : t->rolling_back ? "rollback" :
		 t->bind ? "bind" : "unbind", step);
	if (strncmp(at, here, (size_t)n) || (at[n] && at[n] != ':'))
		return;
	unsigned sec = at[n] ? (unsigned)atoi(at + n + 1) : 30;
	vfioadm_log(t->ctx, VFIOADM_LOG_WARNING, "test hook: paused at %s for %u s", here, sec);
	sleep(sec);
}

/* ---- the kernel's reason, from /dev/kmsg ---- */

/* Mark where the kernel log is now; kmsg_reason() reads what came after. The fd is the lane's
 * (one open per lane, one seek per transaction). */
static int kmsg_mark(struct txn *t)
{
	if (!ctx_is_host(t->ctx) || t->ctx->dry_run)
		return -EBADF;
	struct lane *l = t->lane;
	if (l->kmsg_fd < 0)
		l->kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (l->kmsg_fd >= 0)
		lseek(l->kmsg_fd, 0, SEEK_END);
	return l->kmsg_fd;
}

/* The last kernel message about the function since kmsg_mark(), e.g. "probe with driver X
 * failed", as the outcome's reason. */
static void kmsg_reason(struct txn *t, int fd)
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
		if (!msg || !strstr(msg, t->o.bdf))
			continue;
		msg[strcspn(msg, "\n")] = '\0';
		snprintf(t->o.reason, sizeof(t->o.reason), "%s", msg + 1);
	}
}

/* ---- sysfs steps ---- */

/*
 * A write abandoned after its timeout still holds the device's lock in the kernel (an unbind
 * waiting for a VFIO user to close the device, a probe still running), and every other write
 * to that device would block behind it: so none is tried while it lasts (-EDEADLK), and the
 * journal is left for `vfioadm unbind` to finish the job later.
 */
static void mark_stuck(struct lane *l, const char *bdf)
{
	strscpy(l->stuck_bdf, sizeof(l->stuck_bdf), bdf);
}

/* Wait up to @grace_ms for the abandoned write on @bdf; true when none is left. */
static bool unstuck(struct lane *l, const char *bdf, int grace_ms)
{
	if (!l->stuck_bdf[0] || !streq(l->stuck_bdf, bdf))
		return true;
	if (!writer_abandoned_done(l, grace_ms))
		return false;
	l->stuck_bdf[0] = '\0';
	return true;
}

static int device_write(struct txn *t, const char *path, const char *value, int timeout_ms)
{
	if (!unstuck(t->lane, t->o.bdf, 0))
		return -EDEADLK;
	int r = timed_write(t->ctx, t->lane, path, value, timeout_ms);
	if (r == -ETIMEDOUT)
		mark_stuck(t->lane, t->o.bdf);
	return r;
}

static int unbind_driver(struct txn *t, const char *driver)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/unbind", driver);
	return device_write(t, path, t->o.bdf, t->timeout);
}

static int bind_driver(struct txn *t, const char *driver, int timeout_ms)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/bind", driver);
	int r = device_write(t, path, t->o.bdf, timeout_ms);
	if (r == -ENOENT) /* no bind file: let the PCI core probe (driver_override decides) */
		r = device_write(t, "/sys/bus/pci/drivers_probe", t->o.bdf, timeout_ms);
	return r;
}

static int write_override(struct vfioadm_ctx *ctx, struct lane *l, const char *bdf, const char *value)
{
	if (!unstuck(l, bdf, 0))
		return -EDEADLK; /* driver_override takes the device lock too */
	char path[96];
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", bdf);
	return sysfs_write(ctx, path, *value ? value : "\n");
}

/* Put the function back on @driver ("" = none) with @override, and check it took. @current is
 * the driver it is on now when the caller has just read it, NULL to read it here. A VF gets
 * @vf (NULL: none) back while it has no driver. */
static int restore(struct txn *t, const char *current, const char *driver, const char *override,
		   const struct vfioadm_vf_attrs *vf)
{
	char now[VFIOADM_NAME_MAX];
	bool vfio;
	int r;
	if (!current) {
		if ((r = device_read_binding(t->ctx, t->o.bdf, now, &vfio)) < 0)
			return r;
		current = now;
	}
	bool leave = current[0] && !streq(current, driver);
	if (leave && (r = unbind_driver(t, current)) < 0)
		return r;
	test_pause(t, "restore-unbind");
	if (leave || !current[0])
		provision_restore(t, vf);
	if ((r = write_override(t->ctx, t->lane, t->o.bdf, override)) < 0)
		return r;
	test_pause(t, "restore-override");
	if (*driver && !streq(current, driver) && (r = bind_driver(t, driver, DEFAULT_TIMEOUT_MS)) < 0)
		return r;
	return t->ctx->dry_run ? 0 : wait_for(t->ctx, t->o.bdf, driver, false, t->timeout);
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

static int precheck(struct txn *t)
{
	const struct vfioadm_device_info *i = t->i;
	struct vfioadm_report *r = NULL;
	int rr = in_use_report(t->ctx, i, &r);
	if (rr < 0)
		return rr;
	if (i->iommu_group < 0 && !noiommu_mode(t->ctx))
		report_add(r, VFIOADM_BLOCK_NO_IOMMU, i->bdf, "", 0, false);
	if (vfioadm_class_is_bridge(i->ids.base_class, i->ids.sub_class))
		report_add(r, VFIOADM_BLOCK_BRIDGE, i->bdf, i->driver, 0, false);
	if (i->sriov.role == VFIOADM_SRIOV_PF && i->sriov.numvfs > 0) {
		char n[32];
		snprintf(n, sizeof(n), "%u VFs", i->sriov.numvfs);
		report_add(r, VFIOADM_BLOCK_PF_WITH_VFS, i->bdf, n, 0, false);
	}
	bool refuse = false;
	for (size_t k = 0; k < r->n; k++)
		refuse |= !r->v[k].forceable || !t->opts->force;
	return refuse_if(refuse, r, &t->o);
}

/* A journal that does not read is a transaction whose way back is lost: never act on what it
 * says, and go past it only with --force (bind then writes a new one, unbind removes it). */
static int journal_unreadable(struct txn *t, int r)
{
	if (r == 0 || r == -ENOENT)
		return 0;
	if (r == -EACCES && t->ctx->dry_run) { /* an unprivileged dry run cannot see root's journals */
		dbg(t->ctx, "%s: journal not readable by this user: the dry run assumes none", t->o.bdf);
		return 0;
	}
	if (t->opts->force)
		return t->bind ? 0 : journal_remove(t->ctx, t->o.bdf);
	struct vfioadm_report *rep = calloc(1, sizeof(*rep));
	if (!rep)
		return -ENOMEM;
	report_add(rep, VFIOADM_BLOCK_JOURNAL_CORRUPT, t->o.bdf, journal_fault(r), 0, true);
	return refuse_if(true, rep, &t->o);
}

/* Choose and load the VFIO driver; its PCI driver name is known once the module is in. */
static int choose_driver(struct txn *t)
{
	struct vfioadm_ctx *ctx = t->ctx;
	struct vfioadm_outcome *o = &t->o;
	int r;
	if (t->opts->match.generic && kmod_module_live(ctx, GENERIC_MODULE)) {
		strcpy(o->module, GENERIC_MODULE); /* vfio-pci asked for and present: nothing to rank */
	} else {
		struct vfioadm_match *m;
		if ((r = vfioadm_match(ctx, t->i->modalias, &t->opts->match, &m)) < 0)
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

static int bind_steps(struct txn *t)
{
	struct vfioadm_outcome *o = &t->o;
	const char *host = t->i->driver;
	int r = write_override(t->ctx, t->lane, o->bdf, o->driver);
	if (r < 0)
		return r;
	test_pause(t, "override");
	if (host[0] && (r = unbind_driver(t, host)) < 0) {
		if (r == -ETIMEDOUT)
			snprintf(o->reason, sizeof(o->reason), "unbinding from %s did not finish in %d ms: "
				 "the device is in use", host, t->timeout);
		return r;
	}
	test_pause(t, "unbind");
	if ((r = provision_apply(t)) < 0)
		return r;
	test_pause(t, "provision");
	if ((r = bind_driver(t, o->driver, t->timeout)) < 0) {
		if (r == -ETIMEDOUT) {
			snprintf(o->reason, sizeof(o->reason), "%s did not finish probing in %d ms", o->driver, t->timeout);
			/* the probe is still running in the kernel: let it end before undoing it */
			if (!unstuck(t->lane, o->bdf, 2 * t->timeout + 5000))
				snprintf(o->reason, sizeof(o->reason), "%s is still probing after %d ms",
					 o->driver, 3 * t->timeout + 5000);
		}
		return r;
	}
	if (t->ctx->dry_run)
		return 0;
	test_pause(t, "bind");
	r = wait_for(t->ctx, o->bdf, o->driver, true, t->timeout);
	if (r == -ETIMEDOUT)
		snprintf(o->reason, sizeof(o->reason), "%s did not finish probing in %d ms", o->driver, t->timeout);
	return r;
}

/* Undo a failed bind: back to exactly the recorded state, and the journal with it. */
static int roll_back(struct txn *t, int err)
{
	struct vfioadm_outcome *o = &t->o;
	t->rolling_back = true;
	int r = restore(t, NULL, t->i->driver, t->i->driver_override, &t->vf_before);
	if (r == -ENODEV) { /* it is gone (hot-unplugged): nothing left to restore or record */
		journal_remove(t->ctx, o->bdf);
		snprintf(o->reason, sizeof(o->reason), "the device disappeared during the operation");
		return -ENODEV;
	}
	if (r < 0)
		return err; /* the journal stays: `vfioadm unbind` retries, `check` reports it */
	o->rolled_back = true;
	if (t->has_journal)
		journal_write(t->ctx, &t->prev);
	else
		journal_remove(t->ctx, o->bdf);
	return err;
}

EXPORT int vfioadm_set_driver_override(struct vfioadm_ctx *ctx, const char *bdf, const char *driver)
{
	char norm[VFIOADM_BDF_MAX];
	if (vfioadm_bdf_normalize(bdf, norm) < 0 || !vfioadm_driver_name_valid(driver))
		return -EINVAL;
	struct lane *l = run_lane(ctx);
	return l ? write_override(ctx, l, norm, driver) : -ENOMEM;
}

EXPORT void vfioadm_outcome_done(struct vfioadm_outcome *o)
{
	o->refusal = vfioadm_report_free(o->refusal);
}

/* The reads, the module and the checks: 1 when there is kernel work left for bind_execute(). */
static int bind_prepare(struct txn *t)
{
	struct vfioadm_outcome *o = &t->o;
	int r = choose_driver(t);
	if (r < 0)
		return r;
	int provision = provision_prepare(t);
	if (provision < 0)
		return provision;
	if (streq(t->i->driver, o->driver) && t->i->vfio.bound && !provision)
		return 0; /* already there (and provisioned so): touch nothing */
	if ((r = precheck(t)) < 0)
		return r;
	struct journal *j = &t->j;
	*j = (struct journal){ .started = (long long)time(NULL), .from_config = t->opts->from_config };
	strcpy(j->bdf, o->bdf);
	strcpy(j->orig_driver, t->i->driver);
	strcpy(j->orig_override, t->i->driver_override);
	strcpy(j->target, o->driver);
	strcpy(j->state, "binding");
	r = journal_read(t->ctx, o->bdf, &t->prev);
	t->has_journal = r == 0;
	if ((r = journal_unreadable(t, r)) < 0)
		return r;
	if (t->has_journal) { /* from one VFIO driver to another: the host's state is the older one */
		strcpy(j->orig_driver, t->prev.orig_driver);
		strcpy(j->orig_override, t->prev.orig_override);
	}
	provision_journal(t);
	return 1;
}

/* ---- hooks ---- */

static int run_hooks(struct txn *t, enum hook_stage stage, const char *reason, char *why, size_t size)
{
	const struct vfioadm_device_info *i = t->i;
	struct hook_facts f = {
		.reason = reason, .bdf = t->o.bdf, .vfio_driver = t->bind ? t->o.driver : i->driver,
		.host_driver = t->j.orig_driver, .pf = i->sriov.role == VFIOADM_SRIOV_VF ? i->sriov.pf : NULL,
		.vendor = i->ids.vendor, .device = i->ids.device, .iommu_group = i->iommu_group,
	};
	return hooks_run(t->ctx, stage, &f, why, size);
}

/* A hook's failure is the outcome's reason (not the kernel's words) */
static int hooks_or_fail(struct txn *t, enum hook_stage stage, const char *reason)
{
	int r = run_hooks(t, stage, reason, t->o.reason, sizeof(t->o.reason));
	t->o.hook_failed = r < 0;
	return r;
}

/* The bind did not happen: the hooks that set it up at pre-bind undo it at post-release. A
 * failure here changes nothing more; it is said as a warning. */
static int hooks_undo(struct txn *t, int err)
{
	run_hooks(t, HOOK_POST_RELEASE, "rollback", t->o.warning, sizeof(t->o.warning));
	return err;
}

static int bind_execute(struct txn *t)
{
	/* before anything is written: a failing pre-bind hook leaves the device untouched */
	int r = hooks_or_fail(t, HOOK_PRE_BIND, "bind");
	if (r < 0)
		return hooks_undo(t, r);
	if ((r = journal_write(t->ctx, &t->j)) < 0)
		return hooks_undo(t, r);
	t->o.changed = true;
	test_pause(t, "journal");
	int kmsg = kmsg_mark(t);
	r = bind_steps(t);
	if (r >= 0) {
		strcpy(t->j.state, "bound");
		if ((r = journal_write(t->ctx, &t->j)) < 0)
			return r;
		if ((r = hooks_or_fail(t, HOOK_POST_BIND, "bind")) >= 0)
			return 0;
	}
	if (!t->o.reason[0])
		kmsg_reason(t, kmsg);
	return hooks_undo(t, roll_back(t, r));
}

/* ---- unbind ---- */

static int unbind_precheck(struct txn *t)
{
	struct vfioadm_report *r = NULL;
	int rr = in_use_report(t->ctx, t->i, &r);
	if (rr < 0)
		return rr;
	bool refuse = false;
	for (size_t k = 0; k < r->n; k++)
		refuse |= r->v[k].kind == VFIOADM_BLOCK_OPEN && !t->opts->force;
	return refuse_if(refuse, r, &t->o);
}

static int unbind_prepare(struct txn *t)
{
	const struct vfioadm_device_info *i = t->i;
	struct journal *j = &t->j;
	int jr = journal_read(t->ctx, t->o.bdf, j);
	t->has_journal = jr == 0;
	if ((jr = journal_unreadable(t, jr)) < 0)
		return jr;
	/* claimed by the configuration before any host driver bound it (boot): giving it back
	 * means letting the kernel's default driver have it, not leaving it without one */
	t->reprobe = t->has_journal && j->from_config && !j->orig_driver[0];
	if (!t->has_journal && !i->vfio.bound && !i->driver_override[0])
		return 0; /* not ours and not on VFIO: nothing to give back */
	if (t->has_journal && streq(i->driver, j->orig_driver) && streq(i->driver_override, j->orig_override)) {
		strcpy(t->o.driver, i->driver);
		int r = journal_remove(t->ctx, t->o.bdf); /* already back (an interrupted run's leftover) */
		return r < 0 ? r : 0;
	}
	int r = unbind_precheck(t);
	return r < 0 ? r : 1;
}

/* No record: clear the override and let the kernel's default driver probe. */
static int give_to_default_driver(struct txn *t)
{
	struct vfioadm_outcome *o = &t->o;
	int r = write_override(t->ctx, t->lane, o->bdf, "");
	test_pause(t, "override");
	if (r >= 0 && t->i->driver[0])
		r = unbind_driver(t, t->i->driver);
	test_pause(t, "unbind");
	struct vfioadm_vf_attrs vf;
	if (r >= 0 && t->has_journal && journal_vf_prev(&t->j, &vf))
		provision_restore(t, &vf);
	if (r >= 0)
		r = sysfs_write(t->ctx, "/sys/bus/pci/drivers_probe", o->bdf);
	if (r >= 0 && !t->ctx->dry_run) {
		usleep(100 * 1000); /* async probes: give the default driver a moment */
		bool vfio;
		if (device_read_binding(t->ctx, o->bdf, o->driver, &vfio) < 0)
			o->driver[0] = '\0';
	}
	return r;
}

/* Before the release touches the device: "releasing", so that a run killed half-way is
 * finished by the next one (vfioadm_recover) instead of leaving the function driverless. */
static int journal_release(struct txn *t)
{
	struct journal rel = t->j;
	if (!t->has_journal) {
		const struct vfioadm_device_info *i = t->i;
		rel = (struct journal){ .started = (long long)time(NULL) };
		strcpy(rel.bdf, t->o.bdf);
		strcpy(rel.target, i->driver[0] ? i->driver : i->driver_override);
	}
	strcpy(rel.state, "releasing");
	rel.reprobe = t->reprobe || !t->has_journal;
	return journal_write(t->ctx, &rel);
}

static int unbind_execute(struct txn *t)
{
	struct vfioadm_outcome *o = &t->o;
	const struct vfioadm_device_info *i = t->i;
	int r = hooks_or_fail(t, HOOK_PRE_RELEASE, "release"); /* nothing changed yet when it fails */
	if (r < 0 || (r = journal_release(t)) < 0)
		return r;
	o->changed = true;
	test_pause(t, "journal");
	int kmsg = kmsg_mark(t);
	if (t->has_journal && !t->reprobe) {
		struct vfioadm_vf_attrs vf;
		strcpy(o->driver, t->j.orig_driver);
		r = restore(t, i->driver, t->j.orig_driver, t->j.orig_override, journal_vf_prev(&t->j, &vf) ? &vf : NULL);
	} else { /* it restores the journal's attributes itself */
		r = give_to_default_driver(t);
	}
	if (r >= 0) {
		if ((r = journal_remove(t->ctx, o->bdf)) < 0)
			return r;
		/* released: a hook failing now cannot undo that, it is said as a warning */
		run_hooks(t, HOOK_POST_RELEASE, "release", o->warning, sizeof(o->warning));
		return 0;
	}
	if (r == -ETIMEDOUT && !unstuck(t->lane, o->bdf, 0))
		snprintf(o->reason, sizeof(o->reason), "unbinding from %s did not finish in %d ms: the device "
			 "is still in use (a VFIO user has it open); the kernel finishes once it is closed",
			 i->driver, t->timeout);
	else
		kmsg_reason(t, kmsg);
	/* never leave it driverless: back onto the VFIO driver it came from */
	if (i->driver[0] && restore(t, NULL, i->driver, i->driver_override, NULL) == 0) {
		o->rolled_back = true;
		if (t->has_journal)
			journal_write(t->ctx, &t->j); /* "bound" again: the record for a later unbind */
		else
			journal_remove(t->ctx, o->bdf);
	}
	return r;
}

/* ---- the transaction ---- */

int txn_prepare(struct txn *t, struct vfioadm_ctx *ctx, const char *bdf, const struct vfioadm_bind_opts *opts,
		bool bind)
{
	*t = (struct txn){ .ctx = ctx, .opts = opts, .bind = bind, .lane = run_lane(ctx) };
	t->timeout = opts->timeout_ms > 0 ? opts->timeout_ms : DEFAULT_TIMEOUT_MS;
	int r = vfioadm_bdf_normalize(bdf, t->o.bdf);
	if (r < 0)
		return r;
	if (!t->lane)
		return -ENOMEM;
	if (!ctx_is_host(ctx) && !ctx->dry_run)
		return -EROFS;
	if ((r = vfioadm_device_read(ctx, t->o.bdf, VFIOADM_FILL_BASIC, &t->dev)) < 0)
		return r;
	t->i = vfioadm_device_get_info(t->dev);
	strcpy(t->o.prev_driver, t->i->driver);
	t->o.iommu_group = t->i->iommu_group;
	return bind ? bind_prepare(t) : unbind_prepare(t);
}

int txn_execute(struct txn *t, struct lane *l)
{
	t->lane = l;
	return t->bind ? bind_execute(t) : unbind_execute(t);
}

void txn_done(struct txn *t)
{
	t->dev = vfioadm_device_free(t->dev);
	t->i = NULL;
}

static int run_one(struct vfioadm_ctx *ctx, const char *bdf, const struct vfioadm_bind_opts *opts, bool bind,
		   struct vfioadm_outcome *o)
{
	struct txn t;
	int r = txn_prepare(&t, ctx, bdf, opts, bind);
	if (r > 0)
		r = txn_execute(&t, t.lane);
	txn_done(&t);
	*o = t.o;
	return r < 0 ? r : 0;
}

EXPORT int vfioadm_bind(struct vfioadm_ctx *ctx, const char *bdf, const struct vfioadm_bind_opts *opts,
			struct vfioadm_outcome *o)
{
	return run_one(ctx, bdf, opts, true, o);
}

EXPORT int vfioadm_unbind(struct vfioadm_ctx *ctx, const char *bdf, const struct vfioadm_bind_opts *opts,
			  struct vfioadm_outcome *o)
{
	return run_one(ctx, bdf, opts, false, o);
}

/* ---- interrupted runs ---- */

struct recovery {
	struct vfioadm_ctx *ctx;
	vfioadm_outcome_fn fn;
	void *data;
	size_t n;
};

/* Back to the recorded state: a bind is rolled back, a release is finished. */
static int recover_device(struct txn *t)
{
	const struct journal *j = &t->j;
	int r = vfioadm_device_read(t->ctx, j->bdf, VFIOADM_FILL_BASIC, &t->dev);
	if (r == -ENODEV) {
		snprintf(t->o.reason, sizeof(t->o.reason), "the device is gone");
		return journal_remove(t->ctx, j->bdf);
	}
	if (r < 0)
		return r;
	t->i = vfioadm_device_get_info(t->dev);
	strcpy(t->o.prev_driver, t->i->driver);
	t->o.iommu_group = t->i->iommu_group;
	if (!t->bind && (r = unbind_precheck(t)) < 0) /* a VFIO user still has it: the kernel's */
		return r;                              /* unbind waits for it, so must we */
	t->o.changed = true;
	if (j->reprobe) {
		r = give_to_default_driver(t);
	} else {
		struct vfioadm_vf_attrs vf;
		strcpy(t->o.driver, j->orig_driver);
		r = restore(t, t->i->driver, j->orig_driver, j->orig_override, journal_vf_prev(j, &vf) ? &vf : NULL);
	}
	if (r < 0)
		return r;
	t->o.rolled_back = t->bind;
	return journal_remove(t->ctx, j->bdf);
}

static int recover_fn(void *data, const char *name _unused_, const struct journal *j, int r)
{
	struct recovery *rc = data;
	if (r < 0 || !journal_in_flight(j))
		return 0; /* unreadable: never acted on (check and list report it); bound: a record */
	static const struct vfioadm_bind_opts opts = { 0 };
	struct txn t = { .ctx = rc->ctx, .opts = &opts, .lane = run_lane(rc->ctx), .recovering = true,
			 .timeout = DEFAULT_TIMEOUT_MS, .j = *j, .has_journal = true };
	if (!t.lane)
		return -ENOMEM;
	t.bind = streq(j->state, "binding");
	strcpy(t.o.bdf, j->bdf);
	r = recover_device(&t);
	txn_done(&t);
	rc->fn(rc->data, rc->n++, r < 0 ? r : 0, &t.o);
	return 0;
}

EXPORT int vfioadm_recover(struct vfioadm_ctx *ctx, vfioadm_outcome_fn fn, void *data)
{
	if (!ctx_is_host(ctx) || ctx->dry_run)
		return 0; /* a captured tree has no run to finish; a dry run changes nothing */
	struct recovery rc = { .ctx = ctx, .fn = fn, .data = data };
	int r = journal_each(ctx, recover_fn, &rc);
	return r < 0 ? r : (int)rc.n;
}
