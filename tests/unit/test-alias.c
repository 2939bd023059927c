/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of alias pattern scoring and candidate order (lib/choice/alias.c pure helpers). */
#include <stdlib.h>

#include "config/config.h"
#include "tap.h"

static void score(const char *pattern, int want_wild, int want_digits)
{
	int w = -1, d = -1;
	is_int(alias_pattern_score(pattern, &w, &d), 0, "'%s' scores", pattern);
	is_int(w, want_wild, "'%s' wildcards", pattern);
	is_int(d, want_digits, "'%s' literal digits", pattern);
}

static void test_score(void)
{
	score("vfio_pci:v*d*sv*sd*bc*sc*i*", 7, 0);
	score("vfio_pci:v000015B3d0000101Esv*sd*bc*sc*i*", 5, 16);
	score("vfio_pci:v000010DEd*sv*sd*bc03sc02i*", 4, 12);
	score("vfio_pci:v00008086d00004941sv*sd*bc0Bsc40i00*", 2, 22);  /* modpost's i00* */
	score("vfio_pci:v00001234d000011E8sv00001AF4sd00001100bc00scFFi00", 0, 38);
	score("vfio_pci:*", 7, 0);                                        /* a pin's shorthand */
	score("vfio_pci:v00001AF4*", 6, 8);
	int w, d;
	is_int(alias_pattern_score("pci:v*d*sv*sd*bc*sc*i*", &w, &d), -EINVAL, "non-vfio pattern rejected");
	is_int(alias_pattern_score("vfio_pci:v*d*sv*sd*bc*sc*i*x*y", &w, &d), -EINVAL, "trailing junk rejected");
}

static struct vfioadm_candidate cand(const char *m, int w, int d, int line)
{
	struct vfioadm_candidate c = { .wildcards = w, .literal_digits = d, .line = line };
	strscpy(c.module, sizeof(c.module), m);
	return c;
}

static void test_order(void)
{
	struct vfioadm_candidate v[] = {
		cand("vfio_pci", 7, 0, 100),
		cand("virtio_vfio_pci", 5, 16, 300),
		cand("class_vfio_pci", 4, 12, 400),
		cand("tie_vfio_pci", 5, 16, 200),
		cand("builtin_vfio_pci", 5, 16, 0),
		cand("partial", 5, 12, 50),
	};
	qsort(v, sizeof(v) / sizeof(v[0]), sizeof(v[0]), candidate_cmp);
	const char *want[] = { "class_vfio_pci", "tie_vfio_pci", "virtio_vfio_pci", "builtin_vfio_pci",
			       "partial", "vfio_pci" };
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		is_str(v[i].module, want[i], "rank %zu", i);
}

static void test_modes(void)
{
	struct vfioadm_match_opts m = vfioadm_match_opts_for_mode("auto");
	ok(!m.generic && !m.driver, "auto: choose");
	m = vfioadm_match_opts_for_mode("vfio");
	ok(m.generic && !m.driver, "vfio: generic");
	m = vfioadm_match_opts_for_mode("xe-vfio-pci");
	ok(!m.generic && m.driver && streq(m.driver, "xe-vfio-pci"), "a name: that driver");
	m = vfioadm_match_opts_for_mode("");
	ok(!m.generic && !m.driver, "empty: choose");
}

static void test_names(void)
{
	ok(vfioadm_driver_name_valid("vfio-pci"), "vfio-pci is a driver name");
	ok(vfioadm_driver_name_valid("xe_vfio_pci"), "xe_vfio_pci is a module name");
	const char *bad[] = { "", "a/b", "..", ".", "vfio-pci\n", "x y", "a\\b",
			      "0123456789012345678901234567890123456789012345678901234567890123" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(!vfioadm_driver_name_valid(bad[i]), "bad driver name %zu refused", i);
	ok(!vfioadm_driver_name_valid(NULL), "NULL driver name refused");
}

int main(void)
{
	test_score();
	test_order();
	test_modes();
	test_names();
	return tap_done();
}
