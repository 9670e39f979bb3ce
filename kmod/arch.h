/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The seam between lvmm's generic core and a hardware backend.
 *
 * The core calls the hardware only through one struct lvmm_arch_ops, in the
 * manner of NetBSD NVMM's nvmm_impl. A backend is selected once, at module
 * load, by the first ->probe() that succeeds. Nothing outside kmod/svm/ (or a
 * future kmod/vmx/) knows what a VMCB is.
 */
#ifndef LVMM_ARCH_H
#define LVMM_ARCH_H

#include <linux/types.h>

/**
 * struct lvmm_feature - one hardware capability, as shown in sysfs
 * @name:  file name under /sys/kernel/lvmm/features/
 * @value: 0/1 for a flag, a count or revision otherwise
 */
struct lvmm_feature {
	const char *name;
	u32 value;
};

/**
 * struct lvmm_arch_ops - what a hardware backend provides
 * @name:        backend name, shown in /sys/kernel/lvmm/backend
 * @probe:       detect and check the hardware; on failure return a negative
 *               errno after logging one line that says why and what to do
 * @init:        allocate per-CPU resources once probe succeeded
 * @exit:        undo @init
 * @features:    the capabilities found by @probe; sets *@nr
 */
struct lvmm_arch_ops {
	const char *name;
	int (*probe)(void);
	int (*init)(void);
	void (*exit)(void);
	const struct lvmm_feature *(*features)(unsigned int *nr);
};

/* The backends built into this module, in order of preference. */
extern const struct lvmm_arch_ops lvmm_svm_ops;

#endif /* LVMM_ARCH_H */
