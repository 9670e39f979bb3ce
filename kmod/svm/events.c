// SPDX-License-Identifier: GPL-2.0
/*
 * Events into the guest: exceptions, with the architecture's rules for an
 * exception raised while another is pending (#DF, then shutdown), and
 * external interrupts (the in-kernel APIC's or KVM_INTERRUPT's), delivered
 * when the guest can take them, with the VINTR intercept opening an
 * interrupt window when it cannot yet.
 *
 * External interrupts go in as a virtual interrupt (V_IRQ with V_IGN_TPR,
 * no VINTR intercept), only when the guest's IF is set and no interrupt
 * shadow is active, so the CPU takes it at the first instruction, exactly
 * as it would deliver EVENTINJ. Why not EVENTINJ: QEMU's TCG (up to 10.0
 * at least) delivers an EVENTINJ interrupt inside VMRUN but leaves its
 * vector in cs->exception_index, and the next exit request of its vCPU
 * loop delivers it a second time, at whatever guest instruction comes
 * next: usually the first instruction of the handler, with IF=0
 * (Documentation/testing.rst, "Interrupts delivered twice"). V_IRQ takes
 * QEMU's ordinary interrupt path. After the exit, a V_IRQ still set was not
 * taken and goes back to irq_pending; one taken whose delivery an exit cut
 * short (EXITINTINFO) goes back there too (svm_requeue_event()).
 */
#include <kunit/visibility.h>
#include <linux/export.h>
#include <linux/kvm.h>
#include <asm/processor-flags.h>
#include <asm/trapnr.h>

#include "../arch.h"
#include "../vcpu.h"
#include "svm.h"

/* Exceptions that push an error code. */
#define EXC_HAS_ERROR	(BIT(X86_TRAP_DF) | BIT(X86_TRAP_TS) | BIT(X86_TRAP_NP) | \
			 BIT(X86_TRAP_SS) | BIT(X86_TRAP_GP) | BIT(X86_TRAP_PF) | \
			 BIT(X86_TRAP_AC))
#define EXC_CONTRIBUTORY (BIT(X86_TRAP_DE) | BIT(X86_TRAP_TS) | BIT(X86_TRAP_NP) | \
			  BIT(X86_TRAP_SS) | BIT(X86_TRAP_GP))

static bool contributory(u8 v)
{
	return v < 32 && (EXC_CONTRIBUTORY & BIT(v));
}

/*
 * Queue @vector. If another exception is already waiting: a contributory
 * one on a contributory one or on #PF, or #PF on #PF, makes #DF; anything
 * on #DF is a triple fault, which shuts the guest down (the core turns
 * svm_vcpu->shutdown into KVM_EXIT_SHUTDOWN). Otherwise the new one wins,
 * as when the first was benign.
 */
void svm_queue_exception(struct lvmm_vcpu *vcpu, u8 vector, bool has_error,
			 u32 error)
{
	struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;
	u32 old = c->event_inj;

	/*
	 * An exception comes first; an external interrupt that was on its
	 * way waits, pending, for the next window. Its vector is already in
	 * service in the APIC, so losing it here would block every interrupt
	 * of its class and below for good.
	 */
	if (svm_event_is(old, SVM_EVTINJ_TYPE_INTR)) {
		vcpu->irq_pending = true;
		vcpu->irq_vector = old & SVM_EVTINJ_VEC_MASK;
		old = 0;
	}

	if (svm_event_is(old, SVM_EVTINJ_TYPE_EXEPT)) {
		u8 prev = old & SVM_EVTINJ_VEC_MASK;

		if (prev == X86_TRAP_DF) {
			to_svm(vcpu)->shutdown = true;
			return;
		}
		if ((contributory(prev) || prev == X86_TRAP_PF) &&
		    (contributory(vector) || vector == X86_TRAP_PF) &&
		    !(prev != X86_TRAP_PF && vector == X86_TRAP_PF)) {
			vector = X86_TRAP_DF;
			has_error = true;
			error = 0;
		}
	}
	has_error = has_error && vector < 32 && (EXC_HAS_ERROR & BIT(vector));
	c->event_inj = SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_EXEPT | vector |
		       (has_error ? SVM_EVTINJ_VALID_ERR : 0);
	c->event_inj_err = has_error ? error : 0;
}
EXPORT_SYMBOL_IF_KUNIT(svm_queue_exception);

bool svm_interrupt_allowed(struct lvmm_vcpu *vcpu)
{
	struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;

	return (vcpu->rflags & X86_EFLAGS_IF) &&
	       !(c->int_state & SVM_INTERRUPT_SHADOW_MASK) &&
	       !(c->event_inj & SVM_EVTINJ_VALID);
}

void svm_end_interrupt_shadow(struct lvmm_vcpu *vcpu)
{
	to_svm(vcpu)->vmcb->control.int_state &= ~SVM_INTERRUPT_SHADOW_MASK;
}

/*
 * V_IRQ serves two ends: a window (VINTR intercepted: exit as soon as the
 * guest could take an interrupt) and the delivery of @vector itself.
 */
enum svm_virq {
	SVM_VIRQ_NONE,
	SVM_VIRQ_WINDOW,
	SVM_VIRQ_INJECT,
};

