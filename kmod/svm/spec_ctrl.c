// SPDX-License-Identifier: GPL-2.0
/*
 * Speculation control for guests: IA32_SPEC_CTRL and IA32_PRED_CMD, only
 * where the host has them (CPUID offers a guest what the host has, see
 * lvmm_filter_cpuid()).
 *
 * Every guest MSR access exits, so the guest's SPEC_CTRL can only change
 * here and need not be read back after an exit. With V_SPEC_CTRL the CPU
 * swaps it on VMRUN and #VMEXIT from the VMCB. Without it lvmm writes the
 * MSR right before VMRUN and right after, with interrupts off and only if
 * the guest's value differs from the host's: in between, for a few dozen
 * instructions of lvmm's own entry code, the host runs with the guest's
 * value. KVM closes that window in assembly; lvmm accepts it and says so
 * in Documentation/security.rst.
 */
#include <asm/cpufeature.h>
#include <asm/msr-index.h>
#include <asm/msr.h>
#include <asm/nospec-branch.h>

#include "../arch.h"
#include "../vcpu.h"
#include "svm.h"

/* The SPEC_CTRL bits a guest may set: those the host's CPU has. */
static u64 spec_ctrl_valid(void)
{
	u64 ok = 0;

	if (!boot_cpu_has(X86_FEATURE_MSR_SPEC_CTRL))
		return 0;
	if (boot_cpu_has(X86_FEATURE_AMD_IBRS))
		ok |= SPEC_CTRL_IBRS;
	if (boot_cpu_has(X86_FEATURE_AMD_STIBP))
		ok |= SPEC_CTRL_STIBP;
	if (boot_cpu_has(X86_FEATURE_AMD_SSBD))
		ok |= SPEC_CTRL_SSBD;
	return ok;
}

/* 0, -ENOENT when the host has no such MSR, -EINVAL when it faults. */
int svm_get_spec_msr(struct lvmm_vcpu *vcpu, u32 index, u64 *data)
{
	switch (index) {
	case MSR_IA32_SPEC_CTRL:
		if (!boot_cpu_has(X86_FEATURE_MSR_SPEC_CTRL))
			return -ENOENT;
		*data = to_svm(vcpu)->spec_ctrl;
		return 0;
	case MSR_IA32_PRED_CMD:
		/* Write-only. */
		return boot_cpu_has(X86_FEATURE_IBPB) ? -EINVAL : -ENOENT;
	}
	return -ENOENT;
}

int svm_set_spec_msr(struct lvmm_vcpu *vcpu, u32 index, u64 data)
{
	struct svm_vcpu *sv = to_svm(vcpu);

	switch (index) {
	case MSR_IA32_SPEC_CTRL:
		if (!boot_cpu_has(X86_FEATURE_MSR_SPEC_CTRL))
			return -ENOENT;
		if (data & ~spec_ctrl_valid())
			return -EINVAL;
		sv->spec_ctrl = data;
		if (boot_cpu_has(X86_FEATURE_V_SPEC_CTRL))
			sv->vmcb->save.spec_ctrl = data;
		return 0;
	case MSR_IA32_PRED_CMD:
		if (!boot_cpu_has(X86_FEATURE_IBPB))
			return -ENOENT;
		if (data & ~PRED_CMD_IBPB)
			return -EINVAL;
		if (data)
			wrmsrl(MSR_IA32_PRED_CMD, x86_pred_cmd);
		return 0;
	}
	return -ENOENT;
}

/* Interrupts off, right before VMRUN. */
void svm_spec_ctrl_enter(struct svm_vcpu *sv)
{
	if (boot_cpu_has(X86_FEATURE_MSR_SPEC_CTRL) &&
	    !boot_cpu_has(X86_FEATURE_V_SPEC_CTRL) &&
	    sv->spec_ctrl != this_cpu_read(x86_spec_ctrl_current))
		native_wrmsrl(MSR_IA32_SPEC_CTRL, sv->spec_ctrl);
}

/* Interrupts off, right after #VMEXIT. */
void svm_spec_ctrl_exit(struct svm_vcpu *sv)
{
	u64 host = this_cpu_read(x86_spec_ctrl_current);

	if (boot_cpu_has(X86_FEATURE_MSR_SPEC_CTRL) &&
	    !boot_cpu_has(X86_FEATURE_V_SPEC_CTRL) && sv->spec_ctrl != host)
		native_wrmsrl(MSR_IA32_SPEC_CTRL, host);
}
