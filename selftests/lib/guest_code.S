/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest programs for the selftests. The tests copy the bytes between
 * <name>_start and <name>_end into guest memory at GUEST_CODE (0x1000) and
 * set the registers each program reads. Every program ends in HLT. Port
 * 0xE9 is the console: one byte per OUT.
 */
	.intel_syntax noprefix
	.section .rodata, "a"

#define GUEST(name) .globl name##_start, name##_end; name##_start:
#define END(name) name##_end:

/* Print the NUL-terminated string at SI, byte by byte; AX = 0x600d. */
	.code16
GUEST(print16)
	mov	dx, 0xe9
1:	lodsb
	test	al, al
	jz	2f
	out	dx, al
	jmp	1b
2:	mov	ax, 0x600d
	hlt
END(print16)

	.code32
GUEST(print32)
	mov	edx, 0xe9
1:	lodsb
	test	al, al
	jz	2f
	out	dx, al
	jmp	1b
2:	mov	eax, 0x600d
	hlt
END(print32)

	.code64
GUEST(print64)
	mov	edx, 0xe9
1:	lodsb
	test	al, al
	jz	2f
	out	dx, al
	jmp	1b
2:	mov	eax, 0x600d
	hlt
END(print64)

/*
 * String I/O in long mode: REP OUTSB of RCX bytes at RSI to port 0x3000,
 * REP INSW of R9 words into R8 from port 0x3002, then backwards (DF=1)
 * REP OUTSD of 4 dwords ending at R10 to port 0x3004.
 */
GUEST(string64)
	mov	edx, 0x3000
	rep outsb
	mov	rdi, r8
	mov	rcx, r9
	mov	edx, 0x3002
	rep insw
	mov	rsi, r10
	mov	ecx, 4
	mov	edx, 0x3004
	std
	rep outsd
	cld
	hlt
END(string64)

/* String I/O in real mode: REP OUTSB of CX bytes at DS:SI to port 0x3000. */
	.code16
GUEST(string16)
	mov	dx, 0x3000
	rep outsb
	hlt
END(string16)

/*
 * Every MOV form lvmm decodes, against the MMIO address in RBX: ten
 * stores, a moffs load and store, then ten loads into different registers.
 */
	.code64
GUEST(mmio64)
	mov	byte ptr [rbx], al
	mov	word ptr [rbx], ax
	mov	dword ptr [rbx], eax
	mov	qword ptr [rbx], rax
	mov	byte ptr [rbx], 0x5a
	mov	word ptr [rbx], 0x1234
	mov	dword ptr [rbx], 0x89abcdef
	mov	qword ptr [rbx], -2
	mov	dword ptr [rbx + rcx * 4 + 0x10], eax
	mov	qword ptr [r12], r13
	movabs	eax, dword ptr [0xc0000100]
	movabs	qword ptr [0xc0000108], rax
	mov	al, byte ptr [rbx]
	mov	ah, byte ptr [rbx]
	mov	r9b, byte ptr [rbx]
	mov	dx, word ptr [rbx]
	mov	esi, dword ptr [rbx]
	mov	rdi, qword ptr [rbx]
	movzx	r10d, byte ptr [rbx]
	movzx	r11d, word ptr [rbx]
	movsx	r14, byte ptr [rbx]
	movsx	r15d, word ptr [rbx]
	hlt
END(mmio64)

/* 16-bit MMIO in real mode: 16-bit ModRM forms, against DS and SS. */
	.code16
GUEST(mmio16)
	mov	byte ptr [bx], al
	mov	word ptr [bx + si + 0x10], ax
	mov	word ptr [bp + di], 0x4321
	mov	cx, word ptr [bx]
	mov	dl, byte ptr [bx + 4]
	mov	eax, dword ptr [bx + 8]
	movzx	si, byte ptr [bx]
	hlt
END(mmio16)

/* CPUID of leaf EDI, subleaf ESI. */
	.code64
GUEST(cpuid64)
	mov	eax, edi
	mov	ecx, esi
	cpuid
	hlt
END(cpuid64)

/* Spin forever, for the signal tests. */
GUEST(spin)
	jmp	spin_start
END(spin)

/* An IDT with limit 0: the #UD becomes #GP, #DF, then a triple fault. */
GUEST(triple_fault64)
	lidt	[rip + 1f]
	ud2
1:	.word	0
	.quad	0
END(triple_fault64)

/*
 * CLGI, which the guest may not use: lvmm injects #UD, and with an IDT of
 * limit 0 that ends in a triple fault, not in a HLT.
 */
GUEST(clgi64)
	lidt	[rip + 1f]
	clgi
	hlt
1:	.word	0
	.quad	0
END(clgi64)

