/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The declarative configuration: /etc/vfioadm.conf, then /etc/vfioadm.d/ *.conf in lexical
 * order, parsed with inih. A later file wins over an earlier one; inside one file, setting the
 * same key of the same section twice is a conflict. Every error names file:line and what was
 * expected (vfioadm.conf(5)).
 */
#include <ctype.h>
#include <fcntl.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>

#include "config/config.h"

#define CONF_MAIN "/etc/vfioadm.conf"
#define CONF_DIR "/etc/vfioadm.d"

struct parse_state {
	struct vfioadm_config *cfg;
	const char *file;
	int file_index;
	char error[256];      /* the first error; ini_parse_file() returns its line */
};

static int fail(struct parse_state *ps, const char *fmt, ...) _printf_(2, 3);
static int fail(struct parse_state *ps, const char *fmt, ...)
{
	if (!ps->error[0]) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(ps->error, sizeof(ps->error), fmt, ap);
		va_end(ap);
	}
	return 0; /* inih: error on this line */
}

static bool parse_id(const char *s, uint32_t *ret)
{
	char *end;
	unsigned long v = strtoul(s, &end, 16);
	if (end - s != 4 || v > 0xffff)
		return false;
	*ret = (uint32_t)v;
	return true;
}

/* "vvvv:dddd" or "vvvv:dddd:ssss:ssss" (hex); subsystem ids are VFIOADM_ANY_ID when absent */
static bool parse_ids(const char *s, struct vfioadm_cfg_device *d)
{
	char buf[32];
	if (strscpy(buf, sizeof(buf), s) < 0)
		return false;
	char *parts[5] = { 0 };
	int n = 0;
	for (char *save = NULL, *p = strtok_r(buf, ":", &save); p && n < 5; p = strtok_r(NULL, ":", &save))
		parts[n++] = p;
	if ((n != 2 && n != 4) || !parse_id(parts[0], &d->vendor) || !parse_id(parts[1], &d->device))
		return false;
	d->subvendor = d->subdevice = VFIOADM_ANY_ID;
	return n == 2 || (parse_id(parts[2], &d->subvendor) && parse_id(parts[3], &d->subdevice));
}

/* The section a key belongs to; created on first sight. Same section text = same entry. */
static struct vfioadm_cfg_device *device_entry(struct parse_state *ps, const char *kind, const char *arg)
{
	struct vfioadm_config *c = ps->cfg;
	struct vfioadm_cfg_device d = { .owner_driver = -1, .owner_group = -1, .owner_vf = -1 };
	char pf[VFIOADM_BDF_MAX], extra[16] = "";
	if (streq(kind, "device")) {
		if (vfioadm_bdf_normalize(arg, d.bdf) == 0)
			d.kind = VFIOADM_SEL_BDF;
		else if (parse_ids(arg, &d))
			d.kind = VFIOADM_SEL_ID;
		else
			return NULL;
	} else { /* "vf PF INDEX" */
		unsigned idx;
		if (sscanf(arg, "%19s %u %15s", pf, &idx, extra) != 2 || vfioadm_bdf_normalize(pf, d.bdf) < 0)
			return NULL;
		d.kind = VFIOADM_SEL_VF;
		d.vf_index = idx;
	}
	for (size_t i = 0; i < c->n_devices; i++) {
		struct vfioadm_cfg_device *e = &c->devices[i];
		if (e->kind == d.kind && streq(e->bdf, d.bdf) && e->vf_index == d.vf_index &&
		    e->vendor == d.vendor && e->device == d.device && e->subvendor == d.subvendor &&
		    e->subdevice == d.subdevice)
			return e;
	}
	struct vfioadm_cfg_device *v = reallocarray(c->devices, c->n_devices + 1, sizeof(*v));
	if (!v)
		return NULL;
	c->devices = v;
	strcpy(d.driver, "auto");
	d.group = VFIOADM_GROUP_NONE;
	v[c->n_devices] = d;
	return &v[c->n_devices++];
}

/* A key set twice in the same file is a conflict; a later file simply wins. */
static bool claim(struct parse_state *ps, int *owner)
{
	if (*owner == ps->file_index)
		return false;
	*owner = ps->file_index;
	return true;
}

