// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_SET_SREGS: the architectural checks, made before anything changes.
 *
 * A CR4 bit is valid only if the vCPU's CPUID offers its feature. Before
 * KVM_SET_CPUID2 that is lvmm's default table, which is also what
 * KVM_GET_SUPPORTED_CPUID reports, so a VMM can set every supported bit
 * before it has defined the vCPU model, as on KVM. A bad value fails the
 * whole call with -EINVAL and leaves every register as it was.
 */
#include <linux/kvm.h>
#include <asm/processor-flags.h>

#include "arch.h"
#include "cpuid.h"
#include "lapic.h"
#include "sregs.h"
#include "vcpu.h"

/* CR4 bits every x86-64 CPU has; PCE needs nothing either. */
#define CR4_ALWAYS	(X86_CR4_VME | X86_CR4_PVI | X86_CR4_TSD | X86_CR4_DE | \
			 X86_CR4_PSE | X86_CR4_PAE | X86_CR4_MCE | X86_CR4_PGE | \
			 X86_CR4_PCE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT)

/* Which CPUID bit offers which CPUID-dependent CR4 bit. */
static const struct {
	u64 cr4;
	u32 leaf;
	u8 reg;		/* 0 eax .. 3 edx */
	u8 bit;
} cr4_features[] = {
	{ X86_CR4_UMIP,		7, 2, 2 },
	{ X86_CR4_LA57,		7, 2, 16 },
	{ X86_CR4_VMXE,		1, 2, 5 },
	{ X86_CR4_SMXE,		1, 2, 6 },
	{ X86_CR4_FSGSBASE,	7, 1, 0 },
	{ X86_CR4_PCIDE,	1, 2, 17 },
	{ X86_CR4_OSXSAVE,	1, 2, 26 },
	{ X86_CR4_SMEP,		7, 1, 7 },
	{ X86_CR4_SMAP,		7, 1, 20 },
	{ X86_CR4_PKE,		7, 2, 3 },
};

static bool cpuid_has(struct lvmm_vcpu *vcpu, u32 leaf, u8 reg, u8 bit)
{
	const struct kvm_cpuid_entry2 *e = lvmm_cpuid_entry(vcpu, leaf, 0);
	u32 regs[4];

	if (!e)
		return false;
	regs[0] = e->eax;
	regs[1] = e->ebx;
	regs[2] = e->ecx;
	regs[3] = e->edx;
	return regs[reg] & BIT(bit);
}

/* The CR4 bits this vCPU's CPUID allows. */
u64 lvmm_cr4_allowed(struct lvmm_vcpu *vcpu)
{
	u64 ok = CR4_ALWAYS;
	int i;

	for (i = 0; i < ARRAY_SIZE(cr4_features); i++)
		if (cpuid_has(vcpu, cr4_features[i].leaf, cr4_features[i].reg,
			      cr4_features[i].bit))
			ok |= cr4_features[i].cr4;
	return ok;
}

int lvmm_check_sregs(struct lvmm_vcpu *vcpu, const struct kvm_sregs *s)
{
	if (s->cr0 >> 32)
		return -EINVAL;
	if ((s->cr0 & X86_CR0_NW) && !(s->cr0 & X86_CR0_CD))
		return -EINVAL;
	if ((s->cr0 & X86_CR0_PG) && !(s->cr0 & X86_CR0_PE))
		return -EINVAL;
	if (s->cr4 & ~lvmm_cr4_allowed(vcpu))
		return -EINVAL;
	return lvmm_apic_base_valid(vcpu, s->apic_base, true) ? 0 : -EINVAL;
}
