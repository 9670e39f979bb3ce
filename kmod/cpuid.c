// SPDX-License-Identifier: GPL-2.0
/*
 * CPUID: the table a vCPU answers from, and lvmm's default one.
 *
 * KVM_SET_CPUID2 gives a vCPU its table; until then it uses the default,
 * which is also what KVM_GET_SUPPORTED_CPUID reports: the host's CPUID with
 * everything lvmm cannot virtualize hidden (SVM, VMX, MONITOR, the APIC
 * features, performance monitoring, XSAVES), the hypervisor bit set, leaf
 * 0x40000000 carrying the signature "LVMMLVMMLVMM", and KVM's leaves at
 * 0x40000100 offering kvmclock (pvclock.c).
 */
#include <kunit/visibility.h>
#include <linux/kvm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/cpufeature.h>
#include <asm/kvm_para.h>
#include <asm/msr-index.h>
#include <asm/processor.h>
#include <asm/processor-flags.h>

#include "arch.h"
#include "core.h"
#include "cpuid.h"
#include "vcpu.h"
#include "vm.h"

static struct kvm_cpuid_entry2 *default_cpuid;
static int nr_default_cpuid;

#define LVMM_SIGNATURE_EBX	0x4d4d564c	/* "LVMM" */

/* Leaf 1 */
#define ECX_MONITOR	BIT(3)
#define ECX_DS_CPL	BIT(4)
#define ECX_VMX		BIT(5)
#define ECX_SMX		BIT(6)
#define ECX_EST		BIT(7)
#define ECX_TM2		BIT(8)
#define ECX_PDCM	BIT(15)
#define ECX_X2APIC	BIT(21)
#define ECX_TSC_DEADLINE BIT(24)
#define ECX_OSXSAVE	BIT(27)
#define ECX_HYPERVISOR	BIT(31)
#define EDX_MCE		BIT(7)
#define EDX_MCA		BIT(14)
#define EDX_APIC	BIT(9)
#define EDX_DS		BIT(21)
#define EDX_ACPI	BIT(22)
#define EDX_TM		BIT(29)
#define EDX_PBE		BIT(31)
/* Leaf 7.0 */
#define EBX7_SGX	BIT(2)
#define EBX7_TSC_ADJUST	BIT(1)
#define EBX7_INTEL_PT	BIT(25)
#define ECX7_PKU	BIT(3)	/* PKRU is not switched for guests */
#define ECX7_OSPKE	BIT(4)
#define ECX7_WAITPKG	BIT(5)
#define ECX7_RDPID	BIT(22)	/* IA32_TSC_AUX is not switched */
#define ECX7_SGX_LC	BIT(30)
/* Leaf 0x80000001 */
#define EDX81_RDTSCP	BIT(27)
#define ECX81_SVM	BIT(2)
#define ECX81_IBS	BIT(10)
#define ECX81_SKINIT	BIT(12)
#define ECX81_WDT	BIT(13)
#define ECX81_LWP	BIT(15)
#define ECX81_NODEID	BIT(19)
#define ECX81_PERFCTR	BIT(23)
#define ECX81_PERFCTR_NB BIT(24)
#define ECX81_PERFCTR_LLC BIT(28)
#define ECX81_MWAITX	BIT(29)

/* Leaf 0x80000008 EBX: the speculation controls lvmm passes on. */
#define EBX88_IBPB	BIT(12)
#define EBX88_IBRS	BIT(14)
#define EBX88_STIBP	BIT(15)
#define EBX88_SSBD	BIT(24)

static u32 spec_ctrl_cpuid_bits(void)
{
	u32 ok = 0;

	if (boot_cpu_has(X86_FEATURE_IBPB))
		ok |= EBX88_IBPB;
	if (!boot_cpu_has(X86_FEATURE_MSR_SPEC_CTRL))
		return ok;
	if (boot_cpu_has(X86_FEATURE_AMD_IBRS))
		ok |= EBX88_IBRS;
	if (boot_cpu_has(X86_FEATURE_AMD_STIBP))
		ok |= EBX88_STIBP;
	if (boot_cpu_has(X86_FEATURE_AMD_SSBD))
		ok |= EBX88_SSBD;
	return ok;
}

static void clear_entry(struct kvm_cpuid_entry2 *e)
{
	e->eax = 0;
	e->ebx = 0;
	e->ecx = 0;
	e->edx = 0;
}

/**
 * lvmm_filter_cpuid - hide what lvmm cannot give a guest
 * @e: one CPUID entry, as the host reports it; edited in place
 */
