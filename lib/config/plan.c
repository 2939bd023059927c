/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * From desired to actual: the actions that make this host match the configuration, and
 * nothing else. A device already on its VFIO driver yields no action — a device a VM is using
 * must never be rebound because apply ran again.
 */
#include <fcntl.h>

#include "config/config.h"

EXPORT void vfioadm_plan_free(struct vfioadm_plan *plan)
{
	if (plan)
		free(plan->v);
	free(plan);
}

static int add_action(struct vfioadm_plan *p, const struct vfioadm_action *a)
{
	for (size_t i = 0; i < p->n; i++) /* one action per target and kind */
		if (p->v[i].kind == a->kind && streq(p->v[i].target, a->target))
			return 0;
	struct vfioadm_action *v = reallocarray(p->v, p->n + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	p->v = v;
	p->v[p->n++] = *a;
	return 0;
}

/* Precedence of a selector for one device: a VF entry, then a BDF, then ids with subsystem,
 * then ids; 0 when it does not select the device. */
static int selects(const struct vfioadm_cfg_device *e, const struct vfioadm_device_info *i)
{
	switch (e->kind) {
	case VFIOADM_SEL_VF: {
		if (i->sriov.role != VFIOADM_SRIOV_VF || !streq(i->sriov.pf, e->bdf))
			return 0;
		return 4; /* the index is checked by the caller, which knows the PF's VF list */
	}
	case VFIOADM_SEL_BDF:
		return streq(e->bdf, i->bdf) ? 3 : 0;
	case VFIOADM_SEL_ID:
		if (e->vendor != i->ids.vendor || e->device != i->ids.device)
			return 0;
		if (e->subvendor == VFIOADM_ANY_ID)
			return 1;
		return e->subvendor == i->ids.subvendor && e->subdevice == i->ids.subdevice ? 2 : 0;
	}
	return 0;
}

static bool vf_index_matches(struct vfioadm_ctx *ctx, const struct vfioadm_cfg_device *e, const char *bdf)
{
	int index = vf_index_on_pf(ctx, e->bdf, bdf);
	return index >= 0 && (unsigned)index == e->vf_index;
}

/* The entry that decides for this device, or NULL; -EINVAL on a tie with different drivers. */
static int decide(struct vfioadm_ctx *ctx, const struct vfioadm_config *cfg, const struct vfioadm_device_info *i,
		  const struct vfioadm_cfg_device **ret, struct vfioadm_config_error *err)
{
	const struct vfioadm_cfg_device *best = NULL;
	int best_rank = 0;
	for (size_t k = 0; k < cfg->n_devices; k++) {
		const struct vfioadm_cfg_device *e = &cfg->devices[k];
		int rank = selects(e, i);
		if (rank == 4 && !vf_index_matches(ctx, e, i->bdf))
			rank = 0;
		if (rank == 0 || rank < best_rank)
			continue;
		if (rank == best_rank && best && !streq(best->driver, e->driver)) {
			snprintf(err->file, sizeof(err->file), "%s", e->file);
			snprintf(err->message, sizeof(err->message),
				 "%s is given driver '%s' here and '%s' in %.100s: make one entry more specific",
				 i->bdf, e->driver, best->driver, best->file);
			return -EINVAL;
		}
		best = e;
		best_rank = rank;
	}
	*ret = best;
	return 0;
}

/* The VFIO driver a device would get, to compare with the one it is on. */
static void wanted_driver(struct vfioadm_ctx *ctx, const struct vfioadm_device_info *i, const char *mode,
			  char out[VFIOADM_NAME_MAX])
{
	struct vfioadm_match_opts mo = vfioadm_match_opts_for_mode(mode);
	struct vfioadm_match *m;
	out[0] = '\0';
	if (vfioadm_match(ctx, i->modalias, &mo, &m) < 0)
		return;
	strcpy(out, m->driver[0] ? m->driver : m->module);
	vfioadm_match_free(m);
}

static void fill_source(struct vfioadm_action *a, const char *file)
{
	snprintf(a->source, sizeof(a->source), "%s", file);
}

static int plan_device(struct vfioadm_ctx *ctx, const struct vfioadm_config *cfg, const struct vfioadm_cfg_device *e,
		       const struct vfioadm_device_info *i, struct vfioadm_plan *p);

/* group = siblings: the other functions of the slot; group = group: every non-bridge member
 * of the IOMMU group. They get the entry's driver too. */
static int plan_companions(struct vfioadm_ctx *ctx, const struct vfioadm_config *cfg, const struct vfioadm_cfg_device *e,
			   const struct vfioadm_device_info *i, struct vfioadm_plan *p)
{
	struct vfioadm_device *dev;
	if (vfioadm_device_read(ctx, i->bdf, VFIOADM_FILL_DETAIL, &dev) < 0)
		return 0;
	const struct vfioadm_device_info *d = vfioadm_device_get_info(dev);
	struct vfioadm_cfg_device one = *e;
	one.group = VFIOADM_GROUP_NONE;
	int r = 0;
	if (e->group == VFIOADM_GROUP_ALL) {
		for (size_t k = 0; k < d->n_group_members && r >= 0; k++) {
			struct vfioadm_device *m;
			if (streq(d->group_members[k].name, i->bdf) ||
			    vfioadm_device_read(ctx, d->group_members[k].name, VFIOADM_FILL_BASIC, &m) < 0)
				continue;
			const struct vfioadm_device_info *mi = vfioadm_device_get_info(m);
			if (!vfioadm_class_is_bridge(mi->ids.base_class, mi->ids.sub_class))
				r = plan_device(ctx, cfg, &one, vfioadm_device_get_info(m), p);
			vfioadm_device_free(m);
		}
	} else {
		char slot[VFIOADM_BDF_MAX], path[PATH_MAX];
		strcpy(slot, i->bdf);
		slot[strlen(slot) - 1] = '\0'; /* "0000:3b:00." */
		for (int fn = 0; fn < 8 && r >= 0; fn++) {
			struct vfioadm_device *m;
			snprintf(path, sizeof(path), "%s%d", slot, fn);
			if (streq(path, i->bdf) || vfioadm_device_read(ctx, path, VFIOADM_FILL_BASIC, &m) < 0)
				continue;
			r = plan_device(ctx, cfg, &one, vfioadm_device_get_info(m), p);
			vfioadm_device_free(m);
		}
	}
	vfioadm_device_free(dev);
	return r;
}

/* A [vf PF N] section that names no driver takes its PF's [sriov] one */
static const char *entry_driver(const struct vfioadm_config *cfg, const struct vfioadm_cfg_device *e)
{
	for (size_t k = 0; e->kind == VFIOADM_SEL_VF && e->owner_driver < 0 && k < cfg->n_sriov; k++)
		if (streq(cfg->sriov[k].pf, e->bdf))
			return cfg->sriov[k].driver;
	return e->driver;
}

/* Does a VF lack attributes its [vf] sections give it? Only the live kernel can tell: under
 * --root, or when netlink cannot answer, the bind's own check decides. */
static bool vf_unprovisioned(struct vfioadm_ctx *ctx, const struct vfioadm_config *cfg,
			     const struct vfioadm_device_info *i)
{
	struct vfioadm_vf_attrs want = { 0 }, have, change, before;
	int index = i->sriov.role == VFIOADM_SRIOV_VF ? vf_index_on_pf(ctx, i->sriov.pf, i->bdf) : -1;
	for (size_t k = 0; index >= 0 && k < cfg->n_devices; k++) {
		const struct vfioadm_cfg_device *e = &cfg->devices[k];
		if (e->kind == VFIOADM_SEL_VF && e->vf.set && streq(e->bdf, i->sriov.pf) && e->vf_index == (unsigned)index)
			vfioadm_vf_attrs_merge(&want, &e->vf);
	}
	char why[256];
	if (!want.set || vfioadm_vf_attrs_get(ctx, i->sriov.pf, (unsigned)index, &have, why, sizeof(why)) < 0)
		return false;
	vfioadm_vf_attrs_diff(&want, &have, &change, &before);
	return change.set != 0;
}

static int plan_device(struct vfioadm_ctx *ctx, const struct vfioadm_config *cfg, const struct vfioadm_cfg_device *e,
		       const struct vfioadm_device_info *i, struct vfioadm_plan *p)
{
	struct vfioadm_action a = { .kind = VFIOADM_ACT_BIND };
	const char *driver = entry_driver(cfg, e);
	strcpy(a.target, i->bdf);
	strcpy(a.current, i->driver);
	fill_source(&a, e->file);
	if (streq(driver, "host")) {
		struct journal j;
		if (!i->vfio.bound || journal_read(ctx, i->bdf, &j) < 0)
			return 0; /* not ours to give back */
		a.kind = VFIOADM_ACT_UNBIND;
		return add_action(p, &a);
	}
	char want[VFIOADM_NAME_MAX];
	wanted_driver(ctx, i, driver, want);
	int r = 0;
	bool there = i->vfio.bound && streq(i->driver, want);
	/* already right, attributes included: touch nothing */
	if (!there || (a.provision = vf_unprovisioned(ctx, cfg, i))) {
		strcpy(a.driver, driver);
		r = add_action(p, &a);
	}
	return r < 0 || e->group == VFIOADM_GROUP_NONE ? r : plan_companions(ctx, cfg, e, i, p);
}

static int plan_sriov(struct vfioadm_ctx *ctx, const struct vfioadm_config *cfg,
		      const struct vfioadm_cfg_sriov *s, struct vfioadm_plan *p, struct vfioadm_config_error *err)
{
	struct vfioadm_device *dev;
	if (!s->has_numvfs || vfioadm_device_read(ctx, s->pf, VFIOADM_FILL_BASIC, &dev) < 0)
		return 0; /* a PF that is not there: nothing we can do now (boot: it may appear later) */
	const struct vfioadm_device_info *pf = vfioadm_device_get_info(dev);
	struct vfioadm_action a = { .kind = VFIOADM_ACT_SRIOV, .numvfs = s->numvfs };
	strcpy(a.target, pf->bdf);
	strcpy(a.driver, s->driver);
	snprintf(a.current, sizeof(a.current), "%u VFs", pf->sriov.numvfs);
	fill_source(&a, s->file);
	int r = 0;
	if (pf->sriov.numvfs != s->numvfs) {
		r = add_action(p, &a);
	} else if (!streq(s->driver, "host")) {
		/* the count is right: the VFs that are not on their driver get a bind each */
		for (size_t k = 0; k < pf->sriov.n_vfs && r >= 0; k++) {
			struct vfioadm_device *vf;
			if (vfioadm_device_read(ctx, pf->sriov.vfs[k], VFIOADM_FILL_BASIC, &vf) < 0)
				continue;
			/* a [vf] or [device] entry for this VF beats the PF's default */
			struct vfioadm_cfg_device dflt = { .kind = VFIOADM_SEL_VF };
			const struct vfioadm_cfg_device *e;
			strcpy(dflt.driver, s->driver);
			strcpy(dflt.file, s->file);
			r = decide(ctx, cfg, vfioadm_device_get_info(vf), &e, err);
			if (r >= 0)
				r = plan_device(ctx, cfg, e ? e : &dflt, vfioadm_device_get_info(vf), p);
			vfioadm_device_free(vf);
		}
	}
	vfioadm_device_free(dev);
	return r;
}

struct releases {
	struct vfioadm_ctx *ctx;
	const struct vfioadm_config *cfg;
	struct vfioadm_plan *p;
};

static int plan_release(void *data, const char *name _unused_, const struct journal *j, int r)
{
	struct releases *rs = data;
	struct vfioadm_device *dev;
	if (r < 0 || !j->from_config || vfioadm_device_read(rs->ctx, j->bdf, VFIOADM_FILL_BASIC, &dev) < 0)
		return 0;
	const struct vfioadm_config *cfg = rs->cfg;
	const struct vfioadm_device_info *i = vfioadm_device_get_info(dev);
	const struct vfioadm_cfg_device *e = NULL;
	struct vfioadm_config_error ignored;
	bool wanted = decide(rs->ctx, cfg, i, &e, &ignored) == 0 && e && !streq(e->driver, "host");
	for (size_t k = 0; !wanted && i->sriov.role == VFIOADM_SRIOV_VF && k < cfg->n_sriov; k++)
		wanted = streq(cfg->sriov[k].pf, i->sriov.pf) && !streq(cfg->sriov[k].driver, "host");
	if (!wanted) {
		struct vfioadm_action a = { .kind = VFIOADM_ACT_UNBIND };
		strcpy(a.target, i->bdf);
		strcpy(a.current, i->driver);
		snprintf(a.source, sizeof(a.source), "no longer configured");
		r = add_action(rs->p, &a);
	}
	vfioadm_device_free(dev);
	return r;
}

/* Devices the configuration bound (journal origin=config) that it no longer wants. */
static int plan_releases(struct vfioadm_ctx *ctx, const struct vfioadm_config *cfg, struct vfioadm_plan *p)
{
	struct releases rs = { ctx, cfg, p };
	return journal_each(ctx, plan_release, &rs);
}

static bool vf_of_configured_pf(const struct vfioadm_config *cfg, const struct vfioadm_device_info *i)
{
	for (size_t k = 0; i->sriov.role == VFIOADM_SRIOV_VF && k < cfg->n_sriov; k++)
		if (cfg->sriov[k].has_numvfs && streq(cfg->sriov[k].pf, i->sriov.pf))
			return true;
	return false;
}

EXPORT int vfioadm_config_driver(struct vfioadm_ctx *ctx, const struct vfioadm_config *cfg,
				 const char *bdf, char ret[VFIOADM_NAME_MAX])
{
	struct vfioadm_device *dev;
	int r = vfioadm_device_read(ctx, bdf, VFIOADM_FILL_BASIC, &dev);
	if (r < 0)
		return r;
	const struct vfioadm_device_info *i = vfioadm_device_get_info(dev);
	const struct vfioadm_cfg_device *e = NULL;
	struct vfioadm_config_error err;
	r = decide(ctx, cfg, i, &e, &err);
	ret[0] = '\0';
	if (r >= 0 && e)
		strcpy(ret, entry_driver(cfg, e));
	for (size_t k = 0; r >= 0 && !e && i->sriov.role == VFIOADM_SRIOV_VF && k < cfg->n_sriov; k++)
		if (streq(cfg->sriov[k].pf, i->sriov.pf))
			strcpy(ret, cfg->sriov[k].driver);
	vfioadm_device_free(dev);
	if (r >= 0 && streq(ret, "host"))
		ret[0] = '\0';
	return r < 0 ? r : ret[0] ? 1 : 0;
}

static int plan_devices(struct vfioadm_ctx *ctx, const struct vfioadm_config *cfg, struct vfioadm_plan *p,
			struct vfioadm_config_error *err)
{
	int r = vfioadm_scan(ctx, VFIOADM_FILL_BASIC);
	if (r < 0)
		return r;
	struct vfioadm_device *dev;
	r = 0;
	vfioadm_for_each_device(dev, ctx) {
		const struct vfioadm_device_info *i = vfioadm_device_get_info(dev);
		const struct vfioadm_cfg_device *e;
		if (vf_of_configured_pf(cfg, i))
			continue; /* planned with its PF */
		if ((r = decide(ctx, cfg, i, &e, err)) < 0)
			return r;
		if (e && (r = plan_device(ctx, cfg, e, i, p)) < 0)
			return r;
	}
	return 0;
}

static int plan_mdevs(struct vfioadm_ctx *ctx, const struct vfioadm_config *cfg, struct vfioadm_plan *p)
{
	for (size_t k = 0; k < cfg->n_mdevs; k++) {
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s", cfg->mdevs[k].uuid);
		if (root_exists(ctx, path))
			continue;
		struct vfioadm_action a = { .kind = VFIOADM_ACT_MDEV_CREATE };
		strcpy(a.target, cfg->mdevs[k].uuid);
		strcpy(a.parent, cfg->mdevs[k].parent);
		strcpy(a.type, cfg->mdevs[k].type);
		fill_source(&a, cfg->mdevs[k].file);
		int r = add_action(p, &a);
		if (r < 0)
			return r;
	}
	return 0;
}

static int kind_order(const void *a, const void *b)
{
	const struct vfioadm_action *x = a, *y = b;
	if (x->kind != y->kind)
		return (int)x->kind - (int)y->kind;
	return strcmp(x->target, y->target);
}

EXPORT int vfioadm_plan_compute(struct vfioadm_ctx *ctx, const struct vfioadm_config *cfg,
				struct vfioadm_plan **ret, struct vfioadm_config_error *err)
{
	memset(err, 0, sizeof(*err));
	struct vfioadm_plan *p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	int r = vfioadm_set_deny_list(ctx, (const char *const *)cfg->deny, cfg->n_deny);
	for (size_t k = 0; r >= 0 && k < cfg->n_sriov; k++)
		r = plan_sriov(ctx, cfg, &cfg->sriov[k], p, err);
	if (r >= 0)
		r = plan_devices(ctx, cfg, p, err);
	if (r >= 0)
		r = plan_releases(ctx, cfg, p);
	if (r >= 0)
		r = plan_mdevs(ctx, cfg, p);
	if (r < 0) {
		vfioadm_plan_free(p);
		return r;
	}
	if (p->n > 0)
		qsort(p->v, p->n, sizeof(*p->v), kind_order);
	*ret = p;
	return 0;
}
