/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Choosing the VFIO driver for a device: the kernel's documented userspace algorithm
 * (Documentation/PCI/... "vfio_pci:" aliases). libkmod decides *which* modules are candidates,
 * so the answer agrees with modprobe (and honours modprobe.d pins); it does not say which
 * pattern matched, so the patterns come from modules.alias / modules.builtin.modinfo (or the
 * module's modinfo) and are ranked here. Rankings are cached per modalias: the thousands of
 * VFs of one PF share one.
 */
#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>

#include "choice/choice.h"

#define VFIO_PREFIX "vfio_pci:"
#define CACHE_BUCKETS 256

struct alias_entry {
	char *pattern;
	char *module;
	int line;
	enum vfioadm_alias_source source;
};

struct cache_entry {
	struct cache_entry *next;
	char modalias[VFIOADM_MODALIAS_MAX];
	bool pinned;
	size_t n;
	struct vfioadm_candidate *cands;
};

struct alias_state {
	bool tables_loaded;
	struct alias_entry *entries;
	size_t n_entries, cap_entries;
	char **deny;
	size_t n_deny;
	struct cache_entry *buckets[CACHE_BUCKETS];
	char driver_of_module[2][VFIOADM_NAME_MAX]; /* last answer of vfioadm_module_driver() */
};

/* ---- pure helpers ---- */

int alias_pattern_score(const char *pattern, int *ret_wildcards, int *ret_digits)
{
	static const char *const fields[] = { "v", "d", "sv", "sd", "bc", "sc", "i" };
	if (!startswith(pattern, VFIO_PREFIX))
		return -EINVAL;
	const char *p = pattern + strlen(VFIO_PREFIX);
	int wildcards = 0, digits = 0;
	for (size_t f = 0; f < ARRAY_SIZE(fields); f++) {
		size_t len = strlen(fields[f]);
		if (strncmp(p, fields[f], len) != 0) {
			wildcards++; /* a field the pattern leaves out matches anything */
			continue;
		}
		p += len;
		int field_digits = 0;
		/* a value runs up to the next lower-case field name (hex in aliases is upper case) */
		for (; *p && !(*p >= 'a' && *p <= 'z'); p++)
			if ((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'F'))
				field_digits++;
		if (field_digits == 0)
			wildcards++;
		digits += field_digits;
	}
	while (*p == '*') /* "vfio_pci:*": every field left out */
		p++;
	if (*p)
		return -EINVAL;
	*ret_wildcards = wildcards;
	*ret_digits = digits;
	return 0;
}

int candidate_cmp(const void *a, const void *b)
{
	const struct vfioadm_candidate *x = a, *y = b;
	if (x->wildcards != y->wildcards)
		return x->wildcards - y->wildcards;
	if (x->literal_digits != y->literal_digits)
		return y->literal_digits - x->literal_digits;
	/* index lines first (in file order), then the rest; line 0 means "not in modules.alias" */
	int lx = x->line ? x->line : 1 << 30, ly = y->line ? y->line : 1 << 30;
	if (lx != ly)
		return lx - ly;
	return strcmp(x->module, y->module);
}

EXPORT struct vfioadm_match_opts vfioadm_match_opts_for_mode(const char *mode)
{
	struct vfioadm_match_opts mo = { 0 };
	if (!mode || !*mode || streq(mode, "auto"))
		return mo;
	if (streq(mode, "vfio"))
		mo.generic = true;
	else
		mo.driver = mode;
	return mo;
}

/* ---- state ---- */

static void alias_state_free(struct vfioadm_ctx *ctx);

static struct alias_state *state_get(struct vfioadm_ctx *ctx)
{
	if (!ctx->alias) {
		ctx->alias = calloc(1, sizeof(*ctx->alias));
		if (ctx->alias && ctx_on_free(ctx, alias_state_free) < 0) {
			free(ctx->alias);
			ctx->alias = NULL;
		}
	}
	return ctx->alias;
}

static void cache_clear(struct alias_state *st)
{
	for (size_t b = 0; b < CACHE_BUCKETS; b++) {
		struct cache_entry *e = st->buckets[b], *next;
		for (; e; e = next) {
			next = e->next;
			free(e->cands);
			free(e);
		}
		st->buckets[b] = NULL;
	}
}

static void alias_state_free(struct vfioadm_ctx *ctx)
{
	struct alias_state *st = ctx->alias;
	if (!st)
		return;
	cache_clear(st);
	for (size_t i = 0; i < st->n_entries; i++) {
		free(st->entries[i].pattern);
		free(st->entries[i].module);
	}
	free(st->entries);
	for (size_t i = 0; i < st->n_deny; i++)
		free(st->deny[i]);
	free(st->deny);
	free(st);
	ctx->alias = NULL;
}

EXPORT int vfioadm_set_deny_list(struct vfioadm_ctx *ctx, const char *const *modules, size_t n)
{
	struct alias_state *st = state_get(ctx);
	if (!st)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (!vfioadm_driver_name_valid(modules[i]))
			return -EINVAL;
	char **deny = calloc(n ? n : 1, sizeof(*deny));
	if (!deny)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		char norm[VFIOADM_NAME_MAX];
		module_normalize(modules[i], norm);
		if (!(deny[i] = strdup(norm))) {
			while (i--)
				free(deny[i]);
			free(deny);
			return -ENOMEM;
		}
	}
	for (size_t i = 0; i < st->n_deny; i++)
		free(st->deny[i]);
	free(st->deny);
	st->deny = deny;
	st->n_deny = n;
	return 0;
}

