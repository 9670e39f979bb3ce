// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU state beyond registers: MSRs through KVM_GET/SET_MSRS and the MSR
 * index list, the TSC frequency, the hypercall ABI of
 * Documentation/hypercalls.rst, and what KVM_SET_SREGS and KVM_SET_CPUID2
 * refuse.
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

struct cpuid_table {
	struct kvm_cpuid2 hdr;
	struct kvm_cpuid_entry2 e[100];
};

static struct kvm_cpuid_entry2 *cpuid_leaf(struct cpuid_table *t,
					   uint32_t function)
{
	uint32_t i;

	for (i = 0; i < t->hdr.nent; i++)
		if (t->e[i].function == function && !t->e[i].index)
			return &t->e[i];
	return NULL;
}

/*
 * Feature MSRs: listed and read on the system fd. The microcode revision
 * is one on both lvmm and KVM; a VMM can hand it to a vCPU.
 */
TEST(feature_msrs)
{
	struct {
		struct kvm_msr_list hdr;
		__u32 idx[64];
	} list = { .hdr.nmsrs = 64 };
	struct msrs m = { .hdr.nmsrs = 1, .e[0].index = 0x8b };
	struct guest *g = guest_create_print64(vmm_device(), "a",
					       BACKING_DEFAULT);
	int fd = g->vm->sys_fd;
	unsigned int i, seen = 0;
	__u64 rev;

	ASSERT_EQ(1, ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_GET_MSR_FEATURES));
	ASSERT_EQ(0, ioctl(fd, KVM_GET_MSR_FEATURE_INDEX_LIST, &list));
	for (i = 0; i < list.hdr.nmsrs; i++)
		seen += list.idx[i] == 0x8b;
	EXPECT_EQ(1, seen) TH_LOG("the microcode revision is listed");
	ASSERT_EQ(1, ioctl(fd, KVM_GET_MSRS, &m));
	rev = m.e[0].data;
	m.e[0].index = 0x4b564dff;	/* no MSR at all */
	EXPECT_EQ(0, ioctl(fd, KVM_GET_MSRS, &m));

	m.e[0].index = 0x8b;
	m.e[0].data = rev;
	EXPECT_EQ(1, ioctl(g->vcpu->fd, KVM_SET_MSRS, &m));
	m.e[0].data = ~rev;
	EXPECT_EQ(1, ioctl(g->vcpu->fd, KVM_GET_MSRS, &m));
	EXPECT_EQ(rev, m.e[0].data);
	guest_destroy(g);
}

/*
 * A VMM may lower the vCPU id limit once (KVM_CAP_MAX_VCPU_ID); an id with
 * bits 63:32 set is refused, not truncated. The system fd tells the XSAVE
 * features a guest may have and the machine-check capabilities.
 */
TEST(vcpu_id_limit_and_host_attributes)
{
	struct vm *vm = vm_create(vmm_device());
	struct kvm_enable_cap cap = { .cap = KVM_CAP_MAX_VCPU_ID };
	uint64_t xcomp = 0, mcg_cap = ~0ull;
	struct kvm_device_attr attr = {
		.group = KVM_X86_GRP_SYSTEM, .attr = KVM_X86_XCOMP_GUEST_SUPP,
		.addr = (uintptr_t)&xcomp,
	};
	int max = ioctl(vm->fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPU_ID);
	int fd;

	ASSERT_LT(2, max);
	cap.args[0] = max + 1;
	EXPECT_EQ(-1, ioctl(vm->fd, KVM_ENABLE_CAP, &cap)) TH_LOG("above max");
	cap.args[0] = 2;
	EXPECT_EQ(0, ioctl(vm->fd, KVM_ENABLE_CAP, &cap));
	cap.args[0] = 3;
	EXPECT_EQ(-1, ioctl(vm->fd, KVM_ENABLE_CAP, &cap)) TH_LOG("a second time");
	EXPECT_EQ(-1, ioctl(vm->fd, KVM_CREATE_VCPU, 2));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(vm->fd, KVM_CREATE_VCPU, 1ul << 32));
	EXPECT_EQ(EINVAL, errno);
	fd = ioctl(vm->fd, KVM_CREATE_VCPU, 1);
	EXPECT_LE(0, fd);
	close(fd);

	ASSERT_EQ(0, ioctl(vm->sys_fd, KVM_GET_DEVICE_ATTR, &attr));
	EXPECT_EQ(1, xcomp & 1) TH_LOG("x87 state is always there");
	attr.attr = 1;
	EXPECT_EQ(-1, ioctl(vm->sys_fd, KVM_HAS_DEVICE_ATTR, &attr));
	EXPECT_EQ(ENXIO, errno);
	EXPECT_EQ(0, ioctl(vm->sys_fd, KVM_X86_GET_MCE_CAP_SUPPORTED, &mcg_cap));
	EXPECT_NE(~0ull, mcg_cap);
	vm_destroy(vm);
}

