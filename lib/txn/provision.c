/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Provisioning as a step of a VF's bind: what the options ask of the VF is compared with what
 * the kernel reports, only the difference is set, between the host driver's unbind and the
 * VFIO driver's probe (mlx5's migratable can only change while the VF has no driver, and a
 * variant driver reads the profile at probe). The values it replaced go into the journal, so
 * a rollback, a release and the recovery of a killed run put them back.
 */
#include <stdio.h>

#include "txn/txn.h"

static bool setting_selects(const struct vfioadm_vf_setting *s, const char *pf, unsigned index)
{
	char norm[VFIOADM_BDF_MAX];
	if (s->pf && s->pf[0] && (vfioadm_bdf_normalize(s->pf, norm) < 0 || !streq(norm, pf)))
		return false;
	return s->index < 0 || (unsigned)s->index == index;
}

void vf_settings_want(const struct vfioadm_vf_setting *v, size_t n, const char *pf, unsigned index,
		      struct vfioadm_vf_attrs *ret)
{
	*ret = (struct vfioadm_vf_attrs){ 0 };
	for (size_t k = 0; k < n; k++)
		if (setting_selects(&v[k], pf, index))
			vfioadm_vf_attrs_merge(ret, &v[k].attrs);
}

int vf_index_on_pf(struct vfioadm_ctx *ctx, const char *pf, const char *bdf)
{
	struct vfioadm_device *d;
	int r = vfioadm_device_read(ctx, pf, VFIOADM_FILL_BASIC, &d);
	if (r < 0)
		return r;
	const struct vfioadm_device_info *p = vfioadm_device_get_info(d);
	r = -ENOENT;
	for (size_t k = 0; k < p->sriov.n_vfs && r < 0; k++)
		if (streq(p->sriov.vfs[k], bdf))
			r = (int)k;
	vfioadm_device_free(d);
	return r;
}

static int bad_request(struct txn *t, int err, const char *fmt, const char *arg)
{
	snprintf(t->o.reason, sizeof(t->o.reason), fmt, arg);
	t->o.provision_failed = t->o.provision_bad = true;
	return err;
}

/* The journal's record of the VF: a release restores the oldest values, so what an earlier
 * bind of the same VF recorded wins over what this one found. */
static void journal_vf(struct txn *t, unsigned index)
{
	struct journal *j = &t->j;
	struct vfioadm_vf_attrs prev = { 0 };
	if (t->has_journal && streq(t->prev.vf_pf, t->i->sriov.pf))
		(void)journal_vf_prev(&t->prev, &prev); /* none recorded: @prev stays empty */
	struct vfioadm_vf_attrs keep = t->vf_before;
	vfioadm_vf_attrs_merge(&keep, &prev);
	if (!keep.set && !t->vf_change.set)
		return;
	strcpy(j->vf_pf, t->i->sriov.pf);
	j->vf_index = index;
	if (vfioadm_vf_attrs_format(&keep, j->vf_prev, sizeof(j->vf_prev)) < 0)
		j->vf_prev[0] = '\0'; /* cannot happen: every attribute fits */
}

int provision_prepare(struct txn *t)
{
	const struct vfioadm_bind_opts *opts = t->opts;
	const struct vfioadm_device_info *i = t->i;
	if (!opts->n_vf)
		return 0;
	if (i->sriov.role != VFIOADM_SRIOV_VF) {
		for (size_t k = 0; k < opts->n_vf; k++)
			if (!opts->vf[k].pf || !opts->vf[k].pf[0])
				return bad_request(t, -EINVAL, "%s is not an SR-IOV VF: only VFs take VF attributes", i->bdf);
		return 0;
	}
	int r = vf_index_on_pf(t->ctx, i->sriov.pf, i->bdf);
	if (r < 0)
		return bad_request(t, r, "cannot tell which VF of %s it is", i->sriov.pf);
	unsigned index = (unsigned)r;
	struct vfioadm_vf_attrs want, have;
	vf_settings_want(opts->vf, opts->n_vf, i->sriov.pf, index, &want);
	t->vf_index = index;
	t->vf_indexed = true;
	if (!want.set)
		return 0;
	char why[256] = "";
	r = vfioadm_vf_attrs_get(t->ctx, i->sriov.pf, index, &have, why, sizeof(why));
	if (r == -ENODEV)
		return bad_request(t, -EOPNOTSUPP, "%s", why);
	if (r < 0 && !t->ctx->dry_run) {
		snprintf(t->o.reason, sizeof(t->o.reason), "reading VF %u of %s: %s", index, i->sriov.pf,
			 why[0] ? why : strerror(-r));
		t->o.provision_failed = true;
		return r;
	}
	if (r < 0)
		have = (struct vfioadm_vf_attrs){ 0 }; /* a dry run that cannot ask: all of it is shown */
	vfioadm_vf_attrs_diff(&want, &have, &t->vf_change, &t->vf_before);
	return t->vf_change.set ? 1 : 0;
}

