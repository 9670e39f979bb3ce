/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A flat real-mode binary: prints through the UART and exits 0 through the
 * exit port. Linked at 0: lvmm run sets CS so that CS:0 is the load address.
 */
	.code16
	.globl	_start
_start:
	mov	%cs, %ax
	mov	%ax, %ds
	mov	$msg, %si
1:	lodsb
	test	%al, %al
	jz	2f
	mov	$0x3f8, %dx
	out	%al, %dx
	jmp	1b
2:	mov	$0x500, %dx
	xor	%eax, %eax
	out	%eax, %dx
	hlt
msg:	.asciz	"hello from a flat real-mode binary\n"
	.section .note.GNU-stack, "", @progbits
