/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vfioadm config add|remove|show: edit the configuration without editing files by hand. */
#include <getopt.h>

#include "cli.h"

static const char *const config_usage[] = {
	"Usage: vfioadm config add device SELECTOR [driver=D] [group=G]",
	"       vfioadm config add sriov PF vfs=N [driver=D]",
	"       vfioadm config add vf PF INDEX driver=D",
	"       vfioadm config add mdev UUID parent=P type=T",
	"       vfioadm config remove device SELECTOR | sriov PF | vf PF INDEX | mdev UUID",
	"       vfioadm config show [--json]",
	"",
	"add and remove edit /etc/vfioadm.d/50-vfioadm.conf (atomically, under vfioadm's lock);",
	"an entry that would not parse is refused before anything is written. They change the",
	"configuration only: 'vfioadm apply' (or the next boot) makes it true. vfioadm.conf(5).",
	NULL,
};

static int selector_args(const char *kind)
{
	return streq(kind, "vf") ? 2 : streq(kind, "device") || streq(kind, "sriov") || streq(kind, "mdev") ? 1 : -1;
}

int cli_config_set(struct cli *cli, const char *section, const char *body, bool locked)
{
	struct vfioadm_config_error err;
	int need = locked ? EXIT_OK : cli_need_root(cli, "config", false);
	if (need != EXIT_OK)
		return need;
	if (!locked && cli_lock(cli, CLI_LOCK_TIMEOUT_MS) != EXIT_OK)
		return EXIT_FAILED;
	int r = vfioadm_config_edit(cli->ctx, section, body, &err);
	if (!locked)
		vfioadm_unlock(cli->ctx);
	if (r == -EINVAL) {
		cli_error("%s%s%s", err.message, err.file[0] ? " in " : "", err.file);
		return EXIT_USAGE;
	}
	if (r == -ENOENT) {
		cli_error("[%s] is not in /etc/vfioadm.d/50-vfioadm.conf (entries in other files are edited by hand)", section);
		return EXIT_FAILED;
	}
	if (r == -EROFS) {
		cli_error("--root is for inspection: the configuration of the live host is edited");
		return EXIT_USAGE;
	}
	if (r == -EPERM) {
		cli_error("refusing to write /etc/vfioadm.d/50-vfioadm.conf: /etc/vfioadm.d is a link, or another "
			  "user owns or may write it (chown root, chmod go-w)");
		return EXIT_FAILED;
	}
	if (r < 0) {
		cli_error("cannot write /etc/vfioadm.d/50-vfioadm.conf: %s", cli_strerror(r));
		return EXIT_FAILED;
	}
	if (body)
		cli_warn_boot_units(cli);
	return EXIT_OK;
}

static void print_key(void *data _unused_, const char *key, const char *value)
{
	printf("%s = %s\n", key, value);
}

static void show_text(const struct vfioadm_config *c)
{
	for (size_t i = 0; i < c->n_devices; i++) {
		const struct vfioadm_cfg_device *d = &c->devices[i];
		if (d->kind == VFIOADM_SEL_BDF)
			printf("[device %s]\n", d->bdf);
		else if (d->kind == VFIOADM_SEL_VF)
			printf("[vf %s %u]\n", d->bdf, d->vf_index);
		else if (d->subvendor == VFIOADM_ANY_ID)
			printf("[device %04x:%04x]\n", d->vendor, d->device);
		else
			printf("[device %04x:%04x:%04x:%04x]\n", d->vendor, d->device, d->subvendor, d->subdevice);
		printf("driver = %s\n", d->driver);
		vfioadm_vf_attrs_each(&d->vf, print_key, NULL);
		printf("# from %s\n\n", d->file);
	}
	for (size_t i = 0; i < c->n_sriov; i++)
		printf("[sriov %s]\nvfs = %u\ndriver = %s\n# from %s\n\n", c->sriov[i].pf, c->sriov[i].numvfs,
		       c->sriov[i].driver, c->sriov[i].file);
	for (size_t i = 0; i < c->n_mdevs; i++)
		printf("[mdev %s]\nparent = %s\ntype = %s\n# from %s\n\n", c->mdevs[i].uuid, c->mdevs[i].parent,
		       c->mdevs[i].type, c->mdevs[i].file);
	if (c->n_deny) {
		printf("[policy]\ndeny =");
		for (size_t i = 0; i < c->n_deny; i++)
			printf(" %s", c->deny[i]);
		printf("\n");
	}
}

