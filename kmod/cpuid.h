/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CPUID (cpuid.c): what lvmm supports, a vCPU's table (KVM_SET_CPUID2),
 * and the guest's CPUID instruction.
 */
#ifndef LVMM_CPUID_H
#define LVMM_CPUID_H

#include <linux/kvm.h>
#include <linux/types.h>

struct lvmm_vcpu;

#define LVMM_MAX_CPUID		256	/* entries in a vCPU's CPUID table */

/* KVM's paravirtual leaves, above lvmm's own at 0x40000000. */
#define LVMM_KVM_CPUID_BASE	0x40000100
#define KVM_SIGNATURE_EBX	0x4b4d564b	/* "KVMKVMKVM\0\0\0" */
#define KVM_SIGNATURE_ECX	0x564b4d56
#define KVM_SIGNATURE_EDX	0x0000004d

int lvmm_cpuid_init(u32 pv_features);
void lvmm_cpuid_exit(void);
int lvmm_get_supported_cpuid(struct kvm_cpuid2 __user *ucpuid);
void lvmm_vcpu_default_cpuid(struct lvmm_vcpu *vcpu);
int lvmm_set_cpuid2(struct lvmm_vcpu *vcpu, struct kvm_cpuid2 __user *u);
int lvmm_get_cpuid2(struct lvmm_vcpu *vcpu, struct kvm_cpuid2 __user *u);
void lvmm_emulate_cpuid(struct lvmm_vcpu *vcpu);
void lvmm_filter_cpuid(struct kvm_cpuid_entry2 *e);
struct kvm_cpuid_entry2 *lvmm_cpuid_entry(struct lvmm_vcpu *vcpu, u32 f,
					  u32 index);

#endif /* LVMM_CPUID_H */
