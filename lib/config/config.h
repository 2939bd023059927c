/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The configuration layer (lib/config/): the declarative configuration, its plan and apply.
 * The top of libvfioadm: it may call every layer below.
 */
#pragma once

#include "cap/cap.h"

/* config/config.c: parse one file's text (the fuzzer's entry) */
int config_parse_text(const char *text, size_t len, struct vfioadm_config **ret,
		      struct vfioadm_config_error *err);

/* config/cdi-file.c: a JSON value as YAML text (malloc()ed; NULL: out of memory) */
struct json_object;
char *yaml_from_json(struct json_object *obj);

/* config/doctor*.c: one run of vfioadm_doctor() */
struct doctor {
	struct vfioadm_ctx *ctx;
	const struct vfioadm_doctor_opts *opts;
	struct vfioadm_findings *f;
	char cmdline[4096];          /* /proc/cmdline */
	const char *table;           /* the firmware's IOMMU table ("DMAR"…), NULL: none */
	int n_units, n_groups;       /* /sys/class/iommu, /sys/kernel/iommu_groups */
	char units[96];              /* the first IOMMU units' names */
	int trial_rc;                /* trial_free_group(): 1 not yet, else vfioadm_try_group()'s */
	struct vfioadm_trial trial;
	char trial_words[160];       /* the trial, as evidence */
	struct vfioadm_config *cfg;  /* loaded on first use (doctor-boot.c) */
	bool cfg_failed;
};
int finding(struct doctor *d, enum vfioadm_verdict v, const char *id, const char *evidence,
	    const char *fix, const char *what, ...) _printf_(6, 7);
int doctor_read(struct doctor *d, const char *path, char *buf, size_t size);
int dir_count_fn(void *data, const char *name);
/* doctor-host.c */
int trial_free_group(struct doctor *d);
int noiommu_groups(struct doctor *d);
int check_iommu_domains(struct doctor *d);
/* doctor-groups.c */
int check_groups(struct doctor *d);
int check_acs_override(struct doctor *d);
/* doctor-boot.c */
int check_boot_cmdline(struct doctor *d);
int check_boot_units(struct doctor *d);
int check_initramfs(struct doctor *d);
int check_consumer(struct doctor *d);
