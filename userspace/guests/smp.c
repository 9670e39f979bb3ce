// SPDX-License-Identifier: GPL-2.0
/*
 * smp: vCPU 0 starts every other vCPU through the launcher's start port;
 * each reports in under a spinlock; vCPU 0 waits for all, then exits 0.
 */
#include "guest.h"

static volatile int lock;
static volatile unsigned int reported;

static void say(unsigned int cpu)
{
	while (__atomic_exchange_n(&lock, 1, __ATOMIC_ACQUIRE))
		__asm__ volatile("pause");
	puts_serial("vCPU ");
	print_u64(cpu);
	puts_serial(" reporting\n");
	reported++;
	__atomic_store_n(&lock, 0, __ATOMIC_RELEASE);
}

int guest_main(struct lvmm_boot_info *bi, unsigned int cpu)
{
	unsigned int i;

	if (cpu) {
		say(cpu);
		for (;;)
			__asm__ volatile("cli; hlt");
	}
	for (i = 1; i < bi->nr_cpus; i++)
		outl(LVMM_PORT_START_CPU, i);
	say(0);
	while (__atomic_load_n(&reported, __ATOMIC_ACQUIRE) < bi->nr_cpus)
		__asm__ volatile("pause");
	puts_serial("all ");
	print_u64(bi->nr_cpus);
	puts_serial(" vCPUs reported\n");
	return 0;
}
