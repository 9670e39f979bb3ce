// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: XCR0 validation (fpu.c).
 */
#include <kunit/test.h>
#include <asm/fpu/types.h>

#include "../arch.h"
#include "../fpu.h"

static void xcr0(struct kunit *test)
{
	u64 host = lvmm_host_xcr0;

	if (!host)
		kunit_skip(test, "host has no XSAVE");
	KUNIT_EXPECT_TRUE(test, lvmm_xcr0_valid(host));
	KUNIT_EXPECT_TRUE(test, lvmm_xcr0_valid(XFEATURE_MASK_FP));
	KUNIT_EXPECT_FALSE(test, lvmm_xcr0_valid(0));
	KUNIT_EXPECT_FALSE(test, lvmm_xcr0_valid(XFEATURE_MASK_SSE));
	KUNIT_EXPECT_FALSE(test, lvmm_xcr0_valid(host | BIT_ULL(62)));
	if (host & XFEATURE_MASK_YMM)
		KUNIT_EXPECT_FALSE(test, lvmm_xcr0_valid(XFEATURE_MASK_FP |
							 XFEATURE_MASK_YMM));
}

static struct kunit_case fpu_cases[] = {
	KUNIT_CASE(xcr0),
	{}
};

static struct kunit_suite fpu_suite = {
	.name = "lvmm_fpu",
	.test_cases = fpu_cases,
};

kunit_test_suite(fpu_suite);
