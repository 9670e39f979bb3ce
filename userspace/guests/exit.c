// SPDX-License-Identifier: GPL-2.0
/* exit code=N: ends the VM with status N through the exit port. */
#include "guest.h"

int guest_main(struct lvmm_boot_info *bi, unsigned int cpu)
{
	return arg_u64(bi, "code", 0);
}
