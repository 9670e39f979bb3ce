/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Driving a guest's port I/O from the test: the pic_shell guest program
 * (guest_apic.S) takes commands over port I/O, so that a test of the
 * in-kernel 8259 and 8254 reads as the accesses a BIOS or kernel makes.
 * Run it with guest_create_irqchip(GUEST_PROG(pic_shell), 1).
 */
#ifndef LVMM_SELFTEST_PORT_SHELL_H
#define LVMM_SELFTEST_PORT_SHELL_H

#include <stdint.h>

#include "vmm.h"

#define MASTER		0x20
#define SLAVE		0xa0
#define VECTOR_BASE	0x20		/* master; the slave's is 0x28 */
#define ICW4_8086	0x01

/* What the shell functions return when the guest broke the protocol. */
#define SHELL_BROKEN	0x1000

/* The guest writes @val to @port: 0 once done, else -1. */
int shell_outb(struct vcpu *v, uint16_t port, uint8_t val);
/* The byte the guest reads from @port, or SHELL_BROKEN. */
int shell_inb(struct vcpu *v, uint16_t port);
/*
 * Let the guest take interrupts: in STI; HLT with @wait (one must come,
 * or this never returns), else in STI; NOP; CLI. The vector taken, 0 if
 * none, or SHELL_BROKEN.
 */
int shell_take(struct vcpu *v, int wait);
/* ICW1-ICW4 for both 8259s, vectors 0x20 and 0x28, then IMRs @imr. */
int shell_pic_init(struct vcpu *v, uint8_t icw4, uint16_t imr);
/*
 * Wait for an interrupt on vector 0x20 (IRQ 0), then for @n more, each
 * ended with an EOI to the master 8259: the guest's TSC cycles between
 * the first and the last, or 0 if the guest broke the protocol or another
 * vector came.
 */
uint64_t shell_ticks(struct vcpu *v, uint16_t n);

#endif /* LVMM_SELFTEST_PORT_SHELL_H */