static bool is_denied(const struct alias_state *st, const char *module)
{
	for (size_t i = 0; i < st->n_deny; i++)
		if (streq(st->deny[i], module))
			return true;
	return false;
}

/* ---- alias tables from the module directory ---- */

static int entry_add(struct alias_state *st, const char *pattern, const char *module, int line,
		     enum vfioadm_alias_source source)
{
	if (st->n_entries == st->cap_entries) {
		size_t cap = st->cap_entries ? st->cap_entries * 2 : 16;
		struct alias_entry *n = reallocarray(st->entries, cap, sizeof(*n));
		if (!n)
			return -ENOMEM;
		st->entries = n;
		st->cap_entries = cap;
	}
	struct alias_entry *e = &st->entries[st->n_entries];
	e->pattern = strdup(pattern);
	e->module = strdup(module);
	if (!e->pattern || !e->module) {
		free(e->pattern);
		free(e->module);
		return -ENOMEM;
	}
	e->line = line;
	e->source = source;
	st->n_entries++;
	return 0;
}

static int moddir_open(struct vfioadm_ctx *ctx, const char *file, int flags)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "/lib/modules/%s/%s", vfioadm_kernel_release(ctx), file);
	return root_open(ctx, path, flags);
}

/* Read a whole file of the module directory (they are at most a few MiB). */
static int moddir_slurp(struct vfioadm_ctx *ctx, const char *file, char **ret, size_t *ret_len)
{
	_cleanup_close_ int fd = moddir_open(ctx, file, O_RDONLY);
	if (fd < 0)
		return fd;
	struct stat sb;
	if (fstat(fd, &sb) < 0)
		return -errno;
	char *buf = malloc((size_t)sb.st_size + 1);
	if (!buf)
		return -ENOMEM;
	size_t len = 0;
	while (len < (size_t)sb.st_size) {
		ssize_t n = read(fd, buf + len, (size_t)sb.st_size - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*ret = buf;
	*ret_len = len;
	return 0;
}

/* "alias vfio_pci:… module" lines of the text modules.alias, with their line numbers: one read
 * and a memmem() hop from match to match (a full Debian index has 26,000 lines, a few match). */
static int load_index_aliases(struct vfioadm_ctx *ctx, struct alias_state *st)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r = moddir_slurp(ctx, "modules.alias", &buf, &len);
	if (r < 0)
		return r == -ENOENT ? 0 : r;
	static const char needle[] = "alias " VFIO_PREFIX;
	const char *p = buf, *counted = buf, *end = buf + len;
	int lineno = 1;
	while (r >= 0 && (p = memmem(p, (size_t)(end - p), needle, sizeof(needle) - 1))) {
		if (p != buf && p[-1] != '\n') {
			p++;
			continue;
		}
		for (const char *q = counted; (q = memchr(q, '\n', (size_t)(p - q))); q++)
			lineno++;
		counted = p;
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t l = eol ? (size_t)(eol - p) : (size_t)(end - p);
		char line[512];
		if (l < sizeof(line)) {
			memcpy(line, p, l);
			line[l] = '\0';
			char *pattern = line + 6, *module = strchr(pattern, ' ');
			if (module) {
				*module++ = '\0';
				module[strcspn(module, " ")] = '\0';
				r = entry_add(st, pattern, module, lineno, VFIOADM_ALIAS_INDEX);
			}
		}
		p += l;
	}
	return r;
}

/* modules.builtin.modinfo: NUL-separated "module.key=value" records. */
static int load_builtin_aliases(struct vfioadm_ctx *ctx, struct alias_state *st)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r = moddir_slurp(ctx, "modules.builtin.modinfo", &buf, &len);
	if (r < 0)
		return r == -ENOENT ? 0 : r;
	for (char *p = buf; p < buf + len; p += strlen(p) + 1) {
		char *key = strstr(p, ".alias=" VFIO_PREFIX);
		if (!key)
			continue;
		*key = '\0';
		if ((r = entry_add(st, key + 7, p, 0, VFIOADM_ALIAS_BUILTIN)) < 0)
			return r;
	}
	return 0;
}

