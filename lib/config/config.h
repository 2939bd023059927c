/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The configuration layer (lib/config/): the declarative configuration, its plan and apply.
 * The top of libvfioadm: it may call every layer below.
 */
#pragma once

#include "cap/cap.h"

/* config/config.c: parse one file's text (the fuzzer's entry) */
int config_parse_text(const char *text, size_t len, struct vfioadm_config **ret,
		      struct vfioadm_config_error *err);

