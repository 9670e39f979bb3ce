/* SPDX-License-Identifier: GPL-2.0 */
/* 64-bit entry: RDI = boot info, RSI = vCPU id, RSP set by lvmm run. */
	.section .text.start, "ax"
	.globl	_start
	.code64
_start:
	and	$-16, %rsp
	call	guest_main
	mov	%eax, %edi
	call	guest_exit
	.section .note.GNU-stack, "", @progbits
