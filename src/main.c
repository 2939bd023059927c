/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vfioadm: the command table and the setup every command shares (global options, the
 * library context, the log callback), in the style of git.c and kmod's tools/kmod.c.
 */
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>

#include "cli.h"

static const struct cli_command *const commands[] = {
	&cmd_list,
	&cmd_show,
	&cmd_match,
	&cmd_bind,
	&cmd_unbind,
	&cmd_check,
	&cmd_doctor,
	&cmd_sriov,
	&cmd_vf,
	&cmd_mdev,
	&cmd_probe,
	&cmd_plan,
	&cmd_apply,
	&cmd_config,
	&cmd_cdi,
	&cmd_udev_helper,
};

static const char *const main_usage[] = {
	"Usage: vfioadm [--root DIR] [-v] COMMAND [ARGS]",
	"",
	"Administer VFIO device assignment on this host.",
	"",
	"Global options:",
	"  --root DIR     resolve /sys, /dev, /proc, /lib/modules, /etc, /run under DIR",
	"                 (also: VFIOADM_ROOT); used to inspect a captured tree",
	"  -v, --verbose  print the library's debug messages",
	"  -h, --help     this text;  --version  the version",
	"",
	"Exit status: 0 ok, 1 failed (rolled back), 2 bad input, 3 refused.",
	"",
	"Commands:",
	NULL,
};

void cli_print_usage(const char *const *lines)
{
	for (; *lines; lines++)
		puts(*lines);
}

static void vmsg(const char *level, const char *fmt, va_list ap)
{
	char msg[2048];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	fprintf(stderr, "vfioadm: %s", level);
	cli_fputs_escaped(msg, stderr);
	fputc('\n', stderr);
}

const char *cli_strerror(int r)
{
	if (r == -EXDEV)
		return "the path leaves the --root tree (a link points outside it)";
	return strerror(r < 0 ? -r : r);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap);
	va_end(ap);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char msg[2048];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	fprintf(stderr, "vfioadm %s: ", cmd);
	cli_fputs_escaped(msg, stderr);
	fprintf(stderr, " (see 'vfioadm %s --help')\n", cmd);
	va_end(ap);
	return EXIT_USAGE;
}

int cli_exit_code(int err)
{
	switch (-err) {
	case 0:
		return EXIT_OK;
	case EINVAL:
		return EXIT_USAGE;
	case EBUSY:
	case EPERM:
		return EXIT_REFUSED;
	default:
		return EXIT_FAILED;
	}
}

int cli_parse_bdf(const char *cmd, const char *arg, char out[VFIOADM_BDF_MAX])
{
	if (vfioadm_bdf_normalize(arg, out) == 0)
		return 0;
	return cli_usage_error(cmd, "'%s' is not a PCI address: use DDDD:BB:DD.F (0000:01:00.0) "
			       "or BB:DD.F (01:00.0)", arg);
}

int cli_json_one_arg(const char *cmd, const char *const *usage, const char *what, int argc,
		     char **argv, bool *json, const char **arg)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int c;
	*json = false;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': *json = true; break;
		case 'h': cli_print_usage(usage); *arg = NULL; return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (argc - optind != 1)
		return cli_usage_error(cmd, "expected exactly one %s", what);
	*arg = argv[optind];
	return EXIT_OK;
}

int cli_parse_timeout(const char *cmd, const char *arg, int *ms)
{
	char *end;
	double s = strtod(arg, &end);
	if (end == arg || *end || s <= 0 || s > 3600)
		return cli_usage_error(cmd, "--timeout takes seconds, 0 < SEC <= 3600");
	*ms = (int)(s * 1000);
	return EXIT_OK;
}

/* After the configuration changed or was applied: will it hold after a reboot? Only systemd
 * hosts can be told; elsewhere the admin's init is whatever it is. */
void cli_warn_boot_units(struct cli *cli)
{
	unsigned on;
	if (cli->boot_units_checked || !streq(vfioadm_get_root(cli->ctx), "/"))
		return;
	cli->boot_units_checked = true;
	if (vfioadm_boot_units(cli->ctx, &on) < 0)
		return;
	if (!(on & VFIOADM_BOOT_APPLY))
		cli_warn("vfioadm-apply.service is not enabled: nothing binds the configured devices at boot "
			 "(" ENABLE_BOOT_UNITS ")");
	else if (!(on & VFIOADM_BOOT_CLAIM))
		cli_warn("vfioadm-claim.service is not enabled: host drivers take the configured devices at "
			 "boot before vfioadm-apply.service moves them (systemctl enable vfioadm-claim.service)");
}

/* What an interrupted run left, finished by this one before its own work. */
static void recovered(void *data _unused_, size_t index _unused_, int r, struct vfioadm_outcome *o)
{
	const char *what = o->rolled_back ? "an interrupted bind was rolled back" : "an interrupted release was finished";
	if (r == 0 && o->reason[0])
		cli_warn("%s: an interrupted run's journal was removed: %s", o->bdf, o->reason);
	else if (r == 0)
		cli_warn("%s: %s: on %s now (driver_override as before)", o->bdf, what, o->driver[0] ? o->driver : "no driver");
	else if (r == -EBUSY)
		cli_warn("%s: an interrupted release waits: a VFIO user still has the device open", o->bdf);
	else
		cli_warn("%s: could not finish what an interrupted run left: %s%s%s ('vfioadm check %s')", o->bdf,
			 cli_strerror(r), o->reason[0] ? "; kernel: " : "", o->reason, o->bdf);
	vfioadm_outcome_done(o);
}

