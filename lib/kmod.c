/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libkmod at the edge: the only file that talks to libkmod, so vfioadm and modprobe agree on
 * which modules exist for a key. The module directory and modprobe.d paths are those under
 * the context's root; libkmod's messages are routed into our log at debug level.
 */
#include <libkmod.h>
#include <stdarg.h>

#include "internal.h"

static void kmod_log_to_ours(void *data, int priority _unused_, const char *file _unused_,
			     int line _unused_, const char *fn _unused_, const char *format,
			     va_list args)
{
	char msg[512];
	vsnprintf(msg, sizeof(msg), format, args);
	msg[strcspn(msg, "\n")] = '\0';
	dbg(data, "libkmod: %s", msg);
}

int kmod_ctx_get(struct vfioadm_ctx *ctx, struct kmod_ctx **ret)
{
	if (ctx->kmod) {
		*ret = ctx->kmod;
		return 0;
	}
	char moddir[PATH_MAX];
	snprintf(moddir, sizeof(moddir), "%s/lib/modules/%s", ctx->root, vfioadm_kernel_release(ctx));
	if (access(moddir, F_OK) < 0)
		return -ENOENT;
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
	struct kmod_ctx *k = kmod_new(moddir, confs);
	if (!k)
		return -ENOMEM;
	kmod_set_log_fn(k, kmod_log_to_ours, ctx);
	kmod_set_log_priority(k, 7);
	ctx->kmod = k;
	*ret = k;
	return 0;
}

void kmod_ctx_free(struct vfioadm_ctx *ctx)
{
	if (ctx->kmod)
		kmod_unref(ctx->kmod);
	ctx->kmod = NULL;
}

int kmod_lookup_modules(struct vfioadm_ctx *ctx, const char *key, module_name_fn fn, void *data)
{
	struct kmod_ctx *k;
	int r = kmod_ctx_get(ctx, &k);
	if (r < 0)
		return r;
	struct kmod_list *list = NULL, *it;
	r = kmod_module_new_from_lookup(k, key, &list);
	if (r < 0)
		return r;
	int n = 0;
	kmod_list_foreach(it, list) {
		struct kmod_module *mod = kmod_module_get_module(it);
		r = fn(data, kmod_module_get_name(mod));
		kmod_module_unref(mod);
		if (r < 0)
			break;
		n++;
	}
	kmod_module_unref_list(list);
	return r < 0 ? r : n;
}

int kmod_config_pins(struct vfioadm_ctx *ctx, alias_fn fn, void *data)
{
	struct kmod_ctx *k;
	int r = kmod_ctx_get(ctx, &k);
	if (r < 0)
		return r;
	struct kmod_config_iter *it = kmod_config_get_aliases(k);
	if (!it)
		return 0;
	r = 0;
	while (r >= 0 && kmod_config_iter_next(it))
		r = fn(data, kmod_config_iter_get_key(it), kmod_config_iter_get_value(it));
	kmod_config_iter_free_iter(it);
	return r;
}

int kmod_module_aliases(struct vfioadm_ctx *ctx, const char *module, alias_fn fn, void *data)
{
	struct kmod_ctx *k;
	int r = kmod_ctx_get(ctx, &k);
	if (r < 0)
		return r;
	struct kmod_module *mod;
	r = kmod_module_new_from_name(k, module, &mod);
	if (r < 0)
		return r;
	struct kmod_list *info = NULL, *it;
	r = kmod_module_get_info(mod, &info);
	if (r >= 0) {
		r = 0;
		kmod_list_foreach(it, info) {
			if (streq(kmod_module_info_get_key(it), "alias"))
				r = fn(data, kmod_module_info_get_value(it), module);
			if (r < 0)
				break;
		}
		kmod_module_info_free_list(info);
	}
	kmod_module_unref(mod);
	return r;
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
	struct kmod_ctx *k;
	int r = kmod_ctx_get(ctx, &k);
	if (r < 0)
		return r;
	struct kmod_module *mod;
	if ((r = kmod_module_new_from_name(k, module, &mod)) < 0)
		return r;
	/* an explicit request, as `modprobe NAME`: blacklists do not apply; loaded is fine */
	r = kmod_module_probe_insert_module(mod, 0, NULL, NULL, NULL, NULL);
	kmod_module_unref(mod);
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
