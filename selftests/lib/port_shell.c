// SPDX-License-Identifier: GPL-2.0
/*
 * The test's side of pic_shell (guest_apic.S): commands on port 0x90,
 * their arguments on 0x91 and 0x92, results and acknowledgements on 0x84
 * to 0x87 (CMD_TICKS's result in RAX at its OUT to 0x87); the IDT stubs
 * report a vector on 0x80.
 */
#include <string.h>

#include "guest.h"
#include "port_shell.h"

enum { CMD_WAIT = 1, CMD_WINDOW, CMD_OUTB, CMD_INB, CMD_TICKS };

/* Answer the guest's IN from @port with @val; 0, or -1 for another exit. */
static int answer_in(struct vcpu *v, uint16_t port, uint32_t val)
{
	struct kvm_run *run = v->run;

	vcpu_run(v);
	if (run->exit_reason != KVM_EXIT_IO ||
	    run->io.direction != KVM_EXIT_IO_IN || run->io.port != port)
		return -1;
	memcpy((uint8_t *)run + run->io.data_offset, &val, run->io.size);
	return 0;
}

int shell_outb(struct vcpu *v, uint16_t port, uint8_t val)
{
	uint8_t data;

	if (answer_in(v, 0x90, CMD_OUTB) || answer_in(v, 0x91, port) ||
	    answer_in(v, 0x92, val) || guest_next_out(v, &data) != 0x86)
		return -1;
	return 0;
}

int shell_inb(struct vcpu *v, uint16_t port)
{
	uint8_t data;

	if (answer_in(v, 0x90, CMD_INB) || answer_in(v, 0x91, port) ||
	    guest_next_out(v, &data) != 0x84)
		return SHELL_BROKEN;
	return data;
}

int shell_take(struct vcpu *v, int wait)
{
	uint8_t data;
	uint32_t port;
	int vector = 0;

	if (answer_in(v, 0x90, wait ? CMD_WAIT : CMD_WINDOW))
		return SHELL_BROKEN;
	port = guest_next_out(v, &data);
	if (port == 0x80) {
		vector = data;
		port = guest_next_out(v, &data);
	}
	return port == 0x85 ? vector : SHELL_BROKEN;
}

int shell_pic_init(struct vcpu *v, uint8_t icw4, uint16_t imr)
{
	return shell_outb(v, MASTER, 0x11) ?:
	       shell_outb(v, MASTER + 1, VECTOR_BASE) ?:
	       shell_outb(v, MASTER + 1, 1 << 2) ?:
	       shell_outb(v, MASTER + 1, icw4) ?:
	       shell_outb(v, SLAVE, 0x11) ?:
	       shell_outb(v, SLAVE + 1, VECTOR_BASE + 8) ?:
	       shell_outb(v, SLAVE + 1, 2) ?:
	       shell_outb(v, SLAVE + 1, icw4) ?:
	       shell_outb(v, MASTER + 1, imr) ?:
	       shell_outb(v, SLAVE + 1, imr >> 8);
}

uint64_t shell_ticks(struct vcpu *v, uint16_t n)
{
	struct kvm_regs regs;
	uint8_t data;
	uint32_t port;

	if (answer_in(v, 0x90, CMD_TICKS) || answer_in(v, 0x91, n))
		return 0;
	while ((port = guest_next_out(v, &data)) == 0x80)
		if (data != VECTOR_BASE)
			return 0;
	/* At the OUT that reports it, RAX holds the TSC difference. */
	if (port != 0x87 || ioctl(v->fd, KVM_GET_REGS, &regs))
		return 0;
	return regs.rax;
}
