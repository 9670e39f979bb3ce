/* SPDX-License-Identifier: GPL-2.0 */
/* A flat 32-bit protected-mode binary, linked at its load address 0x1000. */
	.code32
	.globl	_start
_start:
	mov	$msg, %esi
1:	lodsb
	test	%al, %al
	jz	2f
	mov	$0x3f8, %dx
	out	%al, %dx
	jmp	1b
2:	cli
	hlt
msg:	.asciz	"hello from a flat protected-mode binary\n"
	.section .note.GNU-stack, "", @progbits