static int tables_load(struct vfioadm_ctx *ctx, struct alias_state *st)
{
	if (st->tables_loaded)
		return 0;
	int r = load_index_aliases(ctx, st);
	if (r >= 0)
		r = load_builtin_aliases(ctx, st);
	if (r < 0)
		return r;
	st->tables_loaded = true;
	return 0;
}

/* ---- candidates for one key ---- */

struct cand_list {
	const char *key;
	struct vfioadm_candidate *v;
	size_t n, cap;
	int err;
};

static int cand_add(struct cand_list *l, const char *module, const char *pattern, int line,
		    enum vfioadm_alias_source source)
{
	struct vfioadm_candidate c = { .line = line, .source = source, .wildcards = 8 };
	if (strscpy(c.module, sizeof(c.module), module) < 0)
		return 0; /* not a name we could ever write */
	if (pattern && (alias_pattern_score(pattern, &c.wildcards, &c.literal_digits) < 0 ||
			strscpy(c.pattern, sizeof(c.pattern), pattern) < 0)) {
		c.wildcards = 8; /* unusual pin shape: rank it last but keep it visible */
		c.literal_digits = 0;
		strscpy(c.pattern, sizeof(c.pattern), pattern);
	}
	/* one row per module: its best matching pattern */
	for (size_t i = 0; i < l->n; i++) {
		if (!streq(l->v[i].module, module))
			continue;
		if (candidate_cmp(&c, &l->v[i]) < 0)
			l->v[i] = c;
		return 0;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4;
		struct vfioadm_candidate *n = reallocarray(l->v, cap, sizeof(*n));
		if (!n)
			return -ENOMEM;
		l->v = n;
		l->cap = cap;
	}
	l->v[l->n++] = c;
	return 0;
}

static int pin_found(void *data, const char *pattern, const char *module)
{
	struct cand_list *l = data;
	if (!startswith(pattern, VFIO_PREFIX) || fnmatch(pattern, l->key, 0) != 0)
		return 0;
	return cand_add(l, module, pattern, 0, VFIOADM_ALIAS_CONFIG);
}

static int modinfo_alias_found(void *data, const char *pattern, const char *module)
{
	struct cand_list *l = data;
	if (!startswith(pattern, VFIO_PREFIX) || fnmatch(pattern, l->key, 0) != 0)
		return 0;
	return cand_add(l, module, pattern, 0, VFIOADM_ALIAS_MODINFO);
}

struct lookup_ctx {
	struct vfioadm_ctx *ctx;
	struct alias_state *st;
	struct cand_list *l;
};

/* libkmod named @module: find the patterns of it that match the key. */
static int module_found(void *data, const char *module)
{
	struct lookup_ctx *lc = data;
	size_t before = lc->l->n;
	bool found = false;
	for (size_t i = 0; i < lc->st->n_entries; i++) {
		const struct alias_entry *e = &lc->st->entries[i];
		if (!streq(e->module, module) || fnmatch(e->pattern, lc->l->key, 0) != 0)
			continue;
		int r = cand_add(lc->l, module, e->pattern, e->line, e->source);
		if (r < 0)
			return r;
		found = true;
	}
	if (!found)
		(void)kmod_module_aliases(lc->ctx, module, modinfo_alias_found, lc->l);
	if (lc->l->n == before) /* named by libkmod, but no pattern to be found anywhere */
		return cand_add(lc->l, module, NULL, 0, VFIOADM_ALIAS_UNKNOWN);
	return 0;
}

