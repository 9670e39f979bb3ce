// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile guests: each attacks one thing. Every time the guest gets what
 * the architecture says (#UD, #GP, shutdown) or an exit to the VMM, and the
 * host stays healthy (scripts/testvm fails the run on any kernel splat).
 * lvmm's answers to MSRs differ from KVM's by design, so this is lvmm-only.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "guest.h"

#define VEC_UD		6
#define VEC_GP		13

/* A long-mode guest with an IDT that reports exceptions on port 0x80. */
static struct guest *trap_guest(struct guest_prog attack)
{
	return guest_create_with_idt(LVMM_DEV, attack);
}

TEST(svm_and_monitor_instructions_raise_ud)
{
	const struct { const char *name; struct guest_prog p; } atk[] = {
		{ "vmrun", GUEST_PROG(atk_vmrun) },
		{ "vmload", GUEST_PROG(atk_vmload) },
		{ "vmsave", GUEST_PROG(atk_vmsave) },
		{ "stgi", GUEST_PROG(atk_stgi) },
		{ "clgi", GUEST_PROG(atk_clgi) },
		{ "skinit", GUEST_PROG(atk_skinit) },
		{ "invlpga", GUEST_PROG(atk_invlpga) },
		{ "monitor", GUEST_PROG(atk_monitor) },
		{ "mwait", GUEST_PROG(atk_mwait) },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(atk); i++) {
		struct guest *g = trap_guest(atk[i].p);

		EXPECT_EQ(VEC_UD, guest_trap_outcome(g)) TH_LOG("%s", atk[i].name);
		guest_destroy(g);
	}
}

static int msr_attack(uint32_t msr, uint64_t val, int write, uint64_t *rax)
{
	struct guest *g = trap_guest(write ? GUEST_PROG(atk_wrmsr) :
				     GUEST_PROG(atk_rdmsr));
	struct kvm_regs regs;
	int r;

	guest_get_regs(g, &regs);
	regs.rcx = msr;
	regs.rax = (uint32_t)val;
	regs.rdx = val >> 32;
	guest_set_regs(g, &regs);
	r = guest_trap_outcome(g);
	guest_get_regs(g, &regs);
	if (rax)
		*rax = regs.rax;
	guest_destroy(g);
	return r;
}

TEST(dangerous_msrs_raise_gp)
{
	static const uint32_t msrs[] = {
		0xc0010117,	/* VM_HSAVE_PA */
		0xc0010114,	/* VM_CR */
		0xc0010020,	/* microcode patch loader */
		0x79,		/* IA32_BIOS_UPDT_TRIG */
		0x3a,		/* IA32_FEATURE_CONTROL */
		0xc0011029,	/* DE_CFG */
		0x12345678,	/* nothing at all */
	};
	uint64_t efer;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(msrs); i++) {
		EXPECT_EQ(VEC_GP, msr_attack(msrs[i], 0x1000, 1, NULL))
			TH_LOG("wrmsr 0x%x", msrs[i]);
		EXPECT_EQ(VEC_GP, msr_attack(msrs[i], 0, 0, NULL))
			TH_LOG("rdmsr 0x%x", msrs[i]);
	}
	/* SYSCFG reads as 0 (Linux reads it at boot); writing it is #GP. */
	EXPECT_EQ(VEC_GP, msr_attack(0xc0010010, 0x1000, 1, NULL));
	EXPECT_EQ(256, msr_attack(0xc0010010, 0, 0, &efer));
	EXPECT_EQ(0, efer);
	/* EFER.SVME is lvmm's: setting it is #GP, reading never shows it. */
	EXPECT_EQ(VEC_GP, msr_attack(0xc0000080, 0x1500, 1, NULL));
	EXPECT_EQ(256, msr_attack(0xc0000080, 0, 0, &efer));
	EXPECT_EQ(0x500, efer);
}

/* Stop a guest that will not stop by itself with a signal after 300 ms. */
static void expect_stopped_by_signal(struct __test_metadata *_metadata,
				     struct guest *g)
{
	EXPECT_EQ(-1, __vcpu_run_alarm(g->vcpu, 300000));
	EXPECT_EQ(EINTR, errno);
}

TEST(debug_trap_storm_is_interruptible)
{
	struct guest *g = trap_guest(GUEST_PROG(atk_db_storm));

	expect_stopped_by_signal(_metadata, g);
	guest_destroy(g);
}

TEST(spin_with_interrupts_off_is_interruptible)
{
	struct guest *g = trap_guest(GUEST_PROG(atk_cli_spin));

	expect_stopped_by_signal(_metadata, g);
	guest_destroy(g);
}

/* A fixture only for its timeout: 65536 exits take a while under KASAN. */
FIXTURE(slow) {};
FIXTURE_SETUP(slow) {}
FIXTURE_TEARDOWN(slow) {}

TEST_F_TIMEOUT(slow, every_io_port, 600)
{
	struct guest *g = trap_guest(GUEST_PROG(atk_all_ports));

	EXPECT_EQ(256, guest_trap_outcome(g));
	/* 65536 INs, then the OUT to 0x81. */
	EXPECT_EQ(65537, g->nexits);
	EXPECT_EQ(KVM_EXIT_IO_IN, g->exits[300].dir);
	EXPECT_EQ(0, g->exits[0].port);
	EXPECT_EQ(511, g->exits[511].port);
	guest_destroy(g);
}