/*
 * Sum RCX bytes at RSI into RAX, then fill RCX bytes at RDI with 0xab:
 * memory written by userspace is read by the guest, and the reverse.
 */
GUEST(memory64)
	xor	eax, eax
	xor	edx, edx
	mov	r8, rcx
1:	mov	dl, byte ptr [rsi]
	add	rax, rdx
	inc	rsi
	dec	rcx
	jnz	1b
	mov	rcx, r8
	mov	rbx, rax
	mov	al, 0xab
	rep stosb
	mov	rax, rbx
	hlt
END(memory64)

/* OUT the vCPU id in EDI to port 0x4000, R8 times, then halt. */
GUEST(count64)
	mov	edx, 0x4000
	mov	eax, edi
1:	out	dx, eax
	dec	r8
	jnz	1b
	hlt
END(count64)
	.section .note.GNU-stack,"",@progbits

/*
 * Hostile guests (selftests/hostile_test.c) run under intr64 (below): its
 * IDT reports exceptions on port 0x80, then jumps to RBX, where the test
 * put an attack, with every other register as the test set it.
 */
	.att_syntax prefix
	.section .rodata, "a"
	.code64

/* Attacks, each loaded at RBX; "survived" is an OUT to port 0x81. */
#define ATTACK(name, ...) GUEST(name) __VA_ARGS__; out %al, $0x81; hlt; END(name)
ATTACK(atk_vmrun, vmrun)
ATTACK(atk_vmload, vmload)
ATTACK(atk_vmsave, vmsave)
ATTACK(atk_stgi, stgi)
ATTACK(atk_clgi, clgi)
ATTACK(atk_skinit, skinit)
ATTACK(atk_invlpga, invlpga)
/* ECX = 0: with extensions asked for they would #GP before any intercept. */
ATTACK(atk_monitor, xor %ecx, %ecx; xor %edx, %edx; monitor)
ATTACK(atk_mwait, xor %ecx, %ecx; mwait)
/* WRMSR of ECX with EDX:EAX from the test's registers. */
ATTACK(atk_wrmsr, wrmsr)
ATTACK(atk_rdmsr, rdmsr)

/* Set TF and return into an endless stream of #DB: a debug-trap storm. */
GUEST(atk_db_storm)
	/* Make vector 1 return (IRETQ) instead of halting. */
	lea	db_iret(%rip), %rax
	mov	%ax, 0x29010
	shr	$16, %rax
	mov	%ax, 0x29016
	shr	$16, %rax
	mov	%eax, 0x29018
	pushf
	orq	$0x100, (%rsp)
	popf
1:	nop
	jmp	1b
db_iret:
	iretq
END(atk_db_storm)

/* Interrupts off, spinning: only a host interrupt can take the CPU back. */
GUEST(atk_cli_spin)
	cli
1:	jmp	1b
END(atk_cli_spin)

/* Read one byte from every I/O port, 0 to 0xffff. */
GUEST(atk_all_ports)
	xor	%edx, %edx
1:	inb	%dx, %al
	inc	%dx
	jnz	1b
	out	%al, $0x81
	hlt
END(atk_all_ports)

/* Read and write every 16 MiB from 2 MiB (the end of RAM) to 4 GiB. */
GUEST(atk_beyond_ram)
	mov	$0x200000, %rsi
	mov	$0x100000000, %rdi
1:	mov	(%rsi), %al
	movb	$0x77, (%rsi)
	add	$0x1000000, %rsi
	cmp	%rdi, %rsi
	jb	1b
	out	%al, $0x81
	hlt
END(atk_beyond_ram)

/* REP OUTSB of RCX bytes from RSI: a very long string I/O. */
GUEST(atk_long_rep)
	mov	$0x3000, %edx
	rep outsb
	out	%al, $0x81
	hlt
END(atk_long_rep)

/*
 * Self-modifying code across a slot boundary: this is loaded so that the
 * immediate it rewrites lies in the next memory slot. RCX loops; RAX sums.
 */
GUEST(atk_smc)
	xor	%eax, %eax
1:	incb	2f + 1(%rip)
2:	mov	$0, %dl
	movzbl	%dl, %edx
	add	%rdx, %rax
	dec	%rcx
	jnz	1b
	out	%al, $0x81
	hlt
END(atk_smc)
	.section .note.GNU-stack,"",@progbits

/* One hypercall with the registers the test set, then HLT. */
	.section .rodata, "a"
	.code64
GUEST(hypercall64)
	vmmcall
	hlt
END(hypercall64)
	.section .note.GNU-stack,"",@progbits

/* The same with VMCALL, Intel's instruction, for the patching quirk. */
	.section .rodata, "a"
	.code64
GUEST(vmcall64)
	vmcall
	hlt
