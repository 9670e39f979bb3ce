// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_RUN: the arch-neutral run loop.
 *
 *   ioctl(KVM_RUN) -> lvmm_vcpu_run() -> enter_guest() -> arch vcpu_enter()
 *   -> VMRUN -> #VMEXIT -> arch vcpu_exit(): struct lvmm_exit ->
 *   lvmm_handle_exit() -> lvmm_return_needed()? -> enter again, or back to
 *   the VMM through struct kvm_run.
 *
 * The loop owns the entry protocol: it turns interrupts off, publishes that
 * the vCPU is in the guest, looks at requests, and only then lets the
 * backend VMRUN. The backend returns, and never calls back up.
 */
#include <linux/kvm.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <asm/fpu/api.h>
#include <asm/processor-flags.h>

#include "arch.h"
#include "core.h"
#include "exits.h"
#include "lapic.h"
#include "pvclock.h"
#include "request.h"
#include "stats.h"
#include "trace.h"
#include "vcpu.h"
#include "vm.h"

/*
 * Enter the guest once and describe the exit in @exit.
 *
 * With interrupts off, the vCPU is marked IN_GUEST before the last look at
 * its requests (request.h): a requester either sees IN_GUEST and sends an
 * IPI, which this CPU takes as an exit, or is seen here. A pending signal,
 * reschedule or APIC event sends the loop around instead.
 *
 * Return: 0 with @exit filled in, or -EAGAIN to go around the loop first.
 */
static int enter_guest(struct lvmm_vcpu *vcpu, struct lvmm_exit *exit)
{
	bool flush, entered;

	local_irq_disable();
	vcpu->cpu = smp_processor_id();
	/* Pairs with smp_mb__after_atomic() in lvmm_vcpu_request() (request.c). */
	smp_store_mb(vcpu->mode, LVMM_IN_GUEST);
	if (need_resched() || signal_pending(current) ||
	    test_bit(LVMM_REQ_EVENT, &vcpu->requests)) {
		WRITE_ONCE(vcpu->mode, LVMM_OUTSIDE_GUEST);
		local_irq_enable();
		return -EAGAIN;
	}
	/*
	 * If this thread was scheduled out since fpu_swap_kvm_fpstate(), its
	 * registers were saved into the guest's fpstate and now hold another
	 * task's: load the guest's back, or it runs on someone else's SSE and
	 * AVX registers. With interrupts off, nothing can take them again.
	 */
	if (test_thread_flag(TIF_NEED_FPU_LOAD))
		switch_fpu_return();
	flush = test_and_clear_bit(LVMM_REQ_TLB_FLUSH, &vcpu->requests);
	vcpu->stats.entries++;
	trace_lvmm_entry(vcpu->vm->id, vcpu->id, vcpu->rip);

	entered = lvmm_arch->vcpu_enter(vcpu, flush);

	WRITE_ONCE(vcpu->mode, LVMM_OUTSIDE_GUEST);
	local_irq_enable();
	if (!entered && flush)
		set_bit(LVMM_REQ_TLB_FLUSH, &vcpu->requests);
	lvmm_arch->vcpu_exit(vcpu, exit);
	return 0;
}

/*
 * With a split irqchip the VMM's 8259 waits for the guest to take an
 * ExtINT: can it hand one over now (KVM's kvm_cpu_accept_dm_intr())?
 */
static bool extint_slot_free(struct lvmm_vcpu *vcpu)
{
	return lvmm_irqchip_mode(vcpu->vm) == LVMM_IRQCHIP_SPLIT &&
	       !vcpu->extint_pending && lvmm_lapic_accepts_extint(vcpu);
}

/*
 * Get the vCPU ready for an entry: wait while it may not run (HLT, or an AP
 * before INIT and SIPI), take what the APIC has for it, rewrite kvmclock.
 */
static void prepare_entry(struct lvmm_vcpu *vcpu)
{
	if (vcpu->lapic) {
		clear_bit(LVMM_REQ_EVENT, &vcpu->requests);
		lvmm_lapic_inject(vcpu);
		lvmm_lapic_sync_to_vapic(vcpu);
		/* A split irqchip's VMM may ask for a window for its 8259. */
		if (READ_ONCE(vcpu->run->request_interrupt_window) &&
		    extint_slot_free(vcpu))
			vcpu->irq_window = true;
	} else {
		/*
		 * Only a VMM that injects (KVM_INTERRUPT) asks for a window;
		 * with the in-kernel APIC, KVM ignores the request, and so
		 * do we.
		 */
		vcpu->irq_window = READ_ONCE(vcpu->run->request_interrupt_window);
	}
	if (test_and_clear_bit(LVMM_REQ_CLOCK_UPDATE, &vcpu->requests))
		lvmm_pvclock_update(vcpu);
}

