// SPDX-License-Identifier: GPL-2.0
/* primes n=N: counts the primes below N by trial division. */
#include "guest.h"

int guest_main(struct lvmm_boot_info *bi, unsigned int cpu)
{
	uint64_t n = arg_u64(bi, "n", 10000), count = 0, i, d;

	for (i = 2; i < n; i++) {
		for (d = 2; d * d <= i; d++)
			if (i % d == 0)
				break;
		if (d * d > i)
			count++;
	}
	print_u64(count);
	puts_serial(" primes below ");
	print_u64(n);
	puts_serial("\n");
	return 0;
}
