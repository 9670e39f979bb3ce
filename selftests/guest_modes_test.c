// SPDX-License-Identifier: GPL-2.0
/*
 * A guest in each processor mode writes a message through OUT and halts:
 * real mode, 32-bit protected mode, 32-bit paging and 64-bit long mode, on
 * lvmm's own memory and on anonymous memory. $LVMM_DEVICE=/dev/kvm runs the
 * same tests on KVM.
 */
#include <string.h>

#include "kselftest_harness.h"
#include "guest.h"

FIXTURE(mode) {
	struct guest *g;
};

FIXTURE_VARIANT(mode) {
	enum backing backing;
};

FIXTURE_VARIANT_ADD(mode, own_memory) { .backing = BACKING_GMEM };
FIXTURE_VARIANT_ADD(mode, anonymous_memory) { .backing = BACKING_ANON };

FIXTURE_SETUP(mode)
{
	if (variant->backing == BACKING_GMEM && vmm_is_kvm())
		SKIP(return, "KVM's guest_memfd cannot be mapped");
}

FIXTURE_TEARDOWN(mode)
{
	if (self->g)
		guest_destroy(self->g);
}

/*
 * Run a print program with the message at guest-physical @pa, which the
 * guest sees at @va (they differ only with paging; real mode needs < 64K).
 */
static void run_print(struct __test_metadata *_metadata, struct guest **gp,
		      enum guest_mode mode, struct guest_prog prog,
		      enum backing backing, uint64_t pa, uint64_t va,
		      const char *msg)
{
	struct kvm_regs regs;
	struct guest *g;

	g = *gp = guest_create(vmm_device(), mode, prog, backing);
	strcpy((char *)g->mem + pa, msg);
	guest_get_regs(g, &regs);
	regs.rsi = va;
	guest_set_regs(g, &regs);

	ASSERT_EQ(KVM_EXIT_HLT, guest_run(g))
		TH_LOG("exit %s", exit_reason_str(g->vcpu->run->exit_reason));
	g->console[g->console_len] = '\0';
	EXPECT_STREQ(msg, g->console);
	/* One OUT exit per byte, then the HLT. */
	EXPECT_EQ((int)strlen(msg) + 1, g->nexits);
	guest_get_regs(g, &regs);
	EXPECT_EQ(0x600d, regs.rax & 0xffff);
	/* RIP is past the HLT, the program's last byte. */
	EXPECT_EQ(GUEST_CODE + prog.len, regs.rip);
}

TEST_F(mode, real_mode)
{
	run_print(_metadata, &self->g, MODE_REAL, GUEST_PROG(print16),
		  variant->backing, 0x8000, 0x8000, "hello from real mode\n");
}

TEST_F(mode, protected_mode_32)
{
	run_print(_metadata, &self->g, MODE_PROT32, GUEST_PROG(print32),
		  variant->backing, GUEST_DATA, GUEST_DATA,
		  "hello from 32-bit protected mode\n");
}

/* The message is read through the guest's page tables at 0x80000000. */
TEST_F(mode, paging_32)
{
	run_print(_metadata, &self->g, MODE_PAGING32, GUEST_PROG(print32),
		  variant->backing, GUEST_DATA, 0x80000000,
		  "hello from 32-bit paging\n");
}

TEST_F(mode, long_mode_64)
{
	run_print(_metadata, &self->g, MODE_LONG64, GUEST_PROG(print64),
		  variant->backing, GUEST_DATA, GUEST_DATA,
		  "hello from 64-bit long mode\n");
}

TEST_HARNESS_MAIN
