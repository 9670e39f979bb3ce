/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sample guests' runtime: the launcher's guest ABI (boot info, exit
 * port, vCPU start port) and a polled 16550A console.
 */
#ifndef LVMM_GUEST_H
#define LVMM_GUEST_H

#include <stdint.h>
#include <stddef.h>

#include <linux/lvmm.h>

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" :: "a"(v), "Nd"(port));
}

/* Defined by each guest; returns its exit status. */
int guest_main(struct lvmm_boot_info *bi, unsigned int cpu);

void putc_serial(char c);
void puts_serial(const char *s);
void print_u64(uint64_t v);
int getc_serial(void);
void guest_exit(int code) __attribute__((noreturn));
void halt_forever(void) __attribute__((noreturn));
/* Value of "key=VALUE" in the command line (K/M/G suffixes), or @def. */
uint64_t arg_u64(const struct lvmm_boot_info *bi, const char *key, uint64_t def);

#endif /* LVMM_GUEST_H */