/*
 * IA32_SPEC_CTRL and IA32_PRED_CMD exist exactly when the supported CPUID
 * (leaf 0x80000008 EBX) offers IBRS and IBPB. This machine's CPU (QEMU's
 * EPYC model) has neither, so here only the "absent" half runs.
 */
TEST(spec_ctrl_and_pred_cmd_follow_cpuid)
{
	struct guest *g = guest_create_print64(vmm_device(), "a",
					       BACKING_DEFAULT);
	struct cpuid_table t = { .hdr.nent = 100 };
	struct msrs m = { .hdr.nmsrs = 1 };
	struct kvm_cpuid_entry2 *e;
	int ibrs, ibpb;

	ASSERT_EQ(0, ioctl(g->vm->sys_fd, KVM_GET_SUPPORTED_CPUID, &t));
	e = cpuid_leaf(&t, 0x80000008);
	ASSERT_NE(NULL, e);
	ibrs = !!(e->ebx & (1u << 14));
	ibpb = !!(e->ebx & (1u << 12));
	TH_LOG("IBRS %d, IBPB %d", ibrs, ibpb);

	/*
	 * KVM lets the VMM write any SPEC_CTRL value the CPU takes, offered
	 * or not (QEMU's CPU takes IBRS): only lvmm's rule is checked there.
	 */
	m.e[0].index = 0x48;		/* SPEC_CTRL = IBRS */
	m.e[0].data = 1;
	if (strcmp(vmm_device(), KVM_DEV)) {
		EXPECT_EQ(ibrs, ioctl(g->vcpu->fd, KVM_SET_MSRS, &m));
		if (ibrs) {
			m.e[0].data = 0;
			EXPECT_EQ(1, ioctl(g->vcpu->fd, KVM_GET_MSRS, &m));
			EXPECT_EQ(1, m.e[0].data);
		}
	}
	m.e[0].index = 0x49;		/* PRED_CMD = IBPB */
	m.e[0].data = 1;
	EXPECT_EQ(ibpb, ioctl(g->vcpu->fd, KVM_SET_MSRS, &m));
	m.e[0].data = 2;		/* reserved */
	EXPECT_EQ(0, ioctl(g->vcpu->fd, KVM_SET_MSRS, &m));
	guest_destroy(g);
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

/*
 * VMCALL on AMD: patched to VMMCALL in guest memory and run (the guest's
 * KVM_HC_SCHED_YIELD returns 0), unless the VMM disabled the quirk; then
 * the guest gets #UD, which with no IDT ends in a shutdown.
 */
static uint32_t run_vmcall(int disable_quirk, uint8_t insn[3], uint64_t *rax)
{
	struct guest *g = guest_create(vmm_device(), MODE_LONG64,
				       GUEST_PROG(vmcall64), BACKING_DEFAULT);
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_DISABLE_QUIRKS2,
		.args[0] = KVM_X86_QUIRK_FIX_HYPERCALL_INSN,
	};
	struct kvm_regs regs;
	uint32_t reason;

	if (disable_quirk)
		vmm_ioctl(g->vm->fd, KVM_ENABLE_CAP, &cap);
	guest_get_regs(g, &regs);
	regs.rax = KVM_HC_SCHED_YIELD;
	regs.rbx = 0;
	guest_set_regs(g, &regs);
	vcpu_run(g->vcpu);
	reason = g->vcpu->run->exit_reason;
	guest_get_regs(g, &regs);
	*rax = regs.rax;
	memcpy(insn, g->mem + GUEST_CODE, 3);
	guest_destroy(g);
	return reason;
}

static int enable_quirks2(uint64_t bits)
{
	struct guest *g = guest_create(vmm_device(), MODE_LONG64,
				       GUEST_PROG(vmcall64), BACKING_DEFAULT);
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_DISABLE_QUIRKS2, .args[0] = bits,
	};
	int ret = ioctl(g->vm->fd, KVM_ENABLE_CAP, &cap) ? -errno : 0;

	guest_destroy(g);
	return ret;
}

TEST(vmcall_is_patched_unless_the_quirk_is_disabled)
{
	static const uint8_t vmcall[3] = { 0x0f, 0x01, 0xc1 };
	static const uint8_t vmmcall[3] = { 0x0f, 0x01, 0xd9 };
	int fd = vmm_open(vmm_device());
	uint8_t insn[3];
	uint64_t rax;

	ASSERT_TRUE(ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_DISABLE_QUIRKS2) &
		    KVM_X86_QUIRK_FIX_HYPERCALL_INSN);
	close(fd);
	EXPECT_EQ(-EINVAL, enable_quirks2(1ull << 62)) TH_LOG("unknown quirk");

	EXPECT_EQ(KVM_EXIT_HLT, run_vmcall(0, insn, &rax));
	EXPECT_EQ(0, rax) TH_LOG("KVM_HC_SCHED_YIELD returned %ld", (long)rax);
	EXPECT_EQ(0, memcmp(insn, vmmcall, 3)) TH_LOG("not patched");

	EXPECT_EQ(KVM_EXIT_SHUTDOWN, run_vmcall(1, insn, &rax));
	EXPECT_EQ(0, memcmp(insn, vmcall, 3)) TH_LOG("patched all the same");
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

