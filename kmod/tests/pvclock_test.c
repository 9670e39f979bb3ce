// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: kvmclock's scale, tsc_to_system_mul and tsc_shift for a TSC rate.
 */
#include <kunit/test.h>
#include <linux/math64.h>
#include <asm/pvclock.h>

#include "../arch.h"
#include "../pvclock.h"

static void exact_rates(struct kunit *test)
{
	u32 mul;
	s8 shift;

	lvmm_pvclock_scale(1000000000, &mul, &shift);	/* 1 GHz: 1 ns a tick */
	KUNIT_EXPECT_EQ(test, 1u << 31, mul);
	KUNIT_EXPECT_EQ(test, 1, shift);
	lvmm_pvclock_scale(2000000000, &mul, &shift);
	KUNIT_EXPECT_EQ(test, 1u << 31, mul);
	KUNIT_EXPECT_EQ(test, 0, shift);
	lvmm_pvclock_scale(4000000000ULL, &mul, &shift);
	KUNIT_EXPECT_EQ(test, 1u << 31, mul);
	KUNIT_EXPECT_EQ(test, -1, shift);
}

/* Any rate: mul keeps 32 significant bits and one second is 10^9 ns. */
static void one_second(struct kunit *test)
{
	static const u64 rates[] = {
		32768, 1000000, 14318180, 999999999, 1000000001, 1799998000,
		2495312000ULL, 2994375000ULL, 3700000000ULL, 5200000000ULL,
		10000000000ULL,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rates); i++) {
		u64 hz = rates[i], ns;
		u32 mul;
		s8 shift;

		lvmm_pvclock_scale(hz, &mul, &shift);
		KUNIT_EXPECT_GE_MSG(test, mul, 1u << 31, "%llu Hz", hz);
		ns = pvclock_scale_delta(hz, mul, shift);
		/* mul is rounded down: at most 2^-31 slow, plus truncation. */
		KUNIT_EXPECT_LE_MSG(test, ns, NSEC_PER_SEC, "%llu Hz", hz);
		KUNIT_EXPECT_GE_MSG(test, ns, NSEC_PER_SEC - 2 - (hz >> 30),
				    "%llu Hz", hz);
		/* An hour, where rounding of mul would show. */
		ns = pvclock_scale_delta(hz * 3600, mul, shift);
		KUNIT_EXPECT_LE_MSG(test, 3600 * NSEC_PER_SEC - ns, 3600 * 2,
				    "%llu Hz", hz);
	}
}

static struct kunit_case pvclock_cases[] = {
	KUNIT_CASE(exact_rates),
	KUNIT_CASE(one_second),
	{}
};

static struct kunit_suite pvclock_suite = {
	.name = "lvmm_pvclock",
	.test_cases = pvclock_cases,
};

kunit_test_suite(pvclock_suite);
