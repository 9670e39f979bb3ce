// SPDX-License-Identifier: GPL-2.0
/*
 * Machine-check banks (KVM_X86_SETUP_MCE, api.rst 4.105). lvmm offers no
 * MCE or MCA in its CPUID and never raises a machine check, but a VMM may
 * still set banks up (QEMU asks for KVM_CAP_MCE before anything else):
 * then the guest's MCG_CAP, MCG_STATUS and MCi_CTL/STATUS/ADDR/MISC hold
 * what it and the VMM write, with KVM's rules. Before that every
 * machine-check MSR raises #GP, as it always did. The MCG_CAP feature bits
 * are KVM's on AMD: MCG_CTL (so MCG_CTL exists) and SER (which names the
 * meaning of status bits no bank here ever sets).
 */
#include <linux/kvm.h>
#include <linux/nospec.h>
#include <linux/uaccess.h>
#include <asm/mce.h>
#include <asm/msr-index.h>

#include "msr.h"
#include "vcpu.h"

#define HWCR_MCSTATUSWREN	BIT_ULL(18)

int lvmm_mce_setup(struct lvmm_vcpu *vcpu, u64 __user *u)
{
	unsigned int banks, i;
	u64 mcg_cap;

	if (get_user(mcg_cap, u))
		return -EFAULT;
	banks = mcg_cap & MCG_BANKCNT_MASK;
	if (!banks || banks > LVMM_MCE_BANKS)
		return -EINVAL;
	/* Bits 23:16 are MCG_EXT_CNT, accepted as KVM accepts them. */
	if (mcg_cap & ~(LVMM_MCG_CAP_SUPPORTED | MCG_BANKCNT_MASK |
			GENMASK_ULL(23, 16)))
		return -EINVAL;
	vcpu->mce.mcg_cap = mcg_cap;
	if (mcg_cap & MCG_CTL_P)
		vcpu->mce.mcg_ctl = ~0ULL;		/* all enabled */
	for (i = 0; i < banks; i++)
		vcpu->mce.banks[i * 4] = ~0ULL;		/* MCi_CTL: all on */
	return 0;
}

static int bank_offset(struct lvmm_vcpu *vcpu, u32 index)
{
	u32 last = MSR_IA32_MC0_CTL + 4 * (vcpu->mce.mcg_cap & MCG_BANKCNT_MASK);

	if (index < MSR_IA32_MC0_CTL || index >= last)
		return -1;
	return array_index_nospec(index - MSR_IA32_MC0_CTL,
				  last - MSR_IA32_MC0_CTL);
}

static bool is_mce_msr(u32 index)
{
	return index == MSR_IA32_MCG_CAP || index == MSR_IA32_MCG_STATUS ||
	       index == MSR_IA32_MCG_CTL ||
	       (index >= MSR_IA32_MC0_CTL &&
		index < MSR_IA32_MC0_CTL + 4 * LVMM_MCE_BANKS);
}

/* 0; -ENOENT if no bank keeps @index; -EINVAL to fault. */
int lvmm_mce_get_msr(struct lvmm_vcpu *vcpu, u32 index, u64 *data)
{
	struct lvmm_mce *m = &vcpu->mce;
	int off;

	/* Not set up: nobody keeps it, and the access faults as before. */
	if (!is_mce_msr(index) || !m->mcg_cap)
		return -ENOENT;
	switch (index) {
	case MSR_IA32_MCG_CAP:
		*data = m->mcg_cap;
		return 0;
	case MSR_IA32_MCG_STATUS:
		*data = m->mcg_status;
		return 0;
	case MSR_IA32_MCG_CTL:
		if (!(m->mcg_cap & MCG_CTL_P))
			return -EINVAL;
		*data = m->mcg_ctl;
		return 0;
	}
	off = bank_offset(vcpu, index);
	if (off < 0)
		return -EINVAL;
	*data = m->banks[off];
	return 0;
}

int lvmm_mce_set_msr(struct lvmm_vcpu *vcpu, u32 index, u64 data, bool host)
{
	struct lvmm_mce *m = &vcpu->mce;
	int off;

	/* Not set up: nobody keeps it, and the access faults as before. */
	if (!is_mce_msr(index) || !m->mcg_cap)
		return -ENOENT;
	switch (index) {
	case MSR_IA32_MCG_CAP:
		return -EINVAL;		/* read-only; KVM_X86_SETUP_MCE sets it */
	case MSR_IA32_MCG_STATUS:
		m->mcg_status = data;
		return 0;
	case MSR_IA32_MCG_CTL:
		/* 0 or all ones, and only with MCG_CTL_P (a VMM may write 0). */
		if (!(m->mcg_cap & MCG_CTL_P) && (data || !host))
			return -EINVAL;
		if (data && data != ~0ULL)
			return -EINVAL;
		m->mcg_ctl = data;
		return 0;
	}
	off = bank_offset(vcpu, index);
	if (off < 0)
		return -EINVAL;
	/*
	 * MCi_CTL takes 0 or all ones; bit 10 and bit 0 may be clear too, for
	 * old Linux and UnixWare (KVM's comment). MCi_STATUS takes 0, or
	 * anything with HWCR.McStatusWrEn, as on AMD.
	 */
	if (off % 4 == 0 && data && (data | BIT_ULL(10) | 1) != ~0ULL)
		return -EINVAL;
	if (off % 4 == 1 && !host && data &&
	    !(vcpu->msrs.hwcr & HWCR_MCSTATUSWREN))
		return -EINVAL;
	m->banks[off] = data;
	return 0;
}