static int set_driver(struct parse_state *ps, char *dst, const char *value)
{
	if (!vfioadm_driver_name_valid(value))
		return fail(ps, "driver: expected auto, vfio, host or a VFIO driver's name, got '%s'", value);
	strcpy(dst, value);
	return 1;
}

/* A VF attribute of a [vf PF N] section: each key once per file, a later file wins key by key */
static int vf_key(struct parse_state *ps, struct vfioadm_cfg_device *d, const char *name, const char *value)
{
	uint32_t bit = 1u << vf_attr_key_index(name);
	if (d->owner_vf != ps->file_index) {
		d->owner_vf = ps->file_index;
		d->vf_keys = 0;
	}
	if (d->vf_keys & bit)
		return fail(ps, "%s set twice for this VF in the same file", name);
	d->vf_keys |= bit;
	char err[320];
	if (vfioadm_vf_attr_set(&d->vf, name, value, err, sizeof(err)) < 0)
		return fail(ps, "%s", err);
	strscpy(d->file, sizeof(d->file), ps->file);
	return 1;
}

static int device_key(struct parse_state *ps, struct vfioadm_cfg_device *d, const char *name, const char *value)
{
	if (streq(name, "driver")) {
		if (!claim(ps, &d->owner_driver))
			return fail(ps, "driver set twice for this device in the same file");
		strscpy(d->file, sizeof(d->file), ps->file);
		return set_driver(ps, d->driver, value);
	}
	if (streq(name, "group") && d->kind != VFIOADM_SEL_VF) {
		if (!claim(ps, &d->owner_group))
			return fail(ps, "group set twice for this device in the same file");
		if (streq(value, "none"))
			d->group = VFIOADM_GROUP_NONE;
		else if (streq(value, "siblings"))
			d->group = VFIOADM_GROUP_SIBLINGS;
		else if (streq(value, "group"))
			d->group = VFIOADM_GROUP_ALL;
		else
			return fail(ps, "group: expected none, siblings or group, got '%s'", value);
		return 1;
	}
	if (d->kind == VFIOADM_SEL_VF && vf_attr_key_index(name) >= 0)
		return vf_key(ps, d, name, value);
	return fail(ps, "unknown key '%s': a [device] section takes driver and group; a [vf] section driver and "
		    "the VF attributes (mac, vlan, trust, migratable…: vfioadm.conf(5))", name);
}

static struct vfioadm_cfg_sriov *sriov_entry(struct parse_state *ps, const char *arg)
{
	struct vfioadm_config *c = ps->cfg;
	char pf[VFIOADM_BDF_MAX];
	if (vfioadm_bdf_normalize(arg, pf) < 0)
		return NULL;
	for (size_t i = 0; i < c->n_sriov; i++)
		if (streq(c->sriov[i].pf, pf))
			return &c->sriov[i];
	struct vfioadm_cfg_sriov *v = reallocarray(c->sriov, c->n_sriov + 1, sizeof(*v));
	if (!v)
		return NULL;
	c->sriov = v;
	memset(&v[c->n_sriov], 0, sizeof(*v));
	strcpy(v[c->n_sriov].pf, pf);
	strcpy(v[c->n_sriov].driver, "auto");
	v[c->n_sriov].owner_vfs = v[c->n_sriov].owner_driver = -1;
	return &v[c->n_sriov++];
}

static int sriov_key(struct parse_state *ps, struct vfioadm_cfg_sriov *s, const char *name, const char *value)
{
	if (streq(name, "vfs")) {
		char *end;
		long n = strtol(value, &end, 10);
		if (*end || !*value || n < 0 || n > 65535)
			return fail(ps, "vfs: expected a VF count (0 to 65535), got '%s'", value);
		if (!claim(ps, &s->owner_vfs))
			return fail(ps, "vfs set twice for this PF in the same file");
		s->numvfs = (unsigned)n;
		s->has_numvfs = true;
		strscpy(s->file, sizeof(s->file), ps->file);
		return 1;
	}
	if (streq(name, "driver")) {
		if (!claim(ps, &s->owner_driver))
			return fail(ps, "driver set twice for this PF in the same file");
		return set_driver(ps, s->driver, value);
	}
	return fail(ps, "unknown key '%s': an [sriov] section takes vfs and driver", name);
}