void lvmm_filter_cpuid(struct kvm_cpuid_entry2 *e)
{
	switch (e->function) {
	case 1:
		/*
		 * The APIC and x2APIC are there with KVM_CREATE_IRQCHIP; a
		 * vCPU without it never sees them (lvmm_emulate_cpuid()).
		 */
		e->ecx &= ~(ECX_MONITOR | ECX_DS_CPL | ECX_VMX | ECX_SMX |
			    ECX_EST | ECX_TM2 | ECX_PDCM | ECX_TSC_DEADLINE |
			    ECX_OSXSAVE);
		e->ecx |= ECX_HYPERVISOR | ECX_X2APIC;
		e->edx |= EDX_APIC;
		/* No machine-check MSRs: a guest must not look for banks. */
		e->edx &= ~(EDX_DS | EDX_ACPI | EDX_TM | EDX_PBE | EDX_MCE |
			    EDX_MCA);
		/* APIC ID and logical count are per vCPU; set at use. */
		e->ebx &= 0xffff;
		break;
	case 5:		/* MONITOR/MWAIT */
	case 6:		/* thermal and power */
	case 0xa:	/* performance monitoring */
		clear_entry(e);
		break;
	case 7:
		if (e->index == 0) {
			e->eax = 0;	/* only subleaf 0 */
			e->ebx &= ~(EBX7_SGX | EBX7_TSC_ADJUST | EBX7_INTEL_PT);
			e->ecx &= ~(ECX7_PKU | ECX7_OSPKE | ECX7_WAITPKG |
				    ECX7_SGX_LC | ECX7_RDPID);
			e->edx = 0;
		} else {
			clear_entry(e);
		}
		break;
	case 0xd:
		if (e->index == 0) {
			e->eax &= lvmm_host_xcr0;
			e->edx &= lvmm_host_xcr0 >> 32;
		} else if (e->index == 1) {
			e->eax &= ~BIT(3);	/* no XSAVES: no XSS support */
			e->ecx = 0;
			e->edx = 0;
		}
		break;
	case 0x80000001:
		e->ecx &= ~(ECX81_SVM | ECX81_IBS | ECX81_SKINIT | ECX81_WDT |
			    ECX81_LWP | ECX81_NODEID | ECX81_PERFCTR |
			    ECX81_PERFCTR_NB | ECX81_PERFCTR_LLC | ECX81_MWAITX);
		e->edx &= ~(EDX_MCE | EDX_MCA);	/* AMD's copies of leaf 1's */
		e->edx &= ~EDX81_RDTSCP;	/* IA32_TSC_AUX is not switched */
		break;
	case 0x80000007:
		e->eax = 0;
		e->ebx = 0;
		e->ecx = 0;
		e->edx &= BIT(8);	/* invariant TSC only */
		break;
	case 0x80000008:
		/* Speculation control, where the host has it (svm/spec_ctrl.c). */
		e->ebx &= spec_ctrl_cpuid_bits();
		e->ecx &= 0xff;		/* core count, no APIC ID size */
		e->edx = 0;
		break;
	}
}
EXPORT_SYMBOL_IF_KUNIT(lvmm_filter_cpuid);

/* Leaves of the default table, with the subleaves each one has. */
static const struct {
	u32 function;
	u32 subleaves;
} default_leaves[] = {
	{ 0, 1 }, { 1, 1 }, { 2, 1 }, { 4, 4 }, { 5, 1 }, { 6, 1 }, { 7, 1 },
	{ 0xa, 1 }, { 0xd, 3 },
	{ 0x80000000, 1 }, { 0x80000001, 1 }, { 0x80000002, 1 },
	{ 0x80000003, 1 }, { 0x80000004, 1 }, { 0x80000005, 1 },
	{ 0x80000006, 1 }, { 0x80000007, 1 }, { 0x80000008, 1 },
};

static bool leaf_has_index(u32 function)
{
	return function == 4 || function == 7 || function == 0xd;
}

/**
 * lvmm_cpuid_init - build the default table
 * @pv_features: KVM_CPUID_FEATURES EAX to offer, kvmclock's
 *               (lvmm_pvclock_cpuid_features()); 0: no KVM leaves at all
 *
 * Return: 0 or -ENOMEM.
 */
