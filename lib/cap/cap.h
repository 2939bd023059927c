/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The capability layer (lib/cap/): what is built on transactions and the model: SR-IOV VFs,
 * mediated devices, the VFIO fd probe. Built on the transaction layer and below.
 */
#pragma once

#include "txn/txn.h"

/* cap/sriov.c: VF @i's address from the PF's First VF Offset and VF Stride */
void vf_address(const char *pf, long offset, long stride, unsigned i, char out[VFIOADM_BDF_MAX]);
