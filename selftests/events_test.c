// SPDX-License-Identifier: GPL-2.0
/*
 * Event delivery corner cases: what the guest's #DB handler finds in DR6
 * after a single step, and an exception whose delivery faults where the
 * guest has no memory. Device-generic: $LVMM_DEVICE=/dev/kvm runs them on
 * KVM, which is the reference for both.
 */
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "guest.h"

#define DR6_BS	(1u << 14)

TEST(single_step_sets_dr6_bs)
{
	struct guest *g = guest_create_with_idt(vmm_device(),
						GUEST_PROG(db_single_step));
	struct kvm_run *run = g->vcpu->run;
	uint32_t dr6;

	ASSERT_EQ(0, ioctl(g->vcpu->fd, KVM_RUN, 0));
	ASSERT_EQ(KVM_EXIT_IO, run->exit_reason);
	ASSERT_EQ(0x85, run->io.port) TH_LOG("not the #DB handler's report: port 0x%x",
					     run->io.port);
	ASSERT_EQ(4, run->io.size);
	memcpy(&dr6, (uint8_t *)run + run->io.data_offset, 4);
	EXPECT_TRUE(dr6 & DR6_BS) TH_LOG("DR6 in the #DB handler: 0x%x", dr6);
	/* No breakpoint matched: B0-B3 stay clear. */
	EXPECT_EQ(0, dr6 & 0xf) TH_LOG("DR6 0x%x", dr6);
	guest_destroy(g);
}

TEST(delivery_fault_outside_memory_is_internal_error)
{
	struct guest *g;
	struct kvm_run *run;

	/*
	 * KVM 6.12 on SVM re-enters the delivery forever here: KVM_RUN never
	 * returns. lvmm gives up as KVM does on VMX, with DELIVERY_EV.
	 */
	if (vmm_is_kvm())
		SKIP(return, "KVM 6.12 loops in KVM_RUN on this guest");
	g = guest_create_with_idt(vmm_device(), GUEST_PROG(deliver_onto_no_memory));
	run = g->vcpu->run;
	ASSERT_EQ(0, ioctl(g->vcpu->fd, KVM_RUN, 0));
	if (run->exit_reason == KVM_EXIT_MMIO)
		TH_LOG("the MOV at RIP was emulated as MMIO: %s of %u bytes at 0x%llx",
		       run->mmio.is_write ? "write" : "read", run->mmio.len,
		       (unsigned long long)run->mmio.phys_addr);
	ASSERT_EQ(KVM_EXIT_INTERNAL_ERROR, run->exit_reason);
	EXPECT_EQ(KVM_INTERNAL_ERROR_DELIVERY_EV, run->internal.suberror)
		TH_LOG("suberror %u", run->internal.suberror);
	guest_destroy(g);
}

static uint32_t port_value(struct __test_metadata *_metadata, struct guest *g,
			   uint16_t port)
{
	struct kvm_run *run = g->vcpu->run;
	uint32_t v;

	ASSERT_EQ(0, ioctl(g->vcpu->fd, KVM_RUN, 0));
	ASSERT_EQ(KVM_EXIT_IO, run->exit_reason) TH_LOG("exit %u", run->exit_reason);
	ASSERT_EQ(port, run->io.port) TH_LOG("port 0x%x (0x80: vector of a fault)",
					     run->io.port);
	memcpy(&v, (uint8_t *)run + run->io.data_offset, 4);
	return v;
}

/*
 * Every timer interrupt reaches the guest once. QEMU's TCG (10.0 at least)
 * delivers an interrupt injected through EVENTINJ a second time when its
 * vCPU loop gets an exit request before the next exit, at the handler's
 * first instruction with IF=0 (Documentation/testing.rst, "Interrupts
 * delivered twice"); the long handler widens that window. lvmm injects
 * through V_IRQ and must see none; KVM, which uses EVENTINJ, is the
 * contrast. $LVMM_DELIVERY_TICKS sets the number of ticks (default 2000).
 */
TEST(interrupt_is_delivered_once)
{
	const char *env = getenv("LVMM_DELIVERY_TICKS");
	uint32_t ticks = env ? strtoul(env, NULL, 0) : 2000;
	struct kvm_regs regs;
	struct guest *g;
	uint32_t twice, handled;

	guest_irqchip = 1;
	g = guest_create_with_idt(vmm_device(), GUEST_PROG(timer_spin));
	guest_irqchip = 0;
	guest_get_regs(g, &regs);
	regs.r10 = 20000;		/* handler spin */
	regs.r14 = ticks;
	regs.r15 = 1000000;		/* 1 ms period */
	guest_set_regs(g, &regs);
	twice = port_value(_metadata, g, 0x86);
	handled = port_value(_metadata, g, 0x87);
	TH_LOG("%u ticks, %u delivered a second time", handled, twice);
	guest_destroy(g);
	/*
	 * KVM is the platform's victim here, not the subject. A second
	 * delivery runs the handler again and counts as a tick too, so with
	 * one on the last tick KVM's count is one over: skip before counting.
	 */
	if (twice && vmm_is_kvm())
		SKIP(return, "KVM (EVENTINJ) got %u of %u interrupts twice from QEMU's TCG",
		     twice, handled);
	EXPECT_EQ(ticks, handled);
	EXPECT_EQ(0, twice);
}

TEST_HARNESS_MAIN
