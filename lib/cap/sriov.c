/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SR-IOV: create a PF's VFs straight onto their destination driver. For VFIO destinations
 * sriov_drivers_autoprobe is 0 while the VFs appear, so the host driver never binds and then
 * unbinds every VF (what costs naive scripts 20–65 s for 64–125 VFs).
 */
#include <fcntl.h>

#include "cap/cap.h"

EXPORT void vfioadm_sriov_outcome_done(struct vfioadm_sriov_outcome *o)
{
	for (size_t i = 0; i < o->n_vfs; i++)
		vfioadm_outcome_done(&o->vfs[i]);
	free(o->vfs);
	o->vfs = NULL;
	o->n_vfs = 0;
	o->refusal = vfioadm_report_free(o->refusal);
}

static int pf_write(struct vfioadm_ctx *ctx, const char *pf, const char *attr, const char *value,
		    int timeout_ms)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", pf, attr);
	/* removing VFs unbinds their drivers: a held VFIO VF would block the writer */
	struct lane *l = run_lane(ctx);
	return l ? timed_write(ctx, l, path, value, timeout_ms) : -ENOMEM;
}

static int pf_read_long(struct vfioadm_ctx *ctx, const char *pf, const char *attr, long *ret)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", pf);
	_cleanup_close_ int fd = root_open(ctx, path, O_RDONLY | O_DIRECTORY);
	return fd < 0 ? fd : attr_read_long(fd, attr, 10, ret);
}

/* VF i's address from the PF's routing ID, First VF Offset and VF Stride (PCIe SR-IOV). */
void vf_address(const char *pf, long offset, long stride, unsigned i, char out[VFIOADM_BDF_MAX])
{
	unsigned domain, bus, dev, fn;
	sscanf(pf, "%x:%x:%x.%x", &domain, &bus, &dev, &fn);
	unsigned rid = (bus << 8 | dev << 3 | fn) + (unsigned)offset + i * (unsigned)stride;
	snprintf(out, VFIOADM_BDF_MAX, "%04x:%02x:%02x.%x", domain, (rid >> 8) & 0xff, (rid >> 3) & 0x1f, rid & 7);
}

/* Existing VFs in use? (their netdevs, block devices, open VFIO nodes) */
static int vfs_in_use(struct vfioadm_ctx *ctx, const struct vfioadm_device_info *pf, bool force,
		      struct vfioadm_sriov_outcome *o)
{
	struct vfioadm_report *all = calloc(1, sizeof(*all));
	if (!all)
		return -ENOMEM;
	for (size_t i = 0; i < pf->sriov.n_vfs; i++) {
		struct vfioadm_report *r;
		if (vfioadm_check_in_use(ctx, pf->sriov.vfs[i], &r) < 0)
			continue;
		for (size_t k = 0; k < r->n; k++)
			report_add(all, r->v[k].kind, r->v[k].subject, r->v[k].detail, r->v[k].pid, true);
		vfioadm_report_free(r);
	}
	if (all->n == 0 || force) {
		vfioadm_report_free(all);
		return 0;
	}
	o->refusal = all;
	return -EBUSY;
}

static void forget_vf_journals(struct vfioadm_ctx *ctx, const struct vfioadm_device_info *pf)
{
	for (size_t i = 0; i < pf->sriov.n_vfs; i++)
		journal_remove(ctx, pf->sriov.vfs[i]);
}

struct vf_results {
	struct vfioadm_sriov_outcome *o;
	int err;          /* the first VF's (in VF order) that failed */
	size_t failed;
};

static void vf_bound(void *data, size_t i, int r, struct vfioadm_outcome *vo)
{
	struct vf_results *res = data;
	res->o->vfs[i] = *vo; /* ours now */
	if (r < 0 && (!res->err || i < res->failed))
		res->err = r, res->failed = i;
}

/* Bind every VF of the PF to the requested VFIO driver, one transaction each, overlapped. */
static int bind_vfs(struct vfioadm_ctx *ctx, const char *pf, const struct vfioadm_sriov_opts *opts,
		    struct vfioadm_sriov_outcome *o)
{
	struct vfioadm_bind_opts b = { .timeout_ms = opts->timeout_ms, .from_config = opts->from_config,
				       .vf = opts->vf, .n_vf = opts->n_vf };
	b.match.generic = opts->mode == VFIOADM_VF_VFIO;
	b.match.driver = opts->mode == VFIOADM_VF_NAMED ? opts->driver : NULL;
	char vfs[256][VFIOADM_BDF_MAX];
	size_t n = 0;
	if (ctx->dry_run) { /* the VFs do not exist: name the addresses they will have */
		long offset = 1, stride = 1;
		(void)pf_read_long(ctx, pf, "sriov_offset", &offset);
		(void)pf_read_long(ctx, pf, "sriov_stride", &stride);
		for (unsigned i = 0; i < opts->numvfs && n < 256; i++)
			vf_address(pf, offset, stride, i, vfs[n++]);
		for (size_t i = 0; i < n; i++) {
			struct vfioadm_vf_attrs want;
			char why[8];
			vf_settings_want(opts->vf, opts->n_vf, pf, (unsigned)i, &want);
			if (want.set) /* narrated, as the bind would set them */
				(void)vfioadm_vf_attrs_set(ctx, pf, (unsigned)i, &want, why, sizeof(why));
			narrate(ctx, "bind-vf", vfs[i], b.match.generic ? "vfio-pci" :
				b.match.driver ? b.match.driver : "its best VFIO driver");
		}
		return 0;
	}
	struct vfioadm_device *dev;
	int r = vfioadm_device_read(ctx, pf, VFIOADM_FILL_BASIC, &dev);
	if (r < 0)
		return r;
	const struct vfioadm_device_info *info = vfioadm_device_get_info(dev);
	const char *list[256];
	for (size_t i = 0; i < info->sriov.n_vfs && n < 256; i++)
		list[n] = strcpy(vfs[n], info->sriov.vfs[i]), n++;
	vfioadm_device_free(dev);
	if (!(o->vfs = calloc(n ? n : 1, sizeof(*o->vfs))))
		return -ENOMEM;
	o->n_vfs = n;
	struct vf_results res = { .o = o };
	if ((r = vfioadm_bind_many(ctx, list, n, &b, vf_bound, &res)) < 0)
		return r;
	if (res.err)
		snprintf(o->reason, sizeof(o->reason), "VF %s: %s%s%.180s", vfs[res.failed], strerror(-res.err),
			 o->vfs[res.failed].reason[0] ? ": " : "", o->vfs[res.failed].reason);
	return res.err;
}

