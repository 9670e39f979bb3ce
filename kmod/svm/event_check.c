// SPDX-License-Identifier: GPL-2.0
/*
 * Event delivery checks and the ring of recent exits.
 *
 * Interrupt and exception delivery is where a nested test platform and a
 * hypervisor can each go wrong without anything noticing until a guest
 * kernel oopses far away. With the event_checks parameter on (the default
 * in a lockdep kernel, which is what the debug run of `make check` boots),
 * every entry and exit is checked against rules a correct hypervisor on a
 * correct CPU never breaks:
 *
 *   intr-masked       an external interrupt injected (EVENTINJ, or V_IRQ
 *                     without the VINTR intercept) while the guest's IF is
 *                     0 or an interrupt shadow is active;
 *   requeue-lost      an event found in EXITINTINFO is not delivered again
 *                     at the next entry: an exception no longer in EVENTINJ
 *                     (overwritten or dropped), an interrupt neither
 *                     injected nor pending;
 *   vectoring-insn    an exit for an intercepted instruction (which lvmm
 *                     answers by emulating or skipping the instruction at
 *                     RIP) while EXITINTINFO says an event was being
 *                     delivered: the CPU never executes an instruction
 *                     in the middle of a delivery;
 *   user-kernel-gs    the guest runs at CPL 3 with GS.base in the kernel
 *                     half. Linux keeps its per-CPU base in KERNEL_GS_BASE
 *                     at CPL 3 and swaps it in with SWAPGS on entry; a
 *                     kernel-half GS.base in user mode means an entry path
 *                     was taken twice or not at all;
 *   host-state        the guest's CR3 in the VMCB is the host's own, or
 *                     the VMCB is this CPU's host save area: the VMCB
 *                     holds (or VMRUN would write) the host's state.
 *
 * A broken rule fires the lvmm_event_check tracepoint each time, logs
 * "lvmm: event check: ..." once per rule (scripts/testvm treats that line
 * as a splat) and dumps the vCPU's ring of recent exits. The ring is kept
 * always: a triple fault dumps it too, on real hardware as here.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/export.h>
#include <linux/moduleparam.h>
#include <linux/ratelimit.h>
#include <linux/sched/clock.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>

#include "../arch.h"
#include "../trace.h"
#include "../vcpu.h"
#include "svm.h"

bool svm_event_checks = IS_ENABLED(CONFIG_PROVE_LOCKING);
module_param_named(event_checks, svm_event_checks, bool, 0644);
MODULE_PARM_DESC(event_checks,
		 "Check every guest entry and exit for event delivery errors (default: on in lockdep kernels)");

static const char * const svm_event_check_names[] = {
	[SVM_EVCHK_INTR_MASKED]		= "intr-masked",
	[SVM_EVCHK_REQUEUE_LOST]	= "requeue-lost",
	[SVM_EVCHK_VECTORING_INSN]	= "vectoring-insn",
	[SVM_EVCHK_USER_KERNEL_GS]	= "user-kernel-gs",
	[SVM_EVCHK_HOST_STATE]		= "host-state",
};

/* Rules already reported in the log since the module was loaded. */
static unsigned long svm_event_checks_reported;

/**
 * svm_check_entry_events - rules for the VMCB about to be run
 * @vmcb:           the VMCB, with RFLAGS, EVENTINJ and V_IRQ as VMRUN will
 *                  take them
 * @requeued:       the event found in EXITINTINFO at the last exit
 *                  (SVM_EVTINJ_VALID clear if none)
 * @pending_vector: the external interrupt this entry injects (V_IRQ) or
 *                  still holds pending, -1 if none
 *
 * Return: a bit mask of broken rules (BIT(enum svm_event_check)).
 */
