/* SPDX-License-Identifier: GPL-2.0 */
/* A flat 64-bit binary that triple-faults: #UD with an empty IDT. */
	.code64
	.globl	_start
_start:
	lidt	idt(%rip)
	ud2
idt:	.word	0
	.quad	0
	.section .note.GNU-stack, "", @progbits
