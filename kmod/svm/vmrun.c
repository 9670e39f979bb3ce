// SPDX-License-Identifier: GPL-2.0
/*
 * One guest entry: claim the CPU's SVM, pick an ASID, VMRUN, give SVM back.
 *
 * EFER.SVME is set here with interrupts off and cleared before they are
 * enabled again, so lvmm never leaves SVM enabled on a CPU. If another
 * hypervisor (kvm_amd) holds EFER.SVME on this CPU, lvmm does not enter:
 * the two would share ASIDs, and neither could flush the other's TLB
 * entries. Documentation/svm.rst explains the protocol.
 */
#include <kunit/visibility.h>
#include <linux/export.h>
#include <linux/irqflags.h>
#include <linux/sched/clock.h>
#include <asm/fpu/xcr.h>
#include <asm/msr.h>
#include <asm/processor-flags.h>

#include "../arch.h"
#include "../core.h"
#include "../vcpu.h"
#include "svm.h"

static inline void svm_clgi(void)
{
	asm volatile("clgi" ::: "memory");
}

static inline void svm_stgi(void)
{
	asm volatile("stgi" ::: "memory");
}

static inline void svm_vmsave(u64 pa)
{
	asm volatile("vmsave %0" :: "a"(pa) : "memory");
}

/*
 * Make this CPU's SVM ours until svm_release_cpu(). If MSR_VM_HSAVE_PA is
 * not our page, another hypervisor enabled SVM here since lvmm last ran:
 * its guests' TLB entries may carry any ASID, so open a new generation,
 * which flushes all ASIDs at the next assignment.
 */
static void svm_claim_cpu(struct svm_cpu *sc, u64 efer)
{
	u64 hsave;

	rdmsrl(MSR_VM_HSAVE_PA, hsave);
	if (hsave != sc->hsave_pa) {
		wrmsrl(MSR_VM_HSAVE_PA, sc->hsave_pa);
		sc->asid_generation++;
		sc->next_asid = svm_max_asid + 1;
	}
	wrmsrl(MSR_EFER, efer | EFER_SVME);
}

static void svm_release_cpu(u64 efer)
{
	/* GIF must be 1 before SVME goes, or NMIs and INIT stay blocked. */
	svm_stgi();
	wrmsrl(MSR_EFER, efer);
}

/*
 * ASIDs are per CPU and handed out in generations: a new ASID in the current
 * generation has no TLB entries, so taking one is a flush of this vCPU's
 * translations. Running out opens a new generation and flushes all.
 */
static void svm_assign_asid(struct svm_vcpu *sv, struct svm_cpu *sc, int cpu,
			    bool flush)
{
	struct vmcb_control_area *c = &sv->vmcb->control;

	c->tlb_ctl = TLB_CONTROL_DO_NOTHING;
	if (sv->asid_cpu == cpu && sv->asid_generation == sc->asid_generation) {
		if (!flush)
			return;
		if (svm_caps.flush_by_asid) {
			c->tlb_ctl = TLB_CONTROL_FLUSH_ASID;
			return;
		}
	}
	if (sc->next_asid > svm_max_asid) {
		sc->asid_generation++;
		sc->next_asid = 1;
		c->tlb_ctl = TLB_CONTROL_FLUSH_ALL_ASID;
	}
	sv->asid = sc->next_asid++;
	sv->asid_cpu = cpu;
	sv->asid_generation = sc->asid_generation;
	c->asid = sv->asid;
	svm_mark_dirty(sv, BIT(SVM_CLEAN_ASID));
}

/**
 * svm_vmcb_clean_bits - the VMCB clean field for one VMRUN
 * @supported: the CPU has VMCB clean bits
 * @dirty:     areas changed since the last VMRUN (enum svm_clean_area)
 * @last_cpu:  CPU of the last VMRUN of this VMCB, -1 for none
 * @cpu:       CPU of this one
 *
 * The CPU keeps cached VMCB state only for the VMCB that last ran on it,
 * so after a move to another CPU all of it is dirty.
 */
u32 svm_vmcb_clean_bits(bool supported, u32 dirty, int last_cpu, int cpu)
{
	if (!supported || last_cpu != cpu)
		return 0;
	return SVM_CLEAN_ALL & ~(dirty | SVM_ALWAYS_DIRTY);
}
EXPORT_SYMBOL_IF_KUNIT(svm_vmcb_clean_bits);