int lvmm_cpuid_init(u32 pv_features)
{
	u32 max_basic = cpuid_eax(0), max_ext = cpuid_eax(0x80000000);
	struct kvm_cpuid_entry2 *e;
	unsigned int i, j;

	default_cpuid = kcalloc(LVMM_MAX_CPUID, sizeof(*default_cpuid),
				GFP_KERNEL);
	if (!default_cpuid)
		return -ENOMEM;

	max_basic = min_t(u32, max_basic, 0xd);
	max_ext = min_t(u32, max_ext, 0x80000008);
	for (i = 0; i < ARRAY_SIZE(default_leaves); i++) {
		u32 f = default_leaves[i].function;

		if (f < 0x80000000 ? f > max_basic : f > max_ext)
			continue;
		for (j = 0; j < default_leaves[i].subleaves; j++) {
			e = &default_cpuid[nr_default_cpuid++];
			e->function = f;
			e->index = j;
			if (leaf_has_index(f))
				e->flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
			cpuid_count(f, j, &e->eax, &e->ebx, &e->ecx, &e->edx);
			if (f == 0)
				e->eax = max_basic;
			if (f == 0x80000000)
				e->eax = max_ext;
			lvmm_filter_cpuid(e);
		}
	}

	e = &default_cpuid[nr_default_cpuid++];
	e->function = 0x40000000;
	e->eax = 0x40000001;
	e->ebx = LVMM_SIGNATURE_EBX;
	e->ecx = LVMM_SIGNATURE_EBX;
	e->edx = LVMM_SIGNATURE_EBX;
	e = &default_cpuid[nr_default_cpuid++];
	e->function = 0x40000001;	/* no paravirtual features of lvmm's */

	/*
	 * KVM's paravirtual interface one range up, as KVM puts its own
	 * above Hyper-V's: only kvmclock (pvclock.c). Linux scans for it.
	 */
	if (!pv_features)
		return 0;
	e = &default_cpuid[nr_default_cpuid++];
	e->function = LVMM_KVM_CPUID_BASE;
	e->eax = LVMM_KVM_CPUID_BASE | KVM_CPUID_FEATURES;
	e->ebx = KVM_SIGNATURE_EBX;
	e->ecx = KVM_SIGNATURE_ECX;
	e->edx = KVM_SIGNATURE_EDX;
	e = &default_cpuid[nr_default_cpuid++];
	e->function = LVMM_KVM_CPUID_BASE | KVM_CPUID_FEATURES;
	e->eax = pv_features;
	return 0;
}

void lvmm_cpuid_exit(void)
{
	kfree(default_cpuid);
	default_cpuid = NULL;
	nr_default_cpuid = 0;
}

void lvmm_vcpu_default_cpuid(struct lvmm_vcpu *vcpu)
{
	int i;

	memcpy(vcpu->cpuid, default_cpuid,
	       nr_default_cpuid * sizeof(*default_cpuid));
	vcpu->nr_cpuid = nr_default_cpuid;
	for (i = 0; i < vcpu->nr_cpuid; i++) {
		if (vcpu->cpuid[i].function != 1)
			continue;
		vcpu->cpuid[i].ebx |= vcpu->id << 24 | 1 << 16;
		/* The in-kernel APIC has the TSC-deadline timer. */
		if (vcpu->vm->irqchip != LVMM_IRQCHIP_NONE)
			vcpu->cpuid[i].ecx |= ECX_TSC_DEADLINE;
	}
}

/*
 * KVM_GET_SUPPORTED_CPUID: the default table, but for one thing. KVM
 * VMMs read KVM's paravirtual features from leaf 0x40000001 whatever
 * signature they give the guest (QEMU builds its KVM leaves from exactly
 * that), so the table they get has them there, under lvmm's signature: a
 * guest never sees that leaf unless its VMM copies it, and then only as a
 * VMM that asked for KVM's features.
 */
int lvmm_get_supported_cpuid(struct kvm_cpuid2 __user *u)
{
	struct kvm_cpuid2 hdr;
	unsigned int i, j;

	if (copy_from_user(&hdr, u, sizeof(hdr)))
		return -EFAULT;
	/* As KVM: too small a buffer is E2BIG, and nent stays as it was. */
	if (hdr.nent < nr_default_cpuid)
		return -E2BIG;
	hdr.nent = nr_default_cpuid;
	if (copy_to_user(u, &hdr, sizeof(hdr)) ||
	    copy_to_user(u->entries, default_cpuid,
			 nr_default_cpuid * sizeof(*default_cpuid)))
		return -EFAULT;
	for (i = 0; i < nr_default_cpuid; i++) {
		if (default_cpuid[i].function != KVM_CPUID_FEATURES)
			continue;
		for (j = 0; j < nr_default_cpuid; j++)
			if (default_cpuid[j].function ==
			    (LVMM_KVM_CPUID_BASE | KVM_CPUID_FEATURES) &&
			    put_user(default_cpuid[j].eax, &u->entries[i].eax))
				return -EFAULT;
	}
	return 0;
}

