// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU state beyond registers: MSRs through KVM_GET/SET_MSRS and the MSR
 * index list, the TSC frequency, and the hypercall ABI of
 * Documentation/hypercalls.rst.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kvm_para.h>
#include <linux/lvmm.h>

#include "kselftest_harness.h"
#include "guest.h"

struct msrs {
	struct kvm_msrs hdr;
	struct kvm_msr_entry e[16];
};

TEST(msr_index_list)
{
	struct kvm_msr_list small = { .nmsrs = 1 };
	struct {
		struct kvm_msr_list hdr;
		__u32 idx[256];
	} list = { .hdr.nmsrs = 256 };
	int fd = vmm_open(vmm_device());
	unsigned int i, seen = 0;

	EXPECT_EQ(-1, ioctl(fd, KVM_GET_MSR_INDEX_LIST, &small));
	EXPECT_EQ(E2BIG, errno);
	EXPECT_LT(1, small.nmsrs);
	ASSERT_EQ(0, ioctl(fd, KVM_GET_MSR_INDEX_LIST, &list));
	for (i = 0; i < list.hdr.nmsrs; i++)
		seen += list.idx[i] == 0xc0000082;
	EXPECT_EQ(1, seen) TH_LOG("LSTAR listed once");
	close(fd);
}

TEST(msr_round_trips)
{
	static const struct { __u32 index; __u64 value; } want[] = {
		{ 0xc0000081, 0x0023001000000000ULL },	/* STAR */
		{ 0xc0000082, 0xffffffff81000000ULL },	/* LSTAR */
		{ 0xc0000083, 0xffffffff81001000ULL },	/* CSTAR */
		{ 0xc0000084, 0x47700 },		/* SYSCALL_MASK */
		{ 0xc0000102, 0xffff888000001000ULL },	/* KERNEL_GS_BASE */
		{ 0x174, 0x10 },			/* SYSENTER_CS */
		/* KVM on AMD keeps only 32 bits of these two. */
		{ 0x175, 0x82000000ULL },		/* SYSENTER_ESP */
		{ 0x176, 0x81002000ULL },		/* SYSENTER_EIP */
		{ 0x277, 0x0007010600070106ULL },	/* PAT */
	};
	struct guest *g = guest_create(vmm_device(), MODE_LONG64,
				       GUEST_PROG(hypercall64), BACKING_DEFAULT);
	struct msrs m = { .hdr.nmsrs = ARRAY_SIZE(want) };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(want); i++) {
		m.e[i].index = want[i].index;
		m.e[i].data = want[i].value;
	}
	EXPECT_EQ(ARRAY_SIZE(want), ioctl(g->vcpu->fd, KVM_SET_MSRS, &m));
	for (i = 0; i < ARRAY_SIZE(want); i++)
		m.e[i].data = 0;
	EXPECT_EQ(ARRAY_SIZE(want), ioctl(g->vcpu->fd, KVM_GET_MSRS, &m));
	for (i = 0; i < ARRAY_SIZE(want); i++)
		EXPECT_EQ(want[i].value, m.e[i].data) TH_LOG("MSR 0x%x", want[i].index);

	/* EFER reads back without SVME, as the guest would see it. */
	m.hdr.nmsrs = 1;
	m.e[0].index = 0xc0000080;
	EXPECT_EQ(1, ioctl(g->vcpu->fd, KVM_GET_MSRS, &m));
	EXPECT_EQ(0x500, m.e[0].data);

	/* A batch stops at the first MSR it cannot do; the count says where. */
	m.hdr.nmsrs = 3;
	m.e[0].index = 0xc0000082;
	m.e[1].index = 0x12345678;
	m.e[2].index = 0xc0000083;
	EXPECT_EQ(1, ioctl(g->vcpu->fd, KVM_GET_MSRS, &m));
	m.hdr.nmsrs = 100000;
	EXPECT_EQ(-1, ioctl(g->vcpu->fd, KVM_GET_MSRS, &m));
	EXPECT_EQ(E2BIG, errno);
	guest_destroy(g);
}

TEST(tsc_khz)
{
	struct guest *g = guest_create(vmm_device(), MODE_LONG64,
				       GUEST_PROG(hypercall64), BACKING_DEFAULT);
	int khz;

	EXPECT_EQ(1, ioctl(g->vm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_GET_TSC_KHZ));
	khz = ioctl(g->vcpu->fd, KVM_GET_TSC_KHZ, 0);
	EXPECT_LT(100000, khz) TH_LOG("%d kHz", khz);
	guest_destroy(g);
}

static uint64_t hypercall(struct guest *g, uint64_t nr, uint32_t *exit_reason)
{
	struct kvm_regs regs;

	guest_get_regs(g, &regs);
	regs.rip = GUEST_CODE;
	regs.rax = nr;
	regs.rbx = 11;
	regs.rcx = 22;
	regs.rdx = 33;
	regs.rsi = 44;
	guest_set_regs(g, &regs);
	vcpu_run(g->vcpu);
	*exit_reason = g->vcpu->run->exit_reason;
	guest_get_regs(g, &regs);
	return regs.rax;
}

TEST(hypercall_abi)
{
	struct guest *g;
	struct kvm_run *run;
	struct kvm_regs regs;
	uint32_t reason;

	if (!strcmp(vmm_device(), KVM_DEV))
		SKIP(return, "lvmm's hypercall numbers");
	g = guest_create(vmm_device(), MODE_LONG64, GUEST_PROG(hypercall64),
			 BACKING_DEFAULT);
	run = g->vcpu->run;

	/* Handled in the kernel: straight on to the HLT. */
	EXPECT_EQ(0, hypercall(g, LVMM_HC_NOP, &reason));
	EXPECT_EQ(KVM_EXIT_HLT, reason);
	EXPECT_EQ((uint64_t)-KVM_ENOSYS, hypercall(g, 0x7777, &reason));
	EXPECT_EQ(KVM_EXIT_HLT, reason);

	/* To the VMM: the arguments out, its answer back in RAX. */
	hypercall(g, LVMM_HC_VMM, &reason);
	ASSERT_EQ(KVM_EXIT_HYPERCALL, reason);
	EXPECT_EQ(LVMM_HC_VMM, run->hypercall.nr);
	EXPECT_EQ(11, run->hypercall.args[0]);
	EXPECT_EQ(22, run->hypercall.args[1]);
	EXPECT_EQ(33, run->hypercall.args[2]);
	EXPECT_EQ(44, run->hypercall.args[3]);
	EXPECT_EQ(1, run->hypercall.flags & 1) TH_LOG("long mode");
	run->hypercall.ret = 0xfeedf00d;
	vcpu_run(g->vcpu);
	EXPECT_EQ(KVM_EXIT_HLT, run->exit_reason);
	guest_get_regs(g, &regs);
	EXPECT_EQ(0xfeedf00d, regs.rax);
	EXPECT_EQ(22, regs.rcx) TH_LOG("arguments are not clobbered");
	guest_destroy(g);
}

TEST_HARNESS_MAIN
