/* SPDX-License-Identifier: GPL-2.0 */
/* 32-bit entry: EDI = boot info, ESI = vCPU id; cdecl arguments. */
	.section .text.start, "ax"
	.globl	_start
	.code32
_start:
	and	$-16, %esp
	sub	$8, %esp
	push	%esi
	push	%edi
	call	guest_main
	push	%eax
	call	guest_exit
	.section .note.GNU-stack, "", @progbits
