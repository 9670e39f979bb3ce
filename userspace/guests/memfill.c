// SPDX-License-Identifier: GPL-2.0
/*
 * memfill size=SIZE pattern=BYTE: fills SIZE bytes from 2 MiB up with BYTE,
 * then idles (HLT with interrupts on) until the VM is stopped.
 */
#include "guest.h"

#define START (2UL << 20)

int guest_main(struct lvmm_boot_info *bi, unsigned int cpu)
{
	uint64_t size = arg_u64(bi, "size", 16 << 20);
	uint8_t pattern = arg_u64(bi, "pattern", 0x5a);
	volatile uint8_t *p = (volatile uint8_t *)START;
	uint64_t i;

	if (START + size > bi->mem_size - (1 << 20))
		size = bi->mem_size - (1 << 20) - START;
	for (i = 0; i < size; i++)
		p[i] = pattern;
	puts_serial("memfill: filled ");
	print_u64(size >> 20);
	puts_serial(" MiB with ");
	print_u64(pattern);
	puts_serial(", idling\n");
	halt_forever();
}
