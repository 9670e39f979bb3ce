/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exit handling: the dispatch (exits.c) and the handlers it calls that
 * have no header of their own. Port I/O and MMIO are in pio.h and mmio.h.
 *
 * Exit handlers return 1 to enter the guest again, 0 to return to the VMM
 * with struct kvm_run filled in, or a negative errno for KVM_RUN.
 */
#ifndef LVMM_EXITS_H
#define LVMM_EXITS_H

#include <linux/types.h>

struct lvmm_exit;
struct lvmm_vcpu;

/* exits.c */
int lvmm_handle_exit(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit);
int lvmm_complete_userspace_exit(struct lvmm_vcpu *vcpu);

/* debugreg.c */
int lvmm_handle_dr(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit);

/* hypercall.c */
int lvmm_handle_hypercall(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit);
int lvmm_handle_ud(struct lvmm_vcpu *vcpu);
int lvmm_complete_hypercall(struct lvmm_vcpu *vcpu);

/* internal_error.c: KVM_EXIT_INTERNAL_ERROR, with what the VMM needs */
void lvmm_internal_error(struct lvmm_vcpu *vcpu, u32 suberror,
			 struct lvmm_exit *exit);
void lvmm_delivery_error(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit);
int lvmm_emulation_failed(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit);

#endif /* LVMM_EXITS_H */
