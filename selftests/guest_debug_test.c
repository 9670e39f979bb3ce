// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_SET_GUEST_DEBUG: single-step, through an instruction the kernel
 * emulates too (KVM_CAP_X86_ROBUST_SINGLESTEP), with the trap flag hidden
 * from the guest's RFLAGS; a software breakpoint (INT3); a hardware
 * breakpoint in the debugger's own DR0/DR7; turning it off; the
 * capabilities and bad requests. The same on KVM ($LVMM_DEVICE=/dev/kvm).
 */
#include <cpuid.h>
#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"
#include "guest.h"

#define DR6_BS		(1u << 14)
#define DR6_B0		1u
#define RFLAGS_TF	(1u << 8)
#define VALID_CONTROL	(KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP | \
			 KVM_GUESTDBG_USE_SW_BP | KVM_GUESTDBG_USE_HW_BP | \
			 KVM_GUESTDBG_INJECT_DB | KVM_GUESTDBG_INJECT_BP | \
			 KVM_GUESTDBG_BLOCKIRQ)

static int set_debug(struct guest *g, uint32_t control, uint64_t dr0,
		     uint64_t dr7)
{
	struct kvm_guest_debug dbg = { .control = control };

	dbg.arch.debugreg[0] = dr0;
	dbg.arch.debugreg[7] = dr7;
	return ioctl(g->vcpu->fd, KVM_SET_GUEST_DEBUG, &dbg) ? -errno : 0;
}

/*
 * Is this machine QEMU's TCG? Its SVM checks INT3 against the INTn
 * intercept, not the exception bitmap, so a #BP intercept never comes and
 * the guest takes the INT3 itself, on KVM as on lvmm
 * (Documentation/testing.rst, "What QEMU's TCG cannot show").
 */
static int under_tcg(void)
{
	unsigned int a, b, c, d;
	char vendor[13] = "";

	__cpuid(0x40000000, a, b, c, d);
	memcpy(vendor, &b, 4);
	memcpy(vendor + 4, &c, 4);
	memcpy(vendor + 8, &d, 4);
	return !strcmp(vendor, "TCGTCGTCGTCG");
}

/* One KVM_RUN: the exit reason. */
static uint32_t run_once(struct guest *g)
{
	vcpu_run(g->vcpu);
	return g->vcpu->run->exit_reason;
}

TEST(single_step_through_emulated_cpuid)
{
	struct guest *g = guest_create(vmm_device(), MODE_LONG64,
				       GUEST_PROG(step64), BACKING_DEFAULT);
	static const uint64_t after[] = { 1, 3, 5, 6 };
	struct kvm_run *run = g->vcpu->run;
	struct kvm_regs regs;
	unsigned int i;

	ASSERT_EQ(1, ioctl(g->vm->fd, KVM_CHECK_EXTENSION,
			   KVM_CAP_X86_ROBUST_SINGLESTEP));
	ASSERT_EQ(0, set_debug(g, KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP,
			       0, 0));
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(KVM_EXIT_DEBUG, run_once(g))
			TH_LOG("step %u: exit %s", i, exit_reason_str(run->exit_reason));
		EXPECT_EQ(1, run->debug.arch.exception);
		EXPECT_EQ(GUEST_CODE + after[i], run->debug.arch.pc)
			TH_LOG("step %u", i);
		EXPECT_TRUE(run->debug.arch.dr6 & DR6_BS) TH_LOG("step %u: DR6 0x%llx",
								  i, run->debug.arch.dr6);
		guest_get_regs(g, &regs);
		EXPECT_EQ(GUEST_CODE + after[i], regs.rip);
		EXPECT_EQ(0, regs.rflags & RFLAGS_TF) TH_LOG("the debugger's TF shows");
	}
	/* Off: the guest runs to its HLT. */
	ASSERT_EQ(0, set_debug(g, 0, 0, 0));
	EXPECT_EQ(KVM_EXIT_HLT, run_once(g));
	guest_destroy(g);
}

TEST(software_breakpoint)
{
	struct guest *g = guest_create(vmm_device(), MODE_LONG64,
				       GUEST_PROG(int3_64), BACKING_DEFAULT);
	struct kvm_run *run = g->vcpu->run;
	struct kvm_regs regs;

	ASSERT_EQ(1, ioctl(g->vm->fd, KVM_CHECK_EXTENSION, KVM_CAP_SET_GUEST_DEBUG));
	ASSERT_EQ(0, set_debug(g, KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_SW_BP,
			       0, 0));
	if (run_once(g) == KVM_EXIT_SHUTDOWN && under_tcg()) {
		guest_destroy(g);
		SKIP(return, "QEMU's TCG does not intercept INT3: the guest took it");
	}
	ASSERT_EQ(KVM_EXIT_DEBUG, run->exit_reason)
		TH_LOG("exit %s", exit_reason_str(run->exit_reason));
	EXPECT_EQ(3, run->debug.arch.exception);
	EXPECT_EQ(GUEST_CODE + 1, run->debug.arch.pc) TH_LOG("PC at the INT3");
	/* The debugger steps over its breakpoint. */
	guest_get_regs(g, &regs);
	EXPECT_EQ(GUEST_CODE + 1, regs.rip);
	regs.rip = GUEST_CODE + 2;
	guest_set_regs(g, &regs);
	EXPECT_EQ(KVM_EXIT_HLT, run_once(g));
	guest_destroy(g);
}

/* The debugger's DR0 on the CPUID at offset 3, execute, local enable. */
TEST(hardware_breakpoint)
{
	struct guest *g = guest_create(vmm_device(), MODE_LONG64,
				       GUEST_PROG(step64), BACKING_DEFAULT);
	struct kvm_run *run = g->vcpu->run;

	ASSERT_EQ(0, set_debug(g, KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_HW_BP,
			       GUEST_CODE + 3, 0x401));
	ASSERT_EQ(KVM_EXIT_DEBUG, run_once(g))
		TH_LOG("exit %s", exit_reason_str(run->exit_reason));
	EXPECT_EQ(1, run->debug.arch.exception);
	EXPECT_EQ(GUEST_CODE + 3, run->debug.arch.pc);
	EXPECT_TRUE(run->debug.arch.dr6 & DR6_B0) TH_LOG("DR6 0x%llx",
							  run->debug.arch.dr6);
	ASSERT_EQ(0, set_debug(g, 0, 0, 0));
	EXPECT_EQ(KVM_EXIT_HLT, run_once(g));
	guest_destroy(g);
}

TEST(guest_debug_rules)
{
	struct guest *g = guest_create(vmm_device(), MODE_LONG64,
				       GUEST_PROG(step64), BACKING_DEFAULT);

	EXPECT_EQ(VALID_CONTROL, ioctl(g->vm->fd, KVM_CHECK_EXTENSION,
				       KVM_CAP_SET_GUEST_DEBUG2));
	/* Without ENABLE nothing is on: the guest runs to its HLT. */
	EXPECT_EQ(0, set_debug(g, KVM_GUESTDBG_SINGLESTEP, 0, 0));
	EXPECT_EQ(KVM_EXIT_HLT, run_once(g));
	/* KVM 6.12 ignores unknown bits; lvmm refuses them. */
	if (!vmm_is_kvm())
		EXPECT_EQ(-EINVAL, set_debug(g, KVM_GUESTDBG_ENABLE | 1u << 30, 0, 0));
	guest_destroy(g);
}

TEST_HARNESS_MAIN
