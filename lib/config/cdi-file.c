/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A CDI spec as a file runtimes read: YAML or JSON, replaced atomically in a directory only
 * root may write (a runtime injects whatever nodes the file names), removed when it would
 * offer no device.
 */
#include <fcntl.h>
#include <json-c/json.h>

#include "config/config.h"

static void yaml_value(FILE *out, json_object *v, int indent, bool in_list);

/* Scalars as JSON writes them: a JSON string is a YAML double-quoted scalar. */
static bool yaml_scalar(FILE *out, json_object *v)
{
	json_type t = json_object_get_type(v);
	if (t == json_type_object || t == json_type_array) {
		bool empty = t == json_type_object ? json_object_object_length(v) == 0
						   : json_object_array_length(v) == 0;
		if (empty)
			fputs(t == json_type_object ? " {}\n" : " []\n", out);
		return empty;
	}
	fprintf(out, " %s\n", json_object_to_json_string_ext(v, JSON_C_TO_STRING_NOSLASHESCAPE));
	return true;
}

static void yaml_object(FILE *out, json_object *o, int indent, bool in_list)
{
	bool first = true;
	json_object_object_foreach(o, key, val) {
		/* a list item's first key shares the "- " line */
		fprintf(out, "%*s%s:", first && in_list ? 0 : indent, "", key);
		first = false;
		if (!yaml_scalar(out, val)) {
			fputc('\n', out);
			yaml_value(out, val, indent + 2, false);
		}
	}
}

static void yaml_value(FILE *out, json_object *v, int indent, bool in_list)
{
	if (json_object_get_type(v) == json_type_object) {
		yaml_object(out, v, indent, in_list);
		return;
	}
	for (size_t i = 0; i < json_object_array_length(v); i++) {
		json_object *item = json_object_array_get_idx(v, i);
		fprintf(out, "%*s-", indent, "");
		if (json_object_get_type(item) == json_type_object && json_object_object_length(item)) {
			fputc(' ', out);
			yaml_object(out, item, indent + 2, true);
		} else if (!yaml_scalar(out, item)) {
			fputc('\n', out);
			yaml_value(out, item, indent + 2, false);
		}
	}
}

char *yaml_from_json(json_object *obj)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	if (!out)
		return NULL;
	fputs("---\n", out);
	yaml_value(out, obj, 0, false);
	if (fclose(out) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

static int remove_file(int dfd, const char *name)
{
	return unlinkat(dfd, name, 0) < 0 && errno != ENOENT ? -errno : 0;
}

EXPORT int vfioadm_cdi_write(struct vfioadm_ctx *ctx, const struct vfioadm_cdi_opts *opts, const char *dir,
			     char *ret_path, size_t path_size, size_t *ret_n)
{
	const char *kind = opts->kind ? opts->kind : VFIOADM_CDI_KIND;
	if (!vfioadm_cdi_kind_valid(kind) || !dir || dir[0] != '/')
		return -EINVAL;
	char name[160], other[160];
	snprintf(name, sizeof(name), "%s.%s", kind, opts->yaml ? "yaml" : "json");
	*strchr(name, '/') = '-'; /* the CDI library's own naming: VENDOR-CLASS */
	snprintf(other, sizeof(other), "%.*s.%s", (int)(strrchr(name, '.') - name), name,
		 opts->yaml ? "json" : "yaml");
	snprintf(ret_path, path_size, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", name);

	/* whoever may write the directory a runtime reads plants nodes into every container */
	_cleanup_close_ int dfd = host_trusted_dir_open(dir);
	if (dfd < 0)
		return dfd;
	char *text = NULL;
	int r = vfioadm_cdi_spec(ctx, opts, &text, ret_n);
	if (r < 0)
		return r;
	narrate(ctx, *ret_n ? "cdi-write" : "cdi-remove", ret_path, NULL);
	if (!ctx->dry_run) {
		/* 0644 whatever the umask: runtimes run as other users (rootless podman) */
		r = *ret_n ? file_replace_at(dfd, name, text, strlen(text), 0644) : remove_file(dfd, name);
		if (r >= 0)
			r = remove_file(dfd, other); /* one kind, one file: runtimes refuse duplicates */
		if (r >= 0)
			(void)fsync(dfd);
	}
	free(text);
	return r;
}
