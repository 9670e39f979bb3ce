// SPDX-License-Identifier: GPL-2.0
/*
 * The fidelity oracle: the same guest programs, through the same code, on
 * lvmm and on KVM in the same boot. Exits and final registers must match.
 *
 * Documented differences, not compared:
 * - string port I/O: lvmm moves up to a page per exit, KVM one element per
 *   exit for OUTS; the bytes moved and the final registers are compared;
 * - CPUID leaf 0x40000000 and the default table: each hypervisor its own
 *   (every scenario here sets the same table on both);
 * - state after a triple fault: only the SHUTDOWN exit is compared (the
 *   guest's own SVM instructions get #UD on both, and end in one).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "guest.h"

struct scenario {
	const char *name;
	enum guest_mode mode;
	struct guest_prog prog;
	int string_io;		/* compare bytes moved, not exits */
	int regs_after;		/* compare final registers */
	void (*setup)(struct guest *g);
};

static void setup_print(struct guest *g)
{
	struct kvm_regs regs;
	uint64_t at = g->mode == MODE_REAL ? 0x8000 : GUEST_DATA;

	strcpy((char *)g->mem + at, "same on both\n");
	guest_get_regs(g, &regs);
	regs.rsi = g->mode == MODE_PAGING32 ? 0x80000000 : at;
	guest_set_regs(g, &regs);
}

static void setup_mmio64(struct guest *g)
{
	struct kvm_regs regs;

	guest_get_regs(g, &regs);
	regs.rax = 0x1122334455667788;
	regs.rbx = GUEST_MMIO;
	regs.rcx = 2;
	regs.r12 = GUEST_MMIO + 0x40;
	regs.r13 = 0xdeadbeefcafef00d;
	guest_set_regs(g, &regs);
}

static void setup_string64(struct guest *g)
{
	struct kvm_regs regs;
	int i;

	for (i = 0; i < 5000; i++)
		g->mem[GUEST_DATA + i] = i * 3;
	guest_get_regs(g, &regs);
	regs.rsi = GUEST_DATA;
	regs.rcx = 5000;
	regs.r8 = GUEST_DATA + 0x2000;
	regs.r9 = 100;
	regs.r10 = GUEST_DATA + 0x300c;
	guest_set_regs(g, &regs);
}

static void setup_cpuid(struct guest *g)
{
	struct {
		struct kvm_cpuid2 hdr;
		struct kvm_cpuid_entry2 e[3];
	} t = { .hdr.nent = 3 };
	struct kvm_regs regs;

	t.e[0] = (struct kvm_cpuid_entry2){ .function = 0, .eax = 7,
		.ebx = 0x68747541, .edx = 0x69746e65, .ecx = 0x444d4163 };
	t.e[1] = (struct kvm_cpuid_entry2){ .function = 7,
		.flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX, .ebx = 0xabcd };
	t.e[2] = (struct kvm_cpuid_entry2){ .function = 0x80000001,
		.edx = 1u << 29 };
	vmm_ioctl(g->vcpu->fd, KVM_SET_CPUID2, &t);
	guest_get_regs(g, &regs);
	regs.rdi = 7;
	guest_set_regs(g, &regs);
}

static const struct scenario scenarios[] = {
	{ "print16", MODE_REAL, {}, 0, 1, setup_print },
	{ "print32", MODE_PROT32, {}, 0, 1, setup_print },
	{ "paging32", MODE_PAGING32, {}, 0, 1, setup_print },
	{ "print64", MODE_LONG64, {}, 0, 1, setup_print },
	{ "mmio64", MODE_LONG64, {}, 0, 1, setup_mmio64 },
	{ "mmio16", MODE_REAL, {}, 0, 1, guest_setup_mmio16 },
	{ "string64", MODE_LONG64, {}, 1, 1, setup_string64 },
	{ "cpuid64", MODE_LONG64, {}, 0, 1, setup_cpuid },
	{ "triple_fault64", MODE_LONG64, {}, 0, 0, NULL },
	{ "clgi64", MODE_LONG64, {}, 0, 0, NULL },
};

static struct guest_prog prog_of(int i)
{
	switch (i) {
	case 0: return GUEST_PROG(print16);
	case 1: case 2: return GUEST_PROG(print32);
	case 3: return GUEST_PROG(print64);
	case 4: return GUEST_PROG(mmio64);
	case 5: return GUEST_PROG(mmio16);
	case 6: return GUEST_PROG(string64);
	case 7: return GUEST_PROG(cpuid64);
	case 8: return GUEST_PROG(triple_fault64);
	default: return GUEST_PROG(clgi64);
	}
}

static struct guest *run_on(const char *device, int i, uint32_t *reason,
			    struct kvm_regs *regs)
{
	const struct scenario *s = &scenarios[i];
	struct guest *g = guest_create(device, s->mode, prog_of(i), BACKING_ANON);

	if (s->setup)
		s->setup(g);
	*reason = guest_run(g);
	guest_get_regs(g, regs);
	return g;
}

#define GPR_NAMES "rax rbx rcx rdx rsi rdi rsp rbp r8 r9 r10 r11 r12 r13 r14 r15 rip rflags"

TEST(same_exits_and_registers_as_kvm)
{
	unsigned int i;
	int e, r;

	if (!have_device(KVM_DEV) || !have_device(LVMM_DEV))
		SKIP(return, "needs both %s and %s (scripts/testvm --kvm)",
		     KVM_DEV, LVMM_DEV);

	for (i = 0; i < ARRAY_SIZE(scenarios); i++) {
		const struct scenario *s = &scenarios[i];
		struct kvm_regs kregs, lregs;
		uint32_t kreason, lreason;
		struct guest *k, *l;
		uint64_t *kv, *lv;

		/*
		 * KVM first, and its VM gone before lvmm runs: loaded with
		 * enable_virt_at_load=0, KVM holds SVM only while it has VMs.
		 */
		k = run_on(KVM_DEV, i, &kreason, &kregs);
		vcpu_destroy(k->vcpu);
		vm_destroy(k->vm);
		munmap(k->mem, GUEST_MEM_SIZE);
		l = run_on(LVMM_DEV, i, &lreason, &lregs);

		EXPECT_EQ(kreason, lreason) TH_LOG("%s: exit %s on KVM, %s on lvmm",
			s->name, exit_reason_str(kreason), exit_reason_str(lreason));
		EXPECT_EQ(k->console_len, l->console_len) TH_LOG("%s", s->name);
		EXPECT_EQ(0, memcmp(k->console, l->console, k->console_len));
		EXPECT_EQ(k->out_len, l->out_len) TH_LOG("%s", s->name);
		EXPECT_EQ(0, memcmp(k->out_data, l->out_data, k->out_len));
		if (!s->string_io) {
			EXPECT_EQ(k->nexits, l->nexits) TH_LOG("%s", s->name);
			for (e = 0; e < k->nexits && e < l->nexits && e < MAX_EXITS; e++)
				EXPECT_EQ(0, memcmp(&k->exits[e], &l->exits[e],
						    sizeof(k->exits[e])))
					TH_LOG("%s: exit %d differs", s->name, e);
		}
		if (s->regs_after) {
			kv = (uint64_t *)&kregs;
			lv = (uint64_t *)&lregs;
			for (r = 0; r < 18; r++)
				EXPECT_EQ(kv[r], lv[r])
					TH_LOG("%s: register %d of (%s)", s->name, r,
					       GPR_NAMES);
		}
		guest_destroy(l);
		free(k);
	}
}

TEST_HARNESS_MAIN