static struct json_object *show_json(const struct vfioadm_config *c)
{
	struct json_object *o = json_object_new_object(), *dev = json_object_new_array(),
			   *sr = json_object_new_array(), *md = json_object_new_array(), *deny = json_object_new_array();
	for (size_t i = 0; i < c->n_devices; i++) {
		const struct vfioadm_cfg_device *d = &c->devices[i];
		struct json_object *e = json_object_new_object();
		char sel[64];
		if (d->kind == VFIOADM_SEL_ID)
			snprintf(sel, sizeof(sel), d->subvendor == VFIOADM_ANY_ID ? "%04x:%04x" : "%04x:%04x:%04x:%04x",
				 d->vendor, d->device, d->subvendor, d->subdevice);
		else
			snprintf(sel, sizeof(sel), "%s", d->bdf);
		json_object_object_add(e, "selector", json_object_new_string(sel));
		json_object_object_add(e, "vf_index", d->kind == VFIOADM_SEL_VF ? json_object_new_int((int)d->vf_index) : NULL);
		json_object_object_add(e, "driver", json_object_new_string(d->driver));
		if (d->kind == VFIOADM_SEL_VF)
			json_object_object_add(e, "attributes", json_vf_attrs(&d->vf));
		json_object_object_add(e, "file", json_object_new_string(d->file));
		json_object_array_add(dev, e);
	}
	for (size_t i = 0; i < c->n_sriov; i++) {
		struct json_object *e = json_object_new_object();
		json_object_object_add(e, "pf", json_object_new_string(c->sriov[i].pf));
		json_object_object_add(e, "vfs", json_object_new_int((int)c->sriov[i].numvfs));
		json_object_object_add(e, "driver", json_object_new_string(c->sriov[i].driver));
		json_object_array_add(sr, e);
	}
	for (size_t i = 0; i < c->n_mdevs; i++) {
		struct json_object *e = json_object_new_object();
		json_object_object_add(e, "uuid", json_object_new_string(c->mdevs[i].uuid));
		json_object_object_add(e, "parent", json_object_new_string(c->mdevs[i].parent));
		json_object_object_add(e, "type", json_object_new_string(c->mdevs[i].type));
		json_object_array_add(md, e);
	}
	for (size_t i = 0; i < c->n_deny; i++)
		json_object_array_add(deny, json_object_new_string(c->deny[i]));
	json_object_object_add(o, "devices", dev);
	json_object_object_add(o, "sriov", sr);
	json_object_object_add(o, "mdevs", md);
	json_object_object_add(o, "deny", deny);
	return o;
}

static int run_config(struct cli *cli, int argc, char **argv)
{
	if (argc >= 2 && (streq(argv[1], "--help") || streq(argv[1], "-h"))) {
		cli_print_usage(config_usage);
		return EXIT_OK;
	}
	if (argc >= 2 && streq(argv[1], "show")) {
		bool json = argc == 3 && streq(argv[2], "--json");
		if (argc > 3 || (argc == 3 && !json))
			return cli_usage_error("config", "show takes only --json");
		struct vfioadm_config *c;
		struct vfioadm_config_error err;
		int r = vfioadm_config_load(cli->ctx, &c, &err);
		if (r < 0) {
			cli_error("%s:%d: %s", err.file, err.line, err.message);
			return r == -EINVAL ? EXIT_USAGE : EXIT_FAILED;
		}
		if (json)
			json_print(show_json(c));
		else
			show_text(c);
		vfioadm_config_free(c);
		return EXIT_OK;
	}
	bool add = argc >= 2 && streq(argv[1], "add"), remove = argc >= 2 && streq(argv[1], "remove");
	int nsel = argc >= 3 ? selector_args(argv[2]) : -1;
	if ((!add && !remove) || nsel < 0 || argc < 3 + nsel)
		return cli_usage_error("config", "expected add|remove KIND SELECTOR… or show");
	char section[128], body[1024] = "";
	snprintf(section, sizeof(section), "%s %s%s%s", argv[2], argv[3], nsel == 2 ? " " : "", nsel == 2 ? argv[4] : "");
	for (int i = 3 + nsel; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');
		if (remove || !eq || eq == argv[i] || strchr(argv[i], '\n'))
			return cli_usage_error("config", "'%s': expected key=value%s", argv[i], remove ? " (only with add)" : "");
		size_t len = strlen(body);
		snprintf(body + len, sizeof(body) - len, "%.*s = %s\n", (int)(eq - argv[i]), argv[i], eq + 1);
	}
	if (add && streq(argv[2], "device") && !strstr(body, "driver ="))
		strcat(body, "driver = auto\n");
	return cli_config_set(cli, section, add ? body : NULL, false);
}

const struct cli_command cmd_config = { "config", run_config, "add, remove and show configuration entries", false };
