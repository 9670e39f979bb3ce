// SPDX-License-Identifier: GPL-2.0
/*
 * #VMEXIT dispatch: turn a VMCB exit code into a struct lvmm_exit for the
 * core, or handle it right here when it is SVM business (the guest's own
 * use of SVM instructions, reflected exceptions).
 *
 * One table, read top to bottom: exit code -> handler.
 */
#include <kunit/visibility.h>
#include <linux/export.h>
#include <asm/trapnr.h>

#include "../arch.h"
#include "../vcpu.h"
#include "svm.h"

typedef void (*svm_exit_fn)(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit);

static void exit_as(struct lvmm_exit *exit, enum lvmm_exit_reason reason)
{
	exit->reason = reason;
}

static void exit_intr(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	exit_as(exit, LVMM_EXIT_INTR);
}

/* The interrupt window opened: close it; the core decides what next. */
static void exit_vintr(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	svm_close_irq_window(vcpu);
	exit_as(exit, LVMM_EXIT_NONE);
}

static void exit_cpuid(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	exit_as(exit, LVMM_EXIT_CPUID);
}

static void exit_hlt(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	exit_as(exit, LVMM_EXIT_HLT);
}

static void exit_invd(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	exit_as(exit, LVMM_EXIT_SKIP);
}

static void exit_vmmcall(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	exit_as(exit, LVMM_EXIT_HYPERCALL);
}

static void exit_xsetbv(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	exit_as(exit, LVMM_EXIT_XSETBV);
}

static void exit_shutdown(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	svm_exit_ring_dump(vcpu, "triple fault");
	exit_as(exit, LVMM_EXIT_SHUTDOWN);
}

static void exit_msr(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	exit_as(exit, exit->info1 ? LVMM_EXIT_WRMSR : LVMM_EXIT_RDMSR);
}

/* EXITINFO1 of an IOIO intercept describes the access completely. */
static void exit_ioio(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	u32 info = exit->info1;

	exit_as(exit, LVMM_EXIT_IO);
	exit->io.port = info >> 16;
	exit->io.in = info & SVM_IOIO_TYPE_MASK;
	exit->io.string = info & SVM_IOIO_STR_MASK;
	exit->io.rep = info & SVM_IOIO_REP_MASK;
	exit->io.size = (info & SVM_IOIO_SIZE_MASK) >> SVM_IOIO_SIZE_SHIFT;
	exit->io.addr_size = ((info & SVM_IOIO_ASIZE_MASK) >>
			      SVM_IOIO_ASIZE_SHIFT) << 1;
	/* IOIO always provides the next RIP, with or without NRIP save. */
	exit->next_rip = exit->info2;
}

static void exit_npf(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	exit_as(exit, LVMM_EXIT_NPF);
	exit->npf.gpa = exit->info2;
	exit->npf.present = exit->info1 & BIT(0);
	exit->npf.write = exit->info1 & BIT(1);
}

/* Guests get no SVM of their own (VMMCALL aside), no MONITOR/MWAIT: #UD. */
static void exit_ud(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	svm_queue_exception(vcpu, X86_TRAP_UD, false, 0);
	exit_as(exit, LVMM_EXIT_NONE);
}

/*
 * #DB and #AC are intercepted only so that a guest cannot keep the CPU in
 * an endless exception loop without exiting; each goes straight back.
 */
static void exit_reflect(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	u8 vector = exit->hw_code - SVM_EXIT_EXCP_BASE;
	struct vmcb *vmcb = to_svm(vcpu)->vmcb;

	/* The debugger's step or breakpoint: its stop, not the guest's #DB. */
	if (vector == X86_TRAP_DB &&
	    (vcpu->guest_debug & (KVM_GUESTDBG_SINGLESTEP |
				  KVM_GUESTDBG_USE_HW_BP))) {
		exit_as(exit, LVMM_EXIT_DEBUG);
		exit->debug.vector = X86_TRAP_DB;
		exit->debug.dr6 = vmcb->save.dr6;
		exit->debug.dr7 = vmcb->save.dr7;
		vmcb->save.dr6 = 0xffff0ff0;
		svm_mark_dirty(to_svm(vcpu), BIT(SVM_CLEAN_DR));
		return;
	}
	if (vector == X86_TRAP_DB)
		svm_take_db_causes(to_svm(vcpu));
	svm_queue_exception(vcpu, vector, vector == X86_TRAP_AC, 0);
	exit_as(exit, LVMM_EXIT_NONE);
}

