// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the event delivery rules of kmod/svm/event_check.c, on VMCBs
 * filled in by hand as an entry or an exit would leave them.
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include <asm/processor-flags.h>
#include <asm/trapnr.h>

#include "../arch.h"
#include "../svm/svm.h"

#define INTR(v)	(SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_INTR | (v))
#define EXC(v)	(SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_EXEPT | (v))

static struct vmcb *new_vmcb(struct kunit *test)
{
	struct vmcb *vmcb = kunit_kzalloc(test, sizeof(*vmcb), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, vmcb);
	vmcb->save.rflags = X86_EFLAGS_FIXED | X86_EFLAGS_IF;
	return vmcb;
}

static void fresh_interrupt_needs_if_and_no_shadow(struct kunit *test)
{
	struct vmcb *vmcb = new_vmcb(test);

	vmcb->control.event_inj = INTR(0xec);
	KUNIT_EXPECT_EQ(test, svm_check_entry_events(vmcb, 0, -1), 0);
	vmcb->save.rflags &= ~X86_EFLAGS_IF;
	KUNIT_EXPECT_EQ(test, svm_check_entry_events(vmcb, 0, -1),
			BIT(SVM_EVCHK_INTR_MASKED));
	vmcb->save.rflags |= X86_EFLAGS_IF;
	vmcb->control.int_state = SVM_INTERRUPT_SHADOW_MASK;
	KUNIT_EXPECT_EQ(test, svm_check_entry_events(vmcb, 0, -1),
			BIT(SVM_EVCHK_INTR_MASKED));
	/* An exception is delivered whatever IF says. */
	vmcb->control.event_inj = EXC(X86_TRAP_GP);
	KUNIT_EXPECT_EQ(test, svm_check_entry_events(vmcb, 0, -1), 0);
}

static void virq_delivery_needs_if_but_window_does_not(struct kunit *test)
{
	struct vmcb *vmcb = new_vmcb(test);
	struct vmcb_control_area *c = &vmcb->control;

	c->int_ctl = V_IRQ_MASK | V_IGN_TPR_MASK;
	c->int_vector = 0xec;
	KUNIT_EXPECT_EQ(test, svm_check_entry_events(vmcb, 0, 0xec), 0);
	vmcb->save.rflags &= ~X86_EFLAGS_IF;
	KUNIT_EXPECT_EQ(test, svm_check_entry_events(vmcb, 0, 0xec),
			BIT(SVM_EVCHK_INTR_MASKED));
	/* With VINTR intercepted it only asks for an exit when IF comes. */
	c->intercepts[INTERCEPT_VINTR / 32] |= BIT(INTERCEPT_VINTR % 32);
	KUNIT_EXPECT_EQ(test, svm_check_entry_events(vmcb, 0, -1), 0);
}

static void requeued_interrupt_is_delivered_again(struct kunit *test)
{
	struct vmcb *vmcb = new_vmcb(test);

	/* Injected again as V_IRQ, or pending while a window opens. */
	KUNIT_EXPECT_EQ(test, svm_check_entry_events(vmcb, INTR(0xec), 0xec), 0);
	KUNIT_EXPECT_EQ(test, svm_check_entry_events(vmcb, INTR(0xec), -1),
			BIT(SVM_EVCHK_REQUEUE_LOST));
	KUNIT_EXPECT_EQ(test, svm_check_entry_events(vmcb, INTR(0xec), 0xd1),
			BIT(SVM_EVCHK_REQUEUE_LOST));
}

static void requeued_exception_must_stay(struct kunit *test)
{
	struct vmcb *vmcb = new_vmcb(test);

	vmcb->control.event_inj = EXC(X86_TRAP_PF);
	KUNIT_EXPECT_EQ(test, svm_check_entry_events(vmcb, EXC(X86_TRAP_PF), -1), 0);
	/* A requeued #GP may become #DF, but not vanish. */
	vmcb->control.event_inj = EXC(X86_TRAP_DF);
	KUNIT_EXPECT_EQ(test, svm_check_entry_events(vmcb, EXC(X86_TRAP_GP), -1), 0);
	vmcb->control.event_inj = 0;
	KUNIT_EXPECT_EQ(test, svm_check_entry_events(vmcb, EXC(X86_TRAP_GP), -1),
			BIT(SVM_EVCHK_REQUEUE_LOST));
}

static void instruction_exit_during_delivery(struct kunit *test)
{
	struct vmcb *vmcb = new_vmcb(test);

	vmcb->control.exit_int_info = INTR(0xec);
	vmcb->control.exit_code = SVM_EXIT_NPF;
	KUNIT_EXPECT_EQ(test, svm_check_exit_events(vmcb), 0);
	vmcb->control.exit_code = SVM_EXIT_EXCP_BASE + X86_TRAP_PF;
	KUNIT_EXPECT_EQ(test, svm_check_exit_events(vmcb), 0);
	vmcb->control.exit_code = SVM_EXIT_IOIO;
	KUNIT_EXPECT_EQ(test, svm_check_exit_events(vmcb),
			BIT(SVM_EVCHK_VECTORING_INSN));
	vmcb->control.exit_code = SVM_EXIT_CPUID;
	KUNIT_EXPECT_EQ(test, svm_check_exit_events(vmcb),
			BIT(SVM_EVCHK_VECTORING_INSN));
	vmcb->control.exit_code = SVM_EXIT_READ_DR6;
	KUNIT_EXPECT_EQ(test, svm_check_exit_events(vmcb),
			BIT(SVM_EVCHK_VECTORING_INSN));
	vmcb->control.exit_int_info = 0;
	KUNIT_EXPECT_EQ(test, svm_check_exit_events(vmcb), 0);
}

static void user_mode_with_kernel_gs(struct kunit *test)
{
	struct vmcb *vmcb = new_vmcb(test);

	vmcb->control.exit_code = SVM_EXIT_INTR;
	/* Linux at CPL 3: the per-CPU base waits in KERNEL_GS_BASE. */
	vmcb->save.cpl = 3;
	vmcb->save.gs.base = 0x7f0000001000ULL;
	vmcb->save.kernel_gs_base = 0xffff88803fc00000ULL;
	KUNIT_EXPECT_EQ(test, svm_check_exit_events(vmcb), 0);
	vmcb->save.gs.base = 0xffff88803fc00000ULL;
	KUNIT_EXPECT_EQ(test, svm_check_exit_events(vmcb),
			BIT(SVM_EVCHK_USER_KERNEL_GS));
	/* In the kernel, before or after SWAPGS, either is fine. */
	vmcb->save.cpl = 0;
	KUNIT_EXPECT_EQ(test, svm_check_exit_events(vmcb), 0);
}

static struct kunit_case event_check_cases[] = {
	KUNIT_CASE(fresh_interrupt_needs_if_and_no_shadow),
	KUNIT_CASE(virq_delivery_needs_if_but_window_does_not),
	KUNIT_CASE(requeued_interrupt_is_delivered_again),
	KUNIT_CASE(requeued_exception_must_stay),
	KUNIT_CASE(instruction_exit_during_delivery),
	KUNIT_CASE(user_mode_with_kernel_gs),
	{}
};

static struct kunit_suite event_check_suite = {
	.name = "lvmm_event_check",
	.test_cases = event_check_cases,
};

kunit_test_suite(event_check_suite);
