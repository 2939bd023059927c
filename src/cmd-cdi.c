/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vfioadm cdi: CDI specs for container runtimes, and keeping the configured one current. */
#include <getopt.h>

#include "cli.h"

static const char *const cdi_usage[] = {
	"Usage: vfioadm cdi [--output DIR] [--yaml] [--kind VENDOR/CLASS] [--annotations] [--dry-run]",
	"",
	"The Container Device Interface spec of what is usable through VFIO now, for podman,",
	"containerd, CRI-O and Kubernetes DRA drivers: one device per function on a VFIO driver",
	"in a viable IOMMU group, named by its address with '-' for ':' (0000-02-00.0), and one",
	"per group (group-12). Request one as " VFIOADM_CDI_KIND "=0000-02-00.0.",
	"",
	"  --output DIR     write DIR/VENDOR-CLASS.json (or .yaml) atomically, or remove it when",
	"                   no device is usable; DIR (/run/cdi, /etc/cdi) must be root's alone.",
	"                   Without it the spec goes to stdout.",
	"  --yaml           YAML instead of JSON",
	"  --kind K         the CDI kind (default " VFIOADM_CDI_KIND ")",
	"  --annotations    BDF, driver, group, NUMA node and ids per device (cdiVersion 0.6.0:",
	"                   runtimes on CDI < 0.6, such as podman 4.3, refuse such a spec)",
	"  --dry-run        say what would be written",
	"",
	"With [cdi] output = DIR in vfioadm.conf(5), bind, unbind, sriov, mdev and apply rewrite",
	"the spec after every change.",
	NULL,
};

static int cdi_error(const char *dir, int r)
{
	if (r == -EPERM)
		cli_error("%s: not a directory only root may write (a link, another owner, or group/other "
			  "write): refusing to write a spec there (chown root, chmod go-w)", dir);
	else if (r == -ENOENT)
		cli_error("%s: no such directory (mkdir -m 0755 %s)", dir, dir);
	else
		cli_error("%s: cannot write the CDI spec: %s", dir, cli_strerror(r));
	return r == -EPERM ? EXIT_REFUSED : EXIT_FAILED;
}

static int write_spec(struct cli *cli, const struct vfioadm_cdi_opts *o, const char *dir, bool dry_run)
{
	char path[4096];
	size_t n = 0;
	int r = vfioadm_cdi_write(cli->ctx, o, dir, path, sizeof(path), &n);
	if (r < 0)
		return cdi_error(dir, r);
	cli_printf_escaped(stdout, "%s%s %s: %zu device%s", dry_run ? "would " : "",
			   n ? (dry_run ? "write" : "wrote") : (dry_run ? "remove" : "removed"),
			   path, n, n == 1 ? "" : "s");
	return EXIT_OK;
}

static int run_cdi(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "yaml", no_argument, NULL, 'y' },
		{ "json", no_argument, NULL, 'J' },
		{ "kind", required_argument, NULL, 'k' },
		{ "annotations", no_argument, NULL, 'a' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct vfioadm_cdi_opts o = { 0 };
	const char *dir = NULL;
	bool dry_run = false;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'o': dir = optarg; break;
		case 'y': o.yaml = true; break;
		case 'J': o.yaml = false; break;
		case 'k':
			if (!vfioadm_cdi_kind_valid(optarg))
				return cli_usage_error("cdi", "'%s' is not a CDI kind: VENDOR/CLASS, e.g. %s",
						       optarg, VFIOADM_CDI_KIND);
			o.kind = optarg;
			break;
		case 'a': o.annotations = true; break;
		case 'n': dry_run = true; break;
		case 'h': cli_print_usage(cdi_usage); return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_usage_error("cdi", "unexpected argument '%s'", argv[optind]);
	if (dir && dir[0] != '/')
		return cli_usage_error("cdi", "--output: expected an absolute directory, got '%s'", dir);
	if (dir) {
		int code = cli_need_root(cli, "cdi", dry_run);
		if (code != EXIT_OK)
			return code;
		vfioadm_set_dry_run(cli->ctx, dry_run);
		return write_spec(cli, &o, dir, dry_run);
	}
	char *text = NULL;
	size_t n;
	int r = vfioadm_cdi_spec(cli->ctx, &o, &text, &n);
	if (r < 0) {
		cli_error("cannot build the CDI spec: %s", cli_strerror(r));
		return EXIT_FAILED;
	}
	fputs(text, stdout);
	if (!o.yaml)
		fputc('\n', stdout);
	free(text);
	return EXIT_OK;
}

/* After a command that may have moved devices on or off VFIO: the configured spec follows. */
void cli_cdi_refresh(struct cli *cli)
{
	if (geteuid() != 0 || !streq(vfioadm_get_root(cli->ctx), "/"))
		return;
	struct vfioadm_config *cfg = NULL;
	struct vfioadm_config_error err;
	if (vfioadm_config_load(cli->ctx, &cfg, &err) < 0 || !cfg->cdi.output[0]) {
		vfioadm_config_free(cfg);
		return; /* a configuration that does not load is reported by the commands that use it */
	}
	struct vfioadm_cdi_opts o = { cfg->cdi.kind[0] ? cfg->cdi.kind : NULL, cfg->cdi.annotations,
				      cfg->cdi.yaml };
	char path[4096];
	size_t n;
	int r = vfioadm_cdi_write(cli->ctx, &o, cfg->cdi.output, path, sizeof(path), &n);
	if (r < 0)
		cli_warn("the CDI spec in %s (%s) was not updated: %s; run 'vfioadm cdi --output %s'",
			 cfg->cdi.output, cfg->cdi.file, r == -EPERM ? "the directory is not root's alone"
			 : cli_strerror(r), cfg->cdi.output);
	vfioadm_config_free(cfg);
}

const struct cli_command cmd_cdi = { "cdi", run_cdi, "CDI specs of the VFIO devices, for container runtimes", false };
