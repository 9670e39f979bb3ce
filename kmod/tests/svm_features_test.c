// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: SVM capability decoding, fed with recorded CPUID/MSR values.
 */
#include <kunit/test.h>

#include "../arch.h"
#include "../svm/svm.h"

/* QEMU 7.2 TCG, -cpu EPYC,+svm,+npt, as lvmm logged it: NPT only, 16 ASIDs. */
static const struct svm_raw_caps qemu_tcg_epyc = {
	.max_ext_leaf = 0x8000001f,
	.ext1_ecx = 0x00c003f7,
	.svm_eax = 0x1,
	.svm_ebx = 0x10,
	.svm_edx = SVM_EDX_NPT,
};

/* A Zen 2 EPYC: every optional feature lvmm knows about, 32768 ASIDs. */
static const struct svm_raw_caps zen2_epyc = {
	.max_ext_leaf = 0x80000020,
	.ext1_ecx = 0x75c237ff,
	.svm_eax = 0x1,
	.svm_ebx = 0x8000,
	.svm_edx = 0x0001b4ff,
};

static void decode_tcg(struct kunit *test)
{
	struct svm_caps caps;
	const char *why;

	KUNIT_ASSERT_EQ(test, svm_decode_caps(&qemu_tcg_epyc, &caps, &why), 0);
	KUNIT_EXPECT_NULL(test, why);
	KUNIT_EXPECT_EQ(test, caps.revision, 1);
	KUNIT_EXPECT_EQ(test, caps.nr_asids, 16);
	KUNIT_EXPECT_TRUE(test, caps.npt);
	KUNIT_EXPECT_FALSE(test, caps.vgif);
	KUNIT_EXPECT_FALSE(test, caps.nrips);
	KUNIT_EXPECT_FALSE(test, caps.decode_assists);
	KUNIT_EXPECT_FALSE(test, caps.vmcb_clean);
	KUNIT_EXPECT_FALSE(test, caps.flush_by_asid);
	KUNIT_EXPECT_FALSE(test, caps.pause_filter);
}

static void decode_zen2(struct kunit *test)
{
	struct svm_caps caps;
	const char *why;

	KUNIT_ASSERT_EQ(test, svm_decode_caps(&zen2_epyc, &caps, &why), 0);
	KUNIT_EXPECT_EQ(test, caps.nr_asids, 32768);
	KUNIT_EXPECT_TRUE(test, caps.npt);
	KUNIT_EXPECT_TRUE(test, caps.nrips);
	KUNIT_EXPECT_TRUE(test, caps.decode_assists);
	KUNIT_EXPECT_TRUE(test, caps.vmcb_clean);
	KUNIT_EXPECT_TRUE(test, caps.flush_by_asid);
	KUNIT_EXPECT_TRUE(test, caps.pause_filter);
	KUNIT_EXPECT_TRUE(test, caps.vgif);
}

/* Each refusal comes with its own errno and a reason for the admin. */
static void expect_refusal(struct kunit *test, const struct svm_raw_caps *raw,
			   int err, const char *reason_word)
{
	struct svm_caps caps;
	const char *why = NULL;

	KUNIT_EXPECT_EQ(test, svm_decode_caps(raw, &caps, &why), err);
	KUNIT_ASSERT_NOT_NULL(test, why);
	KUNIT_EXPECT_NOT_NULL(test, strstr(why, reason_word));
}

static void refuse_no_svm(struct kunit *test)
{
	struct svm_raw_caps raw = zen2_epyc;

	raw.ext1_ecx &= ~SVM_EXT1_ECX_SVM;
	expect_refusal(test, &raw, -ENODEV, "no AMD SVM");

	/* An Intel CPU: extended leaves stop before 0x8000000A. */
	raw = (struct svm_raw_caps){ .max_ext_leaf = 0x80000008 };
	expect_refusal(test, &raw, -ENODEV, "no AMD SVM");

	raw = (struct svm_raw_caps){ .max_ext_leaf = 0x80000000 };
	raw.ext1_ecx = SVM_EXT1_ECX_SVM;
	expect_refusal(test, &raw, -ENODEV, "no AMD SVM");
}