/*
 * Once a vCPU has run, the guest may have acted on what it saw (features,
 * MAXPHYADDR): KVM_SET_CPUID2 may then only repeat the same table, as in KVM.
 */
static bool same_table(struct lvmm_vcpu *vcpu,
		       const struct kvm_cpuid_entry2 *e, u32 n)
{
	u32 i;

	if (n != vcpu->nr_cpuid)
		return false;
	for (i = 0; i < n; i++) {
		const struct kvm_cpuid_entry2 *o = &vcpu->cpuid[i];

		if (e[i].function != o->function || e[i].index != o->index ||
		    e[i].flags != o->flags || e[i].eax != o->eax ||
		    e[i].ebx != o->ebx || e[i].ecx != o->ecx ||
		    e[i].edx != o->edx)
			return false;
	}
	return true;
}

int lvmm_set_cpuid2(struct lvmm_vcpu *vcpu, struct kvm_cpuid2 __user *u)
{
	struct kvm_cpuid_entry2 *entries;
	struct kvm_cpuid2 hdr;

	if (copy_from_user(&hdr, u, sizeof(hdr)))
		return -EFAULT;
	if (hdr.nent > LVMM_MAX_CPUID)
		return -E2BIG;
	entries = memdup_array_user(u->entries, hdr.nent, sizeof(*entries));
	if (IS_ERR(entries))
		return PTR_ERR(entries);
	if (vcpu->ran && !same_table(vcpu, entries, hdr.nent)) {
		kfree(entries);
		return -EINVAL;
	}
	memcpy(vcpu->cpuid, entries, hdr.nent * sizeof(*entries));
	vcpu->nr_cpuid = hdr.nent;
	kfree(entries);
	return 0;
}

int lvmm_get_cpuid2(struct lvmm_vcpu *vcpu, struct kvm_cpuid2 __user *u)
{
	struct kvm_cpuid2 hdr;

	if (copy_from_user(&hdr, u, sizeof(hdr)))
		return -EFAULT;
	if (hdr.nent < vcpu->nr_cpuid)
		return -E2BIG;
	hdr.nent = vcpu->nr_cpuid;
	if (copy_to_user(u, &hdr, sizeof(hdr)) ||
	    copy_to_user(u->entries, vcpu->cpuid,
			 vcpu->nr_cpuid * sizeof(*vcpu->cpuid)))
		return -EFAULT;
	return 0;
}

struct kvm_cpuid_entry2 *lvmm_cpuid_entry(struct lvmm_vcpu *vcpu, u32 f,
					  u32 index)
{
	int i;

	for (i = 0; i < vcpu->nr_cpuid; i++) {
		struct kvm_cpuid_entry2 *e = &vcpu->cpuid[i];

		if (e->function == f &&
		    (!(e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) ||
		     e->index == index))
			return e;
	}
	return NULL;
}

/* CPUID: from the table; leaves it lacks read as zeros, as on AMD. */
void lvmm_emulate_cpuid(struct lvmm_vcpu *vcpu)
{
	u32 f = vcpu->gpr[RAX], index = vcpu->gpr[RCX];
	struct kvm_cpuid_entry2 *e = lvmm_cpuid_entry(vcpu, f, index);
	u32 eax = 0, ebx = 0, ecx = 0, edx = 0;

	if (e) {
		eax = e->eax;
		ebx = e->ebx;
		ecx = e->ecx;
		edx = e->edx;
		/*
		 * The APIC bit follows IA32_APIC_BASE's enable bit, as on
		 * hardware; without an in-kernel APIC there is none.
		 */
		if (f == 1 && (!vcpu->lapic ||
			       !(vcpu->apic_base & MSR_IA32_APICBASE_ENABLE)))
			edx &= ~EDX_APIC;
		if (f == 1 && !vcpu->lapic)
			ecx &= ~(ECX_X2APIC | ECX_TSC_DEADLINE);
		/*
		 * OSXSAVE mirrors the guest's CR4, as on hardware: CR4 as
		 * the CPUID exit found it.
		 */
		if (f == 1 && (ecx & BIT(26))) {
			if (vcpu->exit.state.cr4 & X86_CR4_OSXSAVE)
				ecx |= ECX_OSXSAVE;
			else
				ecx &= ~ECX_OSXSAVE;
		}
	}
	vcpu->gpr[RAX] = eax;
	vcpu->gpr[RBX] = ebx;
	vcpu->gpr[RCX] = ecx;
	vcpu->gpr[RDX] = edx;
}
