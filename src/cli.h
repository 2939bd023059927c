/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the vfioadm command files share: exit codes, the command table entry, output. */
#pragma once

#include <errno.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "macro.h"
#include "vfioadm/vfioadm.h"

/* The exit-code contract (DEVELOPERS.md); documented in vfioadm(8). */
enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1,   /* failed (and rolled back) */
	EXIT_USAGE = 2,    /* bad input, nothing written */
	EXIT_REFUSED = 3,  /* refused: would hurt the host or a user of the device */
};

struct cli {
	struct vfioadm_ctx *ctx;
	const char *prog;
	int verbose;
	bool boot_units_checked; /* cli_warn_boot_units() says it once a run */
};

struct cli_command {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);
	const char *summary;
	bool moves_devices;      /* may move functions on or off VFIO: the CDI spec follows */
};

extern const struct cli_command cmd_list, cmd_show, cmd_match, cmd_bind, cmd_unbind, cmd_check, cmd_doctor,
	cmd_sriov, cmd_vf, cmd_mdev, cmd_probe, cmd_plan, cmd_apply, cmd_udev_helper, cmd_config, cmd_cdi;
/* src/cmd-cdi.c: rewrite the spec [cdi] output names (when root, on the host) */
void cli_cdi_refresh(struct cli *cli);
/* src/handoff.c: show --for CONSUMER (@bdf normalized): print what opens it, or why not */
int cli_handoff(struct cli *cli, const char *bdf, const char *consumer, bool json);
/* src/dra.c: list --format dra, the devices of a DRA ResourceSlice (@probe: migratable) */
struct dra_out;
struct dra_out *dra_begin(struct cli *cli, bool probe);
void dra_add(struct dra_out *d, const struct vfioadm_device_info *info); /* skips the unusable */
int dra_end(struct dra_out *d);                                          /* prints, frees */
/* src/cmd-config.c: load the configuration, or say which file and line is wrong: EXIT_OK,
 * EXIT_USAGE (it does not parse, or is not root's), EXIT_FAILED (it cannot be read) */
struct vfioadm_config;
int cli_config_load(struct cli *cli, struct vfioadm_config **cfg);
/* src/cmd-config-edit.c: set or (body NULL) remove a section of the managed file */
int cli_config_set(struct cli *cli, const char *section, const char *body, bool locked);

/* src/cmd-vf.c: VF attributes as a JSON object (booleans, numbers, strings) */
struct json_object *json_vf_attrs(const struct vfioadm_vf_attrs *a);
/* --set SPEC, or with @with_index also INDEX:SPEC (sriov). Returns EXIT_OK or EXIT_USAGE. */
int cli_parse_vf_set(const char *cmd, const char *arg, bool with_index, struct vfioadm_vf_setting *ret);
/* A dry run's netlink/devlink change, printed; false for any other verb */
bool cli_print_vf_action(FILE *f, const char *indent, const char *verb, const char *what, const char *value);

/* src/escape.c: write @text with control bytes and non-UTF-8 bytes escaped (\n, \x1b…) */
void cli_fputs_escaped(const char *text, FILE *f);
/* printf one line to @f (its newline added here), escaped as above */
void cli_printf_escaped(FILE *f, const char *fmt, ...) _printf_(2, 3);
/* strerror(-r), with vfioadm's words where the libc's would mislead (EXDEV under --root) */
const char *cli_strerror(int r);
/* A bind or release that failed because a hook another user may change was refused: that is
 * the configuration's fault (as for vfioadm.conf), so bad input, not a failure. */
static inline bool cli_hook_untrusted(int r, const struct vfioadm_outcome *o)
{
	return o->hook_failed && r == -EPERM;
}

/* Messages: one line each, on stderr, prefixed with the program name; what they quote is
 * escaped (cli_fputs_escaped). */
void cli_error(const char *fmt, ...) _printf_(1, 2);
void cli_warn(const char *fmt, ...) _printf_(1, 2);
/* Print a usage error and return EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) _printf_(2, 3);
/* Map a library errno to an exit code (-EINVAL -> 2, -EBUSY/-EPERM -> 3, else 1). */
int cli_exit_code(int err);
/* Print a getopt-style --help text from a NULL-terminated array of lines. */
void cli_print_usage(const char *const *lines);
/* The options of show and probe: --json, --help, and exactly one @what. Returns EXIT_OK with
 * *arg set, EXIT_OK with *arg NULL after --help, or EXIT_USAGE. */
int cli_json_one_arg(const char *cmd, const char *const *usage, const char *what, int argc,
		     char **argv, bool *json, const char **arg);
/* --timeout SEC (0 < SEC <= 3600) into milliseconds. Returns EXIT_OK or EXIT_USAGE. */
int cli_parse_timeout(const char *cmd, const char *arg, int *ms);
/* How long a write command waits for another run's lock unless --timeout says otherwise. */
#define CLI_LOCK_TIMEOUT_MS 10000
/* Take vfioadm's run lock, waiting up to @timeout_ms; says who holds it when that runs out.
 * Returns EXIT_OK or EXIT_FAILED. */
int cli_lock(struct cli *cli, int timeout_ms);
/* Write commands, before anything else: not root on the live host (and not a dry run) is
 * refused with "needs root", EXIT_REFUSED. */
int cli_need_root(struct cli *cli, const char *cmd, bool dry_run);
/* Did SIGINT/SIGTERM come (after cli_lock())? Loops over devices stop starting new work. */
bool cli_stopped(void);
/* What turns the boot integration on, named wherever vfioadm says it is off */
#define ENABLE_BOOT_UNITS "systemctl enable vfioadm-claim.service vfioadm-apply.service"
/* Warn when the boot units that keep the configuration in force are not enabled. */
void cli_warn_boot_units(struct cli *cli);
/* Parse a BDF argument or print the accepted forms. Returns 0 or EXIT_USAGE. */
int cli_parse_bdf(const char *cmd, const char *arg, char out[VFIOADM_BDF_MAX]);

/* src/names.c: display names from pci.ids through libpci (numeric fallback). */
const char *names_vendor(uint16_t vendor);
const char *names_device(uint16_t vendor, uint16_t device);
const char *names_class(uint8_t base, uint8_t sub);
void names_done(void);

/* src/output.c */
/* @m: the recommended VFIO driver (vfioadm_match), or NULL when it could not be chosen. */
struct json_object *json_device_obj(const struct vfioadm_device_info *info,
				    const struct vfioadm_match *m, bool detail);
/* src/cmd-bind.c: blockers in words, and as JSON (shared with check) */
void print_blocker(const struct vfioadm_blocker *b, int group);
struct json_object *json_report_array(const struct vfioadm_report *r);
/* src/cmd-match.c */
struct json_object *json_vfio_driver_obj(const struct vfioadm_match *m);
/* Report a vfioadm_match() failure for @what once; returns the exit code. */
int cli_match_error(struct cli *cli, const char *what, int r, const struct vfioadm_match_opts *opts);
/* Print one JSON value the way every command prints it (pretty, 2-space indent). */
int json_print(struct json_object *obj);
/* Stream a top-level array without holding every element in memory at once. */
void json_array_begin(void);
void json_array_item(struct json_object *obj); /* takes ownership */
void json_array_end(void);
void print_device_text(const struct vfioadm_device_info *info, const struct vfioadm_match *m);
void print_list_header(void);
void print_list_row(const struct vfioadm_device_info *info, const struct vfioadm_match *m);