u32 svm_check_entry_events(const struct vmcb *vmcb, u32 requeued,
			   int pending_vector)
{
	const struct vmcb_control_area *c = &vmcb->control;
	bool masked = !(vmcb->save.rflags & X86_EFLAGS_IF) ||
		      (c->int_state & SVM_INTERRUPT_SHADOW_MASK);
	bool vintr = c->intercepts[INTERCEPT_VINTR / 32] &
		     BIT(INTERCEPT_VINTR % 32);
	u32 inj = c->event_inj;
	u32 broken = 0;

	if (requeued & SVM_EVTINJ_VALID) {
		/*
		 * A requeued interrupt is pending again; an exception may
		 * legitimately turn a requeued exception into #DF.
		 */
		if (svm_event_is(requeued, SVM_EVTINJ_TYPE_INTR) ?
		    pending_vector != (requeued & SVM_EVTINJ_VEC_MASK) :
		    !(inj & SVM_EVTINJ_VALID))
			broken |= BIT(SVM_EVCHK_REQUEUE_LOST);
	}
	if (svm_event_is(inj, SVM_EVTINJ_TYPE_INTR) && masked)
		broken |= BIT(SVM_EVCHK_INTR_MASKED);
	/* A V_IRQ without the VINTR intercept is a delivery, not a window. */
	if ((c->int_ctl & V_IRQ_MASK) && !vintr && masked)
		broken |= BIT(SVM_EVCHK_INTR_MASKED);
	return broken;
}
EXPORT_SYMBOL_IF_KUNIT(svm_check_entry_events);

/* Intercepts of instructions: the CPU reaches them only between events. */
static bool is_insn_intercept(u32 code)
{
	if (code <= SVM_EXIT_WRITE_DR7)		/* CR and DR accesses */
		return true;
	switch (code) {
	case SVM_EXIT_CPUID:
	case SVM_EXIT_HLT:
	case SVM_EXIT_INVD:
	case SVM_EXIT_IOIO:
	case SVM_EXIT_MSR:
	case SVM_EXIT_VMRUN:
	case SVM_EXIT_VMMCALL:
	case SVM_EXIT_VMLOAD:
	case SVM_EXIT_VMSAVE:
	case SVM_EXIT_STGI:
	case SVM_EXIT_CLGI:
	case SVM_EXIT_SKINIT:
	case SVM_EXIT_INVLPGA:
	case SVM_EXIT_MONITOR:
	case SVM_EXIT_MWAIT:
	case SVM_EXIT_MWAIT_COND:
	case SVM_EXIT_XSETBV:
	case SVM_EXIT_RDPRU:
		return true;
	}
	return false;
}

/**
 * svm_check_exit_events - rules for the VMCB of an exit
 * @vmcb: the VMCB as #VMEXIT left it
 *
 * Return: a bit mask of broken rules (BIT(enum svm_event_check)).
 */
u32 svm_check_exit_events(const struct vmcb *vmcb)
{
	u32 code = vmcb->control.exit_code;
	u32 broken = 0;

	if ((vmcb->control.exit_int_info & SVM_EXITINTINFO_VALID) &&
	    is_insn_intercept(code))
		broken |= BIT(SVM_EVCHK_VECTORING_INSN);
	if (vmcb->save.cpl == 3 && (vmcb->save.gs.base & BIT_ULL(63)))
		broken |= BIT(SVM_EVCHK_USER_KERNEL_GS);
	return broken;
}
EXPORT_SYMBOL_IF_KUNIT(svm_check_exit_events);

/* Before VMRUN, with interrupts off: remember what this entry injects. */
void svm_exit_ring_entry(struct svm_vcpu *sv)
{
	sv->entry_event_inj = sv->vmcb->control.event_inj;
}

/* After #VMEXIT: one more record, the oldest one goes. */
void svm_exit_ring_record(struct svm_vcpu *sv)
{
	const struct vmcb *vmcb = sv->vmcb;
	struct svm_exit_record *r = &sv->ring[sv->ring_next % SVM_EXIT_RING];

	r->when_ns = local_clock();
	r->code = vmcb->control.exit_code;
	r->info1 = vmcb->control.exit_info_1;
	r->info2 = vmcb->control.exit_info_2;
	r->rip = vmcb->save.rip;
	r->rflags = vmcb->save.rflags;
	r->event_inj = sv->entry_event_inj;
	/* svm_complete_virq() has not run yet: this entry's V_IRQ. */
	r->virq = sv->virq_injected ? 0x100 | sv->virq_vector : 0;
	r->exit_int_info = vmcb->control.exit_int_info;
	r->int_state = vmcb->control.int_state;
	r->cpl = vmcb->save.cpl;
	sv->ring_next++;
}

/**
 * svm_exit_ring_dump - log a vCPU's recent exits, oldest first
 * @vcpu: the vCPU, on its own thread
 * @why:  what made us look
 *
 * Rate limited: a guest can triple-fault as often as it likes.
 */
