/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Blocker reports: what stands in the way of an operation, one entry per reason. */

#include "model/model.h"

EXPORT struct vfioadm_report *vfioadm_report_free(struct vfioadm_report *r)
{
	if (r)
		free(r->v);
	free(r);
	return NULL;
}

EXPORT bool vfioadm_blocker_is_warning(enum vfioadm_blocker_kind kind)
{
	return kind == VFIOADM_BLOCK_NOIOMMU_MODE || kind == VFIOADM_BLOCK_NO_RESET ||
	       kind == VFIOADM_BLOCK_BUS_RESET;
}

EXPORT bool vfioadm_report_viable(const struct vfioadm_report *r)
{
	for (size_t i = 0; r && i < r->n; i++)
		if (!vfioadm_blocker_is_warning(r->v[i].kind))
			return false;
	return true;
}

int report_add(struct vfioadm_report *r, enum vfioadm_blocker_kind kind, const char *subject,
	       const char *detail, int pid, bool forceable)
{
	struct vfioadm_blocker *v = reallocarray(r->v, r->n + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	r->v = v;
	v += r->n++;
	memset(v, 0, sizeof(*v));
	v->kind = kind;
	v->pid = pid;
	v->forceable = forceable;
	snprintf(v->subject, sizeof(v->subject), "%s", subject ? subject : "");
	snprintf(v->detail, sizeof(v->detail), "%s", detail ? detail : "");
	return 0;
}
