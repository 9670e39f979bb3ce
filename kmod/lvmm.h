/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generic core of lvmm: what the core's files share with each other.
 */
#ifndef LVMM_H
#define LVMM_H

#include "arch.h"

#define LVMM_VERSION	"0.1.0"

/* The backend chosen at module load; constant afterwards. */
extern const struct lvmm_arch_ops *lvmm_arch;

int lvmm_sysfs_init(void);
void lvmm_sysfs_exit(void);

#endif /* LVMM_H */
