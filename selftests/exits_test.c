// SPDX-License-Identifier: GPL-2.0
/*
 * Exits handled in the kernel and exits that reach the VMM: CPUID from the
 * table, every decoded MMIO form, string port I/O, triple fault, and a
 * spinning guest stopped by a signal. $LVMM_DEVICE=/dev/kvm runs them on KVM.
 */
#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"
#include "guest.h"

TEST(cpuid_comes_from_the_table)
{
	struct guest *g = guest_create(vmm_device(), MODE_LONG64,
				       GUEST_PROG(cpuid64), BACKING_DEFAULT);
	struct {
		struct kvm_cpuid2 hdr;
		struct kvm_cpuid_entry2 e[5];
	} t = { .hdr.nent = 5 };
	uint32_t r[4];

	/* "AuthenticAMD": leaves the table lacks read as zeros. */
	t.e[0] = (struct kvm_cpuid_entry2){ .function = 0, .eax = 0xd,
		.ebx = 0x68747541, .edx = 0x69746e65, .ecx = 0x444d4163 };
	t.e[1] = (struct kvm_cpuid_entry2){ .function = 1, .eax = 0x800f12,
		.ecx = 1u << 26 | 1u << 27 | 1, .edx = 0x178bfbff & ~(1u << 9) };
	t.e[2] = (struct kvm_cpuid_entry2){ .function = 7, .index = 0,
		.flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX, .ebx = 0x1234 };
	t.e[3] = (struct kvm_cpuid_entry2){ .function = 7, .index = 1,
		.flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX, .ebx = 0x5678 };
	t.e[4] = (struct kvm_cpuid_entry2){ .function = 0x80000000,
		.eax = 0x80000008 };
	/* Keep long mode possible on KVM: LM is in 0x80000001 on AMD. */
	ASSERT_EQ(0, ioctl(g->vcpu->fd, KVM_SET_CPUID2, &t));

	guest_cpuid(g, 0, 0, r);
	EXPECT_EQ(0xd, r[0]);
	EXPECT_EQ(0x68747541, r[1]);
	guest_cpuid(g, 1, 0, r);
	EXPECT_EQ(0x800f12, r[0]);
	/* OSXSAVE follows the guest's CR4, which has it clear. */
	EXPECT_EQ(1u << 26 | 1, r[2]);
	guest_cpuid(g, 7, 0, r);
	EXPECT_EQ(0x1234, r[1]);
	guest_cpuid(g, 7, 1, r);
	EXPECT_EQ(0x5678, r[1]);
	guest_cpuid(g, 0x12345678, 0, r);
	EXPECT_EQ(0, r[0] | r[1] | r[2] | r[3]);
	guest_destroy(g);
}

TEST(default_cpuid_hides_what_lvmm_cannot_give)
{
	uint32_t r[4];
	struct guest *g;

	if (vmm_is_kvm())
		SKIP(return, "lvmm's own default table");
	guest_no_cpuid = 1;
	g = guest_create(vmm_device(), MODE_LONG64, GUEST_PROG(cpuid64),
			 BACKING_DEFAULT);
	guest_no_cpuid = 0;

	guest_cpuid(g, 0x40000000, 0, r);
	EXPECT_EQ(0, memcmp(&r[1], "LVMMLVMMLVMM", 12));
	guest_cpuid(g, 1, 0, r);
	EXPECT_TRUE(r[2] & (1u << 31)) TH_LOG("hypervisor bit");
	EXPECT_FALSE(r[2] & (1u << 5)) TH_LOG("VMX");
	EXPECT_EQ(0, r[1] >> 24) TH_LOG("APIC ID of vCPU 0");
	guest_cpuid(g, 0x80000001, 0, r);
	EXPECT_FALSE(r[2] & (1u << 2)) TH_LOG("SVM");
	EXPECT_TRUE(r[3] & (1u << 29)) TH_LOG("long mode");
	guest_destroy(g);
}