#define CR0_NW		(1ull << 29)
#define CR0_CD		(1ull << 30)
#define CR4_FSGSBASE	(1ull << 16)
#define CPUID7_EBX_FSGSBASE	(1u << 0)

/*
 * KVM_SET_SREGS refuses CR4 bits the vCPU's CPUID does not offer, CR0 bits
 * the architecture forbids and an x2APIC-without-APIC base, each time
 * changing nothing.
 */
TEST(set_sregs_checks_cr0_cr4_and_apic_base)
{
	struct guest *g = guest_create_print64(vmm_device(), "a",
					       BACKING_DEFAULT);
	struct cpuid_table t = { .hdr.nent = 100 };
	struct kvm_cpuid_entry2 *leaf7;
	struct kvm_sregs orig, s, now;
	int fd = g->vcpu->fd;
	uint32_t has_fsgsbase;

	ASSERT_EQ(0, ioctl(fd, KVM_GET_CPUID2, &t));
	leaf7 = cpuid_leaf(&t, 7);
	ASSERT_NE(NULL, leaf7);
	has_fsgsbase = leaf7->ebx & CPUID7_EBX_FSGSBASE;
	leaf7->ebx &= ~CPUID7_EBX_FSGSBASE;
	ASSERT_EQ(0, ioctl(fd, KVM_SET_CPUID2, &t));
	ASSERT_EQ(0, ioctl(fd, KVM_GET_SREGS, &orig));
	ASSERT_EQ(0, orig.cr4 & CR4_FSGSBASE);

	s = orig;
	s.cr4 |= CR4_FSGSBASE;
	EXPECT_EQ(-1, ioctl(fd, KVM_SET_SREGS, &s)) TH_LOG("CPUID lacks FSGSBASE");
	EXPECT_EQ(EINVAL, errno);
	s = orig;
	s.cr0 |= 1ull << 32;
	EXPECT_EQ(-1, ioctl(fd, KVM_SET_SREGS, &s)) TH_LOG("CR0 bit 32");
	s = orig;
	s.cr0 = (s.cr0 | CR0_NW) & ~CR0_CD;
	EXPECT_EQ(-1, ioctl(fd, KVM_SET_SREGS, &s)) TH_LOG("NW without CD");
	s = orig;
	s.apic_base = 1 << 10;
	EXPECT_EQ(-1, ioctl(fd, KVM_SET_SREGS, &s)) TH_LOG("x2APIC, APIC off");
	ASSERT_EQ(0, ioctl(fd, KVM_GET_SREGS, &now));
	EXPECT_EQ(0, memcmp(&orig, &now, sizeof(now))) TH_LOG("sregs changed");

	if (has_fsgsbase) {
		leaf7->ebx |= CPUID7_EBX_FSGSBASE;
		ASSERT_EQ(0, ioctl(fd, KVM_SET_CPUID2, &t));
		s = orig;
		s.cr4 |= CR4_FSGSBASE;
		EXPECT_EQ(0, ioctl(fd, KVM_SET_SREGS, &s)) TH_LOG("CPUID has it");
		ASSERT_EQ(0, ioctl(fd, KVM_GET_SREGS, &now));
		EXPECT_EQ(s.cr4, now.cr4);
	}
	guest_destroy(g);
}

/* After KVM_RUN, KVM_SET_CPUID2 may repeat the table but not change it. */
TEST(cpuid_is_fixed_once_the_vcpu_ran)
{
	struct guest *g = guest_create_print64(vmm_device(), "a",
					       BACKING_DEFAULT);
	struct cpuid_table t = { .hdr.nent = 100 };
	struct kvm_cpuid_entry2 *leaf7;
	int fd = g->vcpu->fd;

	ASSERT_EQ(KVM_EXIT_IO, guest_step(g));
	ASSERT_EQ(0, ioctl(fd, KVM_GET_CPUID2, &t));
	EXPECT_EQ(0, ioctl(fd, KVM_SET_CPUID2, &t)) TH_LOG("the same table");
	leaf7 = cpuid_leaf(&t, 7);
	ASSERT_NE(NULL, leaf7);
	leaf7->ebx--;
	EXPECT_EQ(-1, ioctl(fd, KVM_SET_CPUID2, &t)) TH_LOG("a changed table");
	EXPECT_EQ(EINVAL, errno);
	guest_destroy(g);
}

TEST_HARNESS_MAIN
