/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmclock (pvclock.c): the paravirtual clock KVM guests read, and the
 * VM-wide reference KVM_GET_CLOCK and KVM_SET_CLOCK move.
 */
#ifndef LVMM_PVCLOCK_H
#define LVMM_PVCLOCK_H

#include <linux/kvm.h>
#include <linux/seqlock.h>
#include <linux/types.h>

struct lvmm_vcpu;
struct lvmm_vm;

#define LVMM_CLOCK_VALID_FLAGS	(KVM_CLOCK_TSC_STABLE | KVM_CLOCK_REALTIME | \
				 KVM_CLOCK_HOST_TSC)

/**
 * struct lvmm_clock - a VM's kvmclock: guest ns as one function of the
 * host TSC, ref_ns + scale(TSC - ref_tsc), for all vCPUs
 * @lock:           (seqlock, a leaf) @ref_tsc and @ref_ns; written only by
 *                  KVM_SET_CLOCK
 * @ref_tsc:        host TSC at the reference point
 * @ref_ns:         guest ns at @ref_tsc (0 at VM creation)
 * @mul:            tsc_to_system_mul, from tsc_khz at VM creation
 * @shift:          tsc_shift, likewise
 * @wall_clock_msr: MSR_KVM_WALL_CLOCK(_NEW) as last written (VM-wide, as KVM)
 */
struct lvmm_clock {
	seqlock_t lock;
	u64 ref_tsc;
	u64 ref_ns;
	u32 mul;
	s8 shift;
	u64 wall_clock_msr;
};

void lvmm_pvclock_scale(u64 hz, u32 *mul, s8 *shift);
u32 lvmm_pvclock_cpuid_features(void);
void lvmm_clock_init(struct lvmm_vm *vm);
void lvmm_pvclock_update(struct lvmm_vcpu *vcpu);
void lvmm_pvclock_request(struct lvmm_vcpu *vcpu);
int lvmm_pvclock_get_msr(struct lvmm_vcpu *vcpu, u32 index, u64 *data,
			 bool host);
int lvmm_pvclock_set_msr(struct lvmm_vcpu *vcpu, u32 index, u64 data,
			 bool host);
int lvmm_get_clock(struct lvmm_vm *vm, struct kvm_clock_data __user *u);
int lvmm_set_clock(struct lvmm_vm *vm, struct kvm_clock_data __user *u);

#endif /* LVMM_PVCLOCK_H */