TEST(beyond_ram_and_into_holes)
{
	struct guest *g = trap_guest(GUEST_PROG(atk_beyond_ram));
	int i, n = 0;

	EXPECT_EQ(256, guest_trap_outcome(g));
	for (i = 0; i < g->nexits && i < MAX_EXITS; i++)
		if (g->exits[i].reason == KVM_EXIT_MMIO)
			n++;
	/* 256 steps of 16 MiB, a read and a write each. */
	EXPECT_EQ(512, n);
	EXPECT_EQ(0x200000, g->exits[0].addr);
	EXPECT_EQ(0x77, g->exits[1].data);
	guest_destroy(g);
}

TEST_F_TIMEOUT(slow, very_long_rep_string_io, 600)
{
	struct guest *g = trap_guest(GUEST_PROG(atk_long_rep));
	struct kvm_regs regs;

	guest_get_regs(g, &regs);
	regs.rsi = 0;
	regs.rcx = 1 << 20;
	guest_set_regs(g, &regs);
	EXPECT_EQ(256, guest_trap_outcome(g));
	EXPECT_EQ(256 + 1, g->nexits) TH_LOG("one exit per page; first: reason %u port 0x%x count %u",
					      g->exits[0].reason, g->exits[0].port,
					      g->exits[0].count);
	guest_get_regs(g, &regs);
	EXPECT_EQ(0, regs.rcx);
	EXPECT_EQ(1 << 20, regs.rsi);
	guest_destroy(g);
}

TEST(self_modifying_code_across_a_slot_boundary)
{
	struct guest_prog smc = GUEST_PROG(atk_smc);
	struct guest *g = guest_create(LVMM_DEV, MODE_LONG64,
				       GUEST_PROG(intr64), BACKING_DEFAULT);
	uint8_t *next = vm_add_memory(g->vm, 1, GUEST_MEM_SIZE, 0x10000,
				      BACKING_DEFAULT);
	uint64_t at = GUEST_MEM_SIZE - 9, want = 0, i;
	struct kvm_regs regs;

	/* The immediate the loop rewrites is byte 9: the first of slot 1. */
	memcpy(g->mem + at, smc.code, 9);
	memcpy(next, smc.code + 9, smc.len - 9);
	guest_get_regs(g, &regs);
	regs.rbx = at;
	regs.rcx = 1000;
	guest_set_regs(g, &regs);
	for (i = 1; i <= 1000; i++)
		want += i & 0xff;

	EXPECT_EQ(256, guest_trap_outcome(g));
	guest_get_regs(g, &regs);
	EXPECT_EQ(want, regs.rax);
	EXPECT_EQ(1000 & 0xff, next[0]);
	guest_destroy(g);
}

TEST(triple_fault_again_and_again)
{
	struct guest *g = guest_create(LVMM_DEV, MODE_LONG64,
				       GUEST_PROG(triple_fault64), BACKING_DEFAULT);
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	int i;

	vmm_ioctl(g->vcpu->fd, KVM_GET_SREGS, &sregs);
	guest_get_regs(g, &regs);
	for (i = 0; i < 10; i++) {
		vmm_ioctl(g->vcpu->fd, KVM_SET_SREGS, &sregs);
		guest_set_regs(g, &regs);
		vcpu_run(g->vcpu);
		EXPECT_EQ(KVM_EXIT_SHUTDOWN, g->vcpu->run->exit_reason)
			TH_LOG("round %d", i);
	}
	guest_destroy(g);
}

/*
 * One VM holds a secret; another, made while it lives and again after it
 * is gone, sums every byte of its own RAM that it did not load, and reads
 * far beyond it: it sees zeros and its own VMM's answers, never the secret.
 */
TEST(no_vm_sees_another_vms_memory)
{
	const uint64_t from = 0x100000, len = GUEST_MEM_SIZE - 0x100000;
	struct guest *a, *b;
	struct kvm_regs regs;
	int round;

	a = guest_create(LVMM_DEV, MODE_LONG64, GUEST_PROG(memory64),
			 BACKING_DEFAULT);
	memset(a->mem + from, 0x5e, len);
	guest_get_regs(a, &regs);
	regs.rsi = from;
	regs.rdi = from;
	regs.rcx = len;
	guest_set_regs(a, &regs);
	ASSERT_EQ(KVM_EXIT_HLT, guest_run(a));

	for (round = 0; round < 2; round++) {
		if (round == 1)
			guest_destroy(a);	/* its pages go back to the host */
		b = guest_create(LVMM_DEV, MODE_LONG64, GUEST_PROG(memory64),
				 round ? BACKING_ANON : BACKING_DEFAULT);
		guest_get_regs(b, &regs);
		regs.rsi = from;
		regs.rdi = GUEST_DATA;
		regs.rcx = len;
		guest_set_regs(b, &regs);
		ASSERT_EQ(KVM_EXIT_HLT, guest_run(b));
		guest_get_regs(b, &regs);
		EXPECT_EQ(0, regs.rax) TH_LOG("round %d: B's untouched RAM is not zero", round);
		guest_destroy(b);
	}
}

TEST_HARNESS_MAIN
