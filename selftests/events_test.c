// SPDX-License-Identifier: GPL-2.0
/*
 * Event delivery corner cases: what the guest's #DB handler finds in DR6
 * after a single step, and an exception whose delivery faults where the
 * guest has no memory. Device-generic: $LVMM_DEVICE=/dev/kvm runs them on
 * KVM, which is the reference for both.
 */
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
	if (!strcmp(vmm_device(), "/dev/kvm"))
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

TEST_HARNESS_MAIN
