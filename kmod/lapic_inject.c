// SPDX-License-Identifier: GPL-2.0
/*
 * The local APIC's interrupts, from IRR into the guest. The timer, IPIs of
 * other vCPUs and the IOAPIC set a bit in IRR and kick the vCPU. Before
 * every entry the run loop asks lvmm_lapic_inject() for the highest IRR
 * vector above the processor priority, moves it to ISR and hands it to the
 * backend's event injection.
 */
#include <linux/atomic.h>
#include <linux/smp.h>

#include "arch.h"
#include "core.h"
#include "lapic_internal.h"
#include "pic.h"
#include "request.h"
#include "vcpu.h"

/* The vector to deliver now, or -1. Under a->lock. */
static int pending_vector(struct lvmm_lapic *a)
{
	int irr;

	if (!hw_enabled(a->vcpu))
		return -1;
	irr = vec_highest(a, APIC_IRR);
	if (irr < 0 || (irr & 0xf0) <= (ppr(a) & 0xf0))
		return -1;
	return irr;
}

/*
 * Wake the vCPU for an event: out of HLT, or out of the guest so that the
 * run loop looks at IRR again before the next entry (request.c). The write
 * the waiter's condition reads was made before, under a->lock.
 */
void lvmm_lapic_kick(struct lvmm_vcpu *vcpu)
{
	lvmm_vcpu_request(vcpu, LVMM_REQ_EVENT);
}

/*
 * Accept @vector into IRR, or drop it: an illegal vector (ESR is not
 * modelled), or any vector while the APIC is software-disabled, which
 * takes no fixed interrupts (KVM's __apic_accept_irq() too). Under
 * a->lock; the caller kicks. Return: accepted.
 */
bool lvmm_lapic_accept(struct lvmm_lapic *a, u8 vector, bool level)
{
	if (vector < 16 || !sw_enabled(a))
		return false;
	vec_set(a, APIC_IRR, vector);
	if (level)
		vec_set(a, APIC_TMR, vector);
	else
		vec_clear(a, APIC_TMR, vector);
	return true;
}

/* A fixed interrupt for @vcpu. Return: its APIC took it. */
bool lvmm_lapic_deliver(struct lvmm_vcpu *vcpu, u8 vector, bool level)
{
	struct lvmm_lapic *a = vcpu->lapic;
	unsigned long flags;
	bool taken;

	raw_spin_lock_irqsave(&a->lock, flags);
	taken = lvmm_lapic_accept(a, vector, level);
	raw_spin_unlock_irqrestore(&a->lock, flags);
	if (taken)
		lvmm_lapic_kick(vcpu);
	return taken;
}

/*
 * Does the APIC take the VMM's 8259 interrupt (split irqchip)? When it is
 * hardware-disabled, or LINT0 is unmasked ExtINT: KVM's
 * kvm_apic_accept_pic_intr().
 */
bool lvmm_lapic_accepts_extint(struct lvmm_vcpu *vcpu)
{
	u32 lvt0 = READ_ONCE(*reg(vcpu->lapic, APIC_LVT0));

	return !hw_enabled(vcpu) ||
	       (!(lvt0 & APIC_LVT_MASKED) &&
		GET_APIC_DELIVERY_MODE(lvt0) == APIC_MODE_EXTINT);
}

/*
 * Is there an ExtINT from the in-kernel 8259 for this vCPU to take? Any
 * vCPU whose APIC takes ExtINT may, as in KVM; the loser of a race gets
 * the 8259's spurious vector, as on hardware.
 */
static bool pic_extint(struct lvmm_vcpu *vcpu)
{
	return lvmm_pic_output(vcpu->vm) && lvmm_lapic_accepts_extint(vcpu);
}

void lvmm_lapic_inject(struct lvmm_vcpu *vcpu)
{
	struct lvmm_lapic *a = vcpu->lapic;
	unsigned long flags;
	int v;

	vcpu->irq_window = false;
	if (vcpu->irq_pending)
		return;
	/* ExtINT comes before the APIC's own, as it does on hardware. */
	if (pic_extint(vcpu)) {
		if (lvmm_arch->interrupt_allowed(vcpu)) {
			/* INTA: the vector is the 8259's to choose now. */
			vcpu->irq_pending = true;
			vcpu->irq_vector = lvmm_pic_intack(vcpu->vm);
		} else {
			vcpu->irq_window = true;
		}
		return;
	}
	if (vcpu->extint_pending && lvmm_lapic_accepts_extint(vcpu)) {
		if (lvmm_arch->interrupt_allowed(vcpu)) {
			vcpu->irq_pending = true;
			vcpu->irq_vector = vcpu->extint_vector;
			vcpu->extint_pending = false;
		} else {
			vcpu->irq_window = true;
		}
		return;
	}
	raw_spin_lock_irqsave(&a->lock, flags);
	v = pending_vector(a);
	if (v >= 0) {
		if (lvmm_arch->interrupt_allowed(vcpu)) {
			vec_clear(a, APIC_IRR, v);
			vec_set(a, APIC_ISR, v);
			vcpu->irq_pending = true;
			vcpu->irq_vector = v;
		} else {
			vcpu->irq_window = true;
		}
	}
	raw_spin_unlock_irqrestore(&a->lock, flags);
}

/*
 * HLT ends when an interrupt the guest would take is pending: in IRR, or
 * already taken from it (irq_pending). The second happens when a tick came
 * while the guest sat in the STI shadow right before its HLT: the vector
 * went to ISR for delivery, the shadow held it back, and HLT exited first.
 * With only IRR looked at, that vCPU slept with its interrupt in hand and
 * every later tick blocked behind it in ISR.
 */
bool lvmm_lapic_runnable(struct lvmm_vcpu *vcpu)
{
	struct lvmm_lapic *a = vcpu->lapic;
	unsigned long flags;
	int v;

	if (!lvmm_arch->interrupt_allowed(vcpu))
		return false;
	if (READ_ONCE(vcpu->irq_pending))
		return true;
	if ((vcpu->extint_pending && lvmm_lapic_accepts_extint(vcpu)) ||
	    pic_extint(vcpu))
		return true;
	raw_spin_lock_irqsave(&a->lock, flags);
	v = pending_vector(a);
	raw_spin_unlock_irqrestore(&a->lock, flags);
	return v >= 0;
}
