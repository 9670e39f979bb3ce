/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest programs for KVM_SET_GUEST_DEBUG (guest_debug_test.c). Long mode,
 * no IDT: every stop is the debugger's, never the guest's.
 */
	.intel_syntax noprefix
	.section .rodata, "a"
	.code64

#define GUEST(name) .globl name##_start, name##_end; name##_start:
#define END(name) name##_end:

/*
 * Offsets: 0 NOP, 1 INC EAX (2 bytes), 3 CPUID (2 bytes; the kernel
 * emulates it), 5 NOP, 6 HLT.
 */
GUEST(step64)
	nop
	inc	eax
	cpuid
	nop
	hlt
END(step64)

/* Offsets: 0 NOP, 1 INT3, 2 NOP, 3 HLT. */
GUEST(int3_64)
	nop
	int3
	nop
	hlt
END(int3_64)
	.section .note.GNU-stack,"",@progbits
