// SPDX-License-Identifier: GPL-2.0
/*
 * Debug registers: the hardware's are the host's (perf and ptrace use them),
 * so every MOV to or from DR0-DR7 exits and works on shadow copies. The
 * guest's DR7 is kept out of the VMCB, so guest breakpoints never arm the
 * host's DR0-DR3; guest hardware breakpoints therefore do not fire.
 *
 * The VMM's debugger (KVM_SET_GUEST_DEBUG, guest_debug.c) gets what the
 * guest does not: its DR0-DR3 and DR7 are loaded around VMRUN, with the
 * host's put back after, the way KVM does it; its single-step sets TF for
 * the guest's run, hidden from the guest's RFLAGS; and #DB, always
 * intercepted, and #BP, intercepted for software breakpoints, stop the
 * guest for it instead of going to the guest.
 */
#include <linux/kvm.h>
#include <asm/debugreg.h>
#include <asm/hw_breakpoint.h>
#include <asm/processor-flags.h>
#include <asm/trapnr.h>

#include "../arch.h"
#include "../vcpu.h"
#include "svm.h"

/* DR6 bits that read 1 when nothing happened (RTM, bit 16, is active low). */
#define DR6_ACTIVE_LOW	0xffff0ff0ULL

/* The guest's DR0-DR3, DR6 or DR7 (the core maps DR4/DR5 to 6/7). */
u64 svm_get_dr(struct lvmm_vcpu *vcpu, int dr)
{
	struct svm_vcpu *sv = to_svm(vcpu);

	if (dr < 4)
		return sv->dr[dr];
	return dr == 6 ? sv->dr6 : sv->dr7;
}

/* Reserved bits take the values they read as on hardware. */
void svm_set_dr(struct lvmm_vcpu *vcpu, int dr, u64 val)
{
	struct svm_vcpu *sv = to_svm(vcpu);

	if (dr < 4)
		sv->dr[dr] = val;
	else if (dr == 6)
		sv->dr6 = (val & 0xffffefff) | 0xffff0ff0;
	else
		sv->dr7 = (val & 0xffffffff) | 0x400;
}

/**
 * svm_take_db_causes - what a #DB found in the VMCB's DR6, into the guest's
 * @sv: the vCPU, at a #DB intercept
 *
 * The guest's DR6 lives in @sv->dr6 (its DR accesses are intercepted); the
 * CPU records why a #DB happened (B0-B3, BD, BS, BT; RTM is active low) in
 * the VMCB's DR6 before the intercept. The guest's handler must find those
 * causes, with the B0-B3 of an earlier #DB replaced, as the SDM says and
 * KVM's #DB payload does. The VMCB's DR6 is reset so that the next #DB
 * reports only its own causes.
 */
void svm_take_db_causes(struct svm_vcpu *sv)
{
	u64 causes = sv->vmcb->save.dr6 ^ DR6_ACTIVE_LOW;

	sv->dr6 &= ~DR_TRAP_BITS;
	sv->dr6 |= DR6_ACTIVE_LOW;
	sv->dr6 |= causes;
	sv->dr6 ^= causes & DR6_ACTIVE_LOW;
	sv->vmcb->save.dr6 = DR6_ACTIVE_LOW;
	svm_mark_dirty(sv, BIT(SVM_CLEAN_DR));
}

void svm_update_guest_debug(struct lvmm_vcpu *vcpu)
{
	struct svm_vcpu *sv = to_svm(vcpu);
	u32 *excp = &sv->vmcb->control.intercepts[INTERCEPT_EXCEPTION];

	if (vcpu->guest_debug & KVM_GUESTDBG_USE_SW_BP)
		*excp |= BIT(X86_TRAP_BP);
	else
		*excp &= ~BIT(X86_TRAP_BP);
	svm_mark_dirty(sv, BIT(SVM_CLEAN_INTERCEPTS));
}

/* Right before VMRUN, interrupts off: the debugger's TF and breakpoints. */
void svm_debug_enter(struct lvmm_vcpu *vcpu)
{
	struct svm_vcpu *sv = to_svm(vcpu);
	struct vmcb *vmcb = sv->vmcb;
	int i;

	sv->step_tf = (vcpu->guest_debug & KVM_GUESTDBG_SINGLESTEP) &&
		      !(vcpu->rflags & X86_EFLAGS_TF);
	if (sv->step_tf)
		vmcb->save.rflags |= X86_EFLAGS_TF;
	if (!(vcpu->guest_debug & KVM_GUESTDBG_USE_HW_BP))
		return;
	/* The host's DR7 off first, so its breakpoints cannot fire here. */
	set_debugreg(0, 7);
	for (i = 0; i < 4; i++)
		set_debugreg(vcpu->guest_debug_db[i], i);
	/* Reserved bits as the hardware holds them: 63:32, 15:14, 12, 11 clear. */
	vmcb->save.dr7 = (vcpu->guest_debug_dr7 & 0xffff2bffULL) | 0x400;
	svm_mark_dirty(sv, BIT(SVM_CLEAN_DR));
}

/* Right after #VMEXIT: the guest's RFLAGS without our TF, the host's DRs. */
void svm_debug_exit(struct lvmm_vcpu *vcpu)
{
	struct svm_vcpu *sv = to_svm(vcpu);

	if (sv->step_tf)
		vcpu->rflags &= ~X86_EFLAGS_TF;
	if (!(vcpu->guest_debug & KVM_GUESTDBG_USE_HW_BP))
		return;
	sv->vmcb->save.dr7 = 0x400;
	svm_mark_dirty(sv, BIT(SVM_CLEAN_DR));
	hw_breakpoint_restore();
}
