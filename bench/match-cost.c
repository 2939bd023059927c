/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Per-device cost of choosing the VFIO driver, two ways, over every device of a tree:
 *  - libvfioadm: vfioadm_match() (one libkmod context, rankings cached per modalias);
 *  - a full-text scan of modules.alias per device with fnmatch (what libvirt does).
 * Usage: match-cost ROOT [NAIVE_SAMPLE]   (the scan is timed on a sample and extrapolated)
 */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vfioadm/vfioadm.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int naive_scan(const char *alias_file, const char *modalias)
{
	char key[128], line[512];
	snprintf(key, sizeof(key), "vfio_%s", modalias);
	FILE *f = fopen(alias_file, "r");
	if (!f)
		return -1;
	int n = 0;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "alias vfio_pci:", 15) != 0)
			continue;
		char *pat = line + 6, *sp = strchr(pat, ' ');
		if (!sp)
			continue;
		*sp = '\0';
		n += fnmatch(pat, key, 0) == 0;
	}
	fclose(f);
	return n;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	size_t sample = argc > 2 ? strtoul(argv[2], NULL, 10) : 200;
	struct vfioadm_ctx *ctx;
	if (vfioadm_new(argv[1], &ctx) < 0)
		return 1;
	int n = vfioadm_scan(ctx, VFIOADM_FILL_BASIC);
	if (n <= 0)
		return 1;
	char **mods = calloc((size_t)n, sizeof(*mods));
	struct vfioadm_device *dev;
	int i = 0;
	vfioadm_for_each_device(dev, ctx)
		mods[i++] = strdup(vfioadm_device_get_info(dev)->modalias);

	double t0 = now();
	int variants = 0;
	for (i = 0; i < n; i++) {
		struct vfioadm_match *m;
		if (vfioadm_match(ctx, mods[i], NULL, &m) == 0) {
			variants += strcmp(m->module, "vfio_pci") != 0;
			vfioadm_match_free(m);
		}
	}
	double t_lib = now() - t0;

	char alias_file[4096];
	snprintf(alias_file, sizeof(alias_file), "%s/lib/modules/%s/modules.alias", argv[1],
		 vfioadm_kernel_release(ctx));
	if (sample > (size_t)n)
		sample = (size_t)n;
	t0 = now();
	for (size_t k = 0; k < sample; k++)
		naive_scan(alias_file, mods[k * ((size_t)n / sample)]);
	double t_naive = (now() - t0) / (double)sample;

	printf("devices %d (variant chosen for %d)\n", n, variants);
	printf("libvfioadm match: %.2f us/device amortised (total %.1f ms, incl. libkmod setup)\n",
	       t_lib * 1e6 / n, t_lib * 1e3);
	printf("modules.alias full scan: %.1f us/device (sampled over %zu devices)\n", t_naive * 1e6, sample);
	printf("ratio: %.0fx\n", t_naive / (t_lib / n));
	for (i = 0; i < n; i++)
		free(mods[i]);
	free(mods);
	vfioadm_unref(ctx);
	return 0;
}