TEST(supported_cpuid_has_no_svm_or_vmx)
{
	struct {
		struct kvm_cpuid2 hdr;
		struct kvm_cpuid_entry2 e[100];
	} t = { .hdr.nent = 100 };
	struct kvm_cpuid2 small = { .nent = 1 };
	unsigned int i, seen = 0;
	int fd;

	if (vmm_is_kvm())
		SKIP(return, "KVM reports SVM for nested guests");
	fd = vmm_open(vmm_device());

	EXPECT_EQ(-1, ioctl(fd, KVM_GET_SUPPORTED_CPUID, &small));
	EXPECT_EQ(E2BIG, errno);
	EXPECT_EQ(1, small.nent) TH_LOG("nent changed on E2BIG, as KVM does not");
	ASSERT_EQ(0, ioctl(fd, KVM_GET_SUPPORTED_CPUID, &t));
	for (i = 0; i < t.hdr.nent; i++) {
		if (t.e[i].function == 1) {
			EXPECT_FALSE(t.e[i].ecx & (1u << 5));
			EXPECT_TRUE(t.e[i].ecx & (1u << 31));
			seen++;
		}
		if (t.e[i].function == 0x80000001) {
			EXPECT_FALSE(t.e[i].ecx & (1u << 2));
			seen++;
		}
	}
	EXPECT_EQ(2, seen);
	close(fd);
}

/* The ten stores, moffs load and store, then ten loads of mmio64. */
TEST(mmio_long_mode_forms)
{
	static const struct { uint64_t off; uint32_t len; int write; uint64_t data; } want[] = {
		{ 0, 1, 1, 0x88 }, { 0, 2, 1, 0x7788 }, { 0, 4, 1, 0x55667788 },
		{ 0, 8, 1, 0x1122334455667788 }, { 0, 1, 1, 0x5a },
		{ 0, 2, 1, 0x1234 }, { 0, 4, 1, 0x89abcdef },
		{ 0, 8, 1, 0xfffffffffffffffe }, { 0x18, 4, 1, 0x55667788 },
		{ 0x40, 8, 1, 0xdeadbeefcafef00d },
		{ 0x100, 4, 0, 0 }, { 0x108, 8, 1, ~0ULL },
		{ 0, 1, 0, 0 }, { 0, 1, 0, 0 }, { 0, 1, 0, 0 }, { 0, 2, 0, 0 }, { 0, 4, 0, 0 },
		{ 0, 8, 0, 0 }, { 0, 1, 0, 0 }, { 0, 2, 0, 0 }, { 0, 1, 0, 0 }, { 0, 2, 0, 0 },
	};
	const uint64_t M = GUEST_MMIO;
	struct guest *g = guest_create(vmm_device(), MODE_LONG64,
				       GUEST_PROG(mmio64), BACKING_DEFAULT);
	uint64_t v[11];
	struct kvm_regs regs;
	unsigned int i;

	guest_get_regs(g, &regs);
	regs.rax = 0x1122334455667788;
	regs.rbx = M;
	regs.rcx = 2;
	regs.rdx = 0xdddddddddddddddd;
	regs.r9 = 0x9999999999999999;
	regs.r12 = M + 0x40;
	regs.r13 = 0xdeadbeefcafef00d;
	guest_set_regs(g, &regs);

	ASSERT_EQ(KVM_EXIT_HLT, guest_run(g))
		TH_LOG("exit %s after %d exits",
		       exit_reason_str(g->vcpu->run->exit_reason), g->nexits);
	ASSERT_EQ(ARRAY_SIZE(want) + 1, g->nexits);
	for (i = 0; i < 11; i++)
		v[i] = guest_read_value(i, i ? M : M + 0x100);
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		struct exit_rec *e = &g->exits[i];
		uint64_t data = want[i].data;

		if (i == 11)	/* the store of the zero-extended moffs load */
			data = v[0] & 0xffffffff;
		EXPECT_EQ(KVM_EXIT_MMIO, e->reason) TH_LOG("exit %u", i);
		EXPECT_EQ(M + want[i].off, e->addr) TH_LOG("exit %u", i);
		EXPECT_EQ(want[i].len, e->len) TH_LOG("exit %u", i);
		EXPECT_EQ(want[i].write, e->is_write) TH_LOG("exit %u", i);
		if (want[i].write)
			EXPECT_EQ(data, e->data) TH_LOG("exit %u", i);
	}

	guest_get_regs(g, &regs);
	EXPECT_EQ(((v[0] & 0xffffffff) & ~0xffffULL) | (v[2] & 0xff) << 8 |
		  (v[1] & 0xff), regs.rax);
	EXPECT_EQ((0x9999999999999999 & ~0xffULL) | (v[3] & 0xff), regs.r9);
	EXPECT_EQ((0xdddddddddddddddd & ~0xffffULL) | (v[4] & 0xffff), regs.rdx);
	EXPECT_EQ(v[5] & 0xffffffff, regs.rsi);
	EXPECT_EQ(v[6], regs.rdi);
	EXPECT_EQ(v[7] & 0xff, regs.r10);
	EXPECT_EQ(v[8] & 0xffff, regs.r11);
	EXPECT_EQ((uint64_t)(int64_t)(int8_t)v[9], regs.r14);
	EXPECT_EQ((uint32_t)(int32_t)(int16_t)v[10], regs.r15);
	guest_destroy(g);
}