static void set_virq(struct lvmm_vcpu *vcpu, enum svm_virq what, u8 vector)
{
	struct svm_vcpu *sv = to_svm(vcpu);
	struct vmcb_control_area *c = &sv->vmcb->control;
	bool was = c->intercepts[INTERCEPT_VINTR / 32] & BIT(INTERCEPT_VINTR % 32);
	bool intercept = what == SVM_VIRQ_WINDOW;

	if (was != intercept)
		svm_mark_dirty(sv, BIT(SVM_CLEAN_INTERCEPTS));
	if (intercept)
		c->intercepts[INTERCEPT_VINTR / 32] |= BIT(INTERCEPT_VINTR % 32);
	else
		c->intercepts[INTERCEPT_VINTR / 32] &= ~BIT(INTERCEPT_VINTR % 32);
	c->int_ctl &= ~(V_IRQ_MASK | V_IGN_TPR_MASK | V_INTR_PRIO_MASK);
	c->int_vector = 0;
	sv->virq_injected = what == SVM_VIRQ_INJECT;
	if (what == SVM_VIRQ_NONE)
		return;
	c->int_ctl |= V_IRQ_MASK | V_IGN_TPR_MASK | (0xf << V_INTR_PRIO_SHIFT);
	if (what == SVM_VIRQ_INJECT) {
		c->int_vector = vector;
		sv->virq_vector = vector;
	}
}

/* Right before VMRUN: deliver a pending interrupt, or wait for a window. */
void svm_prepare_events(struct lvmm_vcpu *vcpu)
{
	if (vcpu->irq_pending) {
		if (svm_interrupt_allowed(vcpu)) {
			set_virq(vcpu, SVM_VIRQ_INJECT, vcpu->irq_vector);
			vcpu->irq_pending = false;
			return;
		}
		set_virq(vcpu, SVM_VIRQ_WINDOW, 0);
	} else if (vcpu->irq_window) {
		set_virq(vcpu, SVM_VIRQ_WINDOW, 0);
	} else {
		set_virq(vcpu, SVM_VIRQ_NONE, 0);
	}
}

/*
 * Right after #VMEXIT: an injected V_IRQ the CPU has not taken yet (an exit
 * came first) is pending again; the next entry decides anew.
 */
void svm_complete_virq(struct lvmm_vcpu *vcpu)
{
	struct svm_vcpu *sv = to_svm(vcpu);

	if (!sv->virq_injected)
		return;
	if (sv->vmcb->control.int_ctl & V_IRQ_MASK) {
		vcpu->irq_pending = true;
		vcpu->irq_vector = sv->virq_vector;
	}
	set_virq(vcpu, SVM_VIRQ_NONE, 0);
}

void svm_close_irq_window(struct lvmm_vcpu *vcpu)
{
	set_virq(vcpu, SVM_VIRQ_NONE, 0);
}

void svm_get_events(struct lvmm_vcpu *vcpu, struct kvm_vcpu_events *ev)
{
	struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;
	u32 inj = c->event_inj;

	memset(ev, 0, sizeof(*ev));
	if (inj & SVM_EVTINJ_VALID) {
		u32 type = inj & SVM_EVTINJ_TYPE_MASK;

		if (type == SVM_EVTINJ_TYPE_EXEPT) {
			ev->exception.injected = 1;
			ev->exception.nr = inj & SVM_EVTINJ_VEC_MASK;
			ev->exception.has_error_code = !!(inj & SVM_EVTINJ_VALID_ERR);
			ev->exception.error_code = c->event_inj_err;
		} else if (type == SVM_EVTINJ_TYPE_INTR) {
			ev->interrupt.injected = 1;
			ev->interrupt.nr = inj & SVM_EVTINJ_VEC_MASK;
		}
	}
	if (vcpu->irq_pending) {
		ev->interrupt.injected = 1;
		ev->interrupt.nr = vcpu->irq_vector;
	}
	if (c->int_state & SVM_INTERRUPT_SHADOW_MASK)
		ev->interrupt.shadow = KVM_X86_SHADOW_INT_MOV_SS;
	ev->flags = KVM_VCPUEVENT_VALID_SHADOW;
}

int svm_set_events(struct lvmm_vcpu *vcpu, const struct kvm_vcpu_events *ev)
{
	struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;

	/*
	 * No NMI, SMM or SIPI state in lvmm; KVM's payload format is not
	 * used. A VMM resetting a vCPU (QEMU) names the NMI and SIPI fields
	 * valid: with no NMI pending that is accepted, and the SIPI vector,
	 * which lvmm takes from the SIPI itself, is ignored.
	 */
	if (ev->flags & ~(KVM_VCPUEVENT_VALID_SHADOW |
			  KVM_VCPUEVENT_VALID_NMI_PENDING |
			  KVM_VCPUEVENT_VALID_SIPI_VECTOR))
		return -EINVAL;
	if (ev->nmi.injected || ev->nmi.pending || ev->smi.pending ||
	    ev->smi.smm || ev->triple_fault.pending)
		return -EINVAL;
	if ((ev->exception.injected || ev->exception.pending) &&
	    (ev->exception.nr >= 32 || ev->exception.nr == X86_TRAP_NMI))
		return -EINVAL;

	c->event_inj = 0;
	to_svm(vcpu)->requeued = 0;	/* the VMM's events replace it */
	vcpu->irq_pending = false;
	if (ev->exception.injected || ev->exception.pending)
		svm_queue_exception(vcpu, ev->exception.nr,
				    ev->exception.has_error_code,
				    ev->exception.error_code);
	else if (ev->interrupt.injected) {
		vcpu->irq_pending = true;
		vcpu->irq_vector = ev->interrupt.nr;
	}
	if (ev->flags & KVM_VCPUEVENT_VALID_SHADOW) {
		if (ev->interrupt.shadow)
			c->int_state |= SVM_INTERRUPT_SHADOW_MASK;
		else
			c->int_state &= ~SVM_INTERRUPT_SHADOW_MASK;
	}
	return 0;
}