static int candidates_compute(struct vfioadm_ctx *ctx, struct alias_state *st, const char *key,
			      struct cand_list *l, bool *ret_pinned)
{
	int r = tables_load(ctx, st);
	if (r < 0)
		return r;
	/* modprobe.d aliases win outright: libkmod answers from them alone when any matches */
	r = kmod_config_pins(ctx, pin_found, l);
	if (r < 0)
		return r;
	*ret_pinned = l->n > 0;
	if (!*ret_pinned) {
		struct lookup_ctx lc = { ctx, st, l };
		r = kmod_lookup_modules(ctx, key, module_found, &lc);
		if (r < 0)
			return r;
	}
	if (l->n > 0)
		qsort(l->v, l->n, sizeof(*l->v), candidate_cmp);
	return 0;
}

static unsigned hash_str(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static int cache_get(struct vfioadm_ctx *ctx, struct alias_state *st, const char *modalias,
		     const struct cache_entry **ret)
{
	unsigned b = hash_str(modalias) % CACHE_BUCKETS;
	for (struct cache_entry *e = st->buckets[b]; e; e = e->next)
		if (streq(e->modalias, modalias)) {
			*ret = e;
			return 0;
		}
	struct cache_entry *e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	strscpy(e->modalias, sizeof(e->modalias), modalias);
	char key[VFIOADM_MODALIAS_MAX + 8];
	snprintf(key, sizeof(key), "vfio_%s", modalias);
	struct cand_list l = { .key = key };
	int r = candidates_compute(ctx, st, key, &l, &e->pinned);
	if (r < 0) {
		free(l.v);
		free(e);
		return r;
	}
	e->cands = l.v;
	e->n = l.n;
	e->next = st->buckets[b];
	st->buckets[b] = e;
	*ret = e;
	return 0;
}

/* ---- the choice ---- */

EXPORT int vfioadm_module_driver(struct vfioadm_ctx *ctx, const char *module,
				 char ret[VFIOADM_NAME_MAX])
{
	char norm[VFIOADM_NAME_MAX], path[PATH_MAX];
	if (!vfioadm_driver_name_valid(module))
		return -EINVAL;
	module_normalize(module, norm);
	struct alias_state *st = state_get(ctx);
	if (st && streq(st->driver_of_module[0], norm)) /* every VF of a PF asks the same */
		return strscpy(ret, VFIOADM_NAME_MAX, st->driver_of_module[1]) < 0 ? -ENAMETOOLONG : 0;
	snprintf(path, sizeof(path), "/sys/module/%s", norm);
	if (!root_exists(ctx, path))
		return -ENOENT;
	strcat(path, "/drivers");
	_cleanup_closedir_ DIR *d = NULL;
	if (root_opendir(ctx, path, &d) < 0)
		return -ENODEV;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!startswith(de->d_name, "pci:"))
			continue;
		if (strscpy(ret, VFIOADM_NAME_MAX, de->d_name + 4) < 0)
			return -ENAMETOOLONG;
		if (st) {
			strcpy(st->driver_of_module[0], norm);
			strcpy(st->driver_of_module[1], ret);
		}
		return 0;
	}
	return -ENODEV;
}

static int count_module(void *data, const char *module _unused_)
{
	(*(int *)data)++;
	return 0;
}

static bool module_known(struct vfioadm_ctx *ctx, const char *module)
{
	int n = 0;
	return kmod_lookup_modules(ctx, module, count_module, &n) > 0;
}

static int has_vfio_alias(void *data, const char *pattern, const char *module _unused_)
{
	if (startswith(pattern, VFIO_PREFIX))
		*(bool *)data = true;
	return 0;
}

/* A VFIO driver is a module that publishes vfio_pci: aliases. @name may be a driver name
 * ("xe-vfio-pci") or a module name ("xe_vfio_pci"); a loaded driver names its module. */
static int resolve_vfio_module(struct vfioadm_ctx *ctx, struct alias_state *st, const char *name,
			       char module[VFIOADM_NAME_MAX])
{
	if (driver_module(ctx, name, module) < 0)
		module_normalize(name, module);
	for (size_t i = 0; i < st->n_entries; i++)
		if (streq(st->entries[i].module, module))
			return 0;
	bool vfio = false;
	(void)kmod_module_aliases(ctx, module, has_vfio_alias, &vfio);
	return vfio ? 0 : -EINVAL;
}