/* 16-bit ModRM forms in real mode, with DS = SS = 0xa000. */
TEST(mmio_real_mode_forms)
{
	struct guest *g = guest_create(vmm_device(), MODE_REAL,
				       GUEST_PROG(mmio16), BACKING_DEFAULT);
	const uint64_t base = GUEST_MEM_SIZE;
	struct kvm_regs regs;
	uint64_t v[4];
	int i;

	guest_setup_mmio16(g);

	ASSERT_EQ(KVM_EXIT_HLT, guest_run(g))
		TH_LOG("exit %s", exit_reason_str(g->vcpu->run->exit_reason));
	ASSERT_EQ(8, g->nexits);
	EXPECT_EQ(base + 0x100, g->exits[0].addr);
	EXPECT_EQ(0xef, g->exits[0].data);
	EXPECT_EQ(base + 0x130, g->exits[1].addr);
	EXPECT_EQ(2, g->exits[1].len);
	EXPECT_EQ(0xbeef, g->exits[1].data);
	EXPECT_EQ(base + 0x230, g->exits[2].addr);
	EXPECT_EQ(0x4321, g->exits[2].data);
	EXPECT_EQ(base + 0x100, g->exits[3].addr);
	EXPECT_EQ(base + 0x104, g->exits[4].addr);
	EXPECT_EQ(base + 0x108, g->exits[5].addr);
	EXPECT_EQ(4, g->exits[5].len);
	for (i = 0; i < 4; i++)
		v[i] = guest_read_value(i, g->exits[3 + i].addr);
	guest_get_regs(g, &regs);
	EXPECT_EQ(v[0] & 0xffff, regs.rcx);
	EXPECT_EQ(0x1100 | (v[1] & 0xff), regs.rdx);
	EXPECT_EQ(v[2] & 0xffffffff, regs.rax);
	EXPECT_EQ(v[3] & 0xff, regs.rsi);
	guest_destroy(g);
}

TEST(string_io_long_mode)
{
	struct guest *g = guest_create(vmm_device(), MODE_LONG64,
				       GUEST_PROG(string64), BACKING_DEFAULT);
	const int n = 5000, words = 100;
	uint8_t *src = g->mem + GUEST_DATA;
	uint16_t *dst = (uint16_t *)(g->mem + GUEST_DATA + 0x2000);
	uint32_t *back = (uint32_t *)(g->mem + GUEST_DATA + 0x3000);
	struct kvm_regs regs;
	int i;

	for (i = 0; i < n; i++)
		src[i] = i * 7;
	for (i = 0; i < 4; i++)
		back[i] = 0x11111111 * (i + 1);
	guest_get_regs(g, &regs);
	regs.rsi = GUEST_DATA;
	regs.rcx = n;
	regs.r8 = GUEST_DATA + 0x2000;
	regs.r9 = words;
	regs.r10 = GUEST_DATA + 0x3000 + 12;
	guest_set_regs(g, &regs);

	ASSERT_EQ(KVM_EXIT_HLT, guest_run(g))
		TH_LOG("exit %s", exit_reason_str(g->vcpu->run->exit_reason));
	/* OUTSB then OUTSD backwards: 5000 bytes, then 4 dwords, in order. */
	ASSERT_EQ(n + 16, g->out_len);
	EXPECT_EQ(0, memcmp(g->out_data, src, n));
	for (i = 0; i < 4; i++)
		EXPECT_EQ(0x11111111u * (4 - i), ((uint32_t *)(g->out_data + n))[i]);
	/* INSW: the VMM's byte stream, in guest memory, in order. */
	for (i = 0; i < 2 * words; i++)
		if (((uint8_t *)dst)[i] != guest_in_byte(i))
			break;
	EXPECT_EQ(2 * words, i) TH_LOG("byte %d of INSW", i);
	guest_get_regs(g, &regs);
	EXPECT_EQ(0, regs.rcx);
	EXPECT_EQ(GUEST_DATA + 0x2000 + 2 * words, regs.rdi);
	EXPECT_EQ(GUEST_DATA + 0x3000 + 12 - 16, regs.rsi);
	EXPECT_FALSE(regs.rflags & (1 << 10)) TH_LOG("DF cleared again");
	guest_destroy(g);
}

