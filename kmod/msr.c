// SPDX-License-Identifier: GPL-2.0
/*
 * RDMSR and WRMSR: every MSR access exits (the MSR permission map is all
 * ones). The backend keeps the MSRs that live in its control block; an MSR
 * nobody knows raises #GP in the guest, is counted, and is named in a
 * rate-limited kernel message.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <asm/trapnr.h>

#include "lvmm.h"

static const u8 op_rdmsr[] = { 0x0f, 0x32 };
static const u8 op_wrmsr[] = { 0x0f, 0x30 };

static int lvmm_msr_done(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit,
			 const u8 *op)
{
	if (lvmm_skip_insn(vcpu, exit, op, 2)) {
		vcpu->run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
		vcpu->run->internal.suberror = KVM_INTERNAL_ERROR_EMULATION;
		vcpu->run->internal.ndata = 0;
		return 0;
	}
	return 1;
}

static int lvmm_msr_fault(struct lvmm_vcpu *vcpu, u32 index, bool write,
			  int err)
{
	if (err == -ENOENT) {
		vcpu->stats.unknown_msrs++;
		pr_info_ratelimited("vm %u vcpu %u: %s of unknown MSR 0x%x: #GP\n",
				    vcpu->vm->id, vcpu->id,
				    write ? "wrmsr" : "rdmsr", index);
	}
	lvmm_arch->queue_exception(vcpu, X86_TRAP_GP, true, 0);
	return 1;
}

int lvmm_emulate_rdmsr(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	u32 index = vcpu->gpr[RCX];
	u64 data;
	int ret;

	ret = lvmm_arch->get_msr(vcpu, index, &data);
	if (ret)
		return lvmm_msr_fault(vcpu, index, false, ret);
	vcpu->gpr[RAX] = (u32)data;
	vcpu->gpr[RDX] = data >> 32;
	return lvmm_msr_done(vcpu, exit, op_rdmsr);
}

int lvmm_emulate_wrmsr(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	u32 index = vcpu->gpr[RCX];
	u64 data = (vcpu->gpr[RDX] << 32) | (u32)vcpu->gpr[RAX];
	int ret;

	ret = lvmm_arch->set_msr(vcpu, index, data);
	if (ret)
		return lvmm_msr_fault(vcpu, index, true, ret);
	return lvmm_msr_done(vcpu, exit, op_wrmsr);
}