/* SIGINT/SIGTERM once devices are being changed: the transactions under way finish (or roll
 * back) as usual, no new one starts, and the run ends with 128 + the signal's number. Dying
 * at once would be what the journal recovers from; finishing is better. */
static struct vfioadm_ctx *stop_ctx;
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
	if (stop_ctx)
		vfioadm_request_stop(stop_ctx);
}

static void catch_stop_signals(struct cli *cli)
{
	struct sigaction sa = { .sa_handler = on_stop_signal, .sa_flags = SA_RESTART };
	sigemptyset(&sa.sa_mask);
	stop_ctx = cli->ctx;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

bool cli_stopped(void)
{
	return stop_signal != 0;
}

int cli_need_root(struct cli *cli, const char *cmd, bool dry_run)
{
	if (dry_run || geteuid() == 0 || !streq(vfioadm_get_root(cli->ctx), "/"))
		return EXIT_OK; /* a dry run only reads; under --root nothing is ever written */
	cli_error("'vfioadm %s' changes the host and needs root (sudo vfioadm %s …); nothing was attempted%s",
		  cmd, cmd, streq(cmd, "config") ? "" : " (--dry-run shows the plan)");
	return EXIT_REFUSED;
}

int cli_lock(struct cli *cli, int timeout_ms)
{
	int holder = 0;
	if (geteuid() != 0)
		return EXIT_OK; /* past cli_need_root(): a dry run, which writes nothing to race on */
	catch_stop_signals(cli);
	int r = vfioadm_lock(cli->ctx, timeout_ms, &holder);
	if (r == 0) {
		/* holding the lock, no other run is in flight: a journal still in flight is a dead run's */
		(void)vfioadm_recover(cli->ctx, recovered, cli);
		return EXIT_OK;
	}
	if (r == -ETIMEDOUT)
		cli_error("another vfioadm run (pid %d) is changing devices; waited %d s (--timeout)",
			  holder, timeout_ms / 1000);
	else /* never go on without it: runs at boot, from udev and by hand must not overlap */
		cli_error("cannot take vfioadm's lock /run/vfioadm/lock: %s; nothing was changed",
			  r == -EPERM ? "it is not root's alone (see above)" : cli_strerror(r));
	return EXIT_FAILED;
}

static void log_to_stderr(void *data, int priority, const char *msg)
{
	const struct cli *cli = data;
	if (priority >= VFIOADM_LOG_DEBUG && !cli->verbose)
		return;
	fprintf(stderr, "vfioadm: %s", priority <= VFIOADM_LOG_ERR ? "" :
		priority == VFIOADM_LOG_WARNING ? "warning: " : priority == VFIOADM_LOG_INFO ? "" : "debug: ");
	cli_fputs_escaped(msg, stderr);
	fputc('\n', stderr);
}

static void print_main_usage(void)
{
	cli_print_usage(main_usage);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		printf("  %-10s %s\n", commands[i]->name, commands[i]->summary);
	puts("\nSee 'vfioadm COMMAND --help' and vfioadm(8).");
}

/* Stdout is checked once, at the end (as git does): a full disk must not exit 0. */
static int finish(int code)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno != EPIPE)
			cli_error("error writing output: %s", strerror(errno));
		return code ? code : EXIT_FAILED;
	}
	return code;
}

static int run_command(struct cli *cli, const struct cli_command *cmd, const char *root,
		       int argc, char **argv)
{
	int r = vfioadm_new(root, &cli->ctx);
	if (r < 0) {
		cli_error("cannot use root '%s': %s", root, cli_strerror(r));
		return EXIT_USAGE;
	}
	vfioadm_set_log_fn(cli->ctx, log_to_stderr, cli);
	int code = cmd->run(cli, argc, argv);
	/* a failed batch may still have moved some */
	if (cmd->moves_devices && (code == EXIT_OK || code == EXIT_FAILED))
		cli_cdi_refresh(cli);
	if (stop_signal) {
		cli_error("stopped by %s: the changes under way were finished, none was started after it",
			  stop_signal == SIGINT ? "SIGINT" : "SIGTERM");
		code = 128 + stop_signal;
	}
	stop_ctx = NULL;
	cli->ctx = vfioadm_unref(cli->ctx);
	names_done();
	return code;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{},
	};
	struct cli cli = { .prog = "vfioadm" };
	const char *root = getenv("VFIOADM_ROOT");
	int c;

	while ((c = getopt_long(argc, argv, "+vh", opts, NULL)) != -1) {
		switch (c) {
		case 'r': root = optarg; break;
		case 'v': cli.verbose++; break;
		case 'h': print_main_usage(); return finish(EXIT_OK);
		case 'V': puts("vfioadm " VFIOADM_VERSION); return finish(EXIT_OK);
		default: return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		print_main_usage();
		return EXIT_USAGE;
	}
	const char *name = argv[optind];
	int cargc = argc - optind;
	char **cargv = argv + optind; /* cargv[0] is the command's name, as getopt expects */
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		if (!streq(commands[i]->name, name))
			continue;
		optind = 0; /* full getopt reset for the command's own options */
		return finish(run_command(&cli, commands[i], root, cargc, cargv));
	}
	cli_error("'%s' is not a vfioadm command; see 'vfioadm --help'", name);
	return EXIT_USAGE;
}
