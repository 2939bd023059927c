/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The choice layer (lib/choice/): which VFIO driver a function should get, from the module
 * indexes through libkmod (so vfioadm and modprobe agree), and loading it. Built on the
 * model and access layers.
 */
#pragma once

#include "model/model.h"

struct kmod_ctx;

#define GENERIC_MODULE "vfio_pci" /* the catch-all VFIO driver's module */

/* ---- choice/kmod.c: the only user of libkmod ---- */
typedef int (*module_name_fn)(void *data, const char *module);
typedef int (*alias_fn)(void *data, const char *pattern, const char *module);
int kmod_ctx_get(struct vfioadm_ctx *ctx, struct kmod_ctx **ret);
/* The modules modprobe would consider for @key, in libkmod's order. Returns count or -errno. */
int kmod_lookup_modules(struct vfioadm_ctx *ctx, const char *key, module_name_fn fn, void *data);
/* Every `alias PATTERN MODULE` line of modprobe.d. */
int kmod_config_pins(struct vfioadm_ctx *ctx, alias_fn fn, void *data);
/* The alias patterns in a module's own modinfo. */
int kmod_module_aliases(struct vfioadm_ctx *ctx, const char *module, alias_fn fn, void *data);

int kmod_load(struct vfioadm_ctx *ctx, const char *module);
/* Is @module (or the driver name spelt with '-') loaded and live, or built in? No libkmod. */
bool kmod_module_live(struct vfioadm_ctx *ctx, const char *module);

/* ---- choice/alias.c pure helpers (unit-tested) ---- */
/* Score a vfio_pci: pattern: wildcard fields among v d sv sd bc sc i (a missing field counts
 * as a wildcard; a literal with modpost's trailing '*', "i00*", counts as literal) and the
 * number of literal hex digits. Returns 0 or -EINVAL when it is not a vfio_pci: pattern. */
int alias_pattern_score(const char *pattern, int *ret_wildcards, int *ret_digits);
/* Candidate order: fewer wildcards, more digits, earlier modules.alias line. */
int candidate_cmp(const void *a, const void *b);