static void choose_ranked(struct vfioadm_match *m)
{
	for (size_t i = 0; i < m->n_candidates; i++) {
		if (m->candidates[i].denied) {
			m->warnings |= VFIOADM_MATCH_WARN_DENIED;
			continue;
		}
		m->chosen = (int)i;
		break;
	}
	if (m->chosen < 0)
		return;
	const struct vfioadm_candidate *c = &m->candidates[m->chosen];
	strscpy(m->module, sizeof(m->module), c->module);
	for (size_t i = (size_t)m->chosen + 1; i < m->n_candidates; i++) {
		const struct vfioadm_candidate *o = &m->candidates[i];
		if (o->denied || streq(o->module, c->module))
			continue;
		if (o->wildcards == c->wildcards && o->literal_digits == c->literal_digits) {
			m->warnings |= VFIOADM_MATCH_WARN_TIE;
			strscpy(m->tie_module, sizeof(m->tie_module), o->module);
		}
		break;
	}
}

static int find_candidate(const struct vfioadm_match *m, const char *module)
{
	for (size_t i = 0; i < m->n_candidates; i++)
		if (streq(m->candidates[i].module, module))
			return (int)i;
	return -1;
}

static int apply_choice(struct vfioadm_ctx *ctx, struct alias_state *st, bool pinned,
			const struct vfioadm_match_opts *opts, struct vfioadm_match *m)
{
	m->chosen = -1;
	if (opts && opts->generic) {
		m->reason = VFIOADM_MATCH_GENERIC;
		strcpy(m->module, GENERIC_MODULE);
	} else if (opts && opts->driver) {
		m->reason = VFIOADM_MATCH_FORCED;
		int r = resolve_vfio_module(ctx, st, opts->driver, m->module);
		if (r < 0)
			return r;
	} else {
		m->reason = pinned ? VFIOADM_MATCH_PINNED : VFIOADM_MATCH_RANKED;
		choose_ranked(m);
		if (m->chosen < 0) {
			m->reason = VFIOADM_MATCH_FALLBACK;
			strcpy(m->module, GENERIC_MODULE);
		}
	}
	if (m->chosen < 0)
		m->chosen = find_candidate(m, m->module);
	if (m->reason == VFIOADM_MATCH_FORCED && m->chosen < 0)
		m->warnings |= VFIOADM_MATCH_WARN_NO_ALIAS;
	char pinned_module[VFIOADM_NAME_MAX];
	if (m->reason == VFIOADM_MATCH_PINNED && resolve_vfio_module(ctx, st, m->module, pinned_module) < 0)
		m->warnings |= VFIOADM_MATCH_WARN_PIN_NOT_VFIO; /* modprobe honours it; say so */
	if (m->reason != VFIOADM_MATCH_FORCED && m->chosen < 0 && !module_known(ctx, m->module))
		return -ENOPKG; /* the module directory is there, but not even vfio-pci is */
	return 0;
}

static void resolve_driver(struct vfioadm_ctx *ctx, struct vfioadm_match *m)
{
	int r = vfioadm_module_driver(ctx, m->module, m->driver);
	m->loaded = r != -ENOENT;
	if (r == -ENODEV)
		m->warnings |= VFIOADM_MATCH_WARN_NO_PCI_DRIVER;
	if (r < 0)
		m->driver[0] = '\0';
}

EXPORT int vfioadm_match(struct vfioadm_ctx *ctx, const char *modalias,
			 const struct vfioadm_match_opts *opts, struct vfioadm_match **ret)
{
	struct vfioadm_modalias ids;
	if (vfioadm_modalias_parse(modalias, &ids) < 0)
		return -EINVAL;
	if (opts && opts->driver && !vfioadm_driver_name_valid(opts->driver))
		return -EINVAL;
	struct alias_state *st = state_get(ctx);
	if (!st)
		return -ENOMEM;
	const struct cache_entry *e;
	int r = cache_get(ctx, st, modalias, &e);
	if (r < 0)
		return r;
	struct vfioadm_match *m = calloc(1, sizeof(*m));
	if (!m || !(m->candidates = calloc(e->n ? e->n : 1, sizeof(*m->candidates)))) {
		free(m);
		return -ENOMEM;
	}
	snprintf(m->key, sizeof(m->key), "vfio_%s", modalias);
	m->n_candidates = e->n;
	if (e->n > 0)
		memcpy(m->candidates, e->cands, e->n * sizeof(*e->cands));
	for (size_t i = 0; i < m->n_candidates; i++)
		m->candidates[i].denied = is_denied(st, m->candidates[i].module);
	r = apply_choice(ctx, st, e->pinned, opts, m);
	if (r < 0) {
		vfioadm_match_free(m);
		return r;
	}
	resolve_driver(ctx, m);
	*ret = m;
	return 0;
}

EXPORT struct vfioadm_match *vfioadm_match_free(struct vfioadm_match *m)
{
	if (m)
		free(m->candidates);
	free(m);
	return NULL;
}
