// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: CPUID filtering of the default table.
 */
#include <kunit/test.h>

#include "../arch.h"
#include "../cpuid.h"

static struct kvm_cpuid_entry2 leaf(u32 f, u32 i, u32 a, u32 b, u32 c, u32 d)
{
	return (struct kvm_cpuid_entry2){ .function = f, .index = i,
		.eax = a, .ebx = b, .ecx = c, .edx = d };
}

static void leaf1(struct kunit *test)
{
	/* An Intel host's leaf 1, everything on, APIC ID 5. */
	struct kvm_cpuid_entry2 e = leaf(1, 0, 0x906ea, 0x05100800,
					 0xfffab223, 0xbfebfbff);

	lvmm_filter_cpuid(&e);
	KUNIT_EXPECT_EQ(test, 0x906ea, e.eax);
	KUNIT_EXPECT_EQ(test, 0, e.ebx >> 16);		/* per-vCPU fields */
	KUNIT_EXPECT_EQ(test, 0x0800, e.ebx & 0xffff);
	KUNIT_EXPECT_FALSE(test, e.ecx & BIT(5));		/* VMX */
	KUNIT_EXPECT_FALSE(test, e.ecx & BIT(3));		/* MONITOR */
	/* The in-kernel APIC's: offered; a vCPU without one never sees them. */
	KUNIT_EXPECT_TRUE(test, e.ecx & BIT(21));		/* x2APIC */
	KUNIT_EXPECT_FALSE(test, e.ecx & BIT(24));		/* TSC deadline */
	KUNIT_EXPECT_FALSE(test, e.ecx & BIT(27));		/* OSXSAVE */
	KUNIT_EXPECT_TRUE(test, e.ecx & BIT(31));		/* hypervisor */
	KUNIT_EXPECT_TRUE(test, e.ecx & BIT(26));		/* XSAVE kept */
	KUNIT_EXPECT_TRUE(test, e.ecx & BIT(0));		/* SSE3 kept */
	KUNIT_EXPECT_TRUE(test, e.edx & BIT(9));		/* APIC */
	KUNIT_EXPECT_TRUE(test, e.edx & BIT(0));		/* FPU kept */
}

static void amd_extended(struct kunit *test)
{
	struct kvm_cpuid_entry2 e = leaf(0x80000001, 0, 0x800f12, 0,
					 0x75c237ff, 0x2fd3fbff);

	lvmm_filter_cpuid(&e);
	KUNIT_EXPECT_FALSE(test, e.ecx & BIT(2));		/* SVM */
	KUNIT_EXPECT_FALSE(test, e.ecx & BIT(12));		/* SKINIT */
	KUNIT_EXPECT_FALSE(test, e.ecx & BIT(23));		/* PERFCTR_CORE */
	KUNIT_EXPECT_TRUE(test, e.ecx & BIT(0));		/* LAHF kept */
	/* LM, NX kept; MCE, MCA and RDTSCP (bits 7, 14, 27) hidden. */
	KUNIT_EXPECT_EQ(test, 0x2fd3fbff & ~(BIT(7) | BIT(14) | BIT(27)), e.edx);
}

static void zeroed_and_trimmed(struct kunit *test)
{
	struct kvm_cpuid_entry2 mon = leaf(5, 0, 0x40, 0x40, 3, 0x11142120);
	struct kvm_cpuid_entry2 pmu = leaf(0xa, 0, 0x7300403, 0, 0, 0x603);
	struct kvm_cpuid_entry2 s7 = leaf(7, 0, 2, 0x219c07ab, 0x20, 0xbc000400);
	struct kvm_cpuid_entry2 s7_1 = leaf(7, 1, 0x10, 1, 1, 1);
	struct kvm_cpuid_entry2 xs1 = leaf(0xd, 1, 0xf, 0x3c0, 0x100, 0);
	struct kvm_cpuid_entry2 pm = leaf(0x80000007, 0, 1, 2, 3, 0x1ff);

	lvmm_filter_cpuid(&mon);
	KUNIT_EXPECT_EQ(test, 0, mon.eax | mon.ebx | mon.ecx | mon.edx);
	lvmm_filter_cpuid(&pmu);
	KUNIT_EXPECT_EQ(test, 0, pmu.eax | pmu.edx);
	lvmm_filter_cpuid(&s7);
	KUNIT_EXPECT_EQ(test, 0, s7.eax);		/* no further subleaves */
	KUNIT_EXPECT_FALSE(test, s7.ebx & BIT(2));	/* SGX */
	KUNIT_EXPECT_TRUE(test, s7.ebx & BIT(0));	/* FSGSBASE kept */
	KUNIT_EXPECT_FALSE(test, s7.ecx & BIT(5));	/* WAITPKG */
	lvmm_filter_cpuid(&s7_1);
	KUNIT_EXPECT_EQ(test, 0, s7_1.eax | s7_1.ebx | s7_1.ecx | s7_1.edx);
	lvmm_filter_cpuid(&xs1);
	KUNIT_EXPECT_EQ(test, 0x7, xs1.eax);		/* XSAVES gone */
	lvmm_filter_cpuid(&pm);
	KUNIT_EXPECT_EQ(test, BIT(8), pm.edx);		/* invariant TSC only */
}

static struct kunit_case cpuid_cases[] = {
	KUNIT_CASE(leaf1),
	KUNIT_CASE(amd_extended),
	KUNIT_CASE(zeroed_and_trimmed),
	{}
};

static struct kunit_suite cpuid_suite = {
	.name = "lvmm_cpuid",
	.test_cases = cpuid_cases,
};

kunit_test_suite(cpuid_suite);