static int set_count(struct vfioadm_ctx *ctx, const char *pf, unsigned n, int timeout_ms)
{
	char v[16];
	snprintf(v, sizeof(v), "%u", n);
	return pf_write(ctx, pf, "sriov_numvfs", v, timeout_ms);
}

/* The new count: autoprobe as the destination needs it, VFs created, bound, autoprobe back. */
static int create_vfs(struct vfioadm_ctx *ctx, const struct vfioadm_device_info *pf,
		      const struct vfioadm_sriov_opts *opts, int timeout, struct vfioadm_sriov_outcome *o)
{
	int want_auto = opts->mode == VFIOADM_VF_HOST;
	int prev_auto = pf->sriov.drivers_autoprobe;
	int r = 0;
	if (prev_auto != want_auto && (r = pf_write(ctx, pf->bdf, "sriov_drivers_autoprobe",
						    want_auto ? "1" : "0", timeout)) < 0)
		return r;
	r = set_count(ctx, pf->bdf, opts->numvfs, timeout);
	if (r >= 0 && opts->mode != VFIOADM_VF_HOST)
		r = bind_vfs(ctx, pf->bdf, opts, o);
	if (r < 0 && r != -ERANGE && r != -ENOENT && r != -EBUSY) {
		/* a VF could not be bound: the PF goes back to its previous count */
		struct vfioadm_device *now;
		if (vfioadm_device_read(ctx, pf->bdf, VFIOADM_FILL_BASIC, &now) == 0) {
			forget_vf_journals(ctx, vfioadm_device_get_info(now));
			vfioadm_device_free(now);
		}
		if (set_count(ctx, pf->bdf, 0, timeout) == 0 &&
		    (pf->sriov.numvfs == 0 || set_count(ctx, pf->bdf, pf->sriov.numvfs, timeout) == 0))
			o->rolled_back = true;
	}
	if (prev_auto >= 0 && prev_auto != want_auto)
		(void)pf_write(ctx, pf->bdf, "sriov_drivers_autoprobe", prev_auto ? "1" : "0", timeout);
	return r;
}

EXPORT int vfioadm_sriov_set(struct vfioadm_ctx *ctx, const char *pf, const struct vfioadm_sriov_opts *opts,
			     struct vfioadm_sriov_outcome *o)
{
	memset(o, 0, sizeof(*o));
	if (vfioadm_bdf_normalize(pf, o->pf) < 0 ||
	    (opts->mode == VFIOADM_VF_NAMED && !vfioadm_driver_name_valid(opts->driver)))
		return -EINVAL;
	struct vfioadm_device *dev;
	int r = vfioadm_device_read(ctx, o->pf, VFIOADM_FILL_BASIC, &dev);
	if (r < 0)
		return r;
	const struct vfioadm_device_info *info = vfioadm_device_get_info(dev);
	int timeout = opts->timeout_ms > 0 ? opts->timeout_ms : DEFAULT_TIMEOUT_MS;
	strcpy(o->pf_driver, info->driver);
	o->totalvfs = info->sriov.totalvfs;
	o->prev_numvfs = o->numvfs = info->sriov.numvfs;
	if (info->sriov.role != VFIOADM_SRIOV_PF)
		r = -ENOTSUP;
	else if (opts->numvfs > info->sriov.totalvfs)
		r = -ERANGE;
	else if (opts->numvfs > 0 && !info->driver[0])
		r = -ENOENT; /* the kernel asks the PF's driver to enable SR-IOV */
	else if (!ctx_is_host(ctx) && !ctx->dry_run)
		r = -EROFS;
	else if (info->sriov.numvfs == opts->numvfs)
		/* the count is right: only make sure every VF is where it should be */
		r = opts->mode == VFIOADM_VF_HOST || opts->numvfs == 0 ? 0 : bind_vfs(ctx, o->pf, opts, o);
	else if ((r = info->sriov.numvfs ? vfs_in_use(ctx, info, opts->force, o) : 0) >= 0) {
		o->changed = true;
		if (info->sriov.numvfs && (r = set_count(ctx, o->pf, 0, timeout)) >= 0)
			forget_vf_journals(ctx, info);
		if (r >= 0 && opts->numvfs > 0)
			r = create_vfs(ctx, info, opts, timeout, o);
		if (r >= 0)
			o->numvfs = opts->numvfs;
	}
	vfioadm_device_free(dev);
	return r;
}
