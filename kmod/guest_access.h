/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest virtual memory (guest_access.c): a walk of the guest's page tables
 * from the exit's control state, and copies through it.
 */
#ifndef LVMM_GUEST_ACCESS_H
#define LVMM_GUEST_ACCESS_H

#include <linux/types.h>

struct lvmm_vcpu;

int lvmm_gva_to_gpa(struct lvmm_vcpu *vcpu, u64 gva, bool write, u64 *gpa);
int lvmm_read_guest_virt(struct lvmm_vcpu *vcpu, u64 gva, void *buf,
			 size_t len);
int lvmm_write_guest_virt(struct lvmm_vcpu *vcpu, u64 gva, const void *buf,
			  size_t len);

#endif /* LVMM_GUEST_ACCESS_H */
