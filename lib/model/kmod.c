/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libkmod at the edge: the only file that talks to libkmod, so vfioadm and modprobe agree on
 * which modules exist for a key. The module directory and modprobe.d paths are those under
 * the context's root; libkmod's messages are routed into our log at debug level.
 *
 * libkmod is opened with dlopen() on first use, as systemd does: Debian's libkmod2 pulls in
 * libcrypto, whose relocations were two thirds of every vfioadm start-up (3.4 of 5.0 million
 * instructions), paid even by runs that never ask libkmod anything (unbind, check, a bind to
 * a driver that is already loaded). The headers still come from libkmod-dev; the runtime
 * library is libkmod.so.2, which packages must depend on.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <libkmod.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/stat.h>

#include "model/model.h"

#define KMOD_SYMBOLS(X)                                                                            \
	X(kmod_new) X(kmod_unref) X(kmod_set_log_fn) X(kmod_set_log_priority) X(kmod_list_next)     \
	X(kmod_module_new_from_lookup) X(kmod_module_new_from_name) X(kmod_module_get_module)       \
	X(kmod_module_get_name) X(kmod_module_unref) X(kmod_module_unref_list)                      \
	X(kmod_module_get_info) X(kmod_module_info_get_key) X(kmod_module_info_get_value)           \
	X(kmod_module_info_free_list) X(kmod_module_probe_insert_module)                            \
	X(kmod_config_get_aliases) X(kmod_config_iter_next) X(kmod_config_iter_get_key)             \
	X(kmod_config_iter_get_value) X(kmod_config_iter_free_iter) X(kmod_config_get_options)

#define DECLARE_SYM(name) static __typeof__(name) *sym_##name;
KMOD_SYMBOLS(DECLARE_SYM)

