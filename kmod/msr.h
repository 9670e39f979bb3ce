/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MSRs: the guest's RDMSR and WRMSR (msr.c), KVM_GET_MSRS and
 * KVM_SET_MSRS (msr.c), and the MSRs the core itself keeps (msr_state.c).
 */
#ifndef LVMM_MSR_H
#define LVMM_MSR_H

#include <linux/kvm.h>
#include <linux/types.h>

struct lvmm_exit;
struct lvmm_vcpu;

/* MTRR MSRs, by number (the kernel's names are CamelCase). */
#define LVMM_MSR_MTRR_CAP		0x0fe
#define LVMM_MSR_MTRR_FIX64K		0x250
#define LVMM_MSR_MTRR_FIX16K_80000	0x258
#define LVMM_MSR_MTRR_FIX16K_A0000	0x259
#define LVMM_MSR_MTRR_FIX4K_FIRST	0x268
#define LVMM_MSR_MTRR_FIX4K_LAST	0x26f
#define LVMM_MSR_MTRR_DEF_TYPE		0x2ff

/**
 * struct lvmm_msr_state - MSRs the core keeps (msr_state.c)
 * @mtrr_def_type: IA32_MTRR_DEF_TYPE
 * @mtrr_fixed:    the eleven fixed-range MTRRs
 * @mtrr_var:      base and mask of the eight variable ranges
 * @misc_enable:   IA32_MISC_ENABLE
 * @hwcr:          the AMD HWCR
 * @ucode_rev:     the patch level the guest reads; only the VMM sets it
 */
struct lvmm_msr_state {
	u64 mtrr_def_type;
	u64 mtrr_fixed[11];
	u64 mtrr_var[16];
	u64 misc_enable;
	u64 hwcr;
	u64 ucode_rev;
};

/* KVM's KVM_MAX_MCE_BANKS, and its MCG_CAP feature bits on AMD. */
#define LVMM_MCE_BANKS		32
#define LVMM_MCG_CAP_SUPPORTED	(BIT_ULL(8) | BIT_ULL(24))	/* CTL_P, SER_P */

/**
 * struct lvmm_mce - machine-check banks (mce.c)
 * @mcg_cap:    IA32_MCG_CAP from KVM_X86_SETUP_MCE; 0: none set up
 * @mcg_status: IA32_MCG_STATUS
 * @mcg_ctl:    IA32_MCG_CTL, with MCG_CTL_P
 * @banks:      MCi_CTL, MCi_STATUS, MCi_ADDR, MCi_MISC of each bank
 */
struct lvmm_mce {
	u64 mcg_cap;
	u64 mcg_status;
	u64 mcg_ctl;
	u64 banks[4 * LVMM_MCE_BANKS];
};

/* mce.c */
int lvmm_mce_setup(struct lvmm_vcpu *vcpu, u64 __user *u);
int lvmm_mce_get_msr(struct lvmm_vcpu *vcpu, u32 index, u64 *data);
int lvmm_mce_set_msr(struct lvmm_vcpu *vcpu, u32 index, u64 data, bool host);

/* msr_state.c */
void lvmm_msr_state_reset(struct lvmm_vcpu *vcpu);
int lvmm_get_msr(struct lvmm_vcpu *vcpu, u32 index, u64 *data, bool host);
int lvmm_set_msr(struct lvmm_vcpu *vcpu, u32 index, u64 data, bool host);

/* msr.c */
int lvmm_emulate_rdmsr(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit);
int lvmm_emulate_wrmsr(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit);
int lvmm_get_msr_index_list(struct kvm_msr_list __user *u, bool features);
int lvmm_vcpu_msrs(struct lvmm_vcpu *vcpu, struct kvm_msrs __user *u,
		   bool write);

#endif /* LVMM_MSR_H */
