// SPDX-License-Identifier: GPL-2.0
/* hello: prints what the launcher told it, and exits 0. */
#include "guest.h"

int guest_main(struct lvmm_boot_info *bi, unsigned int cpu)
{
	puts_serial("Hello from an lvmm guest: vCPU ");
	print_u64(cpu);
	puts_serial(" of ");
	print_u64(bi->nr_cpus);
	puts_serial(", ");
	print_u64(bi->mem_size >> 20);
	puts_serial(" MiB, ");
	print_u64(sizeof(void *) * 8);
	puts_serial("-bit, cmdline \"");
	puts_serial((const char *)(uintptr_t)bi->cmdline);
	puts_serial("\"\n");
	return 0;
}
