// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_RUN: the arch-neutral run loop.
 *
 *   ioctl(KVM_RUN) -> lvmm_vcpu_run() -> lvmm_arch->vcpu_enter() -> VMRUN
 *   -> #VMEXIT -> struct lvmm_exit -> lvmm_handle_exit() -> enter again, or
 *   return to the VMM through struct kvm_run.
 *
 * The one place that decides "back to userspace now" is
 * lvmm_vcpu_prepare_entry(): it runs with interrupts off right before every
 * entry and stops for a pending signal or reschedule, so a signal ends
 * KVM_RUN within one host timer tick even if the guest spins.
 */
#include <linux/kvm.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <asm/fpu/api.h>
#include <asm/processor-flags.h>

#include "lvmm.h"
#include "lapic.h"
#include "trace.h"

/**
 * lvmm_vcpu_prepare_entry - last checks before entering the guest
 * @vcpu:      the vCPU, on the current CPU with interrupts off
 * @flush_tlb: set if the vCPU's TLB entries must go before it enters
 *
 * Marks the vCPU as in the guest, which lvmm_vm_flush_tlbs() reads: after
 * this, a flush request always comes with an IPI that forces an exit.
 *
 * Return: 0 to enter; -EAGAIN to go back to the loop first.
 */
int lvmm_vcpu_prepare_entry(struct lvmm_vcpu *vcpu, bool *flush_tlb)
{
	lockdep_assert_irqs_disabled();
	vcpu->cpu = smp_processor_id();
	/*
	 * Pairs with the barrier in lvmm_vm_flush_tlbs(): either it sees
	 * IN_GUEST and kicks us, or we see its request below.
	 */
	smp_store_mb(vcpu->mode, LVMM_IN_GUEST);
	/* An APIC event after lvmm_lapic_inject() looked: look again. */
	if (need_resched() || signal_pending(current) ||
	    test_bit(LVMM_REQ_EVENT, &vcpu->requests)) {
		WRITE_ONCE(vcpu->mode, LVMM_OUTSIDE_GUEST);
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
	*flush_tlb = test_and_clear_bit(LVMM_REQ_TLB_FLUSH, &vcpu->requests);
	vcpu->stats.entries++;
	trace_lvmm_entry(vcpu->vm->id, vcpu->id, vcpu->rip);
	return 0;
}

void lvmm_vcpu_finish_entry(struct lvmm_vcpu *vcpu)
{
	WRITE_ONCE(vcpu->mode, LVMM_OUTSIDE_GUEST);
}

int lvmm_vcpu_run(struct lvmm_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	struct lvmm_exit exit;
	int ret;

	run->flags = 0;
	vcpu->ran = true;
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

	fpu_swap_kvm_fpstate(&vcpu->fpu, true);
	for (;;) {
		if (signal_pending(current)) {
			run->exit_reason = KVM_EXIT_INTR;
			ret = -EINTR;
			break;
		}
		cond_resched();
		if (vcpu->lapic) {
			/* HLT, or an AP before INIT and SIPI (mp_state.c). */
			if (lvmm_vcpu_wait(vcpu))
				continue;	/* the signal ends the loop */
			clear_bit(LVMM_REQ_EVENT, &vcpu->requests);
			lvmm_lapic_inject(vcpu);
		} else {
			/*
			 * Only a VMM that injects (KVM_INTERRUPT) asks for a
			 * window; with the in-kernel APIC, KVM ignores the
			 * request, and so do we.
			 */
			vcpu->irq_window = READ_ONCE(run->request_interrupt_window);
		}

		if (test_and_clear_bit(LVMM_REQ_CLOCK_UPDATE, &vcpu->requests))
			lvmm_pvclock_update(vcpu);

		ret = lvmm_arch->vcpu_enter(vcpu, &exit);
		if (ret == -EAGAIN)
			continue;
		if (ret)
			break;
		vcpu->stats.exits[exit.reason]++;
		atomic64_inc(&lvmm_stats.exits);
		trace_lvmm_exit(vcpu->vm->id, vcpu->id, exit.hw_code,
				vcpu->rip, exit.info1, exit.info2);

		ret = lvmm_handle_exit(vcpu, &exit);
		if (ret <= 0)
			break;
		/* The window the VMM asked for is open: tell it. */
		if (!vcpu->lapic && vcpu->irq_window && !vcpu->irq_pending &&
		    lvmm_arch->interrupt_allowed(vcpu)) {
			run->exit_reason = KVM_EXIT_IRQ_WINDOW_OPEN;
			ret = 0;
			break;
		}
	}
	fpu_swap_kvm_fpstate(&vcpu->fpu, false);
	if (!ret)
		vcpu->stats.userspace_exits++;
	run->if_flag = !!(vcpu->rflags & X86_EFLAGS_IF);
	/* Always set with the in-kernel APIC, as KVM's post_kvm_run_save(). */
	run->ready_for_interrupt_injection = vcpu->lapic ||
					     (!vcpu->irq_pending &&
					      lvmm_arch->interrupt_allowed(vcpu));
	return ret;
}