/*
 * A VMM that lowers RCX during a REP INS exit gets only that many elements
 * done, and the guest goes on past the instruction; KVM behaves the same.
 */
TEST(string_in_with_rcx_lowered_by_the_vmm)
{
	struct guest *g = guest_create(vmm_device(), MODE_LONG64,
				       GUEST_PROG(string64), BACKING_DEFAULT);
	const uint64_t dst = GUEST_DATA + 0x2000;
	struct kvm_run *run = g->vcpu->run;
	struct kvm_regs regs;
	int i;

	memset(g->mem + dst, 0x55, 200);
	guest_get_regs(g, &regs);
	regs.rcx = 0;			/* no OUTSB */
	regs.r8 = dst;
	regs.r9 = 100;			/* INSW of 100 words... */
	regs.r10 = GUEST_DATA + 0x3000 + 12;
	guest_set_regs(g, &regs);

	ASSERT_EQ(KVM_EXIT_IO, guest_step(g));
	ASSERT_EQ(0x3002, run->io.port);
	ASSERT_EQ(KVM_EXIT_IO_IN, run->io.direction);
	guest_get_regs(g, &regs);
	regs.rcx = 10;			/* ...cut to 10 by the VMM */
	guest_set_regs(g, &regs);
	ASSERT_EQ(KVM_EXIT_IO, guest_step(g));
	EXPECT_EQ(0x3004, run->io.port) TH_LOG("still in the INSW");
	guest_get_regs(g, &regs);
	EXPECT_EQ(dst + 20, regs.rdi);
	for (i = 0; i < 20; i++)
		EXPECT_EQ(guest_in_byte(i), g->mem[dst + i]);
	EXPECT_EQ(0x55, g->mem[dst + 20]) TH_LOG("wrote past the new count");
	guest_destroy(g);
}

TEST(string_io_real_mode)
{
	struct guest *g = guest_create(vmm_device(), MODE_REAL,
				       GUEST_PROG(string16), BACKING_DEFAULT);
	struct kvm_regs regs;
	int i;

	for (i = 0; i < 300; i++)
		g->mem[0x8000 + i] = i ^ 0x5a;
	guest_get_regs(g, &regs);
	regs.rsi = 0x8000;
	regs.rcx = 300;
	guest_set_regs(g, &regs);
	ASSERT_EQ(KVM_EXIT_HLT, guest_run(g));
	ASSERT_EQ(300, g->out_len);
	EXPECT_EQ(0, memcmp(g->out_data, g->mem + 0x8000, 300));
	guest_get_regs(g, &regs);
	EXPECT_EQ(0, regs.rcx);
	EXPECT_EQ(0x8000 + 300, regs.rsi);
	guest_destroy(g);
}

TEST(triple_fault_is_shutdown)
{
	struct guest *g = guest_create(vmm_device(), MODE_LONG64,
				       GUEST_PROG(triple_fault64), BACKING_DEFAULT);

	EXPECT_EQ(KVM_EXIT_SHUTDOWN, guest_run(g))
		TH_LOG("exit %s", exit_reason_str(g->vcpu->run->exit_reason));
	guest_destroy(g);
}

TEST(guest_svm_instruction_is_ud)
{
	struct guest *g = guest_create(vmm_device(), MODE_LONG64,
				       GUEST_PROG(clgi64), BACKING_DEFAULT);

	EXPECT_EQ(KVM_EXIT_SHUTDOWN, guest_run(g))
		TH_LOG("exit %s", exit_reason_str(g->vcpu->run->exit_reason));
	guest_destroy(g);
}

