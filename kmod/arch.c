// SPDX-License-Identifier: GPL-2.0
/*
 * The backend every core file calls through (arch.h). lvmm_init() sets it
 * once, before /dev/lvmm exists; it is constant afterwards, so it is read
 * without locks.
 */
#include "arch.h"
#include "core.h"

const struct lvmm_arch_ops *lvmm_arch;