END(vmcall64)
	.section .note.GNU-stack,"",@progbits

/* RAX = XMM0's low quadword; XMM1's low quadword = RBX. */
	.section .rodata, "a"
	.code64
GUEST(fpu64)
	movq	%xmm0, %rax
	movq	%rbx, %xmm1
	hlt
END(fpu64)
	.section .note.GNU-stack,"",@progbits

/*
 * intr64: a 256-vector IDT at GUEST_DATA + 0x9000, then jump to RBX.
 * Exceptions (0-31) OUT their error code (if any) to port 0x83 and their
 * vector to port 0x80, then halt; interrupts (32-255) OUT their vector to
 * port 0x80 and return.
 */
	.section .rodata, "a"
	.code64
GUEST(intr64)
	push	%rax
	push	%rcx
	push	%rsi
	push	%rdi
	mov	$0x29000, %rdi
	lea	intr_stubs(%rip), %rsi
	xor	%ecx, %ecx
1:	mov	%rsi, %rax
	mov	%ax, (%rdi)
	movw	$8, 2(%rdi)
	movw	$0x8e00, 4(%rdi)
	shr	$16, %rax
	mov	%ax, 6(%rdi)
	shr	$16, %rax
	mov	%eax, 8(%rdi)
	movl	$0, 12(%rdi)
	add	$16, %rdi
	add	$16, %rsi
	inc	%ecx
	cmp	$256, %ecx
	jne	1b
	lidt	intr_idtr(%rip)
	pop	%rdi
	pop	%rsi
	pop	%rcx
	pop	%rax
	jmp	*%rbx
	.balign	16
intr_stubs:
	.set	vec, 0
	.rept	256
	.balign	16
	.if	vec < 32
	.if	(vec == 8) || ((vec >= 10) && (vec <= 14)) || (vec == 17)
	pop	%rax
	out	%al, $0x83
	.endif
	mov	$vec, %al
	out	%al, $0x80
	cli
	hlt
	.else
	push	%rax
	mov	$vec, %al
	out	%al, $0x80
	pop	%rax
	iretq
	.endif
	.set	vec, vec + 1
	.endr
intr_idtr:
	.word	256 * 16 - 1
	.quad	0x29000
END(intr64)

/* Interrupts on, halt; after the interrupt, "done" on port 0x81. */
GUEST(irq_after_hlt)
	sti
	hlt
	out	%al, $0x81
	cli
	hlt
END(irq_after_hlt)

/* Interrupts off at a checkpoint (port 0x82), then on: a window opens. */
GUEST(irq_window)
	cli
	out	%al, $0x82
	sti
	nop
	out	%al, $0x81
	cli
	hlt
END(irq_window)

/*
 * Page sharing integrity: R11 = RDX rounds of: pick a page at random (PRNG
 * state R8) among RSI pages at RDI, check it holds what this program last
 * wrote there (its version in the byte array at R12; 0: never written, so
 * zeroes), then fill it with version 1-4 of its content, a function of its
 * number R9 + page. Identical guests thus keep writing identical pages,
 * which the scanner merges and the next write splits again. RAX = 0x600d,
 * or 0xbad with the faulty address in R10.
 */
	.section .rodata, "a"
	.intel_syntax noprefix
	.code64
GUEST(sharewrite64)
	mov	r11, rdx
	mov	r14, 0x9e3779b97f4a7c15
1:	mov	rax, r8
	shl	rax, 13
	xor	r8, rax
	mov	rax, r8
	shr	rax, 7
	xor	r8, rax
	mov	rax, r8
	shl	rax, 17
	xor	r8, rax
	mov	rax, r8
	xor	edx, edx
	div	rsi
	mov	r13, rdx
	mov	rbx, r13
	shl	rbx, 12
	add	rbx, rdi
	movzx	ecx, byte ptr [r12 + r13]
	xor	eax, eax
	test	ecx, ecx
	jz	2f
	lea	rax, [r9 + r13]
	shl	rax, 2
	add	rax, rcx
	imul	rax, r14
2:	mov	ecx, 512
	mov	r15, rbx
3:	cmp	[r15], rax
	jne	9f
	add	r15, 8
	dec	ecx
	jnz	3b
	mov	rax, r8
	shr	rax, 40
	and	eax, 3
	inc	eax
	mov	byte ptr [r12 + r13], al
	lea	rcx, [r9 + r13]
	shl	rcx, 2
	add	rax, rcx
	imul	rax, r14
	mov	ecx, 512
	mov	r15, rbx
4:	mov	[r15], rax
	add	r15, 8
	dec	ecx
	jnz	4b
	mov	r15, rbx
	cmp	[rbx], rax
	jne	9f
	add	r15, 4088
	cmp	[r15], rax
	jne	9f
	dec	r11
	jnz	1b
	mov	eax, 0x600d
	hlt