/**
 * lvmm_return_needed - back to userspace now?
 * @vcpu: the vCPU, after an exit was handled
 * @ret:  the handler's verdict (1: enter again, 0: the VMM has an exit to
 *        look at, <0: an error for KVM_RUN); updated with the reason for
 *        leaving
 *
 * The one place that decides it, in the manner of NetBSD NVMM's
 * nvmm_return_needed(). A pending signal ends KVM_RUN with
 * KVM_EXIT_INTR within one host timer tick even if the guest spins;
 * without the in-kernel APIC, or with a split irqchip, the interrupt window
 * the VMM asked for is reported as soon as it is open; with a split
 * irqchip, so is the EOI of a level-triggered interrupt of the VMM's
 * IOAPIC.
 */
static bool lvmm_return_needed(struct lvmm_vcpu *vcpu, int *ret)
{
	struct kvm_run *run = vcpu->run;

	if (*ret <= 0)
		return true;
	if (lvmm_debug_step_exit(vcpu)) {
		*ret = 0;
		return true;
	}
	if (test_and_clear_bit(LVMM_REQ_TPR_ACCESS, &vcpu->requests)) {
		run->exit_reason = KVM_EXIT_TPR_ACCESS;	/* filled in already */
		*ret = 0;
		return true;
	}
	if (test_and_clear_bit(LVMM_REQ_IOAPIC_EOI, &vcpu->requests)) {
		run->exit_reason = KVM_EXIT_IOAPIC_EOI;
		run->eoi.vector = vcpu->eoi_exit_vector;
		*ret = 0;
		return true;
	}
	if (signal_pending(current)) {
		run->exit_reason = KVM_EXIT_INTR;
		*ret = -EINTR;
		return true;
	}
	if (!vcpu->lapic && vcpu->irq_window && !vcpu->irq_pending &&
	    lvmm_arch->interrupt_allowed(vcpu)) {
		run->exit_reason = KVM_EXIT_IRQ_WINDOW_OPEN;
		*ret = 0;
		return true;
	}
	if (vcpu->lapic && READ_ONCE(run->request_interrupt_window) &&
	    extint_slot_free(vcpu) && !vcpu->irq_pending &&
	    lvmm_arch->interrupt_allowed(vcpu)) {
		run->exit_reason = KVM_EXIT_IRQ_WINDOW_OPEN;
		*ret = 0;
		return true;
	}
	return false;
}

/*
 * kvm_run's ready_for_interrupt_injection: may the VMM call KVM_INTERRUPT
 * now? Always with the whole irqchip in the kernel, as KVM's
 * post_kvm_run_save() says; with a split one, when the 8259's interrupt
 * has somewhere to go.
 */
static bool ready_for_injection(struct lvmm_vcpu *vcpu)
{
	if (!vcpu->lapic)
		return !vcpu->irq_pending && lvmm_arch->interrupt_allowed(vcpu);
	if (lvmm_irqchip_mode(vcpu->vm) != LVMM_IRQCHIP_SPLIT)
		return true;
	return extint_slot_free(vcpu) && lvmm_arch->interrupt_allowed(vcpu);
}

int lvmm_vcpu_run(struct lvmm_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	struct lvmm_exit *exit = &vcpu->exit;
	int ret;

	run->flags = 0;
	vcpu->ran = true;
	/* The VMM may have changed the state since the last exit. */
	lvmm_arch->get_state(vcpu, &exit->state);
	ret = lvmm_complete_userspace_exit(vcpu);
	if (ret < 0)
		return ret;
	/*
	 * Only finishes the last exit (a VMM's way to complete port I/O
	 * before saving state). exit_reason stays what the VMM last saw, as
	 * in KVM: its selftests read the exit again after this call.
	 */
	if (READ_ONCE(run->immediate_exit__unsafe))
		return -EINTR;
	/* The instruction just finished was the debugger's step. */
	if (lvmm_debug_step_exit(vcpu))
		return 0;

	fpu_swap_kvm_fpstate(&vcpu->fpu, true);
	ret = 1;
	do {
		cond_resched();
		/* The wait ends early for a signal, which ends the loop. */
		if (vcpu->lapic && lvmm_vcpu_wait(vcpu))
			continue;
		prepare_entry(vcpu);
		if (enter_guest(vcpu, exit))
			continue;
		if (vcpu->lapic)
			lvmm_lapic_sync_from_vapic(vcpu);
		vcpu->stats.exits[exit->reason]++;
		atomic64_inc(&lvmm_stats.exits);
		trace_lvmm_exit(vcpu->vm->id, vcpu->id, exit->hw_code,
				vcpu->rip, exit->info1, exit->info2);
		ret = lvmm_handle_exit(vcpu, exit);
	} while (!lvmm_return_needed(vcpu, &ret));
	fpu_swap_kvm_fpstate(&vcpu->fpu, false);

	if (!ret)
		vcpu->stats.userspace_exits++;
	/* As KVM's post_kvm_run_save(): QEMU's APIC model takes both. */
	run->if_flag = !!(vcpu->rflags & X86_EFLAGS_IF);
	run->cr8 = vcpu->lapic ? lvmm_lapic_get_cr8(vcpu) : 0;
	run->apic_base = vcpu->apic_base;
	run->ready_for_interrupt_injection = ready_for_injection(vcpu);
	return ret;
}