/* Resolve every symbol once per process; -ELIBACC when libkmod.so.2 is not installed. */
static int kmod_dl(void)
{
	static void *handle;
	if (handle)
		return 0;
	/* the test suite names a library that is not there, to see the error an admin would */
	const char *soname = getenv("VFIOADM_TEST_LIBKMOD");
	void *h = dlopen(soname ? soname : "libkmod.so.2", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return -ELIBACC;
#define RESOLVE_SYM(name)                                                                          \
	if (!(sym_##name = (__typeof__(name) *)dlsym(h, #name))) {                                  \
		dlclose(h);                                                                         \
		return -ELIBBAD;                                                                    \
	}
	KMOD_SYMBOLS(RESOLVE_SYM)
#undef RESOLVE_SYM
	handle = h;
	return 0;
}

#define foreach_kmod_list(it, list) \
	for ((it) = (list); (it); (it) = sym_kmod_list_next((list), (it)))

static void kmod_log_to_ours(void *data, int priority _unused_, const char *file _unused_,
			     int line _unused_, const char *fn _unused_, const char *format,
			     va_list args)
{
	char msg[512];
	vsnprintf(msg, sizeof(msg), format, args);
	msg[strcspn(msg, "\n")] = '\0';
	dbg(data, "libkmod: %s", msg);
}

static void kmod_ctx_free(struct vfioadm_ctx *ctx)
{
	if (ctx->kmod)
		sym_kmod_unref(ctx->kmod);
	ctx->kmod = NULL;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The binary indexes libkmod reads. A corrupt one makes libkmod find nothing, and vfioadm
 * would quietly choose the catch-all driver for a device that has a variant: check each
 * header (magic, format version 2, root node inside the file) first. -EBADMSG names it. */
static int index_check(struct vfioadm_ctx *ctx)
{
	static const char *const names[] = {
		"modules.alias.bin", "modules.dep.bin", "modules.builtin.alias.bin", "modules.builtin.bin",
	};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "/lib/modules/%s/%s", vfioadm_kernel_release(ctx), names[i]);
		_cleanup_close_ int fd = root_open(ctx, path, O_RDONLY);
		if (fd == -ENOENT)
			continue; /* libkmod falls back to the text files */
		unsigned char h[12];
		struct stat st;
		bool good = fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
			    pread(fd, h, sizeof(h), 0) == (ssize_t)sizeof(h) && be32(h) == 0xB007F457u &&
			    be32(h + 4) >> 16 == 2 && (off_t)(be32(h + 8) & 0x0fffffffu) <= st.st_size;
		if (!good) {
			vfioadm_log(ctx, VFIOADM_LOG_WARNING, "%s%s is %s: rebuild the module indexes with "
				    "'depmod %s'", ctx->root, path, fd < 0 ? "unreadable" : "not a module index",
				    vfioadm_kernel_release(ctx));
			return -EBADMSG;
		}
	}
	return 0;
}

int kmod_ctx_get(struct vfioadm_ctx *ctx, struct kmod_ctx **ret)
{
	if (ctx->kmod) {
		*ret = ctx->kmod;
		return 0;
	}
	if (ctx->kmod_error < 0)
		return ctx->kmod_error; /* said once per run */
	char moddir[PATH_MAX];
	snprintf(moddir, sizeof(moddir), "%s/lib/modules/%s", ctx->root, vfioadm_kernel_release(ctx));
	if (access(moddir, F_OK) < 0)
		return -ENOENT;
	int r = index_check(ctx);
	if (r < 0)
		return ctx->kmod_error = r;
	r = kmod_dl();
	if (r < 0)
		return r;
	/* kmod's own default search list, under our root */
	static const char *const conf_dirs[] = {
		"/etc/modprobe.d", "/run/modprobe.d", "/usr/local/lib/modprobe.d", "/lib/modprobe.d",
	};
	char bufs[ARRAY_SIZE(conf_dirs)][PATH_MAX];
	const char *confs[ARRAY_SIZE(conf_dirs) + 1] = { 0 };
	for (size_t i = 0; i < ARRAY_SIZE(conf_dirs); i++) {
		snprintf(bufs[i], sizeof(bufs[i]), "%s%s", ctx->root, conf_dirs[i]);
		confs[i] = bufs[i];
	}
	struct kmod_ctx *k = sym_kmod_new(moddir, confs);
	if (!k)
		return -ENOMEM;
	sym_kmod_set_log_fn(k, kmod_log_to_ours, ctx);
	sym_kmod_set_log_priority(k, 7);
	ctx->kmod = k;
	*ret = k;
	return ctx_on_free(ctx, kmod_ctx_free);
}

int kmod_lookup_modules(struct vfioadm_ctx *ctx, const char *key, module_name_fn fn, void *data)
{
	struct kmod_ctx *k;
	int r = kmod_ctx_get(ctx, &k);
	if (r < 0)
		return r;
	struct kmod_list *list = NULL, *it;
	r = sym_kmod_module_new_from_lookup(k, key, &list);
	if (r < 0)
		return r;
	int n = 0;
	foreach_kmod_list(it, list) {
		struct kmod_module *mod = sym_kmod_module_get_module(it);
		r = fn(data, sym_kmod_module_get_name(mod));
		sym_kmod_module_unref(mod);
		if (r < 0)
			break;
		n++;
	}
	sym_kmod_module_unref_list(list);
	return r < 0 ? r : n;
}

/* Walk modprobe.d's "alias" lines (@fn(data, pattern, module)) or, @options, its "options"
 * lines (@fn(data, options, module)). The libkmod symbols are resolved by kmod_ctx_get():
 * only then may they be read. */
static int config_walk(struct vfioadm_ctx *ctx, bool options, alias_fn fn, void *data)
{
	struct kmod_ctx *k;
	int r = kmod_ctx_get(ctx, &k);
	if (r < 0)
		return r;
	struct kmod_config_iter *it = options ? sym_kmod_config_get_options(k) : sym_kmod_config_get_aliases(k);
	if (!it)
		return 0;
	r = 0;
	while (r >= 0 && sym_kmod_config_iter_next(it)) {
		const char *key = sym_kmod_config_iter_get_key(it), *value = sym_kmod_config_iter_get_value(it);
		r = options ? fn(data, value, key) : fn(data, key, value);
	}
	sym_kmod_config_iter_free_iter(it);
	return r;
}

int kmod_config_pins(struct vfioadm_ctx *ctx, alias_fn fn, void *data)
{
	return config_walk(ctx, false, fn, data);
}

/* "options MODULE …" lines of modprobe.d: @fn(data, options, module) */
int kmod_config_options(struct vfioadm_ctx *ctx, alias_fn fn, void *data)
{
	return config_walk(ctx, true, fn, data);
}

int kmod_module_aliases(struct vfioadm_ctx *ctx, const char *module, alias_fn fn, void *data)
{
	struct kmod_ctx *k;
	int r = kmod_ctx_get(ctx, &k);
	if (r < 0)
		return r;
	struct kmod_module *mod;
	r = sym_kmod_module_new_from_name(k, module, &mod);
	if (r < 0)
		return r;
	struct kmod_list *info = NULL, *it;
	r = sym_kmod_module_get_info(mod, &info);
	if (r >= 0) {
		r = 0;
		foreach_kmod_list(it, info) {
			if (streq(sym_kmod_module_info_get_key(it), "alias"))
				r = fn(data, sym_kmod_module_info_get_value(it), module);
			if (r < 0)
				break;
		}
		sym_kmod_module_info_free_list(info);
	}
	sym_kmod_module_unref(mod);
	return r;
}

/* Loaded and initialised ("live"), or built in (a /sys/module entry without initstate). */
bool kmod_module_live(struct vfioadm_ctx *ctx, const char *module)
{
	char norm[VFIOADM_NAME_MAX], path[PATH_MAX], state[16] = "";
	if (streq(ctx->loaded_module, module))
		return true; /* this run saw it live already */
	module_normalize(module, norm);
	snprintf(path, sizeof(path), "/sys/module/%s", norm);
	_cleanup_close_ int dfd = root_open(ctx, path, O_RDONLY | O_DIRECTORY);
	if (dfd < 0)
		return false;
	int r = attr_read(dfd, "initstate", state, sizeof(state));
	return r == -ENOENT || streq(state, "live");
}

int kmod_load(struct vfioadm_ctx *ctx, const char *module)
{
	if (streq(ctx->loaded_module, module))
		return 0; /* this run loaded it already: every VF of a PF asks for the same one */
	narrate(ctx, "load", module, NULL);
	if (ctx->dry_run)
		return 0;
	if (!ctx_is_host(ctx))
		return -EROFS;
	if (kmod_module_live(ctx, module)) { /* as modprobe itself would find: nothing to do */
		strscpy(ctx->loaded_module, sizeof(ctx->loaded_module), module);
		return 0;
	}
	struct kmod_ctx *k;
	int r = kmod_ctx_get(ctx, &k);
	if (r < 0)
		return r;
	struct kmod_module *mod;
	if ((r = sym_kmod_module_new_from_name(k, module, &mod)) < 0)
		return r;
	/* an explicit request, as `modprobe NAME`: blacklists do not apply; loaded is fine */
	r = sym_kmod_module_probe_insert_module(mod, 0, NULL, NULL, NULL, NULL);
	sym_kmod_module_unref(mod);
	if (r == -EEXIST)
		r = 0;
	if (r == 0)
		strscpy(ctx->loaded_module, sizeof(ctx->loaded_module), module);
	return r;
}

EXPORT int vfioadm_load_module(struct vfioadm_ctx *ctx, const char *module)
{
	return vfioadm_driver_name_valid(module) ? kmod_load(ctx, module) : -EINVAL;
}
