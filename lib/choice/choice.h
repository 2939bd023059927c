/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The choice layer (lib/choice/): which VFIO driver a function should get, from the module
 * indexes (model/kmod.c asks libkmod, so vfioadm and modprobe agree). Built on the model and
 * access layers.
 */
#pragma once

#include "model/model.h"

/* ---- choice/alias.c pure helpers (unit-tested) ---- */
/* Score a vfio_pci: pattern: wildcard fields among v d sv sd bc sc i (a missing field counts
 * as a wildcard; a literal with modpost's trailing '*', "i00*", counts as literal) and the
 * number of literal hex digits. Returns 0 or -EINVAL when it is not a vfio_pci: pattern. */
int alias_pattern_score(const char *pattern, int *ret_wildcards, int *ret_digits);
/* Candidate order: fewer wildcards, more digits, earlier modules.alias line. */
int candidate_cmp(const void *a, const void *b);

