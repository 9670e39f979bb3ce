// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: an event the CPU was delivering when an exit came, put back by
 * svm_requeue_event(), and what svm_queue_exception() does to it, on a
 * vCPU and VMCB made by hand.
 */
#include <kunit/test.h>
#include <asm/trapnr.h>

#include "../arch.h"
#include "../svm/svm.h"
#include "../vcpu.h"

static struct lvmm_vcpu *fake_vcpu(struct kunit *test)
{
	struct lvmm_vcpu *vcpu = kunit_kzalloc(test, sizeof(*vcpu), GFP_KERNEL);
	struct svm_vcpu *sv = kunit_kzalloc(test, sizeof(*sv), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, vcpu);
	KUNIT_ASSERT_NOT_NULL(test, sv);
	sv->vmcb = kunit_kzalloc(test, sizeof(*sv->vmcb), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, sv->vmcb);
	vcpu->arch = sv;
	return vcpu;
}

#define INTR(v)	(SVM_EXITINTINFO_VALID | SVM_EXITINTINFO_TYPE_INTR | (v))
#define EXC(v)	(SVM_EXITINTINFO_VALID | SVM_EXITINTINFO_TYPE_EXEPT | (v))

/* An interrupt cut short, then an exception for the same exit: both go in. */
static void requeued_interrupt_survives_an_exception(struct kunit *test)
{
	struct lvmm_vcpu *vcpu = fake_vcpu(test);
	struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;

	c->exit_int_info = INTR(0x30);
	svm_requeue_event(vcpu);
	svm_queue_exception(vcpu, X86_TRAP_UD, false, 0);
	KUNIT_EXPECT_EQ(test, c->event_inj, (u32)EXC(X86_TRAP_UD));
	KUNIT_EXPECT_TRUE(test, vcpu->irq_pending);
	KUNIT_EXPECT_EQ(test, vcpu->irq_vector, 0x30);
}

/* Whoever put an interrupt into EVENTINJ, an exception does not erase it. */
static void exception_moves_an_injected_interrupt_back(struct kunit *test)
{
	struct lvmm_vcpu *vcpu = fake_vcpu(test);
	struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;

	c->event_inj = INTR(0x31);
	svm_queue_exception(vcpu, X86_TRAP_GP, true, 0);
	KUNIT_EXPECT_EQ(test, c->event_inj,
			(u32)(EXC(X86_TRAP_GP) | SVM_EVTINJ_VALID_ERR));
	KUNIT_EXPECT_TRUE(test, vcpu->irq_pending);
	KUNIT_EXPECT_EQ(test, vcpu->irq_vector, 0x31);
}

/* QEMU's TCG reports a V_IRQ cut short as an exception with its vector. */
static void exception_typed_vector_above_31_is_an_interrupt(struct kunit *test)
{
	struct lvmm_vcpu *vcpu = fake_vcpu(test);
	struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;

	c->exit_int_info = EXC(0xec);
	svm_requeue_event(vcpu);
	KUNIT_EXPECT_EQ(test, c->event_inj, 0u);
	KUNIT_EXPECT_TRUE(test, vcpu->irq_pending);
	KUNIT_EXPECT_EQ(test, vcpu->irq_vector, 0xec);
}

static void requeued_exception_keeps_its_error_code(struct kunit *test)
{
	struct lvmm_vcpu *vcpu = fake_vcpu(test);
	struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;

	c->exit_int_info = EXC(X86_TRAP_PF) | SVM_EXITINTINFO_VALID_ERR;
	c->exit_int_info_err = 0x2;
	svm_requeue_event(vcpu);
	KUNIT_EXPECT_EQ(test, c->event_inj,
			(u32)(EXC(X86_TRAP_PF) | SVM_EXITINTINFO_VALID_ERR));
	KUNIT_EXPECT_EQ(test, c->event_inj_err, 0x2u);
	KUNIT_EXPECT_FALSE(test, vcpu->irq_pending);
	/* A software interrupt is raised again by its instruction. */
	c->event_inj = 0;
	c->exit_int_info = SVM_EXITINTINFO_VALID | SVM_EXITINTINFO_TYPE_SOFT | 0x80;
	svm_requeue_event(vcpu);
	KUNIT_EXPECT_EQ(test, c->event_inj, 0u);
}

static struct kunit_case svm_events_cases[] = {
	KUNIT_CASE(requeued_interrupt_survives_an_exception),
	KUNIT_CASE(exception_moves_an_injected_interrupt_back),
	KUNIT_CASE(exception_typed_vector_above_31_is_an_interrupt),
	KUNIT_CASE(requeued_exception_keeps_its_error_code),
	{}
};

static struct kunit_suite svm_events_suite = {
	.name = "lvmm_svm_events",
	.test_cases = svm_events_cases,
};

kunit_test_suite(svm_events_suite);