/*
 * CR4 writes are not intercepted, so the guest may turn OSXSAVE on and read
 * XCR0 without an exit: its XCR0 is in the CPU whenever it runs, whatever
 * its CR4 says, and the host's is back before anything else runs. A
 * host without XSAVE (XCR0 read as 0) has no XCR0 to switch.
 */
static void svm_load_guest_xcr0(struct lvmm_vcpu *vcpu)
{
	if (lvmm_host_xcr0 && vcpu->xcr0 != lvmm_host_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, vcpu->xcr0);
}

/*
 * XSETBV is intercepted, but QEMU's TCG runs it in a nested guest without
 * the exit. Taking XCR0 back from the CPU keeps the guest's value instead
 * of loading a stale one at the next entry, which would make the guest's
 * XSAVE drop state it thinks is enabled; on hardware that does intercept,
 * it reads back what lvmm loaded.
 */
static void svm_load_host_xcr0(struct lvmm_vcpu *vcpu)
{
	u64 xcr0;

	if (!lvmm_host_xcr0)
		return;
	xcr0 = xgetbv(XCR_XFEATURE_ENABLED_MASK);
	vcpu->xcr0 = xcr0;
	if (xcr0 != lvmm_host_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, lvmm_host_xcr0);
}

/**
 * svm_vcpu_enter - one VMRUN
 * @vcpu:      the vCPU; interrupts off, marked in the guest by the run loop
 * @flush_tlb: its TLB entries must go first
 *
 * Return: true after a VMRUN; false if none happened, with the reason in
 * svm_vcpu->not_entered for svm_vcpu_exit() to report.
 */
bool svm_vcpu_enter(struct lvmm_vcpu *vcpu, bool flush_tlb)
{
	struct svm_vcpu *sv = to_svm(vcpu);
	struct vmcb *vmcb = sv->vmcb;
	struct svm_cpu *sc;
	u64 efer, t0;
	int cpu;

	lockdep_assert_irqs_disabled();
	sv->not_entered = LVMM_EXIT_NONE;
	rdmsrl(MSR_EFER, efer);
	if (efer & EFER_SVME) {
		sv->not_entered = LVMM_EXIT_BUSY;
		return false;
	}
	if (sv->shutdown) {
		/* A fault on top of #DF, found while queueing it. */
		sv->shutdown = false;
		sv->requeued = 0;
		sv->not_entered = LVMM_EXIT_SHUTDOWN;
		return false;
	}

	cpu = smp_processor_id();
	sc = this_cpu_ptr(&svm_cpu);
	svm_claim_cpu(sc, efer);
	svm_assign_asid(sv, sc, cpu, flush_tlb);
	svm_prepare_events(vcpu);

	vmcb->save.rax = vcpu->gpr[RAX];
	vmcb->save.rsp = vcpu->gpr[RSP];
	vmcb->save.rip = vcpu->rip;
	vmcb->save.rflags = vcpu->rflags;
	svm_debug_enter(vcpu);
	vmcb->control.clean = svm_vmcb_clean_bits(svm_caps.vmcb_clean, sv->dirty,
						  sv->last_cpu, cpu);
	sv->dirty = 0;
	sv->last_cpu = cpu;
	svm_exit_ring_entry(sv);
	if (svm_event_checks)
		svm_event_check_entry(vcpu);
	sv->requeued = 0;
	svm_load_guest_xcr0(vcpu);
	svm_spec_ctrl_enter(sv);

	svm_clgi();
	svm_vmsave(sc->host_vmcb_pa);
	t0 = sched_clock();
	/* GIF=0 keeps interrupts pending; the host's IF=1 lets them exit. */
	raw_local_irq_enable();
	__svm_vmrun(sv->vmcb_pa, sc->host_vmcb_pa, vcpu->gpr);
	raw_local_irq_disable();
	svm_spec_ctrl_exit(sv);
	vcpu->stats.guest_ns += sched_clock() - t0;

	svm_load_host_xcr0(vcpu);
	svm_release_cpu(efer);

	vcpu->gpr[RAX] = vmcb->save.rax;
	vcpu->gpr[RSP] = vmcb->save.rsp;
	vcpu->rip = vmcb->save.rip;
	vcpu->rflags = vmcb->save.rflags;
	svm_debug_exit(vcpu);
	vmcb->control.event_inj = 0;
	return true;
}
