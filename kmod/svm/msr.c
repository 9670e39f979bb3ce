// SPDX-License-Identifier: GPL-2.0
/*
 * MSRs whose guest value lives in the VMCB or in struct svm_vcpu.
 * The core (kmod/msr.c) handles the rest and turns -ENOENT into #GP.
 */
#include <asm/msr-index.h>
#include <asm/msr.h>

#include "../arch.h"
#include "../vcpu.h"
#include "svm.h"

static bool is_canonical(u64 addr)
{
	return (u64)((s64)(addr << 16) >> 16) == addr;
}

int svm_get_msr(struct lvmm_vcpu *vcpu, u32 index, u64 *data)
{
	struct svm_vcpu *sv = to_svm(vcpu);
	struct vmcb_save_area *save = &sv->vmcb->save;

	switch (index) {
	case MSR_EFER:
		*data = save->efer & ~EFER_SVME;
		break;
	case MSR_STAR:
		*data = save->star;
		break;
	case MSR_LSTAR:
		*data = save->lstar;
		break;
	case MSR_CSTAR:
		*data = save->cstar;
		break;
	case MSR_SYSCALL_MASK:
		*data = save->sfmask;
		break;
	case MSR_KERNEL_GS_BASE:
		*data = save->kernel_gs_base;
		break;
	case MSR_FS_BASE:
		*data = save->fs.base;
		break;
	case MSR_GS_BASE:
		*data = save->gs.base;
		break;
	case MSR_IA32_SYSENTER_CS:
		*data = save->sysenter_cs;
		break;
	case MSR_IA32_SYSENTER_ESP:
		*data = save->sysenter_esp;
		break;
	case MSR_IA32_SYSENTER_EIP:
		*data = save->sysenter_eip;
		break;
	case MSR_IA32_CR_PAT:
		*data = save->g_pat;
		break;
	case MSR_IA32_TSC:
		*data = rdtsc() + sv->vmcb->control.tsc_offset;
		break;
	default:
		return svm_get_spec_msr(vcpu, index, data);
	}
	return 0;
}

int svm_set_msr(struct lvmm_vcpu *vcpu, u32 index, u64 data)
{
	struct svm_vcpu *sv = to_svm(vcpu);
	struct vmcb_save_area *save = &sv->vmcb->save;

	switch (index) {
	case MSR_EFER:
		if (data & ~(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX))
			return -EINVAL;
		/* LME may not change while paging is on; LMA is the CPU's. */
		if ((save->cr0 & X86_CR0_PG) &&
		    ((data ^ save->efer) & EFER_LME))
			return -EINVAL;
		save->efer = (data & ~EFER_LMA) | (save->efer & EFER_LMA) |
			     EFER_SVME;
		svm_mark_dirty(sv, BIT(SVM_CLEAN_CR));
		break;
	case MSR_STAR:
		save->star = data;
		break;
	case MSR_LSTAR:
	case MSR_CSTAR:
	case MSR_KERNEL_GS_BASE:
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_IA32_SYSENTER_ESP:
	case MSR_IA32_SYSENTER_EIP:
		if (!is_canonical(data))
			return -EINVAL;
		if (index == MSR_LSTAR)
			save->lstar = data;
		else if (index == MSR_CSTAR)
			save->cstar = data;
		else if (index == MSR_KERNEL_GS_BASE)
			save->kernel_gs_base = data;
		else if (index == MSR_FS_BASE)
			save->fs.base = data;
		else if (index == MSR_GS_BASE)
			save->gs.base = data;
		else if (index == MSR_IA32_SYSENTER_ESP)
			save->sysenter_esp = data;
		else
			save->sysenter_eip = data;
		break;
	case MSR_SYSCALL_MASK:
		save->sfmask = data;
		break;
	case MSR_IA32_SYSENTER_CS:
		save->sysenter_cs = data;
		break;
	case MSR_IA32_CR_PAT:
		save->g_pat = data;
		svm_mark_dirty(sv, BIT(SVM_CLEAN_NPT));
		break;
	case MSR_IA32_TSC:
		svm_set_tsc_offset(vcpu, data - rdtsc());
		break;
	default:
		return svm_set_spec_msr(vcpu, index, data);
	}
	return 0;
}

u64 svm_tsc_offset(struct lvmm_vcpu *vcpu)
{
	return to_svm(vcpu)->vmcb->control.tsc_offset;
}

void svm_set_tsc_offset(struct lvmm_vcpu *vcpu, u64 offset)
{
	struct svm_vcpu *sv = to_svm(vcpu);

	sv->vmcb->control.tsc_offset = offset;
	svm_mark_dirty(sv, BIT(SVM_CLEAN_INTERCEPTS));
}
