/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's FPU and XSAVE state (fpu.c): KVM_GET/SET_FPU, _XSAVE and
 * _XCRS, and the rules for XCR0. lvmm_host_xcr0 is declared in arch.h, as
 * the backend reads it too.
 */
#ifndef LVMM_FPU_H
#define LVMM_FPU_H

#include <linux/kvm.h>
#include <linux/types.h>

struct lvmm_vcpu;

bool lvmm_xcr0_valid(u64 xcr0);
void lvmm_fpu_init(void);
int lvmm_xsave_size(void);
int lvmm_get_fpu(struct lvmm_vcpu *vcpu, struct kvm_fpu __user *u);
int lvmm_set_fpu(struct lvmm_vcpu *vcpu, struct kvm_fpu __user *u);
int lvmm_get_xsave(struct lvmm_vcpu *vcpu, void __user *u, unsigned int size);
int lvmm_set_xsave(struct lvmm_vcpu *vcpu, void __user *u);
int lvmm_get_xcrs(struct lvmm_vcpu *vcpu, struct kvm_xcrs __user *u);
int lvmm_set_xcrs(struct lvmm_vcpu *vcpu, struct kvm_xcrs __user *u);

#endif /* LVMM_FPU_H */
