// SPDX-License-Identifier: GPL-2.0
/*
 * A vCPU's multiprocessor state, with the in-kernel APIC: how an AP waits
 * for INIT and SIPI, how a vCPU waits in HLT, and KVM_GET/SET_MP_STATE.
 *
 * As in KVM, with KVM_CREATE_IRQCHIP the BSP (vCPU 0) starts RUNNABLE and
 * every AP UNINITIALIZED: KVM_RUN sleeps until another vCPU sends it INIT
 * (-> INIT_RECEIVED, registers in the INIT state) and then SIPI (-> RUNNABLE
 * in real mode at vector << 12). An INIT to the BSP resets it and leaves it
 * runnable. A SIPI to a vCPU not in INIT_RECEIVED is dropped. Without the
 * in-kernel APIC every vCPU is RUNNABLE and HLT is the VMM's business.
 *
 * Senders only latch INIT and SIPI in the target's APIC and kick it
 * (lapic_ipi.c); the target takes them here, in its own KVM_RUN or
 * KVM_GET_MP_STATE, since only the thread holding vcpu->mutex may touch
 * its registers.
 */
#include <linux/bug.h>
#include <linux/kvm.h>
#include <linux/rcuwait.h>
#include <linux/uaccess.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>

#include "arch.h"
#include "core.h"
#include "cpuid.h"
#include "lapic.h"
#include "request.h"
#include "vcpu.h"

/* At creation: what KVM's kvm_arch_vcpu_create() chooses. */
void lvmm_vcpu_init_mp_state(struct lvmm_vcpu *vcpu)
{
	if (vcpu->lapic && !(vcpu->apic_base & MSR_IA32_APICBASE_BSP))
		vcpu->mp_state = KVM_MP_STATE_UNINITIALIZED;
	else
		vcpu->mp_state = KVM_MP_STATE_RUNNABLE;
}

/*
 * The processor's response to INIT, as KVM's kvm_vcpu_reset(init_event):
 * general registers cleared but for RDX (family, model, stepping), RIP
 * 0xfff0 with CS at 0xffff0000, the control registers and the APIC
 * reset, nothing left to deliver. MSRs, XCR0 and the FPU stay.
 */
static void vcpu_init_reset(struct lvmm_vcpu *vcpu)
{
	struct kvm_cpuid_entry2 *e = lvmm_cpuid_entry(vcpu, 1, 0);

	memset(vcpu->gpr, 0, sizeof(vcpu->gpr));
	vcpu->gpr[RDX] = e ? e->eax : 0x600;
	vcpu->rip = 0xfff0;
	vcpu->rflags = X86_EFLAGS_FIXED;
	vcpu->irq_pending = false;
	vcpu->irq_window = false;
	/* An exit the VMM has not completed belongs to the old context. */
	vcpu->pending = LVMM_PENDING_NONE;
	lvmm_arch->vcpu_reset(vcpu);
	lvmm_lapic_init_reset(vcpu);
	/* The guest's translations go too, as in KVM. */
	set_bit(LVMM_REQ_TLB_FLUSH, &vcpu->requests);
}

/* Act on INIT and SIPI other vCPUs latched (KVM: kvm_apic_accept_events). */
static void accept_init_sipi(struct lvmm_vcpu *vcpu)
{
	struct kvm_sregs sregs;
	unsigned long events;
	u8 vector;

	if (!lvmm_lapic_has_init_sipi(vcpu))
		return;
	events = lvmm_lapic_take_init_sipi(vcpu, &vector);
	if (events & LVMM_APIC_INIT) {
		vcpu_init_reset(vcpu);
		vcpu->mp_state = vcpu->apic_base & MSR_IA32_APICBASE_BSP ?
				 KVM_MP_STATE_RUNNABLE :
				 KVM_MP_STATE_INIT_RECEIVED;
	}
	if (!(events & LVMM_APIC_SIPI) ||
	    vcpu->mp_state != KVM_MP_STATE_INIT_RECEIVED)
		return;
	/*
	 * Real mode at vector << 12, through the SREGS as KVM's SIPI goes
	 * through its segment accessors; from the INIT state they are valid.
	 */
	lvmm_arch->get_sregs(vcpu, &sregs);
	sregs.cs.selector = vector << 8;
	sregs.cs.base = (u64)vector << 12;
	WARN_ON_ONCE(lvmm_arch->set_sregs(vcpu, &sregs));
	vcpu->rip = 0;
	vcpu->mp_state = KVM_MP_STATE_RUNNABLE;
}

/* What ends the wait of a vCPU that is not runnable. */
static bool vcpu_woken(struct lvmm_vcpu *vcpu)
{
	return lvmm_lapic_has_init_sipi(vcpu) ||
	       (vcpu->mp_state == KVM_MP_STATE_HALTED &&
		lvmm_lapic_runnable(vcpu));
}

/**
 * lvmm_vcpu_wait - KVM_RUN's wait until the vCPU may run
 * @vcpu: a vCPU with the in-kernel APIC, under vcpu->mutex
 *
 * Takes INIT and SIPI, and sleeps while the vCPU waits for them or, in
 * HLT, for an interrupt the guest would take; KVM_RUN runs only a
 * RUNNABLE vCPU.
 *
 * Return: 0 to enter the guest, -EINTR for a signal: the state stays what
 * it is (KVM_GET_MP_STATE shows it) and the next KVM_RUN waits again.
 */
int lvmm_vcpu_wait(struct lvmm_vcpu *vcpu)
{
	for (;;) {
		accept_init_sipi(vcpu);
		if (vcpu->mp_state == KVM_MP_STATE_RUNNABLE)
			return 0;
		if (vcpu->mp_state == KVM_MP_STATE_HALTED) {
			if (lvmm_lapic_runnable(vcpu)) {
				vcpu->mp_state = KVM_MP_STATE_RUNNABLE;
				return 0;
			}
			vcpu->stats.halt_waits++;
		}
		/* Woken by lvmm_lapic_kick(); -EINTR for a signal. */
		if (rcuwait_wait_event(&vcpu->wait, vcpu_woken(vcpu),
				       TASK_INTERRUPTIBLE))
			return -EINTR;
	}
}

static bool mp_state_valid(struct lvmm_vcpu *vcpu, u32 state)
{
	switch (state) {
	case KVM_MP_STATE_RUNNABLE:
		return true;
	case KVM_MP_STATE_HALTED:
	case KVM_MP_STATE_UNINITIALIZED:
	case KVM_MP_STATE_INIT_RECEIVED:
		return vcpu->lapic;
	default:
		return false;
	}
}

/*
 * KVM_GET_MP_STATE takes pending INIT and SIPI first, as KVM does, so the
 * VMM sees the state they lead to. KVM_SET_MP_STATE: RUNNABLE always, the
 * waiting states only with the in-kernel APIC.
 */
int lvmm_mp_state_ioctl(struct lvmm_vcpu *vcpu, void __user *u, bool set)
{
	struct kvm_mp_state mp;

	if (!set) {
		if (vcpu->lapic)
			accept_init_sipi(vcpu);
		mp.mp_state = vcpu->mp_state;
		return copy_to_user(u, &mp, sizeof(mp)) ? -EFAULT : 0;
	}
	if (copy_from_user(&mp, u, sizeof(mp)))
		return -EFAULT;
	if (!mp_state_valid(vcpu, mp.mp_state))
		return -EINVAL;
	vcpu->mp_state = mp.mp_state;
	return 0;
}
