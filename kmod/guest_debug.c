// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_SET_GUEST_DEBUG (api.rst 4.43): a debugger in the VMM (QEMU's
 * gdbstub) stops the guest, each time with KVM_EXIT_DEBUG and the
 * exception, the linear PC, DR6 and DR7:
 *
 * - KVM_GUESTDBG_SINGLESTEP: after every instruction (#DB, DR6.BS);
 * - KVM_GUESTDBG_USE_SW_BP: at an INT3 (#BP, PC at the INT3);
 * - KVM_GUESTDBG_USE_HW_BP: at the debugger's own DR0-DR3 and DR7, which
 *   the backend loads for the guest's run in place of the guest's;
 * - KVM_GUESTDBG_INJECT_DB, _INJECT_BP: hand the guest a #DB or #BP
 *   instead (-EBUSY with an exception already pending).
 *
 * The backend does the trapping. Single-step is robust, the meaning of
 * KVM_CAP_X86_ROBUST_SINGLESTEP: an instruction lvmm emulates (port I/O,
 * CPUID, MSRs, MMIO, HLT...) never reaches the hardware's trap, so moving
 * RIP past one owes the debugger its stop, which the run loop pays
 * (lvmm_debug_step_exit()) before the guest runs again.
 *
 * Unknown control bits are -EINVAL; KVM (6.12) ignores them, but says
 * which it knows in KVM_CAP_SET_GUEST_DEBUG2, as lvmm does.
 */
#include <linux/kvm.h>
#include <linux/uaccess.h>
#include <asm/debugreg.h>
#include <asm/trapnr.h>

#include "arch.h"
#include "core.h"
#include "insn.h"
#include "vcpu.h"

int lvmm_set_guest_debug(struct lvmm_vcpu *vcpu,
			 struct kvm_guest_debug __user *u)
{
	struct kvm_vcpu_events ev;
	struct kvm_guest_debug dbg;
	int i;

	if (copy_from_user(&dbg, u, sizeof(dbg)))
		return -EFAULT;
	if (dbg.control & ~LVMM_GUESTDBG_VALID)
		return -EINVAL;
	if (dbg.control & (KVM_GUESTDBG_INJECT_DB | KVM_GUESTDBG_INJECT_BP)) {
		lvmm_arch->get_events(vcpu, &ev);
		if (ev.exception.injected || ev.exception.pending)
			return -EBUSY;
		lvmm_arch->queue_exception(vcpu,
					   dbg.control & KVM_GUESTDBG_INJECT_DB ?
					   X86_TRAP_DB : X86_TRAP_BP, false, 0);
	}
	vcpu->guest_debug = dbg.control & KVM_GUESTDBG_ENABLE ? dbg.control : 0;
	for (i = 0; i < 4; i++)
		vcpu->guest_debug_db[i] = dbg.arch.debugreg[i];
	vcpu->guest_debug_dr7 = dbg.arch.debugreg[7];
	vcpu->debug_step_owed = false;
	lvmm_arch->update_guest_debug(vcpu);
	return 0;
}

/*
 * Before the guest runs again: a single-step stop owed for an emulated
 * instruction? Then KVM_EXIT_DEBUG, as if the hardware had trapped.
 */
bool lvmm_debug_step_exit(struct lvmm_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	if (!vcpu->debug_step_owed)
		return false;
	vcpu->debug_step_owed = false;
	if (!(vcpu->guest_debug & KVM_GUESTDBG_SINGLESTEP))
		return false;
	run->exit_reason = KVM_EXIT_DEBUG;
	run->debug.arch.exception = X86_TRAP_DB;
	run->debug.arch.pc = lvmm_rip_linear(vcpu);
	run->debug.arch.dr6 = DR6_RESERVED | DR_STEP;
	run->debug.arch.dr7 = vcpu->guest_debug_dr7;
	return true;
}
