// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU requests, kicks and TLB-flush requests (request.h has the protocol).
 */
#include <linux/cpumask.h>
#include <linux/rcuwait.h>
#include <linux/smp.h>
#include <trace/events/ipi.h>

#include "arch.h"
#include "core.h"
#include "request.h"
#include "vcpu.h"
#include "vm.h"

/**
 * lvmm_vcpu_request - ask a vCPU to act on @req before its next entry
 * @vcpu: the vCPU; any context, hard interrupt included
 * @req:  an LVMM_REQ_* bit
 *
 * Wakes the vCPU out of its wait (HLT, or an AP before INIT and SIPI) and
 * out of the guest. An rcuwait, not a wait queue: waking one takes only the
 * task's raw pi_lock, so this works from the APIC timer's hard interrupt
 * callback even on PREEMPT_RT (KVM's kvm_vcpu_wake_up() does the same). A
 * write the waiter's condition reads, made before this call, is ordered
 * before rcuwait_wake_up()'s look at the waiting task.
 */
void lvmm_vcpu_request(struct lvmm_vcpu *vcpu, unsigned int req)
{
	set_bit(req, &vcpu->requests);
	/* Pairs with smp_store_mb() in the run loop's entry. */
	smp_mb__after_atomic();
	rcuwait_wake_up(&vcpu->wait);
	if (READ_ONCE(vcpu->mode) == LVMM_IN_GUEST) {
		int cpu = READ_ONCE(vcpu->cpu);

		if (cpu >= 0 && cpu != raw_smp_processor_id())
			smp_send_reschedule(cpu);
	}
}

static void lvmm_flush_ipi(void *info)
{
}

/*
 * After a mapping was removed from the nested page table: every vCPU must
 * flush its TLB before it enters again, and those in the guest right now
 * must leave it. Unlike a kick, this waits: the IPI handler runs only once
 * the target has exited (it runs the guest with interrupts off), so on
 * return no vCPU can still use the old translation.
 */
void lvmm_vm_flush_tlbs(struct lvmm_vm *vm)
{
	struct lvmm_vcpu *vcpu;
	cpumask_var_t cpus;
	int me;

	if (!zalloc_cpumask_var(&cpus, GFP_KERNEL)) {
		/* No mask: interrupt everybody. */
		lvmm_for_each_vcpu(vcpu, vm)
			set_bit(LVMM_REQ_TLB_FLUSH, &vcpu->requests);
		/* The requests are visible before the IPIs are sent. */
		smp_mb__after_atomic();
		on_each_cpu(lvmm_flush_ipi, NULL, 1);
		return;
	}
	lvmm_for_each_vcpu(vcpu, vm) {
		set_bit(LVMM_REQ_TLB_FLUSH, &vcpu->requests);
		/* Pairs with smp_store_mb() in the run loop's entry. */
		smp_mb__after_atomic();
		if (READ_ONCE(vcpu->mode) == LVMM_IN_GUEST)
			cpumask_set_cpu(READ_ONCE(vcpu->cpu), cpus);
	}
	me = get_cpu();
	cpumask_clear_cpu(me, cpus);
	smp_call_function_many(cpus, lvmm_flush_ipi, NULL, true);
	put_cpu();
	free_cpumask_var(cpus);
}
