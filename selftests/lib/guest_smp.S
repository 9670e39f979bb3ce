/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Starting an AP with INIT and SIPI (smp_test.c): a long-mode BSP program
 * and the real-mode code the AP starts in.
 */
	.intel_syntax noprefix
	.section .rodata, "a"

#define GUEST(name) .globl name##_start, name##_end; name##_start:
#define END(name) name##_end:

#define APIC		0xfee00000
#define APIC_SPIV	0xf0
#define APIC_ICR	0x300
#define APIC_ICR2	0x310
#define X2APIC_ICR	0x830

#define ICR_INIT	0x00500
#define ICR_STARTUP	0x00600
#define ICR_ASSERT	0x04000
#define ICR_LEVEL	0x08000
#define ICR_ALL_INC	0x80000		/* shorthand: all including self */

/*
 * The BSP: APIC ID 1 gets a SIPI with vector RSI before any INIT, then
 * (after checkpoint 0x82) INIT, an INIT level de-assert to everyone, the
 * BSP included, and two SIPIs with vector RDI, as Linux sends them. If
 * the de-assert were taken for an INIT the BSP would restart at the reset
 * vector instead of reaching "done", an OUT to port 0x81. R9 != 0: by
 * x2APIC MSR, else by xAPIC MMIO.
 */
	.code64
GUEST(smp_start_ap)
	mov	rbx, APIC
	test	r9, r9
	jz	1f
	mov	ecx, 0x1b				/* IA32_APIC_BASE */
	rdmsr
	or	eax, 0xc00				/* enable + x2APIC */
	wrmsr
	jmp	2f
1:	mov	dword ptr [rbx + APIC_SPIV], 0x1ff
2:	mov	eax, esi
	or	eax, ICR_STARTUP
	mov	r10d, 1
	call	3f
	out	0x82, al
	mov	eax, ICR_INIT | ICR_LEVEL | ICR_ASSERT
	call	3f
	mov	eax, ICR_INIT | ICR_LEVEL | ICR_ALL_INC
	call	3f
	mov	eax, edi
	or	eax, ICR_STARTUP
	call	3f
	mov	eax, edi
	or	eax, ICR_STARTUP
	call	3f
	out	0x81, al
	cli
	hlt
	/* ICR := EAX, destination APIC ID R10D. */
3:	test	r9, r9
	jnz	4f
	mov	edx, r10d
	shl	edx, 24
	mov	dword ptr [rbx + APIC_ICR2], edx
	mov	dword ptr [rbx + APIC_ICR], eax
	ret
4:	mov	ecx, X2APIC_ICR
	mov	edx, r10d
	wrmsr
	ret
END(smp_start_ap)

/*
 * The AP, copied to vector << 12: CS as it sees it to port 0x90, the IP
 * of ap_hello_ip to port 0x92 (which is its offset here only if the AP
 * began at IP 0), 0x5a5a to offset 0x100 of its page, then "done".
 */
	.code16
GUEST(ap_hello)
	mov	ax, cs
	out	0x90, ax
	call	1f
	.globl ap_hello_ip
ap_hello_ip:
1:	pop	ax
	out	0x92, ax
	mov	ax, cs
	mov	ds, ax
	mov	word ptr [0x100], 0x5a5a
	out	0x81, al
	cli
	hlt
END(ap_hello)
	.section .note.GNU-stack,"",@progbits
