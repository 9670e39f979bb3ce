/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Counters exported under /sys/kernel/lvmm/ (see stats.c).
 *
 * A vCPU's counters are written only by the thread running it, so they are
 * plain u64s read without locks; a reader may see a value a few exits old.
 */
#ifndef LVMM_STATS_H
#define LVMM_STATS_H

#include <linux/atomic.h>
#include <linux/types.h>

#include "arch.h"

struct lvmm_vcpu_stats {
	u64 entries;
	u64 exits[LVMM_EXIT_NR_REASONS];
	u64 mmio_exits;			/* NPFs that went out as MMIO */
	u64 userspace_exits;		/* KVM_RUN returns to the VMM */
	u64 unknown_msrs;		/* #GP injected for an MSR */
	u64 halt_waits;			/* HLT slept for the in-kernel APIC */
	u64 guest_ns;			/* time between VMRUN and #VMEXIT */
};

struct lvmm_vm_stats {
	atomic64_t pages;		/* guest pages mapped in the NPT */
	atomic64_t pages_merged;	/* merges into a shared page */
	atomic64_t cow_breaks;		/* private copies of shared pages */
};

/* Module-wide totals. */
struct lvmm_global_stats {
	atomic64_t vms_created;
	atomic_t vms;
	atomic_t vcpus;
	atomic64_t exits;
};

extern struct lvmm_global_stats lvmm_stats;

struct kobject;
struct lvmm_vcpu;
struct lvmm_vm;

/* The counters' sysfs files (stats.c). */
int lvmm_vm_sysfs_add(struct lvmm_vm *vm);
void lvmm_vm_sysfs_del(struct lvmm_vm *vm);
int lvmm_vcpu_sysfs_add(struct lvmm_vcpu *vcpu);
void lvmm_vcpu_sysfs_del(struct lvmm_vcpu *vcpu);
int lvmm_stats_sysfs_init(struct kobject *parent);
void lvmm_stats_sysfs_exit(void);

#endif /* LVMM_STATS_H */