9:	mov	r10, r15
	mov	eax, 0xbad
	hlt
END(sharewrite64)
	.att_syntax
	.section .note.GNU-stack,"",@progbits

/*
 * kvmclock: find KVM's CPUID signature as Linux does (0x40000000 to
 * 0x4000ff00, in steps of 0x100) and store its base at RBP (0: none, then
 * HLT) and its features (EAX of base + 1) at RBP + 8. If not 0, write RDI
 * to MSR_KVM_SYSTEM_TIME_NEW and RSI to MSR_KVM_WALL_CLOCK_NEW; read the
 * former back to RBP + 32. Then two TSC
 * readings, R8 loop turns apart, at RBP + 16 and RBP + 24.
 */
	.section .rodata, "a"
	.intel_syntax noprefix
	.code64
GUEST(kvmclock64)
	mov	r9d, 0x40000000
1:	mov	eax, r9d
	xor	ecx, ecx
	cpuid
	cmp	ebx, 0x4b4d564b
	jne	2f
	cmp	ecx, 0x564b4d56
	jne	2f
	cmp	edx, 0x4d
	je	3f
2:	add	r9d, 0x100
	cmp	r9d, 0x40010000
	jb	1b
	mov	qword ptr [rbp], 0
	hlt
3:	mov	[rbp], r9
	lea	eax, [r9 + 1]
	xor	ecx, ecx
	cpuid
	mov	[rbp + 8], rax
	test	rdi, rdi
	jz	6f
	mov	ecx, 0x4b564d01
	mov	rax, rdi
	mov	rdx, rdi
	shr	rdx, 32
	wrmsr
6:	test	rsi, rsi
	jz	4f
	mov	ecx, 0x4b564d00
	mov	rax, rsi
	mov	rdx, rsi
	shr	rdx, 32
	wrmsr
4:	mov	ecx, 0x4b564d01
	rdmsr
	shl	rdx, 32
	or	rax, rdx
	mov	[rbp + 32], rax
	rdtsc
	shl	rdx, 32
	or	rax, rdx
	mov	[rbp + 16], rax
5:	dec	r8
	jnz	5b
	rdtsc
	shl	rdx, 32
	or	rax, rdx
	mov	[rbp + 24], rax
	hlt
END(kvmclock64)
	.att_syntax
	.section .note.GNU-stack,"",@progbits

/*
 * Debug registers: write RAX, RBX, RCX and R14 to DR0-DR3, RDI to DR6 and
 * RSI to DR7, then read them back into R8-R13 (GPRs with REX.B, for the
 * decoder), and halt.
 */
	.section .rodata, "a"
	.code64
GUEST(dr64)
	mov	%rax, %dr0
	mov	%rbx, %dr1
	mov	%rcx, %dr2
	mov	%r14, %dr3
	mov	%rdi, %dr6
	mov	%rsi, %dr7
	mov	%dr0, %r8
	mov	%dr1, %r9
	mov	%dr2, %r10
	mov	%dr3, %r11
	mov	%dr6, %r12
	mov	%dr7, %r13
	hlt
END(dr64)
	.section .note.GNU-stack,"",@progbits

/*
 * Under intr64: read MSR ECX into R8, write R9 to it, read it again into
 * R10, then "survived" (an OUT to port 0x81).
 */
	.section .rodata, "a"
	.code64
GUEST(msr_rw64)
	rdmsr
	shl	$32, %rdx
	or	%rdx, %rax
	mov	%rax, %r8
	mov	%r9, %rax
	mov	%r9, %rdx
	shr	$32, %rdx
	wrmsr
	rdmsr
	shl	$32, %rdx
	or	%rdx, %rax
	mov	%rax, %r10
	out	%al, $0x81
	hlt
END(msr_rw64)
	.section .note.GNU-stack,"",@progbits

/*
 * XCR0 = EDX:EAX with XSETBV (CR4.OSXSAVE is the test's), then R8 CPUIDs
 * and an OUT to port 0x3000 (exits the kernel and the VMM complete), then
 * XCR0 read back with XGETBV into RAX, and HLT.
 */
	.section .rodata, "a"
	.code64
GUEST(xcr0_64)
	xor	%ecx, %ecx
	xsetbv
1:	xor	%eax, %eax
	cpuid
	dec	%r8
	jnz	1b
	mov	$0x3000, %edx
	out	%al, %dx
	xor	%ecx, %ecx
	xgetbv
	shl	$32, %rdx
	or	%rdx, %rax
	hlt
END(xcr0_64)
	.section .note.GNU-stack,"",@progbits
