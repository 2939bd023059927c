/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vfioadm mdev types|list|create|remove: mediated devices. */
#include <getopt.h>

#include "cli.h"

static const char *const mdev_usage[] = {
	"Usage: vfioadm mdev types [PARENT] [--json]",
	"       vfioadm mdev list [--json]",
	"       vfioadm mdev create PARENT TYPE [--uuid UUID] [--dry-run] [--timeout SEC] [--json]",
	"       vfioadm mdev remove UUID [--force] [--dry-run] [--timeout SEC]",
	"",
	"Mediated devices: the parents that offer them (a GPU, a NIC, the mtty sample…) and their",
	"types with the instances still available; the mdevs that exist; create one (a random",
	"UUID unless --uuid) and remove one (refused while its VFIO group is open, unless",
	"--force). create and remove wait up to --timeout SEC (default 10) for another vfioadm",
	"run that is changing devices.",
	NULL,
};

static int mdev_error(const char *what, int r)
{
	switch (-r) {
	case EEXIST:
		cli_error("%s: an mdev with this UUID exists already (see 'vfioadm mdev list')", what);
		return EXIT_FAILED;
	case EUSERS:   /* the mdev core, for parents with a fixed instance count */
	case ENOSPC:   /* parents that count themselves (mtty: out of ports) */
		cli_error("%s: no instances of this type are left (see 'vfioadm mdev types')", what);
		return EXIT_FAILED;
	case ENODEV:
		cli_error("%s: no such parent, type or mdev (see 'vfioadm mdev types' and 'mdev list')", what);
		return EXIT_FAILED;
	case EINVAL:
		cli_error("%s: the kernel refused it (EINVAL): check the UUID and the type", what);
		return EXIT_FAILED;
	case EROFS:
		cli_error("--root is for inspection: changes need the live host (--dry-run shows the plan)");
		return EXIT_USAGE;
	case ETIMEDOUT:
		cli_error("%s: the kernel did not finish removing it: its group is still in use", what);
		return EXIT_FAILED;
	default:
		cli_error("%s: %s", what, cli_strerror(r));
		return EXIT_FAILED;
	}
}

static int mdev_types(struct cli *cli, const char *parent, bool json)
{
	struct vfioadm_mdev_parent *p;
	size_t n;
	int r = vfioadm_mdev_parents(cli->ctx, parent, &p, &n);
	if (r == -EINVAL)
		return cli_usage_error("mdev", "'%s' is not a parent name", parent);
	if (r < 0)
		return mdev_error(parent ? parent : "mdev parents", r);
	struct json_object *a = json ? json_object_new_array() : NULL;
	for (size_t i = 0; i < n; i++) {
		struct json_object *types = json ? json_object_new_array() : NULL;
		if (!json)
			printf("%s\n", p[i].name);
		for (size_t k = 0; k < p[i].n_types; k++) {
			const struct vfioadm_mdev_type *t = &p[i].types[k];
			if (!json) {
				printf("  %-16s %-28s %-10s %d available%s%s\n", t->id, t->name, t->device_api,
				       t->available_instances, t->description[0] ? "  " : "", t->description);
				continue;
			}
			struct json_object *o = json_object_new_object();
			json_object_object_add(o, "type", json_object_new_string(t->id));
			json_object_object_add(o, "name", t->name[0] ? json_object_new_string(t->name) : NULL);
			json_object_object_add(o, "device_api", t->device_api[0] ? json_object_new_string(t->device_api) : NULL);
			json_object_object_add(o, "description", t->description[0] ? json_object_new_string(t->description) : NULL);
			json_object_object_add(o, "available_instances", t->available_instances >= 0 ?
					       json_object_new_int(t->available_instances) : NULL);
			json_object_array_add(types, o);
		}
		if (json) {
			struct json_object *o = json_object_new_object();
			json_object_object_add(o, "parent", json_object_new_string(p[i].name));
			json_object_object_add(o, "types", types);
			json_object_array_add(a, o);
		}
	}
	if (json)
		json_print(a);
	else if (n == 0)
		printf("no mediated-device parents (no /sys/class/mdev_bus entries)\n");
	vfioadm_mdev_parents_free(p, n);
	return EXIT_OK;
}

static int mdev_list(struct cli *cli, bool json)
{
	struct vfioadm_mdev *m;
	size_t n;
	int r = vfioadm_mdev_list(cli->ctx, &m, &n);
	if (r < 0)
		return mdev_error("mdev list", r);
	struct json_object *a = json ? json_object_new_array() : NULL;
	if (!json)
		printf("%-36s  %-16s  %-16s  %-12s  %s\n", "UUID", "PARENT", "TYPE", "DRIVER", "GROUP");
	for (size_t i = 0; i < n; i++) {
		if (!json) {
			printf("%-36s  %-16s  %-16s  %-12s  %d\n", m[i].uuid, m[i].parent, m[i].type,
			       m[i].driver[0] ? m[i].driver : "-", m[i].iommu_group);
			continue;
		}
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "uuid", json_object_new_string(m[i].uuid));
		json_object_object_add(o, "parent", json_object_new_string(m[i].parent));
		json_object_object_add(o, "type", json_object_new_string(m[i].type));
		json_object_object_add(o, "driver", m[i].driver[0] ? json_object_new_string(m[i].driver) : NULL);
		json_object_object_add(o, "iommu_group", m[i].iommu_group >= 0 ? json_object_new_int(m[i].iommu_group) : NULL);
		json_object_array_add(a, o);
	}
	if (json)
		json_print(a);
	free(m);
	return EXIT_OK;
}

