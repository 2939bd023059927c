/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target for every parser of untrusted text: BDFs (command line), modaliases
 * (sysfs), driver links and kernel releases (sysfs, /proc), vfio_pci: alias patterns
 * (modules.alias, modprobe.d), class names, driver names,
 * VF attribute specs (sriov --set, [vf] keys, the journal's vf_prev),
 * the journal a later run trusts to restore a device, the configuration file, and what doctor
 * reads: the kernel command line, vfio-pci ids= lists, config-space capability chains, sizes.
 * Checks invariants, not just absence of crashes: an accepted BDF normalises to a fixed point,
 * an accepted modalias re-formats to itself, a pattern's counts stay in range.
 */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	char bdf[VFIOADM_BDF_MAX], again[VFIOADM_BDF_MAX];
	if (vfioadm_bdf_normalize(s, bdf) == 0) {
		assert(vfioadm_bdf_normalize(bdf, again) == 0);
		assert(strcmp(bdf, again) == 0);
	}

	char drv[VFIOADM_NAME_MAX];
	if (driver_link_name(s, drv, sizeof(drv)) >= 0) {
		assert(strchr(drv, '/') == NULL && drv[0] && strcmp(drv, "..") != 0);
		assert(strstr(s, "drivers/") != NULL && s[0] != '/');
	}
	if (kernel_release_valid(s))
		assert(strchr(s, '/') == NULL && strcmp(s, "..") != 0 && s[0]);

	struct vfioadm_modalias m;
	if (vfioadm_modalias_parse(s, &m) == 0) {
		char out[VFIOADM_MODALIAS_MAX];
		snprintf(out, sizeof(out), "pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X", m.vendor,
			 m.device, m.subvendor, m.subdevice, m.base_class, m.sub_class, m.prog_if);
		assert(strcmp(out, s) == 0);
	}

	int w, d;
	if (alias_pattern_score(s, &w, &d) == 0)
		assert(w >= 0 && w <= 7 && d >= 0 && (size_t)d <= size);

	int c = vfioadm_class_from_short_name(s);
	assert(c == -EINVAL || (c >= 0 && c <= 0xff));
	if (vfioadm_driver_name_valid(s))
		assert(!strchr(s, '/') && !strchr(s, '\n') && strlen(s) < VFIOADM_NAME_MAX);
	struct vfioadm_vf_attrs va, vb;
	char verr[256], vtext[512], vtext2[512];
	if (vfioadm_vf_attrs_parse(s, &va, verr, sizeof(verr)) == 0) {
		/* what the journal records for a release parses back to the same attributes */
		assert(vfioadm_vf_attrs_format(&va, vtext, sizeof(vtext)) >= 0);
		assert(vfioadm_vf_attrs_parse(vtext, &vb, verr, sizeof(verr)) == 0);
		assert(vfioadm_vf_attrs_format(&vb, vtext2, sizeof(vtext2)) >= 0 && strcmp(vtext, vtext2) == 0);
		assert(vfioadm_vf_attrs_equal(&va, &vb) && vfioadm_vf_attrs_equal(&vb, &va));
		assert(!(va.set & ~(VFIOADM_VF_RTNL_ATTRS | VFIOADM_VF_DEVLINK_ATTRS)) && va.vlan <= 4095 && va.qos <= 7);
	}
	struct journal j;
	if (journal_parse(s, &j) == 0) {
		char norm[VFIOADM_BDF_MAX];
		assert(vfioadm_bdf_normalize(j.bdf, norm) == 0 && strcmp(norm, j.bdf) == 0);
		assert(vfioadm_driver_name_valid(j.target));
		assert(!*j.orig_driver || vfioadm_driver_name_valid(j.orig_driver));
		assert(!strcmp(j.state, "binding") || !strcmp(j.state, "bound") || !strcmp(j.state, "releasing"));
		assert(!j.reprobe || strstr(s, "reprobe=1"));
		struct vfioadm_vf_attrs prev;
		assert(j.vf_index <= 65535);
		assert(!j.vf_pf[0] || (vfioadm_bdf_normalize(j.vf_pf, norm) == 0 && strcmp(norm, j.vf_pf) == 0));
		assert(!j.vf_prev[0] || vfioadm_vf_attrs_parse(j.vf_prev, &prev, verr, sizeof(verr)) == 0);
	}
	char val[64];
	const char *cv = cmdline_param(s, "vfio_pci.ids", val, sizeof(val));
	assert(!cv || strlen(cv) < sizeof(val));
	struct vfioadm_modalias any = { .vendor = 0x8086, .device = 0x10d3 };
	(void)vfio_ids_match(s, &any);
	unsigned off = pci_ext_cap_find(data, size, 0x0d);
	assert(off == 0 || (off >= 0x100 && off + 4 <= size && data[off] == 0x0d));
	uint64_t bytes;
	if (vfioadm_size_parse(s, &bytes) == 0)
		assert(s[0] >= '0' && s[0] <= '9');

	struct vfioadm_config *cfg;
	struct vfioadm_config_error err;
	if (config_parse_text(s, size, &cfg, &err) == 0) {
		for (size_t i = 0; i < cfg->n_devices; i++) {
			const struct vfioadm_cfg_device *e = &cfg->devices[i];
			assert(vfioadm_driver_name_valid(e->driver));
			assert(!e->vf.set || (e->kind == VFIOADM_SEL_VF && e->vf.vlan <= 4095 && e->vf.qos <= 7));
		}
		for (size_t i = 0; i < cfg->n_mdevs; i++)
			assert(vfioadm_uuid_valid(cfg->mdevs[i].uuid));
		vfioadm_config_free(cfg);
	} else {
		assert(err.line > 0 || err.message[0]);
	}
	free(s);
	return 0;
}
