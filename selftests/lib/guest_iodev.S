/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest programs for the in-kernel write sinks (iodev_test.c): ioeventfds
 * and coalesced zones. Long mode, identity-mapped, no IDT; RBX holds the
 * MMIO address the test chose.
 */
	.intel_syntax noprefix
	.section .rodata, "a"
	.code64

#define GUEST(name) .globl name##_start, name##_end; name##_start:
#define END(name) name##_end:

/*
 * To port 0x3100: byte 0x11, byte 0x22, word 0x11. To MMIO: dword 0xdead
 * at RBX, a qword and a byte at RBX + 8. Then a dword load from RBX.
 */
GUEST(iodev64)
	mov	dx, 0x3100
	mov	al, 0x11
	out	dx, al
	mov	al, 0x22
	out	dx, al
	mov	ax, 0x11
	out	dx, ax
	mov	dword ptr [rbx], 0xdead
	mov	qword ptr [rbx + 8], rax
	mov	byte ptr [rbx + 8], al
	mov	eax, dword ptr [rbx]
	hlt
END(iodev64)

/*
 * Stores 1 to RCX, each as a dword at RBX + (n % 64) * 4; then n + 1 at
 * RBX + 0x200; then bytes 0xa1 and 0xa2 to port 0x3200.
 */
GUEST(coalesced64)
	mov	eax, 1
1:	mov	edx, eax
	and	edx, 0x3f
	shl	edx, 2
	mov	dword ptr [rbx + rdx], eax
	inc	eax
	cmp	eax, ecx
	jbe	1b
	mov	dword ptr [rbx + 0x200], eax
	mov	dx, 0x3200
	mov	al, 0xa1
	out	dx, al
	mov	al, 0xa2
	out	dx, al
	hlt
END(coalesced64)
	.section .note.GNU-stack,"",@progbits