/* Long mode with CS.L and CS.D both set: VMRUN refuses the state. */
TEST(invalid_state_is_fail_entry)
{
	struct guest *g = guest_create(vmm_device(), MODE_LONG64,
				       GUEST_PROG(print64), BACKING_DEFAULT);
	struct kvm_sregs sregs;
	struct kvm_run *run = g->vcpu->run;

	vmm_ioctl(g->vcpu->fd, KVM_GET_SREGS, &sregs);
	sregs.cs.db = 1;
	vmm_ioctl(g->vcpu->fd, KVM_SET_SREGS, &sregs);
	vcpu_run(g->vcpu);
	EXPECT_EQ(KVM_EXIT_FAIL_ENTRY, run->exit_reason)
		TH_LOG("exit %s", exit_reason_str(run->exit_reason));
	if (run->exit_reason == KVM_EXIT_FAIL_ENTRY)
		EXPECT_EQ(0xffffffffULL, run->fail_entry.hardware_entry_failure_reason);
	guest_destroy(g);
}

/*
 * A guest that spins forever is stopped by a signal: KVM_RUN returns EINTR
 * with KVM_EXIT_INTR. The bound on "promptly" is the harness's timeout.
 */
TEST(signal_stops_a_spinning_guest)
{
	struct guest *g = guest_create(vmm_device(), MODE_LONG64,
				       GUEST_PROG(spin), BACKING_DEFAULT);

	EXPECT_EQ(-1, __vcpu_run_alarm(g->vcpu, 200000));
	EXPECT_EQ(EINTR, errno);
	EXPECT_EQ(KVM_EXIT_INTR, g->vcpu->run->exit_reason);

	/* And again: the vCPU is usable after an interrupted run. */
	EXPECT_EQ(-1, __vcpu_run_alarm(g->vcpu, 200000));
	EXPECT_EQ(EINTR, errno);
	guest_destroy(g);
}

TEST(immediate_exit)
{
	struct guest *g = guest_create(vmm_device(), MODE_LONG64,
				       GUEST_PROG(print64), BACKING_DEFAULT);
	struct kvm_regs regs;

	g->vcpu->run->immediate_exit = 1;
	EXPECT_EQ(-1, __vcpu_run(g->vcpu));
	EXPECT_EQ(EINTR, errno);
	guest_get_regs(g, &regs);
	EXPECT_EQ(GUEST_CODE, regs.rip) TH_LOG("the guest did not run");
	g->vcpu->run->immediate_exit = 0;
	guest_destroy(g);
}

/*
 * KVM_RUN with immediate_exit after an I/O exit finishes the OUT (RIP moves
 * past it) and leaves exit_reason alone: KVM's selftest library reads the
 * exit a second time after such a call.
 */
TEST(immediate_exit_completes_io_and_keeps_the_exit)
{
	struct guest *g = guest_create_print64(vmm_device(), "ab",
					       BACKING_DEFAULT);
	struct kvm_run *run = g->vcpu->run;
	struct kvm_regs before, after;

	ASSERT_EQ(KVM_EXIT_IO, guest_step(g));
	guest_get_regs(g, &before);
	run->immediate_exit = 1;
	EXPECT_EQ(-1, __vcpu_run(g->vcpu));
	EXPECT_EQ(EINTR, errno);
	run->immediate_exit = 0;
	EXPECT_EQ(KVM_EXIT_IO, run->exit_reason)
		TH_LOG("exit %s", exit_reason_str(run->exit_reason));
	guest_get_regs(g, &after);
	EXPECT_LT(before.rip, after.rip) TH_LOG("the OUT was not finished");
	guest_destroy(g);
}

/*
 * A VMM that sets RIP between an OUT exit and the next KVM_RUN sends the
 * guest there: the OUT must not also be finished by skipping past it.
 */
TEST(set_regs_after_out_moves_the_guest)
{
	struct guest_prog prog = GUEST_PROG(print64);
	struct guest *g = guest_create_print64(vmm_device(), "ab",
					       BACKING_DEFAULT);
	struct kvm_regs regs;

	ASSERT_EQ(KVM_EXIT_IO, guest_step(g));
	guest_get_regs(g, &regs);
	regs.rip = GUEST_CODE + prog.len - 1;	/* print64's final HLT */
	guest_set_regs(g, &regs);
	ASSERT_EQ(KVM_EXIT_HLT, guest_step(g))
		TH_LOG("exit %s: the OUT was finished at the old RIP",
		       exit_reason_str(g->vcpu->run->exit_reason));
	guest_get_regs(g, &regs);
	EXPECT_EQ(GUEST_CODE + prog.len, regs.rip);
	EXPECT_NE(0x600d, regs.rax & 0xffff);
	EXPECT_EQ(1, g->console_len);
	guest_destroy(g);
}

TEST_HARNESS_MAIN