/* INT3, intercepted only for the debugger's software breakpoints. */
static void exit_bp(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	exit_as(exit, LVMM_EXIT_DEBUG);
	exit->debug.vector = X86_TRAP_BP;
	exit->debug.dr6 = 0;
	exit->debug.dr7 = 0;
}

static void exit_ud_fault(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	exit_as(exit, LVMM_EXIT_UD);
}

/* MOV to or from DR0-DR7: decoded and checked by the core (exits.c). */
static void exit_dr(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	exit_as(exit, LVMM_EXIT_DR);
	exit->dr.write = exit->hw_code >= SVM_EXIT_WRITE_DR0;
	exit->dr.num = (exit->hw_code - SVM_EXIT_READ_DR0) & 7;
	/* With decode assists, EXITINFO1 names the GPR (bit 63: valid). */
	exit->dr.gpr = svm_caps.decode_assists && (exit->info1 & BIT_ULL(63)) ?
		       exit->info1 & 15 : -1;
}

static void exit_fail_entry(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	exit_as(exit, LVMM_EXIT_FAIL_ENTRY);
}

static const svm_exit_fn svm_exit_handlers[] = {
	[SVM_EXIT_EXCP_BASE + X86_TRAP_DB]	= exit_reflect,
	[SVM_EXIT_EXCP_BASE + X86_TRAP_AC]	= exit_reflect,
	[SVM_EXIT_EXCP_BASE + X86_TRAP_BP]	= exit_bp,
	[SVM_EXIT_EXCP_BASE + X86_TRAP_UD]	= exit_ud_fault,
	[SVM_EXIT_INTR]				= exit_intr,
	[SVM_EXIT_NMI]				= exit_intr,
	[SVM_EXIT_SMI]				= exit_intr,
	[SVM_EXIT_INIT]				= exit_intr,
	[SVM_EXIT_VINTR]			= exit_vintr,
	[SVM_EXIT_CPUID]			= exit_cpuid,
	[SVM_EXIT_INVD]				= exit_invd,
	[SVM_EXIT_HLT]				= exit_hlt,
	[SVM_EXIT_INVLPGA]			= exit_ud,
	[SVM_EXIT_IOIO]				= exit_ioio,
	[SVM_EXIT_MSR]				= exit_msr,
	[SVM_EXIT_SHUTDOWN]			= exit_shutdown,
	[SVM_EXIT_VMRUN]			= exit_ud,
	[SVM_EXIT_VMMCALL]			= exit_vmmcall,
	[SVM_EXIT_VMLOAD]			= exit_ud,
	[SVM_EXIT_VMSAVE]			= exit_ud,
	[SVM_EXIT_STGI]				= exit_ud,
	[SVM_EXIT_CLGI]				= exit_ud,
	[SVM_EXIT_SKINIT]			= exit_ud,
	[SVM_EXIT_MONITOR]			= exit_ud,
	[SVM_EXIT_MWAIT]			= exit_ud,
	[SVM_EXIT_MWAIT_COND]			= exit_ud,
	[SVM_EXIT_XSETBV]			= exit_xsetbv,
	[SVM_EXIT_RDPRU]			= exit_ud,
};

/*
 * An event the CPU was delivering when the exit happened (say, a #PF whose
 * stack page faulted in the NPT) must be delivered again on the next entry.
 * Software interrupts and INT3/INTO are left out: RIP still points at the
 * instruction, which raises them again. An external interrupt goes back to
 * irq_pending, to be injected as a virtual interrupt like any other
 * (events.c says why not through EVENTINJ); its vector is already in
 * service in the APIC, so it is not taken from IRR a second time.
 */
