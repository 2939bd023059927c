/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * doctor: what the kernel shows of interrupt remapping, noiommu groups and default domains,
 * and the trial attach of one free VFIO group (the kernel's own answer to "would a VMM get
 * this group?").
 */
#include <fcntl.h>

#include "config/config.h"

struct group_walk {
	struct doctor *d;
	int noiommu;
	int free_group; /* a group on VFIO nobody holds, -1: none */
	char types[8][24];
	int type_n[8], other;
};

static int vfio_node_fn(void *data, const char *name)
{
	struct group_walk *w = data;
	if (!strncmp(name, "noiommu-", 8))
		w->noiommu++;
	return 0;
}

int noiommu_groups(struct doctor *d)
{
	struct group_walk w = { .d = d };
	_cleanup_close_ int fd = root_open(d->ctx, "/dev/vfio", O_RDONLY | O_DIRECTORY);
	if (fd >= 0)
		dir_each(fd, vfio_node_fn, &w);
	return w.noiommu;
}

static int free_group_fn(void *data, const char *name)
{
	struct group_walk *w = data;
	char node[VFIOADM_PATH_MAX], *end;
	long g = strtol(name, &end, 10);
	if (*end || g < 0 || g > 1000000)
		return 0;
	snprintf(node, sizeof(node), "/dev/vfio/%ld", g);
	if (!root_exists(w->d->ctx, node))
		return 0;
	struct vfioadm_report *r = NULL;
	if (vfioadm_check_group(w->d->ctx, (int)g, 0, &r) >= 0 && vfioadm_report_viable(r)) {
		w->free_group = (int)g;
		vfioadm_report_free(r);
		return 1; /* found one: stop */
	}
	vfioadm_report_free(r);
	return 0;
}

/* Try the first viable, unheld group on VFIO (once per run). Returns vfioadm_try_group()'s
 * result; t->err is the kernel's answer. d->trial_words says what happened. */
int trial_free_group(struct doctor *d)
{
	if (d->trial_rc != 1)
		return d->trial_rc;
	if (d->opts->no_trial) {
		snprintf(d->trial_words, sizeof(d->trial_words), "no trial attach (--no-trial)");
		return d->trial_rc = -ECANCELED;
	}
	struct group_walk w = { .d = d, .free_group = -1 };
	_cleanup_close_ int fd = root_open(d->ctx, "/sys/kernel/iommu_groups", O_RDONLY | O_DIRECTORY);
	if (fd >= 0)
		dir_each(fd, free_group_fn, &w);
	if (w.free_group < 0) {
		snprintf(d->trial_words, sizeof(d->trial_words),
			 "no trial attach (no free group on a VFIO driver: bind a device to let the kernel answer)");
		return d->trial_rc = -ENOENT;
	}
	d->trial_rc = vfioadm_try_group(d->ctx, w.free_group, &d->trial);
	if (d->trial_rc < 0)
		snprintf(d->trial_words, sizeof(d->trial_words), "no trial attach of group %d (%s)",
			 w.free_group, d->trial_rc == -EOPNOTSUPP ? "a --root tree" : strerror(-d->trial_rc));
	else if (d->trial.err)
		snprintf(d->trial_words, sizeof(d->trial_words), "trial attach of group %d: refused at %s (%s)",
			 w.free_group, d->trial.step, strerror(d->trial.err));
	else
		snprintf(d->trial_words, sizeof(d->trial_words), "trial attach of group %d: accepted", w.free_group);
	return d->trial_rc;
}

static int domain_fn(void *data, const char *name)
{
	struct group_walk *w = data;
	char path[96], type[24];
	snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%.32s/type", name);
	if (doctor_read(w->d, path, type, sizeof(type)) <= 0)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(w->types); i++) {
		if (!w->types[i][0])
			snprintf(w->types[i], sizeof(w->types[i]), "%s", type);
		if (streq(w->types[i], type)) {
			w->type_n[i]++;
			return 0;
		}
	}
	w->other++;
	return 0;
}

/* The default domain type of each group: DMA (translated), DMA-FQ (lazy), identity
 * (iommu=pt: the host's own DMA is not translated). VFIO replaces either while it owns a
 * group, so this is information, not a verdict. */
int check_iommu_domains(struct doctor *d)
{
	if (!d->n_groups)
		return 0;
	struct group_walk w = { .d = d };
	_cleanup_close_ int fd = root_open(d->ctx, "/sys/kernel/iommu_groups", O_RDONLY | O_DIRECTORY);
	if (fd >= 0)
		dir_each(fd, domain_fn, &w);
	char counts[160] = "";
	for (size_t i = 0; i < ARRAY_SIZE(w.types) && w.types[i][0]; i++)
		snprintf(counts + strlen(counts), sizeof(counts) - strlen(counts), "%s%d %s", i ? ", " : "",
			 w.type_n[i], w.types[i]);
	if (!counts[0])
		return 0; /* kernels before 5.11 do not say */
	char ev[224];
	snprintf(ev, sizeof(ev), "/sys/kernel/iommu_groups/*/type: %s", counts);
	return finding(d, VFIOADM_PASS, "iommu.domains", ev, NULL,
		       "default DMA domains: %s (VFIO gives a group its own domain while it owns it)", counts);
}
