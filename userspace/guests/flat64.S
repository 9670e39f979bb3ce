/* SPDX-License-Identifier: GPL-2.0 */
/* A flat 64-bit binary, position independent; exits with status 3. */
	.code64
	.globl	_start
_start:
	lea	msg(%rip), %rsi
1:	lodsb
	test	%al, %al
	jz	2f
	mov	$0x3f8, %dx
	out	%al, %dx
	jmp	1b
2:	mov	$0x500, %dx
	mov	$3, %eax
	out	%eax, %dx
	hlt
msg:	.asciz	"hello from a flat long-mode binary\n"
	.section .note.GNU-stack, "", @progbits