void svm_exit_ring_dump(struct lvmm_vcpu *vcpu, const char *why)
{
	static DEFINE_RATELIMIT_STATE(rs, 5 * HZ, 2);
	struct svm_vcpu *sv = to_svm(vcpu);
	unsigned int n = min_t(unsigned int, sv->ring_next, SVM_EXIT_RING);
	u64 last;
	unsigned int i;

	if (!n || !__ratelimit(&rs))
		return;
	last = sv->ring[(sv->ring_next - 1) % SVM_EXIT_RING].when_ns;
	pr_info("vm %u vcpu %u: %s; the last %u exits, oldest first:\n",
		vcpu->vm->id, vcpu->id, why, n);
	for (i = sv->ring_next - n; i != sv->ring_next; i++) {
		const struct svm_exit_record *r = &sv->ring[i % SVM_EXIT_RING];

		pr_info("  -%lluus %-10s rip %llx rfl %llx cpl %u shadow %u inj %x virq %x exitint %x info %llx %llx\n",
			div_u64(last - r->when_ns, NSEC_PER_USEC),
			svm_exit_name(r->code), r->rip, r->rflags, r->cpl,
			!!(r->int_state & SVM_INTERRUPT_SHADOW_MASK), r->event_inj,
			r->virq, r->exit_int_info, r->info1, r->info2);
	}
}

static void svm_event_check_report(struct lvmm_vcpu *vcpu, u32 broken,
				   bool entry)
{
	const struct vmcb *vmcb = to_svm(vcpu)->vmcb;
	unsigned int rule;
	bool first = false;

	for_each_set_bit(rule, (unsigned long *)&broken, SVM_EVCHK_NR) {
		trace_lvmm_event_check(vcpu->vm->id, vcpu->id,
				       svm_event_check_names[rule],
				       vmcb->save.rip, vmcb->save.rflags,
				       vmcb->save.cpl, vmcb->control.int_state,
				       entry ? vmcb->control.event_inj : 0,
				       vmcb->control.exit_int_info,
				       entry ? 0 : vmcb->control.exit_code,
				       vmcb->save.gs.base,
				       vmcb->save.kernel_gs_base);
		if (test_and_set_bit(rule, &svm_event_checks_reported))
			continue;
		pr_warn("event check: vm %u vcpu %u: %s at %s: rip %llx rflags %llx cpl %u int_state %x event_inj %x exit_int_info %x exit %x gs %llx kernel_gs %llx\n",
			vcpu->vm->id, vcpu->id, svm_event_check_names[rule],
			entry ? "entry" : "exit", vmcb->save.rip,
			vmcb->save.rflags, vmcb->save.cpl,
			vmcb->control.int_state, vmcb->control.event_inj,
			vmcb->control.exit_int_info, vmcb->control.exit_code,
			vmcb->save.gs.base, vmcb->save.kernel_gs_base);
		first = true;
	}
	if (first)
		svm_exit_ring_dump(vcpu, "event check");
}

/* The host's page table root, without PCID bits. */
static u64 host_cr3(void)
{
	return __read_cr3() & CR3_ADDR_MASK;
}

/* Interrupts off, right before VMRUN, on the CPU that will run it. */
void svm_event_check_entry(struct lvmm_vcpu *vcpu)
{
	struct svm_vcpu *sv = to_svm(vcpu);
	struct svm_cpu *sc = this_cpu_ptr(&svm_cpu);
	int pending = sv->virq_injected ? sv->virq_vector :
		      vcpu->irq_pending ? vcpu->irq_vector : -1;
	u32 broken = svm_check_entry_events(sv->vmcb, sv->requeued, pending);
	u64 hsave;

	/* The save area VMRUN will really use: the MSR, not our copy. */
	rdmsrl(MSR_VM_HSAVE_PA, hsave);
	if ((sv->vmcb->save.cr3 & CR3_ADDR_MASK) == host_cr3() ||
	    sv->vmcb_pa == hsave || sv->vmcb_pa == sc->host_vmcb_pa)
		broken |= BIT(SVM_EVCHK_HOST_STATE);

	sv->requeued = 0;
	if (broken)
		svm_event_check_report(vcpu, broken, true);
}

void svm_event_check_exit(struct lvmm_vcpu *vcpu)
{
	const struct vmcb *vmcb = to_svm(vcpu)->vmcb;
	u32 broken = svm_check_exit_events(vmcb);

	if ((vmcb->save.cr3 & CR3_ADDR_MASK) == host_cr3())
		broken |= BIT(SVM_EVCHK_HOST_STATE);

	if (broken)
		svm_event_check_report(vcpu, broken, false);
}
