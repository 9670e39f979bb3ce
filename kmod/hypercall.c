// SPDX-License-Identifier: GPL-2.0
/*
 * Hypercalls: VMMCALL, with the ABI of uapi/linux/lvmm.h and
 * Documentation/hypercalls.rst. VMCALL, Intel's instruction, raises #UD on
 * AMD; unless the VMM disabled KVM_X86_QUIRK_FIX_HYPERCALL_INSN, lvmm
 * rewrites it to VMMCALL in guest memory, as KVM does, so that a guest
 * built for either vendor can make hypercalls.
 */
#include <linux/kvm.h>
#include <linux/kvm_para.h>
#include <linux/sched.h>
#include <asm/trapnr.h>

#include <linux/lvmm.h>

#include "arch.h"
#include "core.h"
#include "exits.h"
#include "guest_access.h"
#include "insn.h"
#include "vcpu.h"
#include "vm.h"

static const u8 op_vmmcall[] = { 0x0f, 0x01, 0xd9 };
static const u8 op_vmcall[] = { 0x0f, 0x01, 0xc1 };

/* Outside 64-bit mode only EAX carries the result. */
static void set_result(struct lvmm_vcpu *vcpu, u64 ret, bool long_mode)
{
	vcpu->gpr[RAX] = long_mode ? ret : (u32)ret;
}

int lvmm_handle_hypercall(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	struct kvm_run *run = vcpu->run;
	u8 cpl = exit->state.cpl;
	u64 nr = vcpu->gpr[RAX];
	bool long_mode;
	s64 ret;

	long_mode = exit->state.mode == LVMM_MODE_LONG64;
	if (!long_mode)
		nr = (u32)nr;
	if (!lvmm_skip_and_resume(vcpu, exit, op_vmmcall, sizeof(op_vmmcall)))
		return 0;

	if (!cpl && nr == LVMM_HC_VMM) {
		run->exit_reason = KVM_EXIT_HYPERCALL;
		run->hypercall.nr = nr;
		run->hypercall.args[0] = vcpu->gpr[RBX];
		run->hypercall.args[1] = vcpu->gpr[RCX];
		run->hypercall.args[2] = vcpu->gpr[RDX];
		run->hypercall.args[3] = vcpu->gpr[RSI];
		run->hypercall.args[4] = 0;
		run->hypercall.args[5] = 0;
		run->hypercall.ret = 0;
		run->hypercall.flags = long_mode;
		vcpu->pending = LVMM_PENDING_HYPERCALL;
		return 0;
	}

	if (cpl) {
		ret = -KVM_EPERM;
	} else if (nr == LVMM_HC_NOP) {
		ret = 0;
	} else if (nr == KVM_HC_SCHED_YIELD) {
		/* A hint that another vCPU holds what we wait for. */
		cond_resched();
		ret = 0;
	} else {
		ret = -KVM_ENOSYS;
	}
	set_result(vcpu, ret, long_mode);
	return 1;
}

int lvmm_complete_hypercall(struct lvmm_vcpu *vcpu)
{
	set_result(vcpu, vcpu->run->hypercall.ret,
		   vcpu->exit.state.mode == LVMM_MODE_LONG64);
	return 0;
}

/*
 * The guest's #UD. A VMCALL is patched to VMMCALL and runs again (RIP stays);
 * anything else, or a patch that cannot be written, gets its #UD.
 */
int lvmm_handle_ud(struct lvmm_vcpu *vcpu)
{
	u8 insn[sizeof(op_vmcall)];

	if (!(READ_ONCE(vcpu->vm->disabled_quirks) &
	      KVM_X86_QUIRK_FIX_HYPERCALL_INSN) &&
	    lvmm_fetch_insn(vcpu, insn, sizeof(insn)) == sizeof(insn) &&
	    !memcmp(insn, op_vmcall, sizeof(insn))) {
		if (!lvmm_write_guest_virt(vcpu, lvmm_rip_linear(vcpu), op_vmmcall,
					   sizeof(op_vmmcall)))
			return 1;
	}
	lvmm_arch->queue_exception(vcpu, X86_TRAP_UD, false, 0);
	return 1;
}