VISIBLE_IF_KUNIT void svm_requeue_event(struct lvmm_vcpu *vcpu)
{
	struct svm_vcpu *sv = to_svm(vcpu);
	struct vmcb *vmcb = sv->vmcb;
	u32 info = vmcb->control.exit_int_info;
	u32 type = info & SVM_EXITINTINFO_TYPE_MASK;
	u8 vector = info & SVM_EXITINTINFO_VEC_MASK;

	if (!(info & SVM_EXITINTINFO_VALID))
		return;
	if (type == SVM_EXITINTINFO_TYPE_SOFT)
		return;
	if (type == SVM_EXITINTINFO_TYPE_EXEPT &&
	    (vector == X86_TRAP_BP || vector == X86_TRAP_OF))
		return;
	/*
	 * QEMU's TCG reports an external interrupt taken through V_IRQ as an
	 * exception with its vector; exceptions have vectors below 32 only.
	 */
	if (type == SVM_EXITINTINFO_TYPE_EXEPT && vector >= 32) {
		type = SVM_EXITINTINFO_TYPE_INTR;
		info = (info & ~SVM_EXITINTINFO_TYPE_MASK) | type;
	}
	sv->requeued = info;
	if (type == SVM_EXITINTINFO_TYPE_INTR) {
		vcpu->irq_pending = true;
		vcpu->irq_vector = vector;
		return;
	}
	vmcb->control.event_inj = info;
	vmcb->control.event_inj_err = vmcb->control.exit_int_info_err;
}
EXPORT_SYMBOL_IF_KUNIT(svm_requeue_event);

/*
 * No VMRUN happened (svm_vcpu_enter() returned false): say why. A triple
 * fault found while queueing an exception is the guest's shutdown.
 */
static void exit_not_entered(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	struct svm_vcpu *sv = to_svm(vcpu);

	exit_as(exit, sv->not_entered);
	if (sv->not_entered == LVMM_EXIT_SHUTDOWN) {
		exit->hw_code = SVM_EXIT_SHUTDOWN;
		svm_exit_ring_dump(vcpu, "triple fault");
	}
	svm_get_state(vcpu, &exit->state);
	sv->not_entered = LVMM_EXIT_NONE;
}

/**
 * svm_vcpu_exit - describe the exit of the last svm_vcpu_enter()
 * @vcpu: the vCPU, interrupts on
 * @exit: filled in, with the control state the core emulates from
 *
 * Handles here what is SVM's own business (the exit table above); the
 * rest goes to the core as a reason with its decoded information.
 */
void svm_vcpu_exit(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	struct vmcb *vmcb = to_svm(vcpu)->vmcb;
	struct vmcb_control_area *c = &vmcb->control;
	u32 code = c->exit_code;	/* TCG stores SVM_EXIT_ERR as 32 bits */
	svm_exit_fn fn = NULL;

	memset(exit, 0, sizeof(*exit));
	if (to_svm(vcpu)->not_entered) {
		exit_not_entered(vcpu, exit);
		return;
	}
	svm_get_state(vcpu, &exit->state);
	exit->hw_code = code;
	exit->info1 = c->exit_info_1;
	exit->info2 = c->exit_info_2;
	if (svm_caps.nrips)
		exit->next_rip = c->next_rip;
	exit->vectoring = c->exit_int_info & SVM_EXITINTINFO_VALID;
	exit->event = c->exit_int_info | (u64)c->exit_int_info_err << 32;
	if (svm_caps.decode_assists && c->insn_len <= sizeof(exit->insn)) {
		exit->insn_len = c->insn_len;
		memcpy(exit->insn, c->insn_bytes, c->insn_len);
	}

	svm_exit_ring_record(to_svm(vcpu));
	svm_complete_virq(vcpu);
	if (code == (u32)SVM_EXIT_ERR) {
		exit_fail_entry(vcpu, exit);
		return;
	}
	if (svm_event_checks)
		svm_event_check_exit(vcpu);
	svm_requeue_event(vcpu);

	if (code == SVM_EXIT_NPF) {
		exit_npf(vcpu, exit);
		return;
	}
	if (code >= SVM_EXIT_READ_DR0 && code <= SVM_EXIT_WRITE_DR0 + 7) {
		exit_dr(vcpu, exit);
		return;
	}
	if (code < ARRAY_SIZE(svm_exit_handlers))
		fn = svm_exit_handlers[code];
	if (fn)
		fn(vcpu, exit);
	else
		exit_as(exit, LVMM_EXIT_UNKNOWN);
}

const char *svm_exit_name(u32 code)
{
	static const struct {
		u32 code;
		const char *name;
	} names[] = { SVM_EXIT_REASONS };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].code == code)
			return names[i].name;
	return "unknown";
}