/* bind_prepare() calls it once the journal is filled in */
void provision_journal(struct txn *t)
{
	if (t->i->sriov.role != VFIOADM_SRIOV_VF)
		return;
	if (t->vf_indexed)
		journal_vf(t, t->vf_index);
	else if (t->has_journal && t->prev.vf_pf[0] && streq(t->prev.vf_pf, t->i->sriov.pf))
		journal_vf(t, t->prev.vf_index);
}

int provision_apply(struct txn *t)
{
	if (!t->vf_change.set)
		return 0;
	char why[256] = "";
	int r = vfioadm_vf_attrs_set(t->ctx, t->j.vf_pf, t->j.vf_index, &t->vf_change, why, sizeof(why));
	if (r < 0) {
		snprintf(t->o.reason, sizeof(t->o.reason), "provisioning VF %u of %s: %s", t->j.vf_index, t->j.vf_pf,
			 why[0] ? why : strerror(-r));
		t->o.provision_failed = true;
		t->o.provision_bad = r == -ENODEV || r == -EOPNOTSUPP;
	}
	return r;
}

void provision_restore(struct txn *t, const struct vfioadm_vf_attrs *a)
{
	if (!a || !a->set || !t->j.vf_pf[0])
		return;
	char why[256] = "";
	int r = vfioadm_vf_attrs_set(t->ctx, t->j.vf_pf, t->j.vf_index, a, why, sizeof(why));
	if (r < 0)
		snprintf(t->o.warning, sizeof(t->o.warning), "VF %u of %s: its attributes could not be put back: %s",
			 t->j.vf_index, t->j.vf_pf, why[0] ? why : strerror(-r));
}

bool journal_vf_prev(const struct journal *j, struct vfioadm_vf_attrs *ret)
{
	char err[128];
	*ret = (struct vfioadm_vf_attrs){ 0 };
	return j->vf_pf[0] && j->vf_prev[0] && vfioadm_vf_attrs_parse(j->vf_prev, ret, err, sizeof(err)) == 0;
}

EXPORT int vfioadm_vf_provision(struct vfioadm_ctx *ctx, const char *pf, unsigned vf, const struct vfioadm_vf_attrs *want,
				struct vfioadm_vf_attrs *before, bool *changed, char *why, size_t size)
{
	struct vfioadm_vf_attrs have, change, was;
	*changed = false;
	int r = vfioadm_vf_attrs_get(ctx, pf, vf, &have, why, size);
	if (r < 0 && !(ctx->dry_run && r == -EROFS))
		return r;
	if (r < 0)
		have = (struct vfioadm_vf_attrs){ 0 };
	vfioadm_vf_attrs_diff(want, &have, &change, &was);
	if (before)
		*before = was;
	if (!change.set)
		return 0;
	if ((r = vfioadm_vf_attrs_set(ctx, pf, vf, &change, why, size)) < 0) {
		char ignored[128];
		/* rtnetlink may have taken its part before devlink refused: put that back */
		if (was.set & VFIOADM_VF_RTNL_ATTRS) {
			was.set &= VFIOADM_VF_RTNL_ATTRS;
			(void)vfioadm_vf_attrs_set(ctx, pf, vf, &was, ignored, sizeof(ignored));
		}
		return r;
	}
	*changed = !ctx->dry_run;
	return 0;
}