static struct vfioadm_cfg_mdev *mdev_entry(struct parse_state *ps, const char *uuid)
{
	struct vfioadm_config *c = ps->cfg;
	if (!vfioadm_uuid_valid(uuid))
		return NULL;
	for (size_t i = 0; i < c->n_mdevs; i++)
		if (strcasecmp(c->mdevs[i].uuid, uuid) == 0)
			return &c->mdevs[i];
	struct vfioadm_cfg_mdev *v = reallocarray(c->mdevs, c->n_mdevs + 1, sizeof(*v));
	if (!v)
		return NULL;
	c->mdevs = v;
	memset(&v[c->n_mdevs], 0, sizeof(*v));
	strcpy(v[c->n_mdevs].uuid, uuid);
	for (char *p = v[c->n_mdevs].uuid; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	v[c->n_mdevs].owner_parent = v[c->n_mdevs].owner_type = -1;
	return &v[c->n_mdevs++];
}

static int mdev_key(struct parse_state *ps, struct vfioadm_cfg_mdev *m, const char *name, const char *value)
{
	bool parent = streq(name, "parent");
	if (!parent && !streq(name, "type"))
		return fail(ps, "unknown key '%s': an [mdev] section takes parent and type", name);
	if (!*value || strlen(value) >= VFIOADM_NAME_MAX || strchr(value, '/') || streq(value, "..") || streq(value, "."))
		return fail(ps, "%s: expected a name without '/', got '%s'", name, value);
	if (!claim(ps, parent ? &m->owner_parent : &m->owner_type))
		return fail(ps, "%s set twice for mdev %s in the same file (a duplicate UUID?)", name, m->uuid);
	strcpy(parent ? m->parent : m->type, value);
	strscpy(m->file, sizeof(m->file), ps->file);
	return 1;
}

static int policy_key(struct parse_state *ps, const char *name, const char *value)
{
	if (!streq(name, "deny"))
		return fail(ps, "unknown key '%s': [policy] takes deny", name);
	struct vfioadm_config *c = ps->cfg;
	char buf[1024];
	if (strscpy(buf, sizeof(buf), value) < 0)
		return fail(ps, "deny: list too long");
	for (size_t i = 0; i < c->n_deny; i++)
		free(c->deny[i]);
	c->n_deny = 0; /* a later deny line replaces the list */
	for (char *save = NULL, *w = strtok_r(buf, ", \t", &save); w; w = strtok_r(NULL, ", \t", &save)) {
		if (!vfioadm_driver_name_valid(w))
			return fail(ps, "deny: '%s' is not a module name", w);
		char **v = reallocarray(c->deny, c->n_deny + 1, sizeof(*v));
		if (!v || !(v[c->n_deny] = strdup(w)))
			return fail(ps, "out of memory");
		c->deny = v;
		c->n_deny++;
	}
	return 1;
}

static bool parse_yes_no(const char *value, bool *ret)
{
	if (streq(value, "yes") || streq(value, "true") || streq(value, "1"))
		*ret = true;
	else if (streq(value, "no") || streq(value, "false") || streq(value, "0"))
		*ret = false;
	else
		return false;
	return true;
}

static int cdi_key(struct parse_state *ps, const char *name, const char *value)
{
	struct vfioadm_config *c = ps->cfg;
	if (streq(name, "output")) {
		if (value[0] != '/' || strscpy(c->cdi.output, sizeof(c->cdi.output), value) < 0)
			return fail(ps, "output: expected an absolute directory (/run/cdi, /etc/cdi), got '%s'", value);
	} else if (streq(name, "kind")) {
		if (!vfioadm_cdi_kind_valid(value))
			return fail(ps, "kind: '%s' is not a CDI kind (vendor/class: vfioadm.io/vfio)", value);
		strscpy(c->cdi.kind, sizeof(c->cdi.kind), value);
	} else if (streq(name, "annotations")) {
		if (!parse_yes_no(value, &c->cdi.annotations))
			return fail(ps, "annotations: expected yes or no, got '%s'", value);
	} else if (streq(name, "format")) {
		if (!streq(value, "json") && !streq(value, "yaml"))
			return fail(ps, "format: expected json or yaml, got '%s'", value);
		c->cdi.yaml = streq(value, "yaml");
	} else {
		return fail(ps, "unknown key '%s': [cdi] takes output, kind, annotations, format", name);
	}
	strscpy(c->cdi.file, sizeof(c->cdi.file), ps->file);
	return 1;
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
	struct parse_state *ps = user;
	char kind[16] = "", arg[96] = "";
	if (!*section)
		return fail(ps, "'%s' outside a section: expected [device …], [vf …], [sriov …], [mdev …], [policy] or [cdi]", name);
	if (sscanf(section, "%15s %95[^\n]", kind, arg) < 1)
		return fail(ps, "empty section name");
	if (streq(kind, "policy") && !*arg)
		return policy_key(ps, name, value);
	if (streq(kind, "cdi") && !*arg)
		return cdi_key(ps, name, value);
	if (streq(kind, "device") || streq(kind, "vf")) {
		struct vfioadm_cfg_device *d = device_entry(ps, kind, arg);
		if (!d)
			return fail(ps, "[%s]: expected %s", section, streq(kind, "vf") ? "[vf PF INDEX]" :
				    "[device BDF] or [device vendor:device[:subvendor:subdevice]] (hex)");
		return device_key(ps, d, name, value);
	}
	if (streq(kind, "sriov")) {
		struct vfioadm_cfg_sriov *s = sriov_entry(ps, arg);
		return s ? sriov_key(ps, s, name, value) : fail(ps, "[%s]: expected [sriov PF-BDF]", section);
	}
	if (streq(kind, "mdev")) {
		struct vfioadm_cfg_mdev *m = mdev_entry(ps, arg);
		return m ? mdev_key(ps, m, name, value) : fail(ps, "[%s]: expected [mdev UUID]", section);
	}
	return fail(ps, "unknown section [%s]: expected device, vf, sriov, mdev, policy or cdi", section);
}

/* Whoever can write the configuration decides which devices root takes from the host at the
 * next boot: a file (or its directory) that another user owns or may write is refused, as
 * sshd and cron refuse theirs. NULL when it may be trusted, else why not, with the fix. */
static const char *untrusted(struct vfioadm_ctx *ctx, const char *path, const struct stat *st,
			     char *why, size_t size)
{
	enum trust_fault f = trust_fault(st, geteuid());
	if (f != TRUST_OK) {
		snprintf(why, size, "refused: the file %s", trust_fault_words(f));
		return why;
	}
	char dir[PATH_MAX];
	strscpy(dir, sizeof(dir), path);
	*strrchr(dir, '/') = '\0';
	struct stat dst;
	_cleanup_close_ int dfd = root_open(ctx, *dir ? dir : "/", O_PATH | O_DIRECTORY);
	if (dfd < 0 || fstat(dfd, &dst) < 0)
		return NULL; /* the file was opened through it: it exists */
	if ((f = trust_fault(&dst, geteuid())) != TRUST_OK) {
		snprintf(why, size, "refused: its directory %.80s %s", *dir ? dir : "/", trust_fault_words(f));
		return why;
	}
	return NULL;
}

static int parse_file(struct vfioadm_ctx *ctx, struct parse_state *ps, const char *path,
		      struct vfioadm_config_error *err)
{
	/* O_NONBLOCK: a FIFO in its place cannot hang the run; only a regular file is read */
	int fd = root_open(ctx, path, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return fd == -ENOENT ? 0 : fd;
	struct stat st;
	char why[256];
	const char *fault = NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		fault = "not a regular file";
	else
		fault = untrusted(ctx, path, &st, why, sizeof(why));
	if (fault) {
		close(fd);
		snprintf(err->file, sizeof(err->file), "%s", path);
		err->line = 0;
		snprintf(err->message, sizeof(err->message), "%s", fault);
		return -EINVAL;
	}
	FILE *f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return -errno;
	}
	ps->file = path;
	ps->error[0] = '\0';
	int line = ini_parse_file(f, on_key, ps);
	fclose(f);
	if (line == 0)
		return 0;
	snprintf(err->file, sizeof(err->file), "%s", path);
	err->line = line;
	snprintf(err->message, sizeof(err->message), "%s", ps->error[0] ? ps->error : "expected 'key = value' or '[section]'");
	return -EINVAL;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files, in order: vfioadm.conf, then vfioadm.d/ *.conf sorted by name. */
static int config_files(struct vfioadm_ctx *ctx, char ***ret, size_t *n)
{
	char **v = calloc(1, sizeof(*v));
	*n = 0;
	if (!v || !(v[(*n)++] = strdup(CONF_MAIN)))
		return -ENOMEM;
	_cleanup_closedir_ DIR *d = NULL;
	if (root_opendir(ctx, CONF_DIR, &d) == 0) {
		struct dirent *de;
		while ((de = readdir(d))) {
			size_t len = strlen(de->d_name);
			if (de->d_name[0] == '.' || len < 6 || !streq(de->d_name + len - 5, ".conf"))
				continue;
			char **nv = reallocarray(v, *n + 1, sizeof(*v));
			if (!nv)
				return -ENOMEM;
			v = nv;
			if (asprintf(&v[*n], CONF_DIR "/%s", de->d_name) < 0)
				return -ENOMEM;
			(*n)++;
		}
	}
	qsort(v + 1, *n - 1, sizeof(*v), name_cmp);
	*ret = v;
	return 0;
}

EXPORT void vfioadm_config_free(struct vfioadm_config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_deny; i++)
		free(c->deny[i]);
	free(c->deny);
	free(c->devices);
	free(c->sriov);
	free(c->mdevs);
	free(c);
}

int config_parse_text(const char *text, size_t len, struct vfioadm_config **ret, struct vfioadm_config_error *err)
{
	memset(err, 0, sizeof(*err));
	struct vfioadm_config *c = calloc(1, sizeof(*c));
	FILE *f = c && len ? fmemopen((void *)text, len, "r") : NULL;
	struct parse_state ps = { .cfg = c, .file = "(text)" };
	int line = f ? ini_parse_file(f, on_key, &ps) : 0;
	if (f)
		fclose(f);
	if (!c || line) {
		err->line = line;
		snprintf(err->message, sizeof(err->message), "%s", ps.error[0] ? ps.error : "syntax");
		vfioadm_config_free(c);
		return c ? -EINVAL : -ENOMEM;
	}
	*ret = c;
	return 0;
}

EXPORT int vfioadm_config_load(struct vfioadm_ctx *ctx, struct vfioadm_config **ret,
			       struct vfioadm_config_error *err)
{
	memset(err, 0, sizeof(*err));
	struct vfioadm_config *c = calloc(1, sizeof(*c));
	char **files = NULL;
	size_t n = 0;
	int r = c ? config_files(ctx, &files, &n) : -ENOMEM;
	struct parse_state ps = { .cfg = c };
	for (size_t i = 0; r >= 0 && i < n; i++) {
		ps.file_index = (int)i;
		r = parse_file(ctx, &ps, files[i], err);
	}
	for (size_t i = 0; i < c->n_mdevs && r >= 0; i++)
		if (!c->mdevs[i].parent[0] || !c->mdevs[i].type[0]) {
			snprintf(err->file, sizeof(err->file), "%s", c->mdevs[i].file[0] ? c->mdevs[i].file : CONF_MAIN);
			snprintf(err->message, sizeof(err->message), "mdev %s: both parent and type are needed", c->mdevs[i].uuid);
			r = -EINVAL;
		}
	for (size_t i = 0; i < n; i++)
		free(files ? files[i] : NULL);
	free(files);
	if (r < 0) {
		vfioadm_config_free(c);
		return r;
	}
	*ret = c;
	return 0;
}

/* ---- editing: the tool's own file, /etc/vfioadm.d/50-vfioadm.conf ---- */

#define MANAGED_NAME "50-vfioadm.conf"
#define MANAGED CONF_DIR "/" MANAGED_NAME

struct raw_section {
	char name[128];
	char body[1024]; /* "key = value\n" lines */
};

struct raw_file {
	size_t n;
	struct raw_section *v;
};

static int raw_key(void *user, const char *section, const char *name, const char *value)
{
	struct raw_file *f = user;
	if (!f->n || !streq(f->v[f->n - 1].name, section)) {
		struct raw_section *v = reallocarray(f->v, f->n + 1, sizeof(*v));
		if (!v)
			return 0;
		f->v = v;
		memset(&v[f->n], 0, sizeof(*v));
		snprintf(v[f->n++].name, sizeof(v->name), "%s", section);
	}
	struct raw_section *s = &f->v[f->n - 1];
	size_t len = strlen(s->body);
	snprintf(s->body + len, sizeof(s->body) - len, "%s = %s\n", name, value);
	return 1;
}

static int managed_write(const struct raw_file *f)
{
	if (mkdir(CONF_DIR, 0755) < 0 && errno != EEXIST)
		return -errno;
	/* never write where another user could swap the file or the directory under us */
	_cleanup_close_ int dir = host_trusted_dir_open(CONF_DIR);
	if (dir < 0)
		return dir;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	if (!out)
		return -ENOMEM;
	fputs("# Managed by 'vfioadm config' and 'vfioadm bind --persist'; vfioadm.conf(5).\n", out);
	for (size_t i = 0; i < f->n; i++)
		fprintf(out, "\n[%s]\n%s", f->v[i].name, f->v[i].body);
	if (fclose(out) != 0) {
		free(text);
		return -ENOMEM;
	}
	int r = file_replace_at(dir, MANAGED_NAME, text, len, 0644);
	free(text);
	if (r < 0)
		return r;
	/* the rename is only durable once the directory is: a power cut must not lose the entry */
	return fsync(dir) == 0 ? 0 : -errno;
}

EXPORT int vfioadm_config_vf_settings(const struct vfioadm_config *cfg, struct vfioadm_vf_setting **ret, size_t *n)
{
	*ret = calloc(cfg->n_devices ? cfg->n_devices : 1, sizeof(**ret));
	*n = 0;
	if (!*ret)
		return -ENOMEM;
	for (size_t i = 0; i < cfg->n_devices; i++) {
		const struct vfioadm_cfg_device *d = &cfg->devices[i];
		if (d->kind == VFIOADM_SEL_VF && d->vf.set)
			(*ret)[(*n)++] = (struct vfioadm_vf_setting){ .pf = d->bdf, .index = (int)d->vf_index, .attrs = d->vf };
	}
	return 0;
}

EXPORT int vfioadm_config_edit(struct vfioadm_ctx *ctx, const char *section, const char *body,
			       struct vfioadm_config_error *err)
{
	memset(err, 0, sizeof(*err));
	if (!ctx_is_host(ctx))
		return -EROFS;
	/* the new section must parse on its own: nothing malformed is ever written */
	if (body) {
		char text[1200];
		struct vfioadm_config *c;
		snprintf(text, sizeof(text), "[%s]\n%s", section, body);
		int r = config_parse_text(text, strlen(text), &c, err);
		if (r < 0)
			return r;
		vfioadm_config_free(c);
	}
	struct raw_file f = { 0 };
	FILE *in = fopen(MANAGED, "r");
	if (in) {
		int line = ini_parse_file(in, raw_key, &f);
		fclose(in);
		if (line) {
			snprintf(err->file, sizeof(err->file), MANAGED);
			err->line = line;
			snprintf(err->message, sizeof(err->message), "cannot edit a malformed file");
			free(f.v);
			return -EINVAL;
		}
	}
	size_t i;
	for (i = 0; i < f.n && strcasecmp(f.v[i].name, section) != 0; i++)
		;
	if (!body && i == f.n) {
		free(f.v);
		return -ENOENT;
	}
	if (body && i == f.n) {
		struct raw_section *v = reallocarray(f.v, f.n + 1, sizeof(*v));
		if (!v) {
			free(f.v);
			return -ENOMEM;
		}
		f.v = v;
		f.n++;
	}
	if (body) {
		snprintf(f.v[i].name, sizeof(f.v[i].name), "%s", section);
		snprintf(f.v[i].body, sizeof(f.v[i].body), "%s", body);
	} else {
		memmove(&f.v[i], &f.v[i + 1], (f.n - i - 1) * sizeof(*f.v));
		f.n--;
	}
	int r = managed_write(&f);
	free(f.v);
	return r;
}
