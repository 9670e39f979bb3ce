/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest programs for events_test: what the CPU does while it delivers an
 * event. Each runs after intr64 (guest_code.S), whose IDT is at 0x29000.
 */
	.intel_syntax noprefix
	.section .rodata, "a"
	.code64

#define GUEST(name) .globl name##_start, name##_end; name##_start:
#define END(name) name##_end:
#define IDT	0x29000

/* Point IDT gate VEC at LABEL (the rest of the gate is intr64's). */
#define SET_GATE(vec, label)			\
	lea	rax, [rip + label];		\
	mov	rdi, IDT + (vec) * 16;		\
	mov	word ptr [rdi], ax;		\
	shr	rax, 16;			\
	mov	word ptr [rdi + 6], ax;		\
	shr	rax, 16;			\
	mov	dword ptr [rdi + 8], eax
#define APIC		0xfee00000
#define APIC_EOI	0xb0
#define APIC_SPIV	0xf0
#define APIC_LVTT	0x320
#define APIC_TMICT	0x380
#define APIC_TDCR	0x3e0

/*
 * Single-step one NOP with its own #DB handler, which reports DR6 on port
 * 0x85 (four bytes) and halts.
 */
GUEST(db_single_step)
	SET_GATE(1, 2f)
	pushfq
	or	qword ptr [rsp], 0x100		/* TF */
	popfq
	nop
	hlt					/* not reached */
2:	mov	rax, dr6
	out	0x85, eax
	hlt
END(db_single_step)

/*
 * A #GP whose delivery pushes its frame onto a stack where the guest has
 * no memory (GUEST_MMIO, 3 GiB). The faulting instruction is a MOV to
 * memory that a VMM could decode as an MMIO write: it must not be.
 */
GUEST(deliver_onto_no_memory)
	mov	rsp, 0xc0001000
	mov	rax, 0x8000000000000000		/* not canonical: #GP */
	mov	dword ptr [rax], ebx
	hlt
END(deliver_onto_no_memory)

/*
 * The APIC timer, one-shot every R15 ns on vector 0x40, interrupts a busy
 * loop R14 times: the handler arms it again while fewer than R14 ticks
 * were handled, so exactly R14 interrupts are raised, and a count above
 * R14 is an interrupt delivered twice. (A periodic timer raised more: the
 * tick after the last could come before the loop saw the count, when the
 * host held the vCPU for a period.) The handler spins R10 times with IF=0
 * before its EOI, which keeps the time between an interrupt's injection
 * and the next exit long; on entry it checks whether the interrupted RIP
 * is its own first instruction: an interrupt delivered a second time right
 * after the first (R13 counts those). Reports R13 on port 0x86, then the
 * ticks on 0x87 (four bytes each).
 */
GUEST(timer_spin)
	SET_GATE(0x40, 3f)
	xor	r12, r12
	xor	r13, r13
	mov	rdi, APIC
	mov	dword ptr [rdi + APIC_SPIV], 0x1ff
	mov	dword ptr [rdi + APIC_TDCR], 0xb		/* divide by 1 */
	mov	dword ptr [rdi + APIC_LVTT], 0x00040	/* one-shot */
	mov	dword ptr [rdi + APIC_TMICT], r15d
	sti
1:	cmp	r12, r14
	jb	1b
	cli
	mov	eax, r13d
	out	0x86, eax
	mov	eax, r12d
	out	0x87, eax
	hlt
3:	push	rax
	push	rcx
	lea	rax, [rip + 3b]
	cmp	rax, [rsp + 16]				/* the interrupted RIP */
	jne	4f
	inc	r13
4:	lea	rax, [r12 + 1]
	cmp	rax, r14
	jae	6f
	mov	dword ptr [rdi + APIC_TMICT], r15d	/* the next tick */
6:	mov	rcx, r10
5:	dec	rcx
	jnz	5b
	inc	r12
	mov	dword ptr [rdi + APIC_EOI], 0
	pop	rcx
	pop	rax
	iretq
END(timer_spin)
	.section .note.GNU-stack,"",@progbits
