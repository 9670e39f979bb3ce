/* SPDX-License-Identifier: GPL-2.0 */
/* KVM_SET_SREGS(2) checks (sregs.c): what a VMM may load into a vCPU. */
#ifndef LVMM_SREGS_H
#define LVMM_SREGS_H

#include <linux/kvm.h>
#include <linux/types.h>

struct lvmm_vcpu;

u64 lvmm_cr4_allowed(struct lvmm_vcpu *vcpu);
int lvmm_check_sregs(struct lvmm_vcpu *vcpu, const struct kvm_sregs *s);

#endif /* LVMM_SREGS_H */