static void print_mdev_action(void *data _unused_, const char *verb, const char *path, const char *value)
{
	if (streq(verb, "write"))
		printf("  write '%s' to %s\n", value, path);
}

static int mdev_create(struct cli *cli, const char *parent, const char *type, const char *uuid_arg, bool json)
{
	char uuid[VFIOADM_UUID_LEN];
	if (uuid_arg && !vfioadm_uuid_valid(uuid_arg))
		return cli_usage_error("mdev", "'%s' is not a UUID (8-4-4-4-12 hex digits)", uuid_arg);
	if (uuid_arg)
		strscpy(uuid, sizeof(uuid), uuid_arg);
	else if (vfioadm_uuid_random(uuid) < 0)
		return mdev_error("random UUID", -errno);
	int r = vfioadm_mdev_create(cli->ctx, parent, type, uuid);
	if (r == -EINVAL && (!vfioadm_uuid_valid(uuid) || strchr(parent, '/') || strchr(type, '/')))
		return cli_usage_error("mdev", "'%s' or '%s' is not a parent or type name", parent, type);
	if (r < 0)
		return mdev_error(uuid, r);
	if (json) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "uuid", json_object_new_string(uuid));
		json_object_object_add(o, "parent", json_object_new_string(parent));
		json_object_object_add(o, "type", json_object_new_string(type));
		json_print(o);
	} else {
		printf("%s\n", uuid);
	}
	return EXIT_OK;
}

static int mdev_remove(struct cli *cli, const char *uuid, bool force)
{
	if (!vfioadm_uuid_valid(uuid))
		return cli_usage_error("mdev", "'%s' is not a UUID (8-4-4-4-12 hex digits)", uuid);
	struct vfioadm_report *refusal = NULL;
	int r = vfioadm_mdev_remove(cli->ctx, uuid, force, &refusal);
	if (r == -EBUSY && refusal) {
		for (size_t i = 0; i < refusal->n; i++)
			print_blocker(&refusal->v[i], -1);
		cli_error("%s: in use: refused, nothing changed (--force removes it anyway)", uuid);
		vfioadm_report_free(refusal);
		return EXIT_REFUSED;
	}
	return r < 0 ? mdev_error(uuid, r) : EXIT_OK;
}

static int run_mdev(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "uuid", required_argument, NULL, 'u' }, { "force", no_argument, NULL, 'f' },
		{ "dry-run", no_argument, NULL, 'n' },    { "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' }, { "help", no_argument, NULL, 'h' },
		{},
	};
	const char *uuid = NULL;
	bool force = false, json = false, dry_run = false;
	int c, timeout_ms = CLI_LOCK_TIMEOUT_MS;
	while ((c = getopt_long(argc, argv, "hf", opts, NULL)) != -1) {
		switch (c) {
		case 'u': uuid = optarg; break;
		case 'f': force = true; break;
		case 'n': dry_run = true; break;
		case 'j': json = true; break;
		case 't':
			if (cli_parse_timeout("mdev", optarg, &timeout_ms))
				return EXIT_USAGE;
			break;
		case 'h': cli_print_usage(mdev_usage); return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	int n = argc - optind;
	const char *sub = n > 0 ? argv[optind] : NULL;
	char **a = argv + optind + 1;
	if (!sub)
		return cli_usage_error("mdev", "expected types, list, create or remove");
	vfioadm_set_dry_run(cli->ctx, dry_run);
	if (dry_run)
		vfioadm_set_action_fn(cli->ctx, print_mdev_action, NULL);
	if (streq(sub, "types") && n <= 2)
		return mdev_types(cli, n == 2 ? a[0] : NULL, json);
	if (streq(sub, "list") && n == 1)
		return mdev_list(cli, json);
	bool writes = (streq(sub, "create") && n == 3) || (streq(sub, "remove") && n == 2);
	int need = writes ? cli_need_root(cli, "mdev", dry_run) : EXIT_OK;
	if (need != EXIT_OK)
		return need;
	/* the same lock as bind and sriov: an mdev's parent and group are theirs to change too */
	if (writes && cli_lock(cli, timeout_ms) != EXIT_OK)
		return EXIT_FAILED;
	if (streq(sub, "create") && n == 3)
		return mdev_create(cli, a[0], a[1], uuid, json);
	if (streq(sub, "remove") && n == 2)
		return mdev_remove(cli, a[0], force);
	return cli_usage_error("mdev", "'%s' with %d argument%s is not an mdev command", sub, n - 1, n == 2 ? "" : "s");
}

const struct cli_command cmd_mdev = { "mdev", run_mdev, "list, create and remove mediated devices", true };
