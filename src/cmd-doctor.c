/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vfioadm doctor: can this host assign devices through VFIO, and what stops it. */
#include <getopt.h>

#include "cli.h"

static const char *const doctor_usage[] = {
	"Usage: vfioadm doctor [--json] [--no-trial] [--user NAME [--guest-memory SIZE]]",
	"",
	"Everything that decides whether device assignment works on this host, one finding a",
	"line (PASS, WARN, FAIL) with what was read and what to do: the IOMMU in the firmware",
	"and the kernel, interrupt remapping, noiommu mode, VFIO's modules and nodes, groups",
	"that hold several devices (and the bridge without ACS that merges them), what claims",
	"devices at boot behind the configuration's back, the boot units, the initramfs.",
	"",
	"  --user NAME          also check what that user's VMM needs: the VFIO nodes it must",
	"                       open, and its memlock limit (VFIO pins all guest RAM)",
	"  --guest-memory SIZE  the RAM of that user's VM (4G, 512M…), compared with the limit",
	"  --no-trial           read only: do not let the kernel try attaching a free VFIO group",
	"  --json               the findings as a JSON array",
	"",
	"Exit 0 when nothing FAILs (warnings allowed), 1 when something does, 2 on bad input.",
	NULL,
};

static const char *const verdict_names[] = {
	[VFIOADM_PASS] = "PASS", [VFIOADM_WARN] = "WARN", [VFIOADM_FAIL] = "FAIL",
};

static void print_findings(const struct vfioadm_findings *f)
{
	for (size_t i = 0; i < f->n; i++) {
		const struct vfioadm_finding *x = &f->v[i];
		/* evidence quotes host files (the command line, limits.conf): escaped */
		cli_printf_escaped(stdout, "%s %-19s %s", verdict_names[x->verdict], x->id, x->what);
		cli_printf_escaped(stdout, "     read: %s", x->evidence);
		if (x->fix[0] && x->verdict != VFIOADM_PASS)
			cli_printf_escaped(stdout, "     fix:  %s", x->fix);
	}
}

static void json_findings(const struct vfioadm_findings *f)
{
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < f->n; i++) {
		const struct vfioadm_finding *x = &f->v[i];
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_string(x->id));
		json_object_object_add(o, "verdict", json_object_new_string(verdict_names[x->verdict]));
		json_object_object_add(o, "finding", json_object_new_string(x->what));
		json_object_object_add(o, "evidence", json_object_new_string(x->evidence));
		json_object_object_add(o, "fix", x->fix[0] ? json_object_new_string(x->fix) : NULL);
		json_object_array_add(a, o);
	}
	json_print(a);
}

static int run_doctor(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "no-trial", no_argument, NULL, 'n' },
		{ "user", required_argument, NULL, 'u' },
		{ "guest-memory", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct vfioadm_doctor_opts o = { 0 };
	bool json = false;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'n': o.no_trial = true; break;
		case 'u':
			if (!*optarg || strlen(optarg) > 32 || strchr(optarg, '/') || strchr(optarg, ':'))
				return cli_usage_error("doctor", "'%s' is not a user name", optarg);
			o.user = optarg;
			break;
		case 'm':
			if (vfioadm_size_parse(optarg, &o.guest_memory) < 0 || !o.guest_memory)
				return cli_usage_error("doctor", "'%s' is not a memory size (like 4G, 512M or 1048576K)", optarg);
			break;
		case 'h': cli_print_usage(doctor_usage); return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_usage_error("doctor", "unexpected argument '%s'", argv[optind]);
	if (o.guest_memory && !o.user)
		return cli_usage_error("doctor", "--guest-memory needs --user (whose memlock limit it is compared with)");
	struct vfioadm_findings *f = NULL;
	int r = vfioadm_doctor(cli->ctx, &o, &f);
	if (r == -ESRCH) {
		cli_error("doctor: no user '%s' in /etc/passwd", o.user);
		return EXIT_USAGE;
	}
	if (r < 0) {
		cli_error("doctor: %s", cli_strerror(r));
		return EXIT_FAILED;
	}
	if (json)
		json_findings(f);
	else
		print_findings(f);
	int code = EXIT_OK;
	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].verdict == VFIOADM_FAIL)
			code = EXIT_FAILED;
	vfioadm_findings_free(f);
	return code;
}

const struct cli_command cmd_doctor = { "doctor", run_doctor, "say whether this host can assign devices, and what stops it", false };