static void refuse_firmware_disabled(struct kunit *test)
{
	struct svm_raw_caps raw = zen2_epyc;

	raw.vm_cr = SVM_VM_CR_SVMDIS | BIT(3);
	expect_refusal(test, &raw, -EPERM, "BIOS");
}

static void refuse_no_npt(struct kunit *test)
{
	struct svm_raw_caps raw = zen2_epyc;

	raw.svm_edx &= ~SVM_EDX_NPT;
	expect_refusal(test, &raw, -EOPNOTSUPP, "nested paging");
}

static void refuse_no_guest_asid(struct kunit *test)
{
	struct svm_raw_caps raw = qemu_tcg_epyc;

	raw.svm_ebx = 1;
	expect_refusal(test, &raw, -EOPNOTSUPP, "ASID");
	raw.svm_ebx = 0;
	expect_refusal(test, &raw, -EOPNOTSUPP, "ASID");
	raw.svm_ebx = 2;
	{
		struct svm_caps caps;
		const char *why;

		KUNIT_EXPECT_EQ(test, svm_decode_caps(&raw, &caps, &why), 0);
	}
}

static void refuse_no_svm_leaf(struct kunit *test)
{
	struct svm_raw_caps raw = qemu_tcg_epyc;

	raw.max_ext_leaf = 0x80000008;
	expect_refusal(test, &raw, -EOPNOTSUPP, "0x8000000A");
}

/* VMCB clean bits: dirty areas, the always-dirty ones, CPU moves. */
static void vmcb_clean_bits(struct kunit *test)
{
	u32 all = SVM_CLEAN_ALL & ~SVM_ALWAYS_DIRTY;

	KUNIT_EXPECT_EQ(test, 0, svm_vmcb_clean_bits(false, 0, 1, 1));
	KUNIT_EXPECT_EQ(test, 0, svm_vmcb_clean_bits(true, 0, -1, 0));
	KUNIT_EXPECT_EQ(test, 0, svm_vmcb_clean_bits(true, 0, 0, 1));
	KUNIT_EXPECT_EQ(test, all, svm_vmcb_clean_bits(true, 0, 1, 1));
	KUNIT_EXPECT_EQ(test, all & ~BIT(SVM_CLEAN_ASID),
			svm_vmcb_clean_bits(true, BIT(SVM_CLEAN_ASID), 1, 1));
	KUNIT_EXPECT_EQ(test, all & ~(BIT(SVM_CLEAN_CR) | BIT(SVM_CLEAN_SEG)),
			svm_vmcb_clean_bits(true, BIT(SVM_CLEAN_CR) |
					    BIT(SVM_CLEAN_SEG), 1, 1));
	KUNIT_EXPECT_FALSE(test, svm_vmcb_clean_bits(true, 0, 1, 1) &
			   BIT(SVM_CLEAN_INTR));
	KUNIT_EXPECT_FALSE(test, svm_vmcb_clean_bits(true, 0, 1, 1) &
			   BIT(SVM_CLEAN_CR2));
	KUNIT_EXPECT_EQ(test, 0, svm_vmcb_clean_bits(true, SVM_CLEAN_ALL, 1, 1));
}

static struct kunit_case svm_features_cases[] = {
	KUNIT_CASE(vmcb_clean_bits),
	KUNIT_CASE(decode_tcg),
	KUNIT_CASE(decode_zen2),
	KUNIT_CASE(refuse_no_svm),
	KUNIT_CASE(refuse_firmware_disabled),
	KUNIT_CASE(refuse_no_npt),
	KUNIT_CASE(refuse_no_guest_asid),
	KUNIT_CASE(refuse_no_svm_leaf),
	{}
};

static struct kunit_suite svm_features_suite = {
	.name = "lvmm_svm_features",
	.test_cases = svm_features_cases,
};

kunit_test_suite(svm_features_suite);

MODULE_DESCRIPTION("KUnit tests for lvmm");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
